//! `policy fmt`: snapshots of formatted fixtures, and the command line as a
//! legal-ops repository and its CI use it.

// Test helpers outside `#[test]` functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;
use policy::format::{FormatError, format_source};
use policy::plan;
use policy::source::SourceFile;
use policy::syntax;
use predicates::prelude::*;

fn policy() -> Command {
    let mut cmd = Command::cargo_bin("policy").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

fn format_text(name: &str, text: &str) -> String {
    match format_source(&SourceFile::new(name, text)) {
        Ok(text) => text,
        Err(FormatError::Syntax(d)) => panic!("{name} does not parse: {d:?}"),
        Err(FormatError::ChangedMeaning(d)) => panic!("{name}: {}", d.message),
    }
}

#[test]
fn formatted_fixtures() {
    insta::glob!("fixtures/fmt/*.policy", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let formatted = format_text(&name, &text);

        // Idempotent, and the same plan as the original.
        assert_eq!(format_text(&name, &formatted), formatted, "{name} twice");
        let original = SourceFile::new(&*name, text.as_str());
        let (original_ast, _) = syntax::parse(&original);
        let reformatted = SourceFile::new(&*name, formatted.as_str());
        let (reformatted_ast, _) = syntax::parse(&reformatted);
        assert_eq!(
            plan::compile(&original_ast, &original, true).0,
            plan::compile(&reformatted_ast, &reformatted, true).0,
            "{name}: same plan"
        );

        insta::assert_snapshot!(formatted);
    });
}

/// A temporary repository with the given files.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

const UNFORMATTED: &str =
    "POLICY \"x\"; jurisdiction lu\nafter 15 Days send relance_1 BY Email # vite\n";
const FORMATTED: &str =
    "policy \"x\"\njurisdiction LU\nafter 15 days send relance_1 by email  # vite\n";

#[test]
fn check_prints_a_unified_diff_and_exits_1() {
    let dir = repo(&[
        ("policies/lu.policy", UNFORMATTED),
        ("policies/fr.policy", FORMATTED),
    ]);
    let output = policy()
        .current_dir(dir.path())
        .args(["fmt", "--check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "1 file not formatted (run `policy fmt` to format), 1 file formatted",
        ))
        .get_output()
        .stdout
        .clone();
    insta::assert_snapshot!(String::from_utf8(output).unwrap(), @r#"
    --- a/policies/lu.policy
    +++ b/policies/lu.policy
    @@ -1,2 +1,3 @@
    -POLICY "x"; jurisdiction lu
    -after 15 Days send relance_1 BY Email # vite
    +policy "x"
    +jurisdiction LU
    +after 15 days send relance_1 by email  # vite
    "#);
    assert_eq!(
        read(dir.path(), "policies/lu.policy"),
        UNFORMATTED,
        "--check writes nothing"
    );
}

#[test]
fn check_passes_on_formatted_files() {
    let dir = repo(&[("a.policy", FORMATTED)]);
    policy()
        .current_dir(dir.path())
        .args(["fmt", "--check", "a.policy"])
        .assert()
        .success()
        .stdout("");
}

#[test]
fn formats_in_place_and_leaves_formatted_files_untouched() {
    let dir = repo(&[("a.policy", UNFORMATTED), ("b.policy", FORMATTED)]);
    let b = dir.path().join("b.policy");
    let b_modified = std::fs::metadata(&b).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    policy()
        .current_dir(dir.path())
        .arg("fmt")
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("formatted a.policy"))
        .stderr(predicate::str::contains(
            "formatted 1 file, 1 file already formatted",
        ));

    assert_eq!(read(dir.path(), "a.policy"), FORMATTED);
    assert_eq!(
        std::fs::metadata(&b).unwrap().modified().unwrap(),
        b_modified,
        "a formatted file is not rewritten"
    );
    // A second run changes nothing.
    policy()
        .current_dir(dir.path())
        .args(["fmt", "--check"])
        .assert()
        .success();
}

#[cfg(unix)]
#[test]
fn in_place_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo(&[("a.policy", UNFORMATTED)]);
    let path = dir.path().join("a.policy");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    policy().arg("fmt").arg(&path).assert().success();
    assert_eq!(read(dir.path(), "a.policy"), FORMATTED);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn stdin_to_stdout() {
    policy()
        .args(["fmt", "-"])
        .write_stdin(UNFORMATTED)
        .assert()
        .success()
        .stdout(FORMATTED);
    policy()
        .args(["fmt", "--check", "-"])
        .write_stdin(UNFORMATTED)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "--- a/<stdin>\n+++ b/<stdin>\n",
        ));
    policy()
        .args(["fmt", "--check", "-"])
        .write_stdin(FORMATTED)
        .assert()
        .success()
        .stdout("");
}

#[test]
fn syntax_errors_leave_the_file_untouched() {
    let broken = "after quinze days send relance_1\nAFTER 1 DAY STOP\n";
    let dir = repo(&[("bad.policy", broken), ("good.policy", UNFORMATTED)]);
    policy()
        .current_dir(dir.path())
        .arg("fmt")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("policy::syntax"))
        .stderr(predicate::str::contains("bad.policy:1:7"))
        .stderr(predicate::str::contains(
            "bad.policy was not formatted: fix its syntax errors first",
        ));
    assert_eq!(read(dir.path(), "bad.policy"), broken);
    assert_eq!(
        read(dir.path(), "good.policy"),
        FORMATTED,
        "the others are formatted"
    );

    policy()
        .args(["fmt", "-"])
        .write_stdin(broken)
        .assert()
        .code(1)
        .stdout("");
}

#[test]
fn semantic_errors_do_not_block_formatting() {
    let dir = repo(&[("a.policy", "after 15 days SEND relance_1 BY fax\n")]);
    policy()
        .current_dir(dir.path())
        .arg("fmt")
        .assert()
        .success();
    assert_eq!(
        read(dir.path(), "a.policy"),
        "after 15 days send relance_1 by fax\n"
    );
}

#[test]
fn usage_and_io_failures_exit_2() {
    let dir = repo(&[("a.policy", FORMATTED)]);
    policy()
        .current_dir(dir.path())
        .args(["fmt", "missing.policy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::io"));
    policy()
        .current_dir(dir.path())
        .args(["fmt", "-", "a.policy"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be mixed"));
    let empty = tempfile::tempdir().unwrap();
    policy()
        .current_dir(empty.path())
        .arg("fmt")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("policy::no_policy_files"));
}
