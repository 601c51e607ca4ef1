//! Properties of `policy fmt` on generated policies: every construct of the
//! language, comments, blank lines, one-line `;` forms, random spacing, case
//! and line endings. For each: the formatter accepts it, is idempotent, and
//! the formatted text compiles to the same plan with the same findings.

// Test helpers outside `#[test]` functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use policy::diagnostic::Code;
use policy::format::{FormatError, format_source};
use policy::plan::{self, Plan};
use policy::source::SourceFile;
use policy::syntax;
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

/// A token as generated: its text, whether it is punctuation (which may
/// touch its neighbours), and which separator goes before it.
#[derive(Debug, Clone)]
struct Tok {
    text: String,
    punct: bool,
    space: u8,
}

type Toks = Vec<Tok>;

const SEPARATORS: [&str; 4] = [" ", "  ", "\t", " \u{A0}"];

fn render(toks: &[Tok]) -> String {
    let mut out = String::new();
    let mut previous_punct = true;
    for (i, tok) in toks.iter().enumerate() {
        if i > 0 {
            let may_touch = tok.punct || previous_punct;
            if !(may_touch && tok.space == 0) {
                out.push_str(SEPARATORS[usize::from(tok.space) % SEPARATORS.len()]);
            }
        }
        out.push_str(&tok.text);
        previous_punct = tok.punct;
    }
    out
}

fn tok(text: String, punct: bool) -> BoxedStrategy<Toks> {
    (0u8..6)
        .prop_map(move |space| {
            vec![Tok {
                text: text.clone(),
                punct,
                space,
            }]
        })
        .boxed()
}

/// A word exactly as given.
fn word(text: &str) -> BoxedStrategy<Toks> {
    tok(text.to_string(), false)
}

fn punct(text: &str) -> BoxedStrategy<Toks> {
    tok(text.to_string(), true)
}

/// A word in a random case: keywords and closed-set words are read without
/// case.
fn any_case(text: &'static str) -> BoxedStrategy<Toks> {
    prop_oneof![
        4 => Just(text.to_lowercase()),
        1 => Just(text.to_uppercase()),
        1 => Just(title(text)),
    ]
    .prop_flat_map(|t| tok(t, false))
    .boxed()
}

fn title(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn one_of(words: &'static [&'static str]) -> BoxedStrategy<Toks> {
    proptest::sample::select(words).prop_flat_map(word).boxed()
}

fn one_of_any_case(words: &'static [&'static str]) -> BoxedStrategy<Toks> {
    proptest::sample::select(words)
        .prop_flat_map(any_case)
        .boxed()
}

/// Concatenates token sequences.
fn seq(parts: Vec<BoxedStrategy<Toks>>) -> BoxedStrategy<Toks> {
    parts
        .prop_map(|parts| parts.into_iter().flatten().collect())
        .boxed()
}

fn optional(part: BoxedStrategy<Toks>) -> BoxedStrategy<Toks> {
    prop_oneof![Just(Vec::new()), part].boxed()
}

/// `a, b, c` of words from a strategy.
fn list(item: BoxedStrategy<Toks>) -> BoxedStrategy<Toks> {
    separated(item, punct(","), 4)
}

/// One to `most - 1` parts, each after its separator but the first.
fn separated(
    part: BoxedStrategy<Toks>,
    separator: BoxedStrategy<Toks>,
    most: usize,
) -> BoxedStrategy<Toks> {
    prop::collection::vec((separator, part), 1..most)
        .prop_map(|parts| {
            let mut out = Vec::new();
            for (i, (separator, part)) in parts.into_iter().enumerate() {
                if i > 0 {
                    out.extend(separator);
                }
                out.extend(part);
            }
            out
        })
        .boxed()
}

// ---------------------------------------------------------------- atoms

const TEMPLATES: &[&str] = &[
    "relance_1",
    "relance_2",
    "mise_en_demeure",
    "relancé_3",
    "Rappel",
];
const CHANNELS: &[&str] = &[
    "email",
    "courrier",
    "recommandé",
    "recommande",
    "sms",
    "huissier",
];
const DESTINATIONS: &[&str] = &[
    "justice_de_paix",
    "tribunal_arrondissement",
    "cabinet_martin",
];
const PROCEDURES: &[&str] = &["ordonnance_de_paiement", "injonction_de_payer"];

fn integer() -> BoxedStrategy<Toks> {
    prop_oneof![
        Just("1".to_string()),
        Just("0".to_string()),
        Just("015".to_string()),
        (2u32..400).prop_map(|n| n.to_string()),
    ]
    .prop_flat_map(|n| tok(n, false))
    .boxed()
}

fn number() -> BoxedStrategy<Toks> {
    prop_oneof![
        (0u32..100_000).prop_map(|n| n.to_string()),
        (0u32..100_000, 0u32..100).prop_map(|(n, d)| format!("{n}.{d:02}")),
        Just("15000.50".to_string()),
        Just("1".to_string()),
        Just("007".to_string()),
    ]
    .prop_flat_map(|n| tok(n, false))
    .boxed()
}

fn currency() -> BoxedStrategy<Toks> {
    prop_oneof![8 => any_case("EUR"), 1 => word("USD")].boxed()
}

fn money() -> BoxedStrategy<Toks> {
    seq(vec![number(), optional(currency())])
}

fn unit() -> BoxedStrategy<Toks> {
    prop_oneof![
        one_of_any_case(&["day", "days", "week", "weeks", "month", "months"]),
        // `business days` is one token: spaces or tabs only in between.
        (
            any_case("business"),
            one_of_any_case(&["day", "days"]),
            0u8..3
        )
            .prop_map(|(a, b, space)| {
                let b = b.into_iter().map(|t| Tok { space, ..t });
                a.into_iter().chain(b).collect()
            }),
    ]
    .boxed()
}

fn duration() -> BoxedStrategy<Toks> {
    seq(vec![integer(), unit()])
}

/// A string literal, with escapes and backslashes that are not escapes.
fn string() -> BoxedStrategy<Toks> {
    prop::collection::vec(
        prop_oneof![
            6 => "[a-zA-Zé0-9 #;,()]{1,6}",
            1 => Just("\\\"".to_string()),
            1 => Just("\\\\".to_string()),
            1 => Just("\\l".to_string()),
        ],
        0..5,
    )
    .prop_flat_map(|pieces| tok(format!("\"{}\"", pieces.concat()), false))
    .boxed()
}

// ---------------------------------------------------------------- items

fn header() -> BoxedStrategy<Toks> {
    prop_oneof![
        seq(vec![any_case("policy"), string()]),
        seq(vec![
            any_case("jurisdiction"),
            one_of_any_case(&["FR", "BE", "LU"])
        ]),
        seq(vec![any_case("currency"), currency()]),
        seq(vec![
            any_case("applies"),
            any_case("to"),
            list(one_of_any_case(&["b2b", "b2c"]))
        ]),
        seq(vec![any_case("templates"), string()]),
        seq(vec![
            any_case("limit"),
            integer(),
            one_of_any_case(&["contact", "contacts"]),
            any_case("per"),
            duration(),
        ]),
        seq(vec![any_case("minimum"), money()]),
        seq(vec![
            any_case("destination"),
            one_of(DESTINATIONS),
            any_case("is"),
            one_of_any_case(&["court", "bailiff", "lawyer", "agency"]),
        ]),
    ]
    .boxed()
}

fn allow() -> BoxedStrategy<Toks> {
    seq(vec![
        any_case("allow"),
        one_of(&[
            "duplicate_item",
            "policy::zero_duration",
            "unit_mismatch",
            "no_such_rule",
        ]),
        any_case("because"),
        string(),
    ])
}

fn comparison() -> BoxedStrategy<Toks> {
    prop_oneof![
        seq(vec![
            one_of_any_case(&["amount", "total"]),
            one_of(&["<", "<=", ">", ">=", "=", "!="])
                .prop_map(as_punct)
                .boxed(),
            number(),
            optional(currency()),
        ]),
        seq(vec![
            any_case("days_late"),
            one_of(&["<", "<=", ">", ">=", "=", "!="])
                .prop_map(as_punct)
                .boxed(),
            number(),
            optional(one_of_any_case(&["day", "days", "week", "weeks"])),
        ]),
    ]
    .boxed()
}

fn as_punct(toks: Toks) -> Toks {
    toks.into_iter().map(|t| Tok { punct: true, ..t }).collect()
}

/// `negation` of the grammar, nested at most a few levels.
fn negation() -> BoxedStrategy<Toks> {
    let leaf = prop_oneof![
        3 => comparison(),
        1 => one_of_any_case(&["b2b", "b2c", "guaranteed", "partially_paid"]),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            seq(vec![any_case("not"), inner.clone().boxed()]),
            seq(vec![punct("("), expr_of(inner.boxed()), punct(")")]),
        ]
    })
    .boxed()
}

/// `a and b or c`: conjunctions of negations, joined by `or`.
fn expr_of(negation: BoxedStrategy<Toks>) -> BoxedStrategy<Toks> {
    let conjunction = joined(negation, "and");
    joined(conjunction, "or")
}

fn joined(part: BoxedStrategy<Toks>, keyword: &'static str) -> BoxedStrategy<Toks> {
    separated(part, any_case(keyword), 3)
}

fn action() -> BoxedStrategy<Toks> {
    let by = seq(vec![any_case("by"), list(one_of_any_case(CHANNELS))]);
    let to = seq(vec![
        any_case("to"),
        list(one_of_any_case(&["debtor", "guarantor"])),
    ]);
    prop_oneof![
        4 => (one_of(TEMPLATES), optional(by.clone()), optional(to.clone()), any::<bool>(), any_case("send"))
            .prop_map(|(template, by, to, to_first, send)| {
                let (first, second) = if to_first { (to, by) } else { (by, to) };
                [send, template, first, second].concat()
            }),
        1 => seq(vec![any_case("call"), optional(one_of_any_case(&["debtor", "guarantor"]))]),
        1 => seq(vec![any_case("charge"), one_of_any_case(&["indemnity", "fee"]), money()]),
        1 => seq(vec![any_case("charge"), any_case("interest"), number(), punct("%")]),
        1 => seq(vec![any_case("charge"), one_of_any_case(&["interest", "indemnity"]), any_case("statutory")]),
        1 => seq(vec![
            any_case("route"),
            one_of(DESTINATIONS),
            optional(seq(vec![any_case("with"), one_of(PROCEDURES)])),
        ]),
        1 => any_case("stop"),
    ]
    .boxed()
}

fn statement() -> BoxedStrategy<Toks> {
    let anchor = seq(vec![
        any_case("from"),
        prop_oneof![3 => one_of_any_case(&["due", "issue"]), 1 => one_of(TEMPLATES)].boxed(),
    ]);
    let timing = seq(vec![any_case("after"), duration(), optional(anchor)]);
    let condition = seq(vec![any_case("if"), expr_of(negation())]);
    seq(vec![
        prop_oneof![4 => timing, 1 => Just(Vec::new())].boxed(),
        prop_oneof![1 => condition, 2 => Just(Vec::new())].boxed(),
        action(),
    ])
}

// ---------------------------------------------------------------- files

/// How an item is attached to the one before it.
#[derive(Debug, Clone)]
enum Joint {
    Newline,
    Semicolon,
    BlankLines(usize),
    CommentLine(String),
}

fn joint() -> impl Strategy<Value = Joint> {
    prop_oneof![
        6 => Just(Joint::Newline),
        2 => Just(Joint::Semicolon),
        1 => (1usize..4).prop_map(Joint::BlankLines),
        1 => comment().prop_map(Joint::CommentLine),
    ]
}

fn comment() -> impl Strategy<Value = String> {
    "#{1,2}[ a-zA-Zé0-9;\"#\\\\]{0,12}"
}

#[derive(Debug, Clone)]
struct Generated {
    text: String,
}

fn policy_file() -> impl Strategy<Value = Generated> {
    let body_item = prop_oneof![
        5 => statement(),
        1 => (allow(), joint(), statement()).prop_map(|(a, j, s)| {
            // An allow applies to the next statement; keep them together.
            let mut out = a;
            out.push(Tok { text: joint_text(&j, "\n"), punct: true, space: 0 });
            out.extend(s);
            out
        }),
    ];
    (
        prop::collection::vec((header(), joint()), 0..5),
        prop::collection::vec((body_item, joint()), 1..8),
        prop::collection::vec(proptest::option::weighted(0.2, comment()), 16),
        any::<bool>(),
        0usize..3,
        0usize..3,
        proptest::option::weighted(0.05, header()),
    )
        .prop_map(|(headers, body, trailing, crlf, lead, tail, late_header)| {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut items: Vec<(Toks, Joint)> = headers;
            items.extend(body);
            if let Some(header) = late_header {
                // A header after a statement: an error, still formatted.
                items.push((header, Joint::Newline));
            }
            let mut text = newline.repeat(lead);
            let mut line = 0;
            for (i, (toks, _)) in items.iter().enumerate() {
                if i > 0 {
                    let previous = &items[i - 1].1;
                    if !matches!(previous, Joint::Semicolon) {
                        if let Some(Some(c)) = trailing.get(line % trailing.len()) {
                            text.push(' ');
                            text.push_str(c);
                        }
                        line += 1;
                    }
                    text.push_str(&joint_text(previous, newline));
                }
                let rendered = render(toks).replace('\n', newline);
                text.push_str(&rendered);
            }
            if matches!(items.last(), Some((_, Joint::Semicolon))) {
                text.push(';');
            }
            text.push_str(&newline.repeat(tail));
            Generated { text }
        })
}

fn joint_text(joint: &Joint, newline: &str) -> String {
    match joint {
        Joint::Newline => newline.to_string(),
        Joint::Semicolon => " ; ".to_string(),
        Joint::BlankLines(n) => newline.repeat(n + 1),
        Joint::CommentLine(c) => format!("{newline}  {c}{newline}"),
    }
}

// ---------------------------------------------------------------- properties

fn compile(name: &str, text: &str) -> (Option<Plan>, Vec<Code>) {
    let source = SourceFile::new(name, text);
    let (ast, diagnostics) = syntax::parse(&source);
    assert!(diagnostics.is_empty(), "{name} does not parse: {text:?}");
    let (plan, diagnostics) = plan::compile(&ast, &source, true);
    let mut codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort();
    (plan, codes)
}

fn format(text: &str) -> Result<String, String> {
    match format_source(&SourceFile::new("generated.policy", text)) {
        Ok(text) => Ok(text),
        Err(FormatError::Syntax(d)) => Err(format!(
            "generated text does not parse: {:?}",
            d.iter().map(|d| &d.message).collect::<Vec<_>>()
        )),
        Err(FormatError::ChangedMeaning(d)) => Err(d.message),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn fmt_is_idempotent_and_keeps_the_plan(policy in policy_file()) {
        let formatted = format(&policy.text).map_err(TestCaseError::fail)?;
        let twice = format(&formatted).map_err(TestCaseError::fail)?;
        prop_assert_eq!(&twice, &formatted, "not idempotent");

        let (before, before_codes) = compile("before", &policy.text);
        let (after, after_codes) = compile("after", &formatted);
        prop_assert_eq!(before, after, "different plan");
        prop_assert_eq!(before_codes, after_codes, "different findings");

        // The canonical layout's promises.
        prop_assert!(formatted.is_empty() || formatted.ends_with('\n'));
        prop_assert!(!formatted.ends_with("\n\n"));
        prop_assert!(!formatted.starts_with('\n'));
        prop_assert!(!formatted.contains("\n\n\n"));
        prop_assert!(!formatted.contains('\r'));
        for line in formatted.lines() {
            prop_assert_eq!(line, line.trim(), "no indentation or trailing space");
        }
    }
}

/// The generator covers what it claims: plans that compile, and files that
/// do not, among a fixed sample.
#[test]
fn the_generator_makes_both_valid_and_invalid_policies() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = policy_file();
    let (mut compiled, mut failed, mut one_line) = (0, 0, 0);
    for _ in 0..200 {
        let text = strategy.new_tree(&mut runner).unwrap().current().text;
        match compile("sample", &text).0 {
            Some(_) => compiled += 1,
            None => failed += 1,
        }
        one_line += usize::from(text.contains(';'));
    }
    assert!(compiled > 40, "{compiled} of 200 compiled");
    assert!(failed > 10, "{failed} of 200 had errors");
    assert!(one_line > 40, "{one_line} of 200 used `;`");
}
