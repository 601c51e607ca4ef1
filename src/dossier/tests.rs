use super::*;
use crate::journal::{Deliver, Delivery, Journal, Options, Output, StepRef};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A ledger read from CSV text written to a temporary folder.
fn ledger_of(ledger: &str, debtors: &str) -> Ledger {
    crate::ledger::testing::ledger_of(debtors, ledger)
}

const DEBTORS: &str = "id,name,kind,country\n\
                       ACME,ACME SA,b2b,LU\n\
                       F-1,Société F-1,b2b,\n\
                       CONSO,Jean Dupont,b2c,FR\n";

fn ledger() -> Ledger {
    ledger_of(
        "date,type,invoice,debtor,amount,due\n\
         2026-01-05,invoice,F-1,ACME,1000.00,2026-02-04\n\
         2026-01-06,invoice,F-2,ACME,200.00,2026-02-05\n\
         2026-01-07,invoice,C-1,CONSO,3650.00,2026-02-06\n",
        DEBTORS,
    )
}

/// The invoice with this reference, and its index.
fn invoice<'a>(ledger: &'a Ledger, reference: &str) -> (InvoiceId, &'a Invoice) {
    let i = ledger
        .invoices
        .iter()
        .position(|i| i.reference == reference)
        .unwrap();
    (InvoiceId(i as u32), &ledger.invoices[i])
}

fn record(seq: u64, date: &str, template: &str, channel: &str, outcome: Outcome) -> ActionRecord {
    ActionRecord {
        intent: seq,
        at: "t".into(),
        run: "r".into(),
        action: Action {
            date: day(date),
            debtor: "CONSO".into(),
            invoices: vec!["C-1".into()],
            step: StepRef {
                id: format!("send {template}"),
                line: 1,
                target: template.into(),
            },
            channel: channel.into(),
            recipient: "debtor".into(),
            to: String::new(),
            claimed: None,
            currency: None,
            policy: None,
            lines: Vec::new(),
        },
        output: Output {
            path: "x".into(),
            sha256: "0".repeat(64),
            bytes: 1,
        },
        smtp: false,
        dispatched: None,
        outcome,
    }
}

fn committed() -> Outcome {
    Outcome::Committed {
        record: 2,
        at: "t".into(),
        smtp: None,
        recovered: false,
    }
}

fn aborted() -> Outcome {
    Outcome::Aborted {
        record: 2,
        at: "t".into(),
        reason: "r".into(),
    }
}

#[test]
fn an_id_is_an_invoice_or_a_debtor_and_a_prefix_settles_a_tie() {
    let ledger = ledger();
    assert_eq!(
        find(&ledger, "F-2", "l.csv").unwrap(),
        Subject::Invoice(invoice(&ledger, "F-2").0)
    );
    assert_eq!(
        find(&ledger, "ACME", "l.csv").unwrap(),
        Subject::Debtor(DebtorId(0))
    );
    // `F-1` is both an invoice and a debtor.
    let tie = find(&ledger, "F-1", "l.csv").unwrap_err();
    assert_eq!(tie.code, Code::DossierAmbiguousId);
    assert!(tie.help.unwrap().contains("`invoice:F-1`"));
    assert_eq!(
        find(&ledger, "invoice:F-1", "l.csv").unwrap(),
        Subject::Invoice(invoice(&ledger, "F-1").0)
    );
    assert_eq!(
        find(&ledger, "debtor:F-1", "l.csv").unwrap(),
        Subject::Debtor(DebtorId(1))
    );
    let unknown = find(&ledger, "invoice:ACME", "l.csv").unwrap_err();
    assert_eq!(unknown.code, Code::DossierUnknownId);
    assert_eq!(unknown.message, "no invoice `ACME` in the ledger");
    let typo = find(&ledger, "acme", "l.csv").unwrap_err();
    assert_eq!(typo.help.as_deref(), Some("did you mean `ACME`?"));
}

#[test]
fn the_cheap_bound_never_rules_out_what_suggest_would_find() {
    let words = [
        "F-2025-101",
        "F-2025-110",
        "f-2025-101",
        "2025-F-101",
        "F-2025-1",
        "ACME",
        "ACNE",
        "MACE",
        "acme sa",
        "Société",
        "Societe",
        "F25-0000002",
        "F25-000002",
        "",
    ];
    for a in words {
        let near = Near::new(a);
        for b in words {
            if suggest::closest(a, [b]).is_some() {
                assert!(near.may_be_close(b), "{a} → {b}");
            }
        }
    }
    assert!(!Near::new("F-2025-101").may_be_close("F-2026-999"));
    assert!(!Near::new("ACME").may_be_close("BETA"));
}

#[test]
fn the_policy_decides_the_law_else_the_debtors_country() {
    let ledger = ledger();
    let acme = &ledger.debtors[0];
    let law = law_for(acme, None, &[], "d.csv").unwrap();
    assert_eq!(law.jurisdiction, Jurisdiction::Lu);
    assert_eq!(law.from, LawFrom::DebtorCountry);
    let policy = Law {
        jurisdiction: Jurisdiction::Fr,
        from: LawFrom::Policy("fr.policy".into()),
    };
    assert_eq!(
        law_for(acme, Some(policy.clone()), &[], "d.csv").unwrap(),
        policy
    );
    let no_country = law_for(&ledger.debtors[1], None, &[], "d.csv").unwrap_err();
    assert_eq!(no_country.code, Code::DossierNoJurisdiction);
    assert!(no_country.message.contains("has no country"));
}

#[test]
fn a_formal_notice_is_a_send_of_a_notice_template_or_by_bailiff() {
    let notice = record(
        1,
        "2026-03-01",
        "mise_en_demeure",
        "recommandé",
        committed(),
    );
    assert!(is_formal_notice(&notice.action));
    let bailiff = record(1, "2026-03-01", "relance_3", "huissier", committed());
    assert!(is_formal_notice(&bailiff.action));
    let reminder = record(1, "2026-03-01", "relance_2", "recommandé", committed());
    assert!(!is_formal_notice(&reminder.action));
}

#[test]
fn the_notice_period_starts_at_the_first_notice_that_went_out_once_received() {
    let ledger = ledger();
    let (_, invoice) = invoice(&ledger, "C-1");
    let actions = vec![
        record(1, "2026-02-20", "mise_en_demeure", "recommandé", aborted()),
        record(3, "2026-02-21", "relance_2", "courrier", committed()),
        record(
            5,
            "2026-02-24",
            "mise_en_demeure",
            "recommandé",
            committed(),
        ),
    ];
    let periods = notice_periods(&actions, &[invoice], Jurisdiction::Fr);
    let [period] = periods.as_slice() else {
        panic!("{periods:?}")
    };
    assert_eq!(period.intent, 5);
    assert_eq!(period.sent, day("2026-02-24"));
    // Sent on Tuesday 24 February: received on the third working day,
    // Friday 27; 15 days from then.
    assert_eq!(period.received, day("2026-02-27"));
    assert_eq!(period.days, 15);
    assert_eq!(period.ends, day("2026-03-14"));
    assert_eq!(period.invoices, ["C-1"]);
    assert!(notice_periods(&actions[..2], &[invoice], Jurisdiction::Fr).is_empty());
}

/// A French consumer owes the legal rate ("other cases", 2.62 % in H1
/// 2026) from the day after the mise en demeure (C. civ. 1231-6, 1344-1):
/// notice on 24 Feb 2026, so interest from 25 Feb to 31 Mar = 4 + 31 = 35
/// days on 3,650.00: 3,650 × 2.62 × 35 / 36,500 = 9.17 exactly. No
/// indemnity (CPCE L111-8).
#[test]
fn a_french_consumer_owes_interest_from_the_mise_en_demeure() {
    let ledger = ledger();
    let (_, invoice) = invoice(&ledger, "C-1");
    let rates = RateTable::embedded().unwrap();
    let terms = claim::Terms {
        jurisdiction: Jurisdiction::Fr,
        kind: DebtorKind::B2c,
        as_of: day("2026-03-31"),
        rates: &rates,
    };
    let actions = vec![
        record(1, "2026-02-20", "relance_1", "email", committed()),
        record(
            3,
            "2026-02-24",
            "mise_en_demeure",
            "recommandé",
            committed(),
        ),
    ];
    let notice = |i: &Invoice| interest_notice(&actions, i, Jurisdiction::Fr, DebtorKind::B2c);
    assert_eq!(notice(invoice), Some(day("2026-02-24")));
    let mut warnings = Vec::new();
    let claim =
        claim::compute(&ledger, &[invoice], &terms, notice, |_| None, &mut warnings).unwrap();
    let line = &claim.lines[0];
    assert_eq!(line.interest, dec("9.17"));
    assert_eq!(line.periods[0].from, day("2026-02-25"));
    assert_eq!(line.indemnity, Decimal::ZERO);
    assert!(warnings.is_empty());

    // Before any mise en demeure, nothing but the principal.
    let none = |i: &Invoice| interest_notice(&actions[..1], i, Jurisdiction::Fr, DebtorKind::B2c);
    let claim = claim::compute(&ledger, &[invoice], &terms, none, |_| None, &mut warnings).unwrap();
    assert_eq!(claim.lines[0].interest, Decimal::ZERO);
    assert_eq!(claim.lines[0].no_interest, Some(NoInterest::AwaitingNotice));
    assert_eq!(claim.total(), dec("3650.00"));
}

/// A Belgian consumer: nothing runs before the free first reminder's 14
/// days have passed (Book XIX). An e-mailed reminder on 20 Feb 2026: the 14
/// days run from 21 Feb to 6 Mar, so interest from 7 Mar to 31 Mar = 25
/// days at the legal rate, 4.5 % in 2026 (without a clause, legal-facts
/// R4): 3,650 × 4.5 × 25 / 36,500 = 11.25; and the indemnity cap on
/// 3,650.00: 65 + 5 % of 3,150 = 222.50.
#[test]
fn a_belgian_consumer_owes_nothing_before_the_free_reminders_period() {
    let ledger = ledger();
    let (_, invoice) = invoice(&ledger, "C-1");
    let rates = RateTable::embedded().unwrap();
    let actions = vec![record(1, "2026-02-20", "relance_1", "email", committed())];
    let notice = |i: &Invoice| interest_notice(&actions, i, Jurisdiction::Be, DebtorKind::B2c);
    assert_eq!(notice(invoice), Some(day("2026-03-06")));
    let at = |as_of: &str| claim::Terms {
        jurisdiction: Jurisdiction::Be,
        kind: DebtorKind::B2c,
        as_of: day(as_of),
        rates: &rates,
    };
    let mut warnings = Vec::new();
    let claim = claim::compute(
        &ledger,
        &[invoice],
        &at("2026-03-31"),
        notice,
        |_| None,
        &mut warnings,
    )
    .unwrap();
    assert_eq!(claim.lines[0].interest, dec("11.25"));
    assert_eq!(claim.lines[0].indemnity, dec("222.50"));
    let early = claim::compute(
        &ledger,
        &[invoice],
        &at("2026-03-06"),
        notice,
        |_| None,
        &mut warnings,
    )
    .unwrap();
    assert_eq!(early.lines[0].interest, Decimal::ZERO);
    assert_eq!(early.lines[0].indemnity, Decimal::ZERO);
    // A letter: 21 days (the third working day, at most a week later).
    let letter = vec![record(
        1,
        "2026-02-20",
        "relance_1",
        "courrier",
        committed(),
    )];
    assert_eq!(
        interest_notice(&letter, invoice, Jurisdiction::Be, DebtorKind::B2c),
        Some(day("2026-03-12"))
    );
}

/// An SMTP transport whose answer is lost: the e-mail is uncertain.
struct Lost;

impl Deliver for Lost {
    fn deliver(&mut self, _: &Action, _: &[u8]) -> Delivery {
        Delivery::Unknown("connection reset".into())
    }
}

#[test]
fn an_uncertain_email_and_its_resolution_are_both_told() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let mut journal = Journal::open(&path, Options::default()).unwrap();
    let action = record(0, "2026-02-20", "relance_1", "email", Outcome::Open).action;
    let out = action.file_name("eml");
    let performed = journal
        .perform(action, &out, b"x", &dir.path().join("out"), Some(&mut Lost))
        .unwrap();
    assert!(matches!(
        performed,
        crate::journal::Performed::Uncertain { intent: 1, .. }
    ));
    let history = history::read(&path, |_| true).unwrap();
    assert!(matches!(
        &history.actions[0].outcome,
        Outcome::Uncertain { record: 3, .. }
    ));
    assert_eq!(history.actions[0].dispatched, Some(2));
    assert!(!history.actions[0].took_effect());
    assert_eq!(
        history.warnings.len(),
        1,
        "the uncertain e-mail is a warning"
    );

    journal
        .resolve(1, true, "vu dans le journal du serveur")
        .unwrap();
    drop(journal);
    let history = history::read(&path, |_| true).unwrap();
    let resolved = &history.actions[0];
    assert!(resolved.took_effect());
    let Outcome::Resolved {
        uncertain,
        reason,
        sent,
        note,
        ..
    } = &resolved.outcome
    else {
        panic!("{:?}", resolved.outcome)
    };
    assert_eq!((*uncertain, *sent), (3, true));
    assert!(reason.contains("connection reset"));
    assert_eq!(note, "vu dans le journal du serveur");
    assert_eq!(history.verified.records, 4);
    assert!(history::read(&path, |_| false).unwrap().actions.is_empty());
}

proptest::proptest! {
    /// The bag distance is a lower bound of the edit distance `suggest`
    /// uses: what `suggest` would find always passes the cheap test.
    #[test]
    fn the_cheap_bound_is_a_lower_bound(a in "[a-cA-C0-9-]{0,12}", b in "[a-cA-C0-9-]{0,12}") {
        if suggest::closest(&a, [b.as_str()]).is_some() {
            proptest::prop_assert!(Near::new(&a).may_be_close(&b));
        }
    }
}

/// The journal's reasons are written in src/journal/mod.rs; the dossier
/// says them in French. A reworded reason must be translated again.
#[test]
fn every_journal_reason_has_its_french_wording() {
    let journal = include_str!("../journal/mod.rs");
    for english in [
        "the server refused the message: ",
        "the exchange with the server broke off: ",
        "the output could not be written: ",
        "written but never handed to the SMTP server",
        "interrupted before its output was in place",
        " holds other content than the intent's",
    ] {
        assert!(journal.contains(english), "{english}");
        let reason = format!("`x.eml`{english}");
        let reason = if english.starts_with(' ') {
            &reason
        } else {
            english
        };
        assert!(
            !words::journal_reason(reason).contains(english.trim()),
            "{english}"
        );
    }
    assert_eq!(
        words::journal_reason("the server refused the message: 550 no"),
        "le serveur a refusé le message : « 550 no »"
    );
}
