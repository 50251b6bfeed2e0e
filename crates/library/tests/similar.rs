//! Find similar and near-duplicates (R13) on real photos from the corpus, edited here in ways
//! the signatures never saw: a half-size re-encode and a mirror image.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

mod common;

use std::path::{Path, PathBuf};

use atelier_domain::{AssetId, AssetQuery, Rating};
use atelier_library::{Dispose, ImportMode, ImportOptions, Library, Selection};
use common::TestLibrary;

const PHOTOS: [&str; 4] = [
    "Nikon_D90__DSC_0001.JPG",
    "Canon_PowerShot_G2__IMG_0301.JPG",
    "Kodak_DC260__P0004796.JPG",
    "Olympus_C-5050__PB180004.JPG",
];

fn corpus_photos() -> Option<PathBuf> {
    let dir = std::env::var_os("ATELIER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(
                &std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
            )
            .join("../../../shared/corpus")
        })
        .join("photos/digicam");
    if dir.join(PHOTOS[0]).is_file() {
        Some(dir)
    } else {
        eprintln!(
            "corpus not found at {} (set ATELIER_CORPUS): skipping",
            dir.display()
        );
        None
    }
}

fn options(project: &str) -> ImportOptions {
    ImportOptions {
        mode: Some(ImportMode::InPlace),
        project: Some(project.into()),
        ..Default::default()
    }
}

/// The four photos in project "Shoot", and a half-size re-encode and a mirror image of the
/// first in project "Edits"; returns (original, half, mirror).
fn seed(t: &TestLibrary, corpus: &Path) -> (AssetId, AssetId, AssetId) {
    let shoot = t.input().join("shoot");
    let edits = t.input().join("edits");
    std::fs::create_dir_all(&shoot).unwrap();
    std::fs::create_dir_all(&edits).unwrap();
    for p in PHOTOS {
        std::fs::copy(corpus.join(p), shoot.join(p)).unwrap();
    }
    let img = image::open(corpus.join(PHOTOS[0])).unwrap().into_rgb8();
    let half = image::imageops::resize(
        &img,
        img.width() / 2,
        img.height() / 2,
        image::imageops::FilterType::Triangle,
    );
    half.save(edits.join("half.jpg")).unwrap();
    image::imageops::flip_horizontal(&img)
        .save(edits.join("mirror.jpg"))
        .unwrap();
    let r = t
        .lib
        .as_owner()
        .import(&[shoot], &options("Shoot"), &Default::default(), &None)
        .unwrap();
    assert_eq!(r.imported.len(), 4, "{r:?}");
    let original = r
        .imported
        .iter()
        .find(|f| f.path.ends_with(PHOTOS[0]))
        .unwrap()
        .id;
    let r = t
        .lib
        .as_owner()
        .import(&[edits], &options("Edits"), &Default::default(), &None)
        .unwrap();
    let id = |n: &str| r.imported.iter().find(|f| f.path.ends_with(n)).unwrap().id;
    (original, id("half.jpg"), id("mirror.jpg"))
}

#[test]
fn find_similar_ranks_the_edits_first_within_the_scope() {
    let Some(corpus) = corpus_photos() else { return };
    let t = TestLibrary::new();
    let (original, half, mirror) = seed(&t, &corpus);

    let page = t
        .lib
        .as_owner()
        .similar(original, &AssetQuery::default(), 10)
        .unwrap();
    assert!(page.indexed);
    assert_eq!(page.items.len(), 5, "everything else, the asset itself left out");
    let first: Vec<AssetId> = page.items[..2].iter().map(|i| i.asset.id).collect();
    assert!(
        first.contains(&half) && first.contains(&mirror),
        "{:?}",
        page.items
    );
    assert!(page.items[0].distance < 0.15, "{}", page.items[0].distance);
    assert!(page.items[2].distance > page.items[1].distance);
    // The cue: a resize and a mirror are the same picture; the cue never improves down the list.
    use atelier_domain::similarity::Closeness;
    assert_eq!(
        (page.items[0].closeness, page.items[1].closeness),
        (Closeness::Same, Closeness::Same)
    );
    assert!(page.items.windows(2).all(|w| w[0].closeness <= w[1].closeness));

    // From the edit, the original comes first; within Shoot only, the edits are out of scope.
    let page = t.lib.as_owner().similar(half, &AssetQuery::default(), 1).unwrap();
    assert_eq!(page.items[0].asset.id, original);
    let shoot = AssetQuery {
        project: Some("Shoot".into()),
        ..AssetQuery::default()
    };
    let page = t.lib.as_owner().similar(original, &shoot, 10).unwrap();
    assert_eq!(page.items.len(), 3);
    assert!(page.items.iter().all(|i| i.asset.project == "Shoot"));

    let e = t
        .lib
        .as_owner()
        .similar(original, &AssetQuery::default(), 0)
        .unwrap_err();
    assert!(e.to_string().contains("between 1 and 500"), "{e}");
}

#[test]
fn duplicates_group_the_re_encode_and_merging_keeps_the_original() {
    let Some(corpus) = corpus_photos() else { return };
    let t = TestLibrary::new();
    let (original, half, mirror) = seed(&t, &corpus);

    let r = t
        .lib
        .as_owner()
        .duplicates(&AssetQuery::default(), false)
        .unwrap();
    assert_eq!(r.groups.len(), 1, "{r:?}");
    let g = &r.groups[0];
    assert_eq!(g.keep, original, "most pixels is kept by default");
    let members: Vec<AssetId> = g.items.iter().map(|i| i.asset.id).collect();
    assert_eq!(
        members,
        vec![original, half],
        "a mirror image is similar, not a duplicate"
    );

    t.lib
        .as_owner()
        .tag_add(&Selection::Ids(vec![half]), &["client-pick".into()])
        .unwrap();
    t.lib
        .as_owner()
        .rate(&Selection::Ids(vec![half]), Rating::new(4).unwrap())
        .unwrap();
    let e = t
        .lib
        .as_owner()
        .merge_duplicates(original, &[original], Dispose::Delete)
        .unwrap_err();
    assert!(e.to_string().contains("can't also be one of those merged"), "{e}");

    let m = t
        .lib
        .as_owner()
        .merge_duplicates(original, &[half], Dispose::Delete)
        .unwrap();
    assert_eq!(m.tags_added, vec!["client-pick".to_string()]);
    assert_eq!(m.rating, Some(Rating::new(4).unwrap()));
    assert_eq!(m.disposed.succeeded, vec![half]);
    let kept = t.lib.as_owner().show(original).unwrap();
    assert!(kept.summary.tags.contains(&"client-pick".to_string()));
    assert_eq!(kept.summary.rating.stars(), 4);
    assert!(
        t.lib.as_owner().show(half).unwrap().detail.summary.trashed,
        "the copy was deleted (to the Trash), as asked"
    );
    assert!(
        t.lib
            .as_owner()
            .duplicates(&AssetQuery::default(), false)
            .unwrap()
            .groups
            .is_empty()
    );

    // Stacking instead: the mirror goes under the original, nothing is deleted.
    let m = t
        .lib
        .as_owner()
        .merge_duplicates(original, &[mirror], Dispose::Stack)
        .unwrap();
    assert_eq!(m.disposed.failed, vec![]);
    assert_eq!(t.lib.as_owner().show(original).unwrap().detail.stack.len(), 2);
    assert!(t.lib.as_owner().show(mirror).is_ok());
    t.assert_consistent();
}

#[test]
fn assets_without_a_signature_are_still_indexing_until_analysed() {
    let Some(corpus) = corpus_photos() else { return };
    let t = TestLibrary::new();
    let (original, half, _) = seed(&t, &corpus);
    // As if cataloged before signatures existed.
    {
        let mut catalog = atelier_catalog::Catalog::open(&t.lib.layout().catalog()).unwrap();
        let seqs: Vec<i64> = catalog
            .seqs_of(&[original, half])
            .unwrap()
            .into_iter()
            .flatten()
            .collect();
        catalog
            .write(|tx| seqs.iter().try_for_each(|s| tx.clear_signature(*s)))
            .unwrap();
    }
    let lib = Library::open(t.lib.layout().root()).unwrap();
    let page = lib
        .as_owner()
        .similar(original, &AssetQuery::default(), 10)
        .unwrap();
    assert!(!page.indexed, "still indexing");
    assert!(page.items.is_empty());
    let dupes = lib.as_owner().duplicates(&AssetQuery::default(), false).unwrap();
    assert_eq!(dupes.unindexed, 2);

    let r = lib.index_signatures(&Default::default(), &None).unwrap();
    assert_eq!(r.analysed, 2, "{r:?}");
    let page = lib
        .as_owner()
        .similar(original, &AssetQuery::default(), 1)
        .unwrap();
    assert!(page.indexed);
    assert_eq!(page.items[0].asset.id, half);
    assert_eq!(
        lib.index_signatures(&Default::default(), &None).unwrap().analysed,
        0
    );
}

#[test]
fn a_video_is_found_by_its_poster_frame() {
    let Some(corpus) = corpus_photos() else { return };
    let clip = corpus.join("../../video/real/Canon_PowerShot_S40__MVI_0120.AVI");
    let t = TestLibrary::new();
    let dir = t.input().join("clips");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&clip, dir.join("MVI_0120.AVI")).unwrap();
    for p in PHOTOS {
        std::fs::copy(corpus.join(p), dir.join(p)).unwrap();
    }
    // A still of the same scene, taken by ffmpeg a little after the poster frame (1 s in).
    let still = dir.join("still.jpg");
    let made = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-y", "-ss", "1.5", "-i"])
        .arg(&clip)
        .args(["-frames:v", "1", "-q:v", "3"])
        .arg(&still)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("ffmpeg is not installed: skipping");
        return;
    }
    let r = t
        .lib
        .as_owner()
        .import(&[dir], &options("Clips"), &Default::default(), &None)
        .unwrap();
    let id = |n: &str| r.imported.iter().find(|f| f.path.ends_with(n)).unwrap().id;
    let page = t
        .lib
        .as_owner()
        .similar(id("MVI_0120.AVI"), &AssetQuery::default(), 3)
        .unwrap();
    assert!(page.indexed, "the poster frame was analysed");
    assert_eq!(page.items[0].asset.id, id("still.jpg"), "{:?}", page.items);
}

#[test]
fn two_frames_of_a_burst_are_similar_not_duplicates() {
    let Some(corpus) = corpus_photos() else { return };
    // Shot 0.118 s apart within one second; every signature calls them the same picture.
    let t = TestLibrary::new();
    let dir = t.input().join("burst");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["Apple_iPhone_XR__IMG_3580.JPG", "Apple_iPhone_XR__IMG_3581.JPG"] {
        std::fs::copy(corpus.join(f), dir.join(f)).unwrap();
    }
    let r = t
        .lib
        .as_owner()
        .import(&[dir], &options("Burst"), &Default::default(), &None)
        .unwrap();
    assert_eq!(r.imported.len(), 2);
    let times: Vec<Option<String>> = r
        .imported
        .iter()
        .map(|f| t.lib.as_owner().show(f.id).unwrap().detail.summary.captured_at)
        .collect();
    assert_ne!(times[0], times[1], "sub-seconds kept: {times:?}");
    let d = t
        .lib
        .as_owner()
        .duplicates(&AssetQuery::default(), false)
        .unwrap();
    assert!(d.groups.is_empty(), "{d:?}");
    assert_eq!(d.bursts, 1);
    let d = t.lib.as_owner().duplicates(&AssetQuery::default(), true).unwrap();
    assert_eq!(d.groups.len(), 1, "asked for: bursts count too");
    let page = t
        .lib
        .as_owner()
        .similar(r.imported[0].id, &AssetQuery::default(), 1)
        .unwrap();
    assert_eq!(page.items[0].asset.id, r.imported[1].id, "similar, closest");
}
