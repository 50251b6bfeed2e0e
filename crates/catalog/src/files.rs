//! Where assets' files are: watched folders, files added in place and their presence (ok,
//! missing, offline), relinking after a move, and refreshing an asset whose file changed.
//! Deciding *what* happened on disk is atelier-library's job; this module records it.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use atelier_domain::{AssetId, ErrorCode, Id, Presence};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

use crate::rows::{ProjectRow, UserRow, uuid_of};
use crate::{Catalog, CatalogError, Result, Tx, journal, paths};
use atelier_protocol::{ChangeAction, Entity};

/// A folder a project watches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WatchedFolder {
    /// The folder (absolute).
    #[serde(serialize_with = "paths::serialize_lossy")]
    #[ts(type = "string")]
    pub path: PathBuf,
    /// The project its new files land in.
    pub project: String,
    /// The project's row.
    #[serde(skip)]
    #[ts(skip)]
    pub project_row: i64,
    /// Who owns the project: new files are imported as them.
    #[serde(skip)]
    #[ts(skip)]
    pub owner: UserRow,
}

/// A file added in place, as the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InPlaceFile {
    /// The asset's row.
    pub seq: i64,
    /// The asset.
    pub id: AssetId,
    /// Absolute path.
    pub path: PathBuf,
    /// Size when last seen.
    pub bytes: u64,
    /// Modification time when last seen, unix ms.
    pub mtime_ms: Option<i64>,
    /// Presence now.
    pub presence: Presence,
    /// BLAKE3 of the content.
    pub hash: [u8; 32],
    /// When Atelier last read or wrote the file's XMP sidecar, unix ms.
    pub sidecar_mtime_ms: Option<i64>,
}

impl Catalog {
    /// Every watched folder, with its project.
    pub fn watched_folders(&self) -> Result<Vec<WatchedFolder>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT w.path, p.name, p.id, p.owner FROM watched_folder w JOIN project p ON p.id = w.project
             ORDER BY w.path",
        )?;
        Ok(stmt
            .query_map([], |r| {
                Ok(WatchedFolder {
                    path: paths::local(&r.get::<_, String>(0)?),
                    project: r.get(1)?,
                    project_row: r.get(2)?,
                    owner: UserRow(r.get(3)?),
                })
            })?
            .collect::<Result<_, _>>()?)
    }

    /// Every file added in place (managed copies are the library's own business).
    pub fn in_place_files(&self) -> Result<Vec<InPlaceFile>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.asset, a.uid, f.path, f.bytes, f.mtime_ms, f.presence, a.hash, f.sidecar_mtime_ms
             FROM asset_file f JOIN asset a ON a.seq = f.asset WHERE f.managed = 0",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Vec<u8>>(6)?,
                r.get::<_, Option<i64>>(7)?,
            ))
        })?;
        rows.map(|row| {
            let (seq, uid, path, bytes, mtime_ms, presence, hash, sidecar_mtime_ms) = row?;
            Ok(InPlaceFile {
                seq,
                id: AssetId::from_uuid(uuid_of(&uid)?),
                path: paths::local(&path),
                bytes: bytes as u64,
                mtime_ms,
                presence: Presence::from_code(presence).unwrap_or(Presence::Ok),
                hash: hash
                    .try_into()
                    .map_err(|_| CatalogError::Corrupt("a content hash is not 32 bytes".into()))?,
                sidecar_mtime_ms,
            })
        })
        .collect()
    }
}

impl Tx<'_> {
    /// Adds a watched folder to a project (a folder is watched by one project at most).
    pub fn add_watched(&mut self, project: ProjectRow, path: &Path, actor: UserRow, now: i64) -> Result<()> {
        let stored = paths::stored(path);
        let taken: Option<String> = self
            .tx
            .query_row(
                "SELECT p.name FROM watched_folder w JOIN project p ON p.id = w.project WHERE w.path = ?1",
                [&stored],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(p) = taken {
            return Err(atelier_domain::InvalidInput::new(
                ErrorCode::AlreadyWatched,
                format!("{} is already watched by project '{p}'", path.display()),
            )
            .into());
        }
        self.tx.execute(
            "INSERT INTO watched_folder (project, path, added_at) VALUES (?1, ?2, ?3)",
            params![project.0, stored, now],
        )?;
        let path = path.to_string_lossy();
        let subject = journal::uid_of(&self.tx, "project", project.0)?;
        journal::record(
            &self.tx,
            journal::Entry::about(
                now,
                actor,
                Entity::Project,
                ChangeAction::WatchAdd,
                Some(&subject),
            )
            .change(None, Some(json!({ "path": path }))),
        )
    }

    /// Stops watching a folder; false when it was not watched.
    pub fn remove_watched(&mut self, path: &Path, actor: UserRow, now: i64) -> Result<bool> {
        let project: Option<i64> = self
            .tx
            .query_row(
                "SELECT project FROM watched_folder WHERE path = ?1",
                [paths::stored(path)],
                |r| r.get(0),
            )
            .optional()?;
        let n = self.tx.execute(
            "DELETE FROM watched_folder WHERE path = ?1",
            [paths::stored(path)],
        )?;
        let path = path.to_string_lossy();
        if n > 0 {
            let subject = match project {
                Some(p) => Some(journal::uid_of(&self.tx, "project", p)?),
                None => None,
            };
            journal::record(
                &self.tx,
                journal::Entry::about(
                    now,
                    actor,
                    Entity::Project,
                    ChangeAction::WatchRemove,
                    subject.as_deref(),
                )
                .change(Some(json!({ "path": path })), None),
            )?;
        }
        Ok(n > 0)
    }

    /// Sets the presence of files (journaled per asset when it changes).
    pub fn set_presence(
        &mut self,
        seqs: &[i64],
        presence: Presence,
        actor: UserRow,
        now: i64,
    ) -> Result<usize> {
        let list: Rc<Vec<Value>> = Rc::new(seqs.iter().map(|s| Value::Integer(*s)).collect());
        let changed: Vec<(i64, Vec<u8>)> = self
            .tx
            .prepare_cached(
                "SELECT f.asset, a.uid FROM asset_file f JOIN asset a ON a.seq = f.asset
                 WHERE f.asset IN rarray(?1) AND f.presence != ?2",
            )?
            .query_map(params![list.clone(), presence.code()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        self.tx.execute(
            "UPDATE asset_file SET presence = ?2 WHERE asset IN rarray(?1)",
            params![list, presence.code()],
        )?;
        let uids: Vec<Vec<u8>> = changed.iter().map(|(_, uid)| uid.clone()).collect();
        if !uids.is_empty() {
            journal::record(
                &self.tx,
                journal::Entry::assets(now, actor, ChangeAction::Presence, &uids)
                    .change(None, Some(json!({ "presence": presence }))),
            )?;
        }
        Ok(changed.len())
    }

    /// Points an asset at a new path (a file moved or renamed on disk), presence ok.
    pub fn relink(
        &mut self,
        seq: i64,
        path: &Path,
        bytes: u64,
        mtime_ms: Option<i64>,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        self.relink_stored(seq, &paths::stored(path), bytes, mtime_ms, actor, now)
    }

    fn relink_stored(
        &mut self,
        seq: i64,
        path: &str,
        bytes: u64,
        mtime_ms: Option<i64>,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let (old, uid): (String, Vec<u8>) = self.tx.query_row(
            "SELECT f.path, a.uid FROM asset_file f JOIN asset a ON a.seq = f.asset WHERE f.asset = ?1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        self.tx.execute(
            "UPDATE asset_file SET path = ?2, bytes = ?3, mtime_ms = ?4, presence = 0 WHERE asset = ?1",
            params![seq, path, bytes as i64, mtime_ms],
        )?;
        journal::record(
            &self.tx,
            journal::Entry::about(now, actor, Entity::Asset, ChangeAction::Relink, Some(&uid)).change(
                Some(json!({ "path": paths::display(&old) })),
                Some(json!({ "path": paths::display(path) })),
            ),
        )
    }

    /// Rewrites the paths of files at `from` or below it to `to` (a file or folder renamed
    /// inside a watched tree). Returns how many files moved.
    pub fn rename_paths(&mut self, from: &Path, to: &Path, actor: UserRow, now: i64) -> Result<usize> {
        // Stored paths keep prefixes (see `paths`), so a folder's files are a range of text.
        let (from, to) = (paths::stored(from), paths::stored(to));
        let (from, to) = (from.as_str(), to.as_str());
        let prefix = format!("{}/", from.trim_end_matches('/'));
        let rows: Vec<(i64, String)> = self
            .tx
            .prepare_cached(
                "SELECT asset, path FROM asset_file WHERE managed = 0 AND (path = ?1 OR (path >= ?2 AND path < ?3))",
            )?
            .query_map(params![from, prefix, format!("{}0", from.trim_end_matches('/'))], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (seq, path) in &rows {
            let new = if path == from {
                to.to_string()
            } else {
                format!(
                    "{}{}",
                    to.trim_end_matches('/'),
                    &path[from.trim_end_matches('/').len()..]
                )
            };
            let (bytes, mtime): (i64, Option<i64>) = self.tx.query_row(
                "SELECT bytes, mtime_ms FROM asset_file WHERE asset = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            self.relink_stored(*seq, &new, bytes as u64, mtime, actor, now)?;
        }
        Ok(rows.len())
    }

    /// Records a file's new size and time when its content is unchanged (touched, copied over).
    pub fn touch_file(&mut self, seq: i64, bytes: u64, mtime_ms: Option<i64>) -> Result<()> {
        self.tx.execute(
            "UPDATE asset_file SET bytes = ?2, mtime_ms = ?3, presence = 0 WHERE asset = ?1",
            params![seq, bytes as i64, mtime_ms],
        )?;
        Ok(())
    }

    /// Replaces what the catalog knows of an asset's file after its content changed on disk
    /// (edited in another app): hash, size, dimensions, capture time, prompt, thumbnail, and the
    /// read-only metadata. Everything the user set (name, tags, rating, flag, status,
    /// collections, campaigns) stays.
    #[allow(clippy::too_many_arguments)]
    pub fn refresh_content(
        &mut self,
        seq: i64,
        fresh: &crate::NewAsset,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let uid: Vec<u8> = self
            .tx
            .query_row("SELECT uid FROM asset WHERE seq = ?1", [seq], |r| r.get(0))?;
        let was = crate::postings::Own::read(&self.tx, seq)?;
        let name: String = self
            .tx
            .query_row("SELECT name FROM asset WHERE seq = ?1", [seq], |r| r.get(0))?;
        // A new camera, lens, type, position, size or capture day: the filters follow.
        let described = crate::facets::Described::read(fresh.exif_json.as_deref(), &fresh.file.format, &name);
        let (camera, lens, file_type) = crate::facets::ids_of(&self.tx, &described)?;
        self.tx.execute(
            "UPDATE asset SET hash = ?2, width = ?3, height = ?4, captured_at = ?5, sort_captured = ?6, prompt = ?7,
                    camera = ?8, lens = ?9, file_type = ?10, gps = ?11
             WHERE seq = ?1",
            params![
                seq,
                fresh.hash,
                fresh.width,
                fresh.height,
                fresh.captured_at,
                fresh.sort_captured,
                fresh.prompt,
                camera,
                lens,
                file_type,
                described.gps
            ],
        )?;
        match &fresh.signature {
            Some(sig) => self.set_signature(seq, sig)?,
            None => self.clear_signature(seq)?,
        }
        let f = &fresh.file;
        self.tx.execute(
            "UPDATE asset_file SET bytes = ?2, mime = ?3, format = ?4, mtime_ms = ?5, orientation = ?6, thumb = ?7,
                    duration_ms = ?8, presence = 0 WHERE asset = ?1",
            params![seq, f.bytes as i64, f.mime, f.format, f.mtime_ms, f.orientation, f.thumb, f.duration_ms],
        )?;
        self.tx.execute(
            "INSERT INTO asset_meta (asset, title, description, exif, generation) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (asset) DO UPDATE SET title = excluded.title, description = excluded.description,
                 exif = excluded.exif, generation = excluded.generation",
            params![
                seq,
                fresh.title,
                fresh.description,
                fresh.exif_json,
                fresh.generation_json
            ],
        )?;
        let now_own = crate::postings::Own::read(&self.tx, seq)?;
        if let (Some(was), Some(is)) = (was, now_own) {
            let s = crate::postings::seq_u32(seq)?;
            for f in was.facets() {
                self.postings.remove(f, s);
            }
            for f in is.facets() {
                self.postings.add(f, s);
            }
        }
        self.text.index_text(
            seq,
            false,
            [&name, fresh.prompt.as_deref().unwrap_or(""), &fresh.search_extra],
            true,
        );
        journal::record(
            &self.tx,
            journal::Entry::about(
                now,
                actor,
                Entity::Asset,
                ChangeAction::ContentChanged,
                Some(&uid),
            ),
        )
    }
}
