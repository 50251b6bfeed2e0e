//! Export a selection's originals as one zip (SPEC R5.3), streamed and stored without
//! recompression, with safe, unique names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use atelier_archive::Existing;
use atelier_archive::{Entry, write_zip};
use atelier_domain::limits::MAX_BULK_ASSETS;
use atelier_domain::{AssetId, AssetQuery, ErrorCode, InvalidInput};
use serde::Serialize;

use crate::job::CancelToken;
use crate::{Acting, Library, Result, now_ms};

/// Which assets an operation acts on: ids, or everything a search matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// These assets.
    Ids(Vec<AssetId>),
    /// Every asset the query matches (its page size and cursor are ignored).
    Query(Box<AssetQuery>),
    /// These assets alone, not the other members of their stacks: an undo puts each asset back
    /// as it was recorded. Never from the wire.
    Exact(Vec<AssetId>),
}

impl TryFrom<atelier_protocol::AssetSelection> for Selection {
    type Error = InvalidInput;

    /// A selection as the wire spells it; `{"all": false}` selects nothing, which is refused.
    fn try_from(s: atelier_protocol::AssetSelection) -> std::result::Result<Self, InvalidInput> {
        use atelier_protocol::AssetSelection as Wire;
        Ok(match s {
            Wire::Ids { ids } => Selection::Ids(ids),
            Wire::Query { query } => Selection::Query(query),
            Wire::All { all: true } => Selection::Query(Box::default()),
            Wire::All { all: false } => {
                return Err(InvalidInput::new(
                    ErrorCode::EmptySelection,
                    "nothing is selected",
                ));
            }
        })
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportReport {
    /// The zip.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    #[ts(type = "string")]
    pub zip: PathBuf,
    /// Assets asked for.
    pub requested: usize,
    /// Files in the zip, by name inside it.
    pub written: Vec<String>,
    /// Assets left out, with reasons.
    pub failed: Vec<ExportFailure>,
}

/// An asset that could not be exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportFailure {
    /// The asset.
    pub id: AssetId,
    /// Why.
    pub reason: String,
}

impl ExportReport {
    /// Gives the assets whose originals could not be fetched from the studio first (offline,
    /// signed out) that reason instead of the export's own "not found": the file isn't
    /// missing, it stays on the studio.
    pub fn explain_unfetched(&mut self, unfetched: &[(AssetId, String)]) {
        for f in &mut self.failed {
            if let Some((_, why)) = unfetched.iter().find(|(id, _)| *id == f.id) {
                f.reason = format!("its original is only on the studio and couldn't be fetched: {why}");
            }
        }
    }
}

impl Acting<'_> {
    /// The assets of `selection` whose originals are only on the studio (other members'
    /// not downloaded yet): what an export or a drag out fetches first.
    pub fn remote_among(&self, selection: &Selection) -> Result<Vec<AssetId>> {
        let mut out = Vec::new();
        for id in self.resolve(selection)? {
            if self.remote_original(id)?.is_some() {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Resolves a selection to asset ids (at most 10,000 at once, SPEC R16.1).
    pub fn resolve(&self, selection: &Selection) -> Result<Vec<AssetId>> {
        let ids = match selection {
            Selection::Ids(ids) | Selection::Exact(ids) => ids.clone(),
            Selection::Query(q) => {
                let scope = self.scope()?;
                self.catalog().select_ids(q, now_ms(), &scope)?
            }
        };
        if ids.is_empty() {
            return Err(InvalidInput::new(
                ErrorCode::EmptySelection,
                "nothing is selected: give asset ids or filters that match assets",
            )
            .into());
        }
        if ids.len() > MAX_BULK_ASSETS {
            return Err(InvalidInput::new(
                ErrorCode::SelectionTooLarge,
                format!("{} assets selected: at most {MAX_BULK_ASSETS} can be acted on at once; narrow the filters", ids.len()),
            )
            .into());
        }
        Ok(ids)
    }

    /// Writes the originals of `selection` into a new zip at `out`, a place outside the
    /// library folder. Something already at `out` is replaced only with [`Existing::Replace`],
    /// and only when it is a regular file.
    pub fn export_zip(
        &self,
        selection: &Selection,
        out: &Path,
        existing: Existing,
        cancel: &CancelToken,
    ) -> Result<ExportReport> {
        self.refuse_inside_library(out)?;
        self.write_export(selection, out, existing, cancel)
    }

    /// Writes the originals of `selection` into a new zip in the library's cache, for a
    /// browser to download by [`Library::download_path`]; returns its name and the report.
    pub fn export_for_download(
        &self,
        selection: &Selection,
        cancel: &CancelToken,
    ) -> Result<(String, ExportReport)> {
        let name = format!("atelier-export-{}.zip", uuid::Uuid::now_v7().simple());
        let out = self.layout().cache_tmp().join(&name);
        let report = self.write_export(selection, &out, Existing::Refuse, cancel)?;
        Ok((name, report))
    }

    /// An export never writes into the library folder: it could replace the catalog or a
    /// managed original.
    fn refuse_inside_library(&self, out: &Path) -> Result<()> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let parent = std::fs::canonicalize(&parent).map_err(|_| {
            InvalidInput::new(
                ErrorCode::InvalidDestination,
                format!(
                    "{} does not exist: export into an existing folder",
                    parent.display()
                ),
            )
        })?;
        let resolved = out.file_name().map(|n| parent.join(n)).ok_or_else(|| {
            InvalidInput::new(
                ErrorCode::InvalidDestination,
                format!("{} names no file: give the zip's file name", out.display()),
            )
        })?;
        let target = std::fs::canonicalize(&resolved).unwrap_or(resolved);
        if self.layout().contains(&target) || self.layout().contains(&parent) {
            return Err(InvalidInput::new(
                ErrorCode::DestinationInsideLibrary,
                format!(
                    "{} is inside the library folder {}: export to a place outside it",
                    out.display(),
                    self.layout().root().display()
                ),
            )
            .into());
        }
        Ok(())
    }

    fn write_export(
        &self,
        selection: &Selection,
        out: &Path,
        existing: Existing,
        cancel: &CancelToken,
    ) -> Result<ExportReport> {
        let ids = self.resolve(selection)?;
        let mut entries = Vec::with_capacity(ids.len());
        let mut failed = Vec::new();
        let mut owner_of: HashMap<PathBuf, AssetId> = HashMap::with_capacity(ids.len());
        for id in &ids {
            match self.show(*id) {
                Ok(d) => {
                    let path = d.path;
                    owner_of.entry(path.clone()).or_insert(*id);
                    entries.push(Entry {
                        name: d.detail.summary.name,
                        path,
                    });
                }
                Err(e) => failed.push(ExportFailure {
                    id: *id,
                    reason: e.to_string(),
                }),
            }
        }
        let report = write_zip(entries, out, existing, &|| cancel.is_cancelled())?;
        for f in report.failed {
            if let Some(id) = owner_of.get(&f.path) {
                failed.push(ExportFailure {
                    id: *id,
                    reason: f.reason,
                });
            }
        }
        Ok(ExportReport {
            zip: out.to_path_buf(),
            requested: ids.len(),
            written: report.written.into_iter().map(|w| w.name).collect(),
            failed,
        })
    }
}

impl Library {
    /// Where an export made by [`Acting::export_for_download`] is; `None` for any name it
    /// could not have made.
    pub fn download_path(&self, name: &str) -> Option<PathBuf> {
        let valid = name
            .strip_prefix("atelier-export-")
            .and_then(|n| n.strip_suffix(".zip"));
        valid
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|_| self.layout().cache_tmp().join(name))
    }
}
