//! Operations on selected assets: rate, flag, tags, collections, campaigns, review, move,
//! rename, fork and delete.

use std::collections::HashMap;

use atelier_catalog::{BrandRow, CampaignRow, CollectionRow, Column, FreedFile, ProjectRow};
use atelier_domain::rules;
use atelier_domain::{
    AssetId, AssetQuery, Bucket, ErrorCode, Flag, Id, InvalidInput, Label, Rating, ReviewAction, Status,
    names, validate_note,
};

use super::{BulkReport, Pool};
use crate::export::Selection;
use crate::layout::RenditionKind;
use crate::{Acting, LibraryError, Result, now_ms};

/// How each intent is carried out. [`Acting::apply`] (intents.rs) is the one way in; these
/// take rows it has already resolved and checked the actor may see.
impl Acting<'_> {
    /// Sets the rating (0 clears it) of a selection.
    pub(super) fn set_rating(&self, selection: &Selection, rating: Rating) -> Result<BulkReport> {
        let value = i64::from(rating.stars());
        self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::organise(&actor, &facts)?;
                Ok((f.rating != rating.stars()).then_some(()))
            },
            |tx, a, todo| tx.set_column(Column::Rating, &seqs(todo), value, a.user, now_ms()),
        )
    }

    /// Sets the culling flag of a selection.
    pub(super) fn set_flag(&self, selection: &Selection, flag: Flag) -> Result<BulkReport> {
        self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::organise(&actor, &facts)?;
                Ok((f.flag != flag).then_some(()))
            },
            |tx, a, todo| tx.set_column(Column::Flag, &seqs(todo), flag.code(), a.user, now_ms()),
        )
    }

    /// Sets the colour label of a selection (a local label: anyone who may organise it).
    pub(super) fn set_label(&self, selection: &Selection, label: Label) -> Result<BulkReport> {
        self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::organise(&actor, &facts)?;
                Ok((f.label != label).then_some(()))
            },
            |tx, a, todo| tx.set_column(Column::Label, &seqs(todo), label.code(), a.user, now_ms()),
        )
    }

    /// Adds tags to a selection (at most 64 per asset).
    pub(super) fn add_tags(&self, selection: &Selection, tags: &[String]) -> Result<BulkReport> {
        let tags = normalize_all(tags)?;
        // How many of the tags each asset already has, to enforce the limit per asset. Tags
        // that don't exist yet are created with the first batch that takes them: a refusal
        // leaves no empty tag behind.
        let mut have: HashMap<i64, u32> = HashMap::new();
        for t in &tags {
            let found = self.catalog().find_tag(t)?;
            if let Some(id) = found {
                for s in self.catalog().tag_members(id)? {
                    *have.entry(s).or_default() += 1;
                }
            }
        }
        let n = tags.len() as u32;
        self.bulk(
            selection,
            |a, f| {
                let adding = n - have.get(&f.seq).copied().unwrap_or(0);
                let (actor, facts) = a.judge(f);
                rules::tag(&actor, &facts, adding)?;
                Ok((adding > 0).then_some(()))
            },
            |tx, a, todo| {
                let ids = tx.tag_ids(&tags, now_ms())?;
                tx.add_tags(&seqs(todo), &ids, a.user, now_ms())
            },
        )
    }

    /// Removes tags from a selection (a tag the asset doesn't carry is a no-op).
    pub(super) fn remove_tags(&self, selection: &Selection, tags: &[String]) -> Result<BulkReport> {
        let mut ids = Vec::new();
        for t in tags {
            match self.catalog().find_tag(t)? {
                Some(id) => ids.push(id),
                None => {
                    return Err(InvalidInput::new(
                        ErrorCode::TagNotFound,
                        format!("no tag named '{t}': see `atelier tag list`"),
                    )
                    .into());
                }
            }
        }
        self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::organise(&actor, &facts).map(Some)
            },
            |tx, a, todo| tx.remove_tags(&seqs(todo), &ids, a.user, now_ms()),
        )
    }

    /// Files a selection into a collection (`add`) or takes it out. Collections hold their own
    /// brand's assets: others are refused, each reported.
    pub(super) fn collection_membership(
        &self,
        collection: CollectionRow,
        brand: BrandRow,
        selection: &Selection,
        add: bool,
    ) -> Result<BulkReport> {
        self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::file(&actor, &facts, f.brand == brand).map(Some)
            },
            |tx, a, todo| {
                if add {
                    tx.file(collection, &seqs(todo), a.user, now_ms())
                } else {
                    tx.unfile(collection, &seqs(todo), a.user, now_ms())
                }
            },
        )
    }

    /// Adds a selection to a campaign (`add`) or takes it out: assets already in it are
    /// skipped, assets of another brand refused, each reported (R8.2).
    pub(super) fn campaign_membership(
        &self,
        campaign: CampaignRow,
        b: BrandRow,
        selection: &Selection,
        add: bool,
    ) -> Result<BulkReport> {
        let name = self.catalog().campaign_name(campaign)?;
        let members = self.catalog().campaign_members(campaign)?;
        let mut skipped = Vec::new();
        let mut report = self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::campaign(&actor, &facts, f.brand == b)?;
                let there = members.contains(&f.seq);
                if add && there {
                    skipped.push(f.id);
                    return Ok(None);
                }
                Ok((add || there).then_some(()))
            },
            |tx, a, todo| {
                if add {
                    tx.add_to_campaign(campaign, &seqs(todo), a.user, now_ms())
                } else {
                    tx.remove_from_campaign(campaign, &seqs(todo), a.user, now_ms())
                }
            },
        )?;
        report.succeeded.retain(|id| !skipped.contains(id));
        report.skipped = skipped
            .into_iter()
            .map(|id| super::BulkFailure {
                id,
                code: ErrorCode::AlreadyInCampaign,
                message: format!("already in campaign '{name}'"),
            })
            .collect();
        Ok(report)
    }

    /// Takes a review action on a selection (R7.1–R7.3), writing an audit entry per asset.
    pub(super) fn review_selection(
        &self,
        selection: &Selection,
        action: ReviewAction,
        note: Option<&str>,
    ) -> Result<BulkReport> {
        let note = note.map(validate_note).transpose()?.flatten();
        self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                let next = rules::review(&actor, &facts, action)?;
                // R7.3: a library bound to a studio also requires a shared project to submit;
                // a standalone library has no one to hide work from.
                Ok(Some((f.status, next)))
            },
            |tx, a, todo| {
                let now = now_ms();
                let mut by: HashMap<i64, Vec<i64>> = HashMap::new();
                for (f, (from, next)) in todo {
                    let (from, next) = (*from, *next);
                    tx.record_review(f.seq, a.user, action.as_str(), from, next, note.as_deref(), now)?;
                    by.entry(next.code()).or_default().push(f.seq);
                }
                for (status, s) in by {
                    tx.set_column(Column::Status, &s, status, a.user, now)?;
                }
                Ok(())
            },
        )
    }

    /// Moves a selection to another project (R9.4). Approved assets are refused.
    pub(super) fn move_to_project(&self, selection: &Selection, project: ProjectRow) -> Result<BulkReport> {
        // The studio's storage limit (R9.5) for the whole move, before anything moves.
        if self.studio_limits()?.storage_per_project.is_some() {
            let mut seen = BulkReport::default();
            let seqs: Vec<i64> = self.batches(selection, &mut seen)?.concat();
            let adding = self.catalog().bytes_moving_into(&seqs, project)?;
            self.check_storage_limit(project, adding)?;
        }
        self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::move_project(&actor, &facts)?;
                Ok((f.project != project).then_some(()))
            },
            |tx, a, todo| tx.set_column(Column::Project, &seqs(todo), project.0, a.user, now_ms()),
        )
    }

    /// Moves a selection to another brand (R10.4). Approved assets are refused; a move sends
    /// assets back to Draft for the new brand's reviewers and drops their old brand's
    /// collections and campaigns.
    pub(super) fn move_to_brand(&self, selection: &Selection, brand: BrandRow) -> Result<BulkReport> {
        let (personal_of, self_approval) = self.catalog().brand_facts(brand)?;
        self.bulk(
            selection,
            |a, f| {
                if f.brand == brand {
                    return Ok(None);
                }
                let (actor, facts) = a.judge(f);
                let (into, to) = a.on(brand, personal_of, self_approval, false);
                rules::move_brand(&actor, &facts, &into, &to)?;
                Ok(Some(()))
            },
            |tx, a, todo| {
                let now = now_ms();
                let s = seqs(todo);
                tx.drop_brand_memberships(&s, a.user, now)?;
                tx.set_column_because(
                    Column::Status,
                    &s,
                    Status::Draft.code(),
                    Some("brand_move"),
                    a.user,
                    now,
                )?;
                tx.set_column(Column::Brand, &s, brand.0, a.user, now)
            },
        )
    }

    /// Renames one asset (approved work keeps its name); returns the journal entry it wrote
    /// (what an Undo names).
    pub fn rename_asset(&self, id: AssetId, name: &str) -> Result<Option<atelier_protocol::JournalSpan>> {
        let f = self.one(id)?;
        let format = self.catalog().formats_of(&[f.seq])?;
        let content_ext = match format.first().map(String::as_str) {
            Some("jpeg") => "jpg",
            Some("tiff") => "tif",
            Some("heif") => "heic",
            Some(f @ ("png" | "webp" | "gif" | "bmp" | "avif" | "svg")) => f,
            _ => "",
        };
        let name = names::asset_file_name(name, &f.name, content_ext)?;
        let acting = self.roles()?;
        let (actor, facts) = acting.judge(&f);
        rules::edit(&actor, &facts)?;
        let ((), span) = self
            .catalog()
            .write_journaled(|tx| tx.rename_asset(f.seq, &name, acting.user, now_ms()))?;
        Ok(span)
    }

    /// Makes a new Draft from an asset, pointing to it (R7.5). Bytes are shared.
    pub fn fork(&self, id: AssetId) -> Result<AssetId> {
        let f = self.one(id)?;
        let acting = self.roles()?;
        let (actor, facts) = acting.judge(&f);
        rules::fork(&actor, &facts)?;
        let new = AssetId::new_v7();
        self.catalog()
            .write(|tx| tx.fork(f.seq, new, acting.user, now_ms()))?;
        Ok(new)
    }

    /// Deletes a selection (R4.3, R7.5): moves it to the Trash, where it keeps everything it
    /// had (tags, collections, campaigns, files) until restored, or purged when the Trash is
    /// emptied or after 30 days. Approved work is refused (archive it first).
    pub(super) fn trash(&self, selection: &Selection) -> Result<BulkReport> {
        self.bulk(
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::delete(&actor, &facts).map(Some)
            },
            |tx, a, todo| tx.set_trashed(&seqs(todo), true, a.user, now_ms()),
        )
    }

    /// Takes a selection out of the Trash, as it was.
    pub(super) fn untrash(&self, selection: &Selection) -> Result<BulkReport> {
        self.bulk_on(
            Pool::Trash,
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::restore_or_purge(&actor, &facts).map(Some)
            },
            |tx, a, todo| tx.set_trashed(&seqs(todo), false, a.user, now_ms()),
        )
    }

    /// Deletes for good what is selected in the Trash: catalog records and renditions; files the
    /// library manages are removed and files added in place go to the system trash, once no
    /// other asset (a fork) uses the bytes.
    pub(super) fn purge_for_good(&self, selection: &Selection) -> Result<BulkReport> {
        let mut freed: Vec<FreedFile> = Vec::new();
        let report = self.bulk_on(
            Pool::Trash,
            selection,
            |a, f| {
                let (actor, facts) = a.judge(f);
                rules::restore_or_purge(&actor, &facts).map(Some)
            },
            |tx, a, todo| {
                freed.extend(tx.delete_assets(&seqs(todo), a.user, now_ms())?);
                Ok(())
            },
        )?;
        self.free_files(&freed);
        Ok(report)
    }

    /// Empties the Trash: purges everything in it the actor may delete.
    pub fn empty_trash(&self) -> Result<BulkReport> {
        let everything = AssetQuery {
            bucket: Bucket::Trash,
            ..AssetQuery::default()
        };
        let scope = self.scope()?;
        if self
            .catalog()
            .select_set(&everything, now_ms(), &scope)?
            .is_empty()
        {
            return Ok(BulkReport::default());
        }
        self.purge_for_good(&Selection::Query(Box::new(everything)))
    }

    /// One asset to change: its facts, once the actor may see it (else the reason why not).
    pub(crate) fn one(&self, id: AssetId) -> Result<atelier_catalog::AssetFacts> {
        let seq = self.catalog().seqs_of(&[id])?.pop().flatten();
        let found = match seq {
            Some(seq) => self.catalog().facts(&[seq])?.pop(),
            None => None,
        };
        let f = found.ok_or_else(|| {
            LibraryError::from(InvalidInput::new(
                ErrorCode::NotFound,
                format!("asset {id} is not in this library"),
            ))
        })?;
        let roles = self.roles()?;
        roles.may_see(&f)?;
        Pool::Live.admits(&roles.judge(&f).1)?;
        Ok(f)
    }

    /// A brand the actor may see, by name ("Personal" is their own).
    pub(crate) fn brand_row(&self, name: &str) -> Result<BrandRow> {
        let found = self.catalog().find_brand(name, self.user)?;
        let viewer = self.roles()?.viewer();
        match found {
            Some(b) if self.catalog().sees_brand(&viewer, b)? => Ok(b),
            _ => Err(InvalidInput::new(
                ErrorCode::BrandNotFound,
                format!("no brand named '{name}': see `atelier brand list`"),
            )
            .into()),
        }
    }
}

/// How long deleted assets wait in the Trash before they are purged (as Immich and Eagle do).
pub const TRASH_DAYS: i64 = 30;

impl crate::Library {
    /// Removes renditions and files no asset uses any more. Failures are not errors: the
    /// catalog is already consistent, and a leftover file is only disk space.
    pub(crate) fn free_files(&self, freed: &[FreedFile]) {
        for f in freed {
            for (kind, ext) in [
                (RenditionKind::Thumb, f.thumb.as_deref()),
                (RenditionKind::Preview, Some("jpg")),
                (RenditionKind::Preview, Some("png")),
            ] {
                if let Some(ext) = ext {
                    let _ = std::fs::remove_file(self.layout.rendition(&f.hash, kind, ext));
                }
            }
            if f.managed {
                let _ = std::fs::remove_file(self.layout.root().join(&f.path));
            } else {
                let path = &f.path;
                if path.exists() {
                    let _ = match &self.options.trash_dir {
                        Some(dir) => move_to_folder(path, dir),
                        None => trash::delete(path).map_err(|e| std::io::Error::other(e.to_string())),
                    };
                }
            }
        }
    }

    /// Purges what has waited in the Trash for more than [`TRASH_DAYS`] days; returns how many
    /// assets went. Cheap when there is nothing to purge (one indexed lookup).
    pub fn purge_expired_trash(&self) -> Result<usize> {
        let before = now_ms() - TRASH_DAYS * 24 * 60 * 60 * 1000;
        let seqs = self.catalog().trashed_before(before)?;
        if seqs.is_empty() {
            return Ok(0);
        }
        let me = self.me().user;
        let freed = self.catalog().write(|tx| tx.delete_assets(&seqs, me, now_ms()))?;
        self.free_files(&freed);
        Ok(seqs.len())
    }
}

/// Moves a file into `dir`, under a free name (rename, or copy and remove across devices).
fn move_to_folder(path: &std::path::Path, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let mut dest = dir.join(&name);
    let mut n = 2;
    while dest.exists() {
        dest = dir.join(format!("{n} {name}"));
        n += 1;
    }
    if std::fs::rename(path, &dest).is_err() {
        std::fs::copy(path, &dest)?;
        std::fs::remove_file(path)?;
    }
    Ok(())
}

pub(crate) fn project_not_found(name: &str) -> LibraryError {
    InvalidInput::new(
        ErrorCode::ProjectNotFound,
        format!("no project named '{name}': see `atelier project list`"),
    )
    .into()
}

fn seqs<T>(todo: &[(atelier_catalog::AssetFacts, T)]) -> Vec<i64> {
    todo.iter().map(|(f, _)| f.seq).collect()
}

fn normalize_all(tags: &[String]) -> Result<Vec<String>, InvalidInput> {
    let out = names::normalize_tags(tags)?;
    if out.is_empty() {
        return Err(InvalidInput::new(ErrorCode::InvalidTag, "give at least one tag"));
    }
    Ok(out)
}
