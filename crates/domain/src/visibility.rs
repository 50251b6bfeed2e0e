//! Who may see what (SPEC R9.3, R10.4, R10.5): an asset is visible to someone when its brand is
//! (their own Personal brand; a team brand they belong to, whatever their role; every team brand
//! for studio Owners and Admins) and its project is (their own, or a shared one). Reads show only
//! what is visible; changes to what isn't are refused with the reason.
//!
//! Pure rules over plain facts; the catalog applies them to bitmaps, the library to one asset.

use crate::ErrorCode;
use crate::InvalidInput;
use crate::policy::BrandKind;
use crate::roles::StudioRole;

/// Where an asset is, as far as seeing it goes, from one person's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The asset's brand.
    pub brand: BrandKind,
    /// Whether the person belongs to that brand (any role); ignored for Personal brands.
    pub member: bool,
    /// Whether the asset's project is the person's own.
    pub own_project: bool,
    /// Whether the asset's project is shared with the studio.
    pub shared_project: bool,
}

/// Whether someone with `studio_role` may see a brand.
pub fn sees_brand(brand: BrandKind, member: bool, studio_role: StudioRole) -> bool {
    match brand {
        BrandKind::Personal { owned_by_actor } => owned_by_actor,
        BrandKind::Team => member || studio_role.acts_as_manager(),
    }
}

/// Whether someone may see a project: their own, or a shared one (R9.3).
pub fn sees_project(own: bool, shared: bool) -> bool {
    own || shared
}

/// Whether someone with `studio_role` may see an asset placed so; the refusal says why not:
/// `private_brand` (someone else's Personal brand), `private_project` (someone else's project
/// that isn't shared) or `not_a_member` (a team brand they don't belong to).
pub fn may_see(place: &Placement, studio_role: StudioRole) -> Result<(), InvalidInput> {
    if let BrandKind::Personal {
        owned_by_actor: false,
    } = place.brand
    {
        return Err(InvalidInput::new(
            ErrorCode::PrivateBrand,
            "this is someone else's Personal brand: only its owner can see it",
        ));
    }
    if !sees_project(place.own_project, place.shared_project) {
        return Err(InvalidInput::new(
            ErrorCode::PrivateProject,
            "this asset is in someone else's private project: only its owner can see it until they share it",
        ));
    }
    if !sees_brand(place.brand, place.member, studio_role) {
        return Err(InvalidInput::new(
            ErrorCode::NotAMember,
            "you are not a member of this brand: ask one of its Managers to add you",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(brand: BrandKind, member: bool, own: bool, shared: bool) -> Placement {
        Placement {
            brand,
            member,
            own_project: own,
            shared_project: shared,
        }
    }

    #[test]
    fn personal_brands_and_private_projects_are_their_owners_alone() {
        let theirs = BrandKind::Personal {
            owned_by_actor: false,
        };
        let mine = BrandKind::Personal { owned_by_actor: true };
        for role in StudioRole::ALL {
            assert_eq!(
                may_see(&place(theirs, true, true, true), *role).unwrap_err().code,
                "private_brand",
                "not even an Owner sees another's Personal brand"
            );
            assert!(may_see(&place(mine, false, true, false), *role).is_ok());
            assert_eq!(
                may_see(&place(BrandKind::Team, true, false, false), *role)
                    .unwrap_err()
                    .code,
                "private_project"
            );
        }
    }

    #[test]
    fn team_brands_need_membership_unless_owner_or_admin() {
        let shared_team = |member| place(BrandKind::Team, member, false, true);
        assert!(may_see(&shared_team(true), StudioRole::Member).is_ok());
        assert_eq!(
            may_see(&shared_team(false), StudioRole::Member).unwrap_err().code,
            "not_a_member"
        );
        assert!(may_see(&shared_team(false), StudioRole::Admin).is_ok());
        assert!(may_see(&shared_team(false), StudioRole::Owner).is_ok());
    }
}
