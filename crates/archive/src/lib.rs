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
    /// The caller asked to stop; nothing was left at the destination.
    #[error("export cancelled")]
    Cancelled,
}

/// Writes `entries` into a new zip at `out`, replacing it only once complete. `cancelled` is
/// polled between files.
pub fn write_zip(
    entries: impl IntoIterator<Item = Entry>,
    out: &Path,
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
    tmp.persist(out).map_err(|e| io_err(e.error))?;
    Ok(report)
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
        let report = write_zip(entries, &out, &|| false).unwrap();
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
