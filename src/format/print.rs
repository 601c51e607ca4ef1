//! AST + comments → canonical text. Pure: no checking here (see the parent
//! module for that). The layout rules are listed in `docs/workflow.md`.
//!
//! The grammar has no construct spanning two lines, so the printer walks the
//! file one physical line at a time: each line's items go one per output
//! line, its comment stays on it (trailing) or on a line of its own.

use crate::ast::{
    ActionKind, Allow, ChargeValue, Duration, Expr, Header, HeaderKind, Item, Money, Name,
    NameList, Number, Operand, OperandUnit, Statement, Str, Unit,
};
use crate::ast::{Comment, Policy};
use crate::source::SourceFile;
use crate::vocab;

/// The canonical text of a parsed policy. `source` is the text `policy` was
/// parsed from: numbers and comments are copied from it as written.
pub fn print(policy: &Policy, source: &SourceFile) -> String {
    let mut lines = Lines::default();
    let mut items = policy.items.iter().peekable();
    let mut comments = policy.comments.iter().peekable();
    loop {
        // The next physical line holding an item or a comment.
        let next_item = items.peek().map(|item| line_of(source, item.span().start));
        let next_comment = comments.peek().map(|c| line_of(source, c.span.start));
        let line = match (next_item, next_comment) {
            (Some(i), Some(c)) => i.min(c),
            (Some(i), None) => i,
            (None, Some(c)) => c,
            (None, None) => break,
        };
        let mut on_line = Vec::new();
        while let Some(item) = items.next_if(|item| line_of(source, item.span().start) == line) {
            on_line.push(item);
        }
        let comment = comments.next_if(|c| line_of(source, c.span.start) == line);
        lines.source_line(line, &on_line, comment, source);
    }
    lines.finish()
}

fn line_of(source: &SourceFile, offset: usize) -> usize {
    source.line_col(offset).line
}

/// The output being built, with the blank-line rules.
#[derive(Default)]
struct Lines {
    out: Vec<String>,
    /// The source line of the last text written.
    last_source_line: Option<usize>,
    /// An `allow` was written and its statement not yet: no blank line may
    /// separate them.
    after_allow: bool,
}

impl Lines {
    fn source_line(
        &mut self,
        line: usize,
        items: &[&Item],
        comment: Option<&Comment>,
        source: &SourceFile,
    ) {
        let gap = self.last_source_line.is_some_and(|last| line > last + 1);
        if gap && !self.after_allow {
            // Runs of blank lines collapse to one; none at the start.
            self.out.push(String::new());
        }
        self.last_source_line = Some(line);
        let comment_text = comment.map(|c| source.slice(c.span).trim_end());
        let Some((last, first)) = items.split_last() else {
            if let Some(text) = comment_text {
                self.out.push(text.to_string());
            }
            return;
        };
        for item in first {
            self.item(item, source, None);
        }
        self.item(last, source, comment_text);
    }

    fn item(&mut self, item: &Item, source: &SourceFile, comment: Option<&str>) {
        let mut text = item_text(item, source);
        if let Some(comment) = comment {
            text.push_str("  ");
            text.push_str(comment);
        }
        self.out.push(text);
        self.after_allow = matches!(item, Item::Allow(_));
    }

    fn finish(self) -> String {
        if self.out.is_empty() {
            return String::new();
        }
        let mut text = self.out.join("\n");
        text.push('\n');
        text
    }
}

/// One item, canonically, on one line (without comment).
pub fn item_text(item: &Item, source: &SourceFile) -> String {
    let mut w = Writer {
        out: String::new(),
        source,
    };
    match item {
        Item::Header(header) => w.header(header),
        Item::Allow(allow) => w.allow(allow),
        Item::Statement(statement) => w.statement(statement),
    }
    w.out
}

/// Writes tokens separated by single spaces.
struct Writer<'a> {
    out: String,
    source: &'a SourceFile,
}

impl<'a> Writer<'a> {
    /// The text of a span as written in the source.
    fn written(&self, span: crate::source::Span) -> &'a str {
        self.source.slice(span)
    }

    /// A token, after a space unless at the start or after `(`.
    fn word(&mut self, text: &str) {
        if !self.out.is_empty() && !self.out.ends_with('(') {
            self.out.push(' ');
        }
        self.out.push_str(text);
    }

    fn header(&mut self, header: &Header) {
        self.word(header.kind.keyword());
        match &header.kind {
            HeaderKind::Policy(title) => self.string(title),
            HeaderKind::Jurisdiction(name) => {
                self.closed(name, vocab::Jurisdiction::from_word, |j| j.as_str())
            }
            HeaderKind::Currency(name) => self.currency(name),
            HeaderKind::AppliesTo { kinds, countries } => {
                self.list(kinds, |name| {
                    canonical(name, vocab::DebtorKind::from_word, |k| k.as_str())
                });
                if let Some(countries) = countries {
                    self.word("in");
                    let codes: Vec<String> = countries
                        .names
                        .iter()
                        .map(|c| c.text.to_uppercase())
                        .collect();
                    self.word(&codes.join(", "));
                }
            }
            HeaderKind::Templates(folder) => self.string(folder),
            HeaderKind::Limit { count, window } => {
                self.word(self.written(count.span));
                self.word(if count.value == 1 {
                    "contact"
                } else {
                    "contacts"
                });
                self.word("per");
                self.duration(window);
            }
            HeaderKind::Minimum(money) => self.money(money),
            HeaderKind::Destination { name, kind } => {
                self.word(&name.text);
                self.word("is");
                self.closed(kind, vocab::DestinationKind::from_word, |k| k.as_str());
            }
            HeaderKind::SendOnBusinessDays => {}
            HeaderKind::Sector(name) => self.closed(name, vocab::Sector::from_word, |s| s.as_str()),
            HeaderKind::PaymentsFresh(window) => self.duration(window),
            HeaderKind::Grace { duration, .. } => self.duration(duration),
        }
    }

    fn allow(&mut self, allow: &Allow) {
        self.word("allow");
        self.word(&allow.rule.text);
        self.word("because");
        self.string(&allow.reason);
    }

    fn statement(&mut self, statement: &Statement) {
        if let Some(trigger) = &statement.trigger {
            self.word("on");
            // Event words are read without case, like keywords.
            self.word(&trigger.text.to_lowercase());
        }
        if let Some(timing) = &statement.timing {
            if timing.before.is_some() {
                self.duration(&timing.duration);
            } else {
                self.word("after");
                self.duration(&timing.duration);
            }
            if let Some(anchor) = &timing.anchor {
                self.word(if timing.before.is_some() {
                    "before"
                } else {
                    "from"
                });
                // `due` and `issue` are read without case or accents, like
                // keywords; anything else names a template, as written.
                let folded = crate::suggest::fold(&anchor.text);
                match folded.as_str() {
                    "due" | "issue" => self.word(&folded),
                    _ => self.word(&anchor.text),
                }
            }
        }
        if let Some(condition) = &statement.condition {
            self.word("if");
            self.expr(condition);
        }
        match &statement.action.kind {
            ActionKind::Send {
                template,
                channels,
                recipients,
                statement,
            } => {
                self.word("send");
                self.word(&template.text);
                if let Some(channels) = channels {
                    self.word("by");
                    self.list(channels, |name| {
                        canonical(name, vocab::Channel::from_word, |c| c.as_str())
                    });
                }
                if let Some(recipients) = recipients {
                    self.word("to");
                    self.list(recipients, recipient);
                }
                if statement.is_some() {
                    self.word("with statement");
                }
            }
            ActionKind::Call { recipient: who } => {
                self.word("call");
                if let Some(who) = who {
                    self.word(recipient(who));
                }
            }
            ActionKind::Charge { kind, value } => {
                self.word("charge");
                self.closed(kind, vocab::ChargeKind::from_word, |k| k.as_str());
                match value {
                    ChargeValue::Money(money) => self.money(money),
                    ChargeValue::Rate {
                        number, min, max, ..
                    } => {
                        self.number(number);
                        self.out.push('%');
                        if let Some(min) = min {
                            self.word("min");
                            self.money(min);
                        }
                        if let Some(max) = max {
                            self.word("max");
                            self.money(max);
                        }
                    }
                    ChargeValue::Statutory(_) => self.word("statutory"),
                }
            }
            ActionKind::Route {
                destination,
                procedure,
            } => {
                self.word("route");
                self.word(&destination.text);
                if let Some(procedure) = procedure {
                    self.word("with");
                    self.word(&procedure.text);
                }
            }
            ActionKind::Stop => self.word("stop"),
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Or(parts, _) => self.joined(parts, "or"),
            Expr::And(parts, _) => self.joined(parts, "and"),
            Expr::Not(inner, _) => {
                self.word("not");
                self.expr(inner);
            }
            Expr::Group(inner, _) => {
                self.word("(");
                self.expr(inner);
                self.out.push(')');
            }
            Expr::Compare {
                field, op, value, ..
            } => {
                self.field(field);
                self.word(op.as_str());
                self.operand(value);
            }
            Expr::Text {
                field,
                op,
                value,
                quoted,
                ..
            } => {
                self.field(field);
                self.word(op.as_str());
                if *quoted {
                    self.string(value);
                } else {
                    self.word(&value.value);
                }
            }
            Expr::Flag(name) => self.closed(name, vocab::Flag::from_word, |f| f.as_str()),
        }
    }

    /// `amount` in its canonical case; a debtor column as written, with its
    /// `debtor.` prefix in lower case.
    fn field(&mut self, field: &Name) {
        match field.text.split_once('.') {
            Some((prefix, column)) => self.word(&format!("{}.{column}", prefix.to_lowercase())),
            None => self.closed(field, vocab::Field::from_word, |f| f.as_str()),
        }
    }

    fn joined(&mut self, parts: &[Expr], keyword: &str) {
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                self.word(keyword);
            }
            self.expr(part);
        }
    }

    fn operand(&mut self, operand: &Operand) {
        self.number(&operand.number);
        match &operand.unit {
            None => {}
            Some(OperandUnit::Currency(code)) => self.currency(code),
            Some(OperandUnit::Duration(unit, _)) => {
                let one = self.written(operand.number.span) == "1";
                self.unit(*unit, one);
            }
        }
    }

    fn duration(&mut self, duration: &Duration) {
        self.word(self.written(duration.count.span));
        self.unit(duration.unit, duration.count.value == 1);
    }

    fn unit(&mut self, unit: Unit, one: bool) {
        self.word(unit.word(if one { 1 } else { 2 }));
    }

    fn money(&mut self, money: &Money) {
        self.number(&money.number);
        if let Some(code) = &money.currency {
            self.currency(code);
        }
    }

    /// As written: `15000.50` stays `15000.50`.
    fn number(&mut self, number: &Number) {
        self.word(self.written(number.span));
    }

    fn currency(&mut self, code: &Name) {
        self.word(vocab::currency(&code.text).unwrap_or(&code.text));
    }

    /// A word of a closed set in its canonical spelling, or as written when
    /// it is not one (the checker reports it; the formatter keeps it).
    fn closed<T>(
        &mut self,
        name: &Name,
        from_word: fn(&str) -> Option<T>,
        word: fn(T) -> &'static str,
    ) {
        self.word(canonical(name, from_word, word));
    }

    fn list<'n>(&mut self, list: &'n NameList, spell: impl Fn(&'n Name) -> &'n str) {
        let words: Vec<&str> = list.names.iter().map(spell).collect();
        self.word(&words.join(", "));
    }

    fn string(&mut self, string: &Str) {
        self.word(&quote(&string.value));
    }
}

fn canonical<T>(
    name: &Name,
    from_word: fn(&str) -> Option<T>,
    word: fn(T) -> &'static str,
) -> &str {
    from_word(&name.text).map_or(name.text.as_str(), word)
}

fn recipient(name: &Name) -> &str {
    canonical(name, vocab::Recipient::from_word, |r| r.as_str())
}

/// A string literal: `"` and `\` escaped, nothing else.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}
