//! The files' wire types (STUDIO.md §5): which originals the studio still needs, resumable
//! upload sessions in checksummed parts, and what a finished upload stored. Content hashes are
//! the BLAKE3-256 of the bytes, as 64 lowercase hex digits.
//!
//! Plain data only: who may read or send which file is the studio's to decide.

use serde::{Deserialize, Serialize};

/// The part size a session uses unless the file is smaller (16 MiB).
pub const PART_SIZE: u64 = 16 << 20;

/// The largest original the studio takes by default (R16.1: 5 GiB).
pub const MAX_FILE_BYTES: u64 = 5 << 30;

/// The largest rendition (thumbnail or preview) the studio takes.
pub const MAX_RENDITION_BYTES: u64 = 8 << 20;

/// Most hashes one check asks about.
pub const MAX_CHECK: usize = 1000;

/// The header a part carries its own BLAKE3 in (hex): a part damaged on the way is refused and
/// sent again, before the whole file is verified at the end.
pub const PART_HASH_HEADER: &str = "x-atelier-part-blake3";

/// `POST /api/v1/blobs/check`: which of these originals must this caller send?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobCheck {
    /// Content hashes, at most [`MAX_CHECK`].
    pub hashes: Vec<String>,
}

/// The answer: the hashes whose bytes the caller must send — the studio lacks them, or the
/// caller hasn't shown it holds them (knowing a hash never grants a file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobsNeeded {
    /// A subset of the hashes asked about, in their order.
    pub needed: Vec<String>,
}

/// `POST /api/v1/uploads`: start (or resume) sending one original.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadStart {
    /// Its content hash.
    pub hash: String,
    /// Its size in bytes (1 to [`MAX_FILE_BYTES`]).
    pub size: u64,
}

/// An upload session: one per content hash, so that two members sending the same file meet in
/// one; resumable — `received` lists the parts the studio has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSession {
    /// The session's id (in the part and completion URLs).
    pub id: String,
    /// The content hash being sent.
    pub hash: String,
    /// Its size.
    pub size: u64,
    /// Bytes per part (the last part may be shorter); parts are numbered from 0.
    pub part_size: u64,
    /// How many parts make the file.
    pub parts: u32,
    /// The part numbers already received, ascending.
    pub received: Vec<u32>,
}

/// `POST /api/v1/uploads/{id}/complete`'s answer: the file as stored, verified whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadDone {
    /// Its content hash.
    pub hash: String,
    /// Its size.
    pub size: u64,
}
