//! Numbered, forward-only schema migrations, tracked in `PRAGMA user_version`. Each runs in
//! its own transaction; a catalog from a newer build is refused rather than guessed at.

use rusqlite::Connection;

use crate::{CatalogError, Result};

/// Every migration, in order; the index + 1 is its version. Never edit or reorder one that has
/// shipped: add a new file.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_catalog.sql"),
    include_str!("../migrations/0002_organise.sql"),
    include_str!("../migrations/0003_watch.sql"),
    include_str!("../migrations/0004_sidecar.sql"),
    include_str!("../migrations/0005_models.sql"),
    include_str!("../migrations/0006_stacks.sql"),
    include_str!("../migrations/0007_signatures.sql"),
    include_str!("../migrations/0008_trash.sql"),
];

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
        let Some(sql) = MIGRATIONS.get(current as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
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
