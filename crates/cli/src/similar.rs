//! `atelier similar` and `atelier duplicates [merge]`.

use atelier_domain::similarity::Closeness;
use std::process::ExitCode;

use anyhow::Result;
use atelier_domain::AssetId;
use atelier_library::{Acting, CancelToken, Dispose, LibraryError};

use crate::args::{DisposeArg, DuplicatesCommand, FilterArgs};
use crate::output;

/// Analyses what was cataloged before signatures existed, saying so when there is any.
fn catch_up(library: &Acting<'_>) -> Result<()> {
    let r = library.index_signatures(&CancelToken::new(), &None)?;
    if r.analysed > 0 {
        eprintln!(
            "analysed {} assets cataloged before signatures existed",
            r.analysed
        );
    }
    for (id, reason) in &r.failed {
        eprintln!("not analysed {id}: {reason}");
    }
    Ok(())
}

fn parse(id: &str) -> Result<AssetId> {
    Ok(id.parse::<AssetId>().map_err(LibraryError::from)?)
}

/// `atelier similar ID`.
pub fn similar(
    library: &Acting<'_>,
    id: &str,
    limit: usize,
    filters: &FilterArgs,
    json: bool,
) -> Result<ExitCode> {
    let id = parse(id)?;
    catch_up(library)?;
    let page = library.similar(id, &filters.query(None), limit)?;
    if json {
        output::json(&page)?;
        return Ok(ExitCode::SUCCESS);
    }
    if !page.indexed {
        output::text(format_args!(
            "{} is still being indexed: it has no visual signature yet",
            page.of.name
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    output::text(format_args!("Similar to {}", page.of.name))?;
    let mut close = true;
    for i in &page.items {
        if close && !i.closeness.is_close() {
            // Where close matches end: what follows only looks alike, at best.
            output::text(format_args!("-- no more close matches; less similar: --"))?;
            close = false;
        }
        let cue = match i.closeness {
            Closeness::Same => "same picture",
            Closeness::VeryClose => "very close",
            Closeness::Similar => "similar",
            Closeness::Distant => "less similar",
        };
        output::text(format_args!(
            "{}  {:<40}  {:.3}  {:<12}  {:>5}x{:<5}",
            i.asset.id, i.asset.name, i.distance, cue, i.asset.width, i.asset.height
        ))?;
    }
    if page.items.is_empty() {
        output::text(format_args!("nothing else in scope has a signature yet"))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `atelier duplicates [merge …]`.
pub fn duplicates(
    library: &Acting<'_>,
    merge: Option<DuplicatesCommand>,
    include_bursts: bool,
    filters: &FilterArgs,
    json: bool,
) -> Result<ExitCode> {
    if let Some(DuplicatesCommand::Merge {
        keep,
        others,
        then,
        json,
    }) = merge
    {
        let keep = parse(&keep)?;
        let others = others.iter().map(|o| parse(o)).collect::<Result<Vec<_>>>()?;
        let dispose = match then {
            DisposeArg::Delete => Dispose::Delete,
            DisposeArg::Stack => Dispose::Stack,
            DisposeArg::Keep => Dispose::Keep,
        };
        let r = library.merge_duplicates(keep, &others, dispose)?;
        if json {
            output::json(&r)?;
            return Ok(ExitCode::SUCCESS);
        }
        output::text(format_args!(
            "Kept {}: {} tags, {} collections, {} campaigns added{}",
            r.kept,
            r.tags_added.len(),
            r.collections_added.len(),
            r.campaigns_added.len(),
            r.rating
                .map(|x| format!(", rating now {}", x.stars()))
                .unwrap_or_default()
        ))?;
        for f in &r.failed {
            output::text(format_args!("  not merged {}: {}: {}", f.id, f.code, f.message))?;
        }
        let verb = match dispose {
            Dispose::Delete => "Deleted",
            Dispose::Stack => "Stacked",
            Dispose::Keep => "Left",
        };
        return output::bulk_report(verb, &r.disposed, false);
    }
    catch_up(library)?;
    let r = library.duplicates(&filters.query(None), include_bursts)?;
    if json {
        output::json(&r)?;
        return Ok(ExitCode::SUCCESS);
    }
    for (n, g) in r.groups.iter().enumerate() {
        output::text(format_args!("group {} ({} assets)", n + 1, g.items.len()))?;
        for i in &g.items {
            output::text(format_args!(
                "  {} {}  {:<40}  {:.3}  {:>5}x{:<5}",
                if i.asset.id == g.keep { "keep" } else { "    " },
                i.asset.id,
                i.asset.name,
                i.distance,
                i.asset.width,
                i.asset.height
            ))?;
        }
    }
    output::text(format_args!(
        "{} group{} of near-duplicates{}",
        r.groups.len(),
        if r.groups.len() == 1 { "" } else { "s" },
        if r.bursts > 0 && !include_bursts {
            format!(" ({} burst pairs left out: --include-bursts)", r.bursts)
        } else {
            String::new()
        }
    ))?;
    Ok(ExitCode::SUCCESS)
}
