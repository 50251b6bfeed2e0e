//! Text for the full-text indexes and for queries. File names are split on `-`, `_`, `.`, `/`
//! (the tokenizer does that) and also on case changes and letter–digit boundaries, so that
//! `heroShot-001.png` is found by `hero`, `shot` and `001` (SPEC R3.3).

/// The text indexed for a file name: the name itself plus its camel-case and letter–digit
/// parts.
pub(crate) fn name_text(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 2);
    out.push_str(name);
    for word in name.split(|c: char| !c.is_alphanumeric()) {
        let parts = split_case(word);
        if parts.len() > 1 {
            for p in parts {
                out.push(' ');
                out.push_str(p);
            }
        }
    }
    out
}

/// Splits `heroShot2Final` into `hero`, `Shot`, `2`, `Final`; `HTTPServer` into `HTTP`, `Server`.
fn split_case(word: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (pos, c) = chars[i];
        let prev = chars[i - 1].1;
        let next_lower = chars.get(i + 1).is_some_and(|(_, n)| n.is_lowercase());
        let boundary = (prev.is_lowercase() && c.is_uppercase())
            || (prev.is_uppercase() && c.is_uppercase() && next_lower)
            || (prev.is_alphabetic() && c.is_numeric())
            || (prev.is_numeric() && c.is_alphabetic());
        if boundary {
            parts.push(&word[start..pos]);
            start = pos;
        }
    }
    parts.push(&word[start..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// The words of a search, as the index's tokenizer would see them: runs of letters and
/// digits, lower-cased, at most 16 of them.
pub(crate) fn query_terms(text: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let w = word.to_lowercase();
        if !terms.contains(&w) {
            terms.push(w);
        }
    }
    terms.truncate(16);
    terms
}

/// The FTS5 expression for one term: a prefix match, except for one-character terms, which
/// match whole words only (a one-letter prefix would match most of the vocabulary).
pub(crate) fn fts_term(term: &str) -> String {
    let quoted = format!("\"{}\"", term.replace('"', "\"\""));
    if term.chars().count() > 1 {
        format!("{quoted}*")
    } else {
        quoted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_case_changes_and_digits() {
        assert_eq!(name_text("heroShot-001.png"), "heroShot-001.png hero Shot");
        assert_eq!(split_case("HTTPServer"), ["HTTP", "Server"]);
        assert_eq!(split_case("IMG0042"), ["IMG", "0042"]);
        assert_eq!(split_case("plain"), ["plain"]);
        assert_eq!(name_text("DSC_0001.JPG"), "DSC_0001.JPG");
    }

    #[test]
    fn query_terms_are_lowercased_words_without_duplicates() {
        assert_eq!(query_terms("Hero-shot  hero \"x\""), ["hero", "shot", "x"]);
        assert!(query_terms("  -- ").is_empty());
    }

    #[test]
    fn fts_terms_are_quoted_prefixes() {
        assert_eq!(fts_term("her"), "\"her\"*");
        assert_eq!(fts_term("a"), "\"a\"");
    }
}
