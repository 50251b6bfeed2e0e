//! Atelier's domain: the values every other crate speaks in — ids, the asset's enumerations,
//! the search query, limits — and the rules that need no storage.
//!
//! Pure: no IO, no SQL, no file system. Anything here can be tested with plain values.

pub mod asset;
pub mod error;
pub mod ids;
pub mod limits;
pub mod names;
pub mod policy;
pub mod query;
pub mod review;
pub mod roles;
pub mod rules;
pub mod similarity;
pub mod visibility;

pub use asset::{Flag, Kind, Label, Presence, Rating, Shape, Source, Status};
pub use error::{ErrorCode, InvalidInput};
pub use ids::{AssetId, Id, ModelId};
pub use policy::{Action, Actor, BrandKind, Target, can};
pub use query::{AssetQuery, Bucket, Cursor, DateRange, Sort, TagMode};
pub use review::{
    NOTE_MAX_CHARS, PERSONAL_TRANSITIONS, ReviewAction, TRANSITIONS, Transition, next_status,
    personal_next_status, validate_note,
};
pub use roles::{BrandRole, StudioRole};
