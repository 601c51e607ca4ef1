//! What the cursor is on: a template, an anchor, a destination, a
//! procedure, a rule, a statement. Hover, definition and the code actions
//! ask this one question of the syntax tree.

use crate::ast::{ActionKind, HeaderKind, Item, Name, Policy, Statement};
use crate::source::Span;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Target<'a> {
    /// `send NAME`.
    Template(&'a Name),
    /// `from NAME` (`due`, `issue` or a template), in a statement.
    Anchor(&'a Name, &'a Statement),
    /// `route NAME`.
    Destination(&'a Name),
    /// `route DESTINATION with NAME`.
    Procedure(&'a Name),
    /// `allow NAME because …`.
    Rule(&'a Name),
    /// `destination NAME is KIND`.
    DeclaredDestination(&'a Name),
    /// Anywhere else in a statement.
    Statement(&'a Statement),
    /// Anywhere else in a header.
    Header,
}

/// Whether `offset` is in `span`, its end included: a cursor just after a
/// word is still on it.
pub(crate) fn touches(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

pub fn at(policy: &Policy, offset: usize) -> Option<Target<'_>> {
    let item = policy
        .items
        .iter()
        .find(|item| touches(item.span(), offset))?;
    match item {
        Item::Allow(allow) => touches(allow.rule.span, offset).then_some(Target::Rule(&allow.rule)),
        Item::Header(header) => match &header.kind {
            HeaderKind::Destination { name, .. } if touches(name.span, offset) => {
                Some(Target::DeclaredDestination(name))
            }
            _ => Some(Target::Header),
        },
        Item::Statement(statement) => Some(in_statement(statement, offset)),
    }
}

fn in_statement(statement: &Statement, offset: usize) -> Target<'_> {
    if let Some(anchor) = statement.timing.as_ref().and_then(|t| t.anchor.as_ref()) {
        if touches(anchor.span, offset) {
            return Target::Anchor(anchor, statement);
        }
    }
    match &statement.action.kind {
        ActionKind::Send { template, .. } if touches(template.span, offset) => {
            Target::Template(template)
        }
        ActionKind::Route {
            destination,
            procedure,
        } => match procedure {
            Some(procedure) if touches(procedure.span, offset) => Target::Procedure(procedure),
            _ if touches(destination.span, offset) => Target::Destination(destination),
            _ => Target::Statement(statement),
        },
        _ => Target::Statement(statement),
    }
}

/// The statement that sends template `name` for an anchor written in
/// `statement`: the last one before it, as the compiler resolves anchors.
pub fn sender<'a>(policy: &'a Policy, name: &str, statement: &Statement) -> Option<&'a Statement> {
    policy
        .statements()
        .take_while(|s| s.span.start < statement.span.start)
        .filter(|s| matches!(&s.action.kind, ActionKind::Send { template, .. } if template.text == name))
        .last()
}

/// The header declaring destination `name`.
pub(crate) fn declaration<'a>(policy: &'a Policy, name: &str) -> Option<&'a Name> {
    policy.headers().find_map(|h| match &h.kind {
        HeaderKind::Destination { name: declared, .. } if declared.text == name => Some(declared),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn parse(text: &str) -> Policy {
        crate::syntax::parse(&SourceFile::new("t.policy", text)).0
    }

    #[test]
    fn finds_what_the_cursor_is_on() {
        let text = "destination cabinet is lawyer\nafter 10 days send relance_1\nafter 5 days from relance_1 route justice_de_paix with ordonnance_de_paiement\nallow court_competence because \"x\"\nstop\n";
        let policy = parse(text);
        let at = |word: &str, n: usize| text.find(word).unwrap_or(0) + n;
        assert!(matches!(super::at(&policy, 0), Some(Target::Header)));
        assert!(
            matches!(super::at(&policy, at("cabinet", 2)), Some(Target::DeclaredDestination(n)) if n.text == "cabinet")
        );
        assert!(
            matches!(super::at(&policy, at("relance_1", 9)), Some(Target::Template(n)) if n.text == "relance_1")
        );
        assert!(
            matches!(super::at(&policy, at("from relance_1", 6)), Some(Target::Anchor(n, _)) if n.text == "relance_1")
        );
        assert!(
            matches!(super::at(&policy, at("justice_de_paix", 0)), Some(Target::Destination(n)) if n.text == "justice_de_paix")
        );
        assert!(
            matches!(super::at(&policy, at("ordonnance", 3)), Some(Target::Procedure(p)) if p.text == "ordonnance_de_paiement")
        );
        assert!(
            matches!(super::at(&policy, at("court_competence", 3)), Some(Target::Rule(n)) if n.text == "court_competence")
        );
        assert!(matches!(
            super::at(&policy, at("after 10", 2)),
            Some(Target::Statement(_))
        ));
    }

    #[test]
    fn an_anchor_is_the_last_earlier_sender() {
        let text = "after 1 day send a\nafter 2 days send a\nafter 3 days from a stop\nafter 4 days send a\n";
        let policy = parse(text);
        let statements: Vec<&Statement> = policy.statements().collect();
        let found = sender(&policy, "a", statements[2]).map(|s| s.span.start);
        assert_eq!(found, Some(statements[1].span.start));
    }
}
