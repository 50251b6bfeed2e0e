//! The Atelier studio server (STUDIO.md): a team's accounts, studio roles and signed-in devices
//! behind one HTTP API, in one process that keeps no state of its own beyond its database, so
//! that several processes can share one PostgreSQL database and behave as one studio.
//!
//! Layers point inward: `http` (axum routes, the access extractors, `{code, message}` errors)
//! and `pages` (the server-rendered HTML pages, routed through the same table) → `services` (the use cases; rules from atelier-domain, never a connection) → `store` (all
//! SQL; SQLite in the data folder by default, PostgreSQL with `--database-url`) + `blobs` (the
//! files' bytes: the data folder's `blobs/` by default, an S3 bucket with `--blob-url`). This
//! file holds the two commands' bodies, [`init`]
//! and [`serve`], which the thin `atelier-studio` binary calls.
//!
//! Must not know the desktop side (atelier-library, catalog, web): only atelier-protocol (the
//! wire types) and atelier-domain (the rules) are shared.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use blobs::{BlobError, BlobLocation, Blobs};

pub mod blobs;
pub mod http;
pub mod pages;
pub mod services;
pub mod store;
#[doc(hidden)]
pub mod testing;

pub use services::{NewStudio, ServiceError, Studio};
pub use store::Database;

/// What `atelier-studio serve` needs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The data folder holding the studio.
    pub data: PathBuf,
    /// The PostgreSQL database holding the studio's rows instead of `data/studio.db`.
    pub database_url: Option<String>,
    /// Where to listen (port 0: any free port).
    pub listen: SocketAddr,
    /// The URL people reach the studio at, when it differs from the listening address (behind
    /// a proxy): invitation links start with it (else with `http://<the address bound>`).
    pub public_url: Option<String>,
    /// The S3 bucket holding the blobs instead of `data/blobs/`.
    pub blob_url: Option<BlobLocation>,
    /// Requests each client address may make of the public campaign pages per 10 s (0: no
    /// limit).
    pub public_rate: u32,
}

/// Why `serve` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The studio couldn't be opened.
    #[error("{0}")]
    Studio(#[from] ServiceError),
    /// The blob store can't be used (its start-up check failed).
    #[error("{0}")]
    Blobs(#[from] BlobError),
    /// `--public-url` is not an http(s) URL.
    #[error("--public-url must start with http:// or https:// (got '{0}')")]
    PublicUrl(String),
    /// The address can't be listened on.
    #[error("can't listen on {addr}: {source}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// Printing or serving failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Where the studio's rows live: the PostgreSQL database when a URL is given, else
/// `data/studio.db`.
fn database(data: &std::path::Path, database_url: Option<String>) -> Database {
    match database_url {
        Some(url) => Database::Postgres(url),
        None => Database::Sqlite(data.to_path_buf()),
    }
}

/// The blob store at `at`, once it has passed its start-up check.
async fn checked_blobs(at: &BlobLocation) -> Result<Blobs, BlobError> {
    let blobs = Blobs::open(at)?;
    blobs.check().await?;
    Ok(blobs)
}

fn blobs_refused(e: BlobError) -> ServiceError {
    ServiceError::Refused(atelier_domain::InvalidInput::new(e.code(), e.to_string()))
}

/// Creates a studio in `data` (or, with a URL, in that PostgreSQL database; `data` is created
/// all the same) with its first Owner, after checking its blob store (nothing about blobs is
/// recorded: `serve` is told again); returns what to tell the person.
pub async fn init(
    data: PathBuf,
    database_url: Option<String>,
    blob_url: Option<BlobLocation>,
    new: NewStudio,
) -> Result<String, ServiceError> {
    let owner = new.owner_email.trim().to_string();
    let at = database(&data, database_url);
    let blobs_at = BlobLocation::for_data(&data, blob_url);
    // A bucket that can't be used stops init before anything is created; the embedded folder
    // is checked once the studio exists, so that a refused init leaves no folder behind.
    if blobs_at.is_remote() {
        checked_blobs(&blobs_at).await.map_err(blobs_refused)?;
    }
    let studio = Studio::create(&at, new).await?;
    let name = studio.info().name;
    studio.close().await;
    if matches!(at, Database::Postgres(_)) {
        // The folder holds what is not in the database (local blobs, later): made once the
        // studio is, so that `serve --data` finds it.
        std::fs::create_dir_all(&data).map_err(|e| {
            ServiceError::Refused(atelier_domain::InvalidInput::new(
                atelier_domain::ErrorCode::IoError,
                format!("can't create {}: {e}", data.display()),
            ))
        })?;
    }
    let blob_arg = if blobs_at.is_remote() {
        format!(" --blob-url {blobs_at}")
    } else {
        checked_blobs(&blobs_at).await.map_err(blobs_refused)?;
        String::new()
    };
    Ok(match at {
        Database::Sqlite(_) => format!(
            "Created the studio \"{name}\" in {} with {owner} as its Owner.\nStart it with: atelier-studio serve --data {}{blob_arg}",
            data.display(),
            data.display()
        ),
        // The URL may hold a password: not printed.
        Database::Postgres(_) => format!(
            "Created the studio \"{name}\" in the PostgreSQL database with {owner} as its Owner.\nStart it with: atelier-studio serve --data {} --database-url URL{blob_arg}",
            data.display()
        ),
    })
}

/// Gives the studio in `data` (or the PostgreSQL database) a new sync epoch, after a restore
/// from a backup; returns it.
pub async fn new_epoch(data: PathBuf, database_url: Option<String>) -> Result<String, ServiceError> {
    let studio = Studio::open(&database(&data, database_url)).await?;
    let epoch = studio.new_epoch().await;
    studio.close().await;
    epoch
}

/// Serves the studio in `options.data` until ctrl-c or SIGTERM, then finishes the requests in
/// flight and closes the database. Prints `Atelier studio is serving at http://HOST:PORT` (the
/// port actually bound) once the socket accepts connections.
pub async fn serve(options: ServeOptions) -> Result<(), ServeError> {
    if let Some(url) = &options.public_url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(ServeError::PublicUrl(url.clone()));
    }
    let studio = Studio::open(&database(&options.data, options.database_url.clone())).await?;
    // Checked after the studio is found, so that serving a folder that holds no studio says
    // so (and makes no blobs/ folder in it).
    let blobs = match checked_blobs(&BlobLocation::for_data(&options.data, options.blob_url.clone())).await {
        Ok(blobs) => blobs,
        Err(e) => {
            studio.close().await;
            return Err(e.into());
        }
    };
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|source| ServeError::Listen {
            addr: options.listen,
            source,
        })?;
    let bound = listener.local_addr()?;
    // Links (invitations) start with the public URL, else the address served.
    let base = options
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{bound}"));
    let studio = Arc::new(
        studio
            .with_base_url(&base)
            .with_public_url(options.public_url.as_deref())
            .with_public_rate(options.public_rate),
    );
    // Pokes from the other studio processes sharing a PostgreSQL database (none on SQLite).
    studio.listen_for_pokes().await?;
    {
        // The line scripts and tests wait for; printed after bind, so the port is real and
        // connections queue from this moment.
        let mut out = std::io::stdout().lock();
        writeln!(out, "Atelier studio is serving at http://{bound}")?;
        out.flush()?;
    }
    tracing::info!(%bound, public_url = ?options.public_url, blobs = blobs.location(), "serving");
    // TCP_NODELAY: a response goes out in more than one write (headers, then the body), and
    // with Nagle's algorithm the second waits for the client's delayed ACK — 40 ms a request
    // on Linux, which made each thumbnail fetch take 40 ms instead of one.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "can't set TCP_NODELAY on a connection");
        }
    });
    // With each connection's address: the public pages are limited per client address.
    let app =
        http::router_with_blobs(studio.clone(), blobs).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    studio.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on ctrl-c or SIGTERM (how systemd and container runtimes stop a service).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "can't listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "can't listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
