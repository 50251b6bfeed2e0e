//! Sync on the studio (STUDIO.md §4), in process on SQLite and, when a test server is
//! configured, PostgreSQL: brand intents decided by the domain's rules on the caller's roles
//! now (studio Owner/Admin/Member × brand Manager/Creator/Viewer of this or another brand),
//! at most once per (replica, intent), refusals consumed without blocking the rest; pulls
//! that show each caller the studio's rows and their own, in seq order, in pages; pokes;
//! limits; and a member's removal leaving every brand.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use atelier_domain::ids::{BrandId, UserId};
use atelier_domain::{BrandRole, ErrorCode, Id as _, StudioRole};
use atelier_protocol::{
    BrandSyncRow, KitPatch, PushOutcome, PushRequest, PushedIntent, StudioLimits, SyncData, SyncIntent,
};
use atelier_studio::services::Caller;
use atelier_studio::testing::TestBackend;
use atelier_studio::{NewStudio, Studio};

struct Team {
    studio: Studio,
    owner: Caller,
    admin: Caller,
    ana: Caller,
    bo: Caller,
    _backend: TestBackend,
}

async fn team(postgres: bool) -> Option<Team> {
    let backend = TestBackend::new(postgres).await?;
    let studio = Studio::create(
        &backend.database,
        NewStudio {
            name: "Sync".into(),
            owner_email: "owner@studio.test".into(),
            owner_name: "Olive Owner".into(),
            owner_password: "owner-password".into(),
        },
    )
    .await
    .unwrap();
    for (email, name, role) in [
        ("admin@studio.test", "Ada Admin", StudioRole::Admin),
        ("ana@studio.test", "Ana Member", StudioRole::Member),
        ("bo@studio.test", "Bo Member", StudioRole::Member),
    ] {
        studio
            .add_member(email, name, "a-password".into(), role)
            .await
            .unwrap();
    }
    let caller = |email: &'static str, password: &'static str| {
        let studio = studio.clone();
        async move {
            let signed = studio
                .sign_in_password(email, password.into(), "laptop")
                .await
                .unwrap();
            studio.authenticate(&signed.access_token).await.unwrap()
        }
    };
    Some(Team {
        owner: caller("owner@studio.test", "owner-password").await,
        admin: caller("admin@studio.test", "a-password").await,
        ana: caller("ana@studio.test", "a-password").await,
        bo: caller("bo@studio.test", "a-password").await,
        studio,
        _backend: backend,
    })
}

/// Pushes intents as one library (`replica`) with ids from `first`.
async fn push(
    t: &Team,
    who: &Caller,
    replica: uuid::Uuid,
    first: i64,
    intents: Vec<SyncIntent>,
) -> Vec<PushOutcome> {
    let intents = intents
        .into_iter()
        .enumerate()
        .map(|(i, intent)| PushedIntent {
            id: first + i as i64,
            intent,
        })
        .collect();
    t.studio
        .push(who, PushRequest { replica, intents })
        .await
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.outcome)
        .collect()
}

fn refused(o: &PushOutcome) -> ErrorCode {
    match o {
        PushOutcome::Refused { code, .. } => *code,
        PushOutcome::Applied { .. } => panic!("applied, expected a refusal"),
    }
}

fn applied(o: &PushOutcome) -> i64 {
    match o {
        PushOutcome::Applied { seq } => *seq,
        PushOutcome::Refused { code, message } => panic!("refused: {code}: {message}"),
    }
}

/// Everything `who` pulls from 0, a page of `limit` at a time.
async fn pull_all(t: &Team, who: &Caller, limit: i64) -> Vec<SyncData> {
    let mut cursor = 0;
    let mut rows = Vec::new();
    let mut last_seq = 0;
    loop {
        let page = t.studio.pull(who, cursor, Some(limit)).await.unwrap();
        for r in &page.rows {
            assert!(r.seq > last_seq, "rows come in seq order");
            last_seq = r.seq;
        }
        rows.extend(page.rows.into_iter().map(|r| r.data));
        assert!(page.cursor >= cursor);
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    rows
}

fn brand_named<'a>(rows: &'a [SyncData], name: &str) -> Option<&'a BrandSyncRow> {
    rows.iter().rev().find_map(|r| match r {
        SyncData::Brand(b) if b.name == name => Some(b),
        _ => None,
    })
}

fn role_of(b: &BrandSyncRow, user: UserId) -> Option<BrandRole> {
    b.members.iter().find(|m| m.user == user).map(|m| m.role)
}

async fn brand_intents_follow_the_domain_rules_for_every_role(t: Team) {
    let lib = uuid::Uuid::now_v7();
    let acme = BrandId::new_v7();
    let other = BrandId::new_v7();
    let create = |id, name: &str| SyncIntent::BrandCreate {
        brand: id,
        name: name.into(),
    };
    // Only Owners and Admins create brands; the creator becomes its Manager.
    let r = push(&t, &t.ana, lib, 1, vec![create(acme, "Acme")]).await;
    assert_eq!(refused(&r[0]), ErrorCode::Forbidden);
    let r = push(
        &t,
        &t.admin,
        lib,
        2,
        vec![create(acme, "Acme"), create(other, "Other")],
    )
    .await;
    applied(&r[0]);
    applied(&r[1]);
    // Names stay unique (ignoring case), and "Personal" is reserved.
    let r = push(
        &t,
        &t.owner,
        lib,
        4,
        vec![
            create(BrandId::new_v7(), "ACME"),
            create(BrandId::new_v7(), "personal"),
        ],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::NameTaken);
    assert_eq!(refused(&r[1]), ErrorCode::NameTaken);

    let member = |brand, user: &Caller, role| SyncIntent::BrandMember {
        brand,
        user: user.account.id,
        role,
    };
    // The Admin (a Manager by studio role) makes Ana Manager of Other, Bo Creator of Acme.
    let r = push(
        &t,
        &t.admin,
        lib,
        6,
        vec![
            member(other, &t.ana, Some(BrandRole::Manager)),
            member(acme, &t.bo, Some(BrandRole::Creator)),
        ],
    )
    .await;
    applied(&r[0]);
    applied(&r[1]);
    // Ana manages Other, not Acme: a Manager of another brand is refused on this one, and so is
    // a Creator (Bo) — for members, kits and names alike.
    let kit = |brand| SyncIntent::BrandKit {
        brand,
        kit: KitPatch {
            color: Some("#112233".into()),
            ..KitPatch::default()
        },
    };
    let rename = |brand, name: &str| SyncIntent::BrandRename {
        brand,
        name: name.into(),
    };
    let ana_lib = uuid::Uuid::now_v7();
    let r = push(
        &t,
        &t.ana,
        ana_lib,
        1,
        vec![
            member(acme, &t.ana, Some(BrandRole::Manager)),
            kit(acme),
            rename(acme, "Ana's"),
            kit(other),
            member(other, &t.bo, Some(BrandRole::Viewer)),
        ],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::NotAMember);
    assert_eq!(refused(&r[1]), ErrorCode::NotAMember);
    assert_eq!(refused(&r[2]), ErrorCode::NotAMember);
    applied(&r[3]);
    applied(&r[4]);
    let bo_lib = uuid::Uuid::now_v7();
    let r = push(
        &t,
        &t.bo,
        bo_lib,
        1,
        vec![kit(acme), member(acme, &t.bo, Some(BrandRole::Manager))],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::Forbidden);
    assert_eq!(refused(&r[1]), ErrorCode::Forbidden);
    // A Viewer (Bo on Other) can't either.
    let r = push(&t, &t.bo, bo_lib, 3, vec![rename(other, "Mine")]).await;
    assert_eq!(refused(&r[0]), ErrorCode::Forbidden);

    // The last Manager stays: Ana can't step down on Other while she is its only Manager…
    // (the Admin who created it is its other Manager: remove them first).
    let r = push(&t, &t.admin, lib, 8, vec![member(other, &t.admin, None)]).await;
    applied(&r[0]);
    let r = push(
        &t,
        &t.ana,
        ana_lib,
        6,
        vec![member(other, &t.ana, Some(BrandRole::Creator))],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::LastManager);
    // …and nobody can be added who isn't a member of the studio.
    let stranger = SyncIntent::BrandMember {
        brand: other,
        user: UserId::new_v7(),
        role: Some(BrandRole::Viewer),
    };
    let r = push(&t, &t.ana, ana_lib, 7, vec![stranger]).await;
    assert_eq!(refused(&r[0]), ErrorCode::UserNotFound);
    // Bad kit values are refused with the kit's own codes; nothing changes.
    let bad = SyncIntent::BrandKit {
        brand: other,
        kit: KitPatch {
            color: Some("red".into()),
            ..KitPatch::default()
        },
    };
    let r = push(&t, &t.ana, ana_lib, 8, vec![bad]).await;
    assert_eq!(refused(&r[0]), ErrorCode::InvalidColor);
    // Personal brands: nobody else's, and never renamed.
    let ana_personal = BrandId::from_uuid(t.ana.account.id.uuid());
    let r = push(
        &t,
        &t.owner,
        lib,
        9,
        vec![kit(ana_personal), rename(ana_personal, "Work")],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::PrivateBrand);
    assert_eq!(refused(&r[1]), ErrorCode::PersonalBrand);
    let r = push(&t, &t.ana, ana_lib, 9, vec![kit(ana_personal)]).await;
    applied(&r[0]);

    // What everyone sees now.
    let rows = pull_all(&t, &t.bo, 3).await;
    let acme_row = brand_named(&rows, "Acme").unwrap();
    assert_eq!(role_of(acme_row, t.admin.account.id), Some(BrandRole::Manager));
    assert_eq!(role_of(acme_row, t.bo.account.id), Some(BrandRole::Creator));
    assert_eq!(acme_row.kit.color, None);
    let other_row = brand_named(&rows, "Other").unwrap();
    assert_eq!(other_row.kit.color.as_deref(), Some("#112233"));
    assert_eq!(role_of(other_row, t.ana.account.id), Some(BrandRole::Manager));
    assert_eq!(role_of(other_row, t.bo.account.id), Some(BrandRole::Viewer));
    assert_eq!(role_of(other_row, t.admin.account.id), None);
}

async fn an_intent_applies_at_most_once_per_library(t: Team) {
    let lib = uuid::Uuid::now_v7();
    let acme = BrandId::new_v7();
    let intents = vec![
        SyncIntent::BrandCreate {
            brand: acme,
            name: "Acme".into(),
        },
        SyncIntent::BrandRename {
            brand: acme,
            name: "Acme Co".into(),
        },
    ];
    let first = push(&t, &t.owner, lib, 10, intents.clone()).await;
    let seq = t.studio.latest_seq().await.unwrap();
    // The response was lost; the library pushes the same intents again: same answers, no
    // new change.
    let again = push(&t, &t.owner, lib, 10, intents.clone()).await;
    assert_eq!(first, again);
    assert_eq!(t.studio.latest_seq().await.unwrap(), seq);
    // Another library sending the same ids is another library: its create is a new decision
    // (refused: the id is taken).
    let other = push(&t, &t.owner, uuid::Uuid::now_v7(), 10, intents).await;
    assert_eq!(refused(&other[0]), ErrorCode::NameTaken);
    applied(&other[1]);
    // Out of order is refused whole, before anything is applied.
    let err = t
        .studio
        .push(
            &t.owner,
            PushRequest {
                replica: lib,
                intents: vec![
                    PushedIntent {
                        id: 20,
                        intent: SyncIntent::BrandRename {
                            brand: acme,
                            name: "X".into(),
                        },
                    },
                    PushedIntent {
                        id: 19,
                        intent: SyncIntent::BrandRename {
                            brand: acme,
                            name: "Y".into(),
                        },
                    },
                ],
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidBody);
    assert_eq!(t.studio.latest_seq().await.unwrap(), seq + 1);
}

async fn each_caller_pulls_the_studio_and_their_own_rows(t: Team) {
    let rows = pull_all(&t, &t.ana, 1000).await;
    // Every member, with email and role.
    let members: Vec<_> = rows
        .iter()
        .filter_map(|r| match r {
            SyncData::Member(m) => Some((m.email.as_str(), m.role)),
            _ => None,
        })
        .collect();
    assert_eq!(members.len(), 4, "{members:?}");
    assert!(members.contains(&("owner@studio.test", StudioRole::Owner)));
    // Her own Personal brand, and nobody else's.
    let personal: Vec<_> = rows
        .iter()
        .filter_map(|r| match r {
            SyncData::Brand(b) if b.personal_of.is_some() => Some(b.personal_of.unwrap()),
            _ => None,
        })
        .collect();
    assert_eq!(personal, vec![t.ana.account.id]);
    // Paging gives the same rows.
    assert_eq!(pull_all(&t, &t.ana, 1).await, rows);
    // A pull at the end is empty, with the cursor at the studio's last seq.
    let last = t.studio.latest_seq().await.unwrap();
    let page = t.studio.pull(&t.ana, last, None).await.unwrap();
    assert!(page.rows.is_empty() && !page.more && page.cursor == last);
    // Bad cursors and limits.
    assert_eq!(
        t.studio.pull(&t.ana, -1, None).await.unwrap_err().code(),
        ErrorCode::InvalidCursor
    );
    assert_eq!(
        t.studio.pull(&t.ana, 0, Some(0)).await.unwrap_err().code(),
        ErrorCode::InvalidLimit
    );
    // A role change and a removal arrive as rows; the removed person leaves every brand.
    let acme = BrandId::new_v7();
    let lib = uuid::Uuid::now_v7();
    applied(
        &push(
            &t,
            &t.owner,
            lib,
            1,
            vec![
                SyncIntent::BrandCreate {
                    brand: acme,
                    name: "Acme".into(),
                },
                SyncIntent::BrandMember {
                    brand: acme,
                    user: t.bo.account.id,
                    role: Some(BrandRole::Creator),
                },
            ],
        )
        .await[1],
    );
    let mut pokes = t.studio.pokes();
    pokes.borrow_and_update();
    let cursor = t.studio.latest_seq().await.unwrap();
    t.studio
        .change_role(&t.owner, t.ana.account.id, StudioRole::Admin)
        .await
        .unwrap();
    t.studio.remove_member(&t.owner, t.bo.account.id).await.unwrap();
    assert!(pokes.has_changed().unwrap(), "changes poke the live streams");
    let page = t.studio.pull(&t.ana, cursor, None).await.unwrap();
    let mut saw_bo_removed = false;
    let mut saw_acme_without_bo = false;
    for r in &page.rows {
        match &r.data {
            SyncData::Member(m) if m.id == t.ana.account.id => assert_eq!(m.role, StudioRole::Admin),
            SyncData::Member(m) if m.id == t.bo.account.id => saw_bo_removed = m.removed,
            SyncData::Brand(b) if b.id == acme => saw_acme_without_bo = role_of(b, t.bo.account.id).is_none(),
            _ => {}
        }
    }
    assert!(saw_bo_removed && saw_acme_without_bo, "{:?}", page.rows);
}

async fn limits_are_set_by_admins_and_published(t: Team) {
    assert_eq!(t.studio.limits().await.unwrap(), StudioLimits::default());
    let bad = StudioLimits {
        projects_per_member: Some(0),
        storage_per_project: None,
    };
    let err = t.studio.set_limits(&t.admin, bad).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidLimitSetting);
    let limits = StudioLimits {
        projects_per_member: Some(3),
        storage_per_project: Some(50 << 30),
    };
    t.studio.set_limits(&t.admin, limits.clone()).await.unwrap();
    assert_eq!(t.studio.limits().await.unwrap(), limits);
    let rows = pull_all(&t, &t.ana, 1000).await;
    assert!(rows.contains(&SyncData::Limits(limits)));
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(super::team(false).await.unwrap()).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(t) = super::team(true).await {
                    super::$name(t).await;
                }
            }
        }
    )*};
}

on_both_backends!(
    brand_intents_follow_the_domain_rules_for_every_role,
    an_intent_applies_at_most_once_per_library,
    each_caller_pulls_the_studio_and_their_own_rows,
    limits_are_set_by_admins_and_published,
);
