//! Browser sign-in over HTTP, in process, on SQLite and (when a test server is configured)
//! PostgreSQL: start, the page names the device (escaped, strict headers), a wrong password
//! changes nothing, the right one approves and the page ends on "go back to Atelier"; the poll
//! answers 202 `sign_in_pending` until then, the credential once, then 410 `sign_in_expired`;
//! a spent link is the 404 page; a denied sign-in is 403 `sign_in_denied` to the desktop.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::sync::Arc;

use atelier_domain::StudioRole;
use atelier_studio::http::router;
use atelier_studio::testing::TestBackend;
use atelier_studio::{NewStudio, Studio};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

async fn call(
    app: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, String)>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = match body {
        Some((content_type, b)) => req.header(header::CONTENT_TYPE, content_type).body(Body::from(b)),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).to_string(),
    }
}

async fn api(app: &Router, path: &str, body: Value) -> Answer {
    call(
        app,
        Method::POST,
        path,
        None,
        Some(("application/json", body.to_string())),
    )
    .await
}

/// A page, with the headers every studio page has.
async fn page(app: &Router, method: Method, path: &str, form: Option<&str>) -> Answer {
    let body = form.map(|f| ("application/x-www-form-urlencoded", f.to_string()));
    let a = call(app, method, path, None, body).await;
    let h = |name: header::HeaderName| a.headers.get(name).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        h(header::CONTENT_TYPE).as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(h(header::CACHE_CONTROL).as_deref(), Some("no-store"));
    assert_eq!(h(header::REFERRER_POLICY).as_deref(), Some("no-referrer"));
    assert_eq!(h(header::X_FRAME_OPTIONS).as_deref(), Some("DENY"));
    assert_eq!(
        h(header::CONTENT_SECURITY_POLICY).as_deref(),
        Some(atelier_studio::pages::CSP)
    );
    assert!(h(header::SET_COOKIE).is_none());
    a
}

async fn app(postgres: bool) -> Option<(Router, TestBackend)> {
    let backend = TestBackend::new(postgres).await?;
    let at = backend.database.clone();
    let studio = Studio::create(
        &at,
        NewStudio {
            name: "Test <Studio>".into(),
            owner_email: "owner@studio.test".into(),
            owner_name: "Olive Owner".into(),
            owner_password: "owner-password".into(),
        },
    )
    .await
    .unwrap();
    studio
        .add_member(
            "member@studio.test",
            "Mo Member",
            "member-password".into(),
            StudioRole::Member,
        )
        .await
        .unwrap();
    Some((router(Arc::new(studio)), backend))
}

#[tokio::test]
async fn a_browser_sign_in_through_the_page_on_sqlite() {
    let (app, _backend) = app(false).await.unwrap();
    a_browser_sign_in_through_the_page(&app).await;
}

#[tokio::test]
async fn a_browser_sign_in_through_the_page_on_postgres() {
    if let Some((app, _backend)) = app(true).await {
        a_browser_sign_in_through_the_page(&app).await;
    }
}

async fn a_browser_sign_in_through_the_page(app: &Router) {
    let started = api(
        app,
        "/api/v1/auth/browser/start",
        json!({"device": "Atelier on <b>mo</b>"}),
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text);
    let started = started.json();
    // No public URL in this test: the link is the page's path.
    let link = started["login_url"].as_str().unwrap().to_string();
    assert!(link.starts_with("/login/"), "{link}");
    let poll_token = started["poll_token"].as_str().unwrap().to_string();
    assert_eq!(started["expires_in"], 600);
    let poll = || {
        api(
            app,
            "/api/v1/auth/browser/poll",
            json!({ "poll_token": poll_token }),
        )
    };

    let waiting = poll().await;
    assert_eq!(waiting.status, StatusCode::ACCEPTED, "{}", waiting.text);
    assert_eq!(waiting.json()["code"], "sign_in_pending");

    // The page names the device and the studio, escaped.
    let shown = page(app, Method::GET, &link, None).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.text.contains(
            "<strong>Atelier on &lt;b&gt;mo&lt;/b&gt;</strong> wants to sign in to Test &lt;Studio&gt;"
        ),
        "{}",
        shown.text
    );
    assert!(!shown.text.contains("<b>mo"), "{}", shown.text);
    assert!(!shown.text.contains(&poll_token));

    // A wrong password: the form again, with the uniform refusal; nothing changed.
    let wrong = page(
        app,
        Method::POST,
        &link,
        Some("action=approve&email=member%40studio.test&password=nope-nope"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.text.contains("wrong email or password"), "{}", wrong.text);
    assert!(wrong.text.contains("value=\"member@studio.test\""));
    assert_eq!(poll().await.status, StatusCode::ACCEPTED);

    let approved = page(
        app,
        Method::POST,
        &link,
        Some("action=approve&email=member%40studio.test&password=member-password"),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert!(
        approved.text.contains("You can go back to Atelier"),
        "{}",
        approved.text
    );

    // The link is spent.
    let spent = page(app, Method::GET, &link, None).await;
    assert_eq!(spent.status, StatusCode::NOT_FOUND);
    assert!(spent.text.contains("no longer valid"));

    // The desktop receives the credential once.
    let signed = poll().await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.text);
    let signed = signed.json();
    assert_eq!(signed["user"]["email"], "member@studio.test");
    assert_eq!(signed["role"], "member");
    let me = call(
        app,
        Method::GET,
        "/api/v1/me",
        signed["access_token"].as_str(),
        None,
    )
    .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json()["device_id"], signed["credential"]["device_id"]);
    let again = poll().await;
    assert_eq!(again.status, StatusCode::GONE, "{}", again.text);
    assert_eq!(again.json()["code"], "sign_in_expired");

    // Denying: the desktop hears so.
    let started = api(
        app,
        "/api/v1/auth/browser/start",
        json!({"device": "Atelier on x"}),
    )
    .await
    .json();
    let link = started["login_url"].as_str().unwrap();
    let denied = page(app, Method::POST, link, Some("action=deny")).await;
    assert_eq!(denied.status, StatusCode::OK);
    assert!(denied.text.contains("Sign-in denied"));
    let refused = api(
        app,
        "/api/v1/auth/browser/poll",
        json!({"poll_token": started["poll_token"]}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert_eq!(refused.json()["code"], "sign_in_denied");
    assert_eq!(
        page(app, Method::GET, link, None).await.status,
        StatusCode::NOT_FOUND
    );
}
