//! Handlers for the organising commands (issue 3): each turns arguments into one library
//! call and prints the result — the bulk report for selections, the object for creations.

use atelier_sync::links::LinkOp;
use std::process::ExitCode;

use anyhow::{Result, bail};
use atelier_domain::AssetId;
use atelier_domain::limits::human_bytes;
use atelier_library::{
    Acting, ImportMode, Intent, KitEdit, LibraryError, MoveTarget, ProjectSettings, Selection,
};
use serde::Serialize;

use crate::args::{
    BrandCommand, CampaignCommand, CollectionCommand, MemberOp, OnOff, ProjectCommand, SelArgs, TagCommand,
    TrashCommand, WatchCommand,
};
use crate::output;

/// Turns selection arguments into a selection: ids, or filters, or `--all` — never nothing.
pub fn selection(sel: &SelArgs) -> Result<Selection> {
    let has_filters = sel.filters.any() || sel.text.is_some();
    match (sel.ids.is_empty(), has_filters || sel.all) {
        (false, false) => Ok(Selection::Ids(parse_ids(&sel.ids)?)),
        (true, true) => Ok(Selection::Query(Box::new(sel.filters.query(sel.text.clone())))),
        (false, true) => bail!("give asset ids or filters (or --all), not both"),
        (true, false) => {
            bail!("nothing selected: give asset ids, filters such as --tag or --status, or --all")
        }
    }
}

fn parse_ids(ids: &[String]) -> Result<Vec<AssetId>> {
    Ok(ids
        .iter()
        .map(|s| s.parse::<AssetId>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(LibraryError::from)?)
}

/// The past tense people read in a review report.
pub fn review_verb(action: atelier_domain::ReviewAction) -> &'static str {
    use atelier_domain::ReviewAction::*;
    match action {
        Submit => "Submitted",
        Approve => "Approved",
        RequestChanges => "Requested changes on",
        Revise => "Revised",
        Archive => "Archived",
        Unarchive => "Unarchived",
    }
}

/// Prints a bulk report; the exit status is a failure when nothing succeeded.
/// Carries out an intent on the selection the arguments make, and reports it: every organising
/// command ends here, as every web request ends in the same `Acting::apply`.
pub fn apply(lib: &Acting<'_>, verb: &str, sel: &SelArgs, intent: Intent) -> Result<ExitCode> {
    output::bulk_report(verb, &lib.apply(&selection(sel)?, &intent)?, sel.json)
}

fn show<T: Serialize>(value: &T, json: bool, text: impl FnOnce(&T) -> String) -> Result<ExitCode> {
    if json {
        output::json(value)?;
    } else {
        output::text(format_args!("{}", text(value)))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the outcome of a command that returns no object.
pub fn done(json: bool, value: serde_json::Value, text: String) -> Result<ExitCode> {
    if json {
        output::json(&value)?;
    } else {
        output::text(format_args!("{text}"))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn project_line(p: &atelier_library::ProjectInfo) -> String {
    let mut flags = Vec::new();
    if p.archived {
        flags.push("archived");
    }
    if p.shared {
        flags.push("shared");
    }
    if p.offline {
        flags.push("kept offline");
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!(" [{}]", flags.join(", "))
    };
    format!("{}{} — {} assets", p.name, flags, p.count)
}

fn brand_line(b: &atelier_library::BrandInfo) -> String {
    let members: Vec<String> = b
        .members
        .iter()
        .map(|m| format!("{} ({})", m.user, m.role))
        .collect();
    format!(
        "{}{} — {} assets; self-approval {}; members: {}",
        b.name,
        if b.personal { " (Personal)" } else { "" },
        b.count,
        if b.self_approval { "on" } else { "off" },
        if members.is_empty() {
            "none".into()
        } else {
            members.join(", ")
        }
    )
}

/// `project …`.
pub fn project(lib: &Acting<'_>, cmd: ProjectCommand) -> Result<ExitCode> {
    match cmd {
        ProjectCommand::Create {
            name,
            brand,
            description,
            json,
        } => show(
            &lib.project_create(&name, description.as_deref(), brand.as_deref())?,
            json,
            project_line,
        ),
        ProjectCommand::Rename { old, new, json } => {
            show(&lib.project_rename(&old, &new)?, json, project_line)
        }
        ProjectCommand::Archive { name, json } => {
            show(&lib.project_archive(&name, true)?, json, project_line)
        }
        ProjectCommand::Unarchive { name, json } => {
            show(&lib.project_archive(&name, false)?, json, project_line)
        }
        ProjectCommand::Share { name, json } => show(&lib.project_share(&name, true)?, json, project_line),
        ProjectCommand::Unshare { name, json } => show(&lib.project_share(&name, false)?, json, project_line),
        ProjectCommand::Offline { name, off, json } => {
            show(&lib.project_offline(&name, !off)?, json, project_line)
        }
        ProjectCommand::Delete { name, confirm, json } => {
            let r = lib.project_delete(&name, &confirm)?;
            show(&r, json, |r| {
                format!(
                    "Deleted project {} and its {} assets",
                    r.project, r.deleted_assets
                )
            })
        }
        ProjectCommand::List { json } => {
            let list = lib.project_list()?;
            show(&list, json, |l| {
                l.iter().map(project_line).collect::<Vec<_>>().join("\n")
            })
        }
        ProjectCommand::Usage { name, json } => {
            let u = lib.project_usage(&name)?;
            show(&u, json, |u| {
                let of = |limit: Option<String>| limit.map(|l| format!(" of {l}")).unwrap_or_default();
                format!(
                    "{}\nstorage   {}{}\nprojects  {}{} (yours)",
                    u.project,
                    human_bytes(u.storage_bytes),
                    of(u.storage_limit.map(human_bytes)),
                    u.projects_owned,
                    of(u.projects_limit.map(|n| n.to_string())),
                )
            })
        }
        ProjectCommand::Watch(w) => watch_folders(lib, w),
        ProjectCommand::Settings {
            name,
            default_brand,
            import_mode,
            rename,
            default_tags,
            description,
            json,
        } => {
            let import_mode = match import_mode.as_deref() {
                None => None,
                Some("copy") => Some(ImportMode::Copy),
                Some("in-place" | "in_place") => Some(ImportMode::InPlace),
                Some(other) => {
                    bail!("invalid_import_mode: '{other}' is not an import mode: use copy or in-place")
                }
            };
            let settings = ProjectSettings {
                default_brand,
                import_mode,
                rename_template: rename,
                default_tags: (!default_tags.is_empty()).then_some(default_tags),
                description,
            };
            show(&lib.project_settings(&name, &settings)?, json, project_line)
        }
    }
}

fn watch_folders(lib: &Acting<'_>, cmd: WatchCommand) -> Result<ExitCode> {
    let (list, json) = match cmd {
        WatchCommand::Add { project, dir, json } => (lib.watch_add(&project, &dir)?, json),
        WatchCommand::Remove { project, dir, json } => (lib.watch_remove(&project, &dir)?, json),
        WatchCommand::List { project, json } => {
            lib.project_list()?
                .iter()
                .find(|p| atelier_domain::names::key(&p.name) == atelier_domain::names::key(project.trim()))
                .ok_or_else(|| anyhow::anyhow!("project_not_found: no project named '{project}'"))?;
            (lib.watch_list(Some(&project))?, json)
        }
    };
    show(&list, json, |l| {
        if l.is_empty() {
            "No watched folders".to_string()
        } else {
            l.iter()
                .map(|w| w.path.to_string_lossy())
                .collect::<Vec<_>>()
                .join("\n")
        }
    })
}

/// `brand …`.
pub fn brand(lib: &Acting<'_>, cmd: BrandCommand) -> Result<ExitCode> {
    match cmd {
        BrandCommand::Create { name, json } => show(&lib.brand_create(&name)?, json, brand_line),
        BrandCommand::Rename { old, new, json } => show(&lib.brand_rename(&old, &new)?, json, brand_line),
        BrandCommand::List { json } => {
            let list = lib.brand_list()?;
            show(&list, json, |l| {
                l.iter().map(brand_line).collect::<Vec<_>>().join("\n")
            })
        }
        BrandCommand::Kit {
            name,
            self_approval,
            prefix,
            suffix,
            ban,
            unban,
            color,
            palette,
            logo,
            json,
        } => {
            let edit = KitEdit {
                self_approval: self_approval.map(|s| s == OnOff::On),
                prefix,
                suffix,
                ban,
                unban,
                color,
                palette: (!palette.is_empty()).then_some(palette),
                logo: logo
                    .map(|l| l.parse::<AssetId>())
                    .transpose()
                    .map_err(LibraryError::from)?,
            };
            let info = if edit == KitEdit::default() {
                lib.brand(&name)?
            } else {
                lib.brand_kit(&name, &edit)?
            };
            show(&info, json, |b| {
                format!(
                    "{}\ncolour {}; prefix '{}'; suffix '{}'; banned: {}; palette: {}; anchors: {}",
                    brand_line(b),
                    b.color.as_deref().unwrap_or("none"),
                    b.prompt_prefix,
                    b.prompt_suffix,
                    b.banned_terms.join(", "),
                    b.palette.join(" "),
                    b.anchors.len()
                )
            })
        }
        BrandCommand::Member {
            name,
            op,
            user,
            role,
            json,
        } => {
            let role = match op {
                MemberOp::Add => Some(role.unwrap_or(atelier_domain::rules::DEFAULT_MEMBER_ROLE)),
                MemberOp::Role => Some(role.ok_or_else(|| {
                    anyhow::anyhow!("give the new role with --role manager|creator|viewer")
                })?),
                MemberOp::Remove => None,
            };
            show(&lib.brand_member(&name, &user, role)?, json, brand_line)
        }
        BrandCommand::Pin { name, ids, json } => {
            show(&lib.brand_pin(&name, &parse_ids(&ids)?, true)?, json, brand_line)
        }
        BrandCommand::Unpin { name, ids, json } => {
            show(&lib.brand_pin(&name, &parse_ids(&ids)?, false)?, json, brand_line)
        }
    }
}

fn collection_line(c: &atelier_library::CollectionInfo) -> String {
    format!(
        "{}{} ({} / {} with nested)",
        "  ".repeat(c.depth),
        c.name,
        c.count,
        c.nested_count
    )
}

/// `collection …`.
pub fn collection(lib: &Acting<'_>, cmd: CollectionCommand) -> Result<ExitCode> {
    match cmd {
        CollectionCommand::Create { path, brand, json } => {
            show(&lib.collection_create(&path, &brand)?, json, |c| {
                format!("Created {}", c.path)
            })
        }
        CollectionCommand::Rename {
            path,
            new,
            brand,
            json,
        } => show(
            &lib.collection_rename(&path, &new, brand.as_deref())?,
            json,
            |c| format!("Renamed to {}", c.path),
        ),
        CollectionCommand::Move {
            path,
            to,
            top: _,
            brand,
            json,
        } => show(
            &lib.collection_move(&path, to.as_deref(), brand.as_deref())?,
            json,
            |c| format!("Moved to {}", c.path),
        ),
        CollectionCommand::Cover {
            path,
            asset,
            automatic: _,
            brand,
            json,
        } => {
            let asset = parse_ids(asset.as_slice())?.pop();
            show(
                &lib.collection_cover(&path, asset, brand.as_deref())?,
                json,
                |c| match (c.cover, c.cover_chosen) {
                    (Some(a), true) => format!("{} now shows {a}", c.path),
                    (Some(a), false) => format!("{} shows its newest asset, {a}", c.path),
                    (None, _) => format!("{} holds nothing to show yet", c.path),
                },
            )
        }
        CollectionCommand::Delete { path, brand, json } => {
            let n = lib.collection_delete(&path, brand.as_deref())?;
            show(&serde_json::json!({ "deleted": n }), json, |_| {
                format!("Deleted {n} collection(s); their assets stay")
            })
        }
        CollectionCommand::List { brand, json } => {
            let list = lib.collection_list(&brand)?;
            show(&list, json, |l| {
                l.iter().map(collection_line).collect::<Vec<_>>().join("\n")
            })
        }
        CollectionCommand::Add { path, mut sel } => {
            let brand = sel.filters.brand.take();
            let collection = lib.collection_id(&path, brand.as_deref())?;
            apply(lib, "Filed", &sel, Intent::CollectionAdd { collection })
        }
        CollectionCommand::Remove { path, mut sel } => {
            let brand = sel.filters.brand.take();
            let collection = lib.collection_id(&path, brand.as_deref())?;
            apply(lib, "Unfiled", &sel, Intent::CollectionRemove { collection })
        }
    }
}

/// `tag …`.
pub fn tag(lib: &Acting<'_>, cmd: TagCommand) -> Result<ExitCode> {
    match cmd {
        TagCommand::Add { tag, sel } => apply(lib, "Tagged", &sel, Intent::TagAdd { tags: vec![tag] }),
        TagCommand::Remove { tag, sel } => {
            apply(lib, "Untagged", &sel, Intent::TagRemove { tags: vec![tag] })
        }
        TagCommand::Rename { old, new, json } => {
            lib.tag_rename(&old, &new)?;
            done(
                json,
                serde_json::json!({ "renamed": old, "to": new }),
                format!("Renamed tag {old} to {new} everywhere"),
            )
        }
        TagCommand::Merge { from, into, json } => {
            lib.tag_merge(&from, &into)?;
            done(
                json,
                serde_json::json!({ "merged": from, "into": into }),
                format!("Merged tag {from} into {into}"),
            )
        }
        TagCommand::Delete { tag, json } => {
            lib.tag_delete(&tag)?;
            done(
                json,
                serde_json::json!({ "deleted": tag }),
                format!("Deleted tag {tag} from every asset"),
            )
        }
        TagCommand::List { json } => {
            let list = lib.tag_list()?;
            show(&list, json, |l| {
                l.iter()
                    .map(|t| format!("{} ({})", t.name, t.count))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
    }
}

fn campaign_line(c: &atelier_library::CampaignInfo) -> String {
    format!("{} [{}] — {} assets, {}", c.name, c.brand, c.count, c.visibility)
}

fn need_brand(sel: &mut SelArgs) -> Result<String> {
    sel.filters
        .brand
        .take()
        .ok_or_else(|| anyhow::anyhow!("give the campaign's brand with --brand"))
}

/// `campaign …`.
pub fn campaign(lib: &Acting<'_>, cmd: CampaignCommand) -> Result<ExitCode> {
    match cmd {
        CampaignCommand::Create {
            name,
            brand,
            description,
            json,
        } => show(
            &lib.campaign_create(&name, &brand, description.as_deref())?,
            json,
            campaign_line,
        ),
        CampaignCommand::Rename {
            old,
            new,
            brand,
            json,
        } => show(&lib.campaign_rename(&old, &new, &brand)?, json, campaign_line),
        CampaignCommand::Delete { name, brand, json } => {
            lib.campaign_delete(&name, &brand)?;
            done(
                json,
                serde_json::json!({ "deleted": name }),
                format!("Deleted campaign {name}; its assets stay as they were"),
            )
        }
        CampaignCommand::List { brand, json } => {
            let mut list = lib.campaign_list(brand.as_deref())?;
            let links = studio_visibility(lib, &mut list);
            if json {
                let mut out = Vec::with_capacity(list.len());
                for (c, link) in list.iter().zip(&links) {
                    let mut v = serde_json::to_value(c)?;
                    if let Some(link) = link {
                        v["link"] = serde_json::Value::String(link.clone());
                    }
                    out.push(v);
                }
                output::json(&out)?;
                return Ok(ExitCode::SUCCESS);
            }
            let lines: Vec<String> = list
                .iter()
                .zip(&links)
                .map(|(c, link)| match link {
                    Some(link) => format!("{}\n    {link}", campaign_line(c)),
                    None => campaign_line(c),
                })
                .collect();
            output::text(format_args!("{}", lines.join("\n")))?;
            Ok(ExitCode::SUCCESS)
        }
        CampaignCommand::Add { name, mut sel } => {
            let brand = need_brand(&mut sel)?;
            let campaign = lib.campaign_id(&name, &brand)?;
            apply(lib, "Added", &sel, Intent::CampaignAdd { campaign })
        }
        CampaignCommand::Remove { name, mut sel } => {
            let brand = need_brand(&mut sel)?;
            let campaign = lib.campaign_id(&name, &brand)?;
            apply(lib, "Removed", &sel, Intent::CampaignRemove { campaign })
        }
        CampaignCommand::Publish { name, brand, json } => {
            public_link(lib, &name, &brand, json, LinkOp::Publish)
        }
        CampaignCommand::Regenerate { name, brand, json } => {
            public_link(lib, &name, &brand, json, LinkOp::Regenerate)
        }
        CampaignCommand::Unpublish { name, brand, json } => {
            public_link(lib, &name, &brand, json, LinkOp::Unpublish)
        }
    }
}

/// On a library with a studio, each campaign's visibility as the studio has it (into
/// `list`), and its link for who manages it; offline, or for a campaign the studio doesn't
/// have yet, what the library knows.
fn studio_visibility(lib: &Acting<'_>, list: &mut [atelier_library::CampaignInfo]) -> Vec<Option<String>> {
    let mut links = vec![None; list.len()];
    let library: &atelier_library::Library = lib;
    if list.is_empty() || !matches!(library.studio_binding(), Ok(Some(_))) {
        return links;
    }
    let ids: Vec<_> = list.iter().map(|c| c.id).collect();
    if let Ok(found) = atelier_sync::links::visibilities(library, &ids) {
        for ((campaign, link), seen) in list.iter_mut().zip(links.iter_mut()).zip(found) {
            if let Some(v) = seen {
                campaign.visibility = if v.public { "public" } else { "private" }.to_string();
                *link = v.link;
            }
        }
    }
    links
}

/// `campaign publish|regenerate|unpublish NAME --brand B`: the studio makes, replaces or
/// deletes the campaign's public link (it decides who may; the library checks first).
fn public_link(lib: &Acting<'_>, name: &str, brand: &str, json: bool, op: LinkOp) -> Result<ExitCode> {
    let v = atelier_sync::links::control(lib, name, brand, op)?;
    let text = match (&v.link, op) {
        (Some(link), LinkOp::Regenerate) => {
            format!("{name} has a new link (the old one no longer works):\n{link}")
        }
        (Some(link), _) => {
            format!("{name} is public: anyone with the link can view its approved assets\n{link}")
        }
        (None, _) => {
            format!("{name} is private: only studio members can view it; its old links no longer work")
        }
    };
    done(
        json,
        serde_json::json!({ "campaign": name, "brand": brand, "public": v.public, "link": v.link }),
        text,
    )
}

/// `move SEL (--project P | --brand B)`: here --project and --brand name the destination.
pub fn move_assets(lib: &Acting<'_>, mut sel: SelArgs) -> Result<ExitCode> {
    let to = match (sel.filters.project.take(), sel.filters.brand.take()) {
        (Some(p), None) => MoveTarget::Project(p),
        (None, Some(b)) => MoveTarget::Brand(b),
        (Some(_), Some(_)) => bail!("move to a project (--project) or a brand (--brand), one at a time"),
        (None, None) => bail!("say where to: --project NAME or --brand NAME"),
    };
    let intent = lib.move_intent(&to)?;
    apply(lib, "Moved", &sel, intent)
}

/// `trash list|restore|empty`.
pub fn trash(lib: &Acting<'_>, cmd: TrashCommand) -> Result<ExitCode> {
    let in_trash = |q: &mut atelier_domain::AssetQuery| q.bucket = atelier_domain::Bucket::Trash;
    match cmd {
        TrashCommand::List { filters, json } => {
            let mut q = filters.query(None);
            in_trash(&mut q);
            let page = lib.search(&q)?;
            if json {
                output::json(&page)?;
            } else {
                output::page_text(&page)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        TrashCommand::Restore { sel } => {
            let mut selection = selection(&sel)?;
            if let Selection::Query(q) = &mut selection {
                in_trash(q);
            }
            output::bulk_report("Restored", &lib.apply(&selection, &Intent::Restore)?, sel.json)
        }
        TrashCommand::Empty { json } => {
            let r = lib.empty_trash()?;
            if json {
                output::json(&r)?;
            } else {
                output::text(format_args!("Deleted {} for good", r.succeeded.len()))?;
                for f in &r.failed {
                    output::text(format_args!("  kept    {}: {}: {}", f.id, f.code, f.message))?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
