//! Changing assets after import: one column on many assets, tags, collections and campaigns
//! membership, names, the review log, forks and deletes. Each keeps postings, full text and
//! the journal in step in the caller's transaction. The rules about whether a change is
//! allowed are not here: atelier-library checks them (with atelier-domain) before calling.

use std::collections::HashMap;
use std::rc::Rc;

use atelier_domain::{AssetId, Flag, Id, Status};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use crate::org::{BrandRow, ProjectRow, UserRow, uuid_of};
use crate::postings::{Facet, seq_u32};
use crate::views::hex;
use crate::{Catalog, CatalogError, Result, Tx, journal};
use atelier_protocol::{ChangeAction, Entity};

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
}

impl Column {
    fn sql(self) -> &'static str {
        match self {
            Column::Rating => "rating",
            Column::Flag => "flag",
            Column::Status => "status",
            Column::Brand => "brand",
            Column::Project => "project",
        }
    }

    fn facet(self, value: i64) -> Facet {
        match self {
            Column::Rating => Facet::Rating(value),
            Column::Flag => Facet::Flag(value),
            Column::Status => Facet::Status(value),
            Column::Brand => Facet::Brand(value),
            Column::Project => Facet::Project(value),
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
        })
    }
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

pub(crate) fn array(seqs: &[i64]) -> Rc<Vec<Value>> {
    Rc::new(seqs.iter().map(|s| Value::Integer(*s)).collect())
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
}

pub(crate) fn facts(conn: &Connection, seqs: &[i64]) -> Result<Vec<AssetFacts>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.seq, a.uid, a.name, a.status, a.rating, a.flag, a.brand, b.personal_of, b.self_approval,
                a.creator, a.project, p.shared,
                (SELECT count(*) FROM asset_tag t WHERE t.asset = a.seq), p.owner, a.trashed_at IS NOT NULL
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
        };
        by_seq.insert(f.seq, f);
    }
    Ok(seqs.iter().filter_map(|s| by_seq.remove(s)).collect())
}

impl Tx<'_> {
    /// Sets `column` to `value` on `seqs` (rows already at that value are left alone).
    pub fn set_column(
        &mut self,
        column: Column,
        seqs: &[i64],
        value: i64,
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
        journal::record(
            &self.tx,
            journal::Entry::assets(now, actor, column.action(), &uids).change(
                Some(json!({ col: before })),
                Some(json!({ col: column.shown(&self.tx, value)? })),
            ),
        )
    }

    /// Writes one review transition to the audit log (the status itself is set with
    /// [`Tx::set_column`]).
    #[allow(clippy::too_many_arguments)]
    pub fn record_review(
        &mut self,
        seq: i64,
        actor: UserRow,
        action: &str,
        from: Status,
        to: Status,
        note: Option<&str>,
        now: i64,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO review_event (asset, at, actor, action, from_status, to_status, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![seq, now, actor.0, action, from.code(), to.code(), note])?;
        Ok(())
    }

    /// Adds tag rows to assets (pairs already present are skipped).
    pub fn add_tags(&mut self, seqs: &[i64], tags: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.link(LinkKind::Tag, tags, seqs, true, actor, now)
    }

    /// Removes tag rows from assets.
    pub fn remove_tags(&mut self, seqs: &[i64], tags: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.link(LinkKind::Tag, tags, seqs, false, actor, now)
    }

    /// Files assets into a collection (already there: nothing happens).
    pub fn file(&mut self, collection: i64, seqs: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.link(LinkKind::Collection, &[collection], seqs, true, actor, now)
    }

    /// Takes assets out of a collection.
    pub fn unfile(&mut self, collection: i64, seqs: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.link(LinkKind::Collection, &[collection], seqs, false, actor, now)
    }

    /// Adds assets to a campaign (already there: nothing happens).
    pub fn add_to_campaign(&mut self, campaign: i64, seqs: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.link(LinkKind::Campaign, &[campaign], seqs, true, actor, now)
    }

    /// Removes assets from a campaign.
    pub fn remove_from_campaign(
        &mut self,
        campaign: i64,
        seqs: &[i64],
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        self.link(LinkKind::Campaign, &[campaign], seqs, false, actor, now)
    }

    fn link(
        &mut self,
        kind: LinkKind,
        groups: &[i64],
        seqs: &[i64],
        add: bool,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let (table, column, action) = kind.sql(add);
        let sql = if add {
            match kind {
                LinkKind::Tag => format!("INSERT OR IGNORE INTO {table} ({column}, asset) VALUES (?1, ?2)"),
                _ => format!(
                    "INSERT OR IGNORE INTO {table} ({column}, asset, added_at) VALUES (?1, ?2, {now})"
                ),
            }
        } else {
            format!("DELETE FROM {table} WHERE {column} = ?1 AND asset = ?2")
        };
        let mut touched: Vec<i64> = Vec::new();
        for group in groups {
            let mut linked: Vec<i64> = Vec::new();
            {
                let mut stmt = self.tx.prepare_cached(&sql)?;
                for seq in seqs {
                    // Already linked / not linked: a no-op, not a change.
                    if stmt.execute(params![group, seq])? > 0 {
                        linked.push(*seq);
                    }
                }
            }
            if linked.is_empty() {
                continue;
            }
            let facet = kind.facet(*group);
            for seq in &linked {
                let s = seq_u32(*seq)?;
                if add {
                    self.postings.add(facet, s);
                } else {
                    self.postings.remove(facet, s);
                }
            }
            // One entry per tag, collection or campaign: its public id, and the assets.
            let subject = journal::uid_of(&self.tx, column, *group)?;
            let uids = journal::asset_uids(&self.tx, &linked)?;
            journal::record(
                &self.tx,
                journal::Entry {
                    subject: Some(&subject),
                    ..journal::Entry::assets(now, actor, action, &uids)
                },
            )?;
            touched.extend(linked);
        }
        if kind == LinkKind::Collection {
            self.refresh_filed(&touched)?;
        }
        Ok(())
    }

    /// Keeps the Filed posting true for `seqs` after collection edits.
    pub(crate) fn refresh_filed(&mut self, seqs: &[i64]) -> Result<()> {
        let mut any = self
            .tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM collection_asset WHERE asset = ?1)")?;
        for seq in seqs {
            let filed: bool = any.query_row([seq], |r| r.get(0))?;
            if filed {
                self.postings.add(Facet::Filed, seq_u32(*seq)?);
            } else {
                self.postings.remove(Facet::Filed, seq_u32(*seq)?);
            }
        }
        Ok(())
    }

    /// Renames an asset (its full-text name follows).
    pub fn rename_asset(&mut self, seq: i64, name: &str, actor: UserRow, now: i64) -> Result<()> {
        let (old, uid): (String, Vec<u8>) =
            self.tx
                .query_row("SELECT name, uid FROM asset WHERE seq = ?1", [seq], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
        self.tx
            .execute("UPDATE asset SET name = ?2 WHERE seq = ?1", params![seq, name])?;
        self.tx
            .prepare_cached("DELETE FROM fts_name WHERE rowid = ?1")?
            .execute([seq])?;
        let text = crate::text::name_text(name);
        self.tx
            .prepare_cached("INSERT INTO fts_name (rowid, text) VALUES (?1, ?2)")?
            .execute(params![seq, text])?;
        crate::text::stage_terms(&self.tx, &[&text, "", "", ""])?;
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
        let mut freed = Vec::new();
        let mut deleted: Vec<Vec<u8>> = Vec::new();
        for seq in seqs {
            type Row = (Vec<u8>, Vec<u8>, [i64; 7]);
            let row: Option<Row> = self
                .tx
                .prepare_cached(
                    "SELECT uid, hash, kind, source, status, rating, flag, brand, project FROM asset WHERE seq = ?1",
                )?
                .query_row([seq], |r| {
                    Ok((r.get(0)?, r.get(1)?, [r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?]))
                })
                .optional()?;
            let Some((uid, hash, [kind, source, status, rating, flag, brand, project])) = row else {
                continue;
            };
            let (path, managed, thumb): (String, bool, Option<String>) = self.tx.query_row(
                "SELECT path, managed, thumb FROM asset_file WHERE asset = ?1",
                [seq],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            let s = seq_u32(*seq)?;
            let links: Vec<(i64, Facet)> = {
                let mut out = Vec::new();
                for (sql, make) in [
                    (
                        "SELECT tag FROM asset_tag WHERE asset = ?1",
                        Facet::Tag as fn(i64) -> Facet,
                    ),
                    (
                        "SELECT collection FROM collection_asset WHERE asset = ?1",
                        Facet::Collection,
                    ),
                    (
                        "SELECT campaign FROM campaign_asset WHERE asset = ?1",
                        Facet::Campaign,
                    ),
                ] {
                    let ids: Vec<i64> = self
                        .tx
                        .prepare_cached(sql)?
                        .query_map([seq], |r| r.get(0))?
                        .collect::<Result<_, _>>()?;
                    out.extend(ids.into_iter().map(|i| (i, make(i))));
                }
                out
            };
            for (_, facet) in links {
                self.postings.remove(facet, s);
            }
            for facet in [
                Facet::All,
                Facet::Kind(kind),
                Facet::Source(source),
                Facet::Status(status),
                Facet::Rating(rating),
                Facet::Flag(flag),
                Facet::Brand(brand),
                Facet::Project(project),
                Facet::Filed,
                Facet::StackMember,
                Facet::Trashed,
            ] {
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
                self.tx
                    .prepare_cached(&format!("DELETE FROM {table} WHERE rowid = ?1"))?
                    .execute([seq])?;
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
        let (name, kind, source, brand, project, prompt): (String, i64, i64, i64, i64, Option<String>) =
            self.tx.query_row(
                "SELECT name, kind, source, brand, project, prompt FROM asset WHERE seq = ?1",
                [new],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )?;
        let extra: String = self
            .tx
            .query_row(
                "SELECT ifnull(title, '') || ' ' || ifnull(description, '') FROM asset_meta WHERE asset = ?1",
                [new],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or_default();
        crate::assets::index_text(
            &self.tx,
            new,
            true,
            [&name, prompt.as_deref().unwrap_or(""), &extra],
            true,
        )?;
        let s = seq_u32(new)?;
        for facet in [
            Facet::All,
            Facet::Kind(kind),
            Facet::Source(source),
            Facet::Status(0),
            Facet::Rating(0),
            Facet::Flag(0),
            Facet::Brand(brand),
            Facet::Project(project),
        ] {
            self.postings.add(facet, s);
        }
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
            self.postings.add(Facet::Tag(t), s);
        }
        for c in &collections {
            self.tx.execute(
                "INSERT INTO collection_asset (collection, asset, added_at) VALUES (?1, ?2, ?3)",
                params![c, new, now],
            )?;
            self.postings.add(Facet::Collection(*c), s);
        }
        if !collections.is_empty() {
            self.postings.add(Facet::Filed, s);
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkKind {
    Tag,
    Collection,
    Campaign,
}

impl LinkKind {
    /// The link table, the column naming the group (also the group's own table), and what
    /// the journal calls the change.
    fn sql(self, add: bool) -> (&'static str, &'static str, ChangeAction) {
        match (self, add) {
            (LinkKind::Tag, true) => ("asset_tag", "tag", ChangeAction::TagAdd),
            (LinkKind::Tag, false) => ("asset_tag", "tag", ChangeAction::TagRemove),
            (LinkKind::Collection, true) => ("collection_asset", "collection", ChangeAction::CollectionAdd),
            (LinkKind::Collection, false) => {
                ("collection_asset", "collection", ChangeAction::CollectionRemove)
            }
            (LinkKind::Campaign, true) => ("campaign_asset", "campaign", ChangeAction::CampaignAdd),
            (LinkKind::Campaign, false) => ("campaign_asset", "campaign", ChangeAction::CampaignRemove),
        }
    }

    fn facet(self, group: i64) -> Facet {
        match self {
            LinkKind::Tag => Facet::Tag(group),
            LinkKind::Collection => Facet::Collection(group),
            LinkKind::Campaign => Facet::Campaign(group),
        }
    }
}
