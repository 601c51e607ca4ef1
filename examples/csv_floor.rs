//! The floor for simulation speed: reading the ledger and debtors files
//! record by record with the `csv` crate, doing nothing with the records:
//! as the crate's documentation reads a file (`reader.records()`), and
//! strictly (one reused `ByteRecord`, no UTF-8 check).
//!
//! `cargo run --release --example csv_floor -- ledger.csv debtors.csv`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let start = Instant::now();
    let mut rows = 0usize;
    for path in &paths {
        let mut reader = csv::Reader::from_path(path)?;
        for record in reader.records() {
            std::hint::black_box(record?);
            rows += 1;
        }
    }
    let floor = start.elapsed().as_secs_f64();
    let start = Instant::now();
    for path in &paths {
        let mut reader = csv::Reader::from_path(path)?;
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record)? {
            std::hint::black_box(&record);
        }
    }
    let strict = start.elapsed().as_secs_f64();
    println!("{rows} rows: records() {floor:.3} s, reused ByteRecord {strict:.3} s");
    Ok(())
}
