//! Streaming zip export (SPEC R5.3): originals stored without recompression, copied through a
//! fixed buffer so memory stays flat, under names that are unique in the archive and can never
//! escape the folder they are unpacked into. Written to a temporary file and renamed into place,
//! so a crash never leaves a half zip under the final name.
//!
//! Knows files and names only: no catalog, no assets.

mod names;

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

pub use names::{UniqueNames, safe_file_name};

/// One file to put in the archive.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The name wanted inside the zip (made safe and unique on the way in).
    pub name: String,
    /// Where the bytes are.
    pub path: PathBuf,
}

/// A file that made it into the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The name it has inside the zip.
    pub name: String,
    /// Where it came from.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
}

/// A file that could not be added, and why; the rest of the archive is still written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed {
    /// Where it should have come from.
    pub path: PathBuf,
    /// Why it is missing from the archive.
    pub reason: String,
}

/// What [`write_zip`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZipReport {
    /// Files in the archive, in order.
    pub written: Vec<Written>,
    /// Files left out, with reasons.
    pub failed: Vec<Failed>,
}

/// What to do when the destination already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Existing {
    /// Refuse: never replace a file that is there (the default).
    #[default]
    Refuse,
    /// Replace it, if it is a regular file (never a device, a folder or a FIFO).
    Replace,
}

/// Errors that stop the whole archive (per-file problems go into [`ZipReport::failed`]).
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The destination could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The zip structure could not be written.
    #[error("cannot write zip {path}: {source}")]
    Zip {
        /// The archive.
        path: PathBuf,
        /// The underlying error.
        source: zip::result::ZipError,
    },
    /// Something is already at the destination and may not be replaced.
    #[error("{path} already exists: {reason}")]
    Exists {
        /// The destination.
        path: PathBuf,
        /// Why it was left alone, and what to do.
        reason: String,
    },
    /// The caller asked to stop; nothing was left at the destination.
    #[error("export cancelled")]
    Cancelled,
}

/// Writes `entries` into a new zip at `out`; it takes that name only once complete, and only
/// as `existing` allows. `cancelled` is polled between files.
pub fn write_zip(
    entries: impl IntoIterator<Item = Entry>,
    out: &Path,
    existing: Existing,
    cancelled: &dyn Fn() -> bool,
) -> Result<ZipReport, ArchiveError> {
    let io_err = |source| ArchiveError::Io {
        path: out.to_path_buf(),
        source,
    };
    let zip_err = |source| ArchiveError::Zip {
        path: out.to_path_buf(),
        source,
    };
    check_destination(out, existing)?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".atelier-export-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err)?;
    let mut zip = ZipWriter::new(BufWriter::with_capacity(1 << 20, tmp.reopen().map_err(io_err)?));
    let mut names = UniqueNames::default();
    let mut report = ZipReport::default();

    for entry in entries {
        if cancelled() {
            return Err(ArchiveError::Cancelled);
        }
        let mut file = match File::open(&entry.path) {
            Ok(f) => f,
            Err(e) => {
                report.failed.push(Failed {
                    path: entry.path,
                    reason: describe_open_error(&e),
                });
                continue;
            }
        };
        let meta = match file.metadata() {
            Ok(m) if m.is_file() => m,
            Ok(_) => {
                report.failed.push(Failed {
                    path: entry.path,
                    reason: "not a regular file".into(),
                });
                continue;
            }
            Err(e) => {
                report.failed.push(Failed {
                    path: entry.path,
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let name = names.claim(&entry.name);
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .large_file(meta.len() >= u64::from(u32::MAX))
            .last_modified_time(zip_time(meta.modified().ok()));
        zip.start_file(name.as_str(), options).map_err(zip_err)?;
        let copied = io::copy(&mut file, &mut zip).map_err(io_err)?;
        report.written.push(Written {
            name,
            path: entry.path,
            bytes: copied,
        });
    }

    let writer = zip.finish().map_err(zip_err)?;
    let file = writer.into_inner().map_err(|e| io_err(e.into_error()))?;
    file.sync_all().map_err(io_err)?;
    match existing {
        // A link never replaces a name: a file that appeared meanwhile is kept.
        Existing::Refuse => tmp.persist_noclobber(out).map_err(|e| match e.error.kind() {
            io::ErrorKind::AlreadyExists => exists(out, REFUSED),
            _ => io_err(e.error),
        })?,
        Existing::Replace => {
            check_destination(out, existing)?;
            tmp.persist(out).map_err(|e| io_err(e.error))?
        }
    };
    Ok(report)
}

const REFUSED: &str = "choose another name, or ask to replace it (--force)";

fn exists(out: &Path, reason: &str) -> ArchiveError {
    ArchiveError::Exists {
        path: out.to_path_buf(),
        reason: reason.into(),
    }
}

/// Refuses a destination that is there and may not be replaced.
fn check_destination(out: &Path, existing: Existing) -> Result<(), ArchiveError> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(ArchiveError::Io {
                path: out.to_path_buf(),
                source,
            });
        }
    };
    if !meta.file_type().is_file() {
        return Err(exists(
            out,
            "it is not a regular file (a folder, a link, a device or a pipe), so it is never replaced",
        ));
    }
    match existing {
        Existing::Refuse => Err(exists(out, REFUSED)),
        Existing::Replace => Ok(()),
    }
}

fn describe_open_error(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "the original is missing (moved, deleted or on an unplugged drive)".into(),
        io::ErrorKind::PermissionDenied => "permission denied reading the original".into(),
        _ => e.to_string(),
    }
}

fn zip_time(modified: Option<std::time::SystemTime>) -> DateTime {
    use chrono::{Datelike, Timelike};
    let Some(t) = modified else {
        return DateTime::default();
    };
    let local: chrono::DateTime<chrono::Local> = t.into();
    DateTime::from_date_and_time(
        u16::try_from(local.year()).unwrap_or(1980),
        local.month() as u8,
        local.day() as u8,
        local.hour() as u8,
        local.minute() as u8,
        local.second() as u8,
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_stored_entries_with_unique_names_and_reports_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jpg");
        let b = dir.path().join("b.jpg");
        std::fs::write(&a, b"first").unwrap();
        std::fs::write(&b, b"second").unwrap();
        let out = dir.path().join("out.zip");
        let entries = vec![
            Entry {
                name: "photo.jpg".into(),
                path: a.clone(),
            },
            Entry {
                name: "PHOTO.jpg".into(),
                path: b.clone(),
            },
            Entry {
                name: "../../etc/passwd".into(),
                path: a.clone(),
            },
            Entry {
                name: "gone.jpg".into(),
                path: dir.path().join("gone.jpg"),
            },
        ];
        let report = write_zip(entries, &out, Existing::Refuse, &|| false).unwrap();
        let names: Vec<_> = report.written.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["photo.jpg", "PHOTO (2).jpg", "passwd"]);
        assert_eq!(report.failed.len(), 1);
        assert!(report.failed[0].reason.contains("missing"));

        let mut zip = zip::ZipArchive::new(File::open(&out).unwrap()).unwrap();
        let mut second = zip.by_name("PHOTO (2).jpg").unwrap();
        assert_eq!(second.compression(), CompressionMethod::Stored);
        let mut text = String::new();
        second.read_to_string(&mut text).unwrap();
        assert_eq!(text, "second");
    }

    #[test]
    fn an_existing_destination_is_replaced_only_when_asked_and_only_if_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jpg");
        std::fs::write(&a, b"x").unwrap();
        let entries = || {
            vec![Entry {
                name: "a.jpg".into(),
                path: a.clone(),
            }]
        };
        let out = dir.path().join("there.zip");
        std::fs::write(&out, b"precious").unwrap();
        let err = write_zip(entries(), &out, Existing::Refuse, &|| false).unwrap_err();
        assert!(matches!(err, ArchiveError::Exists { .. }), "{err}");
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(std::fs::read(&out).unwrap(), b"precious");
        write_zip(entries(), &out, Existing::Replace, &|| false).unwrap();
        assert!(zip::ZipArchive::new(File::open(&out).unwrap()).is_ok());

        // Never a device, a folder or a link, even when asked.
        for target in [PathBuf::from("/dev/null"), dir.path().to_path_buf()] {
            let link = dir.path().join("link.zip");
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&target, &link).unwrap();
            for existing in [Existing::Refuse, Existing::Replace] {
                let err = write_zip(entries(), &link, existing, &|| false).unwrap_err();
                assert!(err.to_string().contains("not a regular file"), "{err}");
            }
        }
        let err = write_zip(entries(), Path::new("/dev/null"), Existing::Replace, &|| false).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".atelier-export-"))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn cancelled_export_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jpg");
        std::fs::write(&a, b"x").unwrap();
        let out = dir.path().join("out.zip");
        let err = write_zip(
            vec![Entry {
                name: "a.jpg".into(),
                path: a,
            }],
            &out,
            Existing::Refuse,
            &|| true,
        )
        .unwrap_err();
        assert!(matches!(err, ArchiveError::Cancelled));
        assert!(!out.exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .collect();
        assert_eq!(leftovers.len(), 1, "only the source file remains");
    }
}
