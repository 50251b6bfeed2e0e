//! Organising the containers: projects (R9), brands with kits and members (R10.2–R10.4),
//! collection trees (R3.2), campaigns (R8.1–R8.3) and the studio-wide tag list (R6.1).

use atelier_catalog::{
    BrandInfo, BrandRow, CampaignInfo, CampaignRow, CollectionInfo, CollectionRow, KitChange, ProjectChange,
    ProjectInfo, ProjectRow, ProjectUsage, TagInfo, TagRow,
};
use atelier_domain::rules::{self, StudioAction, kit};
use atelier_domain::{Action, AssetId, BrandRole, ErrorCode, InvalidInput, Status, can, names};
use serde::Serialize;

use super::Roles;
use super::assets::project_not_found;
use crate::import::Template;
use crate::{Acting, Library, LibraryError, Result, now_ms};

/// Changes to a brand's kit (`None`: leave as is).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct KitEdit {
    /// Self-approval on or off.
    pub self_approval: Option<bool>,
    /// Prompt prefix (empty clears it).
    pub prefix: Option<String>,
    /// Prompt suffix (empty clears it).
    pub suffix: Option<String>,
    /// Terms to ban (added to the list).
    pub ban: Vec<String>,
    /// Terms to allow again.
    pub unban: Vec<String>,
    /// Kit colour `#RRGGBB` (empty clears it).
    pub color: Option<String>,
    /// Palette, replacing the old one.
    pub palette: Option<Vec<String>>,
    /// Logo asset (must be on the brand).
    pub logo: Option<AssetId>,
}

/// Project settings (`None`: leave as is).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(default)]
pub struct ProjectSettings {
    /// Default brand for new assets (empty clears it).
    pub default_brand: Option<String>,
    /// `in_place` or `copy`.
    pub import_mode: Option<crate::ImportMode>,
    /// Rename template for copies (empty clears it).
    pub rename_template: Option<String>,
    /// Default tags, replacing the old ones.
    pub default_tags: Option<Vec<String>>,
    /// Description.
    pub description: Option<String>,
}

/// What deleting a project did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProjectDeleteReport {
    /// The project.
    pub project: String,
    /// Assets deleted with it.
    pub deleted_assets: usize,
}

fn invalid(code: ErrorCode, message: impl Into<String>) -> LibraryError {
    InvalidInput::new(code, message).into()
}

fn needs_studio(what: &str) -> LibraryError {
    invalid(
        ErrorCode::NeedsStudio,
        format!("{what} needs a studio: this library is standalone; connect it to a studio server first"),
    )
}

impl Roles {
    /// May the actor take a brand-level action on `brand`?
    fn may_on_brand(&self, action: Action, brand: BrandRow, lib: &Library) -> Result<()> {
        let (personal_of, self_approval) = lib.catalog().brand_facts(brand)?;
        let (actor, target) = self.on(brand, personal_of, self_approval, false);
        Ok(can(&actor, action, &target)?)
    }

    fn may_in_studio(&self, action: StudioAction) -> Result<()> {
        Ok(rules::can_in_studio(self.studio_role, action)?)
    }
}

impl Acting<'_> {
    /// One brand with its kit and members, counting what the actor may see.
    fn brand_info(&self, b: BrandRow) -> Result<BrandInfo> {
        let scope = self.scope()?;
        Ok(self.catalog().brand_info(b, &scope)?)
    }

    fn project_row(&self, name: &str) -> Result<ProjectRow> {
        let me = self.user;
        self.catalog()
            .find_project(me, name)?
            .ok_or_else(|| project_not_found(name))
    }

    fn project_info(&self, name: &str) -> Result<ProjectInfo> {
        let me = self.user;
        let key = names::key(name.trim());
        let scope = self.scope()?;
        self.catalog()
            .list_projects(me, &scope)?
            .into_iter()
            .find(|p| names::key(&p.name) == key)
            .ok_or_else(|| project_not_found(name))
    }

    /// Every project of the acting user.
    pub fn project_list(&self) -> Result<Vec<ProjectInfo>> {
        let me = self.user;
        let scope = self.scope()?;
        Ok(self.catalog().list_projects(me, &scope)?)
    }

    /// A project's use against the studio's plan limits (R9.5), for its settings page.
    pub fn project_usage(&self, name: &str) -> Result<ProjectUsage> {
        let project = self.project_row(name)?;
        let info = self.project_info(name)?;
        let limits = self.studio_limits()?;
        let catalog = self.catalog();
        Ok(ProjectUsage {
            project: info.name,
            storage_bytes: catalog.project_bytes(project)?,
            storage_limit: limits.storage_per_project,
            projects_owned: catalog.projects_owned(self.user, self.me().inbox)?,
            projects_limit: limits.projects_per_member,
        })
    }

    /// Creates a project (R9.1), optionally with a default brand.
    pub fn project_create(
        &self,
        name: &str,
        description: Option<&str>,
        brand: Option<&str>,
    ) -> Result<ProjectInfo> {
        let acting = self.roles()?;
        let description = rules::description("project", description)?;
        let brand = brand.map(|b| self.brand_row(b)).transpose()?;
        self.check_project_limit(acting.user, self.me().inbox)?;
        if let Some(b) = brand {
            acting.may_on_brand(Action::Upload, b, self)?;
        }
        let name = self.catalog().write(|tx| {
            let p = tx.create_project(acting.user, name, &description, now_ms())?;
            if let Some(b) = brand {
                tx.set_project_settings(
                    p,
                    &ProjectChange {
                        default_brand: Some(Some(b.0)),
                        ..Default::default()
                    },
                    acting.user,
                    now_ms(),
                )?;
            }
            Ok(names::validate_name("project name", name)?)
        })?;
        self.project_info(&name)
    }

    /// Renames a project.
    pub fn project_rename(&self, old: &str, new: &str) -> Result<ProjectInfo> {
        let p = self.project_row(old)?;
        let actor = self.user;
        self.catalog()
            .write(|tx| tx.rename_project(p, new, actor, now_ms()))?;
        self.project_info(new)
    }

    /// Archives (hides from the active list) or unarchives a project (R9.6).
    pub fn project_archive(&self, name: &str, archived: bool) -> Result<ProjectInfo> {
        let p = self.project_row(name)?;
        let actor = self.user;
        self.catalog()
            .write(|tx| tx.set_project_flag(p, "archived", archived, actor, now_ms()))?;
        self.project_info(name)
    }

    /// Shares or unshares a project (R9.3): its owner only, in a library bound to a studio (a
    /// standalone library has none to share with). The studio learns it through the outbox;
    /// sharing sends the project's assets along.
    pub fn project_share(&self, name: &str, shared: bool) -> Result<ProjectInfo> {
        let p = self.project_row(name)?;
        if self.studio_binding()?.is_none() {
            return Err(needs_studio("sharing a project"));
        }
        let info = self.project_info(name)?;
        if !info.mine {
            return Err(invalid(
                ErrorCode::Forbidden,
                format!(
                    "'{}' is shared by {}: only its owner shares or unshares it",
                    info.name, info.owner
                ),
            ));
        }
        if info.shared != shared {
            let actor = self.user;
            self.catalog()
                .write(|tx| tx.set_project_flag(p, "shared", shared, actor, now_ms()))?;
        }
        self.project_info(name)
    }

    /// Keeps a shared project's originals in this library ("Make available offline"), or stops
    /// (what is here stays until deleted). Each sync then downloads those only on the studio,
    /// newest first. Any member who sees the project may: it is this library's choice.
    pub fn project_offline(&self, name: &str, offline: bool) -> Result<ProjectInfo> {
        // Own first, else a shared one seen here (as the list finds it).
        let info = self.project_info(name)?;
        let scope = self.scope()?;
        let p = self.catalog().project_named(&info.name, &scope)?;
        if offline && !info.shared {
            return Err(invalid(
                ErrorCode::PrivateProject,
                format!(
                    "'{}' isn't shared: its originals are all in this library already (only a shared project's can be only on the studio)",
                    info.name
                ),
            ));
        }
        if info.offline != offline {
            let actor = self.user;
            self.catalog()
                .write(|tx| tx.set_project_flag(p, "offline", offline, actor, now_ms()))?;
        }
        self.project_info(name)
    }

    /// Changes a project's settings (R9.1).
    pub fn project_settings(&self, name: &str, s: &ProjectSettings) -> Result<ProjectInfo> {
        let p = self.project_row(name)?;
        let acting = self.roles()?;
        let default_brand = match s.default_brand.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(b) => {
                let row = self.brand_row(b)?;
                acting.may_on_brand(Action::Upload, row, self)?;
                Some(Some(row.0))
            }
        };
        let rename_template = match s.rename_template.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(t) => {
                Template::parse(t)?;
                Some(Some(t.to_string()))
            }
        };
        let default_tags = s
            .default_tags
            .as_ref()
            .map(|tags| {
                tags.iter()
                    .map(|t| names::normalize_tag(t))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        let change = ProjectChange {
            default_brand,
            import_mode: s.import_mode.map(|m| match m {
                crate::ImportMode::InPlace => "in_place".to_string(),
                crate::ImportMode::Copy => "copy".to_string(),
            }),
            rename_template,
            default_tags,
            description: s.description.clone(),
        };
        self.catalog()
            .write(|tx| tx.set_project_settings(p, &change, acting.user, now_ms()))?;
        self.project_info(name)
    }

    /// Deletes a project and all its content (R9.2) once `confirm` repeats its name. Refused
    /// while it holds Approved assets (they are listed). Managed files are removed; files added
    /// in place go to the system trash.
    pub fn project_delete(&self, name: &str, confirm: &str) -> Result<ProjectDeleteReport> {
        let info = self.project_info(name)?;
        if confirm.trim() != info.name {
            return Err(invalid(
                ErrorCode::ConfirmationMismatch,
                format!(
                    "type the project's name exactly to delete it: '{}' (nothing was deleted)",
                    info.name
                ),
            ));
        }
        let p = self.project_row(name)?;
        let approved = self.catalog().project_assets(p, Some(Status::Approved))?;
        if !approved.is_empty() {
            let facts = self.catalog().facts(&approved)?;
            let listed: Vec<String> = facts
                .iter()
                .take(20)
                .map(|f| format!("{} ({})", f.name, f.id))
                .collect();
            let more = if facts.len() > 20 {
                format!(" and {} more", facts.len() - 20)
            } else {
                String::new()
            };
            return Err(invalid(
                ErrorCode::ProjectHasApproved,
                format!(
                    "'{}' holds {} approved asset(s); archive or move them first: {}{more}",
                    info.name,
                    facts.len(),
                    listed.join(", ")
                ),
            ));
        }
        let assets = self.catalog().project_assets(p, None)?;
        let actor = self.user;
        let freed = self.catalog().write(|tx| {
            let freed = tx.delete_assets(&assets, actor, now_ms())?;
            tx.delete_project(p, actor, now_ms())?;
            Ok(freed)
        })?;
        self.free_files(&freed);
        Ok(ProjectDeleteReport {
            project: info.name,
            deleted_assets: assets.len(),
        })
    }

    /// Every brand the acting user can see.
    pub fn brand_list(&self) -> Result<Vec<BrandInfo>> {
        let scope = self.scope()?;
        Ok(self.catalog().list_brands(&scope)?)
    }

    /// One brand.
    pub fn brand(&self, name: &str) -> Result<BrandInfo> {
        let b = self.brand_row(name)?;
        self.brand_info(b)
    }

    /// Creates a team brand; its creator becomes its first Manager (R10.1–R10.2).
    pub fn brand_create(&self, name: &str) -> Result<BrandInfo> {
        let acting = self.roles()?;
        acting.may_in_studio(StudioAction::CreateBrand)?;
        let b = self
            .catalog()
            .write(|tx| tx.create_brand(name, acting.user, rules::CREATOR_ROLE, now_ms()))?;
        self.brand_info(b)
    }

    /// Renames a team brand.
    pub fn brand_rename(&self, old: &str, new: &str) -> Result<BrandInfo> {
        let acting = self.roles()?;
        let b = self.brand_row(old)?;
        let personal_of = self.catalog().brand_facts(b)?.0;
        rules::rename_brand(acting.on(b, personal_of, false, false).1.brand)?;
        acting.may_on_brand(Action::EditKit, b, self)?;
        self.catalog()
            .write(|tx| tx.rename_brand(b, new, acting.user, now_ms()))?;
        self.brand_info(b)
    }

    /// Edits a brand's kit (R10.3).
    pub fn brand_kit(&self, name: &str, edit: &KitEdit) -> Result<BrandInfo> {
        let acting = self.roles()?;
        let b = self.brand_row(name)?;
        acting.may_on_brand(Action::EditKit, b, self)?;
        let current = self.brand_info(b)?;
        let logo = match edit.logo {
            None => None,
            Some(id) => {
                let f = self.one(id)?;
                if f.brand != b {
                    return Err(invalid(
                        ErrorCode::NotOnThisBrand,
                        "the logo must be an asset of this brand",
                    ));
                }
                Some(Some(f.seq))
            }
        };
        let change = KitChange {
            color: kit::kit_color(edit.color.as_deref())?,
            prompt_prefix: kit::affix("prefix", edit.prefix.as_deref())?,
            prompt_suffix: kit::affix("suffix", edit.suffix.as_deref())?,
            banned_terms: kit::banned_terms(&current.banned_terms, &edit.ban, &edit.unban)?,
            self_approval: edit.self_approval,
            palette: kit::palette(edit.palette.as_deref())?,
            logo,
        };
        self.catalog()
            .write(|tx| tx.set_kit(b, &change, acting.user, now_ms()))?;
        self.brand_info(b)
    }

    /// Adds a member, changes their role, or (with `None`) removes them. A brand always keeps a
    /// Manager: demoting or removing the last one is refused (R10.2).
    pub fn brand_member(&self, brand: &str, user: &str, role: Option<BrandRole>) -> Result<BrandInfo> {
        let acting = self.roles()?;
        let b = self.brand_row(brand)?;
        acting.may_on_brand(Action::ManageMembers, b, self)?;
        let existing = self.catalog().find_user(user)?;
        if existing.is_none() && self.studio_binding()?.is_some() {
            // Bound, brand members are the studio's people, named by email; nobody is made up.
            return Err(invalid(
                ErrorCode::UserNotFound,
                format!(
                    "'{user}' isn't a member of the studio: brand members are named by email \
                     (see 'atelier studio members'); invite them to the studio first"
                ),
            ));
        }
        let current = match existing {
            Some((u, _)) => self.catalog().brand_roles(u)?.get(&b.0).copied(),
            None => None,
        };
        let managers = self.catalog().manager_count(b)?;
        rules::member_change(user, current, role, managers.max(0) as u64, existing.is_some())?;
        self.catalog().write(|tx| {
            let u = tx.ensure_user(user, now_ms())?;
            tx.set_member(b, u, role, acting.user, now_ms())
        })?;
        self.brand_info(b)
    }

    /// Pins (or unpins) anchor assets of the brand (R10.3: at most 16, brand's own assets).
    pub fn brand_pin(&self, brand: &str, ids: &[AssetId], pin: bool) -> Result<BrandInfo> {
        let acting = self.roles()?;
        let b = self.brand_row(brand)?;
        acting.may_on_brand(Action::PinAnchor, b, self)?;
        let current = self.brand_info(b)?.anchors;
        let mut anchors = current.clone();
        for id in ids {
            let f = self.one(*id)?;
            if f.brand != b {
                return Err(invalid(
                    ErrorCode::NotOnThisBrand,
                    format!("{} is not an asset of this brand", f.name),
                ));
            }
            if pin && !anchors.contains(id) {
                anchors.push(*id);
            }
            if !pin {
                anchors.retain(|a| a != id);
            }
        }
        rules::anchor_count(anchors.len())?;
        let seqs: Vec<i64> = self.catalog().seqs_of(&anchors)?.into_iter().flatten().collect();
        self.catalog()
            .write(|tx| tx.set_anchors(b, &seqs, acting.user, now_ms()))?;
        self.brand_info(b)
    }

    /// The collection tree of a brand with counts (R3.2).
    pub fn collection_list(&self, brand: &str) -> Result<Vec<CollectionInfo>> {
        let acting = self.roles()?;
        let b = self.brand_row(brand)?;
        acting.may_on_brand(Action::ViewAsset, b, self)?;
        let scope = self.scope()?;
        Ok(self.catalog().list_collections(b, &scope)?)
    }

    /// Creates the collection at `path` in a brand, with any missing parents.
    pub fn collection_create(&self, path: &str, brand: &str) -> Result<CollectionInfo> {
        let acting = self.roles()?;
        let b = self.brand_row(brand)?;
        acting.may_on_brand(Action::Organise, b, self)?;
        let parts = names::split_collection_path(path)?;
        if self.catalog().find_collection(b, path)?.is_some() {
            return Err(invalid(
                ErrorCode::NameTaken,
                format!("brand '{brand}' already has a collection '{path}'"),
            ));
        }
        self.catalog().write(|tx| {
            let mut parent = None;
            for (i, _) in parts.iter().enumerate() {
                let sub = parts[..=i].join("/");
                parent = Some(match tx.find_collection(b, &sub)? {
                    Some(id) => id,
                    None => tx.create_collection(b, parent, &parts[i], acting.user, now_ms())?,
                });
            }
            Ok(())
        })?;
        self.collection_info(b, path)
    }

    fn collection_info(&self, b: BrandRow, path: &str) -> Result<CollectionInfo> {
        let key = names::key(&names::split_collection_path(path)?.join("/"));
        let scope = self.scope()?;
        self.catalog()
            .list_collections(b, &scope)?
            .into_iter()
            .find(|c| names::key(&c.path) == key)
            .ok_or_else(|| invalid(ErrorCode::CollectionNotFound, format!("no collection '{path}'")))
    }

    /// Finds a collection by path in the given brand, or in the one visible brand that has it.
    pub(super) fn locate_collection(
        &self,
        path: &str,
        brand: Option<&str>,
    ) -> Result<(BrandRow, CollectionRow)> {
        names::split_collection_path(path)?;
        if let Some(name) = brand {
            let b = self.brand_row(name)?;
            let c = self.catalog().find_collection(b, path)?.ok_or_else(|| {
                invalid(
                    ErrorCode::CollectionNotFound,
                    format!("brand '{name}' has no collection '{path}'"),
                )
            })?;
            return Ok((b, c));
        }
        let mut found = Vec::new();
        let scope = self.scope()?;
        let brands = self.catalog().list_brands(&scope)?;
        for info in brands {
            let b = self.brand_row(if info.personal {
                atelier_catalog::PERSONAL_BRAND
            } else {
                &info.name
            })?;
            if let Some(c) = self.catalog().find_collection(b, path)? {
                found.push((b, c, info.name));
            }
        }
        match found.len() {
            0 => Err(invalid(
                ErrorCode::CollectionNotFound,
                format!("no brand has a collection '{path}'"),
            )),
            1 => Ok((found[0].0, found[0].1)),
            _ => Err(invalid(
                ErrorCode::AmbiguousCollection,
                format!(
                    "several brands have a collection '{path}' ({}): add --brand",
                    found.iter().map(|f| f.2.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    /// Renames a collection.
    pub fn collection_rename(&self, path: &str, new: &str, brand: Option<&str>) -> Result<CollectionInfo> {
        let acting = self.roles()?;
        let (b, c) = self.locate_collection(path, brand)?;
        acting.may_on_brand(Action::Organise, b, self)?;
        self.catalog()
            .write(|tx| tx.rename_collection(c, new, acting.user, now_ms()))?;
        let mut parts = names::split_collection_path(path)?;
        parts.pop();
        parts.push(new.trim().to_string());
        self.collection_info(b, &parts.join("/"))
    }

    /// Chooses a collection's cover: `asset` must be filed in it or a collection inside it;
    /// `None` gives it back to the automatic one (its newest card).
    pub fn collection_cover(
        &self,
        path: &str,
        asset: Option<AssetId>,
        brand: Option<&str>,
    ) -> Result<CollectionInfo> {
        let acting = self.roles()?;
        let (b, c) = self.locate_collection(path, brand)?;
        acting.may_on_brand(Action::Organise, b, self)?;
        self.catalog()
            .write(|tx| tx.set_collection_cover(c, asset, acting.user, now_ms()))?;
        self.collection_info(b, path)
    }

    /// Moves a collection under another (`to`) or to the top (`None`); never into itself.
    pub fn collection_move(
        &self,
        path: &str,
        to: Option<&str>,
        brand: Option<&str>,
    ) -> Result<CollectionInfo> {
        let acting = self.roles()?;
        let (b, c) = self.locate_collection(path, brand)?;
        acting.may_on_brand(Action::Organise, b, self)?;
        let parent = match to {
            Some(p) => Some(self.catalog().find_collection(b, p)?.ok_or_else(|| {
                invalid(
                    ErrorCode::CollectionNotFound,
                    format!("no collection '{p}' in the same brand to move into"),
                )
            })?),
            None => None,
        };
        self.catalog()
            .write(|tx| tx.move_collection(c, parent, acting.user, now_ms()))?;
        let leaf = names::split_collection_path(path)?.pop().unwrap_or_default();
        let new_path = match to {
            Some(p) => format!("{}/{leaf}", names::split_collection_path(p)?.join("/")),
            None => leaf,
        };
        self.collection_info(b, &new_path)
    }

    /// Deletes a collection and its sub-collections, never their assets. Returns how many
    /// collections went.
    pub fn collection_delete(&self, path: &str, brand: Option<&str>) -> Result<usize> {
        let acting = self.roles()?;
        let (b, c) = self.locate_collection(path, brand)?;
        acting.may_on_brand(Action::Organise, b, self)?;
        Ok(self
            .catalog()
            .write(|tx| tx.delete_collection(c, acting.user, now_ms()))?)
    }

    /// Campaigns of a brand (or of every brand).
    pub fn campaign_list(&self, brand: Option<&str>) -> Result<Vec<CampaignInfo>> {
        let b = brand.map(|n| self.brand_row(n)).transpose()?;
        let scope = self.scope()?;
        Ok(self.catalog().list_campaigns(b, &scope)?)
    }

    fn campaign_info(&self, b: BrandRow, name: &str) -> Result<CampaignInfo> {
        let key = names::key(name.trim());
        let scope = self.scope()?;
        self.catalog()
            .list_campaigns(Some(b), &scope)?
            .into_iter()
            .find(|c| names::key(&c.name) == key)
            .ok_or_else(|| invalid(ErrorCode::CampaignNotFound, format!("no campaign named '{name}'")))
    }

    pub(super) fn campaign_row(&self, name: &str, brand: &str) -> Result<(BrandRow, CampaignRow)> {
        let b = self.brand_row(brand)?;
        let c = self.catalog().find_campaign(b, name)?.ok_or_else(|| {
            invalid(
                ErrorCode::CampaignNotFound,
                format!("brand '{brand}' has no campaign named '{name}': see `atelier campaign list --brand {brand}`"),
            )
        })?;
        Ok((b, c))
    }

    /// Creates a campaign on a team brand (R8.1): name 1–120 characters, unique in the brand
    /// ignoring case; description up to 1,000. It starts private.
    pub fn campaign_create(
        &self,
        name: &str,
        brand: &str,
        description: Option<&str>,
    ) -> Result<CampaignInfo> {
        let acting = self.roles()?;
        let b = self.brand_row(brand)?;
        acting.may_on_brand(Action::CreateCampaign, b, self)?;
        let name = rules::campaign_name(name)?;
        let description = rules::description("campaign", description)?;
        self.catalog()
            .write(|tx| tx.create_campaign(b, &name, &description, acting.user, now_ms()))?;
        self.campaign_info(b, &name)
    }

    /// Renames a campaign (its public link, when one exists, keeps working).
    pub fn campaign_rename(&self, old: &str, new: &str, brand: &str) -> Result<CampaignInfo> {
        let acting = self.roles()?;
        let (b, c) = self.campaign_row(old, brand)?;
        acting.may_on_brand(Action::CreateCampaign, b, self)?;
        let new = rules::campaign_name(new)?;
        self.catalog()
            .write(|tx| tx.rename_campaign(c, &new, acting.user, now_ms()))?;
        self.campaign_info(b, &new)
    }

    /// Deletes a campaign; its assets stay as they were (R8.3).
    pub fn campaign_delete(&self, name: &str, brand: &str) -> Result<()> {
        let acting = self.roles()?;
        let (b, c) = self.campaign_row(name, brand)?;
        acting.may_on_brand(Action::DeleteCampaign, b, self)?;
        Ok(self
            .catalog()
            .write(|tx| tx.delete_campaign(c, acting.user, now_ms()))?)
    }

    /// The campaign whose public link the actor is about to control on the studio: checked
    /// here first (the studio decides again) — the actor may control it (a Manager of its
    /// brand, a studio Owner or Admin), and the library has a studio (standalone libraries
    /// have no public links).
    pub fn public_link_campaign(&self, name: &str, brand: &str) -> Result<atelier_domain::ids::CampaignId> {
        let acting = self.roles()?;
        let (b, c) = self.campaign_row(name, brand)?;
        acting.may_on_brand(Action::ControlPublicLink, b, self)?;
        if self.studio_binding()?.is_none() {
            return Err(needs_studio("a public link"));
        }
        Ok(self.catalog().id_of(c)?)
    }

    /// Every tag with its count.
    pub fn tag_list(&self) -> Result<Vec<TagInfo>> {
        let scope = self.scope()?;
        Ok(self.catalog().list_tags(&scope)?)
    }

    fn tag_row(&self, name: &str) -> Result<TagRow> {
        self.catalog().find_tag(name)?.ok_or_else(|| {
            invalid(
                ErrorCode::TagNotFound,
                format!("no tag named '{name}': see `atelier tag list`"),
            )
        })
    }

    /// Renames a tag everywhere (and the tags below it, for a path). Studio-wide: Owner/Admin.
    pub fn tag_rename(&self, old: &str, new: &str) -> Result<()> {
        let acting = self.roles()?;
        acting.may_in_studio(StudioAction::ManageTags)?;
        self.catalog()
            .write(|tx| tx.rename_tag_path(old, new, acting.user, now_ms()))?;
        Ok(())
    }

    /// Merges tag `from` into `into` (every asset of `from` gets `into`; `from` goes).
    pub fn tag_merge(&self, from: &str, into: &str) -> Result<()> {
        let acting = self.roles()?;
        acting.may_in_studio(StudioAction::ManageTags)?;
        let (f, i) = (self.tag_row(from)?, self.tag_row(into)?);
        if f == i {
            return Err(invalid(ErrorCode::SameTag, "a tag can't be merged into itself"));
        }
        Ok(self
            .catalog()
            .write(|tx| tx.merge_tags(f, i, acting.user, now_ms()))?)
    }

    /// Deletes a tag from every asset.
    pub fn tag_delete(&self, name: &str) -> Result<()> {
        let acting = self.roles()?;
        acting.may_in_studio(StudioAction::ManageTags)?;
        let t = self.tag_row(name)?;
        Ok(self
            .catalog()
            .write(|tx| tx.delete_tag(t, acting.user, now_ms()))?)
    }
}
