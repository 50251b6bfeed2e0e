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
use atelier_domain::{
    AssetId, AssetQuery, Bucket, Cursor, DateRange, ErrorCode, Id, InvalidInput, Presence, Sort, TagMode,
};
use roaring::RoaringBitmap;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};

use crate::facets::{self, NameKind};
use crate::postings::{self, DAY_OFFSET, Facet, load, load_any, load_range, page_desc};
use crate::views::load_summaries;
use crate::{Catalog, Result, Scope, text};
use atelier_protocol::{BucketCounts, Page};

/// Above this many matches, the Captured sort walks the index instead of sorting the matches.
const SORT_IN_MEMORY_MAX: u64 = 50_000;

/// Field tiers, best first.
const TIERS: usize = 4;

/// A sort key read from the catalog: a number (times, sizes, pixels) or text (names).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Int(i64),
    Text(String),
}

/// Where a page starts: the last item of the previous page, in the order searched.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Position {
    Added(u32),
    Relevance(usize, u32),
    /// Stars, then seq.
    Rating(i64, u32),
    /// A key read from a column ([`Keyed`]), then seq.
    Keyed(Key, u32),
}

impl Position {
    fn seq(&self) -> u32 {
        match *self {
            Position::Added(s)
            | Position::Relevance(_, s)
            | Position::Rating(_, s)
            | Position::Keyed(_, s) => s,
        }
    }
}

fn bad_cursor(c: &Cursor) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::InvalidCursor,
        format!(
            "cursor '{c}' is not valid for this search: pass the `next` value of the previous page of the same search"
        ),
    )
}

/// The cursor's tag for an order: one letter per sort, upper case when ascending.
fn tag(order: Order) -> String {
    let letter = match order.by {
        By::Added => 'a',
        By::Relevance => 'r',
        By::Rating => 't',
        By::Keyed(Keyed::Captured) => 'c',
        By::Keyed(Keyed::Name) => 'n',
        By::Keyed(Keyed::Size) => 's',
        By::Keyed(Keyed::Dimensions) => 'd',
    };
    if order.ascending {
        letter.to_ascii_uppercase().to_string()
    } else {
        letter.to_string()
    }
}

fn parse_cursor(c: &Cursor, order: Order) -> Result<Position, InvalidInput> {
    let mut parts = c.0.split('.');
    if parts.next() != Some(tag(order).as_str()) {
        return Err(bad_cursor(c));
    }
    let rest: Vec<&str> = parts.collect();
    let int = |v: &str| v.parse::<i64>().map_err(|_| bad_cursor(c));
    let seq = |v: &str| v.parse::<u32>().map_err(|_| bad_cursor(c));
    match (order.by, rest.as_slice()) {
        (By::Added, [s]) => Ok(Position::Added(seq(s)?)),
        (By::Relevance, [t, s]) => {
            let t = int(t)?;
            if !(0..TIERS as i64).contains(&t) {
                return Err(bad_cursor(c));
            }
            Ok(Position::Relevance(t as usize, seq(s)?))
        }
        (By::Rating, [r, s]) => Ok(Position::Rating(int(r)?, seq(s)?)),
        (By::Keyed(Keyed::Name), [k, s]) => {
            let bytes = hex_decode(k).ok_or_else(|| bad_cursor(c))?;
            let text = String::from_utf8(bytes).map_err(|_| bad_cursor(c))?;
            Ok(Position::Keyed(Key::Text(text), seq(s)?))
        }
        (By::Keyed(_), [k, s]) => Ok(Position::Keyed(Key::Int(int(k)?), seq(s)?)),
        _ => Err(bad_cursor(c)),
    }
}

fn format_cursor(p: &Position, order: Order) -> Cursor {
    let t = tag(order);
    Cursor(match p {
        Position::Added(s) => format!("{t}.{s}"),
        Position::Relevance(r, s) => format!("{t}.{r}.{s}"),
        Position::Rating(r, s) => format!("{t}.{r}.{s}"),
        Position::Keyed(Key::Int(k), s) => format!("{t}.{k}.{s}"),
        Position::Keyed(Key::Text(k), s) => format!("{t}.{}.{s}", crate::rows::hex(k.as_bytes())),
    })
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The sorts read from a column and its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyed {
    Captured,
    Name,
    Size,
    Dimensions,
}

impl Keyed {
    /// The table, the key expression (as its index spells it) and the asset's seq column.
    fn source(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Keyed::Captured => ("asset", "sort_captured", "seq"),
            Keyed::Name => ("asset", "sort_name", "seq"),
            Keyed::Dimensions => ("asset", "width * height", "seq"),
            Keyed::Size => ("asset_file", "bytes", "asset"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    Added,
    Relevance,
    Rating,
    Keyed(Keyed),
}

/// What a search is ordered by, and which way (`ascending` against the sort's natural order
/// is folded in: this says the direction of the keys themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Order {
    by: By,
    ascending: bool,
}

impl Order {
    fn of(q: &AssetQuery, text: bool) -> Order {
        let by = match q.sort {
            None if text => By::Relevance,
            None | Some(Sort::Added) => By::Added,
            Some(Sort::Captured) => By::Keyed(Keyed::Captured),
            Some(Sort::Name) => By::Keyed(Keyed::Name),
            Some(Sort::Size) => By::Keyed(Keyed::Size),
            Some(Sort::Dimensions) => By::Keyed(Keyed::Dimensions),
            Some(Sort::Rating) => By::Rating,
        };
        let natural_descending = q.sort.is_none_or(Sort::descending);
        let ascending = by != By::Relevance && (natural_descending == q.ascending);
        Order { by, ascending }
    }
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
        let order = Order::of(q, !terms.is_empty());
        let cursor = q.cursor.as_ref().map(|c| parse_cursor(c, order)).transpose()?;

        // One more than a page tells whether a next page exists.
        let (total, mut positions) = if terms.is_empty() {
            page_of(conn, &base, order, cursor, limit + 1)?
        } else {
            let tiers = text_tiers(conn, &terms, &base)?;
            let total = tiers.iter().map(RoaringBitmap::len).sum();
            if order.by == By::Relevance {
                (total, page_tiers(&tiers, cursor, limit + 1))
            } else {
                let all = tiers.into_iter().fold(RoaringBitmap::new(), |a, b| a | b);
                (total, page_of(conn, &all, order, cursor, limit + 1)?.1)
            }
        };
        let more = positions.len() > limit;
        positions.truncate(limit);
        let seqs: Vec<u32> = positions.iter().map(Position::seq).collect();
        let items = load_summaries(conn, &seqs)?;
        let next = if more {
            positions.last().map(|p| format_cursor(p, order))
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
    if let Some(min) = q.min_rating.filter(|r| r.stars() > 0) {
        set &= load_any(conn, (i64::from(min.stars())..=5).map(Facet::Rating))?;
    }
    if !q.labels.is_empty() {
        set &= load_any(conn, q.labels.iter().map(|l| Facet::Label(l.code())))?;
    }
    for (wanted, kind, facet) in [
        (&q.cameras, NameKind::Camera, Facet::Camera as fn(i64) -> Facet),
        (&q.lenses, NameKind::Lens, Facet::Lens),
        (&q.file_types, NameKind::FileType, Facet::FileType),
    ] {
        if !wanted.is_empty() {
            let ids = facets::ids_named(conn, kind, wanted)?;
            set &= load_any(conn, ids.into_iter().map(facet))?;
        }
    }
    if !q.shapes.is_empty() {
        set &= load_any(conn, q.shapes.iter().map(|s| Facet::Shape(s.code())))?;
    }
    match q.gps {
        Some(true) => set &= load(conn, Facet::Gps)?,
        Some(false) => set -= load(conn, Facet::Gps)?,
        None => {}
    }
    if !q.presences.is_empty() {
        set &= presence_set(conn, &q.presences)?;
    }
    if let Some(range) = q.captured.as_ref().filter(|r| !r.is_open()) {
        let (from, to) = range.days()?;
        set &= load_range(
            conn,
            Facet::Day(from.unwrap_or(-DAY_OFFSET)),
            Facet::Day(to.unwrap_or(DAY_OFFSET)),
        )?;
    }
    if let Some(range) = q.added.as_ref().filter(|r| !r.is_open()) {
        set &= added_set(conn, range)?;
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

/// Assets whose original's presence is one of `wanted`. Missing and offline files are few
/// and have their own index; the others are read from the whole file table.
fn presence_set(conn: &Connection, wanted: &[Presence]) -> Result<RoaringBitmap> {
    let mut out = RoaringBitmap::new();
    for p in wanted {
        let sql = if matches!(p, Presence::Missing | Presence::Offline) {
            "SELECT asset FROM asset_file WHERE presence IN (1, 2) AND presence = ?1"
        } else {
            "SELECT asset FROM asset_file WHERE presence = ?1"
        };
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([p.code()])?;
        while let Some(r) = rows.next()? {
            out.insert(postings::seq_u32(r.get(0)?)?);
        }
    }
    Ok(out)
}

/// Assets added within a range of days (the caller's calendar: its offset from UTC). As for
/// "Recently added", `added_at` grows with `seq`, so the range is a range of seqs.
fn added_set(conn: &Connection, range: &DateRange) -> Result<RoaringBitmap> {
    const DAY_MS: i64 = 86_400_000;
    let (from, to) = range.days()?;
    let offset = i64::from(range.offset_minutes) * 60_000;
    let first: Option<i64> = match from {
        None => Some(0),
        Some(d) => conn
            .prepare_cached("SELECT seq FROM asset WHERE added_at >= ?1 ORDER BY added_at, seq LIMIT 1")?
            .query_row([d * DAY_MS - offset], |r| r.get(0))
            .optional()?,
    };
    let last: Option<i64> = match to {
        None => Some(i64::from(u32::MAX)),
        Some(d) => conn
            .prepare_cached(
                "SELECT seq FROM asset WHERE added_at < ?1 ORDER BY added_at DESC, seq DESC LIMIT 1",
            )?
            .query_row([(d + 1) * DAY_MS - offset], |r| r.get(0))
            .optional()?,
    };
    let mut set = RoaringBitmap::new();
    if let (Some(first), Some(last)) = (first, last)
        && first <= last
    {
        set.insert_range(postings::seq_u32(first)?..=postings::seq_u32(last)?);
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

/// Up to `limit` members of `bits` above `after` (all when `None`), lowest first.
fn page_asc(bits: &RoaringBitmap, after: Option<u32>, limit: usize) -> Vec<u32> {
    let skip = after.map_or(0, |a| bits.rank(a));
    bits.iter().skip(skip as usize).take(limit).collect()
}

fn page_of(
    conn: &Connection,
    set: &RoaringBitmap,
    order: Order,
    cursor: Option<Position>,
    limit: usize,
) -> Result<(u64, Vec<Position>)> {
    let total = set.len();
    let page = match order.by {
        By::Added | By::Relevance => {
            let from = match cursor {
                Some(Position::Added(s)) => Some(s),
                _ => None,
            };
            let seqs = if order.ascending {
                page_asc(set, from, limit)
            } else {
                page_desc(set, from, limit)
            };
            seqs.into_iter().map(Position::Added).collect()
        }
        By::Rating => page_rating(conn, set, order.ascending, cursor, limit)?,
        By::Keyed(k) => {
            let after = match cursor {
                Some(Position::Keyed(key, s)) => Some((key, s)),
                _ => None,
            };
            page_keyed(conn, set, k, order.ascending, after, limit)?
        }
    };
    Ok((total, page))
}

/// By stars: the members of each rating's posting in turn, newest first within (oldest first
/// when ascending).
fn page_rating(
    conn: &Connection,
    set: &RoaringBitmap,
    ascending: bool,
    cursor: Option<Position>,
    limit: usize,
) -> Result<Vec<Position>> {
    let stars: Vec<i64> = if ascending {
        (0..=5).collect()
    } else {
        (0..=5).rev().collect()
    };
    let (start, from) = match cursor {
        Some(Position::Rating(r, s)) => (Some(r), Some(s)),
        _ => (None, None),
    };
    let mut out = Vec::with_capacity(limit);
    let mut started = start.is_none();
    for r in stars {
        if !started {
            if Some(r) != start {
                continue;
            }
            started = true;
        }
        let bits = set & load(conn, Facet::Rating(r))?;
        let from = if Some(r) == start { from } else { None };
        let left = limit - out.len();
        let seqs = if ascending {
            page_asc(&bits, from, left)
        } else {
            page_desc(&bits, from, left)
        };
        out.extend(seqs.into_iter().map(|s| Position::Rating(r, s)));
        if out.len() == limit {
            break;
        }
    }
    Ok(out)
}

/// By a column's key (capture time, name, size, pixels), past `after`. Two ways, chosen by
/// expected cost: walk the column's `(key, seq)` index keeping members of `set` (cheap when
/// members are dense: about `limit × all / matches` index entries), or fetch every match's key
/// and sort (cheap when they are few). A walk that finds its page slower than predicted
/// (matches clustered far down the index) goes on while it still costs less than sorting
/// would, then gives up and sorts: at worst twice the sort, and a walk that gets through
/// serves the next pages from its cursor at the same price, where sorting costs it again.
fn page_keyed(
    conn: &Connection,
    set: &RoaringBitmap,
    keyed: Keyed,
    ascending: bool,
    after: Option<(Key, u32)>,
    limit: usize,
) -> Result<Vec<Position>> {
    let matches = set.len();
    if matches == 0 {
        return Ok(Vec::new());
    }
    let all = load(conn, Facet::All)?.len().max(1);
    // Measured here: an index step costs about a tenth of a row fetched by rowid (on the
    // million, 2026-12-08: nearer a fortieth — 400,000 steps in 16 ms against 46,761 keys
    // fetched in 85 ms — so the budget below, one sort's worth of steps, is a safe side).
    let walk_steps = (limit as u64 + 1) * all / matches;
    let sort_cost = matches.min(SORT_IN_MEMORY_MAX * 4) * 10;
    if matches > SORT_IN_MEMORY_MAX || walk_steps < sort_cost {
        let budget = if matches > SORT_IN_MEMORY_MAX {
            u64::MAX
        } else {
            sort_cost.max(10_000)
        };
        if let Some(page) = walk_keyed(conn, set, keyed, ascending, after.as_ref(), limit, budget)? {
            return Ok(page);
        }
    }
    let (table, key, seq) = keyed.source();
    let list: Rc<Vec<Value>> = Rc::new(set.iter().map(|s| Value::Integer(i64::from(s))).collect());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {key}, {seq} FROM {table} WHERE {seq} IN rarray(?1)"
    ))?;
    let mut keys: Vec<(Key, u32)> = stmt
        .query_map([list], |r| Ok((read_key(r, 0)?, r.get::<_, i64>(1)?)))?
        .map(|r| {
            let (k, s) = r?;
            Ok((k, postings::seq_u32(s)?))
        })
        .collect::<Result<_>>()?;
    if let Some(after) = &after {
        keys.retain(|k| if ascending { k > after } else { k < after });
    }
    if ascending {
        keys.sort_unstable();
    } else {
        keys.sort_unstable_by(|a, b| b.cmp(a));
    }
    keys.truncate(limit);
    Ok(keys.into_iter().map(|(k, s)| Position::Keyed(k, s)).collect())
}

fn read_key(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Key> {
    Ok(match r.get_ref(at)? {
        rusqlite::types::ValueRef::Text(t) => Key::Text(String::from_utf8_lossy(t).into_owned()),
        rusqlite::types::ValueRef::Integer(i) => Key::Int(i),
        rusqlite::types::ValueRef::Real(f) => Key::Int(f as i64),
        _ => Key::Int(0),
    })
}

fn key_value(k: &Key) -> Value {
    match k {
        Key::Int(i) => Value::Integer(*i),
        Key::Text(t) => Value::Text(t.clone()),
    }
}

/// Walks a column's index from `after` in the order asked; `None` when `budget` steps were not
/// enough to fill the page.
fn walk_keyed(
    conn: &Connection,
    set: &RoaringBitmap,
    keyed: Keyed,
    ascending: bool,
    after: Option<&(Key, u32)>,
    limit: usize,
    budget: u64,
) -> Result<Option<Vec<Position>>> {
    let (table, key, seq) = keyed.source();
    let (cmp, dir) = if ascending { (">", "ASC") } else { ("<", "DESC") };
    let from = if after.is_some() {
        format!("WHERE ({key}, {seq}) {cmp} (?1, ?2)")
    } else {
        String::new()
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {key}, {seq} FROM {table} {from} ORDER BY {key} {dir}, {seq} {dir}"
    ))?;
    let mut rows = match after {
        Some((k, s)) => stmt.query(params![key_value(k), i64::from(*s)])?,
        None => stmt.query([])?,
    };
    let mut out = Vec::with_capacity(limit);
    let mut steps = 0u64;
    while let Some(r) = rows.next()? {
        steps += 1;
        if steps > budget {
            return Ok(None);
        }
        let seq = postings::seq_u32(r.get(1)?)?;
        if set.contains(seq) {
            out.push(Position::Keyed(read_key(r, 0)?, seq));
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
        let order = |by, ascending| Order { by, ascending };
        for (p, o) in [
            (Position::Added(7), order(By::Added, false)),
            (Position::Added(7), order(By::Added, true)),
            (
                Position::Keyed(Key::Int(-5), 9),
                order(By::Keyed(Keyed::Captured), false),
            ),
            (
                Position::Keyed(Key::Text("img_0.2b".into()), 9),
                order(By::Keyed(Keyed::Name), true),
            ),
            (Position::Rating(3, 4), order(By::Rating, false)),
            (Position::Relevance(2, 11), order(By::Relevance, false)),
        ] {
            assert_eq!(parse_cursor(&format_cursor(&p, o), o).unwrap(), p);
        }
        let added = order(By::Added, false);
        for bad in ["", "a", "a.x", "r.9.1", "c.1", "z.1", "a.-1", "A.3"] {
            assert_eq!(
                parse_cursor(&Cursor(bad.into()), added).unwrap_err().code,
                "invalid_cursor",
                "{bad}"
            );
        }
    }

    #[test]
    fn ascending_pages_walk_up_from_the_cursor() {
        let bits: RoaringBitmap = [1, 5, 9, 70_000].into_iter().collect();
        assert_eq!(page_asc(&bits, None, 2), [1, 5]);
        assert_eq!(page_asc(&bits, Some(5), 10), [9, 70_000]);
        assert_eq!(page_asc(&bits, Some(70_000), 10), Vec::<u32>::new());
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
        let second = page_tiers(&tiers, first.last().cloned(), 2);
        assert_eq!(second, [Position::Relevance(1, 7), Position::Relevance(3, 2)]);
        let third = page_tiers(&tiers, second.last().cloned(), 2);
        assert_eq!(third, [Position::Relevance(3, 1)]);
    }
}
