//! The library's side of moving files with the studio (STUDIO.md §5): which originals wait to be
//! sent and where they are, the grid thumbnails other members' assets lack, and where another
//! member's original lands once downloaded — written under a temporary name and renamed into
//! place only after its BLAKE3 matched, so a crash or a damaged download leaves nothing half
//! there.
//!
//! Knows the library's folders and catalog; nothing of HTTP or the studio (atelier-sync moves
//! the bytes).

use std::io::Write as _;
use std::path::PathBuf;

use atelier_catalog::{RemoteOriginal, ThumbWanted, Unsent};
use atelier_domain::AssetId;

use crate::layout::{RenditionKind, write_atomic};
use crate::{Library, LibraryError, Result, now_ms};

/// An original waiting to be sent: where it is on this machine, and its thumbnail if any.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Content hash (hex).
    pub hash: String,
    /// The file.
    pub path: PathBuf,
    /// Its size as cataloged (the file is read whole and hashed as it goes: a changed file
    /// fails the studio's check and is sent again after the watcher catches up).
    pub bytes: u64,
    /// Its grid thumbnail, with its MIME type.
    pub thumb: Option<(PathBuf, &'static str)>,
}

fn thumb_mime(ext: &str) -> &'static str {
    match ext {
        "png" => "image/png",
        "webp" => "image/webp",
        _ => "image/jpeg",
    }
}

/// A grid thumbnail of another member's asset, as it came from the studio.
#[derive(Debug, Clone)]
pub struct ArrivedThumb {
    /// The asset.
    pub id: AssetId,
    /// Its content hash.
    pub hash: String,
    /// The thumbnail's type (`image/jpeg`, `image/png`, `image/webp`).
    pub mime: String,
    /// The thumbnail.
    pub bytes: Vec<u8>,
}

/// A download being written: a temporary file in the library's cache, renamed into place by
/// [`Library::finish_original`] once its bytes checked out.
#[derive(Debug)]
pub struct Incoming {
    /// What is being fetched.
    pub original: RemoteOriginal,
    /// The temporary file.
    pub temp: PathBuf,
    file: std::fs::File,
    hasher: blake3::Hasher,
    written: u64,
}

impl Incoming {
    /// Appends bytes as they arrive.
    pub fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.file
            .write_all(chunk)
            .map_err(|e| LibraryError::io(&self.temp, e))?;
        self.hasher.update(chunk);
        self.written += chunk.len() as u64;
        Ok(())
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

impl Library {
    /// Originals in shared projects the studio may not hold yet, newest first, at most `limit`.
    pub fn outgoing(&self, limit: usize) -> Result<Vec<Outgoing>> {
        // Looking visits every asset of the shared projects: skipped while nothing changed
        // since a look found none (every sync of a library whose files are all sent).
        let seen = self.catalog().unsent_generation()?;
        if seen.nothing_waits() {
            return Ok(Vec::new());
        }
        let unsent: Vec<Unsent> = self.catalog().unsent(limit)?;
        if unsent.is_empty() {
            self.catalog().write(|tx| tx.settle_unsent(seen))?;
        }
        Ok(unsent
            .into_iter()
            .map(|u| {
                let path = if u.managed {
                    self.layout.root().join(atelier_catalog::paths::local(&u.path))
                } else {
                    atelier_catalog::paths::local(&u.path)
                };
                let thumb = u.thumb.as_deref().map(|ext| {
                    (
                        self.layout.rendition(&u.hash, RenditionKind::Thumb, ext),
                        thumb_mime(ext),
                    )
                });
                Outgoing {
                    hash: u.hash,
                    path,
                    bytes: u.bytes,
                    thumb,
                }
            })
            .collect())
    }

    /// Originals waiting to be sent, and thumbnails waiting to come.
    pub fn transfers_waiting(&self) -> Result<(i64, i64)> {
        Ok(self.catalog().transfers_waiting()?)
    }

    /// Notes that the studio holds these originals for this library's person.
    pub fn mark_sent(&self, hashes: &[String]) -> Result<()> {
        if hashes.is_empty() {
            return Ok(());
        }
        self.catalog().write(|tx| tx.mark_sent(hashes, now_ms()))?;
        Ok(())
    }

    /// Other members' assets without a grid thumbnail here, newest first.
    pub fn thumbs_wanted(&self, limit: usize) -> Result<Vec<ThumbWanted>> {
        Ok(self.catalog().thumbs_wanted(limit)?)
    }

    /// Keeps grid thumbnails that came from the studio: each file written atomically, then all
    /// cataloged in one transaction with one journal entry (the app's grid refreshes once per
    /// batch).
    pub fn store_thumbs(&self, thumbs: &[ArrivedThumb]) -> Result<()> {
        if thumbs.is_empty() {
            return Ok(());
        }
        let mut exts = Vec::with_capacity(thumbs.len());
        for t in thumbs {
            let ext = match t.mime.as_str() {
                "image/png" => "png",
                "image/webp" => "webp",
                _ => "jpg",
            };
            let dest = self.layout.rendition(&t.hash, RenditionKind::Thumb, ext);
            write_atomic(&self.layout.cache_tmp(), &dest, &t.bytes)?;
            exts.push((t.id, ext));
        }
        let ids: Vec<AssetId> = exts.iter().map(|(id, _)| *id).collect();
        self.catalog().write(|tx| {
            for (id, ext) in &exts {
                tx.set_thumb(*id, ext)?;
            }
            tx.thumbnails_arrived(&ids, now_ms())
        })?;
        Ok(())
    }

    /// Another member's asset whose original isn't here yet.
    pub fn remote_original(&self, id: AssetId) -> Result<Option<RemoteOriginal>> {
        Ok(self.catalog().remote_original(id)?)
    }

    /// Other members' assets of one of the reader's projects whose originals aren't here.
    pub fn remote_in_project(&self, project: &str) -> Result<Vec<AssetId>> {
        let scope = self.as_owner().scope()?;
        let row = self.catalog().project_named(project, &scope)?;
        Ok(self.catalog().remote_in_project(row)?)
    }

    /// Starts writing a download of `original` to a temporary file.
    pub fn begin_original(&self, original: RemoteOriginal) -> Result<Incoming> {
        let dir = self.layout.cache_tmp();
        std::fs::create_dir_all(&dir).map_err(|e| LibraryError::io(&dir, e))?;
        let temp = dir.join(format!(
            "{}.{}.part",
            original.hash,
            uuid::Uuid::now_v7().simple()
        ));
        let file = std::fs::File::create(&temp).map_err(|e| LibraryError::io(&temp, e))?;
        Ok(Incoming {
            original,
            temp,
            file,
            hasher: blake3::Hasher::new(),
            written: 0,
        })
    }

    /// Finishes a download: the bytes must hash to the asset's content hash (else the file is
    /// dropped and the download refused); then it is synced to disk, renamed into its place
    /// under `studio/`, and every asset of that content has its original here.
    pub fn finish_original(&self, incoming: Incoming) -> Result<PathBuf> {
        let Incoming {
            original,
            temp,
            file,
            hasher,
            ..
        } = incoming;
        let actual = hasher.finalize().to_hex().to_string();
        if actual != original.hash {
            drop(file);
            let _ = std::fs::remove_file(&temp);
            return Err(LibraryError::Invalid(atelier_domain::InvalidInput::new(
                atelier_domain::ErrorCode::BadUpload,
                format!(
                    "the original of {} arrived damaged (its BLAKE3 is {actual}, not {}): try again",
                    original.id, original.hash
                ),
            )));
        }
        file.sync_all().map_err(|e| LibraryError::io(&temp, e))?;
        drop(file);
        let dest = self
            .layout
            .root()
            .join(atelier_catalog::paths::local(&original.path));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| LibraryError::io(parent, e))?;
        }
        std::fs::rename(&temp, &dest).map_err(|e| LibraryError::io(&dest, e))?;
        self.catalog()
            .write(|tx| tx.original_arrived(&original.hash, now_ms()))?;
        Ok(dest)
    }

    /// Drops a download that failed half-way.
    pub fn abandon_original(&self, incoming: Incoming) {
        let Incoming { temp, file, .. } = incoming;
        drop(file);
        let _ = std::fs::remove_file(&temp);
    }
}
