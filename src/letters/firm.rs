//! The firm's details, from `firm.toml` (by default next to the policy):
//!
//! ```toml
//! name = "Fiduciaire Martin SA"
//! address = "12 rue de la Gare\nL-1611 Luxembourg"
//! email = "recouvrement@martin.lu"
//! phone = "+352 26 00 00 00"
//! company_id = "RCS B123456"
//! iban = "LU28 0019 4006 4475 0000"
//! ```
//!
//! Without the file the run still works, with empty fields and a warning.

use std::path::Path;

use super::context::Firm;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// The file name looked for next to the policy.
pub(crate) const DEFAULT_NAME: &str = "firm.toml";

/// The firm's details and what is worth saying about them.
#[derive(Debug, Clone)]
pub struct FirmDetails {
    pub firm: Firm,
    /// A missing file, empty fields.
    pub warnings: Vec<Diagnostic>,
}

/// Reads `path`. A missing file gives empty details and a warning; a file
/// that is not valid TOML, or has unknown keys, is an error at its line and
/// column.
pub fn read(path: &Path) -> Result<FirmDetails, Diagnostic> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(FirmDetails {
                firm: Firm::default(),
                warnings: vec![
                    Diagnostic::warning(
                        Code::FirmDetailsMissing,
                        format!("no firm details: `{shown}` does not exist"),
                    )
                    .with_help(
                        "letters will show empty sender fields; create the file with \
                         name, address, email, phone, company_id and iban (see docs/templates.md)",
                    )
                    .in_path(shown),
                ],
            });
        }
        Err(e) => return Err(crate::load::io_error(crate::load::Op::Read, path, &e)),
    };
    parse(&shown, &text)
}

/// Parses the text of a `firm.toml`.
pub fn parse(name: &str, text: &str) -> Result<FirmDetails, Diagnostic> {
    let firm: Firm = toml::from_str(text).map_err(|e| {
        let source = SourceFile::new(name, text.to_string());
        let span = e
            .span()
            .map_or(Span::new(0, 0), |r| Span::new(r.start, r.end));
        Diagnostic::error(
            Code::FirmDetailsInvalid,
            format!("invalid firm details: {}", e.message()),
        )
        .with_label(span, "here")
        .with_help(
            "keys: name, address, email, phone, company_id, iban, each a quoted string \
             (`name = \"Martin SA\"`); a multi-line address uses `\\n`",
        )
        .in_source(&source)
    })?;
    let missing: Vec<&str> = [
        ("name", &firm.name),
        ("address", &firm.address),
        ("email", &firm.email),
    ]
    .iter()
    .filter(|(_, value)| value.trim().is_empty())
    .map(|(key, _)| *key)
    .collect();
    let mut warnings = Vec::new();
    if !missing.is_empty() {
        warnings.push(
            Diagnostic::warning(
                Code::FirmDetailsMissing,
                format!("the firm's {} missing", list(&missing)),
            )
            .with_help("letters will show these fields empty; e-mails need `email`")
            .in_path(name.to_string()),
        );
    }
    Ok(FirmDetails { firm, warnings })
}

fn list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    if quoted.len() == 1 {
        format!("{} is", quoted[0])
    } else {
        format!("{} are", quoted.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_file_reads_without_warning() {
        let details = parse(
            "firm.toml",
            "name = \"Martin SA\"\naddress = \"1 rue X\\nL-1000 Luxembourg\"\n\
             email = \"a@b.lu\"\niban = \"LU00\"\n",
        )
        .unwrap();
        assert_eq!(details.firm.name, "Martin SA");
        assert_eq!(details.firm.address, "1 rue X\nL-1000 Luxembourg");
        assert!(details.warnings.is_empty());
    }

    #[test]
    fn a_missing_file_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let details = read(&dir.path().join("firm.toml")).unwrap();
        assert_eq!(details.firm, Firm::default());
        assert_eq!(details.warnings[0].code, Code::FirmDetailsMissing);
    }

    #[test]
    fn a_malformed_file_is_an_error_at_its_place() {
        let err = parse("firm.toml", "name = \"Martin\"\nemail = a@b.lu\n").unwrap_err();
        assert_eq!(err.code, Code::FirmDetailsInvalid);
        let (start, _) = err.range().unwrap();
        assert_eq!(start.line, 2);
        let err = parse("firm.toml", "name = \"Martin\"\nfax = \"1\"\n").unwrap_err();
        assert_eq!(err.range().unwrap().0.line, 2);
        assert!(err.message.contains("fax"), "{}", err.message);
    }

    #[test]
    fn empty_fields_are_named() {
        let details = parse("firm.toml", "name = \"Martin\"\n").unwrap();
        assert!(
            details.warnings[0]
                .message
                .contains("`address`, `email` are"),
            "{}",
            details.warnings[0].message
        );
    }
}
