//! What a letter gives the debtor to pay with: the payment reference of
//! the claim ([`crate::reference`]) and the European Payments Council's
//! SEPA credit transfer QR code ("GiroCode", EPC069-12 version 2.1), which
//! banking apps scan to fill in the transfer: the creditor's name and IBAN
//! from firm.toml, the amount claimed and the reference.
//!
//! The code is drawn here, exactly, from the `qrcode` crate's modules: an
//! inline SVG for HTML letters, a PNG for e-mail attachments.

use rust_decimal::Decimal;

use crate::reference::Reference;

/// What the debtor is asked to pay, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// The claim's reference: the invoice's own for a letter about one
    /// invoice, the debtor's for a letter claiming several.
    pub reference: Reference,
    /// The amount claimed (principal, indemnity, interest).
    pub amount: Decimal,
    /// The EPC QR payload, when the firm's IBAN is known, the currency is
    /// the euro and the amount is one a transfer can carry.
    pub qr: Option<String>,
}

/// The attachment's file name.
pub(crate) const QR_FILE_NAME: &str = "virement-qr.png";

/// The EPC069-12 payload (version 002, UTF-8, SEPA credit transfer), or
/// `None` when a field cannot be given: no IBAN, a currency other than the
/// euro, an amount outside 0.01 – 999,999,999.99, no name.
///
/// Lines, in order: `BCD`, `002`, `1` (UTF-8), `SCT`, the BIC (optional
/// in version 002: empty), the creditor's name (70 characters at most),
/// the IBAN, `EUR` and the amount, the purpose (empty), the structured
/// reference (an RF reference, or the Belgian structured communication's
/// twelve digits as Belgian banks read it), the unstructured remittance
/// (empty: one or the other), the information to the debtor (empty).
pub(crate) fn epc_payload(
    name: &str,
    iban: &str,
    bic: &str,
    currency: &str,
    amount: Decimal,
    reference: &Reference,
) -> Option<String> {
    let iban: String = iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid_iban = (15..=34).contains(&iban.len())
        && iban.chars().all(|c| c.is_ascii_alphanumeric())
        && iban_checks(&iban);
    let name: String = name.trim().chars().take(70).collect();
    let amount = crate::claim::cents(amount);
    let in_range = amount >= Decimal::new(1, 2) && amount <= Decimal::new(99_999_999_999, 2);
    if !valid_iban || name.is_empty() || !currency.eq_ignore_ascii_case("EUR") || !in_range {
        return None;
    }
    let bic: String = bic.chars().filter(|c| !c.is_whitespace()).collect();
    let lines = [
        "BCD".to_string(),
        "002".to_string(),
        "1".to_string(),
        "SCT".to_string(),
        bic,
        name,
        iban,
        format!("EUR{amount:.2}"),
        String::new(),
        reference.electronic().to_string(),
        String::new(),
        String::new(),
    ];
    Some(lines.join("\n"))
}

/// ISO 13616 check digits (MOD 97-10 on the rearranged IBAN).
fn iban_checks(iban: &str) -> bool {
    let (head, tail) = iban.split_at(4);
    let mut rest = 0u32;
    for c in tail.chars().chain(head.chars()) {
        let Some(value) = c.to_digit(36) else {
            return false;
        };
        for digit in value.to_string().chars() {
            rest = (rest * 10 + digit.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    rest == 1
}

/// The modules of the QR code of `payload` at error correction level M (as
/// EPC069-12 requires): `(width, dark modules row by row)`. One mask,
/// pattern 0 (ISO 18004 allows any of the eight; trying all eight for the
/// lowest penalty took 90 % of a catch-up run's 58,000 letters, about
/// 1.7 ms a code, for no reader's benefit: the QR code of a payment is
/// small and printed large).
/// A drawn code: its width and its dark modules, row by row.
type Drawn = Option<(usize, Vec<bool>)>;

fn modules(payload: &str) -> Drawn {
    // An e-mail draws its code twice, in the HTML (SVG) and as the PNG
    // attached, one after the other on the thread rendering it: the last
    // code drawn on each thread is kept for the second.
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, Drawn)>> =
            const { std::cell::RefCell::new(None) };
    }
    let cached = LAST.with_borrow(|last| match last {
        Some((p, drawn)) if p == payload => Some(drawn.clone()),
        _ => None,
    });
    if let Some(drawn) = cached {
        return drawn;
    }
    let drawn = draw(payload);
    LAST.set(Some((payload.to_string(), drawn.clone())));
    drawn
}

fn draw(payload: &str) -> Drawn {
    use qrcode::canvas::{Canvas, MaskPattern};
    let bits = qrcode::bits::encode_auto(payload.as_bytes(), qrcode::EcLevel::M).ok()?;
    let version = bits.version();
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, qrcode::EcLevel::M).ok()?;
    let mut canvas = Canvas::new(version, qrcode::EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    let width = version.width();
    let width = usize::try_from(width).ok()?;
    let dark = canvas
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    Some((width, dark))
}

/// Whether `payload` has a QR code (it fits one), drawing it once for the
/// SVG or PNG that follows.
pub(crate) fn has_code(payload: &str) -> bool {
    modules(payload).is_some_and(|(width, _)| width > 0)
}

/// The quiet zone around the code, in modules (ISO 18004: four).
const QUIET: usize = 4;

/// The code as an inline SVG element: one path, a white quiet zone, 4 cm
/// wide printed.
pub fn svg(payload: &str) -> Option<String> {
    let (width, dark) = modules(payload)?;
    let size = width + 2 * QUIET;
    // The coordinates' digits written once: a letter's code has a few
    // hundred dark modules, and formatting each was a tenth of a catch-up
    // run's CPU.
    let numbers: Vec<String> = (0..size).map(|n| n.to_string()).collect();
    let mut path = String::with_capacity(dark.len() * 8);
    for (i, on) in dark.iter().enumerate() {
        if *on {
            let (x, y) = (i % width + QUIET, i / width + QUIET);
            let (Some(x), Some(y)) = (numbers.get(x), numbers.get(y)) else {
                return None;
            };
            path.push('M');
            path.push_str(x);
            path.push(' ');
            path.push_str(y);
            path.push_str("h1v1h-1z");
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"epc-qr\" role=\"img\" aria-label=\"QR\" \
         viewBox=\"0 0 {size} {size}\" width=\"40mm\" height=\"40mm\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// The code as a PNG image (8 pixels a module, black and white), for an
/// e-mail. One bit a pixel: a module is then one byte of a row, and the
/// image an eighth of the data an 8-bit one was to filter and compress
/// (the PNG of a letter was a sixth of a catch-up run's CPU).
pub fn png(payload: &str) -> Option<Vec<u8>> {
    const SCALE: usize = 8;
    let (width, dark) = modules(payload)?;
    if width == 0 {
        return None;
    }
    let side = width + 2 * QUIET;
    let quiet = vec![0xFFu8; side];
    let mut pixels = Vec::with_capacity(side * side * SCALE);
    for _ in 0..QUIET * SCALE {
        pixels.extend_from_slice(&quiet);
    }
    for row in dark.chunks(width) {
        let mut line = quiet.clone();
        for (byte, on) in line.iter_mut().skip(QUIET).zip(row) {
            if *on {
                *byte = 0;
            }
        }
        for _ in 0..SCALE {
            pixels.extend_from_slice(&line);
        }
    }
    for _ in 0..QUIET * SCALE {
        pixels.extend_from_slice(&quiet);
    }
    let mut out = Vec::new();
    {
        let pixels_side = u32::try_from(side * SCALE).ok()?;
        let mut encoder = png::Encoder::new(&mut out, pixels_side, pixels_side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        // Two levels in large runs, each row of modules repeated eight
        // times: the fastest setting (each row filtered against the one
        // above, so seven rows in eight are zeros) compresses them as well
        // as the adaptive filter, which tried all five on every row.
        encoder.set_compression(png::Compression::Fastest);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&pixels).ok()?;
        writer.finish().ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_follows_epc069_12() {
        let reference = Reference::creditor("F25-0000001");
        let payload = epc_payload(
            "Fiduciaire Martin SA",
            "LU28 0019 4006 4475 0000",
            "",
            "EUR",
            "1234.5".parse().unwrap(),
            &reference,
        )
        .unwrap();
        assert_eq!(
            payload,
            format!(
                "BCD\n002\n1\nSCT\n\nFiduciaire Martin SA\nLU280019400644750000\nEUR1234.50\n\n{}\n\n",
                reference.electronic()
            )
        );
        let bad = |iban: &str, currency: &str, amount: &str| {
            epc_payload("X", iban, "", currency, amount.parse().unwrap(), &reference)
        };
        assert!(
            bad("LU28 0019 4006 4475 0001", "EUR", "1").is_none(),
            "check digits"
        );
        assert!(bad("LU28 0019 4006 4475 0000", "CHF", "1").is_none());
        assert!(bad("LU28 0019 4006 4475 0000", "EUR", "0").is_none());
        assert!(bad("LU28 0019 4006 4475 0000", "EUR", "1000000000").is_none());
    }
}
