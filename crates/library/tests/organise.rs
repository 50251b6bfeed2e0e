//! Organising and review through the library API on a real library: collections, tags,
//! ratings and flags, the review machine, campaigns, projects, brands, bulk reports — checking
//! both what changed and what must not have, and that postings never drift from the tables.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use atelier_domain::{AssetQuery, BrandRole, Bucket, Flag, Rating, ReviewAction, Source, Status};
use atelier_library::{ImportMode, ImportOptions, KitEdit, MoveTarget, ProjectSettings, Selection};
use common::{TestLibrary, ids};

fn in_brand(brand: &str) -> ImportOptions {
    ImportOptions {
        brand: Some(brand.into()),
        ..Default::default()
    }
}

fn codes(r: &atelier_library::BulkReport) -> Vec<String> {
    r.failed.iter().map(|f| f.code.to_string()).collect()
}

fn status_of(t: &TestLibrary, id: atelier_domain::AssetId) -> Status {
    t.lib.as_owner().show(id).unwrap().detail.summary.status
}

fn query(f: impl FnOnce(&mut AssetQuery)) -> Selection {
    let mut q = AssetQuery::default();
    f(&mut q);
    Selection::Query(Box::new(q))
}

#[test]
fn a_collection_tree_nests_counts_moves_and_deletes_without_losing_assets() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    let a = t.photos("a", 4, &in_brand("Acme"));
    t.lib
        .as_owner()
        .collection_create("Shoots/2026/June", "Acme")
        .unwrap();
    t.lib
        .as_owner()
        .collection_create("Shoots/2026/July", "Acme")
        .unwrap();
    assert_eq!(
        t.lib
            .as_owner()
            .collection_create("shoots/2026/june", "Acme")
            .unwrap_err()
            .code(),
        "name_taken"
    );

    let r = t
        .lib
        .as_owner()
        .collection_add("Shoots/2026/June", &ids(&a[..2]), None)
        .unwrap();
    assert_eq!((r.succeeded.len(), r.failed.len()), (2, 0));
    let again = t
        .lib
        .as_owner()
        .collection_add("Shoots/2026/June", &ids(&a[..2]), None)
        .unwrap();
    assert_eq!(again.succeeded.len(), 2, "filing twice is a no-op that succeeds");
    t.lib
        .as_owner()
        .collection_add("Shoots/2026/July", &ids(&a[1..3]), Some("Acme"))
        .unwrap();

    let tree = t.lib.as_owner().collection_list("Acme").unwrap();
    let row = |p: &str| tree.iter().find(|c| c.path == p).unwrap().clone();
    assert_eq!(
        (row("Shoots/2026/June").count, row("Shoots/2026/July").count),
        (2, 2)
    );
    assert_eq!(
        (row("Shoots").count, row("Shoots").nested_count),
        (0, 3),
        "rolled up, each asset once"
    );
    assert_eq!(
        t.count(AssetQuery {
            bucket: Bucket::Unfiled,
            ..Default::default()
        }),
        1
    );
    let nested = AssetQuery {
        collection: Some("Shoots".into()),
        nested: true,
        ..Default::default()
    };
    assert_eq!(t.count(nested.clone()), 3);
    assert_eq!(
        t.count(AssetQuery {
            nested: false,
            ..nested
        }),
        0
    );

    assert_eq!(
        t.lib
            .as_owner()
            .collection_move("Shoots", Some("Shoots/2026"), None)
            .unwrap_err()
            .code(),
        "collection_cycle"
    );
    let moved = t
        .lib
        .as_owner()
        .collection_move("Shoots/2026/June", None, None)
        .unwrap();
    assert_eq!(moved.path, "June");
    t.lib
        .as_owner()
        .collection_rename("June", "Summer", None)
        .unwrap();
    assert_eq!(
        t.lib.as_owner().collection_delete("Shoots", None).unwrap(),
        3,
        "Shoots, 2026 and July"
    );
    let tree = t.lib.as_owner().collection_list("Acme").unwrap();
    assert_eq!(
        tree.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(),
        ["Summer"]
    );
    assert_eq!(
        t.count(AssetQuery::default()),
        4,
        "deleting collections never deletes assets"
    );
    assert_eq!(
        t.count(AssetQuery {
            bucket: Bucket::Unfiled,
            ..Default::default()
        }),
        2
    );
    t.assert_consistent();
}

#[test]
fn tags_keep_their_first_spelling_rename_merge_and_delete_everywhere() {
    let t = TestLibrary::new();
    let a = t.photos("a", 3, &ImportOptions::default());
    t.lib
        .as_owner()
        .tag_add(&ids(&a), &["Client/Acme/Summer".into()])
        .unwrap();
    t.lib
        .as_owner()
        .tag_add(&ids(&a[..1]), &["client/acme/SUMMER".into(), "Beach".into()])
        .unwrap();
    let tags = t.lib.as_owner().tag_list().unwrap();
    assert_eq!(
        tags.iter()
            .map(|t| (t.name.as_str(), t.count))
            .collect::<Vec<_>>(),
        [("Beach", 1), ("Client/Acme/Summer", 3)]
    );
    assert_eq!(t.find("summer").len(), 3, "tags are searchable");

    t.lib
        .as_owner()
        .tag_rename("client/acme", "Client/AcmeCo")
        .unwrap();
    let names: Vec<_> = t
        .lib
        .as_owner()
        .tag_list()
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["Beach", "Client/AcmeCo/Summer"]);
    assert_eq!(
        t.count(AssetQuery {
            tags: vec!["client/acmeco".into()],
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        t.count(AssetQuery {
            tags: vec!["client/acme".into()],
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        t.lib
            .as_owner()
            .tag_rename("beach", "client/acmeco/summer")
            .unwrap_err()
            .code(),
        "name_taken"
    );

    t.lib
        .as_owner()
        .tag_merge("beach", "Client/AcmeCo/Summer")
        .unwrap();
    let tags = t.lib.as_owner().tag_list().unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].count, 3);
    t.lib
        .as_owner()
        .tag_remove(&ids(&a[..1]), &["client/acmeco/summer".into()])
        .unwrap();
    assert_eq!(t.lib.as_owner().tag_list().unwrap()[0].count, 2);
    t.lib.as_owner().tag_delete("client/acmeco/summer").unwrap();
    assert!(t.lib.as_owner().tag_list().unwrap().is_empty());
    assert!(
        t.lib
            .as_owner()
            .show(a[1])
            .unwrap()
            .detail
            .summary
            .tags
            .is_empty()
    );
    assert!(t.find("summer").is_empty());
    t.assert_consistent();
}

#[test]
fn an_asset_carries_at_most_64_tags() {
    let t = TestLibrary::new();
    let a = t.photos("a", 2, &ImportOptions::default());
    let sixty: Vec<String> = (0..60).map(|i| format!("t{i}")).collect();
    t.lib.as_owner().tag_add(&ids(&a[..1]), &sixty).unwrap();
    let five: Vec<String> = (100..105).map(|i| format!("t{i}")).collect();
    let r = t.lib.as_owner().tag_add(&ids(&a), &five).unwrap();
    assert_eq!(r.succeeded, [a[1]]);
    assert_eq!(codes(&r), ["too_many_tags"]);
    assert_eq!(
        t.lib.as_owner().show(a[0]).unwrap().detail.summary.tags.len(),
        60,
        "the refused asset is unchanged"
    );
}

#[test]
fn culling_with_ratings_and_flags_then_deleting_the_rejected() {
    let t = TestLibrary::new();
    let a = t.photos("a", 5, &ImportOptions::default());
    t.lib
        .as_owner()
        .rate(&ids(&a[..3]), Rating::new(4).unwrap())
        .unwrap();
    t.lib.as_owner().rate(&ids(&a[..1]), Rating::NONE).unwrap();
    t.lib.as_owner().flag(&ids(&a[3..]), Flag::Reject).unwrap();
    t.lib.as_owner().flag(&ids(&a[..1]), Flag::Pick).unwrap();
    assert_eq!(
        t.count(AssetQuery {
            ratings: vec![Rating::new(4).unwrap()],
            ..Default::default()
        }),
        2
    );
    assert_eq!(
        t.count(AssetQuery {
            ratings: vec![Rating::NONE],
            ..Default::default()
        }),
        3
    );
    let rejected = query(|q| q.flags = vec![Flag::Reject]);
    let r = t.lib.as_owner().delete(&rejected).unwrap();
    assert_eq!(r.succeeded.len(), 2);
    assert_eq!(t.count(AssetQuery::default()), 3);
    assert_eq!(
        t.count(AssetQuery {
            flags: vec![Flag::Pick],
            ..Default::default()
        }),
        1
    );
    // Deleted assets wait in the Trash with their files; emptying it sends files added in
    // place to the system trash.
    assert!(t.input().join("a/a-003.jpg").exists(), "the Trash keeps the file");
    assert_eq!(t.lib.as_owner().empty_trash().unwrap().succeeded.len(), 2);
    assert!(
        !t.input().join("a/a-003.jpg").exists(),
        "files added in place go to the trash"
    );
    t.assert_consistent();
}

#[test]
fn review_follows_the_table_and_logs_every_transition() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    let a = t.photos("a", 1, &in_brand("Acme"));
    let one = ids(&a);
    let step = |action, expect: Result<Status, &str>| {
        let r = t.lib.as_owner().review(&one, action, Some("note")).unwrap();
        match expect {
            Ok(s) => {
                assert!(r.failed.is_empty(), "{action:?}: {:?}", r.failed);
                assert_eq!(status_of(&t, a[0]), s);
            }
            Err(code) => assert_eq!(codes(&r), [code], "{action:?}"),
        }
    };
    step(ReviewAction::Approve, Err("invalid_transition"));
    step(ReviewAction::Revise, Err("invalid_transition"));
    step(ReviewAction::Submit, Ok(Status::InReview));
    step(ReviewAction::Submit, Err("invalid_transition"));
    step(ReviewAction::Approve, Err("self_approval_off"));
    step(ReviewAction::RequestChanges, Ok(Status::Rejected));
    step(ReviewAction::Revise, Ok(Status::Draft));
    step(ReviewAction::Submit, Ok(Status::InReview));
    t.lib
        .as_owner()
        .brand_kit(
            "Acme",
            &KitEdit {
                self_approval: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    step(ReviewAction::Approve, Ok(Status::Approved));
    step(ReviewAction::Unarchive, Err("invalid_transition"));
    step(ReviewAction::Archive, Ok(Status::Archived));
    step(ReviewAction::Unarchive, Ok(Status::Draft));
    let log = t.lib.as_owner().review_log(a[0]).unwrap();
    assert_eq!(log.len(), 7);
    assert!(log.iter().all(|e| e.note.as_deref() == Some("note")));
    assert_eq!((log[0].from, log[0].to), (Status::Draft, Status::InReview));
    let long = "x".repeat(2001);
    assert_eq!(
        t.lib
            .as_owner()
            .review(&one, ReviewAction::Submit, Some(&long))
            .unwrap_err()
            .code(),
        "invalid_note"
    );
    t.assert_consistent();
}

#[test]
fn approved_work_is_locked_but_stays_organisable_and_forks_share_bytes() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    t.lib.as_owner().brand_create("Other").unwrap();
    t.lib
        .as_owner()
        .brand_kit(
            "Acme",
            &KitEdit {
                self_approval: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    t.lib.as_owner().project_create("Elsewhere", None, None).unwrap();
    let a = t.photos("a", 1, &in_brand("Acme"));
    let one = ids(&a);
    t.lib.as_owner().review(&one, ReviewAction::Submit, None).unwrap();
    t.lib
        .as_owner()
        .review(&one, ReviewAction::Approve, None)
        .unwrap();

    assert_eq!(
        t.lib.as_owner().rename_asset(a[0], "new.jpg").unwrap_err().code(),
        "approved_locked"
    );
    assert_eq!(
        codes(
            &t.lib
                .as_owner()
                .move_assets(&one, &MoveTarget::Project("Elsewhere".into()))
                .unwrap()
        ),
        ["approved_locked"]
    );
    assert_eq!(
        codes(
            &t.lib
                .as_owner()
                .move_assets(&one, &MoveTarget::Brand("Other".into()))
                .unwrap()
        ),
        ["approved_locked"]
    );
    assert_eq!(
        codes(&t.lib.as_owner().delete(&one).unwrap()),
        ["approved_locked"]
    );
    assert!(
        t.lib
            .as_owner()
            .rate(&one, Rating::new(5).unwrap())
            .unwrap()
            .failed
            .is_empty(),
        "rating stays open"
    );
    assert!(
        t.lib
            .as_owner()
            .tag_add(&one, &["hero".into()])
            .unwrap()
            .failed
            .is_empty(),
        "tags stay open"
    );
    assert_eq!(status_of(&t, a[0]), Status::Approved);

    let fork = t.lib.as_owner().fork(a[0]).unwrap();
    let (orig, copy) = (
        t.lib.as_owner().show(a[0]).unwrap(),
        t.lib.as_owner().show(fork).unwrap(),
    );
    assert_eq!(copy.summary.status, Status::Draft);
    assert_eq!(
        (copy.hash.as_str(), copy.path.as_path()),
        (orig.hash.as_str(), orig.path.as_path())
    );
    assert_eq!(copy.summary.tags, ["hero"]);
    t.lib.as_owner().rename_asset(fork, "variant.jpg").unwrap();
    assert_eq!(t.find("variant"), ["variant.jpg"]);
    // Deleting the fork frees nothing: its parent still uses the bytes.
    t.lib.as_owner().delete(&ids(&[fork])).unwrap();
    assert!(std::path::Path::new(&orig.path).exists());
    assert!(orig.thumbnail.is_some_and(|p| std::path::Path::new(&p).exists()));
    t.assert_consistent();
}

#[test]
fn roles_decide_who_may_act_and_personal_brands_skip_review() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    let mine = t.photos("mine", 2, &in_brand("Acme"));
    let personal = t.photos("p", 1, &ImportOptions::default());
    // Shared, so the brand's other members see (and may try to act on) the owner's work.
    t.share("Inbox");
    t.lib
        .as_owner()
        .review(&ids(&mine), ReviewAction::Submit, None)
        .unwrap();
    t.lib
        .as_owner()
        .brand_member("Acme", "bob", Some(BrandRole::Creator))
        .unwrap();
    t.lib
        .as_owner()
        .brand_member("Acme", "vic", Some(BrandRole::Viewer))
        .unwrap();

    // The owner's Personal brand: no review, no campaigns; archive is fine.
    assert_eq!(
        codes(
            &t.lib
                .as_owner()
                .review(&ids(&personal), ReviewAction::Submit, None)
                .unwrap()
        ),
        ["no_review_on_personal"]
    );
    assert!(
        t.lib
            .as_owner()
            .review(&ids(&personal), ReviewAction::Archive, None)
            .unwrap()
            .failed
            .is_empty()
    );
    assert_eq!(
        t.lib
            .as_owner()
            .campaign_create("X", "Personal", None)
            .unwrap_err()
            .code(),
        "no_campaigns_on_personal"
    );
    assert_eq!(
        codes(
            &t.lib
                .as_owner()
                .move_assets(&ids(&mine), &MoveTarget::Brand("Personal".into()))
                .unwrap()
        ),
        ["not_into_personal", "not_into_personal"]
    );

    let bob = t.lib.as_user("bob").unwrap();
    let r = bob.review(&ids(&mine), ReviewAction::Approve, None).unwrap();
    assert_eq!(codes(&r), ["forbidden", "forbidden"]);
    assert!(r.failed[0].message.contains("Manager"), "{}", r.failed[0].message);
    assert!(
        bob.rate(&ids(&mine), Rating::new(3).unwrap())
            .unwrap()
            .failed
            .is_empty(),
        "Creators organise"
    );
    assert_eq!(
        codes(
            &bob.review(&ids(&personal), ReviewAction::Unarchive, None)
                .unwrap()
        ),
        ["private_brand"]
    );
    assert_eq!(
        bob.brand_member("Acme", "vic", Some(BrandRole::Manager))
            .unwrap_err()
            .code(),
        "forbidden"
    );
    assert_eq!(bob.brand_create("Bobs").unwrap_err().code(), "forbidden");

    let vic = t.lib.as_user("vic").unwrap();
    assert_eq!(
        codes(&vic.rate(&ids(&mine), Rating::new(1).unwrap()).unwrap()),
        ["forbidden", "forbidden"]
    );
    assert_eq!(
        vic.show(mine[0]).unwrap().detail.summary.rating.stars(),
        3,
        "refused changes change nothing"
    );

    let owner = t
        .lib
        .as_owner()
        .brand("Acme")
        .unwrap()
        .members
        .into_iter()
        .find(|m| m.role == BrandRole::Manager)
        .unwrap()
        .user;
    assert_eq!(
        t.lib
            .as_owner()
            .brand_member("Acme", &owner, None)
            .unwrap_err()
            .code(),
        "last_manager"
    );
    assert_eq!(
        t.lib
            .as_owner()
            .brand_member("Acme", &owner, Some(BrandRole::Viewer))
            .unwrap_err()
            .code(),
        "last_manager"
    );
    t.lib
        .as_owner()
        .brand_member("Acme", "bob", Some(BrandRole::Manager))
        .unwrap();
    t.lib
        .as_owner()
        .brand_member("Acme", &owner, Some(BrandRole::Viewer))
        .unwrap();
    t.assert_consistent();
}

#[test]
fn campaigns_take_their_brands_assets_and_report_the_rest() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    t.lib.as_owner().brand_create("Other").unwrap();
    let acme = t.photos("acme", 3, &in_brand("Acme"));
    let other = t.photos("other", 1, &in_brand("Other"));
    let c = t
        .lib
        .as_owner()
        .campaign_create("Spring Launch", "Acme", Some("the launch"))
        .unwrap();
    assert_eq!(c.visibility, "private");
    let dup = t
        .lib
        .as_owner()
        .campaign_create("spring launch", "Acme", None)
        .unwrap_err();
    assert_eq!(dup.code(), "name_taken");
    assert!(
        dup.to_string()
            .contains("A campaign with that name already exists")
    );
    assert_eq!(
        t.lib
            .as_owner()
            .campaign_create(&"x".repeat(121), "Acme", None)
            .unwrap_err()
            .code(),
        "invalid_name"
    );
    assert!(
        t.lib
            .as_owner()
            .campaign_create("Spring Launch", "Other", None)
            .is_ok(),
        "unique per brand only"
    );

    let r = t
        .lib
        .as_owner()
        .campaign_add("Spring Launch", &ids(&acme[..2]), "Acme")
        .unwrap();
    assert_eq!(r.succeeded.len(), 2);
    let mixed: Vec<_> = acme.iter().chain(&other).copied().collect();
    let r = t
        .lib
        .as_owner()
        .campaign_add("Spring Launch", &ids(&mixed), "Acme")
        .unwrap();
    assert_eq!(r.requested, 4);
    assert_eq!(r.succeeded, [acme[2]]);
    assert_eq!(r.skipped.len(), 2);
    assert_eq!(codes(&r), ["not_on_this_brand"]);
    t.lib.as_owner().campaign_create("Summer", "Acme", None).unwrap();
    t.lib
        .as_owner()
        .campaign_add("Summer", &ids(&acme[..1]), "Acme")
        .unwrap();
    assert_eq!(
        t.lib.as_owner().show(acme[0]).unwrap().detail.campaigns,
        ["Spring Launch", "Summer"]
    );

    assert_eq!(
        t.lib
            .as_owner()
            .public_link_campaign("Summer", "Acme")
            .unwrap_err()
            .code(),
        "needs_studio"
    );
    t.lib.as_owner().campaign_delete("Spring Launch", "Acme").unwrap();
    assert_eq!(
        t.count(AssetQuery::default()),
        4,
        "deleting a campaign keeps its assets"
    );
    assert_eq!(
        t.lib.as_owner().show(acme[0]).unwrap().detail.campaigns,
        ["Summer"]
    );
    t.assert_consistent();
}

#[test]
fn projects_move_assets_with_their_organisation_and_delete_only_when_confirmed() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    let p = t
        .lib
        .as_owner()
        .project_create("Shoot", Some("a day out"), Some("Acme"))
        .unwrap();
    assert_eq!(p.default_brand.as_deref(), Some("Acme"));
    assert_eq!(
        t.lib
            .as_owner()
            .project_create("shoot", None, None)
            .unwrap_err()
            .code(),
        "name_taken"
    );
    let a = t.photos(
        "a",
        3,
        &ImportOptions {
            project: Some("Shoot".into()),
            brand: Some("Acme".into()),
            ..Default::default()
        },
    );
    t.lib.as_owner().collection_create("Picks", "Acme").unwrap();
    t.lib.as_owner().collection_add("Picks", &ids(&a), None).unwrap();
    t.lib.as_owner().tag_add(&ids(&a), &["keep".into()]).unwrap();
    t.lib.as_owner().project_create("Final", None, None).unwrap();
    let r = t
        .lib
        .as_owner()
        .move_assets(&ids(&a[..2]), &MoveTarget::Project("Final".into()))
        .unwrap();
    assert_eq!(r.succeeded.len(), 2);
    let moved = t.lib.as_owner().show(a[0]).unwrap();
    assert_eq!(
        (
            moved.summary.project.as_str(),
            moved.collections.as_slice(),
            moved.summary.tags.as_slice()
        ),
        ("Final", &["Picks".to_string()][..], &["keep".to_string()][..])
    );

    let s = ProjectSettings {
        import_mode: Some(ImportMode::Copy),
        rename_template: Some("{seq:03}.{ext}".into()),
        default_tags: Some(vec!["x".into()]),
        ..Default::default()
    };
    let info = t.lib.as_owner().project_settings("Final", &s).unwrap();
    assert_eq!(
        (info.import_mode.as_str(), info.rename_template.as_deref()),
        ("copy", Some("{seq:03}.{ext}"))
    );
    let bad = ProjectSettings {
        rename_template: Some("{nope}".into()),
        ..Default::default()
    };
    assert_eq!(
        t.lib
            .as_owner()
            .project_settings("Final", &bad)
            .unwrap_err()
            .code(),
        "invalid_template"
    );
    assert!(t.lib.as_owner().project_archive("Final", true).unwrap().archived);
    assert!(!t.lib.as_owner().project_archive("Final", false).unwrap().archived);
    assert_eq!(
        t.lib.as_owner().project_share("Final", true).unwrap_err().code(),
        "needs_studio"
    );
    t.lib.as_owner().project_rename("Final", "Delivered").unwrap();

    t.lib
        .as_owner()
        .brand_kit(
            "Acme",
            &KitEdit {
                self_approval: Some(true),
                ..Default::default()
            },
        )
        .unwrap();
    t.lib
        .as_owner()
        .review(&ids(&a[..1]), ReviewAction::Submit, None)
        .unwrap();
    t.lib
        .as_owner()
        .review(&ids(&a[..1]), ReviewAction::Approve, None)
        .unwrap();
    assert_eq!(
        t.lib
            .as_owner()
            .project_delete("Delivered", "delivered")
            .unwrap_err()
            .code(),
        "confirmation_mismatch"
    );
    let err = t
        .lib
        .as_owner()
        .project_delete("Delivered", "Delivered")
        .unwrap_err();
    assert_eq!(err.code(), "project_has_approved");
    assert!(err.to_string().contains("a-000.jpg"), "{err}");
    t.lib
        .as_owner()
        .review(&ids(&a[..1]), ReviewAction::Archive, None)
        .unwrap();
    let report = t.lib.as_owner().project_delete("Delivered", "Delivered").unwrap();
    assert_eq!(report.deleted_assets, 2);
    assert_eq!(t.count(AssetQuery::default()), 1);
    assert!(
        t.lib
            .as_owner()
            .project_list()
            .unwrap()
            .iter()
            .all(|p| p.name != "Delivered")
    );
    t.assert_consistent();
}

#[test]
fn deleting_a_project_removes_managed_copies_and_their_renditions() {
    let t = TestLibrary::new();
    t.lib.as_owner().project_create("Copies", None, None).unwrap();
    let opts = ImportOptions {
        mode: Some(ImportMode::Copy),
        project: Some("Copies".into()),
        ..Default::default()
    };
    let a = t.photos("c", 2, &opts);
    let d = t.lib.as_owner().show(a[0]).unwrap();
    let (copy, thumb) = (
        std::path::PathBuf::from(&d.path),
        std::path::PathBuf::from(d.thumbnail.unwrap()),
    );
    assert!(copy.exists() && thumb.exists());
    t.lib.as_owner().project_delete("Copies", "Copies").unwrap();
    assert!(!copy.exists() && !thumb.exists());
    assert!(
        t.input().join("c/c-000.jpg").exists(),
        "the import's sources are never touched"
    );
}

#[test]
fn moving_to_another_brand_resets_review_and_leaves_the_old_brands_groupings() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    t.lib.as_owner().brand_create("Other").unwrap();
    let a = t.photos("a", 2, &in_brand("Acme"));
    t.lib.as_owner().collection_create("Picks", "Acme").unwrap();
    t.lib.as_owner().collection_add("Picks", &ids(&a), None).unwrap();
    t.lib.as_owner().campaign_create("Launch", "Acme", None).unwrap();
    t.lib.as_owner().campaign_add("Launch", &ids(&a), "Acme").unwrap();
    t.lib
        .as_owner()
        .review(&ids(&a[..1]), ReviewAction::Submit, None)
        .unwrap();
    let r = t
        .lib
        .as_owner()
        .move_assets(&ids(&a), &MoveTarget::Brand("Other".into()))
        .unwrap();
    assert_eq!(r.succeeded.len(), 2);
    let d = t.lib.as_owner().show(a[0]).unwrap();
    assert_eq!(
        (d.summary.brand.as_str(), d.summary.status),
        ("Other", Status::Draft)
    );
    assert!(d.collections.is_empty() && d.campaigns.is_empty());
    assert_eq!(
        t.count(AssetQuery {
            bucket: Bucket::Unfiled,
            ..Default::default()
        }),
        2
    );
    t.assert_consistent();
}

#[test]
fn bulk_limits_and_partial_success() {
    let t = TestLibrary::new();
    let a = t.photos("a", 2, &ImportOptions::default());
    let too_many: Vec<_> = (0..10_001)
        .map(|_| <atelier_domain::AssetId as atelier_domain::Id>::new_v7())
        .collect();
    assert_eq!(
        t.lib
            .as_owner()
            .rate(&Selection::Ids(too_many), Rating::NONE)
            .unwrap_err()
            .code(),
        "selection_too_large"
    );
    let ghost = <atelier_domain::AssetId as atelier_domain::Id>::new_v7();
    let r = t
        .lib
        .as_owner()
        .rate(&ids(&[a[0], ghost]), Rating::new(2).unwrap())
        .unwrap();
    assert_eq!((r.requested, r.succeeded.len()), (2, 1));
    assert_eq!(codes(&r), ["not_found"]);
    let nothing = query(|q| q.sources = vec![Source::Generated]);
    assert_eq!(
        t.lib.as_owner().rate(&nothing, Rating::NONE).unwrap_err().code(),
        "empty_selection"
    );
    assert_eq!(
        t.lib.as_owner().show(a[0]).unwrap().detail.summary.rating.stars(),
        2
    );
}

#[test]
fn brand_kits_validate_their_fields() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    let ok = KitEdit {
        color: Some("#a1b2c3".into()),
        prefix: Some("studio shot,".into()),
        ban: vec!["NSFW".into(), "gore".into()],
        palette: Some(vec!["#000000".into(), "#FFFFFF".into()]),
        ..Default::default()
    };
    let b = t.lib.as_owner().brand_kit("Acme", &ok).unwrap();
    assert_eq!(
        (b.color.as_deref(), b.banned_terms.len(), b.palette.len()),
        (Some("#A1B2C3"), 2, 2)
    );
    let b = t
        .lib
        .as_owner()
        .brand_kit(
            "Acme",
            &KitEdit {
                unban: vec!["nsfw".into()],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(b.banned_terms, ["gore"]);
    for bad in [
        KitEdit {
            color: Some("red".into()),
            ..Default::default()
        },
        KitEdit {
            prefix: Some("x".repeat(501)),
            ..Default::default()
        },
        KitEdit {
            ban: (0..65).map(|i| format!("t{i}")).collect(),
            ..Default::default()
        },
    ] {
        let code = t.lib.as_owner().brand_kit("Acme", &bad).unwrap_err().code();
        assert!(code == "invalid_color" || code == "invalid_kit", "{code}");
    }
    assert_eq!(
        t.lib.as_owner().brand_create("acme").unwrap_err().code(),
        "name_taken"
    );
    assert_eq!(
        t.lib.as_owner().brand_create("Personal").unwrap_err().code(),
        "name_taken"
    );
    let pinned = t.photos("p", 2, &in_brand("Acme"));
    assert_eq!(
        t.lib.as_owner().brand_pin("Acme", &pinned, true).unwrap().anchors,
        pinned
    );
}

#[test]
fn every_change_is_journaled_with_who_and_before_after() {
    let t = TestLibrary::new();
    let a = t.photos("a", 2, &ImportOptions::default());
    let start = t.lib.changes_since(0, 100_000).unwrap().last().unwrap().seq;
    t.lib.as_owner().rate(&ids(&a), Rating::new(4).unwrap()).unwrap();
    t.lib.as_owner().tag_add(&ids(&a[..1]), &["x".into()]).unwrap();
    t.lib.as_owner().collection_create("C", "Personal").unwrap();
    t.lib.as_owner().rename_asset(a[0], "renamed.jpg").unwrap();
    let changes = t.lib.changes_since(start, 100).unwrap();
    let actions: Vec<_> = changes
        .iter()
        .map(|c| (c.entity.as_str(), c.action.as_str()))
        .collect();
    // One entry per action, however many assets it touched.
    assert_eq!(
        actions,
        [
            ("asset", "rating"),
            ("asset", "tag_add"),
            ("collection", "create"),
            ("asset", "rename")
        ]
    );
    let mut rated = changes[0].assets.clone();
    rated.sort();
    let mut both = a.clone();
    both.sort();
    assert_eq!(rated, both);
    assert_eq!(
        changes[0].before,
        Some(serde_json::json!({ "rating": { a[0].to_string(): 0, a[1].to_string(): 0 } }))
    );
    assert_eq!(changes[0].after, Some(serde_json::json!({ "rating": 4 })));
    assert!(changes[0].actor.is_some());
    // Tagging names the tag by its public id, and the asset it touched.
    assert!(changes[1].entity_id.is_some());
    assert_eq!(changes[1].assets, vec![a[0]]);
    // Public ids only: a collection's brand is its UUID, never a row number.
    let brand = changes[2].after.as_ref().unwrap()["brand"].as_str().unwrap();
    assert!(brand.parse::<uuid::Uuid>().is_ok(), "{brand}");
    assert_eq!(
        changes[3].after,
        Some(serde_json::json!({ "name": "renamed.jpg" }))
    );
    assert_eq!(changes[3].entity_id.as_deref(), Some(a[0].to_string().as_str()));
    // A refused change writes nothing.
    let refused = t.lib.as_owner().rename_asset(a[0], "bad/name.jpg");
    assert!(refused.is_err());
    assert_eq!(t.lib.changes_since(changes[3].seq, 100).unwrap().len(), 0);
}

#[test]
fn the_outbox_fills_with_the_journal_only_once_bound_to_a_studio() {
    let t = TestLibrary::new();
    let in_place = ImportOptions {
        mode: Some(ImportMode::InPlace),
        ..Default::default()
    };
    let a = t.photos("a", 3, &in_place);
    t.lib.as_owner().rate(&ids(&a), Rating::new(2).unwrap()).unwrap();
    let side = || atelier_catalog::Catalog::open(&t.lib.layout().catalog()).unwrap();
    // Standalone, nothing is queued.
    assert_eq!(side().outbox_len().unwrap(), 0);

    side()
        .write(|tx| {
            tx.bind_studio(
                "https://studio.example",
                <atelier_domain::ids::UserId as atelier_domain::Id>::new_v7(),
                &[7; 16],
                0,
            )
        })
        .unwrap();
    t.lib.as_owner().rate(&ids(&a), Rating::new(5).unwrap()).unwrap();
    t.lib
        .as_owner()
        .tag_add(&ids(&a), &["x".into(), "y".into()])
        .unwrap();
    // One entry per action (one rating, one per tag), queued in the change's transaction.
    assert_eq!(side().outbox_len().unwrap(), 3);
    // A refused change queues nothing.
    assert!(t.lib.as_owner().rename_asset(a[0], "bad/name.jpg").is_err());
    assert_eq!(side().outbox_len().unwrap(), 3);
    // Where this machine keeps its files is its own business: journaled, never queued.
    let file = t.lib.as_owner().show(a[0]).unwrap().path;
    std::fs::remove_file(&file).unwrap();
    let before = t.lib.changes_since(0, 100_000).unwrap().len();
    t.lib
        .reconcile(&atelier_library::CancelToken::new(), &None)
        .unwrap();
    let after = t.lib.changes_since(0, 100_000).unwrap();
    assert!(after.len() > before, "the missing file is journaled");
    assert_eq!(after.last().unwrap().action.as_str(), "presence");
    assert_eq!(side().outbox_len().unwrap(), 3);
}

#[test]
fn a_projects_settings_shape_what_is_imported_into_it() {
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    t.lib
        .as_owner()
        .project_create("Studio", None, Some("Acme"))
        .unwrap();
    let s = ProjectSettings {
        import_mode: Some(ImportMode::Copy),
        rename_template: Some("studio/{seq:03}.{ext}".into()),
        default_tags: Some(vec!["studio".into()]),
        ..Default::default()
    };
    t.lib.as_owner().project_settings("Studio", &s).unwrap();
    let a = t.photos(
        "s",
        2,
        &ImportOptions {
            project: Some("Studio".into()),
            tags: vec!["day1".into()],
            ..Default::default()
        },
    );
    let d = t.lib.as_owner().show(a[0]).unwrap();
    assert_eq!(
        (d.summary.brand.as_str(), d.summary.project.as_str()),
        ("Acme", "Studio")
    );
    assert!(d.managed, "the project copies");
    assert!(
        d.path.to_string_lossy().contains("/originals/studio/"),
        "{}",
        d.path.display()
    );
    assert_eq!(d.summary.tags, ["day1", "studio"]);
    // In place when asked explicitly.
    let b = t.photos(
        "p",
        1,
        &ImportOptions {
            project: Some("Studio".into()),
            mode: Some(ImportMode::InPlace),
            ..Default::default()
        },
    );
    assert!(!t.lib.as_owner().show(b[0]).unwrap().managed);

    // Importing onto a brand needs the right to upload there.
    t.lib
        .as_owner()
        .brand_member("Acme", "vic", Some(BrandRole::Viewer))
        .unwrap();
    let vic = t.lib.as_user("vic").unwrap();
    t.write("v/v.jpg", &common::jpeg(20, 20, 99));
    let err = vic
        .import(
            &[t.input().join("v")],
            &in_brand("Acme"),
            &atelier_library::CancelToken::new(),
            &None,
        )
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    let err = vic
        .import(
            &[t.input().join("v")],
            &in_brand("NewBrand"),
            &atelier_library::CancelToken::new(),
            &None,
        )
        .unwrap_err();
    assert_eq!(err.code(), "brand_not_found", "members don't create brands");
    let own = vic
        .import(
            &[t.input().join("v")],
            &ImportOptions::default(),
            &atelier_library::CancelToken::new(),
            &None,
        )
        .unwrap();
    assert_eq!(own.imported.len(), 1);
    assert_eq!(
        vic.show(own.imported[0].id).unwrap().detail.summary.brand,
        "Personal",
        "vic's own Personal brand"
    );
}

#[test]
fn a_refused_import_leaves_no_project_or_brand_behind() {
    // Issue 10 item 3: the project was created before the brand and Upload checks, so a refused
    // import still left an empty project (and, for an Admin refused elsewhere, a brand).
    let t = TestLibrary::new();
    t.lib.as_owner().brand_create("Acme").unwrap();
    t.lib
        .as_owner()
        .brand_member("Acme", "vic", Some(BrandRole::Viewer))
        .unwrap();
    let vic = t.lib.as_user("vic").unwrap();
    t.write("v/v.jpg", &common::jpeg(20, 20, 98));
    let into = |project: &str, brand: &str| ImportOptions {
        project: Some(project.into()),
        brand: Some(brand.into()),
        ..Default::default()
    };
    let cancel = atelier_library::CancelToken::new();
    let refused = vic.import(&[t.input().join("v")], &into("Shoot A", "Acme"), &cancel, &None);
    assert_eq!(refused.unwrap_err().code(), "forbidden");
    let refused = vic.import(
        &[t.input().join("v")],
        &into("Shoot B", "NewBrand"),
        &cancel,
        &None,
    );
    assert_eq!(refused.unwrap_err().code(), "brand_not_found");
    let projects: Vec<String> = vic.project_list().unwrap().into_iter().map(|p| p.name).collect();
    assert!(
        !projects.iter().any(|p| p.starts_with("Shoot")),
        "no project made by a refused import: {projects:?}"
    );
    let brands: Vec<String> = t
        .lib
        .as_owner()
        .brand_list()
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert!(!brands.contains(&"NewBrand".to_string()), "{brands:?}");

    // The owner may create brands on the way; the new brand's first Manager is its creator.
    let made = t
        .lib
        .as_owner()
        .import(&[t.input().join("v")], &into("Shoot C", "Fresh"), &cancel, &None)
        .unwrap();
    assert_eq!(made.imported.len(), 1);
    let fresh = t.lib.as_owner().brand("Fresh").unwrap();
    assert_eq!(fresh.members.len(), 1);
    assert_eq!(fresh.members[0].role, BrandRole::Manager);
}
