//! Names inside an export: stripped of any directory part and of characters that are unsafe on
//! some file system, so that unpacking can never write outside its folder, and made unique
//! ignoring case (`photo (2).jpg`), because macOS and Windows folders ignore case.

use std::collections::HashSet;

/// Longest name, in bytes, most file systems accept.
const MAX_NAME_BYTES: usize = 255;

/// Windows device names that cannot be file names whatever their extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Turns any string into a plain file name: only the last path component, no control or
/// reserved characters, no leading dots that could form `..`, at most 255 bytes with the
/// extension kept; never empty.
pub fn safe_file_name(wanted: &str) -> String {
    let last = wanted.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name: String = last
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    name = name
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    if name.is_empty() {
        name = "file".into();
    }
    let (stem, _) = split_ext(&name);
    if RESERVED.contains(&stem.to_ascii_lowercase().as_str()) {
        name = format!("_{name}");
    }
    truncate_keeping_ext(&name, MAX_NAME_BYTES)
}

/// Hands out names that are unique ignoring case, numbering clashes `name (2).ext`.
#[derive(Debug, Default)]
pub struct UniqueNames {
    taken: HashSet<String>,
}

impl UniqueNames {
    /// Returns a safe, not yet used name for `wanted` and records it as used.
    pub fn claim(&mut self, wanted: &str) -> String {
        let base = safe_file_name(wanted);
        if self.taken.insert(base.to_lowercase()) {
            return base;
        }
        let (stem, ext) = split_ext(&base);
        for n in 2u64.. {
            let suffix = format!(" ({n}){ext}");
            let candidate = format!("{}{suffix}", truncate_str(stem, MAX_NAME_BYTES - suffix.len()));
            if self.taken.insert(candidate.to_lowercase()) {
                return candidate;
            }
        }
        unreachable!("u64 names exhausted")
    }
}

/// Splits `name.ext` into (`name`, `.ext`); a name without a dot has no extension.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

fn truncate_keeping_ext(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, ext) = split_ext(name);
    let ext = if ext.len() > 16 { "" } else { ext };
    format!("{}{ext}", truncate_str(stem, max - ext.len()))
}

fn truncate_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape_the_folder() {
        assert_eq!(safe_file_name("../../x.jpg"), "x.jpg");
        assert_eq!(safe_file_name("C:\\Windows\\x.jpg"), "x.jpg");
        assert_eq!(safe_file_name(".."), "file");
        assert_eq!(safe_file_name("/"), "file");
        assert_eq!(safe_file_name("..hidden"), "hidden");
        assert_eq!(safe_file_name("a\u{0}b?.png"), "a_b_.png");
        assert_eq!(safe_file_name("CON.txt"), "_CON.txt");
    }

    #[test]
    fn long_names_keep_their_extension_and_char_boundaries() {
        let long = format!("{}.jpeg", "é".repeat(300));
        let safe = safe_file_name(&long);
        assert!(safe.len() <= 255);
        assert!(safe.ends_with(".jpeg"));
    }

    #[test]
    fn clashes_are_numbered_ignoring_case() {
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("a.jpg"), "a.jpg");
        assert_eq!(names.claim("A.JPG"), "A (2).JPG");
        assert_eq!(names.claim("a.jpg"), "a (3).jpg");
        assert_eq!(names.claim("a (2).jpg"), "a (2) (2).jpg");
        assert_eq!(names.claim("noext"), "noext");
        assert_eq!(names.claim("noext"), "noext (2)");
    }
}
