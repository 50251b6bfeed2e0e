//! Atelier's media knowledge: what a file is (from its content), what it says about itself
//! (EXIF, IPTC, XMP, AI generation parameters) and how it looks small (thumbnails, previews).
//!
//! Pure functions over bytes and paths. Knows no catalog, no library, no assets.

pub mod containers;
pub mod detect;
pub mod error;
pub mod exif;
pub mod generation;
pub mod iptc;
pub mod metadata;
pub mod render;
pub mod xmp;

pub use detect::{Detected, Format, detect};
pub use error::MediaError;
pub use generation::Generation;
pub use metadata::{CaptureTime, Exposure, Gps, Metadata, read_metadata};
pub use render::{PREVIEW_SIDE, Rendition, RenditionFormat, THUMB_SIDE, render};
