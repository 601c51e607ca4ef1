//! The exact core of the analysis: the finite partition of the facts a
//! condition reads.
//!
//! A condition compares `amount`, `total` and `days_late` with constants
//! and tests flags. Cut the number line at every constant the conditions at
//! hand mention: within one cell (a constant, or the open stretch between
//! two) every comparison has the same truth value. So evaluating each
//! condition once per cell — with a representative value, through the very
//! [`Cond::eval`] the simulator uses — decides it exactly for every amount:
//! "never holds", "both hold for 15000", "nothing covers
//! `5000 < amount <= 10000`" are proofs, not samples.
//!
//! Amounts are balances in the policy's currency, so they are multiples of
//! its minor unit (a cent): a cell holding no whole cent (between `15000`
//! and `15000.01`) holds no balance. `total` is never below `amount` (it
//! includes it), and `days_late` is a whole number of days, at least the
//! step's day when it is timed from the due date.

use rust_decimal::Decimal;

use super::interval::{Bound, Interval, IntervalSet};
use crate::plan::{Cond, Countries, DebtorAtom, DebtorValue, Facts};

/// The debtors file's country column, as conditions name it (folded).
const COUNTRY: &str = "country";
/// The debtors file's trader column (see `Debtor::trader`).
const TRADER: &str = "trader";
use crate::vocab::{DebtorKind, Field, Flag};

/// The facts that never change over an invoice's life: the debtor's kind
/// and whether it has a guarantor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Combo(u8);

impl Combo {
    pub const ALL: [Combo; 4] = [Combo(0), Combo(1), Combo(2), Combo(3)];

    pub fn new(kind: DebtorKind, guaranteed: bool) -> Self {
        let k = match kind {
            DebtorKind::B2b => 0,
            DebtorKind::B2c => 2,
        };
        Combo(k | u8::from(guaranteed))
    }

    pub fn kind(self) -> DebtorKind {
        if self.0 & 2 == 0 {
            DebtorKind::B2b
        } else {
            DebtorKind::B2c
        }
    }

    pub fn guaranteed(self) -> bool {
        self.0 & 1 == 1
    }
}

/// A set of [`Combo`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Mask(u8);

impl Mask {
    pub(crate) const EMPTY: Mask = Mask(0);
    pub const ALL: Mask = Mask(0b1111);

    pub fn of(combo: Combo) -> Self {
        Mask(1 << combo.0)
    }

    /// Every combo of these debtor kinds.
    pub(crate) fn kinds(kinds: &[DebtorKind]) -> Self {
        Combo::ALL
            .iter()
            .filter(|c| kinds.contains(&c.kind()))
            .fold(Mask::EMPTY, |m, &c| m | Mask::of(c))
    }

    /// The combos with a guarantor.
    pub fn guaranteed() -> Self {
        Mask(0b1010)
    }

    pub fn contains(self, combo: Combo) -> bool {
        self.0 & (1 << combo.0) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = Combo> {
        Combo::ALL.into_iter().filter(move |&c| self.contains(c))
    }

    /// The debtor kinds present.
    pub(crate) fn debtor_kinds(self) -> Vec<DebtorKind> {
        DebtorKind::ALL
            .iter()
            .copied()
            .filter(|&k| self.iter().any(|c| c.kind() == k))
            .collect()
    }

    pub(crate) fn minus(self, other: Mask) -> Mask {
        Mask(self.0 & !other.0)
    }
}

impl std::ops::BitOr for Mask {
    type Output = Mask;
    fn bitor(self, rhs: Mask) -> Mask {
        Mask(self.0 | rhs.0)
    }
}

impl std::ops::BitAnd for Mask {
    type Output = Mask;
    fn bitand(self, rhs: Mask) -> Mask {
        Mask(self.0 & rhs.0)
    }
}

/// Where a step's facts can lie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Domain {
    /// Balances are positive (`Open(0)`), or at least the policy's `minimum`.
    pub floor: Bound,
    /// `days_late` is at least this (the step's day from the due date).
    pub days_from: Option<i64>,
    /// The currency's minor unit: every balance is a multiple of it.
    pub unit: Decimal,
    /// `applies to … in LU, BE`: the countries chased.
    pub countries: Option<Countries>,
}

/// At most this many condition evaluations per question: beyond it the
/// analysis says nothing rather than slow `policy check` down.
pub const BUDGET: usize = 2_000_000;

/// A condition of up to this many nodes costs one evaluation per point of
/// the budget; a larger one costs more (see [`Space::new`]).
const NODES_PER_POINT: usize = 32;

#[derive(Debug, Clone)]
struct Cell {
    interval: Interval,
    in_domain: bool,
    rep: Option<Decimal>,
}

/// One number line cut at the constants.
#[derive(Debug, Clone)]
struct Axis {
    cells: Vec<Cell>,
}

impl Axis {
    fn new(mut cuts: Vec<Decimal>, floor: Bound, unit: Decimal) -> Axis {
        if let Bound::Open(f) | Bound::Closed(f) = floor {
            cuts.push(f);
        }
        cuts.sort();
        cuts.dedup();
        let mut cells = Vec::with_capacity(cuts.len() * 2 + 1);
        let mut lo = Bound::Unbounded;
        for &c in &cuts {
            cells.push(Axis::cell(lo, Bound::Open(c), floor, unit));
            cells.push(Axis::cell(Bound::Closed(c), Bound::Closed(c), floor, unit));
            lo = Bound::Open(c);
        }
        cells.push(Axis::cell(lo, Bound::Unbounded, floor, unit));
        Axis { cells }
    }

    fn cell(lo: Bound, hi: Bound, floor: Bound, unit: Decimal) -> Cell {
        let start = match lo {
            Bound::Unbounded => None,
            Bound::Open(a) | Bound::Closed(a) => Some(a),
        };
        let in_domain = match (floor, lo, start) {
            (Bound::Unbounded, _, _) => true,
            (_, Bound::Unbounded, _) | (_, _, None) => false,
            (Bound::Open(f), Bound::Closed(c), Some(_)) => c > f,
            (Bound::Closed(f), Bound::Closed(c), Some(_)) => c >= f,
            (Bound::Open(f) | Bound::Closed(f), Bound::Open(a), Some(_)) => a >= f,
        };
        let end = match hi {
            Bound::Unbounded => None,
            Bound::Open(b) | Bound::Closed(b) => Some(b),
        };
        let rep = match lo {
            Bound::Closed(c) => c
                .checked_rem(unit)
                .is_some_and(|r| r.is_zero())
                .then_some(c),
            Bound::Unbounded => match end {
                // below the first constant: the largest whole number under it
                Some(b) => b.ceil().checked_sub(Decimal::ONE),
                None => Some(Decimal::ZERO),
            },
            Bound::Open(a) => {
                let fits = |x: Decimal| end.is_none_or(|b| x < b);
                // a whole number reads best in an example; else the next unit
                let whole = a.floor().checked_add(Decimal::ONE).filter(|&w| fits(w));
                whole.or_else(|| {
                    a.checked_div(unit)?
                        .floor()
                        .checked_mul(unit)
                        .and_then(|m| m.checked_add(unit))
                        .filter(|&m| fits(m))
                })
            }
        };
        Cell {
            interval: Interval { lo, hi },
            in_domain,
            rep,
        }
    }

    /// Cells that hold a value of the domain, with that value.
    fn values(&self) -> impl Iterator<Item = (usize, Decimal)> + '_ {
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, c)| c.in_domain)
            .filter_map(|(i, c)| c.rep.map(|r| (i, r)))
    }
}

/// One assignment of the facts that change over time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The cell of `amount`, for projections onto amounts.
    pub money_cell: usize,
    pub amount: Decimal,
    pub total: Decimal,
    pub days_late: i64,
    pub partially_paid: bool,
    /// The truth of the debtor comparisons for one kind of debtor (see
    /// [`debtor_valuations`]).
    pub debtor: u64,
}

impl Point {
    pub fn facts(&self, combo: Combo) -> Facts {
        Facts {
            amount: self.amount,
            total: self.total,
            days_late: self.days_late,
            kind: combo.kind(),
            guaranteed: combo.guaranteed(),
            partially_paid: self.partially_paid,
            debtor: self.debtor,
        }
    }
}

/// The assignments of truth to debtor comparisons that some debtor can
/// have. Comparisons of one column are decided together on a value of each
/// of its cells (each text a comparison names and one named by none; each
/// number named, the stretches between, and a value that is no number), so
/// that `debtor.country = LU` and `debtor.country = BE` never both hold;
/// columns are independent of each other.
pub(crate) fn debtor_valuations(atoms: &[DebtorAtom], countries: Option<Countries>) -> Vec<u64> {
    let mut columns: Vec<&str> = atoms.iter().map(|a| a.column.as_str()).collect();
    columns.sort_unstable();
    columns.dedup();
    let mut valuations = vec![0u64];
    for column in columns {
        let on: Vec<&DebtorAtom> = atoms.iter().filter(|a| a.column == column).collect();
        let mut cells: Vec<String> = vec![String::new(), "\u{1}none".to_string()];
        let mut numbers: Vec<Decimal> = Vec::new();
        for atom in &on {
            match &atom.value {
                DebtorValue::Text(text) => cells.push(text.clone()),
                DebtorValue::Number(n) => numbers.push(*n),
            }
        }
        // A country is a code (the debtors file refuses anything else), an
        // empty one reads as the jurisdiction's; only the countries the
        // policy chases are there to compare.
        // The debtors file holds `yes`, `no` or nothing (ledger_trader).
        if column == TRADER {
            cells = vec!["yes".to_string(), "no".to_string(), String::new()];
        }
        if column == COUNTRY {
            cells.retain(|c| !c.is_empty());
            if let Some(chased) = countries {
                cells = chased.iter().map(|c| crate::suggest::fold(&c)).collect();
            }
        }
        numbers.sort_unstable();
        numbers.dedup();
        for (i, n) in numbers.iter().enumerate() {
            cells.push(n.to_string());
            let next = numbers
                .get(i + 1)
                .copied()
                .unwrap_or(n.saturating_add(Decimal::TWO));
            let middle = n.saturating_add(next).checked_div(Decimal::TWO);
            cells.extend(middle.map(|m| m.to_string()));
        }
        if let Some(first) = numbers.first() {
            cells.push(first.saturating_sub(Decimal::ONE).to_string());
        }
        let mut bits: Vec<u64> = cells
            .iter()
            .map(|cell| {
                on.iter()
                    .filter(|a| a.holds(cell))
                    .fold(0u64, |b, a| b | 1 << a.index)
            })
            .collect();
        bits.sort_unstable();
        bits.dedup();
        valuations = valuations
            .iter()
            .flat_map(|v| bits.iter().map(move |b| v | b))
            .collect();
    }
    valuations
}

/// What a set of conditions reads, cut into cells.
#[derive(Debug, Clone)]
pub(crate) struct Space {
    money: Axis,
    points: Vec<Point>,
}

#[derive(Default)]
struct Mentions {
    money: Vec<Decimal>,
    days: Vec<Decimal>,
    total: bool,
    days_late: bool,
    partially_paid: bool,
    atoms: Vec<DebtorAtom>,
    /// The conditions' nodes: what one evaluation costs at most.
    nodes: usize,
}

fn mentions<'a>(conds: impl IntoIterator<Item = &'a Cond>) -> Mentions {
    fn walk(cond: &Cond, m: &mut Mentions) {
        m.nodes += 1;
        match cond {
            Cond::Compare { field, value, .. } => match field {
                Field::Amount => m.money.push(*value),
                Field::Total => {
                    m.total = true;
                    m.money.push(*value);
                }
                Field::DaysLate => {
                    m.days_late = true;
                    m.days.push(*value);
                }
            },
            Cond::Flag { flag, .. } => m.partially_paid |= *flag == Flag::PartiallyPaid,
            Cond::Debtor(atom) => {
                if !m.atoms.iter().any(|a| a.index == atom.index) {
                    m.atoms.push(atom.clone());
                }
            }
            Cond::Not(inner) => walk(inner, m),
            Cond::All(parts) | Cond::Any(parts) => parts.iter().for_each(|p| walk(p, m)),
        }
    }
    let mut m = Mentions::default();
    for cond in conds {
        walk(cond, &mut m);
    }
    m
}

impl Space {
    /// The partition for these conditions, or `None` when it has more than
    /// `limit` points (the analysis then says nothing about them).
    pub fn new<'a>(
        conds: impl IntoIterator<Item = &'a Cond>,
        domain: &Domain,
        limit: usize,
    ) -> Option<Space> {
        let m = mentions(conds);
        let money = Axis::new(m.money, domain.floor, domain.unit);
        let days: Vec<i64> = if m.days_late {
            let floor = domain
                .days_from
                .map_or(Bound::Unbounded, |d| Bound::Closed(Decimal::from(d)));
            Axis::new(m.days, floor, Decimal::ONE)
                .values()
                .filter_map(|(_, d)| i64::try_from(d).ok())
                .collect()
        } else {
            vec![domain.days_from.unwrap_or(0)]
        };
        let amounts: Vec<(usize, Decimal)> = money.values().collect();
        let pairs = if m.total {
            amounts.len() * (amounts.len() + 1) / 2
        } else {
            amounts.len()
        };
        let paid: &[bool] = if m.partially_paid {
            &[false, true]
        } else {
            &[false]
        };
        let debtors = debtor_valuations(&m.atoms, domain.countries);
        let size = pairs
            .checked_mul(days.len())
            .and_then(|n| n.checked_mul(paid.len()))
            .and_then(|n| n.checked_mul(debtors.len()))?;
        // Every point is evaluated against the conditions: a condition of
        // thousands of terms (a generated `and` chain) costs as many points
        // as it has groups of [`NODES_PER_POINT`] nodes, so that the work
        // stays bounded (it grew with the square of the chain's length).
        let cost = size.checked_mul(m.nodes.div_ceil(NODES_PER_POINT).max(1))?;
        if cost > limit {
            return None;
        }
        let mut points = Vec::with_capacity(size);
        for (i, &(cell, amount)) in amounts.iter().enumerate() {
            let totals: &[(usize, Decimal)] = if m.total {
                &amounts[i..]
            } else {
                &amounts[i..=i]
            };
            for &(_, total) in totals {
                for &days_late in &days {
                    for &partially_paid in paid {
                        for &debtor in &debtors {
                            points.push(Point {
                                money_cell: cell,
                                amount,
                                total,
                                days_late,
                                partially_paid,
                                debtor,
                            });
                        }
                    }
                }
            }
        }
        Some(Space { money, points })
    }

    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// The number of money cells, for per-cell projections.
    pub(crate) fn money_cells(&self) -> usize {
        self.money.cells.len()
    }

    /// The amounts of the cells marked `true` (cells outside the domain are
    /// out; cells holding no balance never split a run).
    pub fn amounts(&self, marked: &[bool]) -> IntervalSet {
        let mut has_point = vec![false; self.money.cells.len()];
        for p in &self.points {
            if let Some(h) = has_point.get_mut(p.money_cell) {
                *h = true;
            }
        }
        IntervalSet::from_runs(self.money.cells.iter().enumerate().map(|(i, cell)| {
            let state = if !cell.in_domain {
                Some(false)
            } else if !has_point.get(i).copied().unwrap_or(false) {
                None
            } else {
                Some(marked.get(i).copied().unwrap_or(false))
            };
            (cell.interval, state)
        }))
    }
}

/// What one condition allows, per combo: where it can hold and where it
/// always holds, and the amounts of each.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Combos for which some facts satisfy it.
    pub feasible: Mask,
    /// Combos for which every fact of the domain satisfies it.
    pub valid: Mask,
}

/// The profile of a step's condition (`None`: always true) within `within`.
/// `None` when the condition is too large to decide.
pub fn profile(cond: Option<&Cond>, domain: &Domain, within: Mask) -> Option<Profile> {
    let Some(cond) = cond else {
        return Some(Profile {
            feasible: within,
            valid: within,
        });
    };
    let space = Space::new([cond], domain, BUDGET / 4)?;
    let mut feasible = Mask::EMPTY;
    let mut valid = Mask::EMPTY;
    for combo in within.iter() {
        let mut any = false;
        let mut all = true;
        for p in space.points() {
            if cond.eval(&p.facts(combo)) {
                any = true;
            } else {
                all = false;
            }
            if any && !all {
                break;
            }
        }
        if any {
            feasible = feasible | Mask::of(combo);
        }
        if all && !space.points().is_empty() {
            valid = valid | Mask::of(combo);
        }
    }
    Some(Profile { feasible, valid })
}

/// Which amounts a question is about: those for which the condition holds
/// for some other facts, or for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    Some,
    Every,
}

/// The amounts for which `cond` holds, for one combo.
pub fn amounts(
    cond: Option<&Cond>,
    domain: &Domain,
    combo: Combo,
    quantifier: Quantifier,
) -> Option<IntervalSet> {
    let space = Space::new(cond, domain, BUDGET / 4)?;
    let mut marked = vec![quantifier == Quantifier::Every; space.money_cells()];
    for p in space.points() {
        let holds = cond.is_none_or(|c| c.eval(&p.facts(combo)));
        if let Some(m) = marked.get_mut(p.money_cell) {
            match quantifier {
                Quantifier::Some => *m |= holds,
                Quantifier::Every => *m &= holds,
            }
        }
    }
    Some(space.amounts(&marked))
}

/// Facts satisfying every condition, for one of the combos: the first in
/// increasing amount (so examples read "15000", not "987654").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Witness {
    pub point: Point,
    pub combo: Combo,
}

impl Witness {
    pub fn facts(&self) -> Facts {
        self.point.facts(self.combo)
    }
}

/// A question with more cells than [`BUDGET`] allows: left undecided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// Whether all the conditions can hold together; `Err(TooLarge)` when too
/// large to decide. The example prefers an amount a condition names (the boundary
/// `5000` of `amount <= 5000`), else the smallest.
pub fn witness(
    conds: &[&Cond],
    domain: &Domain,
    within: Mask,
) -> Result<Option<Witness>, TooLarge> {
    let space = Space::new(conds.iter().copied(), domain, BUDGET / 4).ok_or(TooLarge)?;
    let mut first = None;
    for p in space.points() {
        for combo in within.iter() {
            let facts = p.facts(combo);
            if conds.iter().all(|c| c.eval(&facts)) {
                let found = Witness { point: *p, combo };
                // Odd cells are the constants themselves.
                if p.money_cell % 2 == 1 {
                    return Ok(Some(found));
                }
                first.get_or_insert(found);
            }
        }
    }
    Ok(first)
}

/// The amounts for which all the conditions hold together, for some other
/// facts, over the combos of `within`.
pub fn joint_amounts(conds: &[&Cond], domain: &Domain, within: Mask) -> Option<IntervalSet> {
    let space = Space::new(conds.iter().copied(), domain, BUDGET / 4)?;
    let mut marked = vec![false; space.money_cells()];
    for p in space.points() {
        let holds = within.iter().any(|combo| {
            let facts = p.facts(combo);
            conds.iter().all(|c| c.eval(&facts))
        });
        if let Some(m) = marked.get_mut(p.money_cell) {
            *m |= holds;
        }
    }
    Some(space.amounts(&marked))
}

/// The minor unit of a currency: balances are multiples of it.
pub(crate) fn minor_unit(currency: &str) -> Decimal {
    const NONE: &[&str] = &[
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV",
        "XAF", "XOF", "XPF",
    ];
    const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
    if NONE.contains(&currency) {
        Decimal::ONE
    } else if THREE.contains(&currency) {
        Decimal::new(1, 3)
    } else {
        Decimal::new(1, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::CmpOp;
    use crate::source::Span;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn amount(op: CmpOp, v: &str) -> Cond {
        Cond::Compare {
            field: Field::Amount,
            op,
            value: d(v),
            span: Span::default(),
        }
    }

    fn never(c: &Cond) -> bool {
        profile(Some(c), &domain(), Mask::ALL)
            .unwrap()
            .feasible
            .is_empty()
    }

    fn domain() -> Domain {
        Domain {
            floor: Bound::Open(Decimal::ZERO),
            days_from: None,
            unit: d("0.01"),
            countries: None,
        }
    }

    #[test]
    fn contradictions_are_infeasible() {
        let c = Cond::All(vec![amount(CmpOp::Gt, "100"), amount(CmpOp::Lt, "50")]);
        let p = profile(Some(&c), &domain(), Mask::ALL).unwrap();
        assert!(p.feasible.is_empty());
        // between two cents there is no balance
        let c = Cond::All(vec![amount(CmpOp::Gt, "100"), amount(CmpOp::Lt, "100.01")]);
        let p = profile(Some(&c), &domain(), Mask::ALL).unwrap();
        assert!(p.feasible.is_empty());
    }

    #[test]
    fn overlaps_name_the_shared_amount() {
        let a = amount(CmpOp::Le, "15000");
        let b = amount(CmpOp::Ge, "15000");
        let w = witness(&[&a, &b], &domain(), Mask::ALL).unwrap().unwrap();
        assert_eq!(w.point.amount, d("15000"));
        let set = joint_amounts(&[&a, &b], &domain(), Mask::ALL).unwrap();
        assert_eq!(set.describe("amount", domain().floor), "amount = 15000");
    }

    #[test]
    fn total_is_never_below_amount() {
        let c = Cond::All(vec![
            amount(CmpOp::Gt, "1000"),
            Cond::Compare {
                field: Field::Total,
                op: CmpOp::Lt,
                value: d("500"),
                span: Span::default(),
            },
        ]);
        assert!(never(&c));
    }

    #[test]
    fn kinds_are_exclusive() {
        let c = Cond::All(vec![
            Cond::Flag {
                flag: Flag::B2b,
                span: Span::default(),
            },
            Cond::Flag {
                flag: Flag::B2c,
                span: Span::default(),
            },
        ]);
        assert!(never(&c));
        let b2c = Cond::Flag {
            flag: Flag::B2c,
            span: Span::default(),
        };
        let p = profile(Some(&b2c), &domain(), Mask::kinds(&[DebtorKind::B2b])).unwrap();
        assert!(p.feasible.is_empty());
    }
}
