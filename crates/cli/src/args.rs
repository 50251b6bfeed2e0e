//! The command line, as scripts and tests rely on it (issue 2's contract): keep it stable.

use std::path::PathBuf;

use atelier_domain::{AssetQuery, Bucket, Flag, Kind, Rating, Sort, Source, Status, TagMode};
use clap::{Args, Parser, Subcommand};

/// Atelier: a digital-asset manager for photographers, designers and AI artists.
#[derive(Debug, Parser)]
#[command(name = "atelier", version, about, propagate_version = true)]
pub struct Cli {
    /// The library folder (default: the OS data folder, e.g. ~/.local/share/atelier/library).
    #[arg(long, global = true, env = "ATELIER_LIBRARY", value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import files and folders (recursively) into the library.
    Import(ImportArgs),
    /// Search and list assets.
    Search(SearchArgs),
    /// Show everything about one asset.
    Show(ShowArgs),
    /// Export originals as a zip.
    Export(ExportArgs),
    /// Count the rail's buckets: all, recently added (7 days), unfiled.
    Buckets {
        /// Brand scope (default: all brands).
        #[arg(long, value_name = "NAME")]
        brand: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Benchmarks and fixtures.
    #[command(subcommand)]
    Bench(BenchCommand),
}

/// `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or folders to import.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Copy into the library (verified) instead of adding files where they are.
    #[arg(long)]
    pub copy: bool,
    /// Rename template for copies, e.g. "{date:%Y-%m-%d}_{seq:04}.{ext}".
    #[arg(long, value_name = "TEMPLATE")]
    pub rename: Option<String>,
    /// Project to import into (created when missing; default Inbox).
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Brand for everything imported (created when missing; default your Personal brand).
    #[arg(long, value_name = "NAME")]
    pub brand: Option<String>,
    /// Tag for everything imported (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The filters shared by `search`, `export` and every command that takes a selection.
#[derive(Debug, Args, Default, Clone)]
pub struct FilterArgs {
    /// Tag (repeatable; a parent path includes its children).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Whether any (default) or all of the tags must match.
    #[arg(long = "tags", value_name = "any|all")]
    pub tag_mode: Option<TagMode>,
    /// Source (repeatable): uploaded, imported, generated.
    #[arg(long = "source", value_name = "S")]
    pub sources: Vec<Source>,
    /// Rating (repeatable): 0 (none) to 5.
    #[arg(long = "rating", value_name = "N")]
    pub ratings: Vec<Rating>,
    /// Status (repeatable): draft, in_review, approved, rejected, archived.
    #[arg(long = "status", value_name = "S")]
    pub statuses: Vec<Status>,
    /// Flag (repeatable): none, pick, reject.
    #[arg(long = "flag", value_name = "F")]
    pub flags: Vec<Flag>,
    /// Campaign name.
    #[arg(long, value_name = "NAME")]
    pub campaign: Option<String>,
    /// Collection path, e.g. "Shoots/2026/June".
    #[arg(long, value_name = "PATH")]
    pub collection: Option<String>,
    /// With --collection: include its sub-collections.
    #[arg(long, requires = "collection")]
    pub nested: bool,
    /// Bucket: all, recent (added in the last 7 days) or unfiled.
    #[arg(long, value_name = "all|recent|unfiled")]
    pub bucket: Option<Bucket>,
    /// Project name.
    #[arg(long, value_name = "NAME")]
    pub project: Option<String>,
    /// Brand name (the brand scope).
    #[arg(long, value_name = "NAME")]
    pub brand: Option<String>,
    /// Images or videos only.
    #[arg(long, value_name = "image|video")]
    pub kind: Option<Kind>,
}

impl FilterArgs {
    /// The query these filters describe.
    pub fn query(&self, text: Option<String>) -> AssetQuery {
        AssetQuery {
            text,
            tags: self.tags.clone(),
            tag_mode: self.tag_mode.unwrap_or_default(),
            sources: self.sources.clone(),
            ratings: self.ratings.clone(),
            statuses: self.statuses.clone(),
            flags: self.flags.clone(),
            campaign: self.campaign.clone(),
            collection: self.collection.clone(),
            nested: self.nested,
            bucket: self.bucket.unwrap_or_default(),
            project: self.project.clone(),
            brand: self.brand.clone(),
            kind: self.kind,
            sort: None,
            limit: None,
            cursor: None,
        }
    }

    /// Whether any filter is given.
    pub fn any(&self) -> bool {
        let q = self.query(None);
        q.has_filters() || q.brand.is_some() || q.bucket != Bucket::All
    }
}

/// `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to find in file names, prompts and tags (each matches as a prefix).
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,
    /// Filters.
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Order: added (default; relevance first when searching text) or captured.
    #[arg(long, value_name = "added|captured")]
    pub sort: Option<Sort>,
    /// Page size, 1 to 1000 (default 100).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Continue after a previous page (its "next").
    #[arg(long, value_name = "C")]
    pub cursor: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The asset id.
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The zip to write.
    #[arg(long, value_name = "FILE")]
    pub zip: PathBuf,
    /// Asset ids (or use filters, or --all).
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Filters selecting the assets.
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Search words selecting the assets.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    /// Every asset in the library.
    #[arg(long)]
    pub all: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `bench …`.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Fill the library with synthetic assets (no image files).
    Synth {
        /// How many assets.
        #[arg(long, value_name = "N")]
        assets: u64,
        /// Random seed (the same seed gives the same library).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Time the fixed set of search queries inside this process (p50/p95 per query).
    Search {
        /// Runs of each query.
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
