//! The brands store: team brands and each member's Personal brand — create, find (within what
//! a reader sees), list with counts, rename, kit, anchors, members.
//!
//! Knows brands' rows, postings and journal entries; the rules (who may, limits, the last
//! Manager) are atelier-domain's, checked by the caller first.

use atelier_domain::ids::BrandId;
use atelier_domain::roles::BrandRole;
use atelier_domain::{Id, names};
use atelier_protocol::{ChangeAction, Entity};
use roaring::RoaringBitmap;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

use crate::postings::{Facet, load};
use crate::rows::{BrandRow, UserRow, taken, uuid_of};
use crate::{Catalog, CatalogError, Result, Scope, Tx, journal};

/// The name a Personal brand is shown and found by.
pub use atelier_domain::rules::PERSONAL_BRAND;

/// A brand with its kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BrandInfo {
    /// Public id.
    pub id: BrandId,
    /// Name ("Personal" for a Personal brand).
    pub name: String,
    /// Whether it is someone's Personal brand.
    pub personal: bool,
    /// Kit colour, `#RRGGBB`.
    pub color: Option<String>,
    /// Text put before every prompt.
    pub prompt_prefix: String,
    /// Text put after every prompt.
    pub prompt_suffix: String,
    /// Terms that block generation.
    pub banned_terms: Vec<String>,
    /// Whether Managers may approve their own work.
    pub self_approval: bool,
    /// Kit palette, `#RRGGBB` each.
    pub palette: Vec<String>,
    /// Logo asset.
    pub logo: Option<atelier_domain::AssetId>,
    /// Pinned anchor assets, in order.
    pub anchors: Vec<atelier_domain::AssetId>,
    /// Members and their roles.
    pub members: Vec<MemberInfo>,
    /// Assets in it.
    #[ts(type = "number")]
    pub count: u64,
}

/// A brand member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MemberInfo {
    /// Login name.
    pub user: String,
    /// Brand role.
    pub role: BrandRole,
}

/// The kit fields a caller may change (`None`: leave as is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KitChange {
    /// New colour (`Some(None)` clears it).
    pub color: Option<Option<String>>,
    /// New prompt prefix.
    pub prompt_prefix: Option<String>,
    /// New prompt suffix.
    pub prompt_suffix: Option<String>,
    /// New banned terms (replacing the list).
    pub banned_terms: Option<Vec<String>>,
    /// Self-approval on or off.
    pub self_approval: Option<bool>,
    /// New palette.
    pub palette: Option<Vec<String>>,
    /// New logo asset row (`Some(None)` clears it).
    pub logo: Option<Option<i64>>,
}

/// The brands called `name` (ignoring case) that the reader may see; "Personal" is the reader's
/// own Personal brand, never another's.
pub(crate) fn brands_named(conn: &Connection, name: &str, scope: &Scope) -> Result<Vec<i64>> {
    let key = names::key(name.trim());
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM brand WHERE id IN rarray(?1)
            AND ((personal_of IS NULL AND name_key = ?2) OR (personal_of = ?3 AND ?2 = ?4))
         ORDER BY personal_of IS NULL",
    )?;
    let ids: Vec<i64> = stmt
        .query_map(
            params![
                crate::rows::array(&scope.brands),
                key,
                scope.user.0,
                names::key(PERSONAL_BRAND)
            ],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(CatalogError::not_found("brand", name));
    }
    Ok(ids)
}

pub(crate) fn find_brand(conn: &Connection, name: &str, me: UserRow) -> Result<Option<BrandRow>> {
    let key = names::key(name.trim());
    if key == names::key(crate::brands::PERSONAL_BRAND) {
        return Ok(conn
            .query_row("SELECT id FROM brand WHERE personal_of = ?1", [me.0], |r| {
                r.get(0)
            })
            .optional()?
            .map(BrandRow));
    }
    Ok(conn
        .query_row(
            "SELECT id FROM brand WHERE personal_of IS NULL AND name_key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?
        .map(BrandRow))
}

impl Tx<'_> {
    /// The user's Personal brand (SPEC R10.4), created on first use.
    pub fn ensure_personal_brand(&mut self, user: UserRow, now_ms: i64) -> Result<BrandRow> {
        if let Some(id) = self
            .tx
            .query_row("SELECT id FROM brand WHERE personal_of = ?1", [user.0], |r| {
                r.get(0)
            })
            .optional()?
        {
            return Ok(BrandRow(id));
        }
        let uid = BrandId::new_v7().to_bytes();
        self.tx.execute(
            "INSERT INTO brand (uid, name, name_key, personal_of, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![uid, PERSONAL_BRAND, names::key(PERSONAL_BRAND), user.0, now_ms],
        )?;
        let row = BrandRow(self.tx.last_insert_rowid());
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(now_ms, user, Entity::Brand, ChangeAction::Create, Some(&uid))
                .change(
                    None,
                    Some(serde_json::json!({ "name": PERSONAL_BRAND, "personal": true })),
                ),
        )?;
        Ok(row)
    }

    /// The team brand called `name` (ignoring case), created when missing.
    pub fn ensure_brand(&mut self, name: &str, now_ms: i64) -> Result<BrandRow> {
        let name = names::validate_name("brand name", name)?;
        let key = names::key(&name);
        if let Some(id) = self
            .tx
            .query_row(
                "SELECT id FROM brand WHERE personal_of IS NULL AND name_key = ?1",
                [&key],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(BrandRow(id));
        }
        self.tx.execute(
            "INSERT INTO brand (uid, name, name_key, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![BrandId::new_v7().to_bytes(), name, key, now_ms],
        )?;
        Ok(BrandRow(self.tx.last_insert_rowid()))
    }

    /// Creates a team brand (the name checked by `rules::brand_name`), with `creator` in
    /// `role` (`rules::CREATOR_ROLE`) so that it never lacks a Manager.
    pub fn create_brand(
        &mut self,
        name: &str,
        creator: UserRow,
        role: BrandRole,
        now: i64,
    ) -> Result<BrandRow> {
        let name = atelier_domain::rules::brand_name(name)?;
        let exists: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM brand WHERE personal_of IS NULL AND name_key = ?1)",
            [names::key(&name)],
            |r| r.get(0),
        )?;
        if exists {
            return Err(taken("brand", &name));
        }
        let brand = self.ensure_brand(&name, now)?;
        // The brand before its first member: the outbox sends them in this order.
        self.journal(
            now,
            creator,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Create,
            json!(null),
            json!({ "name": name }),
        )?;
        self.set_member(brand, creator, Some(role), creator, now)?;
        Ok(brand)
    }

    /// Renames a team brand.
    pub fn rename_brand(&mut self, brand: BrandRow, name: &str, actor: UserRow, now: i64) -> Result<()> {
        let name = names::validate_name("brand name", name)?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM brand WHERE personal_of IS NULL AND name_key = ?1 AND id != ?2",
                params![names::key(&name), brand.0],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() || names::key(&name) == names::key(crate::brands::PERSONAL_BRAND) {
            return Err(taken("brand", &name));
        }
        let old: String = self
            .tx
            .query_row("SELECT name FROM brand WHERE id = ?1", [brand.0], |r| r.get(0))?;
        self.tx.execute(
            "UPDATE brand SET name = ?2, name_key = ?3 WHERE id = ?1",
            params![brand.0, name, names::key(&name)],
        )?;
        self.journal(
            now,
            actor,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": name }),
        )
    }

    /// Changes kit fields (already validated).
    pub fn set_kit(&mut self, brand: BrandRow, k: &KitChange, actor: UserRow, now: i64) -> Result<()> {
        let json =
            |v: &Vec<String>| serde_json::to_string(v).map_err(|e| CatalogError::Corrupt(e.to_string()));
        if let Some(c) = &k.color {
            self.tx
                .execute("UPDATE brand SET color = ?2 WHERE id = ?1", params![brand.0, c])?;
        }
        if let Some(p) = &k.prompt_prefix {
            self.tx.execute(
                "UPDATE brand SET prompt_prefix = ?2 WHERE id = ?1",
                params![brand.0, p],
            )?;
        }
        if let Some(p) = &k.prompt_suffix {
            self.tx.execute(
                "UPDATE brand SET prompt_suffix = ?2 WHERE id = ?1",
                params![brand.0, p],
            )?;
        }
        if let Some(b) = &k.banned_terms {
            self.tx.execute(
                "UPDATE brand SET banned_terms = ?2 WHERE id = ?1",
                params![brand.0, json(b)?],
            )?;
        }
        if let Some(s) = k.self_approval {
            self.tx.execute(
                "UPDATE brand SET self_approval = ?2 WHERE id = ?1",
                params![brand.0, s],
            )?;
        }
        if let Some(p) = &k.palette {
            self.tx.execute(
                "UPDATE brand SET palette = ?2 WHERE id = ?1",
                params![brand.0, json(p)?],
            )?;
        }
        if let Some(l) = k.logo {
            self.tx.execute(
                "UPDATE brand SET logo_asset = ?2 WHERE id = ?1",
                params![brand.0, l],
            )?;
        }
        let logo = match k.logo {
            Some(l) => Some(
                l.map(|s| journal::asset_uid(&self.tx, s).map(|u| journal::uid_text(&u)))
                    .transpose()?,
            ),
            None => None,
        };
        self.journal(
            now,
            actor,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Kit,
            json!(null),
            json!({
                // Cleared is "", unchanged null: the sync sends the one and not the other.
                "color": k.color.as_ref().map(|c| c.clone().unwrap_or_default()),
                "prompt_prefix": k.prompt_prefix,
                "prompt_suffix": k.prompt_suffix,
                "banned_terms": k.banned_terms,
                "self_approval": k.self_approval,
                "palette": k.palette,
                "logo": logo,
            }),
        )
    }

    /// Replaces a brand's pinned anchors (at most 16, validated by the caller).
    pub fn set_anchors(&mut self, brand: BrandRow, seqs: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.tx
            .execute("DELETE FROM brand_anchor WHERE brand = ?1", [brand.0])?;
        for (i, s) in seqs.iter().enumerate() {
            self.tx.execute(
                "INSERT OR IGNORE INTO brand_anchor (brand, asset, position) VALUES (?1, ?2, ?3)",
                params![brand.0, s, i as i64],
            )?;
        }
        let anchors: Vec<String> = journal::asset_uids(&self.tx, seqs)?
            .iter()
            .map(|u| journal::uid_text(u))
            .collect();
        self.journal(
            now,
            actor,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Anchors,
            json!(null),
            json!({ "anchors": anchors }),
        )
    }

    /// Sets (or with `None`, removes) a member's role. The last-Manager guard is the caller's.
    pub fn set_member(
        &mut self,
        brand: BrandRow,
        user: UserRow,
        role: Option<BrandRole>,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        match role {
            Some(r) => self.tx.execute(
                "INSERT INTO brand_member (brand, user, role) VALUES (?1, ?2, ?3)
                 ON CONFLICT (brand, user) DO UPDATE SET role = excluded.role",
                params![brand.0, user.0, r.as_str()],
            )?,
            None => self.tx.execute(
                "DELETE FROM brand_member WHERE brand = ?1 AND user = ?2",
                params![brand.0, user.0],
            )?,
        };
        let member: Vec<u8> = self
            .tx
            .query_row("SELECT uid FROM user WHERE id = ?1", [user.0], |r| r.get(0))?;
        self.journal(
            now,
            actor,
            Entity::Brand,
            Some(&self.uid(Entity::Brand, brand.0)?),
            ChangeAction::Member,
            json!(null),
            json!({ "user": journal::uid_text(&member), "role": role.map(BrandRole::as_str) }),
        )
    }

    /// The brand rows the catalog refuses to lose (for callers that need them inside the tx).
    pub fn find_brand(&self, name: &str, me: UserRow) -> Result<Option<BrandRow>> {
        find_brand(&self.tx, name, me)
    }
}

impl Catalog {
    /// A user's Personal brand, if it exists yet.
    pub fn find_personal_brand(&self, user: UserRow) -> Result<Option<BrandRow>> {
        Ok(self
            .conn()
            .query_row("SELECT id FROM brand WHERE personal_of = ?1", [user.0], |r| {
                r.get(0)
            })
            .optional()?
            .map(BrandRow))
    }

    /// A brand by name (a team brand, or "Personal" for `me`'s Personal brand).
    pub fn find_brand(&self, name: &str, me: UserRow) -> Result<Option<BrandRow>> {
        find_brand(self.conn(), name, me)
    }

    /// Facts about a brand the rules need: (Personal owner, self-approval).
    pub fn brand_facts(&self, brand: BrandRow) -> Result<(Option<UserRow>, bool)> {
        Ok(self.conn().query_row(
            "SELECT personal_of, self_approval FROM brand WHERE id = ?1",
            [brand.0],
            |r| Ok((r.get::<_, Option<i64>>(0)?.map(UserRow), r.get(1)?)),
        )?)
    }

    /// Every brand the reader may see (their Personal brand first, then team brands by name).
    pub fn list_brands(&self, scope: &Scope) -> Result<Vec<BrandInfo>> {
        let ids: Vec<i64> = self
            .conn()
            .prepare_cached(
                "SELECT id FROM brand WHERE id IN rarray(?1) ORDER BY personal_of IS NULL, name_key",
            )?
            .query_map([crate::rows::array(&scope.brands)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        // The cards once for every brand (one posting read, not one per brand).
        let cards = scope.cards(self.conn())?;
        ids.into_iter()
            .map(|b| self.brand_info_counting(BrandRow(b), &cards))
            .collect()
    }

    /// One brand with its kit, members and the count of its assets the reader may see.
    pub fn brand_info(&self, brand: BrandRow, scope: &Scope) -> Result<BrandInfo> {
        self.brand_info_counting(brand, &scope.cards(self.conn())?)
    }

    /// [`Catalog::brand_info`], counting among `cards` (what the reader's grid shows).
    fn brand_info_counting(&self, brand: BrandRow, cards: &RoaringBitmap) -> Result<BrandInfo> {
        let conn = self.conn();
        type Row = (
            Vec<u8>,
            String,
            bool,
            Option<String>,
            String,
            String,
            String,
            bool,
            String,
            Option<i64>,
        );
        let row: Row = conn.query_row(
            "SELECT uid, name, personal_of IS NOT NULL, color, prompt_prefix, prompt_suffix, banned_terms,
                    self_approval, palette, logo_asset FROM brand WHERE id = ?1",
            [brand.0],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            },
        )?;
        let (uid, name, personal, color, prompt_prefix, prompt_suffix, banned, self_approval, palette, logo) =
            row;
        let members: Vec<(String, String)> = conn
            .prepare_cached(
                "SELECT u.handle, m.role FROM brand_member m JOIN user u ON u.id = m.user
                 WHERE m.brand = ?1 ORDER BY u.handle_key",
            )?
            .query_map([brand.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let anchors: Vec<i64> = conn
            .prepare_cached("SELECT asset FROM brand_anchor WHERE brand = ?1 ORDER BY position")?
            .query_map([brand.0], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(BrandInfo {
            id: BrandId::from_uuid(uuid_of(&uid)?),
            name,
            personal,
            color,
            prompt_prefix,
            prompt_suffix,
            banned_terms: serde_json::from_str(&banned).unwrap_or_default(),
            self_approval,
            palette: serde_json::from_str(&palette).unwrap_or_default(),
            logo: logo.map(|l| self.ids_of(&[l]).map(|v| v[0])).transpose()?,
            anchors: self.ids_of(&anchors)?,
            members: members
                .into_iter()
                .map(|(user, role)| {
                    Ok(MemberInfo {
                        user,
                        role: role.parse::<BrandRole>()?,
                    })
                })
                .collect::<Result<_>>()?,
            count: (load(conn, Facet::Brand(brand.0))? & cards).len(),
        })
    }

    /// Number of Managers of a brand.
    pub fn manager_count(&self, brand: BrandRow) -> Result<i64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM brand_member WHERE brand = ?1 AND role = 'manager'",
            [brand.0],
            |r| r.get(0),
        )?)
    }
}
