//! pest errors → diagnostics in words a lawyer understands: "expected a
//! duration such as `15 days`, found `quinze`", never a rule name.

use std::sync::Arc;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use super::lower::LINE_STARTS;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use crate::suggest;
use crate::vocab;

/// What the parser wanted at a place: a phrase, and the words that would
/// have been accepted (for "did you mean").
struct Expected {
    phrase: &'static str,
    words: &'static [&'static str],
}

const ACTIONS: &[&str] = &["send", "call", "charge", "route", "stop"];
const HEADERS: &[&str] = &[
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

/// The ledger's events a handler may name (`on promise_broken …`).
const EVENTS: &[&str] = &[
    "dispute",
    "resolve",
    "hold",
    "release",
    "promise_kept",
    "promise_broken",
    "instalment_missed",
    "plan_completed",
    "insolvency",
    "acknowledge",
];

fn expected(rule: Rule) -> Option<Expected> {
    let (phrase, words): (&'static str, &'static [&'static str]) = match rule {
        Rule::EOI => ("the end of the line", &[]),
        Rule::semi => ("`;`", &[]),
        Rule::comment => ("a comment", &[]),
        Rule::comma => ("`,`", &[]),
        Rule::statement => (
            "a statement (`on`, `after`, `if` or an action)",
            LINE_STARTS,
        ),
        Rule::timing => ("`after` or a duration `before due`", &["after"]),
        Rule::trigger => ("`on` and an event", &["on"]),
        Rule::event_name => ("an event of the ledger such as `promise_broken`", EVENTS),
        Rule::kw_grace => ("`grace`", &["grace"]),
        Rule::grace_of => ("`promise` or `instalment`", &["promise", "instalment"]),
        Rule::condition => ("`if`", &["if"]),
        Rule::duration => ("a duration such as `15 days`", &[]),
        Rule::integer => ("a whole number such as `15`", &[]),
        Rule::unit => (
            "a unit of time (`days`, `business days`, `weeks` or `months`)",
            &[
                "days", "day", "business", "weeks", "week", "months", "month",
            ],
        ),
        Rule::anchor => ("`from`", &["from"]),
        Rule::anchor_name => (
            "`due`, `issue` or the name of a template sent earlier",
            &["due", "issue"],
        ),
        Rule::expr | Rule::disjunction | Rule::conjunction | Rule::negation => {
            ("a condition such as `amount >= 15000`", &[])
        }
        Rule::group | Rule::open_paren => ("`(`", &[]),
        Rule::close_paren => ("`)`", &[]),
        Rule::comparison | Rule::field => (
            "a field (`amount`, `total` or `days_late`)",
            vocab::Field::WORDS,
        ),
        Rule::flag => ("a flag such as `b2b`", vocab::Flag::WORDS),
        Rule::cmp_op => ("a comparison (`<`, `<=`, `>`, `>=`, `=` or `!=`)", &[]),
        Rule::operand | Rule::number => ("a number such as `15000` or `15000.50`", &[]),
        Rule::currency_code => ("a currency code such as `EUR`", &[]),
        Rule::send => ("`send`", &["send"]),
        Rule::call => ("`call`", &["call"]),
        Rule::charge => ("`charge`", &["charge"]),
        Rule::route => ("`route`", &["route"]),
        Rule::stop => ("`stop`", &["stop"]),
        Rule::template => ("the name of a template, such as `relance_1`", &[]),
        Rule::by_clause => ("`by`", &["by"]),
        Rule::to_clause => ("`to`", &["to"]),
        Rule::statement_clause => ("`with statement`", &["with"]),
        Rule::kw_statement => ("`statement`", &["statement"]),
        Rule::kw_fresh => ("`fresh`", &["fresh"]),
        Rule::kw_within => ("`within`", &["within"]),
        Rule::channel => (
            "a channel (`email`, `courrier`, `recommandé`, `sms` or `huissier`)",
            vocab::Channel::WORDS,
        ),
        Rule::recipient => (
            "`debtor`, `guarantor` or `mandataire`",
            vocab::Recipient::WORDS,
        ),
        Rule::charge_kind => ("`indemnity`, `fee` or `interest`", vocab::ChargeKind::WORDS),
        Rule::charge_value => (
            "an amount such as `40 EUR`, a rate such as `8%`, or `statutory`",
            &["statutory"],
        ),
        Rule::rate => ("a rate such as `8%`", &[]),
        Rule::percent => ("`%`", &[]),
        Rule::money => ("an amount such as `40 EUR`", &[]),
        Rule::destination => ("a destination such as `justice_de_paix`", &[]),
        Rule::procedure => ("a procedure such as `injonction_de_payer`", &[]),
        Rule::title | Rule::folder | Rule::reason | Rule::string | Rule::quote => {
            ("a text in double quotes", &[])
        }
        Rule::close_quote => ("the closing `\"`", &[]),
        Rule::jurisdiction_code => (
            "a jurisdiction (`FR`, `BE` or `LU`)",
            vocab::Jurisdiction::WORDS,
        ),
        Rule::currency_name => ("a currency code such as `EUR`", &["EUR"]),
        Rule::debtor_kind => ("`b2b` or `b2c`", vocab::DebtorKind::WORDS),
        Rule::sector_name => (
            "a sector (`goods`, `services`, `utility` or `lease`)",
            vocab::Sector::WORDS,
        ),
        Rule::country_code => ("a country code such as `LU`", &[]),
        Rule::kw_in => ("`in`", &["in"]),
        Rule::destination_kind => (
            "a kind of destination (`court`, `bailiff`, `lawyer` or `agency`)",
            vocab::DestinationKind::WORDS,
        ),
        Rule::rule_ref => ("the code of a rule, such as `notice_period`", &[]),
        Rule::kw_after => ("`after`", &["after"]),
        Rule::kw_before => ("`before`", &["before"]),
        Rule::kw_from => ("`from`", &["from"]),
        Rule::kw_if => ("`if`", &["if"]),
        Rule::kw_and => ("`and`", &["and"]),
        Rule::kw_or => ("`or`", &["or"]),
        Rule::kw_not => ("`not`", &["not"]),
        Rule::kw_send => ("`send`", &["send"]),
        Rule::kw_by => ("`by`", &["by"]),
        Rule::kw_to => ("`to`", &["to"]),
        Rule::kw_call => ("`call`", &["call"]),
        Rule::kw_charge => ("`charge`", &["charge"]),
        Rule::kw_route => ("`route`", &["route"]),
        Rule::kw_with => ("`with`", &["with"]),
        Rule::kw_stop => ("`stop`", &["stop"]),
        Rule::kw_allow | Rule::allow => ("`allow`", &["allow"]),
        Rule::kw_because => ("`because`", &["because"]),
        Rule::kw_contacts => ("`contacts`", &["contacts"]),
        Rule::kw_per => ("`per`", &["per"]),
        Rule::kw_is => ("`is`", &["is"]),
        Rule::kw_statutory => ("`statutory`", &["statutory"]),
        Rule::kw_on => ("`on`", &["on"]),
        Rule::kw_policy
        | Rule::kw_jurisdiction
        | Rule::kw_currency
        | Rule::kw_applies
        | Rule::kw_templates
        | Rule::kw_limit
        | Rule::kw_minimum
        | Rule::kw_destination
        | Rule::kw_sector
        | Rule::policy_header
        | Rule::jurisdiction_header
        | Rule::currency_header
        | Rule::applies_header
        | Rule::templates_header
        | Rule::limit_header
        | Rule::minimum_header
        | Rule::destination_header
        | Rule::send_days_header
        | Rule::sector_header
        | Rule::kw_payments
        | Rule::fresh_header
        | Rule::grace_header => ("a header", HEADERS),
        _ => return None,
    };
    Some(Expected { phrase, words })
}

/// The whole set an error expected, with related keywords merged into one
/// phrase ("an action" rather than five keywords).
fn expectations(positives: &[Rule]) -> Vec<Expected> {
    let is_action = |r: &Rule| {
        matches!(
            r,
            Rule::kw_send
                | Rule::kw_call
                | Rule::kw_charge
                | Rule::kw_route
                | Rule::kw_stop
                | Rule::send
                | Rule::call
                | Rule::charge
                | Rule::route
                | Rule::stop
        )
    };
    let mut list: Vec<Expected> = Vec::new();
    let mut saw_action = false;
    for rule in positives {
        if is_action(rule) {
            if !saw_action {
                saw_action = true;
                list.push(Expected {
                    phrase: "an action (`send`, `call`, `charge`, `route` or `stop`)",
                    words: ACTIONS,
                });
            }
            continue;
        }
        if let Some(e) = expected(*rule) {
            if !list.iter().any(|seen| seen.phrase == e.phrase) {
                list.push(e);
            }
        }
    }
    // Optional continuations (a unit or currency after a number) are noise
    // when something else is expected too; their words still feed "did you mean".
    if list.len() > 1 {
        let optional = |e: &Expected| {
            e.phrase.starts_with("a unit of time") || e.phrase.starts_with("a currency code")
        };
        if list.iter().any(|e| !optional(e)) {
            let hidden: Vec<&'static [&'static str]> = list
                .iter()
                .filter(|e| optional(e))
                .map(|e| e.words)
                .collect();
            list.retain(|e| !optional(e));
            for words in hidden {
                list.push(Expected { phrase: "", words });
            }
        }
    }
    // A statement already says "an action"; say it once.
    if list.iter().any(|e| e.words == LINE_STARTS) {
        list.retain(|e| e.words != ACTIONS);
    }
    // The end of a line is always acceptable where a comment or `;` is; name it last.
    list.sort_by_key(|e| match e.phrase {
        "`;`" => 2,
        "a comment" => 3,
        "the end of the line" => 1,
        _ => 0,
    });
    list
}

/// The language's keywords, as written.
pub const KEYWORDS: &[&str] = &[
    "after",
    "from",
    "if",
    "and",
    "or",
    "not",
    "send",
    "by",
    "to",
    "call",
    "charge",
    "route",
    "with",
    "stop",
    "allow",
    "because",
    "policy",
    "jurisdiction",
    "currency",
    "applies",
    "templates",
    "limit",
    "contacts",
    "contact",
    "per",
    "minimum",
    "destination",
    "is",
    "statutory",
    "on",
    "min",
    "max",
];

/// Whether a word is one of the language's keywords (any case).
fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// What is at the error position, in words: `` `bye` ``, "the end of the line".
fn found(rest: &str) -> (String, usize) {
    let Some(first) = rest.chars().next() else {
        return ("the end of the line".to_string(), 0);
    };
    let len = if first.is_alphanumeric() || first == '_' {
        rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let token: String = rest[..len].chars().take(40).collect();
    (format!("`{token}`"), len)
}

pub(super) fn syntax_error(
    err: &Error<Rule>,
    line: &str,
    base: usize,
    source: &Arc<SourceFile>,
) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(pos) => pos,
        InputLocation::Span((start, _)) => start,
    }
    .min(line.len());
    let positives: &[Rule] = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => &[],
    };
    let rest = line.get(pos..).unwrap_or("");
    let (found, len) = found(rest);
    let span = Span::new(base + pos, base + pos + len);

    if positives.contains(&Rule::close_quote) {
        let open = line[..pos].rfind('"').unwrap_or(0);
        return Diagnostic::error(Code::UnterminatedString, "this text has no closing `\"`")
            .with_label(
                Span::new(base + open, base + line.len()),
                "the text starts here and runs to the end of the line",
            )
            .with_help("add `\"` where the text ends; a text cannot continue on the next line")
            .in_source(source);
    }

    let expected = expectations(positives);
    let phrases: Vec<&str> = expected
        .iter()
        .map(|e| e.phrase)
        .filter(|p| !p.is_empty())
        .collect();
    let wanted = match phrases.as_slice() {
        [] => String::from("something else"),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    let message = format!("expected {wanted}, found {found}");
    let label = match phrases.first() {
        Some(first) if phrases.len() == 1 => format!("expected {first}"),
        _ if rest.is_empty() => "the statement ends here".to_string(),
        _ => "not expected here".to_string(),
    };
    let mut diagnostic = Diagnostic::error(Code::Syntax, message)
        .with_label(span, label)
        .in_source(source);
    if let Some(help) = help(&expected, rest, &line[..pos]) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// A hint for the commonest mistakes, else "did you mean" on the found word.
fn help(expected: &[Expected], rest: &str, before: &str) -> Option<String> {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let after_digit = before.trim_end().ends_with(|c: char| c.is_ascii_digit());
    if rest.starts_with(',') && before.ends_with(|c: char| c.is_ascii_digit()) {
        return Some(
            "write decimals with a point, as in `15000.50`, and no thousands separator".into(),
        );
    }
    if after_digit && rest.starts_with(|c: char| c.is_ascii_digit()) {
        return Some("write numbers without spaces: `15000`, not `15 000`".into());
    }
    // `e-mail`, `re-lance`: the word without its hyphen.
    if let Some(after) = rest.strip_prefix('-') {
        let head: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let tail: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let joined = format!("{head}{tail}");
        let words = expected
            .iter()
            .flat_map(|e| e.words.iter().copied())
            .chain(crate::vocab::Channel::WORDS.iter().copied());
        if let Some(word) = words
            .into_iter()
            .find(|w| suggest::fold(w) == suggest::fold(&joined))
        {
            return Some(format!(
                "did you mean `{word}`? (names are written without `-`)"
            ));
        }
    }
    // `if country = LU`: a word where a condition compares numbers.
    let wants_number = expected.iter().any(|e| e.phrase.starts_with("a number"));
    if wants_number && rest.starts_with(|c: char| c.is_alphabetic()) {
        let field = before
            .trim_end()
            .trim_end_matches(['=', '<', '>', '!'])
            .trim_end()
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .next()
            .unwrap_or_default();
        let fields = suggest::one_of(crate::vocab::Field::WORDS);
        let flags = suggest::one_of(crate::vocab::Flag::WORDS);
        return Some(if crate::vocab::Field::from_word(field).is_some() {
            format!("`{field}` is compared with a number, such as `15000` (`if {field} >= 15000`)")
        } else {
            format!(
                "`{field}` is not a number a condition can compare: conditions compare {fields} \
                 with a number (`if amount >= 15000`), or test a flag, {flags}"
            )
        });
    }
    if before.ends_with('=') && rest.starts_with('>') {
        return Some("write `>=` (greater than or equal)".into());
    }
    if before.ends_with('=') && rest.starts_with('<') {
        return Some("write `<=` (less than or equal)".into());
    }
    let wants_name = expected.iter().any(|e| {
        e.phrase.contains("name")
            || e.phrase.starts_with("a destination")
            || e.phrase.starts_with("a procedure")
    });
    if wants_name && is_keyword(&word) {
        return Some(format!(
            "`{word}` is a keyword of the language and cannot be a name; choose another, e.g. `{word}_1`"
        ));
    }
    if !word.is_empty() {
        let words = expected.iter().flat_map(|e| e.words.iter().copied());
        if let Some(hint) = suggest::did_you_mean(&word, words) {
            return Some(hint);
        }
    }
    if rest.is_empty()
        && expected
            .iter()
            .any(|e| e.words == ACTIONS || e.words == LINE_STARTS)
    {
        return Some("a statement ends with what to do: `send TEMPLATE`, `call`, `charge …`, `route DESTINATION` or `stop`".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The words of the grammar's `kw_*` rules in the reserved `keyword`
    /// group, read from grammar/policy.pest itself.
    fn reserved_in_grammar() -> BTreeSet<String> {
        let grammar = include_str!("../../grammar/policy.pest");
        let group = grammar
            .split("keyword = _{")
            .nth(1)
            .and_then(|rest| rest.split('}').next())
            .unwrap_or_default();
        let rules: Vec<&str> = group
            .split(|c: char| c == '|' || c.is_whitespace())
            .filter(|w| w.starts_with("kw_"))
            .collect();
        let mut words = BTreeSet::new();
        for rule in rules {
            let definition = grammar
                .lines()
                .find(|l| l.split_whitespace().next() == Some(rule) && l.contains("= @{"))
                .unwrap_or_default();
            // `kw_contacts = @{ ^"contact" ~ ^"s"? … }`: `contact`, `contacts`.
            let quoted: Vec<&str> = definition.split('"').skip(1).step_by(2).collect();
            match quoted.as_slice() {
                [word, "s"] => {
                    words.insert(word.to_string());
                    words.insert(format!("{word}s"));
                }
                [word, ..] => {
                    words.insert(word.to_string());
                }
                [] => {}
            }
        }
        words
    }

    #[test]
    fn the_keyword_list_is_the_grammars() {
        let listed: BTreeSet<String> = super::KEYWORDS.iter().map(|k| k.to_string()).collect();
        let grammar = reserved_in_grammar();
        assert!(grammar.len() > 20, "the grammar was read: {grammar:?}");
        assert_eq!(listed, grammar);
    }

    #[test]
    fn every_header_keyword_is_a_header_and_a_line_start() {
        for header in super::HEADERS {
            assert!(
                super::LINE_STARTS.contains(header),
                "{header} starts a line"
            );
            assert!(
                include_str!("../../grammar/policy.pest").contains(&format!("^\"{header}\"")),
                "the grammar reads `{header}`"
            );
        }
    }
}
