//! The change journal: one row per user-visible change (what, who, when, before/after), written
//! in the same transaction as the change. The UI's live refresh and, later, sync read it.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::{Catalog, Result};

/// One journal entry as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Position in the journal (increasing).
    pub seq: i64,
    /// When, unix ms.
    pub at: i64,
    /// The kind of thing changed ("asset").
    pub entity: String,
    /// What happened ("import").
    pub action: String,
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
            "SELECT seq, at, entity, action FROM change WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![since, limit as i64], |r| {
            Ok(Change {
                seq: r.get(0)?,
                at: r.get(1)?,
                entity: r.get(2)?,
                action: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
