//! Assets as every edge shows them: a grid card ([`AssetSummary`]), everything about one
//! ([`AssetDetail`]), a page of search results and the rail's counts. Keyed by public ids; no
//! local file path crosses here (a desktop's local API adds the path where it needs one).

use atelier_domain::ids::{BrandId, ModelId, ProjectId};
use atelier_domain::{AssetId, AssetQuery, Cursor, Flag, Kind, Label, Presence, Rating, Source, Status};
use serde::{Deserialize, Serialize};

/// One asset as a grid card and a search result show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AssetSummary {
    /// Public id.
    pub id: AssetId,
    /// File name.
    pub name: String,
    /// Image or video.
    pub kind: Kind,
    /// How it arrived.
    pub source: Source,
    /// Review status.
    pub status: Status,
    /// 0 (none) to 5.
    pub rating: Rating,
    /// Culling flag.
    pub flag: Flag,
    /// Tags, sorted ignoring case.
    pub tags: Vec<String>,
    /// Its brand.
    pub brand_id: BrandId,
    /// Brand name ("Personal" for the user's Personal brand).
    pub brand: String,
    /// Its project.
    pub project_id: ProjectId,
    /// Project name.
    pub project: String,
    /// Who added it (display name).
    pub creator: String,
    /// Pixel width as displayed (the stored one turned by the EXIF orientation: a portrait
    /// phone photo stored 4032 × 3024 with orientation 6 is 3024 wide).
    pub width: u32,
    /// Pixel height as displayed.
    pub height: u32,
    /// When it was added (RFC 3339, UTC).
    pub added_at: String,
    /// When the camera captured it, as it recorded it (ISO 8601, with offset when known).
    pub captured_at: Option<String>,
    /// Generation prompt, for generated assets.
    pub prompt: Option<String>,
    /// Whether the original is where the catalog says (`missing`: deleted on disk; `offline`:
    /// its drive is unplugged — the thumbnail still shows).
    pub presence: Presence,
    /// A video's running time in seconds (the card's duration badge); `null` for stills.
    pub duration: Option<f64>,
    /// For a stack's cover, how many assets the stack holds (the card's count); `null` otherwise.
    pub stack_count: Option<u32>,
    /// Whether it is in the Trash (deleted, restorable).
    pub trashed: bool,
    /// This library's own work in a shared project whose original the studio hasn't received
    /// yet (the app's "Not yet uploaded" badge).
    #[serde(default)]
    pub unsent: bool,
    /// Its colour label.
    #[serde(default)]
    pub label: Label,
    /// The original's size in bytes.
    #[serde(default)]
    #[ts(type = "number")]
    pub bytes: u64,
}

/// A cataloged model a generation names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct ModelLink {
    /// The model's id.
    pub id: ModelId,
    /// Its file name.
    pub name: String,
}

/// Everything about one asset (the Info panel, `atelier show`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AssetDetail {
    /// The summary fields.
    #[serde(flatten)]
    pub summary: AssetSummary,
    /// BLAKE3 of the content, hex.
    pub hash: String,
    /// True when the library manages the file (it was copied in).
    pub managed: bool,
    /// MIME type from the content.
    pub mime: String,
    /// Short format name.
    pub format: String,
    /// EXIF orientation, 1–8.
    pub orientation: u8,
    /// Title from the file's metadata.
    pub title: Option<String>,
    /// Description from the file's metadata.
    pub description: Option<String>,
    /// Camera, lens, exposure, GPS… as display values.
    #[ts(type = "Record<string, unknown>")]
    pub exif: serde_json::Value,
    /// AI generation parameters, when the file carries them.
    #[ts(type = "Record<string, unknown> | null")]
    pub generation: Option<serde_json::Value>,
    /// Collection paths it is filed in.
    pub collections: Vec<String>,
    /// Campaign names it belongs to.
    pub campaigns: Vec<String>,
    /// The cataloged models its generation parameters name.
    pub models: Vec<ModelLink>,
    /// The assets of its stack, cover first (empty when it is not stacked).
    pub stack: Vec<AssetId>,
    /// What each of `stack` is, in the same order: RAW, JPEG, HEIC, PNG, Video… (the Info
    /// panel labels the members with it).
    #[serde(default)]
    pub stack_kinds: Vec<String>,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Page {
    /// How many assets match in all.
    #[ts(type = "number")]
    pub total: u64,
    /// This page, in order.
    pub items: Vec<AssetSummary>,
    /// Pass as the cursor to get the next page; `None` on the last page.
    pub next: Option<Cursor>,
}

/// The rail's live counts (SPEC R3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BucketCounts {
    /// Everything in scope.
    #[ts(type = "number")]
    pub all: u64,
    /// Added in the last 7 days.
    #[ts(type = "number")]
    pub recent: u64,
    /// In no collection.
    #[ts(type = "number")]
    pub unfiled: u64,
    /// In the Trash.
    #[ts(type = "number")]
    pub trash: u64,
}

/// One value a filter offers, with how many assets in view have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct FacetValue {
    /// As the filter takes it.
    pub name: String,
    /// Assets in view with it.
    #[ts(type = "number")]
    pub count: u64,
}

/// What the toolbar's filters can offer in view: the cameras, lenses and file types present,
/// most common first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct FacetValues {
    /// Cameras.
    pub cameras: Vec<FacetValue>,
    /// Lenses.
    pub lenses: Vec<FacetValue>,
    /// File types (`jpeg`, `heif`, `cr2`, `mp4`…).
    pub file_types: Vec<FacetValue>,
}

/// A saved search (Lightroom's smart collection): a person's own filters, by name, with how
/// many assets they find now in the brand scope asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SavedSearch {
    /// Its id.
    #[ts(type = "string")]
    pub id: uuid::Uuid,
    /// Its name.
    pub name: String,
    /// The filters, sort and rail pick (no brand scope, page size or cursor).
    pub query: AssetQuery,
    /// Assets it finds now.
    #[ts(type = "number")]
    pub count: u64,
}
