//! What the studio is told (STUDIO.md §4): each journal entry waiting in the outbox becomes
//! the named intents it stands for — brands, members and kits; projects shared or unshared
//! (sharing sends the project's assets); and every change to an asset in a shared project
//! (import, fork, fields, tags, collections and campaigns, review, stacks, moves, the Trash,
//! deletion for good); team brands' collections and campaigns (a group an asset is filed into
//! goes up first if the studio lacks it). What has none stays in this library: this machine's
//! files, private projects, Personal brands' collections and stacks across brands.
//!
//! Reads the library as it is when pushing, not as it was when the entry was written: an
//! asset imported then shared is created once, with its fields of now. Knows the journal's
//! entries and the protocol's intents; never HTTP.

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId, UserId};
use atelier_domain::review::action_between;
use atelier_domain::{AssetId, BrandRole, Flag, Id as _, Label, Rating, Status};
use atelier_library::Library;
use atelier_protocol::{AssetPatch, AssetSyncRow, Change, ChangeAction, Entity, KitPatch, SyncIntent};

use crate::error::Result;

/// The intents a journal entry asks the studio for, each with what it was for people (the
/// *Couldn't sync* list says it); none for what stays in this library.
pub fn intents_of(library: &Library, c: &Change) -> Result<Vec<(SyncIntent, String)>> {
    Ok(match c.entity {
        Entity::Brand => brand_intent(library, c).into_iter().collect(),
        Entity::Project => project_intents(library, c)?,
        Entity::Asset => asset_intents(library, c)?,
        Entity::Collection => collection_intents(library, c)?,
        Entity::Campaign => campaign_intents(library, c)?,
        // *Couldn't sync*'s Retry: the refused intent, as it was sent, under a new id.
        Entity::Library if c.action == ChangeAction::Retry => c
            .after
            .as_ref()
            .and_then(|a| {
                let intent = serde_json::from_value::<SyncIntent>(a.get("intent")?.clone()).ok()?;
                let what = a.get("what").and_then(|w| w.as_str()).unwrap_or_default();
                Some((intent, format!("{what} (sent again)")))
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    })
}

/// `collection.create` for the collection and those above it that the studio hasn't sent
/// this library yet (a no-op there for any it has): filing into a collection made before
/// binding, or not yet pushed, brings it along. False if it stays here (gone, or a Personal
/// brand's).
fn ensure_collection(
    library: &Library,
    id: CollectionId,
    out: &mut Vec<(SyncIntent, String)>,
) -> Result<bool> {
    let lineage = library.collection_lineage(id)?;
    if lineage.is_empty() {
        return Ok(false);
    }
    for row in lineage {
        let fresh = !library.is_replicated("collection", row.id.uuid())?;
        let listed = out.iter().any(
            |(i, _)| matches!(i, SyncIntent::CollectionCreate { collection } if collection.id == row.id),
        );
        if fresh && !listed {
            let what = format!("Create the collection '{}'", row.name);
            out.push((SyncIntent::CollectionCreate { collection: row }, what));
        }
    }
    Ok(true)
}

/// `campaign.create` for a campaign the studio hasn't sent this library yet.
fn ensure_campaign(library: &Library, id: CampaignId, out: &mut Vec<(SyncIntent, String)>) -> Result<bool> {
    let Some(row) = library.campaign_sync_row(id)? else {
        return Ok(false);
    };
    let fresh = !library.is_replicated("campaign", id.uuid())?;
    let listed = out
        .iter()
        .any(|(i, _)| matches!(i, SyncIntent::CampaignCreate { campaign } if campaign.id == id));
    if fresh && !listed {
        let what = format!("Create the campaign '{}'", row.name);
        out.push((SyncIntent::CampaignCreate { campaign: row }, what));
    }
    Ok(true)
}

/// A brand's collection made, renamed, moved or deleted (Personal brands' stay here).
fn collection_intents(library: &Library, c: &Change) -> Result<Vec<(SyncIntent, String)>> {
    let Some(id) = c
        .entity_id
        .as_deref()
        .and_then(|i| i.parse::<CollectionId>().ok())
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let known = library.is_replicated("collection", id.uuid())?;
    match c.action {
        ChangeAction::Delete => {
            // The collection and each one that was inside it here, by id: what this library
            // deleted goes on the studio too, even where the studio's tree is not ours.
            let within = c
                .before
                .as_ref()
                .and_then(|b| b.get("within"))
                .and_then(|w| w.as_array())
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str()?.parse::<CollectionId>().ok());
            let what = format!("Delete the collection '{}'", before_name(c).unwrap_or_default());
            for gone in std::iter::once(id).chain(within) {
                if library.is_replicated("collection", gone.uuid())? {
                    out.push((SyncIntent::CollectionDelete { collection: gone }, what.clone()));
                }
            }
        }
        ChangeAction::Rename if known => {
            if let Some(row) = library.collection_sync_row(id)? {
                let what = format!("Rename the collection to '{}'", row.name);
                out.push((
                    SyncIntent::CollectionRename {
                        collection: id,
                        name: row.name,
                    },
                    what,
                ));
            }
        }
        ChangeAction::Move if known => {
            if let Some(row) = library.collection_sync_row(id)? {
                if let Some(p) = row.parent {
                    ensure_collection(library, p, &mut out)?;
                }
                let what = format!("Move the collection '{}'", row.name);
                out.push((
                    SyncIntent::CollectionMove {
                        collection: id,
                        parent: row.parent,
                    },
                    what,
                ));
            }
        }
        ChangeAction::Cover if known => {
            if let Some(row) = library.collection_sync_row(id)? {
                let what = match row.cover {
                    Some(_) => format!("Choose the cover of the collection '{}'", row.name),
                    None => format!("Give the collection '{}' its automatic cover", row.name),
                };
                out.push((
                    SyncIntent::CollectionCover {
                        collection: id,
                        cover: row.cover,
                    },
                    what,
                ));
            }
        }
        // Made, or renamed, moved or given a cover before the studio had it: it goes up as it
        // is now.
        ChangeAction::Create | ChangeAction::Rename | ChangeAction::Move | ChangeAction::Cover => {
            ensure_collection(library, id, &mut out)?;
        }
        _ => {}
    }
    Ok(out)
}

/// A brand's campaign made, renamed or deleted. (Its public face is the studio's: issue 13.)
fn campaign_intents(library: &Library, c: &Change) -> Result<Vec<(SyncIntent, String)>> {
    let Some(id) = c.entity_id.as_deref().and_then(|i| i.parse::<CampaignId>().ok()) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let known = library.is_replicated("campaign", id.uuid())?;
    match c.action {
        ChangeAction::Delete if known => out.push((
            SyncIntent::CampaignDelete { campaign: id },
            format!("Delete the campaign '{}'", before_name(c).unwrap_or_default()),
        )),
        ChangeAction::Rename if known => {
            if let Some(row) = library.campaign_sync_row(id)? {
                let what = format!("Rename the campaign to '{}'", row.name);
                out.push((
                    SyncIntent::CampaignRename {
                        campaign: id,
                        name: row.name,
                    },
                    what,
                ));
            }
        }
        ChangeAction::Create | ChangeAction::Rename => {
            ensure_campaign(library, id, &mut out)?;
        }
        _ => {}
    }
    Ok(out)
}

/// `asset.create` for `row`, after the collections and campaigns it is in that the studio
/// lacks; a stack's cover reaching the studio then gathers its members the studio has already
/// (they went up before their stack could count there).
fn create(
    library: &Library,
    row: AssetSyncRow,
    what: String,
    out: &mut Vec<(SyncIntent, String)>,
) -> Result<()> {
    ensure_groups_of(library, &row, out)?;
    let cover = (row.stack == Some(row.id)).then_some(row.id);
    out.push((SyncIntent::AssetCreate { asset: row }, what));
    if let Some(cover) = cover {
        for m in library.stack_members(cover)? {
            let Some(member) = library.shared_asset_row(m)? else {
                continue;
            };
            if member.stack == Some(cover) && library.is_replicated("asset", m.uuid())? {
                let what = format!("Stack {}", member.name);
                out.push((
                    SyncIntent::StackSet {
                        asset: m,
                        cover: Some(cover),
                    },
                    what,
                ));
            }
        }
    }
    Ok(())
}

/// After a brand move, the stack it brings back together is stated again: a stack holds one
/// brand's assets, and a member that went up while a move kept it apart from its cover went
/// up without it (a stack counts again when member and cover meet on one brand).
fn restate_stack(library: &Library, row: &AssetSyncRow, out: &mut Vec<(SyncIntent, String)>) -> Result<()> {
    let stated = |m: &AssetSyncRow, cover: AssetId| {
        (
            SyncIntent::StackSet {
                asset: m.id,
                cover: Some(cover),
            },
            format!("Stack {}", m.name),
        )
    };
    match row.stack {
        // A cover: its members on its new brand.
        Some(cover) if cover == row.id => {
            for m in library.stack_members(cover)? {
                if let Some(member) = library.shared_asset_row(m)?
                    && member.stack == Some(cover)
                {
                    out.push(stated(&member, cover));
                }
            }
        }
        // A member now on its cover's brand.
        Some(cover) => out.push(stated(row, cover)),
        None => {}
    }
    Ok(())
}

/// Before an asset goes up whole (`asset.create`), the collections and campaigns it is in
/// that the studio lacks.
fn ensure_groups_of(
    library: &Library,
    row: &AssetSyncRow,
    out: &mut Vec<(SyncIntent, String)>,
) -> Result<()> {
    for c in &row.collections {
        ensure_collection(library, *c, out)?;
    }
    for c in &row.campaigns {
        ensure_campaign(library, *c, out)?;
    }
    Ok(())
}

fn project_intents(library: &Library, c: &Change) -> Result<Vec<(SyncIntent, String)>> {
    let Some(project) = c.entity_id.as_deref().and_then(|p| p.parse::<ProjectId>().ok()) else {
        return Ok(Vec::new());
    };
    let Some((name, shared)) = library.project_sharing(project)? else {
        return Ok(Vec::new()); // deleted since
    };
    Ok(match c.action {
        ChangeAction::Shared if shared => {
            let mut out = vec![(
                SyncIntent::ProjectShare {
                    project,
                    name: name.clone(),
                },
                format!("Share the project '{name}'"),
            )];
            // Our own work only: another member's asset moved in here is on the studio
            // already (its move is an entry of its own), or was taken off it meanwhile — and
            // only its creator may put it there.
            let me = library.studio_binding()?.map(|b| b.user);
            for row in library
                .project_sync_rows(project)?
                .into_iter()
                .filter(|r| Some(r.creator) == me)
            {
                let what = format!("Share {} (in '{name}')", row.name);
                create(library, row, what, &mut out)?;
            }
            out
        }
        ChangeAction::Shared => vec![(
            SyncIntent::ProjectUnshare { project },
            format!("Stop sharing the project '{name}'"),
        )],
        // Sharing again renames it on the studio.
        ChangeAction::Rename if shared => vec![(
            SyncIntent::ProjectShare {
                project,
                name: name.clone(),
            },
            format!("Rename the shared project to '{name}'"),
        )],
        _ => Vec::new(),
    })
}

/// The assets an entry names: its list for bulk entries, else its subject.
fn assets_of(c: &Change) -> Vec<AssetId> {
    if !c.assets.is_empty() {
        return c.assets.clone();
    }
    c.entity_id
        .as_deref()
        .and_then(|a| a.parse::<AssetId>().ok())
        .into_iter()
        .collect()
}

fn after_text(c: &Change, key: &str) -> Option<String> {
    c.after.as_ref()?.get(key)?.as_str().map(str::to_string)
}

fn asset_intents(library: &Library, c: &Change) -> Result<Vec<(SyncIntent, String)>> {
    let mut out = Vec::new();
    for id in assets_of(c) {
        // The asset as it is now, if it is in a shared project.
        let row = library.shared_asset_row(id)?;
        let name = row
            .as_ref()
            .map_or_else(|| "an asset".to_string(), |r| r.name.clone());
        let set = |fields: AssetPatch| SyncIntent::AssetSetFields { asset: id, fields };
        match c.action {
            ChangeAction::Import | ChangeAction::BulkInsert | ChangeAction::Fork => {
                if let Some(row) = row {
                    let what = format!("Add {} to the shared project", row.name);
                    create(library, row, what, &mut out)?;
                }
            }
            ChangeAction::CollectionAdd | ChangeAction::CollectionRemove if row.is_some() => {
                let Some(group) = c
                    .entity_id
                    .as_deref()
                    .and_then(|g| g.parse::<CollectionId>().ok())
                else {
                    continue;
                };
                let adding = c.action == ChangeAction::CollectionAdd;
                let on_studio = if adding {
                    ensure_collection(library, group, &mut out)?
                } else {
                    library.is_replicated("collection", group.uuid())?
                };
                if on_studio {
                    out.push(if adding {
                        (
                            SyncIntent::CollectionFile {
                                collection: group,
                                asset: id,
                            },
                            format!("File {name} into a collection"),
                        )
                    } else {
                        (
                            SyncIntent::CollectionUnfile {
                                collection: group,
                                asset: id,
                            },
                            format!("Take {name} out of a collection"),
                        )
                    });
                }
            }
            ChangeAction::CampaignAdd | ChangeAction::CampaignRemove if row.is_some() => {
                let Some(group) = c.entity_id.as_deref().and_then(|g| g.parse::<CampaignId>().ok()) else {
                    continue;
                };
                let adding = c.action == ChangeAction::CampaignAdd;
                let on_studio = if adding {
                    ensure_campaign(library, group, &mut out)?
                } else {
                    library.is_replicated("campaign", group.uuid())?
                };
                if on_studio {
                    out.push(if adding {
                        (
                            SyncIntent::CampaignAdd {
                                campaign: group,
                                asset: id,
                            },
                            format!("Add {name} to a campaign"),
                        )
                    } else {
                        (
                            SyncIntent::CampaignRemove {
                                campaign: group,
                                asset: id,
                            },
                            format!("Take {name} off a campaign"),
                        )
                    });
                }
            }

            // Stacked: each member under the entry's cover, while that stack still stands as
            // the studio may know it (a cover on the member's brand, even one in a private
            // project: it counts there once shared); a later entry sends what came after.
            ChangeAction::Stack => {
                let cover = c.entity_id.as_deref().and_then(|a| a.parse::<AssetId>().ok());
                if let (Some(row), Some(cover)) = (row, cover)
                    && row.stack == Some(cover)
                {
                    out.push((
                        SyncIntent::StackSet {
                            asset: id,
                            cover: Some(cover),
                        },
                        format!("Stack {name}"),
                    ));
                }
            }
            // The Trash is the team's: everyone who sees the asset finds it there.
            ChangeAction::Trash | ChangeAction::Restore if row.is_some() => {
                let trashed = c.action == ChangeAction::Trash;
                out.push((
                    SyncIntent::AssetTrash { asset: id, trashed },
                    if trashed {
                        format!("Move {name} to the Trash")
                    } else {
                        format!("Restore {name} from the Trash")
                    },
                ));
            }
            ChangeAction::Unstack if row.is_some() => out.push((
                SyncIntent::StackSet {
                    asset: id,
                    cover: None,
                },
                format!("Unstack {name}"),
            )),
            ChangeAction::Rating if row.is_some() => {
                let stars = c
                    .after
                    .as_ref()
                    .and_then(|a| a.get("rating"))
                    .and_then(|v| v.as_u64());
                if let Some(r) = stars.and_then(|s| Rating::new(s.min(5) as u8).ok()) {
                    out.push((
                        set(AssetPatch {
                            rating: Some(r),
                            ..AssetPatch::default()
                        }),
                        format!("Rate {name} {}★", r.stars()),
                    ));
                }
            }
            ChangeAction::Flag if row.is_some() => {
                if let Some(f) = after_text(c, "flag").and_then(|f| f.parse::<Flag>().ok()) {
                    out.push((
                        set(AssetPatch {
                            flag: Some(f),
                            ..AssetPatch::default()
                        }),
                        format!("Flag {name} as {}", f.as_str()),
                    ));
                }
            }
            ChangeAction::Label if row.is_some() => {
                if let Some(l) = after_text(c, "label").and_then(|l| l.parse::<Label>().ok()) {
                    out.push((
                        set(AssetPatch {
                            label: Some(l),
                            ..AssetPatch::default()
                        }),
                        format!("Label {name} {}", l.as_str()),
                    ));
                }
            }
            ChangeAction::Rename if row.is_some() => {
                if let Some(n) = after_text(c, "name") {
                    out.push((
                        set(AssetPatch {
                            name: Some(n.clone()),
                            ..AssetPatch::default()
                        }),
                        format!("Rename {} to {n}", before_name(c).unwrap_or(name)),
                    ));
                }
            }
            ChangeAction::TagAdd | ChangeAction::TagRemove if row.is_some() => {
                let tag = c
                    .entity_id
                    .as_deref()
                    .and_then(|t| t.parse::<uuid::Uuid>().ok())
                    .map(|t| library.tag_name(t))
                    .transpose()?
                    .flatten();
                if let Some(tag) = tag {
                    let (intent, what) = if c.action == ChangeAction::TagAdd {
                        (
                            SyncIntent::TagAdd {
                                asset: id,
                                tag: tag.clone(),
                            },
                            format!("Tag {name} '{tag}'"),
                        )
                    } else {
                        (
                            SyncIntent::TagRemove {
                                asset: id,
                                tag: tag.clone(),
                            },
                            format!("Remove the tag '{tag}' from {name}"),
                        )
                    };
                    out.push((intent, what));
                }
            }
            // A brand move's reset to Draft is the studio's to make, with the move.
            ChangeAction::Status if row.is_some() && after_text(c, "because").is_none() => {
                let from = before_of(c, "status", id).and_then(|s| s.parse::<Status>().ok());
                let to = after_text(c, "status").and_then(|s| s.parse::<Status>().ok());
                if let (Some(from), Some(to)) = (from, to)
                    && let Some(action) = action_between(from, to)
                {
                    out.push((
                        SyncIntent::ReviewTransition {
                            asset: id,
                            from,
                            action,
                        },
                        format!("{} {name}", capitalised(action.as_str())),
                    ));
                }
            }
            ChangeAction::Brand => {
                if let (Some(row), Some(b)) = (
                    row,
                    after_text(c, "brand").and_then(|b| b.parse::<BrandId>().ok()),
                ) {
                    out.push((
                        SyncIntent::AssetMove {
                            asset: id,
                            project: None,
                            brand: Some(b),
                        },
                        format!("Move {name} to another brand"),
                    ));
                    restate_stack(library, &row, &mut out)?;
                }
            }
            ChangeAction::Project => {
                let to = after_text(c, "project").and_then(|p| p.parse::<ProjectId>().ok());
                let was_shared = before_of(c, "project", id)
                    .and_then(|p| p.parse::<ProjectId>().ok())
                    .map(|p| library.project_sharing(p))
                    .transpose()?
                    .flatten()
                    .is_some_and(|(_, shared)| shared);
                match (row, was_shared) {
                    // Shared → shared: a move on the studio.
                    (Some(_), true) => out.push((
                        SyncIntent::AssetMove {
                            asset: id,
                            project: to,
                            brand: None,
                        },
                        format!("Move {name} to another shared project"),
                    )),
                    // Private → shared: the studio gets it — from its creator only.
                    (Some(row), false)
                        if library.studio_binding()?.is_some_and(|b| b.user == row.creator) =>
                    {
                        let what = format!("Add {} to the shared project", row.name);
                        create(library, row, what, &mut out)?;
                    }
                    // Shared → private: the studio forgets it.
                    (None, true) => out.push((
                        SyncIntent::AssetDelete { asset: id },
                        format!("Take {name} out of the shared project"),
                    )),
                    (_, false) => {}
                }
            }
            // Gone from this catalog: told to the studio only if the studio has it.
            ChangeAction::Delete if library.is_replicated("asset", id.uuid())? => {
                out.push((
                    SyncIntent::AssetDelete { asset: id },
                    "Delete an asset".to_string(),
                ));
            }
            _ => {}
        }
    }
    Ok(out)
}

/// An asset's value of `key` before a bulk change (`{key: {id: value}}`), as text.
fn before_of(c: &Change, key: &str, id: AssetId) -> Option<String> {
    c.before
        .as_ref()?
        .get(key)?
        .get(id.to_string())?
        .as_str()
        .map(str::to_string)
}

fn before_name(c: &Change) -> Option<String> {
    c.before.as_ref()?.get("name")?.as_str().map(str::to_string)
}

fn capitalised(action: &str) -> String {
    let words = action.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// A brand's change as an intent.
fn brand_intent(library: &Library, c: &Change) -> Option<(SyncIntent, String)> {
    let brand: BrandId = c.entity_id.as_deref()?.parse().ok()?;
    let after = c.after.as_ref()?;
    let text = |k: &str| after.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let list = |k: &str| {
        after.get(k).and_then(|v| v.as_array()).map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
        })
    };
    let (name, _) = library.names_for(Some(brand), None).unwrap_or_default();
    let name = name.unwrap_or_else(|| "a brand".into());
    match c.action {
        ChangeAction::Create => {
            if after.get("personal").and_then(|v| v.as_bool()) == Some(true) {
                return None; // every person's Personal brand is the studio's own
            }
            let n = text("name")?;
            Some((
                SyncIntent::BrandCreate {
                    brand,
                    name: n.clone(),
                },
                format!("Create the brand '{n}'"),
            ))
        }
        ChangeAction::Rename => {
            let n = text("name")?;
            let old = c
                .before
                .as_ref()
                .and_then(|b| b.get("name"))
                .and_then(|v| v.as_str())
                .unwrap_or("a brand")
                .to_string();
            Some((
                SyncIntent::BrandRename {
                    brand,
                    name: n.clone(),
                },
                format!("Rename the brand '{old}' to '{n}'"),
            ))
        }
        ChangeAction::Kit => {
            let kit = KitPatch {
                color: text("color"),
                prompt_prefix: text("prompt_prefix"),
                prompt_suffix: text("prompt_suffix"),
                banned_terms: list("banned_terms"),
                self_approval: after.get("self_approval").and_then(|v| v.as_bool()),
                palette: list("palette"),
                anchors: None,
            };
            // A logo or anchors only: assets, which sync with shared projects.
            if kit.is_empty() {
                return None;
            }
            Some((
                SyncIntent::BrandKit { brand, kit },
                format!("Change the kit of '{name}'"),
            ))
        }
        // The whole list as it is now here (last writer wins, as for the palette).
        ChangeAction::Anchors => {
            let anchors = list("anchors")?
                .iter()
                .filter_map(|a| a.parse::<AssetId>().ok())
                .collect();
            Some((
                SyncIntent::BrandKit {
                    brand,
                    kit: KitPatch {
                        anchors: Some(anchors),
                        ..KitPatch::default()
                    },
                },
                format!("Pin the anchors of '{name}'"),
            ))
        }
        ChangeAction::Member => {
            let user: UserId = text("user")?.parse().ok()?;
            let role = match after.get("role").and_then(|v| v.as_str()) {
                Some(r) => Some(r.parse::<BrandRole>().ok()?),
                None => None,
            };
            let (_, who) = library.names_for(None, Some(user)).unwrap_or_default();
            let who = who.unwrap_or_else(|| "someone".into());
            let what = match role {
                Some(r) => format!("Make {who} {r} of '{name}'"),
                None => format!("Remove {who} from '{name}'"),
            };
            Some((SyncIntent::BrandMember { brand, user, role }, what))
        }
        _ => None,
    }
}
