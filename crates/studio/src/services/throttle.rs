//! Slows down password guessing: wrong passwords are counted per email key in a fixed window
//! ([`MAX_SIGN_IN_FAILURES`] within [`SIGN_IN_WINDOW_MS`]); past that, that email's sign-ins are
//! refused without checking the password until the window ends. A right password clears the
//! count. Unknown emails are counted the same way, so the refusal tells nothing about which
//! emails have accounts.
//!
//! And [`RequestThrottle`]: requests per client address in a fixed window, for the public
//! campaign pages (STUDIO.md §6: every request counts, a 404 too, so guessing links costs
//! the guesser as much as browsing).
//!
//! Kept in this process's memory: each `serve` process of a studio counts on its own (behind a
//! load balancer a guesser gets the limit once per process — still a few dozen tries per
//! window), and a restart forgets. Knows nothing of HTTP, stores or passwords themselves.

use std::collections::HashMap;
use std::sync::Mutex;

use atelier_domain::limits::{MAX_SIGN_IN_FAILURES, SIGN_IN_WINDOW_MS};

/// Entries kept before stale windows are swept (a spray of random emails can't grow it
/// without bound: at most this many live windows, each a few dozen bytes).
const MAX_TRACKED: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    started_ms: i64,
    failures: u32,
}

/// Wrong-password counts per email key.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    windows: Mutex<HashMap<String, Window>>,
}

impl SignInThrottle {
    /// `Err(ms)`: `key` is paused for `ms` more milliseconds.
    pub fn check(&self, key: &str, now_ms: i64) -> Result<(), i64> {
        let windows = self.lock();
        match windows.get(key) {
            Some(w) if w.failures >= MAX_SIGN_IN_FAILURES && now_ms < w.started_ms + SIGN_IN_WINDOW_MS => {
                Err(w.started_ms + SIGN_IN_WINDOW_MS - now_ms)
            }
            _ => Ok(()),
        }
    }

    /// Counts a wrong password for `key`.
    pub fn failed(&self, key: &str, now_ms: i64) {
        let mut windows = self.lock();
        if windows.len() >= MAX_TRACKED {
            windows.retain(|_, w| now_ms < w.started_ms + SIGN_IN_WINDOW_MS);
            if windows.len() >= MAX_TRACKED {
                // Every window is live: forget the oldest rather than grow.
                if let Some(oldest) = windows
                    .iter()
                    .min_by_key(|(_, w)| w.started_ms)
                    .map(|(k, _)| k.clone())
                {
                    windows.remove(&oldest);
                }
            }
        }
        let w = windows.entry(key.to_string()).or_insert(Window {
            started_ms: now_ms,
            failures: 0,
        });
        if now_ms >= w.started_ms + SIGN_IN_WINDOW_MS {
            *w = Window {
                started_ms: now_ms,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }

    /// A right password: `key` starts over.
    pub fn succeeded(&self, key: &str) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        // A panic while held leaves a consistent map (every update is one assignment).
        self.windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The public pages' window (milliseconds).
pub const PUBLIC_WINDOW_MS: i64 = 10_000;

/// Requests per client address per [`PUBLIC_WINDOW_MS`] by default: a page and the ~200
/// thumbnails of a large campaign, a few times over, in ten seconds.
pub const PUBLIC_REQUESTS_PER_WINDOW: u32 = 600;

/// Requests counted per key (a client address) in a fixed window.
#[derive(Debug)]
pub struct RequestThrottle {
    /// At most this many per window; 0: no limit.
    limit: u32,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RequestThrottle {
    /// A throttle allowing `limit` requests per key per window (0: no limit).
    pub fn new(limit: u32) -> RequestThrottle {
        RequestThrottle {
            limit,
            windows: Mutex::default(),
        }
    }

    /// Counts a request of `key`; `Err(ms)`: over the limit for `ms` more milliseconds.
    pub fn request(&self, key: &str, now_ms: i64) -> Result<(), i64> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= MAX_TRACKED && !windows.contains_key(key) {
            windows.retain(|_, (started, _)| now_ms < *started + PUBLIC_WINDOW_MS);
            if windows.len() >= MAX_TRACKED {
                // Every window is live: an address spray gets no window of its own rather
                // than growing the map (it is limited as one).
                return Err(PUBLIC_WINDOW_MS);
            }
        }
        let w = windows.entry(key.to_string()).or_insert((now_ms, 0));
        if now_ms >= w.0 + PUBLIC_WINDOW_MS {
            *w = (now_ms, 0);
        }
        w.1 = w.1.saturating_add(1);
        if w.1 > self.limit {
            Err(w.0 + PUBLIC_WINDOW_MS - now_ms)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_past_the_limit_wait_for_the_window_per_address() {
        let t = RequestThrottle::new(3);
        for i in 0..3 {
            assert_eq!(t.request("10.0.0.1", i), Ok(()), "request {i}");
        }
        assert_eq!(t.request("10.0.0.1", 1_000), Err(PUBLIC_WINDOW_MS - 1_000));
        assert_eq!(
            t.request("10.0.0.2", 1_000),
            Ok(()),
            "another address has its own count"
        );
        assert_eq!(t.request("10.0.0.1", PUBLIC_WINDOW_MS), Ok(()), "a new window");
        let off = RequestThrottle::new(0);
        assert!((0..10_000).all(|i| off.request("x", i).is_ok()), "0: no limit");
    }

    #[test]
    fn pauses_after_the_limit_until_the_window_ends() {
        let t = SignInThrottle::default();
        for i in 0..MAX_SIGN_IN_FAILURES {
            assert_eq!(t.check("a@x", i64::from(i)), Ok(()), "attempt {i}");
            t.failed("a@x", i64::from(i));
        }
        assert_eq!(t.check("a@x", 100), Err(SIGN_IN_WINDOW_MS - 100));
        assert_eq!(t.check("b@x", 100), Ok(()), "other emails are not paused");
        assert_eq!(t.check("a@x", SIGN_IN_WINDOW_MS), Ok(()), "the window ended");
        t.failed("a@x", SIGN_IN_WINDOW_MS);
        assert_eq!(
            t.check("a@x", SIGN_IN_WINDOW_MS + 1),
            Ok(()),
            "a new window counts from one"
        );
    }

    #[test]
    fn a_right_password_starts_over() {
        let t = SignInThrottle::default();
        for _ in 0..MAX_SIGN_IN_FAILURES - 1 {
            t.failed("a@x", 0);
        }
        t.succeeded("a@x");
        t.failed("a@x", 1);
        assert_eq!(t.check("a@x", 2), Ok(()));
    }
}
