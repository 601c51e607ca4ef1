//! The process's exit code, decided in one place from the class of the
//! errors a command met.

/// Exit codes, as documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing wrong.
    Ok = 0,
    /// Findings: errors in a policy or a ledger (or warnings, when denied).
    Findings = 1,
    /// Usage or I/O failure: the command could not do its job.
    Failure = 2,
}

impl Exit {
    /// The exit for these diagnostics: the worst class of their errors
    /// ([`crate::diagnostic::Code::class`]), `Ok` with warnings only.
    pub fn of(
        diagnostics: impl IntoIterator<Item = impl std::borrow::Borrow<crate::diagnostic::Diagnostic>>,
    ) -> Exit {
        diagnostics
            .into_iter()
            .filter(|d| d.borrow().is_error())
            .map(|d| match d.borrow().code.class() {
                crate::diagnostic::Class::Finding => Exit::Findings,
                crate::diagnostic::Class::Failure => Exit::Failure,
            })
            .max()
            .unwrap_or(Exit::Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;
    use crate::diagnostic::{Code, Diagnostic};

    #[test]
    fn the_exit_is_the_worst_class_of_the_errors() {
        let io = Diagnostic::error(Code::Io, "cannot read");
        let syntax = Diagnostic::error(Code::Syntax, "unexpected word");
        let warning = Diagnostic::warning(Code::NeverFires, "never fires");
        assert_eq!(Exit::of([&warning]), Exit::Ok);
        assert_eq!(Exit::of([&syntax, &warning]), Exit::Findings);
        assert_eq!(Exit::of([&syntax, &io]), Exit::Failure);
        // A journal that was altered is a finding; one locked, a failure.
        let altered = Diagnostic::error(Code::JournalAltered, "altered");
        let locked = Diagnostic::error(Code::JournalLocked, "locked");
        assert_eq!(Exit::of([&altered]), Exit::Findings);
        assert_eq!(Exit::of([&locked]), Exit::Failure);
    }
}
