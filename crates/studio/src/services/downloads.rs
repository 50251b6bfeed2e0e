//! Public downloads (SPEC R8.5, docs/decisions/0018): an admitted asset's original with its
//! location and private metadata removed without re-encoding (atelier-scrub), and **Download
//! all** as a zip streamed while it is built. Every file is admitted through the link when it
//! is read — an asset archived while a zip is being built is left out of it, a link revoked
//! stops the zip.
//!
//! Bounded per process: at most [`CLEANING`] originals held and cleaned at once, at most
//! [`ZIPS`] zips built at once (more are told to come back), so a burst of downloads can't
//! take the studio's memory.
//!
//! Must not know HTTP or SQL.

use std::io::Write as _;
use std::sync::{Arc, Mutex};

use atelier_archive::UniqueNames;
use atelier_domain::AssetId;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use tokio::sync::Semaphore;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::files::{content_hash, from_blob};
use super::links::stem;
use super::public::{PublicAsset, PublicView};
use super::{ServiceResult, Studio, blocking};
use crate::blobs::Blobs;

/// Originals this process holds and cleans at once for public downloads.
pub const CLEANING: usize = 4;
/// Download-all zips this process builds at once.
pub const ZIPS: usize = 2;
/// Bytes of a zip gathered before they go out.
const CHUNK: usize = 256 * 1024;

/// The per-process bounds on public downloads.
#[derive(Debug, Clone)]
pub struct DownloadSlots {
    cleaning: Arc<Semaphore>,
    zips: Arc<Semaphore>,
}

impl Default for DownloadSlots {
    fn default() -> Self {
        DownloadSlots {
            cleaning: Arc::new(Semaphore::new(CLEANING)),
            zips: Arc::new(Semaphore::new(ZIPS)),
        }
    }
}

/// A cleaned original, ready to send.
#[derive(Debug)]
pub struct Download {
    /// The file's name, as its asset has it.
    pub name: String,
    /// The bytes.
    pub bytes: Bytes,
}

/// What Download all answers.
pub enum ZipAnswer {
    /// The zip, streamed as it is built.
    Ready {
        /// The zip's file name (`<campaign stem>.zip`).
        name: String,
        /// Its bytes.
        body: BoxStream<'static, Result<Bytes, std::io::Error>>,
    },
    /// Too many zips are being built: come back in a while.
    Busy,
}

/// Whether a public page offers an asset of this type for download.
pub fn downloadable(mime: &str) -> bool {
    atelier_scrub::supports(mime)
}

impl Studio {
    /// An admitted asset's original, cleaned — `None` when the link doesn't admit it now, its
    /// type can't be cleaned, or the studio hasn't received its original.
    pub async fn public_download(
        &self,
        blobs: &Blobs,
        view: &PublicView,
        id: AssetId,
    ) -> ServiceResult<Option<Download>> {
        let Some(asset) = view.asset(id) else {
            return Ok(None);
        };
        self.cleaned(blobs, asset).await
    }

    async fn cleaned(&self, blobs: &Blobs, asset: &PublicAsset) -> ServiceResult<Option<Download>> {
        if !downloadable(&asset.mime) || !self.store.blob_stored(&asset.hash).await? {
            return Ok(None);
        }
        let _slot = self
            .downloads
            .cleaning
            .acquire()
            .await
            .map_err(|e| super::ServiceError::Internal(format!("the download slots closed: {e}")))?;
        let original = blobs
            .get(&content_hash(&asset.hash)?)
            .await
            .map_err(from_blob)?
            .bytes()
            .await
            .map_err(from_blob)?;
        match blocking(move || atelier_scrub::scrub(original.into())).await? {
            Ok(clean) => Ok(Some(Download {
                name: asset.name.clone(),
                bytes: clean.bytes.into(),
            })),
            Err(e) => {
                // Given away unclean, never: the page's Download answers 404 for this one.
                tracing::warn!(asset = %asset.id, error = %e, "a public download couldn't be cleaned");
                Ok(None)
            }
        }
    }

    /// Download all: the assets `slug`'s link admits, each cleaned, as a zip streamed while it
    /// is built (stored, not compressed: pictures are compressed already). `None` when the
    /// link isn't live.
    pub async fn public_zip(&self, blobs: &Blobs, slug: &str) -> ServiceResult<Option<ZipAnswer>> {
        let Some(view) = self.open_public(slug).await? else {
            return Ok(None);
        };
        let Ok(slot) = self.downloads.zips.clone().try_acquire_owned() else {
            return Ok(Some(ZipAnswer::Busy));
        };
        let listed = view.assets.clone();
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
        let studio = self.clone();
        let blobs = blobs.clone();
        let slug = slug.to_string();
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(e) = studio.build_zip(&blobs, &slug, listed, &tx).await {
                // The client sees a cut-off zip, never a complete-looking wrong one.
                let _ = tx.send(Err(std::io::Error::other(e))).await;
            }
        });
        Ok(Some(ZipAnswer::Ready {
            name: format!("{}.zip", stem(&view.link.campaign.name)),
            body: Box::pin(tokio_stream_of(rx)),
        }))
    }

    async fn build_zip(
        &self,
        blobs: &Blobs,
        slug: &str,
        listed: Vec<PublicAsset>,
        tx: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    ) -> Result<(), String> {
        let sink = Sink::default();
        let mut zip = ZipWriter::new_stream(sink.clone());
        let mut names = UniqueNames::default();
        let send = |sink: &Sink| {
            let bytes = sink.take();
            let tx = tx.clone();
            async move {
                if bytes.is_empty() {
                    return Ok(());
                }
                tx.send(Ok(bytes))
                    .await
                    .map_err(|_| "the client went away".to_string())
            }
        };
        for listed in listed {
            // Admitted again now: the link still live, the asset still on it and Approved.
            let view = match self.open_public(slug).await {
                Ok(Some(view)) => view,
                Ok(None) => return Err("the link was withdrawn while the zip was built".into()),
                Err(e) => return Err(e.to_string()),
            };
            let Some(file) = self
                .public_download(blobs, &view, listed.id)
                .await
                .map_err(|e| e.to_string())?
            else {
                continue;
            };
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Stored)
                .large_file(file.bytes.len() as u64 >= u64::from(u32::MAX));
            zip.start_file(names.claim(&file.name), options)
                .map_err(|e| e.to_string())?;
            for piece in file.bytes.chunks(CHUNK) {
                zip.write_all(piece).map_err(|e| e.to_string())?;
                send(&sink).await?;
            }
        }
        zip.finish().map_err(|e| e.to_string())?;
        send(&sink).await
    }
}

/// Where the zip writer writes: bytes gathered until they are sent.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Sink {
    fn take(&self) -> Bytes {
        let mut buf = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Bytes::from(std::mem::take(&mut *buf))
    }
}

impl std::io::Write for Sink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The receiving end of a channel as a stream.
fn tokio_stream_of<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
