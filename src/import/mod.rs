//! Importing the firm's data from the files other tools produce.
//!
//! - [`bank`]: bank statements (ISO 20022 camt.053 and camt.054, Belgian
//!   CODA) whose credits become `payment` rows of the book.

pub mod bank;
