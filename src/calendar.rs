//! Dates a policy's durations land on: calendar days, weeks, months clamped
//! to the month's end, and business days that skip weekends and the public
//! holidays of a jurisdiction (sources: docs/legal-facts §8.1, C. trav.
//! L3133-1 for FR, AR 18 April 1974 art. 1 for BE, C. trav. L.232-2 for LU).
//!
//! Pure arithmetic, no table to load: a holiday test is a few integer
//! operations (Easter by the Gregorian computus), so the calendar is `Copy`
//! and can be shared by threads.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::plan::{Offset, Unit};
use crate::vocab::Jurisdiction;

/// The most business days [`Calendar::add`] counts (about 400 years).
pub(crate) const MAX_BUSINESS_DAYS: u32 = 100_000;

/// Business days and public holidays of one jurisdiction; without a
/// jurisdiction, only weekends are days off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    jurisdiction: Option<Jurisdiction>,
}

impl Calendar {
    pub fn new(jurisdiction: Option<Jurisdiction>) -> Self {
        Calendar { jurisdiction }
    }

    pub fn jurisdiction(&self) -> Option<Jurisdiction> {
        self.jurisdiction
    }

    /// The day `offset` after `date`, or `None` past chrono's last date.
    ///
    /// Business days count the days after `date` that are business days
    /// (`date` itself never counts, as in procedural deadlines); months keep
    /// the day of the month, or take the month's last day when it has none
    /// (31 January + 1 month = 28 or 29 February).
    #[inline]
    pub fn add(&self, date: NaiveDate, offset: Offset) -> Option<NaiveDate> {
        // Calendar days, most policies' unit, where the simulation calls
        // it (six times an invoice): not through a call.
        match offset.unit {
            Unit::Days => date.checked_add_days(Days::new(offset.count.into())),
            _ => self.add_counted(date, offset),
        }
    }

    /// [`Calendar::add`] for every unit.
    fn add_counted(&self, date: NaiveDate, offset: Offset) -> Option<NaiveDate> {
        match offset.unit {
            Unit::Days => date.checked_add_days(Days::new(offset.count.into())),
            Unit::Weeks => date.checked_add_days(Days::new(u64::from(offset.count) * 7)),
            Unit::Months => date.checked_add_months(Months::new(offset.count)),
            // Counted day by day; past about 400 years no ledger date can
            // be reached, and the count would only cost time.
            Unit::BusinessDays if offset.count > MAX_BUSINESS_DAYS => None,
            Unit::BusinessDays => {
                let mut day = date;
                let mut left = offset.count;
                while left > 0 {
                    day = day.succ_opt()?;
                    if self.is_business_day(day) {
                        left -= 1;
                    }
                }
                Some(day)
            }
        }
    }

    /// `offset` before `date`, counted as [`Calendar::add`] counts it
    /// forwards (`5 days before due`): business days are the business days
    /// before `date`; a month back keeps the day of the month or takes the
    /// month's last day.
    pub fn sub(&self, date: NaiveDate, offset: Offset) -> Option<NaiveDate> {
        match offset.unit {
            Unit::Days => date.checked_sub_days(Days::new(offset.count.into())),
            Unit::Weeks => date.checked_sub_days(Days::new(u64::from(offset.count) * 7)),
            Unit::Months => date.checked_sub_months(Months::new(offset.count)),
            Unit::BusinessDays if offset.count > MAX_BUSINESS_DAYS => None,
            Unit::BusinessDays => {
                let mut day = date;
                let mut left = offset.count;
                while left > 0 {
                    day = day.pred_opt()?;
                    if self.is_business_day(day) {
                        left -= 1;
                    }
                }
                Some(day)
            }
        }
    }

    /// `date` itself when it is a business day, else the next one.
    pub(crate) fn business_day_from(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut day = date;
        // A year holds far fewer than 30 days off in a row.
        for _ in 0..30 {
            if self.is_business_day(day) {
                return Some(day);
            }
            day = day.succ_opt()?;
        }
        Some(day)
    }

    /// Not a Saturday, a Sunday or a public holiday.
    pub(crate) fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(date)
    }

    /// A legal public holiday of the jurisdiction (none without one).
    pub(crate) fn is_holiday(&self, date: NaiveDate) -> bool {
        let Some(jurisdiction) = self.jurisdiction else {
            return false;
        };
        let fixed: &[(u32, u32)] = match jurisdiction {
            // 1 Jan, 1 May, 8 May, 14 July, 15 Aug, 1 Nov, 11 Nov, 25 Dec
            Jurisdiction::Fr => &[
                (1, 1),
                (5, 1),
                (5, 8),
                (7, 14),
                (8, 15),
                (11, 1),
                (11, 11),
                (12, 25),
            ],
            // 1 Jan, 1 May, 21 July, 15 Aug, 1 Nov, 11 Nov, 25 Dec
            Jurisdiction::Be => &[
                (1, 1),
                (5, 1),
                (7, 21),
                (8, 15),
                (11, 1),
                (11, 11),
                (12, 25),
            ],
            // 1 Jan, 1 May, 9 May (Europe Day, since 2019), 23 June, 15 Aug,
            // 1 Nov, 25 and 26 Dec
            Jurisdiction::Lu => &[
                (1, 1),
                (5, 1),
                (6, 23),
                (8, 15),
                (11, 1),
                (12, 25),
                (12, 26),
            ],
        };
        let month_day = (date.month(), date.day());
        if fixed.contains(&month_day) {
            return true;
        }
        if jurisdiction == Jurisdiction::Lu && month_day == (5, 9) && date.year() >= 2019 {
            return true;
        }
        // Easter Monday (E+1), Ascension (E+39), Whit Monday (E+50): the
        // three Easter-based holidays common to FR, BE and LU. All fall
        // between 23 March and 14 June, so most dates skip the computus.
        if !(3..=6).contains(&date.month()) {
            return false;
        }
        let Some(easter) = easter(date.year()) else {
            return false;
        };
        let after = (date - easter).num_days();
        matches!(after, 1 | 39 | 50)
    }

    /// The public holidays of a year, in date order (the tests count them).
    #[cfg(test)]
    fn holidays(&self, year: i32) -> Vec<NaiveDate> {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Vec::new();
        };
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .filter(|d| self.is_holiday(*d))
            .collect()
    }
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm,
/// "Meeus/Jones/Butcher").
pub(crate) fn easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn off(count: u32, unit: Unit) -> Offset {
        Offset { count, unit }
    }

    #[test]
    fn easter_matches_the_legal_facts_table() {
        // docs: legal-facts §8.1
        for (year, month, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2029, 4, 1),
            (2030, 4, 21),
        ] {
            assert_eq!(easter(year), Some(d(year, month, day)), "{year}");
        }
    }

    #[test]
    fn easter_based_holidays_2026() {
        for j in [Jurisdiction::Fr, Jurisdiction::Be, Jurisdiction::Lu] {
            let cal = Calendar::new(Some(j));
            assert!(cal.is_holiday(d(2026, 4, 6)), "Easter Monday {j}");
            assert!(cal.is_holiday(d(2026, 5, 14)), "Ascension {j}");
            assert!(cal.is_holiday(d(2026, 5, 25)), "Whit Monday {j}");
            assert!(!cal.is_holiday(d(2026, 4, 3)), "Good Friday is not {j}");
        }
    }

    #[test]
    fn each_jurisdiction_has_its_legal_count_of_holidays() {
        // FR 11, BE 10, LU 11 (legal-facts §8.1); 2026 has no coincidence.
        assert_eq!(
            Calendar::new(Some(Jurisdiction::Fr)).holidays(2026).len(),
            11
        );
        assert_eq!(
            Calendar::new(Some(Jurisdiction::Be)).holidays(2026).len(),
            10
        );
        assert_eq!(
            Calendar::new(Some(Jurisdiction::Lu)).holidays(2026).len(),
            11
        );
        // LU 2024: Ascension fell on Europe Day, one fewer distinct day.
        assert_eq!(
            Calendar::new(Some(Jurisdiction::Lu)).holidays(2024).len(),
            10
        );
        assert!(Calendar::new(None).holidays(2026).is_empty());
    }

    #[test]
    fn national_days_differ() {
        let fr = Calendar::new(Some(Jurisdiction::Fr));
        let be = Calendar::new(Some(Jurisdiction::Be));
        let lu = Calendar::new(Some(Jurisdiction::Lu));
        assert!(fr.is_holiday(d(2026, 7, 14)) && !be.is_holiday(d(2026, 7, 14)));
        assert!(be.is_holiday(d(2026, 7, 21)) && !lu.is_holiday(d(2026, 7, 21)));
        assert!(lu.is_holiday(d(2026, 6, 23)) && !fr.is_holiday(d(2026, 6, 23)));
        assert!(lu.is_holiday(d(2026, 5, 9)) && !lu.is_holiday(d(2018, 5, 9)));
        assert!(fr.is_holiday(d(2026, 5, 8)) && !be.is_holiday(d(2026, 5, 8)));
    }

    #[test]
    fn business_days_skip_weekends_and_easter_monday() {
        let fr = Calendar::new(Some(Jurisdiction::Fr));
        // Thu 2 April 2026 + 2 business days: Fri 3, (Sat, Sun, Easter Mon) Tue 7
        assert_eq!(
            fr.add(d(2026, 4, 2), off(2, Unit::BusinessDays)),
            Some(d(2026, 4, 7))
        );
        // without a jurisdiction Easter Monday is a working day
        let none = Calendar::new(None);
        assert_eq!(
            none.add(d(2026, 4, 2), off(2, Unit::BusinessDays)),
            Some(d(2026, 4, 6))
        );
        // Wed 13 May 2026 + 1 business day skips Ascension (Thu 14)
        assert_eq!(
            fr.add(d(2026, 5, 13), off(1, Unit::BusinessDays)),
            Some(d(2026, 5, 15))
        );
        // zero business days is the day itself, even a Sunday
        assert_eq!(
            fr.add(d(2026, 4, 5), off(0, Unit::BusinessDays)),
            Some(d(2026, 4, 5))
        );
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        let cal = Calendar::new(None);
        assert_eq!(
            cal.add(d(2026, 1, 31), off(1, Unit::Months)),
            Some(d(2026, 2, 28))
        );
        assert_eq!(
            cal.add(d(2028, 1, 31), off(1, Unit::Months)),
            Some(d(2028, 2, 29))
        );
        assert_eq!(
            cal.add(d(2026, 3, 31), off(1, Unit::Months)),
            Some(d(2026, 4, 30))
        );
        assert_eq!(
            cal.add(d(2026, 1, 15), off(2, Unit::Months)),
            Some(d(2026, 3, 15))
        );
    }

    #[test]
    fn days_and_weeks_are_calendar_days() {
        let cal = Calendar::new(Some(Jurisdiction::Be));
        assert_eq!(
            cal.add(d(2026, 12, 20), off(15, Unit::Days)),
            Some(d(2027, 1, 4))
        );
        assert_eq!(
            cal.add(d(2026, 12, 20), off(2, Unit::Weeks)),
            Some(d(2027, 1, 3))
        );
        assert_eq!(cal.add(NaiveDate::MAX, off(1, Unit::Days)), None);
        assert_eq!(
            cal.add(d(2026, 1, 1), off(u32::MAX, Unit::BusinessDays)),
            None
        );
    }
}
