//! Names and tags as people type them: validated once here, compared case-insensitively by
//! their `key` (the first spelling is kept for display), SPEC R6.1 and R16.1.

use crate::InvalidInput;
use crate::limits::{MAX_NAME_CHARS, MAX_TAG_CHARS};

/// The case-folded form that uniqueness is checked on ("Summer" and "summer" are one tag).
pub fn key(name: &str) -> String {
    name.to_lowercase()
}

/// Validates a display name (asset, project, brand, campaign): trimmed, 1 to 255 characters,
/// no control characters. `what` names the thing in the error ("project name").
pub fn validate_name(what: &str, raw: &str) -> Result<String, InvalidInput> {
    validate_text(what, raw, MAX_NAME_CHARS, "invalid_name")
}

/// Validates a collection name: as [`validate_name`], and no `/`, which separates nested
/// collections in paths.
pub fn validate_collection_name(raw: &str) -> Result<String, InvalidInput> {
    let name = validate_name("collection name", raw)?;
    if name.contains('/') {
        return Err(InvalidInput::new(
            "invalid_name",
            format!("collection name '{name}' contains '/', which separates nested collections in a path"),
        ));
    }
    Ok(name)
}

/// Splits a collection path ("Shoots/2026/June") into validated names.
pub fn split_collection_path(path: &str) -> Result<Vec<String>, InvalidInput> {
    let parts: Vec<&str> = path.split('/').map(str::trim).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Err(InvalidInput::new(
            "invalid_collection_path",
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
    validate_text("tag", &tag, MAX_TAG_CHARS, "invalid_tag").map_err(|mut e| {
        if raw.trim().is_empty() || tag.is_empty() {
            e.message = format!("tag '{raw}' is empty: a tag has 1 to {MAX_TAG_CHARS} characters");
        }
        e
    })
}

fn validate_text(what: &str, raw: &str, max: usize, code: &'static str) -> Result<String, InvalidInput> {
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
    Ok(text.to_string())
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
    fn names_are_bounded() {
        assert_eq!(validate_name("project name", " Inbox ").unwrap(), "Inbox");
        assert!(validate_name("project name", "").is_err());
        assert!(validate_name("project name", &"é".repeat(256)).is_err());
        assert!(validate_name("project name", &"é".repeat(255)).is_ok());
    }
}
