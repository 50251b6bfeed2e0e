//! What a public link shows (SPEC R8.5, STUDIO.md §6, docs/decisions/0017–0019): the one rule
//! for what a link admits ([`admits`]), and the *view* of a live link — its campaign, its
//! brand's name, the assets it admits with what the page may say of them — that every public
//! route works from.
//!
//! A link is opened with one query that reads, together, the link its token hashes to, the
//! sharing switch and the studio's seq (the count every change to a row moves on: a status, a
//! campaign membership, a trashed asset, a renamed campaign — and a link made, regenerated or
//! withdrawn, which republishes its campaign's row). The view built from it is kept per
//! process, by the token's hash, and served again without asking the database while both hold:
//! the seq this process knows (its own writes, and on PostgreSQL every other process's, by
//! NOTIFY) hasn't moved past the view's, and the view was checked against the database less
//! than [`RECHECK_MS`] ago. So a link withdrawn here is dead for the next request, one
//! withdrawn on another process as soon as its NOTIFY arrives — and never later than
//! [`RECHECK_MS`], should a NOTIFY be lost.
//!
//! Must not know HTTP or SQL.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use atelier_domain::ids::CampaignId;
use atelier_domain::{AssetId, Id as _, Status};
use atelier_protocol::{AssetSyncRow, CampaignSyncRow, SyncData};
use bytes::Bytes;
use subtle::ConstantTimeEq as _;

use super::files::{FileRead, content_hash, from_blob};
use super::links::{stem, token_of_slug};
use super::{ServiceResult, Studio, now_ms, secrets};
use crate::blobs::Blobs;
use crate::store::brand_scope;

/// How long a view is served from memory before it is checked against the database again
/// (the bound on revocation should a NOTIFY from another process be lost).
pub const RECHECK_MS: i64 = 50;

/// Renditions kept in memory per process, in bytes at most (content-addressed, so never stale:
/// whether one may be served is the view's to say); past it the cache starts again empty.
const RENDITION_BYTES: usize = 128 << 20;
/// The largest rendition kept in memory.
const RENDITION_MAX: u64 = 2 << 20;

/// Views kept per process at most (one per public campaign being viewed); past it the cache
/// starts again empty — a bound, not an eviction policy: views are cheap to build again.
const MAX_VIEWS: usize = 1024;

/// A live public link, opened: the campaign it shows and its brand's name.
#[derive(Debug, Clone)]
pub struct OpenLink {
    /// The campaign, as stored now.
    pub campaign: CampaignSyncRow,
    /// Its brand's name.
    pub brand_name: String,
}

/// An asset a public page shows: only what the page may say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicAsset {
    /// Its id (in the page's own URLs only, always checked again through the link).
    pub id: AssetId,
    /// Its file name.
    pub name: String,
    /// Its creator's display name.
    pub creator: String,
    /// Pixels, for the grid's layout.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Its content hash (the studio's key for its renditions; never shown).
    pub hash: String,
    /// Its type, as the library recorded it (never shown).
    pub mime: String,
    /// Whether its type can be cleaned for download (atelier-scrub).
    pub downloadable: bool,
}

/// The one rule for what a public link admits (R8.5): an asset on this campaign, of its brand,
/// Approved now and not in the Trash. Every view is built through it.
pub fn admits(link: &OpenLink, asset: &AssetSyncRow) -> bool {
    asset.brand == link.campaign.brand
        && asset.status == Status::Approved
        && !asset.trashed
        && asset.campaigns.contains(&link.campaign.id)
}

/// A rendition as stored: its blob's content hash and its type.
type Rendition = (String, String);

/// What a live link shows, as of one seq.
#[derive(Debug)]
pub struct PublicView {
    /// The campaign and its brand's name.
    pub link: OpenLink,
    /// The admitted assets, oldest first.
    pub assets: Vec<PublicAsset>,
    /// The path segment of the page (`<stem>-<token>`, the stem from the campaign's name now).
    pub slug: String,
    /// The page as the HTTP layer rendered it from this view, once (it is the same bytes for
    /// everyone until the view is replaced).
    pub rendered: OnceLock<Bytes>,
    index: HashMap<AssetId, usize>,
    /// Renditions looked up so far: (asset's place, preview?) → (blob, type), or none.
    renditions: Mutex<HashMap<(usize, bool), Option<Rendition>>>,
    seq: i64,
    /// When the database last said this view's link is live at `seq` (ms).
    checked_at: AtomicI64,
}

impl PublicView {
    /// An admitted asset, if this view admits `id`.
    pub fn asset(&self, id: AssetId) -> Option<&PublicAsset> {
        self.index.get(&id).map(|&i| &self.assets[i])
    }
}

/// The views this process keeps, by their token's hash (a hash the requester can't steer, so
/// finding it in a map tells nothing about other tokens), and the renditions' bytes it keeps.
#[derive(Debug, Default)]
pub struct ViewCache {
    views: Mutex<HashMap<[u8; 32], Arc<PublicView>>>,
    bytes: Mutex<(HashMap<String, Bytes>, usize)>,
}

impl ViewCache {
    fn get(&self, token_hash: &[u8; 32]) -> Option<Arc<PublicView>> {
        self.views
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(token_hash)
            .cloned()
    }

    fn put(&self, token_hash: [u8; 32], view: Arc<PublicView>) {
        let mut views = self.views.lock().unwrap_or_else(|p| p.into_inner());
        if views.len() >= MAX_VIEWS && !views.contains_key(&token_hash) {
            views.clear();
        }
        views.insert(token_hash, view);
    }

    fn forget(&self, token_hash: &[u8; 32]) {
        self.views
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token_hash);
    }

    /// Forgets every view (the sharing switch moved: it moves no seq).
    pub fn clear(&self) {
        self.views.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn bytes_of(&self, blob: &str) -> Option<Bytes> {
        self.bytes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .get(blob)
            .cloned()
    }

    fn keep_bytes(&self, blob: &str, bytes: Bytes) {
        let mut kept = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        if kept.1 + bytes.len() > RENDITION_BYTES {
            kept.0.clear();
            kept.1 = 0;
        }
        kept.1 += bytes.len();
        kept.0.insert(blob.to_string(), bytes);
    }
}

impl Studio {
    /// Opens a public path's link (`<stem>-<token>`): the view of its campaign, if its link is
    /// the live one, public sharing is on, and the campaign still exists. Anything else is
    /// `None` — the same "no longer active" page whatever the reason.
    pub async fn open_public(&self, slug: &str) -> ServiceResult<Option<Arc<PublicView>>> {
        let Some(token) = token_of_slug(slug) else {
            return Ok(None);
        };
        if self.public_url.is_none() {
            return Ok(None);
        }
        let presented = secrets::digest(token);
        // From memory, while nothing this process knows of has changed and it was checked
        // against the database a moment ago.
        let cached = self.public_views.get(&presented);
        if let Some(view) = &cached
            && view.seq >= self.known_seq()
            && now_ms() - view.checked_at.load(Ordering::Relaxed) < RECHECK_MS
        {
            return Ok(Some(view.clone()));
        }
        let gate = match self.store.link_gate(&presented).await? {
            Some(gate) if bool::from(gate.token_hash.as_slice().ct_eq(&presented)) && gate.sharing => gate,
            _ => {
                self.public_views.forget(&presented);
                return Ok(None);
            }
        };
        let Some(campaign) = uuid::Uuid::from_slice(&gate.campaign)
            .ok()
            .map(CampaignId::from_uuid)
        else {
            return Ok(None);
        };
        if let Some(view) = cached
            && view.seq == gate.seq
            && view.link.campaign.id == campaign
        {
            view.checked_at.store(now_ms(), Ordering::Relaxed);
            return Ok(Some(view));
        }
        let Some(view) = self.build_view(campaign, token, gate.seq).await? else {
            self.public_views.forget(&presented);
            return Ok(None);
        };
        let view = Arc::new(view);
        self.public_views.put(presented, view.clone());
        Ok(Some(view))
    }

    /// The view of `campaign` as stored now (read after the seq it is filed under: a change
    /// made meanwhile only makes the next request build it again).
    async fn build_view(
        &self,
        campaign: CampaignId,
        token: &str,
        seq: i64,
    ) -> ServiceResult<Option<PublicView>> {
        let Some(SyncData::Campaign(campaign)) =
            self.store.stored_row("campaign", &campaign.to_string()).await?
        else {
            return Ok(None);
        };
        let Some(brand) = self.store.brand_now(campaign.brand).await? else {
            return Ok(None);
        };
        let link = OpenLink {
            campaign,
            brand_name: brand.name,
        };
        let rows = self
            .store
            .assets_naming(&brand_scope(link.campaign.brand), &link.campaign.id.to_string())
            .await?;
        let people: HashMap<_, _> = self
            .store
            .accounts()
            .await?
            .into_iter()
            .map(|p| (p.id, p.display_name))
            .collect();
        let mut shown: Vec<(i64, PublicAsset)> = rows
            .into_iter()
            .filter(|a| admits(&link, a))
            .map(|a| {
                (
                    a.added_at,
                    PublicAsset {
                        id: a.id,
                        creator: people.get(&a.creator).cloned().unwrap_or_default(),
                        downloadable: super::downloads::downloadable(&a.mime),
                        name: a.name,
                        width: a.width,
                        height: a.height,
                        hash: a.hash,
                        mime: a.mime,
                    },
                )
            })
            .collect();
        shown.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)));
        let assets: Vec<PublicAsset> = shown.into_iter().map(|(_, a)| a).collect();
        let index = assets.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        Ok(Some(PublicView {
            slug: format!("{}-{token}", stem(&link.campaign.name)),
            link,
            assets,
            rendered: OnceLock::new(),
            index,
            renditions: Mutex::default(),
            seq,
            checked_at: AtomicI64::new(now_ms()),
        }))
    }

    /// The rendition of the view's asset at `at`, remembered in the view. A missing preview
    /// isn't remembered: previews arrive without moving the seq (a thumbnail's arrival moves it,
    /// so a missing thumbnail is).
    async fn rendition_of(
        &self,
        view: &PublicView,
        at: usize,
        preview: bool,
    ) -> ServiceResult<Option<Rendition>> {
        let remembered = view
            .renditions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(at, preview))
            .cloned();
        if let Some(known) = remembered {
            return Ok(known);
        }
        let kind = if preview { "preview" } else { "thumb" };
        let found = self.store.rendition(&view.assets[at].hash, kind).await?;
        if found.is_some() || !preview {
            view.renditions
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert((at, preview), found.clone());
        }
        Ok(found)
    }

    /// An admitted asset's rendition: the thumbnail, or for `preview` the large preview (its
    /// thumbnail when the studio has none). `None` when the view doesn't admit it.
    pub async fn public_rendition(
        &self,
        blobs: &Blobs,
        view: &PublicView,
        id: AssetId,
        preview: bool,
    ) -> ServiceResult<Option<FileRead>> {
        let Some(&at) = view.index.get(&id) else {
            return Ok(None);
        };
        let mut found = None;
        if preview {
            found = self.rendition_of(view, at, true).await?;
        }
        if found.is_none() {
            found = self.rendition_of(view, at, false).await?;
        }
        let Some((blob, mime)) = found else {
            return Ok(None);
        };
        if let Some(bytes) = self.public_views.bytes_of(&blob) {
            return Ok(Some(FileRead::whole(bytes, mime)));
        }
        let read = blobs.get(&content_hash(&blob)?).await.map_err(from_blob)?;
        if read.size <= RENDITION_MAX {
            let bytes = read.bytes().await.map_err(from_blob)?;
            self.public_views.keep_bytes(&blob, bytes.clone());
            return Ok(Some(FileRead::whole(bytes, mime)));
        }
        Ok(Some(FileRead {
            size: read.size,
            mime,
            body: read.into_stream(),
        }))
    }
}
