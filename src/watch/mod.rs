//! `policy watch` minus the command line: follow policy files and their
//! templates, and after every save check the affected files again and hand
//! a fresh [`Report`] to a sink.
//!
//! The loop is a function of a report sink, a stop signal ([`Stopper`]) and
//! a per-file hook, so the CLI runs it with stdout and Ctrl-C and the tests
//! with a channel. File-system events come from notify through a debouncer
//! (an editor's save is several events: one report per save).
//!
//! Robust to what editors do: folders are watched, never single files, so a
//! save that writes a new file and renames it over the old one (an "atomic
//! save"), a delete followed by a re-create, and new files in a watched
//! folder are all seen. A file that does not parse is reported, and the
//! watch goes on.

mod files;
mod ledger;
mod report;

use std::collections::{BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use notify_debouncer_full::notify::{self, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};

pub use ledger::LedgerSummaries;
pub use report::{Cause, FileReport, FileStatus, Report, Totals};

use crate::ast::HeaderKind;
use crate::check::{self, Setting};
use crate::claim::RateTable;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Severity};
use crate::load;
use crate::plan::Plan;
use crate::source::SourceFile;
use crate::syntax;
use files::{Root, Tracker};

/// How long the file system must be quiet before a report: long enough to
/// gather the events of one save, short enough to feel immediate.
pub(crate) const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(100);

/// What to watch, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// Policy files and folders; none means the current folder.
    pub paths: Vec<PathBuf>,
    /// The folder relative paths (given and shown) are relative to.
    pub base: PathBuf,
    pub debounce: Duration,
    /// Files every policy's report depends on (`--ledger` and its debtors):
    /// a save of one checks every policy again.
    pub data: Vec<PathBuf>,
    /// The repository's root the policies' templates must stay in
    /// (`--templates-root`; `None`: each policy's folder).
    pub templates_root: Option<PathBuf>,
    /// The rate table the legal checks read (`--rates`).
    pub rates: RateTable,
}

impl Options {
    pub fn new(paths: Vec<PathBuf>, base: PathBuf) -> Self {
        Options {
            paths,
            base,
            debounce: DEFAULT_DEBOUNCE,
            data: Vec::new(),
            templates_root: None,
            rates: RateTable::shipped().clone(),
        }
    }
}

/// Called after a file checked without error, with its plan; what it
/// returns is shown under the file in the report. `policy watch --ledger`
/// plugs a simulation summary in here.
pub(crate) type Hook<'a> = dyn FnMut(&Path, &Plan) -> Option<String> + 'a;

enum Message {
    Events(DebounceEventResult),
    Stop,
}

/// Ends a running watch; clone it into a Ctrl-C handler or a test.
#[derive(Debug, Clone)]
pub struct Stopper(Sender<Message>);

impl Stopper {
    pub fn stop(&self) {
        // A watch that has already ended has nothing to stop.
        let _ = self.0.send(Message::Stop);
    }
}

/// A watch, ready to [`run`](Watch::run).
pub struct Watch {
    options: Options,
    sender: Sender<Message>,
    receiver: Receiver<Message>,
}

impl Watch {
    pub fn new(options: Options) -> Self {
        let (sender, receiver) = mpsc::channel();
        Watch {
            options,
            sender,
            receiver,
        }
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.sender.clone())
    }

    /// Checks every file, reports, then reports again after each change
    /// until stopped. Fails only when the paths cannot be watched at all.
    pub fn run(self, sink: &mut dyn FnMut(Report), hook: &mut Hook<'_>) -> Result<(), Diagnostic> {
        let base =
            std::fs::canonicalize(&self.options.base).unwrap_or_else(|_| self.options.base.clone());
        let roots = roots(&self.options.paths, &base)?;
        let debounce = self.options.debounce.max(Duration::from_millis(10));
        let sender = self.sender.clone();
        let mut debouncer = new_debouncer_opt::<_, RecommendedWatcher, NoCache>(
            debounce,
            Some(debounce / 5),
            move |result| {
                let _ = sender.send(Message::Events(result));
            },
            NoCache,
            notify::Config::default(),
        )
        .map_err(|e| watch_error(&base, &e))?;
        // Watch before the first check, so that no save falls between them.
        for root in &roots {
            let (path, recursive) = root.watched();
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            debouncer
                .watch(path, mode)
                .map_err(|e| watch_error(path, &e))?;
        }
        // The data files' folders, watched on their own (not recursively):
        // an editor's save replaces the file, so the file itself is not
        // what to watch.
        let data: Vec<PathBuf> = self
            .options
            .data
            .iter()
            .map(|p| files::absolute(&base, p))
            .collect();
        let mut data_dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for file in &data {
            let dir = file.parent().unwrap_or(Path::new("/")).to_path_buf();
            if data_dirs.insert(dir.clone()) {
                debouncer
                    .watch(&dir, RecursiveMode::NonRecursive)
                    .map_err(|e| watch_error(&dir, &e))?;
            }
        }
        let templates_root = self.options.templates_root.as_ref().map(|r| base.join(r));
        let mut session = Session {
            tracker: Tracker::new(roots),
            base,
            debouncer,
            template_watches: BTreeSet::new(),
            last_bytes: HashMap::new(),
            data,
            templates_root,
            rates: self.options.rates.clone(),
        };
        let start = session.rescan(Cause::Start, hook)?;
        sink(start);
        while let Ok(Message::Events(first)) = self.receiver.recv() {
            // Whatever else is already queued belongs to the same burst.
            let mut batch = vec![first];
            let mut stop = false;
            while let Ok(message) = self.receiver.try_recv() {
                match message {
                    Message::Events(result) => batch.push(result),
                    Message::Stop => stop = true,
                }
            }
            if let Some(report) = session.changed(batch, hook) {
                sink(report);
            }
            if stop {
                break;
            }
        }
        session.debouncer.stop();
        Ok(())
    }
}

/// The given paths as roots; a path that does not exist is an error.
fn roots(paths: &[PathBuf], base: &Path) -> Result<Vec<Root>, Diagnostic> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut roots = Vec::new();
    for given in paths {
        let path = files::absolute(base, given);
        let meta =
            std::fs::metadata(&path).map_err(|e| load::io_error(load::Op::Read, given, &e))?;
        let root = if meta.is_dir() {
            Root::Dir(path)
        } else {
            Root::File(path)
        };
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    Ok(roots)
}

fn watch_error(path: &Path, err: &notify::Error) -> Diagnostic {
    use notify::ErrorKind;
    let reason = match &err.kind {
        ErrorKind::MaxFilesWatch => "the system's limit of watched folders is reached".to_string(),
        ErrorKind::PathNotFound => "not found".to_string(),
        ErrorKind::Io(io) => io.to_string(),
        ErrorKind::Generic(text) => text.clone(),
        _ => "the system refused".to_string(),
    };
    let help = match err.kind {
        ErrorKind::MaxFilesWatch => {
            "watch fewer folders (the ones holding policies and templates), or raise the limit \
             (on Linux: `sudo sysctl fs.inotify.max_user_watches=524288`)"
        }
        _ => "check that the path exists and that you may read it",
    };
    Diagnostic::error(
        Code::WatchFailed,
        format!("cannot watch `{}`: {reason}", path.display()),
    )
    .with_help(help)
    .in_path(path.display().to_string())
}

struct Session {
    tracker: Tracker,
    base: PathBuf,
    debouncer: Debouncer<RecommendedWatcher, NoCache>,
    /// Templates folders outside the roots, watched on their own.
    template_watches: BTreeSet<PathBuf>,
    /// Each policy's bytes at its last check, hashed: a file's own event
    /// that brings nothing new (a folder's files announced twice, an editor
    /// writing the same text again) is not reported again.
    last_bytes: HashMap<PathBuf, u64>,
    /// Absolute paths of the files every report depends on.
    data: Vec<PathBuf>,
    templates_root: Option<PathBuf>,
    rates: RateTable,
}

impl Session {
    /// Checks every policy the roots hold (and notes those gone).
    fn rescan(&mut self, cause: Cause, hook: &mut Hook<'_>) -> Result<Report, Diagnostic> {
        let mut paths = match self.tracker.discover() {
            Ok(found) => found,
            // At start, an unreadable folder is fatal; later, keep going
            // with the files already known.
            Err(d) if cause == Cause::Start => return Err(d),
            Err(_) => BTreeSet::new(),
        };
        paths.extend(self.tracker.tracked().map(Path::to_path_buf));
        Ok(self.check_all(cause, &paths, &BTreeSet::new(), hook))
    }

    /// The report for a burst of file-system events, if they touched a
    /// policy or a template in use.
    fn changed(&mut self, batch: Vec<DebounceEventResult>, hook: &mut Hook<'_>) -> Option<Report> {
        let mut paths = BTreeSet::new();
        let mut lost_events = false;
        for result in batch {
            match result {
                Ok(events) => {
                    for event in events {
                        lost_events |= event.need_rescan();
                        // Reading is no change; and the checks themselves
                        // read every file, which must not trigger a check.
                        if !matches!(event.kind, notify::EventKind::Access(_)) {
                            paths.extend(event.event.paths);
                        }
                    }
                }
                Err(_) => lost_events = true,
            }
        }
        if lost_events {
            return self.rescan(Cause::Rescan, hook).ok();
        }
        let mut affected = BTreeSet::new();
        let mut changed = Vec::new();
        // Policies touched by nothing but their own event.
        let mut own = BTreeSet::new();
        let mut by_others = BTreeSet::new();
        for path in &paths {
            if self.data.contains(path) {
                // The ledger or debtors file: every policy's summary.
                changed.push(self.shown(path));
                by_others.extend(self.tracker.tracked().map(Path::to_path_buf));
                affected.extend(self.tracker.tracked().map(Path::to_path_buf));
                continue;
            }
            let mut hit = self.tracker.affected_by(path);
            // A folder moved in holds policies that no event names.
            if path.is_dir() {
                if let Ok(found) = load::policy_files(std::slice::from_ref(path)) {
                    hit.extend(found.into_iter().filter(|p| self.tracker.covers(p)));
                }
            }
            if !hit.is_empty() {
                changed.push(self.shown(path));
                for policy in &hit {
                    if policy == path {
                        own.insert(policy.clone());
                    } else {
                        by_others.insert(policy.clone());
                    }
                }
                affected.extend(hit);
            }
        }
        if affected.is_empty() {
            return None;
        }
        let unchanged_if_same: BTreeSet<PathBuf> = own.difference(&by_others).cloned().collect();
        let mut report = self.check_all(Cause::Change, &affected, &unchanged_if_same, hook);
        report.changed = changed;
        (!report.files.is_empty()).then_some(report)
    }

    /// Checks `paths`; those in `skip_if_same` are left out of the report
    /// when their bytes are those of their last check.
    fn check_all(
        &mut self,
        cause: Cause,
        paths: &BTreeSet<PathBuf>,
        skip_if_same: &BTreeSet<PathBuf>,
        hook: &mut Hook<'_>,
    ) -> Report {
        let files = paths
            .iter()
            .filter_map(|path| self.check(path, skip_if_same.contains(path), hook))
            .collect();
        self.sync_template_watches();
        Report {
            at: chrono::Local::now(),
            cause,
            changed: Vec::new(),
            files,
            totals: self.tracker.totals(),
        }
    }

    /// Checks one policy again; `None` for a file that is neither there nor
    /// known (an editor's temporary file, already renamed).
    fn check(
        &mut self,
        path: &Path,
        skip_if_same: bool,
        hook: &mut Hook<'_>,
    ) -> Option<FileReport> {
        let name = self.shown(path);
        let dir = path.parent().unwrap_or(Path::new("/"));
        let read = std::fs::read(path);
        if let Ok(bytes) = &read {
            let hash = foldhash::fast::FixedState::default().hash_one(bytes);
            let same = self.last_bytes.insert(path.to_path_buf(), hash) == Some(hash);
            if same && skip_if_same && self.tracker.is_tracked(path) {
                return None;
            }
        }
        let (diagnostics, plan, templates) = match read {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.last_bytes.remove(path);
                if !self.tracker.is_tracked(path) {
                    return None;
                }
                self.tracker.forget(path);
                return Some(FileReport {
                    name,
                    path: path.to_path_buf(),
                    status: FileStatus::Removed,
                });
            }
            Err(e) => (
                Diagnostics::from(vec![load::io_error(load::Op::Read, Path::new(&name), &e)]),
                None,
                None,
            ),
            Ok(bytes) => match load::text_source(name.clone(), bytes) {
                Err(d) => (vec![d].into(), None, None),
                Ok(source) => {
                    let checked = check::check(
                        &source,
                        &Setting {
                            dir,
                            root: self.templates_root.as_deref(),
                            rates: &self.rates,
                        },
                    );
                    (
                        checked.diagnostics,
                        checked.plan,
                        templates_dir(&source, dir),
                    )
                }
            },
        };
        let extra = plan.as_ref().and_then(|plan| hook(path, plan));
        self.tracker.track(
            path.to_path_buf(),
            templates,
            diagnostics.count(Severity::Error),
            diagnostics.count(Severity::Warning),
        );
        Some(FileReport {
            name,
            path: path.to_path_buf(),
            status: FileStatus::Checked {
                diagnostics,
                compiled: plan.is_some(),
                extra,
            },
        })
    }

    /// Keeps a watch on each templates folder in use outside the roots.
    fn sync_template_watches(&mut self) {
        let wanted = self.tracker.outside_templates();
        for gone in self.template_watches.difference(&wanted) {
            let _ = self.debouncer.unwatch(gone);
        }
        self.template_watches.retain(|dir| wanted.contains(dir));
        for dir in wanted {
            if !self.template_watches.contains(&dir)
                && self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.template_watches.insert(dir);
            }
        }
    }

    /// `policies/b2b.policy` under the base folder, the full path elsewhere.
    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.base)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// The templates folder a policy names, as an absolute path.
fn templates_dir(source: &std::sync::Arc<SourceFile>, dir: &Path) -> Option<PathBuf> {
    let (policy, _) = syntax::parse(source);
    policy.headers().find_map(|h| match &h.kind {
        HeaderKind::Templates(folder) => Some(files::absolute(dir, Path::new(&folder.value))),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_errors_say_what_to_do() {
        let err = notify::Error::new(notify::ErrorKind::MaxFilesWatch)
            .add_path(PathBuf::from("/home/anne"));
        let diagnostic = watch_error(Path::new("/home/anne"), &err);
        assert_eq!(diagnostic.code, Code::WatchFailed);
        assert_eq!(
            diagnostic.message,
            "cannot watch `/home/anne`: the system's limit of watched folders is reached"
        );
        assert!(
            diagnostic
                .help
                .unwrap_or_default()
                .contains("max_user_watches")
        );
    }
}
