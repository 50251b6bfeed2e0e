//! The one door for organising a selection: [`Acting::apply`] takes an
//! [`Intent`](atelier_protocol::Intent) — what the web API receives, what the CLI builds from its
//! arguments, what the sync client will replay — resolves the ids it names within what the actor
//! may see, and carries it out. The named methods below (`rate`, `collection_add`…) are
//! shorthands that build an intent, for callers that hold names (people typing, tests).
//!
//! Knows no SQL and no HTTP.

use atelier_catalog::{BrandRow, CampaignRow, CollectionRow, ProjectRow};
use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId};
use atelier_domain::{ErrorCode, Flag, InvalidInput, Label, Rating, ReviewAction};
use atelier_protocol::Intent;

use super::{BulkReport, project_not_found};
use crate::export::Selection;
use crate::{Acting, LibraryError, Result};

/// Where `move` sends assets, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveTarget {
    /// Into a project (by name).
    Project(String),
    /// Onto a brand (by name).
    Brand(String),
}

impl Acting<'_> {
    /// Carries out an intent on a selection, asset by asset (SPEC R5.2): each asset is checked
    /// against the actor's roles now and its state, the allowed ones change in batches, and
    /// the report says what happened to each. An id the actor may not see is "not found".
    pub fn apply(&self, selection: &Selection, intent: &Intent) -> Result<BulkReport> {
        match intent {
            Intent::Rate { rating } => self.set_rating(selection, *rating),
            Intent::Flag { flag } => self.set_flag(selection, *flag),
            Intent::Label { label } => self.set_label(selection, *label),
            Intent::TagAdd { tags } => self.add_tags(selection, tags),
            Intent::TagRemove { tags } => self.remove_tags(selection, tags),
            Intent::CollectionAdd { collection } => {
                let (c, b) = self.collection_of(*collection)?;
                self.collection_membership(c, b, selection, true)
            }
            Intent::CollectionRemove { collection } => {
                let (c, b) = self.collection_of(*collection)?;
                self.collection_membership(c, b, selection, false)
            }
            Intent::CampaignAdd { campaign } => {
                let (c, b) = self.campaign_of(*campaign)?;
                self.campaign_membership(c, b, selection, true)
            }
            Intent::CampaignRemove { campaign } => {
                let (c, b) = self.campaign_of(*campaign)?;
                self.campaign_membership(c, b, selection, false)
            }
            Intent::Review { action, note } => self.review_selection(selection, *action, note.as_deref()),
            Intent::MoveProject { project } => {
                let p = self.project_by_id(*project)?;
                self.move_to_project(selection, p)
            }
            Intent::MoveBrand { brand } => {
                let b = self.brand_by_id(*brand)?;
                self.move_to_brand(selection, b)
            }
            Intent::Delete => self.trash(selection),
            Intent::Restore => self.untrash(selection),
            Intent::Purge => self.purge_for_good(selection),
        }
    }

    // ---- ids → rows, within what the actor may see

    /// A collection the actor may see, and its brand.
    fn collection_of(&self, id: CollectionId) -> Result<(CollectionRow, BrandRow)> {
        let found = self.catalog().collection_by_id(id)?;
        match found {
            Some((c, b)) if self.sees(b)? => Ok((c, b)),
            _ => Err(not_found(
                ErrorCode::CollectionNotFound,
                format!("no collection with id {id}"),
            )),
        }
    }

    /// A campaign the actor may see, and its brand.
    fn campaign_of(&self, id: CampaignId) -> Result<(CampaignRow, BrandRow)> {
        let found = self.catalog().campaign_by_id(id)?;
        match found {
            Some((c, b)) if self.sees(b)? => Ok((c, b)),
            _ => Err(not_found(
                ErrorCode::CampaignNotFound,
                format!("no campaign with id {id}"),
            )),
        }
    }

    /// A brand the actor may see.
    fn brand_by_id(&self, id: BrandId) -> Result<BrandRow> {
        let found = self.catalog().brand_by_id(id)?;
        match found {
            Some(b) if self.sees(b)? => Ok(b),
            _ => Err(not_found(
                ErrorCode::BrandNotFound,
                format!("no brand with id {id}"),
            )),
        }
    }

    /// One of the actor's own projects (assets move only into projects of one's own).
    fn project_by_id(&self, id: ProjectId) -> Result<ProjectRow> {
        let found = self.catalog().project_by_id(id)?;
        match found {
            Some((p, owner)) if owner == self.user => Ok(p),
            _ => Err(not_found(
                ErrorCode::ProjectNotFound,
                format!("no project of yours with id {id}"),
            )),
        }
    }

    fn sees(&self, brand: BrandRow) -> Result<bool> {
        let viewer = self.roles()?.viewer();
        Ok(self.catalog().sees_brand(&viewer, brand)?)
    }

    // ---- names → ids, for callers that hold names

    /// The collection at `path` — in `brand` when given, otherwise in the one brand the actor
    /// sees that has it (several: refused, asking for the brand).
    pub fn collection_id(&self, path: &str, brand: Option<&str>) -> Result<CollectionId> {
        let (_, c) = self.locate_collection(path, brand)?;
        Ok(self.catalog().id_of(c)?)
    }

    /// The campaign called `name` in `brand`.
    pub fn campaign_id(&self, name: &str, brand: &str) -> Result<CampaignId> {
        let (_, c) = self.campaign_row(name, brand)?;
        Ok(self.catalog().id_of(c)?)
    }

    /// The brand called `name` ("Personal" is the actor's own).
    pub fn brand_id(&self, name: &str) -> Result<BrandId> {
        let b = self.brand_row(name)?;
        Ok(self.catalog().id_of(b)?)
    }

    /// The actor's project called `name`.
    pub fn project_id(&self, name: &str) -> Result<ProjectId> {
        let me = self.user;
        let found = self.catalog().find_project(me, name)?;
        let p = found.ok_or_else(|| project_not_found(name))?;
        Ok(self.catalog().id_of(p)?)
    }

    /// The intent that moves assets to `to`.
    pub fn move_intent(&self, to: &MoveTarget) -> Result<Intent> {
        Ok(match to {
            MoveTarget::Project(name) => Intent::MoveProject {
                project: self.project_id(name)?,
            },
            MoveTarget::Brand(name) => Intent::MoveBrand {
                brand: self.brand_id(name)?,
            },
        })
    }

    // ---- shorthands

    /// Sets the rating (0 clears it) of a selection.
    pub fn rate(&self, selection: &Selection, rating: Rating) -> Result<BulkReport> {
        self.apply(selection, &Intent::Rate { rating })
    }

    /// Sets the culling flag of a selection.
    pub fn flag(&self, selection: &Selection, flag: Flag) -> Result<BulkReport> {
        self.apply(selection, &Intent::Flag { flag })
    }

    /// Sets the colour label of a selection.
    pub fn label(&self, selection: &Selection, label: Label) -> Result<BulkReport> {
        self.apply(selection, &Intent::Label { label })
    }

    /// Adds tags (created when new) to a selection.
    pub fn tag_add(&self, selection: &Selection, tags: &[String]) -> Result<BulkReport> {
        self.apply(selection, &Intent::TagAdd { tags: tags.to_vec() })
    }

    /// Removes tags from a selection (a tag the asset doesn't carry is a no-op).
    pub fn tag_remove(&self, selection: &Selection, tags: &[String]) -> Result<BulkReport> {
        self.apply(selection, &Intent::TagRemove { tags: tags.to_vec() })
    }

    /// Files a selection into the collection at `path` (see [`Acting::collection_id`]).
    pub fn collection_add(
        &self,
        path: &str,
        selection: &Selection,
        brand: Option<&str>,
    ) -> Result<BulkReport> {
        let collection = self.collection_id(path, brand)?;
        self.apply(selection, &Intent::CollectionAdd { collection })
    }

    /// Takes a selection out of the collection at `path`.
    pub fn collection_remove(
        &self,
        path: &str,
        selection: &Selection,
        brand: Option<&str>,
    ) -> Result<BulkReport> {
        let collection = self.collection_id(path, brand)?;
        self.apply(selection, &Intent::CollectionRemove { collection })
    }

    /// Adds a selection to the campaign `name` of `brand` (R8.2).
    pub fn campaign_add(&self, name: &str, selection: &Selection, brand: &str) -> Result<BulkReport> {
        let campaign = self.campaign_id(name, brand)?;
        self.apply(selection, &Intent::CampaignAdd { campaign })
    }

    /// Removes a selection from the campaign `name` of `brand`.
    pub fn campaign_remove(&self, name: &str, selection: &Selection, brand: &str) -> Result<BulkReport> {
        let campaign = self.campaign_id(name, brand)?;
        self.apply(selection, &Intent::CampaignRemove { campaign })
    }

    /// Takes a review action on a selection (R7.1–R7.3).
    pub fn review(
        &self,
        selection: &Selection,
        action: ReviewAction,
        note: Option<&str>,
    ) -> Result<BulkReport> {
        let note = note.map(str::to_string);
        self.apply(selection, &Intent::Review { action, note })
    }

    /// Moves a selection to another project or brand (R9.4, R10.4).
    pub fn move_assets(&self, selection: &Selection, to: &MoveTarget) -> Result<BulkReport> {
        let intent = self.move_intent(to)?;
        self.apply(selection, &intent)
    }

    /// Deletes a selection (R4.3, R7.5): moves it to the Trash, where it keeps everything it
    /// had until restored, or purged when the Trash is emptied or after 30 days. Approved work
    /// is refused (archive it first).
    pub fn delete(&self, selection: &Selection) -> Result<BulkReport> {
        self.apply(selection, &Intent::Delete)
    }

    /// Takes a selection out of the Trash, as it was.
    pub fn restore(&self, selection: &Selection) -> Result<BulkReport> {
        self.apply(selection, &Intent::Restore)
    }

    /// Deletes for good what is selected in the Trash.
    pub fn purge(&self, selection: &Selection) -> Result<BulkReport> {
        self.apply(selection, &Intent::Purge)
    }
}

fn not_found(code: ErrorCode, message: String) -> LibraryError {
    InvalidInput::new(code, message).into()
}
