//! `policy check` must stay fast on a generated 10,000-statement policy,
//! whatever its shape: the analysis is linear-ish (no path enumeration) and
//! bounds its exact questions. Debug builds check 2,000 statements (the
//! machine is shared); `cargo test --release --test analysis_scale --
//! --nocapture` checks 10,000 and prints the figures.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // a failing test panics

use std::path::Path;
use std::time::{Duration, Instant};

use policy::check::{analyse, check_source};
use policy::plan;
use policy::source::SourceFile;
use policy::syntax;

const HEADERS: &str = "policy \"bench\"\njurisdiction LU\ncurrency EUR\napplies to b2b, b2c\nlimit 4 contacts per 30 days\n";

/// Statements per generated policy.
const N: usize = if cfg!(debug_assertions) {
    2_000
} else {
    10_000
};

/// The shapes a generated policy can take.
fn shapes() -> Vec<(&'static str, String)> {
    let mixed: Vec<String> = (0..N)
        .map(|i| {
            let d = 10 + i;
            match i % 10 {
                0..=2 => format!("after {d} days send relance_{i} by email"),
                3 => format!("after {d} days call debtor"),
                4 => format!("after {d} days send mise_en_demeure_{i} by recommandé to debtor, guarantor"),
                5 => "charge indemnity 40 EUR".to_string(),
                6 => format!("after {d} days if amount <= 15000 route justice_de_paix with ordonnance_de_paiement"),
                7 => format!("after {d} days if amount > 15000 route tribunal_arrondissement with ordonnance_de_provision"),
                8 => format!("after {d} days if amount > {i} and b2b send relance_x{i} by courrier"),
                _ => format!("after 3 days from relance_{} send suivi_{i} by email", i - 9),
            }
        })
        .collect();
    let chain: Vec<String> = std::iter::once("after 10 days send s0 by email".to_string())
        .chain((1..N).map(|i| format!("after 1 day from s{} send s{i} by email", i - 1)))
        .collect();
    let same_day: Vec<String> = std::iter::once(
        "after 45 days send mise_en_demeure by recommandé to debtor, guarantor".to_string(),
    )
    .chain((0..N - 1).map(|i| {
        format!(
            "after 60 days if amount > {} and amount <= {} route justice_de_paix",
            i,
            i + 1
        )
    }))
    .collect();
    let contacts: Vec<String> = (0..N)
        .map(|i| {
            format!(
                "after {} days if amount > {i} send r{i} by email",
                10 + i / 100
            )
        })
        .collect();
    vec![
        ("mixed", format!("{HEADERS}{}\n", mixed.join("\n"))),
        ("one line", format!("{HEADERS}{}\n", mixed.join("; "))),
        ("anchor chain", format!("{HEADERS}{}\n", chain.join("\n"))),
        (
            "same-day routes",
            format!("{HEADERS}{}\n", same_day.join("\n")),
        ),
        (
            "same-day contacts",
            format!("{HEADERS}{}\n", contacts.join("\n")),
        ),
    ]
}

#[test]
fn ten_thousand_statements_check_quickly() {
    let limit = if cfg!(debug_assertions) {
        Duration::from_secs(20)
    } else {
        Duration::from_secs(1)
    };
    for (name, text) in shapes() {
        let source = SourceFile::new(format!("{name}.policy"), text);
        let start = Instant::now();
        let (ast, _) = syntax::parse(&source);
        let (compiled, _) = plan::compile(&ast, &source, true);
        let compiled = compiled.expect("the generated policy compiles");
        let compiled_in = start.elapsed();
        let start = Instant::now();
        let diagnostics = analyse(&compiled, policy::claim::RateTable::shipped());
        let analysed_in = start.elapsed();
        let start = Instant::now();
        let checked = check_source(&source, Path::new("."));
        let total = start.elapsed();
        println!(
            "{name:>18}: {} steps, parse+compile {compiled_in:?}, analysis {analysed_in:?} ({} findings), check_source {total:?}",
            compiled.steps.len(),
            diagnostics.len(),
        );
        assert_eq!(compiled.steps.len(), N);
        assert!(total < limit, "{name}: {total:?}");
        assert!(!checked.diagnostics.is_empty() || name != "mixed");
    }
}
