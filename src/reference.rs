//! Payment references: the structured reference printed on a letter, carried
//! by the debtor's transfer and read back from the bank statement, so that the
//! payment comes back matched to its invoice.
//!
//! Two schemes, one per jurisdiction's banking habit:
//! - Belgium: the structured communication `+++123/4567/89012+++`, ten digits
//!   and two check digits, the remainder of the ten digits modulo 97 (97 when
//!   the remainder is 0). Febelfin, "Communication structurée", standard used
//!   by every Belgian bank.
//! - elsewhere: the ISO 11649 creditor reference `RFkk` + up to 21 letters and
//!   digits, the check digits computed as for an IBAN (ISO 7064 MOD 97-10).
//!
//! A reference is derived from the invoice number alone, so that every command
//! (letters, QR code, bank import) computes the same one without storing it.

use std::fmt;

use crate::vocab::Jurisdiction;

/// A payment reference, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reference {
    /// Belgian structured communication: the twelve digits, check included.
    Belgian(String),
    /// ISO 11649 creditor reference, electronic form (`RF18539007547034`).
    Creditor(String),
}

impl Reference {
    /// The reference for an invoice of a firm in `jurisdiction`.
    pub(crate) fn for_invoice(jurisdiction: Jurisdiction, invoice: &str) -> Reference {
        match jurisdiction {
            Jurisdiction::Be => Reference::belgian(invoice),
            _ => Reference::creditor(invoice),
        }
    }

    /// The reference of a letter claiming several invoices of one debtor:
    /// derived from the debtor's id, so that the bank import splits the
    /// payment across that debtor's open invoices. Always a digest (a
    /// Belgian communication of ten digits, an RF reference of twenty), so
    /// that it cannot be an invoice number's own digits.
    pub(crate) fn for_debtor(jurisdiction: Jurisdiction, debtor: &str) -> Reference {
        let seed = digest(&format!("debtor\u{0}{}", debtor.trim()));
        match jurisdiction {
            Jurisdiction::Be => {
                let base = (seed % 10_000_000_000) as u64;
                let check = match base % 97 {
                    0 => 97,
                    r => r,
                };
                Reference::Belgian(format!("{base:010}{check:02}"))
            }
            _ => {
                let body = format!("{:020}", seed % 100_000_000_000_000_000_000u128);
                let check = 98 - mod97(&format!("{body}RF00"));
                Reference::Creditor(format!("RF{check:02}{body}"))
            }
        }
    }

    /// The Belgian structured communication for an invoice: its digits when it
    /// is a number of at most ten digits, otherwise a stable digest of it.
    pub(crate) fn belgian(invoice: &str) -> Reference {
        let trimmed = invoice.trim();
        let base: u64 = if !trimmed.is_empty()
            && trimmed.len() <= 10
            && trimmed.bytes().all(|b| b.is_ascii_digit())
        {
            trimmed.parse().unwrap_or(0)
        } else {
            (digest(trimmed) % 10_000_000_000) as u64
        };
        let check = match base % 97 {
            0 => 97,
            r => r,
        };
        Reference::Belgian(format!("{base:010}{check:02}"))
    }

    /// The ISO 11649 reference for an invoice: its letters and digits when
    /// there are 1 to 21 of them, otherwise a stable digest.
    pub fn creditor(invoice: &str) -> Reference {
        let body: String = invoice
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let body = if body.is_empty() || body.len() > 21 {
            format!(
                "{:020}",
                digest(invoice.trim()) % 100_000_000_000_000_000_000u128
            )
        } else {
            body
        };
        let check = 98 - mod97(&format!("{body}RF00"));
        Reference::Creditor(format!("RF{check:02}{body}"))
    }

    /// The reference as a bank file or a QR code carries it: no spaces, no
    /// `+++` (the Belgian form is its twelve digits).
    pub(crate) fn electronic(&self) -> &str {
        match self {
            Reference::Belgian(digits) | Reference::Creditor(digits) => digits,
        }
    }

    /// Every valid reference written in a free text (a remittance line, a
    /// statement's communication), in order of appearance.
    pub(crate) fn find_in(text: &str) -> Vec<Reference> {
        let mut found = Vec::new();
        let upper: Vec<char> = text.chars().map(|c| c.to_ascii_uppercase()).collect();
        let mut at = 0;
        while at < upper.len() {
            if let Some((reference, used)) = belgian_at(&upper[at..]) {
                found.push(reference);
                at += used;
            } else if let Some((reference, used)) = creditor_at(&upper[at..]) {
                found.push(reference);
                at += used;
            } else {
                at += 1;
            }
        }
        found
    }

    /// Reads one reference given on its own (a structured field of a bank
    /// statement): Belgian with or without `+++`, slashes and spaces, or RF.
    pub fn parse(text: &str) -> Option<Reference> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '+' | '*' | '/'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.len() == 12 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return valid_belgian(&compact).then_some(Reference::Belgian(compact));
        }
        valid_creditor(&compact).then_some(Reference::Creditor(compact))
    }
}

impl fmt::Display for Reference {
    /// The printed form: `+++123/4567/89012+++`, or the RF reference in groups
    /// of four as ISO 11649 recommends for paper.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reference::Belgian(d) => {
                write!(f, "+++{}/{}/{}+++", &d[0..3], &d[3..7], &d[7..12])
            }
            Reference::Creditor(r) => {
                for (i, chunk) in r.as_bytes().chunks(4).enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(std::str::from_utf8(chunk).map_err(|_| fmt::Error)?)?;
                }
                Ok(())
            }
        }
    }
}

/// A Belgian structured communication at the start of `text`: `+++` or `***`,
/// then 3/4/5 digits (spaces allowed), then the same closing mark.
fn belgian_at(text: &[char]) -> Option<(Reference, usize)> {
    let mark = *text.first()?;
    if !matches!(mark, '+' | '*') || text.get(1) != Some(&mark) || text.get(2) != Some(&mark) {
        return None;
    }
    let mut digits = String::new();
    let mut at = 3;
    while let Some(&c) = text.get(at) {
        match c {
            '0'..='9' => digits.push(c),
            '/' | ' ' => {}
            _ => break,
        }
        at += 1;
        if digits.len() > 12 {
            return None;
        }
    }
    let closed = text.get(at..at + 3)?.iter().all(|&c| c == mark);
    (closed && digits.len() == 12 && valid_belgian(&digits))
        .then(|| (Reference::Belgian(digits), at + 3))
}

/// An RF reference at the start of `text`, not inside a longer word; spaces
/// between groups of four are allowed as on paper.
fn creditor_at(text: &[char]) -> Option<(Reference, usize)> {
    if text.first() != Some(&'R') || text.get(1) != Some(&'F') {
        return None;
    }
    let mut compact = String::from("RF");
    let mut at = 2;
    while let Some(&c) = text.get(at) {
        if c.is_ascii_alphanumeric() {
            compact.push(c);
        } else if c != ' ' || !text.get(at + 1).is_some_and(char::is_ascii_alphanumeric) {
            break;
        }
        at += 1;
        if compact.len() > 25 {
            break;
        }
    }
    // Spaces may have pulled in the next word: keep the longest valid prefix.
    let chars: Vec<char> = compact.chars().collect();
    for len in (5..=chars.len().min(25)).rev() {
        let candidate: String = chars[..len].iter().collect();
        if valid_creditor(&candidate) {
            let used = consumed(text, len);
            return Some((Reference::Creditor(candidate), used));
        }
    }
    None
}

/// How many characters of `text` hold its first `alphanumerics` letters and
/// digits.
fn consumed(text: &[char], alphanumerics: usize) -> usize {
    let mut seen = 0;
    for (i, c) in text.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            seen += 1;
            if seen == alphanumerics {
                return i + 1;
            }
        }
    }
    text.len()
}

fn valid_belgian(digits: &str) -> bool {
    let (Ok(base), Ok(check)) = (digits[..10].parse::<u64>(), digits[10..].parse::<u64>()) else {
        return false;
    };
    let expected = match base % 97 {
        0 => 97,
        r => r,
    };
    check == expected
}

fn valid_creditor(compact: &str) -> bool {
    let bytes = compact.as_bytes();
    if !(5..=25).contains(&bytes.len())
        || !compact.starts_with("RF")
        || !bytes[2].is_ascii_digit()
        || !bytes[3].is_ascii_digit()
        || !bytes[4..].iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    mod97(&format!("{}{}", &compact[4..], &compact[..4])) == 1
}

/// ISO 7064 MOD 97-10 over letters and digits, letters counting A = 10 … Z = 35.
fn mod97(text: &str) -> u32 {
    let mut rest = 0u32;
    for c in text.chars() {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => continue,
        };
        rest = if value >= 10 {
            (rest * 100 + value) % 97
        } else {
            (rest * 10 + value) % 97
        };
    }
    rest
}

/// FNV-1a: stable across runs, platforms and versions, unlike std's hasher.
fn digest(text: &str) -> u128 {
    let mut hash: u128 = 0x6c62272e07bb014262b821756295c58d;
    for byte in text.bytes() {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn belgian_check_digits_follow_febelfin() {
        // 0000012345 % 97 = 26 → +++000/0012/34526+++
        let r = Reference::belgian("12345");
        assert_eq!(r.electronic(), "000001234526");
        assert_eq!(r.to_string(), "+++000/0012/34526+++");
        // A remainder of 0 is written 97.
        assert_eq!(Reference::belgian("97").electronic(), "000000009797");
    }

    #[test]
    fn creditor_reference_matches_the_iso_example() {
        // ISO 11649's own example: RF18 5390 0754 7034.
        let r = Reference::creditor("539007547034");
        assert_eq!(r.electronic(), "RF18539007547034");
        assert_eq!(r.to_string(), "RF18 5390 0754 7034");
        assert_eq!(Reference::parse("RF18 5390 0754 7034"), Some(r));
        assert_eq!(Reference::parse("RF19 5390 0754 7034"), None);
    }

    #[test]
    fn invoice_numbers_with_letters_get_a_valid_reference() {
        // 98 - (F20260042RF00 as digits) mod 97 = 69, worked out independently.
        let r = Reference::creditor("F-2026-0042");
        assert_eq!(r.electronic(), "RF69F20260042");
        assert_eq!(Reference::parse(r.electronic()), Some(r.clone()));
        let long = Reference::creditor("an invoice number far longer than twenty-one characters");
        assert!(valid_creditor(long.electronic()));
        let be = Reference::belgian("F-2026-0042");
        assert!(valid_belgian(be.electronic()));
        assert_eq!(be, Reference::belgian("F-2026-0042"), "stable");
    }

    #[test]
    fn references_are_found_in_remittance_text() {
        let text = "Paiement facture +++000/0012/34526+++ et ref rf18 5390 0754 7034 merci";
        assert_eq!(
            Reference::find_in(text),
            vec![
                Reference::belgian("12345"),
                Reference::creditor("539007547034")
            ]
        );
        // A wrong check digit is not a reference.
        assert!(Reference::find_in("+++000/0012/34527+++").is_empty());
        assert_eq!(
            Reference::parse("***000/0012/34526***"),
            Some(Reference::belgian("12345"))
        );
    }

    #[test]
    fn the_scheme_follows_the_jurisdiction() {
        assert!(matches!(
            Reference::for_invoice(Jurisdiction::Be, "1"),
            Reference::Belgian(_)
        ));
        assert!(matches!(
            Reference::for_invoice(Jurisdiction::Lu, "1"),
            Reference::Creditor(_)
        ));
    }
}
