//! The local catalog: one SQLite file (WAL, foreign keys, numbered forward-only migrations)
//! holding assets, their organisation, postings for instant filtering, full-text indexes and
//! the change journal.
//!
//! SQL lives here and only here; rules do not (they are in atelier-domain, composed by
//! atelier-library). Knows no files beyond `catalog.db`, no media formats, no UI.

mod assets;
mod bulk;
mod edit;
mod error;
mod files;
mod journal;
mod migrations;
mod models;
mod org;
mod organise;
mod postings;
mod search;
mod sidecars;
mod signatures;
mod stacks;
mod text;
mod views;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction};

pub use assets::{DuplicateOf, FileFacts, NewAsset};
pub use bulk::BulkAsset;
pub use edit::{AssetFacts, Column, FreedFile};
pub use error::{CatalogError, Result};
pub use files::{InPlaceFile, Presence, WatchedFolder};
pub use journal::Change;
pub use models::{ModelLink, ModelSummary, NewModel};
pub use org::{BrandRow, PERSONAL_BRAND, ProjectRow, UserRow};
pub use organise::{
    BrandInfo, CampaignInfo, CollectionInfo, KitChange, MemberInfo, ProjectChange, ProjectInfo, ReviewEvent,
    TagInfo,
};
pub use search::{BucketCounts, Page};
pub use sidecars::{SidecarFailure, SidecarJob};
pub use signatures::{StoredSignature, Unsigned};
pub use views::{AssetDetail, AssetSummary};

/// An open catalog. One per thread: the connection is `Send` but not `Sync`; open another
/// `Catalog` on the same file for a second reader (WAL lets readers run beside the writer).
pub struct Catalog {
    conn: Connection,
}

impl Catalog {
    /// Opens (creating if needed) the catalog at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| CatalogError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Self::configure(conn, path)
    }

    /// Opens a throwaway in-memory catalog (tests and tools).
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        Self::configure(conn, Path::new(":memory:"))
    }

    fn configure(conn: Connection, path: &Path) -> Result<Self> {
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -32768;",
        )
        .map_err(|source| CatalogError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        rusqlite::vtab::array::load_module(&conn)?;
        let mut catalog = Catalog { conn };
        migrations::apply(&mut catalog.conn)?;
        text::create_temp_tables(&catalog.conn)?;
        Ok(catalog)
    }

    /// Runs `f` in one immediate transaction; postings edited through [`Tx`] are written
    /// before the commit, so rows and postings can never disagree.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut w = Tx {
            tx,
            postings: postings::Edits::default(),
        };
        let out = f(&mut w)?;
        w.postings.flush(&w.tx)?;
        text::flush_terms(&w.tx)?;
        w.tx.commit()?;
        Ok(out)
    }

    /// The connection, for reads inside this crate.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The schema version (the number of the last migration applied).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Recomputes every posting from the tables. Used by tests to prove that incremental
    /// upkeep is exact, and as a repair tool.
    pub fn rebuild_postings(&mut self) -> Result<()> {
        self.write(|tx| postings::rebuild(&tx.tx))
    }

    /// Checks that every posting matches the tables; returns the keys that do not (empty when
    /// the catalog is consistent). Tests use it after every kind of edit.
    pub fn verify_postings(&self) -> Result<Vec<i64>> {
        postings::verify(&self.conn)
    }

    /// Refreshes the query planner's statistics (after a large bulk load).
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA optimize; ANALYZE;")?;
        Ok(())
    }
}

/// A write transaction plus the posting edits it makes.
pub struct Tx<'c> {
    tx: Transaction<'c>,
    postings: postings::Edits,
}
