//! The library folder (SPEC R1, ARCHITECTURE "Data"): `catalog.db`, `originals/` for files the
//! library manages, `cache/` for renditions keyed by content hash. Everything is written to a
//! temporary name inside the library and renamed into place, so a crash never leaves a half
//! file under a real name; temporaries older than a day are swept on open.

use atelier_domain::ErrorCode;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::{LibraryError, Result};

/// Which rendition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenditionKind {
    /// Grid thumbnail, about 400 px.
    Thumb,
    /// Lightbox preview, about 2048 px.
    Preview,
}

/// Paths inside one library folder.
#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

/// Temporary files younger than this may belong to another process's running import.
const STALE_TEMP: Duration = Duration::from_secs(24 * 60 * 60);

impl Layout {
    /// The layout of the library at `root` (nothing is created).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Layout { root: root.into() }
    }

    /// The library folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The catalog database.
    pub fn catalog(&self) -> PathBuf {
        self.root.join("catalog.db")
    }

    /// Files the library manages.
    pub fn originals(&self) -> PathBuf {
        self.root.join("originals")
    }

    /// Renditions.
    pub fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// Where renditions are written before being renamed into place.
    pub fn cache_tmp(&self) -> PathBuf {
        self.cache().join("tmp")
    }

    /// Where copies are written before being linked into `originals/`.
    pub(crate) fn originals_tmp(&self) -> PathBuf {
        self.originals().join(".tmp")
    }

    /// The rendition of content `hash_hex`.
    pub fn rendition(&self, hash_hex: &str, kind: RenditionKind, ext: &str) -> PathBuf {
        let dir = match kind {
            RenditionKind::Thumb => "thumbs",
            RenditionKind::Preview => "previews",
        };
        let shard = hash_hex.get(..2).unwrap_or("00");
        self.cache()
            .join(dir)
            .join(shard)
            .join(format!("{hash_hex}.{ext}"))
    }

    /// Creates the folders (first use) and sweeps stale temporaries.
    pub(crate) fn prepare(&self) -> Result<()> {
        for dir in [
            self.root.clone(),
            self.originals(),
            self.cache(),
            self.cache_tmp(),
            self.originals_tmp(),
        ] {
            fs::create_dir_all(&dir).map_err(|e| LibraryError::io(&dir, e))?;
        }
        for dir in [self.cache_tmp(), self.originals_tmp()] {
            sweep(&dir);
        }
        Ok(())
    }

    /// Whether `name`, directly in a library folder, is one of Atelier's own entries.
    pub(crate) fn is_own_entry(name: &std::ffi::OsStr) -> bool {
        let name = name.to_string_lossy();
        matches!(name.as_ref(), "originals" | "cache" | "trash") || name.starts_with("catalog.db")
    }

    /// Refuses a library whose catalog is gone or empty (0 bytes: a disk that filled up, a
    /// bad copy) while `originals/` still holds the files it managed: opening it would start a
    /// new, empty catalog beside them and hide them. Says how to recover.
    pub(crate) fn refuse_lost_catalog(&self) -> Result<()> {
        let catalog = self.catalog();
        let empty = match fs::metadata(&catalog) {
            Ok(m) => m.len() == 0,
            Err(_) => true,
        };
        if !empty {
            return Ok(());
        }
        let managed = count_files(&self.originals(), 1);
        if managed == 0 {
            return Ok(());
        }
        Err(atelier_domain::InvalidInput::new(
            ErrorCode::CatalogLost,
            format!(
                "{} is missing or empty (0 bytes), but {} still holds the files this library \
                 manages: Atelier won't start a new, empty catalog over them. Restore catalog.db \
                 from a backup; or move originals/ out of the library and import it into a new \
                 one with `atelier --library NEW import --copy FOLDER` (ratings, tags and \
                 collections kept only in the lost catalog can't be recovered that way)",
                catalog.display(),
                self.originals().display()
            ),
        )
        .into())
    }

    /// Whether `path` lies inside this library folder (never imported from, never watched).
    pub fn contains(&self, path: &Path) -> bool {
        let root = fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        path.starts_with(root)
    }
}

/// Counts regular files below `dir` (its `.tmp` folder left out), stopping at `enough`.
fn count_files(dir: &Path, enough: usize) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() != 1 || e.file_name() != ".tmp")
        .flatten()
        .filter(|e| e.file_type().is_file())
        .take(enough)
        .count()
}

/// Removes temporaries older than a day: files, and folders such as an upload's spool left
/// by a server that was killed mid-upload (a folder counts as stale when nothing in it
/// changed for a day).
fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    let old = |t: SystemTime| now.duration_since(t).unwrap_or_default() > STALE_TEMP;
    for e in entries.flatten() {
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            let newest = walkdir::WalkDir::new(e.path())
                .into_iter()
                .flatten()
                .filter_map(|f| f.metadata().ok()?.modified().ok())
                .max();
            if newest.is_none_or(old) {
                let _ = fs::remove_dir_all(e.path());
            }
        } else if meta.modified().is_ok_and(old) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Writes `bytes` to `dest` through a temporary file in `tmp_dir` (same file system).
pub(crate) fn write_atomic(tmp_dir: &Path, dest: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(|e| LibraryError::io(parent, e))?;
    }
    let mut tmp = tempfile::NamedTempFile::new_in(tmp_dir).map_err(|e| LibraryError::io(tmp_dir, e))?;
    tmp.write_all(bytes)
        .map_err(|e| LibraryError::io(tmp.path(), e))?;
    tmp.persist(dest).map_err(|e| LibraryError::io(dest, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renditions_are_sharded_by_hash() {
        let l = Layout::new("/lib");
        assert_eq!(
            l.rendition("abcdef", RenditionKind::Thumb, "jpg"),
            PathBuf::from("/lib/cache/thumbs/ab/abcdef.jpg")
        );
    }

    #[test]
    fn stale_temporaries_and_spool_folders_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let l = Layout::new(dir.path().join("lib"));
        l.prepare().unwrap();
        let day_ago = SystemTime::now() - STALE_TEMP - Duration::from_secs(60);
        let set_old = |p: &Path| {
            fs::File::options()
                .write(true)
                .open(p)
                .or_else(|_| fs::File::open(p))
                .unwrap()
                .set_modified(day_ago)
                .unwrap()
        };
        let spool = l.cache_tmp().join("upload-killed");
        fs::create_dir_all(spool.join("0000")).unwrap();
        fs::write(spool.join("0000/a.jpg"), b"x").unwrap();
        set_old(&spool.join("0000/a.jpg"));
        set_old(&spool.join("0000"));
        set_old(&spool);
        let live = l.cache_tmp().join("upload-live");
        fs::create_dir_all(&live).unwrap();
        fs::write(live.join("b.jpg"), b"x").unwrap();
        let stale_file = l.originals_tmp().join("copy.tmp");
        fs::write(&stale_file, b"x").unwrap();
        set_old(&stale_file);
        l.prepare().unwrap();
        assert!(!spool.exists(), "a killed upload's spool is swept");
        assert!(!stale_file.exists());
        assert!(live.join("b.jpg").exists(), "an upload in progress is left alone");
    }

    #[test]
    fn atomic_writes_leave_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let l = Layout::new(dir.path().join("lib"));
        l.prepare().unwrap();
        let dest = l.rendition("ff00", RenditionKind::Thumb, "jpg");
        write_atomic(&l.cache_tmp(), &dest, b"x").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"x");
        assert_eq!(fs::read_dir(l.cache_tmp()).unwrap().count(), 0);
        assert!(l.contains(&dest));
        assert!(!l.contains(dir.path()));
    }
}
