//! Invitations through the real binary on 127.0.0.1: the Owner signs in and invites a member,
//! the invitation page opens without any cookie (escaped HTML, strict headers), the invitee
//! signs up with the form, signs in with `/auth/password` and is a Member; the spent link shows
//! the one "no longer valid" page. Then the JSON accept route, and removing a member (their
//! token stops working at once).

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::Path;

use atelier_studio::testing::TestDatabase;
use serde_json::{Value, json};

use common::serve;

fn init(data: &Path, db: Option<&str>) {
    let out = common::init(
        data,
        db,
        "olive@studio.test",
        "Test <Studio>",
        Some("a long owner password"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn sign_in(c: &reqwest::Client, url: &str, email: &str, password: &str) -> String {
    let (status, signed) = send(
        c.post(format!("{url}/api/v1/auth/password"))
            .json(&json!({"email": email, "password": password, "device": "test laptop"})),
    )
    .await;
    assert_eq!(status, 200, "{signed}");
    signed["access_token"].as_str().unwrap().to_string()
}

/// A page: its status, its headers as they must be on every page, and its HTML.
async fn page(req: reqwest::RequestBuilder) -> (u16, String) {
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let h = res.headers();
    let header = |name: &str| h.get(name).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(header("cache-control").as_deref(), Some("no-store"));
    assert_eq!(header("referrer-policy").as_deref(), Some("no-referrer"));
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(
        header("content-security-policy").as_deref(),
        Some("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    );
    assert!(header("set-cookie").is_none());
    (status, res.text().await.unwrap())
}

fn form(c: &reqwest::Client, link: &str, body: &str) -> reqwest::RequestBuilder {
    c.post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
}

#[tokio::test]
async fn invite_join_with_the_page_sign_in_and_the_link_is_spent_on_sqlite() {
    invite_join_with_the_page_sign_in_and_the_link_is_spent(None).await;
}

#[tokio::test]
async fn invite_join_with_the_page_sign_in_and_the_link_is_spent_on_postgres() {
    if let Some(db) = TestDatabase::create().await {
        invite_join_with_the_page_sign_in_and_the_link_is_spent(Some(&db.url)).await;
    }
}

async fn invite_join_with_the_page_sign_in_and_the_link_is_spent(db: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("studio");
    init(&data, db);
    let (_server, url) = serve(&data, db);
    let c = reqwest::Client::new();
    let api = |p: &str| format!("{url}/api/v1/{p}");
    let owner = sign_in(&c, &url, "olive@studio.test", "a long owner password").await;

    // Bad input is refused with {code, message}.
    let (status, bad) = send(
        c.post(api("invitations"))
            .bearer_auth(&owner)
            .json(&json!({"email": "mia", "role": "member"})),
    )
    .await;
    assert_eq!(
        (status, bad["code"].as_str()),
        (400, Some("invalid_email")),
        "{bad}"
    );

    let (status, invited) = send(
        c.post(api("invitations"))
            .bearer_auth(&owner)
            .json(&json!({"email": "Mia@Studio.test", "role": "member"})),
    )
    .await;
    assert_eq!(status, 201, "{invited}");
    let link = invited["link"].as_str().unwrap().to_string();
    let secret = link
        .strip_prefix(&format!("{url}/invite/"))
        .unwrap_or_else(|| panic!("{link}"))
        .to_string();
    assert_eq!(invited["role"], "member");
    assert!(invited["expires_at"].as_str().unwrap().ends_with('Z'));

    // The list shows it pending, never its link.
    let res = c
        .get(api("invitations"))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let text = res.text().await.unwrap();
    assert!(!text.contains(&secret), "{text}");
    let list: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(list[0]["state"], "pending", "{list}");
    assert_eq!(list[0]["invited_by"]["email"], "olive@studio.test");

    // The page, with no cookie and no token: who, which role, the studio's name escaped.
    let (status, html) = page(c.get(&link)).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Mia@Studio.test"), "{html}");
    assert!(html.contains("Member"), "{html}");
    assert!(html.contains("Test &lt;Studio&gt;"), "{html}");
    assert!(!html.contains("<Studio>"), "{html}");
    assert!(html.contains("name=\"confirm\""), "a sign-up form: {html}");
    assert!(!html.contains("<script"), "{html}");

    // Passwords that don't match: the form again, nothing joined.
    let (status, html) = page(form(
        &c,
        &link,
        "mode=sign_up&display_name=Mia+Member&password=mia-password-1&confirm=mia-password-2",
    ))
    .await;
    assert_eq!(status, 400, "{html}");
    assert!(html.contains("match"), "{html}");
    let (status, html) = page(form(
        &c,
        &link,
        "mode=sign_up&display_name=Mia+Member&password=mia-password-1&confirm=mia-password-1",
    ))
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("You're in — sign in from Atelier with Mia@Studio.test"),
        "{html}"
    );

    // The new member signs in the normal way and is a Member.
    let mia = sign_in(&c, &url, "mia@studio.test", "mia-password-1").await;
    let (status, me) = send(c.get(api("me")).bearer_auth(&mia)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["role"], "member");
    assert_eq!(me["user"]["display_name"], "Mia Member");

    // The spent link: one plain page, 404, for viewing and for posting.
    for req in [
        c.get(&link),
        form(
            &c,
            &link,
            "mode=sign_up&display_name=X&password=xxxxxxxx&confirm=xxxxxxxx",
        ),
    ] {
        let (status, html) = page(req).await;
        assert_eq!(status, 404, "{html}");
        assert!(html.contains("This invitation is no longer valid"), "{html}");
    }
    let (_, list) = send(c.get(api("invitations")).bearer_auth(&owner)).await;
    assert_eq!(list[0]["state"], "accepted", "{list}");
    // A made-up link looks the same as a spent one.
    let (status, _) = page(c.get(format!("{url}/invite/not-a-real-secret"))).await;
    assert_eq!(status, 404);

    // A Member can't invite.
    let (status, refused) = send(
        c.post(api("invitations"))
            .bearer_auth(&mia)
            .json(&json!({"email": "x@studio.test", "role": "member"})),
    )
    .await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));

    // The JSON route: the wrong email is refused and changes nothing; the right one joins.
    let (_, invited) = send(
        c.post(api("invitations"))
            .bearer_auth(&owner)
            .json(&json!({"email": "ada@studio.test", "role": "admin"})),
    )
    .await;
    let token = invited["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let accept = |email: &str| {
        c.post(api("invitations/accept")).json(&json!({
            "token": token, "email": email, "password": "ada-password", "display_name": "Ada"
        }))
    };
    let (status, wrong) = send(accept("eve@studio.test")).await;
    assert_eq!(
        (status, wrong["code"].as_str()),
        (400, Some("wrong_email")),
        "{wrong}"
    );
    let (status, ada) = send(accept("ADA@studio.test")).await;
    assert_eq!(status, 200, "{ada}");
    assert_eq!(ada["role"], "admin");
    let (status, again) = send(accept("ada@studio.test")).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (404, Some("invitation_invalid"))
    );

    // Removing Mia: her token stops working at once; the Admin can't remove the Owner.
    let mia_id = me["user"]["id"].as_str().unwrap().to_string();
    let ada_token = sign_in(&c, &url, "ada@studio.test", "ada-password").await;
    let (_, owner_me) = send(c.get(api("me")).bearer_auth(&owner)).await;
    let owner_id = owner_me["user"]["id"].as_str().unwrap().to_string();
    let (status, refused) = send(
        c.delete(api(&format!("members/{owner_id}")))
            .bearer_auth(&ada_token),
    )
    .await;
    assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")));
    let (status, _) = send(
        c.delete(api(&format!("members/{mia_id}")))
            .bearer_auth(&ada_token),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = send(c.get(api("me")).bearer_auth(&mia)).await;
    assert_eq!(status, 401);
    let (_, members) = send(c.get(api("members")).bearer_auth(&owner)).await;
    assert_eq!(members.as_array().unwrap().len(), 2, "{members}");
}
