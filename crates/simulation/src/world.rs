//! One simulated team: a studio (a copy of the template's database, opened in-process) and
//! 2–8 libraries, each its own catalog file and folder, signed in as a different person; and
//! the seeded schedule that drives them — imports, edits, shares and unshares, brand role
//! changes, syncs over the faulty [`Net`], crashes of libraries and of the studio, held pushes
//! delivered late.
//!
//! Knows the libraries' and the studio's public APIs only; what must hold at the end is
//! `check`'s.

use std::path::{Path, PathBuf};

use atelier_domain::ids::DeviceId;
use atelier_domain::{AssetId, BrandRole, Flag, Label, Rating, ReviewAction, StudioRole};
use atelier_library::{CancelToken, ImportOptions, Library, MoveTarget, OpenOptions, Selection};
use atelier_protocol::StudioUser;
use atelier_studio::{Database, NewStudio, Studio};
use atelier_sync::sync_over;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom as _;
use rand::{Rng as _, SeedableRng as _};

use crate::net::{Line, Net, Server};
use crate::{Failure, STUDIO_URL};

/// The team brands every run has.
pub const BRANDS: [&str; 2] = ["Acme", "Beta"];

const TAGS: [&str; 6] = ["beach", "night", "hero", "draft-cut", "people", "product"];

const COLLECTIONS: [&str; 5] = ["Picks", "Hero", "Print", "Picks/Hero", "Print/Web"];

const CAMPAIGNS: [&str; 3] = ["Spring", "Launch", "Holiday"];

/// The most libraries a run has (the template signs in this many people).
pub const MAX_CLIENTS: usize = 8;

/// A person of the template studio, signed in from one device.
#[derive(Debug, Clone)]
pub struct Person {
    /// Their sign-in email.
    pub email: String,
    /// Who they are.
    pub user: StudioUser,
    /// Their studio role.
    pub role: StudioRole,
    /// The device the template signed in.
    pub device: DeviceId,
    /// Its refresh secret (each run's copy of the database exchanges it once).
    pub refresh: String,
}

/// A studio made once per process (password hashing is slow by design) and copied for each
/// run: its Owner, an Admin and six Members, each signed in from a device.
#[derive(Debug)]
pub struct Template {
    dir: tempfile::TempDir,
    /// The people, the Owner first.
    pub people: Vec<Person>,
}

impl Template {
    /// Makes the template studio.
    ///
    /// # Errors
    /// When the studio can't be made.
    pub fn build() -> Result<Template, Failure> {
        let dir = tempfile::tempdir().map_err(|e| Failure::setup(format!("temp dir: {e}")))?;
        let runtime = runtime()?;
        let at = Database::Sqlite(dir.path().to_path_buf());
        let people = runtime.block_on(async {
            let studio = Studio::create(
                &at,
                NewStudio {
                    name: "Simulated".into(),
                    owner_email: "p0@sim.test".into(),
                    owner_name: "Person 0".into(),
                    owner_password: "password-0".into(),
                },
            )
            .await?;
            for i in 1..MAX_CLIENTS {
                let role = if i == 1 {
                    StudioRole::Admin
                } else {
                    StudioRole::Member
                };
                studio
                    .add_member(
                        &format!("p{i}@sim.test"),
                        &format!("Person {i}"),
                        format!("password-{i}"),
                        role,
                    )
                    .await?;
            }
            let mut people = Vec::new();
            for i in 0..MAX_CLIENTS {
                let email = format!("p{i}@sim.test");
                let signed = studio
                    .sign_in_password(&email, format!("password-{i}"), "sim")
                    .await?;
                people.push(Person {
                    email,
                    role: signed.role,
                    user: signed.user,
                    device: signed.credential.device_id,
                    refresh: signed.credential.refresh_secret,
                });
            }
            studio.close().await;
            Ok::<_, atelier_studio::ServiceError>(people)
        });
        let people = people.map_err(|e| Failure::setup(format!("template studio: {e}")))?;
        Ok(Template { dir, people })
    }

    fn database(&self) -> PathBuf {
        self.dir.path().join(atelier_studio::store::SQLITE_FILE)
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::setup(format!("tokio: {e}")))
}

/// One library of the run.
pub struct Client {
    /// Which person of the template.
    pub person: Person,
    dir: PathBuf,
    /// The library; `None` between a crash and the reopening.
    pub lib: Option<Library>,
    /// Its access token.
    pub token: String,
    files: u32,
    projects: u32,
}

impl Client {
    fn open(dir: &Path) -> Result<Library, Failure> {
        let options = OpenOptions {
            trash_dir: Some(dir.join("trash")),
        };
        Library::open_with(&dir.join("library"), options)
            .map_err(|e| Failure::setup(format!("open library: {e}")))
    }

    /// The library (reopened if it crashed).
    ///
    /// # Errors
    /// When it can't be opened.
    pub fn lib(&mut self) -> Result<&Library, Failure> {
        if self.lib.is_none() {
            self.lib = Some(Client::open(&self.dir)?);
        }
        self.lib
            .as_ref()
            .ok_or_else(|| Failure::setup("library missing".into()))
    }
}

/// One run.
pub struct World {
    /// The seed it follows.
    pub seed: u64,
    rng: StdRng,
    dir: tempfile::TempDir,
    /// The studio.
    pub server: Server,
    /// The network.
    pub net: Net,
    /// The libraries; the first is the studio Owner's.
    pub clients: Vec<Client>,
    /// What was done, for a failing seed's report.
    pub log: Vec<String>,
    backed_up: bool,
}

/// What a step may do.
#[derive(Debug, Clone, Copy)]
enum Op {
    Sync,
    Import,
    NewProject,
    Share,
    Unshare,
    Edit,
    Role,
    CrashLibrary,
    CrashStudio,
    DeliverHeld,
    Backup,
    Restore,
    Group,
}

const OPS: [(Op, u32); 13] = [
    (Op::Sync, 20),
    (Op::Import, 14),
    (Op::NewProject, 5),
    (Op::Share, 6),
    (Op::Unshare, 2),
    (Op::Edit, 36),
    (Op::Role, 4),
    (Op::CrashLibrary, 3),
    (Op::CrashStudio, 2),
    (Op::DeliverHeld, 4),
    (Op::Backup, 1),
    (Op::Restore, 1),
    (Op::Group, 8),
];

impl World {
    /// A team for `seed`: the template's studio copied and opened, 2–8 libraries bound to
    /// it, the brands made and their members given roles by the Owner's library.
    ///
    /// # Errors
    /// When setting up fails.
    pub fn new(template: &Template, seed: u64) -> Result<World, Failure> {
        let mut rng = StdRng::seed_from_u64(seed);
        let dir = tempfile::tempdir().map_err(|e| Failure::setup(format!("temp dir: {e}")))?;
        let studio_dir = dir.path().join("studio");
        std::fs::create_dir_all(&studio_dir).map_err(|e| Failure::setup(e.to_string()))?;
        std::fs::copy(
            template.database(),
            studio_dir.join(atelier_studio::store::SQLITE_FILE),
        )
        .map_err(|e| Failure::setup(format!("copy the template studio: {e}")))?;
        let runtime = runtime()?;
        let n = rng.random_range(2..=MAX_CLIENTS);
        let (studio, tokens) = runtime
            .block_on(async {
                let studio = Studio::open(&Database::Sqlite(studio_dir.clone())).await?;
                let mut tokens = Vec::new();
                for p in &template.people[..n] {
                    tokens.push(studio.refresh(p.device, &p.refresh).await?.access_token);
                }
                Ok::<_, atelier_studio::ServiceError>((studio, tokens))
            })
            .map_err(|e| Failure::setup(format!("open the studio: {e}")))?;
        let mut clients = Vec::new();
        for (i, token) in tokens.into_iter().enumerate() {
            let person = template.people[i].clone();
            let cdir = dir.path().join(format!("c{i}"));
            std::fs::create_dir_all(cdir.join("in")).map_err(|e| Failure::setup(e.to_string()))?;
            let lib = Client::open(&cdir)?;
            lib.bind_studio(STUDIO_URL, &person.user, person.role, person.device)
                .map_err(|e| Failure::setup(format!("bind library {i}: {e}")))?;
            clients.push(Client {
                person,
                dir: cdir,
                lib: Some(lib),
                token,
                files: 0,
                projects: 0,
            });
        }
        let mut world = World {
            seed,
            rng,
            dir,
            server: Server {
                runtime,
                studio: std::cell::RefCell::new(studio),
            },
            net: Net::new(seed),
            clients,
            log: Vec::new(),
            backed_up: false,
        };
        world.set_up_brands()?;
        Ok(world)
    }

    /// The Owner makes the brands and gives each other person a role on some of them; every
    /// library then syncs once, without faults.
    fn set_up_brands(&mut self) -> Result<(), Failure> {
        self.net.set_faults(false);
        self.sync(0)?;
        let people: Vec<Person> = self.clients.iter().skip(1).map(|c| c.person.clone()).collect();
        let mut plan = Vec::new();
        for p in &people {
            for brand in BRANDS {
                if let Some(role) = self.random_role() {
                    plan.push((brand, p.email.clone(), role));
                }
            }
        }
        let owner = self.clients[0].lib()?;
        for brand in BRANDS {
            owner
                .as_owner()
                .brand_create(brand)
                .map_err(|e| Failure::setup(format!("create brand {brand}: {e}")))?;
        }
        for (brand, email, role) in &plan {
            owner
                .as_owner()
                .brand_member(brand, email, Some(*role))
                .map_err(|e| Failure::setup(format!("add {email} to {brand}: {e}")))?;
        }
        for c in 0..self.clients.len() {
            self.sync(c)?;
        }
        self.net.set_faults(true);
        Ok(())
    }

    fn random_role(&mut self) -> Option<BrandRole> {
        match self.rng.random_range(0..4) {
            0 => None,
            1 => Some(BrandRole::Viewer),
            2 => Some(BrandRole::Creator),
            _ => Some(BrandRole::Manager),
        }
    }

    /// One sync of library `c` over the network; a network failure is an outcome, not an
    /// error (the next sync picks up).
    ///
    /// # Errors
    /// What isn't the network's doing: a library or studio fault.
    pub fn sync(&mut self, c: usize) -> Result<atelier_protocol::SyncReport, Failure> {
        let may_create = self.clients[c].person.role.acts_as_manager();
        let token = self.clients[c].token.clone();
        let lib = self.clients[c].lib()?;
        let line = Line {
            net: &self.net,
            server: &self.server,
            token: &token,
            who: c,
        };
        match sync_over(lib, &line, may_create) {
            Ok(report) => Ok(report),
            Err(atelier_sync::SyncError::Unreachable { .. }) => Ok(Default::default()),
            Err(e) => Err(Failure::broken(
                self.seed,
                format!("library {c}'s sync failed: {e} ({:?})", e.code()),
            )),
        }
    }

    /// Runs `steps` random steps.
    ///
    /// # Errors
    /// The first step that breaks something.
    pub fn run(&mut self, steps: usize) -> Result<(), Failure> {
        let total: u32 = OPS.iter().map(|(_, w)| w).sum();
        for _ in 0..steps {
            let mut roll = self.rng.random_range(0..total);
            let op = OPS
                .iter()
                .find(|(_, w)| {
                    if roll < *w {
                        true
                    } else {
                        roll -= w;
                        false
                    }
                })
                .map_or(Op::Sync, |(op, _)| *op);
            let c = self.rng.random_range(0..self.clients.len());
            self.step(op, c)?;
        }
        Ok(())
    }

    fn note(&mut self, what: String) {
        self.log.push(what);
    }

    fn step(&mut self, op: Op, c: usize) -> Result<(), Failure> {
        match op {
            Op::Sync => {
                let r = self.sync(c)?;
                self.note(format!(
                    "c{c} sync: pushed {} refused {} pulled {}",
                    r.pushed, r.refused, r.pulled
                ));
            }
            Op::Import => self.import(c)?,
            Op::NewProject => {
                let brand = *[Some(BRANDS[0]), Some(BRANDS[1]), None]
                    .choose(&mut self.rng)
                    .unwrap_or(&None);
                let client = &mut self.clients[c];
                client.projects += 1;
                let name = format!("c{c}p{}", client.projects);
                let r = client.lib()?.as_owner().project_create(&name, None, brand);
                self.note(format!("c{c} new project {name} on {brand:?}: {}", ok(&r)));
                // Most projects of a team are made to be shared.
                if r.is_ok() && self.rng.random_bool(0.7) {
                    let r = self.clients[c].lib()?.as_owner().project_share(&name, true);
                    self.note(format!("c{c} share {name} = true: {}", ok(&r)));
                }
            }
            Op::Share | Op::Unshare => {
                let share = matches!(op, Op::Share);
                let mine = self.projects(c, |p| p.mine && p.shared != share && p.name != "Inbox")?;
                if let Some(name) = mine.choose(&mut self.rng).cloned() {
                    let r = self.clients[c].lib()?.as_owner().project_share(&name, share);
                    self.note(format!("c{c} share {name} = {share}: {}", ok(&r)));
                }
            }
            Op::Edit => self.edit(c)?,
            Op::Role => {
                // The Owner's or the Admin's library changes someone's role on a brand.
                let by = if self.clients.len() > 2 && self.rng.random_bool(0.3) {
                    1
                } else {
                    0
                };
                let whom = self.rng.random_range(1..self.clients.len());
                if whom == by {
                    return Ok(());
                }
                let brand = *BRANDS.choose(&mut self.rng).unwrap_or(&BRANDS[0]);
                let role = self.random_role();
                let email = self.clients[whom].person.email.clone();
                let r = self.clients[by]
                    .lib()?
                    .as_owner()
                    .brand_member(brand, &email, role);
                self.note(format!("c{by} sets c{whom} on {brand} to {role:?}: {}", ok(&r)));
            }
            Op::CrashLibrary => {
                self.clients[c].lib = None;
                self.note(format!("c{c} crashes"));
            }
            Op::CrashStudio => self.crash_studio(None)?,
            Op::Backup => {
                let to = self.dir.path().join("backup.db");
                self.crash_studio(Some((&self.studio_file(), &to)))?;
                self.backed_up = true;
                self.note("the studio is backed up".into());
            }
            Op::Restore if self.backed_up => {
                let from = self.dir.path().join("backup.db");
                self.crash_studio(Some((&from, &self.studio_file())))?;
                let studio = self.server.studio.borrow().clone();
                self.server
                    .runtime
                    .block_on(studio.new_epoch())
                    .map_err(|e| Failure::broken(self.seed, format!("new epoch: {e}")))?;
                self.net.studio_restored();
                self.note("the studio is restored from the backup (a new epoch)".into());
            }
            Op::Restore => {}
            Op::Group => self.group(c)?,
            Op::DeliverHeld => {
                if self.net.held() > 0 {
                    self.net.deliver_one_held(&self.server);
                    self.note("a held push arrives".into());
                }
            }
        }
        Ok(())
    }

    fn studio_file(&self) -> PathBuf {
        self.dir
            .path()
            .join("studio")
            .join(atelier_studio::store::SQLITE_FILE)
    }

    /// The studio process dies between requests and starts again on the same database —
    /// with, while it is down, `copy` (from, to) made: a backup taken, or restored.
    fn crash_studio(&mut self, copy: Option<(&Path, &Path)>) -> Result<(), Failure> {
        let at = Database::Sqlite(self.dir.path().join("studio"));
        let old = self.server.studio.borrow().clone();
        let seed = self.seed;
        let reopened = self.server.runtime.block_on(async {
            // Closing the last connection checkpoints the WAL into the file.
            old.close().await;
            if let Some((from, to)) = copy {
                for suffix in ["-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
                }
                std::fs::copy(from, to)
                    .map_err(|e| Failure::broken(seed, format!("copy {}: {e}", from.display())))
                    .map_err(|f| atelier_studio::ServiceError::Internal(f.what))?;
            }
            Studio::open(&at).await
        });
        let studio =
            reopened.map_err(|e| Failure::broken(self.seed, format!("the studio doesn't reopen: {e}")))?;
        *self.server.studio.borrow_mut() = studio;
        self.note("the studio restarts".into());
        Ok(())
    }

    /// Project names library `c` has that pass `keep`, sorted (for a reproducible choice).
    fn projects(
        &mut self,
        c: usize,
        keep: impl Fn(&atelier_library::ProjectInfo) -> bool,
    ) -> Result<Vec<String>, Failure> {
        let list = self.clients[c]
            .lib()?
            .as_owner()
            .project_list()
            .map_err(|e| Failure::broken(self.seed, format!("c{c} project list: {e}")))?;
        let mut names: Vec<String> = list.into_iter().filter(|p| keep(p)).map(|p| p.name).collect();
        names.sort();
        Ok(names)
    }

    /// 1–3 new photos into one of the projects library `c` has (its own or one shared with it).
    fn import(&mut self, c: usize) -> Result<(), Failure> {
        let projects = self.projects(c, |p| p.name != "Inbox" && (p.mine || p.shared))?;
        let Some(project) = projects.choose(&mut self.rng).cloned() else {
            return Ok(());
        };
        let count = self.rng.random_range(1..=3);
        let client = &mut self.clients[c];
        let batch = client.dir.join("in").join(format!("b{}", client.files));
        std::fs::create_dir_all(&batch).map_err(|e| Failure::setup(e.to_string()))?;
        for _ in 0..count {
            client.files += 1;
            let name = format!("c{c}-f{}.png", client.files);
            std::fs::write(batch.join(&name), picture(self.seed, c as u32, client.files))
                .map_err(|e| Failure::setup(e.to_string()))?;
        }
        let options = ImportOptions {
            project: Some(project.clone()),
            ..ImportOptions::default()
        };
        let r = client
            .lib()?
            .as_owner()
            .import(&[batch], &options, &CancelToken::new(), &None);
        let what = match &r {
            Ok(report) => format!("{} imported", report.imported.len()),
            Err(e) => format!("refused: {e}"),
        };
        self.note(format!("c{c} imports {count} into {project}: {what}"));
        Ok(())
    }

    /// Collection paths and campaign names library `c` has on `brand`, sorted.
    fn groups(&mut self, c: usize, brand: &str) -> Result<(Vec<String>, Vec<String>), Failure> {
        let lib = self.clients[c].lib()?;
        let me = lib.as_owner();
        let mut paths: Vec<String> = me
            .collection_list(brand)
            .map(|l| l.into_iter().map(|i| i.path).collect())
            .unwrap_or_default();
        let mut names: Vec<String> = me
            .campaign_list(Some(brand))
            .map(|l| l.into_iter().map(|i| i.name).collect())
            .unwrap_or_default();
        paths.sort();
        names.sort();
        Ok((paths, names))
    }

    /// Makes, renames, moves or deletes a collection or campaign of a team brand.
    fn group(&mut self, c: usize) -> Result<(), Failure> {
        let brand = *BRANDS.choose(&mut self.rng).unwrap_or(&BRANDS[0]);
        let (paths, campaigns) = self.groups(c, brand)?;
        let pick = self.rng.random_range(0..9);
        let path = paths.choose(&mut self.rng).cloned();
        let other = paths.choose(&mut self.rng).cloned();
        let campaign = campaigns.choose(&mut self.rng).cloned();
        let new_path = *COLLECTIONS.choose(&mut self.rng).unwrap_or(&COLLECTIONS[0]);
        let new_name = new_path.rsplit('/').next().unwrap_or(new_path).to_string();
        let new_campaign = *CAMPAIGNS.choose(&mut self.rng).unwrap_or(&CAMPAIGNS[0]);
        let lib = self.clients[c].lib()?;
        let me = lib.as_owner();
        let (what, r) = match (pick, path, campaign) {
            (0, _, _) => (
                format!("new collection {new_path}"),
                me.collection_create(new_path, brand).map(|_| ()),
            ),
            (1, Some(p), _) => (
                format!("rename collection {p} to {new_name}"),
                me.collection_rename(&p, &new_name, Some(brand)).map(|_| ()),
            ),
            (2, Some(p), _) => (
                format!("move collection {p} under {other:?}"),
                me.collection_move(&p, other.as_deref().filter(|o| *o != p), Some(brand))
                    .map(|_| ()),
            ),
            (3, Some(p), _) => (
                format!("delete collection {p}"),
                me.collection_delete(&p, Some(brand)).map(|_| ()),
            ),
            (4, _, _) => (
                format!("new campaign {new_campaign}"),
                me.campaign_create(new_campaign, brand, None).map(|_| ()),
            ),
            (5, _, Some(k)) => (
                format!("rename campaign {k} to {new_campaign}"),
                me.campaign_rename(&k, new_campaign, brand).map(|_| ()),
            ),
            (6, _, Some(k)) => (format!("delete campaign {k}"), me.campaign_delete(&k, brand)),
            // The cover chosen: the one shown now (filed there), which then stays.
            (7, Some(p), _) => {
                let shown = me
                    .collection_list(brand)
                    .ok()
                    .and_then(|l| l.into_iter().find(|i| i.path == p))
                    .and_then(|i| i.cover);
                (
                    format!("cover of collection {p}: {shown:?}"),
                    me.collection_cover(&p, shown, Some(brand)).map(|_| ()),
                )
            }
            (8, Some(p), _) => (
                format!("automatic cover for collection {p}"),
                me.collection_cover(&p, None, Some(brand)).map(|_| ()),
            ),
            _ => return Ok(()),
        };
        self.note(format!("c{c} on {brand}: {what}: {}", ok(&r)));
        Ok(())
    }

    /// One organising action on one asset library `c` holds.
    fn edit(&mut self, c: usize) -> Result<(), Failure> {
        let mut held = self.clients[c]
            .lib()?
            .census()
            .map_err(|e| Failure::broken(self.seed, format!("c{c} census: {e}")))?;
        held.sort_by(|a, b| a.2.cmp(&b.2));
        let Some((id, _, name, trashed)) = held.choose(&mut self.rng).cloned() else {
            return Ok(());
        };
        let pick: u32 = self.rng.random_range(0..110);
        // Stacking takes a second asset of the library's.
        let other = held
            .iter()
            .filter(|h| h.0 != id)
            .collect::<Vec<_>>()
            .choose(&mut self.rng)
            .map(|h| h.0);
        let projects = if (66..72).contains(&pick) {
            self.projects(c, |p| p.mine || p.shared)?
        } else {
            Vec::new()
        };
        let rating = self.rng.random_range(0..=5u8);
        let tag = TAGS.choose(&mut self.rng).unwrap_or(&TAGS[0]).to_string();
        let action = *[
            ReviewAction::Submit,
            ReviewAction::Approve,
            ReviewAction::RequestChanges,
            ReviewAction::Revise,
            ReviewAction::Archive,
        ]
        .choose(&mut self.rng)
        .unwrap_or(&ReviewAction::Submit);
        let flag = *[Flag::None, Flag::Pick, Flag::Reject]
            .choose(&mut self.rng)
            .unwrap_or(&Flag::None);
        let target = projects.choose(&mut self.rng).cloned();
        let brand = *BRANDS.choose(&mut self.rng).unwrap_or(&BRANDS[0]);
        let (paths, campaigns) = if pick >= 76 {
            self.groups(c, brand)?
        } else {
            Default::default()
        };
        let path = paths.choose(&mut self.rng).cloned();
        let campaign = campaigns.choose(&mut self.rng).cloned();
        let adding = self.rng.random_bool(0.7);
        let lib = self.clients[c].lib()?;
        let me = lib.as_owner();
        let one = Selection::Ids(vec![id]);
        let (what, r) = match pick {
            // In the Trash: mostly restored, else deleted for good.
            _ if trashed && pick.is_multiple_of(4) => {
                ("delete for good".to_string(), me.purge(&one).map(|_| ()))
            }
            _ if trashed => ("restore".to_string(), me.restore(&one).map(|_| ())),
            0..15 => (
                format!("rate {rating}"),
                me.rate(&one, rating_of(rating)).map(|_| ()),
            ),
            15..21 => (format!("flag {flag:?}"), me.flag(&one, flag).map(|_| ())),
            21..24 => {
                let label = if flag == Flag::Pick {
                    Label::Red
                } else {
                    Label::None
                };
                (format!("label {label:?}"), me.label(&one, label).map(|_| ()))
            }
            24..38 => (
                format!("tag +{tag}"),
                me.tag_add(&one, std::slice::from_ref(&tag)).map(|_| ()),
            ),
            38..46 => (
                format!("tag -{tag}"),
                me.tag_remove(&one, std::slice::from_ref(&tag)).map(|_| ()),
            ),
            46..62 => {
                let note = matches!(action, ReviewAction::RequestChanges).then_some("tighter crop");
                (
                    format!("review {action:?}"),
                    me.review(&one, action, note).map(|_| ()),
                )
            }
            62..66 => (
                format!("move to {brand}"),
                me.move_assets(&one, &MoveTarget::Brand(brand.into())).map(|_| ()),
            ),
            66..72 => match target {
                Some(p) => (
                    format!("move to {p}"),
                    me.move_assets(&one, &MoveTarget::Project(p)).map(|_| ()),
                ),
                None => return Ok(()),
            },
            72..76 => ("delete".to_string(), me.delete(&one).map(|_| ())),
            76..88 => match path {
                Some(p) if adding => (
                    format!("file into {brand}/{p}"),
                    me.collection_add(&p, &one, Some(brand)).map(|_| ()),
                ),
                Some(p) => (
                    format!("unfile from {brand}/{p}"),
                    me.collection_remove(&p, &one, Some(brand)).map(|_| ()),
                ),
                None => return Ok(()),
            },
            100..104 => match other {
                Some(o) => (
                    format!("stack with {o} under"),
                    me.stack(&[o, id], Some(id)).map(|_| ()),
                ),
                None => return Ok(()),
            },
            104..107 => ("unstack".to_string(), me.unstack(&[id]).map(|_| ())),
            107..110 => ("fork".to_string(), me.fork(id).map(|_| ())),
            _ => match campaign {
                Some(k) if adding => (
                    format!("add to campaign {brand}/{k}"),
                    me.campaign_add(&k, &one, brand).map(|_| ()),
                ),
                Some(k) => (
                    format!("take off campaign {brand}/{k}"),
                    me.campaign_remove(&k, &one, brand).map(|_| ()),
                ),
                None => return Ok(()),
            },
        };
        self.note(format!("c{c} {what} on {name} ({id}): {}", ok(&r)));
        Ok(())
    }

    /// Asset ids a library holds, with their names.
    pub fn held(&mut self, c: usize) -> Result<Vec<(AssetId, uuid::Uuid, String, bool)>, Failure> {
        self.clients[c]
            .lib()?
            .census()
            .map_err(|e| Failure::broken(self.seed, format!("c{c} census: {e}")))
    }
}

fn rating_of(n: u8) -> Rating {
    Rating::new(n).unwrap_or_default()
}

fn ok<T, E: std::fmt::Display>(r: &Result<T, E>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => format!("refused here: {e}"),
    }
}

/// A small PNG unique to (seed, library, file) — lossless, so no two are alike: every import
/// is new content.
fn picture(seed: u64, client: u32, file: u32) -> Vec<u8> {
    let [a, b, ..] = seed.to_le_bytes();
    let img = image::RgbImage::from_fn(24, 16, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(9).wrapping_add(a) ^ (file as u8),
            (y as u8).wrapping_mul(13).wrapping_add(b) ^ (client as u8).wrapping_mul(37),
            (file >> 8) as u8 ^ (x as u8 + y as u8),
        ])
    });
    let mut out = Vec::new();
    // Writing a PNG to memory cannot fail for an RGB image this size.
    let _ = img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}
