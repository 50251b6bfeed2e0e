//! File paths as the catalog stores them: exactly as the operating system gives them, even when
//! they are not valid UTF-8 (a name written by an old camera card, a Latin-1 file server).
//!
//! A path is stored as text; each byte that is not part of valid UTF-8 is written as NUL plus
//! two hex digits. NUL never occurs in a real path, so the encoding is unambiguous, reversible,
//! and keeps prefixes (a folder's stored path is a prefix of its files'), which folder renames
//! rely on. Valid UTF-8 paths are stored unchanged. Knows no SQL and no assets.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

const ESCAPE: char = '\0';

/// The stored text of `path`.
pub fn stored(path: &Path) -> String {
    let mut bytes = path.as_os_str().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(rest) => {
                out.push_str(rest);
                return out;
            }
            Err(e) => {
                let (valid, after) = bytes.split_at(e.valid_up_to());
                // `valid` is UTF-8 by construction.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(after.len());
                for b in &after[..bad] {
                    out.push(ESCAPE);
                    out.push_str(&format!("{b:02x}"));
                }
                bytes = &after[bad..];
            }
        }
    }
}

/// The path a stored text names (the inverse of [`stored`]).
pub fn local(stored: &str) -> PathBuf {
    if !stored.contains(ESCAPE) {
        return PathBuf::from(stored);
    }
    let mut out = Vec::with_capacity(stored.len());
    let mut rest = stored;
    while let Some(i) = rest.find(ESCAPE) {
        out.extend_from_slice(&rest.as_bytes()[..i]);
        let hex = rest.get(i + 1..i + 3).unwrap_or_default();
        match u8::from_str_radix(hex, 16) {
            Ok(b) if hex.len() == 2 => {
                out.push(b);
                rest = &rest[i + 3..];
            }
            _ => {
                rest = &rest[i + 1..];
            }
        }
    }
    out.extend_from_slice(rest.as_bytes());
    PathBuf::from(OsString::from_vec(out))
}

/// A stored path for people to read: bytes that are not UTF-8 shown as U+FFFD.
pub fn display(stored: &str) -> String {
    local(stored).to_string_lossy().into_owned()
}

/// Serialises a path for people and JSON (`#[serde(serialize_with = …)]`): lossily, because
/// JSON strings are UTF-8 and a report must never fail on a file's name.
pub fn serialize_lossy<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_paths_are_stored_as_they_are() {
        let p = Path::new("/photos/été/DSC_0001.JPG");
        assert_eq!(stored(p), "/photos/été/DSC_0001.JPG");
        assert_eq!(local(&stored(p)), p);
    }

    #[test]
    fn other_bytes_round_trip_and_keep_prefixes() {
        let raw = b"/photos/caf\xe9/\xff\xfe name.jpg";
        let p = PathBuf::from(OsString::from_vec(raw.to_vec()));
        let s = stored(&p);
        assert_eq!(local(&s), p);
        assert!(s.starts_with(&stored(Path::new(
            OsString::from_vec(b"/photos/caf\xe9".to_vec()).as_os_str()
        ))));
        assert_eq!(display(&s), "/photos/caf\u{fffd}/\u{fffd}\u{fffd} name.jpg");
        let truncated = b"/a/\xe2\x82";
        let p = PathBuf::from(OsString::from_vec(truncated.to_vec()));
        assert_eq!(local(&stored(&p)), p);
    }
}
