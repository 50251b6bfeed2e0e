//! The review log: every transition of an asset's status, with who, from, to and the note.
//!
//! Knows the review_event table; which moves are allowed is atelier-domain's.

use atelier_domain::Status;
use rusqlite::params;
use serde::Serialize;

use crate::rows::UserRow;
use crate::{Catalog, CatalogError, Result, Tx};

/// One review audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewEvent {
    /// When (RFC 3339).
    pub at: String,
    /// Who (login name).
    pub actor: Option<String>,
    /// The action.
    pub action: String,
    /// Status before.
    pub from: atelier_domain::Status,
    /// Status after.
    pub to: atelier_domain::Status,
    /// The note.
    pub note: Option<String>,
}

impl Tx<'_> {
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
}

impl Catalog {
    /// The review audit log of an asset, oldest first.
    pub fn review_log(&self, seq: i64) -> Result<Vec<ReviewEvent>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT e.at, u.handle, e.action, e.from_status, e.to_status, e.note FROM review_event e
             LEFT JOIN user u ON u.id = e.actor WHERE e.asset = ?1 ORDER BY e.id",
        )?;
        let rows = stmt.query_map([seq], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get(5)?,
            ))
        })?;
        rows.map(|row| {
            let (at, actor, action, from, to, note) = row?;
            let status = |c: i64| {
                atelier_domain::Status::from_code(c)
                    .ok_or_else(|| CatalogError::Corrupt(format!("status {c}")))
            };
            Ok(ReviewEvent {
                at: crate::views::format_ms(at),
                actor,
                action,
                from: status(from)?,
                to: status(to)?,
                note,
            })
        })
        .collect()
    }
}
