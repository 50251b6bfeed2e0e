//! What libraries replicate (STUDIO.md §3–§4), stored: the seq counter, the current row per
//! (kind, key) in its scope, brands with their kits and members, applied intents, the limits.
//!
//! The SQL here is the same on both backends (`$N` parameters, `ON CONFLICT`, `RETURNING`), so
//! it is written once and instantiated for each connection type by [`sync_sql!`], with what
//! differs as its arguments: how a writing transaction takes the writer's lock (SQLite's
//! `BEGIN IMMEDIATE`, PostgreSQL's counter row `FOR UPDATE`) and the cross-process notify.
//! Must not know HTTP or the rules: it loads the facts a decision needs and runs
//! the writes a caller decided, inside one transaction.

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId, UserId};
use atelier_domain::{AssetId, BrandRole};
use atelier_protocol::{
    AssetSyncRow, BrandSyncRow, CampaignSyncRow, CollectionSyncRow, Kit, ProjectSyncRow, PushOutcome,
    SyncData,
};

use std::sync::Arc;

use super::{Account, StoreError, StoreResult};

/// The scope every member sees.
pub const STUDIO_SCOPE: &str = "studio";

/// The scope only `user` sees.
pub fn user_scope(user: UserId) -> String {
    format!("user:{user}")
}

/// The scope a team brand's members (and the studio's Owners and Admins) see.
pub fn brand_scope(brand: BrandId) -> String {
    format!("brand:{brand}")
}

/// What a sync decision is taken on, read inside the transaction that writes.
#[derive(Debug, Clone, Default)]
pub struct SyncFacts {
    /// The brand the intent names, as stored now (shared with the transaction's cache: a
    /// burst of intents on one brand reads it once and copies it never).
    pub brand: Option<Arc<BrandSyncRow>>,
    /// The team brand already holding the name the intent asks for, if any.
    pub name_holder: Option<BrandId>,
    /// The person the intent names, with whether they were removed from the studio.
    pub user: Option<(Account, bool)>,
    /// The asset the intent names, as stored now (its brand is then [`SyncFacts::brand`]).
    pub asset: Option<AssetSyncRow>,
    /// The shared project the intent names (or the asset's), if shared.
    pub project: Option<ProjectSyncRow>,
    /// Another asset the intent names (a stack's cover), as stored now.
    pub other: Option<AssetSyncRow>,
    /// The shared project an asset moves to, if shared.
    pub to_project: Option<ProjectSyncRow>,
    /// The brand an asset moves to.
    pub to_brand: Option<Arc<BrandSyncRow>>,
    /// The collection the intent names.
    pub collection: Option<CollectionSyncRow>,
    /// The campaign the intent names.
    pub campaign: Option<CampaignSyncRow>,
    /// Every collection of the brand (when asked for siblings).
    pub collections: Vec<CollectionSyncRow>,
    /// Every campaign of the brand (when asked for siblings).
    pub campaigns: Vec<CampaignSyncRow>,
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
    /// An asset by id; its brand and project are read too when `brand` and `project` are
    /// not given.
    pub asset: Option<AssetId>,
    /// A project by id (only when named: deciding on an asset doesn't need its project).
    pub project: Option<ProjectId>,
    /// Another asset by id (a stack's cover).
    pub other: Option<AssetId>,
    /// The project an asset moves to.
    pub to_project: Option<ProjectId>,
    /// The brand an asset moves to.
    pub to_brand: Option<BrandId>,
    /// A collection by id (its brand is read too when `brand` and `asset` are not given).
    pub collection: Option<CollectionId>,
    /// A campaign by id (likewise).
    pub campaign: Option<CampaignId>,
    /// Every collection and campaign of the brand too.
    pub siblings: bool,
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
    /// A shared project, as it is to be.
    PutProject(ProjectSyncRow),
    /// A project no longer shared: its row and every asset row in it leave their scopes.
    Unshare {
        /// Which.
        project: ProjectId,
    },
    /// An asset, as it is to be, in its scope (a row that changes scope leaves a
    /// [`atelier_protocol::GoneRow`] in the old one).
    PutAsset {
        /// The row (boxed: the largest write by far).
        row: Box<AssetSyncRow>,
        /// `brand:<id>`, or its creator's `user:<id>` on their Personal brand.
        scope: String,
    },
    /// An asset the studio forgets.
    DeleteAsset {
        /// Which.
        id: AssetId,
    },
    /// A collection, as it is to be, in its brand's scope.
    PutCollection {
        /// The row.
        row: CollectionSyncRow,
        /// `brand:<id>`.
        scope: String,
    },
    /// A campaign, as it is to be, in its brand's scope.
    PutCampaign {
        /// The row.
        row: CampaignSyncRow,
        /// `brand:<id>`.
        scope: String,
    },
    /// Collections (a subtree) or a campaign the studio forgets: their rows leave, and the
    /// asset rows of `scope` that name them are republished without them.
    DeleteGroups {
        /// `collection` or `campaign`.
        kind: &'static str,
        /// Which.
        ids: Vec<uuid::Uuid>,
        /// The brand's scope.
        scope: String,
    },
}

impl SyncWrite {
    /// The brand whose row the write changes (republished after).
    fn brand(&self) -> Option<BrandId> {
        match self {
            SyncWrite::CreateBrand { id, .. }
            | SyncWrite::RenameBrand { id, .. }
            | SyncWrite::SetKit { id, .. } => Some(*id),
            SyncWrite::SetMember { brand, .. } => Some(*brand),
            SyncWrite::PutProject(_)
            | SyncWrite::Unshare { .. }
            | SyncWrite::PutAsset { .. }
            | SyncWrite::DeleteAsset { .. }
            | SyncWrite::PutCollection { .. }
            | SyncWrite::PutCampaign { .. }
            | SyncWrite::DeleteGroups { .. } => None,
        }
    }
}

/// What one writing transaction knows already, so that a burst of intents costs about one
/// statement each: the brands (and their collections and campaigns) it read, dropped when one
/// is written; the sync rows it read or wrote (written through, so the database agrees); and,
/// in a push, the seq counter, taken once under the writer's lock and written back once.
#[derive(Debug, Default)]
pub(super) struct PushCache {
    brands: std::collections::HashMap<BrandId, Option<Arc<BrandSyncRow>>>,
    groups: std::collections::HashMap<BrandId, (Vec<CollectionSyncRow>, Vec<CampaignSyncRow>)>,
    /// (kind, key) → the row's scope and data, or `None` for no row.
    rows: std::collections::HashMap<(&'static str, String), Option<(String, SyncData)>>,
    /// The last seq handed out, when this transaction counts them itself (a push: `take_seqs`).
    seq: Option<i64>,
    /// The counter's value when this transaction took it.
    seq_taken: i64,
    /// In a push, rows are written many per statement: those put and not written yet (every
    /// one is in `rows` too, so reads by key never need them written first).
    write_behind: bool,
    pending: Vec<PendingRow>,
}

/// A row [`PushCache`] holds back, as its upsert binds it.
#[derive(Debug)]
struct PendingRow {
    kind: &'static str,
    key: String,
    scope: String,
    seq: i64,
    body: String,
    project: Option<Vec<u8>>,
    hash: Option<String>,
    creator: Option<Vec<u8>>,
}

/// An answer kept, as its row binds it.
#[derive(Debug)]
struct Answer {
    replica: [u8; 16],
    account: [u8; 16],
    intent: i64,
    result: String,
    at: i64,
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

/// The many-row writes of a push, per backend: SQLite takes rows as one statement of many
/// anonymous placeholders; PostgreSQL takes each column as an array (one statement text
/// whatever the count: prepared once, no plan of a thousand parameters each time).
mod sqlite_bulk {
    use super::super::StoreResult;
    use super::{Answer, PendingRow};

    /// `rows` rows of `per_row` anonymous placeholders.
    fn placeholders(rows: usize, per_row: usize) -> String {
        let row = format!("({})", vec!["?"; per_row].join(", "));
        vec![row.as_str(); rows].join(",")
    }

    /// Upserts rows held back (each (kind, key) at most once).
    pub(super) async fn write_rows(c: &mut sqlx::SqliteConnection, rows: &[PendingRow]) -> StoreResult<()> {
        for chunk in rows.chunks(100) {
            let mut sql = String::from(
                "INSERT INTO sync_row (kind, key, scope, seq, body, project, hash, creator) VALUES ",
            );
            sql.push_str(&placeholders(chunk.len(), 8));
            sql.push_str(ROW_UPSERT);
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for r in chunk {
                q = q
                    .bind(r.kind)
                    .bind(&r.key)
                    .bind(&r.scope)
                    .bind(r.seq)
                    .bind(&r.body)
                    .bind(&r.project)
                    .bind(&r.hash)
                    .bind(&r.creator);
            }
            q.execute(&mut *c).await?;
        }
        Ok(())
    }

    /// Keeps the answers.
    pub(super) async fn keep_answers(c: &mut sqlx::SqliteConnection, answers: &[Answer]) -> StoreResult<()> {
        for chunk in answers.chunks(200) {
            let mut sql = String::from(
                "INSERT INTO applied_intent (replica, intent_id, account_id, result, at) VALUES ",
            );
            sql.push_str(&placeholders(chunk.len(), 5));
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for a in chunk {
                q = q
                    .bind(a.replica.to_vec())
                    .bind(a.intent)
                    .bind(a.account.to_vec())
                    .bind(&a.result)
                    .bind(a.at);
            }
            q.execute(&mut *c).await?;
        }
        Ok(())
    }

    const ROW_UPSERT: &str =
        " ON CONFLICT (kind, key) DO UPDATE SET scope = excluded.scope, seq = excluded.seq,
        body = excluded.body, project = excluded.project, hash = excluded.hash, creator = excluded.creator";
}

mod postgres_bulk {
    use super::super::StoreResult;
    use super::{Answer, PendingRow};

    /// Upserts rows held back (each (kind, key) at most once).
    pub(super) async fn write_rows(c: &mut sqlx::PgConnection, rows: &[PendingRow]) -> StoreResult<()> {
        let mut cols = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        for r in rows {
            cols.0.push(r.kind);
            cols.1.push(r.key.as_str());
            cols.2.push(r.scope.as_str());
            cols.3.push(r.seq);
            cols.4.push(r.body.as_str());
            cols.5.push(r.project.as_deref());
            cols.6.push(r.hash.as_deref());
            cols.7.push(r.creator.as_deref());
        }
        sqlx::query(
            "INSERT INTO sync_row (kind, key, scope, seq, body, project, hash, creator)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int8[], $5::text[], $6::bytea[], $7::text[], $8::bytea[])
             ON CONFLICT (kind, key) DO UPDATE SET scope = excluded.scope, seq = excluded.seq,
                 body = excluded.body, project = excluded.project, hash = excluded.hash, creator = excluded.creator",
        )
        .bind(cols.0)
        .bind(cols.1)
        .bind(cols.2)
        .bind(cols.3)
        .bind(cols.4)
        .bind(cols.5)
        .bind(cols.6)
        .bind(cols.7)
        .execute(&mut *c)
        .await?;
        Ok(())
    }

    /// Keeps the answers.
    pub(super) async fn keep_answers(c: &mut sqlx::PgConnection, answers: &[Answer]) -> StoreResult<()> {
        if answers.is_empty() {
            return Ok(());
        }
        let mut cols = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for a in answers {
            cols.0.push(&a.replica[..]);
            cols.1.push(a.intent);
            cols.2.push(&a.account[..]);
            cols.3.push(a.result.as_str());
            cols.4.push(a.at);
        }
        sqlx::query(
            "INSERT INTO applied_intent (replica, intent_id, account_id, result, at)
             SELECT * FROM UNNEST($1::bytea[], $2::int8[], $3::bytea[], $4::text[], $5::int8[])",
        )
        .bind(cols.0)
        .bind(cols.1)
        .bind(cols.2)
        .bind(cols.3)
        .bind(cols.4)
        .execute(&mut *c)
        .await?;
        Ok(())
    }
}

/// Instantiates the sync SQL for one backend's connection and pool types.
macro_rules! sync_sql {
    ($name:ident, $bulk:ident, $conn:ty, $pool:ty, $begin:expr, $lock:expr, $notify:expr, $numbered:expr) => {
        pub(super) mod $name {
            use std::sync::Arc;

            use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId, UserId};
            use atelier_domain::{AssetId, Id as _, StudioRole};
            use atelier_protocol::{
                AssetSyncRow, BrandMemberEntry, BrandSyncRow, CampaignSyncRow, CollectionSyncRow, GoneRow, Kit, MemberRow,
                ProjectSyncRow, PushOutcome, StudioLimits, SyncData, SyncRow,
            };

            use super::super::pushes::PushJob;
            use super::super::rows::{AccountRow, account, user_id};
            use super::super::StoreResult;
            use super::{
                Answer, Applied, FactsQuery, PendingRow, PushCache, STUDIO_SCOPE, SyncFacts, SyncWrite, brand_id, brand_role,
                brand_scope, epoch_text, json, now_ms, parse, user_scope,
            };

            /// `n` placeholders for a statement of many rows, `per_row` to a row: PostgreSQL's
            /// are numbered; SQLite's are anonymous, bound in order (naming a thousand of them
            /// costs SQLite a walk of its parameter list per name: quadratic).
            fn placeholders(rows: usize, per_row: usize) -> String {
                let mut sql = String::new();
                for r in 0..rows {
                    if r > 0 {
                        sql.push(',');
                    }
                    if per_row > 1 {
                        sql.push('(');
                    }
                    for i in 0..per_row {
                        if i > 0 {
                            sql.push_str(", ");
                        }
                        if $numbered {
                            sql.push_str(&format!("${}", r * per_row + i + 1));
                        } else {
                            sql.push('?');
                        }
                    }
                    if per_row > 1 {
                        sql.push(')');
                    }
                }
                sql
            }

            /// A writing transaction holding the writer's lock until it ends (SQLite's write
            /// lock; on PostgreSQL the counter row), so that decisions read every earlier one.
            async fn begin(pool: &$pool) -> StoreResult<sqlx::Transaction<'static, <$conn as sqlx::Connection>::Database>> {
                Ok(begin_counted(pool).await?.0)
            }

            /// [`begin`], with the counter as the lock found it when taking the lock reads it
            /// (PostgreSQL's; `None` for SQLite's, taken by `BEGIN`).
            async fn begin_counted(
                pool: &$pool,
            ) -> StoreResult<(sqlx::Transaction<'static, <$conn as sqlx::Connection>::Database>, Option<i64>)> {
                let mut tx = pool.begin_with($begin).await?;
                let lock: &str = $lock;
                let mut seq = None;
                if !lock.is_empty() {
                    let (found,): (i64,) = sqlx::query_as(lock).fetch_one(&mut *tx).await?;
                    seq = Some(found);
                }
                Ok((tx, seq))
            }

            /// Hands out the next seq: from the transaction's own count in a push, else from
            /// the counter row (which stays locked until the transaction ends).
            async fn next_seq(c: &mut $conn, cache: &mut PushCache) -> StoreResult<i64> {
                if let Some(seq) = cache.seq.as_mut() {
                    *seq += 1;
                    return Ok(*seq);
                }
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

            /// From here on this transaction hands out seqs itself, from the counter as it is
            /// now: the writer's lock, held since `begin`, keeps every other writer waiting.
            async fn take_seqs(c: &mut $conn, cache: &mut PushCache, locked: Option<i64>) -> StoreResult<()> {
                let seq = match locked {
                    Some(seq) => seq,
                    None => sqlx::query_as::<_, (i64,)>("SELECT seq FROM sync_meta WHERE id = 1").fetch_one(&mut *c).await?.0,
                };
                cache.seq = Some(seq);
                cache.seq_taken = seq;
                Ok(())
            }

            /// Writes back what [`take_seqs`] counted (once, with one notify), before the commit.
            async fn settle_seqs(c: &mut $conn, cache: &mut PushCache) -> StoreResult<()> {
                let Some(seq) = cache.seq.take() else {
                    return Ok(());
                };
                if seq == cache.seq_taken {
                    return Ok(());
                }
                sqlx::query("UPDATE sync_meta SET seq = $1 WHERE id = 1").bind(seq).execute(&mut *c).await?;
                let notify: &str = $notify;
                if !notify.is_empty() {
                    sqlx::query(notify).bind(seq.to_string()).execute(&mut *c).await?;
                }
                Ok(())
            }

            /// The last seq handed out, counting this transaction's.
            async fn current_seq(c: &mut $conn, cache: &PushCache) -> StoreResult<i64> {
                if let Some(seq) = cache.seq {
                    return Ok(seq);
                }
                let (seq,): (i64,) = sqlx::query_as("SELECT seq FROM sync_meta WHERE id = 1").fetch_one(&mut *c).await?;
                Ok(seq)
            }

            /// Stores `data` as the current row of its (kind, key) in `scope`, with a new seq.
            pub(in crate::store) async fn put_row(
                c: &mut $conn,
                cache: &mut PushCache,
                data: SyncData,
                scope: &str,
            ) -> StoreResult<i64> {
                put_row_in(c, cache, data, scope, None).await
            }

            /// [`put_row`], noting the shared project an asset row belongs to. A row that was
            /// in another scope leaves a Gone row there, so that readers of that scope drop it.
            async fn put_row_in(
                c: &mut $conn,
                cache: &mut PushCache,
                data: SyncData,
                scope: &str,
                project: Option<ProjectId>,
            ) -> StoreResult<i64> {
                let (kind, key) = data.key();
                let before: Option<String> = match cache.rows.get(&(kind, key.clone())) {
                    Some(known) => known.as_ref().map(|(scope, _)| scope.clone()),
                    None => sqlx::query_as("SELECT scope FROM sync_row WHERE kind = $1 AND key = $2")
                        .bind(kind)
                        .bind(&key)
                        .fetch_optional(&mut *c)
                        .await?
                        .map(|(scope,): (String,)| scope),
                };
                let new = before.is_none();
                if let Some(old) = before.filter(|old| old != scope) {
                    gone(c, cache, kind, &key, &old).await?;
                }
                // A new asset whose content already has a grid thumbnail here says so (another
                // member sent the same file before). A row already here says so already: a
                // thumbnail's arrival republishes every row of its content.
                let mut data = data;
                if let SyncData::Asset(a) = &mut data
                    && !a.thumb
                    && new
                {
                    let known: Option<(String,)> =
                        sqlx::query_as("SELECT kind FROM rendition WHERE hash = $1 AND kind = 'thumb'")
                            .bind(&a.hash)
                            .fetch_optional(&mut *c)
                            .await?;
                    a.thumb = known.is_some();
                }
                let seq = next_seq(c, cache).await?;
                // An asset's file and creator, for deciding who may read the file.
                let (hash, creator) = match &data {
                    SyncData::Asset(a) => (Some(a.hash.clone()), Some(a.creator.to_bytes().to_vec())),
                    _ => (None, None),
                };
                if cache.write_behind {
                    cache.pending.push(PendingRow {
                        kind,
                        key: key.clone(),
                        scope: scope.to_string(),
                        seq,
                        body: json(&data)?,
                        project: project.map(|p| p.to_bytes().to_vec()),
                        hash,
                        creator,
                    });
                    cache.rows.insert((kind, key), Some((scope.to_string(), data)));
                    return Ok(seq);
                }
                sqlx::query(
                    "INSERT INTO sync_row (kind, key, scope, seq, body, project, hash, creator)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (kind, key) DO UPDATE SET scope = excluded.scope, seq = excluded.seq,
                         body = excluded.body, project = excluded.project, hash = excluded.hash,
                         creator = excluded.creator",
                )
                .bind(kind)
                .bind(&key)
                .bind(scope)
                .bind(seq)
                .bind(json(&data)?)
                .bind(project.map(|p| p.to_bytes().to_vec()))
                .bind(hash)
                .bind(creator)
                .execute(&mut *c)
                .await?;
                cache.rows.insert((kind, key), Some((scope.to_string(), data)));
                Ok(seq)
            }

            /// Writes the rows [`PushCache`] held back, many per statement; a row put twice is
            /// written as it was put last (one statement can't upsert a key twice).
            async fn flush(c: &mut $conn, cache: &mut PushCache) -> StoreResult<()> {
                if cache.pending.is_empty() {
                    return Ok(());
                }
                let mut seen = std::collections::HashSet::new();
                let mut rows: Vec<PendingRow> = std::mem::take(&mut cache.pending)
                    .into_iter()
                    .rev()
                    .filter(|r| seen.insert((r.kind, r.key.clone())))
                    .collect();
                rows.reverse();
                super::$bulk::write_rows(c, &rows).await
            }

            /// Marks (kind, key) as gone from `scope`, with a new seq.
            async fn gone(c: &mut $conn, cache: &mut PushCache, kind: &str, key: &str, scope: &str) -> StoreResult<i64> {
                let mark = SyncData::Gone(GoneRow { kind: kind.to_string(), key: key.to_string(), scope: scope.to_string() });
                let seq = next_seq(c, cache).await?;
                let (gone_kind, gone_key) = mark.key();
                // Upserted below without its scope: read afresh if this transaction asks.
                cache.rows.remove(&(gone_kind, gone_key.clone()));
                sqlx::query(
                    "INSERT INTO sync_row (kind, key, scope, seq, body) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (kind, key) DO UPDATE SET seq = excluded.seq, body = excluded.body",
                )
                .bind(gone_kind)
                .bind(gone_key)
                .bind(scope)
                .bind(seq)
                .bind(json(&mark)?)
                .execute(&mut *c)
                .await?;
                Ok(seq)
            }

            /// Deletes the row (kind, key), leaving a Gone row in its scope; `None` if there was none.
            async fn remove_row(c: &mut $conn, cache: &mut PushCache, kind: &'static str, key: &str) -> StoreResult<Option<i64>> {
                // A row put earlier in this push must be there to be deleted.
                flush(c, cache).await?;
                let removed: Option<(String,)> =
                    sqlx::query_as("DELETE FROM sync_row WHERE kind = $1 AND key = $2 RETURNING scope")
                        .bind(kind)
                        .bind(key)
                        .fetch_optional(&mut *c)
                        .await?;
                cache.rows.insert((kind, key.to_string()), None);
                match removed {
                    Some((scope,)) => Ok(Some(gone(c, cache, kind, key, &scope).await?)),
                    None => Ok(None),
                }
            }

            /// The current row of (kind, key), if any (from `cache` when this transaction read
            /// or wrote it already).
            async fn row(c: &mut $conn, cache: &mut PushCache, kind: &'static str, key: &str) -> StoreResult<Option<SyncData>> {
                if let Some(known) = cache.rows.get(&(kind, key.to_string())) {
                    return Ok(known.as_ref().map(|(_, data)| data.clone()));
                }
                let found: Option<(String, String)> =
                    sqlx::query_as("SELECT scope, body FROM sync_row WHERE kind = $1 AND key = $2")
                        .bind(kind)
                        .bind(key)
                        .fetch_optional(&mut *c)
                        .await?;
                let found = found.map(|(scope, body)| Ok::<_, super::StoreError>((scope, parse::<SyncData>(&body)?))).transpose()?;
                let data = found.as_ref().map(|(_, data)| data.clone());
                cache.rows.insert((kind, key.to_string()), found);
                Ok(data)
            }

            /// Reads the asset rows of `ids` into `cache`, many per statement (a push's intents
            /// then decide without a read each).
            async fn read_assets(c: &mut $conn, cache: &mut PushCache, ids: &[AssetId]) -> StoreResult<()> {
                let mut keys: Vec<String> = ids
                    .iter()
                    .map(|id| id.to_string())
                    .filter(|key| !cache.rows.contains_key(&("asset", key.clone())))
                    .collect();
                keys.sort();
                keys.dedup();
                for chunk in keys.chunks(200) {
                    let mut sql = String::from("SELECT key, scope, body FROM sync_row WHERE kind = 'asset' AND key IN (");
                    sql.push_str(&placeholders(chunk.len(), 1));
                    sql.push(')');
                    let mut q = sqlx::query_as::<_, (String, String, String)>(sqlx::AssertSqlSafe(sql));
                    for key in chunk {
                        q = q.bind(key);
                    }
                    let found = q.fetch_all(&mut *c).await?;
                    for key in chunk {
                        cache.rows.insert(("asset", key.clone()), None);
                    }
                    for (key, scope, body) in found {
                        cache.rows.insert(("asset", key), Some((scope, parse(&body)?)));
                    }
                }
                Ok(())
            }

            async fn asset_row(c: &mut $conn, cache: &mut PushCache, id: AssetId) -> StoreResult<Option<AssetSyncRow>> {
                Ok(match row(c, cache, "asset", &id.to_string()).await? {
                    Some(SyncData::Asset(a)) => Some(a),
                    _ => None,
                })
            }

            async fn collection_row(c: &mut $conn, cache: &mut PushCache, id: CollectionId) -> StoreResult<Option<CollectionSyncRow>> {
                Ok(match row(c, cache, "collection", &id.to_string()).await? {
                    Some(SyncData::Collection(r)) => Some(r),
                    _ => None,
                })
            }

            async fn campaign_row(c: &mut $conn, cache: &mut PushCache, id: CampaignId) -> StoreResult<Option<CampaignSyncRow>> {
                Ok(match row(c, cache, "campaign", &id.to_string()).await? {
                    Some(SyncData::Campaign(r)) => Some(r),
                    _ => None,
                })
            }

            /// The current rows of one kind in a scope.
            async fn rows_of(c: &mut $conn, kind: &str, scope: &str) -> StoreResult<Vec<SyncData>> {
                let bodies: Vec<(String,)> = sqlx::query_as("SELECT body FROM sync_row WHERE kind = $1 AND scope = $2 ORDER BY key")
                    .bind(kind)
                    .bind(scope)
                    .fetch_all(&mut *c)
                    .await?;
                bodies.into_iter().map(|(b,)| parse(&b)).collect()
            }

            async fn project_row(c: &mut $conn, cache: &mut PushCache, id: ProjectId) -> StoreResult<Option<ProjectSyncRow>> {
                Ok(match row(c, cache, "project", &id.to_string()).await? {
                    Some(SyncData::Project(p)) => Some(p),
                    _ => None,
                })
            }

            /// The scopes `who` may read: the studio's, their own, and their team brands' (every
            /// team brand's for `all`, the studio's Owners and Admins).
            pub(in crate::store) async fn scopes(pool: &$pool, who: UserId, all: bool) -> StoreResult<Vec<String>> {
                let brands: Vec<(Vec<u8>,)> = if all {
                    sqlx::query_as("SELECT id FROM brand WHERE personal_of IS NULL ORDER BY id")
                        .fetch_all(pool)
                        .await?
                } else {
                    sqlx::query_as(
                        "SELECT m.brand FROM brand_member m JOIN brand b ON b.id = m.brand
                         WHERE m.account_id = $1 AND b.personal_of IS NULL ORDER BY m.brand",
                    )
                    .bind(who.to_bytes().to_vec())
                    .fetch_all(pool)
                    .await?
                };
                let mut scopes = vec![STUDIO_SCOPE.to_string(), user_scope(who)];
                for (b,) in brands {
                    scopes.push(brand_scope(brand_id(&b)?));
                }
                Ok(scopes)
            }

            /// The current row of (kind, key), outside any writing transaction.
            pub(in crate::store) async fn stored_row(pool: &$pool, kind: &str, key: &str) -> StoreResult<Option<SyncData>> {
                let found: Option<(String,)> = sqlx::query_as("SELECT body FROM sync_row WHERE kind = $1 AND key = $2")
                    .bind(kind)
                    .bind(key)
                    .fetch_optional(pool)
                    .await?;
                found.map(|(body,)| parse(&body)).transpose()
            }

            /// The asset rows of `scope` whose text names `needle` (an id): candidates a caller
            /// then checks on the parsed rows.
            pub(in crate::store) async fn assets_naming(pool: &$pool, scope: &str, needle: &str) -> StoreResult<Vec<AssetSyncRow>> {
                let bodies: Vec<(String,)> =
                    sqlx::query_as("SELECT body FROM sync_row WHERE kind = 'asset' AND scope = $1 AND body LIKE $2 ORDER BY key")
                        .bind(scope)
                        .bind(format!("%{needle}%"))
                        .fetch_all(pool)
                        .await?;
                let mut out = Vec::with_capacity(bodies.len());
                for (body,) in bodies {
                    if let SyncData::Asset(a) = parse(&body)? {
                        out.push(a);
                    }
                }
                Ok(out)
            }

            /// [`brand`], outside any writing transaction.
            pub(in crate::store) async fn brand_now(pool: &$pool, id: BrandId) -> StoreResult<Option<BrandSyncRow>> {
                let mut c = pool.acquire().await?;
                brand(&mut c, id).await
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
            async fn publish_brand(c: &mut $conn, cache: &mut PushCache, id: BrandId) -> StoreResult<i64> {
                let Some(row) = brand(c, id).await? else {
                    return Err(super::StoreError::Damaged(format!("brand {id} vanished while being written")));
                };
                let scope = match row.personal_of {
                    Some(u) => user_scope(u),
                    None => STUDIO_SCOPE.to_string(),
                };
                put_row(c, cache, SyncData::Brand(row), &scope).await
            }

            /// Republishes a person as every member sees them, giving them their Personal brand
            /// the first time; a removed person leaves every brand (each republished).
            pub(in crate::store) async fn publish_member(c: &mut $conn, who: UserId, now: i64) -> StoreResult<()> {
                let cache = &mut PushCache::default();
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
                    publish_brand(c, cache, BrandId::from_uuid(who.uuid())).await?;
                }
                let removed = removed_at.is_some();
                if removed {
                    let brands: Vec<(Vec<u8>,)> =
                        sqlx::query_as("DELETE FROM brand_member WHERE account_id = $1 RETURNING brand")
                            .bind(&id)
                            .fetch_all(&mut *c)
                            .await?;
                    for (b,) in brands {
                        publish_brand(c, cache, brand_id(&b)?).await?;
                    }
                }
                let member = MemberRow { id: who, email, display_name, role, removed };
                put_row(c, cache, SyncData::Member(member), STUDIO_SCOPE).await?;
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

            /// A brand as [`brand`] reads it, from `cache` when this push read it already (a
            /// burst of intents on one brand's assets reads it once).
            async fn brand_cached(c: &mut $conn, cache: &mut PushCache, id: BrandId) -> StoreResult<Option<Arc<BrandSyncRow>>> {
                if let Some(found) = cache.brands.get(&id) {
                    return Ok(found.clone());
                }
                let found = brand(c, id).await?.map(Arc::new);
                cache.brands.insert(id, found.clone());
                Ok(found)
            }

            /// The facts a decision needs (brands through this push's `cache`).
            async fn facts(
                c: &mut $conn,
                q: &FactsQuery,
                cache: &mut PushCache,
            ) -> StoreResult<SyncFacts> {
                let brand = match q.brand {
                    Some(b) => brand_cached(c, cache, b).await?,
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
                let asset = match q.asset {
                    Some(a) => asset_row(c, cache, a).await?,
                    None => None,
                };
                let other = match q.other {
                    Some(a) => asset_row(c, cache, a).await?,
                    None => None,
                };
                let collection = match q.collection {
                    Some(id) => collection_row(c, cache, id).await?,
                    None => None,
                };
                let campaign = match q.campaign {
                    Some(id) => campaign_row(c, cache, id).await?,
                    None => None,
                };
                // The brand: the one named, else the asset's, else the group's.
                let of_brand = q
                    .brand
                    .or(asset.as_ref().map(|a| a.brand))
                    .or(collection.as_ref().map(|g| g.brand))
                    .or(campaign.as_ref().map(|g| g.brand));
                let brand = match (brand, of_brand) {
                    (None, Some(b)) => brand_cached(c, cache, b).await?,
                    (b, _) => b,
                };
                let (mut collections, mut campaigns) = (Vec::new(), Vec::new());
                if let (true, Some(b)) = (q.siblings, of_brand) {
                    if let Some((cs, ks)) = cache.groups.get(&b) {
                        collections = cs.clone();
                        campaigns = ks.clone();
                    } else {
                        let scope = brand_scope(b);
                        flush(c, cache).await?;
                        for data in rows_of(c, "collection", &scope).await? {
                            if let SyncData::Collection(r) = data {
                                collections.push(r);
                            }
                        }
                        for data in rows_of(c, "campaign", &scope).await? {
                            if let SyncData::Campaign(r) = data {
                                campaigns.push(r);
                            }
                        }
                        cache.groups.insert(b, (collections.clone(), campaigns.clone()));
                    }
                }
                let project = match q.project {
                    Some(p) => project_row(c, cache, p).await?,
                    None => None,
                };
                let to_project = match q.to_project {
                    Some(p) => project_row(c, cache, p).await?,
                    None => None,
                };
                let to_brand = match q.to_brand {
                    Some(b) => brand_cached(c, cache, b).await?,
                    None => None,
                };
                Ok(SyncFacts {
                    brand,
                    name_holder,
                    user,
                    asset,
                    project,
                    other,
                    to_project,
                    to_brand,
                    collection,
                    campaign,
                    collections,
                    campaigns,
                })
            }

            /// Runs one decided write; the seq of the rows it published itself (brand writes
            /// are published after, once per brand).
            async fn write(c: &mut $conn, cache: &mut PushCache, w: SyncWrite, now: i64) -> StoreResult<Option<i64>> {
                match w {
                    SyncWrite::PutProject(p) => {
                        return Ok(Some(put_row(c, cache, SyncData::Project(p), STUDIO_SCOPE).await?));
                    }
                    SyncWrite::Unshare { project } => {
                        flush(c, cache).await?;
                        let keys: Vec<(String,)> =
                            sqlx::query_as("SELECT key FROM sync_row WHERE kind = 'asset' AND project = $1 ORDER BY key")
                                .bind(project.to_bytes().to_vec())
                                .fetch_all(&mut *c)
                                .await?;
                        let mut seq = None;
                        for (key,) in keys {
                            seq = remove_row(c, cache, "asset", &key).await?.or(seq);
                        }
                        return Ok(remove_row(c, cache, "project", &project.to_string()).await?.or(seq));
                    }
                    SyncWrite::PutAsset { row, scope } => {
                        let project = row.project;
                        return Ok(Some(put_row_in(c, cache, SyncData::Asset(*row), &scope, Some(project)).await?));
                    }
                    SyncWrite::DeleteAsset { id } => return remove_row(c, cache, "asset", &id.to_string()).await,
                    SyncWrite::PutCollection { row, scope } => {
                        return Ok(Some(put_row(c, cache, SyncData::Collection(row), &scope).await?));
                    }
                    SyncWrite::PutCampaign { row, scope } => {
                        return Ok(Some(put_row(c, cache, SyncData::Campaign(row), &scope).await?));
                    }
                    SyncWrite::DeleteGroups { kind, ids, scope } => {
                        let mut seq = None;
                        for id in &ids {
                            seq = remove_row(c, cache, kind, &id.to_string()).await?.or(seq);
                        }
                        // The assets that name them, found by their id in the row's text (a
                        // rare write: a scan of one brand's asset rows).
                        flush(c, cache).await?;
                        let mut keys: Vec<String> = Vec::new();
                        for id in &ids {
                            let found: Vec<(String,)> = sqlx::query_as(
                                "SELECT key FROM sync_row WHERE kind = 'asset' AND scope = $1 AND body LIKE $2",
                            )
                            .bind(&scope)
                            .bind(format!("%{id}%"))
                            .fetch_all(&mut *c)
                            .await?;
                            keys.extend(found.into_iter().map(|(k,)| k));
                        }
                        keys.sort();
                        keys.dedup();
                        for key in keys {
                            if let Some(SyncData::Asset(mut a)) = row(c, cache, "asset", &key).await? {
                                let before = (a.collections.len(), a.campaigns.len());
                                a.collections.retain(|g| !ids.contains(&g.uuid()));
                                a.campaigns.retain(|g| !ids.contains(&g.uuid()));
                                if before != (a.collections.len(), a.campaigns.len()) {
                                    let project = a.project;
                                    let s = put_row_in(c, cache, SyncData::Asset(a), &scope, Some(project)).await?;
                                    seq = Some(seq.unwrap_or(0).max(s));
                                }
                            }
                        }
                        return Ok(seq);
                    }
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
                        set_member(c, id, creator.0, Some(creator.1)).await?;
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
                            .bind(json(&kit)?)
                            .bind(id.to_bytes().to_vec())
                            .execute(&mut *c)
                            .await?;
                    }
                    SyncWrite::SetMember { brand, user, role } => set_member(c, brand, user, role).await?,
                }
                Ok(None)
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

            /// The answers earlier pushes got for the intents of `jobs`, by (library, intent) —
            /// one statement for a group (each push's ids are a range of its library's).
            async fn earlier(
                c: &mut $conn,
                jobs: &[&PushJob],
            ) -> StoreResult<std::collections::HashMap<(uuid::Uuid, i64), PushOutcome>> {
                let mut sql = String::from("SELECT replica, intent_id, result FROM applied_intent WHERE ");
                let mut n = 0;
                for (i, _) in jobs.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(" OR ");
                    }
                    if $numbered {
                        sql.push_str(&format!("(replica = ${} AND intent_id >= ${} AND intent_id <= ${})", n + 1, n + 2, n + 3));
                    } else {
                        sql.push_str("(replica = ? AND intent_id >= ? AND intent_id <= ?)");
                    }
                    n += 3;
                }
                let mut q = sqlx::query_as::<_, (Vec<u8>, i64, String)>(sqlx::AssertSqlSafe(sql));
                for job in jobs {
                    let first = job.items.iter().map(|(i, _)| *i).min().unwrap_or(0);
                    let last = job.items.iter().map(|(i, _)| *i).max().unwrap_or(0);
                    q = q.bind(job.replica.as_bytes().to_vec()).bind(first).bind(last);
                }
                let rows = q.fetch_all(&mut *c).await?;
                rows.into_iter()
                    .map(|(replica, id, r)| {
                        let replica = uuid::Uuid::from_slice(&replica)
                            .map_err(|_| super::StoreError::Damaged("an answer's library id isn't 16 bytes".into()))?;
                        Ok(((replica, id), parse(&r)?))
                    })
                    .collect()
            }

            /// Decides and applies a group of pushes (`super::super::pushes`) in one writing
            /// transaction (which holds the writer's lock): each intent at most once per
            /// (replica, intent) — an intent answered before, or earlier in the group (a push
            /// sent again while the first was waiting), gets that answer again — decided on
            /// facts read here that include every earlier intent's writes (as if each had its
            /// own transaction, in order), the touched brands republished, the answers kept;
            /// the group commits once — a store failure anywhere rolls all of it back.
            pub(in crate::store) async fn apply_group(
                pool: &$pool,
                jobs: &[&PushJob],
            ) -> StoreResult<Vec<Vec<Applied>>> {
                let asked = std::time::Instant::now();
                let (mut tx, locked) = begin_counted(pool).await?;
                let began = std::time::Instant::now();
                let mut cache = PushCache::default();
                // Answered before, and (below) decided earlier in this group, by (library, intent).
                let mut known = earlier(&mut tx, jobs).await?;
                take_seqs(&mut tx, &mut cache, locked).await?;
                cache.write_behind = true;
                let assets: Vec<AssetId> = jobs
                    .iter()
                    .flat_map(|job| {
                        job.items
                            .iter()
                            .filter(|(intent, _)| !known.contains_key(&(job.replica, *intent)))
                            .flat_map(|(_, q)| [q.asset, q.other])
                    })
                    .flatten()
                    .collect();
                read_assets(&mut tx, &mut cache, &assets).await?;
                let read = std::time::Instant::now();
                let mut out = Vec::with_capacity(jobs.len());
                let mut answers: Vec<Answer> = Vec::new();
                for job in jobs {
                    let mut applied = Vec::with_capacity(job.items.len());
                    for (i, (intent, query)) in job.items.iter().enumerate() {
                        applied.push(match known.get(&(job.replica, *intent)) {
                            Some(b) => Applied::Before(b.clone()),
                            None => {
                                let (outcome, at) = apply(&mut tx, query, &mut cache, |f| (job.decide)(i, f)).await?;
                                answers.push(Answer {
                                    replica: *job.replica.as_bytes(),
                                    account: job.account.to_bytes(),
                                    intent: *intent,
                                    result: json(&outcome)?,
                                    at,
                                });
                                known.insert((job.replica, *intent), outcome.clone());
                                Applied::Now(outcome)
                            }
                        });
                    }
                    out.push(applied);
                }
                let decided = std::time::Instant::now();
                flush(&mut tx, &mut cache).await?;
                settle_seqs(&mut tx, &mut cache).await?;
                super::$bulk::keep_answers(&mut tx, &answers).await?;
                let written = std::time::Instant::now();
                tx.commit().await?;
                let ms = |a: std::time::Instant, b: std::time::Instant| (b - a).as_secs_f64() * 1000.0;
                tracing::debug!(
                    target: "atelier_studio::push",
                    pushes = jobs.len(),
                    intents = jobs.iter().map(|j| j.items.len()).sum::<usize>(),
                    waited_ms = ms(asked, began),
                    held_ms = began.elapsed().as_secs_f64() * 1000.0,
                    read_ms = ms(began, read),
                    decide_ms = ms(read, decided),
                    write_ms = ms(decided, written),
                    commit_ms = written.elapsed().as_secs_f64() * 1000.0,
                    "applied"
                );
                Ok(out)
            }

            /// Decides and writes one intent not answered before; its outcome and when.
            async fn apply(
                c: &mut $conn,
                query: &FactsQuery,
                cache: &mut PushCache,
                decide: impl FnOnce(&SyncFacts) -> Result<Vec<SyncWrite>, atelier_domain::InvalidInput>,
            ) -> StoreResult<(PushOutcome, i64)> {
                let facts = facts(c, query, cache).await?;
                let now = now_ms();
                let outcome = match decide(&facts) {
                    Err(e) => PushOutcome::Refused { code: e.code, message: e.message },
                    Ok(writes) => {
                        let mut touched: Vec<BrandId> = Vec::new();
                        let mut seq = 0;
                        for w in writes {
                            if matches!(
                                w,
                                SyncWrite::PutCollection { .. } | SyncWrite::PutCampaign { .. } | SyncWrite::DeleteGroups { .. }
                            ) {
                                cache.groups.clear();
                            }
                            if let Some(b) = w.brand().filter(|b| !touched.contains(b)) {
                                touched.push(b);
                            }
                            if let Some(s) = write(c, cache, w, now).await? {
                                seq = seq.max(s);
                            }
                        }
                        // A brand written is read afresh by the intents after.
                        if !touched.is_empty() {
                            cache.brands.clear();
                        }
                        for b in touched {
                            seq = seq.max(publish_brand(c, cache, b).await?);
                        }
                        if seq == 0 {
                            // Nothing to publish (an unshare of a project never shared): the
                            // intent still counts as applied, at the studio's current seq.
                            seq = current_seq(c, cache).await?;
                        }
                        PushOutcome::Applied { seq }
                    }
                };
                Ok((outcome, now))
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
                let mut rows: Vec<(i64, String, String)> = Vec::new();
                for scope in scopes {
                    let mut part: Vec<(i64, String, String)> = sqlx::query_as(
                        "SELECT seq, scope, body FROM sync_row WHERE scope = $1 AND seq > $2 ORDER BY seq LIMIT $3",
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
                    .map(|(seq, scope, body)| Ok(SyncRow { seq, scope, data: parse(&body)? }))
                    .collect::<StoreResult<Vec<_>>>()?;
                Ok((epoch_text(&epoch), last, rows))
            }

            /// Marks every asset row of content `hash` as having its grid thumbnail on the
            /// studio, republishing those that didn't say so (readers then fetch it); returns
            /// how many were republished.
            pub(in crate::store) async fn thumb_arrived(pool: &$pool, hash: &str) -> StoreResult<usize> {
                let mut tx = begin(pool).await?;
                let c = &mut *tx;
                let rows: Vec<(String, String, Option<Vec<u8>>)> = sqlx::query_as(
                    "SELECT scope, body, project FROM sync_row WHERE kind = 'asset' AND hash = $1",
                )
                .bind(hash)
                .fetch_all(&mut *c)
                .await?;
                let mut changed = 0;
                for (scope, body, project) in rows {
                    let SyncData::Asset(mut a) = parse::<SyncData>(&body)? else {
                        continue;
                    };
                    if a.thumb {
                        continue;
                    }
                    a.thumb = true;
                    let project = project.as_deref().and_then(ProjectId::from_slice);
                    put_row_in(c, &mut PushCache::default(), SyncData::Asset(a), &scope, project).await?;
                    changed += 1;
                }
                tx.commit().await?;
                Ok(changed)
            }

            /// Makes or replaces (`Some`: the link, who, when) or deletes (`None`) a campaign's
            /// public link, and republishes the campaign's row with `public` to match — in one
            /// transaction, so the two never disagree and every member's library hears of it
            /// at once. Whether there was a link before.
            pub(in crate::store) async fn set_link(
                pool: &$pool,
                campaign: CampaignId,
                link: Option<(&super::super::links::StoredLink, &[u8], i64)>,
            ) -> StoreResult<bool> {
                let mut tx = begin(pool).await?;
                let c = &mut *tx;
                let id = campaign.to_bytes();
                let had = super::super::links::$name::link_of_in(c, &id).await?.is_some();
                match link {
                    Some((link, by, at)) => super::super::links::$name::put_link(c, link, by, at).await?,
                    None => {
                        super::super::links::$name::drop_link(c, &id).await?;
                    }
                }
                let mut cache = PushCache::default();
                // Republished even when `public` stays (a regenerated link): the apps showing
                // the campaign ask the studio for its link again.
                if let Some(mut row) = campaign_row(c, &mut cache, campaign).await? {
                    row.public = link.is_some();
                    let scope = brand_scope(row.brand);
                    put_row(c, &mut cache, SyncData::Campaign(row), &scope).await?;
                }
                tx.commit().await?;
                Ok(had)
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
                put_row(c, &mut PushCache::default(), SyncData::Limits(l.clone()), STUDIO_SCOPE).await?;
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
    sqlite_bulk,
    sqlx::SqliteConnection,
    sqlx::SqlitePool,
    "BEGIN IMMEDIATE",
    "",
    "",
    false
);
sync_sql!(
    postgres,
    postgres_bulk,
    sqlx::PgConnection,
    sqlx::PgPool,
    "BEGIN",
    "SELECT seq FROM sync_meta WHERE id = 1 FOR UPDATE",
    "SELECT pg_notify('atelier_sync', $1)",
    true
);

/// The channel every studio process on one PostgreSQL database listens on for pokes.
pub const NOTIFY_CHANNEL: &str = "atelier_sync";
