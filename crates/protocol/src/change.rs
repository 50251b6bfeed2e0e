//! The change journal as it leaves a library: what changed, on which thing, by whom, with the
//! assets a bulk action touched — one entry per action, keyed by public ids. The app's live
//! refresh reads it today; the sync client will read it to push a library's own changes.

use atelier_domain::AssetId;
use atelier_domain::ids::UserId;
use serde::{Deserialize, Serialize};

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $text:literal, )+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
        }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable spelling (JSON, the catalog).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads a stored spelling back; `None` for one this build doesn't know.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

wire_enum!(
    /// What kind of thing changed.
    Entity {
        /// An asset (or, for bulk actions, several).
        Asset = "asset",
        /// A tag of the studio.
        Tag = "tag",
        /// A collection of a brand.
        Collection = "collection",
        /// A campaign of a brand.
        Campaign = "campaign",
        /// A project.
        Project = "project",
        /// A brand, its kit or its members.
        Brand = "brand",
        /// A model file.
        Model = "model",
        /// The library itself (bulk loads).
        Library = "library",
    }
);

wire_enum!(
    /// What happened.
    ChangeAction {
        /// Imported or uploaded (one asset).
        Import = "import",
        /// Loaded in bulk (synthetic libraries).
        BulkInsert = "bulk_insert",
        /// Made (a project, brand, collection, campaign, tag).
        Create = "create",
        /// Renamed.
        Rename = "rename",
        /// Deleted for good.
        Delete = "delete",
        /// Moved to the Trash.
        Trash = "trash",
        /// Taken out of the Trash.
        Restore = "restore",
        /// Rating set.
        Rating = "rating",
        /// Culling flag set.
        Flag = "flag",
        /// Colour label set.
        Label = "label",
        /// Review status changed (a transition).
        Status = "status",
        /// Moved to another brand.
        Brand = "brand",
        /// Moved to another project.
        Project = "project",
        /// Tagged.
        TagAdd = "tag_add",
        /// Untagged.
        TagRemove = "tag_remove",
        /// Filed in a collection.
        CollectionAdd = "collection_add",
        /// Taken out of a collection.
        CollectionRemove = "collection_remove",
        /// Added to a campaign.
        CampaignAdd = "campaign_add",
        /// Taken out of a campaign.
        CampaignRemove = "campaign_remove",
        /// Forked into a new draft.
        Fork = "fork",
        /// Stacked under a cover.
        Stack = "stack",
        /// Unstacked.
        Unstack = "unstack",
        /// Merged into another (tags).
        Merge = "merge",
        /// Moved in its tree (collections).
        Move = "move",
        /// Its cover chosen, or given back to the automatic one (collections).
        Cover = "cover",
        /// Kit edited.
        Kit = "kit",
        /// Anchors pinned or unpinned.
        Anchors = "anchors",
        /// A member added, re-roled or removed.
        Member = "member",
        /// Settings changed (projects).
        Settings = "settings",
        /// Archived or unarchived (projects).
        Archived = "archived",
        /// Shared or unshared (projects).
        Shared = "shared",
        /// Kept available offline, or no longer (projects).
        Offline = "offline",
        /// Public or private (campaigns).
        Visibility = "visibility",
        /// A folder watched.
        WatchAdd = "watch_add",
        /// A folder no longer watched.
        WatchRemove = "watch_remove",
        /// Its file went missing, offline, or came back.
        Presence = "presence",
        /// Its file was found at a new path.
        Relink = "relink",
        /// Its file's content changed on disk.
        ContentChanged = "content_changed",
        /// Its XMP sidecar, edited by another tool, was read in.
        SidecarRead = "sidecar_read",
        /// Arrived from the studio (someone else's change, or the studio's answer to ours).
        Synced = "synced",
        /// A change the studio refused, sent again from *Couldn't sync* (the entry carries it).
        Retry = "retry",
    }
);

impl ChangeAction {
    /// Facts about this machine's copies of files (where they are, whether they are there,
    /// which folders it watches): journaled for the app's refresh, never synchronised.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            ChangeAction::Presence
                | ChangeAction::Relink
                | ChangeAction::WatchAdd
                | ChangeAction::WatchRemove
                | ChangeAction::Synced
        )
    }
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Change {
    /// Position in the journal (increasing).
    #[ts(type = "number")]
    pub seq: i64,
    /// When, unix ms.
    #[ts(type = "number")]
    pub at: i64,
    /// Who acted.
    pub actor: Option<UserId>,
    /// Their login name, for people.
    pub actor_name: Option<String>,
    /// What kind of thing changed.
    pub entity: Entity,
    /// What happened.
    pub action: ChangeAction,
    /// The public id of the thing changed (the tag, the collection, the asset…), when one.
    pub entity_id: Option<String>,
    /// The assets the action touched (bulk actions), in no particular order.
    pub assets: Vec<AssetId>,
    /// The changed fields before (for bulk actions, per asset id).
    #[ts(type = "Record<string, unknown> | null")]
    pub before: Option<serde_json::Value>,
    /// The changed fields after.
    #[ts(type = "Record<string, unknown> | null")]
    pub after: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for e in Entity::ALL {
            assert_eq!(Entity::parse(e.as_str()), Some(*e));
            assert_eq!(serde_json::to_string(e).unwrap(), format!("\"{}\"", e.as_str()));
        }
        for a in ChangeAction::ALL {
            assert_eq!(ChangeAction::parse(a.as_str()), Some(*a));
            assert_eq!(serde_json::to_string(a).unwrap(), format!("\"{}\"", a.as_str()));
        }
    }
}
