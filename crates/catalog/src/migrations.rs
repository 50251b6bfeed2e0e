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
];

/// Brings the schema up to the newest version.
pub(crate) fn apply(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(CatalogError::NewerSchema {
            found: current,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
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
}
