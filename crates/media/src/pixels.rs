//! Pixels on their way to a rendition, and what every decoder shares: the size check against
//! decompression bombs, the JPEG decode through libjpeg-turbo with DCT scaling, the `image`
//! crate's decoders for the other still formats, fitting, resizing (fast_image_resize,
//! Catmull-Rom, alpha premultiplied), EXIF orientation, and encoding (JPEG q82 for opaque
//! images, PNG with transparency).
//!
//! Must not know container formats or which decoder a file needs: `render` dispatches; RAW,
//! HEIF, SVG and video decoders build on this, never the other way round.

use std::io::Cursor;

use atelier_domain::limits::MAX_IMAGE_PIXELS;
use atelier_similar::Signature;
use fast_image_resize::images::Image as FirImage;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbImage, RgbaImage};

use crate::{Format, MediaError};

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

pub(crate) fn describe_tj(e: &turbojpeg::Error) -> String {
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

pub(crate) fn is_truncation(e: &turbojpeg::Error) -> bool {
    matches!(e, turbojpeg::Error::TurboJpegError(m) if m.contains("Premature end"))
}

/// libjpeg warnings that every viewer ignores (stray bytes between segments).
pub(crate) fn is_harmless_warning(msg: &str) -> bool {
    msg.contains("extraneous bytes before marker") || msg.contains("unknown JFIF revision")
}

pub(crate) fn image_format(format: Format) -> Option<ImageFormat> {
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

pub(crate) fn limits() -> Limits {
    let mut l = Limits::default();
    l.max_image_width = Some(1 << 17);
    l.max_image_height = Some(1 << 17);
    // 250 MP of 16-bit RGBA, the worst a decoder may need for an image under the pixel limit.
    l.max_alloc = Some(MAX_IMAGE_PIXELS * 8);
    l
}

pub(crate) fn format_label(format: Format) -> &'static str {
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

/// Dimensions of a still image the `image` crate (or, for JPEG, libjpeg-turbo's header reader)
/// decodes, from its header alone.
pub(crate) fn still_dimensions(bytes: &[u8], format: Format) -> Result<(u32, u32), MediaError> {
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

/// Decodes any still format the `image` crate reads (and JPEGs libjpeg-turbo refuses).
pub(crate) fn decode_other(bytes: &[u8], format: Format) -> Result<Pixels, MediaError> {
    let (w, h) = still_dimensions(bytes, format)?;
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

pub(crate) fn image_error(format: Format, e: &image::ImageError) -> MediaError {
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
pub(crate) fn has_transparency(img: &DynamicImage) -> bool {
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
