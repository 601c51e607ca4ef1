//! Every `send NAME` must find a template `NAME.html` or `NAME.txt` in the
//! `templates` folder, one that compiles, in the form its channels need.
//! The folder is read by the one scan of [`crate::letters::templates`], the
//! scan `policy run` loads. Works on the AST, so it reports even when other
//! statements do not compile.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use crate::ast::{self, ActionKind, HeaderKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::letters::templates::{Scan, Templates};
use crate::source::SourceFile;
use crate::suggest;
use crate::vocab::Channel;

pub fn check(policy: &ast::Policy, source: &Arc<SourceFile>, dir: &Path) -> Vec<Diagnostic> {
    let Some(folder) = policy.headers().find_map(|h| match &h.kind {
        HeaderKind::Templates(folder) => Some(folder),
        _ => None,
    }) else {
        return Vec::new();
    };
    let path = dir.join(&folder.value);
    let scan = match read_folder(&path) {
        Ok(scan) => scan,
        Err(err) => {
            let why = match err.kind() {
                std::io::ErrorKind::NotFound => "it does not exist".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                std::io::ErrorKind::NotADirectory => "it is not a folder".to_string(),
                _ => err.to_string(),
            };
            return vec![
                Diagnostic::error(
                    Code::TemplatesDir,
                    format!("cannot read the templates folder `{}`: {why}", folder.value),
                )
                .with_label(folder.span, "this folder")
                .with_help(
                    "the folder is relative to the policy file; create it or correct the path",
                )
                .in_source(source),
            ];
        }
    };
    let names: BTreeSet<&str> = scan.names().collect();
    let mut reported: BTreeSet<&str> = BTreeSet::new();
    let mut diagnostics = Vec::new();
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
    diagnostics
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
