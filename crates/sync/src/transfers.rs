//! Files between a library and its studio (STUDIO.md §5): the originals of shared projects go
//! up once per content hash — asked first which the studio needs from this person, then in
//! 16 MiB parts with their BLAKE3, resuming after the parts the studio already has, verified
//! whole there — with their grid thumbnails beside them; other members' grid thumbnails come
//! down in the background, newest first; an original comes down on demand, verified before it
//! takes its place — and, for projects kept available offline, at each sync, newest first.
//! Every original on its way is listed in [`Transfers`] with how far it is, for the sync
//! indicator.
//!
//! Knows the order of these steps; the HTTP is `client`'s, the folders the library's.

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use atelier_domain::AssetId;
use atelier_library::{ArrivedThumb, Library, LibraryError, Outgoing, RemoteOriginal};
use atelier_protocol::{ErrorCode, SyncReport, TransferKind, TransferProgress};

use crate::client::StudioClient;
use crate::error::{Result, SyncError};
use crate::session::with_studio;

/// Originals asked about per check.
const CHECK_BATCH: usize = 200;

/// Thumbnails fetched per round: the rest come with the next, at once (newest first, so the
/// grid's top fills in first; pushes and pulls go between rounds).
pub const THUMBS_PER_SYNC: usize = 500;

/// Thumbnail requests in flight at once.
const THUMB_FETCHERS: usize = 4;

/// Originals uploaded at once when the studio sets no storage limit (see [`send_files`]).
const UPLOADERS: usize = 4;

/// Originals downloaded per sync for projects kept available offline: the rest come with the
/// next (the background sync goes on at once while some wait).
pub const OFFLINE_PER_SYNC: usize = 20;

/// The originals on their way now, each with how far it is: shared by a library's background
/// sync and the app's downloads, read by the sync indicator.
#[derive(Debug, Clone, Default)]
pub struct Transfers {
    now: Arc<Mutex<Vec<(u64, TransferProgress)>>>,
    next: Arc<AtomicU64>,
}

impl Transfers {
    /// Lists a transfer until the returned handle is dropped.
    pub fn begin(&self, kind: TransferKind, name: &str, total: u64) -> Transfer {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let progress = TransferProgress {
            kind,
            name: name.to_string(),
            done: 0,
            total,
        };
        self.lock().push((id, progress));
        Transfer {
            all: self.clone(),
            id,
        }
    }

    /// What is on its way, oldest first.
    pub fn now(&self) -> Vec<TransferProgress> {
        self.lock().iter().map(|(_, p)| p.clone()).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(u64, TransferProgress)>> {
        self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// One listed transfer; dropping it (done, failed or cancelled) takes it off the list.
#[derive(Debug)]
pub struct Transfer {
    all: Transfers,
    id: u64,
}

impl Transfer {
    /// How far it is.
    pub fn advance(&self, done: u64, total: u64) {
        if let Some((_, p)) = self.all.lock().iter_mut().find(|(i, _)| *i == self.id) {
            p.done = done;
            p.total = total;
        }
    }
}

impl Drop for Transfer {
    fn drop(&mut self) {
        self.all.lock().retain(|(i, _)| *i != self.id);
    }
}

/// Sends what the studio needs of the shared projects' originals, with their thumbnails, a few
/// at once.
pub fn send_files(
    library: &Library,
    client: &StudioClient,
    token: &str,
    report: &mut SyncReport,
    transfers: &Transfers,
) -> Result<()> {
    loop {
        let batch = library.outgoing(CHECK_BATCH)?;
        if batch.is_empty() {
            return Ok(());
        }
        let needed = client
            .blobs_needed(token, batch.iter().map(|o| o.hash.clone()).collect())?
            .needed;
        // The studio checks a project's storage limit when an upload starts, counting what
        // it holds: uploads in flight together could pass it. Under a limit, one at a time.
        let uploaders = if library.studio_limits()?.storage_per_project.is_some() {
            1
        } else {
            UPLOADERS
        };
        let sent: Mutex<Vec<(usize, bool)>> = Mutex::new(Vec::new());
        // Most originals are small: the time is in the round trips (start, part, complete,
        // thumbnail), so a few go at once, as thumbnails come.
        let outcome = each_at_once(&batch, uploaders, |i, o| {
            if let Some(uploaded) = send_one(library, client, token, o, needed.contains(&o.hash), transfers)?
            {
                sent.lock().unwrap_or_else(|p| p.into_inner()).push((i, uploaded));
            }
            Ok(())
        });
        let mut sent = sent.into_inner().unwrap_or_else(|p| p.into_inner());
        sent.sort_unstable();
        report.uploaded += sent.iter().filter(|(_, uploaded)| *uploaded).count() as u32;
        let hashes: Vec<String> = sent.iter().map(|(i, _)| batch[*i].hash.clone()).collect();
        // What went is recorded even when another failed: the next sync sends the rest.
        if !hashes.is_empty() {
            library.mark_sent(&hashes)?;
        }
        outcome?;
        if hashes.is_empty() {
            return Ok(()); // nothing could go this time: try again at the next sync
        }
    }
}

/// One original the studio may need (`needed`: it doesn't have the content yet) and its
/// thumbnail. `Some(uploaded)` when done; `None` when it waits for a later sync (changed on
/// disk, over the plan's storage, unreadable); an error stops the sync's sending.
fn send_one(
    library: &Library,
    client: &StudioClient,
    token: &str,
    o: &Outgoing,
    needed: bool,
    transfers: &Transfers,
) -> Result<Option<bool>> {
    if needed {
        match upload(client, token, o, transfers) {
            Ok(()) => {}
            // The file changed or went since it was cataloged: the watcher will catch up and
            // the next sync sends the new content.
            Err(SyncError::Studio(e)) if e.code == ErrorCode::BadUpload => return Ok(None),
            // Over the plan's storage per project: said once in Couldn't sync (with the limit
            // and the use), tried again at each sync while it waits.
            Err(SyncError::Studio(e)) if e.code == ErrorCode::LimitReached => {
                let what = format!("Upload {}", display_name(o));
                let listed = library
                    .refusals()?
                    .iter()
                    .any(|r| r.what == what && r.code == e.code.as_str());
                if !listed {
                    library.add_refusal("upload", &what, e.code.as_str(), &e.message)?;
                }
                return Ok(None);
            }
            Err(SyncError::Library(e)) => {
                tracing::warn!(hash = %o.hash, error = %e, "an original can't be read; it is sent once it can");
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    if let Some((thumb, mime)) = &o.thumb
        && let Ok(bytes) = std::fs::read(thumb)
    {
        client.put_rendition(token, &o.hash, "thumb", mime, bytes)?;
    }
    Ok(Some(needed))
}

/// The file name an upload is shown by.
fn display_name(o: &Outgoing) -> String {
    o.path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One original, resuming after the parts the studio has.
fn upload(client: &StudioClient, token: &str, o: &Outgoing, transfers: &Transfers) -> Result<()> {
    // The file first: one that can't be read opens no session on the studio.
    let mut file = std::fs::File::open(&o.path).map_err(|e| LibraryError::io(&o.path, e))?;
    let session = client.upload_start(token, &o.hash, o.bytes)?;
    let shown = transfers.begin(TransferKind::Upload, &display_name(o), session.size);
    let part_len = |n: u32| {
        let offset = u64::from(n) * session.part_size;
        session.part_size.min(session.size.saturating_sub(offset))
    };
    let mut done: u64 = session.received.iter().map(|n| part_len(*n)).sum();
    shown.advance(done, session.size);
    for n in 0..session.parts {
        if session.received.contains(&n) {
            continue;
        }
        let offset = u64::from(n) * session.part_size;
        let len = session.part_size.min(session.size - offset);
        // Read twice, never held: once for its hash, then streamed as the request's body (the
        // page cache serves the second read). A few uploads of large files at once keep the
        // library's memory flat. Should the file change in between, the studio finds the
        // part's hash wrong, and the next sync sends the new content.
        let hash = part_hash(&mut file, offset, len).map_err(|e| LibraryError::io(&o.path, e))?;
        let mut body = std::fs::File::open(&o.path).map_err(|e| LibraryError::io(&o.path, e))?;
        body.seek(SeekFrom::Start(offset))
            .map_err(|e| LibraryError::io(&o.path, e))?;
        client.upload_part(token, &session.id, n, &hash, body.take(len), len)?;
        done += len;
        shown.advance(done, session.size);
    }
    client.upload_complete(token, &session.id)?;
    Ok(())
}

/// The BLAKE3 (hex) of `len` bytes of `file` from `offset`, read a piece at a time.
fn part_hash(file: &mut std::fs::File, offset: u64, len: u64) -> std::io::Result<String> {
    file.seek(SeekFrom::Start(offset))?;
    let mut hasher = blake3::Hasher::new();
    let read = std::io::copy(&mut file.take(len), &mut hasher)?;
    if read != len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("the file ended {} bytes early", len - read),
        ));
    }
    Ok(hasher.finalize().to_hex().to_string())
}

/// Fetches grid thumbnails of other members' assets, newest first, [`THUMB_FETCHERS`] at a
/// time, cataloged per batch; one the studio has none of yet is asked for again at a later
/// sync (a full batch, [`THUMBS_PER_SYNC`], says more wait: the background sync goes on at once).
pub fn fetch_thumbs(
    library: &Library,
    client: &StudioClient,
    token: &str,
    report: &mut SyncReport,
) -> Result<()> {
    let wanted = library.thumbs_wanted(THUMBS_PER_SYNC)?;
    let fetched: Mutex<Vec<ArrivedThumb>> = Mutex::new(Vec::new());
    // Small files one request each: the time is in the round trips, so a few run at once.
    let outcome = each_at_once(&wanted, THUMB_FETCHERS, |_, w| {
        if let Some((mime, bytes)) = client.rendition(token, &w.hash, "thumb")? {
            fetched
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(ArrivedThumb {
                    id: w.id,
                    hash: w.hash.clone(),
                    mime,
                    bytes,
                });
        }
        Ok(())
    });
    // What came is kept even when a fetch failed: the next sync asks for the rest.
    let fetched = fetched.into_inner().unwrap_or_else(|p| p.into_inner());
    library.store_thumbs(&fetched)?;
    report.thumbnails += fetched.len() as u32;
    outcome
}

/// Runs `work` on each of `items`, up to `workers` at once, until one fails: that first error is
/// returned (what the others did stays done).
fn each_at_once<T: Sync>(
    items: &[T],
    workers: usize,
    work: impl Fn(usize, &T) -> Result<()> + Sync,
) -> Result<()> {
    let next = AtomicUsize::new(0);
    let failed: Mutex<Option<SyncError>> = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..workers.min(items.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { return };
                    if failed.lock().unwrap_or_else(|p| p.into_inner()).is_some() {
                        return;
                    }
                    if let Err(e) = work(i, item) {
                        failed.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                        return;
                    }
                }
            });
        }
    });
    match failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Downloads another member's original into the library (on demand: the lightbox at 100 %,
/// export, *Make available offline*); `progress` hears bytes written of the total. Returns
/// where it is. An original already here is not fetched again.
pub fn download_original(
    library: &Library,
    id: AssetId,
    progress: impl FnMut(u64, u64),
) -> Result<Option<PathBuf>> {
    let Some(original) = library.remote_original(id)? else {
        return Ok(None);
    };
    // The call may be made twice (after a refreshed sign-in): the listener is shared.
    let progress = std::cell::RefCell::new(progress);
    with_studio(library, |client, signed| {
        fetch_original(library, client, &signed.access_token, &original, |done, total| {
            (progress.borrow_mut())(done, total)
        })
        .map(Some)
    })
}

/// One original down, written beside its place and moved there once verified.
fn fetch_original(
    library: &Library,
    client: &StudioClient,
    token: &str,
    original: &RemoteOriginal,
    mut progress: impl FnMut(u64, u64),
) -> Result<PathBuf> {
    let total = original.bytes;
    let mut incoming = library.begin_original(original.clone())?;
    let got = client.download(token, &original.hash, |chunk| {
        incoming.write(chunk)?;
        progress(incoming.written(), total);
        Ok(())
    });
    match got {
        Ok(()) => Ok(library.finish_original(incoming)?),
        Err(e) => {
            library.abandon_original(incoming);
            Err(e)
        }
    }
}

/// Downloads up to [`OFFLINE_PER_SYNC`] originals of the projects kept available offline,
/// newest first; one the studio can't give yet (its uploader hasn't sent it) is tried again at
/// a later sync. Returns how many came.
pub fn fetch_offline(
    library: &Library,
    client: &StudioClient,
    token: &str,
    transfers: &Transfers,
) -> Result<usize> {
    let mut got = 0;
    for id in library.remote_in_offline_projects(OFFLINE_PER_SYNC)? {
        let Some(original) = library.remote_original(id)? else {
            continue;
        };
        let shown = transfers.begin(TransferKind::Download, &original.name, original.bytes);
        match fetch_original(library, client, token, &original, |d, t| shown.advance(d, t)) {
            Ok(_) => got += 1,
            Err(SyncError::Studio(e)) => {
                tracing::info!(asset = %id, code = %e.code, "an original to keep offline isn't on the studio yet");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transfer_is_listed_with_its_progress_until_it_ends() {
        let all = Transfers::default();
        let up = all.begin(TransferKind::Upload, "a.jpg", 100);
        let down = all.clone().begin(TransferKind::Download, "b.cr3", 0);
        up.advance(40, 100);
        down.advance(5, 50);
        let now = all.now();
        assert_eq!(
            now.iter()
                .map(|t| (t.kind, t.name.as_str(), t.done, t.total))
                .collect::<Vec<_>>(),
            vec![
                (TransferKind::Upload, "a.jpg", 40, 100),
                (TransferKind::Download, "b.cr3", 5, 50)
            ]
        );
        drop(up);
        assert_eq!(all.now().len(), 1);
        drop(down);
        assert!(all.now().is_empty());
    }
}
