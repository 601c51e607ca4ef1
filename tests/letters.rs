#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The example policies' templates rendered with a fixed context: golden
//! letters (HTML) and e-mails (.eml bytes), and every way a template can be
//! wrong reported at its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use policy::diagnostic::Code;
use policy::diagnostic::render::{Style, human};
use policy::letters::{self, Debtor, Firm, InvoiceLine, LetterContext, Rendered, Templates};
use policy::vocab::{Channel, DebtorKind};
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn firm() -> Firm {
    Firm {
        name: "Fiduciaire Martin SA".into(),
        address: "12 rue de la Gare\nL-1611 Luxembourg".into(),
        email: "recouvrement@martin.lu".into(),
        phone: "+352 26 00 00 00".into(),
        company_id: "B 123456".into(),
        iban: "LU28 0019 4006 4475 0000".into(),
        bic: String::new(),
    }
}

fn debtor() -> Debtor {
    Debtor {
        id: "ACME".into(),
        name: "ACME Sàrl".into(),
        address: "3 route d'Arlon\nL-8009 Strassen".into(),
        email: "compta@acme.lu".into(),
        kind: DebtorKind::B2b,
        guarantor: Some("Jean Dupont".into()),
        guarantor_address: Some("5 rue Haute\nL-1000 Luxembourg".into()),
        guarantee_limit: Some(dec("25000")),
        extra: BTreeMap::from([("phone".to_string(), "+352 44 00 00".to_string())]),
    }
}

fn context(channel: Channel, to_guarantor: bool) -> LetterContext {
    let debtor = debtor();
    let recipient = if to_guarantor {
        debtor.guarantor_party().unwrap()
    } else {
        debtor.as_party()
    };
    LetterContext {
        currency: "EUR".into(),
        creditor: firm(),
        recipient,
        debtor,
        to_guarantor,
        channel,
        invoices: vec![
            InvoiceLine {
                number: "F-2026-101".into(),
                reference: policy::reference::Reference::creditor("F-2026-101").to_string(),
                issue_date: "2026-09-01".parse().unwrap(),
                due_date: "2026-10-01".parse().unwrap(),
                amount: dec("12500.00"),
                outstanding: dec("10250.50"),
                days_late: 53,
                extra: BTreeMap::from([(
                    "description".to_string(),
                    "maintenance annuelle".to_string(),
                )]),
            },
            InvoiceLine {
                number: "F-2026-117".into(),
                reference: policy::reference::Reference::creditor("F-2026-117").to_string(),
                issue_date: "2026-09-15".parse().unwrap(),
                due_date: "2026-10-15".parse().unwrap(),
                amount: dec("840"),
                outstanding: dec("840"),
                days_late: 39,
                extra: BTreeMap::new(),
            },
        ]
        .into(),
        indemnity: dec("80"),
        interest: dec("154.37"),
        indemnity_if_unpaid: dec("620.28"),
        today: "2026-11-23".parse().unwrap(),
        // Monday 23 November 2026: an e-mail is received the next day, a
        // letter on the third working day.
        received: match channel {
            Channel::Email | Channel::Sms => "2026-11-24",
            _ => "2026-11-26",
        }
        .parse()
        .unwrap(),
        deadline: Some("2026-12-14".parse().unwrap()),
        language: Default::default(),
        payment: None,
        account: None,
    }
}

fn templates(folder: &str) -> Templates {
    Templates::load(&Path::new("policies/templates").join(folder)).unwrap()
}

/// The output file's bytes; for an e-mail, preceded by the rendered text so
/// that a reviewer can read what the quoted-printable `.eml` says.
fn render(folder: &str, name: &str, channel: Channel, to_guarantor: bool) -> String {
    let context = context(channel, to_guarantor);
    let rendered = templates(folder).render(name, channel, &context).unwrap();
    let produced = letters::produce(&rendered, &context).unwrap();
    let file = String::from_utf8(produced.bytes).unwrap();
    match rendered {
        Rendered::Email { subject, text, .. } => {
            format!("=== rendered\nSubject: {subject}\n\n{text}\n=== .eml\n{file}")
        }
        _ => file,
    }
}

/// Every template of the example policies renders, for every channel the
/// policies use it on.
#[test]
fn golden_example_templates() {
    for (folder, name, channel, guarantor) in [
        ("fr", "relance_1", Channel::Email, false),
        ("fr", "relance_2", Channel::Email, false),
        ("fr", "relance_2", Channel::Courrier, false),
        ("fr", "information_caution", Channel::Courrier, true),
        ("fr", "mise_en_demeure", Channel::Recommande, false),
        ("fr", "mise_en_demeure", Channel::Recommande, true),
        ("lu", "relance_1", Channel::Email, false),
        ("lu", "relance_2", Channel::Email, false),
        ("lu", "relance_2", Channel::Courrier, false),
        ("lu", "mise_en_demeure", Channel::Recommande, false),
        ("be", "rappel_gratuit", Channel::Email, false),
        ("be", "mise_en_demeure", Channel::Recommande, false),
    ] {
        let text = render(folder, name, channel, guarantor);
        let who = if guarantor { "guarantor" } else { "debtor" };
        insta::assert_snapshot!(format!("{folder}_{name}_{channel}_{who}"), text);
    }
}

/// A text template sent on paper becomes a printable page; an HTML template
/// sent by e-mail becomes a multipart e-mail with a text alternative and the
/// page's title as its subject.
#[test]
fn golden_fallbacks() {
    insta::assert_snapshot!(
        "fallback_txt_as_letter",
        render("be", "rappel_gratuit", Channel::Courrier, false)
    );
    insta::assert_snapshot!(
        "fallback_html_as_email",
        render("lu", "mise_en_demeure", Channel::Email, false)
    );
    let context = context(Channel::Sms, false);
    let Rendered::Sms { text } = templates("lu")
        .render("relance_1", Channel::Sms, &context)
        .unwrap()
    else {
        panic!()
    };
    assert!(text.starts_with("Madame, Monsieur,"), "{text}");
}

#[test]
fn formatting_in_letters_is_french() {
    let text = render("fr", "mise_en_demeure", Channel::Recommande, false);
    assert!(text.contains("Le 23 novembre 2026"));
    assert!(text.contains("10\u{202F}250,50\u{A0}€"));
    // total 11,090.50 + indemnity 80 + interest 154.37
    assert!(text.contains("11\u{202F}324,87\u{A0}€"));
    assert!(text.contains("1er octobre 2026"));
}

#[test]
fn the_emails_are_reproducible() {
    let a = render("fr", "relance_1", Channel::Email, false);
    let b = render("fr", "relance_1", Channel::Email, false);
    assert!(a.contains("=== .eml"));
    assert_eq!(a, b);
    assert!(a.contains("Date: Mon, 23 Nov 2026 08:00:00 +0000"));
    assert!(a.contains("From: \"Fiduciaire Martin SA\" <recouvrement@martin.lu>"));
}

/// Zero amounts are false in `{% if %}`: no indemnity line when none is
/// claimed.
#[test]
fn zero_amounts_are_false() {
    let mut context = context(Channel::Recommande, false);
    context.indemnity = Decimal::ZERO;
    let rendered = templates("fr")
        .render("mise_en_demeure", Channel::Recommande, &context)
        .unwrap();
    let Rendered::Letter { html } = rendered else {
        panic!()
    };
    assert!(!html.contains("Indemnité forfaitaire"));
    assert!(html.contains("Intérêts de retard"));
}

fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn shown(diagnostic: &policy::diagnostic::Diagnostic, dir: &Path) -> String {
    human(diagnostic, Style::plain()).replace(&dir.display().to_string(), "TEMPLATES")
}

#[test]
fn a_syntax_error_is_reported_at_its_line_when_loading() {
    let dir = folder_with(&[
        ("ok.txt", "Objet : ok\n\nbonjour"),
        (
            "broken.html",
            "<p>Bonjour</p>\n<p>{% if total %}{{ total | money }}</p>\n",
        ),
        ("also_broken.txt", "Objet : x\n\n{{ total | money \n"),
    ]);
    let errors = Templates::load(dir.path()).unwrap_err();
    assert_eq!(errors.len(), 2, "every broken template is reported");
    assert!(errors.iter().all(|e| e.code == Code::TemplateError));
    let broken = errors
        .iter()
        .find(|e| e.message.contains("broken.html"))
        .unwrap();
    assert_eq!(broken.range().unwrap().0.line, 2);
    insta::assert_snapshot!("syntax_error", shown(broken, dir.path()));
}

#[test]
fn an_unknown_name_is_an_error_not_an_empty_spot() {
    let dir = folder_with(&[(
        "relance.txt",
        "Objet : Rappel\n\nBonjour {{ recipent.name }},\n",
    )]);
    let templates = Templates::load(dir.path()).unwrap();
    let err = templates
        .render("relance", Channel::Email, &context(Channel::Email, false))
        .unwrap_err();
    assert_eq!(err.code, Code::TemplateError);
    let (start, _) = err.range().unwrap();
    assert_eq!((start.line, start.column), (3, 12));
    insta::assert_snapshot!("undefined_name", shown(&err, dir.path()));
}

#[test]
fn a_filter_misused_is_an_error() {
    let dir = folder_with(&[("x.txt", "Objet : x\n\n{{ debtor.name | date }}\n")]);
    let err = Templates::load(dir.path())
        .unwrap()
        .render("x", Channel::Email, &context(Channel::Email, false))
        .unwrap_err();
    assert!(
        err.message.contains("`date` needs a date"),
        "{}",
        err.message
    );
    assert_eq!(err.range().unwrap().0.line, 3);
}

#[test]
fn an_email_template_needs_its_subject_line() {
    let dir = folder_with(&[("x.txt", "Bonjour,\n\nvoici.\n")]);
    let err = Templates::load(dir.path())
        .unwrap()
        .render("x", Channel::Email, &context(Channel::Email, false))
        .unwrap_err();
    assert_eq!(err.code, Code::TemplateError);
    assert!(err.message.contains("subject"), "{}", err.message);
    assert_eq!(err.range().unwrap().0.line, 1);
}

#[test]
fn a_missing_template_is_reported_per_channel() {
    let dir = folder_with(&[("lettre.html", "<p>x</p>")]);
    let templates = Templates::load(dir.path()).unwrap();
    let err = templates.check("nope", Channel::Email).unwrap_err();
    assert_eq!(err.code, Code::TemplateMissing);
    // An SMS needs a text template; an HTML letter will not do.
    let err = templates.check("lettre", Channel::Sms).unwrap_err();
    assert!(err.message.contains("`lettre.txt`"), "{}", err.message);
    assert!(templates.check("lettre", Channel::Courrier).is_ok());
}

#[test]
fn a_missing_folder_is_an_io_error() {
    let errors = Templates::load(Path::new("no/such/folder")).unwrap_err();
    assert_eq!(errors[0].code, Code::Io);
}

/// Every example template at least loads and renders for every channel it
/// can serve: a broken example would fail here before a golden does.
#[test]
fn every_example_template_renders_on_every_channel_it_serves() {
    for folder in ["fr", "be", "lu"] {
        let templates = templates(folder);
        let names: Vec<String> = templates.names().map(str::to_string).collect();
        for name in names {
            for channel in [Channel::Email, Channel::Courrier, Channel::Recommande] {
                for to_guarantor in [false, true] {
                    let mut context = context(channel, to_guarantor);
                    if to_guarantor {
                        // A guarantor has no e-mail address in the debtors file.
                        context.recipient.email = "caution@example.lu".into();
                    }
                    let rendered = templates.render(&name, channel, &context).unwrap();
                    letters::produce(&rendered, &context).unwrap();
                }
            }
        }
    }
}

/// What docs/templates.md promises about amounts in templates.
#[test]
fn amounts_compare_and_expose_cents() {
    let dir = folder_with(&[(
        "x.txt",
        "Objet : x\n\n{% if interest > indemnity %}more{% endif %}|{% if total.cents >= 1109050 %}big{% endif %}|{{ total }}|{{ total.currency }}|{{ 1234 | money }}\n",
    )]);
    let Rendered::Email { text, .. } = Templates::load(dir.path())
        .unwrap()
        .render("x", Channel::Email, &context(Channel::Email, false))
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(text, "more|big|11090.50|EUR|1\u{202F}234,00\u{A0}€");
}

/// An HTML e-mail's text part keeps the lines of the addresses the page
/// shows with `white-space: pre-line` (issue 11: they ran together).
#[test]
fn an_html_emails_text_keeps_the_lines_of_addresses() {
    let Rendered::Email { text, .. } = templates("lu")
        .render(
            "mise_en_demeure",
            Channel::Email,
            &context(Channel::Email, false),
        )
        .unwrap()
    else {
        panic!("an e-mail");
    };
    assert!(
        text.contains("Fiduciaire Martin SA\n12 rue de la Gare\nL-1611 Luxembourg"),
        "{text}"
    );
    assert!(
        text.contains("ACME Sàrl\n3 route d'Arlon\nL-8009 Strassen"),
        "{text}"
    );
}

/// The names the help for a misspelt name offers are the context's.
#[test]
fn the_context_names_are_those_a_template_sees() {
    let value = context(Channel::Email, false).to_value();
    let mut seen: Vec<String> = value
        .try_iter()
        .unwrap()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    seen.sort();
    let mut names: Vec<&str> = policy::letters::templates::CONTEXT_NAMES.to_vec();
    names.sort();
    assert_eq!(seen, names);
}
