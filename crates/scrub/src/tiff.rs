//! A TIFF structure (EXIF is one; so are TIFF files and most camera RAW) cleaned in place: the
//! GPS directory's entry taken out of its directory and the directory itself zeroed, with
//! every value it pointed to; XMP, IPTC and Photoshop blocks, the EXIF `UserComment` (where
//! A1111-style tools write a JPEG's prompt) and the maker's note taken out the same way. Nothing moves:
//! every other offset in the file stays true, and the picture's data isn't touched.
//!
//! Knows nothing of the containers around it; it is given the bytes from the TIFF header on.

use crate::Removed;

const GPS_IFD: u16 = 0x8825;
const EXIF_IFD: u16 = 0x8769;
const XMP: u16 = 0x02BC;
const IPTC: u16 = 0x83BB;
const PHOTOSHOP: u16 = 0x8649;
const USER_COMMENT: u16 = 0x9286;
const MAKER_NOTE: u16 = 0x927C;

/// Directories followed from IFD0 (IFD1 is the thumbnail's, a TIFF's pages follow).
const MAX_CHAIN: usize = 64;

type Result<T> = std::result::Result<T, &'static str>;

struct Tiff<'a> {
    b: &'a mut [u8],
    big_endian: bool,
}

impl Tiff<'_> {
    fn u16_at(&self, at: usize) -> Result<u16> {
        let b = self
            .b
            .get(at..at + 2)
            .ok_or("a directory lies outside the block")?;
        Ok(if self.big_endian {
            u16::from_be_bytes([b[0], b[1]])
        } else {
            u16::from_le_bytes([b[0], b[1]])
        })
    }

    fn u32_at(&self, at: usize) -> Result<u32> {
        let b = self
            .b
            .get(at..at + 4)
            .ok_or("a directory lies outside the block")?;
        let b = [b[0], b[1], b[2], b[3]];
        Ok(if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    fn set_u16(&mut self, at: usize, v: u16) {
        let b = if self.big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.b[at..at + 2].copy_from_slice(&b);
    }

    /// The bytes an entry's value takes outside the entry, if it doesn't fit in it.
    fn outside(&self, entry: usize) -> Result<Option<std::ops::Range<usize>>> {
        let unit: usize = match self.u16_at(entry + 2)? {
            1 | 2 | 6 | 7 => 1,
            3 | 8 => 2,
            4 | 9 | 11 | 13 => 4,
            5 | 10 | 12 => 8,
            // A type this reader doesn't know: its size can't be told; the entry alone goes.
            _ => return Ok(None),
        };
        let size = (self.u32_at(entry + 4)? as usize)
            .checked_mul(unit)
            .ok_or("a value's size overflows")?;
        if size <= 4 {
            return Ok(None);
        }
        let at = self.u32_at(entry + 8)? as usize;
        let end = at.checked_add(size).ok_or("a value's size overflows")?;
        if end > self.b.len() {
            return Err("a value lies outside the block");
        }
        Ok(Some(at..end))
    }

    /// Zeroes an entry's value where it lies outside the entry.
    fn zero_value(&mut self, entry: usize) -> Result<()> {
        if let Some(range) = self.outside(entry)? {
            self.b[range].fill(0);
        }
        Ok(())
    }

    /// The number of entries of the directory at `at`, checked to fit.
    fn entries(&self, at: usize) -> Result<usize> {
        let count = usize::from(self.u16_at(at)?);
        if at + 2 + 12 * count + 4 > self.b.len() {
            return Err("a directory lies outside the block");
        }
        Ok(count)
    }

    /// Takes entry `i` out of the directory at `at` (`count` entries): the later ones and the
    /// next-directory offset move up, the freed 12 bytes are zeroed.
    fn remove_entry(&mut self, at: usize, count: usize, i: usize) {
        let entry = at + 2 + 12 * i;
        let end = at + 2 + 12 * count + 4;
        self.b.copy_within(entry + 12..end, entry);
        self.b[end - 12..end].fill(0);
        self.set_u16(at, (count - 1) as u16);
    }

    /// Zeroes the directory at `at` and every value it points to.
    fn blank_directory(&mut self, at: usize) -> Result<()> {
        let count = self.entries(at)?;
        for i in 0..count {
            self.zero_value(at + 2 + 12 * i)?;
        }
        self.b[at..at + 2 + 12 * count + 4].fill(0);
        Ok(())
    }

    /// Cleans the directory at `at` (and, at `depth` 0, the EXIF directory it points to).
    fn clean(&mut self, at: usize, depth: u8, removed: &mut Removed) -> Result<()> {
        let mut count = self.entries(at)?;
        let mut i = 0;
        while i < count {
            let entry = at + 2 + 12 * i;
            let tag = self.u16_at(entry)?;
            let what = match tag {
                GPS_IFD => {
                    let gps = self.u32_at(entry + 8)? as usize;
                    if gps != 0 {
                        self.blank_directory(gps)?;
                    }
                    Some("gps")
                }
                XMP => Some("xmp"),
                IPTC | PHOTOSHOP => Some("iptc"),
                USER_COMMENT => Some("user-comment"),
                // A vendor's opaque block: some hold a copy of the IPTC place names (Nikon
                // Capture) or a location (Pentax); nothing needs it to show the picture.
                MAKER_NOTE => Some("maker-note"),
                EXIF_IFD if depth == 0 => {
                    let exif = self.u32_at(entry + 8)? as usize;
                    if exif != 0 {
                        self.clean(exif, depth + 1, removed)?;
                    }
                    None
                }
                _ => None,
            };
            match what {
                Some(what) => {
                    if tag != GPS_IFD {
                        self.zero_value(entry)?;
                    }
                    self.remove_entry(at, count, i);
                    count -= 1;
                    removed.add(what);
                }
                None => i += 1,
            }
        }
        Ok(())
    }
}

/// Cleans the TIFF structure that starts at `b[0]` (its header), in place.
pub(crate) fn scrub(b: &mut [u8], removed: &mut Removed) -> Result<()> {
    let big_endian = match b.get(..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return Err("the TIFF header isn't one"),
    };
    let mut tiff = Tiff { b, big_endian };
    let mut at = tiff.u32_at(4)? as usize;
    let mut seen = Vec::new();
    while at != 0 && !seen.contains(&at) && seen.len() < MAX_CHAIN {
        seen.push(at);
        tiff.clean(at, 0, removed)?;
        let count = tiff.entries(at)?;
        at = tiff.u32_at(at + 2 + 12 * count)? as usize;
    }
    Ok(())
}
