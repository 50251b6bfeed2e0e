//! "Stealth" PNG info: generation parameters hidden in the least significant bits of a PNG's
//! pixels by the stealth-pnginfo extensions of A1111/Forge and ComfyUI (so that they survive
//! sites that strip text chunks). Read column by column (x outer, y inner): a 15-byte signature
//! — `stealth_pnginfo` / `stealth_pngcomp` in the alpha bits, `stealth_rgbinfo` /
//! `stealth_rgbcomp` in the red, green and blue bits — then the payload's length in bits as a
//! 32-bit big-endian number, then the payload (gzip when the signature ends in `comp`).
//!
//! Pure: bytes in, text out. Knows no catalog.

use std::io::Cursor;

/// The hidden parameters of a PNG, if it carries any. Cheap when it doesn't: only the rows
/// holding the signature (the first column's) are decoded before it is checked.
pub fn read(png: &[u8]) -> Option<String> {
    let decoder = png::Decoder::new(Cursor::new(png));
    let mut reader = decoder.read_info().ok()?;
    let info = reader.info();
    let (width, height) = (info.width as usize, info.height as usize);
    let channels = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        _ => return None,
    };
    if info.bit_depth != png::BitDepth::Eight || info.interlaced || width == 0 || height == 0 {
        return None;
    }
    let mut rows: Vec<Vec<u8>> = Vec::with_capacity(height);
    let mut found = None;
    for channel in [Channel::Alpha, Channel::Rgb] {
        if channel == Channel::Alpha && channels != 4 {
            continue;
        }
        // The pixels holding the signature: within the first column when the image is tall
        // enough (only those rows are decoded), else every row.
        let pixels = SIGNATURE_BITS.div_ceil(channel.bits());
        let rows_needed = pixels.min(height);
        while rows.len() < rows_needed {
            rows.push(reader.next_row().ok()??.data().to_vec());
        }
        let bits = column_bits(&rows, width, channels, channel, SIGNATURE_BITS);
        if let Some(compressed) = signature(&bits, channel) {
            found = Some((channel, compressed));
            break;
        }
    }
    let (channel, compressed) = found?;
    while rows.len() < height {
        rows.push(reader.next_row().ok()??.data().to_vec());
    }
    let stream = column_bits(
        &rows,
        width,
        channels,
        channel,
        SIGNATURE_BITS + 32 + MAX_PAYLOAD * 8,
    );
    let length_bits = stream.get(SIGNATURE_BITS..SIGNATURE_BITS + 32)?;
    let length = length_bits.iter().fold(0usize, |n, b| (n << 1) | usize::from(*b));
    if length == 0 || length % 8 != 0 || length > MAX_PAYLOAD * 8 {
        return None;
    }
    let payload = bytes(stream.get(SIGNATURE_BITS + 32..SIGNATURE_BITS + 32 + length)?);
    let text = if compressed { gunzip(&payload)? } else { payload };
    String::from_utf8(text).ok().filter(|t| !t.trim().is_empty())
}

/// Up to `limit` bits of `channel`, column by column, from the decoded `rows` (a column is
/// complete only when every row is decoded; reading stops at the first incomplete one).
fn column_bits(rows: &[Vec<u8>], width: usize, channels: usize, channel: Channel, limit: usize) -> Vec<u8> {
    let mut bits = Vec::with_capacity(limit.min(rows.len() * width * channel.bits()));
    for x in 0..width {
        for row in rows {
            let px = &row[x * channels..x * channels + channels];
            match channel {
                Channel::Alpha => bits.push(px[3] & 1),
                Channel::Rgb => bits.extend([px[0] & 1, px[1] & 1, px[2] & 1]),
            }
            if bits.len() >= limit {
                bits.truncate(limit);
                return bits;
            }
        }
    }
    bits
}

/// 15 bytes of signature.
const SIGNATURE_BITS: usize = 15 * 8;
/// The largest payload read (generation parameters are a few kilobytes; ComfyUI workflows
/// some hundreds).
const MAX_PAYLOAD: usize = 8 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    Alpha,
    Rgb,
}

impl Channel {
    /// Bits hidden per pixel.
    fn bits(self) -> usize {
        match self {
            Channel::Alpha => 1,
            Channel::Rgb => 3,
        }
    }
}

/// `Some(compressed)` when the bits spell this channel's signature.
fn signature(bits: &[u8], channel: Channel) -> Option<bool> {
    let text = bytes(bits);
    match (channel, text.as_slice()) {
        (Channel::Alpha, b"stealth_pnginfo") | (Channel::Rgb, b"stealth_rgbinfo") => Some(false),
        (Channel::Alpha, b"stealth_pngcomp") | (Channel::Rgb, b"stealth_rgbcomp") => Some(true),
        _ => None,
    }
}

fn bytes(bits: &[u8]) -> Vec<u8> {
    bits.chunks_exact(8)
        .map(|b| b.iter().fold(0u8, |n, bit| (n << 1) | bit))
        .collect()
}

/// Unpacks a gzip member (RFC 1952) with a bound on what it may grow to.
fn gunzip(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 18 || data[..3] != [0x1f, 0x8b, 8] {
        return None;
    }
    let flags = data[3];
    let mut at = 10;
    if flags & 4 != 0 {
        let extra = usize::from(u16::from_le_bytes([*data.get(at)?, *data.get(at + 1)?]));
        at += 2 + extra;
    }
    for flag in [8u8, 16] {
        if flags & flag != 0 {
            at += data.get(at..)?.iter().position(|b| *b == 0)? + 1;
        }
    }
    if flags & 2 != 0 {
        at += 2;
    }
    miniz_oxide::inflate::decompress_to_vec_with_limit(data.get(at..)?, MAX_PAYLOAD).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `payload` into a fresh image's alpha (or RGB) bits, as the extensions do.
    fn hide(width: u32, height: u32, payload: &[u8], channel: Channel, compressed: bool) -> Vec<u8> {
        let sig = match (channel, compressed) {
            (Channel::Alpha, false) => "stealth_pnginfo",
            (Channel::Alpha, true) => "stealth_pngcomp",
            (Channel::Rgb, false) => "stealth_rgbinfo",
            (Channel::Rgb, true) => "stealth_rgbcomp",
        };
        let data = if compressed {
            gzip(payload)
        } else {
            payload.to_vec()
        };
        let mut bits: Vec<u8> = Vec::new();
        let mut put = |bytes: &[u8]| {
            for b in bytes {
                for i in (0..8).rev() {
                    bits.push((b >> i) & 1);
                }
            }
        };
        put(sig.as_bytes());
        put(&((data.len() * 8) as u32).to_be_bytes());
        put(&data);
        let mut img = image::RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([(x * 7) as u8, (y * 3) as u8, 90, 255])
        });
        let mut i = 0;
        'outer: for x in 0..width {
            for y in 0..height {
                let px = img.get_pixel_mut(x, y);
                let channels: &[usize] = if channel == Channel::Alpha {
                    &[3]
                } else {
                    &[0, 1, 2]
                };
                for c in channels {
                    let Some(bit) = bits.get(i) else { break 'outer };
                    px.0[*c] = (px.0[*c] & !1) | bit;
                    i += 1;
                }
            }
        }
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
        out.extend([0u8; 8]); // CRC and size: not checked by the reader
        out
    }

    const PARAMS: &str = "a lighthouse at dawn, oil painting\nNegative prompt: blurry\nSteps: 28, Sampler: DPM++ 2M, CFG scale: 6.5, Seed: 1234, Size: 512x512, Model: dreamshaper_8";

    #[test]
    fn parameters_hidden_in_alpha_or_rgb_are_read() {
        for channel in [Channel::Alpha, Channel::Rgb] {
            for compressed in [false, true] {
                let png = hide(160, 140, PARAMS.as_bytes(), channel, compressed);
                assert_eq!(read(&png).as_deref(), Some(PARAMS), "{channel:?} {compressed}");
            }
        }
    }

    #[test]
    fn ordinary_pngs_have_none() {
        let img = image::RgbaImage::from_pixel(200, 200, image::Rgba([10, 20, 30, 255]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(read(&out), None);
        assert_eq!(read(b"not a png"), None);
    }
}
