//! Layout rules, one row each: input → canonical text. Every row is also
//! checked to be a fixed point (formatting the output changes nothing).

use super::*;

fn fmt(text: &str) -> String {
    let source = SourceFile::new("test.policy", text);
    match format_source(&source) {
        Ok(text) => text,
        Err(FormatError::Syntax(d)) => panic!(
            "{text:?} does not parse: {:?}",
            d.iter().map(|d| &d.message).collect::<Vec<_>>()
        ),
        Err(FormatError::ChangedMeaning(d)) => panic!("{text:?}: {}", d.message),
    }
}

#[track_caller]
fn check(cases: &[(&str, &str)]) {
    for (input, expected) in cases {
        let once = fmt(input);
        assert_eq!(once, *expected, "formatting {input:?}");
        assert_eq!(fmt(&once), once, "formatting {input:?} twice");
    }
}

#[test]
fn keywords_lower_case_single_spaces() {
    check(&[
        (
            "AFTER  15   Days SEND relance_1",
            "after 15 days send relance_1\n",
        ),
        (
            "\t after 10 Business   Days send x",
            "after 10 business days send x\n",
        ),
        (
            "If amount>=15000 Route tribunal",
            "if amount >= 15000 route tribunal\n",
        ),
        ("STOP", "stop\n"),
        ("call   Guarantor", "call guarantor\n"),
        ("Call", "call\n"),
    ]);
}

#[test]
fn one_line_policies_become_one_statement_per_line() {
    check(&[
        (
            "after 15 days send relance_1; after 45 days send mise_en_demeure by recommandé; if amount >= 15000 route tribunal_arrondissement",
            "after 15 days send relance_1\n\
         after 45 days send mise_en_demeure by recommandé\n\
         if amount >= 15000 route tribunal_arrondissement\n",
        ),
        (
            "policy \"x\";jurisdiction fr;;after 1 day stop;",
            "policy \"x\"\njurisdiction FR\nafter 1 day stop\n",
        ),
    ]);
}

#[test]
fn closed_words_take_their_canonical_spelling() {
    check(&[
        ("jurisdiction lu", "jurisdiction LU\n"),
        ("currency eur", "currency EUR\n"),
        ("applies to B2B, B2c", "applies to b2b, b2c\n"),
        (
            "send x by Recommande,EMAIL to Debtor,GUARANTOR",
            "send x by recommandé, email to debtor, guarantor\n",
        ),
        (
            "destination martin is Lawyer",
            "destination martin is lawyer\n",
        ),
        ("charge INDEMNITY 40 eur", "charge indemnity 40 EUR\n"),
        ("charge Interest Statutory", "charge interest statutory\n"),
        (
            "if Amount >= 15000 EUR and GUARANTEED stop",
            "if amount >= 15000 EUR and guaranteed stop\n",
        ),
        ("after 8 days from DUE stop", "after 8 days from due stop\n"),
        (
            "after 8 days from Issue stop",
            "after 8 days from issue stop\n",
        ),
    ]);
}

#[test]
fn unknown_words_stay_as_written() {
    // Semantic errors do not block formatting; the checker reports them.
    check(&[
        ("send x by Fax", "send x by Fax\n"),
        ("jurisdiction De", "jurisdiction De\n"),
        ("currency Eux", "currency Eux\n"),
        ("if Amont > 3 stop", "if Amont > 3 stop\n"),
        ("send Relance_1", "send Relance_1\n"),
        (
            "route Tribunal With Injonction",
            "route Tribunal with Injonction\n",
        ),
        (
            "after 8 days from Relance_1 stop",
            "after 8 days from Relance_1 stop\n",
        ),
    ]);
}

#[test]
fn by_comes_before_to() {
    check(&[(
        "send mise_en_demeure to debtor, guarantor by recommandé",
        "send mise_en_demeure by recommandé to debtor, guarantor\n",
    )]);
}

#[test]
fn durations_agree_in_number() {
    check(&[
        ("after 1 days stop", "after 1 day stop\n"),
        ("after 2 day stop", "after 2 days stop\n"),
        ("after 1 business days stop", "after 1 business day stop\n"),
        ("after 3 week stop", "after 3 weeks stop\n"),
        ("after 1 months stop", "after 1 month stop\n"),
        (
            "limit 1 contacts per 1 weeks",
            "limit 1 contact per 1 week\n",
        ),
        (
            "limit 4 contact per 30 day",
            "limit 4 contacts per 30 days\n",
        ),
        (
            "if days_late > 1 weeks stop",
            "if days_late > 1 week stop\n",
        ),
        (
            "if days_late > 30 day stop",
            "if days_late > 30 days stop\n",
        ),
    ]);
}

#[test]
fn numbers_stay_as_written() {
    check(&[
        ("minimum 15000.50 EUR", "minimum 15000.50 EUR\n"),
        ("if amount >= 15000.00 stop", "if amount >= 15000.00 stop\n"),
        ("charge interest 8.50 %", "charge interest 8.50%\n"),
        ("after 015 days stop", "after 015 days stop\n"),
    ]);
}

#[test]
fn strings_are_requoted() {
    check(&[
        (
            r#"policy   "Recouvrement \"B2B\"""#,
            "policy \"Recouvrement \\\"B2B\\\"\"\n",
        ),
        (r#"templates "C:\lettres""#, "templates \"C:\\\\lettres\"\n"),
        (
            r#"policy "a # not a comment; nor a separator""#,
            "policy \"a # not a comment; nor a separator\"\n",
        ),
    ]);
}

#[test]
fn written_parentheses_are_kept_and_none_added() {
    check(&[
        (
            "if ( amount>1 or total>2 ) and not(b2b) stop",
            "if (amount > 1 or total > 2) and not (b2b) stop\n",
        ),
        (
            "if amount > 1 or total > 2 and b2b stop",
            "if amount > 1 or total > 2 and b2b stop\n",
        ),
        ("if not not ((b2c)) stop", "if not not ((b2c)) stop\n"),
    ]);
}

#[test]
fn comments_stay_where_they_were_verbatim() {
    check(&[
        ("# intro\nstop", "# intro\nstop\n"),
        ("#no space kept\nstop", "#no space kept\nstop\n"),
        ("## section ##   \nstop", "## section ##\nstop\n"),
        ("stop # why", "stop  # why\n"),
        ("stop\t\t#why", "stop  #why\n"),
        ("   # indented\nstop", "# indented\nstop\n"),
        (
            "after 1 day send a; after 2 days send b # both",
            "after 1 day send a\nafter 2 days send b  # both\n",
        ),
        ("stop; # after a separator", "stop  # after a separator\n"),
        ("#", "#\n"),
    ]);
}

#[test]
fn blank_lines_collapse_and_the_file_ends_with_one_newline() {
    check(&[
        ("\n\n\nstop\n\n\n\ncall\n\n\n", "stop\n\ncall\n"),
        ("stop", "stop\n"),
        ("stop\r\n\r\ncall\r\n", "stop\n\ncall\n"),
        ("  ;  \nstop\n  \t \n;\ncall", "stop\n\ncall\n"),
        ("", ""),
        ("\n \n", ""),
    ]);
}

#[test]
fn any_whitespace_becomes_single_spaces() {
    check(&[
        ("\u{FEFF}after 15 days stop", "after 15 days stop\n"),
        ("after\u{A0}15\tdays \u{A0} stop", "after 15 days stop\n"),
        (
            "after 2 business\t\tdays stop",
            "after 2 business days stop\n",
        ),
    ]);
}

#[test]
fn allow_stays_directly_above_its_statement() {
    check(&[
        (
            "allow notice_period because \"avis du 3 mai\"\n\n\nafter 1 day send x",
            "allow notice_period because \"avis du 3 mai\"\nafter 1 day send x\n",
        ),
        (
            "allow notice_period because \"r\"; after 1 day send x",
            "allow notice_period because \"r\"\nafter 1 day send x\n",
        ),
        (
            "allow notice_period because \"r\"\n\n# why\n\nafter 1 day send x",
            "allow notice_period because \"r\"\n# why\nafter 1 day send x\n",
        ),
    ]);
}

#[test]
fn headers_keep_their_order() {
    check(&[(
        "templates \"t\"\npolicy \"p\"\n\njurisdiction BE\nafter 1 day stop",
        "templates \"t\"\npolicy \"p\"\n\njurisdiction BE\nafter 1 day stop\n",
    )]);
}

#[test]
fn the_language_example_is_a_fixed_point() {
    let example = "\
# Recouvrement B2B — Luxembourg
policy \"Recouvrement B2B Luxembourg\"
jurisdiction LU
currency EUR
applies to b2b
templates \"templates/lu\"

after 15 days send relance_1 by email
after 30 days send relance_2 by email, courrier
after 38 days call debtor
after 45 days send mise_en_demeure by recommandé to debtor, guarantor
charge indemnity 40 EUR
after 60 days if amount < 15000 route justice_de_paix with ordonnance_de_paiement
after 60 days if amount >= 15000 route tribunal_arrondissement with ordonnance_de_paiement
";
    assert_eq!(fmt(example), example);
}

#[test]
fn syntax_errors_block_formatting() {
    for text in [
        "after quinze days stop",
        "stop\nsned x",
        "policy \"open",
        "send x by email by sms",
    ] {
        let source = SourceFile::new("bad.policy", text);
        match format_source(&source) {
            Err(FormatError::Syntax(d)) => assert!(!d.is_empty(), "{text:?}"),
            other => panic!("{text:?} should be refused, got {other:?}"),
        }
    }
}

#[test]
fn a_meaning_change_is_caught() {
    // Simulate a printer bug: verify an original against a text that
    // differs in meaning, and in comments.
    let source = SourceFile::new("x.policy", "after 15 days send a # c\n");
    let (policy, _) = syntax::parse(&source);
    let err = verify(&source, &policy, "after 16 days send a # c\n");
    let diagnostic = err.expect_err("a different plan");
    assert_eq!(diagnostic.code, Code::FormatChangedMeaning);
    assert!(
        diagnostic.message.contains("plan"),
        "{}",
        diagnostic.message
    );
    assert_eq!(diagnostic.labels.len(), 1, "points at the statement");

    let err = verify(&source, &policy, "after 15 days send a # d\n");
    assert!(
        err.expect_err("a different comment")
            .message
            .contains("comment")
    );

    let err = verify(&source, &policy, "after 15 days sned a\n");
    assert!(err.expect_err("unparsable").message.contains("parse"));
}
