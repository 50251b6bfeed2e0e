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
    /// A colour label's code (0: none).
    Label(i64),
    /// A camera (`facet_name` id).
    Camera(i64),
    /// A lens (`facet_name` id).
    Lens(i64),
    /// A file type (`facet_name` id).
    FileType(i64),
    /// Knows where it was taken.
    Gps,
    /// Shown landscape, portrait or square (`Shape::code`).
    Shape(i64),
    /// Captured on this day (days since 1970-01-01, the camera's wall clock), offset by
    /// [`DAY_OFFSET`] so that a range of days is a range of keys.
    Day(i64),
}

/// Added to a day number in [`Facet::Day`]'s key: days before 1970 stay positive.
pub(crate) const DAY_OFFSET: i64 = 1 << 20;

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
            Facet::Label(v) => (15, v),
            Facet::Camera(v) => (16, v),
            Facet::Lens(v) => (17, v),
            Facet::FileType(v) => (18, v),
            Facet::Gps => (19, 0),
            Facet::Shape(v) => (20, v),
            Facet::Day(d) => (21, (d + DAY_OFFSET).clamp(0, (1 << 40) - 1)),
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
    pub(crate) fn replace_all(tx: &Connection, key: i64, bits: &RoaringBitmap) -> Result<()> {
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

/// Loads the union of the postings of one kind whose values are `from..=to` (a range of days).
pub(crate) fn load_range(conn: &Connection, from: Facet, to: Facet) -> Result<RoaringBitmap> {
    let mut stmt = conn.prepare_cached("SELECT bits FROM posting WHERE key BETWEEN ?1 AND ?2")?;
    let mut rows = stmt.query(params![from.key(), to.key()])?;
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

/// What an asset's own columns put it in — the one definition, used by insertion, deletion,
/// forks and the rebuild (its memberships are [`Link`]'s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Own {
    pub(crate) kind: i64,
    pub(crate) source: i64,
    pub(crate) status: i64,
    pub(crate) rating: i64,
    pub(crate) flag: i64,
    pub(crate) brand: i64,
    pub(crate) project: i64,
    /// Under another asset's cover.
    pub(crate) stacked: bool,
    pub(crate) trashed: bool,
    pub(crate) label: i64,
    pub(crate) camera: Option<i64>,
    pub(crate) lens: Option<i64>,
    pub(crate) file_type: Option<i64>,
    pub(crate) gps: bool,
    /// `Shape::code` of the displayed size, when known.
    pub(crate) shape: Option<i64>,
    /// The capture day (see [`Facet::Day`]).
    pub(crate) day: i64,
}

impl Own {
    /// The `asset` columns [`Own::from_row`] reads, in order.
    pub(crate) const COLUMNS: &'static str = "kind, source, status, rating, flag, brand, project,
         stack IS NOT NULL AND stack != seq, trashed_at IS NOT NULL, label, camera, lens, file_type, gps,
         width, height, (SELECT orientation FROM asset_file WHERE asset_file.asset = asset.seq), sort_captured";

    /// Reads [`Own::COLUMNS`] starting at column `at`.
    pub(crate) fn from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Own> {
        Ok(Own {
            kind: r.get(at)?,
            source: r.get(at + 1)?,
            status: r.get(at + 2)?,
            rating: r.get(at + 3)?,
            flag: r.get(at + 4)?,
            brand: r.get(at + 5)?,
            project: r.get(at + 6)?,
            stacked: r.get(at + 7)?,
            trashed: r.get(at + 8)?,
            label: r.get(at + 9)?,
            camera: r.get(at + 10)?,
            lens: r.get(at + 11)?,
            file_type: r.get(at + 12)?,
            gps: r.get(at + 13)?,
            shape: shape_of(
                r.get(at + 14)?,
                r.get(at + 15)?,
                r.get::<_, Option<i64>>(at + 16)?.unwrap_or(1),
            ),
            day: day_of(r.get(at + 17)?),
        })
    }

    /// One asset's, from the tables.
    pub(crate) fn read(conn: &Connection, seq: i64) -> Result<Option<Own>> {
        Ok(conn
            .prepare_cached(&format!("SELECT {} FROM asset WHERE seq = ?1", Own::COLUMNS))?
            .query_row([seq], |r| Own::from_row(r, 0))
            .optional()?)
    }

    /// The postings these columns put an asset in.
    pub(crate) fn facets(&self) -> impl Iterator<Item = Facet> {
        [
            Facet::All,
            Facet::Kind(self.kind),
            Facet::Source(self.source),
            Facet::Status(self.status),
            Facet::Rating(self.rating),
            Facet::Flag(self.flag),
            Facet::Brand(self.brand),
            Facet::Project(self.project),
            Facet::Label(self.label),
            Facet::Day(self.day),
        ]
        .into_iter()
        .chain(self.stacked.then_some(Facet::StackMember))
        .chain(self.trashed.then_some(Facet::Trashed))
        .chain(self.camera.map(Facet::Camera))
        .chain(self.lens.map(Facet::Lens))
        .chain(self.file_type.map(Facet::FileType))
        .chain(self.gps.then_some(Facet::Gps))
        .chain(self.shape.map(Facet::Shape))
    }
}

/// The shape code of a picture stored `width` × `height` with EXIF `orientation` (5–8 turn it
/// a quarter: what is shown is the other way round).
pub(crate) fn shape_of(width: i64, height: i64, orientation: i64) -> Option<i64> {
    let (w, h) = if (5..=8).contains(&orientation) {
        (height, width)
    } else {
        (width, height)
    };
    let w = u32::try_from(w).ok()?;
    let h = u32::try_from(h).ok()?;
    atelier_domain::Shape::of(w, h).map(atelier_domain::Shape::code)
}

/// The day (since 1970-01-01) of a capture sort key in seconds.
pub(crate) fn day_of(sort_captured: i64) -> i64 {
    sort_captured.div_euclid(86_400)
}

/// A membership an asset can have: a tag, a collection, a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    Tag,
    Collection,
    Campaign,
}

impl Link {
    pub(crate) const ALL: [Link; 3] = [Link::Tag, Link::Collection, Link::Campaign];

    /// The link table.
    pub(crate) fn table(self) -> &'static str {
        match self {
            Link::Tag => "asset_tag",
            Link::Collection => "collection_asset",
            Link::Campaign => "campaign_asset",
        }
    }

    /// The table of the thing linked to, and the link table's column naming it.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Link::Tag => "tag",
            Link::Collection => "collection",
            Link::Campaign => "campaign",
        }
    }

    /// The posting of membership in `group`.
    pub(crate) fn facet(self, group: i64) -> Facet {
        match self {
            Link::Tag => Facet::Tag(group),
            Link::Collection => Facet::Collection(group),
            Link::Campaign => Facet::Campaign(group),
        }
    }

    /// Whether membership also puts the asset in Filed (any collection does).
    pub(crate) fn files(self) -> bool {
        self == Link::Collection
    }
}

/// The postings one asset's memberships put it in (Filed included).
pub(crate) fn memberships(conn: &Connection, seq: i64) -> Result<Vec<Facet>> {
    let mut out = Vec::new();
    for link in Link::ALL {
        let groups: Vec<i64> = conn
            .prepare_cached(&format!(
                "SELECT {} FROM {} WHERE asset = ?1",
                link.column(),
                link.table()
            ))?
            .query_map([seq], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        if link.files() && !groups.is_empty() {
            out.push(Facet::Filed);
        }
        out.extend(groups.into_iter().map(|g| link.facet(g)));
    }
    Ok(out)
}

/// Every posting as the tables say it should be.
fn compute(conn: &Connection) -> Result<HashMap<i64, RoaringBitmap>> {
    let mut all: HashMap<i64, RoaringBitmap> = HashMap::new();
    {
        let mut stmt = conn.prepare(&format!("SELECT seq, {} FROM asset ORDER BY seq", Own::COLUMNS))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seq = seq_u32(r.get(0)?)?;
            for facet in Own::from_row(r, 1)?.facets() {
                all.entry(facet.key()).or_default().insert(seq);
            }
        }
    }
    for link in Link::ALL {
        let mut stmt = conn.prepare(&format!("SELECT {}, asset FROM {}", link.column(), link.table()))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seq = seq_u32(r.get(1)?)?;
            all.entry(link.facet(r.get(0)?).key()).or_default().insert(seq);
            if link.files() {
                all.entry(Facet::Filed.key()).or_default().insert(seq);
            }
        }
    }
    Ok(all)
}

/// Recomputes every posting from the tables.
pub(crate) fn rebuild(tx: &Connection) -> Result<()> {
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
