//! The PostgreSQL backend (`--database-url postgres://…`): a sqlx pool on one database that
//! several studio processes may share, and its numbered, forward-only migrations
//! (`migrations/postgres/NNNN_name.sql`, embedded at build), mirroring the SQLite ones.
//!
//! Every operation has the SQLite backend's semantics. Where SQLite takes its one write lock
//! (`BEGIN IMMEDIATE`), this takes row locks inside a READ COMMITTED transaction: a refresh
//! locks its device row (`FOR UPDATE`) before reading the current secret, so one secret rotates
//! once; a role change, a removal and an invitation accept lock the studio's one row first, so
//! that the last-Owner check and the spend of a link each see every earlier decision committed.
//!
//! Must not know HTTP or the rules; SQL for PostgreSQL only.

use std::time::Duration;

use atelier_domain::ids::{DeviceId, UserId};
use atelier_domain::{ErrorCode, Id, InvalidInput, StudioRole};
use sqlx::Connection as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::rows::{
    AccountRow, AccountWithHash, DeviceTuple, HolderRow, InvitationTuple, PersonRow, PollRow, account,
    device, device_id, invitation, is_unique_violation, role,
};
use super::{
    AcceptOutcome, Account, BrowserDevice, BrowserSignInRow, DeviceRow, InvitationRow, Joining, NewAccount,
    NewBrowserSignIn, NewDevice, NewInvitation, Person, PollOutcome, RefreshOutcome, RoleFacts, Rotation,
    StoreError, StoreResult, TokenHolder,
};

/// Every migration, in order. Append only: a released migration never changes.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "0001_people.sql",
        include_str!("migrations/postgres/0001_people.sql"),
    ),
    (
        2,
        "0002_invitations.sql",
        include_str!("migrations/postgres/0002_invitations.sql"),
    ),
    (
        3,
        "0003_browser_sign_in.sql",
        include_str!("migrations/postgres/0003_browser_sign_in.sql"),
    ),
    (
        4,
        "0004_sync.sql",
        include_str!("migrations/postgres/0004_sync.sql"),
    ),
    (
        5,
        "0005_shared.sql",
        include_str!("migrations/postgres/0005_shared.sql"),
    ),
    (
        6,
        "0006_files.sql",
        include_str!("migrations/postgres/0006_files.sql"),
    ),
    (
        7,
        "0007_pull_by_scope.sql",
        include_str!("migrations/postgres/0007_pull_by_scope.sql"),
    ),
    (
        8,
        "0008_upload_ways.sql",
        include_str!("migrations/postgres/0008_upload_ways.sql"),
    ),
    (
        9,
        "0009_lighter_writes.sql",
        include_str!("migrations/postgres/0009_lighter_writes.sql"),
    ),
    (
        10,
        "0010_campaign_links.sql",
        include_str!("migrations/postgres/0010_campaign_links.sql"),
    ),
];

/// How often a device's `last_seen_at` is written at most (as on SQLite: a read stays a read).
const SEEN_EVERY_MS: i64 = 60_000;

/// The session-level advisory lock that serialises migrations between studio processes
/// starting at once on one database ("ATEL" in ASCII).
const MIGRATION_LOCK: i64 = 0x4154_454C;

/// Takes the studio row's lock for the rest of the transaction: the PostgreSQL counterpart of
/// SQLite's `BEGIN IMMEDIATE` for the decisions that read facts across rows (how many Owners;
/// whether a link is spent).
const LOCK_STUDIO: &str = "SELECT id FROM studio WHERE id = 1 FOR UPDATE";

/// A pool on one studio database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pub(super) pool: PgPool,
    pub(super) pushes: std::sync::Arc<super::pushes::Queue>,
}

impl PgStore {
    /// Connects to the database at `url` and applies pending migrations. Without `create`,
    /// `None` when the database was never migrated by a studio (nothing is created in it).
    pub async fn open(url: &str, create: bool) -> StoreResult<Option<PgStore>> {
        let options: PgConnectOptions = url.parse()?;
        // One connection first: its error says why (refused, password, no such database),
        // where the pool's would only say that it timed out.
        sqlx::PgConnection::connect_with(&options).await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        let store = PgStore {
            pool,
            pushes: Default::default(),
        };
        if !create {
            let (known,): (bool,) = sqlx::query_as("SELECT to_regclass('schema_migration') IS NOT NULL")
                .fetch_one(&store.pool)
                .await?;
            if !known {
                store.pool.close().await;
                return Ok(None);
            }
        }
        store.migrate().await?;
        super::sync::postgres::backfill(&store.pool).await?;
        Ok(Some(store))
    }

    /// Applies every migration newer than the database's, each in its own transaction, under
    /// an advisory lock so that two processes starting at once migrate once.
    async fn migrate(&self) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *conn)
            .await?;
        let result = migrate_locked(&mut conn).await;
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *conn)
            .await;
        if unlocked.is_err() {
            // A session lock must not stay with a pooled connection: drop the connection.
            conn.detach();
        }
        result
    }

    /// Listens on the sync channel in a background task until the pool closes; once a second
    /// it also reads the counter itself, so that a notification lost (while the listening
    /// connection was being re-made) delays a poke by a second at most.
    pub async fn listen(&self, on_seq: impl Fn(i64) + Send + Sync + 'static) -> StoreResult<()> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool).await?;
        listener.listen(super::NOTIFY_CHANNEL).await?;
        let on_seq = std::sync::Arc::new(on_seq);
        let (pool, told) = (self.pool.clone(), on_seq.clone());
        tokio::spawn(async move {
            loop {
                // `recv` reconnects by itself after a lost connection.
                match listener.recv().await {
                    Ok(n) => {
                        if let Ok(seq) = n.payload().parse::<i64>() {
                            told(seq);
                        }
                    }
                    Err(e) => {
                        if pool.is_closed() {
                            break;
                        }
                        tracing::warn!(error = %e, "sync listener: retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut check = tokio::time::interval(Duration::from_secs(1));
            check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            while !pool.is_closed() {
                check.tick().await;
                let seq: Result<(i64,), _> = sqlx::query_as("SELECT seq FROM sync_meta WHERE id = 1")
                    .fetch_one(&pool)
                    .await;
                if let Ok((seq,)) = seq {
                    on_seq(seq);
                }
            }
        });
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn studio_name(&self) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT name FROM studio WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0))
    }

    pub async fn create_studio(&self, name: &str, owner: &NewAccount, now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO studio (id, name, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
        )
        .bind(name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Refused(InvalidInput::new(
                ErrorCode::StudioExists,
                "this database already holds a studio",
            )));
        }
        insert_account(&mut tx, owner, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_account(&self, account: &NewAccount, now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        insert_account(&mut tx, account, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn account_by_email(&self, email_key: &str) -> StoreResult<Option<(Account, Option<String>)>> {
        let row: Option<AccountWithHash> = sqlx::query_as(
            "SELECT id, email, display_name, studio_role, password_hash
             FROM account WHERE email_key = $1 AND removed_at IS NULL",
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
             ORDER BY studio_role, lower(display_name), email_key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(account).collect()
    }

    pub async fn add_device(&self, d: &NewDevice, now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        insert_device(&mut tx, d, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn refresh(&self, r: &Rotation, now: i64) -> StoreResult<RefreshOutcome> {
        let device = r.device.to_bytes().to_vec();
        // The device row's lock first, so the read below and the rotation are one step: a
        // secret presented twice at once is seen as current only once (the second refresh
        // waits, then reads the rotated row).
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT id FROM device WHERE id = $1 FOR UPDATE")
            .bind(&device)
            .execute(&mut *tx)
            .await?;
        // Looked up by the hash (an index probe), never by comparing secrets byte by byte: the
        // lookup's timing says nothing useful about a secret without its SHA-256 preimage.
        let current: Option<(Vec<u8>, Option<i64>)> =
            sqlx::query_as("SELECT account_id, revoked_at FROM device WHERE id = $1 AND refresh_hash = $2")
                .bind(&device)
                .bind(r.presented.to_vec())
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((account_id, revoked_at)) = current {
            if revoked_at.is_some() {
                return Ok(RefreshOutcome::Revoked);
            }
            sqlx::query("INSERT INTO spent_refresh (hash, device_id) VALUES ($1, $2)")
                .bind(r.presented.to_vec())
                .bind(&device)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE device SET refresh_hash = $1, last_seen_at = $2 WHERE id = $3")
                .bind(r.next_refresh.to_vec())
                .bind(now)
                .bind(&device)
                .execute(&mut *tx)
                .await?;
            // Expired tokens of this device go now; nothing else needs them.
            sqlx::query("DELETE FROM access_token WHERE device_id = $1 AND expires_at <= $2")
                .bind(&device)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO access_token (hash, device_id, expires_at) VALUES ($1, $2, $3)")
                .bind(r.access_hash.to_vec())
                .bind(&device)
                .bind(r.access_expires_at)
                .execute(&mut *tx)
                .await?;
            let row: AccountRow =
                sqlx::query_as("SELECT id, email, display_name, studio_role FROM account WHERE id = $1")
                    .bind(account_id)
                    .fetch_one(&mut *tx)
                    .await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Rotated(account(row)?));
        }
        let spent: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT d.revoked_at FROM spent_refresh s JOIN device d ON d.id = s.device_id
             WHERE s.hash = $1 AND s.device_id = $2",
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
                    sqlx::query_as("SELECT revoked_at FROM device WHERE id = $1")
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
             WHERE t.hash = $1 AND t.expires_at > $2 AND d.revoked_at IS NULL AND a.removed_at IS NULL",
        )
        .bind(hash.to_vec())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some((device, last_seen, id, email, name, role)) = row else {
            return Ok(None);
        };
        if now - last_seen >= SEEN_EVERY_MS {
            sqlx::query("UPDATE device SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $3")
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
             WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
        )
        .bind(who.to_bytes().to_vec())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(device).collect()
    }

    pub async fn device(&self, id: DeviceId) -> StoreResult<Option<DeviceRow>> {
        let row: Option<DeviceTuple> = sqlx::query_as(
            "SELECT id, account_id, name, created_at, last_seen_at, revoked_at FROM device
             WHERE id = $1",
        )
        .bind(id.to_bytes().to_vec())
        .fetch_optional(&self.pool)
        .await?;
        row.map(device).transpose()
    }

    pub async fn revoke_device(&self, id: DeviceId, now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        revoke(&mut tx, &id.to_bytes(), now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_invitation(&self, i: &NewInvitation) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE invitation SET revoked_at = $1
             WHERE email_key = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(i.created_at)
        .bind(&i.email_key)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO invitation (id, email, email_key, studio_role, token_hash, invited_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
        let row: Option<InvitationTuple> = sqlx::query_as(select_invitations!("WHERE i.id = $1"))
            .bind(id.as_bytes().to_vec())
            .fetch_optional(&self.pool)
            .await?;
        row.map(invitation).transpose()
    }

    pub async fn invitation_by_token(&self, hash: &[u8; 32]) -> StoreResult<Option<InvitationRow>> {
        // By the hash (an index probe), never by comparing secrets.
        let row: Option<InvitationTuple> = sqlx::query_as(select_invitations!("WHERE i.token_hash = $1"))
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
            "UPDATE invitation SET token_hash = $1, expires_at = $2
             WHERE id = $3 AND accepted_at IS NULL AND revoked_at IS NULL",
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
            "UPDATE invitation SET revoked_at = coalesce(revoked_at, $1)
             WHERE id = $2 AND accepted_at IS NULL",
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
             FROM account WHERE email_key = $1",
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
        // The studio row's lock first, so that the spend below is decided once — of two accepts
        // with one link, the second finds it spent — and a returning member's row is not
        // changed under a concurrent removal's check.
        let mut tx = self.pool.begin().await?;
        sqlx::query(LOCK_STUDIO).execute(&mut *tx).await?;
        let spent: Option<(i64,)> = sqlx::query_as(
            "UPDATE invitation SET accepted_at = $1
             WHERE token_hash = $2 AND email_key = $3 AND accepted_at IS NULL AND revoked_at IS NULL
               AND expires_at > $4
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
                    "UPDATE account SET removed_at = NULL, studio_role = $1
                     WHERE id = $2 AND removed_at IS NOT NULL",
                )
                .bind(invited.code())
                .bind(id.to_bytes().to_vec())
                .execute(&mut *tx)
                .await?;
                super::sync::postgres::publish_member(&mut tx, *id, now).await?;
                if back.rows_affected() != 1 {
                    return Ok(AcceptOutcome::AlreadyMember);
                }
                *id
            }
        };
        let id = id.to_bytes().to_vec();
        sqlx::query("UPDATE invitation SET accepted_by = $1 WHERE token_hash = $2")
            .bind(&id)
            .bind(hash.to_vec())
            .execute(&mut *tx)
            .await?;
        let row: AccountRow =
            sqlx::query_as("SELECT id, email, display_name, studio_role FROM account WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(AcceptOutcome::Joined(account(row)?))
    }

    pub async fn add_browser_sign_in(&self, new: &NewBrowserSignIn) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM browser_sign_in WHERE expires_at <= $1")
            .bind(new.created_at)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO browser_sign_in (login_hash, poll_hash, device_name, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
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
            "SELECT device_name, expires_at, approved_at, denied_at FROM browser_sign_in WHERE login_hash = $1",
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
                    "UPDATE browser_sign_in SET approved_by = $1, approved_at = $2
                     WHERE login_hash = $3 AND approved_at IS NULL AND denied_at IS NULL AND expires_at > $4",
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
                    "UPDATE browser_sign_in SET denied_at = $1
                     WHERE login_hash = $2 AND approved_at IS NULL AND denied_at IS NULL AND expires_at > $3",
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
        // The sign-in's row lock first, so the read below and the spend are one step: of two
        // polls at once, the second waits, then reads the spent row.
        let mut tx = self.pool.begin().await?;
        let row: Option<PollRow> = sqlx::query_as(
            "SELECT device_name, expires_at, approved_by, denied_at, delivered_at FROM browser_sign_in
             WHERE poll_hash = $1 FOR UPDATE",
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
        sqlx::query("UPDATE browser_sign_in SET delivered_at = $1 WHERE poll_hash = $2")
            .bind(now)
            .bind(poll_hash.to_vec())
            .execute(&mut *tx)
            .await?;
        // The approver as they are now (a removal since spends the sign-in for nothing), its row share-locked so that a removal waits for this device and then revokes it.
        let found: Option<AccountRow> = sqlx::query_as(
            "SELECT id, email, display_name, studio_role FROM account WHERE id = $1 AND removed_at IS NULL FOR SHARE",
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
        // The studio row's lock: two concurrent demotions or removals can't both pass a
        // last-Owner check.
        let mut tx = self.pool.begin().await?;
        sqlx::query(LOCK_STUDIO).execute(&mut *tx).await?;
        let Some(facts) = role_facts(&mut tx, &id).await? else {
            return Ok(None);
        };
        check(facts).map_err(StoreError::Refused)?;
        sqlx::query("UPDATE account SET removed_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        super::sync::postgres::publish_member(&mut tx, who, now).await?;
        let devices: Vec<(Vec<u8>,)> =
            sqlx::query_as("SELECT id FROM device WHERE account_id = $1 AND revoked_at IS NULL")
                .bind(&id)
                .fetch_all(&mut *tx)
                .await?;
        for (device,) in devices {
            revoke(&mut tx, &device, now).await?;
        }
        let row: AccountRow =
            sqlx::query_as("SELECT id, email, display_name, studio_role FROM account WHERE id = $1")
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
        // The studio row's lock: two concurrent demotions or removals can't both pass a
        // last-Owner check.
        let mut tx = self.pool.begin().await?;
        sqlx::query(LOCK_STUDIO).execute(&mut *tx).await?;
        let Some(facts) = role_facts(&mut tx, &id).await? else {
            return Ok(None);
        };
        check(facts).map_err(StoreError::Refused)?;
        sqlx::query("UPDATE account SET studio_role = $1 WHERE id = $2")
            .bind(role.code())
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        super::sync::postgres::publish_member(&mut tx, who, super::sync::now_ms()).await?;
        let row: AccountRow =
            sqlx::query_as("SELECT id, email, display_name, studio_role FROM account WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(Some(account(row)?))
    }
}

/// A member's role and the number of Owners, read inside a transaction; `None` when there is no
/// such member (never was, or removed).
async fn role_facts(tx: &mut sqlx::PgConnection, id: &[u8]) -> StoreResult<Option<RoleFacts>> {
    let current: Option<(i64,)> =
        sqlx::query_as("SELECT studio_role FROM account WHERE id = $1 AND removed_at IS NULL")
            .bind(id.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
    let Some((current,)) = current else {
        return Ok(None);
    };
    let (owners,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM account WHERE studio_role = $1 AND removed_at IS NULL")
            .bind(StudioRole::Owner.code())
            .fetch_one(&mut *tx)
            .await?;
    Ok(Some(RoleFacts {
        current: role(current)?,
        owners: u64::try_from(owners).unwrap_or(0),
    }))
}

async fn insert_account(tx: &mut sqlx::PgConnection, a: &NewAccount, now: i64) -> StoreResult<()> {
    let result = sqlx::query(
        "INSERT INTO account (id, email, email_key, display_name, password_hash, studio_role, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
        Ok(_) => super::sync::postgres::publish_member(tx, a.id, now).await,
        Err(e) if is_unique_violation(&e) => Err(StoreError::Refused(InvalidInput::new(
            ErrorCode::NameTaken,
            format!("{} already has an account", a.email),
        ))),
        Err(e) => Err(e.into()),
    }
}

/// A device with its first refresh secret and access token.
async fn insert_device(tx: &mut sqlx::PgConnection, d: &NewDevice, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO device (id, account_id, name, refresh_hash, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(d.id.to_bytes().to_vec())
    .bind(d.account.to_bytes().to_vec())
    .bind(&d.name)
    .bind(d.refresh_hash.to_vec())
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO access_token (hash, device_id, expires_at) VALUES ($1, $2, $3)")
        .bind(d.access_hash.to_vec())
        .bind(d.id.to_bytes().to_vec())
        .bind(d.access_expires_at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn revoke(tx: &mut sqlx::PgConnection, device: &[u8], now: i64) -> StoreResult<()> {
    sqlx::query("UPDATE device SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(device.to_vec())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM access_token WHERE device_id = $1")
        .bind(device.to_vec())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The body of [`PgStore::migrate`], on the connection holding the migration lock.
async fn migrate_locked(conn: &mut sqlx::PgConnection) -> StoreResult<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migration (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let (applied,): (i64,) = sqlx::query_as("SELECT coalesce(max(version), 0)::BIGINT FROM schema_migration")
        .fetch_one(&mut *conn)
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
        let mut tx = conn.begin().await?;
        sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(fail)?;
        sqlx::query("INSERT INTO schema_migration (version, name, applied_at) VALUES ($1, $2, $3)")
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
