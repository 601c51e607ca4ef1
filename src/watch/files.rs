//! Which policy files a watch follows, and which of them a changed path
//! affects: the policy itself, or a template in the folder it uses. No
//! notify here, so the rules are tested on plain paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::load;

/// A path the user asked to watch, made absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Root {
    /// A folder: every `*.policy` below it, new ones included.
    Dir(PathBuf),
    /// One policy file. Its folder is watched, not the file itself: editors
    /// save by writing a new file and renaming it over the old one, which
    /// would end a watch on the old file.
    File(PathBuf),
}

impl Root {
    /// What the file-system watch is set on, and whether it is recursive.
    pub(super) fn watched(&self) -> (&Path, bool) {
        match self {
            Root::Dir(dir) => (dir, true),
            Root::File(file) => (file.parent().unwrap_or(Path::new("/")), false),
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct Tracker {
    roots: Vec<Root>,
    /// The policies being followed.
    files: BTreeMap<PathBuf, Tracked>,
}

/// What the last check of a policy found.
#[derive(Debug, Default)]
struct Tracked {
    /// The templates folder it uses.
    templates: Option<PathBuf>,
    errors: usize,
    warnings: usize,
}

impl Tracker {
    pub(super) fn new(roots: Vec<Root>) -> Self {
        Tracker {
            roots,
            files: BTreeMap::new(),
        }
    }

    /// Every policy file the roots hold now. A folder without any is not an
    /// error here: the user may be about to create the first one.
    pub(super) fn discover(&self) -> Result<BTreeSet<PathBuf>, Diagnostic> {
        let mut found = BTreeSet::new();
        for root in &self.roots {
            match root {
                Root::File(file) => {
                    if file.is_file() {
                        found.insert(file.clone());
                    }
                }
                Root::Dir(dir) => match load::policy_files(std::slice::from_ref(dir)) {
                    Ok(files) => found.extend(files),
                    Err(d) if d.code == Code::NoPolicyFiles => {}
                    Err(d) => return Err(d),
                },
            }
        }
        Ok(found)
    }

    /// Whether `path` is a policy file the roots cover, whether or not it
    /// exists now. Hidden files and folders are skipped, as by `policy
    /// check`: editors keep their swap and lock files there.
    pub(super) fn covers(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| match root {
            Root::File(file) => file == path,
            Root::Dir(dir) => {
                path.extension().is_some_and(|ext| ext == "policy")
                    && path.strip_prefix(dir).is_ok_and(|rest| {
                        rest.components()
                            .all(|c| !c.as_os_str().to_string_lossy().starts_with('.'))
                    })
            }
        })
    }

    /// The policies a changed path affects: itself if it is one, those
    /// using it as (or in) their templates folder, and those inside it when
    /// it is a folder that was deleted or moved away.
    pub(super) fn affected_by(&self, path: &Path) -> BTreeSet<PathBuf> {
        let mut affected: BTreeSet<PathBuf> = self
            .files
            .iter()
            .filter(|(policy, tracked)| {
                policy.starts_with(path)
                    || tracked
                        .templates
                        .as_ref()
                        .is_some_and(|t| path.starts_with(t))
            })
            .map(|(policy, _)| policy.clone())
            .collect();
        if self.covers(path) {
            affected.insert(path.to_path_buf());
        }
        affected
    }

    pub(super) fn is_tracked(&self, policy: &Path) -> bool {
        self.files.contains_key(policy)
    }

    pub(super) fn tracked(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().map(PathBuf::as_path)
    }

    pub(super) fn track(
        &mut self,
        policy: PathBuf,
        templates: Option<PathBuf>,
        errors: usize,
        warnings: usize,
    ) {
        let tracked = Tracked {
            templates,
            errors,
            warnings,
        };
        self.files.insert(policy, tracked);
    }

    /// The latest findings over every policy followed.
    pub(super) fn totals(&self) -> super::Totals {
        let mut totals = super::Totals {
            files: self.files.len(),
            ..Default::default()
        };
        for tracked in self.files.values() {
            totals.errors += tracked.errors;
            totals.warnings += tracked.warnings;
            totals.failing += usize::from(tracked.errors > 0);
        }
        totals
    }

    pub(super) fn forget(&mut self, policy: &Path) {
        self.files.remove(policy);
    }

    /// Templates folders that need a watch of their own: those that exist
    /// outside every watched folder.
    pub(super) fn outside_templates(&self) -> BTreeSet<PathBuf> {
        self.files
            .values()
            .filter_map(|tracked| tracked.templates.as_ref())
            .filter(|t| t.is_dir())
            .filter(|t| {
                !self
                    .roots
                    .iter()
                    .any(|r| matches!(r, Root::Dir(dir) if t.starts_with(dir)))
            })
            .cloned()
            .collect()
    }
}

/// The absolute form of `path` (relative to `base`), through symbolic links
/// where it exists, so that it compares with the paths notify reports.
pub(super) fn absolute(base: &Path, path: &Path) -> PathBuf {
    let joined = lexical(&base.join(path));
    std::fs::canonicalize(&joined).unwrap_or(joined)
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker() -> Tracker {
        Tracker::new(vec![
            Root::Dir(PathBuf::from("/repo/policies")),
            Root::File(PathBuf::from("/elsewhere/one.policy")),
        ])
    }

    #[test]
    fn covers_policies_in_folders_and_named_files() {
        let t = tracker();
        assert!(t.covers(Path::new("/repo/policies/b2b.policy")));
        assert!(t.covers(Path::new("/repo/policies/lu/new.policy")));
        assert!(t.covers(Path::new("/elsewhere/one.policy")));
        assert!(
            !t.covers(Path::new("/elsewhere/two.policy")),
            "only the named file"
        );
        assert!(!t.covers(Path::new("/repo/policies/notes.txt")));
        assert!(!t.covers(Path::new("/repo/other/x.policy")));
        assert!(
            !t.covers(Path::new("/repo/policies/.#b2b.policy")),
            "emacs lock"
        );
        assert!(!t.covers(Path::new("/repo/policies/.git/x.policy")));
    }

    #[test]
    fn a_template_change_affects_the_policies_using_its_folder() {
        let mut t = tracker();
        let lu = PathBuf::from("/repo/policies/lu.policy");
        let be = PathBuf::from("/repo/policies/be.policy");
        t.track(lu.clone(), Some(PathBuf::from("/repo/templates/lu")), 0, 0);
        t.track(be, Some(PathBuf::from("/repo/templates/be")), 0, 0);
        let affected = t.affected_by(Path::new("/repo/templates/lu/relance_1.txt"));
        assert_eq!(affected, BTreeSet::from([lu.clone()]));
        let affected = t.affected_by(Path::new("/repo/templates/lu"));
        assert_eq!(affected, BTreeSet::from([lu]), "the folder itself");
        assert!(
            t.affected_by(Path::new("/repo/templates/fr/x.txt"))
                .is_empty()
        );
    }

    #[test]
    fn a_folder_gone_takes_its_policies_along() {
        let mut t = tracker();
        let lu = PathBuf::from("/repo/policies/lu/a.policy");
        t.track(lu.clone(), None, 0, 0);
        t.track(PathBuf::from("/repo/policies/b.policy"), None, 0, 0);
        let affected = t.affected_by(Path::new("/repo/policies/lu"));
        assert_eq!(affected, BTreeSet::from([lu]));
    }

    #[test]
    fn templates_outside_the_watched_folders_get_their_own_watch() {
        let dir = tempfile::tempdir().unwrap();
        let inside = dir.path().join("policies/templates");
        let outside = dir.path().join("shared/templates");
        std::fs::create_dir_all(&inside).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let mut t = Tracker::new(vec![Root::Dir(dir.path().join("policies"))]);
        t.track(dir.path().join("policies/a.policy"), Some(inside), 0, 0);
        t.track(
            dir.path().join("policies/b.policy"),
            Some(outside.clone()),
            1,
            0,
        );
        let missing = Some(dir.path().join("missing"));
        t.track(dir.path().join("policies/c.policy"), missing, 2, 3);
        assert_eq!(t.outside_templates(), BTreeSet::from([outside]));
        let totals = t.totals();
        assert_eq!(
            (totals.files, totals.errors, totals.warnings, totals.failing),
            (3, 3, 3, 2)
        );
    }

    #[test]
    fn lexical_paths() {
        assert_eq!(lexical(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(lexical(Path::new("a/../../c")), PathBuf::from("../c"));
    }
}
