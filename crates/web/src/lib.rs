//! The HTTP face of a library (axum): the JSON API, media (thumbnails, previews, originals with
//! range requests, uploads, exports) and the built web UI, on 127.0.0.1 behind a per-launch token
//! (see guard.rs). Used by the desktop shell and by `atelier serve`.
//!
//! Handlers are a line or two that call atelier-library; no rule and no SQL live here.

mod api;
mod error;
mod files;
mod guard;
mod studio;

use std::net::SocketAddr;
use std::sync::Arc;

use atelier_library::{CancelToken, Library};
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
    /// The background sync with the library's studio (`None` in tests that don't serve).
    pub sync: Option<atelier_sync::LiveSync>,
}

/// The largest upload body (R16.1's studio limit; local uploads are copies into the library).
const MAX_UPLOAD: usize = 5 * 1024 * 1024 * 1024;

/// The whole app as a router, so tests can call it without a socket.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/session", get(api::session))
        .route("/search", post(api::search))
        .route("/buckets", get(api::buckets))
        .route("/facets", get(api::facets))
        .route("/assets/{id}", get(api::asset))
        .route("/assets/{id}/rename", post(api::rename))
        .route("/assets/{id}/fork", post(api::fork))
        .route("/assets/{id}/review-log", get(api::review_log))
        .route("/bulk", post(api::bulk))
        .route("/undo", post(api::undo))
        .route("/saved-searches", get(api::saved_searches))
        .route("/saved-searches/create", post(api::saved_search_create))
        .route("/saved-searches/update", post(api::saved_search_update))
        .route("/saved-searches/delete", post(api::saved_search_delete))
        .route("/trash/empty", post(api::trash_empty))
        .route("/stack", post(api::stack))
        .route("/unstack", post(api::unstack))
        .route("/similar", post(api::similar))
        .route("/duplicates", post(api::duplicates))
        .route("/duplicates/merge", post(api::merge_duplicates))
        .route("/projects", get(api::projects))
        .route("/projects/create", post(api::project_create))
        .route("/projects/rename", post(api::project_rename))
        .route("/projects/archive", post(api::project_archive))
        .route("/projects/share", post(api::project_share))
        .route("/projects/offline", post(api::project_offline))
        .route("/projects/settings", post(api::project_settings))
        .route("/projects/delete", post(api::project_delete))
        .route("/projects/watched", get(api::project_watched))
        .route("/projects/usage", get(api::project_usage))
        .route("/projects/watch", post(api::project_watch))
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
        .route("/collections/cover", post(api::collection_cover))
        .route("/collections/delete", post(api::collection_delete))
        .route("/campaigns", get(api::campaigns))
        .route("/campaigns/create", post(api::campaign_create))
        .route("/campaigns/rename", post(api::campaign_rename))
        .route("/campaigns/delete", post(api::campaign_delete))
        .route(
            "/campaigns/link",
            get(studio::campaign_link).post(studio::campaign_link_change),
        )
        .route("/sidecars/failures", get(api::sidecar_failures))
        .route("/models", get(api::models))
        .route("/models/{id}", get(api::model))
        .route("/tags", get(api::tags))
        .route("/tags/rename", post(api::tag_rename))
        .route("/tags/merge", post(api::tag_merge))
        .route("/tags/delete", post(api::tag_delete))
        .route("/changes", get(api::changes))
        .route("/changes/head", get(api::changes_head))
        .route("/studio/status", get(studio::status))
        .route("/studio/sync", get(studio::sync_status).post(studio::sync_now))
        .route("/studio/refusals", get(studio::refusals))
        .route("/studio/refusals/discard", post(studio::refusal_discard))
        .route("/studio/refusals/retry", post(studio::refusal_retry))
        .route("/studio/download", post(studio::download_original))
        .route("/studio/login", post(studio::login))
        .route("/studio/logout", post(studio::logout))
        .route(
            "/studio/login/browser",
            get(studio::browser_login_state).post(studio::browser_login),
        )
        .route("/studio/members", get(studio::members))
        .route("/studio/members/role", post(studio::member_role))
        .route("/studio/members/remove", post(studio::member_remove))
        .route("/studio/invite", post(studio::invite))
        .route("/studio/invitations", get(studio::invitations))
        .route("/studio/invitations/revoke", post(studio::invitation_revoke))
        .route("/studio/invitations/resend", post(studio::invitation_resend))
        .route("/studio/devices", get(studio::devices))
        .route("/studio/devices/revoke", post(studio::device_revoke))
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
        .nest(
            "/api",
            api.layer(axum::middleware::from_fn_with_state(state.clone(), wake_sync)),
        )
        .nest("/media", media)
        .fallback(files::ui)
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::guard))
        .with_state(state)
}

/// After a change made through the API (a successful POST that left something in the
/// outbox), the background sync goes at once instead of at its next look at the outbox: a
/// person's edit reaches the studio, and the rest of the team, ~100 ms sooner. POSTs that only
/// read (search, similar) find the outbox as it was and wake nothing.
async fn wake_sync(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let post = request.method() == axum::http::Method::POST;
    let response = next.run(request).await;
    if post
        && response.status().is_success()
        && let Some(sync) = &state.sync
        && state.library.outbox_len().unwrap_or(0) > 0
    {
        sync.wake();
    }
    response
}

/// Serves `library` on 127.0.0.1:`port` (0 picks a free port) until `shutdown` completes;
/// `ready` is told the address and the URL that signs a browser in.
pub async fn serve(
    library: impl Into<Arc<Library>>,
    port: u16,
    desktop: bool,
    ready: impl FnOnce(SocketAddr, String),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let token = new_token();
    let library: Arc<Library> = library.into();
    // Bound to a studio, the library syncs in the background while it is served (R14).
    let sync = atelier_sync::LiveSync::start(library.clone());
    let state = AppState {
        library,
        token: token.clone(),
        port: addr.port(),
        check_host: true,
        desktop,
        sync: Some(sync.clone()),
    };
    // The app follows watched folders while it runs (R2.8), beside the server.
    let stop_watching = CancelToken::new();
    {
        let library = state.library.clone();
        let cancel = stop_watching.clone();
        std::thread::Builder::new()
            .name("atelier-watch".into())
            .spawn(move || watch_in_background(&library, &cancel))?;
    }
    {
        let library = state.library.clone();
        let cancel = stop_watching.clone();
        std::thread::Builder::new()
            .name("atelier-sidecars".into())
            .spawn(move || write_sidecars_in_background(&library, &cancel))?;
    }
    {
        let library = state.library.clone();
        let cancel = stop_watching.clone();
        std::thread::Builder::new()
            .name("atelier-similar".into())
            .spawn(move || index_in_background(&library, &cancel))?;
    }
    ready(addr, format!("http://{addr}/?token={token}"));
    // TCP_NODELAY: without it a response written in two parts waits for the browser's delayed
    // ACK (40 ms on Linux) before its second part goes.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        // Failing leaves the connection as it was: slower, not wrong.
        let _ = tcp.set_nodelay(true);
    });
    let served = axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await;
    stop_watching.cancel();
    sync.stop();
    served
}

/// Analyses assets cataloged before signatures existed, at low priority beside the server
/// (R13.1: until an asset is analysed, Find similar on it says "Still indexing"). The index
/// itself loads on the first Find similar (about 0.3 s and 56 MB per million assets), so a
/// session that never uses it never pays for it.
fn index_in_background(library: &Library, cancel: &CancelToken) {
    match library.index_signatures(cancel, &None) {
        Ok(r) => {
            for (id, reason) in &r.failed {
                eprintln!("atelier: asset {id} has no visual signature: {reason}");
            }
        }
        Err(e) => eprintln!("atelier: analysing thumbnails for Find similar failed: {e}"),
    }
}

/// Writes queued XMP sidecars every couple of seconds until `cancel`, and once more at the end
/// (so a change made just before quitting still reaches its sidecar).
fn write_sidecars_in_background(library: &Library, cancel: &CancelToken) {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(2);
    loop {
        let stopping = cancel.is_cancelled();
        if let Err(e) = library.purge_expired_trash() {
            eprintln!("atelier: emptying old assets from the Trash failed: {e}");
        }
        match library.write_sidecars() {
            Ok(r) => {
                for f in &r.failed {
                    eprintln!(
                        "atelier: sidecar {} not written: {} (retried later)",
                        f.path.display(),
                        f.reason
                    );
                }
            }
            Err(e) => eprintln!("atelier: writing sidecars failed: {e}"),
        }
        if stopping {
            break;
        }
        let until = std::time::Instant::now() + EVERY;
        while !cancel.is_cancelled() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

/// Runs the library's watcher until `cancel`; an error (a folder that can't be watched, a
/// failed write) is reported and the watcher starts again a little later, so one bad moment
/// never ends the following of folders for the rest of the run.
fn watch_in_background(library: &Library, cancel: &CancelToken) {
    const RETRY: std::time::Duration = std::time::Duration::from_secs(10);
    while !cancel.is_cancelled() {
        let result = library.watch(cancel, &|event| {
            if let atelier_library::WatchEvent::Failed { issue } = &event {
                eprintln!(
                    "atelier: watched file {} not imported: {}",
                    issue.path.display(),
                    issue.reason
                );
            }
        });
        if let Err(e) = result {
            eprintln!(
                "atelier: watching folders stopped ({e}); trying again in {} s",
                RETRY.as_secs()
            );
            let until = std::time::Instant::now() + RETRY;
            while !cancel.is_cancelled() && std::time::Instant::now() < until {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        }
    }
}
