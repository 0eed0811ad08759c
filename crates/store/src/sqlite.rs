//! The embedded SQLite store.

use crate::rows::{TableRows, TableSlice};
use crate::{RegisterStore, StoreError, StoreMetadata};
use chrono::NaiveDate;
use identity::{NationalId, OrgNumber, Sex};
use registers::{
    Address, AddressId, Background, CancerDiagnosis, CancerSite, Competence, Detection, Employment,
    Enrolment, LifestyleSurvey, MonthlyIncome, Municipalities, MunicipalityNumber, OrgKind,
    Organisation, Person, PersonStatus, RegisterCounts, RegisterId, Registers, Relation,
    RelationKind, Residence, ScreeningRecord, ScreeningResult, Smoking, TaxAssessment,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use std::path::{Path, PathBuf};

/// The file in the data directory that names the current store generation.
pub const CURRENT_FILE: &str = "CURRENT";

/// The store keeps one SQLite file per register (its owner's data in its own file), so that a
/// whole population can be written in parallel, one register per core. The connection opens the
/// population file and attaches the others under these schema names; SQL uses unqualified table
/// names, which SQLite resolves across attached files.
const FILES: [(&str, RegisterId); 5] = [
    ("population", RegisterId::Population),
    ("income", RegisterId::Income),
    ("kindergarten", RegisterId::Kindergarten),
    ("employer", RegisterId::Employer),
    ("health", RegisterId::Health),
];

/// Migration 1 as (table, DDL). Every natural key is the primary key of a WITHOUT ROWID table:
/// importing the same rows twice is refused instead of silently duplicating them, and sorted bulk
/// inserts append to one B-tree. `monthly_income` is stored with one row per person and year and
/// twelve month columns (files hold one row per month): it is how every consumer reads it, and it
/// is twelve times fewer rows for the whole country.
const SCHEMA_1: &[(&str, &str)] = &[
    (
        "meta",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (
        "persons",
        "CREATE TABLE persons (
        person_id INTEGER PRIMARY KEY, birth_date TEXT NOT NULL, sex TEXT NOT NULL,
        status TEXT NOT NULL, status_date TEXT, background TEXT NOT NULL)",
    ),
    (
        "relations",
        "CREATE TABLE relations (
        person_id INTEGER NOT NULL, related_id INTEGER NOT NULL, kind TEXT NOT NULL,
        valid_from TEXT NOT NULL, PRIMARY KEY (person_id, related_id, kind)) WITHOUT ROWID",
    ),
    (
        "addresses",
        "CREATE TABLE addresses (
        address_id INTEGER PRIMARY KEY, kommunenummer TEXT NOT NULL, street TEXT NOT NULL,
        house_number INTEGER NOT NULL, postcode TEXT NOT NULL)",
    ),
    (
        "residences",
        "CREATE TABLE residences (
        person_id INTEGER NOT NULL, address_id INTEGER NOT NULL, kommunenummer TEXT NOT NULL,
        valid_from TEXT NOT NULL, PRIMARY KEY (person_id, valid_from)) WITHOUT ROWID",
    ),
    (
        "tax_assessments",
        "CREATE TABLE tax_assessments (
        person_id INTEGER NOT NULL, income_year INTEGER NOT NULL, personinntekt INTEGER NOT NULL,
        kapitalinntekt INTEGER NOT NULL, PRIMARY KEY (person_id, income_year)) WITHOUT ROWID",
    ),
    (
        "monthly_income",
        "CREATE TABLE monthly_income (
        person_id INTEGER NOT NULL, year INTEGER NOT NULL,
        m01 INTEGER NOT NULL, m02 INTEGER NOT NULL, m03 INTEGER NOT NULL, m04 INTEGER NOT NULL,
        m05 INTEGER NOT NULL, m06 INTEGER NOT NULL, m07 INTEGER NOT NULL, m08 INTEGER NOT NULL,
        m09 INTEGER NOT NULL, m10 INTEGER NOT NULL, m11 INTEGER NOT NULL, m12 INTEGER NOT NULL,
        PRIMARY KEY (person_id, year)) WITHOUT ROWID",
    ),
    (
        "organisations",
        "CREATE TABLE organisations (
        orgnr INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
        kommunenummer TEXT NOT NULL)",
    ),
    (
        "employments",
        "CREATE TABLE employments (
        person_id INTEGER NOT NULL, employer_orgnr INTEGER NOT NULL, position_pct INTEGER NOT NULL,
        competence TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT,
        PRIMARY KEY (person_id, employer_orgnr, from_date)) WITHOUT ROWID",
    ),
    (
        "enrolments",
        "CREATE TABLE enrolments (
        child_id INTEGER NOT NULL, kindergarten_orgnr INTEGER NOT NULL,
        kommunenummer TEXT NOT NULL, weekly_hours INTEGER NOT NULL, from_date TEXT NOT NULL,
        to_date TEXT, PRIMARY KEY (child_id, from_date)) WITHOUT ROWID",
    ),
    (
        "screening",
        "CREATE TABLE screening (
        person_id INTEGER NOT NULL, invited_for TEXT NOT NULL, attended_on TEXT,
        result TEXT NOT NULL, PRIMARY KEY (person_id, invited_for)) WITHOUT ROWID",
    ),
    (
        "cancer",
        "CREATE TABLE cancer (
        person_id INTEGER NOT NULL, diagnosed_on TEXT NOT NULL, site TEXT NOT NULL,
        detection TEXT NOT NULL, PRIMARY KEY (person_id, diagnosed_on, site)) WITHOUT ROWID",
    ),
    (
        "lifestyle",
        "CREATE TABLE lifestyle (
        person_id INTEGER NOT NULL, answered_on TEXT NOT NULL, smoking TEXT NOT NULL,
        alcohol_units_per_week INTEGER NOT NULL, bmi_tenths INTEGER NOT NULL,
        activity_minutes_per_week INTEGER NOT NULL, age_at_menarche INTEGER, live_births INTEGER,
        age_at_first_birth INTEGER, relatives_with_breast_cancer INTEGER NOT NULL,
        PRIMARY KEY (person_id, answered_on)) WITHOUT ROWID",
    ),
];

/// The tables of one register file (the population file also holds `meta`).
fn tables_of(register: RegisterId) -> Vec<&'static str> {
    let mut tables: Vec<&'static str> = crate::rows::TABLES
        .iter()
        .copied()
        .filter(|t| registers::RegisterInfo::of_table(t).map(|(r, _)| r.id) == Some(register))
        .collect();
    if register == RegisterId::Population {
        tables.insert(0, "meta");
    }
    tables
}

/// The SQL of migration `version` (1-based) for one register file.
fn migration(version: u32, register: RegisterId) -> String {
    match version {
        1 => tables_of(register)
            .iter()
            .filter_map(|t| SCHEMA_1.iter().find(|(name, _)| name == t))
            .map(|(_, ddl)| format!("{ddl};\n"))
            .collect(),
        _ => String::new(),
    }
}

/// Schema version this program writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The embedded SQLite store (the zero-setup default).
pub struct SqliteStore {
    connection: Connection,
    data_dir: PathBuf,
    generation: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("generation", &self.generation)
            .finish()
    }
}

fn sex_code(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "kvinne",
        Sex::Male => "mann",
    }
}

/// An ISO 8601 date as text, formatted by hand on the stack: allocating a `String` per date
/// through chrono's general formatter dominated bulk writes.
#[derive(Clone, Copy)]
struct IsoDate([u8; 10]);

impl IsoDate {
    fn new(d: NaiveDate) -> IsoDate {
        use chrono::Datelike;
        // Register dates lie between years 1000 and 9999.
        let y = d.year().clamp(0, 9999) as u32;
        let (m, day) = (d.month(), d.day());
        IsoDate([
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (day / 10) as u8,
            b'0' + (day % 10) as u8,
        ])
    }
}

impl rusqlite::ToSql for IsoDate {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0),
        ))
    }
}

fn date(d: NaiveDate) -> IsoDate {
    IsoDate::new(d)
}

fn opt_date(d: Option<NaiveDate>) -> Option<IsoDate> {
    d.map(IsoDate::new)
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Directory {
        path: path.to_path_buf(),
        source,
    }
}

pub(crate) fn db_error(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |source| StoreError::Database {
        path: path.to_path_buf(),
        source,
    }
}

fn file_of(generation: &Path, schema: &str) -> PathBuf {
    generation.join(format!("{schema}.sqlite"))
}

/// Applies the migrations a register file has not had yet.
fn migrate(
    connection: &mut Connection,
    path: &Path,
    register: RegisterId,
) -> Result<(), StoreError> {
    let wrap = db_error(path);
    let found: u32 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(&wrap)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for version in found + 1..=SCHEMA_VERSION {
        tracing::info!(version, file = %path.display(), "applying schema migration");
        let tx = connection.transaction().map_err(&wrap)?;
        tx.execute_batch(&migration(version, register))
            .map_err(&wrap)?;
        tx.pragma_update(None, "user_version", version)
            .map_err(&wrap)?;
        tx.commit().map_err(&wrap)?;
    }
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the store in the data directory `dir`, and runs pending
    /// migrations. Leftovers of an interrupted [`RegisterStore::replace_all`] are removed.
    pub fn open(dir: &Path) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(dir).map_err(io_error(dir))?;
        let current_file = dir.join(CURRENT_FILE);
        let generation = match std::fs::read_to_string(&current_file) {
            Ok(name) => {
                let generation = dir.join(name.trim());
                if !generation.is_dir() {
                    return Err(StoreError::MissingGeneration { path: generation });
                }
                generation
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let generation = dir.join("store-1");
                std::fs::create_dir_all(&generation).map_err(io_error(&generation))?;
                for (schema, register) in FILES {
                    let path = file_of(&generation, schema);
                    let mut c = Connection::open(&path).map_err(db_error(&path))?;
                    migrate(&mut c, &path, register)?;
                }
                write_current(dir, "store-1")?;
                generation
            }
            Err(e) => return Err(io_error(&current_file)(e)),
        };
        remove_stale_generations(dir, &generation);
        let connection = connect(&generation)?;
        Ok(SqliteStore {
            connection,
            data_dir: dir.to_path_buf(),
            generation,
        })
    }

    /// The directory holding the current generation of register files.
    pub fn path(&self) -> &Path {
        &self.generation
    }

    fn db<T>(&self, r: rusqlite::Result<T>) -> Result<T, StoreError> {
        r.map_err(db_error(&self.generation))
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        let r = self
            .connection
            .query_row("PRAGMA user_version", [], |row| row.get::<_, u32>(0));
        self.db(r)
    }
}

/// Opens the population file, attaches the other register files and migrates them all.
fn connect(generation: &Path) -> Result<Connection, StoreError> {
    let main = file_of(generation, FILES[0].0);
    let mut connection = Connection::open(&main).map_err(db_error(&main))?;
    migrate(&mut connection, &main, FILES[0].1)?;
    for (schema, register) in &FILES[1..] {
        let path = file_of(generation, schema);
        {
            let mut c = Connection::open(&path).map_err(db_error(&path))?;
            migrate(&mut c, &path, *register)?;
        }
        connection
            .execute(
                "ATTACH DATABASE ?1 AS ?2",
                params![path.to_string_lossy(), schema],
            )
            .map_err(db_error(&path))?;
    }
    // WAL keeps readers going while a writer works; NORMAL synchronous is durable at every
    // commit in WAL mode except on power loss.
    for (i, (schema, _)) in FILES.iter().enumerate() {
        // The population file is the connection's own `main` schema.
        let schema = if i == 0 { "main" } else { schema };
        connection
            .execute_batch(&format!(
                "PRAGMA {schema}.journal_mode = WAL; PRAGMA {schema}.synchronous = NORMAL;"
            ))
            .map_err(db_error(generation))?;
    }
    connection
        .execute_batch("PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY;")
        .map_err(db_error(generation))?;
    Ok(connection)
}

/// Atomically points `CURRENT` at a generation directory.
fn write_current(dir: &Path, name: &str) -> Result<(), StoreError> {
    let tmp = dir.join(format!("{CURRENT_FILE}.tmp"));
    std::fs::write(&tmp, format!("{name}\n")).map_err(io_error(&tmp))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(io_error(&tmp))?;
    std::fs::rename(&tmp, dir.join(CURRENT_FILE)).map_err(io_error(dir))?;
    // Make the rename itself durable.
    let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    Ok(())
}

/// Removes generation directories other than the current one (left by a crash or a replace).
fn remove_stale_generations(dir: &Path, current: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let stale = entry.file_name().to_string_lossy().starts_with("store-") && path != current;
        if stale && path.is_dir() {
            if let Err(e) = std::fs::remove_dir_all(&path) {
                tracing::warn!(path = %path.display(), error = %e, "could not remove a stale store generation");
            }
        }
    }
}

/// Inserts rows; a uniqueness violation becomes [`StoreError::Conflict`] naming the key.
///
/// `rows_per_statement` rows go into one multi-row `INSERT`, which saves SQLite's per-statement
/// work on bulk loads. On a conflict the failed chunk is replayed row by row, so the error names
/// the exact key.
fn insert(
    tx: &Transaction,
    rows: TableSlice,
    path: &Path,
    rows_per_statement: usize,
) -> Result<usize, StoreError> {
    let db = |source| StoreError::Database {
        path: path.to_path_buf(),
        source,
    };
    let table = rows.table();
    let conflict = |e: rusqlite::Error, key: String| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Conflict { table, key }
        }
        other => db(other),
    };
    macro_rules! each {
        ($v:expr, $sql:expr, |$r:ident| $key:expr, $params:expr) => {{
            // Insert in key order so the primary-key B-trees grow at their end (several times
            // faster than random inserts for millions of rows). Keys are computed once.
            let mut order: Vec<_> = $v.iter().enumerate().map(|(i, $r)| ($key, i)).collect();
            order.sort_unstable();
            let prefix = $sql.split(" VALUES ").next().expect("INSERT … VALUES");
            let width = $sql.matches('?').count();
            let tuple = format!("({})", vec!["?"; width].join(","));
            let statement =
                |rows: usize| format!("{prefix} VALUES {}", vec![tuple.as_str(); rows].join(","));
            let per_statement = rows_per_statement.max(1);
            let full = statement(per_statement);
            let mut start = 0;
            while start < order.len() {
                let count = per_statement.min(order.len() - start);
                let tail;
                let sql: &str = if count == per_statement {
                    &full
                } else {
                    tail = statement(count);
                    &tail
                };
                let mut stmt = tx.prepare_cached(sql).map_err(db)?;
                let mut index = 1;
                for &(_, i) in &order[start..start + count] {
                    let $r = &$v[i];
                    for value in $params {
                        stmt.raw_bind_parameter(index, value).map_err(db)?;
                        index += 1;
                    }
                }
                if let Err(e) = stmt.raw_execute() {
                    // A failed statement leaves the transaction as it was before the statement,
                    // so the chunk can be replayed row by row to name the exact conflicting key.
                    let single = format!("{prefix} VALUES {tuple}");
                    let mut one = tx.prepare_cached(&single).map_err(db)?;
                    for &(_, i) in &order[start..start + count] {
                        let $r = &$v[i];
                        for (index, value) in $params.into_iter().enumerate() {
                            one.raw_bind_parameter(index + 1, value).map_err(db)?;
                        }
                        one.raw_execute()
                            .map_err(|e| conflict(e, format!("{:?}", $key)))?;
                    }
                    // Every row went in alone: the chunk failed for another reason.
                    return Err(conflict(e, "(a row of the batch)".to_string()));
                }
                start += count;
            }
            Ok($v.len())
        }};
    }
    match rows {
        TableSlice::Persons(v) => each!(
            v,
            "INSERT INTO persons VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            |p| p.id,
            params![
                p.id.as_u64() as i64,
                date(p.birth_date),
                sex_code(p.sex),
                p.status.code(),
                opt_date(p.status_date),
                p.background.code()
            ]
        ),
        TableSlice::Relations(v) => each!(
            v,
            "INSERT INTO relations VALUES (?1, ?2, ?3, ?4)",
            |r| (r.person, r.related, r.kind.code()),
            params![
                r.person.as_u64() as i64,
                r.related.as_u64() as i64,
                r.kind.code(),
                date(r.valid_from)
            ]
        ),
        TableSlice::Addresses(v) => each!(
            v,
            "INSERT INTO addresses VALUES (?1, ?2, ?3, ?4, ?5)",
            |a| a.id,
            params![
                a.id.0,
                a.municipality.to_string(),
                a.street,
                a.house_number,
                a.postcode
            ]
        ),
        TableSlice::Residences(v) => each!(
            v,
            "INSERT INTO residences VALUES (?1, ?2, ?3, ?4)",
            |r| (r.person, r.valid_from),
            params![
                r.person.as_u64() as i64,
                r.address.0,
                r.municipality.to_string(),
                date(r.valid_from)
            ]
        ),
        TableSlice::TaxAssessments(v) => each!(
            v,
            "INSERT INTO tax_assessments VALUES (?1, ?2, ?3, ?4)",
            |t| (t.person, t.income_year),
            params![
                t.person.as_u64() as i64,
                t.income_year,
                t.personinntekt,
                t.kapitalinntekt
            ]
        ),
        TableSlice::MonthlyIncome(v) => each!(
            v,
            "INSERT INTO monthly_income VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            |m| (m.person, m.year),
            params![
                m.person.as_u64() as i64,
                m.year,
                m.months[0],
                m.months[1],
                m.months[2],
                m.months[3],
                m.months[4],
                m.months[5],
                m.months[6],
                m.months[7],
                m.months[8],
                m.months[9],
                m.months[10],
                m.months[11]
            ]
        ),
        TableSlice::Organisations(v) => each!(
            v,
            "INSERT INTO organisations VALUES (?1, ?2, ?3, ?4)",
            |o| o.orgnr,
            params![
                o.orgnr.as_u32(),
                o.name,
                o.kind.code(),
                o.municipality.to_string()
            ]
        ),
        TableSlice::Employments(v) => each!(
            v,
            "INSERT INTO employments VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            |e| (e.person, e.employer, e.from),
            params![
                e.person.as_u64() as i64,
                e.employer.as_u32(),
                e.position_pct,
                e.competence.code(),
                date(e.from),
                opt_date(e.to)
            ]
        ),
        TableSlice::Enrolments(v) => each!(
            v,
            "INSERT INTO enrolments VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            |e| (e.child, e.from),
            params![
                e.child.as_u64() as i64,
                e.kindergarten.as_u32(),
                e.municipality.to_string(),
                e.weekly_hours,
                date(e.from),
                opt_date(e.to)
            ]
        ),
        TableSlice::Screening(v) => each!(
            v,
            "INSERT INTO screening VALUES (?1, ?2, ?3, ?4)",
            |s| (s.person, s.invited_for),
            params![
                s.person.as_u64() as i64,
                date(s.invited_for),
                opt_date(s.attended_on),
                s.result.code()
            ]
        ),
        TableSlice::Cancer(v) => each!(
            v,
            "INSERT INTO cancer VALUES (?1, ?2, ?3, ?4)",
            |c| (c.person, c.diagnosed_on),
            params![
                c.person.as_u64() as i64,
                date(c.diagnosed_on),
                "bryst",
                c.detection.code()
            ]
        ),
        TableSlice::Lifestyle(v) => each!(
            v,
            "INSERT INTO lifestyle VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            |l| (l.person, l.answered_on),
            params![
                l.person.as_u64() as i64,
                date(l.answered_on),
                l.smoking.code(),
                l.alcohol_units_per_week,
                l.bmi_tenths,
                l.activity_minutes_per_week,
                l.age_at_menarche,
                l.live_births,
                l.age_at_first_birth,
                l.first_degree_relatives_with_breast_cancer
            ]
        ),
    }
}

/// Creates a new register file at `path` holding the register's tables of `registers`.
fn write_fresh(
    path: &Path,
    register: RegisterId,
    registers: &Registers,
    metadata: &StoreMetadata,
    progress: &(dyn Fn(&str, usize) + Sync),
) -> Result<(), StoreError> {
    let db = db_error(path);
    let mut connection = Connection::open(path).map_err(&db)?;
    // A fresh file has nothing to roll back to: no journal, no syncs until the end.
    connection
        .execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY;",
        )
        .map_err(&db)?;
    migrate(&mut connection, path, register)?;
    let tx = connection.transaction().map_err(&db)?;
    for table in tables_of(register) {
        if table == "meta" {
            let reference = registers.reference_date.format("%Y-%m-%d").to_string();
            let mut meta = vec![("reference_date", reference)];
            if let Some(origin) = &metadata.origin {
                meta.push(("origin", origin.clone()));
            }
            for (k, v) in meta {
                tx.execute("INSERT INTO meta VALUES (?1, ?2)", params![k, v])
                    .map_err(&db)?;
            }
            continue;
        }
        let rows = TableSlice::of(registers, table).expect("known table");
        let started = std::time::Instant::now();
        let n = insert(&tx, rows, path, 64)?;
        tracing::info!(
            table,
            rows = n,
            seconds = started.elapsed().as_secs_f64(),
            "table written"
        );
        progress(table, n);
    }
    let started = std::time::Instant::now();
    tx.commit().map_err(&db)?;
    connection.close().map_err(|(_, e)| db(e))?;
    tracing::info!(file = %path.display(), seconds = started.elapsed().as_secs_f64(), "register file committed");
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io_error(path))
}

/// Converts stored text and numbers back into register types, naming the table on failure.
struct Decode {
    table: &'static str,
}

impl Decode {
    fn bad(&self, reason: String) -> StoreError {
        StoreError::Corrupt {
            table: self.table,
            reason,
        }
    }
    fn id(&self, v: i64) -> Result<NationalId, StoreError> {
        NationalId::from_u64(v as u64).map_err(|e| self.bad(format!("id {v}: {e}")))
    }
    fn org(&self, v: i64) -> Result<OrgNumber, StoreError> {
        OrgNumber::from_u32(v as u32).map_err(|e| self.bad(format!("orgnr {v}: {e}")))
    }
    fn date(&self, v: &str) -> Result<NaiveDate, StoreError> {
        NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|e| self.bad(format!("date {v}: {e}")))
    }
    fn opt_date(&self, v: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
        v.map(|d| self.date(&d)).transpose()
    }
    fn kommune(&self, v: &str) -> Result<MunicipalityNumber, StoreError> {
        v.parse().map_err(|e| self.bad(format!("{e}")))
    }
    fn code<T>(&self, v: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
        f(v).ok_or_else(|| self.bad(format!("unknown code '{v}'")))
    }
}

impl SqliteStore {
    fn read<T>(
        &self,
        table: &'static str,
        sql: &str,
        decode: impl Fn(&Decode, &rusqlite::Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let d = Decode { table };
        let mut stmt = self.db(self.connection.prepare(sql))?;
        let mut rows = self.db(stmt.query([]))?;
        let mut out = Vec::new();
        while let Some(row) = self.db(rows.next())? {
            out.push(decode(&d, row)?);
        }
        Ok(out)
    }
}

fn g<T: rusqlite::types::FromSql>(
    d: &Decode,
    row: &rusqlite::Row,
    i: usize,
) -> Result<T, StoreError> {
    row.get(i).map_err(|e| d.bad(format!("column {i}: {e}")))
}

impl RegisterStore for SqliteStore {
    /// Writes a complete new generation of register files, one file per register in parallel,
    /// and then switches `CURRENT` to it with an atomic rename: until that rename the old store
    /// is untouched, so a crash or an error at any point leaves it exactly as it was.
    fn replace_all(
        &mut self,
        registers: &Registers,
        metadata: &StoreMetadata,
        progress: &(dyn Fn(&str, usize) + Sync),
    ) -> Result<(), StoreError> {
        let number: u64 = self
            .generation
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix("store-"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let name = format!("store-{}", number + 1);
        let next = self.data_dir.join(&name);
        if next.exists() {
            std::fs::remove_dir_all(&next).map_err(io_error(&next))?;
        }
        std::fs::create_dir_all(&next).map_err(io_error(&next))?;
        let results: Vec<Result<(), StoreError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = FILES
                .iter()
                .map(|(schema, register)| {
                    let path = file_of(&next, schema);
                    scope
                        .spawn(move || write_fresh(&path, *register, registers, metadata, progress))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a register writer panicked"))
                .collect()
        });
        if let Some(err) = results.into_iter().find_map(Result::err) {
            let _ = std::fs::remove_dir_all(&next);
            return Err(err);
        }
        write_current(&self.data_dir, &name)?;
        let connection = connect(&next)?;
        let old = std::mem::replace(&mut self.connection, connection);
        let _ = old.close();
        let previous = std::mem::replace(&mut self.generation, next);
        if let Err(e) = std::fs::remove_dir_all(&previous) {
            tracing::warn!(path = %previous.display(), error = %e, "could not remove the previous store generation");
        }
        Ok(())
    }

    fn load(&self) -> Result<Registers, StoreError> {
        let reference_date = match self.metadata()?.reference_date {
            Some(d) => Decode { table: "meta" }.date(&d)?,
            None => NaiveDate::from_ymd_opt(2024, 1, 1).expect("constant date"),
        };
        let mut r = Registers::empty(reference_date, Municipalities::embedded_2026());
        r.persons = self.read("persons", "SELECT * FROM persons", |d, row| {
            Ok(Person {
                id: d.id(g(d, row, 0)?)?,
                birth_date: d.date(&g::<String>(d, row, 1)?)?,
                sex: d.code(&g::<String>(d, row, 2)?, |c| match c {
                    "kvinne" => Some(Sex::Female),
                    "mann" => Some(Sex::Male),
                    _ => None,
                })?,
                status: d.code(&g::<String>(d, row, 3)?, PersonStatus::from_code)?,
                status_date: d.opt_date(g(d, row, 4)?)?,
                background: d.code(&g::<String>(d, row, 5)?, Background::from_code)?,
            })
        })?;
        r.relations = self.read("relations", "SELECT * FROM relations", |d, row| {
            Ok(Relation {
                person: d.id(g(d, row, 0)?)?,
                related: d.id(g(d, row, 1)?)?,
                kind: d.code(&g::<String>(d, row, 2)?, RelationKind::from_code)?,
                valid_from: d.date(&g::<String>(d, row, 3)?)?,
            })
        })?;
        r.addresses = self.read("addresses", "SELECT * FROM addresses", |d, row| {
            Ok(Address {
                id: AddressId(g(d, row, 0)?),
                municipality: d.kommune(&g::<String>(d, row, 1)?)?,
                street: g(d, row, 2)?,
                house_number: g(d, row, 3)?,
                postcode: g(d, row, 4)?,
            })
        })?;
        r.residences = self.read("residences", "SELECT * FROM residences", |d, row| {
            Ok(Residence {
                person: d.id(g(d, row, 0)?)?,
                address: AddressId(g(d, row, 1)?),
                municipality: d.kommune(&g::<String>(d, row, 2)?)?,
                valid_from: d.date(&g::<String>(d, row, 3)?)?,
            })
        })?;
        r.tax_assessments = self.read(
            "tax_assessments",
            "SELECT * FROM tax_assessments",
            |d, row| {
                Ok(TaxAssessment {
                    person: d.id(g(d, row, 0)?)?,
                    income_year: g(d, row, 1)?,
                    personinntekt: g(d, row, 2)?,
                    kapitalinntekt: g(d, row, 3)?,
                })
            },
        )?;
        r.monthly_income = self.read(
            "monthly_income",
            "SELECT * FROM monthly_income",
            |d, row| {
                let mut months = [0i64; 12];
                for (k, m) in months.iter_mut().enumerate() {
                    *m = g(d, row, 2 + k)?;
                }
                Ok(MonthlyIncome {
                    person: d.id(g(d, row, 0)?)?,
                    year: g(d, row, 1)?,
                    months,
                })
            },
        )?;
        r.organisations = self.read("organisations", "SELECT * FROM organisations", |d, row| {
            Ok(Organisation {
                orgnr: d.org(g(d, row, 0)?)?,
                name: g(d, row, 1)?,
                kind: d.code(&g::<String>(d, row, 2)?, OrgKind::from_code)?,
                municipality: d.kommune(&g::<String>(d, row, 3)?)?,
            })
        })?;
        r.employments = self.read("employments", "SELECT * FROM employments", |d, row| {
            Ok(Employment {
                person: d.id(g(d, row, 0)?)?,
                employer: d.org(g(d, row, 1)?)?,
                position_pct: g(d, row, 2)?,
                competence: d.code(&g::<String>(d, row, 3)?, Competence::from_code)?,
                from: d.date(&g::<String>(d, row, 4)?)?,
                to: d.opt_date(g(d, row, 5)?)?,
            })
        })?;
        r.enrolments = self.read("enrolments", "SELECT * FROM enrolments", |d, row| {
            Ok(Enrolment {
                child: d.id(g(d, row, 0)?)?,
                kindergarten: d.org(g(d, row, 1)?)?,
                municipality: d.kommune(&g::<String>(d, row, 2)?)?,
                weekly_hours: g(d, row, 3)?,
                from: d.date(&g::<String>(d, row, 4)?)?,
                to: d.opt_date(g(d, row, 5)?)?,
            })
        })?;
        r.screening = self.read("screening", "SELECT * FROM screening", |d, row| {
            Ok(ScreeningRecord {
                person: d.id(g(d, row, 0)?)?,
                invited_for: d.date(&g::<String>(d, row, 1)?)?,
                attended_on: d.opt_date(g(d, row, 2)?)?,
                result: d.code(&g::<String>(d, row, 3)?, ScreeningResult::from_code)?,
            })
        })?;
        r.cancer = self.read("cancer", "SELECT * FROM cancer", |d, row| {
            Ok(CancerDiagnosis {
                person: d.id(g(d, row, 0)?)?,
                diagnosed_on: d.date(&g::<String>(d, row, 1)?)?,
                site: d.code(&g::<String>(d, row, 2)?, |c| {
                    (c == "bryst").then_some(CancerSite::Breast)
                })?,
                detection: d.code(&g::<String>(d, row, 3)?, Detection::from_code)?,
            })
        })?;
        r.lifestyle = self.read("lifestyle", "SELECT * FROM lifestyle", |d, row| {
            Ok(LifestyleSurvey {
                person: d.id(g(d, row, 0)?)?,
                answered_on: d.date(&g::<String>(d, row, 1)?)?,
                smoking: d.code(&g::<String>(d, row, 2)?, Smoking::from_code)?,
                alcohol_units_per_week: g(d, row, 3)?,
                bmi_tenths: g(d, row, 4)?,
                activity_minutes_per_week: g(d, row, 5)?,
                age_at_menarche: g(d, row, 6)?,
                live_births: g(d, row, 7)?,
                age_at_first_birth: g(d, row, 8)?,
                first_degree_relatives_with_breast_cancer: g(d, row, 9)?,
            })
        })?;
        Ok(r)
    }

    fn import(&mut self, rows: &TableRows) -> Result<usize, StoreError> {
        let path = self.generation.clone();
        let db = db_error(&path);
        let tx = self.connection.transaction().map_err(&db)?;
        // On error the transaction is dropped and rolled back: the store is unchanged.
        let n = insert(&tx, rows.as_slice(), &path, 64)?;
        // Every import is a new data version (see `data_version`); counted in the same
        // transaction as the rows.
        tx.execute(
            "INSERT INTO meta VALUES ('imports', '1')
             ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
            [],
        )
        .map_err(&db)?;
        tx.commit().map_err(db)?;
        Ok(n)
    }

    fn counts(&self) -> Result<RegisterCounts, StoreError> {
        let mut tables = Vec::new();
        for table in crate::rows::TABLES {
            let n: i64 = self.db(self.connection.query_row(
                &format!("SELECT count(*) FROM {table}"),
                [],
                |row| row.get(0),
            ))?;
            tables.push((table, n as usize));
        }
        Ok(RegisterCounts { tables })
    }

    fn data_version(&self) -> Result<String, StoreError> {
        let imports: Option<String> = self.db(self
            .connection
            .query_row("SELECT value FROM meta WHERE key = 'imports'", [], |row| {
                row.get(0)
            })
            .optional())?;
        let generation = self
            .generation
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        Ok(format!(
            "{generation}/imports-{}",
            imports.as_deref().unwrap_or("0")
        ))
    }

    fn metadata(&self) -> Result<StoreMetadata, StoreError> {
        let get = |key: &str| -> Result<Option<String>, StoreError> {
            self.db(self
                .connection
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                    row.get(0)
                })
                .optional())
        };
        Ok(StoreMetadata {
            reference_date: get("reference_date")?,
            origin: get("origin")?,
        })
    }
}
