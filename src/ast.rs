//! The syntax tree: what the file says, as written, with a span on every
//! node. Names of closed sets (channels, fields, …) are still plain names
//! here; the compiler resolves them, so a file with a misspelt channel still
//! parses, formats and gets a "did you mean".

use rust_decimal::Decimal;

use crate::source::Span;

/// A parsed policy file: its items in order, and its comments.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policy {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

impl Policy {
    pub fn statements(&self) -> impl Iterator<Item = &Statement> {
        self.items.iter().filter_map(|item| match item {
            Item::Statement(statement) => Some(statement),
            _ => None,
        })
    }

    pub fn headers(&self) -> impl Iterator<Item = &Header> {
        self.items.iter().filter_map(|item| match item {
            Item::Header(header) => Some(header),
            _ => None,
        })
    }
}

// Statements are nearly every item, so boxing them would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Header(Header),
    Allow(Allow),
    Statement(Statement),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Header(h) => h.span,
            Item::Allow(a) => a.span,
            Item::Statement(s) => s.span,
        }
    }
}

/// `# text`, `text` without the `#`.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A name as written (NFC-normalised), e.g. a template or a channel.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NameList {
    pub names: Vec<Name>,
    pub span: Span,
}

/// A quoted string, unescaped.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// A whole number (a duration's count, a limit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Integer {
    pub value: u32,
    pub span: Span,
}

/// An exact decimal as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: Decimal,
    pub span: Span,
}

/// `40`, `40 EUR`.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    pub number: Number,
    pub currency: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Days,
    BusinessDays,
    Weeks,
    Months,
}

impl Unit {
    /// The unit as written after a count: `1 day`, `2 days`.
    pub fn word(self, count: u32) -> &'static str {
        match (self, count == 1) {
            (Unit::Days, true) => "day",
            (Unit::Days, false) => "days",
            (Unit::BusinessDays, true) => "business day",
            (Unit::BusinessDays, false) => "business days",
            (Unit::Weeks, true) => "week",
            (Unit::Weeks, false) => "weeks",
            (Unit::Months, true) => "month",
            (Unit::Months, false) => "months",
        }
    }
}

/// `15 days`, `10 business days`, `2 months`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duration {
    pub count: Integer,
    pub unit: Unit,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub kind: HeaderKind,
    /// The header's keyword, e.g. `currency`.
    pub keyword: Span,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum HeaderKind {
    Policy(Str),
    Jurisdiction(Name),
    Currency(Name),
    /// `applies to b2b, b2c in LU, BE`: kinds, then countries if any.
    AppliesTo {
        kinds: NameList,
        countries: Option<NameList>,
    },
    Templates(Str),
    Limit {
        count: Integer,
        window: Duration,
    },
    Minimum(Money),
    Destination {
        name: Name,
        kind: Name,
    },
    /// `send on business days`.
    SendOnBusinessDays,
    /// `sector utility`: what the firm sells.
    Sector(Name),
    /// `payments fresh within 3 business days`.
    PaymentsFresh(Duration),
    /// `promise grace 3 days`, `instalment grace 8 days`: `of` is
    /// `promise` or `instalment`.
    Grace {
        of: Name,
        duration: Duration,
    },
}

impl HeaderKind {
    /// The header's keyword, which also names it in messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            HeaderKind::Policy(_) => "policy",
            HeaderKind::Jurisdiction(_) => "jurisdiction",
            HeaderKind::Currency(_) => "currency",
            HeaderKind::AppliesTo { .. } => "applies to",
            HeaderKind::Templates(_) => "templates",
            HeaderKind::Limit { .. } => "limit",
            HeaderKind::Minimum(_) => "minimum",
            HeaderKind::Destination { .. } => "destination",
            HeaderKind::SendOnBusinessDays => "send on business days",
            HeaderKind::Sector(_) => "sector",
            HeaderKind::PaymentsFresh(_) => "payments fresh within",
            HeaderKind::Grace { of, .. } if of.text == "promise" => "promise grace",
            HeaderKind::Grace { .. } => "instalment grace",
        }
    }
}

/// `allow RULE because "REASON"`: silences one rule on the next statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Allow {
    pub rule: Name,
    pub reason: Str,
    pub span: Span,
}

/// `[after DURATION [from ANCHOR]] [if CONDITION] ACTION`.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `on EVENT`: a handler of a ledger event.
    pub trigger: Option<Name>,
    pub timing: Option<Timing>,
    pub condition: Option<Expr>,
    pub action: Action,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    pub duration: Duration,
    /// `from NAME`; `due`, `issue` or a template. Always there with
    /// `before` (`5 days before due`).
    pub anchor: Option<Name>,
    /// `N days before ANCHOR` rather than `after N days from ANCHOR`: the
    /// span of the word `before`.
    pub before: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
        }
    }
}

/// What follows a number in a comparison: `15000 EUR`, `30 days`.
#[derive(Debug, Clone, PartialEq)]
pub enum OperandUnit {
    Currency(Name),
    Duration(Unit, Span),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    pub number: Number,
    pub unit: Option<OperandUnit>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Vec<Expr>, Span),
    And(Vec<Expr>, Span),
    Not(Box<Expr>, Span),
    /// Parentheses as written; kept so the formatter keeps them.
    Group(Box<Expr>, Span),
    Compare {
        field: Name,
        op: CmpOp,
        value: Operand,
        span: Span,
    },
    /// A field compared with a word or a text: `debtor.country != LU`,
    /// `debtor.segment = "grands comptes"`.
    Text {
        field: Name,
        op: CmpOp,
        value: Str,
        /// Written in quotes (kept by the formatter).
        quoted: bool,
        span: Span,
    },
    Flag(Name),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Or(_, span)
            | Expr::And(_, span)
            | Expr::Not(_, span)
            | Expr::Group(_, span)
            | Expr::Compare { span, .. }
            | Expr::Text { span, .. } => *span,
            Expr::Flag(name) => name.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub kind: ActionKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    Send {
        template: Name,
        channels: Option<NameList>,
        recipients: Option<NameList>,
        /// `with statement`, where written.
        statement: Option<Span>,
    },
    Call {
        recipient: Option<Name>,
    },
    Charge {
        kind: Name,
        value: ChargeValue,
    },
    Route {
        destination: Name,
        procedure: Option<Name>,
    },
    Stop,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChargeValue {
    Money(Money),
    /// A rate in percent: `8%` is 8; with bounds for a share of the balance
    /// (`charge indemnity 10% min 25 EUR max 500 EUR`).
    Rate {
        number: Number,
        span: Span,
        min: Option<Money>,
        max: Option<Money>,
    },
    /// `statutory`: the amount or rate the jurisdiction's law sets.
    Statutory(Span),
}
