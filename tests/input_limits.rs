#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 17, points 10, 11 and 14: what a policy's size must not do.
//!
//! - 10: a 1 MB comment on a header's line and 1,000 duplicate headers made
//!   `check` write 1 GB to stderr (each diagnostic quoted the long line);
//!   now at most 500 diagnostics per file, and quoted lines are windows.
//! - 11: an `and` chain of 16,000 distinct thresholds took 11 s (the
//!   analysis evaluated the whole chain once per cell of the number line).
//! - 14: 10,000 steps simulated in 11 s and ran in 22 s (the next step was
//!   found by a scan); `check` now refuses more than 10 contacts with one
//!   person on one day.
//!
//! Times are not asserted closely (a busy machine): the bounds below are
//! ten times what the linear code takes in a debug build, and far below
//! what the quadratic code took.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use policy::check::{MAX_DIAGNOSTICS, check_source};
use policy::diagnostic::Code;
use policy::diagnostic::render::{Style, human_all};

fn check(text: &str) -> policy::check::Checked {
    let source = policy::load::text_source("p.policy".into(), text.as_bytes().to_vec()).unwrap();
    check_source(
        &source,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("policies"),
    )
}

const HEAD: &str =
    "policy \"x\"\njurisdiction LU\ncurrency EUR\napplies to b2b\ntemplates \"templates/lu\"\n";

fn long_comment_and_duplicate_headers() -> String {
    format!(
        "policy \"x\"\njurisdiction LU # {}\ncurrency EUR\napplies to b2b\n{}after 15 days send relance_1 by email\n",
        "x".repeat(1_000_000),
        "jurisdiction LU\n".repeat(1000)
    )
}

#[test]
fn a_thousand_duplicate_headers_beside_a_long_line_print_a_bounded_report() {
    let checked = check(&long_comment_and_duplicate_headers());
    let d = &checked.diagnostics;
    assert_eq!(d.len(), MAX_DIAGNOSTICS + 1);
    let last = d.iter().last().unwrap();
    assert_eq!(last.code, Code::MoreProblems);
    assert!(last.is_error(), "as severe as what it counts");
    assert!(
        last.message.starts_with("500 more problems in `p.policy`"),
        "{}",
        last.message
    );
    let human = human_all(d, Style::plain());
    // 1,000,501,264 bytes before; a few hundred bytes per diagnostic now.
    assert!(human.len() < 400_000, "{} bytes", human.len());
    // The first header is named by its line, not quoted.
    assert!(
        human.contains("the `jurisdiction` header is given twice (first at line 2)"),
        "{}",
        &human[..2000]
    );
}

#[test]
fn the_check_command_prints_the_bounded_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        long_comment_and_duplicate_headers(),
    )
    .unwrap();
    let out = Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args(["check", "p.policy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.len() < 400_000, "{} bytes", out.stderr.len());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy::more_problems"), "{stderr}");
    let json = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "p.policy"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        value["diagnostics"].as_array().unwrap().len(),
        MAX_DIAGNOSTICS + 1
    );
}

#[test]
fn a_problem_next_to_a_long_line_quotes_a_window() {
    // The duplicate is on the line after a 1 MB comment: miette's context
    // line would have been the comment.
    let text = format!(
        "policy \"x\"\njurisdiction LU\ncurrency EUR\n# {}\njurisdiction BE\nafter 15 days send relance_1 by email\n",
        "y".repeat(1_000_000)
    );
    let checked = check(&text);
    let human = human_all(&checked.diagnostics, Style::plain());
    assert!(human.len() < 10_000, "{} bytes", human.len());
    assert!(!human.contains("yyyyyyyyyy"), "{human}");
    assert!(human.contains("policy::duplicate_header"), "{human}");
    assert!(human.contains("p.policy:5:1"), "{human}");
}

fn chain(terms: usize) -> String {
    let cond = (0..terms)
        .map(|i| format!("amount > {i}"))
        .collect::<Vec<_>>()
        .join(" and ");
    format!("{HEAD}after 15 days if {cond} send relance_1 by email\n")
}

#[test]
fn a_long_and_chain_is_checked_in_linear_time() {
    // 16,000 distinct thresholds: 10.7 s in a release build before, 0.14 s
    // after (docs/robustness.md); debug builds are about ten times slower.
    let text = chain(16_000);
    let started = Instant::now();
    let checked = check(&text);
    let took = started.elapsed();
    assert!(checked.plan.is_some(), "{:?}", checked.diagnostics);
    assert!(took < Duration::from_secs(30), "took {took:?}");
    // A short chain is still decided exactly: 1 and 2 leave no amount
    // between, so the step never fires.
    let never = check(&format!(
        "{HEAD}after 15 days if amount < 1 and amount > 2 send relance_1 by email\n"
    ));
    assert!(
        never.diagnostics.iter().any(|d| d.code == Code::NeverFires),
        "{:?}",
        never.diagnostics
    );
}

fn same_day(n: usize, to: &str) -> String {
    format!(
        "{HEAD}{}",
        format!("after 15 days send relance_1 by email to {to}\n").repeat(n)
    )
}

#[test]
fn more_than_ten_contacts_on_one_day_is_an_error() {
    for to in ["debtor", "guarantor"] {
        let ten = check(&same_day(10, to));
        assert!(
            ten.diagnostics
                .iter()
                .all(|d| d.code != Code::SameDayContacts),
            "{to}: {:?}",
            ten.diagnostics
        );
        let eleven = check(&same_day(11, to));
        let found: Vec<_> = eleven
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::SameDayContacts)
            .collect();
        assert_eq!(found.len(), 1, "{to}: {:?}", eleven.diagnostics);
        assert!(found[0].is_error());
        assert!(
            found[0]
                .message
                .starts_with(&format!("11 steps contact the {to} on the same day")),
            "{}",
            found[0].message
        );
        assert!(
            eleven.plan.is_none(),
            "an error: nothing is simulated or sent"
        );
    }
    // Steps on different days are the contact limit's business, not this.
    let spread: String = (0..20)
        .map(|i| format!("after {} days send relance_1 by email\n", 15 + i))
        .collect();
    let checked = check(&format!("{HEAD}{spread}"));
    assert!(
        checked
            .diagnostics
            .iter()
            .all(|d| d.code != Code::SameDayContacts)
    );
    // The case: ten thousand steps on day 15.
    let checked = check(&same_day(10_000, "debtor"));
    assert!(
        checked
            .diagnostics
            .iter()
            .any(|d| d.code == Code::SameDayContacts && d.message.starts_with("10000 steps"))
    );
}

#[test]
fn ten_thousand_steps_simulate_and_run_in_linear_time() {
    // Five steps a day for 2,000 days (the same-day check allows them):
    // 11.3 s to simulate and 21.6 s for a dry run on the example book in a
    // release build before, 0.42 s and 0.81 s after.
    let steps: String = (0..10_000)
        .map(|i| format!("after {} days send relance_1 by email\n", 15 + i / 5))
        .collect();
    let policy = format!("{HEAD}allow contact_frequency because \"test de charge\"\n{steps}");
    let checked = check(&policy);
    let plan = checked.plan.expect("the policy checks");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = policy::ledger::read(
        &repo.join("examples/ledger.csv"),
        Some(&repo.join("examples/debtors.csv")),
        &policy::ledger::ReadOptions::default(),
    )
    .unwrap();
    let book = loaded.ledger.unwrap();
    let window = policy::simulate::Window {
        from: None,
        to: "2026-12-31".parse().unwrap(),
    };
    let started = Instant::now();
    let sim = policy::simulate::simulate(&plan, &book, window, &policy::simulate::AsWritten);
    let took = started.elapsed();
    assert!(sim.len() > 100_000, "{} events", sim.len());
    assert!(took < Duration::from_secs(60), "took {took:?}");
}
