//! A small document model between the dossier and its formats: the layout
//! is decided once ([`super::layout`]) and written out as Markdown or HTML,
//! so both always say the same thing. Text is kept raw here; each writer
//! escapes it for its format.

/// A run of text within a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inline {
    Text(String),
    Strong(String),
    /// Hashes, paths, ids, server answers: shown verbatim in monospace.
    Code(String),
    /// What the dossier highlights: the mise en demeure.
    Mark(String),
}

pub(crate) type Line = Vec<Inline>;

pub fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

pub(crate) fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

pub fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

pub(crate) fn mark(s: impl Into<String>) -> Inline {
    Inline::Mark(s.into())
}

/// How a table row stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Emphasis {
    None,
    /// A total.
    Strong,
    /// A mise en demeure.
    Mark,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Line>,
    pub emphasis: Emphasis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Table {
    pub head: Vec<&'static str>,
    /// Right-aligned columns (amounts).
    pub right: Vec<bool>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// The document's title (one per document).
    Title(String),
    /// A section (level 2) or subsection (level 3) heading.
    Heading(u8, Line),
    Para(Line),
    List(Vec<Line>),
    /// Labelled values: a debtor's name, address…
    Fields(Vec<(&'static str, Line)>),
    Table(Table),
    /// A box that stands out: the mise en demeure.
    Highlight(Vec<Block>),
    /// Blocks kept together on paper (one action).
    Keep(Vec<Block>),
}
