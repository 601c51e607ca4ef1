//! Parser tests: one table row per construct, checked on the tree it gives.

use super::*;
use crate::ast::*;
use rust_decimal::Decimal;

fn parse_ok(text: &str) -> Policy {
    let source = SourceFile::new("test.policy", text);
    let (policy, diagnostics) = parse(&source);
    assert!(
        diagnostics.is_empty(),
        "{text:?} should parse, got {:?}",
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    policy
}

fn one_statement(text: &str) -> Statement {
    let policy = parse_ok(text);
    let statements: Vec<_> = policy.statements().cloned().collect();
    assert_eq!(statements.len(), 1, "{text:?}");
    statements.into_iter().next().unwrap()
}

fn errors(text: &str) -> Vec<(crate::diagnostic::Code, String)> {
    let source = SourceFile::new("test.policy", text);
    let (_, diagnostics) = parse(&source);
    diagnostics
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

fn name(text: &str) -> Name {
    Name {
        text: text.into(),
        span: Span::default(),
    }
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn durations_in_every_unit() {
    let cases = [
        ("after 15 days stop", 15, Unit::Days),
        ("after 1 day stop", 1, Unit::Days),
        ("after 10 business days stop", 10, Unit::BusinessDays),
        ("after 1 business day stop", 1, Unit::BusinessDays),
        ("after 2 weeks stop", 2, Unit::Weeks),
        ("after 1 week stop", 1, Unit::Weeks),
        ("after 3 months stop", 3, Unit::Months),
        ("after 1 month stop", 1, Unit::Months),
        ("AFTER 5 Days STOP", 5, Unit::Days),
    ];
    for (text, count, unit) in cases {
        let timing = one_statement(text).timing.unwrap();
        assert_eq!(
            (timing.duration.count.value, timing.duration.unit),
            (count, unit),
            "{text}"
        );
        assert_eq!(timing.anchor, None);
    }
}

#[test]
fn anchors() {
    for (text, anchor) in [
        ("after 5 days from due stop", "due"),
        ("after 5 days from issue stop", "issue"),
        ("after 8 days from relance_1 stop", "relance_1"),
        ("after 8 days from mise_en_demeure stop", "mise_en_demeure"),
    ] {
        let timing = one_statement(text).timing.unwrap();
        assert_eq!(timing.anchor, Some(name(anchor)), "{text}");
    }
}

#[test]
fn send_with_channels_and_recipients_in_any_order() {
    let expected = ActionKind::Send {
        template: name("mise_en_demeure"),
        channels: Some(NameList {
            names: vec![name("recommandé"), name("email")],
            span: Span::default(),
        }),
        recipients: Some(NameList {
            names: vec![name("debtor"), name("guarantor")],
            span: Span::default(),
        }),
        statement: None,
    };
    for text in [
        "send mise_en_demeure by recommandé, email to debtor, guarantor",
        "send mise_en_demeure to debtor, guarantor by recommandé, email",
        "send mise_en_demeure by recommandé ,email to debtor ,guarantor",
    ] {
        assert_eq!(one_statement(text).action.kind, expected, "{text}");
    }
    let bare = one_statement("send relance_1").action.kind;
    assert_eq!(
        bare,
        ActionKind::Send {
            template: name("relance_1"),
            channels: None,
            recipients: None,
            statement: None,
        }
    );
}

#[test]
fn every_action() {
    let cases = [
        ("call", ActionKind::Call { recipient: None }),
        (
            "call guarantor",
            ActionKind::Call {
                recipient: Some(name("guarantor")),
            },
        ),
        ("stop", ActionKind::Stop),
        (
            "route tribunal_arrondissement",
            ActionKind::Route {
                destination: name("tribunal_arrondissement"),
                procedure: None,
            },
        ),
        (
            "route justice_de_paix with ordonnance_de_paiement",
            ActionKind::Route {
                destination: name("justice_de_paix"),
                procedure: Some(name("ordonnance_de_paiement")),
            },
        ),
    ];
    for (text, kind) in cases {
        assert_eq!(one_statement(text).action.kind, kind, "{text}");
    }
}

#[test]
fn charges() {
    let money = |n: &str, cur: Option<&str>| {
        ChargeValue::Money(Money {
            number: Number {
                value: dec(n),
                span: Span::default(),
            },
            currency: cur.map(name),
            span: Span::default(),
        })
    };
    let cases = [
        (
            "charge indemnity 40 EUR",
            "indemnity",
            money("40", Some("EUR")),
        ),
        ("charge fee 15.50", "fee", money("15.50", None)),
        (
            "charge interest 8%",
            "interest",
            ChargeValue::Rate {
                number: Number {
                    value: dec("8"),
                    span: Span::default(),
                },
                span: Span::default(),
                min: None,
                max: None,
            },
        ),
        (
            "charge interest 10.5 %",
            "interest",
            ChargeValue::Rate {
                number: Number {
                    value: dec("10.5"),
                    span: Span::default(),
                },
                span: Span::default(),
                min: None,
                max: None,
            },
        ),
        (
            "charge interest statutory",
            "interest",
            ChargeValue::Statutory(Span::default()),
        ),
        (
            "charge indemnity 10% min 25 EUR max 500",
            "indemnity",
            ChargeValue::Rate {
                number: Number {
                    value: dec("10"),
                    span: Span::default(),
                },
                span: Span::default(),
                min: Some(Money {
                    number: Number {
                        value: dec("25"),
                        span: Span::default(),
                    },
                    currency: Some(name("EUR")),
                    span: Span::default(),
                }),
                max: Some(Money {
                    number: Number {
                        value: dec("500"),
                        span: Span::default(),
                    },
                    currency: None,
                    span: Span::default(),
                }),
            },
        ),
    ];
    for (text, kind, value) in cases {
        assert_eq!(
            one_statement(text).action.kind,
            ActionKind::Charge {
                kind: name(kind),
                value
            },
            "{text}"
        );
    }
}

#[test]
fn amounts_are_exact_decimals() {
    let statement = one_statement("if amount >= 15000.10 stop");
    let Some(Expr::Compare { value, .. }) = statement.condition else {
        panic!("a comparison")
    };
    assert_eq!(value.number.value, dec("15000.10"));
    assert_eq!(value.number.value.to_string(), "15000.10");
}

#[test]
fn conditions_with_precedence_and_parentheses() {
    let statement = one_statement(
        "if amount >= 15000 EUR and not guaranteed or (b2c and days_late > 30 days) stop",
    );
    let Some(Expr::Or(parts, _)) = statement.condition else {
        panic!("or at the top")
    };
    assert_eq!(parts.len(), 2);
    let Expr::And(left, _) = &parts[0] else {
        panic!("and binds tighter")
    };
    assert!(
        matches!(&left[1], Expr::Not(inner, _) if matches!(**inner, Expr::Flag(ref n) if n.text == "guaranteed"))
    );
    let Expr::Group(inner, _) = &parts[1] else {
        panic!("group kept")
    };
    assert!(matches!(**inner, Expr::And(..)));
}

#[test]
fn every_comparison_operator() {
    for (op, expected) in [
        ("<", CmpOp::Lt),
        ("<=", CmpOp::Le),
        (">", CmpOp::Gt),
        (">=", CmpOp::Ge),
        ("=", CmpOp::Eq),
        ("!=", CmpOp::Ne),
    ] {
        let statement = one_statement(&format!("if total {op} 5 stop"));
        assert!(
            matches!(statement.condition, Some(Expr::Compare { op, .. }) if op == expected),
            "{op}"
        );
    }
}

#[test]
fn headers() {
    let policy = parse_ok(
        "policy \"Recouvrement \\\"B2B\\\"\"\njurisdiction LU\ncurrency EUR\napplies to b2b, b2c\n\
         templates \"templates/lu\"\nlimit 4 contacts per 30 days\nminimum 25 EUR\n\
         destination cabinet_martin is lawyer\nstop\n",
    );
    let kinds: Vec<HeaderKind> = policy.headers().map(|h| h.kind.clone()).collect();
    assert_eq!(kinds.len(), 8);
    assert!(matches!(&kinds[0], HeaderKind::Policy(s) if s.value == "Recouvrement \"B2B\""));
    assert!(matches!(&kinds[1], HeaderKind::Jurisdiction(n) if n.text == "LU"));
    assert!(
        matches!(&kinds[3], HeaderKind::AppliesTo { kinds: l, countries: None } if l.names.len() == 2)
    );
    assert!(
        matches!(&kinds[5], HeaderKind::Limit { count, window } if count.value == 4 && window.count.value == 30)
    );
    assert!(
        matches!(&kinds[7], HeaderKind::Destination { name, kind } if name.text == "cabinet_martin" && kind.text == "lawyer")
    );
}

#[test]
fn allow_items() {
    let policy = parse_ok(
        "allow notice_period because \"avis de Me Dupont, 3 mars 2026\"\nafter 50 days route x",
    );
    assert!(
        matches!(&policy.items[0], Item::Allow(a) if a.rule.text == "notice_period" && a.reason.value.starts_with("avis"))
    );
    let policy = parse_ok("allow policy::notice_period because \"x\"\nstop");
    assert!(matches!(&policy.items[0], Item::Allow(a) if a.rule.text == "policy::notice_period"));
}

#[test]
fn one_line_form_equals_multi_line_form() {
    let one = parse_ok(
        "after 15 days send relance_1; after 45 days send mise_en_demeure by recommandé; if amount >= 15000 route tribunal_arrondissement",
    );
    let many = parse_ok(
        "after 15 days send relance_1\nafter 45 days send mise_en_demeure by recommandé\nif amount >= 15000 route tribunal_arrondissement\n",
    );
    assert_eq!(one, many);
    assert_eq!(one.statements().count(), 3);
}

#[test]
fn comments_blank_lines_crlf_and_trailing_semicolons() {
    let policy =
        parse_ok("# title\r\n\r\nafter 15 days send relance_1 # first reminder\r\nstop;\r\n;;\n");
    assert_eq!(policy.statements().count(), 2);
    let texts: Vec<&str> = policy.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, [" title", " first reminder"]);
}

#[test]
fn accented_names_are_nfc() {
    // `recommandé` typed with a combining accent (as macOS saves it)
    let statement = one_statement("send créance by recommande\u{301}");
    let ActionKind::Send {
        template, channels, ..
    } = statement.action.kind
    else {
        panic!("send")
    };
    assert_eq!(template.text, "créance");
    assert_eq!(channels.unwrap().names[0].text, "recommandé");
}

#[test]
fn spans_point_at_the_source() {
    let text = "after 15 days send relance_1";
    let statement = one_statement(text);
    let ActionKind::Send { template, .. } = statement.action.kind else {
        panic!("send")
    };
    assert_eq!(&text[template.span.start..template.span.end], "relance_1");
    let second = parse_ok("stop\nsend relance_2");
    let Item::Statement(s) = &second.items[1] else {
        panic!()
    };
    assert_eq!(s.span.start, 5);
}

#[test]
fn keywords_are_not_names() {
    assert_eq!(errors("send stop")[0].0, crate::diagnostic::Code::Syntax);
    assert_eq!(errors("route with")[0].0, crate::diagnostic::Code::Syntax);
}

#[test]
fn each_bad_line_is_reported() {
    let found = errors("after 15 dys send a\nsned b\nafter 3 days send c bye email\npolicy \"x");
    let codes: Vec<_> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "policy::syntax",
            "policy::unknown_keyword",
            "policy::syntax",
            "policy::unterminated_string"
        ]
    );
}

#[test]
fn nesting_guard_refuses_before_recursing() {
    let deep = format!("if {}b2b{} stop", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(errors(&deep)[0].0, crate::diagnostic::Code::NestingTooDeep);
    let fine = format!("if {}b2b{} stop", "(".repeat(20), ")".repeat(20));
    assert!(errors(&fine).is_empty());
}

#[test]
fn numbers_too_large_are_reported_not_panicked() {
    assert_eq!(
        errors("after 99999999999 days stop")[0].0,
        crate::diagnostic::Code::NumberTooLarge
    );
    assert_eq!(
        errors("if amount > 99999999999999999999999999999999 stop")[0].0,
        crate::diagnostic::Code::NumberTooLarge
    );
}

/// The help of the first diagnostic of `text`.
fn first_help(text: &str) -> String {
    let source = SourceFile::new("test.policy", text);
    let (_, diagnostics) = parse(&source);
    diagnostics
        .iter()
        .next()
        .and_then(|d| d.help.clone())
        .unwrap_or_default()
}

/// Field report: near-miss words guide to the right one.
#[test]
fn near_misses_are_named() {
    assert!(
        first_help("after 15 days send relance_1 by e-mail\n").contains("did you mean `email`?"),
        "{}",
        first_help("after 15 days send relance_1 by e-mail\n")
    );
    // `if country = LU` parses (a field compared with a word); the
    // compiler guides it (plan/tests.rs).
    assert!(first_help("after 15 days if country = LU send relance_1\n").is_empty());
}
