//! Open data: the DCAT-AP-NO catalogue of the platform's registers and services, and published
//! statistics protected by small-cell suppression as Statistics Norway (SSB) does it.
//!
//! Why this crate exists: issue #3 item 6 asks that what the platform holds and does is
//! *findable* (a catalogue that data.norge.no can harvest, naming the legal basis of every
//! register and service) and that aggregate statistics are *publishable* without revealing
//! anyone (cells with very few persons are hidden, and so are enough other cells that the hidden
//! ones cannot be recomputed from the totals).
//!
//! - [`catalogue`]: [`Catalogue`] with one [`Dataset`] per register of [`registers::REGISTERS`]
//!   and the [`DataService`]s the caller describes with [`DataServiceEntry`]; serialised to
//!   Turtle and JSON-LD from one RDF graph, so both say exactly the same.
//! - [`suppression`]: a [`CountTable`] with margins, primary and secondary suppression
//!   ([`suppress`]), and [`audit`], which proves with exact Gaussian elimination that no
//!   suppressed cell is determined by the published cells and totals.
//! - [`stats`]: the standard table of residents by municipality × age band × sex on a date.
//!
//! **Must not depend on:** storage, the terminal, the clock. Callers pass registers, dates and
//! service descriptions in; the crate returns values and strings.
#![deny(missing_docs)]

pub mod catalogue;
mod rdf;
pub mod stats;
pub mod suppression;

pub use catalogue::{
    AccessRights, Catalogue, CatalogueError, CatalogueOptions, DataService, DataServiceEntry,
    Dataset, LegalReference,
};
pub use stats::{residents_table, AgeBand, ResidentsTable, AGE_BANDS};
pub use suppression::{
    audit, suppress, AuditReport, CellStatus, CountTable, SuppressedTable, SuppressionError,
    SuppressionOptions,
};
