//! The one-debtor run benchmark (docs/performance.md, "One letter over many
//! invoices"): `policy run` producing one e-mail and one letter for a debtor
//! with N invoices, all due on the same day.
//!
//! ```text
//! cargo bench --bench run                               # 5k to 80k invoices
//! cargo bench --bench run -- --sizes 1000000 --runs 1
//! cargo bench --bench run -- --policy ../main/target/release/policy  # another build
//! ```
//!
//! For each size it writes the book once (target/bench/one-debtor-N/), then
//! measures, best of `--runs`, a real run into a fresh journal and outbox:
//! wall time, CPU time (user + system: what a busy machine inflates least)
//! and peak memory (with `/usr/bin/time`), and the ratio of CPU time to the
//! size before (2.0 for work linear in the invoices when sizes double).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Args {
    sizes: Vec<usize>,
    runs: usize,
    policy: PathBuf,
}

fn args() -> Args {
    let mut args = Args {
        sizes: vec![5_000, 10_000, 20_000, 40_000, 80_000],
        runs: 3,
        policy: PathBuf::from(env!("CARGO_BIN_EXE_policy")),
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
            "--policy" => args.policy = PathBuf::from(it.next().unwrap()),
            "--bench" => {} // passed by `cargo bench`
            other => panic!("unknown option {other}"),
        }
    }
    args
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The folder of a one-debtor book of `invoices` invoices: the policy, the
/// LU example templates, the firm, the debtor and the ledger.
fn book(invoices: usize) -> PathBuf {
    let dir = root().join(format!("target/bench/one-debtor-{invoices}"));
    if dir.join("ledger.csv").exists() {
        return dir;
    }
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    for entry in std::fs::read_dir(root().join("policies/templates/lu")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("templates").join(entry.file_name())).unwrap();
    }
    std::fs::copy(root().join("examples/firm.toml"), dir.join("firm.toml")).unwrap();
    std::fs::write(
        dir.join("run.policy"),
        "policy \"Bench\"\njurisdiction LU\ncurrency EUR\napplies to b2b\n\
         templates \"templates\"\n\nafter 15 days send relance_2 by email, courrier\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("debtors.csv"),
        "id,name,kind,country,email,address\n\
         ACME,ACME SA,b2b,LU,compta@acme.lu,\"1 rue X\nL-1000 Luxembourg\"\n",
    )
    .unwrap();
    let mut ledger = String::from("date,type,invoice,debtor,amount,due\n");
    for i in 0..invoices {
        let _ = writeln!(ledger, "2026-01-01,invoice,F-{i:07},ACME,100.00,2026-01-31");
    }
    std::fs::write(dir.join("ledger.csv"), ledger).unwrap();
    dir
}

/// Wall seconds, and CPU seconds and peak memory (KiB) when /usr/bin/time is
/// there, of one real run in a fresh journal and outbox.
fn run(policy: &Path, dir: &Path) -> (f64, Option<(f64, u64)>) {
    let _ = std::fs::remove_dir_all(dir.join("state"));
    let time = Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "%U %S %M"]).arg(policy);
        c
    } else {
        Command::new(policy)
    };
    command.current_dir(dir).args([
        "run",
        "run.policy",
        "--ledger",
        "ledger.csv",
        "--journal",
        "state/journal.jsonl",
        "--outbox",
        "state/out",
        "--as-of",
        "2026-02-16",
    ]);
    let start = Instant::now();
    let output = command.output().unwrap();
    let wall = start.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let fields: Vec<&str> = stderr.lines().last().unwrap_or("").split(' ').collect();
    let measured = match fields[..] {
        [user, system, memory] => (|| {
            let cpu = user.parse::<f64>().ok()? + system.parse::<f64>().ok()?;
            Some((cpu, memory.trim().parse().ok()?))
        })(),
        _ => None,
    };
    (wall, measured)
}

fn main() {
    let args = args();
    println!("| invoices | wall s | CPU s | CPU × previous size | peak MiB |");
    println!("|---:|---:|---:|---:|---:|");
    let mut previous: Option<f64> = None;
    for &size in &args.sizes {
        let dir = book(size);
        let mut wall = f64::MAX;
        let mut cpu = f64::MAX;
        let mut memory = 0;
        for _ in 0..args.runs {
            let (t, measured) = run(&args.policy, &dir);
            wall = wall.min(t);
            if let Some((c, m)) = measured {
                cpu = cpu.min(c);
                memory = memory.max(m);
            }
        }
        let ratio = previous.map_or(String::new(), |p| format!("{:.1}", cpu / p));
        let mib = memory as f64 / 1024.0;
        println!("| {size} | {wall:.2} | {cpu:.2} | {ratio} | {mib:.0} |");
        previous = Some(cpu);
    }
}
