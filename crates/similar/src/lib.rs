//! Visual similarity for Atelier (SPEC R13): what a picture looks like, in 56 bytes, and how to
//! find the pictures that look like it among a million.
//!
//! - [`Signature`]: computed from a rendition's pixels (the grid thumbnail, so no second
//!   decode): a 64-bit perceptual hash (DCT signs against their median, as pHash) for
//!   near-duplicates, and a 48-dimension descriptor — the low frequencies of the luma DCT,
//!   normalised for brightness and contrast, plus the coarse colour layout — for "same scene"
//!   similarity. Horizontal mirroring only flips the sign of odd horizontal frequencies, so the
//!   descriptor distance is mirror-aware at no extra cost.
//! - [`Index`]: signatures by asset seq in flat arrays; top-k nearest within a scope bitmap by
//!   an exhaustive scan (exact, ~50 M byte operations per million assets, no training, updated by
//!   appending).
//! - [`duplicate_pairs`]: near-duplicate candidates by multi-index hashing of the perceptual
//!   hash (pigeonhole on 16-bit chunks), confirmed by the descriptor; [`compare`] of two
//!   thumbnails' [`Grey`] levels is the final check.
//!
//! Knows no catalog, no files, no image formats: pixels in, numbers out.

mod dct;
mod duplicates;
mod index;
mod signature;
mod verify;

pub use duplicates::{DuplicateRule, duplicate_pairs, groups_of};
pub use index::{Hit, Index};
pub use signature::{DIMS, Signature, SignatureError, VERSION, to_distance};
pub use verify::{Grey, compare};
