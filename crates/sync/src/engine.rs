//! The sync itself (STUDIO.md §4): push the outbox as intents, in order, and record what the
//! studio refused in the *Couldn't sync* list; pull what changed after the cursor and apply
//! each page with its cursor in one transaction; start over on a new epoch; on the first sync
//! of a bound library, report (or, for an Owner or Admin, create on the studio) the brands the
//! studio doesn't have. [`sync_once`] is `atelier sync`; [`LiveSync`] runs it in the
//! background for `atelier serve` and the app — at once after a local change, on each live
//! poke from the studio, and every 30 s regardless.
//!
//! Knows the order of these steps; the HTTP is `client`'s, the catalog the library's.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use atelier_domain::ErrorCode;
use atelier_domain::ids::{BrandId, UserId};
use atelier_library::Library;
use atelier_library::studio::Refused;
use atelier_protocol::{
    PushOutcome, PushRequest, PushedIntent, SyncData, SyncRefusal, SyncReport, SyncState, SyncStatus,
};

use crate::client::Event;
use crate::error::{Result, SyncError};
use crate::intents::intents_of;
use crate::session::{signed_in, with_studio};
use crate::transfers::{
    OFFLINE_PER_SYNC, THUMBS_PER_SYNC, Transfers, fetch_offline, fetch_thumbs, send_files,
};
use crate::wire::{Http, Wire};

/// Outbox entries per round (each may stand for many intents: sharing a project sends its
/// assets).
const OUTBOX_BATCH: usize = 200;

/// Intents per push request: it starts at [`PUSH_FIRST`] and adapts, between [`PUSH_MIN`] and
/// the studio's limit [`PUSH_MAX`], to how long the studio took to answer. A push waits for
/// the pushes ahead of it at the studio's one writer, so when answers come slowly (other
/// libraries are pushing) smaller pushes keep every library's wait short, and when they come
/// quickly (this library alone, a burst) bigger ones send it in few requests — the studio
/// applies the pushes waiting together, so many small ones cost it little
/// (docs/decisions/0016).
const PUSH_FIRST: usize = 50;
const PUSH_MIN: usize = 25;
const PUSH_MAX: usize = atelier_protocol::MAX_PUSH;
/// An answer quicker than this doubles the next push; one slower than [`PUSH_SLOW`] halves it.
const PUSH_QUICK: std::time::Duration = std::time::Duration::from_millis(25);
const PUSH_SLOW: std::time::Duration = std::time::Duration::from_millis(50);

/// The next push's size after one of `size` answered in `took`.
fn next_push_size(size: usize, took: std::time::Duration) -> usize {
    if took < PUSH_QUICK {
        (size * 2).min(PUSH_MAX)
    } else if took > PUSH_SLOW {
        (size / 2).max(PUSH_MIN)
    } else {
        size
    }
}

/// One outbox entry's intents get ids `entry << INTENT_BITS | k`: increasing per library, the
/// same again when a push is retried (the studio's at-most-once key), and room for a project
/// of 16 million assets shared at once.
const INTENT_BITS: u32 = 24;

/// Pushes the whole outbox, a round at a time: every intent of an entry is answered before
/// the entry is consumed, so a push cut off midway is sent again whole and the studio answers
/// what it already applied from its record.
fn push_all(library: &Library, wire: &dyn Wire, report: &mut SyncReport) -> Result<()> {
    let replica = library.replica()?.ok_or_else(|| {
        SyncError::NotSignedIn(
            "this library isn't bound to a studio: run 'atelier studio login URL' first".into(),
        )
    })?;
    let mut size = PUSH_FIRST;
    loop {
        let batch = library.outbox(OUTBOX_BATCH)?;
        if batch.is_empty() {
            return Ok(());
        }
        // Each entry with the count of intents up to and including its own.
        let mut entries: Vec<(i64, usize)> = Vec::with_capacity(batch.len());
        let mut intents = Vec::new();
        let mut described = std::collections::HashMap::new();
        for (id, change) in &batch {
            let found = intents_of(library, change)?;
            if found.is_empty() {
                report.kept_local += 1;
            }
            for (k, (intent, what)) in found.into_iter().enumerate() {
                let pushed = (*id << INTENT_BITS) | (k as i64 & ((1 << INTENT_BITS) - 1));
                let body = serde_json::to_string(&intent).ok();
                described.insert(pushed, (intent.name().to_string(), what, body));
                intents.push(PushedIntent { id: pushed, intent });
            }
            entries.push((*id, intents.len()));
        }
        // (outbox entry, refusal) for each refused intent.
        let mut refusals: Vec<(i64, Refused)> = Vec::new();
        let mut rest = &intents[..];
        while !rest.is_empty() {
            let (chunk, after) = rest.split_at(size.min(rest.len()));
            rest = after;
            let asked = std::time::Instant::now();
            let answer = match wire.push(&PushRequest {
                replica,
                intents: chunk.to_vec(),
            }) {
                Ok(answer) => answer,
                Err(e) => {
                    // The entries whose every intent was answered are settled before the
                    // error goes up, their refusals listed: sending them again would be
                    // answered from the studio's record — unless it was restored from a
                    // backup meanwhile, and then this library would never list what it heard.
                    let answered = intents.len() - rest.len() - chunk.len();
                    settle(library, &entries, answered, refusals)?;
                    return Err(e);
                }
            };
            // Only a full push says how the studio copes with that size.
            if chunk.len() == size {
                size = next_push_size(size, asked.elapsed());
            }
            for r in answer.results {
                match r.outcome {
                    PushOutcome::Applied { .. } => report.pushed += 1,
                    PushOutcome::Refused { code, message } => {
                        report.refused += 1;
                        let (intent, what, body) = described.remove(&r.id).unwrap_or_default();
                        refusals.push((
                            r.id >> INTENT_BITS,
                            Refused {
                                intent,
                                what,
                                code: code.as_str().to_string(),
                                message,
                                body,
                            },
                        ));
                    }
                }
            }
        }
        settle(library, &entries, intents.len(), refusals)?;
    }
}

/// Consumes the outbox entries whose intents are all among the first `answered` (entries with
/// none included), listing their refusals in *Couldn't sync*; an entry answered in part stays
/// to be sent again whole.
fn settle(
    library: &Library,
    entries: &[(i64, usize)],
    answered: usize,
    refusals: Vec<(i64, Refused)>,
) -> Result<()> {
    let consumed: Vec<i64> = entries
        .iter()
        .take_while(|(_, through)| *through <= answered)
        .map(|(id, _)| *id)
        .collect();
    if consumed.is_empty() {
        return Ok(());
    }
    let settled: std::collections::HashSet<i64> = consumed.iter().copied().collect();
    let refusals: Vec<Refused> = refusals
        .into_iter()
        .filter(|(entry, _)| settled.contains(entry))
        .map(|(_, r)| r)
        .collect();
    library.pushed(&consumed, &refusals)?;
    Ok(())
}

/// Pulls every page after the cursor (from 0 when the view is to be rebuilt or the studio's
/// epoch changed), then backfills the scopes the studio newly lets this library read and
/// purges the ones it no longer does; returns the team brands and people the pull saw.
fn pull_all(
    library: &Library,
    wire: &dyn Wire,
    report: &mut SyncReport,
) -> Result<(Vec<BrandId>, Vec<UserId>)> {
    let state = library.sync_cursor()?;
    let mut cursor = if state.rebuild { 0 } else { state.cursor };
    let known = library.sync_scopes()?;
    let mut from_start = cursor == 0;
    let mut brands = Vec::new();
    let mut people = Vec::new();
    // The next page, fetched while the last is applied (the studio reading and sending it,
    // the library writing: one waited for the other).
    let mut ahead: Option<atelier_protocol::PullResponse> = None;
    let scopes = loop {
        let page = match ahead.take() {
            Some(p) => p,
            None => wire.pull(cursor, None)?,
        };
        if let Some(epoch) = &state.epoch
            && *epoch != page.epoch
            && !report.rebootstrapped
        {
            // Restored from a backup: everything from the start, the outbox kept; what the
            // restored studio no longer has leaves once the pull reached the end. (Even a
            // pull that was starting from 0 anyway: what is held must be marked stale, and
            // its seqs are the old studio's.)
            library.rebootstrap()?;
            report.rebootstrapped = true;
            if cursor != 0 {
                cursor = 0;
                from_start = true;
                continue;
            }
        }
        for row in &page.rows {
            match &row.data {
                SyncData::Brand(b) if b.personal_of.is_none() => brands.push(b.id),
                SyncData::Member(m) if !m.removed => people.push(m.id),
                _ => {}
            }
        }
        let applied = match wire.concurrent().filter(|_| page.more) {
            Some(wire) => std::thread::scope(|s| {
                let next = s.spawn(|| wire.pull(page.cursor, None));
                let applied = library.apply_pull(&page, true);
                // A page fetched but not applied is fetched again by the next sync.
                ahead = next.join().ok().and_then(|r| r.ok());
                applied
            })?,
            None => library.apply_pull(&page, true)?,
        };
        report.pulled += applied as u32;
        cursor = page.cursor;
        report.cursor = cursor;
        if !page.more {
            library.forget_stale()?;
            break page.scopes;
        }
    };
    // A scope gained (added to a brand) holds rows older than the cursor: read it whole. A
    // pull from 0 read everything already. Each scope counts as held only once read whole,
    // so a backfill cut off midway is done again by the next sync.
    let mut held: Vec<String> = known.iter().filter(|s| scopes.contains(s)).cloned().collect();
    for scope in scopes.iter().filter(|s| !known.contains(s)) {
        if !from_start {
            let mut at = 0;
            loop {
                let page = wire.pull(at, Some(scope))?;
                report.pulled += library.apply_pull(&page, false)? as u32;
                at = page.cursor;
                if !page.more {
                    break;
                }
            }
        }
        held.push(scope.clone());
        library.scopes_settled(&held)?;
    }
    // What is held in a scope no longer readable goes — the rows held say which, not the
    // record of scopes: a sync cut off after its pages has applied rows of scopes it never
    // recorded.
    let mut lost = lost_of(&known, &scopes);
    for scope in library.replicated_scopes()? {
        if !scopes.contains(&scope) && !lost.contains(&scope) {
            lost.push(scope);
        }
    }
    if !lost.is_empty() && !scopes.is_empty() {
        library.purge_scopes(&lost)?;
    }
    if !scopes.is_empty() {
        library.scopes_settled(&scopes)?;
    }
    Ok((brands, people))
}

/// The scopes held that the studio no longer lets this library read.
fn lost_of(known: &[String], scopes: &[String]) -> Vec<String> {
    known.iter().filter(|s| !scopes.contains(s)).cloned().collect()
}

/// Pushes what waits, then pulls what changed: `atelier sync`.
pub fn sync_once(library: &Library) -> Result<SyncReport> {
    sync_once_with(library, &Transfers::default())
}

/// [`sync_once`], listing the originals on their way in `transfers`.
pub fn sync_once_with(library: &Library, transfers: &Transfers) -> Result<SyncReport> {
    // One sync at a time per library, across processes (the app and a CLI command): each
    // pushes the same outbox, and a refusal must be listed once.
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(library.layout().root().join("sync.lock"))?;
    lock.lock()?;
    with_studio(library, |client, signed| {
        let token = signed.access_token.as_str();
        let mut report = sync_over(library, &Http { client, token }, signed.role.acts_as_manager())?;
        send_files(library, client, token, &mut report, transfers)?;
        fetch_thumbs(library, client, token, &mut report)?;
        report.downloaded = fetch_offline(library, client, token, transfers)? as u32;
        Ok(report)
    })
}

/// The rows of a sync — the outbox pushed, then every page pulled — over any [`Wire`]; the
/// files are [`sync_once`]'s. `may_create_brands`: the person is an Owner or Admin (a first
/// sync creates on the studio the team brands it lacks instead of reporting them).
pub fn sync_over(library: &Library, wire: &dyn Wire, may_create_brands: bool) -> Result<SyncReport> {
    // Until the binding's report is made, every sync pulls everything: the report needs all
    // the studio's brands and people, and a first sync may have been cut off midway.
    let first = !library.sync_cursor()?.reported;
    if first {
        library.restart_pull()?;
    }
    let mut report = SyncReport::default();
    push_all(library, wire, &mut report)?;
    let (brands, people) = pull_all(library, wire, &mut report)?;
    if first {
        bind_report(library, may_create_brands, &brands, &people)?;
        library.mark_bind_reported()?;
        push_all(library, wire, &mut report)?;
        pull_all(library, wire, &mut report)?;
    }
    Ok(report)
}

/// The first sync of a bound library: its team brands that the studio's don't match by
/// name are created there by an Owner or Admin, and reported otherwise — never dropped.
fn bind_report(
    library: &Library,
    may_create: bool,
    studio_brands: &[BrandId],
    people: &[UserId],
) -> Result<()> {
    for brand in library.brands_not_in(studio_brands)? {
        if may_create {
            for stranger in library.offer_brand(brand.id, people)? {
                library.add_refusal(
                    "bind",
                    &format!("Keep {stranger} as a member of '{}'", brand.name),
                    "user_not_found",
                    &format!(
                        "{stranger} isn't a member of the studio, so they stay a member of '{}' in this library only: \
                         invite them to the studio, then add them to the brand again",
                        brand.name
                    ),
                )?;
            }
        } else {
            library.add_refusal(
                "bind",
                &format!("Bring the brand '{}' to the studio", brand.name),
                "forbidden",
                &format!(
                    "the studio has no brand called '{}' and only an Owner or Admin can create one: \
                     it stays in this library only (with its assets) until an Owner or Admin creates it \
                     on the studio under the same name",
                    brand.name
                ),
            )?;
        }
    }
    Ok(())
}

/// The *Couldn't sync* list as the wire has it, newest first.
pub fn refusals(library: &Library) -> Result<Vec<SyncRefusal>> {
    Ok(library
        .refusals()?
        .into_iter()
        .map(|r| SyncRefusal {
            id: r.id,
            what: r.what,
            intent: r.intent,
            code: ErrorCode::parse(&r.code).unwrap_or(ErrorCode::InternalError),
            message: r.message,
            at: rfc3339(r.at),
            retryable: r.body.is_some(),
        })
        .collect())
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What the background sync knows, for the app's indicator.
#[derive(Debug, Clone)]
struct Live {
    state: SyncState,
    message: Option<String>,
    /// Originals and thumbnails still to move, as of the last sync (counted then, not at each
    /// status request: the app asks every 2 s).
    waiting: (i64, i64),
}

struct Shared {
    live: Mutex<Live>,
    wake: Mutex<bool>,
    bell: Condvar,
    stop: AtomicBool,
    events_running: AtomicBool,
    transfers: Transfers,
}

/// The background sync of one library (`atelier serve`, the app): a worker thread that syncs
/// at once after a local change or a live poke, and every 30 s regardless; a second thread
/// keeps the studio's event stream open while signed in.
#[derive(Clone)]
pub struct LiveSync {
    library: Arc<Library>,
    shared: Arc<Shared>,
}

/// How often the worker looks for local changes waiting in the outbox.
const OUTBOX_TICK: Duration = Duration::from_millis(100);

/// The fallback when no poke comes (a proxy that drops event streams).
const POLL_EVERY: Duration = Duration::from_secs(30);

/// How soon to retry while the studio can't be reached.
const RETRY_OFFLINE: Duration = Duration::from_secs(5);

impl std::fmt::Debug for LiveSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSync")
            .field("state", &self.live_state())
            .finish()
    }
}

impl LiveSync {
    /// Starts the background sync of `library`; it idles while the library is standalone or
    /// signed out, and picks up after a sign-in ([`LiveSync::wake`]).
    pub fn start(library: Arc<Library>) -> LiveSync {
        let shared = Arc::new(Shared {
            live: Mutex::new(Live {
                state: SyncState::Standalone,
                message: None,
                waiting: (0, 0),
            }),
            wake: Mutex::new(true),
            bell: Condvar::new(),
            stop: AtomicBool::new(false),
            events_running: AtomicBool::new(false),
            transfers: Transfers::default(),
        });
        let me = LiveSync { library, shared };
        let worker = me.clone();
        std::thread::Builder::new()
            .name("atelier-sync".into())
            .spawn(move || worker.run())
            .map_err(|e| tracing::error!(error = %e, "can't start the background sync"))
            .ok();
        me
    }

    /// Syncs as soon as possible (after a sign-in, a local change, a poke).
    pub fn wake(&self) {
        let mut w = self.shared.wake.lock().unwrap_or_else(|p| p.into_inner());
        *w = true;
        self.shared.bell.notify_all();
    }

    /// Stops the threads (at the next wake-up or event).
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.wake();
    }

    /// Where this library's originals on their way are listed (the app's downloads list theirs
    /// here too).
    pub fn transfers(&self) -> &Transfers {
        &self.shared.transfers
    }

    /// The indicator's state, with what waits and what was refused.
    pub fn status(&self) -> Result<SyncStatus> {
        let live = self.shared.live.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let bound = self.library.studio_binding()?.is_some();
        let state = if bound { live.state } else { SyncState::Standalone };
        let last = self.library.sync_cursor()?.last_sync_at;
        Ok(SyncStatus {
            state,
            pending: self.library.outbox_len()?,
            refusals: self.library.refusals()?.len() as i64,
            last_sync_at: last.map(rfc3339),
            message: if bound { live.message } else { None },
            uploads_waiting: live.waiting.0,
            thumbnails_waiting: live.waiting.1,
            transfers: self.shared.transfers.now(),
        })
    }

    fn set(&self, state: SyncState, message: Option<String>) {
        let mut live = self.shared.live.lock().unwrap_or_else(|p| p.into_inner());
        live.state = state;
        live.message = message;
    }

    fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::SeqCst)
    }

    /// Waits until woken, `max` passes, or — with `outbox` (bound and signed in) — a local
    /// change waits in the outbox.
    fn wait(&self, max: Duration, outbox: bool) {
        let until = Instant::now() + max;
        loop {
            let mut woken = self.shared.wake.lock().unwrap_or_else(|p| p.into_inner());
            if *woken || self.stopped() {
                *woken = false;
                return;
            }
            let now = Instant::now();
            if now >= until {
                return;
            }
            let (guard, _) = self
                .shared
                .bell
                .wait_timeout(woken, OUTBOX_TICK.min(until - now))
                .unwrap_or_else(|p| p.into_inner());
            drop(guard);
            if outbox && self.library.outbox_len().unwrap_or(0) > 0 {
                return;
            }
        }
    }

    fn run(self) {
        while !self.stopped() {
            let next = self.round();
            // Standalone or signed out, nothing is sent: no need to look at the outbox.
            let watching = matches!(self.live_state(), SyncState::UpToDate | SyncState::Offline);
            self.wait(next, watching);
        }
    }

    /// One sync if bound and signed in; how long to wait before the next.
    fn round(&self) -> Duration {
        let binding = match self.library.studio_binding() {
            Ok(Some(b)) => b,
            Ok(None) => {
                self.set(SyncState::Standalone, None);
                return POLL_EVERY;
            }
            Err(e) => {
                self.set(SyncState::Offline, Some(e.to_string()));
                return RETRY_OFFLINE;
            }
        };
        if !signed_in(&binding.device.to_string()) {
            let was_revoked = matches!(self.live_state(), SyncState::Revoked);
            if !was_revoked {
                self.set(
                    SyncState::SignedOut,
                    Some("signed out of the studio: sign in again to sync".into()),
                );
            }
            return POLL_EVERY;
        }
        self.set(SyncState::Syncing, None);
        match sync_once_with(&self.library, &self.shared.transfers) {
            Ok(report) => {
                if report.pushed + report.refused + report.pulled > 0 {
                    tracing::info!(?report, "synced");
                }
                // The state and what waits change together: "up to date" never shows with
                // the counts of before (nothing waiting, on the first round).
                let waiting = self.library.transfers_waiting().ok();
                {
                    let mut live = self.shared.live.lock().unwrap_or_else(|p| p.into_inner());
                    live.state = SyncState::UpToDate;
                    live.message = None;
                    if let Some(waiting) = waiting {
                        live.waiting = waiting;
                    }
                }
                self.ensure_events();
                // A whole batch of thumbnails or of originals kept offline came: the next one
                // at once.
                if report.thumbnails as usize == THUMBS_PER_SYNC
                    || report.downloaded as usize == OFFLINE_PER_SYNC
                {
                    Duration::ZERO
                } else {
                    POLL_EVERY
                }
            }
            Err(SyncError::NotSignedIn(why)) => {
                self.set(SyncState::Revoked, Some(why));
                POLL_EVERY
            }
            Err(e @ SyncError::Unreachable { .. }) => {
                self.set(SyncState::Offline, Some(e.to_string()));
                RETRY_OFFLINE
            }
            Err(e) => {
                tracing::warn!(error = %e, "sync failed");
                self.set(SyncState::Offline, Some(e.to_string()));
                RETRY_OFFLINE
            }
        }
    }

    fn live_state(&self) -> SyncState {
        self.shared.live.lock().unwrap_or_else(|p| p.into_inner()).state
    }

    /// Keeps one event stream open while signed in: each poke past the cursor wakes the worker.
    fn ensure_events(&self) {
        if self.shared.events_running.swap(true, Ordering::SeqCst) {
            return;
        }
        let me = self.clone();
        let started = std::thread::Builder::new()
            .name("atelier-sync-events".into())
            .spawn(move || {
                me.listen();
                me.shared.events_running.store(false, Ordering::SeqCst);
            });
        if started.is_err() {
            self.shared.events_running.store(false, Ordering::SeqCst);
        }
    }

    fn listen(&self) {
        while !self.stopped() {
            let events = with_studio(&self.library, |client, signed| {
                client.events(&signed.access_token)
            });
            let events = match events {
                Ok(e) => e,
                // Signed out or revoked: the worker says so; this thread ends.
                Err(SyncError::NotSignedIn(_)) => return,
                Err(_) => {
                    std::thread::sleep(RETRY_OFFLINE);
                    continue;
                }
            };
            for event in events {
                if self.stopped() {
                    return;
                }
                match event {
                    Ok(Event::Poke(seq)) => {
                        let cursor = self.library.sync_cursor().map(|c| c.cursor).unwrap_or(0);
                        if seq > cursor {
                            self.wake();
                        }
                    }
                    Ok(Event::Revoked(_)) => {
                        self.wake();
                        return;
                    }
                    Err(_) => break,
                }
            }
            // The stream ended (the studio restarted, the network went): sync, then reconnect.
            self.wake();
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn push_size_grows_when_answers_are_quick_and_shrinks_when_slow_within_bounds() {
        let mut size = PUSH_FIRST;
        for _ in 0..10 {
            size = next_push_size(size, Duration::from_millis(3));
        }
        assert_eq!(size, PUSH_MAX, "a library alone reaches the studio's limit");
        size = next_push_size(size, Duration::from_millis(30));
        assert_eq!(size, PUSH_MAX, "between quick and slow it stays");
        for _ in 0..10 {
            size = next_push_size(size, Duration::from_millis(120));
        }
        assert_eq!(size, PUSH_MIN, "a busy studio gets small pushes, never none");
        assert_eq!(next_push_size(PUSH_MIN, Duration::from_millis(10)), 2 * PUSH_MIN);
    }
}
