//! The search query: what the toolbar, the rail and `atelier search` ask the catalog for
//! (SPEC R3.1–R3.5). Plain values; the catalog turns them into SQL and FTS.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::limits::{DEFAULT_PAGE, MAX_PAGE};
use crate::{ErrorCode, Flag, InvalidInput, Kind, Label, Presence, Rating, Shape, Source, Status};

/// How several tag filters combine (SPEC R3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TagMode {
    /// An asset with any of the tags matches (OR), the default.
    #[default]
    Any,
    /// An asset must carry every tag (AND).
    All,
}

/// The rail's buckets (SPEC R3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Everything in scope.
    #[default]
    All,
    /// Added in the last 7 days.
    Recent,
    /// In no collection.
    Unfiled,
    /// Deleted, waiting in the Trash (restorable for 30 days).
    Trash,
}

/// Result order (SPEC R3.5). With search text and no explicit sort, results are ordered by
/// relevance, then newest. Each sort has a natural direction ([`Sort::descending`]) that
/// [`AssetQuery::ascending`] turns around; ties go by date added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest added first.
    Added,
    /// Newest captured first; assets without a capture time use their file time.
    Captured,
    /// By file name, A to Z (case and accents aside, numbers in order: IMG_2 before IMG_10).
    Name,
    /// Most stars first.
    Rating,
    /// Largest file first.
    Size,
    /// Most pixels first (width × height).
    Dimensions,
}

impl Sort {
    /// Whether the sort's natural order is largest / newest first (A to Z for names).
    pub fn descending(self) -> bool {
        !matches!(self, Sort::Name)
    }
}

/// A range of days, inclusive at both ends, as `YYYY-MM-DD` (either end may be open). Capture
/// dates are the camera's wall-clock days; dates added are the library's (UTC) days unless the
/// caller gives [`DateRange::offset_minutes`], its own time zone's offset from UTC.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct DateRange {
    /// The first day, or none.
    pub from: Option<String>,
    /// The last day, or none.
    pub to: Option<String>,
    /// For dates added: minutes east of UTC of the person's calendar (e.g. 60 in Paris in
    /// winter); 0 when absent.
    pub offset_minutes: i32,
}

impl DateRange {
    /// The range as day numbers since 1970-01-01 (inclusive), checked: each end a real date,
    /// the end not before the start.
    pub fn days(&self) -> Result<(Option<i64>, Option<i64>), InvalidInput> {
        let day = |s: &Option<String>| -> Result<Option<i64>, InvalidInput> {
            let Some(s) = s.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
                return Ok(None);
            };
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| Some(d.signed_duration_since(chrono::NaiveDate::default()).num_days()))
                .map_err(|_| {
                    InvalidInput::new(
                        ErrorCode::InvalidDate,
                        format!("'{s}' is not a date: expected YYYY-MM-DD, e.g. 2026-06-30"),
                    )
                })
        };
        let (from, to) = (day(&self.from)?, day(&self.to)?);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(InvalidInput::new(
                ErrorCode::InvalidDate,
                format!(
                    "the range ends ({}) before it starts ({}): give the earlier date first",
                    self.to.as_deref().unwrap_or_default(),
                    self.from.as_deref().unwrap_or_default()
                ),
            ));
        }
        if !(-14 * 60..=14 * 60).contains(&self.offset_minutes) {
            return Err(InvalidInput::new(
                ErrorCode::InvalidDate,
                format!(
                    "time zone offset {} minutes is out of range: expected -840 to 840",
                    self.offset_minutes
                ),
            ));
        }
        Ok((from, to))
    }

    /// Whether neither end is set.
    pub fn is_open(&self) -> bool {
        let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
        blank(&self.from) && blank(&self.to)
    }
}

macro_rules! parse_words {
    ($name:ident, $what:literal, $code:ident, { $($text:literal => $variant:expr),+ }) => {
        impl FromStr for $name {
            type Err = InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($variant),)+
                    _ => Err(InvalidInput::new(
                        $crate::ErrorCode::$code,
                        format!("unknown {} '{}': expected one of {}", $what, s, [$($text),+].join(", ")),
                    )),
                }
            }
        }
    };
}

parse_words!(TagMode, "tag mode", InvalidTagMode, { "any" => TagMode::Any, "all" => TagMode::All });
parse_words!(Bucket, "bucket", InvalidBucket,
    { "all" => Bucket::All, "recent" => Bucket::Recent, "unfiled" => Bucket::Unfiled, "trash" => Bucket::Trash });
parse_words!(Sort, "sort", InvalidSort, {
    "added" => Sort::Added, "captured" => Sort::Captured, "name" => Sort::Name,
    "rating" => Sort::Rating, "size" => Sort::Size, "dimensions" => Sort::Dimensions });

/// An opaque position in a result list: pass the `next` of one page to get the following page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export, type = "string")]
#[serde(transparent)]
pub struct Cursor(pub String);

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Everything a search can ask. Filters combine with AND across kinds and OR within a kind
/// (several statuses match any of them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct AssetQuery {
    /// Words to match in file name, prompt and tags; each word matches as a prefix.
    pub text: Option<String>,
    /// Tags to match; a parent path (`client/acme`) includes its children.
    pub tags: Vec<String>,
    /// Whether any or all of `tags` must match.
    pub tag_mode: TagMode,
    /// Sources to match (any of them).
    pub sources: Vec<Source>,
    /// Ratings to match (any of them; 0 matches unrated).
    pub ratings: Vec<Rating>,
    /// Review statuses to match (any of them).
    pub statuses: Vec<Status>,
    /// Flags to match (any of them).
    pub flags: Vec<Flag>,
    /// At least this many stars (1–5): "3★ and up".
    pub min_rating: Option<Rating>,
    /// Colour labels to match (any of them; `none` matches unlabelled).
    pub labels: Vec<Label>,
    /// Cameras to match, as listed by the library's facets ("Canon EOS R5").
    pub cameras: Vec<String>,
    /// Lenses to match, as listed.
    pub lenses: Vec<String>,
    /// File types to match: the format as the library names it (`jpeg`, `png`, `heif`, `raw:cr2`…).
    pub file_types: Vec<String>,
    /// Shapes to match (landscape, portrait, square).
    pub shapes: Vec<Shape>,
    /// `Some(true)`: only assets with a GPS position; `Some(false)`: only those without.
    pub gps: Option<bool>,
    /// Presences of the original to match (`missing`, `offline`: files that need attention).
    pub presences: Vec<Presence>,
    /// Capture days (the camera's wall clock).
    pub captured: Option<DateRange>,
    /// Days added to the library.
    pub added: Option<DateRange>,
    /// A campaign by name.
    pub campaign: Option<String>,
    /// A collection by path ("Shoots/2026/June").
    pub collection: Option<String>,
    /// With `collection`: include its sub-collections.
    pub nested: bool,
    /// The rail's bucket.
    pub bucket: Bucket,
    /// A project by name.
    pub project: Option<String>,
    /// A brand by name: the brand scope.
    pub brand: Option<String>,
    /// Images or videos only.
    pub kind: Option<Kind>,
    /// Result order; `None` means relevance with text, date added without.
    pub sort: Option<Sort>,
    /// Turn the sort's natural direction around (oldest first, Z to A, fewest stars first).
    pub ascending: bool,
    /// Page size (1 to 1,000; 100 when absent).
    pub limit: Option<usize>,
    /// Where the previous page ended.
    pub cursor: Option<Cursor>,
}

impl AssetQuery {
    /// The page size after validation: 1 to [`MAX_PAGE`], [`DEFAULT_PAGE`] when absent.
    pub fn page_size(&self) -> Result<usize, InvalidInput> {
        match self.limit {
            None => Ok(DEFAULT_PAGE),
            Some(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            Some(n) => Err(InvalidInput::new(
                ErrorCode::InvalidLimit,
                format!("limit {n} is out of range: expected 1 to {MAX_PAGE}"),
            )),
        }
    }

    /// The search words, trimmed; `None` when there are none.
    pub fn text_terms(&self) -> Option<&str> {
        self.text.as_deref().map(str::trim).filter(|t| !t.is_empty())
    }

    /// True when any filter beyond the brand scope and the bucket is set (the UI's summary
    /// line and "Clear all" use this).
    pub fn has_filters(&self) -> bool {
        self.text_terms().is_some()
            || !self.tags.is_empty()
            || !self.sources.is_empty()
            || !self.ratings.is_empty()
            || !self.statuses.is_empty()
            || !self.flags.is_empty()
            || self.campaign.is_some()
            || self.collection.is_some()
            || self.project.is_some()
            || self.kind.is_some()
            || self.min_rating.is_some_and(|r| r.stars() > 0)
            || !self.labels.is_empty()
            || !self.cameras.is_empty()
            || !self.lenses.is_empty()
            || !self.file_types.is_empty()
            || !self.shapes.is_empty()
            || self.gps.is_some()
            || !self.presences.is_empty()
            || self.captured.as_ref().is_some_and(|r| !r.is_open())
            || self.added.as_ref().is_some_and(|r| !r.is_open())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_size_defaults_and_bounds() {
        let mut q = AssetQuery::default();
        assert_eq!(q.page_size().unwrap(), 100);
        q.limit = Some(0);
        assert_eq!(q.page_size().unwrap_err().code, "invalid_limit");
        q.limit = Some(1000);
        assert_eq!(q.page_size().unwrap(), 1000);
    }

    #[test]
    fn words_parse_with_clear_errors() {
        assert_eq!("ALL".parse::<TagMode>().unwrap(), TagMode::All);
        assert_eq!("unfiled".parse::<Bucket>().unwrap(), Bucket::Unfiled);
        let err = "biggest".parse::<Sort>().unwrap_err();
        assert!(err.message.contains("added, captured, name"), "{}", err.message);
        let err = "pixels".parse::<Sort>().unwrap_err();
        assert!(err.message.contains("dimensions"), "{}", err.message);
    }

    #[test]
    fn date_ranges_read_days_and_refuse_nonsense() {
        let r = |from: &str, to: &str| DateRange {
            from: Some(from.into()),
            to: Some(to.into()),
            offset_minutes: 0,
        };
        assert_eq!(r("1970-01-02", "1970-01-31").days().unwrap(), (Some(1), Some(30)));
        assert_eq!(r("1969-12-31", "").days().unwrap(), (Some(-1), None));
        assert_eq!(r("2026-02-30", "").days().unwrap_err().code, "invalid_date");
        assert_eq!(
            r("2026-06-30", "2026-06-01").days().unwrap_err().code,
            "invalid_date"
        );
        assert!(r(" ", "").is_open());
    }

    #[test]
    fn blank_text_is_no_text() {
        let q = AssetQuery {
            text: Some("   ".into()),
            ..Default::default()
        };
        assert_eq!(q.text_terms(), None);
        assert!(!q.has_filters());
    }
}
