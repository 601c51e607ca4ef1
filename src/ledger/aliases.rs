//! The names firms' exports give the columns of a ledger and of a debtors
//! file: French accounting and ERP exports (Sage, Cegid, EBP, Odoo) say
//! `Client`, `Montant`, `Échéance`. Used to suggest the right column when
//! one is missing; names compare without case, accents or punctuation.

use crate::suggest;

/// Each column of the contract (docs/ledger.md) and the names it goes by.
pub(crate) const ALIASES: &[(&str, &[&str])] = &[
    (
        "date",
        &[
            "date facture",
            "date de facture",
            "date piece",
            "date emission",
            "date d emission",
            "date operation",
            "date comptable",
            "datum",
        ],
    ),
    (
        "type",
        &[
            "type piece",
            "type de piece",
            "type document",
            "type de document",
            "nature",
            "sens",
        ],
    ),
    (
        "invoice",
        &[
            "facture",
            "n facture",
            "no facture",
            "num facture",
            "numero facture",
            "numero de facture",
            "reference",
            "ref",
            "piece",
            "n piece",
            "numero piece",
            "factuur",
            "rechnung",
        ],
    ),
    (
        "debtor",
        &[
            "code client",
            "n client",
            "no client",
            "numero client",
            "num client",
            "compte client",
            "client",
            "debiteur",
            "tiers",
            "code tiers",
            "klant",
            "kunde",
        ],
    ),
    (
        "amount",
        &[
            "montant ttc",
            "total ttc",
            "montant",
            "montant du",
            "debit",
            "bedrag",
            "betrag",
        ],
    ),
    (
        "due",
        &[
            "echeance",
            "date echeance",
            "date d echeance",
            "date limite",
            "vervaldag",
            "vervaldatum",
            "faelligkeit",
            "falligkeit",
            "echeance le",
        ],
    ),
    ("currency", &["devise", "monnaie", "valuta", "wahrung"]),
    ("until", &["jusqu au", "fin", "date de fin", "date promise"]),
    ("reason", &["motif", "raison", "commentaire"]),
    (
        "published",
        &["publication", "date de publication", "date publication"],
    ),
    ("id", &["code client", "client", "n client", "identifiant"]),
    ("name", &["nom", "raison sociale", "denomination", "naam"]),
    ("kind", &["type client", "categorie", "genre"]),
    ("country", &["pays", "land", "code pays"]),
];

/// A column name reduced for comparison: lower case, no accents, every run
/// of other characters one space (`N° facture` → `n facture`).
pub(crate) fn normalise(name: &str) -> String {
    let folded = suggest::fold(name);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// The header among `found` that is most likely the column `wanted`: one of
/// its known names, else a close spelling.
pub(crate) fn likely<'a>(wanted: &str, found: &'a [String]) -> Option<&'a str> {
    let names = ALIASES
        .iter()
        .find(|(column, _)| *column == wanted)
        .map_or(&[][..], |(_, names)| *names);
    found
        .iter()
        .find(|header| names.contains(&normalise(header).as_str()))
        .map(String::as_str)
        .or_else(|| suggest::closest(wanted, found.iter().map(String::as_str)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_export_names_are_recognised() {
        let found: Vec<String> = [
            "Date",
            "Type",
            "N° facture",
            "Client",
            "Montant TTC",
            "Échéance",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(likely("invoice", &found), Some("N° facture"));
        assert_eq!(likely("debtor", &found), Some("Client"));
        assert_eq!(likely("amount", &found), Some("Montant TTC"));
        assert_eq!(likely("due", &found), Some("Échéance"));
        assert_eq!(likely("currency", &found), None);
        assert_eq!(normalise("  Date d'échéance "), "date d echeance");
    }
}
