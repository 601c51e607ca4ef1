//! Turns a planned action into what the run writes: the journal's
//! [`Action`] and the bytes of its output (an `.eml`, a printable letter, an
//! SMS text, a task row), rendered in memory. Nothing is written here.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use super::Job;
use super::money::{InvoiceClaim, invoice_claim};
use super::plan::{Medium, Planned};
use crate::diagnostic::{Code, Diagnostic};
use crate::journal::{Action, ClaimedLine, PolicyRef};
use crate::ledger::{Debtor, InvoiceId};
use crate::letters::{self, InvoiceLine, LetterContext, Party, tasks};
use crate::plan::{self, Plan};
use crate::simulate::Event;
use crate::vocab::Channel;

/// The sender of e-mails when the firm's details give none (RFC 2606).
pub const NO_SENDER: &str = "expediteur@firme.invalid";

/// Everything producing needs besides the action.
pub struct Inputs<'a> {
    pub job: &'a Job<'a>,
    /// Every invoice's events up to the run's day.
    pub events: &'a HashMap<InvoiceId, Vec<&'a Event>>,
}

/// An action ready to perform.
#[derive(Debug, Clone)]
pub struct Ready {
    pub action: Action,
    /// Relative to the outbox.
    pub output: String,
    pub bytes: Vec<u8>,
}

/// What producing one planned action gave.
#[derive(Debug)]
pub enum Produced {
    Ready(Box<Ready>),
    /// Cannot go out (no address known): left for a later run, with why.
    Skipped(Diagnostic),
}

/// Renders `planned`. A template error is an `Err`: the run stops before
/// producing anything.
pub fn produce(
    inputs: &Inputs<'_>,
    planned: &Planned,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Produced, Diagnostic> {
    let ledger = inputs.job.ledger;
    let debtor = ledger.debtor(planned.debtor);
    let currency = inputs.job.plan.currency.value;
    let mut lines = Vec::with_capacity(planned.invoices.len());
    let mut claims = Vec::with_capacity(planned.invoices.len());
    for &id in &planned.invoices {
        let invoice = ledger.invoice(id);
        let events = inputs.events.get(&id).map_or(&[][..], Vec::as_slice);
        let claim = invoice_claim(
            inputs.job.plan,
            ledger,
            invoice,
            events,
            inputs.job.as_of,
            inputs.job.rates,
            warnings,
        )?;
        lines.push(InvoiceLine {
            number: invoice.reference.to_string(),
            issue_date: invoice.issued,
            due_date: invoice.due,
            amount: invoice.amount,
            outstanding: claim.outstanding,
            days_late: (inputs.job.as_of - invoice.due).num_days(),
            extra: ledger
                .attributes(&invoice.attributes)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        });
        claims.push(claim);
    }
    let sum = |f: fn(&InvoiceClaim) -> Decimal| claims.iter().map(f).sum::<Decimal>();
    let claimed = sum(InvoiceClaim::claimed);
    let to = match address(debtor, planned) {
        Ok(to) => to,
        Err(missing) => return Ok(Produced::Skipped(missing)),
    };
    let mut action = Action {
        date: inputs.job.as_of,
        debtor: debtor.id.clone(),
        invoices: lines.iter().map(|l| l.number.clone()).collect(),
        step: planned.step_ref.clone(),
        channel: planned.medium.as_str().to_string(),
        recipient: planned.recipient.clone(),
        to,
        claimed: Some(claimed),
        currency: Some(currency.to_string()),
        policy: Some(PolicyRef {
            file: inputs.job.policy_file.to_string(),
            sha256: inputs.job.policy_sha256.to_string(),
            jurisdiction: inputs
                .job
                .plan
                .jurisdiction
                .as_ref()
                .map(|j| j.value.as_str().to_string()),
        }),
        lines: lines
            .iter()
            .zip(&claims)
            .map(|(line, claim)| ClaimedLine {
                invoice: line.number.clone(),
                principal: claim.outstanding,
                indemnity: claim.indemnity,
                interest: claim.interest,
            })
            .collect(),
    };
    let (extension, bytes) = match planned.medium {
        Medium::Template(channel) => {
            let Some(step) = inputs.job.plan.step(planned.step) else {
                return Err(internal("a planned step is not in the plan"));
            };
            let plan::Action::Send { template, .. } = &step.action else {
                return Err(internal("a letter planned for a step that sends none"));
            };
            let Some(templates) = inputs.job.templates else {
                return Err(no_templates(inputs.job.plan));
            };
            let mut creditor = inputs.job.firm.clone();
            if creditor.email.trim().is_empty() {
                // Without firm details the run still works (the firm-details
                // warning says so); an e-mail needs some sender, and the
                // reserved `.invalid` domain can never be mistaken for one.
                creditor.email = NO_SENDER.to_string();
            }
            let context = LetterContext {
                currency: currency.to_string(),
                creditor,
                recipient: recipient(debtor, planned.to_guarantor),
                debtor: letter_debtor(debtor),
                to_guarantor: planned.to_guarantor,
                channel,
                invoices: lines,
                indemnity: sum(|c| c.indemnity),
                interest: sum(|c| c.interest),
                indemnity_if_unpaid: sum(|c| c.indemnity_if_unpaid),
                today: inputs.job.as_of,
            };
            let rendered = templates.render(template, channel, &context)?;
            let produced = letters::produce(&rendered, &context)?;
            (produced.extension, produced.bytes)
        }
        Medium::Phone | Medium::Route => {
            let procedure = match inputs.job.plan.step(planned.step).map(|s| &s.action) {
                Some(plan::Action::Route { procedure, .. }) => procedure.clone(),
                _ => None,
            };
            let row = tasks::TaskRow {
                date: inputs.job.as_of,
                debtor: debtor.id.clone(),
                debtor_name: debtor.name.clone(),
                invoices: action.invoices.join(" "),
                step: format!(
                    "{}:{} {}",
                    inputs.job.policy_name, planned.step_ref.line, planned.step_ref.id
                ),
                action: if planned.medium == Medium::Phone {
                    "call".into()
                } else {
                    "route".into()
                },
                target: planned.recipient.clone(),
                procedure: procedure.unwrap_or_default(),
                amount_claimed: claimed,
                currency: currency.to_string(),
                phone: phone(debtor).unwrap_or_default(),
                email: debtor.email.clone().unwrap_or_default(),
                address: party_address(debtor, planned.to_guarantor),
                note: if planned.to_guarantor {
                    format!(
                        "guarantor: {}",
                        debtor.guarantor.clone().unwrap_or_default()
                    )
                } else {
                    String::new()
                },
            };
            ("csv", tasks::csv(&[row])?)
        }
    };
    if action.to.is_empty() && planned.medium == Medium::Phone {
        action.to = phone(debtor).unwrap_or_default();
    }
    let output = action.file_name(extension);
    Ok(Produced::Ready(Box::new(Ready {
        action,
        output,
        bytes,
    })))
}

fn known(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Where the action goes, or why it cannot go.
fn address(debtor: &Debtor, planned: &Planned) -> Result<String, Diagnostic> {
    let whom = if planned.to_guarantor {
        format!(
            "the guarantor of {} ({})",
            debtor.id,
            debtor.guarantor.as_deref().unwrap_or("unnamed")
        )
    } else {
        format!("debtor {} ({})", debtor.id, debtor.name)
    };
    let missing = |what: &str, column: &str| {
        Diagnostic::warning(
            Code::NoAddress,
            format!(
                "no {what} for {whom}: `{}` by {} not produced",
                planned.step_ref.id,
                planned.medium.as_str()
            ),
        )
        .with_help(format!(
            "fill the `{column}` column of the debtors file; the next run produces it"
        ))
    };
    match planned.medium {
        Medium::Template(Channel::Email) if planned.to_guarantor => {
            Err(missing("e-mail address", "guarantor_email"))
        }
        Medium::Template(Channel::Email) => known(debtor.email.as_deref())
            .map(str::to_string)
            .ok_or_else(|| missing("e-mail address", "email")),
        Medium::Template(Channel::Sms) if planned.to_guarantor => {
            Err(missing("phone number", "guarantor_phone"))
        }
        Medium::Template(Channel::Sms) => {
            phone(debtor).ok_or_else(|| missing("phone number", "phone"))
        }
        Medium::Template(_) => {
            let (value, column) = if planned.to_guarantor {
                (debtor.guarantor_address.as_deref(), "guarantor_address")
            } else {
                (debtor.address.as_deref(), "address")
            };
            known(value)
                .map(|a| a.replace('\n', ", "))
                .ok_or_else(|| missing("postal address", column))
        }
        Medium::Phone | Medium::Route => Ok(String::new()),
    }
}

fn phone(debtor: &Debtor) -> Option<String> {
    debtor
        .attributes
        .iter()
        .find(|(k, v)| k == "phone" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
}

fn party_address(debtor: &Debtor, guarantor: bool) -> String {
    let address = if guarantor {
        &debtor.guarantor_address
    } else {
        &debtor.address
    };
    address.clone().unwrap_or_default()
}

fn recipient(debtor: &Debtor, guarantor: bool) -> Party {
    if guarantor {
        Party {
            name: debtor.guarantor.clone().unwrap_or_default(),
            address: party_address(debtor, true),
            email: String::new(),
        }
    } else {
        Party {
            name: debtor.name.clone(),
            address: party_address(debtor, false),
            email: debtor.email.clone().unwrap_or_default(),
        }
    }
}

fn letter_debtor(debtor: &Debtor) -> letters::Debtor {
    letters::Debtor {
        id: debtor.id.clone(),
        name: debtor.name.clone(),
        address: debtor.address.clone().unwrap_or_default(),
        email: debtor.email.clone().unwrap_or_default(),
        kind: debtor.kind,
        guarantor: debtor.guarantor.clone(),
        guarantor_address: debtor.guarantor_address.clone(),
        extra: debtor
            .attributes
            .iter()
            .cloned()
            .collect::<BTreeMap<String, String>>(),
    }
}

fn no_templates(plan: &Plan) -> Diagnostic {
    Diagnostic::error(
        Code::TemplateMissing,
        "the policy sends letters but names no templates folder",
    )
    .with_help("add `templates \"FOLDER\"` to the policy's headers (see docs/templates.md)")
    .in_source(&plan.source)
}

fn internal(what: &str) -> Diagnostic {
    Diagnostic::error(Code::Internal, format!("internal error: {what}"))
        .with_help("this is a bug in `policy run`: please report it with the policy")
}
