//! Files between a library and its studio (STUDIO.md §5): the originals of shared projects go
//! up once per content hash — asked first which the studio needs from this person, then in
//! 16 MiB parts with their BLAKE3, resuming after the parts the studio already has, verified
//! whole there — with their grid thumbnails beside them; other members' grid thumbnails come
//! down in the background, newest first; an original comes down on demand, verified before it
//! takes its place.
//!
//! Knows the order of these steps; the HTTP is `client`'s, the folders the library's.

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::PathBuf;

use atelier_domain::AssetId;
use atelier_library::{Library, LibraryError, Outgoing};
use atelier_protocol::{ErrorCode, SyncReport};

use crate::client::StudioClient;
use crate::error::{Result, SyncError};
use crate::session::with_studio;

/// Originals asked about per check.
const CHECK_BATCH: usize = 200;

/// Thumbnails fetched per sync: the rest come with the next (newest first, so the grid's top
/// fills in first).
const THUMBS_PER_SYNC: usize = 500;

/// Sends what the studio needs of the shared projects' originals, with their thumbnails.
pub fn send_files(
    library: &Library,
    client: &StudioClient,
    token: &str,
    report: &mut SyncReport,
) -> Result<()> {
    loop {
        let batch = library.outgoing(CHECK_BATCH)?;
        if batch.is_empty() {
            return Ok(());
        }
        let needed = client
            .blobs_needed(token, batch.iter().map(|o| o.hash.clone()).collect())?
            .needed;
        let mut sent = Vec::new();
        for o in &batch {
            if needed.contains(&o.hash) {
                match upload(client, token, o) {
                    Ok(()) => report.uploaded += 1,
                    // The file changed or went since it was cataloged: the watcher will catch
                    // up and the next sync sends the new content.
                    Err(SyncError::Studio(e)) if e.code == ErrorCode::BadUpload => continue,
                    Err(SyncError::Library(e)) => {
                        tracing::warn!(hash = %o.hash, error = %e, "an original can't be read; it is sent once it can");
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            }
            if let Some((thumb, mime)) = &o.thumb
                && let Ok(bytes) = std::fs::read(thumb)
            {
                client.put_rendition(token, &o.hash, "thumb", mime, bytes)?;
            }
            sent.push(o.hash.clone());
        }
        if sent.is_empty() {
            return Ok(()); // nothing could go this time: try again at the next sync
        }
        library.mark_sent(&sent)?;
    }
}

/// One original, resuming after the parts the studio has.
fn upload(client: &StudioClient, token: &str, o: &Outgoing) -> Result<()> {
    // The file first: one that can't be read opens no session on the studio.
    let mut file = std::fs::File::open(&o.path).map_err(|e| LibraryError::io(&o.path, e))?;
    let session = client.upload_start(token, &o.hash, o.bytes)?;
    for n in 0..session.parts {
        if session.received.contains(&n) {
            continue;
        }
        let offset = u64::from(n) * session.part_size;
        let len = session.part_size.min(session.size - offset);
        let mut part = vec![0u8; len as usize];
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_exact(&mut part))
            .map_err(|e| LibraryError::io(&o.path, e))?;
        client.upload_part(token, &session.id, n, part)?;
    }
    client.upload_complete(token, &session.id)?;
    Ok(())
}

/// Fetches grid thumbnails of other members' assets, newest first; one the studio has none of
/// yet is asked for again at a later sync.
pub fn fetch_thumbs(
    library: &Library,
    client: &StudioClient,
    token: &str,
    report: &mut SyncReport,
) -> Result<()> {
    let mut arrived = Vec::new();
    for wanted in library.thumbs_wanted(THUMBS_PER_SYNC)? {
        if let Some((mime, bytes)) = client.rendition(token, &wanted.hash, "thumb")? {
            library.store_thumb(wanted.id, &wanted.hash, &mime, &bytes)?;
            arrived.push(wanted.id);
        }
    }
    report.thumbnails += arrived.len() as u32;
    Ok(library.thumbnails_arrived(&arrived)?)
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
        let total = original.bytes;
        let mut incoming = library.begin_original(original.clone())?;
        let got = client.download(&signed.access_token, &original.hash, |chunk| {
            incoming.write(chunk)?;
            (progress.borrow_mut())(incoming.written(), total);
            Ok(())
        });
        match got {
            Ok(()) => Ok(Some(library.finish_original(incoming)?)),
            Err(e) => {
                library.abandon_original(incoming);
                Err(e)
            }
        }
    })
}
