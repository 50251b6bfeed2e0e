//! Public campaign links, stored (docs/decisions/0017): per public campaign the nonce its token
//! is derived from and the SHA-256 of the token — never the token — and the studio's public
//! sharing switch. The same SQL on both backends, instantiated per pool type as `files.rs` does.
//!
//! Must not know HTTP, the link key or the rules: services derive and check tokens, decide who
//! may publish, and hand this module bytes to keep.

/// What a public request needs to know at once: the link its token hashes to, whether sharing
/// is on, and the studio's seq now — one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkGate {
    /// The campaign's id (16 bytes).
    pub campaign: Vec<u8>,
    /// The stored SHA-256 of the token.
    pub token_hash: Vec<u8>,
    /// Whether public sharing is on.
    pub sharing: bool,
    /// The last seq handed out.
    pub seq: i64,
}

/// A campaign's link as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink {
    /// The campaign's id (16 bytes).
    pub campaign: Vec<u8>,
    /// The nonce the token is derived from.
    pub nonce: Vec<u8>,
    /// SHA-256 of the token's text.
    pub token_hash: Vec<u8>,
}

macro_rules! links_sql {
    ($name:ident, $pool:ty, $conn:ty) => {
        pub(super) mod $name {
            use super::super::StoreResult;
            use super::{LinkGate, StoredLink};

            /// Whether an Owner or Admin turned public sharing on.
            pub(in crate::store) async fn public_sharing(pool: &$pool) -> StoreResult<bool> {
                let on: Option<(bool,)> = sqlx::query_as("SELECT public_sharing FROM studio WHERE id = 1")
                    .fetch_optional(pool)
                    .await?;
                Ok(on.is_some_and(|(on,)| on))
            }

            /// Turns public sharing on or off.
            pub(in crate::store) async fn set_public_sharing(pool: &$pool, on: bool) -> StoreResult<()> {
                sqlx::query("UPDATE studio SET public_sharing = $1 WHERE id = 1")
                    .bind(on)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            /// Makes (or replaces: a regenerated link) a campaign's link, in one statement: the
            /// old token's hash is gone when its transaction commits (sync.rs's `set_link`,
            /// which republishes the campaign's row in the same one).
            pub(in crate::store) async fn put_link(
                c: &mut $conn,
                link: &StoredLink,
                made_by: &[u8],
                at: i64,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO campaign_link (campaign, nonce, token_hash, made_by, made_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (campaign) DO UPDATE SET nonce = excluded.nonce,
                         token_hash = excluded.token_hash, made_by = excluded.made_by, made_at = excluded.made_at",
                )
                .bind(&link.campaign)
                .bind(&link.nonce)
                .bind(&link.token_hash)
                .bind(made_by)
                .bind(at)
                .execute(&mut *c)
                .await?;
                Ok(())
            }

            /// A campaign's link, if public.
            pub(in crate::store) async fn link_of(pool: &$pool, campaign: &[u8]) -> StoreResult<Option<StoredLink>> {
                let row: Option<(Vec<u8>, Vec<u8>, Vec<u8>)> =
                    sqlx::query_as("SELECT campaign, nonce, token_hash FROM campaign_link WHERE campaign = $1")
                        .bind(campaign)
                        .fetch_optional(pool)
                        .await?;
                Ok(row.map(|(campaign, nonce, token_hash)| StoredLink { campaign, nonce, token_hash }))
            }

            /// The link `token_hash` finds, the sharing switch and the seq, in one statement.
            pub(in crate::store) async fn link_gate(pool: &$pool, token_hash: &[u8]) -> StoreResult<Option<LinkGate>> {
                let row: Option<(Vec<u8>, Vec<u8>, bool, i64)> = sqlx::query_as(
                    "SELECT l.campaign, l.token_hash, s.public_sharing, m.seq
                     FROM campaign_link l, studio s, sync_meta m
                     WHERE l.token_hash = $1 AND s.id = 1 AND m.id = 1",
                )
                .bind(token_hash)
                .fetch_optional(pool)
                .await?;
                Ok(row.map(|(campaign, token_hash, sharing, seq)| LinkGate { campaign, token_hash, sharing, seq }))
            }

            /// [`link_of`] inside a transaction.
            pub(in crate::store) async fn link_of_in(c: &mut $conn, campaign: &[u8]) -> StoreResult<Option<StoredLink>> {
                let row: Option<(Vec<u8>, Vec<u8>, Vec<u8>)> =
                    sqlx::query_as("SELECT campaign, nonce, token_hash FROM campaign_link WHERE campaign = $1")
                        .bind(campaign)
                        .fetch_optional(&mut *c)
                        .await?;
                Ok(row.map(|(campaign, nonce, token_hash)| StoredLink { campaign, nonce, token_hash }))
            }

            /// The link whose token hashes to `token_hash`, if any.
            pub(in crate::store) async fn link_by_token(pool: &$pool, token_hash: &[u8]) -> StoreResult<Option<StoredLink>> {
                let row: Option<(Vec<u8>, Vec<u8>, Vec<u8>)> =
                    sqlx::query_as("SELECT campaign, nonce, token_hash FROM campaign_link WHERE token_hash = $1")
                        .bind(token_hash)
                        .fetch_optional(pool)
                        .await?;
                Ok(row.map(|(campaign, nonce, token_hash)| StoredLink { campaign, nonce, token_hash }))
            }

            /// Deletes a campaign's link; whether there was one.
            pub(in crate::store) async fn drop_link(c: &mut $conn, campaign: &[u8]) -> StoreResult<bool> {
                let done = sqlx::query("DELETE FROM campaign_link WHERE campaign = $1")
                    .bind(campaign)
                    .execute(&mut *c)
                    .await?;
                Ok(done.rows_affected() > 0)
            }
        }
    };
}

links_sql!(sqlite, sqlx::SqlitePool, sqlx::SqliteConnection);
links_sql!(postgres, sqlx::PgPool, sqlx::PgConnection);
