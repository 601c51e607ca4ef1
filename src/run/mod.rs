//! `policy run` minus the command line: what is due on the run's day, less
//! what the journal holds ([`plan_today`]), rendered in memory part by part
//! ([`Today::render`]), each part performed through the journal
//! ([`execute`]) while the next ones render. The rules (grouping, catch-up,
//! money) are in docs/run.md.
//!
//! - [`agenda`]: events → one action per debtor, step, recipient and channel;
//! - [`money`]: what a letter claims per invoice;
//! - [`produce`]: an action's journal record and output bytes;
//! - [`failures`]: communications that could not be produced, located and
//!   reported;
//! - [`smtp`]: `--smtp`, lettre's SMTP transport.
//!
//! One communication that cannot be produced (a malformed address, a
//! template failing on its data, a template past its limits) is reported and
//! left out; the others go out. Only a problem of the templates folder itself
//! (a template that does not compile, or is missing for a channel) stops the
//! run before anything, since it would fail every letter alike.

pub mod agenda;
pub mod execute;
pub mod failures;
pub mod freshness;
pub mod money;
mod priority;
pub mod produce;
pub mod report;
pub mod session;
pub mod smtp;
pub(crate) mod today;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::claim::RateTable;
use crate::diagnostic::Diagnostic;
use crate::journal::{ActionKey, StepDone};
use crate::ledger::{InvoiceId, Ledger};
use crate::letters::{Firm, Templates};
use crate::plan::{Plan, StepId};
use crate::simulate::{self, AsWritten, Event, Journaled, RunsFrom, Window};

pub use agenda::{Agenda, Held, Medium, Planned};
pub use failures::locate;
pub use produce::{Failure, Ready};

/// What a run works from.
pub struct Job<'a> {
    pub plan: &'a Plan,
    /// The policy file as task rows name it.
    pub policy_name: &'a str,
    /// The policy file as given, and its version (SHA-256 of its text), for
    /// the journal.
    pub policy_file: &'a str,
    pub policy_sha256: &'a str,
    pub ledger: &'a Ledger,
    pub templates: Option<&'a Templates>,
    pub firm: &'a Firm,
    /// The firm's details file and the debtors file, as diagnostics name
    /// them.
    pub firm_file: &'a str,
    pub debtors_file: &'a str,
    pub rates: &'a RateTable,
    pub as_of: NaiveDate,
}

/// What the journal already knows, as the run needs it.
pub trait Known {
    /// The action key is taken (done, open or uncertain): never redo it.
    fn taken(&self, key: &ActionKey) -> bool;
    /// The day of the first action recorded for the invoice.
    fn first_day(&self, invoice: &str) -> Option<NaiveDate>;
    /// The steps done for the invoice, with their days.
    fn performed(&self, invoice: &str) -> &[StepDone];
}

impl Known for crate::journal::Journal {
    fn taken(&self, key: &ActionKey) -> bool {
        self.done(key)
    }
    fn first_day(&self, invoice: &str) -> Option<NaiveDate> {
        crate::journal::Journal::first_day(self, invoice)
    }
    fn performed(&self, invoice: &str) -> &[StepDone] {
        crate::journal::Journal::performed(self, invoice)
    }
}

impl Known for crate::journal::Snapshot {
    fn taken(&self, key: &ActionKey) -> bool {
        self.status(key).is_some()
    }
    fn first_day(&self, invoice: &str) -> Option<NaiveDate> {
        crate::journal::Snapshot::first_day(self, invoice)
    }
    fn performed(&self, invoice: &str) -> &[StepDone] {
        crate::journal::Snapshot::performed(self, invoice)
    }
}

/// Everything the run will do, rendered, before anything is written.
#[derive(Debug, Default)]
pub struct Prepared {
    pub ready: Vec<Ready>,
    /// Actions that cannot go out yet (no address), with why.
    pub skipped: Vec<Diagnostic>,
    /// Actions that could not be produced (see [`Failure`]): not recorded,
    /// tried again by the next run.
    pub failed: Vec<Failure>,
    /// Steps kept for later runs by the catch-up rule.
    pub held: Vec<Held>,
    /// Routes the law refuses for their debtor (issue 13, point 10): nothing
    /// is produced for them, every run says so until the policy routes them
    /// elsewhere.
    pub refused: Vec<Diagnostic>,
    /// How many routes were refused (`refused` says the first twenty).
    pub routes_refused: usize,
    /// Worth saying, not stopping for (a rate past the table's end).
    pub warnings: Vec<Diagnostic>,
}

/// The run's day planned, nothing rendered yet: what is due, less what the
/// journal holds ([`plan_today`]). Rendering it ([`Today::render`]) makes
/// the day's [`Prepared`].
pub(crate) struct Today {
    simulation: simulate::Simulation,
    agenda: Agenda,
    /// Routes the law refuses (the first twenty) and how many in all.
    refused: Vec<Diagnostic>,
    routes_refused: usize,
    /// Today's routes above the court's ceiling.
    warnings: Vec<Diagnostic>,
}

/// Plans the run's day: simulates the book as the runs schedule it, from
/// what the journal (`known`) holds, and keeps today's actions.
pub(crate) fn plan_today(job: &Job<'_>, known: &dyn Known) -> Today {
    let ledger = job.ledger;
    let first_days: Vec<Option<NaiveDate>> = ledger
        .invoices
        .iter()
        .map(|invoice| known.first_day(&invoice.reference))
        .collect();
    let refs = agenda::step_refs(job.plan);
    let steps: HashMap<&str, StepId> = refs
        .iter()
        .zip(&job.plan.steps)
        .map(|(r, step)| (r.id.as_str(), step.id))
        .collect();
    let performed: Vec<Vec<(StepId, NaiveDate)>> = ledger
        .invoices
        .iter()
        .map(|invoice| performed_steps(known.performed(&invoice.reference), &steps))
        .collect();
    let window = Window {
        from: None,
        to: job.as_of,
    };
    let simulation = simulate::simulate_runs(
        job.plan,
        ledger,
        window,
        &AsWritten,
        Some(RunsFrom::Journal(Journaled {
            first_days: &first_days,
            performed: &performed,
            today: job.as_of,
        })),
    );
    let agenda = agenda::for_day(job.plan, ledger, &simulation, job.as_of, &|key| {
        known.taken(key)
    });
    let refused = simulate::refusals(job.plan, ledger, &simulation.summary.refused, 20);
    let routes_refused = simulation.summary.refused.len();
    let mut today = Today {
        simulation,
        agenda,
        refused,
        routes_refused,
        warnings: Vec::new(),
    };
    // Today's routes whose claim interest and indemnity take above the
    // court's ceiling: said, not refused (see simulate::ceilings).
    let events = events_of(&today.simulation, &today.agenda);
    let routes: Vec<&Event> = today
        .agenda
        .actions
        .iter()
        .filter(|p| {
            job.plan
                .step(p.step)
                .is_some_and(|s| matches!(s.action, crate::plan::Action::Route { .. }))
        })
        .flat_map(|p| {
            p.invoices.iter().filter_map(|invoice| {
                events
                    .get(invoice)
                    .and_then(|list| list.iter().find(|e| e.step == p.step).copied())
            })
        })
        .collect();
    let warnings =
        simulate::ceilings::above_ceiling(job.plan, ledger, &routes, &events, job.rates, 20);
    drop(events);
    today.warnings = warnings;
    today
}

/// Plans and renders the run's day. A communication that cannot be produced
/// is in [`Prepared::failed`]; `Err` holds the problems of the templates
/// folder that would fail every communication alike (each said once).
pub fn prepare(job: &Job<'_>, known: &dyn Known) -> Result<Prepared, Vec<Diagnostic>> {
    plan_today(job, known).render(job, None)
}

/// Planned actions rendered together while the part before them is
/// performed: as many as a batch of the journal.
const PART: usize = execute::BATCH;

/// How many parts may wait rendered for their turn: a part is a few
/// megabytes, and while a batch waits for the disk the cores render the
/// next ones instead of idling.
const AHEAD: usize = 3;

/// The threads rendering parts ahead while batches are performed, at a
/// lower priority than the batches' threads: the batches are what a run
/// waits for, and rendering fills the time a batch leaves the cores idle
/// (waiting for the disk) instead of taking half of the cores from its file
/// work. `None` where the threads cannot be made: the common pool renders.
fn renderers() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .thread_name(|n| format!("render-{n}"))
        .start_handler(|_| priority::lower_this_thread())
        .build()
        .ok()
}

/// Renders `parts` in order on the [`renderers`], up to [`AHEAD`] parts
/// ahead of `take`, which gets each part's result in order (with `true`
/// for the last) while the next ones render. A panic while rendering goes
/// on here once the parts before it are taken.
fn rendered_ahead<P: Send, R: Send>(
    parts: Vec<P>,
    render: &(impl Fn(P) -> R + Sync),
    mut take: impl FnMut(R, bool),
) {
    let count = parts.len();
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(AHEAD);
        let renderer = scope.spawn(move || {
            let pool = renderers();
            for part in parts {
                let produced = match &pool {
                    Some(pool) => pool.install(|| render(part)),
                    None => render(part),
                };
                if send.send(produced).is_err() {
                    break;
                }
            }
        });
        for at in 1..=count {
            let Ok(produced) = receive.recv() else {
                break;
            };
            take(produced, at == count);
        }
        drop(receive);
        if let Err(panic) = renderer.join() {
            // A bug while rendering: the run's panic report.
            std::panic::resume_unwind(panic);
        }
    });
}

/// What renders the day hands its communications to, in the plan's order,
/// while the rest renders: called with every action rendered so far, and
/// `true` once the last is.
pub(crate) type Perform<'p> = &'p mut dyn FnMut(&mut [Ready], bool);

impl Today {
    /// Whether every communication of the day finds its template: then no
    /// rendering can stop the run ([`produce::produce`]'s `Err`), and the
    /// day may be performed while it renders.
    pub(crate) fn templates_serve(&self, job: &Job<'_>) -> bool {
        let mut seen = std::collections::HashSet::new();
        self.agenda.actions.iter().all(|planned| {
            let Medium::Template(channel) = planned.medium else {
                return true;
            };
            if !seen.insert((planned.step, channel)) {
                return true;
            }
            let Some(crate::plan::Action::Send { template, .. }) =
                job.plan.step(planned.step).map(|s| &s.action)
            else {
                return false;
            };
            job.templates
                .is_some_and(|t| t.check(template, channel).is_ok())
        })
    }

    /// Renders the day, on every core, each action with its warnings, taken
    /// in the plan's order so that the outcome is the one of rendering them
    /// one after another. With `perform`, the actions rendered are handed
    /// over part by part while the next parts render (only for a day whose
    /// [`Today::templates_serve`]: an `Err` would come too late).
    pub fn render(
        self,
        job: &Job<'_>,
        mut perform: Option<Perform<'_>>,
    ) -> Result<Prepared, Vec<Diagnostic>> {
        let Today {
            simulation,
            agenda,
            refused,
            routes_refused,
            warnings,
        } = self;
        let events = events_of(&simulation, &agenda);
        let inputs = produce::Inputs {
            job,
            events: &events,
            by_debtor: std::sync::OnceLock::new(),
        };
        let mut prepared = Prepared {
            held: agenda.held,
            refused,
            routes_refused,
            warnings,
            ..Prepared::default()
        };
        let mut errors: Vec<Diagnostic> = Vec::new();
        let render = |part: &[Planned]| -> Vec<Rendered> {
            use rayon::prelude::*;
            part.par_iter()
                .with_min_len(16)
                .map(|planned| {
                    let mut warnings = Vec::new();
                    (produce::produce(&inputs, planned, &mut warnings), warnings)
                })
                .collect()
        };
        let actions = &agenda.actions;
        match perform.as_mut() {
            None => take(&mut prepared, &mut errors, render(actions)),
            Some(perform) => {
                let parts: Vec<&[Planned]> = actions.chunks(PART).collect();
                rendered_ahead(parts, &render, |produced, last| {
                    take(&mut prepared, &mut errors, produced);
                    // INVARIANT: with templates that serve the day, no
                    // rendering fails the run; should one, nothing more is
                    // performed.
                    if errors.is_empty() {
                        perform(&mut prepared.ready, last);
                    }
                });
                if actions.is_empty() {
                    perform(&mut prepared.ready, true);
                }
            }
        }
        // Said once, however many letters had it.
        let mut seen = std::collections::HashSet::new();
        prepared
            .warnings
            .retain(|w| seen.insert((w.code, w.message.clone())));
        if errors.is_empty() {
            Ok(prepared)
        } else {
            Err(errors)
        }
    }
}

/// Every invoice's events up to the run's day; none for a day without
/// actions, which needs none.
fn events_of<'s>(
    simulation: &'s simulate::Simulation,
    agenda: &Agenda,
) -> HashMap<InvoiceId, Vec<&'s Event>> {
    let mut events: HashMap<InvoiceId, Vec<&Event>> = HashMap::new();
    if agenda.actions.is_empty() {
        return events;
    }
    for event in simulation.events() {
        events.entry(event.invoice).or_default().push(event);
    }
    events
}

/// An action rendered, with its warnings.
type Rendered = (Result<produce::Produced, Diagnostic>, Vec<Diagnostic>);

/// Takes rendered actions into `prepared`, in order.
fn take(prepared: &mut Prepared, errors: &mut Vec<Diagnostic>, produced: Vec<Rendered>) {
    for (result, warnings) in produced {
        prepared.warnings.extend(warnings);
        match result {
            Ok(produce::Produced::Ready(ready)) => prepared.ready.push(*ready),
            Ok(produce::Produced::Skipped(why)) => prepared.skipped.push(why),
            Ok(produce::Produced::Failed(failure)) => prepared.failed.push(*failure),
            // A missing template fails every letter using it: say it once.
            Err(e) if errors.iter().any(|seen| same(seen, &e)) => {}
            Err(e) => errors.push(e),
        }
    }
}

/// The steps of the policy done for an invoice, each with the day of its
/// first action; steps the policy no longer has are left out.
fn performed_steps(
    performed: &[StepDone],
    steps: &HashMap<&str, StepId>,
) -> Vec<(StepId, NaiveDate)> {
    let mut days: Vec<(StepId, NaiveDate)> = Vec::new();
    for done in performed {
        let Some(&step) = steps.get(done.step.as_str()) else {
            continue;
        };
        match days.iter_mut().find(|(s, _)| *s == step) {
            Some((_, day)) => *day = (*day).min(done.day),
            None => days.push((step, done.day)),
        }
    }
    days
}

fn same(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.code == b.code && a.message == b.message
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn parts_are_taken_in_order_the_last_said_and_rendering_stays_a_few_ahead() {
        let rendered = AtomicUsize::new(0);
        let mut taken = Vec::new();
        rendered_ahead(
            (0..50).collect(),
            &|part: usize| {
                rendered.fetch_add(1, Ordering::SeqCst);
                part * 2
            },
            |result, last| {
                // One in the channel's slots, one waiting to be sent, one
                // rendering: never more.
                assert!(rendered.load(Ordering::SeqCst) <= taken.len() + AHEAD + 2);
                taken.push((result, last));
            },
        );
        let expected: Vec<(usize, bool)> = (0..50).map(|k| (k * 2, k == 49)).collect();
        assert_eq!(taken, expected);
        let mut none = Vec::new();
        rendered_ahead(Vec::<usize>::new(), &|k: usize| k, |r, last| {
            none.push((r, last))
        });
        assert!(none.is_empty());
    }

    #[test]
    fn a_panic_while_rendering_reaches_the_caller_after_the_parts_before_it() {
        let mut taken = Vec::new();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rendered_ahead(
                (0..20).collect(),
                &|part: usize| {
                    assert!(part != 7, "a bug at part 7");
                    part
                },
                |result, _| taken.push(result),
            );
        }));
        assert!(caught.is_err());
        assert_eq!(taken, (0..7).collect::<Vec<_>>());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn rendering_runs_at_a_lower_priority_than_the_caller() {
        let here = rustix::process::getpriority_process(None).unwrap();
        let mut seen = Vec::new();
        rendered_ahead(
            vec![()],
            &|()| rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap(),
            |nice, _| seen.push(nice),
        );
        assert_eq!(seen.len(), 1);
        assert!(seen[0] > here || here == 19, "{seen:?} against {here}");
    }
}
