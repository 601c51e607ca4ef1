//! E-mails as RFC 5322 messages (`.eml`), built with lettre. Reproducible:
//! the `Date` is the run's date (not the wall clock) and the `Message-ID` and
//! MIME boundary derive from the content, so the same e-mail has the same
//! bytes and the same hash in every run, golden test and journal.

use chrono::{NaiveDate, NaiveTime};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment as MimeAttachment, Mailbox, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use crate::diagnostic::{Code, Diagnostic};

/// The time of day the `Date` header shows: 08:00 UTC is the same date in
/// every European time zone.
pub(crate) const SEND_TIME: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
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
    /// Files sent with the message (a statement of many invoices).
    pub attachments: Vec<Attachment>,
}

/// A file attached to an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    /// `text/html; charset=utf-8`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The message and what identifies it.
#[derive(Debug, Clone)]
pub struct Built {
    /// `<…@…>`, derived from the content.
    pub message_id: String,
    /// The `.eml` bytes (CRLF line ends).
    pub bytes: Vec<u8>,
}

/// Builds the message. A missing or malformed address is an error that names
/// whose address it is. Names and the subject are header values: a line
/// break or control character in them is folded to a space (a name read from
/// a spreadsheet cell may hold one; a header cannot).
pub fn build(email: Email<'_>) -> Result<Built, Diagnostic> {
    let from = mailbox(email.from_name, email.from_address, "the firm's")
        .map_err(|d| d.with_help("set `email` in firm.toml (see docs/templates.md)"))?;
    let to = mailbox(
        email.to_name,
        email.to_address,
        &format!("{}'s", fold(email.to_name)),
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
        // Messages without attachments keep the digest (and so the bytes)
        // they always had.
        for attachment in &email.attachments {
            hasher.update(attachment.file_name.as_bytes());
            hasher.update([0]);
            hasher.update(&attachment.bytes);
            hasher.update([0]);
        }
        hex::encode(hasher.finalize())
    };
    let domain = email
        .from_address
        .trim()
        .rsplit_once('@')
        .map_or("policy.invalid", |(_, d)| d);
    let message_id = format!("<{}@{domain}>", &digest[..32]);
    let date = email.date.and_time(SEND_TIME).and_utc();
    let builder = Message::builder()
        .from(from)
        .to(to)
        .subject(fold(email.subject))
        .date(date.into())
        .message_id(Some(message_id.clone()));
    // lettre turns LF into CRLF by inserting one `\r` at a time, which is
    // quadratic in the number of lines: a letter listing 80,000 invoices
    // took 12 s. Given CRLF already, it has nothing to insert.
    let plain = || SinglePart::plain(crlf(email.text));
    let body = email.html.map(|html| {
        MultiPart::alternative()
            .boundary(format!("policy-{}", &digest[32..56]))
            .singlepart(plain())
            .singlepart(SinglePart::html(crlf(html)))
    });
    let message = if email.attachments.is_empty() {
        match body {
            None => builder.singlepart(plain()),
            Some(body) => builder.multipart(body),
        }
    } else {
        let mixed = MultiPart::mixed().boundary(format!("policy-mixed-{}", &digest[32..56]));
        let mut mixed = match body {
            None => mixed.singlepart(plain()),
            Some(body) => mixed.multipart(body),
        };
        for attachment in email.attachments {
            let content_type =
                ContentType::parse(&attachment.content_type).unwrap_or(ContentType::TEXT_PLAIN);
            mixed = mixed.singlepart(
                MimeAttachment::new(attachment.file_name.clone())
                    .body(attachment.bytes.clone(), content_type),
            );
        }
        builder.multipart(mixed)
    }
    .map_err(|e| {
        Diagnostic::error(
            Code::AddressInvalid,
            format!("cannot build the e-mail: {e}"),
        )
        .with_help("check the sender and recipient addresses")
    })?;
    let bytes = message.formatted();
    Ok(Built { message_id, bytes })
}

/// A header value on one line: a line break or control character, with the
/// spaces around it, becomes one space. Other spaces are kept (the no-break
/// spaces of `11 090,50 €` are typography).
pub(crate) fn fold(value: &str) -> String {
    let breaks = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
    if !value.contains(breaks) {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len());
    // A break was met and its space is not written yet.
    let mut pending = false;
    for c in value.chars() {
        if breaks(c) {
            pending = true;
            continue;
        }
        if pending {
            // Spaces around a break become the one space.
            if c.is_ascii_whitespace() {
                continue;
            }
            let kept = out.trim_end_matches([' ', '\t']).len();
            out.truncate(kept);
            if !out.is_empty() {
                out.push(' ');
            }
            pending = false;
        }
        out.push(c);
    }
    out
}

/// `text` with CRLF line ends (a lone CR or LF becomes CRLF), in one pass.
fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\r\n");
            }
            '\n' => out.push_str("\r\n"),
            c => out.push(c),
        }
    }
    out
}

/// Why `address` is not one e-mail address a letter can be sent to, if it
/// is not: `Ok` holds it trimmed. Stricter than RFC 5322 on purpose: one
/// address (no list, no display name, no comment), a domain name (no IP
/// literal), nothing that could end a header line.
pub(crate) fn check_address(address: &str) -> Result<&str, String> {
    let address = address.trim();
    if address
        .chars()
        .any(|c| c.is_control() || c == '\u{2028}' || c == '\u{2029}')
    {
        return Err("it holds a line break or a control character".into());
    }
    if address.contains([',', ';']) {
        return Err("it holds several addresses: give one (send copies from a second row)".into());
    }
    if address.contains(['<', '>']) {
        return Err("it holds a name: give only the address, e.g. `compta@acme.lu`".into());
    }
    if address.chars().any(char::is_whitespace) {
        return Err("it holds a space".into());
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err("it has no `@`".into());
    };
    if local.is_empty() || local.contains('@') {
        return Err("it needs exactly one `@` with a name before it".into());
    }
    if local.len() > 64 || domain.len() > 253 {
        return Err("it is too long for an e-mail address".into());
    }
    let atext = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    if local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
        || !local.chars().all(|c| c == '.' || atext(c))
    {
        return Err("the part before `@` holds characters an address cannot".into());
    }
    if domain.starts_with('[') {
        return Err("it names a machine by its IP address, not a domain".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(format!("`{domain}` is not a domain name"));
    }
    address
        .parse::<lettre::Address>()
        .map(|_| address)
        .map_err(|e| format!("it is not a valid address ({e})"))
}

fn mailbox(name: &str, address: &str, whose: &str) -> Result<Mailbox, Diagnostic> {
    let address = address.trim();
    if address.is_empty() {
        return Err(Diagnostic::error(
            Code::AddressInvalid,
            format!("{whose} e-mail address is missing"),
        ));
    }
    let invalid = |why: String| {
        Diagnostic::error(
            Code::AddressInvalid,
            format!(
                "{whose} e-mail address `{}` is not valid: {why}",
                address.escape_debug()
            ),
        )
    };
    let checked = check_address(address).map_err(invalid)?;
    let parsed = checked
        .parse()
        .map_err(|e: lettre::address::AddressError| invalid(e.to_string()))?;
    let name = fold(name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), parsed))
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
            attachments: Vec::new(),
        }
    }

    #[test]
    fn the_same_email_has_the_same_bytes() {
        let a = build(email("Bonjour,\nvoici.", None)).unwrap();
        let b = build(email("Bonjour,\nvoici.", None)).unwrap();
        assert_eq!(a.bytes, b.bytes);
        let c = build(email("Bonjour,\nvoilà.", None)).unwrap();
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
        let a = build(email("texte", Some("<p>texte</p>"))).unwrap();
        let b = build(email("texte", Some("<p>texte</p>"))).unwrap();
        assert_eq!(a.bytes, b.bytes);
        let text = String::from_utf8(a.bytes).unwrap();
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("text/html"), "{text}");
    }

    #[test]
    fn missing_or_bad_addresses_are_errors() {
        let mut e = email("x", None);
        e.to_address = "";
        let err = build(e.clone()).unwrap_err();
        assert_eq!(err.code, Code::AddressInvalid);
        assert!(err.message.contains("ACME Sàrl's"), "{}", err.message);
        e.to_address = "not an address";
        assert!(build(e.clone()).unwrap_err().message.contains("not valid"));
        let mut e = email("x", None);
        e.from_address = "";
        assert!(build(e.clone()).unwrap_err().message.contains("the firm's"));
    }

    #[test]
    fn line_breaks_in_names_and_subjects_are_folded() {
        let mut e = email("x", None);
        e.to_name = "ACME\nSA";
        e.from_name = "Fiduciaire\r\nMartin\rSA";
        e.subject = "Rappel\rBcc: espion@z.lu";
        let text = String::from_utf8(build(e.clone()).unwrap().bytes).unwrap();
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(head.contains("To: \"ACME SA\" <compta@acme.lu>"), "{head}");
        assert!(head.contains("Fiduciaire Martin SA"), "{head}");
        assert!(head.contains("Subject: Rappel Bcc: espion@z.lu"), "{head}");
        assert!(!head.replace("\r\n", "").contains(['\r', '\n']), "{head:?}");
        assert!(!head.contains("\r\nBcc:"), "{head}");
    }

    #[test]
    fn malformed_addresses_say_why() {
        for (address, why) in [
            ("x@y.lu, z@w.lu", "several addresses"),
            ("x@y.lu;z@w.lu", "several addresses"),
            ("Jean <x@y.lu>", "a name"),
            ("x@y.lu\r\nBcc: z@w.lu", "line break"),
            ("x@[127.0.0.1]", "IP address"),
            ("x\0@y.lu", "control character"),
            ("x@localhost", "not a domain name"),
            ("x..y@y.lu", "before `@`"),
            ("\"x\"@y.lu", "before `@`"),
            ("x@-y.lu", "not a domain name"),
            ("xy.lu", "no `@`"),
            ("x@y@z.lu", "exactly one"),
        ] {
            let err = check_address(address).unwrap_err();
            assert!(err.contains(why), "{address:?}: {err}");
        }
        for address in ["compta@acme.lu", " a.b+c@sub.example.fr ", "élodie@café.fr"] {
            assert_eq!(check_address(address), Ok(address.trim()), "{address}");
        }
    }

    #[test]
    fn long_texts_keep_their_lines_and_go_fast() {
        // 200,000 lines: quadratic CRLF conversion took seconds here.
        let body: String = (0..200_000).map(|i| format!("ligne {i}\n")).collect();
        let built = build(email(&body, None)).unwrap();
        let text = String::from_utf8(built.bytes).unwrap();
        assert!(!text.replace("\r\n", "").contains('\n'));
    }

    #[test]
    fn attachments_make_a_mixed_message() {
        let mut e = email("texte", Some("<p>texte</p>"));
        e.attachments = vec![Attachment {
            file_name: "releve-factures.html".into(),
            content_type: "text/html; charset=utf-8".into(),
            bytes: b"<table></table>".to_vec(),
        }];
        let a = build(e.clone()).unwrap();
        let text = String::from_utf8(a.bytes.clone()).unwrap();
        assert!(text.contains("multipart/mixed"), "{text}");
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(
            text.contains("attachment; filename=\"releve-factures.html\""),
            "{text}"
        );
        assert_eq!(build(e.clone()).unwrap().bytes, a.bytes);
        // Without attachments, the bytes are those of before.
        assert!(
            !String::from_utf8(build(email("texte", None)).unwrap().bytes)
                .unwrap()
                .contains("mixed")
        );
    }

    proptest::proptest! {
        /// Whatever a spreadsheet cell or a template gives as a name or a
        /// subject, the message builds, without a panic, and its header
        /// lines end only at CRLF.
        #[test]
        fn any_name_or_subject_builds(
            to_name in "\\PC*|[\r\n\t\0 \"\\\\<>@,;:a-zé]*",
            from_name in "[\r\n\u{2028}\u{85}A-Za-z ]*",
            subject in "\\PC*|[\r\n\t a-zé=?]*",
        ) {
            let mut e = email("x", None);
            e.to_name = &to_name;
            e.from_name = &from_name;
            e.subject = &subject;
            let built = build(e.clone()).unwrap();
            let text = String::from_utf8(built.bytes).unwrap();
            let head = text.split("\r\n\r\n").next().unwrap();
            proptest::prop_assert!(!head.replace("\r\n", "").contains(['\r', '\n']));
        }
    }
}
