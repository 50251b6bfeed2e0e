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

use std::io::Cursor;

use atelier_domain::limits::MAX_IMAGE_PIXELS;
use atelier_similar::Signature;
use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage, RgbaImage};

use crate::{Format, MediaError};

/// Longest side of a grid thumbnail.
pub const THUMB_SIDE: u32 = 400;
/// Longest side of a lightbox preview.
pub const PREVIEW_SIDE: u32 = 2048;
/// JPEG quality of renditions: small files, no visible blocking at grid size.
const JPEG_QUALITY: i32 = 82;

/// How a rendition is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenditionFormat {
    /// Opaque images.
    Jpeg,
    /// Images with transparency.
    Png,
}

impl RenditionFormat {
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            RenditionFormat::Jpeg => "jpg",
            RenditionFormat::Png => "png",
        }
    }
}

/// An encoded rendition.
#[derive(Debug, Clone)]
pub struct Rendition {
    /// The encoded bytes.
    pub data: Vec<u8>,
    /// Width after orientation.
    pub width: u32,
    /// Height after orientation.
    pub height: u32,
    /// Encoding.
    pub format: RenditionFormat,
    /// What it looks like (R13), from the pixels before encoding: no second decode.
    pub signature: Option<Signature>,
}

/// Pixels on their way to a rendition.
#[derive(Debug)]
pub(crate) enum Pixels {
    /// Opaque.
    Rgb(RgbImage),
    /// With transparency.
    Rgba(RgbaImage),
}

impl Pixels {
    /// Width and height.
    pub(crate) fn dimensions(&self) -> (u32, u32) {
        match self {
            Pixels::Rgb(i) => i.dimensions(),
            Pixels::Rgba(i) => i.dimensions(),
        }
    }
}

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

/// Refuses images beyond the pixel limit before any pixel memory is allocated.
pub fn check_size(width: u32, height: u32) -> Result<(), MediaError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_IMAGE_PIXELS {
        return Err(MediaError::TooLarge {
            width,
            height,
            megapixels: pixels.div_ceil(1_000_000),
            limit: MAX_IMAGE_PIXELS / 1_000_000,
        });
    }
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt {
            format: "image",
            reason: format!("image has no pixels ({width}×{height})"),
        });
    }
    Ok(())
}

/// Decodes a JPEG through libjpeg-turbo at the smallest DCT scale that still covers `max_side`.
pub(crate) fn decode_jpeg(bytes: &[u8], max_side: u32) -> Result<Pixels, MediaError> {
    let corrupt = |e: turbojpeg::Error| MediaError::Corrupt {
        format: "JPEG",
        reason: describe_tj(&e),
    };
    let mut dec = turbojpeg::Decompressor::new().map_err(corrupt)?;
    let header = match dec.read_header(bytes) {
        Ok(h) => h,
        // libjpeg-turbo stops at warnings in the headers (stray bytes, odd JFIF versions)
        // that zune-jpeg reads through; only a file neither can read is refused.
        Err(e) => return decode_other(bytes, Format::Jpeg).map_err(|_| corrupt(e)),
    };
    check_size(header.width as u32, header.height as u32)?;
    if header.colorspace == turbojpeg::Colorspace::CMYK || header.colorspace == turbojpeg::Colorspace::YCCK {
        // libjpeg-turbo cannot turn CMYK into RGB; the image crate can.
        return decode_other(bytes, Format::Jpeg);
    }
    // The smallest DCT scale whose result is still at least `max_side` on its longest side.
    let longest = header.width.max(header.height);
    let factor = if header.is_lossless {
        turbojpeg::ScalingFactor::ONE
    } else {
        [1, 2, 3, 4, 5, 6, 7, 8]
            .into_iter()
            .map(|n| turbojpeg::ScalingFactor::new(n, 8))
            .find(|f| f.scale(longest) >= max_side as usize)
            .unwrap_or(turbojpeg::ScalingFactor::ONE)
    };
    dec.set_scaling_factor(factor).map_err(corrupt)?;
    let scaled = header.scaled(factor);
    let mut image = turbojpeg::Image {
        pixels: vec![0u8; 3 * scaled.width * scaled.height],
        width: scaled.width,
        pitch: 3 * scaled.width,
        height: scaled.height,
        format: turbojpeg::PixelFormat::RGB,
    };
    match dec.decompress(bytes, image.as_deref_mut()) {
        Ok(()) => {}
        Err(turbojpeg::Error::TurboJpegError(msg)) if is_harmless_warning(&msg) => {}
        Err(e @ turbojpeg::Error::TurboJpegError(_)) if is_truncation(&e) => return Err(corrupt(e)),
        // Anything else libjpeg-turbo refuses, zune-jpeg (in `image`) may still read.
        Err(e) => return decode_other(bytes, Format::Jpeg).map_err(|_| corrupt(e)),
    }
    let (w, h) = (scaled.width as u32, scaled.height as u32);
    RgbImage::from_raw(w, h, image.pixels)
        .map(Pixels::Rgb)
        .ok_or_else(|| MediaError::Corrupt {
            format: "JPEG",
            reason: "decoded size mismatch".into(),
        })
}

fn describe_tj(e: &turbojpeg::Error) -> String {
    let msg = match e {
        turbojpeg::Error::TurboJpegError(m) => m.clone(),
        other => other.to_string(),
    };
    if msg.contains("Premature end") {
        "the file is truncated".into()
    } else {
        msg
    }
}

fn is_truncation(e: &turbojpeg::Error) -> bool {
    matches!(e, turbojpeg::Error::TurboJpegError(m) if m.contains("Premature end"))
}

/// libjpeg warnings that every viewer ignores (stray bytes between segments).
fn is_harmless_warning(msg: &str) -> bool {
    msg.contains("extraneous bytes before marker") || msg.contains("unknown JFIF revision")
}

fn image_format(format: Format) -> Option<ImageFormat> {
    Some(match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Webp => ImageFormat::WebP,
        Format::Gif => ImageFormat::Gif,
        Format::Tiff => ImageFormat::Tiff,
        Format::Bmp => ImageFormat::Bmp,
        _ => return None,
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
    if format == Format::Jpeg
        && let Ok(h) = turbojpeg::read_header(bytes)
    {
        return Ok((h.width as u32, h.height as u32));
    }
    let fmt = image_format(format).ok_or_else(|| MediaError::Unsupported {
        what: format.describe(),
    })?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), fmt);
    reader.limits(limits());
    reader.into_dimensions().map_err(|e| image_error(format, &e))
}

fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(1 << 17);
    l.max_image_height = Some(1 << 17);
    // 250 MP of 16-bit RGBA, the worst a decoder may need for an image under the pixel limit.
    l.max_alloc = Some(MAX_IMAGE_PIXELS * 8);
    l
}

fn format_label(format: Format) -> &'static str {
    match format {
        Format::Jpeg => "JPEG",
        Format::Png => "PNG",
        Format::Webp => "WebP",
        Format::Gif => "GIF",
        Format::Tiff => "TIFF",
        Format::Bmp => "BMP",
        _ => "image",
    }
}

fn decode_other(bytes: &[u8], format: Format) -> Result<Pixels, MediaError> {
    let (w, h) = dimensions(bytes, format)?;
    check_size(w, h)?;
    let fmt = image_format(format).ok_or_else(|| MediaError::Unsupported {
        what: format.describe(),
    })?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), fmt);
    reader.limits(limits());
    let img = reader.decode().map_err(|e| image_error(format, &e))?;
    Ok(if img.color().has_alpha() && has_transparency(&img) {
        Pixels::Rgba(img.into_rgba8())
    } else {
        Pixels::Rgb(img.into_rgb8())
    })
}

fn image_error(format: Format, e: &image::ImageError) -> MediaError {
    let label = format_label(format);
    let text = e.to_string();
    let lower = text.to_lowercase();
    if [
        "end of file",
        "unexpectedeof",
        "unexpected eof",
        "not enough bytes",
        "truncated",
    ]
    .iter()
    .any(|t| lower.contains(t))
    {
        return MediaError::Corrupt {
            format: label,
            reason: "the file is truncated".into(),
        };
    }
    // "Format error decoding Png: CRC error…" → "CRC error…"
    let reason = text
        .split_once(": ")
        .filter(|(head, _)| head.starts_with("Format error"))
        .map_or(text.as_str(), |(_, r)| r);
    let reason = reason.trim().trim_end_matches('.').to_string();
    match e {
        image::ImageError::Limits(_) => MediaError::Corrupt {
            format: label,
            reason: format!(
                "its dimensions exceed the limit of {} megapixels",
                MAX_IMAGE_PIXELS / 1_000_000
            ),
        },
        image::ImageError::Unsupported(_) => MediaError::Unreadable {
            format: label,
            reason,
        },
        _ => MediaError::Corrupt {
            format: label,
            reason,
        },
    }
}

/// An alpha channel that is fully opaque is dropped, so such images get a JPEG thumbnail.
fn has_transparency(img: &DynamicImage) -> bool {
    match img {
        DynamicImage::ImageRgba8(i) => i.pixels().any(|p| p.0[3] != 255),
        DynamicImage::ImageLumaA8(i) => i.pixels().any(|p| p.0[1] != 255),
        DynamicImage::ImageRgba16(i) => i.pixels().any(|p| p.0[3] != u16::MAX),
        DynamicImage::ImageLumaA16(i) => i.pixels().any(|p| p.0[1] != u16::MAX),
        _ => true,
    }
}

/// The size of `w`×`h` scaled down to fit `max_side` (never up).
pub(crate) fn fit(w: u32, h: u32, max_side: u32) -> (u32, u32) {
    let longest = w.max(h);
    if longest <= max_side {
        return (w, h);
    }
    let scale = f64::from(max_side) / f64::from(longest);
    (
        ((f64::from(w) * scale).round() as u32).max(1),
        ((f64::from(h) * scale).round() as u32).max(1),
    )
}

/// Scales `pixels` down to fit `max_side`.
pub(crate) fn resize(pixels: Pixels, max_side: u32) -> Result<Pixels, MediaError> {
    let (w, h) = pixels.dimensions();
    let (tw, th) = fit(w, h, max_side);
    resize_exact(pixels, tw, th)
}

/// Resamples `pixels` to exactly `tw`×`th`.
pub(crate) fn resize_exact(pixels: Pixels, tw: u32, th: u32) -> Result<Pixels, MediaError> {
    let (w, h) = pixels.dimensions();
    if (tw, th) == (w, h) {
        return Ok(pixels);
    }
    let fail = |e: &dyn std::fmt::Display| MediaError::Corrupt {
        format: "image",
        reason: format!("resize failed: {e}"),
    };
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    let mut resizer = Resizer::new();
    match pixels {
        Pixels::Rgb(img) => {
            let src = FirImage::from_vec_u8(w, h, img.into_raw(), PixelType::U8x3).map_err(|e| fail(&e))?;
            let mut dst = FirImage::new(tw, th, PixelType::U8x3);
            resizer.resize(&src, &mut dst, &options).map_err(|e| fail(&e))?;
            RgbImage::from_raw(tw, th, dst.into_vec())
                .map(Pixels::Rgb)
                .ok_or_else(|| fail(&"size mismatch"))
        }
        Pixels::Rgba(img) => {
            let src = FirImage::from_vec_u8(w, h, img.into_raw(), PixelType::U8x4).map_err(|e| fail(&e))?;
            let mut dst = FirImage::new(tw, th, PixelType::U8x4);
            // Alpha is premultiplied around the resize so that transparent pixels don't bleed.
            resizer
                .resize(&src, &mut dst, &options.use_alpha(true))
                .map_err(|e| fail(&e))?;
            RgbaImage::from_raw(tw, th, dst.into_vec())
                .map(Pixels::Rgba)
                .ok_or_else(|| fail(&"size mismatch"))
        }
    }
}

/// Applies EXIF orientation (1 = as stored … 8 = rotated 90° clockwise to view).
pub(crate) fn orient(pixels: Pixels, orientation: u8) -> Pixels {
    use image::imageops::{flip_horizontal, flip_vertical, rotate90, rotate180, rotate270};
    macro_rules! apply {
        ($img:expr, $wrap:path) => {{
            let img = $img;
            $wrap(match orientation {
                2 => flip_horizontal(&img),
                3 => rotate180(&img),
                4 => flip_vertical(&img),
                5 => flip_horizontal(&rotate90(&img)),
                6 => rotate90(&img),
                7 => flip_horizontal(&rotate270(&img)),
                8 => rotate270(&img),
                _ => img,
            })
        }};
    }
    match pixels {
        Pixels::Rgb(img) => apply!(img, Pixels::Rgb),
        Pixels::Rgba(img) => apply!(img, Pixels::Rgba),
    }
}

/// Encodes opaque pixels as JPEG, transparent ones as PNG.
pub(crate) fn encode(pixels: Pixels) -> Result<Rendition, MediaError> {
    match pixels {
        Pixels::Rgb(img) => {
            let (width, height) = img.dimensions();
            let fail = |e: turbojpeg::Error| MediaError::Corrupt {
                format: "image",
                reason: format!("encode failed: {e}"),
            };
            let mut c = turbojpeg::Compressor::new().map_err(fail)?;
            c.set_quality(JPEG_QUALITY).map_err(fail)?;
            c.set_subsamp(turbojpeg::Subsamp::Sub2x2).map_err(fail)?;
            let image = turbojpeg::Image {
                pixels: img.as_raw().as_slice(),
                width: width as usize,
                pitch: 3 * width as usize,
                height: height as usize,
                format: turbojpeg::PixelFormat::RGB,
            };
            let data = c.compress_to_vec(image).map_err(fail)?;
            Ok(Rendition {
                data,
                width,
                height,
                format: RenditionFormat::Jpeg,
                signature: Signature::from_pixels(img.as_raw(), width, height, 3).ok(),
            })
        }
        Pixels::Rgba(img) => {
            let (width, height) = img.dimensions();
            let mut data = Vec::new();
            let encoder = image::codecs::png::PngEncoder::new_with_quality(
                &mut data,
                image::codecs::png::CompressionType::Fast,
                image::codecs::png::FilterType::Adaptive,
            );
            img.write_with_encoder(encoder).map_err(|e| MediaError::Corrupt {
                format: "image",
                reason: format!("encode failed: {e}"),
            })?;
            Ok(Rendition {
                data,
                width,
                height,
                format: RenditionFormat::Png,
                signature: Signature::from_pixels(img.as_raw(), width, height, 4).ok(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
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
