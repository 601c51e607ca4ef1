//! `policy check` on generated policies of growing size: parse + compile +
//! checks must stay linear. Run with `cargo bench --bench check`; the
//! figures go in docs/performance.md.

use std::path::Path;
use std::time::{Duration, Instant};

use policy::check::check_source;
use policy::source::SourceFile;

/// A policy of `n` statements using every construct: anchors on earlier
/// letters, inherited times, conditions, every action.
fn generate(n: usize) -> String {
    let mut text = String::from(
        "policy \"bench\"\njurisdiction LU\ncurrency EUR\napplies to b2b, b2c\nlimit 400 contacts per 30 days\n",
    );
    for i in 0..n {
        let line = match i % 8 {
            0 => format!(
                "after {} days send relance_{i} by email, courrier to debtor, guarantor\n",
                10 + i % 50
            ),
            1 => format!(
                "after 8 business days from relance_{} send rappel_{i} by recommandé\n",
                i - 1
            ),
            2 => "charge indemnity 40 EUR\n".to_string(),
            3 => format!(
                "after {} days if amount >= {} and not guaranteed or (b2c and days_late > 30) call debtor\n",
                20 + i % 40,
                1000 + i
            ),
            4 => "charge interest 10.5%\n".to_string(),
            5 => format!(
                "after 2 months if total < {}.50 route justice_de_paix with ordonnance_de_paiement\n",
                15000 + i
            ),
            6 => format!(
                "after {} weeks from issue if partially_paid send relance_{i}; charge fee 15\n",
                1 + i % 9
            ),
            _ => "after 3 months if amount > 100000 stop\n".to_string(),
        };
        text.push_str(&line);
    }
    text
}

fn time(text: &str) -> Duration {
    // Best of five: the least disturbed run.
    (0..5)
        .map(|_| {
            let started = Instant::now();
            let source = SourceFile::new("bench.policy", text);
            let checked = check_source(&source, Path::new("."));
            assert!(checked.plan.is_some(), "the generated policy must be valid");
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    println!(
        "{:>10} {:>10} {:>12} {:>14}",
        "statements", "bytes", "check (ms)", "µs/statement"
    );
    for n in [1_000, 10_000, 100_000] {
        let text = generate(n);
        let statements = text.lines().count() - 5 + n / 8; // one-line pairs count twice
        let elapsed = time(&text);
        println!(
            "{:>10} {:>10} {:>12.1} {:>14.2}",
            statements,
            text.len(),
            elapsed.as_secs_f64() * 1e3,
            elapsed.as_secs_f64() * 1e6 / statements as f64
        );
    }
}
