//! Numbered, forward-only schema migrations, tracked in `PRAGMA user_version`. Each runs in
//! its own transaction; a catalog from a newer build is refused rather than guessed at.

use rusqlite::Connection;

use crate::{CatalogError, Result};

/// Every migration, in order; the index + 1 is its version. Never edit or reorder one that has
/// shipped: add a new file. A step may finish in Rust what SQL can't (minting UUIDv7s), inside
/// the same transaction.
const MIGRATIONS: &[(&str, Option<Fixup>)] = &[
    (include_str!("../migrations/0001_catalog.sql"), None),
    (include_str!("../migrations/0002_organise.sql"), None),
    (include_str!("../migrations/0003_watch.sql"), None),
    (include_str!("../migrations/0004_sidecar.sql"), None),
    (include_str!("../migrations/0005_models.sql"), None),
    (include_str!("../migrations/0006_stacks.sql"), None),
    (include_str!("../migrations/0007_signatures.sql"), None),
    (include_str!("../migrations/0008_trash.sql"), None),
    (
        include_str!("../migrations/0009_journal.sql"),
        Some(give_tags_public_ids),
    ),
    (include_str!("../migrations/0010_sync.sql"), None),
    (include_str!("../migrations/0011_limits.sql"), None),
    (include_str!("../migrations/0012_bind_report.sql"), None),
    (include_str!("../migrations/0013_shared.sql"), None),
    (include_str!("../migrations/0014_transfers.sql"), None),
    (include_str!("../migrations/0015_thumbs.sql"), None),
    (include_str!("../migrations/0016_retry.sql"), None),
    (include_str!("../migrations/0017_stale_index.sql"), None),
    (include_str!("../migrations/0018_links_pending.sql"), None),
    (include_str!("../migrations/0019_offline.sql"), None),
    (include_str!("../migrations/0020_studio_anchors.sql"), None),
    (include_str!("../migrations/0021_thumbs_wanted.sql"), None),
    (include_str!("../migrations/0022_unsent_generation.sql"), None),
    (include_str!("../migrations/0023_undone.sql"), None),
    (
        include_str!("../migrations/0024_filters.sql"),
        Some(crate::facets::fill),
    ),
    (include_str!("../migrations/0025_saved_searches.sql"), None),
    (include_str!("../migrations/0026_collection_cover.sql"), None),
];

type Fixup = fn(&Connection) -> Result<()>;

/// 0009: tags existed before they had public ids; each gets a time-ordered one.
fn give_tags_public_ids(conn: &Connection) -> Result<()> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM tag WHERE uid IS NULL ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let mut set = conn.prepare("UPDATE tag SET uid = ?2 WHERE id = ?1")?;
    for id in ids {
        set.execute(rusqlite::params![id, uuid::Uuid::now_v7().as_bytes().to_vec()])?;
    }
    Ok(())
}

/// The newest schema version this build knows.
pub(crate) fn known() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the schema up to the newest version. Each step reads the version inside its own
/// exclusive transaction, so two processes opening a new library at once never both apply
/// one migration: the second waits, then sees it done.
pub(crate) fn apply(conn: &mut Connection) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    // Up to date: nothing to lock (a library on a full disk still opens for reading).
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current == known {
        return Ok(());
    }
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > known {
            return Err(CatalogError::NewerSchema {
                found: current,
                known,
            });
        }
        let Some((sql, fixup)) = MIGRATIONS.get(current as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        if let Some(fixup) = fixup {
            fixup(&tx)?;
        }
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_refuse_newer_catalogs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.db");
        let mut conn = Connection::open(&path).unwrap();
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(
            apply(&mut conn),
            Err(CatalogError::NewerSchema { found: 99, .. })
        ));
    }

    #[test]
    fn tags_made_before_0009_get_public_ids() {
        let mut conn = Connection::open_in_memory().unwrap();
        for (sql, _) in &MIGRATIONS[..8] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 8).unwrap();
        conn.execute(
            "INSERT INTO tag (name, key, created_at) VALUES ('a', 'a', 0), ('b', 'b', 0)",
            [],
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let uids: Vec<Vec<u8>> = conn
            .prepare("SELECT uid FROM tag ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert_eq!(uids.len(), 2);
        assert!(uids.iter().all(|u| u.len() == 16));
        assert_ne!(uids[0], uids[1]);
    }

    #[test]
    fn processes_opening_a_new_catalog_at_once_all_succeed() {
        // Issue 10, defect 5: the version was read outside the migration's transaction, so a
        // second opener re-ran migrations ("table user already exists").
        for _ in 0..10 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("catalog.db");
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    let path = path.clone();
                    let barrier = barrier.clone();
                    std::thread::spawn(move || {
                        barrier.wait();
                        crate::Catalog::open(&path).map(|_| ())
                    })
                })
                .collect();
            for h in handles {
                h.join().unwrap().unwrap();
            }
            let conn = Connection::open(&path).unwrap();
            let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
            assert_eq!(v, MIGRATIONS.len() as i64);
        }
    }
}
