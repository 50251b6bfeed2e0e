//! The command line of `atelier-bench`, as scripts/bench.sh and docs/benchmarks.md rely on it:
//! the subcommands and flags `atelier bench …` had, and the JSON they print. Keep it stable.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Atelier's benchmarks: a synthetic library, timed queries, bulk edits, living folders,
/// thumbnails and similarity (docs/benchmarks.md).
#[derive(Debug, Parser)]
#[command(name = "atelier-bench", version, about, propagate_version = true)]
pub struct Cli {
    /// The library folder (default: the OS data folder, e.g. ~/.local/share/atelier/library).
    /// `thumbs` and `similar` don't use one.
    #[arg(long, global = true, env = "ATELIER_LIBRARY", value_name = "DIR")]
    pub library: Option<PathBuf>,
    /// Act as another local user of this library (a brand member).
    #[arg(long = "as", global = true, value_name = "USER")]
    pub as_user: Option<String>,
    /// What to measure.
    #[command(subcommand)]
    pub command: BenchCommand,
}

/// The benchmarks.
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
        /// Give every asset a small file that is also its grid thumbnail (for timing transfers).
        #[arg(long)]
        files: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Time bulk organising on a synthetic library: tag, rate and file every approved asset in
    /// one call each, then the counts (changes the library).
    Organise {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Make a watched folder of N small files, each cataloged as added in place (for timing
    /// `atelier reconcile` on an unchanged tree).
    Watched {
        /// How many files.
        #[arg(long, value_name = "N")]
        files: u64,
        /// Where to make the folder (must not exist or be empty; outside the library).
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Time the watcher: files written one at a time (latency to an asset with its thumbnail),
    /// then a burst copied in at once.
    Watch {
        /// The JPEG to write (copies are made unique).
        #[arg(long, value_name = "FILE")]
        sample: PathBuf,
        /// Where to make the watched folder.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// Files written one at a time.
        #[arg(long, default_value_t = 20)]
        singles: usize,
        /// Files in the burst.
        #[arg(long, default_value_t = 1000)]
        burst: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Time the grid thumbnail of each file given (single thread, median of runs).
    Thumbs {
        /// Files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Runs per file.
        #[arg(long, default_value_t = 15)]
        runs: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Measure Find similar and duplicate detection on a labelled set made from a folder of
    /// photos (variants: re-encodes, resizes, crops, brightness, text, mirror; bursts from
    /// video clips): recall@10, false duplicates, signature cost. Works in a folder of its own.
    Similar {
        /// Folder of JPEG or PNG photos.
        #[arg(long, value_name = "DIR")]
        photos: PathBuf,
        /// Folder of video clips to cut bursts from (three frames half a second apart).
        #[arg(long, value_name = "DIR")]
        videos: Option<PathBuf>,
        /// Work folder (emptied first; the set and its library are made there).
        #[arg(long, value_name = "DIR")]
        work: PathBuf,
        /// At most this many photos.
        #[arg(long, default_value_t = 200)]
        max: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Time similarity queries and duplicate detection on this library.
    SimilarSpeed {
        /// Queries.
        #[arg(long, default_value_t = 30)]
        runs: usize,
        /// Print JSON.
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
