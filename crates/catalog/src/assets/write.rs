//! Writing assets: insertion with everything that indexes them (postings, full text, tags, the
//! journal) in one transaction, and every edit of an asset itself — a column a bulk action
//! sets, rename, Trash, deletion, fork — each with its postings and one journal entry.
//!
//! Knows the asset tables; never decides whether a change is allowed.

use std::path::Path;

use atelier_domain::{AssetId, Flag, Id, Label, Presence, Status, names};
use atelier_protocol::{ChangeAction, Entity};
use rusqlite::{OptionalExtension, params};
use serde_json::json;

use super::{DuplicateOf, FreedFile, NewAsset, find_by_hash};
use crate::postings::{self, Facet, Link, Own, memberships, seq_u32};
use crate::rows::{UserRow, array, hex};
use crate::{Result, Tx, facets, journal, paths};

/// A column that bulk edits set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// 0–5.
    Rating,
    /// `Flag::code`.
    Flag,
    /// `Status::code`.
    Status,
    /// Brand row.
    Brand,
    /// Project row.
    Project,
    /// `Label::code`.
    Label,
}

impl Column {
    fn sql(self) -> &'static str {
        match self {
            Column::Rating => "rating",
            Column::Flag => "flag",
            Column::Status => "status",
            Column::Brand => "brand",
            Column::Project => "project",
            Column::Label => "label",
        }
    }

    fn facet(self, value: i64) -> Facet {
        match self {
            Column::Rating => Facet::Rating(value),
            Column::Flag => Facet::Flag(value),
            Column::Status => Facet::Status(value),
            Column::Brand => Facet::Brand(value),
            Column::Project => Facet::Project(value),
            Column::Label => Facet::Label(value),
        }
    }

    /// What the journal calls setting it.
    fn action(self) -> ChangeAction {
        match self {
            Column::Rating => ChangeAction::Rating,
            Column::Flag => ChangeAction::Flag,
            Column::Status => ChangeAction::Status,
            Column::Brand => ChangeAction::Brand,
            Column::Project => ChangeAction::Project,
            Column::Label => ChangeAction::Label,
        }
    }

    /// The value as the journal shows it: names for enumerations, public ids for rows.
    fn shown(self, conn: &rusqlite::Connection, value: i64) -> Result<serde_json::Value> {
        Ok(match self {
            Column::Rating => json!(value),
            Column::Flag => json!(Flag::from_code(value).map(Flag::as_str)),
            Column::Status => json!(Status::from_code(value).map(Status::as_str)),
            Column::Brand => json!(journal::uid_text(&journal::uid_of(conn, "brand", value)?)),
            Column::Project => json!(journal::uid_text(&journal::uid_of(conn, "project", value)?)),
            Column::Label => json!(Label::from_code(value).map(Label::as_str)),
        })
    }
}

/// What a new row starts with besides its [`NewAsset`]: an import's are always the same; a row
/// from the studio arrives with the flag and status it has there, its original not here yet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arrival {
    pub(crate) flag: Flag,
    pub(crate) status: Status,
    pub(crate) presence: Presence,
}

impl Arrival {
    const IMPORTED: Arrival = Arrival {
        flag: Flag::None,
        status: Status::Draft,
        presence: Presence::Ok,
    };
}

impl Tx<'_> {
    /// Inserts an asset unless its content is already in the library, in which case the
    /// existing asset is returned and nothing changes.
    pub fn insert_asset(&mut self, a: &NewAsset) -> Result<Result<i64, DuplicateOf>> {
        if let Some(dup) = find_by_hash(&self.tx, &a.hash)? {
            return Ok(Err(dup));
        }
        let seq = self.insert_row(a, Arrival::IMPORTED)?;
        Ok(Ok(seq))
    }

    /// Inserts another member's asset from the studio as it is (the same content may already be
    /// here as another asset: each keeps its own row), with its flag, status and the presence of
    /// its original as they arrive: in the insert itself, not in updates after it (a first sync
    /// inserts a hundred thousand of them).
    pub(crate) fn insert_replica(&mut self, a: &NewAsset, arrival: Arrival) -> Result<i64> {
        self.insert_row(a, arrival)
    }

    fn insert_row(&mut self, a: &NewAsset, arrival: Arrival) -> Result<i64> {
        let tx = &self.tx;
        // `added_at` never decreases along `seq`, so "Recently added" is a seq range (a clock
        // stepping back must not hide new assets from it).
        let latest: Option<i64> = tx
            .prepare_cached("SELECT max(added_at) FROM asset")?
            .query_row([], |r| r.get(0))?;
        let added_at = latest.map_or(a.added_at, |l| l.max(a.added_at));
        let described = facets::Described::read(a.exif_json.as_deref(), &a.file.format, &a.name);
        let (camera, lens, file_type) = facets::ids_of(tx, &described)?;
        tx.prepare_cached(
            "INSERT INTO asset (uid, hash, name, kind, source, project, brand, creator, width, height,
                                added_at, captured_at, sort_captured, prompt, rating, flag, status,
                                camera, lens, file_type, gps, sort_name)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                     ?18, ?19, ?20, ?21, ?22)",
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
            arrival.flag.code(),
            arrival.status.code(),
            camera,
            lens,
            file_type,
            described.gps,
            names::sort_key(&a.name),
        ])?;
        let seq = tx.last_insert_rowid();
        let f = &a.file;
        tx.prepare_cached(
            "INSERT INTO asset_file (asset, path, managed, bytes, mime, format, mtime_ms, orientation, thumb, duration_ms,
                                     sidecar_mtime_ms, presence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
            f.sidecar_mtime_ms,
            arrival.presence.code()
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
        self.text.index_text(
            seq,
            true,
            [&a.name, a.prompt.as_deref().unwrap_or(""), &a.search_extra],
            self.stage_terms,
        );

        let s = seq_u32(seq)?;
        let own = Own {
            kind: a.kind.code(),
            source: a.source.code(),
            status: arrival.status.code(),
            rating: i64::from(a.rating.stars()),
            flag: arrival.flag.code(),
            brand: a.brand.0,
            project: a.project.0,
            stacked: false,
            trashed: false,
            label: Label::None.code(),
            camera,
            lens,
            file_type,
            gps: described.gps,
            shape: postings::shape_of(
                i64::from(a.width),
                i64::from(a.height),
                i64::from(a.file.orientation),
            ),
            day: postings::day_of(a.sort_captured),
        };
        for facet in own
            .facets()
            .chain(tag_ids.into_iter().map(|t| Link::Tag.facet(t)))
        {
            self.postings.add(facet, s);
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

    /// Sets `column` to `value` on `seqs` (rows already at that value are left alone).
    pub fn set_column(
        &mut self,
        column: Column,
        seqs: &[i64],
        value: i64,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        self.set_column_because(column, seqs, value, None, actor, now)
    }

    /// [`Tx::set_column`] as the consequence of another change, named in the journal entry's
    /// `after.because` (a brand move resets the status: the studio does that itself, so the
    /// reset is not a review transition of its own).
    pub fn set_column_because(
        &mut self,
        column: Column,
        seqs: &[i64],
        value: i64,
        because: Option<&str>,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let col = column.sql();
        let old: Vec<(i64, i64, Vec<u8>)> = self
            .tx
            .prepare_cached(&format!(
                "SELECT seq, {col}, uid FROM asset WHERE seq IN rarray(?1) AND {col} != ?2"
            ))?
            .query_map(params![array(seqs), value], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        if old.is_empty() {
            return Ok(());
        }
        let changed: Vec<i64> = old.iter().map(|(s, _, _)| *s).collect();
        self.tx
            .prepare_cached(&format!("UPDATE asset SET {col} = ?2 WHERE seq IN rarray(?1)"))?
            .execute(params![array(&changed), value])?;
        // One entry for the whole action: the assets it touched, each one's value before.
        let mut before = serde_json::Map::new();
        let mut uids = Vec::with_capacity(old.len());
        for (seq, was, uid) in &old {
            self.postings
                .change(column.facet(*was), column.facet(value), seq_u32(*seq)?);
            if let Some(id) = AssetId::from_slice(uid) {
                before.insert(id.to_string(), column.shown(&self.tx, *was)?);
            }
            uids.push(uid.clone());
        }
        let mut after = json!({ col: column.shown(&self.tx, value)? });
        if let Some(why) = because {
            after["because"] = json!(why);
        }
        journal::record(
            &self.tx,
            journal::Entry::assets(now, actor, column.action(), &uids)
                .change(Some(json!({ col: before })), Some(after)),
        )
    }

    /// Renames an asset (its full-text name follows).
    pub fn rename_asset(&mut self, seq: i64, name: &str, actor: UserRow, now: i64) -> Result<()> {
        let (old, uid): (String, Vec<u8>) =
            self.tx
                .query_row("SELECT name, uid FROM asset WHERE seq = ?1", [seq], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        self.tx.execute(
            "UPDATE asset SET name = ?2, sort_name = ?3 WHERE seq = ?1",
            params![seq, name, names::sort_key(name)],
        )?;
        self.text.rename(seq, name);
        journal::record(
            &self.tx,
            journal::Entry::about(now, actor, Entity::Asset, ChangeAction::Rename, Some(&uid))
                .change(Some(json!({ "name": old })), Some(json!({ "name": name }))),
        )
    }

    /// Moves assets to the Trash (`true`) or back out of it (`false`); assets already there
    /// (or already out) are left alone. Everything they have stays.
    pub fn set_trashed(&mut self, seqs: &[i64], trashed: bool, actor: UserRow, now: i64) -> Result<()> {
        let rows: Vec<(i64, Vec<u8>)> = self
            .tx
            .prepare_cached(
                "SELECT seq, uid FROM asset WHERE seq IN rarray(?1) AND (trashed_at IS NOT NULL) != ?2",
            )?
            .query_map(params![array(seqs), trashed], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if rows.is_empty() {
            return Ok(());
        }
        let changed: Vec<i64> = rows.iter().map(|(s, _)| *s).collect();
        self.tx
            .prepare_cached("UPDATE asset SET trashed_at = ?2 WHERE seq IN rarray(?1)")?
            .execute(params![array(&changed), trashed.then_some(now)])?;
        for (seq, _) in &rows {
            let s = seq_u32(*seq)?;
            if trashed {
                self.postings.add(Facet::Trashed, s);
            } else {
                self.postings.remove(Facet::Trashed, s);
            }
        }
        let uids: Vec<Vec<u8>> = rows.into_iter().map(|(_, uid)| uid).collect();
        let action = if trashed {
            ChangeAction::Trash
        } else {
            ChangeAction::Restore
        };
        journal::record(&self.tx, journal::Entry::assets(now, actor, action, &uids))
    }

    /// Deletes assets with everything that indexes them. Returns the files no remaining asset
    /// uses (forks and duplicates share bytes).
    pub fn delete_assets(&mut self, seqs: &[i64], actor: UserRow, now: i64) -> Result<Vec<FreedFile>> {
        // What stays and names one of them (a stack member, a fork) waits for it: should it
        // come back from the studio — access regained, or its project shared again by a
        // library that still had it after it was deleted here — the link comes back with it
        // (the studio's row of what stays still names it; nothing else would send it again).
        for (kind, column) in [("stack", "stack"), ("parent", "parent")] {
            self.tx.execute(
                &format!(
                    "INSERT OR REPLACE INTO link_pending (asset, kind, target)
                     SELECT a.seq, ?2, t.uid FROM asset a JOIN asset t ON t.seq = a.{column}
                     WHERE a.{column} IN rarray(?1) AND a.seq NOT IN rarray(?1) AND t.uid IS NOT NULL"
                ),
                params![array(seqs), kind],
            )?;
        }
        let mut freed = Vec::new();
        let mut deleted: Vec<Vec<u8>> = Vec::new();
        for seq in seqs {
            let row: Option<(Vec<u8>, Vec<u8>)> = self
                .tx
                .prepare_cached("SELECT uid, hash FROM asset WHERE seq = ?1")?
                .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((uid, hash)) = row else {
                continue;
            };
            let (path, managed, thumb): (String, bool, Option<String>) = self.tx.query_row(
                "SELECT path, managed, thumb FROM asset_file WHERE asset = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let s = seq_u32(*seq)?;
            let own = Own::read(&self.tx, *seq)?
                .into_iter()
                .flat_map(|o| o.facets().collect::<Vec<_>>());
            for facet in own.chain(memberships(&self.tx, *seq)?) {
                self.postings.remove(facet, s);
            }
            // A cover going alone leaves its members as single cards.
            let orphans: Vec<i64> = self
                .tx
                .prepare_cached("SELECT seq FROM asset WHERE stack = ?1 AND seq != ?1")?
                .query_map([seq], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for o in orphans {
                self.tx
                    .execute("UPDATE asset SET stack = NULL WHERE seq = ?1", [o])?;
                self.postings.remove(Facet::StackMember, seq_u32(o)?);
            }
            for table in ["fts_name", "fts_prompt", "fts_meta"] {
                self.text.delete(table, *seq);
            }
            self.tx.execute("DELETE FROM asset WHERE seq = ?1", [seq])?;
            let still_used: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM asset WHERE hash = ?1)",
                [&hash],
                |r| r.get(0),
            )?;
            if !still_used {
                freed.push(FreedFile {
                    hash: hex(&hash),
                    path: crate::paths::local(&path),
                    managed,
                    thumb,
                });
            }
            deleted.push(uid);
        }
        if !deleted.is_empty() {
            journal::record(
                &self.tx,
                journal::Entry::assets(now, actor, ChangeAction::Delete, &deleted),
            )?;
        }
        Ok(freed)
    }

    /// Makes a Draft copy of an asset that points to it (R7.5): same bytes, metadata, tags and
    /// collections; a new id; no rating, flag or campaigns.
    pub fn fork(&mut self, seq: i64, id: AssetId, actor: UserRow, now: i64) -> Result<i64> {
        let latest: Option<i64> = self
            .tx
            .query_row("SELECT max(added_at) FROM asset", [], |r| r.get(0))?;
        let added_at = latest.map_or(now, |l| l.max(now));
        self.tx.execute(
            "INSERT INTO asset (uid, hash, name, kind, source, status, rating, flag, project, brand, creator,
                                width, height, added_at, captured_at, sort_captured, prompt, parent)
             SELECT ?2, hash, name, kind, source, 0, 0, 0, project, brand, ?3, width, height, ?4, captured_at,
                    sort_captured, prompt, seq
             FROM asset WHERE seq = ?1",
            params![seq, id.to_bytes(), actor.0, added_at],
        )?;
        let new = self.tx.last_insert_rowid();
        self.tx.execute(
            "INSERT INTO asset_file (asset, path, managed, bytes, mime, format, mtime_ms, orientation, thumb, duration_ms)
             SELECT ?2, path, managed, bytes, mime, format, mtime_ms, orientation, thumb, duration_ms
             FROM asset_file WHERE asset = ?1",
            params![seq, new],
        )?;
        self.tx.execute(
            "INSERT INTO asset_meta (asset, title, description, exif, generation)
             SELECT ?2, title, description, exif, generation FROM asset_meta WHERE asset = ?1",
            params![seq, new],
        )?;
        let (name, prompt): (String, Option<String>) =
            self.tx
                .query_row("SELECT name, prompt FROM asset WHERE seq = ?1", [new], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        let extra: String = self
            .tx
            .query_row(
                "SELECT ifnull(title, '') || ' ' || ifnull(description, '') FROM asset_meta WHERE asset = ?1",
                [new],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        self.text
            .index_text(new, true, [&name, prompt.as_deref().unwrap_or(""), &extra], true);
        let s = seq_u32(new)?;
        let tags: Vec<i64> = self
            .tx
            .prepare("SELECT tag FROM asset_tag WHERE asset = ?1")?
            .query_map([seq], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let collections: Vec<i64> = self
            .tx
            .prepare("SELECT collection FROM collection_asset WHERE asset = ?1")?
            .query_map([seq], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for t in tags {
            self.tx.execute(
                "INSERT INTO asset_tag (tag, asset) VALUES (?1, ?2)",
                params![t, new],
            )?;
        }
        for c in &collections {
            self.tx.execute(
                "INSERT INTO collection_asset (collection, asset, added_at) VALUES (?1, ?2, ?3)",
                params![c, new, now],
            )?;
        }
        let own = Own::read(&self.tx, new)?
            .into_iter()
            .flat_map(|o| o.facets().collect::<Vec<_>>());
        for facet in own.chain(memberships(&self.tx, new)?) {
            self.postings.add(facet, s);
        }
        let parent = journal::asset_uid(&self.tx, seq)?;
        let parent = AssetId::from_slice(&parent).map(|p| p.to_string());
        let uid = id.to_bytes();
        journal::record(
            &self.tx,
            journal::Entry::about(now, actor, Entity::Asset, ChangeAction::Fork, Some(&uid))
                .change(None, Some(json!({ "parent": parent }))),
        )?;
        Ok(new)
    }
}
