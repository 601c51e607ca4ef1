//! The report of the example book (`policies/lu-b2b.policy` on
//! `examples/ledger.csv`), read as a program reads a page: its headline
//! figures against the simulation's JSON summary, its structure, its
//! languages, its cut tables.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::ledger::{Ledger, ReadOptions};
use crate::simulate::{self, AsWritten, Window};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A Luxembourg policy of this test's own (the example policy may change
/// its steps): letters, a call, a mise en demeure with its charges, a court
/// by amount.
const LU_POLICY: &str = "\
policy \"Recouvrement B2B Luxembourg\"
jurisdiction LU
currency EUR
applies to b2b
templates \"templates/lu\"
minimum 25 EUR
after 15 days send relance_1 by email
after 30 days send relance_2 by email, courrier
after 38 days call debtor
after 45 days send mise_en_demeure by recommandé to debtor, guarantor
charge indemnity 40 EUR
charge interest statutory
after 15 days from mise_en_demeure if amount <= 15000 route justice_de_paix with ordonnance_de_paiement
after 15 days from mise_en_demeure if amount > 15000 route tribunal_arrondissement with ordonnance_de_provision
";

/// `text` checked as a policy of the repository's `policies/` folder.
fn plan_of(name: &str, text: &str) -> Plan {
    let source = crate::source::SourceFile::new(name, text.to_string());
    let checked = crate::check::check_source(&source, &repo("policies"));
    checked
        .plan
        .unwrap_or_else(|| panic!("{:?}", checked.diagnostics))
}

fn plan(path: &Path) -> Plan {
    let text = std::fs::read_to_string(path).unwrap();
    let source = crate::source::SourceFile::new(path.display().to_string(), text);
    crate::check::check_source(&source, path.parent().unwrap())
        .plan
        .unwrap()
}

fn book(ledger: &Path) -> Ledger {
    crate::ledger::read(ledger, None, &ReadOptions::default())
        .unwrap()
        .ledger
        .unwrap()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Example {
    plan: Plan,
    book: Ledger,
    sim: Simulation,
    policy: Provenance,
}

fn example(to: &str) -> Example {
    let path = repo("policies/lu-b2b.policy");
    let plan = plan(&path);
    let book = book(&repo("examples/ledger.csv"));
    let window = Window {
        from: None,
        to: day(to),
    };
    let sim = simulate::simulate(&plan, &book, window, &AsWritten);
    let policy = Provenance::of_file(&path, &std::fs::read_to_string(&path).unwrap());
    Example {
        plan,
        book,
        sim,
        policy,
    }
}

fn page(e: &Example, lang: Lang) -> String {
    simulation(&SimulationReport {
        plan: &e.plan,
        policy: &e.policy,
        ledger: &e.book,
        ledger_name: "examples/ledger.csv",
        simulation: &e.sim,
        runs_from: None,
        lang,
    })
}

/// Every `data-figure="NAME" data-value="VALUE">SHOWN<` of a page.
pub(crate) fn figures(page: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("data-figure=\"") {
        rest = &rest[at + 13..];
        let name_end = rest.find('"').unwrap();
        let name = rest[..name_end].to_string();
        let value_at = rest.find("data-value=\"").unwrap() + 12;
        let value_end = value_at + rest[value_at..].find('"').unwrap();
        let value = rest[value_at..value_end].to_string();
        let shown_at = value_end + rest[value_end..].find('>').unwrap() + 1;
        let shown_end = shown_at + rest[shown_at..].find('<').unwrap();
        found.push((name, value, rest[shown_at..shown_end].to_string()));
    }
    found
}

/// A figure as a person reads it, back to a number: `1 028 309,87 €`,
/// `€1,028,309.87`, `203`.
pub(crate) fn read_shown(shown: &str, lang: Lang) -> Decimal {
    let kept: String = shown
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '-'))
        .collect();
    let number = match lang {
        Lang::Fr => kept.replace(',', "."),
        Lang::En => kept.replace(',', ""),
    };
    number.parse().unwrap()
}

#[test]
fn the_headline_figures_are_those_of_the_json_summary() {
    let e = example("2025-12-31");
    let json = simulate::output::summary_json(&e.plan, &e.book, &e.sim);
    let mut expected: Vec<(String, String)> = vec![
        ("invoices".into(), json["invoices"].to_string()),
        ("chased".into(), json["chased"].to_string()),
        (
            "collected".into(),
            json["collected"].as_str().unwrap().into(),
        ),
        (
            "outstanding".into(),
            json["outstanding"].as_str().unwrap().into(),
        ),
    ];
    for (channel, n) in json["channels"].as_object().unwrap() {
        expected.push((format!("channel:{channel}"), n.to_string()));
    }
    for routed in json["routed"].as_array().unwrap() {
        let name = routed["destination"].as_str().unwrap();
        expected.push((
            format!("routed:{name}:invoices"),
            routed["invoices"].to_string(),
        ));
        expected.push((
            format!("routed:{name}:amount"),
            routed["amount"].as_str().unwrap().into(),
        ));
    }
    // The example book routes to both LU courts and sends by every channel
    // of the policy: nothing here is vacuous.
    assert!(expected.len() >= 12, "{expected:?}");
    for lang in [Lang::Fr, Lang::En] {
        let page = page(&e, lang);
        let found = figures(&page);
        assert_eq!(
            found
                .iter()
                .map(|(n, v, _)| (n.clone(), v.clone()))
                .collect::<Vec<_>>(),
            expected,
            "{lang:?}"
        );
        for (name, value, shown) in &found {
            assert_eq!(
                read_shown(shown, lang),
                value.parse::<Decimal>().unwrap(),
                "{name} is shown as {shown:?} in {lang:?}"
            );
        }
    }
}

#[test]
fn the_page_stands_alone_with_three_charts_of_text() {
    let e = example("2025-12-31");
    let page = page(&e, Lang::Fr);
    for outside in [
        "<script", "<link", "<img", "<iframe", "src=", "@import", "url(", "http",
    ] {
        assert!(!page.contains(outside), "the page has `{outside}`");
    }
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"fr\">"));
    assert!(page.contains("@page { size: A4"));
    let charts: Vec<&str> = page.split("<svg ").skip(1).collect();
    assert_eq!(charts.len(), 3, "events, aged balance, amounts routed");
    for chart in charts {
        let chart = &chart[..chart.find("</svg>").unwrap()];
        assert!(chart.contains("<text"), "{chart}");
        assert!(chart.contains("<rect"), "{chart}");
    }
    // The policy's identity: its title, file, hash and the law.
    assert!(page.contains("<h1>Recouvrement B2B Luxembourg</h1>"));
    assert!(page.contains(&e.policy.sha256));
    assert!(page.contains("Luxembourg (LU) · EUR"));
    assert!(
        page.contains(
            "Période du 1er janvier 2025 (premier jour du grand livre) au 31 décembre 2025"
        )
    );
    // The courts by their name in the law, the procedures too.
    assert!(page.contains("tribunal d&#39;arrondissement"));
    assert!(page.contains("ordonnance conditionnelle de paiement"));
}

#[test]
fn english_and_french_say_the_same_in_their_words() {
    let e = example("2025-12-31");
    let fr = page(&e, Lang::Fr);
    let en = page(&e, Lang::En);
    assert!(en.contains("<html lang=\"en\">"));
    for (french, english) in [
        ("Chiffres clés", "Headline figures"),
        ("Factures relancées", "Invoices chased"),
        (
            "Événements par semaine, par étape",
            "Events per week, by step",
        ),
        ("Prochaine étape", "Next step"),
        ("Factures transmises", "Invoices routed"),
    ] {
        assert!(fr.contains(french) && !en.contains(french), "{french}");
        assert!(en.contains(english) && !fr.contains(english), "{english}");
    }
    assert!(en.contains("From 1 January 2025 (the ledger&#39;s first day) to 31 December 2025"));
}

/// Each kind's bands, in the kinds' order (b2b, then b2c) whatever the
/// order of the debtors file, each balance in its own debtor's kind.
#[test]
fn the_aged_balance_is_shown_by_kind_in_the_kinds_order() {
    let ledger = crate::ledger::testing::ledger_of(
        "id,name,kind\nC1,Claes,b2c\nB1,Durand SA,b2b\nC2,Maes,b2c\n",
        "date,type,invoice,debtor,amount,due\n\
         2025-01-02,invoice,F-1,C1,100.00,2025-01-16\n\
         2025-01-03,invoice,F-2,B1,250.00,2025-11-20\n\
         2025-01-04,invoice,F-3,C2,40.50,2025-12-20\n",
    );
    let plan = plan_of(
        "both.policy",
        "policy \"Both\"\ncurrency EUR\nafter 15 days send relance_1 by email\n",
    );
    let window = Window {
        from: None,
        to: day("2025-12-31"),
    };
    let s = simulate::simulate(&plan, &ledger, window, &AsWritten).summary;
    let kinds: Vec<_> = s.aged_by_kind.iter().map(|k| k.kind).collect();
    assert_eq!(
        kinds,
        [crate::vocab::DebtorKind::B2b, crate::vocab::DebtorKind::B2c]
    );
    let dec = |text: &str| text.parse::<Decimal>().unwrap();
    // B1: 41 days late (31-60); C1: 349 days (over 180); C2: 11 (0-30).
    assert_eq!(s.aged_by_kind[0].bands.0[1], dec("250.00"));
    assert_eq!(s.aged_by_kind[1].bands.0[4], dec("100.00"));
    assert_eq!(s.aged_by_kind[1].bands.0[0], dec("40.50"));
    assert_eq!(s.aged_by_kind[1].bands.total(), dec("140.50"));
}

#[test]
fn the_aged_balance_by_kind_adds_up_to_the_outstanding_balance() {
    let e = example("2025-12-31");
    let s = &e.sim.summary;
    let by_kind: Decimal = s.aged_by_kind.iter().map(|k| k.bands.total()).sum();
    assert_eq!(by_kind, s.outstanding);
    // Each invoice's balance in its band, recomputed from the ledger.
    let mut bands = [Decimal::ZERO; 5];
    for invoice in &e.book.invoices {
        let debtor = e.book.debtor(invoice.debtor);
        if invoice.issued > s.to || !e.plan.covers(debtor.kind, debtor.country_code()) {
            continue;
        }
        let late = (s.to - invoice.due).num_days();
        let band = [30, 60, 90, 180]
            .iter()
            .filter(|&&last| late > last)
            .count();
        bands[band] += e.book.balance_on(invoice, s.to);
    }
    assert_eq!(s.aged_by_kind.len(), 1, "the LU policy covers b2b only");
    assert_eq!(s.aged_by_kind[0].bands.0, bands);
    assert!(bands.iter().all(|b| *b > Decimal::ZERO), "{bands:?}");
}

#[test]
fn the_largest_debtors_come_first_with_a_next_step_after_the_window() {
    let e = example("2025-12-31");
    let lines = figures::largest_debtors(&e.plan, &e.book, &e.sim, None, LARGEST_DEBTORS);
    assert!(!lines.is_empty() && lines.len() <= LARGEST_DEBTORS);
    let largest = e
        .sim
        .summary
        .aged
        .iter()
        .map(|a| a.aging.total())
        .max()
        .unwrap();
    assert_eq!(lines[0].outstanding, largest);
    assert!(
        lines
            .windows(2)
            .all(|w| w[0].outstanding >= w[1].outstanding)
    );
    let to = e.sim.summary.to;
    for line in &lines {
        assert!(line.open_invoices > 0);
        if let Some(next) = line.next {
            assert!(next.date > to, "{line:?}");
            assert_eq!(e.book.invoice(next.invoice).debtor, line.debtor);
        }
        if let Some(last) = line.last {
            assert!(last.date <= to, "{line:?}");
        }
    }
    assert!(lines.iter().any(|l| l.next.is_some()));
    assert!(lines.iter().any(|l| l.last.is_some()));
}

/// A book of `n` unpaid invoices of 1,000 EUR, all due on 2024-01-31:
/// every one is routed to the justice de paix in 2024.
fn unpaid_book(dir: &Path, n: usize) -> PathBuf {
    let mut ledger = String::from("date,type,invoice,debtor,amount,due\n");
    for i in 0..n {
        ledger.push_str(&format!(
            "2024-01-01,invoice,F-{i:05},D{:03},1000.00,2024-01-31\n",
            i % 100
        ));
    }
    let mut debtors = String::from("id,name,kind,country\n");
    for d in 0..100 {
        debtors.push_str(&format!("D{d:03},Débiteur <{d}> & fils,b2b,LU\n"));
    }
    std::fs::write(dir.join("ledger.csv"), ledger).unwrap();
    std::fs::write(dir.join("debtors.csv"), debtors).unwrap();
    dir.join("ledger.csv")
}

#[test]
fn long_tables_are_cut_and_say_how_many_rows_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_of("lu.policy", LU_POLICY);
    let book = book(&unpaid_book(dir.path(), 1_200));
    let window = Window {
        from: None,
        to: day("2024-12-31"),
    };
    let sim = simulate::simulate(&plan, &book, window, &AsWritten);
    assert_eq!(sim.summary.routed[0].invoices, 1_200);
    let policy = Provenance::of_file(Path::new("lu-b2b.policy"), "x");
    let page = simulation(&SimulationReport {
        plan: &plan,
        policy: &policy,
        ledger: &book,
        ledger_name: "ledger.csv",
        simulation: &sim,
        runs_from: None,
        lang: Lang::En,
    });
    let routed = &page[page.find("<h2>Invoices routed</h2>").unwrap()..];
    let table = &routed[..routed.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 1 + ROWS, "head and rows");
    assert!(routed.contains("… and 700 more."), "{}", &routed[..2000]);
    assert!(routed.contains("--format csv lists every event"));
    // 100 debtors with a balance, the 50 largest listed.
    let debtors = &page[page.find("The 50 largest outstanding debtors").unwrap()..];
    let table = &debtors[..debtors.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr>").count(), 1 + LARGEST_DEBTORS);
    // Names are the book's, escaped.
    assert!(page.contains("Débiteur &lt;0&gt; &amp; fils"));
    assert!(!page.contains("<0>"));
}

#[test]
fn a_comparison_lists_its_switches_and_changes_by_kind() {
    let before = plan_of("lu.policy", LU_POLICY);
    let text = LU_POLICY
        .replace(
            "after 45 days send mise_en_demeure",
            "after 50 days send mise_en_demeure",
        )
        .replace("if amount <= 15000", "if amount <= 10000")
        .replace(
            "after 15 days from mise_en_demeure if amount > 15000",
            "allow court_competence because \"clause attributive\"\n\
             after 15 days from mise_en_demeure if amount > 10000",
        );
    let after = plan_of("new.policy", &text);
    let book = book(&repo("examples/ledger.csv"));
    let window = Window {
        from: None,
        to: day("2025-12-31"),
    };
    let comparison = crate::diff::compare(&before, &after, &book, window, &AsWritten);
    let old_policy = Provenance::of_file(Path::new("lu-b2b.policy"), "a");
    let new_policy = Provenance::of_file(Path::new("new.policy"), &text);
    let page = diff(&DiffReport {
        before: Side {
            plan: &before,
            policy: &old_policy,
        },
        after: Side {
            plan: &after,
            policy: &new_policy,
        },
        comparison: &comparison,
        ledger: &book,
        ledger_name: "examples/ledger.csv",
        lang: Lang::En,
    });
    let n = comparison.counts;
    assert!(n.moved > 0 && n.removed > 0, "{n:?}");
    assert!(page.contains(&format!(
        "data-figure=\"changed-invoices\" data-value=\"{}\"",
        n.invoices
    )));
    let switched = comparison
        .invoices
        .iter()
        .filter(|i| i.switch.is_some())
        .count();
    let counted: usize = comparison.switches.iter().map(|s| s.invoices).sum();
    assert!(switched > 0);
    assert_eq!(switched, counted);
    assert!(page.contains(&format!("Destination switches ({switched} invoices)")));
    // Each kind of change under its heading, with its count; none for a
    // kind without changes.
    for (count, title) in [
        (n.added, "Steps added"),
        (n.removed, "Steps removed"),
        (n.moved, "Steps moved"),
        (n.changed, "Steps changed"),
    ] {
        let heading = format!("<h3>{title} (");
        if count == 0 {
            assert!(!page.contains(&heading), "{title}");
        } else {
            let noun = if count == 1 { "event" } else { "events" };
            assert!(
                page.contains(&format!("{heading}{count} {noun})</h3>")),
                "{title}"
            );
        }
    }
    assert!(page.contains("justice de paix → "));
    // Before and after side by side, the switches, on one scale each.
    assert_eq!(page.matches("<svg ").count(), 5);
    assert!(page.contains(&new_policy.sha256) && page.contains(&old_policy.sha256));
}

#[test]
fn charts_streamed_from_the_engine_are_those_of_the_simulation() {
    let e = example("2025-12-31");
    let window = Window {
        from: None,
        to: day("2025-12-31"),
    };
    let first = figures::first_day(window, &e.book);
    let bins = figures::Bins::fitting(first, window.to, figures::Period::Week, 160);
    let months = figures::Bins::fitting(first, window.to, figures::Period::Month, 160);
    let kept = figures::Charted::of_simulation(&e.plan, &e.sim, &bins, &months);
    let streamed = figures::Charted::of_book(&e.plan, &e.book, window, &bins, &months);
    assert_eq!(kept.events, streamed.events);
    assert_eq!(kept.routed(), streamed.routed());
    let routed: Vec<String> = kept.routed().into_iter().map(|(name, _)| name).collect();
    assert_eq!(routed, ["justice_de_paix", "tribunal_arrondissement"]);
    let total: u64 = kept.events.iter().flatten().sum();
    assert_eq!(total as usize, e.sim.summary.events);
}
