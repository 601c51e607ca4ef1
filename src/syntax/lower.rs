//! pest pairs → AST, one function per grammar rule. A tree of an unexpected
//! shape (a grammar change not followed here) becomes an internal-error
//! diagnostic, never a panic.

use std::str::FromStr;
use std::sync::Arc;

use pest::iterators::{Pair, Pairs};
use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use super::Rule;
use crate::ast::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{SourceFile, Span};
use crate::suggest;

/// Words that may start a line, for "did you mean" on an unknown one.
pub(super) const LINE_STARTS: &[&str] = &[
    "on",
    "after",
    "if",
    "send",
    "call",
    "charge",
    "route",
    "stop",
    "allow",
    "policy",
    "jurisdiction",
    "currency",
    "applies",
    "templates",
    "limit",
    "minimum",
    "destination",
    "sector",
    "payments",
    "promise",
    "instalment",
];

/// A tree shape the lowering did not expect: a bug, reported as such.
struct Internal(String);

type Lowered<T> = Result<T, Internal>;

struct Lower<'a> {
    base: usize,
    source: &'a Arc<SourceFile>,
    diagnostics: &'a mut Diagnostics,
}

pub(super) fn line(
    mut pairs: Pairs<'_, Rule>,
    base: usize,
    source: &Arc<SourceFile>,
    policy: &mut Policy,
    diagnostics: &mut Diagnostics,
) {
    let mut lower = Lower {
        base,
        source,
        diagnostics,
    };
    let Some(line) = pairs.next() else { return };
    let line_span = lower.span(&line);
    for pair in line.into_inner() {
        match lower.item(pair, policy) {
            Ok(()) => {}
            Err(Internal(what)) => {
                lower.diagnostics.push(
                    Diagnostic::error(
                        Code::Syntax,
                        format!("internal error: unexpected parse tree ({what})"),
                    )
                    .with_label(line_span, "while reading this line")
                    .with_help("this is a bug in `policy`; please report it with this line")
                    .in_source(source),
                );
                return;
            }
        }
    }
}

impl Lower<'_> {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn item(&mut self, pair: Pair<'_, Rule>, policy: &mut Policy) -> Lowered<()> {
        match pair.as_rule() {
            Rule::statement => policy.items.push(Item::Statement(self.statement(pair)?)),
            Rule::allow => policy.items.push(Item::Allow(self.allow(pair)?)),
            Rule::unknown => self.unknown(pair)?,
            Rule::comment => policy.comments.push(Comment {
                text: pair.as_str().trim_start_matches('#').trim_end().to_string(),
                span: self.span(&pair),
            }),
            Rule::semi | Rule::EOI => {}
            _ => policy.items.push(Item::Header(self.header(pair)?)),
        }
        Ok(())
    }

    fn unknown(&mut self, pair: Pair<'_, Rule>) -> Lowered<()> {
        let mut inner = Inner::new(pair);
        let word = inner.presume(Rule::ident)?;
        let text = word.as_str();
        let mut diagnostic = Diagnostic::error(
            Code::UnknownKeyword,
            format!("unknown keyword `{}`", suggest::short(text)),
        )
        .with_label(self.span(&word), "not a statement or a header");
        diagnostic = match suggest::did_you_mean(text, LINE_STARTS.iter().copied()) {
            Some(hint) => diagnostic.with_help(hint),
            None => diagnostic.with_help(
                "a statement starts with `after`, `if` or an action (`send`, `call`, `charge`, `route`, `stop`); \
                 a header is one of `policy`, `jurisdiction`, `currency`, `applies to`, `templates`, \
                 `limit`, `minimum`, `destination`, `sector`, `payments fresh within`",
            ),
        };
        self.diagnostics.push(diagnostic.in_source(self.source));
        Ok(())
    }

    // ------------------------------------------------------------ headers

    fn header(&mut self, pair: Pair<'_, Rule>) -> Lowered<Header> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = Inner::new(pair);
        let first = inner.any()?;
        let keyword = self.span(&first);
        let first_word = first.as_str().to_lowercase();
        let kind = match rule {
            Rule::policy_header => HeaderKind::Policy(self.string(inner.presume(Rule::title)?)?),
            Rule::jurisdiction_header => {
                HeaderKind::Jurisdiction(self.name(inner.presume(Rule::jurisdiction_code)?))
            }
            Rule::currency_header => {
                HeaderKind::Currency(self.name(inner.presume(Rule::currency_name)?))
            }
            Rule::applies_header => {
                inner.presume(Rule::kw_to)?;
                let rest: Vec<Pair<'_, Rule>> = inner.rest().collect();
                let kinds = self.names_of(&rest, Rule::debtor_kind)?;
                let countries = if rest.iter().any(|p| p.as_rule() == Rule::kw_in) {
                    Some(self.names_of(&rest, Rule::country_code)?)
                } else {
                    None
                };
                HeaderKind::AppliesTo { kinds, countries }
            }
            Rule::templates_header => {
                HeaderKind::Templates(self.string(inner.presume(Rule::folder)?)?)
            }
            Rule::limit_header => {
                let count = self.integer(inner.presume(Rule::integer)?);
                inner.presume(Rule::kw_contacts)?;
                inner.presume(Rule::kw_per)?;
                let window = self.duration(inner.presume(Rule::duration)?)?;
                HeaderKind::Limit { count, window }
            }
            Rule::minimum_header => HeaderKind::Minimum(self.money(inner.presume(Rule::money)?)?),
            Rule::destination_header => {
                let name = self.name(inner.presume(Rule::destination)?);
                inner.presume(Rule::kw_is)?;
                let kind = self.name(inner.presume(Rule::destination_kind)?);
                HeaderKind::Destination { name, kind }
            }
            Rule::send_days_header => HeaderKind::SendOnBusinessDays,
            Rule::sector_header => HeaderKind::Sector(self.name(inner.presume(Rule::sector_name)?)),
            Rule::fresh_header => {
                inner.presume(Rule::kw_fresh)?;
                inner.presume(Rule::kw_within)?;
                HeaderKind::PaymentsFresh(self.duration(inner.presume(Rule::duration)?)?)
            }
            Rule::grace_header => {
                // The keyword read above is `promise` or `instalment`.
                let of = Name {
                    text: first_word,
                    span: keyword,
                };
                inner.presume(Rule::kw_grace)?;
                let duration = self.duration(inner.presume(Rule::duration)?)?;
                HeaderKind::Grace { of, duration }
            }
            other => return Err(Internal(format!("{other:?} as an item"))),
        };
        Ok(Header {
            kind,
            keyword,
            span,
        })
    }

    fn allow(&mut self, pair: Pair<'_, Rule>) -> Lowered<Allow> {
        let span = self.span(&pair);
        let mut inner = Inner::new(pair);
        inner.presume(Rule::kw_allow)?;
        let rule = self.name(inner.presume(Rule::rule_ref)?);
        inner.presume(Rule::kw_because)?;
        let reason = self.string(inner.presume(Rule::reason)?)?;
        Ok(Allow { rule, reason, span })
    }

    // ------------------------------------------------------------ statements

    fn statement(&mut self, pair: Pair<'_, Rule>) -> Lowered<Statement> {
        let span = self.span(&pair);
        let mut inner = Inner::new(pair);
        let trigger = match inner.optional(Rule::trigger) {
            Some(pair) => {
                let mut trigger = Inner::new(pair);
                trigger.presume(Rule::kw_on)?;
                Some(self.name(trigger.presume(Rule::event_name)?))
            }
            None => None,
        };
        let timing = match inner.optional(Rule::timing) {
            Some(pair) => Some(self.timing(pair)?),
            None => None,
        };
        let condition = match inner.optional(Rule::condition) {
            Some(pair) => {
                let mut condition = Inner::new(pair);
                condition.presume(Rule::kw_if)?;
                Some(self.expr(condition.presume(Rule::expr)?)?)
            }
            None => None,
        };
        let action = self.action(inner.any()?)?;
        Ok(Statement {
            trigger,
            timing,
            condition,
            action,
            span,
        })
    }

    fn timing(&mut self, pair: Pair<'_, Rule>) -> Lowered<Timing> {
        let span = self.span(&pair);
        let mut inner = Inner::new(pair);
        if inner.optional(Rule::kw_after).is_none() {
            // `5 days before due`
            let duration = self.duration(inner.presume(Rule::duration)?)?;
            let before = self.span(&inner.presume(Rule::kw_before)?);
            let anchor = self.name(inner.presume(Rule::anchor_name)?);
            return Ok(Timing {
                duration,
                anchor: Some(anchor),
                before: Some(before),
                span,
            });
        }
        let duration = self.duration(inner.presume(Rule::duration)?)?;
        let anchor = match inner.optional(Rule::anchor) {
            Some(anchor) => {
                let mut anchor = Inner::new(anchor);
                anchor.presume(Rule::kw_from)?;
                Some(self.name(anchor.presume(Rule::anchor_name)?))
            }
            None => None,
        };
        Ok(Timing {
            duration,
            anchor,
            before: None,
            span,
        })
    }

    fn duration(&mut self, pair: Pair<'_, Rule>) -> Lowered<Duration> {
        let span = self.span(&pair);
        let mut inner = Inner::new(pair);
        let count = self.integer(inner.presume(Rule::integer)?);
        let (unit, _) = self.unit(inner.presume(Rule::unit)?)?;
        Ok(Duration { count, unit, span })
    }

    fn unit(&mut self, pair: Pair<'_, Rule>) -> Lowered<(Unit, Span)> {
        let span = self.span(&pair);
        let unit = match Inner::new(pair).any()?.as_rule() {
            Rule::unit_days => Unit::Days,
            Rule::unit_business_days => Unit::BusinessDays,
            Rule::unit_weeks => Unit::Weeks,
            Rule::unit_months => Unit::Months,
            other => return Err(Internal(format!("{other:?} as a unit"))),
        };
        Ok((unit, span))
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Lowered<Expr> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr => self.expr(Inner::new(pair).any()?),
            Rule::disjunction | Rule::conjunction => {
                let is_or = pair.as_rule() == Rule::disjunction;
                let mut parts = Vec::new();
                for part in pair.into_inner() {
                    if !matches!(part.as_rule(), Rule::kw_or | Rule::kw_and) {
                        parts.push(self.expr(part)?);
                    }
                }
                match (parts.len(), is_or) {
                    (1, _) => parts
                        .pop()
                        .ok_or_else(|| Internal("empty expression".into())),
                    (_, true) => Ok(Expr::Or(parts, span)),
                    (_, false) => Ok(Expr::And(parts, span)),
                }
            }
            Rule::negation => {
                let mut inner = Inner::new(pair);
                let first = inner.any()?;
                if first.as_rule() == Rule::kw_not {
                    Ok(Expr::Not(Box::new(self.expr(inner.any()?)?), span))
                } else {
                    self.expr(first)
                }
            }
            Rule::group => {
                let mut inner = Inner::new(pair);
                inner.presume(Rule::open_paren)?;
                Ok(Expr::Group(
                    Box::new(self.expr(inner.presume(Rule::expr)?)?),
                    span,
                ))
            }
            Rule::comparison => {
                let mut inner = Inner::new(pair);
                let field = self.name(inner.presume(Rule::field)?);
                let op = match inner.presume(Rule::cmp_op)?.as_str() {
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    ">=" => CmpOp::Ge,
                    "=" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    other => return Err(Internal(format!("operator {other}"))),
                };
                let value = inner.any()?;
                if value.as_rule() == Rule::text_operand {
                    let text = Inner::new(value).any()?;
                    let quoted = text.as_rule() == Rule::string;
                    let value = if quoted {
                        self.string(text)?
                    } else {
                        let word = self.name(text);
                        Str {
                            value: word.text,
                            span: word.span,
                        }
                    };
                    return Ok(Expr::Text {
                        field,
                        op,
                        value,
                        quoted,
                        span,
                    });
                }
                let value = self.operand(value)?;
                Ok(Expr::Compare {
                    field,
                    op,
                    value,
                    span,
                })
            }
            Rule::flag => Ok(Expr::Flag(self.name(pair))),
            other => Err(Internal(format!("{other:?} in a condition"))),
        }
    }

    fn operand(&mut self, pair: Pair<'_, Rule>) -> Lowered<Operand> {
        let span = self.span(&pair);
        let mut inner = Inner::new(pair);
        let number = self.number(inner.presume(Rule::number)?);
        let unit = match inner.next() {
            None => None,
            Some(p) if p.as_rule() == Rule::unit => {
                let (unit, span) = self.unit(p)?;
                Some(OperandUnit::Duration(unit, span))
            }
            Some(p) if p.as_rule() == Rule::currency_code => {
                Some(OperandUnit::Currency(self.name(p)))
            }
            Some(p) => return Err(Internal(format!("{:?} after a number", p.as_rule()))),
        };
        Ok(Operand { number, unit, span })
    }

    fn action(&mut self, pair: Pair<'_, Rule>) -> Lowered<Action> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = Inner::new(pair);
        inner.any()?; // the action's keyword
        let kind = match rule {
            Rule::send => {
                let template = self.name(inner.presume(Rule::template)?);
                let mut channels: Option<NameList> = None;
                let mut recipients: Option<NameList> = None;
                let mut statement: Option<crate::source::Span> = None;
                for clause in inner.rest() {
                    if clause.as_rule() == Rule::statement_clause {
                        let clause_span = self.span(&clause);
                        if let Some(first) = statement {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    Code::DuplicateClause,
                                    "`with statement` is given twice",
                                )
                                .with_label(clause_span, "second")
                                .with_label(first, "first")
                                .with_help("write `with statement` once")
                                .in_source(self.source),
                            );
                        }
                        statement = Some(clause_span);
                        continue;
                    }
                    let (slot, word, rule) = match clause.as_rule() {
                        Rule::by_clause => (&mut channels, "by", Rule::channel),
                        Rule::to_clause => (&mut recipients, "to", Rule::recipient),
                        other => return Err(Internal(format!("{other:?} in send"))),
                    };
                    let clause_span = self.span(&clause);
                    let mut clause_inner = Inner::new(clause);
                    clause_inner.any()?;
                    let list = self.name_list(clause_inner, rule)?;
                    match slot {
                        Some(first) => self.diagnostics.push(
                            Diagnostic::error(
                                Code::DuplicateClause,
                                format!("`{word}` is given twice"),
                            )
                            .with_label(clause_span, "second")
                            .with_label(first.span, "first")
                            .with_help(format!(
                                "list everything in one `{word}` clause, separated by commas"
                            ))
                            .in_source(self.source),
                        ),
                        None => *slot = Some(list),
                    }
                }
                ActionKind::Send {
                    template,
                    channels,
                    recipients,
                    statement,
                }
            }
            Rule::call => ActionKind::Call {
                recipient: inner.optional(Rule::recipient).map(|p| self.name(p)),
            },
            Rule::charge => {
                let kind = self.name(inner.presume(Rule::charge_kind)?);
                let value = self.charge_value(inner.presume(Rule::charge_value)?)?;
                ActionKind::Charge { kind, value }
            }
            Rule::route => {
                let destination = self.name(inner.presume(Rule::destination)?);
                let procedure = match inner.optional(Rule::kw_with) {
                    Some(_) => Some(self.name(inner.presume(Rule::procedure)?)),
                    None => None,
                };
                ActionKind::Route {
                    destination,
                    procedure,
                }
            }
            Rule::stop => ActionKind::Stop,
            other => return Err(Internal(format!("{other:?} as an action"))),
        };
        Ok(Action { kind, span })
    }

    fn charge_value(&mut self, pair: Pair<'_, Rule>) -> Lowered<ChargeValue> {
        let mut inner = Inner::new(pair);
        let value = inner.any()?;
        let span = self.span(&value);
        match value.as_rule() {
            Rule::money => Ok(ChargeValue::Money(self.money(value)?)),
            Rule::rate => {
                let number = self.number(Inner::new(value).presume(Rule::number)?);
                let mut bound = |rule: Rule, keyword_rule: Rule| -> Lowered<Option<Money>> {
                    match inner.optional(rule) {
                        Some(pair) => {
                            let mut parts = Inner::new(pair);
                            parts.presume(keyword_rule)?;
                            Ok(Some(self.money(parts.presume(Rule::money)?)?))
                        }
                        None => Ok(None),
                    }
                };
                let min = bound(Rule::bound_min, Rule::kw_min)?;
                let max = bound(Rule::bound_max, Rule::kw_max)?;
                Ok(ChargeValue::Rate {
                    number,
                    span,
                    min,
                    max,
                })
            }
            Rule::kw_statutory => Ok(ChargeValue::Statutory(span)),
            other => Err(Internal(format!("{other:?} as a charge"))),
        }
    }

    // ------------------------------------------------------------ atoms

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().nfc().collect(),
            span: self.span(&pair),
        }
    }

    /// The names of `rule` among the remaining pairs (commas skipped).
    fn name_list(&self, inner: Inner<'_>, rule: Rule) -> Lowered<NameList> {
        let pairs: Vec<Pair<'_, Rule>> = inner.rest().collect();
        self.names_of(&pairs, rule)
    }

    /// The names of one rule among `pairs`, as a list.
    fn names_of(&self, pairs: &[Pair<'_, Rule>], rule: Rule) -> Lowered<NameList> {
        let names: Vec<Name> = pairs
            .iter()
            .filter(|p| p.as_rule() == rule)
            .map(|p| self.name(p.clone()))
            .collect();
        let (first, last) = match (names.first(), names.last()) {
            (Some(first), Some(last)) => (first.span, last.span),
            _ => return Err(Internal("empty list".into())),
        };
        Ok(NameList {
            names,
            span: first.to(last),
        })
    }

    fn string(&self, pair: Pair<'_, Rule>) -> Lowered<Str> {
        let span = self.span(&pair);
        // `title`, `folder` and `reason` wrap a `string`.
        let string = if pair.as_rule() == Rule::string {
            pair
        } else {
            Inner::new(pair).presume(Rule::string)?
        };
        let raw = Inner::new(string).presume_after(Rule::quote, Rule::string_inner)?;
        Ok(Str {
            value: unescape(raw.as_str()),
            span,
        })
    }

    fn integer(&mut self, pair: Pair<'_, Rule>) -> Integer {
        let span = self.span(&pair);
        let value = match pair.as_str().parse::<u32>() {
            Ok(value) => value,
            Err(_) => {
                self.too_large(span, "a whole number up to 4294967295");
                u32::MAX
            }
        };
        Integer { value, span }
    }

    fn number(&mut self, pair: Pair<'_, Rule>) -> Number {
        let span = self.span(&pair);
        let value = match Decimal::from_str(pair.as_str()) {
            Ok(value) => value,
            Err(_) => {
                self.too_large(span, "at most 28 significant digits");
                Decimal::ZERO
            }
        };
        Number { value, span }
    }

    fn too_large(&mut self, span: Span, limit: &str) {
        self.diagnostics.push(
            Diagnostic::error(Code::NumberTooLarge, "this number is too large")
                .with_label(span, limit.to_string())
                .with_help("no collection step needs a number this large; check for a typo")
                .in_source(self.source),
        );
    }

    fn money(&mut self, pair: Pair<'_, Rule>) -> Lowered<Money> {
        let span = self.span(&pair);
        let mut inner = Inner::new(pair);
        let number = self.number(inner.presume(Rule::number)?);
        if number.value > crate::ledger::MAX_AMOUNT {
            // The ledger's bound: a fee or threshold above it is a typo, and
            // keeps every sum with the book's amounts inside `Decimal`.
            self.too_large(number.span, "an amount up to 10000000000000");
        }
        let currency = inner.optional(Rule::currency_code).map(|p| self.name(p));
        Ok(Money {
            number,
            currency,
            span,
        })
    }
}

/// `\"` and `\\` are the only escapes; any other backslash is kept, so a
/// Windows path reads as written.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if next == '"' || next == '\\' {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// The children of a pair, read in order.
struct Inner<'i> {
    pairs: std::iter::Peekable<Pairs<'i, Rule>>,
}

impl<'i> Inner<'i> {
    fn new(pair: Pair<'i, Rule>) -> Self {
        Inner {
            pairs: pair.into_inner().peekable(),
        }
    }

    fn next(&mut self) -> Option<Pair<'i, Rule>> {
        self.pairs.next()
    }

    fn any(&mut self) -> Lowered<Pair<'i, Rule>> {
        self.pairs
            .next()
            .ok_or_else(|| Internal("missing child".into()))
    }

    /// The next child, which the grammar guarantees is a `rule`: anything
    /// else is an internal error, never the user's (just's `presume`).
    fn presume(&mut self, rule: Rule) -> Lowered<Pair<'i, Rule>> {
        match self.pairs.next() {
            Some(pair) if pair.as_rule() == rule => Ok(pair),
            Some(pair) => Err(Internal(format!(
                "{:?} where {rule:?} was expected",
                pair.as_rule()
            ))),
            None => Err(Internal(format!("nothing where {rule:?} was expected"))),
        }
    }

    /// Skips one `skip`, then presumes `rule`.
    fn presume_after(&mut self, skip: Rule, rule: Rule) -> Lowered<Pair<'i, Rule>> {
        self.presume(skip)?;
        self.presume(rule)
    }

    fn optional(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        match self.pairs.peek() {
            Some(pair) if pair.as_rule() == rule => self.pairs.next(),
            _ => None,
        }
    }

    fn rest(self) -> impl Iterator<Item = Pair<'i, Rule>> {
        self.pairs
    }
}
