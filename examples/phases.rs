use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let t = Instant::now();
    let src = policy::load::read_policy(std::path::Path::new(&args[1])).ok().unwrap();
    let plan = policy::check::check_source(&src, std::path::Path::new(".")).plan.unwrap();
    let loaded = policy::ledger::read(std::path::Path::new(&args[2]), None, &Default::default()).unwrap();
    let ledger = loaded.ledger.unwrap();
    eprintln!("read {:?}", t.elapsed()); if std::env::var_os("READ_ONLY").is_some() { std::process::exit(0) }
    let t = Instant::now();
    let w = policy::simulate::Window { from: None, to: chrono::NaiveDate::from_ymd_opt(2025,12,31).unwrap() };
    let sim = policy::simulate::simulate(&plan, &ledger, w, &policy::simulate::AsWritten);
    eprintln!("simulate {:?} {}", t.elapsed(), sim.len());
    let t = Instant::now();
    let f = std::io::BufWriter::new(std::fs::File::create("/tmp/sm/o.csv").unwrap());
    policy::simulate::output::csv(&plan, &ledger, &sim, f).unwrap();
    eprintln!("write {:?}", t.elapsed());
    let t = Instant::now();
    drop(sim); drop(ledger);
    eprintln!("drop {:?}", t.elapsed());
}
