//! Living folders (SPEC R2.8, issue 5): projects watch folders; reconciliation compares every
//! watched folder and every file added in place with the catalog (size and time first, hashing
//! only what changed); the watcher keeps the catalog in step while running. A file renamed or
//! moved keeps its asset; a deleted file's asset is kept as *missing*; a file whose folder (an
//! unplugged drive) is gone is *offline*, and comes back without a re-import.

mod reconcile;

use std::path::{Path, PathBuf};
use std::time::Duration;

use atelier_catalog::{Presence, UserRow, WatchedFolder};
use atelier_domain::{AssetId, ErrorCode, InvalidInput};
use atelier_fswatch::{Change, DEFAULT_SETTLE, Watcher};
use serde::Serialize;

pub use reconcile::{AssetAt, ReconcileReport, Relinked};

use crate::import::passed_over;
use crate::job::CancelToken;
use crate::{
    Acting, FileIssue, ImportMode, ImportOptions, ImportedFile, Library, LibraryError, Result, now_ms,
};

/// Something the watcher did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WatchEvent {
    /// The start-up (or rescan) reconciliation finished.
    Reconciled {
        /// What it found.
        report: Box<ReconcileReport>,
    },
    /// A new file became an asset.
    Imported {
        /// The file and its asset.
        file: ImportedFile,
    },
    /// A file moved or was renamed; its asset followed.
    Moved {
        /// Where it was.
        from: String,
        /// Where it is.
        to: String,
        /// How many assets followed (a folder moves many).
        assets: usize,
    },
    /// A file (or folder) went away: its assets are kept as missing.
    Missing {
        /// The path.
        path: String,
        /// How many assets.
        assets: usize,
    },
    /// A sidecar edited by another tool was read into the catalog.
    SidecarRead {
        /// The sidecar.
        path: String,
    },
    /// A file could not be imported.
    Failed {
        /// The file and why.
        issue: FileIssue,
    },
}

/// How often the watcher looks for folders added or removed meanwhile (by the app or the CLI).
const FOLDERS_POLL: Duration = Duration::from_secs(2);

fn canonical_dir(dir: &Path) -> Result<PathBuf> {
    let abs = std::fs::canonicalize(dir).map_err(|_| {
        InvalidInput::new(
            ErrorCode::PathNotFound,
            format!("{} does not exist: give a folder that exists", dir.display()),
        )
    })?;
    if !abs.is_dir() {
        return Err(InvalidInput::new(
            ErrorCode::NotAFolder,
            format!("{} is a file: watch a folder", dir.display()),
        )
        .into());
    }
    Ok(abs)
}

impl Acting<'_> {
    /// The folders watched by the actor's projects (only `project`'s when given).
    pub fn watch_list(&self, project: Option<&str>) -> Result<Vec<WatchedFolder>> {
        let mut all = self.catalog().watched_folders()?;
        all.retain(|w| w.owner == self.user);
        Ok(match project {
            Some(p) => {
                let key = atelier_domain::names::key(p.trim());
                all.into_iter()
                    .filter(|w| atelier_domain::names::key(&w.project) == key)
                    .collect()
            }
            None => all,
        })
    }

    /// Makes a project watch a folder. The library's own folder, folders inside another
    /// watched folder and folders that contain one are refused.
    pub fn watch_add(&self, project: &str, dir: &Path) -> Result<Vec<WatchedFolder>> {
        let abs = canonical_dir(dir)?;
        if self.layout().contains(&abs) || abs.starts_with(self.layout().root()) {
            return Err(InvalidInput::new(
                ErrorCode::InsideLibrary,
                "Atelier never watches its own library folder",
            )
            .into());
        }
        let lib_root = std::fs::canonicalize(self.layout().root())
            .unwrap_or_else(|_| self.layout().root().to_path_buf());
        if lib_root.starts_with(&abs) {
            return Err(InvalidInput::new(
                ErrorCode::ContainsLibrary,
                format!(
                    "{} contains the library folder: watch a folder beside it instead",
                    abs.display()
                ),
            )
            .into());
        }
        for w in self.catalog().watched_folders()? {
            let other = w.path.as_path();
            if abs != other && (abs.starts_with(other) || other.starts_with(&abs)) {
                return Err(InvalidInput::new(
                    ErrorCode::OverlappingWatch,
                    format!(
                        "{} overlaps {}, which project '{}' already watches",
                        abs.display(),
                        w.path.display(),
                        w.project
                    ),
                )
                .into());
            }
        }
        let found = self.catalog().find_project(self.user, project)?;
        let p = found.ok_or_else(|| crate::organise::project_not_found(project))?;
        self.catalog()
            .write(|tx| tx.add_watched(p, &abs, self.user, now_ms()))?;
        self.watch_list(Some(project))
    }

    /// Stops a project watching a folder (its assets stay).
    pub fn watch_remove(&self, project: &str, dir: &Path) -> Result<Vec<WatchedFolder>> {
        let path = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let listed = self.watch_list(Some(project))?;
        if !listed.iter().any(|w| w.path == path) {
            return Err(InvalidInput::new(
                ErrorCode::NotWatched,
                format!("project '{project}' does not watch {}", path.display()),
            )
            .into());
        }
        self.catalog()
            .write(|tx| tx.remove_watched(&path, self.user, now_ms()))?;
        self.watch_list(Some(project))
    }
}

impl Library {
    /// Watches every project's folders until `cancel` is tripped: reconciles first, then
    /// follows changes as they happen, reporting each through `events`.
    pub fn watch(&self, cancel: &CancelToken, events: &dyn Fn(WatchEvent)) -> Result<()> {
        // Watch first, then reconcile: what changes while reconciliation runs is queued as
        // events instead of falling between the two.
        let mut folders = self.catalog().watched_folders()?;
        let roots: Vec<PathBuf> = folders.iter().map(|w| w.path.clone()).collect();
        let ignored = vec![self.layout().root().to_path_buf()];
        let (mut watcher, rx) = Watcher::new(&roots, &ignored, DEFAULT_SETTLE)
            .map_err(|e| LibraryError::Internal(format!("cannot watch folders: {e}")))?;
        let report = self.reconcile(cancel, &None)?;
        events(WatchEvent::Reconciled {
            report: Box::new(report),
        });
        let mut last_poll = std::time::Instant::now();
        let mut settled: Vec<PathBuf> = Vec::new();
        while !cancel.is_cancelled() {
            match rx.recv_timeout(Duration::from_millis(150)) {
                Ok(Change::Settled(p)) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xmp")) => {
                    // A sidecar another tool saved: its newer values come into the catalog.
                    if self.sidecar_changed(&p)? {
                        events(WatchEvent::SidecarRead {
                            path: p.to_string_lossy().into_owned(),
                        });
                    }
                }
                Ok(Change::Settled(p)) => {
                    let root = folders
                        .iter()
                        .map(|w| w.path.as_path())
                        .find(|r| p.starts_with(r));
                    if root.is_some_and(|r| !passed_over(&p, r)) {
                        settled.push(p);
                    }
                    // More may be settling right behind it (a burst copied in): import together.
                    continue;
                }
                Ok(Change::Renamed { from, to }) => self.on_renamed(&from, &to, &mut settled, events)?,
                Ok(Change::Removed(p)) => self.on_removed(&p, &folders, events)?,
                Ok(Change::Rescan(_)) => {
                    let report = self.reconcile(cancel, &None)?;
                    events(WatchEvent::Reconciled {
                        report: Box::new(report),
                    });
                }
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
            }
            if !settled.is_empty() {
                self.on_settled(std::mem::take(&mut settled), &folders, events)?;
            }
            if last_poll.elapsed() >= FOLDERS_POLL {
                last_poll = std::time::Instant::now();
                let now = self.catalog().watched_folders()?;
                for w in now.iter().filter(|w| !folders.iter().any(|f| f.path == w.path)) {
                    let _ = watcher.add(&w.path);
                    let report = self.reconcile(cancel, &None)?;
                    events(WatchEvent::Reconciled {
                        report: Box::new(report),
                    });
                }
                for f in folders.iter().filter(|f| !now.iter().any(|w| w.path == f.path)) {
                    watcher.remove(&f.path);
                }
                folders = now;
            }
        }
        Ok(())
    }

    fn on_settled(
        &self,
        paths: Vec<PathBuf>,
        folders: &[WatchedFolder],
        events: &dyn Fn(WatchEvent),
    ) -> Result<()> {
        // Files the catalog already has at that path changed in place; others are new.
        let known: std::collections::HashMap<PathBuf, atelier_catalog::InPlaceFile> = self
            .catalog()
            .in_place_files()?
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        // New files go into the watching project, imported as its owner.
        let mut by_project: std::collections::BTreeMap<(i64, String), Vec<PathBuf>> = Default::default();
        for p in paths {
            match known.get(&p) {
                Some(f) => {
                    self.refresh_if_changed(f)?;
                }
                None => {
                    if let Some(w) = folders.iter().find(|w| p.starts_with(&w.path)) {
                        by_project
                            .entry((w.owner.0, w.project.clone()))
                            .or_default()
                            .push(p);
                    }
                }
            }
        }
        for ((owner, project), paths) in by_project {
            let options = ImportOptions {
                project: Some(project),
                mode: Some(ImportMode::InPlace),
                ..Default::default()
            };
            let existing: Vec<PathBuf> = paths.into_iter().filter(|p| p.exists()).collect();
            if existing.is_empty() {
                continue;
            }
            let report =
                self.as_user_row(UserRow(owner))
                    .import(&existing, &options, &CancelToken::new(), &None)?;
            for file in report.imported {
                events(WatchEvent::Imported { file });
            }
            for issue in report.failed {
                events(WatchEvent::Failed { issue });
            }
        }
        Ok(())
    }

    fn on_renamed(
        &self,
        from: &Path,
        to: &Path,
        settled: &mut Vec<PathBuf>,
        events: &dyn Fn(WatchEvent),
    ) -> Result<()> {
        let moved = self
            .catalog()
            .write(|tx| tx.rename_paths(from, to, self.me().user, now_ms()))?;
        if moved > 0 {
            events(WatchEvent::Moved {
                from: from.to_string_lossy().into_owned(),
                to: to.to_string_lossy().into_owned(),
                assets: moved,
            });
        } else if to.is_file() {
            // A temporary name renamed to its final one (downloads, exports): a new file.
            settled.push(to.to_path_buf());
        }
        Ok(())
    }

    fn on_removed(&self, path: &Path, folders: &[WatchedFolder], events: &dyn Fn(WatchEvent)) -> Result<()> {
        let seqs: Vec<i64> = self
            .catalog()
            .in_place_files()?
            .into_iter()
            .filter(|f| f.path.starts_with(path))
            .map(|f| f.seq)
            .collect();
        if seqs.is_empty() {
            return Ok(());
        }
        // A whole watched root vanishing is a drive going away, not files being deleted.
        let presence = if folders.iter().any(|w| w.path == path) {
            Presence::Offline
        } else {
            Presence::Missing
        };
        let n = self
            .catalog()
            .write(|tx| tx.set_presence(&seqs, presence, self.me().user, now_ms()))?;
        if n > 0 {
            events(WatchEvent::Missing {
                path: path.to_string_lossy().into_owned(),
                assets: n,
            });
        }
        Ok(())
    }

    /// Looks at a known in-place file again: unchanged, touched, or new content.
    pub(crate) fn refresh_if_changed(&self, f: &atelier_catalog::InPlaceFile) -> Result<Option<AssetId>> {
        let Ok(meta) = std::fs::metadata(&f.path) else {
            return Ok(None);
        };
        let mtime = reconcile::mtime_ms(&meta);
        if meta.len() == f.bytes && mtime == f.mtime_ms && f.presence == Presence::Ok {
            return Ok(None);
        }
        let hash = crate::import::hash_file(&f.path).map_err(|e| LibraryError::io(&f.path, e))?;
        if hash.as_bytes() == &f.hash {
            self.catalog()
                .write(|tx| tx.touch_file(f.seq, meta.len(), mtime))?;
            return Ok(None);
        }
        match self.analyse(&f.path) {
            Ok(fresh) => {
                self.catalog()
                    .write(|tx| tx.refresh_content(f.seq, &fresh, self.me().user, now_ms()))?;
                Ok(Some(f.id))
            }
            Err(_) => Ok(None),
        }
    }
}
