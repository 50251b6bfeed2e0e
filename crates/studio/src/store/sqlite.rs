//! The SQLite backend: a sqlx pool on `DIR/studio.db` in WAL mode with foreign keys on, and its
//! numbered, forward-only migrations (`migrations/sqlite/NNNN_name.sql`, embedded at build).
//!
//! Must not know HTTP or the rules; SQL for SQLite only (PostgreSQL gets its own module).

use std::path::Path;
use std::time::Duration;

use atelier_domain::ids::{DeviceId, UserId};
use atelier_domain::{ErrorCode, Id, InvalidInput, StudioRole};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::rows::{
    AccountRow, AccountWithHash, DeviceTuple, HolderRow, InvitationTuple, PersonRow, PollRow, account,
    device, device_id, invitation, is_unique_violation, role,
};
use super::{
    AcceptOutcome, Account, BrowserDevice, BrowserSignInRow, DeviceRow, InvitationRow, Joining, NewAccount,
    NewBrowserSignIn, NewDevice, NewInvitation, Person, PollOutcome, RefreshOutcome, RoleFacts, Rotation,
    SQLITE_FILE, StoreError, StoreResult, TokenHolder,
};

/// Every migration, in order. Append only: a released migration never changes.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_people.sql",
        include_str!("migrations/sqlite/0001_people.sql"),
    ),
    (
        2,
        "0002_invitations.sql",
        include_str!("migrations/sqlite/0002_invitations.sql"),
    ),
    (
        3,
        "0003_browser_sign_in.sql",
        include_str!("migrations/sqlite/0003_browser_sign_in.sql"),
    ),
    (
        4,
        "0004_sync.sql",
        include_str!("migrations/sqlite/0004_sync.sql"),
    ),
    (
        5,
        "0005_shared.sql",
        include_str!("migrations/sqlite/0005_shared.sql"),
    ),
    (
        6,
        "0006_files.sql",
        include_str!("migrations/sqlite/0006_files.sql"),
    ),
    (
        7,
        "0007_pull_by_scope.sql",
        include_str!("migrations/sqlite/0007_pull_by_scope.sql"),
    ),
    (
        8,
        "0008_upload_ways.sql",
        include_str!("migrations/sqlite/0008_upload_ways.sql"),
    ),
    (
        9,
        "0009_lighter_writes.sql",
        include_str!("migrations/sqlite/0009_lighter_writes.sql"),
    ),
    (
        10,
        "0010_campaign_links.sql",
        include_str!("migrations/sqlite/0010_campaign_links.sql"),
    ),
];

/// How often a device's `last_seen_at` is written at most: each request would otherwise be a
/// write, and SQLite has one writer.
const SEEN_EVERY_MS: i64 = 60_000;

/// Pools on one studio database: readers, and the one connection every writing transaction
/// queues for — SQLite has one writer, and waiting in the pool's queue (first come, first
/// served) beats polling for the lock in SQLite's busy handler, which sleeps up to 100 ms a
/// try and serves no one in order.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    pub(super) writer: SqlitePool,
    pub(super) pushes: std::sync::Arc<super::pushes::Queue>,
}

impl SqliteStore {
    /// Opens (or, with `create`, creates) the database and applies pending migrations.
    pub async fn open(dir: &Path, create: bool) -> StoreResult<SqliteStore> {
        let path = dir.join(SQLITE_FILE);
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable across process crashes in WAL mode; only an OS crash can lose
            // the last commits, which a sign-in can simply redo.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.clone())
            .await?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.create_if_missing(false))
            .await?;
        let store = SqliteStore {
            pool,
            writer,
            pushes: Default::default(),
        };
        store.migrate().await?;
        super::sync::sqlite::backfill(&store.writer).await?;
        Ok(store)
    }

    /// Applies every migration newer than the database's, each in its own transaction.
    async fn migrate(&self) -> StoreResult<()> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migration (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let (applied,): (i64,) = sqlx::query_as("SELECT coalesce(max(version), 0) FROM schema_migration")
            .fetch_one(&self.pool)
            .await?;
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if applied > known {
            return Err(StoreError::TooNew {
                found: applied,
                known,
            });
        }
        for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > applied) {
            let fail = |source| StoreError::Migration {
                version,
                name,
                source,
            };
            let mut tx = self.writer.begin().await?;
            sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(fail)?;
            sqlx::query("INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)")
                .bind(version)
                .bind(name)
                .bind(chrono::Utc::now().timestamp_millis())
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    pub async fn studio_name(&self) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT name FROM studio WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    pub async fn create_studio(&self, name: &str, owner: &NewAccount, now: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO studio (id, name, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Refused(InvalidInput::new(
                ErrorCode::StudioExists,
                "this data folder already holds a studio",
            )));
        }
        insert_account(&mut tx, owner, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_account(&self, account: &NewAccount, now: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        insert_account(&mut tx, account, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn account_by_email(&self, email_key: &str) -> StoreResult<Option<(Account, Option<String>)>> {
        let row: Option<AccountWithHash> = sqlx::query_as(
            "SELECT id, email, display_name, studio_role, password_hash
             FROM account WHERE email_key = ? AND removed_at IS NULL",
        )
        .bind(email_key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, email, name, role, hash)| Ok((account((id, email, name, role))?, hash)))
            .transpose()
    }

    pub async fn accounts(&self) -> StoreResult<Vec<Account>> {
        let rows: Vec<AccountRow> = sqlx::query_as(
            "SELECT id, email, display_name, studio_role FROM account WHERE removed_at IS NULL
             ORDER BY studio_role, display_name COLLATE NOCASE, email_key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(account).collect()
    }

    pub async fn add_device(&self, d: &NewDevice, now: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        insert_device(&mut tx, d, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn refresh(&self, r: &Rotation, now: i64) -> StoreResult<RefreshOutcome> {
        let device = r.device.to_bytes().to_vec();
        // IMMEDIATE takes the write lock first, so the read below and the rotation are one
        // step: a secret presented twice at once is seen as current only once.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        // Looked up by the hash (an index probe), never by comparing secrets byte by byte: the
        // lookup's timing says nothing useful about a secret without its SHA-256 preimage.
        let current: Option<(Vec<u8>, Option<i64>)> =
            sqlx::query_as("SELECT account_id, revoked_at FROM device WHERE id = ? AND refresh_hash = ?")
                .bind(&device)
                .bind(r.presented.to_vec())
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((account_id, revoked_at)) = current {
            if revoked_at.is_some() {
                return Ok(RefreshOutcome::Revoked);
            }
            sqlx::query("INSERT INTO spent_refresh (hash, device_id) VALUES (?, ?)")
                .bind(r.presented.to_vec())
                .bind(&device)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE device SET refresh_hash = ?, last_seen_at = ? WHERE id = ?")
                .bind(r.next_refresh.to_vec())
                .bind(now)
                .bind(&device)
                .execute(&mut *tx)
                .await?;
            // Expired tokens of this device go now; nothing else needs them.
            sqlx::query("DELETE FROM access_token WHERE device_id = ? AND expires_at <= ?")
                .bind(&device)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO access_token (hash, device_id, expires_at) VALUES (?, ?, ?)")
                .bind(r.access_hash.to_vec())
                .bind(&device)
                .bind(r.access_expires_at)
                .execute(&mut *tx)
                .await?;
            let row: AccountRow =
                sqlx::query_as("SELECT id, email, display_name, studio_role FROM account WHERE id = ?")
                    .bind(account_id)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Rotated(account(row)?));
        }
        let spent: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT d.revoked_at FROM spent_refresh s JOIN device d ON d.id = s.device_id
             WHERE s.hash = ? AND s.device_id = ?",
        )
        .bind(r.presented.to_vec())
        .bind(&device)
        .fetch_optional(&mut *tx)
        .await?;
        match spent {
            Some((Some(_),)) => Ok(RefreshOutcome::Revoked),
            Some((None,)) => {
                revoke(&mut tx, &device, now).await?;
                tx.commit().await?;
                Ok(RefreshOutcome::Reused)
            }
            None => {
                let revoked: Option<(Option<i64>,)> =
                    sqlx::query_as("SELECT revoked_at FROM device WHERE id = ?")
                        .bind(&device)
                        .fetch_optional(&mut *tx)
                        .await?;
                Ok(match revoked {
                    Some((Some(_),)) => RefreshOutcome::Revoked,
                    _ => RefreshOutcome::Unknown,
                })
            }
        }
    }

    pub async fn token_holder(&self, hash: &[u8; 32], now: i64) -> StoreResult<Option<TokenHolder>> {
        let row: Option<HolderRow> = sqlx::query_as(
            "SELECT d.id, d.last_seen_at, a.id, a.email, a.display_name, a.studio_role
             FROM access_token t
             JOIN device d ON d.id = t.device_id
             JOIN account a ON a.id = d.account_id
             WHERE t.hash = ? AND t.expires_at > ? AND d.revoked_at IS NULL AND a.removed_at IS NULL",
        )
        .bind(hash.to_vec())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some((device, last_seen, id, email, name, role)) = row else {
            return Ok(None);
        };
        if now - last_seen >= SEEN_EVERY_MS {
            sqlx::query("UPDATE device SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?")
                .bind(now)
                .bind(&device)
                .bind(now)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(TokenHolder {
            device: device_id(&device)?,
            account: account((id, email, name, role))?,
        }))
    }

    pub async fn devices_of(&self, who: UserId) -> StoreResult<Vec<DeviceRow>> {
        let rows: Vec<DeviceTuple> = sqlx::query_as(
            "SELECT id, account_id, name, created_at, last_seen_at, revoked_at FROM device
             WHERE account_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
        )
        .bind(who.to_bytes().to_vec())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(device).collect()
    }

    pub async fn device(&self, id: DeviceId) -> StoreResult<Option<DeviceRow>> {
        let row: Option<DeviceTuple> = sqlx::query_as(
            "SELECT id, account_id, name, created_at, last_seen_at, revoked_at FROM device
             WHERE id = ?",
        )
        .bind(id.to_bytes().to_vec())
        .fetch_optional(&self.pool)
        .await?;
        row.map(device).transpose()
    }

    pub async fn revoke_device(&self, id: DeviceId, now: i64) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        revoke(&mut tx, &id.to_bytes(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_invitation(&self, i: &NewInvitation) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "UPDATE invitation SET revoked_at = ?
             WHERE email_key = ? AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(i.created_at)
        .bind(&i.email_key)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO invitation (id, email, email_key, studio_role, token_hash, invited_by, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(i.id.as_bytes().to_vec())
        .bind(&i.email)
        .bind(&i.email_key)
        .bind(i.role.code())
        .bind(i.token_hash.to_vec())
        .bind(i.invited_by.to_bytes().to_vec())
        .bind(i.created_at)
        .bind(i.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn invitations(&self) -> StoreResult<Vec<InvitationRow>> {
        let rows: Vec<InvitationTuple> =
            sqlx::query_as(select_invitations!("ORDER BY i.created_at DESC, i.id DESC"))
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter().map(invitation).collect()
    }

    pub async fn invitation(&self, id: uuid::Uuid) -> StoreResult<Option<InvitationRow>> {
        let row: Option<InvitationTuple> = sqlx::query_as(select_invitations!("WHERE i.id = ?"))
            .bind(id.as_bytes().to_vec())
            .fetch_optional(&self.pool)
            .await?;
        row.map(invitation).transpose()
    }

    pub async fn invitation_by_token(&self, hash: &[u8; 32]) -> StoreResult<Option<InvitationRow>> {
        // By the hash (an index probe), never by comparing secrets.
        let row: Option<InvitationTuple> = sqlx::query_as(select_invitations!("WHERE i.token_hash = ?"))
            .bind(hash.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        row.map(invitation).transpose()
    }

    pub async fn renew_invitation(
        &self,
        id: uuid::Uuid,
        hash: &[u8; 32],
        expires_at: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE invitation SET token_hash = ?, expires_at = ?
             WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(hash.to_vec())
        .bind(expires_at)
        .bind(id.as_bytes().to_vec())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn revoke_invitation(&self, id: uuid::Uuid, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE invitation SET revoked_at = coalesce(revoked_at, ?)
             WHERE id = ? AND accepted_at IS NULL",
        )
        .bind(now)
        .bind(id.as_bytes().to_vec())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn person_by_email(&self, email_key: &str) -> StoreResult<Option<Person>> {
        let row: Option<PersonRow> = sqlx::query_as(
            "SELECT id, email, display_name, studio_role, password_hash, removed_at
             FROM account WHERE email_key = ?",
        )
        .bind(email_key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, email, name, code, hash, removed_at)| {
            Ok(Person {
                account: account((id, email, name, code))?,
                password_hash: hash,
                removed: removed_at.is_some(),
            })
        })
        .transpose()
    }

    pub async fn accept_invitation(
        &self,
        hash: &[u8; 32],
        email_key: &str,
        joining: &Joining,
        now: i64,
    ) -> StoreResult<AcceptOutcome> {
        // IMMEDIATE: the write lock first, so that the spend below is decided once — of two
        // accepts with one link, the second finds it spent.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let spent: Option<(i64,)> = sqlx::query_as(
            "UPDATE invitation SET accepted_at = ?
             WHERE token_hash = ? AND email_key = ? AND accepted_at IS NULL AND revoked_at IS NULL
               AND expires_at > ?
             RETURNING studio_role",
        )
        .bind(now)
        .bind(hash.to_vec())
        .bind(email_key)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((code,)) = spent else {
            return Ok(AcceptOutcome::Invalid);
        };
        let invited = role(code)?;
        let id = match joining {
            Joining::New(new) => {
                let new = NewAccount {
                    role: invited,
                    ..new.clone()
                };
                insert_account(&mut tx, &new, now).await?;
                new.id
            }
            Joining::Returning(id) => {
                let back = sqlx::query(
                    "UPDATE account SET removed_at = NULL, studio_role = ?
                     WHERE id = ? AND removed_at IS NOT NULL",
                )
                .bind(invited.code())
                .bind(id.to_bytes().to_vec())
                .execute(&mut *tx)
                .await?;
                super::sync::sqlite::publish_member(&mut tx, *id, now).await?;
                if back.rows_affected() != 1 {
                    return Ok(AcceptOutcome::AlreadyMember);
                }
                *id
            }
        };
        let id = id.to_bytes().to_vec();
        sqlx::query("UPDATE invitation SET accepted_by = ? WHERE token_hash = ?")
            .bind(&id)
            .bind(hash.to_vec())
            .execute(&mut *tx)
            .await?;
        let row: AccountRow =
            sqlx::query_as("SELECT id, email, display_name, studio_role FROM account WHERE id = ?")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(AcceptOutcome::Joined(account(row)?))
    }

    pub async fn add_browser_sign_in(&self, new: &NewBrowserSignIn) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM browser_sign_in WHERE expires_at <= ?")
            .bind(new.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO browser_sign_in (login_hash, poll_hash, device_name, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(new.login_hash.to_vec())
        .bind(new.poll_hash.to_vec())
        .bind(&new.device_name)
        .bind(new.created_at)
        .bind(new.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn browser_sign_in(&self, login_hash: &[u8; 32]) -> StoreResult<Option<BrowserSignInRow>> {
        let row: Option<(String, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT device_name, expires_at, approved_at, denied_at FROM browser_sign_in WHERE login_hash = ?",
        )
        .bind(login_hash.to_vec())
        .fetch_optional(&self.pool)
        .await?;
        Ok(
            row.map(|(device_name, expires_at, approved, denied)| BrowserSignInRow {
                device_name,
                expires_at,
                decided: approved.is_some() || denied.is_some(),
            }),
        )
    }

    pub async fn decide_browser_sign_in(
        &self,
        login_hash: &[u8; 32],
        approved_by: Option<UserId>,
        now: i64,
    ) -> StoreResult<bool> {
        // One statement: its WHERE decides once, even between studio processes.
        let done = match approved_by {
            Some(account) => {
                sqlx::query(
                    "UPDATE browser_sign_in SET approved_by = ?, approved_at = ?
                     WHERE login_hash = ? AND approved_at IS NULL AND denied_at IS NULL AND expires_at > ?",
                )
                .bind(account.to_bytes().to_vec())
                .bind(now)
                .bind(login_hash.to_vec())
                .bind(now)
                .execute(&self.pool)
                .await?
            }
            None => {
                sqlx::query(
                    "UPDATE browser_sign_in SET denied_at = ?
                     WHERE login_hash = ? AND approved_at IS NULL AND denied_at IS NULL AND expires_at > ?",
                )
                .bind(now)
                .bind(login_hash.to_vec())
                .bind(now)
                .execute(&self.pool)
                .await?
            }
        };
        Ok(done.rows_affected() == 1)
    }

    pub async fn poll_browser_sign_in(
        &self,
        poll_hash: &[u8; 32],
        d: &BrowserDevice,
        now: i64,
    ) -> StoreResult<PollOutcome> {
        // IMMEDIATE: the write lock first, so the read below and the spend are one step: of two
        // polls at once, the second finds the sign-in spent.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let row: Option<PollRow> = sqlx::query_as(
            "SELECT device_name, expires_at, approved_by, denied_at, delivered_at FROM browser_sign_in
             WHERE poll_hash = ?",
        )
        .bind(poll_hash.to_vec())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((device_name, expires_at, approved_by, denied_at, delivered_at)) = row else {
            return Ok(PollOutcome::Gone);
        };
        if delivered_at.is_some() || expires_at <= now {
            return Ok(PollOutcome::Gone);
        }
        if denied_at.is_some() {
            return Ok(PollOutcome::Denied);
        }
        let Some(approved_by) = approved_by else {
            return Ok(PollOutcome::Pending);
        };
        sqlx::query("UPDATE browser_sign_in SET delivered_at = ? WHERE poll_hash = ?")
            .bind(now)
            .bind(poll_hash.to_vec())
            .execute(&mut *tx)
            .await?;
        // The approver as they are now (a removal since spends the sign-in for nothing).
        let found: Option<AccountRow> = sqlx::query_as(
            "SELECT id, email, display_name, studio_role FROM account WHERE id = ? AND removed_at IS NULL",
        )
        .bind(&approved_by)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(found) = found else {
            tx.commit().await?;
            return Ok(PollOutcome::Gone);
        };
        let approver = account(found)?;
        let device = NewDevice {
            id: d.id,
            account: approver.id,
            name: device_name,
            refresh_hash: d.refresh_hash,
            access_hash: d.access_hash,
            access_expires_at: d.access_expires_at,
        };
        insert_device(&mut tx, &device, now).await?;
        tx.commit().await?;
        Ok(PollOutcome::Delivered(approver))
    }

    pub async fn remove_member(
        &self,
        who: UserId,
        check: impl FnOnce(RoleFacts) -> Result<(), InvalidInput> + Send,
        now: i64,
    ) -> StoreResult<Option<Account>> {
        let id = who.to_bytes().to_vec();
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let Some(facts) = role_facts(&mut tx, &id).await? else {
            return Ok(None);
        };
        check(facts).map_err(StoreError::Refused)?;
        sqlx::query("UPDATE account SET removed_at = ? WHERE id = ?")
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        super::sync::sqlite::publish_member(&mut tx, who, now).await?;
        let devices: Vec<(Vec<u8>,)> =
            sqlx::query_as("SELECT id FROM device WHERE account_id = ? AND revoked_at IS NULL")
                .bind(&id)
                .fetch_all(&mut *tx)
                .await?;
        for (device,) in devices {
            revoke(&mut tx, &device, now).await?;
        }
        let row: AccountRow =
            sqlx::query_as("SELECT id, email, display_name, studio_role FROM account WHERE id = ?")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(Some(account(row)?))
    }

    pub async fn change_role(
        &self,
        who: UserId,
        role: StudioRole,
        check: impl FnOnce(RoleFacts) -> Result<(), InvalidInput> + Send,
    ) -> StoreResult<Option<Account>> {
        let id = who.to_bytes().to_vec();
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await?;
        let Some(facts) = role_facts(&mut tx, &id).await? else {
            return Ok(None);
        };
        check(facts).map_err(StoreError::Refused)?;
        sqlx::query("UPDATE account SET studio_role = ? WHERE id = ?")
            .bind(role.code())
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        super::sync::sqlite::publish_member(&mut tx, who, super::sync::now_ms()).await?;
        let row: AccountRow =
            sqlx::query_as("SELECT id, email, display_name, studio_role FROM account WHERE id = ?")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(Some(account(row)?))
    }
}

/// A member's role and the number of Owners, read inside a transaction; `None` when there is no
/// such member (never was, or removed).
async fn role_facts(tx: &mut sqlx::SqliteConnection, id: &[u8]) -> StoreResult<Option<RoleFacts>> {
    let current: Option<(i64,)> =
        sqlx::query_as("SELECT studio_role FROM account WHERE id = ? AND removed_at IS NULL")
            .bind(id.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
    let Some((current,)) = current else {
        return Ok(None);
    };
    let (owners,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM account WHERE studio_role = ? AND removed_at IS NULL")
            .bind(StudioRole::Owner.code())
            .fetch_one(&mut *tx)
            .await?;
    Ok(Some(RoleFacts {
        current: role(current)?,
        owners: u64::try_from(owners).unwrap_or(0),
    }))
}

async fn insert_account(tx: &mut sqlx::SqliteConnection, a: &NewAccount, now: i64) -> StoreResult<()> {
    let result = sqlx::query(
        "INSERT INTO account (id, email, email_key, display_name, password_hash, studio_role, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(a.id.to_bytes().to_vec())
    .bind(&a.email)
    .bind(&a.email_key)
    .bind(&a.display_name)
    .bind(&a.password_hash)
    .bind(a.role.code())
    .bind(now)
    .execute(&mut *tx)
    .await;
    match result {
        Ok(_) => super::sync::sqlite::publish_member(tx, a.id, now).await,
        Err(e) if is_unique_violation(&e) => Err(StoreError::Refused(InvalidInput::new(
            ErrorCode::NameTaken,
            format!("{} already has an account", a.email),
        ))),
        Err(e) => Err(e.into()),
    }
}

/// A device with its first refresh secret and access token.
async fn insert_device(tx: &mut sqlx::SqliteConnection, d: &NewDevice, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO device (id, account_id, name, refresh_hash, created_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(d.id.to_bytes().to_vec())
    .bind(d.account.to_bytes().to_vec())
    .bind(&d.name)
    .bind(d.refresh_hash.to_vec())
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO access_token (hash, device_id, expires_at) VALUES (?, ?, ?)")
        .bind(d.access_hash.to_vec())
        .bind(d.id.to_bytes().to_vec())
        .bind(d.access_expires_at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn revoke(tx: &mut sqlx::SqliteConnection, device: &[u8], now: i64) -> StoreResult<()> {
    sqlx::query("UPDATE device SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(device.to_vec())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM access_token WHERE device_id = ?")
        .bind(device.to_vec())
        .execute(&mut *tx)
        .await?;
    Ok(())
}
