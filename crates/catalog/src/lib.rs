//! The local catalog: one SQLite file (WAL, foreign keys, numbered forward-only migrations)
//! holding assets, their organisation, postings for instant filtering, full-text indexes and
//! the change journal.
//!
//! SQL lives here and only here; rules do not (they are in atelier-domain, composed by
//! atelier-library). Knows no files beyond `catalog.db`, no media formats, no UI.

mod assets;
mod brands;
mod bulk;
mod campaigns;
mod collections;
mod error;
mod facets;
mod files;
mod journal;
mod migrations;
mod models;
pub mod paths;
mod postings;
mod projects;
mod public_ids;
mod replica;
mod reviews;
mod rows;
mod saved;
mod scope;
mod search;
mod shared;
mod sidecars;
mod signatures;
mod stacks;
mod tags;
mod text;
mod users;
mod views;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction};

pub use assets::{AssetFacts, Column, FreedFile};
pub use assets::{DuplicateOf, FileFacts, NewAsset};
pub use atelier_domain::Presence;
pub use atelier_protocol::{AssetDetail, AssetSummary, BucketCounts, ModelLink, Page};
pub use atelier_protocol::{Change, ChangeAction, Entity};
pub use atelier_protocol::{FacetValue, FacetValues};
pub use brands::{BrandInfo, KitChange, MemberInfo, PERSONAL_BRAND};
pub use bulk::BulkAsset;
pub use campaigns::CampaignInfo;
pub use collections::CollectionInfo;
pub use error::{CatalogError, Result};
pub use files::{InPlaceFile, WatchedFolder};
pub use journal::StudioBinding;
pub use models::{ModelSummary, NewModel};
pub use projects::{ProjectChange, ProjectDefaults, ProjectInfo, ProjectUsage};
pub use public_ids::Stored;
pub use replica::{LocalBrand, Refusal, SyncCursor};
pub use reviews::ReviewEvent;
pub use rows::{BrandRow, CampaignRow, CollectionRow, ProjectRow, TagRow, UserRow};
pub use saved::StoredSearch;
pub use scope::{Scope, Viewer};
pub use shared::{Purged, RemoteOriginal, ThumbWanted, Unsent, UnsentGeneration, remote_original_path};
pub use sidecars::{SidecarFailure, SidecarJob};
pub use signatures::{StoredSignature, Unsigned};
pub use tags::TagInfo;
pub use views::StoredAsset;

/// An open catalog. One per thread: the connection is `Send` but not `Sync`; open another
/// `Catalog` on the same file for a second reader (WAL lets readers run beside the writer).
pub struct Catalog {
    conn: Connection,
    /// The files this connection writes through, to notice them deleted or replaced under it.
    files: Option<OpenFiles>,
    /// Set when only reading was possible: whether the disk is full, and what SQLite said.
    read_only: Option<(bool, String)>,
}

/// Turns on write-ahead logging. Switching a new database to WAL needs it to itself, and SQLite
/// answers "locked" at once (without waiting) while another process creates the same new
/// library, so this waits and tries again for a while.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.map(drop),
        }
    }
}

/// A file path as the path part of an SQLite URI (`file:…`): every byte outside the unreserved
/// set percent-encoded.
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(b) {
            out.push(char::from(*b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Errors after which the catalog may still be read: nothing can be written where it is.
fn blocks_writing(e: &CatalogError) -> bool {
    let source = match e {
        CatalogError::Open { source, .. } | CatalogError::Sqlite(source) => source,
        _ => return false,
    };
    matches!(
        source.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::DiskFull
                | rusqlite::ErrorCode::SystemIoFailure
                | rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::PermissionDenied
        )
    )
}

/// Whether SQLite's error means the disk has no room left (growing the WAL index of a full
/// disk fails as an I/O error of its own).
fn is_disk_full(e: &CatalogError) -> bool {
    let (CatalogError::Open { source, .. } | CatalogError::Sqlite(source)) = e else {
        return false;
    };
    match source {
        rusqlite::Error::SqliteFailure(f, _) => {
            f.code == rusqlite::ErrorCode::DiskFull
                || f.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE
                || f.extended_code == rusqlite::ffi::SQLITE_IOERR_WRITE
        }
        _ => false,
    }
}

/// Which catalog and write-ahead log this connection opened (device and inode of each).
#[derive(Debug, Clone, PartialEq, Eq)]
struct OpenFiles {
    db: PathBuf,
    ids: [(u64, u64); 2],
}

impl OpenFiles {
    fn wal(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push("-wal");
        PathBuf::from(name)
    }

    fn read(db: &Path) -> Option<[(u64, u64); 2]> {
        use std::os::unix::fs::MetadataExt;
        let id = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
        Some([id(db)?, id(&Self::wal(db))?])
    }
}

/// Prepared statements kept per connection (every `prepare_cached` of the catalog's hot
/// paths stays prepared: a few megabytes at most).
const STATEMENTS_KEPT: usize = 256;

impl Catalog {
    /// Opens (creating if needed) the catalog at `path` and brings its schema up to date.
    /// When it can be read but not written (a full disk, a read-only folder or medium), it
    /// opens for reading: searching and showing work, and every write says why it can't.
    pub fn open(path: &Path) -> Result<Self> {
        match Self::open_writable(path) {
            Err(e) if path.is_file() && blocks_writing(&e) => Self::open_read_only(path, &e).map_err(|_| e),
            other => other,
        }
    }

    fn open_writable(path: &Path) -> Result<Self> {
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

    /// Reading without writing anything. On a full disk, exclusive locking mode keeps SQLite's
    /// WAL index in memory, so no `-shm` file has to be created or grown; on read-only media
    /// (where even that can't be opened) the file is read as immutable, which is exact only
    /// while no write-ahead log holds changes not yet in the file.
    fn open_read_only(path: &Path, why: &CatalogError) -> Result<Self> {
        let exclusive = || -> rusqlite::Result<Connection> {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE;")?;
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            Ok(conn)
        };
        let immutable = || -> rusqlite::Result<Connection> {
            let wal = std::fs::metadata(OpenFiles::wal(path)).map_or(0, |m| m.len());
            if wal > 0 {
                return Err(rusqlite::Error::InvalidPath(path.to_path_buf()));
            }
            let conn = Connection::open_with_flags(
                format!("file:{}?immutable=1", uri_path(path)),
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_URI
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
            Ok(conn)
        };
        let conn = exclusive().or_else(|_| immutable())?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -32768;",
        )?;
        rusqlite::vtab::array::load_module(&conn)?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found != migrations::known() {
            return Err(CatalogError::ReadOnly {
                path: path.to_path_buf(),
                disk_full: is_disk_full(why),
                reason: "its catalog needs updating to this version of Atelier, which needs writing".into(),
            });
        }
        text::create_temp_tables(&conn)?;
        Ok(Catalog {
            conn,
            files: None,
            read_only: Some((is_disk_full(why), why.to_string())),
        })
    }

    /// Opens a throwaway in-memory catalog (tests and tools).
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        Self::configure(conn, Path::new(":memory:"))
    }

    fn configure(conn: Connection, path: &Path) -> Result<Self> {
        conn.busy_timeout(Duration::from_secs(30))?;
        // Applying a row from the studio runs some forty distinct statements; with rusqlite's
        // default of 16 kept, `prepare_cached` missed on nearly every one of them and a first
        // sync spent a third of its time parsing SQL.
        conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        set_wal(&conn).map_err(|source| CatalogError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -32768;",
        )
        .map_err(|source| CatalogError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        rusqlite::vtab::array::load_module(&conn)?;
        let mut catalog = Catalog {
            conn,
            files: None,
            read_only: None,
        };
        migrations::apply(&mut catalog.conn)?;
        text::create_temp_tables(&catalog.conn)?;
        if path != Path::new(":memory:") {
            catalog.files = OpenFiles::read(path).map(|ids| OpenFiles {
                db: path.to_path_buf(),
                ids,
            });
        }
        Ok(catalog)
    }

    /// Whether the catalog could only be opened for reading (see [`Catalog::open`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only.is_some()
    }

    /// Runs `f` in one immediate transaction; postings edited through [`Tx`] are written
    /// before the commit, so rows and postings can never disagree.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        Ok(self.write_inner(f, false)?.0)
    }

    /// [`Catalog::write`], also saying which journal entries the transaction wrote (what an
    /// Undo of it names). The transaction holds the write lock from its start, so its entries
    /// are consecutive.
    pub fn write_journaled<T>(
        &mut self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<(T, Option<atelier_protocol::JournalSpan>)> {
        self.write_inner(f, true)
    }

    fn write_inner<T>(
        &mut self,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
        spanned: bool,
    ) -> Result<(T, Option<atelier_protocol::JournalSpan>)> {
        self.check_files()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut w = Tx {
            tx,
            postings: postings::Edits::default(),
            text: text::Pending::default(),
            imported: Vec::new(),
            stage_terms: true,
            synced: false,
            memo: shared::Memo::default(),
        };
        let start = if spanned { journal::last_seq(&w.tx)? } else { 0 };
        let out = f(&mut w)?;
        journal::record_imports(&w.tx, &w.imported)?;
        let span = if spanned {
            let end = journal::last_seq(&w.tx)?;
            (end > start).then_some(atelier_protocol::JournalSpan {
                first: start + 1,
                last: end,
            })
        } else {
            None
        };
        w.text.flush(&w.tx)?;
        w.postings.flush(&w.tx)?;
        text::flush_terms(&w.tx)?;
        w.tx.commit()?;
        Ok((out, span))
    }

    /// Refuses to write when the catalog or its write-ahead log was deleted or replaced while
    /// open: SQLite would go on writing into the deleted file and every change would be lost
    /// when the process ends, silently.
    fn check_files(&self) -> Result<()> {
        if let (Some((disk_full, reason)), Some(path)) = (&self.read_only, self.conn.path()) {
            return Err(CatalogError::ReadOnly {
                path: PathBuf::from(path),
                disk_full: *disk_full,
                reason: reason.clone(),
            });
        }
        let Some(open) = &self.files else {
            return Ok(());
        };
        if OpenFiles::read(&open.db).as_ref() == Some(&open.ids) {
            return Ok(());
        }
        Err(CatalogError::FilesGone {
            path: open.db.clone(),
        })
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

    /// Refreshes the query planner's statistics (after a large bulk load): table and index
    /// sizes only. With STAT4's samples kept too, SQLite re-plans a statement at its next step
    /// whenever a bound value changes — for the catalog's short statements a re-plan costs more
    /// than any plan saves (a tag burst's library spent 38 % of its time re-preparing).
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA optimize; ANALYZE;")?;
        let stat4: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4')",
            [],
            |r| r.get(0),
        )?;
        if stat4 {
            // Read again by the planner once the schema reloads (`ANALYZE sqlite_schema`).
            self.conn
                .execute_batch("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema;")?;
        }
        Ok(())
    }
}

/// A write transaction plus the posting edits it makes.
pub struct Tx<'c> {
    tx: Transaction<'c>,
    postings: postings::Edits,
    /// Full-text writes, applied when the transaction ends.
    text: text::Pending,
    /// Assets inserted, journaled as one Import entry per creator when the transaction ends.
    imported: Vec<(UserRow, i64, [u8; 16])>,
    /// Whether new words go to the term dictionary as they are indexed (a bulk load rebuilds it
    /// once at the end instead).
    stage_terms: bool,
    /// Inside [`Tx::as_synced`]: what is written is the studio's (a nested call adds nothing).
    synced: bool,
    /// Lookups the rows of a pull repeat (see [`shared::Memo`]).
    memo: shared::Memo,
}
