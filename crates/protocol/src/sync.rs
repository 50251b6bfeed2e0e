//! The sync protocol's wire types (STUDIO.md §3–§4): the intents a library pushes, the studio's
//! answer per intent, the rows a pull returns, and the desktop's sync state for its UI.
//!
//! Plain data only: what an intent may do is atelier-domain's, how it is applied is the
//! studio's, how rows land in a catalog is the sync client's.

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId, UserId};
use atelier_domain::{
    AssetId, BrandRole, ErrorCode, Flag, Kind, Label, Rating, ReviewAction, Source, Status, StudioRole,
};
use serde::{Deserialize, Serialize};

/// One change a library made, to be applied by the studio (STUDIO.md §4). Named for what the
/// person did, keyed by public ids; the studio re-checks each against the caller's roles now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "type")]
#[ts(export)]
pub enum SyncIntent {
    /// Create a team brand with this id; its creator becomes its first Manager.
    #[serde(rename = "brand.create")]
    BrandCreate {
        /// The id the library gave it (the studio keeps it).
        brand: BrandId,
        /// Its name.
        name: String,
    },
    /// Rename a team brand.
    #[serde(rename = "brand.rename")]
    BrandRename {
        /// Which.
        brand: BrandId,
        /// The new name.
        name: String,
    },
    /// Change some of a brand's kit fields (the others stay: last writer wins per field).
    #[serde(rename = "brand.kit")]
    BrandKit {
        /// Which.
        brand: BrandId,
        /// The fields changed.
        kit: KitPatch,
    },
    /// Add a member to a brand, change their role, or (with no role) remove them.
    #[serde(rename = "brand.member")]
    BrandMember {
        /// Which brand.
        brand: BrandId,
        /// Which person.
        user: UserId,
        /// Their role from now on; `None` removes them.
        role: Option<BrandRole>,
    },
    /// Share a project (R9.3): its owner (the caller) makes it visible to the studio; its
    /// assets follow as `asset.create`.
    #[serde(rename = "project.share")]
    ProjectShare {
        /// Which (the library's id, kept).
        project: ProjectId,
        /// Its name.
        name: String,
    },
    /// Stop sharing a project: its assets leave every other member's view.
    #[serde(rename = "project.unshare")]
    ProjectUnshare {
        /// Which.
        project: ProjectId,
    },
    /// An asset of a shared project, as it is (its creator is the caller).
    #[serde(rename = "asset.create")]
    AssetCreate {
        /// The asset.
        asset: AssetSyncRow,
    },
    /// Change some plain fields of an asset (the others stay: last writer wins per field).
    #[serde(rename = "asset.set_fields")]
    AssetSetFields {
        /// Which.
        asset: AssetId,
        /// The fields changed.
        fields: AssetPatch,
    },
    /// Add a tag (concurrent additions both survive).
    #[serde(rename = "tag.add")]
    TagAdd {
        /// Which asset.
        asset: AssetId,
        /// The tag.
        tag: String,
    },
    /// Remove a tag.
    #[serde(rename = "tag.remove")]
    TagRemove {
        /// Which asset.
        asset: AssetId,
        /// The tag.
        tag: String,
    },
    /// A review transition, refused as `stale_state` when the asset is no longer `from`.
    #[serde(rename = "review.transition")]
    ReviewTransition {
        /// Which asset.
        asset: AssetId,
        /// The status the person saw.
        from: Status,
        /// What they did.
        action: ReviewAction,
    },
    /// Move an asset to another shared project and/or brand.
    #[serde(rename = "asset.move")]
    AssetMove {
        /// Which.
        asset: AssetId,
        /// The project it goes to, if another.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        project: Option<ProjectId>,
        /// The brand it goes to, if another.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        brand: Option<BrandId>,
    },
    /// Delete an asset from the studio (every library's copy of its row goes).
    #[serde(rename = "asset.delete")]
    AssetDelete {
        /// Which.
        asset: AssetId,
    },
    /// Move an asset to the Trash, or (`trashed: false`) restore it.
    #[serde(rename = "asset.trash")]
    AssetTrash {
        /// Which.
        asset: AssetId,
        /// In the Trash from now on, or not.
        trashed: bool,
    },
    /// Put an asset in the stack of `cover` (an asset of its brand on the studio, or itself),
    /// or (with none) take it out of any stack. One intent per member: stacking sends one for
    /// each, cover first; unstacking one `None` for each.
    #[serde(rename = "stack.set")]
    StackSet {
        /// Which asset.
        asset: AssetId,
        /// Its stack's cover from now on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cover: Option<AssetId>,
    },
    /// Make a collection of a team brand (with the id the library gave it).
    #[serde(rename = "collection.create")]
    CollectionCreate {
        /// The collection.
        collection: CollectionSyncRow,
    },
    /// Rename a collection (unique among its siblings).
    #[serde(rename = "collection.rename")]
    CollectionRename {
        /// Which.
        collection: CollectionId,
        /// Its new name.
        name: String,
    },
    /// Move a collection under another of its brand (or to the top).
    #[serde(rename = "collection.move")]
    CollectionMove {
        /// Which.
        collection: CollectionId,
        /// Its new parent; none: the top.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<CollectionId>,
    },
    /// Choose a collection's cover (an asset filed in it or below), or (with none) give it
    /// back to the automatic one: its newest card.
    #[serde(rename = "collection.cover")]
    CollectionCover {
        /// Which.
        collection: CollectionId,
        /// The asset shown for it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cover: Option<AssetId>,
    },
    /// Delete a collection and its sub-collections (the assets stay).
    #[serde(rename = "collection.delete")]
    CollectionDelete {
        /// Which.
        collection: CollectionId,
    },
    /// File an asset into a collection.
    #[serde(rename = "collection.file")]
    CollectionFile {
        /// The collection.
        collection: CollectionId,
        /// The asset.
        asset: AssetId,
    },
    /// Take an asset out of a collection.
    #[serde(rename = "collection.unfile")]
    CollectionUnfile {
        /// The collection.
        collection: CollectionId,
        /// The asset.
        asset: AssetId,
    },
    /// Make a campaign of a team brand (with the id the library gave it).
    #[serde(rename = "campaign.create")]
    CampaignCreate {
        /// The campaign.
        campaign: CampaignSyncRow,
    },
    /// Rename a campaign (unique in its brand).
    #[serde(rename = "campaign.rename")]
    CampaignRename {
        /// Which.
        campaign: CampaignId,
        /// Its new name.
        name: String,
    },
    /// Delete a campaign (its assets stay as they are, R8.3).
    #[serde(rename = "campaign.delete")]
    CampaignDelete {
        /// Which.
        campaign: CampaignId,
    },
    /// Add an asset of the campaign's brand to it.
    #[serde(rename = "campaign.add")]
    CampaignAdd {
        /// The campaign.
        campaign: CampaignId,
        /// The asset.
        asset: AssetId,
    },
    /// Take an asset off a campaign.
    #[serde(rename = "campaign.remove")]
    CampaignRemove {
        /// The campaign.
        campaign: CampaignId,
        /// The asset.
        asset: AssetId,
    },
}

impl SyncIntent {
    /// The intent's name (`brand.rename`), for lists and logs.
    pub fn name(&self) -> &'static str {
        match self {
            SyncIntent::BrandCreate { .. } => "brand.create",
            SyncIntent::BrandRename { .. } => "brand.rename",
            SyncIntent::BrandKit { .. } => "brand.kit",
            SyncIntent::BrandMember { .. } => "brand.member",
            SyncIntent::ProjectShare { .. } => "project.share",
            SyncIntent::ProjectUnshare { .. } => "project.unshare",
            SyncIntent::AssetCreate { .. } => "asset.create",
            SyncIntent::AssetSetFields { .. } => "asset.set_fields",
            SyncIntent::TagAdd { .. } => "tag.add",
            SyncIntent::TagRemove { .. } => "tag.remove",
            SyncIntent::ReviewTransition { .. } => "review.transition",
            SyncIntent::AssetMove { .. } => "asset.move",
            SyncIntent::AssetDelete { .. } => "asset.delete",
            SyncIntent::StackSet { .. } => "stack.set",
            SyncIntent::AssetTrash { .. } => "asset.trash",
            SyncIntent::CollectionCreate { .. } => "collection.create",
            SyncIntent::CollectionRename { .. } => "collection.rename",
            SyncIntent::CollectionMove { .. } => "collection.move",
            SyncIntent::CollectionCover { .. } => "collection.cover",
            SyncIntent::CollectionDelete { .. } => "collection.delete",
            SyncIntent::CollectionFile { .. } => "collection.file",
            SyncIntent::CollectionUnfile { .. } => "collection.unfile",
            SyncIntent::CampaignCreate { .. } => "campaign.create",
            SyncIntent::CampaignRename { .. } => "campaign.rename",
            SyncIntent::CampaignDelete { .. } => "campaign.delete",
            SyncIntent::CampaignAdd { .. } => "campaign.add",
            SyncIntent::CampaignRemove { .. } => "campaign.remove",
        }
    }
}

/// Plain asset fields to change; absent ones stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AssetPatch {
    /// File name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub name: Option<String>,
    /// Stars, 0–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub rating: Option<Rating>,
    /// Culling flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub flag: Option<Flag>,
    /// Colour label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub label: Option<Label>,
}

impl AssetPatch {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == AssetPatch::default()
    }
}

/// Kit fields to change; absent ones stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct KitPatch {
    /// `#RRGGBB`, or an empty string to clear it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub color: Option<String>,
    /// Prompt prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prompt_prefix: Option<String>,
    /// Prompt suffix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prompt_suffix: Option<String>,
    /// The whole list of banned terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub banned_terms: Option<Vec<String>>,
    /// Whether Managers may approve their own assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub self_approval: Option<bool>,
    /// The whole palette (`#RRGGBB` each).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub palette: Option<Vec<String>>,
    /// The whole list of pinned anchor assets, in order (R10.3: at most 16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub anchors: Option<Vec<AssetId>>,
}

impl KitPatch {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == KitPatch::default()
    }
}

/// An intent as queued: its id only grows per replica (a library), so that the studio applies
/// each at most once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushedIntent {
    /// Per-replica, increasing.
    pub id: i64,
    /// What to do.
    pub intent: SyncIntent,
}

/// At most this many intents per push: a bigger outbox pushes in several requests.
pub const MAX_PUSH: usize = 500;

/// `POST /api/v1/sync/push`: intents in the order they were made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The library pushing (stable across sign-ins of that library; the at-most-once key with
    /// each intent's id).
    pub replica: uuid::Uuid,
    /// In order, oldest first.
    pub intents: Vec<PushedIntent>,
}

/// What became of one pushed intent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PushOutcome {
    /// Applied; its rows carry this seq (or an earlier push of the same intent was).
    Applied {
        /// The seq of the change it made.
        seq: i64,
    },
    /// Refused, and consumed: it never blocks the intents after it.
    Refused {
        /// Why, as a code.
        code: ErrorCode,
        /// Why, for people.
        message: String,
    },
}

/// The answer to one pushed intent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResult {
    /// The intent's id.
    pub id: i64,
    /// Applied or refused.
    #[serde(flatten)]
    pub outcome: PushOutcome,
}

/// `POST /api/v1/sync/push`'s answer: one result per intent, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Per intent.
    pub results: Vec<PushResult>,
}

/// A member of the studio as every member sees them (`studio` scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRow {
    /// Public id.
    pub id: UserId,
    /// Email (what brand member commands take).
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Studio role now.
    pub role: StudioRole,
    /// No longer a member (their work stays; they can't sign in).
    pub removed: bool,
}

/// A brand's kit as stored on the studio.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kit {
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Prompt prefix.
    pub prompt_prefix: String,
    /// Prompt suffix.
    pub prompt_suffix: String,
    /// Banned terms.
    pub banned_terms: Vec<String>,
    /// Whether Managers may approve their own assets.
    pub self_approval: bool,
    /// Palette (`#RRGGBB` each).
    pub palette: Vec<String>,
    /// Pinned anchor assets, in order.
    #[serde(default)]
    pub anchors: Vec<AssetId>,
}

/// One member of a brand with their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandMemberEntry {
    /// Who.
    pub user: UserId,
    /// Their role on the brand.
    pub role: BrandRole,
}

/// A brand with its kit and members: team brands in the `studio` scope, each member's Personal
/// brand in their `user:<id>` scope (and no members).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrandSyncRow {
    /// Public id (a Personal brand's is its person's id).
    pub id: BrandId,
    /// Name ("Personal" for Personal brands).
    pub name: String,
    /// Whose Personal brand it is, for Personal brands.
    pub personal_of: Option<UserId>,
    /// Kit.
    pub kit: Kit,
    /// Members with their roles (always at least one Manager on a team brand).
    pub members: Vec<BrandMemberEntry>,
}

/// `GET|POST /api/v1/sharing`: whether public campaign links can be made (R8.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PublicSharing {
    /// The studio is served with a public URL (`--public-url`).
    pub configured: bool,
    /// An Owner or Admin turned public sharing on.
    pub on: bool,
}

/// `POST /api/v1/sharing`: turn public sharing on or off (Owners and Admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SetPublicSharing {
    /// On or off.
    pub on: bool,
}

/// `POST /api/v1/campaigns/{id}/link`: make the campaign public (its link kept if it is
/// already), or with `regenerate` give it a new link, the old one dead at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PublishCampaign {
    /// A new link, the old one dead at once.
    #[serde(default)]
    pub regenerate: bool,
}

/// A campaign's visibility, as those who manage it see it (`/api/v1/campaigns/{id}/link`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CampaignVisibility {
    /// Anyone with the link can view its approved assets.
    pub public: bool,
    /// The link, when public.
    pub link: Option<String>,
}

/// What a library's app shows in a campaign's Visibility section (the app's own API,
/// `/api/campaigns/link`): the studio's sharing switch, the campaign's visibility and — for who
/// manages it — its link, and whether this person may control it (the buttons grey out
/// otherwise; the studio decides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CampaignLinkState {
    /// Whether the studio can make public links.
    pub sharing: PublicSharing,
    /// Anyone with the link can view its approved assets.
    pub public: bool,
    /// The link, when public and this person manages the campaign.
    pub link: Option<String>,
    /// Whether this person may publish, regenerate or withdraw it.
    pub can_control: bool,
}

/// The studio's plan limits (R9.5); `None`: no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioLimits {
    /// Projects each member may own (their Inbox aside).
    pub projects_per_member: Option<u32>,
    /// Bytes of originals each project may hold.
    #[ts(type = "number | null")]
    pub storage_per_project: Option<u64>,
}

/// A shared project as every member sees it (`studio` scope); unshared, it is [`SyncData::Gone`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSyncRow {
    /// Public id (its owner's library's).
    pub id: ProjectId,
    /// Name.
    pub name: String,
    /// Who shared it.
    pub owner: UserId,
}

/// An asset of a shared project, without image bytes (STUDIO.md §3): in its brand's scope
/// (`brand:<id>`), or its creator's (`user:<id>`) on their Personal brand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AssetSyncRow {
    /// Public id (the creating library's).
    pub id: AssetId,
    /// Its shared project.
    pub project: ProjectId,
    /// Its brand.
    pub brand: BrandId,
    /// Who made it (the studio sets it to the pusher on create).
    pub creator: UserId,
    /// File name.
    pub name: String,
    /// Image or video.
    pub kind: Kind,
    /// How it arrived.
    pub source: Source,
    /// BLAKE3 of the original, hex: its content id (STUDIO.md §5).
    pub hash: String,
    /// Size of the original.
    #[ts(type = "number")]
    pub bytes: u64,
    /// MIME type of the original.
    pub mime: String,
    /// Pixels, as displayed.
    pub width: u32,
    /// Pixels, as displayed.
    pub height: u32,
    /// Capture time as the file says (RFC 3339), if any.
    #[serde(default)]
    pub captured_at: Option<String>,
    /// When it was added, unix ms (the creator's clock: shown, never used to merge).
    #[ts(type = "number")]
    pub added_at: i64,
    /// Review status.
    pub status: Status,
    /// Stars.
    pub rating: Rating,
    /// Culling flag.
    pub flag: Flag,
    /// Colour label (older rows have none).
    #[serde(default)]
    pub label: Label,
    /// Tags, sorted by their case-folded key.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Generation prompt, if any.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Whether the studio has its grid thumbnail (set by the studio when one arrives; the row
    /// is republished then, so readers fetch it at once).
    #[serde(default)]
    pub thumb: bool,
    /// The collections of its brand it is filed in, sorted.
    #[serde(default)]
    pub collections: Vec<CollectionId>,
    /// The campaigns of its brand it is on, sorted.
    #[serde(default)]
    pub campaigns: Vec<CampaignId>,
    /// The cover of the stack it is in (its own id when it is the cover); none: not stacked.
    /// Counts only while that cover is its own cover, on the same brand, and readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stack: Option<AssetId>,
    /// The asset it was forked from (R7.5), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub forked_from: Option<AssetId>,
    /// In the Trash (R4.3): everyone who sees it finds it there, until someone restores it or
    /// it is deleted for good.
    #[serde(default)]
    pub trashed: bool,
}

/// A collection of a team brand, as the studio holds it (read in its brand's scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CollectionSyncRow {
    /// Its public id.
    pub id: CollectionId,
    /// Its brand.
    pub brand: BrandId,
    /// Its parent; none at the top.
    #[serde(default)]
    pub parent: Option<CollectionId>,
    /// Its name (unique among its siblings, ignoring case).
    pub name: String,
    /// The asset chosen to stand for it; none: its newest card. A reader shows it only while
    /// it is filed in the collection or below and visible there (so a cover never reveals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<AssetId>,
}

/// A campaign of a team brand, as the studio holds it (read in its brand's scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CampaignSyncRow {
    /// Its public id.
    pub id: CampaignId,
    /// Its brand.
    pub brand: BrandId,
    /// Its name (unique in its brand, ignoring case).
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: String,
    /// Whether it has a live public link (R8.4). The studio alone sets it, when a link is made
    /// or withdrawn; what a library sends here is ignored.
    #[serde(default)]
    pub public: bool,
}

/// What a row is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "row", rename_all = "snake_case")]
pub enum SyncData {
    /// A studio member.
    Member(MemberRow),
    /// A brand.
    Brand(BrandSyncRow),
    /// The studio's settings.
    Limits(StudioLimits),
    /// A shared project.
    Project(ProjectSyncRow),
    /// An asset of a shared project.
    Asset(AssetSyncRow),
    /// A collection of a team brand.
    Collection(CollectionSyncRow),
    /// A campaign of a team brand.
    Campaign(CampaignSyncRow),
    /// The row (`kind`, `key`) left this scope: deleted, unshared, or moved to a scope the
    /// reader may not see. A reader deletes its copy only if that copy's seq is older than this
    /// row's (a backfill may bring the row's newer state first).
    Gone(GoneRow),
}

/// A row that left a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoneRow {
    /// The kind of the row that left (`asset`, `project`).
    pub kind: String,
    /// Its key.
    pub key: String,
    /// The scope it left.
    pub scope: String,
}

impl SyncData {
    /// The row's kind and key: a row replaces the earlier row with the same pair.
    pub fn key(&self) -> (&'static str, String) {
        match self {
            SyncData::Member(m) => ("member", m.id.to_string()),
            SyncData::Brand(b) => ("brand", b.id.to_string()),
            SyncData::Limits(_) => ("limits", "studio".into()),
            SyncData::Project(p) => ("project", p.id.to_string()),
            SyncData::Asset(a) => ("asset", a.id.to_string()),
            SyncData::Collection(c) => ("collection", c.id.to_string()),
            SyncData::Campaign(c) => ("campaign", c.id.to_string()),
            // One per (row, scope): a row that leaves two scopes in turn leaves a mark in each.
            SyncData::Gone(g) => ("gone", format!("{}:{}@{}", g.kind, g.key, g.scope)),
        }
    }
}

/// One row of a pull, with the seq of the change that made it what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRow {
    /// Commit order on the studio.
    pub seq: i64,
    /// The scope it is read in (`studio`, `user:<id>`, `brand:<id>`): losing that scope purges it.
    #[serde(default)]
    pub scope: String,
    /// The row.
    #[serde(flatten)]
    pub data: SyncData,
}

/// `GET /api/v1/sync/pull?cursor=N`: the rows the caller may see whose seq is after the cursor,
/// in seq order, a page at a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    /// The studio's epoch: a different one than the client's means the studio was restored
    /// from a backup, and the client starts over from cursor 0 (keeping its outbox).
    pub epoch: String,
    /// The rows, in seq order.
    pub rows: Vec<SyncRow>,
    /// Where the next pull starts (the last row's seq, or the cursor given when none).
    pub cursor: i64,
    /// Whether more rows follow.
    pub more: bool,
    /// The scopes the caller may see now (`studio`, `user:<id>`, `brand:<id>`…): one the
    /// client didn't have before is backfilled (`only=`), one it lost is purged.
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// A poke on `GET /api/v1/sync/events`: something committed up to this seq; pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncPoke {
    /// The latest seq.
    pub seq: i64,
}

/// Where a library's sync stands, as its app shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncState {
    /// Not bound to a studio.
    Standalone,
    /// Bound, but no credential on this machine (signed out, or the keyring lost it).
    SignedOut,
    /// Everything pushed and pulled.
    UpToDate,
    /// Pushing or pulling now.
    Syncing,
    /// The studio can't be reached; changes queue.
    Offline,
    /// The studio revoked this device: sign in again.
    Revoked,
}

/// The app's sync indicator: state, what waits, what was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncStatus {
    /// Where it stands.
    pub state: SyncState,
    /// Changes waiting to be pushed.
    #[ts(type = "number")]
    pub pending: i64,
    /// Changes the studio refused, not yet dismissed (the *Couldn't sync* list).
    #[ts(type = "number")]
    pub refusals: i64,
    /// When the last sync completed (RFC 3339, UTC).
    pub last_sync_at: Option<String>,
    /// Why it is offline or revoked, for people.
    pub message: Option<String>,
    /// Originals of shared projects not on the studio yet (as of the last sync).
    #[serde(default)]
    #[ts(type = "number")]
    pub uploads_waiting: i64,
    /// Thumbnails of other members' assets the studio has and this library doesn't yet.
    #[serde(default)]
    #[ts(type = "number")]
    pub thumbnails_waiting: i64,
    /// Originals going up or coming down right now, with how far each is.
    #[serde(default)]
    pub transfers: Vec<TransferProgress>,
}

/// Which way a file travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TransferKind {
    /// An original going up to the studio.
    Upload,
    /// An original coming down from the studio.
    Download,
}

/// One original on its way (the sync indicator's panel shows each with a progress bar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct TransferProgress {
    /// Up or down.
    pub kind: TransferKind,
    /// The asset's file name.
    pub name: String,
    /// Bytes moved so far.
    #[ts(type = "number")]
    pub done: u64,
    /// Bytes in all.
    #[ts(type = "number")]
    pub total: u64,
}

/// One entry of the *Couldn't sync* list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncRefusal {
    /// Its id in this library's list.
    #[ts(type = "number")]
    pub id: i64,
    /// What was tried, for people ("Add ana@example.com to Acme as Creator").
    pub what: String,
    /// The intent's name (`brand.member`).
    pub intent: String,
    /// Why, as a code.
    pub code: ErrorCode,
    /// Why, for people.
    pub message: String,
    /// When the studio refused it (RFC 3339, UTC).
    pub at: String,
    /// Whether Retry can send it again (a refused push; not the binding's report).
    #[serde(default)]
    pub retryable: bool,
}

/// What one `atelier sync` moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncReport {
    /// Intents the studio applied.
    pub pushed: u32,
    /// Intents it refused (now in the *Couldn't sync* list).
    pub refused: u32,
    /// Local changes with nothing to send (about this machine's files or private projects).
    pub kept_local: u32,
    /// Rows received.
    pub pulled: u32,
    /// The cursor after.
    #[ts(type = "number")]
    pub cursor: i64,
    /// Whether the studio's epoch changed and the library started over.
    pub rebootstrapped: bool,
    /// Originals sent to the studio (verified whole there).
    #[serde(default)]
    pub uploaded: u32,
    /// Grid thumbnails of other members' assets received.
    #[serde(default)]
    pub thumbnails: u32,
    /// Originals downloaded for projects kept available offline.
    #[serde(default)]
    pub downloaded: u32,
}
