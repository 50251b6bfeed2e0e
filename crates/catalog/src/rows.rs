//! The local row ids the catalog joins on (never seen outside a library: public ids are
//! UUIDs), and the small SQL helpers every store shares.
//!
//! Knows no table but what a helper names; stores build on this, never the other way round.

use std::rc::Rc;

use atelier_domain::{ErrorCode, InvalidInput};
use rusqlite::types::Value;
use uuid::Uuid;

use crate::{CatalogError, Result};

/// A user's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserRow(pub i64);

/// A brand's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrandRow(pub i64);

/// A project's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectRow(pub i64);

/// A tag's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagRow(pub i64);

/// A collection's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CollectionRow(pub i64);

/// A campaign's local row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CampaignRow(pub i64);

pub(crate) fn array(seqs: &[i64]) -> Rc<Vec<Value>> {
    Rc::new(seqs.iter().map(|s| Value::Integer(*s)).collect())
}

/// Reads a stored UUID.
pub(crate) fn uuid_of(bytes: &[u8]) -> Result<Uuid> {
    Uuid::from_slice(bytes).map_err(|_| CatalogError::Corrupt("stored id is not 16 bytes".into()))
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Now, unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn taken(what: &str, name: &str) -> CatalogError {
    InvalidInput::new(
        ErrorCode::NameTaken,
        format!("a {what} named '{name}' already exists"),
    )
    .into()
}
