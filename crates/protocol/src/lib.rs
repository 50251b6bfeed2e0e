//! Atelier's wire types: what crosses an edge between processes — the web API and the UI (as
//! TypeScript through ts-rs), the studio server's people-and-devices API (studio.rs), and next
//! the sync client. Versioned, and keyed by public UUIDs, never by names or local row ids.
//!
//! Plain data and its validation only: no IO, no storage, no HTTP. Rules live in atelier-domain.

mod asset;
mod change;
mod error;
mod files;
mod intent;
mod studio;
mod sync;

pub use asset::{
    AssetDetail, AssetSummary, BucketCounts, FacetValue, FacetValues, ModelLink, Page, SavedSearch,
};
pub use atelier_domain::ErrorCode;
pub use change::{Change, ChangeAction, Entity};
pub use error::ApiError;
pub use files::{
    BlobCheck, BlobsNeeded, MAX_CHECK, MAX_FILE_BYTES, MAX_RENDITION_BYTES, PART_HASH_HEADER, PART_SIZE,
    UploadDone, UploadSession, UploadStart,
};
pub use intent::{
    AssetSelection, BulkFailure, BulkReport, BulkRequest, Intent, JournalSpan, UndoReport, UndoRequest,
};
pub use studio::{
    BrowserSignIn, BrowserSignInPoll, BrowserSignInStart, DeviceCredential, InvitationAccept, InvitationLink,
    InvitationState, NewInvitation, PasswordSignIn, RefreshRequest, RoleChange, SignedIn, StudioDevice,
    StudioInfo, StudioInvitation, StudioMe, StudioMember, StudioUser,
};
pub use sync::{
    AssetPatch, AssetSyncRow, BrandMemberEntry, BrandSyncRow, CampaignLinkState, CampaignSyncRow,
    CampaignVisibility, CollectionSyncRow, GoneRow, Kit, KitPatch, MAX_PUSH, MemberRow, ProjectSyncRow,
    PublicSharing, PublishCampaign, PullResponse, PushOutcome, PushRequest, PushResponse, PushResult,
    PushedIntent, SetPublicSharing, StudioLimits, SyncData, SyncIntent, SyncPoke, SyncRefusal, SyncReport,
    SyncRow, SyncState, SyncStatus, TransferKind, TransferProgress,
};

/// The version of these types; a peer speaking another one is told so.
pub const PROTOCOL_VERSION: u32 = 1;
