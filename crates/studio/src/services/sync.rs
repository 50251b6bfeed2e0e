//! Sync's use cases (STUDIO.md §4): apply a library's pushed intents — each re-decided by
//! atelier-domain on the caller's roles and the rows as they are now, at most once —, answer a
//! pull with the rows the caller may see, say the latest seq for live pokes, and the studio's
//! plan limits.
//!
//! Must not know HTTP or SQL: it asks the store for facts inside the writing transaction and
//! tells it what to write.

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId};
use atelier_domain::policy::{self, Action, Actor, BrandKind, Target};
use atelier_domain::rules::{self, AssetFacts, StudioAction, kit};
use atelier_domain::{AssetId, BrandRole, ErrorCode, Id as _, InvalidInput, Status, names};
use atelier_protocol::{
    AssetPatch, AssetSyncRow, BrandSyncRow, CampaignSyncRow, CollectionSyncRow, Kit, KitPatch,
    ProjectSyncRow, PullResponse, PushOutcome, PushRequest, PushResponse, PushResult, StudioLimits,
    SyncIntent,
};

use super::{Caller, ServiceResult, Studio, refused};
use std::sync::Arc;

use crate::store::{Applied, FactsQuery, PushJob, SyncFacts, SyncWrite, brand_scope, user_scope};

pub use atelier_protocol::MAX_PUSH;

/// At most this many rows per pull page. A library applies a page in one transaction, and a
/// first sync's cost is its commits: the catalog's indexes on random keys (content hashes, file
/// paths, ids) dirty a page per row each, so bigger transactions write each such page once for
/// several rows. 5,000 rather than 1,000 took a 90,000-asset first sync from 10.4–11.3 s to
/// 6.9–7.8 s (docs/decisions/0015-pull-pages.md).
pub const MAX_PULL: i64 = 5000;

impl Studio {
    /// Applies pushed intents in order, each decided on what every earlier one wrote, the
    /// whole push committed at once; a refused one is consumed and answered with its reason,
    /// and never stops the ones after it.
    pub async fn push(&self, caller: &Caller, push: PushRequest) -> ServiceResult<PushResponse> {
        if push.intents.len() > MAX_PUSH {
            return Err(refused(
                ErrorCode::InvalidCount,
                format!(
                    "a push carries at most {MAX_PUSH} intents (got {}): send the rest in the next push",
                    push.intents.len()
                ),
            ));
        }
        if push.intents.windows(2).any(|w| w[0].id >= w[1].id) {
            return Err(refused(
                ErrorCode::InvalidBody,
                "intents must be sent oldest first, with increasing ids",
            ));
        }
        let items: Vec<(i64, FactsQuery)> = push
            .intents
            .iter()
            .map(|p| (p.id, facts_needed(&p.intent)))
            .collect();
        let actor = caller.account.clone();
        // The decision goes with the push into the group that applies it (a task of its own).
        let intents: Arc<[SyncIntent]> = push.intents.iter().map(|p| p.intent.clone()).collect();
        let applied = self
            .store
            .apply_push(PushJob {
                replica: push.replica,
                account: actor.id,
                items,
                decide: Box::new(move |i, facts| decide(&actor, &intents[i], facts)),
            })
            .await?;
        let mut results = Vec::with_capacity(applied.len());
        let mut changed = false;
        for (pushed, applied) in push.intents.iter().zip(applied) {
            let outcome = match applied {
                Applied::Now(o) => {
                    changed |= matches!(o, PushOutcome::Applied { .. });
                    match &o {
                        PushOutcome::Applied { seq } => {
                            tracing::debug!(by = %caller.account.id, intent = pushed.intent.name(), seq, "applied");
                        }
                        PushOutcome::Refused { code, .. } => {
                            tracing::info!(by = %caller.account.id, intent = pushed.intent.name(), %code, "refused");
                        }
                    }
                    o
                }
                Applied::Before(o) => o,
            };
            results.push(PushResult {
                id: pushed.id,
                outcome,
            });
        }
        if changed {
            self.poke().await;
        }
        Ok(PushResponse { results })
    }

    /// The rows after `cursor` that the caller may see now: the studio's and their own.
    pub async fn pull(
        &self,
        caller: &Caller,
        cursor: i64,
        limit: Option<i64>,
        only: Option<&str>,
    ) -> ServiceResult<PullResponse> {
        if cursor < 0 {
            return Err(refused(
                ErrorCode::InvalidCursor,
                "the cursor is a seq from an earlier pull: 0 or more",
            ));
        }
        let limit = match limit {
            None => MAX_PULL,
            Some(n) if (1..=MAX_PULL).contains(&n) => n,
            Some(n) => {
                return Err(refused(
                    ErrorCode::InvalidLimit,
                    format!("limit must be 1–{MAX_PULL} (got {n})"),
                ));
            }
        };
        let scopes = self
            .store
            .scopes(caller.account.id, caller.account.role.acts_as_manager())
            .await?;
        let reading = match only {
            None => scopes.clone(),
            Some(scope) if scopes.iter().any(|s| s == scope) => vec![scope.to_string()],
            Some(scope) => {
                return Err(refused(
                    ErrorCode::Forbidden,
                    format!(
                        "you can't read the scope '{scope}' (yours now: {})",
                        scopes.join(", ")
                    ),
                ));
            }
        };
        let (epoch, last, rows) = self.store.pull(&reading, cursor, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
        // With nothing left to send, the cursor moves to the studio's last seq: rows the caller
        // may not see don't have to be skipped again next time.
        let cursor = match (more, rows.last()) {
            (true, Some(r)) => r.seq,
            _ => last.max(cursor),
        };
        Ok(PullResponse {
            epoch,
            rows,
            cursor,
            more,
            scopes,
        })
    }

    /// A new sync epoch (after a restore from a backup): clients start over from cursor 0.
    pub async fn new_epoch(&self) -> ServiceResult<String> {
        let mut epoch = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut epoch);
        let text = self.store.new_epoch(epoch).await?;
        tracing::info!(%text, "new sync epoch");
        Ok(text)
    }

    /// The latest seq committed (what a live poke carries).
    pub async fn latest_seq(&self) -> ServiceResult<i64> {
        Ok(self.store.last_seq().await?)
    }

    /// The plan limits (R9.5).
    pub async fn limits(&self) -> ServiceResult<StudioLimits> {
        Ok(self.store.limits().await?)
    }

    /// Sets the plan limits (Owners and Admins; the route says so) and publishes them.
    pub async fn set_limits(&self, caller: &Caller, limits: StudioLimits) -> ServiceResult<StudioLimits> {
        rules::limits(limits.projects_per_member, limits.storage_per_project)?;
        self.store.set_limits(&limits).await?;
        tracing::info!(by = %caller.account.id, ?limits, "limits set");
        self.poke().await;
        Ok(limits)
    }
}

/// Which facts deciding `intent` needs.
fn facts_needed(intent: &SyncIntent) -> FactsQuery {
    match intent {
        SyncIntent::BrandCreate { brand, name } | SyncIntent::BrandRename { brand, name } => FactsQuery {
            brand: Some(*brand),
            name_key: Some(names::key(name.trim())),
            ..FactsQuery::default()
        },
        SyncIntent::BrandKit { brand, .. } => FactsQuery {
            brand: Some(*brand),
            ..FactsQuery::default()
        },
        SyncIntent::BrandMember { brand, user, .. } => FactsQuery {
            brand: Some(*brand),
            user: Some(*user),
            ..FactsQuery::default()
        },
        SyncIntent::ProjectShare { project, .. } | SyncIntent::ProjectUnshare { project } => FactsQuery {
            project: Some(*project),
            ..FactsQuery::default()
        },
        SyncIntent::AssetCreate { asset } => FactsQuery {
            brand: Some(asset.brand),
            project: Some(asset.project),
            asset: Some(asset.id),
            other: asset.stack.filter(|c| *c != asset.id),
            // Its collections and campaigns, to keep only those the studio has.
            siblings: true,
            ..FactsQuery::default()
        },
        SyncIntent::AssetSetFields { asset, .. }
        | SyncIntent::AssetTrash { asset, .. }
        | SyncIntent::TagAdd { asset, .. }
        | SyncIntent::TagRemove { asset, .. }
        | SyncIntent::ReviewTransition { asset, .. }
        | SyncIntent::AssetDelete { asset } => FactsQuery {
            asset: Some(*asset),
            ..FactsQuery::default()
        },
        SyncIntent::StackSet { asset, cover } => FactsQuery {
            asset: Some(*asset),
            other: cover.filter(|c| c != asset),
            ..FactsQuery::default()
        },
        SyncIntent::AssetMove {
            asset,
            project,
            brand,
        } => FactsQuery {
            asset: Some(*asset),
            to_project: *project,
            to_brand: *brand,
            ..FactsQuery::default()
        },
        SyncIntent::CollectionCreate { collection } => FactsQuery {
            brand: Some(collection.brand),
            collection: Some(collection.id),
            other: collection.cover,
            siblings: true,
            ..FactsQuery::default()
        },
        SyncIntent::CollectionRename { collection, .. }
        | SyncIntent::CollectionMove { collection, .. }
        | SyncIntent::CollectionDelete { collection } => FactsQuery {
            collection: Some(*collection),
            siblings: true,
            ..FactsQuery::default()
        },
        // The cover as `other`: the brand read is the collection's.
        SyncIntent::CollectionCover { collection, cover } => FactsQuery {
            other: *cover,
            collection: Some(*collection),
            ..FactsQuery::default()
        },
        SyncIntent::CollectionFile { collection, asset }
        | SyncIntent::CollectionUnfile { collection, asset } => FactsQuery {
            asset: Some(*asset),
            collection: Some(*collection),
            ..FactsQuery::default()
        },
        SyncIntent::CampaignCreate { campaign } => FactsQuery {
            brand: Some(campaign.brand),
            campaign: Some(campaign.id),
            siblings: true,
            ..FactsQuery::default()
        },
        SyncIntent::CampaignRename { campaign, .. } | SyncIntent::CampaignDelete { campaign } => FactsQuery {
            campaign: Some(*campaign),
            siblings: true,
            ..FactsQuery::default()
        },
        SyncIntent::CampaignAdd { campaign, asset } | SyncIntent::CampaignRemove { campaign, asset } => {
            FactsQuery {
                asset: Some(*asset),
                campaign: Some(*campaign),
                ..FactsQuery::default()
            }
        }
    }
}

fn no_collection(id: CollectionId) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::CollectionNotFound,
        format!("collection {id} isn't on the studio (it may have been deleted)"),
    )
}

fn no_campaign(id: CampaignId) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::CampaignNotFound,
        format!("campaign {id} isn't on the studio (it may have been deleted)"),
    )
}

/// Collections and campaigns of team brands are the brand's; a Personal brand's stay in its
/// person's library.
fn team_brand<'a>(facts: &'a SyncFacts, id: BrandId, what: &str) -> Result<&'a BrandSyncRow, InvalidInput> {
    let brand = facts.brand.as_deref().ok_or_else(|| no_brand(id))?;
    if brand.personal_of.is_some() {
        return Err(InvalidInput::new(
            ErrorCode::Forbidden,
            format!("{what} of a Personal brand stay in your library: only team brands' go to the studio"),
        ));
    }
    Ok(brand)
}

/// `name` among the collections under `parent` (other than `except`), ignoring case.
fn collection_clash(
    siblings: &[CollectionSyncRow],
    parent: Option<CollectionId>,
    name: &str,
    except: CollectionId,
) -> Result<(), InvalidInput> {
    let key = names::key(name);
    if siblings
        .iter()
        .any(|c| c.id != except && c.parent == parent && names::key(&c.name) == key)
    {
        return Err(InvalidInput::new(
            ErrorCode::NameTaken,
            format!("a collection named '{name}' already exists there: names are unique among siblings"),
        ));
    }
    Ok(())
}

/// A collection and everything under it.
fn subtree(all: &[CollectionSyncRow], root: CollectionId) -> Vec<CollectionId> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let at = out[i];
        out.extend(all.iter().filter(|c| c.parent == Some(at)).map(|c| c.id));
        i += 1;
    }
    out
}

/// A new parent for `moving` (`None`: the top): on its brand, and not inside itself.
fn collection_parent(
    all: &[CollectionSyncRow],
    moving: CollectionId,
    parent: Option<CollectionId>,
) -> Result<(), InvalidInput> {
    let Some(p) = parent else {
        return Ok(());
    };
    if !all.iter().any(|c| c.id == p) {
        return Err(no_collection(p));
    }
    if subtree(all, moving).contains(&p) {
        return Err(InvalidInput::new(
            ErrorCode::CollectionCycle,
            "a collection can't move into itself or one of its own sub-collections",
        ));
    }
    Ok(())
}

/// The collection an intent names, if the caller may organise its brand now.
fn organised_collection<'a>(
    actor: &crate::store::Account,
    facts: &'a SyncFacts,
    id: CollectionId,
) -> Result<&'a CollectionSyncRow, InvalidInput> {
    let current = facts.collection.as_ref().ok_or_else(|| no_collection(id))?;
    let brand = team_brand(facts, current.brand, "collections")?;
    let (who, target) = on_brand(actor, brand);
    policy::can(&who, Action::Organise, &target)?;
    Ok(current)
}

/// Decides a collection or campaign intent.
fn decide_group(
    actor: &crate::store::Account,
    intent: &SyncIntent,
    facts: &SyncFacts,
) -> Result<Vec<SyncWrite>, InvalidInput> {
    let put_collection = |row: CollectionSyncRow| {
        Ok(vec![SyncWrite::PutCollection {
            scope: brand_scope(row.brand),
            row,
        }])
    };
    let put_campaign = |row: CampaignSyncRow| {
        Ok(vec![SyncWrite::PutCampaign {
            scope: brand_scope(row.brand),
            row,
        }])
    };
    match intent {
        SyncIntent::CollectionCreate { collection } => {
            if let Some(there) = &facts.collection {
                // Sent again (its answer lost, or before a change that touches it): it is
                // there, as the studio has it; another brand's id: refused.
                if there.brand == collection.brand {
                    return Ok(Vec::new());
                }
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!(
                        "a collection with the id {} is already on the studio",
                        collection.id
                    ),
                ));
            }
            let brand = team_brand(facts, collection.brand, "collections")?;
            let (who, target) = on_brand(actor, brand);
            policy::can(&who, Action::Organise, &target)?;
            let name = names::validate_collection_name(&collection.name)?;
            collection_parent(&facts.collections, collection.id, collection.parent)?;
            collection_clash(&facts.collections, collection.parent, &name, collection.id)?;
            // A cover chosen before the collection was sent stays if it is the brand's asset
            // on the studio; else the readers' automatic one (the collection isn't refused
            // for it: its asset may be in a project that isn't shared).
            let cover = collection
                .cover
                .filter(|_| facts.other.as_ref().is_some_and(|a| a.brand == collection.brand));
            put_collection(CollectionSyncRow {
                name,
                cover,
                ..collection.clone()
            })
        }
        SyncIntent::CollectionRename { collection, name } => {
            let current = organised_collection(actor, facts, *collection)?;
            let name = names::validate_collection_name(name)?;
            collection_clash(&facts.collections, current.parent, &name, current.id)?;
            put_collection(CollectionSyncRow {
                name,
                ..current.clone()
            })
        }
        SyncIntent::CollectionMove { collection, parent } => {
            let current = organised_collection(actor, facts, *collection)?;
            collection_parent(&facts.collections, current.id, *parent)?;
            collection_clash(&facts.collections, *parent, &current.name, current.id)?;
            put_collection(CollectionSyncRow {
                parent: *parent,
                ..current.clone()
            })
        }
        SyncIntent::CollectionCover { collection, cover } => {
            let current = organised_collection(actor, facts, *collection)?;
            if let Some(asset) = cover {
                // An asset of the collection's brand, as the studio holds it: a cover from
                // elsewhere could show one brand's work in another's tree.
                let on_brand = facts.other.as_ref().is_some_and(|a| a.brand == current.brand);
                if !on_brand {
                    return Err(InvalidInput::new(
                        ErrorCode::AssetNotFound,
                        format!(
                            "asset {asset} isn't on the studio in the collection's brand: a cover is one of the collection's own assets"
                        ),
                    ));
                }
            }
            put_collection(CollectionSyncRow {
                cover: *cover,
                ..current.clone()
            })
        }
        SyncIntent::CollectionDelete { collection } => {
            // Already gone: what was asked holds.
            let Some(current) = facts.collection.as_ref() else {
                return Ok(Vec::new());
            };
            let brand = team_brand(facts, current.brand, "collections")?;
            let (who, target) = on_brand(actor, brand);
            policy::can(&who, Action::Organise, &target)?;
            Ok(vec![SyncWrite::DeleteGroups {
                kind: "collection",
                ids: subtree(&facts.collections, *collection)
                    .into_iter()
                    .map(|c| c.uuid())
                    .collect(),
                scope: brand_scope(current.brand),
            }])
        }
        SyncIntent::CampaignCreate { campaign } => {
            if let Some(there) = &facts.campaign {
                if there.brand == campaign.brand {
                    return Ok(Vec::new());
                }
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("a campaign with the id {} is already on the studio", campaign.id),
                ));
            }
            let brand = facts.brand.as_deref().ok_or_else(|| no_brand(campaign.brand))?;
            let (who, target) = on_brand(actor, brand);
            policy::can(&who, Action::CreateCampaign, &target)?;
            let name = rules::campaign_name(&campaign.name)?;
            let description = rules::description("campaign", Some(&campaign.description))?;
            campaign_clash(&facts.campaigns, &name, campaign.id)?;
            put_campaign(CampaignSyncRow {
                name,
                description,
                // A new campaign is private: only publishing, on the studio, makes it public.
                public: false,
                ..campaign.clone()
            })
        }
        SyncIntent::CampaignRename { campaign, name } => {
            let current = facts.campaign.as_ref().ok_or_else(|| no_campaign(*campaign))?;
            let brand = facts.brand.as_deref().ok_or_else(|| no_brand(current.brand))?;
            let (who, target) = on_brand(actor, brand);
            policy::can(&who, Action::CreateCampaign, &target)?;
            let name = rules::campaign_name(name)?;
            campaign_clash(&facts.campaigns, &name, current.id)?;
            put_campaign(CampaignSyncRow {
                name,
                ..current.clone()
            })
        }
        SyncIntent::CampaignDelete { campaign } => {
            let Some(current) = facts.campaign.as_ref() else {
                return Ok(Vec::new());
            };
            let brand = facts.brand.as_deref().ok_or_else(|| no_brand(current.brand))?;
            let (who, target) = on_brand(actor, brand);
            policy::can(&who, Action::DeleteCampaign, &target)?;
            Ok(vec![SyncWrite::DeleteGroups {
                kind: "campaign",
                ids: vec![campaign.uuid()],
                scope: brand_scope(current.brand),
            }])
        }
        _ => unreachable!("decide_group is called with collection and campaign intents only"),
    }
}

fn campaign_clash(all: &[CampaignSyncRow], name: &str, except: CampaignId) -> Result<(), InvalidInput> {
    let key = names::key(name);
    if all.iter().any(|c| c.id != except && names::key(&c.name) == key) {
        return Err(InvalidInput::new(
            ErrorCode::NameTaken,
            format!("the brand already has a campaign called '{name}'"),
        ));
    }
    Ok(())
}

/// The scope an asset on `brand` is read in: the brand's, or its creator's own on their
/// Personal brand.
fn asset_scope(brand: &BrandSyncRow) -> String {
    match brand.personal_of {
        Some(owner) => user_scope(owner),
        None => brand_scope(brand.id),
    }
}

fn no_asset(id: AssetId) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::AssetNotFound,
        format!("asset {id} isn't on the studio (deleted, or its project was unshared)"),
    )
}

fn not_shared(id: ProjectId) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::PrivateProject,
        format!("project {id} isn't shared with the studio: share it first"),
    )
}

/// The asset as the rules see it, for `actor`.
fn asset_facts<'a>(
    actor: &crate::store::Account,
    asset: &'a AssetSyncRow,
    brand: &BrandSyncRow,
) -> (Actor, AssetFacts<'a>) {
    let (who, mut target) = on_brand(actor, brand);
    target.own_asset = asset.creator == actor.id;
    (
        who,
        AssetFacts {
            name: &asset.name,
            status: asset.status,
            trashed: asset.trashed,
            tag_count: asset.tags.len() as u32,
            target,
        },
    )
}

/// The asset and its brand from the facts, or why the intent can't go on.
fn asset_of(facts: &SyncFacts, id: AssetId) -> Result<(&AssetSyncRow, &BrandSyncRow), InvalidInput> {
    let asset = facts.asset.as_ref().ok_or_else(|| no_asset(id))?;
    let brand = facts.brand.as_deref().ok_or_else(|| no_brand(asset.brand))?;
    Ok((asset, brand))
}

/// Decides an asset intent (the asset exists, its brand is read).
fn decide_asset(
    actor: &crate::store::Account,
    intent: &SyncIntent,
    facts: &SyncFacts,
) -> Result<Vec<SyncWrite>, InvalidInput> {
    let put = |row: AssetSyncRow, brand: &BrandSyncRow| {
        Ok(vec![SyncWrite::PutAsset {
            scope: asset_scope(brand),
            row: Box::new(row),
        }])
    };
    // What is in the Trash is changed by nothing but its restore or its deletion (the
    // desktop's rule): a change made before the Trash reached that library is refused.
    if !matches!(
        intent,
        SyncIntent::AssetTrash { .. } | SyncIntent::AssetDelete { .. }
    ) && let (Some(current), Some(brand)) = (&facts.asset, facts.brand.as_deref())
    {
        rules::live(&asset_facts(actor, current, brand).1)?;
    }
    match intent {
        SyncIntent::AssetSetFields { asset, fields } => {
            let (current, brand) = asset_of(facts, *asset)?;
            let (who, f) = asset_facts(actor, current, brand);
            if fields.is_empty() {
                return Err(InvalidInput::new(
                    ErrorCode::MissingField,
                    "asset.set_fields changes nothing",
                ));
            }
            let mut row = current.clone();
            let AssetPatch {
                name,
                rating,
                flag,
                label,
            } = fields;
            if let Some(name) = name.as_deref() {
                rules::edit(&who, &f)?;
                row.name = names::asset_file_name(name, &current.name, names::extension(&current.name))?;
            }
            if rating.is_some() || flag.is_some() || label.is_some() {
                rules::organise(&who, &f)?;
            }
            row.rating = rating.unwrap_or(row.rating);
            row.flag = flag.unwrap_or(row.flag);
            row.label = label.unwrap_or(row.label);
            put(row, brand)
        }
        SyncIntent::TagAdd { asset, tag } | SyncIntent::TagRemove { asset, tag } => {
            let (current, brand) = asset_of(facts, *asset)?;
            let (who, f) = asset_facts(actor, current, brand);
            let tag = names::normalize_tag(tag)?;
            let key = names::key(&tag);
            let mut row = current.clone();
            // Each tag's key once (a key is an allocation; sorting by it would make one per
            // comparison).
            let keys: Vec<String> = row.tags.iter().map(|t| names::key(t)).collect();
            let has = keys.iter().position(|k| *k == key);
            if matches!(intent, SyncIntent::TagAdd { .. }) {
                rules::tag(&who, &f, u32::from(has.is_none()))?;
                if has.is_none() {
                    if keys.is_sorted() {
                        row.tags.insert(keys.partition_point(|k| *k < key), tag);
                    } else {
                        row.tags.push(tag);
                        row.tags.sort_by_cached_key(|t| names::key(t));
                    }
                }
            } else {
                rules::organise(&who, &f)?;
                if let Some(i) = has {
                    row.tags.remove(i);
                }
            }
            put(row, brand)
        }
        SyncIntent::ReviewTransition { asset, from, action } => {
            let (current, brand) = asset_of(facts, *asset)?;
            if current.status != *from {
                return Err(InvalidInput::new(
                    ErrorCode::StaleState,
                    format!(
                        "{} is {} now, no longer {}: someone decided meanwhile — look again, then decide",
                        current.name,
                        current.status.as_str(),
                        from.as_str()
                    ),
                ));
            }
            let (who, f) = asset_facts(actor, current, brand);
            let mut row = current.clone();
            row.status = rules::review(&who, &f, *action)?;
            put(row, brand)
        }
        SyncIntent::AssetMove {
            asset,
            project,
            brand: to,
        } => {
            let (current, brand) = asset_of(facts, *asset)?;
            let (who, f) = asset_facts(actor, current, brand);
            let mut row = current.clone();
            if let Some(p) = project.filter(|p| *p != current.project) {
                rules::move_project(&who, &f)?;
                facts.to_project.as_ref().ok_or_else(|| not_shared(p))?;
                row.project = p;
            }
            let mut dest = brand;
            if let Some(b) = to.filter(|b| *b != current.brand) {
                let target = facts.to_brand.as_deref().ok_or_else(|| no_brand(b))?;
                let (into, to_target) = on_brand(actor, target);
                rules::move_brand(&who, &f, &into, &to_target)?;
                row.brand = b;
                row.status = Status::Draft;
                // Collections and campaigns are the old brand's (as the desktop drops them).
                row.collections.clear();
                row.campaigns.clear();
                dest = target;
            }
            put(row, dest)
        }
        SyncIntent::AssetTrash { asset, trashed } => {
            let (current, brand) = asset_of(facts, *asset)?;
            let (who, f) = asset_facts(actor, current, brand);
            if *trashed {
                rules::delete(&who, &f)?;
            } else {
                rules::restore_or_purge(&who, &f)?;
            }
            let mut row = current.clone();
            row.trashed = *trashed;
            put(row, brand)
        }
        SyncIntent::StackSet { asset, cover } => {
            let (current, brand) = asset_of(facts, *asset)?;
            let (who, f) = asset_facts(actor, current, brand);
            rules::organise(&who, &f)?;
            if let Some(c) = cover.filter(|c| c != asset) {
                match &facts.other {
                    Some(there) if there.brand == current.brand => {}
                    Some(_) => {
                        return Err(InvalidInput::new(
                            ErrorCode::CoverNotInStack,
                            format!(
                                "the cover {c} is on another brand than {}: a stack on the studio holds one brand's assets",
                                current.name
                            ),
                        ));
                    }
                    // Not here (yet): a cover in its creator's private project counts once
                    // that project is shared, as for `asset.create` (docs/decisions/0013).
                    None => {}
                }
            }
            let mut row = current.clone();
            row.stack = *cover;
            put(row, brand)
        }
        SyncIntent::AssetDelete { asset } => {
            let (current, brand) = asset_of(facts, *asset)?;
            let (who, f) = asset_facts(actor, current, brand);
            rules::delete(&who, &f)?;
            Ok(vec![SyncWrite::DeleteAsset { id: *asset }])
        }
        SyncIntent::CollectionFile { collection, asset }
        | SyncIntent::CollectionUnfile { collection, asset } => {
            let (current, brand) = asset_of(facts, *asset)?;
            let group = facts
                .collection
                .as_ref()
                .ok_or_else(|| no_collection(*collection))?;
            let (who, f) = asset_facts(actor, current, brand);
            rules::file(&who, &f, group.brand == current.brand)?;
            let mut row = current.clone();
            row.collections.retain(|c| c != collection);
            if matches!(intent, SyncIntent::CollectionFile { .. }) {
                row.collections.push(*collection);
                row.collections.sort();
            }
            put(row, brand)
        }
        SyncIntent::CampaignAdd { campaign, asset } | SyncIntent::CampaignRemove { campaign, asset } => {
            let (current, brand) = asset_of(facts, *asset)?;
            let group = facts.campaign.as_ref().ok_or_else(|| no_campaign(*campaign))?;
            let (who, f) = asset_facts(actor, current, brand);
            rules::campaign(&who, &f, group.brand == current.brand)?;
            let mut row = current.clone();
            row.campaigns.retain(|c| c != campaign);
            if matches!(intent, SyncIntent::CampaignAdd { .. }) {
                row.campaigns.push(*campaign);
                row.campaigns.sort();
            }
            put(row, brand)
        }
        _ => unreachable!("decide_asset is called with asset intents only"),
    }
}

/// The actor's roles on `brand`, and the brand as a policy target.
pub(super) fn on_brand(actor: &crate::store::Account, brand: &BrandSyncRow) -> (Actor, Target) {
    let brand_role = brand.members.iter().find(|m| m.user == actor.id).map(|m| m.role);
    let kind = match brand.personal_of {
        Some(owner) => BrandKind::Personal {
            owned_by_actor: owner == actor.id,
        },
        None => BrandKind::Team,
    };
    (
        Actor {
            studio_role: actor.role,
            brand_role,
        },
        Target {
            brand: kind,
            own_asset: false,
            self_approval: brand.kit.self_approval,
        },
    )
}

fn no_brand(id: BrandId) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::BrandNotFound,
        format!("brand {id} isn't on the studio (it may have been removed)"),
    )
}

/// The one decision per intent, on the facts as they are now — the same atelier-domain rules
/// the desktop checks before it records the change.
fn decide(
    actor: &crate::store::Account,
    intent: &SyncIntent,
    facts: &SyncFacts,
) -> Result<Vec<SyncWrite>, InvalidInput> {
    match intent {
        SyncIntent::BrandCreate { brand, name } => {
            rules::can_in_studio(actor.role, StudioAction::CreateBrand)?;
            let name = rules::brand_name(name)?;
            if facts.brand.is_some() {
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("a brand with the id {brand} already exists on the studio"),
                ));
            }
            if facts.name_holder.is_some() {
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("the studio already has a brand called '{name}'"),
                ));
            }
            Ok(vec![SyncWrite::CreateBrand {
                id: *brand,
                name_key: names::key(&name),
                name,
                creator: (actor.id, rules::CREATOR_ROLE),
            }])
        }
        SyncIntent::BrandRename { brand, name } => {
            let b = facts.brand.as_deref().ok_or_else(|| no_brand(*brand))?;
            let (who, target) = on_brand(actor, b);
            rules::rename_brand(target.brand)?;
            policy::can(&who, Action::EditKit, &target)?;
            let name = rules::brand_name(name)?;
            if facts.name_holder.is_some_and(|h| h != *brand) {
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("the studio already has a brand called '{name}'"),
                ));
            }
            Ok(vec![SyncWrite::RenameBrand {
                id: *brand,
                name_key: names::key(&name),
                name,
            }])
        }
        SyncIntent::BrandKit { brand, kit: patch } => {
            let b = facts.brand.as_deref().ok_or_else(|| no_brand(*brand))?;
            let (who, target) = on_brand(actor, b);
            // Pinning anchors is a right of its own; every other field is the kit's.
            let anchors_only = KitPatch {
                anchors: None,
                ..patch.clone()
            }
            .is_empty();
            if !anchors_only {
                policy::can(&who, Action::EditKit, &target)?;
            }
            if patch.anchors.is_some() {
                policy::can(&who, Action::PinAnchor, &target)?;
            }
            Ok(vec![SyncWrite::SetKit {
                id: *brand,
                kit: patched(&b.kit, patch)?,
            }])
        }
        SyncIntent::BrandMember { brand, user, role } => {
            let b = facts.brand.as_deref().ok_or_else(|| no_brand(*brand))?;
            let (who, target) = on_brand(actor, b);
            policy::can(&who, Action::ManageMembers, &target)?;
            let person = match &facts.user {
                Some((a, false)) => a,
                _ => {
                    return Err(InvalidInput::new(
                        ErrorCode::UserNotFound,
                        "that person isn't a member of the studio: invite them to the studio first",
                    ));
                }
            };
            let current = b.members.iter().find(|m| m.user == *user).map(|m| m.role);
            let managers = b.members.iter().filter(|m| m.role == BrandRole::Manager).count() as u64;
            rules::member_change(&person.email, current, *role, managers, true)?;
            Ok(vec![SyncWrite::SetMember {
                brand: *brand,
                user: *user,
                role: *role,
            }])
        }
        SyncIntent::ProjectShare { project, name } => {
            let name = names::validate_name("project name", name)?;
            if let Some(p) = facts.project.as_ref().filter(|p| p.owner != actor.id) {
                return Err(InvalidInput::new(
                    ErrorCode::Forbidden,
                    format!(
                        "project {} is shared by someone else: only its owner shares it",
                        p.id
                    ),
                ));
            }
            Ok(vec![SyncWrite::PutProject(ProjectSyncRow {
                id: *project,
                name,
                owner: actor.id,
            })])
        }
        SyncIntent::ProjectUnshare { project } => {
            match &facts.project {
                Some(p) if p.owner != actor.id && !actor.role.acts_as_manager() => {
                    return Err(InvalidInput::new(
                        ErrorCode::Forbidden,
                        "only the project's owner, or the studio's Owner or Admin, can stop sharing it",
                    ));
                }
                _ => {}
            }
            Ok(vec![SyncWrite::Unshare { project: *project }])
        }
        SyncIntent::AssetCreate { asset } => {
            match &facts.asset {
                // Its creator sending it again (imported, then its project shared): it is
                // there already; nothing changes.
                Some(there) if there.creator == actor.id => return Ok(Vec::new()),
                Some(_) => {
                    return Err(InvalidInput::new(
                        ErrorCode::NameTaken,
                        format!("an asset with the id {} is already on the studio", asset.id),
                    ));
                }
                None => {}
            }
            // Only its creator puts an asset on the studio: a member can't claim someone
            // else's work (say, one taken off the studio meanwhile) as theirs.
            if asset.creator != actor.id {
                return Err(InvalidInput::new(
                    ErrorCode::Forbidden,
                    format!(
                        "{} was made by someone else: only its creator can add it to the studio",
                        asset.name
                    ),
                ));
            }
            facts.project.as_ref().ok_or_else(|| not_shared(asset.project))?;
            let brand = facts.brand.as_deref().ok_or_else(|| no_brand(asset.brand))?;
            let (who, target) = on_brand(actor, brand);
            policy::can(&who, Action::Upload, &target)?;
            let mut row = asset.clone();
            row.creator = actor.id;
            // Its memberships, as far as the studio knows the groups (a Personal brand's
            // collections stay in the library).
            row.collections.retain(|c| {
                facts
                    .collections
                    .iter()
                    .any(|g| g.id == *c && g.brand == row.brand)
            });
            row.collections.sort();
            row.collections.dedup();
            row.campaigns
                .retain(|c| facts.campaigns.iter().any(|g| g.id == *c && g.brand == row.brand));
            row.campaigns.sort();
            row.campaigns.dedup();
            // A stack's cover on another brand doesn't hold it on the studio (one not here yet
            // may come later in the push).
            if facts.other.as_ref().is_some_and(|c| c.brand != row.brand) {
                row.stack = None;
            }
            // Only the studio says whether it has a thumbnail (it republishes when one comes).
            row.thumb = false;
            row.name = names::validate_name("file name", &row.name)?;
            row.tags = names::normalize_tags(&row.tags)?;
            row.tags.sort_by_key(|t| names::key(t));
            rules::tag(
                &who,
                &AssetFacts {
                    name: &row.name,
                    status: row.status,
                    trashed: false,
                    tag_count: 0,
                    target,
                },
                row.tags.len() as u32,
            )?;
            if matches!(row.status, Status::Approved | Status::Archived) && brand.personal_of.is_none() {
                // Work arriving already decided needs someone who could have decided it: a
                // Manager of the brand vouches for it.
                policy::can(&who, Action::Archive, &target).map_err(|_| {
                    InvalidInput::new(
                        ErrorCode::Forbidden,
                        format!(
                            "{} is {} in your library: only a Manager of the brand can share work already decided",
                            row.name,
                            row.status.as_str()
                        ),
                    )
                })?;
            }
            Ok(vec![SyncWrite::PutAsset {
                scope: asset_scope(brand),
                row: Box::new(row),
            }])
        }
        SyncIntent::AssetSetFields { .. }
        | SyncIntent::TagAdd { .. }
        | SyncIntent::TagRemove { .. }
        | SyncIntent::ReviewTransition { .. }
        | SyncIntent::AssetMove { .. }
        | SyncIntent::AssetDelete { .. }
        | SyncIntent::StackSet { .. }
        | SyncIntent::AssetTrash { .. }
        | SyncIntent::CollectionFile { .. }
        | SyncIntent::CollectionUnfile { .. }
        | SyncIntent::CampaignAdd { .. }
        | SyncIntent::CampaignRemove { .. } => decide_asset(actor, intent, facts),
        SyncIntent::CollectionCreate { .. }
        | SyncIntent::CollectionRename { .. }
        | SyncIntent::CollectionMove { .. }
        | SyncIntent::CollectionDelete { .. }
        | SyncIntent::CollectionCover { .. }
        | SyncIntent::CampaignCreate { .. }
        | SyncIntent::CampaignRename { .. }
        | SyncIntent::CampaignDelete { .. } => decide_group(actor, intent, facts),
    }
}

/// `kit` with `patch`'s fields, each checked by the kit rules the desktop uses.
fn patched(current: &Kit, patch: &KitPatch) -> Result<Kit, InvalidInput> {
    let mut kit = current.clone();
    if let Some(c) = &patch.color {
        kit.color = kit::kit_color(Some(c))?.flatten();
    }
    if let Some(p) = kit::affix("prefix", patch.prompt_prefix.as_deref())? {
        kit.prompt_prefix = p;
    }
    if let Some(s) = kit::affix("suffix", patch.prompt_suffix.as_deref())? {
        kit.prompt_suffix = s;
    }
    if let Some(terms) = &patch.banned_terms {
        // The whole list: checked as an edit from nothing that bans each term.
        kit.banned_terms = kit::banned_terms(&[], terms, &[])?.unwrap_or_default();
    }
    if let Some(s) = patch.self_approval {
        kit.self_approval = s;
    }
    if let Some(p) = &patch.palette {
        kit.palette = kit::palette(Some(p))?.unwrap_or_default();
    }
    if let Some(a) = &patch.anchors {
        let mut anchors: Vec<AssetId> = Vec::with_capacity(a.len());
        for id in a {
            if !anchors.contains(id) {
                anchors.push(*id);
            }
        }
        rules::anchor_count(anchors.len())?;
        kit.anchors = anchors;
    }
    Ok(kit)
}
