//! The benchmark binary through its real process: `synth` fills a library that every filter
//! can query and whose postings agree with its tables, bad input is refused before anything is
//! written, and `search` and `organise` print their timings as the JSON scripts/bench.sh reads.
//! The library is then read through atelier-library, as `atelier search` reads it.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::path::PathBuf;
use std::process::{Command, Output};

use atelier_domain::{AssetQuery, Source, Status};
use atelier_library::Library;
use serde_json::Value;

struct Bench {
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Self {
        Bench {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn library(&self) -> PathBuf {
        self.dir.path().join("library")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_atelier-bench"))
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

    /// How many assets the owner finds with `q`.
    fn total(&self, q: AssetQuery) -> u64 {
        let library = Library::open(&self.library()).unwrap();
        library.as_owner().search(&q).unwrap().total
    }
}

#[test]
fn synth_fills_a_library_that_every_filter_can_query() {
    let bench = Bench::new();
    let report = bench.json(&["synth", "--assets", "2000", "--json"]);
    assert_eq!(report["assets"], 2000);
    assert_eq!(report["brands"], 8);
    assert_eq!(report["projects"], 30);
    assert_eq!(report["collections"], 450);
    assert_eq!(report["campaigns"], 64);
    assert!(report["tags"].as_u64().unwrap() > 100, "{report}");
    assert!(report["millis"].is_u64());
    assert_eq!(bench.total(AssetQuery::default()), 2000);
    let generated = bench.total(AssetQuery {
        sources: vec![Source::Generated],
        ..AssetQuery::default()
    });
    assert!((600..1000).contains(&generated), "{generated}");
    let approved = bench.total(AssetQuery {
        statuses: vec![Status::Approved],
        brand: Some("Acme".into()),
        ..AssetQuery::default()
    });
    assert!(approved > 0);
    let masterpiece = bench.total(AssetQuery {
        text: Some("masterpiece".into()),
        ..AssetQuery::default()
    });
    assert!(masterpiece > 300, "{masterpiece}");

    let timings = bench.json(&["search", "--runs", "2", "--json"]);
    let timings = timings.as_array().unwrap();
    assert!(timings.len() > 20);
    for t in timings {
        assert!(t["name"].is_string() && t["total"].is_u64(), "{t}");
        assert!(t["p50_ms"].is_f64() && t["p95_ms"].is_f64(), "{t}");
    }
    assert_eq!(timings[0]["total"], 2000);

    // Bulk edits of every approved asset, timed; the tag and collections they make are gone
    // afterwards.
    let approved_all = bench.total(AssetQuery {
        statuses: vec![Status::Approved],
        ..AssetQuery::default()
    });
    let organise = bench.json(&["organise", "--json"]);
    let organise = organise.as_array().unwrap();
    assert_eq!(organise.len(), 6, "{organise:?}");
    assert_eq!(organise[0]["total"], approved_all); // tagged
    assert_eq!(organise[1]["total"], approved_all); // rated
    assert_eq!(organise[2]["total"], approved_all); // filed
    let library = Library::open(&bench.library()).unwrap();
    let owner = library.as_owner();
    assert!(
        owner
            .tag_list()
            .unwrap()
            .iter()
            .all(|t| !t.name.starts_with("bench-"))
    );
    assert!(
        owner
            .collection_list("Acme")
            .unwrap()
            .iter()
            .all(|c| c.path != "Bench")
    );
    assert_eq!(library.verify().unwrap(), Vec::<i64>::new());
}

#[test]
fn a_synthetic_library_has_postings_that_agree_with_its_tables() {
    let bench = Bench::new();
    let report = bench.json(&["synth", "--assets", "3000", "--json"]);
    assert_eq!(report["assets"], 3000);
    let library = Library::open(&bench.library()).unwrap();
    assert_eq!(
        library.verify().unwrap(),
        Vec::<i64>::new(),
        "postings drifted from the tables"
    );
}

#[test]
fn bad_input_is_refused_with_what_is_allowed() {
    let bench = Bench::new();
    let cases: &[(&[&str], &str)] = &[
        (&["synth", "--assets", "0"], "1 to 10,000,000"),
        (&["synth", "--assets", "10000001"], "1 to 10,000,000"),
        (&["synth"], "--assets"),
    ];
    for (args, expected) in cases {
        let out = bench.run(args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // Nothing was added by any of them.
    assert_eq!(bench.total(AssetQuery::default()), 0);
}
