//! Why a blob operation was refused or failed, and the wire code each case answers with.
//!
//! Must not know HTTP: the HTTP layer turns [`BlobError::code`] into a status. Messages never
//! hold credentials (the store's location is a path or an `s3://` URL, keys are never in it).

use atelier_domain::ErrorCode;

use super::ContentHash;

/// A blob operation's refusal or failure.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// A content hash that is not 64 hexadecimal digits.
    #[error("'{0}' is not a content hash: expected 64 hexadecimal digits (the BLAKE3-256 of the bytes)")]
    InvalidHash(String),
    /// The bytes' BLAKE3-256 is not the hash they were sent under; nothing was stored.
    #[error(
        "the bytes don't match their hash (sent as {expected}, they hash to {actual}); nothing was stored"
    )]
    HashMismatch {
        /// The hash the caller claimed.
        expected: ContentHash,
        /// The hash of what arrived.
        actual: ContentHash,
    },
    /// No blob has this hash.
    #[error("no blob {0}")]
    NotFound(ContentHash),
    /// A byte range the blob doesn't have (empty, or starting at or past its end).
    #[error("bytes {start}..{end} are not in blob {hash} ({size} bytes)")]
    BadRange {
        /// The blob.
        hash: ContentHash,
        /// First byte asked for.
        start: u64,
        /// One past the last byte asked for.
        end: u64,
        /// The blob's size.
        size: u64,
    },
    /// Reading the bytes to store failed (the upload broke off); nothing was stored.
    #[error("the bytes to store could not be read to the end ({0}); nothing was stored")]
    Source(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A `--blob-url` that is not `s3://BUCKET[/PREFIX]`.
    #[error("{0}")]
    InvalidUrl(String),
    /// The store can't be set up from its location and the environment.
    #[error("the blob store {at} can't be used: {reason}")]
    Config {
        /// Where (a folder or an `s3://` URL).
        at: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// The start-up check (write, read back and delete a probe object) failed.
    #[error("the blob store {at} failed its start-up check while {step}: {detail}\n{hint}")]
    Check {
        /// Where (a folder or an `s3://` URL).
        at: String,
        /// What the check was doing.
        step: &'static str,
        /// What the store said.
        detail: String,
        /// What to look at.
        hint: &'static str,
    },
    /// The store failed an operation.
    #[error("the blob store {at} failed: {source}")]
    Store {
        /// Where (a folder or an `s3://` URL).
        at: String,
        /// What the store said.
        source: object_store::Error,
    },
}

impl BlobError {
    /// The wire code for this refusal or failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            // A content hash is the blob's id.
            BlobError::InvalidHash(_) => ErrorCode::InvalidId,
            // The caller sent bytes that aren't what they said: a bad upload, not a failure of
            // ours, and worth a different answer from a broken store.
            BlobError::HashMismatch { .. } | BlobError::Source(_) => ErrorCode::BadUpload,
            BlobError::NotFound(_) => ErrorCode::NotFound,
            // The HTTP layer answers an unsatisfiable Range with 416 itself; a caller that
            // reaches this asked for bytes that don't exist, which is a malformed request.
            BlobError::BadRange { .. } => ErrorCode::InvalidBody,
            BlobError::InvalidUrl(_) => ErrorCode::InvalidUrl,
            BlobError::Config { .. } | BlobError::Check { .. } | BlobError::Store { .. } => {
                ErrorCode::StorageError
            }
        }
    }
}
