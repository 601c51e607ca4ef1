//! AST → [`Plan`]: resolves names, times and anchors, and reports every
//! semantic error of the file in one pass (it never stops at the first).

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::*;
use crate::ast::{self, ActionKind, ChargeValue, Expr, HeaderKind, Item, OperandUnit};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::SourceFile;
use crate::suggest;
use crate::vocab::{self, ChargeKind};

/// Compiles a parsed policy. The plan is returned only when there is no
/// error (warnings allowed); the diagnostics are returned either way.
///
/// `complete` says whether the whole file parsed: when lines were dropped
/// for syntax errors, an anchor may name a template sent on a dropped line,
/// so anchor errors are not reported (they would be noise).
pub fn compile(
    policy: &ast::Policy,
    source: &Arc<SourceFile>,
    complete: bool,
) -> (Option<Plan>, Diagnostics) {
    let mut compiler = Compiler {
        source,
        diagnostics: Diagnostics::new(),
        complete,
        currency: Spanned::new("EUR", Span::default()),
        sent: HashMap::new(),
        atoms: Vec::new(),
        rule_hints: HashMap::new(),
    };
    let plan = compiler.plan(policy);
    let plan = (!compiler.diagnostics.has_errors()).then_some(plan);
    (plan, compiler.diagnostics)
}

struct Compiler<'a> {
    source: &'a Arc<SourceFile>,
    diagnostics: Diagnostics,
    complete: bool,
    currency: Spanned<&'static str>,
    /// Templates sent so far, each with the latest step sending it: what a
    /// `from TEMPLATE` anchor resolves to.
    sent: HashMap<String, StepId>,
    /// The debtor comparisons met so far.
    atoms: Vec<DebtorAtom>,
    /// The help already worked out for an unknown `allow` rule, by its
    /// text: a line repeated a thousand times is compared with every code
    /// once.
    rule_hints: HashMap<String, String>,
}

impl Compiler<'_> {
    fn error(&mut self, code: Code, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        DiagnosticBuilder {
            diagnostic: Some(Diagnostic::error(code, message).in_source(self.source)),
            sink: &mut self.diagnostics,
        }
    }

    fn warning(&mut self, code: Code, message: impl Into<String>) -> DiagnosticBuilder<'_> {
        DiagnosticBuilder {
            diagnostic: Some(Diagnostic::warning(code, message).in_source(self.source)),
            sink: &mut self.diagnostics,
        }
    }

    /// `in LU, BE`: each a two-letter ISO 3166 code.
    fn countries(&mut self, list: &ast::NameList) -> Countries {
        let mut countries = Countries::default();
        for name in &list.names {
            let upper = name.text.to_ascii_uppercase();
            let code = match upper.as_bytes() {
                &[a, b] => [a, b],
                _ => [0, 0],
            };
            if countries.contains(code) {
                self.warning(Code::DuplicateItem, format!("`{upper}` is listed twice"))
                    .label(name.span, "again")
                    .help("list each country once");
            } else if !countries.insert(code) {
                self.error(
                    Code::CountryCode,
                    format!("`{}` is not a country code", name.text),
                )
                .label(name.span, "not two letters")
                .help("write the ISO 3166 code of two letters the debtors file uses: `LU`, `BE`, `FR`, `DE`…");
            }
        }
        countries
    }

    fn plan(&mut self, policy: &ast::Policy) -> Plan {
        let mut plan = Plan {
            source: Arc::clone(self.source),
            title: None,
            jurisdiction: None,
            currency: Spanned::new("EUR", Span::default()),
            applies_to: None,
            applies_in: None,
            templates: None,
            contact_limit: None,
            minimum: None,
            business_days: None,
            sector: None,
            payments_fresh: None,
            destinations: Vec::new(),
            steps: Vec::new(),
            debtor_atoms: Vec::new(),
            promise_grace: None,
            instalment_grace: None,
        };
        // The currency first: amounts anywhere are checked against it.
        for header in policy.headers() {
            if let HeaderKind::Currency(name) = &header.kind {
                if let Some(code) = self.currency_code(name) {
                    self.currency = Spanned::new(code, header.span);
                }
            }
        }
        plan.currency = self.currency.clone();

        let senders = Senders::of(policy);
        let mut first_statement: Option<Span> = None;
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        let mut pending_allows: Vec<&ast::Allow> = Vec::new();
        for item in &policy.items {
            match item {
                Item::Header(header) => {
                    if let Some(statement) = first_statement {
                        self.error(
                            Code::HeaderAfterStatement,
                            format!(
                                "the `{}` header comes after a statement",
                                header.kind.keyword()
                            ),
                        )
                        .label(header.span, "header here")
                        .label(statement, "first statement")
                        .help("move every header above the first statement");
                    }
                    self.header(header, &mut plan, &mut seen);
                    self.allows_without_statement(&mut pending_allows);
                }
                Item::Allow(allow) => pending_allows.push(allow),
                Item::Statement(statement) => {
                    first_statement.get_or_insert(statement.span);
                    let allows = std::mem::take(&mut pending_allows);
                    let step = self.step(statement, &plan.steps, &senders, &allows);
                    if let Action::Send { template, .. } = &step.action {
                        self.sent.insert(template.clone(), step.id);
                    }
                    plan.steps.push(step);
                }
            }
        }
        self.allows_without_statement(&mut pending_allows);
        if plan.steps.is_empty() && self.complete {
            let end = self.source.text().len();
            self.error(Code::EmptyPolicy, "this policy has no statements")
                .label(Span::new(0, end.min(1)), "nothing to do")
                .help("add at least one statement, for example `after 15 days send relance_1 by email`");
        }
        plan.debtor_atoms = std::mem::take(&mut self.atoms);
        plan
    }

    /// `debtor.COLUMN OP VALUE` as a condition, the same comparison always
    /// getting the same bit.
    fn debtor_atom(&mut self, column: &str, op: CmpOp, value: DebtorValue, span: Span) -> Cond {
        let column = crate::suggest::fold(column);
        if let Some(atom) = self
            .atoms
            .iter()
            .find(|a| a.column == column && a.op == op && a.value == value)
        {
            return Cond::Debtor(DebtorAtom {
                span,
                ..atom.clone()
            });
        }
        if self.atoms.len() >= MAX_DEBTOR_ATOMS {
            self.error(
                Code::DebtorCondition,
                format!(
                    "a policy compares debtor columns in at most {MAX_DEBTOR_ATOMS} different ways"
                ),
            )
            .label(span, "one too many")
            .help("group debtors in a column of the debtors file (`segment`) and compare that");
            return Cond::All(Vec::new());
        }
        let atom = DebtorAtom {
            index: u8::try_from(self.atoms.len()).unwrap_or(u8::MAX),
            column,
            op,
            value,
            span,
        };
        self.atoms.push(atom.clone());
        Cond::Debtor(atom)
    }

    /// The column of `debtor.COLUMN`; `None` (with an error) for another
    /// prefix.
    fn debtor_column<'f>(&mut self, field: &'f ast::Name) -> Option<&'f str> {
        let (prefix, column) = field.text.split_once('.')?;
        if crate::suggest::fold(prefix) == "debtor" && !column.is_empty() {
            return Some(column);
        }
        self.error(
            Code::UnknownField,
            format!("unknown field `{}`", crate::suggest::short(&field.text)),
        )
        .label(field.span, "not a field")
        .help("a column of the debtors file is written `debtor.COLUMN` (`debtor.country`, `debtor.segment`)");
        None
    }

    fn allows_without_statement(&mut self, pending: &mut Vec<&ast::Allow>) {
        for allow in pending.drain(..) {
            self.error(
                Code::AllowWithoutStatement,
                "`allow` is not followed by a statement",
            )
            .label(allow.span, "applies to nothing")
            .help("put `allow` on the line just above the statement it is about");
        }
    }

    // ------------------------------------------------------------ headers

    fn header(
        &mut self,
        header: &ast::Header,
        plan: &mut Plan,
        seen: &mut HashMap<&'static str, Span>,
    ) {
        let keyword = header.kind.keyword();
        // Destinations may repeat (one per name); the others may not.
        if !matches!(header.kind, HeaderKind::Destination { .. }) {
            if let Some(first) = seen.get(keyword).copied() {
                self.error(
                    Code::DuplicateHeader,
                    format!("the `{keyword}` header is given twice"),
                )
                .label(header.span, "second")
                .label(first, "first")
                .help("keep one of them");
                return;
            }
            seen.insert(keyword, header.span);
        }
        match &header.kind {
            HeaderKind::Policy(title) => {
                plan.title = Some(Spanned::new(title.value.clone(), header.span))
            }
            HeaderKind::Jurisdiction(name) => match vocab::Jurisdiction::from_word(&name.text) {
                Some(j) => plan.jurisdiction = Some(Spanned::new(j, header.span)),
                None => {
                    let hint = suggest::did_you_mean(
                        &name.text,
                        vocab::Jurisdiction::WORDS.iter().copied(),
                    );
                    self.error(Code::UnknownJurisdiction, format!("unknown jurisdiction `{}`", name.text))
                        .label(name.span, "not a jurisdiction this tool knows")
                        .help(hint.unwrap_or_else(|| {
                            "the jurisdictions are `FR` (France), `BE` (Belgium) and `LU` (Luxembourg)".into()
                        }));
                }
            },
            HeaderKind::Currency(_) => {} // read first, above
            HeaderKind::AppliesTo {
                kinds: list,
                countries,
            } => {
                if let Some(countries) = countries {
                    plan.applies_in = Some(Spanned::new(self.countries(countries), countries.span));
                }
                let mut kinds = Vec::new();
                for name in &list.names {
                    match vocab::DebtorKind::from_word(&name.text) {
                        Some(kind) if kinds.contains(&kind) => {
                            self.warning(Code::DuplicateItem, format!("`{kind}` is listed twice"))
                                .label(name.span, "again")
                                .help("list each kind once");
                        }
                        Some(kind) => kinds.push(kind),
                        None => self.unknown(
                            Code::UnknownDebtorKind,
                            "debtor kind",
                            name,
                            vocab::DebtorKind::WORDS,
                            "`b2b` (businesses) or `b2c` (consumers)",
                        ),
                    }
                }
                plan.applies_to = Some(Spanned::new(kinds, header.span));
            }
            HeaderKind::Templates(folder) => {
                plan.templates = Some(Spanned::new(folder.value.clone(), folder.span))
            }
            HeaderKind::Limit { count, window } => {
                if count.value == 0 || window.count.value == 0 {
                    self.error(
                        Code::ZeroDuration,
                        "a contact limit needs a count and a window above zero",
                    )
                    .label(header.span, "never allows anything")
                    .help("for example `limit 4 contacts per 30 days`");
                } else {
                    let limit = ContactLimit {
                        count: count.value,
                        window: offset(window),
                    };
                    plan.contact_limit = Some(Spanned::new(limit, header.span));
                }
            }
            HeaderKind::Minimum(money) => {
                self.check_money_currency(money);
                plan.minimum = Some(Spanned::new(money.number.value, header.span));
            }
            HeaderKind::SendOnBusinessDays => plan.business_days = Some(header.span),
            HeaderKind::Grace { of, duration } => {
                let written = offset(duration);
                match written.calendar_days() {
                    Some(days) => {
                        let grace = Some(Spanned::new(days, header.span));
                        if of.text == "promise" {
                            plan.promise_grace = grace;
                        } else {
                            plan.instalment_grace = grace;
                        }
                    }
                    None => {
                        self.error(
                            Code::GraceDuration,
                            format!("a grace is counted in calendar days, not in {}", written.unit.word(2)),
                        )
                        .label(duration.span, "not calendar days")
                        .help("write the grace in days or weeks, e.g. `promise grace 3 days` (docs/simulation.md, E2 and E3)");
                    }
                }
            }
            HeaderKind::Sector(name) => match vocab::Sector::from_word(&name.text) {
                Some(sector) => plan.sector = Some(Spanned::new(sector, header.span)),
                None => self.unknown(
                    Code::UnknownSector,
                    "sector",
                    name,
                    vocab::Sector::WORDS,
                    "`goods`, `services`, `utility` (gas, electricity, water, telecom, heat) or `lease`",
                ),
            },
            HeaderKind::PaymentsFresh(window) => {
                plan.payments_fresh = Some(Spanned::new(offset(window), header.span));
            }
            HeaderKind::Destination { name, kind } => {
                let Some(kind_value) = vocab::DestinationKind::from_word(&kind.text) else {
                    self.unknown(
                        Code::UnknownDestinationKind,
                        "kind of destination",
                        kind,
                        vocab::DestinationKind::WORDS,
                        "`court`, `bailiff`, `lawyer` or `agency`",
                    );
                    return;
                };
                if let Some(first) = plan.destinations.iter().find(|d| d.name == name.text) {
                    let first = first.span;
                    self.error(
                        Code::DuplicateHeader,
                        format!("the destination `{}` is declared twice", name.text),
                    )
                    .label(header.span, "second")
                    .label(first, "first")
                    .help("keep one declaration");
                    return;
                }
                plan.destinations.push(DeclaredDestination {
                    name: name.text.clone(),
                    kind: kind_value,
                    span: header.span,
                });
            }
        }
    }

    fn currency_code(&mut self, name: &ast::Name) -> Option<&'static str> {
        let code = vocab::currency(&name.text);
        if code.is_none() {
            let hint = suggest::did_you_mean(&name.text, vocab::CURRENCIES.iter().copied());
            self.error(
                Code::UnknownCurrency,
                format!("unknown currency code `{}`", name.text),
            )
            .label(name.span, "not an ISO 4217 code")
            .help(hint.unwrap_or_else(|| "use a three-letter ISO 4217 code such as `EUR`".into()));
        }
        code
    }

    /// An amount written with a currency must be in the policy's currency.
    fn check_money_currency(&mut self, money: &ast::Money) {
        if let Some(name) = &money.currency {
            self.check_currency(name);
        }
    }

    fn check_currency(&mut self, name: &ast::Name) {
        let Some(code) = self.currency_code(name) else {
            return;
        };
        let policy = self.currency.clone();
        if code != policy.value {
            let mut builder = self
                .error(Code::CurrencyMismatch, format!("this amount is in {code}, the policy in {}", policy.value))
                .label(name.span, format!("{code}, not {}", policy.value))
                .help(format!(
                    "write the amount in {} (the policy converts nothing), or change the policy's `currency`",
                    policy.value
                ));
            if !policy.span.is_empty() {
                builder = builder.label(policy.span, "the policy's currency");
            }
            drop(builder);
        }
    }

    fn unknown(&mut self, code: Code, what: &str, name: &ast::Name, words: &[&str], known: &str) {
        let hint = suggest::did_you_mean(&name.text, words.iter().copied());
        self.error(
            code,
            format!("unknown {what} `{}`", suggest::short(&name.text)),
        )
        .label(name.span, format!("not a {what}"))
        .help(hint.unwrap_or_else(|| format!("expected {known}")));
    }

    // ------------------------------------------------------------ statements

    fn step(
        &mut self,
        statement: &ast::Statement,
        earlier: &[Step],
        senders: &Senders,
        allows: &[&ast::Allow],
    ) -> Step {
        let id = StepId(earlier.len());
        let trigger = match &statement.trigger {
            Some(name) => self.event(name),
            // Without `after`, a statement takes the time of the one
            // before: a handler's too.
            None if statement.timing.is_none() => earlier.last().and_then(|s| s.trigger),
            None => None,
        };
        let when = self.when(statement, id, earlier, senders, trigger);
        let condition = statement.condition.as_ref().map(|expr| Condition {
            expr: self.cond(expr),
            span: expr.span(),
        });
        let action = self.action(&statement.action);
        let allows = allows.iter().filter_map(|a| self.allow(a)).collect();
        Step {
            id,
            trigger,
            span: statement.span,
            when,
            condition,
            action,
            action_span: statement.action.span,
            allows,
        }
    }

    fn allow(&mut self, allow: &ast::Allow) -> Option<Allow> {
        if allow.reason.value.trim().is_empty() {
            self.error(Code::EmptyReason, "`allow` needs a reason")
                .label(allow.reason.span, "empty")
                .help("write why the rule does not apply, e.g. the lawyer's opinion and its date: it is shown by `policy explain`");
            return None;
        }
        let Some(rule) = Code::parse(&allow.rule.text) else {
            let help = match self.rule_hints.get(&allow.rule.text) {
                Some(help) => help.clone(),
                None => {
                    let words = Code::ALL
                        .iter()
                        .map(|c| c.as_str().trim_start_matches("policy::"));
                    let short = allow.rule.text.trim_start_matches("policy::");
                    let help = suggest::did_you_mean(short, words).unwrap_or_else(|| {
                        "use a code listed in docs/diagnostics.md, e.g. `notice_period`".into()
                    });
                    self.rule_hints
                        .insert(allow.rule.text.clone(), help.clone());
                    help
                }
            };
            self.error(
                Code::UnknownRule,
                format!("unknown rule `{}`", allow.rule.text),
            )
            .label(allow.rule.span, "no diagnostic has this code")
            .help(help);
            return None;
        };
        Some(Allow {
            rule,
            reason: allow.reason.value.clone(),
            span: allow.span,
        })
    }

    fn when(
        &mut self,
        statement: &ast::Statement,
        id: StepId,
        earlier: &[Step],
        senders: &Senders,
        trigger: Option<EventKind>,
    ) -> When {
        if let (Some(kind), None, Some(_)) = (trigger, &statement.timing, &statement.trigger) {
            // `on EVENT send …`: on the event's day.
            return When {
                anchor: Anchor::Event(kind),
                offset: Offset::ZERO,
                inherited: false,
                before: false,
                span: statement.span,
            };
        }
        let Some(timing) = &statement.timing else {
            // No `after`: the time of the statement before (or due + 0).
            return match earlier.last() {
                Some(previous) => When {
                    inherited: true,
                    ..previous.when.clone()
                },
                None => When {
                    anchor: Anchor::Due,
                    offset: Offset::ZERO,
                    inherited: true,
                    before: false,
                    span: statement.span,
                },
            };
        };
        let offset = offset(&timing.duration);
        if let (Some(before), Some(name)) = (timing.before, &timing.anchor) {
            return self.before(timing, before, name, offset, trigger);
        }
        let anchor = match (&timing.anchor, trigger) {
            (None, Some(kind)) => Anchor::Event(kind),
            (None, None) => Anchor::Due,
            (Some(name), _) => self.anchor(name, id, senders),
        };
        if offset.count == 0 && matches!(anchor, Anchor::Step(_)) {
            let anchor_name = timing.anchor.as_ref().map_or("", |n| n.text.as_str());
            self.error(Code::ZeroDuration, format!("`after 0 {}` from `{anchor_name}` is the day it is sent", offset.unit.word(0)))
                .label(timing.duration.span, "zero")
                .help(format!(
                    "to act on the day `{anchor_name}` goes out, write the statement right after it without `after`; \
                     otherwise give the delay, e.g. `after 8 days from {anchor_name}`"
                ));
        } else if offset.count == 0 && offset.unit != Unit::Days {
            self.warning(
                Code::ZeroDuration,
                format!("`0 {}` is simply `0 days`", offset.unit.word(0)),
            )
            .label(timing.duration.span, "zero")
            .help("write `after 0 days` (the due date itself), or the delay you meant");
        }
        When {
            anchor,
            offset,
            inherited: false,
            before: false,
            span: timing.span,
        }
    }

    /// `5 days before due`: counted back from the due date only; a letter
    /// or an event has no known day before it happens.
    fn before(
        &mut self,
        timing: &ast::Timing,
        before: crate::source::Span,
        name: &ast::Name,
        offset: Offset,
        trigger: Option<EventKind>,
    ) -> When {
        let due = suggest::fold(&name.text) == "due";
        if let Some(kind) = trigger {
            self.error(
                Code::BeforeDue,
                format!("a handler cannot fire before `{}` happens", kind.as_str()),
            )
            .label(before, "before the event")
            .help(format!(
                "a handler fires on its event's day or after it: `on {} after {} send …`",
                kind.as_str(),
                offset
            ));
        } else if !due {
            self.error(
                Code::BeforeDue,
                format!(
                    "`before` counts back from `due` only, not `{}`",
                    suggest::short(&name.text)
                ),
            )
            .label(name.span, "only the due date is known in advance")
            .help(format!(
                "write `{offset} before due` for a reminder before the due date; a letter or the \
                 issue date is followed with `after {offset} from {}`",
                suggest::short(&name.text)
            ));
        }
        When {
            anchor: Anchor::Due,
            offset,
            inherited: false,
            before: due && trigger.is_none(),
            span: timing.span,
        }
    }

    /// The event a handler names (`on promise_broken`); an unknown one is
    /// an error, with the closest event.
    fn event(&mut self, name: &ast::Name) -> Option<EventKind> {
        let word = name.text.to_lowercase();
        if let Some(kind) = EventKind::from_word(&word) {
            return Some(kind);
        }
        let words: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
        let known = words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ");
        self.unknown(
            Code::UnknownEvent,
            "ledger event",
            name,
            &words,
            &format!("one of the ledger's events: {known}"),
        );
        None
    }

    fn anchor(&mut self, name: &ast::Name, id: StepId, senders: &Senders) -> Anchor {
        match suggest::fold(&name.text).as_str() {
            "due" => return Anchor::Due,
            "issue" => return Anchor::Issue,
            _ => {}
        }
        if let Some(&step) = self.sent.get(&name.text) {
            return Anchor::Step(step);
        }
        if !self.complete {
            return Anchor::Due;
        }
        if let Some(cycle) = senders.cycle_through(id.0) {
            let names: Vec<String> = cycle.iter().map(|(_, n)| format!("`{}`", n.text)).collect();
            let mut builder = self
                .error(Code::AnchorCycle, "these statements are timed from each other")
                .help(format!(
                    "{} wait for one another, so none can ever be sent; time the first of them from `due` or `issue`",
                    names.join(" → ")
                ));
            for (i, (_, anchor)) in cycle.iter().enumerate() {
                let text = if i == 0 {
                    "waits for a letter sent later"
                } else {
                    "which waits for this"
                };
                builder = builder.label(anchor.span, text);
            }
            drop(builder);
            return Anchor::Due;
        }
        match senders.first_index(&name.text) {
            Some(later) => {
                let later_span = later.1;
                self.error(
                    Code::AnchorNotSentEarlier,
                    format!("`{}` is sent only after this statement", name.text),
                )
                .label(name.span, "an anchor must be a letter sent earlier")
                .label(later_span, "sent here")
                .help(format!(
                    "move this statement below the one that sends `{}`, or time it from `due`",
                    name.text
                ));
            }
            None => {
                // Suggestions cost an edit distance per candidate: skip
                // them for a generated file with thousands of templates.
                let hint = if self.sent.len() <= 500 {
                    let sent = self.sent.keys().map(String::as_str).chain(["due", "issue"]);
                    suggest::did_you_mean(&name.text, sent)
                } else {
                    None
                };
                self.error(Code::AnchorNotSentEarlier, format!("no statement sends `{}`", suggest::short(&name.text)))
                    .label(name.span, "not `due`, `issue` or a template sent earlier")
                    .help(hint.unwrap_or_else(|| {
                        "time a step from `due` (the default), `issue`, or the name of a template sent by an earlier statement".into()
                    }));
            }
        }
        Anchor::Due
    }

    fn cond(&mut self, expr: &Expr) -> Cond {
        match expr {
            Expr::Or(parts, _) => Cond::Any(parts.iter().map(|p| self.cond(p)).collect()),
            Expr::And(parts, _) => Cond::All(parts.iter().map(|p| self.cond(p)).collect()),
            Expr::Not(inner, _) => Cond::Not(Box::new(self.cond(inner))),
            Expr::Group(inner, _) => self.cond(inner),
            Expr::Flag(name) => {
                let flag = vocab::Flag::from_word(&name.text);
                if flag.is_none() {
                    let is_field = vocab::Field::from_word(&name.text).is_some();
                    if is_field {
                        self.error(
                            Code::UnknownFlag,
                            format!("`{}` is a number, not a yes/no flag", name.text),
                        )
                        .label(name.span, "compare it with a number")
                        .help(format!("for example `{} >= 15000`", name.text));
                    } else {
                        self.unknown(
                            Code::UnknownFlag,
                            "flag",
                            name,
                            vocab::Flag::WORDS,
                            "`b2b`, `b2c`, `guaranteed` or `partially_paid`, or a comparison such as `amount >= 15000`",
                        );
                    }
                }
                Cond::Flag {
                    flag: flag.unwrap_or(vocab::Flag::B2b),
                    span: name.span,
                }
            }
            Expr::Text {
                field,
                op,
                value,
                span,
                ..
            } => {
                if !field.text.contains('.') {
                    let named = vocab::Field::from_word(&field.text).is_some();
                    self.error(
                        Code::DebtorCondition,
                        format!(
                            "`{}` is compared with a word, `{}`",
                            crate::suggest::short(&field.text),
                            crate::suggest::short(&value.value)
                        ),
                    )
                    .label(value.span, "a word")
                    .help(if named {
                        format!("`{}` is a number: compare it with one, e.g. `{} >= 15000`", field.text, field.text)
                    } else {
                        "a condition compares `amount`, `total` or `days_late` with a number, or a column \
                         of the debtors file with a value: `debtor.country != LU`"
                            .to_string()
                    });
                    return Cond::All(Vec::new());
                }
                let Some(column) = self.debtor_column(field) else {
                    return Cond::All(Vec::new());
                };
                if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    self.error(
                        Code::DebtorCondition,
                        format!("`{}` orders texts", op.as_str()),
                    )
                    .label(*span, "a text is equal or not")
                    .help("compare a text with `=` or `!=`; order numbers only (`debtor.rating >= 3`)");
                    return Cond::All(Vec::new());
                }
                let value = DebtorValue::Text(crate::suggest::fold(value.value.trim()));
                self.debtor_atom(column, *op, value, *span)
            }
            Expr::Compare {
                field,
                op,
                value,
                span,
            } if field.text.contains('.') => {
                let Some(column) = self.debtor_column(field) else {
                    return Cond::All(Vec::new());
                };
                if let Some(unit) = &value.unit {
                    let at = match unit {
                        OperandUnit::Currency(code) => code.span,
                        OperandUnit::Duration(_, span) => *span,
                    };
                    self.error(
                        Code::DebtorCondition,
                        "a debtor column is compared with a plain number",
                    )
                    .label(at, "a unit")
                    .help("write the number alone: `debtor.rating >= 3`");
                }
                self.debtor_atom(column, *op, DebtorValue::Number(value.number.value), *span)
            }
            Expr::Compare {
                field,
                op,
                value,
                span,
            } => {
                let resolved = vocab::Field::from_word(&field.text);
                let number = match resolved {
                    Some(f) => self.operand(f, value),
                    None => {
                        self.unknown(
                            Code::UnknownField,
                            "field",
                            field,
                            vocab::Field::WORDS,
                            "`amount` (the invoice's balance), `total` (the debtor's balance) or `days_late`",
                        );
                        value.number.value
                    }
                };
                Cond::Compare {
                    field: resolved.unwrap_or(vocab::Field::Amount),
                    op: *op,
                    value: number,
                    span: *span,
                }
            }
        }
    }

    /// The operand's value in the field's unit (days for `days_late`, the
    /// policy currency for amounts).
    fn operand(&mut self, field: vocab::Field, operand: &ast::Operand) -> Decimal {
        let value = operand.number.value;
        match (&operand.unit, field.is_money()) {
            (None, _) => value,
            (Some(OperandUnit::Currency(code)), true) => {
                self.check_currency(code);
                value
            }
            (Some(OperandUnit::Duration(Unit::Days, _)), false) => value,
            (Some(OperandUnit::Duration(Unit::Weeks, _)), false) => {
                value.saturating_mul(Decimal::from(7))
            }
            (Some(OperandUnit::Duration(unit, span)), false) => {
                let unit_word = unit.word(2);
                self.error(
                    Code::UnitMismatch,
                    format!("`days_late` counts calendar days, not {unit_word}"),
                )
                .label(*span, "not a fixed number of days")
                .help("compare `days_late` with days, e.g. `days_late > 60`");
                value
            }
            (Some(OperandUnit::Currency(code)), false) => {
                self.error(
                    Code::UnitMismatch,
                    format!("`{field}` is a number of days, not an amount"),
                )
                .label(code.span, "a currency here")
                .help(format!("remove `{}`: `days_late > 30`", code.text));
                value
            }
            (Some(OperandUnit::Duration(_, span)), true) => {
                self.error(
                    Code::UnitMismatch,
                    format!("`{field}` is an amount, not a duration"),
                )
                .label(*span, "a unit of time here")
                .help(format!(
                    "to test lateness, use `days_late`; to test `{field}`, give an amount"
                ));
                value
            }
        }
    }

    fn action(&mut self, action: &ast::Action) -> Action {
        match &action.kind {
            ActionKind::Send {
                template,
                channels,
                recipients,
                statement,
            } => Action::Send {
                template: template.text.clone(),
                with_statement: statement.is_some(),
                channels: match channels {
                    Some(list) => self.resolve_list(
                        list,
                        Code::UnknownChannel,
                        "channel",
                        vocab::Channel::from_word,
                        vocab::Channel::WORDS,
                    ),
                    None => vec![vocab::Channel::DEFAULT],
                },
                recipients: match recipients {
                    Some(list) => self.resolve_list(
                        list,
                        Code::UnknownRecipient,
                        "recipient",
                        vocab::Recipient::from_word,
                        vocab::Recipient::WORDS,
                    ),
                    None => vec![vocab::Recipient::Debtor],
                },
            },
            ActionKind::Call { recipient } => Action::Call {
                recipient: match recipient {
                    Some(name) => self
                        .resolve(
                            name,
                            Code::UnknownRecipient,
                            "recipient",
                            vocab::Recipient::from_word,
                            vocab::Recipient::WORDS,
                        )
                        .unwrap_or(vocab::Recipient::Debtor),
                    None => vocab::Recipient::Debtor,
                },
            },
            ActionKind::Charge { kind, value } => self.charge(kind, value),
            ActionKind::Route {
                destination,
                procedure,
            } => Action::Route {
                destination: destination.text.clone(),
                procedure: procedure.as_ref().map(|p| p.text.clone()),
            },
            ActionKind::Stop => Action::Stop,
        }
    }

    fn charge(&mut self, kind: &ast::Name, value: &ChargeValue) -> Action {
        let Some(kind_value) = self.resolve(
            kind,
            Code::UnknownCharge,
            "charge",
            ChargeKind::from_word,
            ChargeKind::WORDS,
        ) else {
            return Action::Stop;
        };
        let charge = match (kind_value, value) {
            (
                ChargeKind::Interest,
                ChargeValue::Rate {
                    number, min, max, ..
                },
            ) => {
                if let Some(bound) = min.as_ref().or(max.as_ref()) {
                    self.error(Code::ChargeValue, "interest is a yearly rate: it takes no `min` or `max`")
                        .label(bound.span, "a bound")
                        .help("bounds are for an indemnity or a fee charged as a share of the balance, e.g. `charge indemnity 10% min 25 EUR`");
                }
                if number.value > Decimal::ONE_HUNDRED {
                    self.error(Code::ChargeValue, "a yearly interest rate above 100 % cannot be charged")
                        .label(number.span, "above 100 %")
                        .help("write the yearly rate in percent, e.g. `charge interest 8%`; the rate table's rates are bounded the same way");
                }
                Charge::Interest(Rate::Percent(number.value))
            }
            (ChargeKind::Interest, ChargeValue::Statutory(_)) => Charge::Interest(Rate::Statutory),
            (ChargeKind::Interest, ChargeValue::Money(money)) => {
                self.error(Code::ChargeValue, "interest is a yearly rate, not an amount")
                    .label(money.span, "an amount")
                    .help("write a rate such as `charge interest 8%`, or `charge interest statutory` for the legal rate");
                Charge::Interest(Rate::Statutory)
            }
            (ChargeKind::Indemnity | ChargeKind::Fee, ChargeValue::Money(money)) => {
                self.check_money_currency(money);
                let amount = Amount::Fixed(money.number.value);
                if kind_value == ChargeKind::Fee {
                    Charge::Fee(amount)
                } else {
                    Charge::Indemnity(amount)
                }
            }
            (ChargeKind::Indemnity, ChargeValue::Statutory(_)) => {
                Charge::Indemnity(Amount::Statutory)
            }
            (ChargeKind::Fee, ChargeValue::Statutory(span)) => {
                self.error(Code::ChargeValue, "the law sets no fee amount")
                    .label(*span, "no statutory fee")
                    .help("give the fee's amount, e.g. `charge fee 15 EUR`; `statutory` is for `indemnity` and `interest`");
                Charge::Fee(Amount::Fixed(Decimal::ZERO))
            }
            (
                ChargeKind::Indemnity | ChargeKind::Fee,
                ChargeValue::Rate {
                    number,
                    span,
                    min,
                    max,
                },
            ) => {
                for bound in [min, max].into_iter().flatten() {
                    self.check_money_currency(bound);
                }
                let (min, max) = (
                    min.as_ref().map(|m| m.number.value),
                    max.as_ref().map(|m| m.number.value),
                );
                if number.value > Decimal::ONE_HUNDRED || min.zip(max).is_some_and(|(a, b)| a > b) {
                    self.error(
                        Code::ChargeValue,
                        format!("this {kind_value} cannot be charged: its share or its bounds do not hold"),
                    )
                    .label(*span, "a share of the balance")
                    .help("a share is at most 100 % of the balance, and `min` is below `max`: e.g. `charge indemnity 10% min 25 EUR max 500 EUR`");
                }
                let amount = Amount::Share {
                    percent: number.value,
                    min,
                    max,
                };
                if kind_value == ChargeKind::Fee {
                    Charge::Fee(amount)
                } else {
                    Charge::Indemnity(amount)
                }
            }
        };
        Action::Charge(charge)
    }

    fn resolve<T: Copy>(
        &mut self,
        name: &ast::Name,
        code: Code,
        what: &str,
        from_word: fn(&str) -> Option<T>,
        words: &[&str],
    ) -> Option<T> {
        let value = from_word(&name.text);
        if value.is_none() {
            let known = suggest::one_of(words);
            self.unknown(code, what, name, words, &known);
        }
        value
    }

    fn resolve_list<T: Copy + PartialEq + std::fmt::Display>(
        &mut self,
        list: &ast::NameList,
        code: Code,
        what: &str,
        from_word: fn(&str) -> Option<T>,
        words: &[&str],
    ) -> Vec<T> {
        let mut out: Vec<T> = Vec::new();
        for name in &list.names {
            match self.resolve(name, code, what, from_word, words) {
                Some(value) if out.contains(&value) => {
                    self.warning(Code::DuplicateItem, format!("`{value}` is listed twice"))
                        .label(name.span, "again")
                        .help("list it once");
                }
                Some(value) => out.push(value),
                None => {}
            }
        }
        out
    }
}

fn offset(duration: &ast::Duration) -> Offset {
    Offset {
        count: duration.count.value,
        unit: duration.unit,
    }
}

/// Which statements send which template, for anchors that name a template
/// sent later (or in a cycle).
struct Senders<'a> {
    /// Per statement index: the template it sends and its anchor, if named.
    statements: Vec<(Option<&'a ast::Name>, Option<&'a ast::Name>)>,
    /// Per template: the first statement sending it.
    first: HashMap<&'a str, (usize, Span)>,
}

impl<'a> Senders<'a> {
    fn of(policy: &'a ast::Policy) -> Self {
        let statements = policy
            .statements()
            .map(|s| {
                let sends = match &s.action.kind {
                    ActionKind::Send { template, .. } => Some(template),
                    _ => None,
                };
                let anchor = s.timing.as_ref().and_then(|t| t.anchor.as_ref());
                (sends, anchor)
            })
            .collect::<Vec<(Option<&ast::Name>, Option<&ast::Name>)>>();
        let mut first = HashMap::new();
        for (i, (sends, _)) in statements.iter().enumerate() {
            if let Some(name) = sends {
                first.entry(name.text.as_str()).or_insert((i, name.span));
            }
        }
        Senders { statements, first }
    }

    /// The first statement sending `template`: its index and span.
    fn first_index(&self, template: &str) -> Option<(usize, Span)> {
        self.first.get(template).copied()
    }

    /// The anchors along a cycle that starts and ends at `start`, following
    /// each anchor to the first statement that sends it.
    fn cycle_through(&self, start: usize) -> Option<Vec<(usize, &'a ast::Name)>> {
        let mut path = Vec::new();
        let mut visited = std::collections::HashSet::from([start]);
        let mut at = start;
        // A cycle longer than this is not worth describing.
        for _ in 0..self.statements.len().min(256) {
            let anchor = self.statements.get(at)?.1?;
            path.push((at, anchor));
            let (next, _) = self.first_index(&anchor.text)?;
            if next == start {
                return Some(path);
            }
            if !visited.insert(next) {
                return None; // a cycle not through `start`: reported at its own statements
            }
            at = next;
        }
        None
    }
}

/// Builds one diagnostic and files it when dropped.
struct DiagnosticBuilder<'a> {
    diagnostic: Option<Diagnostic>,
    sink: &'a mut Diagnostics,
}

impl DiagnosticBuilder<'_> {
    fn label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.diagnostic = self.diagnostic.take().map(|d| d.with_label(span, text));
        self
    }

    fn help(mut self, text: impl Into<String>) -> Self {
        self.diagnostic = self.diagnostic.take().map(|d| d.with_help(text));
        self
    }
}

impl Drop for DiagnosticBuilder<'_> {
    fn drop(&mut self) {
        if let Some(diagnostic) = self.diagnostic.take() {
            self.sink.push(diagnostic);
        }
    }
}
