//! Watching folders (SPEC R2.8): notify's raw events turned into the four things a library
//! cares about — a file that appeared or changed and has *settled* (stopped changing, or its
//! writer closed it), a file or folder that went away, a rename within the watched trees, and
//! "rescan this tree" when the kernel dropped events (queue overflow, watch limit) — never a
//! crash.
//!
//! Knows no catalog, no assets, no media formats: paths and times only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use crossbeam_channel::{Receiver, Sender, unbounded};
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RemoveKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

/// A normalised change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file appeared or changed and has stopped changing.
    Settled(PathBuf),
    /// A file or folder went away.
    Removed(PathBuf),
    /// A file or folder moved within the watched trees.
    Renamed {
        /// Where it was.
        from: PathBuf,
        /// Where it is now.
        to: PathBuf,
    },
    /// Events were lost: look at this tree again (a watched root that disappeared — an
    /// unplugged drive — comes as a rescan of that root too).
    Rescan(PathBuf),
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The watcher could not be created or a folder could not be watched.
    #[error("cannot watch {path}: {source}")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// What notify said.
        source: notify::Error,
    },
}

/// How long a file must stay the same (size and modification time) to count as settled.
pub const DEFAULT_SETTLE: Duration = Duration::from_millis(400);
/// How often pending files are looked at.
const TICK: Duration = Duration::from_millis(100);
/// How long an unpaired "renamed from" waits for its "to" before it counts as a removal.
const RENAME_PAIRING: Duration = Duration::from_millis(250);

/// Watches folders recursively until dropped.
pub struct Watcher {
    inner: RecommendedWatcher,
    roots: Vec<PathBuf>,
    ignored: Vec<PathBuf>,
    _worker: thread::JoinHandle<()>,
}

impl Watcher {
    /// Starts watching `roots` (recursively), never reporting anything under `ignored` (the
    /// library's own folder). Changes arrive on the returned channel.
    pub fn new(
        roots: &[PathBuf],
        ignored: &[PathBuf],
        settle: Duration,
    ) -> Result<(Watcher, Receiver<Change>), WatchError> {
        let (raw_tx, raw_rx) = std_mpsc::channel::<notify::Result<notify::Event>>();
        let inner = notify::recommended_watcher(move |e| {
            let _ = raw_tx.send(e);
        })
        .map_err(|source| WatchError::Watch {
            path: PathBuf::new(),
            source,
        })?;
        let (tx, rx) = unbounded();
        let ignored: Vec<PathBuf> = ignored.iter().map(|p| canonical(p)).collect();
        let worker = {
            let ignored = ignored.clone();
            let roots: Vec<PathBuf> = roots.iter().map(|p| canonical(p)).collect();
            thread::Builder::new()
                .name("atelier-fswatch".into())
                .spawn(move || Normaliser::new(tx, ignored, roots, settle).run(raw_rx))
                .map_err(|e| WatchError::Watch {
                    path: PathBuf::new(),
                    source: notify::Error::io(e),
                })?
        };
        let mut w = Watcher {
            inner,
            roots: Vec::new(),
            ignored,
            _worker: worker,
        };
        for r in roots {
            w.add(r)?;
        }
        Ok((w, rx))
    }

    /// Watches one more folder.
    pub fn add(&mut self, root: &Path) -> Result<(), WatchError> {
        let root = canonical(root);
        if self.ignored.iter().any(|i| root.starts_with(i)) {
            return Ok(());
        }
        self.inner
            .watch(&root, RecursiveMode::Recursive)
            .map_err(|source| WatchError::Watch {
                path: root.clone(),
                source,
            })?;
        self.roots.push(root);
        Ok(())
    }

    /// Stops watching a folder.
    pub fn remove(&mut self, root: &Path) {
        let root = canonical(root);
        let _ = self.inner.unwatch(&root);
        self.roots.retain(|r| *r != root);
    }

    /// The folders watched.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A file waiting to settle: when it last changed and what it looked like then.
struct Pending {
    since: Instant,
    seen: Option<(u64, SystemTime)>,
    closed: bool,
}

struct Normaliser {
    tx: Sender<Change>,
    ignored: Vec<PathBuf>,
    roots: Vec<PathBuf>,
    settle: Duration,
    pending: HashMap<PathBuf, Pending>,
    /// "Renamed from" halves waiting for their "to".
    rename_from: HashMap<usize, (PathBuf, Instant)>,
    /// Paired halves waiting for the backend's combined event (inotify sends from, to, both).
    rename_to: HashMap<usize, (PathBuf, PathBuf, Instant)>,
}

impl Normaliser {
    fn new(tx: Sender<Change>, ignored: Vec<PathBuf>, roots: Vec<PathBuf>, settle: Duration) -> Self {
        Normaliser {
            tx,
            ignored,
            roots,
            settle,
            pending: HashMap::new(),
            rename_from: HashMap::new(),
            rename_to: HashMap::new(),
        }
    }

    fn run(mut self, raw: std_mpsc::Receiver<notify::Result<notify::Event>>) {
        loop {
            match raw.recv_timeout(TICK) {
                Ok(Ok(event)) => self.on_event(event),
                Ok(Err(e)) => {
                    // Overflow, watch limits, a root that vanished: look again rather than guess.
                    let paths = if e.paths.is_empty() {
                        self.roots.clone()
                    } else {
                        e.paths.clone()
                    };
                    for p in paths {
                        self.emit(Change::Rescan(p));
                    }
                }
                Err(std_mpsc::RecvTimeoutError::Timeout) => {}
                Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
            }
            if !self.tick() {
                return;
            }
        }
    }

    fn ignored(&self, p: &Path) -> bool {
        self.ignored.iter().any(|i| p.starts_with(i))
            || p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    }

    fn emit(&self, c: Change) -> bool {
        self.tx.send(c).is_ok()
    }

    fn touch(&mut self, p: PathBuf, closed: bool) {
        if self.ignored(&p) {
            return;
        }
        let entry = self.pending.entry(p).or_insert(Pending {
            since: Instant::now(),
            seen: None,
            closed: false,
        });
        entry.since = Instant::now();
        entry.closed |= closed;
    }

    fn on_event(&mut self, e: notify::Event) {
        if e.need_rescan() {
            for p in if e.paths.is_empty() {
                self.roots.clone()
            } else {
                e.paths.clone()
            } {
                self.emit(Change::Rescan(p));
            }
            return;
        }
        match e.kind {
            EventKind::Create(CreateKind::Folder) => {
                // Files copied in with their folder may predate the watch on it.
                for p in e.paths {
                    if !self.ignored(&p) {
                        self.emit(Change::Rescan(p));
                    }
                }
            }
            EventKind::Create(_)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any | ModifyKind::Metadata(_)) => {
                for p in e.paths {
                    self.touch(p, false);
                }
            }
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                for p in e.paths {
                    self.touch(p, true);
                }
            }
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) if e.paths.len() == 2 => {
                if let Some(t) = e.attrs.tracker() {
                    self.rename_from.remove(&t);
                    self.rename_to.remove(&t);
                }
                self.renamed(e.paths[0].clone(), e.paths[1].clone());
            }
            EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {
                for p in e.paths {
                    match e.attrs.tracker() {
                        Some(t) => {
                            self.rename_from.insert(t, (p, Instant::now()));
                        }
                        None => {
                            self.emit(Change::Removed(p));
                        }
                    }
                }
            }
            EventKind::Modify(ModifyKind::Name(RenameMode::To)) => {
                let tracker = e.attrs.tracker();
                let paired = tracker.and_then(|t| self.rename_from.remove(&t));
                for p in e.paths {
                    match (&paired, tracker) {
                        // Wait for the combined event; `tick` reports it if it never comes.
                        (Some((from, _)), Some(t)) => {
                            self.rename_to.insert(t, (from.clone(), p, Instant::now()));
                        }
                        _ => self.arrived(p),
                    }
                }
            }
            EventKind::Remove(
                RemoveKind::File | RemoveKind::Folder | RemoveKind::Any | RemoveKind::Other,
            ) => {
                for p in e.paths {
                    self.pending.remove(&p);
                    if !self.ignored(&p) {
                        self.emit(Change::Removed(p.clone()));
                    }
                    if self.roots.contains(&p) {
                        // A watched root went away (an unplugged drive): the library decides.
                        self.emit(Change::Rescan(p));
                    }
                }
            }
            _ => {}
        }
    }

    fn renamed(&mut self, from: PathBuf, to: PathBuf) {
        self.pending.remove(&from);
        match (self.ignored(&from), self.ignored(&to)) {
            (false, false) => {
                self.emit(Change::Renamed { from, to });
            }
            (false, true) => {
                self.emit(Change::Removed(from));
            }
            (true, false) => self.arrived(to),
            (true, true) => {}
        }
    }

    /// Something moved in from outside: a folder is rescanned, a file waits to settle.
    fn arrived(&mut self, p: PathBuf) {
        if p.is_dir() {
            self.emit(Change::Rescan(p));
        } else {
            self.touch(p, false);
        }
    }

    /// Emits files that have settled and renames that never found their pair. False when the
    /// receiver is gone.
    fn tick(&mut self) -> bool {
        let now = Instant::now();
        let stale: Vec<usize> = self
            .rename_from
            .iter()
            .filter(|(_, (_, at))| now.duration_since(*at) > RENAME_PAIRING)
            .map(|(t, _)| *t)
            .collect();
        for t in stale {
            if let Some((p, _)) = self.rename_from.remove(&t)
                && !self.ignored(&p)
                && !self.emit(Change::Removed(p))
            {
                return false;
            }
        }
        let unpaired: Vec<usize> = self
            .rename_to
            .iter()
            .filter(|(_, (_, _, at))| now.duration_since(*at) > RENAME_PAIRING)
            .map(|(t, _)| *t)
            .collect();
        for t in unpaired {
            if let Some((from, to, _)) = self.rename_to.remove(&t) {
                self.renamed(from, to);
            }
        }
        let mut settled = Vec::new();
        for (path, p) in &mut self.pending {
            let quiet = now.duration_since(p.since);
            if quiet < self.settle && !(p.closed && quiet >= TICK) {
                continue;
            }
            match std::fs::metadata(path) {
                Ok(m) if m.is_file() => {
                    let now_seen = (m.len(), m.modified().unwrap_or(SystemTime::UNIX_EPOCH));
                    if p.closed || p.seen == Some(now_seen) {
                        settled.push(path.clone());
                    } else {
                        p.seen = Some(now_seen);
                        p.since = now;
                    }
                }
                // Gone again before settling, or a folder: nothing to report for it here.
                _ => settled.push(path.clone()),
            }
        }
        for path in settled {
            self.pending.remove(&path);
            if path.is_file() && !self.emit(Change::Settled(path)) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(rx: &Receiver<Change>) -> Option<Change> {
        rx.recv_timeout(Duration::from_secs(5)).ok()
    }

    #[test]
    fn a_written_file_settles_once() {
        let dir = tempfile::tempdir().unwrap();
        let (_w, rx) = Watcher::new(&[dir.path().to_path_buf()], &[], Duration::from_millis(150)).unwrap();
        let f = dir.path().join("a.jpg");
        std::fs::write(&f, b"hello").unwrap();
        assert_eq!(next(&rx), Some(Change::Settled(canonical(&f))));
        assert!(
            rx.recv_timeout(Duration::from_millis(500)).is_err(),
            "settled once"
        );
    }

    #[test]
    fn renames_and_removals_are_reported_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.jpg");
        std::fs::write(&f, b"x").unwrap();
        let (_w, rx) = Watcher::new(&[dir.path().to_path_buf()], &[], Duration::from_millis(150)).unwrap();
        let g = dir.path().join("b.jpg");
        std::fs::rename(&f, &g).unwrap();
        let root = canonical(dir.path());
        assert_eq!(
            next(&rx),
            Some(Change::Renamed {
                from: root.join("a.jpg"),
                to: root.join("b.jpg")
            })
        );
        std::fs::remove_file(&g).unwrap();
        assert_eq!(next(&rx), Some(Change::Removed(root.join("b.jpg"))));
    }

    #[test]
    fn ignored_folders_and_hidden_files_stay_silent() {
        let dir = tempfile::tempdir().unwrap();
        let lib = dir.path().join("library");
        std::fs::create_dir_all(&lib).unwrap();
        let (_w, rx) = Watcher::new(
            &[dir.path().to_path_buf()],
            std::slice::from_ref(&lib),
            Duration::from_millis(100),
        )
        .unwrap();
        std::fs::write(lib.join("catalog.db"), b"x").unwrap();
        std::fs::write(dir.path().join(".partial"), b"x").unwrap();
        std::fs::write(dir.path().join("real.png"), b"x").unwrap();
        assert_eq!(
            next(&rx),
            Some(Change::Settled(canonical(dir.path()).join("real.png")))
        );
        assert!(rx.recv_timeout(Duration::from_millis(400)).is_err());
    }
}
