//! Atelier's media knowledge: what a file is (from its content), what it says about itself
//! (EXIF, IPTC, XMP, AI generation parameters) and how it looks small (thumbnails, previews).
//!
//! Pure functions over bytes and paths. Knows no catalog, no library, no assets.
//!
//! Formats: JPEG, PNG, WebP, GIF, TIFF, BMP (the `image` crate and libjpeg-turbo), camera RAW
//! (embedded previews, rawler as the fallback), HEIC/HEIF and AVIF (the system libheif), SVG
//! (resvg) and video (the `ffprobe`/`ffmpeg` programs; use the `_path` entry points for videos).

pub mod containers;
pub mod detect;
pub mod error;
pub mod exif;
pub mod generation;
mod heif;
pub mod iptc;
pub mod metadata;
pub mod model;
mod pixels;
mod raw;
pub mod render;
pub mod sidecar;
pub mod stealth;
mod svg;
mod tiff;
pub mod video;
pub mod xmp;

pub use atelier_similar::Signature;
pub use detect::{Detected, Format, detect};
pub use error::MediaError;
pub use generation::Generation;
pub use metadata::{CaptureTime, Exposure, Gps, Metadata, read_metadata, read_metadata_path};
pub use render::{
    PREVIEW_SIDE, Rendition, RenditionFormat, THUMB_SIDE, render, render_path, rendition_signature,
};
pub use video::VideoInfo;
