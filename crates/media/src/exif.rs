//! EXIF.
