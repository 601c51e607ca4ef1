//! One journal record: a JSON object on one line, chained to the record
//! before it by `prev` and sealed by `hash`, the SHA-256 of the record's
//! canonical serialisation without `hash`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the journal. Field order is the serialisation order, which
/// the hash depends on: never reorder these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// 1-based position in the journal.
    pub seq: u64,
    /// The `hash` of the record before ([`GENESIS`] for the first).
    pub prev: String,
    /// When the record was written (UTC, wall clock): for the audit trail
    /// only; the action's own day is [`Action::date`].
    pub at: String,
    /// The run that wrote it.
    pub run: String,
    pub entry: Entry,
    /// SHA-256 (hex) of the record serialised without this field.
    pub hash: String,
}

/// The record without its hash: what the hash is computed over.
#[derive(Serialize)]
struct Unsealed<'a> {
    seq: u64,
    prev: &'a str,
    at: &'a str,
    run: &'a str,
    entry: &'a Entry,
}

impl Record {
    /// A new record, sealed.
    #[cfg(test)]
    pub(crate) fn seal(seq: u64, prev: &str, at: &str, run: &str, entry: Entry) -> Record {
        Record::seal_line(seq, prev, at, run, entry).0
    }

    /// A new record, sealed, with its line (without the final newline):
    /// the line is the record serialised without `hash`, then `hash` as
    /// its last member, so one serialisation gives both.
    pub(crate) fn seal_line(
        seq: u64,
        prev: &str,
        at: &str,
        run: &str,
        entry: Entry,
    ) -> (Record, String) {
        let unsealed = Unsealed {
            seq,
            prev,
            at,
            run,
            entry: &entry,
        };
        // Serialising plain structs, strings and decimals cannot fail.
        let mut line = serde_json::to_string(&unsealed).unwrap_or_default();
        let hash = sha256_hex(line.as_bytes());
        line.pop();
        line.push_str(",\"hash\":\"");
        line.push_str(&hash);
        line.push_str("\"}");
        let record = Record {
            seq,
            prev: prev.to_string(),
            at: at.to_string(),
            run: run.to_string(),
            entry,
            hash,
        };
        (record, line)
    }

    /// The hash this record should carry.
    pub fn compute_hash(&self) -> String {
        let unsealed = Unsealed {
            seq: self.seq,
            prev: &self.prev,
            at: &self.at,
            run: &self.run,
            entry: &self.entry,
        };
        // Serialising plain structs, strings and decimals cannot fail.
        let bytes = serde_json::to_vec(&unsealed).unwrap_or_default();
        sha256_hex(&bytes)
    }

    /// The record's line, without the final newline.
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The hash a record should carry, from its line as `policy` writes it
    /// ([`Record::to_line`], which the caller has checked): the record
    /// serialised without `hash` is that line without its last member, so
    /// it need not be serialised again (opening a journal of a hundred
    /// thousand records did it for each). `None` for a line without
    /// `hash` last.
    pub(crate) fn hash_of_line(line: &str) -> Option<String> {
        // Inside a string a `"` is escaped: this is the record's own
        // member, the last one.
        let at = line.rfind(",\"hash\":\"")?;
        let mut hasher = Sha256::new();
        hasher.update(&line.as_bytes()[..at]);
        hasher.update(b"}");
        Some(hex::encode(hasher.finalize()))
    }
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What a record says. An action is an `intent`, then its output is
/// written, then (e-mails sent by SMTP) a `dispatch`, then a `commit`; a
/// recovery may close an intent with `commit` (recovered), `abort` or
/// `uncertain`, and a person closes an `uncertain` with `resolve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Entry {
    /// About to produce `output` for `action`.
    Intent {
        action: Box<Action>,
        output: Output,
        /// The output is an e-mail to hand to an SMTP server.
        smtp: bool,
    },
    /// About to hand the message to the SMTP server: from here on, it may
    /// have been sent.
    Dispatch { intent: u64 },
    /// Done: the output is in place (and the server accepted the e-mail).
    Commit {
        intent: u64,
        sha256: String,
        /// The SMTP server's answer.
        smtp: Option<String>,
        /// Written by a later run's recovery, not by the run that produced it.
        recovered: bool,
    },
    /// Nothing went out: the action may be done again.
    Abort { intent: u64, reason: String },
    /// It may or may not have gone out: never redone automatically.
    Uncertain { intent: u64, reason: String },
    /// A person's decision on an uncertain action.
    Resolve {
        intent: u64,
        sent: bool,
        note: String,
    },
    /// A run for a day before the journal's last run (`policy run
    /// --as-of DAY --allow-backdate`), allowed by a person: written before
    /// the run's first action.
    Backdate {
        /// The run's day.
        day: NaiveDate,
        /// The day of the journal's last action when the run started.
        last_day: NaiveDate,
    },
    /// How fresh the book's payments were for the run that follows
    /// (`policy run`'s staleness guard): written before its first action.
    Data {
        /// The run's day.
        day: NaiveDate,
        /// The book's newest payment.
        newest_payment: Option<NaiveDate>,
        /// The last day of the latest bank statement imported.
        last_statement: Option<NaiveDate>,
        /// The policy's window (`3 business days`).
        fresh_within: String,
        /// Older than the window, and run anyway (`--accept-stale`).
        stale_accepted: bool,
    },
}

impl Entry {
    /// The intent this entry closes or follows, for all but intents.
    pub fn intent(&self) -> Option<u64> {
        match self {
            Entry::Intent { .. } | Entry::Backdate { .. } | Entry::Data { .. } => None,
            Entry::Dispatch { intent }
            | Entry::Commit { intent, .. }
            | Entry::Abort { intent, .. }
            | Entry::Uncertain { intent, .. }
            | Entry::Resolve { intent, .. } => Some(*intent),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Entry::Intent { .. } => "intent",
            Entry::Dispatch { .. } => "dispatch",
            Entry::Commit { .. } => "commit",
            Entry::Abort { .. } => "abort",
            Entry::Uncertain { .. } => "uncertain",
            Entry::Resolve { .. } => "resolve",
            Entry::Backdate { .. } => "backdate",
            Entry::Data { .. } => "data",
        }
    }
}

/// One communication or task: one debtor, one step, one recipient, one
/// channel, one day, all the debtor's invoices due at that step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The day it is for (the run's as-of day).
    pub date: NaiveDate,
    /// The debtor's id.
    pub debtor: String,
    /// Every invoice the communication lists.
    pub invoices: Vec<String>,
    pub step: StepRef,
    /// `email`, `sms`, `courrier`, `recommandé`, `huissier`, `phone` (a
    /// call) or `route` (a court, lawyer or bailiff task).
    pub channel: String,
    /// `debtor`, `guarantor`, or a route's destination.
    pub recipient: String,
    /// Where it goes: an e-mail address, a postal address, a phone number;
    /// empty when unknown.
    pub to: String,
    /// Principal, indemnity and interest claimed, when the action states it.
    pub claimed: Option<Decimal>,
    pub currency: Option<String>,
    /// The policy that produced it. Absent from the records of earlier
    /// versions (serialised only when present, so that their hashes hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyRef>,
    /// What it claims for each invoice it lists: the charges whose step had
    /// fired that day, and no other (what `policy dossier` builds on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<ClaimedLine>,
}

/// The policy an action comes from: the file as `policy run` was given it,
/// its version and the law it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyRef {
    pub file: String,
    /// SHA-256 (hex) of the policy file's text.
    pub sha256: String,
    /// Its `jurisdiction` header (`FR`, `BE`, `LU`), if any.
    pub jurisdiction: Option<String>,
}

/// One invoice's share of what an action claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimedLine {
    pub invoice: String,
    pub principal: Decimal,
    /// Indemnities and fees charged by then.
    pub indemnity: Decimal,
    /// Late interest to the action's day, once charged.
    pub interest: Decimal,
}

/// The policy step an action comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRef {
    /// Stable identity of the step ([`crate::plan::identity`]): what it does (`send relance_1`,
    /// `call debtor`, `route tribunal_de_commerce`), with `#2`, `#3`… for a
    /// later step doing the same thing. It does not change when the delay is
    /// edited or other lines are inserted, so that a letter already sent is
    /// never sent again because the policy file moved.
    pub id: String,
    /// The statement's line in the policy file, for people.
    pub line: usize,
    /// The statement's template or destination, for people.
    pub target: String,
}

/// What an action produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// Relative to the outbox, with `/` separators.
    pub path: String,
    /// SHA-256 (hex) of the file's bytes.
    pub sha256: String,
    pub bytes: u64,
}

/// What "exactly once" is about: an invoice must never get the same step
/// twice on the same channel to the same recipient, whatever the grouping of
/// invoices into letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ActionKey {
    pub invoice: String,
    pub step: String,
    pub recipient: String,
    pub channel: String,
}

impl Action {
    /// A file name for the action's output, relative to the outbox:
    /// `2026-11-23/ACME/send_relance_1-debtor-email-1a2b3c4d.eml`. Unique for
    /// a debtor, step, recipient, channel, day and set of invoices (the last
    /// part hashes the invoice numbers), so that a second letter the same day
    /// for newly due invoices does not collide with the first. The debtor's
    /// folder is [`folder_name`]; every part is bounded, so that no id or
    /// template name makes a path a file system refuses.
    pub fn file_name(&self, extension: &str) -> String {
        let mut invoices = self.invoices.clone();
        invoices.sort();
        let digest = sha256_hex(invoices.join("\n").as_bytes());
        format!(
            "{}/{}/{}-{}-{}-{}.{}",
            self.date,
            folder_name(&self.debtor),
            bounded(slug(&self.step.id)),
            bounded(slug(&self.recipient)),
            bounded(slug(&self.channel)),
            &digest[..8],
            bounded(slug(extension))
        )
    }

    /// One key per listed invoice.
    pub fn keys(&self) -> impl Iterator<Item = ActionKey> + '_ {
        self.invoices.iter().map(|invoice| ActionKey {
            invoice: invoice.clone(),
            step: self.step.id.clone(),
            recipient: self.recipient.clone(),
            channel: self.channel.clone(),
        })
    }
}

/// The longest debtor id used as its folder's name as it is.
const PLAIN_MAX: usize = 64;
/// How much of an odd id its folder's name keeps, for people.
const PREFIX_MAX: usize = 40;

/// The outbox folder of a debtor: the id itself when it is a plain name
/// (ASCII letters, digits, `-`, `_`, `.`, at most 64 bytes, not hidden, not
/// a name Windows reserves); otherwise a readable prefix, `~` and 16 hex
/// digits of the id's SHA-256 (`Société_Générale_Sàrl~3f9c…`). A plain name
/// never holds `~`, so two different ids never share a folder
/// (docs/run.md).
pub(crate) fn folder_name(id: &str) -> String {
    if is_plain(id) {
        return id.to_string();
    }
    let mut prefix = String::new();
    for c in slug(id).chars() {
        if prefix.len() + c.len_utf8() > PREFIX_MAX {
            break;
        }
        prefix.push(c);
    }
    let prefix = prefix.trim_start_matches(['.', '-']);
    format!("{prefix}~{}", &sha256_hex(id.as_bytes())[..16])
}

fn is_plain(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= PLAIN_MAX
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !id.starts_with(['.', '-'])
        && !id.ends_with('.')
        && !reserved(id)
}

/// Names Windows gives to devices (`CON`, `NUL.txt`, `com1`): a file or
/// folder cannot have them.
fn reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

/// A part of a file name (a step, a recipient) shortened past 60 bytes to a
/// prefix and a hash of the whole.
fn bounded(part: String) -> String {
    const MAX: usize = 60;
    if part.len() <= MAX {
        return part;
    }
    let mut prefix = String::new();
    for c in part.chars() {
        if prefix.len() + c.len_utf8() > MAX - 17 {
            break;
        }
        prefix.push(c);
    }
    format!("{prefix}~{}", &sha256_hex(part.as_bytes())[..16])
}

/// A name safe in any file system: letters and digits (accents kept),
/// `-`, `_`, `.`, others as `_`; never empty, never `.` or `..`.
fn slug(text: &str) -> String {
    let slug: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match slug.trim_matches('.') {
        "" => "_".to_string(),
        _ => slug,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action() -> Action {
        Action {
            date: "2026-11-23".parse().unwrap(),
            debtor: "ACME".into(),
            invoices: vec!["F-1".into(), "F-2".into()],
            step: StepRef {
                id: "send relance_1".into(),
                line: 12,
                target: "relance_1".into(),
            },
            channel: "email".into(),
            recipient: "debtor".into(),
            to: "a@b.lu".into(),
            claimed: Some("1234.50".parse().unwrap()),
            currency: Some("EUR".into()),
            policy: None,
            lines: Vec::new(),
        }
    }

    #[test]
    fn a_record_round_trips_to_the_same_line_and_hash() {
        let record = Record::seal(
            1,
            GENESIS,
            "2026-11-23T08:00:00Z",
            "run-1",
            Entry::Intent {
                action: Box::new(action()),
                output: Output {
                    path: "2026-11-23/x.eml".into(),
                    sha256: sha256_hex(b"x"),
                    bytes: 1,
                },
                smtp: false,
            },
        );
        let line = record.to_line();
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(back, record);
        assert_eq!(back.to_line(), line);
        assert_eq!(back.compute_hash(), record.hash);
        assert!(line.ends_with(&format!(",\"hash\":\"{}\"}}", record.hash)));
        assert!(line.contains("\"claimed\":\"1234.50\""), "{line}");
        assert_eq!(Record::hash_of_line(&line), Some(record.hash.clone()));
    }

    #[test]
    fn a_record_sealed_with_its_line_carries_its_hash_and_is_written_so() {
        let entries = [
            Entry::Intent {
                action: Box::new(action()),
                output: Output {
                    path: "a/b.eml".into(),
                    sha256: sha256_hex(b"b"),
                    bytes: 2,
                },
                smtp: false,
            },
            Entry::Abort {
                intent: 1,
                reason: "«\"\\»".into(),
            },
        ];
        for entry in entries {
            let (record, line) = Record::seal_line(3, GENESIS, "2026-11-23T08:00:00Z", "r", entry);
            assert_eq!(record.hash, record.compute_hash());
            assert_eq!(line, record.to_line());
        }
    }

    #[test]
    fn the_hash_from_a_line_is_the_hash_of_the_record_for_every_entry() {
        let mut prev = GENESIS.to_string();
        // Strings holding what the line's last member looks like.
        let mut tricky = action();
        tricky.debtor = "D\",\"hash\":\"x".into();
        tricky.to = "\u{e9}\\\"hash\":".into();
        let entries = [
            Entry::Intent {
                action: Box::new(tricky),
                output: Output {
                    path: "a/b.eml".into(),
                    sha256: sha256_hex(b"b"),
                    bytes: 2,
                },
                smtp: true,
            },
            Entry::Dispatch { intent: 1 },
            Entry::Commit {
                intent: 1,
                sha256: sha256_hex(b"b"),
                smtp: None,
                recovered: true,
            },
            Entry::Abort {
                intent: 1,
                reason: ",\"hash\":\"".into(),
            },
        ];
        for (seq, entry) in (1..).zip(entries) {
            let record = Record::seal(seq, &prev, "2026-11-23T08:00:00Z", "run", entry);
            let line = record.to_line();
            assert_eq!(
                Record::hash_of_line(&line),
                Some(record.compute_hash()),
                "{line}"
            );
            prev = record.hash;
        }
        assert_eq!(Record::hash_of_line("{\"seq\":1}"), None);
    }

    #[test]
    fn records_of_earlier_versions_keep_their_hash() {
        // An intent as versions without `policy` and `lines` wrote it.
        let record = Record::seal(
            1,
            GENESIS,
            "2026-11-23T08:00:00Z",
            "run-1",
            Entry::Intent {
                action: Box::new(action()),
                output: Output {
                    path: "x.eml".into(),
                    sha256: sha256_hex(b"x"),
                    bytes: 1,
                },
                smtp: false,
            },
        );
        let line = record.to_line();
        assert!(
            !line.contains("\"policy\"") && !line.contains("\"lines\""),
            "{line}"
        );
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(back.compute_hash(), record.hash);

        let mut with = action();
        with.policy = Some(PolicyRef {
            file: "lu-b2b.policy".into(),
            sha256: sha256_hex(b"policy"),
            jurisdiction: Some("LU".into()),
        });
        with.lines = vec![ClaimedLine {
            invoice: "F-1".into(),
            principal: "1000".parse().unwrap(),
            indemnity: "40".parse().unwrap(),
            interest: "12.34".parse().unwrap(),
        }];
        let sealed = Record::seal(
            2,
            &record.hash,
            "t",
            "r",
            Entry::Intent {
                action: Box::new(with),
                output: Output {
                    path: "y.eml".into(),
                    sha256: sha256_hex(b"y"),
                    bytes: 1,
                },
                smtp: false,
            },
        );
        let back: Record = serde_json::from_str(&sealed.to_line()).unwrap();
        assert_eq!(back, sealed);
        assert_eq!(back.compute_hash(), sealed.hash);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let record = Record::seal(2, GENESIS, "t", "r", Entry::Dispatch { intent: 1 });
        let line = record
            .to_line()
            .replace("\"intent\":1", "\"intent\":1,\"x\":2");
        assert!(serde_json::from_str::<Record>(&line).is_err());
        let line = record.to_line().replace("\"seq\":2", "\"seq\":2,\"x\":2");
        assert!(serde_json::from_str::<Record>(&line).is_err());
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        let mut a = action();
        a.debtor = "../ACME/Sàrl".into();
        let name = a.file_name("eml");
        assert!(name.starts_with("2026-11-23/_ACME_Sàrl~"), "{name}");
        assert!(name.contains("/send_relance_1-debtor-email-"), "{name}");
        assert!(name.ends_with(".eml"));
        assert_eq!(name.matches('/').count(), 2);
        let mut b = a.clone();
        b.invoices = vec!["F-3".into()];
        assert_ne!(a.file_name("eml"), b.file_name("eml"));
        let mut c = a.clone();
        c.invoices.reverse();
        assert_eq!(a.file_name("eml"), c.file_name("eml"));
        c.debtor = "..".into();
        assert!(c.file_name("eml").contains("/_~"), "{}", c.file_name("eml"));
    }

    #[test]
    fn debtor_folders_are_bounded_and_never_shared() {
        assert_eq!(folder_name("D00012"), "D00012");
        assert_eq!(folder_name("ACME-SA_2.b"), "ACME-SA_2.b");
        let odd = [
            "A".repeat(300),
            format!("{}B", "A".repeat(300)),
            "a/b".into(),
            "a:b".into(),
            "a_b~0123456789abcdef".into(),
            "..".into(),
            ".cache".into(),
            "con".into(),
            "NUL.txt".into(),
            "LPT1".into(),
            "x\ty".into(),
            "x\u{0}y".into(),
            "Sàrl".into(),
            String::new(),
        ];
        let mut seen = std::collections::HashSet::new();
        for id in &odd {
            let folder = folder_name(id);
            assert!(folder.len() <= 64, "{folder}");
            assert!(folder.contains('~'), "{id:?} -> {folder}");
            assert!(!folder.starts_with('.'), "{folder}");
            assert!(
                folder
                    .chars()
                    .all(|c| c.is_alphanumeric() || "-_.~".contains(c)),
                "{folder}"
            );
            assert!(seen.insert(folder), "{id:?} shares a folder");
        }
        // The examples of docs/run.md.
        assert_eq!(
            folder_name("Société Générale/LU"),
            "Société_Générale_LU~4a791c1f2237a8e3"
        );
        assert_eq!(
            folder_name(&"A".repeat(300)),
            format!("{}~4daeb9ac8be20328", "A".repeat(40))
        );
        assert!(!seen.contains("a_b"));
    }

    #[test]
    fn keys_are_per_invoice() {
        let keys: Vec<_> = action().keys().map(|k| k.invoice).collect();
        assert_eq!(keys, ["F-1", "F-2"]);
    }
}
