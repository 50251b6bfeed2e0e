//! The campaigns store: each team brand's campaigns — create, find, list with counts, rename,
//! delete (the grouping only).
//!
//! Knows campaigns' rows, postings and journal entries; adding assets is assets/links.rs.

use std::collections::HashSet;

use atelier_domain::ids::CampaignId;
use atelier_domain::{ErrorCode, Id, InvalidInput, names};
use atelier_protocol::{ChangeAction, Entity};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

use crate::brands::brands_named;
use crate::postings::{Facet, load};
use crate::rows::{BrandRow, CampaignRow, UserRow, uuid_of};
use crate::{Catalog, CatalogError, Result, Scope, Tx};

/// A campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CampaignInfo {
    /// Public id.
    pub id: CampaignId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Its brand's name.
    pub brand: String,
    /// `private` or `public`.
    pub visibility: String,
    /// Assets in it.
    #[ts(type = "number")]
    pub count: u64,
}

/// Campaigns called `name` ignoring case, in `brands`.
pub(crate) fn campaigns_named(conn: &Connection, name: &str, brands: &[i64]) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT id, brand FROM campaign WHERE name_key = ?1")?;
    let ids: Vec<i64> = stmt
        .query_map([names::key(name.trim())], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?
        .filter_map(|r| match r {
            Ok((id, brand)) if brands.contains(&brand) => Some(Ok(id)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(CatalogError::not_found("campaign", name));
    }
    Ok(ids)
}

impl Tx<'_> {
    /// Creates a campaign in a brand. Names are unique within the brand, ignoring case.
    pub fn create_campaign(
        &mut self,
        brand: BrandRow,
        name: &str,
        description: &str,
        actor: UserRow,
        now_ms: i64,
    ) -> Result<CampaignRow> {
        let name = names::validate_name("campaign name", name)?;
        let key = names::key(&name);
        let exists: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM campaign WHERE brand = ?1 AND name_key = ?2)",
            params![brand.0, key],
            |r| r.get(0),
        )?;
        if exists {
            return Err(atelier_domain::InvalidInput::new(
                ErrorCode::NameTaken,
                "A campaign with that name already exists",
            )
            .into());
        }
        self.tx.execute(
            "INSERT INTO campaign (uid, brand, name, name_key, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![atelier_domain::ids::CampaignId::new_v7().to_bytes(), brand.0, name, key, description, now_ms],
        )?;
        let id = self.tx.last_insert_rowid();
        let (uid, brand_uid) = (
            crate::journal::uid_of(&self.tx, "campaign", id)?,
            crate::journal::uid_of(&self.tx, "brand", brand.0)?,
        );
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(now_ms, actor, Entity::Campaign, ChangeAction::Create, Some(&uid))
                .change(
                    None,
                    Some(serde_json::json!({ "name": name, "brand": crate::journal::uid_text(&brand_uid) })),
                ),
        )?;
        Ok(CampaignRow(id))
    }

    /// Renames a campaign (unique in its brand, ignoring case).
    pub fn rename_campaign(
        &mut self,
        campaign: CampaignRow,
        name: &str,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let campaign = campaign.0;
        let name = names::validate_name("campaign name", name)?;
        let (brand, old): (i64, String) = self.tx.query_row(
            "SELECT brand, name FROM campaign WHERE id = ?1",
            [campaign],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM campaign WHERE brand = ?1 AND name_key = ?2 AND id != ?3",
                params![brand, names::key(&name), campaign],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(
                InvalidInput::new(ErrorCode::NameTaken, "A campaign with that name already exists").into(),
            );
        }
        self.tx.execute(
            "UPDATE campaign SET name = ?2, name_key = ?3 WHERE id = ?1",
            params![campaign, name, names::key(&name)],
        )?;
        self.journal(
            now,
            actor,
            Entity::Campaign,
            Some(&self.uid(Entity::Campaign, campaign)?),
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": name }),
        )
    }

    /// Deletes a campaign; its assets, their status and brand stay as they were (R8.3).
    pub fn delete_campaign(&mut self, campaign: CampaignRow, actor: UserRow, now: i64) -> Result<()> {
        let campaign = campaign.0;
        let name: String = self
            .tx
            .query_row("SELECT name FROM campaign WHERE id = ?1", [campaign], |r| {
                r.get(0)
            })?;
        let uid = self.uid(Entity::Campaign, campaign)?;
        for s in &load(&self.tx, Facet::Campaign(campaign))? {
            self.postings.remove(Facet::Campaign(campaign), s);
        }
        self.tx
            .execute("DELETE FROM campaign WHERE id = ?1", [campaign])?;
        self.journal(
            now,
            actor,
            Entity::Campaign,
            Some(&uid),
            ChangeAction::Delete,
            json!({ "name": name }),
            json!(null),
        )
    }
}

impl Catalog {
    /// Every campaign name of a brand, by name.
    pub fn campaign_names(&self, brand: &str, scope: &Scope) -> Result<Vec<String>> {
        let brands = brands_named(self.conn(), brand, scope)?;
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT name FROM campaign WHERE brand = ?1 ORDER BY name_key")?;
        let mut out = Vec::new();
        for b in brands {
            out.extend(
                stmt.query_map([b], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        Ok(out)
    }

    /// A campaign by name within a brand.
    pub fn find_campaign(&self, brand: BrandRow, name: &str) -> Result<Option<CampaignRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM campaign WHERE brand = ?1 AND name_key = ?2",
                params![brand.0, names::key(name.trim())],
                |r| r.get(0),
            )
            .optional()?
            .map(CampaignRow))
    }

    /// The campaigns of a brand (all the reader may see when `None`), by name, with counts of
    /// what the reader may see.
    pub fn list_campaigns(&self, brand: Option<BrandRow>, scope: &Scope) -> Result<Vec<CampaignInfo>> {
        let conn = self.conn();
        let cards = scope.cards(conn)?;
        let rows: Vec<(i64, Vec<u8>, String, String, String, String)> = conn
            .prepare_cached(
                "SELECT c.id, c.uid, c.name, c.description, b.name, c.visibility FROM campaign c
                 JOIN brand b ON b.id = c.brand WHERE (?1 IS NULL OR c.brand = ?1) AND c.brand IN rarray(?2)
                 ORDER BY b.name_key, c.name_key",
            )?
            .query_map(
                params![brand.map(|b| b.0), crate::rows::array(&scope.brands)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(id, uid, name, description, brand, visibility)| {
                Ok(CampaignInfo {
                    id: CampaignId::from_uuid(uuid_of(&uid)?),
                    name,
                    description,
                    brand,
                    visibility,
                    count: (load(conn, Facet::Campaign(id))? & &cards).len(),
                })
            })
            .collect()
    }

    /// The assets in a campaign.
    pub fn campaign_members(&self, campaign: CampaignRow) -> Result<HashSet<i64>> {
        let campaign = campaign.0;
        Ok(load(self.conn(), Facet::Campaign(campaign))?
            .iter()
            .map(i64::from)
            .collect())
    }

    /// A campaign's name.
    pub fn campaign_name(&self, campaign: CampaignRow) -> Result<String> {
        let campaign = campaign.0;
        Ok(self
            .conn()
            .query_row("SELECT name FROM campaign WHERE id = ?1", [campaign], |r| {
                r.get(0)
            })?)
    }
}
