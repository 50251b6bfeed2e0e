//! Search (SPEC R3.1–R3.5): filters become posting bitmaps combined in memory; text becomes
//! per-field full-text lookups; the result is paged by keyset, never by offset.
//!
//! Relevance is by *field tier*, then newest: assets whose name holds every word first, then
//! those where name and tags hold them, then name, tags and prompt, then anything (negative
//! prompt, model, camera…). Tiers are exact sets, so ranking a word found in 43 % of a million
//! assets costs set algebra, not a score per row (BM25 over such a word took ~0.7 s); see
//! docs/decisions/0001-search-ranking.md.

use std::rc::Rc;

use atelier_domain::limits::RECENT_WINDOW_MS;
use atelier_domain::{AssetId, AssetQuery, Bucket, Cursor, ErrorCode, Id, InvalidInput, Sort, TagMode};
use roaring::RoaringBitmap;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

use crate::postings::{self, Facet, load, load_any, page_desc};
use crate::views::load_summaries;
use crate::{Catalog, Result, Scope, text};
use atelier_protocol::{BucketCounts, Page};

/// Above this many matches, the Captured sort walks the index instead of sorting the matches.
const SORT_IN_MEMORY_MAX: u64 = 50_000;

/// Field tiers, best first.
const TIERS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Added(u32),
    Captured(i64, u32),
    Relevance(usize, u32),
}

fn bad_cursor(c: &Cursor) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::InvalidCursor,
        format!(
            "cursor '{c}' is not valid for this search: pass the `next` value of the previous page of the same search"
        ),
    )
}

fn parse_cursor(c: &Cursor) -> Result<Position, InvalidInput> {
    let mut parts = c.0.split('.');
    let kind = parts.next().unwrap_or_default();
    let nums: Vec<i64> = parts
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| bad_cursor(c))?;
    let seq = |v: i64| u32::try_from(v).map_err(|_| bad_cursor(c));
    match (kind, nums.as_slice()) {
        ("a", [s]) => Ok(Position::Added(seq(*s)?)),
        ("c", [k, s]) => Ok(Position::Captured(*k, seq(*s)?)),
        ("r", [t, s]) if (0..TIERS as i64).contains(t) => Ok(Position::Relevance(*t as usize, seq(*s)?)),
        _ => Err(bad_cursor(c)),
    }
}

fn format_cursor(p: Position) -> Cursor {
    Cursor(match p {
        Position::Added(s) => format!("a.{s}"),
        Position::Captured(k, s) => format!("c.{k}.{s}"),
        Position::Relevance(t, s) => format!("r.{t}.{s}"),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Added,
    Captured,
    Relevance,
}

impl Catalog {
    /// One page of the assets matching `q` that the reader may see (`scope`). `now_ms`
    /// anchors "Recently added".
    pub fn search(&self, q: &AssetQuery, now_ms: i64, scope: &Scope) -> Result<Page> {
        let limit = q.page_size()?;
        let conn = self.conn();
        let base = base_set(conn, q, now_ms, scope)?;
        let terms = q
            .text_terms()
            .map(|t| text::query_terms(conn, t))
            .transpose()?
            .unwrap_or_default();
        let order = match (q.sort, terms.is_empty()) {
            (Some(Sort::Captured), _) => Order::Captured,
            (Some(Sort::Added), _) | (None, true) => Order::Added,
            (None, false) => Order::Relevance,
        };
        let cursor = q.cursor.as_ref().map(parse_cursor).transpose()?;
        let cursor_fits = matches!(
            (cursor, order),
            (None, _)
                | (Some(Position::Added(_)), Order::Added)
                | (Some(Position::Captured(..)), Order::Captured)
                | (Some(Position::Relevance(..)), Order::Relevance)
        );
        if !cursor_fits && let Some(c) = &q.cursor {
            return Err(bad_cursor(c).into());
        }

        // One more than a page tells whether a next page exists.
        let (total, mut positions) = if terms.is_empty() {
            page_of(conn, &base, order, cursor, limit + 1)?
        } else {
            let tiers = text_tiers(conn, &terms, &base)?;
            let total = tiers.iter().map(RoaringBitmap::len).sum();
            if order == Order::Relevance {
                (total, page_tiers(&tiers, cursor, limit + 1))
            } else {
                let all = tiers.into_iter().fold(RoaringBitmap::new(), |a, b| a | b);
                (total, page_of(conn, &all, order, cursor, limit + 1)?.1)
            }
        };
        let more = positions.len() > limit;
        positions.truncate(limit);
        let seqs: Vec<u32> = positions
            .iter()
            .map(|p| match *p {
                Position::Added(s) | Position::Captured(_, s) | Position::Relevance(_, s) => s,
            })
            .collect();
        let items = load_summaries(conn, &seqs)?;
        let next = if more {
            positions.last().copied().map(format_cursor)
        } else {
            None
        };
        Ok(Page { total, items, next })
    }

    /// The rows of every asset matching `q` (ignoring its page size and cursor), newest
    /// first. For bulk actions, which then apply their own limits.
    pub fn select_seqs(&self, q: &AssetQuery, now_ms: i64, scope: &Scope) -> Result<Vec<i64>> {
        Ok(self
            .select_set(q, now_ms, scope)?
            .iter()
            .rev()
            .map(i64::from)
            .collect())
    }

    /// The seqs of every asset matching `q` (ignoring its page size and cursor) as a bitmap.
    pub fn select_set(&self, q: &AssetQuery, now_ms: i64, scope: &Scope) -> Result<RoaringBitmap> {
        let conn = self.conn();
        let base = base_set(conn, q, now_ms, scope)?;
        let terms = q
            .text_terms()
            .map(|t| text::query_terms(conn, t))
            .transpose()?
            .unwrap_or_default();
        Ok(if terms.is_empty() {
            base
        } else {
            text_tiers(conn, &terms, &base)?
                .into_iter()
                .fold(RoaringBitmap::new(), |a, b| a | b)
        })
    }

    /// Every asset matching `q` (ignoring its page size and cursor), newest first. For bulk
    /// actions and export, which then apply their own limits.
    pub fn select_ids(&self, q: &AssetQuery, now_ms: i64, scope: &Scope) -> Result<Vec<AssetId>> {
        let seqs = self.select_seqs(q, now_ms, scope)?;
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT uid FROM asset WHERE seq IN rarray(?1) ORDER BY seq DESC")?;
        let ids = stmt
            .query_map([crate::rows::array(&seqs)], |r| r.get::<_, Vec<u8>>(0))?
            .map(|r| Ok(AssetId::from_uuid(crate::rows::uuid_of(&r?)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(ids)
    }

    /// The rail's counts within a brand (`None`: all brands), of what the reader may see.
    pub fn bucket_counts(&self, brand: Option<&str>, now_ms: i64, scope: &Scope) -> Result<BucketCounts> {
        let conn = self.conn();
        let members = load(conn, Facet::StackMember)?;
        let mut shown = &scope.assets - &members;
        let mut trash = &scope.trashed - &members;
        if let Some(b) = brand {
            let in_brand = load_any(
                conn,
                crate::brands::brands_named(conn, b, scope)?
                    .into_iter()
                    .map(Facet::Brand),
            )?;
            shown &= &in_brand;
            trash &= in_brand;
        }
        let recent = &shown & recent_set(conn, now_ms)?;
        let unfiled = &shown - load(conn, Facet::Filed)?;
        Ok(BucketCounts {
            trash: trash.len(),
            all: shown.len(),
            recent: recent.len(),
            unfiled: unfiled.len(),
        })
    }
}

/// The assets the reader may see that match every filter of `q` except the text.
fn base_set(conn: &Connection, q: &AssetQuery, now_ms: i64, scope: &Scope) -> Result<RoaringBitmap> {
    // One card per stack: members other than the cover are left out. The Trash is a world of
    // its own: every other bucket shows only live assets.
    let pool = match q.bucket {
        Bucket::Trash => &scope.trashed,
        _ => &scope.assets,
    };
    let mut set = pool - load(conn, Facet::StackMember)?;
    let brands = match q.brand.as_deref() {
        Some(b) => {
            let named = crate::brands::brands_named(conn, b, scope)?;
            set &= load_any(conn, named.iter().map(|id| Facet::Brand(*id)))?;
            named
        }
        None => scope.brands.clone(),
    };
    if let Some(p) = &q.project {
        set &= load_any(
            conn,
            crate::projects::projects_named(conn, p, scope)?
                .into_iter()
                .map(Facet::Project),
        )?;
    }
    if let Some(k) = q.kind {
        set &= load(conn, Facet::Kind(k.code()))?;
    }
    if !q.sources.is_empty() {
        set &= load_any(conn, q.sources.iter().map(|s| Facet::Source(s.code())))?;
    }
    if !q.statuses.is_empty() {
        set &= load_any(conn, q.statuses.iter().map(|s| Facet::Status(s.code())))?;
    }
    if !q.ratings.is_empty() {
        set &= load_any(
            conn,
            q.ratings.iter().map(|r| Facet::Rating(i64::from(r.stars()))),
        )?;
    }
    if !q.flags.is_empty() {
        set &= load_any(conn, q.flags.iter().map(|f| Facet::Flag(f.code())))?;
    }
    if !q.tags.is_empty() {
        let mut any = RoaringBitmap::new();
        for tag in &q.tags {
            let bits = load_any(
                conn,
                crate::tags::tags_under(conn, tag)?.into_iter().map(Facet::Tag),
            )?;
            match q.tag_mode {
                TagMode::Any => any |= bits,
                TagMode::All => set &= bits,
            }
        }
        if q.tag_mode == TagMode::Any {
            set &= any;
        }
    }
    if let Some(c) = &q.campaign {
        let ids = crate::campaigns::campaigns_named(conn, c, &brands)?;
        set &= load_any(conn, ids.into_iter().map(Facet::Campaign))?;
    }
    if let Some(path) = &q.collection {
        let ids = crate::collections::collections_at(conn, path, &brands, q.nested)?;
        set &= load_any(conn, ids.into_iter().map(Facet::Collection))?;
    }
    match q.bucket {
        Bucket::All | Bucket::Trash => {}
        Bucket::Recent => set &= recent_set(conn, now_ms)?,
        Bucket::Unfiled => set -= load(conn, Facet::Filed)?,
    }
    Ok(set)
}

/// Assets added in the last 7 days. `added_at` never decreases with `seq` (insertion keeps it
/// so), so this is the range from the first recent seq on.
fn recent_set(conn: &Connection, now_ms: i64) -> Result<RoaringBitmap> {
    let first: Option<i64> = conn
        .prepare_cached("SELECT seq FROM asset WHERE added_at >= ?1 ORDER BY added_at, seq LIMIT 1")?
        .query_row([now_ms - RECENT_WINDOW_MS], |r| r.get(0))
        .optional()?;
    let mut set = RoaringBitmap::new();
    if let Some(first) = first {
        set.insert_range(postings::seq_u32(first)?..=u32::MAX);
    }
    Ok(set)
}

/// The matches of `terms` within `base`, split into the field tiers.
fn text_tiers(conn: &Connection, terms: &[String], base: &RoaringBitmap) -> Result<[RoaringBitmap; TIERS]> {
    // levels[i]: assets where every term is found within the first i+1 fields.
    let mut levels: [Option<RoaringBitmap>; TIERS] = Default::default();
    for term in terms {
        let mut cumulative = RoaringBitmap::new();
        for (i, table) in text::FIELDS.iter().enumerate() {
            if let Some(expr) = text::match_expr(conn, i, term)? {
                let found = fts_set(conn, table, &expr)?;
                if *table == "fts_tags" {
                    // Rows of the tag index are tags: their assets are their postings.
                    cumulative |= load_any(conn, found.iter().map(|t| Facet::Tag(i64::from(t))))? & base;
                } else {
                    cumulative |= found & base;
                }
            }
            levels[i] = Some(match levels[i].take() {
                None => cumulative.clone(),
                Some(prev) => prev & &cumulative,
            });
        }
        if levels[TIERS - 1].as_ref().is_some_and(RoaringBitmap::is_empty) {
            break; // no asset holds every word so far
        }
    }
    let levels = levels.map(Option::unwrap_or_default);
    Ok([
        levels[0].clone(),
        &levels[1] - &levels[0],
        &levels[2] - &levels[1],
        &levels[3] - &levels[2],
    ])
}

fn fts_set(conn: &Connection, table: &str, expr: &str) -> Result<RoaringBitmap> {
    let mut stmt = conn.prepare_cached(&format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1"))?;
    let mut rows = stmt.query([expr])?;
    let mut bits = RoaringBitmap::new();
    while let Some(r) = rows.next()? {
        // (`insert` beats `try_push` here: rows come in order, and insert's fast path is cheap.)
        bits.insert(postings::seq_u32(r.get(0)?)?);
    }
    Ok(bits)
}

fn page_tiers(tiers: &[RoaringBitmap; TIERS], cursor: Option<Position>, limit: usize) -> Vec<Position> {
    let (start_tier, before) = match cursor {
        Some(Position::Relevance(t, s)) => (t, Some(s)),
        _ => (0, None),
    };
    let mut out = Vec::with_capacity(limit);
    for (t, bits) in tiers.iter().enumerate().skip(start_tier) {
        let before = if t == start_tier { before } else { None };
        out.extend(
            page_desc(bits, before, limit - out.len())
                .into_iter()
                .map(|s| Position::Relevance(t, s)),
        );
        if out.len() == limit {
            break;
        }
    }
    out
}

fn page_of(
    conn: &Connection,
    set: &RoaringBitmap,
    order: Order,
    cursor: Option<Position>,
    limit: usize,
) -> Result<(u64, Vec<Position>)> {
    let total = set.len();
    let page = match order {
        Order::Added | Order::Relevance => {
            let before = match cursor {
                Some(Position::Added(s)) => Some(s),
                _ => None,
            };
            page_desc(set, before, limit)
                .into_iter()
                .map(Position::Added)
                .collect()
        }
        Order::Captured => {
            let after = match cursor {
                Some(Position::Captured(k, s)) => Some((k, s)),
                _ => None,
            };
            page_captured(conn, set, after, limit)?
        }
    };
    Ok((total, page))
}

/// Newest captured first, below `after`. Two ways, chosen by expected cost: walk the
/// `(sort_captured, seq)` index keeping members of `set` (cheap when members are dense: about
/// `limit × all / matches` index entries), or fetch every match's capture time and sort (cheap
/// when they are few). A walk that finds its page slower than predicted (matches clustered far
/// down the index) gives up and sorts instead.
fn page_captured(
    conn: &Connection,
    set: &RoaringBitmap,
    after: Option<(i64, u32)>,
    limit: usize,
) -> Result<Vec<Position>> {
    let (k0, s0) = after.unwrap_or((i64::MAX, u32::MAX));
    let matches = set.len();
    if matches == 0 {
        return Ok(Vec::new());
    }
    let all = load(conn, Facet::All)?.len().max(1);
    // Measured here: an index step costs about a tenth of a row fetched by rowid.
    let walk_steps = (limit as u64 + 1) * all / matches;
    let sort_cost = matches.min(SORT_IN_MEMORY_MAX * 4) * 10;
    if matches > SORT_IN_MEMORY_MAX || walk_steps < sort_cost {
        let budget = if matches > SORT_IN_MEMORY_MAX {
            u64::MAX
        } else {
            walk_steps.saturating_mul(8).max(10_000)
        };
        if let Some(page) = walk_captured(conn, set, (k0, s0), limit, budget)? {
            return Ok(page);
        }
    }
    let list: Rc<Vec<Value>> = Rc::new(set.iter().map(|s| Value::Integer(i64::from(s))).collect());
    let mut stmt = conn.prepare_cached("SELECT sort_captured, seq FROM asset WHERE seq IN rarray(?1)")?;
    let mut keys: Vec<(i64, u32)> = stmt
        .query_map([list], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
        .map(|r| {
            let (k, s) = r?;
            Ok((k, postings::seq_u32(s)?))
        })
        .collect::<Result<_>>()?;
    keys.retain(|key| *key < (k0, s0));
    keys.sort_unstable_by(|a, b| b.cmp(a));
    keys.truncate(limit);
    Ok(keys.into_iter().map(|(k, s)| Position::Captured(k, s)).collect())
}

/// Walks the capture-time index downward from `from`; `None` when `budget` steps were not
/// enough to fill the page.
fn walk_captured(
    conn: &Connection,
    set: &RoaringBitmap,
    from: (i64, u32),
    limit: usize,
    budget: u64,
) -> Result<Option<Vec<Position>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT sort_captured, seq FROM asset WHERE (sort_captured, seq) < (?1, ?2)
         ORDER BY sort_captured DESC, seq DESC",
    )?;
    let mut rows = stmt.query(params![from.0, i64::from(from.1)])?;
    let mut out = Vec::with_capacity(limit);
    let mut steps = 0u64;
    while let Some(r) = rows.next()? {
        steps += 1;
        if steps > budget {
            return Ok(None);
        }
        let seq = postings::seq_u32(r.get(1)?)?;
        if set.contains(seq) {
            out.push(Position::Captured(r.get(0)?, seq));
            if out.len() == limit {
                break;
            }
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        for p in [
            Position::Added(7),
            Position::Captured(-5, 9),
            Position::Relevance(2, 11),
        ] {
            assert_eq!(parse_cursor(&format_cursor(p)).unwrap(), p);
        }
        for bad in ["", "a", "a.x", "r.9.1", "c.1", "z.1", "a.-1"] {
            assert_eq!(
                parse_cursor(&Cursor(bad.into())).unwrap_err().code,
                "invalid_cursor",
                "{bad}"
            );
        }
    }

    #[test]
    fn tiers_page_in_order_across_boundaries() {
        let tiers: [RoaringBitmap; TIERS] = [
            [5u32, 9].into_iter().collect(),
            [7u32].into_iter().collect(),
            RoaringBitmap::new(),
            [1u32, 2].into_iter().collect(),
        ];
        let first = page_tiers(&tiers, None, 2);
        assert_eq!(first, [Position::Relevance(0, 9), Position::Relevance(0, 5)]);
        let second = page_tiers(&tiers, first.last().copied(), 2);
        assert_eq!(second, [Position::Relevance(1, 7), Position::Relevance(3, 2)]);
        let third = page_tiers(&tiers, second.last().copied(), 2);
        assert_eq!(third, [Position::Relevance(3, 1)]);
    }
}
