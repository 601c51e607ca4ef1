//! Mandatory mentions (issue 13, point 15): every template a policy sends
//! is rendered on a sample debtor ([`crate::letters::sample`]), for each
//! channel and recipient and each kind of debtor the policy covers, and the
//! text is searched for what the jurisdiction requires of that letter
//! ([`crate::law::mentions`]). A missing mention is an error in the
//! template's file, with the text to add.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::calendar::Calendar;
use crate::diagnostic::{Code, Diagnostic};
use crate::law::mentions::{self, Found, Letter, Mention};
use crate::letters::sample;
use crate::letters::templates::{Rendered, Templates, html_to_text};
use crate::plan::{Action, Plan};
use crate::source::{SourceFile, Span};
use crate::suggest;
use crate::vocab::{DebtorKind, Recipient};

pub fn check(plan: &Plan, templates: &Templates) -> Vec<Diagnostic> {
    let Some(jurisdiction) = plan.jurisdiction.as_ref().map(|j| j.value) else {
        return Vec::new();
    };
    let calendar = Calendar::new(Some(jurisdiction));
    let pack = crate::law::pack(jurisdiction);
    let kinds: Vec<DebtorKind> = match &plan.applies_to {
        Some(k) if !k.value.is_empty() => k.value.clone(),
        _ => DebtorKind::ALL.to_vec(),
    };
    // A reminder before the first cost is the free first reminder, where the
    // law has one and the policy charges something.
    let first_charge = plan
        .steps
        .iter()
        .position(|s| matches!(s.action, Action::Charge(_)));
    let mut reported: BTreeSet<(String, &'static str)> = BTreeSet::new();
    let mut out = Vec::new();
    for (index, step) in plan.steps.iter().enumerate() {
        let Action::Send {
            template,
            channels,
            recipients,
            ..
        } = &step.action
        else {
            continue;
        };
        let notice = crate::law::is_formal_notice(template, channels);
        let mut letters: Vec<(Letter, bool)> = Vec::new();
        if recipients.contains(&Recipient::Debtor) {
            if notice {
                letters.push((Letter::Notice, false));
            } else if pack.free_reminder.is_some() && first_charge.is_some_and(|c| index < c) {
                letters.push((Letter::FreeReminder, false));
            }
        }
        if recipients.contains(&Recipient::Guarantor) {
            letters.push((Letter::Guarantor, true));
        }
        for (letter, to_guarantor) in letters {
            for &kind in &kinds {
                let required: Vec<&Mention> =
                    mentions::required(jurisdiction, letter, kind).collect();
                if required.is_empty() {
                    continue;
                }
                for &channel in channels {
                    let Some((file, source)) = templates.serving_source(template, channel) else {
                        continue;
                    };
                    let context = sample::context(
                        kind,
                        channel,
                        to_guarantor,
                        plan.currency.value,
                        &calendar,
                    );
                    // A template that fails on the sample (a column of the
                    // firm's book the sample lacks) is checked by `run`.
                    let Ok(rendered) = templates.render(template, channel, &context) else {
                        continue;
                    };
                    let text = normalise(&text_of(&rendered));
                    for mention in &required {
                        let found = match mention.found {
                            Found::Words(groups) => groups
                                .iter()
                                .all(|any| any.iter().any(|w| text.contains(&normalise(w)))),
                            Found::Printed(value) => {
                                text.contains(&normalise(&sample::printed(&context, value)))
                            }
                        };
                        if !found && reported.insert((file.clone(), mention.what)) {
                            out.push(missing(&file, &source, letter, mention));
                        }
                    }
                }
            }
        }
    }
    out
}

fn text_of(rendered: &Rendered) -> String {
    match rendered {
        Rendered::Letter { html } => html_to_text(html),
        Rendered::Email { subject, text, .. } => format!("{subject}\n{text}"),
        Rendered::Sms { text } => text.clone(),
    }
}

/// Folded (no case, no accents), with every run of spaces (no-break ones
/// included: amounts print with them) as one space.
fn normalise(text: &str) -> String {
    suggest::fold(text)
        .replace(['\u{a0}', '\u{202f}'], " ")
        .replace('’', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn missing(file: &str, source: &Arc<SourceFile>, letter: Letter, mention: &Mention) -> Diagnostic {
    let kind = match letter {
        Letter::FreeReminder => "the free first reminder",
        Letter::Notice => "the mise en demeure",
        Letter::Guarantor => "the letter to the guarantor",
    };
    let (span, label) = match closing_line(source.text()) {
        Some(span) => (span, "add it before the closing"),
        None => (Span::new(0, 0), "add it to this letter"),
    };
    Diagnostic::error(
        Code::MissingMention,
        format!("{kind} `{file}` does not state {}", mention.what),
    )
    .with_label(span, label)
    .with_help(format!(
        "required by {}; add for example: « {} »",
        mention.source.cited(),
        mention.add
    ))
    .in_source(source)
}

/// The line a letter's closing starts on (its formula of politeness), or
/// its last line with text.
fn closing_line(text: &str) -> Option<Span> {
    let mut offset = 0;
    let mut last = None;
    let mut closing = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if !trimmed.trim().is_empty() {
            let span = Span::new(offset, offset + trimmed.len());
            let folded = suggest::fold(trimmed);
            if closing.is_none()
                && [
                    "salutations",
                    "cordialement",
                    "veuillez agreer",
                    "je vous prie",
                ]
                .iter()
                .any(|w| folded.contains(w))
            {
                closing = Some(span);
            }
            last = Some(span);
        }
        offset += line.len();
    }
    closing.or(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_accents_compare_as_printed() {
        assert!(
            normalise("Indemnité de 1\u{202f}234,56\u{a0}€").contains(&normalise("1 234,56 €"))
        );
        assert!(normalise("QUATORZE  jours").contains("quatorze jours"));
    }

    #[test]
    fn the_closing_is_where_to_add() {
        let text = "Objet : x\n\nMadame,\n\nTexte.\n\nAvec nos salutations distinguées,\n\nX\n";
        let span = closing_line(text).unwrap();
        assert_eq!(
            &text[span.start..span.end],
            "Avec nos salutations distinguées,"
        );
    }
}
