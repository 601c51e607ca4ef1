#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `policy check` on the corpus of bad policies: every file gets its
//! diagnostics rendered for people and as JSON, and both are snapshotted.
//! Also the example policies in `policies/`, which must stay clean.

use std::path::Path;

use policy::check::check_source;
use policy::diagnostic::render::{self, Style};
use policy::diagnostic::{Diagnostics, Severity};
use policy::load;

/// Checks a fixture as `policy check` would, naming it relative to the
/// fixtures folder so that snapshots do not depend on where the repo lives.
fn check_fixture(path: &Path) -> Diagnostics {
    let bytes = std::fs::read(path).unwrap();
    let name = format!("bad/{}", path.file_name().unwrap().to_string_lossy());
    match load::text_source(name, bytes) {
        Ok(source) => check_source(&source, path.parent().unwrap()).diagnostics,
        Err(d) => vec![d].into(),
    }
}

#[test]
fn bad_policies() {
    insta::glob!("fixtures/bad/*.policy", |path| {
        let diagnostics = check_fixture(path);
        assert!(
            !diagnostics.is_empty(),
            "{} should have diagnostics",
            path.display()
        );
        let human = render::human_all(&diagnostics, Style::plain());
        insta::assert_snapshot!("human", human);
        insta::assert_snapshot!("json", render::json(&diagnostics));
    });
}

#[test]
fn every_bad_policy_but_warnings_only_ones_is_an_error() {
    let warnings_only = ["duplicate_item.policy"];
    for entry in std::fs::read_dir("tests/fixtures/bad").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "policy") {
            continue;
        }
        let diagnostics = check_fixture(&path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if warnings_only.contains(&name.as_str()) {
            assert!(!diagnostics.has_errors(), "{name}");
            assert!(diagnostics.count(Severity::Warning) > 0, "{name}");
        } else {
            assert!(diagnostics.has_errors(), "{name} should have an error");
        }
    }
}

#[test]
fn example_policies_are_clean() {
    let files = load::policy_files(&["policies".into()]).unwrap();
    assert!(files.len() >= 3, "lu-b2b, be-b2c, fr-b2b");
    for file in files {
        let source = load::read_policy(&file).unwrap();
        let checked = check_source(&source, file.parent().unwrap());
        let rendered = render::human_all(&checked.diagnostics, Style::plain());
        assert!(
            checked.diagnostics.is_empty(),
            "{}:\n{rendered}",
            file.display()
        );
        assert!(checked.plan.is_some());
    }
}

#[test]
fn every_code_is_documented() {
    let docs = std::fs::read_to_string("docs/diagnostics.md").unwrap();
    for code in policy::diagnostic::Code::ALL {
        assert!(
            docs.contains(&format!("`{}`", code.as_str())),
            "{} is not documented in docs/diagnostics.md",
            code.as_str()
        );
    }
}

/// The exit a code's documentation states (`*error, exit 2*`) is the one
/// its class gives: the exit codes are decided in one place and the docs
/// say the same.
#[test]
fn documented_exits_match_the_codes_classes() {
    use policy::diagnostic::{Class, Code};
    let docs = std::fs::read_to_string("docs/diagnostics.md").unwrap();
    let mut checked = 0;
    for code in Code::ALL {
        let Some(at) = docs.find(&format!("### `{}`", code.as_str())) else {
            continue;
        };
        // The statement of the exit opens the entry, before the next one.
        let rest = &docs[at + 4..];
        let end = rest.find("\n### ").unwrap_or(rest.len());
        let entry: String = rest[..end].chars().take(400).collect();
        let stated = if entry.contains("exit 2") {
            Class::Failure
        } else if entry.contains("exit 1") {
            Class::Finding
        } else {
            continue;
        };
        checked += 1;
        assert_eq!(code.class(), stated, "{}", code.as_str());
    }
    assert!(checked >= 20, "only {checked} entries state their exit");
}

/// Field report, point 10: a template syntax error is found by `policy
/// check`, with the template's file, line and column, not by the next run.
#[test]
fn check_compiles_the_templates_the_policy_uses() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("relance_1.txt"),
        "Objet : Rappel\n\nMadame, Monsieur,\n{% if total > 0 %}Total : {{ total }}\n",
    )
    .unwrap();
    // A Markdown file is not a template: `send relance_2` does not find one.
    std::fs::write(templates.join("relance_2.md"), "# Rappel\n").unwrap();
    std::fs::write(
        dir.path().join("p.policy"),
        "jurisdiction LU\ntemplates \"templates\"\nafter 15 days send relance_1 by email\nafter 30 days send relance_2 by email\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("policy")
        .unwrap()
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args(["check", "p.policy", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let template = diagnostics
        .iter()
        .find(|d| d["code"] == "policy::template_error")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(
        template["file"]
            .as_str()
            .unwrap()
            .ends_with("relance_1.txt"),
        "{template}"
    );
    assert_eq!(template["line"], 4, "{template}");
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "policy::unknown_template")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(
        unknown["help"].as_str().unwrap().contains("relance_2.md"),
        "{unknown}"
    );
}
