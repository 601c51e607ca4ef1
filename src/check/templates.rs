//! Every `send NAME` must find a template `NAME.*` in the `templates` folder.
//! Works on the AST, so it reports even when other statements do not compile.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use crate::ast::{self, ActionKind, HeaderKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;
use crate::suggest;

pub fn check(policy: &ast::Policy, source: &Arc<SourceFile>, dir: &Path) -> Vec<Diagnostic> {
    let Some(folder) = policy.headers().find_map(|h| match &h.kind {
        HeaderKind::Templates(folder) => Some(folder),
        _ => None,
    }) else {
        return Vec::new();
    };
    let path = dir.join(&folder.value);
    let names = match template_names(&path) {
        Ok(names) => names,
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
    let mut diagnostics = Vec::new();
    for statement in policy.statements() {
        let ActionKind::Send { template, .. } = &statement.action.kind else {
            continue;
        };
        if names.contains(&template.text) {
            continue;
        }
        let hint = suggest::did_you_mean(&template.text, names.iter().map(String::as_str));
        diagnostics.push(
            Diagnostic::error(
                Code::UnknownTemplate,
                format!("unknown template `{}`", suggest::short(&template.text)),
            )
            .with_label(
                template.span,
                format!(
                    "no file `{}.*` in `{}`",
                    suggest::short(&template.text),
                    folder.value
                ),
            )
            .with_help(hint.unwrap_or_else(|| {
                format!(
                    "create `{}/{}.html` (a letter) or `{}.txt` (an e-mail)",
                    folder.value, template.text, template.text
                )
            }))
            .in_source(source),
        );
    }
    diagnostics
}

/// The template names in a folder: each file's name up to its first `.`.
pub fn template_names(path: &Path) -> std::io::Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        if let Some((stem, _)) = file_name.split_once('.') {
            if !stem.is_empty() {
                names.insert(unicode_normalization::UnicodeNormalization::nfc(stem).collect());
            }
        }
    }
    Ok(names)
}
