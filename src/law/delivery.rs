//! When a communication is presumed received: notice periods run from
//! receipt ("quinze jours à compter de la réception"), and a registered
//! letter is not received on the day it is sent. One owner for the rule, so
//! that the dossier, the checker and the letters count the same way.
//!
//! Sources: CDE art. XIX.2 §1 (loi du 4 mai 2023), as commonly read, for
//! reminders to Belgian consumers: an e-mail counts from the next day, a
//! paper letter from the third working day after it is sent. No statute
//! sets a presumption for other letters in FR, BE or LU (the avis de
//! réception of a registered letter gives the real day); the same delays
//! are kept everywhere as the safe reading, a default (legal-facts.md §8.2,
//! "Notes for the packs"). "Working day" is read as Monday to Friday without
//! public holidays: the later of the two readings, so never too early.

use chrono::{Days, NaiveDate};

use crate::calendar::Calendar;
use crate::plan::{Offset, Unit};
use crate::vocab::Channel;

/// The day a communication sent on `sent` by `channel` is presumed received.
pub(crate) fn presumed_receipt(
    channel: Channel,
    sent: NaiveDate,
    calendar: &Calendar,
) -> NaiveDate {
    let later = match channel {
        Channel::Email | Channel::Sms => sent.checked_add_days(Days::new(1)),
        Channel::Courrier | Channel::Recommande => calendar.add(
            sent,
            Offset {
                count: 3,
                unit: Unit::BusinessDays,
            },
        ),
        // Served by the bailiff: received that day.
        Channel::Huissier => Some(sent),
    };
    later.unwrap_or(sent)
}

/// The most calendar days [`presumed_receipt`] can come after sending, in
/// any year of any of the three calendars: the checker's bound, since a
/// plan does not know the day a letter goes out. Three working days span at
/// most 7 calendar days (a weekend and Christmas and St Stephen's Day: sent
/// Wednesday 24 December 2025 in Luxembourg, received Wednesday 31); the
/// test below measures it over a century.
pub(crate) fn longest_delay(channel: Channel) -> u32 {
    match channel {
        Channel::Email | Channel::Sms => 1,
        Channel::Courrier | Channel::Recommande => 7,
        Channel::Huissier => 0,
    }
}

/// How [`presumed_receipt`] counts, as a French document says it.
pub(crate) fn receipt_rule(channel: Channel) -> &'static str {
    match channel {
        Channel::Email | Channel::Sms => "réception présumée le lendemain de l'envoi",
        Channel::Courrier | Channel::Recommande => {
            "réception présumée le troisième jour ouvrable suivant l'envoi"
        }
        Channel::Huissier => "remise par l'huissier le jour même",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Jurisdiction;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_longest_delay_bounds_every_day_of_a_century() {
        for jurisdiction in [Jurisdiction::Fr, Jurisdiction::Be, Jurisdiction::Lu] {
            let calendar = Calendar::new(Some(jurisdiction));
            for channel in Channel::ALL.iter().copied() {
                let mut day = d("2000-01-01");
                let mut longest = 0;
                while day < d("2100-01-01") {
                    let received = presumed_receipt(channel, day, &calendar);
                    longest = longest.max((received - day).num_days());
                    day = day.succ_opt().unwrap();
                }
                assert_eq!(
                    longest,
                    i64::from(longest_delay(channel)),
                    "{jurisdiction} {channel}"
                );
            }
        }
    }

    #[test]
    fn letters_are_received_on_the_third_working_day() {
        let lu = Calendar::new(Some(Jurisdiction::Lu));
        // Wednesday 23 December 2026: 24 (Thu), 28 (Mon; 25 and 26 are
        // holidays), 29 (Tue).
        assert_eq!(
            presumed_receipt(Channel::Recommande, d("2026-12-23"), &lu),
            d("2026-12-29")
        );
        assert_eq!(
            presumed_receipt(Channel::Email, d("2026-12-23"), &lu),
            d("2026-12-24")
        );
        assert_eq!(
            presumed_receipt(Channel::Huissier, d("2026-12-23"), &lu),
            d("2026-12-23")
        );
        // Friday 20 November 2026 in Belgium: Mon 23, Tue 24, Wed 25.
        let be = Calendar::new(Some(Jurisdiction::Be));
        assert_eq!(
            presumed_receipt(Channel::Courrier, d("2026-11-20"), &be),
            d("2026-11-25")
        );
    }
}
