//! Text for the full-text indexes and for queries. File names are split on `-`, `_`, `.`, `/`
//! (the tokenizer does that) and also on case changes and letter–digit boundaries, so that
//! `heroShot-001.png` is found by `hero`, `shot` and `001` (SPEC R3.3).
//!
//! Words are always cut by FTS5's own tokenizer — for indexing, for the term dictionary and for
//! queries — through small per-connection temporary FTS5 tables, so that a query word and an
//! indexed word can never be folded differently (case, diacritics, scripts).

use rusqlite::{Connection, params};

use crate::Result;

/// The full-text tables, in relevance order; the index is the field number in `fts_term`.
pub(crate) const FIELDS: [&str; 4] = ["fts_name", "fts_tags", "fts_prompt", "fts_meta"];

/// Most words a search uses.
const MAX_TERMS: usize = 16;
/// A prefix with more completions than this is left to FTS5's own prefix matching.
const MAX_EXPANSION: usize = 64;

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

/// Creates this connection's temporary tokenizer tables (same tokenizer as the indexes).
pub(crate) fn create_temp_tables(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.tok USING fts5(name, tags, prompt, meta, detail=column,
             tokenize='unicode61 remove_diacritics 2');
         CREATE VIRTUAL TABLE IF NOT EXISTS temp.tok_vocab USING fts5vocab(temp, tok, col);
         CREATE VIRTUAL TABLE IF NOT EXISTS temp.qtok USING fts5(text, detail=none,
             tokenize='unicode61 remove_diacritics 2');
         CREATE VIRTUAL TABLE IF NOT EXISTS temp.qtok_vocab USING fts5vocab(temp, qtok, row);",
    )?;
    Ok(())
}

/// Queues an asset's field texts for the term dictionary (written by [`flush_terms`]).
pub(crate) fn stage_terms(conn: &Connection, fields: &[&str; 4]) -> Result<()> {
    conn.prepare_cached("INSERT INTO temp.tok (name, tags, prompt, meta) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![fields[0], fields[1], fields[2], fields[3]])?;
    Ok(())
}

/// Adds the queued texts' terms to `fts_term`, in the caller's transaction.
pub(crate) fn flush_terms(conn: &Connection) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO fts_term (field, term)
         SELECT CASE col WHEN 'name' THEN 0 WHEN 'tags' THEN 1 WHEN 'prompt' THEN 2 ELSE 3 END, term
         FROM temp.tok_vocab",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM temp.tok")?.execute([])?;
    Ok(())
}

/// Recomputes the whole term dictionary from the indexes themselves (after a bulk load, where
/// reading each index's vocabulary once is cheaper than tokenizing every text twice).
pub(crate) fn rebuild_terms(conn: &Connection) -> Result<()> {
    for (field, table) in FIELDS.iter().enumerate() {
        conn.execute_batch(&format!(
            "CREATE VIRTUAL TABLE temp.vocab_all USING fts5vocab(main, {table}, row);
             INSERT OR IGNORE INTO fts_term (field, term) SELECT {field}, term FROM temp.vocab_all;
             DROP TABLE temp.vocab_all;"
        ))?;
    }
    Ok(())
}

/// The words of a search as the indexes' tokenizer cuts and folds them, at most 16.
pub(crate) fn query_terms(conn: &Connection, text: &str) -> Result<Vec<String>> {
    conn.prepare_cached("INSERT INTO temp.qtok (text) VALUES (?1)")?
        .execute([text])?;
    let terms: Vec<String> = conn
        .prepare_cached("SELECT term FROM temp.qtok_vocab")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    conn.prepare_cached("DELETE FROM temp.qtok")?.execute([])?;
    Ok(terms.into_iter().take(MAX_TERMS).collect())
}

fn quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// The FTS5 expression matching `term` as a prefix in one field, or `None` when no indexed
/// word of that field starts with it. One-letter terms match whole words only (a one-letter
/// prefix would match most of the vocabulary); two- and three-letter prefixes use the prefix
/// indexes; longer ones are expanded into the exact words that exist.
pub(crate) fn match_expr(conn: &Connection, field: usize, term: &str) -> Result<Option<String>> {
    match term.chars().count() {
        0 => return Ok(None),
        1 => return Ok(Some(quote(term))),
        2 | 3 => return Ok(Some(format!("{}*", quote(term)))),
        _ => {}
    }
    // Every string starting with `term` sorts below `term` + U+10FFFF.
    let upper = format!("{term}\u{10FFFF}");
    let words: Vec<String> = conn
        .prepare_cached("SELECT term FROM fts_term WHERE field = ?1 AND term >= ?2 AND term < ?3 LIMIT ?4")?
        .query_map(
            params![field as i64, term, upper, (MAX_EXPANSION + 1) as i64],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    Ok(match words.len() {
        0 => None,
        n if n > MAX_EXPANSION => Some(format!("{}*", quote(term))),
        _ => Some(words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" OR ")),
    })
}

/// The full-text writes of a transaction, applied in order when it ends ([`Pending::flush`]).
///
/// Why not at once: FTS5 writes what it holds in memory to disk whenever a statement of the
/// transaction opens a statement savepoint — any write checked by a foreign key or firing a
/// trigger does — so full-text rows written between a row's other writes made one tiny
/// segment per row, then merged them: a third of a first sync's time. Nothing reads the
/// indexes inside a write (searches run outside one).
#[derive(Default)]
pub(crate) struct Pending {
    ops: Vec<Op>,
}

enum Op {
    Delete(&'static str, i64),
    Insert(&'static str, i64, String),
    /// Words for the term dictionary (name, tags, prompt, meta).
    Stage([String; 4]),
}

impl Pending {
    /// An asset's full-text rows: name, prompt and other metadata (`texts`, in that order;
    /// tags are indexed per tag, see [`Pending::index_tag`]). `fresh` rows have never been
    /// indexed; others replace what was there. `stage` queues the words for the term
    /// dictionary (bulk loads rebuild the dictionary once at the end instead).
    pub(crate) fn index_text(&mut self, seq: i64, fresh: bool, texts: [&str; 3], stage: bool) {
        let name = name_text(texts[0]);
        for (field, text) in [(0, name.as_str()), (2, texts[1]), (3, texts[2])] {
            let table = FIELDS[field];
            if !fresh {
                self.ops.push(Op::Delete(table, seq));
            }
            if !text.trim().is_empty() {
                self.ops.push(Op::Insert(table, seq, text.to_string()));
            }
        }
        if stage {
            self.ops.push(Op::Stage([
                name,
                String::new(),
                texts[1].to_string(),
                texts[2].to_string(),
            ]));
        }
    }

    /// An asset's new name, replacing the old in the name index.
    pub(crate) fn rename(&mut self, seq: i64, name: &str) {
        let text = name_text(name);
        self.ops.push(Op::Delete(FIELDS[0], seq));
        self.ops.push(Op::Insert(FIELDS[0], seq, text.clone()));
        self.ops
            .push(Op::Stage([text, String::new(), String::new(), String::new()]));
    }

    /// A tag's name (rowid = tag id), replacing what was there.
    pub(crate) fn index_tag(&mut self, tag: i64, name: &str) {
        self.ops.push(Op::Delete(FIELDS[1], tag));
        self.ops.push(Op::Insert(FIELDS[1], tag, name.to_string()));
        self.ops.push(Op::Stage([
            String::new(),
            name.to_string(),
            String::new(),
            String::new(),
        ]));
    }

    /// Takes row `rowid` out of `table` (one of [`FIELDS`]).
    pub(crate) fn delete(&mut self, table: &'static str, rowid: i64) {
        self.ops.push(Op::Delete(table, rowid));
    }

    /// Applies what was queued, in order, in the caller's transaction.
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<()> {
        for op in self.ops.drain(..) {
            match op {
                Op::Delete(table, rowid) => {
                    conn.prepare_cached(&format!("DELETE FROM {table} WHERE rowid = ?1"))?
                        .execute([rowid])?;
                }
                Op::Insert(table, rowid, text) => {
                    conn.prepare_cached(&format!("INSERT INTO {table} (rowid, text) VALUES (?1, ?2)"))?
                        .execute(params![rowid, text])?;
                }
                Op::Stage(f) => stage_terms(conn, &[&f[0], &f[1], &f[2], &f[3]])?,
            }
        }
        Ok(())
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
    fn query_words_are_folded_by_the_index_tokenizer() {
        let conn = Connection::open_in_memory().unwrap();
        create_temp_tables(&conn).unwrap();
        let mut terms = query_terms(&conn, "Crème-BRÛLÉE  crème \"x\"").unwrap();
        terms.sort();
        assert_eq!(terms, ["brulee", "creme", "x"]);
        assert!(query_terms(&conn, "  -- ").unwrap().is_empty());
    }

    #[test]
    fn long_prefixes_expand_to_existing_words() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE fts_term (field INTEGER, term TEXT, PRIMARY KEY (field, term)) WITHOUT ROWID;",
        )
        .unwrap();
        create_temp_tables(&conn).unwrap();
        stage_terms(&conn, &["", "", "masterpiece masterful mast", ""]).unwrap();
        flush_terms(&conn).unwrap();
        assert_eq!(
            match_expr(&conn, 2, "master").unwrap().as_deref(),
            Some("\"masterful\" OR \"masterpiece\"")
        );
        assert_eq!(match_expr(&conn, 2, "mas").unwrap().as_deref(), Some("\"mas\"*"));
        assert_eq!(match_expr(&conn, 2, "a").unwrap().as_deref(), Some("\"a\""));
        assert_eq!(match_expr(&conn, 2, "zebra").unwrap(), None);
        assert_eq!(
            match_expr(&conn, 0, "master").unwrap(),
            None,
            "fields keep separate words"
        );
    }
}
