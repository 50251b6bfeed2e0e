//! Reading the library: search pages, bucket counts, one asset's details with its file and
//! rendition paths resolved, and previews made on first request.

use std::io::Read;
use std::path::{Path, PathBuf};

use atelier_catalog::{AssetDetail, BucketCounts, Page};
use atelier_domain::{AssetId, AssetQuery};
use atelier_media::{Detected, PREVIEW_SIDE, detect, render_path};

use crate::layout::{RenditionKind, write_atomic};
use crate::{Library, LibraryError, Result, now_ms};

impl Library {
    /// One page of assets matching `q` (SPEC R3.3–R3.5).
    pub fn search(&self, q: &AssetQuery) -> Result<Page> {
        Ok(self.catalog().search(q, now_ms())?)
    }

    /// The rail's counts in a brand scope (SPEC R3.1).
    pub fn bucket_counts(&self, brand: Option<&str>) -> Result<BucketCounts> {
        Ok(self.catalog().bucket_counts(brand, now_ms())?)
    }

    /// Everything about one asset, with absolute paths for its original and thumbnail.
    pub fn show(&self, id: AssetId) -> Result<AssetDetail> {
        let mut d = self.catalog().detail(id)?;
        if d.managed {
            d.path = self.layout.root().join(&d.path).to_string_lossy().into_owned();
        }
        d.thumbnail = d
            .summary
            .thumb_ext
            .as_deref()
            .map(|ext| self.layout.rendition(&d.hash, RenditionKind::Thumb, ext))
            .filter(|p| p.exists())
            .map(|p| p.to_string_lossy().into_owned());
        Ok(d)
    }

    /// The absolute path of an asset's original.
    pub fn original_path(&self, id: AssetId) -> Result<PathBuf> {
        Ok(PathBuf::from(self.show(id)?.path))
    }

    /// The lightbox preview (about 2048 px), made now if it does not exist yet.
    pub fn preview(&self, id: AssetId) -> Result<PathBuf> {
        let d = self.show(id)?;
        for ext in ["jpg", "png"] {
            let p = self.layout.rendition(&d.hash, RenditionKind::Preview, ext);
            if p.exists() {
                return Ok(p);
            }
        }
        let mut head = Vec::with_capacity(64 * 1024);
        std::fs::File::open(&d.path)
            .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
            .map_err(|e| LibraryError::io(&d.path, e))?;
        let ext = Path::new(&d.path).extension().and_then(|e| e.to_str());
        let Detected::Known(format) = detect(&head, ext) else {
            return Err(atelier_domain::InvalidInput::new(
                "unreadable",
                "the original is no longer a readable image",
            )
            .into());
        };
        let r = render_path(Path::new(&d.path), format, d.orientation, PREVIEW_SIDE)
            .map_err(|e| atelier_domain::InvalidInput::new("unreadable", e.to_string()))?;
        let dest = self
            .layout
            .rendition(&d.hash, RenditionKind::Preview, r.format.ext());
        write_atomic(&self.layout.cache_tmp(), &dest, &r.data)?;
        Ok(dest)
    }
}

impl Library {
    /// Checks the catalog's postings against its tables; the keys that disagree (empty when
    /// the catalog is consistent).
    pub fn verify(&self) -> Result<Vec<i64>> {
        Ok(self.catalog().verify_postings()?)
    }

    /// The review audit log of an asset, oldest first.
    pub fn review_log(&self, id: AssetId) -> Result<Vec<atelier_catalog::ReviewEvent>> {
        let seq = self.one(id)?.seq;
        Ok(self.catalog().review_log(seq)?)
    }
}

impl Library {
    /// The change journal after `since` (0 for all), oldest first, at most `limit` entries:
    /// what changed, who, when, before and after.
    pub fn changes_since(&self, since: i64, limit: usize) -> Result<Vec<atelier_catalog::Change>> {
        Ok(self.catalog().changes_since(since, limit)?)
    }
}
