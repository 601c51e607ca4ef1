//! Every command the README and docs/ show runs as written (field report,
//! point 7). The commands are taken from the Markdown: in a fenced block, a
//! line starting with `$ ` (continued by a final `\`), and every line of a
//! ```sh block. Each document runs in a fresh copy of the repository's
//! example files (`policies/`, `examples/`, `data/`, `tests/fixtures/`),
//! committed to git on `main` (for `main:path` revisions), its commands in
//! order, so that `policy run` writes the journal that the next command
//! verifies.
//!
//! A command must exit 0 or 1 (findings are what many examples show); when
//! the block then shows `$ echo $?`, the exit code must be the one shown.
//! `<!-- docs-test: COMMAND -->` in the Markdown runs a hidden set-up
//! command first (a file to format, say). `policy watch` is stopped after a
//! few seconds. Development commands (`cargo …`, `.ci/run`) are not run
//! here: they are listed in [`NOT_RUN`], so that a new one cannot be skipped
//! without being named.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Commands shown in the docs that this test does not run, with why.
const NOT_RUN: &[(&str, &str)] = &[
    ("cargo test", "the test suite itself"),
    (".ci/run", "CI itself"),
    (
        "FUZZ_POLICY_CASES=",
        "the long fuzzing run takes most of an hour (docs/robustness.md)",
    ),
    (
        "cargo bench",
        "benchmarks take minutes (docs/performance.md)",
    ),
    (
        "cargo run --release --example gen_ledger",
        "generates a million invoices",
    ),
    (
        "policy journal crash-test /tmp/",
        "performance recipes on a generated million-invoice book",
    ),
    ("policy journal verify /tmp/", "part of the same recipe"),
    (
        "policy dossier D09440 --journal /tmp/big",
        "part of the same recipe",
    ),
    (
        "git commit",
        "the pre-commit hook's example: a commit in the user's repository",
    ),
    (
        "cargo install",
        "installs into the user's ~/.cargo/bin (docs/editors.md)",
    ),
    (
        "npm --prefix editors/vscode",
        "builds the VS Code extension: needs Node.js and the npm registry; .ci/run does it",
    ),
    ("code --install-extension", "needs VS Code"),
    ("hx --health", "needs Helix"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One command as shown, with what its block says of its exit code.
#[derive(Debug)]
struct Shown {
    file: String,
    line: usize,
    command: String,
    /// Hidden set-up commands to run before it.
    setup: Vec<String>,
    /// `$ echo $?` after it shows this code.
    exit: Option<i32>,
}

fn commands(file: &str) -> Vec<Shown> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut shown: Vec<Shown> = Vec::new();
    let mut fence: Option<(String, String)> = None; // (marker, language)
    let mut setup = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed
            .strip_prefix("<!-- docs-test:")
            .and_then(|r| r.strip_suffix("-->"))
        {
            setup.push(rest.trim().to_string());
            i += 1;
            continue;
        }
        if trimmed.starts_with("```") {
            let marker: String = trimmed.chars().take_while(|&c| c == '`').collect();
            match &fence {
                Some((open, _)) if *open == marker && trimmed.trim() == marker => fence = None,
                Some(_) => {}
                None => {
                    fence = Some((marker.clone(), trimmed[marker.len()..].trim().to_string()));
                }
            }
            i += 1;
            continue;
        }
        let Some((_, language)) = &fence else {
            i += 1;
            continue;
        };
        if language == "sh" && trimmed.starts_with("#!") {
            // A script (a git hook): run whole.
            let start = i + 1;
            let mut script = Vec::new();
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                script.push(lines[i]);
                i += 1;
            }
            shown.push(Shown {
                file: file.to_string(),
                line: start,
                command: script.join("\n"),
                setup: std::mem::take(&mut setup),
                exit: None,
            });
            continue;
        }
        let command = if let Some(command) = line.strip_prefix("$ ") {
            Some(command)
        } else if language == "sh" && !trimmed.is_empty() && !trimmed.starts_with('#') {
            Some(line)
        } else {
            None
        };
        let Some(command) = command else {
            i += 1;
            continue;
        };
        let start = i + 1;
        let mut full = String::new();
        let mut part = command.to_string();
        while let Some(joined) = part.strip_suffix('\\') {
            full.push_str(joined);
            full.push(' ');
            i += 1;
            part = lines.get(i).map_or(String::new(), |l| l.trim().to_string());
        }
        full.push_str(&part);
        i += 1;
        if full.trim() == "echo $?" {
            let code = lines.get(i).and_then(|l| l.trim().parse().ok());
            if let Some(last) = shown.last_mut() {
                last.exit = code;
            }
            continue;
        }
        shown.push(Shown {
            file: file.to_string(),
            line: start,
            command: full,
            setup: std::mem::take(&mut setup),
            exit: None,
        });
    }
    shown
}

/// A copy of the repository's example files, committed on `main`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["policies", "examples", "data", "tests/fixtures"] {
        copy(&root().join(folder), &dir.path().join(folder));
    }
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_AUTHOR_NAME", "docs")
            .env("GIT_AUTHOR_EMAIL", "docs@example.invalid")
            .env("GIT_COMMITTER_NAME", "docs")
            .env("GIT_COMMITTER_EMAIL", "docs@example.invalid")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "examples"]);
    dir
}

fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `command` with bash in `dir`, `policy` being this build's binary.
/// `policy watch` is stopped after a while: `None` then.
fn run(dir: &Path, command: &str) -> (Option<i32>, String) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_policy"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let command = command
        .replacen("cargo run --release -- ", "policy ", 1)
        .replace("target/release/policy ", "policy ");
    let mut child = Command::new("bash")
        .args(["-o", "pipefail", "-c", &command])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let watch = command.contains("policy watch");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            return (status.code(), text);
        }
        if watch && started.elapsed() > Duration::from_secs(3) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            return (None, String::from_utf8_lossy(&out.stdout).into_owned());
        }
        if started.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("`{command}` ran for five minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn documents() -> Vec<String> {
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

fn check_document(file: &str) -> Vec<String> {
    let workspace = workspace();
    // `cd DIR` (shown or hidden) moves the later commands of the document.
    let mut cwd = workspace.path().to_path_buf();
    let mut failures = Vec::new();
    for shown in commands(file) {
        if let Some(dir) = shown.command.trim().strip_prefix("cd ") {
            cwd = cwd.join(dir.trim());
            continue;
        }
        let not_run = NOT_RUN.iter().find(|(prefix, _)| {
            shown
                .command
                .lines()
                .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
                .all(|l| l.trim_start().starts_with(prefix))
        });
        for setup in &shown.setup {
            if let Some(dir) = setup.trim().strip_prefix("cd ") {
                cwd = cwd.join(dir.trim());
                continue;
            }
            let (code, out) = run(&cwd, setup);
            assert_eq!(
                code,
                Some(0),
                "{}:{}: set-up `{setup}`: {out}",
                shown.file,
                shown.line
            );
        }
        if not_run.is_some() {
            continue;
        }
        let (code, out) = run(&cwd, &shown.command);
        let ok = match (code, shown.exit) {
            (None, _) => shown.command.contains("policy watch") && !out.is_empty(),
            (Some(code), Some(expected)) => code == expected,
            (Some(code), None) => code == 0 || code == 1,
        };
        if !ok {
            failures.push(format!(
                "{}:{}: `{}` exited {:?} (expected {}):\n{}",
                shown.file,
                shown.line,
                shown.command,
                code,
                shown.exit.map_or("0 or 1".to_string(), |e| e.to_string()),
                out.lines().take(12).collect::<Vec<_>>().join("\n")
            ));
        }
    }
    failures
}

#[test]
fn every_documented_command_runs_as_written() {
    let mut failures = Vec::new();
    let mut count = 0;
    for file in documents() {
        count += commands(&file).len();
        failures.extend(check_document(&file));
    }
    assert!(
        count > 20,
        "only {count} commands found: is the extraction broken?"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_extraction_reads_commands_continuations_and_exit_codes() {
    let shown = commands("README.md");
    assert!(
        shown
            .iter()
            .any(|s| s.command.starts_with("cargo run --release -- simulate")),
        "{shown:?}"
    );
    // A `$` command continued with `\` is one command.
    assert!(
        shown
            .iter()
            .any(|s| s.command.starts_with("policy run") && s.command.contains("--outbox")),
        "{shown:?}"
    );
}
