//! Compiler tests: what each statement means once compiled.

use super::*;
use crate::diagnostic::Code;
use crate::syntax;
use crate::vocab::{Channel, Recipient};

fn compile_text(text: &str) -> (Option<Plan>, Vec<Code>) {
    let source = SourceFile::new("test.policy", text);
    let (ast, parse_diags) = syntax::parse(&source);
    assert!(
        parse_diags.is_empty(),
        "{text}: {:?}",
        parse_diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let (plan, diags) = compile(&ast, &source, true);
    (plan, diags.iter().map(|d| d.code).collect())
}

fn plan(text: &str) -> Plan {
    let (plan, codes) = compile_text(text);
    assert!(codes.is_empty(), "{text}: {codes:?}");
    plan.unwrap()
}

fn codes(text: &str) -> Vec<Code> {
    compile_text(text).1
}

#[test]
fn statement_without_after_inherits_time_and_anchor() {
    let plan =
        plan("after 10 days from issue send a\nsend b\nafter 3 days from a call\ncharge fee 5");
    let whens: Vec<_> = plan
        .steps
        .iter()
        .map(|s| (s.when.anchor, s.when.offset, s.when.inherited))
        .collect();
    let ten = Offset {
        count: 10,
        unit: Unit::Days,
    };
    let three = Offset {
        count: 3,
        unit: Unit::Days,
    };
    assert_eq!(
        whens,
        [
            (Anchor::Issue, ten, false),
            (Anchor::Issue, ten, true),
            (Anchor::Step(StepId(0)), three, false),
            (Anchor::Step(StepId(0)), three, true),
        ]
    );
}

#[test]
fn first_statement_without_after_is_due_plus_zero() {
    let plan = plan("send a");
    assert_eq!(plan.steps[0].when.anchor, Anchor::Due);
    assert_eq!(plan.steps[0].when.offset, Offset::ZERO);
}

#[test]
fn one_line_example_from_the_contract() {
    let plan = plan(
        "after 15 days send relance_1; after 45 days send mise_en_demeure by recommandé; if amount >= 15000 route tribunal_arrondissement",
    );
    let route = &plan.steps[2];
    assert_eq!(
        route.when.offset.count, 45,
        "the route takes the time of the statement before"
    );
    assert!(
        matches!(&route.action, Action::Route { destination, .. } if destination == "tribunal_arrondissement")
    );
}

#[test]
fn anchor_resolves_to_the_latest_earlier_send() {
    let plan = plan(
        "after 1 day send a by email\nafter 5 days send a by courrier\nafter 2 days from a stop",
    );
    assert_eq!(plan.steps[2].when.anchor, Anchor::Step(StepId(1)));
}

#[test]
fn anchor_errors() {
    assert_eq!(
        codes("after 2 days from b send a\nafter 1 day send b"),
        [Code::AnchorNotSentEarlier]
    );
    assert_eq!(
        codes("after 2 days from nowhere send a"),
        [Code::AnchorNotSentEarlier]
    );
    assert_eq!(
        codes("after 2 days from b send a\nafter 1 day from a send b"),
        [Code::AnchorCycle]
    );
    assert_eq!(codes("after 2 days from a send a"), [Code::AnchorCycle]);
    assert!(codes("after 2 days from DUE send a\nafter 1 day from Issue send b").is_empty());
}

#[test]
fn zero_durations() {
    assert_eq!(
        codes("send a\nafter 0 days from a send b"),
        [Code::ZeroDuration]
    );
    assert!(
        codes("after 0 days send a").is_empty(),
        "the due date itself is meaningful"
    );
    let warned = compile_text("after 0 months send a");
    assert!(warned.0.is_some(), "a warning, not an error");
    assert_eq!(warned.1, [Code::ZeroDuration]);
}

#[test]
fn defaults_for_channels_and_recipients() {
    let plan = plan("send a\ncall");
    assert!(
        matches!(&plan.steps[0].action, Action::Send { channels, recipients, .. }
        if channels == &[Channel::Courrier] && recipients == &[Recipient::Debtor])
    );
    assert!(matches!(
        plan.steps[1].action,
        Action::Call {
            recipient: Recipient::Debtor
        }
    ));
}

#[test]
fn closed_sets_resolve_without_case_or_accents() {
    let plan = plan(
        "jurisdiction lu\ncurrency eur\napplies to B2B\nsend a by Recommande, EMAIL to Guarantor",
    );
    assert_eq!(
        plan.jurisdiction.map(|j| j.value),
        Some(crate::vocab::Jurisdiction::Lu)
    );
    assert_eq!(plan.currency.value, "EUR");
    assert!(
        matches!(&plan.steps[0].action, Action::Send { channels, .. } if channels == &[Channel::Recommande, Channel::Email])
    );
}

#[test]
fn unknown_names_are_errors() {
    assert_eq!(codes("send a by fax"), [Code::UnknownChannel]);
    assert_eq!(codes("send a to neighbour"), [Code::UnknownRecipient]);
    assert_eq!(codes("call boss"), [Code::UnknownRecipient]);
    assert_eq!(codes("if amout > 1 stop"), [Code::UnknownField]);
    assert_eq!(codes("if b2x stop"), [Code::UnknownFlag]);
    assert_eq!(codes("if amount stop"), [Code::UnknownFlag]);
    assert_eq!(codes("charge penalty 5"), [Code::UnknownCharge]);
    assert_eq!(codes("jurisdiction DE\nstop"), [Code::UnknownJurisdiction]);
    assert_eq!(codes("currency EUX\nstop"), [Code::UnknownCurrency]);
    assert_eq!(codes("applies to b2g\nstop"), [Code::UnknownDebtorKind]);
    assert_eq!(
        codes("destination x is notary\nstop"),
        [Code::UnknownDestinationKind]
    );
}

#[test]
fn headers_once_and_first() {
    assert_eq!(
        codes("currency EUR\ncurrency EUR\nstop"),
        [Code::DuplicateHeader]
    );
    assert_eq!(codes("stop\njurisdiction LU"), [Code::HeaderAfterStatement]);
    assert_eq!(
        codes("destination a is agency\ndestination a is lawyer\nstop"),
        [Code::DuplicateHeader]
    );
    assert!(codes("destination a is agency\ndestination b is lawyer\nstop").is_empty());
}

#[test]
fn amounts_in_another_currency() {
    assert_eq!(codes("if amount > 100 USD stop"), [Code::CurrencyMismatch]);
    assert_eq!(
        codes("currency USD\nif amount > 100 EUR stop"),
        [Code::CurrencyMismatch]
    );
    assert_eq!(codes("charge fee 5 GBP"), [Code::CurrencyMismatch]);
    assert_eq!(codes("minimum 5 CHF\nstop"), [Code::CurrencyMismatch]);
    assert!(codes("currency CHF\nminimum 5 CHF\nif total >= 5 CHF stop").is_empty());
}

#[test]
fn units_in_conditions() {
    let plan = plan("if days_late > 2 weeks stop");
    let Some(Condition {
        expr: Cond::Compare { value, .. },
        ..
    }) = &plan.steps[0].condition
    else {
        panic!()
    };
    assert_eq!(*value, Decimal::from(14));
    assert_eq!(codes("if days_late > 2 months stop"), [Code::UnitMismatch]);
    assert_eq!(codes("if days_late > 2 EUR stop"), [Code::UnitMismatch]);
    assert_eq!(codes("if amount > 2 days stop"), [Code::UnitMismatch]);
}

#[test]
fn charges() {
    let plan = plan(
        "charge indemnity 40 EUR\ncharge fee 15.50\ncharge interest 10.5%\ncharge interest statutory\ncharge indemnity statutory",
    );
    let charges: Vec<_> = plan
        .steps
        .iter()
        .map(|s| match &s.action {
            Action::Charge(c) => *c,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        charges,
        [
            Charge::Indemnity(Amount::Fixed(Decimal::from(40))),
            Charge::Fee(Amount::Fixed("15.50".parse().unwrap())),
            Charge::Interest(Rate::Percent("10.5".parse().unwrap())),
            Charge::Interest(Rate::Statutory),
            Charge::Indemnity(Amount::Statutory),
        ]
    );
    assert_eq!(codes("charge interest 40 EUR"), [Code::ChargeValue]);
    assert_eq!(codes("charge fee statutory"), [Code::ChargeValue]);
    // A share of the balance: the firm's own clause, within its bounds.
    let share = self::plan("charge indemnity 10% min 25 EUR max 500 EUR\ncharge fee 4%");
    let Action::Charge(Charge::Indemnity(amount)) = share.steps[0].action else {
        panic!("{:?}", share.steps[0].action)
    };
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(amount.on(d("100")), Some(d("25")));
    assert_eq!(amount.on(d("1234.56")), Some(d("123.46")));
    assert_eq!(amount.on(d("9000")), Some(d("500")));
    assert_eq!(codes("charge interest 8% min 25 EUR"), [Code::ChargeValue]);
    assert_eq!(codes("charge indemnity 120%"), [Code::ChargeValue]);
    assert_eq!(
        codes("charge indemnity 10% min 50 max 20"),
        [Code::ChargeValue]
    );
}

#[test]
fn allow_attaches_to_the_next_statement() {
    let plan = plan("allow zero_duration because \"avis de Me X\"\nsend a\nstop");
    assert_eq!(plan.steps[0].allows.len(), 1);
    assert_eq!(
        plan.steps[0]
            .allows(Code::ZeroDuration)
            .map(|a| a.reason.as_str()),
        Some("avis de Me X")
    );
    assert!(plan.steps[1].allows.is_empty());
    assert_eq!(
        codes("allow nonsense because \"x\"\nstop"),
        [Code::UnknownRule]
    );
    assert_eq!(
        codes("allow zero_duration because \"  \"\nstop"),
        [Code::EmptyReason]
    );
    assert_eq!(
        codes("stop\nallow zero_duration because \"x\""),
        [Code::AllowWithoutStatement]
    );
}

#[test]
fn empty_policy() {
    assert_eq!(
        codes("policy \"only headers\"\njurisdiction FR"),
        [Code::EmptyPolicy]
    );
    assert_eq!(codes("# nothing\n"), [Code::EmptyPolicy]);
}

#[test]
fn duplicate_list_items_warn() {
    let (plan, codes) = compile_text("send a by email, email");
    assert!(plan.is_some());
    assert_eq!(codes, [Code::DuplicateItem]);
}

#[test]
fn conditions_evaluate_on_facts() {
    let plan = plan("if amount >= 15000 and not guaranteed or b2c stop");
    let cond = &plan.steps[0].condition.as_ref().unwrap().expr;
    let facts = |amount: i64, guaranteed, kind| Facts {
        amount: Decimal::from(amount),
        total: Decimal::from(amount),
        days_late: 10,
        kind,
        guaranteed,
        partially_paid: false,
        debtor: 0,
    };
    use crate::vocab::DebtorKind::*;
    assert!(cond.eval(&facts(15000, false, B2b)));
    assert!(!cond.eval(&facts(14999, false, B2b)));
    assert!(!cond.eval(&facts(20000, true, B2b)));
    assert!(cond.eval(&facts(1, true, B2c)));
}

fn compile_diagnostics(text: &str) -> (Option<Plan>, Vec<crate::diagnostic::Diagnostic>) {
    let source = SourceFile::new("test.policy", text);
    let (ast, _) = syntax::parse(&source);
    let (plan, diags) = compile(&ast, &source, true);
    (plan, diags.into_iter().collect())
}

/// Field report: `if country = LU` says what to write; a debtor column is
/// `debtor.country`.
#[test]
fn a_word_compared_with_a_field_guides_to_debtor_columns() {
    let (_, diagnostics) = compile_diagnostics("if country = LU stop");
    let [d] = diagnostics.as_slice() else {
        panic!("{diagnostics:?}")
    };
    assert_eq!(d.code, Code::DebtorCondition);
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("`debtor.country != LU`"),
        "{d:?}"
    );
    let (_, diagnostics) = compile_diagnostics("if amount = LU stop");
    assert!(
        diagnostics[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("`amount` is a number"),
        "{diagnostics:?}"
    );
    assert_eq!(
        codes("if debtor.rating > high stop"),
        [Code::DebtorCondition]
    );
    assert_eq!(codes("if client.country = LU stop"), [Code::UnknownField]);
    assert_eq!(
        codes("if debtor.rating >= 3 EUR stop"),
        [Code::DebtorCondition]
    );
    // The same comparison twice is one bit.
    let plan = self::plan(
        "if debtor.country = LU stop\nif debtor.Country = lu or debtor.rating >= 3 stop",
    );
    assert_eq!(plan.debtor_atoms.len(), 2);
}

#[test]
fn a_letters_deadline_is_the_day_before_the_next_letter_or_route() {
    use crate::calendar::Calendar;
    let p = plan(
        "jurisdiction FR\n\
         after 10 days send relance_1 by email\n\
         after 25 days send relance_2 by email\n\
         after 30 days call debtor\n\
         after 40 days send mise_en_demeure by recommandé\n\
         charge indemnity 40 EUR\n\
         after 22 days from mise_en_demeure route tribunal_de_commerce\n",
    );
    let calendar = Calendar::new(Some(Jurisdiction::Fr));
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let (due, issue) = (d("2026-03-01"), d("2026-01-30"));
    // relance_2 on due + 25: the call is not a letter, the next is the
    // mise en demeure on due + 40.
    assert_eq!(
        p.deadline(StepId(1), d("2026-03-26"), due, issue, &calendar),
        Some(d("2026-04-09"))
    );
    // The mise en demeure, sent late on 2026-04-15: 22 days from that day.
    assert_eq!(
        p.deadline(StepId(3), d("2026-04-15"), due, issue, &calendar),
        Some(d("2026-05-06"))
    );
    // The route: nothing follows.
    assert_eq!(
        p.deadline(StepId(5), d("2026-05-07"), due, issue, &calendar),
        None
    );
}
