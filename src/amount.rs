//! Totals of amounts that cannot abort a run.
//!
//! Amounts are bounded where they are read (`ledger::MAX_AMOUNT`, 10^13 in
//! the currency, and the same bound on a policy's numbers), so no total a
//! book can hold comes near `Decimal`'s range (about 7.9 × 10^28: it would
//! take more than 10^15 rows). This is the second line: `Decimal`'s
//! operators panic on overflow, so totals saturate instead, and the
//! computations an extreme policy could push over (interest, a claim) use
//! `checked_*` and report `amount_overflow` naming the invoice
//! (`claim::overflow`). The crate denies `clippy::arithmetic_side_effects`
//! on amounts so that no plain `+` comes back.

use rust_decimal::Decimal;

/// Sums of amounts, saturating at `Decimal`'s bounds.
pub trait Amounts: Iterator<Item = Decimal> + Sized {
    /// The saturating sum of the amounts.
    fn total(self) -> Decimal {
        self.fold(Decimal::ZERO, Decimal::saturating_add)
    }

    /// The sum of the amounts, or `None` past `Decimal`'s range.
    fn checked_total(mut self) -> Option<Decimal> {
        self.try_fold(Decimal::ZERO, |sum, amount| sum.checked_add(amount))
    }
}

impl<I: Iterator<Item = Decimal>> Amounts for I {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_past_the_range_saturates_instead_of_panicking() {
        let huge = [Decimal::MAX, Decimal::MAX, Decimal::ONE];
        assert_eq!(huge.into_iter().total(), Decimal::MAX);
        assert_eq!(huge.into_iter().checked_total(), None);
        let small = [Decimal::new(150, 2), Decimal::new(-50, 2)];
        assert_eq!(small.into_iter().total(), Decimal::ONE);
        assert_eq!(small.into_iter().checked_total(), Some(Decimal::ONE));
    }
}
