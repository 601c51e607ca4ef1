//! The open documents: each one's text as the editor has it now, and what
//! checking that text found, worked out once per version and only when
//! something asks (a publish, a hover, a completion).

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use lsp_types::Url;

use super::position::{Encoding, LineIndex};
use crate::ast;
use crate::check::{self, Checked};
use crate::diagnostic::Diagnostics;
use crate::load;
use crate::plan::{self, Plan};
use crate::source::SourceFile;
use crate::syntax;

/// One open document.
#[derive(Debug)]
pub(crate) struct Document {
    pub uri: Url,
    pub version: i32,
    pub text: String,
    pub index: LineIndex,
    /// When its diagnostics are due (a change waiting out the debounce).
    pub due: Option<Instant>,
    analysis: OnceCell<Analysis>,
    /// What checks it besides its text: the command line's settings.
    setting: Arc<CheckSetting>,
}

/// The command line's settings a check of a document uses, as `policy
/// check` would (`--templates-root`, `--rates`).
#[derive(Debug, Clone)]
pub struct CheckSetting {
    pub templates_root: Option<PathBuf>,
    pub rates: crate::claim::RateTable,
}

impl Default for CheckSetting {
    fn default() -> Self {
        CheckSetting {
            templates_root: None,
            rates: crate::claim::RateTable::shipped().clone(),
        }
    }
}

impl Document {
    pub fn new(uri: Url, version: i32, text: String, encoding: Encoding) -> Document {
        let index = LineIndex::new(&text, encoding);
        Document {
            uri,
            version,
            text,
            index,
            due: None,
            analysis: OnceCell::new(),
            setting: Arc::new(CheckSetting::default()),
        }
    }

    /// The document checked with these settings.
    pub(crate) fn with_setting(mut self, setting: Arc<CheckSetting>) -> Document {
        self.setting = setting;
        self.analysis = OnceCell::new();
        self
    }

    /// Takes a new text (after `didChange`).
    pub fn replace(&mut self, version: i32, text: String, encoding: Encoding) {
        self.index = LineIndex::new(&text, encoding);
        self.version = version;
        self.text = text;
        self.analysis = OnceCell::new();
    }

    /// Forgets what checking found (the templates folder changed on disk).
    pub(crate) fn refresh(&mut self) {
        self.analysis = OnceCell::new();
    }

    /// What checking the current text finds.
    pub fn analysis(&self) -> &Analysis {
        self.analysis
            .get_or_init(|| Analysis::new(&self.uri, &self.text, &self.setting))
    }
}

/// A document's text checked exactly as `policy check` checks the file.
#[derive(Debug)]
pub struct Analysis {
    pub source: Arc<SourceFile>,
    /// The folder the policy's templates are read from: the document's own.
    pub dir: PathBuf,
    /// `check_source`'s diagnostics (or the one that the text is not text).
    pub diagnostics: Diagnostics,
    /// The syntax tree and the compiled plan, for hover, completion and
    /// navigation: built on first use, since publishing needs neither.
    tree: OnceCell<Tree>,
}

#[derive(Debug)]
pub(crate) struct Tree {
    pub ast: ast::Policy,
    /// The plan, when the policy compiles: a hover explains a step even
    /// when a legal rule fails elsewhere (`check` keeps no plan then).
    pub plan: Option<Plan>,
}

impl Analysis {
    fn new(uri: &Url, text: &str, setting: &CheckSetting) -> Analysis {
        let path = uri.to_file_path().ok();
        let name = path
            .as_ref()
            .map_or_else(|| uri.to_string(), |p| p.display().to_string());
        // Templates are read relative to the policy's folder; a document
        // not on disk has none, so the working folder stands in.
        let dir = path
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        match load::text_source(name.clone(), text.as_bytes().to_vec()) {
            Ok(source) => {
                let Checked { diagnostics, .. } = check::check(
                    &source,
                    &check::Setting {
                        dir: &dir,
                        root: setting.templates_root.as_deref(),
                        rates: &setting.rates,
                    },
                );
                Analysis {
                    source,
                    dir,
                    diagnostics,
                    tree: OnceCell::new(),
                }
            }
            Err(diagnostic) => {
                // The text itself (NUL bytes blanked), for the tree.
                let source = SourceFile::new(name, text.replace('\0', " "));
                Analysis {
                    source,
                    dir,
                    diagnostics: Diagnostics::from(vec![diagnostic]),
                    tree: OnceCell::new(),
                }
            }
        }
    }

    pub fn tree(&self) -> &Tree {
        self.tree.get_or_init(|| {
            let (ast, diagnostics) = syntax::parse(&self.source);
            let (plan, _) = plan::compile(&ast, &self.source, diagnostics.is_empty());
            Tree { ast, plan }
        })
    }

    /// The policy's templates folder, when it has a `templates` header.
    pub(crate) fn templates_dir(&self) -> Option<PathBuf> {
        self.tree().ast.headers().find_map(|h| match &h.kind {
            ast::HeaderKind::Templates(folder) => Some(self.dir.join(&folder.value)),
            _ => None,
        })
    }

    /// The policy's jurisdiction, when it names a known one.
    pub fn jurisdiction(&self) -> Option<crate::vocab::Jurisdiction> {
        self.tree().ast.headers().find_map(|h| match &h.kind {
            ast::HeaderKind::Jurisdiction(name) => {
                crate::vocab::Jurisdiction::from_word(&name.text)
            }
            _ => None,
        })
    }
}

/// Every open document, by URI.
#[derive(Debug, Default)]
pub(crate) struct Documents {
    open: HashMap<Url, Document>,
}

impl Documents {
    pub fn get(&self, uri: &Url) -> Option<&Document> {
        self.open.get(uri)
    }

    pub(crate) fn get_mut(&mut self, uri: &Url) -> Option<&mut Document> {
        self.open.get_mut(uri)
    }

    pub fn insert(&mut self, document: Document) {
        self.open.insert(document.uri.clone(), document);
    }

    pub fn remove(&mut self, uri: &Url) -> Option<Document> {
        self.open.remove(uri)
    }

    /// The earliest time a document's diagnostics are due.
    pub(crate) fn next_due(&self) -> Option<Instant> {
        self.open.values().filter_map(|d| d.due).min()
    }

    /// The documents whose diagnostics are due at `now`, marked as done.
    pub(crate) fn take_due(&mut self, now: Instant) -> Vec<Url> {
        let mut due = Vec::new();
        for document in self.open.values_mut() {
            if document.due.is_some_and(|at| at <= now) {
                document.due = None;
                due.push(document.uri.clone());
            }
        }
        due
    }
}
