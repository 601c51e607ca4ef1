//! `policy run` at scale (docs/performance.md, "`policy run` at scale"): on
//! a generated book (examples/gen_ledger, seed 1; 1,000,000 invoices and
//! 125,000 debtors by default), the first run catching up a year, the next
//! day's run, a run with nothing due, against `policy simulate` of the same
//! book and policy.
//!
//! ```text
//! cargo bench --bench run_scale                                  # 1M invoices
//! cargo bench --bench run_scale -- --invoices 100000 --debtors 12500
//! cargo bench --bench run_scale -- --day 2026-01-15 --runs 3
//! ```
//!
//! Each run starts from a fresh journal and outbox (the first), or from the
//! first run's (the next day, then the same day again); wall time, CPU time
//! and peak memory come from `/usr/bin/time`. The goals (issue "an
//! application layer … `run` fast at scale"): first catch-up ≤ 10 s; a run
//! with nothing due ≤ 1.5 × `simulate`; a daily run ≤ 2 × `simulate`; each
//! run ends with a line saying which are met.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../examples/gen_ledger/book.rs"]
mod book;

use std::path::{Path, PathBuf};
use std::process::Command;

struct Args {
    invoices: usize,
    debtors: usize,
    day: String,
    runs: usize,
}

fn args() -> Args {
    let mut args = Args {
        invoices: 1_000_000,
        debtors: 125_000,
        day: "2026-01-05".into(),
        runs: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--invoices" => args.invoices = it.next().unwrap().parse().unwrap(),
            "--debtors" => args.debtors = it.next().unwrap().parse().unwrap(),
            "--day" => args.day = it.next().unwrap(),
            "--runs" => args.runs = it.next().unwrap().parse().unwrap(),
            "--bench" => {}
            other => panic!("unknown option {other}"),
        }
    }
    args
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The generated book's folder, written once.
fn book(invoices: usize, debtors: usize) -> PathBuf {
    let dir = root().join(format!("target/bench/run-scale-{invoices}-{debtors}"));
    if dir.join("debtors.csv").exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let options = book::Options {
        invoices,
        debtors,
        seed: 1,
        start: "2025-01-01".parse().unwrap(),
        days: 365,
        locale: false,
        names: false,
        exceptions: 0,
    };
    let generated = book::generate(&options);
    let mut ledger =
        std::io::BufWriter::new(std::fs::File::create(dir.join("ledger.csv")).unwrap());
    generated.write_ledger(&mut ledger, &options).unwrap();
    let mut people =
        std::io::BufWriter::new(std::fs::File::create(dir.join("debtors.csv")).unwrap());
    generated.write_debtors(&mut people, &options).unwrap();
    dir
}

/// Runs `policy ARGS` under `/usr/bin/time`: (wall s, CPU s, peak MiB, the
/// last line of its stdout).
fn measure(args: &[String]) -> (f64, f64, u64, String) {
    let policy = env!("CARGO_BIN_EXE_policy");
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M"])
        .arg(policy)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default().to_string();
    let fields: Vec<f64> = last
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    assert!(
        fields.len() == 4,
        "policy {args:?} failed ({}): {stderr}",
        out.status
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary = stdout
        .lines()
        .filter(|l| l.contains("done") || l.contains("action"))
        .take(2)
        .collect::<Vec<_>>()
        .join(" | ");
    (
        fields[0],
        fields[1] + fields[2],
        (fields[3] / 1024.0) as u64,
        summary,
    )
}

fn next_day(day: &str) -> String {
    let date: chrono::NaiveDate = day.parse().unwrap();
    date.succ_opt().unwrap().to_string()
}

fn main() {
    let args = args();
    let dir = book(args.invoices, args.debtors);
    let s = |p: &Path| p.display().to_string();
    let policy = s(&root().join("policies/lu-b2b.policy"));
    let ledger = s(&dir.join("ledger.csv"));
    let firm = s(&root().join("examples/firm.toml"));
    let day2 = next_day(&args.day);
    println!(
        "book: {} invoices, {} debtors ({}); first run on {}, policy lu-b2b",
        args.invoices,
        args.debtors,
        dir.display(),
        args.day
    );
    println!("| what | wall s | CPU s | peak MiB | output |");
    println!("| --- | ---: | ---: | ---: | --- |");
    // Every run's folder is kept until the end: on ext4 without a journal,
    // making files right after deleting tens of thousands is slower for
    // minutes (docs/performance.md), which would tell against later runs.
    let mut kept = Vec::new();
    for _ in 0..args.runs {
        let work = tempfile::tempdir_in(root().join("target")).unwrap();
        let journal = s(&work.path().join("journal.jsonl"));
        let outbox = s(&work.path().join("outbox"));
        let run = |day: &str| -> Vec<String> {
            [
                "run",
                &policy,
                "--ledger",
                &ledger,
                "--firm",
                &firm,
                "--as-of",
                day,
                "--journal",
                &journal,
                "--outbox",
                &outbox,
                "--quiet",
            ]
            .iter()
            .map(|a| a.to_string())
            .collect()
        };
        let simulate: Vec<String> = [
            "simulate",
            &policy,
            "--ledger",
            &ledger,
            "--to",
            &day2,
            "--format",
            "csv",
            "-o",
            &s(&work.path().join("events.csv")),
            "--quiet",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        let rows = [
            ("simulate to the next day (CSV)", simulate),
            ("first run: catching up", run(&args.day)),
            ("the next day's run", run(&day2)),
            ("the same day again: nothing due", run(&day2)),
        ];
        let mut walls = Vec::new();
        for (what, command) in rows {
            let (wall, cpu, peak, summary) = measure(&command);
            println!("| {what} | {wall:.2} | {cpu:.2} | {peak} | {summary} |");
            walls.push(wall);
        }
        if let [simulate, first, next, none] = walls[..] {
            let met = |ok: bool| if ok { "met" } else { "NOT met" };
            println!(
                "goals: first catch-up {first:.2} s (≤ 10 s: {}); next day {:.2} × simulate \
                 (≤ 2 ×: {}); nothing due {:.2} × simulate (≤ 1.5 ×: {})",
                met(first <= 10.0),
                next / simulate,
                met(next <= 2.0 * simulate),
                none / simulate,
                met(none <= 1.5 * simulate),
            );
        }
        kept.push(work);
    }
}
