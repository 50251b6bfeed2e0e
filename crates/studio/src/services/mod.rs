//! The studio's use cases: create a studio, sign a device in, refresh it, say who a token
//! belongs to, list and revoke devices, list members, change their roles and remove them,
//! invitations (`invitations`: invite, list, resend, revoke, accept), and browser sign-in
//! (`browser`: start, the page's approve or deny, the desktop's poll). Each validates
//! its input and asks `atelier_domain` (rules::people) before it writes through the store.
//!
//! Must not know HTTP (no status codes, no headers) or SQL (it calls [`Store`] methods and
//! never sees a connection). Secrets are never logged.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use atelier_domain::ids::{DeviceId, UserId};
use atelier_domain::rules::people;
use atelier_domain::{ErrorCode, Id, InvalidInput, StudioRole, names};
use atelier_protocol::{
    DeviceCredential, PROTOCOL_VERSION, SignedIn, StudioDevice, StudioInfo, StudioMe, StudioMember,
    StudioUser,
};

use crate::store::{
    Account, Database, NewAccount, NewDevice, RefreshOutcome, Rotation, SQLITE_FILE, Store, StoreError,
};

pub mod browser;
pub mod downloads;
pub mod files;
pub mod invitations;
pub mod links;
pub mod public;
pub mod secrets;
pub mod sync;
pub mod throttle;

/// How long an access token lives: short, so that a revoked role or device stops mattering
/// quickly even for a client that ignores pokes; refreshing is cheap.
pub const ACCESS_TOKEN_SECONDS: u32 = 15 * 60;

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Refused: input that breaks a rule, a caller who may not, something not there. The code
    /// and message go to the client as they are.
    #[error("{0}")]
    Refused(#[from] InvalidInput),
    /// Storage failed (the client hears a generic message; the log has this).
    #[error(transparent)]
    Store(StoreError),
    /// Something that should not happen (the RNG, a blocking task).
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(i) => ServiceError::Refused(i),
            other => ServiceError::Store(other),
        }
    }
}

impl ServiceError {
    /// The wire code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ServiceError::Refused(e) => e.code,
            ServiceError::Store(e) => e.code(),
            ServiceError::Internal(_) => ErrorCode::InternalError,
        }
    }
}

/// Shorthand for use-case results.
pub type ServiceResult<T> = Result<T, ServiceError>;

fn refused(code: ErrorCode, message: impl Into<String>) -> ServiceError {
    ServiceError::Refused(InvalidInput::new(code, message))
}

/// Who is calling: a device with a valid access token, and its user's role as stored now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The device the token was issued to.
    pub device: DeviceId,
    /// Its user, with their current studio role.
    pub account: Account,
}

/// What `init` needs.
#[derive(Debug, Clone)]
pub struct NewStudio {
    /// The studio's name.
    pub name: String,
    /// The first Owner's email.
    pub owner_email: String,
    /// Their display name.
    pub owner_name: String,
    /// Their password.
    pub owner_password: String,
}

/// The studio's use cases over one store.
#[derive(Debug, Clone)]
pub struct Studio {
    store: Store,
    name: String,
    /// Where people reach the studio (`--public-url`, or the serving address), without a
    /// trailing `/`; invitation links start with it. Empty until [`Studio::with_base_url`]:
    /// links are then paths.
    base_url: String,
    /// `--public-url`, without a trailing `/`: public campaign links need it (R8.6).
    public_url: Option<String>,
    /// Milliseconds added to the system clock: zero, except in tests that move time on.
    skew_ms: Arc<AtomicI64>,
    /// The latest seq this process knows committed: live pokes (SSE) wait on it. Written after
    /// this process's own changes and, on PostgreSQL, on every other process's NOTIFY.
    pokes: Arc<tokio::sync::watch::Sender<i64>>,
    /// Wrong passwords per email lately (this process's count).
    throttle: Arc<throttle::SignInThrottle>,
    /// Public pages' requests per client address (this process's count).
    public_throttle: Arc<throttle::RequestThrottle>,
    /// Public downloads being cleaned and zips being built (this process's).
    downloads: downloads::DownloadSlots,
    /// What public links show, kept while still true (`public.rs`).
    public_views: Arc<public::ViewCache>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn user(a: &Account) -> StudioUser {
    StudioUser {
        id: a.id,
        email: a.email.clone(),
        display_name: a.display_name.clone(),
    }
}

/// The answer to a sign-in: the new device's credential and first access token.
fn signed_in(
    account: &Account,
    device: DeviceId,
    refresh: secrets::Minted,
    access: secrets::Minted,
) -> SignedIn {
    SignedIn {
        credential: DeviceCredential {
            device_id: device,
            refresh_secret: refresh.secret,
        },
        access_token: access.secret,
        expires_in: ACCESS_TOKEN_SECONDS,
        user: user(account),
        role: account.role,
    }
}

/// Runs CPU-heavy work (Argon2) off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ServiceResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServiceError::Internal(format!("a background task failed: {e}")))
}

impl Studio {
    /// Creates a studio with its first Owner: in `DIR/studio.db` (the folder created if
    /// missing), or in a PostgreSQL database (which must exist; it is migrated). Refuses a
    /// folder or database that already holds one, changing nothing in it.
    pub async fn create(at: &Database, new: NewStudio) -> ServiceResult<Studio> {
        let name = names::validate_name("studio name", &new.name)?;
        let owner = Self::new_account(
            &new.owner_email,
            &new.owner_name,
            new.owner_password,
            StudioRole::Owner,
        )
        .await?;
        let store = match at {
            Database::Sqlite(dir) => {
                if dir.join(SQLITE_FILE).exists() {
                    return Err(refused(
                        ErrorCode::StudioExists,
                        format!(
                            "{} already holds a studio: serve it with `atelier-studio serve --data {}`, or choose another folder",
                            dir.display(),
                            dir.display()
                        ),
                    ));
                }
                std::fs::create_dir_all(dir).map_err(|e| {
                    refused(ErrorCode::IoError, format!("can't create {}: {e}", dir.display()))
                })?;
                Store::create_sqlite(dir).await?
            }
            Database::Postgres(url) => Store::create_postgres(url).await?,
        };
        if let Err(e) = store.create_studio(&name, &owner, now_ms()).await {
            store.close().await;
            return Err(e.into());
        }
        Ok(Studio::new(store, name))
    }

    /// Opens the studio in `DIR/studio.db` or a PostgreSQL database, migrating it forward.
    pub async fn open(at: &Database) -> ServiceResult<Studio> {
        let not_found = || {
            refused(
                ErrorCode::StudioNotFound,
                match at {
                    Database::Sqlite(dir) => format!(
                        "{} holds no studio: create one with `atelier-studio init --data {} --owner EMAIL --name NAME --password-stdin`",
                        dir.display(),
                        dir.display()
                    ),
                    Database::Postgres(_) => "the database holds no studio: create one with `atelier-studio init --data DIR --database-url URL --owner EMAIL --name NAME --password-stdin`".to_string(),
                },
            )
        };
        let store = match at {
            Database::Sqlite(dir) => Store::open_sqlite(dir).await?,
            Database::Postgres(url) => Store::open_postgres(url).await?,
        }
        .ok_or_else(not_found)?;
        let Some(name) = store.studio_name().await? else {
            store.close().await;
            return Err(not_found());
        };
        Ok(Studio::new(store, name))
    }

    fn new(store: Store, name: String) -> Studio {
        Studio {
            store,
            name,
            base_url: String::new(),
            public_url: None,
            skew_ms: Arc::default(),
            pokes: Arc::new(tokio::sync::watch::Sender::new(0)),
            throttle: Arc::default(),
            public_throttle: Arc::new(throttle::RequestThrottle::new(
                throttle::PUBLIC_REQUESTS_PER_WINDOW,
            )),
            downloads: downloads::DownloadSlots::default(),
            public_views: Arc::default(),
        }
    }

    /// The same studio, making its links (invitations) start with `url` (`http(s)://host[:port]`,
    /// a trailing `/` dropped).
    pub fn with_base_url(mut self, url: &str) -> Studio {
        self.base_url = url.trim_end_matches('/').to_string();
        self
    }

    /// Requests each client address may make of the public pages per 10 s (0: no limit).
    pub fn with_public_rate(mut self, per_window: u32) -> Studio {
        self.public_throttle = Arc::new(throttle::RequestThrottle::new(per_window));
        self
    }

    /// Counts a public page request from `client` (an address); `Err(ms)`: over its limit
    /// for `ms` more milliseconds.
    pub fn public_request(&self, client: &str) -> Result<(), i64> {
        self.public_throttle.request(client, self.now())
    }

    /// The public URL the studio is served at (`--public-url`): public campaign links start
    /// with it, and can't be made without it.
    pub fn with_public_url(mut self, url: Option<&str>) -> Studio {
        self.public_url = url.map(|u| u.trim_end_matches('/').to_string());
        self
    }

    /// Now, in milliseconds since the epoch (UTC).
    fn now(&self) -> i64 {
        now_ms().saturating_add(self.skew_ms.load(Ordering::Relaxed))
    }

    /// Moves this studio's clock on (tests of expiry).
    #[cfg(test)]
    pub(crate) fn advance_clock(&self, ms: i64) {
        self.skew_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Whether `device` is still signed in (not revoked, its person still a member): the live
    /// event stream asks now and then, so that a revoked device stops hearing pokes.
    pub async fn device_still_signed_in(&self, device: DeviceId) -> ServiceResult<()> {
        match self.store.device(device).await? {
            Some(d) if d.revoked_at.is_none() => Ok(()),
            _ => Err(refused(
                ErrorCode::DeviceRevoked,
                "this device was signed out of the studio: sign in again",
            )),
        }
    }

    /// Reads the latest committed seq and wakes the live pokes if it moved.
    pub async fn poke(&self) {
        match self.store.last_seq().await {
            Ok(seq) => self.seen_seq(seq),
            Err(e) => tracing::warn!(error = %e, "can't read the latest seq for pokes"),
        }
    }

    /// The latest seq this process knows committed.
    fn known_seq(&self) -> i64 {
        *self.pokes.borrow()
    }

    /// Wakes the live pokes up to `seq` (never backwards).
    pub fn seen_seq(&self, seq: i64) {
        self.pokes.send_if_modified(|latest| {
            let moved = seq > *latest;
            if moved {
                *latest = seq;
            }
            moved
        });
    }

    /// The latest seq, to wait on for pokes.
    pub fn pokes(&self) -> tokio::sync::watch::Receiver<i64> {
        self.pokes.subscribe()
    }

    /// On PostgreSQL, listens for the changes other studio processes commit and pokes this
    /// process's clients (`LISTEN`); on SQLite there is one process and nothing to do.
    pub async fn listen_for_pokes(self: &Arc<Self>) -> ServiceResult<()> {
        let me = Arc::downgrade(self);
        self.store
            .listen(move |seq| {
                if let Some(studio) = me.upgrade() {
                    studio.seen_seq(seq);
                }
            })
            .await?;
        self.poke().await;
        Ok(())
    }

    /// Closes the database cleanly.
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// A validated account with its password hashed.
    async fn new_account(
        email: &str,
        display_name: &str,
        password: String,
        role: StudioRole,
    ) -> ServiceResult<NewAccount> {
        let email = people::email(email)?;
        let display_name = names::validate_name("display name", display_name)?;
        people::new_password(&password)?;
        let password_hash = blocking(move || secrets::hash_password(&password)).await??;
        Ok(NewAccount {
            id: UserId::new_v7(),
            email_key: people::email_key(&email),
            email,
            display_name,
            password_hash,
            role,
        })
    }

    /// Adds a member with a password directly (tests and scripts; people normally join by
    /// accepting an invitation, `invitations`).
    pub async fn add_member(
        &self,
        email: &str,
        display_name: &str,
        password: String,
        role: StudioRole,
    ) -> ServiceResult<StudioMember> {
        let account = Self::new_account(email, display_name, password, role).await?;
        self.store.add_account(&account, self.now()).await?;
        self.poke().await;
        Ok(StudioMember {
            id: account.id,
            email: account.email,
            display_name: account.display_name,
            role,
        })
    }

    /// The studio as anyone may see it.
    pub fn info(&self) -> StudioInfo {
        StudioInfo {
            name: self.name.clone(),
            protocol_version: PROTOCOL_VERSION,
        }
    }

    /// Email + password sign-in: a new device with its credential and a first access token.
    /// Wrong email and wrong password are one refusal, answered in the same time.
    pub async fn sign_in_password(
        &self,
        email: &str,
        password: String,
        device_name: &str,
    ) -> ServiceResult<SignedIn> {
        let device_name = names::validate_name("device name", device_name)?;
        let account = self.check_password(email, password).await?;
        let refresh = secrets::mint()?;
        let access = secrets::mint()?;
        let now = self.now();
        let device = NewDevice {
            id: DeviceId::new_v7(),
            account: account.id,
            name: device_name,
            refresh_hash: refresh.hash,
            access_hash: access.hash,
            access_expires_at: now + i64::from(ACCESS_TOKEN_SECONDS) * 1000,
        };
        self.store.add_device(&device, now).await?;
        tracing::info!(user = %account.id, device = %device.id, "device signed in");
        Ok(signed_in(&account, device.id, refresh, access))
    }

    /// The member with this email and password (Argon2id, on a blocking thread). Wrong email
    /// and wrong password are one refusal, `bad_credentials`, answered in the same time: an
    /// unknown email is checked against a dummy hash.
    ///
    /// Too many wrong passwords for one email lately pause its sign-ins
    /// ([`throttle`]): refused as `too_many_attempts` before any hashing.
    async fn check_password(&self, email: &str, password: String) -> ServiceResult<Account> {
        let email = people::email(email)?;
        let key = people::email_key(&email);
        self.throttled(&key, &email)?;
        let found = self.store.account_by_email(&key).await?;
        let (account, hash) = match found {
            Some((a, h)) => (Some(a), h),
            None => (None, None),
        };
        let ok = self.verify_counted(&key, password, hash).await?;
        account
            .filter(|_| ok)
            .ok_or_else(|| refused(ErrorCode::BadCredentials, "wrong email or password"))
    }

    /// Refused as `too_many_attempts` while the email `key` is paused ([`throttle`]).
    fn throttled(&self, key: &str, email: &str) -> ServiceResult<()> {
        self.throttle.check(key, self.now()).map_err(|wait_ms| {
            let minutes = (wait_ms + 59_999) / 60_000;
            refused(
                ErrorCode::TooManyAttempts,
                format!(
                    "too many wrong passwords for {email}: try again in {minutes} minute{}, or ask your studio's admin",
                    if minutes == 1 { "" } else { "s" }
                ),
            )
        })
    }

    /// Whether `password` matches `hash` (Argon2id, on a blocking thread), counted for the email
    /// `key`: a wrong one towards its pause, a right one clears it.
    async fn verify_counted(&self, key: &str, password: String, hash: Option<String>) -> ServiceResult<bool> {
        let ok = blocking(move || secrets::verify_password(&password, hash.as_deref())).await?;
        if ok {
            self.throttle.succeeded(key);
        } else {
            self.throttle.failed(key, self.now());
        }
        Ok(ok)
    }

    /// Exchanges a device's refresh secret for a new one and a new access token. A secret
    /// already exchanged revokes the device: someone else holds a copy of it.
    pub async fn refresh(&self, device: DeviceId, refresh_secret: &str) -> ServiceResult<SignedIn> {
        let next = secrets::mint()?;
        let access = secrets::mint()?;
        let now = self.now();
        let rotation = Rotation {
            device,
            presented: secrets::digest(refresh_secret),
            next_refresh: next.hash,
            access_hash: access.hash,
            access_expires_at: now + i64::from(ACCESS_TOKEN_SECONDS) * 1000,
        };
        match self.store.refresh(&rotation, now).await? {
            RefreshOutcome::Rotated(account) => Ok(signed_in(&account, device, next, access)),
            RefreshOutcome::Reused => {
                tracing::warn!(%device, "a spent refresh secret was presented: device revoked");
                Err(refused(
                    ErrorCode::RefreshReused,
                    "this device's sign-in was used twice, so it may have been copied: the device is signed out; sign in again",
                ))
            }
            RefreshOutcome::Revoked => Err(refused(
                ErrorCode::DeviceRevoked,
                "this device was signed out of the studio: sign in again",
            )),
            RefreshOutcome::Unknown => Err(refused(
                ErrorCode::Unauthorized,
                "unknown device or refresh secret: sign in again",
            )),
        }
    }

    /// Who holds this access token, with their role as stored now.
    pub async fn authenticate(&self, access_token: &str) -> ServiceResult<Caller> {
        let holder = self
            .store
            .token_holder(&secrets::digest(access_token), self.now())
            .await?;
        let holder = holder.ok_or_else(|| {
            refused(
                ErrorCode::Unauthorized,
                "the access token is unknown, expired or its device was signed out: refresh or sign in again",
            )
        })?;
        Ok(Caller {
            device: holder.device,
            account: holder.account,
        })
    }

    /// The caller, their current role and device.
    pub fn me(&self, caller: &Caller) -> StudioMe {
        StudioMe {
            user: user(&caller.account),
            role: caller.account.role,
            device_id: caller.device,
            studio: self.name.clone(),
        }
    }

    /// The caller's signed-in devices.
    pub async fn devices(&self, caller: &Caller) -> ServiceResult<Vec<StudioDevice>> {
        let rows = self.store.devices_of(caller.account.id).await?;
        Ok(rows
            .into_iter()
            .map(|d| StudioDevice {
                id: d.id,
                name: d.name,
                created_at: rfc3339(d.created_at),
                last_seen_at: rfc3339(d.last_seen_at),
                current: d.id == caller.device,
            })
            .collect())
    }

    /// Revokes a device (the caller's own, or anyone's for an Owner or Admin) and its tokens.
    /// Another member's device is "not found" to a Member, so ids can't be probed.
    pub async fn revoke_device(&self, caller: &Caller, id: DeviceId) -> ServiceResult<()> {
        let not_found = || refused(ErrorCode::DeviceNotFound, format!("no device {id}"));
        let device = self.store.device(id).await?.ok_or_else(not_found)?;
        let own = device.account == caller.account.id;
        if !own && !caller.account.role.acts_as_manager() {
            return Err(not_found());
        }
        people::revoke_device(caller.account.role, own)?;
        self.store.revoke_device(id, self.now()).await?;
        tracing::info!(by = %caller.account.id, device = %id, "device revoked");
        Ok(())
    }

    /// Every member of the studio.
    pub async fn members(&self) -> ServiceResult<Vec<StudioMember>> {
        Ok(self
            .store
            .accounts()
            .await?
            .into_iter()
            .map(|a| StudioMember {
                id: a.id,
                email: a.email,
                display_name: a.display_name,
                role: a.role,
            })
            .collect())
    }

    /// Gives a member another studio role, as `rules::people::studio_role_change` allows,
    /// decided on the roles as they are inside the writing transaction.
    pub async fn change_role(
        &self,
        caller: &Caller,
        member: UserId,
        role: StudioRole,
    ) -> ServiceResult<StudioMember> {
        let actor = caller.account.role;
        let changed = self
            .store
            .change_role(member, role, move |facts| {
                people::studio_role_change(actor, facts.current, role, facts.owners)
            })
            .await?;
        let a = changed.ok_or_else(|| refused(ErrorCode::UserNotFound, format!("no member {member}")))?;
        tracing::info!(by = %caller.account.id, member = %a.id, role = %a.role, "studio role set");
        self.poke().await;
        Ok(StudioMember {
            id: a.id,
            email: a.email,
            display_name: a.display_name,
            role: a.role,
        })
    }

    /// Removes a member from the studio (or lets an Owner or Admin leave), as
    /// `rules::people::remove_member` allows on the roles read inside the writing transaction;
    /// every device of theirs is revoked at once. They can come back only through a new
    /// invitation.
    pub async fn remove_member(&self, caller: &Caller, member: UserId) -> ServiceResult<StudioMember> {
        let actor = caller.account.role;
        let own = member == caller.account.id;
        let removed = self
            .store
            .remove_member(
                member,
                move |facts| people::remove_member(actor, facts.current, own, facts.owners),
                self.now(),
            )
            .await?;
        let a = removed.ok_or_else(|| refused(ErrorCode::UserNotFound, format!("no member {member}")))?;
        tracing::info!(by = %caller.account.id, member = %a.id, "member removed, devices revoked");
        self.poke().await;
        Ok(StudioMember {
            id: a.id,
            email: a.email,
            display_name: a.display_name,
            role: a.role,
        })
    }
}
