//! One function per command: build the library call from the arguments, run it, print the
//! result. Errors end the process with a non-zero status and a message naming what to do;
//! per-file and per-asset problems are part of a successful report.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use atelier_domain::{AssetId, Cursor};
use atelier_library::{Acting, CancelToken, ImportMode, ImportOptions, Intent, Library, LibraryError};
use clap::Parser;

use crate::args::{Cli, Command, ExportArgs, ImportArgs, SearchArgs, ShowArgs};
use crate::{organise, output, similar};

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        // A reader that stopped early (`| head`) is not a failure of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            match e.downcast_ref::<LibraryError>() {
                Some(le) => eprintln!("error: {}", output::printable(&output::describe(le))),
                None => eprintln!("error: {}", output::printable(&format!("{e:#}"))),
            }
            ExitCode::FAILURE
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
    let options = atelier_library::OpenOptions {
        trash_dir: std::env::var_os("ATELIER_TRASH_DIR").map(PathBuf::from),
    };
    Library::open_with(&root, options).map_err(anyhow::Error::from)
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    let library = open(cli.library)?;
    if let Command::Serve { port } = cli.command {
        return serve(library, port);
    }
    // The studio binding is the library's, not a local user's: no --as.
    if let Command::Studio(c) = cli.command {
        return crate::studio::run(&library, c);
    }
    if let Command::Sync { json } = cli.command {
        return crate::studio::sync(&library, json);
    }
    if let Command::Download { ids, project, json } = cli.command {
        return crate::studio::download(&library, &ids, project.as_deref(), json);
    }
    if matches!(cli.command, Command::Brand(_)) {
        // Brands and their members are the studio's: start from what it holds now.
        crate::studio::sync_before(&library);
    }
    let acting = match &cli.as_user {
        Some(user) => library.as_user(user)?,
        None => library.as_owner(),
    };
    let code = command(&acting, cli.command)?;
    // Bound to a studio, what the command changed goes there now (or waits, said so).
    crate::studio::sync_after_change(&library);
    // Changes to files added in place go to their XMP sidecars before the command ends; a
    // write that fails stays queued (and is said here), never dropped.
    let sidecars = library.write_sidecars()?;
    // What waited in the Trash for 30 days goes for good (a hint when it can't, never a failure
    // of the command that was asked for).
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
    Ok(code)
}

fn command(library: &Acting<'_>, command: Command) -> Result<ExitCode> {
    match command {
        Command::Import(a) => import(library, a),
        Command::Search(a) => search(library, a),
        Command::Show(a) => show(library, a),
        Command::Export(a) => export(library, a),
        Command::Serve { .. } => unreachable!("served above"),
        Command::Studio(_) | Command::Sync { .. } | Command::Download { .. } => unreachable!("handled above"),
        Command::Watch { json } => watch(library, json),
        Command::Reconcile { json } => {
            let cancel = CancelToken::new();
            let r = output::with_progress("Reconciling", |p| library.reconcile(&cancel, p))?;
            if json {
                output::json(&r)?;
            } else {
                output::text(format_args!(
                    "{} folders, {} files: {} unchanged, {} new, {} moved, {} changed, {} missing, {} offline, {} back; {} sidecars read",
                    r.folders,
                    r.checked,
                    r.unchanged,
                    r.imported.len(),
                    r.relinked.len(),
                    r.changed.len(),
                    r.missing.len(),
                    r.offline.len(),
                    r.back.len(),
                    r.sidecars_read
                ))?;
                for f in &r.failed {
                    output::text(format_args!("  failed: {}: {}", f.path.display(), f.reason))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Model(c) => model(library, c),
        Command::Project(c) => organise::project(library, c),
        Command::Brand(c) => organise::brand(library, c),
        Command::Collection(c) => organise::collection(library, c),
        Command::Tag(c) => organise::tag(library, c),
        Command::Campaign(c) => organise::campaign(library, c),
        Command::Rate { rating, sel } => organise::apply(library, "Rated", &sel, Intent::Rate { rating }),
        Command::Flag { flag, sel } => organise::apply(library, "Flagged", &sel, Intent::Flag { flag }),
        Command::Label { label, sel } => organise::apply(library, "Labelled", &sel, Intent::Label { label }),
        Command::Review { action, sel, note } => organise::apply(
            library,
            organise::review_verb(action),
            &sel,
            Intent::Review { action, note },
        ),
        Command::Stack { ids, cover, json } => {
            let ids = parse_ids(&ids)?;
            let cover = cover
                .map(|c| c.parse::<AssetId>())
                .transpose()
                .map_err(LibraryError::from)?;
            output::bulk_report("Stacked", &library.stack(&ids, cover)?, json)
        }
        Command::Unstack { ids, json } => {
            output::bulk_report("Unstacked", &library.unstack(&parse_ids(&ids)?)?, json)
        }
        Command::Fork { id, json } => {
            let id: AssetId = id.parse().map_err(LibraryError::from)?;
            let new = library.fork(id)?;
            let detail = library.show(new)?;
            if json {
                output::json(&detail)?;
            } else {
                output::text(format_args!("Forked {id} into {new}"))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Move { sel } => organise::move_assets(library, sel),
        Command::Rename { id, name, json } => {
            let id: AssetId = id.parse().map_err(LibraryError::from)?;
            library.rename_asset(id, &name)?;
            if json {
                output::json(&library.show(id)?)?;
            } else {
                output::text(format_args!("Renamed {id} to {name}"))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Delete { sel } => organise::apply(library, "Moved to the Trash", &sel, Intent::Delete),
        Command::Trash(c) => organise::trash(library, c),
        Command::Facets { brand, json } => {
            let v = library.facet_values(brand.as_deref())?;
            if json {
                output::json(&v)?;
            } else {
                for (title, list) in [
                    ("Cameras", &v.cameras),
                    ("Lenses", &v.lenses),
                    ("File types", &v.file_types),
                ] {
                    output::text(format_args!("{title}"))?;
                    for f in list {
                        output::text(format_args!("  {} ({})", f.name, f.count))?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Buckets { brand, json } => {
            let counts = library.bucket_counts(brand.as_deref())?;
            if json {
                output::json(&counts)?;
            } else {
                output::text(format_args!(
                    "All assets {}\nRecently added {}\nUnfiled {}\nTrash {}",
                    counts.all, counts.recent, counts.unfiled, counts.trash
                ))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Similar {
            id,
            limit,
            filters,
            json,
        } => similar::similar(library, &id, limit, &filters, json),
        Command::Duplicates {
            merge,
            include_bursts,
            filters,
            json,
        } => similar::duplicates(library, merge, include_bursts, &filters, json),
    }
}

fn import(library: &Acting<'_>, a: ImportArgs) -> Result<ExitCode> {
    let options = ImportOptions {
        // Without --copy, the project's import mode decides (in place unless it says copy).
        mode: a.copy.then_some(ImportMode::Copy),
        rename: a.rename,
        project: a.project,
        brand: a.brand,
        tags: a.tags,
        source: None,
    };
    let cancel = CancelToken::new();
    let report = output::with_progress("Importing", |progress| {
        library.import(&a.paths, &options, &cancel, progress)
    })?;
    if a.json {
        output::json(&output::import_json(&report))?;
    } else {
        output::import_text(&report)?;
    }
    // Stopped early (a full disk): what was done is kept, but the import did not finish.
    Ok(if report.stopped.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn search(library: &Acting<'_>, a: SearchArgs) -> Result<ExitCode> {
    let mut q = a.filters.query(a.text);
    q.sort = a.sort;
    q.ascending = a.reverse;
    q.limit = a.limit;
    q.cursor = a.cursor.map(Cursor);
    let page = library.search(&q)?;
    if a.json {
        output::json(&page)?;
    } else {
        output::page_text(&page)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(library: &Acting<'_>, a: ShowArgs) -> Result<ExitCode> {
    let id: AssetId = a.id.parse().map_err(LibraryError::from)?;
    let detail = library.show(id)?;
    if a.json {
        output::json(&detail)?;
    } else {
        output::detail_text(&detail)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn export(library: &Acting<'_>, a: ExportArgs) -> Result<ExitCode> {
    let selection = organise::selection(&a.sel)?;
    let cancel = CancelToken::new();
    let existing = if a.force {
        atelier_library::Existing::Replace
    } else {
        atelier_library::Existing::Refuse
    };
    // Other members' originals only on the studio come down first (progress on stderr); one
    // that can't (offline) is reported as not exported.
    let remote = library.remote_among(&selection)?;
    let mut unfetched = Vec::new();
    for (i, id) in remote.iter().enumerate() {
        let got = atelier_sync::download_original(library, *id, |done, total| {
            if !a.sel.json && total > 0 {
                eprint!("\rfetching {}/{}: {}% ", i + 1, remote.len(), done * 100 / total);
            }
        });
        if let Err(e) = got {
            unfetched.push((*id, e.to_string()));
        }
    }
    if !remote.is_empty() && !a.sel.json {
        eprintln!();
    }
    let mut report = library.export_zip(&selection, &a.zip, existing, &cancel)?;
    report.explain_unfetched(&unfetched);
    if a.sel.json {
        output::json(&report)?;
    } else {
        output::text(format_args!(
            "Wrote {} of {} originals to {}",
            report.written.len(),
            report.requested,
            report.zip.display()
        ))?;
        for f in &report.failed {
            output::text(format_args!("  not exported: {}: {}", f.id, f.reason))?;
        }
    }
    Ok(if report.written.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `watch`: follows the watched folders until Ctrl-C, printing what happens.
fn watch(library: &Acting<'_>, json: bool) -> Result<ExitCode> {
    let cancel = CancelToken::new();
    {
        let cancel = cancel.clone();
        // Ctrl-C stops the loop at its next tick; the catalog is never left mid-write.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::spawn(move || {
            runtime.block_on(async {
                let _ = tokio::signal::ctrl_c().await;
            });
            cancel.cancel();
        });
    }
    let folders = library.watch_list(None)?;
    if !json {
        output::text(format_args!(
            "Watching {} folder(s); Ctrl-C stops.",
            folders.len()
        ))?;
    }
    library.watch(&cancel, &|event| {
        let _ = if json {
            output::json(&event)
        } else {
            let line = match &event {
                atelier_library::WatchEvent::Reconciled { report } => format!(
                    "reconciled: {} new, {} moved, {} changed, {} missing, {} offline, {} back",
                    report.imported.len(),
                    report.relinked.len(),
                    report.changed.len(),
                    report.missing.len(),
                    report.offline.len(),
                    report.back.len()
                ),
                atelier_library::WatchEvent::Imported { file } => format!("imported {}", file.path.display()),
                atelier_library::WatchEvent::Moved { from, to, assets } => {
                    format!("moved {from} → {to} ({assets})")
                }
                atelier_library::WatchEvent::Missing { path, assets } => format!("missing {path} ({assets})"),
                atelier_library::WatchEvent::SidecarRead { path } => format!("sidecar read: {path}"),
                atelier_library::WatchEvent::Failed { issue } => {
                    format!("failed {}: {}", issue.path.display(), issue.reason)
                }
            };
            output::text(format_args!("{line}")).map_err(anyhow::Error::from)
        };
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `serve`: the first line printed is the URL that signs a browser in (scripts read it).
fn serve(library: Library, port: u16) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(atelier_web::serve(
        library,
        port,
        false,
        |_, url| {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "Atelier is serving at {url}");
            let _ = out.flush();
        },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn model(library: &Acting<'_>, command: crate::args::ModelCommand) -> Result<ExitCode> {
    use crate::args::ModelCommand;
    match command {
        ModelCommand::List { project, json } => {
            let models = library.models(project.as_deref())?;
            if json {
                output::json(&models)?;
            } else if models.is_empty() {
                output::text(format_args!(
                    "No models yet: import a folder holding .safetensors, .ckpt, .pt or .gguf files."
                ))?;
            } else {
                for m in &models {
                    let base = m.info.get("base_model").and_then(|b| b.as_str()).unwrap_or("?");
                    output::text(format_args!(
                        "{}  {}  {}  base {}  AutoV2 {}  used by {}  ({})",
                        m.id, m.name, m.format, base, m.autov2, m.uses, m.project
                    ))?;
                }
            }
        }
        ModelCommand::Show { model, json } => {
            let d = library.model(&model)?;
            if json {
                output::json(&d)?;
            } else {
                let m = &d.model;
                output::text(format_args!(
                    "{}  {} ({}, {} bytes)",
                    m.id, m.name, m.format, m.bytes
                ))?;
                output::text(format_args!("  path      {}", m.path))?;
                output::text(format_args!("  SHA-256   {}", m.sha256))?;
                output::text(format_args!("  AutoV2    {}", m.autov2))?;
                if let Some(a) = &m.addnet {
                    output::text(format_args!("  LoRA hash {a}"))?;
                }
                output::text(format_args!("  facts     {}", m.info))?;
                output::text(format_args!("  used by {} asset(s)", m.uses))?;
                for a in &d.assets {
                    output::text(format_args!("    {}  {}", a.id, a.name))?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_ids(ids: &[String]) -> Result<Vec<AssetId>> {
    ids.iter()
        .map(|i| i.parse::<AssetId>().map_err(|e| LibraryError::from(e).into()))
        .collect()
}
