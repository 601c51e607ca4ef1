//! Every analysis and legal rule has fixtures under `tests/fixtures/law/RULE/`:
//! `trigger*.policy` must report the rule, `clean*.policy` must report
//! nothing at all. The rendered diagnostics are snapshots, so a change in
//! wording is reviewed like code. `clean/` holds complete policies written
//! the normal way for each jurisdiction: they must pass clean.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // a failing test panics

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use policy::check::{ANALYSIS_CODES, SILENCEABLE, check_source};
use policy::diagnostic::Code;
use policy::diagnostic::render::{self, Style};
use policy::source::SourceFile;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/law");

/// The codes this suite covers: every rule an `allow` can silence, and the
/// two diagnostics about `allow` itself.
fn rules() -> Vec<Code> {
    SILENCEABLE.iter().chain(ANALYSIS_CODES).copied().collect()
}

fn short(code: Code) -> &'static str {
    code.as_str().trim_start_matches("policy::")
}

/// Checks a fixture; returns its rendered diagnostics and their codes.
fn check(path: &Path) -> (String, Vec<Code>) {
    let text = std::fs::read_to_string(path).expect("fixture");
    let name = path
        .strip_prefix(FIXTURES)
        .unwrap_or(path)
        .display()
        .to_string();
    let source = SourceFile::new(name, text);
    let checked = check_source(&source, path.parent().unwrap_or(Path::new(".")));
    let rendered = if checked.diagnostics.is_empty() {
        "no problems\n".to_string()
    } else {
        render::human_all(&checked.diagnostics, Style::plain())
    };
    let codes = checked.diagnostics.iter().map(|d| d.code).collect();
    (rendered, codes)
}

#[test]
fn fixtures_trigger_their_rule_or_pass_clean() {
    insta::glob!("fixtures/law/*/*.policy", |path| {
        let (rendered, codes) = check(path);
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let dir = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or("");
        if stem.starts_with("clean") || dir == "clean" {
            assert!(
                codes.is_empty(),
                "{dir}/{stem} should pass clean:\n{rendered}"
            );
        } else {
            let code = Code::parse(dir).unwrap_or_else(|| panic!("{dir} is not a code"));
            assert!(
                codes.contains(&code),
                "{dir}/{stem} should report {code}:\n{rendered}"
            );
        }
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn every_rule_has_a_trigger_and_a_clean_fixture() {
    let mut missing = BTreeSet::new();
    for code in rules() {
        if code == Code::AnalysisLimit {
            continue; // generated below: a fixture would be 800 lines
        }
        let dir = Path::new(FIXTURES).join(short(code));
        let names: Vec<String> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        for kind in ["trigger", "clean"] {
            if !names.iter().any(|n| n.starts_with(kind)) {
                missing.insert(format!("{}/{kind}*.policy", short(code)));
            }
        }
    }
    assert!(missing.is_empty(), "missing fixtures: {missing:?}");
}

#[test]
fn too_many_routes_on_one_day_are_reported_not_slow() {
    let mut text = String::from(
        "jurisdiction LU\napplies to b2b\nafter 45 days send mise_en_demeure by recommandé to debtor, guarantor\n",
    );
    for i in 0..1000 {
        text.push_str(&format!(
            "after 67 days if amount > {i} and amount <= {} route justice_de_paix\n",
            i + 1
        ));
    }
    let source = SourceFile::new("many-routes.policy", text);
    let checked = check_source(&source, Path::new("."));
    let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec![Code::AnalysisLimit]);
    let message = &checked.diagnostics.iter().next().expect("one").message;
    insta::assert_snapshot!(message, @"1000 routes on this day are too many to compare exactly");
}

#[test]
fn clean_policies_pass_the_command_line() {
    Command::cargo_bin("policy")
        .expect("binary")
        .env("NO_COLOR", "1")
        .args(["check", "--deny-warnings"])
        .arg(Path::new(FIXTURES).join("clean"))
        .assert()
        .success()
        .stderr(predicates::str::contains("checked 7 files: no problems"));
}

#[test]
fn a_legal_error_fails_the_command_line() {
    Command::cargo_bin("policy")
        .expect("binary")
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(Path::new(FIXTURES).join("court_competence/trigger-lu.policy"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("policy::court_competence"));
}

#[test]
fn explain_shows_what_an_allow_silenced_and_why() {
    let assert = Command::cargo_bin("policy")
        .expect("binary")
        .env("NO_COLOR", "1")
        .arg("explain")
        .arg(Path::new(FIXTURES).join("silenced/trigger.policy"))
        .assert()
        .success();
    let output = assert.get_output();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains("`court_competence` allowed because \"avis de Me Dupont"));
    assert!(stderr.contains("policy::silenced"));
    assert!(stderr.contains("silenced error: the justice de paix cannot hear"));
}
