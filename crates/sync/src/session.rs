//! Signing a library in and out of its studio, and what its connection is (R14.1, STUDIO.md §2):
//! the sign-in makes a device on the studio, keeps its credential in the OS keyring under the
//! device's id and binds the library (one studio, one person); every later use trades the
//! refresh secret for a new one (saved before anything else happens) and an access token.
//!
//! Knows the order of these steps and what to undo when one fails; the HTTP is `client`'s, the
//! keyring `credentials`', the catalog the library's.

use atelier_domain::StudioRole;
use atelier_domain::ids::DeviceId;
use atelier_library::{Library, StudioBinding, studio::check_same};
use atelier_protocol::{ErrorCode, PasswordSignIn, RefreshRequest, SignedIn, StudioUser};
use serde::Serialize;

use crate::client::StudioClient;
use crate::credentials::{Credentials, DeviceCredential};
use crate::error::{Result, SyncError};

/// What `atelier studio login` needs.
pub struct SignIn<'a> {
    /// The studio's address.
    pub url: &'a str,
    /// The account's email.
    pub email: &'a str,
    /// Its password.
    pub password: &'a str,
    /// What the studio's device list calls this library ("Atelier on ann-laptop").
    pub device: &'a str,
}

/// Who signed in where.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SignedInReport {
    /// The studio's address.
    pub url: String,
    /// The studio's name.
    pub studio: String,
    /// The person.
    pub user: StudioUser,
    /// Their studio role now.
    pub role: StudioRole,
    /// This library's device on the studio.
    pub device_id: DeviceId,
    /// Where the credential is kept.
    pub keyring: String,
}

/// How the library stands with its studio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Connection {
    /// Never bound to a studio.
    Standalone,
    /// Bound, and the studio answered.
    Online,
    /// Bound and signed in, but the studio didn't answer.
    Offline,
    /// Bound, but signed out: `atelier studio login` again.
    SignedOut,
    /// The studio revoked this device (or saw its secret reused): sign in again.
    Revoked,
}

/// `atelier studio status`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioStatus {
    /// How the library stands.
    pub connection: Connection,
    /// The studio's address, when bound.
    pub url: Option<String>,
    /// The studio's name, when it answered.
    pub studio: Option<String>,
    /// Who the library acts as, when the studio answered.
    pub user: Option<StudioUser>,
    /// Their studio role now, when the studio answered.
    pub role: Option<StudioRole>,
    /// This library's device, when bound.
    pub device_id: Option<String>,
    /// Where the credential is kept, when signed in.
    pub keyring: Option<String>,
    /// Changes waiting for the studio.
    #[ts(type = "number")]
    pub pending: i64,
    /// Why it is offline, signed out or revoked.
    pub reason: Option<String>,
}

/// Signs the library in: checks the studio and that a keyring can keep the credential before
/// the studio makes a device, binds the library, and undoes the device if binding is refused.
pub fn login(library: &Library, request: &SignIn<'_>) -> Result<SignedInReport> {
    let client = StudioClient::new(request.url)?;
    let binding = library.studio_binding()?;
    if let Some(b) = &binding
        && b.studio_url != client.url()
    {
        // Another studio: refused before anything is made there.
        check_same(b, client.url(), b.user)?;
    }
    // No keyring → refused before the studio lists a device nobody can use.
    Credentials::open("probe")?;
    let info = client.info()?;
    let signed = client.sign_in(&PasswordSignIn {
        email: request.email.trim().to_string(),
        password: request.password.to_string(),
        device: request.device.to_string(),
    })?;
    let device = signed.credential.device_id;
    let undo = |e: SyncError| -> SyncError {
        // Best effort: the studio forgets the device this sign-in made.
        let _ = client.revoke_device(&signed.access_token, device);
        e
    };
    if let Some(b) = &binding {
        check_same(b, client.url(), signed.user.id).map_err(|e| undo(e.into()))?;
    }
    let credentials = Credentials::open(&device.to_string()).map_err(|e| undo(e.into()))?;
    credentials
        .save(&DeviceCredential {
            studio: client.url().to_string(),
            device_id: device.to_string(),
            refresh_secret: signed.credential.refresh_secret.clone(),
        })
        .map_err(|e| undo(e.into()))?;
    if let Err(e) = library.bind_studio(client.url(), signed.user.id, device) {
        let _ = credentials.forget();
        return Err(undo(e.into()));
    }
    // Signed in again from this library: the previous device's credential goes.
    if let Some(b) = &binding
        && b.device != device.0
    {
        sign_out_device(&client, b);
    }
    Ok(SignedInReport {
        url: client.url().to_string(),
        studio: info.name,
        user: signed.user,
        role: signed.role,
        device_id: device,
        keyring: credentials.vault().to_string(),
    })
}

/// Where the library stands with its studio; asks the studio when signed in.
pub fn status(library: &Library) -> Result<StudioStatus> {
    let pending = library.outbox_len()?;
    let Some(binding) = library.studio_binding()? else {
        return Ok(StudioStatus {
            connection: Connection::Standalone,
            url: None,
            studio: None,
            user: None,
            role: None,
            device_id: None,
            keyring: None,
            pending,
            reason: None,
        });
    };
    let mut out = StudioStatus {
        connection: Connection::SignedOut,
        url: Some(binding.studio_url.clone()),
        studio: None,
        user: None,
        role: None,
        device_id: Some(binding.device.to_string()),
        keyring: None,
        pending,
        reason: Some("signed out: run 'atelier studio login URL' to sign in again".into()),
    };
    let client = StudioClient::new(&binding.studio_url)?;
    let credentials = Credentials::open(&binding.device.to_string())?;
    out.keyring = Some(credentials.vault().to_string());
    match access(&client, &credentials) {
        Ok(Some(signed)) => {
            out.connection = Connection::Online;
            out.reason = None;
            out.role = Some(signed.role);
            out.user = Some(signed.user);
            out.studio = client.info().ok().map(|i| i.name);
        }
        Ok(None) => out.keyring = None,
        Err(SyncError::Unreachable { reason, .. }) => {
            out.connection = Connection::Offline;
            out.reason = Some(format!(
                "the studio can't be reached ({reason}); changes wait here"
            ));
        }
        Err(SyncError::NotSignedIn(why)) => {
            out.connection = Connection::Revoked;
            out.keyring = None;
            out.reason = Some(why);
        }
        Err(e) => return Err(e),
    }
    Ok(out)
}

/// Signs the library out: the studio revokes this device when it can be reached, and the
/// credential leaves the keyring either way. The binding stays: signing in again as the same
/// person on the same studio continues where the library was.
pub fn logout(library: &Library) -> Result<bool> {
    let Some(binding) = library.studio_binding()? else {
        return Err(SyncError::NotSignedIn(
            "this library isn't signed in to a studio".into(),
        ));
    };
    let client = StudioClient::new(&binding.studio_url)?;
    Ok(sign_out_device(&client, &binding))
}

/// Runs `f` with the studio and a fresh access token, for commands that need the studio
/// (R14.1): not signed in, revoked or unreachable → an error that says so.
pub fn with_studio<T>(library: &Library, f: impl FnOnce(&StudioClient, &SignedIn) -> Result<T>) -> Result<T> {
    let Some(binding) = library.studio_binding()? else {
        return Err(SyncError::NotSignedIn(
            "this library isn't signed in to a studio: run 'atelier studio login URL' first".into(),
        ));
    };
    let client = StudioClient::new(&binding.studio_url)?;
    let credentials = Credentials::open(&binding.device.to_string())?;
    match access(&client, &credentials)? {
        Some(signed) => f(&client, &signed),
        None => Err(SyncError::NotSignedIn(
            "this library is signed out of its studio: run 'atelier studio login URL' to sign in again"
                .into(),
        )),
    }
}

/// Revokes the binding's device on the studio (best effort) and forgets its credential;
/// whether the studio heard of it.
fn sign_out_device(client: &StudioClient, binding: &StudioBinding) -> bool {
    let Ok(credentials) = Credentials::open(&binding.device.to_string()) else {
        return false;
    };
    let told = match access(client, &credentials) {
        Ok(Some(signed)) => client
            .revoke_device(&signed.access_token, signed.credential.device_id)
            .is_ok(),
        _ => false,
    };
    let _ = credentials.forget();
    told
}

/// A fresh access token for the stored credential, the rotated secret saved first. `None`
/// when nothing is stored; a revoked device's credential is forgotten and reported as
/// [`SyncError::NotSignedIn`].
pub fn access(client: &StudioClient, credentials: &Credentials) -> Result<Option<SignedIn>> {
    let Some(stored) = credentials.load()? else {
        return Ok(None);
    };
    let device_id = stored
        .device_id
        .parse()
        .map_err(|_| SyncError::NotSignedIn("the keyring's sign-in names no device: sign in again".into()))?;
    match client.refresh(&RefreshRequest {
        device_id,
        refresh_secret: stored.refresh_secret.clone(),
    }) {
        Ok(signed) => {
            // The old secret is spent the moment the studio answered: keep the new one now.
            credentials.save(&DeviceCredential {
                refresh_secret: signed.credential.refresh_secret.clone(),
                ..stored
            })?;
            Ok(Some(signed))
        }
        Err(SyncError::Studio(e))
            if matches!(
                e.code,
                ErrorCode::DeviceRevoked | ErrorCode::RefreshReused | ErrorCode::Unauthorized
            ) =>
        {
            let _ = credentials.forget();
            Err(SyncError::NotSignedIn(format!(
                "the studio signed this library out ({}): run 'atelier studio login URL' to sign in again",
                e.message
            )))
        }
        Err(e) => Err(e),
    }
}
