//! Organising and review (issue 3): every mutation takes one asset or a selection, checks the
//! policy (atelier-domain) and the asset's state for each asset, applies what is allowed in
//! batches of up to 10,000 assets per transaction, and returns a per-asset report. A partial
//! success is kept, never rolled back (SPEC R5.2).
//!
//! Knows no SQL (atelier-catalog does that) and no terminal or HTTP.

mod assets;
mod stacks;
mod structure;

use std::collections::HashMap;

use atelier_catalog::{AssetFacts, BrandRow, UserRow};
use atelier_domain::limits::MAX_BULK_ASSETS;
use atelier_domain::{Action, Actor, AssetId, BrandKind, BrandRole, InvalidInput, StudioRole, Target, can};
use serde::Serialize;

pub use assets::MoveTarget;
pub(crate) use assets::project_not_found;
pub use structure::{KitEdit, ProjectDeleteReport, ProjectSettings};

use crate::export::Selection;
use crate::{Library, Result, now_ms};

/// One asset an operation could not act on, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BulkFailure {
    /// The asset.
    pub id: AssetId,
    /// Stable code (`forbidden`, `approved_locked`, `invalid_transition`, `not_on_this_brand`…).
    pub code: String,
    /// What was wrong, for a person.
    pub message: String,
}

/// What a bulk operation did, asset by asset (SPEC R5.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<BulkFailure>,
}

impl BulkReport {
    fn fail(&mut self, id: AssetId, e: InvalidInput) {
        self.failed.push(BulkFailure {
            id,
            code: e.code.to_string(),
            message: e.message,
        });
    }
}

/// Who is acting and with which roles.
#[derive(Debug, Clone)]
pub(crate) struct Acting {
    pub(crate) user: UserRow,
    pub(crate) studio_role: StudioRole,
    pub(crate) brand_roles: HashMap<i64, BrandRole>,
}

impl Acting {
    /// The policy's view of this actor on a brand.
    pub(crate) fn on(
        &self,
        brand: BrandRow,
        personal_of: Option<UserRow>,
        self_approval: bool,
        own: bool,
    ) -> (Actor, Target) {
        let kind = match personal_of {
            Some(owner) => BrandKind::Personal {
                owned_by_actor: owner == self.user,
            },
            None => BrandKind::Team,
        };
        (
            Actor {
                studio_role: self.studio_role,
                brand_role: self.brand_roles.get(&brand.0).copied(),
            },
            Target {
                brand: kind,
                own_asset: own,
                self_approval,
            },
        )
    }

    /// May the actor take `action` on this asset?
    pub(crate) fn may(&self, action: Action, f: &AssetFacts) -> Result<(), InvalidInput> {
        let (actor, target) = self.on(f.brand, f.personal_of, f.self_approval, f.creator == self.user);
        can(&actor, action, &target)
    }
}

/// Refusal for changes to approved work (R7.5).
pub(crate) fn approved_locked(what: &str) -> InvalidInput {
    InvalidInput::new(
        "approved_locked",
        format!("approved assets can't {what}: archive it first"),
    )
}

impl Library {
    /// Acts as another local user from now on (to try roles before a studio exists).
    pub fn act_as(&mut self, handle: &str) -> Result<()> {
        let found = self.catalog().find_user(handle)?;
        let (user, _) = found.ok_or_else(|| {
            InvalidInput::new(
                "user_not_found",
                format!("no user named '{handle}' in this library: add them to a brand first"),
            )
        })?;
        self.actor = user;
        Ok(())
    }

    /// Who is acting, with their roles now.
    pub(crate) fn acting(&self) -> Result<Acting> {
        let catalog = self.catalog();
        let studio_role = catalog
            .find_user_row(self.actor)?
            .map(|(_, r)| r)
            .unwrap_or(StudioRole::Member);
        Ok(Acting {
            user: self.actor,
            studio_role,
            brand_roles: catalog.brand_roles(self.actor)?,
        })
    }

    /// Resolves a selection into batches of asset rows, with ids that are not in the library
    /// reported as failures. Explicit ids are limited to 10,000 per call; filter selections
    /// may be larger and are worked through in batches of 10,000 (R16.1, issue 3).
    pub(crate) fn batches(&self, selection: &Selection, report: &mut BulkReport) -> Result<Vec<Vec<i64>>> {
        let seqs: Vec<i64> = match selection {
            Selection::Ids(ids) => {
                if ids.is_empty() {
                    return Err(InvalidInput::new(
                        "empty_selection",
                        "nothing is selected: give asset ids, filters or --all",
                    )
                    .into());
                }
                if ids.len() > MAX_BULK_ASSETS {
                    return Err(InvalidInput::new(
                        "selection_too_large",
                        format!(
                            "{} ids given: at most {MAX_BULK_ASSETS} per call; select with filters for more",
                            ids.len()
                        ),
                    )
                    .into());
                }
                let found = self.catalog().seqs_of(ids)?;
                let mut out = Vec::with_capacity(ids.len());
                for (id, seq) in ids.iter().zip(found) {
                    match seq {
                        Some(s) if !out.contains(&s) => out.push(s),
                        Some(_) => {}
                        None => report.fail(
                            *id,
                            InvalidInput::new("not_found", format!("asset {id} is not in this library")),
                        ),
                    }
                }
                report.requested = ids.len();
                out
            }
            Selection::Query(q) => {
                let seqs = self.catalog().select_seqs(q, now_ms())?;
                if seqs.is_empty() {
                    return Err(InvalidInput::new(
                        "empty_selection",
                        "nothing matches these filters: nothing was changed",
                    )
                    .into());
                }
                report.requested = seqs.len();
                seqs
            }
        };
        // A stack moves, rates and reviews as one: its other members come along.
        let seqs = self.catalog().with_stacks(seqs)?;
        Ok(seqs.chunks(MAX_BULK_ASSETS).map(<[i64]>::to_vec).collect())
    }

    /// Runs `check` on every selected asset, then `apply` on the allowed ones, batch by batch.
    /// `check` returns `Ok(Some(plan))` to act (the plan travels to `apply` with the asset),
    /// `Ok(None)` when the asset is already as asked, or the refusal.
    pub(crate) fn bulk<T>(
        &self,
        selection: &Selection,
        mut check: impl FnMut(&Acting, &AssetFacts) -> Result<Option<T>, InvalidInput>,
        mut apply: impl FnMut(
            &mut atelier_catalog::Tx<'_>,
            &Acting,
            &[(AssetFacts, T)],
        ) -> atelier_catalog::Result<()>,
    ) -> Result<BulkReport> {
        let mut report = BulkReport::default();
        let acting = self.acting()?;
        for batch in self.batches(selection, &mut report)? {
            let facts = self.catalog().facts(&batch)?;
            let mut todo = Vec::with_capacity(facts.len());
            for f in facts {
                match check(&acting, &f) {
                    Ok(Some(plan)) => todo.push((f, plan)),
                    Ok(None) => report.succeeded.push(f.id),
                    Err(e) => report.fail(f.id, e),
                }
            }
            if !todo.is_empty() {
                self.catalog().write(|tx| apply(tx, &acting, &todo))?;
                report.succeeded.extend(todo.iter().map(|(f, _)| f.id));
            }
        }
        Ok(report)
    }
}
