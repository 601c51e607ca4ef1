//! `allow RULE because "REASON"` above a statement silences that rule there,
//! never silently: the finding becomes an advice that names the rule, the
//! reason and what was silenced, and `policy explain` lists it. An `allow`
//! that silences nothing is itself a warning, so that stale opinions do not
//! outlive the problem they answered.

use std::collections::HashSet;

use super::analysis::Finding;
use crate::diagnostic::{Code, Diagnostic};
use crate::plan::{Plan, StepId};

/// The rules an `allow` can silence: the analysis and legal rules, which are
/// judgements a lawyer may overrule on a given statement.
pub const SILENCEABLE: &[Code] = &[
    Code::NeverFires,
    Code::UnreachableStep,
    Code::OverlappingRoutes,
    Code::RouteGap,
    Code::MissingNotice,
    Code::NoticePeriod,
    Code::ContactFrequency,
    Code::UnknownDestination,
    Code::UnknownProcedure,
    Code::ProcedureVenue,
    Code::CourtCompetence,
    Code::ProcedureLimit,
    Code::AmicableAttempt,
    Code::ConsumerFreeReminder,
    Code::ConsumerIndemnityCap,
    Code::ConsumerInterestCap,
    Code::PenaltyRateFloor,
    Code::IndemnityClause,
    Code::ConsumerRecoveryCosts,
    Code::StatutoryCharge,
    Code::IndemnityAboveStatutory,
    Code::GuarantorNotice,
    Code::GuarantorInformation,
    Code::LimitationPeriod,
];

/// The analysis's other codes: about `allow` lines, and about itself.
pub const ANALYSIS_CODES: &[Code] = &[Code::Silenced, Code::StaleAllow, Code::AnalysisLimit];

pub fn silenceable(code: Code) -> bool {
    SILENCEABLE.contains(&code)
}

pub fn apply(plan: &Plan, findings: Vec<Finding>) -> Vec<Diagnostic> {
    let mut fired: HashSet<(StepId, Code)> = HashSet::new();
    let mut out = Vec::with_capacity(findings.len());
    for finding in findings {
        let code = finding.diagnostic.code;
        fired.extend(finding.steps.iter().map(|id| (*id, code)));
        let allow = finding
            .steps
            .iter()
            .filter_map(|id| plan.step(*id))
            .find_map(|step| step.allows(code));
        match allow {
            Some(allow) if silenceable(code) => {
                out.push(silenced(plan, &finding.diagnostic, allow));
            }
            _ => out.push(finding.diagnostic),
        }
    }
    for step in &plan.steps {
        for allow in &step.allows {
            if fired.contains(&(step.id, allow.rule)) && silenceable(allow.rule) {
                continue;
            }
            let rule = short(allow.rule);
            let help = if silenceable(allow.rule) {
                format!(
                    "`{rule}` does not fire on this statement (any more): remove the `allow`, or move it above \
                     the statement it is about"
                )
            } else {
                format!(
                    "`{rule}` is not a rule an `allow` can silence (only the analysis and legal rules can be); \
                     fix the problem instead"
                )
            };
            out.push(
                Diagnostic::warning(
                    Code::StaleAllow,
                    format!("`allow {rule}` silences nothing here"),
                )
                .with_label(allow.span, "silences nothing")
                .with_label(step.span, "on this statement")
                .with_help(help)
                .in_source(&plan.source),
            );
        }
    }
    out
}

fn silenced(plan: &Plan, original: &Diagnostic, allow: &crate::plan::Allow) -> Diagnostic {
    let rule = short(original.code);
    let mut d = Diagnostic::advice(
        Code::Silenced,
        format!("`{rule}` silenced because \"{}\"", allow.reason),
    )
    .with_label(allow.span, "allowed here");
    if let Some(label) = original.labels.first() {
        d = d.with_label(
            label.span,
            format!("the silenced {}", original.severity.as_str()),
        );
    }
    d.with_help(format!(
        "silenced {}: {}",
        original.severity.as_str(),
        original.message
    ))
    .in_source(&plan.source)
}

fn short(code: Code) -> &'static str {
    code.as_str().trim_start_matches("policy::")
}
