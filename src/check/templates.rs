//! Every `send NAME` must find a template `NAME.html` or `NAME.txt` in the
//! `templates` folder, one that compiles, in the form its channels need;
//! and that folder — its templates too, links followed — must lie inside the
//! policy's repository: the folder holding the policy, or the root given
//! with `--templates-root`. A template is copied into letters sent to
//! debtors; one read from elsewhere on the machine (`templates
//! "../../../../usr/share/gnupg"`, or a link) would send a system file.
//! The folder is read by the one scan of [`crate::letters::templates`], the
//! scan `policy run` loads. Works on the AST, so it reports even when other
//! statements do not compile.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::ast::{self, ActionKind, HeaderKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::letters::templates::{Scan, Templates};
use crate::source::SourceFile;
use crate::suggest;
use crate::vocab::Channel;

/// Checks the policy's `templates` folder. `dir` is the policy's folder,
/// which relative paths start from; `root` the repository's root, which
/// the templates must stay in (`None`: `dir`). Returns the folder's
/// templates too, when it has one inside the repository, for the checks
/// that render them.
pub fn check(
    policy: &ast::Policy,
    source: &Arc<SourceFile>,
    dir: &Path,
    root: Option<&Path>,
) -> (Vec<Diagnostic>, Option<Templates>) {
    let Some(folder) = policy.headers().find_map(|h| match &h.kind {
        HeaderKind::Templates(folder) => Some(folder),
        _ => None,
    }) else {
        return (Vec::new(), None);
    };
    let path = match resolve(dir, root, &folder.value) {
        Ok(path) => path,
        Err(escape) => {
            return (
                vec![
                    escape
                        .diagnostic(&folder.value)
                        .with_label(folder.span, "this folder")
                        .in_source(source),
                ],
                None,
            );
        }
    };
    let scan = match read_folder(&path) {
        Ok(scan) => scan,
        Err(err) => {
            let why = match err.kind() {
                std::io::ErrorKind::NotFound => "it does not exist".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                std::io::ErrorKind::NotADirectory => "it is not a folder".to_string(),
                _ => err.to_string(),
            };
            return (
                vec![
                    Diagnostic::error(
                        Code::TemplatesDir,
                        format!("cannot read the templates folder `{}`: {why}", folder.value),
                    )
                    .with_label(folder.span, "this folder")
                    .with_help(
                        "the folder is relative to the policy file; create it or correct the path",
                    )
                    .in_source(source),
                ],
                None,
            );
        }
    };
    let names: BTreeSet<&str> = scan.names().collect();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    let mut diagnostics: Vec<Diagnostic> = linked_out(&path, dir, root)
        .into_iter()
        .map(|escape| {
            escape
                .diagnostic(&folder.value)
                .with_label(folder.span, "this folder")
                .in_source(source)
        })
        .collect();
    for statement in policy.statements() {
        let ActionKind::Send {
            template, channels, ..
        } = &statement.action.kind
        else {
            continue;
        };
        if !names.contains(template.text.as_str()) {
            diagnostics.push(unknown(template, &folder.value, &scan, source));
            continue;
        }
        // A template that does not compile: its own file, line and column,
        // once however many steps send it.
        if reported.insert(template.text.as_str()) {
            diagnostics.extend(scan.problems(&template.text).cloned());
        }
        if scan.problems(&template.text).next().is_some() {
            continue;
        }
        let channels: Vec<Channel> = channels.as_ref().map_or_else(
            || vec![Channel::DEFAULT],
            |list| {
                list.names
                    .iter()
                    .filter_map(|c| Channel::from_word(&c.text))
                    .collect()
            },
        );
        for channel in channels {
            if let Err(missing) = scan.templates.check(&template.text, channel) {
                diagnostics.push(
                    Diagnostic::error(missing.code, missing.message)
                        .with_label(template.span, format!("sent by {channel}"))
                        .with_help(missing.help.unwrap_or_default())
                        .in_source(source),
                );
            }
        }
    }
    let escaped =
        !diagnostics.is_empty() && diagnostics.iter().any(|d| d.code == Code::TemplatesOutside);
    let templates = (!escaped).then_some(scan.templates);
    (diagnostics, templates)
}

/// The folder's templates; an error only when it cannot be read.
fn read_folder(path: &Path) -> std::io::Result<Scan> {
    std::fs::read_dir(path)?;
    Templates::scan(path).map_err(|d| std::io::Error::other(d.message))
}

fn unknown(
    template: &ast::Name,
    folder: &str,
    scan: &Scan,
    source: &Arc<SourceFile>,
) -> Diagnostic {
    let name = suggest::short(&template.text);
    // `relance_2.md`: there, but not a template.
    let other = scan.others.iter().find(|file| {
        file.split_once('.')
            .is_some_and(|(stem, _)| suggest::fold(stem) == suggest::fold(&template.text))
    });
    let help = match other {
        Some(file) => format!(
            "`{folder}/{file}` is there, but a template is a `.html` file (a letter) or a \
             `.txt` file (an e-mail): rename it `{}.txt` or `{}.html`",
            template.text, template.text
        ),
        None => suggest::did_you_mean(&template.text, scan.names()).unwrap_or_else(|| {
            format!(
                "create `{folder}/{}.html` (a letter) or `{}.txt` (an e-mail)",
                template.text, template.text
            )
        }),
    };
    Diagnostic::error(Code::UnknownTemplate, format!("unknown template `{name}`"))
        .with_label(
            template.span,
            format!("no file `{name}.html` or `{name}.txt` in `{folder}`"),
        )
        .with_help(help)
        .in_source(source)
}

/// A templates folder, or a template in it, outside the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// The repository's root cannot be read.
    Root(PathBuf, String),
    /// The folder (links followed) is not inside the root.
    Folder { real: PathBuf, root: PathBuf },
    /// A template of the folder is a link leading out of the root.
    Template {
        name: String,
        real: PathBuf,
        root: PathBuf,
    },
}

impl Escape {
    /// The diagnostic (`policy::templates_outside`), for the folder as the
    /// policy writes it.
    pub fn diagnostic(&self, folder: &str) -> Diagnostic {
        let help = "templates live in the policy's repository: the policy's folder and below. \
                    To keep them elsewhere in the repository, give its root with \
                    `--templates-root DIR`";
        match self {
            Escape::Root(root, why) => Diagnostic::error(
                Code::TemplatesOutside,
                format!("cannot read the templates root `{}`: {why}", root.display()),
            )
            .with_help("`--templates-root` names a folder holding the policy's templates"),
            Escape::Folder { real, root } => Diagnostic::error(
                Code::TemplatesOutside,
                format!(
                    "the templates folder `{folder}` leads to `{}`, outside the policy's \
                     repository `{}`",
                    real.display(),
                    root.display()
                ),
            )
            .with_help(help),
            Escape::Template { name, real, root } => Diagnostic::error(
                Code::TemplatesOutside,
                format!(
                    "the template `{folder}/{name}` is a link to `{}`, outside the policy's \
                     repository `{}`",
                    real.display(),
                    root.display()
                ),
            )
            .with_help(help),
        }
    }
}

/// The templates folder `folder` of a policy in `dir`, checked to lie
/// inside `root` (default: `dir`) once links are followed. Every command
/// that reads templates takes the folder from here.
pub fn resolve(dir: &Path, root: Option<&Path>, folder: &str) -> Result<PathBuf, Escape> {
    let root = real_root(dir, root)?;
    let path = dir.join(folder);
    let real = real(&path).map_err(|e| Escape::Root(path.clone(), e.to_string()))?;
    if real.starts_with(&root) {
        Ok(path)
    } else {
        Err(Escape::Folder { real, root })
    }
}

/// The repository's root, links followed: `root`, or the policy's folder.
fn real_root(dir: &Path, root: Option<&Path>) -> Result<PathBuf, Escape> {
    let root = match root.unwrap_or(dir) {
        r if r.as_os_str().is_empty() => Path::new("."),
        r => r,
    };
    std::fs::canonicalize(root).map_err(|e| Escape::Root(root.to_path_buf(), e.to_string()))
}

/// The templates of `folder` that are links leading out of the root.
fn linked_out(folder: &Path, dir: &Path, root: Option<&Path>) -> Vec<Escape> {
    let Ok(root) = real_root(dir, root) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut escapes = Vec::new();
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_symlink()) {
            continue;
        }
        // A link to nothing reads as nothing: not a template.
        let Ok(real) = std::fs::canonicalize(entry.path()) else {
            continue;
        };
        if !real.starts_with(&root) {
            escapes.push(Escape::Template {
                name: entry.file_name().to_string_lossy().into_owned(),
                real,
                root: root.clone(),
            });
        }
    }
    escapes.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    escapes
}

/// Where `path` really is: the longest part of it that exists, links
/// followed, then the rest of it read as written (`..` going up).
fn real(path: &Path) -> std::io::Result<PathBuf> {
    let path = std::path::absolute(path)?;
    let parts: Vec<Component<'_>> = path.components().collect();
    for known in (1..=parts.len()).rev() {
        let Ok(mut real) = std::fs::canonicalize(parts[..known].iter().collect::<PathBuf>()) else {
            continue;
        };
        for part in &parts[known..] {
            match part {
                Component::ParentDir => {
                    real.pop();
                }
                Component::Normal(name) => real.push(name),
                _ => {}
            }
        }
        return Ok(real);
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_placed_where_it_would_be() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        assert_eq!(real(&base.join("a/b/../c")).unwrap(), base.join("a/c"));
        assert_eq!(
            real(&base.join("a/../../x")).unwrap(),
            base.parent().unwrap().join("x")
        );
        let repo = base.join("repo");
        std::fs::create_dir(&repo).unwrap();
        assert!(resolve(&repo, None, "templates/lu").is_ok());
        assert!(resolve(&repo, None, "lu/../../x").is_err());
        assert!(resolve(&repo, Some(&base), "../x").is_ok());
        assert!(resolve(&repo, None, base.join("repo/t").to_str().unwrap()).is_ok());
        assert!(resolve(&repo, None, "/usr/share").is_err());
    }
}
