//! The Atelier studio server (STUDIO.md): a team's accounts, studio roles and signed-in devices
//! behind one HTTP API, in one process that keeps no state of its own beyond its database, so
//! that several processes can share one PostgreSQL database and behave as one studio.
//!
//! Layers point inward: `http` (axum routes, the access extractors, `{code, message}` errors)
//! and `pages` (the server-rendered HTML pages, routed through the same table) → `services` (the use cases; rules from atelier-domain, never a connection) → `store` (all
//! SQL; SQLite in the data folder by default, PostgreSQL with `--database-url`). This file holds the two commands' bodies, [`init`]
//! and [`serve`], which the thin `atelier-studio` binary calls.
//!
//! Must not know the desktop side (atelier-library, catalog, web): only atelier-protocol (the
//! wire types) and atelier-domain (the rules) are shared.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

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
}

/// Why `serve` stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The studio couldn't be opened.
    #[error("{0}")]
    Studio(#[from] ServiceError),
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

/// Creates a studio in `data` (or, with a URL, in that PostgreSQL database; `data` is created
/// all the same) with its first Owner; returns what to tell the person.
pub async fn init(
    data: PathBuf,
    database_url: Option<String>,
    new: NewStudio,
) -> Result<String, ServiceError> {
    let owner = new.owner_email.trim().to_string();
    let at = database(&data, database_url);
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
    Ok(match at {
        Database::Sqlite(_) => format!(
            "Created the studio \"{name}\" in {} with {owner} as its Owner.\nStart it with: atelier-studio serve --data {}",
            data.display(),
            data.display()
        ),
        // The URL may hold a password: not printed.
        Database::Postgres(_) => format!(
            "Created the studio \"{name}\" in the PostgreSQL database with {owner} as its Owner.\nStart it with: atelier-studio serve --data {} --database-url URL",
            data.display()
        ),
    })
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
    let studio = Arc::new(studio.with_base_url(&base));
    {
        // The line scripts and tests wait for; printed after bind, so the port is real and
        // connections queue from this moment.
        let mut out = std::io::stdout().lock();
        writeln!(out, "Atelier studio is serving at http://{bound}")?;
        out.flush()?;
    }
    tracing::info!(%bound, public_url = ?options.public_url, "serving");
    axum::serve(listener, http::router(studio.clone()))
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
