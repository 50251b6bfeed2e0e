//! Signing a library in and out of its studio, and what its connection is (R14.1, STUDIO.md §2):
//! the sign-in — with an email and a password, or through the browser, which share everything
//! but how the studio is asked — makes a device on the studio, keeps its credential in the OS
//! keyring under the device's id and binds the library (one studio, one person); later uses
//! share this process's
//! access token while it is fresh, else trade the refresh secret for a new one (saved before
//! anything else happens) under a lock in the library folder, one refresh at a time.
//!
//! Knows the order of these steps and what to undo when one fails; the HTTP is `client`'s, the
//! keyring `credentials`', the catalog the library's.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use atelier_domain::StudioRole;
use atelier_domain::ids::DeviceId;
use atelier_library::{Library, StudioBinding, studio::check_same};
use atelier_protocol::{ErrorCode, PasswordSignIn, RefreshRequest, SignedIn, StudioInfo, StudioUser};
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
    /// Keep the sign-in in this process's memory only (the person's choice when no keyring
    /// answers): signed out when the process ends.
    pub session_only: bool,
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
    /// Changes the studio refused (the *Couldn't sync* list).
    #[ts(type = "number")]
    pub refusals: i64,
    /// When the last sync completed (RFC 3339, UTC).
    pub last_sync_at: Option<String>,
    /// Why it is offline, signed out or revoked.
    pub reason: Option<String>,
}

/// Signs the library in with an email and a password: checks the studio and that a keyring can
/// keep the credential before the studio makes a device, binds the library, and undoes the
/// device if binding is refused.
pub fn login(library: &Library, request: &SignIn<'_>) -> Result<SignedInReport> {
    let ready = prepare(library, request.url, request.session_only)?;
    let signed = ready.client.sign_in(&PasswordSignIn {
        email: request.email.trim().to_string(),
        password: request.password.to_string(),
        device: request.device.to_string(),
    })?;
    finish(library, ready, signed)
}

/// How often [`login_with_browser`] asks the studio whether the person approved.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// Signs the library in through the browser (STUDIO.md §2): the same checks as [`login`], then
/// the studio starts a sign-in and `open` is given its link (to open in the system browser, or
/// print); the studio is polled every second until the person approves there (then the
/// library is bound as [`login`] binds it), denies, the sign-in expires, or `timeout` passes.
/// An unreachable studio while waiting is asked again until then.
pub fn login_with_browser(
    library: &Library,
    url: &str,
    device: &str,
    session_only: bool,
    open: impl Fn(&str),
    timeout: Duration,
) -> Result<SignedInReport> {
    let ready = prepare(library, url, session_only)?;
    let started = ready.client.browser_start(device)?;
    let deadline = Instant::now() + timeout.min(Duration::from_secs(u64::from(started.expires_in)));
    open(&started.login_url);
    loop {
        match ready.client.browser_poll(&started.poll_token) {
            Ok(Some(signed)) => return finish(library, ready, signed),
            Ok(None) | Err(SyncError::Unreachable { .. }) if Instant::now() < deadline => {
                std::thread::sleep(POLL_EVERY.min(deadline.saturating_duration_since(Instant::now())));
            }
            Ok(None) => {
                return Err(SyncError::NotSignedIn(format!(
                    "the sign-in wasn't approved in the browser within {} s: run 'atelier studio login {}' again",
                    timeout.as_secs(),
                    ready.client.url()
                )));
            }
            Err(e) => return Err(e),
        }
    }
}

/// A studio about to be signed in to: the address is one, the library may bind to it, and a
/// keyring can keep the credential.
struct Ready {
    client: StudioClient,
    binding: Option<StudioBinding>,
    info: StudioInfo,
    session_only: bool,
}

/// What every sign-in checks before the studio makes a device: another studio than the bound
/// one is refused, no keyring is refused (else the studio would list a device nobody can use),
/// and the studio must answer with our protocol.
fn prepare(library: &Library, url: &str, session_only: bool) -> Result<Ready> {
    let client = StudioClient::new(url)?;
    let binding = library.studio_binding()?;
    if let Some(b) = &binding
        && b.studio_url != client.url()
    {
        // Another studio: refused before anything is made there.
        check_same(b, client.url(), b.user)?;
    }
    if !session_only {
        Credentials::open("probe")?;
    }
    let info = client.info()?;
    Ok(Ready {
        client,
        binding,
        info,
        session_only,
    })
}

/// After the studio signed a new device in, however: the person must be the bound one, the
/// credential goes to the keyring and the library is bound; when any of that fails the studio
/// forgets the device. A previous device of this library is signed out.
fn finish(library: &Library, ready: Ready, signed: SignedIn) -> Result<SignedInReport> {
    let Ready {
        client,
        binding,
        info,
        session_only,
    } = ready;
    let device = signed.credential.device_id;
    let undo = |e: SyncError| -> SyncError {
        // Best effort: the studio forgets the device this sign-in made.
        let _ = client.revoke_device(&signed.access_token, device);
        e
    };
    if let Some(b) = &binding {
        check_same(b, client.url(), signed.user.id).map_err(|e| undo(e.into()))?;
    }
    let credentials = if session_only {
        Credentials::session_only(&device.to_string())
    } else {
        Credentials::open(&device.to_string()).map_err(|e| undo(e.into()))?
    };
    credentials
        .save(&DeviceCredential {
            studio: client.url().to_string(),
            device_id: device.to_string(),
            refresh_secret: signed.credential.refresh_secret.clone(),
        })
        .map_err(|e| undo(e.into()))?;
    if let Err(e) = library.bind_studio(client.url(), &signed.user, signed.role, device) {
        let _ = credentials.forget();
        return Err(undo(e.into()));
    }
    tokens().insert(credentials.key().to_string(), (signed.clone(), Instant::now()));
    // Signed in again from this library: the previous device's credential goes.
    if let Some(b) = &binding
        && b.device != device.0
    {
        sign_out_device(library, &client, b);
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
    let refusals = library.refusals()?.len() as i64;
    let last_sync_at = library.sync_cursor()?.last_sync_at.map(|ms| {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap_or_default()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
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
            refusals,
            last_sync_at,
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
        refusals,
        last_sync_at,
        reason: Some("signed out: run 'atelier studio login URL' to sign in again".into()),
    };
    let client = StudioClient::new(&binding.studio_url)?;
    let credentials = Credentials::open(&binding.device.to_string())?;
    out.keyring = Some(credentials.vault().to_string());
    // Who the studio says we are now (the current role), which also shows it answers.
    let me = |signed: &SignedIn| client.me(&signed.access_token);
    let answer = match access(library, &client, &credentials) {
        Ok(Some(signed)) => match me(&signed) {
            // A token kept in this process, refused since: ask again (which says why, or
            // carries on with a fresh one).
            Err(SyncError::Studio(e)) if e.code == ErrorCode::Unauthorized => {
                drop_token(&credentials);
                access(library, &client, &credentials).and_then(|s| s.map(|s| me(&s)).transpose())
            }
            other => other.map(Some),
        },
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match answer {
        Ok(Some(me)) => {
            out.connection = Connection::Online;
            out.reason = None;
            out.role = Some(me.role);
            out.user = Some(me.user);
            out.studio = Some(me.studio);
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
    Ok(sign_out_device(library, &client, &binding))
}

/// Runs `f` with the studio and a fresh access token, for commands that need the studio
/// (R14.1): not signed in, revoked or unreachable → an error that says so.
pub fn with_studio<T>(library: &Library, f: impl Fn(&StudioClient, &SignedIn) -> Result<T>) -> Result<T> {
    let Some(binding) = library.studio_binding()? else {
        return Err(SyncError::NotSignedIn(
            "this library isn't signed in to a studio: run 'atelier studio login URL' first".into(),
        ));
    };
    let client = StudioClient::new(&binding.studio_url)?;
    let credentials = Credentials::open(&binding.device.to_string())?;
    match access(library, &client, &credentials)? {
        Some(signed) => match f(&client, &signed) {
            // A token this process kept, refused since (the device was revoked): ask again,
            // which says so, or carries on with a fresh token.
            Err(SyncError::Studio(e)) if e.code == ErrorCode::Unauthorized => {
                drop_token(&credentials);
                match access(library, &client, &credentials)? {
                    Some(signed) => f(&client, &signed),
                    None => Err(SyncError::Studio(e)),
                }
            }
            other => other,
        },
        None => Err(SyncError::NotSignedIn(
            "this library is signed out of its studio: run 'atelier studio login URL' to sign in again"
                .into(),
        )),
    }
}

/// Revokes the binding's device on the studio (best effort) and forgets its credential;
/// whether the studio heard of it.
fn sign_out_device(library: &Library, client: &StudioClient, binding: &StudioBinding) -> bool {
    let Ok(credentials) = Credentials::open(&binding.device.to_string()) else {
        return false;
    };
    let told = match access(library, client, &credentials) {
        Ok(Some(signed)) => client
            .revoke_device(&signed.access_token, signed.credential.device_id)
            .is_ok(),
        _ => false,
    };
    drop_token(&credentials);
    let _ = credentials.forget();
    told
}

/// Access tokens this process holds, by device. Every refresh spends the refresh secret, so
/// the users of one credential (the app's panels and its poll, all at once) share one token
/// instead of each refreshing: a second refresh with the same secret is what a thief's would
/// look like, and the studio revokes the device.
static TOKENS: LazyLock<Mutex<HashMap<String, (SignedIn, Instant)>>> = LazyLock::new(Default::default);

/// A token is used while it has at least this long left.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);

fn tokens() -> std::sync::MutexGuard<'static, HashMap<String, (SignedIn, Instant)>> {
    TOKENS.lock().unwrap_or_else(|p| p.into_inner())
}

/// An access token for the stored credential: this process's while it is fresh, else a
/// refresh — one at a time per library across threads and processes (the CLI beside the app),
/// the secret read inside that lock so whoever comes second presents the rotated one, and the
/// new secret saved before anything else. `None` when nothing is stored; a revoked device's
/// credential is forgotten and reported as [`SyncError::NotSignedIn`].
pub fn access(
    library: &Library,
    client: &StudioClient,
    credentials: &Credentials,
) -> Result<Option<SignedIn>> {
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(library.layout().root().join("studio.lock"))?;
    lock.lock()?;
    let key = credentials.key().to_string();
    if let Some((signed, at)) = tokens().get(&key)
        && at.elapsed() + TOKEN_MARGIN < Duration::from_secs(u64::from(signed.expires_in))
    {
        return Ok(Some(signed.clone()));
    }
    let Some(stored) = credentials.load()? else {
        tokens().remove(&key);
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
            tokens().insert(key, (signed.clone(), Instant::now()));
            Ok(Some(signed))
        }
        Err(SyncError::Studio(e))
            if matches!(
                e.code,
                ErrorCode::DeviceRevoked | ErrorCode::RefreshReused | ErrorCode::Unauthorized
            ) =>
        {
            tokens().remove(&key);
            let _ = credentials.forget();
            Err(SyncError::NotSignedIn(format!(
                "the studio signed this library out ({}): run 'atelier studio login URL' to sign in again",
                e.message
            )))
        }
        Err(e) => Err(e),
    }
}

/// Whether the library bound as `device` holds a sign-in: this process's access token while
/// it is fresh, else a credential in the keyring. The background sync asks at every round;
/// the keyring (a D-Bus conversation each time, with a daemon that has been seen to fall over
/// under such traffic) is only asked when no token is at hand.
pub fn signed_in(device: &str) -> bool {
    if let Some((signed, at)) = tokens().get(device)
        && at.elapsed() + TOKEN_MARGIN < Duration::from_secs(u64::from(signed.expires_in))
    {
        return true;
    }
    Credentials::open(device)
        .and_then(|c| c.load())
        .map(|c| c.is_some())
        .unwrap_or(false)
}

/// Forgets this process's token for a device (signed out, or the studio refused it).
fn drop_token(credentials: &Credentials) {
    tokens().remove(credentials.key());
}
