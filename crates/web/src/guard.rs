//! The loopback guard: a per-launch secret token, exchanged once for an HttpOnly cookie, and a
//! Host check against DNS rebinding. No CORS headers are ever sent, so other origins' pages can't
//! read anything. Scripts may send the token as `Authorization: Bearer …` instead of the cookie.

use atelier_domain::ErrorCode;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::error::ApiError;

/// The session cookie's name.
pub const COOKIE: &str = "atelier_session";

/// A new random token (256 bits, hex).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hosts this server answers as.
fn own_hosts(port: u16) -> [String; 3] {
    [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ]
}

fn host_allowed(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    own_hosts(port).iter().any(|h| h == host)
}

/// Whether a state-changing request may come from where the browser says it comes from: only
/// from this app's own pages (or from no page at all: scripts, the CLI's tests). A form on
/// another site posting to us — cross-site request forgery — carries its Origin or a
/// `Sec-Fetch-Site` other than `same-origin`, and is refused, cookie or not.
fn origin_allowed(headers: &HeaderMap, port: u16) -> bool {
    let fetch_site_ok = headers
        .get("sec-fetch-site")
        .map(|v| matches!(v.to_str(), Ok("same-origin" | "none")))
        .unwrap_or(true);
    let origin_ok = headers.get(header::ORIGIN).is_none_or(|v| {
        v.to_str()
            .ok()
            .and_then(|o| o.strip_prefix("http://"))
            .is_some_and(|host| own_hosts(port).iter().any(|h| h == host))
    });
    fetch_site_ok && origin_ok
}

fn has_token(headers: &HeaderMap, token: &str) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .is_some_and(|t| constant_eq(t.trim(), token));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .any(|c| {
            c.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .any(|(k, v)| k == COOKIE && constant_eq(v, token))
        });
    bearer || cookie
}

/// Compares without leaking where the first difference is.
fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks every request: Host always; the session for the API and media. `/?token=…` trades a
/// valid token for the cookie and redirects to the app.
pub async fn guard(State(state): State<AppState>, request: Request<Body>, next: Next) -> Response {
    if state.check_host && !host_allowed(request.headers(), state.port) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::HostNotAllowed,
            "this server answers only on 127.0.0.1 and localhost",
        )
        .into_response();
    }
    let path = request.uri().path().to_string();
    if let Some(query) = request.uri().query()
        && let Some(t) = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v)
    {
        if constant_eq(t, &state.token) {
            let mut r = Redirect::to(&path).into_response();
            let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", state.token);
            if let Ok(v) = cookie.parse() {
                r.headers_mut().insert(header::SET_COOKIE, v);
            }
            return r;
        }
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::BadToken,
            "this link's token is not valid for this run of Atelier",
        )
        .into_response();
    }
    let changes_state = !matches!(
        *request.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if changes_state && !origin_allowed(request.headers(), state.port) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::CrossOrigin,
            "changes are accepted only from Atelier's own pages: this request came from another site",
        )
        .into_response();
    }
    let protected = path.starts_with("/api/") || path.starts_with("/media/");
    if protected && !has_token(request.headers(), &state.token) {
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "open the link Atelier printed when it started (it carries the session token)",
        )
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_compared_exactly() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert!(constant_eq(&t, &t.clone()));
        assert!(!constant_eq(&t, &t[1..]));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, format!("a=b; {COOKIE}={t}").parse().unwrap());
        assert!(has_token(&h, &t));
        assert!(!has_token(&h, &new_token()));
    }

    #[test]
    fn changes_come_only_from_our_own_pages() {
        let mut h = HeaderMap::new();
        assert!(origin_allowed(&h, 8080), "no browser headers: a script");
        h.insert(header::ORIGIN, "http://127.0.0.1:8080".parse().unwrap());
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(origin_allowed(&h, 8080));
        h.insert(header::ORIGIN, "http://evil.example".parse().unwrap());
        assert!(!origin_allowed(&h, 8080));
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(!origin_allowed(&h, 8080));
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!origin_allowed(&h, 8080));
        h.insert("sec-fetch-site", "same-site".parse().unwrap());
        assert!(
            !origin_allowed(&h, 8080),
            "another port on localhost is another app"
        );
    }

    #[test]
    fn only_loopback_hosts_on_our_port() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().unwrap());
        assert!(host_allowed(&h, 8080));
        assert!(!host_allowed(&h, 9090));
        h.insert(header::HOST, "evil.example:8080".parse().unwrap());
        assert!(!host_allowed(&h, 8080));
    }
}
