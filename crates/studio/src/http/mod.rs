//! The studio's HTTP face (axum): the route table ([`routes`]) — every route with its method,
//! path and [`Access`] class, the one list the router is built from and the authorisation
//! tests enumerate —, the extractors that enforce access (`auth`), the handlers, and errors as
//! `{code, message}` (`error`).
//!
//! Must not know SQL or the rules: handlers call `services`, which never see HTTP.

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};

use atelier_domain::ErrorCode;

use crate::blobs::Blobs;
use crate::pages;
use crate::services::Studio;

pub mod auth;
pub mod error;
pub mod handlers;

/// What a handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The use cases.
    pub studio: Arc<Studio>,
    /// The blob store (the files' bytes).
    pub blobs: Blobs,
}

/// Who may call a route; each class is enforced by one extractor (see `auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (studio info, sign-in, refresh, accepting an invitation —
    /// whose secret is the authorisation —, browser sign-in's start and poll — the poll
    /// token is the authorisation —, and the server-rendered pages).
    Public,
    /// A signed-in, unrevoked device of any member (`auth::Device`).
    Device,
    /// A signed-in device of an Owner or Admin, by their current role (`auth::Admin`).
    Admin,
    /// Anyone holding a live public campaign link (the token in the path): every route of
    /// this class opens it through `Studio::open_public` and admits an asset only through
    /// `services::public::admits` (on the campaign and Approved now) — anything else is the
    /// same 404 (`pages::public`).
    PublicLink,
}

/// The HTTP methods the studio's routes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// DELETE
    Delete,
}

impl Verb {
    /// The HTTP method.
    pub fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Delete => Method::DELETE,
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Put => MethodFilter::PUT,
            Verb::Delete => MethodFilter::DELETE,
        }
    }
}

/// One route: method, path (axum syntax, `{param}`), who may call it, and its handler.
pub struct Route {
    /// The method.
    pub verb: Verb,
    /// The path.
    pub path: &'static str,
    /// Who may call it.
    pub access: Access,
    handler: MethodRouter<AppState>,
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} {} ({:?})", self.verb, self.path, self.access)
    }
}

fn route<H, T>(verb: Verb, path: &'static str, access: Access, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Route {
        verb,
        path,
        access,
        handler: on(verb.filter(), handler),
    }
}

/// A route whose body may be a whole upload part (axum's default limit is 2 MB).
fn large(mut r: Route) -> Route {
    let limit = usize::try_from(atelier_protocol::PART_SIZE)
        .unwrap_or(usize::MAX)
        .saturating_add(64 << 10);
    r.handler = r.handler.layer(axum::extract::DefaultBodyLimit::max(limit));
    r
}

/// Every route of the studio, classified. The router is built from this list alone, and the
/// tests check that the built router holds nothing else and that each class is enforced for
/// every kind of caller: a route added anywhere else, or classified wrongly, fails them.
pub fn routes() -> Vec<Route> {
    use Access::*;
    use Verb::*;
    use handlers as h;
    vec![
        route(Get, "/api/v1/studio", Public, h::studio),
        route(Post, "/api/v1/auth/password", Public, h::sign_in_password),
        route(Post, "/api/v1/auth/refresh", Public, h::refresh),
        route(Post, "/api/v1/auth/browser/start", Public, h::browser_start),
        route(Post, "/api/v1/auth/browser/poll", Public, h::browser_poll),
        route(Get, "/api/v1/me", Device, h::me),
        route(Get, "/api/v1/devices", Device, h::devices),
        route(Delete, "/api/v1/devices/{id}", Device, h::revoke_device),
        route(Get, "/api/v1/members", Device, h::members),
        route(Post, "/api/v1/members/{user_id}/role", Admin, h::change_role),
        route(Delete, "/api/v1/members/{user_id}", Admin, h::remove_member),
        route(Post, "/api/v1/invitations", Admin, h::invite),
        route(Get, "/api/v1/invitations", Admin, h::invitations),
        route(
            Post,
            "/api/v1/invitations/{id}/resend",
            Admin,
            h::resend_invitation,
        ),
        route(Delete, "/api/v1/invitations/{id}", Admin, h::revoke_invitation),
        route(Post, "/api/v1/invitations/accept", Public, h::accept_invitation),
        // Sync (STUDIO.md §4): what each caller may push or see is decided per intent and per
        // row by their roles now, inside the services.
        route(Post, "/api/v1/sync/push", Device, h::sync_push),
        route(Get, "/api/v1/sync/pull", Device, h::sync_pull),
        route(Get, "/api/v1/sync/events", Device, h::sync_events),
        route(Get, "/api/v1/limits", Device, h::limits),
        route(Post, "/api/v1/limits", Admin, h::set_limits),
        // Public campaign links (docs/decisions/0017): the link routes decide per campaign
        // (who may control its public link now), in the service.
        route(Get, "/api/v1/sharing", Device, h::sharing),
        route(Post, "/api/v1/sharing", Admin, h::set_sharing),
        route(Get, "/api/v1/campaigns/{id}/link", Device, h::campaign_link),
        route(Post, "/api/v1/campaigns/{id}/link", Device, h::publish_campaign),
        route(
            Delete,
            "/api/v1/campaigns/{id}/link",
            Device,
            h::unpublish_campaign,
        ),
        // Files (STUDIO.md §5): who reads which file is the files service's one rule.
        route(Post, "/api/v1/blobs/check", Device, h::blobs_check),
        route(Post, "/api/v1/uploads", Device, h::upload_start),
        large(route(
            Put,
            "/api/v1/uploads/{id}/parts/{n}",
            Device,
            h::upload_part,
        )),
        route(Post, "/api/v1/uploads/{id}/complete", Device, h::upload_complete),
        route(Get, "/api/v1/blobs/{hash}", Device, h::blob_get),
        large(route(
            Put,
            "/api/v1/blobs/{hash}/{kind}",
            Device,
            h::rendition_put,
        )),
        route(Get, "/api/v1/blobs/{hash}/{kind}", Device, h::rendition_get),
        // Server-rendered pages (plain HTML, no JavaScript); the link's secret is in the path
        // by design — it is the invitation link — so nothing logs these paths.
        route(Get, "/invite/{token}", Public, pages::invite_page),
        route(Post, "/invite/{token}", Public, pages::invite_submit),
        // The browser sign-in's page: its link's secret is in the path the same way.
        route(Get, "/login/{secret}", Public, pages::login_page),
        route(Post, "/login/{secret}", Public, pages::login_submit),
        // Public campaign pages (pages/public.rs): the link's token is in the path; each
        // opens it and admits assets through services::links alone.
        route(Get, "/c/{slug}", PublicLink, pages::public::campaign_page),
        route(Get, "/c/{slug}/view/{asset}", PublicLink, pages::public::view),
        route(
            Get,
            "/c/{slug}/thumb/{asset}",
            PublicLink,
            pages::public::thumbnail,
        ),
        route(
            Get,
            "/c/{slug}/preview/{asset}",
            PublicLink,
            pages::public::preview,
        ),
        route(
            Get,
            "/c/{slug}/download/{asset}",
            PublicLink,
            pages::public::download,
        ),
        route(Get, "/c/{slug}/download", PublicLink, pages::public::download_all),
    ]
}

/// The studio's router, testable without a socket, with its blobs kept in memory (for tests
/// that don't need them to last); `serve` uses [`router_with_blobs`].
pub fn router(studio: Arc<Studio>) -> Router {
    router_with_blobs(studio, Blobs::in_memory())
}

/// The studio's router over `blobs`.
pub fn router_with_blobs(studio: Arc<Studio>, blobs: Blobs) -> Router {
    let state = AppState { studio, blobs };
    let table = routes();
    let public: Arc<std::collections::HashSet<&'static str>> = Arc::new(
        table
            .iter()
            .filter(|r| r.access == Access::PublicLink)
            .map(|r| r.path)
            .collect(),
    );
    table
        .into_iter()
        // Routes sharing a path merge their methods (axum's `route` does that).
        .fold(Router::new(), |r, route| r.route(route.path, route.handler))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), public),
            limit_public,
        ))
        .layer(axum::middleware::from_fn(access_log))
        .with_state(state)
}

/// Counts every request to a [`Access::PublicLink`] route against its client's address
/// (STUDIO.md §6: a 404 counts too); past the limit, 429 with when to try again. The address
/// is the connection's (behind a proxy, the proxy's: one limit for all its clients — set
/// `--public-rate` to suit).
async fn limit_public(
    axum::extract::State((state, public)): axum::extract::State<(
        AppState,
        Arc<std::collections::HashSet<&'static str>>,
    )>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let is_public = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .is_some_and(|p| public.contains(p.as_str()));
    if is_public {
        let client = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string());
        if let Err(wait_ms) = state.studio.public_request(&client) {
            return pages::public::too_many(wait_ms);
        }
    }
    next.run(req).await
}

/// One line per request at debug level (`RUST_LOG=atelier_studio::access=debug`): the method,
/// the route as declared — never the request's path, which may hold a secret (a sign-in
/// link's, a public link's token) —, the status and how long it took.
async fn access_log(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    tracing::debug!(
        target: "atelier_studio::access",
        %method,
        route = route.as_deref().unwrap_or("(none)"),
        status = res.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    res
}

async fn not_found() -> error::ApiError {
    error::ApiError::new(ErrorCode::NotFound, "no such studio API route")
}
