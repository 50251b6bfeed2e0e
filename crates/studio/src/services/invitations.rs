//! Invitations (R10.1, STUDIO.md §2): an Owner or Admin invites an email with a studio role and
//! gets a link, `<studio URL>/invite/<secret>` — 256 random bits, valid 14 days, of which the
//! store keeps only the SHA-256 —; resend renews it (new secret, new expiry: the old link
//! dies); revoke kills it; accepting needs the invited email, with a new account (sign up) or
//! the password of the account that has it (a removed member coming back), and spends the link
//! atomically.
//!
//! Must not know HTTP or SQL. Links and secrets are never logged; the answer to creating or
//! resending is the only place a link appears.

use atelier_domain::rules::people;
use atelier_domain::{ErrorCode, StudioRole, names};
use atelier_protocol::{InvitationLink, InvitationState, StudioInvitation, StudioMember};

use super::{Caller, ServiceError, ServiceResult, Studio, refused, rfc3339, secrets, user};
use crate::store::{AcceptOutcome, InvitationRow, Joining, NewInvitation};

/// How long a link stays valid, in milliseconds.
const VALID_MS: i64 = people::INVITATION_DAYS * 24 * 60 * 60 * 1000;

/// What the invitation page shows: which studio, for whom, with which role, and whether the
/// invited email has an account already (then the page asks for its password, else it signs
/// the person up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationView {
    /// The studio's name.
    pub studio: String,
    /// The invited email.
    pub email: String,
    /// The role it grants.
    pub role: StudioRole,
    /// Whether an account with that email exists (a removed member's).
    pub has_account: bool,
}

/// One refusal for every link that doesn't work, whatever the reason, so that links can't be
/// probed.
fn invalid() -> ServiceError {
    refused(
        ErrorCode::InvitationInvalid,
        "this invitation is no longer valid: it may have expired, been revoked or been used already; ask the studio's Owner or an Admin for a new one",
    )
}

fn parse_id(raw: &str) -> ServiceResult<uuid::Uuid> {
    uuid::Uuid::parse_str(raw.trim()).map_err(|_| {
        refused(
            ErrorCode::InvalidId,
            format!("'{raw}' is not a valid invitation id: expected a UUID such as 0190f3c4-5d2e-7b7a-9c1d-2e3f4a5b6c7d"),
        )
    })
}

/// Where an invitation stands at `now`.
fn state(row: &InvitationRow, now: i64) -> InvitationState {
    if row.accepted_at.is_some() {
        InvitationState::Accepted
    } else if row.revoked_at.is_some() {
        InvitationState::Revoked
    } else if row.expires_at <= now {
        InvitationState::Expired
    } else {
        InvitationState::Pending
    }
}

impl Studio {
    fn link(&self, secret: &str) -> String {
        format!("{}/invite/{secret}", self.base_url)
    }

    async fn invitation_row(&self, id: &str) -> ServiceResult<InvitationRow> {
        let id = parse_id(id)?;
        self.store
            .invitation(id)
            .await?
            .ok_or_else(|| refused(ErrorCode::InvitationNotFound, format!("no invitation {id}")))
    }

    /// Invites `email` with `role`, as `rules::people::invite` allows the caller. A pending
    /// invitation for the same email is revoked: the newest link is the one that works.
    pub async fn invite(
        &self,
        caller: &Caller,
        email: &str,
        role: StudioRole,
    ) -> ServiceResult<InvitationLink> {
        people::invite(caller.account.role, role)?;
        let email = people::email(email)?;
        let email_key = people::email_key(&email);
        if let Some(p) = self.store.person_by_email(&email_key).await?
            && !p.removed
        {
            return Err(refused(
                ErrorCode::AlreadyMember,
                format!("{} is already a member of the studio", p.account.email),
            ));
        }
        let secret = secrets::mint()?;
        let now = self.now();
        let invitation = NewInvitation {
            id: uuid::Uuid::now_v7(),
            email,
            email_key,
            role,
            token_hash: secret.hash,
            invited_by: caller.account.id,
            created_at: now,
            expires_at: now + VALID_MS,
        };
        self.store.add_invitation(&invitation).await?;
        tracing::info!(by = %caller.account.id, invitation = %invitation.id, %role, "invitation made");
        Ok(InvitationLink {
            id: invitation.id.to_string(),
            email: invitation.email,
            role,
            link: self.link(&secret.secret),
            expires_at: rfc3339(invitation.expires_at),
        })
    }

    /// Every invitation, newest first, with its state now; never a link.
    pub async fn invitations(&self) -> ServiceResult<Vec<StudioInvitation>> {
        let now = self.now();
        Ok(self
            .store
            .invitations()
            .await?
            .into_iter()
            .map(|row| StudioInvitation {
                id: row.id.to_string(),
                state: state(&row, now),
                email: row.email,
                role: row.role,
                invited_by: user(&row.invited_by),
                created_at: rfc3339(row.created_at),
                expires_at: rfc3339(row.expires_at),
            })
            .collect())
    }

    /// Gives a pending or expired invitation a new link valid 14 days from now; the old link
    /// stops working. Re-issuing an Owner's invitation needs an Owner, like inviting one.
    pub async fn resend_invitation(&self, caller: &Caller, id: &str) -> ServiceResult<InvitationLink> {
        let row = self.invitation_row(id).await?;
        people::invite(caller.account.role, row.role)?;
        match state(&row, self.now()) {
            InvitationState::Accepted => {
                return Err(refused(
                    ErrorCode::InvitationInvalid,
                    format!("the invitation for {} was accepted already", row.email),
                ));
            }
            InvitationState::Revoked => {
                return Err(refused(
                    ErrorCode::InvitationInvalid,
                    format!("the invitation for {} was revoked: invite them again", row.email),
                ));
            }
            InvitationState::Pending | InvitationState::Expired => {}
        }
        let secret = secrets::mint()?;
        let expires_at = self.now() + VALID_MS;
        if !self
            .store
            .renew_invitation(row.id, &secret.hash, expires_at)
            .await?
        {
            return Err(refused(
                ErrorCode::InvitationInvalid,
                format!(
                    "the invitation for {} was accepted or revoked meanwhile",
                    row.email
                ),
            ));
        }
        tracing::info!(by = %caller.account.id, invitation = %row.id, "invitation resent");
        Ok(InvitationLink {
            id: row.id.to_string(),
            email: row.email,
            role: row.role,
            link: self.link(&secret.secret),
            expires_at: rfc3339(expires_at),
        })
    }

    /// Revokes an invitation: its link stops working. Revoking a revoked or expired one is
    /// fine; an accepted one is refused (remove the member instead).
    pub async fn revoke_invitation(&self, caller: &Caller, id: &str) -> ServiceResult<()> {
        let row = self.invitation_row(id).await?;
        if row.accepted_at.is_some() || !self.store.revoke_invitation(row.id, self.now()).await? {
            return Err(refused(
                ErrorCode::InvitationInvalid,
                format!(
                    "the invitation for {} was accepted already: remove the member instead",
                    row.email
                ),
            ));
        }
        tracing::info!(by = %caller.account.id, invitation = %row.id, "invitation revoked");
        Ok(())
    }

    /// The pending invitation a link's secret opens, for its page.
    async fn pending(&self, token: &str) -> ServiceResult<InvitationRow> {
        let row = self
            .store
            .invitation_by_token(&secrets::digest(token))
            .await?
            .ok_or_else(invalid)?;
        if state(&row, self.now()) != InvitationState::Pending {
            return Err(invalid());
        }
        Ok(row)
    }

    /// What the page of a working link shows; `invitation_invalid` for any other link.
    pub async fn invitation_view(&self, token: &str) -> ServiceResult<InvitationView> {
        let row = self.pending(token).await?;
        let has_account = self.store.person_by_email(&row.email_key).await?.is_some();
        Ok(InvitationView {
            studio: self.name.clone(),
            email: row.email,
            role: row.role,
            has_account,
        })
    }

    /// Accepts an invitation as `email` (which must be the invited one): signs up with
    /// `display_name` and a new `password` when the email has no account, or signs in with its
    /// password (a removed member coming back). The person becomes a member with the invited
    /// role and the link is spent, atomically; on any refusal nothing changes.
    pub async fn accept_invitation(
        &self,
        token: &str,
        email: &str,
        password: String,
        display_name: Option<&str>,
    ) -> ServiceResult<StudioMember> {
        let row = self.pending(token).await?;
        people::accepting_email(&row.email_key, email)?;
        let joining = match self.store.person_by_email(&row.email_key).await? {
            Some(p) if !p.removed => {
                return Err(refused(
                    ErrorCode::AlreadyMember,
                    format!(
                        "{} is already a member of {}: sign in from Atelier",
                        p.account.email, self.name
                    ),
                ));
            }
            Some(p) => {
                self.throttled(&row.email_key, &p.account.email)?;
                if !self
                    .verify_counted(&row.email_key, password, p.password_hash)
                    .await?
                {
                    return Err(refused(
                        ErrorCode::BadCredentials,
                        format!("wrong password for {}", p.account.email),
                    ));
                }
                Joining::Returning(p.account.id)
            }
            None => {
                let name = display_name.map(str::trim).unwrap_or_default();
                if name.is_empty() {
                    return Err(refused(
                        ErrorCode::MissingField,
                        "a display name is needed to create your account",
                    ));
                }
                names::validate_name("display name", name)?;
                Joining::New(Self::new_account(&row.email, name, password, row.role).await?)
            }
        };
        let hash = secrets::digest(token);
        match self
            .store
            .accept_invitation(&hash, &row.email_key, &joining, self.now())
            .await?
        {
            AcceptOutcome::Joined(a) => {
                tracing::info!(invitation = %row.id, member = %a.id, role = %a.role, "invitation accepted");
                self.poke().await;
                Ok(StudioMember {
                    id: a.id,
                    email: a.email,
                    display_name: a.display_name,
                    role: a.role,
                })
            }
            AcceptOutcome::Invalid => Err(invalid()),
            AcceptOutcome::AlreadyMember => Err(refused(
                ErrorCode::AlreadyMember,
                format!("{} is already a member of {}", row.email, self.name),
            )),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a panic is the failure report
mod tests {
    use super::*;
    use crate::services::NewStudio;
    use crate::testing::TestBackend;

    struct Fixture {
        studio: Studio,
        owner: Caller,
        admin: Caller,
        _backend: TestBackend,
    }

    /// A studio on SQLite, or on a fresh PostgreSQL database (`None` when no test server is
    /// configured and none is required).
    async fn fixture(postgres: bool) -> Option<Fixture> {
        let backend = TestBackend::new(postgres).await?;
        let at = backend.database.clone();
        let studio = Studio::create(
            &at,
            NewStudio {
                name: "Invites".into(),
                owner_email: "owner@studio.test".into(),
                owner_name: "Olive".into(),
                owner_password: "owner-password".into(),
            },
        )
        .await
        .unwrap()
        .with_base_url("https://studio.test/");
        studio
            .add_member(
                "admin@studio.test",
                "Ada",
                "admin-password".into(),
                StudioRole::Admin,
            )
            .await
            .unwrap();
        let caller = |email: &'static str, password: &'static str| {
            let studio = studio.clone();
            async move {
                let signed = studio
                    .sign_in_password(email, password.into(), "laptop")
                    .await
                    .unwrap();
                studio.authenticate(&signed.access_token).await.unwrap()
            }
        };
        let owner = caller("owner@studio.test", "owner-password").await;
        let admin = caller("admin@studio.test", "admin-password").await;
        Some(Fixture {
            studio,
            owner,
            admin,
            _backend: backend,
        })
    }

    /// Runs each scenario on SQLite, and on PostgreSQL when a test server is configured (see
    /// `crate::testing`), as two tests: `NAME::sqlite` and `NAME::postgres`.
    macro_rules! on_both_backends {
        ($($name:ident),* $(,)?) => {$(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::fixture(false).await.unwrap()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(f) = super::fixture(true).await {
                        super::$name(f).await;
                    }
                }
            }
        )*};
    }

    on_both_backends!(
        an_invitation_is_accepted_once_with_its_email,
        only_owners_invite_owners,
        links_expire_after_14_days_and_resend_renews_them,
        resend_kills_the_old_link_and_revoke_kills_the_new,
        a_newer_invitation_replaces_a_pending_one,
        of_two_accepts_at_once_one_wins,
        a_removed_member_loses_their_devices_and_comes_back_by_invitation,
    );

    fn token(link: &InvitationLink) -> String {
        link.link
            .strip_prefix("https://studio.test/invite/")
            .unwrap()
            .to_string()
    }

    async fn accept(studio: &Studio, token: &str, email: &str) -> ServiceResult<StudioMember> {
        studio
            .accept_invitation(token, email, "new-password".into(), Some("Newcomer"))
            .await
    }

    fn code<T: std::fmt::Debug>(r: ServiceResult<T>) -> ErrorCode {
        r.unwrap_err().code()
    }

    async fn an_invitation_is_accepted_once_with_its_email(f: Fixture) {
        let link = f
            .studio
            .invite(&f.admin, "New@Studio.test", StudioRole::Member)
            .await
            .unwrap();
        let secret = token(&link);
        assert_eq!(secret.len(), 43, "256 bits in base64url");
        let listed = f.studio.invitations().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].state, InvitationState::Pending);
        assert_eq!(listed[0].invited_by.email, "admin@studio.test");
        assert!(
            !format!("{listed:?}").contains(&secret),
            "the list never shows the link"
        );

        // The wrong email is refused and changes nothing.
        assert_eq!(
            code(accept(&f.studio, &secret, "other@studio.test").await),
            ErrorCode::WrongEmail
        );
        assert_eq!(f.studio.members().await.unwrap().len(), 2);
        assert_eq!(
            f.studio.invitations().await.unwrap()[0].state,
            InvitationState::Pending
        );
        // Signing up needs a name.
        let nameless = f
            .studio
            .accept_invitation(&secret, "new@studio.test", "new-password".into(), None)
            .await;
        assert_eq!(code(nameless), ErrorCode::MissingField);

        let member = accept(&f.studio, &secret, "NEW@studio.test").await.unwrap();
        assert_eq!(member.role, StudioRole::Member);
        assert_eq!(member.email, "New@Studio.test");
        assert_eq!(f.studio.members().await.unwrap().len(), 3);
        assert_eq!(
            f.studio.invitations().await.unwrap()[0].state,
            InvitationState::Accepted
        );
        // The link works once; the new member signs in with their password.
        assert_eq!(
            code(accept(&f.studio, &secret, "new@studio.test").await),
            ErrorCode::InvitationInvalid
        );
        assert_eq!(
            code(f.studio.invitation_view(&secret).await),
            ErrorCode::InvitationInvalid
        );
        f.studio
            .sign_in_password("new@studio.test", "new-password".into(), "d")
            .await
            .unwrap();
        // Inviting a member again is refused.
        let again = f
            .studio
            .invite(&f.owner, "new@studio.test", StudioRole::Admin)
            .await;
        assert_eq!(code(again), ErrorCode::AlreadyMember);
    }

    async fn only_owners_invite_owners(f: Fixture) {
        let by_admin = f
            .studio
            .invite(&f.admin, "boss@studio.test", StudioRole::Owner)
            .await;
        assert_eq!(code(by_admin), ErrorCode::Forbidden);
        assert!(f.studio.invitations().await.unwrap().is_empty());
        let link = f
            .studio
            .invite(&f.owner, "boss@studio.test", StudioRole::Owner)
            .await
            .unwrap();
        // An Admin can't re-issue it either, but may revoke it.
        let resent = f.studio.resend_invitation(&f.admin, &link.id).await;
        assert_eq!(code(resent), ErrorCode::Forbidden);
        f.studio.revoke_invitation(&f.admin, &link.id).await.unwrap();
    }

    async fn links_expire_after_14_days_and_resend_renews_them(f: Fixture) {
        let link = f
            .studio
            .invite(&f.owner, "late@studio.test", StudioRole::Admin)
            .await
            .unwrap();
        f.studio.advance_clock(VALID_MS - 1000);
        assert!(f.studio.invitation_view(&token(&link)).await.is_ok());
        f.studio.advance_clock(1000);
        assert_eq!(
            f.studio.invitations().await.unwrap()[0].state,
            InvitationState::Expired
        );
        assert_eq!(
            code(accept(&f.studio, &token(&link), "late@studio.test").await),
            ErrorCode::InvitationInvalid
        );
        assert_eq!(f.studio.members().await.unwrap().len(), 2);

        let renewed = f.studio.resend_invitation(&f.admin, &link.id).await.unwrap();
        assert_eq!(renewed.id, link.id);
        assert_ne!(renewed.link, link.link);
        assert_eq!(
            f.studio.invitations().await.unwrap()[0].state,
            InvitationState::Pending
        );
        let member = accept(&f.studio, &token(&renewed), "late@studio.test")
            .await
            .unwrap();
        assert_eq!(member.role, StudioRole::Admin);
    }

    async fn resend_kills_the_old_link_and_revoke_kills_the_new(f: Fixture) {
        let first = f
            .studio
            .invite(&f.admin, "x@studio.test", StudioRole::Member)
            .await
            .unwrap();
        let second = f.studio.resend_invitation(&f.admin, &first.id).await.unwrap();
        assert_eq!(
            code(accept(&f.studio, &token(&first), "x@studio.test").await),
            ErrorCode::InvitationInvalid
        );
        f.studio.revoke_invitation(&f.admin, &second.id).await.unwrap();
        // Revoking again is fine; resending a revoked one is refused.
        f.studio.revoke_invitation(&f.admin, &second.id).await.unwrap();
        assert_eq!(
            code(f.studio.resend_invitation(&f.admin, &second.id).await),
            ErrorCode::InvitationInvalid
        );
        assert_eq!(
            code(accept(&f.studio, &token(&second), "x@studio.test").await),
            ErrorCode::InvitationInvalid
        );
        assert_eq!(
            f.studio.invitations().await.unwrap()[0].state,
            InvitationState::Revoked
        );
        assert_eq!(f.studio.members().await.unwrap().len(), 2);
        // Unknown and malformed ids say so.
        let unknown = uuid::Uuid::now_v7().to_string();
        assert_eq!(
            code(f.studio.revoke_invitation(&f.admin, &unknown).await),
            ErrorCode::InvitationNotFound
        );
        assert_eq!(
            code(f.studio.revoke_invitation(&f.admin, "nope").await),
            ErrorCode::InvalidId
        );
    }

    async fn a_newer_invitation_replaces_a_pending_one(f: Fixture) {
        let old = f
            .studio
            .invite(&f.admin, "y@studio.test", StudioRole::Member)
            .await
            .unwrap();
        let new = f
            .studio
            .invite(&f.admin, "Y@studio.test", StudioRole::Admin)
            .await
            .unwrap();
        assert_eq!(
            code(f.studio.invitation_view(&token(&old)).await),
            ErrorCode::InvitationInvalid
        );
        assert!(f.studio.invitation_view(&token(&new)).await.is_ok());
    }

    async fn of_two_accepts_at_once_one_wins(f: Fixture) {
        let link = f
            .studio
            .invite(&f.admin, "twice@studio.test", StudioRole::Member)
            .await
            .unwrap();
        let secret = token(&link);
        let (a, b) = tokio::join!(
            accept(&f.studio, &secret, "twice@studio.test"),
            accept(&f.studio, &secret, "twice@studio.test"),
        );
        let codes: Vec<_> = [&a, &b]
            .iter()
            .filter_map(|r| r.as_ref().err().map(ServiceError::code))
            .collect();
        assert_eq!(codes, vec![ErrorCode::InvitationInvalid], "{a:?} {b:?}");
        assert_eq!(f.studio.members().await.unwrap().len(), 3);
    }

    async fn a_removed_member_loses_their_devices_and_comes_back_by_invitation(f: Fixture) {
        let link = f
            .studio
            .invite(&f.admin, "gone@studio.test", StudioRole::Member)
            .await
            .unwrap();
        let member = accept(&f.studio, &token(&link), "gone@studio.test")
            .await
            .unwrap();
        let signed = f
            .studio
            .sign_in_password("gone@studio.test", "new-password".into(), "d")
            .await
            .unwrap();
        let them = f.studio.authenticate(&signed.access_token).await.unwrap();

        // A member can't remove someone else; an Admin can't remove the Owner; the last Owner
        // can't leave.
        let owner_id = f.owner.account.id;
        assert_eq!(
            code(f.studio.remove_member(&them, f.admin.account.id).await),
            ErrorCode::Forbidden
        );
        assert_eq!(
            code(f.studio.remove_member(&f.admin, owner_id).await),
            ErrorCode::Forbidden
        );
        assert_eq!(
            code(f.studio.remove_member(&f.owner, owner_id).await),
            ErrorCode::LastOwner
        );

        f.studio.remove_member(&f.admin, member.id).await.unwrap();
        assert_eq!(
            code(f.studio.authenticate(&signed.access_token).await),
            ErrorCode::Unauthorized
        );
        assert_eq!(
            code(
                f.studio
                    .refresh(signed.credential.device_id, &signed.credential.refresh_secret)
                    .await
            ),
            ErrorCode::DeviceRevoked
        );
        assert_eq!(
            code(
                f.studio
                    .sign_in_password("gone@studio.test", "new-password".into(), "d")
                    .await
            ),
            ErrorCode::BadCredentials
        );
        assert_eq!(f.studio.members().await.unwrap().len(), 2);
        assert_eq!(
            code(f.studio.remove_member(&f.admin, member.id).await),
            ErrorCode::UserNotFound
        );

        // Invited again, they sign in with their old password and get the new role.
        let back = f
            .studio
            .invite(&f.admin, "gone@studio.test", StudioRole::Admin)
            .await
            .unwrap();
        let view = f.studio.invitation_view(&token(&back)).await.unwrap();
        assert!(view.has_account);
        let wrong = f
            .studio
            .accept_invitation(&token(&back), "gone@studio.test", "not-it-at-all".into(), None)
            .await;
        assert_eq!(code(wrong), ErrorCode::BadCredentials);
        let returned = f
            .studio
            .accept_invitation(&token(&back), "gone@studio.test", "new-password".into(), None)
            .await
            .unwrap();
        assert_eq!((returned.id, returned.role), (member.id, StudioRole::Admin));
    }
}
