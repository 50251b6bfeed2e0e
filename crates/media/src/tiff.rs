//! A small, bounds-checked reader of TIFF structures (byte order, IFDs, entries) for the RAW
//! containers built on TIFF (CR2, NEF, ARW, DNG, ORF, RW2, PEF, KDC…) and the TIFF blocks inside
//! others (CR3's CMT boxes, a RAF's EXIF, an MRW's TTW block). It never decodes pixels and never
//! trusts an offset: every read past the end is a `None`, and the walkers note it as truncation.

/// A TIFF structure: `data` starts at its "II"/"MM" header; offsets inside are relative to it.
/// `base` is where `data` starts in the whole file, so that found ranges can be reported in
/// file positions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tiff<'a> {
    /// The bytes from the TIFF header on.
    pub data: &'a [u8],
    /// Little-endian ("II").
    pub le: bool,
    /// Position of `data` in the whole file.
    pub base: usize,
}

/// One IFD entry, its value located but not read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// The tag.
    pub tag: u16,
    /// The TIFF field type (1 BYTE … 13 IFD).
    pub kind: u16,
    /// The number of values.
    pub count: u32,
    /// Where the value bytes start, relative to the TIFF header.
    pub at: usize,
}

/// An image file directory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ifd {
    /// Its entries, in file order.
    pub entries: Vec<Entry>,
    /// The offset of the next IFD in the chain (0 at the end).
    pub next: u32,
}

/// Byte size of one value of a TIFF field type.
fn type_size(kind: u16) -> usize {
    match kind {
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 1,
    }
}

/// The largest IFD accepted: real files have a few hundred entries at most.
const MAX_ENTRIES: usize = 4096;

impl<'a> Tiff<'a> {
    /// Reads the header of a TIFF-like structure. The 2-byte magic is not checked (ORF and RW2
    /// use their own); returns the structure and the offset of IFD0.
    pub fn new(data: &'a [u8], base: usize) -> Option<(Self, u32)> {
        let le = match data.get(..2)? {
            b"II" => true,
            b"MM" => false,
            _ => return None,
        };
        let t = Tiff { data, le, base };
        let first = t.u32(4)?;
        Some((t, first))
    }

    /// A 16-bit value at `pos`.
    pub fn u16(&self, pos: usize) -> Option<u16> {
        let b = self.data.get(pos..pos.checked_add(2)?)?;
        Some(if self.le {
            u16::from_le_bytes([b[0], b[1]])
        } else {
            u16::from_be_bytes([b[0], b[1]])
        })
    }

    /// A 32-bit value at `pos`.
    pub fn u32(&self, pos: usize) -> Option<u32> {
        let b = self.data.get(pos..pos.checked_add(4)?)?;
        Some(if self.le {
            u32::from_le_bytes([b[0], b[1], b[2], b[3]])
        } else {
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        })
    }

    /// The IFD at `offset`; `None` when it does not fit in the data (truncated or bogus).
    pub fn ifd(&self, offset: u32) -> Option<Ifd> {
        let pos = offset as usize;
        if pos < 8 && pos != 0 {
            return None;
        }
        let count = usize::from(self.u16(pos)?);
        if count == 0 || count > MAX_ENTRIES {
            return None;
        }
        let end = pos + 2 + count * 12;
        if end + 4 > self.data.len() {
            // The entries themselves are cut off; the next-IFD pointer may be missing too.
            if end > self.data.len() {
                return None;
            }
        }
        let mut entries = Vec::with_capacity(count);
        for i in 0..count {
            let e = pos + 2 + i * 12;
            let tag = self.u16(e)?;
            let kind = self.u16(e + 2)?;
            let n = self.u32(e + 4)?;
            let size = type_size(kind).checked_mul(n as usize)?;
            let at = if size <= 4 {
                e + 8
            } else {
                self.u32(e + 8)? as usize
            };
            entries.push(Entry {
                tag,
                kind,
                count: n,
                at,
            });
        }
        Some(Ifd {
            entries,
            next: self.u32(end).unwrap_or(0),
        })
    }

    /// The value bytes of an entry, when they lie inside the data.
    pub fn bytes(&self, e: &Entry) -> Option<&'a [u8]> {
        let len = type_size(e.kind).checked_mul(e.count as usize)?;
        self.data.get(e.at..e.at.checked_add(len)?)
    }

    /// Whether an entry's value reaches past the end of the data.
    pub fn past_end(&self, e: &Entry) -> bool {
        let len = type_size(e.kind).saturating_mul(e.count as usize);
        e.at.saturating_add(len) > self.data.len()
    }

    /// The `i`-th value of an integer entry (BYTE, SHORT, LONG, IFD and their signed kinds).
    pub fn uint(&self, e: &Entry, i: usize) -> Option<u32> {
        if i >= e.count as usize {
            return None;
        }
        match e.kind {
            1 | 6 | 7 => self.data.get(e.at + i).map(|b| u32::from(*b)),
            3 | 8 => self.u16(e.at + i * 2).map(u32::from),
            4 | 9 | 13 => self.u32(e.at + i * 4),
            _ => None,
        }
    }

    /// All integer values of an entry (at most 4096).
    pub fn uints(&self, e: &Entry) -> Vec<u32> {
        (0..(e.count as usize).min(4096))
            .map_while(|i| self.uint(e, i))
            .collect()
    }

    /// An ASCII value, trimmed; `None` when blank.
    #[cfg(test)]
    pub fn ascii(&self, e: &Entry) -> Option<String> {
        let b = self.bytes(e)?;
        let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
        let s: String = b[..end].iter().map(|&c| c as char).collect();
        let s = s.trim().to_string();
        (!s.is_empty()).then_some(s)
    }
}

impl Ifd {
    /// The entry for `tag`.
    pub fn get(&self, tag: u16) -> Option<&Entry> {
        self.entries.iter().find(|e| e.tag == tag)
    }
}

/// Well-known tags.
pub(crate) mod tag {
    /// NewSubfileType: 0 for the full-resolution image, bit 0 for a reduced one.
    pub const NEW_SUBFILE_TYPE: u16 = 0x00FE;
    /// ImageWidth.
    pub const IMAGE_WIDTH: u16 = 0x0100;
    /// ImageLength.
    pub const IMAGE_LENGTH: u16 = 0x0101;
    /// Compression.
    pub const COMPRESSION: u16 = 0x0103;
    /// StripOffsets.
    pub const STRIP_OFFSETS: u16 = 0x0111;
    /// StripByteCounts.
    pub const STRIP_BYTE_COUNTS: u16 = 0x0117;
    /// TileOffsets.
    pub const TILE_OFFSETS: u16 = 0x0144;
    /// SubIFDs.
    pub const SUB_IFDS: u16 = 0x014A;
    /// JPEGInterchangeFormat (the EXIF thumbnail's offset).
    pub const JPEG_OFFSET: u16 = 0x0201;
    /// JPEGInterchangeFormatLength.
    pub const JPEG_LENGTH: u16 = 0x0202;
    /// XMP packet (DNG, TIFF).
    pub const XMP: u16 = 0x02BC;
    /// The EXIF sub-IFD.
    pub const EXIF_IFD: u16 = 0x8769;
    /// The GPS sub-IFD.
    pub const GPS_IFD: u16 = 0x8825;
    /// The interoperability sub-IFD (inside the EXIF IFD).
    pub const INTEROP_IFD: u16 = 0xA005;
    /// MakerNote (EXIF).
    pub const MAKER_NOTE: u16 = 0x927C;
    /// Nikon maker note: the PreviewIFD.
    pub const NIKON_PREVIEW_IFD: u16 = 0x0011;
    /// PixelXDimension (EXIF).
    pub const PIXEL_X: u16 = 0xA002;
    /// PixelYDimension (EXIF).
    pub const PIXEL_Y: u16 = 0xA003;
    /// Panasonic RW2: the embedded full JPEG ("JpgFromRaw"), stored as the value itself.
    pub const RW2_JPEG: u16 = 0x002E;
    /// Panasonic RW2 sensor borders: top, left, bottom, right.
    pub const RW2_BORDERS: [u16; 4] = [0x0004, 0x0005, 0x0006, 0x0007];
}

/// How far into `t.data` the metadata that an EXIF reader needs reaches: IFD0 and its chain,
/// the EXIF, GPS and interoperability IFDs and every value they point to. Copying only this
/// prefix keeps metadata reads of 50 MB RAW files cheap.
pub(crate) fn metadata_extent(t: &Tiff<'_>, first: u32) -> usize {
    let mut end = 8usize;
    let mut stack = vec![first];
    let mut seen = 0;
    while let Some(off) = stack.pop() {
        seen += 1;
        if seen > 16 {
            break;
        }
        let Some(ifd) = t.ifd(off) else { continue };
        end = end.max(off as usize + 2 + ifd.entries.len() * 12 + 4);
        for e in &ifd.entries {
            let len = type_size(e.kind).saturating_mul(e.count as usize);
            // Huge values (strip offset tables of tiled raws, maker blobs past 16 MB) are not
            // metadata worth copying.
            if len > 4 && len < (16 << 20) {
                end = end.max(e.at.saturating_add(len));
            }
            if matches!(e.tag, tag::EXIF_IFD | tag::GPS_IFD | tag::INTEROP_IFD)
                && let Some(sub) = t.uint(e, 0)
            {
                stack.push(sub);
            }
        }
        // IFD1 (the EXIF thumbnail's) is the only other IFD of the chain EXIF readers use.
        if off == first && ifd.next != 0 {
            stack.push(ifd.next);
        }
    }
    end.min(t.data.len())
}

#[cfg(test)]
pub(crate) mod build {
    //! A tiny little-endian TIFF writer for tests.

    /// One entry to write: tag, type, count and the value bytes (little-endian).
    pub struct E(pub u16, pub u16, pub u32, pub Vec<u8>);

    /// A LONG entry.
    pub fn long(tag: u16, v: u32) -> E {
        E(tag, 4, 1, v.to_le_bytes().to_vec())
    }

    /// A SHORT entry.
    pub fn short(tag: u16, v: u16) -> E {
        E(tag, 3, 1, v.to_le_bytes().to_vec())
    }

    /// An ASCII entry.
    pub fn ascii(tag: u16, s: &str) -> E {
        let mut b = s.as_bytes().to_vec();
        b.push(0);
        E(tag, 2, b.len() as u32, b)
    }

    /// Appends an IFD at the end of `out` (values after it) and returns its offset. Entries
    /// whose value is `PATCH` get the offset patched in by the caller.
    pub fn ifd(out: &mut Vec<u8>, entries: &[E], next: u32) -> u32 {
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let start = out.len();
        let mut values = Vec::new();
        let values_at = start + 2 + entries.len() * 12 + 4;
        out.extend((entries.len() as u16).to_le_bytes());
        for E(tag, kind, count, v) in entries {
            out.extend(tag.to_le_bytes());
            out.extend(kind.to_le_bytes());
            out.extend(count.to_le_bytes());
            if v.len() <= 4 {
                let mut inline = v.clone();
                inline.resize(4, 0);
                out.extend(inline);
            } else {
                out.extend(((values_at + values.len()) as u32).to_le_bytes());
                values.extend(v);
                if values.len() % 2 == 1 {
                    values.push(0);
                }
            }
        }
        out.extend(next.to_le_bytes());
        out.extend(values);
        start as u32
    }

    /// A little-endian TIFF header whose IFD0 offset is patched later.
    pub fn header() -> Vec<u8> {
        b"II*\0\0\0\0\0".to_vec()
    }

    /// Points the header at IFD0.
    pub fn set_first(out: &mut [u8], ifd0: u32) {
        out[4..8].copy_from_slice(&ifd0.to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;

    #[test]
    fn entries_and_values_are_read_and_bounds_checked() {
        let mut t = header();
        let at = ifd(
            &mut t,
            &[short(0x100, 640), long(0x101, 480), ascii(0x10F, "Canon")],
            0,
        );
        set_first(&mut t, at);
        let (tiff, first) = Tiff::new(&t, 0).unwrap();
        let d = tiff.ifd(first).unwrap();
        assert_eq!(tiff.uint(d.get(0x100).unwrap(), 0), Some(640));
        assert_eq!(tiff.uint(d.get(0x101).unwrap(), 0), Some(480));
        assert_eq!(tiff.ascii(d.get(0x10F).unwrap()).as_deref(), Some("Canon"));
        // Cut inside the IFD: no panic, no IFD.
        let (cut, first) = Tiff::new(&t[..14], 0).unwrap();
        assert!(cut.ifd(first).is_none());
        assert!(Tiff::new(b"XX*\0", 0).is_none());
    }
}
