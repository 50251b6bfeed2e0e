//! The studio's blob store (STUDIO.md §1 and §5): the bytes of the files a studio holds,
//! content-addressed by the BLAKE3-256 of their bytes, in one of two places behind one type,
//! [`Blobs`], over object_store — the embedded folder `DATA/blobs/` (object_store's
//! `LocalFileSystem`, fsynced) by default, or an S3 bucket and prefix with
//! `--blob-url s3://BUCKET[/PREFIX]` (`s3.rs`; SeaweedFS in the tests, any S3-compatible store in
//! production). Keys are `ab/cd/abcd…` under the blob root (`DATA/blobs/`, `PREFIX/blobs/`).
//!
//! Every write is verified and atomic: a blob is visible under its hash only once all its bytes
//! are stored and their BLAKE3-256 is that hash, so a reader never sees half a blob or a wrong
//! one. Large blobs go up in parts, streamed ([`Blobs::put_stream`]): never gathered whole in
//! memory or on local disk first. [`Blobs::check`] writes, reads back and deletes a probe at
//! start-up so that a store that can't be used stops `init` and `serve` with a clear message.
//!
//! Must not know HTTP, SQL, the rules, or who may read a blob (knowing a hash never grants a
//! file: the services decide who may fetch what); nor which assets use a blob.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt as _, TryStreamExt as _};
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::multipart::{MultipartStore, PartId};
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetResult, ObjectStore, ObjectStoreExt as _, PutPayload, WriteMultipart};

mod error;
mod hash;
mod location;
mod s3;
#[doc(hidden)]
pub mod testing;

pub use error::BlobError;
pub use hash::{ContentHash, PartHash, whole_from_parts};
pub use location::{ALLOWED as ALLOWED_URLS, BlobLocation, EMBEDDED_FOLDER};
pub use s3::S3Access;

use hash::Hasher;

/// Where [`Blobs::link_key`] keeps the key, beside the blobs (whose keys are `ab/cd/<hex>`).
const LINK_KEY: &str = "keys/campaign-links";

/// The size of each part of a multipart upload (S3 wants at least 5 MiB but the last; 8 MiB
/// keeps a 5 GiB file well under S3's 10,000 parts).
const PART_SIZE: usize = 8 * 1024 * 1024;

/// Parts of one upload buffered or in flight at once: bounds an upload's memory (about
/// `PART_SIZE × (PARTS_IN_FLIGHT + 1)`) however fast its sender is, while keeping a few
/// requests to the store overlapping.
const PARTS_IN_FLIGHT: usize = 4;

/// How long the start-up check may take: a store that doesn't answer (a wrong endpoint, a
/// firewall) stops start-up with a message rather than leaving it hanging on retries.
const CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// The blob store: cheap to clone (one shared client), safe to use from any task.
#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    /// The same S3 bucket through its multipart API, and the blob root in it: an upload sent
    /// in parts goes straight into the blob's own multipart upload (see
    /// [`Blobs::start_multipart`]). `None` for the folder (and in memory).
    multipart: Option<(Arc<dyn MultipartStore>, Path)>,
    /// Where, for messages: a folder or an `s3://` URL (never credentials).
    at: Arc<str>,
    /// What to look at when the start-up check fails.
    hint: &'static str,
}

impl fmt::Debug for Blobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blobs({})", self.at)
    }
}

/// A blob (or part of one) being read: its size, the bytes this read returns, and their stream.
pub struct BlobRead {
    /// The whole blob's size in bytes.
    pub size: u64,
    /// Which bytes the stream yields (`0..size` for a whole blob).
    pub range: Range<u64>,
    stream: BoxStream<'static, Result<Bytes, BlobError>>,
}

impl fmt::Debug for BlobRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobRead")
            .field("size", &self.size)
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}

impl BlobRead {
    /// The bytes as a stream, for a response body: nothing is gathered in memory.
    pub fn into_stream(self) -> BoxStream<'static, Result<Bytes, BlobError>> {
        self.stream
    }

    /// All the bytes, gathered (for small blobs and tests).
    pub async fn bytes(self) -> Result<Bytes, BlobError> {
        let expected = self.range.end - self.range.start;
        object_store::collect_bytes(self.stream, Some(expected)).await
    }
}

/// The S3 error codes a misconfigured store answers most, said plainly: object_store reports
/// them only inside the response body it quotes, so they are found by their name there.
fn plainly(detail: &str) -> Option<&'static str> {
    [
        ("NoSuchBucket", "the bucket does not exist"),
        ("InvalidAccessKeyId", "the store doesn't know the access key"),
        ("SignatureDoesNotMatch", "the store refused the secret key"),
        ("AccessDenied", "the keys may not do this in the bucket"),
    ]
    .into_iter()
    .find(|(code, _)| detail.contains(&format!("<Code>{code}</Code>")))
    .map(|(_, said)| said)
}

impl Blobs {
    /// The store at `location`; an S3 bucket is reached with the environment's settings
    /// (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). Makes
    /// the embedded folder if it is missing; nothing is sent to a bucket until it is used
    /// (see [`Blobs::check`]).
    pub fn open(location: &BlobLocation) -> Result<Blobs, BlobError> {
        Blobs::open_with(location, &S3Access::default())
    }

    /// [`Blobs::open`], with S3 settings that override the environment's.
    pub fn open_with(location: &BlobLocation, access: &S3Access) -> Result<Blobs, BlobError> {
        let at = location.to_string();
        let config = |reason: String| BlobError::Config {
            at: at.clone(),
            reason,
        };
        let mut multipart: Option<(Arc<dyn MultipartStore>, Path)> = None;
        let (store, hint): (Arc<dyn ObjectStore>, _) = match location {
            BlobLocation::Dir(dir) => {
                // LocalFileSystem wants its root to exist; made here so that the embedded
                // default needs no set-up.
                std::fs::create_dir_all(dir).map_err(|e| config(format!("can't create the folder: {e}")))?;
                let local = LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| config(e.to_string()))?
                    // The catalog will record a blob as stored once this returns: it must
                    // survive a power cut, as S3's writes do.
                    .with_fsync(true);
                (
                    Arc::new(local),
                    "Check that the folder is on a disk with room, writable by the user running atelier-studio.",
                )
            }
            BlobLocation::S3 { bucket, prefix } => {
                let s3 = s3::open(bucket, access, &at)?;
                let root = if prefix.is_empty() {
                    Path::from(EMBEDDED_FOLDER)
                } else {
                    Path::from(format!("{prefix}/{EMBEDDED_FOLDER}"))
                };
                multipart = Some((s3.clone(), root.clone()));
                (
                    Arc::new(PrefixStore::new(s3, root)),
                    "Check that the bucket exists, that AWS_ENDPOINT_URL (and AWS_REGION) point at \
                     the store that holds it, and that the keys in AWS_ACCESS_KEY_ID and \
                     AWS_SECRET_ACCESS_KEY may write, read and delete objects in it.",
                )
            }
        };
        Ok(Blobs {
            store,
            multipart,
            at: at.into(),
            hint,
        })
    }

    /// A store in this process's memory, gone when the last clone is dropped: for routers
    /// built in tests that don't keep blobs.
    pub fn in_memory() -> Blobs {
        Blobs {
            store: Arc::new(InMemory::new()),
            multipart: None,
            at: "memory".into(),
            hint: "",
        }
    }

    /// Where the blobs are: a folder, or an `s3://` URL (no credentials), for messages.
    pub fn location(&self) -> &str {
        &self.at
    }

    /// Lists the blob root, then writes a probe object, reads it back and deletes it, so that a
    /// store that can't be used (no such bucket, wrong keys or endpoint, a read-only folder) is
    /// found at start-up, with what failed and what to check, rather than at the first upload.
    pub async fn check(&self) -> Result<(), BlobError> {
        match tokio::time::timeout(CHECK_TIMEOUT, self.probe()).await {
            Ok(checked) => checked,
            Err(_) => Err(self.check_failed(
                "waiting for the store",
                format!("no answer within {} s", CHECK_TIMEOUT.as_secs()),
            )),
        }
    }

    async fn probe(&self) -> Result<(), BlobError> {
        // Listing first, because writing is not enough to find a missing bucket: SeaweedFS
        // creates one on the first write when the keys may administer it, so a mistyped bucket
        // name would pass and the blobs would land in a new, unintended bucket. A list never
        // creates anything; it is one request (the root holds at most 256 `ab/` folders).
        self.store
            .list_with_delimiter(None)
            .await
            .map_err(|e| self.check_failed("listing the blob folder", e))?;
        // Beside the `ab/` folders, never mistaken for a blob (not 64 hex digits, no folders).
        let key = Path::from(format!("check-{}", uuid::Uuid::now_v7().simple()));
        let bytes = Bytes::from(format!("atelier-studio start-up check {key}\n"));
        self.store
            .put(&key, PutPayload::from(bytes.clone()))
            .await
            .map_err(|e| self.check_failed("writing a probe object", e))?;
        let read = async { self.store.get(&key).await?.bytes().await }.await;
        // Deleted whatever the read said, so that a failed check leaves nothing behind.
        let deleted = self.store.delete(&key).await;
        let read = read.map_err(|e| self.check_failed("reading the probe object back", e))?;
        if read != bytes {
            return Err(self.check_failed(
                "reading the probe object back",
                "it came back different from what was written",
            ));
        }
        deleted.map_err(|e| self.check_failed("deleting the probe object", e))?;
        Ok(())
    }

    fn check_failed(&self, step: &'static str, detail: impl fmt::Display) -> BlobError {
        let detail = detail.to_string();
        BlobError::Check {
            at: self.at.to_string(),
            step,
            detail: match plainly(&detail) {
                Some(said) => format!("{said} — {detail}"),
                None => detail,
            },
            hint: self.hint,
        }
    }

    /// Stores `bytes` as the blob `hash` in one atomic write, after checking that they hash to
    /// it (else nothing is stored). Storing a blob that is already there is harmless: same
    /// hash, same bytes. For blobs that fit in memory (renditions); large files go through
    /// [`Blobs::put_stream`].
    pub async fn put(&self, hash: &ContentHash, bytes: Bytes) -> Result<(), BlobError> {
        let actual = ContentHash::of(&bytes);
        if actual != *hash {
            return Err(BlobError::HashMismatch {
                expected: *hash,
                actual,
            });
        }
        // object_store's put is atomic on both stores: S3's PutObject, and the local store's
        // write to a staging name beside the key, renamed over it once complete.
        self.store
            .put(&hash.key(), PutPayload::from(bytes))
            .await
            .map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// Streams `body` into the blob `hash` and returns its size; the blob becomes visible only
    /// if the BLAKE3-256 of all the bytes is `hash`. A body that breaks off, or whose bytes hash
    /// to something else, leaves nothing visible. Memory stays bounded (a few parts) whatever
    /// the size: nothing is gathered whole, in memory or on disk.
    ///
    /// Why this is safe — verify, then commit: a body of more than one part goes up as a
    /// multipart upload straight to the final key, and is hashed on its way in, in order,
    /// over the very bytes handed to the store. An upload is invisible until it is completed —
    /// S3 never lists or serves an incomplete multipart upload, and the local store writes to
    /// a staging file (`KEY#N`) that it renames over the key only on completion — and it is
    /// completed only after the hash matched; otherwise it is aborted (S3 drops the parts,
    /// the local store deletes its staging file). No staging key and no server-side copy are
    /// needed, so nothing ever holds a second copy and S3's 5 GB copy limit never applies. A
    /// completion over a blob already stored replaces it with the same bytes (same hash), so a
    /// reader sees one or the other, both whole. If this future is dropped half-way (the
    /// client went away), the local staging file is removed, and S3 keeps the parts,
    /// invisible, until the bucket's lifecycle rule for incomplete multipart uploads (or the
    /// next issue's sweep of stale sessions) removes them.
    pub async fn put_stream<S, E>(&self, hash: &ContentHash, body: S) -> Result<u64, BlobError>
    where
        S: Stream<Item = Result<Bytes, E>> + Send,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let mut body = std::pin::pin!(body);
        let mut hasher = Hasher::default();
        let mut size = 0u64;
        let broke = |e: E| BlobError::Source(e.into());

        // Up to one part is gathered first: a blob that fits in it is stored with one atomic
        // put (one request; no multipart upload for every small rendition), and a larger one
        // starts its multipart upload with a full first part.
        let mut first = Vec::new();
        let mut gathered = 0usize;
        let mut ended = false;
        while gathered < PART_SIZE {
            match body.next().await {
                None => {
                    ended = true;
                    break;
                }
                Some(chunk) => {
                    let chunk = chunk.map_err(broke)?;
                    hasher.update(&chunk);
                    gathered += chunk.len();
                    first.push(chunk);
                }
            }
        }
        size += gathered as u64;
        if ended {
            let actual = hasher.finish();
            if actual != *hash {
                return Err(BlobError::HashMismatch {
                    expected: *hash,
                    actual,
                });
            }
            self.store
                .put(&hash.key(), first.into_iter().collect::<PutPayload>())
                .await
                .map_err(|e| self.failed(e))?;
            return Ok(size);
        }

        let upload = self
            .store
            .put_multipart(&hash.key())
            .await
            .map_err(|e| self.failed(e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        for chunk in first {
            writer.put(chunk);
        }
        let streamed: Result<(), BlobError> = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(broke)?;
                // Hashed chunk by chunk as it arrives: the cost is spread over the upload
                // instead of blocking a thread for the whole file at the end.
                hasher.update(&chunk);
                size += chunk.len() as u64;
                // Back pressure: wait for a part to finish before buffering more.
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(|e| self.failed(e))?;
                writer.put(chunk);
            }
            Ok(())
        }
        .await;
        if let Err(e) = streamed {
            self.abort(writer, hash).await;
            return Err(e);
        }
        let actual = hasher.finish();
        if actual != *hash {
            self.abort(writer, hash).await;
            return Err(BlobError::HashMismatch {
                expected: *hash,
                actual,
            });
        }
        // The commit: only now does the blob appear under its key.
        writer.finish().await.map_err(|e| self.failed(e))?;
        Ok(size)
    }

    /// Drops an upload that must not complete; its parts are deleted. If that fails the
    /// upload still stays invisible, so the refusal stands and the failure is only logged.
    async fn abort(&self, writer: WriteMultipart, hash: &ContentHash) {
        if let Err(e) = writer.abort().await {
            tracing::warn!(at = %self.at, %hash, error = %e, "can't abort a refused upload; its parts stay invisible until swept");
        }
    }

    /// The whole blob, as a stream.
    pub async fn get(&self, hash: &ContentHash) -> Result<BlobRead, BlobError> {
        let got = self
            .store
            .get(&hash.key())
            .await
            .map_err(|e| self.failed_on(hash, e))?;
        Ok(self.read(got))
    }

    /// Bytes `range` of the blob, as a stream (a range reaching past the end stops at the
    /// end, as in HTTP); [`BlobError::BadRange`] when it is empty or starts at or past the end.
    pub async fn get_range(&self, hash: &ContentHash, range: Range<u64>) -> Result<BlobRead, BlobError> {
        let bad = |size| BlobError::BadRange {
            hash: *hash,
            start: range.start,
            end: range.end,
            size,
        };
        if range.start >= range.end {
            return match self.head(hash).await? {
                Some(size) => Err(bad(size)),
                None => Err(BlobError::NotFound(*hash)),
            };
        }
        let options = GetOptions::new().with_range(Some(range.clone()));
        match self.store.get_opts(&hash.key(), options).await {
            Ok(got) => Ok(self.read(got)),
            Err(e @ object_store::Error::NotFound { .. }) => Err(self.failed_on(hash, e)),
            Err(e) => {
                // A range past the end is refused by each store in its own words (S3 answers
                // 416, the local store an error of its own): told apart from a failure by the
                // blob's size.
                match self.head(hash).await? {
                    None => Err(BlobError::NotFound(*hash)),
                    Some(size) if range.start >= size => Err(bad(size)),
                    Some(_) => Err(self.failed(e)),
                }
            }
        }
    }

    /// Where part `n` of upload session `session` waits until the upload completes: beside the
    /// `ab/` folders, never mistaken for a blob. `session` is the studio's own id (hex).
    fn part_key(session: &str, n: u32) -> Path {
        Path::from(format!("uploads/{session}/{n}"))
    }

    /// Stores one part of an upload in progress (atomic; sending it again replaces it).
    pub async fn put_part(&self, session: &str, n: u32, bytes: Bytes) -> Result<(), BlobError> {
        self.store
            .put(&Self::part_key(session, n), PutPayload::from(bytes))
            .await
            .map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// One part of an upload in progress, as a stream.
    pub async fn part(&self, session: &str, n: u32) -> Result<BlobRead, BlobError> {
        let got = self
            .store
            .get(&Self::part_key(session, n))
            .await
            .map_err(|e| self.failed(e))?;
        Ok(self.read(got))
    }

    /// Deletes a part (gone already: not an error).
    pub async fn delete_part(&self, session: &str, n: u32) -> Result<(), BlobError> {
        match self.store.delete(&Self::part_key(session, n)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Starts the S3 multipart upload that an upload session sent in parts goes into, straight
    /// at the blob's key: each part is stored once, where it stays ([`Blobs::put_multipart_part`]),
    /// and the blob appears only when [`Blobs::complete_multipart`] is called — which the caller
    /// does only after the parts' [`PartHash`]es made the content hash. `None` when the store
    /// has no multipart API (the folder: its parts wait as objects of their own, and
    /// [`Blobs::put_stream`] makes the blob of them).
    pub async fn start_multipart(&self, hash: &ContentHash) -> Result<Option<String>, BlobError> {
        let Some((store, root)) = &self.multipart else {
            return Ok(None);
        };
        let id = store
            .create_multipart(&Self::rooted(root, hash))
            .await
            .map_err(|e| self.failed(e))?;
        Ok(Some(id))
    }

    /// Stores part `n` of the multipart upload `upload` of blob `hash` (sending it again
    /// replaces it); returns what completing needs of it (S3's ETag).
    pub async fn put_multipart_part(
        &self,
        hash: &ContentHash,
        upload: &str,
        n: u32,
        bytes: Bytes,
    ) -> Result<String, BlobError> {
        let (store, root) = self.multipart_store()?;
        let part = store
            .put_part(
                &Self::rooted(root, hash),
                &upload.to_string(),
                n as usize,
                PutPayload::from(bytes),
            )
            .await
            .map_err(|e| self.failed(e))?;
        Ok(part.content_id)
    }

    /// Completes the multipart upload `upload`: the blob `hash` appears, whole, made of the
    /// parts as `tags` (from [`Blobs::put_multipart_part`], in order) name them. The caller
    /// has checked the bytes (their [`PartHash`]es) first.
    pub async fn complete_multipart(
        &self,
        hash: &ContentHash,
        upload: &str,
        tags: Vec<String>,
    ) -> Result<(), BlobError> {
        let (store, root) = self.multipart_store()?;
        let parts = tags.into_iter().map(|content_id| PartId { content_id }).collect();
        store
            .complete_multipart(&Self::rooted(root, hash), &upload.to_string(), parts)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// Drops a multipart upload and its parts (gone already: not an error). The blob never
    /// appears.
    pub async fn abort_multipart(&self, hash: &ContentHash, upload: &str) -> Result<(), BlobError> {
        let (store, root) = self.multipart_store()?;
        match store
            .abort_multipart(&Self::rooted(root, hash), &upload.to_string())
            .await
        {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failed(e)),
        }
    }

    fn multipart_store(&self) -> Result<(&Arc<dyn MultipartStore>, &Path), BlobError> {
        self.multipart
            .as_ref()
            .map(|(s, r)| (s, r))
            .ok_or_else(|| BlobError::Config {
                at: self.at.to_string(),
                reason: "this store has no multipart uploads".into(),
            })
    }

    /// A blob's key in the bucket, under the blob root (what the `PrefixStore` adds).
    fn rooted(root: &Path, hash: &ContentHash) -> Path {
        root.parts().chain(hash.key().parts()).collect()
    }

    /// The blob's size, or `None` when it isn't stored.
    pub async fn head(&self, hash: &ContentHash) -> Result<Option<u64>, BlobError> {
        match self.store.head(&hash.key()).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// Deletes the blob; deleting one that isn't there is not an error (S3 says the same, and
    /// a retried delete must not fail).
    pub async fn delete(&self, hash: &ContentHash) -> Result<(), BlobError> {
        match self.store.delete(&hash.key()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.failed(e)),
        }
    }

    fn read(&self, got: GetResult) -> BlobRead {
        let at = self.at.clone();
        let size = got.meta.size;
        let range = got.range.clone();
        let stream = got
            .into_stream()
            .map_err(move |source| BlobError::Store {
                at: at.to_string(),
                source,
            })
            .boxed();
        BlobRead { size, range, stream }
    }

    /// The studio's key for public campaign links (docs/decisions/0017): 32 random bytes kept
    /// in the blob store, never in the database — made by whichever process asks first (a
    /// create-if-absent write, so processes sharing the store agree on one key).
    pub async fn link_key(&self) -> Result<[u8; 32], BlobError> {
        let at = Path::from(LINK_KEY);
        for _ in 0..2 {
            match self.store.get(&at).await {
                Ok(got) => {
                    let bytes = got.bytes().await.map_err(|e| self.failed(e))?;
                    return <[u8; 32]>::try_from(bytes.as_ref()).map_err(|_| BlobError::Config {
                        at: self.at.to_string(),
                        reason: format!("{LINK_KEY} holds {} bytes, not the 32 of a link key", bytes.len()),
                    });
                }
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(self.failed(e)),
            }
            let mut key = [0u8; 32];
            rand::TryRngCore::try_fill_bytes(&mut rand::rngs::OsRng, &mut key).map_err(|e| {
                BlobError::Config {
                    at: self.at.to_string(),
                    reason: format!("the OS random number generator failed: {e}"),
                }
            })?;
            let opts = object_store::PutOptions::from(object_store::PutMode::Create);
            match self
                .store
                .put_opts(&at, PutPayload::from(key.to_vec()), opts)
                .await
            {
                Ok(_) => return Ok(key),
                // Another process made it first: read theirs.
                Err(object_store::Error::AlreadyExists { .. }) => {}
                Err(e) => return Err(self.failed(e)),
            }
        }
        Err(BlobError::Config {
            at: self.at.to_string(),
            reason: format!("{LINK_KEY} could be neither read nor made"),
        })
    }

    fn failed(&self, source: object_store::Error) -> BlobError {
        BlobError::Store {
            at: self.at.to_string(),
            source,
        }
    }

    fn failed_on(&self, hash: &ContentHash, source: object_store::Error) -> BlobError {
        match source {
            object_store::Error::NotFound { .. } => BlobError::NotFound(*hash),
            source => self.failed(source),
        }
    }
}
