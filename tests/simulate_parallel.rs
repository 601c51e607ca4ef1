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

/// A book of 60,000 invoices over a year: above the size at which the
/// reader and the simulation use several threads.
fn large_book(seed: u64, locale: bool) -> book::Options {
    book::Options {
        invoices: 60_000,
        debtors: 3_000,
        seed,
        start: "2025-01-01".parse().unwrap(),
        days: 365,
        locale,
        names: true,
        exceptions: 0,
    }
}

/// The streamed CSV of a large book, checked against the simulation.
fn streamed(locale: bool) -> Vec<u8> {
    let options = large_book(7, locale);
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

/// A large book in random order reads to the same invoices, in the same
/// order and with the same entries, as the book sorted by date: with
/// short references (copied on every core) and long ones (moved).
#[test]
fn a_large_shuffled_book_reads_as_the_sorted_one() {
    let options = large_book(11, false);
    let mut generated = book::generate(&options);
    let mut sorted = Vec::new();
    generated.write_ledger(&mut sorted, &options).unwrap();
    generated.shuffle(3);
    let mut shuffled = Vec::new();
    generated.write_ledger(&mut shuffled, &options).unwrap();
    let mut debtors = Vec::new();
    generated.write_debtors(&mut debtors, &options).unwrap();
    let long = |text: &[u8]| {
        String::from_utf8(text.to_vec())
            .unwrap()
            .replace(",F25-", ",F25-a-reference-longer-than-inline-")
            .into_bytes()
    };
    for (sorted, shuffled) in [
        (sorted.clone(), shuffled.clone()),
        (long(&sorted), long(&shuffled)),
    ] {
        let a = invoices_of(&sorted, &debtors);
        let b = invoices_of(&shuffled, &debtors);
        assert_eq!(a.len(), 60_000);
        assert!(a == b, "the shuffled book reads differently");
    }
}

/// Each invoice of a book, in the book's order, with its entries.
#[allow(clippy::type_complexity)]
fn invoices_of(
    ledger_text: &[u8],
    debtors_text: &[u8],
) -> Vec<(String, u32, String, String, String, Vec<(String, String)>)> {
    let dir = tempfile::tempdir().unwrap();
    let ledger_path = dir.path().join("ledger.csv");
    let debtors_path = dir.path().join("debtors.csv");
    std::fs::write(&ledger_path, ledger_text).unwrap();
    std::fs::write(&debtors_path, debtors_text).unwrap();
    let loaded = ledger::read(&ledger_path, Some(&debtors_path), &ReadOptions::default()).unwrap();
    let ledger = loaded.ledger.expect("the generated book reads");
    ledger
        .invoices
        .iter()
        .map(|invoice| {
            let entries = ledger
                .entries_of(invoice)
                .iter()
                .map(|e| (e.date.to_string(), format!("{:?} {}", e.kind, e.amount)))
                .collect();
            (
                invoice.reference.to_string(),
                invoice.debtor.0,
                invoice.issued.to_string(),
                invoice.due.to_string(),
                invoice.amount.to_string(),
                entries,
            )
        })
        .collect()
}
