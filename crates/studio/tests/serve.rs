//! The real binary on 127.0.0.1: `init` with the password on stdin, `serve` on port 0, sign in,
//! refresh, reuse a spent refresh secret (the device is revoked and its token stops working),
//! bad input answered `{code, message}` with nothing changed, and a clean exit on SIGTERM — on
//! SQLite, and on PostgreSQL when a test server is configured (`atelier_studio::testing`), where
//! two `serve` processes on one database must also behave as one studio.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use atelier_studio::testing::TestDatabase;
use serde_json::{Value, json};

use common::serve;

fn init(data: &Path, db: Option<&str>, password: Option<&str>) -> std::process::Output {
    common::init(data, db, "Olive@Studio.test", "Test Studio", password)
}

async fn post(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let res = c.post(url).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn get(c: &reqwest::Client, url: String, token: &str) -> (u16, Value) {
    let res = c.get(url).bearer_auth(token).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn assert_error(got: &(u16, Value), status: u16, code: &str) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["code"], code, "{}", got.1);
    assert!(
        got.1["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        got.1
    );
}

#[tokio::test]
async fn init_serve_sign_in_refresh_and_theft_detection_on_sqlite() {
    init_serve_sign_in_refresh_and_theft_detection(None).await;
}

#[tokio::test]
async fn init_serve_sign_in_refresh_and_theft_detection_on_postgres() {
    if let Some(db) = TestDatabase::create().await {
        init_serve_sign_in_refresh_and_theft_detection(Some(&db.url)).await;
    }
}

async fn init_serve_sign_in_refresh_and_theft_detection(db: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("studio");

    // Without --password-stdin nothing is created.
    let out = init(&data, db, None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password-stdin"));
    assert!(!data.exists());

    let out = init(&data, db, Some("a long owner password"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Test Studio"));
    // A second init is refused and changes nothing.
    let again = init(&data, db, Some("another password"));
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds a studio"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let (mut server, url) = serve(&data, db);
    let c = reqwest::Client::new();
    let api = |p: &str| format!("{url}/api/v1/{p}");

    let info: Value = c.get(api("studio")).send().await.unwrap().json().await.unwrap();
    assert_eq!(info["name"], "Test Studio");

    // Bad input: clear errors, nothing created.
    let bad_email = post(
        &c,
        api("auth/password"),
        json!({"email": "olive", "password": "x", "device": "d"}),
    )
    .await;
    assert_error(&bad_email, 400, "invalid_email");
    let wrong = post(
        &c,
        api("auth/password"),
        json!({"email": "olive@studio.test", "password": "wrong password", "device": "d"}),
    )
    .await;
    assert_error(&wrong, 401, "bad_credentials");
    let nobody = post(
        &c,
        api("auth/password"),
        json!({"email": "nobody@studio.test", "password": "wrong password", "device": "d"}),
    )
    .await;
    assert_eq!(
        nobody.1["message"], wrong.1["message"],
        "must not tell which emails exist"
    );
    let missing = post(
        &c,
        api("auth/password"),
        json!({"email": "olive@studio.test", "device": "d"}),
    )
    .await;
    assert_error(&missing, 400, "missing_field");
    let not_json = c
        .post(api("auth/password"))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status().as_u16(), 400);

    // Sign in (the email in another case is the same account).
    let (status, signed) = post(
        &c,
        api("auth/password"),
        json!({"email": "OLIVE@studio.test", "password": "a long owner password", "device": "test laptop"}),
    )
    .await;
    assert_eq!(status, 200, "{signed}");
    assert_eq!(signed["role"], "owner");
    assert_eq!(signed["expires_in"], 900);
    let device = signed["credential"]["device_id"].as_str().unwrap().to_string();
    let secret1 = signed["credential"]["refresh_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let token1 = signed["access_token"].as_str().unwrap().to_string();

    let (status, me) = get(&c, api("me"), &token1).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["email"], "Olive@Studio.test");
    assert_eq!(me["studio"], "Test Studio");
    // Nothing the failed attempts did left a device behind.
    let (_, devices) = get(&c, api("devices"), &token1).await;
    assert_eq!(devices.as_array().unwrap().len(), 1, "{devices}");
    // A token is never taken from the URL.
    let in_url = c
        .get(format!("{}?access_token={token1}", api("me")))
        .send()
        .await
        .unwrap();
    assert_eq!(in_url.status().as_u16(), 401);

    // Refresh rotates the secret.
    let (status, refreshed) = post(
        &c,
        api("auth/refresh"),
        json!({"device_id": device, "refresh_secret": secret1}),
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    let secret2 = refreshed["credential"]["refresh_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let token2 = refreshed["access_token"].as_str().unwrap().to_string();
    assert_ne!(secret1, secret2);
    assert_eq!(get(&c, api("me"), &token2).await.0, 200);

    // The spent secret again: theft detection revokes the device and its tokens.
    let reused = post(
        &c,
        api("auth/refresh"),
        json!({"device_id": device, "refresh_secret": secret1}),
    )
    .await;
    assert_error(&reused, 401, "refresh_reused");
    assert_error(&get(&c, api("me"), &token2).await, 401, "unauthorized");
    assert_error(&get(&c, api("me"), &token1).await, 401, "unauthorized");
    let after = post(
        &c,
        api("auth/refresh"),
        json!({"device_id": device, "refresh_secret": secret2}),
    )
    .await;
    assert_error(&after, 401, "device_revoked");

    // Signing in again works, and the revoked device is no longer listed.
    let (status, again) = post(
        &c,
        api("auth/password"),
        json!({"email": "olive@studio.test", "password": "a long owner password", "device": "test laptop"}),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    let token3 = again["access_token"].as_str().unwrap().to_string();
    let (_, devices) = get(&c, api("devices"), &token3).await;
    assert_eq!(devices.as_array().unwrap().len(), 1, "{devices}");
    let (_, members) = get(&c, api("members"), &token3).await;
    assert_eq!(members.as_array().unwrap().len(), 1, "{members}");

    // SIGTERM: a graceful, successful exit.
    let pid = server.0.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = server.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the studio didn't stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit: {status:?}");
}

/// Two `serve` processes on one PostgreSQL database behave as one studio: a token minted by A
/// works on B, a secret rotated on B and replayed on A revokes the device on both, and what one
/// writes (a new device, a revocation) the other reads at once.
#[tokio::test]
async fn two_serve_processes_on_one_database_are_one_studio() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("studio");
    let out = init(&data, Some(&db.url), Some("a long owner password"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_a, url_a) = serve(&data, Some(&db.url));
    let (_b, url_b) = serve(&data, Some(&db.url));
    assert_ne!(url_a, url_b);
    let c = reqwest::Client::new();
    let a = |p: &str| format!("{url_a}/api/v1/{p}");
    let b = |p: &str| format!("{url_b}/api/v1/{p}");

    // Signed in on A; the access token works on B.
    let (status, signed) = post(
        &c,
        a("auth/password"),
        json!({"email": "olive@studio.test", "password": "a long owner password", "device": "laptop"}),
    )
    .await;
    assert_eq!(status, 200, "{signed}");
    let device = signed["credential"]["device_id"].as_str().unwrap().to_string();
    let secret1 = signed["credential"]["refresh_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let token1 = signed["access_token"].as_str().unwrap().to_string();
    let (status, me) = get(&c, b("me"), &token1).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["email"], "Olive@Studio.test");

    // Rotated on B: the new token works on A.
    let (status, refreshed) = post(
        &c,
        b("auth/refresh"),
        json!({"device_id": device, "refresh_secret": secret1}),
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    let secret2 = refreshed["credential"]["refresh_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let token2 = refreshed["access_token"].as_str().unwrap().to_string();
    assert_eq!(get(&c, a("me"), &token2).await.0, 200);

    // The old secret replayed on A: the device is revoked everywhere.
    let reused = post(
        &c,
        a("auth/refresh"),
        json!({"device_id": device, "refresh_secret": secret1}),
    )
    .await;
    assert_error(&reused, 401, "refresh_reused");
    assert_error(&get(&c, a("me"), &token2).await, 401, "unauthorized");
    assert_error(&get(&c, b("me"), &token2).await, 401, "unauthorized");
    let after = post(
        &c,
        b("auth/refresh"),
        json!({"device_id": device, "refresh_secret": secret2}),
    )
    .await;
    assert_error(&after, 401, "device_revoked");

    // A device signed in on B is listed on A; revoked on A, its token stops on B.
    let (status, again) = post(
        &c,
        b("auth/password"),
        json!({"email": "olive@studio.test", "password": "a long owner password", "device": "desk"}),
    )
    .await;
    assert_eq!(status, 200, "{again}");
    let token3 = again["access_token"].as_str().unwrap().to_string();
    let (_, devices) = get(&c, a("devices"), &token3).await;
    let devices = devices.as_array().unwrap().clone();
    assert_eq!(devices.len(), 1, "{devices:?}");
    assert_eq!(devices[0]["name"], "desk");
    let desk = again["credential"]["device_id"].as_str().unwrap();
    let revoked = c
        .delete(a(&format!("devices/{desk}")))
        .bearer_auth(&token3)
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success(), "{}", revoked.status());
    assert_error(&get(&c, b("me"), &token3).await, 401, "unauthorized");
}

/// A change pushed to one `serve` process pokes the event streams of another on the same
/// PostgreSQL database (LISTEN/NOTIFY), and a pull there returns it.
#[tokio::test]
async fn a_change_on_one_process_pokes_the_event_streams_of_another() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("studio");
    let out = init(&data, Some(&db.url), Some("a long owner password"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_a, url_a) = serve(&data, Some(&db.url));
    let (_b, url_b) = serve(&data, Some(&db.url));
    let c = reqwest::Client::new();
    let (_, signed) = post(
        &c,
        format!("{url_a}/api/v1/auth/password"),
        json!({"email": "olive@studio.test", "password": "a long owner password", "device": "laptop"}),
    )
    .await;
    let token = signed["access_token"].as_str().unwrap().to_string();

    // Listening on B: the first poke says where the studio is now.
    let res = c
        .get(format!("{url_b}/api/v1/sync/events"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut stream = res.bytes_stream();
    let mut text = String::new();
    let first = next_poke(&mut stream, &mut text).await;

    // A brand created through A.
    let brand = uuid::Uuid::now_v7();
    let started = Instant::now();
    let (status, pushed) = post_auth(
        &c,
        format!("{url_a}/api/v1/sync/push"),
        &token,
        json!({"replica": uuid::Uuid::now_v7(), "intents": [
            {"id": 1, "intent": {"type": "brand.create", "brand": brand, "name": "Acme"}}
        ]}),
    )
    .await;
    assert_eq!(status, 200, "{pushed}");
    let seq = pushed["results"][0]["seq"].as_i64().unwrap();
    assert!(seq > first);
    let poked = next_poke(&mut stream, &mut text).await;
    assert!(poked >= seq, "{poked} < {seq}");
    eprintln!("poke across processes after {:?}", started.elapsed());
    let (status, page) = get(&c, format!("{url_b}/api/v1/sync/pull?cursor={first}"), &token).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "brand" && r["row"]["name"] == "Acme"),
        "{page}"
    );
}

async fn post_auth(c: &reqwest::Client, url: String, token: &str, body: Value) -> (u16, Value) {
    let res = c.post(url).bearer_auth(token).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The next poke's seq on an event stream (`text` keeps what was read past it).
async fn next_poke(
    stream: &mut (impl futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    text: &mut String,
) -> i64 {
    use futures_util::StreamExt as _;
    loop {
        if let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data:")) {
                let v: Value = serde_json::from_str(data.trim()).unwrap();
                return v["seq"].as_i64().unwrap();
            }
            continue;
        }
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("no poke within 10 s")
            .unwrap()
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
}
