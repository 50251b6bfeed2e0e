//! atelier-sync: the desktop's side of a studio. So far the device credential a bound library
//! signs in with and where it is kept ([`credentials`]); the outbox push, pull, live pokes and
//! cursor arrive with the studio issues (ARCHITECTURE.md).
//!
//! Knows nothing of the catalog's tables or of the studio's storage: it speaks atelier-protocol
//! to a studio over HTTP and keeps secrets in the OS keyring.

pub mod credentials;

pub use credentials::{CredentialError, Credentials, DeviceCredential, Vault};
