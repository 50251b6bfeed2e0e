//! Walks the structure of JPEG, PNG, WebP and TIFF files to find their metadata blocks (EXIF,
//! XMP, IPTC, PNG text) without decoding pixels. Bounds are checked everywhere: a damaged file
//! yields what was found before the damage.

use crate::Format;

/// Metadata blocks found in a file.
#[derive(Debug, Default)]
pub struct Blocks<'a> {
    /// Raw EXIF (a TIFF structure, prefix stripped).
    pub exif: Option<&'a [u8]>,
    /// An XMP packet.
    pub xmp: Option<&'a [u8]>,
    /// A JPEG APP13 "Photoshop 3.0" payload holding IPTC.
    pub app13: Option<&'a [u8]>,
    /// PNG text chunks as (keyword, text).
    pub text: Vec<(String, String)>,
}

const XMP_APP1: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// Largest decompressed PNG text chunk accepted (a ComfyUI workflow is well under this).
const MAX_TEXT: usize = 16 << 20;

/// Finds the metadata blocks of `bytes`.
pub fn blocks(bytes: &[u8], format: Format) -> Blocks<'_> {
    match format {
        Format::Jpeg => jpeg(bytes),
        Format::Png => png(bytes),
        Format::Webp => webp(bytes),
        Format::Tiff => Blocks {
            exif: Some(bytes),
            ..Default::default()
        },
        _ => Blocks::default(),
    }
}

fn jpeg(b: &[u8]) -> Blocks<'_> {
    let mut out = Blocks::default();
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            break;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            break; // metadata precedes the scan
        }
        let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
        if len < 2 || i + 2 + len > b.len() {
            break;
        }
        let payload = &b[i + 4..i + 2 + len];
        match marker {
            0xE1 if payload.starts_with(b"Exif\0\0") && out.exif.is_none() => out.exif = Some(&payload[6..]),
            0xE1 if payload.starts_with(XMP_APP1) && out.xmp.is_none() => {
                out.xmp = Some(&payload[XMP_APP1.len()..])
            }
            0xED if payload.starts_with(b"Photoshop 3.0\0") && out.app13.is_none() => {
                out.app13 = Some(payload)
            }
            _ => {}
        }
        i += 2 + len;
    }
    out
}

fn png(b: &[u8]) -> Blocks<'_> {
    let mut out = Blocks::default();
    let mut i = 8;
    while i + 12 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let kind = &b[i + 4..i + 8];
        let Some(data) = b.get(i + 8..i + 8 + len) else {
            break;
        };
        match kind {
            b"eXIf" => out.exif = Some(data.strip_prefix(b"Exif\0\0").unwrap_or(data)),
            b"tEXt" => {
                if let Some((k, v)) = split_keyword(data) {
                    out.text.push((latin1(k), latin1(v)));
                }
            }
            b"zTXt" => {
                if let Some((k, rest)) = split_keyword(data)
                    && let Some(v) = rest.get(1..).and_then(inflate)
                {
                    out.text.push((latin1(k), latin1(&v)));
                }
            }
            b"iTXt" => {
                // XMP arrives here too, as the "XML:com.adobe.xmp" keyword.
                if let Some(pair) = itxt(data) {
                    out.text.push(pair);
                }
            }
            b"IEND" => break,
            _ => {}
        }
        i += 12 + len;
    }
    out
}

fn itxt(data: &[u8]) -> Option<(String, String)> {
    let (key, rest) = split_keyword(data)?;
    let (&compressed, rest) = rest.split_first()?;
    let (_method, rest) = rest.split_first()?;
    let (_lang, rest) = split_keyword(rest)?;
    let (_translated, text) = split_keyword(rest)?;
    let text = if compressed == 1 {
        inflate(text)?
    } else {
        text.to_vec()
    };
    Some((latin1(key), String::from_utf8_lossy(&text).into_owned()))
}

fn split_keyword(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let nul = data.iter().position(|&c| c == 0)?;
    Some((&data[..nul], &data[nul + 1..]))
}

fn latin1(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_TEXT).ok()
}

fn webp(b: &[u8]) -> Blocks<'_> {
    let mut out = Blocks::default();
    let mut i = 12;
    while i + 8 <= b.len() {
        let kind = &b[i..i + 4];
        let len = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        let Some(data) = b.get(i + 8..i + 8 + len) else {
            break;
        };
        match kind {
            b"EXIF" => out.exif = Some(data.strip_prefix(b"Exif\0\0").unwrap_or(data)),
            b"XMP " => out.xmp = Some(data),
            _ => {}
        }
        i += 8 + len + (len & 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_segments_are_found_and_damage_stops_the_walk() {
        let mut j = vec![0xFF, 0xD8];
        j.extend([0xFF, 0xE1, 0x00, 0x0C]);
        j.extend(b"Exif\0\0II*\0");
        j.extend([0xFF, 0xED, 0x00, 0x12]);
        j.extend(b"Photoshop 3.0\0xx");
        j.extend([0xFF, 0xE2, 0xFF, 0xFF]); // claims more than there is
        let b = jpeg(&j);
        assert_eq!(b.exif, Some(&b"II*\0"[..]));
        assert!(b.app13.is_some());
    }

    #[test]
    fn png_text_chunks_of_all_three_kinds_are_read() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend(kind);
            c.extend(data);
            c.extend([0, 0, 0, 0]);
            c
        };
        let mut p = b"\x89PNG\r\n\x1a\n".to_vec();
        p.extend(chunk(b"tEXt", b"parameters\0a cat"));
        let z = miniz_oxide::deflate::compress_to_vec_zlib(b"{\"a\":1}", 6);
        let mut zt = b"prompt\0\0".to_vec();
        zt.extend(&z);
        p.extend(chunk(b"zTXt", &zt));
        p.extend(chunk(b"iTXt", b"Comment\0\0\0en\0\0caf\xc3\xa9"));
        p.extend(chunk(b"IEND", b""));
        let b = png(&p);
        assert_eq!(
            b.text,
            [
                ("parameters".to_string(), "a cat".to_string()),
                ("prompt".to_string(), "{\"a\":1}".to_string()),
                ("Comment".to_string(), "café".to_string())
            ]
        );
    }
}
