//! Phone calls and court routes are work for people: rows of a CSV task list
//! the team opens in a spreadsheet. The columns are fixed (see
//! `docs/templates.md`); amounts are plain decimals with a point so that any
//! spreadsheet reads them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};

/// The header, in column order.
pub const COLUMNS: [&str; 14] = [
    "date",
    "debtor",
    "debtor_name",
    "invoices",
    "step",
    "action",
    "target",
    "procedure",
    "amount_claimed",
    "currency",
    "phone",
    "email",
    "address",
    "note",
];

/// One task for the team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    /// The day the task falls due.
    pub date: NaiveDate,
    /// The debtor's id.
    pub debtor: String,
    pub debtor_name: String,
    /// Invoice numbers, separated by spaces.
    pub invoices: String,
    /// Where it comes from in the policy: `fr-b2b.policy:21 call debtor`.
    pub step: String,
    /// `call` or `route`.
    pub action: String,
    /// Whom to call (`debtor`, `guarantor`), or the court/lawyer/bailiff.
    pub target: String,
    /// The procedure of a route (`injonction_de_payer`), empty otherwise.
    pub procedure: String,
    /// Principal, indemnity and interest as of `date`.
    pub amount_claimed: Decimal,
    pub currency: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub note: String,
}

/// The rows as CSV bytes, with the header line.
pub fn csv(rows: &[TaskRow]) -> Result<Vec<u8>, Diagnostic> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| {
        Diagnostic::error(
            Code::WriteFailed,
            format!("cannot write the task list: {e}"),
        )
    };
    writer.write_record(COLUMNS).map_err(fail)?;
    for row in rows {
        writer.serialize(row).map_err(fail)?;
    }
    writer.into_inner().map_err(|e| fail(e.into_error().into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_quoted_as_needed() {
        let row = TaskRow {
            date: "2026-11-23".parse().unwrap(),
            debtor: "ACME".into(),
            debtor_name: "ACME, Sàrl".into(),
            invoices: "F-1 F-2".into(),
            step: "lu-b2b.policy:22 call debtor".into(),
            action: "call".into(),
            target: "debtor".into(),
            procedure: String::new(),
            amount_claimed: "1234.50".parse().unwrap(),
            currency: "EUR".into(),
            phone: "+352 1".into(),
            email: "a@b.lu".into(),
            address: "1 rue X\nL-1000".into(),
            note: "dit \"rappeler\"".into(),
        };
        let text = String::from_utf8(csv(&[row]).unwrap()).unwrap();
        assert_eq!(
            text,
            "date,debtor,debtor_name,invoices,step,action,target,procedure,amount_claimed,currency,phone,email,address,note\n\
             2026-11-23,ACME,\"ACME, Sàrl\",F-1 F-2,lu-b2b.policy:22 call debtor,call,debtor,,1234.50,EUR,+352 1,a@b.lu,\"1 rue X\nL-1000\",\"dit \"\"rappeler\"\"\"\n"
        );
    }
}
