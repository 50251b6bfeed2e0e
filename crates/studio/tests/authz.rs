//! The authorisation matrix (STUDIO.md §7), in process: the route table is checked against the
//! router actually built (nothing unclassified), then every route is called as anonymous, a
//! revoked device, a Member, Members who are a brand's Viewer, Creator or Manager (of a brand
//! no route names), an Admin and an Owner, against a temporary studio on SQLite and,
//! when a test server is configured, on PostgreSQL. API routes answer `{code, message}` errors;
//! the pages (`/invite/…`, `/login/…`) answer HTML.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::BTreeSet;
use std::sync::Arc;

use atelier_domain::StudioRole;
use atelier_studio::http::{Access, Verb, router, routes};
use atelier_studio::testing::TestBackend;
use atelier_studio::{NewStudio, Studio};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// A path with every `{param}` replaced by a fresh UUID (so ids parse but name nothing).
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                uuid::Uuid::now_v7().to_string()
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A body each route accepts in shape but that changes nothing: bad values for the public
/// routes, unknown ids for the others.
fn sample_body(verb: Verb, path: &str) -> Option<&'static str> {
    match (verb, path) {
        (Verb::Post, "/api/v1/auth/password") => {
            Some(r#"{"email":"not-an-email","password":"x","device":"d"}"#)
        }
        (Verb::Post, "/api/v1/auth/refresh") => Some(r#"{"device_id":"nope","refresh_secret":"x"}"#),
        (Verb::Post, "/api/v1/auth/browser/start") => Some(r#"{"device":""}"#),
        (Verb::Post, "/api/v1/auth/browser/poll") => Some(r#"{"poll_token":"nope"}"#),
        (Verb::Post, "/api/v1/members/{user_id}/role") => Some(r#"{"role":"member"}"#),
        (Verb::Post, "/api/v1/invitations") => Some(r#"{"email":"not-an-email","role":"member"}"#),
        (Verb::Post, "/api/v1/invitations/{id}/resend") => None,
        (Verb::Post, "/api/v1/invitations/accept") => {
            Some(r#"{"token":"nope","email":"someone@studio.test","password":"x"}"#)
        }
        (Verb::Post, "/invite/{token}") => Some("mode=sign_up&display_name=X&password=x&confirm=x"),
        (Verb::Post, "/login/{secret}") => Some("action=approve&email=owner%40studio.test&password=x"),
        (Verb::Post, "/api/v1/sync/push") => {
            Some(r#"{"replica":"0190d3f0-0000-7000-8000-000000000000","intents":[]}"#)
        }
        (Verb::Post, "/api/v1/limits") => Some(r#"{"projects_per_member":0,"storage_per_project":null}"#),
        (Verb::Post, "/api/v1/blobs/check") => Some(r#"{"hashes":[]}"#),
        // Off already (the fixture never turns it on); an unknown campaign.
        (Verb::Post, "/api/v1/sharing") => Some(r#"{"on":false}"#),
        (Verb::Post, "/api/v1/campaigns/{id}/link") => Some(r#"{"regenerate":false}"#),
        (Verb::Post, "/api/v1/uploads") => {
            Some(r#"{"hash":"0000000000000000000000000000000000000000000000000000000000000000","size":0}"#)
        }
        (Verb::Post, "/api/v1/uploads/{id}/complete") => None,
        (Verb::Post, p) => panic!("no sample body for POST {p}: add one"),
        _ => None,
    }
}

async fn call(
    app: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let content_type = if path.starts_with("/api/") {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let event_stream = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if event_stream {
        // A live stream never ends: its first frame (a poke) is the answer.
        let mut body = res.into_body();
        let frame = body.frame().await.unwrap().unwrap().into_data().unwrap();
        let text = String::from_utf8_lossy(&frame).to_string();
        assert!(text.contains("event: poke"), "{text}");
        return (status, serde_json::json!({ "stream": text }));
    }
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

struct Fixture {
    app: Router,
    owner: String,
    admin: String,
    member: String,
    revoked: String,
    /// Members holding a role on the brand "Other" (and none on any brand a route names):
    /// for every route they are Members, whatever their brand role.
    viewer: String,
    creator: String,
    manager: String,
    _backend: TestBackend,
}

/// The studio on SQLite, or on a fresh PostgreSQL database (`None` when no test server is
/// configured and none is required).
async fn fixture(postgres: bool) -> Option<Fixture> {
    let backend = TestBackend::new(postgres).await?;
    let at = backend.database.clone();
    let studio = Studio::create(
        &at,
        NewStudio {
            name: "Matrix".into(),
            owner_email: "owner@studio.test".into(),
            owner_name: "Olive Owner".into(),
            owner_password: "owner-password".into(),
        },
    )
    .await
    .unwrap();
    studio
        .add_member(
            "admin@studio.test",
            "Ada Admin",
            "admin-password".into(),
            StudioRole::Admin,
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
    let token = |email: &'static str, password: &'static str, device: &'static str| {
        let studio = studio.clone();
        async move {
            studio
                .sign_in_password(email, password.into(), device)
                .await
                .unwrap()
                .access_token
        }
    };
    let owner = token("owner@studio.test", "owner-password", "owner laptop").await;
    let admin = token("ADMIN@studio.test", "admin-password", "admin laptop").await;
    let member = token("member@studio.test", "member-password", "member laptop").await;
    let revoked = token("member@studio.test", "member-password", "lost phone").await;
    let caller = studio.authenticate(&revoked).await.unwrap();
    studio.revoke_device(&caller, caller.device).await.unwrap();
    // A brand with a Viewer, a Creator and a Manager.
    let other = <atelier_domain::ids::BrandId as atelier_domain::Id>::new_v7();
    let mut intents = vec![atelier_protocol::SyncIntent::BrandCreate {
        brand: other,
        name: "Other".into(),
    }];
    let mut tokens = Vec::new();
    for (email, role) in [
        ("viewer@studio.test", atelier_domain::BrandRole::Viewer),
        ("creator@studio.test", atelier_domain::BrandRole::Creator),
        ("manager@studio.test", atelier_domain::BrandRole::Manager),
    ] {
        let m = studio
            .add_member(email, "Brand Person", "brand-password".into(), StudioRole::Member)
            .await
            .unwrap();
        intents.push(atelier_protocol::SyncIntent::BrandMember {
            brand: other,
            user: m.id,
            role: Some(role),
        });
        tokens.push(token(email, "brand-password", "laptop").await);
    }
    let owner_caller = studio.authenticate(&owner).await.unwrap();
    let pushed = studio
        .push(
            &owner_caller,
            atelier_protocol::PushRequest {
                replica: uuid::Uuid::now_v7(),
                intents: intents
                    .into_iter()
                    .enumerate()
                    .map(|(i, intent)| atelier_protocol::PushedIntent {
                        id: i as i64 + 1,
                        intent,
                    })
                    .collect(),
            },
        )
        .await
        .unwrap();
    assert!(
        pushed
            .results
            .iter()
            .all(|r| matches!(r.outcome, atelier_protocol::PushOutcome::Applied { .. }))
    );
    let [viewer, creator, manager] = <[String; 3]>::try_from(tokens).unwrap();
    Some(Fixture {
        app: router(Arc::new(studio)),
        owner,
        admin,
        member,
        revoked,
        viewer,
        creator,
        manager,
        _backend: backend,
    })
}

/// Runs each scenario on SQLite, and on PostgreSQL when a test server is configured
/// (`atelier_studio::testing`), as two tests: `NAME::sqlite` and `NAME::postgres`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(super::fixture(false).await.unwrap()).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(f) = super::fixture(true).await {
                    super::$name(f).await;
                }
            }
        }
    )*};
}

on_both_backends!(
    every_route_of_the_router_is_classified,
    every_route_refuses_exactly_who_its_class_says,
    roles_follow_the_domain_rules_through_the_api,
    members_revoke_their_own_devices_and_admins_anyones,
);

/// Every path the built router holds, read from its `Debug` form (axum lists its paths there;
/// it has no public listing). The test below fails loudly if that ever stops working.
fn router_paths(app: &Router) -> BTreeSet<String> {
    let text = format!("{app:?}");
    // Only the routed paths: the fallback router that follows holds axum's own catch-alls.
    let text = text.split("fallback_router").next().unwrap_or_default();
    let mut paths = BTreeSet::new();
    for (start, _) in text.match_indices("\"/") {
        let rest = &text[start + 1..];
        let path = &rest[..rest.find('"').unwrap_or(rest.len())];
        if !path.contains("__private__axum") {
            paths.insert(path.to_string());
        }
    }
    paths
}

async fn every_route_of_the_router_is_classified(f: Fixture) {
    let table = routes();
    let classified: BTreeSet<(Method, &str)> = table.iter().map(|r| (r.verb.method(), r.path)).collect();
    assert_eq!(classified.len(), table.len(), "a route is listed twice");

    let paths = router_paths(&f.app);
    let table_paths: BTreeSet<String> = table.iter().map(|r| r.path.to_string()).collect();
    assert!(
        paths.is_superset(&table_paths),
        "couldn't read the router's paths (axum's Debug changed?): {paths:?}"
    );
    for path in &paths {
        assert!(
            table_paths.contains(path),
            "{path} is routed but not classified in routes()"
        );
        // Every method the path answers (anything but 405) must be a classified route.
        for method in [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ] {
            let (status, _) = call(&f.app, method.clone(), &concrete(path), None, None).await;
            if status != StatusCode::METHOD_NOT_ALLOWED {
                assert!(
                    classified.contains(&(method.clone(), path.as_str())),
                    "{method} {path} answers {status} but is not classified in routes()"
                );
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Revoked,
    Member,
    /// A Member who is a Viewer of another brand.
    BrandViewer,
    /// A Member who is a Creator of another brand.
    BrandCreator,
    /// A Member who is a Manager of another brand.
    ManagerElsewhere,
    Admin,
    Owner,
}

const EVERYONE: [Who; 8] = [
    Who::Anonymous,
    Who::Revoked,
    Who::Member,
    Who::BrandViewer,
    Who::BrandCreator,
    Who::ManagerElsewhere,
    Who::Admin,
    Who::Owner,
];

async fn every_route_refuses_exactly_who_its_class_says(f: Fixture) {
    let mut checked = 0;
    for route in routes() {
        for who in EVERYONE {
            let token = match who {
                Who::Anonymous => None,
                Who::Revoked => Some(f.revoked.as_str()),
                Who::Member => Some(f.member.as_str()),
                Who::BrandViewer => Some(f.viewer.as_str()),
                Who::BrandCreator => Some(f.creator.as_str()),
                Who::ManagerElsewhere => Some(f.manager.as_str()),
                Who::Admin => Some(f.admin.as_str()),
                Who::Owner => Some(f.owner.as_str()),
            };
            let path = concrete(route.path);
            let body = sample_body(route.verb, route.path);
            let (status, json) = call(&f.app, route.verb.method(), &path, token, body).await;
            let at = format!("{:?} {} as {who:?}: {status} {json}", route.verb, route.path);
            assert!(status.as_u16() < 500, "{at}");
            if !route.path.starts_with("/api/") {
                // A page: an unknown invitation link is the "no longer valid" page, for anyone.
                assert_eq!(status, StatusCode::NOT_FOUND, "{at}");
            } else if !status.is_success() {
                assert!(
                    json["code"].is_string() && json["message"].is_string(),
                    "not a {{code, message}} error: {at}"
                );
            }
            let signed_out = matches!(who, Who::Anonymous | Who::Revoked);
            match route.access {
                Access::Public => {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{at}"
                    )
                }
                // No live link in the fixture: the one "no longer active" page, for anyone.
                Access::PublicLink => assert_eq!(status, StatusCode::NOT_FOUND, "{at}"),
                Access::Device if signed_out => {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{at}");
                    assert_eq!(json["code"], "unauthorized", "{at}");
                }
                Access::Admin if signed_out => {
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{at}");
                }
                // A brand role is no studio role: every Member is refused an Admin route.
                Access::Admin
                    if matches!(
                        who,
                        Who::Member | Who::BrandViewer | Who::BrandCreator | Who::ManagerElsewhere
                    ) =>
                {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{at}");
                    assert_eq!(json["code"], "forbidden", "{at}");
                }
                Access::Device | Access::Admin => {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{at}"
                    )
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes().len() * EVERYONE.len());
}

async fn roles_follow_the_domain_rules_through_the_api(f: Fixture) {
    let (_, members) = call(&f.app, Method::GET, "/api/v1/members", Some(&f.member), None).await;
    let id_of = |email: &str| {
        members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (owner, member) = (id_of("owner@studio.test"), id_of("member@studio.test"));
    let role = |id: &str| format!("/api/v1/members/{id}/role");

    // An Admin can't touch the Owner role.
    let (s, j) = call(
        &f.app,
        Method::POST,
        &role(&member),
        Some(&f.admin),
        Some(r#"{"role":"owner"}"#),
    )
    .await;
    assert_eq!(
        (s, j["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "{j}"
    );
    // The last Owner stays one.
    let (s, j) = call(
        &f.app,
        Method::POST,
        &role(&owner),
        Some(&f.owner),
        Some(r#"{"role":"admin"}"#),
    )
    .await;
    assert_eq!(
        (s, j["code"].as_str()),
        (StatusCode::CONFLICT, Some("last_owner")),
        "{j}"
    );
    // An Owner makes the member an Admin; the new role counts on the next request, with the
    // same token.
    let (s, j) = call(
        &f.app,
        Method::POST,
        &role(&member),
        Some(&f.owner),
        Some(r#"{"role":"admin"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{j}");
    assert_eq!(j["role"], "admin");
    let (_, me) = call(&f.app, Method::GET, "/api/v1/me", Some(&f.member), None).await;
    assert_eq!(me["role"], "admin");
    // An unknown role is refused by name.
    let (s, j) = call(
        &f.app,
        Method::POST,
        &role(&member),
        Some(&f.owner),
        Some(r#"{"role":"boss"}"#),
    )
    .await;
    assert_eq!(
        (s, j["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_body")),
        "{j}"
    );
}

async fn members_revoke_their_own_devices_and_admins_anyones(f: Fixture) {
    let (_, mine) = call(&f.app, Method::GET, "/api/v1/devices", Some(&f.member), None).await;
    let mine = mine.as_array().unwrap().clone();
    assert_eq!(mine.len(), 1, "the revoked device is not listed: {mine:?}");
    assert_eq!(mine[0]["name"], "member laptop");
    assert_eq!(mine[0]["current"], true);
    let member_device = mine[0]["id"].as_str().unwrap().to_string();

    let (_, owner_devices) = call(&f.app, Method::GET, "/api/v1/devices", Some(&f.owner), None).await;
    let owner_device = owner_devices[0]["id"].as_str().unwrap().to_string();
    // A Member can't see, let alone revoke, someone else's device.
    let (s, j) = call(
        &f.app,
        Method::DELETE,
        &format!("/api/v1/devices/{owner_device}"),
        Some(&f.member),
        None,
    )
    .await;
    assert_eq!(
        (s, j["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("device_not_found")),
        "{j}"
    );
    // A malformed id says so.
    let (s, j) = call(
        &f.app,
        Method::DELETE,
        "/api/v1/devices/nope",
        Some(&f.member),
        None,
    )
    .await;
    assert_eq!(
        (s, j["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_id")),
        "{j}"
    );
    // An Admin revokes the member's device; its token stops working at once.
    let (s, _) = call(
        &f.app,
        Method::DELETE,
        &format!("/api/v1/devices/{member_device}"),
        Some(&f.admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = call(&f.app, Method::GET, "/api/v1/me", Some(&f.member), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
