//! E-mails as RFC 5322 messages (`.eml`), built with lettre. Reproducible:
//! the `Date` is the run's date (not the wall clock) and the `Message-ID` and
//! MIME boundary derive from the content, so the same e-mail has the same
//! bytes and the same hash in every run, golden test and journal.

use chrono::{NaiveDate, NaiveTime};
use lettre::Message;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Code, Diagnostic};

/// The time of day the `Date` header shows: 08:00 UTC is the same date in
/// every European time zone.
pub const SEND_TIME: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// One e-mail, ready to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email<'a> {
    pub from_name: &'a str,
    pub from_address: &'a str,
    pub to_name: &'a str,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub date: NaiveDate,
}

/// The message and what identifies it.
#[derive(Debug, Clone)]
pub struct Built {
    pub message: Message,
    /// `<…@…>`, derived from the content.
    pub message_id: String,
    /// The `.eml` bytes (CRLF line ends).
    pub bytes: Vec<u8>,
}

/// Builds the message. A missing or malformed address is an error that names
/// whose address it is.
pub fn build(email: &Email<'_>) -> Result<Built, Diagnostic> {
    let from = mailbox(email.from_name, email.from_address, "the firm's")
        .map_err(|d| d.with_help("set `email` in firm.toml (see docs/templates.md)"))?;
    let to = mailbox(
        email.to_name,
        email.to_address,
        &format!("{}'s", email.to_name),
    )
    .map_err(|d| d.with_help("add the address to the debtors file's `email` column"))?;
    let digest = {
        let mut hasher = Sha256::new();
        for part in [
            email.from_address,
            email.to_address,
            email.subject,
            &email.date.to_string(),
            email.text,
            email.html.unwrap_or(""),
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hex::encode(hasher.finalize())
    };
    let domain = email
        .from_address
        .rsplit_once('@')
        .map_or("policy.invalid", |(_, d)| d);
    let message_id = format!("<{}@{domain}>", &digest[..32]);
    let date = email.date.and_time(SEND_TIME).and_utc();
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject)
        .date(date.into())
        .message_id(Some(message_id.clone()));
    let message = match email.html {
        None => builder.singlepart(SinglePart::plain(email.text.to_string())),
        Some(html) => builder.multipart(
            MultiPart::alternative()
                .boundary(format!("policy-{}", &digest[32..56]))
                .singlepart(SinglePart::plain(email.text.to_string()))
                .singlepart(SinglePart::html(html.to_string())),
        ),
    }
    .map_err(|e| {
        Diagnostic::error(
            Code::AddressInvalid,
            format!("cannot build the e-mail: {e}"),
        )
        .with_help("check the sender and recipient addresses")
    })?;
    let bytes = message.formatted();
    Ok(Built {
        message,
        message_id,
        bytes,
    })
}

fn mailbox(name: &str, address: &str, whose: &str) -> Result<Mailbox, Diagnostic> {
    let address = address.trim();
    if address.is_empty() {
        return Err(Diagnostic::error(
            Code::AddressInvalid,
            format!("{whose} e-mail address is missing"),
        ));
    }
    let parsed = address.parse().map_err(|_| {
        Diagnostic::error(
            Code::AddressInvalid,
            format!("{whose} e-mail address `{address}` is not valid"),
        )
    })?;
    let name = name.trim();
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_string()),
        parsed,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email<'a>(text: &'a str, html: Option<&'a str>) -> Email<'a> {
        Email {
            from_name: "Martin SA",
            from_address: "recouvrement@martin.lu",
            to_name: "ACME Sàrl",
            to_address: "compta@acme.lu",
            subject: "Rappel — facture échue",
            text,
            html,
            date: "2026-11-23".parse().unwrap(),
        }
    }

    #[test]
    fn the_same_email_has_the_same_bytes() {
        let a = build(&email("Bonjour,\nvoici.", None)).unwrap();
        let b = build(&email("Bonjour,\nvoici.", None)).unwrap();
        assert_eq!(a.bytes, b.bytes);
        let c = build(&email("Bonjour,\nvoilà.", None)).unwrap();
        assert_ne!(a.message_id, c.message_id);
        let text = String::from_utf8(a.bytes).unwrap();
        assert!(
            text.contains("Date: Mon, 23 Nov 2026 08:00:00 +0000"),
            "{text}"
        );
        assert!(text.contains("Message-ID: <"), "{text}");
        assert!(text.contains("@martin.lu>"), "{text}");
    }

    #[test]
    fn html_emails_are_multipart_with_a_stable_boundary() {
        let a = build(&email("texte", Some("<p>texte</p>"))).unwrap();
        let b = build(&email("texte", Some("<p>texte</p>"))).unwrap();
        assert_eq!(a.bytes, b.bytes);
        let text = String::from_utf8(a.bytes).unwrap();
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("text/html"), "{text}");
    }

    #[test]
    fn missing_or_bad_addresses_are_errors() {
        let mut e = email("x", None);
        e.to_address = "";
        let err = build(&e).unwrap_err();
        assert_eq!(err.code, Code::AddressInvalid);
        assert!(err.message.contains("ACME Sàrl's"), "{}", err.message);
        e.to_address = "not an address";
        assert!(build(&e).unwrap_err().message.contains("not valid"));
        let mut e = email("x", None);
        e.from_address = "";
        assert!(build(&e).unwrap_err().message.contains("the firm's"));
    }
}
