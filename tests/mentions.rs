//! Mandatory mentions, checked (issue 13, point 15): `policy check` renders
//! every template a policy sends on a sample debtor and reports a mention
//! the jurisdiction requires that the letter lacks, in the template's file,
//! with the text to add. The shipped letters have every mention; each test
//! below removes one from a copy and sees it reported.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of a shipped policy and its templates folder, in a temporary
/// folder, with `edit` applied to one template.
fn copy(
    policy: &str,
    folder: &str,
    template: &str,
    edit: impl Fn(&str) -> String,
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("policies");
    std::fs::copy(from.join(policy), dir.path().join(policy)).unwrap();
    let target = dir.path().join("templates").join(folder);
    std::fs::create_dir_all(&target).unwrap();
    for entry in std::fs::read_dir(from.join("templates").join(folder)).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if path.is_dir() {
            // A language's folder (`nl/`, `de/`), copied as it is.
            std::fs::create_dir_all(target.join(&name)).unwrap();
            for file in std::fs::read_dir(&path).unwrap() {
                let file = file.unwrap().path();
                std::fs::copy(&file, target.join(&name).join(file.file_name().unwrap())).unwrap();
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let text = if name == template { edit(&text) } else { text };
        std::fs::write(target.join(name), text).unwrap();
    }
    dir
}

fn check(dir: &Path, policy: &str) -> (i32, String) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["check", policy])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stderr = stderr
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    (out.status.code().unwrap(), stderr)
}

fn replaced(from: &'static str, to: &'static str) -> impl Fn(&str) -> String {
    move |text: &str| {
        assert!(text.contains(from), "the shipped template has {from:?}");
        text.replace(from, to)
    }
}

#[test]
fn every_shipped_letter_has_its_mentions() {
    for (policy, folder) in [
        ("be-b2c.policy", "be"),
        ("fr-b2b.policy", "fr"),
        ("lu-b2b.policy", "lu"),
    ] {
        let dir = copy(policy, folder, "", |t| t.to_string());
        let (code, stderr) = check(dir.path(), policy);
        assert_eq!(code, 0, "{policy}: {stderr}");
        assert!(!stderr.contains("missing_mention"), "{policy}: {stderr}");
    }
}

#[test]
fn the_free_reminder_must_give_the_end_of_its_fourteen_days() {
    let dir = copy(
        "be-b2c.policy",
        "be",
        "rappel_gratuit.txt",
        replaced(
            ", soit jusqu'au {{ received | add_days(13) | date }} inclus",
            "",
        ),
    );
    let (code, stderr) = check(dir.path(), "be-b2c.policy");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "the free first reminder `rappel_gratuit.txt` does not state the end date of the 14-day period"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("required by CDE art. XIX.2 §1"), "{stderr}");
    // Pointed at the letter's closing, in the template's own file.
    assert!(stderr.contains("rappel_gratuit.txt:21:1"), "{stderr}");
    assert!(stderr.contains("add it before the closing"), "{stderr}");
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["check", "be-b2c.policy"])
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stderr).unwrap());
}

#[test]
fn the_free_reminder_must_describe_the_goods_or_service() {
    let dir = copy(
        "be-b2c.policy",
        "be",
        "rappel_gratuit.txt",
        replaced(
            "{% if invoice.description %} ({{ invoice.description }}){% endif %}",
            "",
        ),
    );
    let (code, stderr) = check(dir.path(), "be-b2c.policy");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("does not state the description of the goods or the service"),
        "{stderr}"
    );
}

#[test]
fn the_free_reminder_must_announce_the_indemnity() {
    let dir = copy(
        "be-b2c.policy",
        "be",
        "rappel_gratuit.txt",
        replaced(", soit {{ indemnity_if_unpaid | money }}", ""),
    );
    let (code, stderr) = check(dir.path(), "be-b2c.policy");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr
            .contains("does not state the indemnity that will be claimed if the debt stays unpaid"),
        "{stderr}"
    );
}

#[test]
fn a_french_notice_to_a_business_states_the_penalty_rate() {
    let dir = copy(
        "fr-b2b.policy",
        "fr",
        "mise_en_demeure.html",
        replaced(
            "<p>Les intérêts de retard continuent de courir au taux des pénalités de retard prévu par l'article L441-10 du Code de commerce (taux de refinancement de la Banque centrale européenne majoré de dix points) jusqu'au complet paiement.</p>",
            "",
        ),
    );
    let (code, stderr) = check(dir.path(), "fr-b2b.policy");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the mise en demeure `mise_en_demeure.html` does not state the rate of the late-payment penalties"),
        "{stderr}"
    );
    assert!(stderr.contains("C. com. art. L441-10 II"), "{stderr}");
}

#[test]
fn a_french_notice_to_a_business_states_the_forty_euros() {
    let dir = copy(
        "fr-b2b.policy",
        "fr",
        "mise_en_demeure.html",
        replaced(
            "{% if indemnity %}<tr><td colspan=\"2\">Indemnité forfaitaire pour frais de recouvrement</td><td class=\"montant\">{{ indemnity | money }}</td></tr>{% endif %}",
            "",
        ),
    );
    let (code, stderr) = check(dir.path(), "fr-b2b.policy");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("does not state the 40 EUR recovery indemnity"),
        "{stderr}"
    );
}

#[test]
fn the_guarantors_letter_is_not_the_debtors_with_another_address() {
    let dir = copy(
        "lu-b2b.policy",
        "lu",
        "mise_en_demeure.html",
        replaced(
            "<p>En votre qualité de caution de {{ debtor.name }}, nous vous informons que celle-ci reste nous devoir les sommes détaillées ci-dessous, malgré nos relances.</p>",
            "<p>Malgré nos relances, les sommes suivantes restent dues :</p>",
        ),
    );
    let (code, stderr) = check(dir.path(), "lu-b2b.policy");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("the letter to the guarantor `mise_en_demeure.html` does not state the guarantee the guarantor gave"),
        "{stderr}"
    );
}

#[test]
fn a_french_guarantor_is_told_the_ceiling_of_the_guarantee() {
    let dir = copy(
        "fr-b2b.policy",
        "fr",
        "information_caution.html",
        replaced(
            "{% if guarantee_limit %}, dans la limite de la somme de {{ guarantee_limit | money }} prévue par l'acte de cautionnement{% endif %}",
            "",
        ),
    );
    let (code, stderr) = check(dir.path(), "fr-b2b.policy");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`information_caution.html` does not state the ceiling of the guarantee"),
        "{stderr}"
    );
    assert!(stderr.contains("C. civ. art. 2297"), "{stderr}");
}
