//! Reading policy files from disk: the paths a user gives, the files in a
//! folder, and the bytes of each file turned into checked text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// The policy files named by `paths`: files as given, folders searched
/// (recursively, hidden folders skipped) for `*.policy`, sorted.
pub fn policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| io_error(Op::Read, path, &e))?;
        if !meta.is_dir() {
            files.push(path.clone());
            continue;
        }
        let before = files.len();
        let walker = walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = entry.map_err(|e| {
                let at = e.path().map_or_else(|| path.clone(), Path::to_path_buf);
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("cannot walk the folder"));
                io_error(Op::Read, &at, &io)
            })?;
            if entry.file_type().is_file()
                && entry.path().extension().is_some_and(|ext| ext == "policy")
            {
                files.push(entry.into_path());
            }
        }
        if files.len() == before {
            return Err(Diagnostic::error(
                Code::NoPolicyFiles,
                format!("no `.policy` file in `{}`", path.display()),
            )
            .with_help("name policy files `NAME.policy`, or give the files themselves")
            .in_path(path.display().to_string()));
        }
    }
    Ok(files)
}

/// A policy read and checked without errors: what every command that
/// runs a policy (run, simulate, explain, dossier) starts from.
#[derive(Debug)]
pub struct Loaded {
    pub source: Arc<SourceFile>,
    pub plan: crate::plan::Plan,
    /// The folder its relative paths (templates, firm.toml) are read from.
    pub dir: PathBuf,
    /// The checker's warnings.
    pub warnings: crate::diagnostic::Diagnostics,
}

/// Why a policy cannot be run.
#[derive(Debug)]
pub struct Unusable {
    pub diagnostics: crate::diagnostic::Diagnostics,
    /// The file was read and the checker found errors (not a file that
    /// could not be read).
    pub has_errors: bool,
}

/// Reads the policy at `path` and checks it, its templates kept inside
/// `root` (or its folder), its legal rules reading `rates`.
pub fn policy(
    path: &Path,
    root: Option<&Path>,
    rates: &crate::claim::RateTable,
) -> Result<Loaded, Unusable> {
    let source = read_policy(path).map_err(|d| Unusable {
        diagnostics: vec![d].into(),
        has_errors: false,
    })?;
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let setting = crate::check::Setting {
        dir: &dir,
        root,
        rates,
    };
    let checked = crate::check::check(&source, &setting);
    match checked.plan {
        Some(plan) => Ok(Loaded {
            source,
            plan,
            dir,
            warnings: checked.diagnostics,
        }),
        None => Err(Unusable {
            diagnostics: checked.diagnostics,
            has_errors: true,
        }),
    }
}

/// Reads a book (the ledger and its debtors, every amount in the options'
/// currency) and checks that the debtors file has the columns the
/// `plans`' conditions read. `Ok`: the ledger and its warnings; `Err`: the
/// problems.
pub fn book(
    ledger: &Path,
    debtors: Option<&Path>,
    options: &crate::ledger::ReadOptions,
    plans: &[&crate::plan::Plan],
) -> Result<(crate::ledger::Ledger, crate::diagnostic::Diagnostics), crate::diagnostic::Diagnostics>
{
    let loaded = crate::ledger::read(ledger, debtors, options).map_err(|d| vec![d])?;
    let Some(book) = loaded.ledger else {
        return Err(loaded.diagnostics);
    };
    let columns = crate::ledger::debtor_columns(&book.debtors);
    let name = debtors_name(ledger, debtors);
    let unknown: Vec<Diagnostic> = plans
        .iter()
        .flat_map(|plan| crate::check::columns::unknown_columns(plan, &columns, &name))
        .collect();
    if unknown.is_empty() {
        Ok((book, loaded.diagnostics))
    } else {
        Err(unknown.into())
    }
}

/// The debtors file as diagnostics name it: as given, else the
/// `debtors.csv` beside the ledger, else the ledger (a JSON ledger
/// carrying its debtors).
pub(crate) fn debtors_name(ledger: &Path, debtors: Option<&Path>) -> String {
    crate::ledger::debtors_file(ledger, debtors)
        .unwrap_or_else(|_| ledger.to_path_buf())
        .display()
        .to_string()
}

/// Reads one policy file as text.
pub fn read_policy(path: &Path) -> Result<Arc<SourceFile>, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| io_error(Op::Read, path, &e))?;
    text_source(path.display().to_string(), bytes)
}

/// Checks that bytes are policy text: UTF-8, without NUL bytes.
pub fn text_source(name: String, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(at) = text.find('\0') {
                let source = SourceFile::new(name, text.replace('\0', " "));
                return Err(Diagnostic::error(Code::NotText, "this file is not text")
                    .with_label(Span::new(at, at + 1), "a NUL byte")
                    .with_help("a policy is a plain text file; is this the right file?")
                    .in_source(&source));
            }
            Ok(SourceFile::new(name, text))
        }
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let line_end = bytes[valid..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |p| valid + p);
            let shown = String::from_utf8_lossy(&bytes[..line_end]).into_owned();
            let source = SourceFile::new(name, shown);
            let at = prefix.len();
            Err(
                Diagnostic::error(Code::InvalidUtf8, "this file is not valid UTF-8")
                    .with_label(Span::new(at, at + char::REPLACEMENT_CHARACTER.len_utf8()), "this byte is not UTF-8")
                    .with_help("save the file as UTF-8 (in most editors: File › Save with encoding › UTF-8)")
                    .in_source(&source),
            )
        }
    }
}

/// Why a file could not be written, and what to do about it, by the real
/// cause: a full disk is not a name too long, nor a permission.
pub(crate) fn write_cause(err: &std::io::Error) -> (String, &'static str) {
    use std::io::ErrorKind;
    if name_too_long(err) {
        return (
            "a file or folder name is too long (ENAMETOOLONG)".into(),
            "shorten the path: the outbox's or the journal's folder names are too long for the file system",
        );
    }
    match err.kind() {
        ErrorKind::StorageFull => (
            "the disk is full".into(),
            "free space, then run again: nothing is lost, the journal says what was done",
        ),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => (
            "permission denied".into(),
            "let this user write the folder (or mount it writable), then run again",
        ),
        ErrorKind::NotADirectory => (
            "a parent is not a folder".into(),
            "a file stands where a folder of the path should be: move it away",
        ),
        _ => (
            err.to_string(),
            "fix the cause above, then run again: nothing is lost, the journal says what was done",
        ),
    }
}

fn name_too_long(err: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        err.raw_os_error() == Some(libc::ENAMETOOLONG)
    }
    #[cfg(not(target_os = "linux"))]
    {
        err.to_string().to_lowercase().contains("too long")
    }
}

/// What was being done to a file when the system refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Read,
    /// Listing a folder's files.
    List,
    Create,
    Write,
    Rename,
    Lock,
}

/// The one constructor of I/O diagnostics: the operation attempted, the
/// path, the real cause (not found, permission, a full disk, a name too
/// long) and help that fits them. Reading and listing are `policy::io`;
/// creating, writing, renaming and locking `policy::write_failed`.
pub(crate) fn io_error(op: Op, path: &Path, err: &std::io::Error) -> Diagnostic {
    let shown = path.display();
    let (code, verb) = match op {
        Op::Read => (Code::Io, "read"),
        Op::List => (Code::Io, "list the folder"),
        Op::Create => (Code::WriteFailed, "create"),
        Op::Write => (Code::WriteFailed, "write"),
        Op::Rename => (Code::WriteFailed, "rename to"),
        Op::Lock => (Code::WriteFailed, "lock"),
    };
    let (why, help) = match op {
        Op::Read | Op::List => {
            let why = match err.kind() {
                std::io::ErrorKind::NotFound => "not found".to_string(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                _ => err.to_string(),
            };
            (why, "check the path and that you may read it")
        }
        Op::Create | Op::Write | Op::Rename | Op::Lock => write_cause(err),
    };
    Diagnostic::error(code, format!("cannot {verb} `{shown}`: {why}"))
        .with_help(help)
        .in_path(shown.to_string())
}

#[cfg(test)]
mod io_tests {
    use super::*;

    #[test]
    fn an_io_error_names_what_was_attempted_and_why() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let d = io_error(Op::Read, Path::new("book.csv"), &missing);
        assert_eq!(d.code, Code::Io);
        assert_eq!(d.message, "cannot read `book.csv`: not found");
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let d = io_error(Op::Create, Path::new("out/2026-12-07"), &full);
        assert_eq!(d.code, Code::WriteFailed);
        assert_eq!(
            d.message,
            "cannot create `out/2026-12-07`: the disk is full"
        );
        assert!(d.help.as_deref().is_some_and(|h| h.contains("free space")));
    }
}
