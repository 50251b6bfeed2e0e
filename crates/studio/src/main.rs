//! `atelier-studio`: parses the command line and calls the library (`init`, `serve`).
//!
//! Must not hold logic of its own beyond reading the password from stdin and printing.

use std::io::{IsTerminal as _, Read as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use atelier_studio::blobs::BlobLocation;
use clap::{Parser, Subcommand};

/// The Atelier studio server: a team's accounts, roles and devices.
#[derive(Debug, Parser)]
#[command(name = "atelier-studio", version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a studio in a data folder, with its first Owner.
    Init {
        /// The data folder (created if missing; refused if it already holds a studio).
        #[arg(long)]
        data: PathBuf,
        /// The first Owner's email.
        #[arg(long)]
        owner: String,
        /// The first Owner's display name.
        #[arg(long)]
        name: String,
        /// The studio's name.
        #[arg(long, default_value = "Studio")]
        studio: String,
        /// Read the Owner's password from standard input (one line; the newline is dropped).
        #[arg(long)]
        password_stdin: bool,
        /// Keep the studio's rows in this PostgreSQL database (postgres://USER@HOST:PORT/DB,
        /// which must exist) instead of DIR/studio.db; DIR is still made and used for the rest.
        #[arg(long, env = "ATELIER_STUDIO_DATABASE_URL", hide_env_values = true, value_parser = postgres_url)]
        database_url: Option<String>,
        /// Keep the blobs (the files' bytes) in this S3 bucket instead of DIR/blobs:
        /// s3://BUCKET[/PREFIX], reached with AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID
        /// and AWS_SECRET_ACCESS_KEY. Checked (a probe written, read back and deleted) before
        /// anything is created; not recorded: give it to serve too.
        #[arg(long, env = "ATELIER_STUDIO_BLOB_URL", value_parser = blob_url)]
        blob_url: Option<BlobLocation>,
    },
    /// Serve a studio until interrupted (ctrl-c or SIGTERM stop it gracefully).
    Serve {
        /// The data folder holding the studio.
        #[arg(long)]
        data: PathBuf,
        /// Address and port to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:4780")]
        listen: SocketAddr,
        /// The URL people reach the studio at, when behind a proxy (invitation links start with it).
        #[arg(long)]
        public_url: Option<String>,
        /// Requests each client address may make of the public campaign pages per 10 seconds
        /// (every request counts, a 404 too); 0: no limit.
        #[arg(long, value_name = "N", default_value_t = atelier_studio::services::throttle::PUBLIC_REQUESTS_PER_WINDOW)]
        public_rate: u32,
        /// The PostgreSQL database holding the studio's rows (as given to init); several serve
        /// processes on one database behave as one studio.
        #[arg(long, env = "ATELIER_STUDIO_DATABASE_URL", hide_env_values = true, value_parser = postgres_url)]
        database_url: Option<String>,
        /// The S3 bucket holding the blobs (as given to init), s3://BUCKET[/PREFIX], reached
        /// with AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY;
        /// without it, DIR/blobs. Checked before serving.
        #[arg(long, env = "ATELIER_STUDIO_BLOB_URL", value_parser = blob_url)]
        blob_url: Option<BlobLocation>,
    },
    /// After restoring a studio from a backup: give it a new sync epoch, so that every library
    /// starts its view over from the restored state (keeping the changes it has not sent yet).
    /// Run it with the studio stopped, before serving it again.
    NewEpoch {
        /// The data folder holding the studio.
        #[arg(long)]
        data: PathBuf,
        /// The PostgreSQL database holding the studio's rows (as given to init).
        #[arg(long, env = "ATELIER_STUDIO_DATABASE_URL", hide_env_values = true, value_parser = postgres_url)]
        database_url: Option<String>,
    },
}

/// Accepts a PostgreSQL URL only (the one database server the studio speaks besides SQLite).
fn postgres_url(url: &str) -> Result<String, String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(url.to_string())
    } else {
        Err("a PostgreSQL URL: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE".into())
    }
}

/// Accepts `s3://BUCKET[/PREFIX]` only; the refusal says what is allowed.
fn blob_url(url: &str) -> Result<BlobLocation, String> {
    BlobLocation::parse_url(url).map_err(|e| e.to_string())
}

fn read_password() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    // Only the line ending a pipe or `echo` adds goes; other spaces may be part of it.
    let password = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    Ok(password.to_string())
}

async fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::Init {
            data,
            owner,
            name,
            studio,
            password_stdin,
            database_url,
            blob_url,
        } => {
            if !password_stdin {
                anyhow::bail!(
                    "the first Owner needs a password: pipe it in with --password-stdin, e.g.\n  \
                     printf '%s' \"$PASSWORD\" | atelier-studio init --data {} --owner {owner} --name '{name}' --password-stdin\n\
                     (nothing was created; sign-in links come with browser sign-in)",
                    data.display()
                );
            }
            let password = read_password()?;
            let said = atelier_studio::init(
                data,
                database_url,
                blob_url,
                atelier_studio::NewStudio {
                    name: studio,
                    owner_email: owner,
                    owner_name: name,
                    owner_password: password,
                },
            )
            .await?;
            println!("{said}");
            Ok(())
        }
        Command::Serve {
            data,
            listen,
            public_url,
            database_url,
            blob_url,
            public_rate,
        } => {
            atelier_studio::serve(atelier_studio::ServeOptions {
                data,
                database_url,
                listen,
                public_url,
                blob_url,
                public_rate,
            })
            .await?;
            Ok(())
        }
        Command::NewEpoch { data, database_url } => {
            let epoch = atelier_studio::new_epoch(data, database_url).await?;
            println!(
                "The studio's sync epoch is now {epoch}: libraries start their view over at their next sync."
            );
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, never in journald or a log file.
        .with_ansi(std::io::stderr().is_terminal())
        // Info by default; `RUST_LOG` chooses more (`atelier_studio::access=debug`: every request).
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("atelier-studio: can't start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("atelier-studio: {e}");
            ExitCode::FAILURE
        }
    }
}
