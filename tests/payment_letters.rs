//! What the debtor receives (issue 15, point 4), through `policy run` on the
//! Belgian consumer policy and its shipped templates:
//!
//! - a payment reference on every letter: invoice 260201 gets the Belgian
//!   structured communication 0000260201 + (260201 mod 97 = 47), printed
//!   `+++000/0260/20147+++`; the bank import matches a transfer carrying it;
//! - the EPC QR code (EPC069-12), decoded with `rqrr` from the PNG attached
//!   to the e-mail and from the inline SVG of the registered letter, every
//!   field checked;
//! - letters in the debtor's language (`language` column): MAES is Dutch
//!   (`nl/` templates, `1.234,56 €`, `25 november 2026`), DUBO French, HOFF
//!   English, for which the policy has no template (the default serves, with
//!   a warning);
//! - the statement of account of `send … with statement`;
//! - the staleness guard of `policy run`.
//!
//! The book: invoices of 2026-10-01 due 2026-10-31; the free reminder goes
//! out 10 days after (2026-11-10), the mise en demeure 15 days after the
//! reminder (2026-11-25).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const FIRM: &str = "\
name = \"Cabinet Dupont SRL\"
address = \"Rue Neuve 10\\n1000 Bruxelles\"
email = \"recouvrement@dupont.example\"
company_id = \"0456.789.123\"
iban = \"BE31 3630 1234 5678\"
";

const LEDGER: &str = "\
date,type,invoice,debtor,amount,due
2026-10-01,invoice,260201,MAES,1234.56,2026-10-31
2026-10-01,invoice,260202,DUBO,860.00,2026-10-31
2026-10-01,invoice,260203,HOFF,99.00,2026-10-31
2026-10-01,invoice,260204,DUBO,100.00,2026-10-31
2026-11-10,payment,260204,,100.00,
";

const DEBTORS: &str = "\
id,name,kind,country,email,address,language
MAES,Jan Maes,b2c,BE,jan.maes@mail.example,\"Kerkstraat 12, 2000 Antwerpen\",nl
DUBO,Claire Dubois,b2c,BE,claire.dubois@mail.example,\"Rue Haute 5, 1000 Bruxelles\",fr
HOFF,Tom Hoffman,b2c,BE,tom.hoffman@mail.example,\"Avenue Louise 40, 1050 Ixelles\",en
";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn workspace(policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &root().join("policies/templates/be"),
        &dir.path().join("templates/be"),
    );
    std::fs::write(dir.path().join("be.policy"), policy).unwrap();
    std::fs::write(dir.path().join("firm.toml"), FIRM).unwrap();
    std::fs::write(dir.path().join("ledger.csv"), LEDGER).unwrap();
    std::fs::write(dir.path().join("debtors.csv"), DEBTORS).unwrap();
    dir
}

fn shipped_policy() -> String {
    std::fs::read_to_string(root().join("policies/be-b2c.policy")).unwrap()
}

fn run(dir: &Path, day: &str, extra: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir)
        .args(["run", "be.policy", "--ledger", "ledger.csv"])
        .args([
            "--journal",
            "journal.jsonl",
            "--outbox",
            "out",
            "--as-of",
            day,
        ])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every file of the outbox whose path contains `part`.
fn outputs(dir: &Path, part: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.join("out")];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.display().to_string().contains(part) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn one(dir: &Path, part: &str) -> PathBuf {
    let found = outputs(dir, part);
    assert_eq!(found.len(), 1, "{part}: {found:?}");
    found[0].clone()
}

fn base64(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let value = alphabet.iter().position(|a| *a == c).unwrap() as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// The bytes of the attachment `name` of an `.eml` (base64).
fn attachment(eml: &str, name: &str) -> Vec<u8> {
    let at = eml
        .find(&format!("filename=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} in\n{eml}"));
    let part = &eml[at..];
    let body_start = part.find("\r\n\r\n").map(|i| i + 4).unwrap();
    let body = &part[body_start..];
    let end = body.find("\r\n--").unwrap();
    base64(&body[..end])
}

/// Decodes the one QR code of a grey image.
fn decode(width: usize, height: usize, pixels: &[u8]) -> String {
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    let (_, content) = grids[0].decode().unwrap();
    content
}

fn decode_png(bytes: &[u8]) -> String {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    // Whatever the depth written (one bit a pixel today), as 8-bit grey.
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    decode(
        info.width as usize,
        info.height as usize,
        &pixels[..info.buffer_size()],
    )
}

/// Draws the inline SVG of a letter (its `M x y h1v1h-1z` modules, 6 pixels
/// each) and decodes it.
fn decode_svg(html: &str) -> String {
    let start = html.find("<svg").expect("an inline SVG");
    let svg = &html[start..start + html[start..].find("</svg>").unwrap()];
    let view = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
    let size: usize = view.split(' ').next().unwrap().parse().unwrap();
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    const SCALE: usize = 6;
    let side = size * SCALE;
    let mut pixels = vec![255u8; side * side];
    for module in path.split('M').filter(|m| !m.is_empty()) {
        let xy = module.trim_end_matches("h1v1h-1z");
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        for row in y * SCALE..(y + 1) * SCALE {
            pixels[row * side + x * SCALE..row * side + (x + 1) * SCALE].fill(0);
        }
    }
    decode(side, side, &pixels)
}

/// The EPC069-12 fields of a payload.
fn epc(payload: &str) -> Vec<String> {
    payload.split('\n').map(str::to_string).collect()
}

fn journal(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn claimed(dir: &Path, debtor: &str, step: &str) -> String {
    journal(dir)
        .iter()
        .filter(|r| r["entry"]["kind"] == "intent")
        .map(|r| &r["entry"]["action"])
        .find(|a| a["debtor"] == debtor && a["step"]["id"] == step)
        .map(|a| a["claimed"].as_str().unwrap().to_string())
        .unwrap()
}

#[test]
fn the_reminder_carries_the_reference_and_a_qr_code_in_the_debtors_language() {
    let dir = workspace(&shipped_policy());
    let (code, stdout, stderr) = run(dir.path(), "2026-11-10", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // MAES reads Dutch: the nl/ template, Dutch amounts and dates.
    let eml = std::fs::read_to_string(one(dir.path(), "MAES")).unwrap();
    let text = eml.replace("=\r\n", "");
    assert!(text.contains("Geachte mevrouw, geachte heer"), "{text}");
    assert!(text.contains("+++000/0260/20147+++"), "{text}");
    assert!(text.contains("1.234,56"), "{text}");
    // Sent on 10 November, received the 11th: fourteen days to the 24th.
    assert!(text.contains("24 november 2026"), "{text}");
    for french in ["Madame", "facture", "Objet"] {
        assert!(!text.contains(french), "{french} in the Dutch e-mail");
    }
    // The QR code attached: every field.
    let payload = decode_png(&attachment(&eml, "virement-qr.png"));
    assert_eq!(
        claimed(dir.path(), "MAES", "send rappel_gratuit"),
        "1234.56"
    );
    assert_eq!(
        epc(&payload),
        [
            "BCD",
            "002",
            "1",
            "SCT",
            "",
            "Cabinet Dupont SRL",
            "BE31363012345678",
            "EUR1234.56",
            "",
            "000026020147",
            "",
            ""
        ]
    );
    // DUBO reads French: 860,00 € with French typography.
    let eml = std::fs::read_to_string(one(dir.path(), "DUBO")).unwrap();
    let text = eml.replace("=\r\n", "");
    assert!(text.contains("Madame, Monsieur"), "{text}");
    assert!(text.contains("+++000/0260/20248+++"), "{text}");
    let payload = decode_png(&attachment(&eml, "virement-qr.png"));
    assert_eq!(epc(&payload)[7], "EUR860.00");
    assert_eq!(epc(&payload)[9], "000026020248");
    // HOFF reads English: no `en/` folder, the French default serves, with
    // a warning naming what to add.
    let eml = std::fs::read_to_string(one(dir.path(), "HOFF")).unwrap();
    assert!(eml.replace("=\r\n", "").contains("Madame, Monsieur"));
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(stderr.contains("policy::template_language"), "{stderr}");
    assert!(
        stderr.contains("no template `rappel_gratuit` in `en/`"),
        "{stderr}"
    );

    // The debtor pays with the reference: the import matches it.
    let camt = std::fs::read_to_string(root().join("tests/fixtures/bank/camt053.xml"))
        .unwrap()
        .replacen("<Ref>000026010144</Ref>", "<Ref>000026020147</Ref>", 1)
        .replacen(">1200.00<", ">1234.56<", 2);
    std::fs::write(dir.path().join("releve.xml"), camt).unwrap();
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["import", "camt053", "releve.xml", "--ledger", "ledger.csv"])
        .output()
        .unwrap();
    let ledger = std::fs::read_to_string(dir.path().join("ledger.csv")).unwrap();
    assert!(
        ledger.ends_with("2026-11-20,payment,260201,,1234.56,\n"),
        "{}\n{ledger}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_registered_letter_shows_the_code_inline_and_stale_data_is_refused() {
    let dir = workspace(&shipped_policy());
    assert_eq!(run(dir.path(), "2026-11-10", &[]).0, 0);
    let before = journal(dir.path()).len();
    // On 2026-11-25 the newest payment (2026-11-10) is more than three
    // business days old: nothing is written.
    let (code, _, stderr) = run(dir.path(), "2026-11-25", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("policy::stale_payments"), "{stderr}");
    assert_eq!(journal(dir.path()).len(), before);
    assert!(outputs(dir.path(), "mise_en_demeure").is_empty());
    // Accepted: it goes, and the journal says on what data.
    let (code, stdout, stderr) = run(dir.path(), "2026-11-25", &["--accept-stale"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let records = journal(dir.path());
    let data: Vec<_> = records
        .iter()
        .filter(|r| r["entry"]["kind"] == "data")
        .collect();
    assert_eq!(data.len(), 2, "one per run that acted");
    assert_eq!(data[1]["entry"]["day"], "2026-11-25");
    assert_eq!(data[1]["entry"]["newest_payment"], "2026-11-10");
    assert_eq!(data[1]["entry"]["last_statement"], serde_json::Value::Null);
    assert_eq!(data[1]["entry"]["fresh_within"], "3 business days");
    assert_eq!(data[1]["entry"]["stale_accepted"], true);
    assert_eq!(data[0]["entry"]["stale_accepted"], false);
    // The Dutch registered letter: inline SVG, decoded.
    let letter =
        std::fs::read_to_string(one(dir.path(), "MAES/send_mise_en_demeure-debtor")).unwrap();
    assert!(letter.contains("Ingebrekestelling"), "{letter}");
    // HTML escapes the slashes: `&#x2f;`, shown as `/`.
    assert!(
        letter
            .replace("&#x2f;", "/")
            .contains("+++000/0260/20147+++")
    );
    let payload = decode_svg(&letter);
    let fields = epc(&payload);
    let claimed = claimed(dir.path(), "MAES", "send mise_en_demeure");
    assert_eq!(fields[7], format!("EUR{claimed}"));
    assert_eq!(fields[9], "000026020147");
    assert_eq!(fields[6], "BE31363012345678");
    assert!(
        claimed.parse::<f64>().unwrap() > 1234.56,
        "indemnity and interest"
    );
}

#[test]
fn a_step_with_statement_sends_the_statement_of_account() {
    let policy = shipped_policy().replace(
        "send mise_en_demeure by recommandé to debtor, guarantor",
        "send mise_en_demeure by recommandé to debtor, guarantor with statement",
    );
    let dir = workspace(&policy);
    // DUBO also has an invoice not yet due, and one paid.
    let ledger = format!(
        "{LEDGER}2026-11-01,invoice,260205,DUBO,300.00,2026-12-31\n2026-11-20,payment,260202,,60.00,\n"
    );
    std::fs::write(dir.path().join("ledger.csv"), ledger).unwrap();
    assert_eq!(run(dir.path(), "2026-11-10", &[]).0, 0);
    let (code, stdout, stderr) = run(dir.path(), "2026-11-25", &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let letter =
        std::fs::read_to_string(one(dir.path(), "DUBO/send_mise_en_demeure-debtor")).unwrap();
    let annex = &letter[letter.find("Relevé de compte").expect("the annex")..];
    // 260202: 860.00 less 60.00 paid, 25 days late; 260205 not due; 260204
    // paid in full is not listed.
    assert!(annex.contains("<td>260202</td><td>01/10/2026</td><td>31/10/2026</td><td>1 à 30 jours</td><td>860,00\u{a0}€</td><td>60,00\u{a0}€</td><td>0,00\u{a0}€</td><td>800,00\u{a0}€</td>"), "{annex}");
    assert!(annex.contains("<td>260205</td><td>01/11/2026</td><td>31/12/2026</td><td>non échue</td><td>300,00\u{a0}€</td><td>0,00\u{a0}€</td><td>0,00\u{a0}€</td><td>300,00\u{a0}€</td>"), "{annex}");
    assert!(!annex.contains("260204"));
    assert!(annex.contains("Total restant dû"));
    assert!(annex.contains("1\u{202f}100,00\u{a0}€"), "{annex}");
    assert!(annex.contains("Indemnité forfaitaire réclamée"), "{annex}");
    // The Dutch debtor's statement is in Dutch.
    let letter =
        std::fs::read_to_string(one(dir.path(), "MAES/send_mise_en_demeure-debtor")).unwrap();
    assert!(letter.contains("Rekeningoverzicht"), "{letter}");
    assert!(letter.contains("1 tot 30 dagen"), "{letter}");
}

#[test]
fn check_reports_a_template_missing_in_a_language_the_book_uses() {
    let dir = workspace(&shipped_policy());
    let out = Command::cargo_bin("policy")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "be.policy", "--debtors", "debtors.csv"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    // HOFF reads English: both templates are missing in `en/`; Dutch has
    // both.
    assert!(
        flat.contains("no template `rappel_gratuit` in `en/`"),
        "{stderr}"
    );
    assert!(
        flat.contains("no template `mise_en_demeure` in `en/`"),
        "{stderr}"
    );
    assert!(!flat.contains("in `nl/`"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "warnings only");
}
