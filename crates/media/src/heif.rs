//! HEIC/HEIF and AVIF through libheif (the system library, 1.15 on Debian 12; HEVC through
//! libde265, AV1 through dav1d or libaom).
//!
//! libheif applies the file's own transformations (`irot` rotation, `imir` mirroring, `clap`
//! crop) when it decodes, which is what the HEIF specification asks for: the EXIF orientation
//! inside a HEIC is informative only, so renditions never apply it a second time. The
//! dimensions reported are the stored ones (`ispe`, before rotation, as ExifTool reports them)
//! and [`orientation`] says how they are turned for display, so that both always agree with the
//! rendered pixels. Files holding only an image sequence (brands `msf1`, `avis`), which libheif
//! 1.15 cannot open, are handed to ffmpeg like a video by the callers.

use libheif_rs::{
    ColorSpace, HeifContext, HeifError, HeifErrorCode, HeifErrorSubCode, ImageHandle, ItemId, LibHeif,
    RgbChroma,
};

use crate::pixels::{Pixels, check_size};
use crate::{Format, MediaError};

fn label(format: Format) -> &'static str {
    match format {
        Format::Avif => "AVIF",
        _ => "HEIC/HEIF",
    }
}

/// The reason given for HEIF/AVIF files that hold only a sequence (libheif 1.15 reads still
/// images only); callers fall back to ffmpeg for those.
const SEQUENCE: &str = "it holds an image sequence or animation but no still image";

/// Whether `e` is the refusal of a sequence-only file.
pub(crate) fn is_sequence(e: &MediaError) -> bool {
    matches!(e, MediaError::Unreadable { reason, .. } if reason == SEQUENCE)
}

fn error(format: Format, e: &HeifError) -> MediaError {
    let label = label(format);
    match (e.code, e.sub_code) {
        (_, HeifErrorSubCode::EndOfData) => MediaError::Corrupt {
            format: label,
            reason: "the file is truncated".into(),
        },
        // The file was recognised by its HEIF/AVIF brands, so "no supported brand" means it
        // lists only sequence brands (msf1, avis).
        (HeifErrorCode::UnsupportedFileType, _)
        | (_, HeifErrorSubCode::NoMetaBox | HeifErrorSubCode::NoPitmBox) => MediaError::Unreadable {
            format: label,
            reason: SEQUENCE.into(),
        },
        (HeifErrorCode::UnsupportedFeature, _) => MediaError::Unreadable {
            format: label,
            reason: e.message.clone(),
        },
        (HeifErrorCode::DecoderPluginError, _) => MediaError::Unreadable {
            format: label,
            reason: format!("this build of libheif cannot decode it ({})", e.message),
        },
        _ => MediaError::Corrupt {
            format: label,
            reason: e.message.clone(),
        },
    }
}

fn primary<'a>(ctx: &HeifContext<'a>, format: Format) -> Result<ImageHandle, MediaError> {
    ctx.primary_image_handle().map_err(|e| error(format, &e))
}

fn open(bytes: &[u8], format: Format) -> Result<HeifContext<'_>, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    HeifContext::read_from_bytes(bytes).map_err(|e| error(format, &e))
}

/// Stored size (before rotation) of a handle.
fn stored_size(h: &ImageHandle) -> (u32, u32) {
    match (u32::try_from(h.ispe_width()), u32::try_from(h.ispe_height())) {
        (Ok(w), Ok(h)) if w > 0 && h > 0 => (w, h),
        _ => (h.width(), h.height()),
    }
}

/// Stored dimensions (before rotation) of the primary image.
pub(crate) fn dimensions(bytes: &[u8], format: Format) -> Result<(u32, u32), MediaError> {
    let ctx = open(bytes, format)?;
    Ok(stored_size(&primary(&ctx, format)?))
}

/// What a HEIF file says about itself.
pub(crate) struct HeifMeta {
    /// Stored width.
    pub width: u32,
    /// Stored height.
    pub height: u32,
    /// The raw EXIF TIFF structure.
    pub exif: Option<Vec<u8>>,
    /// An XMP packet.
    pub xmp: Option<Vec<u8>>,
    /// Whether libheif's transformations turn the image by 90° (display size swapped).
    pub turned: bool,
}

/// Dimensions and metadata blocks of the primary image.
pub(crate) fn metadata(bytes: &[u8], format: Format) -> Result<HeifMeta, MediaError> {
    let ctx = open(bytes, format)?;
    let handle = primary(&ctx, format)?;
    let (width, height) = stored_size(&handle);
    let turned = (handle.width(), handle.height()) == (height, width) && width != height;
    let block = |kind: &[u8; 4], content_type: Option<&str>| -> Option<Vec<u8>> {
        let mut ids: [ItemId; 8] = [0; 8];
        let n = handle.metadata_block_ids(&mut ids, kind);
        ids[..n.min(8)]
            .iter()
            .filter(|id| content_type.is_none_or(|ct| handle.metadata_content_type(**id) == Some(ct)))
            .find_map(|id| handle.metadata(*id).ok())
    };
    // An EXIF block starts with the offset of the TIFF header after those 4 bytes.
    let exif = block(b"Exif", None).and_then(|b| {
        let skip = u32::from_be_bytes(b.get(..4)?.try_into().ok()?) as usize;
        b.get(4 + skip..).map(<[u8]>::to_vec)
    });
    let xmp = block(b"mime", Some("application/rdf+xml"));
    Ok(HeifMeta {
        width,
        height,
        exif,
        xmp,
        turned,
    })
}

/// The orientation to report: the EXIF one when it agrees with what libheif does to the
/// pixels, else one derived from it (6 for a quarter turn, 1 for none).
pub(crate) fn orientation(exif: Option<u8>, turned: bool) -> u8 {
    match exif {
        Some(o @ 5..=8) if turned => o,
        Some(o @ 1..=4) if !turned => o,
        _ if turned => 6,
        _ => 1,
    }
}

/// Decodes the primary image (or a stored thumbnail that covers `max_side`), transformations
/// applied, to 8-bit pixels.
pub(crate) fn decode(bytes: &[u8], format: Format, max_side: u32) -> Result<Pixels, MediaError> {
    let ctx = open(bytes, format)?;
    let main = primary(&ctx, format)?;
    let (w, h) = stored_size(&main);
    check_size(w, h)?;
    let mut ids: [ItemId; 4] = [0; 4];
    let n = main.thumbnail_ids(&mut ids);
    let thumb = ids[..n.min(4)]
        .iter()
        .filter_map(|id| main.thumbnail(*id).ok())
        .filter(|t| t.width().max(t.height()) >= max_side)
        .min_by_key(|t| u64::from(t.width()) * u64::from(t.height()));
    let handle = thumb.as_ref().unwrap_or(&main);
    let alpha = handle.has_alpha_channel();
    let lib = LibHeif::new();
    // No DecodingOptions are ever passed: libheif-rs 0.20 frees them before libheif reads them.
    // Without options libheif applies the transformations and keeps the bit depth, so images
    // of more than 8 bits per channel are requested as 16-bit RGB and shifted down here.
    let hdr = handle.luma_bits_per_pixel() > 8;
    let chroma = match (alpha, hdr) {
        (false, false) => RgbChroma::Rgb,
        (true, false) => RgbChroma::Rgba,
        (false, true) => RgbChroma::HdrRgbLe,
        (true, true) => RgbChroma::HdrRgbaLe,
    };
    let image = lib
        .decode(handle, ColorSpace::Rgb(chroma), None)
        .map_err(|e| error(format, &e))?;
    let planes = image.planes();
    let plane = planes.interleaved.ok_or_else(|| MediaError::Unreadable {
        format: label(format),
        reason: "libheif returned no interleaved RGB plane".into(),
    })?;
    let channels: usize = if alpha { 4 } else { 3 };
    let sample_bytes: usize = if hdr { 2 } else { 1 };
    // 16-bit samples hold `depth` significant bits.
    let depth = u32::from(plane.bits_per_pixel) / channels as u32;
    let shift = if hdr { depth.clamp(8, 16) - 8 } else { 0 };
    let (pw, ph) = (plane.width, plane.height);
    let row = pw as usize * channels * sample_bytes;
    let mut pixels = Vec::with_capacity(pw as usize * ph as usize * channels);
    for y in 0..ph as usize {
        let start = y * plane.stride;
        let line = plane
            .data
            .get(start..start + row)
            .ok_or_else(|| MediaError::Corrupt {
                format: label(format),
                reason: "decoded image is smaller than announced".into(),
            })?;
        if hdr {
            pixels.extend(
                line.chunks_exact(2)
                    .map(|b| (u16::from_le_bytes([b[0], b[1]]) >> shift).min(255) as u8),
            );
        } else {
            pixels.extend_from_slice(line);
        }
    }
    let mismatch = || MediaError::Corrupt {
        format: label(format),
        reason: "decoded size mismatch".into(),
    };
    if alpha {
        let img = image::RgbaImage::from_raw(pw, ph, pixels).ok_or_else(mismatch)?;
        if img.pixels().any(|p| p.0[3] != 255) {
            return Ok(Pixels::Rgba(img));
        }
        Ok(Pixels::Rgb(image::DynamicImage::ImageRgba8(img).into_rgb8()))
    } else {
        image::RgbImage::from_raw(pw, ph, pixels)
            .map(Pixels::Rgb)
            .ok_or_else(mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_follows_what_libheif_does() {
        assert_eq!(orientation(Some(6), true), 6);
        assert_eq!(orientation(Some(8), true), 8);
        assert_eq!(orientation(None, true), 6);
        assert_eq!(
            orientation(Some(6), false),
            1,
            "EXIF says turned, irot does not: pixels win"
        );
        assert_eq!(orientation(Some(3), false), 3);
        assert_eq!(orientation(None, false), 1);
    }

    #[test]
    fn garbage_and_truncation_are_refused_with_reasons() {
        let err = decode(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", Format::Heif, 400).unwrap_err();
        assert!(!err.to_string().is_empty());
        assert_eq!(decode(b"", Format::Avif, 400).unwrap_err(), MediaError::Empty);
    }
}
