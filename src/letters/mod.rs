//! Letters, e-mails and task rows: what a run produces, rendered from the
//! policy's templates (minijinja) with French formatting. Nothing here sends
//! or writes files: it turns a [`LetterContext`] into bytes, which the
//! journal then records and writes.
//!
//! - [`Templates`]: the templates folder, compiled; renders a template for a
//!   channel ([`Rendered`]).
//! - [`email::build`]: an RFC 5322 message with a reproducible `Date` and
//!   `Message-ID`.
//! - [`statement`]: the table of many invoices, attached or annexed.
//! - [`tasks`]: calls and routes as CSV rows.
//! - [`firm`]: the firm's details from `firm.toml`.
//! - [`format`]: `1 234,56 €`, `23 novembre 2026`.

pub mod context;
pub mod email;
pub mod firm;
pub mod format;
pub mod payment;
pub mod sample;
pub mod statement;
pub mod tasks;
pub mod templates;

pub use context::{Account, AccountLine, Debtor, Firm, InvoiceLine, LetterContext, Money, Party};
pub use templates::{Forms, Rendered, Templates};

use crate::diagnostic::Diagnostic;

/// The file a rendered communication is written to, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produced {
    /// `eml`, `html` or `txt`.
    pub extension: &'static str,
    pub bytes: Vec<u8>,
}

/// Turns a rendered communication into the bytes of its output file: an
/// `.eml` message for an e-mail, the HTML page for a letter, the text for an
/// SMS. Over [`statement::INLINE_MAX`] invoices, the e-mail carries the
/// statement as an attachment and the letter as an annex.
pub fn produce(rendered: &Rendered, context: &LetterContext) -> Result<Produced, Diagnostic> {
    let carried = statement::carried(context);
    let with_statement = carried.is_some();
    Ok(match rendered {
        Rendered::Letter { html } => Produced {
            extension: "html",
            bytes: if with_statement {
                statement::annex(html, context).into_bytes()
            } else {
                html.clone().into_bytes()
            },
        },
        Rendered::Sms { text } => Produced {
            extension: "txt",
            bytes: format!("{text}\n").into_bytes(),
        },
        Rendered::Email {
            subject,
            text,
            html,
        } => {
            let mut attachments = Vec::new();
            if let Some(file_name) = carried {
                attachments.push(email::Attachment {
                    file_name: file_name.to_string(),
                    content_type: "text/html; charset=utf-8".to_string(),
                    bytes: statement::page(context).into_bytes(),
                });
            }
            if let Some(png) = context
                .payment
                .as_ref()
                .and_then(|p| p.qr.as_deref())
                .and_then(payment::png)
            {
                attachments.push(email::Attachment {
                    file_name: payment::QR_FILE_NAME.to_string(),
                    content_type: "image/png".to_string(),
                    bytes: png,
                });
            }
            let built = email::build(email::Email {
                from_name: &context.creditor.name,
                from_address: &context.creditor.email,
                to_name: &context.recipient.name,
                to_address: &context.recipient.email,
                subject,
                text,
                html: html.as_deref(),
                date: context.today,
                attachments,
            })?;
            Produced {
                extension: "eml",
                bytes: built.bytes,
            }
        }
    })
}
