//! A blob's content id: the BLAKE3-256 of its bytes (STUDIO.md §5: the hash the catalog
//! already computed at import), written as 64 lowercase hexadecimal digits,
//! and the object key it is kept under (`ab/cd/abcd…`: two levels of 256 folders, so that no
//! folder of the embedded store holds more than a few hundred entries at a million blobs).
//!
//! Must not know where blobs are kept or who may read them.

use std::fmt;
use std::str::FromStr;

use object_store::path::Path;

use super::BlobError;

/// The BLAKE3-256 of a blob's bytes: its name in the store.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash(*blake3::hash(bytes).as_bytes())
    }

    /// A hash already computed elsewhere (a digest the caller holds).
    pub fn from_bytes(bytes: [u8; 32]) -> ContentHash {
        ContentHash(bytes)
    }

    /// The 32 bytes of the digest.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The object key under the blob root: `ab/cd/abcd…` (the first two bytes as folders).
    pub(super) fn key(&self) -> Path {
        let hex = self.to_string();
        Path::from(format!("{}/{}/{hex}", &hex[0..2], &hex[2..4]))
    }
}

/// Hashes bytes as they stream past, for checking a whole upload against its claimed hash.
#[derive(Clone, Default)]
pub(super) struct Hasher(blake3::Hasher);

impl Hasher {
    pub(super) fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub(super) fn finish(self) -> ContentHash {
        ContentHash(*self.0.finalize().as_bytes())
    }
}

/// One part's subtree of the whole file's BLAKE3 tree (its chaining value), so that an upload
/// sent in parts can be checked against its content hash from what each part left behind,
/// without reading the parts back (STUDIO.md §5). BLAKE3 is a tree over 1 KiB chunks whose left
/// subtrees are powers of two: parts of a power-of-two size at multiples of it are subtrees.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PartHash([u8; 32]);

impl PartHash {
    /// The subtree hash of `bytes`, found at `offset` of the whole (a multiple of the part
    /// size, see [`whole_from_parts`]).
    pub fn of(offset: u64, bytes: &[u8]) -> PartHash {
        use blake3::hazmat::HasherExt as _;
        let mut hasher = blake3::Hasher::new();
        hasher.set_input_offset(offset);
        hasher.update(bytes);
        PartHash(hasher.finalize_non_root())
    }

    /// The 32 bytes, to keep.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Bytes kept earlier.
    pub fn from_bytes(bytes: [u8; 32]) -> PartHash {
        PartHash(bytes)
    }
}

impl fmt::Debug for PartHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartHash({})", ContentHash(self.0))
    }
}

/// The content hash of a file of `size` bytes sent as `parts` (in order, each `part_size`
/// bytes but the last), from their [`PartHash`]es; `None` when that shape can't be a BLAKE3
/// tree (a part size that isn't a power of two of at least 1 KiB, fewer than two parts, or a
/// count that doesn't match the size) — the caller then hashes the bytes themselves.
pub fn whole_from_parts(parts: &[PartHash], part_size: u64, size: u64) -> Option<ContentHash> {
    use blake3::hazmat::{Mode, left_subtree_len, merge_subtrees_non_root, merge_subtrees_root};
    fn subtree(parts: &[PartHash], part_size: u64, len: u64) -> [u8; 32] {
        match parts {
            [one] => one.0,
            _ => {
                let left = left_subtree_len(len);
                let (l, r) = parts.split_at((left / part_size) as usize);
                merge_subtrees_non_root(
                    &subtree(l, part_size, left),
                    &subtree(r, part_size, len - left),
                    Mode::Hash,
                )
            }
        }
    }
    let shaped = part_size.is_power_of_two()
        && part_size >= blake3::CHUNK_LEN as u64
        && parts.len() >= 2
        && size.div_ceil(part_size) == parts.len() as u64;
    if !shaped {
        return None;
    }
    // Above one part, every left subtree is a power of two of at least a part: it ends where a
    // part ends.
    let left = left_subtree_len(size);
    let (l, r) = parts.split_at((left / part_size) as usize);
    let root = merge_subtrees_root(
        &subtree(l, part_size, left),
        &subtree(r, part_size, size - left),
        Mode::Hash,
    );
    Some(ContentHash(*root.as_bytes()))
}

impl FromStr for ContentHash {
    type Err = BlobError;

    /// 64 hexadecimal digits, either case (written back in lowercase).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || BlobError::InvalidHash(text.chars().take(80).collect());
        let digits = text.as_bytes();
        if digits.len() != 64 {
            return Err(invalid());
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
            let hi = hex_value(pair[0]).ok_or_else(invalid)?;
            let lo = hex_value(pair[1]).ok_or_else(invalid)?;
            *byte = (hi << 4) | lo;
        }
        Ok(ContentHash(out))
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentHash({self})")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parts_make_the_hash_of_the_whole() {
        // Part sizes small enough to try every shape: 1 to 9 parts, a last part short, full
        // or of one byte.
        let part_size = 2048u64;
        for size in [
            2049u64,
            4096,
            4097,
            6000,
            8192,
            9 * 2048 - 5,
            8 * 2048 + 1,
            11 * 2048,
        ] {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
            let parts: Vec<PartHash> = bytes
                .chunks(part_size as usize)
                .enumerate()
                .map(|(n, p)| PartHash::of(n as u64 * part_size, p))
                .collect();
            assert_eq!(
                whole_from_parts(&parts, part_size, size),
                Some(ContentHash::of(&bytes)),
                "{size} bytes in {} parts",
                parts.len()
            );
            // One part changed (or out of order) makes another hash.
            let mut swapped = parts.clone();
            swapped.swap(0, 1);
            assert_ne!(
                whole_from_parts(&swapped, part_size, size),
                Some(ContentHash::of(&bytes))
            );
        }
        assert_eq!(whole_from_parts(&[PartHash([0; 32])], 2048, 100), None);
        assert_eq!(whole_from_parts(&[PartHash([0; 32]); 2], 3000, 4000), None);
        assert_eq!(whole_from_parts(&[PartHash([0; 32]); 3], 2048, 4000), None);
    }

    #[test]
    fn hex_round_trips_and_keys_fan_out_by_the_first_two_bytes() {
        let h = ContentHash::of(b"abc");
        let hex = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85";
        assert_eq!(h.to_string(), hex);
        assert_eq!(hex.parse::<ContentHash>().unwrap(), h);
        assert_eq!(hex.to_uppercase().parse::<ContentHash>().unwrap(), h);
        assert_eq!(h.key().as_ref(), format!("64/37/{hex}"));
        let mut streamed = Hasher::default();
        streamed.update(b"a");
        streamed.update(b"bc");
        assert_eq!(streamed.finish(), h);
    }

    #[test]
    fn anything_but_64_hex_digits_is_refused() {
        for bad in [
            "",
            "abc",
            &"g".repeat(64),
            &"a".repeat(63),
            &"a".repeat(65),
            &format!("{}/..", "a".repeat(61)),
        ] {
            assert!(
                matches!(bad.parse::<ContentHash>(), Err(BlobError::InvalidHash(_))),
                "{bad:?}"
            );
        }
    }
}
