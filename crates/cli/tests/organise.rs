//! Scripted CLI sessions for organising and review (issue 3), through the real binary:
//! the exact command forms, the bulk report shape, exit codes, and what must not change.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::io::Cursor;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

struct Session {
    dir: tempfile::TempDir,
}

impl Session {
    fn new() -> Self {
        Session {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_atelier"))
            .arg("--library")
            .arg(self.dir.path().join("library"))
            .args(args)
            .env("ATELIER_TRASH_DIR", self.dir.path().join("trash"))
            .env_remove("ATELIER_LIBRARY")
            .output()
            .unwrap()
    }

    /// Marks a project shared, as sharing it through a studio does (a standalone library
    /// can't share): what lets the brand's other members see its assets.
    fn share(&self, project: &str) {
        let db = rusqlite::Connection::open(self.dir.path().join("library/catalog.db")).unwrap();
        let n = db
            .execute("UPDATE project SET shared = 1 WHERE name = ?1", [project])
            .unwrap();
        assert_eq!(n, 1);
    }

    fn ok(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
    }

    /// Runs a bulk command whatever its exit status (all-refused reports exit non-zero) and
    /// returns its report.
    fn report(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = self.run(&all);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)))
    }

    /// Runs a command expected to fail; returns stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "{args:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Imports `n` distinct photos from a folder named `name`, into `brand`.
    fn photos(&self, name: &str, n: u8, brand: &str) -> Vec<String> {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..n {
            let img = image::RgbImage::from_fn(48, 32, |x, y| {
                image::Rgb([x as u8 ^ i, y as u8, name.len() as u8 * 40 + i])
            });
            let mut bytes = Vec::new();
            img.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
                .unwrap();
            std::fs::write(dir.join(format!("{name}-{i}.jpg")), bytes).unwrap();
        }
        let r = self.ok(&["import", dir.to_str().unwrap(), "--brand", brand]);
        assert_eq!(r["imported"], n as u64);
        let mut ids: Vec<(String, String)> = r["assets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["path"].as_str().unwrap().to_string(),
                    a["id"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect()
    }

    fn show(&self, id: &str) -> Value {
        self.ok(&["show", id])
    }
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

fn codes(report: &Value) -> Vec<String> {
    report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_studio_of_one_organises_reviews_and_ships_a_campaign() {
    let s = Session::new();
    assert_eq!(s.ok(&["brand", "create", "Acme"])["name"], "Acme");
    s.ok(&["brand", "create", "Globex"]);
    let acme = s.photos("acme", 4, "Acme");
    let globex = s.photos("globex", 1, "Globex");

    // A collection tree, filed twice (a no-op), counted direct and rolled up.
    s.ok(&["collection", "create", "Shoots/2026/June", "--brand", "Acme"]);
    let r = s.ok(&["collection", "add", "Shoots/2026/June", &acme[0], &acme[1]]);
    assert_eq!(
        (r["requested"].as_u64(), ids_of(&r["succeeded"]).len()),
        (Some(2), 2)
    );
    s.ok(&["collection", "add", "Shoots/2026/June", &acme[0]]);
    let tree = s.ok(&["collection", "list", "--brand", "Acme"]);
    let shoots = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["path"] == "Shoots")
        .unwrap();
    assert_eq!(
        (shoots["count"].as_u64(), shoots["nested_count"].as_u64()),
        (Some(0), Some(2))
    );
    let cross = s.report(&[
        "collection",
        "add",
        "Shoots/2026/June",
        &globex[0],
        "--brand",
        "Acme",
    ]);
    assert_eq!(codes(&cross), ["not_on_this_brand"]);

    // Culling.
    s.ok(&["rate", "5", &acme[0]]);
    s.ok(&["flag", "reject", &acme[3]]);
    assert_eq!(s.ok(&["search", "--rating", "5"])["total"], 1);
    assert_eq!(s.ok(&["search", "--flag", "reject"])["total"], 1);

    // Tags: first spelling kept, rename everywhere, merge.
    s.ok(&["tag", "add", "Client/Acme", "--brand", "Acme"]);
    s.ok(&["tag", "add", "hero", &acme[0]]);
    s.ok(&["tag", "rename", "client/acme", "client/acme-co"]);
    assert_eq!(s.show(&acme[2])["tags"][0], "client/acme-co");
    s.ok(&["tag", "merge", "hero", "client/acme-co"]);
    let tags = s.ok(&["tag", "list"]);
    assert_eq!(tags.as_array().unwrap().len(), 1);
    assert_eq!(tags[0]["count"], 4);

    // Review: every legal and illegal move, with notes.
    let bad = s.report(&["review", "approve", &acme[0]]);
    assert_eq!(codes(&bad), ["invalid_transition"]);
    assert!(
        bad["failed"][0]["message"]
            .as_str()
            .unwrap()
            .contains("in review")
    );
    let out = s.run(&["review", "approve", &acme[0]]);
    assert!(!out.status.success(), "nothing succeeded: non-zero exit");
    s.ok(&["review", "submit", "--brand", "Acme", "--note", "ready"]);
    assert_eq!(
        codes(&s.report(&["review", "approve", &acme[0]])),
        ["self_approval_off"]
    );
    s.ok(&[
        "brand",
        "kit",
        "Acme",
        "--self-approval",
        "on",
        "--color",
        "#112233",
        "--ban",
        "nsfw",
    ]);
    s.ok(&["review", "reject", &acme[1], "--note", "crop tighter"]);
    s.ok(&["review", "revise", &acme[1]]);
    assert_eq!(s.show(&acme[1])["status"], "draft");
    let approved = s.ok(&["review", "approve", &acme[0], &acme[2]]);
    assert_eq!(ids_of(&approved["succeeded"]).len(), 2);
    assert_eq!(
        codes(&s.report(&["review", "unarchive", &acme[0]])),
        ["invalid_transition"]
    );

    // Approved work is locked; organising stays open.
    assert!(
        s.fails(&["rename", &acme[0], "other.jpg"])
            .contains("approved_locked")
    );
    assert_eq!(
        codes(&s.report(&["move", &acme[0], "--brand", "Globex"])),
        ["approved_locked"]
    );
    assert_eq!(codes(&s.report(&["delete", &acme[0]])), ["approved_locked"]);
    s.ok(&["rate", "4", &acme[0]]);

    // Campaigns: same brand only, duplicates skipped and reported, publishing needs a studio.
    s.ok(&[
        "campaign",
        "create",
        "Launch",
        "--brand",
        "Acme",
        "--description",
        "spring",
    ]);
    assert!(
        s.fails(&["campaign", "create", "launch", "--brand", "Acme"])
            .contains("A campaign with that name already exists")
    );
    s.ok(&["campaign", "add", "Launch", &acme[0], "--brand", "Acme"]);
    let mixed = s.ok(&[
        "campaign", "add", "Launch", &acme[0], &acme[2], &globex[0], "--brand", "Acme",
    ]);
    assert_eq!(ids_of(&mixed["succeeded"]), [acme[2].clone()]);
    assert_eq!(mixed["skipped"][0]["code"], "already_in_campaign");
    assert_eq!(codes(&mixed), ["not_on_this_brand"]);
    assert!(
        s.fails(&["campaign", "publish", "Launch", "--brand", "Acme"])
            .contains("needs_studio")
    );
    assert_eq!(s.ok(&["search", "--campaign", "Launch"])["total"], 2);
    s.ok(&["fork", &acme[0]]);
    assert_eq!(
        s.ok(&["search", "--brand", "Acme", "--status", "draft"])["total"],
        2
    );

    // A project with approved work can't be deleted; once archived it can.
    s.ok(&["project", "create", "Spring", "--brand", "Acme"]);
    s.ok(&["move", &acme[0], &acme[1], "--project", "Spring"]);
    assert_eq!(s.show(&acme[1])["project"], "Spring");
    assert_eq!(
        s.show(&acme[1])["collections"][0],
        "Shoots/2026/June",
        "moving keeps organisation"
    );
    s.ok(&["review", "archive", &acme[0]]);
    s.ok(&["move", &acme[0], "--project", "Spring"]);
    assert!(
        s.fails(&["project", "delete", "Spring", "--confirm", "spring"])
            .contains("confirmation_mismatch")
    );
    let before = s.ok(&["search", "--limit", "1000"])["total"].as_u64().unwrap();
    s.ok(&["project", "delete", "Spring", "--confirm", "Spring"]);
    assert_eq!(
        s.ok(&["search", "--limit", "1000"])["total"].as_u64().unwrap(),
        before - 2
    );
    assert!(
        s.dir.path().join("trash/acme-1.jpg").exists(),
        "in-place files went to the trash"
    );
    assert!(
        s.dir.path().join("acme/acme-0.jpg").exists(),
        "a file a fork still uses stays"
    );
    assert!(s.fails(&["project", "share", "Inbox"]).contains("needs_studio"));
}

#[test]
fn members_and_roles_are_enforced_through_the_cli() {
    let s = Session::new();
    s.ok(&["brand", "create", "Acme"]);
    let a = s.photos("a", 2, "Acme");
    s.share("Inbox");
    s.ok(&["review", "submit", "--all"]);
    s.ok(&["brand", "member", "Acme", "add", "bob", "--role", "creator"]);
    let r = s.report(&["--as", "bob", "review", "approve", "--all"]);
    assert_eq!(codes(&r), ["forbidden", "forbidden"]);
    assert!(r["failed"][0]["message"].as_str().unwrap().contains("Manager"));
    s.ok(&["--as", "bob", "rate", "3", &a[0]]);
    assert!(
        s.fails(&["--as", "bob", "brand", "kit", "Acme", "--self-approval", "on"])
            .contains("forbidden")
    );
    assert!(
        s.fails(&["--as", "nobody", "rate", "1", &a[0]])
            .contains("user_not_found")
    );
    let owner = s
        .ok(&["brand", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "Acme")
        .unwrap()["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "manager")
        .unwrap()["user"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        s.fails(&["brand", "member", "Acme", "remove", &owner])
            .contains("last_manager")
    );
    s.ok(&["brand", "member", "Acme", "role", "bob", "--role", "manager"]);
    let r = s.ok(&["--as", "bob", "review", "approve", "--all"]);
    assert_eq!(
        ids_of(&r["succeeded"]).len(),
        2,
        "a different Manager approves: {r}"
    );
}

#[test]
fn selections_are_validated_before_anything_changes() {
    let s = Session::new();
    let a = s.photos("a", 1, "Personal");
    assert!(s.fails(&["rate", "5"]).contains("nothing selected"));
    assert!(s.fails(&["rate", "5", &a[0], "--all"]).contains("not both"));
    assert!(s.fails(&["rate", "9", &a[0]]).contains("0 (none) to 5"));
    assert!(s.fails(&["flag", "maybe", &a[0]]).contains("none, pick, reject"));
    assert!(s.fails(&["review", "publish", &a[0]]).contains("submit"));
    assert!(
        s.fails(&["rate", "5", "--tag", "nope"])
            .contains("empty_selection")
    );
    assert!(
        s.fails(&["move", &a[0]])
            .contains("--project NAME or --brand NAME")
    );
    assert!(s.fails(&["campaign", "add", "X", &a[0]]).contains("--brand"));
    assert!(
        s.fails(&["collection", "create", " / ", "--brand", "Personal"])
            .contains("invalid_collection_path")
    );
    assert_eq!(s.show(&a[0])["rating"], 0);
    let pb = PathBuf::from(s.show(&a[0])["path"].as_str().unwrap());
    assert!(pb.exists());
}
