//! `policy simulate … --format html` and `policy diff … --format html` end
//! to end: the file written, its language, and — in a real browser — the
//! page a person sees. The browser test needs Debian's `chromium`; a plain
//! `cargo test` lists it as ignored with that reason, and `.ci/run`
//! installs chromium and runs it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use rust_decimal::Decimal;

mod common;
use common::{lu_workspace, repo_file};

fn policy() -> Command {
    let mut command = Command::cargo_bin("policy").unwrap();
    command.env("NO_COLOR", "1");
    command
}

/// `policy simulate` of the LU policy on the example book for 2025, run
/// from the repository (so that git knows the policy), with `extra`.
fn simulate(extra: &[&str]) -> std::process::Output {
    policy()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "simulate",
            "policies/lu-b2b.policy",
            "--ledger",
            "examples/ledger.csv",
            "--to",
            "2025-12-31",
        ])
        .args(extra)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn simulate_writes_the_html_report_to_a_file_or_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    let output = simulate(&["--format", "html", "-o", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"fr\">"), "LU: French by default");
    assert!(page.trim_end().ends_with("</html>"));

    // To stdout, the same page.
    let output = simulate(&["--format", "html"]);
    assert!(output.status.success());
    assert_eq!(text(&output.stdout), page);

    // `-o report.html` needs no --format; --lang en.
    let file = dir.path().join("en.html");
    let output = simulate(&["--lang", "en", "-o", file.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let english = std::fs::read_to_string(&file).unwrap();
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("Headline figures"));
}

#[test]
fn the_policy_version_is_its_hash_and_its_git_revision() {
    let output = simulate(&["--format", "html"]);
    let page = text(&output.stdout);
    let policy = std::fs::read_to_string(repo_file("policies/lu-b2b.policy")).unwrap();
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(policy.as_bytes()))
    };
    assert!(page.contains(&sha256), "the policy's SHA-256");
    let git = |args: &[&str]| {
        Process::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| text(&o.stdout).trim().to_string())
    };
    match git(&["log", "-1", "--format=%H", "--", "policies/lu-b2b.policy"]) {
        Some(commit) if !commit.is_empty() => {
            assert!(page.contains(&commit), "the file's last commit {commit}");
            let head = git(&["rev-parse", "HEAD"]).unwrap();
            assert!(page.contains(&head), "HEAD {head}");
        }
        _ => eprintln!("not in a git work tree: the revision is left out, as it should be"),
    }
}

#[test]
fn without_git_the_report_is_made_all_the_same() {
    let dir = lu_workspace();
    let output = policy()
        .current_dir(dir.path())
        .env("PATH", "/nonexistent")
        .args([
            "simulate",
            "lu-b2b.policy",
            "--ledger",
            "ledger.csv",
            "--to",
            "2025-12-31",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let page = text(&output.stdout);
    assert!(page.contains("Empreinte SHA-256"));
    assert!(!page.contains("Révision git"), "no git, no revision");
}

#[test]
fn diff_writes_its_report_and_still_exits_1_on_changes() {
    let dir = lu_workspace();
    let policy_text = std::fs::read_to_string(dir.path().join("lu-b2b.policy")).unwrap();
    let edited = policy_text.replace(
        "after 45 days send mise_en_demeure",
        "after 50 days send mise_en_demeure",
    );
    assert_ne!(edited, policy_text);
    std::fs::write(dir.path().join("edited.policy"), edited).unwrap();
    let run = |extra: &[&str]| {
        policy()
            .current_dir(dir.path())
            .args([
                "diff",
                "lu-b2b.policy",
                "edited.policy",
                "--ledger",
                "ledger.csv",
                "--to",
                "2025-12-31",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let output = run(&["--format", "html", "-o", "diff.html", "--lang", "en"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(output.stdout.is_empty());
    let page = std::fs::read_to_string(dir.path().join("diff.html")).unwrap();
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["--format", "json"]).stdout).unwrap();
    let changed = json["counts"]["invoices"].as_u64().unwrap();
    let moved = json["counts"]["moved"].as_u64().unwrap();
    assert!(changed > 0 && moved > 0);
    assert!(page.contains(&format!(
        "data-figure=\"changed-invoices\" data-value=\"{changed}\""
    )));
    assert!(
        page.contains(&format!("Steps moved ({moved} events)")),
        "{page}"
    );
    assert!(page.contains("<h3>Before</h3>") && page.contains("<h3>After</h3>"));
    assert_eq!(
        run(&["--format", "html", "--exit-zero"]).status.code(),
        Some(0)
    );
}

// In a browser.

/// Every `data-figure="NAME" data-value="VALUE">SHOWN<` of a page.
fn figures(page: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("data-figure=\"") {
        rest = &rest[at + 13..];
        let name = rest[..rest.find('"').unwrap()].to_string();
        let value_at = rest.find("data-value=\"").unwrap() + 12;
        let value_end = value_at + rest[value_at..].find('"').unwrap();
        let shown_at = value_end + rest[value_end..].find('>').unwrap() + 1;
        let shown_end = shown_at + rest[shown_at..].find('<').unwrap();
        found.push((
            name,
            rest[value_at..value_end].to_string(),
            rest[shown_at..shown_end].to_string(),
        ));
    }
    found
}

/// A French figure as a person reads it, back to a number:
/// `1 028 309,87 €` → 1028309.87.
fn read_french(shown: &str) -> Decimal {
    let kept: String = shown
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, ',' | '-'))
        .collect();
    kept.replace(',', ".").parse().unwrap()
}

fn chromium() -> PathBuf {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(path) = which(name) {
            return path;
        }
    }
    panic!("chromium is not installed: `apt-get install -y chromium` (.ci/run does it)");
}

fn which(name: &str) -> Result<PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}

/// Headless Chromium on `page` with `extra` flags: its stdout.
fn browse(page: &Path, profile: &Path, extra: &[String]) -> Vec<u8> {
    let mut child = Process::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Read stdout while it runs: a large DOM fills the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut bytes).unwrap();
        bytes
    });
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            return reader.join().unwrap();
        }
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("chromium ran for three minutes on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[ignore = "needs chromium (.ci/run installs it)"]
fn the_report_of_the_example_book_as_a_person_sees_it_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let output = simulate(&["--format", "html", "-o", page.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&simulate(&["--format", "json"]).stdout).unwrap();
    let summary = &json["summary"];

    // The page is painted: not blank, and its charts drawn.
    let shot = dir.path().join("report.png");
    browse(
        &page,
        &dir.path().join("profile-shot"),
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
            "--hide-scrollbars".to_string(),
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (1280, 2000));
    let channels = info.color_type.samples();
    let mut colours: std::collections::HashMap<(u8, u8, u8), usize> = Default::default();
    let (mut ink, mut step_one) = (0usize, 0usize);
    for px in pixels[..info.buffer_size()].chunks(channels) {
        let rgb = (px[0], px[1], px[2]);
        *colours.entry(rgb).or_default() += 1;
        // Text, rules and bars, not the white page or its grey margin.
        if rgb.0.min(rgb.1).min(rgb.2) < 200 {
            ink += 1;
        }
        // The first step's colour (#4e79a7): its bars in the charts.
        if rgb == (0x4e, 0x79, 0xa7) {
            step_one += 1;
        }
    }
    let total = (info.width * info.height) as usize;
    let dominant = colours.values().max().copied().unwrap_or(0);
    assert!(colours.len() > 200, "{} colours only", colours.len());
    assert!(
        dominant < total * 85 / 100,
        "one colour is {dominant} of {total} pixels"
    );
    assert!(ink > total / 25, "{ink} of {total} pixels are ink");
    assert!(
        step_one > 2_000,
        "{step_one} pixels of the charts' first colour"
    );

    // The figures a person reads are those of --format json.
    let dom = text(&browse(
        &page,
        &dir.path().join("profile-dom"),
        &["--dump-dom".to_string()],
    ));
    assert!(dom.contains("Recouvrement B2B Luxembourg"), "{dom}");
    let found = figures(&dom);
    let shown = |name: &str| -> Decimal {
        let (_, value, shown) = found
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("no figure {name} in the page"));
        let read = read_french(shown);
        assert_eq!(read, value.parse::<Decimal>().unwrap(), "{name}: {shown}");
        read
    };
    let number = |v: &serde_json::Value| -> Decimal {
        match v.as_str() {
            Some(s) => s.parse().unwrap(),
            None => Decimal::from(v.as_u64().unwrap()),
        }
    };
    for name in ["invoices", "chased", "collected", "outstanding"] {
        assert_eq!(shown(name), number(&summary[name]), "{name}");
    }
    let channels = summary["channels"].as_object().unwrap();
    assert!(channels.len() >= 4);
    for (channel, n) in channels {
        assert_eq!(shown(&format!("channel:{channel}")), number(n), "{channel}");
    }
    let routed = summary["routed"].as_array().unwrap();
    assert_eq!(
        routed.len(),
        2,
        "justice de paix and tribunal d'arrondissement"
    );
    for r in routed {
        let name = r["destination"].as_str().unwrap();
        assert_eq!(
            shown(&format!("routed:{name}:invoices")),
            number(&r["invoices"])
        );
        assert_eq!(
            shown(&format!("routed:{name}:amount")),
            number(&r["amount"])
        );
    }
    assert_eq!(found.len(), 4 + channels.len() + 2 * routed.len());
}
