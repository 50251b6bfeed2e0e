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
