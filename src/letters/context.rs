//! What a template sees: plain structs that `policy run` fills from the
//! ledger, the debtors file and the firm's details, turned into template
//! values here. The full reference is in `docs/templates.md`.

use crate::amount::Amounts;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use minijinja::Value;
use minijinja::value::{DynObject, Enumerator, Object, ObjectRepr};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::vocab::{Channel, DebtorKind};

/// The firm's details (`firm.toml`): the sender of every letter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Firm {
    pub name: String,
    /// Several lines, separated by `\n`.
    pub address: String,
    pub email: String,
    pub phone: String,
    /// SIREN / numéro d'entreprise / RCS number.
    pub company_id: String,
    pub iban: String,
    /// The bank's BIC (optional: the EPC QR code needs none in the SEPA
    /// area).
    pub bic: String,
}

/// Who a letter is addressed to: the debtor or the guarantor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub address: String,
    pub email: String,
}

/// The debtor, as the debtors file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debtor {
    pub id: String,
    pub name: String,
    pub address: String,
    pub email: String,
    pub kind: DebtorKind,
    pub guarantor: Option<String>,
    pub guarantor_address: Option<String>,
    /// The most the guarantor owes (the debtors file's `guarantee_limit`).
    pub guarantee_limit: Option<Decimal>,
    /// The debtors file's other columns (e.g. `phone`), by header.
    pub extra: BTreeMap<String, String>,
}

impl Debtor {
    /// The debtor as a recipient.
    pub fn as_party(&self) -> Party {
        Party {
            name: self.name.clone(),
            address: self.address.clone(),
            email: self.email.clone(),
        }
    }

    /// The guarantor as a recipient, if there is one, with the debtors
    /// file's `guarantor_email` when it gives one.
    pub fn guarantor_party(&self) -> Option<Party> {
        let name = self.guarantor.as_ref().filter(|n| !n.trim().is_empty())?;
        Some(Party {
            name: name.clone(),
            address: self.guarantor_address.clone().unwrap_or_default(),
            email: self
                .extra
                .get("guarantor_email")
                .map(|e| e.trim().to_string())
                .unwrap_or_default(),
        })
    }
}

/// One invoice listed in a letter, on the letter's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub number: String,
    /// The invoice's payment reference, printed form (`+++…+++`, `RF…`).
    pub reference: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Decimal,
    pub outstanding: Decimal,
    pub days_late: i64,
    /// The ledger row's other columns (e.g. `description`), by header; an
    /// empty cell is an empty text, so that every row has every column.
    pub extra: BTreeMap<String, String>,
}

/// Everything one letter or e-mail is rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterContext {
    /// ISO 4217 code of every amount (the policy's currency).
    pub currency: String,
    pub creditor: Firm,
    pub recipient: Party,
    pub debtor: Debtor,
    pub to_guarantor: bool,
    /// How this copy travels.
    pub channel: Channel,
    /// Shared with the template value, which builds an invoice's fields only
    /// when a template reads them (a statement of 1,000,000 invoices).
    pub invoices: Arc<[InvoiceLine]>,
    /// Recovery indemnity claimed in this letter (all listed invoices).
    pub indemnity: Decimal,
    /// Late interest claimed as of `today` (all listed invoices).
    pub interest: Decimal,
    /// What will be claimed if the debt stays unpaid (BE consumers: the
    /// free first reminder must announce it).
    pub indemnity_if_unpaid: Decimal,
    pub today: NaiveDate,
    /// When this copy is presumed received (`law::delivery`): the day a
    /// period "à compter de la réception" starts.
    pub received: NaiveDate,
    /// The last day to pay before the plan's next letter or route
    /// ([`crate::plan::Plan::deadline`]); `None` when nothing follows.
    pub deadline: Option<NaiveDate>,
    /// The debtor's language: the template's folder, dates and amounts.
    pub language: super::format::Language,
    /// The reference and QR code to pay with.
    pub payment: Option<super::payment::PaymentRequest>,
    /// The statement of account (`send … with statement`).
    pub account: Option<Arc<Account>>,
}

/// A debtor's statement of account on the letter's day: every open
/// invoice, with what was applied to it, and the charges the letter claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub lines: Vec<AccountLine>,
    /// Late interest and indemnity claimed by the letter.
    pub interest: Decimal,
    pub indemnity: Decimal,
}

/// One open invoice of a statement of account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLine {
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Decimal,
    /// Payments applied up to the day.
    pub paid: Decimal,
    /// Credit notes applied up to the day.
    pub credited: Decimal,
    pub outstanding: Decimal,
    pub days_late: i64,
}

impl AccountLine {
    /// The age bucket: 0 not due, 1 = 1–30 days late, 2 = 31–60, 3 = 61–90,
    /// 4 = more than 90.
    pub(crate) fn bucket(&self) -> usize {
        match self.days_late {
            d if d <= 0 => 0,
            1..=30 => 1,
            31..=60 => 2,
            61..=90 => 3,
            _ => 4,
        }
    }
}

impl Account {
    pub fn outstanding(&self) -> Decimal {
        self.lines.iter().map(|l| l.outstanding).total()
    }

    /// Principal, interest and indemnity.
    pub fn total(&self) -> Decimal {
        self.outstanding()
            .saturating_add(self.interest)
            .saturating_add(self.indemnity)
    }
}

impl LetterContext {
    /// Outstanding principal over the listed invoices.
    pub fn total(&self) -> Decimal {
        self.invoices.iter().map(|i| i.outstanding).total()
    }

    /// Principal, indemnity and interest.
    pub fn claimed(&self) -> Decimal {
        self.total()
            .saturating_add(self.indemnity)
            .saturating_add(self.interest)
    }

    /// The template value: maps and lists, amounts as [`Money`] values, dates
    /// as ISO `YYYY-MM-DD` strings (the `date` filter formats them), and
    /// `statement`: none, or the count of invoices a statement lists when
    /// they are too many for the text ([`super::statement`]).
    pub fn to_value(&self) -> Value {
        let money = |amount: Decimal| Money::value(amount, &self.currency);
        let language = self.language;
        let invoices = Value::from_object(InvoiceList {
            lines: Arc::clone(&self.invoices),
            currency: self.currency.clone(),
        });
        let debtor = &self.debtor;
        let mut debtor_map: BTreeMap<String, Value> = debtor
            .extra
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        for (key, value) in [
            ("id", Value::from(debtor.id.as_str())),
            ("name", Value::from(debtor.name.as_str())),
            ("address", Value::from(debtor.address.as_str())),
            ("email", Value::from(debtor.email.as_str())),
            ("kind", Value::from(debtor.kind.as_str())),
            ("guarantor", optional(debtor.guarantor.as_deref())),
            (
                "guarantor_address",
                optional(debtor.guarantor_address.as_deref()),
            ),
        ] {
            debtor_map.insert(key.into(), value);
        }
        let firm = &self.creditor;
        let creditor = strings(&[
            ("name", &firm.name),
            ("address", &firm.address),
            ("email", &firm.email),
            ("phone", &firm.phone),
            ("company_id", &firm.company_id),
            ("iban", &firm.iban),
            ("bic", &firm.bic),
        ]);
        let party = &self.recipient;
        let recipient = strings(&[
            ("name", &party.name),
            ("address", &party.address),
            ("email", &party.email),
        ]);
        let statement = if let Some(account) = &self.account {
            let lines: Vec<Value> = account
                .lines
                .iter()
                .map(|l| {
                    minijinja::context! {
                        number => l.number.as_str(),
                        issue_date => iso(l.issue_date),
                        due_date => iso(l.due_date),
                        amount => money(l.amount),
                        paid => money(l.paid),
                        credited => money(l.credited),
                        outstanding => money(l.outstanding),
                        days_late => l.days_late,
                        bucket => super::statement::bucket_label(l.bucket(), language),
                    }
                })
                .collect();
            minijinja::context! {
                count => account.lines.len(),
                file => super::statement::ACCOUNT_FILE_NAME,
                invoices => lines,
                outstanding => money(account.outstanding()),
                interest => money(account.interest),
                indemnity => money(account.indemnity),
                total => money(account.total()),
            }
        } else if super::statement::needed(self.invoices.len()) {
            minijinja::context! {
                count => self.invoices.len(),
                file => super::statement::FILE_NAME,
            }
        } else {
            Value::from(())
        };
        let payment = match &self.payment {
            Some(p) => Value::from_object(PaymentValue {
                reference: p.reference.to_string(),
                reference_electronic: p.reference.electronic().to_string(),
                amount: money(p.amount),
                iban: firm.iban.clone(),
                qr: QrCode::value(p.qr.as_deref()),
            }),
            None => Value::from(()),
        };
        let reference = self
            .payment
            .as_ref()
            .map_or(Value::from(()), |p| Value::from(p.reference.to_string()));
        minijinja::context! {
            statement => statement,
            currency => self.currency.as_str(),
            creditor => creditor,
            recipient => recipient,
            debtor => Value::from(debtor_map),
            to_guarantor => self.to_guarantor,
            channel => self.channel.as_str(),
            invoices => invoices,
            total => money(self.total()),
            indemnity => money(self.indemnity),
            interest => money(self.interest),
            claimed => money(self.claimed()),
            indemnity_if_unpaid => money(self.indemnity_if_unpaid),
            guarantee_limit => self.debtor.guarantee_limit.map_or(Value::from(()), money),
            today => iso(self.today),
            received => iso(self.received),
            deadline => self.deadline.map_or(Value::from(()), iso),
            language => language.code(),
            reference => reference,
            payment => payment,
        }
    }
}

/// `invoices` in a template: a list whose items are built when read.
#[derive(Debug)]
struct InvoiceList {
    lines: Arc<[InvoiceLine]>,
    currency: String,
}

impl Object for InvoiceList {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let invoice = self.lines.get(key.as_usize()?)?;
        let money = |amount: Decimal| Money::value(amount, &self.currency);
        let mut map: BTreeMap<String, Value> = invoice
            .extra
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        map.insert("number".into(), Value::from(invoice.number.as_str()));
        map.insert("reference".into(), Value::from(invoice.reference.as_str()));
        map.insert("issue_date".into(), iso(invoice.issue_date));
        map.insert("due_date".into(), iso(invoice.due_date));
        map.insert("amount".into(), money(invoice.amount));
        map.insert("outstanding".into(), money(invoice.outstanding));
        map.insert("days_late".into(), Value::from(invoice.days_late));
        Some(Value::from(map))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.lines.len())
    }
}

/// `payment` in a template: the transfer's reference, amount and IBAN,
/// and `qr`, its QR code ([`QrCode`]).
#[derive(Debug)]
struct PaymentValue {
    reference: String,
    reference_electronic: String,
    amount: Value,
    iban: String,
    qr: Value,
}

impl PaymentValue {
    const KEYS: &[&str] = &["reference", "reference_electronic", "amount", "iban", "qr"];
}

impl Object for PaymentValue {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "reference" => Value::from(self.reference.as_str()),
            "reference_electronic" => Value::from(self.reference_electronic.as_str()),
            "amount" => self.amount.clone(),
            "iban" => Value::from(self.iban.as_str()),
            "qr" => self.qr.clone(),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(Self::KEYS)
    }
}

/// `payment.qr`: the EPC QR code of the transfer, printed as an inline SVG
/// element (never escaped: the templates' formatter writes it as it is),
/// true in `{% if payment.qr %}` when the payload has a code. The SVG is
/// drawn only when printed: the text e-mails only test it (they carry the
/// code as a PNG), and drawing an SVG nobody shows was a tenth of a
/// catch-up run's rendering.
#[derive(Debug)]
pub(crate) struct QrCode {
    payload: String,
    svg: std::sync::OnceLock<Option<String>>,
}

impl QrCode {
    fn value(payload: Option<&str>) -> Value {
        match payload {
            Some(payload) if super::payment::has_code(payload) => Value::from_object(QrCode {
                payload: payload.to_string(),
                svg: std::sync::OnceLock::new(),
            }),
            _ => Value::from(()),
        }
    }

    /// The code as an SVG element.
    pub(crate) fn svg(&self) -> &str {
        self.svg
            .get_or_init(|| super::payment::svg(&self.payload))
            .as_deref()
            .unwrap_or_default()
    }
}

impl Object for QrCode {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.svg())
    }
}

fn strings(fields: &[(&str, &String)]) -> Value {
    let map: BTreeMap<String, Value> = fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), Value::from(v.as_str())))
        .collect();
    Value::from(map)
}

fn iso(day: NaiveDate) -> Value {
    Value::from(day.format("%Y-%m-%d").to_string())
}

/// An empty optional text is `none`, so that `{% if debtor.guarantor %}`
/// reads naturally.
fn optional(text: Option<&str>) -> Value {
    match text.map(str::trim) {
        Some(t) if !t.is_empty() => Value::from(t),
        _ => Value::from(()),
    }
}

/// An amount in a template: prints as a plain decimal (`1234.56`), formats
/// with `| money`, is false when zero (`{% if indemnity %}`), compares with
/// other amounts, and exposes `.cents` (an exact integer) and `.currency`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub amount: Decimal,
    pub currency: String,
}

impl Money {
    pub fn value(amount: Decimal, currency: &str) -> Value {
        Value::from_object(Money {
            amount,
            currency: currency.to_string(),
        })
    }
}

impl Object for Money {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "cents" => {
                let cents = crate::claim::cents(self.amount).saturating_mul(Decimal::ONE_HUNDRED);
                i128::try_from(cents).ok().map(Value::from)
            }
            "currency" => Some(Value::from(self.currency.as_str())),
            _ => None,
        }
    }

    fn is_true(self: &Arc<Self>) -> bool {
        !self.amount.is_zero()
    }

    fn custom_cmp(self: &Arc<Self>, other: &DynObject) -> Option<std::cmp::Ordering> {
        let other = other.downcast_ref::<Money>()?;
        Some(self.amount.cmp(&other.amount))
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", crate::claim::cents(self.amount))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(qr: Option<&str>) -> Value {
        Value::from_object(PaymentValue {
            reference: "RF18 5390 0754 7034".into(),
            reference_electronic: "RF18539007547034".into(),
            amount: Money::value(Decimal::from(12), "EUR"),
            iban: "LU28 0019 4006 4475 0000".into(),
            qr: QrCode::value(qr),
        })
    }

    fn render(name: &str, source: &str, payment: Value) -> String {
        let mut env = super::super::templates::environment();
        env.add_template_owned(name.to_string(), source.to_string())
            .unwrap();
        env.get_template(name)
            .unwrap()
            .render(minijinja::context! { payment => payment })
            .unwrap()
    }

    #[test]
    fn a_text_that_only_tests_the_qr_code_does_not_draw_its_svg() {
        let value = payment(Some(
            "BCD\n002\n1\nSCT\n\nX\nLU280019400644750000\nEUR12.00\n\n\n\n",
        ));
        let text = render(
            "mail.txt",
            "{% if payment.qr %}scannez le code joint{% endif %} {{ payment.reference }}",
            value.clone(),
        );
        assert_eq!(text, "scannez le code joint RF18 5390 0754 7034");
        let qr = value
            .get_attr("qr")
            .unwrap()
            .downcast_object::<QrCode>()
            .unwrap();
        assert!(qr.svg.get().is_none(), "the SVG was drawn for a test");
    }

    #[test]
    fn an_html_letter_shows_the_qr_code_as_markup_and_none_without_a_code() {
        let value = payment(Some(
            "BCD\n002\n1\nSCT\n\nX\nLU280019400644750000\nEUR12.00\n\n\n\n",
        ));
        let html = render("letter.html", "<p>{{ payment.qr }}</p>", value);
        assert!(html.starts_with("<p><svg xmlns="), "{html}");
        assert!(html.contains("<path d=\"M"), "not escaped: {html}");
        assert_eq!(
            render(
                "letter.html",
                "{% if payment.qr %}code{% else %}pas de code{% endif %} {{ '<b>' }}",
                payment(None),
            ),
            "pas de code &lt;b&gt;"
        );
    }
}
