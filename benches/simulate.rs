//! The simulation benchmark (docs/performance.md, "Simulation").
//!
//! ```text
//! cargo bench --bench simulate                      # 10k, 100k and 1M invoices
//! cargo bench --bench simulate -- --sizes 1000000 --runs 5
//! cargo bench --bench simulate -- --no-duckdb
//! cargo bench --bench simulate -- --shapes --sizes 1000000 --runs 5
//! ```
//!
//! `--shapes` measures the book in each of its shapes (sorted, shuffled,
//! many debtors, both, the locale dialect, JSON) against the strict floor
//! of its own files instead (docs/performance.md, "Shapes of book"): the
//! csv crate reading a CSV file into one reused `ByteRecord`, serde_json
//! reading a JSON file into `serde::de::IgnoredAny`; for JSON also the CSV
//! floor of the same book.
//!
//! For each size it generates the book (examples/gen_ledger, seed 1), then
//! measures, best of `--runs`:
//! - the floor: reading the ledger and debtors files record by record with
//!   the `csv` crate as its documentation does (`for record in
//!   reader.records()`), doing nothing else; and a strict floor, reading
//!   into one reused `ByteRecord` (no UTF-8 check, no allocation per row);
//! - `policy simulate benches/bench.policy --format csv -o FILE` over 2025
//!   (wall time and peak memory, with `/usr/bin/time`);
//! - DuckDB computing the same events with benches/duckdb_events.py, and
//!   checks that both wrote the same number of events.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)]
#[path = "../examples/gen_ledger/book.rs"]
mod book;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const FROM: &str = "2025-01-01";
const TO: &str = "2025-12-31";

struct Args {
    sizes: Vec<usize>,
    runs: usize,
    duckdb: bool,
    shapes: bool,
}

fn args() -> Args {
    let mut args = Args {
        sizes: vec![10_000, 100_000, 1_000_000],
        runs: 3,
        duckdb: true,
        shapes: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--sizes" => {
                args.sizes = it
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|s| s.parse().unwrap())
                    .collect()
            }
            "--runs" => args.runs = it.next().unwrap().parse().unwrap(),
            "--no-duckdb" => args.duckdb = false,
            "--shapes" => args.shapes = true,
            "--bench" => {} // passed by `cargo bench`
            other => panic!("unknown option {other}"),
        }
    }
    args
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A shape of the benchmark's book (docs/performance.md, "Shapes of book").
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// As an export lists it: by date, one debtor per 20 invoices.
    Sorted,
    /// The rows in random order (invoices shuffled, payments anywhere).
    Shuffled,
    /// 125,000 debtors for 1M invoices (one per 8), sorted.
    ManyDebtors,
    /// Shuffled and many debtors together (issue 12's measurement).
    ShuffledMany,
    /// The FR/BE/LU spreadsheet dialect: `;`, decimal comma, DD/MM/YYYY, BOM, CRLF.
    Locale,
    /// The ledger as JSON (the debtors stay a CSV file).
    Json,
}

const SHAPES: [Shape; 6] = [
    Shape::Sorted,
    Shape::Shuffled,
    Shape::ManyDebtors,
    Shape::ShuffledMany,
    Shape::Locale,
    Shape::Json,
];

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Sorted => "sorted",
            Shape::Shuffled => "shuffled",
            Shape::ManyDebtors => "many-debtors",
            Shape::ShuffledMany => "shuffled-many",
            Shape::Locale => "locale",
            Shape::Json => "json",
        }
    }

    /// The gen_ledger options giving the same files.
    fn flags(self) -> &'static str {
        match self {
            Shape::Sorted => "",
            Shape::Shuffled => " --shuffle",
            Shape::ManyDebtors => " --debtors N/8",
            Shape::ShuffledMany => " --shuffle --debtors N/8",
            Shape::Locale => " --locale",
            Shape::Json => " --json",
        }
    }

    fn ledger(self) -> &'static str {
        if self == Shape::Json {
            "ledger.json"
        } else {
            "ledger.csv"
        }
    }

    fn delimiter(self) -> u8 {
        if self == Shape::Locale { b';' } else { b',' }
    }
}

/// The book of `invoices` invoices in `shape`, generated once.
fn book(invoices: usize, shape: Shape) -> PathBuf {
    let dir = match shape {
        Shape::Sorted => root().join(format!("target/bench/book-{invoices}")),
        _ => root().join(format!("target/bench/book-{invoices}-{}", shape.name())),
    };
    if dir.join(shape.ledger()).exists() && dir.join("debtors.csv").exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let many = matches!(shape, Shape::ManyDebtors | Shape::ShuffledMany);
    let options = book::Options {
        invoices,
        debtors: if many {
            (invoices / 8).max(50)
        } else {
            (invoices / 20).max(50)
        },
        seed: 1,
        start: FROM.parse().unwrap(),
        days: 365,
        locale: shape == Shape::Locale,
        names: false,
        exceptions: 0,
    };
    let mut generated = book::generate(&options);
    if matches!(shape, Shape::Shuffled | Shape::ShuffledMany) {
        generated.shuffle(options.seed);
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join(shape.ledger())).unwrap());
    if shape == Shape::Json {
        generated.write_json_ledger(&mut out).unwrap();
    } else {
        generated.write_ledger(&mut out, &options).unwrap();
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("debtors.csv")).unwrap());
    generated.write_debtors(&mut out, &options).unwrap();
    dir
}

/// Seconds to read both files record by record with the csv crate, as its
/// documentation reads a file.
fn floor(dir: &Path) -> (f64, usize) {
    let start = Instant::now();
    let mut rows = 0;
    for name in ["ledger.csv", "debtors.csv"] {
        let mut reader = csv::Reader::from_path(dir.join(name)).unwrap();
        for record in reader.records() {
            std::hint::black_box(record.unwrap());
            rows += 1;
        }
    }
    (start.elapsed().as_secs_f64(), rows)
}

/// Seconds to read both files into one reused `ByteRecord`: the least any
/// reader of these files with the csv crate spends.
fn strict_floor(dir: &Path) -> f64 {
    strict_floor_of(dir, b',')
}

/// Seconds to read a shape's files strictly: CSV as [`strict_floor`]
/// does, JSON with serde_json into `IgnoredAny` (the standard strict
/// reader of the format doing nothing: every byte checked, nothing kept).
fn strict_floor_of_shape(dir: &Path, shape: Shape) -> f64 {
    if shape != Shape::Json {
        return strict_floor_of(dir, shape.delimiter());
    }
    let start = Instant::now();
    let bytes = std::fs::read(dir.join(shape.ledger())).unwrap();
    serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).unwrap();
    drop(bytes);
    strict_floor_of_files(dir, b',', &["debtors.csv"]);
    start.elapsed().as_secs_f64()
}

fn strict_floor_of(dir: &Path, delimiter: u8) -> f64 {
    let start = Instant::now();
    strict_floor_of_files(dir, delimiter, &["ledger.csv", "debtors.csv"]);
    start.elapsed().as_secs_f64()
}

fn strict_floor_of_files(dir: &Path, delimiter: u8, names: &[&str]) {
    for name in names {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_path(dir.join(name))
            .unwrap();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            std::hint::black_box(&record);
        }
    }
}

/// Wall seconds and peak memory (KiB, when /usr/bin/time is there) of a command.
fn measure(program: &Path, args: &[&str]) -> (f64, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    let start = Instant::now();
    let output = if time.exists() {
        Command::new(time)
            .args(["-f", "%e %M"])
            .arg(program)
            .args(args)
            .output()
            .unwrap()
    } else {
        Command::new(program).args(args).output().unwrap()
    };
    let wall = start.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let memory = stderr
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|m| m.parse().ok());
    (wall, memory)
}

fn lines(path: &Path) -> usize {
    std::fs::read(path)
        .unwrap()
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

fn best(runs: usize, mut f: impl FnMut() -> (f64, Option<u64>)) -> (f64, Option<u64>) {
    let mut best = f64::MAX;
    let mut memory = None;
    for _ in 0..runs {
        let (t, m) = f();
        best = best.min(t);
        memory = memory.max(m);
    }
    (best, memory)
}

fn simulate_args(bench_policy: &Path, dir: &Path, ledger: &str, out: &Path) -> Vec<String> {
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let mut args: Vec<String> = vec!["simulate".into(), path(bench_policy)];
    for (flag, value) in [
        ("--ledger", path(&dir.join(ledger))),
        ("--debtors", path(&dir.join("debtors.csv"))),
        ("--from", FROM.into()),
        ("--to", TO.into()),
        ("--format", "csv".into()),
        ("-o", path(out)),
    ] {
        args.push(flag.into());
        args.push(value);
    }
    args
}

/// Every shape of book against the strict floor of its files (for JSON,
/// serde_json's; and the CSV floor of the same book), the runs of each
/// alternated so that a busy moment of the machine touches all.
fn shapes(args: &Args, policy: &Path, bench_policy: &Path) {
    println!(
        "| shape | gen_ledger options | ledger MB | strict floor s | CSV floor s | simulate s | peak MiB | events | ÷ strict floor | ÷ CSV floor |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &size in &args.sizes {
        let dirs: Vec<PathBuf> = SHAPES.iter().map(|&s| book(size, s)).collect();
        let mut floors = [f64::MAX; SHAPES.len()];
        let mut csv_floors = [f64::MAX; SHAPES.len()];
        let mut sims = [f64::MAX; SHAPES.len()];
        let mut peaks = [None; SHAPES.len()];
        for _ in 0..args.runs {
            for (i, (&shape, dir)) in SHAPES.iter().zip(&dirs).enumerate() {
                floors[i] = floors[i].min(strict_floor_of_shape(dir, shape));
                csv_floors[i] = if shape == Shape::Json {
                    // The same book as CSV is the sorted one.
                    csv_floors[i].min(strict_floor_of(&dirs[0], b','))
                } else {
                    floors[i]
                };
                let out = dir.join("events.csv");
                let sim_args = simulate_args(bench_policy, dir, shape.ledger(), &out);
                let sim_args: Vec<&str> = sim_args.iter().map(String::as_str).collect();
                let (t, m) = measure(policy, &sim_args);
                sims[i] = sims[i].min(t);
                peaks[i] = peaks[i].max(m);
            }
        }
        for (i, (&shape, dir)) in SHAPES.iter().zip(&dirs).enumerate() {
            let mb = std::fs::metadata(dir.join(shape.ledger())).unwrap().len() as f64 / 1e6;
            let events = lines(&dir.join("events.csv")) - 1;
            println!(
                "| {} | `--invoices {size}{}` | {mb:.1} | {:.3} | {:.3} | {:.3} | {} | {events} | {:.1} | {:.1} |",
                shape.name(),
                shape.flags(),
                floors[i],
                csv_floors[i],
                sims[i],
                peaks[i].map_or("n/a".to_string(), |kib| format!(
                    "{:.0}",
                    kib as f64 / 1024.0
                )),
                sims[i] / floors[i],
                sims[i] / csv_floors[i],
            );
        }
    }
}

fn main() {
    let args = args();
    let policy = PathBuf::from(env!("CARGO_BIN_EXE_policy"));
    let bench_policy = root().join("benches/bench.policy");
    if args.shapes {
        return shapes(&args, &policy, &bench_policy);
    }
    println!(
        "| invoices | rows | ledger MB | floor s | strict floor s | simulate s | peak MiB | events | ×floor | ×strict floor | DuckDB query s | DuckDB process s | ÷DuckDB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &size in &args.sizes {
        let dir = book(size, Shape::Sorted);
        let ledger = dir.join("ledger.csv");
        let debtors = dir.join("debtors.csv");
        let mb = std::fs::metadata(&ledger).unwrap().len() as f64 / 1e6;
        let mut rows = 0;
        let (floor_s, _) = best(args.runs, || {
            let (t, r) = floor(&dir);
            rows = r;
            (t, None)
        });
        let (strict_s, _) = best(args.runs, || (strict_floor(&dir), None));
        let out = dir.join("events.csv");
        let sim_args = [
            "simulate",
            bench_policy.to_str().unwrap(),
            "--ledger",
            ledger.to_str().unwrap(),
            "--debtors",
            debtors.to_str().unwrap(),
            "--from",
            FROM,
            "--to",
            TO,
            "--format",
            "csv",
            "-o",
            out.to_str().unwrap(),
        ];
        let (sim_s, memory) = best(args.runs, || measure(&policy, &sim_args));
        let events = lines(&out) - 1;
        let (mut query_s, mut process_s) = (f64::NAN, f64::NAN);
        if args.duckdb {
            let duck_out = dir.join("duckdb-events.csv");
            let script = root().join("benches/duckdb_events.py");
            let mut best_query = f64::MAX;
            let mut best_process = f64::MAX;
            for _ in 0..args.runs {
                let start = Instant::now();
                let output = Command::new("python3")
                    .arg(&script)
                    .args([&ledger, &debtors])
                    .args([FROM, TO])
                    .arg(&duck_out)
                    .output()
                    .unwrap();
                best_process = best_process.min(start.elapsed().as_secs_f64());
                assert!(
                    output.status.success(),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                let text = String::from_utf8(output.stdout).unwrap();
                let mut parts = text.split_whitespace();
                let count: usize = parts.next().unwrap().parse().unwrap();
                let seconds: f64 = parts.next().unwrap().parse().unwrap();
                assert_eq!(
                    count, events,
                    "DuckDB and policy simulate disagree on the number of events"
                );
                best_query = best_query.min(seconds);
            }
            query_s = best_query;
            process_s = best_process;
        }
        println!(
            "| {size} | {rows} | {mb:.1} | {floor_s:.3} | {strict_s:.3} | {sim_s:.3} | {} | {events} | {:.1} | {:.1} | {query_s:.3} | {process_s:.3} | {:.2} |",
            memory.map_or("n/a".to_string(), |kib| format!(
                "{:.0}",
                kib as f64 / 1024.0
            )),
            sim_s / floor_s,
            sim_s / strict_s,
            sim_s / query_s,
        );
    }
}
