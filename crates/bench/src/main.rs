//! `atelier-bench`: the benchmarks' command line. Parses arguments, runs a benchmark of the
//! atelier-bench library, prints text for people or JSON for scripts (scripts/bench.sh reads
//! it). Knows no SQL and no file formats; the product's `atelier` binary knows nothing of this.

mod args;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use atelier_bench::{Bench, BenchError, SynthOptions};
use atelier_library::{CancelToken, Library, OpenOptions, Progress, ProgressSender};
use clap::Parser;
use serde::Serialize;

use crate::args::{BenchCommand, Cli};

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`| head`) is not a failure of ours.
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            match e.downcast_ref::<BenchError>() {
                Some(be) => eprintln!("error: {}", printable(&describe(be))),
                None => eprintln!("error: {}", printable(&format!("{e:#}"))),
            }
            ExitCode::FAILURE
        }
    }
}

/// "code: message" for an error, naming the rule that was broken.
fn describe(e: &BenchError) -> String {
    match e {
        BenchError::Invalid(i) => format!("{}: {}", i.code, i.message),
        other => format!("{}: {other}", other.code()),
    }
}

fn run(cli: Cli) -> Result<()> {
    let Cli {
        library,
        as_user,
        command,
    } = cli;
    match command {
        // These two make or read files only: no library is opened.
        BenchCommand::Thumbs { files, runs, json } => thumbs(&files, runs, json),
        BenchCommand::Similar {
            photos,
            videos,
            work,
            max,
            json,
        } => similar(&photos, videos.as_deref(), &work, max, json),
        command => {
            let library = open(library)?;
            let bench = Bench::new(&library, as_user.as_deref())?;
            measure(&bench, command)?;
            finish(&library)
        }
    }
}

fn open(library: Option<PathBuf>) -> Result<Library> {
    let root = match library {
        Some(r) => r,
        None => Library::default_root()
            .context("no data folder is known for this user: pass --library DIR or set ATELIER_LIBRARY")?,
    };
    // ATELIER_TRASH_DIR: where deleted in-place files go instead of the system trash (tests).
    let options = OpenOptions {
        trash_dir: std::env::var_os("ATELIER_TRASH_DIR").map(PathBuf::from),
    };
    Ok(Library::open_with(&root, options).map_err(BenchError::from)?)
}

/// Leaves the library as an `atelier` command leaves it: sidecars written, old Trash purged.
fn finish(library: &Library) -> Result<()> {
    let sidecars = library.write_sidecars().map_err(BenchError::from)?;
    if let Err(e) = library.purge_expired_trash() {
        eprintln!("warning: the Trash could not be emptied of old assets: {e}");
    }
    for f in &sidecars.failed {
        eprintln!(
            "warning: sidecar {} not written: {} (kept queued; retried next time)",
            f.path.display(),
            f.reason
        );
    }
    Ok(())
}

fn measure(bench: &Bench<'_>, command: BenchCommand) -> Result<()> {
    match command {
        BenchCommand::Thumbs { .. } | BenchCommand::Similar { .. } => {
            unreachable!("run without a library")
        }
        BenchCommand::Synth {
            assets,
            seed,
            files,
            json,
        } => {
            let cancel = CancelToken::new();
            let r = with_progress("Synthesising", |progress| {
                bench.synth(SynthOptions { assets, seed, files }, &cancel, progress)
            })?;
            if json {
                print_json(&r)?;
            } else {
                text(format_args!(
                    "Added {} synthetic assets ({} brands, {} projects, {} collections, {} campaigns, {} tags) in {:.1} s",
                    r.assets,
                    r.brands,
                    r.projects,
                    r.collections,
                    r.campaigns,
                    r.tags,
                    r.millis as f64 / 1000.0
                ))?;
            }
        }
        BenchCommand::Search { runs, json } => {
            let results = bench.search(runs.max(1))?;
            if json {
                print_json(&results)?;
            } else {
                text(format_args!(
                    "{:<44} {:>10} {:>9} {:>9}",
                    "query", "matches", "p50 ms", "p95 ms"
                ))?;
                for r in &results {
                    text(format_args!(
                        "{:<44} {:>10} {:>9.2} {:>9.2}",
                        r.name, r.total, r.p50_ms, r.p95_ms
                    ))?;
                }
            }
        }
        BenchCommand::Organise { json } => {
            let results = bench.organise()?;
            if json {
                print_json(&results)?;
            } else {
                for r in &results {
                    text(format_args!(
                        "{:<44} {:>10} {:>10.1} ms",
                        r.name, r.total, r.p50_ms
                    ))?;
                }
            }
        }
        BenchCommand::Watched { files, dir, json } => {
            let r = bench.watched_tree(&dir, files)?;
            if json {
                print_json(&r)?;
            } else {
                text(format_args!(
                    "Made {} files in {}, cataloged and watched, in {:.1} s",
                    r.files,
                    r.folder.display(),
                    r.millis as f64 / 1000.0
                ))?;
            }
        }
        BenchCommand::Watch {
            sample,
            dir,
            singles,
            burst,
            json,
        } => {
            let bytes =
                std::fs::read(&sample).with_context(|| format!("cannot read {}", sample.display()))?;
            let r = bench.watch(&dir, &bytes, singles, burst)?;
            if json {
                print_json(&r)?;
            } else {
                text(format_args!(
                    "latency (close → asset with thumbnail) over {} files: p50 {:.0} ms, p95 {:.0} ms; burst of {}: {} imported in {:.1} s; {} assets in the project",
                    r.single_files,
                    r.latency_p50_ms,
                    r.latency_p95_ms,
                    r.burst_files,
                    r.burst_imported,
                    r.burst_ms as f64 / 1000.0,
                    r.assets_after
                ))?;
            }
        }
        BenchCommand::SimilarSpeed { runs, json } => {
            let r = bench.similar_speed(runs)?;
            if json {
                print_json(&r)?;
            } else {
                text(format_args!(
                    "{} signatures loaded in {:.2} s; top-50 query p50 {:.1} ms, p95 {:.1} ms (in one brand p50 {:.1} ms); all duplicate groups {:.2} s",
                    r.indexed, r.load_secs, r.query_p50_ms, r.query_p95_ms, r.brand_p50_ms, r.duplicates_secs
                ))?;
            }
        }
    }
    Ok(())
}

/// `thumbs`.
fn thumbs(files: &[PathBuf], runs: usize, json: bool) -> Result<()> {
    let r = atelier_bench::thumbnails(files, runs)?;
    if json {
        print_json(&r)?;
    } else {
        for t in &r {
            text(format_args!("{:>8.2} ms  {:<24} {}", t.p50_ms, t.format, t.path))?;
        }
    }
    Ok(())
}

/// `similar`.
fn similar(photos: &Path, videos: Option<&Path>, work: &Path, max: usize, json: bool) -> Result<()> {
    let r = atelier_bench::similar_set(photos, videos, work, max)?;
    if json {
        print_json(&r)?;
        return Ok(());
    }
    text(format_args!(
        "{} photos, {} variants: recall@10 {:.4}",
        r.photos, r.variants, r.recall_at_10
    ))?;
    for k in &r.by_kind {
        text(format_args!("  {:<9} {}/{}", k.kind, k.found, k.total))?;
    }
    for (v, o) in &r.missed {
        text(format_args!("  missed: {v} (original {o})"))?;
    }
    text(format_args!(
        "false duplicates: {} of {} pairs of distinct photos; re-encodes and resizes grouped with their original: {}/{}",
        r.false_duplicate_pairs, r.distinct_pairs, r.duplicates_found, r.duplicates_expected
    ))?;
    for n in &r.duplicates_missed {
        text(format_args!("  not grouped with its original: {n}"))?;
    }
    for (frame, intruder) in &r.bursts_missed {
        text(format_args!(
            "  burst frame {frame}: {intruder} ranked among its siblings"
        ))?;
    }
    text(format_args!(
        "bursts: {}/{} frames have their siblings ranked above every photo",
        r.bursts_ranked_first, r.burst_queries
    ))?;
    text(format_args!(
        "per asset: thumbnail {:.2} ms, signature {:.3} ms (medians, one thread); import of the set {:.1} s",
        r.thumbnail_ms, r.signature_ms, r.import_secs
    ))?;
    Ok(())
}

/// Prints a value as JSON on stdout, one line.
fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let mut out = io::stdout().lock();
    let written = serde_json::to_writer(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out));
    match written {
        // A reader that stopped early (`| head`) is not an error of ours.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Prints a line for people, control characters escaped.
fn text(line: std::fmt::Arguments<'_>) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{}", printable(&line.to_string()))
}

/// `text` with control characters escaped as `\u{1b}` (line breaks and tabs kept).
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\t' && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs a long job, reporting its progress on stderr as a plain line at every tenth: a
/// benchmark's output is read from logs, where a redrawn bar is noise.
fn with_progress<T>(label: &str, job: impl FnOnce(&ProgressSender) -> T) -> T {
    let (tx, rx) = crossbeam_channel::unbounded::<Progress>();
    let label = label.to_string();
    let printer = std::thread::spawn(move || {
        let mut next_tenth = 1;
        for p in rx {
            let Some(total) = p.total.filter(|t| *t > 0) else {
                continue;
            };
            if p.done * 10 >= total * next_tenth {
                eprintln!("{label}: {}/{total}", p.done);
                next_tenth = p.done * 10 / total + 1;
            }
        }
    });
    let out = job(&Some(tx));
    let _ = printer.join();
    out
}
