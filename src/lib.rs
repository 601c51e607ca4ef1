//! `policy`: compile, check, simulate and run debt-collection policies.
//!
//! Data flows one way: text → [`syntax`] → [`ast`] → [`plan`] → [`check`],
//! simulation, execution. [`cli`] is the command line on top.
#![deny(clippy::arithmetic_side_effects)]

pub mod amount;
pub mod ast;
pub mod calendar;
pub mod check;
pub mod claim;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod dossier;
pub mod explain;
pub mod format;
pub mod import;
pub mod journal;
pub mod law;
pub mod ledger;
pub mod letters;
pub mod load;
pub mod lsp;
pub mod plan;
mod prefetch;
pub mod reference;
pub mod report;
pub mod run;
pub mod simulate;
pub mod source;
pub mod spreadsheet;
pub mod suggest;
pub mod syntax;
pub mod table;
pub mod vocab;
pub mod watch;
