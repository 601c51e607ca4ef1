//! Completion: what may come next where the cursor is — keywords at the
//! start of a line, templates after `send`, anchors after `from`, channels
//! after `by`, recipients after `to` and `call`, fields and flags in a
//! condition, the destinations and procedures of the policy's jurisdiction
//! after `route` and `with`, units after a count. The words come from the
//! vocabulary, the law packs and the templates folder, never from a list
//! of our own.

use lsp_types::{
    CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind, Position,
};

use super::documents::{Analysis, Document};
use super::reference;
use super::templates;
use crate::ast::{ActionKind, HeaderKind};
use crate::check::SILENCEABLE;
use crate::law;
use crate::suggest::fold;
use crate::vocab::{
    Channel, ChargeKind, DebtorKind, DestinationKind, Field, Flag, Jurisdiction, Recipient,
};

/// Words a header line starts with.
const HEADERS: &[&str] = &[
    "policy",
    "jurisdiction",
    "currency",
    "applies to",
    "templates",
    "limit",
    "minimum",
    "destination",
    "send on business days",
    "sector",
    "payments fresh within",
    "promise grace",
    "instalment grace",
    "allow",
];
/// Words a statement starts with.
const STATEMENT_STARTS: &[&str] = &[
    "on", "after", "if", "send", "call", "charge", "route", "stop",
];
/// The ledger's events a handler reacts to (`on promise_broken …`).
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
/// What may follow a time: a condition or an action.
const AFTER_TIME: &[&str] = &["from", "if", "send", "call", "charge", "route", "stop"];
const UNITS: &[&str] = &["days", "business days", "weeks", "months"];

/// What the cursor is completing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    LineStart,
    Template,
    Anchor,
    Channel,
    Recipient,
    DebtorKind,
    Condition,
    ChargeKind,
    ChargeValue,
    Destination,
    /// After `with`: the destination before it, as written.
    Procedure(String),
    Jurisdiction,
    Currency,
    DestinationKind,
    Rule,
    Unit,
    /// Keywords that may follow.
    Words(&'static [&'static str]),
    /// A string, a comment, a number: nothing to offer.
    Nothing,
}

pub fn completion(
    document: &Document,
    position: Position,
    typed_space: bool,
) -> Vec<CompletionItem> {
    let analysis = document.analysis();
    let text = analysis.source.text();
    let offset = document.index.offset(text, position);
    let line = analysis.source.line_range(offset);
    let before = text.get(line.start..offset).unwrap_or_default();
    let slot = slot(before);
    // A space typed after a word that calls for nothing in particular: say
    // nothing rather than pop up every keyword.
    if typed_space && matches!(slot, Slot::Words(_) | Slot::LineStart | Slot::Nothing) {
        return Vec::new();
    }
    items(analysis, slot)
}

/// The slot at the end of `before` (the line up to the cursor).
fn slot(before: &str) -> Slot {
    // In a comment or a string: nothing.
    let mut in_string = false;
    let mut segment_start = 0;
    for (i, c) in before.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return Slot::Nothing,
            ';' if !in_string => segment_start = i + 1,
            _ => {}
        }
    }
    if in_string {
        return Slot::Nothing;
    }
    let segment = &before[segment_start..];
    let partial_len = segment
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .map(char::len_utf8)
        .sum::<usize>();
    let head = &segment[..segment.len() - partial_len];
    let after_comma = head.trim_end().ends_with(',');
    let words: Vec<String> = head
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let last = words.last().copied().unwrap_or_default();
    let before_last = words
        .len()
        .checked_sub(2)
        .and_then(|i| words.get(i))
        .copied()
        .unwrap_or_default();
    if head.trim_end().ends_with('(') {
        return Slot::Condition;
    }
    if after_comma {
        // A list goes on: which one is named by its keyword.
        return match words.iter().rev().find(|w| matches!(**w, "by" | "to")) {
            Some(&"by") => Slot::Channel,
            Some(_) if words.first() == Some(&"applies") => Slot::DebtorKind,
            Some(_) => Slot::Recipient,
            None => Slot::Nothing,
        };
    }
    let is_number = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == '.');
    match last {
        "" => Slot::LineStart,
        "send" if words.len() == 1 => Slot::Template,
        "send" => Slot::Template,
        "from" => Slot::Anchor,
        "by" => Slot::Channel,
        "to" if words.first() == Some(&"applies") => Slot::DebtorKind,
        "to" | "call" => Slot::Recipient,
        "applies" => Slot::Words(&["to"]),
        "sector" if words.len() == 1 => Slot::Words(crate::vocab::Sector::WORDS),
        "on" if words.len() == 1 => Slot::Words(EVENTS),
        "if" | "and" | "or" | "not" => Slot::Condition,
        "charge" => Slot::ChargeKind,
        "indemnity" | "fee" | "interest" if before_last == "charge" => Slot::ChargeValue,
        "route" => Slot::Destination,
        "with" => Slot::Procedure(before_last.to_string()),
        "jurisdiction" => Slot::Jurisdiction,
        "currency" => Slot::Currency,
        "is" if words.first() == Some(&"destination") => Slot::DestinationKind,
        "allow" => Slot::Rule,
        "because" | "policy" | "templates" => Slot::Nothing,
        w if is_number(w) && matches!(before_last, "after" | "per") => Slot::Unit,
        // `5 days before due`: a line starting with a duration.
        w if is_number(w) && words.len() == 1 => Slot::Unit,
        "day" | "days" | "week" | "weeks" | "month" | "months"
            if words.first() == Some(&"after") =>
        {
            Slot::Words(AFTER_TIME)
        }
        "day" | "days" | "week" | "weeks" | "month" | "months"
            if words.first().is_some_and(|w| is_number(w)) =>
        {
            Slot::Words(&["before"])
        }
        "before" => Slot::Words(&["due"]),
        _ if before_last == "send" => Slot::Words(&["by", "to"]),
        _ => Slot::Words(STATEMENT_STARTS),
    }
}

fn items(analysis: &Analysis, slot: Slot) -> Vec<CompletionItem> {
    let words = |list: &[&str], kind, detail: &str| -> Vec<CompletionItem> {
        list.iter()
            .map(|w| item(w, kind, Some(detail), None))
            .collect()
    };
    match slot {
        Slot::Nothing => Vec::new(),
        Slot::LineStart => {
            let mut out = words(STATEMENT_STARTS, CompletionItemKind::KEYWORD, "statement");
            out.extend(words(HEADERS, CompletionItemKind::KEYWORD, "header"));
            out
        }
        Slot::Words(list) => words(list, CompletionItemKind::KEYWORD, "keyword"),
        Slot::Unit => words(UNITS, CompletionItemKind::UNIT, "unit"),
        Slot::Channel => words(Channel::WORDS, CompletionItemKind::ENUM_MEMBER, "channel"),
        Slot::Recipient => words(
            Recipient::WORDS,
            CompletionItemKind::ENUM_MEMBER,
            "recipient",
        ),
        Slot::DebtorKind => words(
            DebtorKind::WORDS,
            CompletionItemKind::ENUM_MEMBER,
            "debtor kind",
        ),
        Slot::ChargeKind => words(ChargeKind::WORDS, CompletionItemKind::ENUM_MEMBER, "charge"),
        Slot::ChargeValue => words(
            &["statutory"],
            CompletionItemKind::KEYWORD,
            "the amount or rate the law sets",
        ),
        Slot::Jurisdiction => Jurisdiction::ALL
            .iter()
            .map(|j| {
                item(
                    j.as_str(),
                    CompletionItemKind::ENUM_MEMBER,
                    Some(law::country(*j)),
                    None,
                )
            })
            .collect(),
        Slot::Currency => words(
            crate::vocab::CURRENCIES,
            CompletionItemKind::ENUM_MEMBER,
            "currency",
        ),
        Slot::DestinationKind => words(
            DestinationKind::WORDS,
            CompletionItemKind::ENUM_MEMBER,
            "destination kind",
        ),
        Slot::Condition => {
            let mut out = words(
                Field::WORDS,
                CompletionItemKind::FIELD,
                "field (compared with a number)",
            );
            out.extend(words(Flag::WORDS, CompletionItemKind::ENUM_MEMBER, "flag"));
            out.push(item(
                "not",
                CompletionItemKind::KEYWORD,
                Some("keyword"),
                None,
            ));
            out
        }
        Slot::Rule => SILENCEABLE
            .iter()
            .map(|code| {
                let short = code.as_str().trim_start_matches("policy::");
                let doc = reference::code_section(*code).map(str::to_string);
                item(short, CompletionItemKind::ENUM_MEMBER, Some("rule"), doc)
            })
            .collect(),
        Slot::Template => match analysis.templates_dir() {
            Some(dir) => templates::names(&dir)
                .iter()
                .map(|name| {
                    let forms: Vec<&str> = templates::files(&dir, name)
                        .iter()
                        .map(|f| if f.is_html { "letter" } else { "e-mail" })
                        .collect();
                    item(
                        name,
                        CompletionItemKind::FILE,
                        Some(&forms.join(", ")),
                        None,
                    )
                })
                .collect(),
            None => Vec::new(),
        },
        Slot::Anchor => {
            let mut out = vec![
                item(
                    "due",
                    CompletionItemKind::KEYWORD,
                    Some("the due date"),
                    None,
                ),
                item(
                    "issue",
                    CompletionItemKind::KEYWORD,
                    Some("the issue date"),
                    None,
                ),
            ];
            let mut sent: Vec<&str> = Vec::new();
            for statement in analysis.tree().ast.statements() {
                if let ActionKind::Send { template, .. } = &statement.action.kind {
                    if !sent.contains(&template.text.as_str()) {
                        sent.push(&template.text);
                    }
                }
            }
            out.extend(sent.iter().map(|t| {
                item(
                    t,
                    CompletionItemKind::REFERENCE,
                    Some("a letter sent earlier"),
                    None,
                )
            }));
            out
        }
        Slot::Destination => {
            let mut out = declared(analysis);
            if let Some(j) = analysis.jurisdiction() {
                out.extend(law::pack(j).destinations.iter().map(|d| {
                    item(
                        d.name,
                        CompletionItemKind::ENUM_MEMBER,
                        Some(d.title),
                        reference::destination_row(j, d.name),
                    )
                }));
            }
            out
        }
        Slot::Procedure(destination) => {
            let Some(j) = analysis.jurisdiction() else {
                return Vec::new();
            };
            let pack = law::pack(j);
            // Before a catalogue court, only what it hears; before the
            // firm's own destination (its lawyer files it), any.
            let catalogue = pack.destination(&destination).map(|d| d.name);
            pack.procedure_names()
                .filter_map(|name| pack.procedure(name))
                .filter(|p| catalogue.is_none() || p.venue(catalogue).is_some())
                .map(|p| {
                    item(
                        p.name,
                        CompletionItemKind::ENUM_MEMBER,
                        Some(p.title),
                        reference::procedure_row(j, p.name),
                    )
                })
                .collect()
        }
    }
}

/// The firm's own destinations, from the policy's headers.
fn declared(analysis: &Analysis) -> Vec<CompletionItem> {
    analysis
        .tree()
        .ast
        .headers()
        .filter_map(|h| match &h.kind {
            HeaderKind::Destination { name, kind } => Some(item(
                &name.text,
                CompletionItemKind::ENUM_MEMBER,
                Some(&format!("the firm's {}", kind.text)),
                None,
            )),
            _ => None,
        })
        .collect()
}

fn item(
    label: &str,
    kind: CompletionItemKind,
    detail: Option<&str>,
    doc: Option<String>,
) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.map(str::to_string),
        documentation: doc.map(|value| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            })
        }),
        ..CompletionItem::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_slot_follows_the_last_keyword() {
        assert_eq!(slot(""), Slot::LineStart);
        assert_eq!(slot("  sen"), Slot::LineStart);
        assert_eq!(slot("after 10 days send "), Slot::Template);
        assert_eq!(slot("after 10 days send rel"), Slot::Template);
        assert_eq!(slot("after 10 days send relance_1 by "), Slot::Channel);
        assert_eq!(
            slot("after 10 days send relance_1 by email, cour"),
            Slot::Channel
        );
        assert_eq!(slot("send x by email to debtor, "), Slot::Recipient);
        assert_eq!(slot("applies to b2b, "), Slot::DebtorKind);
        assert_eq!(slot("applies to "), Slot::DebtorKind);
        assert_eq!(slot("after 5 days from "), Slot::Anchor);
        assert_eq!(slot("after 5 "), Slot::Unit);
        assert_eq!(slot("limit 4 contacts per 30 "), Slot::Unit);
        assert_eq!(slot("after 5 days if amount > 10 and "), Slot::Condition);
        assert_eq!(slot("if not ("), Slot::Condition);
        assert_eq!(slot("route "), Slot::Destination);
        assert_eq!(
            slot("after 60 days route justice_de_paix with "),
            Slot::Procedure("justice_de_paix".into())
        );
        assert_eq!(slot("charge indemnity "), Slot::ChargeValue);
        assert_eq!(slot("destination cabinet is "), Slot::DestinationKind);
        assert_eq!(slot("allow "), Slot::Rule);
        assert_eq!(slot("after 10 days send x # by "), Slot::Nothing);
        assert_eq!(slot("policy \"by "), Slot::Nothing);
        assert_eq!(slot("stop; after 3 days send "), Slot::Template);
        assert_eq!(slot("after 10 days "), Slot::Words(AFTER_TIME));
        assert_eq!(slot("5 "), Slot::Unit);
        assert_eq!(slot("5 days "), Slot::Words(&["before"]));
        assert_eq!(slot("5 days before "), Slot::Words(&["due"]));
    }
}
