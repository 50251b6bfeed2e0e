//! Renditions: the grid thumbnail (longest side about 400 px) and the lightbox preview (about
//! 2048 px), orientation applied, never upscaled.
//!
//! JPEGs decode through libjpeg-turbo with DCT scaling — a 24 MP photo is decoded straight to
//! 1/8 size — then fast_image_resize finishes the job; that path is 3–4× faster than a full
//! decode. Camera RAWs go through the same path from their embedded preview (see [`crate::raw`]);
//! HEIC/HEIF and AVIF decode through libheif, which applies their own rotation and mirroring
//! (`irot`/`imir`), so the EXIF orientation passed in is not applied to them a second time; SVGs
//! are rasterised by resvg; videos get a poster frame from ffmpeg ([`crate::video`]). Other
//! formats decode through the `image` crate. Opaque results are encoded as JPEG, images with
//! transparency as PNG.

use atelier_similar::Signature;

use crate::pixels::{Pixels, decode_jpeg, decode_other, encode, orient, resize, still_dimensions};
pub use crate::pixels::{Rendition, RenditionFormat, check_size};
use crate::{Format, MediaError};

/// Longest side of a grid thumbnail.
pub const THUMB_SIDE: u32 = 400;
/// Longest side of a lightbox preview.
pub const PREVIEW_SIDE: u32 = 2048;
/// Renders `bytes` of `format` to fit `max_side`, applying EXIF `orientation` (1–8).
///
/// RAW files render from their embedded preview (the RAW's orientation is applied to it);
/// HEIC/HEIF and AVIF come out of libheif already rotated, so `orientation` is ignored for them;
/// SVGs ignore it too. Videos are accepted for compatibility (the bytes go through a temporary
/// file to ffmpeg, which applies the container's rotation); prefer [`crate::render_path`].
pub fn render(bytes: &[u8], format: Format, orientation: u8, max_side: u32) -> Result<Rendition, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let pixels = match format {
        Format::Jpeg => decode_jpeg(bytes, max_side)?,
        Format::Png | Format::Webp | Format::Gif | Format::Tiff | Format::Bmp => decode_other(bytes, format)?,
        Format::Raw(name) => crate::raw::decode(bytes, name, max_side)?,
        Format::Heif | Format::Avif => {
            return match crate::heif::decode(bytes, format, max_side) {
                Ok(pixels) => encode(resize(pixels, max_side)?),
                // A sequence-only file: its first frame through ffmpeg, when installed.
                Err(e) if crate::heif::is_sequence(&e) => {
                    crate::video::with_temp_file(bytes, |p| crate::video::poster(p, max_side)).map_err(|_| e)
                }
                Err(e) => Err(e),
            };
        }
        Format::Svg => return encode(crate::svg::rasterise(bytes, max_side)?),
        Format::Video(_) => {
            return crate::video::with_temp_file(bytes, |p| crate::video::poster(p, max_side));
        }
        other => {
            return Err(MediaError::Unsupported {
                what: other.describe(),
            });
        }
    };
    let pixels = orient(resize(pixels, max_side)?, orientation);
    encode(pixels)
}

/// Renders the file at `path`: videos through ffmpeg without reading them into memory, every
/// other format by reading the file and calling [`render`].
pub fn render_path(
    path: &std::path::Path,
    format: Format,
    orientation: u8,
    max_side: u32,
) -> Result<Rendition, MediaError> {
    match format {
        Format::Video(_) => crate::video::poster(path, max_side),
        _ => render(&crate::video::read_file(path)?, format, orientation, max_side),
    }
}

/// The signature of a stored rendition (a grid thumbnail made before signatures existed):
/// decoding a 400-pixel JPEG or PNG costs a millisecond or two.
pub fn rendition_signature(bytes: &[u8]) -> Result<Signature, MediaError> {
    let format = if bytes.starts_with(&[0xFF, 0xD8]) {
        Format::Jpeg
    } else {
        Format::Png
    };
    let pixels = match format {
        Format::Jpeg => decode_jpeg(bytes, THUMB_SIDE)?,
        _ => decode_other(bytes, format)?,
    };
    let signature = match &pixels {
        Pixels::Rgb(i) => Signature::from_pixels(i.as_raw(), i.width(), i.height(), 3),
        Pixels::Rgba(i) => Signature::from_pixels(i.as_raw(), i.width(), i.height(), 4),
    };
    signature.map_err(|e| MediaError::Corrupt {
        format: "rendition",
        reason: e.to_string(),
    })
}

/// Stored pixel dimensions from the header alone (for a RAW, its declared full size; for an
/// SVG, its declared size rounded up; for HEIF/AVIF, the size before rotation).
pub fn dimensions(bytes: &[u8], format: Format) -> Result<(u32, u32), MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    match format {
        Format::Raw(name) => {
            return crate::raw::scan(bytes, name)?
                .dimensions()
                .ok_or(MediaError::NoImage { format: name });
        }
        Format::Heif | Format::Avif => return crate::heif::dimensions(bytes, format),
        Format::Svg => return crate::svg::dimensions(bytes),
        Format::Video(_) => {
            let info = crate::video::with_temp_file(bytes, crate::video::probe)?;
            return Ok((info.width, info.height));
        }
        _ => {}
    }
    still_dimensions(bytes, format)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::{ImageFormat, RgbImage, RgbaImage};

    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
            .unwrap();
        out
    }

    fn png_rgba(w: u32, h: u32, alpha: u8) -> Vec<u8> {
        let img = RgbaImage::from_pixel(w, h, image::Rgba([10, 20, 30, alpha]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn jpeg_thumbnail_fits_the_longest_side_and_applies_orientation() {
        let bytes = jpeg(1600, 1200);
        let r = render(&bytes, Format::Jpeg, 1, THUMB_SIDE).unwrap();
        assert_eq!((r.width, r.height, r.format), (400, 300, RenditionFormat::Jpeg));
        let r = render(&bytes, Format::Jpeg, 6, THUMB_SIDE).unwrap();
        assert_eq!((r.width, r.height), (300, 400));
        let decoded = image::load_from_memory(&r.data).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (300, 400));
    }

    #[test]
    fn small_images_are_never_upscaled() {
        let r = render(&jpeg(120, 80), Format::Jpeg, 1, THUMB_SIDE).unwrap();
        assert_eq!((r.width, r.height), (120, 80));
    }

    #[test]
    fn transparency_keeps_png_and_opaque_alpha_becomes_jpeg() {
        let r = render(&png_rgba(800, 400, 100), Format::Png, 1, THUMB_SIDE).unwrap();
        assert_eq!((r.width, r.height, r.format), (400, 200, RenditionFormat::Png));
        let r = render(&png_rgba(800, 400, 255), Format::Png, 1, THUMB_SIDE).unwrap();
        assert_eq!(r.format, RenditionFormat::Jpeg);
    }

    #[test]
    fn truncated_jpeg_is_reported_as_truncated() {
        let bytes = jpeg(800, 600);
        let cut = &bytes[..bytes.len() / 2];
        let err = render(cut, Format::Jpeg, 1, THUMB_SIDE).unwrap_err();
        assert!(
            matches!(&err, MediaError::Corrupt { reason, .. } if reason.contains("truncated")),
            "{err}"
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn decompression_bombs_are_refused_before_decoding() {
        // A PNG header claiming 20000×20000 pixels.
        let mut png = png_rgba(1, 1, 255);
        png[16..20].copy_from_slice(&20000u32.to_be_bytes());
        png[20..24].copy_from_slice(&20000u32.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = render(&png, Format::Png, 1, THUMB_SIDE).unwrap_err();
        assert!(
            matches!(
                err,
                MediaError::TooLarge {
                    megapixels: 400,
                    limit: 250,
                    ..
                }
            ),
            "{err}"
        );
    }
}
