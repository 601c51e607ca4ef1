//! The statement that goes with a communication, attached to an e-mail as
//! an HTML file and appended to a letter as an annex; templates learn of it
//! through `statement` (docs/templates.md):
//! - the statement of its invoices when they are too many to list in its
//!   text (more than [`INLINE_MAX`]);
//! - the debtor's statement of account (relevé de compte) when the step
//!   says `with statement`: every open invoice with its age bucket, the
//!   payments and credit notes applied, the interest and indemnity claimed.

use std::fmt::Write as _;

use minijinja::HtmlEscape;

use super::context::{Account, LetterContext};
use super::format::{self, Language};

/// A communication lists at most this many invoices in its text; above, they
/// go in a statement. A hundred lines is already three printed pages.
pub(crate) const INLINE_MAX: usize = 100;

/// The attachment's file name.
pub(crate) const FILE_NAME: &str = "releve-factures.html";

/// The statement of account's file name.
pub(crate) const ACCOUNT_FILE_NAME: &str = "releve-de-compte.html";

/// Whether a communication listing `invoices` invoices carries a statement.
pub fn needed(invoices: usize) -> bool {
    invoices > INLINE_MAX
}

/// Whether `context`'s communication carries a statement, and its file name.
pub fn carried(context: &LetterContext) -> Option<&'static str> {
    if context.account.is_some() {
        Some(ACCOUNT_FILE_NAME)
    } else if needed(context.invoices.len()) {
        Some(FILE_NAME)
    } else {
        None
    }
}

/// The words of a statement in `language`.
struct Words {
    invoices_title: &'static str,
    account_title: &'static str,
    invoice: &'static str,
    date: &'static str,
    due: &'static str,
    amount: &'static str,
    paid: &'static str,
    credited: &'static str,
    outstanding: &'static str,
    days_late: &'static str,
    age: &'static str,
    total_outstanding: &'static str,
    interest: &'static str,
    indemnity: &'static str,
    total_claimed: &'static str,
    invoices: &'static str,
    on: &'static str,
    buckets: [&'static str; 5],
}

fn words(language: Language) -> Words {
    match language {
        Language::Fr => Words {
            invoices_title: "Relevé des factures",
            account_title: "Relevé de compte",
            invoice: "Facture",
            date: "Date",
            due: "Échéance",
            amount: "Montant",
            paid: "Paiements",
            credited: "Avoirs",
            outstanding: "Reste dû",
            days_late: "Jours de retard",
            age: "Ancienneté",
            total_outstanding: "Total restant dû",
            interest: "Intérêts de retard réclamés",
            indemnity: "Indemnité forfaitaire réclamée",
            total_claimed: "Total réclamé",
            invoices: "factures",
            on: "au",
            buckets: [
                "non échue",
                "1 à 30 jours",
                "31 à 60 jours",
                "61 à 90 jours",
                "plus de 90 jours",
            ],
        },
        Language::Nl => Words {
            invoices_title: "Overzicht van de facturen",
            account_title: "Rekeningoverzicht",
            invoice: "Factuur",
            date: "Datum",
            due: "Vervaldag",
            amount: "Bedrag",
            paid: "Betalingen",
            credited: "Creditnota's",
            outstanding: "Openstaand",
            days_late: "Dagen achterstand",
            age: "Ouderdom",
            total_outstanding: "Totaal openstaand",
            interest: "Gevorderde verwijlintresten",
            indemnity: "Gevorderde forfaitaire schadevergoeding",
            total_claimed: "Totaal gevorderd",
            invoices: "facturen",
            on: "op",
            buckets: [
                "niet vervallen",
                "1 tot 30 dagen",
                "31 tot 60 dagen",
                "61 tot 90 dagen",
                "meer dan 90 dagen",
            ],
        },
        Language::De | Language::Lb => Words {
            invoices_title: "Aufstellung der Rechnungen",
            account_title: "Kontoauszug",
            invoice: "Rechnung",
            date: "Datum",
            due: "Fälligkeit",
            amount: "Betrag",
            paid: "Zahlungen",
            credited: "Gutschriften",
            outstanding: "Offen",
            days_late: "Tage Verzug",
            age: "Alter",
            total_outstanding: "Offener Gesamtbetrag",
            interest: "Geforderte Verzugszinsen",
            indemnity: "Geforderte Pauschalentschädigung",
            total_claimed: "Gesamtforderung",
            invoices: "Rechnungen",
            on: "zum",
            buckets: [
                "nicht fällig",
                "1 bis 30 Tage",
                "31 bis 60 Tage",
                "61 bis 90 Tage",
                "über 90 Tage",
            ],
        },
        Language::En => Words {
            invoices_title: "Statement of invoices",
            account_title: "Statement of account",
            invoice: "Invoice",
            date: "Date",
            due: "Due",
            amount: "Amount",
            paid: "Payments",
            credited: "Credit notes",
            outstanding: "Outstanding",
            days_late: "Days overdue",
            age: "Age",
            total_outstanding: "Total outstanding",
            interest: "Late interest claimed",
            indemnity: "Fixed compensation claimed",
            total_claimed: "Total claimed",
            invoices: "invoices",
            on: "as of",
            buckets: [
                "not due",
                "1 to 30 days",
                "31 to 60 days",
                "61 to 90 days",
                "over 90 days",
            ],
        },
    }
}

/// The label of an age bucket ([`super::context::AccountLine::bucket`]).
pub(crate) fn bucket_label(bucket: usize, language: Language) -> &'static str {
    words(language)
        .buckets
        .get(bucket)
        .copied()
        .unwrap_or_default()
}

/// The statement as a complete page, for an e-mail attachment.
pub fn page(context: &LetterContext) -> String {
    let w = words(context.language);
    let title = if context.account.is_some() {
        w.account_title
    } else {
        w.invoices_title
    };
    let mut page = String::with_capacity(256 + context.invoices.len() * 200);
    page.push_str(&format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
        context.language.code()
    ));
    page.push_str(&format!(
        "<title>{title} — {}</title>\n",
        escape(&context.recipient.name)
    ));
    page.push_str(STYLE);
    page.push_str("</head>\n<body>\n");
    page.push_str(&section(context));
    page.push_str("</body>\n</html>\n");
    page
}

/// The statement as an annex of a printed letter: a new page before the end
/// of its `<body>`.
pub fn annex(letter: &str, context: &LetterContext) -> String {
    let section = format!(
        "<div style=\"break-before: page; page-break-before: always\">\n{STYLE}{}</div>\n",
        section(context)
    );
    let at = letter
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(letter.len());
    let mut out = String::with_capacity(letter.len() + section.len());
    out.push_str(&letter[..at]);
    out.push_str(&section);
    out.push_str(&letter[at..]);
    out
}

/// Amounts and days (the fourth column on) right-aligned by position, so
/// that a row of a million-row statement carries no attribute.
const STYLE: &str = "<style>\n  .releve table { border-collapse: collapse; width: 100%; font-size: 10pt; }\n  \
                     .releve th, .releve td { border-bottom: 1px solid #999; padding: 2px 6px; text-align: left; }\n  \
                     .releve td:nth-child(n+4), .releve th:nth-child(n+4) { text-align: right; white-space: nowrap; }\n  \
                     .releve td:first-child { text-align: left; }\n</style>\n";

/// The heading and the table: one row per invoice, then the total.
fn section(context: &LetterContext) -> String {
    if let Some(account) = &context.account {
        return account_section(context, account);
    }
    let w = words(context.language);
    let money = |amount| format::money_in(amount, &context.currency, context.language);
    let mut out = String::with_capacity(512 + context.invoices.len() * 200);
    out.push_str("<section class=\"releve\">\n");
    out.push_str(&format!(
        "<h2>{}</h2>\n<p>{} — {} {} {} : {} {}.</p>\n",
        w.invoices_title,
        escape(&context.creditor.name),
        escape(&context.recipient.name),
        w.on,
        format::date_in(context.today, context.language),
        context.invoices.len(),
        w.invoices
    ));
    out.push_str(&format!(
        "<table>\n<tr><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th><th>{}</th></tr>\n",
        w.invoice, w.date, w.due, w.amount, w.outstanding, w.days_late
    ));
    for invoice in context.invoices.iter() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&invoice.number),
            invoice.issue_date.format("%d/%m/%Y"),
            invoice.due_date.format("%d/%m/%Y"),
            money(invoice.amount),
            money(invoice.outstanding),
            invoice.days_late.max(0)
        );
    }
    out.push_str(&format!(
        "<tr><td><strong>{}</strong></td><td></td><td></td><td></td>\
         <td><strong>{}</strong></td><td></td></tr>\n</table>\n</section>\n",
        w.total_outstanding,
        money(context.total())
    ));
    out
}

/// The statement of account: every open invoice of the debtor, its age
/// bucket, what was paid and credited, then the charges claimed.
fn account_section(context: &LetterContext, account: &Account) -> String {
    let w = words(context.language);
    let money = |amount| format::money_in(amount, &context.currency, context.language);
    let mut out = String::with_capacity(1024 + account.lines.len() * 300);
    out.push_str("<section class=\"releve\">\n");
    out.push_str(&format!(
        "<h2>{}</h2>\n<p>{} — {} {} {} : {} {}.</p>\n",
        w.account_title,
        escape(&context.creditor.name),
        escape(&context.debtor.name),
        w.on,
        format::date_in(context.today, context.language),
        account.lines.len(),
        w.invoices
    ));
    out.push_str(&format!(
        "<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
         <th>{}</th><th>{}</th></tr>\n",
        w.invoice, w.date, w.due, w.age, w.amount, w.paid, w.credited, w.outstanding
    ));
    for line in &account.lines {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&line.number),
            line.issue_date.format("%d/%m/%Y"),
            line.due_date.format("%d/%m/%Y"),
            bucket_label(line.bucket(), context.language),
            money(line.amount),
            money(line.paid),
            money(line.credited),
            money(line.outstanding)
        );
    }
    let empty = "<td></td>".repeat(6);
    let mut total = |label: &str, amount| {
        let _ = writeln!(
            out,
            "<tr><td><strong>{label}</strong></td>{empty}<td><strong>{}</strong></td></tr>",
            money(amount)
        );
    };
    total(w.total_outstanding, account.outstanding());
    if !account.interest.is_zero() {
        total(w.interest, account.interest);
    }
    if !account.indemnity.is_zero() {
        total(w.indemnity, account.indemnity);
    }
    total(w.total_claimed, account.total());
    out.push_str("</table>\n</section>\n");
    out
}

fn escape(text: &str) -> HtmlEscape<'_> {
    HtmlEscape(text)
}
