//! Bulk loading for benchmarks and fixtures: many assets, already organised, written in large
//! transactions with postings built in memory. The same tables and postings as one-by-one
//! inserts (a test proves it against a rebuild), only faster.

use atelier_domain::{Flag, Id, Status};
use atelier_protocol::{ChangeAction, Entity};
use rusqlite::{OptionalExtension, params};

use crate::assets::index_text;
use crate::postings::{Edits, Facet, seq_u32};
use crate::{Catalog, NewAsset, Result, journal};

/// An asset with its organisation, for [`Catalog::bulk_insert`].
#[derive(Debug, Clone)]
pub struct BulkAsset {
    /// The asset (its `tags` are used for search text only).
    pub asset: NewAsset,
    /// Review status.
    pub status: Status,
    /// Culling flag.
    pub flag: Flag,
    /// Tag rows (see [`Tx::tag_ids`](crate::Tx::tag_ids)), matching `asset.tags`.
    pub tag_ids: Vec<i64>,
    /// Collection rows it is filed in.
    pub collections: Vec<i64>,
    /// Campaign rows it belongs to.
    pub campaigns: Vec<i64>,
}

/// Rows per transaction: big enough to amortise commits, small enough to keep the WAL short.
const BULK_TX: usize = 50_000;

impl Catalog {
    /// Inserts many assets at once; `progress` is called with the running count. Does not
    /// check for duplicate content (callers provide distinct hashes).
    pub fn bulk_insert(
        &mut self,
        assets: impl IntoIterator<Item = BulkAsset>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let mut edits = Edits::default();
        let mut iter = assets.into_iter().peekable();
        let mut count = 0u64;
        while iter.peek().is_some() {
            let tx = self.conn.transaction()?;
            {
                let mut ins = tx.prepare_cached(
                    "INSERT INTO asset (uid, hash, name, kind, source, status, rating, flag, project, brand, creator,
                                        width, height, added_at, captured_at, sort_captured, prompt)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                )?;
                let mut file = tx.prepare_cached(
                    "INSERT INTO asset_file (asset, path, managed, bytes, mime, format, mtime_ms, orientation, thumb, duration_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?;
                let mut tag =
                    tx.prepare_cached("INSERT OR IGNORE INTO asset_tag (tag, asset) VALUES (?1, ?2)")?;
                let mut coll = tx.prepare_cached(
                    "INSERT OR IGNORE INTO collection_asset (collection, asset, added_at) VALUES (?1, ?2, ?3)",
                )?;
                let mut camp = tx.prepare_cached(
                    "INSERT OR IGNORE INTO campaign_asset (campaign, asset, added_at) VALUES (?1, ?2, ?3)",
                )?;
                let mut sig = tx.prepare_cached(
                    "INSERT INTO asset_signature (asset, version, phash, vector) VALUES (?1, ?2, ?3, ?4)",
                )?;
                for b in iter.by_ref().take(BULK_TX) {
                    let a = &b.asset;
                    ins.execute(params![
                        a.id.to_bytes(),
                        a.hash,
                        a.name,
                        a.kind.code(),
                        a.source.code(),
                        b.status.code(),
                        a.rating.stars(),
                        b.flag.code(),
                        a.project.0,
                        a.brand.0,
                        a.creator.0,
                        a.width,
                        a.height,
                        a.added_at,
                        a.captured_at,
                        a.sort_captured,
                        a.prompt,
                    ])?;
                    let seq = tx.last_insert_rowid();
                    let f = &a.file;
                    file.execute(params![
                        seq,
                        crate::paths::stored(&f.path),
                        f.managed,
                        f.bytes as i64,
                        f.mime,
                        f.format,
                        f.mtime_ms,
                        f.orientation,
                        f.thumb,
                        f.duration_ms
                    ])?;
                    if let Some(g) = &a.signature {
                        sig.execute(params![seq, g.version, g.phash as i64, g.vector])?;
                    }
                    index_text(
                        &tx,
                        seq,
                        true,
                        [&a.name, a.prompt.as_deref().unwrap_or(""), &a.search_extra],
                        false,
                    )?;
                    let s = seq_u32(seq)?;
                    for facet in [
                        Facet::All,
                        Facet::Kind(a.kind.code()),
                        Facet::Source(a.source.code()),
                        Facet::Status(b.status.code()),
                        Facet::Rating(i64::from(a.rating.stars())),
                        Facet::Flag(b.flag.code()),
                        Facet::Brand(a.brand.0),
                        Facet::Project(a.project.0),
                    ] {
                        edits.add(facet, s);
                    }
                    for t in &b.tag_ids {
                        tag.execute(params![t, seq])?;
                        edits.add(Facet::Tag(*t), s);
                    }
                    for c in &b.collections {
                        coll.execute(params![c, seq, a.added_at])?;
                        edits.add(Facet::Collection(*c), s);
                    }
                    if !b.collections.is_empty() {
                        edits.add(Facet::Filed, s);
                    }
                    for c in &b.campaigns {
                        camp.execute(params![c, seq, a.added_at])?;
                        edits.add(Facet::Campaign(*c), s);
                    }
                    count += 1;
                }
            }
            tx.commit()?;
            progress(count);
        }
        let tx = self.conn.transaction()?;
        edits.flush(&tx)?;
        crate::text::rebuild_terms(&tx)?;
        let owner: Option<i64> = tx
            .query_row("SELECT id FROM user WHERE is_local = 1", [], |r| r.get(0))
            .optional()?;
        if let Some(owner) = owner {
            journal::record(
                &tx,
                journal::Entry::about(
                    crate::views::now_ms(),
                    crate::UserRow(owner),
                    Entity::Library,
                    ChangeAction::BulkInsert,
                    None,
                )
                .change(None, Some(serde_json::json!({ "assets": count }))),
            )?;
        }
        tx.commit()?;
        Ok(count)
    }
}
