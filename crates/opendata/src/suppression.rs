//! Small-cell suppression of a two-dimensional count table with margins, as Statistics Norway
//! (SSB) publishes tables, and an exact audit that the suppressed cells cannot be recomputed.
//!
//! Why: a table of residents by municipality, age band and sex has cells with one or two persons;
//! publishing them tells neighbours who lives where and how old they are. SSB hides cells based on
//! few observations, «for eksempel færre enn 3» (for example fewer than 3; ssb.no, «Personvern i
//! statistikken»), shown with the symbol `:`. The threshold is a parameter
//! ([`SuppressionOptions::threshold`], default 3, SSB's own example); a rule of "fewer than 5" is
//! sometimes attributed to SSB but is not confirmed by public SSB sources, so it is not the
//! default.
//!
//! **Zeros.** A cell with count 0 is not suppressed by default: SSB treats zero cells as usually
//! not sensitive (nobody is described by them). [`SuppressionOptions::suppress_zeros`] turns
//! that on for tables where an empty cell *is* telling (e.g. "no one in this village is over 80").
//!
//! **Primary suppression** hides every cell of the table *including the margins* (row totals,
//! column totals and the grand total) with `0 < count < threshold`: a municipality with two
//! residents is as sensitive in the total column as anywhere else.
//!
//! **Secondary suppression.** A hidden cell that is the only hidden cell in its row is the row
//! total minus the rest. So (1) every row and column of the table with its margins (a "line":
//! each is one additivity equation, including the totals row and the totals column) that contains
//! a suppressed cell must contain at least two; the complementary cell is the published cell of
//! that line with the smallest positive count, so the least information is lost (a zero is taken
//! only when nothing else is left, since hiding a known-empty cell protects little), repeated
//! until stable. (2) Two per line is not enough in general: two blocks of suppressed cells joined
//! by a single suppressed cell still determine that cell. So the [`audit`] runs on the result and,
//! while it finds a recoverable cell, the cheapest rectangle of cells that puts it on a cycle of
//! suppressed cells is suppressed too, and (1) and (2) repeat. This is the idea behind SSB's
//! GaussSuppression (Langsrud 2024), specialised to one two-way table.
//!
//! **The audit** is the proof: the published table gives the linear equations "cells of a line
//! sum to its total", with suppressed cells as unknowns. A suppressed cell is determined iff its
//! unit vector lies in the row space of the constraint matrix restricted to the unknowns; exact
//! integer Gaussian elimination decides that. What the audit does not cover: bounds from
//! non-negativity (an attacker knows each hidden cell lies between 0 and its line's total; with
//! totals of at least `threshold` this reveals no more than `:` does), and linking with other
//! published tables.

use serde_json::{json, Value};

/// What SSB shows in place of a suppressed value.
pub const SUPPRESSED_SYMBOL: &str = ":";

/// Label of the totals row and column.
pub const TOTAL_LABEL: &str = "I alt";

/// A two-way table of counts: rows × columns, with margins computed, never stored, so they
/// cannot disagree with the cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountTable {
    /// Title for the published table.
    pub title: String,
    /// Header of the row-label column (e.g. "region").
    pub row_header: String,
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub columns: Vec<String>,
    counts: Vec<u64>,
}

/// Errors from building, suppressing, auditing or writing a table.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SuppressionError {
    /// A table needs at least one row and one column.
    #[error("table {0:?} has no rows or no columns; nothing can be published")]
    Empty(String),
    /// A row of counts has the wrong length.
    #[error("table {title:?}: row {row} has {found} values, the table has {expected} columns")]
    Shape {
        /// Table title.
        title: String,
        /// Row index.
        row: usize,
        /// Number of columns.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// Exact arithmetic overflowed in the audit (cannot happen for additivity equations, whose
    /// matrices are totally unimodular; reported rather than trusted).
    #[error("audit of table {0:?}: integer overflow in Gaussian elimination")]
    Overflow(String),
    /// Writing CSV failed.
    #[error("table {title:?}: cannot write CSV: {reason}")]
    Csv {
        /// Table title.
        title: String,
        /// Why.
        reason: String,
    },
}

impl CountTable {
    /// An all-zero table with the given labels.
    pub fn new(
        title: impl Into<String>,
        row_header: impl Into<String>,
        rows: Vec<String>,
        columns: Vec<String>,
    ) -> CountTable {
        let counts = vec![0; rows.len() * columns.len()];
        CountTable {
            title: title.into(),
            row_header: row_header.into(),
            rows,
            columns,
            counts,
        }
    }

    /// A table from rows of counts, refusing ragged input.
    pub fn from_rows(
        title: impl Into<String>,
        row_header: impl Into<String>,
        rows: Vec<String>,
        columns: Vec<String>,
        counts: &[Vec<u64>],
    ) -> Result<CountTable, SuppressionError> {
        let mut table = CountTable::new(title, row_header, rows, columns);
        if counts.len() != table.rows.len() {
            return Err(SuppressionError::Shape {
                title: table.title,
                row: counts.len(),
                expected: table.columns.len(),
                found: 0,
            });
        }
        for (i, row) in counts.iter().enumerate() {
            if row.len() != table.columns.len() {
                return Err(SuppressionError::Shape {
                    title: table.title,
                    row: i,
                    expected: table.columns.len(),
                    found: row.len(),
                });
            }
            for (j, &v) in row.iter().enumerate() {
                table.counts[i * table.columns.len() + j] = v;
            }
        }
        Ok(table)
    }

    /// Adds `n` to cell (row, column). Panics on an index outside the table (a programming error,
    /// never input).
    pub fn add(&mut self, row: usize, column: usize, n: u64) {
        let c = self.columns.len();
        self.counts[row * c + column] += n;
    }

    /// The count in cell (row, column).
    pub fn get(&self, row: usize, column: usize) -> u64 {
        self.counts[row * self.columns.len() + column]
    }

    /// Sum of a row.
    pub fn row_total(&self, row: usize) -> u64 {
        (0..self.columns.len()).map(|j| self.get(row, j)).sum()
    }

    /// Sum of a column.
    pub fn column_total(&self, column: usize) -> u64 {
        (0..self.rows.len()).map(|i| self.get(i, column)).sum()
    }

    /// Sum of all cells.
    pub fn grand_total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The table with its margins: (rows + 1) × (columns + 1), the last row and column the totals.
    pub fn extended(&self) -> Vec<Vec<u64>> {
        let (r, c) = (self.rows.len(), self.columns.len());
        let mut out = vec![vec![0; c + 1]; r + 1];
        for i in 0..r {
            for j in 0..c {
                let v = self.get(i, j);
                out[i][j] = v;
                out[i][c] += v;
                out[r][j] += v;
                out[r][c] += v;
            }
        }
        out
    }
}

/// How to suppress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuppressionOptions {
    /// Cells with `0 < count < threshold` are suppressed (SSB's example: 3).
    pub threshold: u64,
    /// Whether zero cells are suppressed too (default no; see the module docs).
    pub suppress_zeros: bool,
}

impl Default for SuppressionOptions {
    fn default() -> Self {
        SuppressionOptions {
            threshold: 3,
            suppress_zeros: false,
        }
    }
}

/// Whether a cell is published, and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellStatus {
    /// Published with its exact value.
    Published,
    /// Hidden because its count is below the threshold.
    Primary,
    /// Hidden so that a primary cell cannot be recomputed from the totals.
    Secondary,
}

/// A table after suppression: the exact counts (kept, never written out for hidden cells) and a
/// status for every cell of the extended table, margins included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressedTable {
    /// The exact counts.
    pub table: CountTable,
    /// The options used.
    pub options: SuppressionOptions,
    status: Vec<CellStatus>,
    /// Secondary cells added by the line rule.
    pub secondary_by_lines: usize,
    /// Secondary cells added because the audit found a recoverable cell.
    pub secondary_by_audit: usize,
}

/// Index helpers over the extended (rows + 1) × (columns + 1) grid.
#[derive(Clone, Copy)]
struct Grid {
    rows: usize, // including the totals row
    cols: usize, // including the totals column
}

impl Grid {
    fn of(table: &CountTable) -> Grid {
        Grid {
            rows: table.rows.len() + 1,
            cols: table.columns.len() + 1,
        }
    }

    fn index(self, i: usize, j: usize) -> usize {
        i * self.cols + j
    }

    /// Every line (additivity equation) as its cells: rows first, then columns.
    fn lines(self) -> Vec<Vec<usize>> {
        let mut lines = Vec::with_capacity(self.rows + self.cols);
        for i in 0..self.rows {
            lines.push((0..self.cols).map(|j| self.index(i, j)).collect());
        }
        for j in 0..self.cols {
            lines.push((0..self.rows).map(|i| self.index(i, j)).collect());
        }
        lines
    }
}

impl SuppressedTable {
    /// Status of cell (i, j) of the extended table (i = rows is the totals row, j = columns the
    /// totals column).
    pub fn status(&self, i: usize, j: usize) -> CellStatus {
        self.status[Grid::of(&self.table).index(i, j)]
    }

    /// The published extended table: `None` for a suppressed cell.
    pub fn published(&self) -> Vec<Vec<Option<u64>>> {
        let grid = Grid::of(&self.table);
        self.table
            .extended()
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                row.into_iter()
                    .enumerate()
                    .map(|(j, v)| {
                        (self.status[grid.index(i, j)] == CellStatus::Published).then_some(v)
                    })
                    .collect()
            })
            .collect()
    }

    /// Number of primary suppressed cells (margins included).
    pub fn primary_count(&self) -> usize {
        self.status
            .iter()
            .filter(|s| **s == CellStatus::Primary)
            .count()
    }

    /// Number of secondary suppressed cells (margins included).
    pub fn secondary_count(&self) -> usize {
        self.status
            .iter()
            .filter(|s| **s == CellStatus::Secondary)
            .count()
    }

    /// Number of cells in the extended table.
    pub fn cell_count(&self) -> usize {
        self.status.len()
    }

    /// The table as CSV: a header row, one row per table row and the totals row; suppressed cells
    /// as `:`.
    pub fn to_csv(&self) -> Result<String, SuppressionError> {
        let csv_error = |e: &dyn std::fmt::Display| SuppressionError::Csv {
            title: self.table.title.clone(),
            reason: e.to_string(),
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![self.table.row_header.clone()];
        header.extend(self.table.columns.iter().cloned());
        header.push(TOTAL_LABEL.to_string());
        w.write_record(&header).map_err(|e| csv_error(&e))?;
        let labels = self
            .table
            .rows
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(TOTAL_LABEL));
        for (label, row) in labels.zip(self.published()) {
            let mut record = vec![label.to_string()];
            record.extend(
                row.iter()
                    .map(|v| v.map_or_else(|| SUPPRESSED_SYMBOL.to_string(), |v| v.to_string())),
            );
            w.write_record(&record).map_err(|e| csv_error(&e))?;
        }
        let bytes = w.into_inner().map_err(|e| csv_error(&e))?;
        String::from_utf8(bytes).map_err(|e| csv_error(&e))
    }

    /// The table as JSON: labels, published values (`null` when suppressed, with the symbol
    /// named), totals, and the suppression summary.
    pub fn to_json(&self) -> Value {
        let published = self.published();
        let c = self.table.columns.len();
        let rows: Vec<Value> = self
            .table
            .rows
            .iter()
            .zip(&published)
            .map(|(label, row)| json!({ "label": label, "values": &row[..c], "total": row[c] }))
            .collect();
        let last = &published[self.table.rows.len()];
        json!({
            "title": self.table.title,
            "row_header": self.table.row_header,
            "columns": self.table.columns,
            "rows": rows,
            "column_totals": &last[..c],
            "grand_total": last[c],
            "suppressed_symbol": SUPPRESSED_SYMBOL,
            "suppression": {
                "threshold": self.options.threshold,
                "zeros_suppressed": self.options.suppress_zeros,
                "cells": self.cell_count(),
                "primary": self.primary_count(),
                "secondary": self.secondary_count(),
            },
        })
    }
}

/// Suppresses small cells and enough others that none can be recomputed (see the module docs).
pub fn suppress(
    table: &CountTable,
    options: &SuppressionOptions,
) -> Result<SuppressedTable, SuppressionError> {
    if table.rows.is_empty() || table.columns.is_empty() {
        return Err(SuppressionError::Empty(table.title.clone()));
    }
    let grid = Grid::of(table);
    let values: Vec<u64> = table.extended().into_iter().flatten().collect();
    let mut status: Vec<CellStatus> = values
        .iter()
        .map(|&v| {
            if (v > 0 || options.suppress_zeros) && v < options.threshold {
                CellStatus::Primary
            } else {
                CellStatus::Published
            }
        })
        .collect();
    let lines = grid.lines();
    // Cost of hiding a published cell: zeros last (they protect little), then by count.
    let cost = |k: usize| (values[k] == 0, values[k]);
    let (mut by_lines, mut by_audit) = (0, 0);
    loop {
        // (1) The line rule, until stable.
        let mut changed = true;
        while changed {
            changed = false;
            for line in &lines {
                let hidden = line
                    .iter()
                    .filter(|&&k| status[k] != CellStatus::Published)
                    .count();
                if hidden != 1 {
                    continue;
                }
                if let Some(&k) = line
                    .iter()
                    .filter(|&&k| status[k] == CellStatus::Published)
                    .min_by_key(|&&k| (cost(k), k))
                {
                    status[k] = CellStatus::Secondary;
                    by_lines += 1;
                    changed = true;
                }
            }
        }
        // (2) The audit; put a recoverable cell on the cheapest rectangle of hidden cells.
        let report = audit_status(grid, &status, &table.title)?;
        let Some(&(i, j)) = report.first() else {
            break;
        };
        let mut best: Option<((usize, u64, usize), [usize; 3])> = None;
        for i2 in (0..grid.rows).filter(|&x| x != i) {
            for j2 in (0..grid.cols).filter(|&x| x != j) {
                let corners = [grid.index(i, j2), grid.index(i2, j), grid.index(i2, j2)];
                let added: Vec<usize> = corners
                    .iter()
                    .copied()
                    .filter(|&k| status[k] == CellStatus::Published)
                    .collect();
                let key = (
                    added.iter().filter(|&&k| values[k] == 0).count(),
                    added.iter().map(|&k| values[k]).sum::<u64>(),
                    added.len(),
                );
                if best.as_ref().is_none_or(|(b, _)| key < *b) {
                    best = Some((key, corners));
                }
            }
        }
        let Some((_, corners)) = best else {
            // A 1 × 1 extended table cannot occur (at least one row and one column are checked
            // above), so there is always a rectangle.
            break;
        };
        for k in corners {
            if status[k] == CellStatus::Published {
                status[k] = CellStatus::Secondary;
                by_audit += 1;
            }
        }
    }
    Ok(SuppressedTable {
        table: table.clone(),
        options: *options,
        status,
        secondary_by_lines: by_lines,
        secondary_by_audit: by_audit,
    })
}

/// The audit's finding.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditReport {
    /// Number of suppressed cells (unknowns).
    pub unknowns: usize,
    /// Number of additivity equations.
    pub equations: usize,
    /// Rank of the constraint matrix restricted to the unknowns.
    pub rank: usize,
    /// Suppressed cells (i, j) of the extended table whose value the published table determines.
    /// Empty means the suppression holds.
    pub recoverable: Vec<(usize, usize)>,
}

impl AuditReport {
    /// Whether no suppressed cell can be recomputed.
    pub fn is_safe(&self) -> bool {
        self.recoverable.is_empty()
    }
}

/// Proves (or refutes) that no suppressed cell of `table` is determined by the published cells.
///
/// The equations are the table's additivity: for every row of the extended table, the cells sum
/// to the row total, and likewise for every column (the totals row and totals column included).
/// Published cells are constants; suppressed cells are unknowns. Unknown `x_k` is determined iff
/// the unit vector `e_k` lies in the row space of the coefficient matrix restricted to the
/// unknowns; in reduced row-echelon form that is exactly when `x_k` is a pivot whose row has no
/// other non-zero entry. Elimination is exact (integers, rows divided by their gcd).
pub fn audit(table: &SuppressedTable) -> Result<AuditReport, SuppressionError> {
    let grid = Grid::of(&table.table);
    let (recoverable, unknowns, equations, rank) =
        eliminate(grid, &table.status, &table.table.title)?;
    Ok(AuditReport {
        unknowns,
        equations,
        rank,
        recoverable,
    })
}

fn audit_status(
    grid: Grid,
    status: &[CellStatus],
    title: &str,
) -> Result<Vec<(usize, usize)>, SuppressionError> {
    eliminate(grid, status, title).map(|(r, ..)| r)
}

type Elimination = (Vec<(usize, usize)>, usize, usize, usize);

fn gcd(mut a: i64, mut b: i64) -> i64 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn eliminate(
    grid: Grid,
    status: &[CellStatus],
    title: &str,
) -> Result<Elimination, SuppressionError> {
    let overflow = || SuppressionError::Overflow(title.to_string());
    let unknown_cells: Vec<usize> = (0..status.len())
        .filter(|&k| status[k] != CellStatus::Published)
        .collect();
    let n = unknown_cells.len();
    let mut column_of = vec![usize::MAX; status.len()];
    for (u, &k) in unknown_cells.iter().enumerate() {
        column_of[k] = u;
    }
    let (last_row, last_col) = (grid.rows - 1, grid.cols - 1);
    // Row equations: sum of cells j < last_col minus the total cell = 0; columns likewise.
    let mut matrix: Vec<Vec<i64>> = Vec::with_capacity(grid.rows + grid.cols);
    for i in 0..grid.rows {
        let mut eq = vec![0i64; n];
        for j in 0..grid.cols {
            let u = column_of[grid.index(i, j)];
            if u != usize::MAX {
                eq[u] = if j == last_col { -1 } else { 1 };
            }
        }
        matrix.push(eq);
    }
    for j in 0..grid.cols {
        let mut eq = vec![0i64; n];
        for i in 0..grid.rows {
            let u = column_of[grid.index(i, j)];
            if u != usize::MAX {
                eq[u] = if i == last_row { -1 } else { 1 };
            }
        }
        matrix.push(eq);
    }
    let equations = matrix.len();
    // Reduced row-echelon form.
    let mut pivots: Vec<(usize, usize)> = Vec::new(); // (row, column)
    let mut rank = 0;
    for col in 0..n {
        let Some(p) = (rank..equations).find(|&r| matrix[r][col] != 0) else {
            continue;
        };
        matrix.swap(rank, p);
        let pivot_row = matrix[rank].clone();
        let pv = pivot_row[col];
        for (r, row) in matrix.iter_mut().enumerate() {
            if r == rank || row[col] == 0 {
                continue;
            }
            let a = row[col];
            let mut g = 0;
            for (x, &y) in row.iter_mut().zip(&pivot_row) {
                let v = x
                    .checked_mul(pv)
                    .and_then(|l| y.checked_mul(a).and_then(|m| l.checked_sub(m)))
                    .ok_or_else(overflow)?;
                *x = v;
                g = gcd(g, v);
            }
            if g > 1 {
                row.iter_mut().for_each(|x| *x /= g);
            }
        }
        pivots.push((rank, col));
        rank += 1;
    }
    let recoverable = pivots
        .iter()
        .filter(|&&(row, col)| {
            matrix[row]
                .iter()
                .enumerate()
                .all(|(c, &v)| c == col || v == 0)
        })
        .map(|&(_, col)| {
            let k = unknown_cells[col];
            (k / grid.cols, k % grid.cols)
        })
        .collect();
    Ok((recoverable, n, equations, rank))
}

#[cfg(test)]
mod tests;
