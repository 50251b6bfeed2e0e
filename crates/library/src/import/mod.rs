//! Import (SPEC R2.2–R2.5, R2.7, R2.10, R16.2): walk files and folders, recognise content,
//! hash with BLAKE3 and dedupe, read metadata, make the grid thumbnail, optionally copy into
//! the library with a verified copy, and catalog in batches.
//!
//! Files are worked on in parallel (rayon, one thread per core); one writer thread commits
//! them about 500 at a time. A file is cataloged only after its thumbnail is in the cache and
//! its copy (when copying) is verified and in place, so a killed import leaves nothing half
//! done: re-running it skips what was committed (by path, size and time, or by hash) and does
//! the rest.

mod template;

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use atelier_catalog::{
    BrandRow, Catalog, DuplicateOf, FileFacts, NewAsset, ProjectDefaults, ProjectRow, UserRow,
};
use atelier_domain::limits::MAX_TAGS_PER_ASSET;
use atelier_domain::{
    Action, AssetId, BrandKind, ErrorCode, Id, InvalidInput, Rating, Source, Target, can, names, rules,
};
use atelier_media::{
    Detected, Format, Generation, Metadata, THUMB_SIDE, detect, read_metadata, read_metadata_path, render,
    render_path,
};
use chrono::{DateTime, Local};
use crossbeam_channel::{Receiver, RecvTimeoutError, bounded};
use rayon::prelude::*;
use serde::Serialize;

pub use template::{DEFAULT_TEMPLATE, Template};

use crate::job::{CancelToken, FileIssue, Phase, ProgressSender, report};
use crate::layout::{Layout, RenditionKind, write_atomic};
use crate::{Acting, Library, LibraryError, Result, now_ms};

/// Add in place (catalog where the files are) or copy into the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Catalog files where they are (the default).
    #[default]
    InPlace,
    /// Copy into `originals/`, verified, never touching the source.
    Copy,
}

/// What to import into and how.
#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct ImportOptions {
    /// In place or copy; `None` follows the project's setting (in place unless it says copy).
    pub mode: Option<ImportMode>,
    /// Rename template for copies (default: the project's, else [`DEFAULT_TEMPLATE`]).
    pub rename: Option<String>,
    /// Project name (default "Inbox"); created when missing.
    pub project: Option<String>,
    /// Brand name (default: the project's default brand, else the user's Personal brand);
    /// created when missing if the user may create brands.
    pub brand: Option<String>,
    /// Tags for everything imported, besides the project's default tags.
    pub tags: Vec<String>,
    /// How the files arrived: `imported` for folders, `uploaded` for files picked by hand.
    /// Files that carry generation parameters are `generated` whatever this says.
    pub source: Option<Source>,
}

/// A file that became an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportedFile {
    /// The file.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    #[ts(type = "string")]
    pub path: PathBuf,
    /// The new asset.
    pub id: AssetId,
}

/// A file whose content was already in the library (SPEC R2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DuplicateFile {
    /// The file.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    #[ts(type = "string")]
    pub path: PathBuf,
    /// The asset that has this content.
    pub existing: AssetId,
    /// Where that asset's file is.
    pub existing_path: String,
}

/// What an import did, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportReport {
    /// New assets.
    pub imported: Vec<ImportedFile>,
    /// Content already in the library.
    pub duplicates: Vec<DuplicateFile>,
    /// Not media, or a format this build does not read yet.
    pub skipped: Vec<FileIssue>,
    /// Media that could not be read (unreadable, truncated, corrupt, too large).
    pub failed: Vec<FileIssue>,
    /// Model files cataloged (new, or seen again unchanged).
    pub models: Vec<ImportedModel>,
    /// True when the import was cancelled before the end (what was done is kept).
    pub cancelled: bool,
    /// Why the import stopped before the end when the catalog could not take more (a full
    /// disk): what was committed is kept, everything else is in `failed` with this reason, and
    /// copies made for it were taken back.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub stopped: Option<String>,
}

/// A model file the import cataloged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportedModel {
    /// The file.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    #[ts(type = "string")]
    pub path: PathBuf,
    /// The model.
    pub id: atelier_domain::ModelId,
    /// False when it was already cataloged, unchanged.
    pub new: bool,
}

/// Names of files and folders that are never imported: hidden ones, and what operating
/// systems and NAS boxes leave behind.
const SYSTEM_NAMES: &[&str] = &[
    "thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    "@eadir",
    "$recycle.bin",
    "system volume information",
    "lost+found",
    "__macosx",
];

/// Folders in `cache/tmp` with this prefix hold uploads waiting to be imported.
pub const UPLOAD_SPOOL: &str = "upload-";

/// Files read in full only once their first bytes show supported media.
const HEAD_BYTES: usize = 64 * 1024;
/// The largest still image read (stills are parsed in memory; videos are streamed). A 250 MP
/// 16-bit TIFF, the largest picture a thumbnail is made for, is about 1.5 GB.
const MAX_STILL_BYTES: u64 = 2 << 30;
/// Rows per catalog transaction.
const BATCH: usize = 500;
/// Longest a finished file waits for its batch.
const BATCH_WAIT: Duration = Duration::from_millis(200);

/// The catalog rows every imported asset points at.
#[derive(Debug, Clone, Copy)]
struct Targets {
    user: UserRow,
    brand: BrandRow,
    project: ProjectRow,
}

/// An import's destination and manner, settled before any file is touched.
/// The brand an import goes to, before anything is written.
enum BrandPlan {
    /// One that exists.
    Existing(BrandRow),
    /// A team brand to create on the way (its name checked).
    New(String),
    /// The actor's Personal brand.
    Personal,
}

struct Plan {
    targets: Targets,
    mode: ImportMode,
    rename: Option<String>,
    tags: Vec<String>,
}

struct Settings<'a> {
    layout: &'a Layout,
    targets: Targets,
    mode: ImportMode,
    template: Option<Template>,
    tags: Vec<String>,
    source: Source,
    cancel: &'a CancelToken,
}

/// A file ready to be cataloged.
struct Prepared {
    asset: NewAsset,
    source_path: PathBuf,
    /// A copy this import created in `originals/` (removed again if the content turns out to
    /// be a duplicate).
    created_copy: Option<PathBuf>,
}

enum Outcome {
    Ready(Box<Prepared>),
    /// A model file to catalog, and the copy this import made of it (copy mode).
    Model(Box<atelier_catalog::NewModel>, Option<PathBuf>),
    KnownModel(ImportedModel),
    Duplicate(DuplicateFile),
    Skipped(FileIssue),
    Failed(FileIssue),
    /// Not read: the import was stopping (see [`ImportReport::stopped`]).
    NotStarted(PathBuf),
}

impl Acting<'_> {
    /// Imports `paths` (files and folders, recursively). Every path must exist; per-file
    /// problems go into the report and the rest goes on. Returns once every imported asset
    /// has its grid thumbnail. Cancelling keeps what was committed.
    pub fn import(
        &self,
        paths: &[PathBuf],
        options: &ImportOptions,
        cancel: &CancelToken,
        progress: &ProgressSender,
    ) -> Result<ImportReport> {
        if paths.is_empty() {
            return Err(InvalidInput::new(
                ErrorCode::NothingToImport,
                "give at least one file or folder to import",
            )
            .into());
        }
        let mut roots = Vec::with_capacity(paths.len());
        for p in paths {
            let abs = fs::canonicalize(p).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => LibraryError::Invalid(InvalidInput::new(
                    ErrorCode::PathNotFound,
                    format!("{} does not exist: give files or folders that exist", p.display()),
                )),
                _ => LibraryError::io(p, e),
            })?;
            roots.push(abs);
        }
        let plan = self.import_plan(options)?;
        let template = match (plan.mode, &plan.rename) {
            (ImportMode::Copy, t) => Some(Template::parse(t.as_deref().unwrap_or(DEFAULT_TEMPLATE))?),
            (ImportMode::InPlace, Some(_)) if options.rename.is_some() => {
                return Err(InvalidInput::new(
                    ErrorCode::RenameNeedsCopy,
                    "a rename template applies to copies only: add --copy, or drop --rename to add files in place",
                )
                .into());
            }
            (ImportMode::InPlace, _) => None,
        };
        let mut tags = normalize_tags(&options.tags)?;
        for t in plan.tags {
            if !tags.iter().any(|e| names::key(e) == names::key(&t)) {
                tags.push(t);
            }
        }
        let targets = plan.targets;

        report(progress, Phase::Scanning, 0, None);
        let mut out = ImportReport::default();
        let files = collect(&roots, self.layout(), &mut out.skipped, cancel);
        let total = files.len() as u64;
        // The studio's storage limit (R9.5), before any file is read: counted whole (a file
        // that turns out to be a duplicate adds nothing, but that is known only once read).
        if self.studio_limits()?.storage_per_project.is_some() {
            let adding: u64 = files
                .iter()
                .filter_map(|f| fs::metadata(f).ok())
                .map(|m| m.len())
                .sum();
            self.check_storage_limit(targets.project, adding)?;
        }
        report(progress, Phase::Working, 0, Some(total));

        let settings = Settings {
            layout: self.layout(),
            targets,
            mode: plan.mode,
            template,
            tags,
            source: options.source.unwrap_or(Source::Imported),
            cancel,
        };
        let done = AtomicU64::new(0);
        // Set when the writer can't commit (a full disk): workers stop preparing files and
        // hand them over unread, to be reported.
        let stopping = AtomicBool::new(false);
        // Set if the writer itself is gone (a bug): nobody is listening any more.
        let writer_gone = AtomicBool::new(false);
        let catalog_path = self.layout().catalog();
        let (tx, rx) = bounded::<Outcome>(BATCH * 2);
        let writer_result = std::thread::scope(|scope| {
            let writer = scope.spawn(|| self.write_batches(rx, &stopping));
            files.par_iter().enumerate().for_each_init(
                || Catalog::open(&catalog_path).ok(),
                |reader, (i, path)| {
                    if cancel.is_cancelled() || writer_gone.load(Ordering::Relaxed) {
                        return;
                    }
                    let outcome = if stopping.load(Ordering::Relaxed) {
                        Outcome::NotStarted(path.clone())
                    } else {
                        prepare(path, i as u64 + 1, reader.as_ref(), &settings)
                    };
                    if tx.send(outcome).is_err() {
                        writer_gone.store(true, Ordering::Relaxed);
                        return;
                    }
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    report(progress, Phase::Working, n, Some(total));
                },
            );
            drop(tx);
            writer.join().unwrap_or_else(|_| {
                Err(LibraryError::Internal(
                    "the catalog writer stopped unexpectedly".into(),
                ))
            })
        });
        report(
            progress,
            Phase::Finishing,
            done.load(Ordering::Relaxed),
            Some(total),
        );
        let written = writer_result?;
        out.imported = written.imported;
        out.duplicates = written.duplicates;
        out.models = written.models;
        out.skipped.extend(written.skipped);
        out.failed = written.failed;
        out.stopped = written.stopped;
        out.cancelled = cancel.is_cancelled();
        for list in [&mut out.skipped, &mut out.failed] {
            list.sort_by(|a, b| a.path.cmp(&b.path));
        }
        out.imported.sort_by(|a, b| a.path.cmp(&b.path));
        out.duplicates.sort_by(|a, b| a.path.cmp(&b.path));
        if out.stopped.is_none() {
            self.stack_pairs(&out.imported)?;
        }
        Ok(out)
    }

    /// Stacks each RAW with the JPEG or HEIC of the same name in the same folder among `files`
    /// (R2.9), the JPEG/HEIC as cover.
    fn stack_pairs(&self, files: &[ImportedFile]) -> Result<()> {
        let mut groups: std::collections::HashMap<(PathBuf, String), Vec<AssetId>> = Default::default();
        for f in files {
            if let (Some(dir), Some(stem)) = (f.path.parent(), f.path.file_stem()) {
                groups
                    .entry((dir.to_path_buf(), stem.to_string_lossy().to_lowercase()))
                    .or_default()
                    .push(f.id);
            }
        }
        let acting = self.roles()?;
        for ids in groups.into_values().filter(|g| g.len() >= 2) {
            let seqs: Vec<i64> = self.catalog().seqs_of(&ids)?.into_iter().flatten().collect();
            let formats = self.catalog().formats_of(&seqs)?;
            let cover = seqs
                .iter()
                .zip(&formats)
                .find(|(_, f)| matches!(f.as_str(), "jpeg" | "heif"))
                .map(|(s, _)| *s);
            let has_raw = formats.iter().any(|f| f == "raw");
            if let (Some(cover), true) = (cover, has_raw) {
                let members: Vec<i64> = seqs
                    .iter()
                    .zip(&formats)
                    .filter(|(s, f)| **s == cover || f.as_str() == "raw")
                    .map(|(s, _)| *s)
                    .collect();
                self.catalog()
                    .write(|tx| tx.stack(cover, &members, acting.user, now_ms()))?;
            }
        }
        Ok(())
    }

    /// Where an import goes and how, from its options and the project's settings (R9.1):
    /// the project's default brand, import mode, rename template and default tags apply unless
    /// the options say otherwise. Importing onto a brand needs the Upload right there (R10.5);
    /// a missing brand is created only by someone who may create brands.
    fn import_plan(&self, options: &ImportOptions) -> Result<Plan> {
        let acting = self.roles()?;
        let me = self.me();
        // Everything is looked up and checked before anything is written: an import that is
        // refused leaves no project or brand behind.
        let project_name = match &options.project {
            Some(p) => Some(names::validate_name("project name", p)?),
            None if acting.user == me.user => None,
            None => Some(crate::INBOX.to_string()),
        };
        let project = match &project_name {
            Some(name) => {
                // Bound first: the catalog's guard must be gone before `scope` takes it again.
                let own = self.catalog().find_project(acting.user, name)?;
                match own {
                    Some(p) => Some(p),
                    // Another member's shared project: theirs to add to (R9.3); the brand
                    // decides who may (the Upload right, checked below).
                    None => {
                        let scope = self.scope()?;
                        self.catalog().shared_project_named(name, &scope)?
                    }
                }
            }
            None => Some(me.inbox),
        };
        if project.is_none() {
            // A new project on the way counts against the studio's limit (R9.5).
            self.check_project_limit(acting.user, me.inbox)?;
        }
        let defaults = match project {
            Some(p) => self.catalog().project_defaults(p)?,
            None => ProjectDefaults::default(),
        };
        let brand = match options.brand.as_deref().or(defaults.default_brand.as_deref()) {
            Some(name) => {
                let found = self.catalog().find_brand(name, acting.user)?;
                match found {
                    Some(b) => BrandPlan::Existing(b),
                    None => {
                        // A missing brand is created on the way only by someone who may create
                        // brands, and they will be its Manager: check Upload as that.
                        let name = rules::brand_name(name)?;
                        let actor = rules::role_on_new_brand(acting.studio_role).map_err(|_| {
                            InvalidInput::new(
                                ErrorCode::BrandNotFound,
                                format!("no brand named '{name}': see `atelier brand list`"),
                            )
                        })?;
                        let target = Target {
                            brand: BrandKind::Team,
                            own_asset: false,
                            self_approval: false,
                        };
                        can(&actor, Action::Upload, &target)?;
                        BrandPlan::New(name)
                    }
                }
            }
            None => BrandPlan::Personal,
        };
        if let BrandPlan::Existing(b) = brand {
            let (personal_of, self_approval) = self.catalog().brand_facts(b)?;
            let (actor, target) = acting.on(b, personal_of, self_approval, false);
            can(&actor, Action::Upload, &target)?;
        }
        let mode = options.mode.unwrap_or(if defaults.import_mode == "copy" {
            ImportMode::Copy
        } else {
            ImportMode::InPlace
        });
        // Allowed: now make what is missing, in one transaction.
        let now = now_ms();
        let (project, brand) = self.catalog().write(|tx| {
            let project = match (project, &project_name) {
                (Some(p), _) => p,
                (None, Some(name)) => tx.ensure_project(acting.user, name, now)?,
                (None, None) => me.inbox,
            };
            let brand = match &brand {
                BrandPlan::Existing(b) => *b,
                BrandPlan::New(name) => tx.create_brand(name, acting.user, rules::CREATOR_ROLE, now)?,
                BrandPlan::Personal => tx.ensure_personal_brand(acting.user, now)?,
            };
            Ok((project, brand))
        })?;
        Ok(Plan {
            targets: Targets {
                user: acting.user,
                brand,
                project,
            },
            mode,
            rename: options.rename.clone().or(defaults.rename_template),
            tags: defaults.default_tags,
        })
    }

    /// The writer: commits prepared files in batches and sorts every outcome into a report.
    /// When a batch can't be committed (a full disk), the import stops: the batch and
    /// everything after it is reported failed with the reason, its copies taken back.
    fn write_batches(&self, rx: Receiver<Outcome>, stopping: &AtomicBool) -> Result<ImportReport> {
        let mut out = ImportReport::default();
        let mut batch: Vec<Prepared> = Vec::with_capacity(BATCH);
        loop {
            let next = match rx.recv_timeout(BATCH_WAIT) {
                Ok(o) => Some(o),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            };
            let idle = next.is_none();
            match next {
                Some(Outcome::Ready(p)) => batch.push(*p),
                Some(Outcome::KnownModel(m)) => out.models.push(m),
                Some(Outcome::Model(m, copy)) if out.stopped.is_none() => {
                    let path = copy.clone().unwrap_or_else(|| m.path.clone());
                    let inserted = self.catalog().write(|tx| {
                        let r = tx.insert_model(&m, self.user)?;
                        if r.is_err()
                            && let Some(copy) = &copy
                        {
                            let _ = fs::remove_file(copy);
                        }
                        Ok(r)
                    });
                    match inserted {
                        Ok(Ok(id)) => out.models.push(ImportedModel { path, id, new: true }),
                        Ok(Err(there)) => out.skipped.push(issue(
                            &path,
                            format!("this model is already in the library as {there}"),
                        )),
                        Err(e) => {
                            self.stop(&mut out, stopping, &e.into());
                            self.abandon_model(&m, copy, &mut out);
                        }
                    }
                }
                Some(Outcome::Model(m, copy)) => self.abandon_model(&m, copy, &mut out),
                Some(Outcome::Duplicate(d)) => out.duplicates.push(d),
                Some(Outcome::Skipped(s)) => out.skipped.push(s),
                Some(Outcome::Failed(f)) => out.failed.push(f),
                Some(Outcome::NotStarted(path)) => {
                    let reason = out.stopped.clone().unwrap_or_default();
                    out.failed.push(issue(&path, not_imported(&reason)));
                }
                None => {}
            }
            if batch.len() >= BATCH || (idle && !batch.is_empty()) {
                self.commit_or_stop(&mut batch, &mut out, stopping);
            }
        }
        self.commit_or_stop(&mut batch, &mut out, stopping);
        Ok(out)
    }

    fn commit_or_stop(&self, batch: &mut Vec<Prepared>, out: &mut ImportReport, stopping: &AtomicBool) {
        if out.stopped.is_none()
            && let Err(e) = self.commit(batch, out)
        {
            self.stop(out, stopping, &e);
        }
        if out.stopped.is_some() {
            self.abandon(batch, out);
        }
    }

    /// Stops the import: no more files are prepared or committed.
    fn stop(&self, out: &mut ImportReport, stopping: &AtomicBool, e: &LibraryError) {
        stopping.store(true, Ordering::Relaxed);
        if out.stopped.is_none() {
            out.stopped = Some(match e.code() {
                ErrorCode::DiskFull => "the disk is full: free some space and import again".to_string(),
                _ => format!("the catalog could not be written ({e}): import again once it can"),
            });
        }
    }

    /// Reports files that were prepared but not committed, and takes their copies back
    /// (unless another process's committed asset uses the same file).
    fn abandon(&self, batch: &mut Vec<Prepared>, out: &mut ImportReport) {
        let reason = out.stopped.clone().unwrap_or_default();
        for p in batch.drain(..) {
            if let Some(copy) = &p.created_copy {
                let in_use = self.catalog().file_in_use(&p.asset.file.path).unwrap_or(true);
                if !in_use {
                    let _ = fs::remove_file(copy);
                }
            }
            out.failed.push(issue(&p.source_path, not_imported(&reason)));
        }
    }

    fn abandon_model(&self, m: &atelier_catalog::NewModel, copy: Option<PathBuf>, out: &mut ImportReport) {
        let reason = out.stopped.clone().unwrap_or_default();
        if let Some(copy) = &copy {
            let _ = fs::remove_file(copy);
        }
        out.failed.push(issue(&m.path, not_imported(&reason)));
    }

    fn commit(&self, batch: &mut Vec<Prepared>, out: &mut ImportReport) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let results = self.catalog().write(|tx| {
            let mut results = Vec::with_capacity(batch.len());
            for p in batch.iter() {
                let result = tx.insert_asset(&p.asset)?;
                // The same content twice (in this import, or another process's that committed
                // first): drop our copy — unless a committed asset uses that very file, which
                // happens when another process reused the copy we made. Decided and done while
                // this transaction holds the write lock, so no other commit can start using
                // the file in between (any later one is a duplicate of the same hash too).
                if result.is_err()
                    && let Some(copy) = &p.created_copy
                    && !tx.file_in_use(&p.asset.file.path)?
                {
                    let _ = fs::remove_file(copy);
                }
                results.push(result);
            }
            Ok(results)
        })?;
        for (p, result) in batch.drain(..).zip(results) {
            match result {
                Ok(_) => out.imported.push(ImportedFile {
                    path: p.source_path,
                    id: p.asset.id,
                }),
                Err(DuplicateOf { id, path }) => out.duplicates.push(DuplicateFile {
                    path: p.source_path,
                    existing: id,
                    existing_path: path,
                }),
            }
        }
        Ok(())
    }
}

fn not_imported(reason: &str) -> String {
    format!("not imported: {reason}")
}

fn normalize_tags(tags: &[String]) -> Result<Vec<String>, InvalidInput> {
    let out = names::normalize_tags(tags)?;
    if out.len() > MAX_TAGS_PER_ASSET {
        return Err(InvalidInput::new(
            ErrorCode::TooManyTags,
            format!(
                "{} tags given: an asset carries at most {MAX_TAGS_PER_ASSET}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

fn is_system_name(name: &str) -> bool {
    name.starts_with('.') || SYSTEM_NAMES.contains(&name.to_lowercase().as_str())
}

/// Lists the files under `roots`, skipping hidden and system files and the library itself.
fn collect(
    roots: &[PathBuf],
    layout: &Layout,
    skipped: &mut Vec<FileIssue>,
    cancel: &CancelToken,
) -> Vec<PathBuf> {
    let library = fs::canonicalize(layout.root()).unwrap_or_else(|_| layout.root().to_path_buf());
    let spool = fs::canonicalize(layout.cache_tmp()).unwrap_or_else(|_| layout.cache_tmp());
    // The library's own folders are never imported — except an upload's spool folder, which the
    // web server fills with the files a browser sent and imports as copies.
    let forbidden = |p: &Path| {
        p.starts_with(&library)
            && !p
                .strip_prefix(&spool)
                .ok()
                .and_then(|rest| rest.components().next())
                .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with(UPLOAD_SPOOL))
    };
    let mut seen = HashSet::new();
    let mut files = Vec::new();
    for root in roots {
        if forbidden(root) {
            skipped.push(FileIssue {
                path: root.clone(),
                reason: "inside the library folder itself".into(),
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !(is_system_name(&e.file_name().to_string_lossy()) || forbidden(e.path()))
            });
        for entry in walker {
            if cancel.is_cancelled() {
                return files;
            }
            match entry {
                Ok(e) => {
                    let kind = e.file_type();
                    if kind.is_dir() {
                        continue;
                    }
                    if !kind.is_file() {
                        // Never silently: say why a name that is there isn't imported.
                        let why = match fs::metadata(e.path()) {
                            Ok(m) if m.is_file() && kind.is_symlink() => None,
                            Ok(m) if m.is_dir() => {
                                Some("a link to a folder: links are not followed (import that folder itself)")
                            }
                            Err(_) if kind.is_symlink() => {
                                Some("a link that leads nowhere (broken, or a loop)")
                            }
                            _ => Some("not a regular file (a pipe, a socket or a device)"),
                        };
                        if let Some(reason) = why {
                            skipped.push(issue(e.path(), reason));
                            continue;
                        }
                    }
                    let name = e.file_name().to_string_lossy();
                    // Sidecars belong to their image; they are not media of their own.
                    if name.to_lowercase().ends_with(".xmp") {
                        continue;
                    }
                    if seen.insert(e.path().to_path_buf()) {
                        files.push(e.into_path());
                    }
                }
                Err(err) => {
                    let path = err.path().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
                    skipped.push(FileIssue {
                        path,
                        reason: format!("cannot be read: {}", io_reason(err.io_error())),
                    });
                }
            }
        }
    }
    files.sort();
    files
}

fn io_reason(e: Option<&std::io::Error>) -> String {
    match e.map(std::io::Error::kind) {
        Some(std::io::ErrorKind::PermissionDenied) => "permission denied".into(),
        Some(std::io::ErrorKind::NotFound) => "it disappeared during the import".into(),
        _ => e.map_or_else(|| "unknown error".into(), ToString::to_string),
    }
}

fn issue(path: &Path, reason: impl Into<String>) -> FileIssue {
    FileIssue {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Works one file up to the point of cataloging it.
fn prepare(path: &Path, seq: u64, reader: Option<&Catalog>, s: &Settings<'_>) -> Outcome {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return Outcome::Failed(issue(path, format!("cannot be read: {}", io_reason(Some(&e))))),
    };
    let size = meta.len();
    let mtime_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64);
    if size == 0 {
        return Outcome::Failed(issue(path, "the file is empty"));
    }
    // Seen before, unchanged: no need to read it again.
    if s.mode == ImportMode::InPlace
        && let (Some(reader), Some(mtime)) = (reader, mtime_ms)
        && let Ok(Some(dup)) = reader.find_unchanged_file(path, size, mtime)
    {
        return Outcome::Duplicate(DuplicateFile {
            path: path.to_path_buf(),
            existing: dup.id,
            existing_path: dup.path,
        });
    }

    let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(issue(path, format!("cannot be read: {}", io_reason(Some(&e))))),
    };
    let mut head = Vec::with_capacity(HEAD_BYTES.min(size as usize));
    if let Err(e) = (&mut file).take(HEAD_BYTES as u64).read_to_end(&mut head) {
        return Outcome::Failed(issue(path, format!("cannot be read: {}", io_reason(Some(&e)))));
    }
    let format = match detect(&head, ext.as_deref()) {
        Detected::Known(f) if f.is_supported() => f,
        Detected::Known(Format::Model(what)) => return prepare_model(path, what, size, mtime_ms, reader, s),
        Detected::Known(f) => {
            return Outcome::Skipped(issue(path, format!("{} is not supported yet", f.describe())));
        }
        Detected::Unknown(hint) => {
            let what = hint.map(|h| format!(" ({h})")).unwrap_or_default();
            return Outcome::Skipped(issue(path, format!("not a supported image or video{what}")));
        }
    };
    // Videos are too big to hold in memory: they are hashed as a stream and read by path
    // (ffprobe/ffmpeg seek in the file). Everything else is read once and parsed from memory.
    let streamed = matches!(format, Format::Video(_));
    let (content, hash) = if streamed {
        let mut hasher = blake3::Hasher::new();
        hasher.update(&head);
        if let Err(e) = hasher.update_reader(&mut file) {
            return Outcome::Failed(issue(path, format!("cannot be read: {}", io_reason(Some(&e)))));
        }
        (Content::File(path), hasher.finalize())
    } else {
        // Stills are parsed from memory: bounded, so a huge file with an image header (a
        // sparse 64 GiB "JPEG") is one failed file, never an aborted process.
        if size > MAX_STILL_BYTES {
            return Outcome::Failed(issue(
                path,
                format!(
                    "too large for an image ({}): images up to {} are read",
                    atelier_domain::limits::human_bytes(size),
                    atelier_domain::limits::human_bytes(MAX_STILL_BYTES)
                ),
            ));
        }
        let mut bytes = head;
        let more = (size as usize).saturating_sub(bytes.len());
        if bytes.try_reserve_exact(more).is_err() {
            return Outcome::Failed(issue(
                path,
                format!(
                    "not enough memory to read it ({})",
                    atelier_domain::limits::human_bytes(size)
                ),
            ));
        }
        // Never more than the size seen: a file still growing is read again once settled.
        if let Err(e) = (&mut file).take(MAX_STILL_BYTES).read_to_end(&mut bytes) {
            return Outcome::Failed(issue(path, format!("cannot be read: {}", io_reason(Some(&e)))));
        }
        let hash = blake3::hash(&bytes);
        (Content::Bytes(bytes), hash)
    };
    let hash_hex = hash.to_hex().to_string();
    if let Some(reader) = reader
        && let Ok(Some(dup)) = reader.find_by_hash(hash.as_bytes())
    {
        return Outcome::Duplicate(DuplicateFile {
            path: path.to_path_buf(),
            existing: dup.id,
            existing_path: dup.path,
        });
    }

    let metadata = match &content {
        Content::Bytes(bytes) => read_metadata(bytes, format),
        Content::File(p) => read_metadata_path(p, format),
    };
    let mut metadata = match metadata {
        Ok(m) => m,
        Err(e) => return Outcome::Failed(issue(path, e.to_string())),
    };
    // A sidecar (name.ext.xmp, else name.xmp) speaks for the file: what it says wins over what
    // is embedded, as in Lightroom and darktable.
    let sidecar = crate::sidecar::read_sidecar(path);
    if let Some((x, _)) = &sidecar {
        if let Some(r) = x.rating {
            metadata.rating = Some(atelier_domain::Rating::from_foreign(r).stars());
        }
        if x.title.is_some() {
            metadata.title = x.title.clone();
        }
        if x.description.is_some() {
            metadata.description = x.description.clone();
        }
        for k in crate::sidecar::sidecar_tags(&x.keywords) {
            if !metadata.keywords.iter().any(|e| e.eq_ignore_ascii_case(&k)) {
                metadata.keywords.push(k);
            }
        }
    }
    let thumb = match &content {
        Content::Bytes(bytes) => render(bytes, format, metadata.orientation, THUMB_SIDE),
        Content::File(p) => render_path(p, format, metadata.orientation, THUMB_SIDE),
    };
    let thumb = match thumb {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(issue(path, e.to_string())),
    };
    let thumb_ext = thumb.format.ext();
    let thumb_path = s.layout.rendition(&hash_hex, RenditionKind::Thumb, thumb_ext);
    if let Err(e) = write_atomic(&s.layout.cache_tmp(), &thumb_path, &thumb.data) {
        return Outcome::Failed(issue(path, format!("could not write its thumbnail: {e}")));
    }
    if s.cancel.is_cancelled() {
        return Outcome::Skipped(issue(path, "import cancelled"));
    }

    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let captured = metadata.captured_at.clone();
    let file_time = mtime_ms
        .and_then(DateTime::from_timestamp_millis)
        .map(|t| t.with_timezone(&Local).naive_local());
    let (stored_path, name, managed, created_copy) = match (&s.mode, &s.template) {
        (ImportMode::Copy, Some(template)) => {
            let date = captured
                .as_ref()
                .and_then(|c| DateTime::from_timestamp(c.sort_key, 0))
                .map(|d| d.naive_utc())
                .or(file_time)
                .unwrap_or_default();
            let stem = path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let fields = template::Fields {
                name: &stem,
                ext: ext.as_deref().unwrap_or(format.name()),
                date,
                seq,
                hash: &hash_hex,
                camera: metadata.camera_model.as_deref(),
            };
            match copy_verified(s.layout, &template.render(&fields), &content, size, &hash) {
                Ok((rel, created)) => {
                    let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
                    let created = created.then(|| s.layout.root().join(&rel));
                    (PathBuf::from(&rel), name, true, created)
                }
                Err(reason) => return Outcome::Failed(issue(path, reason)),
            }
        }
        _ => (path.to_path_buf(), file_name, false, None),
    };

    let sort_captured = captured
        .as_ref()
        .map(|c| c.sort_key)
        .or_else(|| file_time.map(|t| t.and_utc().timestamp()))
        .unwrap_or(0);
    let asset = NewAsset {
        id: AssetId::new_v7(),
        hash: *hash.as_bytes(),
        name,
        kind: format.kind().unwrap_or(atelier_domain::Kind::Image),
        source: if metadata.generation.is_some() {
            Source::Generated
        } else {
            s.source
        },
        project: s.targets.project,
        brand: s.targets.brand,
        creator: s.targets.user,
        width: metadata.width,
        height: metadata.height,
        added_at: now_ms(),
        captured_at: captured.map(|c| c.iso),
        sort_captured,
        prompt: metadata.generation.as_ref().and_then(|g| g.prompt.clone()),
        rating: metadata
            .rating
            .and_then(|r| Rating::new(r).ok())
            .unwrap_or_default(),
        tags: names::asset_tags(&s.tags, &metadata.keywords),
        title: metadata.title.clone(),
        description: metadata.description.clone(),
        exif_json: (!metadata.exif.is_empty())
            .then(|| serde_json::Value::Object(metadata.exif.clone()).to_string()),
        generation_json: metadata
            .generation
            .as_ref()
            .and_then(|g| serde_json::to_string(g).ok()),
        search_extra: search_extra(&metadata, metadata.generation.as_ref()),
        model_refs: metadata
            .generation
            .as_ref()
            .map(|g| {
                g.model_refs()
                    .into_iter()
                    .map(|r| match r {
                        atelier_media::generation::ModelRef::Hash(h) => (true, h),
                        atelier_media::generation::ModelRef::Name(n) => (false, n),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        signature: thumb.signature.as_ref().map(crate::similar::stored),
        file: FileFacts {
            path: stored_path,
            managed,
            bytes: size,
            mime: format.mime().to_string(),
            format: format.name().to_string(),
            mtime_ms,
            orientation: metadata.orientation,
            thumb: Some(thumb_ext.to_string()),
            duration_ms: metadata
                .video
                .as_ref()
                .and_then(|v| v.duration_secs)
                .map(|d| (d * 1000.0).round() as i64),
            sidecar_mtime_ms: sidecar.as_ref().map(|(_, t)| *t),
        },
    };
    Outcome::Ready(Box::new(Prepared {
        asset,
        source_path: path.to_path_buf(),
        created_copy,
    }))
}

/// Words that should find the asset but rank below name, tags and prompt.
fn search_extra(m: &Metadata, g: Option<&Generation>) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut push = |s: Option<&str>| {
        if let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) {
            words.push(s.to_string());
        }
    };
    push(m.title.as_deref());
    push(m.description.as_deref());
    push(m.camera_make.as_deref());
    push(m.camera_model.as_deref());
    push(m.lens.as_deref());
    if let Some(g) = g {
        push(Some(&g.tool));
        push(g.negative_prompt.as_deref());
        push(g.model.as_deref());
        push(g.model_hash.as_deref());
        push(g.sampler.as_deref());
        push(g.scheduler.as_deref());
        push(g.seed.map(|s| s.to_string()).as_deref());
        for v in g.params.values() {
            match v {
                serde_json::Value::String(s) => push(Some(s)),
                serde_json::Value::Number(n) => push(Some(&n.to_string())),
                serde_json::Value::Array(items) => {
                    for i in items.iter().filter_map(serde_json::Value::as_str) {
                        push(Some(i));
                    }
                }
                _ => {}
            }
        }
    }
    let mut text = words.join(" ");
    if text.len() > 16 * 1024 {
        let mut end = 16 * 1024;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Catalogs a model file where it is (models are never copied: they are large and tools load
/// them from their own folders): its header facts and hashes. An unchanged file already
/// cataloged at the same path is not read again.
fn prepare_model(
    path: &Path,
    what: &str,
    size: u64,
    mtime_ms: Option<i64>,
    reader: Option<&atelier_catalog::Catalog>,
    s: &Settings<'_>,
) -> Outcome {
    if let (Some(reader), Some(mtime)) = (reader, mtime_ms)
        && let Ok(Some(id)) = reader.model_unchanged(path, size, mtime)
    {
        return Outcome::KnownModel(ImportedModel {
            path: path.to_path_buf(),
            id,
            new: false,
        });
    }
    let info = match atelier_media::model::read_model(path, what) {
        Ok(i) => i,
        Err(e) => return Outcome::Failed(issue(path, e.to_string())),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Copying (uploads always copy): the model is kept in the library, so the catalog never
    // points at a file that goes away with the upload's spool folder.
    let (stored_path, copy) = match s.mode {
        ImportMode::InPlace => (path.to_path_buf(), None),
        ImportMode::Copy => {
            if let Some(there) = reader.and_then(|r| r.model_by_sha256(&info.sha256).ok().flatten()) {
                return Outcome::Skipped(issue(
                    path,
                    format!("this model is already in the library as {there}"),
                ));
            }
            let copied = hash_file(path)
                .map_err(|e| format!("cannot be read: {}", io_reason(Some(&e))))
                .and_then(|hash| {
                    copy_verified(
                        s.layout,
                        &format!("models/{name}"),
                        &Content::File(path),
                        size,
                        &hash,
                    )
                });
            match copied {
                Ok((rel, created)) => {
                    let abs = s.layout.root().join(&rel);
                    (abs.clone(), created.then_some(abs))
                }
                Err(reason) => return Outcome::Failed(issue(path, reason)),
            }
        }
    };
    let facts = serde_json::json!({
        "base_model": info.base_model,
        "trigger_words": info.trigger_words,
        "output_name": info.output_name,
        "details": info.details,
    });
    Outcome::Model(
        Box::new(atelier_catalog::NewModel {
            id: atelier_domain::ModelId::new_v7(),
            project: s.targets.project,
            key: atelier_media::generation::model_key(&name),
            output_key: info
                .output_name
                .as_deref()
                .map(atelier_media::generation::model_key),
            path: stored_path,
            name,
            format: info.format.clone(),
            bytes: size,
            mtime_ms,
            sha256: info.sha256,
            addnet: info.addnet,
            info: facts.to_string(),
            added_at: now_ms(),
        }),
        copy,
    )
}

/// A file's content as the importer holds it: in memory, or (videos) only on disk.
enum Content<'a> {
    Bytes(Vec<u8>),
    File(&'a Path),
}

/// BLAKE3 of a file, read as a stream.
pub(crate) fn hash_file(path: &Path) -> std::io::Result<blake3::Hash> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(fs::File::open(path)?)?;
    Ok(hasher.finalize())
}

/// Copies `content` (`size` bytes) to `originals/<rel>` (a free name: clashes get " (2)"),
/// verifying the written copy's hash before it takes its name. Returns the relative path and
/// whether a new file was made (an identical file already at the name is reused: a resumed
/// import).
fn copy_verified(
    layout: &Layout,
    rel: &str,
    content: &Content<'_>,
    size: u64,
    hash: &blake3::Hash,
) -> Result<(String, bool), String> {
    use std::io::Write;
    let originals = layout.originals();
    let mut tmp = tempfile::NamedTempFile::new_in(layout.originals_tmp())
        .map_err(|e| format!("could not copy: {e}"))?;
    match content {
        Content::Bytes(bytes) => tmp.write_all(bytes),
        Content::File(p) => {
            fs::File::open(p).and_then(|mut f| std::io::copy(&mut f, tmp.as_file_mut()).map(drop))
        }
    }
    .map_err(|e| format!("could not copy: {e}"))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| format!("could not copy: {e}"))?;
    let written = hash_file(tmp.path()).map_err(|e| format!("could not verify the copy: {e}"))?;
    if written != *hash {
        return Err("the copy did not match the original (verification failed); nothing was kept".into());
    }
    let (stem, ext) = match rel.rfind('.') {
        Some(i) if !rel[i..].contains('/') => (&rel[..i], &rel[i..]),
        _ => (rel, ""),
    };
    for n in 1..10_000u32 {
        let candidate = if n == 1 {
            rel.to_string()
        } else {
            format!("{stem} ({n}){ext}")
        };
        let dest = originals.join(&candidate);
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("could not create {}: {e}", parent.display()))?;
        }
        // A hard link never replaces an existing file, so two workers can't take one name.
        match fs::hard_link(tmp.path(), &dest) {
            Ok(()) => return Ok((format!("originals/{candidate}"), true)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let same = fs::metadata(&dest).is_ok_and(|m| m.len() == size)
                    && hash_file(&dest).is_ok_and(|h| h == *hash);
                if same {
                    return Ok((format!("originals/{candidate}"), false));
                }
            }
            Err(e) => return Err(format!("could not copy into the library: {e}")),
        }
    }
    Err("could not find a free name in the library for the copy".into())
}

impl Library {
    /// Reads one file as the importer would (content, metadata, thumbnail written to the
    /// cache) without cataloging it: what a file that changed on disk now holds. `Err` carries
    /// the reason it can't be read.
    pub(crate) fn analyse(&self, path: &Path) -> Result<NewAsset, FileIssue> {
        let me = self.me();
        let cancel = CancelToken::new();
        let settings = Settings {
            layout: self.layout(),
            targets: Targets {
                user: me.user,
                brand: me.personal,
                project: me.inbox,
            },
            mode: ImportMode::InPlace,
            template: None,
            tags: Vec::new(),
            source: Source::Imported,
            cancel: &cancel,
        };
        match prepare(path, 1, None, &settings) {
            Outcome::Ready(p) => Ok(p.asset),
            Outcome::Skipped(i) | Outcome::Failed(i) => Err(i),
            Outcome::Duplicate(d) => Err(issue(&d.path, "already in the library")),
            Outcome::NotStarted(_) => Err(issue(path, "not read")),
            Outcome::Model(..) | Outcome::KnownModel(_) => {
                Err(issue(path, "a model file, not an image or video"))
            }
        }
    }
}

/// Whether the importer passes over a file at `path` below `root`: any hidden or system
/// folder or file name between them, or a sidecar (the folders above `root` don't count).
pub(crate) fn passed_over(path: &Path, root: &Path) -> bool {
    let below = path.strip_prefix(root).unwrap_or(path);
    below
        .components()
        .any(|c| is_system_name(&c.as_os_str().to_string_lossy()))
        || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_and_hidden_names_are_skipped() {
        for n in [".DS_Store", "Thumbs.db", "@eaDir", ".git", "desktop.ini"] {
            assert!(is_system_name(n), "{n}");
        }
        assert!(!is_system_name("IMG_0001.JPG"));
    }

    #[test]
    fn import_tags_come_first_and_are_capped() {
        let given = vec!["Client".to_string()];
        let keywords: Vec<String> = (0..100)
            .map(|i| format!("k{i}"))
            .chain(["client".to_string()])
            .collect();
        let tags = names::asset_tags(&given, &keywords);
        assert_eq!(tags.len(), MAX_TAGS_PER_ASSET);
        assert_eq!(tags[0], "Client");
    }
}
