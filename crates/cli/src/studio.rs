//! `atelier studio …`: sign in and out, status, members and roles, invitations and joining,
//! devices, limits, the *Couldn't sync* list — and `atelier sync` — the terminal face of
//! atelier-sync (R14.1).
//!
//! Must not know HTTP or the keyring: it reads the password (or shows the browser sign-in link
//! and opens it), calls the session, prints.

use std::io::BufRead;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use atelier_domain::{AssetId, ErrorCode, InvalidInput};
use atelier_library::Library;
use atelier_protocol::{InvitationAccept, NewInvitation, StudioLimits, StudioMember};
use atelier_sync::StudioClient;
use atelier_sync::client::parse_invitation_link;
use atelier_sync::session::{self, Connection, SignIn};

use crate::args::{DeviceAction, InvitationAction, MembersAction, RefusalAction, StudioCommand};
use crate::output;
use serde::Serialize;

/// How long `atelier studio login` waits for the person to approve in the browser (the
/// studio's sign-in lasts as long).
const BROWSER_WAIT: Duration = Duration::from_secs(10 * 60);

/// Shows the sign-in link on stderr (stdout stays the report) and opens it with `xdg-open`
/// unless `ATELIER_NO_BROWSER` is set (tests, headless machines); a failure to open it is
/// ignored: the link is printed.
fn open_browser(link: &str) {
    eprintln!("Open this link to sign in: {link}");
    eprintln!("Waiting for you to sign in and approve in the browser (up to 10 minutes)…");
    if std::env::var_os("ATELIER_NO_BROWSER").is_some() {
        return;
    }
    let opened = Command::new("xdg-open")
        .arg(link)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if let Ok(mut child) = opened {
        // Reaped in the background: xdg-open may stay until the browser exits.
        std::thread::spawn(move || child.wait());
    }
}

pub fn run(library: &Library, command: StudioCommand) -> Result<ExitCode> {
    match command {
        StudioCommand::Login {
            url,
            email,
            password_stdin,
            device,
            json,
        } => {
            let device = device.unwrap_or_else(default_device_name);
            let report = match email.filter(|_| password_stdin) {
                Some(email) => {
                    let password = read_password()?;
                    session::login(
                        library,
                        &SignIn {
                            url: &url,
                            email: &email,
                            password: &password,
                            device: &device,
                            // Each command is a process of its own: a session-only sign-in
                            // would end with it. The app offers that choice.
                            session_only: false,
                        },
                    )?
                }
                None => {
                    session::login_with_browser(library, &url, &device, false, open_browser, BROWSER_WAIT)?
                }
            };
            if json {
                output::json(&report)?;
            } else {
                output::text(format_args!(
                    "Signed in to {} ({}) as {} <{}>, {}; the sign-in is kept in {}",
                    report.studio,
                    report.url,
                    report.user.display_name,
                    report.user.email,
                    report.role,
                    report.keyring
                ))?;
            }
        }
        StudioCommand::Status { json } => {
            let s = session::status(library)?;
            if json {
                output::json(&s)?;
            } else {
                let url = s.url.as_deref().unwrap_or("");
                let line = match s.connection {
                    Connection::Standalone => "Not bound to a studio (standalone library)".to_string(),
                    Connection::Online => format!(
                        "Signed in to {} ({url}) as {}, {}",
                        s.studio.as_deref().unwrap_or(url),
                        s.user.as_ref().map(|u| u.email.as_str()).unwrap_or("?"),
                        s.role.map(|r| r.to_string()).unwrap_or_default()
                    ),
                    Connection::Offline | Connection::SignedOut | Connection::Revoked => format!(
                        "Bound to {url}: {}",
                        s.reason.as_deref().unwrap_or("not connected")
                    ),
                };
                output::text(format_args!(
                    "{line}\n{} changes waiting to sync, {} refused (see 'atelier studio refusals'); last sync: {}",
                    s.pending,
                    s.refusals,
                    s.last_sync_at.as_deref().unwrap_or("never")
                ))?;
            }
        }
        StudioCommand::Members { json, action: None } => {
            let members = session::with_studio(library, |c, s| c.members(&s.access_token))?;
            if json {
                output::json(&members)?;
            } else {
                for m in &members {
                    output::text(format_args!("{}\t{}\t{}", m.email, m.display_name, m.role))?;
                }
            }
        }
        StudioCommand::Members {
            action: Some(MembersAction::Role { email, role }),
            ..
        } => {
            let m = session::with_studio(library, |c, s| {
                let Some(m) = member(c.members(&s.access_token)?, &email) else {
                    return Ok(None);
                };
                c.set_role(&s.access_token, m.id, role).map(Some)
            })?
            .ok_or_else(|| no_member(&email))?;
            output::text(format_args!("{} <{}> is now {}", m.display_name, m.email, m.role))?;
        }
        StudioCommand::Members {
            action: Some(MembersAction::Remove { email }),
            ..
        } => {
            let m = session::with_studio(library, |c, s| {
                let Some(m) = member(c.members(&s.access_token)?, &email) else {
                    return Ok(None);
                };
                c.remove_member(&s.access_token, m.id)?;
                Ok(Some(m))
            })?
            .ok_or_else(|| no_member(&email))?;
            output::text(format_args!(
                "{} <{}> is no longer a member; their devices are signed out",
                m.display_name, m.email
            ))?;
        }
        StudioCommand::Invite { email, role, json } => {
            let link = session::with_studio(library, |c, s| {
                c.invite(
                    &s.access_token,
                    &NewInvitation {
                        email: email.trim().to_string(),
                        role,
                    },
                )
            })?;
            if json {
                output::json(&link)?;
            } else {
                output::text(format_args!(
                    "Invitation for {} as {} (valid until {}): send them this link\n{}",
                    link.email, link.role, link.expires_at, link.link
                ))?;
            }
        }
        StudioCommand::Invitations { json, action: None } => {
            let list = session::with_studio(library, |c, s| c.invitations(&s.access_token))?;
            if json {
                output::json(&list)?;
            } else {
                for i in &list {
                    output::text(format_args!(
                        "{}\t{}\t{}\t{}\texpires {}",
                        i.id,
                        i.email,
                        i.role,
                        serde_json::to_value(i.state)?.as_str().unwrap_or("?"),
                        i.expires_at
                    ))?;
                }
            }
        }
        StudioCommand::Invitations {
            action: Some(InvitationAction::Revoke { id }),
            ..
        } => {
            let uid = invitation_id(&id)?;
            session::with_studio(library, |c, s| c.revoke_invitation(&s.access_token, uid))?;
            output::text(format_args!("Invitation {id} revoked: its link no longer works"))?;
        }
        StudioCommand::Invitations {
            action: Some(InvitationAction::Resend { id, json }),
            ..
        } => {
            let uid = invitation_id(&id)?;
            let link = session::with_studio(library, |c, s| c.resend_invitation(&s.access_token, uid))?;
            if json {
                output::json(&link)?;
            } else {
                output::text(format_args!(
                    "A new link for {} (valid until {}; the old one no longer works)\n{}",
                    link.email, link.expires_at, link.link
                ))?;
            }
        }
        StudioCommand::Join {
            link,
            email,
            name,
            password_stdin: _,
            json,
        } => {
            let password = read_password()?;
            let (url, token) = parse_invitation_link(&link)?;
            let client = StudioClient::new(&url)?;
            let member = client.accept_invitation(&InvitationAccept {
                token,
                email: email.trim().to_string(),
                password: password.clone(),
                display_name: name,
            })?;
            // Joined: this library signs in as the new member (refused, and said, when it is
            // bound to another studio or person; the membership stands either way).
            let device = default_device_name();
            let signed = session::login(
                library,
                &SignIn {
                    url: &url,
                    email: &email,
                    password: &password,
                    device: &device,
                    // Each command is a process of its own: a session-only sign-in would end
                    // with it. The app offers that choice.
                    session_only: false,
                },
            );
            match (signed, json) {
                (Ok(report), true) => output::json(&report)?,
                (Ok(report), false) => output::text(format_args!(
                    "Joined {} as {} <{}>, {}; this library is signed in",
                    report.studio, member.display_name, member.email, member.role
                ))?,
                (Err(e), _) => bail!(
                    "joined the studio as {} <{}>, but this library couldn't sign in: {e}",
                    member.display_name,
                    member.email
                ),
            }
        }
        StudioCommand::Devices { json, action: None } => {
            let devices = session::with_studio(library, |c, s| c.devices(&s.access_token))?;
            if json {
                output::json(&devices)?;
            } else {
                for d in &devices {
                    output::text(format_args!(
                        "{}\t{}\tlast seen {}{}",
                        d.id,
                        d.name,
                        d.last_seen_at,
                        if d.current { "\t(this library)" } else { "" }
                    ))?;
                }
            }
        }
        StudioCommand::Devices {
            action: Some(DeviceAction::Revoke { id }),
            ..
        } => {
            let Ok(device) = id.parse() else {
                bail!("'{id}' isn't a device id: 'atelier studio devices' lists them");
            };
            session::with_studio(library, |c, s| c.revoke_device(&s.access_token, device))?;
            output::text(format_args!(
                "Device {id} revoked: it is signed out of the studio"
            ))?;
        }
        StudioCommand::Limits {
            projects,
            storage_per_project,
            json,
        } => {
            let projects = projects
                .map(|p| {
                    limit(&p, |t| {
                        t.trim().parse::<u32>().map_err(|_| {
                            anyhow::Error::from(InvalidInput::new(
                                ErrorCode::InvalidLimitSetting,
                                format!("--projects takes a whole number or 'none' (got '{t}')"),
                            ))
                        })
                    })
                })
                .transpose()?;
            let storage = storage_per_project
                .map(|s| limit(&s, |t| Ok(atelier_domain::limits::parse_size(t)?)))
                .transpose()?;
            let limits = session::with_studio(library, |c, s| {
                let current = c.limits(&s.access_token)?;
                if projects.is_none() && storage.is_none() {
                    return Ok(current);
                }
                let wanted = StudioLimits {
                    projects_per_member: projects.unwrap_or(current.projects_per_member),
                    storage_per_project: storage.unwrap_or(current.storage_per_project),
                };
                c.set_limits(&s.access_token, &wanted)
            })?;
            if json {
                output::json(&limits)?;
            } else {
                output::text(format_args!(
                    "Projects per member: {}\nStorage per project: {}",
                    limits
                        .projects_per_member
                        .map_or("no limit".to_string(), |n| n.to_string()),
                    limits
                        .storage_per_project
                        .map_or("no limit".to_string(), atelier_domain::limits::human_bytes)
                ))?;
            }
        }
        StudioCommand::Sharing { set, json } => {
            let sharing = session::with_studio(library, |c, s| match set {
                Some(on) => c.set_sharing(&s.access_token, matches!(on, crate::args::OnOff::On)),
                None => c.sharing(&s.access_token),
            })?;
            if json {
                output::json(&sharing)?;
            } else if !sharing.configured {
                output::text(format_args!(
                    "Public sharing isn't set up: the studio is served without --public-url"
                ))?;
            } else {
                output::text(format_args!(
                    "Public sharing is {}",
                    if sharing.on {
                        "on: managers can publish campaigns"
                    } else {
                        "off"
                    }
                ))?;
            }
        }
        StudioCommand::Refusals { json, action: None } => {
            let list = atelier_sync::engine::refusals(library)?;
            if json {
                output::json(&list)?;
            } else if list.is_empty() {
                output::text(format_args!("Nothing the studio refused"))?;
            } else {
                for r in &list {
                    output::text(format_args!("{}\t{}\t{}: {}", r.id, r.what, r.code, r.message))?;
                }
            }
        }
        StudioCommand::Refusals {
            action: Some(RefusalAction::Discard { id }),
            ..
        } => {
            library.discard_refusal(id)?;
            output::text(format_args!("Discarded {id}"))?;
        }
        StudioCommand::Refusals {
            action: Some(RefusalAction::Retry { id }),
            ..
        } => {
            library.retry_refusal(id)?;
            output::text(format_args!("Sent {id} again: the studio decides it anew"))?;
            sync_after_change(library);
        }
        StudioCommand::Logout => {
            let told = session::logout(library)?;
            output::text(format_args!(
                "{}",
                if told {
                    "Signed out: the studio revoked this device and the keyring forgot it"
                } else {
                    "Signed out here (the keyring forgot the sign-in); the studio couldn't be told — \
                     an admin can revoke this device in its device list"
                }
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The member with `email`, ignoring case.
/// `atelier sync`: push and pull once.
/// What `atelier download` fetched.
#[derive(Debug, Serialize)]
struct Downloaded {
    /// Originals now here.
    downloaded: Vec<DownloadedFile>,
    /// Those that were here already (or are this library's own).
    already_here: usize,
}

#[derive(Debug, Serialize)]
struct DownloadedFile {
    id: String,
    path: String,
}

/// `atelier download`: other members' originals, fetched and verified (progress on stderr).
pub fn download(library: &Library, ids: &[String], project: Option<&str>, json: bool) -> Result<ExitCode> {
    let mut wanted: Vec<AssetId> = Vec::new();
    for id in ids {
        wanted.push(
            id.parse()
                .map_err(|e: atelier_domain::InvalidInput| anyhow::anyhow!("{}: {}", e.code, e.message))?,
        );
    }
    if let Some(p) = project {
        wanted.extend(library.remote_in_project(p)?);
    }
    if wanted.is_empty() {
        bail!("name the assets to download (their ids), or a project with --project NAME");
    }
    let mut out = Downloaded {
        downloaded: Vec::new(),
        already_here: 0,
    };
    let count = wanted.len();
    for (i, id) in wanted.into_iter().enumerate() {
        let got = atelier_sync::download_original(library, id, |done, total| {
            if !json && total > 0 {
                eprint!("\r{}/{count}: {}% ", i + 1, done * 100 / total);
            }
        })?;
        match got {
            Some(path) => out.downloaded.push(DownloadedFile {
                id: id.to_string(),
                path: path.to_string_lossy().into_owned(),
            }),
            None => out.already_here += 1,
        }
    }
    if !json && count > 0 {
        eprintln!();
    }
    if json {
        output::json(&out)?;
    } else {
        output::text(format_args!(
            "Downloaded {} original{}{}",
            out.downloaded.len(),
            if out.downloaded.len() == 1 { "" } else { "s" },
            if out.already_here > 0 {
                format!(" ({} already here)", out.already_here)
            } else {
                String::new()
            }
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn sync(library: &Library, json: bool) -> Result<ExitCode> {
    let report = atelier_sync::sync_once(library)?;
    if json {
        output::json(&report)?;
    } else {
        output::text(format_args!(
            "Pushed {} change{}, {} refused{}; pulled {} row{}{}",
            report.pushed,
            if report.pushed == 1 { "" } else { "s" },
            report.refused,
            if report.refused > 0 {
                " (see 'atelier studio refusals')"
            } else {
                ""
            },
            report.pulled,
            if report.pulled == 1 { "" } else { "s" },
            if report.rebootstrapped {
                "; the studio was restored from a backup, so the library started over from it"
            } else {
                ""
            }
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// After a command that changed a bound library: sync now, so that the change reaches the
/// studio (and the others) at once; when the studio can't be reached the change waits in the
/// outbox, and this says so without failing the command that was asked for.
pub fn sync_after_change(library: &Library) {
    let waiting = matches!(library.studio_binding(), Ok(Some(_))) && library.outbox_len().unwrap_or(0) > 0;
    if !waiting {
        return;
    }
    match atelier_sync::sync_once(library) {
        Ok(r) if r.refused > 0 => eprintln!(
            "warning: the studio refused {} change{}: see 'atelier studio refusals'",
            r.refused,
            if r.refused == 1 { "" } else { "s" }
        ),
        Ok(_) => {}
        Err(e) => eprintln!("note: not synced yet ({e}); the change waits and goes with the next sync"),
    }
}

/// Before a command that reads or changes what the studio holds (brands, their members):
/// catch up, quietly; offline, the command works on what this library last saw.
pub fn sync_before(library: &Library) {
    if matches!(library.studio_binding(), Ok(Some(_))) {
        let _ = atelier_sync::sync_once(library);
    }
}

/// "none" or a value.
fn limit<T>(text: &str, parse: impl Fn(&str) -> Result<T>) -> Result<Option<T>> {
    if text.trim().eq_ignore_ascii_case("none") {
        Ok(None)
    } else {
        parse(text).map(Some)
    }
}

fn member(members: Vec<StudioMember>, email: &str) -> Option<StudioMember> {
    members
        .into_iter()
        .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
}

fn no_member(email: &str) -> anyhow::Error {
    anyhow::anyhow!("no member of the studio has the email '{email}': 'atelier studio members' lists them")
}

fn invitation_id(id: &str) -> Result<uuid::Uuid> {
    id.trim().parse().map_err(|_| {
        anyhow::anyhow!("'{id}' isn't an invitation id: 'atelier studio invitations' lists them")
    })
}

/// The first line of standard input, without its line ending.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!(
            "no password on standard input: pipe it in, e.g. `echo \"$PASSWORD\" | atelier studio login …`"
        );
    }
    Ok(password)
}

fn default_device_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this computer".into());
    format!("Atelier on {host}")
}
