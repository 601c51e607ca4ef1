//! The documentation stays in step with the code: every analysis and legal
//! rule has its section in docs/diagnostics.md, and every catalogue name a
//! policy may write is listed in docs/legal-rules.md.

#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // a failing test panics

use policy::check::{ANALYSIS_CODES, SILENCEABLE};
use policy::law;
use policy::vocab::Jurisdiction;

fn doc(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/").to_string() + name;
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_analysis_and_legal_code_has_a_section() {
    let text = doc("diagnostics.md");
    let missing: Vec<&str> = SILENCEABLE
        .iter()
        .chain(ANALYSIS_CODES)
        .map(|c| c.as_str())
        .filter(|code| !text.contains(&format!("### `{code}`")))
        .collect();
    assert!(missing.is_empty(), "undocumented: {missing:?}");
    assert!(text.contains("## Analysis") && text.contains("## Legal rules"));
}

#[test]
fn every_catalogue_name_is_documented() {
    let text = doc("legal-rules.md");
    let mut missing = Vec::new();
    for &j in Jurisdiction::ALL {
        let pack = law::pack(j);
        let destinations = pack
            .destinations
            .iter()
            .flat_map(|d| std::iter::once(d.name).chain(d.aliases.iter().copied()));
        let procedures = pack
            .procedures
            .iter()
            .chain(law::eu::procedures(j))
            .flat_map(|p| std::iter::once(p.name).chain(p.aliases.iter().copied()));
        for name in destinations.chain(procedures) {
            if !text.contains(&format!("`{name}`")) {
                missing.push(format!("{j}: {name}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in docs/legal-rules.md: {missing:?}"
    );
}
