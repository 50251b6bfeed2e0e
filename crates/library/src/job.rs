//! Long jobs: a cancel token the caller can trip from any thread, and progress messages sent
//! over a channel, so that a terminal bar, a UI toast and a test all drive jobs the same way;
//! and the per-file issues their reports list.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::Sender;
use serde::Serialize;

/// Asks a running job to stop at its next safe point. Cloning shares the token.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that has not been tripped.
    pub fn new() -> Self {
        Self::default()
    }
    /// Asks the job to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    /// Whether stopping was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a job is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Finding the files to work on.
    Scanning,
    /// Working through them.
    Working,
    /// Writing what is left.
    Finishing,
}

/// One progress message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The phase.
    pub phase: Phase,
    /// Items done so far.
    pub done: u64,
    /// Items in all, once known.
    pub total: Option<u64>,
}

/// Where a job reports progress; `None` for no reporting.
pub type ProgressSender = Option<Sender<Progress>>;

pub(crate) fn report(progress: &ProgressSender, phase: Phase, done: u64, total: Option<u64>) {
    if let Some(tx) = progress {
        // A front end that stopped listening must not stop the job.
        let _ = tx.try_send(Progress { phase, done, total });
    }
}

/// A file that was skipped or failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FileIssue {
    /// The file.
    #[serde(serialize_with = "atelier_catalog::paths::serialize_lossy")]
    #[ts(type = "string")]
    pub path: PathBuf,
    /// Why, for a person.
    pub reason: String,
}
