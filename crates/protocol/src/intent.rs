//! What a person asks to do to a selection of assets — rate, flag, tag, file, add to a
//! campaign, review, move, delete — as one closed list ([`Intent`]), keyed by public ids. The
//! web API, the CLI and (next) the sync client all speak it; the library has one door for it.
//!
//! Tags travel by name on purpose: a tag is the studio's shared word, so two people who tag
//! "red" offline must meet at one tag, which an id minted on each machine would split.

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId};
use atelier_domain::{AssetId, AssetQuery, ErrorCode, Flag, Label, Rating, ReviewAction};
use serde::{Deserialize, Serialize};

/// One organising action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Intent {
    /// Set the rating (0 clears it).
    Rate {
        /// 0–5 stars.
        rating: Rating,
    },
    /// Set the culling flag.
    Flag {
        /// Pick, reject or none.
        flag: Flag,
    },
    /// Set the colour label.
    Label {
        /// Red, yellow, green, blue, purple or none.
        label: Label,
    },
    /// Add tags (created when new).
    TagAdd {
        /// Tag names.
        tags: Vec<String>,
    },
    /// Remove tags.
    TagRemove {
        /// Tag names.
        tags: Vec<String>,
    },
    /// File in a collection (of the assets' brand).
    CollectionAdd {
        /// The collection.
        collection: CollectionId,
    },
    /// Take out of a collection.
    CollectionRemove {
        /// The collection.
        collection: CollectionId,
    },
    /// Add to a campaign (of the assets' brand).
    CampaignAdd {
        /// The campaign.
        campaign: CampaignId,
    },
    /// Take out of a campaign.
    CampaignRemove {
        /// The campaign.
        campaign: CampaignId,
    },
    /// A review transition, with an optional note.
    Review {
        /// Submit, approve, request changes…
        action: ReviewAction,
        /// Why, for the author.
        note: Option<String>,
    },
    /// Move to another project.
    MoveProject {
        /// The project.
        project: ProjectId,
    },
    /// Move to another brand (back to Draft there).
    MoveBrand {
        /// The brand.
        brand: BrandId,
    },
    /// Move to the Trash.
    Delete,
    /// Take out of the Trash.
    Restore,
    /// Delete for good (what is selected in the Trash).
    Purge,
}

/// Which assets an intent acts on: `{"ids": [...]}`, `{"query": {...}}` (everything a search
/// matches) or `{"all": true}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(untagged)]
pub enum AssetSelection {
    /// These assets.
    Ids {
        /// At most 10,000.
        ids: Vec<AssetId>,
    },
    /// Every asset a search matches (its page size and cursor are ignored).
    Query {
        /// The search.
        query: Box<AssetQuery>,
    },
    /// Everything the actor may see (`all` must be true).
    All {
        /// Must be true: a guard against an empty body selecting everything.
        all: bool,
    },
}

/// `POST /api/bulk`: an intent and the selection it acts on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BulkRequest {
    /// The assets.
    pub selection: AssetSelection,
    /// What to do.
    #[serde(flatten)]
    pub intent: Intent,
}

/// One asset an intent could not act on (or left alone), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BulkFailure {
    /// The asset.
    pub id: AssetId,
    /// Why, for programs (`forbidden`, `approved_locked`, `not_on_this_brand`…).
    pub code: ErrorCode,
    /// Why, for people.
    pub message: String,
}

/// What an intent did, asset by asset (SPEC R5.2): a partial success is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BulkReport {
    /// Assets asked for.
    pub requested: usize,
    /// Assets changed (or already as asked).
    pub succeeded: Vec<AssetId>,
    /// Assets refused, with reasons; nothing changed for them.
    pub failed: Vec<BulkFailure>,
    /// Assets left alone because there was nothing to do (already in the campaign), each with
    /// the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<BulkFailure>,
    /// The journal entries the change wrote (one span per transaction): what `POST /api/undo`
    /// takes back. Empty when nothing changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undo: Vec<JournalSpan>,
}

impl BulkReport {
    /// Folds another report (the same intent on more assets) into this one.
    pub fn merge(&mut self, other: BulkReport) {
        self.requested += other.requested;
        self.succeeded.extend(other.succeeded);
        self.failed.extend(other.failed);
        self.skipped.extend(other.skipped);
        self.undo.extend(other.undo);
    }
}

/// A run of consecutive journal entries that one transaction wrote, first to last (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct JournalSpan {
    /// The first entry's `seq`.
    pub first: i64,
    /// The last entry's `seq`.
    pub last: i64,
}

/// `POST /api/undo`: take back one action — the spans its report gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UndoRequest {
    /// What the action wrote (its report's `undo`).
    pub spans: Vec<JournalSpan>,
}

/// What an undo did: per asset, as any bulk action, plus what it could not take back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct UndoReport {
    /// The assets put back (`succeeded`), refused, or left alone because they changed since.
    pub assets: BulkReport,
    /// Parts of the action that can't be undone, for people ("the review status stays Draft").
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_domain::Id;

    #[test]
    fn a_bulk_request_reads_as_the_ui_sends_it() {
        let id = CollectionId::new_v7();
        let body =
            format!(r#"{{"selection": {{"all": true}}, "op": "collection_add", "collection": "{id}"}}"#);
        let r: BulkRequest = serde_json::from_str(&body).unwrap();
        assert_eq!(r.intent, Intent::CollectionAdd { collection: id });
        assert_eq!(r.selection, AssetSelection::All { all: true });
        let rate: BulkRequest =
            serde_json::from_str(r#"{"selection": {"ids": []}, "op": "rate", "rating": 4}"#).unwrap();
        assert_eq!(
            rate.intent,
            Intent::Rate {
                rating: Rating::new(4).unwrap()
            }
        );
    }

    #[test]
    fn names_are_not_ids() {
        let body = r#"{"selection": {"all": true}, "op": "move_brand", "brand": "Acme"}"#;
        assert!(serde_json::from_str::<BulkRequest>(body).is_err());
    }
}
