//! A policy's templates folder as the editor needs it: the names to
//! complete, and the files behind a name. Which file is a template, and
//! under which name, is decided by [`crate::letters::templates`] alone.

use std::path::{Path, PathBuf};

use crate::letters::templates::{Templates, template_name};

/// One file of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub path: PathBuf,
    /// `NAME.html`, a letter; else `NAME.txt`, an e-mail or SMS text.
    pub is_html: bool,
}

/// Every template name of the folder (those that do not compile too); none
/// when it cannot be read.
pub fn names(dir: &Path) -> Vec<String> {
    match Templates::scan(dir) {
        Ok(scan) => {
            let mut names: Vec<String> = scan.names().map(str::to_string).collect();
            names.sort();
            names.dedup();
            names
        }
        Err(_) => Vec::new(),
    }
}

/// The files of template `name`: the letter first, then the text.
pub fn files(dir: &Path, name: &str) -> Vec<File> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<File> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file_name = entry.file_name();
            let (stem, is_html) = template_name(file_name.to_str()?)?;
            (stem == name && entry.path().is_file()).then(|| File {
                path: entry.path(),
                is_html,
            })
        })
        .collect();
    files.sort_by_key(|f| !f.is_html);
    files
}
