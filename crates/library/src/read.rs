//! Reading the library: search pages, bucket counts, one asset's details with its file and
//! rendition paths resolved, and previews made on first request.

use std::collections::HashSet;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, PoisonError};

use atelier_catalog::{AssetDetail, BucketCounts, Page};
use atelier_domain::{AssetId, AssetQuery, ErrorCode};
use atelier_media::{Detected, PREVIEW_SIDE, detect, render_path};
use serde::Serialize;

use crate::layout::{RenditionKind, write_atomic};
use crate::{Acting, Library, LibraryError, Result, now_ms};

/// One asset as this machine's own API shows it: what every edge sees ([`AssetDetail`]), plus
/// where its original and its thumbnail are on this machine — for a desktop to reveal the file
/// or hand it to another app. Never sent to a studio.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct LocalAsset {
    /// Everything about it.
    #[serde(flatten)]
    pub detail: AssetDetail,
    /// Where the original is: absolute, inside the library folder for managed files.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    #[ts(type = "string")]
    pub path: PathBuf,
    /// The grid thumbnail, when it exists.
    pub thumbnail: Option<String>,
}

impl std::ops::Deref for LocalAsset {
    type Target = AssetDetail;

    fn deref(&self) -> &AssetDetail {
        &self.detail
    }
}

impl Acting<'_> {
    /// One page of the assets matching `q` that the actor may see (SPEC R3.3–R3.5).
    pub fn search(&self, q: &AssetQuery) -> Result<Page> {
        let scope = self.scope()?;
        Ok(self.catalog().search(q, now_ms(), &scope)?)
    }

    /// The rail's counts in a brand scope, of what the actor may see (SPEC R3.1).
    pub fn bucket_counts(&self, brand: Option<&str>) -> Result<BucketCounts> {
        let scope = self.scope()?;
        Ok(self.catalog().bucket_counts(brand, now_ms(), &scope)?)
    }

    /// The cameras, lenses and file types among what the actor sees in a brand scope, with
    /// counts: what the toolbar's filters offer.
    pub fn facet_values(&self, brand: Option<&str>) -> Result<atelier_protocol::FacetValues> {
        let scope = self.scope()?;
        Ok(self.catalog().facet_values(brand, &scope)?)
    }

    /// Everything about one asset the actor may see, with absolute paths for its original and
    /// thumbnail.
    pub fn show(&self, id: AssetId) -> Result<LocalAsset> {
        self.visible_seq(id)?;
        let stored = self.catalog().detail(id)?;
        let path = if stored.detail.managed {
            self.layout.root().join(&stored.path)
        } else {
            stored.path
        };
        let thumbnail = stored
            .thumb_ext
            .as_deref()
            .map(|ext| {
                self.layout
                    .rendition(&stored.detail.hash, RenditionKind::Thumb, ext)
            })
            .filter(|p| p.exists())
            .map(|p| p.to_string_lossy().into_owned());
        Ok(LocalAsset {
            detail: stored.detail,
            path,
            thumbnail,
        })
    }

    /// The absolute path of an asset's original.
    pub fn original_path(&self, id: AssetId) -> Result<PathBuf> {
        Ok(self.show(id)?.path)
    }

    /// The lightbox preview (about 2048 px), made now if it does not exist yet. Requests for
    /// the same content wait for the one making it (a big PNG asked for six times is decoded
    /// once), and at most one big picture per core is decoded at a time. Ordinary photos are
    /// not queued: a browser has only six connections to us, and previews waiting in line
    /// would hold up everything else the page sends.
    pub fn preview(&self, id: AssetId) -> Result<PathBuf> {
        let d = self.show(id)?;
        let existing = || {
            ["jpg", "png"]
                .into_iter()
                .map(|ext| self.layout.rendition(&d.hash, RenditionKind::Preview, ext))
                .find(|p| p.exists())
        };
        let pixels = u64::from(d.summary.width) * u64::from(d.summary.height);
        let heavy = pixels > HEAVY_PIXELS;
        self.renders
            .run(&d.hash, heavy, existing, || self.make_preview(&d))
    }

    fn make_preview(&self, d: &LocalAsset) -> Result<PathBuf> {
        let mut head = Vec::with_capacity(64 * 1024);
        std::fs::File::open(&d.path)
            .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
            .map_err(|e| LibraryError::io(&d.path, e))?;
        let ext = d.path.extension().and_then(|e| e.to_str());
        let Detected::Known(format) = detect(&head, ext) else {
            return Err(atelier_domain::InvalidInput::new(
                ErrorCode::Unreadable,
                "the original is no longer a readable image",
            )
            .into());
        };
        let r = render_path(&d.path, format, d.orientation, PREVIEW_SIDE)
            .map_err(|e| atelier_domain::InvalidInput::new(ErrorCode::Unreadable, e.to_string()))?;
        let dest = self
            .layout
            .rendition(&d.hash, RenditionKind::Preview, r.format.ext());
        write_atomic(&self.layout.cache_tmp(), &dest, &r.data)?;
        Ok(dest)
    }
}

/// Pictures above this many pixels (about 1.2 GB of RGBA16 at most while decoded) are made one
/// per core at a time.
const HEAVY_PIXELS: u64 = 40_000_000;

/// Renditions being made now, by content hash: identical requests wait for the first instead
/// of decoding again, and heavy ones (big pictures) run no more than one per core at once.
#[derive(Debug, Default)]
pub(crate) struct RenderGate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    busy: HashSet<String>,
    heavy: usize,
}

impl RenderGate {
    /// Returns what `done` finds, else makes it with `make` (waiting while the same `key` is
    /// being made, or, for a `heavy` one, while one per core is already running).
    pub(crate) fn run<T>(
        &self,
        key: &str,
        heavy: bool,
        done: impl Fn() -> Option<T>,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let limit = std::thread::available_parallelism().map_or(2, usize::from);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(found) = done() {
                return Ok(found);
            }
            let full = heavy && state.heavy >= limit;
            if !state.busy.contains(key) && !full {
                break;
            }
            state = self.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        state.busy.insert(key.to_string());
        state.heavy += usize::from(heavy);
        drop(state);
        // Released even if `make` panics, so waiters never hang.
        struct Release<'a>(&'a RenderGate, &'a str, bool);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
                state.busy.remove(self.1);
                state.heavy -= usize::from(self.2);
                self.0.changed.notify_all();
            }
        }
        let _release = Release(self, key, heavy);
        make()
    }
}

impl Library {
    /// Checks the catalog's postings against its tables; the keys that disagree (empty when
    /// the catalog is consistent).
    pub fn verify(&self) -> Result<Vec<i64>> {
        Ok(self.catalog().verify_postings()?)
    }
}

impl Acting<'_> {
    /// The review audit log of an asset, oldest first.
    pub fn review_log(&self, id: AssetId) -> Result<Vec<atelier_catalog::ReviewEvent>> {
        let seq = self.visible_seq(id)?;
        Ok(self.catalog().review_log(seq)?)
    }
}

impl Library {
    /// The change journal after `since` (0 for all), oldest first, at most `limit` entries:
    /// what changed, who, when, before and after.
    pub fn changes_since(&self, since: i64, limit: usize) -> Result<Vec<atelier_catalog::Change>> {
        Ok(self.catalog().changes_since(since, limit)?)
    }

    /// The seq of the newest journal entry (0 for none): where following the changes starts.
    pub fn journal_head(&self) -> Result<i64> {
        Ok(self.catalog().journal_head()?)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn identical_renders_are_made_once_and_heavy_ones_one_per_core() {
        // Issue 10, defect 9: six requests for one huge PNG decoded it six times at once.
        let gate = Arc::new(RenderGate::default());
        let made = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let (gate, made, done) = (gate.clone(), made.clone(), done.clone());
                std::thread::spawn(move || {
                    gate.run(
                        "same",
                        true,
                        || done.load(Ordering::SeqCst).then_some(()),
                        || {
                            made.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(50));
                            done.store(true, Ordering::SeqCst);
                            Ok(())
                        },
                    )
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
        assert_eq!(made.load(Ordering::SeqCst), 1);

        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let threads: Vec<_> = (0..cores * 3)
            .map(|i| {
                let (gate, running, most) = (gate.clone(), running.clone(), most.clone());
                std::thread::spawn(move || {
                    gate.run(
                        &format!("big-{i}"),
                        true,
                        || None,
                        || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                            Ok(())
                        },
                    )
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
        assert!(
            most.load(Ordering::SeqCst) <= cores,
            "at most one heavy render per core"
        );
    }
}
