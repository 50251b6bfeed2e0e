//! The catalog's errors: storage failures with context, lookups that found nothing, and
//! rule violations passed through from atelier-domain.

use atelier_domain::ErrorCode;
use std::path::PathBuf;

use atelier_domain::InvalidInput;

/// Shorthand for catalog results.
pub type Result<T, E = CatalogError> = std::result::Result<T, E>;

/// Why a catalog operation failed. Nothing was committed when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The database file could not be opened or configured.
    #[error("cannot open catalog {path}: {source}")]
    Open {
        /// The catalog file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The catalog was written by a newer Atelier.
    #[error(
        "catalog schema version {found} is newer than this Atelier understands ({known}); \
         update Atelier to open this library"
    )]
    NewerSchema {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
    /// The catalog file or its write-ahead log was deleted or replaced while open.
    #[error(
        "{path} or its write-ahead log ({path}-wal) was deleted or replaced while Atelier had \
         it open: nothing more is written, so no change is silently lost. Quit Atelier and start \
         it again; changes made since the files were removed may be lost"
    )]
    FilesGone {
        /// The catalog file.
        path: PathBuf,
    },
    /// The catalog could be opened for reading only: nothing can be saved.
    #[error(
        "changes can't be saved to {path}: {}; searching and viewing still work ({reason})",
        if *disk_full { "the disk is full: free some space" } else { "the library can only be read here (a read-only folder or medium)" }
    )]
    ReadOnly {
        /// The catalog file.
        path: PathBuf,
        /// Whether the disk is full (rather than read-only).
        disk_full: bool,
        /// What SQLite said when opening for writing.
        reason: String,
    },
    /// A named or identified thing does not exist.
    #[error("{what} not found: {key}")]
    NotFound {
        /// What was looked for ("asset", "project").
        what: &'static str,
        /// The id or name given.
        key: String,
    },
    /// The input breaks a rule; nothing changed.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// A stored value could not be read back (a bug or a damaged file).
    #[error("damaged catalog data: {0}")]
    Corrupt(String),
    /// SQLite failed.
    #[error("catalog storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl CatalogError {
    /// Stable machine-readable code for front ends.
    pub fn code(&self) -> ErrorCode {
        match self {
            CatalogError::Open { .. } => ErrorCode::CatalogUnavailable,
            CatalogError::FilesGone { .. } => ErrorCode::CatalogFilesGone,
            CatalogError::ReadOnly { disk_full: true, .. } => ErrorCode::DiskFull,
            CatalogError::ReadOnly { .. } => ErrorCode::LibraryReadOnly,
            CatalogError::NewerSchema { .. } => ErrorCode::CatalogTooNew,
            CatalogError::NotFound { .. } => ErrorCode::NotFound,
            CatalogError::Invalid(e) => e.code,
            CatalogError::Corrupt(_) => ErrorCode::CatalogDamaged,
            CatalogError::Sqlite(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) => {
                ErrorCode::DiskFull
            }
            CatalogError::Sqlite(_) => ErrorCode::StorageError,
        }
    }

    pub(crate) fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        CatalogError::NotFound {
            what,
            key: key.into(),
        }
    }
}
