//! Public ids ↔ local rows for the things intents name (brands, projects, collections,
//! campaigns): what crosses an edge is a UUID, what joins inside the catalog is a row.
//!
//! Knows the tables only: whether the actor may see what an id names is the library's check.

use atelier_domain::Id;
use atelier_domain::ids::{BrandId, CampaignId, CollectionId, ProjectId};
use rusqlite::{OptionalExtension, params};

use crate::{BrandRow, CampaignRow, Catalog, CatalogError, CollectionRow, ProjectRow, Result, UserRow};

/// An id type with a table of its own.
pub trait Stored: Id {
    /// The table whose `uid` column holds it.
    const TABLE: &'static str;
    /// Its local row type.
    type Row: Copy;
    /// The row's number.
    fn number(row: Self::Row) -> i64;
    /// A row from its number.
    fn row(number: i64) -> Self::Row;
}

macro_rules! stored {
    ($id:ty, $row:ident, $table:literal) => {
        impl Stored for $id {
            const TABLE: &'static str = $table;
            type Row = $row;
            fn number(row: $row) -> i64 {
                row.0
            }
            fn row(number: i64) -> $row {
                $row(number)
            }
        }
    };
}

stored!(BrandId, BrandRow, "brand");
stored!(ProjectId, ProjectRow, "project");
stored!(CollectionId, CollectionRow, "collection");
stored!(CampaignId, CampaignRow, "campaign");

impl Catalog {
    /// The row a public id names, if any.
    pub fn row_of<I: Stored>(&self, id: I) -> Result<Option<I::Row>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT id FROM {} WHERE uid = ?1", I::TABLE))?
            .query_row([id.to_bytes()], |r| r.get(0))
            .optional()?
            .map(I::row))
    }

    /// The public id of a row.
    pub fn id_of<I: Stored>(&self, row: I::Row) -> Result<I> {
        let row = I::number(row);
        let uid: Option<Vec<u8>> = self
            .conn()
            .prepare_cached(&format!("SELECT uid FROM {} WHERE id = ?1", I::TABLE))?
            .query_row([row], |r| r.get(0))
            .optional()?;
        uid.as_deref()
            .and_then(I::from_slice)
            .ok_or_else(|| CatalogError::Corrupt(format!("{} {row} has no public id", I::TABLE)))
    }

    /// A brand by public id.
    pub fn brand_by_id(&self, id: BrandId) -> Result<Option<BrandRow>> {
        self.row_of(id)
    }

    /// A project by public id, with its owner.
    pub fn project_by_id(&self, id: ProjectId) -> Result<Option<(ProjectRow, UserRow)>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id, owner FROM project WHERE uid = ?1")?
            .query_row([id.to_bytes()], |r| {
                Ok((ProjectRow(r.get(0)?), UserRow(r.get(1)?)))
            })
            .optional()?)
    }

    /// A collection by public id, with the brand it belongs to.
    pub fn collection_by_id(&self, id: CollectionId) -> Result<Option<(CollectionRow, BrandRow)>> {
        Ok(self
            .in_brand("collection", id.to_bytes())?
            .map(|(c, b)| (CollectionRow(c), b)))
    }

    /// A campaign by public id, with the brand it belongs to.
    pub fn campaign_by_id(&self, id: CampaignId) -> Result<Option<(CampaignRow, BrandRow)>> {
        Ok(self
            .in_brand("campaign", id.to_bytes())?
            .map(|(c, b)| (CampaignRow(c), b)))
    }

    fn in_brand(&self, table: &str, uid: [u8; 16]) -> Result<Option<(i64, BrandRow)>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT id, brand FROM {table} WHERE uid = ?1"))?
            .query_row(params![uid], |r| Ok((r.get(0)?, BrandRow(r.get(1)?))))
            .optional()?)
    }
}
