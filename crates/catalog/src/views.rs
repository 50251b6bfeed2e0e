//! What reads return: the grid's [`AssetSummary`] and the details view's [`AssetDetail`],
//! serialised as the CLI's and the web API's JSON.

use std::collections::HashMap;
use std::rc::Rc;

use atelier_domain::ids::{BrandId, ProjectId};
use atelier_domain::{AssetId, Flag, Id, Kind, Rating, Source, Status};
pub use atelier_protocol::{AssetDetail, AssetSummary};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::rows::{hex, uuid_of};
use crate::{Catalog, CatalogError, Result};

/// One asset as the catalog holds it: what crosses the wire ([`AssetDetail`]) and what stays
/// on this machine — where its file is and its thumbnail's extension.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAsset {
    /// What every edge may see.
    pub detail: AssetDetail,
    /// Absolute for files added in place; relative to the library folder for managed ones.
    pub path: std::path::PathBuf,
    /// The grid thumbnail's file extension in the cache; `None` while it is being made.
    pub thumb_ext: Option<String>,
}

const SUMMARY_COLUMNS: &str =
    "a.seq, a.uid, a.name, a.kind, a.source, a.status, a.rating, a.flag, b.name, p.name,
     u.display_name,
     CASE WHEN f.orientation BETWEEN 5 AND 8 THEN a.height ELSE a.width END,
     CASE WHEN f.orientation BETWEEN 5 AND 8 THEN a.width ELSE a.height END, a.added_at, a.captured_at, a.prompt, f.thumb, a.hash, f.presence,
     f.duration_ms, (SELECT count(*) FROM asset s WHERE s.stack = a.seq), a.trashed_at IS NOT NULL, b.uid,
     p.uid, (p.shared AND u.is_local AND f.presence != 3
             AND NOT EXISTS (SELECT 1 FROM sent_file x WHERE x.hash = a.hash)), a.label, f.bytes";

const SUMMARY_FROM: &str = "asset a JOIN brand b ON b.id = a.brand JOIN project p ON p.id = a.project
     JOIN user u ON u.id = a.creator JOIN asset_file f ON f.asset = a.seq";

fn corrupt(what: &str, v: i64) -> CatalogError {
    CatalogError::Corrupt(format!("unknown {what} code {v}"))
}

fn summary_from_row(r: &rusqlite::Row<'_>) -> Result<(i64, AssetSummary)> {
    let seq: i64 = r.get(0)?;
    let uid: Vec<u8> = r.get(1)?;
    let code = |i: usize| -> Result<i64> { Ok(r.get::<_, i64>(i)?) };
    let rating = u8::try_from(code(6)?)
        .ok()
        .and_then(|v| Rating::new(v).ok())
        .ok_or_else(|| corrupt("rating", 0))?;
    Ok((
        seq,
        AssetSummary {
            id: AssetId::from_uuid(uuid_of(&uid)?),
            name: r.get(2)?,
            kind: Kind::from_code(code(3)?).ok_or_else(|| corrupt("kind", 3))?,
            source: Source::from_code(code(4)?).ok_or_else(|| corrupt("source", 4))?,
            status: Status::from_code(code(5)?).ok_or_else(|| corrupt("status", 5))?,
            rating,
            flag: Flag::from_code(code(7)?).ok_or_else(|| corrupt("flag", 7))?,
            tags: Vec::new(),
            brand_id: BrandId::from_uuid(uuid_of(&r.get::<_, Vec<u8>>(22)?)?),
            brand: r.get(8)?,
            project_id: ProjectId::from_uuid(uuid_of(&r.get::<_, Vec<u8>>(23)?)?),
            project: r.get(9)?,
            creator: r.get(10)?,
            width: r.get(11)?,
            height: r.get(12)?,
            added_at: format_ms(r.get(13)?),
            captured_at: r.get(14)?,
            prompt: r.get(15)?,
            presence: crate::Presence::from_code(r.get(18)?).unwrap_or(crate::Presence::Ok),
            duration: r.get::<_, Option<i64>>(19)?.map(|ms| ms.max(0) as f64 / 1000.0),
            stack_count: u32::try_from(r.get::<_, i64>(20)?).ok().filter(|n| *n > 1),
            trashed: r.get(21)?,
            unsent: r.get(24)?,
            label: atelier_domain::Label::from_code(r.get(25)?).unwrap_or_default(),
            bytes: u64::try_from(r.get::<_, i64>(26)?).unwrap_or(0),
        },
    ))
}

/// Loads the summaries of `seqs`, in that order.
pub(crate) fn load_summaries(conn: &Connection, seqs: &[u32]) -> Result<Vec<AssetSummary>> {
    Ok(load_keyed_summaries(conn, seqs)?
        .into_iter()
        .map(|(_, s)| s)
        .collect())
}

/// Summaries of `seqs` with their seq, in the order given; seqs not in the catalog are left out.
pub(crate) fn load_keyed_summaries(conn: &Connection, seqs: &[u32]) -> Result<Vec<(u32, AssetSummary)>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    let list: Rc<Vec<Value>> = Rc::new(seqs.iter().map(|s| Value::Integer(i64::from(*s))).collect());
    let mut by_seq: HashMap<i64, AssetSummary> = HashMap::with_capacity(seqs.len());
    {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE a.seq IN rarray(?1)"
        ))?;
        let mut rows = stmt.query([list.clone()])?;
        while let Some(r) = rows.next()? {
            let (seq, s) = summary_from_row(r)?;
            by_seq.insert(seq, s);
        }
    }
    {
        let mut stmt = conn.prepare_cached(
            "SELECT at.asset, t.name FROM asset_tag at JOIN tag t ON t.id = at.tag
             WHERE at.asset IN rarray(?1) ORDER BY t.key",
        )?;
        let mut rows = stmt.query([list])?;
        while let Some(r) = rows.next()? {
            if let Some(s) = by_seq.get_mut(&r.get::<_, i64>(0)?) {
                s.tags.push(r.get(1)?);
            }
        }
    }
    Ok(seqs
        .iter()
        .filter_map(|s| Some((*s, by_seq.remove(&i64::from(*s))?)))
        .collect())
}

impl Catalog {
    /// The summary of one asset.
    pub fn summary(&self, id: AssetId) -> Result<AssetSummary> {
        let seq = self.seq_of(id)?;
        load_summaries(self.conn(), &[crate::postings::seq_u32(seq)?])?
            .pop()
            .ok_or_else(|| CatalogError::not_found("asset", id.to_string()))
    }

    /// Everything about one asset; `NotFound` when there is no such asset.
    pub fn detail(&self, id: AssetId) -> Result<StoredAsset> {
        let seq = self.seq_of(id)?;
        let summary = self.summary(id)?;
        let conn = self.conn();
        type File = (String, bool, String, String, u8, Option<String>, Vec<u8>);
        let (path, managed, mime, format, orientation, thumb_ext, hash): File = conn
            .prepare_cached(
                "SELECT f.path, f.managed, f.mime, f.format, f.orientation, f.thumb, a.hash
                 FROM asset_file f JOIN asset a ON a.seq = f.asset WHERE f.asset = ?1",
            )?
            .query_row([seq], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?;
        type Meta = (Option<String>, Option<String>, Option<String>, Option<String>);
        let meta: Option<Meta> = conn
            .prepare_cached("SELECT title, description, exif, generation FROM asset_meta WHERE asset = ?1")?
            .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        let (title, description, exif, generation) = meta.unwrap_or_default();
        let parse = |s: Option<String>| -> Result<Option<serde_json::Value>> {
            s.map(|s| {
                serde_json::from_str(&s).map_err(|e| CatalogError::Corrupt(format!("stored JSON: {e}")))
            })
            .transpose()
        };
        let collections = collection_paths(conn, seq)?;
        let campaigns: Vec<String> = conn
            .prepare_cached(
                "SELECT c.name FROM campaign_asset ca JOIN campaign c ON c.id = ca.campaign
                 WHERE ca.asset = ?1 ORDER BY c.name_key",
            )?
            .query_map([seq], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let detail = AssetDetail {
            hash: hex(&hash),
            summary,
            managed,
            mime,
            format,
            orientation,
            title,
            description,
            exif: parse(exif)?.unwrap_or_else(|| serde_json::Value::Object(Default::default())),
            generation: parse(generation)?,
            collections,
            campaigns,
            models: Catalog::asset_models(conn, seq)?,
            stack: self.stack_ids(seq)?,
            stack_kinds: self.stack_kinds(seq)?,
        };
        Ok(StoredAsset {
            detail,
            path: crate::paths::local(&path),
            thumb_ext,
        })
    }

    /// The local row of an asset.
    pub(crate) fn seq_of(&self, id: AssetId) -> Result<i64> {
        self.conn()
            .prepare_cached("SELECT seq FROM asset WHERE uid = ?1")?
            .query_row([id.to_bytes()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| CatalogError::not_found("asset", id.to_string()))
    }
}

/// Full paths ("Shoots/2026/June") of the collections holding an asset.
fn collection_paths(conn: &Connection, seq: i64) -> Result<Vec<String>> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT collection FROM collection_asset WHERE asset = ?1")?
        .query_map([seq], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut paths = Vec::new();
    let mut up = conn.prepare_cached("SELECT name, parent FROM collection WHERE id = ?1")?;
    for id in ids {
        let mut parts = Vec::new();
        let mut at = Some(id);
        while let Some(c) = at {
            let (name, parent): (String, Option<i64>) = up.query_row([c], |r| Ok((r.get(0)?, r.get(1)?)))?;
            parts.push(name);
            at = parent;
            if parts.len() > 1000 {
                return Err(CatalogError::Corrupt("collection tree has a cycle".into()));
            }
        }
        parts.reverse();
        paths.push(parts.join("/"));
    }
    paths.sort_by_key(|p| p.to_lowercase());
    Ok(paths)
}

/// Unix milliseconds as RFC 3339 UTC with milliseconds.
pub(crate) fn format_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}
