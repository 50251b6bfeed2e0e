//! Postings: for each filterable value (a status, a tag, a collection…) the set of asset seqs
//! that have it, as roaring bitmaps stored in chunks of 65,536 seqs. Counting, combining and
//! paging filters over a million assets then costs microseconds instead of table scans.
//!
//! Writers record edits in [`Edits`] while they change rows; [`Catalog::write`] flushes them
//! in the same transaction. [`rebuild`] recomputes everything from the tables.
//!
//! [`Catalog::write`]: crate::Catalog::write

use std::collections::HashMap;

use roaring::RoaringBitmap;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::{CatalogError, Result};

/// One filterable value. The packed key is `kind << 40 | value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Facet {
    /// Every live asset.
    All,
    Kind(i64),
    Source(i64),
    Status(i64),
    Rating(i64),
    Flag(i64),
    Brand(i64),
    Project(i64),
    Tag(i64),
    Collection(i64),
    Campaign(i64),
    /// In at least one collection (Unfiled is All minus Filed).
    Filed,
    /// In a stack under another asset (hidden behind its cover).
    StackMember,
    /// In the Trash (left out of every view but the Trash's).
    Trashed,
}

impl Facet {
    pub(crate) fn key(self) -> i64 {
        let (kind, value) = match self {
            Facet::All => (1, 0),
            Facet::Kind(v) => (2, v),
            Facet::Source(v) => (3, v),
            Facet::Status(v) => (4, v),
            Facet::Rating(v) => (5, v),
            Facet::Flag(v) => (6, v),
            Facet::Brand(v) => (7, v),
            Facet::Project(v) => (8, v),
            Facet::Tag(v) => (9, v),
            Facet::Collection(v) => (10, v),
            Facet::Campaign(v) => (11, v),
            Facet::Filed => (12, 0),
            Facet::StackMember => (13, 0),
            Facet::Trashed => (14, 0),
        };
        (kind << 40) | value
    }
}

/// Posting edits not yet written. Adding then removing the same seq (or the reverse) keeps
/// only the last.
#[derive(Debug, Default)]
pub(crate) struct Edits {
    adds: HashMap<i64, RoaringBitmap>,
    removes: HashMap<i64, RoaringBitmap>,
}

impl Edits {
    pub(crate) fn add(&mut self, facet: Facet, seq: u32) {
        let key = facet.key();
        if let Some(r) = self.removes.get_mut(&key) {
            r.remove(seq);
        }
        self.adds.entry(key).or_default().insert(seq);
    }

    pub(crate) fn remove(&mut self, facet: Facet, seq: u32) {
        let key = facet.key();
        if let Some(a) = self.adds.get_mut(&key) {
            a.remove(seq);
        }
        self.removes.entry(key).or_default().insert(seq);
    }

    /// Moves `seq` from one value of a facet to another (a status change, a new rating).
    pub(crate) fn change(&mut self, from: Facet, to: Facet, seq: u32) {
        if from != to {
            self.remove(from, seq);
            self.add(to, seq);
        }
    }

    /// Writes every pending edit: one read-modify-write per touched chunk.
    pub(crate) fn flush(&mut self, tx: &Transaction<'_>) -> Result<()> {
        let mut chunks: HashMap<(i64, u32), (RoaringBitmap, RoaringBitmap)> = HashMap::new();
        for (key, bits) in self.adds.drain() {
            for seq in bits {
                chunks.entry((key, seq >> 16)).or_default().0.insert(seq);
            }
        }
        for (key, bits) in self.removes.drain() {
            for seq in bits {
                chunks.entry((key, seq >> 16)).or_default().1.insert(seq);
            }
        }
        let mut read = tx.prepare_cached("SELECT bits FROM posting WHERE key = ?1 AND chunk = ?2")?;
        let mut write =
            tx.prepare_cached("INSERT OR REPLACE INTO posting (key, chunk, bits) VALUES (?1, ?2, ?3)")?;
        let mut delete = tx.prepare_cached("DELETE FROM posting WHERE key = ?1 AND chunk = ?2")?;
        let mut buf = Vec::new();
        for ((key, chunk), (adds, removes)) in chunks {
            let stored: Option<Vec<u8>> = read.query_row(params![key, chunk], |r| r.get(0)).optional()?;
            let mut bits = match stored {
                Some(bytes) => decode(&bytes)?,
                None => RoaringBitmap::new(),
            };
            bits -= removes;
            bits |= adds;
            if bits.is_empty() {
                delete.execute(params![key, chunk])?;
            } else {
                buf.clear();
                bits.serialize_into(&mut buf)
                    .map_err(|e| CatalogError::Corrupt(e.to_string()))?;
                write.execute(params![key, chunk, buf])?;
            }
        }
        Ok(())
    }

    /// Writes whole bitmaps at once, replacing what is stored (bulk loads and rebuilds).
    pub(crate) fn replace_all(tx: &Transaction<'_>, key: i64, bits: &RoaringBitmap) -> Result<()> {
        tx.execute("DELETE FROM posting WHERE key = ?1", [key])?;
        let mut write = tx.prepare_cached("INSERT INTO posting (key, chunk, bits) VALUES (?1, ?2, ?3)")?;
        let mut chunk_bits = RoaringBitmap::new();
        let mut current: Option<u32> = None;
        let mut buf = Vec::new();
        let mut emit = |chunk: u32, b: &RoaringBitmap| -> Result<()> {
            buf.clear();
            b.serialize_into(&mut buf)
                .map_err(|e| CatalogError::Corrupt(e.to_string()))?;
            write.execute(params![key, chunk, buf])?;
            Ok(())
        };
        for seq in bits {
            let chunk = seq >> 16;
            if current.is_some_and(|c| c != chunk) {
                if let Some(c) = current {
                    emit(c, &chunk_bits)?;
                }
                chunk_bits.clear();
            }
            current = Some(chunk);
            chunk_bits.insert(seq);
        }
        if let Some(c) = current {
            emit(c, &chunk_bits)?;
        }
        Ok(())
    }
}

fn decode(bytes: &[u8]) -> Result<RoaringBitmap> {
    RoaringBitmap::deserialize_from(bytes).map_err(|e| CatalogError::Corrupt(format!("posting: {e}")))
}

/// Loads one facet's whole bitmap.
pub(crate) fn load(conn: &Connection, facet: Facet) -> Result<RoaringBitmap> {
    let mut stmt = conn.prepare_cached("SELECT bits FROM posting WHERE key = ?1")?;
    let mut rows = stmt.query([facet.key()])?;
    let mut out = RoaringBitmap::new();
    while let Some(row) = rows.next()? {
        let bytes = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
        out |= decode(bytes)?;
    }
    Ok(out)
}

/// Loads the union of several facets' bitmaps.
pub(crate) fn load_any(conn: &Connection, facets: impl IntoIterator<Item = Facet>) -> Result<RoaringBitmap> {
    let mut out = RoaringBitmap::new();
    for f in facets {
        out |= load(conn, f)?;
    }
    Ok(out)
}

/// Every posting as the tables say it should be.
fn compute(conn: &Connection) -> Result<HashMap<i64, RoaringBitmap>> {
    let mut all: HashMap<i64, RoaringBitmap> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT seq, kind, source, status, rating, flag, brand, project, stack, trashed_at IS NOT NULL
             FROM asset ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seq = seq_u32(r.get(0)?)?;
            let stack: Option<i64> = r.get(8)?;
            if stack.is_some_and(|c| c != i64::from(seq)) {
                all.entry(Facet::StackMember.key()).or_default().insert(seq);
            }
            if r.get::<_, bool>(9)? {
                all.entry(Facet::Trashed.key()).or_default().insert(seq);
            }
            for facet in [
                Facet::All,
                Facet::Kind(r.get(1)?),
                Facet::Source(r.get(2)?),
                Facet::Status(r.get(3)?),
                Facet::Rating(r.get(4)?),
                Facet::Flag(r.get(5)?),
                Facet::Brand(r.get(6)?),
                Facet::Project(r.get(7)?),
            ] {
                all.entry(facet.key()).or_default().insert(seq);
            }
        }
    }
    for (sql, make, files) in [
        (
            "SELECT tag, asset FROM asset_tag",
            Facet::Tag as fn(i64) -> Facet,
            false,
        ),
        (
            "SELECT collection, asset FROM collection_asset",
            Facet::Collection,
            true,
        ),
        (
            "SELECT campaign, asset FROM campaign_asset",
            Facet::Campaign,
            false,
        ),
    ] {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seq = seq_u32(r.get(1)?)?;
            all.entry(make(r.get(0)?).key()).or_default().insert(seq);
            if files {
                all.entry(Facet::Filed.key()).or_default().insert(seq);
            }
        }
    }
    Ok(all)
}

/// Recomputes every posting from the tables.
pub(crate) fn rebuild(tx: &Transaction<'_>) -> Result<()> {
    let all = compute(tx)?;
    tx.execute("DELETE FROM posting", [])?;
    for (key, bits) in all {
        Edits::replace_all(tx, key, &bits)?;
    }
    Ok(())
}

/// The packed keys whose stored posting differs from what the tables say (empty when all is
/// well).
pub(crate) fn verify(conn: &Connection) -> Result<Vec<i64>> {
    let expected = compute(conn)?;
    let mut stored: HashMap<i64, RoaringBitmap> = HashMap::new();
    let mut stmt = conn.prepare("SELECT key, bits FROM posting")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: i64 = r.get(0)?;
        *stored.entry(key).or_default() |= decode(r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?)?;
    }
    let mut bad: Vec<i64> = expected
        .iter()
        .filter(|(k, v)| stored.get(k) != Some(v))
        .map(|(k, _)| *k)
        .chain(stored.keys().filter(|k| !expected.contains_key(k)).copied())
        .collect();
    bad.sort_unstable();
    bad.dedup();
    Ok(bad)
}

/// Asset seqs are SQLite rowids; postings hold them as u32 (four billion assets).
pub(crate) fn seq_u32(seq: i64) -> Result<u32> {
    u32::try_from(seq).map_err(|_| CatalogError::Corrupt(format!("asset seq {seq} is out of range")))
}

/// Up to `limit` members of `bits` below `before` (all when `None`), highest first.
pub(crate) fn page_desc(bits: &RoaringBitmap, before: Option<u32>, limit: usize) -> Vec<u32> {
    let below = match before {
        Some(0) => return Vec::new(),
        Some(b) => bits.rank(b - 1),
        None => bits.len(),
    };
    let mut out = Vec::with_capacity(limit.min(below as usize));
    let mut n = below;
    while n > 0 && out.len() < limit {
        n -= 1;
        if let Some(v) = bits.select(n as u32) {
            out.push(v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_desc_walks_down_from_the_cursor() {
        let bits: RoaringBitmap = [1, 5, 9, 70_000, 200_000].into_iter().collect();
        assert_eq!(page_desc(&bits, None, 2), [200_000, 70_000]);
        assert_eq!(page_desc(&bits, Some(70_000), 10), [9, 5, 1]);
        assert_eq!(page_desc(&bits, Some(1), 10), Vec::<u32>::new());
        assert_eq!(page_desc(&bits, Some(0), 10), Vec::<u32>::new());
    }

    #[test]
    fn facet_keys_are_distinct_per_kind() {
        assert_ne!(Facet::Tag(1).key(), Facet::Collection(1).key());
        assert_ne!(Facet::Rating(0).key(), Facet::Flag(0).key());
    }
}
