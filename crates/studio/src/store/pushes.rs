//! Group commit of pushes: the pushes waiting for the writer are applied together, in one
//! writing transaction, by whichever of them gets the writer's turn first.
//!
//! Why: every push needs the writer (decisions read every earlier one), so under a storm of
//! libraries pushing at once each waited for all the others, one transaction each — and paid
//! each time for what a transaction costs whatever it holds (taking the writer's lock, the
//! counter, the brand, the commit; on PostgreSQL a network round trip per statement), and
//! for reading and writing again the rows the push before had just written (a team tagging
//! one shoot). Applied together, those costs are paid once per group. Each intent is still
//! decided on every earlier one's writes (the group's cache), each still at most once.
//!
//! A group is bounded ([`GROUP_INTENTS`]) so that no push waits behind an unbounded one. A
//! store failure of a group of several is retried one push at a time, so that one push can
//! never fail another's. The group runs in a task of its own: a push whose request goes away
//! (the library gave up) doesn't take the others' answers with it.
//!
//! Must not know the rules (each push brings its own decision) or HTTP.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use atelier_domain::InvalidInput;
use atelier_domain::ids::UserId;
use tokio::sync::oneshot;

use super::sync::{Applied, FactsQuery, SyncFacts, SyncWrite};
use super::{Store, StoreError, StoreResult};

/// At most this many intents in one group (a push alone may hold more: it is never split).
pub const GROUP_INTENTS: usize = 1_000;

/// Decides the `i`th intent of a push on the facts read for it.
pub type Decide = Box<dyn Fn(usize, &SyncFacts) -> Result<Vec<SyncWrite>, InvalidInput> + Send + Sync>;

/// One push to apply: whose, its intents (id and the facts each needs), and its decision.
pub struct PushJob {
    /// The library that sent it.
    pub replica: uuid::Uuid,
    /// Who sent it.
    pub account: UserId,
    /// Each intent's id (increasing) and the facts it is decided on.
    pub items: Vec<(i64, FactsQuery)>,
    /// The decision, per intent.
    pub decide: Decide,
}

impl std::fmt::Debug for PushJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushJob")
            .field("replica", &self.replica)
            .field("account", &self.account)
            .field("intents", &self.items.len())
            .finish_non_exhaustive()
    }
}

/// A push waiting, with where its answer goes.
struct Waiting {
    job: PushJob,
    done: oneshot::Sender<StoreResult<Vec<Applied>>>,
}

/// The pushes waiting in this process, and the writer's turn (held by the group applying).
#[derive(Default)]
pub(super) struct Queue {
    waiting: Mutex<VecDeque<Waiting>>,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue").finish_non_exhaustive()
    }
}

impl Queue {
    /// The oldest waiting pushes, up to [`GROUP_INTENTS`] intents (at least one push).
    fn take(&self) -> Vec<Waiting> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let mut group = Vec::new();
        let mut intents = 0;
        while let Some(next) = waiting.front() {
            if !group.is_empty() && intents + next.job.items.len() > GROUP_INTENTS {
                break;
            }
            intents += next.job.items.len();
            group.extend(waiting.pop_front());
        }
        group
    }
}

/// Applies `job` with whatever else is waiting, and returns its answers.
pub(super) async fn submit(store: &Store, queue: &Queue, job: PushJob) -> StoreResult<Vec<Applied>> {
    let (done, mut answer) = oneshot::channel();
    queue
        .waiting
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push_back(Waiting { job, done });
    loop {
        // Turns are given in the order asked for: a push whose group ran meanwhile finds its
        // answer; else it leads the next group (with the oldest waiting, itself among them
        // unless the group filled up first — then it asks again).
        let turn = queue.turn.clone().lock_owned().await;
        match answer.try_recv() {
            Ok(applied) => return applied,
            Err(oneshot::error::TryRecvError::Closed) => return Err(gone()),
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let group = queue.take();
        if group.is_empty() {
            // Taken by a group that has not answered yet: it answers before it gives the
            // turn back, so this cannot happen — but waiting for the answer is right anyway.
            drop(turn);
            return answer.await.unwrap_or_else(|_| Err(gone()));
        }
        let store = store.clone();
        let running = tokio::spawn(async move {
            run(&store, group).await;
            drop(turn);
        });
        // The group answers (or fails) before the turn is given back.
        if running.await.is_err() {
            return Err(StoreError::Damaged(
                "a group of pushes stopped before it answered".into(),
            ));
        }
    }
}

fn gone() -> StoreError {
    StoreError::Damaged("a group of pushes went away before it answered".into())
}

/// Applies a group in one transaction; on a store failure, each push on its own.
async fn run(store: &Store, group: Vec<Waiting>) {
    let jobs: Vec<&PushJob> = group.iter().map(|w| &w.job).collect();
    match store.apply_group(&jobs).await {
        Ok(answers) => {
            for (w, a) in group.into_iter().zip(answers) {
                let _ = w.done.send(Ok(a));
            }
        }
        Err(e) if group.len() == 1 => {
            if let Some(w) = group.into_iter().next() {
                let _ = w.done.send(Err(e));
            }
        }
        Err(e) => {
            tracing::warn!(pushes = group.len(), error = %e, "a group of pushes failed: each is applied on its own");
            for w in group {
                let alone = store
                    .apply_group(&[&w.job])
                    .await
                    .map(|mut a| a.pop().unwrap_or_default());
                let _ = w.done.send(alone);
            }
        }
    }
}
