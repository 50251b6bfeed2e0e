//! The library's errors: what stops a whole operation. Per-file and per-asset problems are not
//! errors; they go into the operation's report.

use std::path::PathBuf;

use atelier_catalog::CatalogError;
use atelier_domain::{ErrorCode, InvalidInput};

/// Shorthand for library results.
pub type Result<T, E = LibraryError> = std::result::Result<T, E>;

/// Why an operation could not run at all. Nothing was changed when it is returned, unless the
/// operation's documentation says it keeps completed work (import keeps what it committed).
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The input breaks a rule.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The catalog failed or refused.
    #[error(transparent)]
    Catalog(CatalogError),
    /// A file or folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The export could not be written.
    #[error(transparent)]
    Archive(#[from] atelier_archive::ArchiveError),
    /// The user cancelled; completed work was kept.
    #[error("cancelled")]
    Cancelled,
    /// A bug: something that must not happen did. The message says what.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<CatalogError> for LibraryError {
    /// A rule the catalog enforced is a rule, whoever checked it.
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Invalid(i) => LibraryError::Invalid(i),
            other => LibraryError::Catalog(other),
        }
    }
}

impl LibraryError {
    /// Stable machine-readable code for front ends.
    pub fn code(&self) -> ErrorCode {
        match self {
            LibraryError::Invalid(e) => e.code,
            LibraryError::Catalog(e) => e.code(),
            LibraryError::Io { source, .. } if source.kind() == std::io::ErrorKind::StorageFull => {
                ErrorCode::DiskFull
            }
            LibraryError::Io { .. } => ErrorCode::IoError,
            LibraryError::Archive(atelier_archive::ArchiveError::Exists { .. }) => {
                ErrorCode::DestinationExists
            }
            LibraryError::Archive(_) => ErrorCode::ExportFailed,
            LibraryError::Cancelled => ErrorCode::Cancelled,
            LibraryError::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// An IO failure on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        LibraryError::Io {
            path: path.into(),
            source,
        }
    }
}
