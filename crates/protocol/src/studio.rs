//! The studio server's people-and-devices API (STUDIO.md §2): what a desktop library, a script
//! or the CLI sends to sign in, refresh and manage devices and members, and what it gets back.
//!
//! Secrets cross here in bodies only (never in URLs): a device's refresh secret and a
//! short-lived access token, both opaque base64url strings. Plain data: no hashing, no storage.

use atelier_domain::StudioRole;
use atelier_domain::ids::{DeviceId, UserId};
use serde::{Deserialize, Serialize};

/// What `GET /api/v1/studio` says about the studio, before anyone signs in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioInfo {
    /// The studio's name.
    pub name: String,
    /// The wire version it speaks ([`crate::PROTOCOL_VERSION`]).
    pub protocol_version: u32,
}

/// `POST /api/v1/auth/password`: sign a device in with an email and a password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PasswordSignIn {
    /// The account's email (any case).
    pub email: String,
    /// The account's password.
    pub password: String,
    /// What to call this device in the device list ("Atelier on ann-laptop").
    pub device: String,
}

/// `POST /api/v1/auth/refresh`: trade the device's refresh secret for a new one and a fresh
/// access token. A secret works once; presenting a used one revokes the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RefreshRequest {
    /// The device signing back in.
    pub device_id: DeviceId,
    /// Its current refresh secret.
    pub refresh_secret: String,
}

/// `POST /api/v1/auth/browser/start`: begin a browser sign-in (STUDIO.md §2, after RFC 8628):
/// the studio answers a link for the person's browser and a secret for the desktop to poll with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BrowserSignInStart {
    /// What to call this device in the device list and on the approval page ("Atelier on
    /// ann-laptop").
    pub device: String,
}

/// The answer to [`BrowserSignInStart`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BrowserSignIn {
    /// `<studio>/login/<secret>`: open it in the person's browser, where they sign in and
    /// approve this device. 256 random bits; works once.
    pub login_url: String,
    /// What the desktop polls with (`POST /api/v1/auth/browser/poll`); never put in a URL.
    /// 256 random bits, base64url.
    pub poll_token: String,
    /// Seconds both stay valid (10 minutes when issued).
    pub expires_in: u32,
}

/// `POST /api/v1/auth/browser/poll`: has the person approved yet? `202` with
/// `{code: "sign_in_pending"}` while not; once approved, `200` with a [`SignedIn`] for a new
/// device — exactly once; `sign_in_denied` when they said no; `sign_in_expired` when the
/// sign-in is unknown, expired or was already delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct BrowserSignInPoll {
    /// The `poll_token` the start answered.
    pub poll_token: String,
}

/// What a device keeps (in the OS keyring) to stay signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceCredential {
    /// The device.
    pub device_id: DeviceId,
    /// 256 random bits, base64url without padding; the studio keeps only its SHA-256.
    pub refresh_secret: String,
}

/// The answer to a sign-in or a refresh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SignedIn {
    /// The device credential to keep, replacing any previous one.
    pub credential: DeviceCredential,
    /// The access token, sent as `Authorization: Bearer …`; 256 random bits, base64url.
    pub access_token: String,
    /// Seconds the access token stays valid (15 minutes when issued).
    pub expires_in: u32,
    /// Who signed in.
    pub user: StudioUser,
    /// Their studio role when the token was issued (the studio checks the current one on every
    /// request; this only greys out buttons).
    pub role: StudioRole,
}

/// A person with an account on the studio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioUser {
    /// Public id.
    pub id: UserId,
    /// Email, as they typed it.
    pub email: String,
    /// Display name.
    pub display_name: String,
}

/// `GET /api/v1/me`: who the caller is, on which device, with which studio role now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioMe {
    /// The caller.
    pub user: StudioUser,
    /// Their current studio role.
    pub role: StudioRole,
    /// The device the request came from.
    pub device_id: DeviceId,
    /// The studio's name.
    pub studio: String,
}

/// One of the caller's signed-in devices (`GET /api/v1/devices`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioDevice {
    /// Public id (what `DELETE /api/v1/devices/{id}` takes).
    pub id: DeviceId,
    /// The name given at sign-in.
    pub name: String,
    /// When it signed in (RFC 3339, UTC).
    pub created_at: String,
    /// When it last reached the studio (RFC 3339, UTC; to the minute or so).
    pub last_seen_at: String,
    /// Whether this is the device making the request.
    pub current: bool,
}

/// One member of the studio (`GET /api/v1/members`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioMember {
    /// Public id (what `POST /api/v1/members/{user_id}/role` takes).
    pub id: UserId,
    /// Email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Studio role.
    pub role: StudioRole,
}

/// `POST /api/v1/members/{user_id}/role`: give a member another studio role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RoleChange {
    /// The new role.
    pub role: StudioRole,
}

/// `POST /api/v1/invitations`: invite someone by email with a studio role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewInvitation {
    /// The address invited; accepting needs it.
    pub email: String,
    /// The studio role they get on accepting (only an Owner invites an Owner).
    pub role: StudioRole,
}

/// The answer to creating or resending an invitation: the only place its link appears.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InvitationLink {
    /// The invitation's public id (a UUID; what resend and revoke take).
    pub id: String,
    /// The address invited.
    pub email: String,
    /// The role it grants.
    pub role: StudioRole,
    /// `<studio URL>/invite/<secret>`: 256 random bits; the studio keeps only their SHA-256,
    /// so this link can't be shown again (resend makes a new one).
    pub link: String,
    /// When the link stops working (RFC 3339, UTC; 14 days after it was made).
    pub expires_at: String,
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InvitationState {
    /// Its link works.
    Pending,
    /// Someone joined with it (it works once).
    Accepted,
    /// An Owner or Admin revoked it, or a newer invitation for the same email replaced it.
    Revoked,
    /// Its 14 days are over (resend renews it).
    Expired,
}

/// One invitation as listed (`GET /api/v1/invitations`): never its link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudioInvitation {
    /// Public id (a UUID).
    pub id: String,
    /// The address invited.
    pub email: String,
    /// The role it grants.
    pub role: StudioRole,
    /// Who invited.
    pub invited_by: StudioUser,
    /// When it was made (RFC 3339, UTC).
    pub created_at: String,
    /// When its current link expires (RFC 3339, UTC).
    pub expires_at: String,
    /// Where it stands now.
    pub state: InvitationState,
}

/// `POST /api/v1/invitations/accept`: join the studio with an invitation's secret, as the
/// invited email. Without an account for that email, `display_name` and a new `password`
/// create one; with one (a former member), `password` is its password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct InvitationAccept {
    /// The secret: the last segment of the invitation link.
    pub token: String,
    /// The invited email (any case).
    pub email: String,
    /// A new password (signing up) or the account's password (signing in).
    pub password: String,
    /// The display name for a new account.
    #[serde(default)]
    #[ts(optional)]
    pub display_name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use atelier_domain::Id;

    #[test]
    fn a_sign_in_answer_reads_back_in_snake_case() {
        let signed = SignedIn {
            credential: DeviceCredential {
                device_id: DeviceId::new_v7(),
                refresh_secret: "s".into(),
            },
            access_token: "t".into(),
            expires_in: 900,
            user: StudioUser {
                id: UserId::new_v7(),
                email: "ann@studio.example".into(),
                display_name: "Ann".into(),
            },
            role: StudioRole::Owner,
        };
        let json = serde_json::to_value(&signed).unwrap();
        assert_eq!(json["role"], "owner");
        assert_eq!(json["credential"]["refresh_secret"], "s");
        assert_eq!(serde_json::from_value::<SignedIn>(json).unwrap(), signed);
    }

    #[test]
    fn a_sign_in_without_a_password_is_refused_by_the_parser() {
        let err = serde_json::from_str::<PasswordSignIn>(r#"{"email":"a@b","device":"d"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `password`"), "{err}");
    }
}
