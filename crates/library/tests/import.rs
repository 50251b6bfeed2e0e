//! Import into a real library folder: real files on disk, a real SQLite catalog.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::fs;
use std::path::{Path, PathBuf};

use atelier_domain::{AssetQuery, Source};
use atelier_library::{CancelToken, Existing, ImportMode, ImportOptions, Library, Selection};
use image::RgbImage;

mod common;

use common::{TestLibrary, jpeg};

/// Inserts an APP1 segment right after SOI.
fn with_app1(jpeg: &[u8], payload: &[u8]) -> Vec<u8> {
    let len = (payload.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(len.to_be_bytes());
    out.extend(payload);
    out.extend(&jpeg[2..]);
    out
}

/// Minimal EXIF with IFD0 Orientation.
fn exif_orientation(o: u16) -> Vec<u8> {
    let mut e = b"Exif\0\0II*\0\x08\0\0\0".to_vec();
    e.extend(1u16.to_le_bytes());
    e.extend(0x0112u16.to_le_bytes());
    e.extend(3u16.to_le_bytes());
    e.extend(1u32.to_le_bytes());
    e.extend(o.to_le_bytes());
    e.extend([0, 0]);
    e.extend(0u32.to_le_bytes());
    e
}

fn xmp(keywords: &[&str], rating: u8, title: &str) -> Vec<u8> {
    let items: String = keywords.iter().map(|k| format!("<rdf:li>{k}</rdf:li>")).collect();
    let mut p = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    p.extend(
        format!(
            r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="{rating}">
<dc:subject><rdf:Bag>{items}</rdf:Bag></dc:subject>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
</rdf:Description></rdf:RDF></x:xmpmeta>"#
        )
        .as_bytes(),
    );
    p
}

/// A PNG carrying A1111 parameters in a tEXt chunk.
fn a1111_png(prompt: &str, seed: u8) -> Vec<u8> {
    let img = RgbImage::from_pixel(64, 48, image::Rgb([seed, 40, 90]));
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 64, 48);
        enc.set_color(png::ColorType::Rgb);
        enc.add_text_chunk(
            "parameters".into(),
            format!("{prompt}\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 64x48, Model: dreamshaper_8"),
        )
        .unwrap();
        let mut w = enc.write_header().unwrap();
        w.write_image_data(img.as_raw()).unwrap();
    }
    out
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ATELIER_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(
                &std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()),
            )
            .join("../../../shared/corpus")
        });
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "corpus not found at {} (set ATELIER_CORPUS): skipping",
            dir.display()
        );
        None
    }
}

#[test]
fn import_catalogs_images_with_thumbnails_and_reimport_is_idempotent() {
    let t = TestLibrary::new();
    for i in 0..5 {
        t.write(&format!("shoot/IMG_{i:04}.jpg"), &jpeg(900, 600, i));
    }
    let r = t.import(&ImportOptions::default());
    assert_eq!(
        (r.imported.len(), r.duplicates.len(), r.failed.len()),
        (5, 0, 0),
        "{r:?}"
    );
    for f in &r.imported {
        let d = t.lib.as_owner().show(f.id).unwrap();
        assert_eq!((d.summary.width, d.summary.height), (900, 600));
        assert_eq!(d.summary.source, Source::Imported);
        assert_eq!(d.summary.project, "Inbox");
        assert_eq!(d.summary.brand, "Personal");
        assert_eq!(PathBuf::from(&d.path), f.path);
        let thumb = d.thumbnail.expect("thumbnail exists when import returns");
        let img = image::open(thumb).unwrap();
        assert_eq!((img.width(), img.height()), (400, 267));
    }
    let again = t.import(&ImportOptions::default());
    assert_eq!((again.imported.len(), again.duplicates.len()), (0, 5));
    assert_eq!(t.count(AssetQuery::default()), 5);
}

#[test]
fn same_bytes_twice_in_one_import_make_one_asset() {
    let t = TestLibrary::new();
    let bytes = jpeg(300, 200, 9);
    t.write("a/one.jpg", &bytes);
    t.write("b/two.jpg", &bytes);
    let r = t.import(&ImportOptions::default());
    assert_eq!((r.imported.len(), r.duplicates.len()), (1, 1), "{r:?}");
    assert_eq!(r.duplicates[0].existing, r.imported[0].id);
    assert_eq!(t.count(AssetQuery::default()), 1);
}

#[test]
fn moved_file_with_same_content_is_already_in_library() {
    let t = TestLibrary::new();
    let p = t.write("x.jpg", &jpeg(300, 200, 3));
    t.import(&ImportOptions::default());
    fs::rename(&p, t.input().join("renamed.jpg")).unwrap();
    let r = t.import(&ImportOptions::default());
    assert_eq!((r.imported.len(), r.duplicates.len()), (0, 1));
    assert!(r.duplicates[0].existing_path.ends_with("x.jpg"));
}

#[test]
fn bad_files_are_reported_and_the_rest_is_imported() {
    let t = TestLibrary::new();
    t.write("good.jpg", &jpeg(300, 200, 1));
    let full = jpeg(800, 600, 2);
    t.write("truncated.jpg", &full[..full.len() / 2]);
    t.write("empty.jpg", b"");
    t.write("notes.txt", b"just some text");
    t.write("fake.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRgarbage");
    t.write("camera.NEF", b"II*\0\x08\0\0\0\0\0\0\0");
    t.write("clip.mp4", b"\0\0\0\x18ftypisom\0\0\0\0isomavc1");
    let r = t.import(&ImportOptions::default());
    assert_eq!(r.imported.len(), 1, "{r:?}");
    let reason = |list: &[atelier_library::FileIssue], name: &str| {
        list.iter()
            .find(|i| i.path.ends_with(name))
            .map(|i| i.reason.clone())
            .unwrap_or_else(|| panic!("{name} not listed: {list:?}"))
    };
    assert!(reason(&r.failed, "truncated.jpg").contains("truncated"));
    assert!(reason(&r.failed, "empty.jpg").contains("empty"));
    assert!(reason(&r.failed, "fake.png").contains("PNG"));
    assert!(reason(&r.skipped, "notes.txt").contains("not a supported"));
    assert!(reason(&r.failed, "camera.NEF").contains("truncated Nikon NEF"));
    assert!(reason(&r.failed, "clip.mp4").contains("moov atom, is missing"));
}

#[test]
fn hidden_system_and_library_files_are_never_imported() {
    let t = TestLibrary::new();
    t.write(".hidden.jpg", &jpeg(100, 100, 1));
    t.write(".git/objects/x.jpg", &jpeg(100, 100, 2));
    t.write("@eaDir/thumb.jpg", &jpeg(100, 100, 3));
    t.write("Thumbs.db", b"junk");
    t.write("photo.jpg.xmp", b"<x:xmpmeta/>");
    t.write("real.jpg", &jpeg(100, 100, 4));
    let r = t.import(&ImportOptions::default());
    assert_eq!(r.imported.len(), 1, "{r:?}");
    assert!(r.skipped.is_empty() && r.failed.is_empty(), "{r:?}");
    // Importing the library folder itself (or anything inside it) does nothing.
    let r = t
        .lib
        .as_owner()
        .import(
            &[t.lib.layout().root().to_path_buf()],
            &ImportOptions::default(),
            &CancelToken::new(),
            &None,
        )
        .unwrap();
    assert_eq!(r.imported.len(), 0);
    assert_eq!(t.count(AssetQuery::default()), 1);
}

#[test]
fn metadata_becomes_orientation_tags_rating_and_title() {
    let t = TestLibrary::new();
    let base = jpeg(600, 300, 5);
    let with_exif = with_app1(&base, &exif_orientation(6));
    let with_both = with_app1(&with_exif, &xmp(&["Client/Acme/Summer", "beach"], 4, "Dune walk"));
    t.write("rotated.jpg", &with_both);
    let r = t.import(&ImportOptions {
        tags: vec!["shoot-42".into()],
        ..Default::default()
    });
    let d = t.lib.as_owner().show(r.imported[0].id).unwrap();
    assert_eq!(
        (d.summary.width, d.summary.height),
        (300, 600),
        "the dimensions as displayed: stored 600 × 300, turned a quarter by orientation 6"
    );
    assert_eq!(d.orientation, 6);
    let thumb = image::open(d.thumbnail.as_deref().unwrap()).unwrap();
    assert_eq!(
        (thumb.width(), thumb.height()),
        (200, 400),
        "thumbnail is upright"
    );
    assert_eq!(d.summary.tags, ["beach", "Client/Acme/Summer", "shoot-42"]);
    assert_eq!(d.summary.rating.stars(), 4);
    assert_eq!(d.title.as_deref(), Some("Dune walk"));
    assert_eq!(t.find("dune").len(), 1, "titles are searchable");
    let q = AssetQuery {
        tags: vec!["client".into()],
        ..Default::default()
    };
    assert_eq!(
        t.lib.as_owner().search(&q).unwrap().total,
        1,
        "a parent tag finds its children"
    );
}

#[test]
fn generation_parameters_make_a_generated_asset_with_searchable_prompt() {
    let t = TestLibrary::new();
    t.write("00042-42.png", &a1111_png("a lighthouse on a cliff at dawn", 1));
    let r = t.import(&ImportOptions::default());
    let d = t.lib.as_owner().show(r.imported[0].id).unwrap();
    assert_eq!(d.summary.source, Source::Generated);
    assert_eq!(
        d.summary.prompt.as_deref(),
        Some("a lighthouse on a cliff at dawn")
    );
    let g = d.detail.generation.unwrap();
    assert_eq!(g["negative_prompt"], "blurry");
    assert_eq!(g["model"], "dreamshaper_8");
    assert_eq!(g["seed"], 42);
    assert_eq!(g["steps"], 20);
    assert_eq!(g["cfg"], 7.0);
    assert_eq!(t.find("lighth"), ["00042-42.png"]);
    assert_eq!(t.find("dreamshaper"), ["00042-42.png"], "the model is searchable");
    assert_eq!(
        t.find("blurry"),
        ["00042-42.png"],
        "the negative prompt is searchable"
    );
}

#[test]
fn copy_mode_verifies_renames_and_never_touches_the_source() {
    let t = TestLibrary::new();
    let a = t.write("day/IMG_1.JPG", &jpeg(300, 200, 1));
    let b = t.write("day/IMG_2.JPG", &jpeg(300, 200, 2));
    let before = (
        fs::read(&a).unwrap(),
        fs::metadata(&a).unwrap().modified().unwrap(),
    );
    let options = ImportOptions {
        mode: Some(ImportMode::Copy),
        rename: Some("trip/{seq:03}-{name}.{ext}".into()),
        project: Some("Trip".into()),
        brand: Some("Acme".into()),
        ..Default::default()
    };
    let r = t.import(&options);
    assert_eq!(r.imported.len(), 2, "{r:?}");
    let root = t.lib.layout().root().to_path_buf();
    let mut names = Vec::new();
    for f in &r.imported {
        let d = t.lib.as_owner().show(f.id).unwrap();
        assert!(d.managed);
        assert!(
            d.path.starts_with(root.join("originals/trip")),
            "{}",
            d.path.display()
        );
        assert_eq!(fs::read(&d.path).unwrap(), fs::read(&f.path).unwrap());
        assert_eq!(
            (d.summary.project.as_str(), d.summary.brand.as_str()),
            ("Trip", "Acme")
        );
        names.push(d.detail.summary.name);
    }
    names.sort();
    assert_eq!(
        names,
        ["001-IMG_1.JPG", "002-IMG_2.JPG"],
        "the extensions as the files had them"
    );
    assert_eq!(
        (
            fs::read(&a).unwrap(),
            fs::metadata(&a).unwrap().modified().unwrap()
        ),
        before
    );
    assert!(b.exists());
    // Copying again finds the content already there.
    let again = t.import(&options);
    assert_eq!((again.imported.len(), again.duplicates.len()), (0, 2));
}

#[test]
fn bad_import_input_is_refused_before_anything_changes() {
    let t = TestLibrary::new();
    t.write("a.jpg", &jpeg(100, 100, 1));
    let missing = t.input().join("nope");
    let err = t
        .lib
        .as_owner()
        .import(
            &[t.input(), missing],
            &ImportOptions::default(),
            &CancelToken::new(),
            &None,
        )
        .unwrap_err();
    assert_eq!(err.code(), "path_not_found");
    let err = t
        .lib
        .as_owner()
        .import(
            &[t.input()],
            &ImportOptions {
                rename: Some("{name}".into()),
                ..Default::default()
            },
            &CancelToken::new(),
            &None,
        )
        .unwrap_err();
    assert_eq!(err.code(), "rename_needs_copy");
    let bad_template = ImportOptions {
        mode: Some(ImportMode::Copy),
        rename: Some("{bogus}".into()),
        ..Default::default()
    };
    let err = t
        .lib
        .as_owner()
        .import(&[t.input()], &bad_template, &CancelToken::new(), &None)
        .unwrap_err();
    assert_eq!(err.code(), "invalid_template");
    let err = t
        .lib
        .as_owner()
        .import(
            &[t.input()],
            &ImportOptions {
                tags: vec!["  ".into()],
                ..Default::default()
            },
            &CancelToken::new(),
            &None,
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_tag");
    assert_eq!(t.count(AssetQuery::default()), 0);
}

#[test]
fn a_cancelled_import_resumes_without_duplicates_or_missing_thumbnails() {
    let t = TestLibrary::new();
    for i in 0..60u8 {
        t.write(&format!("burst/{i:03}.jpg"), &jpeg(640, 480, i));
    }
    let cancel = CancelToken::new();
    let (tx, rx) = crossbeam_channel::unbounded();
    let stopper = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            for p in rx {
                let p: atelier_library::Progress = p;
                if p.done >= 10 {
                    cancel.cancel();
                }
            }
        })
    };
    let first = t
        .lib
        .as_owner()
        .import(&[t.input()], &ImportOptions::default(), &cancel, &Some(tx))
        .unwrap();
    stopper.join().unwrap();
    assert!(first.cancelled);
    assert!(first.imported.len() < 60, "cancel took effect");
    let second = t.import(&ImportOptions::default());
    assert_eq!(first.imported.len() + second.imported.len(), 60);
    assert_eq!(t.count(AssetQuery::default()), 60);
    let page = t
        .lib
        .as_owner()
        .search(&AssetQuery {
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap();
    for s in page.items {
        assert!(t.lib.as_owner().show(s.id).unwrap().thumbnail.is_some());
    }
}

#[test]
fn export_writes_originals_with_unique_names() {
    let t = TestLibrary::new();
    t.write("a/photo.jpg", &jpeg(100, 100, 1));
    t.write("b/photo.jpg", &jpeg(100, 100, 2));
    t.import(&ImportOptions::default());
    let out = t.dir.path().join("out.zip");
    let sel = Selection::Query(Box::default());
    let r = t
        .lib
        .as_owner()
        .export_zip(&sel, &out, Existing::Refuse, &CancelToken::new())
        .unwrap();
    let mut names = r.written.clone();
    names.sort();
    assert_eq!(names, ["photo (2).jpg", "photo.jpg"]);
    let zip = zip::ZipArchive::new(fs::File::open(&out).unwrap()).unwrap();
    assert_eq!(zip.len(), 2);
}

#[test]
fn corpus_photos_import_with_capture_times_and_ai_prompts() {
    let Some(corpus) = corpus() else { return };
    let t = TestLibrary::new();
    let r = t
        .lib
        .as_owner()
        .import(
            &[corpus.join("photos"), corpus.join("ai-png")],
            &ImportOptions::default(),
            &CancelToken::new(),
            &None,
        )
        .unwrap();
    assert!(r.imported.len() >= 50, "{}", r.imported.len());
    assert!(r.failed.is_empty(), "{:?}", r.failed);
    let q = AssetQuery {
        sources: vec![Source::Generated],
        ..Default::default()
    };
    assert!(t.lib.as_owner().search(&q).unwrap().total >= 14);
    assert!(
        !t.find("victorian").is_empty(),
        "a ComfyUI prompt word finds its image"
    );
    let captured = t
        .lib
        .as_owner()
        .search(&AssetQuery {
            sort: Some(atelier_domain::Sort::Captured),
            ..Default::default()
        })
        .unwrap();
    assert!(captured.items.iter().filter(|s| s.captured_at.is_some()).count() >= 25);
}

#[test]
fn previews_are_made_on_first_request_and_cached() {
    let t = TestLibrary::new();
    t.write("big.jpg", &jpeg(3000, 2000, 7));
    t.write("small.jpg", &jpeg(300, 200, 8));
    let r = t.import(&ImportOptions::default());
    for f in &r.imported {
        let p = t.lib.as_owner().preview(f.id).unwrap();
        let img = image::open(&p).unwrap();
        let expected = if f.path.ends_with("big.jpg") {
            (2048, 1365)
        } else {
            (300, 200)
        };
        assert_eq!((img.width(), img.height()), expected);
        let modified = fs::metadata(&p).unwrap().modified().unwrap();
        assert_eq!(t.lib.as_owner().preview(f.id).unwrap(), p);
        assert_eq!(
            fs::metadata(&p).unwrap().modified().unwrap(),
            modified,
            "made once"
        );
    }
}

#[test]
fn a_folder_of_other_files_is_never_turned_into_a_library() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("holiday.jpg"), jpeg(10, 10, 1)).unwrap();
    let err = Library::open(dir.path()).err().unwrap();
    assert_eq!(err.code(), "not_a_library");
    assert!(!dir.path().join("catalog.db").exists());
    // An empty folder, or a library, opens.
    let empty = tempfile::tempdir().unwrap();
    drop(Library::open(empty.path()).unwrap());
    drop(Library::open(empty.path()).unwrap());
}
