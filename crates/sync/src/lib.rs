//! atelier-sync: the desktop's side of a studio. So far signing a library in and out and its
//! status ([`session`]), over the studio's API ([`client`]), with the device credential in the
//! OS keyring ([`credentials`]); the outbox push, pull, live pokes and cursor follow (issue 11).
//!
//! Knows nothing of the catalog's tables or of the studio's storage: it speaks atelier-protocol
//! to a studio over HTTP and keeps secrets in the OS keyring.

pub mod client;
pub mod credentials;
mod error;
pub mod session;

pub use client::StudioClient;
pub use credentials::{CredentialError, Credentials, DeviceCredential, Vault};
pub use error::{Result, SyncError};
pub use session::{Connection, SignIn, SignedInReport, StudioStatus};
