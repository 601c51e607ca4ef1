//! The report of the example book, read as a program reads a page: its
//! headline figures against the simulation's summary, its structure, its
//! languages.
