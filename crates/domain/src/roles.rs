//! Roles: a member's role in the studio and their role on one brand (SPEC R10.1–R10.2).
//! Only the names and the one fact that ties them together (Owners and Admins act as Managers);
//! what each role may do lives in `policy`, and who holds which role is the stores' business.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InvalidInput;
use crate::asset::text_enum;

text_enum!(
    /// A member's role in the studio (SPEC R10.1).
    StudioRole, "studio role", InvalidStudioRole {
        /// Everything; only an Owner grants or removes the Owner role.
        Owner = 0 => "owner",
        /// Members, brands, studio settings; Manager powers on every brand.
        Admin = 1 => "admin",
        /// Works on the brands they belong to, with the brand role they hold there.
        Member = 2 => "member",
    }
);

text_enum!(
    /// A member's role on one team brand (SPEC R10.2).
    BrandRole, "brand role", InvalidBrandRole {
        /// Kit, members, campaigns, public links, review decisions, archive.
        Manager = 0 => "manager",
        /// Creates, uploads and generates on the brand, submits own drafts, forks, tags
        /// campaigns, creates campaigns.
        Creator = 1 => "creator",
        /// Read only.
        Viewer = 2 => "viewer",
    }
);

impl StudioRole {
    /// Whether this studio role acts as a Manager on every team brand, whatever brand role
    /// (if any) the member holds there: true for Owner and Admin (SPEC R7.1, R10.5).
    pub fn acts_as_manager(self) -> bool {
        match self {
            StudioRole::Owner | StudioRole::Admin => true,
            StudioRole::Member => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_and_admins_act_as_managers_members_do_not() {
        assert!(StudioRole::Owner.acts_as_manager());
        assert!(StudioRole::Admin.acts_as_manager());
        assert!(!StudioRole::Member.acts_as_manager());
    }

    #[test]
    fn roles_round_trip_through_text_code_and_json() {
        for r in StudioRole::ALL {
            assert_eq!(r.as_str().parse::<StudioRole>().unwrap(), *r);
            assert_eq!(StudioRole::from_code(r.code()), Some(*r));
            let json = serde_json::to_string(r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert_eq!(serde_json::from_str::<StudioRole>(&json).unwrap(), *r);
        }
        for r in BrandRole::ALL {
            assert_eq!(r.as_str().parse::<BrandRole>().unwrap(), *r);
            assert_eq!(BrandRole::from_code(r.code()), Some(*r));
            let json = serde_json::to_string(r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert_eq!(serde_json::from_str::<BrandRole>(&json).unwrap(), *r);
        }
    }

    #[test]
    fn role_spellings_are_fixed() {
        let studio: Vec<_> = StudioRole::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(studio, ["owner", "admin", "member"]);
        let brand: Vec<_> = BrandRole::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(brand, ["manager", "creator", "viewer"]);
        assert_eq!(" Admin ".parse::<StudioRole>().unwrap(), StudioRole::Admin);
        assert_eq!("CREATOR".parse::<BrandRole>().unwrap(), BrandRole::Creator);
    }

    #[test]
    fn unknown_roles_are_refused_with_the_allowed_ones() {
        let err = "manager".parse::<StudioRole>().unwrap_err();
        assert_eq!(err.code, "invalid_studio_role");
        assert!(err.message.contains("owner, admin, member"), "{}", err.message);
        let err = "owner".parse::<BrandRole>().unwrap_err();
        assert_eq!(err.code, "invalid_brand_role");
        assert!(
            err.message.contains("manager, creator, viewer"),
            "{}",
            err.message
        );
        assert_eq!(StudioRole::from_code(9), None);
        assert_eq!(BrandRole::from_code(-1), None);
    }
}
