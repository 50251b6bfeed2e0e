//! The enumerations that describe an asset — kind, source, review status, flag, colour label,
//! shape — and its rating.
//! Each has one spelling everywhere (Rust, SQL code, JSON, CLI): the snake_case `as_str`.

use crate::ErrorCode;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InvalidInput;

macro_rules! text_enum {
    (
        $(#[$doc:meta])* $name:ident, $what:literal, $code:ident {
            $( $(#[$vdoc:meta])* $variant:ident = $num:literal => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The one spelling used in JSON, the CLI and messages.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The small integer stored in the catalog. Stable: never renumber.
            pub fn code(self) -> i64 {
                match self { $($name::$variant => $num),+ }
            }

            /// Reads a stored code back; `None` for a code this build does not know.
            pub fn from_code(code: i64) -> Option<Self> {
                match code { $($num => Some($name::$variant),)+ _ => None }
            }

            /// The allowed spellings, for error messages.
            pub fn allowed() -> String {
                [$($text),+].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
                $( if wanted == $text { return Ok($name::$variant); } )+
                Err(InvalidInput::new(
                    $crate::ErrorCode::$code,
                    format!("unknown {} '{}': expected one of {}", $what, s, Self::allowed()),
                ))
            }
        }
    };
}

/// Lets other modules of this crate declare text enums the same way.
pub(crate) use text_enum;

text_enum!(
    /// What an asset is.
    Kind, "kind", InvalidKind {
        /// A still image (photo, render, RAW, vector).
        Image = 0 => "image",
        /// A video clip.
        Video = 1 => "video",
    }
);

text_enum!(
    /// How an asset arrived (SPEC R2.4).
    Source, "source", InvalidSource {
        /// Added by hand: file picker, drag and drop.
        Uploaded = 0 => "uploaded",
        /// Brought in by a folder import or a watched folder.
        Imported = 1 => "imported",
        /// Made by a generator, or carrying AI generation parameters.
        Generated = 2 => "generated",
    }
);

text_enum!(
    /// The review state (SPEC R7.1). `Rejected` is shown as "Changes requested".
    Status, "status", InvalidStatus {
        /// Work in progress; every asset starts here.
        Draft = 0 => "draft",
        /// Submitted, waiting for a Manager's decision.
        InReview = 1 => "in_review",
        /// Approved: locked against changes to file, name, prompt, brand and project.
        Approved = 2 => "approved",
        /// Changes requested.
        Rejected = 3 => "rejected",
        /// Put away.
        Archived = 4 => "archived",
    }
);

text_enum!(
    /// Whether an asset's file is where the catalog says.
    Presence, "presence", InvalidPresence {
        /// The file is there.
        Ok = 0 => "ok",
        /// The file was deleted (or moved away) on disk; the asset is kept with its metadata.
        Missing = 1 => "missing",
        /// The file's volume is gone (an unplugged drive); it comes back when the volume does.
        Offline = 2 => "offline",
        /// Another member's asset from the studio whose original this library hasn't
        /// downloaded (STUDIO.md §5): metadata and thumbnail here, the bytes on the studio.
        Remote = 3 => "remote",
    }
);

text_enum!(
    /// The culling flag (SPEC R6.2).
    Flag, "flag", InvalidFlag {
        /// No flag.
        None = 0 => "none",
        /// Picked.
        Pick = 1 => "pick",
        /// Rejected in culling (not the review state).
        Reject = 2 => "reject",
    }
);

text_enum!(
    /// A colour label (issue 14): Lightroom's five, for whatever a studio wants them to mean
    /// (keys 6–9 set red to blue).
    Label, "label", InvalidLabel {
        /// No label.
        None = 0 => "none",
        /// Red (key 6).
        Red = 1 => "red",
        /// Yellow (key 7).
        Yellow = 2 => "yellow",
        /// Green (key 8).
        Green = 3 => "green",
        /// Blue (key 9).
        Blue = 4 => "blue",
        /// Purple (no key, as in Lightroom).
        Purple = 5 => "purple",
    }
);

text_enum!(
    /// The shape a picture is shown in (its displayed width against its height).
    Shape, "orientation", InvalidShape {
        /// Wider than tall.
        Landscape = 0 => "landscape",
        /// Taller than wide.
        Portrait = 1 => "portrait",
        /// As wide as tall (within 2 %).
        Square = 2 => "square",
    }
);

// The enum comes from `text_enum!`, which can't mark one variant `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for Label {
    fn default() -> Self {
        Label::None
    }
}

impl Shape {
    /// The shape of a picture shown `width` × `height` (already turned by its orientation);
    /// `None` when its size is unknown.
    pub fn of(width: u32, height: u32) -> Option<Shape> {
        if width == 0 || height == 0 {
            return None;
        }
        let (w, h) = (u64::from(width), u64::from(height));
        Some(if w * 50 > h * 51 {
            Shape::Landscape
        } else if h * 50 > w * 51 {
            Shape::Portrait
        } else {
            Shape::Square
        })
    }
}

/// A star rating: 0 means none, otherwise 1 to 5 (SPEC R6.2).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default, ts_rs::TS,
)]
#[serde(try_from = "u8", into = "u8")]
#[ts(export, type = "number")]
pub struct Rating(u8);

impl Rating {
    /// No rating.
    pub const NONE: Rating = Rating(0);

    /// Validates a rating from 0 (none) to 5.
    pub fn new(stars: u8) -> Result<Self, InvalidInput> {
        if stars <= 5 {
            Ok(Rating(stars))
        } else {
            Err(InvalidInput::new(
                ErrorCode::InvalidRating,
                format!("rating {stars} is out of range: expected 0 (none) to 5"),
            ))
        }
    }

    /// Clamps a rating read from foreign metadata (XMP uses -1 for rejected, some tools write
    /// 0–100 percentages) into 0–5.
    pub fn from_foreign(value: f64) -> Self {
        let stars = if value > 5.0 {
            (value / 20.0).round()
        } else {
            value.round()
        };
        Rating(stars.clamp(0.0, 5.0) as u8)
    }

    /// The number of stars, 0 for none.
    pub fn stars(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Rating {
    type Error = InvalidInput;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Rating::new(value)
    }
}

impl From<Rating> for u8 {
    fn from(r: Rating) -> u8 {
        r.0
    }
}

impl FromStr for Rating {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n: u8 = s.trim().parse().map_err(|_| {
            InvalidInput::new(
                ErrorCode::InvalidRating,
                format!("rating '{s}' is not a number: expected 0 (none) to 5"),
            )
        })?;
        Rating::new(n)
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_text_and_code() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), *s);
            assert_eq!(Status::from_code(s.code()), Some(*s));
        }
        for s in Source::ALL {
            assert_eq!(s.as_str().parse::<Source>().unwrap(), *s);
        }
        assert_eq!("In-Review".parse::<Status>().unwrap(), Status::InReview);
    }

    #[test]
    fn unknown_value_lists_the_allowed_ones() {
        let err = "done".parse::<Status>().unwrap_err();
        assert_eq!(err.code, "invalid_status");
        assert!(
            err.message
                .contains("draft, in_review, approved, rejected, archived"),
            "{}",
            err.message
        );
    }

    #[test]
    fn rating_accepts_zero_to_five_only() {
        assert_eq!("0".parse::<Rating>().unwrap(), Rating::NONE);
        assert_eq!("5".parse::<Rating>().unwrap().stars(), 5);
        assert_eq!("6".parse::<Rating>().unwrap_err().code, "invalid_rating");
        assert_eq!("x".parse::<Rating>().unwrap_err().code, "invalid_rating");
    }

    #[test]
    fn foreign_ratings_are_clamped() {
        assert_eq!(Rating::from_foreign(-1.0), Rating::NONE);
        assert_eq!(Rating::from_foreign(3.0).stars(), 3);
        assert_eq!(Rating::from_foreign(80.0).stars(), 4);
    }

    #[test]
    fn serde_uses_snake_case() {
        assert_eq!(serde_json::to_string(&Status::InReview).unwrap(), "\"in_review\"");
        assert_eq!(serde_json::to_string(&Rating::new(4).unwrap()).unwrap(), "4");
    }
}
