//! The assets store: what an asset is as the catalog keeps it, the facts use cases check rules
//! against, and the lookups import and the web need (by content hash, by path, by public id).
//! Writing is write.rs (insert, edit, rename, trash, delete, fork); memberships are links.rs
//! (tags, collections, campaigns).
//!
//! Knows the asset tables; rules are atelier-domain's, checked by the caller first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use atelier_domain::{AssetId, Flag, Id, Kind, Label, Rating, Source, Status};
use rusqlite::{Connection, OptionalExtension, params};

use crate::rows::{BrandRow, ProjectRow, UserRow, array, uuid_of};
use crate::{Catalog, CatalogError, Result, paths};

mod links;
mod write;

pub(crate) use write::Arrival;
pub use write::Column;

/// Where an asset's bytes are and what they are.
#[derive(Debug, Clone, PartialEq)]
pub struct FileFacts {
    /// Absolute path (in place) or path relative to the library folder (managed), as the OS
    /// gives it.
    pub path: PathBuf,
    /// True when the library owns the file (copied into `originals/`).
    pub managed: bool,
    /// Size in bytes.
    pub bytes: u64,
    /// MIME type from the content.
    pub mime: String,
    /// Short format name (`jpeg`, `png`…).
    pub format: String,
    /// Modification time of the file, unix milliseconds.
    pub mtime_ms: Option<i64>,
    /// EXIF orientation 1–8 (already applied to renditions).
    pub orientation: u8,
    /// Extension of the grid thumbnail in the cache, when one was made.
    pub thumb: Option<String>,
    /// A video's running time in milliseconds.
    pub duration_ms: Option<i64>,
    /// Modification time of the XMP sidecar read with the file, unix milliseconds.
    pub sidecar_mtime_ms: Option<i64>,
}

/// An asset to insert.
#[derive(Debug, Clone)]
pub struct NewAsset {
    /// Its public id.
    pub id: AssetId,
    /// BLAKE3 of the content.
    pub hash: [u8; 32],
    /// File name shown.
    pub name: String,
    /// Image or video.
    pub kind: Kind,
    /// How it arrived.
    pub source: Source,
    /// Home project.
    pub project: ProjectRow,
    /// Brand.
    pub brand: BrandRow,
    /// Who added it.
    pub creator: UserRow,
    /// Stored pixel width.
    pub width: u32,
    /// Stored pixel height.
    pub height: u32,
    /// When it was added, unix ms.
    pub added_at: i64,
    /// Capture time as the camera wrote it, ISO 8601.
    pub captured_at: Option<String>,
    /// Wall-clock seconds for the Captured sort.
    pub sort_captured: i64,
    /// The generation prompt.
    pub prompt: Option<String>,
    /// Rating read from the file's metadata.
    pub rating: Rating,
    /// Normalised tags.
    pub tags: Vec<String>,
    /// Title from metadata.
    pub title: Option<String>,
    /// Description from metadata.
    pub description: Option<String>,
    /// Display EXIF values, JSON object.
    pub exif_json: Option<String>,
    /// Generation parameters, JSON.
    pub generation_json: Option<String>,
    /// Other searchable words (negative prompt, model, camera…), indexed with the lowest weight.
    pub search_extra: String,
    /// Models the generation names: `(true, hash prefix)` or `(false, model key)`.
    pub model_refs: Vec<(bool, String)>,
    /// What its grid rendition looks like (R13), when analysed.
    pub signature: Option<crate::StoredSignature>,
    /// The file.
    pub file: FileFacts,
}

/// The asset that already holds some content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateOf {
    /// Its id.
    pub id: AssetId,
    /// Where its file is, for people to read (relative to the library for managed files).
    pub path: String,
}

/// What the rules need to know about one asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFacts {
    /// Local row.
    pub seq: i64,
    /// Public id.
    pub id: AssetId,
    /// File name.
    pub name: String,
    /// Review status.
    pub status: Status,
    /// Rating 0–5.
    pub rating: u8,
    /// Culling flag.
    pub flag: Flag,
    /// Colour label.
    pub label: Label,
    /// Brand row.
    pub brand: BrandRow,
    /// The owner, when the brand is a Personal brand.
    pub personal_of: Option<UserRow>,
    /// Whether the brand lets Managers approve their own work.
    pub self_approval: bool,
    /// Who created it.
    pub creator: UserRow,
    /// Home project.
    pub project: ProjectRow,
    /// Who owns the project.
    pub project_owner: UserRow,
    /// Whether the project is shared with the studio.
    pub project_shared: bool,
    /// How many tags it carries.
    pub tag_count: u32,
    /// Whether it is in the Trash.
    pub trashed: bool,
}

/// A file whose last asset was deleted: the library removes (or trashes) it and its renditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreedFile {
    /// BLAKE3 hex of the content.
    pub hash: String,
    /// Absolute (in place) or relative to the library (managed).
    pub path: std::path::PathBuf,
    /// True when the library owns the file.
    pub managed: bool,
    /// The thumbnail's extension, when one exists.
    pub thumb: Option<String>,
}

pub(crate) fn facts(conn: &Connection, seqs: &[i64]) -> Result<Vec<AssetFacts>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.seq, a.uid, a.name, a.status, a.rating, a.flag, a.brand, b.personal_of, b.self_approval,
                a.creator, a.project, p.shared,
                (SELECT count(*) FROM asset_tag t WHERE t.asset = a.seq), p.owner, a.trashed_at IS NOT NULL,
                a.label
         FROM asset a JOIN brand b ON b.id = a.brand JOIN project p ON p.id = a.project
         WHERE a.seq IN rarray(?1)",
    )?;
    let mut by_seq: HashMap<i64, AssetFacts> = HashMap::with_capacity(seqs.len());
    let mut rows = stmt.query([array(seqs)])?;
    while let Some(r) = rows.next()? {
        let uid: Vec<u8> = r.get(1)?;
        let status: i64 = r.get(3)?;
        let flag: i64 = r.get(5)?;
        let f = AssetFacts {
            seq: r.get(0)?,
            id: AssetId::from_uuid(uuid_of(&uid)?),
            name: r.get(2)?,
            status: Status::from_code(status)
                .ok_or_else(|| CatalogError::Corrupt(format!("status {status}")))?,
            rating: r.get(4)?,
            flag: Flag::from_code(flag).ok_or_else(|| CatalogError::Corrupt(format!("flag {flag}")))?,
            brand: BrandRow(r.get(6)?),
            personal_of: r.get::<_, Option<i64>>(7)?.map(UserRow),
            self_approval: r.get(8)?,
            creator: UserRow(r.get(9)?),
            project: ProjectRow(r.get(10)?),
            project_shared: r.get(11)?,
            tag_count: r.get(12)?,
            project_owner: UserRow(r.get(13)?),
            trashed: r.get(14)?,
            label: Label::from_code(r.get(15)?).unwrap_or(Label::None),
        };
        by_seq.insert(f.seq, f);
    }
    Ok(seqs.iter().filter_map(|s| by_seq.remove(s)).collect())
}

pub(crate) fn find_by_hash(conn: &Connection, hash: &[u8; 32]) -> Result<Option<DuplicateOf>> {
    let row: Option<(Vec<u8>, String)> = conn
        .prepare_cached(
            "SELECT a.uid, f.path FROM asset a JOIN asset_file f ON f.asset = a.seq WHERE a.hash = ?1
             ORDER BY a.seq LIMIT 1",
        )?
        .query_row([&hash[..]], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(uid, path)| {
        Ok(DuplicateOf {
            id: AssetId::from_uuid(uuid_of(&uid)?),
            path: paths::display(&path),
        })
    })
    .transpose()
}

impl Catalog {
    /// The local rows of `ids`, in order (`None` for ids that are not in the library).
    pub fn seqs_of(&self, ids: &[AssetId]) -> Result<Vec<Option<i64>>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT seq FROM asset WHERE uid = ?1")?;
        ids.iter()
            .map(|id| Ok(stmt.query_row([id.to_bytes()], |r| r.get(0)).optional()?))
            .collect()
    }

    /// The facts of `seqs`, in the same order; rows that no longer exist are left out.
    pub fn facts(&self, seqs: &[i64]) -> Result<Vec<AssetFacts>> {
        facts(self.conn(), seqs)
    }

    /// The public ids of `seqs`, in order.
    pub fn ids_of(&self, seqs: &[i64]) -> Result<Vec<AssetId>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT uid FROM asset WHERE seq = ?1")?;
        seqs.iter()
            .map(|s| {
                let uid: Vec<u8> = stmt.query_row([s], |r| r.get(0))?;
                Ok(AssetId::from_uuid(uuid_of(&uid)?))
            })
            .collect()
    }

    /// Assets that went to the Trash before `before_ms` (unix ms), oldest first.
    pub fn trashed_before(&self, before_ms: i64) -> Result<Vec<i64>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT seq FROM asset WHERE trashed_at IS NOT NULL AND trashed_at < ?1 ORDER BY trashed_at",
            )?
            .query_map([before_ms], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    /// Whether any asset's file is stored at `path` (as stored: relative for managed files).
    pub fn file_in_use(&self, path: &Path) -> Result<bool> {
        Ok(self
            .conn()
            .prepare_cached("SELECT 1 FROM asset_file WHERE path = ?1 LIMIT 1")?
            .query_row([paths::stored(path)], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The asset that holds this content, if any.
    pub fn find_by_hash(&self, hash: &[u8; 32]) -> Result<Option<DuplicateOf>> {
        find_by_hash(self.conn(), hash)
    }

    /// The asset cataloged at exactly this path with this size and modification time, if
    /// any: lets a re-import skip hashing files it has already seen unchanged.
    pub fn find_unchanged_file(&self, path: &Path, bytes: u64, mtime_ms: i64) -> Result<Option<DuplicateOf>> {
        let row: Option<Vec<u8>> = self
            .conn()
            .prepare_cached(
                "SELECT a.uid FROM asset_file f JOIN asset a ON a.seq = f.asset
                 WHERE f.path = ?1 AND f.bytes = ?2 AND f.mtime_ms = ?3 LIMIT 1",
            )?
            .query_row(params![paths::stored(path), bytes as i64, mtime_ms], |r| r.get(0))
            .optional()?;
        row.map(|uid| {
            Ok(DuplicateOf {
                id: AssetId::from_uuid(uuid_of(&uid)?),
                path: path.to_string_lossy().into_owned(),
            })
        })
        .transpose()
    }
}
