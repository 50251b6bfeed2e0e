//! Organising and review (issue 3): every mutation takes one asset or a selection, checks the
//! policy (atelier-domain) and the asset's state for each asset, applies what is allowed in
//! batches of up to 10,000 assets per transaction, and returns a per-asset report. A partial
//! success is kept, never rolled back (SPEC R5.2).
//!
//! Knows no SQL (atelier-catalog does that) and no terminal or HTTP.

mod assets;
mod intents;
mod stacks;
mod structure;
mod undo;

use std::collections::{HashMap, HashSet};

use atelier_catalog::{AssetFacts, BrandRow, Scope, UserRow, Viewer};
use atelier_domain::limits::MAX_BULK_ASSETS;
use atelier_domain::visibility::{self, Placement};
use atelier_domain::{
    Actor, AssetId, BrandKind, BrandRole, ErrorCode, InvalidInput, StudioRole, Target, rules,
};

pub(crate) use assets::project_not_found;
pub use atelier_protocol::{BulkFailure, BulkReport};
pub use intents::MoveTarget;
pub use structure::{KitEdit, ProjectDeleteReport, ProjectSettings};

use crate::export::Selection;
use crate::{Acting, Result, now_ms};

/// Records a refusal in a report.
fn fail(report: &mut BulkReport, id: AssetId, e: InvalidInput) {
    report.failed.push(BulkFailure {
        id,
        code: e.code,
        message: e.message,
    });
}

/// Who is acting and with which roles, read fresh for each use case.
#[derive(Debug, Clone)]
pub(crate) struct Roles {
    pub(crate) user: UserRow,
    pub(crate) studio_role: StudioRole,
    pub(crate) brand_roles: HashMap<i64, BrandRole>,
}

impl Roles {
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

    /// The rules' view of one asset for this actor: who they are on its brand, and what the
    /// asset is (atelier_domain::rules decides from these alone).
    pub(crate) fn judge<'f>(&self, f: &'f AssetFacts) -> (Actor, rules::AssetFacts<'f>) {
        let (actor, target) = self.on(f.brand, f.personal_of, f.self_approval, f.creator == self.user);
        (
            actor,
            rules::AssetFacts {
                name: &f.name,
                status: f.status,
                trashed: f.trashed,
                tag_count: f.tag_count,
                target,
            },
        )
    }

    /// What these roles may see.
    pub(crate) fn viewer(&self) -> Viewer {
        Viewer {
            user: self.user,
            studio_role: self.studio_role,
            member_of: self.brand_roles.keys().map(|b| BrandRow(*b)).collect(),
        }
    }

    /// May the actor see this asset? Every change to one asset asks first: what they can't
    /// see they can't change either (the refusal says why).
    pub(crate) fn may_see(&self, f: &AssetFacts) -> Result<(), InvalidInput> {
        let brand = match f.personal_of {
            Some(owner) => BrandKind::Personal {
                owned_by_actor: owner == self.user,
            },
            None => BrandKind::Team,
        };
        let place = Placement {
            brand,
            member: self.brand_roles.contains_key(&f.brand.0),
            own_project: f.project_owner == self.user,
            shared_project: f.project_shared,
        };
        visibility::may_see(&place, self.studio_role)
    }
}

impl Acting<'_> {
    /// Who is acting, with their roles now.
    pub(crate) fn roles(&self) -> Result<Roles> {
        let catalog = self.catalog();
        let studio_role = catalog
            .find_user_row(self.user)?
            .map(|(_, r)| r)
            .unwrap_or(StudioRole::Member);
        Ok(Roles {
            user: self.user,
            studio_role,
            brand_roles: catalog.brand_roles(self.user)?,
        })
    }

    /// What the actor may see now: every read is cut to it.
    pub(crate) fn scope(&self) -> Result<Scope> {
        let viewer = self.roles()?.viewer();
        Ok(self.catalog().scope(&viewer)?)
    }

    /// The row of an asset the actor may see; an asset they may not see is, to them, not
    /// there (the same "not found" as an id that never existed).
    pub(crate) fn visible_seq(&self, id: AssetId) -> Result<i64> {
        let viewer = self.roles()?.viewer();
        let seq = self.catalog().seqs_of(&[id])?.pop().flatten();
        match seq {
            Some(s) if self.catalog().sees_asset(&viewer, s)? => Ok(s),
            _ => Err(crate::LibraryError::Catalog(
                atelier_catalog::CatalogError::NotFound {
                    what: "asset",
                    key: id.to_string(),
                },
            )),
        }
    }

    /// Resolves a selection into batches of asset rows, with ids that are not in the library
    /// reported as failures. Explicit ids are limited to 10,000 per call; filter selections
    /// may be larger and are worked through in batches of 10,000 (R16.1, issue 3).
    pub(crate) fn batches(&self, selection: &Selection, report: &mut BulkReport) -> Result<Vec<Vec<i64>>> {
        Ok(self.batches_carrying(selection, report)?.0)
    }

    /// [`Acting::batches`], and the stack members carried along with a cover that was asked
    /// for (they change with it, and aren't counted as asked for).
    fn batches_carrying(
        &self,
        selection: &Selection,
        report: &mut BulkReport,
    ) -> Result<(Vec<Vec<i64>>, HashSet<i64>)> {
        let seqs: Vec<i64> = match selection {
            Selection::Ids(ids) | Selection::Exact(ids) => {
                if ids.is_empty() {
                    return Err(InvalidInput::new(
                        ErrorCode::EmptySelection,
                        "nothing is selected: give asset ids, filters or --all",
                    )
                    .into());
                }
                if ids.len() > MAX_BULK_ASSETS {
                    return Err(InvalidInput::new(
                        ErrorCode::SelectionTooLarge,
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
                        None => fail(
                            report,
                            *id,
                            InvalidInput::new(
                                ErrorCode::NotFound,
                                format!("asset {id} is not in this library"),
                            ),
                        ),
                    }
                }
                report.requested = ids.len();
                out
            }
            Selection::Query(q) => {
                let scope = self.scope()?;
                let seqs = self.catalog().select_seqs(q, now_ms(), &scope)?;
                if seqs.is_empty() {
                    return Err(InvalidInput::new(
                        ErrorCode::EmptySelection,
                        "nothing matches these filters: nothing was changed",
                    )
                    .into());
                }
                report.requested = seqs.len();
                seqs
            }
        };
        // A stack moves, rates and reviews as one: its other members come along (an undo
        // names each member itself).
        let (seqs, carried) = if matches!(selection, Selection::Exact(_)) {
            (seqs, HashSet::new())
        } else {
            let asked: HashSet<i64> = seqs.iter().copied().collect();
            let all = self.catalog().with_stacks(seqs)?;
            let carried = all.iter().filter(|s| !asked.contains(s)).copied().collect();
            (all, carried)
        };
        Ok((
            seqs.chunks(MAX_BULK_ASSETS).map(<[i64]>::to_vec).collect(),
            carried,
        ))
    }

    /// Runs `check` on every selected live asset, then `apply` on the allowed ones, batch by
    /// batch. `check` returns `Ok(Some(plan))` to act (the plan travels to `apply` with the
    /// asset), `Ok(None)` when the asset is already as asked, or the refusal.
    pub(crate) fn bulk<T>(
        &self,
        selection: &Selection,
        check: impl FnMut(&Roles, &AssetFacts) -> Result<Option<T>, InvalidInput>,
        apply: impl FnMut(&mut atelier_catalog::Tx<'_>, &Roles, &[(AssetFacts, T)]) -> atelier_catalog::Result<()>,
    ) -> Result<BulkReport> {
        self.bulk_on(Pool::Live, selection, check, apply)
    }

    /// [`Acting::bulk`] on the assets of `pool`: what is in the Trash is only restored or
    /// purged; everything else acts on live assets, and says so of trashed ones.
    pub(crate) fn bulk_on<T>(
        &self,
        pool: Pool,
        selection: &Selection,
        mut check: impl FnMut(&Roles, &AssetFacts) -> Result<Option<T>, InvalidInput>,
        mut apply: impl FnMut(
            &mut atelier_catalog::Tx<'_>,
            &Roles,
            &[(AssetFacts, T)],
        ) -> atelier_catalog::Result<()>,
    ) -> Result<BulkReport> {
        let mut report = BulkReport::default();
        let acting = self.roles()?;
        let (batches, carried) = self.batches_carrying(selection, &mut report)?;
        // The report names the assets asked for (one counting rule: cards); a refusal is
        // reported whoever it is about.
        let asked = |f: &AssetFacts| !carried.contains(&f.seq);
        for batch in batches {
            let facts = self.catalog().facts(&batch)?;
            let mut todo = Vec::with_capacity(facts.len());
            for f in facts {
                let verdict = acting
                    .may_see(&f)
                    .and_then(|()| pool.admits(&acting.judge(&f).1))
                    .and_then(|()| check(&acting, &f));
                match verdict {
                    Ok(Some(plan)) => todo.push((f, plan)),
                    Ok(None) if asked(&f) => report.succeeded.push(f.id),
                    Ok(None) => {}
                    Err(e) => fail(&mut report, f.id, e),
                }
            }
            if !todo.is_empty() {
                let ((), span) = self.catalog().write_journaled(|tx| apply(tx, &acting, &todo))?;
                report
                    .succeeded
                    .extend(todo.iter().filter(|(f, _)| asked(f)).map(|(f, _)| f.id));
                report.undo.extend(span);
            }
        }
        Ok(report)
    }
}

/// Which assets an operation works on: the live ones, or those in the Trash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pool {
    /// Everything outside the Trash (what every organising action acts on).
    Live,
    /// The Trash (restore, purge).
    Trash,
}

impl Pool {
    pub(crate) fn admits(self, f: &rules::AssetFacts<'_>) -> Result<(), InvalidInput> {
        match self {
            Pool::Live => rules::live(f),
            Pool::Trash => rules::in_trash(f),
        }
    }
}
