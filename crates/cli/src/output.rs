//! Printing: text for people, JSON (the stable contract) for scripts, and progress bars that
//! appear only on a terminal.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Result;
use atelier_library::{BulkReport, ImportReport, LibraryError, LocalAsset, Page, Progress, ProgressSender};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use serde_json::json;

/// "code: message" for an error, naming the rule that was broken.
pub fn describe(e: &LibraryError) -> String {
    match e {
        LibraryError::Invalid(i) => format!("{}: {}", i.code, i.message),
        other => format!("{}: {other}", other.code()),
    }
}

/// Prints a value as JSON on stdout.
pub fn json<T: Serialize>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out));
    match written {
        // A reader that stopped early (`| head`) is not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Runs a long job with a progress bar on stderr when it is a terminal.
pub fn with_progress<T>(label: &str, job: impl FnOnce(&ProgressSender) -> T) -> T {
    if !interactive() {
        return job(&None);
    }
    let (tx, rx) = crossbeam_channel::unbounded::<Progress>();
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(label.to_string());
    let drawer = {
        let bar = bar.clone();
        std::thread::spawn(move || {
            for p in rx {
                if let Some(t) = p.total {
                    bar.set_length(t);
                }
                bar.set_position(p.done);
            }
        })
    };
    let out = job(&Some(tx));
    let _ = drawer.join();
    bar.finish_and_clear();
    out
}

/// The import report in the CLI's JSON contract (plus the imported ids and where duplicates
/// already are).
pub fn import_json(r: &ImportReport) -> serde_json::Value {
    json!({
        "imported": r.imported.len(),
        "duplicates": r.duplicates.len(),
        "skipped": r.skipped,
        "failed": r.failed,
        "assets": r.imported,
        "duplicate_of": r.duplicates,
        "models": r.models,
        "cancelled": r.cancelled,
        "stopped": r.stopped,
    })
}

/// The import report for people.
pub fn import_text(r: &ImportReport) -> io::Result<()> {
    let mut lines = vec![format!(
        "Imported {}; {} already in the library; {} skipped; {} failed",
        r.imported.len(),
        r.duplicates.len(),
        r.skipped.len(),
        r.failed.len()
    )];
    if let Some(why) = &r.stopped {
        lines.push(format!("Stopped early: {why}"));
    }
    let new_models = r.models.iter().filter(|m| m.new).count();
    if !r.models.is_empty() {
        lines.push(format!(
            "Models: {new_models} cataloged, {} already known",
            r.models.len() - new_models
        ));
    }
    for d in &r.duplicates {
        lines.push(format!(
            "  already in library: {} (same as {})",
            d.path.display(),
            d.existing_path
        ));
    }
    for s in &r.skipped {
        lines.push(format!("  skipped: {}: {}", s.path.display(), s.reason));
    }
    for f in &r.failed {
        lines.push(format!("  failed:  {}: {}", f.path.display(), f.reason));
    }
    for l in lines {
        text(format_args!("{l}"))?;
    }
    Ok(())
}

/// A page of results for people.
pub fn page_text(p: &Page) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for a in &p.items {
        let stars = "★".repeat(usize::from(a.rating.stars()));
        writeln!(
            out,
            "{}  {:<40}  {:<9} {:<9} {:<5} {:>5}x{:<5} {}",
            a.id,
            truncate(&a.name, 40),
            a.source.as_str(),
            a.status.as_str(),
            stars,
            a.width,
            a.height,
            a.tags.join(", ")
        )?;
    }
    writeln!(out, "{} match{}", p.total, if p.total == 1 { "" } else { "es" })?;
    if let Some(next) = &p.next {
        writeln!(out, "more: --cursor {next}")?;
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

/// One asset for people.
pub fn detail_text(d: &LocalAsset) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let mut line = |k: &str, v: &str| -> io::Result<()> {
        if v.is_empty() {
            Ok(())
        } else {
            writeln!(out, "{k:<13} {v}")
        }
    };
    let s = &d.summary;
    line("id", &s.id.to_string())?;
    line("name", &s.name)?;
    line("kind", s.kind.as_str())?;
    line("source", s.source.as_str())?;
    line("status", s.status.as_str())?;
    line("rating", &s.rating.to_string())?;
    line("flag", s.flag.as_str())?;
    line("tags", &s.tags.join(", "))?;
    line("brand", &s.brand)?;
    line("project", &s.project)?;
    line(
        "size",
        &format!("{}×{} px, {} bytes, {}", s.width, s.height, s.bytes, d.mime),
    )?;
    line("added", &s.added_at)?;
    line("captured", s.captured_at.as_deref().unwrap_or(""))?;
    line("path", &d.path.to_string_lossy())?;
    line("hash", &d.hash)?;
    line("title", d.title.as_deref().unwrap_or(""))?;
    line("description", d.description.as_deref().unwrap_or(""))?;
    if let Some(obj) = d.exif.as_object() {
        for (k, v) in obj {
            line(k, v.to_string().trim_matches('"'))?;
        }
    }
    if let Some(g) = &d.generation {
        for k in [
            "tool",
            "prompt",
            "negative_prompt",
            "model",
            "seed",
            "sampler",
            "steps",
            "cfg",
        ] {
            if let Some(v) = g.get(k).filter(|v| !v.is_null()) {
                line(
                    k,
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                        .as_str(),
                )?;
            }
        }
    }
    line("collections", &d.collections.join(", "))?;
    line("campaigns", &d.campaigns.join(", "))?;
    line("thumbnail", d.thumbnail.as_deref().unwrap_or(""))
}

/// Writes a line of text on stdout, with control characters shown escaped (a file named
/// with an escape sequence must not drive the terminal).
pub fn text(line: std::fmt::Arguments<'_>) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{}", printable(&line.to_string()))
}

/// `text` with control characters escaped as `\u{1b}` (line breaks and tabs kept: they
/// only lay text out; escape sequences and carriage returns could drive the terminal).
pub fn printable(text: &str) -> String {
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

/// A bulk report: one line, then each skipped and failed asset with its reason. Fails the
/// command when nothing was done.
pub fn bulk_report(verb: &str, r: &BulkReport, as_json: bool) -> Result<ExitCode> {
    if as_json {
        json(r)?;
    } else {
        text(format_args!("{verb} {} of {}", r.succeeded.len(), r.requested))?;
        for s in &r.skipped {
            text(format_args!("  skipped {}: {}", s.id, s.message))?;
        }
        for f in &r.failed {
            text(format_args!("  failed  {}: {}: {}", f.id, f.code, f.message))?;
        }
    }
    Ok(
        if r.succeeded.is_empty() && (!r.failed.is_empty() || r.skipped.is_empty()) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// Whether progress bars may be drawn (a person is watching a terminal).
pub fn interactive() -> bool {
    std::io::stderr().is_terminal()
}
