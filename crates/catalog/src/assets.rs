//! Writing assets: insertion with everything that indexes them (postings, full text, tags,
//! the journal) in one transaction, and the lookups import uses to dedupe.

use std::path::{Path, PathBuf};

use atelier_domain::{AssetId, Id, Kind, Rating, Source};
use rusqlite::{Connection, OptionalExtension, params};

use crate::org::{BrandRow, ProjectRow, UserRow, uuid_of};
use crate::postings::{Facet, seq_u32};
use crate::{Catalog, Result, Tx, paths, text};

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

impl Tx<'_> {
    /// Inserts an asset unless its content is already in the library, in which case the
    /// existing asset is returned and nothing changes.
    pub fn insert_asset(&mut self, a: &NewAsset) -> Result<Result<i64, DuplicateOf>> {
        if let Some(dup) = find_by_hash(&self.tx, &a.hash)? {
            return Ok(Err(dup));
        }
        let seq = self.insert_row(a)?;
        Ok(Ok(seq))
    }

    fn insert_row(&mut self, a: &NewAsset) -> Result<i64> {
        let tx = &self.tx;
        // `added_at` never decreases along `seq`, so "Recently added" is a seq range (a clock
        // stepping back must not hide new assets from it).
        let latest: Option<i64> = tx
            .prepare_cached("SELECT max(added_at) FROM asset")?
            .query_row([], |r| r.get(0))?;
        let added_at = latest.map_or(a.added_at, |l| l.max(a.added_at));
        tx.prepare_cached(
            "INSERT INTO asset (uid, hash, name, kind, source, project, brand, creator, width, height,
                                added_at, captured_at, sort_captured, prompt, rating)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?
        .execute(params![
            a.id.to_bytes(),
            a.hash,
            a.name,
            a.kind.code(),
            a.source.code(),
            a.project.0,
            a.brand.0,
            a.creator.0,
            a.width,
            a.height,
            added_at,
            a.captured_at,
            a.sort_captured,
            a.prompt,
            a.rating.stars(),
        ])?;
        let seq = tx.last_insert_rowid();
        let f = &a.file;
        tx.prepare_cached(
            "INSERT INTO asset_file (asset, path, managed, bytes, mime, format, mtime_ms, orientation, thumb, duration_ms,
                                     sidecar_mtime_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            seq,
            paths::stored(&f.path),
            f.managed,
            f.bytes as i64,
            f.mime,
            f.format,
            f.mtime_ms,
            f.orientation,
            f.thumb,
            f.duration_ms,
            f.sidecar_mtime_ms
        ])?;
        if a.title.is_some()
            || a.description.is_some()
            || a.exif_json.is_some()
            || a.generation_json.is_some()
        {
            tx.prepare_cached(
                "INSERT INTO asset_meta (asset, title, description, exif, generation) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![seq, a.title, a.description, a.exif_json, a.generation_json])?;
        }
        let tag_ids = self.ensure_tags(&a.tags, a.added_at)?;
        {
            let mut link = self
                .tx
                .prepare_cached("INSERT OR IGNORE INTO asset_tag (tag, asset) VALUES (?1, ?2)")?;
            for t in &tag_ids {
                link.execute(params![t, seq])?;
            }
        }
        index_text(
            &self.tx,
            seq,
            true,
            [&a.name, a.prompt.as_deref().unwrap_or(""), &a.search_extra],
            self.stage_terms,
        )?;

        let s = seq_u32(seq)?;
        let p = &mut self.postings;
        p.add(Facet::All, s);
        p.add(Facet::Kind(a.kind.code()), s);
        p.add(Facet::Source(a.source.code()), s);
        p.add(Facet::Status(0), s);
        p.add(Facet::Rating(i64::from(a.rating.stars())), s);
        p.add(Facet::Flag(0), s);
        p.add(Facet::Brand(a.brand.0), s);
        p.add(Facet::Project(a.project.0), s);
        for t in tag_ids {
            p.add(Facet::Tag(t), s);
        }
        self.imported.push((a.creator, added_at, a.id.to_bytes()));
        self.set_model_refs(seq, &a.model_refs)?;
        if let Some(sig) = &a.signature {
            self.set_signature(seq, sig)?;
        }
        // What the import read is what the files say: nothing to write back.
        self.tx
            .prepare_cached("DELETE FROM sidecar_pending WHERE asset = ?1")?
            .execute([seq])?;
        Ok(seq)
    }

    /// Whether any asset's file is stored at `path` (as stored: relative for managed files).
    pub fn file_in_use(&self, path: &Path) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM asset_file WHERE path = ?1 LIMIT 1")?
            .query_row([paths::stored(path)], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Records the grid thumbnail's extension once it exists in the cache.
    pub fn set_thumb(&mut self, id: AssetId, ext: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE asset_file SET thumb = ?2 WHERE asset = (SELECT seq FROM asset WHERE uid = ?1)",
            params![id.to_bytes(), ext],
        )?;
        Ok(())
    }
}

/// Writes an asset's full-text rows: name, prompt and other metadata (`texts`, in that
/// order; tags are indexed per tag, see `index_tag`). `fresh` rows have never been indexed;
/// others replace what was there. `stage` queues the words for the term dictionary (bulk
/// loads rebuild the dictionary once at the end instead).
pub(crate) fn index_text(
    conn: &Connection,
    seq: i64,
    fresh: bool,
    texts: [&str; 3],
    stage: bool,
) -> Result<()> {
    let name = text::name_text(texts[0]);
    let fields = [(0, name.as_str()), (2, texts[1]), (3, texts[2])];
    for (field, text) in fields {
        let table = text::FIELDS[field];
        if !fresh {
            conn.prepare_cached(&format!("DELETE FROM {table} WHERE rowid = ?1"))?
                .execute([seq])?;
        }
        if !text.trim().is_empty() {
            conn.prepare_cached(&format!("INSERT INTO {table} (rowid, text) VALUES (?1, ?2)"))?
                .execute(params![seq, text])?;
        }
    }
    if stage {
        text::stage_terms(conn, &[name.as_str(), "", texts[1], texts[2]])?;
    }
    Ok(())
}

/// Indexes a tag's name (rowid = tag id), replacing what was there.
pub(crate) fn index_tag(conn: &Connection, tag: i64, name: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM fts_tags WHERE rowid = ?1")?
        .execute([tag])?;
    conn.prepare_cached("INSERT INTO fts_tags (rowid, text) VALUES (?1, ?2)")?
        .execute(params![tag, name])?;
    text::stage_terms(conn, &["", name, "", ""])
}

fn find_by_hash(conn: &Connection, hash: &[u8; 32]) -> Result<Option<DuplicateOf>> {
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
