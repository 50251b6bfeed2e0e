//! Files' use cases (STUDIO.md §5): which originals a member must send, resumable uploads in
//! checksummed parts verified whole, reading an original or a rendition, and sending a
//! rendition. One rule decides who reads a file: an asset of it is in a scope the caller reads,
//! and that asset's creator has shown they hold the bytes — so knowing a hash never grants a
//! file, and creating an asset that names someone else's hash grants nothing either.
//!
//! Must not know HTTP or SQL: the store answers lookups, the blob store keeps bytes.

use bytes::Bytes;
use futures_util::StreamExt as _;
use futures_util::stream::{self, BoxStream};

use atelier_domain::{ErrorCode, limits::human_bytes};
use atelier_protocol::{
    BlobCheck, BlobsNeeded, MAX_CHECK, MAX_FILE_BYTES, MAX_RENDITION_BYTES, PART_SIZE, UploadDone,
    UploadSession, UploadStart,
};

use super::{Caller, ServiceError, ServiceResult, Studio, refused};
use crate::blobs::{BlobError, Blobs, ContentHash, PartHash, whole_from_parts};
use crate::store::{NewUpload, StoredUpload, UploadWay};

/// The renditions a member may send beside an original.
pub const RENDITION_KINDS: [&str; 2] = ["thumb", "preview"];

/// The image types a rendition may be.
const RENDITION_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// A content hash as the wire has it (64 lowercase hex digits), or `invalid_id`.
pub(super) fn content_hash(text: &str) -> ServiceResult<ContentHash> {
    text.parse::<ContentHash>().map_err(|_| {
        refused(
            ErrorCode::InvalidId,
            format!("'{text}' is not a content hash: expected the 64 hex digits of a BLAKE3-256"),
        )
    })
}

pub(super) fn from_blob(e: BlobError) -> ServiceError {
    match e {
        BlobError::NotFound(_) => refused(ErrorCode::NotFound, "no such file on the studio"),
        BlobError::HashMismatch { .. }
        | BlobError::Source(_)
        | BlobError::InvalidHash(_)
        | BlobError::BadRange { .. } => refused(e.code(), e.to_string()),
        other => ServiceError::Internal(other.to_string()),
    }
}

type Bytestream = BoxStream<'static, Result<Bytes, BlobError>>;

async fn open_part(blobs: Blobs, session: String, n: u32) -> Result<Bytestream, BlobError> {
    Ok(blobs.part(&session, n).await?.into_stream())
}

/// A part's bytes, or the failure to open it as the stream's one item.
fn opened(part: Result<Bytestream, BlobError>) -> Bytestream {
    match part {
        Ok(s) => s,
        Err(e) => stream::once(async move { Err(e) }).boxed(),
    }
}

fn parts_of(size: u64, part_size: u64) -> u32 {
    size.div_ceil(part_size.max(1)).min(u64::from(u32::MAX)) as u32
}

fn session_of(u: StoredUpload) -> UploadSession {
    UploadSession {
        parts: parts_of(u.size, u.part_size),
        id: u.id,
        hash: u.hash,
        size: u.size,
        part_size: u.part_size,
        received: u.received,
    }
}

/// What a reader gets: the bytes' type (renditions) and their stream.
pub struct FileRead {
    /// Size in bytes.
    pub size: u64,
    /// `Content-Type` (originals: `application/octet-stream`; the desktop knows what it asked).
    pub mime: String,
    /// The bytes.
    pub body: Bytestream,
}

impl FileRead {
    /// A file already in memory.
    pub fn whole(bytes: Bytes, mime: String) -> FileRead {
        FileRead {
            size: bytes.len() as u64,
            mime,
            body: Box::pin(futures_util::stream::once(async move { Ok(bytes) })),
        }
    }
}

impl Studio {
    async fn reader_scopes(&self, caller: &Caller) -> ServiceResult<Vec<String>> {
        Ok(self
            .store
            .scopes(caller.account.id, caller.account.role.acts_as_manager())
            .await?)
    }

    /// Which of `check.hashes` the caller must send: those the studio lacks, and those they
    /// haven't shown they hold. One they may already read (an asset of it is theirs to see)
    /// counts as held: sharing it again needs no upload.
    pub async fn blobs_needed(&self, caller: &Caller, check: BlobCheck) -> ServiceResult<BlobsNeeded> {
        if check.hashes.len() > MAX_CHECK {
            return Err(refused(
                ErrorCode::InvalidCount,
                format!(
                    "a check asks about at most {MAX_CHECK} files (got {})",
                    check.hashes.len()
                ),
            ));
        }
        let scopes = self.reader_scopes(caller).await?;
        let mut needed = Vec::new();
        for text in check.hashes {
            let hash = content_hash(&text)?.to_string();
            let held = self.store.blob_stored(&hash).await?
                && (self.store.has_grant(&hash, caller.account.id).await?
                    || self.store.readable(&hash, &scopes).await?);
            if held {
                self.store.grant(&hash, caller.account.id).await?;
            } else {
                needed.push(hash);
            }
        }
        Ok(BlobsNeeded { needed })
    }

    /// Starts sending an original, or resumes: one session per hash, listing the parts the
    /// studio has. A file of one part is checked and stored whole when it arrives; a larger
    /// one goes straight into the blob's multipart upload where the store has them (S3), so
    /// that its bytes are written once (migration 0008 of the store says the ways).
    pub async fn start_upload(
        &self,
        caller: &Caller,
        blobs: &Blobs,
        start: UploadStart,
    ) -> ServiceResult<UploadSession> {
        let hash = content_hash(&start.hash)?.to_string();
        if start.size == 0 {
            return Err(refused(
                ErrorCode::BadUpload,
                "an empty file has nothing to upload",
            ));
        }
        if start.size > MAX_FILE_BYTES {
            return Err(refused(
                ErrorCode::LimitReached,
                format!(
                    "files up to {} can be uploaded; this one is {}",
                    human_bytes(MAX_FILE_BYTES),
                    human_bytes(start.size)
                ),
            ));
        }
        // The plan's storage per project (R9.5), before any byte is sent: the original counts
        // against each shared project it is in (once), unless the studio holds it already.
        if let Some(limit) = self.store.limits().await?.storage_per_project
            && !self.store.blob_stored(&hash).await?
        {
            for (project, used) in self.store.projects_of_upload(&hash, caller.account.id).await? {
                if used.saturating_add(start.size) > limit {
                    let project = uuid::Uuid::from_slice(&project)
                        .map(|u| u.to_string())
                        .unwrap_or_default();
                    return Err(refused(
                        ErrorCode::LimitReached,
                        format!(
                            "project {project} holds {} of its {} on the studio; this original ({}) doesn't fit: free some space or ask an Owner or Admin to raise the limit",
                            human_bytes(used),
                            human_bytes(limit),
                            human_bytes(start.size)
                        ),
                    ));
                }
            }
        }
        let session = match self.store.upload_of(&hash).await? {
            Some(open) => open,
            None => self.open_upload(caller, blobs, &hash, start.size).await?,
        };
        if session.size != start.size {
            return Err(refused(
                ErrorCode::BadUpload,
                format!(
                    "this file is being uploaded with a size of {} bytes, not {}: a file's content hash fixes its size",
                    session.size, start.size
                ),
            ));
        }
        Ok(session_of(session))
    }

    /// Opens the session for `hash` (or finds the one another request opened meanwhile).
    async fn open_upload(
        &self,
        caller: &Caller,
        blobs: &Blobs,
        hash: &str,
        size: u64,
    ) -> ServiceResult<StoredUpload> {
        let mut id = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let content = content_hash(hash)?;
        let way = if parts_of(size, PART_SIZE) == 1 {
            UploadWay::Whole
        } else {
            match blobs.start_multipart(&content).await.map_err(from_blob)? {
                Some(upload) => UploadWay::Multipart(upload),
                None => UploadWay::Parts,
            }
        };
        let session = self
            .store
            .start_upload(&NewUpload {
                id: &id,
                hash,
                size,
                part_size: PART_SIZE,
                way: &way,
                by: caller.account.id,
                at: self.now(),
            })
            .await?;
        // Another request opened one first: the multipart upload made here isn't needed.
        if session.id != id
            && let UploadWay::Multipart(upload) = &way
            && let Err(e) = blobs.abort_multipart(&content, upload).await
        {
            tracing::warn!(%hash, error = %e, "can't abort an unneeded multipart upload; it stays invisible");
        }
        Ok(session)
    }

    async fn session(&self, id: &str) -> ServiceResult<StoredUpload> {
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refused(ErrorCode::NotFound, "no such upload: start it again"));
        }
        self.store.upload(id).await?.ok_or_else(|| {
            refused(
                ErrorCode::NotFound,
                "no such upload (finished, or never started): start it again",
            )
        })
    }

    /// Stores part `n` of an upload after checking its size and its own BLAKE3 (`part_hash`):
    /// a part damaged on the way is refused, to be sent again. Sending a part again replaces it.
    pub async fn put_part(
        &self,
        blobs: &Blobs,
        id: &str,
        n: u32,
        part_hash: &str,
        body: Bytes,
    ) -> ServiceResult<UploadSession> {
        let session = self.session(id).await?;
        let parts = parts_of(session.size, session.part_size);
        if n >= parts {
            return Err(refused(
                ErrorCode::BadUpload,
                format!(
                    "this upload has parts 0 to {} (got part {n})",
                    parts.saturating_sub(1)
                ),
            ));
        }
        let expected = if n + 1 == parts {
            session.size - session.part_size * u64::from(n)
        } else {
            session.part_size
        };
        if body.len() as u64 != expected {
            return Err(refused(
                ErrorCode::BadUpload,
                format!(
                    "part {n} must be {expected} bytes (got {}): send it again",
                    body.len()
                ),
            ));
        }
        let claimed = content_hash(part_hash)?;
        if session.way == UploadWay::Whole {
            return self.put_whole(blobs, &session, claimed, body).await;
        }
        // A part's hashes cost milliseconds of a core each: off the request threads.
        let offset = u64::from(n) * session.part_size;
        let multipart = matches!(session.way, UploadWay::Multipart(_));
        let (actual, subtree) = {
            let body = body.clone();
            tokio::task::spawn_blocking(move || {
                (
                    ContentHash::of(&body),
                    multipart.then(|| PartHash::of(offset, &body)),
                )
            })
            .await
            .map_err(|e| ServiceError::Internal(format!("hashing a part: {e}")))?
        };
        if actual != claimed {
            return Err(refused(
                ErrorCode::BadUpload,
                format!("part {n} arrived damaged (its BLAKE3 is {actual}, not {claimed}): send it again"),
            ));
        }
        let tag = match &session.way {
            // (A one-part upload was stored whole above.)
            UploadWay::Parts | UploadWay::Whole => {
                blobs.put_part(id, n, body).await.map_err(from_blob)?;
                None
            }
            UploadWay::Multipart(upload) => Some(
                blobs
                    .put_multipart_part(&content_hash(&session.hash)?, upload, n, body)
                    .await
                    .map_err(from_blob)?,
            ),
        };
        self.store
            .record_part(
                id,
                n,
                expected,
                &actual.to_string(),
                subtree.as_ref().map(|s| s.as_bytes().as_slice()),
                tag.as_deref(),
            )
            .await?;
        Ok(session_of(self.session(id).await?))
    }

    /// The one part of a one-part upload: stored as the blob itself — which checks that its
    /// bytes hash to the file's (one hash of them, not two). A part whose own hash is another
    /// file's drops the session; bytes damaged on the way are refused, to be sent again.
    async fn put_whole(
        &self,
        blobs: &Blobs,
        session: &StoredUpload,
        claimed: ContentHash,
        body: Bytes,
    ) -> ServiceResult<UploadSession> {
        let whole = content_hash(&session.hash)?;
        if claimed != whole {
            self.store.drop_upload(&session.id).await?;
            return Err(refused(
                ErrorCode::BadUpload,
                format!(
                    "the file's bytes hash to {claimed}, not {whole}: the upload was dropped; start it again"
                ),
            ));
        }
        let size = body.len() as u64;
        match blobs.put(&whole, body).await {
            Ok(()) => {}
            Err(BlobError::HashMismatch { actual, .. }) => {
                return Err(refused(
                    ErrorCode::BadUpload,
                    format!("part 0 arrived damaged (its BLAKE3 is {actual}, not {claimed}): send it again"),
                ));
            }
            Err(e) => return Err(from_blob(e)),
        }
        self.store
            .record_part(&session.id, 0, size, &claimed.to_string(), None, None)
            .await?;
        Ok(session_of(self.session(&session.id).await?))
    }

    /// Completes an upload: every part in, the whole verified against its content hash while it
    /// is stored (a mismatch stores nothing and drops the session), the caller then holds it.
    pub async fn complete_upload(
        &self,
        caller: &Caller,
        blobs: &Blobs,
        id: &str,
    ) -> ServiceResult<UploadDone> {
        let session = self.session(id).await?;
        let parts = parts_of(session.size, session.part_size);
        let missing: Vec<u32> = (0..parts).filter(|n| !session.received.contains(n)).collect();
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().take(10).map(u32::to_string).collect();
            return Err(refused(
                ErrorCode::UploadIncomplete,
                format!(
                    "{} of {parts} parts are missing ({}{}): send them, then complete again",
                    missing.len(),
                    list.join(", "),
                    if missing.len() > 10 { ", …" } else { "" }
                ),
            ));
        }
        let hash = content_hash(&session.hash)?;
        match &session.way {
            UploadWay::Parts => {}
            // Stored as the blob when it arrived, after its hash was checked.
            UploadWay::Whole => return self.finished(caller, &session, session.size).await,
            UploadWay::Multipart(upload) => {
                return self
                    .complete_multipart(caller, blobs, &session, &hash, upload)
                    .await;
            }
        }
        let reader = blobs.clone();
        let sid = session.id.clone();
        // Part after part, in order, each read as it is needed: memory stays at a part or two.
        let body: Bytestream = stream::iter(0..parts)
            .then(move |n| open_part(reader.clone(), sid.clone(), n))
            .map(opened)
            .flatten()
            .boxed();
        match blobs.put_stream(&hash, body).await {
            Ok(size) => {
                let done = self.finished(caller, &session, size).await?;
                for n in 0..parts {
                    if let Err(e) = blobs.delete_part(id, n).await {
                        tracing::warn!(upload = id, part = n, error = %e, "can't delete an uploaded part");
                    }
                }
                Ok(done)
            }
            Err(e @ BlobError::HashMismatch { .. }) => {
                self.store.drop_upload(id).await?;
                for n in 0..parts {
                    let _ = blobs.delete_part(id, n).await;
                }
                Err(refused(
                    ErrorCode::BadUpload,
                    format!(
                        "the parts don't make the file they claim to ({e}): the upload was dropped; start it again"
                    ),
                ))
            }
            Err(e) => Err(from_blob(e)),
        }
    }

    /// Completes an upload sent into a multipart upload: the parts' subtree hashes make the
    /// whole's (no byte is read back), then the store assembles the blob. A mismatch stores
    /// nothing and drops the session.
    async fn complete_multipart(
        &self,
        caller: &Caller,
        blobs: &Blobs,
        session: &StoredUpload,
        hash: &ContentHash,
        upload: &str,
    ) -> ServiceResult<UploadDone> {
        let parts = self.store.upload_parts(&session.id).await?;
        let subtrees: Option<Vec<PartHash>> = parts
            .iter()
            .map(|p| {
                let bytes: [u8; 32] = p.subtree.as_deref()?.try_into().ok()?;
                Some(PartHash::from_bytes(bytes))
            })
            .collect();
        let tags: Option<Vec<String>> = parts.iter().map(|p| p.tag.clone()).collect();
        let made = subtrees.and_then(|s| whole_from_parts(&s, session.part_size, session.size));
        let (Some(made), Some(tags)) = (made, tags) else {
            return Err(ServiceError::Internal(format!(
                "upload {} lacks what its parts left behind",
                session.id
            )));
        };
        if made != *hash {
            self.store.drop_upload(&session.id).await?;
            if let Err(e) = blobs.abort_multipart(hash, upload).await {
                tracing::warn!(%hash, error = %e, "can't abort a refused upload; its parts stay invisible until swept");
            }
            return Err(refused(
                ErrorCode::BadUpload,
                format!(
                    "the parts don't make the file they claim to (they hash to {made}, not {hash}): the upload was dropped; start it again"
                ),
            ));
        }
        if let Err(e) = blobs.complete_multipart(hash, upload, tags).await {
            // Completed already by an earlier try whose answer was lost: the blob is there.
            if blobs.head(hash).await.map_err(from_blob)? != Some(session.size) {
                return Err(from_blob(e));
            }
        }
        self.finished(caller, session, session.size).await
    }

    /// Records a stored upload: the blob, the sender's grant; the session goes.
    async fn finished(
        &self,
        caller: &Caller,
        session: &StoredUpload,
        size: u64,
    ) -> ServiceResult<UploadDone> {
        self.store
            .finish_upload(&session.id, &session.hash, size, caller.account.id, self.now())
            .await?;
        tracing::info!(by = %caller.account.id, hash = %session.hash, size, "original stored");
        Ok(UploadDone {
            hash: session.hash.clone(),
            size,
        })
    }

    /// An original, for a caller who may read it (else `not_found`, as for a file that isn't
    /// there: the answer says nothing about which files exist).
    pub async fn read_original(&self, caller: &Caller, blobs: &Blobs, hash: &str) -> ServiceResult<FileRead> {
        let hash = content_hash(hash)?;
        let text = hash.to_string();
        let scopes = self.reader_scopes(caller).await?;
        if !self.store.readable(&text, &scopes).await? || !self.store.blob_stored(&text).await? {
            return Err(refused(
                ErrorCode::NotFound,
                "no such file on the studio (or not yours to read)",
            ));
        }
        let read = blobs.get(&hash).await.map_err(from_blob)?;
        Ok(FileRead {
            size: read.size,
            mime: "application/octet-stream".into(),
            body: read.into_stream(),
        })
    }

    /// Sends a rendition of an original the caller holds (they sent it, or may read it).
    pub async fn put_rendition(
        &self,
        caller: &Caller,
        blobs: &Blobs,
        hash: &str,
        kind: &str,
        mime: &str,
        body: Bytes,
    ) -> ServiceResult<()> {
        let hash = content_hash(hash)?.to_string();
        if !RENDITION_KINDS.contains(&kind) {
            return Err(refused(
                ErrorCode::InvalidKind,
                format!(
                    "'{kind}' is not a rendition: expected {}",
                    RENDITION_KINDS.join(" or ")
                ),
            ));
        }
        if !RENDITION_TYPES.contains(&mime) {
            return Err(refused(
                ErrorCode::BadUpload,
                format!(
                    "a rendition is one of {} (got '{mime}')",
                    RENDITION_TYPES.join(", ")
                ),
            ));
        }
        if body.is_empty() || body.len() as u64 > MAX_RENDITION_BYTES {
            return Err(refused(
                ErrorCode::BadUpload,
                format!(
                    "a rendition is 1 byte to {} (got {})",
                    human_bytes(MAX_RENDITION_BYTES),
                    human_bytes(body.len() as u64)
                ),
            ));
        }
        let scopes = self.reader_scopes(caller).await?;
        if !self.store.has_grant(&hash, caller.account.id).await?
            && !self.store.readable(&hash, &scopes).await?
        {
            return Err(refused(
                ErrorCode::NotFound,
                "no such file on the studio (or not yours): send the original first",
            ));
        }
        let own = ContentHash::of(&body);
        blobs.put(&own, body).await.map_err(from_blob)?;
        self.store
            .set_rendition(&hash, kind, &own.to_string(), mime)
            .await?;
        // Readers learn of a new grid thumbnail by its assets' rows, at once (a poke).
        if kind == "thumb" && self.store.thumb_arrived(&hash).await? > 0 {
            self.poke().await;
        }
        Ok(())
    }

    /// A rendition, for a caller who may read its original.
    pub async fn read_rendition(
        &self,
        caller: &Caller,
        blobs: &Blobs,
        hash: &str,
        kind: &str,
    ) -> ServiceResult<FileRead> {
        let hash = content_hash(hash)?.to_string();
        let scopes = self.reader_scopes(caller).await?;
        let found = if self.store.readable(&hash, &scopes).await? {
            self.store.rendition(&hash, kind).await?
        } else {
            None
        };
        let Some((blob, mime)) = found else {
            return Err(refused(
                ErrorCode::NotFound,
                format!("no {kind} of that file on the studio"),
            ));
        };
        let read = blobs.get(&content_hash(&blob)?).await.map_err(from_blob)?;
        Ok(FileRead {
            size: read.size,
            mime,
            body: read.into_stream(),
        })
    }
}
