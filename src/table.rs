//! Aligned text tables for people: the one renderer every text report
//! (explain, simulate, diff, run) uses.

/// Rows of cells under `header` as an aligned text table, two spaces
/// between columns; the `right` columns (numbers) are right-aligned.
pub fn render(header: &[&str], rows: &[Vec<String>], right: &[usize]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_row: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            let pad = " ".repeat(width - cell.chars().count());
            if right.contains(&i) {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_align_right_and_text_left() {
        let rows = vec![
            vec!["relance_1".to_string(), "3".to_string()],
            vec!["mise_en_demeure".to_string(), "12".to_string()],
        ];
        assert_eq!(
            super::render(&["step", "events"], &rows, &[1]),
            "step             events\nrelance_1             3\nmise_en_demeure      12\n"
        );
    }
}
