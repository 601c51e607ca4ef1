//! The policy's templates folder as a minijinja environment: `NAME.html` is
//! a letter, `NAME.txt` an e-mail or SMS text. Every template is compiled
//! when the folder is loaded, so a syntax error stops a run before anything
//! is produced. Which file serves which channel, and the fallbacks when one
//! form is missing, are in `docs/templates.md`. A render is bounded: the
//! engine's fuel and a maximum size per document ([`FUEL`], [`MAX_OUTPUT`])
//! stop a template that would run for minutes or fill the disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use minijinja::{Environment, Error, ErrorKind, HtmlEscape, UndefinedBehavior, Value};
use rust_decimal::Decimal;

use super::context::{LetterContext, Money};
use super::format::{self, Language};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use crate::vocab::Channel;

/// The work one render may do, in minijinja's fuel (about one unit per
/// instruction, and one per 64 bytes of data made): a letter takes a few
/// thousand; listing 10,000 invoices inline about half a million.
pub(crate) const FUEL: u64 = 2_000_000;

/// The largest document a template may produce, in bytes.
pub(crate) const MAX_OUTPUT: usize = 8 * 1024 * 1024;

/// The names of a template's context (docs/templates.md), for the help of a
/// misspelt one.
pub const CONTEXT_NAMES: &[&str] = &[
    "creditor",
    "recipient",
    "debtor",
    "to_guarantor",
    "channel",
    "invoices",
    "statement",
    "total",
    "indemnity",
    "interest",
    "claimed",
    "indemnity_if_unpaid",
    "guarantee_limit",
    "today",
    "received",
    "deadline",
    "currency",
    "language",
    "reference",
    "payment",
];

/// The forms a template exists in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forms {
    pub html: bool,
    pub txt: bool,
}

/// What one communication renders to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// A printable HTML page (paper channels).
    Letter { html: String },
    /// An e-mail: a subject, a text body, and an HTML body when the template
    /// is HTML.
    Email {
        subject: String,
        text: String,
        html: Option<String>,
    },
    /// An SMS text.
    Sms { text: String },
}

/// A loaded templates folder.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    dir: PathBuf,
    forms: BTreeMap<String, Forms>,
    /// The templates of the language subfolders (`de/relance_1.txt`).
    languages: BTreeMap<(Language, String), Forms>,
    sources: BTreeMap<String, Arc<SourceFile>>,
}

/// A templates folder as one scan found it: the templates that compile,
/// and the problem of each file that does not. What `policy run` loads and
/// what `policy check` and `policy watch` check are this one scan.
#[derive(Debug)]
pub struct Scan {
    pub templates: Templates,
    /// Each broken template (by name, without extension) and its problem.
    pub broken: Vec<(String, Diagnostic)>,
    /// The folder's other files (`relance_2.md`): not templates, named
    /// when a `send` looks for one of them.
    pub others: Vec<String>,
}

impl Scan {
    /// Whether a template `name` exists, compiling or not.
    pub fn has(&self, name: &str) -> bool {
        self.templates.forms(name).is_some() || self.broken.iter().any(|(n, _)| n == name)
    }

    /// Every template name, compiling or not.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.templates
            .names()
            .chain(self.broken.iter().map(|(n, _)| n.as_str()))
    }

    /// The problems of template `name` (none when it compiles).
    pub fn problems(&self, name: &str) -> impl Iterator<Item = &Diagnostic> {
        self.broken
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, d)| d)
    }
}

/// A template's name: its file name without `.html` or `.txt`, in Unicode
/// NFC (a name typed on macOS and one in a policy compare equal). Other
/// files are not templates.
pub(crate) fn template_name(file: &str) -> Option<(String, bool)> {
    use unicode_normalization::UnicodeNormalization;
    let (stem, is_html) = match file.strip_suffix(".html") {
        Some(stem) => (stem, true),
        None => (file.strip_suffix(".txt")?, false),
    };
    (!stem.is_empty()).then(|| (stem.nfc().collect(), is_html))
}

impl Templates {
    /// Loads and compiles every `*.html` and `*.txt` file of `dir`. Every
    /// broken template is reported, not just the first.
    pub fn load(dir: &Path) -> Result<Templates, Vec<Diagnostic>> {
        let scan = Templates::scan(dir).map_err(|d| vec![d])?;
        if scan.broken.is_empty() {
            Ok(scan.templates)
        } else {
            Err(scan.broken.into_iter().map(|(_, d)| d).collect())
        }
    }

    /// Reads and compiles every template of `dir`, keeping those that
    /// compile. `Err`: the folder cannot be read.
    pub fn scan(dir: &Path) -> Result<Scan, Diagnostic> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| crate::load::io_error(crate::load::Op::List, dir, &e))?;
        let mut files = Vec::new();
        let mut others = Vec::new();
        let mut subfolders = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| crate::load::io_error(crate::load::Op::List, dir, &e))?;
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if path.is_dir() {
                if let Some(language) = Language::from_code(name).filter(|l| l.code() == name) {
                    subfolders.push((language, path.clone()));
                }
                continue;
            }
            if !path.is_file() {
                continue;
            }
            match template_name(name) {
                Some(_) => files.push((name.to_string(), path)),
                None => others.push(name.to_string()),
            }
        }
        // A language's templates: `de/relance_1.txt`, named with the folder.
        let mut in_languages = Vec::new();
        for (language, folder) in subfolders {
            let entries = std::fs::read_dir(&folder)
                .map_err(|e| crate::load::io_error(crate::load::Op::List, &folder, &e))?;
            for entry in entries {
                let entry =
                    entry.map_err(|e| crate::load::io_error(crate::load::Op::List, &folder, &e))?;
                let path = entry.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if path.is_file() && template_name(name).is_some() {
                    in_languages.push((language, format!("{}/{name}", language.code()), path));
                }
            }
        }
        in_languages.sort();
        files.sort();
        others.sort();
        let mut templates = Templates {
            env: environment(),
            dir: dir.to_path_buf(),
            forms: BTreeMap::new(),
            languages: BTreeMap::new(),
            sources: BTreeMap::new(),
        };
        let files: Vec<(Option<Language>, String, PathBuf)> = files
            .into_iter()
            .map(|(file, path)| (None, file, path))
            .chain(
                in_languages
                    .into_iter()
                    .map(|(l, file, path)| (Some(l), file, path)),
            )
            .collect();
        let mut broken = Vec::new();
        for (language, file, path) in files {
            let Some((stem, is_html)) = template_name(file.rsplit('/').next().unwrap_or(&file))
            else {
                continue;
            };
            let text = match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(_) => {
                        broken.push((
                            stem,
                            Diagnostic::error(
                                Code::TemplateError,
                                format!("template `{file}` is not UTF-8"),
                            )
                            .with_help("save the template as UTF-8")
                            .in_path(path.display().to_string()),
                        ));
                        continue;
                    }
                },
                Err(e) => {
                    broken.push((
                        stem,
                        crate::load::io_error(crate::load::Op::Read, &path, &e),
                    ));
                    continue;
                }
            };
            let source = SourceFile::new(path.display().to_string(), text.clone());
            templates.sources.insert(file.clone(), source);
            if let Err(err) = templates.env.add_template_owned(file.clone(), text) {
                broken.push((stem, templates.diagnostic(&file, &err)));
                continue;
            }
            let forms = match language {
                None => templates.forms.entry(stem).or_default(),
                Some(language) => templates.languages.entry((language, stem)).or_default(),
            };
            if is_html {
                forms.html = true;
            } else {
                forms.txt = true;
            }
        }
        Ok(Scan {
            templates,
            broken,
            others,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The template names (file names without extension).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.forms.keys().map(String::as_str)
    }

    pub fn forms(&self, name: &str) -> Option<Forms> {
        self.forms.get(name).copied()
    }

    /// Whether `name` can be rendered for `channel`, without rendering it:
    /// what a run checks for every planned action before producing any.
    pub fn check(&self, name: &str, channel: Channel) -> Result<(), Diagnostic> {
        let forms = self.forms(name).unwrap_or_default();
        let usable = match channel {
            Channel::Sms => forms.txt,
            _ => forms.txt || forms.html,
        };
        if usable {
            Ok(())
        } else {
            Err(self.missing(name, channel))
        }
    }

    /// The file that serves `channel` for template `name` (docs/templates.md):
    /// e-mail prefers `NAME.txt`, paper `NAME.html`, SMS takes `NAME.txt`.
    /// The file serving `channel` for `name`, and its text as diagnostics
    /// point into it.
    pub(crate) fn serving_source(
        &self,
        name: &str,
        channel: Channel,
    ) -> Option<(String, Arc<SourceFile>)> {
        let (file, _) = self.serving(name, channel);
        let source = Arc::clone(self.sources.get(&file)?);
        Some((file, source))
    }

    fn serving(&self, name: &str, channel: Channel) -> (String, bool) {
        self.serving_in(name, channel, None)
    }

    /// Whether the `language` folder has template `name` for `channel`.
    pub(crate) fn has_language(&self, name: &str, channel: Channel, language: Language) -> bool {
        self.languages
            .get(&(language, name.to_string()))
            .is_some_and(|forms| usable(*forms, channel))
    }

    /// Whether a letter of `name` for `channel` in `language` falls back on
    /// the default template (the folder's own, in French): the language
    /// has no folder with it.
    pub(crate) fn falls_back(&self, name: &str, channel: Channel, language: Language) -> bool {
        language != Language::Fr && !self.has_language(name, channel, language)
    }

    /// The file that serves `channel` for `name` in `language` (its folder's
    /// when it has the template, else the default).
    fn serving_in(
        &self,
        name: &str,
        channel: Channel,
        language: Option<Language>,
    ) -> (String, bool) {
        if let Some(language) = language.filter(|l| self.has_language(name, channel, *l)) {
            let forms = self
                .languages
                .get(&(language, name.to_string()))
                .copied()
                .unwrap_or_default();
            let (file, html) = pick(name, channel, forms);
            return (format!("{}/{file}", language.code()), html);
        }
        pick(name, channel, self.forms(name).unwrap_or_default())
    }
}

/// Whether `forms` can serve `channel`.
fn usable(forms: Forms, channel: Channel) -> bool {
    match channel {
        Channel::Sms => forms.txt,
        _ => forms.txt || forms.html,
    }
}

/// The file of `forms` that serves `channel`.
fn pick(name: &str, channel: Channel, forms: Forms) -> (String, bool) {
    let html = match channel {
        Channel::Email => !forms.txt,
        Channel::Sms => false,
        Channel::Courrier | Channel::Recommande | Channel::Huissier => forms.html,
    };
    let extension = if html { "html" } else { "txt" };
    (format!("{name}.{extension}"), html)
}

impl Templates {
    /// The file serving `channel` for `name` when it lists the invoices
    /// without a word of `statement`: a letter over many invoices then lists
    /// them all in its text as well as in the statement.
    pub(crate) fn ignores_statement(&self, name: &str, channel: Channel) -> Option<String> {
        let (file, _) = self.serving(name, channel);
        let template = self.env.get_template(&file).ok()?;
        let names = template.undeclared_variables(false);
        (names.contains("invoices") && !names.contains("statement")).then_some(file)
    }

    /// Renders `name` for `channel` (see `docs/templates.md` for which file
    /// serves which channel).
    pub fn render(
        &self,
        name: &str,
        channel: Channel,
        context: &LetterContext,
    ) -> Result<Rendered, Diagnostic> {
        self.check(name, channel)?;
        let (file, html) = self.serving_in(name, channel, Some(context.language));
        let value = context.to_value();
        let rendered = self.render_file(&file, &value, context)?;
        Ok(match (channel, html) {
            (Channel::Email, false) => {
                let (subject, text) = self.split_subject(&file, &rendered)?;
                Rendered::Email {
                    subject,
                    text,
                    html: None,
                }
            }
            (Channel::Email, true) => {
                let subject = html_title(&rendered).ok_or_else(|| {
                    Diagnostic::error(
                        Code::TemplateError,
                        format!("the e-mail `{file}` has no `<title>` to use as its subject"),
                    )
                    .with_help("give the page a `<title>`, or write the e-mail as `NAME.txt` starting with `Objet : …`")
                    .in_path(self.path(&file))
                })?;
                Rendered::Email {
                    subject,
                    text: html_to_text(&rendered),
                    html: Some(rendered),
                }
            }
            (Channel::Sms, _) => {
                let body = match self.split_subject(&file, &rendered) {
                    Ok((_, body)) => body,
                    Err(_) => rendered,
                };
                Rendered::Sms {
                    text: body.trim().to_string(),
                }
            }
            (_, true) => Rendered::Letter { html: rendered },
            (_, false) => {
                let (subject, body) = match self.split_subject(&file, &rendered) {
                    Ok((subject, body)) => (Some(subject), body),
                    Err(_) => (None, rendered),
                };
                Rendered::Letter {
                    html: printable_page(context, subject.as_deref(), &body),
                }
            }
        })
    }

    fn render_file(
        &self,
        file: &str,
        value: &Value,
        context: &LetterContext,
    ) -> Result<String, Diagnostic> {
        let template = self
            .env
            .get_template(file)
            .map_err(|e| self.diagnostic(file, &e))?;
        let mut out = Bounded::default();
        match template.render_captured_to(value.clone(), &mut out) {
            Ok(_) => Ok(String::from_utf8(out.bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
            Err(e) if out.over || e.kind() == ErrorKind::OutOfFuel => {
                Err(self.limit(file, &e, out.over))
            }
            Err(e) => {
                let mut d = self.diagnostic(file, &e);
                if e.kind() == ErrorKind::UndefinedError {
                    if let Some(why) = self.undefined(&e, context) {
                        d.message = format!("{} ({why})", d.message);
                    }
                }
                Err(d)
            }
        }
    }

    /// A template stopped by [`FUEL`] or [`MAX_OUTPUT`].
    fn limit(&self, file: &str, err: &Error, too_large: bool) -> Diagnostic {
        let message = if too_large {
            format!(
                "template `{file}` produces a document larger than {} MiB: it was stopped",
                MAX_OUTPUT / (1024 * 1024)
            )
        } else {
            format!(
                "template `{file}` does too much work (past {FUEL} steps of the template engine): it was stopped"
            )
        };
        let d = Diagnostic::error(Code::TemplateLimit, message).with_help(
            "a loop over a huge range, or a text built by doubling, never ends in a letter; \
             a letter over many invoices lists them through `statement` (see docs/templates.md)",
        );
        match self.sources.get(err.name().unwrap_or(file)) {
            Some(source) => {
                let span = match (err.range(), err.line()) {
                    (Some(range), _) => Span::new(range.start, range.end),
                    (None, Some(line)) => line_span(source.text(), line),
                    (None, None) => Span::new(0, 0),
                };
                d.with_label(span, "stopped here").in_source(source)
            }
            None => d.in_path(self.path(file)),
        }
    }

    /// Why a value a template uses is undefined, in the terms of the files
    /// it comes from: `invoice.chantier` when the ledger has no such column,
    /// a near name for a misspelt one.
    fn undefined(&self, err: &Error, context: &LetterContext) -> Option<String> {
        // minijinja says "`invoice.chantier` is undefined".
        let detail = err.detail()?;
        let expression = detail.split('`').nth(1)?;
        let Some((root, rest)) = expression.split_once('.') else {
            return crate::suggest::did_you_mean(expression, CONTEXT_NAMES.iter().copied());
        };
        let name = rest
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .filter(|n| !n.is_empty())?;
        match root {
            "debtor" => Some(format!(
                "debtor {} has no `{name}`: the debtors file has no such column",
                context.debtor.id
            )),
            "creditor" => Some(format!(
                "the firm's details have no `{name}` (keys: name, address, email, phone, company_id, iban)"
            )),
            "recipient" => Some(format!(
                "a recipient has `name`, `address` and `email`, not `{name}`"
            )),
            _ if CONTEXT_NAMES.contains(&root) => None,
            // A loop variable: the invoices are the context's only list.
            _ => {
                let invoice = context.invoices.first()?;
                let columns: Vec<&str> = invoice.extra.keys().map(String::as_str).collect();
                let known = if columns.is_empty() {
                    "it has no other column".to_string()
                } else {
                    format!("its other columns: {}", columns.join(", "))
                };
                Some(format!(
                    "invoice {} of debtor {} has no `{name}`: the ledger has no such column; {known}",
                    invoice.number, context.debtor.id
                ))
            }
        }
    }

    /// `Objet : …` (or `Subject: …`) on the first line, then the body
    /// without the blank line that follows.
    fn split_subject(&self, file: &str, text: &str) -> Result<(String, String), Diagnostic> {
        let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
        // The subject line's marker in each language of the letters.
        let subject = [
            "objet :",
            "objet:",
            "subject:",
            "betreft :",
            "betreft:",
            "betreff :",
            "betreff:",
        ]
        .iter()
        .find_map(|prefix| {
            let head = first.get(..prefix.len())?;
            head.eq_ignore_ascii_case(prefix)
                .then(|| first[prefix.len()..].trim().to_string())
        })
        .filter(|s| !s.is_empty());
        let Some(subject) = subject else {
            let source = self.sources.get(file);
            let mut d = Diagnostic::error(
                Code::TemplateError,
                format!("the e-mail template `{file}` does not start with its subject"),
            )
            .with_help("write the subject on the first line as `Objet : …`, then a blank line, then the text");
            d = match source {
                Some(source) => {
                    let end = source.text().find('\n').unwrap_or(source.text().len());
                    d.with_label(Span::new(0, end), "expected `Objet : …` here")
                        .in_source(source)
                }
                None => d.in_path(self.path(file)),
            };
            return Err(d);
        };
        let body = rest
            .strip_prefix("\r\n")
            .or_else(|| rest.strip_prefix('\n'));
        Ok((subject, body.unwrap_or(rest).to_string()))
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    fn missing(&self, name: &str, channel: Channel) -> Diagnostic {
        let wanted = match channel {
            Channel::Sms => format!("`{name}.txt`"),
            Channel::Email => format!("`{name}.txt` (or `{name}.html`)"),
            _ => format!("`{name}.html` (or `{name}.txt`)"),
        };
        Diagnostic::error(
            Code::TemplateMissing,
            format!(
                "no template {wanted} for `{channel}` in `{}`",
                self.dir.display()
            ),
        )
        .with_help(format!(
            "create {wanted}; see docs/templates.md for what each channel uses"
        ))
        .in_path(self.dir.display().to_string())
    }

    /// A minijinja error as a diagnostic at the template's line and column.
    fn diagnostic(&self, file: &str, err: &Error) -> Diagnostic {
        let detail = err
            .detail()
            .map_or_else(|| err.kind().to_string(), str::to_string);
        let in_file = err.name().unwrap_or(file).to_string();
        let mut d = Diagnostic::error(
            Code::TemplateError,
            format!("template `{in_file}`: {detail}"),
        )
        .with_help(match err.kind() {
            ErrorKind::UndefinedError => {
                "this value is not in the context; see docs/templates.md for the names a template can use"
            }
            ErrorKind::SyntaxError => {
                "fix the template syntax (minijinja, like Jinja2: `{{ value }}`, `{% if … %}…{% endif %}`)"
            }
            _ => "see docs/templates.md for the context and filters a template can use",
        });
        match self.sources.get(&in_file) {
            Some(source) => {
                let span = match (err.range(), err.line()) {
                    (Some(range), _) => Span::new(range.start, range.end),
                    (None, Some(line)) => line_span(source.text(), line),
                    (None, None) => Span::new(0, 0),
                };
                d = d.with_label(span, err.kind().to_string()).in_source(source);
            }
            None => d = d.in_path(self.path(&in_file)),
        }
        d
    }
}

fn line_span(text: &str, line: usize) -> Span {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Span::new(start, end)
}

/// The environment every folder shares: strict about names (a misspelt
/// `{{ recipent.name }}` fails instead of printing nothing), lenient in
/// `{% if %}` tests, HTML escaping for `.html` files, and the French filters.
pub(super) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_debug(true);
    env.set_fuel(Some(FUEL));
    env.add_filter("money", money_filter);
    env.add_filter("date", date_filter);
    env.add_filter("add_days", add_days_filter);
    env.set_formatter(|out, state, value| {
        // `payment.qr` is markup the letter draws, not text to escape.
        match value.downcast_object_ref::<super::context::QrCode>() {
            Some(qr) => out.write_str(qr.svg()).map_err(Error::from),
            None => minijinja::escape_formatter(out, state, value),
        }
    });
    env
}

/// The letter's language, from the template's `language` value.
fn state_language(state: &minijinja::State<'_, '_>) -> Language {
    state
        .lookup("language")
        .and_then(|v| v.as_str().and_then(Language::from_code))
        .unwrap_or_default()
}

/// `{{ total | money }}`, `{{ x | money("CHF") }}`, in the letter's language.
fn money_filter(
    state: &minijinja::State<'_, '_>,
    value: Value,
    currency: Option<String>,
) -> Result<String, Error> {
    let (amount, own) = match value.downcast_object_ref::<Money>() {
        Some(money) => (money.amount, money.currency.clone()),
        None => (decimal(&value)?, "EUR".to_string()),
    };
    Ok(format::money_in(
        amount,
        currency.as_deref().unwrap_or(&own),
        state_language(state),
    ))
}

fn decimal(value: &Value) -> Result<Decimal, Error> {
    if let Some(text) = value.as_str() {
        return text.trim().parse().map_err(|_| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("`money` needs an amount, not `{text}`"),
            )
        });
    }
    if let Some(n) = value.as_i64() {
        return Ok(Decimal::from(n));
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!("`money` needs an amount, not {}", value.kind()),
    ))
}

fn day(value: &Value, filter: &str) -> Result<NaiveDate, Error> {
    value.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`{filter}` needs a date (YYYY-MM-DD), not `{value}`"),
        )
    })
}

/// `{{ today | date }}` → `23 novembre 2026` (`23. November 2026` in a
/// German letter).
fn date_filter(state: &minijinja::State<'_, '_>, value: Value) -> Result<String, Error> {
    Ok(format::date_in(day(&value, "date")?, state_language(state)))
}

/// `{{ today | add_days(15) | date }}`.
fn add_days_filter(value: Value, days: i64) -> Result<String, Error> {
    let start = day(&value, "add_days")?;
    Duration::try_days(days)
        .and_then(|d| start.checked_add_signed(d))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "date out of range"))
}

/// The text of the first `<title>`, for an HTML e-mail's subject.
fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = html_to_text(&html[start..end]);
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

/// A render's output, refused past [`MAX_OUTPUT`] bytes.
#[derive(Default)]
struct Bounded {
    bytes: Vec<u8>,
    over: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT {
            self.over = true;
            return Err(std::io::Error::other("document too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A readable text version of an HTML page (an e-mail's text alternative),
/// unwrapped: mail clients wrap, and a wrap must not split `11 324,87 €`.
/// The page's own CSS is applied, so that an address shown on several lines
/// with `white-space: pre-line` keeps its lines in the text too.
pub(crate) fn html_to_text(html: &str) -> String {
    let html = pre_line_as_pre_wrap(html);
    html2text::config::plain_no_decorate()
        .no_table_borders()
        .use_doc_css()
        .string_from_read(html.as_bytes(), 500)
        .unwrap_or_else(|_| html.to_string())
}

/// html2text knows `white-space: pre` and `pre-wrap` but not `pre-line`
/// (lines kept, spaces collapsed), which letters use for addresses; for a
/// text rendering `pre-wrap` is the nearest.
fn pre_line_as_pre_wrap(html: &str) -> std::borrow::Cow<'_, str> {
    if !html.contains("pre-line") {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("pre-line") {
        let before = rest[..at].trim_end();
        let declared = before
            .strip_suffix(':')
            .is_some_and(|b| b.trim_end().to_ascii_lowercase().ends_with("white-space"));
        out.push_str(&rest[..at]);
        out.push_str(if declared { "pre-wrap" } else { "pre-line" });
        rest = &rest[at + "pre-line".len()..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A text letter (`NAME.txt` sent on paper) as a printable A4 page: sender,
/// recipient, date, subject, then the text, escaped.
fn printable_page(context: &LetterContext, subject: Option<&str>, body: &str) -> String {
    let e = |s: &str| HtmlEscape(s).to_string();
    let words = context.language.words();
    let mut page = String::new();
    page.push_str(&format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
        context.language.code()
    ));
    page.push_str(&format!(
        "<title>{}</title>\n",
        e(subject.unwrap_or(&context.recipient.name))
    ));
    page.push_str(
        "<style>\n  @page { size: A4; margin: 2.5cm 2cm; }\n  \
         body { font-family: \"Times New Roman\", serif; font-size: 11.5pt; line-height: 1.45; }\n  \
         .expediteur, .destinataire, .texte { white-space: pre-line; }\n  \
         .destinataire { margin: 1.5cm 0 1cm 9cm; }\n</style>\n</head>\n<body>\n",
    );
    let firm = &context.creditor;
    page.push_str(&format!(
        "<div class=\"expediteur\"><strong>{}</strong>\n{}</div>\n",
        e(&firm.name),
        e(&firm.address)
    ));
    page.push_str(&format!(
        "<div class=\"destinataire\">{}\n{}</div>\n",
        e(&context.recipient.name),
        e(&context.recipient.address)
    ));
    page.push_str(&format!(
        "<p>{}{}</p>\n",
        words.date_prefix,
        format::date_in(context.today, context.language)
    ));
    if let Some(subject) = subject {
        page.push_str(&format!(
            "<p><strong>{}{}</strong></p>\n",
            words.subject,
            e(subject)
        ));
    }
    page.push_str(&format!(
        "<div class=\"texte\">{}</div>\n",
        e(body.trim_end())
    ));
    // The transfer slip: the QR code a banking app scans, and the
    // reference it carries.
    if let Some(payment) = &context.payment {
        if let Some(svg) = payment.qr.as_deref().and_then(super::payment::svg) {
            page.push_str(&format!(
                "<div class=\"virement\" style=\"margin-top: 1cm; display: flex; gap: 0.6cm; align-items: center\">{svg}\
                 <p>{}<br>{} : <strong>{}</strong><br>IBAN : {}</p></div>\n",
                e(words.scan),
                e(words.reference),
                e(&payment.reference.to_string()),
                e(&context.creditor.iban)
            ));
        }
    }
    page.push_str("</body>\n</html>\n");
    page
}
