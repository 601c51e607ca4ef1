//! `policy import fec` from its options to the files written: the options
//! as a user gives them checked (`--terms`, `--kind`), the files it would
//! write over refused without `--force`, the FEC read, decoded and
//! imported ([`super::fec`]), then `ledger.csv` and `debtors.csv` written
//! and the summary for people made.

use std::path::Path;

use super::fec;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::ledger::input::EncodingChoice;
use crate::vocab::DebtorKind;

/// The files an import writes, in its output folder.
const WRITTEN: [&str; 2] = ["ledger.csv", "debtors.csv"];

/// An import as a user asks for it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub file: &'a Path,
    /// `--terms`: `30 days`, `45 jours fin de mois`.
    pub terms: &'a str,
    /// `--kind`: `b2b` or `b2c`.
    pub kind: &'a str,
    pub out_dir: &'a Path,
    pub force: bool,
    pub sales_journals: &'a [String],
    pub encoding: EncodingChoice,
    /// The prefix of the customer accounts.
    pub accounts: &'a str,
}

/// Why nothing was written.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The import cannot be done: an option that cannot be read, a file
    /// in the way, a file that cannot be read or written.
    Failure(Diagnostic),
    /// The FEC's own problems, located.
    Problems(Diagnostics),
}

/// Imports the FEC and writes the book's files; `Ok`: what was imported and
/// written, for people.
pub(crate) fn import(request: &Request<'_>) -> Result<String, Refused> {
    let options = options(request).map_err(Refused::Failure)?;
    super::check_targets(request.out_dir, &WRITTEN, request.force).map_err(Refused::Failure)?;
    let bytes = std::fs::read(request.file).map_err(|e| {
        Refused::Failure(crate::load::io_error(
            crate::load::Op::Read,
            request.file,
            &e,
        ))
    })?;
    let (text, encoding) = fec::decode(&bytes, forced(request.encoding));
    let shown = request.file.display().to_string();
    let mut imported = fec::import(&shown, text, &options).map_err(Refused::Problems)?;
    imported.encoding = encoding;
    let [ledger, debtors] = WRITTEN.map(|name| request.out_dir.join(name));
    let files = vec![
        (ledger.clone(), imported.ledger_csv()),
        (debtors.clone(), imported.debtors_csv(options.kind)),
    ];
    super::write_all(&files).map_err(Refused::Failure)?;
    let mut out = format!("{shown}: FEC imported\n");
    out.push_str(&imported.summary(&options));
    out.push_str(&format!(
        "  wrote        {}, {}\n",
        ledger.display(),
        debtors.display()
    ));
    Ok(out)
}

/// The import's options; `Err` when `--terms` or `--kind` cannot be read.
fn options(request: &Request<'_>) -> Result<fec::Options, Diagnostic> {
    let usage = |message: String, help: &str| {
        Diagnostic::error(Code::ImportFec, message).with_help(help.to_string())
    };
    let terms = super::Terms::parse(request.terms).ok_or_else(|| {
        usage(
            format!("`--terms {}` cannot be read", request.terms),
            "write the payment terms as `30 days`, `60 jours`, `45 days end of month`",
        )
    })?;
    let kind = DebtorKind::from_word(request.kind).ok_or_else(|| {
        usage(
            format!("`--kind {}` is not a debtor kind", request.kind),
            "the kind is `b2b` (businesses) or `b2c` (consumers)",
        )
    })?;
    Ok(fec::Options {
        terms,
        sales_journals: request.sales_journals.to_vec(),
        kind,
        customer_prefix: request.accounts.to_string(),
    })
}

/// The encoding `--encoding` forces on the FEC's bytes (`None`: UTF-8 when
/// they are, else ISO-8859-15).
fn forced(choice: EncodingChoice) -> Option<&'static encoding_rs::Encoding> {
    match choice {
        EncodingChoice::Auto => None,
        EncodingChoice::Utf8 => Some(encoding_rs::UTF_8),
        EncodingChoice::Windows1252 => Some(encoding_rs::WINDOWS_1252),
        EncodingChoice::Iso885915 => Some(encoding_rs::ISO_8859_15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(dir: &'a Path, terms: &'a str, kind: &'a str) -> Request<'a> {
        Request {
            file: dir,
            terms,
            kind,
            out_dir: dir,
            force: false,
            sales_journals: &[],
            encoding: EncodingChoice::Auto,
            accounts: "411",
        }
    }

    #[test]
    fn terms_and_kinds_that_cannot_be_read_are_refused_first() {
        let dir = tempfile::tempdir().unwrap();
        let refused = |terms, kind| match import(&request(dir.path(), terms, kind)) {
            Err(Refused::Failure(d)) => d,
            other => panic!("{other:?}"),
        };
        let terms = refused("soon", "b2b");
        assert_eq!(terms.code, Code::ImportFec);
        assert!(
            terms.message.contains("`--terms soon`"),
            "{}",
            terms.message
        );
        let kind = refused("30 days", "shop");
        assert!(kind.message.contains("`--kind shop` is not a debtor kind"));
    }

    #[test]
    fn files_in_the_way_are_refused_before_the_fec_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("debtors.csv"), "id\n").unwrap();
        let mut asked = request(dir.path(), "30 days", "b2b");
        asked.file = Path::new("no-such-fec.txt");
        match import(&asked) {
            Err(Refused::Failure(d)) => assert_eq!(d.code, Code::ImportExists),
            other => panic!("{other:?}"),
        }
        asked.force = true;
        match import(&asked) {
            Err(Refused::Failure(d)) => assert_eq!(d.code, Code::Io),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_forced_encoding_is_used_as_is() {
        assert_eq!(forced(EncodingChoice::Auto), None);
        assert_eq!(forced(EncodingChoice::Utf8), Some(encoding_rs::UTF_8));
        assert_eq!(
            forced(EncodingChoice::Iso885915),
            Some(encoding_rs::ISO_8859_15)
        );
    }
}
