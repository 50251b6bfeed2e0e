//! Location and private metadata removed from a picture file without re-encoding it, for what
//! a public campaign page gives away (SPEC R8.5, docs/decisions/0018): the pixels, the colour
//! profile, the orientation and the camera's facts stay byte for byte; where the picture was
//! taken, and the text blocks that carry prompts, captions and place names, go.
//!
//! - **JPEG**: the EXIF block is kept with its GPS directory taken out in place (see
//!   [`tiff`]); XMP (standard and extended), IPTC/Photoshop (APP13) and comment blocks are
//!   dropped, and so is a metadata trailer after the picture's end. The entropy-coded image
//!   data is copied untouched.
//! - **PNG**: text chunks (`tEXt`, `zTXt`, `iTXt` — prompts, workflows, XMP) are dropped; an
//!   `eXIf` chunk is scrubbed in place and its checksum recomputed.
//! - **WebP**: the `EXIF` chunk is scrubbed in place; the `XMP ` chunk is dropped (and its
//!   flag cleared).
//! - **TIFF**: scrubbed in place. Camera RAW is not offered: developing it needs the maker's
//!   note, which can hold place names too (Nikon keeps a copy of the IPTC there).
//! - **HEIF/AVIF**: the EXIF item is scrubbed in place and an XMP packet blanked with spaces
//!   (XMP's own padding), so the container's offsets stay true.
//! - **GIF** and **BMP**: nothing to remove (a GIF carrying XMP is refused).
//!
//! Anything else (video, SVG, PSD, CR3 …) is [`ScrubError::Unsupported`]: the caller must not
//! give it away rather than give it away unscrubbed.
//!
//! Knows nothing of assets, campaigns, HTTP or storage: bytes in, bytes out.

mod tiff;

/// What a scrub couldn't do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScrubError {
    /// A format this crate can't clean with certainty.
    #[error(
        "{what} files can't be cleaned of location metadata here (JPEG, PNG, WebP, TIFF, \
         HEIF/AVIF, GIF and BMP can)"
    )]
    Unsupported {
        /// The format, as people name it.
        what: &'static str,
    },
    /// The file's structure doesn't hold together where its metadata is.
    #[error("the {format} file's metadata is damaged ({why}); it can't be cleaned safely")]
    Malformed {
        /// The format.
        format: &'static str,
        /// What didn't hold.
        why: &'static str,
    },
}

/// A scrubbed file and what was taken out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scrubbed {
    /// The file, cleaned.
    pub bytes: Vec<u8>,
    /// What was removed, by name (`"gps"`, `"xmp"`, `"iptc"`, `"comment"`, `"text"`,
    /// `"user-comment"`), each once — for logs and tests.
    pub removed: Vec<&'static str>,
}

/// Whether files of `mime` (as the catalog records it) can be cleaned — the public page
/// offers Download only for these. The content decides in the end: [`scrub`] refuses a file
/// that isn't what its type says.
pub fn supports(mime: &str) -> bool {
    matches!(
        mime,
        "image/jpeg"
            | "image/png"
            | "image/webp"
            | "image/tiff"
            | "image/heif"
            | "image/heic"
            | "image/avif"
            | "image/gif"
            | "image/bmp"
    )
}

/// `bytes` without location and private metadata (see the module's list), or why not.
pub fn scrub(bytes: Vec<u8>) -> Result<Scrubbed, ScrubError> {
    let mut removed = Removed::default();
    let bytes = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg(&bytes, &mut removed)?
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(&bytes, &mut removed)?
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        webp(&bytes, &mut removed)?
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        let mut bytes = bytes;
        tiff::scrub(&mut bytes, &mut removed).map_err(|why| ScrubError::Malformed { format: "TIFF", why })?;
        bytes
    } else if is_heif(&bytes) {
        heif(bytes, &mut removed)?
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        if find(&bytes, b"XMP DataXMP").is_some() {
            return Err(ScrubError::Unsupported { what: "GIF with XMP" });
        }
        bytes
    } else if bytes.starts_with(b"BM") && bytes.len() > 26 {
        bytes
    } else {
        return Err(ScrubError::Unsupported { what: kind(&bytes) });
    };
    Ok(Scrubbed {
        bytes,
        removed: removed.0,
    })
}

/// What has been removed so far, each name once.
#[derive(Default)]
pub(crate) struct Removed(Vec<&'static str>);

impl Removed {
    pub(crate) fn add(&mut self, what: &'static str) {
        if !self.0.contains(&what) {
            self.0.push(what);
        }
    }
}

/// A format named for the refusal.
fn kind(bytes: &[u8]) -> &'static str {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        "this video or ISO media"
    } else if bytes.starts_with(b"8BPS") {
        "Photoshop"
    } else if bytes.starts_with(b"<") || bytes.starts_with(b"\xEF\xBB\xBF<") {
        "SVG or XML"
    } else {
        "These"
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXTENSION_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// JPEG: segments up to the start of scan, each kept, cleaned or dropped; the rest copied.
fn jpeg(bytes: &[u8], removed: &mut Removed) -> Result<Vec<u8>, ScrubError> {
    let bad = |why| ScrubError::Malformed { format: "JPEG", why };
    // A multi-picture file (MPF: an iPhone's gain map or depth, a camera's large preview)
    // finds its other pictures by offsets that dropped blocks would falsify: there, blocks are
    // blanked where they are instead.
    let in_place = find(bytes, b"MPF\0").is_some();
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    let drop = |out: &mut Vec<u8>, segment: &[u8]| {
        if in_place {
            out.extend_from_slice(&segment[..4]);
            out.resize(out.len() + segment.len() - 4, 0);
        }
    };
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(bad("a segment doesn't start with a marker"));
        };
        if marker == 0xD9 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            // Markers without a length: end of image, restarts, TEM.
            out.extend_from_slice(&bytes[at..at + 2]);
            at += 2;
            if marker == 0xD9 {
                // The picture ends. What follows is a multi-picture file's other pictures,
                // cleaned in place; or a trailer (AFCP, Photo Mechanic, a phone's) that holds
                // only metadata — IPTC with place names among it — and goes.
                let rest = &bytes[at..];
                if in_place {
                    return tail(out, rest, removed);
                }
                if !rest.is_empty() {
                    removed.add("trailer");
                }
                return Ok(out);
            }
            continue;
        }
        let len = bytes
            .get(at + 2..at + 4)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or(bad("a segment's length is cut off"))?;
        if len < 2 || at + 2 + len > bytes.len() {
            return Err(bad("a segment runs past the end of the file"));
        }
        let end = at + 2 + len;
        let body = &bytes[at + 4..end];
        match marker {
            0xDA => {
                // A scan: its header, then its entropy-coded data, copied up to the next
                // marker (inside the data 0xFF is followed by 0x00, a restart or a fill byte).
                let mut i = end;
                let next = loop {
                    let Some(ff) = bytes[i..].iter().position(|&b| b == 0xFF) else {
                        break bytes.len(); // cut short: all of it is image data
                    };
                    i += ff;
                    match bytes.get(i + 1) {
                        None => break bytes.len(),
                        Some(&m) if m == 0x00 || m == 0xFF || (0xD0..=0xD7).contains(&m) => i += 1,
                        Some(_) => break i,
                    }
                };
                out.extend_from_slice(&bytes[at..next]);
                if next == bytes.len() {
                    return Ok(out);
                }
                at = next;
                continue;
            }
            0xE1 if body.starts_with(b"Exif\0\0") => {
                let mut segment = bytes[at..end].to_vec();
                tiff::scrub(&mut segment[10..], removed).map_err(bad)?;
                out.extend_from_slice(&segment);
            }
            0xE1 if body.starts_with(XMP_ID) || body.starts_with(XMP_EXTENSION_ID) => {
                removed.add("xmp");
                drop(&mut out, &bytes[at..end]);
            }
            0xED => {
                removed.add("iptc");
                drop(&mut out, &bytes[at..end]);
            }
            0xFE => {
                removed.add("comment");
                drop(&mut out, &bytes[at..end]);
            }
            _ => out.extend_from_slice(&bytes[at..end]),
        }
        at = end;
    }
}

/// The rest of a multi-picture JPEG after its first picture, copied, then its embedded
/// metadata cleaned in place (the pictures it appends carry their own EXIF and XMP).
fn tail(mut out: Vec<u8>, rest: &[u8], removed: &mut Removed) -> Result<Vec<u8>, ScrubError> {
    let from = out.len();
    out.extend_from_slice(rest);
    in_place(&mut out[from..], removed).map_err(|why| ScrubError::Malformed { format: "JPEG", why })?;
    Ok(out)
}

/// Every EXIF block (`Exif\0\0` then a TIFF header) in `bytes` cleaned in place, every XMP
/// packet blanked with spaces (XMP's own padding): nothing moves, so offsets elsewhere in the
/// file stay true.
fn in_place(bytes: &mut [u8], removed: &mut Removed) -> Result<(), &'static str> {
    let mut from = 0;
    while let Some(at) = find(&bytes[from..], b"Exif\0\0").map(|n| n + from) {
        let tiff_at = at + 6;
        let header = bytes.get(tiff_at..tiff_at + 4).unwrap_or_default();
        if header == b"II*\0" || header == b"MM\0*" {
            tiff::scrub(&mut bytes[tiff_at..], removed)?;
        }
        from = tiff_at;
    }
    let mut from = 0;
    while let Some(start) = find(&bytes[from..], b"<x:xmpmeta").map(|n| n + from) {
        const END: &[u8] = b"</x:xmpmeta>";
        let Some(end) = find(&bytes[start..], END).map(|n| n + start + END.len()) else {
            return Err("an XMP packet has no end");
        };
        bytes[start..end].fill(b' ');
        removed.add("xmp");
        from = end;
    }
    Ok(())
}

/// PNG: text chunks dropped, `eXIf` cleaned in place with a new checksum.
fn png(bytes: &[u8], removed: &mut Removed) -> Result<Vec<u8>, ScrubError> {
    let bad = |why| ScrubError::Malformed { format: "PNG", why };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..8]);
    let mut at = 8;
    while at < bytes.len() {
        let header = bytes.get(at..at + 8).ok_or(bad("a chunk header is cut off"))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let end = at
            .checked_add(12)
            .and_then(|n| n.checked_add(len))
            .filter(|&n| n <= bytes.len())
            .ok_or(bad("a chunk runs past the end of the file"))?;
        let name = &header[4..8];
        match name {
            b"tEXt" | b"zTXt" | b"iTXt" => removed.add("text"),
            b"eXIf" => {
                let mut chunk = bytes[at..end].to_vec();
                tiff::scrub(&mut chunk[8..8 + len], removed).map_err(bad)?;
                let crc = crc32fast::hash(&chunk[4..8 + len]);
                chunk[8 + len..].copy_from_slice(&crc.to_be_bytes());
                out.extend_from_slice(&chunk);
            }
            _ => out.extend_from_slice(&bytes[at..end]),
        }
        at = end;
        if name == b"IEND" {
            out.extend_from_slice(&bytes[at..]);
            break;
        }
    }
    Ok(out)
}

/// WebP: `EXIF` cleaned in place, `XMP ` dropped with its flag; the RIFF size kept true.
fn webp(bytes: &[u8], removed: &mut Removed) -> Result<Vec<u8>, ScrubError> {
    let bad = |why| ScrubError::Malformed { format: "WebP", why };
    let riff_end = (u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize)
        .checked_add(8)
        .filter(|&n| n <= bytes.len())
        .ok_or(bad("the RIFF size is larger than the file"))?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..12]);
    let mut vp8x = None;
    let mut at = 12;
    while at < riff_end {
        let header = bytes.get(at..at + 8).ok_or(bad("a chunk header is cut off"))?;
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let end = at
            .checked_add(8 + len + (len & 1))
            .filter(|&n| n <= riff_end)
            .ok_or(bad("a chunk runs past the end of the file"))?;
        match &header[..4] {
            b"XMP " => removed.add("xmp"),
            b"EXIF" => {
                let mut chunk = bytes[at..end].to_vec();
                let payload = &mut chunk[8..8 + len];
                let tiff_at = if payload.starts_with(b"Exif\0\0") { 6 } else { 0 };
                tiff::scrub(&mut payload[tiff_at..], removed).map_err(bad)?;
                out.extend_from_slice(&chunk);
            }
            name => {
                if name == b"VP8X" {
                    vp8x = Some(out.len());
                }
                out.extend_from_slice(&bytes[at..end]);
            }
        }
        at = end;
    }
    if removed.0.contains(&"xmp")
        && let Some(chunk) = vp8x
    {
        // The XMP flag (bit 2 of the first flag byte) says a chunk is there that no longer is.
        out[chunk + 8] &= !0x04;
    }
    let size = u32::try_from(out.len() - 8).map_err(|_| bad("the file is larger than RIFF allows"))?;
    out[4..8].copy_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&bytes[riff_end..]);
    Ok(out)
}

/// An ISO base media file of the HEIF family (HEIC, HEIF, AVIF), by its `ftyp` brands.
fn is_heif(bytes: &[u8]) -> bool {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return false;
    }
    let size = (u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize).min(bytes.len());
    const BRANDS: [&[u8; 4]; 8] = [
        b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis",
    ];
    let major = &bytes[8..12];
    let compatible = bytes.get(16..size).unwrap_or_default().chunks_exact(4);
    std::iter::once(major)
        .chain(compatible)
        .any(|b| BRANDS.iter().any(|w| b == *w))
}

/// HEIF: cleaned in place — the file keeps its size, so the container's item offsets stay
/// true.
fn heif(mut bytes: Vec<u8>, removed: &mut Removed) -> Result<Vec<u8>, ScrubError> {
    in_place(&mut bytes, removed).map_err(|why| ScrubError::Malformed { format: "HEIF", why })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests;
