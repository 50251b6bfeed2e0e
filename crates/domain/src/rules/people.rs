//! The studio's people rules (SPEC R10.1, STUDIO.md §2): what an email and a new password must
//! be, who may change whose studio role (only an Owner grants or removes Owner; the last Owner
//! stays one), who may revoke a device (its user, or an Owner or Admin), who may invite whom
//! and with which email an invitation is accepted, and who may remove a member (only an Owner
//! removes an Owner; the last Owner can't be removed or leave).
//!
//! Must not know storage, hashing or HTTP: callers look the facts up (the current roles, how
//! many Owners there are), ask here, then write.

use crate::roles::StudioRole;
use crate::{ErrorCode, InvalidInput};

/// The longest email address accepted (RFC 5321's path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// The shortest new password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// The longest new password accepted: long passphrases are welcome, megabytes are not.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Validates an email address as typed: trimmed, one `@` with something on both sides, no
/// spaces or control characters, at most 254 characters. Deliberately loose — the only real
/// test of an address is mail reaching it — but strict enough to catch a name typed in the
/// wrong field. Returns the trimmed spelling, kept for display.
pub fn email(raw: &str) -> Result<String, InvalidInput> {
    let e = raw.trim();
    let bad = |why: &str| {
        InvalidInput::new(
            ErrorCode::InvalidEmail,
            format!("'{e}' is not an email address: {why}"),
        )
    };
    if e.is_empty() {
        return Err(InvalidInput::new(
            ErrorCode::InvalidEmail,
            "an email address is required",
        ));
    }
    if e.chars().count() > MAX_EMAIL_CHARS {
        return Err(InvalidInput::new(
            ErrorCode::InvalidEmail,
            format!("an email address has at most {MAX_EMAIL_CHARS} characters"),
        ));
    }
    if e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains spaces or control characters"));
    }
    let Some((local, domain)) = e.rsplit_once('@') else {
        return Err(bad("expected name@domain"));
    };
    if local.is_empty() || domain.is_empty() || local.contains('@') {
        return Err(bad("expected name@domain"));
    }
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Err(bad("the domain after '@' is malformed"));
    }
    Ok(e.to_string())
}

/// The form emails are unique by: case-folded, so `Ann@Studio.com` and `ann@studio.com` are
/// one account (STUDIO.md §2). Call on a validated address.
pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Validates a new password: 8 to 1,024 characters. Nothing else is imposed (no composition
/// rules, NIST SP 800-63B); it is never trimmed, since spaces may be part of a passphrase.
pub fn new_password(password: &str) -> Result<(), InvalidInput> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(InvalidInput::new(
            ErrorCode::InvalidPassword,
            format!("a password has at least {MIN_PASSWORD_CHARS} characters ({n} given)"),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(InvalidInput::new(
            ErrorCode::InvalidPassword,
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Whether `actor` may move a member from `current` to `new` (R10.1), given how many Owners
/// the studio has now (`owners`, counting the member if they are one):
/// - only Owners and Admins change roles;
/// - only an Owner grants the Owner role or takes it away;
/// - the last Owner can't be demoted (make someone else an Owner first).
///
/// Setting the role a member already holds is allowed (and changes nothing), so that a retried
/// request answers the same.
pub fn studio_role_change(
    actor: StudioRole,
    current: StudioRole,
    new: StudioRole,
    owners: u64,
) -> Result<(), InvalidInput> {
    if !actor.acts_as_manager() {
        return Err(InvalidInput::new(
            ErrorCode::Forbidden,
            "changing a member's role needs the studio's Owner or Admin role",
        ));
    }
    if current == new {
        return Ok(());
    }
    if (current == StudioRole::Owner || new == StudioRole::Owner) && actor != StudioRole::Owner {
        return Err(InvalidInput::new(
            ErrorCode::Forbidden,
            "only an Owner grants or removes the Owner role",
        ));
    }
    if current == StudioRole::Owner && owners <= 1 {
        return Err(InvalidInput::new(
            ErrorCode::LastOwner,
            "this is the studio's last Owner: make someone else an Owner first",
        ));
    }
    Ok(())
}

/// Whether `actor` may revoke a device: their own, or anyone's for an Owner or Admin
/// (STUDIO.md §2). `own` says whether the device is the actor's.
pub fn revoke_device(actor: StudioRole, own: bool) -> Result<(), InvalidInput> {
    if own || actor.acts_as_manager() {
        return Ok(());
    }
    Err(InvalidInput::new(
        ErrorCode::Forbidden,
        "revoking another member's device needs the studio's Owner or Admin role",
    ))
}

/// How long an invitation link stays valid (STUDIO.md §2); resending renews it for as long.
pub const INVITATION_DAYS: i64 = 14;

/// Whether `actor` may invite someone with the studio role `role` (R10.1): Owners and Admins
/// invite; only an Owner invites an Owner.
pub fn invite(actor: StudioRole, role: StudioRole) -> Result<(), InvalidInput> {
    if !actor.acts_as_manager() {
        return Err(InvalidInput::new(
            ErrorCode::Forbidden,
            "inviting people needs the studio's Owner or Admin role",
        ));
    }
    if role == StudioRole::Owner && actor != StudioRole::Owner {
        return Err(InvalidInput::new(
            ErrorCode::Forbidden,
            "only an Owner invites an Owner: invite them as an Admin or Member",
        ));
    }
    Ok(())
}

/// Whether `email` (as typed by the person accepting) is the address the invitation was for
/// (`invited_key`, its [`email_key`]): accepting needs the invited email, in any case.
pub fn accepting_email(invited_key: &str, email: &str) -> Result<(), InvalidInput> {
    let email = self::email(email)?;
    if email_key(&email) != invited_key {
        return Err(InvalidInput::new(
            ErrorCode::WrongEmail,
            format!(
                "this invitation is for another email address than {email}: accept it with the address it was sent to"
            ),
        ));
    }
    Ok(())
}

/// Whether `actor` may remove a member whose role is `target` from the studio, given how many
/// Owners there are now (`owners`, counting the member if they are one); `own` when the actor
/// removes themselves (leaves):
/// - Owners and Admins remove members; anyone may leave;
/// - only an Owner removes an Owner;
/// - the last Owner can't be removed or leave (make someone else an Owner first).
pub fn remove_member(
    actor: StudioRole,
    target: StudioRole,
    own: bool,
    owners: u64,
) -> Result<(), InvalidInput> {
    if !own && !actor.acts_as_manager() {
        return Err(InvalidInput::new(
            ErrorCode::Forbidden,
            "removing a member needs the studio's Owner or Admin role",
        ));
    }
    if target == StudioRole::Owner && !own && actor != StudioRole::Owner {
        return Err(InvalidInput::new(
            ErrorCode::Forbidden,
            "only an Owner removes an Owner",
        ));
    }
    if target == StudioRole::Owner && owners <= 1 {
        return Err(InvalidInput::new(
            ErrorCode::LastOwner,
            "this is the studio's last Owner: make someone else an Owner first",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::StudioRole::{Admin, Member, Owner};

    #[test]
    fn emails_need_a_name_and_a_domain() {
        assert_eq!(email("  Ann@Studio.example ").unwrap(), "Ann@Studio.example");
        assert_eq!(email("owner@studio").unwrap(), "owner@studio");
        for bad in [
            "",
            "   ",
            "ann",
            "@studio.example",
            "ann@",
            "ann@@studio",
            "a b@studio",
            "ann@.studio",
            "ann@studio.",
            "ann@stu..dio",
        ] {
            assert_eq!(email(bad).unwrap_err().code, ErrorCode::InvalidEmail, "{bad:?}");
        }
        let long = format!("{}@studio.example", "a".repeat(250));
        assert_eq!(email(&long).unwrap_err().code, ErrorCode::InvalidEmail);
    }

    #[test]
    fn emails_are_unique_ignoring_case() {
        assert_eq!(email_key("Ann@Studio.Example"), email_key("ann@studio.example"));
    }

    #[test]
    fn passwords_have_8_to_1024_characters_and_keep_their_spaces() {
        assert_eq!(
            new_password("short").unwrap_err().code,
            ErrorCode::InvalidPassword
        );
        assert!(new_password("  eight  ").is_ok());
        assert!(new_password(&"x".repeat(1024)).is_ok());
        assert_eq!(
            new_password(&"x".repeat(1025)).unwrap_err().code,
            ErrorCode::InvalidPassword
        );
    }

    #[test]
    fn members_change_no_roles() {
        for (current, new) in [(Member, Admin), (Admin, Member), (Member, Member)] {
            let err = studio_role_change(Member, current, new, 1).unwrap_err();
            assert_eq!(err.code, ErrorCode::Forbidden);
        }
    }

    #[test]
    fn admins_move_members_and_admins_but_never_owners() {
        assert!(studio_role_change(Admin, Member, Admin, 1).is_ok());
        assert!(studio_role_change(Admin, Admin, Member, 1).is_ok());
        assert_eq!(
            studio_role_change(Admin, Member, Owner, 1).unwrap_err().code,
            ErrorCode::Forbidden
        );
        assert_eq!(
            studio_role_change(Admin, Owner, Member, 2).unwrap_err().code,
            ErrorCode::Forbidden
        );
    }

    #[test]
    fn owners_grant_and_remove_owner_but_the_last_one_stays() {
        assert!(studio_role_change(Owner, Member, Owner, 1).is_ok());
        assert!(studio_role_change(Owner, Owner, Admin, 2).is_ok());
        let err = studio_role_change(Owner, Owner, Admin, 1).unwrap_err();
        assert_eq!(err.code, ErrorCode::LastOwner);
        assert!(err.message.contains("someone else an Owner"), "{}", err.message);
        // Re-stating the current role is a no-op, even for the last Owner.
        assert!(studio_role_change(Owner, Owner, Owner, 1).is_ok());
    }

    #[test]
    fn devices_are_revoked_by_their_user_or_an_admin() {
        assert!(revoke_device(Member, true).is_ok());
        assert_eq!(
            revoke_device(Member, false).unwrap_err().code,
            ErrorCode::Forbidden
        );
        assert!(revoke_device(Admin, false).is_ok());
        assert!(revoke_device(Owner, false).is_ok());
    }

    #[test]
    fn owners_and_admins_invite_but_only_owners_invite_owners() {
        assert!(invite(Owner, Owner).is_ok());
        assert!(invite(Owner, Admin).is_ok());
        assert!(invite(Admin, Admin).is_ok());
        assert!(invite(Admin, Member).is_ok());
        assert_eq!(invite(Admin, Owner).unwrap_err().code, ErrorCode::Forbidden);
        for role in [Owner, Admin, Member] {
            assert_eq!(invite(Member, role).unwrap_err().code, ErrorCode::Forbidden);
        }
    }

    #[test]
    fn an_invitation_is_accepted_with_its_email_in_any_case() {
        let key = email_key("Ann@Studio.example");
        assert!(accepting_email(&key, " ann@STUDIO.example ").is_ok());
        assert_eq!(
            accepting_email(&key, "bob@studio.example").unwrap_err().code,
            ErrorCode::WrongEmail
        );
        assert_eq!(
            accepting_email(&key, "ann").unwrap_err().code,
            ErrorCode::InvalidEmail
        );
    }

    #[test]
    fn only_owners_remove_owners_and_the_last_owner_stays() {
        assert!(remove_member(Admin, Member, false, 1).is_ok());
        assert!(remove_member(Admin, Admin, false, 1).is_ok());
        assert!(remove_member(Owner, Admin, false, 1).is_ok());
        assert_eq!(
            remove_member(Member, Member, false, 1).unwrap_err().code,
            ErrorCode::Forbidden
        );
        assert_eq!(
            remove_member(Admin, Owner, false, 2).unwrap_err().code,
            ErrorCode::Forbidden
        );
        assert!(remove_member(Owner, Owner, false, 2).is_ok());
        assert_eq!(
            remove_member(Owner, Owner, false, 1).unwrap_err().code,
            ErrorCode::LastOwner
        );
        // Leaving: anyone may, but not the last Owner.
        assert!(remove_member(Member, Member, true, 1).is_ok());
        assert!(remove_member(Owner, Owner, true, 2).is_ok());
        assert_eq!(
            remove_member(Owner, Owner, true, 1).unwrap_err().code,
            ErrorCode::LastOwner
        );
    }
}
