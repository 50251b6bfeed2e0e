//! The search query: what the toolbar, the rail and `atelier search` ask the catalog for
//! (SPEC R3.1–R3.5). Plain values; the catalog turns them into SQL and FTS.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::limits::{DEFAULT_PAGE, MAX_PAGE};
use crate::{ErrorCode, Flag, InvalidInput, Kind, Rating, Source, Status};

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
/// relevance, then newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest added first.
    Added,
    /// Newest captured first; assets without a capture time use their file time.
    Captured,
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
parse_words!(Sort, "sort", InvalidSort, { "added" => Sort::Added, "captured" => Sort::Captured });

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
        let err = "name".parse::<Sort>().unwrap_err();
        assert!(err.message.contains("added, captured"), "{}", err.message);
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
