//! The rules every entry point applies before changing anything, as pure functions over plain
//! facts — so the desktop's library and the studio server enforce exactly the same ones:
//!
//! - per asset ([`AssetFacts`]): what each organising action needs of the actor's roles
//!   ([`can`](crate::can)), of the asset's status (the Approved lock, SPEC R7.5), of the Trash,
//!   of the brand it is on, and of the tag limit;
//! - per studio ([`StudioAction`]): what only an Owner or Admin may do (create brands, rename,
//!   merge or delete a tag for everyone);
//! - per brand: the creator becomes its first Manager, a brand always keeps a Manager, a
//!   Personal brand keeps its name, "Personal" is reserved;
//! - the brand kit's and campaign's limits ([`kit`]);
//! - the studio's people: emails, new passwords, studio role changes, device revocation
//!   ([`people`]).
//!
//! Must not know storage, rows or ids: callers look the facts up, ask here, then write.

use crate::limits::{MAX_ANCHORS, MAX_DESCRIPTION_CHARS, MAX_TAGS_PER_ASSET};
use crate::policy::{Action, Actor, BrandKind, Target, can};
use crate::review::{ReviewAction, next_status, personal_next_status};
use crate::roles::{BrandRole, StudioRole};
use crate::{ErrorCode, InvalidInput, Status};

pub mod kit;
pub mod people;

/// What the rules need to know of one asset, as the actor sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetFacts<'a> {
    /// Its file name, for messages.
    pub name: &'a str,
    /// Its review status.
    pub status: Status,
    /// Whether it is in the Trash.
    pub trashed: bool,
    /// How many tags it carries.
    pub tag_count: u32,
    /// Its brand, as the actor relates to it, and whether they created it.
    pub target: Target,
}

impl AssetFacts<'_> {
    fn personal(&self) -> bool {
        matches!(self.target.brand, BrandKind::Personal { .. })
    }
}

/// Refusal for changes to approved work (R7.5).
pub fn approved_locked(what: &str) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::ApprovedLocked,
        format!("approved assets can't {what}: archive it first"),
    )
}

fn not_approved(f: &AssetFacts<'_>, what: &str) -> Result<(), InvalidInput> {
    if f.status == Status::Approved {
        return Err(approved_locked(what));
    }
    Ok(())
}

/// Every action but restore and purge acts on live assets: one in the Trash must come out first.
pub fn live(f: &AssetFacts<'_>) -> Result<(), InvalidInput> {
    if f.trashed {
        return Err(InvalidInput::new(
            ErrorCode::InTrash,
            format!("{} is in the Trash: restore it first", f.name),
        ));
    }
    Ok(())
}

/// Restore and purge act on what is in the Trash only.
pub fn in_trash(f: &AssetFacts<'_>) -> Result<(), InvalidInput> {
    if !f.trashed {
        return Err(InvalidInput::new(
            ErrorCode::NotInTrash,
            format!("{} is not in the Trash", f.name),
        ));
    }
    Ok(())
}

/// Rate, flag, untag: the Organise right.
pub fn organise(actor: &Actor, f: &AssetFacts<'_>) -> Result<(), InvalidInput> {
    can(actor, Action::Organise, &f.target)
}

/// Tagging: the Organise right, and at most 64 tags once `adding` new ones are on.
pub fn tag(actor: &Actor, f: &AssetFacts<'_>, adding: u32) -> Result<(), InvalidInput> {
    organise(actor, f)?;
    let total = f.tag_count + adding;
    if total > MAX_TAGS_PER_ASSET as u32 {
        return Err(InvalidInput::new(
            ErrorCode::TooManyTags,
            format!(
                "{} would carry {total} tags: at most {MAX_TAGS_PER_ASSET}",
                f.name
            ),
        ));
    }
    Ok(())
}

/// Filing in (or out of) a collection: the Organise right, on the collection's own brand.
pub fn file(actor: &Actor, f: &AssetFacts<'_>, on_its_brand: bool) -> Result<(), InvalidInput> {
    organise(actor, f)?;
    if !on_its_brand {
        return Err(InvalidInput::new(
            ErrorCode::NotOnThisBrand,
            format!(
                "{} is on another brand: collections hold their own brand's assets",
                f.name
            ),
        ));
    }
    Ok(())
}

/// Adding to (or taking out of) a campaign (R8.2): the right to, on the campaign's brand.
pub fn campaign(actor: &Actor, f: &AssetFacts<'_>, on_its_brand: bool) -> Result<(), InvalidInput> {
    can(actor, Action::AddToCampaign, &f.target)?;
    if !on_its_brand {
        return Err(InvalidInput::new(
            ErrorCode::NotOnThisBrand,
            format!("{} is not on this campaign's brand", f.name),
        ));
    }
    Ok(())
}

/// A review move (R7.1–R7.3): the transition first ("an approved asset can only be archived"
/// says more than who may approve), Personal brands skipping review (R7.2), then the role.
/// Returns the status the asset goes to.
pub fn review(actor: &Actor, f: &AssetFacts<'_>, action: ReviewAction) -> Result<Status, InvalidInput> {
    let next = if f.personal() {
        personal_next_status(action, f.status)?
    } else {
        next_status(action, f.status)?
    };
    can(actor, action.into(), &f.target)?;
    Ok(next)
}

/// Renaming or otherwise editing an asset: the right to, and approved work keeps its name.
pub fn edit(actor: &Actor, f: &AssetFacts<'_>) -> Result<(), InvalidInput> {
    can(actor, Action::EditAsset, &f.target)?;
    not_approved(f, "be renamed")
}

/// Forking into a new Draft (R7.5): allowed on approved work, that is what it is for.
pub fn fork(actor: &Actor, f: &AssetFacts<'_>) -> Result<(), InvalidInput> {
    can(actor, Action::Fork, &f.target)
}

/// Moving to the Trash (R4.3, R7.5): approved work is refused (archive it first).
pub fn delete(actor: &Actor, f: &AssetFacts<'_>) -> Result<(), InvalidInput> {
    can(actor, Action::DeleteAsset, &f.target)?;
    not_approved(f, "be deleted")
}

/// Restoring from, or purging, the Trash: the right to delete.
pub fn restore_or_purge(actor: &Actor, f: &AssetFacts<'_>) -> Result<(), InvalidInput> {
    can(actor, Action::DeleteAsset, &f.target)
}

/// Moving to another project (R9.4): approved work stays where it is.
pub fn move_project(actor: &Actor, f: &AssetFacts<'_>) -> Result<(), InvalidInput> {
    can(actor, Action::MoveProject, &f.target)?;
    not_approved(f, "be moved to another project")
}

/// Moving to another brand (R10.4): out of this one (`actor` on the asset's brand), into the
/// other (`into` and `to` on the destination), never into a Personal brand, approved work
/// staying where it is. The asset goes back to Draft there.
pub fn move_brand(actor: &Actor, f: &AssetFacts<'_>, into: &Actor, to: &Target) -> Result<(), InvalidInput> {
    can(actor, Action::MoveOutOfBrand, &f.target)?;
    can(into, Action::MoveIntoBrand, to)?;
    not_approved(f, "be moved to another brand")
}

/// What only a studio's Owner or Admin may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StudioAction {
    /// Create a team brand (R10.1), by hand or by importing onto a new brand name.
    CreateBrand,
    /// Rename, merge or delete a tag for everyone (tags are the studio's shared words).
    ManageTags,
}

/// Whether a studio role may take a studio-wide action.
pub fn can_in_studio(role: StudioRole, action: StudioAction) -> Result<(), InvalidInput> {
    if role.acts_as_manager() {
        return Ok(());
    }
    let what = match action {
        StudioAction::CreateBrand => "creating a brand",
        StudioAction::ManageTags => "renaming, merging or deleting a tag for everyone",
    };
    Err(InvalidInput::new(
        ErrorCode::Forbidden,
        format!("{what} needs the studio's Owner or Admin role"),
    ))
}

/// The role a brand's creator takes on it (R10.2): a brand always starts with a Manager.
pub const CREATOR_ROLE: BrandRole = BrandRole::Manager;

/// The role a member added without one gets: they can work on the brand, not run it.
pub const DEFAULT_MEMBER_ROLE: BrandRole = BrandRole::Creator;

/// The brand role someone will hold on a team brand they are about to create by importing onto
/// it, for checking the import before anything is written.
pub fn role_on_new_brand(role: StudioRole) -> Result<Actor, InvalidInput> {
    can_in_studio(role, StudioAction::CreateBrand)?;
    Ok(Actor {
        studio_role: role,
        brand_role: Some(CREATOR_ROLE),
    })
}

/// A member change (R10.2): a brand always keeps a Manager, and only existing users are
/// removed. `managers` counts the brand's Managers now.
pub fn member_change(
    user: &str,
    current: Option<BrandRole>,
    new: Option<BrandRole>,
    managers: u64,
    user_exists: bool,
) -> Result<(), InvalidInput> {
    if current == Some(BrandRole::Manager) && new != Some(BrandRole::Manager) && managers <= 1 {
        return Err(InvalidInput::new(
            ErrorCode::LastManager,
            format!("{user} is the last Manager of this brand: make someone else a Manager first"),
        ));
    }
    if new.is_none() && !user_exists {
        return Err(InvalidInput::new(
            ErrorCode::UserNotFound,
            format!("no user named '{user}' in this library"),
        ));
    }
    Ok(())
}

/// The reserved name of each member's Personal brand.
pub const PERSONAL_BRAND: &str = "Personal";

/// A team brand's name: a valid name, and never "Personal" (each member's own brand is called
/// that, R10.4).
pub fn brand_name(name: &str) -> Result<String, InvalidInput> {
    let name = crate::names::validate_name("brand name", name)?;
    if crate::names::key(&name) == crate::names::key(PERSONAL_BRAND) {
        return Err(InvalidInput::new(
            ErrorCode::NameTaken,
            "'Personal' is reserved for each member's Personal brand",
        ));
    }
    Ok(name)
}

/// Renaming a brand: a Personal brand keeps its name.
pub fn rename_brand(kind: BrandKind) -> Result<(), InvalidInput> {
    if let BrandKind::Personal { .. } = kind {
        return Err(InvalidInput::new(
            ErrorCode::PersonalBrand,
            "a Personal brand keeps its name",
        ));
    }
    Ok(())
}

/// A project's or campaign's description: at most 1,000 characters, trimmed.
pub fn description(what: &str, text: Option<&str>) -> Result<String, InvalidInput> {
    let text = text.unwrap_or("").trim().to_string();
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(InvalidInput::new(
            ErrorCode::InvalidDescription,
            format!("a {what} description has at most 1,000 characters"),
        ));
    }
    Ok(text)
}

/// A campaign's name (R8.1): 1 to 120 characters, no control characters, trimmed.
pub fn campaign_name(name: &str) -> Result<String, InvalidInput> {
    let n = name.trim();
    let chars = n.chars().count();
    if chars == 0 || chars > 120 || n.chars().any(char::is_control) {
        return Err(InvalidInput::new(
            ErrorCode::InvalidName,
            format!("a campaign name has 1 to 120 characters ('{n}' has {chars})"),
        ));
    }
    Ok(n.to_string())
}

/// The studio's plan limits (R9.5) as set by an Owner or Admin: each, when set, at least 1
/// (a project, a byte); `None` is no limit.
pub fn limits(
    projects_per_member: Option<u32>,
    storage_per_project: Option<u64>,
) -> Result<(), InvalidInput> {
    if projects_per_member == Some(0) {
        return Err(InvalidInput::new(
            ErrorCode::InvalidLimitSetting,
            "projects per member must be at least 1 (or none, for no limit)",
        ));
    }
    if storage_per_project == Some(0) {
        return Err(InvalidInput::new(
            ErrorCode::InvalidLimitSetting,
            "storage per project must be more than 0 bytes (or none, for no limit)",
        ));
    }
    Ok(())
}

/// One more project for a member who owns `current` besides their Inbox (R9.5), refused with
/// the limit and the current use.
pub fn project_limit(limit: Option<u32>, current: u64) -> Result<(), InvalidInput> {
    match limit {
        Some(max) if current >= u64::from(max) => Err(InvalidInput::new(
            ErrorCode::LimitReached,
            format!(
                "the studio allows {max} project{} per member (your Inbox aside) and you have \
                 {current}: delete or merge one, or ask an Owner or Admin to raise the limit",
                if max == 1 { "" } else { "s" }
            ),
        )),
        _ => Ok(()),
    }
}

/// `adding` more bytes of originals on a project holding `current` (R9.5), refused with the
/// limit and the current use.
pub fn storage_limit(limit: Option<u64>, current: u64, adding: u64) -> Result<(), InvalidInput> {
    match limit {
        Some(max) if current.saturating_add(adding) > max => Err(InvalidInput::new(
            ErrorCode::LimitReached,
            format!(
                "the studio allows {} per project; this one holds {} and these files add {}: \
                 remove some, or ask an Owner or Admin to raise the limit",
                crate::limits::human_bytes(max),
                crate::limits::human_bytes(current),
                crate::limits::human_bytes(adding)
            ),
        )),
        _ => Ok(()),
    }
}

/// A brand pins at most 16 anchors (R10.3).
pub fn anchor_count(n: usize) -> Result<(), InvalidInput> {
    if n > MAX_ANCHORS {
        return Err(InvalidInput::new(
            ErrorCode::TooManyAnchors,
            format!("a brand pins at most {MAX_ANCHORS} anchors ({n} asked)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn limits_are_positive_or_none_and_refusals_say_limit_and_use() {
        assert!(limits(None, None).is_ok());
        assert!(limits(Some(3), Some(1)).is_ok());
        assert_eq!(
            limits(Some(0), None).unwrap_err().code,
            ErrorCode::InvalidLimitSetting
        );
        assert_eq!(
            limits(None, Some(0)).unwrap_err().code,
            ErrorCode::InvalidLimitSetting
        );
        assert!(project_limit(None, 1000).is_ok());
        assert!(project_limit(Some(3), 2).is_ok());
        let e = project_limit(Some(3), 3).unwrap_err();
        assert_eq!(e.code, ErrorCode::LimitReached);
        assert!(
            e.message
                .contains("3 projects per member (your Inbox aside) and you have 3"),
            "{}",
            e.message
        );
        assert!(storage_limit(Some(10), 5, 5).is_ok());
        let e = storage_limit(Some(1 << 30), 1 << 29, 1 << 30).unwrap_err();
        assert!(e.message.contains("1.0 GiB per project"), "{}", e.message);
        assert!(e.message.contains("holds 512.0 MiB"), "{}", e.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: Status, personal: bool) -> AssetFacts<'static> {
        AssetFacts {
            name: "a.jpg",
            status,
            trashed: false,
            tag_count: 63,
            target: Target {
                brand: if personal {
                    BrandKind::Personal { owned_by_actor: true }
                } else {
                    BrandKind::Team
                },
                own_asset: true,
                self_approval: false,
            },
        }
    }

    const CREATOR: Actor = Actor {
        studio_role: StudioRole::Member,
        brand_role: Some(BrandRole::Creator),
    };

    #[test]
    fn approved_work_is_locked_but_can_be_forked() {
        let f = facts(Status::Approved, false);
        for refused in [
            edit(&CREATOR, &f),
            delete(&CREATOR, &f),
            move_project(&CREATOR, &f),
        ] {
            assert_eq!(refused.unwrap_err().code, ErrorCode::ApprovedLocked);
        }
        assert!(fork(&CREATOR, &f).is_ok());
    }

    #[test]
    fn the_65th_tag_is_refused() {
        let f = facts(Status::Draft, false);
        assert!(tag(&CREATOR, &f, 1).is_ok());
        assert_eq!(tag(&CREATOR, &f, 2).unwrap_err().code, ErrorCode::TooManyTags);
    }

    #[test]
    fn personal_brands_skip_review_and_approving_needs_a_manager() {
        let personal = facts(Status::Draft, true);
        assert_eq!(
            review(&CREATOR, &personal, ReviewAction::Approve)
                .unwrap_err()
                .code,
            ErrorCode::NoReviewOnPersonal
        );
        assert_eq!(
            review(&CREATOR, &personal, ReviewAction::Archive).unwrap(),
            Status::Archived
        );
        let team = facts(Status::InReview, false);
        assert_eq!(
            review(&CREATOR, &team, ReviewAction::Approve).unwrap_err().code,
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn only_owners_and_admins_run_the_studio() {
        assert!(can_in_studio(StudioRole::Admin, StudioAction::CreateBrand).is_ok());
        assert_eq!(
            can_in_studio(StudioRole::Member, StudioAction::ManageTags)
                .unwrap_err()
                .code,
            ErrorCode::Forbidden
        );
        assert_eq!(
            role_on_new_brand(StudioRole::Owner).unwrap().brand_role,
            Some(BrandRole::Manager)
        );
    }

    #[test]
    fn a_brand_keeps_its_last_manager_and_personal_is_reserved() {
        let last = member_change("ada", Some(BrandRole::Manager), Some(BrandRole::Viewer), 1, true);
        assert_eq!(last.unwrap_err().code, ErrorCode::LastManager);
        assert!(member_change("ada", Some(BrandRole::Manager), None, 2, true).is_ok());
        assert_eq!(
            member_change("bob", None, None, 2, false).unwrap_err().code,
            ErrorCode::UserNotFound
        );
        assert_eq!(brand_name(" personal ").unwrap_err().code, ErrorCode::NameTaken);
        assert_eq!(
            rename_brand(BrandKind::Personal { owned_by_actor: true })
                .unwrap_err()
                .code,
            ErrorCode::PersonalBrand
        );
    }
}
