//! What can go wrong talking to a studio, as one typed error with an [`ErrorCode`] for every
//! edge (the CLI prints the message; the web API and the app switch on the code).
//!
//! Knows the failure kinds only, not how they are shown.

use atelier_domain::ErrorCode;
use atelier_library::LibraryError;
use atelier_protocol::ApiError;

use crate::credentials::CredentialError;

/// A sync or sign-in failure.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The studio refused, with its own `{code, message}`.
    #[error("the studio says: {}", .0.message)]
    Studio(ApiError),
    /// The studio didn't answer.
    #[error("the studio at {url} can't be reached ({reason}); check the address and that it is running")]
    Unreachable {
        /// Where we knocked.
        url: String,
        /// What the network said.
        reason: String,
    },
    /// Something answered, but not Atelier's studio API.
    #[error("{url} answered with something that isn't an Atelier studio ({what})")]
    NotAStudio {
        /// Where.
        url: String,
        /// What came back.
        what: String,
    },
    /// An address that can't be a studio's.
    #[error(
        "'{0}' isn't a studio address: give http:// or https:// and a host, e.g. http://studio.local:4780"
    )]
    InvalidUrl(String),
    /// Not signed in (never bound, or signed out, or the device was revoked).
    #[error("{0}")]
    NotSignedIn(String),
    /// The keyring.
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    /// The library.
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// The library folder's sign-in lock (studio.lock).
    #[error("a lock file in the library folder (studio.lock, sync.lock) can't be taken: {0}")]
    Lock(#[from] std::io::Error),
}

impl SyncError {
    /// The code every edge switches on.
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::Studio(e) => e.code,
            SyncError::Unreachable { .. } => ErrorCode::NetworkError,
            SyncError::NotAStudio { .. } => ErrorCode::HttpError,
            SyncError::InvalidUrl(_) => ErrorCode::InvalidUrl,
            SyncError::NotSignedIn(_) => ErrorCode::NotSignedIn,
            SyncError::Credentials(CredentialError::Unavailable { .. }) => ErrorCode::KeyringUnavailable,
            SyncError::Credentials(_) => ErrorCode::StorageError,
            SyncError::Library(e) => e.code(),
            SyncError::Lock(_) => ErrorCode::IoError,
        }
    }
}

/// Results of this crate.
pub type Result<T, E = SyncError> = std::result::Result<T, E>;
