#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The fuzzing harness (issue 17, "make it stay fixed"): a mutation fuzzer
//! on stable Rust, driven by proptest's strategies and its seeded RNG (no
//! shrinking: every case is new). Three targets:
//!
//! - policies: seed policies mutated, then parsed and checked, every
//!   diagnostic rendered (human and JSON), the plan explained, the text
//!   formatted and the formatted text checked again (formatting it again
//!   changes nothing, and it compiles to the same plan);
//! - ledgers and debtors files (standard CSV, locale CSV, JSON) mutated
//!   with extreme values (amounts, dates, ids, lengths), read, simulated
//!   under several policies (statutory and fixed interest, fees), every
//!   output written and every invoice's claim computed as `policy run`
//!   does;
//! - templates mutated with template syntax and huge loops, loaded and
//!   rendered for every channel.
//!
//! Seeds: the policies and templates of `policies/`, the examples, the
//! test fixtures, and the reproductions of issue 17 (built below).
//!
//! Every case runs under `catch_unwind` and is timed; a panic or a case
//! over `FUZZ_MAX_MS` (2000 ms) fails the run, and its input is written to
//! `target/fuzz-failures/`. The counts come from the environment:
//!
//! ```text
//! FUZZ_POLICY_CASES=1000000 FUZZ_LEDGER_CASES=100000 FUZZ_TEMPLATE_CASES=20000 \
//!   cargo test --release --test fuzz -- --ignored --nocapture
//! ```
//!
//! Without them, a short run (the one `.ci/run` makes). `FUZZ_SEED` picks
//! another random sequence (default 17); `FUZZ_THREADS` the threads per
//! target (default 2). See docs/robustness.md.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use policy::check::check_source;
use policy::diagnostic::render::{self, Style};
use policy::ledger::{self, ReadOptions};
use policy::letters::{InvoiceLine, LetterContext, Templates};
use policy::plan::Plan;
use policy::simulate::{self, ByLaw, Window, output};
use policy::vocab::{Channel, DebtorKind};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rust_decimal::Decimal;

// ------------------------------------------------------------- settings

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// The longest a case may take: 2 s in a release build (the long run), ten
/// times that in the debug build of the short run, which is that much slower.
fn max_case() -> Duration {
    let default = if cfg!(debug_assertions) {
        20_000
    } else {
        2_000
    };
    Duration::from_millis(env_usize("FUZZ_MAX_MS", default) as u64)
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A runner whose RNG is seeded from `FUZZ_SEED`, the target and the
/// thread: the same command makes the same cases.
fn runner(target: u8, thread: usize) -> TestRunner {
    let seed = env_usize("FUZZ_SEED", 17) as u64;
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = target;
    bytes[9..17].copy_from_slice(&(thread as u64).to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

fn draw<S: Strategy>(runner: &mut TestRunner, strategy: &S) -> S::Value {
    strategy.new_tree(runner).unwrap().current()
}

// ------------------------------------------------------------ the runs

/// A progress line every this many cases (a long run takes most of an
/// hour).
const PROGRESS: usize = 50_000;

/// What a target's run found.
#[derive(Default)]
struct Tally {
    cases: AtomicUsize,
    failures: Mutex<Vec<String>>,
    slowest: Mutex<(Duration, String)>,
}

thread_local! {
    static PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Panics in a case are caught and recorded, not printed (a million
/// cases); others are printed as usual.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_CASE.with(std::cell::Cell::get) {
                record(info);
            } else {
                default(info);
            }
        }));
    });
}

thread_local! {
    static IN_CASE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn record(info: &std::panic::PanicHookInfo<'_>) {
    {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        PANIC.with(|p| *p.borrow_mut() = Some(format!("{message} at {at}")));
    }
}

/// Runs `cases` cases of `make` then `target` over `threads` threads.
fn run<I: Send + 'static>(
    name: &'static str,
    target_id: u8,
    cases: usize,
    make: fn(&mut TestRunner) -> I,
    describe: fn(&I) -> String,
    target: fn(&I),
) -> Arc<Tally> {
    let tally = Arc::new(Tally::default());
    let threads = env_usize("FUZZ_THREADS", 2).max(1);
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|thread| {
            let tally = Arc::clone(&tally);
            let next = Arc::clone(&next);
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn(move || {
                    let mut runner = runner(target_id, thread);
                    while next.fetch_add(1, Ordering::Relaxed) < cases {
                        let input = make(&mut runner);
                        let t0 = Instant::now();
                        IN_CASE.with(|c| c.set(true));
                        let result =
                            std::panic::catch_unwind(AssertUnwindSafe(|| target(&input)));
                        IN_CASE.with(|c| c.set(false));
                        let took = t0.elapsed();
                        let done = tally.cases.fetch_add(1, Ordering::Relaxed) + 1;
                        if done % PROGRESS == 0 {
                            let slowest = tally.slowest.lock().unwrap().0;
                            println!(
                                "fuzz {name}: {done} cases in {:.0} s, {} failures so far, slowest {:.1} ms",
                                started.elapsed().as_secs_f64(),
                                tally.failures.lock().unwrap().len(),
                                slowest.as_secs_f64() * 1000.0
                            );
                        }
                        let mut problem = None;
                        if result.is_err() {
                            let why = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
                            problem = Some(format!("panic: {why}"));
                        } else if took > max_case() {
                            problem = Some(format!("slow: {took:?}"));
                        }
                        {
                            let mut slowest = tally.slowest.lock().unwrap();
                            if took > slowest.0 {
                                *slowest = (took, describe(&input));
                            }
                        }
                        if let Some(problem) = problem {
                            let saved = save(name, &describe(&input));
                            tally
                                .failures
                                .lock()
                                .unwrap()
                                .push(format!("{problem} (input: {saved})"));
                        }
                    }
                })
                .unwrap()
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let slowest = tally.slowest.lock().unwrap();
    let failures = tally.failures.lock().unwrap();
    println!(
        "fuzz {name}: {} cases in {:.1} s, {} failures, slowest {:.1} ms ({} bytes of input)",
        tally.cases.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        failures.len(),
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1.len(),
    );
    drop(slowest);
    drop(failures);
    tally
}

fn save(target: &str, input: &str) -> String {
    let dir = root().join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let hash = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        input.hash(&mut h);
        h.finish()
    };
    let path = dir.join(format!("{target}-{hash:016x}.txt"));
    let _ = std::fs::write(&path, input);
    path.display().to_string()
}

fn assert_clean(tally: &Tally) {
    let failures = tally.failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ------------------------------------------------------------ mutations

/// The language's keywords and the other words and symbols of a policy,
/// with extreme numbers.
fn policy_tokens() -> Vec<&'static str> {
    let mut tokens = policy::syntax::KEYWORDS.to_vec();
    tokens.extend_from_slice(&[
        "days",
        "business days",
        "weeks",
        "months",
        "due",
        "issue",
        "relance_1",
        "relance_2",
        "mise_en_demeure",
        "email",
        "recommandé",
        "courrier",
        "sms",
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
        "statutory",
        "EUR",
        "USD",
        "LU",
        "FR",
        "BE",
        "debtor.country",
        "debtor.rating",
        "15",
        "0",
        "-1",
        "15000.50",
        "10000000000000",
        "10000000000000.01",
        "4294967295",
        "4294967296",
        "79228162514264337593543950335",
        "0.0000000000000000000000000001",
        "8%",
        "100%",
        "101%",
        "99999999999999999999%",
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
        "\r",
        " ",
        "\t",
        "\u{0}",
        "é",
        "\u{301}",
        "\u{feff}",
        "\u{202e}",
        "../../..",
        "{{",
        "}}",
    ]);
    tokens
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, String),
    DuplicateLine(usize),
    RepeatLine(usize, usize),
    SwapLines(usize, usize),
    DeleteLine(usize),
    FlipByte(usize, u8),
}

fn edit(tokens: Vec<&'static str>) -> impl Strategy<Value = Edit> {
    let token = proptest::sample::select(tokens).prop_map(str::to_string);
    prop_oneof![
        3 => (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete(at, len)),
        4 => (any::<usize>(), token.clone()).prop_map(|(at, t)| Edit::Insert(at, t)),
        4 => (any::<usize>(), token).prop_map(|(at, t)| Edit::Replace(at, t)),
        2 => any::<usize>().prop_map(Edit::DuplicateLine),
        1 => (any::<usize>(), prop_oneof![2usize..20, 100usize..1000]).prop_map(|(at, n)| Edit::RepeatLine(at, n)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        2 => any::<usize>().prop_map(Edit::DeleteLine),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::FlipByte(at, b)),
    ]
}

fn char_floor(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(mut text: String, edit: &Edit) -> String {
    let lines = |text: &str| -> Vec<String> { text.split('\n').map(str::to_string).collect() };
    match edit {
        Edit::Delete(at, len) => {
            let start = char_floor(&text, *at);
            let end = char_floor(&text, (start + len).min(text.len())).max(start);
            text.replace_range(start..end, "");
        }
        Edit::Insert(at, token) => {
            let at = char_floor(&text, *at);
            text.insert_str(at, token);
        }
        Edit::Replace(at, token) => {
            let start = char_floor(&text, *at);
            let end = char_floor(&text, (start + token.len()).min(text.len())).max(start);
            text.replace_range(start..end, token);
        }
        Edit::DuplicateLine(at) => {
            let mut l = lines(&text);
            let i = at % l.len();
            let line = l[i].clone();
            l.insert(i, line);
            text = l.join("\n");
        }
        Edit::RepeatLine(at, n) => {
            let mut l = lines(&text);
            let i = at % l.len();
            let line = l[i].clone();
            for _ in 0..*n {
                l.insert(i, line.clone());
            }
            text = l.join("\n");
        }
        Edit::SwapLines(a, b) => {
            let mut l = lines(&text);
            let n = l.len();
            l.swap(a % n, b % n);
            text = l.join("\n");
        }
        Edit::DeleteLine(at) => {
            let mut l = lines(&text);
            if l.len() > 1 {
                let n = l.len();
                l.remove(at % n);
            }
            text = l.join("\n");
        }
        Edit::FlipByte(at, b) => {
            let mut bytes = text.into_bytes();
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = *b;
            }
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    text
}

// ------------------------------------------------------- policy target

/// A seed policy: its text and the folder its templates are read from.
struct Seed {
    text: String,
    dir: PathBuf,
}

fn policy_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            policy_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "policy") {
            out.push(path);
        }
    }
}

/// The reproductions of issue 17 that are policies (sized to stay quick:
/// the full sizes are measured in docs/robustness.md).
fn reproductions() -> Vec<String> {
    let head =
        "policy \"x\"\njurisdiction LU\ncurrency EUR\napplies to b2b\ntemplates \"templates/lu\"\n";
    vec![
        // point 10: a long comment line beside duplicate headers
        format!(
            "policy \"x\"\njurisdiction LU # {}\ncurrency EUR\n{}after 15 days send relance_1 by email\n",
            "x".repeat(20_000),
            "jurisdiction LU\n".repeat(50)
        ),
        // point 11: a long `and` chain of distinct thresholds
        format!(
            "{head}after 15 days if {} send relance_1 by email\n",
            (0..100)
                .map(|i| format!("amount > {i}"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        // point 14: many steps on one day
        format!(
            "{head}{}",
            "after 15 days send relance_1 by email\n".repeat(40)
        ),
        // point 2: amounts and rates at and past the bounds
        format!(
            "{head}minimum 10000000000000 EUR\nafter 15 days send relance_1 by email\ncharge fee 10000000000000 EUR\ncharge interest 100%\ncharge indemnity 100% min 1 EUR max 10000000000000 EUR\n"
        ),
    ]
}

fn policy_seeds() -> Arc<Vec<Seed>> {
    static SEEDS: std::sync::OnceLock<Arc<Vec<Seed>>> = std::sync::OnceLock::new();
    Arc::clone(SEEDS.get_or_init(|| {
        let mut files = Vec::new();
        for dir in ["policies", "examples", "tests/fixtures"] {
            policy_files(&root().join(dir), &mut files);
        }
        let mut seeds: Vec<Seed> = files
            .iter()
            .filter_map(|path| {
                Some(Seed {
                    text: String::from_utf8_lossy(&std::fs::read(path).ok()?).into_owned(),
                    dir: path.parent()?.to_path_buf(),
                })
            })
            .collect();
        seeds.extend(reproductions().into_iter().map(|text| Seed {
            text,
            dir: root().join("policies"),
        }));
        Arc::new(seeds)
    }))
}

/// The largest text a policy case grows to (an edit past it is skipped).
const MAX_POLICY: usize = 128 << 10;

struct PolicyCase {
    seed: usize,
    text: String,
}

fn make_policy(runner: &mut TestRunner) -> PolicyCase {
    let seeds = policy_seeds();
    let seed = draw(runner, &(0..seeds.len()));
    let edits = draw(
        runner,
        &proptest::collection::vec(edit(policy_tokens()), 1..8),
    );
    let mut text = seeds[seed].text.clone();
    for e in &edits {
        // Policies stay under 128 KiB: past that, checking is
        // linear but takes seconds for its size alone (docs/robustness.md);
        // the larger reproductions are tests of their own.
        let next = apply(text.clone(), e);
        if next.len() <= MAX_POLICY || next.len() <= text.len() {
            text = next;
        }
    }
    PolicyCase { seed, text }
}

fn check_policy(case: &PolicyCase) {
    let seeds = policy_seeds();
    let dir = &seeds[case.seed].dir;
    let Ok(source) =
        policy::load::text_source("fuzz.policy".into(), case.text.clone().into_bytes())
    else {
        return;
    };
    let checked = check_source(&source, dir);
    let human = render::human_all(&checked.diagnostics, Style::plain());
    // A quoted line is windowed and diagnostics capped: what is printed
    // stays in proportion to the problems, not to the file.
    assert!(
        human.len() < 600 * 4096,
        "{} bytes of diagnostics",
        human.len()
    );
    let _ = render::json(&checked.diagnostics);
    let _ = render::summary(&checked.diagnostics);
    if let Some(plan) = &checked.plan {
        let _ = policy::explain::table(plan);
        let _ = policy::explain::json(plan);
    }
    match policy::format::format_source(&source) {
        Ok(formatted) => {
            let Ok(again) =
                policy::load::text_source("fuzz.policy".into(), formatted.clone().into_bytes())
            else {
                panic!("the formatted text does not load");
            };
            let twice = policy::format::format_source(&again);
            assert!(
                matches!(&twice, Ok(t) if *t == formatted),
                "formatting is not idempotent"
            );
            let rechecked = check_source(&again, dir);
            assert_eq!(
                rechecked.plan.is_some(),
                checked.plan.is_some(),
                "the formatted text checks differently"
            );
            if let (Some(a), Some(b)) = (&checked.plan, &rechecked.plan) {
                assert!(a == b, "the formatted text compiles to another plan");
            }
        }
        Err(policy::format::FormatError::Syntax(_)) => {}
        Err(policy::format::FormatError::ChangedMeaning(d)) => {
            panic!("fmt changed the meaning: {}", d.message)
        }
    }
}

// ------------------------------------------------------- ledger target

/// The policies a mutated ledger is simulated under: the examples, and one
/// with fixed interest and fees on every kind of debtor.
fn ledger_plans() -> Arc<Vec<Plan>> {
    static PLANS: std::sync::OnceLock<Arc<Vec<Plan>>> = std::sync::OnceLock::new();
    Arc::clone(PLANS.get_or_init(|| {
        let mut texts: Vec<String> = ["policies/lu-b2b.policy", "policies/be-b2c.policy", "policies/fr-b2b.policy"]
            .iter()
            .map(|p| std::fs::read_to_string(root().join(p)).unwrap())
            .collect();
        texts.push(
            "policy \"fuzz\"\njurisdiction BE\ncurrency EUR\nminimum 20 EUR\n\
             after 10 days send relance_1 by email\n\
             after 5 business days from relance_1 if partially_paid call debtor\n\
             after 45 days if total >= 5000 or guaranteed send mise_en_demeure by recommandé to debtor, guarantor\n\
             charge indemnity 10% min 25 EUR max 10000000000000 EUR\n\
             charge fee 10000000000000 EUR\n\
             charge interest 100%\n\
             after 60 days if amount >= 15000 route tribunal_entreprise\n\
             after 60 days if amount < 15000 and b2b route justice_de_paix\n"
                .to_string(),
        );
        let plans = texts
            .iter()
            .filter_map(|text| {
                let source = policy::load::text_source("p.policy".into(), text.clone().into_bytes()).ok()?;
                check_source(&source, &root().join("policies")).plan
            })
            .collect::<Vec<_>>();
        assert!(plans.len() >= 3, "the ledger target's policies check");
        Arc::new(plans)
    }))
}

#[derive(Clone)]
struct BookSeed {
    /// `ledger.csv` or `ledger.json`.
    name: &'static str,
    ledger: String,
    debtors: String,
}

fn head_lines(text: &str, n: usize) -> String {
    text.lines().take(n).collect::<Vec<_>>().join("\n") + "\n"
}

fn book_seeds() -> Arc<Vec<BookSeed>> {
    static SEEDS: std::sync::OnceLock<Arc<Vec<BookSeed>>> = std::sync::OnceLock::new();
    Arc::clone(SEEDS.get_or_init(|| {
        let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
        let fixtures = root().join("tests/fixtures/simulate");
        let shared_debtors = read("tests/fixtures/simulate/debtors.csv");
        let mut seeds = vec![BookSeed {
            name: "ledger.csv",
            ledger: head_lines(&read("examples/ledger.csv"), 80),
            debtors: read("examples/debtors.csv"),
        }];
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            let debtors = std::fs::read_to_string(dir.join("debtors.csv"))
                .unwrap_or_else(|_| shared_debtors.clone());
            if let Ok(ledger) = std::fs::read_to_string(dir.join("ledger.csv")) {
                seeds.push(BookSeed {
                    name: "ledger.csv",
                    ledger: head_lines(&ledger, 80),
                    debtors: debtors.clone(),
                });
            }
            if let Ok(ledger) = std::fs::read_to_string(dir.join("ledger.json")) {
                seeds.push(BookSeed {
                    name: "ledger.json",
                    ledger,
                    debtors,
                });
            }
        }
        // The reproductions of point 2.
        let debtors = "id,name,kind,country,email,address,guarantor,guarantor_address\n\
                       ACME,ACME SA,b2b,LU,compta@acme.example,\"1 rue de la Gare, L-1611 Luxembourg\",Jean Caution,\"2 rue Haute\"\n\
                       CARL,Carl Dupont,b2c,BE,carl@mail.example,\"3 avenue Louise, 1000 Bruxelles\",,\n";
        for ledger in [
            "date,type,invoice,debtor,amount,due\n2025-01-01,invoice,F1,ACME,100.00,2025-01-31\n2025-01-05,credit_note,F1,ACME,79228162514264337593543950335,\n",
            "date,type,invoice,debtor,amount,due\n2025-01-01,invoice,F1,ACME,40000000000000000000000000000,2025-01-31\n2025-01-01,invoice,F2,ACME,40000000000000000000000000000,2025-01-31\n",
            "date,type,invoice,debtor,amount,due\n2025-01-01,invoice,F1,ACME,100000000000000000000000000,2025-01-31\n",
            "date,type,invoice,debtor,amount,due\n2025-01-01,invoice,F1,ACME,10000000000000,2025-01-31\n2025-01-01,invoice,F2,CARL,10000000000000,2025-01-31\n2025-02-01,payment,F1,ACME,0.01,\n",
        ] {
            seeds.push(BookSeed {
                name: "ledger.csv",
                ledger: ledger.to_string(),
                debtors: debtors.to_string(),
            });
        }
        Arc::new(seeds)
    }))
}

/// Extreme values put in place of a field.
const EXTREMES: &[&str] = &[
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "10000000000000",
    "10000000000000.01",
    "9999999999999.99",
    "0.0000000000000000000000000001",
    "1e14",
    "1E28",
    "-0",
    "0",
    "0.00",
    "NaN",
    "Infinity",
    "1 234,56",
    "1.234.567,89",
    "\u{a0}1\u{202f}000,00",
    "9999-12-31",
    "0001-01-01",
    "+262143-12-31",
    "2024-02-29",
    "2023-02-29",
    "31/12/9999",
    "29/02/2023",
    "1970-01-01",
    "",
    "\"\"",
    "\"a,b\"",
    "\"x\ny\"",
    "\r",
    "\u{0}",
    "\u{feff}",
    "é\u{301}",
    "=HYPERLINK(\"http://x\")",
    "b2b",
    "b2c",
    "XX",
    "invoice",
    "payment",
    "credit_note",
    "dispute",
    "resolve",
    "true",
    "null",
    "[]",
    "{}",
];

#[derive(Debug, Clone)]
enum BookEdit {
    Text(Edit),
    /// Field `field` of line `line` replaced by an extreme value (or a long
    /// one: `long` repetitions of a character).
    Field {
        debtors: bool,
        line: usize,
        field: usize,
        value: String,
    },
}

fn book_edit() -> impl Strategy<Value = BookEdit> {
    let value = prop_oneof![
        4 => proptest::sample::select(EXTREMES).prop_map(str::to_string),
        1 => (prop_oneof![Just('x'), Just('9'), Just('é'), Just(',')], 200usize..70_000)
            .prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
        1 => "[0-9]{1,40}(\\.[0-9]{0,30})?",
    ];
    prop_oneof![
        2 => edit(EXTREMES.iter().copied().chain([",", ";", "\n", "\"", "{", "}", ":"]).collect()).prop_map(BookEdit::Text),
        3 => (any::<bool>(), any::<usize>(), any::<usize>(), value).prop_map(|(debtors, line, field, value)| BookEdit::Field { debtors, line, field, value }),
    ]
}

fn replace_field(text: &str, line: usize, field: usize, value: &str) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let i = line % lines.len();
    let target = &lines[i];
    // Fields as separated in CSV (either dialect) or JSON values.
    let sep = if target.contains(';') { ';' } else { ',' };
    if target.trim_start().starts_with('{') {
        // A JSON entry: replace the n-th quoted or bare value after a colon.
        let colons: Vec<usize> = target.match_indices(':').map(|(at, _)| at).collect();
        if !colons.is_empty() {
            let at = colons[field % colons.len()] + 1;
            let rest = &target[at..];
            let end = rest.find([',', '}']).unwrap_or(rest.len());
            let json_value = if value.parse::<f64>().is_ok() {
                value.to_string()
            } else {
                serde_json::to_string(value).unwrap()
            };
            lines[i] = format!("{}{}{}", &target[..at], json_value, &rest[end..]);
        }
    } else {
        let mut fields: Vec<&str> = target.split(sep).collect();
        let n = fields.len();
        fields[field % n] = value;
        lines[i] = fields.join(&sep.to_string());
    }
    lines.join("\n")
}

struct BookCase {
    seed: usize,
    ledger: String,
    debtors: String,
    plan: usize,
}

fn make_book(runner: &mut TestRunner) -> BookCase {
    let seeds = book_seeds();
    let seed = draw(runner, &(0..seeds.len()));
    let plan = draw(runner, &(0..ledger_plans().len()));
    let edits = draw(runner, &proptest::collection::vec(book_edit(), 1..6));
    let mut ledger = seeds[seed].ledger.clone();
    let mut debtors = seeds[seed].debtors.clone();
    // Books stay under a few megabytes: a larger one is slow to read for
    // its size alone (docs/performance.md measures that), not a hang.
    const MAX_BOOK: usize = 4 << 20;
    for e in &edits {
        let (next_ledger, next_debtors) = match e {
            BookEdit::Text(edit) => (apply(ledger.clone(), edit), debtors.clone()),
            BookEdit::Field {
                debtors: false,
                line,
                field,
                value,
            } => (
                replace_field(&ledger, *line, *field, value),
                debtors.clone(),
            ),
            BookEdit::Field {
                debtors: true,
                line,
                field,
                value,
            } => (
                ledger.clone(),
                replace_field(&debtors, *line, *field, value),
            ),
        };
        // An edit past the size is skipped.
        if next_ledger.len() <= MAX_BOOK && next_debtors.len() <= MAX_BOOK {
            ledger = next_ledger;
            debtors = next_debtors;
        }
    }
    BookCase {
        seed,
        ledger,
        debtors,
        plan,
    }
}

fn describe_book(case: &BookCase) -> String {
    format!(
        "{} under plan {}\n--- ledger\n{}\n--- debtors.csv\n{}",
        book_seeds()[case.seed].name,
        case.plan,
        case.ledger,
        case.debtors
    )
}

fn simulate_book(case: &BookCase) {
    let dir = tempfile::tempdir().unwrap();
    let ledger_path = dir.path().join(book_seeds()[case.seed].name);
    let debtors_path = dir.path().join("debtors.csv");
    std::fs::write(&ledger_path, &case.ledger).unwrap();
    std::fs::write(&debtors_path, &case.debtors).unwrap();
    let plans = ledger_plans();
    let plan = &plans[case.plan];
    let loaded = match ledger::read(&ledger_path, Some(&debtors_path), &ReadOptions::default()) {
        Ok(loaded) => loaded,
        Err(_) => return,
    };
    let _ = render::human_all(&loaded.diagnostics, Style::plain());
    let _ = render::json(&loaded.diagnostics);
    let Some(ledger) = loaded.ledger else {
        return;
    };
    let rates = policy::claim::RateTable::shipped();
    let law = ByLaw::new(rates);
    let window = Window {
        from: None,
        to: "2027-12-31".parse().unwrap(),
    };
    let sim = simulate::simulate(plan, &ledger, window, &law);
    output::csv(plan, &ledger, &sim, std::io::sink()).unwrap();
    output::json(plan, &ledger, &sim, std::io::sink()).unwrap();
    output::table(plan, &ledger, &sim, std::io::sink()).unwrap();
    let _ = output::summary_json(plan, &ledger, &sim);
    // Every invoice's claim as `policy run` computes it on the window's end.
    let mut by_invoice: std::collections::HashMap<_, Vec<&simulate::Event>> =
        std::collections::HashMap::new();
    for event in sim.events() {
        by_invoice.entry(event.invoice).or_default().push(event);
    }
    let mut warnings = Vec::new();
    for (id, events) in by_invoice {
        let invoice = ledger.invoice(id);
        let _ = policy::run::money::invoice_claim(
            plan,
            &ledger,
            invoice,
            &events,
            window.to,
            rates,
            &mut warnings,
        );
    }
}

// ----------------------------------------------------- template target

const TEMPLATE_TOKENS: &[&str] = &[
    "{{ debtor.name }}",
    "{{ total }}",
    "{{ claimed }}",
    "{{ interest }}",
    "{{ invoices | length }}",
    "{% for i in invoices %}{{ i.number }} {{ i.amount }}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}.{% endfor %}{% endfor %}",
    "{% set s = \"ab\" %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s }}",
    "{{ \"x\" * 100000000 }}",
    "{{ 79228162514264337593543950335 * 10 }}",
    "{{ total * 1e300 }}",
    "{% if %}",
    "{% endif %}",
    "{% for %}",
    "{{",
    "}}",
    "{#",
    "#}",
    "{{ undefined_thing.x.y }}",
    "{{ today | date }}",
    "{% include \"../../../../etc/passwd\" %}",
    "{% extends \"relance_1.txt\" %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "\u{0}",
    "\r\n",
    "é",
];

struct TemplateCase {
    file: String,
    text: String,
    /// The channel it is rendered for (one render per case).
    channel: usize,
}

const CHANNELS: [Channel; 4] = [
    Channel::Email,
    Channel::Courrier,
    Channel::Recommande,
    Channel::Sms,
];

fn template_seeds() -> Arc<Vec<(String, String)>> {
    static SEEDS: std::sync::OnceLock<Arc<Vec<(String, String)>>> = std::sync::OnceLock::new();
    Arc::clone(SEEDS.get_or_init(|| {
        let mut seeds = Vec::new();
        for folder in ["policies/templates", "examples", "tests/fixtures"] {
            let mut stack = vec![root().join(folder)];
            while let Some(dir) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if let Some(name) = path.file_name().and_then(|n| n.to_str())
                        && (name.ends_with(".txt") || name.ends_with(".html"))
                        && let Ok(text) = std::fs::read_to_string(&path)
                    {
                        seeds.push((name.to_string(), text));
                    }
                }
            }
        }
        seeds.sort();
        Arc::new(seeds)
    }))
}

fn make_template(runner: &mut TestRunner) -> TemplateCase {
    let seeds = template_seeds();
    let (file, text) = &seeds[draw(runner, &(0..seeds.len()))];
    let edits = draw(
        runner,
        &proptest::collection::vec(edit(TEMPLATE_TOKENS.to_vec()), 1..6),
    );
    let mut text = text.clone();
    for e in &edits {
        text = apply(text, e);
    }
    TemplateCase {
        file: file.clone(),
        text,
        channel: draw(runner, &(0..CHANNELS.len())),
    }
}

fn letter_context(channel: Channel) -> LetterContext {
    // The checker's sample letter, with the largest amounts a ledger may carry.
    let calendar = policy::calendar::Calendar::new(None);
    let mut context =
        policy::letters::sample::context(DebtorKind::B2b, channel, false, "EUR", &calendar);
    let lines: Vec<InvoiceLine> = context
        .invoices
        .iter()
        .cloned()
        .map(|mut line| {
            line.amount = Decimal::from(10_000_000_000_000u64);
            line.outstanding = line.amount;
            line
        })
        .collect();
    context.invoices = lines.into();
    context
}

fn render_template(case: &TemplateCase) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(&case.file), &case.text).unwrap();
    let Ok(templates) = Templates::load(dir.path()) else {
        return;
    };
    let name = case
        .file
        .rsplit_once('.')
        .map_or(case.file.as_str(), |(n, _)| n);
    let channel = CHANNELS[case.channel];
    if let Ok(rendered) = templates.render(name, channel, &letter_context(channel)) {
        let _ = policy::letters::produce(&rendered, &letter_context(channel));
    }
}

// --------------------------------------------------------------- tests

#[test]
#[ignore = "the fuzzing harness: `.ci/run` makes a short run, docs/robustness.md the long one"]
fn fuzz_policies() {
    quiet_panics();
    let tally = run(
        "policy",
        1,
        env_usize("FUZZ_POLICY_CASES", 800),
        make_policy,
        |c| c.text.clone(),
        check_policy,
    );
    assert_clean(&tally);
}

#[test]
#[ignore = "the fuzzing harness: `.ci/run` makes a short run, docs/robustness.md the long one"]
fn fuzz_ledgers() {
    quiet_panics();
    let tally = run(
        "ledger",
        2,
        env_usize("FUZZ_LEDGER_CASES", 400),
        make_book,
        describe_book,
        simulate_book,
    );
    assert_clean(&tally);
}

#[test]
#[ignore = "the fuzzing harness: `.ci/run` makes a short run, docs/robustness.md the long one"]
fn fuzz_templates() {
    quiet_panics();
    let tally = run(
        "template",
        3,
        env_usize("FUZZ_TEMPLATE_CASES", 200),
        make_template,
        |c| format!("{} for {}\n{}", c.file, CHANNELS[c.channel], c.text),
        render_template,
    );
    assert_clean(&tally);
}

/// Runs the inputs saved in `target/fuzz-failures/` (or `FUZZ_REPLAY`)
/// again through their target, timed: a failure of a long run checked
/// again once fixed.
#[test]
#[ignore = "replays the failures of a fuzzing run (docs/robustness.md)"]
fn fuzz_replay() {
    quiet_panics();
    let dir = std::env::var_os("FUZZ_REPLAY")
        .map_or_else(|| root().join("target/fuzz-failures"), PathBuf::from);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("fuzz replay: no folder {}", dir.display());
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    let mut failures = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let t0 = Instant::now();
        IN_CASE.with(|c| c.set(true));
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            if name.starts_with("policy-") {
                // Its seed's folder is not saved: the examples' templates.
                let seed = policy_seeds()
                    .iter()
                    .position(|s| s.dir.ends_with("policies"))
                    .unwrap_or(0);
                check_policy(&PolicyCase { seed, text });
            } else if let Some(rest) = name.strip_prefix("ledger-").map(|_| text.as_str()) {
                let (head, body) = rest.split_once("\n--- ledger\n").unwrap();
                let (ledger, debtors) = body.split_once("\n--- debtors.csv\n").unwrap();
                let seed = book_seeds()
                    .iter()
                    .position(|s| head.starts_with(s.name))
                    .unwrap_or(0);
                let plan = head
                    .rsplit(' ')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                simulate_book(&BookCase {
                    seed,
                    ledger: ledger.to_string(),
                    debtors: debtors.to_string(),
                    plan,
                });
            } else if name.starts_with("template-") {
                let (head, body) = text.split_once('\n').unwrap();
                let (file, channel) = head.split_once(" for ").unwrap();
                let channel = CHANNELS
                    .iter()
                    .position(|c| c.to_string() == channel)
                    .unwrap_or(0);
                render_template(&TemplateCase {
                    file: file.to_string(),
                    text: body.to_string(),
                    channel,
                });
            }
        }));
        IN_CASE.with(|c| c.set(false));
        let took = t0.elapsed();
        println!("fuzz replay: {name}: {:.1} ms", took.as_secs_f64() * 1000.0);
        if result.is_err() {
            let why = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
            failures.push(format!("{name}: panic: {why}"));
        } else if took > max_case() {
            failures.push(format!("{name}: slow: {took:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
