//! The strict floor of a JSON ledger: reading the file with serde_json,
//! the standard strict reader of the format, into `serde::de::IgnoredAny`
//! (every byte checked, nothing kept), as the CSV floor reads a CSV file
//! into one reused `ByteRecord` (examples/csv_floor.rs). CSV files given
//! (the debtors) are read so.
//!
//! `cargo run --release --example json_floor -- ledger.json debtors.csv`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    for path in std::env::args().skip(1) {
        if path.ends_with(".json") {
            let bytes = std::fs::read(&path)?;
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes)?;
        } else {
            let mut reader = csv::Reader::from_path(&path)?;
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record)? {
                std::hint::black_box(&record);
            }
        }
    }
    println!("strict floor {:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
