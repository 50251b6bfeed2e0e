//! The library's side of a studio binding (R14, STUDIO.md §3): whether and to which studio,
//! as whom and from which device the library is bound, and how many changes wait for it.
//! Binding switches the journal's outbox on (every change from then on is queued in the same
//! transaction as the change).
//!
//! Knows nothing of HTTP, keyrings or the studio's API: atelier-sync drives the sign-in and
//! calls this once it knows who signed in.

use atelier_catalog::{LocalBrand, Purged, Refusal, StudioBinding, SyncCursor};
use atelier_catalog::{ProjectRow, UserRow};
use atelier_domain::ids::{BrandId, CampaignId, CollectionId, DeviceId, ProjectId, UserId};
use atelier_domain::{AssetId, ErrorCode, Id, InvalidInput, StudioRole, rules};
use atelier_protocol::{
    AssetSyncRow, CampaignSyncRow, Change, CollectionSyncRow, PullResponse, StudioLimits, StudioUser,
    SyncData, SyncIntent,
};

use crate::{Library, Result, now_ms};

/// A pushed intent the studio refused, for the *Couldn't sync* list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Refused {
    /// The intent's name (`tag.add`).
    pub intent: String,
    /// What was tried, for people.
    pub what: String,
    /// The studio's code.
    pub code: String,
    /// The studio's reason.
    pub message: String,
    /// The intent as sent (JSON), for Retry.
    pub body: Option<String>,
}

impl Library {
    /// The studio this library is bound to, if any.
    pub fn studio_binding(&self) -> Result<Option<StudioBinding>> {
        Ok(self.catalog().studio_binding()?)
    }

    /// Binds the library to `studio_url` as `me` (with their studio `role`) from `device`. A
    /// library is bound to one studio and one person: binding it elsewhere, or as someone
    /// else, is refused with what to do; signing in again (a new device of the same person on
    /// the same studio) is fine. The library's own person becomes `me` and its Personal brand
    /// theirs, so that every asset and project stays where it is (R14).
    pub fn bind_studio(
        &self,
        studio_url: &str,
        me: &StudioUser,
        role: StudioRole,
        device: DeviceId,
    ) -> Result<()> {
        if let Some(b) = self.studio_binding()? {
            check_same(&b, studio_url, me.id)?;
        }
        self.catalog().write(|tx| {
            tx.bind_studio(studio_url, me.id, &device.to_bytes(), now_ms())?;
            tx.adopt_identity(me.id, &me.email, &me.display_name, role)
        })?;
        Ok(())
    }

    /// The studio's plan limits (R9.5) as last pulled; none while standalone.
    pub fn studio_limits(&self) -> Result<StudioLimits> {
        if self.studio_binding()?.is_none() {
            return Ok(StudioLimits::default());
        }
        Ok(self.catalog().studio_limits()?)
    }

    /// One more project for `owner` (R9.5), refused with the limit and their current count.
    pub(crate) fn check_project_limit(&self, owner: UserRow, inbox: ProjectRow) -> Result<()> {
        let limit = self.studio_limits()?.projects_per_member;
        if limit.is_some() {
            let owned = self.catalog().projects_owned(owner, inbox)?;
            rules::project_limit(limit, owned)?;
        }
        Ok(())
    }

    /// `adding` bytes of originals into `project` (R9.5), refused with the limit and its use.
    pub(crate) fn check_storage_limit(&self, project: ProjectRow, adding: u64) -> Result<()> {
        let limit = self.studio_limits()?.storage_per_project;
        if limit.is_some() {
            let used = self.catalog().project_bytes(project)?;
            rules::storage_limit(limit, used, adding)?;
        }
        Ok(())
    }

    /// How far the pull got.
    pub fn sync_cursor(&self) -> Result<SyncCursor> {
        Ok(self.catalog().sync_cursor()?)
    }

    /// The library's id towards its studio.
    pub fn replica(&self) -> Result<Option<uuid::Uuid>> {
        Ok(self.catalog().replica()?)
    }

    /// The oldest `limit` changes waiting for the studio, with their outbox ids.
    pub fn outbox(&self, limit: usize) -> Result<Vec<(i64, Change)>> {
        Ok(self.catalog().outbox(limit)?)
    }

    /// After a push: the outbox entries consumed (applied, refused, or with nothing to send)
    /// go, and each refusal joins the *Couldn't sync* list (`(intent, what, code, message)`);
    /// a refusal makes the next pull rebuild the view from the studio's, which undoes the
    /// refused change here. One transaction.
    pub fn pushed(&self, consumed: &[i64], refusals: &[Refused]) -> Result<()> {
        let now = now_ms();
        self.catalog().write(|tx| {
            tx.outbox_done(consumed)?;
            for r in refusals {
                tx.add_refusal(&r.intent, &r.what, &r.code, &r.message, now, r.body.as_deref())?;
                // Undone here: the rebuild below restores everything else from the studio's rows.
                match r.body.as_deref().and_then(|b| serde_json::from_str(b).ok()) {
                    Some(SyncIntent::CollectionFile { collection, asset }) => {
                        tx.undo_refused_filing("collection", collection.uuid(), asset.uuid(), now)?
                    }
                    Some(SyncIntent::CampaignAdd { campaign, asset }) => {
                        tx.undo_refused_filing("campaign", campaign.uuid(), asset.uuid(), now)?
                    }
                    _ => {}
                }
            }
            if !refusals.is_empty() {
                tx.request_rebuild()?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// Adds an entry to the *Couldn't sync* list that no push made (binding's report).
    pub fn add_refusal(&self, intent: &str, what: &str, code: &str, message: &str) -> Result<()> {
        self.catalog()
            .write(|tx| tx.add_refusal(intent, what, code, message, now_ms(), None))?;
        Ok(())
    }

    /// *Couldn't sync*'s Retry: the refused change goes to the studio again, as a new intent
    /// decided on the roles and state of then, and leaves the list.
    pub fn retry_refusal(&self, id: i64) -> Result<()> {
        let me = self.me.user;
        self.catalog().write(|tx| tx.retry_refusal(id, me, now_ms()))?;
        Ok(())
    }

    /// Applies a page of a pull and its cursor in one transaction (a crash replays it
    /// harmlessly: every row replaces what it names, a Gone row older than the copy is
    /// ignored). `main`: the page is of the main pull (it moves the cursor and says the
    /// scopes); otherwise a backfill of one scope, which leaves both alone. Cached files of
    /// what left are deleted once the transaction is in. Returns the rows applied.
    pub fn apply_pull(&self, page: &PullResponse, main: bool) -> Result<usize> {
        let now = now_ms();
        let purged = self.catalog().write(|tx| {
            // The whole page is the studio's: one pass turns its journal entries into `synced`
            // ones and keeps them out of the outbox.
            let purged = tx.as_synced(|tx| {
                let mut purged = Purged::default();
                let mut arrived = Vec::new();
                for row in &page.rows {
                    match &row.data {
                        SyncData::Member(m) => tx.apply_member(m)?,
                        SyncData::Brand(b) => tx.apply_brand(b, now)?,
                        SyncData::Limits(l) => tx.set_studio_limits(l)?,
                        SyncData::Project(p) => tx.apply_project(p, row.seq, &row.scope, now)?,
                        SyncData::Asset(a) => {
                            if tx.apply_asset(a, row.seq, &row.scope, now)? {
                                arrived.push(a.id);
                            }
                        }
                        SyncData::Gone(g) => purged.extend(tx.apply_gone(g, row.seq, now)?),
                        SyncData::Collection(c) => tx.apply_collection(c, row.seq, &row.scope, now)?,
                        SyncData::Campaign(c) => tx.apply_campaign(c, row.seq, &row.scope, now)?,
                    }
                }
                tx.assets_arrived(&arrived, now)?;
                Ok(purged)
            })?;
            // The page's scopes are recorded by `scopes_settled`, once the scopes gained are
            // read whole and the lost ones purged: a sync cut off in between does both again.
            // Those it no longer lists stop counting as held now, with the cursor.
            if main {
                tx.set_sync_cursor(&page.epoch, page.cursor, false, now)?;
                tx.narrow_sync_scopes(&page.scopes)?;
            }
            Ok(purged)
        })?;
        self.delete_cached(&purged);
        Ok(page.rows.len())
    }

    /// Scopes the library held rows in that the studio no longer lets it read: what came in
    /// them leaves (our own work with its file here stays).
    pub fn purge_scopes(&self, lost: &[String]) -> Result<usize> {
        let now = now_ms();
        let purged = self.catalog().write(|tx| {
            let mut purged = Purged::default();
            for scope in lost {
                purged.extend(tx.purge_scope(scope, now)?);
            }
            Ok(purged)
        })?;
        self.delete_cached(&purged);
        Ok(purged.assets.len())
    }

    /// Records the scopes this library now holds whole: those it was backfilled in (or read
    /// from the start) and not purged of.
    pub fn scopes_settled(&self, scopes: &[String]) -> Result<()> {
        self.catalog().write(|tx| tx.set_sync_scopes(scopes))?;
        Ok(())
    }

    /// The scopes rows from the studio are held in here.
    pub fn replicated_scopes(&self) -> Result<Vec<String>> {
        Ok(self.catalog().replicated_scopes()?)
    }

    /// The scopes this library holds whole (as of its last complete pull).
    pub fn sync_scopes(&self) -> Result<Vec<String>> {
        Ok(self.catalog().sync_scopes()?)
    }

    /// Deletes the cached originals and renditions of assets that left (only what the library
    /// keeps under `studio/`: never a file of the user's).
    fn delete_cached(&self, purged: &Purged) {
        self.free_files(&purged.freed);
    }

    /// Records that the binding's report was made.
    pub fn mark_bind_reported(&self) -> Result<()> {
        self.catalog().write(|tx| tx.mark_reported())?;
        Ok(())
    }

    /// Starts the view over from cursor 0 at the next pull (a new epoch: the studio was
    /// restored from a backup). The outbox stays.
    pub fn restart_pull(&self) -> Result<()> {
        self.catalog().write(|tx| tx.request_rebuild())?;
        Ok(())
    }

    /// The studio was restored from a backup (its epoch changed): the next pull reads
    /// everything again from 0, and what it no longer brings leaves ([`Library::forget_stale`]);
    /// the outbox is kept.
    pub fn rebootstrap(&self) -> Result<()> {
        self.catalog().write(|tx| {
            tx.request_rebuild()?;
            tx.mark_replicated_stale()
        })?;
        Ok(())
    }

    /// At the end of a pull: forgets what a rebootstrap's pull from 0 didn't bring again
    /// (nothing, unless the studio was restored from a backup). Returns how many assets left.
    pub fn forget_stale(&self) -> Result<usize> {
        let now = now_ms();
        let purged = self.catalog().write(|tx| tx.forget_stale(now))?;
        self.delete_cached(&purged);
        Ok(purged.assets.len())
    }

    /// The *Couldn't sync* list, newest first.
    pub fn refusals(&self) -> Result<Vec<Refusal>> {
        Ok(self.catalog().refusals()?)
    }

    /// Takes an entry off the *Couldn't sync* list.
    pub fn discard_refusal(&self, id: i64) -> Result<()> {
        let found = self.catalog().write(|tx| tx.discard_refusal(id))?;
        if !found {
            return Err(InvalidInput::new(
                ErrorCode::NotFound,
                format!("no entry {id} in the Couldn't sync list"),
            )
            .into());
        }
        Ok(())
    }

    /// Queues a brand of this library for the studio (see `Tx::offer_brand`); returns the
    /// members who aren't studio people.
    pub fn offer_brand(&self, id: BrandId, studio_people: &[UserId]) -> Result<Vec<String>> {
        Ok(self
            .catalog()
            .write(|tx| tx.offer_brand(id, studio_people, now_ms()))?)
    }

    /// A brand's name and a person's handle by id (for describing queued changes).
    pub fn names_for(
        &self,
        brand: Option<BrandId>,
        user: Option<UserId>,
    ) -> Result<(Option<String>, Option<String>)> {
        Ok(self.catalog().names_for(brand, user)?)
    }

    /// Team brands of this library that the studio doesn't have (`known`: the studio's).
    pub fn brands_not_in(&self, known: &[BrandId]) -> Result<Vec<LocalBrand>> {
        Ok(self.catalog().brands_not_in(known)?)
    }

    /// A project's name and whether it is shared (`None`: no such project here).
    pub fn project_sharing(&self, project: ProjectId) -> Result<Option<(String, bool)>> {
        Ok(self.catalog().project_sharing(project)?)
    }

    /// An asset as `asset.create` carries it, if it is in a shared project.
    pub fn shared_asset_row(&self, asset: AssetId) -> Result<Option<AssetSyncRow>> {
        let catalog = self.catalog();
        if !catalog.in_shared_project(asset)? {
            return Ok(None);
        }
        Ok(catalog.asset_sync_row(asset)?)
    }

    /// Up to `limit` originals of projects kept available offline that are only on the studio,
    /// newest first.
    pub fn remote_in_offline_projects(&self, limit: usize) -> Result<Vec<AssetId>> {
        Ok(self.catalog().remote_in_offline_projects(limit)?)
    }

    /// The other members of the stack whose cover is `cover` (empty: not a cover here).
    pub fn stack_members(&self, cover: AssetId) -> Result<Vec<AssetId>> {
        Ok(self.catalog().stack_members(cover)?)
    }

    /// The live assets of a project as `asset.create` carries them (what sharing sends).
    pub fn project_sync_rows(&self, project: ProjectId) -> Result<Vec<AssetSyncRow>> {
        Ok(self.catalog().project_sync_rows(project)?)
    }

    /// Every asset here whoever may see it: (id, creator, name, in the Trash). For checking
    /// a library against its studio (the simulation); readers go through [`Acting`](crate::Acting).
    pub fn census(&self) -> Result<Vec<(AssetId, uuid::Uuid, String, bool)>> {
        Ok(self.catalog().census()?)
    }

    /// A collection as `collection.create` carries it, with the collections above it first
    /// (empty: gone, or not a team brand's).
    pub fn collection_lineage(&self, id: CollectionId) -> Result<Vec<CollectionSyncRow>> {
        Ok(self.catalog().collection_lineage(id)?)
    }

    /// A collection as `collection.create` carries it (`None`: gone, or not a team brand's).
    pub fn collection_sync_row(&self, id: CollectionId) -> Result<Option<CollectionSyncRow>> {
        Ok(self.catalog().collection_sync_row(id)?)
    }

    /// A campaign as `campaign.create` carries it (`None`: gone, or not a team brand's).
    pub fn campaign_sync_row(&self, id: CampaignId) -> Result<Option<CampaignSyncRow>> {
        Ok(self.catalog().campaign_sync_row(id)?)
    }

    /// Every team brand's collection and campaign here, whoever may see it (for checking a
    /// library against its studio).
    pub fn group_census(&self) -> Result<Vec<(&'static str, uuid::Uuid)>> {
        Ok(self.catalog().group_census()?)
    }

    /// Whether the studio sent this library (kind, id) — an asset the studio has.
    pub fn is_replicated(&self, kind: &str, id: uuid::Uuid) -> Result<bool> {
        Ok(self.catalog().is_replicated(kind, id)?)
    }

    /// A tag's name by its public id.
    pub fn tag_name(&self, id: uuid::Uuid) -> Result<Option<String>> {
        Ok(self.catalog().tag_name(id)?)
    }

    /// How many changes wait in the outbox for the studio.
    pub fn outbox_len(&self) -> Result<i64> {
        Ok(self.catalog().outbox_len()?)
    }
}

/// Refuses a binding to another studio or person than the one the library has.
pub fn check_same(binding: &StudioBinding, studio_url: &str, user: UserId) -> Result<()> {
    if binding.studio_url != studio_url {
        return Err(InvalidInput::new(
            ErrorCode::BoundElsewhere,
            format!(
                "this library is bound to the studio at {}; a library belongs to one studio: \
                 sign in there, or use another library folder (--library) for {studio_url}",
                binding.studio_url
            ),
        )
        .into());
    }
    if binding.user != user {
        return Err(InvalidInput::new(
            ErrorCode::BoundElsewhere,
            "this library is bound to another person on this studio; a library belongs to one \
             person: sign in as them, or use another library folder (--library) for yourself",
        )
        .into());
    }
    Ok(())
}
