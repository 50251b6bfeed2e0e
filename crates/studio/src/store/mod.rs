//! The studio's storage: every SQL statement lives below this module, one submodule per
//! backend (SQLite now — `sqlite.rs` with `migrations/sqlite/` —, PostgreSQL later with its
//! own migrations). [`Store`] is an enum over the backends' pools, so that services call one
//! set of methods and never see a connection, a row or a query.
//!
//! Must not know HTTP, hashing or the rules: it stores hashes it is given, reads facts, and
//! runs a caller's check inside the transaction that writes (see [`Store::change_role`]).

use std::path::Path;

use atelier_domain::ids::{DeviceId, UserId};
use atelier_domain::{ErrorCode, InvalidInput, StudioRole};

mod sqlite;

/// The database file inside a studio's data folder.
pub const SQLITE_FILE: &str = "studio.db";

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed; nothing of it was kept.
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        /// Its number.
        version: i64,
        /// Its file name.
        name: &'static str,
        /// Why.
        source: sqlx::Error,
    },
    /// The database was migrated by a newer studio.
    #[error(
        "the database is at migration {found}, newer than this studio knows ({known}): run a newer atelier-studio"
    )]
    TooNew {
        /// The newest migration applied.
        found: i64,
        /// The newest this build has.
        known: i64,
    },
    /// A stored value this build can't read back (a role code, an id of the wrong length).
    #[error("the database holds a value this studio can't read: {0}")]
    Damaged(String),
    /// The caller's check, run inside the writing transaction, refused; nothing was written.
    #[error("{0}")]
    Refused(InvalidInput),
}

impl StoreError {
    /// The wire code for this failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::Refused(e) => e.code,
            _ => ErrorCode::StorageError,
        }
    }
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// A new account, its password already hashed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Public id.
    pub id: UserId,
    /// As typed.
    pub email: String,
    /// Case-folded, unique.
    pub email_key: String,
    /// Display name.
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Studio role.
    pub role: StudioRole,
}

/// An account as stored (without its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Public id.
    pub id: UserId,
    /// As typed.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Current studio role.
    pub role: StudioRole,
}

/// A device signing in, with the hashes of its first refresh secret and access token.
#[derive(Debug, Clone)]
pub struct NewDevice {
    /// Public id.
    pub id: DeviceId,
    /// Whose.
    pub account: UserId,
    /// Its name in the device list.
    pub name: String,
    /// SHA-256 of the refresh secret handed out.
    pub refresh_hash: [u8; 32],
    /// SHA-256 of the access token handed out.
    pub access_hash: [u8; 32],
    /// When that access token expires (ms).
    pub access_expires_at: i64,
}

/// A device as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    /// Public id.
    pub id: DeviceId,
    /// Whose.
    pub account: UserId,
    /// Its name.
    pub name: String,
    /// Signed in at (ms).
    pub created_at: i64,
    /// Last reached the studio at (ms).
    pub last_seen_at: i64,
    /// Revoked at (ms), if it was.
    pub revoked_at: Option<i64>,
}

/// Who holds a valid access token: the device and its account with the account's current role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    /// The device the token was issued to.
    pub device: DeviceId,
    /// Its account, as it is now.
    pub account: Account,
}

/// A refresh to perform: the presented secret's hash and what replaces it.
#[derive(Debug, Clone)]
pub struct Rotation {
    /// The device presenting the secret.
    pub device: DeviceId,
    /// SHA-256 of the secret presented.
    pub presented: [u8; 32],
    /// SHA-256 of the new refresh secret.
    pub next_refresh: [u8; 32],
    /// SHA-256 of the new access token.
    pub access_hash: [u8; 32],
    /// When it expires (ms).
    pub access_expires_at: i64,
}

/// What became of a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The secret was the device's current one: it is replaced and a new token stored.
    Rotated(Account),
    /// The secret was one this device already exchanged: the device is now revoked and its
    /// tokens deleted (committed before answering).
    Reused,
    /// The device was revoked earlier.
    Revoked,
    /// No such device, or a secret it never had.
    Unknown,
}

/// The facts a studio role change is decided on, read inside its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleFacts {
    /// The member's current role.
    pub current: StudioRole,
    /// How many Owners the studio has now.
    pub owners: u64,
}

/// A new invitation: its secret's hash, never the secret.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// Public id.
    pub id: uuid::Uuid,
    /// As typed.
    pub email: String,
    /// Case-folded: what accepting must match.
    pub email_key: String,
    /// The role it grants.
    pub role: StudioRole,
    /// SHA-256 of the link's secret.
    pub token_hash: [u8; 32],
    /// Who invited.
    pub invited_by: UserId,
    /// Made at (ms).
    pub created_at: i64,
    /// Expires at (ms).
    pub expires_at: i64,
}

/// An invitation as stored (without its hash), with its inviter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRow {
    /// Public id.
    pub id: uuid::Uuid,
    /// As typed.
    pub email: String,
    /// Case-folded.
    pub email_key: String,
    /// The role it grants.
    pub role: StudioRole,
    /// Who invited (as they are now).
    pub invited_by: Account,
    /// Made at (ms).
    pub created_at: i64,
    /// The current link expires at (ms).
    pub expires_at: i64,
    /// Accepted at (ms), if it was.
    pub accepted_at: Option<i64>,
    /// Revoked at (ms), if it was.
    pub revoked_at: Option<i64>,
}

/// An account found by email, whether or not it is a member now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The account.
    pub account: Account,
    /// Its Argon2id PHC string.
    pub password_hash: Option<String>,
    /// Whether the person was removed from the studio (an invitation brings them back).
    pub removed: bool,
}

/// Who joins through an invitation.
#[derive(Debug, Clone)]
pub enum Joining {
    /// A new account (its role is replaced by the invitation's).
    New(NewAccount),
    /// A removed member coming back, who proved their password.
    Returning(UserId),
}

/// What became of accepting an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcceptOutcome {
    /// The person is a member with the invited role; the invitation is spent.
    Joined(Account),
    /// No pending, unexpired invitation with this secret for this email (unknown, revoked,
    /// expired, or used — by a concurrent accept, for instance). Nothing changed.
    Invalid,
    /// The returning account is a member already. Nothing changed.
    AlreadyMember,
}

/// The studio's storage, whichever backend holds it.
#[derive(Debug, Clone)]
pub enum Store {
    /// The embedded default: one SQLite file in the data folder.
    Sqlite(sqlite::SqliteStore),
}

/// Calls the same method on whichever backend this is (one arm per backend).
macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Store::Sqlite($s) => $call,
        }
    };
}

impl Store {
    /// Creates the database in `dir` (which must exist) and migrates it. Refuses when one is
    /// there already.
    pub async fn create_sqlite(dir: &Path) -> StoreResult<Store> {
        Ok(Store::Sqlite(sqlite::SqliteStore::open(dir, true).await?))
    }

    /// Opens the database in `dir` and brings it to this build's schema. `None` when `dir`
    /// holds no studio.
    pub async fn open_sqlite(dir: &Path) -> StoreResult<Option<Store>> {
        if !dir.join(SQLITE_FILE).is_file() {
            return Ok(None);
        }
        Ok(Some(Store::Sqlite(sqlite::SqliteStore::open(dir, false).await?)))
    }

    /// Closes the pool, waiting for connections in use (the WAL is checkpointed on the last).
    pub async fn close(&self) {
        dispatch!(self, s => s.close().await)
    }

    /// The studio's name, if it was created.
    pub async fn studio_name(&self) -> StoreResult<Option<String>> {
        dispatch!(self, s => s.studio_name().await)
    }

    /// Creates the studio and its first Owner in one transaction; refuses with
    /// `studio_exists` when the database already holds a studio.
    pub async fn create_studio(&self, name: &str, owner: &NewAccount, now: i64) -> StoreResult<()> {
        dispatch!(self, s => s.create_studio(name, owner, now).await)
    }

    /// Adds an account; refuses with `name_taken` when the email is in use.
    pub async fn add_account(&self, account: &NewAccount, now: i64) -> StoreResult<()> {
        dispatch!(self, s => s.add_account(account, now).await)
    }

    /// The account with this case-folded email, with its password hash.
    pub async fn account_by_email(&self, email_key: &str) -> StoreResult<Option<(Account, Option<String>)>> {
        dispatch!(self, s => s.account_by_email(email_key).await)
    }

    /// Every account, Owners first, then by name.
    pub async fn accounts(&self) -> StoreResult<Vec<Account>> {
        dispatch!(self, s => s.accounts().await)
    }

    /// Registers a signed-in device with its first refresh secret and access token.
    pub async fn add_device(&self, device: &NewDevice, now: i64) -> StoreResult<()> {
        dispatch!(self, s => s.add_device(device, now).await)
    }

    /// Exchanges a refresh secret (see [`RefreshOutcome`]), atomically: of two refreshes racing
    /// with one secret, one rotates and the other is a reuse.
    pub async fn refresh(&self, rotation: &Rotation, now: i64) -> StoreResult<RefreshOutcome> {
        dispatch!(self, s => s.refresh(rotation, now).await)
    }

    /// Who holds the access token with this hash, if it is unexpired and its device is not
    /// revoked; notes the device as seen (at most once a minute, to keep reads read-only).
    pub async fn token_holder(&self, hash: &[u8; 32], now: i64) -> StoreResult<Option<TokenHolder>> {
        dispatch!(self, s => s.token_holder(hash, now).await)
    }

    /// An account's devices that are not revoked, newest first.
    pub async fn devices_of(&self, account: UserId) -> StoreResult<Vec<DeviceRow>> {
        dispatch!(self, s => s.devices_of(account).await)
    }

    /// One device, revoked or not.
    pub async fn device(&self, id: DeviceId) -> StoreResult<Option<DeviceRow>> {
        dispatch!(self, s => s.device(id).await)
    }

    /// Revokes a device and deletes its access tokens. Revoking twice keeps the first time.
    pub async fn revoke_device(&self, id: DeviceId, now: i64) -> StoreResult<()> {
        dispatch!(self, s => s.revoke_device(id, now).await)
    }

    /// Records an invitation; pending invitations for the same email are revoked in the same
    /// transaction (one live link per address: the newest).
    pub async fn add_invitation(&self, invitation: &NewInvitation) -> StoreResult<()> {
        dispatch!(self, s => s.add_invitation(invitation).await)
    }

    /// Every invitation, newest first.
    pub async fn invitations(&self) -> StoreResult<Vec<InvitationRow>> {
        dispatch!(self, s => s.invitations().await)
    }

    /// One invitation by id.
    pub async fn invitation(&self, id: uuid::Uuid) -> StoreResult<Option<InvitationRow>> {
        dispatch!(self, s => s.invitation(id).await)
    }

    /// The invitation whose secret has this SHA-256 (looked up by the hash), in any state.
    pub async fn invitation_by_token(&self, hash: &[u8; 32]) -> StoreResult<Option<InvitationRow>> {
        dispatch!(self, s => s.invitation_by_token(hash).await)
    }

    /// Gives a pending or expired invitation a new secret and expiry (the old link dies).
    /// `false` when it was accepted or revoked meanwhile (nothing changed).
    pub async fn renew_invitation(
        &self,
        id: uuid::Uuid,
        token_hash: &[u8; 32],
        expires_at: i64,
    ) -> StoreResult<bool> {
        dispatch!(self, s => s.renew_invitation(id, token_hash, expires_at).await)
    }

    /// Revokes an invitation that is not accepted; `false` when it was accepted (nothing
    /// changed). Revoking twice keeps the first time.
    pub async fn revoke_invitation(&self, id: uuid::Uuid, now: i64) -> StoreResult<bool> {
        dispatch!(self, s => s.revoke_invitation(id, now).await)
    }

    /// The account with this case-folded email, member now or removed, with its password hash.
    pub async fn person_by_email(&self, email_key: &str) -> StoreResult<Option<Person>> {
        dispatch!(self, s => s.person_by_email(email_key).await)
    }

    /// Spends the pending, unexpired invitation with this secret hash for `email_key` and makes
    /// `joining` a member with its role, in one write-locked transaction: of two accepts at
    /// once, one joins and the other is [`AcceptOutcome::Invalid`].
    pub async fn accept_invitation(
        &self,
        token_hash: &[u8; 32],
        email_key: &str,
        joining: &Joining,
        now: i64,
    ) -> StoreResult<AcceptOutcome> {
        dispatch!(self, s => s.accept_invitation(token_hash, email_key, joining, now).await)
    }

    /// Removes a member after `check` approves it on facts read in the same write-locked
    /// transaction (their role, how many Owners): they stop being listed and signing in, and
    /// every device of theirs is revoked with its tokens. `None` when there is no such member.
    pub async fn remove_member(
        &self,
        account: UserId,
        check: impl FnOnce(RoleFacts) -> Result<(), InvalidInput> + Send,
        now: i64,
    ) -> StoreResult<Option<Account>> {
        dispatch!(self, s => s.remove_member(account, check, now).await)
    }

    /// Changes a member's studio role after `check` approves it on facts read in the same
    /// (write-locked) transaction, so two concurrent demotions can't both pass a
    /// last-Owner check. `None` when there is no such account.
    pub async fn change_role(
        &self,
        account: UserId,
        role: StudioRole,
        check: impl FnOnce(RoleFacts) -> Result<(), InvalidInput> + Send,
    ) -> StoreResult<Option<Account>> {
        dispatch!(self, s => s.change_role(account, role, check).await)
    }
}
