//! Atelier's benchmarks and fixtures, kept out of the product: a synthetic library of a
//! million assets (`synth`), the fixed query set and bulk edits timed on it (`search`,
//! `organise`), living folders (`watched`, `watch`), grid thumbnails (`thumbs`) and
//! similarity (`similar`, `similar-speed`). The `atelier-bench` binary prints what these
//! return; scripts/bench.sh and docs/benchmarks.md read it.
//!
//! Acts on a library only through atelier-library's public use cases, as a person would. The
//! one exception is loading many assets at once: that goes through a second connection to the
//! same catalog and `atelier_catalog::Catalog::bulk_insert`, which writes each asset exactly as
//! an import does. Nothing in the product depends on this crate; it knows no terminal.

mod error;
mod folders;
mod search;
mod similar;
mod synth;
mod thumbs;

use atelier_catalog::{BrandRow, Catalog, ProjectRow, UserRow};
use atelier_domain::ErrorCode;
use atelier_domain::ids::{BrandId, ProjectId};
use atelier_library::{Acting, Library};

pub use error::{BenchError, Result};
pub use folders::{WatchReport, WatchedTreeReport};
pub use search::QueryTiming;
pub use similar::{SimilarBench, SimilarSpeed, VariantRecall, similar_set};
pub use synth::{SynthOptions, SynthReport};
pub use thumbs::{ThumbTiming, thumbnails};

/// Benchmarks on one open library, acting as one of its users (its owner unless told
/// otherwise): every use case they run is that user's.
pub struct Bench<'a> {
    acting: Acting<'a>,
    /// The acting user's row, which assets loaded in bulk name as their creator.
    user: UserRow,
}

impl<'a> Bench<'a> {
    /// Benchmarks acting as the library's owner, or as the user called `handle` (`--as`).
    pub fn new(library: &'a Library, handle: Option<&str>) -> Result<Self> {
        let acting = match handle {
            Some(h) => library.as_user(h)?,
            None => library.as_owner(),
        };
        let catalog = open_catalog(library)?;
        // The same look-ups `Library::open` and `Library::as_user` make.
        let user = match handle {
            Some(h) => catalog.find_user(h)?.map(|(u, _)| u),
            None => catalog.local_user()?,
        };
        let user = user.ok_or_else(|| BenchError::Internal("the acting user has no row".into()))?;
        Ok(Bench { acting, user })
    }

    /// The user the benchmarks act as.
    pub fn acting(&self) -> &Acting<'a> {
        &self.acting
    }

    /// A second connection to the library's catalog, for bulk loads (see the crate's docs).
    fn catalog(&self) -> Result<Catalog> {
        open_catalog(&self.acting)
    }

    /// The acting user's project called `name`, created (through the use case) when missing.
    fn ensure_project(&self, name: &str) -> Result<ProjectId> {
        match self.acting.project_id(name) {
            Ok(id) => Ok(id),
            Err(e) if e.code() == ErrorCode::ProjectNotFound => {
                Ok(self.acting.project_create(name, None, None)?.id)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The team brand called `name`, created (through the use case) when missing.
    fn ensure_brand(&self, name: &str) -> Result<BrandId> {
        match self.acting.brand_id(name) {
            Ok(id) => Ok(id),
            Err(e) if e.code() == ErrorCode::BrandNotFound => Ok(self.acting.brand_create(name)?.id),
            Err(e) => Err(e.into()),
        }
    }
}

fn open_catalog(library: &Library) -> Result<Catalog> {
    Ok(Catalog::open(&library.layout().catalog())?)
}

/// The row of a brand the library just named by its public id.
fn brand_row(catalog: &Catalog, id: BrandId) -> Result<BrandRow> {
    found(catalog.brand_by_id(id)?, "brand")
}

/// The row of a project the library just named by its public id.
fn project_row(catalog: &Catalog, id: ProjectId) -> Result<ProjectRow> {
    Ok(found(catalog.project_by_id(id)?, "project")?.0)
}

fn found<T>(row: Option<T>, what: &str) -> Result<T> {
    row.ok_or_else(|| BenchError::Internal(format!("the {what} the library just named has no row")))
}

/// Now, in unix milliseconds.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
