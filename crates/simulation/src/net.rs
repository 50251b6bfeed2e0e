//! The network between the libraries and the in-process studio: each call may be delivered,
//! lost on the way there, lost on the way back (applied, but the library hears nothing),
//! delivered twice, or held and delivered later — after newer calls, in any order — while the
//! library gives up waiting. Every answer the studio gives to a pushed intent is recorded, so
//! that a second answer to the same `(replica, id)` that differs (an intent applied twice)
//! is caught.
//!
//! Knows nothing of what the libraries do: it carries [`Wire`] calls.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use atelier_protocol::{ApiError, PullResponse, PushOutcome, PushRequest, PushResponse};
use atelier_studio::{ServiceError, Studio};
use atelier_sync::{SyncError, Wire};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

/// What happens to one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Delivered,
    LostThere,
    LostBack,
    Twice,
    Held,
}

/// Counts of what the network did, for the run's summary.
#[derive(Debug, Default, Clone, Copy)]
pub struct NetStats {
    /// Calls delivered once and answered.
    pub delivered: u32,
    /// Calls lost before the studio saw them.
    pub lost_there: u32,
    /// Calls the studio carried out whose answer was lost.
    pub lost_back: u32,
    /// Calls delivered twice.
    pub twice: u32,
    /// Pushes held back and delivered later.
    pub held: u32,
}

/// The studio process, as the network reaches it: replaced when it "crashes".
pub struct Server {
    /// Runs the studio's async services for the synchronous libraries.
    pub runtime: tokio::runtime::Runtime,
    /// The studio as it runs now.
    pub studio: RefCell<Studio>,
}

impl Server {
    fn push(&self, token: &str, body: &PushRequest) -> Result<PushResponse, ServiceError> {
        let studio = self.studio.borrow().clone();
        self.runtime.block_on(async {
            let caller = studio.authenticate(token).await?;
            studio.push(&caller, body.clone()).await
        })
    }

    /// Pulls as the holder of `token`.
    ///
    /// # Errors
    /// What the studio says.
    pub fn pull(&self, token: &str, cursor: i64, only: Option<&str>) -> Result<PullResponse, ServiceError> {
        let studio = self.studio.borrow().clone();
        self.runtime.block_on(async {
            let caller = studio.authenticate(token).await?;
            studio.pull(&caller, cursor, None, only).await
        })
    }
}

/// The network: its fault schedule, what it holds back, and what it saw.
pub struct Net {
    rng: RefCell<StdRng>,
    faults: Cell<bool>,
    held: RefCell<Vec<(String, PushRequest)>>,
    answers: RefCell<HashMap<(uuid::Uuid, i64), PushOutcome>>,
    intents: RefCell<HashMap<(uuid::Uuid, i64), String>>,
    heard: RefCell<HashMap<(u32, uuid::Uuid, i64), bool>>,
    generation: Cell<u32>,
    traced_ids: RefCell<Vec<String>>,
    violations: RefCell<Vec<String>>,
    stats: Cell<NetStats>,
}

impl Net {
    /// A network whose faults follow `seed`.
    pub fn new(seed: u64) -> Net {
        Net {
            rng: RefCell::new(StdRng::seed_from_u64(seed ^ 0x6e65_7477_6f72_6b21)),
            faults: Cell::new(true),
            held: RefCell::new(Vec::new()),
            answers: RefCell::new(HashMap::new()),
            intents: RefCell::new(HashMap::new()),
            heard: RefCell::new(HashMap::new()),
            generation: Cell::new(0),
            traced_ids: RefCell::new(Vec::new()),
            violations: RefCell::new(Vec::new()),
            stats: Cell::new(NetStats::default()),
        }
    }

    /// Turns faults on or off (off to reach quiescence).
    pub fn set_faults(&self, on: bool) {
        self.faults.set(on);
    }

    fn fate(&self, push: bool) -> Fate {
        if !self.faults.get() {
            return Fate::Delivered;
        }
        let roll = self.rng.borrow_mut().random_range(0..100);
        match roll {
            0..65 => Fate::Delivered,
            65..73 => Fate::LostThere,
            73..82 => Fate::LostBack,
            82..91 => Fate::Twice,
            _ if push => Fate::Held,
            _ => Fate::LostBack,
        }
    }

    fn count(&self, fate: Fate) {
        let mut s = self.stats.get();
        match fate {
            Fate::Delivered => s.delivered += 1,
            Fate::LostThere => s.lost_there += 1,
            Fate::LostBack => s.lost_back += 1,
            Fate::Twice => s.twice += 1,
            Fate::Held => s.held += 1,
        }
        self.stats.set(s);
    }

    /// What the network did so far.
    pub fn stats(&self) -> NetStats {
        self.stats.get()
    }

    /// Pushes held back so far and not yet delivered.
    pub fn held(&self) -> usize {
        self.held.borrow().len()
    }

    /// Delivers one held push, chosen at random (so later ones may overtake earlier ones);
    /// its answer goes nowhere.
    pub fn deliver_one_held(&self, server: &Server) {
        let taken = {
            let mut held = self.held.borrow_mut();
            if held.is_empty() {
                return;
            }
            let i = self.rng.borrow_mut().random_range(0..held.len());
            held.swap_remove(i)
        };
        let _ = self.deliver(server, &taken.0, &taken.1);
    }

    /// Delivers every held push, in random order.
    pub fn deliver_all_held(&self, server: &Server) {
        while self.held() > 0 {
            self.deliver_one_held(server);
        }
    }

    /// The studio was restored from a backup: what it applied since is forgotten there, and
    /// may rightly be applied again when sent again.
    pub fn studio_restored(&self) {
        self.answers.borrow_mut().clear();
        self.generation.set(self.generation.get() + 1);
    }

    /// What broke the at-most-once rule: an intent answered differently the second time.
    pub fn violations(&self) -> Vec<String> {
        self.violations.borrow().clone()
    }

    /// The answers the studio gave, by `(replica, id)`: the first of each.
    pub fn answers(&self) -> HashMap<(uuid::Uuid, i64), PushOutcome> {
        self.answers.borrow().clone()
    }

    /// How many refusals the library of `replica` heard (one it never heard — the push held
    /// back, and by its next push the change no longer concerned the studio — is nobody's to
    /// list). An intent refused again after a restore from a backup counts again.
    pub fn refusals_heard(&self, replica: uuid::Uuid) -> usize {
        self.heard
            .borrow()
            .iter()
            .filter(|((_, r, _), refused)| *r == replica && **refused)
            .count()
    }

    fn hear(&self, body: &PushRequest, answer: &PushResponse) {
        let mut heard = self.heard.borrow_mut();
        for r in &answer.results {
            let refused = matches!(r.outcome, PushOutcome::Refused { .. });
            heard
                .entry((self.generation.get(), body.replica, r.id))
                .or_insert(refused);
        }
    }

    /// Whether a call's text concerns the asset `ATELIER_SIM_TRACE` names (by file name, then by
    /// the ids seen with it): to follow one asset through a failing seed on stderr.
    fn traced(&self, said: &str) -> bool {
        let Ok(name) = std::env::var("ATELIER_SIM_TRACE") else {
            return false;
        };
        let mut ids = self.traced_ids.borrow_mut();
        if said.contains(&format!("\"{name}\"")) {
            if let Some(at) = said.find("AssetId(") {
                let id: String = said[at + 8..].chars().take(36).collect();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            return true;
        }
        ids.iter().any(|id| said.contains(id.as_str()))
    }

    /// The intent first sent under `(replica, id)`, for a failing seed's report.
    pub fn intent(&self, key: (uuid::Uuid, i64)) -> Option<String> {
        self.intents.borrow().get(&key).cloned()
    }

    fn deliver(
        &self,
        server: &Server,
        token: &str,
        body: &PushRequest,
    ) -> Result<PushResponse, ServiceError> {
        {
            let mut intents = self.intents.borrow_mut();
            for i in &body.intents {
                intents
                    .entry((body.replica, i.id))
                    .or_insert_with(|| format!("{:?}", i.intent));
            }
        }
        let answer = server.push(token, body)?;
        {
            for (i, r) in body.intents.iter().zip(&answer.results) {
                let said = format!("{:?}", i.intent);
                if self.traced(&said) {
                    eprintln!("trace: {} #{}: {said} → {:?}", body.replica, i.id, r.outcome);
                }
            }
        }
        let mut answers = self.answers.borrow_mut();
        for r in &answer.results {
            let key = (body.replica, r.id);
            match answers.get(&key) {
                None => {
                    answers.insert(key, r.outcome.clone());
                }
                Some(first) if *first != r.outcome => self.violations.borrow_mut().push(format!(
                    "intent {} of replica {} answered {first:?} first, then {:?}: applied twice",
                    r.id, body.replica, r.outcome
                )),
                Some(_) => {}
            }
        }
        Ok(answer)
    }
}

/// One library's line to the studio.
pub struct Line<'a> {
    /// The network.
    pub net: &'a Net,
    /// The studio.
    pub server: &'a Server,
    /// The library's access token.
    pub token: &'a str,
    /// Which library (for traces).
    pub who: usize,
}

fn lost(what: &str) -> SyncError {
    SyncError::Unreachable {
        url: crate::STUDIO_URL.into(),
        reason: format!("simulated: {what}"),
    }
}

fn from_studio(e: &ServiceError) -> SyncError {
    SyncError::Studio(ApiError {
        code: e.code(),
        message: e.to_string(),
        details: None,
    })
}

impl Wire for Line<'_> {
    fn push(&self, body: &PushRequest) -> atelier_sync::Result<PushResponse> {
        let fate = self.net.fate(true);
        self.net.count(fate);
        match fate {
            Fate::LostThere => Err(lost("the request was lost")),
            Fate::Held => {
                self.net
                    .held
                    .borrow_mut()
                    .push((self.token.to_string(), body.clone()));
                Err(lost("no answer in time"))
            }
            Fate::LostBack => {
                let _ = self.net.deliver(self.server, self.token, body);
                Err(lost("the answer was lost"))
            }
            Fate::Twice | Fate::Delivered => {
                if fate == Fate::Twice {
                    let _ = self.net.deliver(self.server, self.token, body);
                }
                let answer = self
                    .net
                    .deliver(self.server, self.token, body)
                    .map_err(|e| from_studio(&e))?;
                self.net.hear(body, &answer);
                Ok(answer)
            }
        }
    }

    fn pull(&self, cursor: i64, only: Option<&str>) -> atelier_sync::Result<PullResponse> {
        let fate = self.net.fate(false);
        self.net.count(fate);
        match fate {
            Fate::LostThere => Err(lost("the request was lost")),
            Fate::LostBack | Fate::Held => Err(lost("the answer was lost")),
            Fate::Twice | Fate::Delivered => {
                let page = self
                    .server
                    .pull(self.token, cursor, only)
                    .map_err(|e| from_studio(&e))?;
                {
                    for row in &page.rows {
                        let said = format!("{:?}", row.data);
                        if self.net.traced(&said) {
                            eprintln!(
                                "trace: pulled by c{} ({:?}): seq {} {said}",
                                self.who,
                                only.map(|_| "backfill"),
                                row.seq
                            );
                        }
                    }
                }
                Ok(page)
            }
        }
    }
}
