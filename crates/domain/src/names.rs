//! Names and tags as people type them: validated once here, compared case-insensitively by
//! their `key` (the first spelling is kept for display), SPEC R6.1 and R16.1.

use crate::ErrorCode;
use crate::InvalidInput;
use crate::limits::{MAX_NAME_CHARS, MAX_TAG_CHARS};

/// The case-folded form that uniqueness is checked on ("Summer" and "summer" are one tag).
pub fn key(name: &str) -> String {
    name.to_lowercase()
}

/// The key a file name sorts by, as Finder and Lightroom order names: case aside, and runs of
/// digits as numbers (`IMG_2` before `IMG_10`). Each run is written as its length (two digits)
/// and its digits without leading zeros, so plain string order is number order.
pub fn sort_key(name: &str) -> String {
    let lower = name.to_lowercase();
    let mut out = String::with_capacity(lower.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.is_empty() {
            return;
        }
        let trimmed = digits.trim_start_matches('0');
        let number = if trimmed.is_empty() { "0" } else { trimmed };
        out.push_str(&format!("{:02}", number.len().min(99)));
        out.push_str(number);
        digits.clear();
    };
    for c in lower.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// Validates a display name (asset, project, brand, campaign): trimmed, 1 to 255 characters,
/// no control characters. `what` names the thing in the error ("project name").
pub fn validate_name(what: &str, raw: &str) -> Result<String, InvalidInput> {
    validate_text(what, raw, MAX_NAME_CHARS, ErrorCode::InvalidName)
}

/// Validates a collection name: as [`validate_name`], and no `/`, which separates nested
/// collections in paths.
pub fn validate_collection_name(raw: &str) -> Result<String, InvalidInput> {
    let name = validate_name("collection name", raw)?;
    if name.contains('/') {
        return Err(InvalidInput::new(
            ErrorCode::InvalidName,
            format!("collection name '{name}' contains '/', which separates nested collections in a path"),
        ));
    }
    Ok(name)
}

/// Spellings of one extension that name the same content.
const EXT_ALIASES: &[&[&str]] = &[
    &["jpg", "jpeg", "jpe", "jfif"],
    &["tif", "tiff"],
    &["heic", "heif", "hif"],
    &["mpg", "mpeg"],
];

/// The extension of a file name, without its dot ("" when there is none).
pub fn extension(name: &str) -> &str {
    match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => &name[i + 1..],
        _ => "",
    }
}

fn same_extension(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || EXT_ALIASES.iter().any(|group| {
            group.iter().any(|x| x.eq_ignore_ascii_case(a)) && group.iter().any(|x| x.eq_ignore_ascii_case(b))
        })
}

/// An asset's new file name from what the user typed: the extension always follows the
/// content, so it is kept from the current name (`content_ext` when the current name has none)
/// unless the typed name already ends with it or a spelling of it (`.jpeg` for `.jpg`).
/// Renaming `falcon_edit.jpg` to "Falcon hero" gives `Falcon hero.jpg`.
pub fn asset_file_name(typed: &str, current: &str, content_ext: &str) -> Result<String, InvalidInput> {
    let typed = validate_name("file name", typed)?;
    if typed.contains(['/', '\\']) {
        return Err(InvalidInput::new(
            ErrorCode::InvalidName,
            "a file name can't contain '/' or '\\'",
        ));
    }
    let ext = match extension(current) {
        "" => content_ext,
        e => e,
    };
    let name = if ext.is_empty() || same_extension(extension(&typed), ext) {
        typed
    } else {
        format!("{typed}.{ext}")
    };
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(InvalidInput::new(
            ErrorCode::InvalidName,
            format!(
                "file name is {chars} characters long with its extension: at most {MAX_NAME_CHARS} are allowed"
            ),
        ));
    }
    Ok(name)
}

/// Splits a collection path ("Shoots/2026/June") into validated names.
pub fn split_collection_path(path: &str) -> Result<Vec<String>, InvalidInput> {
    let parts: Vec<&str> = path.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Err(InvalidInput::new(
            ErrorCode::InvalidCollectionPath,
            format!(
                "collection path '{path}' is empty: expected names separated by '/', e.g. Shoots/2026/June"
            ),
        ));
    }
    parts.into_iter().map(validate_collection_name).collect()
}

/// Normalises a tag: trimmed, inner whitespace collapsed, a path's segments trimmed and empty
/// segments dropped (`" client / acme/ "` → `client/acme`); 1 to 100 characters.
pub fn normalize_tag(raw: &str) -> Result<String, InvalidInput> {
    let segments: Vec<String> = raw
        .split('/')
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect();
    let tag = segments.join("/");
    validate_text("tag", &tag, MAX_TAG_CHARS, ErrorCode::InvalidTag).map_err(|mut e| {
        if raw.trim().is_empty() || tag.is_empty() {
            e.message = format!("tag '{raw}' is empty: a tag has 1 to {MAX_TAG_CHARS} characters");
        }
        e
    })
}

fn validate_text(what: &str, raw: &str, max: usize, code: ErrorCode) -> Result<String, InvalidInput> {
    let text = raw.trim();
    let chars = text.chars().count();
    if chars == 0 {
        return Err(InvalidInput::new(
            code,
            format!("{what} is empty: expected 1 to {max} characters"),
        ));
    }
    if chars > max {
        return Err(InvalidInput::new(
            code,
            format!("{what} is {chars} characters long: at most {max} are allowed"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(InvalidInput::new(
            code,
            format!("{what} '{}' contains control characters", text.escape_debug()),
        ));
    }
    if let Some(c) = hidden_char(text) {
        return Err(InvalidInput::new(
            code,
            format!(
                "{what} '{}' contains an invisible character (U+{:04X}) that could make it look like another: \
                 type it again without it",
                text.escape_debug(),
                u32::from(c)
            ),
        ));
    }
    Ok(text.to_string())
}

/// The first character of `text` that changes how it reads without being seen: direction
/// overrides and marks (which can make `gnp.exe` read as `exe.png`), zero-width spaces and
/// joiners, the byte-order mark. A zero-width joiner between two symbols (an emoji sequence
/// such as a family) is kept.
fn hidden_char(text: &str) -> Option<char> {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().find_map(|(i, &c)| {
        let hidden = match c {
            '\u{200D}' => {
                let symbol = |c: Option<&char>| {
                    c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace() && !c.is_ascii())
                };
                !(i > 0 && symbol(chars.get(i - 1)) && symbol(chars.get(i + 1)))
            }
            '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}' => true,
            _ => false,
        };
        hidden.then_some(c)
    })
}

/// Tags as people type them, several at once: an entry may hold a comma-separated list
/// (`red, warm`), as keyword fields in Lightroom and Bridge take them. Each is normalised
/// ([`normalize_tag`]); duplicates ignoring case are dropped, the first spelling kept.
pub fn normalize_tags(raw: &[String]) -> Result<Vec<String>, InvalidInput> {
    let mut out: Vec<String> = Vec::new();
    for entry in raw {
        let pieces: Vec<&str> = entry.split(',').filter(|p| !p.trim().is_empty()).collect();
        if pieces.is_empty() {
            return Err(InvalidInput::new(
                ErrorCode::InvalidTag,
                format!(
                    "tag '{entry}' is empty: a tag has 1 to {MAX_TAG_CHARS} characters (commas separate tags)"
                ),
            ));
        }
        for p in pieces {
            let t = normalize_tag(p)?;
            if !out.iter().any(|e| key(e) == key(&t)) {
                out.push(t);
            }
        }
    }
    Ok(out)
}

/// Tags for one asset: the import's own first, then the file's keywords (normalised, duplicates
/// ignoring case left out), at most 64.
pub fn asset_tags(given: &[String], keywords: &[String]) -> Vec<String> {
    let mut out = given.to_vec();
    for k in keywords {
        if out.len() >= crate::limits::MAX_TAGS_PER_ASSET {
            break;
        }
        if let Ok(t) = normalize_tag(k)
            && !out.iter().any(|e| key(e) == key(&t))
        {
            out.push(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_keyed_ignoring_case() {
        assert_eq!(
            normalize_tag("  Client / Acme//Summer  ").unwrap(),
            "Client/Acme/Summer"
        );
        assert_eq!(normalize_tag("red   car").unwrap(), "red car");
        assert_eq!(key("Client/Acme"), key("client/ACME"));
    }

    #[test]
    fn bad_tags_say_what_is_allowed() {
        assert!(normalize_tag("   ").unwrap_err().message.contains("1 to 100"));
        assert!(normalize_tag(" / ").unwrap_err().message.contains("empty"));
        assert!(
            normalize_tag(&"x".repeat(101))
                .unwrap_err()
                .message
                .contains("at most 100")
        );
        assert_eq!(normalize_tag("a\u{7}b").unwrap_err().code, "invalid_tag");
    }

    #[test]
    fn comma_separated_tags_are_several_tags() {
        let raw = [
            "red, warm".to_string(),
            "Red".to_string(),
            "client/acme,".to_string(),
        ];
        assert_eq!(normalize_tags(&raw).unwrap(), ["red", "warm", "client/acme"]);
        assert!(normalize_tags(&[" , ".to_string()]).is_err());
    }

    #[test]
    fn invisible_characters_are_refused_in_tags_and_names() {
        for bad in [
            "a\u{202E}gnp.exe",
            "zero\u{200B}width",
            "\u{FEFF}bom",
            "a\u{200D}b",
            "iso\u{2067}late",
        ] {
            let err = normalize_tag(bad).unwrap_err();
            assert!(
                err.message.contains("invisible character"),
                "{bad}: {}",
                err.message
            );
            assert!(validate_name("project name", bad).is_err(), "{bad}");
        }
        // An emoji sequence joined by ZWJ is a picture, not a trick.
        assert!(normalize_tag("family 👨\u{200D}👩\u{200D}👧").is_ok());
        assert!(normalize_tag("café Zürich 東京").is_ok());
    }

    #[test]
    fn collection_paths_split_and_validate() {
        assert_eq!(
            split_collection_path("Shoots/ 2026 /June").unwrap(),
            ["Shoots", "2026", "June"]
        );
        assert_eq!(
            split_collection_path("//").unwrap_err().code,
            "invalid_collection_path"
        );
        assert!(validate_collection_name("a/b").is_err());
    }

    #[test]
    fn renamed_assets_keep_the_extension_of_their_content() {
        assert_eq!(
            asset_file_name("Falcon hero", "falcon_edit.jpg", "jpg").unwrap(),
            "Falcon hero.jpg"
        );
        assert_eq!(asset_file_name("hero.JPEG", "a.jpg", "jpg").unwrap(), "hero.JPEG");
        assert_eq!(asset_file_name("hero.jpg", "a.jpg", "jpg").unwrap(), "hero.jpg");
        assert_eq!(
            asset_file_name("v1.2 final", "x.png", "png").unwrap(),
            "v1.2 final.png"
        );
        assert_eq!(
            asset_file_name("hero.png", "a.jpg", "jpg").unwrap(),
            "hero.png.jpg"
        );
        assert_eq!(asset_file_name("scan", "upload", "tif").unwrap(), "scan.tif");
        assert_eq!(
            asset_file_name("raw one", "IMG_1.CR2", "").unwrap(),
            "raw one.CR2"
        );
        let long = "x".repeat(253);
        let err = asset_file_name(&long, "a.png", "png").unwrap_err();
        assert!(err.message.contains("with its extension"), "{}", err.message);
        assert_eq!(
            asset_file_name("a/b", "a.png", "png").unwrap_err().code,
            "invalid_name"
        );
    }

    #[test]
    fn names_are_bounded() {
        assert_eq!(validate_name("project name", " Inbox ").unwrap(), "Inbox");
        assert!(validate_name("project name", "").is_err());
        assert!(validate_name("project name", &"é".repeat(256)).is_err());
        assert!(validate_name("project name", &"é".repeat(255)).is_ok());
    }

    #[test]
    fn names_sort_with_numbers_in_order() {
        let mut names = [
            "IMG_10.jpg",
            "img_2.JPG",
            "IMG_1.jpg",
            "IMG_002b.jpg",
            "a.jpg",
            "Z.jpg",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            [
                "a.jpg",
                "IMG_1.jpg",
                "img_2.JPG",
                "IMG_002b.jpg",
                "IMG_10.jpg",
                "Z.jpg"
            ]
        );
    }
}
