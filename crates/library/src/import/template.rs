//! Rename templates for copy imports (SPEC R2.3), e.g. `{date:%Y-%m-%d}_{seq:04}.{ext}`.
//! Tokens: `{name}` (original file name without extension), `{ext}` (its extension as the file
//! has it: a camera's `JPG` stays `JPG` — a name is the person's, not ours to change),
//! `{date:FORMAT}` (capture date, else the file's date; strftime format), `{seq}` / `{seq:04}`
//! (position in this import, zero-padded to the width given), `{hash:N}` (first N hex digits of
//! the content hash), `{camera}` (camera model, else "unknown"). `/` makes folders. A template
//! is validated once, before any file is touched.

use atelier_archive::safe_file_name;
use atelier_domain::ErrorCode;
use atelier_domain::InvalidInput;
use chrono::NaiveDateTime;

/// The default layout of copies: Lightroom's year / date folders.
pub const DEFAULT_TEMPLATE: &str = "{date:%Y}/{date:%Y-%m-%d}/{name}.{ext}";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Name,
    Ext,
    Date(String),
    Seq(usize),
    Hash(usize),
    Camera,
}

/// A parsed, validated template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// The values a template is filled with for one file.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    /// Original file name without extension.
    pub name: &'a str,
    /// Original extension.
    pub ext: &'a str,
    /// Capture time, else file time (wall clock).
    pub date: NaiveDateTime,
    /// Position in this import, from 1.
    pub seq: u64,
    /// Content hash, hex.
    pub hash: &'a str,
    /// Camera model.
    pub camera: Option<&'a str>,
}

fn bad(template: &str, why: impl std::fmt::Display) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::InvalidTemplate,
        format!(
            "rename template '{template}' {why}; allowed tokens: {{name}}, {{ext}}, {{date:%Y-%m-%d}}, {{seq:04}}, \
             {{hash:8}}, {{camera}}, and '/' for folders"
        ),
    )
}

impl Template {
    /// Parses and validates a template.
    pub fn parse(template: &str) -> Result<Self, InvalidInput> {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| bad(template, "has an unclosed '{'"))?
                + open;
            let token = &rest[open + 1..close];
            let (key, arg) = token.split_once(':').map_or((token, None), |(k, a)| (k, Some(a)));
            parts.push(match (key, arg) {
                ("name", None) => Part::Name,
                ("ext", None) => Part::Ext,
                ("camera", None) => Part::Camera,
                ("date", Some(fmt)) if !fmt.is_empty() => {
                    check_date_format(fmt).map_err(|why| bad(template, why))?;
                    Part::Date(fmt.to_string())
                }
                ("date", None) => Part::Date("%Y-%m-%d".into()),
                ("seq", None) => Part::Seq(1),
                ("seq", Some(w)) => {
                    Part::Seq(w.parse().ok().filter(|w| (1..=12).contains(w)).ok_or_else(|| {
                        bad(
                            template,
                            format!("has a bad width in {{{token}}}: use 1 to 12 digits"),
                        )
                    })?)
                }
                ("hash", None) => Part::Hash(8),
                ("hash", Some(n)) => {
                    Part::Hash(n.parse().ok().filter(|n| (4..=64).contains(n)).ok_or_else(|| {
                        bad(template, format!("has a bad length in {{{token}}}: use 4 to 64"))
                    })?)
                }
                _ => return Err(bad(template, format!("has an unknown token {{{token}}}"))),
            });
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(bad(template, "has a '}' without '{'"));
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        if !parts
            .iter()
            .any(|p| matches!(p, Part::Name | Part::Seq(_) | Part::Hash(_)))
        {
            return Err(bad(
                template,
                "would give every file the same name: include {name}, {seq} or {hash}",
            ));
        }
        if template.starts_with('/') || template.split('/').any(|c| c.trim() == "..") {
            return Err(bad(
                template,
                "must stay inside the library: no leading '/' and no '..'",
            ));
        }
        Ok(Template { parts })
    }

    /// The relative path for one file: each folder and the file name made safe.
    pub fn render(&self, f: &Fields<'_>) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Name => out.push_str(&f.name.replace('/', "_")),
                Part::Ext => out.push_str(f.ext),
                Part::Date(fmt) => out.push_str(&f.date.format(fmt).to_string().replace('/', "-")),
                Part::Seq(w) => out.push_str(&format!("{:0w$}", f.seq, w = *w)),
                Part::Hash(n) => out.push_str(f.hash.get(..*n).unwrap_or(f.hash)),
                Part::Camera => out.push_str(&f.camera.unwrap_or("unknown").replace('/', "-")),
            }
        }
        let comps: Vec<String> = out
            .split('/')
            .filter(|c| !c.is_empty())
            .map(safe_file_name)
            .collect();
        comps.join("/")
    }
}

/// Rejects strftime formats chrono cannot render (it would panic while formatting).
fn check_date_format(fmt: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(fmt).any(|i| matches!(i, Item::Error)) {
        return Err(format!("has a bad date format '{fmt}'"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields<'static> {
        Fields {
            name: "IMG_0001",
            ext: "JPG",
            date: NaiveDateTime::parse_from_str("2026-06-01 10:00:00", "%Y-%m-%d %H:%M:%S").unwrap(),
            seq: 7,
            hash: "abcdef0123456789",
            camera: Some("EOS R5"),
        }
    }

    #[test]
    fn renders_every_token() {
        let t = Template::parse("{date:%Y-%m-%d}_{seq:04}.{ext}").unwrap();
        assert_eq!(t.render(&fields()), "2026-06-01_0007.JPG");
        let t = Template::parse(DEFAULT_TEMPLATE).unwrap();
        assert_eq!(
            t.render(&fields()),
            "2026/2026-06-01/IMG_0001.JPG",
            "the extension's case kept"
        );
        let t = Template::parse("{camera}/{hash:6}-{name}.{ext}").unwrap();
        assert_eq!(t.render(&fields()), "EOS R5/abcdef-IMG_0001.JPG");
    }

    #[test]
    fn bad_templates_name_the_problem_and_the_tokens() {
        for (t, why) in [
            ("{nope}.{ext}", "unknown token"),
            ("{name", "unclosed"),
            ("{date:%Y}.jpg", "same name"),
            ("../{name}", "inside the library"),
            ("/abs/{name}", "inside the library"),
            ("{seq:99}", "bad width"),
            ("{date:%Q}{name}", "bad date format"),
        ] {
            let err = Template::parse(t).unwrap_err();
            assert!(err.message.contains(why), "{t}: {}", err.message);
            assert!(err.message.contains("allowed tokens"), "{}", err.message);
        }
    }
}
