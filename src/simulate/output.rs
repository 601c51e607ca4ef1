//! A simulation as text: a table for people, JSON and CSV for programs.
//! Each writes to any `io::Write` as it goes: a million events are not
//! first built as one string.

use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Aging, Event, Simulation};
use crate::ledger::Ledger;
use crate::plan::{Action, Plan};

/// An event's fields as text.
struct Fields<'a> {
    invoice: &'a str,
    debtor: &'a str,
    step: usize,
    action: &'static str,
    target: Option<&'a str>,
    channels: Vec<&'static str>,
    recipients: Vec<&'static str>,
}

fn fields<'a>(plan: &'a Plan, ledger: &'a Ledger, event: &Event) -> Fields<'a> {
    let step = plan.step(event.step);
    let action = step.map(|s| &s.action);
    let channels = match action {
        Some(Action::Send { channels, .. }) => channels.iter().map(|c| c.as_str()).collect(),
        Some(Action::Call { .. }) => vec!["phone"],
        _ => Vec::new(),
    };
    Fields {
        invoice: &ledger.invoice(event.invoice).reference,
        debtor: &ledger.debtor(event.debtor).id,
        step: event.step.0 + 1,
        action: action.map_or("", Action::verb),
        target: action.and_then(Action::target),
        channels,
        recipients: event.recipients.words().collect(),
    }
}

/// `YYYY-MM-DD` into `buf` (chrono's formatter is general, and slow for
/// millions of dates).
fn push_date(buf: &mut String, date: NaiveDate) {
    let (y, m, d) = (date.year(), date.month(), date.day());
    if (0..=9999).contains(&y) {
        let _ = write!(buf, "{y:04}-{m:02}-{d:02}");
    } else {
        let _ = write!(buf, "{date}");
    }
}

/// What an event's step writes, computed once per step rather than per
/// event.
struct StepText {
    step: String,
    action: &'static str,
    target: String,
    channels: String,
}

fn step_texts(plan: &Plan) -> Vec<StepText> {
    plan.steps
        .iter()
        .map(|step| {
            let channels: Vec<&str> = match &step.action {
                Action::Send { channels, .. } => channels.iter().map(|c| c.as_str()).collect(),
                Action::Call { .. } => vec!["phone"],
                _ => Vec::new(),
            };
            StepText {
                step: (step.id.0 + 1).to_string(),
                action: step.action.verb(),
                target: step.action.target().unwrap_or("").to_string(),
                channels: channels.join(" "),
            }
        })
        .collect()
}

/// A decimal as `Display` writes it (`1200.00`, `-3.5`), without going
/// through the formatter: millions of amounts are written.
fn push_decimal(buf: &mut Vec<u8>, value: Decimal) {
    let mantissa = value.mantissa();
    let scale = value.scale() as usize;
    // Written from the right on the stack, in one pass: the decimals, the
    // point, then at least one digit. A mantissa of 28 digits and a scale
    // of 28 take 28 digits, a point, a zero and a sign.
    let mut text = [0u8; 32];
    let mut at = text.len();
    let mut put = |at: &mut usize, byte: u8| {
        *at -= 1;
        text[*at] = byte;
    };
    // The decimals, the point, then the units and up.
    macro_rules! digits {
        ($n:expr) => {{
            let mut n = $n;
            for _ in 0..scale {
                put(&mut at, b'0' + (n % 10) as u8);
                n /= 10;
            }
            if scale > 0 {
                put(&mut at, b'.');
            }
            loop {
                put(&mut at, b'0' + (n % 10) as u8);
                n /= 10;
                if n == 0 {
                    break;
                }
            }
        }};
    }
    // Most amounts fit in 64 bits, whose division is many times faster.
    match u64::try_from(mantissa.unsigned_abs()) {
        Ok(n) => digits!(n),
        Err(_) => digits!(mantissa.unsigned_abs()),
    }
    if mantissa < 0 {
        put(&mut at, b'-');
    }
    buf.extend_from_slice(&text[at..]);
}

fn push_date_bytes(buf: &mut Vec<u8>, date: NaiveDate) {
    let (y, m, d) = (date.year(), date.month(), date.day());
    if (0..=9999).contains(&y) {
        let y = y as u32;
        buf.extend_from_slice(&[
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (d / 10) as u8,
            b'0' + (d % 10) as u8,
        ]);
    } else {
        buf.extend_from_slice(date.to_string().as_bytes());
    }
}

/// A field as the `csv` crate writes it: between quotes, with quotes
/// doubled, when it holds a separator (`;` too: a French spreadsheet's), a
/// quote or a line end; and neutralised when it starts like a formula
/// ([`crate::spreadsheet`]).
fn push_field(buf: &mut Vec<u8>, field: &[u8]) {
    let field = &*crate::spreadsheet::neutralise_bytes(field);
    if field
        .iter()
        .any(|&b| matches!(b, b',' | b';' | b'"' | b'\n' | b'\r'))
    {
        buf.push(b'"');
        for &b in field {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(field);
    }
}

const CSV_HEADER: &[u8] =
    b"date,invoice,debtor,step,action,target,channels,recipients,amount,charge\n";

/// Each step's part of a CSV row for each set of recipients (by
/// [`recipients_index`]): `,step,action,target,channels,recipients,`.
fn step_fields(plan: &Plan) -> Vec<[Vec<u8>; 8]> {
    const RECIPIENTS: [&[u8]; 8] = [
        b"",
        b"debtor",
        b"guarantor",
        b"debtor guarantor",
        b"mandataire",
        b"debtor mandataire",
        b"guarantor mandataire",
        b"debtor guarantor mandataire",
    ];
    step_texts(plan)
        .into_iter()
        .map(|s| {
            let mut middle = Vec::new();
            for part in [&s.step, s.action, &s.target, &s.channels] {
                middle.push(b',');
                push_field(&mut middle, part.as_bytes());
            }
            middle.push(b',');
            RECIPIENTS.map(|recipients| [&middle[..], recipients, b","].concat())
        })
        .collect()
}

/// Where a set of recipients is in each step's [`step_fields`].
fn recipients_index(recipients: super::Recipients) -> usize {
    usize::from(recipients.debtor)
        + 2 * usize::from(recipients.guarantor)
        + 4 * usize::from(recipients.mandataire)
}

/// An invoice's part of a CSV row: `,reference,debtor`, each as written in
/// CSV (computed once per invoice rather than per event).
fn push_invoice_fields(buf: &mut Vec<u8>, reference: &[u8], debtor: &[u8]) {
    buf.push(b',');
    push_field(buf, reference);
    buf.push(b',');
    buf.extend_from_slice(debtor);
}

/// One event as a CSV row, from its date, its invoice's fields
/// ([`push_invoice_fields`]) and its step's ([`step_fields`]).
///
/// Rows are assembled by hand: every field but the invoice reference and
/// the debtor id is text this program makes (dates, numbers, names of the
/// policy language), which never needs quoting, and the csv crate's writer
/// would scan each byte of each field (a quarter of the time for a million
/// events). The two user fields are quoted by the crate's rule. A row is
/// copied in a few pieces made beforehand: each copy of a length known only
/// when running calls `memcpy`, and five such calls per event were a tenth
/// of the simulation (`perf`).
fn push_fields(
    buf: &mut Vec<u8>,
    steps: &[[Vec<u8>; 8]],
    date: &[u8],
    invoice: &[u8],
    event: &Event,
) {
    let Some(step) = steps
        .get(event.step.0)
        .and_then(|step| step.get(recipients_index(event.recipients)))
    else {
        return;
    };
    match <&[u8; 10]>::try_from(date) {
        Ok(date) => buf.extend_from_slice(date),
        Err(_) => buf.extend_from_slice(date),
    }
    buf.extend_from_slice(invoice);
    buf.extend_from_slice(step);
    push_decimal(buf, event.amount);
    buf.push(b',');
    match event.charge {
        Some(super::ChargeValue::Amount(amount)) => push_decimal(buf, amount),
        Some(value) => {
            let _ = std::io::Write::write_fmt(buf, format_args!("{value}"));
        }
        None => {}
    }
    buf.push(b'\n');
}

/// The events of a simulation as CSV, one per row, with a header row.
pub fn csv(plan: &Plan, ledger: &Ledger, sim: &Simulation, mut out: impl Write) -> io::Result<()> {
    out.write_all(CSV_HEADER)?;
    let steps = step_fields(plan);
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    let (mut date, mut invoice, mut debtor) = (Vec::new(), Vec::new(), Vec::new());
    for event in sim.events() {
        date.clear();
        push_date_bytes(&mut date, event.date);
        debtor.clear();
        push_field(&mut debtor, ledger.debtor(event.debtor).id.as_bytes());
        invoice.clear();
        push_invoice_fields(
            &mut invoice,
            ledger.invoice(event.invoice).reference.as_bytes(),
            &debtor,
        );
        push_fields(&mut buf, &steps, &date, &invoice, event);
        if buf.len() >= (1 << 16) - 512 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    out.flush()
}

/// What every range's rows share: each step's middle fields, each day's
/// date and each debtor's id, as written in CSV.
struct CsvText {
    steps: Vec<[Vec<u8>; 8]>,
    /// The first day of the window, in days from the common era.
    first_day: i64,
    dates: Vec<[u8; 10]>,
    debtors: Vec<u8>,
    debtor_ends: Vec<usize>,
    /// Whether the policy applies to each debtor.
    covered: Vec<bool>,
}

impl CsvText {
    fn new(plan: &Plan, ledger: &Ledger, first: NaiveDate, days: usize) -> Self {
        let mut debtors = Vec::new();
        let mut debtor_ends = Vec::with_capacity(ledger.debtors.len());
        for debtor in &ledger.debtors {
            push_field(&mut debtors, debtor.id.as_bytes());
            debtor_ends.push(debtors.len());
        }
        let dates = (0..days)
            .map(|day| {
                let mut text = [b'0'; 10];
                let mut buf = Vec::with_capacity(10);
                if let Some(date) = first.checked_add_days(chrono::Days::new(day as u64)) {
                    push_date_bytes(&mut buf, date);
                }
                if buf.len() == 10 {
                    text.copy_from_slice(&buf);
                }
                text
            })
            .collect();
        CsvText {
            steps: step_fields(plan),
            first_day: i64::from(first.num_days_from_ce()),
            dates,
            debtors,
            debtor_ends,
            covered: ledger
                .debtors
                .iter()
                .map(|d| plan.covers(d.kind, d.country_code()))
                .collect(),
        }
    }

    fn debtor(&self, debtor: crate::ledger::DebtorId) -> &[u8] {
        let i = debtor.0 as usize;
        let start = i
            .checked_sub(1)
            .map_or(0, |before| self.debtor_ends[before]);
        self.debtor_ends
            .get(i)
            .and_then(|&end| self.debtors.get(start..end))
            .unwrap_or_default()
    }
}

/// Text appended in blocks, never copied to grow (a day of a large book
/// has hundreds of kilobytes of rows).
#[derive(Debug, Default, Clone)]
struct Blocks(Vec<Vec<u8>>);

impl Blocks {
    /// Above the output's buffer (64 KB), so that a block is written
    /// directly rather than copied into it.
    const SIZE: usize = 1 << 17;

    /// The block to append a row to.
    fn tail(&mut self) -> &mut Vec<u8> {
        if self
            .0
            .last()
            .is_none_or(|block| block.len() + 1024 > Self::SIZE)
        {
            self.0.push(Vec::with_capacity(Self::SIZE));
        }
        let last = self.0.len() - 1;
        &mut self.0[last]
    }

    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        self.0.iter().try_for_each(|block| out.write_all(block))
    }
}

/// Rows of one range of invoices, by day of the window, and the totals
/// the summary needs.
struct CsvSink<'a> {
    plan: &'a Plan,
    ledger: &'a Ledger,
    text: &'a CsvText,
    days: Vec<Blocks>,
    /// The invoice's part of its rows (see [`push_invoice_fields`]).
    invoice_fields: Vec<u8>,
    totals: super::StepTotals,
    book: super::summary::BookTotals,
    refused: Vec<super::Refused>,
    near_ceiling: Vec<Event>,
    occurrences: Vec<super::exceptions::Occurrence>,
    stayed: Vec<super::Stayed>,
}

impl super::Sink for CsvSink<'_> {
    fn refused(&mut self, refused: &[super::Refused]) {
        self.refused.extend_from_slice(refused);
    }

    fn stayed(&mut self, stayed: &[super::Stayed]) {
        self.stayed.extend_from_slice(stayed);
    }

    fn occurrences(&mut self, occurrences: &[super::exceptions::Occurrence]) {
        self.occurrences.extend_from_slice(occurrences);
    }

    fn prefetch(&self, invoice: &crate::ledger::Invoice) {
        let (text, i) = (self.text, invoice.debtor.0 as usize);
        crate::prefetch::read_at(&text.covered, i);
        crate::prefetch::read_at(&text.debtor_ends, i);
        if let Some(&start) = i
            .checked_sub(1)
            .and_then(|before| text.debtor_ends.get(before))
        {
            crate::prefetch::read_at(&text.debtors, start);
        }
    }

    fn invoice(&mut self, invoice: &crate::ledger::Invoice, events: &[Event]) {
        let text = self.text;
        let covered = text
            .covered
            .get(invoice.debtor.0 as usize)
            .copied()
            .unwrap_or(false);
        self.book.add(self.ledger, invoice, covered);
        if events.is_empty() {
            return;
        }
        self.totals.add_invoice(events);
        if super::ceilings::worth_checking(self.plan, self.ledger, events) {
            self.near_ceiling.extend_from_slice(events);
        }
        // An invoice's events are its debtor's (the engine makes them so).
        self.invoice_fields.clear();
        push_invoice_fields(
            &mut self.invoice_fields,
            invoice.reference.as_bytes(),
            text.debtor(invoice.debtor),
        );
        for event in events {
            let day = i64::from(event.date.num_days_from_ce()) - text.first_day;
            let Some(day) = usize::try_from(day).ok() else {
                continue;
            };
            let (Some(bucket), Some(date)) = (self.days.get_mut(day), text.dates.get(day)) else {
                continue;
            };
            push_fields(
                bucket.tail(),
                &text.steps,
                date,
                &self.invoice_fields,
                event,
            );
        }
    }
}

/// Simulates and writes the events as CSV (the same rows as [`csv`]) in
/// one pass: each core formats the rows of its invoices while their data is
/// in cache, into one buffer per day, and adds up the summary's totals; the
/// buffers are then written day by day. For a large book this is about
/// twice as fast as building the events, sorting them, then formatting
/// them. The events are not kept, but those of the invoices routed near a
/// court's ceiling ([`Streamed::near_ceiling`]).
pub fn csv_streamed(
    plan: &Plan,
    ledger: &Ledger,
    window: super::Window,
    resolver: &dyn super::ChargeResolver,
    runs_from: Option<super::RunsFrom<'_>>,
    mut out: impl Write,
) -> io::Result<Streamed> {
    let context = super::Context::new(plan, ledger, super::calendar(plan), window, resolver)
        .with_runs_from(runs_from);
    let first = window
        .from
        .or_else(|| ledger.invoices.iter().map(|i| i.issued).min())
        .unwrap_or(window.to);
    let days = usize::try_from((window.to - first).num_days() + 1).unwrap_or(0);
    // One buffer per day is for windows of a human scale; a book reaching
    // back centuries (a typo in a year) takes the general path.
    if days > 100_000 {
        let sim = super::simulate(plan, ledger, window, resolver);
        csv(plan, ledger, &sim, out)?;
        let near_ceiling = sim.events().cloned().collect();
        return Ok(Streamed {
            summary: sim.summary,
            near_ceiling,
        });
    }
    let text = CsvText::new(plan, ledger, first, days);
    let mut sinks = super::run(&context, || CsvSink {
        plan,
        ledger,
        text: &text,
        days: vec![Blocks::default(); days],
        invoice_fields: Vec::new(),
        totals: super::StepTotals::new(plan),
        book: super::summary::BookTotals::new(window),
        refused: Vec::new(),
        near_ceiling: Vec::new(),
        occurrences: Vec::new(),
        stayed: Vec::new(),
    });
    out.write_all(CSV_HEADER)?;
    let mut totals = super::StepTotals::new(plan);
    let mut book = super::summary::BookTotals::new(window);
    let mut refused = Vec::new();
    let mut near_ceiling = Vec::new();
    let mut occurrences = Vec::new();
    let mut stayed = Vec::new();
    for sink in &mut sinks {
        occurrences.append(&mut sink.occurrences);
        stayed.append(&mut sink.stayed);
        refused.append(&mut sink.refused);
        near_ceiling.append(&mut sink.near_ceiling);
        totals.merge(&sink.totals);
        book.merge(std::mem::replace(
            &mut sink.book,
            super::summary::BookTotals::new(window),
        ));
    }
    // The summary is added up on another core while the rows are written.
    std::thread::scope(|scope| {
        let summary = scope.spawn(|| {
            let mut summary = super::summary::summary_of(plan, ledger, &totals, book);
            summary.refused = refused;
            occurrences.sort_by_key(|o| (o.date, o.invoice, o.kind));
            summary.exceptions = super::summary::ExceptionSummary::of(
                plan,
                ledger,
                &context.outcomes,
                &occurrences,
                &stayed,
                window,
            );
            summary
        });
        for day in 0..days {
            for sink in &sinks {
                sink.days[day].write(&mut out)?;
            }
        }
        out.flush()?;
        let summary = summary
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(Streamed {
            summary,
            near_ceiling,
        })
    })
}

/// What [`csv_streamed`] returns besides the rows.
pub struct Streamed {
    pub summary: super::Summary,
    /// Every event of the invoices a route fired for near its court's
    /// ceiling (see [`super::ceilings`]).
    pub near_ceiling: Vec<Event>,
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    date: String,
    invoice: &'a str,
    debtor: &'a str,
    step: usize,
    action: &'static str,
    target: Option<&'a str>,
    channels: Vec<&'static str>,
    recipients: Vec<&'static str>,
    amount: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    charge: Option<String>,
}

/// `{"events":[…],"summary":{…}}`, one event per line.
pub fn json(plan: &Plan, ledger: &Ledger, sim: &Simulation, mut out: impl Write) -> io::Result<()> {
    out.write_all(b"{\n  \"events\": [")?;
    for (i, event) in sim.events().enumerate() {
        let f = fields(plan, ledger, event);
        let mut date = String::with_capacity(10);
        push_date(&mut date, event.date);
        let item = JsonEvent {
            date,
            invoice: f.invoice,
            debtor: f.debtor,
            step: f.step,
            action: f.action,
            target: f.target,
            channels: f.channels,
            recipients: f.recipients,
            amount: event.amount.to_string(),
            charge: event.charge.map(|c| c.to_string()),
        };
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut out, &item)?;
    }
    out.write_all(if sim.is_empty() { b"],\n" } else { b"\n  ],\n" })?;
    if !sim.occurrences.is_empty() {
        out.write_all(b"  \"ledger_events\": [")?;
        for (i, o) in sim.occurrences.iter().enumerate() {
            out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            serde_json::to_writer(&mut out, &occurrence_json(ledger, o))?;
        }
        out.write_all(b"\n  ],\n")?;
    }
    out.write_all(b"  \"summary\": ")?;
    let summary = summary_json(plan, ledger, sim);
    let text = serde_json::to_string_pretty(&summary)?;
    out.write_all(text.replace('\n', "\n  ").as_bytes())?;
    out.write_all(b"\n}\n")?;
    out.flush()
}

/// A ledger event as JSON: `{"date","invoice","debtor","event","amount"}`
/// and the reason of a hold or dispute.
pub(crate) fn occurrence_json(
    ledger: &Ledger,
    o: &super::exceptions::Occurrence,
) -> serde_json::Value {
    let mut value = serde_json::json!({
        "date": o.date.to_string(),
        "invoice": ledger.invoice(o.invoice).reference.as_str(),
        "debtor": ledger.debtor(o.debtor).id,
        "event": o.kind.as_str(),
        "amount": cents(o.amount).to_string(),
    });
    if let (Some(reason), Some(map)) = (occurrence_reason(ledger, o), value.as_object_mut()) {
        map.insert("reason".into(), serde_json::json!(reason));
    }
    value
}

/// The reason written on the ledger row an event comes from.
pub(crate) fn occurrence_reason<'l>(
    ledger: &'l Ledger,
    o: &super::exceptions::Occurrence,
) -> Option<&'l str> {
    match o.exception {
        Some(k) => ledger.exceptions.get(k as usize)?.reason.as_deref(),
        None if o.kind == super::exceptions::EventKind::Dispute => {
            ledger.dispute_reason(o.invoice, o.date)
        }
        None => None,
    }
}

fn exceptions_json(ledger: &Ledger, e: &super::summary::ExceptionSummary) -> serde_json::Value {
    use serde_json::json;
    json!({
        "on_hold": e.on_hold,
        "promises_kept": {"count": e.promises_kept.0, "amount": cents(e.promises_kept.1).to_string()},
        "promises_broken": {"count": e.promises_broken.0, "amount": cents(e.promises_broken.1).to_string()},
        "plans_honoured": e.plans_honoured,
        "plans_broken": e.plans_broken,
        "insolvencies": e.insolvencies.iter().map(|l| json!({
            "debtor": ledger.debtor(l.debtor).id,
            "procedure": l.procedure,
            "opened": l.opened.to_string(),
            "published": l.published.map(|d| d.to_string()),
            "deadline": l.deadline.map(|d| d.to_string()),
            "deadline_source": l.deadline_source,
            "principal": cents(l.principal).to_string(),
            "interest": cents(l.interest).to_string(),
            "indemnity": cents(l.indemnity).to_string(),
            "claim": cents(l.claim()).to_string(),
            "steps_stayed": l.stayed,
        })).collect::<Vec<_>>(),
    })
}

fn aging_json(aging: &Aging) -> serde_json::Value {
    serde_json::json!({
        "not_due": aging.not_due.to_string(),
        "days_1_30": aging.days_1_30.to_string(),
        "days_31_60": aging.days_31_60.to_string(),
        "days_61_90": aging.days_61_90.to_string(),
        "over_90": aging.over_90.to_string(),
        "total": aging.total().to_string(),
    })
}

/// The summary as JSON (see docs/simulation.md).
pub fn summary_json(plan: &Plan, ledger: &Ledger, sim: &Simulation) -> serde_json::Value {
    use serde_json::json;
    let s = &sim.summary;
    let date = |d: NaiveDate| {
        let mut buf = String::new();
        push_date(&mut buf, d);
        buf
    };
    let mut value = json!({
        "from": s.from.map(date),
        "to": date(s.to),
        "invoices": s.invoices,
        "chased": s.chased,
        "not_covered": s.not_covered,
        "events": s.events,
        "steps": s.steps.iter().map(|c| {
            let step = plan.step(c.step);
            json!({
                "step": c.step.0 + 1,
                "line": step.map(|st| plan.line(st.span)),
                "action": step.map(|st| crate::plan::display::describe_action(plan, &st.action)),
                "events": c.events,
            })
        }).collect::<Vec<_>>(),
        "channels": s.channels,
        "routed": s.routed.iter().map(|r| json!({
            "destination": r.destination,
            "invoices": r.invoices,
            "amount": r.amount.to_string(),
        })).collect::<Vec<_>>(),
        "collected": cents(s.collected).to_string(),
        "credited": cents(s.credited).to_string(),
        "outstanding": cents(s.outstanding).to_string(),
        "aged": {
            "total": aging_json(&s.aged_total),
            "debtors": s.aged.iter().map(|a| {
                let mut value = aging_json(&a.aging);
                if let Some(map) = value.as_object_mut() {
                    map.insert("debtor".into(), json!(ledger.debtor(a.debtor).id));
                }
                value
            }).collect::<Vec<_>>(),
            "by_kind": s.aged_by_kind.iter().map(|k| {
                let [d0_30, d31_60, d61_90, d91_180, over_180] = k.bands.0.map(|b| b.to_string());
                json!({
                    "kind": k.kind.as_str(),
                    "days_0_30": d0_30,
                    "days_31_60": d31_60,
                    "days_61_90": d61_90,
                    "days_91_180": d91_180,
                    "over_180": over_180,
                    "total": k.bands.total().to_string(),
                })
            }).collect::<Vec<_>>(),
        },
    });
    if !s.exceptions.is_empty()
        && let Some(map) = value.as_object_mut()
    {
        map.insert("exceptions".into(), exceptions_json(ledger, &s.exceptions));
    }
    value
}

/// Events by date, then the summary, for people.
pub fn table(
    plan: &Plan,
    ledger: &Ledger,
    sim: &Simulation,
    mut out: impl Write,
) -> io::Result<()> {
    let currency = plan.currency.value;
    if sim.is_empty() {
        out.write_all(b"no step fires in this window\n")?;
    } else {
        let rows: Vec<Vec<String>> = sim
            .events()
            .map(|event| {
                let f = fields(plan, ledger, event);
                let mut action = f.action.to_string();
                if let Some(target) = f.target {
                    action.push(' ');
                    action.push_str(target);
                }
                let mut date = String::new();
                push_date(&mut date, event.date);
                vec![
                    date,
                    f.invoice.to_string(),
                    f.debtor.to_string(),
                    f.step.to_string(),
                    action,
                    f.channels.join(", "),
                    f.recipients.join(", "),
                    event.amount.to_string(),
                    event.charge.map(|c| c.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        let header = [
            "date",
            "invoice",
            "debtor",
            "step",
            "action",
            "by",
            "to",
            "outstanding",
            "charge",
        ];
        out.write_all(crate::table::render(&header, &rows, &[3, 7, 8]).as_bytes())?;
    }
    if !sim.occurrences.is_empty() {
        let rows: Vec<Vec<String>> = sim
            .occurrences
            .iter()
            .map(|o| {
                vec![
                    o.date.to_string(),
                    ledger.invoice(o.invoice).reference.to_string(),
                    ledger.debtor(o.debtor).id.clone(),
                    o.kind.as_str().to_string(),
                    cents(o.amount).to_string(),
                    occurrence_reason(ledger, o).unwrap_or("").to_string(),
                ]
            })
            .collect();
        out.write_all(b"\n")?;
        out.write_all(
            crate::table::render(
                &[
                    "date",
                    "invoice",
                    "debtor",
                    "ledger event",
                    "amount",
                    "reason",
                ],
                &rows,
                &[4],
            )
            .as_bytes(),
        )?;
    }
    out.write_all(summary_text(plan, ledger, sim, currency).as_bytes())?;
    out.flush()
}

fn summary_text(plan: &Plan, ledger: &Ledger, sim: &Simulation, currency: &str) -> String {
    let s = &sim.summary;
    let mut out = String::new();
    let from = s.from.map_or_else(
        || "the first day of the book".to_string(),
        |d| d.to_string(),
    );
    let _ = writeln!(
        out,
        "\nsummary: {} events on {} invoices, from {from} to {}",
        s.events, s.invoices, s.to
    );
    if s.not_covered > 0 {
        let _ = writeln!(
            out,
            "{} invoices not chased: the policy does not apply to their debtor (`applies to`)",
            s.not_covered
        );
    }
    let steps: Vec<Vec<String>> = s
        .steps
        .iter()
        .filter_map(|c| {
            let step = plan.step(c.step)?;
            Some(vec![
                (c.step.0 + 1).to_string(),
                plan.line(step.span).to_string(),
                crate::plan::display::describe_action(plan, &step.action),
                c.events.to_string(),
            ])
        })
        .collect();
    out.push('\n');
    out.push_str(&crate::table::render(
        &["step", "line", "action", "events"],
        &steps,
        &[0, 1, 3],
    ));
    if !s.channels.is_empty() {
        let rows: Vec<Vec<String>> = s
            .channels
            .iter()
            .map(|(c, n)| vec![c.to_string(), n.to_string()])
            .collect();
        out.push('\n');
        out.push_str(&crate::table::render(&["channel", "events"], &rows, &[1]));
    }
    if !s.routed.is_empty() {
        let rows: Vec<Vec<String>> = s
            .routed
            .iter()
            .map(|r| {
                vec![
                    r.destination.clone(),
                    r.invoices.to_string(),
                    r.amount.to_string(),
                ]
            })
            .collect();
        out.push('\n');
        out.push_str(&crate::table::render(
            &["routed to", "invoices", &format!("amount ({currency})")],
            &rows,
            &[1, 2],
        ));
    }
    exceptions_text(&mut out, ledger, &s.exceptions, currency);
    let _ = writeln!(
        out,
        "\ncollected {} {currency}, credited {} {currency}, outstanding at {} {} {currency}",
        cents(s.collected),
        cents(s.credited),
        s.to,
        cents(s.outstanding)
    );
    let mut rows: Vec<Vec<String>> = s
        .aged
        .iter()
        .map(|a| {
            let debtor = ledger.debtor(a.debtor);
            aging_row(&debtor.id, &debtor.name, &a.aging)
        })
        .collect();
    rows.push(aging_row("total", "", &s.aged_total));
    let mut header = vec!["aged balance", "name"];
    header.extend(Aging::LABELS);
    header.push("total");
    out.push('\n');
    out.push_str(&crate::table::render(&header, &rows, &[2, 3, 4, 5, 6, 7]));
    out
}

/// The exceptions' part of the summary: proofs of claim first (those due
/// in the window first of all), then holds, promises and plans.
pub(crate) fn exceptions_text(
    out: &mut String,
    ledger: &Ledger,
    e: &super::summary::ExceptionSummary,
    currency: &str,
) {
    if e.is_empty() {
        return;
    }
    if !e.insolvencies.is_empty() {
        let rows: Vec<Vec<String>> = e
            .insolvencies
            .iter()
            .map(|l| {
                vec![
                    ledger.debtor(l.debtor).id.clone(),
                    crate::law::insolvency::procedure_name(l.procedure).to_string(),
                    l.opened.to_string(),
                    l.deadline
                        .map_or_else(|| "set by the judgment".to_string(), |d| d.to_string()),
                    cents(l.principal).to_string(),
                    cents(l.interest).to_string(),
                    cents(l.indemnity).to_string(),
                    cents(l.claim()).to_string(),
                    l.stayed.to_string(),
                ]
            })
            .collect();
        out.push('\n');
        out.push_str(&crate::table::render(
            &[
                "insolvency",
                "procedure",
                "opened",
                "proof of claim by",
                "principal",
                "interest",
                "indemnity",
                &format!("claim ({currency})"),
                "steps stayed",
            ],
            &rows,
            &[4, 5, 6, 7, 8],
        ));
    }
    let _ = writeln!(
        out,
        "\n{} invoices on hold; promises kept {} ({} {currency}), broken {} ({} {currency}); payment plans honoured {}, broken {}",
        e.on_hold,
        e.promises_kept.0,
        cents(e.promises_kept.1),
        e.promises_broken.0,
        cents(e.promises_broken.1),
        e.plans_honoured,
        e.plans_broken
    );
}

fn aging_row(id: &str, name: &str, aging: &Aging) -> Vec<String> {
    let mut row = vec![id.to_string(), name.to_string()];
    row.extend(aging.buckets().iter().map(money));
    row.push(money(&aging.total()));
    row
}

fn money(amount: &Decimal) -> String {
    if amount.is_zero() {
        "—".to_string()
    } else {
        cents(*amount).to_string()
    }
}

/// An amount with its cents (`0.00`, not `0`).
fn cents(amount: Decimal) -> Decimal {
    crate::ledger::with_cents(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn user_fields_are_quoted_like_the_csv_crate_does() {
        let mut buf = Vec::new();
        push_field(&mut buf, b"F-1");
        push_field(&mut buf, b",");
        push_field(&mut buf, b"say \"hi\"");
        assert_eq!(buf, b"F-1\",\"\"say \"\"hi\"\"\"");
    }

    proptest::proptest! {
        #[test]
        fn any_decimal_prints_as_display_does(
            mantissa in proptest::prop_oneof![
                -1_000_000_000i128..1_000_000_000,
                -79_228_162_514_264_337_593_543_950_335i128..=79_228_162_514_264_337_593_543_950_335,
            ],
            scale in 0u32..=28,
        ) {
            let value = Decimal::from_i128_with_scale(mantissa, scale);
            let mut buf = Vec::new();
            push_decimal(&mut buf, value);
            proptest::prop_assert_eq!(String::from_utf8(buf).unwrap(), value.to_string());
        }
    }

    #[test]
    fn decimals_print_as_display_does() {
        for text in [
            "1200.00",
            "0.05",
            "-3.5",
            "15000",
            "0",
            "0.00",
            "123456789.123456789",
        ] {
            let value = Decimal::from_str(text).unwrap();
            let mut buf = Vec::new();
            push_decimal(&mut buf, value);
            assert_eq!(String::from_utf8(buf).unwrap(), value.to_string(), "{text}");
        }
    }
}
