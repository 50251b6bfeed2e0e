//! Public identifiers: UUIDv7 (time-ordered) newtypes, one per entity, so that an asset id can
//! never be passed where a project id is expected. They print and parse as hyphenated UUIDs.

use crate::ErrorCode;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::InvalidInput;

/// Shared behaviour of every id newtype.
pub trait Id: Copy + Eq + fmt::Display + FromStr<Err = InvalidInput> {
    /// The UUID inside.
    fn uuid(&self) -> Uuid;
    /// Wraps an existing UUID (read back from storage).
    fn from_uuid(uuid: Uuid) -> Self;
    /// Mints a new time-ordered id.
    fn new_v7() -> Self {
        Self::from_uuid(Uuid::now_v7())
    }
    /// The 16 bytes stored in the catalog.
    fn to_bytes(&self) -> [u8; 16] {
        *self.uuid().as_bytes()
    }
    /// Reads the 16 stored bytes back.
    fn from_slice(bytes: &[u8]) -> Option<Self> {
        Uuid::from_slice(bytes).ok().map(Self::from_uuid)
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
        #[serde(transparent)]
        #[ts(export, type = "string")]
        pub struct $name(pub Uuid);

        impl Id for $name {
            fn uuid(&self) -> Uuid {
                self.0
            }
            fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidInput;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| {
                    InvalidInput::new(
                        ErrorCode::InvalidId,
                        format!(
                            "'{s}' is not a valid {} id: expected a UUID such as 0190f3c4-5d2e-7b7a-9c1d-2e3f4a5b6c7d",
                            $what
                        ),
                    )
                })
            }
        }
    };
}

id_type!(
    /// Identifies one asset.
    AssetId,
    "asset"
);
id_type!(
    /// Identifies one project.
    ProjectId,
    "project"
);
id_type!(
    /// Identifies one brand.
    BrandId,
    "brand"
);
id_type!(
    /// Identifies one collection.
    CollectionId,
    "collection"
);
id_type!(
    /// Identifies one campaign.
    CampaignId,
    "campaign"
);
id_type!(
    /// Identifies one user (a member of the studio).
    UserId,
    "user"
);
id_type!(
    /// Identifies one signed-in device of a studio member (a desktop library, a script).
    DeviceId,
    "device"
);
id_type!(
    /// Identifies one AI model file (checkpoint, LoRA, embedding).
    ModelId,
    "model"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_bytes() {
        let id = AssetId::new_v7();
        assert_eq!(id.to_string().parse::<AssetId>().unwrap(), id);
        assert_eq!(AssetId::from_slice(&id.to_bytes()), Some(id));
    }

    #[test]
    fn bad_id_names_what_was_expected() {
        let err = "nope".parse::<AssetId>().unwrap_err();
        assert_eq!(err.code, "invalid_id");
        assert!(err.message.contains("asset id"), "{}", err.message);
    }

    #[test]
    fn v7_ids_sort_by_creation_time() {
        let a = AssetId::new_v7();
        let b = AssetId::new_v7();
        assert!(a < b);
    }
}
