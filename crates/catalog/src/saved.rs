//! Saved searches (issue 14, feature 4): a person's own filters kept by name, as the JSON the
//! search takes. Each person sees only their own.
//!
//! Knows the table; not what the query means (the library runs it).

use atelier_domain::names;
use rusqlite::{OptionalExtension, params};

use crate::rows::UserRow;
use crate::{Catalog, CatalogError, Result, Tx};

/// One saved search as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSearch {
    /// Its public id.
    pub id: uuid::Uuid,
    /// Its name.
    pub name: String,
    /// The query, as JSON.
    pub query: String,
}

impl Catalog {
    /// `owner`'s saved searches, by name.
    pub fn saved_searches(&self, owner: UserRow) -> Result<Vec<StoredSearch>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT uid, name, query FROM saved_search WHERE owner = ?1 ORDER BY name_key")?;
        let rows = stmt.query_map([owner.0], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (uid, name, query) = row?;
            out.push(StoredSearch {
                id: crate::rows::uuid_of(&uid)?,
                name,
                query,
            });
        }
        Ok(out)
    }
}

impl Tx<'_> {
    /// Saves a search under a name new among `owner`'s.
    pub fn save_search(&mut self, owner: UserRow, name: &str, query: &str, now: i64) -> Result<uuid::Uuid> {
        self.name_free(owner, name, None)?;
        let id = uuid::Uuid::now_v7();
        self.tx.execute(
            "INSERT INTO saved_search (uid, owner, name, name_key, query, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id.as_bytes().to_vec(),
                owner.0,
                name,
                names::key(name),
                query,
                now
            ],
        )?;
        Ok(id)
    }

    /// Renames one of `owner`'s saved searches, and/or replaces its query.
    pub fn update_search(
        &mut self,
        owner: UserRow,
        id: uuid::Uuid,
        name: Option<&str>,
        query: Option<&str>,
    ) -> Result<()> {
        let uid = id.as_bytes().to_vec();
        self.search_row(owner, &uid)?;
        if let Some(name) = name {
            self.name_free(owner, name, Some(&uid))?;
            self.tx.execute(
                "UPDATE saved_search SET name = ?3, name_key = ?4 WHERE owner = ?1 AND uid = ?2",
                params![owner.0, uid, name, names::key(name)],
            )?;
        }
        if let Some(query) = query {
            self.tx.execute(
                "UPDATE saved_search SET query = ?3 WHERE owner = ?1 AND uid = ?2",
                params![owner.0, uid, query],
            )?;
        }
        Ok(())
    }

    /// Deletes one of `owner`'s saved searches (the assets it finds are untouched).
    pub fn delete_search(&mut self, owner: UserRow, id: uuid::Uuid) -> Result<()> {
        let uid = id.as_bytes().to_vec();
        self.search_row(owner, &uid)?;
        self.tx.execute(
            "DELETE FROM saved_search WHERE owner = ?1 AND uid = ?2",
            params![owner.0, uid],
        )?;
        Ok(())
    }

    fn search_row(&self, owner: UserRow, uid: &[u8]) -> Result<i64> {
        self.tx
            .prepare_cached("SELECT id FROM saved_search WHERE owner = ?1 AND uid = ?2")?
            .query_row(params![owner.0, uid], |r| r.get(0))
            .optional()?
            .ok_or_else(|| CatalogError::not_found("saved search", uuid_text(uid)))
    }

    fn name_free(&self, owner: UserRow, name: &str, except: Option<&[u8]>) -> Result<()> {
        let taken: Option<Vec<u8>> = self
            .tx
            .prepare_cached("SELECT uid FROM saved_search WHERE owner = ?1 AND name_key = ?2")?
            .query_row(params![owner.0, names::key(name)], |r| r.get(0))
            .optional()?;
        match taken {
            Some(uid) if Some(uid.as_slice()) != except => {
                Err(CatalogError::Invalid(atelier_domain::InvalidInput::new(
                    atelier_domain::ErrorCode::NameTaken,
                    format!("you already have a saved search named '{name}': choose another name"),
                )))
            }
            _ => Ok(()),
        }
    }
}

fn uuid_text(uid: &[u8]) -> String {
    uuid::Uuid::from_slice(uid)
        .map(|u| u.to_string())
        .unwrap_or_default()
}
