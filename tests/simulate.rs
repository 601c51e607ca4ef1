//! The semantics of `policy simulate`, one test per rule of
//! docs/simulation.md, on small ledgers under tests/fixtures/simulate/.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use policy::check::check_source;
use policy::ledger::{self, ReadOptions};
use policy::simulate::{self, AsWritten, Window};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/simulate")
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// The events of the fixture `name` up to `to`, one line each:
/// `date invoice step action target [recipients] amount [charge]`.
fn events(name: &str, to: &str) -> Vec<String> {
    let dir = fixtures().join(name);
    let source = policy::load::read_policy(&dir.join("policy.policy")).unwrap();
    let checked = check_source(&source, &dir);
    let plan = checked
        .plan
        .unwrap_or_else(|| panic!("{:?}", checked.diagnostics));
    let debtors = fixtures().join("debtors.csv");
    let loaded = ledger::read(
        &dir.join("ledger.csv"),
        Some(&debtors),
        &ReadOptions::default(),
    )
    .unwrap();
    let book = loaded
        .ledger
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics));
    let window = Window {
        from: None,
        to: date(to),
    };
    let sim = simulate::simulate(&plan, &book, window, &AsWritten);
    sim.events()
        .map(|e| {
            let step = plan.step(e.step).unwrap();
            let mut line = format!(
                "{} {} {} {}",
                e.date,
                book.invoice(e.invoice).reference,
                e.step.0 + 1,
                step.action.verb()
            );
            if let Some(target) = step.action.target() {
                line.push(' ');
                line.push_str(target);
            }
            let to: Vec<&str> = e.recipients.words().collect();
            if !to.is_empty() {
                line.push_str(&format!(" to {}", to.join("+")));
            }
            line.push_str(&format!(" {}", e.amount));
            if let Some(charge) = e.charge {
                line.push_str(&format!(" charge {charge}"));
            }
            line
        })
        .collect()
}

#[test]
fn an_invoice_paid_in_full_leaves_the_policy_that_day() {
    // F-1 is paid on 2 March, the day relance_2 falls: it does not go out.
    // F-2, paid in part, goes on.
    assert_eq!(
        events("paid_stops", "2026-12-31"),
        [
            "2026-02-15 F-1 1 send relance_1 to debtor 1000.00",
            "2026-02-15 F-2 1 send relance_1 to debtor 500.00",
            "2026-03-02 F-2 2 send relance_2 to debtor 400.00",
            "2026-03-17 F-2 3 send relance_3 to debtor 400.00",
        ]
    );
}

#[test]
fn a_partial_payment_changes_a_later_condition() {
    assert_eq!(
        events("partial_payment", "2026-12-31"),
        [
            "2026-02-15 F-1 1 send relance_forte to debtor 1500.00",
            "2026-02-15 F-2 1 send relance_forte to debtor 1500.00",
            // 600 paid on 20 February: 900 left, below 1000, paid in part
            "2026-03-02 F-1 2 send relance_douce to debtor 900.00",
            "2026-03-02 F-1 3 call to debtor 900.00",
        ]
    );
}

#[test]
fn a_dispute_stops_the_clock() {
    // F-1 disputed 10–20 February (10 days): steps after 10 February move
    // by 10 days; the one before (5 February) is not moved. F-2's dispute
    // is never resolved: nothing fires from 10 February on.
    assert_eq!(
        events("dispute", "2026-12-31"),
        [
            "2026-02-05 F-1 1 send rappel to debtor 1000.00",
            "2026-02-05 F-2 1 send rappel to debtor 1000.00",
            "2026-02-25 F-1 2 send relance_1 to debtor 1000.00",
            "2026-03-12 F-1 3 send relance_2 to debtor 1000.00",
        ]
    );
}

#[test]
fn the_guarantor_is_reached_only_where_there_is_one() {
    assert_eq!(
        events("guarantor", "2026-12-31"),
        [
            "2026-03-17 F-1 1 send mise_en_demeure to debtor+guarantor 1000.00",
            "2026-03-17 F-1 2 send information_caution to guarantor 1000.00",
            "2026-03-17 F-1 3 call to guarantor 1000.00",
            // BETA has no guarantor: the letter goes to the debtor only, and
            // the steps for the guarantor alone do not fire
            "2026-03-17 F-2 1 send mise_en_demeure to debtor 1000.00",
        ]
    );
}

#[test]
fn applies_to_filters_debtors_by_kind() {
    assert_eq!(
        events("applies_to", "2026-12-31"),
        ["2026-02-15 F-2 1 send relance_1 to debtor 80.00"]
    );
}

#[test]
fn business_days_skip_easter_monday_and_ascension() {
    assert_eq!(
        events("business_days", "2026-12-31"),
        [
            // Thu 2 April 2026 + 2: Fri 3, (Sat, Sun, Easter Monday) Tue 7
            "2026-04-07 F-1 1 send relance_1 to debtor 1000.00",
            // Mon 11 May + 2: Tue 12, Wed 13 (no holiday yet)
            "2026-05-13 F-3 1 send relance_1 to debtor 1000.00",
            // Wed 13 May + 2: (Ascension Thu 14) Fri 15, (Sat, Sun) Mon 18
            "2026-05-18 F-2 1 send relance_1 to debtor 1000.00",
        ]
    );
}

#[test]
fn months_are_clamped_to_the_end_of_the_month() {
    assert_eq!(
        events("month_end", "2028-12-31"),
        [
            "2026-02-28 F-1 1 send relance_1 to debtor 1000.00",
            "2026-04-28 F-1 2 send relance_2 to debtor 1000.00",
            "2026-04-30 F-3 1 send relance_1 to debtor 1000.00",
            "2026-06-30 F-3 2 send relance_2 to debtor 1000.00",
            "2028-02-29 F-2 1 send relance_1 to debtor 1000.00",
            "2028-04-29 F-2 2 send relance_2 to debtor 1000.00",
        ]
    );
}

#[test]
fn same_day_steps_fire_in_written_order_and_stop_ends_the_rest() {
    // Invoices by reference, whatever the ledger's order; on one day the
    // steps as written; `stop` ends what is written after it.
    assert_eq!(
        events("same_day", "2026-12-31"),
        [
            "2026-03-02 F-1 1 send mise_en_demeure to debtor 1000.00",
            "2026-03-02 F-1 2 charge indemnity 1000.00 charge 40",
            "2026-03-02 F-1 3 call to debtor 1000.00",
            "2026-03-02 F-1 4 stop 1000.00",
            "2026-03-02 F-2 1 send mise_en_demeure to debtor 700.00",
            "2026-03-02 F-2 2 charge indemnity 700.00 charge 40",
            "2026-03-02 F-2 3 call to debtor 700.00",
            "2026-03-02 F-2 4 stop 700.00",
        ]
    );
}

#[test]
fn a_step_timed_from_a_letter_fires_only_if_the_letter_went_out() {
    // F-2 is below 1000: relance_1 is skipped, so is relance_2 timed from
    // it. F-3 is below the policy's minimum of 50: nothing fires.
    assert_eq!(
        events("anchors", "2026-12-31"),
        [
            "2026-02-15 F-1 1 send relance_1 to debtor 1000.00",
            "2026-02-20 F-1 3 send rappel to debtor 1000.00",
            "2026-02-20 F-2 3 send rappel to debtor 500.00",
            "2026-02-25 F-1 2 send relance_2 to debtor 1000.00",
        ]
    );
}

#[test]
fn total_is_the_debtors_balance_over_the_invoices_issued_that_day() {
    assert_eq!(
        events("total", "2026-12-31"),
        [
            "2026-02-15 F-1 1 send relance_globale to debtor 1200.00",
            "2026-02-15 F-2 1 send relance_globale to debtor 900.00",
            "2026-04-15 F-4 1 send relance_globale to debtor 900.00",
        ]
    );
}

#[test]
fn steps_after_the_window_do_not_fire_and_from_hides_earlier_ones() {
    let all = events("paid_stops", "2026-03-10");
    assert_eq!(all.len(), 3, "{all:?}");
    let dir = fixtures().join("paid_stops");
    let source = policy::load::read_policy(&dir.join("policy.policy")).unwrap();
    let plan = check_source(&source, &dir).plan.unwrap();
    let book = ledger::read(
        &dir.join("ledger.csv"),
        Some(&fixtures().join("debtors.csv")),
        &ReadOptions::default(),
    )
    .unwrap()
    .ledger
    .unwrap();
    let window = Window {
        from: Some(date("2026-03-01")),
        to: date("2026-12-31"),
    };
    let sim = simulate::simulate(&plan, &book, window, &AsWritten);
    let dates: Vec<String> = sim.events().map(|e| e.date.to_string()).collect();
    assert_eq!(dates, ["2026-03-02", "2026-03-17"]);
    // collected in the window, outstanding at its end
    assert_eq!(sim.summary.collected.to_string(), "1000.00");
    assert_eq!(sim.summary.outstanding.to_string(), "400.00");
    assert_eq!(sim.summary.invoices, 2);
}
