//! One module per subcommand.

pub mod exchange;
pub mod generate;
pub mod kindergarten;
pub mod municipalities;
pub mod roster;
pub mod serve;
pub mod stats;
pub mod validate_id;

use anyhow::Context;
use std::path::Path;
use store::SqliteStore;

/// Opens the embedded store in the data directory, with a hint when it cannot be.
pub fn open_store(data: &Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(data).with_context(|| {
        format!(
            "cannot open the store in {} (choose another directory with --data DIR or MULIGHETSROM_DATA)",
            data.display()
        )
    })
}
