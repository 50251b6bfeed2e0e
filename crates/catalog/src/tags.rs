//! The tags store: the studio's shared words — made on the way when assets are tagged, listed
//! with counts, renamed (with the tags below a path), merged, deleted.
//!
//! Knows tags' rows, their full-text rows, postings and journal entries.

use std::collections::HashSet;

use atelier_domain::{ErrorCode, InvalidInput, names};
use atelier_protocol::{ChangeAction, Entity};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::postings::{Facet, load, seq_u32};
use crate::rows::{TagRow, UserRow};
use crate::{Catalog, Result, Scope, Tx, journal};

/// A tag and how many assets carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TagInfo {
    /// The tag as first spelled.
    pub name: String,
    /// Assets carrying it.
    #[ts(type = "number")]
    pub count: u64,
}

/// Tag rows matching a tag filter: the tag itself and, for a path, every tag below it.
pub(crate) fn tags_under(conn: &Connection, tag: &str) -> Result<Vec<i64>> {
    let tag = names::normalize_tag(tag)?;
    let key = names::key(&tag);
    // Children are keys starting with "key/": the range ["key/", "key0") since '0' follows '/'.
    let mut stmt =
        conn.prepare_cached("SELECT id FROM tag WHERE key = ?1 OR (key >= ?1 || '/' AND key < ?1 || '0')")?;
    Ok(stmt.query_map([key], |r| r.get(0))?.collect::<Result<_, _>>()?)
}

impl Tx<'_> {
    /// Tag rows for `tags` (already normalised), creating missing ones with this spelling.
    pub(crate) fn ensure_tags(&mut self, tags: &[String], now_ms: i64) -> Result<Vec<i64>> {
        let mut find = self.tx.prepare_cached("SELECT id FROM tag WHERE key = ?1")?;
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO tag (uid, name, key, created_at) VALUES (?1, ?2, ?3, ?4)")?;
        let mut ids = Vec::with_capacity(tags.len());
        for tag in tags {
            let key = names::key(tag);
            let id = match find.query_row([&key], |r| r.get(0)).optional()? {
                Some(id) => id,
                None => {
                    let id = insert.insert(params![Uuid::now_v7().as_bytes().to_vec(), tag, key, now_ms])?;
                    self.text.index_tag(id, tag);
                    id
                }
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Tag rows for normalised tag names, creating missing ones with this spelling.
    pub fn tag_ids(&mut self, tags: &[String], now_ms: i64) -> Result<Vec<TagRow>> {
        Ok(self.ensure_tags(tags, now_ms)?.into_iter().map(TagRow).collect())
    }

    /// Renames a tag everywhere, and the tags below it when it is a path (`client/acme` →
    /// `client/acme-co` also renames `client/acme/summer`; the path need not be a tag itself).
    /// Refused when a new name is another tag's: merge instead. Returns how many tags changed.
    pub fn rename_tag_path(&mut self, old: &str, new: &str, actor: UserRow, now: i64) -> Result<usize> {
        let old = names::normalize_tag(old)?;
        let new = names::normalize_tag(new)?;
        let old_key = names::key(&old);
        let affected: Vec<(i64, String)> = self
            .tx
            .prepare("SELECT id, name FROM tag WHERE key = ?1 OR (key >= ?1 || '/' AND key < ?1 || '0')")?
            .query_map([&old_key], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if affected.is_empty() {
            return Err(InvalidInput::new(
                ErrorCode::TagNotFound,
                format!("no tag named '{old}' (nor below it)"),
            )
            .into());
        }
        let ids: HashSet<i64> = affected.iter().map(|(id, _)| *id).collect();
        for (id, name) in &affected {
            // The old prefix has the same length in characters whatever its case.
            let rest: String = name.chars().skip(old.chars().count()).collect();
            let renamed = format!("{new}{rest}");
            let key = names::key(&renamed);
            let clash: Option<i64> = self
                .tx
                .query_row("SELECT id FROM tag WHERE key = ?1", [&key], |r| r.get(0))
                .optional()?;
            if clash.is_some_and(|c| !ids.contains(&c)) {
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("a tag named '{renamed}' already exists: merge '{name}' into it instead"),
                )
                .into());
            }
            // Through a placeholder key, so that swapping case within the set can't collide.
            self.tx
                .execute("UPDATE tag SET key = '\u{1}' || id WHERE id = ?1", [id])?;
            self.tx
                .execute("UPDATE tag SET name = ?2 WHERE id = ?1", params![id, renamed])?;
            self.text.index_tag(*id, &renamed);
        }
        for (id, name) in &affected {
            let rest: String = name.chars().skip(old.chars().count()).collect();
            self.tx.execute(
                "UPDATE tag SET key = ?2 WHERE id = ?1",
                params![id, names::key(&format!("{new}{rest}"))],
            )?;
        }
        let tags = affected
            .iter()
            .map(|(id, _)| self.uid(Entity::Tag, *id).map(|u| journal::uid_text(&u)))
            .collect::<Result<Vec<_>>>()?;
        self.journal(
            now,
            actor,
            Entity::Tag,
            None,
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": new, "tags": tags }),
        )?;
        Ok(affected.len())
    }

    /// Moves every asset of tag `from` onto tag `into` and deletes `from`.
    pub fn merge_tags(&mut self, from: TagRow, into: TagRow, actor: UserRow, now: i64) -> Result<()> {
        let from = from.0;
        let into = into.0;
        if from == into {
            return Ok(());
        }
        let assets = load(&self.tx, Facet::Tag(from))?;
        let seqs: Vec<i64> = assets.iter().map(i64::from).collect();
        // Assets that would pass 64 tags by gaining `into` keep `from` instead of being refused:
        // a merge never loses a label, and gaining `into` only happens where `from` was.
        self.tx.execute(
            "INSERT OR IGNORE INTO asset_tag (tag, asset) SELECT ?2, asset FROM asset_tag WHERE tag = ?1",
            params![from, into],
        )?;
        for s in &assets {
            self.postings.add(Facet::Tag(into), s);
        }
        let (from_name, into_name): (String, String) = self.tx.query_row(
            "SELECT (SELECT name FROM tag WHERE id = ?1), (SELECT name FROM tag WHERE id = ?2)",
            params![from, into],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (from_uid, into_uid) = (self.uid(Entity::Tag, from)?, self.uid(Entity::Tag, into)?);
        self.delete_tag_rows(from, &seqs)?;
        self.journal(
            now,
            actor,
            Entity::Tag,
            Some(&from_uid),
            ChangeAction::Merge,
            json!({ "name": from_name }),
            json!({ "name": into_name, "into": journal::uid_text(&into_uid) }),
        )
    }

    /// Deletes a tag from every asset.
    pub fn delete_tag(&mut self, tag: TagRow, actor: UserRow, now: i64) -> Result<()> {
        let tag = tag.0;
        let seqs: Vec<i64> = load(&self.tx, Facet::Tag(tag))?.iter().map(i64::from).collect();
        let name: String = self
            .tx
            .query_row("SELECT name FROM tag WHERE id = ?1", [tag], |r| r.get(0))?;
        let uid = self.uid(Entity::Tag, tag)?;
        self.delete_tag_rows(tag, &seqs)?;
        self.journal(
            now,
            actor,
            Entity::Tag,
            Some(&uid),
            ChangeAction::Delete,
            json!({ "name": name }),
            json!(null),
        )
    }

    fn delete_tag_rows(&mut self, tag: i64, seqs: &[i64]) -> Result<()> {
        for s in seqs {
            self.postings.remove(Facet::Tag(tag), seq_u32(*s)?);
        }
        self.tx.execute("DELETE FROM asset_tag WHERE tag = ?1", [tag])?;
        self.text.delete(crate::text::FIELDS[1], tag);
        self.tx.execute("DELETE FROM tag WHERE id = ?1", [tag])?;
        Ok(())
    }
}

impl Catalog {
    /// Every tag with its asset count, by name.
    pub fn list_tags(&self, scope: &Scope) -> Result<Vec<TagInfo>> {
        let conn = self.conn();
        let cards = scope.cards(conn)?;
        let rows: Vec<(i64, String)> = conn
            .prepare_cached("SELECT id, name FROM tag ORDER BY key")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, name)| {
                Ok(TagInfo {
                    name,
                    count: (load(conn, Facet::Tag(id))? & &cards).len(),
                })
            })
            .collect()
    }

    /// The tag row whose name is `name` ignoring case.
    pub fn find_tag(&self, name: &str) -> Result<Option<TagRow>> {
        let key = names::key(&names::normalize_tag(name)?);
        Ok(self
            .conn()
            .query_row("SELECT id FROM tag WHERE key = ?1", [key], |r| r.get(0))
            .optional()?
            .map(TagRow))
    }

    /// The assets carrying a tag.
    pub fn tag_members(&self, tag: TagRow) -> Result<Vec<i64>> {
        let tag = tag.0;
        Ok(load(self.conn(), Facet::Tag(tag))?
            .iter()
            .map(i64::from)
            .collect())
    }
}
