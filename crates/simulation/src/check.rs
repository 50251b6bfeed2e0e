//! What must hold once the network behaves and every library has synced until nothing moves
//! (STUDIO.md §7): outboxes empty; every library's assets equal to what the studio holds that
//! it may see, field by field; nothing left of what it may no longer see; no asset twice on
//! the studio; every intent answered the same way each time it was asked (applied at most
//! once); every refusal a library heard listed in its *Couldn't sync*.
//!
//! Knows the libraries' and the studio's public APIs; drives nothing but syncs.

use std::collections::{HashMap, HashSet};

use atelier_domain::{AssetId, Id as _};
use atelier_protocol::{AssetSyncRow, PushOutcome, SyncData};

use crate::Failure;
use crate::world::World;

/// Rounds of "every library syncs" allowed before the run must be still.
const MAX_ROUNDS: usize = 8;

/// Turns the faults off, delivers what the network held, and syncs every library until a
/// whole round moves nothing.
///
/// # Errors
/// When it doesn't settle, or a sync fails.
pub fn quiesce(world: &mut World) -> Result<usize, Failure> {
    world.net.set_faults(false);
    world.net.deliver_all_held(&world.server);
    for round in 1..=MAX_ROUNDS {
        let mut moved = 0;
        for c in 0..world.clients.len() {
            let r = world.sync(c)?;
            moved += r.pushed + r.refused + r.pulled;
        }
        if moved == 0 {
            return Ok(round);
        }
    }
    Err(Failure::broken(
        world.seed,
        format!("still moving after {MAX_ROUNDS} rounds of syncs without faults"),
    ))
}

/// The fields both sides must agree on (tags in order; the thumbnail flag is the studio's).
fn comparable(a: &AssetSyncRow) -> String {
    let mut tags: Vec<String> = a.tags.iter().map(|t| t.to_lowercase()).collect();
    tags.sort();
    format!(
        "name={} project={} brand={} creator={} hash={} status={:?} rating={:?} flag={:?} label={:?} tags={tags:?} collections={:?} campaigns={:?} stack={:?} forked_from={:?} trashed={}",
        a.name,
        a.project,
        a.brand,
        a.creator,
        a.hash,
        a.status,
        a.rating,
        a.flag,
        a.label,
        a.collections,
        a.campaigns,
        a.stack,
        a.forked_from,
        a.trashed
    )
}

/// A studio row's links as they count for a library seeing `view`: a stack only while its
/// cover is there, its own cover, on the same brand; a fork's original only while it is there.
fn as_seen(row: &AssetSyncRow, view: &Assets) -> AssetSyncRow {
    let mut row = row.clone();
    row.stack = row.stack.filter(|c| {
        view.get(c)
            .is_some_and(|(_, cover)| cover.stack == Some(*c) && cover.brand == row.brand)
    });
    row.forked_from = row.forked_from.filter(|p| view.contains_key(p));
    row
}

/// What the studio lets library `c` see of its brands' collections and campaigns, by id, as
/// a pull from 0 folds: (kind, what it is).
type Groups = HashMap<uuid::Uuid, (i64, &'static str, String)>;

/// The assets the studio lets a library see, by id, with the seq of their row.
type Assets = HashMap<AssetId, (i64, AssetSyncRow)>;

/// What the studio lets library `c` see now: its asset rows by id, as a pull from 0 folds.
fn studio_view(world: &World, c: usize) -> Result<(Assets, Groups), Failure> {
    let token = &world.clients[c].token;
    let mut view: Assets = HashMap::new();
    let mut groups: Groups = HashMap::new();
    let mut cursor = 0;
    loop {
        let page = world
            .server
            .pull(token, cursor, None)
            .map_err(|e| Failure::broken(world.seed, format!("pull as c{c}: {e}")))?;
        for row in page.rows {
            match row.data {
                SyncData::Asset(a) => {
                    view.insert(a.id, (row.seq, a));
                }
                SyncData::Collection(g) => {
                    let parent = g.parent.map(|p| p.to_string()).unwrap_or_default();
                    let said = format!(
                        "brand={} parent={parent} name={} cover={:?}",
                        g.brand, g.name, g.cover
                    );
                    groups.insert(g.id.uuid(), (row.seq, "collection", said));
                }
                SyncData::Campaign(g) => {
                    let said = format!(
                        "brand={} name={} description={} public={}",
                        g.brand, g.name, g.description, g.public
                    );
                    groups.insert(g.id.uuid(), (row.seq, "campaign", said));
                }
                SyncData::Gone(g) if g.kind == "asset" => {
                    if let Ok(uuid) = g.key.parse::<uuid::Uuid>() {
                        let id = AssetId::from_uuid(uuid);
                        if view.get(&id).is_some_and(|(seq, _)| *seq < row.seq) {
                            view.remove(&id);
                        }
                    }
                }
                SyncData::Gone(g) if g.kind == "collection" || g.kind == "campaign" => {
                    if let Ok(uuid) = g.key.parse::<uuid::Uuid>()
                        && groups.get(&uuid).is_some_and(|(seq, _, _)| *seq < row.seq)
                    {
                        groups.remove(&uuid);
                    }
                }
                _ => {}
            }
        }
        cursor = page.cursor;
        if !page.more {
            return Ok((view, groups));
        }
    }
}

/// Every invariant, for every library.
///
/// # Errors
/// The first that fails, with the library and the asset.
pub fn check(world: &mut World) -> Result<(), Failure> {
    let seed = world.seed;
    let broken = |what: String| Failure::broken(seed, what);
    if let Some(v) = world.net.violations().first() {
        return Err(broken(v.clone()));
    }
    let answers = world.net.answers();
    for c in 0..world.clients.len() {
        let me = world.clients[c].person.user.id.uuid();
        let (view, groups) = studio_view(world, c)?;
        let mut hashes = HashSet::new();
        // A fork shares its original's bytes; anything else twice is an asset made twice.
        for (_, row) in view.values().filter(|(_, r)| r.forked_from.is_none()) {
            if !hashes.insert(row.hash.clone()) {
                return Err(broken(format!(
                    "c{c} sees the content {} twice on the studio: an asset made twice",
                    row.hash
                )));
            }
        }
        let held = world.held(c)?;
        let lib = world.clients[c].lib()?;
        let waiting = lib.outbox_len().map_err(|e| broken(e.to_string()))?;
        if waiting != 0 {
            return Err(broken(format!("c{c}'s outbox still holds {waiting} changes")));
        }
        for (_, studio_row) in view.values() {
            let here = lib
                .shared_asset_row(studio_row.id)
                .map_err(|e| broken(e.to_string()))?;
            let Some(mut here) = here else {
                return Err(broken(format!(
                    "c{c} lacks (or holds outside a shared project) {} '{}', which the studio shows it",
                    studio_row.id, studio_row.name
                )));
            };
            // A group only this library has (its creation refused — say, the name was taken
            // on the studio meanwhile — and listed in Couldn't sync) keeps its filings here:
            // nothing of the person's is lost. What the studio has must match.
            let known = |kind: &str, id: uuid::Uuid| lib.is_replicated(kind, id).unwrap_or(false);
            here.collections.retain(|g| known("collection", g.uuid()));
            here.campaigns.retain(|g| known("campaign", g.uuid()));
            // Likewise a stack under, or a fork of, an asset the studio doesn't have.
            here.stack = here.stack.filter(|a| known("asset", a.uuid()));
            here.forked_from = here.forked_from.filter(|a| known("asset", a.uuid()));
            let (theirs, ours) = (comparable(&as_seen(studio_row, &view)), comparable(&here));
            if theirs != ours {
                return Err(broken(format!(
                    "c{c} disagrees with the studio on {}:\n  studio:  {theirs}\n  library: {ours}",
                    studio_row.id
                )));
            }
        }
        for (id, creator, name, trashed) in &held {
            if *creator != me && !view.contains_key(id) {
                let replicated = lib
                    .is_replicated("asset", id.uuid())
                    .map_err(|e| broken(e.to_string()))?;
                let scopes = lib.sync_scopes().map_err(|e| broken(e.to_string()))?;
                return Err(broken(format!(
                    "c{c} still holds {id} '{name}' (trashed: {trashed}; replicated: {replicated}; scopes held {scopes:?}) of another person, which the studio no longer shows it"
                )));
            }
        }
        for (id, (_, kind, theirs)) in &groups {
            let ours = match *kind {
                "collection" => lib
                    .collection_sync_row(atelier_domain::ids::CollectionId::from_uuid(*id))
                    .map_err(|e| broken(e.to_string()))?
                    .map(|g| {
                        let parent = g.parent.map(|p| p.to_string()).unwrap_or_default();
                        format!(
                            "brand={} parent={parent} name={} cover={:?}",
                            g.brand, g.name, g.cover
                        )
                    }),
                _ => lib
                    .campaign_sync_row(atelier_domain::ids::CampaignId::from_uuid(*id))
                    .map_err(|e| broken(e.to_string()))?
                    .map(|g| {
                        format!(
                            "brand={} name={} description={} public={}",
                            g.brand, g.name, g.description, g.public
                        )
                    }),
            };
            if ours.as_deref() != Some(theirs.as_str()) {
                return Err(broken(format!(
                    "c{c} disagrees with the studio on {kind} {id}:\n  studio:  {theirs}\n  library: {ours:?}"
                )));
            }
        }
        for (kind, id) in lib.group_census().map_err(|e| broken(e.to_string()))? {
            let from_studio = lib.is_replicated(kind, id).map_err(|e| broken(e.to_string()))?;
            if from_studio && !groups.contains_key(&id) {
                return Err(broken(format!(
                    "c{c} still holds the {kind} {id} the studio no longer shows it"
                )));
            }
        }
        let replica = lib
            .replica()
            .map_err(|e| broken(e.to_string()))?
            .ok_or_else(|| broken(format!("c{c} has no replica id")))?;
        let heard = world.net.refusals_heard(replica);
        let mut refused: Vec<String> = answers
            .iter()
            .filter(|(key, o)| key.0 == replica && matches!(o, PushOutcome::Refused { .. }))
            .map(|(key, o)| {
                format!(
                    "{} {:?} → {o:?}",
                    key.1,
                    world.net.intent(*key).unwrap_or_default()
                )
            })
            .collect();
        refused.sort();
        let listed: Vec<String> = lib
            .refusals()
            .map_err(|e| broken(e.to_string()))?
            .into_iter()
            .filter(|r| r.intent != "bind")
            .map(|r| format!("{}: {} → {}: {}", r.intent, r.what, r.code, r.message))
            .collect();
        if heard != listed.len() {
            return Err(broken(format!(
                "c{c}: it heard {heard} refusals from the studio but Couldn't sync lists {}:\n  refused: {}\n  listed: {}",
                listed.len(),
                refused.join("\n           "),
                listed.join("\n          ")
            )));
        }
    }
    Ok(())
}
