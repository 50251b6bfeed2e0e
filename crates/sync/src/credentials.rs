//! The device credential a bound library signs in with (STUDIO.md §2): kept in the OS keyring —
//! the Secret Service where a session offers one, the kernel's keyutils otherwise — or, when the
//! person chooses it because neither is there, in this process's memory for the session only
//! (every handle of the process finds it; nothing is written).
//! Never in the catalog, never in a file.
//!
//! Knows nothing of the studio's protocol or of the catalog: it stores and returns one
//! credential per library, keyed by the library's id.

use std::collections::HashMap;
use std::fmt;
use std::sync::{LazyLock, Mutex};

use keyring::credential::CredentialApi;
use keyring::keyutils::KeyutilsCredential;
use keyring::secret_service::SsCredential;
use serde::{Deserialize, Serialize};

/// The keyring service every Atelier credential is filed under (what a keyring's UI shows).
pub const SERVICE: &str = "Atelier studio";

/// What a device holds to sign in again: which studio, which device, and its current refresh
/// secret (rotated by the studio at every use).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceCredential {
    /// The studio's base URL.
    pub studio: String,
    /// The device's id on that studio.
    pub device_id: String,
    /// The refresh secret (base64url of 32 random bytes). Never printed.
    pub refresh_secret: String,
}

impl fmt::Debug for DeviceCredential {
    // A credential ends up in logs and panics through Debug: the secret must not.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCredential")
            .field("studio", &self.studio)
            .field("device_id", &self.device_id)
            .field("refresh_secret", &"<redacted>")
            .finish()
    }
}

/// Where credentials are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vault {
    /// The desktop's Secret Service (GNOME Keyring, KWallet): persistent, unlocked with the login.
    SecretService,
    /// The kernel's key store: survives until the user's keys expire or the machine restarts.
    Keyutils,
    /// This process's memory: gone when it exits (chosen by the person when there is no keyring).
    Session,
}

impl fmt::Display for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Vault::SecretService => "the Secret Service keyring",
            Vault::Keyutils => "the kernel keyring",
            Vault::Session => "memory, for this session only",
        })
    }
}

/// What can go wrong keeping a credential.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// No OS keyring answered; the message says what was tried and what to do.
    #[error(
        "no keyring is available to keep the studio sign-in ({tried}); start one (GNOME Keyring, \
         KWallet) and try again, or sign in for this session only"
    )]
    Unavailable {
        /// Each keyring tried and why it failed.
        tried: String,
    },
    /// The keyring answered but refused or failed the operation.
    #[error("the keyring failed to {action} the studio sign-in: {reason}")]
    Store {
        /// What was being done.
        action: &'static str,
        /// The keyring's own words.
        reason: String,
    },
    /// What the keyring holds under Atelier's name isn't a credential Atelier wrote.
    #[error("the keyring's entry for this library is not an Atelier sign-in; sign in again")]
    Corrupt,
}

/// One library's credential in a vault.
pub struct Credentials {
    key: String,
    backend: Backend,
}

enum Backend {
    Os(Vault),
    Session,
}

/// Credentials kept for this process only, by key: the person chose it because no keyring
/// answered. Every handle of the process finds them (the app's panels, its poll); nothing is
/// written anywhere, so they are gone when the process ends.
static SESSION: LazyLock<Mutex<HashMap<String, DeviceCredential>>> = LazyLock::new(Default::default);

fn session() -> std::sync::MutexGuard<'static, HashMap<String, DeviceCredential>> {
    SESSION.lock().unwrap_or_else(|p| p.into_inner())
}

/// `ATELIER_KEYRING=none` turns the OS keyrings off (a person who wants no secret kept beyond
/// the session, and tests of the no-keyring path).
fn keyrings_off() -> bool {
    std::env::var("ATELIER_KEYRING").is_ok_and(|v| v == "none")
}

impl Credentials {
    /// The OS keyring for `library` (its id): the Secret Service when one answers, else the
    /// kernel keyring. Neither → [`CredentialError::Unavailable`], never a silent fallback.
    pub fn open(library: &str) -> Result<Self, CredentialError> {
        Self::open_with(library, &[Vault::SecretService, Vault::Keyutils])
    }

    /// The first of `vaults` that answers (tests pin one; `Session` always answers).
    pub fn open_with(library: &str, vaults: &[Vault]) -> Result<Self, CredentialError> {
        // A sign-in this process keeps for the session stays where it is.
        if session().contains_key(library) {
            return Ok(Self::session_only(library));
        }
        let mut tried = Vec::new();
        for &vault in vaults {
            if vault == Vault::Session {
                return Ok(Self::session_only(library));
            }
            if keyrings_off() {
                tried.push(format!("{vault}: turned off by ATELIER_KEYRING=none"));
                continue;
            }
            match probe(vault, library) {
                Ok(()) => {
                    return Ok(Self {
                        key: library.to_string(),
                        backend: Backend::Os(vault),
                    });
                }
                Err(why) => tried.push(format!("{vault}: {why}")),
            }
        }
        Err(CredentialError::Unavailable {
            tried: tried.join("; "),
        })
    }

    /// A credential kept in memory only, for a person who signs in without a keyring.
    pub fn session_only(library: &str) -> Self {
        Self {
            key: library.to_string(),
            backend: Backend::Session,
        }
    }

    /// What the credential is filed under (the device's id).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Where this credential is kept.
    pub fn vault(&self) -> Vault {
        match &self.backend {
            Backend::Os(v) => *v,
            Backend::Session => Vault::Session,
        }
    }

    /// The stored credential, if the library has signed in.
    pub fn load(&self) -> Result<Option<DeviceCredential>, CredentialError> {
        match &self.backend {
            Backend::Session => Ok(session().get(&self.key).cloned()),
            Backend::Os(vault) => match again(|| entry(*vault, &self.key)?.get_password()) {
                Ok(text) => serde_json::from_str(&text)
                    .map(Some)
                    .map_err(|_| CredentialError::Corrupt),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(store_error("read", e)),
            },
        }
    }

    /// Keeps `credential`, replacing the one before (a rotation writes the new secret here
    /// before the old one is forgotten by the studio's answer being acted on).
    pub fn save(&self, credential: &DeviceCredential) -> Result<(), CredentialError> {
        match &self.backend {
            Backend::Session => {
                session().insert(self.key.clone(), credential.clone());
                Ok(())
            }
            Backend::Os(vault) => {
                let text = serde_json::to_string(credential).map_err(|e| CredentialError::Store {
                    action: "save",
                    reason: e.to_string(),
                })?;
                again(|| entry(*vault, &self.key)?.set_password(&text)).map_err(|e| store_error("save", e))
            }
        }
    }

    /// Forgets the credential (sign out); nothing stored is fine.
    pub fn forget(&self) -> Result<(), CredentialError> {
        match &self.backend {
            Backend::Session => {
                session().remove(&self.key);
                Ok(())
            }
            Backend::Os(vault) => match again(|| entry(*vault, &self.key)?.delete_credential()) {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(store_error("forget", e)),
            },
        }
    }
}

/// The keyring entry for `library` in `vault`, built explicitly rather than through keyring's
/// default store, so which vault holds a credential never depends on feature unification.
fn entry(vault: Vault, library: &str) -> keyring::Result<keyring::Entry> {
    let credential: Box<dyn CredentialApi + Send + Sync> = match vault {
        Vault::SecretService => Box::new(SsCredential::new_with_target(None, SERVICE, library)?),
        Vault::Keyutils => Box::new(KeyutilsCredential::new_with_target(None, SERVICE, library)?),
        Vault::Session => {
            return Err(keyring::Error::Invalid(
                "vault".into(),
                "the session vault has no keyring entry".into(),
            ));
        }
    };
    Ok(keyring::Entry::new_with_credential(credential))
}

/// How many times a keyring call is tried when the keyring fails underneath it.
const ATTEMPTS: u32 = 3;

/// `op` again after the keyring's daemon went away under it, a little later each time. Why: the Secret Service is a
/// separate daemon that D-Bus starts on demand; when it dies mid-call (GNOME Keyring has, under
/// many clients at once) the caller sees "recipient disconnected" and the next call starts a
/// fresh daemon over the same unlocked keyring. Each operation here is idempotent (read, write
/// the whole value, delete), so trying it again is safe; a keyring that keeps failing still
/// fails, with its own words.
fn again<T>(mut op: impl FnMut() -> keyring::Result<T>) -> keyring::Result<T> {
    let mut attempt = 1;
    loop {
        match op() {
            Err(keyring::Error::PlatformFailure(why)) if attempt < ATTEMPTS && went_away(&*why) => {
                std::thread::sleep(std::time::Duration::from_millis(100 << attempt));
                attempt += 1;
            }
            done => return done,
        }
    }
}

/// Whether a platform failure is the daemon going away mid-call (D-Bus `NoReply`: "recipient
/// disconnected … without replying"), not a keyring that isn't there at all — that one falls
/// through to the next vault at once.
fn went_away(why: &(dyn std::error::Error + Send + Sync)) -> bool {
    let text = why.to_string();
    text.contains("disconnected") || text.contains("NoReply")
}

/// Whether `vault` answers: reading an entry must give a value or "no entry", not a failure.
fn probe(vault: Vault, library: &str) -> Result<(), String> {
    match again(|| entry(vault, library)?.get_password()) {
        Ok(_) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

fn store_error(action: &'static str, e: keyring::Error) -> CredentialError {
    CredentialError::Store {
        action,
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(text: &str) -> keyring::Error {
        keyring::Error::PlatformFailure(text.to_string().into())
    }

    #[test]
    fn a_daemon_that_went_away_is_asked_again_and_anything_else_is_not() {
        let mut calls = 0;
        let answer = again(|| {
            calls += 1;
            if calls < 3 {
                Err(failure(
                    "DBus error: Message recipient disconnected from message bus without replying",
                ))
            } else {
                Ok("secret")
            }
        });
        assert_eq!((answer.unwrap(), calls), ("secret", 3));

        let mut calls = 0;
        let answer: keyring::Result<()> = again(|| {
            calls += 1;
            Err(failure("DBus error: no session bus"))
        });
        assert!(matches!(answer, Err(keyring::Error::PlatformFailure(_))));
        assert_eq!(calls, 1, "a keyring that isn't there is not asked again");

        let mut calls = 0;
        let answer: keyring::Result<()> = again(|| {
            calls += 1;
            Err(failure("recipient disconnected"))
        });
        assert!(answer.is_err());
        assert_eq!(
            calls, ATTEMPTS,
            "a daemon that keeps going away still fails, in the end"
        );
    }
}
