//! The interval analysis agrees with brute force: for random conditions,
//! the sets of amounts it computes, the conditions it calls impossible and
//! the overlaps it finds match `Cond::eval` — the very function the
//! simulator runs — on sampled balances. Samples include every constant,
//! one cent and one unit either side of it, and random cents.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // a failing test panics

use proptest::prelude::*;
use rust_decimal::Decimal;

use policy::check::cells::{self, Combo, Domain, Mask, Quantifier};
use policy::check::interval::Bound;
use policy::plan::{CmpOp, Cond, Facts};
use policy::source::Span;
use policy::vocab::{Field, Flag};

fn domain() -> Domain {
    Domain {
        floor: Bound::Open(Decimal::ZERO),
        days_from: None,
        unit: Decimal::new(1, 2),
        countries: None,
    }
}

/// Amounts around the thresholds policies use, to make boundaries collide.
fn constant() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        prop::sample::select(vec![
            Decimal::ZERO,
            Decimal::new(50, 0),
            Decimal::new(150, 0),
            Decimal::new(15001, 2),
            Decimal::new(5000, 0),
            Decimal::new(15000, 0),
            Decimal::new(1500001, 2),
            Decimal::new(15000005, 3),
        ]),
        (0i64..2_000_000).prop_map(|cents| Decimal::new(cents, 2)),
        (0i64..200).prop_map(Decimal::from),
    ]
}

fn op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(vec![
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Eq,
        CmpOp::Ne,
    ])
}

fn compare(field: Field) -> impl Strategy<Value = Cond> {
    (op(), constant()).prop_map(move |(op, value)| Cond::Compare {
        field,
        op,
        value,
        span: Span::default(),
    })
}

fn flag(flags: Vec<Flag>) -> impl Strategy<Value = Cond> {
    prop::sample::select(flags).prop_map(|flag| Cond::Flag {
        flag,
        span: Span::default(),
    })
}

/// Conditions over `amount` and the debtor's fixed facts.
fn amount_cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        4 => compare(Field::Amount),
        1 => flag(vec![Flag::B2b, Flag::B2c, Flag::Guaranteed]),
    ];
    tree(leaf)
}

/// Conditions over every field.
fn any_cond() -> impl Strategy<Value = Cond> {
    let leaf = prop_oneof![
        3 => compare(Field::Amount),
        2 => compare(Field::Total),
        2 => (op(), 0i64..100).prop_map(|(op, d)| Cond::Compare {
            field: Field::DaysLate,
            op,
            value: Decimal::from(d),
            span: Span::default(),
        }),
        1 => flag(vec![Flag::B2b, Flag::B2c, Flag::Guaranteed, Flag::PartiallyPaid]),
    ];
    tree(leaf)
}

fn tree(leaf: impl Strategy<Value = Cond> + 'static) -> impl Strategy<Value = Cond> {
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Cond::All),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Cond::Any),
            inner.prop_map(|c| Cond::Not(Box::new(c))),
        ]
    })
}

fn constants(cond: &Cond, out: &mut Vec<Decimal>) {
    match cond {
        Cond::Compare { value, .. } => out.push(*value),
        Cond::Flag { .. } | Cond::Debtor(_) => {}
        Cond::Not(inner) => constants(inner, out),
        Cond::All(parts) | Cond::Any(parts) => parts.iter().for_each(|p| constants(p, out)),
    }
}

/// Positive balances in cents around every constant, plus random ones.
fn samples(conds: &[&Cond], random: &[i64]) -> Vec<Decimal> {
    let mut cs = Vec::new();
    for c in conds {
        constants(c, &mut cs);
    }
    let cent = Decimal::new(1, 2);
    let mut out: Vec<Decimal> = vec![cent, Decimal::ONE];
    for c in cs {
        let c = c.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
        for delta in [Decimal::ZERO, cent, -cent, Decimal::ONE, -Decimal::ONE] {
            out.push(c + delta);
        }
    }
    out.extend(random.iter().map(|&r| Decimal::new(r, 2)));
    out.retain(|a| *a > Decimal::ZERO);
    out
}

fn facts(amount: Decimal, combo: Combo) -> Facts {
    Facts {
        amount,
        total: amount,
        days_late: 0,
        kind: combo.kind(),
        guaranteed: combo.guaranteed(),
        partially_paid: false,
        debtor: 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn amount_sets_agree_with_evaluation(
        cond in amount_cond(),
        random in prop::collection::vec(1i64..3_000_000, 20),
    ) {
        for combo in Combo::ALL {
            let set = cells::amounts(Some(&cond), &domain(), combo, Quantifier::Some)
                .expect("small conditions are decided");
            for a in samples(&[&cond], &random) {
                prop_assert_eq!(
                    set.contains(a),
                    cond.eval(&facts(a, combo)),
                    "amount {} combo {:?}: set {}", a, combo, set.describe("amount", domain().floor)
                );
            }
        }
    }

    #[test]
    fn impossible_means_no_sample_satisfies(
        cond in amount_cond(),
        random in prop::collection::vec(1i64..3_000_000, 20),
    ) {
        let profile = cells::profile(Some(&cond), &domain(), Mask::ALL).expect("decided");
        for combo in Combo::ALL {
            let some = samples(&[&cond], &random)
                .into_iter()
                .any(|a| cond.eval(&facts(a, combo)));
            prop_assert_eq!(profile.feasible.contains(combo), some, "combo {:?}", combo);
            let all = samples(&[&cond], &random)
                .into_iter()
                .all(|a| cond.eval(&facts(a, combo)));
            if profile.valid.contains(combo) {
                prop_assert!(all);
            }
        }
    }

    #[test]
    fn overlaps_agree_with_evaluation(
        x in amount_cond(),
        y in amount_cond(),
        random in prop::collection::vec(1i64..3_000_000, 20),
    ) {
        let found = cells::witness(&[&x, &y], &domain(), Mask::ALL).expect("decided");
        match found {
            Some(w) => {
                let f = w.facts();
                prop_assert!(x.eval(&f) && y.eval(&f), "witness {:?}", f);
                prop_assert!(f.amount > Decimal::ZERO);
                prop_assert!((f.amount % Decimal::new(1, 2)).is_zero(), "a whole cent");
            }
            None => {
                for combo in Combo::ALL {
                    for a in samples(&[&x, &y], &random) {
                        let f = facts(a, combo);
                        prop_assert!(!(x.eval(&f) && y.eval(&f)), "missed overlap at {}", a);
                    }
                }
            }
        }
        let joint = cells::joint_amounts(&[&x, &y], &domain(), Mask::ALL).expect("decided");
        for a in samples(&[&x, &y], &random) {
            let both = Combo::ALL.iter().any(|&c| {
                let f = facts(a, c);
                x.eval(&f) && y.eval(&f)
            });
            prop_assert_eq!(joint.contains(a), both, "amount {}", a);
        }
    }

    #[test]
    fn every_field_witnesses_are_real_and_impossibility_is_sound(
        cond in any_cond(),
        amounts in prop::collection::vec((1i64..3_000_000, 0i64..3_000_000, 0i64..120, any::<bool>()), 40),
    ) {
        let found = cells::witness(&[&cond], &domain(), Mask::ALL).expect("decided");
        match found {
            Some(w) => {
                let f = w.facts();
                prop_assert!(cond.eval(&f));
                prop_assert!(f.total >= f.amount, "total includes the invoice");
            }
            None => {
                for (amount, extra, days, paid) in amounts {
                    for combo in Combo::ALL {
                        let amount = Decimal::new(amount, 2);
                        let f = Facts {
                            amount,
                            total: amount + Decimal::new(extra, 2),
                            days_late: days,
                            kind: combo.kind(),
                            guaranteed: combo.guaranteed(),
                            partially_paid: paid,
                            debtor: 0,
                        };
                        prop_assert!(!cond.eval(&f), "said impossible, holds at {:?}", f);
                    }
                }
            }
        }
    }
}
