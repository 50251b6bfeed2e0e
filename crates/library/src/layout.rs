//! The library folder (SPEC R1, ARCHITECTURE "Data"): `catalog.db`, `originals/` for files the
//! library manages, `cache/` for renditions keyed by content hash. Everything is written to a
//! temporary name inside the library and renamed into place, so a crash never leaves a half
//! file under a real name; temporaries older than a day are swept on open.

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

    /// Whether `path` lies inside this library folder (never imported from, never watched).
    pub fn contains(&self, path: &Path) -> bool {
        let root = fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let path = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        path.starts_with(root)
    }
}

fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for e in entries.flatten() {
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > STALE_TEMP);
        if stale {
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
