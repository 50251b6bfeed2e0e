//! The users store: the library's local owner and the other local users brand members are
//! (until a studio provides them), with their studio roles and brand roles.
//!
//! Knows users' rows only: who may do what is atelier-domain's.

use std::collections::HashMap;

use atelier_domain::ids::UserId;
use atelier_domain::roles::{BrandRole, StudioRole};
use atelier_domain::{Id, names};
use rusqlite::{OptionalExtension, params};

use crate::rows::UserRow;
use crate::{Catalog, Result, Tx};

impl Tx<'_> {
    /// The library's own user (the studio Owner of a standalone library), created on first use.
    pub fn ensure_local_user(&mut self, handle: &str, display_name: &str, now_ms: i64) -> Result<UserRow> {
        if let Some(id) = self
            .tx
            .query_row("SELECT id FROM user WHERE is_local = 1", [], |r| r.get(0))
            .optional()?
        {
            return Ok(UserRow(id));
        }
        let handle = names::validate_name("user name", handle)?;
        self.tx.execute(
            "INSERT INTO user (uid, handle, handle_key, display_name, studio_role, is_local, created_at)
             VALUES (?1, ?2, ?3, ?4, 'owner', 1, ?5)",
            params![
                UserId::new_v7().to_bytes(),
                handle,
                names::key(&handle),
                display_name,
                now_ms
            ],
        )?;
        Ok(UserRow(self.tx.last_insert_rowid()))
    }

    /// A local user by login name, created (as a studio Member, with a Personal brand) when
    /// missing. Standalone libraries use local users for brand members until the studio exists.
    pub fn ensure_user(&mut self, handle: &str, now: i64) -> Result<UserRow> {
        let handle = names::validate_name("user name", handle)?;
        if let Some(id) = self
            .tx
            .query_row(
                "SELECT id FROM user WHERE handle_key = ?1",
                [names::key(&handle)],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(UserRow(id));
        }
        self.tx.execute(
            "INSERT INTO user (uid, handle, handle_key, display_name, studio_role, is_local, created_at)
             VALUES (?1, ?2, ?3, ?2, 'member', 0, ?4)",
            params![UserId::new_v7().to_bytes(), handle, names::key(&handle), now],
        )?;
        let user = UserRow(self.tx.last_insert_rowid());
        self.ensure_personal_brand(user, now)?;
        Ok(user)
    }
}

impl Catalog {
    /// The library's own user, if the library has been set up.
    pub fn local_user(&self) -> Result<Option<UserRow>> {
        Ok(self
            .conn()
            .query_row("SELECT id FROM user WHERE is_local = 1", [], |r| r.get(0))
            .optional()?
            .map(UserRow))
    }

    /// A user by login name.
    pub fn find_user(&self, handle: &str) -> Result<Option<(UserRow, StudioRole)>> {
        let row: Option<(i64, String)> = self
            .conn()
            .query_row(
                "SELECT id, studio_role FROM user WHERE handle_key = ?1",
                [names::key(handle.trim())],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(id, role)| Ok((UserRow(id), role.parse::<StudioRole>()?)))
            .transpose()
    }

    /// A user's studio role.
    pub fn find_user_row(&self, user: UserRow) -> Result<Option<(UserRow, StudioRole)>> {
        let role: Option<String> = self
            .conn()
            .query_row("SELECT studio_role FROM user WHERE id = ?1", [user.0], |r| {
                r.get(0)
            })
            .optional()?;
        role.map(|r| Ok((user, r.parse::<StudioRole>()?))).transpose()
    }

    /// A user's role on every brand they belong to.
    pub fn brand_roles(&self, user: UserRow) -> Result<HashMap<i64, BrandRole>> {
        let rows: Vec<(i64, String)> = self
            .conn()
            .prepare_cached("SELECT brand, role FROM brand_member WHERE user = ?1")?
            .query_map([user.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(b, r)| Ok((b, r.parse::<BrandRole>()?)))
            .collect()
    }
}
