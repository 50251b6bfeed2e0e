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
    let studio = Arc::new(
        t.studio
            .clone()
            .with_public_url(Some("https://share.studio.test")),
    );
    studio.set_public_sharing(&t.owner, true).await.unwrap();
    let app = router_with_blobs(studio.clone(), blobs.clone());
    let link = studio
        .publish_campaign(&t.admin, &blobs, spring.id, false)
        .await
        .unwrap()
        .link
        .unwrap();
    let path = link
        .strip_prefix("https://share.studio.test")
        .unwrap()
        .to_string();
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
    let new_path = new_link
        .strip_prefix("https://share.studio.test")
        .unwrap()
        .to_string();
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
    let third = third
        .strip_prefix("https://share.studio.test")
        .unwrap()
        .to_string();
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
            .with_public_url(Some("https://share.studio.test"))
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
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus");
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
    let studio = Arc::new(
        t.studio
            .clone()
            .with_public_url(Some("https://share.studio.test")),
    );
    studio.set_public_sharing(&t.owner, true).await.unwrap();
    let app = router_with_blobs(studio.clone(), blobs.clone());
    let link = studio
        .publish_campaign(&t.admin, &blobs, summer.id, false)
        .await
        .unwrap()
        .link
        .unwrap();
    let path = link
        .strip_prefix("https://share.studio.test")
        .unwrap()
        .to_string();
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
