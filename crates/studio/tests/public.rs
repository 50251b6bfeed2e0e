//! Public campaign pages through the studio's router (SPEC R8.5, STUDIO.md §6), in process on
//! SQLite and, when a test server is configured, PostgreSQL: a campaign of assets in mixed
//! statuses, published; the page, fetched with no credentials, shows exactly the approved
//! ones on the campaign with their creators, none of what it must never show, with the public
//! headers; each thumbnail route admits exactly what the page shows, at that moment —
//! approving, archiving, regenerating, making private and deleting the campaign all take
//! effect on the next request.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::sync::Arc;

use atelier_domain::ids::CampaignId;
use atelier_domain::{Id as _, ReviewAction, Status};
use atelier_protocol::{AssetSyncRow, CampaignSyncRow, SyncIntent};
use atelier_studio::blobs::Blobs;
use atelier_studio::http::router_with_blobs;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use bytes::Bytes;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

mod common;
use common::team::{Team, applied, new_asset, push, shared, team, upload_whole};

/// Where the test studios say they are reached; links start with it.
const PUBLIC_URL: &str = "https://share.studio.test";

/// The path of a public link (what a request to the studio's router asks for).
fn path_of(link: &str) -> String {
    link.strip_prefix(PUBLIC_URL).unwrap().to_string()
}

/// The team's studio reached at [`PUBLIC_URL`], with public sharing turned on by its Owner.
async fn sharing_studio(t: &Team) -> Arc<atelier_studio::Studio> {
    let studio = Arc::new(t.studio.clone().with_public_url(Some(PUBLIC_URL)));
    studio.set_public_sharing(&t.owner, true).await.unwrap();
    studio
}

/// GET `path` with no credentials: status, headers, body.
async fn get(app: &axum::Router, path: &str) -> (StatusCode, axum::http::HeaderMap, Bytes) {
    let res = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (
        status,
        headers,
        res.into_body().collect().await.unwrap().to_bytes(),
    )
}

fn assert_public_headers(headers: &axum::http::HeaderMap, at: &str) {
    assert_eq!(headers["cache-control"], "private, no-store", "{at}");
    assert_eq!(headers["x-robots-tag"], "noindex, nofollow", "{at}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "{at}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{at}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'none'"),
        "{at}: {csp}"
    );
}

async fn the_page_shows_exactly_what_is_approved_on_the_campaign_now(t: Team) {
    let s = shared(&t).await;
    let original = |i: u8| Bytes::from(format!("the original of asset {i}"));
    let asset = |i: u8, name: &str| {
        let mut a = new_asset(s.shoot, s.acme, name);
        a.hash = blake3::hash(&original(i)).to_hex().to_string();
        a.bytes = original(i).len() as u64;
        a.prompt = Some("a secret prompt about the launch".into());
        a.tags = vec!["internal-tag".into()];
        a
    };
    let (shown, waiting, draft, elsewhere, later) = (
        asset(1, "shown.jpg"),
        asset(2, "waiting.jpg"),
        asset(3, "draft.jpg"),
        asset(4, "elsewhere.jpg"),
        asset(5, "later.jpg"),
    );
    let spring = CampaignSyncRow {
        id: CampaignId::new_v7(),
        brand: s.acme,
        name: "Spring <Launch>".into(),
        description: "internal notes".into(),
        public: false,
    };
    let mut intents: Vec<SyncIntent> = [&shown, &waiting, &draft, &elsewhere, &later]
        .iter()
        .map(|a| SyncIntent::AssetCreate { asset: (*a).clone() })
        .collect();
    intents.push(SyncIntent::CampaignCreate {
        campaign: spring.clone(),
    });
    for a in [&shown, &waiting, &draft, &later] {
        intents.push(SyncIntent::CampaignAdd {
            campaign: spring.id,
            asset: a.id,
        });
    }
    for o in push(&t, &t.ana, s.ana_lib, 10, intents).await {
        applied(&o);
    }
    let review = |a: &AssetSyncRow, from, action| SyncIntent::ReviewTransition {
        asset: a.id,
        from,
        action,
    };
    let mut decisions = Vec::new();
    for a in [&shown, &waiting, &elsewhere, &later] {
        decisions.push(review(a, Status::Draft, ReviewAction::Submit));
    }
    for a in [&shown, &elsewhere] {
        decisions.push(review(a, Status::InReview, ReviewAction::Approve));
    }
    for o in push(&t, &t.admin, s.admin_lib, 100, decisions).await {
        applied(&o);
    }
    let blobs = Blobs::in_memory();
    for (i, a) in [&shown, &waiting, &draft, &elsewhere, &later].iter().enumerate() {
        // Ana sends the original (one part), then its thumbnail.
        upload_whole(&t, &blobs, &t.ana, &a.hash, original(i as u8 + 1)).await;
        let jpeg = Bytes::from(format!("thumbnail {i} of {}", a.name));
        t.studio
            .put_rendition(&t.ana, &blobs, &a.hash, "thumb", "image/jpeg", jpeg)
            .await
            .unwrap();
    }
    let studio = sharing_studio(&t).await;
    let app = router_with_blobs(studio.clone(), blobs.clone());
    let link = studio
        .publish_campaign(&t.admin, &blobs, spring.id, false)
        .await
        .unwrap()
        .link
        .unwrap();
    let path = path_of(&link);
    let thumb = |a: &AssetSyncRow, page: &str| format!("{page}/thumb/{}", a.id);
    let view = |a: &AssetSyncRow, page: &str| format!("{page}/view/{}", a.id);
    let preview = |a: &AssetSyncRow, page: &str| format!("{page}/preview/{}", a.id);

    // The page: brand, campaign, the approved asset on the campaign and its creator — nothing else.
    let (status, headers, body) = get(&app, &path).await;
    let html = String::from_utf8(body.to_vec()).unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_public_headers(&headers, "page");
    assert!(
        html.contains("Acme") && html.contains("Spring &lt;Launch&gt;"),
        "{html}"
    );
    assert!(
        html.contains("shown.jpg") && html.contains("Ana Member"),
        "{html}"
    );
    for never in [
        "waiting.jpg",
        "draft.jpg",
        "elsewhere.jpg",
        "later.jpg",
        "secret prompt",
        "internal-tag",
        "internal notes",
        "ana@studio.test",
        "approved",
        "Approved",
        &shown.hash,
        &spring.id.to_string(),
        &s.acme.to_string(),
    ] {
        assert!(!html.contains(never), "the page shows {never:?}: {html}");
    }
    assert!(!html.contains("<script"), "works without JavaScript");
    // Each thumbnail route admits exactly what the page shows.
    let (status, headers, body) = get(&app, &thumb(&shown, &path)).await;
    assert_eq!(status, StatusCode::OK);
    assert_public_headers(&headers, "thumbnail");
    assert_eq!(body, Bytes::from("thumbnail 0 of shown.jpg"));
    // The lightbox as a page: the asset large, its name and creator, the way back.
    let (status, headers, body) = get(&app, &view(&shown, &path)).await;
    let html = String::from_utf8(body.to_vec()).unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_public_headers(&headers, "view");
    assert!(
        html.contains("shown.jpg")
            && html.contains("Ana Member")
            && html.contains(&format!("href=\"{path}\"")),
        "{html}"
    );
    assert!(
        !html.contains("secret prompt") && !html.contains("internal-tag"),
        "{html}"
    );
    // Its picture: the thumbnail until a preview is sent, then the preview.
    assert_eq!(
        get(&app, &preview(&shown, &path)).await.2,
        Bytes::from("thumbnail 0 of shown.jpg")
    );
    t.studio
        .put_rendition(
            &t.ana,
            &blobs,
            &shown.hash,
            "preview",
            "image/jpeg",
            Bytes::from("the preview of shown.jpg"),
        )
        .await
        .unwrap();
    let (status, headers, body) = get(&app, &preview(&shown, &path)).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, Bytes::from("the preview of shown.jpg"))
    );
    assert_public_headers(&headers, "preview");
    for a in [&waiting, &draft, &elsewhere, &later] {
        for route in [thumb(a, &path), view(a, &path), preview(a, &path)] {
            assert_eq!(
                get(&app, &route).await.0,
                StatusCode::NOT_FOUND,
                "{route} ({})",
                a.name
            );
        }
    }

    // Approved later: it appears at once; archived: its entry and thumbnail are gone at once.
    let r = push(
        &t,
        &t.admin,
        s.admin_lib,
        200,
        vec![review(&later, Status::InReview, ReviewAction::Approve)],
    )
    .await;
    applied(&r[0]);
    let html = String::from_utf8(get(&app, &path).await.2.to_vec()).unwrap();
    assert!(html.contains("later.jpg"), "{html}");
    assert_eq!(get(&app, &thumb(&later, &path)).await.0, StatusCode::OK);
    let r = push(
        &t,
        &t.admin,
        s.admin_lib,
        201,
        vec![review(&shown, Status::Approved, ReviewAction::Archive)],
    )
    .await;
    applied(&r[0]);
    let html = String::from_utf8(get(&app, &path).await.2.to_vec()).unwrap();
    assert!(
        !html.contains("shown.jpg") && html.contains("later.jpg"),
        "{html}"
    );
    for route in [thumb(&shown, &path), view(&shown, &path), preview(&shown, &path)] {
        assert_eq!(get(&app, &route).await.0, StatusCode::NOT_FOUND, "{route}");
    }

    // Regenerated: the old page and every old asset URL are the same 404 at once.
    let new_link = studio
        .publish_campaign(&t.owner, &blobs, spring.id, true)
        .await
        .unwrap()
        .link
        .unwrap();
    let new_path = path_of(&new_link);
    let (status, headers, body) = get(&app, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_public_headers(&headers, "404");
    assert!(
        String::from_utf8(body.to_vec())
            .unwrap()
            .contains("This link is no longer active")
    );
    assert_eq!(get(&app, &thumb(&later, &path)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &new_path).await.0, StatusCode::OK);
    assert_eq!(get(&app, &thumb(&later, &new_path)).await.0, StatusCode::OK);
    // The stem is decoration: another stem with the live token opens the same page; a path
    // with no token, or someone else's asset through this link, is the 404.
    let token = &new_path[new_path.len() - 43..];
    assert_eq!(get(&app, &format!("/c/renamed-{token}")).await.0, StatusCode::OK);
    assert_eq!(get(&app, "/c/spring-launch").await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, &format!("{new_path}/thumb/not-an-id")).await.0,
        StatusCode::NOT_FOUND
    );

    // Private, then public again: a new token; neither old one comes back.
    studio.unpublish_campaign(&t.admin, spring.id).await.unwrap();
    assert_eq!(get(&app, &new_path).await.0, StatusCode::NOT_FOUND);
    let third = studio
        .publish_campaign(&t.admin, &blobs, spring.id, false)
        .await
        .unwrap()
        .link
        .unwrap();
    let third = path_of(&third);
    assert_eq!(get(&app, &third).await.0, StatusCode::OK);
    for old in [&path, &new_path] {
        assert_eq!(get(&app, old).await.0, StatusCode::NOT_FOUND);
    }

    // Sharing turned off stops every live link; the campaign deleted stops its link for good.
    studio.set_public_sharing(&t.owner, false).await.unwrap();
    assert_eq!(get(&app, &third).await.0, StatusCode::NOT_FOUND);
    studio.set_public_sharing(&t.owner, true).await.unwrap();
    assert_eq!(get(&app, &third).await.0, StatusCode::OK);
    let r = push(
        &t,
        &t.admin,
        s.admin_lib,
        300,
        vec![SyncIntent::CampaignDelete { campaign: spring.id }],
    )
    .await;
    applied(&r[0]);
    assert_eq!(get(&app, &third).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &thumb(&later, &third)).await.0, StatusCode::NOT_FOUND);
}

mod the_page_shows_exactly_what_is_approved_on_the_campaign_now {
    #[tokio::test]
    async fn sqlite() {
        super::the_page_shows_exactly_what_is_approved_on_the_campaign_now(super::team(false).await.unwrap())
            .await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(t) = super::team(true).await {
            super::the_page_shows_exactly_what_is_approved_on_the_campaign_now(t).await;
        }
    }
}

/// Every public request counts against its client's limit — a 404 too — and past it the
/// answer is 429 with when to try again, on the public headers.
async fn public_requests_are_limited_per_client_with_404s_counted(t: Team) {
    let studio = Arc::new(
        t.studio
            .clone()
            .with_public_url(Some(PUBLIC_URL))
            .with_public_rate(5),
    );
    let app = router_with_blobs(studio, Blobs::in_memory());
    let guess = format!("/c/spring-{}", "A".repeat(43));
    for i in 0..5 {
        assert_eq!(get(&app, &guess).await.0, StatusCode::NOT_FOUND, "request {i}");
    }
    let (status, headers, _) = get(&app, &guess).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_public_headers(&headers, "429");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    // Only the public routes count: the studio's API answers as before.
    assert_eq!(get(&app, "/api/v1/studio").await.0, StatusCode::OK);
}

mod public_requests_are_limited_per_client_with_404s_counted {
    #[tokio::test]
    async fn sqlite() {
        super::public_requests_are_limited_per_client_with_404s_counted(super::team(false).await.unwrap())
            .await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(t) = super::team(true).await {
            super::public_requests_are_limited_per_client_with_404s_counted(t).await;
        }
    }
}

/// A committed fixture (tests/fixtures/corpus/…).
fn fixture(path: &str) -> Bytes {
    let root = std::path::Path::new(
        &std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
    )
    .join("../../tests/fixtures/corpus");
    Bytes::from(std::fs::read(root.join(path)).unwrap())
}

/// What ExifTool finds of location in `bytes` (group:tag names).
fn location_in(bytes: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("download.jpg");
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("exiftool")
        .args(["-j", "-G1", "-a", "-gps:all", "-xmp:all", "-iptc:all"])
        .arg(&file)
        .output()
        .expect("exiftool runs (scripts/setup.sh installs it)");
    let found: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_slice(&out.stdout).unwrap();
    found[0].keys().filter(|k| *k != "SourceFile").cloned().collect()
}

/// Downloads through a link: an admitted asset's original without its location (the image
/// data byte for byte), as an attachment; Download all as a zip of exactly those; a type that
/// can't be cleaned offered for nothing; an archived asset's download gone at once.
async fn downloads_are_admitted_originals_without_their_location(t: Team) {
    let s = shared(&t).await;
    let gps_jpeg = fixture("exif/exif-samples/exif-samples__jpg_gps_DSCN0010.jpg");
    let prompt_png = fixture("ai-png/comfyui/a1111_alpine-lake.png");
    assert!(!location_in(&gps_jpeg).is_empty(), "the fixture has GPS");
    let asset = |name: &str, bytes: &Bytes, mime: &str| {
        let mut a = new_asset(s.shoot, s.acme, name);
        a.hash = blake3::hash(bytes).to_hex().to_string();
        a.bytes = bytes.len() as u64;
        a.mime = mime.into();
        a
    };
    let film = Bytes::from_static(b"\0\0\0\x18ftypisom\0\0\0\0isommp41 a film");
    let (photo, render, clip) = (
        asset("Harbour \"dawn\".jpg", &gps_jpeg, "image/jpeg"),
        asset("alpine lake.png", &prompt_png, "image/png"),
        asset("clip.mp4", &film, "video/mp4"),
    );
    let summer = CampaignSyncRow {
        id: CampaignId::new_v7(),
        brand: s.acme,
        name: "Summer".into(),
        description: String::new(),
        public: false,
    };
    let mut intents: Vec<SyncIntent> = [&photo, &render, &clip]
        .iter()
        .map(|a| SyncIntent::AssetCreate { asset: (*a).clone() })
        .collect();
    intents.push(SyncIntent::CampaignCreate {
        campaign: summer.clone(),
    });
    for a in [&photo, &render, &clip] {
        intents.push(SyncIntent::CampaignAdd {
            campaign: summer.id,
            asset: a.id,
        });
    }
    for o in push(&t, &t.ana, s.ana_lib, 10, intents).await {
        applied(&o);
    }
    let mut decisions = Vec::new();
    for a in [&photo, &render, &clip] {
        for (from, action) in [
            (Status::Draft, ReviewAction::Submit),
            (Status::InReview, ReviewAction::Approve),
        ] {
            decisions.push(SyncIntent::ReviewTransition {
                asset: a.id,
                from,
                action,
            });
        }
    }
    for o in push(&t, &t.admin, s.admin_lib, 100, decisions).await {
        applied(&o);
    }
    let blobs = Blobs::in_memory();
    for (a, bytes) in [(&photo, &gps_jpeg), (&render, &prompt_png), (&clip, &film)] {
        upload_whole(&t, &blobs, &t.ana, &a.hash, bytes.clone()).await;
    }
    let studio = sharing_studio(&t).await;
    let app = router_with_blobs(studio.clone(), blobs.clone());
    let link = studio
        .publish_campaign(&t.admin, &blobs, summer.id, false)
        .await
        .unwrap()
        .link
        .unwrap();
    let path = path_of(&link);
    let download = |a: &AssetSyncRow| format!("{path}/download/{}", a.id);

    // The page offers Download for what can be cleaned, and Download all.
    let html = String::from_utf8(get(&app, &path).await.2.to_vec()).unwrap();
    assert!(
        html.contains(&download(&photo)) && html.contains(&download(&render)),
        "{html}"
    );
    assert!(!html.contains(&download(&clip)), "a video isn't offered: {html}");
    assert!(html.contains(&format!("{path}/download\"")), "{html}");
    assert!(
        html.contains("srcset=") && html.contains(" 400w") && html.contains("sizes="),
        "{html}"
    );

    // The photo: no location left, the picture itself byte for byte, as an attachment.
    let (status, headers, body) = get(&app, &download(&photo)).await;
    assert_eq!(status, StatusCode::OK);
    assert_public_headers(&headers, "download");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment;")
            && disposition.contains("filename*=UTF-8''Harbour%20%22dawn%22.jpg"),
        "{disposition}"
    );
    assert_eq!(location_in(&body), Vec::<String>::new());
    let scan = |b: &[u8]| b.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap();
    assert_eq!(
        body[scan(&body)..],
        gps_jpeg[scan(&gps_jpeg)..],
        "the image data untouched"
    );
    assert_eq!(body, atelier_scrub::scrub(gps_jpeg.to_vec()).unwrap().bytes);
    // The render: its prompt (a PNG text chunk) gone.
    let body = get(&app, &download(&render)).await.2;
    assert!(
        !body.windows(10).any(|w| w == b"parameters"),
        "the prompt is gone"
    );
    assert!(prompt_png.windows(10).any(|w| w == b"parameters"));
    // The video: nothing to download.
    assert_eq!(get(&app, &download(&clip)).await.0, StatusCode::NOT_FOUND);

    // Download all: exactly the cleaned files, under their names.
    let (status, headers, body) = get(&app, &format!("{path}/download")).await;
    assert_eq!(status, StatusCode::OK);
    assert_public_headers(&headers, "zip");
    assert_eq!(headers["content-type"], "application/zip");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("summer.zip")
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(body.to_vec())).unwrap();
    let mut names: Vec<String> = zip.file_names().map(String::from).collect();
    names.sort();
    assert_eq!(names, ["Harbour _dawn_.jpg", "alpine lake.png"]);
    let mut entry = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("Harbour _dawn_.jpg").unwrap(), &mut entry).unwrap();
    assert_eq!(entry, atelier_scrub::scrub(gps_jpeg.to_vec()).unwrap().bytes);

    // Zips are built two at a time per studio process: while two are being sent, a third is
    // told to come back (503, Retry-After); one abandoned frees its place.
    let zip_request = || {
        Request::get(format!("{path}/download"))
            .body(Body::empty())
            .unwrap()
    };
    let first = app.clone().oneshot(zip_request()).await.unwrap();
    let second = app.clone().oneshot(zip_request()).await.unwrap();
    assert_eq!(
        (first.status(), second.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    let (status, headers, body) = get(&app, &format!("{path}/download")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_public_headers(&headers, "busy");
    assert!(headers.contains_key("retry-after"));
    assert!(String::from_utf8_lossy(&body).contains("try again"));
    for abandoned in [first, second] {
        drop(abandoned);
        let mut freed = false;
        for _ in 0..200 {
            let res = app.clone().oneshot(zip_request()).await.unwrap();
            if res.status() == StatusCode::OK {
                // Read to its end: this one frees its place by finishing.
                res.into_body().collect().await.unwrap();
                freed = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(freed, "an abandoned zip frees its place");
    }

    // Archived: its download is gone at once, and Download all leaves it out.
    let r = push(
        &t,
        &t.admin,
        s.admin_lib,
        200,
        vec![SyncIntent::ReviewTransition {
            asset: photo.id,
            from: Status::Approved,
            action: ReviewAction::Archive,
        }],
    )
    .await;
    applied(&r[0]);
    assert_eq!(get(&app, &download(&photo)).await.0, StatusCode::NOT_FOUND);
    let body = get(&app, &format!("{path}/download")).await.2;
    let zip = zip::ZipArchive::new(std::io::Cursor::new(body.to_vec())).unwrap();
    assert_eq!(zip.file_names().collect::<Vec<_>>(), ["alpine lake.png"]);
    // Made private: every download is the 404.
    studio.unpublish_campaign(&t.admin, summer.id).await.unwrap();
    for route in [download(&render), format!("{path}/download")] {
        assert_eq!(get(&app, &route).await.0, StatusCode::NOT_FOUND, "{route}");
    }
}

mod downloads_are_admitted_originals_without_their_location {
    #[tokio::test]
    async fn sqlite() {
        super::downloads_are_admitted_originals_without_their_location(super::team(false).await.unwrap())
            .await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(t) = super::team(true).await {
            super::downloads_are_admitted_originals_without_their_location(t).await;
        }
    }
}

/// Regenerating on one studio process kills the old link on every other process sharing its
/// PostgreSQL database within 100 ms — through NOTIFY, and, on a process that hears none, by
/// checking again (services::public::RECHECK_MS) — while each serves a live link from memory.
#[tokio::test]
async fn a_link_regenerated_on_one_process_dies_on_every_other_at_once() {
    let Some(t) = team(true).await else {
        return;
    };
    let s = shared(&t).await;
    let winter = CampaignSyncRow {
        id: CampaignId::new_v7(),
        brand: s.acme,
        name: "Winter".into(),
        description: String::new(),
        public: false,
    };
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            10,
            vec![SyncIntent::CampaignCreate {
                campaign: winter.clone(),
            }],
        )
        .await[0],
    );
    let blobs = Blobs::in_memory();
    let url = Some(PUBLIC_URL);
    let a = Arc::new(t.studio.clone().with_public_url(url));
    a.set_public_sharing(&t.owner, true).await.unwrap();
    // Another process: its own caches, hearing the database's NOTIFYs.
    let b = Arc::new(
        atelier_studio::Studio::open(&t._backend.database)
            .await
            .unwrap()
            .with_public_url(url),
    );
    b.listen_for_pokes().await.unwrap();
    // And one that hears none (its listening connection lost).
    let c = Arc::new(
        atelier_studio::Studio::open(&t._backend.database)
            .await
            .unwrap()
            .with_public_url(url),
    );
    let apps = [
        router_with_blobs(b, blobs.clone()),
        router_with_blobs(c, blobs.clone()),
    ];
    for _ in 0..3 {
        let link = a
            .publish_campaign(&t.admin, &blobs, winter.id, false)
            .await
            .unwrap()
            .link
            .unwrap();
        let path = path_of(&link);
        for app in &apps {
            // Served, and again from memory.
            assert_eq!(get(app, &path).await.0, StatusCode::OK);
            assert_eq!(get(app, &path).await.0, StatusCode::OK);
        }
        a.publish_campaign(&t.admin, &blobs, winter.id, true)
            .await
            .unwrap();
        let regenerated = std::time::Instant::now();
        for (n, app) in apps.iter().enumerate() {
            while get(app, &path).await.0 != StatusCode::NOT_FOUND {
                assert!(
                    regenerated.elapsed() < std::time::Duration::from_millis(100),
                    "process {n} still serves the old link after 100 ms"
                );
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        }
        a.unpublish_campaign(&t.admin, winter.id).await.unwrap();
    }
}

/// Every asset row the studio holds now, as the Admin (who sees every brand) pulls them.
async fn asset_rows(t: &Team) -> std::collections::HashMap<atelier_domain::AssetId, AssetSyncRow> {
    let mut rows = std::collections::HashMap::new();
    let mut cursor = 0;
    loop {
        let page = t.studio.pull(&t.admin, cursor, None, None).await.unwrap();
        for row in page.rows {
            match row.data {
                atelier_protocol::SyncData::Asset(a) => {
                    rows.insert(a.id, a);
                }
                atelier_protocol::SyncData::Gone(g) if g.kind == "asset" => {
                    rows.retain(|id, _| id.to_string() != g.key);
                }
                _ => {}
            }
        }
        cursor = page.cursor;
        if !page.more {
            return rows;
        }
    }
}

/// A tiny JPEG of its own content (a comment block names it): enough for the scrubber, which
/// reads its structure, not its pixels.
fn tiny_jpeg(name: &str) -> Bytes {
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xFE];
    j.extend_from_slice(&((name.len() + 2) as u16).to_be_bytes());
    j.extend_from_slice(name.as_bytes());
    j.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 1, 2, 3, 0xFF, 0xD9]);
    Bytes::from(j)
}

/// Checks every public route through every link against the rule, computed here from the rows
/// the studio holds now: an asset is admitted iff it is on the link's campaign, of its brand,
/// Approved and not in the Trash — and through a dead link nothing is.
async fn check_every_route(
    t: &Team,
    app: &axum::Router,
    links: &[(String, Option<CampaignSyncRow>)],
    seed: u64,
) {
    let rows = asset_rows(t).await;
    for (path, live) in links {
        let admitted: Vec<&AssetSyncRow> = match live {
            None => Vec::new(),
            Some(c) => rows
                .values()
                .filter(|a| {
                    a.campaigns.contains(&c.id)
                        && a.brand == c.brand
                        && a.status == Status::Approved
                        && !a.trashed
                })
                .collect(),
        };
        let (status, _, body) = get(app, path).await;
        let html = String::from_utf8(body.to_vec()).unwrap();
        if live.is_none() {
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "seed {seed}: dead link {path} answers"
            );
        } else {
            assert_eq!(status, StatusCode::OK, "seed {seed}: {path}");
            for a in rows.values() {
                let shown = html.contains(&format!(">{}<", a.name));
                assert_eq!(
                    shown,
                    admitted.iter().any(|x| x.id == a.id),
                    "seed {seed}: {} ({:?}, campaigns {:?}, trashed {}) on the page of {path}",
                    a.name,
                    a.status,
                    a.campaigns,
                    a.trashed
                );
            }
        }
        // Every asset id there is — each one guessable from some other page.
        for a in rows.values() {
            let expected = admitted.iter().any(|x| x.id == a.id);
            for route in ["view", "thumb", "preview", "download"] {
                let at = format!("{path}/{route}/{}", a.id);
                let (status, _, _) = get(app, &at).await;
                assert_eq!(
                    status == StatusCode::OK,
                    expected,
                    "seed {seed}: {at} ({}, {:?}) answered {status}",
                    a.name,
                    a.status
                );
                if !expected {
                    assert_eq!(status, StatusCode::NOT_FOUND, "seed {seed}: {at}");
                }
            }
        }
        // Download all: exactly the admitted ones.
        let (status, _, body) = get(app, &format!("{path}/download")).await;
        if live.is_none() {
            assert_eq!(status, StatusCode::NOT_FOUND, "seed {seed}");
            continue;
        }
        let zip = zip::ZipArchive::new(std::io::Cursor::new(body.to_vec())).unwrap();
        let mut names: Vec<&str> = zip.file_names().collect();
        names.sort_unstable();
        let mut expected: Vec<&str> = admitted.iter().map(|a| a.name.as_str()).collect();
        expected.sort_unstable();
        assert_eq!(names, expected, "seed {seed}: Download all of {path}");
    }
}

/// The property of the one authoriser, over random worlds: random campaigns, memberships,
/// statuses and trashings, links live, regenerated and made private; every public route × every
/// asset id, then again after random changes.
async fn every_route_admits_exactly_what_is_on_the_campaign_and_approved_now(t: Team, seed: u64) {
    use rand::{Rng as _, SeedableRng as _};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let s = shared(&t).await;
    let campaigns: Vec<CampaignSyncRow> = (0..3)
        .map(|i| CampaignSyncRow {
            id: CampaignId::new_v7(),
            brand: s.acme,
            name: format!("Campaign {i}"),
            description: String::new(),
            public: false,
        })
        .collect();
    let assets: Vec<AssetSyncRow> = (0..10)
        .map(|i| {
            let name = format!("asset-{i:02}.jpg");
            let mut a = new_asset(s.shoot, s.acme, &name);
            let file = tiny_jpeg(&format!("{seed}-{name}"));
            a.hash = blake3::hash(&file).to_hex().to_string();
            a.bytes = file.len() as u64;
            a
        })
        .collect();
    let mut intents: Vec<SyncIntent> = campaigns
        .iter()
        .map(|c| SyncIntent::CampaignCreate { campaign: c.clone() })
        .collect();
    for a in &assets {
        intents.push(SyncIntent::AssetCreate { asset: a.clone() });
        for c in &campaigns {
            if rng.random_bool(0.5) {
                intents.push(SyncIntent::CampaignAdd {
                    campaign: c.id,
                    asset: a.id,
                });
            }
        }
    }
    for o in push(&t, &t.ana, s.ana_lib, 10, intents).await {
        applied(&o);
    }
    let blobs = Blobs::in_memory();
    for a in &assets {
        let file = tiny_jpeg(&format!("{seed}-{}", a.name));
        upload_whole(&t, &blobs, &t.ana, &a.hash, file.clone()).await;
        t.studio
            .put_rendition(&t.ana, &blobs, &a.hash, "thumb", "image/jpeg", file)
            .await
            .unwrap();
    }
    // Statuses: each asset walked to a random one (the Admin decides).
    let review = |a: &AssetSyncRow, from, action| SyncIntent::ReviewTransition {
        asset: a.id,
        from,
        action,
    };
    let mut decisions = Vec::new();
    for a in &assets {
        let path: &[(Status, ReviewAction)] = match rng.random_range(0..5) {
            0 => &[],
            1 => &[(Status::Draft, ReviewAction::Submit)],
            2 | 3 => &[
                (Status::Draft, ReviewAction::Submit),
                (Status::InReview, ReviewAction::Approve),
            ],
            _ => &[
                (Status::Draft, ReviewAction::Submit),
                (Status::InReview, ReviewAction::Approve),
                (Status::Approved, ReviewAction::Archive),
            ],
        };
        decisions.extend(path.iter().map(|(from, action)| review(a, *from, *action)));
    }
    for o in push(&t, &t.admin, s.admin_lib, 100, decisions).await {
        applied(&o);
    }
    // Some in the Trash (refusals — an approved asset may be locked — only change the rows the
    // check reads).
    let trash: Vec<SyncIntent> = assets
        .iter()
        .filter(|_| rng.random_bool(0.2))
        .map(|a| SyncIntent::AssetTrash {
            asset: a.id,
            trashed: true,
        })
        .collect();
    push(&t, &t.admin, s.admin_lib, 200, trash).await;

    // Thousands of requests from one address: the per-client limit is another test's.
    let studio = Arc::new(
        t.studio
            .clone()
            .with_public_url(Some(PUBLIC_URL))
            .with_public_rate(0),
    );
    studio.set_public_sharing(&t.owner, true).await.unwrap();
    let app = router_with_blobs(studio.clone(), blobs.clone());
    let mut links = Vec::new();
    for c in &campaigns {
        let link = studio
            .publish_campaign(&t.admin, &blobs, c.id, false)
            .await
            .unwrap();
        links.push((path_of(&link.link.unwrap()), Some(c.clone())));
    }
    // The first regenerated (its old link dead), the second made private.
    let fresh = studio
        .publish_campaign(&t.admin, &blobs, campaigns[0].id, true)
        .await
        .unwrap();
    links[0].1 = None;
    links.push((path_of(&fresh.link.unwrap()), Some(campaigns[0].clone())));
    studio
        .unpublish_campaign(&t.admin, campaigns[1].id)
        .await
        .unwrap();
    links[1].1 = None;
    check_every_route(&t, &app, &links, seed).await;

    // Random changes, each seen at once: approvals, archivings, removals, restorations.
    for round in 0..3 {
        let mut changes = Vec::new();
        for a in &assets {
            if !rng.random_bool(0.3) {
                continue;
            }
            changes.push(match rng.random_range(0..5) {
                0 => review(a, Status::InReview, ReviewAction::Approve),
                1 => review(a, Status::Approved, ReviewAction::Archive),
                2 => review(a, Status::Draft, ReviewAction::Submit),
                3 => SyncIntent::CampaignRemove {
                    campaign: campaigns[rng.random_range(0..campaigns.len())].id,
                    asset: a.id,
                },
                _ => SyncIntent::AssetTrash {
                    asset: a.id,
                    trashed: false,
                },
            });
        }
        push(&t, &t.admin, s.admin_lib, 300 + 100 * round, changes).await;
        check_every_route(&t, &app, &links, seed).await;
    }
}

mod every_route_admits_exactly_what_is_on_the_campaign_and_approved_now {
    #[tokio::test]
    async fn sqlite() {
        for seed in 0..6 {
            super::every_route_admits_exactly_what_is_on_the_campaign_and_approved_now(
                super::team(false).await.unwrap(),
                seed,
            )
            .await;
        }
    }

    #[tokio::test]
    async fn postgres() {
        for seed in 100..102 {
            if let Some(t) = super::team(true).await {
                super::every_route_admits_exactly_what_is_on_the_campaign_and_approved_now(t, seed).await;
            }
        }
    }
}
