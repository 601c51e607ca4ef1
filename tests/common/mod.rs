//! What the CLI tests of the editing workflow share: a folder like a
//! legal-ops repository, with the LU policy, its templates and the example
//! book.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// A file of this repository.
pub fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A temporary folder holding `lu-b2b.policy`, `templates/lu/` and the
/// example `ledger.csv` and `debtors.csv`, so that reports show short
/// relative paths.
pub fn lu_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates/lu");
    std::fs::create_dir_all(&templates).unwrap();
    for entry in std::fs::read_dir(repo_file("policies/templates/lu")).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            continue; // the language folders (de/)
        }
        std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
    }
    std::fs::copy(
        repo_file("policies/lu-b2b.policy"),
        dir.path().join("lu-b2b.policy"),
    )
    .unwrap();
    for name in ["ledger.csv", "debtors.csv"] {
        std::fs::copy(
            repo_file(&format!("examples/{name}")),
            dir.path().join(name),
        )
        .unwrap();
    }
    dir
}

/// A Belgian policy using every kind of step and condition, for the
/// simulation tests on generated and fixture books.
pub const BOOK_POLICY: &str = "\
jurisdiction BE
minimum 20 EUR
after 10 days send relance_1 by email
after 5 business days from relance_1 if partially_paid call debtor
after 1 month send relance_2 by email, courrier
after 45 days if total >= 5000 or guaranteed send mise_en_demeure by recommandé to debtor, guarantor
charge indemnity 40 EUR
after 60 days if amount >= 15000 route tribunal_entreprise
after 60 days if amount < 15000 and b2b route justice_de_paix
after 90 days stop
";

/// What every letter must say for `policy check` to accept it, whatever
/// the jurisdiction and the kind of letter (docs/diagnostics.md,
/// `missing_mention`): the guarantee to a guarantor, the invoices'
/// description, the free reminder's 14 days and their end, the indemnity
/// and the penalty rate.
pub const MENTIONS: &str = "{% if to_guarantor %}En votre qualité de caution de {{ debtor.name }}{% if guarantee_limit %}, dans la limite de {{ guarantee_limit | money }}{% endif %}.{% endif %}\n\
{% for invoice in invoices %}Facture {{ invoice.number }}{% if invoice.description %} ({{ invoice.description }}){% endif %}.\n{% endfor %}\
Vous disposez de quatorze jours, jusqu'au {{ received | add_days(13) | date }} inclus ; à défaut : {{ indemnity_if_unpaid | money }}, une indemnité forfaitaire de 40 euros et des pénalités de retard au taux légal.\n";

/// A plain-text template (an e-mail, or a letter) with every mention.
pub fn text_letter(subject: &str) -> String {
    format!(
        "Objet : {subject}\n\nMadame, Monsieur,\n\n{MENTIONS}\nTotal : {{{{ total | money }}}}.\n"
    )
}

/// An HTML template (a letter, or an e-mail) with every mention.
pub fn html_letter(title: &str) -> String {
    format!(
        "<html><head><title>{title}</title></head><body><p>{MENTIONS}</p><p>{{{{ total | money }}}}</p></body></html>\n"
    )
}

/// `(date, invoice, KEY)` of each entry of `value[list]` (the JSON of
/// `policy simulate --format json`): `events` with `target` for the steps
/// fired, `ledger_events` with `event` for the book's own events.
pub fn triples(value: &serde_json::Value, list: &str, key: &str) -> Vec<(String, String, String)> {
    value[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap().to_string(),
                e["invoice"].as_str().unwrap().to_string(),
                e[key].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}
