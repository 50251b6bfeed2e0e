//! The projects store: each user's projects — create (or find on the way, for imports), list
//! with counts, settings and the defaults they give imports, rename, archive, share, delete.
//!
//! Knows projects' rows and journal entries; rules are atelier-domain's.

use atelier_domain::ids::ProjectId;
use atelier_domain::{Id, names};
use atelier_protocol::{ChangeAction, Entity};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

use crate::postings::{Facet, load};
use crate::rows::{ProjectRow, UserRow, taken, uuid_of};
use crate::{Catalog, CatalogError, Result, Scope, Tx};

/// A project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProjectInfo {
    /// Public id.
    pub id: ProjectId,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Archived projects are hidden from the active list.
    pub archived: bool,
    /// Shared with the studio.
    pub shared: bool,
    /// Its originals are kept in this library (each sync downloads those only on the studio).
    pub offline: bool,
    /// The reader's own (otherwise another member's shared project: *Organization Projects*).
    pub mine: bool,
    /// Its owner's display name.
    pub owner: String,
    /// Brand new assets get, when set.
    pub default_brand: Option<String>,
    /// `in_place` or `copy`.
    pub import_mode: String,
    /// Rename template for copies.
    pub rename_template: Option<String>,
    /// Tags new assets get.
    pub default_tags: Vec<String>,
    /// Assets in it.
    #[ts(type = "number")]
    pub count: u64,
}

/// A project's use against the studio's plan limits (R9.5); the limits are `null` when the
/// studio sets none (or the library is standalone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProjectUsage {
    /// The project.
    pub project: String,
    /// Bytes of originals it holds (its Trash included, until purged).
    #[ts(type = "number")]
    pub storage_bytes: u64,
    /// Bytes each project may hold.
    #[ts(type = "number | null")]
    pub storage_limit: Option<u64>,
    /// Projects the acting person owns, their Inbox aside.
    #[ts(type = "number")]
    pub projects_owned: u64,
    /// Projects each member may own.
    pub projects_limit: Option<u32>,
}

/// Project settings a caller may change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectChange {
    /// Default brand row (`Some(None)` clears it).
    pub default_brand: Option<Option<i64>>,
    /// `in_place` or `copy`.
    pub import_mode: Option<String>,
    /// Rename template (`Some(None)` clears it).
    pub rename_template: Option<Option<String>>,
    /// Default tags.
    pub default_tags: Option<Vec<String>>,
    /// Description.
    pub description: Option<String>,
}

/// What a project gives new imports by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectDefaults {
    /// Default brand's name ("Personal" for the owner's Personal brand).
    pub default_brand: Option<String>,
    /// `in_place` or `copy`.
    pub import_mode: String,
    /// Rename template for copies.
    pub rename_template: Option<String>,
    /// Tags new assets get.
    pub default_tags: Vec<String>,
}

/// The projects called `name` (ignoring case) that the reader may see: their own first, then
/// shared ones.
pub(crate) fn projects_named(conn: &Connection, name: &str, scope: &Scope) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM project WHERE name_key = ?1 AND id IN rarray(?2) ORDER BY owner != ?3",
    )?;
    let ids: Vec<i64> = stmt
        .query_map(
            params![
                names::key(name.trim()),
                crate::rows::array(&scope.projects),
                scope.user.0
            ],
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(CatalogError::not_found("project", name));
    }
    Ok(ids)
}

impl Tx<'_> {
    /// The owner's project called `name` (ignoring case), created when missing.
    pub fn ensure_project(&mut self, owner: UserRow, name: &str, now_ms: i64) -> Result<ProjectRow> {
        let name = names::validate_name("project name", name)?;
        let key = names::key(&name);
        if let Some(id) = self
            .tx
            .query_row(
                "SELECT id FROM project WHERE owner = ?1 AND name_key = ?2",
                params![owner.0, key],
                |r| r.get(0),
            )
            .optional()?
        {
            return Ok(ProjectRow(id));
        }
        let uid = ProjectId::new_v7().to_bytes();
        self.tx.execute(
            "INSERT INTO project (uid, owner, name, name_key, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![uid, owner.0, name, key, now_ms],
        )?;
        let row = ProjectRow(self.tx.last_insert_rowid());
        crate::journal::record(
            &self.tx,
            crate::journal::Entry::about(now_ms, owner, Entity::Project, ChangeAction::Create, Some(&uid))
                .change(None, Some(serde_json::json!({ "name": name }))),
        )?;
        Ok(row)
    }

    /// Creates a project (unique name per owner).
    pub fn create_project(
        &mut self,
        owner: UserRow,
        name: &str,
        description: &str,
        now: i64,
    ) -> Result<ProjectRow> {
        let name = names::validate_name("project name", name)?;
        let exists: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM project WHERE owner = ?1 AND name_key = ?2)",
            params![owner.0, names::key(&name)],
            |r| r.get(0),
        )?;
        if exists {
            return Err(taken("project", &name));
        }
        self.tx.execute(
            "INSERT INTO project (uid, owner, name, name_key, description, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![ProjectId::new_v7().to_bytes(), owner.0, name, names::key(&name), description, now],
        )?;
        let row = ProjectRow(self.tx.last_insert_rowid());
        self.journal(
            now,
            owner,
            Entity::Project,
            Some(&self.uid(Entity::Project, row.0)?),
            ChangeAction::Create,
            json!(null),
            json!({ "name": name }),
        )?;
        Ok(row)
    }

    /// Renames a project (unique among the owner's projects).
    pub fn rename_project(
        &mut self,
        project: ProjectRow,
        name: &str,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let name = names::validate_name("project name", name)?;
        let (owner, old): (i64, String) = self.tx.query_row(
            "SELECT owner, name FROM project WHERE id = ?1",
            [project.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let clash: Option<i64> = self
            .tx
            .query_row(
                "SELECT id FROM project WHERE owner = ?1 AND name_key = ?2 AND id != ?3",
                params![owner, names::key(&name), project.0],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(taken("project", &name));
        }
        self.tx.execute(
            "UPDATE project SET name = ?2, name_key = ?3 WHERE id = ?1",
            params![project.0, name, names::key(&name)],
        )?;
        self.journal(
            now,
            actor,
            Entity::Project,
            Some(&self.uid(Entity::Project, project.0)?),
            ChangeAction::Rename,
            json!({ "name": old }),
            json!({ "name": name }),
        )
    }

    /// Sets a project's archived or shared state.
    pub fn set_project_flag(
        &mut self,
        project: ProjectRow,
        flag: &str,
        on: bool,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let (column, action) = match flag {
            "archived" => ("archived", ChangeAction::Archived),
            "shared" => ("shared", ChangeAction::Shared),
            "offline" => ("offline", ChangeAction::Offline),
            other => return Err(CatalogError::Corrupt(format!("unknown project flag {other}"))),
        };
        self.tx.execute(
            &format!("UPDATE project SET {column} = ?2 WHERE id = ?1"),
            params![project.0, on],
        )?;
        self.journal(
            now,
            actor,
            Entity::Project,
            Some(&self.uid(Entity::Project, project.0)?),
            action,
            json!({ column: !on }),
            json!({ column: on }),
        )
    }

    /// Changes a project's settings.
    pub fn set_project_settings(
        &mut self,
        project: ProjectRow,
        c: &ProjectChange,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        if let Some(b) = c.default_brand {
            self.tx.execute(
                "UPDATE project SET default_brand = ?2 WHERE id = ?1",
                params![project.0, b],
            )?;
        }
        if let Some(m) = &c.import_mode {
            self.tx.execute(
                "UPDATE project SET import_mode = ?2 WHERE id = ?1",
                params![project.0, m],
            )?;
        }
        if let Some(t) = &c.rename_template {
            self.tx.execute(
                "UPDATE project SET rename_template = ?2 WHERE id = ?1",
                params![project.0, t],
            )?;
        }
        if let Some(t) = &c.default_tags {
            self.tx.execute(
                "UPDATE project SET default_tags = ?2 WHERE id = ?1",
                params![
                    project.0,
                    serde_json::to_string(t).map_err(|e| CatalogError::Corrupt(e.to_string()))?
                ],
            )?;
        }
        if let Some(d) = &c.description {
            self.tx.execute(
                "UPDATE project SET description = ?2 WHERE id = ?1",
                params![project.0, d],
            )?;
        }
        let default_brand = match c.default_brand {
            Some(b) => Some(self.uid_text(Entity::Brand, b)?),
            None => None,
        };
        self.journal(
            now,
            actor,
            Entity::Project,
            Some(&self.uid(Entity::Project, project.0)?),
            ChangeAction::Settings,
            json!(null),
            json!({
                "default_brand": default_brand,
                "import_mode": c.import_mode,
                "rename_template": c.rename_template,
                "default_tags": c.default_tags,
                "description": c.description,
            }),
        )
    }

    /// Deletes an (emptied) project row.
    pub fn delete_project(&mut self, project: ProjectRow, actor: UserRow, now: i64) -> Result<()> {
        let name: String = self
            .tx
            .query_row("SELECT name FROM project WHERE id = ?1", [project.0], |r| {
                r.get(0)
            })?;
        let uid = self.uid(Entity::Project, project.0)?;
        self.tx
            .execute("DELETE FROM project WHERE id = ?1", [project.0])?;
        self.journal(
            now,
            actor,
            Entity::Project,
            Some(&uid),
            ChangeAction::Delete,
            json!({ "name": name }),
            json!(null),
        )
    }
}

impl Catalog {
    /// How many projects `owner` has, not counting `except` (their Inbox, which every person
    /// has and no limit counts).
    pub fn projects_owned(&self, owner: UserRow, except: ProjectRow) -> Result<u64> {
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM project WHERE owner = ?1 AND id != ?2",
            params![owner.0, except.0],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// The bytes of the originals a project holds (its assets in the Trash included: they
    /// still take their room until purged).
    pub fn project_bytes(&self, project: ProjectRow) -> Result<u64> {
        let n: i64 = self.conn().query_row(
            "SELECT coalesce(sum(f.bytes), 0) FROM asset a JOIN asset_file f ON f.asset = a.seq WHERE a.project = ?1",
            [project.0],
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
    }

    /// The bytes of the originals of `seqs` that are not already in `project` (what a move
    /// there would add).
    pub fn bytes_moving_into(&self, seqs: &[i64], project: ProjectRow) -> Result<u64> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT coalesce(sum(f.bytes), 0) FROM asset a JOIN asset_file f ON f.asset = a.seq
             WHERE a.seq IN rarray(?1) AND a.project != ?2",
        )?;
        let n: i64 = stmt.query_row(params![crate::rows::array(seqs), project.0], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// The owner's project by name.
    pub fn find_project(&self, owner: UserRow, name: &str) -> Result<Option<ProjectRow>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM project WHERE owner = ?1 AND name_key = ?2",
                params![owner.0, names::key(name.trim())],
                |r| r.get(0),
            )
            .optional()?
            .map(ProjectRow))
    }

    /// Another member's shared project called `name` that the reader sees, if any.
    pub fn shared_project_named(&self, name: &str, scope: &Scope) -> Result<Option<ProjectRow>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT id FROM project WHERE name_key = ?1 AND shared = 1 AND owner != ?2 AND id IN rarray(?3)
                 ORDER BY id LIMIT 1",
            )?
            .query_row(
                params![names::key(name.trim()), scope.user.0, crate::rows::array(&scope.projects)],
                |r| r.get(0),
            )
            .optional()?
            .map(ProjectRow))
    }

    /// The project called `name` that the reader sees: their own first, else a shared one.
    pub fn project_named(&self, name: &str, scope: &Scope) -> Result<ProjectRow> {
        let ids = projects_named(self.conn(), name, scope)?;
        Ok(ProjectRow(ids[0]))
    }

    /// The reader's projects, then the shared projects of others they may see, each by name.
    pub fn list_projects(&self, owner: UserRow, scope: &Scope) -> Result<Vec<ProjectInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT p.id, p.uid, p.name, p.description, p.archived, p.shared, b.name, p.import_mode,
                    p.rename_template, p.default_tags, p.owner = ?1, u.display_name, p.offline
             FROM project p LEFT JOIN brand b ON b.id = p.default_brand JOIN user u ON u.id = p.owner
             WHERE p.owner = ?1 OR (p.shared = 1 AND p.id IN rarray(?2))
             ORDER BY p.owner != ?1, p.name_key",
        )?;
        let rows = stmt.query_map(params![owner.0, crate::rows::array(&scope.projects)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, String>(9)?,
                (
                    r.get::<_, bool>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, bool>(12)?,
                ),
            ))
        })?;
        let cards = scope.cards(conn)?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                uid,
                name,
                description,
                archived,
                shared,
                default_brand,
                import_mode,
                rename_template,
                tags,
                (mine, owner, offline),
            ) = row?;
            out.push(ProjectInfo {
                id: ProjectId::from_uuid(uuid_of(&uid)?),
                name,
                description,
                archived,
                shared,
                offline,
                mine,
                owner,
                default_brand,
                import_mode,
                rename_template,
                default_tags: serde_json::from_str(&tags).unwrap_or_default(),
                count: (load(conn, Facet::Project(id))? & &cards).len(),
            });
        }
        Ok(out)
    }

    /// Assets of a project in a status (for "approved assets block deleting a project").
    pub fn project_assets(
        &self,
        project: ProjectRow,
        status: Option<atelier_domain::Status>,
    ) -> Result<Vec<i64>> {
        let conn = self.conn();
        let mut bits = load(conn, Facet::Project(project.0))?;
        if let Some(s) = status {
            bits &= load(conn, Facet::Status(s.code()))?;
        }
        Ok(bits.iter().map(i64::from).collect())
    }

    /// A project's defaults for new imports.
    pub fn project_defaults(&self, project: ProjectRow) -> Result<ProjectDefaults> {
        let (brand, personal, mode, template, tags): (Option<String>, bool, String, Option<String>, String) =
            self.conn().query_row(
                "SELECT b.name, b.personal_of IS NOT NULL, p.import_mode, p.rename_template, p.default_tags
                 FROM project p LEFT JOIN brand b ON b.id = p.default_brand WHERE p.id = ?1",
                [project.0],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get::<_, Option<bool>>(1)?.unwrap_or(false),
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                    ))
                },
            )?;
        Ok(ProjectDefaults {
            default_brand: if personal {
                Some(crate::brands::PERSONAL_BRAND.to_string())
            } else {
                brand
            },
            import_mode: mode,
            rename_template: template,
            default_tags: serde_json::from_str(&tags).unwrap_or_default(),
        })
    }
}
