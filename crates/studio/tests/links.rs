//! Public campaign links on the studio (SPEC R8.4–R8.6, docs/decisions/0017), in process on
//! SQLite and, when a test server is configured, PostgreSQL: the public sharing switch (Owners
//! and Admins, only with a public URL), publishing, showing, regenerating and withdrawing a
//! campaign's link by who may control it (the brand's Managers, the studio's Owners and
//! Admins — refused to Creators and Viewers), each token resolving to its campaign only while
//! it is the live one, and never coming back.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_domain::ids::CampaignId;
use atelier_domain::{ErrorCode, Id as _};
use atelier_protocol::{CampaignSyncRow, SyncIntent};
use atelier_studio::blobs::Blobs;
use atelier_studio::services::links::token_of_slug;

mod common;
use common::team::{Team, applied, push, shared, team};

/// The token of a link `…/c/<stem>-<token>`.
fn token(link: &str) -> String {
    let slug = link.rsplit('/').next().unwrap();
    token_of_slug(slug).unwrap().to_string()
}

/// Whether the campaign's row, as `who` pulls it, says it is public (`None`: not pulled).
async fn public_in_pull(t: &Team, who: &atelier_studio::services::Caller, id: CampaignId) -> Option<bool> {
    let mut cursor = 0;
    let mut found = None;
    loop {
        let page = t.studio.pull(who, cursor, None, None).await.unwrap();
        for row in page.rows {
            if let atelier_protocol::SyncData::Campaign(c) = row.data
                && c.id == id
            {
                found = Some(c.public);
            }
        }
        cursor = page.cursor;
        if !page.more {
            return found;
        }
    }
}

async fn links_are_controlled_by_managers_and_die_when_replaced(t: Team) {
    let s = shared(&t).await;
    let spring = CampaignSyncRow {
        id: CampaignId::new_v7(),
        brand: s.acme,
        name: "Spring Launch".into(),
        description: String::new(),
        // A library saying it is public changes nothing: only publishing does.
        public: true,
    };
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        10,
        vec![SyncIntent::CampaignCreate {
            campaign: spring.clone(),
        }],
    )
    .await;
    applied(&r[0]);
    assert_eq!(public_in_pull(&t, &t.ana, spring.id).await, Some(false));
    let blobs = Blobs::in_memory();
    let off = |e: atelier_studio::services::ServiceError| assert_eq!(e.code(), ErrorCode::PublicSharingOff);

    // Without a public URL nothing can be turned on; without the switch nothing published.
    off(t.studio.set_public_sharing(&t.owner, true).await.unwrap_err());
    let studio = t
        .studio
        .clone()
        .with_public_url(Some("https://share.studio.test/"));
    off(studio
        .publish_campaign(&t.admin, &blobs, spring.id, false)
        .await
        .unwrap_err());
    assert_eq!(
        studio.set_public_sharing(&t.ana, true).await.unwrap_err().code(),
        ErrorCode::Forbidden,
        "a Member doesn't turn sharing on"
    );
    let sharing = studio.set_public_sharing(&t.admin, true).await.unwrap();
    assert!(sharing.configured && sharing.on);

    // Ana is a Creator on Acme, Bo a Viewer: neither controls the link; nothing is made.
    for who in [&t.ana, &t.bo] {
        let e = studio
            .publish_campaign(who, &blobs, spring.id, false)
            .await
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden, "{e}");
        let e = studio.unpublish_campaign(who, spring.id).await.unwrap_err();
        assert_eq!(e.code(), ErrorCode::Forbidden, "{e}");
        let seen = studio.campaign_visibility(who, &blobs, spring.id).await.unwrap();
        assert!(!seen.public && seen.link.is_none(), "{seen:?}");
    }
    let unknown = studio
        .publish_campaign(&t.admin, &blobs, CampaignId::new_v7(), false)
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::CampaignNotFound);

    // The Admin publishes: a link with the name's stem and a 43-character token.
    let first = studio
        .publish_campaign(&t.admin, &blobs, spring.id, false)
        .await
        .unwrap();
    let link = first.link.clone().unwrap();
    assert!(first.public);
    assert!(
        link.starts_with("https://share.studio.test/c/spring-launch-"),
        "{link}"
    );
    let t1 = token(&link);
    assert_eq!(studio.campaign_of_token(&t1).await.unwrap(), Some(spring.id));
    // Every member's library hears it in the campaign's row.
    for who in [&t.ana, &t.bo] {
        assert_eq!(public_in_pull(&t, who, spring.id).await, Some(true));
    }
    // The brand's members see that it is public, not the link.
    for who in [&t.ana, &t.bo] {
        let seen = studio.campaign_visibility(who, &blobs, spring.id).await.unwrap();
        assert!(seen.public && seen.link.is_none(), "{seen:?}");
    }
    // Shown again, the same, to who manages it; publishing again keeps it.
    assert_eq!(
        studio
            .campaign_visibility(&t.owner, &blobs, spring.id)
            .await
            .unwrap(),
        first
    );
    assert_eq!(
        studio
            .publish_campaign(&t.owner, &blobs, spring.id, false)
            .await
            .unwrap(),
        first
    );

    // Regenerate: a new token, the old one dead at once.
    let second = studio
        .publish_campaign(&t.owner, &blobs, spring.id, true)
        .await
        .unwrap();
    let t2 = token(second.link.as_deref().unwrap());
    assert_ne!(t1, t2);
    assert_eq!(studio.campaign_of_token(&t1).await.unwrap(), None);
    assert_eq!(studio.campaign_of_token(&t2).await.unwrap(), Some(spring.id));

    // Private: no link; publishing again gives a third token, and neither old one comes back.
    let private = studio.unpublish_campaign(&t.admin, spring.id).await.unwrap();
    assert!(!private.public && private.link.is_none());
    assert_eq!(public_in_pull(&t, &t.ana, spring.id).await, Some(false));
    assert_eq!(studio.campaign_of_token(&t2).await.unwrap(), None);
    assert_eq!(
        studio
            .campaign_visibility(&t.admin, &blobs, spring.id)
            .await
            .unwrap(),
        private
    );
    let third = studio
        .publish_campaign(&t.admin, &blobs, spring.id, false)
        .await
        .unwrap();
    let t3 = token(third.link.as_deref().unwrap());
    assert!(t3 != t1 && t3 != t2);
    for old in [&t1, &t2] {
        assert_eq!(studio.campaign_of_token(old).await.unwrap(), None);
    }
    // A token that was never made, or a near miss, opens nothing.
    let mut near = t3.clone().into_bytes();
    near[0] = if near[0] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        studio
            .campaign_of_token(&String::from_utf8(near).unwrap())
            .await
            .unwrap(),
        None
    );
    assert_eq!(studio.campaign_of_token(&"A".repeat(43)).await.unwrap(), None);

    // Sharing turned off: nothing new is published (live links are the next slice's to stop).
    studio.set_public_sharing(&t.owner, false).await.unwrap();
    off(studio
        .publish_campaign(&t.admin, &blobs, spring.id, true)
        .await
        .unwrap_err());
}

mod links_are_controlled_by_managers_and_die_when_replaced {
    #[tokio::test]
    async fn sqlite() {
        super::links_are_controlled_by_managers_and_die_when_replaced(super::team(false).await.unwrap())
            .await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(t) = super::team(true).await {
            super::links_are_controlled_by_managers_and_die_when_replaced(t).await;
        }
    }
}
