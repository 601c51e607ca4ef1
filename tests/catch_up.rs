//! Catch-up after missed runs (field report, issue 11 point 1): a step timed
//! from an earlier letter keeps its written distance from the day that
//! letter actually went out, whatever the runs that were missed; and a
//! letter claims only the charges whose step has fired.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use assert_cmd::Command;
use chrono::NaiveDate;

const POLICY: &str = "\
policy \"Recouvrement B2B Belgique\"
jurisdiction BE
applies to b2b
templates \"templates\"

after 8 days send relance_1 by email
after 30 days send relance_2 by email
after 45 days send mise_en_demeure by recommandé
charge indemnity 40 EUR
charge interest statutory
after 10 business days from mise_en_demeure call debtor
after 20 days from mise_en_demeure route tribunal_entreprise
";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("templates")).unwrap();
    std::fs::write(
        p.join("templates/relance_1.txt"),
        common::text_letter("Facture impayée"),
    )
    .unwrap();
    std::fs::write(
        p.join("templates/relance_2.txt"),
        common::text_letter("Facture impayée"),
    )
    .unwrap();
    std::fs::write(
        p.join("templates/mise_en_demeure.html"),
        common::html_letter("Mise en demeure"),
    )
    .unwrap();
    std::fs::write(p.join("be.policy"), POLICY).unwrap();
    std::fs::write(
        p.join("ledger.csv"),
        "date,type,invoice,debtor,amount,due\n2026-08-15,invoice,F-1,ACME,1000.00,2026-09-14\n",
    )
    .unwrap();
    std::fs::write(
        p.join("debtors.csv"),
        "id,name,kind,country,email,address,phone\n\
         ACME,ACME SA,b2b,BE,compta@acme.example,\"1 rue X, 1000 Bruxelles\",+32 2 000 00 00\n",
    )
    .unwrap();
    std::fs::write(
        p.join("firm.toml"),
        "name = \"Firme SA\"\naddress = \"1 rue Y\\n1000 Bruxelles\"\nemail = \"r@firme.example\"\n",
    )
    .unwrap();
    dir
}

fn run(dir: &Path, day: NaiveDate) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir)
        .args([
            "run",
            "be.policy",
            "--accept-stale",
            "--ledger",
            "ledger.csv",
            "--firm",
            "firm.toml",
        ])
        .args([
            "--journal",
            "journal.jsonl",
            "--outbox",
            "outbox",
            "--quiet",
        ])
        .arg("--as-of")
        .arg(day.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "run {day}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// (day, step id, claimed) of every action of the journal.
fn actions(dir: &Path) -> Vec<(NaiveDate, String, Option<String>)> {
    let text = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["entry"]["kind"] == "intent")
        .map(|r| {
            let a = &r["entry"]["action"];
            (
                a["date"].as_str().unwrap().parse().unwrap(),
                a["step"]["id"].as_str().unwrap().to_string(),
                a["claimed"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn day_of(actions: &[(NaiveDate, String, Option<String>)], step: &str) -> NaiveDate {
    actions
        .iter()
        .find(|(_, id, _)| id == step)
        .unwrap_or_else(|| panic!("no `{step}` in {actions:?}"))
        .0
}

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn steps_timed_from_a_letter_keep_their_distance_after_missed_runs() {
    let dir = workspace();
    // Runs on 24 September, then none until 20 November, then daily.
    run(dir.path(), d("2026-09-24"));
    let mut day = d("2026-11-20");
    while day <= d("2027-01-31") {
        run(dir.path(), day);
        day = day.succ_opt().unwrap();
    }
    let actions = actions(dir.path());
    // relance_1 (as written 22 September) on the first run.
    assert_eq!(day_of(&actions, "send relance_1"), d("2026-09-24"));
    // 20 November: relance_2 is due; the mise en demeure (as written 31
    // October) is held for the next run, so that the debtor does not get
    // both on one morning.
    assert_eq!(day_of(&actions, "send relance_2"), d("2026-11-20"));
    let notice = day_of(&actions, "send mise_en_demeure");
    assert_eq!(notice, d("2026-11-21"));
    // 10 business days after 21 November (a Saturday): 4 December; 20 days:
    // 11 December. Never earlier than the letter's own delay.
    assert_eq!(day_of(&actions, "call debtor"), d("2026-12-04"));
    assert_eq!(
        day_of(&actions, "route tribunal_entreprise"),
        d("2026-12-11")
    );

    // relance_2 went out before the charge steps fired: it claims the
    // principal only; the mise en demeure claims the 40 EUR indemnity.
    let claimed = |step: &str| {
        actions
            .iter()
            .find(|(_, id, _)| id == step)
            .and_then(|(_, _, c)| c.clone())
            .unwrap()
    };
    assert_eq!(claimed("send relance_2"), "1000.00");
    let notice_claim: rust_decimal::Decimal = claimed("send mise_en_demeure").parse().unwrap();
    assert!(
        notice_claim > "1040".parse().unwrap(),
        "the notice claims principal, indemnity and interest: {notice_claim}"
    );
}

mod property {
    //! Random run calendars against the library: whatever the gaps between
    //! runs, a step timed from another step is never done before its
    //! written distance from the day that step was actually done, a debtor
    //! never gets two steps of one invoice on one day, and nothing is
    //! claimed before its charge step.

    use std::collections::{HashMap, HashSet};

    use chrono::{Days, NaiveDate};
    use policy::journal::{ActionKey, StepDone};
    use policy::plan::{Anchor, Plan};
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// The journal, in memory: every prepared action is taken as done.
    #[derive(Default)]
    struct Memory {
        keys: HashSet<ActionKey>,
        first: HashMap<String, NaiveDate>,
        performed: HashMap<String, Vec<StepDone>>,
        seq: u64,
    }

    impl policy::run::Known for Memory {
        fn taken(&self, key: &ActionKey) -> bool {
            self.keys.contains(key)
        }
        fn first_day(&self, invoice: &str) -> Option<NaiveDate> {
            self.first.get(invoice).copied()
        }
        fn performed(&self, invoice: &str) -> &[StepDone] {
            self.performed.get(invoice).map_or(&[], Vec::as_slice)
        }
    }

    impl Memory {
        fn record(&mut self, action: &policy::journal::Action) {
            self.seq += 1;
            for key in action.keys() {
                self.keys.insert(key);
            }
            for invoice in &action.invoices {
                let first = self.first.entry(invoice.clone()).or_insert(action.date);
                *first = (*first).min(action.date);
                self.performed
                    .entry(invoice.clone())
                    .or_default()
                    .push(StepDone {
                        step: action.step.id.clone(),
                        day: action.date,
                        intent: self.seq,
                    });
            }
        }
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        plan: Plan,
        ledger: policy::ledger::Ledger,
        templates: policy::letters::Templates,
    }

    fn fixture(dues: &[u32]) -> Fixture {
        let dir = super::workspace();
        let mut ledger = String::from("date,type,invoice,debtor,amount,due\n");
        let start = super::d("2026-03-02");
        for (n, offset) in dues.iter().enumerate() {
            let due = start + Days::new(u64::from(*offset));
            let issued = due - Days::new(30);
            ledger.push_str(&format!(
                "{issued},invoice,F-{n:03},ACME,{}.00,{due}\n",
                1000 + n
            ));
        }
        std::fs::write(dir.path().join("ledger.csv"), ledger).unwrap();
        let source = policy::load::read_policy(&dir.path().join("be.policy")).unwrap();
        let plan = policy::check::check_source(&source, dir.path())
            .plan
            .unwrap();
        let read = policy::ledger::read(
            &dir.path().join("ledger.csv"),
            None,
            &policy::ledger::ReadOptions::default(),
        )
        .unwrap();
        let templates = policy::letters::Templates::load(&dir.path().join("templates")).unwrap();
        Fixture {
            plan,
            ledger: read.ledger.unwrap(),
            templates,
            _dir: dir,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn anchored_steps_keep_their_distance_whatever_the_runs(
            dues in prop::collection::vec(0u32..120, 1..4),
            gaps in prop::collection::vec(0u64..=60, 4..40),
        ) {
            let f = fixture(&dues);
            let firm = policy::letters::Firm::default();
            let rates = policy::claim::RateTable::embedded().unwrap();
            let calendar = policy::simulate::calendar(&f.plan);
            let refs = policy::run::agenda::step_refs(&f.plan);
            let mut memory = Memory::default();
            // (invoice, step index) → (day, claimed)
            let mut done: HashMap<(String, usize), (NaiveDate, Decimal)> = HashMap::new();
            let mut day = super::d("2026-04-01");
            for gap in gaps {
                day = day + Days::new(gap.max(1));
                let job = policy::run::Job {
                    plan: &f.plan,
                    policy_name: "be.policy",
                    policy_file: "be.policy",
                    policy_sha256: "",
                    firm_file: "firm.toml",
                    debtors_file: "debtors.csv",
                    ledger: &f.ledger,
                    templates: Some(&f.templates),
                    firm: &firm,
                    rates: &rates,
                    as_of: day,
                };
                let prepared = policy::run::prepare(&job, &memory).unwrap();
                for ready in &prepared.ready {
                    let step = refs.iter().position(|r| r.id == ready.action.step.id).unwrap();
                    for invoice in &ready.action.invoices {
                        let claimed = ready.action.claimed.unwrap_or_default();
                        done.entry((invoice.clone(), step)).or_insert((day, claimed));
                    }
                    memory.record(&ready.action);
                }
            }
            // One step of an invoice per day.
            let mut days = HashSet::new();
            for ((invoice, _), (day, _)) in &done {
                prop_assert!(days.insert((invoice.clone(), *day)), "{invoice}: two steps on {day}");
            }
            let index = |name: &str| refs.iter().position(|r| r.id == name).unwrap();
            for ((invoice, step), (day, claimed)) in &done {
                if let Anchor::Step(anchor) = f.plan.steps[*step].when.anchor {
                    let Some((anchor_day, _)) = done.get(&(invoice.clone(), anchor.0)) else {
                        return Err(TestCaseError::fail(format!("{invoice}: step {step} done before its anchor")));
                    };
                    let earliest = calendar.add(*anchor_day, f.plan.steps[*step].when.offset).unwrap();
                    prop_assert!(*day >= earliest, "{invoice}: step {step} on {day}, before {earliest}");
                }
                let principal = f.ledger.invoices.iter()
                    .find(|i| i.reference.as_str() == invoice).unwrap().amount;
                let notice = done.get(&(invoice.clone(), index("send mise_en_demeure")));
                let charged = notice.is_some_and(|(notice_day, _)| notice_day <= day);
                // A letter lists every invoice of the debtor at its step:
                // what it claims is at least this invoice's principal, and
                // more only once the charges have fired for some invoice.
                if !charged && *step < index("send mise_en_demeure") {
                    prop_assert!(*claimed >= principal);
                }
                if *step == index("send relance_1") || *step == index("send relance_2") {
                    // The reminders come before the notice and its charges.
                    prop_assert!(!charged || notice.is_some_and(|(n, _)| n > day),
                        "{invoice}: a reminder on {day} after the notice");
                }
            }
            // The notice's charges: claimed with the notice, never before.
            for ((invoice, step), (day, claimed)) in &done {
                if *step == index("send relance_2") || *step == index("send relance_1") {
                    let sum: Decimal = f.ledger.invoices.iter()
                        .filter(|i| done.get(&(i.reference.to_string(), *step)).is_some_and(|(d, _)| d == day))
                        .map(|i| i.amount)
                        .sum();
                    prop_assert_eq!(*claimed, sum, "{}: reminder on {} claims charges", invoice, day);
                }
            }
        }
    }
}
