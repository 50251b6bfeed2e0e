//! `atelier studio login|status|logout|members|role|devices`: the terminal face of atelier-sync's
//! session (R14.1).
//!
//! Must not know HTTP or the keyring: it reads the password, calls the session, prints.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use atelier_library::Library;
use atelier_sync::session::{self, Connection, SignIn};

use crate::args::StudioCommand;
use crate::output;

pub fn run(library: &Library, command: StudioCommand) -> Result<ExitCode> {
    match command {
        StudioCommand::Login {
            url,
            email,
            password_stdin,
            device,
            json,
        } => {
            let Some(email) = email.filter(|_| password_stdin) else {
                bail!(
                    "sign in with --email EMAIL --password-stdin (the password on standard input); \
                     signing in through the browser comes with the studio's sign-in pages"
                );
            };
            let password = read_password()?;
            let device = device.unwrap_or_else(default_device_name);
            let report = session::login(
                library,
                &SignIn {
                    url: &url,
                    email: &email,
                    password: &password,
                    device: &device,
                },
            )?;
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
                        "Signed in to {} ({url}) as {}, {}; up to date",
                        s.studio.as_deref().unwrap_or(url),
                        s.user.as_ref().map(|u| u.email.as_str()).unwrap_or("?"),
                        s.role.map(|r| r.to_string()).unwrap_or_default()
                    ),
                    Connection::Offline | Connection::SignedOut | Connection::Revoked => format!(
                        "Bound to {url}: {}",
                        s.reason.as_deref().unwrap_or("not connected")
                    ),
                };
                output::text(format_args!("{line}\n{} changes waiting to sync", s.pending))?;
            }
        }
        StudioCommand::Members { json } => {
            let members = session::with_studio(library, |c, s| c.members(&s.access_token))?;
            if json {
                output::json(&members)?;
            } else {
                for m in &members {
                    output::text(format_args!("{}\t{}\t{}", m.email, m.display_name, m.role))?;
                }
            }
        }
        StudioCommand::Role { email, role } => {
            let member = session::with_studio(library, |c, s| {
                let members = c.members(&s.access_token)?;
                let Some(m) = members
                    .iter()
                    .find(|m| m.email.eq_ignore_ascii_case(email.trim()))
                else {
                    return Ok(None);
                };
                c.set_role(&s.access_token, m.id, role).map(Some)
            })?;
            let Some(m) = member else {
                bail!("no member of the studio has the email '{email}': 'atelier studio members' lists them");
            };
            output::text(format_args!("{} <{}> is now {}", m.display_name, m.email, m.role))?;
        }
        StudioCommand::Devices { json, revoke } => {
            if let Some(id) = revoke {
                let Ok(device) = id.parse() else {
                    bail!("'{id}' isn't a device id: 'atelier studio devices' lists them");
                };
                session::with_studio(library, |c, s| c.revoke_device(&s.access_token, device))?;
                output::text(format_args!(
                    "Device {id} revoked: it is signed out of the studio"
                ))?;
            } else {
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
