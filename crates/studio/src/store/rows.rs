//! Rows as both backends read them back: the tuple types their queries select, and the
//! conversions to the store's types (ids, role codes). Knows no SQL dialect beyond the one
//! SELECT list both share ([`select_invitations`]).

use atelier_domain::ids::{DeviceId, UserId};
use atelier_domain::{Id, StudioRole};

use super::{Account, DeviceRow, InvitationRow, StoreError, StoreResult};

/// An account row: id, email, display name, role code.
pub(super) type AccountRow = (Vec<u8>, String, String, i64);

pub(super) fn account(row: AccountRow) -> StoreResult<Account> {
    let (id, email, display_name, role) = row;
    Ok(Account {
        id: user_id(&id)?,
        email,
        display_name,
        role: StudioRole::from_code(role)
            .ok_or_else(|| StoreError::Damaged(format!("studio role code {role}")))?,
    })
}

pub(super) fn user_id(bytes: &[u8]) -> StoreResult<UserId> {
    UserId::from_slice(bytes).ok_or_else(|| StoreError::Damaged("a user id".into()))
}

pub(super) fn device_id(bytes: &[u8]) -> StoreResult<DeviceId> {
    DeviceId::from_slice(bytes).ok_or_else(|| StoreError::Damaged("a device id".into()))
}

/// An account row with its password hash.
pub(super) type AccountWithHash = (Vec<u8>, String, String, i64, Option<String>);

/// An account row with its password hash and when it was removed.
pub(super) type PersonRow = (Vec<u8>, String, String, i64, Option<String>, Option<i64>);

/// A token's device (id, last seen) and its account row.
pub(super) type HolderRow = (Vec<u8>, i64, Vec<u8>, String, String, i64);

/// A browser sign-in as a poll reads it: device name, expiry, approver, denied, delivered.
pub(super) type PollRow = (String, i64, Option<Vec<u8>>, Option<i64>, Option<i64>);

/// A device row: id, account, name, created, last seen, revoked.
pub(super) type DeviceTuple = (Vec<u8>, Vec<u8>, String, i64, i64, Option<i64>);

pub(super) fn device(row: DeviceTuple) -> StoreResult<DeviceRow> {
    let (id, account, name, created_at, last_seen_at, revoked_at) = row;
    Ok(DeviceRow {
        id: device_id(&id)?,
        account: user_id(&account)?,
        name,
        created_at,
        last_seen_at,
        revoked_at,
    })
}

/// An invitation row (id, email, email key, role, created, expires, accepted, revoked) and its
/// inviter's account row.
pub(super) type InvitationTuple = (
    Vec<u8>,
    String,
    String,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Vec<u8>,
    String,
    String,
    i64,
);

/// The query reading [`InvitationTuple`]s, from `invitation i JOIN account a`, then `$rest`.
macro_rules! select_invitations {
    ($rest:literal) => {
        concat!(
            "SELECT i.id, i.email, i.email_key, i.studio_role, i.created_at, i.expires_at,
                i.accepted_at, i.revoked_at, a.id, a.email, a.display_name, a.studio_role
             FROM invitation i JOIN account a ON a.id = i.invited_by ",
            $rest
        )
    };
}

pub(super) fn role(code: i64) -> StoreResult<StudioRole> {
    StudioRole::from_code(code).ok_or_else(|| StoreError::Damaged(format!("studio role code {code}")))
}

pub(super) fn invitation(row: InvitationTuple) -> StoreResult<InvitationRow> {
    let (
        id,
        email,
        email_key,
        code,
        created_at,
        expires_at,
        accepted_at,
        revoked_at,
        a_id,
        a_email,
        a_name,
        a_role,
    ) = row;
    Ok(InvitationRow {
        id: uuid::Uuid::from_slice(&id).map_err(|_| StoreError::Damaged("an invitation id".into()))?,
        email,
        email_key,
        role: role(code)?,
        invited_by: account((a_id, a_email, a_name, a_role))?,
        created_at,
        expires_at,
        accepted_at,
        revoked_at,
    })
}

pub(super) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}
