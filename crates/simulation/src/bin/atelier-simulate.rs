//! `atelier-simulate [--seeds N] [--from S] [--steps K] [--quiet] [--log]`: runs the sync's simulation
//! for seeds S..S+N (default 0..10,000) and prints each failing seed with the steps that led
//! there (`--log`: the steps of passing seeds too); exits 1 if any failed. A failing seed belongs in `tests/seeds.rs`'s REGRESSIONS.

use std::process::ExitCode;

fn value(args: &[String], name: &str, default: u64) -> Result<u64, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} takes a whole number, e.g. {name} {default}")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let known = ["--seeds", "--from", "--steps", "--quiet", "--log"];
    if let Some(bad) = args
        .iter()
        .filter(|a| a.starts_with("--"))
        .find(|a| !known.contains(&a.as_str()))
    {
        eprintln!("error: unknown option {bad}; allowed: --seeds N, --from S, --steps K, --quiet, --log");
        return ExitCode::from(2);
    }
    let parsed = (|| {
        Ok::<_, String>((
            value(&args, "--seeds", 10_000)?,
            value(&args, "--from", 0)?,
            value(&args, "--steps", atelier_simulation::STEPS as u64)?,
        ))
    })();
    let (seeds, from, steps) = match parsed {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let quiet = args.iter().any(|a| a == "--quiet");
    let log = args.iter().any(|a| a == "--log");
    let template = match atelier_simulation::Template::build() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let mut failed = Vec::new();
    for seed in from..from + seeds {
        match atelier_simulation::run(&template, seed, steps as usize) {
            Ok(s) => {
                if !quiet {
                    println!(
                        "seed {seed}: ok ({} libraries, settled in {} rounds; network {:?})",
                        s.clients, s.rounds, s.net
                    );
                }
                if log {
                    for line in &s.log {
                        println!("  {line}");
                    }
                }
            }
            Err(f) => {
                println!("{f}");
                failed.push(seed);
            }
        }
    }
    println!(
        "{} seeds from {from} in {:.1} s: {} failed {failed:?}",
        seeds,
        started.elapsed().as_secs_f64(),
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
