//! atelier-sync: the desktop's side of a studio: signing a library in and out and its status
//! ([`session`]), over the studio's API ([`client`]), with the device credential in the OS
//! keyring ([`credentials`]); and the sync itself ([`engine`]): the outbox pushed as intents,
//! pulls by cursor and epoch, live pokes, the *Couldn't sync* list.
//!
//! Knows nothing of the catalog's tables or of the studio's storage: it speaks atelier-protocol
//! to a studio over HTTP and keeps secrets in the OS keyring.

pub mod client;
pub mod credentials;
pub mod engine;
mod error;
pub mod intents;
pub mod links;
pub mod session;
pub mod transfers;
pub mod wire;

pub use client::StudioClient;
pub use credentials::{CredentialError, Credentials, DeviceCredential, Vault};
pub use engine::{LiveSync, sync_once, sync_once_with, sync_over};
pub use error::{Result, SyncError};
pub use session::{Connection, SignIn, SignedInReport, StudioStatus};
pub use transfers::{Transfer, Transfers, download_original};
pub use wire::{Http, Wire};
