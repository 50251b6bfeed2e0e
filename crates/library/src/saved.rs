//! Saved searches (issue 14, feature 4): the current filters kept by name, each person's own,
//! listed with a live count in the brand scope asked. A query is checked by running it before
//! it is kept, so a saved search always reads back.
//!
//! Knows no SQL and no HTTP.

use atelier_domain::{AssetQuery, ErrorCode, InvalidInput, names};
use atelier_protocol::SavedSearch;

use crate::{Acting, Result, now_ms};

/// At most this many saved searches per person (the rail lists them all).
const MAX_SAVED: usize = 200;

/// The query as kept: no brand scope (the rail's picker decides), page size or cursor.
fn kept(q: &AssetQuery) -> AssetQuery {
    AssetQuery {
        brand: None,
        limit: None,
        cursor: None,
        ..q.clone()
    }
}

fn not_found(id: uuid::Uuid) -> crate::LibraryError {
    InvalidInput::new(
        ErrorCode::NotFound,
        format!("no saved search of yours with id {id}"),
    )
    .into()
}

impl Acting<'_> {
    /// The actor's saved searches, by name, each with how many assets it finds now in `brand`
    /// (`None`: all brands).
    pub fn saved_searches(&self, brand: Option<&str>) -> Result<Vec<SavedSearch>> {
        let stored = self.catalog().saved_searches(self.user)?;
        let mut out = Vec::with_capacity(stored.len());
        for s in stored {
            // A query this build can't read (a newer one saved it) is left out, not fatal.
            let Ok(query) = serde_json::from_str::<AssetQuery>(&s.query) else {
                continue;
            };
            let count = self.count_of(&query, brand)?;
            out.push(SavedSearch {
                id: s.id,
                name: s.name,
                query,
                count,
            });
        }
        Ok(out)
    }

    /// Saves `query` as `name` (names are the person's own: case aside, unique).
    pub fn saved_search_create(&self, name: &str, query: &AssetQuery) -> Result<SavedSearch> {
        let name = names::validate_name("saved search name", name)?;
        let query = kept(query);
        let count = self.count_of(&query, None)?;
        if self.catalog().saved_searches(self.user)?.len() >= MAX_SAVED {
            return Err(InvalidInput::new(
                ErrorCode::InvalidCount,
                format!("you have {MAX_SAVED} saved searches, the most there can be: delete one first"),
            )
            .into());
        }
        let json = serde_json::to_string(&query).map_err(|e| crate::LibraryError::Internal(e.to_string()))?;
        let user = self.user;
        let id = self
            .catalog()
            .write(|tx| tx.save_search(user, &name, &json, now_ms()))?;
        Ok(SavedSearch {
            id,
            name,
            query,
            count,
        })
    }

    /// Renames a saved search and/or replaces its filters with `query`.
    pub fn saved_search_update(
        &self,
        id: uuid::Uuid,
        name: Option<&str>,
        query: Option<&AssetQuery>,
    ) -> Result<SavedSearch> {
        let name = name
            .map(|n| names::validate_name("saved search name", n))
            .transpose()?;
        let query = query.map(kept);
        if let Some(q) = &query {
            self.count_of(q, None)?;
        }
        let json = query
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| crate::LibraryError::Internal(e.to_string()))?;
        let user = self.user;
        self.catalog()
            .write(|tx| tx.update_search(user, id, name.as_deref(), json.as_deref()))
            .map_err(|e| match e {
                atelier_catalog::CatalogError::NotFound { .. } => not_found(id),
                other => other.into(),
            })?;
        // Read back what was kept, counting this one only.
        let stored = self
            .catalog()
            .saved_searches(self.user)?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or_else(|| not_found(id))?;
        let query: AssetQuery =
            serde_json::from_str(&stored.query).map_err(|e| crate::LibraryError::Internal(e.to_string()))?;
        let count = self.count_of(&query, None)?;
        Ok(SavedSearch {
            id,
            name: stored.name,
            query,
            count,
        })
    }

    /// Deletes a saved search (the assets it finds are untouched).
    pub fn saved_search_delete(&self, id: uuid::Uuid) -> Result<()> {
        let user = self.user;
        self.catalog()
            .write(|tx| tx.delete_search(user, id))
            .map_err(|e| match e {
                atelier_catalog::CatalogError::NotFound { .. } => not_found(id),
                other => other.into(),
            })
    }

    /// How many assets `query` finds in `brand` (running it: a bad query is refused here).
    fn count_of(&self, query: &AssetQuery, brand: Option<&str>) -> Result<u64> {
        let q = AssetQuery {
            brand: brand.map(str::to_owned),
            limit: Some(1),
            ..query.clone()
        };
        Ok(self.search(&q)?.total)
    }
}
