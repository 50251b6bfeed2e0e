//! The change journal: one row per user-visible change (what, who, when, before/after), written
//! in the same transaction as the change. The UI's live refresh and, later, sync read it.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::{Catalog, Result};

/// One journal entry as read back.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Change {
    /// Position in the journal (increasing).
    #[ts(type = "number")]
    pub seq: i64,
    /// When, unix ms.
    #[ts(type = "number")]
    pub at: i64,
    /// Who (login name), when known.
    pub actor: Option<String>,
    /// The kind of thing changed ("asset", "tag", "project"…).
    pub entity: String,
    /// The public id of the thing changed, when it has one.
    pub entity_id: Option<String>,
    /// What happened ("import", "rating", "tag_add"…).
    pub action: String,
    /// The changed fields before.
    #[ts(type = "Record<string, unknown> | null")]
    pub before: Option<serde_json::Value>,
    /// The changed fields after.
    #[ts(type = "Record<string, unknown> | null")]
    pub after: Option<serde_json::Value>,
}

/// Appends an entry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record(
    conn: &Connection,
    at: i64,
    actor: Option<i64>,
    entity: &str,
    entity_uid: Option<&[u8]>,
    action: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO change (at, actor, entity, entity_uid, action, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![at, actor, entity, entity_uid, action, before, after])?;
    Ok(())
}

impl Catalog {
    /// Journal entries after `since` (0 for all), oldest first, at most `limit`.
    pub fn changes_since(&self, since: i64, limit: usize) -> Result<Vec<Change>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.seq, c.at, u.handle, c.entity, c.entity_uid, c.action, c.before, c.after
             FROM change c LEFT JOIN user u ON u.id = c.actor WHERE c.seq > ?1 ORDER BY c.seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![since, limit as i64], |r| {
            let uid: Option<Vec<u8>> = r.get(4)?;
            let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
            Ok(Change {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                entity: r.get(3)?,
                entity_id: uid
                    .and_then(|u| uuid::Uuid::from_slice(&u).ok())
                    .map(|u| u.to_string()),
                action: r.get(5)?,
                before: json(r.get(6)?),
                after: json(r.get(7)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
