#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 17 point 6: a policy's templates folder stays inside the policy's
//! repository (its folder, or `--templates-root`), links included: `check`
//! reports an escape, `run` refuses it and writes nothing.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

const POLICY: &str = "policy \"SMS\"\njurisdiction LU\ncurrency EUR\napplies to b2b\n";

fn policy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1").current_dir(dir);
    cmd
}

/// `repo/p.policy` using the templates folder `folder`, and a folder
/// `outside/` beside `repo/` with a template `help.txt`.
fn setup(dir: &Path, folder: &str) {
    std::fs::create_dir_all(dir.join("repo")).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::write(dir.join("outside/help.txt"), "secret of the system\n").unwrap();
    std::fs::write(
        dir.join("repo/p.policy"),
        format!("{POLICY}templates \"{folder}\"\nafter 5 days send help by sms\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("repo/debtors.csv"),
        "id,name,kind,country,email,address,phone\nD1,Acme SA,b2b,LU,a@b.lu,\"1 rue X\",+352 1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("repo/ledger.csv"),
        "date,type,invoice,debtor,amount,due\n2026-10-01,invoice,F-1,D1,100.00,2026-10-31\n",
    )
    .unwrap();
}

fn run(dir: &Path) -> assert_cmd::assert::Assert {
    policy(&dir.join("repo"))
        .args([
            "run",
            "p.policy",
            "--accept-stale",
            "--ledger",
            "ledger.csv",
            "--as-of",
            "2026-11-23",
        ])
        .args(["--journal", "j.jsonl", "--outbox", "out"])
        .assert()
}

fn nothing_written(dir: &Path) {
    assert!(!dir.join("repo/out").exists());
    assert!(!dir.join("repo/j.jsonl").exists());
}

#[test]
fn a_templates_folder_above_the_policy_is_an_error() {
    for folder in ["../outside", "../../../../../../../../usr/share/gnupg"] {
        let dir = tempfile::tempdir().unwrap();
        setup(dir.path(), folder);
        policy(&dir.path().join("repo"))
            .args(["check", "p.policy"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("policy::templates_outside"))
            .stderr(predicate::str::contains(format!("templates \"{folder}\"")));
        run(dir.path())
            .code(1)
            .stderr(predicate::str::contains("policy::templates_outside"));
        nothing_written(dir.path());
    }
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_repository_is_an_error_whether_folder_or_file() {
    // The folder is a link.
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), "templates");
    std::os::unix::fs::symlink(
        dir.path().join("outside"),
        dir.path().join("repo/templates"),
    )
    .unwrap();
    policy(&dir.path().join("repo"))
        .args(["check", "p.policy"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("policy::templates_outside"));
    run(dir.path())
        .code(1)
        .stderr(predicate::str::contains("policy::templates_outside"));
    nothing_written(dir.path());

    // A template in the folder is a link.
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), "templates");
    std::fs::create_dir(dir.path().join("repo/templates")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("outside/help.txt"),
        dir.path().join("repo/templates/help.txt"),
    )
    .unwrap();
    policy(&dir.path().join("repo"))
        .args(["check", "p.policy"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("policy::templates_outside"))
        .stderr(predicate::str::contains("help.txt"));
    run(dir.path())
        .code(1)
        .stderr(predicate::str::contains("policy::templates_outside"));
    nothing_written(dir.path());

    // A link that stays inside the repository is fine.
    std::fs::remove_file(dir.path().join("repo/templates/help.txt")).unwrap();
    std::fs::create_dir(dir.path().join("repo/common")).unwrap();
    std::fs::write(
        dir.path().join("repo/common/help.txt"),
        "Merci de nous rappeler.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        "../common/help.txt",
        dir.path().join("repo/templates/help.txt"),
    )
    .unwrap();
    policy(&dir.path().join("repo"))
        .args(["check", "p.policy"])
        .assert()
        .code(0);
}

#[test]
fn templates_root_widens_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), "../outside");
    policy(&dir.path().join("repo"))
        .args(["check", "p.policy", "--templates-root", ".."])
        .assert()
        .code(0);
    policy(&dir.path().join("repo"))
        .args(["explain", "p.policy", "--templates-root", ".."])
        .assert()
        .code(0);
    run(dir.path()).code(1);
    policy(&dir.path().join("repo"))
        .args([
            "run",
            "p.policy",
            "--accept-stale",
            "--ledger",
            "ledger.csv",
            "--as-of",
            "2026-11-23",
        ])
        .args([
            "--journal",
            "j.jsonl",
            "--outbox",
            "out",
            "--templates-root",
            "..",
        ])
        .assert()
        .code(0);
    // A root that does not hold the policy's templates still refuses them.
    policy(&dir.path().join("repo"))
        .args(["check", "p.policy", "--templates-root", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("policy::templates_outside"));
}
