//! The benchmarks' errors: what stops a whole run, with the stable code of the rule or failure
//! behind it. Knows no terminal: the binary says them.

use std::path::PathBuf;

use atelier_catalog::CatalogError;
use atelier_domain::{ErrorCode, InvalidInput};
use atelier_library::LibraryError;

/// Shorthand for benchmark results.
pub type Result<T, E = BenchError> = std::result::Result<T, E>;

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The input breaks a rule.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// A use case of the library failed or refused.
    #[error(transparent)]
    Library(LibraryError),
    /// The catalog failed or refused a bulk load.
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
    /// The user cancelled; completed work was kept.
    #[error("cancelled")]
    Cancelled,
    /// Something that must not happen did. The message says what.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<LibraryError> for BenchError {
    /// A rule is a rule, whoever checked it.
    fn from(e: LibraryError) -> Self {
        match e {
            LibraryError::Invalid(i) => BenchError::Invalid(i),
            other => BenchError::Library(other),
        }
    }
}

impl From<CatalogError> for BenchError {
    /// A rule is a rule, whoever checked it.
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::Invalid(i) => BenchError::Invalid(i),
            other => BenchError::Catalog(other),
        }
    }
}

impl BenchError {
    /// Stable machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            BenchError::Invalid(e) => e.code,
            BenchError::Library(e) => e.code(),
            BenchError::Catalog(e) => e.code(),
            BenchError::Io { .. } => ErrorCode::IoError,
            BenchError::Cancelled => ErrorCode::Cancelled,
            BenchError::Internal(_) => ErrorCode::InternalError,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        BenchError::Io {
            path: path.into(),
            source,
        }
    }
}
