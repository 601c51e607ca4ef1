//! A compiled plan as a lawyer reads it back: a table of steps (day and
//! anchor, condition, action, channels, recipients), or the same as JSON.

use serde_json::{Value, json};

use crate::plan::display::describe_action;
use crate::plan::{Action, Amount, Charge, Plan, Rate, Step, describe_condition, describe_when};

/// One row of the table, as text: the words every view of a step uses
/// (the table, the editor's hover).
pub(crate) struct Row {
    pub(crate) step: String,
    pub(crate) line: String,
    pub(crate) day: String,
    pub(crate) when: String,
    pub(crate) condition: String,
    pub(crate) action: String,
    pub(crate) channels: String,
    pub(crate) recipients: String,
}

impl Row {
    fn cells(&self) -> [&str; 8] {
        [
            &self.step,
            &self.line,
            &self.day,
            &self.when,
            &self.condition,
            &self.action,
            &self.channels,
            &self.recipients,
        ]
    }
}

pub(crate) fn row(plan: &Plan, step: &Step) -> Row {
    let (channels, recipients) = match &step.action {
        Action::Send {
            channels,
            recipients,
            ..
        } => (join(channels), join(recipients)),
        Action::Call { recipient } => ("phone".to_string(), recipient.to_string()),
        _ => ("—".to_string(), "—".to_string()),
    };
    Row {
        step: (step.id.0 + 1).to_string(),
        line: plan.line(step.span).to_string(),
        day: crate::plan::display::day_from_due(plan, &step.when)
            .map_or_else(|| "—".to_string(), |d| d.to_string()),
        when: describe_when(plan, &step.when),
        condition: step
            .condition
            .as_ref()
            .map_or_else(|| "always".to_string(), |c| describe_condition(&c.expr)),
        action: describe_action(plan, &step.action),
        channels,
        recipients,
    }
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table's column names.
pub(crate) fn header() -> Row {
    Row {
        step: "#".into(),
        line: "line".into(),
        day: "day".into(),
        when: "when".into(),
        condition: "if".into(),
        action: "action".into(),
        channels: "channels".into(),
        recipients: "to".into(),
    }
}

/// What a handler's times mean.
pub(crate) const HANDLER_NOTE: &str = "when: from the day of the ledger's event (a promise broken the day after its date + grace, an instalment missed the day after its due date + grace, an insolvency on the opening judgment); handlers are not suspended by promises or plans, and after an insolvency only `on insolvency` handlers fire";

/// Rows of steps as an aligned text table, with its header.
fn rows_table(plan: &Plan, steps: &[&Step]) -> String {
    let header = header();
    let rows: Vec<Vec<String>> = steps
        .iter()
        .map(|s| row(plan, s).cells().map(str::to_string).to_vec())
        .collect();
    // step, line and day are numbers
    crate::table::render(&header.cells(), &rows, &[0, 1, 2])
}

/// What the `day` column means.
pub(crate) const DAY_NOTE: &str = "day: calendar days after the due date, where fixed (— when it depends on business days, months or the issue date)";

/// The plan as a text table, with the policy's headers above it and any
/// silenced rules (with their reasons) below it.
pub fn table(plan: &Plan) -> String {
    let mut out = String::new();
    if let Some(title) = &plan.title {
        out.push_str(&title.value);
        out.push('\n');
    }
    out.push_str(&headline(plan));
    out.push_str("\n\n");

    let regular: Vec<&Step> = plan.steps.iter().filter(|s| !s.is_handler()).collect();
    out.push_str(&rows_table(plan, &regular));
    out.push('\n');
    out.push_str(DAY_NOTE);
    out.push('\n');
    let handlers: Vec<&Step> = plan.steps.iter().filter(|s| s.is_handler()).collect();
    if !handlers.is_empty() {
        out.push_str("\nhandlers: what the policy does on the ledger's events\n");
        out.push_str(&rows_table(plan, &handlers));
        out.push('\n');
        out.push_str(HANDLER_NOTE);
        out.push('\n');
    }
    let grace = [
        ("promise", plan.promise_grace_days()),
        ("instalment", plan.instalment_grace_days()),
    ];
    if !handlers.is_empty() || plan.promise_grace.is_some() || plan.instalment_grace.is_some() {
        out.push_str(&format!(
        "\npromises suspend the regular steps until their date + {} days of grace, without stopping their clock (not a dispute: a step due meanwhile fires the day after); instalments are missed {} days after their due date\n",
        grace[0].1, grace[1].1
    ));
    }

    let allowed: Vec<String> = plan
        .steps
        .iter()
        .flat_map(|step| {
            step.allows.iter().map(move |a| {
                format!(
                    "  step {} (line {}): `{}` allowed because \"{}\"",
                    step.id.0 + 1,
                    plan.line(step.span),
                    a.rule.as_str().trim_start_matches("policy::"),
                    a.reason
                )
            })
        })
        .collect();
    if !allowed.is_empty() {
        out.push_str("\nrules silenced by `allow`:\n");
        for line in allowed {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn headline(plan: &Plan) -> String {
    let mut parts = Vec::new();
    parts.push(match &plan.jurisdiction {
        Some(j) => format!("jurisdiction {}", j.value),
        None => "no jurisdiction (no legal checks)".to_string(),
    });
    parts.push(format!("currency {}", plan.currency.value));
    parts.push(match &plan.applies_to {
        Some(kinds) if !kinds.value.is_empty() => format!("applies to {}", join(&kinds.value)),
        _ => "applies to every debtor".to_string(),
    });
    if let Some(countries) = &plan.applies_in {
        parts.push(format!(
            "debtors in {}",
            countries.value.iter().collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(sector) = &plan.sector {
        parts.push(format!("sector {}", sector.value));
    }
    if let Some(templates) = &plan.templates {
        parts.push(format!("templates \"{}\"", templates.value));
    }
    if let Some(limit) = &plan.contact_limit {
        parts.push(format!(
            "at most {} contacts per {}",
            limit.value.count, limit.value.window
        ));
    }
    if let Some(minimum) = &plan.minimum {
        parts.push(format!(
            "nothing chased below {} {}",
            minimum.value.normalize(),
            plan.currency.value
        ));
    }
    if plan.business_days.is_some() {
        parts
            .push("letters, calls and routes due on a day off go out the next business day".into());
    }
    if let Some(fresh) = &plan.payments_fresh {
        parts.push(format!(
            "runs refuse to send on payments older than {}",
            fresh.value
        ));
    }
    for d in &plan.destinations {
        parts.push(format!("destination {} is {}", d.name, d.kind));
    }
    parts.join(" · ")
}

/// The plan as JSON (see docs/language.md, "policy explain").
pub fn json(plan: &Plan) -> String {
    let steps: Vec<Value> = plan.steps.iter().map(|s| step_json(plan, s)).collect();
    let value = json!({
        "policy": {
            "file": plan.source.name(),
            "title": plan.title.as_ref().map(|t| &t.value),
            "jurisdiction": plan.jurisdiction.as_ref().map(|j| j.value.as_str()),
            "currency": plan.currency.value,
            "applies_to": plan.applies_to.as_ref().map(|k| k.value.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
            "applies_in": plan.applies_in.as_ref().map(|c| c.value.iter().collect::<Vec<_>>()),
            "templates": plan.templates.as_ref().map(|t| &t.value),
            "limit": plan.contact_limit.as_ref().map(|l| json!({
                "contacts": l.value.count,
                "per": l.value.window,
            })),
            "minimum": plan.minimum.as_ref().map(|m| m.value.normalize().to_string()),
            "send_on_business_days": plan.business_days.is_some(),
            "sector": plan.sector.as_ref().map(|s| s.value.as_str()),
            "destinations": plan.destinations.iter().map(|d| json!({"name": d.name, "kind": d.kind})).collect::<Vec<_>>(),
        },
        "steps": steps,
    });
    let mut value = value;
    if let (Some(fresh), Some(policy)) = (&plan.payments_fresh, value.get_mut("policy")) {
        if let Some(policy) = policy.as_object_mut() {
            policy.insert("payments_fresh_within".into(), json!(fresh.value));
        }
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn step_json(plan: &Plan, step: &Step) -> Value {
    let anchor = match step.when.anchor {
        crate::plan::Anchor::Due => json!("due"),
        crate::plan::Anchor::Issue => json!("issue"),
        crate::plan::Anchor::Event(kind) => json!({ "event": kind.as_str() }),
        crate::plan::Anchor::Step(id) => json!({
            "step": id.0 + 1,
            "template": plan.step(id).and_then(|s| s.action.target()),
        }),
    };
    let (channels, recipients): (Vec<&str>, Vec<&str>) = match &step.action {
        Action::Send {
            channels,
            recipients,
            ..
        } => (
            channels.iter().map(|c| c.as_str()).collect(),
            recipients.iter().map(|r| r.as_str()).collect(),
        ),
        Action::Call { recipient } => (vec!["phone"], vec![recipient.as_str()]),
        _ => (vec![], vec![]),
    };
    // `5 days before due`: the offset is given as `before`, not `after`.
    let direction = if step.when.before { "before" } else { "after" };
    let mut value = json!({
        "step": step.id.0 + 1,
        "line": plan.line(step.span),
        "when": {
            "anchor": anchor,
            direction: step.when.offset,
            "inherited": step.when.inherited,
            "day_from_due": crate::plan::display::day_from_due(plan, &step.when),
            "text": describe_when(plan, &step.when),
        },
        "condition": step.condition.as_ref().map(|c| describe_condition(&c.expr)),
        "action": step.action.verb(),
        "target": step.action.target(),
        "channels": channels,
        "recipients": recipients,
        "text": describe_action(plan, &step.action),
        "allows": step.allows.iter().map(|a| json!({"rule": a.rule.as_str(), "reason": a.reason})).collect::<Vec<_>>(),
    });
    if let (
        Action::Send {
            with_statement: true,
            ..
        },
        Some(map),
    ) = (&step.action, value.as_object_mut())
    {
        map.insert("with_statement".into(), json!(true));
    }
    if let (Action::Route { procedure, .. }, Some(map)) = (&step.action, value.as_object_mut()) {
        map.insert("procedure".into(), json!(procedure));
    }
    if let (Some(event), Some(map)) = (step.trigger, value.as_object_mut()) {
        map.insert("on".into(), json!(event.as_str()));
    }
    if let (Action::Charge(charge), Some(map)) = (&step.action, value.as_object_mut()) {
        let amount = match charge {
            Charge::Indemnity(Amount::Fixed(v)) | Charge::Fee(Amount::Fixed(v)) => {
                json!({"amount": v.normalize().to_string()})
            }
            Charge::Indemnity(Amount::Share { percent, min, max })
            | Charge::Fee(Amount::Share { percent, min, max }) => json!({
                "share_percent": percent.normalize().to_string(),
                "min": min.map(|m| m.normalize().to_string()),
                "max": max.map(|m| m.normalize().to_string()),
            }),
            Charge::Interest(Rate::Percent(r)) => {
                json!({"rate_percent": r.normalize().to_string()})
            }
            _ => json!({"statutory": true}),
        };
        map.insert("charge".into(), amount);
    }
    value
}
