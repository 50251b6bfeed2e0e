//! Public campaign pages (SPEC R8.5, STUDIO.md §6), for anyone holding a live link, signed in
//! or not: `GET /c/{slug}` (brand, campaign, a grid of the approved assets with their
//! creators), `GET /c/{slug}/view/{asset}` (one asset large: the lightbox, as a page — no
//! JavaScript), its pictures `GET /c/{slug}/thumb/{asset}` and `/preview/{asset}`, and the
//! downloads `GET /c/{slug}/download/{asset}` and `GET /c/{slug}/download` (all, a zip).
//! Every route opens the link through
//! `Studio::open_public` (the view of what the link admits now, built through
//! `services::public::admits` — the one authoriser); an unknown, private or regenerated link, or an asset not admitted now, is the
//! same plain 404 "This link is no longer active".
//!
//! Must not know SQL or the rules. Shows nothing but brand name, campaign name, file names,
//! creators' display names and pictures: no prompts, tags, review status, ids in the text,
//! paths or emails. The slug holds the token: nothing here logs it, and the access log logs
//! the route as declared, never the path.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use std::sync::Arc;

use atelier_domain::AssetId;

use super::escape;
use crate::http::AppState;
use crate::services::ServiceError;
use crate::services::downloads::ZipAnswer;
use crate::services::public::{PublicAsset, PublicView};

/// The Content-Security-Policy of public pages: pictures from the studio itself, inline
/// styles, nothing else — no scripts, no forms, no framing, no base URL.
pub const PUBLIC_CSP: &str = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; \
     form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}\
header{padding:1.5rem 1rem .5rem;max-width:72rem;margin:auto}\
.brand{color:#6e6e73;margin:0;font-size:.95rem}h1{margin:.1rem 0 0;font-size:1.6rem}\
ul{list-style:none;margin:0 auto;padding:1rem;max-width:72rem;display:grid;gap:1rem;\
grid-template-columns:repeat(auto-fill,minmax(min(100%,15rem),1fr))}\
li{background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 3px rgba(0,0,0,.12)}\
img{display:block;width:100%;height:auto;background:#eee}\
.meta{padding:.5rem .7rem;font-size:.9rem}.dl{display:inline-block;margin-top:.3rem;padding:.25rem .7rem;border-radius:6px;background:#1d1d1f;color:#fff;text-decoration:none;font-size:.85rem}\
nav.all{padding:0 1rem;text-align:right}.name{overflow-wrap:anywhere}.by{color:#6e6e73}\
.empty{max-width:72rem;margin:3rem auto;padding:0 1rem;color:#6e6e73}\
li a{color:inherit;text-decoration:none}nav{padding:1rem;max-width:72rem;margin:auto}\
figure{margin:0 auto;padding:0 1rem 2rem;max-width:72rem}figure img{max-height:80vh;width:auto;max-width:100%;margin:auto}\
figcaption{text-align:center;padding:.6rem}";

/// The headers of every public response (STUDIO.md §6).
fn harden(headers: &mut HeaderMap) {
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PUBLIC_CSP),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// A whole public page around `body`.
fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex, nofollow\">\
         <title>{title}</title><style>{STYLE}</style></head><body>{body}</body></html>\n"
    )
}

fn html(status: StatusCode, title: &str, body: &str) -> Response {
    html_bytes(status, Bytes::from(document(title, body)))
}

fn html_bytes(status: StatusCode, page: Bytes) -> Response {
    let mut response = (status, page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    harden(headers);
    response
}

/// The one answer for a link that doesn't work, or an asset it doesn't admit.
fn no_longer_active() -> Response {
    html(
        StatusCode::NOT_FOUND,
        "This link is no longer active",
        "<p class=\"empty\">This link is no longer active.</p>",
    )
}

/// Past a client address's limit (every public request counts, a 404 too).
pub fn too_many(retry_after_ms: i64) -> Response {
    let mut response = html(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests",
        "<p class=\"empty\">Too many requests from your network: wait a few seconds, then reload.</p>",
    );
    let seconds = (retry_after_ms.max(0) + 999) / 1000;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

fn failed(e: &ServiceError) -> Response {
    tracing::error!(error = %e, "a public page failed");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "<p class=\"empty\">Something went wrong: try again in a moment.</p>",
    )
}

/// A picture's width and height for its `<img>` (a 4:3 box when unknown), so that nothing
/// moves when it loads.
fn size(a: &PublicAsset) -> (u32, u32) {
    if a.width > 0 && a.height > 0 {
        (a.width, a.height)
    } else {
        (4, 3)
    }
}

/// Who made it, as the page says it.
fn creator(a: &PublicAsset) -> &str {
    if a.creator.is_empty() {
        "a studio member"
    } else {
        &a.creator
    }
}

/// The longest side of the renditions a library sends: its thumbnail and its large preview.
const THUMB_SIDE: u32 = 400;
const PREVIEW_SIDE: u32 = 2048;

/// The picture's width in its thumbnail and in its preview (for `srcset`: a phone's screen
/// gets the preview, a desktop's grid the thumbnail).
fn widths(a: &PublicAsset) -> (u64, u64) {
    let (w, h) = size(a);
    let long = u64::from(w.max(h));
    let scaled = |side: u32| (u64::from(w) * u64::from(side).min(long) / long).max(1);
    (scaled(THUMB_SIDE), scaled(PREVIEW_SIDE))
}

/// The grid's column widths: one column on a phone, two on a small tablet, then ~18rem.
const GRID_SIZES: &str = "(max-width: 34rem) 100vw, (max-width: 52rem) 50vw, 18rem";

/// The Download link of an asset, when its type can be cleaned.
fn download_link(slug: &str, a: &PublicAsset) -> String {
    if !a.downloadable {
        return String::new();
    }
    format!(
        "<a class=\"dl\" href=\"/c/{slug}/download/{id}\" download>Download</a>",
        slug = escape(slug),
        id = a.id,
    )
}

/// One card of the grid: the picture at its own aspect (width and height given, so nothing
/// moves when it loads), the size that fits the screen (`srcset`), lazily loaded after the
/// first screen; its name, its creator and Download.
fn card(slug: &str, n: usize, a: &PublicAsset) -> String {
    let (w, h) = size(a);
    let (thumb_w, preview_w) = widths(a);
    let lazy = if n < 6 { "eager" } else { "lazy" };
    format!(
        "<li><a href=\"/c/{slug}/view/{id}\"><img src=\"/c/{slug}/thumb/{id}\" \
         srcset=\"/c/{slug}/thumb/{id} {thumb_w}w, /c/{slug}/preview/{id} {preview_w}w\" sizes=\"{GRID_SIZES}\" \
         width=\"{w}\" height=\"{h}\" loading=\"{lazy}\" decoding=\"async\" alt=\"{name}\"></a>\
         <div class=\"meta\"><div class=\"name\">{name}</div><div class=\"by\">by {by}</div>{download}</div></li>",
        slug = escape(slug),
        id = a.id,
        name = escape(&a.name),
        by = escape(creator(a)),
        download = download_link(slug, a),
    )
}

/// `Content-Disposition: attachment` for `name`: a plain ASCII `filename` for old clients,
/// the exact name in `filename*` (RFC 6266 / RFC 5987).
fn attachment(name: &str) -> HeaderValue {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut exact = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            exact.push(char::from(b));
        } else {
            exact.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{exact}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// `GET /c/{slug}`: the campaign's public page — rendered once per view (the same bytes for
/// everyone until what it shows changes).
pub async fn campaign_page(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    let view = match state.studio.open_public(&slug).await {
        Ok(Some(view)) => view,
        Ok(None) => return no_longer_active(),
        Err(e) => return failed(&e),
    };
    let page = view.rendered.get_or_init(|| render_page(&view)).clone();
    html_bytes(StatusCode::OK, page)
}

/// The page of a view: brand, campaign, Download all, the grid (or the empty state).
fn render_page(view: &PublicView) -> Bytes {
    let link = &view.link;
    let slug = &view.slug;
    let title = format!("{} — {}", escape(&link.campaign.name), escape(&link.brand_name));
    let mut body = format!(
        "<header><p class=\"brand\">{}</p><h1>{}</h1></header>",
        escape(&link.brand_name),
        escape(&link.campaign.name)
    );
    if view.assets.is_empty() {
        body.push_str("<p class=\"empty\">Nothing here yet: approved work will appear on this page.</p>");
    } else {
        if view.assets.iter().any(|a| a.downloadable) {
            body.push_str(&format!(
                "<nav class=\"all\"><a class=\"dl\" href=\"/c/{}/download\" download>Download all</a></nav>",
                escape(slug)
            ));
        }
        body.push_str("<ul>");
        for (n, a) in view.assets.iter().enumerate() {
            body.push_str(&card(slug, n, a));
        }
        body.push_str("</ul>");
    }
    Bytes::from(document(&title, &body))
}

/// The view a public path's slug opens, and the asset id it names — or the 404.
async fn opened(state: &AppState, slug: &str, asset: &str) -> Result<(Arc<PublicView>, AssetId), Response> {
    let id: AssetId = match asset.parse::<uuid::Uuid>() {
        Ok(u) => atelier_domain::Id::from_uuid(u),
        Err(_) => return Err(no_longer_active()),
    };
    match state.studio.open_public(slug).await {
        Ok(Some(view)) => Ok((view, id)),
        Ok(None) => Err(no_longer_active()),
        Err(e) => Err(failed(&e)),
    }
}

/// `GET /c/{slug}/view/{asset}`: one admitted asset, large (the grid's lightbox, as a page).
pub async fn view(State(state): State<AppState>, Path((slug, asset)): Path<(String, String)>) -> Response {
    let (view, id) = match opened(&state, &slug, &asset).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    let Some(a) = view.asset(id) else {
        return no_longer_active();
    };
    let (w, h) = size(a);
    let body = format!(
        "<nav><a href=\"/c/{slug}\">← {campaign}</a></nav><figure>\
         <img src=\"/c/{slug}/preview/{id}\" width=\"{w}\" height=\"{h}\" alt=\"{name}\">\
         <figcaption><span class=\"name\">{name}</span> <span class=\"by\">by {by}</span> {download}</figcaption></figure>",
        slug = escape(&view.slug),
        campaign = escape(&view.link.campaign.name),
        id = a.id,
        name = escape(&a.name),
        by = escape(creator(a)),
        download = download_link(&view.slug, a),
    );
    html(
        StatusCode::OK,
        &format!("{} — {}", escape(&a.name), escape(&view.link.campaign.name)),
        &body,
    )
}

/// `GET /c/{slug}/thumb/{asset}`: an admitted asset's thumbnail.
pub async fn thumbnail(
    State(state): State<AppState>,
    Path((slug, asset)): Path<(String, String)>,
) -> Response {
    picture(&state, &slug, &asset, false).await
}

/// `GET /c/{slug}/preview/{asset}`: an admitted asset's large preview (its thumbnail when the
/// studio has no preview).
pub async fn preview(State(state): State<AppState>, Path((slug, asset)): Path<(String, String)>) -> Response {
    picture(&state, &slug, &asset, true).await
}

async fn picture(state: &AppState, slug: &str, asset: &str, preview: bool) -> Response {
    let (view, id) = match opened(state, slug, asset).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    match state
        .studio
        .public_rendition(&state.blobs, &view, id, preview)
        .await
    {
        Ok(Some(read)) => {
            let mut response = Response::new(axum::body::Body::from_stream(read.body));
            let headers = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&read.mime) {
                headers.insert(header::CONTENT_TYPE, v);
            }
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(read.size));
            harden(headers);
            response
        }
        Ok(None) => no_longer_active(),
        Err(e) => failed(&e),
    }
}

/// `GET /c/{slug}/download/{asset}`: an admitted asset's original, its location and private
/// metadata removed (atelier-scrub), as an attachment.
pub async fn download(
    State(state): State<AppState>,
    Path((slug, asset)): Path<(String, String)>,
) -> Response {
    let (view, id) = match opened(&state, &slug, &asset).await {
        Ok(opened) => opened,
        Err(response) => return response,
    };
    match state.studio.public_download(&state.blobs, &view, id).await {
        Ok(Some(file)) => {
            let mut response = Response::new(axum::body::Body::from(file.bytes));
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            headers.insert(header::CONTENT_DISPOSITION, attachment(&file.name));
            harden(headers);
            response
        }
        Ok(None) => no_longer_active(),
        Err(e) => failed(&e),
    }
}

/// `GET /c/{slug}/download`: Download all — every asset the link admits, cleaned, in a zip
/// streamed while it is built.
pub async fn download_all(State(state): State<AppState>, Path(slug): Path<String>) -> Response {
    match state.studio.public_zip(&state.blobs, &slug).await {
        Ok(Some(ZipAnswer::Ready { name, body })) => {
            let mut response = Response::new(axum::body::Body::from_stream(body));
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
            headers.insert(header::CONTENT_DISPOSITION, attachment(&name));
            harden(headers);
            response
        }
        Ok(Some(ZipAnswer::Busy)) => {
            let mut response = html(
                StatusCode::SERVICE_UNAVAILABLE,
                "Busy",
                "<p class=\"empty\">Many downloads are being prepared right now: try again in a minute.</p>",
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            response
        }
        Ok(None) => no_longer_active(),
        Err(e) => failed(&e),
    }
}
