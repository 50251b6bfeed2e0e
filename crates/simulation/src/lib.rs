//! The sync's simulation (STUDIO.md §7): one in-process studio and 2–8 libraries, each with
//! its own catalog file, driven by a seeded random schedule of imports, edits, reviews, moves,
//! deletes, shares and unshares and brand role changes, over a network that loses, holds back,
//! reorders and duplicates calls, with libraries and the studio crashed between steps. At the
//! end the network behaves, everyone syncs until nothing moves, and `check` holds every library
//! to what the studio lets it see.
//!
//! `cargo test -p atelier-simulation` runs 200 seeds (`ATELIER_SIM_SEEDS` for more) and the
//! seeds that once failed; `atelier-simulate --seeds 10000` runs many. Must not know HTTP (the
//! libraries' sync engine reaches the studio's services through [`net`]) nor either side's
//! storage.

pub mod check;
pub mod net;
pub mod world;

pub use world::Template;

/// The studio's address as the libraries are bound to it (never dialled).
pub const STUDIO_URL: &str = "http://studio.sim.invalid";

/// Steps of one run by default.
pub const STEPS: usize = 200;

/// Why a run failed.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The seed, if the run got that far (`None`: setting up failed).
    pub seed: Option<u64>,
    /// What broke.
    pub what: String,
    /// The steps taken, for the report.
    pub log: Vec<String>,
}

impl Failure {
    pub(crate) fn setup(what: String) -> Failure {
        Failure {
            seed: None,
            what,
            log: Vec::new(),
        }
    }

    pub(crate) fn broken(seed: u64, what: String) -> Failure {
        Failure {
            seed: Some(seed),
            what,
            log: Vec::new(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seed {
            Some(seed) => write!(f, "seed {seed}: {}", self.what)?,
            None => write!(f, "setting up: {}", self.what)?,
        }
        if !self.log.is_empty() {
            writeln!(f, "\nsteps:")?;
            for line in &self.log {
                writeln!(f, "  {line}")?;
            }
        }
        Ok(())
    }
}

/// What a passing run did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Libraries in the run.
    pub clients: usize,
    /// Rounds of syncs it took to settle.
    pub rounds: usize,
    /// What the network did.
    pub net: net::NetStats,
    /// The steps taken.
    pub log: Vec<String>,
}

/// Runs seed `seed` for `steps` steps and checks the end.
///
/// # Errors
/// What broke, with the steps that led there.
pub fn run(template: &Template, seed: u64, steps: usize) -> Result<Summary, Failure> {
    let mut world = world::World::new(template, seed)?;
    let ran = world
        .run(steps)
        .and_then(|()| check::quiesce(&mut world))
        .and_then(|rounds| check::check(&mut world).map(|()| rounds));
    match ran {
        Ok(rounds) => Ok(Summary {
            clients: world.clients.len(),
            rounds,
            net: world.net.stats(),
            log: std::mem::take(&mut world.log),
        }),
        Err(mut failure) => {
            failure.log = std::mem::take(&mut world.log);
            Err(failure)
        }
    }
}
