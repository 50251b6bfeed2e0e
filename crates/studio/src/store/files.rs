//! The files' records (STUDIO.md §5), stored: which originals the blob store holds, who has
//! shown they hold which (grants), upload sessions and their parts, renditions. The same SQL
//! on both backends, instantiated per connection type by [`files_sql!`] as `sync.rs` does.
//!
//! Must not know HTTP, the blob store's API or the rules: it answers the lookups the services
//! decide on (may this person read this file?) and records what they did.

use super::{StoreError, StoreResult};

/// An upload session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpload {
    /// Its id.
    pub id: String,
    /// The content hash being sent.
    pub hash: String,
    /// Its size.
    pub size: u64,
    /// Bytes per part.
    pub part_size: u64,
    /// Parts received, ascending.
    pub received: Vec<u32>,
    /// How its parts are kept.
    pub way: UploadWay,
}

/// How an upload's parts are kept until it completes (see migration 0008).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadWay {
    /// Each part an object of its own, streamed into the blob at completion.
    Parts,
    /// One part, stored as the blob itself once it hashes to the content hash.
    Whole,
    /// Straight into the blob's S3 multipart upload of this id.
    Multipart(String),
}

impl UploadWay {
    fn columns(&self) -> (&'static str, Option<&str>) {
        match self {
            UploadWay::Parts => ("parts", None),
            UploadWay::Whole => ("whole", None),
            UploadWay::Multipart(id) => ("multipart", Some(id)),
        }
    }

    fn from_columns(way: &str, multipart: Option<String>) -> StoreResult<UploadWay> {
        match (way, multipart) {
            ("parts", _) => Ok(UploadWay::Parts),
            ("whole", _) => Ok(UploadWay::Whole),
            ("multipart", Some(id)) => Ok(UploadWay::Multipart(id)),
            (other, _) => Err(StoreError::Damaged(format!(
                "an upload session is kept in an unknown way '{other}'"
            ))),
        }
    }
}

/// An upload session to open.
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    /// Its id (random).
    pub id: &'a str,
    /// The content hash to be sent.
    pub hash: &'a str,
    /// Its size.
    pub size: u64,
    /// Bytes per part.
    pub part_size: u64,
    /// How its parts are kept.
    pub way: &'a UploadWay,
    /// Who opens it.
    pub by: atelier_domain::ids::UserId,
    /// When.
    pub at: i64,
}

/// A part received, as completing an upload needs it: its subtree hash and the store's tag
/// (multipart uploads only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPart {
    /// Its number.
    pub n: u32,
    /// Its subtree of the whole's BLAKE3 tree.
    pub subtree: Option<Vec<u8>>,
    /// What the blob store named it.
    pub tag: Option<String>,
}

macro_rules! files_sql {
    ($name:ident, $pool:ty) => {
        pub(super) mod $name {
            use atelier_domain::Id as _;
            use atelier_domain::ids::UserId;

            use super::super::StoreResult;
            use super::StoredUpload;

            fn clamp(v: i64) -> u64 {
                v.max(0) as u64
            }

            /// Whether the blob is stored.
            pub(in crate::store) async fn blob_stored(pool: &$pool, hash: &str) -> StoreResult<bool> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT size FROM blob WHERE hash = $1")
                    .bind(hash)
                    .fetch_optional(pool)
                    .await?;
                Ok(row.is_some())
            }

            /// Whether `who` has shown they hold the file.
            pub(in crate::store) async fn has_grant(pool: &$pool, hash: &str, who: UserId) -> StoreResult<bool> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT hash FROM blob_grant WHERE hash = $1 AND account_id = $2")
                        .bind(hash)
                        .bind(who.to_bytes().to_vec())
                        .fetch_optional(pool)
                        .await?;
                Ok(row.is_some())
            }

            /// Records that `who` holds the file (idempotent).
            pub(in crate::store) async fn grant(pool: &$pool, hash: &str, who: UserId) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO blob_grant (hash, account_id) VALUES ($1, $2) ON CONFLICT (hash, account_id) DO NOTHING",
                )
                .bind(hash)
                .bind(who.to_bytes().to_vec())
                .execute(pool)
                .await?;
                Ok(())
            }

            /// Whether someone reading `scopes` may read the file: an asset of it is in one of
            /// those scopes, and that asset's creator has shown they hold it.
            pub(in crate::store) async fn readable(pool: &$pool, hash: &str, scopes: &[String]) -> StoreResult<bool> {
                // Few scopes per person: one indexed lookup by hash, filtered here.
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT r.scope FROM sync_row r JOIN blob_grant g ON g.hash = r.hash AND g.account_id = r.creator
                     WHERE r.kind = 'asset' AND r.hash = $1",
                )
                .bind(hash)
                .fetch_all(pool)
                .await?;
                Ok(rows.iter().any(|(s,)| scopes.contains(s)))
            }

            /// The shared projects `who` put an asset of content `hash` in, each with the bytes
            /// of the originals stored for it (every content counted once per project).
            pub(in crate::store) async fn projects_of_upload(
                pool: &$pool,
                hash: &str,
                who: UserId,
            ) -> StoreResult<Vec<(Vec<u8>, u64)>> {
                let rows: Vec<(Vec<u8>, i64)> = sqlx::query_as(
                    "SELECT p.project, COALESCE((SELECT CAST(SUM(b.size) AS BIGINT) FROM blob b WHERE b.hash IN
                         (SELECT r.hash FROM sync_row r WHERE r.kind = 'asset' AND r.project = p.project)), 0)
                     FROM (SELECT DISTINCT project FROM sync_row
                           WHERE kind = 'asset' AND hash = $1 AND creator = $2 AND project IS NOT NULL) p",
                )
                .bind(hash)
                .bind(who.to_bytes().to_vec())
                .fetch_all(pool)
                .await?;
                Ok(rows.into_iter().map(|(p, used)| (p, clamp(used))).collect())
            }

            /// The upload session for this hash, made when there is none (one per hash).
            pub(in crate::store) async fn start_upload(
                pool: &$pool,
                new: &super::NewUpload<'_>,
            ) -> StoreResult<StoredUpload> {
                let super::NewUpload { id, hash, size, part_size, way, by: who, at: now } = *new;
                let (way, multipart) = way.columns();
                sqlx::query(
                    "INSERT INTO upload_session (id, hash, size, part_size, created_by, created_at, way, multipart)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING",
                )
                .bind(id)
                .bind(hash)
                .bind(size as i64)
                .bind(part_size as i64)
                .bind(who.to_bytes().to_vec())
                .bind(now)
                .bind(way)
                .bind(multipart)
                .execute(pool)
                .await?;
                match upload_of(pool, hash).await? {
                    Some(u) => Ok(u),
                    None => Err(super::super::StoreError::Damaged(format!("upload session {id} vanished"))),
                }
            }

            /// The upload session sending `hash`, if one is open.
            pub(in crate::store) async fn upload_of(pool: &$pool, hash: &str) -> StoreResult<Option<StoredUpload>> {
                let id: Option<(String,)> = sqlx::query_as("SELECT id FROM upload_session WHERE hash = $1")
                    .bind(hash)
                    .fetch_optional(pool)
                    .await?;
                match id {
                    Some((id,)) => upload(pool, &id).await,
                    None => Ok(None),
                }
            }

            /// An upload session with the parts it has.
            pub(in crate::store) async fn upload(pool: &$pool, id: &str) -> StoreResult<Option<StoredUpload>> {
                let row: Option<(String, i64, i64, String, Option<String>)> = sqlx::query_as(
                    "SELECT hash, size, part_size, way, multipart FROM upload_session WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(pool)
                .await?;
                let Some((hash, size, part_size, way, multipart)) = row else {
                    return Ok(None);
                };
                let parts: Vec<(i64,)> = sqlx::query_as("SELECT n FROM upload_part WHERE session = $1 ORDER BY n")
                    .bind(id)
                    .fetch_all(pool)
                    .await?;
                Ok(Some(StoredUpload {
                    id: id.to_string(),
                    hash,
                    size: clamp(size),
                    part_size: clamp(part_size),
                    received: parts.into_iter().map(|(n,)| n.clamp(0, i64::from(u32::MAX)) as u32).collect(),
                    way: super::UploadWay::from_columns(&way, multipart)?,
                }))
            }

            /// The parts an upload received, in order, with what completing it needs.
            pub(in crate::store) async fn upload_parts(pool: &$pool, id: &str) -> StoreResult<Vec<super::StoredPart>> {
                let rows: Vec<(i64, Option<Vec<u8>>, Option<String>)> =
                    sqlx::query_as("SELECT n, subtree, tag FROM upload_part WHERE session = $1 ORDER BY n")
                        .bind(id)
                        .fetch_all(pool)
                        .await?;
                Ok(rows
                    .into_iter()
                    .map(|(n, subtree, tag)| super::StoredPart {
                        n: n.clamp(0, i64::from(u32::MAX)) as u32,
                        subtree,
                        tag,
                    })
                    .collect())
            }

            /// Records a part received (again: replaces it).
            pub(in crate::store) async fn record_part(
                pool: &$pool,
                id: &str,
                n: u32,
                size: u64,
                hash: &str,
                subtree: Option<&[u8]>,
                tag: Option<&str>,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO upload_part (session, n, size, hash, subtree, tag) VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (session, n) DO UPDATE SET size = excluded.size, hash = excluded.hash,
                         subtree = excluded.subtree, tag = excluded.tag",
                )
                .bind(id)
                .bind(i64::from(n))
                .bind(size as i64)
                .bind(hash)
                .bind(subtree)
                .bind(tag)
                .execute(pool)
                .await?;
                Ok(())
            }

            /// A finished upload: the blob is stored, its sender holds it, the session goes.
            pub(in crate::store) async fn finish_upload(
                pool: &$pool,
                id: &str,
                hash: &str,
                size: u64,
                who: UserId,
                now: i64,
            ) -> StoreResult<()> {
                let mut tx = pool.begin().await?;
                sqlx::query("INSERT INTO blob (hash, size, stored_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING")
                    .bind(hash)
                    .bind(size as i64)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO blob_grant (hash, account_id) VALUES ($1, $2) ON CONFLICT (hash, account_id) DO NOTHING",
                )
                .bind(hash)
                .bind(who.to_bytes().to_vec())
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM upload_part WHERE session = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM upload_session WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            /// Drops a session (its sender claimed a hash its bytes don't have).
            pub(in crate::store) async fn drop_upload(pool: &$pool, id: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM upload_part WHERE session = $1")
                    .bind(id)
                    .execute(pool)
                    .await?;
                sqlx::query("DELETE FROM upload_session WHERE id = $1")
                    .bind(id)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            /// Records a rendition of an original (replacing an earlier one of that kind).
            pub(in crate::store) async fn set_rendition(
                pool: &$pool,
                hash: &str,
                kind: &str,
                blob_hash: &str,
                mime: &str,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO rendition (hash, kind, blob_hash, mime) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (hash, kind) DO UPDATE SET blob_hash = excluded.blob_hash, mime = excluded.mime",
                )
                .bind(hash)
                .bind(kind)
                .bind(blob_hash)
                .bind(mime)
                .execute(pool)
                .await?;
                Ok(())
            }

            /// A rendition's blob and type.
            pub(in crate::store) async fn rendition(
                pool: &$pool,
                hash: &str,
                kind: &str,
            ) -> StoreResult<Option<(String, String)>> {
                Ok(sqlx::query_as("SELECT blob_hash, mime FROM rendition WHERE hash = $1 AND kind = $2")
                    .bind(hash)
                    .bind(kind)
                    .fetch_optional(pool)
                    .await?)
            }
        }
    };
}

files_sql!(sqlite, sqlx::SqlitePool);
files_sql!(postgres, sqlx::PgPool);
