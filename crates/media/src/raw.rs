//! Camera RAW files: their embedded JPEG previews, their metadata, and — only when a file has
//! no usable preview — a full decode.
//!
//! Previews are found by walking each container's own structure, never by decoding the sensor
//! data: TIFF-based RAWs (CR2, NEF, NRW, ARW, SR2, DNG, ORF, RW2, PEF, SRW, KDC, DCR, 3FR, ERF,
//! MOS, GPR…) through their IFD chains, SubIFDs and Panasonic's embedded JPEG; Canon CRW through
//! its CIFF heaps; Canon CR3 through its ISO-BMFF boxes (THMB, PRVW and the full-size JPEG
//! track); Fujifilm RAF through its header; Sigma X3F through its section directory; Minolta MRW
//! through its TTW block. For formats whose previews live in maker notes (ORF, PEF) the file is
//! scanned for complete baseline JPEG streams as a last resort. Lossless-JPEG sensor data (SOF3)
//! is never mistaken for a preview.
//!
//! For a rendition of `max_side`, the *smallest* preview that still covers `max_side` is decoded
//! (or the largest, when none does): a grid thumbnail comes from a 1.6 MP preview rather than a
//! 24 MP one, through the DCT-scaled libjpeg-turbo path. Without any preview, rawler
//! (dnglab's pure-Rust decoder) demosaics the sensor data.
//!
//! Dimensions are the *declared full image size*, as ExifTool's `ImageSize` reports it: the
//! full-resolution IFD of a TIFF-based RAW (the EXIF pixel size for CR2, the sensor borders for
//! RW2), the CIFF ImageInfo of a CRW, IFD0 of a CR3's CMT1 box, the cropped raw size of a RAF and
//! the header of an X3F.

use std::ops::Range;

use crate::MediaError;
use crate::exif::{self, ExifData};
use crate::pixels::{self, Pixels, check_size};
use crate::tiff::{Tiff, metadata_extent, tag};

/// An embedded JPEG preview: where it is and how big it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Preview {
    /// Its bytes in the file.
    pub range: Range<usize>,
    /// Pixel width.
    pub width: u32,
    /// Pixel height.
    pub height: u32,
}

/// What a RAW file's structure says, before any pixel is decoded.
#[derive(Debug, Default)]
pub(crate) struct RawScan<'a> {
    /// Usable embedded JPEG previews.
    pub previews: Vec<Preview>,
    /// A structure or a data range reaches past the end of the file.
    pub truncated: bool,
    /// EXIF values (from the TIFF structure, the CMT boxes, the RAF's JPEG, or the CIFF records).
    pub exif: ExifData,
    /// An embedded XMP packet.
    pub xmp: Option<&'a [u8]>,
    /// The declared full image size.
    pub size: Option<(u32, u32)>,
    /// Orientation from a non-EXIF source (CRW's ImageInfo rotation).
    pub orientation: Option<u8>,
}

impl RawScan<'_> {
    /// The size to report: the declared one, else the largest preview's.
    pub fn dimensions(&self) -> Option<(u32, u32)> {
        self.size.or_else(|| {
            self.previews
                .iter()
                .max_by_key(|p| u64::from(p.width) * u64::from(p.height))
                .map(|p| (p.width, p.height))
        })
    }
}

fn truncated(name: &'static str) -> MediaError {
    MediaError::Corrupt {
        format: name,
        reason: "the file is truncated".into(),
    }
}

/// Reads the structure of a RAW file. Fails only when not even its header can be read.
pub(crate) fn scan<'a>(bytes: &'a [u8], name: &'static str) -> Result<RawScan<'a>, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let starts = |m: &[u8]| bytes.starts_with(m);
    let mut scan = if starts(b"II\x1a\x00\x00\x00HEAPCCDR") {
        ciff(bytes)
    } else if bytes.get(4..8) == Some(b"ftyp") {
        cr3(bytes)
    } else if starts(b"FUJIFILMCCD-RAW") {
        raf(bytes)
    } else if starts(b"FOVb") {
        x3f(bytes)
    } else if starts(b"\x00MRM") {
        mrw(bytes)
    } else if let Some((t, first)) = Tiff::new(bytes, 0) {
        tiff_raw(bytes, t, first)
    } else if bytes.len() < 64 {
        return Err(truncated(name));
    } else {
        RawScan::default()
    };
    if scan.previews.is_empty() && scan.size.is_none() && scan.exif == ExifData::default() {
        if scan.truncated || bytes.len() < 4096 {
            return Err(truncated(name));
        }
        return Err(MediaError::Unreadable {
            format: name,
            reason: "its structure is not one Atelier knows".into(),
        });
    }
    // Maker-note previews (Olympus, Pentax…) are found by scanning when the structure gave
    // nothing better than an EXIF thumbnail.
    if scan.previews.iter().all(|p| p.width.max(p.height) < 640) {
        for p in scan_for_jpegs(bytes) {
            if !scan.previews.iter().any(|q| q.range.start == p.range.start) {
                scan.previews.push(p);
            }
        }
    }
    Ok(scan)
}

/// Decodes a RAW file to pixels fitting `max_side` (orientation not applied): from the best
/// embedded preview, else by a full decode.
pub(crate) fn decode(bytes: &[u8], name: &'static str, max_side: u32) -> Result<Pixels, MediaError> {
    let scan = scan(bytes, name)?;
    // A cut file is refused even when a small thumbnail survived in its first bytes: the
    // import report must say the file is damaged.
    if scan.truncated {
        return Err(truncated(name));
    }
    let mut candidates = scan.previews.clone();
    candidates.sort_by_key(|p| u64::from(p.width) * u64::from(p.height));
    let covering = candidates.iter().position(|p| p.width.max(p.height) >= max_side);
    // The smallest preview that covers max_side first, then the larger ones, then the smaller.
    let order: Vec<&Preview> = match covering {
        Some(i) => candidates[i..]
            .iter()
            .chain(candidates[..i].iter().rev())
            .collect(),
        None => candidates.iter().rev().collect(),
    };
    let mut last_error = None;
    for p in order {
        match pixels::decode_jpeg(&bytes[p.range.clone()], max_side) {
            Ok(pixels) => return Ok(pixels),
            Err(e) => last_error = Some(e),
        }
    }
    if let Some((w, h)) = scan.dimensions() {
        check_size(w, h)?;
        // Less than a quarter of a bit per pixel cannot hold a photograph: metadata-only
        // files (and test stubs) end here instead of in the decoder.
        if (bytes.len() as u64) < u64::from(w) * u64::from(h) / 32 {
            return Err(MediaError::NoImage { format: name });
        }
    }
    match develop(bytes, name) {
        Ok(pixels) => fix_aspect(pixels, scan.dimensions(), max_side),
        Err(e) => Err(last_error.unwrap_or(e)),
    }
}

/// A full decode through rawler: demosaic, white balance, sRGB. rawler may panic on files it
/// does not expect; a panic becomes a reason like any other failure.
fn develop(bytes: &[u8], name: &'static str) -> Result<Pixels, MediaError> {
    use rawler::decoders::RawDecodeParams;
    use rawler::imgop::develop::RawDevelop;
    let result = std::panic::catch_unwind(|| {
        let source = rawler::rawsource::RawSource::new_from_slice(bytes);
        let raw = rawler::decode(&source, &RawDecodeParams::default())?;
        check_size(raw.width as u32, raw.height as u32)
            .map_err(|e| rawler::RawlerError::DecoderFailed(e.to_string()))?;
        let developed = RawDevelop::default().develop_intermediate(&raw)?;
        Ok::<_, rawler::RawlerError>(developed.to_dynamic_image())
    });
    let reason = match result {
        Ok(Ok(Some(img))) => return Ok(Pixels::Rgb(img.into_rgb8())),
        Ok(Ok(None)) => "the decoded image has an unexpected layout".to_string(),
        Ok(Err(rawler::RawlerError::Unsupported { what, .. })) => what,
        Ok(Err(rawler::RawlerError::DecoderFailed(what))) => what,
        Err(_) => "the RAW decoder failed on this file".to_string(),
    };
    let lower = reason.to_lowercase();
    if [
        "eof",
        "end of file",
        "fill whole buffer",
        "out of bounds",
        "too short",
    ]
    .iter()
    .any(|t| lower.contains(t))
    {
        return Err(truncated(name));
    }
    Err(MediaError::Unreadable {
        format: name,
        reason: format!("it has no embedded preview and its sensor data cannot be decoded ({reason})"),
    })
}

/// Some cameras store non-square pixels (Kodak DC120): when a full decode's aspect differs from
/// the declared size's, the pixels are resampled to the declared aspect (at most `max_side`).
fn fix_aspect(pixels: Pixels, declared: Option<(u32, u32)>, max_side: u32) -> Result<Pixels, MediaError> {
    let (w, h) = pixels.dimensions();
    let Some((dw, dh)) = declared.filter(|(a, b)| *a > 0 && *b > 0) else {
        return Ok(pixels);
    };
    let have = f64::from(w) / f64::from(h);
    let want = f64::from(dw) / f64::from(dh);
    // A rotated declaration (portrait size, landscape pixels) is not an aspect problem.
    if (have / want - 1.0).abs() < 0.03 || (have * want - 1.0).abs() < 0.03 {
        return Ok(pixels);
    }
    let (tw, th) = pixels::fit(dw, dh, max_side);
    pixels::resize_exact(pixels, tw, th)
}

// ---------------------------------------------------------------------------------------------
// JPEG streams

/// Width, height and length of the baseline/progressive JPEG stream at the start of `data`;
/// `None` for anything else (lossless sensor data, text, damage).
pub(crate) fn jpeg_stream(data: &[u8]) -> Option<(u32, u32, usize)> {
    if !data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return None;
    }
    let mut i = 2;
    let mut size = None;
    loop {
        if *data.get(i)? != 0xFF {
            return None;
        }
        let marker = *data.get(i + 1)?;
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xD8 || marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*data.get(i + 2)?, *data.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        match marker {
            // Baseline, extended, progressive (Huffman or arithmetic).
            0xC0 | 0xC1 | 0xC2 | 0xC9 | 0xCA => {
                let h = u32::from(u16::from_be_bytes([*data.get(i + 5)?, *data.get(i + 6)?]));
                let w = u32::from(u16::from_be_bytes([*data.get(i + 7)?, *data.get(i + 8)?]));
                if w == 0 || h == 0 {
                    return None;
                }
                size = Some((w, h));
            }
            // Lossless, hierarchical: sensor data, not a preview.
            0xC3 | 0xC5 | 0xC6 | 0xC7 | 0xCB | 0xCD | 0xCE | 0xCF => return None,
            0xDA => {
                let (w, h) = size?;
                let scan = i + 2 + len;
                let end = data.get(scan..)?.windows(2).position(|p| p == [0xFF, 0xD9])?;
                return Some((w, h, scan + end + 2));
            }
            _ => {}
        }
        i += 2 + len;
    }
}

/// Previews smaller than this on their longest side are placeholders (test stubs carry 8×8
/// ones), not pictures.
const MIN_PREVIEW_SIDE: u32 = 32;
/// Some cameras overstate a preview's length by a few bytes; only more than this is truncation.
const SLACK: usize = 4096;

/// A preview at `start` of `bytes` when a complete JPEG stream starts there. A range starting
/// past the end of the file, or ending well past it, sets `truncated`.
fn preview_at(bytes: &[u8], start: usize, len: Option<usize>, truncated: &mut bool) -> Option<Preview> {
    if start >= bytes.len() || len.is_some_and(|l| start.saturating_add(l) > bytes.len() + SLACK) {
        *truncated = true;
        return None;
    }
    let end = len.map_or(bytes.len(), |l| (start + l).min(bytes.len()));
    let data = &bytes[start..end];
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    match jpeg_stream(data) {
        Some((width, height, _)) if width.max(height) < MIN_PREVIEW_SIDE => None,
        Some((width, height, n)) => Some(Preview {
            range: start..start + n,
            width,
            height,
        }),
        None => {
            // A JPEG whose end marker is missing is cut short.
            if data.len() > 1024 && jpeg_stream(&[data, &[0xFF, 0xD9][..]].concat()).is_some() {
                *truncated = true;
            }
            None
        }
    }
}

/// The last resort: complete baseline JPEG streams anywhere in the file (maker-note previews).
fn scan_for_jpegs(bytes: &[u8]) -> Vec<Preview> {
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < 8 {
        let Some(pos) = bytes
            .get(i..)
            .and_then(|b| b.windows(3).position(|w| w == [0xFF, 0xD8, 0xFF]))
        else {
            break;
        };
        let start = i + pos;
        match jpeg_stream(&bytes[start..]) {
            Some((width, height, n)) if width.max(height) >= 160 => {
                out.push(Preview {
                    range: start..start + n,
                    width,
                    height,
                });
                i = start + n;
            }
            _ => i = start + 3,
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// TIFF-based RAWs

/// The EXIF of a TIFF structure, read from the prefix that holds it. ORF and RW2 use their own
/// magic numbers, which EXIF readers refuse: a copy gets the standard one.
fn tiff_exif(t: &Tiff<'_>, first: u32) -> ExifData {
    let prefix = &t.data[..metadata_extent(t, first)];
    let standard = if t.le { b"II*\0" } else { b"MM\0*" };
    if prefix.starts_with(standard) {
        exif::parse(prefix)
    } else {
        let mut copy = prefix.to_vec();
        copy[..4].copy_from_slice(standard);
        exif::parse(&copy)
    }
    .unwrap_or_default()
}

/// Previews and image sizes found in the IFDs of one TIFF structure.
#[derive(Default)]
struct TiffWalk {
    previews: Vec<Preview>,
    truncated: bool,
    /// (width, height, is full resolution) of each IFD that declares a size.
    sizes: Vec<(u32, u32, Option<bool>)>,
    /// EXIF PixelXDimension × PixelYDimension.
    exif_size: Option<(u32, u32)>,
}

fn walk_tiff(bytes: &[u8], t: &Tiff<'_>, first: u32) -> TiffWalk {
    let mut walk = TiffWalk::default();
    let mut stack: Vec<(u32, u8, bool)> = vec![(first, 0, true)];
    let mut visited = Vec::new();
    while let Some((off, depth, chain)) = stack.pop() {
        if off == 0 || visited.contains(&off) || visited.len() > 32 {
            continue;
        }
        visited.push(off);
        let Some(ifd) = t.ifd(off) else {
            if off as usize >= t.data.len()
                || t.u16(off as usize)
                    .is_some_and(|n| off as usize + 2 + usize::from(n) * 12 > t.data.len())
            {
                walk.truncated = true;
            }
            continue;
        };
        if chain && ifd.next != 0 && depth < 8 {
            stack.push((ifd.next, depth + 1, true));
        }
        let value = |tag: u16| ifd.get(tag).and_then(|e| t.uint(e, 0));
        if let (Some(w), Some(h)) = (value(tag::IMAGE_WIDTH), value(tag::IMAGE_LENGTH)) {
            let full = value(tag::NEW_SUBFILE_TYPE).map(|v| v & 1 == 0);
            walk.sizes.push((w, h, full));
        }
        // Image data that starts past the end: the file was cut (0xFFFFFFFF means "elsewhere"
        // in Panasonic's files).
        for data_tag in [tag::STRIP_OFFSETS, tag::TILE_OFFSETS] {
            if let Some(e) = ifd.get(data_tag)
                && (t.past_end(e)
                    || t.uints(e)
                        .iter()
                        .any(|o| *o != u32::MAX && t.base + *o as usize >= bytes.len()))
            {
                walk.truncated = true;
            }
        }
        // The EXIF thumbnail / preview pointer.
        if let (Some(o), Some(l)) = (value(tag::JPEG_OFFSET), value(tag::JPEG_LENGTH))
            && l > 0
            && let Some(p) = preview_at(bytes, t.base + o as usize, Some(l as usize), &mut walk.truncated)
        {
            walk.previews.push(p);
        }
        // JPEG-compressed strips: previews (the sensor data is lossless JPEG, which
        // `jpeg_stream` refuses).
        if matches!(value(tag::COMPRESSION), Some(6 | 7 | 34892 | 99))
            && let (Some(offs), Some(counts)) = (ifd.get(tag::STRIP_OFFSETS), ifd.get(tag::STRIP_BYTE_COUNTS))
        {
            let offs = t.uints(offs);
            let counts = t.uints(counts);
            if let (Some(&o), Some(_)) = (offs.first(), counts.first()) {
                let total: usize = counts.iter().map(|c| *c as usize).sum();
                if let Some(p) = preview_at(bytes, t.base + o as usize, Some(total), &mut walk.truncated) {
                    walk.previews.push(p);
                }
            }
        }
        // Panasonic's embedded JPEG, stored as the value of tag 0x2E.
        if let Some(e) = ifd
            .get(tag::RW2_JPEG)
            .filter(|e| e.count > 1024 && matches!(e.kind, 1 | 7))
        {
            if t.past_end(e) {
                walk.truncated = true;
            } else if let Some(p) =
                preview_at(bytes, t.base + e.at, Some(e.count as usize), &mut walk.truncated)
            {
                walk.previews.push(p);
            }
        }
        if let Some(e) = ifd.get(tag::SUB_IFDS)
            && depth < 4
        {
            for sub in t.uints(e).into_iter().take(8) {
                stack.push((sub, depth + 1, false));
            }
        }
        if let Some(exif_ifd) = value(tag::EXIF_IFD).and_then(|o| t.ifd(o)) {
            let v = |tag: u16| exif_ifd.get(tag).and_then(|e| t.uint(e, 0));
            if let (Some(w), Some(h)) = (v(tag::PIXEL_X), v(tag::PIXEL_Y))
                && w > 0
                && h > 0
            {
                walk.exif_size.get_or_insert((w, h));
            }
            if let Some(note) = exif_ifd.get(tag::MAKER_NOTE).and_then(|e| t.bytes(e)) {
                let at = t.base + (note.as_ptr() as usize).wrapping_sub(t.data.as_ptr() as usize);
                nikon_preview(bytes, note, at, &mut walk);
            }
        }
    }
    walk
}

/// Nikon's maker note ("Nikon\0", version 2, then a TIFF structure of its own) points to a
/// PreviewIFD with a medium-size JPEG (about 640 px or 1.6 MP): a much cheaper source for a grid
/// thumbnail than the full-size JpgFromRaw.
fn nikon_preview(bytes: &[u8], note: &[u8], at: usize, walk: &mut TiffWalk) {
    if !note.starts_with(b"Nikon\0\x02") {
        return;
    }
    let Some((inner, first)) = note.get(10..).and_then(|d| Tiff::new(d, at + 10)) else {
        return;
    };
    let Some(preview_ifd) = inner
        .ifd(first)
        .and_then(|d| d.get(tag::NIKON_PREVIEW_IFD).and_then(|e| inner.uint(e, 0)))
        .and_then(|o| inner.ifd(o))
    else {
        return;
    };
    let v = |tag: u16| preview_ifd.get(tag).and_then(|e| inner.uint(e, 0));
    if let (Some(o), Some(l)) = (v(tag::JPEG_OFFSET), v(tag::JPEG_LENGTH))
        && let Some(p) = preview_at(
            bytes,
            inner.base + o as usize,
            Some(l as usize),
            &mut walk.truncated,
        )
    {
        walk.previews.push(p);
    }
}

fn tiff_raw<'a>(bytes: &'a [u8], t: Tiff<'a>, first: u32) -> RawScan<'a> {
    let walk = walk_tiff(bytes, &t, first);
    let ifd0 = t.ifd(first);
    let is_cr2 = bytes.get(8..10) == Some(b"CR");
    let is_rw2 = bytes.get(2..4) == Some(b"U\0");
    let rw2_size = ifd0.as_ref().and_then(|d| {
        let [top, left, bottom, right] = tag::RW2_BORDERS.map(|tag| d.get(tag).and_then(|e| t.uint(e, 0)));
        Some((right?.checked_sub(left?)?, bottom?.checked_sub(top?)?)).filter(|(w, h)| *w > 0 && *h > 0)
    });
    let area = |s: &(u32, u32, Option<bool>)| u64::from(s.0) * u64::from(s.1);
    let full_res = walk
        .sizes
        .iter()
        .filter(|s| s.2 != Some(false))
        .max_by_key(|s| area(s))
        .or_else(|| walk.sizes.iter().max_by_key(|s| area(s)))
        .map(|s| (s.0, s.1));
    let size = if is_cr2 {
        walk.exif_size.or(full_res)
    } else if is_rw2 {
        rw2_size.or(full_res)
    } else {
        // A full-resolution IFD smaller than the EXIF size is a thumbnail in a file whose raw
        // IFD could not be read (truncated): the EXIF size is then the better answer.
        match (full_res, walk.exif_size) {
            (Some(f), Some(e)) if u64::from(f.0) * u64::from(f.1) < u64::from(e.0) * u64::from(e.1) / 4 => {
                Some(e)
            }
            (f, e) => f.or(e),
        }
    };
    let xmp = ifd0
        .as_ref()
        .and_then(|d| d.get(tag::XMP))
        .and_then(|e| t.bytes(e));
    RawScan {
        previews: walk.previews,
        truncated: walk.truncated,
        exif: tiff_exif(&t, first),
        xmp,
        size,
        orientation: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Canon CRW (CIFF)

fn ciff(bytes: &[u8]) -> RawScan<'_> {
    let mut scan = RawScan::default();
    let le = bytes.starts_with(b"II");
    let u16_at = |p: usize| {
        bytes.get(p..p + 2).map(|b| {
            if le {
                u16::from_le_bytes([b[0], b[1]])
            } else {
                u16::from_be_bytes([b[0], b[1]])
            }
        })
    };
    let u32_at = |p: usize| {
        bytes.get(p..p + 4).map(|b| {
            let a = [b[0], b[1], b[2], b[3]];
            if le {
                u32::from_le_bytes(a)
            } else {
                u32::from_be_bytes(a)
            }
        })
    };
    let Some(header) = u32_at(2) else {
        scan.truncated = true;
        return scan;
    };
    let mut heaps = vec![(header as usize, bytes.len(), 0u8)];
    let mut visited = 0;
    while let Some((start, end, depth)) = heaps.pop() {
        visited += 1;
        if visited > 64 {
            break;
        }
        if end > bytes.len() || end < start + 4 {
            scan.truncated = true;
            continue;
        }
        let Some(dir) = u32_at(end - 4).map(|o| start + o as usize) else {
            continue;
        };
        let Some(count) = u16_at(dir) else {
            scan.truncated = true;
            continue;
        };
        for i in 0..usize::from(count).min(1024) {
            let rec = dir + 2 + i * 10;
            let (Some(tag), Some(size), Some(off)) = (u16_at(rec), u32_at(rec + 2), u32_at(rec + 6)) else {
                scan.truncated = true;
                break;
            };
            let id = tag & 0x3FFF;
            let in_record = tag & 0xC000 == 0x4000;
            let (data_at, data_len) = if in_record {
                (rec + 2, 8)
            } else {
                (start + off as usize, size as usize)
            };
            if data_at.saturating_add(data_len) > bytes.len() {
                scan.truncated = true;
                continue;
            }
            let data = &bytes[data_at..data_at + data_len];
            let kind = tag & 0x3800;
            if (kind == 0x2800 || kind == 0x3000) && !in_record && depth < 6 {
                heaps.push((data_at, data_at + data_len, depth + 1));
                continue;
            }
            match id {
                // JpgFromRaw, ThumbnailImage.
                0x2007 | 0x2008 => {
                    if let Some(p) = preview_at(bytes, data_at, Some(data_len), &mut scan.truncated) {
                        scan.previews.push(p);
                    }
                }
                // Make and model, NUL-separated.
                0x080A => {
                    let mut parts = data
                        .split(|&b| b == 0)
                        .map(|p| String::from_utf8_lossy(p).trim().to_string());
                    scan.exif.make = parts.next().filter(|s| !s.is_empty());
                    scan.exif.model = parts.next().filter(|s| !s.is_empty());
                }
                // TimeStamp: local wall-clock seconds since 1970.
                0x180E => {
                    if let Some(secs) = u32_at(data_at).filter(|s| *s > 0)
                        && let Some(t) = chrono::DateTime::from_timestamp(i64::from(secs), 0)
                    {
                        scan.exif.date_time_original =
                            Some(t.naive_utc().format("%Y:%m:%d %H:%M:%S").to_string());
                    }
                }
                // ImageInfo: width, height, pixel aspect, rotation (degrees).
                0x1810 => {
                    if let (Some(w), Some(h)) = (u32_at(data_at), u32_at(data_at + 4))
                        && w > 0
                        && h > 0
                    {
                        scan.size = Some((w, h));
                    }
                    scan.orientation = u32_at(data_at + 12).map(|r| match (r as i32).rem_euclid(360) {
                        90 => 6,
                        180 => 3,
                        270 => 8,
                        _ => 1,
                    });
                }
                // OwnerName.
                0x0810 => {
                    let s = String::from_utf8_lossy(data.split(|&b| b == 0).next().unwrap_or_default())
                        .trim()
                        .to_string();
                    scan.exif.artist = (!s.is_empty()).then_some(s);
                }
                _ => {}
            }
        }
    }
    scan
}

// ---------------------------------------------------------------------------------------------
// Canon CR3 (ISO base media)

const CANON_META_UUID: [u8; 16] = [
    0x85, 0xc0, 0xb6, 0x87, 0x82, 0x0f, 0x11, 0xe0, 0x81, 0x11, 0xf4, 0xce, 0x46, 0x2b, 0x6a, 0x48,
];
const CANON_PREVIEW_UUID: [u8; 16] = [
    0xea, 0xf4, 0x2b, 0x5e, 0x1c, 0x98, 0x4b, 0x88, 0xb9, 0xfb, 0xb7, 0xdc, 0x40, 0x6e, 0x4d, 0x16,
];
const XMP_UUID: [u8; 16] = [
    0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42, 0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac,
];

/// One ISO-BMFF box: its type, its uuid (for `uuid` boxes) and the range of its payload.
struct Bmff {
    kind: [u8; 4],
    uuid: Option<[u8; 16]>,
    payload: Range<usize>,
}

/// The boxes in `range` of `bytes`; sets `truncated` when one reaches past the end.
fn boxes(bytes: &[u8], range: Range<usize>, truncated: &mut bool) -> Vec<Bmff> {
    let mut out = Vec::new();
    let mut i = range.start;
    while i + 8 <= range.end && out.len() < 256 {
        let Some(h) = bytes.get(i..i + 8) else { break };
        let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize;
        let kind = [h[4], h[5], h[6], h[7]];
        let (size, mut header) = match size32 {
            0 => (range.end - i, 8),
            1 => match bytes.get(i + 8..i + 16) {
                Some(b) => (
                    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as usize,
                    16,
                ),
                None => {
                    *truncated = true;
                    break;
                }
            },
            s => (s, 8),
        };
        if size < header {
            break;
        }
        let end = i.saturating_add(size);
        // A box reaching past the end of the file is a cut file; one merely overrunning its
        // parent (metadata stubs keep the sizes of data they dropped) is not.
        if end > bytes.len() && range.end >= bytes.len() {
            *truncated = true;
        }
        let end = end.min(range.end).min(bytes.len());
        let mut uuid = None;
        if &kind == b"uuid" {
            uuid = bytes
                .get(i + header..i + header + 16)
                .and_then(|u| <[u8; 16]>::try_from(u).ok());
            header += 16;
        }
        if i + header <= end {
            out.push(Bmff {
                kind,
                uuid,
                payload: i + header..end,
            });
        }
        i = i.saturating_add(size);
    }
    out
}

/// Re-roots a TIFF block whose first IFD is really an EXIF (or GPS) IFD, as in CR3's CMT2 and
/// CMT4: a new IFD0 pointing at it under `as_tag` is appended, so an EXIF reader finds it where
/// it expects. The block's own offsets stay valid.
fn reroot(block: &[u8], as_tag: u16) -> Option<Vec<u8>> {
    let (t, first) = Tiff::new(block, 0)?;
    let mut out = block.to_vec();
    if out.len() % 2 == 1 {
        out.push(0);
    }
    let at = u32::try_from(out.len()).ok()?;
    let put16 = |v: u16| if t.le { v.to_le_bytes() } else { v.to_be_bytes() };
    let put32 = |v: u32| if t.le { v.to_le_bytes() } else { v.to_be_bytes() };
    out.extend(put16(1));
    out.extend(put16(as_tag));
    out.extend(put16(4));
    out.extend(put32(1));
    out.extend(put32(first));
    out.extend(put32(0));
    out[4..8].copy_from_slice(&put32(at));
    Some(out)
}

fn cr3(bytes: &[u8]) -> RawScan<'_> {
    let mut scan = RawScan::default();
    let mut trunc = false;
    let top = boxes(bytes, 0..bytes.len(), &mut trunc);
    let mut first_track = true;
    for b in &top {
        match (&b.kind, b.uuid) {
            (b"moov", _) => {
                for m in boxes(bytes, b.payload.clone(), &mut trunc) {
                    if m.uuid == Some(CANON_META_UUID) {
                        cr3_meta(bytes, &m.payload, &mut scan, &mut trunc);
                    } else if &m.kind == b"trak" && first_track {
                        first_track = false;
                        // Sample ranges are checked against the file only: a stub keeps the
                        // sample table of data it no longer holds, and a cut file shows
                        // in its boxes.
                        let mut outside = false;
                        if let Some((off, len)) = cr3_first_sample(bytes, &m.payload, &mut trunc)
                            && let Some(p) = preview_at(bytes, off, Some(len), &mut outside)
                        {
                            scan.previews.push(p);
                        }
                    }
                }
            }
            (b"uuid", Some(CANON_PREVIEW_UUID)) => {
                // 8 bytes of header, then a PRVW box: 14 bytes of fields, then the JPEG.
                let inner = b.payload.start + 8..b.payload.end;
                for p in boxes(bytes, inner, &mut trunc) {
                    if &p.kind == b"PRVW"
                        && let Some(start) = find_soi(bytes, &p.payload)
                        && let Some(pv) = preview_at(bytes, start, None, &mut trunc)
                    {
                        scan.previews.push(pv);
                    }
                }
            }
            (b"uuid", Some(XMP_UUID)) => scan.xmp = bytes.get(b.payload.clone()),
            _ => {}
        }
    }
    scan.truncated = trunc;
    scan
}

/// The first JPEG start-of-image inside `range` (within its first 64 bytes).
fn find_soi(bytes: &[u8], range: &Range<usize>) -> Option<usize> {
    let head = bytes.get(range.start..range.end.min(range.start + 64))?;
    head.windows(3)
        .position(|w| w == [0xFF, 0xD8, 0xFF])
        .map(|p| range.start + p)
}

fn cr3_meta(bytes: &[u8], range: &Range<usize>, scan: &mut RawScan<'_>, trunc: &mut bool) {
    for c in boxes(bytes, range.clone(), trunc) {
        let data = &bytes[c.payload.clone()];
        match &c.kind {
            b"CMT1" => {
                if let Some((t, first)) = Tiff::new(data, c.payload.start) {
                    let mut e = tiff_exif(&t, first);
                    e.fill_from(std::mem::take(&mut scan.exif));
                    scan.exif = e;
                    if let Some(ifd0) = t.ifd(first) {
                        let v = |tag: u16| ifd0.get(tag).and_then(|e| t.uint(e, 0));
                        if let (Some(w), Some(h)) = (v(tag::IMAGE_WIDTH), v(tag::IMAGE_LENGTH)) {
                            scan.size = Some((w, h));
                        }
                    }
                }
            }
            b"CMT2" | b"CMT4" => {
                let as_tag = if &c.kind == b"CMT2" {
                    tag::EXIF_IFD
                } else {
                    tag::GPS_IFD
                };
                if let Some(e) = reroot(data, as_tag).and_then(|b| exif::parse(&b)) {
                    scan.exif.fill_from(e);
                }
                if &c.kind == b"CMT2"
                    && scan.size.is_none()
                    && let Some((t, first)) = Tiff::new(data, 0)
                    && let Some(ifd) = t.ifd(first)
                {
                    let v = |tag: u16| ifd.get(tag).and_then(|e| t.uint(e, 0));
                    if let (Some(w), Some(h)) = (v(tag::PIXEL_X), v(tag::PIXEL_Y)) {
                        scan.size = Some((w, h));
                    }
                }
            }
            b"THMB" => {
                if let Some(start) = find_soi(bytes, &c.payload)
                    && let Some(p) = preview_at(bytes, start, None, trunc)
                {
                    scan.previews.push(p);
                }
            }
            _ => {}
        }
    }
}

/// Offset and size of the first sample of a track (CR3's track 1 is the full-size JPEG).
fn cr3_first_sample(bytes: &[u8], trak: &Range<usize>, trunc: &mut bool) -> Option<(usize, usize)> {
    let find = |range: Range<usize>, kind: &[u8; 4], trunc: &mut bool| {
        boxes(bytes, range, trunc)
            .into_iter()
            .find(|b| &b.kind == kind)
            .map(|b| b.payload)
    };
    let mdia = find(trak.clone(), b"mdia", trunc)?;
    let minf = find(mdia, b"minf", trunc)?;
    let stbl = find(minf, b"stbl", trunc)?;
    let be32 = |p: usize| {
        bytes
            .get(p..p + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let stsz = find(stbl.clone(), b"stsz", trunc)?;
    let size = match be32(stsz.start + 4)? {
        0 => be32(stsz.start + 12)?,
        s => s,
    } as usize;
    let offset = if let Some(co64) = find(stbl.clone(), b"co64", trunc) {
        let b = bytes.get(co64.start + 8..co64.start + 16)?;
        u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]) as usize
    } else {
        let stco = find(stbl, b"stco", trunc)?;
        be32(stco.start + 8)? as usize
    };
    Some((offset, size))
}

// ---------------------------------------------------------------------------------------------
// Fujifilm RAF

/// The EXIF TIFF inside a JPEG's APP1 segment: its position in the JPEG.
fn jpeg_exif_at(jpeg: &[u8]) -> Option<Range<usize>> {
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xFF {
        let marker = jpeg[i + 1];
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        if marker == 0xE1 && jpeg.get(i + 4..i + 10) == Some(b"Exif\0\0") {
            let end = (i + 2 + len).min(jpeg.len());
            return Some(i + 10..end);
        }
        i += 2 + len;
    }
    None
}

fn raf(bytes: &[u8]) -> RawScan<'_> {
    let mut scan = RawScan::default();
    let be32 = |p: usize| {
        bytes
            .get(p..p + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (Some(jpeg_at), Some(jpeg_len), Some(dir_at)) = (be32(84), be32(88), be32(92)) else {
        scan.truncated = true;
        return scan;
    };
    if jpeg_at.saturating_add(jpeg_len) > bytes.len() {
        scan.truncated = true;
    }
    let jpeg_end = jpeg_at.saturating_add(jpeg_len).min(bytes.len());
    if let Some(jpeg) = bytes.get(jpeg_at..jpeg_end) {
        if let Some(p) = preview_at(bytes, jpeg_at, Some(jpeg.len()), &mut scan.truncated) {
            scan.previews.push(p);
        }
        if let Some(exif_range) = jpeg_exif_at(jpeg) {
            let base = jpeg_at + exif_range.start;
            let block = &bytes[base..jpeg_at + exif_range.end];
            if let Some((t, first)) = Tiff::new(block, base) {
                let walk = walk_tiff(bytes, &t, first);
                scan.previews.extend(walk.previews);
                scan.exif = tiff_exif(&t, first);
                scan.size = walk.exif_size;
            }
        }
    }
    // The CFA header directory: count, then (tag, size, data) records, big-endian.
    if let Some(count) = be32(dir_at) {
        let mut p = dir_at + 4;
        let mut full = None;
        let mut cropped = None;
        for _ in 0..count.min(256) {
            let Some(h) = bytes.get(p..p + 4) else { break };
            let tag = u16::from_be_bytes([h[0], h[1]]);
            let size = usize::from(u16::from_be_bytes([h[2], h[3]]));
            let data = bytes.get(p + 4..p + 4 + size);
            let hw = data.filter(|d| d.len() >= 4).map(|d| {
                (
                    u32::from(u16::from_be_bytes([d[2], d[3]])),
                    u32::from(u16::from_be_bytes([d[0], d[1]])),
                )
            });
            match tag {
                0x100 => full = hw,
                0x111 => cropped = hw,
                _ => {}
            }
            p += 4 + size;
        }
        if let Some(s) = cropped.or(full).filter(|(w, h)| *w > 0 && *h > 0) {
            scan.size = Some(s);
        }
    }
    scan
}

// ---------------------------------------------------------------------------------------------
// Sigma X3F

fn x3f(bytes: &[u8]) -> RawScan<'_> {
    let mut scan = RawScan::default();
    let le32 = |p: usize| {
        bytes
            .get(p..p + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    if let (Some(w), Some(h)) = (le32(28), le32(32))
        && w > 0
        && h > 0
    {
        scan.size = Some((w, h));
    }
    let Some(dir) = bytes.len().checked_sub(4).and_then(le32).map(|d| d as usize) else {
        scan.truncated = true;
        return scan;
    };
    if bytes.get(dir..dir + 4) != Some(b"SECd") {
        scan.truncated = true;
        return scan;
    }
    let count = le32(dir + 8).unwrap_or(0) as usize;
    for i in 0..count.min(64) {
        let e = dir + 12 + i * 12;
        let (Some(off), Some(len), Some(kind)) = (le32(e), le32(e + 4), bytes.get(e + 8..e + 12)) else {
            scan.truncated = true;
            break;
        };
        let (off, len) = (off as usize, len as usize);
        if off.saturating_add(len) > bytes.len() {
            scan.truncated = true;
            continue;
        }
        match kind {
            b"IMAG" | b"IMA2" => {
                // SECi, version, type, format (18 = JPEG), columns, rows, row size, data.
                if le32(off + 12) == Some(18)
                    && len > 28
                    && let Some(p) = preview_at(bytes, off + 28, Some(len - 28), &mut scan.truncated)
                {
                    scan.previews.push(p);
                }
            }
            b"PROP" => x3f_properties(bytes, off, len, &mut scan.exif),
            _ => {}
        }
    }
    scan
}

/// X3F properties: UTF-16 name/value pairs; TIME is the capture time in seconds since 1970.
fn x3f_properties(bytes: &[u8], off: usize, len: usize, exif: &mut ExifData) {
    let le32 = |p: usize| {
        bytes
            .get(p..p + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let (Some(count), Some(0)) = (le32(off + 8), le32(off + 12)) else {
        return;
    };
    let chars_at = off + 24 + count.min(4096) * 8;
    let end = off + len;
    let text = |at: usize| -> String {
        let start = chars_at + at * 2;
        let units: Vec<u16> = bytes
            .get(start.min(end)..end)
            .unwrap_or_default()
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|u| *u != 0)
            .take(256)
            .collect();
        String::from_utf16_lossy(&units)
    };
    for i in 0..count.min(4096) {
        let (Some(name), Some(value)) = (le32(off + 24 + i * 8), le32(off + 28 + i * 8)) else {
            break;
        };
        match text(name).as_str() {
            "TIME" => {
                if let Ok(secs) = text(value).trim().parse::<i64>()
                    && let Some(t) = chrono::DateTime::from_timestamp(secs, 0)
                {
                    exif.date_time_original = Some(t.naive_utc().format("%Y:%m:%d %H:%M:%S").to_string());
                }
            }
            "CAMMANUF" => exif.make = Some(text(value)).filter(|s| !s.is_empty()),
            "CAMMODEL" => exif.model = Some(text(value)).filter(|s| !s.is_empty()),
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Minolta MRW

fn mrw(bytes: &[u8]) -> RawScan<'_> {
    let mut scan = RawScan::default();
    let be32 = |p: usize| {
        bytes
            .get(p..p + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    let Some(data_end) = be32(4).map(|l| l + 8) else {
        scan.truncated = true;
        return scan;
    };
    let mut p = 8;
    while p + 8 <= data_end.min(bytes.len()) {
        let kind = &bytes[p..p + 4];
        let Some(len) = be32(p + 4) else { break };
        let payload = p + 8..(p + 8).saturating_add(len);
        if payload.end > bytes.len() {
            scan.truncated = true;
            break;
        }
        match kind {
            b"\0PRD" => {
                let be16 = |q: usize| {
                    bytes
                        .get(q..q + 2)
                        .map(|b| u32::from(u16::from_be_bytes([b[0], b[1]])))
                };
                if let (Some(h), Some(w)) = (be16(payload.start + 12), be16(payload.start + 14)) {
                    scan.size = Some((w, h));
                }
            }
            b"\0TTW" => {
                if let Some((t, first)) = Tiff::new(&bytes[payload.clone()], payload.start) {
                    let walk = walk_tiff(bytes, &t, first);
                    scan.previews.extend(walk.previews);
                    scan.exif = tiff_exif(&t, first);
                }
            }
            _ => {}
        }
        p = payload.end;
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tiff::build::*;
    use image::{ImageFormat, RgbImage};
    use std::io::Cursor;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
            .unwrap();
        out
    }

    /// A NEF-like TIFF: IFD0 with a small RGB thumbnail and orientation, a SubIFD holding a
    /// JPEG preview (JPEGInterchangeFormat), another the "raw" strip, and an EXIF IFD.
    fn nef_like(preview: &[u8], raw_len: usize) -> Vec<u8> {
        let mut t = header();
        let preview_at = t.len() as u32;
        t.extend(preview);
        let raw_at = t.len() as u32;
        t.extend(std::iter::repeat_n(0x55u8, raw_len));
        let sub_preview = ifd(
            &mut t,
            &[
                long(0xFE, 1),
                long(0x201, preview_at),
                long(0x202, preview.len() as u32),
            ],
            0,
        );
        let sub_raw = ifd(
            &mut t,
            &[
                long(0xFE, 0),
                long(0x100, 3000),
                long(0x101, 2000),
                short(0x103, 1),
                long(0x111, raw_at),
                long(0x117, raw_len as u32),
            ],
            0,
        );
        let exif_ifd = ifd(&mut t, &[ascii(0x9003, "2020:02:03 04:05:06")], 0);
        let mut subs = sub_preview.to_le_bytes().to_vec();
        subs.extend(sub_raw.to_le_bytes());
        let ifd0 = ifd(
            &mut t,
            &[
                long(0xFE, 1),
                long(0x100, 160),
                long(0x101, 120),
                ascii(0x10F, "NIKON CORPORATION"),
                ascii(0x110, "NIKON D1"),
                short(0x112, 6),
                E(0x14A, 4, 2, subs),
                long(0x8769, exif_ifd),
            ],
            0,
        );
        set_first(&mut t, ifd0);
        t
    }

    #[test]
    fn a_tiff_raw_gives_its_preview_size_orientation_and_exif() {
        let preview = jpeg(1200, 800);
        let file = nef_like(&preview, 4_000_000);
        let scan = scan(&file, "Nikon NEF").unwrap();
        assert_eq!(scan.previews.len(), 1);
        assert_eq!((scan.previews[0].width, scan.previews[0].height), (1200, 800));
        assert_eq!(scan.size, Some((3000, 2000)));
        assert_eq!(scan.exif.orientation, Some(6));
        assert_eq!(scan.exif.model.as_deref(), Some("NIKON D1"));
        assert_eq!(
            scan.exif.date_time_original.as_deref(),
            Some("2020:02:03 04:05:06")
        );
        assert!(!scan.truncated);
        let pixels = decode(&file, "Nikon NEF", 400).unwrap();
        assert_eq!(
            pixels.dimensions(),
            (450, 300),
            "DCT-scaled to 3/8, orientation not yet applied"
        );
    }

    #[test]
    fn a_cut_raw_is_truncated_and_a_stub_holds_no_image() {
        let preview = jpeg(1200, 800);
        let file = nef_like(&preview, 4_000_000);
        // Cut inside the preview: IFDs are at the end, so keep them and drop the middle.
        let err = decode(&file[..200], "Nikon NEF", 400).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
        // A stub: the preview is text and the raw strip is tiny.
        let stub = nef_like(b"<Dummy preview image data>", 16);
        let err = decode(&stub, "Nikon NEF", 400).unwrap_err();
        assert_eq!(err, MediaError::NoImage { format: "Nikon NEF" });
        assert_eq!(err.to_string(), "this Nikon NEF file holds no image data");
    }

    #[test]
    fn lossless_jpeg_sensor_data_is_not_a_preview() {
        let mut j = jpeg(64, 64);
        // Turn the SOF0 into SOF3 (lossless).
        let sof = j.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        j[sof + 1] = 0xC3;
        assert_eq!(jpeg_stream(&j), None);
        assert_eq!(jpeg_stream(&jpeg(64, 48)).map(|(w, h, _)| (w, h)), Some((64, 48)));
    }

    #[test]
    fn the_smallest_covering_preview_is_decoded() {
        // Two previews: 480×320 and 1600×1066; a 400 px thumbnail must come from the first.
        let small = jpeg(480, 320);
        let big = jpeg(1600, 1066);
        let mut t = header();
        let a = t.len() as u32;
        t.extend(&small);
        let b = t.len() as u32;
        t.extend(&big);
        let ifd1 = ifd(&mut t, &[long(0x201, a), long(0x202, small.len() as u32)], 0);
        let ifd0 = ifd(
            &mut t,
            &[
                long(0x100, 1600),
                long(0x101, 1066),
                short(0x103, 6),
                long(0x111, b),
                long(0x117, big.len() as u32),
            ],
            ifd1,
        );
        set_first(&mut t, ifd0);
        // 480 px scaled by 7/8 still covers 400 px; 1600 px would have been scaled by 2/8.
        let pixels = decode(&t, "Adobe DNG", 400).unwrap();
        assert_eq!(pixels.dimensions(), (420, 280));
        let pixels = decode(&t, "Adobe DNG", 1024).unwrap();
        assert_eq!(pixels.dimensions(), (1200, 800));
    }

    #[test]
    fn cr3_metadata_boxes_are_rerooted_for_the_exif_reader() {
        let mut exif_block = header();
        let at = ifd(&mut exif_block, &[ascii(0x9003, "2018:02:21 12:08:56")], 0);
        set_first(&mut exif_block, at);
        let rerooted = reroot(&exif_block, tag::EXIF_IFD).unwrap();
        let e = exif::parse(&rerooted).unwrap();
        assert_eq!(e.date_time_original.as_deref(), Some("2018:02:21 12:08:56"));
    }

    #[test]
    fn garbage_is_refused_without_panicking() {
        for bytes in [
            &b"II*\0\xff\xff\xff\xff"[..],
            b"FUJIFILMCCD-RAW",
            b"FOVb",
            b"\0MRM\0\0\0\x10",
            b"",
        ] {
            assert!(decode(bytes, "Test", 400).is_err());
        }
    }
}
