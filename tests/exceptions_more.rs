//! The exceptions layer, the points issue 14 left after the first pass:
//! reminders before the due date, the mandataire as a recipient, a
//! handler's route to court, acknowledgments and the limitation period,
//! the proof of claim as a task of `policy run`. Each on a small policy or
//! book written here, with the expected dates worked out in a comment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

fn policy_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(dir);
    cmd
}

/// `policy check` on a policy text: the exit code and stderr, whitespace
/// collapsed and miette's frames dropped.
fn check_text(policy: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.policy"), policy).unwrap();
    let output = policy_in(dir.path())
        .args(["check", "p.policy"])
        .output()
        .unwrap();
    (output.status.code().unwrap(), collapse(&output.stderr))
}

fn collapse(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_route_on_instalment_missed_needs_a_mise_en_demeure_reacting_to_the_miss() {
    // The regular mise en demeure (45 days after due) may not have gone
    // out when the plan was agreed: it does not cover the handler's route.
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         after 45 days send mise_en_demeure by recommandé\n\
         on instalment_missed after 23 days route tribunal_judiciaire with injonction_de_payer\n",
    );
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("policy::missing_notice"), "{text}");
    assert!(
        text.contains("this route can reach court without a mise en demeure first"),
        "{text}"
    );
    assert!(text.contains("p.policy:4:1"), "{text}");
    assert!(
        text.contains("e.g. `on instalment_missed after 8 days send mise_en_demeure by recommandé`"),
        "{text}"
    );
    // A mise en demeure 8 days after the miss, the route 23 days after it:
    // 15 days between them, short of the 15 days from the registered
    // letter's presumed receipt (up to 7 days after sending): 22 needed.
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         on instalment_missed after 8 days send mise_en_demeure by recommandé\n\
         on instalment_missed after 23 days route tribunal_judiciaire with injonction_de_payer\n",
    );
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("policy::missing_notice"), "{text}");
    assert!(text.contains("policy::notice_period"), "{text}");
    assert!(
        text.contains("this route can reach court 15 days after the mise en demeure"),
        "{text}"
    );
    // 8 + 22 = 30 days after the miss: in time, nothing to say.
    let (code, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         on instalment_missed after 8 days send mise_en_demeure by recommandé\n\
         on instalment_missed after 30 days route tribunal_judiciaire with injonction_de_payer\n",
    );
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("policy::missing_notice"), "{text}");
    assert!(!text.contains("policy::notice_period"), "{text}");
    // Timed from the handler's own mise en demeure: covered by its anchor.
    let (_, text) = check_text(
        "jurisdiction FR\napplies to b2b\n\
         on instalment_missed after 8 days send mise_en_demeure by recommandé\n\
         after 22 days from mise_en_demeure route tribunal_judiciaire with injonction_de_payer\n",
    );
    assert!(!text.contains("policy::missing_notice"), "{text}");
    assert!(!text.contains("policy::notice_period"), "{text}");
}
