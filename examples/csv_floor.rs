//! The floor for simulation speed: reading the ledger and debtors files
//! record by record with the `csv` crate, doing nothing with the records.
//!
//! `cargo run --release --example csv_floor -- ledger.csv debtors.csv`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = Instant::now();
    let mut rows = 0usize;
    let mut bytes = 0usize;
    for path in std::env::args().skip(1) {
        let mut reader = csv::Reader::from_path(&path)?;
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record)? {
            rows += 1;
            bytes += record.as_slice().len();
        }
    }
    println!(
        "{rows} rows ({bytes} bytes of fields) in {:.3} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
