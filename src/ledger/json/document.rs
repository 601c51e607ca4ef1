//! The top of a JSON ledger, `{"debtors": […], "entries": […]}`, read by
//! hand so that the entries can be left to the reading threads
//! (entries.rs) instead of one reader of the whole document. Only the
//! shape a program writes is read so: members named without escapes, each
//! once, `debtors` (if any) before `entries`. Anything else — another
//! shape serde_json would take, or text that is not JSON — makes [`head`]
//! or [`tail`] say `None`, and the file is read as one document by
//! serde_json, whose diagnostics are the reader's.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::entries::skip_blanks;
use super::offset_in;

/// What comes before the entries.
pub(super) struct Head<'a> {
    /// The `debtors` member (`None`: absent or null).
    pub debtors: Option<Vec<&'a RawValue>>,
    /// Whether a `debtors` member is written (null or not): a second one
    /// is an error of the document.
    pub debtors_written: bool,
    /// Right after the entries' `[`.
    pub entries: usize,
}

/// The members before the entries' array; `None` when the document is not
/// one this reads by hand.
pub(super) fn head(text: &str) -> Option<Head<'_>> {
    let bytes = text.as_bytes();
    let mut at = skip_blanks(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_blanks(bytes, at + 1);
    let mut debtors = None;
    let mut debtors_written = false;
    loop {
        let (name, value) = name(text, at)?;
        at = match name {
            "entries" => {
                return (bytes.get(value) == Some(&b'[')).then_some(Head {
                    debtors,
                    debtors_written,
                    entries: value + 1,
                });
            }
            "debtors" if !debtors_written => {
                debtors_written = true;
                let (raw, end) = self::value(text, value)?;
                debtors = serde_json::from_str::<Option<Vec<&RawValue>>>(raw.get()).ok()?;
                end
            }
            "debtors" => return None,
            _ => self::value(text, value)?.1,
        };
        at = skip_blanks(bytes, at);
        // A `}` here: no entries, which serde_json says.
        if bytes.get(at) != Some(&b',') {
            return None;
        }
        at = skip_blanks(bytes, at + 1);
    }
}

/// Checks the members after the entries' `]` (at `close`) and the end of
/// the text; `None` when the document is to be read whole (not JSON, a
/// member written twice, debtors after the entries).
pub(super) fn tail(text: &str, close: usize, mut debtors_written: bool) -> Option<()> {
    let bytes = text.as_bytes();
    let mut at = skip_blanks(bytes, close + 1);
    loop {
        match bytes.get(at) {
            Some(b'}') => return (skip_blanks(bytes, at + 1) == bytes.len()).then_some(()),
            Some(b',') => at = skip_blanks(bytes, at + 1),
            _ => return None,
        }
        let (name, value) = name(text, at)?;
        let (raw, end) = self::value(text, value)?;
        match name {
            "entries" => return None,
            // A null `debtors` is none; a list after the entries would
            // have been needed before them.
            "debtors" if !debtors_written && raw.get() == "null" => debtors_written = true,
            "debtors" => return None,
            _ => {}
        }
        at = skip_blanks(bytes, end);
    }
}

/// A member's name at `at` (no escape in it) and where its value starts.
fn name(text: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let rest = bytes.get(at + 1..)?;
    let len = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    if rest[len] != b'"' {
        return None;
    }
    let name = text.get(at + 1..at + 1 + len)?;
    let colon = skip_blanks(bytes, at + len + 2);
    if bytes.get(colon) != Some(&b':') {
        return None;
    }
    Some((name, skip_blanks(bytes, colon + 1)))
}

/// The JSON value at `at`, and where it ends.
fn value(text: &str, at: usize) -> Option<(&RawValue, usize)> {
    let mut de = serde_json::Deserializer::from_str(text.get(at..)?);
    let raw = <&RawValue>::deserialize(&mut de).ok()?;
    Some((raw, offset_in(text, raw.get()) + raw.get().len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(usize, Option<usize>)> {
        let head = head(text)?;
        let close = head.entries + text[head.entries..].find(']')?;
        tail(text, close, head.debtors_written)?;
        Some((head.entries, head.debtors.map(|d| d.len())))
    }

    #[test]
    fn reads_the_shape_programs_write() {
        assert_eq!(read(r#"{"entries": []}"#), Some((13, None)));
        assert_eq!(
            read(
                "\n{ \"debtors\" : [{}, 1] ,\"x\":{\"y\":[]},\r\n\t\"entries\":[] ,\"z\":null}\n "
            ),
            Some((51, Some(2)))
        );
        assert_eq!(
            read(r#"{"debtors": null, "entries": []}"#),
            Some((30, None))
        );
        assert_eq!(
            read(r#"{"entries": [], "debtors": null}"#),
            Some((13, None))
        );
    }

    #[test]
    fn leaves_anything_else_to_serde_json() {
        for text in [
            r#"[[], []]"#,
            r#"{"entr\u0069es": []}"#,
            r#"{"debtors": [], "entries": [], "debtors": []}"#,
            r#"{"debtors": null, "debtors": [], "entries": []}"#,
            r#"{"entries": [], "debtors": []}"#,
            r#"{"entries": [], "entries": []}"#,
            r#"{"entries": {}}"#,
            r#"{"debtors": {}, "entries": []}"#,
            r#"{"x": [}, "entries": []}"#,
            r#"{"x" 1, "entries": []}"#,
            r#"{"entries": []} x"#,
            r#"{"entries": [],}"#,
            r#"{"entries": []"#,
            r#"{"x": 1}"#,
            "{\"e\tntries\": []}",
            "",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
