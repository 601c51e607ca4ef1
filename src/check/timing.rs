//! When each step can fall, in calendar days from the due date (or the
//! issue date), as a range: months and business days have no fixed length,
//! so "after 1 month" is 28 to 31 days. And which steps fall on the very
//! same day for every invoice: the same anchor and the same offsets.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};

use crate::plan::{Anchor, EventKind, Offset, Plan, StepId, Unit};

/// A number of calendar days, at least `min`, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct DayRange {
    pub min: i64,
    pub max: i64,
}

impl DayRange {
    pub const ZERO: DayRange = DayRange { min: 0, max: 0 };

    pub fn exact(days: i64) -> Self {
        DayRange {
            min: days,
            max: days,
        }
    }

    pub fn plus(self, other: DayRange) -> Self {
        DayRange {
            min: self.min.saturating_add(other.min),
            max: self.max.saturating_add(other.max),
        }
    }

    /// `day 60` or `days 58 to 62`.
    pub fn describe(self) -> String {
        if self.min == self.max {
            format!("day {}", self.min)
        } else {
            format!("days {} to {}", self.min, self.max)
        }
    }
}

/// What a step's time counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Root {
    Due,
    Issue,
    /// The day of a ledger event (`on EVENT …`): handlers of one event
    /// compare with each other, never with the invoice's dates, since the
    /// event may come on any day of its life.
    Event(EventKind),
}

/// When one step falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StepTime {
    pub root: Root,
    /// Calendar days from the root.
    pub range: DayRange,
    /// Equal keys: the same day for every invoice (same root, same chain of
    /// offsets once runs of calendar days are added up).
    pub key: u32,
    /// The whole delay is this many months from the root, nothing else.
    pub months_only: Option<u32>,
}

impl StepTime {
    /// Whether `self` surely falls at least `gap` days before `other`, for
    /// every invoice. An issue date is never after the due date, so a step
    /// timed from the issue date is compared as if timed from the due date.
    pub(crate) fn surely_before(&self, other: &StepTime, gap: i64) -> bool {
        self.comparable(other) && self.range.max.saturating_add(gap) <= other.range.min
    }

    /// The least number of days from `self` to `other`, when comparable.
    pub(crate) fn least_gap(&self, other: &StepTime) -> Option<i64> {
        self.comparable(other)
            .then(|| other.range.min.saturating_sub(self.range.max))
    }

    /// Whether the two are timed on one line: the same root, or the issue
    /// date before the due date.
    fn comparable(&self, other: &StepTime) -> bool {
        self.root == other.root || (self.root == Root::Issue && other.root == Root::Due)
    }
}

/// The times of every step of a plan.
#[derive(Debug, Clone)]
pub struct Times {
    pub steps: Vec<StepTime>,
}

/// Calendar lengths of offsets, with the month lengths worked out once.
#[derive(Debug, Default)]
pub(crate) struct Lengths {
    months: HashMap<u32, DayRange>,
}

impl Lengths {
    /// The calendar days `offset` can span.
    pub fn of(&mut self, offset: Offset) -> DayRange {
        let n = i64::from(offset.count);
        match offset.unit {
            Unit::Days => DayRange::exact(n),
            Unit::Weeks => DayRange::exact(n.saturating_mul(7)),
            Unit::BusinessDays => business_days(n),
            Unit::Months => *self
                .months
                .entry(offset.count)
                .or_insert_with(|| months(offset.count)),
        }
    }
}

/// `n` business days: at least `n` plus the weekends they must cross; at
/// most that plus a weekend and the public holidays of the stretch (up to
/// three, then one in fifteen days, a bound above every calendar we ship).
fn business_days(n: i64) -> DayRange {
    if n <= 0 {
        return DayRange::ZERO;
    }
    let weekends = 2 * ((n - 1) / 5);
    DayRange {
        min: n + weekends,
        max: n + weekends + 2 + 3 + n / 15 * 3,
    }
}

/// `n` months from every day of four years (a leap year among them): the
/// shortest and the longest.
fn months(n: u32) -> DayRange {
    let (Some(start), Some(end)) = (
        NaiveDate::from_ymd_opt(2023, 1, 1),
        NaiveDate::from_ymd_opt(2026, 12, 31),
    ) else {
        return approximate_months(n);
    };
    let mut range: Option<DayRange> = None;
    for day in start.iter_days().take_while(|d| *d <= end) {
        let Some(later) = day.checked_add_months(Months::new(n)) else {
            return approximate_months(n);
        };
        let len = (later - day).num_days();
        range = Some(match range {
            None => DayRange::exact(len),
            Some(r) => DayRange {
                min: r.min.min(len),
                max: r.max.max(len),
            },
        });
    }
    range.unwrap_or_else(|| approximate_months(n))
}

fn approximate_months(n: u32) -> DayRange {
    let n = i64::from(n);
    DayRange {
        min: n.saturating_mul(28),
        max: n.saturating_mul(31),
    }
}

/// Works out every step's time. Linear: each step adds its offset to its
/// anchor's time, and identical chains share one interned key.
pub fn times(plan: &Plan, lengths: &mut Lengths) -> Times {
    // key → (parent key, unit, count); keys 0 and 1 are the roots.
    let mut nodes: Vec<(u32, Unit, u32)> = vec![(0, Unit::Days, 0), (1, Unit::Days, 0)];
    let mut interned: HashMap<(u32, Unit, u32), u32> = HashMap::new();
    let mut out: Vec<StepTime> = Vec::with_capacity(plan.steps.len());
    for step in &plan.steps {
        let anchor = match step.when.anchor {
            Anchor::Due => StepTime {
                root: Root::Due,
                range: DayRange::ZERO,
                key: 0,
                months_only: Some(0),
            },
            Anchor::Issue => StepTime {
                root: Root::Issue,
                range: DayRange::ZERO,
                key: 1,
                months_only: Some(0),
            },
            // A ledger event may come on any day of the invoice's life: a
            // handler is timed from its event's own root (its own node).
            Anchor::Event(kind) => {
                let marker = (u32::MAX - kind as u32, Unit::BusinessDays, 0);
                let next = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
                let key = *interned.entry(marker).or_insert_with(|| {
                    nodes.push(marker);
                    next
                });
                StepTime {
                    root: Root::Event(kind),
                    range: DayRange::ZERO,
                    key,
                    months_only: None,
                }
            }
            Anchor::Step(StepId(id)) => match out.get(id) {
                Some(t) => *t,
                // INVARIANT: the compiler only anchors on earlier steps.
                None => StepTime {
                    root: Root::Due,
                    range: DayRange::ZERO,
                    key: 0,
                    months_only: Some(0),
                },
            },
        };
        let offset = step.when.offset;
        if step.when.before {
            // `5 days before due`: days back from the due date, a node of
            // its own (never merged with the days after it).
            let length = lengths.of(offset);
            let marker = (u32::MAX / 2, offset.unit, offset.count);
            let next = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
            let key = *interned.entry(marker).or_insert_with(|| {
                // Stored as no run of calendar days, so that days after it
                // are not added to it (5 days before, then 10 after, is
                // not 15 days before).
                nodes.push((u32::MAX / 2, Unit::BusinessDays, offset.count));
                next
            });
            out.push(StepTime {
                root: anchor.root,
                range: DayRange {
                    min: length.max.saturating_neg(),
                    max: length.min.saturating_neg(),
                },
                key,
                months_only: None,
            });
            continue;
        }
        let range = anchor.range.plus(lengths.of(offset));
        let months_only = match offset.unit {
            _ if offset.count == 0 => anchor.months_only,
            Unit::Months => anchor.months_only.and_then(|m| m.checked_add(offset.count)),
            _ => None,
        };
        let key = intern(&mut nodes, &mut interned, anchor.key, offset);
        out.push(StepTime {
            root: anchor.root,
            range,
            key,
            months_only,
        });
    }
    Times { steps: out }
}

fn intern(
    nodes: &mut Vec<(u32, Unit, u32)>,
    interned: &mut HashMap<(u32, Unit, u32), u32>,
    parent: u32,
    offset: Offset,
) -> u32 {
    if offset.count == 0 {
        return parent;
    }
    // Runs of calendar days add up: 10 days after 5 days is 15 days.
    let (mut parent, unit, mut count) = match offset.calendar_days() {
        Some(days) => (parent, Unit::Days, days),
        None => (parent, offset.unit, offset.count),
    };
    if unit == Unit::Days {
        if let Some(&(grand, Unit::Days, before)) = nodes.get(parent as usize) {
            if parent > 1 {
                parent = grand;
                count = count.saturating_add(before);
            }
        }
    }
    let next = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
    *interned.entry((parent, unit, count)).or_insert_with(|| {
        nodes.push((parent, unit, count));
        next
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_lengths() {
        assert_eq!(months(1), DayRange { min: 28, max: 31 });
        assert_eq!(months(12), DayRange { min: 365, max: 366 });
    }

    #[test]
    fn business_day_lengths() {
        assert_eq!(business_days(1).min, 1);
        assert_eq!(business_days(5).min, 5);
        assert_eq!(business_days(6).min, 8);
        assert!(business_days(3).max >= 7);
    }
}
