//! The statement of a communication's invoices when they are too many to
//! list in its text (more than [`INLINE_MAX`]): a printable table of every
//! invoice, attached to an e-mail as an HTML file and appended to a letter
//! as an annex. Templates learn of it through `statement` (docs/templates.md)
//! and refer to it instead of listing the invoices.

use std::fmt::Write as _;

use minijinja::HtmlEscape;

use super::context::LetterContext;
use super::format;

/// A communication lists at most this many invoices in its text; above, they
/// go in a statement. A hundred lines is already three printed pages.
pub const INLINE_MAX: usize = 100;

/// The attachment's file name.
pub const FILE_NAME: &str = "releve-factures.html";

/// Whether a communication listing `invoices` invoices carries a statement.
pub fn needed(invoices: usize) -> bool {
    invoices > INLINE_MAX
}

/// The statement as a complete page, for an e-mail attachment.
pub fn page(context: &LetterContext) -> String {
    let mut page = String::with_capacity(256 + context.invoices.len() * 200);
    page.push_str("<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str(&format!(
        "<title>Relevé des factures — {}</title>\n",
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
                     .releve td:nth-child(n+4), .releve th:nth-child(n+4) { text-align: right; white-space: nowrap; }\n</style>\n";

/// The heading and the table: one row per invoice, then the total.
fn section(context: &LetterContext) -> String {
    let currency = &context.currency;
    let mut out = String::with_capacity(512 + context.invoices.len() * 200);
    out.push_str("<section class=\"releve\">\n");
    out.push_str(&format!(
        "<h2>Relevé des factures</h2>\n<p>{} — {} au {} : {} factures.</p>\n",
        escape(&context.creditor.name),
        escape(&context.recipient.name),
        format::date(context.today),
        context.invoices.len()
    ));
    out.push_str(
        "<table>\n<tr><th>Facture</th><th>Date</th><th>Échéance</th>\
         <th>Montant</th><th>Reste dû</th><th>Jours de retard</th></tr>\n",
    );
    for invoice in context.invoices.iter() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&invoice.number),
            invoice.issue_date.format("%d/%m/%Y"),
            invoice.due_date.format("%d/%m/%Y"),
            format::money(invoice.amount, currency),
            format::money(invoice.outstanding, currency),
            invoice.days_late.max(0)
        );
    }
    out.push_str(&format!(
        "<tr><td><strong>Total restant dû</strong></td><td></td><td></td><td></td>\
         <td><strong>{}</strong></td><td></td></tr>\n</table>\n</section>\n",
        format::money(context.total(), currency)
    ));
    out
}

fn escape(text: &str) -> HtmlEscape<'_> {
    HtmlEscape(text)
}
