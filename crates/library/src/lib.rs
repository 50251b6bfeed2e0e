//! Atelier's use cases over one library folder: open it, import into it, search and show,
//! organise, export. Every front end (CLI, web, desktop) calls this API and nothing below it;
//! so do the benchmarks (atelier-bench), from outside.
//!
//! Composes atelier-catalog (storage), atelier-media (files) and atelier-archive (zips); knows
//! no HTTP, no terminal, no window.

mod error;
mod export;
mod import;
pub mod job;
mod layout;
mod models;
mod organise;
mod read;
mod saved;
mod sidecar;
mod similar;
pub mod studio;
mod transfers;
mod watch;

use atelier_domain::ErrorCode;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use atelier_catalog::{BrandRow, Catalog, ProjectRow, UserRow};

pub use atelier_archive::safe_file_name as safe_name;
pub use atelier_catalog::SidecarFailure;
pub use atelier_catalog::{AssetDetail, AssetSummary, BucketCounts, Change, ModelLink, ModelSummary, Page};
pub use atelier_catalog::{
    BrandInfo, CampaignInfo, CollectionInfo, ProjectInfo, ProjectUsage, ReviewEvent, TagInfo,
};
pub use atelier_catalog::{Presence, StudioBinding, WatchedFolder};
pub use atelier_catalog::{RemoteOriginal, ThumbWanted};
pub use atelier_protocol::{AssetSelection, Intent};
pub use error::{LibraryError, Result};
pub use export::{Existing, ExportReport, Selection};
pub use import::{
    DEFAULT_TEMPLATE, DuplicateFile, ImportMode, ImportOptions, ImportReport, ImportedFile, ImportedModel,
    Template, UPLOAD_SPOOL,
};
pub use job::{CancelToken, FileIssue, Phase, Progress, ProgressSender};
pub use layout::{Layout, RenditionKind};
pub use models::ModelDetail;
pub use organise::{BulkFailure, BulkReport, KitEdit, MoveTarget, ProjectDeleteReport, ProjectSettings};
pub use read::LocalAsset;
pub use sidecar::{SidecarReport, sidecar_path};
pub use similar::{
    Dispose, DuplicateGroup, DuplicatesReport, IndexReport, MAX_SIMILAR, MergeReport, SimilarItem,
    SimilarPage,
};
pub use transfers::{ArrivedThumb, Incoming, Outgoing};
pub use watch::{AssetAt, ReconcileReport, Relinked, WatchEvent};

/// The name of the project every import lands in unless told otherwise.
pub const INBOX: &str = "Inbox";

/// The library's own user and the rows every standalone library starts with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Me {
    pub(crate) user: UserRow,
    pub(crate) personal: BrandRow,
    pub(crate) inbox: ProjectRow,
}

/// How to open a library.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Where files added in place go when their asset is deleted: the system trash when
    /// `None`, or this folder (tests and scripts that must not touch the user's trash).
    pub trash_dir: Option<PathBuf>,
}

/// An open library.
pub struct Library {
    layout: Layout,
    catalog: Mutex<Catalog>,
    me: Me,
    options: OpenOptions,
    /// The similarity index, loaded on first use.
    similar: similar::SimilarIndex,
    /// Previews being made now (see [`Library::preview`]).
    renders: read::RenderGate,
}

impl Library {
    /// Where the library lives when no folder is given: the OS data folder
    /// (`~/.local/share/atelier/library` on Linux).
    pub fn default_root() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("atelier").join("library"))
    }

    /// Opens the library at `root`, creating it on first use.
    pub fn open(root: &Path) -> Result<Self> {
        Self::open_with(root, OpenOptions::default())
    }

    /// Opens the library at `root` with options.
    pub fn open_with(root: &Path, options: OpenOptions) -> Result<Self> {
        if root.exists() && !root.is_dir() {
            return Err(atelier_domain::InvalidInput::new(
                ErrorCode::NotALibrary,
                format!("{} is a file, not a library folder", root.display()),
            )
            .into());
        }
        let layout = Layout::new(root);
        // Never turn a folder of someone's files into a library by accident. Atelier's own
        // entries don't count: another process may be creating this library right now.
        if root.is_dir() && !layout.catalog().exists() {
            let entries = std::fs::read_dir(root).map_err(|e| LibraryError::io(root, e))?;
            let foreign = entries.flatten().find(|e| !Layout::is_own_entry(&e.file_name()));
            if foreign.is_some() {
                return Err(atelier_domain::InvalidInput::new(
                    ErrorCode::NotALibrary,
                    format!(
                        "{} is not an Atelier library (it has no catalog.db) and is not empty: \
                         give a new or empty folder, or an existing library",
                        root.display()
                    ),
                )
                .into());
            }
        }
        layout.refuse_lost_catalog()?;
        layout.prepare()?;
        let mut catalog = Catalog::open(&layout.catalog())?;
        let now = now_ms();
        let handle = std::env::var("USER")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "owner".into());
        // Read first: an existing library opens without writing (so it can still be searched
        // on a full disk or a read-only medium); only a new one is set up.
        let found = match catalog.local_user()? {
            Some(user) => match (
                catalog.find_personal_brand(user)?,
                catalog.find_project(user, INBOX)?,
            ) {
                (Some(personal), Some(inbox)) => Some(Me {
                    user,
                    personal,
                    inbox,
                }),
                _ => None,
            },
            None => None,
        };
        let me = match found {
            Some(me) => me,
            None => catalog.write(|tx| {
                let user = tx.ensure_local_user(&handle, &handle, now)?;
                let personal = tx.ensure_personal_brand(user, now)?;
                let inbox = tx.ensure_project(user, INBOX, now)?;
                Ok(Me {
                    user,
                    personal,
                    inbox,
                })
            })?,
        };
        Ok(Library {
            layout,
            catalog: Mutex::new(catalog),
            me,
            options,
            similar: similar::SimilarIndex::default(),
            renders: read::RenderGate::default(),
        })
    }

    /// The library's own user acting: the Owner of a standalone library.
    pub fn as_owner(&self) -> Acting<'_> {
        self.as_user_row(self.me.user)
    }

    /// Another user of this library acting, by login name (a brand member, `--as USER`):
    /// what they may see and do is decided by their roles, read afresh for every use case.
    pub fn as_user(&self, handle: &str) -> Result<Acting<'_>> {
        let found = self.catalog().find_user(handle)?;
        let (user, _) = found.ok_or_else(|| {
            atelier_domain::InvalidInput::new(
                ErrorCode::UserNotFound,
                format!("no user named '{handle}' in this library: add them to a brand first"),
            )
        })?;
        Ok(self.as_user_row(user))
    }

    pub(crate) fn as_user_row(&self, user: UserRow) -> Acting<'_> {
        Acting { lib: self, user }
    }

    /// The library's folders.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    pub(crate) fn me(&self) -> Me {
        self.me
    }

    /// The catalog connection. A panic while it was held does not make it unusable: SQLite
    /// rolled the transaction back. The lock is not reentrant: never call this while a guard
    /// from it is alive (beware `for x in self.catalog().list…()`, whose guard lives for the
    /// whole loop).
    pub(crate) fn catalog(&self) -> MutexGuard<'_, Catalog> {
        self.catalog
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One user acting on a library: every use case (import, search, show, organise, review,
/// export, find similar) is a method of this, so it always knows who acts and sees only what
/// they may see. Library-wide work that acts for nobody (watching folders, writing sidecars)
/// stays on [`Library`], which this dereferences to.
#[derive(Clone, Copy)]
pub struct Acting<'a> {
    lib: &'a Library,
    user: UserRow,
}

impl std::ops::Deref for Acting<'_> {
    type Target = Library;

    fn deref(&self) -> &Library {
        self.lib
    }
}

/// Now, in unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
