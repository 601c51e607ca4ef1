//! Writes a reproducible synthetic ledger and debtors file.
//!
//! ```text
//! cargo run --release --example gen_ledger -- --invoices 1000000 --seed 1 --out target/book
//! ```
//!
//! Options: `--invoices N` (default 300), `--debtors N` (default: one per
//! 20 invoices, at least 50), `--seed S` (default 1), `--start YYYY-MM-DD`
//! (default 2025-01-01), `--days N` (issue dates spread over N days,
//! default 365), `--locale` (FR/BE/LU spreadsheet dialect), `--names`
//! (realistic names, as in examples/), `--exceptions P` (P % of the
//! debtors with a hold, a promise, a payment plan or an insolvency; default
//! 0), `--shuffle` (rows in random order instead of by date), `--json`
//! (`ledger.json` instead of `ledger.csv`), `--out DIR` (default `.`).

mod book;

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gen_ledger: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut options = book::Options {
        invoices: 300,
        debtors: 0,
        seed: 1,
        start: NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("bad default date")?,
        days: 365,
        locale: false,
        names: false,
        exceptions: 0,
    };
    let mut out = PathBuf::from(".");
    let (mut shuffle, mut json) = (false, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--invoices" => {
                options.invoices = value()?.parse().map_err(|e| format!("--invoices: {e}"))?
            }
            "--debtors" => {
                options.debtors = value()?.parse().map_err(|e| format!("--debtors: {e}"))?
            }
            "--seed" => options.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--days" => options.days = value()?.parse().map_err(|e| format!("--days: {e}"))?,
            "--start" => {
                options.start = value()?.parse().map_err(|e| format!("--start: {e}"))?;
            }
            "--locale" => options.locale = true,
            "--names" => options.names = true,
            "--shuffle" => shuffle = true,
            "--json" => json = true,
            "--exceptions" => {
                options.exceptions = value()?.parse().map_err(|e| format!("--exceptions: {e}"))?
            }
            "--out" => out = PathBuf::from(value()?),
            other => return Err(format!("unknown option `{other}` (see the file's header)")),
        }
    }
    if options.debtors == 0 {
        options.debtors = (options.invoices / 20).max(50);
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut book = book::generate(&options);
    if shuffle {
        book.shuffle(options.seed);
    }
    let write = |name: &str, f: &dyn Fn(&mut BufWriter<std::fs::File>) -> std::io::Result<()>| {
        let path = out.join(name);
        let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        f(&mut w).map_err(|e| format!("{}: {e}", path.display()))
    };
    if json {
        write("ledger.json", &|w| book.write_json_ledger(w))?;
    } else {
        write("ledger.csv", &|w| book.write_ledger(w, &options))?;
    }
    write("debtors.csv", &|w| book.write_debtors(w, &options))?;
    eprintln!(
        "gen_ledger: {} invoices, {} rows, {} debtors in {}",
        options.invoices,
        book.rows.len(),
        book.debtors.len(),
        out.display()
    );
    Ok(())
}
