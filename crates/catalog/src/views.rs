//! What reads return: the grid's [`AssetSummary`] and the details view's [`AssetDetail`],
//! serialised as the CLI's and the web API's JSON.

use std::collections::HashMap;
use std::rc::Rc;

use atelier_domain::{AssetId, Flag, Id, Kind, Rating, Source, Status};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use crate::org::uuid_of;
use crate::{Catalog, CatalogError, Result};

/// One asset as a grid card and a search result show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AssetSummary {
    /// Public id.
    pub id: AssetId,
    /// File name.
    pub name: String,
    /// Image or video.
    pub kind: Kind,
    /// How it arrived.
    pub source: Source,
    /// Review status.
    pub status: Status,
    /// 0 (none) to 5.
    pub rating: Rating,
    /// Culling flag.
    pub flag: Flag,
    /// Tags, sorted ignoring case.
    pub tags: Vec<String>,
    /// Brand name ("Personal" for the user's Personal brand).
    pub brand: String,
    /// Project name.
    pub project: String,
    /// Who added it (display name).
    pub creator: String,
    /// Stored pixel width.
    pub width: u32,
    /// Stored pixel height.
    pub height: u32,
    /// When it was added (RFC 3339, UTC).
    pub added_at: String,
    /// When the camera captured it, as it recorded it (ISO 8601, with offset when known).
    pub captured_at: Option<String>,
    /// Generation prompt, for generated assets.
    pub prompt: Option<String>,
    /// Whether the original is where the catalog says (`missing`: deleted on disk; `offline`:
    /// its drive is unplugged — the thumbnail still shows).
    pub presence: crate::Presence,
    /// A video's running time in seconds (the card's duration badge); `null` for stills.
    pub duration: Option<f64>,
    /// For a stack's cover, how many assets the stack holds (the card's count); `null` otherwise.
    pub stack_count: Option<u32>,
    /// Whether it is in the Trash (deleted, restorable).
    pub trashed: bool,
    /// The grid thumbnail's file extension in the cache; `None` while it is being made.
    #[serde(skip)]
    pub thumb_ext: Option<String>,
    /// BLAKE3 of the content, hex.
    #[serde(skip)]
    pub hash: String,
}

/// Everything about one asset (the Info panel, `atelier show`).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AssetDetail {
    /// The summary fields.
    #[serde(flatten)]
    pub summary: AssetSummary,
    /// BLAKE3 of the content, hex.
    pub hash: String,
    /// Where the original is: absolute for files added in place, absolute inside the library
    /// for managed ones (resolved by the library).
    #[serde(serialize_with = "crate::paths::serialize_lossy")]
    #[ts(type = "string")]
    pub path: std::path::PathBuf,
    /// True when the library manages the file (it was copied in).
    pub managed: bool,
    /// Size in bytes.
    #[ts(type = "number")]
    pub bytes: u64,
    /// MIME type from the content.
    pub mime: String,
    /// Short format name.
    pub format: String,
    /// EXIF orientation, 1–8.
    pub orientation: u8,
    /// Title from the file's metadata.
    pub title: Option<String>,
    /// Description from the file's metadata.
    pub description: Option<String>,
    /// Camera, lens, exposure, GPS… as display values.
    #[ts(type = "Record<string, unknown>")]
    pub exif: serde_json::Value,
    /// AI generation parameters, when the file carries them.
    #[ts(type = "Record<string, unknown> | null")]
    pub generation: Option<serde_json::Value>,
    /// Collection paths it is filed in.
    pub collections: Vec<String>,
    /// Campaign names it belongs to.
    pub campaigns: Vec<String>,
    /// The cataloged models its generation parameters name.
    pub models: Vec<crate::ModelLink>,
    /// The assets of its stack, cover first (empty when it is not stacked).
    pub stack: Vec<AssetId>,
    /// Path of the grid thumbnail, when it exists (filled by the library).
    pub thumbnail: Option<String>,
}

const SUMMARY_COLUMNS: &str =
    "a.seq, a.uid, a.name, a.kind, a.source, a.status, a.rating, a.flag, b.name, p.name,
     u.display_name, a.width, a.height, a.added_at, a.captured_at, a.prompt, f.thumb, a.hash, f.presence,
     f.duration_ms, (SELECT count(*) FROM asset s WHERE s.stack = a.seq), a.trashed_at IS NOT NULL";

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
    let hash: Vec<u8> = r.get(17)?;
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
            brand: r.get(8)?,
            project: r.get(9)?,
            creator: r.get(10)?,
            width: r.get(11)?,
            height: r.get(12)?,
            added_at: format_ms(r.get(13)?),
            captured_at: r.get(14)?,
            prompt: r.get(15)?,
            thumb_ext: r.get(16)?,
            hash: hex(&hash),
            presence: crate::Presence::from_code(r.get(18)?),
            duration: r.get::<_, Option<i64>>(19)?.map(|ms| ms.max(0) as f64 / 1000.0),
            stack_count: u32::try_from(r.get::<_, i64>(20)?).ok().filter(|n| *n > 1),
            trashed: r.get(21)?,
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
    pub fn detail(&self, id: AssetId) -> Result<AssetDetail> {
        let seq = self.seq_of(id)?;
        let summary = self.summary(id)?;
        let conn = self.conn();
        let (path, managed, bytes, mime, format, orientation): (String, bool, i64, String, String, u8) = conn
            .prepare_cached(
                "SELECT path, managed, bytes, mime, format, orientation FROM asset_file WHERE asset = ?1",
            )?
            .query_row([seq], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
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
        Ok(AssetDetail {
            hash: summary.hash.clone(),
            summary,
            path: crate::paths::local(&path),
            managed,
            bytes: bytes as u64,
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
            thumbnail: None,
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

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Now, unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
