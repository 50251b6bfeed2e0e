//! The HTTP API through the router (no socket) and once over a real socket: the loopback guard,
//! typed errors, search and bulk edits, media with ranges, uploads.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::io::Cursor;
use std::sync::Arc;

use atelier_library::{CancelToken, ImportOptions, Library};
use atelier_web::{AppState, COOKIE, router};
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

const TOKEN: &str = "test-token-0123456789abcdef";

struct Fixture {
    _dir: tempfile::TempDir,
    state: AppState,
    ids: Vec<String>,
}

fn jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([x as u8 ^ seed, y as u8, seed]));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    for i in 0..3 {
        std::fs::write(photos.join(format!("p{i}.jpg")), jpeg(i)).unwrap();
    }
    let lib = Library::open(&dir.path().join("library")).unwrap();
    let r = lib
        .as_owner()
        .import(&[photos], &ImportOptions::default(), &CancelToken::new(), &None)
        .unwrap();
    let ids = r.imported.iter().map(|f| f.id.to_string()).collect();
    let state = AppState {
        library: Arc::new(lib),
        token: TOKEN.into(),
        port: 4242,
        check_host: true,
        desktop: false,
        sync: None,
    };
    Fixture {
        _dir: dir,
        state,
        ids,
    }
}

fn req(method: &str, uri: &str, body: Option<Value>) -> Request<Body> {
    let b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:4242");
    let b = b.header(header::COOKIE, format!("{COOKIE}={TOKEN}"));
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

async fn call(f: &Fixture, request: Request<Body>) -> (StatusCode, Value) {
    let r = router(f.state.clone()).oneshot(request).await.unwrap();
    let status = r.status();
    let bytes = to_bytes(r.into_body(), 10 << 20).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_api_needs_the_session_and_a_loopback_host() {
    let f = fixture();
    let bare = Request::get("/api/session")
        .header(header::HOST, "127.0.0.1:4242")
        .body(Body::empty())
        .unwrap();
    let (status, body) = call(&f, bare).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );

    let rebinding = Request::get("/api/session")
        .header(header::HOST, "attacker.example:4242")
        .header(header::COOKIE, format!("{COOKIE}={TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let (status, body) = call(&f, rebinding).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("host_not_allowed"))
    );

    let sign_in = Request::get(format!("/?token={TOKEN}"))
        .header(header::HOST, "localhost:4242")
        .body(Body::empty())
        .unwrap();
    let r = router(f.state.clone()).oneshot(sign_in).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains(TOKEN));
    assert!(
        r.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
        "no CORS, ever"
    );

    let wrong = Request::get("/?token=nope")
        .header(header::HOST, "localhost:4242")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&f, wrong).await.0, StatusCode::UNAUTHORIZED);

    let bearer = Request::get("/api/session")
        .header(header::HOST, "127.0.0.1:4242")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&f, bearer).await.0, StatusCode::OK);
}

#[tokio::test]
async fn search_bulk_and_typed_errors() {
    let f = fixture();
    let (status, page) = call(&f, req("POST", "/api/search", Some(json!({ "limit": 2 })))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let next = page["next"].as_str().unwrap();
    let (_, rest) = call(
        &f,
        req("POST", "/api/search", Some(json!({ "limit": 2, "cursor": next }))),
    )
    .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);

    let body = json!({ "selection": { "ids": [f.ids[0]] }, "op": "rate", "rating": 4 });
    let (status, report) = call(&f, req("POST", "/api/bulk", Some(body))).await;
    assert_eq!(
        (status, report["succeeded"].as_array().unwrap().len()),
        (StatusCode::OK, 1)
    );
    let (_, detail) = call(&f, req("GET", &format!("/api/assets/{}", f.ids[0]), None)).await;
    assert_eq!(detail["rating"], 4);

    let (status, err) = call(
        &f,
        req(
            "POST",
            "/api/bulk",
            Some(json!({ "selection": { "all": true }, "op": "rate", "rating": 9 })),
        ),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_body")),
        "a body serde refuses is a client error, typed: {err}"
    );
    assert!(err["message"].as_str().unwrap().contains("rating"), "{err}");
    let (status, err) = call(&f, req("GET", "/api/assets/not-an-id", None)).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_id"))
    );
    let (status, err) = call(
        &f,
        req(
            "POST",
            "/api/projects/share",
            Some(json!({ "name": "Inbox", "on": true })),
        ),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::CONFLICT, Some("needs_studio"))
    );
    assert!(err["message"].as_str().unwrap().contains("studio"));
    // Only a shared project's originals can be only on the studio; an unknown one is named.
    let (status, err) = call(
        &f,
        req(
            "POST",
            "/api/projects/offline",
            Some(json!({ "name": "Inbox", "on": true })),
        ),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("private_project")),
        "{err}"
    );
    let (status, err) = call(
        &f,
        req(
            "POST",
            "/api/projects/offline",
            Some(json!({ "name": "Nope", "on": true })),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{err}");
    let (status, err) = call(&f, req("POST", "/api/search", Some(json!({ "brand": "Nobody" })))).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    // Couldn't sync's Retry: an entry that isn't there, or a body without an id, is refused
    // and changes nothing.
    let (status, err) = call(
        &f,
        req("POST", "/api/studio/refusals/retry", Some(json!({ "id": 42 }))),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found")),
        "{err}"
    );
    assert!(
        err["message"].as_str().unwrap().contains("Couldn't sync"),
        "{err}"
    );
    let (status, err) = call(
        &f,
        req("POST", "/api/studio/refusals/retry", Some(json!({ "id": "x" }))),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_body"))
    );
    let (status, list) = call(&f, req("GET", "/api/studio/refusals", None)).await;
    assert_eq!((status, list), (StatusCode::OK, json!([])));
}

#[tokio::test]
async fn media_is_served_with_types_caching_and_ranges() {
    let f = fixture();
    let r = router(f.state.clone())
        .oneshot(req("GET", &format!("/media/thumb/{}", f.ids[0]), None))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert!(
        r.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let mut ranged = req("GET", &format!("/media/original/{}", f.ids[0]), None);
    ranged
        .headers_mut()
        .insert(header::RANGE, "bytes=0-9".parse().unwrap());
    let r = router(f.state.clone()).oneshot(ranged).await.unwrap();
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(to_bytes(r.into_body(), 1 << 20).await.unwrap().len(), 10);
    let r = router(f.state.clone())
        .oneshot(req("GET", &format!("/media/preview/{}", f.ids[1]), None))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn uploads_are_imported_as_copies_under_their_own_names() {
    let f = fixture();
    let boundary = "XBOUNDARYX";
    let mut body = Vec::new();
    for (name, bytes) in [("holiday.jpg", jpeg(77)), ("notes.txt", b"hello".to_vec())] {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"tag\"\r\n\r\nuploaded-test\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post("/api/upload")
        .header(header::HOST, "127.0.0.1:4242")
        .header(header::COOKIE, format!("{COOKIE}={TOKEN}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    let (status, report) = call(&f, request).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["imported"].as_array().unwrap().len(), 1);
    assert_eq!(report["imported"][0]["path"], "holiday.jpg");
    assert_eq!(report["skipped"][0]["path"], "notes.txt");
    let id = report["imported"][0]["id"].as_str().unwrap();
    let (_, detail) = call(&f, req("GET", &format!("/api/assets/{id}"), None)).await;
    assert_eq!(
        (detail["source"].as_str(), detail["managed"].as_bool()),
        (Some("uploaded"), Some(true))
    );
    assert_eq!(detail["name"], "holiday.jpg");
    assert_eq!(detail["tags"][0], "uploaded-test");
}

#[tokio::test]
async fn a_cross_origin_form_post_changes_nothing() {
    // Issue 10, defect 8: a page on another site posting a multipart form to /api/upload was
    // accepted. Every state-changing request now needs our own origin (or none: a script).
    let f = fixture();
    let boundary = "XBOUNDARYX";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"evil.jpg\"\r\n\r\n"
    )
    .into_bytes();
    body.extend(jpeg(99));
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let attempts = [
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
    ];
    for (name, value) in attempts {
        let request = Request::post("/api/upload")
            .header(header::HOST, "127.0.0.1:4242")
            .header(header::COOKIE, format!("{COOKIE}={TOKEN}"))
            .header(name, value)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body.clone()))
            .unwrap();
        let (status, error) = call(&f, request).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}: {value}");
        assert_eq!(error["code"], "cross_origin");
    }
    let mut bulk = req(
        "POST",
        "/api/bulk",
        Some(json!({"op": "delete", "selection": {"all": true}})),
    );
    bulk.headers_mut()
        .insert(header::ORIGIN, "http://localhost:9999".parse().unwrap());
    assert_eq!(call(&f, bulk).await.0, StatusCode::FORBIDDEN);
    let (_, page) = call(&f, req("POST", "/api/search", Some(json!({})))).await;
    assert_eq!(page["total"], 3, "nothing was uploaded or deleted");
    // The app's own pages still work.
    let mut own = req("POST", "/api/search", Some(json!({})));
    own.headers_mut()
        .insert(header::ORIGIN, "http://127.0.0.1:4242".parse().unwrap());
    own.headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    assert_eq!(call(&f, own).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_real_socket_serves_the_same_app() {
    let dir = tempfile::tempdir().unwrap();
    let lib = Library::open(&dir.path().join("library")).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(atelier_web::serve(
        lib,
        0,
        false,
        move |addr, url| {
            let _ = tx.send((addr, url));
        },
        async move {
            let _ = stop_rx.await;
        },
    ));
    let (addr, url) = rx.await.unwrap();
    assert!(url.starts_with(&format!("http://{addr}/?token=")));
    let token = url.split("token=").nth(1).unwrap().to_string();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET /api/buckets HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"all\":0"), "{response}");
    let _ = stop_tx.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn undo_takes_an_action_back_once_and_refuses_what_it_cannot() {
    let f = fixture();
    let body = json!({ "selection": { "ids": f.ids }, "op": "rate", "rating": 3 });
    let (_, report) = call(&f, req("POST", "/api/bulk", Some(body))).await;
    let spans = report["undo"].clone();
    assert!(spans.as_array().is_some_and(|s| !s.is_empty()), "{report}");

    let (status, undone) = call(&f, req("POST", "/api/undo", Some(json!({ "spans": spans })))).await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(undone["assets"]["succeeded"].as_array().unwrap().len(), 3);
    let (_, detail) = call(&f, req("GET", &format!("/api/assets/{}", f.ids[0]), None)).await;
    assert_eq!(detail["rating"], 0);

    let (status, err) = call(&f, req("POST", "/api/undo", Some(json!({ "spans": spans })))).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("already_undone"))
    );
    let (status, err) = call(&f, req("POST", "/api/undo", Some(json!({ "spans": [] })))).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("nothing_to_undo"))
    );
    let (status, _) = call(&f, req("POST", "/api/undo", Some(json!({ "spans": "all" })))).await;
    assert!(status.is_client_error());
    // Redo: the undo's own spans.
    let (status, _) = call(
        &f,
        req(
            "POST",
            "/api/undo",
            Some(json!({ "spans": undone["assets"]["undo"] })),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = call(&f, req("GET", &format!("/api/assets/{}", f.ids[0]), None)).await;
    assert_eq!(detail["rating"], 3);
}

#[tokio::test]
async fn saved_searches_keep_filters_by_name_with_live_counts() {
    let f = fixture();
    let (_, facets) = call(&f, req("GET", "/api/facets", None)).await;
    assert_eq!(facets["file_types"][0]["name"], "jpeg");
    assert_eq!(facets["file_types"][0]["count"], 3);

    let body = json!({ "name": "Five stars", "query": { "ratings": [5] } });
    let (status, saved) = call(&f, req("POST", "/api/saved-searches/create", Some(body.clone()))).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["count"], 0);
    let (status, err) = call(&f, req("POST", "/api/saved-searches/create", Some(body))).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::CONFLICT, Some("name_taken"))
    );
    let bad = json!({ "name": "Bad", "query": { "captured": { "from": "June" } } });
    let (status, err) = call(&f, req("POST", "/api/saved-searches/create", Some(bad))).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_date"))
    );
    let blank = json!({ "name": "  ", "query": {} });
    let (status, _) = call(&f, req("POST", "/api/saved-searches/create", Some(blank))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Live: a rating makes the count follow.
    let body = json!({ "selection": { "ids": [f.ids[0]] }, "op": "rate", "rating": 5 });
    call(&f, req("POST", "/api/bulk", Some(body))).await;
    let (_, list) = call(&f, req("GET", "/api/saved-searches", None)).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["count"], 1);

    let id = saved["id"].as_str().unwrap();
    let (status, renamed) = call(
        &f,
        req(
            "POST",
            "/api/saved-searches/update",
            Some(json!({ "id": id, "name": "Best" })),
        ),
    )
    .await;
    assert_eq!((status, renamed["name"].as_str()), (StatusCode::OK, Some("Best")));
    let (status, _) = call(
        &f,
        req("POST", "/api/saved-searches/delete", Some(json!({ "id": id }))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = call(
        &f,
        req("POST", "/api/saved-searches/delete", Some(json!({ "id": id }))),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (_, list) = call(&f, req("GET", "/api/saved-searches", None)).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_collection_cover_is_chosen_and_given_back() {
    let f = fixture();
    let me = f.state.library.as_owner();
    let brand = atelier_domain::rules::PERSONAL_BRAND;
    me.collection_create("Refs", brand).unwrap();
    let ids: Vec<atelier_domain::AssetId> = f.ids.iter().map(|i| i.parse().unwrap()).collect();
    me.collection_add("Refs", &atelier_library::Selection::Ids(ids[..2].to_vec()), None)
        .unwrap();

    let body = json!({ "path": "Refs", "asset": f.ids[0] });
    let (status, info) = call(&f, req("POST", "/api/collections/cover", Some(body))).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(
        (info["cover"].as_str(), info["cover_chosen"].as_bool()),
        (Some(f.ids[0].as_str()), Some(true))
    );

    // Bad input: not filed there, not an id, no such collection — clear errors, nothing changed.
    for (body, status, code) in [
        (
            json!({ "path": "Refs", "asset": f.ids[2] }),
            StatusCode::BAD_REQUEST,
            "cover_not_in_collection",
        ),
        (
            json!({ "path": "Refs", "asset": "nope" }),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({ "path": "Elsewhere", "asset": f.ids[0] }),
            StatusCode::NOT_FOUND,
            "collection_not_found",
        ),
        (
            json!({ "asset": f.ids[0] }),
            StatusCode::BAD_REQUEST,
            "missing_field",
        ),
    ] {
        let (got, err) = call(&f, req("POST", "/api/collections/cover", Some(body.clone()))).await;
        assert_eq!((got, err["code"].as_str()), (status, Some(code)), "{body}: {err}");
        assert!(!err["message"].as_str().unwrap_or_default().is_empty(), "{err}");
    }
    let listed = me.collection_list(brand).unwrap();
    assert_eq!(listed[0].cover.map(|c| c.to_string()), Some(f.ids[0].clone()));

    let (status, info) = call(
        &f,
        req(
            "POST",
            "/api/collections/cover",
            Some(json!({ "path": "Refs", "asset": null })),
        ),
    )
    .await;
    assert_eq!(
        (status, info["cover_chosen"].as_bool()),
        (StatusCode::OK, Some(false)),
        "{info}"
    );
}

#[tokio::test]
async fn the_journal_head_is_where_following_changes_starts() {
    let f = fixture();
    let (status, head) = call(&f, req("GET", "/api/changes/head", None)).await;
    assert_eq!(status, StatusCode::OK, "{head}");
    let head = head["head"].as_i64().unwrap();
    assert!(head > 0, "the import journaled");
    let (_, after) = call(&f, req("GET", &format!("/api/changes?since={head}"), None)).await;
    assert_eq!(after, json!([]), "nothing after the head");
    let (_, before) = call(&f, req("GET", &format!("/api/changes?since={}", head - 1), None)).await;
    assert_eq!(before[0]["seq"].as_i64(), Some(head));

    let body = json!({ "selection": { "ids": [f.ids[0]] }, "op": "rate", "rating": 4 });
    call(&f, req("POST", "/api/bulk", Some(body))).await;
    let (_, moved) = call(&f, req("GET", "/api/changes/head", None)).await;
    assert!(moved["head"].as_i64().unwrap() > head, "{moved}");
}
