//! The XMP write-back queue: which in-place assets need their sidecar rewritten (filled by the
//! triggers of migration 0004), what to write, and the outcome of each attempt. Writing the
//! files is atelier-library's job.

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Catalog, Result, Tx, paths};

/// One sidecar to write: where the original is and Atelier's values for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidecarJob {
    /// The asset.
    pub seq: i64,
    /// The original's absolute path.
    pub path: PathBuf,
    /// When the change was queued (a write only clears the queue entry it was made for).
    pub queued_at: i64,
    /// Attempts that failed so far.
    pub attempts: i64,
    /// 0 to 5.
    pub rating: u8,
    /// Tag names.
    pub tags: Vec<String>,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// A sidecar that could not be written (shown to the user, retried).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SidecarFailure {
    /// The original whose sidecar it is.
    #[serde(serialize_with = "paths::serialize_lossy")]
    #[ts(type = "string")]
    pub path: PathBuf,
    /// Why the last attempt failed.
    pub error: String,
    /// How many attempts failed.
    #[ts(type = "number")]
    pub attempts: i64,
}

// `CROSS JOIN` keeps the (small) queue as the outer loop: without statistics for it the planner
// would otherwise scan every file of the library to find none.
impl Catalog {
    /// Up to `limit` queued sidecar writes, oldest first; failed ones only after a pause that
    /// grows with their attempts (2 s, 4 s … up to about a minute).
    pub fn sidecar_jobs(&self, now: i64, limit: usize) -> Result<Vec<SidecarJob>> {
        let conn = self.conn();
        let mut jobs = conn
            .prepare_cached(
                "SELECT p.asset, f.path, p.queued_at, p.attempts, a.rating, m.title, m.description
                 FROM sidecar_pending p CROSS JOIN asset a ON a.seq = p.asset CROSS JOIN asset_file f ON f.asset = p.asset
                 LEFT JOIN asset_meta m ON m.asset = p.asset
                 WHERE p.attempts = 0 OR ?1 >= p.queued_at + 1000 * min(64, 1 << p.attempts)
                 ORDER BY p.queued_at LIMIT ?2",
            )?
            .query_map(params![now, limit as i64], |r| {
                Ok(SidecarJob {
                    seq: r.get(0)?,
                    path: paths::local(&r.get::<_, String>(1)?),
                    queued_at: r.get(2)?,
                    attempts: r.get(3)?,
                    rating: r.get(4)?,
                    title: r.get(5)?,
                    description: r.get(6)?,
                    tags: Vec::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut tags = conn.prepare_cached(
            "SELECT t.name FROM asset_tag x JOIN tag t ON t.id = x.tag WHERE x.asset = ?1 ORDER BY t.name COLLATE NOCASE",
        )?;
        for j in &mut jobs {
            j.tags = tags.query_map([j.seq], |r| r.get(0))?.collect::<Result<_, _>>()?;
        }
        Ok(jobs)
    }

    /// How many sidecar writes are queued.
    pub fn sidecars_pending(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM sidecar_pending", [], |r| r.get(0))?)
    }

    /// The sidecar writes whose last attempt failed.
    pub fn sidecar_failures(&self) -> Result<Vec<SidecarFailure>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.path, p.error, p.attempts FROM sidecar_pending p CROSS JOIN asset_file f ON f.asset = p.asset
             WHERE p.error IS NOT NULL ORDER BY f.path",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SidecarFailure {
                path: paths::local(&r.get::<_, String>(0)?),
                error: r.get(1)?,
                attempts: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl Tx<'_> {
    /// Records a written sidecar: clears the queue entry (unless a newer change was queued
    /// meanwhile) and remembers the sidecar's time.
    pub fn sidecar_written(&mut self, job: &SidecarJob, sidecar_mtime_ms: Option<i64>) -> Result<()> {
        self.tx.execute(
            "DELETE FROM sidecar_pending WHERE asset = ?1 AND queued_at = ?2",
            params![job.seq, job.queued_at],
        )?;
        self.tx.execute(
            "UPDATE asset_file SET sidecar_mtime_ms = ?2 WHERE asset = ?1",
            params![job.seq, sidecar_mtime_ms],
        )?;
        Ok(())
    }

    /// Records a failed attempt; the write stays queued and is retried later.
    pub fn sidecar_failed(&mut self, job: &SidecarJob, error: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE sidecar_pending SET attempts = attempts + 1, error = ?2 WHERE asset = ?1",
            params![job.seq, error],
        )?;
        Ok(())
    }
}

impl Catalog {
    /// When Atelier last read or wrote an asset's sidecar (unix ms).
    pub fn sidecar_mtime(&self, seq: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT sidecar_mtime_ms FROM asset_file WHERE asset = ?1")?
            .query_row([seq], |r| r.get(0))?)
    }
}

impl Tx<'_> {
    /// Takes the values of a sidecar another tool changed: rating, tags (replacing the
    /// asset's), title and description; remembers the sidecar's time and drops any queued
    /// write (the sidecar already says this).
    #[allow(clippy::too_many_arguments)]
    pub fn apply_sidecar(
        &mut self,
        seq: i64,
        rating: u8,
        tags: &[String],
        title: Option<&str>,
        description: Option<&str>,
        sidecar_mtime_ms: i64,
        actor: crate::UserRow,
        now: i64,
    ) -> Result<()> {
        self.set_column(crate::Column::Rating, &[seq], i64::from(rating), actor, now)?;
        let want = self.ensure_tags(tags, now)?;
        let have: Vec<i64> = self
            .tx
            .prepare_cached("SELECT tag FROM asset_tag WHERE asset = ?1")?
            .query_map([seq], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let gone: Vec<crate::TagRow> = have
            .iter()
            .filter(|t| !want.contains(t))
            .map(|t| crate::TagRow(*t))
            .collect();
        let new: Vec<crate::TagRow> = want
            .iter()
            .filter(|t| !have.contains(t))
            .map(|t| crate::TagRow(*t))
            .collect();
        if !gone.is_empty() {
            self.remove_tags(&[seq], &gone, actor, now)?;
        }
        if !new.is_empty() {
            self.add_tags(&[seq], &new, actor, now)?;
        }
        self.tx.execute(
            "INSERT INTO asset_meta (asset, title, description) VALUES (?1, ?2, ?3)
             ON CONFLICT (asset) DO UPDATE SET title = excluded.title, description = excluded.description",
            params![seq, title, description],
        )?;
        self.tx.execute(
            "UPDATE asset_file SET sidecar_mtime_ms = ?2 WHERE asset = ?1",
            params![seq, sidecar_mtime_ms],
        )?;
        self.tx
            .execute("DELETE FROM sidecar_pending WHERE asset = ?1", [seq])?;
        Ok(())
    }
}

/// The in-place asset a sidecar belongs to: its row, when Atelier last read or wrote the
/// sidecar, and when a write-back was queued (if one is).
pub type SidecarOwner = (i64, Option<i64>, Option<i64>);

impl Catalog {
    /// The in-place asset whose original is at `path` (see [`SidecarOwner`]).
    pub fn sidecar_owner(&self, path: &Path) -> Result<Option<SidecarOwner>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT f.asset, f.sidecar_mtime_ms, p.queued_at FROM asset_file f
                 LEFT JOIN sidecar_pending p ON p.asset = f.asset
                 WHERE f.path = ?1 AND f.managed = 0",
            )?
            .query_row([paths::stored(path)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?)
    }
}
