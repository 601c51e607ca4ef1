//! `policy check PATH...`

use std::path::{Path, PathBuf};

use super::{Context, Exit, print_stdout};
use crate::diagnostic::{Diagnostics, Severity, render};
use crate::load;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policy files, or folders to search for `*.policy` files.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output: diagnostics for people, or JSON on stdout for programs.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Exit 1 on warnings too (for CI).
    #[arg(long)]
    deny_warnings: bool,

    /// A debtors file (CSV) whose columns the conditions' `debtor.COLUMN`
    /// must name.
    #[arg(long, value_name = "FILE")]
    debtors: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

pub(super) fn run(args: &Args, context: &Context) -> Exit {
    let mut diagnostics = Diagnostics::new();
    let mut exit = Exit::Ok;
    let files = match load::policy_files(&args.paths) {
        Ok(files) => files,
        Err(diagnostic) => {
            diagnostics.push(diagnostic);
            exit = Exit::Failure;
            Vec::new()
        }
    };
    let mut languages = std::collections::BTreeSet::new();
    let columns = match &args.debtors {
        None => None,
        Some(path) => match crate::ledger::read_debtors(path, crate::ledger::DialectChoice::Auto) {
            Ok((debtors, problems)) => {
                if problems.has_errors() {
                    exit = exit.max(Exit::Findings);
                }
                diagnostics.extend(problems);
                languages = debtors
                    .iter()
                    .filter_map(|d| d.column("language"))
                    .filter_map(crate::letters::format::Language::from_code)
                    .collect();
                Some((
                    crate::ledger::debtor_columns(&debtors),
                    path.display().to_string(),
                ))
            }
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                exit = Exit::Failure;
                None
            }
        },
    };
    for file in &files {
        match load::read_policy(file) {
            Ok(source) => {
                let dir = file.parent().unwrap_or(Path::new("."));
                let checked = context.check_policy(&source, dir);
                diagnostics.extend(checked.diagnostics);
                if let Some(plan) = &checked.plan {
                    match &columns {
                        Some((columns, name)) => diagnostics
                            .extend(crate::check::columns::unknown_columns(plan, columns, name)),
                        None if args.debtors.is_none() => {
                            diagnostics.extend(crate::check::columns::unchecked_columns(plan))
                        }
                        None => {}
                    }
                    diagnostics.extend(missing_languages(plan, dir, &languages, context));
                }
            }
            Err(diagnostic) => {
                exit = exit.max(Exit::of([&diagnostic]));
                diagnostics.push(diagnostic);
            }
        }
    }
    let findings = diagnostics.has_errors()
        || (args.deny_warnings && diagnostics.count(Severity::Warning) > 0);
    if findings {
        exit = exit.max(Exit::Findings);
    }
    match args.format {
        Format::Json => {
            exit = exit.max(print_stdout(&render::json(&diagnostics)));
        }
        Format::Human => {
            context.report(&diagnostics);
            let files_word = if files.len() == 1 { "file" } else { "files" };
            super::note(format_args!(
                "checked {} {files_word}: {}",
                files.len(),
                render::summary(&diagnostics)
            ));
        }
    }
    exit
}

/// A warning for each template a `send` step uses that has no version in a
/// language the debtors file uses (`templates/lu/de/relance_1.txt`): those
/// debtors would get the default letter.
fn missing_languages(
    plan: &crate::plan::Plan,
    dir: &Path,
    languages: &std::collections::BTreeSet<crate::letters::format::Language>,
    context: &Context,
) -> Vec<crate::diagnostic::Diagnostic> {
    use crate::letters::format::Language;
    let mut found = Vec::new();
    let Some(folder) = &plan.templates else {
        return found;
    };
    let Ok(path) =
        crate::check::templates::resolve(dir, context.templates_root.as_deref(), &folder.value)
    else {
        return found;
    };
    let Ok(scan) = crate::letters::Templates::scan(&path) else {
        return found;
    };
    let mut seen = std::collections::BTreeSet::new();
    for step in &plan.steps {
        let crate::plan::Action::Send {
            template, channels, ..
        } = &step.action
        else {
            continue;
        };
        if scan.templates.forms(template).is_none() {
            continue;
        }
        for &language in languages.iter().filter(|l| **l != Language::Fr) {
            for &channel in channels {
                if scan.templates.falls_back(template, channel, language)
                    && seen.insert((template.clone(), language))
                {
                    found.push(
                        crate::diagnostic::Diagnostic::warning(
                            crate::diagnostic::Code::TemplateLanguage,
                            format!(
                                "no template `{template}` in `{}/`: the debtors whose language is `{}` would get the default letter",
                                language.code(),
                                language.code()
                            ),
                        )
                        .with_label(step.span, format!("sends `{template}`"))
                        .with_help(format!(
                            "add `{}` (see docs/templates.md)",
                            path.join(language.code()).join(format!("{template}.txt")).display()
                        ))
                        .in_source(&plan.source),
                    );
                }
            }
        }
    }
    found
}
