//! Benchmarks of living folders (issue 5): a watched tree of many unchanged files for
//! `atelier reconcile` (`watched`), and the watcher's latency and a burst of new files
//! (`watch`). The tree's files are cataloged through `Catalog::bulk_insert` (each as an import
//! of a file added in place would write it); everything else goes through the library's use
//! cases and its watch loop. Knows no terminal.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use atelier_catalog::{BulkAsset, FileFacts, NewAsset, PERSONAL_BRAND};
use atelier_domain::{AssetId, Flag, Id, Kind, Rating, Source, Status};
use atelier_library::{CancelToken, WatchEvent};
use serde::Serialize;

use crate::{Bench, BenchError, Result, brand_row, now_ms, project_row};

/// The project the benchmarks watch folders for.
const BENCH_PROJECT: &str = "Bench watched";

/// What `watched` made.
#[derive(Debug, Clone, Serialize)]
pub struct WatchedTreeReport {
    /// The watched folder.
    pub folder: PathBuf,
    /// Files in it, each cataloged as an asset added in place.
    pub files: u64,
    /// How long making it took, ms.
    pub millis: u64,
}

/// What `watch` measured.
#[derive(Debug, Clone, Serialize)]
pub struct WatchReport {
    /// Files written one at a time.
    pub single_files: usize,
    /// From a file's close to its asset (with thumbnail) in the catalog: median, ms.
    pub latency_p50_ms: f64,
    /// The same, 95th percentile, ms.
    pub latency_p95_ms: f64,
    /// Files copied in at once.
    pub burst_files: usize,
    /// Of those, how many became assets.
    pub burst_imported: usize,
    /// From the first write of the burst to the last asset, ms.
    pub burst_ms: u64,
    /// Assets in the project afterwards (must equal single + burst: no duplicates).
    pub assets_after: u64,
}

fn io(path: &Path, e: std::io::Error) -> BenchError {
    BenchError::io(path, e)
}

fn mtime_ms(meta: &std::fs::Metadata) -> Option<i64> {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64)
}

impl Bench<'_> {
    /// Makes `folder` hold `files` small files (1,000 per subfolder), catalogs each as an asset
    /// added in place (no thumbnails: reconciliation never needs them) and watches the folder.
    pub fn watched_tree(&self, folder: &Path, files: u64) -> Result<WatchedTreeReport> {
        let started = Instant::now();
        let acting = self.acting();
        let mut catalog = self.catalog()?;
        let project = project_row(&catalog, self.ensure_project(BENCH_PROJECT)?)?;
        let personal = brand_row(&catalog, acting.brand_id(PERSONAL_BRAND)?)?;
        let user = self.user;
        let mut facts = Vec::with_capacity(files as usize);
        for i in 0..files {
            let dir = folder.join(format!("{:04}", i / 1000));
            if i % 1000 == 0 {
                std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
            }
            let path = dir.join(format!("IMG_{i:07}.jpg"));
            let content = i.to_le_bytes();
            std::fs::write(&path, content).map_err(|e| io(&path, e))?;
            let meta = std::fs::metadata(&path).map_err(|e| io(&path, e))?;
            facts.push((
                path,
                meta.len(),
                mtime_ms(&meta),
                *blake3::hash(&content).as_bytes(),
            ));
        }
        let folder = std::fs::canonicalize(folder).map_err(|e| io(folder, e))?;
        let now = now_ms();
        let assets = facts.into_iter().map(|(path, bytes, mtime, hash)| {
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            BulkAsset {
                asset: NewAsset {
                    id: AssetId::new_v7(),
                    hash,
                    name,
                    kind: Kind::Image,
                    source: Source::Imported,
                    project,
                    brand: personal,
                    creator: user,
                    width: 1,
                    height: 1,
                    added_at: now,
                    captured_at: None,
                    sort_captured: now / 1000,
                    prompt: None,
                    rating: Rating::default(),
                    tags: Vec::new(),
                    title: None,
                    description: None,
                    exif_json: None,
                    generation_json: None,
                    search_extra: String::new(),
                    model_refs: Vec::new(),
                    signature: None,
                    file: FileFacts {
                        path: path.clone(),
                        managed: false,
                        bytes,
                        mime: "image/jpeg".into(),
                        format: "jpeg".into(),
                        mtime_ms: mtime,
                        orientation: 1,
                        thumb: None,
                        duration_ms: None,
                        sidecar_mtime_ms: None,
                    },
                },
                status: Status::Draft,
                flag: Flag::None,
                collections: Vec::new(),
                campaigns: Vec::new(),
            }
        });
        let written = catalog.bulk_insert(assets, user, &mut |_| {})?;
        acting.watch_add(BENCH_PROJECT, &folder)?;
        Ok(WatchedTreeReport {
            folder,
            files: written,
            millis: started.elapsed().as_millis() as u64,
        })
    }

    /// Runs the watcher on a new folder under `scratch`: writes `singles` JPEGs one at a time
    /// (each written, closed, then waited for) and then `burst` at once, reading the watcher's
    /// events. `sample` is the JPEG to write (each copy made unique by a trailer after its end
    /// marker, so none is a duplicate).
    pub fn watch(&self, scratch: &Path, sample: &[u8], singles: usize, burst: usize) -> Result<WatchReport> {
        let acting = self.acting();
        let folder = scratch.join(format!("watch-{}", now_ms()));
        std::fs::create_dir_all(&folder).map_err(|e| io(&folder, e))?;
        self.ensure_project(BENCH_PROJECT)?;
        acting.watch_add(BENCH_PROJECT, &folder)?;
        let folder = std::fs::canonicalize(&folder).map_err(|e| io(&folder, e))?;
        let unique = |i: usize| {
            let mut b = sample.to_vec();
            b.extend_from_slice(format!("atelier-bench-{}-{i}", now_ms()).as_bytes());
            b
        };
        let cancel = CancelToken::new();
        let (tx, rx) = mpsc::channel::<(Instant, PathBuf)>();
        let (ready_tx, ready_rx) = mpsc::channel::<()>();
        let report = std::thread::scope(|scope| -> Result<WatchReport> {
            let watcher = scope.spawn(|| {
                acting.watch(&cancel, &|event| match event {
                    WatchEvent::Reconciled { .. } => {
                        let _ = ready_tx.send(());
                    }
                    WatchEvent::Imported { file } => {
                        let _ = tx.send((Instant::now(), file.path));
                    }
                    _ => {}
                })
            });
            let wait = Duration::from_secs(60);
            ready_rx
                .recv_timeout(wait)
                .map_err(|_| BenchError::Internal("the watcher did not start".into()))?;
            // Let inotify's watches settle in before the first file.
            std::thread::sleep(Duration::from_millis(300));
            let mut latencies = Vec::with_capacity(singles);
            for i in 0..singles {
                let path = folder.join(format!("single_{i:03}.jpg"));
                std::fs::write(&path, unique(i)).map_err(|e| io(&path, e))?;
                let closed = Instant::now();
                let (at, _) = rx
                    .recv_timeout(wait)
                    .map_err(|_| BenchError::Internal(format!("{} was never imported", path.display())))?;
                latencies.push(at.duration_since(closed).as_secs_f64() * 1000.0);
            }
            let started = Instant::now();
            for i in 0..burst {
                let path = folder.join(format!("burst_{i:04}.jpg"));
                std::fs::write(&path, unique(singles + i)).map_err(|e| io(&path, e))?;
            }
            let mut imported = 0;
            let mut last = started;
            while imported < burst {
                match rx.recv_timeout(Duration::from_secs(30)) {
                    Ok((at, _)) => {
                        imported += 1;
                        last = at;
                    }
                    Err(_) => break,
                }
            }
            cancel.cancel();
            watcher
                .join()
                .map_err(|_| BenchError::Internal("the watcher panicked".into()))??;
            latencies.sort_by(f64::total_cmp);
            let pick = |q: f64| {
                latencies
                    .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
                    .copied()
                    .unwrap_or(0.0)
            };
            let assets_after = acting
                .search(&atelier_domain::AssetQuery {
                    project: Some(BENCH_PROJECT.into()),
                    ..Default::default()
                })?
                .total;
            Ok(WatchReport {
                single_files: singles,
                latency_p50_ms: pick(0.5),
                latency_p95_ms: pick(0.95),
                burst_files: burst,
                burst_imported: imported,
                burst_ms: last.duration_since(started).as_millis() as u64,
                assets_after,
            })
        })?;
        Ok(report)
    }
}
