//! The command line, as scripts and tests rely on it (issue 2's contract): keep it stable.

use std::path::PathBuf;

use atelier_domain::{
    AssetQuery, BrandRole, Bucket, DateRange, Flag, Kind, Label, Presence, Rating, ReviewAction, Shape, Sort,
    Source, Status, StudioRole, TagMode,
};
use clap::{Args, Parser, Subcommand};

/// Atelier: a digital-asset manager for photographers, designers and AI artists.
#[derive(Debug, Parser)]
#[command(name = "atelier", version, about, propagate_version = true)]
pub struct Cli {
    /// The library folder (default: the OS data folder, e.g. ~/.local/share/atelier/library).
    #[arg(long, global = true, env = "ATELIER_LIBRARY", value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// Act as another local user of this library (a brand member), to try roles before a
    /// studio exists.
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
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
    /// Projects: create, rename, archive, settings, delete, list.
    #[command(subcommand)]
    Project(ProjectCommand),
    /// Brands: create, rename, kit, members, anchors, list.
    #[command(subcommand)]
    Brand(BrandCommand),
    /// Collections: a nested tree per brand.
    #[command(subcommand)]
    Collection(CollectionCommand),
    /// Tags: add, remove, rename everywhere, merge, delete, list.
    #[command(subcommand)]
    Tag(TagCommand),
    /// Campaigns of a brand.
    #[command(subcommand)]
    Campaign(CampaignCommand),
    /// Set the rating (0 clears it) of a selection.
    Rate {
        /// 0 (none) to 5.
        rating: Rating,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Set the colour label of a selection: red, yellow, green, blue, purple, or none.
    Label {
        /// The colour.
        label: Label,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Set the culling flag of a selection.
    Flag {
        /// pick, reject or none.
        flag: Flag,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Take a review action: submit, approve, reject (request changes), revise, archive, unarchive.
    Review {
        /// The action.
        action: ReviewAction,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
        /// A note for the audit log (up to 2,000 characters).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
    },
    /// Stack assets as one card (the cover on top: by default the first JPEG or HEIC).
    Stack {
        /// The asset ids (at least two).
        #[arg(required = true, num_args = 2..)]
        ids: Vec<String>,
        /// The cover (one of the ids).
        #[arg(long)]
        cover: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The assets that look most like one (R13.1): re-encodes, resizes, crops, edits, the
    /// same scene. Within the filters given (brand, project…), closest first.
    Similar {
        /// The asset id.
        id: String,
        /// How many, 1 to 500.
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: usize,
        /// The scope.
        #[command(flatten)]
        filters: FilterArgs,
        /// Print JSON (the items of `search`, each with its `distance`).
        #[arg(long)]
        json: bool,
    },
    /// Near-duplicate groups (R13.2), or `duplicates merge` to keep one of a group.
    #[command(args_conflicts_with_subcommands = true)]
    Duplicates {
        /// Merge a group into the one kept.
        #[command(subcommand)]
        merge: Option<DuplicatesCommand>,
        /// Count photos captured at different moments (bursts) as duplicates too.
        #[arg(long)]
        include_bursts: bool,
        /// The scope.
        #[command(flatten)]
        filters: FilterArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Dissolve the stacks these assets are in.
    Unstack {
        /// Asset ids.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a new Draft from an asset, pointing to it.
    Fork {
        /// The asset id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Move a selection to another project (--project P) or brand (--brand B). Here --project
    /// and --brand name the destination, not a filter.
    Move {
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Rename one asset.
    Rename {
        /// The asset id.
        id: String,
        /// The new file name.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a selection: it goes to the Trash, restorable for 30 days (approved work is
    /// refused: archive it first).
    Delete {
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// The Trash: deleted assets wait there for 30 days, with everything they had.
    #[command(subcommand)]
    Trash(TrashCommand),
    /// The studio this library shares through: sign in, status, sign out.
    #[command(subcommand)]
    Studio(StudioCommand),
    /// Push what waits for the studio and pull what changed there, once; prints what moved.
    Sync {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Download other members' originals from the studio (they are only there until then):
    /// the assets given, or every one of a project (make it available offline).
    Download {
        /// Asset ids.
        #[arg(value_name = "ID")]
        ids: Vec<String>,
        /// Every original of this project that isn't here yet.
        #[arg(long, value_name = "NAME")]
        project: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Watch every project's folders in the foreground (reconciling first), until interrupted.
    Watch {
        /// Print each event as a JSON line.
        #[arg(long)]
        json: bool,
    },
    /// AI model files (imported like any file): list them, or show one with what it made.
    #[command(subcommand)]
    Model(ModelCommand),
    /// Compare watched folders and files added in place with the catalog now.
    Reconcile {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve the web UI on 127.0.0.1 for a browser, until interrupted.
    Serve {
        /// The port (0 or absent: a free one).
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// The cameras, lenses and file types in the library (what `search --camera`, `--lens` and
    /// `--type` take), with counts.
    Facets {
        /// Brand scope (default: all brands).
        #[arg(long, value_name = "NAME")]
        brand: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Count the rail's buckets: all, recently added (7 days), unfiled.
    Buckets {
        /// Brand scope (default: all brands).
        #[arg(long, value_name = "NAME")]
        brand: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
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
    /// At least this many stars, 1 to 5 ("3★ and up").
    #[arg(long, value_name = "N")]
    pub min_rating: Option<Rating>,
    /// Colour label (repeatable): red, yellow, green, blue, purple, none.
    #[arg(long = "label", value_name = "COLOUR")]
    pub labels: Vec<Label>,
    /// Camera, as `atelier facets` lists it (repeatable), e.g. "Canon EOS 5D".
    #[arg(long = "camera", value_name = "NAME")]
    pub cameras: Vec<String>,
    /// Lens, as listed (repeatable).
    #[arg(long = "lens", value_name = "NAME")]
    pub lenses: Vec<String>,
    /// File type (repeatable): jpeg, png, heif, webp, tiff, cr2, nef, mp4, mov…
    #[arg(long = "type", value_name = "TYPE")]
    pub file_types: Vec<String>,
    /// Orientation (repeatable): landscape, portrait, square.
    #[arg(long = "orientation", value_name = "SHAPE")]
    pub shapes: Vec<Shape>,
    /// Only assets that know where they were taken (`--gps yes`), or only those that don't.
    #[arg(long, value_name = "yes|no", value_parser = yes_no)]
    pub gps: Option<bool>,
    /// Original's presence (repeatable): missing, offline (files that need attention), ok, remote.
    #[arg(long = "presence", value_name = "P")]
    pub presences: Vec<Presence>,
    /// Captured on or after this day (YYYY-MM-DD, the camera's clock).
    #[arg(long, value_name = "DATE")]
    pub captured_from: Option<String>,
    /// Captured on or before this day.
    #[arg(long, value_name = "DATE")]
    pub captured_to: Option<String>,
    /// Added on or after this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    pub added_from: Option<String>,
    /// Added on or before this day.
    #[arg(long, value_name = "DATE")]
    pub added_to: Option<String>,
}

fn yes_no(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "y" => Ok(true),
        "no" | "false" | "n" => Ok(false),
        other => Err(format!("'{other}': expected yes or no")),
    }
}

fn range(from: &Option<String>, to: &Option<String>) -> Option<DateRange> {
    (from.is_some() || to.is_some()).then(|| DateRange {
        from: from.clone(),
        to: to.clone(),
        offset_minutes: 0,
    })
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
            min_rating: self.min_rating,
            labels: self.labels.clone(),
            cameras: self.cameras.clone(),
            lenses: self.lenses.clone(),
            file_types: self.file_types.clone(),
            shapes: self.shapes.clone(),
            gps: self.gps,
            presences: self.presences.clone(),
            captured: range(&self.captured_from, &self.captured_to),
            added: range(&self.added_from, &self.added_to),
            sort: None,
            ascending: false,
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
    /// Order: added (default; relevance first when searching text), captured, name, rating,
    /// size or dimensions — newest, largest, most stars first; names A to Z.
    #[arg(long, value_name = "ORDER")]
    pub sort: Option<Sort>,
    /// The other way round: oldest, smallest, fewest stars first; names Z to A.
    #[arg(long, requires = "sort")]
    pub reverse: bool,
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
    /// The zip to write (outside the library folder).
    #[arg(long, value_name = "FILE")]
    pub zip: PathBuf,
    /// Replace FILE if it exists (only a regular file is ever replaced).
    #[arg(long)]
    pub force: bool,
    /// The assets.
    #[command(flatten)]
    pub sel: SelArgs,
}

/// `duplicates …`.
#[derive(Debug, Subcommand)]
pub enum DuplicatesCommand {
    /// Keep one asset: it gets the others' tags, best rating, collections and campaigns; then
    /// the others are deleted, stacked under it, or left (`--then`).
    Merge {
        /// The asset to keep.
        keep: String,
        /// The assets merged into it.
        #[arg(required = true)]
        others: Vec<String>,
        /// What happens to the others: delete, stack or keep.
        #[arg(long, value_name = "delete|stack|keep")]
        then: DisposeArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// What happens to merged duplicates.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DisposeArg {
    /// Delete them (approved assets and stacks are refused).
    Delete,
    /// Stack them under the one kept.
    Stack,
    /// Leave them.
    Keep,
}

/// A selection: asset ids, or the filters of `search`, or `--all`.
#[derive(Debug, Args, Default, Clone)]
pub struct SelArgs {
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

/// `project …`.
#[derive(Debug, Subcommand)]
pub enum ProjectCommand {
    /// Create a project.
    Create {
        /// Its name (unique among your projects).
        name: String,
        /// Default brand for its new assets.
        #[arg(long, value_name = "B")]
        brand: Option<String>,
        /// A description.
        #[arg(long, value_name = "D")]
        description: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rename a project.
    Rename {
        /// Current name.
        old: String,
        /// New name.
        new: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Hide a project from the active list (nothing is deleted).
    Archive {
        /// The project.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Bring an archived project back.
    Unarchive {
        /// The project.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Share a project with the studio.
    Share {
        /// The project.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stop sharing a project.
    Unshare {
        /// The project.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Keep a shared project's originals in this library: each sync downloads those only on
    /// the studio, newest first (`--off`: stop; what is here stays).
    Offline {
        /// The project.
        name: String,
        /// Stop keeping it offline.
        #[arg(long)]
        off: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a project and everything in it (type its name again with --confirm).
    Delete {
        /// The project.
        name: String,
        /// The project's name, typed again.
        #[arg(long, value_name = "NAME")]
        confirm: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List your projects.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A project's storage and project count against the studio's plan limits.
    Usage {
        /// The project.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Folders the project watches: add, remove, list.
    #[command(subcommand)]
    Watch(WatchCommand),
    /// Change a project's settings.
    Settings {
        /// The project.
        name: String,
        /// Default brand for new assets ("" clears it).
        #[arg(long, value_name = "B")]
        default_brand: Option<String>,
        /// Import mode: copy or in-place.
        #[arg(long = "import", value_name = "copy|in-place")]
        import_mode: Option<String>,
        /// Rename template for copies ("" clears it).
        #[arg(long, value_name = "TEMPLATE")]
        rename: Option<String>,
        /// Default tag (repeatable; replaces the list).
        #[arg(long = "default-tag", value_name = "TAG")]
        default_tags: Vec<String>,
        /// Description.
        #[arg(long, value_name = "D")]
        description: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `project watch …`.
#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Watch a folder: files that appear in it are imported into the project.
    Add {
        /// The project.
        project: String,
        /// The folder.
        dir: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stop watching a folder (its assets stay).
    Remove {
        /// The project.
        project: String,
        /// The folder.
        dir: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the folders a project watches.
    List {
        /// The project.
        project: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `brand …`.
#[derive(Debug, Subcommand)]
pub enum BrandCommand {
    /// Create a team brand (you become its Manager).
    Create {
        /// Its name.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rename a brand.
    Rename {
        /// Current name.
        old: String,
        /// New name.
        new: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the brands you can see.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show or edit a brand's kit.
    Kit {
        /// The brand.
        name: String,
        /// Whether Managers may approve their own work.
        #[arg(long, value_name = "on|off")]
        self_approval: Option<OnOff>,
        /// Prompt prefix (up to 500 characters; "" clears it).
        #[arg(long, value_name = "T")]
        prefix: Option<String>,
        /// Prompt suffix (up to 500 characters; "" clears it).
        #[arg(long, value_name = "T")]
        suffix: Option<String>,
        /// Ban a term (repeatable; at most 64).
        #[arg(long = "ban", value_name = "TERM")]
        ban: Vec<String>,
        /// Allow a banned term again (repeatable).
        #[arg(long = "unban", value_name = "TERM")]
        unban: Vec<String>,
        /// Kit colour, #RRGGBB ("" clears it).
        #[arg(long, value_name = "#RRGGBB")]
        color: Option<String>,
        /// Palette colour (repeatable; replaces the palette; at most 16).
        #[arg(long = "palette", value_name = "#RRGGBB")]
        palette: Vec<String>,
        /// Logo asset id.
        #[arg(long, value_name = "ID")]
        logo: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add, remove or change the role of a member.
    Member {
        /// The brand.
        name: String,
        /// add, remove or role.
        op: MemberOp,
        /// The user (a local user is created when new).
        user: String,
        /// The role (default creator).
        #[arg(long, value_name = "manager|creator|viewer")]
        role: Option<BrandRole>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pin assets as the brand's anchors (at most 16).
    Pin {
        /// The brand.
        name: String,
        /// Asset ids.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Unpin anchors.
    Unpin {
        /// The brand.
        name: String,
        /// Asset ids.
        #[arg(required = true)]
        ids: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    /// On.
    On,
    /// Off.
    Off,
}

/// What `brand member` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MemberOp {
    /// Add a member.
    Add,
    /// Remove a member.
    Remove,
    /// Change a member's role.
    Role,
}

/// `collection …` (PATH nests with "/": "Shoots/2026/June").
#[derive(Debug, Subcommand)]
pub enum CollectionCommand {
    /// Create a collection (and any missing parents).
    Create {
        /// The path.
        path: String,
        /// The brand it belongs to.
        #[arg(long, value_name = "B")]
        brand: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rename a collection.
    Rename {
        /// The path.
        path: String,
        /// Its new name.
        new: String,
        /// The brand, when several have this path.
        #[arg(long, value_name = "B")]
        brand: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Move a collection under another, or to the top.
    Move {
        /// The path.
        path: String,
        /// The new parent's path.
        #[arg(
            long,
            value_name = "PATH",
            conflicts_with = "top",
            required_unless_present = "top"
        )]
        to: Option<String>,
        /// Move to the top level.
        #[arg(long)]
        top: bool,
        /// The brand, when several have this path.
        #[arg(long, value_name = "B")]
        brand: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Choose a collection's cover (one of its assets), or give it back to the automatic one.
    Cover {
        /// The path.
        path: String,
        /// The asset's id (filed in the collection or one inside it).
        #[arg(conflicts_with = "automatic", required_unless_present = "automatic")]
        asset: Option<String>,
        /// Back to the automatic cover: the newest asset in it.
        #[arg(long)]
        automatic: bool,
        /// The brand, when several have this path.
        #[arg(long, value_name = "B")]
        brand: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a collection and its sub-collections (never the assets).
    Delete {
        /// The path.
        path: String,
        /// The brand, when several have this path.
        #[arg(long, value_name = "B")]
        brand: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List a brand's collections with counts.
    List {
        /// The brand.
        #[arg(long, value_name = "B")]
        brand: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// File assets into a collection (--brand names the collection's brand; otherwise each
    /// asset's own).
    Add {
        /// The path.
        path: String,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Take assets out of a collection.
    Remove {
        /// The path.
        path: String,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
}

/// `tag …`.
#[derive(Debug, Subcommand)]
pub enum TagCommand {
    /// Add a tag to assets.
    Add {
        /// The tag (a path like client/acme is fine).
        tag: String,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Remove a tag from assets.
    Remove {
        /// The tag.
        tag: String,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Rename a tag everywhere.
    Rename {
        /// Current name.
        old: String,
        /// New name.
        new: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Merge one tag into another.
    Merge {
        /// The tag that goes.
        from: String,
        /// The tag that stays.
        into: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a tag from every asset.
    Delete {
        /// The tag.
        tag: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List tags with counts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `campaign …` (every form names the campaign's brand with --brand).
#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Create a campaign.
    Create {
        /// Its name (1–120 characters, unique in the brand).
        name: String,
        /// The brand.
        #[arg(long, value_name = "B")]
        brand: String,
        /// Description (up to 1,000 characters).
        #[arg(long, value_name = "D")]
        description: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rename a campaign.
    Rename {
        /// Current name.
        old: String,
        /// New name.
        new: String,
        /// The brand.
        #[arg(long, value_name = "B")]
        brand: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a campaign (its assets stay).
    Delete {
        /// The campaign.
        name: String,
        /// The brand.
        #[arg(long, value_name = "B")]
        brand: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List a brand's campaigns.
    List {
        /// The brand (default: every brand).
        #[arg(long, value_name = "B")]
        brand: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add assets to a campaign (--brand names the campaign's brand).
    Add {
        /// The campaign.
        name: String,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Remove assets from a campaign.
    Remove {
        /// The campaign.
        name: String,
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Make a campaign public: prints its link (the same link if it is public already).
    Publish {
        /// The campaign.
        name: String,
        /// The brand.
        #[arg(long, value_name = "B")]
        brand: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Give a public campaign a new link: the old one stops working at once.
    Regenerate {
        /// The campaign.
        name: String,
        /// The brand.
        #[arg(long, value_name = "B")]
        brand: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a campaign private again: its link stops working (publishing again makes a new one).
    Unpublish {
        /// The campaign.
        name: String,
        /// The brand.
        #[arg(long, value_name = "B")]
        brand: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `atelier trash …`
#[derive(Debug, Subcommand)]
pub enum TrashCommand {
    /// What is in the Trash, newest deleted first (the filters of `search` apply).
    List {
        /// Filters within the Trash.
        #[command(flatten)]
        filters: FilterArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Take assets out of the Trash, as they were (ids, or filters within the Trash, or --all).
    Restore {
        /// The assets.
        #[command(flatten)]
        sel: SelArgs,
    },
    /// Delete everything in the Trash for good: managed copies are removed, files added in place
    /// go to the system trash.
    Empty {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `atelier studio …`
#[derive(Debug, Subcommand)]
pub enum StudioCommand {
    /// Sign this library in to a studio and bind it to that studio and person (the sign-in is
    /// kept in the OS keyring, never in the library folder). Without --email, through the
    /// browser: prints a link (and opens it unless ATELIER_NO_BROWSER is set) where you sign in
    /// and approve this device, and waits up to 10 minutes.
    Login {
        /// The studio's address, e.g. http://studio.local:4780.
        url: String,
        /// The account's email (with --password-stdin), to sign in without the browser.
        #[arg(long, value_name = "EMAIL", requires = "password_stdin")]
        email: Option<String>,
        /// Read the password from standard input (its first line).
        #[arg(long, requires = "email")]
        password_stdin: bool,
        /// What the studio's device list calls this library (default: "Atelier on <host>").
        #[arg(long, value_name = "NAME")]
        device: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The studio, who the library acts as, their role, the connection and what waits to sync.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Sign out: the studio revokes this device and the keyring forgets it (the library stays
    /// bound to that studio and person).
    Logout,
    /// The studio's members and their studio roles; `role` and `remove` change them.
    Members {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// What to change.
        #[command(subcommand)]
        action: Option<MembersAction>,
    },
    /// Invite someone by email (Owners and Admins): prints the link to send and its expiry.
    Invite {
        /// Their email.
        email: String,
        /// Their studio role: admin or member (owner, for Owners).
        #[arg(long, default_value = "member")]
        role: StudioRole,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Pending and past invitations; `revoke` and `resend` change them.
    Invitations {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// What to change.
        #[command(subcommand)]
        action: Option<InvitationAction>,
    },
    /// Accept an invitation with its link: signs up (or in) with the invited email, then signs
    /// this library in as that person.
    Join {
        /// The invitation link.
        link: String,
        /// The invited email.
        #[arg(long)]
        email: String,
        /// Your display name (for a new account).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from standard input (its first line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Your signed-in devices; `revoke` signs one out.
    Devices {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// What to change.
        #[command(subcommand)]
        action: Option<DeviceAction>,
    },
    /// The studio's plan limits (R9.5); with --projects or --storage-per-project, sets them
    /// (Owners and Admins). "none" removes a limit.
    Limits {
        /// Projects each member may own (their Inbox aside): a number, or "none".
        #[arg(long, value_name = "N|none")]
        projects: Option<String>,
        /// Bytes of originals each project may hold: 500MB, 20GB, 1TB… or "none".
        #[arg(long, value_name = "SIZE|none")]
        storage_per_project: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Public campaign links (R8.6): whether they can be made here; `on`/`off` switches them
    /// (Owners and Admins; the studio needs --public-url). Off stops every live link.
    Sharing {
        /// Turn public sharing on or off.
        #[arg(value_enum)]
        set: Option<OnOff>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The *Couldn't sync* list: changes the studio refused, with why; `discard` takes one off,
    /// `retry` sends it again.
    Refusals {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// What to change.
        #[command(subcommand)]
        action: Option<RefusalAction>,
    },
}

/// `atelier studio refusals …`
#[derive(Debug, Subcommand)]
pub enum RefusalAction {
    /// Take an entry off the list (the change stays undone).
    Discard {
        /// The entry's id (from the list).
        id: i64,
    },
    /// Send the refused change again, as a new change the studio decides anew (it leaves the
    /// list; refused again, it comes back with the reason of now).
    Retry {
        /// The entry's id (from the list).
        id: i64,
    },
}

/// `atelier studio members …`
#[derive(Debug, Subcommand)]
pub enum MembersAction {
    /// Give a member another studio role (only an Owner grants or removes Owner; the last Owner
    /// stays one).
    Role {
        /// The member's email.
        email: String,
        /// owner, admin or member.
        role: StudioRole,
    },
    /// Remove a member from the studio: their devices are signed out at once.
    Remove {
        /// The member's email.
        email: String,
    },
}

/// `atelier studio invitations …`
#[derive(Debug, Subcommand)]
pub enum InvitationAction {
    /// Kill an invitation's link.
    Revoke {
        /// The invitation's id (from the list).
        id: String,
    },
    /// A new link for an invitation (the old one dies), valid 14 days again.
    Resend {
        /// The invitation's id (from the list).
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `atelier studio devices …`
#[derive(Debug, Subcommand)]
pub enum DeviceAction {
    /// Sign a device out of the studio at once.
    Revoke {
        /// The device's id (from the list).
        id: String,
    },
}

/// `atelier model …`
#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// List cataloged models (checkpoints, LoRAs, embeddings, GGUF).
    List {
        /// Only this project's.
        #[arg(long)]
        project: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a model (by id or file name) and the generated assets that name it.
    Show {
        /// The model's id or file name.
        model: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}
