//! XMP sidecars of files added in place (R2.5–R2.6): read with the file at import, and written
//! back — rating, tags, title, description — whenever they change in Atelier, keeping every
//! property other tools put there (see `atelier_media::sidecar`).
//!
//! Writes are queued in the catalog by triggers (so every kind of edit is covered) and done in
//! batches by [`Library::write_sidecars`]: the CLI calls it before it exits, the app every
//! couple of seconds. A write that fails stays queued with its reason and is retried later;
//! it is never dropped. When a sidecar was changed by another tool after Atelier last read or
//! wrote it and after the queued change, the other tool's edit is the newer one: it is read
//! into the catalog instead of being overwritten.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use atelier_catalog::{SidecarFailure, SidecarJob};
use atelier_media::sidecar::{Owned, write_sidecar};
use atelier_media::xmp::{self, Xmp};
use serde::Serialize;

use crate::{FileIssue, Library, Result, now_ms};

/// What a round of sidecar writes did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SidecarReport {
    /// Sidecars written.
    pub written: usize,
    /// Sidecars changed by another tool since, read into the catalog instead.
    pub read_back: usize,
    /// Writes that failed this time (still queued, retried later).
    pub failed: Vec<FileIssue>,
}

/// The sidecar of `original`: `name.ext.xmp` (darktable, digiKam) when it exists, else
/// `name.xmp` (Lightroom, Capture One) when it exists, else the `name.ext.xmp` to create.
pub fn sidecar_path(original: &Path) -> PathBuf {
    let mut long = original.as_os_str().to_owned();
    long.push(".xmp");
    let long = PathBuf::from(long);
    if long.exists() {
        return long;
    }
    for ext in ["xmp", "XMP"] {
        let short = original.with_extension(ext);
        if short != original && short.exists() {
            return short;
        }
    }
    long
}

/// A file's modification time, unix milliseconds.
pub(crate) fn mtime_ms(path: &Path) -> Option<i64> {
    let m = std::fs::metadata(path).ok()?.modified().ok()?;
    m.duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as i64)
}

/// The sidecar next to `original`, read and parsed, with its time; `None` when there is none
/// (or it isn't XMP).
pub(crate) fn read_sidecar(original: &Path) -> Option<(Xmp, i64)> {
    let path = sidecar_path(original);
    let bytes = std::fs::read(&path).ok()?;
    let parsed = xmp::parse(&bytes)?;
    Some((parsed, mtime_ms(&path).unwrap_or(0)))
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// crash never leaves a half-written sidecar.
fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".atelier-xmp-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

impl Library {
    /// Writes every queued sidecar now (a CLI command calls this before it exits). Failed
    /// writes stay queued with their reason.
    pub fn write_sidecars(&self) -> Result<SidecarReport> {
        let mut report = SidecarReport::default();
        let mut seen = HashSet::new();
        loop {
            let jobs: Vec<SidecarJob> = self
                .catalog()
                .sidecar_jobs(now_ms(), 256)?
                .into_iter()
                .filter(|j| seen.insert(j.seq))
                .collect();
            if jobs.is_empty() {
                break;
            }
            for job in jobs {
                self.write_one(&job, &mut report)?;
            }
        }
        Ok(report)
    }

    /// Sidecar writes that keep failing, with their reasons.
    pub fn sidecar_failures(&self) -> Result<Vec<SidecarFailure>> {
        Ok(self.catalog().sidecar_failures()?)
    }

    fn write_one(&self, job: &SidecarJob, report: &mut SidecarReport) -> Result<()> {
        let original = job.path.as_path();
        let path = sidecar_path(original);
        let fail = |reason: String, report: &mut SidecarReport| -> Result<()> {
            self.catalog().write(|tx| tx.sidecar_failed(job, &reason))?;
            report.failed.push(FileIssue {
                path: path.clone(),
                reason,
            });
            Ok(())
        };
        if !original.exists() {
            return fail(
                "its original is not there (missing or offline); written when it is back".into(),
                report,
            );
        }
        let existing = match std::fs::read(&path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return fail(format!("the sidecar can't be read: {e}"), report),
        };
        // Edited by another tool after Atelier's last read or write and after this change?
        let known: Option<i64> = self.catalog().sidecar_mtime(job.seq)?;
        let on_disk = existing.as_ref().and_then(|_| mtime_ms(&path));
        if let (Some(bytes), Some(disk)) = (&existing, on_disk)
            && known.is_some_and(|k| disk > k)
            && disk > job.queued_at
            && let Some(theirs) = xmp::parse(bytes)
        {
            self.apply_sidecar(job.seq, &theirs, disk)?;
            report.read_back += 1;
            return Ok(());
        }
        let values = Owned {
            rating: job.rating,
            tags: job.tags.clone(),
            title: job.title.clone(),
            description: job.description.clone(),
        };
        let bytes = match write_sidecar(existing.as_deref(), &values) {
            Ok(b) => b,
            Err(e) => return fail(e.to_string(), report),
        };
        if existing.as_deref() != Some(&bytes[..])
            && let Err(e) = replace_file(&path, &bytes)
        {
            return fail(format!("the sidecar can't be written: {e}"), report);
        }
        let written = mtime_ms(&path);
        self.catalog().write(|tx| tx.sidecar_written(job, written))?;
        report.written += 1;
        Ok(())
    }

    /// A sidecar changed on disk (the watcher saw it settle): when another tool wrote it after
    /// Atelier last read or wrote it, and after any change queued in Atelier, its values are
    /// read into the catalog. True when something was read.
    pub(crate) fn sidecar_changed(&self, sidecar: &Path) -> Result<bool> {
        let Some(disk) = mtime_ms(sidecar) else {
            return Ok(false);
        };
        // `name.ext.xmp` belongs to `name.ext`; `name.xmp` to a `name.*` beside it.
        let long = sidecar.with_extension("");
        let mut candidates = Vec::new();
        if long.extension().is_some() && long.is_file() {
            candidates.push(long);
        } else if let (Some(dir), Some(stem)) = (sidecar.parent(), long.file_name()) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.file_stem() == Some(stem)
                    && p.extension().is_some_and(|x| !x.eq_ignore_ascii_case("xmp"))
                {
                    candidates.push(p);
                }
            }
        }
        let mut read = false;
        for original in candidates {
            read |= self.sidecar_changed_for(&original, sidecar, disk)?;
        }
        Ok(read)
    }

    /// Reads `sidecar` (modified at `disk`) into the asset of `original` when it is newer than
    /// Atelier's last read or write of it and than any write-back queued since.
    pub(crate) fn sidecar_changed_for(&self, original: &Path, sidecar: &Path, disk: i64) -> Result<bool> {
        if sidecar_path(original) != sidecar {
            return Ok(false); // another sidecar speaks for this file
        }
        let Some((seq, known, queued)) = self.catalog().sidecar_owner(original)? else {
            return Ok(false);
        };
        if known.is_some_and(|k| disk <= k) || queued.is_some_and(|q| q >= disk) {
            return Ok(false);
        }
        let Some(x) = std::fs::read(sidecar).ok().and_then(|b| xmp::parse(&b)) else {
            return Ok(false);
        };
        self.apply_sidecar(seq, &x, disk)?;
        Ok(true)
    }

    /// Takes a sidecar's values (edited in another tool) into the catalog.
    fn apply_sidecar(&self, seq: i64, x: &Xmp, mtime: i64) -> Result<()> {
        let rating = x
            .rating
            .map(|r| atelier_domain::Rating::from_foreign(r).stars())
            .unwrap_or(0);
        let tags = atelier_domain::names::asset_tags(&[], &sidecar_tags(&x.keywords));
        let actor = self.me().user;
        self.catalog().write(|tx| {
            tx.apply_sidecar(
                seq,
                rating,
                &tags,
                x.title.as_deref(),
                x.description.as_deref(),
                mtime,
                actor,
                now_ms(),
            )
        })?;
        Ok(())
    }
}

/// Tags from a sidecar's keywords: a flat keyword that is only the leaf of a hierarchical one
/// written beside it (Lightroom writes both) is not a tag of its own.
pub(crate) fn sidecar_tags(keywords: &[String]) -> Vec<String> {
    let leaves: HashSet<String> = keywords
        .iter()
        .filter(|k| k.contains('/'))
        .filter_map(|k| k.rsplit('/').next().map(str::to_lowercase))
        .collect();
    keywords
        .iter()
        .filter(|k| k.contains('/') || !leaves.contains(&k.to_lowercase()))
        .cloned()
        .collect()
}
