//! Go to definition: an anchor (`from mise_en_demeure`) to the step that
//! sends it, a template name to its files, a firm's destination to its
//! `destination` header.

use lsp_types::{GotoDefinitionResponse, Location, Position, Range, Url};

use super::documents::Document;
use super::locate::{self, Target};
use super::templates;
use crate::ast::ActionKind;

pub fn definition(document: &Document, position: Position) -> Option<GotoDefinitionResponse> {
    let analysis = document.analysis();
    let text = analysis.source.text();
    let offset = document.index.offset(text, position);
    let tree = analysis.tree();
    let here = |span| Location::new(document.uri.clone(), document.index.range(text, span));
    match locate::at(&tree.ast, offset)? {
        Target::Anchor(name, statement) => {
            let sender = locate::sender(&tree.ast, &name.text, statement)?;
            let span = match &sender.action.kind {
                ActionKind::Send { template, .. } => template.span,
                _ => sender.span,
            };
            Some(GotoDefinitionResponse::Scalar(here(span)))
        }
        Target::Template(name) => {
            let dir = analysis.templates_dir()?;
            let locations: Vec<Location> = templates::files(&dir, &name.text)
                .into_iter()
                .filter_map(|file| {
                    let path = std::path::absolute(&file.path).ok()?;
                    Some(Location::new(
                        Url::from_file_path(path).ok()?,
                        Range::default(),
                    ))
                })
                .collect();
            match locations.len() {
                0 => None,
                1 => locations
                    .into_iter()
                    .next()
                    .map(GotoDefinitionResponse::Scalar),
                _ => Some(GotoDefinitionResponse::Array(locations)),
            }
        }
        Target::Destination(name) => {
            let declared = locate::declaration(&tree.ast, &name.text)?;
            Some(GotoDefinitionResponse::Scalar(here(declared.span)))
        }
        _ => None,
    }
}
