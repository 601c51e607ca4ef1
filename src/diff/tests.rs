use chrono::NaiveDate;

use super::*;
use crate::simulate::AsWritten;
use crate::source::SourceFile;

const DEBTORS: &str = "id,name,kind,guarantor\n\
                       D1,Boulangerie Weber,b2b,Jean Weber\n\
                       D2,Garage Muller,b2b,\n";
const LEDGER: &str = "date,type,invoice,debtor,amount,due\n\
                      2026-01-01,invoice,F-1,D1,10000.00,2026-01-31\n\
                      2026-01-01,invoice,F-2,D2,20000.00,2026-01-31\n\
                      2026-01-05,invoice,F-3,D2,500.00,2026-02-04\n\
                      2026-02-25,payment,F-3,D2,500.00,\n";

const BASE: &str = "after 15 days send relance_1 by email\n\
                    after 45 days send mise_en_demeure by recommandé to debtor, guarantor\n\
                    charge indemnity 40 EUR\n\
                    after 60 days if amount <= 15000 route justice_de_paix\n\
                    after 60 days if amount > 15000 route tribunal_arrondissement\n";

fn plan(text: &str) -> Plan {
    let source = SourceFile::new("t.policy", text);
    let (ast, _) = crate::syntax::parse(&source);
    let (plan, diagnostics) = crate::plan::compile(&ast, &source, true);
    plan.unwrap_or_else(|| panic!("{diagnostics:?}"))
}

fn book() -> Ledger {
    crate::ledger::testing::ledger_of(DEBTORS, LEDGER)
}

fn window() -> Window {
    Window {
        from: None,
        to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    }
}

fn diff(before: &str, after: &str) -> Comparison {
    compare(&plan(before), &plan(after), &book(), window(), &AsWritten)
}

/// `F-1 send relance_1 moved 2026-02-15 → 2026-02-20` per change.
fn lines(c: &Comparison) -> Vec<String> {
    c.invoices
        .iter()
        .flat_map(|i| {
            i.changes.iter().map(move |ch| {
                let date = |f: &Option<Fired>| f.map_or("-".to_string(), |f| f.date.to_string());
                format!(
                    "{} {} {} {} → {}",
                    i.reference,
                    c.steps[ch.step].id,
                    ch.kind.as_str(),
                    date(&ch.before),
                    date(&ch.after)
                )
            })
        })
        .collect()
}

#[test]
fn the_same_policy_changes_nothing() {
    let c = diff(BASE, BASE);
    assert!(c.is_unchanged());
    assert_eq!(c.counts, Counts::default());
    assert!(c.switches.is_empty());
    assert_eq!(c.before, c.after);
    assert!(render::sentences(&c).is_empty());
}

#[test]
fn each_summary_is_what_simulate_gives() {
    let other = BASE.replace("after 15 days", "after 20 days");
    let c = diff(BASE, &other);
    let book = book();
    let alone = |text: &str| simulate::simulate(&plan(text), &book, window(), &AsWritten).summary;
    assert_eq!(c.before, alone(BASE));
    assert_eq!(c.after, alone(&other));
}

#[test]
fn a_new_delay_moves_events_and_does_not_remove_them() {
    let c = diff(BASE, &BASE.replace("after 15 days", "after 20 days"));
    assert_eq!(
        lines(&c),
        [
            "F-1 send relance_1 moved 2026-02-15 → 2026-02-20",
            "F-2 send relance_1 moved 2026-02-15 → 2026-02-20",
            "F-3 send relance_1 moved 2026-02-19 → 2026-02-24",
        ]
    );
    assert_eq!(
        (c.counts.moved, c.counts.added, c.counts.removed),
        (3, 0, 0)
    );
    assert_eq!(
        render::sentences(&c),
        ["`send relance_1` moves 5 days later on 3 invoices"]
    );
}

#[test]
fn a_later_relance_misses_a_payment() {
    // F-3 is paid on 25 February: a relance on the 26th no longer goes out.
    let c = diff(BASE, &BASE.replace("after 15 days", "after 22 days"));
    assert!(
        lines(&c).contains(&"F-3 send relance_1 removed 2026-02-19 → -".to_string()),
        "{:?}",
        lines(&c)
    );
}

#[test]
fn a_new_threshold_switches_courts() {
    let c = diff(
        BASE,
        &BASE
            .replace("amount <= 15000", "amount <= 5000")
            .replace("amount > 15000", "amount > 5000"),
    );
    assert_eq!(
        lines(&c),
        [
            "F-1 route justice_de_paix removed 2026-04-01 → -",
            "F-1 route tribunal_arrondissement added - → 2026-04-01",
        ]
    );
    assert_eq!(
        c.switches,
        [RouteSwitch {
            from: Some("justice_de_paix".into()),
            to: Some("tribunal_arrondissement".into()),
            invoices: 1,
            amount: Decimal::new(1000000, 2),
        }]
    );
    assert_eq!(
        render::sentences(&c),
        ["1 invoice (10000.00 EUR) would go to tribunal_arrondissement instead of justice_de_paix"]
    );
    let routed: Vec<(&str, Pair<usize>)> = c
        .routed
        .iter()
        .map(|r| (r.destination.as_str(), r.invoices))
        .collect();
    assert_eq!(
        routed,
        [
            (
                "justice_de_paix",
                Pair {
                    before: 1,
                    after: 0
                }
            ),
            (
                "tribunal_arrondissement",
                Pair {
                    before: 1,
                    after: 2
                }
            )
        ]
    );
}

#[test]
fn a_new_channel_changes_events_and_counts_messages() {
    let c = diff(
        BASE,
        &BASE.replace("relance_1 by email", "relance_1 by email, courrier"),
    );
    assert_eq!(c.counts.changed, 3);
    assert!(c.invoices[0].changes[0].kind == ChangeKind::Changed);
    let courrier = c
        .channels
        .iter()
        .find(|ch| ch.channel == "courrier")
        .unwrap();
    assert_eq!(
        courrier.messages,
        Pair {
            before: 0,
            after: 3
        }
    );
    // The mise en demeure reaches debtor and guarantor: two registered
    // letters for F-1, one for F-2.
    let recommande = c
        .channels
        .iter()
        .find(|ch| ch.channel == "recommandé")
        .unwrap();
    assert_eq!(
        recommande.messages,
        Pair {
            before: 3,
            after: 3
        }
    );
    assert_eq!(
        render::sentences(&c),
        [
            "`send relance_1` changes on 3 invoices: now `send relance_1 by email, courrier`, was `send relance_1 by email`"
        ]
    );
}

#[test]
fn an_added_step_and_a_new_charge_amount() {
    let after = BASE
        .replace("indemnity 40 EUR", "indemnity 50 EUR")
        .replace(
            "after 45 days send",
            "after 38 days call debtor\nafter 45 days send",
        );
    let c = diff(BASE, &after);
    let call = c.steps.iter().find(|s| s.id == "call debtor").unwrap();
    assert_eq!(
        call.events(),
        Pair {
            before: 0,
            after: 2
        }
    );
    assert!(call.before.is_none());
    let indemnity = &c.charges[0];
    assert_eq!(
        indemnity.events,
        Pair {
            before: 2,
            after: 2
        }
    );
    assert_eq!(
        indemnity.amount,
        Pair {
            before: Decimal::from(80),
            after: Decimal::from(100)
        }
    );
    assert_eq!(c.counts.added, 2);
    assert_eq!(c.counts.changed, 2);
    let sentences = render::sentences(&c);
    assert!(
        sentences.contains(&"`call debtor` is new (line 2): it fires on 2 invoices".to_string()),
        "{sentences:?}"
    );
}

#[test]
fn a_step_moved_past_the_window_has_moved() {
    let c = diff(BASE, &BASE.replace("after 60 days", "after 400 days"));
    assert_eq!(
        lines(&c),
        [
            "F-1 route justice_de_paix moved 2026-04-01 → 2027-03-07",
            "F-2 route tribunal_arrondissement moved 2026-04-01 → 2027-03-07",
        ]
    );
    assert!(c.switches.is_empty(), "still the same courts");
    // Counted in the window only.
    let routed: Vec<Pair<usize>> = c.routed.iter().map(|r| r.invoices).collect();
    assert_eq!(
        routed,
        [Pair {
            before: 1,
            after: 0
        }; 2]
    );
    assert_eq!(c.after.events, c.before.events - 2);
}

#[test]
fn a_window_compares_only_its_days() {
    let window = Window {
        from: NaiveDate::from_ymd_opt(2026, 3, 1),
        to: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    };
    // relance_1 moves within February: outside the window, no change.
    let c = compare(
        &plan(BASE),
        &plan(&BASE.replace("after 15 days", "after 20 days")),
        &book(),
        window,
        &AsWritten,
    );
    assert!(c.is_unchanged(), "{:?}", lines(&c));
    // The mise en demeure moves from March into April: it has moved.
    let c = compare(
        &plan(BASE),
        &plan(&BASE.replace("after 45 days send", "after 65 days send")),
        &book(),
        window,
        &AsWritten,
    );
    assert!(
        lines(&c).contains(&"F-1 send mise_en_demeure moved 2026-03-17 → 2026-04-06".to_string()),
        "{:?}",
        lines(&c)
    );
}
