//! The studio's storage: every SQL statement lives below this module, one submodule per
//! backend — `sqlite.rs` with `migrations/sqlite/` (the embedded default) and `postgres.rs` with
//! `migrations/postgres/` (`--database-url`, shareable by several studio processes) — and
//! `rows.rs`, how both read rows back. [`Store`] is an enum over the backends' pools, so that
//! services call one set of methods and never see a connection, a row or a query.
//!
//! Must not know HTTP, hashing or the rules: it stores hashes it is given, reads facts, and
//! runs a caller's check inside the transaction that writes (see [`Store::change_role`]).

use std::path::{Path, PathBuf};

use atelier_domain::ids::{CampaignId, DeviceId, UserId};
use atelier_domain::{ErrorCode, InvalidInput, StudioRole};

#[macro_use]
mod rows;
pub mod files;
pub mod links;
mod postgres;
pub mod pushes;
mod sqlite;
pub mod sync;

pub use files::{NewUpload, StoredPart, StoredUpload, UploadWay};
pub use links::{LinkGate, StoredLink};
pub use pushes::{Decide, PushJob};
pub use sync::{
    Applied, FactsQuery, NOTIFY_CHANNEL, STUDIO_SCOPE, SyncFacts, SyncWrite, brand_scope, user_scope,
};

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

/// A browser sign-in to record: its two secrets' hashes, never the secrets.
#[derive(Debug, Clone)]
pub struct NewBrowserSignIn {
    /// SHA-256 of the login link's secret.
    pub login_hash: [u8; 32],
    /// SHA-256 of the poll token.
    pub poll_hash: [u8; 32],
    /// The device's name, shown on the page before the person approves.
    pub device_name: String,
    /// Made at (ms).
    pub created_at: i64,
    /// Expires at (ms).
    pub expires_at: i64,
}

/// A browser sign-in as its page sees it (found by the link's hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSignInRow {
    /// The device's name.
    pub device_name: String,
    /// Expires at (ms).
    pub expires_at: i64,
    /// Whether the person approved or denied it already.
    pub decided: bool,
}

/// The device a delivered browser sign-in makes: its id and the hashes of its first secrets.
#[derive(Debug, Clone)]
pub struct BrowserDevice {
    /// Public id.
    pub id: DeviceId,
    /// SHA-256 of the refresh secret handed out.
    pub refresh_hash: [u8; 32],
    /// SHA-256 of the access token handed out.
    pub access_hash: [u8; 32],
    /// When that access token expires (ms).
    pub access_expires_at: i64,
}

/// What became of a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome {
    /// Not approved or denied yet.
    Pending,
    /// The person denied it.
    Denied,
    /// Unknown, expired, already delivered, or approved by someone removed since. Nothing
    /// changed (beyond spending the last case).
    Gone,
    /// Approved: the device is made for this account and the sign-in spent, atomically — of
    /// two polls at once, one delivers and the other finds it [`PollOutcome::Gone`].
    Delivered(Account),
}

/// Where a studio's rows live.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// The embedded default: `studio.db` in this data folder.
    Sqlite(PathBuf),
    /// A PostgreSQL database (`postgres://…`), which several studio processes may share.
    Postgres(String),
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(dir) => f.debug_tuple("Sqlite").field(dir).finish(),
            // The URL may carry a password: never in a log.
            Database::Postgres(_) => f.write_str("Postgres(..)"),
        }
    }
}

/// The studio's storage, whichever backend holds it.
#[derive(Debug, Clone)]
pub enum Store {
    /// The embedded default: one SQLite file in the data folder.
    Sqlite(sqlite::SqliteStore),
    /// A PostgreSQL database.
    Postgres(postgres::PgStore),
}

/// Calls the same method on whichever backend this is (one arm per backend).
macro_rules! dispatch {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Store::Sqlite($s) => $call,
            Store::Postgres($s) => $call,
        }
    };
}

/// Calls the sync SQL (`sync.rs`, written once) on the store's pool.
macro_rules! on_pool {
    ($self:ident, $f:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(s) => sync::sqlite::$f(&s.pool $(, $arg)*).await,
            Store::Postgres(s) => sync::postgres::$f(&s.pool $(, $arg)*).await,
        }
    };
}

/// [`on_pool!`] for a writing transaction: on SQLite through the writers' queue.
macro_rules! on_writer {
    ($self:ident, $f:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(s) => sync::sqlite::$f(&s.writer $(, $arg)*).await,
            Store::Postgres(s) => sync::postgres::$f(&s.pool $(, $arg)*).await,
        }
    };
}

/// Calls the files SQL (`files.rs`, written once) on the store's pool.
macro_rules! on_files {
    ($self:ident, $f:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(s) => files::sqlite::$f(&s.pool $(, $arg)*).await,
            Store::Postgres(s) => files::postgres::$f(&s.pool $(, $arg)*).await,
        }
    };
}

/// Calls the links SQL (`links.rs`): reads on the pool, writes on SQLite's writer.
macro_rules! on_links {
    ($self:ident, read $f:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(s) => links::sqlite::$f(&s.pool $(, $arg)*).await,
            Store::Postgres(s) => links::postgres::$f(&s.pool $(, $arg)*).await,
        }
    };
    ($self:ident, write $f:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(s) => links::sqlite::$f(&s.writer $(, $arg)*).await,
            Store::Postgres(s) => links::postgres::$f(&s.pool $(, $arg)*).await,
        }
    };
}

/// Public campaign links (docs/decisions/0017): see `links.rs`.
impl Store {
    /// Whether public sharing is on.
    pub async fn public_sharing(&self) -> StoreResult<bool> {
        on_links!(self, read public_sharing())
    }

    /// Turns public sharing on or off.
    pub async fn set_public_sharing(&self, on: bool) -> StoreResult<()> {
        on_links!(self, write set_public_sharing(on))
    }

    /// Makes or replaces a campaign's link, and republishes its row as public.
    pub async fn put_link(
        &self,
        campaign: CampaignId,
        link: &StoredLink,
        made_by: UserId,
        at: i64,
    ) -> StoreResult<()> {
        let by = atelier_domain::Id::to_bytes(&made_by);
        on_writer!(self, set_link(campaign, Some((link, &by[..], at))))?;
        Ok(())
    }

    /// A campaign's link, if public.
    pub async fn link_of(&self, campaign: &[u8]) -> StoreResult<Option<StoredLink>> {
        on_links!(self, read link_of(campaign))
    }

    /// The link a token's hash finds, with the sharing switch and the seq now (one query).
    pub async fn link_gate(&self, token_hash: &[u8]) -> StoreResult<Option<LinkGate>> {
        on_links!(self, read link_gate(token_hash))
    }

    /// The link a token's hash finds, if any.
    pub async fn link_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<StoredLink>> {
        on_links!(self, read link_by_token(token_hash))
    }

    /// Deletes a campaign's link, and republishes its row as private; whether there was one.
    pub async fn drop_link(&self, campaign: CampaignId) -> StoreResult<bool> {
        on_writer!(self, set_link(campaign, None))
    }

    /// The current sync row of (kind, key), as every member would pull it.
    pub async fn stored_row(&self, kind: &str, key: &str) -> StoreResult<Option<atelier_protocol::SyncData>> {
        on_pool!(self, stored_row(kind, key))
    }

    /// The asset rows of `scope` whose stored text names `needle` (an id), to be checked on.
    pub async fn assets_naming(
        &self,
        scope: &str,
        needle: &str,
    ) -> StoreResult<Vec<atelier_protocol::AssetSyncRow>> {
        on_pool!(self, assets_naming(scope, needle))
    }

    /// A brand with its kit and members, as stored now.
    pub async fn brand_now(
        &self,
        id: atelier_domain::ids::BrandId,
    ) -> StoreResult<Option<atelier_protocol::BrandSyncRow>> {
        on_pool!(self, brand_now(id))
    }
}

/// The files' records (STUDIO.md §5): see `files.rs`.
impl Store {
    /// Whether the original `hash` is stored.
    pub async fn blob_stored(&self, hash: &str) -> StoreResult<bool> {
        on_files!(self, blob_stored(hash))
    }

    /// Whether `who` has shown they hold the file.
    pub async fn has_grant(&self, hash: &str, who: UserId) -> StoreResult<bool> {
        on_files!(self, has_grant(hash, who))
    }

    /// Records that `who` holds the file.
    pub async fn grant(&self, hash: &str, who: UserId) -> StoreResult<()> {
        on_files!(self, grant(hash, who))
    }

    /// Whether a reader of `scopes` may read the file.
    pub async fn readable(&self, hash: &str, scopes: &[String]) -> StoreResult<bool> {
        on_files!(self, readable(hash, scopes))
    }

    /// The shared projects `who` put an asset of content `hash` in, with the bytes of
    /// originals each holds on the studio.
    pub async fn projects_of_upload(&self, hash: &str, who: UserId) -> StoreResult<Vec<(Vec<u8>, u64)>> {
        on_files!(self, projects_of_upload(hash, who))
    }

    /// The upload session for `hash` (made with `id` when there is none).
    pub async fn start_upload(&self, new: &NewUpload<'_>) -> StoreResult<StoredUpload> {
        on_files!(self, start_upload(new))
    }

    /// An upload session.
    pub async fn upload(&self, id: &str) -> StoreResult<Option<StoredUpload>> {
        on_files!(self, upload(id))
    }

    /// The upload session sending `hash`, if one is open.
    pub async fn upload_of(&self, hash: &str) -> StoreResult<Option<StoredUpload>> {
        on_files!(self, upload_of(hash))
    }

    /// The parts an upload received, in order.
    pub async fn upload_parts(&self, id: &str) -> StoreResult<Vec<StoredPart>> {
        on_files!(self, upload_parts(id))
    }

    /// Records a part received, with its subtree hash and the blob store's tag for it when the
    /// upload goes straight into a multipart upload.
    pub async fn record_part(
        &self,
        id: &str,
        n: u32,
        size: u64,
        hash: &str,
        subtree: Option<&[u8]>,
        tag: Option<&str>,
    ) -> StoreResult<()> {
        on_files!(self, record_part(id, n, size, hash, subtree, tag))
    }

    /// A finished upload: blob stored, sender granted, session gone.
    pub async fn finish_upload(
        &self,
        id: &str,
        hash: &str,
        size: u64,
        who: UserId,
        now: i64,
    ) -> StoreResult<()> {
        on_files!(self, finish_upload(id, hash, size, who, now))
    }

    /// Drops an upload session.
    pub async fn drop_upload(&self, id: &str) -> StoreResult<()> {
        on_files!(self, drop_upload(id))
    }

    /// Records a rendition.
    pub async fn set_rendition(
        &self,
        hash: &str,
        kind: &str,
        blob_hash: &str,
        mime: &str,
    ) -> StoreResult<()> {
        on_files!(self, set_rendition(hash, kind, blob_hash, mime))
    }

    /// A rendition's blob and type.
    pub async fn rendition(&self, hash: &str, kind: &str) -> StoreResult<Option<(String, String)>> {
        on_files!(self, rendition(hash, kind))
    }
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

    /// Connects to the PostgreSQL database at `url` (which must exist) and migrates it.
    pub async fn create_postgres(url: &str) -> StoreResult<Store> {
        let store = postgres::PgStore::open(url, true).await?;
        store
            .map(Store::Postgres)
            .ok_or_else(|| StoreError::Damaged("the database vanished while it was migrated".into()))
    }

    /// Connects to the PostgreSQL database at `url` and brings it to this build's schema.
    /// `None` when no studio ever migrated it (nothing is created in it then).
    pub async fn open_postgres(url: &str) -> StoreResult<Option<Store>> {
        Ok(postgres::PgStore::open(url, false).await?.map(Store::Postgres))
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

    /// Decides and applies a push — with the others waiting for the writer, in one writing
    /// transaction (`pushes.rs`, `sync::apply_group`) — and returns its answers, one per intent.
    pub async fn apply_push(&self, job: PushJob) -> StoreResult<Vec<Applied>> {
        let queue = match self {
            Store::Sqlite(s) => s.pushes.clone(),
            Store::Postgres(s) => s.pushes.clone(),
        };
        pushes::submit(self, &queue, job).await
    }

    /// Applies a group of pushes in one writing transaction (see `sync::apply_group`).
    pub(crate) async fn apply_group(&self, jobs: &[&PushJob]) -> StoreResult<Vec<Vec<Applied>>> {
        on_writer!(self, apply_group(jobs))
    }

    /// Marks the asset rows of content `hash` as having a grid thumbnail (republished).
    pub async fn thumb_arrived(&self, hash: &str) -> StoreResult<usize> {
        on_writer!(self, thumb_arrived(hash))
    }

    /// The scopes `who` may read now (every team brand's for `all`: Owners and Admins).
    pub async fn scopes(&self, who: UserId, all: bool) -> StoreResult<Vec<String>> {
        on_pool!(self, scopes(who, all))
    }

    /// The studio's epoch, its last seq, and the rows after `cursor` in `scopes` (at most
    /// `limit`, in seq order).
    pub async fn pull(
        &self,
        scopes: &[String],
        cursor: i64,
        limit: i64,
    ) -> StoreResult<(String, i64, Vec<atelier_protocol::SyncRow>)> {
        on_pool!(self, pull(scopes, cursor, limit))
    }

    /// Calls `on_seq` with each seq another process commits (PostgreSQL `LISTEN`, reconnecting
    /// by itself); SQLite has one process, so nothing to listen to.
    pub async fn listen(&self, on_seq: impl Fn(i64) + Send + Sync + 'static) -> StoreResult<()> {
        match self {
            Store::Sqlite(_) => Ok(()),
            Store::Postgres(s) => s.listen(on_seq).await,
        }
    }

    /// The last seq handed out.
    pub async fn last_seq(&self) -> StoreResult<i64> {
        on_pool!(self, last_seq())
    }

    /// The plan limits (R9.5).
    pub async fn limits(&self) -> StoreResult<atelier_protocol::StudioLimits> {
        on_pool!(self, limits())
    }

    /// Sets the plan limits and publishes them to every library.
    pub async fn set_limits(&self, limits: &atelier_protocol::StudioLimits) -> StoreResult<()> {
        on_writer!(self, set_limits(limits))
    }

    /// Gives the studio a new epoch (after a restore); returns it as pulls carry it.
    pub async fn new_epoch(&self, epoch: [u8; 16]) -> StoreResult<String> {
        on_writer!(self, new_epoch(epoch))
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

    /// Records a browser sign-in; expired ones are deleted in the same go (their link and
    /// poll answer as an unknown one's would).
    pub async fn add_browser_sign_in(&self, new: &NewBrowserSignIn) -> StoreResult<()> {
        dispatch!(self, s => s.add_browser_sign_in(new).await)
    }

    /// The browser sign-in whose link's secret has this SHA-256, in any state.
    pub async fn browser_sign_in(&self, login_hash: &[u8; 32]) -> StoreResult<Option<BrowserSignInRow>> {
        dispatch!(self, s => s.browser_sign_in(login_hash).await)
    }

    /// Approves (`Some(account)`) or denies (`None`) the undecided, unexpired browser sign-in
    /// with this link hash, once; `false` when there is none (nothing changed).
    pub async fn decide_browser_sign_in(
        &self,
        login_hash: &[u8; 32],
        approved_by: Option<UserId>,
        now: i64,
    ) -> StoreResult<bool> {
        dispatch!(self, s => s.decide_browser_sign_in(login_hash, approved_by, now).await)
    }

    /// Answers a poll (see [`PollOutcome`]): once approved, makes `device` for the approving
    /// account and spends the sign-in in one write-locked transaction.
    pub async fn poll_browser_sign_in(
        &self,
        poll_hash: &[u8; 32],
        device: &BrowserDevice,
        now: i64,
    ) -> StoreResult<PollOutcome> {
        dispatch!(self, s => s.poll_browser_sign_in(poll_hash, device, now).await)
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a panic is the failure report
mod tests {
    //! What the store promises on each backend beyond what the services' tests reach: the
    //! migration runner, and the decisions that must be race-free.

    use atelier_domain::Id as _;
    use sqlx::Connection as _;

    use super::*;
    use crate::testing::TestDatabase;

    /// A fresh, empty database on one backend.
    struct Fresh {
        at: Database,
        _dir: tempfile::TempDir,
        _db: Option<TestDatabase>,
    }

    /// SQLite always; PostgreSQL when a test server is configured.
    async fn backends() -> Vec<Fresh> {
        let sqlite = tempfile::tempdir().unwrap();
        let mut all = vec![Fresh {
            at: Database::Sqlite(sqlite.path().to_path_buf()),
            _dir: sqlite,
            _db: None,
        }];
        if let Some(db) = TestDatabase::create().await {
            all.push(Fresh {
                at: Database::Postgres(db.url.clone()),
                _dir: tempfile::tempdir().unwrap(),
                _db: Some(db),
            });
        }
        all
    }

    async fn create(at: &Database) -> Store {
        match at {
            Database::Sqlite(dir) => Store::create_sqlite(dir).await.unwrap(),
            Database::Postgres(url) => Store::create_postgres(url).await.unwrap(),
        }
    }

    async fn open(at: &Database) -> StoreResult<Option<Store>> {
        match at {
            Database::Sqlite(dir) => Store::open_sqlite(dir).await,
            Database::Postgres(url) => Store::open_postgres(url).await,
        }
    }

    /// Runs one statement on the database behind the store's back.
    async fn execute(at: &Database, sql: &'static str) {
        match at {
            Database::Sqlite(dir) => {
                let url = format!("sqlite://{}", dir.join(SQLITE_FILE).display());
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            }
            Database::Postgres(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
            }
        }
    }

    fn new_account(email: &str, role: StudioRole) -> NewAccount {
        NewAccount {
            id: UserId::new_v7(),
            email: email.into(),
            email_key: email.into(),
            display_name: email.into(),
            password_hash: "$argon2id$not-checked-here".into(),
            role,
        }
    }

    #[tokio::test]
    async fn migrations_run_once_and_a_newer_database_is_refused() {
        for fresh in backends().await {
            assert!(open(&fresh.at).await.unwrap().is_none(), "{:?}", fresh.at);
            let store = create(&fresh.at).await;
            store
                .create_studio("S", &new_account("o@s.test", StudioRole::Owner), 1)
                .await
                .unwrap();
            store.close().await;
            // Opening again migrates nothing and finds the studio.
            let store = open(&fresh.at).await.unwrap().unwrap();
            assert_eq!(store.studio_name().await.unwrap().as_deref(), Some("S"));
            let again = store
                .create_studio("T", &new_account("p@s.test", StudioRole::Owner), 2)
                .await;
            assert!(
                matches!(again, Err(StoreError::Refused(ref e)) if e.code == ErrorCode::StudioExists),
                "{again:?}"
            );
            store.close().await;

            execute(
                &fresh.at,
                "INSERT INTO schema_migration (version, name, applied_at) VALUES (99, '0099_future.sql', 0)",
            )
            .await;
            let newer = open(&fresh.at).await;
            assert!(
                matches!(newer, Err(StoreError::TooNew { found: 99, known: 10 })),
                "{:?}: {newer:?}",
                fresh.at
            );
        }
    }

    /// Refuses demoting the last Owner, as `rules::people` does.
    fn keep_an_owner(facts: RoleFacts) -> Result<(), InvalidInput> {
        if facts.current == StudioRole::Owner && facts.owners <= 1 {
            return Err(InvalidInput::new(ErrorCode::LastOwner, "the last Owner stays"));
        }
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn of_two_owners_demoting_themselves_at_once_one_stays() {
        for fresh in backends().await {
            let store = create(&fresh.at).await;
            let one = new_account("one@s.test", StudioRole::Owner);
            let two = new_account("two@s.test", StudioRole::Owner);
            store.create_studio("S", &one, 1).await.unwrap();
            store.add_account(&two, 1).await.unwrap();
            for round in 0..10 {
                let (a, b) = tokio::join!(
                    store.change_role(one.id, StudioRole::Admin, keep_an_owner),
                    store.change_role(two.id, StudioRole::Admin, keep_an_owner),
                );
                let refused = [&a, &b]
                    .iter()
                    .filter(|r| matches!(r, Err(StoreError::Refused(e)) if e.code == ErrorCode::LastOwner))
                    .count();
                assert_eq!(refused, 1, "{:?} round {round}: {a:?} {b:?}", fresh.at);
                let owners: Vec<_> = store
                    .accounts()
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|a| a.role == StudioRole::Owner)
                    .collect();
                assert_eq!(owners.len(), 1, "{:?} round {round}", fresh.at);
                // Promote the other back for the next round.
                let demoted = if owners[0].id == one.id { two.id } else { one.id };
                store
                    .change_role(demoted, StudioRole::Owner, |_| Ok(()))
                    .await
                    .unwrap();
            }
            store.close().await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_secret_refreshed_twice_at_once_rotates_once() {
        for fresh in backends().await {
            let store = create(&fresh.at).await;
            let owner = new_account("o@s.test", StudioRole::Owner);
            store.create_studio("S", &owner, 1).await.unwrap();
            let device = NewDevice {
                id: DeviceId::new_v7(),
                account: owner.id,
                name: "laptop".into(),
                refresh_hash: [1; 32],
                access_hash: [2; 32],
                access_expires_at: i64::MAX,
            };
            store.add_device(&device, 1).await.unwrap();
            let rotation = |n: u8| Rotation {
                device: device.id,
                presented: [1; 32],
                next_refresh: [n; 32],
                access_hash: [n + 1; 32],
                access_expires_at: i64::MAX,
            };
            let (first, second) = (rotation(10), rotation(20));
            let (a, b) = tokio::join!(store.refresh(&first, 2), store.refresh(&second, 2));
            let (a, b) = (a.unwrap(), b.unwrap());
            let rotated = [&a, &b]
                .iter()
                .filter(|o| matches!(o, RefreshOutcome::Rotated(_)))
                .count();
            assert_eq!(rotated, 1, "{:?}: {a:?} {b:?}", fresh.at);
            assert!(
                [&a, &b].contains(&&RefreshOutcome::Reused),
                "{:?}: {a:?} {b:?}",
                fresh.at
            );
            // Reuse revoked the device: no token of it works.
            for hash in [[2; 32], [11; 32], [21; 32]] {
                assert_eq!(store.token_holder(&hash, 3).await.unwrap(), None);
            }
            assert!(
                store
                    .device(device.id)
                    .await
                    .unwrap()
                    .unwrap()
                    .revoked_at
                    .is_some()
            );
            store.close().await;
        }
    }
}
