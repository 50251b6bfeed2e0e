//! The CLI contract, through the real binary: JSON shapes scripts rely on, exit codes, and
//! errors that say what was wrong and what is allowed.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Cli {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn library(&self) -> PathBuf {
        self.dir.path().join("library")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_atelier"))
            .arg("--library")
            .arg(self.library())
            .args(args)
            .env_remove("ATELIER_LIBRARY")
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
    }

    fn photos(&self, n: u8) -> PathBuf {
        let dir = self.dir.path().join("photos");
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..n {
            let img = image::RgbImage::from_fn(320, 240, |x, y| {
                image::Rgb([x as u8 ^ i, y as u8, i.wrapping_mul(40)])
            });
            let mut bytes = Vec::new();
            img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
                .unwrap();
            std::fs::write(dir.join(format!("heroShot-{i:03}.jpg")), bytes).unwrap();
        }
        std::fs::write(dir.join("readme.txt"), "not an image").unwrap();
        dir
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn import_search_show_and_export_speak_the_json_contract() {
    let cli = Cli::new();
    let photos = cli.photos(3);
    let report = cli.json(&["import", s(&photos), "--tag", "Shoot/Day1", "--json"]);
    assert_eq!(report["imported"], 3);
    assert_eq!(report["duplicates"], 0);
    assert_eq!(report["failed"].as_array().unwrap().len(), 0);
    let skipped = report["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0]["path"].as_str().unwrap().ends_with("readme.txt"));
    assert!(skipped[0]["reason"].as_str().unwrap().contains("not a supported"));

    let again = cli.json(&["import", s(&photos), "--json"]);
    assert_eq!(
        (again["imported"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(3))
    );

    let page = cli.json(&["search", "hero", "--limit", "2", "--json"]);
    assert_eq!(page["total"], 3);
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for key in [
        "id",
        "name",
        "kind",
        "source",
        "status",
        "rating",
        "flag",
        "tags",
        "brand",
        "project",
        "width",
        "height",
        "added_at",
        "captured_at",
        "prompt",
    ] {
        assert!(items[0].get(key).is_some(), "item lacks {key}: {}", items[0]);
    }
    assert_eq!(items[0]["source"], "imported");
    assert_eq!(items[0]["status"], "draft");
    assert_eq!(items[0]["tags"][0], "Shoot/Day1");
    let next = page["next"].as_str().unwrap().to_string();
    let rest = cli.json(&["search", "hero", "--limit", "2", "--cursor", &next, "--json"]);
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next"].is_null());

    let id = items[0]["id"].as_str().unwrap().to_string();
    let detail = cli.json(&["show", &id, "--json"]);
    for key in [
        "hash",
        "path",
        "bytes",
        "mime",
        "exif",
        "generation",
        "collections",
        "campaigns",
        "thumbnail",
    ] {
        assert!(detail.get(key).is_some(), "show lacks {key}");
    }
    assert_eq!(detail["mime"], "image/jpeg");
    assert!(Path::new(detail["thumbnail"].as_str().unwrap()).exists());

    let zip = cli.dir.path().join("out.zip");
    let out = cli.run(&["export", "--zip", s(&zip), "--tag", "shoot"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        zip::ZipArchive::new(std::fs::File::open(&zip).unwrap())
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn bad_input_fails_with_a_message_naming_what_is_allowed() {
    let cli = Cli::new();
    let cases: &[(&[&str], &str)] = &[
        (
            &["search", "--status", "done"],
            "draft, in_review, approved, rejected, archived",
        ),
        (&["search", "--rating", "9"], "0 (none) to 5"),
        (&["search", "--limit", "0"], "1 to 1000"),
        (&["search", "--cursor", "bogus"], "invalid_cursor"),
        (&["search", "--brand", "Nobody"], "brand not found: Nobody"),
        (&["show", "not-an-id"], "expected a UUID"),
        (
            &["show", "0190f3c4-5d2e-7b7a-9c1d-2e3f4a5b6c7d"],
            "asset not found",
        ),
        (&["import", "/definitely/not/here"], "does not exist"),
        (&["import", ".", "--rename", "{name}"], "add --copy"),
        (
            &["import", ".", "--copy", "--rename", "{oops}"],
            "unknown token {oops}",
        ),
        (&["export", "--zip", "/tmp/x.zip"], "nothing selected"),
    ];
    for (args, expected) in cases {
        let out = cli.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // Nothing was imported by any of them.
    assert_eq!(cli.json(&["search", "--json"])["total"], 0);
}

#[test]
fn a_killed_import_finishes_when_run_again_with_no_duplicates() {
    let cli = Cli::new();
    let photos = cli.photos(120);
    let mut child = Command::new(env!("CARGO_BIN_EXE_atelier"))
        .arg("--library")
        .arg(cli.library())
        .args(["import", s(&photos), "--json"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(250));
    let _ = child.kill(); // SIGKILL: no chance to clean up
    let _ = child.wait();
    let rest = cli.json(&["import", s(&photos), "--json"]);
    let done_before = rest["duplicates"].as_u64().unwrap();
    assert_eq!(done_before + rest["imported"].as_u64().unwrap(), 120, "{rest}");
    let all = cli.json(&["search", "--limit", "1000", "--json"]);
    assert_eq!(all["total"], 120);
    for item in all["items"].as_array().unwrap() {
        let detail = cli.json(&["show", item["id"].as_str().unwrap(), "--json"]);
        assert!(Path::new(detail["thumbnail"].as_str().unwrap()).exists());
    }
    let buckets = cli.json(&["buckets", "--json"]);
    assert_eq!(
        (
            buckets["all"].as_u64(),
            buckets["recent"].as_u64(),
            buckets["unfiled"].as_u64()
        ),
        (Some(120), Some(120), Some(120))
    );
}
