//! The policy (SPEC R10.5, with R7.1–R7.2, R8.1, R9.3 and R10.2–R10.4): one function, [`can`],
//! that says whether an actor may take an action on a target, from roles and brand kind alone.
//! It must not know statuses (that is `review`), the Approved lock, sharing or storage: callers
//! look up the actor's roles and the target's brand, then ask here before changing anything.

use crate::ErrorCode;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InvalidInput;
use crate::asset::text_enum;
use crate::review::{PERSONAL_SKIPS_REVIEW, ReviewAction};
use crate::roles::{BrandRole, StudioRole};

text_enum!(
    /// Something a member may try to do on a brand or on one of its assets. "Own" below means
    /// the actor created the asset ([`Target::own_asset`]).
    Action, "action", InvalidAction {
        /// See an asset of the brand, its campaigns and threads. Viewer and up.
        ViewAsset = 0 => "view_asset",
        /// Change an asset's file, name, prompt or other content. Creator on own assets; a
        /// Manager on any asset of the brand, since a Manager manages the brand's work.
        EditAsset = 1 => "edit_asset",
        /// Tag, rate, flag or file (collections) an asset. Creator and up.
        Organise = 2 => "organise",
        /// Import, upload or generate onto the brand. Creator and up.
        Upload = 3 => "upload",
        /// Delete an asset. Creator on own assets; Manager on any.
        DeleteAsset = 4 => "delete_asset",
        /// Make a new Draft from an asset (SPEC R7.5). Creator and up.
        Fork = 5 => "fork",
        /// Move an asset out of this brand (the target is the source brand). Creator on own
        /// assets; Manager on any.
        MoveOutOfBrand = 6 => "move_out_of_brand",
        /// Move assets into this brand (the target is the destination brand). Creator and up;
        /// never into a Personal brand.
        MoveIntoBrand = 7 => "move_into_brand",
        /// Move an asset to another project. Creator on own assets; Manager on any.
        MoveProject = 8 => "move_project",
        /// Submit for review. Creator on own assets; Manager on any.
        Submit = 9 => "submit",
        /// Approve an asset in review. Manager; not on an own asset unless the brand allows
        /// self-approval.
        Approve = 10 => "approve",
        /// Send an asset in review back with changes requested. Manager.
        RequestChanges = 11 => "request_changes",
        /// Take an asset with changes requested back to Draft. Creator on own assets; Manager on
        /// any.
        Revise = 12 => "revise",
        /// Archive an asset. Manager.
        Archive = 13 => "archive",
        /// Unarchive an asset. Manager.
        Unarchive = 14 => "unarchive",
        /// Add an asset to a campaign, or remove it. Creator and up.
        AddToCampaign = 15 => "add_to_campaign",
        /// Create a campaign on the brand. Creator and up.
        CreateCampaign = 16 => "create_campaign",
        /// Delete a campaign (the grouping only, SPEC R8.3). Manager.
        DeleteCampaign = 17 => "delete_campaign",
        /// Publish, regenerate or revoke a campaign's public link. Manager.
        ControlPublicLink = 18 => "control_public_link",
        /// Edit the brand kit. Manager.
        EditKit = 19 => "edit_kit",
        /// Pin an anchor asset to the brand kit. Manager.
        PinAnchor = 20 => "pin_anchor",
        /// Invite, change or remove the brand's members. Manager.
        ManageMembers = 21 => "manage_members",
    }
);

impl From<ReviewAction> for Action {
    fn from(action: ReviewAction) -> Self {
        match action {
            ReviewAction::Submit => Action::Submit,
            ReviewAction::Approve => Action::Approve,
            ReviewAction::RequestChanges => Action::RequestChanges,
            ReviewAction::Revise => Action::Revise,
            ReviewAction::Archive => Action::Archive,
            ReviewAction::Unarchive => Action::Unarchive,
        }
    }
}

/// Who is acting: their studio role, and their role on the target's brand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Actor {
    /// The actor's role in the studio.
    pub studio_role: StudioRole,
    /// The actor's role on the TARGET's brand; `None` when they are not one of its members.
    /// Ignored on Personal brands, which have no members.
    pub brand_role: Option<BrandRole>,
}

/// What kind of brand the target belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BrandKind {
    /// A shared brand of the studio, with members and roles.
    Team,
    /// A member's private Personal brand (SPEC R10.4).
    Personal {
        /// Whether the actor is the member whose Personal brand it is.
        owned_by_actor: bool,
    },
}

/// What the action is taken on: a brand, or one asset of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Target {
    /// The brand acted on, or the brand of the asset acted on.
    pub brand: BrandKind,
    /// Whether the actor created the asset. Irrelevant (pass `false`) for brand-level actions:
    /// Upload, MoveIntoBrand, CreateCampaign, DeleteCampaign, ControlPublicLink, EditKit,
    /// PinAnchor, ManageMembers.
    pub own_asset: bool,
    /// Whether the brand's kit allows self-approval (SPEC R10.3; off by default).
    pub self_approval: bool,
}

/// Whether `actor` may take `action` on `target`. `Ok(())` means yes; a refusal carries one of
/// these codes:
///
/// - `private_brand`: someone else's Personal brand — refused to everyone, studio Owner included;
/// - `no_review_on_personal`, `no_campaigns_on_personal`, `no_members_on_personal`,
///   `not_into_personal`: what a Personal brand never has (SPEC R7.2, R8.1, R10.4);
/// - `not_a_member`: no role on this team brand and not a studio Owner or Admin (SPEC R9.3);
/// - `forbidden`: the actor's brand role is not enough; the message names the one needed;
/// - `self_approval_off`: a Manager approving their own asset while self-approval is off.
///
/// On a Personal brand the studio role does not matter. On a team brand, studio Owners and Admins
/// act as Managers whatever their brand role. Roles only: the asset's status, the Approved lock
/// (SPEC R7.5) and whether its project is shared (R7.3) are checked elsewhere.
pub fn can(actor: &Actor, action: Action, target: &Target) -> Result<(), InvalidInput> {
    match target.brand {
        BrandKind::Personal {
            owned_by_actor: false,
        } => Err(InvalidInput::new(
            ErrorCode::PrivateBrand,
            "this is someone else's Personal brand: only its owner can see it",
        )),
        BrandKind::Personal { owned_by_actor: true } => on_own_personal(action),
        BrandKind::Team => on_team(actor, action, target),
    }
}

/// The Personal brand's owner may do anything that a Personal brand has at all.
fn on_own_personal(action: Action) -> Result<(), InvalidInput> {
    use Action::*;
    let (code, message) = match action {
        Submit | Approve | RequestChanges | Revise => (ErrorCode::NoReviewOnPersonal, PERSONAL_SKIPS_REVIEW),
        AddToCampaign | CreateCampaign | DeleteCampaign | ControlPublicLink => (
            ErrorCode::NoCampaignsOnPersonal,
            "Personal brands have no campaigns: move the asset to a team brand to use it in one",
        ),
        ManageMembers => (
            ErrorCode::NoMembersOnPersonal,
            "Personal brands have no members: only their owner can see them",
        ),
        MoveIntoBrand => (
            ErrorCode::NotIntoPersonal,
            "assets can move out of a Personal brand but never into one",
        ),
        ViewAsset | EditAsset | Organise | Upload | DeleteAsset | Fork | MoveOutOfBrand | MoveProject
        | Archive | Unarchive | EditKit | PinAnchor => return Ok(()),
    };
    Err(InvalidInput::new(code, message))
}

/// Which brand role an action needs on a team brand.
enum Need {
    /// Viewer and up.
    Viewer,
    /// Creator and up.
    Creator,
    /// Creator on own assets, Manager on any.
    CreatorOwn,
    /// Manager.
    Manager,
}

fn need(action: Action) -> Need {
    use Action::*;
    match action {
        ViewAsset => Need::Viewer,
        Organise | Upload | Fork | MoveIntoBrand | AddToCampaign | CreateCampaign => Need::Creator,
        EditAsset | DeleteAsset | MoveOutOfBrand | MoveProject | Submit | Revise => Need::CreatorOwn,
        Approve | RequestChanges | Archive | Unarchive | DeleteCampaign | ControlPublicLink | EditKit
        | PinAnchor | ManageMembers => Need::Manager,
    }
}

fn on_team(actor: &Actor, action: Action, target: &Target) -> Result<(), InvalidInput> {
    let role = if actor.studio_role.acts_as_manager() {
        BrandRole::Manager
    } else {
        match actor.brand_role {
            Some(role) => role,
            None => {
                return Err(InvalidInput::new(
                    ErrorCode::NotAMember,
                    "you are not a member of this brand: ask one of its Managers to add you",
                ));
            }
        }
    };
    let allowed = match (need(action), role) {
        (_, BrandRole::Manager) => true,
        (Need::Viewer, _) => true,
        (Need::Creator, BrandRole::Creator) => true,
        (Need::CreatorOwn, BrandRole::Creator) => target.own_asset,
        (Need::Creator | Need::CreatorOwn | Need::Manager, _) => false,
    };
    if !allowed {
        return Err(InvalidInput::new(ErrorCode::Forbidden, forbidden(action, role)));
    }
    if action == Action::Approve && target.own_asset && !target.self_approval {
        return Err(InvalidInput::new(
            ErrorCode::SelfApprovalOff,
            "self-approval is off for this brand: a different Manager must approve your own asset",
        ));
    }
    Ok(())
}

/// The refusal for a role that is not enough, naming the role needed.
fn forbidden(action: Action, role: BrandRole) -> String {
    let you = match role {
        BrandRole::Manager => "you are a Manager",
        BrandRole::Creator => "you are a Creator",
        BrandRole::Viewer => "you are a Viewer",
    };
    match need(action) {
        Need::CreatorOwn if role == BrandRole::Creator => format!(
            "only the asset's creator or a Manager can {} ({you}, and someone else created this asset)",
            verb(action)
        ),
        Need::CreatorOwn => format!(
            "{} needs the Creator role (for your own assets) or the Manager role on this brand ({you})",
            gerund(action)
        ),
        Need::Creator | Need::Viewer => format!(
            "{} needs the Creator or Manager role on this brand ({you})",
            gerund(action)
        ),
        Need::Manager => format!("{} needs the Manager role on this brand ({you})", gerund(action)),
    }
}

/// The action as the subject of a sentence ("approving needs …").
fn gerund(action: Action) -> &'static str {
    use Action::*;
    match action {
        ViewAsset => "viewing this brand's assets",
        EditAsset => "editing an asset",
        Organise => "tagging, rating, flagging and filing assets",
        Upload => "importing, uploading or generating on this brand",
        DeleteAsset => "deleting an asset",
        Fork => "forking an asset",
        MoveOutOfBrand => "moving an asset out of this brand",
        MoveIntoBrand => "moving assets into this brand",
        MoveProject => "moving an asset to another project",
        Submit => "submitting for review",
        Approve => "approving",
        RequestChanges => "requesting changes",
        Revise => "revising",
        Archive => "archiving",
        Unarchive => "unarchiving",
        AddToCampaign => "adding assets to campaigns",
        CreateCampaign => "creating a campaign",
        DeleteCampaign => "deleting a campaign",
        ControlPublicLink => "controlling a campaign's public link",
        EditKit => "editing the brand kit",
        PinAnchor => "pinning anchors to the brand kit",
        ManageMembers => "managing the brand's members",
    }
}

/// The action done to one asset ("… can submit it"); only for actions limited to own assets.
fn verb(action: Action) -> &'static str {
    use Action::*;
    match action {
        EditAsset => "edit it",
        DeleteAsset => "delete it",
        MoveOutOfBrand => "move it out of this brand",
        MoveProject => "move it to another project",
        Submit => "submit it",
        Revise => "revise it",
        _ => "do this",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;

    const STUDIO: [StudioRole; 3] = [StudioRole::Owner, StudioRole::Admin, StudioRole::Member];
    const BRAND: [Option<BrandRole>; 4] = [
        None,
        Some(BrandRole::Viewer),
        Some(BrandRole::Creator),
        Some(BrandRole::Manager),
    ];
    const KINDS: [BrandKind; 3] = [
        BrandKind::Team,
        BrandKind::Personal { owned_by_actor: true },
        BrandKind::Personal {
            owned_by_actor: false,
        },
    ];

    // Expected answers, written out by hand from the SPEC: one row per action, one character per
    // cell.
    //   y ok                         N not_a_member           F forbidden
    //   S self_approval_off          P private_brand          R no_review_on_personal
    //   C no_campaigns_on_personal   M no_members_on_personal I not_into_personal
    //
    // Columns: three blocks by brand kind — team | own Personal | someone else's Personal —
    // each of three groups by studio role — owner admin member — each of four pairs by brand
    // role — none viewer creator manager — each pair being (own asset, someone else's asset).
    // Self-approval is off for the brand.
    const MATRIX: &str = "
                    team                        own Personal                someone else's Personal
                    owner    admin    member    owner    admin    member    owner    admin    member
view_asset          yyyyyyyy yyyyyyyy NNyyyyyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
edit_asset          yyyyyyyy yyyyyyyy NNFFyFyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
organise            yyyyyyyy yyyyyyyy NNFFyyyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
upload              yyyyyyyy yyyyyyyy NNFFyyyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
delete_asset        yyyyyyyy yyyyyyyy NNFFyFyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
fork                yyyyyyyy yyyyyyyy NNFFyyyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
move_out_of_brand   yyyyyyyy yyyyyyyy NNFFyFyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
move_into_brand     yyyyyyyy yyyyyyyy NNFFyyyy  IIIIIIII IIIIIIII IIIIIIII  PPPPPPPP PPPPPPPP PPPPPPPP
move_project        yyyyyyyy yyyyyyyy NNFFyFyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
submit              yyyyyyyy yyyyyyyy NNFFyFyy  RRRRRRRR RRRRRRRR RRRRRRRR  PPPPPPPP PPPPPPPP PPPPPPPP
approve             SySySySy SySySySy NNFFFFSy  RRRRRRRR RRRRRRRR RRRRRRRR  PPPPPPPP PPPPPPPP PPPPPPPP
request_changes     yyyyyyyy yyyyyyyy NNFFFFyy  RRRRRRRR RRRRRRRR RRRRRRRR  PPPPPPPP PPPPPPPP PPPPPPPP
revise              yyyyyyyy yyyyyyyy NNFFyFyy  RRRRRRRR RRRRRRRR RRRRRRRR  PPPPPPPP PPPPPPPP PPPPPPPP
archive             yyyyyyyy yyyyyyyy NNFFFFyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
unarchive           yyyyyyyy yyyyyyyy NNFFFFyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
add_to_campaign     yyyyyyyy yyyyyyyy NNFFyyyy  CCCCCCCC CCCCCCCC CCCCCCCC  PPPPPPPP PPPPPPPP PPPPPPPP
create_campaign     yyyyyyyy yyyyyyyy NNFFyyyy  CCCCCCCC CCCCCCCC CCCCCCCC  PPPPPPPP PPPPPPPP PPPPPPPP
delete_campaign     yyyyyyyy yyyyyyyy NNFFFFyy  CCCCCCCC CCCCCCCC CCCCCCCC  PPPPPPPP PPPPPPPP PPPPPPPP
control_public_link yyyyyyyy yyyyyyyy NNFFFFyy  CCCCCCCC CCCCCCCC CCCCCCCC  PPPPPPPP PPPPPPPP PPPPPPPP
edit_kit            yyyyyyyy yyyyyyyy NNFFFFyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
pin_anchor          yyyyyyyy yyyyyyyy NNFFFFyy  yyyyyyyy yyyyyyyy yyyyyyyy  PPPPPPPP PPPPPPPP PPPPPPPP
manage_members      yyyyyyyy yyyyyyyy NNFFFFyy  MMMMMMMM MMMMMMMM MMMMMMMM  PPPPPPPP PPPPPPPP PPPPPPPP
";

    // Approve with self-approval ON for the brand, same columns: only a Manager's own asset changes.
    const APPROVE_SELF_APPROVAL_ON: &str =
        "yyyyyyyy yyyyyyyy NNFFFFyy  RRRRRRRR RRRRRRRR RRRRRRRR  PPPPPPPP PPPPPPPP PPPPPPPP";

    /// The matrix's rows as (action, cells); the two header lines have no action.
    fn matrix_rows() -> Vec<(Action, &'static str)> {
        MATRIX
            .lines()
            .filter(|line| !line.trim().is_empty() && !line.starts_with(' '))
            .map(|line| {
                let (name, cells) = line.split_once(' ').expect("a row starts with its action");
                (name.parse::<Action>().expect("a known action"), cells)
            })
            .collect()
    }

    const CODES: [&str; 8] = [
        "not_a_member",
        "forbidden",
        "self_approval_off",
        "private_brand",
        "no_review_on_personal",
        "no_campaigns_on_personal",
        "no_members_on_personal",
        "not_into_personal",
    ];

    fn code_of(cell: char) -> Option<&'static str> {
        match cell {
            'y' => None,
            'N' => Some("not_a_member"),
            'F' => Some("forbidden"),
            'S' => Some("self_approval_off"),
            'P' => Some("private_brand"),
            'R' => Some("no_review_on_personal"),
            'C' => Some("no_campaigns_on_personal"),
            'M' => Some("no_members_on_personal"),
            'I' => Some("not_into_personal"),
            other => panic!("unknown cell '{other}' in the matrix"),
        }
    }

    /// Every cell in the column order of the matrix: (actor, target, label).
    fn cells(self_approval: bool) -> Vec<(Actor, Target, String)> {
        let mut out = Vec::new();
        for brand in KINDS {
            for studio_role in STUDIO {
                for brand_role in BRAND {
                    for own_asset in [true, false] {
                        let actor = Actor {
                            studio_role,
                            brand_role,
                        };
                        let target = Target {
                            brand,
                            own_asset,
                            self_approval,
                        };
                        let label = format!(
                            "{brand:?} studio={studio_role} brand={} own={own_asset} self_approval={}",
                            brand_role.map_or("none", BrandRole::as_str),
                            self_approval
                        );
                        out.push((actor, target, label));
                    }
                }
            }
        }
        out
    }

    fn check_row(action: Action, row: &str, self_approval: bool) {
        let expected: Vec<char> = row.chars().filter(|c| !c.is_whitespace()).collect();
        let cells = cells(self_approval);
        assert_eq!(
            expected.len(),
            cells.len(),
            "row for {action} has the wrong number of cells"
        );
        for (want, (actor, target, label)) in expected.into_iter().zip(cells) {
            let got = can(&actor, action, &target);
            match code_of(want) {
                None => assert_eq!(got, Ok(()), "{action} for {label}"),
                Some(code) => {
                    let err = got.expect_err(&format!("{action} for {label} must be refused"));
                    assert_eq!(err.code, code, "{action} for {label}: {}", err.message);
                }
            }
        }
    }

    #[test]
    fn matrix_answers_every_actor_action_and_target() {
        let rows = matrix_rows();
        for action in Action::ALL {
            let n = rows.iter().filter(|(a, _)| a == action).count();
            assert_eq!(n, 1, "{action} has {n} rows in the matrix");
        }
        for (action, row) in rows {
            check_row(action, row, false);
        }
    }

    #[test]
    fn self_approval_on_lets_a_manager_approve_own_work() {
        check_row(Approve, APPROVE_SELF_APPROVAL_ON, true);
    }

    #[test]
    fn self_approval_changes_nothing_but_approve() {
        for action in Action::ALL.iter().copied().filter(|a| *a != Approve) {
            for ((actor, off, label), (_, on, _)) in cells(false).into_iter().zip(cells(true)) {
                assert_eq!(
                    can(&actor, action, &off),
                    can(&actor, action, &on),
                    "{action} for {label}"
                );
            }
        }
    }

    #[test]
    fn every_refusal_has_a_documented_code_and_a_message() {
        for self_approval in [false, true] {
            for action in Action::ALL {
                for (actor, target, label) in cells(self_approval) {
                    if let Err(err) = can(&actor, *action, &target) {
                        assert!(
                            CODES.contains(&err.code.as_str()),
                            "{action} for {label}: {}",
                            err.code
                        );
                        assert!(!err.message.trim().is_empty(), "{action} for {label}");
                        if err.code == "forbidden" {
                            assert!(err.message.contains("Manager"), "{}", err.message);
                        }
                    }
                }
            }
        }
    }

    fn member(brand_role: BrandRole) -> Actor {
        Actor {
            studio_role: StudioRole::Member,
            brand_role: Some(brand_role),
        }
    }

    fn team(own_asset: bool) -> Target {
        Target {
            brand: BrandKind::Team,
            own_asset,
            self_approval: false,
        }
    }

    fn message(actor: Actor, action: Action, target: Target) -> String {
        can(&actor, action, &target).unwrap_err().message
    }

    #[test]
    fn refusals_name_the_role_needed_and_the_one_held() {
        assert_eq!(
            message(member(BrandRole::Creator), Approve, team(false)),
            "approving needs the Manager role on this brand (you are a Creator)"
        );
        assert_eq!(
            message(member(BrandRole::Creator), Submit, team(false)),
            "only the asset's creator or a Manager can submit it (you are a Creator, and someone else \
             created this asset)"
        );
        assert_eq!(
            message(member(BrandRole::Viewer), Submit, team(true)),
            "submitting for review needs the Creator role (for your own assets) or the Manager role on \
             this brand (you are a Viewer)"
        );
        assert_eq!(
            message(member(BrandRole::Viewer), Upload, team(false)),
            "importing, uploading or generating on this brand needs the Creator or Manager role on this \
             brand (you are a Viewer)"
        );
        assert_eq!(
            message(member(BrandRole::Manager), Approve, team(true)),
            "self-approval is off for this brand: a different Manager must approve your own asset"
        );
    }

    #[test]
    fn personal_brand_refusals_explain_what_personal_brands_lack() {
        let me = Actor {
            studio_role: StudioRole::Owner,
            brand_role: None,
        };
        let mine = Target {
            brand: BrandKind::Personal { owned_by_actor: true },
            own_asset: true,
            self_approval: true,
        };
        assert_eq!(message(me, Submit, mine), PERSONAL_SKIPS_REVIEW);
        assert!(message(me, CreateCampaign, mine).starts_with("Personal brands have no campaigns"));
        assert!(message(me, ManageMembers, mine).starts_with("Personal brands have no members"));
        assert_eq!(
            message(me, MoveIntoBrand, mine),
            "assets can move out of a Personal brand but never into one"
        );
        let theirs = Target {
            brand: BrandKind::Personal {
                owned_by_actor: false,
            },
            ..mine
        };
        assert_eq!(
            message(me, ViewAsset, theirs),
            "this is someone else's Personal brand: only its owner can see it"
        );
        let outsider = Actor {
            studio_role: StudioRole::Member,
            brand_role: None,
        };
        assert!(message(outsider, ViewAsset, team(false)).starts_with("you are not a member of this brand"));
    }

    #[test]
    fn review_actions_map_to_policy_actions_of_the_same_name() {
        for action in ReviewAction::ALL {
            assert_eq!(Action::from(*action).as_str(), action.as_str());
        }
    }

    #[test]
    fn actions_round_trip_through_text_and_code() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>().unwrap(), *action);
            assert_eq!(Action::from_code(action.code()), Some(*action));
        }
        assert_eq!(
            "control-public-link".parse::<Action>().unwrap(),
            ControlPublicLink
        );
        assert_eq!("nope".parse::<Action>().unwrap_err().code, "invalid_action");
    }
}
