//! A sample letter: made-up debtor, guarantor and invoice, on which `policy
//! check` renders every template to look for the mentions the law requires
//! ([`crate::law::mentions`]). Its values are distinct enough that finding
//! one in a rendered letter means the template prints it.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::context::{Debtor, Firm, InvoiceLine, LetterContext};
use crate::calendar::Calendar;
use crate::law::mentions::Printed;
use crate::vocab::{Channel, DebtorKind};

/// The sample's invoice description.
const DESCRIPTION: &str = "Fourniture d'exemple n° 4711";

/// The day the sample is sent: a Monday without holidays nearby.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()
}

fn amount(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// The sample letter for a debtor of `kind`, sent by `channel` to the
/// debtor or to the guarantor.
pub fn context(
    kind: DebtorKind,
    channel: Channel,
    to_guarantor: bool,
    currency: &str,
    calendar: &Calendar,
) -> LetterContext {
    let today = today();
    let debtor = Debtor {
        id: "EXEMPLE".into(),
        name: "Exemple SA".into(),
        address: "1 rue de l'Exemple\n1000 Ville".into(),
        email: "compta@exemple.invalid".into(),
        kind,
        guarantor: Some("Claude Martin".into()),
        guarantor_address: Some("2 rue des Tilleuls\n1000 Ville".into()),
        guarantee_limit: Some(amount(2_345_600)),
        extra: BTreeMap::new(),
    };
    let recipient = if to_guarantor {
        debtor.guarantor_party().unwrap_or_default()
    } else {
        debtor.as_party()
    };
    let due = today.checked_sub_days(Days::new(40)).unwrap_or(today);
    LetterContext {
        currency: currency.to_string(),
        creditor: Firm {
            name: "Créancier Exemple".into(),
            address: "9 place du Créancier\n1000 Ville".into(),
            email: "recouvrement@creancier.invalid".into(),
            phone: "+32 2 000 00 00".into(),
            company_id: "0000.000.000".into(),
            iban: "BE00 0000 0000 0000".into(),
            bic: String::new(),
        },
        recipient,
        debtor,
        to_guarantor,
        channel,
        invoices: vec![InvoiceLine {
            number: "F-EXEMPLE-1".into(),
            reference: String::new(),
            issue_date: due.checked_sub_days(Days::new(30)).unwrap_or(due),
            due_date: due,
            amount: amount(123_456),
            outstanding: amount(123_456),
            days_late: 40,
            extra: BTreeMap::from([("description".to_string(), DESCRIPTION.to_string())]),
        }]
        .into(),
        indemnity: amount(4_000),
        interest: amount(1_357),
        indemnity_if_unpaid: amount(12_346),
        today,
        received: crate::law::delivery::presumed_receipt(channel, today, calendar),
        deadline: today.checked_add_days(Days::new(21)),
        language: Default::default(),
        payment: None,
        account: None,
    }
}

/// How a value of the sample reads in a letter (`date` and `money` as the
/// template filters print them).
pub fn printed(context: &LetterContext, value: Printed) -> String {
    match value {
        Printed::FreePeriodEnd => super::format::date(
            context
                .received
                .checked_add_days(Days::new(13))
                .unwrap_or(context.received),
        ),
        Printed::IndemnityIfUnpaid => {
            super::format::money(context.indemnity_if_unpaid, &context.currency)
        }
        Printed::Description => DESCRIPTION.to_string(),
        Printed::GuaranteeLimit => super::format::money(
            context.debtor.guarantee_limit.unwrap_or_default(),
            &context.currency,
        ),
    }
}
