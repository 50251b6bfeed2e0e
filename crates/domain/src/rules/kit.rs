//! The brand kit's rules (R10.3): a colour is `#RRGGBB`, a prompt prefix or suffix at most 500
//! characters, at most 64 banned terms of 1–100 characters (compared ignoring case), at most 16
//! palette colours. Each function checks one field of an edit and answers the value to store
//! (`None`: leave the field as it is).

use crate::limits::{MAX_BANNED_TERM_CHARS, MAX_BANNED_TERMS, MAX_PALETTE, MAX_PROMPT_AFFIX_CHARS};
use crate::{ErrorCode, InvalidInput};

/// A colour as `#RRGGBB`, stored upper-case.
pub fn color(c: &str) -> Result<String, InvalidInput> {
    let c = c.trim();
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|h| h.is_ascii_hexdigit());
    if !ok {
        return Err(InvalidInput::new(
            ErrorCode::InvalidColor,
            format!("colour '{c}' is not #RRGGBB (e.g. #1A2B3C)"),
        ));
    }
    Ok(c.to_uppercase())
}

/// The kit colour: empty clears it.
pub fn kit_color(edit: Option<&str>) -> Result<Option<Option<String>>, InvalidInput> {
    Ok(match edit.map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(c) => Some(Some(color(c)?)),
    })
}

/// The prompt prefix or suffix (`what`), trimmed; empty clears it.
pub fn affix(what: &str, edit: Option<&str>) -> Result<Option<String>, InvalidInput> {
    match edit {
        Some(t) if t.chars().count() > MAX_PROMPT_AFFIX_CHARS => Err(InvalidInput::new(
            ErrorCode::InvalidKit,
            format!(
                "the prompt {what} has {} characters: at most {MAX_PROMPT_AFFIX_CHARS}",
                t.chars().count()
            ),
        )),
        Some(t) => Ok(Some(t.trim().to_string())),
        None => Ok(None),
    }
}

/// The banned terms after adding `ban` and taking out `unban` (neither: `None`).
pub fn banned_terms(
    current: &[String],
    ban: &[String],
    unban: &[String],
) -> Result<Option<Vec<String>>, InvalidInput> {
    if ban.is_empty() && unban.is_empty() {
        return Ok(None);
    }
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    let mut banned = current.to_vec();
    for t in ban {
        let t = t.trim();
        if t.is_empty() || t.chars().count() > MAX_BANNED_TERM_CHARS {
            return Err(InvalidInput::new(
                ErrorCode::InvalidKit,
                format!("banned term '{t}' must have 1 to {MAX_BANNED_TERM_CHARS} characters"),
            ));
        }
        if !banned.iter().any(|b| same(b, t)) {
            banned.push(t.to_string());
        }
    }
    banned.retain(|b| !unban.iter().any(|u| same(u.trim(), b)));
    if banned.len() > MAX_BANNED_TERMS {
        return Err(InvalidInput::new(
            ErrorCode::InvalidKit,
            format!(
                "{} banned terms: a kit holds at most {MAX_BANNED_TERMS}",
                banned.len()
            ),
        ));
    }
    Ok(Some(banned))
}

/// The palette, replacing the old one.
pub fn palette(edit: Option<&[String]>) -> Result<Option<Vec<String>>, InvalidInput> {
    let Some(p) = edit else {
        return Ok(None);
    };
    if p.len() > MAX_PALETTE {
        return Err(InvalidInput::new(
            ErrorCode::InvalidKit,
            format!("{} palette colours: at most {MAX_PALETTE}", p.len()),
        ));
    }
    p.iter()
        .map(|c| color(c))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_hex_and_empty_clears() {
        assert_eq!(color(" #a1b2c3 ").unwrap(), "#A1B2C3");
        assert_eq!(color("red").unwrap_err().code, ErrorCode::InvalidColor);
        assert_eq!(kit_color(Some("")).unwrap(), Some(None));
        assert_eq!(kit_color(None).unwrap(), None);
    }

    #[test]
    fn banned_terms_merge_ignoring_case_and_stay_within_the_limit() {
        let current = vec!["Gore".to_string()];
        let out = banned_terms(&current, &["gore".into(), "blood".into()], &[]).unwrap();
        assert_eq!(out, Some(vec!["Gore".to_string(), "blood".to_string()]));
        let out = banned_terms(&current, &[], &["GORE".into()]).unwrap();
        assert_eq!(out, Some(vec![]));
        let many: Vec<String> = (0..65).map(|i| format!("t{i}")).collect();
        assert_eq!(
            banned_terms(&[], &many, &[]).unwrap_err().code,
            ErrorCode::InvalidKit
        );
        assert_eq!(banned_terms(&current, &[], &[]).unwrap(), None);
    }

    #[test]
    fn affixes_and_palettes_have_limits() {
        assert!(affix("prefix", Some(&"x".repeat(501))).is_err());
        assert_eq!(affix("prefix", Some(" a ")).unwrap(), Some("a".into()));
        let p: Vec<String> = (0..17).map(|_| "#000000".to_string()).collect();
        assert!(palette(Some(&p)).is_err());
    }
}
