//! Ledgers for the library's unit tests, read from their files' text as
//! a user's would be.

use super::{Ledger, ReadOptions};

/// The ledger of a debtors file and a ledger file with these texts, read
/// from a temporary folder with the default options; panics on a problem.
pub(crate) fn ledger_of(debtors: &str, ledger: &str) -> Ledger {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("debtors.csv"), debtors).unwrap();
    std::fs::write(dir.path().join("ledger.csv"), ledger).unwrap();
    let loaded = super::read(
        &dir.path().join("ledger.csv"),
        None,
        &ReadOptions::default(),
    )
    .unwrap();
    loaded
        .ledger
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
}
