//! The review state machine (SPEC R7.1–R7.2), as a table: which action moves an asset from which
//! status to which, the Personal-brand carve-out, and the optional decision note.
//! It knows statuses only: who may act is `policy`'s question, and the audit entry is the stores'.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{ErrorCode, InvalidInput, Status};

/// A review action (SPEC R7.1). Spelled `submit`, `approve`, `request_changes`, `revise`,
/// `archive`, `unarchive`; `reject` is also read as [`ReviewAction::RequestChanges`], because the
/// CLI says `atelier review reject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// Draft → In review: ask the brand's Managers for a decision.
    Submit,
    /// In review → Approved.
    Approve,
    /// In review → Rejected, shown as "Changes requested".
    #[serde(alias = "reject")]
    RequestChanges,
    /// Changes requested → Draft, to work on it again.
    Revise,
    /// Any status but Archived → Archived.
    Archive,
    /// Archived → Draft.
    Unarchive,
}

impl ReviewAction {
    /// Every action, in the order of the table in SPEC R7.1.
    pub const ALL: &'static [ReviewAction] = &[
        ReviewAction::Submit,
        ReviewAction::Approve,
        ReviewAction::RequestChanges,
        ReviewAction::Revise,
        ReviewAction::Archive,
        ReviewAction::Unarchive,
    ];

    /// The one spelling used in JSON, the CLI and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Submit => "submit",
            ReviewAction::Approve => "approve",
            ReviewAction::RequestChanges => "request_changes",
            ReviewAction::Revise => "revise",
            ReviewAction::Archive => "archive",
            ReviewAction::Unarchive => "unarchive",
        }
    }

    /// The allowed spellings, for error messages.
    pub fn allowed() -> String {
        let mut names: Vec<&str> = Self::ALL.iter().map(|a| a.as_str()).collect();
        names.push("reject");
        names.join(", ")
    }

    /// The action as a person reads it in a sentence ("approving needs …").
    fn gerund(self) -> &'static str {
        match self {
            ReviewAction::Submit => "submitting",
            ReviewAction::Approve => "approving",
            ReviewAction::RequestChanges => "requesting changes",
            ReviewAction::Revise => "revising",
            ReviewAction::Archive => "archiving",
            ReviewAction::Unarchive => "unarchiving",
        }
    }

    /// What an asset "can be" after this action ("a draft can only be submitted or archived").
    fn participle(self) -> &'static str {
        match self {
            ReviewAction::Submit => "submitted",
            ReviewAction::Approve => "approved",
            ReviewAction::RequestChanges => "sent back with changes requested",
            ReviewAction::Revise => "revised back into a draft",
            ReviewAction::Archive => "archived",
            ReviewAction::Unarchive => "unarchived",
        }
    }
}

impl fmt::Display for ReviewAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReviewAction {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        if wanted == "reject" {
            return Ok(ReviewAction::RequestChanges);
        }
        Self::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == wanted)
            .ok_or_else(|| {
                InvalidInput::new(
                    ErrorCode::InvalidReviewAction,
                    format!("unknown review action '{s}': expected one of {}", Self::allowed()),
                )
            })
    }
}

/// One row of the review table: `action` moves an asset whose status is one of `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The action taken.
    pub action: ReviewAction,
    /// The statuses it may be taken from.
    pub from: &'static [Status],
    /// The status it leads to.
    pub to: Status,
}

/// The review table of SPEC R7.1, for assets of team brands. Any move not listed is refused.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        action: ReviewAction::Submit,
        from: &[Status::Draft],
        to: Status::InReview,
    },
    Transition {
        action: ReviewAction::Approve,
        from: &[Status::InReview],
        to: Status::Approved,
    },
    Transition {
        action: ReviewAction::RequestChanges,
        from: &[Status::InReview],
        to: Status::Rejected,
    },
    Transition {
        action: ReviewAction::Revise,
        from: &[Status::Rejected],
        to: Status::Draft,
    },
    Transition {
        action: ReviewAction::Archive,
        from: &[
            Status::Draft,
            Status::InReview,
            Status::Approved,
            Status::Rejected,
        ],
        to: Status::Archived,
    },
    Transition {
        action: ReviewAction::Unarchive,
        from: &[Status::Archived],
        to: Status::Draft,
    },
];

/// The moves left to Personal-brand assets, which skip review and stay drafts (SPEC R7.2).
pub const PERSONAL_TRANSITIONS: &[Transition] = &[
    Transition {
        action: ReviewAction::Archive,
        from: &[Status::Draft],
        to: Status::Archived,
    },
    Transition {
        action: ReviewAction::Unarchive,
        from: &[Status::Archived],
        to: Status::Draft,
    },
];

/// The action that moves an asset from `from` to `to`, if one does (each pair has at most one
/// in the review table): how a recorded status change is told to the studio as a transition.
pub fn action_between(from: Status, to: Status) -> Option<ReviewAction> {
    TRANSITIONS
        .iter()
        .chain(PERSONAL_TRANSITIONS)
        .find(|t| t.to == to && t.from.contains(&from))
        .map(|t| t.action)
}

/// Why any review move on a Personal-brand asset is refused; shared with `policy`.
pub(crate) const PERSONAL_SKIPS_REVIEW: &str =
    "Personal-brand assets skip review: they stay drafts; you can archive and unarchive them";

/// Longest note on a review decision, in characters (SPEC R7.1).
pub const NOTE_MAX_CHARS: usize = 2000;

/// The status `action` leads to from `from` on a team brand, or `invalid_transition` naming what
/// the action needs and what is possible from `from`. Nothing changes when this refuses.
pub fn next_status(action: ReviewAction, from: Status) -> Result<Status, InvalidInput> {
    if let Some(to) = lookup(TRANSITIONS, action, from) {
        return Ok(to);
    }
    Err(InvalidInput::new(
        ErrorCode::InvalidTransition,
        format!("{}; {}", needs(action, from), possible_from(from)),
    ))
}

/// [`next_status`] for an asset of a Personal brand: only archive (from Draft) and unarchive
/// (back to Draft) are allowed (SPEC R7.2). Everything else is refused with
/// `no_review_on_personal`; for archive and unarchive from the wrong status the message adds why.
pub fn personal_next_status(action: ReviewAction, from: Status) -> Result<Status, InvalidInput> {
    if let Some(to) = lookup(PERSONAL_TRANSITIONS, action, from) {
        return Ok(to);
    }
    let message = match action {
        ReviewAction::Archive if from == Status::Archived => {
            format!("{PERSONAL_SKIPS_REVIEW} (this asset is already archived)")
        }
        ReviewAction::Archive => format!("{PERSONAL_SKIPS_REVIEW} (only a draft can be archived)"),
        ReviewAction::Unarchive => {
            format!("{PERSONAL_SKIPS_REVIEW} (only an archived asset can be unarchived)")
        }
        _ => PERSONAL_SKIPS_REVIEW.to_owned(),
    };
    Err(InvalidInput::new(ErrorCode::NoReviewOnPersonal, message))
}

/// Checks an optional review note: trimmed, empty means none, at most [`NOTE_MAX_CHARS`]
/// characters (`invalid_note`).
pub fn validate_note(note: &str) -> Result<Option<String>, InvalidInput> {
    let note = note.trim();
    if note.is_empty() {
        return Ok(None);
    }
    let chars = note.chars().count();
    if chars > NOTE_MAX_CHARS {
        return Err(InvalidInput::new(
            ErrorCode::InvalidNote,
            format!("the note is {chars} characters long: at most {NOTE_MAX_CHARS} are allowed"),
        ));
    }
    Ok(Some(note.to_owned()))
}

fn lookup(table: &[Transition], action: ReviewAction, from: Status) -> Option<Status> {
    table
        .iter()
        .find(|t| t.action == action && t.from.contains(&from))
        .map(|t| t.to)
}

/// How a status reads as the subject of a sentence.
fn noun(status: Status) -> &'static str {
    match status {
        Status::Draft => "a draft",
        Status::InReview => "an asset in review",
        Status::Approved => "an approved asset",
        Status::Rejected => "an asset with changes requested",
        Status::Archived => "an archived asset",
    }
}

/// How a status reads after "is already".
fn state(status: Status) -> &'static str {
    match status {
        Status::Draft => "a draft",
        Status::InReview => "in review",
        Status::Approved => "approved",
        Status::Rejected => "sent back with changes requested",
        Status::Archived => "archived",
    }
}

/// "approving needs an asset in review", from the table.
fn needs(action: ReviewAction, from: Status) -> String {
    let Some(row) = TRANSITIONS.iter().find(|t| t.action == action) else {
        return format!("{} is not possible", action.gerund());
    };
    // "archiving needs a draft, an asset in review, …" would read badly: say the one thing wrong.
    if row.to == from && row.from.len() > 1 {
        return format!("this asset is already {}", state(from));
    }
    let nouns: Vec<&str> = row.from.iter().map(|s| noun(*s)).collect();
    format!("{} needs {}", action.gerund(), join_or(&nouns))
}

/// "a draft can only be submitted or archived", from the table.
fn possible_from(from: Status) -> String {
    let can: Vec<&str> = TRANSITIONS
        .iter()
        .filter(|t| t.from.contains(&from))
        .map(|t| t.action.participle())
        .collect();
    match can.len() {
        0 => format!("{} can't change status", noun(from)),
        1 | 2 => format!("{} can only be {}", noun(from), join_or(&can)),
        _ => format!("{} can be {}", noun(from), join_or(&can)),
    }
}

/// "a", "a or b", "a, b, or c".
fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReviewAction as A;
    use Status as S;

    /// `None`: refused.
    type Cell = (ReviewAction, Status, Option<Status>);

    /// Every (action, from) pair for a team brand, written out by hand from SPEC R7.1.
    const TEAM: [Cell; 30] = [
        (A::Submit, S::Draft, Some(S::InReview)),
        (A::Submit, S::InReview, None),
        (A::Submit, S::Approved, None),
        (A::Submit, S::Rejected, None),
        (A::Submit, S::Archived, None),
        (A::Approve, S::Draft, None),
        (A::Approve, S::InReview, Some(S::Approved)),
        (A::Approve, S::Approved, None),
        (A::Approve, S::Rejected, None),
        (A::Approve, S::Archived, None),
        (A::RequestChanges, S::Draft, None),
        (A::RequestChanges, S::InReview, Some(S::Rejected)),
        (A::RequestChanges, S::Approved, None),
        (A::RequestChanges, S::Rejected, None),
        (A::RequestChanges, S::Archived, None),
        (A::Revise, S::Draft, None),
        (A::Revise, S::InReview, None),
        (A::Revise, S::Approved, None),
        (A::Revise, S::Rejected, Some(S::Draft)),
        (A::Revise, S::Archived, None),
        (A::Archive, S::Draft, Some(S::Archived)),
        (A::Archive, S::InReview, Some(S::Archived)),
        (A::Archive, S::Approved, Some(S::Archived)),
        (A::Archive, S::Rejected, Some(S::Archived)),
        (A::Archive, S::Archived, None),
        (A::Unarchive, S::Draft, None),
        (A::Unarchive, S::InReview, None),
        (A::Unarchive, S::Approved, None),
        (A::Unarchive, S::Rejected, None),
        (A::Unarchive, S::Archived, Some(S::Draft)),
    ];

    /// Every (action, from) pair for a Personal brand, written out by hand from SPEC R7.2.
    const PERSONAL: [Cell; 30] = [
        (A::Submit, S::Draft, None),
        (A::Submit, S::InReview, None),
        (A::Submit, S::Approved, None),
        (A::Submit, S::Rejected, None),
        (A::Submit, S::Archived, None),
        (A::Approve, S::Draft, None),
        (A::Approve, S::InReview, None),
        (A::Approve, S::Approved, None),
        (A::Approve, S::Rejected, None),
        (A::Approve, S::Archived, None),
        (A::RequestChanges, S::Draft, None),
        (A::RequestChanges, S::InReview, None),
        (A::RequestChanges, S::Approved, None),
        (A::RequestChanges, S::Rejected, None),
        (A::RequestChanges, S::Archived, None),
        (A::Revise, S::Draft, None),
        (A::Revise, S::InReview, None),
        (A::Revise, S::Approved, None),
        (A::Revise, S::Rejected, None),
        (A::Revise, S::Archived, None),
        (A::Archive, S::Draft, Some(S::Archived)),
        (A::Archive, S::InReview, None),
        (A::Archive, S::Approved, None),
        (A::Archive, S::Rejected, None),
        (A::Archive, S::Archived, None),
        (A::Unarchive, S::Draft, None),
        (A::Unarchive, S::InReview, None),
        (A::Unarchive, S::Approved, None),
        (A::Unarchive, S::Rejected, None),
        (A::Unarchive, S::Archived, Some(S::Draft)),
    ];

    fn assert_covers_every_cell(table: &[Cell]) {
        for action in ReviewAction::ALL {
            for status in Status::ALL {
                let n = table
                    .iter()
                    .filter(|(a, s, _)| a == action && s == status)
                    .count();
                assert_eq!(n, 1, "{action} from {status} appears {n} times");
            }
        }
    }

    #[test]
    fn team_table_answers_every_action_from_every_status() {
        assert_covers_every_cell(&TEAM);
        for (action, from, expected) in TEAM {
            let got = next_status(action, from);
            match expected {
                Some(to) => assert_eq!(got, Ok(to), "{action} from {from}"),
                None => {
                    let err = got.expect_err(&format!("{action} from {from} must be refused"));
                    assert_eq!(err.code, "invalid_transition", "{action} from {from}");
                    assert!(!err.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn personal_table_answers_every_action_from_every_status() {
        assert_covers_every_cell(&PERSONAL);
        for (action, from, expected) in PERSONAL {
            let got = personal_next_status(action, from);
            match expected {
                Some(to) => assert_eq!(got, Ok(to), "{action} from {from}"),
                None => {
                    let err = got.expect_err(&format!("{action} from {from} must be refused"));
                    assert_eq!(err.code, "no_review_on_personal", "{action} from {from}");
                    assert!(err.message.starts_with(PERSONAL_SKIPS_REVIEW), "{}", err.message);
                }
            }
        }
    }

    fn refusal(action: ReviewAction, from: Status) -> String {
        next_status(action, from).unwrap_err().message
    }

    #[test]
    fn refusals_name_what_the_action_needs_and_what_is_possible() {
        assert_eq!(
            refusal(A::Approve, S::Approved),
            "approving needs an asset in review; an approved asset can only be archived"
        );
        assert_eq!(
            refusal(A::Approve, S::Draft),
            "approving needs an asset in review; a draft can only be submitted or archived"
        );
        assert_eq!(
            refusal(A::Submit, S::Archived),
            "submitting needs a draft; an archived asset can only be unarchived"
        );
        assert_eq!(
            refusal(A::Revise, S::InReview),
            "revising needs an asset with changes requested; an asset in review can be approved, \
             sent back with changes requested, or archived"
        );
        assert_eq!(
            refusal(A::Submit, S::Rejected),
            "submitting needs a draft; an asset with changes requested can only be revised back \
             into a draft or archived"
        );
        assert_eq!(
            refusal(A::Archive, S::Archived),
            "this asset is already archived; an archived asset can only be unarchived"
        );
        assert_eq!(
            refusal(A::RequestChanges, S::Rejected),
            "requesting changes needs an asset in review; an asset with changes requested can only \
             be revised back into a draft or archived"
        );
        assert_eq!(
            refusal(A::Unarchive, S::Approved),
            "unarchiving needs an archived asset; an approved asset can only be archived"
        );
    }

    #[test]
    fn refusals_never_show_the_internal_word_rejected() {
        for action in ReviewAction::ALL {
            for status in Status::ALL {
                if let Err(err) = next_status(*action, *status) {
                    assert!(!err.message.contains("rejected"), "{}", err.message);
                    assert!(!err.message.contains('_'), "{}", err.message);
                }
            }
        }
    }

    #[test]
    fn personal_refusals_say_why_archive_and_unarchive_failed() {
        let err = personal_next_status(A::Archive, S::Archived).unwrap_err();
        assert!(err.message.contains("already archived"), "{}", err.message);
        let err = personal_next_status(A::Unarchive, S::Draft).unwrap_err();
        assert!(err.message.contains("only an archived asset"), "{}", err.message);
        let err = personal_next_status(A::Submit, S::Draft).unwrap_err();
        assert_eq!(err.message, PERSONAL_SKIPS_REVIEW);
    }

    #[test]
    fn actions_parse_their_spelling_and_reject_as_request_changes() {
        for action in ReviewAction::ALL {
            assert_eq!(action.as_str().parse::<ReviewAction>().unwrap(), *action);
            assert_eq!(action.to_string(), action.as_str());
        }
        assert_eq!("reject".parse::<ReviewAction>().unwrap(), A::RequestChanges);
        assert_eq!(
            "Request-Changes".parse::<ReviewAction>().unwrap(),
            A::RequestChanges
        );
        assert_eq!(
            " request changes ".parse::<ReviewAction>().unwrap(),
            A::RequestChanges
        );
        let spellings: Vec<_> = ReviewAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            spellings,
            [
                "submit",
                "approve",
                "request_changes",
                "revise",
                "archive",
                "unarchive"
            ]
        );
    }

    #[test]
    fn unknown_action_lists_the_allowed_ones() {
        let err = "publish".parse::<ReviewAction>().unwrap_err();
        assert_eq!(err.code, "invalid_review_action");
        assert!(
            err.message
                .contains("submit, approve, request_changes, revise, archive, unarchive, reject"),
            "{}",
            err.message
        );
    }

    #[test]
    fn actions_use_snake_case_in_json_and_accept_reject() {
        assert_eq!(
            serde_json::to_string(&A::RequestChanges).unwrap(),
            "\"request_changes\""
        );
        assert_eq!(
            serde_json::from_str::<A>("\"reject\"").unwrap(),
            A::RequestChanges
        );
        for action in ReviewAction::ALL {
            let json = serde_json::to_string(action).unwrap();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
            assert_eq!(serde_json::from_str::<A>(&json).unwrap(), *action);
        }
    }

    #[test]
    fn table_has_one_row_per_action() {
        for action in ReviewAction::ALL {
            assert_eq!(TRANSITIONS.iter().filter(|t| t.action == *action).count(), 1);
        }
    }

    #[test]
    fn note_is_trimmed_and_empty_means_none() {
        assert_eq!(validate_note(""), Ok(None));
        assert_eq!(validate_note("  \n\t "), Ok(None));
        assert_eq!(
            validate_note("  fix the logo \n"),
            Ok(Some("fix the logo".to_owned()))
        );
    }

    #[test]
    fn note_up_to_the_limit_counts_characters_not_bytes() {
        let at_limit = "é".repeat(NOTE_MAX_CHARS);
        assert_eq!(validate_note(&at_limit), Ok(Some(at_limit.clone())));
        let padded = format!("  {at_limit}  ");
        assert_eq!(validate_note(&padded), Ok(Some(at_limit)));
        let err = validate_note(&"x".repeat(NOTE_MAX_CHARS + 1)).unwrap_err();
        assert_eq!(err.code, "invalid_note");
        assert_eq!(
            err.message,
            "the note is 2001 characters long: at most 2000 are allowed"
        );
    }
}
