//! What libraries replicate (STUDIO.md §3–§4), stored: the seq counter, the current row per
//! (kind, key) in its scope, brands with their kits and members, applied intents, the limits.
//!
//! The SQL here is the same on both backends (`$N` parameters, `ON CONFLICT`, `RETURNING`), so
//! it is written once and instantiated for each connection type by [`sync_sql!`], with what
//! differs as its arguments: how a writing transaction takes the writer's lock (SQLite's
//! `BEGIN IMMEDIATE`, PostgreSQL's counter row `FOR UPDATE`) and the cross-process notify.
//! Must not know HTTP or the rules: it loads the facts a decision needs and runs
//! the writes a caller decided, inside one transaction.

use atelier_domain::BrandRole;
use atelier_domain::ids::{BrandId, UserId};
use atelier_protocol::{BrandSyncRow, Kit, PushOutcome};

use super::{Account, StoreError, StoreResult};

/// The scope every member sees.
pub const STUDIO_SCOPE: &str = "studio";

/// The scope only `user` sees.
pub fn user_scope(user: UserId) -> String {
    format!("user:{user}")
}

/// What a sync decision is taken on, read inside the transaction that writes.
#[derive(Debug, Clone, Default)]
pub struct SyncFacts {
    /// The brand the intent names, as stored now.
    pub brand: Option<BrandSyncRow>,
    /// The team brand already holding the name the intent asks for, if any.
    pub name_holder: Option<BrandId>,
    /// The person the intent names, with whether they were removed from the studio.
    pub user: Option<(Account, bool)>,
}

/// Which facts to read.
#[derive(Debug, Clone, Default)]
pub struct FactsQuery {
    /// A brand by id.
    pub brand: Option<BrandId>,
    /// A team brand by case-folded name.
    pub name_key: Option<String>,
    /// A person by id.
    pub user: Option<UserId>,
}

/// One write a decision asks for. Each touches one brand, whose row is republished after.
#[derive(Debug, Clone, PartialEq)]
pub enum SyncWrite {
    /// A new team brand with its creator as its first member.
    CreateBrand {
        /// Id (the library's).
        id: BrandId,
        /// Name, validated.
        name: String,
        /// Case-folded name.
        name_key: String,
        /// Who creates it, and the role they take.
        creator: (UserId, BrandRole),
    },
    /// A new name.
    RenameBrand {
        /// Which.
        id: BrandId,
        /// Name, validated.
        name: String,
        /// Case-folded name.
        name_key: String,
    },
    /// The whole kit, as it is to be.
    SetKit {
        /// Which.
        id: BrandId,
        /// The kit.
        kit: Kit,
    },
    /// A member's role, or (`None`) their removal.
    SetMember {
        /// Which brand.
        brand: BrandId,
        /// Who.
        user: UserId,
        /// Role from now on.
        role: Option<BrandRole>,
    },
}

impl SyncWrite {
    fn brand(&self) -> BrandId {
        match self {
            SyncWrite::CreateBrand { id, .. }
            | SyncWrite::RenameBrand { id, .. }
            | SyncWrite::SetKit { id, .. } => *id,
            SyncWrite::SetMember { brand, .. } => *brand,
        }
    }
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// Decided now (applied with its seq, or refused).
    Now(PushOutcome),
    /// Decided by an earlier push of the same intent: its answer again, nothing changed.
    Before(PushOutcome),
}

pub(super) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Damaged(e.to_string()))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Damaged(format!("a stored JSON value: {e}")))
}

fn brand_id(bytes: &[u8]) -> StoreResult<BrandId> {
    use atelier_domain::Id as _;
    BrandId::from_slice(bytes).ok_or_else(|| StoreError::Damaged("a brand id".into()))
}

fn brand_role(code: i64) -> StoreResult<BrandRole> {
    BrandRole::from_code(code).ok_or_else(|| StoreError::Damaged(format!("brand role code {code}")))
}

/// The epoch as text (hex), as pulls carry it.
pub(super) fn epoch_text(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Instantiates the sync SQL for one backend's connection and pool types.
macro_rules! sync_sql {
    ($name:ident, $conn:ty, $pool:ty, $begin:expr, $lock:expr, $notify:expr) => {
        pub(super) mod $name {
            use atelier_domain::ids::{BrandId, UserId};
            use atelier_domain::{Id as _, StudioRole};
            use atelier_protocol::{
                BrandMemberEntry, BrandSyncRow, Kit, MemberRow, PushOutcome, StudioLimits, SyncData, SyncRow,
            };

            use super::super::rows::{AccountRow, account, user_id};
            use super::super::StoreResult;
            use super::{
                Applied, FactsQuery, STUDIO_SCOPE, SyncFacts, SyncWrite, brand_id, brand_role, epoch_text, json,
                now_ms, parse, user_scope,
            };

            /// A writing transaction holding the writer's lock until it ends (SQLite's write
            /// lock; on PostgreSQL the counter row), so that decisions read every earlier one.
            async fn begin(pool: &$pool) -> StoreResult<sqlx::Transaction<'static, <$conn as sqlx::Connection>::Database>> {
                let mut tx = pool.begin_with($begin).await?;
                let lock: &str = $lock;
                if !lock.is_empty() {
                    sqlx::query(lock).execute(&mut *tx).await?;
                }
                Ok(tx)
            }

            /// Hands out the next seq (the row stays locked until the transaction ends).
            async fn next_seq(c: &mut $conn) -> StoreResult<i64> {
                let (seq,): (i64,) =
                    sqlx::query_as("UPDATE sync_meta SET seq = seq + 1 WHERE id = 1 RETURNING seq")
                        .fetch_one(&mut *c)
                        .await?;
                let notify: &str = $notify;
                if !notify.is_empty() {
                    // Delivered to every listening studio process when (and only if) this
                    // transaction commits.
                    sqlx::query(notify).bind(seq.to_string()).execute(&mut *c).await?;
                }
                Ok(seq)
            }

            /// Stores `data` as the current row of its (kind, key) in `scope`, with a new seq.
            pub(in crate::store) async fn put_row(c: &mut $conn, data: &SyncData, scope: &str) -> StoreResult<i64> {
                let seq = next_seq(c).await?;
                let (kind, key) = data.key();
                sqlx::query(
                    "INSERT INTO sync_row (kind, key, scope, seq, body) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (kind, key) DO UPDATE SET scope = excluded.scope, seq = excluded.seq,
                         body = excluded.body",
                )
                .bind(kind)
                .bind(key)
                .bind(scope)
                .bind(seq)
                .bind(json(data)?)
                .execute(&mut *c)
                .await?;
                Ok(seq)
            }

            /// A brand with its kit and members, as stored now.
            pub(in crate::store) async fn brand(c: &mut $conn, id: BrandId) -> StoreResult<Option<BrandSyncRow>> {
                let row: Option<(String, Option<Vec<u8>>, String)> =
                    sqlx::query_as("SELECT name, personal_of, kit FROM brand WHERE id = $1")
                        .bind(id.to_bytes().to_vec())
                        .fetch_optional(&mut *c)
                        .await?;
                let Some((name, personal_of, kit)) = row else {
                    return Ok(None);
                };
                let members: Vec<(Vec<u8>, i64)> = sqlx::query_as(
                    "SELECT m.account_id, m.role FROM brand_member m JOIN account a ON a.id = m.account_id
                     WHERE m.brand = $1 ORDER BY m.role, a.email_key",
                )
                .bind(id.to_bytes().to_vec())
                .fetch_all(&mut *c)
                .await?;
                Ok(Some(BrandSyncRow {
                    id,
                    name,
                    personal_of: personal_of.as_deref().map(user_id).transpose()?,
                    kit: parse(&kit)?,
                    members: members
                        .into_iter()
                        .map(|(u, r)| Ok(BrandMemberEntry { user: user_id(&u)?, role: brand_role(r)? }))
                        .collect::<StoreResult<_>>()?,
                }))
            }

            /// Republishes a brand: team brands to everyone, a Personal brand to its person.
            async fn publish_brand(c: &mut $conn, id: BrandId) -> StoreResult<i64> {
                let Some(row) = brand(c, id).await? else {
                    return Err(super::StoreError::Damaged(format!("brand {id} vanished while being written")));
                };
                let scope = match row.personal_of {
                    Some(u) => user_scope(u),
                    None => STUDIO_SCOPE.to_string(),
                };
                put_row(c, &SyncData::Brand(row), &scope).await
            }

            /// Republishes a person as every member sees them, giving them their Personal brand
            /// the first time; a removed person leaves every brand (each republished).
            pub(in crate::store) async fn publish_member(c: &mut $conn, who: UserId, now: i64) -> StoreResult<()> {
                let id = who.to_bytes().to_vec();
                let row: Option<(Vec<u8>, String, String, i64, Option<i64>)> = sqlx::query_as(
                    "SELECT id, email, display_name, studio_role, removed_at FROM account WHERE id = $1",
                )
                .bind(&id)
                .fetch_optional(&mut *c)
                .await?;
                let Some((_, email, display_name, role, removed_at)) = row else {
                    return Ok(());
                };
                let role = StudioRole::from_code(role)
                    .ok_or_else(|| super::StoreError::Damaged(format!("studio role code {role}")))?;
                let personal = sqlx::query(
                    "INSERT INTO brand (id, name, name_key, personal_of, kit, created_at)
                     VALUES ($1, $2, $3, $1, $4, $5) ON CONFLICT (id) DO NOTHING",
                )
                .bind(&id)
                .bind(atelier_domain::rules::PERSONAL_BRAND)
                .bind(atelier_domain::names::key(atelier_domain::rules::PERSONAL_BRAND))
                .bind(json(&Kit::default())?)
                .bind(now)
                .execute(&mut *c)
                .await?;
                if personal.rows_affected() > 0 {
                    publish_brand(c, BrandId::from_uuid(who.uuid())).await?;
                }
                let removed = removed_at.is_some();
                if removed {
                    let brands: Vec<(Vec<u8>,)> =
                        sqlx::query_as("DELETE FROM brand_member WHERE account_id = $1 RETURNING brand")
                            .bind(&id)
                            .fetch_all(&mut *c)
                            .await?;
                    for (b,) in brands {
                        publish_brand(c, brand_id(&b)?).await?;
                    }
                }
                let member = MemberRow { id: who, email, display_name, role, removed };
                put_row(c, &SyncData::Member(member), STUDIO_SCOPE).await?;
                Ok(())
            }

            /// Publishes every person who has no member row yet (accounts made before sync).
            pub(in crate::store) async fn backfill(pool: &$pool) -> StoreResult<()> {
                let mut tx = begin(pool).await?;
                backfill_in(&mut tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn backfill_in(c: &mut $conn) -> StoreResult<()> {
                // Publishing a person gives them their Personal brand: the people without one
                // are the people never published.
                let missing: Vec<(Vec<u8>,)> = sqlx::query_as(
                    "SELECT id FROM account a WHERE NOT EXISTS (SELECT 1 FROM brand b WHERE b.id = a.id)",
                )
                .fetch_all(&mut *c)
                .await?;
                for (id,) in missing {
                    publish_member(c, user_id(&id)?, now_ms()).await?;
                }
                Ok(())
            }

            /// The facts a decision needs.
            pub(in crate::store) async fn facts(c: &mut $conn, q: &FactsQuery) -> StoreResult<SyncFacts> {
                let brand = match q.brand {
                    Some(b) => brand(c, b).await?,
                    None => None,
                };
                let name_holder = match &q.name_key {
                    Some(key) => {
                        let row: Option<(Vec<u8>,)> = sqlx::query_as(
                            "SELECT id FROM brand WHERE personal_of IS NULL AND name_key = $1",
                        )
                        .bind(key)
                        .fetch_optional(&mut *c)
                        .await?;
                        row.map(|(id,)| brand_id(&id)).transpose()?
                    }
                    None => None,
                };
                let user = match q.user {
                    Some(u) => {
                        let row: Option<(Vec<u8>, String, String, i64, Option<i64>)> = sqlx::query_as(
                            "SELECT id, email, display_name, studio_role, removed_at FROM account WHERE id = $1",
                        )
                        .bind(u.to_bytes().to_vec())
                        .fetch_optional(&mut *c)
                        .await?;
                        match row {
                            Some((id, email, name, role, removed)) => {
                                let a: AccountRow = (id, email, name, role);
                                Some((account(a)?, removed.is_some()))
                            }
                            None => None,
                        }
                    }
                    None => None,
                };
                Ok(SyncFacts { brand, name_holder, user })
            }

            /// Runs one decided write.
            async fn write(c: &mut $conn, w: &SyncWrite, now: i64) -> StoreResult<()> {
                match w {
                    SyncWrite::CreateBrand { id, name, name_key, creator } => {
                        sqlx::query(
                            "INSERT INTO brand (id, name, name_key, personal_of, kit, created_at)
                             VALUES ($1, $2, $3, NULL, $4, $5)",
                        )
                        .bind(id.to_bytes().to_vec())
                        .bind(name)
                        .bind(name_key)
                        .bind(json(&Kit::default())?)
                        .bind(now)
                        .execute(&mut *c)
                        .await?;
                        set_member(c, *id, creator.0, Some(creator.1)).await?;
                    }
                    SyncWrite::RenameBrand { id, name, name_key } => {
                        sqlx::query("UPDATE brand SET name = $1, name_key = $2 WHERE id = $3")
                            .bind(name)
                            .bind(name_key)
                            .bind(id.to_bytes().to_vec())
                            .execute(&mut *c)
                            .await?;
                    }
                    SyncWrite::SetKit { id, kit } => {
                        sqlx::query("UPDATE brand SET kit = $1 WHERE id = $2")
                            .bind(json(kit)?)
                            .bind(id.to_bytes().to_vec())
                            .execute(&mut *c)
                            .await?;
                    }
                    SyncWrite::SetMember { brand, user, role } => set_member(c, *brand, *user, *role).await?,
                }
                Ok(())
            }

            async fn set_member(
                c: &mut $conn,
                brand: BrandId,
                user: UserId,
                role: Option<atelier_domain::BrandRole>,
            ) -> StoreResult<()> {
                match role {
                    Some(r) => sqlx::query(
                        "INSERT INTO brand_member (brand, account_id, role) VALUES ($1, $2, $3)
                         ON CONFLICT (brand, account_id) DO UPDATE SET role = excluded.role",
                    )
                    .bind(brand.to_bytes().to_vec())
                    .bind(user.to_bytes().to_vec())
                    .bind(r.code())
                    .execute(&mut *c)
                    .await?,
                    None => sqlx::query("DELETE FROM brand_member WHERE brand = $1 AND account_id = $2")
                        .bind(brand.to_bytes().to_vec())
                        .bind(user.to_bytes().to_vec())
                        .execute(&mut *c)
                        .await?,
                };
                Ok(())
            }

            /// The answer an earlier push of this intent got.
            async fn earlier(c: &mut $conn, replica: &[u8], intent: i64) -> StoreResult<Option<PushOutcome>> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT result FROM applied_intent WHERE replica = $1 AND intent_id = $2")
                        .bind(replica)
                        .bind(intent)
                        .fetch_optional(&mut *c)
                        .await?;
                row.map(|(r,)| parse(&r)).transpose()
            }

            /// Decides and applies one intent inside the open transaction `c` (which holds the
            /// writer's lock): at most once per (replica, intent), the decision taken on facts
            /// read here, the writes run and the touched brand republished, the answer kept.
            pub(in crate::store) async fn apply_intent(
                pool: &$pool,
                replica: uuid::Uuid,
                intent: i64,
                account: UserId,
                query: &FactsQuery,
                decide: impl FnOnce(&SyncFacts) -> Result<Vec<SyncWrite>, atelier_domain::InvalidInput>,
            ) -> StoreResult<Applied> {
                let mut tx = begin(pool).await?;
                let applied = apply(&mut tx, replica, intent, account, query, decide).await?;
                tx.commit().await?;
                Ok(applied)
            }

            async fn apply(
                c: &mut $conn,
                replica: uuid::Uuid,
                intent: i64,
                account: UserId,
                query: &FactsQuery,
                decide: impl FnOnce(&SyncFacts) -> Result<Vec<SyncWrite>, atelier_domain::InvalidInput>,
            ) -> StoreResult<Applied> {
                let replica_bytes = replica.as_bytes().to_vec();
                if let Some(before) = earlier(c, &replica_bytes, intent).await? {
                    return Ok(Applied::Before(before));
                }
                let facts = facts(c, query).await?;
                let now = now_ms();
                let outcome = match decide(&facts) {
                    Err(e) => PushOutcome::Refused { code: e.code, message: e.message },
                    Ok(writes) => {
                        let mut touched: Vec<BrandId> = Vec::new();
                        for w in &writes {
                            write(c, w, now).await?;
                            if !touched.contains(&w.brand()) {
                                touched.push(w.brand());
                            }
                        }
                        let mut seq = 0;
                        for b in touched {
                            seq = publish_brand(c, b).await?;
                        }
                        PushOutcome::Applied { seq }
                    }
                };
                sqlx::query(
                    "INSERT INTO applied_intent (replica, intent_id, account_id, result, at)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&replica_bytes)
                .bind(intent)
                .bind(account.to_bytes().to_vec())
                .bind(json(&outcome)?)
                .bind(now)
                .execute(&mut *c)
                .await?;
                Ok(Applied::Now(outcome))
            }

            /// Rows after `cursor` in the scopes given, oldest first, at most `limit`.
            pub(in crate::store) async fn pull(
                pool: &$pool,
                scopes: &[String],
                cursor: i64,
                limit: i64,
            ) -> StoreResult<(String, i64, Vec<SyncRow>)> {
                let mut c = pool.acquire().await?;
                let (epoch, last): (Vec<u8>, i64) =
                    sqlx::query_as("SELECT epoch, seq FROM sync_meta WHERE id = 1").fetch_one(&mut *c).await?;
                // Few scopes (the studio's, the caller's own, later their brands'): one query
                // per scope, merged by seq, keeps every statement simple and indexable.
                let mut rows: Vec<(i64, String)> = Vec::new();
                for scope in scopes {
                    let mut part: Vec<(i64, String)> = sqlx::query_as(
                        "SELECT seq, body FROM sync_row WHERE scope = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                    )
                    .bind(scope)
                    .bind(cursor)
                    .bind(limit)
                    .fetch_all(&mut *c)
                    .await?;
                    rows.append(&mut part);
                }
                rows.sort_by_key(|r| r.0);
                rows.truncate(limit as usize);
                let rows = rows
                    .into_iter()
                    .map(|(seq, body)| Ok(SyncRow { seq, data: parse(&body)? }))
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok((epoch_text(&epoch), last, rows))
            }

            /// The last seq handed out.
            pub(in crate::store) async fn last_seq(pool: &$pool) -> StoreResult<i64> {
                let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM sync_meta WHERE id = 1").fetch_one(pool).await?;
                Ok(seq)
            }

            /// The limits.
            pub(in crate::store) async fn limits(pool: &$pool) -> StoreResult<StudioLimits> {
                let (p, s): (Option<i64>, Option<i64>) =
                    sqlx::query_as("SELECT projects_per_member, storage_per_project FROM sync_meta WHERE id = 1")
                        .fetch_one(pool)
                        .await?;
                Ok(StudioLimits {
                    projects_per_member: p.map(|v| v.clamp(0, u32::MAX as i64) as u32),
                    storage_per_project: s.map(|v| v.max(0) as u64),
                })
            }

            /// Sets the limits and publishes them.
            pub(in crate::store) async fn set_limits(pool: &$pool, l: &StudioLimits) -> StoreResult<()> {
                let mut tx = begin(pool).await?;
                let c = &mut *tx;
                sqlx::query("UPDATE sync_meta SET projects_per_member = $1, storage_per_project = $2 WHERE id = 1")
                    .bind(l.projects_per_member.map(i64::from))
                    .bind(l.storage_per_project.map(|v| v.min(i64::MAX as u64) as i64))
                    .execute(&mut *c)
                    .await?;
                put_row(c, &SyncData::Limits(l.clone()), STUDIO_SCOPE).await?;
                tx.commit().await?;
                Ok(())
            }

            /// Gives the studio a new epoch (after a restore from a backup): every library
            /// starts over from cursor 0, keeping its outbox.
            pub(in crate::store) async fn new_epoch(pool: &$pool, epoch: [u8; 16]) -> StoreResult<String> {
                sqlx::query("UPDATE sync_meta SET epoch = $1 WHERE id = 1")
                    .bind(epoch.to_vec())
                    .execute(pool)
                    .await?;
                Ok(epoch_text(&epoch))
            }
        }
    };
}

sync_sql!(
    sqlite,
    sqlx::SqliteConnection,
    sqlx::SqlitePool,
    "BEGIN IMMEDIATE",
    "",
    ""
);
sync_sql!(
    postgres,
    sqlx::PgConnection,
    sqlx::PgPool,
    "BEGIN",
    "SELECT seq FROM sync_meta WHERE id = 1 FOR UPDATE",
    "SELECT pg_notify('atelier_sync', $1)"
);

/// The channel every studio process on one PostgreSQL database listens on for pokes.
pub const NOTIFY_CHANNEL: &str = "atelier_sync";
