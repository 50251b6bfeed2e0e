//! Secrets and their digests: refresh secrets and access tokens (256 bits from the OS RNG,
//! base64url; stored only as SHA-256) and passwords (Argon2id, PHC strings).
//!
//! Must not know storage or HTTP. Nothing here logs, and no secret is kept past the call.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore as _;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use super::ServiceError;

/// A fresh secret: what is handed out once, and the digest that is stored.
pub struct Minted {
    /// base64url (no padding) of 32 random bytes.
    pub secret: String,
    /// SHA-256 of `secret`'s text.
    pub hash: [u8; 32],
}

/// 32 bytes from the operating system's RNG, base64url-encoded, with their SHA-256.
pub fn mint() -> Result<Minted, ServiceError> {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("the OS random number generator failed: {e}")))?;
    let secret = URL_SAFE_NO_PAD.encode(bytes);
    let hash = digest(&secret);
    Ok(Minted { secret, hash })
}

/// The SHA-256 of a presented secret's text — what the store looks secrets up by. A hash
/// suffices (no salt, no slow KDF) because the secrets are 256 random bits, not passwords.
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's recommendation).
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes a new password (CPU-heavy: call from a blocking thread).
pub fn hash_password(password: &str) -> Result<String, ServiceError> {
    let mut salt = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut salt)
        .map_err(|e| ServiceError::Internal(format!("the OS random number generator failed: {e}")))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|e| ServiceError::Internal(format!("password salt: {e}")))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("password hashing: {e}")))
}

/// Whether `password` matches the stored PHC string; `None` (no account, or an account without
/// a password) checks against a dummy hash so that the answer takes as long either way and
/// doesn't tell which emails have accounts. CPU-heavy: call from a blocking thread.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a password anyone has").ok());
    let (phc, real) = match stored {
        Some(phc) => (Some(phc), true),
        None => (dummy.as_deref(), false),
    };
    let Some(parsed) = phc.and_then(|p| PasswordHash::new(p).ok()) else {
        return false;
    };
    // The parameters come from the stored string, so raising them later keeps old hashes valid.
    let ok = argon2().verify_password(password.as_bytes(), &parsed).is_ok();
    ok && real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_secrets_are_256_bits_and_distinct() {
        let a = mint().unwrap();
        let b = mint().unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a.secret).unwrap().len(), 32);
        assert_ne!(a.secret, b.secret);
        assert_eq!(a.hash, digest(&a.secret));
    }

    #[test]
    fn passwords_verify_only_themselves() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify_password("correct horse", Some(&phc)));
        assert!(!verify_password("correct hors", Some(&phc)));
        assert!(!verify_password("correct horse", None));
        assert!(!verify_password("x", Some("not a phc string")));
    }
}
