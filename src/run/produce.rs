//! Turns a planned action into what the run writes: the journal's
//! [`Action`] and the bytes of its output (an `.eml`, a printable letter, an
//! SMS text, a task row), rendered in memory. Nothing is written here.

use crate::amount::Amounts;
use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use super::Job;
use super::agenda::{Medium, Planned};
use super::money::{InvoiceClaim, invoice_claim};
use crate::diagnostic::{Code, Diagnostic};
use crate::journal::{Action, ClaimedLine, PolicyRef};
use crate::ledger::{Debtor, InvoiceId};
use crate::letters::{self, InvoiceLine, LetterContext, Party, tasks};
use crate::plan::{self, Plan};
use crate::simulate::Event;
use crate::vocab::Channel;

/// The sender of e-mails when the firm's details give none (RFC 2606).
pub(crate) const NO_SENDER: &str = "expediteur@firme.invalid";

/// Everything producing needs besides the action.
pub struct Inputs<'a> {
    pub job: &'a Job<'a>,
    /// Every invoice's events up to the run's day.
    pub events: &'a HashMap<InvoiceId, Vec<&'a Event>>,
    /// Each debtor's invoices, built for the first statement of account.
    pub by_debtor: std::sync::OnceLock<HashMap<crate::ledger::DebtorId, Vec<InvoiceId>>>,
}

/// An action ready to perform.
#[derive(Debug, Clone)]
pub struct Ready {
    pub action: Action,
    /// Relative to the outbox.
    pub output: String,
    pub bytes: Vec<u8>,
    /// The SHA-256 of `bytes`, as the journal records it.
    pub sha256: String,
}

/// What producing one planned action gave.
#[derive(Debug)]
pub enum Produced {
    Ready(Box<Ready>),
    /// Cannot go out (no address known): left for a later run, with why.
    Skipped(Diagnostic),
    /// Cannot be produced for a reason of its own (its debtor's data, a
    /// template failing on it): not produced, not recorded; the run goes on
    /// with the others and exits 1.
    Failed(Box<Failure>),
}

/// One communication that could not be produced.
#[derive(Debug, Clone)]
pub struct Failure {
    pub debtor: String,
    /// The step's id (`send relance_1`).
    pub step: String,
    /// What failures of one cause share (a template failing on every letter
    /// is reported once, with the count).
    pub cause: String,
    pub diagnostic: Diagnostic,
    /// The debtor's line in the debtors file and the value at fault, when
    /// the cause is there ([`super::locate`] points the diagnostic at it).
    pub row: Option<(u32, String)>,
}

/// Renders `planned`. `Err` is a problem of the policy's templates folder
/// that fails every communication alike (no folder, no template for the
/// channel): the run stops before producing anything. A problem of this
/// one communication is [`Produced::Failed`].
pub fn produce(
    inputs: &Inputs<'_>,
    planned: &Planned,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Produced, Diagnostic> {
    let ledger = inputs.job.ledger;
    let debtor = ledger.debtor(planned.debtor);
    let currency = inputs.job.plan.currency.value;
    let failed = |diagnostic: Diagnostic, row: Option<(u32, String)>| {
        Ok(Produced::Failed(Box::new(failure(
            debtor, planned, diagnostic, row,
        ))))
    };
    let mut lines = Vec::with_capacity(planned.invoices.len());
    let mut claims = Vec::with_capacity(planned.invoices.len());
    for &id in &planned.invoices {
        let invoice = ledger.invoice(id);
        let events = inputs.events.get(&id).map_or(&[][..], Vec::as_slice);
        let claim = match invoice_claim(
            inputs.job.plan,
            ledger,
            invoice,
            events,
            inputs.job.as_of,
            inputs.job.rates,
            warnings,
        ) {
            Ok(claim) => claim,
            Err(d) => return failed(d, None),
        };
        lines.push(InvoiceLine {
            number: invoice.reference.to_string(),
            reference: reference_of(inputs.job, &invoice.reference).to_string(),
            issue_date: invoice.issued,
            due_date: invoice.due,
            amount: invoice.amount,
            outstanding: claim.outstanding,
            days_late: (inputs.job.as_of - invoice.due).num_days(),
            // Every column of the file, empty cells too: a template using
            // `invoice.chantier` works on the rows where it is blank.
            extra: ledger
                .invoice_attributes(invoice)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        });
        claims.push(claim);
    }
    // Sums over the debtor's invoices, checked once here on the largest
    // (every claim is at least its parts, all positive).
    let sum = |f: fn(&InvoiceClaim) -> Decimal| {
        claims.iter().map(f).checked_total().unwrap_or(Decimal::MAX)
    };
    if claims
        .iter()
        .map(InvoiceClaim::claimed)
        .checked_total()
        .is_none()
    {
        let invoices = planned.invoices.len();
        return failed(
            crate::claim::overflow(&format!("the {invoices} invoices of this letter together")),
            None,
        );
    }
    let claimed = sum(InvoiceClaim::claimed);
    let to = match address(inputs.job, debtor, planned) {
        Address::To(to) => to,
        Address::Missing(why) => return Ok(Produced::Skipped(why)),
        Address::Invalid(why, value) => return failed(why, Some((debtor.line, value))),
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
            let plan::Action::Send { with_statement, .. } = &step.action else {
                return Err(internal("a letter planned for a step that sends none"));
            };
            let Some(templates) = inputs.job.templates else {
                return Err(no_templates(inputs.job.plan));
            };
            templates.check(template, channel)?;
            let language = language(debtor, templates, template, channel, inputs.job, warnings);
            let mut creditor = inputs.job.firm.clone();
            if creditor.email.trim().is_empty() {
                // Without firm details the run still works (the firm-details
                // warning says so); an e-mail needs some sender, and the
                // reserved `.invalid` domain can never be mistaken for one.
                creditor.email = NO_SENDER.to_string();
            }
            if channel == Channel::Email {
                if let Err(why) = letters::email::check_address(&creditor.email) {
                    return failed(firm_address(inputs.job, &creditor.email, &why), None);
                }
            }
            if letters::statement::needed(lines.len()) {
                if let Some(file) = templates.ignores_statement(template, channel) {
                    warnings.push(
                        Diagnostic::warning(
                            Code::TemplateLimit,
                            format!(
                                "template `{file}` lists every invoice in its text, though letters over {} invoices carry them in a statement",
                                letters::statement::INLINE_MAX
                            ),
                        )
                        .with_help("write `{% if statement %}…{{ statement.count }} factures, détaillées dans le relevé ci-joint…{% else %}…{% endif %}` (see docs/templates.md)")
                        .in_path(templates.dir().join(&file).display().to_string()),
                    );
                }
            }
            let plan = inputs.job.plan;
            let calendar =
                crate::calendar::Calendar::new(plan.jurisdiction.as_ref().map(|j| j.value));
            let today = inputs.job.as_of;
            let deadline = lines
                .iter()
                .filter_map(|l| {
                    plan.deadline(planned.step, today, l.due_date, l.issue_date, &calendar)
                })
                .min();
            let reference = match lines.as_slice() {
                [one] => reference_of(inputs.job, &one.number),
                _ => crate::reference::Reference::for_debtor(jurisdiction(inputs.job), &debtor.id),
            };
            let qr = letters::payment::epc_payload(
                &creditor.name,
                &creditor.iban,
                &creditor.bic,
                currency,
                claimed,
                &reference,
            );
            let payment = letters::payment::PaymentRequest {
                reference,
                amount: claimed,
                qr,
            };
            let account = with_statement.then(|| {
                std::sync::Arc::new(account(
                    inputs,
                    planned.debtor,
                    sum(|c| c.interest),
                    sum(|c| c.indemnity),
                ))
            });
            let context = LetterContext {
                currency: currency.to_string(),
                creditor,
                recipient: if to_mandataire(planned) {
                    mandataire(debtor)
                } else {
                    recipient(debtor, planned.to_guarantor)
                },
                debtor: letter_debtor(debtor),
                to_guarantor: planned.to_guarantor,
                channel,
                invoices: lines.into(),
                indemnity: sum(|c| c.indemnity),
                interest: sum(|c| c.interest),
                indemnity_if_unpaid: sum(|c| c.indemnity_if_unpaid),
                today,
                received: crate::law::delivery::presumed_receipt(channel, today, &calendar),
                deadline,
                language,
                payment: Some(payment),
                account,
            };
            let produced = templates
                .render(template, channel, &context)
                .and_then(|rendered| letters::produce(&rendered, &context));
            match produced {
                Ok(produced) => (produced.extension, produced.bytes),
                Err(d) => return failed(d, None),
            }
        }
        Medium::ProofOfClaim => match proof_of_claim(inputs, debtor, planned) {
            Ok(bytes) => ("csv", bytes),
            Err(d) => return failed(d, None),
        },
        Medium::Phone | Medium::Route => {
            let procedure = match inputs.job.plan.step(planned.step).map(|s| &s.action) {
                Some(plan::Action::Route { procedure, .. }) => procedure.clone(),
                _ => None,
            };
            let (phone, email) = if planned.to_guarantor {
                (debtor.guarantor_phone(), debtor.guarantor_email())
            } else {
                (debtor.phone(), debtor.email.as_deref())
            };
            if planned.to_guarantor && planned.medium == Medium::Phone && phone.is_none() {
                warnings.push(no_guarantor_phone(debtor, planned));
            }
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
                phone: phone.unwrap_or_default().to_string(),
                email: email.map(str::trim).unwrap_or_default().to_string(),
                address: party_address(debtor, planned.to_guarantor),
                note: if planned.to_guarantor {
                    format!(
                        "guarantor: {}",
                        debtor.guarantor.clone().unwrap_or_default()
                    )
                } else {
                    String::new()
                },
                deadline: None,
                principal: None,
                interest: None,
                indemnity: None,
            };
            if planned.medium == Medium::Phone {
                action.to = phone.unwrap_or_default().to_string();
            }
            match tasks::csv(&[row]) {
                Ok(bytes) => ("csv", bytes),
                Err(d) => return failed(d, None),
            }
        }
    };
    let output = action.file_name(extension);
    let sha256 = crate::journal::sha256_hex(&bytes);
    Ok(Produced::Ready(Box::new(Ready {
        action,
        output,
        bytes,
        sha256,
    })))
}

fn jurisdiction(job: &crate::run::Job<'_>) -> crate::vocab::Jurisdiction {
    job.plan
        .jurisdiction
        .as_ref()
        .map_or(crate::vocab::Jurisdiction::Fr, |j| j.value)
}

/// An invoice's payment reference, in its jurisdiction's scheme.
fn reference_of(job: &crate::run::Job<'_>, invoice: &str) -> crate::reference::Reference {
    crate::reference::Reference::for_invoice(jurisdiction(job), invoice)
}

/// The debtor's language (the debtors file's `language` column; French when
/// empty), with a warning when its folder lacks the template and the
/// default serves instead, or when the cell names no language known.
fn language(
    debtor: &Debtor,
    templates: &letters::Templates,
    template: &str,
    channel: Channel,
    job: &crate::run::Job<'_>,
    warnings: &mut Vec<Diagnostic>,
) -> letters::format::Language {
    use letters::format::Language;
    let cell = debtor.column("language").map(str::trim).unwrap_or_default();
    if cell.is_empty() {
        return Language::Fr;
    }
    let mut push = |d: Diagnostic| {
        if !warnings.iter().any(|w| w.message == d.message) {
            warnings.push(d);
        }
    };
    let Some(language) = Language::from_code(cell) else {
        push(
            Diagnostic::warning(
                Code::TemplateLanguage,
                format!("the language `{cell}` is not one letters are written in: the default templates serve"),
            )
            .with_help("write `fr`, `nl`, `de`, `en` or `lb` in the debtors file's `language` column")
            .in_path(job.debtors_file.to_string()),
        );
        return Language::Fr;
    };
    if templates.falls_back(template, channel, language) {
        push(
            Diagnostic::warning(
                Code::TemplateLanguage,
                format!(
                    "no template `{template}` in `{}/` for `{channel}`: debtors whose language is `{}` get the default one",
                    language.code(),
                    language.code()
                ),
            )
            .with_help(format!(
                "add `{}/{template}.txt` (or `.html`) to the templates folder (see docs/templates.md)",
                language.code()
            ))
            .in_path(templates.dir().join(language.code()).display().to_string()),
        );
        return Language::Fr;
    }
    language
}

/// The debtor's statement of account on the run's day: every invoice with
/// a balance, what was paid and credited, and the letter's charges.
fn account(
    inputs: &Inputs<'_>,
    debtor: crate::ledger::DebtorId,
    interest: Decimal,
    indemnity: Decimal,
) -> letters::Account {
    let ledger = inputs.job.ledger;
    let day = inputs.job.as_of;
    let index = inputs.by_debtor.get_or_init(|| {
        let mut map: HashMap<crate::ledger::DebtorId, Vec<InvoiceId>> = HashMap::new();
        for (i, invoice) in ledger.invoices.iter().enumerate() {
            map.entry(invoice.debtor)
                .or_default()
                .push(InvoiceId(i as u32));
        }
        map
    });
    let mut lines: Vec<letters::AccountLine> = index
        .get(&debtor)
        .into_iter()
        .flatten()
        .map(|id| ledger.invoice(*id))
        .filter(|invoice| invoice.issued <= day)
        .filter_map(|invoice| {
            let applied = |kind: crate::ledger::EntryKind| -> Decimal {
                ledger
                    .entries_of(invoice)
                    .iter()
                    .filter(|e| e.kind == kind && e.date <= day)
                    .map(|e| e.amount)
                    .total()
            };
            let paid = applied(crate::ledger::EntryKind::Payment);
            let credited = applied(crate::ledger::EntryKind::CreditNote);
            let outstanding = invoice
                .amount
                .saturating_sub(paid)
                .saturating_sub(credited)
                .max(Decimal::ZERO);
            (outstanding > Decimal::ZERO).then(|| letters::AccountLine {
                number: invoice.reference.to_string(),
                issue_date: invoice.issued,
                due_date: invoice.due,
                amount: invoice.amount,
                paid,
                credited,
                outstanding,
                days_late: (day - invoice.due).num_days(),
            })
        })
        .collect();
    lines.sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
    letters::Account {
        lines,
        interest,
        indemnity,
    }
}

/// `planned`'s failure for `diagnostic`, which names the communication.
fn failure(
    debtor: &Debtor,
    planned: &Planned,
    mut diagnostic: Diagnostic,
    row: Option<(u32, String)>,
) -> Failure {
    let cause = format!(
        "{}\u{0}{}\u{0}{:?}\u{0}{:?}",
        diagnostic.code,
        diagnostic.message,
        diagnostic.file(),
        diagnostic
            .labels
            .first()
            .map(|l| (l.span.start, l.span.end))
    );
    diagnostic.message = format!(
        "`{}` by {} to {} not produced: {}",
        planned.step_ref.id,
        planned.medium.as_str(),
        addressee(debtor, planned),
        diagnostic.message
    );
    Failure {
        debtor: debtor.id.clone(),
        step: planned.step_ref.id.clone(),
        cause,
        diagnostic,
        row,
    }
}

fn whom(debtor: &Debtor, guarantor: bool) -> String {
    if guarantor {
        format!(
            "the guarantor of {} ({})",
            debtor.id,
            debtor.guarantor.as_deref().unwrap_or("unnamed")
        )
    } else {
        format!("debtor {} ({})", debtor.id, debtor.name)
    }
}

fn known(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Where an action goes.
enum Address {
    To(String),
    /// Not given: the communication waits for it (a warning).
    Missing(Diagnostic),
    /// Given but unusable: the communication fails (an error), with the
    /// value as written.
    Invalid(Diagnostic, String),
}

fn address(job: &Job<'_>, debtor: &Debtor, planned: &Planned) -> Address {
    let whom = addressee(debtor, planned);
    let missing = |what: &str, column: &str| {
        Address::Missing(
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
            )),
        )
    };
    let email = |value: Option<&str>, column: &str| match known(value) {
        None => missing("e-mail address", column),
        Some(address) => match letters::email::check_address(address) {
            Ok(address) => Address::To(address.to_string()),
            Err(why) => Address::Invalid(
                Diagnostic::error(
                    Code::AddressInvalid,
                    format!(
                        "the e-mail address `{}` is not valid: {why}",
                        address.escape_debug()
                    ),
                )
                .with_help(format!(
                    "write one address in the `{column}` cell of the debtors file, e.g. \
                     `compta@client.lu`; the next run produces this communication"
                ))
                .in_path(job.debtors_file.to_string()),
                address.to_string(),
            ),
        },
    };
    if to_mandataire(planned) {
        // The practitioner's details, in the debtor's row (docs/ledger.md).
        return match planned.medium {
            Medium::Template(Channel::Email) => {
                email(debtor.mandataire_email(), "mandataire_email")
            }
            Medium::Template(Channel::Sms) => missing("phone number", "mandataire_phone"),
            Medium::Template(_) => match known(debtor.mandataire_address()) {
                Some(address) => Address::To(one_line(address)),
                None => missing("postal address", "mandataire_address"),
            },
            Medium::Phone | Medium::Route | Medium::ProofOfClaim => Address::To(String::new()),
        };
    }
    match planned.medium {
        Medium::Template(Channel::Email) if planned.to_guarantor => {
            email(debtor.guarantor_email(), "guarantor_email")
        }
        Medium::Template(Channel::Email) => email(debtor.email.as_deref(), "email"),
        Medium::Template(Channel::Sms) => {
            let (phone, column) = if planned.to_guarantor {
                (debtor.guarantor_phone(), "guarantor_phone")
            } else {
                (debtor.phone(), "phone")
            };
            match phone {
                Some(phone) => Address::To(phone.to_string()),
                None => missing("phone number", column),
            }
        }
        Medium::Template(_) => {
            let (value, column) = if planned.to_guarantor {
                (debtor.guarantor_address.as_deref(), "guarantor_address")
            } else {
                (debtor.address.as_deref(), "address")
            };
            match known(value) {
                Some(address) => Address::To(one_line(address)),
                None => missing("postal address", column),
            }
        }
        Medium::Phone | Medium::Route | Medium::ProofOfClaim => Address::To(String::new()),
    }
}

/// An amount with its cents written (`40.00`), as the other amounts.
fn cents(mut amount: Decimal) -> Decimal {
    amount.rescale(2);
    amount
}

/// The proof of claim's task row: the procedure, the deadline to lodge it
/// (law::insolvency) and the claim as of the opening judgment
/// (dossier::claim::at_opening, as `policy simulate` sums it up).
fn proof_of_claim(
    inputs: &Inputs<'_>,
    debtor: &Debtor,
    planned: &Planned,
) -> Result<Vec<u8>, Diagnostic> {
    let job = inputs.job;
    let ledger = job.ledger;
    let opening = ledger
        .exceptions
        .iter()
        .find(|e| e.kind == crate::ledger::ExceptionKind::Insolvency && e.debtor == planned.debtor);
    let (Some(opening), Some(jurisdiction)) =
        (opening, job.plan.jurisdiction.as_ref().map(|j| j.value))
    else {
        // INVARIANT: the handler fires on the debtor's insolvency row, and
        // a plan with handlers of the insolvency is checked against a
        // jurisdiction's deadline; without either there is nothing to add.
        return Err(Diagnostic::error(
            Code::Internal,
            format!("no insolvency of {} for its proof of claim", debtor.id),
        ));
    };
    let invoices: Vec<&crate::ledger::Invoice> = planned
        .invoices
        .iter()
        .map(|&id| ledger.invoice(id))
        .collect();
    let (principal, interest, indemnity) = crate::dossier::claim::at_opening(
        ledger,
        &invoices,
        jurisdiction,
        debtor.kind,
        opening.date,
        job.rates,
    );
    // A creditor outside metropolitan France has four months in FR
    // (R622-24): the firm is taken to be in the policy's jurisdiction, as
    // `policy simulate` does.
    let deadline = crate::law::insolvency::claim_deadline(
        jurisdiction,
        opening.date,
        opening.published,
        opening.until,
        false,
    );
    let procedure = opening.procedure.unwrap_or_default();
    let row = tasks::TaskRow {
        date: job.as_of,
        debtor: debtor.id.clone(),
        debtor_name: debtor.name.clone(),
        invoices: invoices
            .iter()
            .map(|i| i.reference.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        step: format!(
            "{}:{} {}",
            job.policy_name, planned.step_ref.line, planned.step_ref.id
        ),
        action: "proof_of_claim".into(),
        target: planned.recipient.clone(),
        procedure: procedure.to_string(),
        amount_claimed: cents([principal, interest, indemnity].iter().copied().total()),
        currency: job.plan.currency.value.to_string(),
        phone: String::new(),
        email: debtor.mandataire_email().unwrap_or_default().to_string(),
        address: debtor.mandataire_address().unwrap_or_default().to_string(),
        note: format!(
            "{} opened on {}{}; lodge the claim by {} ({}); amounts as of the opening judgment",
            crate::law::insolvency::procedure_name(procedure),
            opening.date,
            opening
                .published
                .map(|p| format!(", published on {p}"))
                .unwrap_or_default(),
            deadline.date.map_or_else(
                || "the date the judgment sets".to_string(),
                |d| d.to_string()
            ),
            deadline.source.cited(),
        ),
        deadline: deadline.date,
        principal: Some(cents(principal)),
        interest: Some(cents(interest)),
        indemnity: Some(cents(indemnity)),
    };
    tasks::csv(&[row])
}

/// A postal address on one line, for the journal: `1 rue X, L-1000 Luxembourg`.
fn one_line(address: &str) -> String {
    address
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

fn firm_address(job: &Job<'_>, address: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::AddressInvalid,
        format!(
            "the firm's e-mail address `{}` is not valid: {why}",
            address.escape_debug()
        ),
    )
    .with_help("write one address as `email` in the firm's details, e.g. `email = \"recouvrement@firme.lu\"`")
    .in_path(job.firm_file.to_string())
}

fn no_guarantor_phone(debtor: &Debtor, planned: &Planned) -> Diagnostic {
    Diagnostic::warning(
        Code::NoAddress,
        format!(
            "no phone number for {}: the task `{}` lists none",
            whom(debtor, true),
            planned.step_ref.id
        ),
    )
    .with_help("fill the `guarantor_phone` column of the debtors file (and `guarantor_email`)")
}

fn party_address(debtor: &Debtor, guarantor: bool) -> String {
    let address = if guarantor {
        &debtor.guarantor_address
    } else {
        &debtor.address
    };
    address.clone().unwrap_or_default()
}

/// Who a planned communication goes to, in words.
fn addressee(debtor: &Debtor, planned: &Planned) -> String {
    if to_mandataire(planned) {
        format!("the mandataire of {} ({})", debtor.id, debtor.name)
    } else {
        whom(debtor, planned.to_guarantor)
    }
}

/// Whether the communication goes to the debtor's mandataire.
fn to_mandataire(planned: &Planned) -> bool {
    planned.recipient == crate::vocab::Recipient::Mandataire.as_str()
}

/// The mandataire as the letter's recipient.
fn mandataire(debtor: &Debtor) -> Party {
    let cell = |value: Option<&str>| value.unwrap_or_default().to_string();
    Party {
        name: cell(debtor.mandataire_name()),
        address: cell(debtor.mandataire_address()),
        email: cell(debtor.mandataire_email()),
    }
}

fn recipient(debtor: &Debtor, guarantor: bool) -> Party {
    if guarantor {
        Party {
            name: debtor.guarantor.clone().unwrap_or_default(),
            address: party_address(debtor, true),
            email: debtor.guarantor_email().unwrap_or_default().to_string(),
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
        guarantee_limit: debtor.guarantee_limit().ok().flatten(),
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
