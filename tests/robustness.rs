#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! No input makes the checker panic or hang: random text, random sequences
//! of the language's own tokens, and real policies mutated at random.

use std::path::Path;

use policy::check::check_source;
use policy::load;
use proptest::prelude::*;

/// The language's keywords and the other words and symbols of a policy.
fn tokens() -> Vec<&'static str> {
    let mut tokens = policy::syntax::KEYWORDS.to_vec();
    tokens.extend_from_slice(OTHER_TOKENS);
    tokens
}

const OTHER_TOKENS: &[&str] = &[
    "days",
    "business days",
    "weeks",
    "months",
    "due",
    "issue",
    "relance_1",
    "mise_en_demeure",
    "email",
    "recommandé",
    "courrier",
    "debtor",
    "guarantor",
    "amount",
    "total",
    "days_late",
    "b2b",
    "b2c",
    "guaranteed",
    "partially_paid",
    "indemnity",
    "fee",
    "interest",
    "EUR",
    "USD",
    "LU",
    "FR",
    "BE",
    "15",
    "0",
    "15000.50",
    "99999999999999999999999999999999",
    "8%",
    "(",
    ")",
    ",",
    ";",
    "#",
    "\"",
    "\"x\"",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "!=",
    "\n",
    "\r\n",
    " ",
    "\t",
    "\u{0}",
    "é",
    "\u{301}",
];

/// Checks text as `policy check` would; only returning matters.
fn check_text(text: String) {
    if let Ok(source) = load::text_source("fuzz.policy".into(), text.into_bytes()) {
        let checked = check_source(&source, Path::new("."));
        // Rendering must not panic either (spans must fall in the text).
        let _ = policy::diagnostic::render::human_all(
            &checked.diagnostics,
            policy::diagnostic::render::Style::plain(),
        );
        let _ = policy::diagnostic::render::json(&checked.diagnostics);
        if let Some(plan) = checked.plan {
            let _ = policy::explain::table(&plan);
        }
    }
}

fn examples() -> Vec<String> {
    [
        "policies/lu-b2b.policy",
        "policies/be-b2c.policy",
        "policies/fr-b2b.policy",
    ]
    .iter()
    .map(|p| std::fs::read_to_string(p).unwrap())
    .collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, String),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = proptest::sample::select(tokens()).prop_map(str::to_string);
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<usize>(), token.clone()).prop_map(|(at, t)| Mutation::Insert(at, t)),
        (any::<usize>(), token).prop_map(|(at, t)| Mutation::Replace(at, t)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn char_floor(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut text: String, mutation: &Mutation) -> String {
    match mutation {
        Mutation::Delete(at, len) => {
            let start = char_floor(&text, *at);
            let end = char_floor(&text, (start + len).min(text.len()));
            text.replace_range(start..end.max(start), "");
        }
        Mutation::Insert(at, token) => {
            let at = char_floor(&text, *at);
            text.insert_str(at, token);
        }
        Mutation::Replace(at, token) => {
            let start = char_floor(&text, *at);
            let end = char_floor(&text, (start + token.len()).min(text.len()));
            text.replace_range(start..end.max(start), token);
        }
        Mutation::DuplicateLine(at) => {
            let lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let line = lines[at % lines.len()].to_string();
                text.push('\n');
                text.push_str(&line);
            }
        }
        Mutation::SwapLines(a, b) => {
            let mut lines: Vec<&str> = text.lines().collect();
            if !lines.is_empty() {
                let n = lines.len();
                lines.swap(a % n, b % n);
                text = lines.join("\n");
            }
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC*") {
        check_text(text);
    }

    #[test]
    fn random_tokens_never_panic(tokens in proptest::collection::vec(proptest::sample::select(tokens()), 0..60)) {
        check_text(tokens.join(" "));
    }

    #[test]
    fn mutated_policies_never_panic(which in 0usize..3, mutations in proptest::collection::vec(mutation(), 1..8)) {
        let mut text = examples()[which].clone();
        for m in &mutations {
            text = apply(text, m);
        }
        check_text(text);
    }
}

#[test]
fn hostile_inputs_finish_quickly() {
    let started = std::time::Instant::now();
    let cases = [
        "x".repeat(1_000_000),
        format!("# {}", "é".repeat(500_000)),
        format!(
            "after 1 days if {}b2b{} stop",
            "(".repeat(100_000),
            ")".repeat(100_000)
        ),
        format!("after 1 days if {}b2b stop", "not ".repeat(100_000)),
        format!("policy \"{}", "a".repeat(1_000_000)),
        "after 1 day send a;".repeat(10_000),
        "\n".repeat(1_000_000),
    ];
    for text in cases {
        check_text(text);
    }
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
}
