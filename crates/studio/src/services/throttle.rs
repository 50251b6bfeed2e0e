//! Slows down password guessing: wrong passwords are counted per email key in a fixed window
//! ([`MAX_SIGN_IN_FAILURES`] within [`SIGN_IN_WINDOW_MS`]); past that, that email's sign-ins are
//! refused without checking the password until the window ends. A right password clears the
//! count. Unknown emails are counted the same way, so the refusal tells nothing about which
//! emails have accounts.
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

#[cfg(test)]
mod tests {
    use super::*;

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
