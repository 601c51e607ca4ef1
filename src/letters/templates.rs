//! The policy's templates folder as a minijinja environment: `NAME.html` is
//! a letter, `NAME.txt` an e-mail or SMS text. Every template is compiled
//! when the folder is loaded, so a syntax error stops a run before anything
//! is produced. Which file serves which channel, and the fallbacks when one
//! form is missing, are in `docs/templates.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use minijinja::{Environment, Error, ErrorKind, HtmlEscape, UndefinedBehavior, Value};
use rust_decimal::Decimal;

use super::context::{LetterContext, Money};
use super::format;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use crate::vocab::Channel;

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
pub fn template_name(file: &str) -> Option<(String, bool)> {
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
        let entries = std::fs::read_dir(dir).map_err(|e| crate::load::io_error(dir, &e))?;
        let mut files = Vec::new();
        let mut others = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| crate::load::io_error(dir, &e))?;
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !path.is_file() {
                continue;
            }
            match template_name(name) {
                Some(_) => files.push((name.to_string(), path)),
                None => others.push(name.to_string()),
            }
        }
        files.sort();
        others.sort();
        let mut templates = Templates {
            env: environment(),
            dir: dir.to_path_buf(),
            forms: BTreeMap::new(),
            sources: BTreeMap::new(),
        };
        let mut broken = Vec::new();
        for (file, path) in files {
            let Some((stem, is_html)) = template_name(&file) else {
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
                    broken.push((stem, crate::load::io_error(&path, &e)));
                    continue;
                }
            };
            let source = SourceFile::new(path.display().to_string(), text.clone());
            templates.sources.insert(file.clone(), source);
            if let Err(err) = templates.env.add_template_owned(file.clone(), text) {
                broken.push((stem, templates.diagnostic(&file, &err)));
                continue;
            }
            let forms = templates.forms.entry(stem).or_default();
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

    /// Renders `name` for `channel` (see `docs/templates.md` for which file
    /// serves which channel).
    pub fn render(
        &self,
        name: &str,
        channel: Channel,
        context: &LetterContext,
    ) -> Result<Rendered, Diagnostic> {
        self.check(name, channel)?;
        let forms = self.forms(name).unwrap_or_default();
        let value = context.to_value();
        match channel {
            Channel::Email => {
                if forms.txt {
                    let text = self.render_file(&format!("{name}.txt"), &value)?;
                    let (subject, body) = self.split_subject(&format!("{name}.txt"), &text)?;
                    Ok(Rendered::Email {
                        subject,
                        text: body,
                        html: None,
                    })
                } else {
                    let html = self.render_file(&format!("{name}.html"), &value)?;
                    let subject = html_title(&html).ok_or_else(|| {
                        Diagnostic::error(
                            Code::TemplateError,
                            format!("the e-mail `{name}.html` has no `<title>` to use as its subject"),
                        )
                        .with_help("give the page a `<title>`, or write the e-mail as `NAME.txt` starting with `Objet : …`")
                        .in_path(self.path(&format!("{name}.html")))
                    })?;
                    let text = html_to_text(&html);
                    Ok(Rendered::Email {
                        subject,
                        text,
                        html: Some(html),
                    })
                }
            }
            Channel::Sms => {
                let file = format!("{name}.txt");
                let text = self.render_file(&file, &value)?;
                let body = match self.split_subject(&file, &text) {
                    Ok((_, body)) => body,
                    Err(_) => text,
                };
                Ok(Rendered::Sms {
                    text: body.trim().to_string(),
                })
            }
            Channel::Courrier | Channel::Recommande | Channel::Huissier => {
                if forms.html {
                    let html = self.render_file(&format!("{name}.html"), &value)?;
                    Ok(Rendered::Letter { html })
                } else {
                    let file = format!("{name}.txt");
                    let text = self.render_file(&file, &value)?;
                    let (subject, body) = match self.split_subject(&file, &text) {
                        Ok((subject, body)) => (Some(subject), body),
                        Err(_) => (None, text),
                    };
                    Ok(Rendered::Letter {
                        html: printable_page(context, subject.as_deref(), &body),
                    })
                }
            }
        }
    }

    fn render_file(&self, file: &str, value: &Value) -> Result<String, Diagnostic> {
        let template = self
            .env
            .get_template(file)
            .map_err(|e| self.diagnostic(file, &e))?;
        template
            .render(value.clone())
            .map_err(|e| self.diagnostic(file, &e))
    }

    /// `Objet : …` (or `Subject: …`) on the first line, then the body
    /// without the blank line that follows.
    fn split_subject(&self, file: &str, text: &str) -> Result<(String, String), Diagnostic> {
        let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
        let subject = ["objet :", "objet:", "subject:"]
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
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_debug(true);
    env.add_filter("money", money_filter);
    env.add_filter("date", date_filter);
    env.add_filter("add_days", add_days_filter);
    env
}

/// `{{ total | money }}`, `{{ x | money("CHF") }}`.
fn money_filter(value: Value, currency: Option<String>) -> Result<String, Error> {
    let (amount, own) = match value.downcast_object_ref::<Money>() {
        Some(money) => (money.amount, money.currency.clone()),
        None => (decimal(&value)?, "EUR".to_string()),
    };
    Ok(format::money(amount, currency.as_deref().unwrap_or(&own)))
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

/// `{{ today | date }}` → `23 novembre 2026`.
fn date_filter(value: Value) -> Result<String, Error> {
    Ok(format::date(day(&value, "date")?))
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

/// A readable text version of an HTML page (an e-mail's text alternative),
/// unwrapped: mail clients wrap, and a wrap must not split `11 324,87 €`.
pub(crate) fn html_to_text(html: &str) -> String {
    html2text::config::plain_no_decorate()
        .no_table_borders()
        .string_from_read(html.as_bytes(), 500)
        .unwrap_or_else(|_| html.to_string())
}

/// A text letter (`NAME.txt` sent on paper) as a printable A4 page: sender,
/// recipient, date, subject, then the text, escaped.
fn printable_page(context: &LetterContext, subject: Option<&str>, body: &str) -> String {
    let e = |s: &str| HtmlEscape(s).to_string();
    let mut page = String::new();
    page.push_str("<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
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
    page.push_str(&format!("<p>Le {}</p>\n", format::date(context.today)));
    if let Some(subject) = subject {
        page.push_str(&format!("<p><strong>Objet : {}</strong></p>\n", e(subject)));
    }
    page.push_str(&format!(
        "<div class=\"texte\">{}</div>\n",
        e(body.trim_end())
    ));
    page.push_str("</body>\n</html>\n");
    page
}
