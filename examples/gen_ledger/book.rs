//! A reproducible synthetic book of receivables: debtors (B2B and B2C, some
//! with a guarantor) and a year of invoices with what happened to each (paid
//! on time, late, in part, never; credit notes; disputes). Used for the
//! example files, the benchmark and tests.
//!
//! The random generator is written here (SplitMix64) rather than taken from
//! a crate, so that a seed gives the same book with any crate version.

use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::{Datelike, Days, NaiveDate};

/// SplitMix64: small, fast, and the same sequence forever.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub invoices: usize,
    pub debtors: usize,
    pub seed: u64,
    pub start: NaiveDate,
    /// Invoices are issued over this many days from `start`.
    pub days: u32,
    /// Write the FR/BE/LU spreadsheet dialect (`;`, `1 234,56`, DD/MM/YYYY, BOM, CRLF).
    pub locale: bool,
    /// Realistic names and addresses (the example book); ids only otherwise.
    pub names: bool,
    /// Percent of debtors with an exception (a hold, a promise kept or
    /// broken, a payment plan, or an insolvency; docs/ledger.md); 0 writes
    /// the six columns of a plain book.
    pub exceptions: u64,
}

/// An exception row (docs/ledger.md, "Exceptions").
#[derive(Debug, Clone)]
pub struct Exception {
    pub date: NaiveDate,
    pub kind: &'static str,
    /// `None`: the debtor's (all its invoices).
    pub invoice: Option<u32>,
    pub debtor: u32,
    pub cents: Option<i64>,
    pub due: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub reason: &'static str,
    pub procedure: &'static str,
    pub published: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct Debtor {
    pub id: String,
    pub name: String,
    pub b2b: bool,
    pub country: &'static str,
    pub email: String,
    pub address: String,
    pub guarantor: Option<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Invoice,
    Payment,
    CreditNote,
    Dispute,
    Resolve,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Invoice => "invoice",
            Kind::Payment => "payment",
            Kind::CreditNote => "credit_note",
            Kind::Dispute => "dispute",
            Kind::Resolve => "resolve",
        }
    }
}

/// One ledger row; amounts in cents.
#[derive(Debug, Clone)]
pub struct Row {
    pub date: NaiveDate,
    pub kind: Kind,
    pub invoice: u32,
    pub debtor: u32,
    pub cents: i64,
    pub due: Option<NaiveDate>,
}

pub struct Book {
    pub debtors: Vec<Debtor>,
    pub rows: Vec<Row>,
    pub year: i32,
    pub exceptions: Vec<Exception>,
}

const COMPANIES: &[&str] = &[
    "Boulangerie",
    "Garage",
    "Brasserie",
    "Imprimerie",
    "Menuiserie",
    "Transports",
    "Pharmacie",
    "Cabinet",
    "Atelier",
    "Librairie",
    "Fromagerie",
    "Plomberie",
    "Électricité",
    "Traiteur",
    "Fiduciaire",
    "Quincaillerie",
    "Hôtel",
    "Restaurant",
    "Agence",
    "Laboratoire",
];
const FAMILY: &[&str] = &[
    "Martin", "Dubois", "Lefèvre", "Peeters", "Janssens", "Weber", "Schmit", "Muller", "Lambert",
    "Dupont", "Claes", "Hoffmann", "Moreau", "Fontaine", "Wagner", "Girard", "Maes", "Reuter",
    "Mercier", "Hansen", "Leroy", "Kremer", "Durand", "Willems",
];
const GIVEN: &[&str] = &[
    "Jean",
    "Marie",
    "Luc",
    "Sophie",
    "Pierre",
    "Anne",
    "Marc",
    "Julie",
    "Paul",
    "Claire",
    "Thomas",
    "Nathalie",
    "Éric",
    "Isabelle",
    "François",
    "Léa",
];
const FORMS: &[(&str, &str)] = &[
    ("FR", "SARL"),
    ("FR", "SAS"),
    ("BE", "SRL"),
    ("BE", "SA"),
    ("LU", "S.à r.l."),
    ("LU", "SA"),
];
const CITIES: &[(&str, &str, &str)] = &[
    ("FR", "75011", "Paris"),
    ("FR", "69002", "Lyon"),
    ("FR", "59000", "Lille"),
    ("FR", "57000", "Metz"),
    ("BE", "1000", "Bruxelles"),
    ("BE", "4000", "Liège"),
    ("BE", "5000", "Namur"),
    ("LU", "L-1611", "Luxembourg"),
    ("LU", "L-4002", "Esch-sur-Alzette"),
];
const STREETS: &[&str] = &[
    "rue de la Gare",
    "avenue Louise",
    "rue Principale",
    "boulevard Royal",
    "rue des Écoles",
    "place du Marché",
];

fn debtor(rng: &mut Rng, i: usize, names: bool) -> Debtor {
    let b2b = rng.chance(70);
    let (country, form) = *rng.pick(FORMS);
    let city = loop {
        let c = *rng.pick(CITIES);
        if c.0 == country {
            break c;
        }
    };
    let family = *rng.pick(FAMILY);
    let given = *rng.pick(GIVEN);
    let name = if !names {
        format!("Debtor {i}")
    } else if b2b {
        format!("{} {family} {form}", rng.pick(COMPANIES))
    } else {
        format!("{given} {family}")
    };
    let slug: String = family
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_lowercase();
    let email = if b2b {
        format!("compta@{slug}-{i}.example")
    } else {
        format!(
            "{}.{slug}{i}@mail.example",
            given
                .to_lowercase()
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .collect::<String>()
        )
    };
    let address = format!(
        "{} {}, {} {}",
        rng.between(1, 120),
        rng.pick(STREETS),
        city.1,
        city.2
    );
    let guarantor = (b2b && rng.chance(12)).then(|| {
        let g = format!("{} {}", rng.pick(GIVEN), rng.pick(FAMILY));
        let a = format!(
            "{} {}, {} {}",
            rng.between(1, 80),
            rng.pick(STREETS),
            city.1,
            city.2
        );
        (g, a)
    });
    Debtor {
        id: format!("D{i:05}"),
        name,
        b2b,
        country,
        email,
        address,
        guarantor,
    }
}

/// Amount in cents: B2C small, B2B spread from 80 EUR to 60,000 EUR (some
/// above the 15,000 EUR court thresholds).
fn amount(rng: &mut Rng, b2b: bool) -> i64 {
    let euros = if b2b {
        match rng.below(100) {
            0..=59 => rng.between(80, 2_500),
            60..=89 => rng.between(2_500, 12_000),
            _ => rng.between(12_000, 60_000),
        }
    } else {
        rng.between(30, 1_800)
    };
    euros * 100 + rng.between(0, 99)
}

pub fn generate(options: &Options) -> Book {
    let mut rng = Rng::new(options.seed);
    let debtors: Vec<Debtor> = (1..=options.debtors.max(1))
        .map(|i| debtor(&mut rng, i, options.names))
        .collect();
    let mut rows = Vec::with_capacity(options.invoices * 2);
    let day = |base: NaiveDate, n: i64| -> NaiveDate {
        if n >= 0 {
            base.checked_add_days(Days::new(n as u64)).unwrap_or(base)
        } else {
            base.checked_sub_days(Days::new((-n) as u64))
                .unwrap_or(base)
        }
    };
    for i in 0..options.invoices {
        let d = rng.below(debtors.len() as u64) as u32;
        let b2b = debtors[d as usize].b2b;
        // Issue dates spread evenly over the period, in invoice order.
        let offset = (i as u64 * u64::from(options.days) / options.invoices.max(1) as u64) as i64;
        let issued = day(options.start, offset);
        let terms = if b2b {
            *rng.pick(&[30, 30, 45, 60])
        } else {
            *rng.pick(&[14, 30])
        };
        let due = day(issued, terms);
        let cents = amount(&mut rng, b2b);
        let invoice = i as u32 + 1;
        rows.push(Row {
            date: issued,
            kind: Kind::Invoice,
            invoice,
            debtor: d,
            cents,
            due: Some(due),
        });
        let mut push = |date: NaiveDate, kind: Kind, cents: i64| {
            rows.push(Row {
                date,
                kind,
                invoice,
                debtor: d,
                cents,
                due: None,
            });
        };
        match rng.below(100) {
            // paid on time
            0..=54 => push(day(issued, rng.between(3, terms)), Kind::Payment, cents),
            // paid late
            55..=74 => push(day(due, rng.between(1, 100)), Kind::Payment, cents),
            // paid in part, the rest later or never
            75..=82 => {
                let part = cents * rng.between(20, 70) / 100;
                let first = day(due, rng.between(-5, 40));
                push(first, Kind::Payment, part);
                if rng.chance(50) {
                    push(day(first, rng.between(10, 90)), Kind::Payment, cents - part);
                }
            }
            // never paid
            83..=89 => {}
            // a credit note, in full or in part (the rest paid)
            90..=93 => {
                let credit = if rng.chance(50) {
                    cents
                } else {
                    cents * rng.between(10, 40) / 100
                };
                let date = day(issued, rng.between(5, 50));
                push(date, Kind::CreditNote, credit);
                if credit < cents {
                    push(day(date, rng.between(5, 60)), Kind::Payment, cents - credit);
                }
            }
            // disputed: resolved (then paid or not), or still open
            94..=96 => {
                let start = day(due, rng.between(-10, 40));
                push(start, Kind::Dispute, 0);
                if rng.chance(75) {
                    let end = day(start, rng.between(5, 60));
                    push(end, Kind::Resolve, 0);
                    if rng.chance(60) {
                        push(day(end, rng.between(1, 30)), Kind::Payment, cents);
                    }
                }
            }
            // paid in two instalments, late
            _ => {
                let half = cents / 2;
                let first = day(due, rng.between(5, 30));
                push(first, Kind::Payment, half);
                push(day(first, rng.between(20, 45)), Kind::Payment, cents - half);
            }
        }
    }
    // The book is exported on the period's last day: what happens later is
    // not in it yet. An export lists rows by date (stable: an invoice
    // before its payments).
    let export = day(options.start, i64::from(options.days));
    rows.retain(|r| r.date <= export);
    rows.sort_by_key(|r| r.date);
    let (exceptions, kept) = exceptions(options, &debtors, &rows, export);
    rows.extend(kept);
    rows.sort_by_key(|r| r.date);
    Book {
        debtors,
        rows,
        year: options.start.year(),
        exceptions,
    }
}

/// Holds, promises, plans and insolvencies for `options.exceptions` % of
/// the debtors, each on one of its invoices still unpaid a month after its
/// due date (or the whole debtor). Drawn from a generator of their own, so
/// that the rest of the book is the same with or without them.
fn exceptions(
    options: &Options,
    debtors: &[Debtor],
    rows: &[Row],
    export: NaiveDate,
) -> (Vec<Exception>, Vec<Row>) {
    let mut out = Vec::new();
    // The payments that keep half of the promises.
    let mut kept = Vec::new();
    if options.exceptions == 0 {
        return (out, kept);
    }
    let mut rng = Rng::new(options.seed ^ 0x0E0C_E971_0000_0001);
    let day = |base: NaiveDate, n: u64| base.checked_add_days(Days::new(n)).unwrap_or(base);
    // Per invoice: (debtor, due, amount, paid) in cents.
    let mut invoices: Vec<(u32, NaiveDate, i64, i64)> = Vec::new();
    let mut first_of: Vec<Option<usize>> = vec![None; debtors.len()];
    for row in rows {
        let at = row.invoice as usize - 1;
        if invoices.len() <= at {
            invoices.resize(at + 1, (u32::MAX, export, 0, 0));
        }
        match row.kind {
            Kind::Invoice => {
                invoices[at] = (row.debtor, row.due.unwrap_or(row.date), row.cents, 0);
            }
            Kind::Payment | Kind::CreditNote => invoices[at].3 += row.cents,
            Kind::Dispute | Kind::Resolve => {}
        }
    }
    for (at, &(debtor, due, cents, paid)) in invoices.iter().enumerate() {
        let unpaid = debtor != u32::MAX && paid < cents && day(due, 60) < export;
        if unpaid && first_of[debtor as usize].is_none() {
            first_of[debtor as usize] = Some(at);
        }
    }
    for (d, first) in first_of.iter().enumerate() {
        if !rng.chance(options.exceptions) {
            continue;
        }
        let debtor = d as u32;
        let blank = Exception {
            date: export,
            kind: "hold",
            invoice: None,
            debtor,
            cents: None,
            due: None,
            until: None,
            reason: "",
            procedure: "",
            published: None,
        };
        let Some(at) = *first else {
            // Nothing unpaid: a debtor-wide hold.
            let start = day(options.start, rng.below(u64::from(options.days.max(1))));
            out.push(Exception {
                date: start,
                until: Some(day(start, 20 + rng.below(20))),
                reason: "accord commercial",
                ..blank
            });
            continue;
        };
        let (_, due, cents, paid) = invoices[at];
        let invoice = Some(at as u32 + 1);
        let start = day(due, 15 + rng.below(10));
        let balance = cents - paid;
        let pick = match rng.below(10) {
            9 if !debtors[d].b2b => 0, // a consumer: a hold instead
            other => other,
        };
        match pick {
            0..=2 => out.push(Exception {
                date: start,
                invoice,
                until: Some(day(start, 10 + rng.below(20))),
                reason: ["litige commercial", "vérification comptable"][rng.below(2) as usize],
                ..blank.clone()
            }),
            3..=5 => {
                out.push(Exception {
                    date: start,
                    kind: "promise",
                    invoice,
                    cents: Some(balance),
                    until: Some(day(start, 14)),
                    ..blank.clone()
                });
                if rng.chance(50) {
                    kept.push(Row {
                        date: day(start, 5 + rng.below(10)),
                        kind: Kind::Payment,
                        invoice: at as u32 + 1,
                        debtor,
                        cents: balance,
                        due: None,
                    });
                }
            }
            6..=8 => {
                let third = balance / 3;
                for k in 0..3u64 {
                    out.push(Exception {
                        date: start,
                        kind: "instalment",
                        invoice,
                        cents: Some(if k == 2 { balance - 2 * third } else { third }),
                        due: Some(day(start, 30 * (k + 1))),
                        reason: "échéancier",
                        ..blank.clone()
                    });
                }
            }
            _ => out.push(Exception {
                date: start,
                kind: "insolvency",
                procedure: ["redressement judiciaire", "liquidation judiciaire"]
                    [rng.below(2) as usize],
                published: Some(day(start, 10)),
                ..blank.clone()
            }),
        }
    }
    out.retain(|e| e.date <= export);
    kept.retain(|r| r.date <= export);
    (out, kept)
}

fn money(cents: i64, locale: bool) -> String {
    let (units, rest) = (cents / 100, cents % 100);
    if !locale {
        return format!("{units}.{rest:02}");
    }
    // `1 234,56` with a no-break space, as French spreadsheets write it.
    let digits = units.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{grouped},{rest:02}")
}

fn date(d: NaiveDate, locale: bool) -> String {
    if locale {
        d.format("%d/%m/%Y").to_string()
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

impl Book {
    /// Puts the rows in a random order (the invoices shuffled, their
    /// payments and notes interleaved anywhere, before their invoice too),
    /// as an export that is not sorted by date would: the benchmark's
    /// "shuffled" shape. Its own generator, so the book's content is the
    /// same as the sorted one's.
    pub fn shuffle(&mut self, seed: u64) {
        let mut rng = Rng::new(seed ^ 0x5_4FF1_E000_0001);
        for i in (1..self.rows.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            self.rows.swap(i, j);
        }
    }

    /// The ledger as a JSON file (docs/ledger.md, "JSON ledger"): the
    /// entries only, one a line, the debtors staying in their CSV file.
    /// Exceptions are not written (the shapes are measured on plain books).
    pub fn write_json_ledger(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(b"{\"entries\": [\n")?;
        let mut line = String::with_capacity(160);
        for (i, row) in self.rows.iter().enumerate() {
            line.clear();
            let _ = write!(
                line,
                "{}{{\"date\": \"{}\", \"type\": \"{}\", \"invoice\": \"F{:02}-{:07}\"",
                if i == 0 { "" } else { ",\n" },
                date(row.date, false),
                row.kind.word(),
                self.year.rem_euclid(100),
                row.invoice,
            );
            if row.kind == Kind::Invoice {
                let _ = write!(
                    line,
                    ", \"debtor\": \"{}\"",
                    self.debtors[row.debtor as usize].id
                );
            }
            if !matches!(row.kind, Kind::Dispute | Kind::Resolve) {
                let _ = write!(line, ", \"amount\": \"{}\"", money(row.cents, false));
            }
            if let Some(due) = row.due {
                let _ = write!(line, ", \"due\": \"{}\"", date(due, false));
            }
            line.push('}');
            out.write_all(line.as_bytes())?;
        }
        out.write_all(b"\n]}\n")?;
        out.flush()
    }

    pub fn write_ledger(&self, out: &mut impl Write, options: &Options) -> io::Result<()> {
        let (sep, eol) = if options.locale {
            (';', "\r\n")
        } else {
            (',', "\n")
        };
        if options.locale {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut line = String::with_capacity(96);
        let wide = !self.exceptions.is_empty();
        let more = if wide {
            format!("{sep}until{sep}reason{sep}procedure{sep}published")
        } else {
            String::new()
        };
        let empty = if wide {
            format!("{sep}{sep}{sep}")
        } else {
            String::new()
        };
        // The empty fields of the extra columns, before the line end.
        let eol_of_row = format!(
            "{}{eol}",
            if wide {
                sep.to_string() + &empty
            } else {
                String::new()
            }
        );
        write!(
            out,
            "date{sep}type{sep}invoice{sep}debtor{sep}amount{sep}due{more}{eol}"
        )?;
        for row in &self.rows {
            line.clear();
            let amount = match row.kind {
                Kind::Dispute | Kind::Resolve => String::new(),
                _ => money(row.cents, options.locale),
            };
            let debtor = if row.kind == Kind::Invoice {
                self.debtors[row.debtor as usize].id.as_str()
            } else {
                ""
            };
            let due = row.due.map(|d| date(d, options.locale)).unwrap_or_default();
            let _ = write!(
                line,
                "{}{sep}{}{sep}F{:02}-{:07}{sep}{debtor}{sep}{amount}{sep}{due}{eol_of_row}",
                date(row.date, options.locale),
                row.kind.word(),
                self.year.rem_euclid(100),
                row.invoice,
            );
            out.write_all(line.as_bytes())?;
        }
        for e in &self.exceptions {
            let invoice = e
                .invoice
                .map(|i| format!("F{:02}-{:07}", self.year.rem_euclid(100), i))
                .unwrap_or_default();
            let debtor = if e.invoice.is_none() {
                self.debtors[e.debtor as usize].id.as_str()
            } else {
                ""
            };
            let opt = |d: Option<NaiveDate>| d.map(|d| date(d, options.locale)).unwrap_or_default();
            write!(
                out,
                "{}{sep}{}{sep}{invoice}{sep}{debtor}{sep}{}{sep}{}{sep}{}{sep}{}{sep}{}{sep}{}{eol}",
                date(e.date, options.locale),
                e.kind,
                e.cents
                    .map(|c| money(c, options.locale))
                    .unwrap_or_default(),
                opt(e.due),
                opt(e.until),
                e.reason,
                e.procedure,
                opt(e.published),
            )?;
        }
        out.flush()
    }

    pub fn write_debtors(&self, out: &mut impl Write, options: &Options) -> io::Result<()> {
        let (sep, eol) = if options.locale {
            (';', "\r\n")
        } else {
            (',', "\n")
        };
        if options.locale {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        write!(
            out,
            "id{sep}name{sep}kind{sep}country{sep}email{sep}address{sep}guarantor{sep}guarantor_address{eol}"
        )?;
        let quote = |s: &str| -> String {
            if s.contains(sep) || s.contains('"') {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        for d in &self.debtors {
            let (g, ga) = d.guarantor.clone().unwrap_or_default();
            write!(
                out,
                "{}{sep}{}{sep}{}{sep}{}{sep}{}{sep}{}{sep}{}{sep}{}{eol}",
                d.id,
                quote(&d.name),
                if d.b2b { "b2b" } else { "b2c" },
                d.country,
                d.email,
                quote(&d.address),
                quote(&g),
                quote(&ga),
            )?;
        }
        out.flush()
    }
}
