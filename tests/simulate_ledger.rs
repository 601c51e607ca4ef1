//! Reading ledgers: every bad input of the contract as a snapshot of its
//! diagnostics, and the locale dialect read like the standard one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use policy::diagnostic::render::{self, Style};
use policy::ledger::{self, ReadOptions};

mod common;
use common::BOOK_POLICY;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/simulate")
}

/// The diagnostics of reading `path`, as a person sees them, with paths
/// relative to the fixtures folder.
fn report(path: &Path) -> String {
    let root = fixtures();
    let relative = path.strip_prefix(&root).unwrap();
    // Run from the fixtures folder so that file names in reports are short.
    let loaded = ledger::read(
        relative,
        Some(Path::new("debtors.csv")),
        &ReadOptions::default(),
    );
    let (ledger_ok, diagnostics) = match loaded {
        Ok(loaded) => (loaded.ledger.is_some(), loaded.diagnostics),
        Err(d) => (false, vec![d].into()),
    };
    format!(
        "ledger read: {ledger_ok}\n{}\n{}",
        render::summary(&diagnostics),
        render::human_all(&diagnostics, Style::plain())
    )
}

#[test]
fn bad_ledgers() {
    std::env::set_current_dir(fixtures()).unwrap();
    insta::glob!("fixtures/simulate/bad/*", |path| {
        insta::assert_snapshot!(report(path));
    });
}

/// The events of `policy` on a ledger, as comparable lines.
fn event_lines(policy_text: &str, ledger: &Path, debtors: &Path, to: &str) -> Vec<String> {
    let source = policy::source::SourceFile::new("test.policy", policy_text);
    // Simulation semantics only: the legal passes (which reject this
    // deliberately busy policy) are not what these tests are about.
    let (ast, syntax_errors) = policy::syntax::parse(&source);
    assert!(syntax_errors.is_empty(), "the test policy parses");
    let (plan, _) = policy::plan::compile(&ast, &source, true);
    let plan = plan.expect("the test policy compiles");
    let loaded = ledger::read(ledger, Some(debtors), &ReadOptions::default()).unwrap();
    let book = loaded
        .ledger
        .unwrap_or_else(|| panic!("{}", render::human_all(&loaded.diagnostics, Style::plain())));
    let window = policy::simulate::Window {
        from: None,
        to: to.parse().unwrap(),
    };
    let sim = policy::simulate::simulate(&plan, &book, window, &policy::simulate::AsWritten);
    let mut lines: Vec<String> = sim
        .events()
        .map(|e| {
            format!(
                "{} {} {} {} {:?} {:?} {:?}",
                e.date,
                book.invoice(e.invoice).reference,
                book.debtor(e.debtor).id,
                e.step.0,
                e.amount.normalize(),
                e.recipients,
                e.charge
            )
        })
        .collect();
    let s = &sim.summary;
    lines.push(format!(
        "summary {} {} {} {} {} {:?}",
        s.invoices,
        s.events,
        s.collected.normalize(),
        s.credited.normalize(),
        s.outstanding.normalize(),
        s.aged_total
    ));
    lines
}

#[test]
fn the_locale_dialect_gives_the_same_events_as_the_standard_one() {
    let root = fixtures();
    let standard = event_lines(
        BOOK_POLICY,
        &root.join("standard/ledger.csv"),
        &root.join("standard/debtors.csv"),
        "2025-12-31",
    );
    let locale = event_lines(
        BOOK_POLICY,
        &root.join("locale/ledger.csv"),
        &root.join("locale/debtors.csv"),
        "2025-12-31",
    );
    assert!(
        standard.len() > 100,
        "a book with events: {}",
        standard.len()
    );
    assert_eq!(standard, locale);
}

#[allow(dead_code)]
#[path = "../examples/gen_ledger/book.rs"]
mod book;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]

    /// The rows of a ledger may come in any order: same events, same summary.
    #[test]
    fn simulation_does_not_depend_on_the_order_of_rows(seed in 0u64..1000, shuffle in 0u64..u64::MAX) {
        let options = book::Options {
            invoices: 60,
            debtors: 8,
            seed,
            start: "2025-01-01".parse().unwrap(),
            days: 200,
            locale: false,
            names: false,
            exceptions: 0,
        };
        let generated = book::generate(&options);
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Vec::new();
        generated.write_ledger(&mut ledger, &options).unwrap();
        let mut debtors = Vec::new();
        generated.write_debtors(&mut debtors, &options).unwrap();
        let debtors_path = dir.path().join("debtors.csv");
        std::fs::write(&debtors_path, &debtors).unwrap();
        let text = String::from_utf8(ledger).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines.remove(0);
        // Fisher–Yates with the generator's own random numbers.
        let mut rng = book::Rng::new(shuffle);
        for i in (1..lines.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            lines.swap(i, j);
        }
        let shuffled = format!("{header}\n{}\n", lines.join("\n"));
        let ordered_path = dir.path().join("ordered.csv");
        let shuffled_path = dir.path().join("shuffled.csv");
        std::fs::write(&ordered_path, &text).unwrap();
        std::fs::write(&shuffled_path, shuffled).unwrap();
        let a = event_lines(BOOK_POLICY, &ordered_path, &debtors_path, "2025-12-31");
        let b = event_lines(BOOK_POLICY, &shuffled_path, &debtors_path, "2025-12-31");
        proptest::prop_assert_eq!(a, b);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

    /// Random books with holds, promises, plans and insolvencies (issue
    /// 14): no step fires on a day its invoice is held, nothing but an
    /// `on insolvency` handler fires from the opening of a debtor's
    /// insolvency on, and every invoice's events, steps and ledger events
    /// alike, stay in date order.
    #[test]
    fn exceptions_hold_and_stay_and_keep_the_order(seed in 0u64..10_000, share in 10u64..60) {
        use policy::ledger::ExceptionKind;
        let options = book::Options {
            invoices: 150,
            debtors: 20,
            seed,
            start: "2025-01-01".parse().unwrap(),
            days: 300,
            locale: false,
            names: false,
            exceptions: share,
        };
        let generated = book::generate(&options);
        let dir = tempfile::tempdir().unwrap();
        let mut ledger = Vec::new();
        generated.write_ledger(&mut ledger, &options).unwrap();
        let mut debtors = Vec::new();
        generated.write_debtors(&mut debtors, &options).unwrap();
        std::fs::write(dir.path().join("ledger.csv"), &ledger).unwrap();
        std::fs::write(dir.path().join("debtors.csv"), &debtors).unwrap();
        let text = format!(
            "{BOOK_POLICY}on promise_broken after 2 days send relance_2 by email\n\
             on instalment_missed after 8 days send mise_en_demeure by recommandé\n\
             on insolvency send declaration_de_creance by recommandé\n"
        );
        let source = policy::source::SourceFile::new("test.policy", text.as_str());
        let (ast, _) = policy::syntax::parse(&source);
        let (plan, diagnostics) = policy::plan::compile(&ast, &source, true);
        let plan = plan.unwrap_or_else(|| panic!("{diagnostics:?}"));
        let loaded = ledger::read(
            &dir.path().join("ledger.csv"),
            Some(&dir.path().join("debtors.csv")),
            &ReadOptions::default(),
        )
        .unwrap();
        let book = loaded
            .ledger
            .unwrap_or_else(|| panic!("{}", render::human_all(&loaded.diagnostics, Style::plain())));
        let window = policy::simulate::Window { from: None, to: "2026-06-30".parse().unwrap() };
        let sim = policy::simulate::simulate(&plan, &book, window, &policy::simulate::AsWritten);
        let mut last: std::collections::HashMap<u32, chrono::NaiveDate> = Default::default();
        for event in sim.events() {
            let invoice = book.invoice(event.invoice);
            let step = plan.step(event.step).unwrap();
            // In date order, invoice by invoice.
            let before = last.insert(event.invoice.0, event.date);
            proptest::prop_assert!(before.is_none_or(|d| d <= event.date));
            for e in book.exceptions_for(event.invoice, invoice) {
                match e.kind {
                    ExceptionKind::Insolvency => proptest::prop_assert!(
                        event.date < e.date
                            || step.trigger == Some(policy::plan::EventKind::Insolvency),
                        "{} fired on {} after the insolvency of {}", step.id.0, event.date, e.date
                    ),
                    ExceptionKind::Hold => {
                        let start = e.date.max(invoice.issued);
                        let release = book
                            .exceptions_of_debtor(invoice.debtor)
                            .iter()
                            .filter(|r| r.kind == ExceptionKind::Release && r.invoice == e.invoice && r.date >= e.date)
                            .map(|r| r.date)
                            .min();
                        let after_until = e.until.and_then(|u| u.succ_opt());
                        let end = match (release, after_until) {
                            (Some(r), Some(u)) => Some(r.min(u)),
                            (r, u) => r.or(u),
                        };
                        proptest::prop_assert!(
                            event.date < start || end.is_some_and(|end| event.date >= end),
                            "{} fired on {}, held from {start} to {end:?}", invoice.reference, event.date
                        );
                    }
                    _ => {}
                }
            }
        }
        let mut seen: std::collections::HashMap<u32, chrono::NaiveDate> = Default::default();
        for o in &sim.occurrences {
            let before = seen.insert(o.invoice.0, o.date);
            proptest::prop_assert!(before.is_none_or(|d| d <= o.date));
        }
    }
}
