//! A book large enough to be read and simulated on several threads gives
//! what the plain, one-thread paths give: the streamed CSV is the CSV of
//! the simulation's events, and its summary is the simulation's summary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../examples/gen_ledger/book.rs"]
mod book;

use policy::ledger::{self, ReadOptions};

mod common;
use common::BOOK_POLICY;
use policy::simulate::{self, AsWritten, Window, output};

#[test]
fn a_large_book_streams_the_events_and_summary_of_the_simulation() {
    let standard = streamed(false);
    let locale = streamed(true);
    assert!(standard == locale, "the dialects give different events");
}

/// The streamed CSV of a large book, checked against the simulation.
fn streamed(locale: bool) -> Vec<u8> {
    let options = book::Options {
        invoices: 60_000,
        debtors: 3_000,
        seed: 7,
        start: "2025-01-01".parse().unwrap(),
        days: 365,
        locale,
        names: true,
        exceptions: 0,
    };
    let generated = book::generate(&options);
    let dir = tempfile::tempdir().unwrap();
    let ledger_path = dir.path().join("ledger.csv");
    let debtors_path = dir.path().join("debtors.csv");
    let mut text = Vec::new();
    generated.write_ledger(&mut text, &options).unwrap();
    std::fs::write(&ledger_path, text).unwrap();
    let mut text = Vec::new();
    generated.write_debtors(&mut text, &options).unwrap();
    std::fs::write(&debtors_path, text).unwrap();

    let source = policy::source::SourceFile::new("test.policy", BOOK_POLICY);
    let (ast, syntax_errors) = policy::syntax::parse(&source);
    assert!(syntax_errors.is_empty());
    let (plan, _) = policy::plan::compile(&ast, &source, true);
    let plan = plan.unwrap();
    let loaded = ledger::read(&ledger_path, Some(&debtors_path), &ReadOptions::default()).unwrap();
    let book = loaded.ledger.expect("the generated book reads");
    assert_eq!(book.invoices.len(), 60_000);

    let mut all = Vec::new();
    for from in [None, Some("2025-03-01".parse().unwrap())] {
        let window = Window {
            from,
            to: "2025-12-31".parse().unwrap(),
        };
        let sim = simulate::simulate(&plan, &book, window, &AsWritten);
        assert!(sim.len() > 50_000, "{} events", sim.len());
        let mut plain = Vec::new();
        output::csv(&plan, &book, &sim, &mut plain).unwrap();
        let mut streamed = Vec::new();
        let summary = output::csv_streamed(&plan, &book, window, &AsWritten, None, &mut streamed)
            .unwrap()
            .summary;
        assert!(plain == streamed, "the streamed CSV differs");
        assert_eq!(summary, sim.summary);
        all.extend(streamed);
    }
    all
}
