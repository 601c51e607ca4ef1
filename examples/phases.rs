use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let t = Instant::now();
    let src = policy::load::read_policy(std::path::Path::new(&args[1])).ok().unwrap();
    let plan = policy::check::check_source(&src, std::path::Path::new(".")).plan.unwrap();
    let loaded = policy::ledger::read(std::path::Path::new(&args[2]), None, &Default::default()).unwrap();
    let ledger = loaded.ledger.unwrap();
    eprintln!("read {:?}", t.elapsed());
    let w = policy::simulate::Window { from: None, to: chrono::NaiveDate::from_ymd_opt(2025,12,31).unwrap() };
    let t = Instant::now();
    let f = std::io::BufWriter::new(std::fs::File::create("/tmp/sm/o.csv").unwrap());
    policy::simulate::output::csv_streamed(&plan, &ledger, w, &policy::simulate::AsWritten, f).unwrap();
    eprintln!("streamed {:?}", t.elapsed());
    let t = Instant::now();
    let sim = policy::simulate::simulate(&plan, &ledger, w, &policy::simulate::AsWritten);
    eprintln!("simulate {:?} {}", t.elapsed(), sim.len());
    let t = Instant::now();
    let f = std::io::BufWriter::new(std::fs::File::create("/tmp/sm/o2.csv").unwrap());
    policy::simulate::output::csv(&plan, &ledger, &sim, f).unwrap();
    eprintln!("write {:?}", t.elapsed());
    std::mem::forget(sim); std::mem::forget(ledger);
}
