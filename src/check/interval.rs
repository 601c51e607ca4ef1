//! Sets of amounts as sorted, disjoint intervals with exact `Decimal` bounds,
//! open or closed: what the analysis says about a condition, in the words a
//! lawyer reads (`5000 < amount <= 10000`).

use rust_decimal::Decimal;

/// One end of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Unbounded,
    Open(Decimal),
    Closed(Decimal),
}

/// `lo .. hi`, each end open, closed or unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interval {
    pub lo: Bound,
    pub hi: Bound,
}

impl Interval {
    pub fn contains(&self, x: Decimal) -> bool {
        let above = match self.lo {
            Bound::Unbounded => true,
            Bound::Open(l) => x > l,
            Bound::Closed(l) => x >= l,
        };
        let below = match self.hi {
            Bound::Unbounded => true,
            Bound::Open(h) => x < h,
            Bound::Closed(h) => x <= h,
        };
        above && below
    }
}

/// A union of disjoint intervals, in increasing order.
///
/// INVARIANT: built only by [`IntervalSet::from_runs`], which keeps the
/// intervals sorted and apart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IntervalSet(Vec<Interval>);

impl IntervalSet {
    pub fn empty() -> Self {
        IntervalSet(Vec::new())
    }

    /// From consecutive cells of a partition of the line, each in the set
    /// (`Some(true)`), out of it (`Some(false)`), or holding no amount the
    /// analysis considers (`None`, e.g. no whole cent between 15000 and
    /// 15000.01): those never split a run.
    pub(crate) fn from_runs(cells: impl IntoIterator<Item = (Interval, Option<bool>)>) -> Self {
        let mut out: Vec<Interval> = Vec::new();
        let mut open: Option<Interval> = None;
        for (cell, state) in cells {
            match (state, &mut open) {
                (Some(true), Some(run)) => run.hi = cell.hi,
                (Some(true), None) => open = Some(cell),
                (Some(false), _) => out.extend(open.take()),
                (None, _) => {}
            }
        }
        out.extend(open);
        IntervalSet(out)
    }

    pub(crate) fn intervals(&self) -> &[Interval] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, x: Decimal) -> bool {
        self.0.iter().any(|i| i.contains(x))
    }

    /// Whether the set is everything from `floor` up.
    pub(crate) fn is_all_from(&self, floor: Bound) -> bool {
        matches!(self.0.as_slice(), [only] if only.lo == floor && only.hi == Bound::Unbounded)
    }

    /// The lower end of the set.
    pub(crate) fn lower(&self) -> Option<Bound> {
        self.0.first().map(|i| i.lo)
    }

    /// The smallest multiple of `unit` in the set.
    pub(crate) fn min_member(&self, unit: Decimal) -> Option<Decimal> {
        self.0.iter().find_map(|i| {
            let candidate = match i.lo {
                Bound::Unbounded => return None,
                Bound::Closed(l) if l.checked_rem(unit).is_some_and(|r| r.is_zero()) => l,
                Bound::Closed(l) | Bound::Open(l) => l
                    .checked_div(unit)?
                    .floor()
                    .checked_mul(unit)?
                    .checked_add(unit)?,
            };
            i.contains(candidate).then_some(candidate)
        })
    }

    /// Whether every member is at or above `tail` (the start of an upward
    /// closed set).
    pub(crate) fn within_tail(&self, tail: Bound) -> bool {
        match (self.lower(), tail) {
            (None, _) | (_, Bound::Unbounded) => true,
            (Some(Bound::Unbounded), _) => false,
            (Some(Bound::Closed(l)), Bound::Closed(t)) => l >= t,
            (Some(Bound::Closed(l)), Bound::Open(t)) => l > t,
            (Some(Bound::Open(l)), Bound::Closed(t) | Bound::Open(t)) => l >= t,
        }
    }

    /// The set in the language's own syntax: `amount <= 15000`,
    /// `5000 < amount <= 10000`, `amount = 15000`, joined by `or`. The lower
    /// end is left out where it is the domain's own floor (balances are
    /// positive, or at least the policy's `minimum`).
    pub fn describe(&self, field: &str, floor: Bound) -> String {
        if self.0.is_empty() {
            return "no amount".to_string();
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|i| {
                let lo = if i.lo == floor {
                    Bound::Unbounded
                } else {
                    i.lo
                };
                describe_interval(field, lo, i.hi)
            })
            .collect();
        parts.join(" or ")
    }
}

fn describe_interval(field: &str, lo: Bound, hi: Bound) -> String {
    let n = |d: Decimal| d.normalize().to_string();
    match (lo, hi) {
        (Bound::Unbounded, Bound::Unbounded) => format!("any {field}"),
        (Bound::Closed(l), Bound::Closed(h)) if l == h => format!("{field} = {}", n(l)),
        (Bound::Unbounded, Bound::Open(h)) => format!("{field} < {}", n(h)),
        (Bound::Unbounded, Bound::Closed(h)) => format!("{field} <= {}", n(h)),
        (Bound::Open(l), Bound::Unbounded) => format!("{field} > {}", n(l)),
        (Bound::Closed(l), Bound::Unbounded) => format!("{field} >= {}", n(l)),
        (lo, hi) => {
            let left = match lo {
                Bound::Open(l) => format!("{} < ", n(l)),
                Bound::Closed(l) => format!("{} <= ", n(l)),
                Bound::Unbounded => String::new(),
            };
            let right = match hi {
                Bound::Open(h) => format!(" < {}", n(h)),
                Bound::Closed(h) => format!(" <= {}", n(h)),
                Bound::Unbounded => String::new(),
            };
            format!("{left}{field}{right}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn iv(lo: Bound, hi: Bound) -> Interval {
        Interval { lo, hi }
    }

    #[test]
    fn runs_merge_across_cells_holding_no_amount() {
        let set = IntervalSet::from_runs([
            (iv(Bound::Open(d("0")), Bound::Open(d("15000"))), Some(true)),
            (
                iv(Bound::Closed(d("15000")), Bound::Closed(d("15000"))),
                Some(true),
            ),
            (
                iv(Bound::Open(d("15000")), Bound::Open(d("15000.01"))),
                None,
            ),
            (
                iv(Bound::Closed(d("15000.01")), Bound::Closed(d("15000.01"))),
                Some(false),
            ),
            (iv(Bound::Open(d("15000.01")), Bound::Unbounded), Some(true)),
        ]);
        assert_eq!(
            set.describe("amount", Bound::Open(d("0"))),
            "amount <= 15000 or amount > 15000.01"
        );
        assert!(set.contains(d("15000")));
        assert!(!set.contains(d("15000.01")));
        assert_eq!(set.min_member(d("0.01")), Some(d("0.01")));
    }

    #[test]
    fn descriptions_read_like_conditions() {
        let set = IntervalSet(vec![iv(Bound::Open(d("5000")), Bound::Closed(d("10000")))]);
        assert_eq!(
            set.describe("amount", Bound::Open(d("0"))),
            "5000 < amount <= 10000"
        );
        let point = IntervalSet(vec![iv(
            Bound::Closed(d("15000")),
            Bound::Closed(d("15000")),
        )]);
        assert_eq!(
            point.describe("amount", Bound::Open(d("0"))),
            "amount = 15000"
        );
        assert_eq!(point.min_member(d("0.01")), Some(d("15000")));
    }

    #[test]
    fn tails() {
        let set = IntervalSet(vec![iv(Bound::Open(d("5000")), Bound::Unbounded)]);
        assert!(set.within_tail(Bound::Closed(d("5000"))));
        assert!(set.within_tail(Bound::Open(d("5000"))));
        assert!(!set.within_tail(Bound::Open(d("6000"))));
        let closed = IntervalSet(vec![iv(Bound::Closed(d("5000")), Bound::Unbounded)]);
        assert!(!closed.within_tail(Bound::Open(d("5000"))));
    }
}
