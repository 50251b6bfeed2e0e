//! What one person may see (SPEC R9.3, R10.4, R10.5): the one place where every read — search,
//! counts, selections, show, similar, duplicates, lists — is cut down to it. An asset is
//! visible when both its brand and its project are: the reader's own Personal brand, a team
//! brand they belong to (every team brand for studio Owners and Admins); their own projects and
//! shared ones.
//!
//! Knows who sees what, not who may *do* what: that is atelier-domain's policy.

use atelier_domain::{BrandKind, StudioRole, visibility};
use roaring::RoaringBitmap;
use rusqlite::OptionalExtension;

use crate::postings::{Facet, load, load_any};
use crate::rows::{BrandRow, ProjectRow, UserRow};
use crate::{Catalog, Result};

/// Who is reading, as far as visibility goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The reader.
    pub user: UserRow,
    /// Their studio role (Owners and Admins see every team brand).
    pub studio_role: StudioRole,
    /// The team brands the reader belongs to (any role).
    pub member_of: Vec<BrandRow>,
}

impl Viewer {
    /// Whether the reader may see a brand (its Personal owner, if it is a Personal brand).
    pub fn sees_brand(&self, brand: BrandRow, personal_of: Option<UserRow>) -> bool {
        let kind = match personal_of {
            Some(owner) => BrandKind::Personal {
                owned_by_actor: owner == self.user,
            },
            None => BrandKind::Team,
        };
        visibility::sees_brand(kind, self.member_of.contains(&brand), self.studio_role)
    }

    /// Whether the reader may see a project: their own, or a shared one.
    pub fn sees_project(&self, owner: UserRow, shared: bool) -> bool {
        visibility::sees_project(owner == self.user, shared)
    }
}

/// A reader's view: the assets, brands and projects they may see.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    /// The reader.
    pub user: UserRow,
    /// Seqs of the live assets they may see (stack members and all; not the Trash).
    pub assets: RoaringBitmap,
    /// Seqs of the assets in the Trash they may see.
    pub trashed: RoaringBitmap,
    /// Brands they may see (their Personal brand first).
    pub brands: Vec<i64>,
    /// Projects they may see.
    pub projects: Vec<i64>,
}

impl Scope {
    /// What the grid shows of what the reader may see: one card per stack (its cover). Every
    /// count is of these (docs/decisions/0020: one counting rule).
    pub(crate) fn cards(&self, conn: &rusqlite::Connection) -> Result<RoaringBitmap> {
        Ok(&self.assets - &load(conn, Facet::StackMember)?)
    }

    /// Whether the reader may see the asset with this seq.
    pub fn sees(&self, seq: i64) -> bool {
        u32::try_from(seq).is_ok_and(|s| self.assets.contains(s))
    }

    /// Whether the reader may see this brand.
    pub fn sees_brand(&self, brand: BrandRow) -> bool {
        self.brands.contains(&brand.0)
    }

    /// Whether the reader may see this project.
    pub fn sees_project(&self, project: ProjectRow) -> bool {
        self.projects.contains(&project.0)
    }
}

impl Catalog {
    /// What `viewer` may see now. Cheap: everything, minus the postings of the brands and
    /// projects they may not see (in a library of one person, none).
    pub fn scope(&self, viewer: &Viewer) -> Result<Scope> {
        let conn = self.conn();
        let mut brands: Vec<i64> = Vec::new();
        let mut hidden_brands: Vec<i64> = Vec::new();
        let mut stmt =
            conn.prepare_cached("SELECT id, personal_of FROM brand ORDER BY personal_of IS NULL, id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, personal_of): (i64, Option<i64>) = (r.get(0)?, r.get(1)?);
            if viewer.sees_brand(BrandRow(id), personal_of.map(UserRow)) {
                brands.push(id);
            } else {
                hidden_brands.push(id);
            }
        }
        let mut projects: Vec<i64> = Vec::new();
        let mut hidden_projects: Vec<i64> = Vec::new();
        let mut stmt = conn.prepare_cached("SELECT id, owner, shared FROM project")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, owner, shared): (i64, i64, bool) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if viewer.sees_project(UserRow(owner), shared) {
                projects.push(id);
            } else {
                hidden_projects.push(id);
            }
        }
        let mut assets = load(conn, Facet::All)?;
        if !hidden_brands.is_empty() {
            assets -= load_any(conn, hidden_brands.into_iter().map(Facet::Brand))?;
        }
        if !hidden_projects.is_empty() {
            assets -= load_any(conn, hidden_projects.into_iter().map(Facet::Project))?;
        }
        let trashed = load(conn, Facet::Trashed)? & &assets;
        assets -= &trashed;
        Ok(Scope {
            user: viewer.user,
            assets,
            trashed,
            brands,
            projects,
        })
    }

    /// Whether `viewer` may see the asset with this seq: one indexed lookup, for reads of a
    /// single asset (show, media) where building the whole [`Scope`] would be waste.
    pub fn sees_asset(&self, viewer: &Viewer, seq: i64) -> Result<bool> {
        let row: Option<(i64, Option<i64>, i64, bool)> = self
            .conn()
            .prepare_cached(
                "SELECT a.brand, b.personal_of, p.owner, p.shared FROM asset a
                 JOIN brand b ON b.id = a.brand JOIN project p ON p.id = a.project WHERE a.seq = ?1",
            )?
            .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        Ok(row.is_some_and(|(brand, personal_of, owner, shared)| {
            viewer.sees_brand(BrandRow(brand), personal_of.map(UserRow))
                && viewer.sees_project(UserRow(owner), shared)
        }))
    }

    /// Whether `viewer` may see this brand.
    pub fn sees_brand(&self, viewer: &Viewer, brand: BrandRow) -> Result<bool> {
        let personal_of: Option<Option<i64>> = self
            .conn()
            .prepare_cached("SELECT personal_of FROM brand WHERE id = ?1")?
            .query_row([brand.0], |r| r.get(0))
            .optional()?;
        Ok(personal_of.is_some_and(|p| viewer.sees_brand(brand, p.map(UserRow))))
    }
}
