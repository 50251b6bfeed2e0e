//! Undo (issue 14, defect 9): takes back one action from what the journal recorded of it —
//! each entry's before and after — by carrying out the inverse intents through the same door
//! as any change ([`Acting::apply`]), so the actor's roles and every asset's state are checked
//! now, and the undo is journaled (and synced) like any other change. An asset changed since
//! the action (by anyone) is left as it is and reported; what can't be taken back is said in
//! the report's notes. Undoing the undo's own spans is Redo.
//!
//! Knows no SQL and no HTTP.

use std::collections::BTreeMap;

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId};
use atelier_domain::{AssetId, ErrorCode, Flag, Id, InvalidInput, Label, Rating, ReviewAction, Status};
use atelier_protocol::{BulkFailure, Change, ChangeAction, Entity, Intent, JournalSpan, UndoReport};
use serde_json::Value;

use crate::export::Selection;
use crate::{Acting, LibraryError, Result, now_ms};

/// At most this many spans per undo (an action over 640,000 assets in batches of 10,000).
const MAX_SPANS: usize = 64;
/// At most this many journal entries per undo.
const MAX_ENTRIES: usize = 100_000;

impl Acting<'_> {
    /// Takes back the action that wrote `spans` (its report's `undo`): only the actor's own
    /// changes, once. Entries are undone newest first.
    pub fn undo(&self, spans: &[JournalSpan]) -> Result<UndoReport> {
        if spans.is_empty() || spans.len() > MAX_SPANS {
            return Err(InvalidInput::new(
                ErrorCode::NothingToUndo,
                format!(
                    "{} spans given: an undo names 1 to {MAX_SPANS} spans of the journal (an action's `undo`)",
                    spans.len()
                ),
            )
            .into());
        }
        if let Some(s) = spans.iter().find(|s| s.first < 1 || s.last < s.first) {
            return Err(InvalidInput::new(
                ErrorCode::NothingToUndo,
                format!(
                    "span {}–{} is not a span of the journal: `first` must be at least 1 and not after `last`",
                    s.first, s.last
                ),
            )
            .into());
        }
        let entries = self.catalog().changes_in(spans, MAX_ENTRIES + 1)?;
        if entries.is_empty() {
            return Err(InvalidInput::new(
                ErrorCode::NothingToUndo,
                "no change of this library's journal is in those spans: nothing was undone",
            )
            .into());
        }
        if entries.len() > MAX_ENTRIES {
            return Err(InvalidInput::new(
                ErrorCode::SelectionTooLarge,
                format!("more than {MAX_ENTRIES} changes named: undo a smaller action"),
            )
            .into());
        }
        if self.catalog().others_in(spans, self.user)? {
            return Err(InvalidInput::new(
                ErrorCode::Forbidden,
                "only your own changes can be undone: those spans hold someone else's",
            )
            .into());
        }
        if !self.catalog().undone_in(spans)?.is_empty() {
            return Err(InvalidInput::new(
                ErrorCode::AlreadyUndone,
                "this was already undone (Redo puts it back)",
            )
            .into());
        }
        let mut out = UndoReport::default();
        for c in entries.iter().rev() {
            self.undo_entry(c, &mut out)?;
        }
        out.assets.succeeded.sort();
        out.assets.succeeded.dedup();
        let seqs: Vec<i64> = entries.iter().map(|c| c.seq).collect();
        self.catalog().write(|tx| tx.mark_undone(&seqs, now_ms()))?;
        Ok(out)
    }

    fn undo_entry(&self, c: &Change, out: &mut UndoReport) -> Result<()> {
        let subject = c.entity_id.as_deref().and_then(|s| s.parse::<uuid::Uuid>().ok());
        match (c.entity, c.action) {
            (Entity::Asset, ChangeAction::Rating) => self.undo_column(c, "rating", out),
            (Entity::Asset, ChangeAction::Flag) => self.undo_column(c, "flag", out),
            (Entity::Asset, ChangeAction::Label) => self.undo_column(c, "label", out),
            (Entity::Asset, ChangeAction::Project) => self.undo_column(c, "project", out),
            (Entity::Asset, ChangeAction::Brand) => self.undo_column(c, "brand", out),
            (Entity::Asset, ChangeAction::Status) => self.undo_status(c, out),
            (Entity::Asset, a @ (ChangeAction::TagAdd | ChangeAction::TagRemove)) => {
                let name = match subject {
                    Some(u) => self.catalog().tag_name(u)?,
                    None => None,
                };
                let Some(name) = name else {
                    out.notes
                        .push("A tag that has since been deleted was left as it is.".into());
                    return Ok(());
                };
                let tags = vec![name];
                let intent = if a == ChangeAction::TagAdd {
                    Intent::TagRemove { tags }
                } else {
                    Intent::TagAdd { tags }
                };
                self.inverse(&c.assets, &intent, out)
            }
            (Entity::Asset, a @ (ChangeAction::CollectionAdd | ChangeAction::CollectionRemove)) => {
                let Some(u) = subject else { return Ok(()) };
                let collection = CollectionId::from_uuid(u);
                let intent = if a == ChangeAction::CollectionAdd {
                    Intent::CollectionRemove { collection }
                } else {
                    Intent::CollectionAdd { collection }
                };
                self.inverse(&c.assets, &intent, out)
            }
            (Entity::Asset, a @ (ChangeAction::CampaignAdd | ChangeAction::CampaignRemove)) => {
                let Some(u) = subject else { return Ok(()) };
                let campaign = CampaignId::from_uuid(u);
                let intent = if a == ChangeAction::CampaignAdd {
                    Intent::CampaignRemove { campaign }
                } else {
                    Intent::CampaignAdd { campaign }
                };
                self.inverse(&c.assets, &intent, out)
            }
            (Entity::Asset, ChangeAction::Trash) => self.inverse(&c.assets, &Intent::Restore, out),
            (Entity::Asset, ChangeAction::Restore) => self.inverse(&c.assets, &Intent::Delete, out),
            (Entity::Asset, ChangeAction::Rename) => {
                let (Some(id), Some(was), Some(now)) = (
                    subject.map(AssetId::from_uuid),
                    name_in(c.before.as_ref()),
                    name_in(c.after.as_ref()),
                ) else {
                    return Ok(());
                };
                self.undo_rename(id, &was, &now, out)
            }
            (Entity::Tag, ChangeAction::Rename) => {
                let (Some(was), Some(now)) = (name_in(c.before.as_ref()), name_in(c.after.as_ref())) else {
                    return Ok(());
                };
                match self.tag_rename(&now, &was) {
                    Ok(()) => Ok(()),
                    Err(LibraryError::Invalid(e)) => {
                        out.notes
                            .push(format!("The tag “{now}” kept its name: {}", e.message));
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            (Entity::Asset, ChangeAction::Import) => {
                out.notes.push(format!(
                    "{} imported files stay in the library: delete them to send them to the Trash.",
                    c.assets.len()
                ));
                Ok(())
            }
            (entity, action) => {
                out.notes.push(format!(
                    "{} of a {} can't be undone.",
                    action.as_str(),
                    entity.as_str()
                ));
                Ok(())
            }
        }
    }

    /// A column a bulk action set (rating, flag, label, project, brand): each asset still at the
    /// value the action gave it goes back to its own value before; the others are left alone.
    fn undo_column(&self, c: &Change, col: &str, out: &mut UndoReport) -> Result<()> {
        let (Some(Value::Object(before)), Some(after)) = (
            c.before.as_ref().and_then(|b| b.get(col)),
            c.after.as_ref().and_then(|a| a.get(col)),
        ) else {
            return Ok(());
        };
        let ids: Vec<AssetId> = before.keys().filter_map(|k| k.parse().ok()).collect();
        let now = self.current(&ids, col)?;
        // Grouped by the value each asset goes back to.
        let mut groups: BTreeMap<String, (Value, Vec<AssetId>)> = BTreeMap::new();
        for id in ids {
            let (Some(was), Some(is)) = (before.get(&id.to_string()), now.get(&id)) else {
                continue;
            };
            if is != after {
                out.assets.skipped.push(BulkFailure {
                    id,
                    code: ErrorCode::ChangedSince,
                    message: format!("its {col} changed since ({}): left as it is", shown(is)),
                });
                continue;
            }
            groups
                .entry(was.to_string())
                .or_insert_with(|| (was.clone(), Vec::new()))
                .1
                .push(id);
        }
        for (was, ids) in groups.into_values() {
            let Some(intent) = set_intent(col, &was) else {
                continue;
            };
            self.inverse(&ids, &intent, out)?;
        }
        Ok(())
    }

    /// A status entry: a brand move's reset to Draft puts work that was in review back in
    /// review; review decisions themselves are taken back within their grace period, on the
    /// review page, not here.
    fn undo_status(&self, c: &Change, out: &mut UndoReport) -> Result<()> {
        let moved = c
            .after
            .as_ref()
            .and_then(|a| a.get("because"))
            .and_then(Value::as_str)
            == Some("brand_move");
        if !moved {
            out.notes.push(
                "Review decisions are taken back within 5 seconds, on the review page; this one stays."
                    .into(),
            );
            return Ok(());
        }
        let Some(Value::Object(before)) = c.before.as_ref().and_then(|b| b.get("status")) else {
            return Ok(());
        };
        let in_review: Vec<AssetId> = before
            .iter()
            .filter(|(_, v)| v.as_str() == Some(Status::InReview.as_str()))
            .filter_map(|(k, _)| k.parse().ok())
            .collect();
        if !in_review.is_empty() {
            let submit = Intent::Review {
                action: ReviewAction::Submit,
                note: None,
            };
            self.inverse(&in_review, &submit, out)?;
        }
        Ok(())
    }

    fn undo_rename(&self, id: AssetId, was: &str, now: &str, out: &mut UndoReport) -> Result<()> {
        let Some(Value::String(current)) = self.current(&[id], "name")?.remove(&id) else {
            return Ok(());
        };
        if current != now {
            out.assets.skipped.push(BulkFailure {
                id,
                code: ErrorCode::ChangedSince,
                message: format!("renamed again since (now “{current}”): left as it is"),
            });
            return Ok(());
        }
        match self.rename_asset(id, was) {
            Ok(span) => {
                out.assets.succeeded.push(id);
                out.assets.undo.extend(span);
            }
            Err(LibraryError::Invalid(e)) => out.assets.failed.push(BulkFailure {
                id,
                code: e.code,
                message: e.message,
            }),
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Carries out one inverse intent on exactly these assets (not their stacks: each member
    /// was recorded on its own). A refusal of the whole intent (the collection is gone, a role
    /// was lost) becomes a note; the rest of the undo goes on.
    fn inverse(&self, ids: &[AssetId], intent: &Intent, out: &mut UndoReport) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        match self.apply(&Selection::Exact(ids.to_vec()), intent) {
            Ok(report) => {
                out.assets.requested += report.requested;
                out.assets.succeeded.extend(report.succeeded);
                out.assets.failed.extend(report.failed);
                out.assets.skipped.extend(report.skipped);
                out.assets.undo.extend(report.undo);
                Ok(())
            }
            Err(LibraryError::Invalid(e)) => {
                out.notes.push(e.message);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Each asset's `col` now, as the journal shows values (names, public ids).
    fn current(&self, ids: &[AssetId], col: &str) -> Result<BTreeMap<AssetId, Value>> {
        let catalog = self.catalog();
        let seqs: Vec<i64> = catalog.seqs_of(ids)?.into_iter().flatten().collect();
        let mut out = BTreeMap::new();
        for f in catalog.facts(&seqs)? {
            let v = match col {
                "rating" => Value::from(f.rating),
                "flag" => Value::from(f.flag.as_str()),
                "label" => Value::from(f.label.as_str()),
                "project" => Value::from(catalog.id_of::<ProjectId>(f.project)?.to_string()),
                "brand" => Value::from(catalog.id_of::<BrandId>(f.brand)?.to_string()),
                "name" => Value::from(f.name.clone()),
                _ => continue,
            };
            out.insert(f.id, v);
        }
        Ok(out)
    }
}

/// The intent that sets `col` back to `was` (as the journal shows it).
fn set_intent(col: &str, was: &Value) -> Option<Intent> {
    match col {
        "rating" => {
            let stars = u8::try_from(was.as_u64()?).ok()?;
            Some(Intent::Rate {
                rating: Rating::new(stars).ok()?,
            })
        }
        "flag" => Some(Intent::Flag {
            flag: was.as_str()?.parse::<Flag>().ok()?,
        }),
        "label" => Some(Intent::Label {
            label: was.as_str()?.parse::<Label>().ok()?,
        }),
        "project" => Some(Intent::MoveProject {
            project: ProjectId::from_uuid(was.as_str()?.parse().ok()?),
        }),
        "brand" => Some(Intent::MoveBrand {
            brand: BrandId::from_uuid(was.as_str()?.parse().ok()?),
        }),
        _ => None,
    }
}

fn name_in(v: Option<&Value>) -> Option<String> {
    v?.get("name")?.as_str().map(str::to_owned)
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
