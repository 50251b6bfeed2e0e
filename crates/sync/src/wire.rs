//! The two calls a sync makes of its studio — push intents, pull rows — as a trait, so that
//! one engine runs over HTTP ([`Http`]: a [`StudioClient`] and an access token) and, in the
//! simulation (`crates/simulation`), straight into an in-process studio through a network that
//! drops, delays and duplicates.
//!
//! Knows nothing of the order of a sync (the engine's) nor of how a call travels.

use atelier_protocol::{PullResponse, PushRequest, PushResponse};

use crate::client::StudioClient;
use crate::error::Result;

/// A studio as the sync engine sees it.
pub trait Wire {
    /// Sends intents; the studio answers each (applied or refused), at most once per
    /// `(replica, id)` however often it is sent.
    fn push(&self, body: &PushRequest) -> Result<PushResponse>;

    /// The rows after `cursor` the caller may read (only those of scope `only` when given).
    fn pull(&self, cursor: i64, only: Option<&str>) -> Result<PullResponse>;

    /// This wire, if it may fetch the next page on another thread while the last one is
    /// applied (the real studio; not a simulated network, whose order of events is its seed's).
    fn concurrent(&self) -> Option<&(dyn Wire + Sync)> {
        None
    }
}

/// The studio over its HTTP API, as the person signed in.
#[derive(Clone, Copy)]
pub struct Http<'a> {
    /// The studio's client.
    pub client: &'a StudioClient,
    /// The access token of the signed-in device.
    pub token: &'a str,
}

impl std::fmt::Debug for Http<'_> {
    /// Never the token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("studio", &self.client.url())
            .finish_non_exhaustive()
    }
}

impl Wire for Http<'_> {
    fn push(&self, body: &PushRequest) -> Result<PushResponse> {
        self.client.push(self.token, body)
    }

    fn pull(&self, cursor: i64, only: Option<&str>) -> Result<PullResponse> {
        match only {
            Some(scope) => self.client.pull_scope(self.token, cursor, scope),
            None => self.client.pull(self.token, cursor),
        }
    }

    fn concurrent(&self) -> Option<&(dyn Wire + Sync)> {
        Some(self)
    }
}
