//! Reads are scoped (issue 10): two people in one library — the Owner and a brand member — with
//! projects and brands of the same names never see each other's Personal-brand or
//! private-project assets, through any read path: search, counts, show, media, export,
//! similar, duplicates, models, and names in filters.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use atelier_domain::{AssetId, AssetQuery, BrandRole, Rating};
use atelier_library::{Acting, CancelToken, Existing, ImportMode, ImportOptions, Selection};
use common::{TestLibrary, jpeg};

/// The same picture with other bytes (a junk byte after the image): a duplicate by content
/// that isn't the same file.
fn twin(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out.push(0);
    out
}

fn import(who: &Acting<'_>, t: &TestLibrary, folder: &str, project: &str, brand: Option<&str>) -> AssetId {
    let r = who
        .import(
            &[t.input().join(folder)],
            &ImportOptions {
                mode: Some(ImportMode::InPlace),
                project: Some(project.into()),
                brand: brand.map(str::to_string),
                ..Default::default()
            },
            &CancelToken::new(),
            &None,
        )
        .unwrap();
    assert_eq!(r.imported.len(), 1, "{r:?}");
    r.imported[0].id
}

fn ids_of(who: &Acting<'_>, q: AssetQuery) -> Vec<AssetId> {
    let mut v: Vec<AssetId> = who.search(&q).unwrap().items.iter().map(|a| a.id).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<AssetId>) -> Vec<AssetId> {
    v.sort();
    v
}

#[test]
fn two_people_with_the_same_names_never_see_each_others_private_work() {
    let t = TestLibrary::new();
    let owner = t.lib.as_owner();
    owner.brand_create("Acme").unwrap();
    owner
        .brand_member("Acme", "bob", Some(BrandRole::Creator))
        .unwrap();
    let bob = t.lib.as_user("bob").unwrap();

    let picture = jpeg(96, 64, 42);
    t.write("o-personal/a.jpg", &jpeg(96, 64, 1));
    t.write("o-shoot/b.jpg", &picture);
    t.write("b-personal/c.jpg", &jpeg(96, 64, 3));
    t.write("b-shoot/d.jpg", &twin(&picture));
    // Same project and brand names on both sides: "Inbox", "Shoot", "Personal", "Acme".
    let a = import(&owner, &t, "o-personal", "Inbox", None);
    let b = import(&owner, &t, "o-shoot", "Shoot", Some("Acme"));
    let c = import(&bob, &t, "b-personal", "Inbox", None);
    let d = import(&bob, &t, "b-shoot", "Shoot", Some("Acme"));

    for (who, mine, theirs) in [(&owner, [a, b], [c, d]), (&bob, [c, d], [a, b])] {
        // Search and counts.
        assert_eq!(ids_of(who, AssetQuery::default()), sorted(mine.to_vec()));
        assert_eq!(who.bucket_counts(None).unwrap().all, 2);
        assert_eq!(who.bucket_counts(Some("Personal")).unwrap().all, 1);
        assert_eq!(who.bucket_counts(Some("Acme")).unwrap().all, 1);
        // Names resolve within what one may see.
        let personal = AssetQuery {
            brand: Some("Personal".into()),
            ..Default::default()
        };
        assert_eq!(ids_of(who, personal), [mine[0]]);
        let shoot = AssetQuery {
            project: Some("Shoot".into()),
            ..Default::default()
        };
        assert_eq!(ids_of(who, shoot), [mine[1]]);
        let text = AssetQuery {
            text: Some("jpg".into()),
            ..Default::default()
        };
        assert_eq!(ids_of(who, text), sorted(mine.to_vec()));

        for other in theirs {
            // Show and media: not there, as if it never existed.
            assert_eq!(who.show(other).unwrap_err().code(), "not_found");
            assert_eq!(who.original_path(other).unwrap_err().code(), "not_found");
            assert_eq!(who.preview(other).unwrap_err().code(), "not_found");
            assert_eq!(who.review_log(other).unwrap_err().code(), "not_found");
            assert_eq!(
                who.similar(other, &AssetQuery::default(), 10).unwrap_err().code(),
                "not_found"
            );
            // Nor can it be changed: the refusal says whose it is, nothing more.
            let r = who
                .rate(&Selection::Ids(vec![other]), Rating::new(5).unwrap())
                .unwrap();
            assert!(r.succeeded.is_empty(), "{r:?}");
            let expected = if other == theirs[0] {
                "private_brand"
            } else {
                "private_project"
            };
            assert_eq!(r.failed[0].code, expected, "{r:?}");
            assert_eq!(who.rename_asset(other, "mine now").unwrap_err().code(), expected);
            assert_eq!(who.fork(other).unwrap_err().code(), expected);
        }
        // Export: by id refused per asset, by query only one's own.
        let out = t.dir.path().join("x.zip");
        let _ = std::fs::remove_file(&out);
        let e = who
            .export_zip(
                &Selection::Ids(theirs.to_vec()),
                &out,
                Existing::Refuse,
                &CancelToken::new(),
            )
            .unwrap();
        assert!(e.written.is_empty(), "{e:?}");
        let _ = std::fs::remove_file(&out);
        let e = who
            .export_zip(
                &Selection::Query(Box::default()),
                &out,
                Existing::Refuse,
                &CancelToken::new(),
            )
            .unwrap();
        assert_eq!(e.written.len(), 2, "{e:?}");
        // Similar and duplicates: the other's twin of B/D is never offered.
        let near = who.similar(mine[1], &AssetQuery::default(), 10).unwrap();
        assert!(near.items.iter().all(|i| mine.contains(&i.asset.id)), "{near:?}");
        let dups = who.duplicates(&AssetQuery::default(), true).unwrap();
        assert!(
            dups.groups
                .iter()
                .flat_map(|g| &g.items)
                .all(|i| mine.contains(&i.asset.id)),
            "{dups:?}"
        );
    }
    // A twin of B the owner may see is found; bob's twin D never is.
    t.write("o-twin/e.jpg", &twin(&twin(&picture)));
    let e = import(&owner, &t, "o-twin", "Inbox", None);
    let dups = owner.duplicates(&AssetQuery::default(), true).unwrap();
    let grouped: Vec<Vec<AssetId>> = dups
        .groups
        .iter()
        .map(|g| sorted(g.items.iter().map(|i| i.asset.id).collect()))
        .collect();
    assert_eq!(grouped, [sorted(vec![b, e])]);
    let near = owner.similar(b, &AssetQuery::default(), 10).unwrap();
    assert_eq!(near.items[0].asset.id, e);
    assert!(near.items.iter().all(|i| i.asset.id != d));

    // Selections by filter never reach the other's assets either.
    let r = owner
        .rate(&Selection::Query(Box::default()), Rating::new(2).unwrap())
        .unwrap();
    assert_eq!(r.requested, 3);
    assert_eq!(bob.show(c).unwrap().detail.summary.rating.stars(), 0);
    t.assert_consistent();
}
