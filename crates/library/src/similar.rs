//! Find similar and near-duplicate review (SPEC R13).
//!
//! Signatures are made at import from the grid rendition's pixels (atelier-media) and stored in
//! the catalog; assets cataloged before that are analysed from their stored thumbnail by
//! [`Library::index_signatures`] (the app runs it in the background, the CLI before a query).
//! The in-memory [`Index`] is loaded from the catalog on first use (0.3 s per million) and then
//! refreshed on every query with the signatures stored since (one indexed range read), so assets
//! imported by the watcher or another process are found at once. The scope of a query is the caller's search
//! filters (brand, project…) as the catalog's bitmap — what the user can see in the grid.
//!
//! Duplicates are pairs the perceptual hash and the descriptor both call the same picture as it
//! stands; two photos the camera captured at different moments are a burst — similar, not
//! duplicates — unless the caller asks for them. Merging copies the others' tags, best rating,
//! collections and campaigns onto the one kept, then deletes or stacks the others only as the
//! user chose; every step reports per asset.

use atelier_domain::similarity::Closeness;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use atelier_catalog::{AssetSummary, StoredSignature};
use atelier_domain::{AssetId, AssetQuery, ErrorCode, InvalidInput, Rating};
use atelier_media::rendition_signature;
use atelier_similar::{DuplicateRule, Grey, Index, Signature, VERSION, compare, duplicate_pairs, groups_of};
use rayon::prelude::*;
use serde::Serialize;

use crate::export::Selection;
use crate::job::{CancelToken, Phase, ProgressSender, report as send_progress};
use crate::layout::RenditionKind;
use crate::organise::{BulkFailure, BulkReport};
use crate::{Acting, Library, LibraryError, Result, now_ms};

/// Most results a similarity query returns.
pub const MAX_SIMILAR: usize = 500;
/// Assets analysed per transaction by [`Library::index_signatures`].
const SIGN_BATCH: usize = 256;

/// The loaded index and how far into the catalog's signatures it has read.
#[derive(Debug, Default)]
pub(crate) struct SimilarState {
    index: Index,
    last_id: i64,
}

/// The in-memory index behind a library (lazily loaded).
#[derive(Debug, Default)]
pub(crate) struct SimilarIndex(Mutex<SimilarState>);

/// One match.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SimilarItem {
    /// The asset, as search shows it.
    #[serde(flatten)]
    pub asset: AssetSummary,
    /// Distance to the query, as measured on the corpus: 0 the same pixels; up to about 0.06 a
    /// copy, re-encode, resize or mirror; up to 0.15–0.2 a colour edit; 0.1–0.7 a light crop,
    /// rotation or burst frame; unrelated pictures from about 0.5, mostly above 1.
    pub distance: f32,
    /// What the distance means for people (the card's cue), and whether the match is a close
    /// one: the list of close matches ends at the first that isn't.
    pub closeness: Closeness,
}

/// The answer to "Find similar".
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SimilarPage {
    /// The asset asked about.
    pub of: AssetSummary,
    /// False while the asset has no signature yet ("Still indexing"); `items` is then empty.
    pub indexed: bool,
    /// The closest assets in scope, closest first (the asset itself left out).
    pub items: Vec<SimilarItem>,
}

/// A group of near-duplicates.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DuplicateGroup {
    /// The one to keep unless the user chooses another: most pixels, then best rated, then
    /// the oldest.
    pub keep: AssetId,
    /// Every member, the suggested one first; `distance` is to it.
    pub items: Vec<SimilarItem>,
}

/// Near-duplicate groups in a scope.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DuplicatesReport {
    /// The groups, largest first.
    pub groups: Vec<DuplicateGroup>,
    /// Assets in scope not analysed yet (they can't be in a group until they are).
    #[ts(type = "number")]
    pub unindexed: u64,
    /// Pairs left out as bursts (captured at different moments); see `include_bursts`.
    #[ts(type = "number")]
    pub bursts: u64,
}

/// What happens to the others once merged into the one kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Dispose {
    /// Deleted (approved ones and stacks are refused and reported).
    Delete,
    /// Stacked under the one kept.
    Stack,
    /// Left as they are (only their organisation is copied).
    Keep,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MergeReport {
    /// The asset kept.
    pub kept: AssetId,
    /// Tags it received.
    pub tags_added: Vec<String>,
    /// Its rating after the merge when it rose.
    pub rating: Option<Rating>,
    /// Collections it was filed into.
    pub collections_added: Vec<String>,
    /// Campaigns it joined.
    pub campaigns_added: Vec<String>,
    /// What was refused while copying (a campaign of another brand…), per asset.
    pub failed: Vec<BulkFailure>,
    /// What happened to the others.
    pub disposed: BulkReport,
}

/// What [`Library::index_signatures`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexReport {
    /// Assets analysed now.
    pub analysed: u64,
    /// Assets whose thumbnail could not be read, with the reason.
    pub failed: Vec<(AssetId, String)>,
    /// Whether it stopped on cancel.
    pub cancelled: bool,
}

impl Library {
    /// The index, brought up to date with the catalog's signatures.
    fn similar_index(&self) -> Result<MutexGuard<'_, SimilarState>> {
        let mut state = self
            .similar
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let SimilarState { index, last_id } = &mut *state;
        if *last_id == 0 {
            // First load: size the arrays once instead of growing them through a million
            // inserts (which briefly holds two copies).
            let (_, max_seq) = self.catalog().signature_extent()?;
            index.reserve_seqs(max_seq);
        }
        let after = *last_id;
        *last_id = self.catalog().signatures_after(after, |seq, s| {
            match (s.version == VERSION)
                .then(|| Signature::from_parts(s.phash, &s.vector).ok())
                .flatten()
            {
                Some(sig) => index.insert(seq, &sig),
                None => index.remove(seq),
            }
        })?;
        Ok(state)
    }

    /// Loads the similarity index now (otherwise the first query does); returns how many
    /// signatures it holds.
    pub fn warm_similar(&self) -> Result<u64> {
        Ok(self.similar_index()?.index.len())
    }
}

impl Acting<'_> {
    /// The assets most like `id` within the scope of `q`'s filters and words (R13.1), closest
    /// first, at most `limit` (1–500).
    pub fn similar(&self, id: AssetId, q: &AssetQuery, limit: usize) -> Result<SimilarPage> {
        if !(1..=MAX_SIMILAR).contains(&limit) {
            return Err(InvalidInput::new(
                ErrorCode::BadLimit,
                format!("the limit must be between 1 and {MAX_SIMILAR}, not {limit}"),
            )
            .into());
        }
        let seq = u32::try_from(self.visible_seq(id)?).map_err(|_| not_found(id))?;
        let of = self
            .catalog()
            .summaries(&[seq])?
            .pop()
            .ok_or_else(|| not_found(id))?
            .1;
        let visible = self.scope()?;
        let scope = self.catalog().select_set(q, now_ms(), &visible)?;
        let state = self.similar_index()?;
        let Some(sig) = state.index.get(seq) else {
            return Ok(SimilarPage {
                of,
                indexed: false,
                items: Vec::new(),
            });
        };
        let hits = state.index.nearest(&sig, &scope, limit, Some(seq));
        drop(state);
        let seqs: Vec<u32> = hits.iter().map(|h| h.seq).collect();
        let distances: HashMap<u32, f32> = hits.iter().map(|h| (h.seq, h.distance())).collect();
        let items = self
            .catalog()
            .summaries(&seqs)?
            .into_iter()
            .map(|(seq, asset)| {
                let distance = distances.get(&seq).copied().unwrap_or_default();
                SimilarItem {
                    asset,
                    distance,
                    closeness: Closeness::of(distance),
                }
            })
            .collect();
        Ok(SimilarPage {
            of,
            indexed: true,
            items,
        })
    }

    /// Near-duplicate groups within the scope of `q` (R13.2). Pairs captured at different
    /// moments (bursts) are left out unless `include_bursts`.
    pub fn duplicates(&self, q: &AssetQuery, include_bursts: bool) -> Result<DuplicatesReport> {
        let visible = self.scope()?;
        let scope = self.catalog().select_set(q, now_ms(), &visible)?;
        let state = self.similar_index()?;
        let unindexed = scope.len() - (&scope & state.index.present()).len();
        let rule = DuplicateRule::default();
        let pairs = duplicate_pairs(&state.index, &scope, &rule);
        let signatures: HashMap<u32, Signature> = pairs
            .iter()
            .flat_map(|p| [p.0, p.1])
            .filter_map(|s| Some((s, state.index.get(s)?)))
            .collect();
        drop(state);
        let mut seqs: Vec<u32> = signatures.keys().copied().collect();
        seqs.sort_unstable();
        let summaries: HashMap<u32, AssetSummary> = self.catalog().summaries(&seqs)?.into_iter().collect();
        let mut bursts = 0u64;
        let kept: Vec<(u32, u32)> = pairs
            .iter()
            .filter(|(a, b, _)| {
                let (Some(x), Some(y)) = (summaries.get(a), summaries.get(b)) else {
                    return false;
                };
                let burst = matches!((&x.captured_at, &y.captured_at), (Some(s), Some(t)) if s != t);
                bursts += u64::from(burst);
                include_bursts || !burst
            })
            .map(|&(a, b, _)| (a, b))
            .collect();
        let kept = self.confirm(kept, &rule);
        let mut groups = Vec::new();
        for members in groups_of(&kept) {
            let mut items: Vec<(u32, &AssetSummary)> = members
                .iter()
                .filter_map(|s| Some((*s, summaries.get(s)?)))
                .collect();
            items.sort_by_key(|(seq, a)| {
                (
                    std::cmp::Reverse(u64::from(a.width) * u64::from(a.height)),
                    std::cmp::Reverse(a.rating.stars()),
                    *seq,
                )
            });
            let Some(&(keep_seq, keep)) = items.first() else {
                continue;
            };
            let keep_sig = signatures.get(&keep_seq);
            groups.push(DuplicateGroup {
                keep: keep.id,
                items: items
                    .iter()
                    .map(|(seq, a)| {
                        let distance = match (keep_sig, signatures.get(seq)) {
                            (Some(k), Some(s)) => atelier_similar::to_distance(k.distance_sq(s).0),
                            _ => 0.0,
                        };
                        SimilarItem {
                            asset: (*a).clone(),
                            distance,
                            closeness: Closeness::of(distance),
                        }
                    })
                    .collect(),
            });
        }
        Ok(DuplicatesReport {
            groups,
            unindexed,
            bursts,
        })
    }

    /// Keeps the pairs whose thumbnails show the same picture (atelier-similar's `compare`). A pair whose thumbnail can't be read is kept on the strength
    /// of its signatures.
    fn confirm(&self, pairs: Vec<(u32, u32)>, rule: &DuplicateRule) -> Vec<(u32, u32)> {
        let mut seqs: Vec<u32> = pairs.iter().flat_map(|p| [p.0, p.1]).collect();
        seqs.sort_unstable();
        seqs.dedup();
        // A thumbnail that can't be found or read leaves its pairs unconfirmed, as before.
        let thumbs = self.catalog().thumbnails(&seqs).unwrap_or_default();
        let greys: HashMap<u32, Grey> = thumbs
            .par_iter()
            .filter_map(|(seq, hash, ext)| {
                let path = self.layout.rendition(hash, RenditionKind::Thumb, ext);
                let img = image::open(path).ok()?.into_rgb8();
                Some((
                    *seq,
                    Grey::from_pixels(img.as_raw(), img.width(), img.height(), 3)?,
                ))
            })
            .collect();
        pairs
            .into_par_iter()
            .filter(|(a, b)| match (greys.get(a), greys.get(b)) {
                (Some(x), Some(y)) => compare(x, y) >= rule.min_correlation,
                _ => true,
            })
            .collect()
    }

    /// Merges `others` into `keep` (R13.2): `keep` gets their tags, the best rating, their
    /// collections and campaigns; then `others` are deleted, stacked under `keep` or left, as
    /// `dispose` says. Nothing is deleted that was not asked for; stacks are never deleted
    /// whole from here (choose Stack, or unstack first).
    pub fn merge_duplicates(
        &self,
        keep: AssetId,
        others: &[AssetId],
        dispose: Dispose,
    ) -> Result<MergeReport> {
        let mut unique: Vec<AssetId> = Vec::new();
        for id in others {
            if *id == keep {
                return Err(InvalidInput::new(
                    ErrorCode::KeepInOthers,
                    "the asset kept can't also be one of those merged into it",
                )
                .into());
            }
            if !unique.contains(id) {
                unique.push(*id);
            }
        }
        if unique.is_empty() {
            return Err(InvalidInput::new(
                ErrorCode::NothingToMerge,
                "name at least one asset to merge into the one kept",
            )
            .into());
        }
        let kept = self.show(keep)?;
        let details = unique
            .iter()
            .map(|id| self.show(*id))
            .collect::<Result<Vec<_>>>()?;
        let me = Selection::Ids(vec![keep]);
        let mut report = MergeReport {
            kept: keep,
            tags_added: Vec::new(),
            rating: None,
            collections_added: Vec::new(),
            campaigns_added: Vec::new(),
            failed: Vec::new(),
            disposed: BulkReport::default(),
        };
        let has = |list: &[String], t: &str| list.iter().any(|x| x.eq_ignore_ascii_case(t));
        let mut tags: Vec<String> = Vec::new();
        for t in details.iter().flat_map(|d| &d.summary.tags) {
            if !has(&kept.summary.tags, t) && !has(&tags, t) {
                tags.push(t.clone());
            }
        }
        if !tags.is_empty() {
            let r = self.tag_add(&me, &tags)?;
            report.failed.extend(r.failed.clone());
            if !r.succeeded.is_empty() {
                report.tags_added = tags;
            }
        }
        let best = details.iter().map(|d| d.summary.rating).max().unwrap_or_default();
        if best > kept.summary.rating {
            let r = self.rate(&me, best)?;
            report.failed.extend(r.failed.clone());
            if !r.succeeded.is_empty() {
                report.rating = Some(best);
            }
        }
        for d in &details {
            for c in &d.collections {
                if has(&kept.collections, c) || has(&report.collections_added, c) {
                    continue;
                }
                let r = self.collection_add(c, &me, Some(&d.summary.brand))?;
                report.failed.extend(r.failed.clone());
                if !r.succeeded.is_empty() {
                    report.collections_added.push(c.clone());
                }
            }
            for c in &d.campaigns {
                if has(&kept.campaigns, c) || has(&report.campaigns_added, c) {
                    continue;
                }
                let r = self.campaign_add(c, &me, &d.summary.brand)?;
                report.failed.extend(r.failed.clone());
                if !r.succeeded.is_empty() {
                    report.campaigns_added.push(c.clone());
                }
            }
        }
        report.disposed = match dispose {
            Dispose::Keep => BulkReport {
                requested: unique.len(),
                succeeded: unique.clone(),
                ..BulkReport::default()
            },
            Dispose::Stack => {
                // Whole stacks move together: a JPEG merged under the kept asset brings its
                // RAW along, rather than leaving it behind as a new duplicate of its own.
                let mut ids = vec![keep];
                ids.extend(&unique);
                let seqs: Vec<i64> = self.catalog().seqs_of(&ids)?.into_iter().flatten().collect();
                let whole = self.catalog().with_stacks(seqs)?;
                let mut members = self.catalog().ids_of(&whole)?;
                members.retain(|id| !ids.contains(id));
                ids.extend(members);
                let mut r = self.stack(&ids, Some(keep))?;
                r.requested = unique.len();
                r.succeeded.retain(|id| *id != keep);
                r
            }
            Dispose::Delete => {
                let (stacked, single): (Vec<_>, Vec<_>) = details.iter().partition(|d| !d.stack.is_empty());
                let mut r = if single.is_empty() {
                    BulkReport::default()
                } else {
                    self.delete(&Selection::Ids(single.iter().map(|d| d.summary.id).collect()))?
                };
                r.requested = unique.len();
                for d in stacked {
                    r.failed.push(BulkFailure {
                        id: d.summary.id,
                        code: ErrorCode::Stacked,
                        message: format!(
                            "{} is in a stack of {}: unstack it first, or choose Stack",
                            d.summary.name,
                            d.stack.len()
                        ),
                    });
                }
                r
            }
        };
        Ok(report)
    }
}

impl Library {
    /// Analyses every asset that has a grid thumbnail but no signature of the current version
    /// (cataloged before signatures existed, or by an older version), from the thumbnail in
    /// the cache. Resumable: each batch is committed; cancelling keeps what was done.
    pub fn index_signatures(&self, cancel: &CancelToken, progress: &ProgressSender) -> Result<IndexReport> {
        let mut report = IndexReport::default();
        if !self.catalog().may_have_unsigned(VERSION)? {
            return Ok(report);
        }
        let mut after = 0i64;
        loop {
            if cancel.is_cancelled() {
                report.cancelled = true;
                break;
            }
            let batch = self.catalog().unsigned(VERSION, after, SIGN_BATCH)?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            let done: Vec<(i64, std::result::Result<Signature, String>)> = batch
                .par_iter()
                .map(|u| {
                    let hex = blake3::Hash::from_bytes(u.hash).to_hex();
                    let path = self
                        .layout
                        .rendition(hex.as_str(), RenditionKind::Thumb, &u.thumb_ext);
                    let sig = std::fs::read(&path)
                        .map_err(|e| format!("its thumbnail can't be read: {e}"))
                        .and_then(|bytes| rendition_signature(&bytes).map_err(|e| e.to_string()));
                    (u.seq, sig)
                })
                .collect();
            let ok: Vec<(i64, StoredSignature)> = done
                .iter()
                .filter_map(|(seq, s)| Some((*seq, stored(s.as_ref().ok()?))))
                .collect();
            self.catalog().write(|tx| {
                for (seq, s) in &ok {
                    tx.set_signature(*seq, s)?;
                }
                Ok(())
            })?;
            report.analysed += ok.len() as u64;
            for (seq, e) in done.iter().filter_map(|(seq, s)| Some((*seq, s.as_ref().err()?))) {
                if let Some(id) = self.catalog().ids_of(&[seq])?.pop() {
                    report.failed.push((id, e.clone()));
                }
            }
            send_progress(progress, Phase::Working, report.analysed, None);
        }
        Ok(report)
    }
}

/// A signature as the catalog stores it.
pub(crate) fn stored(s: &Signature) -> StoredSignature {
    StoredSignature {
        version: VERSION,
        phash: s.phash,
        vector: s.vector_bytes().to_vec(),
    }
}

fn not_found(id: AssetId) -> LibraryError {
    InvalidInput::new(ErrorCode::NotFound, format!("asset {id} is not in this library")).into()
}
