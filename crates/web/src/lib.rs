//! The HTTP face of a library (axum): the JSON API, media (thumbnails, previews, originals with
//! range requests, uploads, exports) and the built web UI, on 127.0.0.1 behind a per-launch token
//! (see guard.rs). Used by the desktop shell and by `atelier serve`.
//!
//! Handlers are a line or two that call atelier-library; no rule and no SQL live here.

mod api;
mod error;
mod files;
mod guard;

use std::net::SocketAddr;
use std::sync::Arc;

use atelier_library::Library;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub use error::ApiError;
pub use guard::{COOKIE, new_token};

/// Everything a request needs.
#[derive(Clone)]
pub struct AppState {
    /// The open library.
    pub library: Arc<Library>,
    /// This run's secret.
    pub token: String,
    /// The port, for the Host check.
    pub port: u16,
    /// Whether to check the Host header (always, except in-process tests without one).
    pub check_host: bool,
    /// Whether the desktop shell is in front (native features available).
    pub desktop: bool,
}

/// The largest upload body (R16.1's studio limit; local uploads are copies into the library).
const MAX_UPLOAD: usize = 5 * 1024 * 1024 * 1024;

/// The whole app as a router, so tests can call it without a socket.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/session", get(api::session))
        .route("/search", post(api::search))
        .route("/buckets", get(api::buckets))
        .route("/assets/{id}", get(api::asset))
        .route("/assets/{id}/rename", post(api::rename))
        .route("/assets/{id}/fork", post(api::fork))
        .route("/assets/{id}/review-log", get(api::review_log))
        .route("/bulk", post(api::bulk))
        .route("/projects", get(api::projects))
        .route("/projects/create", post(api::project_create))
        .route("/projects/rename", post(api::project_rename))
        .route("/projects/archive", post(api::project_archive))
        .route("/projects/share", post(api::project_share))
        .route("/projects/settings", post(api::project_settings))
        .route("/projects/delete", post(api::project_delete))
        .route("/brands", get(api::brands))
        .route("/brands/create", post(api::brand_create))
        .route("/brands/rename", post(api::brand_rename))
        .route("/brands/kit", post(api::brand_kit))
        .route("/brands/member", post(api::brand_member))
        .route("/brands/pin", post(api::brand_pin))
        .route("/collections", get(api::collections))
        .route("/collections/create", post(api::collection_create))
        .route("/collections/rename", post(api::collection_rename))
        .route("/collections/move", post(api::collection_move))
        .route("/collections/delete", post(api::collection_delete))
        .route("/campaigns", get(api::campaigns))
        .route("/campaigns/create", post(api::campaign_create))
        .route("/campaigns/rename", post(api::campaign_rename))
        .route("/campaigns/delete", post(api::campaign_delete))
        .route("/campaigns/visibility", post(api::campaign_visibility))
        .route("/tags", get(api::tags))
        .route("/tags/rename", post(api::tag_rename))
        .route("/tags/merge", post(api::tag_merge))
        .route("/tags/delete", post(api::tag_delete))
        .route("/changes", get(api::changes))
        .route("/import", post(api::import))
        .route(
            "/upload",
            post(files::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD)),
        )
        .route("/export", post(files::export));
    let media = Router::new()
        .route("/thumb/{id}", get(files::thumb))
        .route("/preview/{id}", get(files::preview))
        .route("/original/{id}", get(files::original))
        .route("/export/{name}", get(files::export_file));
    Router::new()
        .nest("/api", api)
        .nest("/media", media)
        .fallback(files::ui)
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard))
        .with_state(state)
}

/// Serves `library` on 127.0.0.1:`port` (0 picks a free port) until `shutdown` completes;
/// `ready` is told the address and the URL that signs a browser in.
pub async fn serve(
    library: Library,
    port: u16,
    desktop: bool,
    ready: impl FnOnce(SocketAddr, String),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let token = new_token();
    let state = AppState {
        library: Arc::new(library),
        token: token.clone(),
        port: addr.port(),
        check_host: true,
        desktop,
    };
    ready(addr, format!("http://{addr}/?token={token}"));
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
