//! Plain-text tables and progress bars for the terminal.

use indicatif::{ProgressBar, ProgressStyle};
use std::fmt::Write;

/// Renders rows as an aligned text table; the first row is the header. Columns whose cells all
/// look like numbers are right-aligned, text columns left-aligned.
pub fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    let mut numeric = vec![true; columns];
    for (r, row) in rows.iter().enumerate() {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
            let looks_numeric = cell.is_empty()
                || cell.starts_with(|c: char| c.is_ascii_digit() || "-+±".contains(c));
            if r > 0 && !looks_numeric {
                numeric[i] = false;
            }
        }
    }
    let mut out = String::new();
    for (r, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i == 0 {
                let _ = write!(line, "{cell}{}", " ".repeat(pad));
            } else if !numeric[i] {
                let _ = write!(line, "  {cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if r == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * columns.saturating_sub(1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// Formats an integer with thin groups of three digits (5 550 203), as Norwegian statistics do.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A progress bar over `total` steps, hidden when stderr is not a terminal.
pub fn bar(total: u64, message: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg:<28} [{bar:30}] {pos}/{len} {elapsed_precise}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

/// A spinner with a message for work of unknown length, hidden when stderr is not a terminal.
pub fn spinner(message: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_message(message.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(5_550_203), "5 550 203");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(-1000), "-1 000");
    }

    #[test]
    fn table_aligns_columns() {
        let t = table(&[
            vec!["a".into(), "n".into()],
            vec!["long name".into(), "12".into()],
        ]);
        assert_eq!(t, "a           n\n-------------\nlong name  12\n");
    }
}
