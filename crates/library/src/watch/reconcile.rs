//! Reconciliation: the catalog's in-place files against the disk, cheaply. Size and
//! modification time decide "unchanged" without reading a byte; only files whose size or time
//! differ, and new files that might be moved ones, are hashed.

use std::collections::{HashMap, HashSet};
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use atelier_catalog::{InPlaceFile, Presence, UserRow};
use atelier_domain::AssetId;
use serde::Serialize;

use crate::import::passed_over;
use crate::job::{CancelToken, Phase, ProgressSender, report};
use crate::{FileIssue, ImportMode, ImportOptions, ImportedFile, Library, Result, now_ms};

/// An asset and where its file is (or was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetAt {
    /// The asset.
    pub id: AssetId,
    /// Its file.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    pub path: PathBuf,
}

/// A file found at a new place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relinked {
    /// The asset.
    pub id: AssetId,
    /// Where it was.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    pub from: PathBuf,
    /// Where it is now.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    pub to: PathBuf,
}

/// What a reconciliation found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileReport {
    /// Watched folders looked at.
    pub folders: usize,
    /// Files looked at (watched folders and in-place files elsewhere).
    pub checked: u64,
    /// Files with the size and time the catalog knew.
    pub unchanged: u64,
    /// New files imported into their folder's project.
    pub imported: Vec<ImportedFile>,
    /// Files that moved while Atelier wasn't watching; their assets followed.
    pub relinked: Vec<Relinked>,
    /// Files whose content changed (edited elsewhere): their thumbnails and metadata were re-read.
    pub changed: Vec<AssetAt>,
    /// Files gone from disk: their assets are kept as missing.
    pub missing: Vec<AssetAt>,
    /// Files whose folder or drive is gone: their assets are offline.
    pub offline: Vec<AssetAt>,
    /// Missing or offline files that are back.
    pub back: Vec<AssetAt>,
    /// New files not imported (not media), with reasons.
    pub skipped: Vec<FileIssue>,
    /// New files that failed to import, with reasons.
    pub failed: Vec<FileIssue>,
    /// XMP sidecars edited by another tool since Atelier last read or wrote them, read in.
    pub sidecars_read: usize,
}

/// An XMP sidecar file (walked for, though never imported).
fn is_sidecar(e: &walkdir::DirEntry) -> bool {
    e.file_type().is_file()
        && e.path()
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("xmp"))
}

pub(crate) fn mtime_ms(m: &Metadata) -> Option<i64> {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64)
}

/// Which project watches a new file, and who owns it (the file is imported as them).
type Watching = (UserRow, String);

fn at(f: &InPlaceFile) -> AssetAt {
    AssetAt {
        id: f.id,
        path: f.path.clone(),
    }
}

impl Library {
    /// Compares every watched folder and every file added in place with the catalog
    /// (SPEC R2.8), importing new files, following moves, re-reading changed files, and marking
    /// what is gone as missing (or offline when its folder or drive is gone).
    pub fn reconcile(&self, cancel: &CancelToken, progress: &ProgressSender) -> Result<ReconcileReport> {
        let mut out = ReconcileReport::default();
        let folders = self.catalog().watched_folders()?;
        out.folders = folders.len();
        let files = self.catalog().in_place_files()?;
        let mut by_path: HashMap<&Path, Vec<&InPlaceFile>> = HashMap::new();
        for f in &files {
            by_path.entry(f.path.as_path()).or_default().push(f);
        }
        report(progress, Phase::Scanning, 0, Some(files.len() as u64));

        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut fresh: Vec<(Watching, PathBuf, u64, Option<i64>)> = Vec::new();
        let mut to_check: Vec<&InPlaceFile> = Vec::new();
        let mut offline_roots: Vec<&Path> = Vec::new();
        let mut sidecars: Vec<(PathBuf, i64)> = Vec::new();
        let library = std::fs::canonicalize(self.layout().root())
            .unwrap_or_else(|_| self.layout().root().to_path_buf());
        for w in &folders {
            let root = w.path.as_path();
            if !root.is_dir() {
                offline_roots.push(root);
                continue;
            }
            for entry in walkdir::WalkDir::new(root)
                .follow_links(false)
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0
                        || is_sidecar(e)
                        || !(passed_over(e.path(), root) || e.path().starts_with(&library))
                })
            {
                if cancel.is_cancelled() {
                    return Err(crate::LibraryError::Cancelled);
                }
                let Ok(entry) = entry else { continue };
                if is_sidecar(&entry) {
                    if let Some(t) = entry.metadata().ok().as_ref().and_then(mtime_ms) {
                        sidecars.push((entry.into_path(), t));
                    }
                    continue;
                }
                if !entry.file_type().is_file() || passed_over(entry.path(), root) {
                    continue;
                }
                let Ok(meta) = entry.metadata() else { continue };
                let path = entry.path().to_path_buf();
                out.checked += 1;
                match by_path.get(path.as_path()) {
                    Some(known) => {
                        for f in known {
                            if f.bytes == meta.len() && f.mtime_ms == mtime_ms(&meta) {
                                out.unchanged += 1;
                                if f.presence != Presence::Ok {
                                    to_check.push(f);
                                }
                            } else {
                                to_check.push(f);
                            }
                        }
                    }
                    None => fresh.push((
                        (w.owner, w.project.clone()),
                        entry.into_path(),
                        meta.len(),
                        mtime_ms(&meta),
                    )),
                }
                seen.insert(path);
                if out.checked % 1024 == 0 {
                    report(progress, Phase::Scanning, out.checked, None);
                }
            }
        }

        // Sidecars saved by another tool while Atelier wasn't watching: read the newer ones.
        if !sidecars.is_empty() {
            let mut by_stem: HashMap<PathBuf, Vec<&InPlaceFile>> = HashMap::new();
            for f in &files {
                if f.path.extension().is_some() {
                    by_stem.entry(f.path.with_extension("")).or_default().push(f);
                }
            }
            for (sidecar, disk) in &sidecars {
                // `name.ext.xmp` names `name.ext`; `name.xmp` any `name.*`.
                let without = sidecar.with_extension("");
                let owners: Vec<&InPlaceFile> = match by_path.get(without.as_path()) {
                    Some(found) => found.clone(),
                    None => by_stem.get(&without).cloned().unwrap_or_default(),
                };
                for f in owners {
                    if f.sidecar_mtime_ms.is_none_or(|k| *disk > k)
                        && self.sidecar_changed_for(&f.path, sidecar, *disk)?
                    {
                        out.sidecars_read += 1;
                    }
                }
            }
        }

        // Files added in place that were not seen in a watched folder: look at each.
        let mut lost: Vec<&InPlaceFile> = Vec::new();
        let mut offline: Vec<&InPlaceFile> = Vec::new();
        let mut back: Vec<&InPlaceFile> = Vec::new();
        let under = |p: &Path, roots: &[&Path]| roots.iter().any(|r| p.starts_with(r));
        let watched: Vec<&Path> = folders.iter().map(|w| w.path.as_path()).collect();
        for f in &files {
            if seen.contains(&f.path) {
                continue;
            }
            if under(&f.path, &offline_roots) {
                offline.push(f);
                continue;
            }
            match std::fs::metadata(&f.path) {
                Ok(meta) if meta.is_file() => {
                    out.checked += 1;
                    if f.bytes == meta.len() && f.mtime_ms == mtime_ms(&meta) {
                        out.unchanged += 1;
                        if f.presence != Presence::Ok {
                            back.push(f);
                        }
                    } else {
                        to_check.push(f);
                    }
                }
                _ if under(&f.path, &watched) => lost.push(f),
                // Outside watched folders: a whole folder gone is most likely a drive.
                _ if f.path.parent().is_some_and(|d| !d.exists()) => offline.push(f),
                _ => lost.push(f),
            }
        }

        // New files that are lost ones moved: same content, new place.
        if !lost.is_empty() && !fresh.is_empty() {
            let mut lost_by_hash: HashMap<[u8; 32], Vec<&InPlaceFile>> = HashMap::new();
            for f in &lost {
                lost_by_hash.entry(f.hash).or_default().push(f);
            }
            let mut relinked_seqs = HashSet::new();
            let mut still_fresh = Vec::new();
            for (project, path, bytes, mtime) in fresh {
                let hash = crate::import::hash_file(&path).map(|h| *h.as_bytes()).ok();
                match hash.and_then(|h| lost_by_hash.get_mut(&h)).and_then(Vec::pop) {
                    Some(f) => {
                        self.catalog()
                            .write(|tx| tx.relink(f.seq, &path, bytes, mtime, self.me().user, now_ms()))?;
                        relinked_seqs.insert(f.seq);
                        out.relinked.push(Relinked {
                            id: f.id,
                            from: f.path.clone(),
                            to: path.clone(),
                        });
                    }
                    None => still_fresh.push((project, path, bytes, mtime)),
                }
            }
            lost.retain(|f| !relinked_seqs.contains(&f.seq));
            fresh = still_fresh;
        }

        let now = now_ms();
        let seqs = |v: &[&InPlaceFile]| v.iter().map(|f| f.seq).collect::<Vec<_>>();
        let gone: Vec<&InPlaceFile> = lost
            .iter()
            .copied()
            .filter(|f| f.presence != Presence::Missing)
            .collect();
        let dark: Vec<&InPlaceFile> = offline
            .iter()
            .copied()
            .filter(|f| f.presence != Presence::Offline)
            .collect();
        let system = self.me().user;
        self.catalog().write(|tx| {
            tx.set_presence(&seqs(&gone), Presence::Missing, system, now)?;
            tx.set_presence(&seqs(&dark), Presence::Offline, system, now)?;
            tx.set_presence(&seqs(&back), Presence::Ok, system, now)
        })?;
        out.missing = gone.iter().map(|f| at(f)).collect();
        out.offline = dark.iter().map(|f| at(f)).collect();
        out.back = back.iter().map(|f| at(f)).collect();

        for f in to_check {
            let was = f.presence;
            if let Some(id) = self.refresh_if_changed(f)? {
                out.changed.push(AssetAt {
                    id,
                    path: f.path.clone(),
                });
            } else if was != Presence::Ok {
                self.catalog()
                    .write(|tx| tx.set_presence(&[f.seq], Presence::Ok, self.me().user, now))?;
                out.back.push(at(f));
            }
        }

        // New files go into the watching project, imported as its owner.
        let mut by_project: std::collections::BTreeMap<(i64, String), Vec<PathBuf>> = Default::default();
        for ((owner, project), path, _, _) in fresh {
            by_project.entry((owner.0, project)).or_default().push(path);
        }
        for ((owner, project), paths) in by_project {
            let options = ImportOptions {
                project: Some(project),
                mode: Some(ImportMode::InPlace),
                ..Default::default()
            };
            let r = self
                .as_user_row(UserRow(owner))
                .import(&paths, &options, cancel, progress)?;
            out.imported.extend(r.imported);
            out.skipped.extend(r.skipped);
            out.failed.extend(r.failed);
            // Duplicates of assets elsewhere are not news: the content is already cataloged.
        }
        report(progress, Phase::Finishing, out.checked, Some(out.checked));
        Ok(out)
    }
}
