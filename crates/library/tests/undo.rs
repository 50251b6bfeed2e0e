//! Undo and Redo of organising actions (issue 14, defect 9) on a real library: each action's
//! report names the journal entries it wrote; undoing them puts every asset back as it was
//! before — its own value, not a common one — leaves alone what changed since, refuses what
//! isn't the actor's or was already undone, and keeps postings true.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use atelier_domain::{AssetId, AssetQuery, BrandRole, Flag, Label, Rating, ReviewAction, Status};
use atelier_library::{ImportOptions, MoveTarget};
use common::{TestLibrary, ids};

fn in_brand(brand: &str) -> ImportOptions {
    ImportOptions {
        brand: Some(brand.into()),
        ..Default::default()
    }
}

fn summary(t: &TestLibrary, id: AssetId) -> atelier_protocol::AssetSummary {
    t.lib.as_owner().show(id).unwrap().detail.summary
}

fn ratings(t: &TestLibrary, a: &[AssetId]) -> Vec<u8> {
    a.iter().map(|id| summary(t, *id).rating.stars()).collect()
}

fn stars(n: u8) -> Rating {
    Rating::new(n).unwrap()
}

#[test]
fn a_bulk_rating_is_undone_to_each_assets_own_rating_and_redone() {
    let t = TestLibrary::new();
    let a = t.photos("r", 8, &ImportOptions::default());
    let me = t.lib.as_owner();
    me.rate(&ids(&a[..2]), stars(1)).unwrap();
    me.rate(&ids(&a[2..3]), stars(5)).unwrap();
    let before = ratings(&t, &a);
    assert_eq!(before, [1, 1, 5, 0, 0, 0, 0, 0]);

    // Pressing 3 on eight selected cards.
    let r = me.rate(&ids(&a), stars(3)).unwrap();
    assert_eq!(ratings(&t, &a), [3; 8]);
    assert!(!r.undo.is_empty(), "the report names what to undo");

    let undone = me.undo(&r.undo).unwrap();
    assert_eq!(ratings(&t, &a), before, "each back to its own rating");
    assert_eq!(undone.assets.succeeded.len(), 8);
    assert!(undone.notes.is_empty(), "{:?}", undone.notes);
    t.assert_consistent();

    // Twice (the toast's Undo and Ctrl+Z): refused, nothing changes.
    let again = me.undo(&r.undo).unwrap_err();
    assert_eq!(again.code(), "already_undone");
    assert_eq!(ratings(&t, &a), before);

    // Redo: undoing the undo.
    me.undo(&undone.assets.undo).unwrap();
    assert_eq!(ratings(&t, &a), [3; 8]);
    t.assert_consistent();
}

#[test]
fn a_colour_label_is_undone_too() {
    let t = TestLibrary::new();
    let a = t.photos("l", 3, &ImportOptions::default());
    let me = t.lib.as_owner();
    me.label(&ids(&a[..1]), Label::Blue).unwrap();
    let r = me.label(&ids(&a), Label::Red).unwrap();
    me.undo(&r.undo).unwrap();
    let labels: Vec<Label> = a.iter().map(|id| summary(&t, *id).label).collect();
    assert_eq!(labels, [Label::Blue, Label::None, Label::None]);
    t.assert_consistent();
}

#[test]
fn what_changed_since_is_left_as_it_is_and_reported() {
    let t = TestLibrary::new();
    let a = t.photos("c", 4, &ImportOptions::default());
    let me = t.lib.as_owner();
    let r = me.flag(&ids(&a), Flag::Pick).unwrap();
    me.flag(&ids(&a[..1]), Flag::Reject).unwrap();
    let u = me.undo(&r.undo).unwrap();
    assert_eq!(summary(&t, a[0]).flag, Flag::Reject, "changed since: kept");
    for id in &a[1..] {
        assert_eq!(summary(&t, *id).flag, Flag::None);
    }
    assert_eq!(u.assets.skipped.len(), 1);
    assert_eq!(u.assets.skipped[0].id, a[0]);
    assert_eq!(u.assets.skipped[0].code.to_string(), "changed_since");
    assert!(
        u.assets.skipped[0].message.contains("reject"),
        "{}",
        u.assets.skipped[0].message
    );
}

#[test]
fn tags_collections_campaigns_and_the_trash_are_undone_exactly() {
    let t = TestLibrary::new();
    let me = t.lib.as_owner();
    me.brand_create("Acme").unwrap();
    let a = t.photos("t", 4, &in_brand("Acme"));
    // One asset already carries the tag and is already filed: undo must not take those away.
    me.tag_add(&ids(&a[..1]), &["sunset".into()]).unwrap();
    me.collection_create("Shoots/June", "Acme").unwrap();
    me.collection_add("Shoots/June", &ids(&a[..1]), None).unwrap();
    me.campaign_create("Spring", "Acme", None).unwrap();

    let tag = me.tag_add(&ids(&a), &["sunset".into(), "beach".into()]).unwrap();
    let filed = me.collection_add("Shoots/June", &ids(&a), None).unwrap();
    let campaign = me.campaign_add("Spring", &ids(&a[1..]), "Acme").unwrap();
    let count = |q: AssetQuery| t.count(q);
    let tagged = |tag: &str| {
        count(AssetQuery {
            tags: vec![tag.into()],
            ..Default::default()
        })
    };
    assert_eq!((tagged("sunset"), tagged("beach")), (4, 4));

    me.undo(&campaign.undo).unwrap();
    me.undo(&filed.undo).unwrap();
    me.undo(&tag.undo).unwrap();
    assert_eq!(
        (tagged("sunset"), tagged("beach")),
        (1, 0),
        "the tag it had before stays"
    );
    let tree = me.collection_list("Acme").unwrap();
    let june = tree.iter().find(|c| c.path == "Shoots/June").unwrap();
    assert_eq!(june.count, 1, "the asset filed before stays filed");
    let campaigns = me.campaign_list(Some("Acme")).unwrap();
    assert_eq!(campaigns.iter().find(|c| c.name == "Spring").unwrap().count, 0);
    t.assert_consistent();

    // A delete is undone from the Trash, with everything it had.
    let deleted = me.delete(&ids(&a[..2])).unwrap();
    assert_eq!(t.count(AssetQuery::default()), 2);
    me.undo(&deleted.undo).unwrap();
    assert_eq!(t.count(AssetQuery::default()), 4);
    assert_eq!(tagged("sunset"), 1);
    t.assert_consistent();
}

#[test]
fn a_brand_move_is_undone_with_its_collections_campaigns_and_review() {
    let t = TestLibrary::new();
    let me = t.lib.as_owner();
    me.brand_create("Acme").unwrap();
    me.brand_create("Globex").unwrap();
    let a = t.photos("m", 3, &in_brand("Acme"));
    me.collection_create("Shoots", "Acme").unwrap();
    me.collection_add("Shoots", &ids(&a), None).unwrap();
    me.campaign_create("Spring", "Acme", None).unwrap();
    me.campaign_add("Spring", &ids(&a[..2]), "Acme").unwrap();
    me.review(&ids(&a[..1]), ReviewAction::Submit, None).unwrap();
    assert_eq!(summary(&t, a[0]).status, Status::InReview);

    let moved = me
        .move_assets(&ids(&a), &MoveTarget::Brand("Globex".into()))
        .unwrap();
    assert_eq!(moved.failed.len(), 0, "{:?}", moved.failed);
    assert_eq!(
        summary(&t, a[0]).status,
        Status::Draft,
        "a move resets the review"
    );

    let u = me.undo(&moved.undo).unwrap();
    assert!(u.assets.failed.is_empty(), "{:?}", u.assets.failed);
    for id in &a {
        assert_eq!(summary(&t, *id).brand, "Acme");
    }
    assert_eq!(summary(&t, a[0]).status, Status::InReview, "back in review");
    let shoots = me.collection_list("Acme").unwrap();
    assert_eq!(shoots.iter().find(|c| c.path == "Shoots").unwrap().count, 3);
    let spring = me.campaign_list(Some("Acme")).unwrap();
    assert_eq!(spring.iter().find(|c| c.name == "Spring").unwrap().count, 2);
    t.assert_consistent();
}

#[test]
fn a_stack_rated_as_one_goes_back_member_by_member() {
    let t = TestLibrary::new();
    let a = t.photos("s", 2, &ImportOptions::default());
    let me = t.lib.as_owner();
    me.rate(&ids(&a[..1]), stars(2)).unwrap();
    me.rate(&ids(&a[1..]), stars(4)).unwrap();
    me.stack(&a, Some(a[0])).unwrap();
    let r = me.rate(&ids(&a[..1]), stars(5)).unwrap();
    assert_eq!(ratings(&t, &a), [5, 5], "the stack rates as one");
    me.undo(&r.undo).unwrap();
    assert_eq!(ratings(&t, &a), [2, 4]);
}

#[test]
fn only_ones_own_changes_can_be_undone_and_bad_spans_change_nothing() {
    let t = TestLibrary::new();
    let owner = t.lib.as_owner();
    owner.brand_create("Acme").unwrap();
    let a = t.photos("o", 2, &in_brand("Acme"));
    t.share("Inbox");
    owner
        .brand_member("Acme", "bob", Some(BrandRole::Manager))
        .unwrap();
    let r = owner.rate(&ids(&a), stars(4)).unwrap();

    let bob = t.lib.as_user("bob").unwrap();
    assert_eq!(bob.undo(&r.undo).unwrap_err().code(), "forbidden");
    assert_eq!(ratings(&t, &a), [4, 4]);

    use atelier_protocol::JournalSpan;
    let bad = [
        vec![],
        vec![JournalSpan { first: 0, last: 3 }],
        vec![JournalSpan { first: 9, last: 2 }],
        vec![JournalSpan {
            first: 1_000_000,
            last: 1_000_001,
        }],
    ];
    for spans in bad {
        let e = owner.undo(&spans).unwrap_err();
        assert_eq!(e.code(), "nothing_to_undo", "{spans:?}: {e}");
    }
    assert_eq!(ratings(&t, &a), [4, 4]);
}
