//! How close a "Find similar" match is (issue 14, defect 10): the signature distance read as
//! people read it, and where close matches end. The bounds were measured on the corpus, light
//! edits and crops against 81,706 unrelated pairs (docs/decisions/0020): no unrelated pair came
//! closer than 0.476, while copies, re-encodes, resizes, mirrored copies and colour edits sat
//! below 0.2 and light crops and rotations mostly below 0.45.
//!
//! Knows nothing of signatures: only what a distance means.

use serde::{Deserialize, Serialize};

/// At most this far: the same picture (a copy, re-encode, resize, mirror or colour edit).
pub const SAME_MAX: f32 = 0.15;
/// At most this far: very close (a light crop, a small rotation, a frame of the same burst).
pub const VERY_CLOSE_MAX: f32 = 0.30;
/// At most this far: still a match. Beyond it, nothing measured was the same picture more
/// often than not: the list of close matches ends here.
pub const SIMILAR_MAX: f32 = 0.45;

/// A match's closeness, for its card's cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Closeness {
    /// The same picture.
    Same,
    /// Very close.
    VeryClose,
    /// Similar: the last of the close matches.
    Similar,
    /// Past where close matches end (only the same kind of picture, at best).
    Distant,
}

impl Closeness {
    /// The closeness of a distance (0 the same pixels; see the bounds above).
    pub fn of(distance: f32) -> Closeness {
        if distance <= SAME_MAX {
            Closeness::Same
        } else if distance <= VERY_CLOSE_MAX {
            Closeness::VeryClose
        } else if distance <= SIMILAR_MAX {
            Closeness::Similar
        } else {
            Closeness::Distant
        }
    }

    /// Whether it is one of the close matches (the list stops before the first that isn't).
    pub fn is_close(self) -> bool {
        self != Closeness::Distant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_as_the_corpus_measured_them() {
        assert_eq!(Closeness::of(0.0), Closeness::Same);
        assert_eq!(Closeness::of(0.15), Closeness::Same);
        assert_eq!(Closeness::of(0.2), Closeness::VeryClose);
        assert_eq!(Closeness::of(0.45), Closeness::Similar);
        assert_eq!(
            Closeness::of(0.476),
            Closeness::Distant,
            "the closest unrelated pair measured"
        );
        assert!(!Closeness::of(1.3).is_close());
    }
}
