//! Sync on the studio (STUDIO.md §4), in process on SQLite and, when a test server is
//! configured, PostgreSQL: brand intents decided by the domain's rules on the caller's roles
//! now (studio Owner/Admin/Member × brand Manager/Creator/Viewer of this or another brand),
//! at most once per (replica, intent), refusals consumed without blocking the rest; pulls
//! that show each caller the studio's rows and their own, in seq order, in pages; pokes;
//! limits; and a member's removal leaving every brand. Shared projects and their assets: each
//! asset in its brand's scope (its creator's on a Personal brand), asset intents merged as
//! STUDIO.md §4 says (fields last-writer-wins in studio order, tags per edge, review
//! transitions refused as stale), moves and unshares leaving Gone rows, backfills by scope.
//! Team brands' collections and campaigns, and their edges on asset rows.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::collections::BTreeMap;

use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId, UserId};
use atelier_domain::{
    AssetId, BrandRole, ErrorCode, Flag, Id as _, Rating, ReviewAction, Status, StudioRole,
};
use atelier_protocol::{
    AssetPatch, AssetSyncRow, BrandSyncRow, CampaignSyncRow, CollectionSyncRow, KitPatch, PushRequest,
    PushedIntent, StudioLimits, SyncData, SyncIntent,
};
use atelier_studio::services::Caller;

mod common;
use common::team::{Team, applied, new_asset, push, refused, shared, team};

/// Everything `who` pulls from 0, a page of `limit` at a time.
async fn pull_all(t: &Team, who: &Caller, limit: i64) -> Vec<SyncData> {
    let mut cursor = 0;
    let mut rows = Vec::new();
    let mut last_seq = 0;
    loop {
        let page = t.studio.pull(who, cursor, Some(limit), None).await.unwrap();
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
    let page = t.studio.pull(&t.ana, last, None, None).await.unwrap();
    assert!(page.rows.is_empty() && !page.more && page.cursor == last);
    // Bad cursors and limits.
    assert_eq!(
        t.studio.pull(&t.ana, -1, None, None).await.unwrap_err().code(),
        ErrorCode::InvalidCursor
    );
    assert_eq!(
        t.studio.pull(&t.ana, 0, Some(0), None).await.unwrap_err().code(),
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
    let page = t.studio.pull(&t.ana, cursor, None, None).await.unwrap();
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

/// What `who` holds after pulling everything from 0 and applying it in order: the current row
/// per (kind, key), Gone rows deleting theirs.
async fn view(t: &Team, who: &Caller) -> BTreeMap<(String, String), SyncData> {
    let mut held = BTreeMap::new();
    for data in pull_all(t, who, 1000).await {
        match &data {
            SyncData::Gone(g) => {
                held.remove(&(g.kind.clone(), g.key.clone()));
            }
            _ => {
                let (kind, key) = data.key();
                held.insert((kind.to_string(), key), data);
            }
        }
    }
    held
}

/// The assets in a view, by id.
fn assets(view: &BTreeMap<(String, String), SyncData>) -> BTreeMap<AssetId, AssetSyncRow> {
    view.values()
        .filter_map(|d| match d {
            SyncData::Asset(a) => Some((a.id, a.clone())),
            _ => None,
        })
        .collect()
}

async fn shared_assets_reach_exactly_who_may_see_them(t: Team) {
    let s = shared(&t).await;
    let personal = BrandId::from_uuid(t.ana.account.id.uuid());
    let on_acme = new_asset(s.shoot, s.acme, "a.jpg");
    let mine = new_asset(s.shoot, personal, "mine.jpg");
    let mut approved = new_asset(s.shoot, s.acme, "approved.jpg");
    approved.status = Status::Approved;
    let private = new_asset(ProjectId::new_v7(), s.acme, "private.jpg");
    let create = |a: &AssetSyncRow| SyncIntent::AssetCreate { asset: a.clone() };
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        2,
        vec![
            create(&on_acme),
            create(&mine),
            create(&new_asset(s.shoot, s.beta, "beta.jpg")),
            create(&private),
            create(&approved),
            create(&on_acme),
        ],
    )
    .await;
    applied(&r[0]);
    applied(&r[1]);
    assert_eq!(refused(&r[2]), ErrorCode::NotAMember, "Ana has no role on Beta");
    assert_eq!(
        refused(&r[3]),
        ErrorCode::PrivateProject,
        "its project isn't shared"
    );
    assert_eq!(
        refused(&r[4]),
        ErrorCode::Forbidden,
        "a Creator can't share decided work"
    );
    applied(&r[5]); // sent again by its creator: nothing changes
    let r = push(&t, &t.admin, s.admin_lib, 10, vec![create(&on_acme)]).await;
    assert_eq!(refused(&r[0]), ErrorCode::NameTaken, "the id is someone else's");
    // Nobody puts on the studio an asset they didn't make (say, one its creator took off).
    let mut claimed = new_asset(s.shoot, s.acme, "claimed.jpg");
    claimed.creator = t.ana.account.id;
    let r = push(&t, &t.admin, s.admin_lib, 11, vec![create(&claimed)]).await;
    assert_eq!(
        refused(&r[0]),
        ErrorCode::Forbidden,
        "only its creator adds an asset"
    );
    // Bo's library can't upload onto Acme (a Viewer) nor share Ana's project as his.
    let bo_lib = uuid::Uuid::now_v7();
    let r = push(
        &t,
        &t.bo,
        bo_lib,
        1,
        vec![
            create(&new_asset(s.shoot, s.acme, "bo.jpg")),
            SyncIntent::ProjectShare {
                project: s.shoot,
                name: "Mine now".into(),
            },
            SyncIntent::ProjectUnshare { project: s.shoot },
        ],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::Forbidden);
    assert_eq!(refused(&r[1]), ErrorCode::Forbidden);
    assert_eq!(refused(&r[2]), ErrorCode::Forbidden);

    // Who sees what: Ana both of hers (creator set by the studio); Bo (Viewer of Acme) and the
    // Owner (every team brand) the Acme one only; everyone the project.
    let ana = assets(&view(&t, &t.ana).await);
    assert_eq!(ana.keys().copied().collect::<Vec<_>>(), {
        let mut v = vec![on_acme.id, mine.id];
        v.sort();
        v
    });
    assert!(ana.values().all(|a| a.creator == t.ana.account.id));
    for who in [&t.bo, &t.owner] {
        let v = view(&t, who).await;
        assert_eq!(assets(&v).keys().copied().collect::<Vec<_>>(), vec![on_acme.id]);
        assert!(v.contains_key(&("project".to_string(), s.shoot.to_string())));
    }
    let page = t.studio.pull(&t.bo, 0, None, None).await.unwrap();
    assert!(
        page.scopes.contains(&format!("brand:{}", s.acme)),
        "{:?}",
        page.scopes
    );
    assert!(
        !page.scopes.contains(&format!("brand:{}", s.beta)),
        "{:?}",
        page.scopes
    );
    // A scope of someone else's is refused, not emptied silently.
    let err = t
        .studio
        .pull(&t.bo, 0, None, Some(&format!("brand:{}", s.beta)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden);
}

async fn asset_intents_merge_as_the_protocol_says(t: Team) {
    let s = shared(&t).await;
    let a = new_asset(s.shoot, s.acme, "a.jpg");
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            2,
            vec![SyncIntent::AssetCreate { asset: a.clone() }],
        )
        .await[0],
    );
    let id = a.id;
    // Tags: concurrent additions both survive, a removal removes its edge only.
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            3,
            vec![SyncIntent::TagAdd {
                asset: id,
                tag: "sunset".into(),
            }],
        )
        .await[0],
    );
    applied(
        &push(
            &t,
            &t.admin,
            s.admin_lib,
            10,
            vec![
                SyncIntent::TagAdd {
                    asset: id,
                    tag: "hero".into(),
                },
                SyncIntent::TagRemove {
                    asset: id,
                    tag: "BEACH".into(),
                },
            ],
        )
        .await[1],
    );
    // Fields: last writer in studio order wins, per field; a Viewer can't rate.
    let rate = |n: u8| SyncIntent::AssetSetFields {
        asset: id,
        fields: AssetPatch {
            rating: Some(Rating::new(n).unwrap()),
            ..AssetPatch::default()
        },
    };
    applied(&push(&t, &t.ana, s.ana_lib, 4, vec![rate(4)]).await[0]);
    applied(
        &push(
            &t,
            &t.admin,
            s.admin_lib,
            12,
            vec![
                rate(2),
                SyncIntent::AssetSetFields {
                    asset: id,
                    fields: AssetPatch {
                        flag: Some(Flag::Pick),
                        label: Some(atelier_domain::Label::Green),
                        ..AssetPatch::default()
                    },
                },
            ],
        )
        .await[1],
    );
    assert_eq!(
        refused(&push(&t, &t.bo, uuid::Uuid::now_v7(), 1, vec![rate(5)]).await[0]),
        ErrorCode::Forbidden
    );
    let now = assets(&view(&t, &t.bo).await)[&id].clone();
    assert_eq!(now.tags, vec!["hero".to_string(), "sunset".to_string()]);
    assert_eq!(
        (now.rating, now.flag, now.label),
        (Rating::new(2).unwrap(), Flag::Pick, atelier_domain::Label::Green)
    );

    // Review: Ana submits; two Managers approve what they both saw in review — the second is
    // stale. Approved work keeps its name.
    let decide = |from, action| SyncIntent::ReviewTransition {
        asset: id,
        from,
        action,
    };
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            5,
            vec![decide(Status::Draft, ReviewAction::Submit)],
        )
        .await[0],
    );
    applied(
        &push(
            &t,
            &t.admin,
            s.admin_lib,
            14,
            vec![decide(Status::InReview, ReviewAction::Approve)],
        )
        .await[0],
    );
    let r = push(
        &t,
        &t.owner,
        uuid::Uuid::now_v7(),
        1,
        vec![decide(Status::InReview, ReviewAction::RequestChanges)],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::StaleState);
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        6,
        vec![
            SyncIntent::AssetSetFields {
                asset: id,
                fields: AssetPatch {
                    name: Some("renamed.jpg".into()),
                    ..AssetPatch::default()
                },
            },
            SyncIntent::AssetDelete { asset: id },
            decide(Status::Approved, ReviewAction::Archive),
        ],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::ApprovedLocked);
    assert_eq!(refused(&r[1]), ErrorCode::ApprovedLocked);
    assert_eq!(refused(&r[2]), ErrorCode::Forbidden, "archiving needs a Manager");
    assert_eq!(assets(&view(&t, &t.ana).await)[&id].status, Status::Approved);
    // Bad input: an empty patch, a bad tag, an unknown asset — each refused, nothing changed.
    let before = view(&t, &t.ana).await;
    let r = push(
        &t,
        &t.admin,
        s.admin_lib,
        20,
        vec![
            SyncIntent::AssetSetFields {
                asset: id,
                fields: AssetPatch::default(),
            },
            SyncIntent::TagAdd {
                asset: id,
                tag: "  ".into(),
            },
            SyncIntent::TagAdd {
                asset: AssetId::new_v7(),
                tag: "x".into(),
            },
        ],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::MissingField);
    assert_eq!(refused(&r[1]), ErrorCode::InvalidTag);
    assert_eq!(refused(&r[2]), ErrorCode::AssetNotFound);
    assert_eq!(view(&t, &t.ana).await, before);
}

async fn moves_and_unshares_take_rows_out_of_scopes(t: Team) {
    let s = shared(&t).await;
    let a = new_asset(s.shoot, s.acme, "a.jpg");
    let b = new_asset(s.shoot, s.acme, "b.jpg");
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        2,
        vec![
            SyncIntent::AssetCreate { asset: a.clone() },
            SyncIntent::AssetCreate { asset: b.clone() },
        ],
    )
    .await;
    applied(&r[1]);
    // Ana can't move into Beta (no role there); the Admin can: Bo's view loses it, the
    // Admin's keeps it on Beta, back to Draft.
    let to_beta = SyncIntent::AssetMove {
        asset: a.id,
        project: None,
        brand: Some(s.beta),
    };
    assert_eq!(
        refused(&push(&t, &t.ana, s.ana_lib, 4, vec![to_beta.clone()]).await[0]),
        ErrorCode::NotAMember
    );
    let cursor = t.studio.latest_seq().await.unwrap();
    applied(&push(&t, &t.admin, s.admin_lib, 10, vec![to_beta]).await[0]);
    let page = t.studio.pull(&t.bo, cursor, None, None).await.unwrap();
    assert!(
        page.rows
            .iter()
            .any(|r| matches!(&r.data, SyncData::Gone(g) if g.key == a.id.to_string())),
        "Bo is told a.jpg left Acme: {:?}",
        page.rows
    );
    assert!(!assets(&view(&t, &t.bo).await).contains_key(&a.id));
    assert_eq!(assets(&view(&t, &t.admin).await)[&a.id].brand, s.beta);

    // Bo becomes a Creator of Beta: a backfill of that scope alone brings what is there.
    applied(
        &push(
            &t,
            &t.admin,
            s.admin_lib,
            11,
            vec![SyncIntent::BrandMember {
                brand: s.beta,
                user: t.bo.account.id,
                role: Some(BrandRole::Creator),
            }],
        )
        .await[0],
    );
    let only = format!("brand:{}", s.beta);
    let backfill = t.studio.pull(&t.bo, 0, None, Some(&only)).await.unwrap();
    assert!(backfill.scopes.contains(&only));
    let got: Vec<_> = backfill
        .rows
        .iter()
        .filter_map(|r| match &r.data {
            SyncData::Asset(x) => Some(x.id),
            _ => None,
        })
        .collect();
    assert_eq!(got, vec![a.id]);

    // Unsharing: only the owner (or an Owner/Admin); every asset row and the project leave.
    let cursor = t.studio.latest_seq().await.unwrap();
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            5,
            vec![SyncIntent::ProjectUnshare { project: s.shoot }],
        )
        .await[0],
    );
    for who in [&t.bo, &t.ana, &t.owner] {
        let v = view(&t, who).await;
        assert!(assets(&v).is_empty(), "{v:?}");
        assert!(!v.contains_key(&("project".to_string(), s.shoot.to_string())));
    }
    let page = t.studio.pull(&t.bo, cursor, None, None).await.unwrap();
    let gone: Vec<_> = page
        .rows
        .iter()
        .filter_map(|r| match &r.data {
            SyncData::Gone(g) => Some(g.kind.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(gone, vec!["asset", "asset", "project"], "{:?}", page.rows);
    // Intents on what left are refused, and consumed.
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        6,
        vec![SyncIntent::TagAdd {
            asset: b.id,
            tag: "x".into(),
        }],
    )
    .await;
    assert_eq!(refused(&r[0]), ErrorCode::AssetNotFound);
    // Shared again, its assets are created again.
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        7,
        vec![
            SyncIntent::ProjectShare {
                project: s.shoot,
                name: "Shoot".into(),
            },
            SyncIntent::AssetCreate { asset: b.clone() },
        ],
    )
    .await;
    applied(&r[1]);
    assert!(assets(&view(&t, &t.bo).await).contains_key(&b.id));
}

/// Collections and campaigns are their brand's: made, renamed, moved and deleted by whoever
/// may organise (campaigns: create with the Creator role, delete as Manager) with names
/// unique where they live, filing and campaign edges on the asset rows per edge, and a
/// deleted group taken off every asset that named it.
async fn collections_and_campaigns_are_their_brands(t: Team) {
    let s = shared(&t).await;
    let collection = |name: &str, parent: Option<CollectionId>, brand: BrandId| CollectionSyncRow {
        id: CollectionId::new_v7(),
        brand,
        parent,
        name: name.into(),
        cover: None,
    };
    let picks = collection("Picks", None, s.acme);
    let hero = collection("Hero", Some(picks.id), s.acme);
    let create = |c: &CollectionSyncRow| SyncIntent::CollectionCreate {
        collection: c.clone(),
    };
    let spring = CampaignSyncRow {
        id: CampaignId::new_v7(),
        brand: s.acme,
        name: "Spring".into(),
        description: "The spring launch".into(),
        public: false,
    };
    let a = new_asset(s.shoot, s.acme, "a.jpg");
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        10,
        vec![
            create(&picks),
            create(&hero),
            create(&collection("picks", None, s.acme)),
            create(&collection("Elsewhere", None, s.beta)),
            create(&collection(
                "Mine",
                None,
                BrandId::from_uuid(t.ana.account.id.uuid()),
            )),
            SyncIntent::CollectionMove {
                collection: picks.id,
                parent: Some(hero.id),
            },
            SyncIntent::AssetCreate { asset: a.clone() },
            SyncIntent::CollectionFile {
                collection: hero.id,
                asset: a.id,
            },
            SyncIntent::CampaignCreate {
                campaign: spring.clone(),
            },
            SyncIntent::CampaignAdd {
                campaign: spring.id,
                asset: a.id,
            },
            create(&picks),
        ],
    )
    .await;
    applied(&r[0]);
    applied(&r[1]);
    assert_eq!(
        refused(&r[2]),
        ErrorCode::NameTaken,
        "names are unique among siblings, ignoring case"
    );
    assert_eq!(refused(&r[3]), ErrorCode::NotAMember, "Ana has no role on Beta");
    assert_eq!(
        refused(&r[4]),
        ErrorCode::Forbidden,
        "a Personal brand's collections stay in the library"
    );
    assert_eq!(refused(&r[5]), ErrorCode::CollectionCycle);
    for o in &r[6..] {
        applied(o);
    }
    // Bo (a Viewer of Acme) sees the brand's groups and the asset's edges, and can't change them.
    let bo = view(&t, &t.bo).await;
    let groups: Vec<String> = bo
        .values()
        .filter_map(|d| match d {
            SyncData::Collection(c) => Some(c.name.clone()),
            SyncData::Campaign(c) => Some(c.name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(groups.len(), 3, "{groups:?}");
    let seen = &assets(&bo)[&a.id];
    assert_eq!(seen.collections, vec![hero.id]);
    assert_eq!(seen.campaigns, vec![spring.id]);
    // A cover is one of the brand's assets on the studio; readers get it on the row.
    let elsewhere = new_asset(s.shoot, s.acme, "not-here.jpg");
    let covered = CollectionSyncRow {
        cover: Some(elsewhere.id),
        ..collection("Covered", None, s.acme)
    };
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        25,
        vec![
            SyncIntent::CollectionCover {
                collection: hero.id,
                cover: Some(a.id),
            },
            SyncIntent::CollectionCover {
                collection: picks.id,
                cover: Some(elsewhere.id),
            },
            create(&covered),
        ],
    )
    .await;
    applied(&r[0]);
    assert_eq!(refused(&r[1]), ErrorCode::AssetNotFound, "not on the studio");
    applied(&r[2]);
    let covers: Vec<(String, Option<AssetId>)> = view(&t, &t.bo)
        .await
        .values()
        .filter_map(|d| match d {
            SyncData::Collection(c) => Some((c.name.clone(), c.cover)),
            _ => None,
        })
        .collect();
    assert!(covers.contains(&("Hero".to_string(), Some(a.id))), "{covers:?}");
    assert!(covers.contains(&("Picks".to_string(), None)), "{covers:?}");
    assert!(
        covers.contains(&("Covered".to_string(), None)),
        "made with a cover the studio doesn't hold: made, with the automatic one: {covers:?}"
    );
    let bo_lib = uuid::Uuid::now_v7();
    let r = push(
        &t,
        &t.bo,
        bo_lib,
        1,
        vec![
            SyncIntent::CollectionRename {
                collection: picks.id,
                name: "Best".into(),
            },
            SyncIntent::CollectionCover {
                collection: hero.id,
                cover: None,
            },
            SyncIntent::CampaignRemove {
                campaign: spring.id,
                asset: a.id,
            },
            SyncIntent::CollectionUnfile {
                collection: hero.id,
                asset: a.id,
            },
        ],
    )
    .await;
    for o in &r {
        assert_eq!(refused(o), ErrorCode::Forbidden, "a Viewer changes no group");
    }
    // Deleting a collection takes its subtree, and every asset row that named it.
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        30,
        vec![
            SyncIntent::CollectionDelete { collection: picks.id },
            SyncIntent::CampaignDelete { campaign: spring.id },
            SyncIntent::CollectionDelete {
                collection: covered.id,
            },
        ],
    )
    .await;
    applied(&r[0]);
    applied(&r[2]);
    assert_eq!(
        refused(&r[1]),
        ErrorCode::Forbidden,
        "deleting a campaign needs a Manager"
    );
    let r = push(
        &t,
        &t.admin,
        s.admin_lib,
        30,
        vec![SyncIntent::CampaignDelete { campaign: spring.id }],
    )
    .await;
    applied(&r[0]);
    let bo = view(&t, &t.bo).await;
    assert!(
        !bo.values()
            .any(|d| matches!(d, SyncData::Collection(_) | SyncData::Campaign(_))),
        "the groups left every reader"
    );
    let seen = &assets(&bo)[&a.id];
    assert!(
        seen.collections.is_empty() && seen.campaigns.is_empty(),
        "{seen:?}"
    );
    // Moving an asset to another brand drops its groups (they are the old brand's).
    let again = collection("Again", None, s.acme);
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        40,
        vec![
            create(&again),
            SyncIntent::CollectionFile {
                collection: again.id,
                asset: a.id,
            },
        ],
    )
    .await;
    applied(&r[1]);
    let r = push(
        &t,
        &t.admin,
        s.admin_lib,
        40,
        vec![SyncIntent::AssetMove {
            asset: a.id,
            project: None,
            brand: Some(s.beta),
        }],
    )
    .await;
    applied(&r[0]);
    let moved = &assets(&view(&t, &t.admin).await)[&a.id];
    assert!(moved.collections.is_empty(), "{moved:?}");
}

/// Stacks and forks (R2.9, R7.5): a member's stack is one field of its row, under a cover of
/// its brand on the studio; a fork shares its original's bytes and names it.
async fn stacks_and_forks_stay_within_a_brand(t: Team) {
    let s = shared(&t).await;
    let (a, b) = (
        new_asset(s.shoot, s.acme, "a.jpg"),
        new_asset(s.shoot, s.acme, "a.cr3"),
    );
    let x = new_asset(s.shoot, s.beta, "x.jpg");
    for (n, row) in [(2, &a), (3, &b)] {
        applied(
            &push(
                &t,
                &t.ana,
                s.ana_lib,
                n,
                vec![SyncIntent::AssetCreate { asset: row.clone() }],
            )
            .await[0],
        );
    }
    applied(
        &push(
            &t,
            &t.admin,
            s.admin_lib,
            20,
            vec![SyncIntent::AssetCreate { asset: x.clone() }],
        )
        .await[0],
    );
    let stack = |asset, cover| SyncIntent::StackSet { asset, cover };
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        4,
        vec![stack(a.id, Some(a.id)), stack(b.id, Some(a.id))],
    )
    .await;
    applied(&r[0]);
    applied(&r[1]);
    let seen = assets(&view(&t, &t.bo).await);
    assert_eq!((seen[&a.id].stack, seen[&b.id].stack), (Some(a.id), Some(a.id)));
    // A Viewer can't restack; a cover of another brand is refused with why, and changes
    // nothing.
    assert_eq!(
        refused(&push(&t, &t.bo, uuid::Uuid::now_v7(), 1, vec![stack(b.id, None)]).await[0]),
        ErrorCode::Forbidden
    );
    let r = push(&t, &t.admin, s.admin_lib, 21, vec![stack(b.id, Some(x.id))]).await;
    assert_eq!(refused(&r[0]), ErrorCode::CoverNotInStack);
    assert_eq!(assets(&view(&t, &t.bo).await)[&b.id].stack, Some(a.id));
    // A cover the studio doesn't have yet (in its creator's private project) is taken: the
    // stack counts once the cover arrives.
    let private = AssetId::new_v7();
    applied(&push(&t, &t.admin, s.admin_lib, 22, vec![stack(b.id, Some(private))]).await[0]);
    assert_eq!(assets(&view(&t, &t.bo).await)[&b.id].stack, Some(private));
    applied(&push(&t, &t.admin, s.admin_lib, 23, vec![stack(b.id, Some(a.id))]).await[0]);

    // A fork names its original and shares its bytes; an arriving row's cover of another
    // brand doesn't hold it.
    let fork = AssetSyncRow {
        forked_from: Some(a.id),
        stack: Some(x.id),
        ..new_asset(s.shoot, s.acme, "a.jpg")
    };
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            10,
            vec![SyncIntent::AssetCreate { asset: fork.clone() }],
        )
        .await[0],
    );
    let seen = assets(&view(&t, &t.bo).await);
    assert_eq!(seen[&fork.id].forked_from, Some(a.id));
    assert_eq!(seen[&fork.id].stack, None);
    assert_eq!(seen[&fork.id].hash, seen[&a.id].hash);

    // Unstacking takes each member out.
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        6,
        vec![stack(a.id, None), stack(b.id, None)],
    )
    .await;
    applied(&r[1]);
    let seen = assets(&view(&t, &t.bo).await);
    assert_eq!((seen[&a.id].stack, seen[&b.id].stack), (None, None));
}

/// The Trash is the team's (R4.3): an asset moved there is there for everyone who sees it,
/// restored for everyone; who may do either is the desktop's rule.
async fn the_trash_is_the_teams(t: Team) {
    let s = shared(&t).await;
    let a = new_asset(s.shoot, s.acme, "a.jpg");
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            2,
            vec![SyncIntent::AssetCreate { asset: a.clone() }],
        )
        .await[0],
    );
    let trash = |trashed| SyncIntent::AssetTrash { asset: a.id, trashed };
    assert_eq!(
        refused(&push(&t, &t.bo, uuid::Uuid::now_v7(), 1, vec![trash(true)]).await[0]),
        ErrorCode::Forbidden
    );
    applied(&push(&t, &t.ana, s.ana_lib, 3, vec![trash(true)]).await[0]);
    assert!(assets(&view(&t, &t.bo).await)[&a.id].trashed);
    // In the Trash, it can't be rated; out of it, it can.
    let rate = SyncIntent::AssetSetFields {
        asset: a.id,
        fields: AssetPatch {
            rating: Some(Rating::new(3).unwrap()),
            ..AssetPatch::default()
        },
    };
    assert_eq!(
        refused(&push(&t, &t.ana, s.ana_lib, 4, vec![rate.clone()]).await[0]),
        ErrorCode::InTrash
    );
    applied(&push(&t, &t.ana, s.ana_lib, 5, vec![trash(false), rate]).await[1]);
    let seen = &assets(&view(&t, &t.bo).await)[&a.id];
    assert!(!seen.trashed);
    assert_eq!(seen.rating, Rating::new(3).unwrap());
}

/// A brand's anchors (R10.3) are a kit field of their own right: pinned by those who may pin,
/// at most 16, the whole list at once.
async fn anchors_are_pinned_as_a_whole_list(t: Team) {
    let s = shared(&t).await;
    let a = new_asset(s.shoot, s.acme, "a.jpg");
    applied(
        &push(
            &t,
            &t.ana,
            s.ana_lib,
            2,
            vec![SyncIntent::AssetCreate { asset: a.clone() }],
        )
        .await[0],
    );
    let pin = |anchors: Vec<AssetId>| SyncIntent::BrandKit {
        brand: s.acme,
        kit: KitPatch {
            anchors: Some(anchors),
            ..KitPatch::default()
        },
    };
    assert_eq!(
        refused(&push(&t, &t.bo, uuid::Uuid::now_v7(), 1, vec![pin(vec![a.id])]).await[0]),
        ErrorCode::Forbidden
    );
    let many: Vec<AssetId> = (0..17).map(|_| AssetId::new_v7()).collect();
    assert_eq!(
        refused(&push(&t, &t.admin, s.admin_lib, 30, vec![pin(many)]).await[0]),
        ErrorCode::TooManyAnchors
    );
    applied(&push(&t, &t.admin, s.admin_lib, 31, vec![pin(vec![a.id, a.id])]).await[0]);
    let rows = pull_all(&t, &t.bo, 1000).await;
    let acme = brand_named(&rows, "Acme").unwrap();
    assert_eq!(acme.kit.anchors, vec![a.id]);
}

/// Pushes that arrive together are applied together (one writing transaction for those
/// waiting): each intent is decided on every earlier one's writes and applied at most once —
/// also when a library's push arrives twice at once (sent again while the first waited).
async fn pushes_waiting_together_apply_each_intent_once(t: Team) {
    let s = shared(&t).await;
    let made: Vec<AssetSyncRow> = (0..12)
        .map(|i| new_asset(s.shoot, s.acme, &format!("a{i}.jpg")))
        .collect();
    let r = push(
        &t,
        &t.ana,
        s.ana_lib,
        2,
        made.iter()
            .map(|a| SyncIntent::AssetCreate { asset: a.clone() })
            .collect(),
    )
    .await;
    for o in &r {
        applied(o);
    }
    let seq = t.studio.latest_seq().await.unwrap();
    // Eight libraries of the Admin's each tag every asset; the last push is sent twice.
    let libs: Vec<uuid::Uuid> = (0..8).map(|_| uuid::Uuid::now_v7()).collect();
    let tagging = |i: usize| -> Vec<SyncIntent> {
        made.iter()
            .map(|a| SyncIntent::TagAdd {
                asset: a.id,
                tag: format!("by-{i}"),
            })
            .collect()
    };
    let mut sends: Vec<_> = libs
        .iter()
        .enumerate()
        .map(|(i, lib)| push(&t, &t.admin, *lib, 1, tagging(i)))
        .collect();
    sends.push(push(&t, &t.admin, libs[7], 1, tagging(7)));
    let answers = futures_util::future::join_all(sends).await;
    for o in answers.iter().flatten() {
        applied(o);
    }
    assert_eq!(answers[7], answers[8], "the push sent twice got the same answers");
    // Each of the 8 × 12 intents made one change.
    assert_eq!(t.studio.latest_seq().await.unwrap(), seq + 8 * 12);
    let seen = assets(&view(&t, &t.bo).await);
    for a in &made {
        let mut want: Vec<String> = (0..8).map(|i| format!("by-{i}")).collect();
        want.push("Beach".into());
        want.sort_by_key(|t| t.to_lowercase());
        assert_eq!(seen[&a.id].tags, want, "{}", a.name);
    }
    // Sent once more, later: answered as before, nothing changed.
    assert_eq!(push(&t, &t.admin, libs[0], 1, tagging(0)).await, answers[0]);
    assert_eq!(t.studio.latest_seq().await.unwrap(), seq + 8 * 12);
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
    shared_assets_reach_exactly_who_may_see_them,
    asset_intents_merge_as_the_protocol_says,
    moves_and_unshares_take_rows_out_of_scopes,
    collections_and_campaigns_are_their_brands,
    stacks_and_forks_stay_within_a_brand,
    the_trash_is_the_teams,
    anchors_are_pinned_as_a_whole_list,
    pushes_waiting_together_apply_each_intent_once,
);
