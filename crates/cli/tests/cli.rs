//! The `mulighetsrom` binary as a user runs it: commands, exit codes and messages.

use std::path::Path;
use std::process::{Command, Output};

fn mulighetsrom(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mulighetsrom"))
        .args(args)
        .current_dir(dir)
        .env_remove("MULIGHETSROM_DATA")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn validate_id_accepts_the_documented_examples_and_names_the_failing_check_digit() {
    let dir = tempfile::tempdir().unwrap();
    let ok = mulighetsrom(
        dir.path(),
        &[
            "validate-id",
            "31129956715",
            "30108299939",
            "17912099997",
            "889640782",
        ],
    );
    assert_eq!(ok.status.code(), Some(0), "{}{}", stdout(&ok), stderr(&ok));
    let out = stdout(&ok);
    assert!(
        out.contains("30108299939: valid") && out.contains("2032 rule"),
        "{out}"
    );
    assert!(
        out.contains("17912099997: valid") && out.contains("synthetic"),
        "{out}"
    );
    assert!(
        out.contains("889640782: valid organisasjonsnummer"),
        "{out}"
    );

    let bad = mulighetsrom(dir.path(), &["validate-id", "31129956716"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stdout(&bad).contains("31129956716: invalid: check digit 2 should be 5, found 6"),
        "{}",
        stdout(&bad)
    );
}

#[test]
fn generate_then_stats_works_in_an_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let stats_first = mulighetsrom(dir.path(), &["stats"]);
    assert_eq!(stats_first.status.code(), Some(2));
    assert!(
        stderr(&stats_first).contains("is empty; create a population first"),
        "{}",
        stderr(&stats_first)
    );

    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "4601", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    assert!(stdout(&gen).contains("persons"));
    assert!(dir.path().join("data/CURRENT").exists());

    let stats = mulighetsrom(dir.path(), &["stats"]);
    assert_eq!(stats.status.code(), Some(0), "{}", stderr(&stats));
    let out = stdout(&stats);
    assert!(out.contains("Generated vs published"), "{out}");
    assert!(out.contains("Barnehagedekning 1-5"), "{out}");
    assert!(out.contains("4601 Bergen"), "{out}");

    let unknown = mulighetsrom(dir.path(), &["generate", "--municipality", "9998"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown municipality 9998"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn export_and_import_round_trip_and_bad_rows_are_quarantined_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "1151", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    for format in ["csv", "parquet"] {
        let out = mulighetsrom(dir.path(), &["export", format, "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(dir
            .path()
            .join(format!("{format}/persons.{format}"))
            .exists());
    }

    // A fresh store takes the exported persons whole.
    let fresh = ["--data", "fresh"];
    let imported = mulighetsrom(
        dir.path(),
        &[
            &fresh[..],
            &["import", "persons", "parquet/persons.parquet"],
        ]
        .concat(),
    );
    assert_eq!(imported.status.code(), Some(0), "{}", stderr(&imported));
    assert!(
        stdout(&imported).contains("Imported"),
        "{}",
        stdout(&imported)
    );

    // One broken row: without --quarantine nothing is imported, with it the rest is.
    let csv = std::fs::read_to_string(dir.path().join("csv/persons.csv")).unwrap();
    let mut lines: Vec<String> = csv.lines().map(String::from).collect();
    let total_rows = lines.len() - 1;
    let broken = lines[2].clone();
    let digits: String = broken.chars().take(11).collect();
    let last = digits.chars().last().unwrap().to_digit(10).unwrap();
    lines[2] = format!("{}{}{}", &digits[..10], (last + 1) % 10, &broken[11..]);
    std::fs::write(dir.path().join("broken.csv"), lines.join("\n") + "\n").unwrap();

    let other = ["--data", "other"];
    let refused = mulighetsrom(
        dir.path(),
        &[&other[..], &["import", "persons", "broken.csv"]].concat(),
    );
    assert_eq!(refused.status.code(), Some(1));
    let err = stderr(&refused);
    assert!(err.contains("broken.csv:3: column person_id"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");

    let quarantined = mulighetsrom(
        dir.path(),
        &[
            &other[..],
            &["import", "persons", "broken.csv", "--quarantine", "bad.csv"],
        ]
        .concat(),
    );
    assert_eq!(
        quarantined.status.code(),
        Some(1),
        "{}",
        stderr(&quarantined)
    );
    let bad = std::fs::read_to_string(dir.path().join("bad.csv")).unwrap();
    assert_eq!(bad.lines().count(), 2, "header and one bad row: {bad}");
    assert!(
        stdout(&quarantined).contains(&format!("Imported {} persons", total_rows - 1)),
        "{}",
        stdout(&quarantined)
    );
}

#[test]
fn roster_solves_and_checks_a_benchmark_instance_and_plans_a_legal_rota() {
    let dir = tempfile::tempdir().unwrap();
    let instance = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../svc-roster/instances/Instance1.txt"
    );
    let solved = mulighetsrom(
        dir.path(),
        &[
            "roster",
            "solve",
            instance,
            "--seconds",
            "2",
            "--threads",
            "1",
            "--out",
            "sol.txt",
        ],
    );
    assert_eq!(
        solved.status.code(),
        Some(0),
        "{}{}",
        stdout(&solved),
        stderr(&solved)
    );
    assert!(stdout(&solved).contains("feasible"), "{}", stdout(&solved));
    let checked = mulighetsrom(dir.path(), &["roster", "check", instance, "sol.txt"]);
    assert_eq!(checked.status.code(), Some(0), "{}", stderr(&checked));
    assert!(
        stdout(&checked).contains("under-cover"),
        "{}",
        stdout(&checked)
    );

    let planned = mulighetsrom(
        dir.path(),
        &[
            "roster",
            "plan",
            "--example",
            "40",
            "--seconds",
            "5",
            "--html",
            "rota.html",
            "--csv",
            "rota.csv",
        ],
    );
    assert_eq!(
        planned.status.code(),
        Some(0),
        "{}{}",
        stdout(&planned),
        stderr(&planned)
    );
    assert!(
        stdout(&planned).contains("Legal rota"),
        "{}",
        stdout(&planned)
    );
    let html = std::fs::read_to_string(dir.path().join("rota.html")).unwrap();
    assert!(html.contains("<svg"), "no SVG grid");

    let missing = mulighetsrom(dir.path(), &["roster", "plan", "--municipality", "4601"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("is empty"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn kindergarten_fee_decides_a_case_and_names_the_bad_field() {
    let dir = tempfile::tempdir().unwrap();
    let case = r#"{"date":"2024-09-01","municipality":"0301","household_income":480000,"price_zone":"general","children":[{"id":"a","birth_date":"2021-03-14","weekly_hours":45}]}"#;
    std::fs::write(dir.path().join("case.json"), case).unwrap();
    let out = mulighetsrom(dir.path(), &["kindergarten", "fee", "--case", "case.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["status"], "decided");
    // 6 % of 480 000 over 11 payments = 2 618 > makspris 2 000; kjernetid (born 2021, income
    // under 642 700) frees 20 of 41 hours: 2 000 - 2 000 × 20 / 41 = 1 024.
    assert_eq!(json["total_monthly_fee"], 1024, "{json}");
    assert!(json["children"][0]["explanation"]["legal_reference"]
        .as_str()
        .is_some());

    let bad =
        r#"{"date":"2024-13-01","municipality":"0301","household_income":480000,"children":[]}"#;
    std::fs::write(dir.path().join("bad.json"), bad).unwrap();
    let out = mulighetsrom(dir.path(), &["kindergarten", "fee", "--case", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("field date"), "{}", stderr(&out));
}

#[test]
fn kindergarten_decide_and_simulate_run_on_the_stored_population() {
    let dir = tempfile::tempdir().unwrap();
    let empty = mulighetsrom(
        dir.path(),
        &["kindergarten", "decide", "--all", "--month", "2024-03"],
    );
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("is empty"), "{}", stderr(&empty));
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "5503", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));

    // March 2024: every zone is known; every family is decided and written with its explanation.
    let out = mulighetsrom(
        dir.path(),
        &[
            "kindergarten",
            "decide",
            "--all",
            "--month",
            "2024-03",
            "--out",
            "d.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("household income year 2022"), "{text}");
    assert!(text.contains("reduction vs makspris"), "{text}");
    let lines = std::fs::read_to_string(dir.path().join("d.jsonl")).unwrap();
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["municipality"], "5503");
    assert_eq!(first["family"], 1);
    assert!(first["children"][0]["explanation"]["children"].is_array());
    assert!(text.contains(&format!(
        "{} decisions with explanations",
        lines.lines().count()
    )));

    // September 2024, when the zone prices differ: Harstad is in neither special list (both are
    // complete since the sentralitet 5–6 list was sourced), so it is decided in the general zone
    // and every decision cites the zone file; the general-zone assumption is never needed.
    let out = mulighetsrom(
        dir.path(),
        &[
            "kindergarten",
            "decide",
            "--municipality",
            "5503",
            "--month",
            "2024-09",
            "--out",
            "a.jsonl",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("price_zone_unknown"), "{text}");
    let lines = std::fs::read_to_string(dir.path().join("a.jsonl")).unwrap();
    assert!(lines.lines().all(|l| l
        .contains("zones/kindergarten-price-zones.yaml: 5503 in no special zone list")
        && !l.contains("price_zone_assumed_general")));

    let bad = mulighetsrom(
        dir.path(),
        &["kindergarten", "decide", "--all", "--month", "2024-13"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--month: '2024-13'"),
        "{}",
        stderr(&bad)
    );
    let bad = mulighetsrom(
        dir.path(),
        &[
            "kindergarten",
            "decide",
            "--municipality",
            "9998",
            "--month",
            "2024-03",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("9998"), "{}", stderr(&bad));

    let out = mulighetsrom(
        dir.path(),
        &[
            "kindergarten",
            "compare-s2",
            "--all",
            "--month",
            "2024-01",
            "--out",
            "s2.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("2023-10, 2023-11, 2023-12"), "{text}");
    assert!(text.contains("S2 only"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("s2.json")).unwrap())
            .unwrap();
    assert!(json["families_reassessed"].as_u64().unwrap() > 0, "{json}");

    let reform = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../law/reforms/makspris-1500-kjernetid-sibling-40.yaml"
    );
    let out = mulighetsrom(
        dir.path(),
        &[
            "kindergarten",
            "simulate",
            "--reform",
            reform,
            "--month",
            "2024-09",
            "--assume-general-where-unknown",
            "--out",
            "sim",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("parent payments / month"), "{text}");
    assert!(text.contains("D10"), "{text}");
    for file in [
        "totals.csv",
        "municipalities.csv",
        "deciles.csv",
        "report.json",
        "deciles.svg",
        "municipalities.svg",
    ] {
        assert!(dir.path().join("sim").join(file).exists(), "{file}");
    }
}

#[test]
fn catalogue_is_written_as_turtle_and_json_ld() {
    let dir = tempfile::tempdir().unwrap();
    let ttl = mulighetsrom(dir.path(), &["catalogue"]);
    assert_eq!(ttl.status.code(), Some(0), "{}", stderr(&ttl));
    let out = stdout(&ttl);
    assert!(out.starts_with("@prefix "), "{out}");
    assert_eq!(out.matches("a dcat:Dataset").count(), 5);
    assert_eq!(out.matches("a dcat:DataService").count(), 10);
    assert!(out.contains(
        "dcatap:applicableLegislation <https://lovdata.no/eli/forskrift/2005/12/16/1478>"
    ));
    assert!(out.contains("dcatno:legalBasisForProcessing"));
    assert!(out.contains(
        "dct:publisher <https://organization-catalog.fellesdatakatalog.digdir.no/organizations/974761076>"
    ));

    let json = mulighetsrom(
        dir.path(),
        &[
            "catalogue",
            "--format",
            "jsonld",
            "--out",
            "catalogue.jsonld",
        ],
    );
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    // One data service per service manifest (S1–S7, the reform analysis A1, the fairness audit
    // O1 and INNSYN).
    assert!(
        stderr(&json).contains("5 datasets and 10 data services"),
        "{}",
        stderr(&json)
    );
    let text = std::fs::read_to_string(dir.path().join("catalogue.jsonld")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["@context"]["dcat"], "http://www.w3.org/ns/dcat#");
    assert!(value["@graph"].as_array().unwrap().len() > 20);

    let bad = mulighetsrom(dir.path(), &["catalogue", "--base-uri", "no base"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("base_uri"), "{}", stderr(&bad));
}

#[test]
fn opendata_stats_suppress_small_cells_of_a_small_municipality() {
    let dir = tempfile::tempdir().unwrap();
    let empty = mulighetsrom(dir.path(), &["opendata", "stats"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("is empty"), "{}", stderr(&empty));

    // Utsira, about 200 residents: at threshold 5 some age bands are small.
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "1151", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    let stats = mulighetsrom(
        dir.path(),
        &["opendata", "stats", "--threshold", "5", "--out", "open"],
    );
    assert_eq!(stats.status.code(), Some(0), "{}", stderr(&stats));
    let out = stdout(&stats);
    assert!(
        out.contains("no suppressed cell can be recomputed"),
        "{out}"
    );

    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("open/suppression-report.json")).unwrap(),
    )
    .unwrap();
    let primary = report["primary"].as_u64().unwrap();
    assert!(primary > 0, "{report}");
    assert_eq!(report["audit"]["recoverable"].as_array().unwrap().len(), 0);
    assert_eq!(report["cells"], 2 * 13);

    let csv = std::fs::read_to_string(dir.path().join("open/residents.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("region,0-5 år kvinner,0-5 år menn,"));
    assert!(lines[1].starts_with("1151 Utsira,"));
    assert!(lines[2].starts_with("I alt,"));
    let hidden = lines[1..]
        .iter()
        .map(|l| l.matches(",:").count())
        .sum::<usize>() as u64;
    assert_eq!(hidden, primary + report["secondary"].as_u64().unwrap());
    // Every published value is at least the threshold or zero.
    for value in lines[1].split(',').skip(1).filter(|v| *v != ":") {
        let n: u64 = value.parse().unwrap();
        assert!(n == 0 || n >= 5, "{value} published in {csv}");
    }
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("open/residents.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json["suppressed_symbol"], ":");
    assert_eq!(json["columns"].as_array().unwrap().len(), 12);
}

/// Governance end to end: a service run is logged per person, the person's insight report shows
/// it with a proof, refusals are listed, and `audit verify` fails after one byte of the log is
/// changed.
#[test]
fn service_reads_are_logged_visible_in_innsyn_and_verifiable() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mulighetsrom"))
            .arg("--data")
            .arg(&data)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, _, err) = run(&["generate", "--municipality", "4611", "--seed", "7"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, _, err) = run(&[
        "kindergarten",
        "decide",
        "--municipality",
        "4611",
        "--month",
        "2024-03",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let (code, out, err) = run(&["audit", "verify"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("OK: every entry"), "{out}");
    // A child with a kindergarten place: its insight report shows the S1 read with a proof.
    let conn = rusqlite::Connection::open(data.join("audit.sqlite")).unwrap();
    drop(conn);
    let store = std::fs::read_to_string(data.join("CURRENT")).unwrap();
    let kg =
        rusqlite::Connection::open(data.join(store.trim()).join("kindergarten.sqlite")).unwrap();
    let child: i64 = kg
        .query_row("SELECT child_id FROM enrolments LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let child = format!("{child:011}");
    let out_dir = dir.path().join("innsyn");
    let (code, out, err) = run(&["innsyn", &child, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("each with an inclusion proof"), "{out}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("innsyn.json")).unwrap())
            .unwrap();
    let accesses = report["accesses"].as_array().unwrap();
    assert!(accesses.iter().any(|a| a["service"] == "S1"
        && a["purpose"] == "redusert-foreldrebetaling"
        && a["outcome"] == "allowed"
        && a["proof"]["path"].as_array().is_some_and(|p| !p.is_empty())));
    // The fee decision about the child: from the decision store, and as a logged receipt.
    assert!(
        report["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["service"] == "S1" && d["period"] == "2024-03"),
        "{}",
        report["decisions"]
    );
    assert!(
        report["decision_receipts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["receipt"]["period"] == "2024-03"
                && r["proof"]["tree_size"].as_u64() > Some(0))
    );
    let html = std::fs::read_to_string(out_dir.join("innsyn.html")).unwrap();
    assert!(
        html.contains("Bruk av opplysningene dine") && html.contains("redusert-foreldrebetaling")
    );
    // An invalid identity number is refused with exit code 1.
    let (code, _, err) = run(&["innsyn", "31129956716"]);
    assert_eq!(code, Some(1), "{err}");
    // One byte of one stored entry changed: verify fails with exit code 1.
    let conn = rusqlite::Connection::open(data.join("audit.sqlite")).unwrap();
    let mut entry: Vec<u8> = conn
        .query_row("SELECT entry FROM entries WHERE idx = 7", [], |r| r.get(0))
        .unwrap();
    entry[20] ^= 1;
    conn.execute(
        "UPDATE entries SET entry = ?1 WHERE idx = 7",
        rusqlite::params![entry],
    )
    .unwrap();
    drop(conn);
    let (code, out, _) = run(&["audit", "verify"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("FAILED"), "{out}");
}

/// The first enrolment in `csv` (enrolments.csv) active on 2024-03-01 with more than 30 weekly
/// hours: (child id, the whole row).
fn enrolment_to_change(csv: &str) -> (String, Vec<String>) {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .find(|f| {
            f[4].as_str() <= "2024-02-01"
                && (f[5].is_empty() || f[5].as_str() >= "2024-03-01")
                && f[3].parse::<u32>().unwrap() > 30
        })
        .map(|f| (f[0].clone(), f))
        .expect("an enrolment active in March 2024")
}

#[test]
fn kindergarten_decide_stores_decisions_idempotently_and_reports_who_changed_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "4632", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    let decide = |report: &str| {
        let out = mulighetsrom(
            dir.path(),
            &[
                "kindergarten",
                "decide",
                "--municipality",
                "4632",
                "--month",
                "2024-03",
                "--report",
                report,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(report)).unwrap())
                .unwrap();
        (stdout(&out), json)
    };

    let (out, first) = decide("first.json");
    let n = first["decisions"].as_u64().unwrap();
    assert!(n > 20, "{out}");
    assert_eq!(first["new"], n);
    assert!(
        out.contains(&format!(
            "{n} decisions: {n} new, 0 unchanged, 0 changed, 0 ended"
        )),
        "{out}"
    );
    assert!(dir.path().join("data/decisions.sqlite").exists());

    // Unchanged registers and rules: nothing changes, nothing is written.
    let (out, second) = decide("second.json");
    assert!(
        out.contains(&format!(
            "{n} decisions: 0 new, {n} unchanged, 0 changed, 0 ended"
        )),
        "{out}"
    );
    assert_eq!(second["changed"], 0);
    assert_eq!(second["stored_rows"], first["stored_rows"]);
    assert_eq!(second["stored_rows"], n);

    // A register change: one child gets a new place of 30 hours from February.
    let export = mulighetsrom(dir.path(), &["export", "csv", "--tables", "enrolments"]);
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    let csv = std::fs::read_to_string(dir.path().join("csv/enrolments.csv")).unwrap();
    let (child, mut row) = enrolment_to_change(&csv);
    let hours_before = row[3].clone();
    row[3] = "30".into();
    row[4] = "2024-02-01".into();
    std::fs::write(
        dir.path().join("change.csv"),
        format!("{}\n{}\n", csv.lines().next().unwrap(), row.join(",")),
    )
    .unwrap();
    let import = mulighetsrom(dir.path(), &["import", "enrolments", "change.csv"]);
    assert_eq!(import.status.code(), Some(0), "{}", stderr(&import));

    // A dry run reports the change and stores nothing.
    let dry = mulighetsrom(
        dir.path(),
        &[
            "kindergarten",
            "decide",
            "--municipality",
            "4632",
            "--month",
            "2024-03",
            "--dry-run",
        ],
    );
    assert!(
        stdout(&dry).contains("DRY RUN, nothing stored:") && stdout(&dry).contains("1 changed"),
        "{}",
        stdout(&dry)
    );

    let (out, third) = decide("third.json");
    assert_eq!(third["changed"], 1, "{out}");
    assert_eq!(third["new"], 0);
    assert_eq!(third["ended"], 0);
    assert_eq!(third["unchanged"].as_u64().unwrap(), n - 1);
    assert_eq!(third["stored_rows"].as_u64().unwrap(), n + 1);
    let case = &third["cases"][0];
    assert_eq!(case["kind"], "changed");
    assert!(
        case["subjects"]
            .as_array()
            .unwrap()
            .contains(&child.clone().into()),
        "the report names the family of {child}: {case}"
    );
    assert_eq!(
        (
            case["version_before"].clone(),
            case["version_after"].clone()
        ),
        (1.into(), 2.into())
    );
    let field = format!("children.{child}.place.weekly_hours");
    let changed_hours = case["input_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == field.as_str())
        .unwrap_or_else(|| panic!("{field} in {case}"));
    assert_eq!(changed_hours["before"].to_string(), hours_before);
    assert_eq!(changed_hours["after"], 30);
    let reasons = case["reasons"].to_string();
    assert!(
        reasons.contains(&format!("{hours_before} → 30")),
        "{reasons}"
    );
    assert!(
        case["reasons_nb"].to_string().contains("oppholdstid i uka"),
        "{case}"
    );
    assert!(
        out.contains("1 changed") && out.contains(&format!("{hours_before} → 30")),
        "{out}"
    );
    assert!(
        !out.contains(&child),
        "identity numbers are masked on the terminal: {out}"
    );

    // Rerunning after the change is idempotent again.
    let (_, fourth) = decide("fourth.json");
    assert_eq!(fourth["changed"], 0);
    assert_eq!(fourth["stored_rows"], third["stored_rows"]);

    // The history of the child: two versions of its family's decision, newest first.
    let history = mulighetsrom(
        dir.path(),
        &["kindergarten", "history", "--child", &child, "--json"],
    );
    assert_eq!(history.status.code(), Some(0), "{}", stderr(&history));
    let versions: serde_json::Value = serde_json::from_str(&stdout(&history)).unwrap();
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[1]["version"], 1);
    assert_ne!(versions[0]["data_version"], versions[1]["data_version"]);
    let table = mulighetsrom(dir.path(), &["kindergarten", "history", "--person", &child]);
    assert!(
        stdout(&table).contains("2 stored decisions about"),
        "{}",
        stdout(&table)
    );
}

#[test]
fn screening_evaluate_model_writes_the_report_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = mulighetsrom(
        dir.path(),
        &["screening", "evaluate-model", "--folds", "5", "--out", "m"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("ROC AUC (pooled out-of-fold) 0.99"),
        "{}",
        stdout(&out)
    );
    for f in [
        "report.txt",
        "report.json",
        "predictions.csv",
        "model.json",
        "chart.svg",
    ] {
        assert!(dir.path().join("m").join(f).exists(), "{f}");
    }
    let model = std::fs::read_to_string(dir.path().join("m/model.json")).unwrap();
    assert!(model.contains("\"format\": \"mulighetsrom.logistic.v1\""));
    // The figures and the model are kept for S4's model card in the algorithm register.
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("data/measurements/S4-model.json")).unwrap(),
    )
    .unwrap();
    assert!(m["figures"][0]["value"].as_f64().unwrap() > 0.98, "{m}");
    assert_eq!(m["model"]["features"].as_array().unwrap().len(), 30);
}

#[test]
fn risk_score_prints_the_gail_test_vector_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = mulighetsrom(dir.path(), &["risk", "score", "--gail", "45.2,11,22,1,1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("relative risk: 5.49 before 50, 4.12 from 50"),
        "{}",
        stdout(&out)
    );
    std::fs::write(
        dir.path().join("case.json"),
        r#"{"age": 45.2, "age_at_menarche": 11, "age_at_first_birth": 22, "biopsies": 1, "relatives": 1}"#,
    )
    .unwrap();
    let json = mulighetsrom(
        dir.path(),
        &["risk", "score", "--case", "case.json", "--json"],
    );
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!((v["result"]["rr_under_50"].as_f64().unwrap() - 5.4926036715).abs() < 1e-9);
    let bad = mulighetsrom(dir.path(), &["risk", "score", "--gail", "45,x,22,1,1"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("age at menarche \"x\""),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn oversight_audit_reads_through_s7_and_o1() {
    let dir = tempfile::tempdir().unwrap();
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "1103", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    let out = mulighetsrom(
        dir.path(),
        &[
            "oversight",
            "audit",
            "S7",
            "--export-predictions",
            "--out",
            "o",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for attr in [
        "age_band",
        "county",
        "income_decile",
        "immigrant_background",
    ] {
        assert!(text.contains(attr), "{attr}: {text}");
    }
    let csv = std::fs::read_to_string(dir.path().join("o/audit-predictions.csv")).unwrap();
    assert!(csv.starts_with("outcome,score,age_band,county,income_decile,immigrant_background\n"));
    // S5 is measured by its experiment, not audited as a prediction.
    let denied = mulighetsrom(dir.path(), &["oversight", "audit", "S5"]);
    assert_eq!(denied.status.code(), Some(2));
    assert!(stderr(&denied).contains("audit S4, S6 or S7"));
    // S6 and S4 are audited on the same groups and recorded beside their own figures.
    for (service, rule) in [
        ("S6", "decision = moderate or high risk"),
        ("S4", "decision = recalled under AI triage"),
    ] {
        let out = mulighetsrom(
            dir.path(),
            &["oversight", "audit", service, "--out", service],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains(rule), "{}", stdout(&out));
        assert!(stdout(&out).contains("immigrant_background"));
        assert!(dir
            .path()
            .join(format!("data/measurements/{service}-fairness.json"))
            .exists());
    }
    // The figures are kept for the algorithm register.
    let m: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("data/measurements/S7.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m["service"], "S7");
    let keys: Vec<&str> = m["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"auc"), "{keys:?}");
    assert!(
        keys.contains(&"dp_difference.immigrant_background"),
        "{keys:?}"
    );
    // A model that uses immigrant background is refused before it scores anyone, and no
    // measurement of it is recorded.
    let model = std::fs::read_to_string(dir.path().join("o/model.json")).unwrap();
    let tainted = model.replacen("\"daily smoker\"", "\"immigrant background\"", 1);
    assert_ne!(model, tainted);
    std::fs::write(dir.path().join("tainted.json"), tainted).unwrap();
    let refused = mulighetsrom(
        dir.path(),
        &[
            "oversight",
            "audit",
            "S7",
            "--model",
            "tainted.json",
            "--out",
            "t",
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("may not use feature \"immigrant background\" (is ethnicity)"),
        "{err}"
    );
    assert!(!dir.path().join("t/audit.txt").exists());
}

/// S6: recommendations for every woman 35–69, stored as decisions a woman sees in her insight
/// report with the explanation; the physician named with --reviewer is recorded as the decider.
#[test]
fn risk_followup_stratifies_records_and_explains() {
    let dir = tempfile::tempdir().unwrap();
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "4611", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    let out = mulighetsrom(dir.path(), &["risk", "followup", "--record", "--out", "f"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("moderat forhøyet risiko"), "{text}");
    assert!(text.contains("Stored "), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("f/report.json")).unwrap())
            .unwrap();
    let assessed = report["assessed"].as_u64().unwrap();
    assert!(assessed > 100, "{report}");
    let baseline = report["capacity"]["baseline_mammograms"].as_f64().unwrap();
    let stratified = report["capacity"]["stratified_mammograms"]
        .as_f64()
        .unwrap();
    assert!(stratified > baseline, "{report}");
    assert!(std::fs::read_to_string(dir.path().join("f/chart.svg"))
        .unwrap()
        .contains("<svg"));
    // A woman outside the standard programme: pending review, then decided by the reviewer.
    let db = rusqlite::Connection::open(dir.path().join("data/decisions.sqlite")).unwrap();
    let pending: i64 = db
        .query_row(
            "SELECT count(*) FROM decisions WHERE service = 'S6' AND status = 'manual_handling'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(pending > 0);
    let again = mulighetsrom(
        dir.path(),
        &[
            "risk",
            "followup",
            "--record",
            "--reviewer",
            "Dr. Kari Nordmann, overlege",
            "--out",
            "f",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains(&format!("{pending} audit-log receipts")),
        "only the reviewed recommendations change: {}",
        stdout(&again)
    );
    let m = std::fs::read_to_string(dir.path().join("data/measurements/S6.json")).unwrap();
    assert!(m.contains("share_moderate"), "{m}");
    // Her insight report shows the decision, its explanation and who decided.
    let woman: i64 = db
        .query_row(
            "SELECT s.person_id FROM decision_subjects s JOIN decisions d USING (decision_id) \
             WHERE d.service = 'S6' AND d.result LIKE '%Kari Nordmann%' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let woman = format!("{woman:011}");
    let explained = mulighetsrom(
        dir.path(),
        &[
            "risk",
            "followup",
            "--person",
            &woman,
            "--reviewer",
            "Dr. Kari Nordmann, overlege",
        ],
    );
    let text = stdout(&explained);
    assert!(text.contains("Modellens rolle"), "{text}");
    assert!(text.contains("The model's role"), "{text}");
    assert!(text.contains("Avgjort av: Dr. Kari Nordmann"), "{text}");
    let insight = mulighetsrom(dir.path(), &["innsyn", &woman, "--out", "i"]);
    assert_eq!(insight.status.code(), Some(0), "{}", stderr(&insight));
    let json = std::fs::read_to_string(dir.path().join("i/innsyn.json")).unwrap();
    assert!(json.contains("Avgjort av: Dr. Kari Nordmann"), "{json}");
    // In the HTML report the explanation is text she can read, not only a JSON record.
    let html = std::fs::read_to_string(dir.path().join("i/innsyn.html")).unwrap();
    assert!(html.contains("<p>Avgjort av: Dr. Kari Nordmann"), "{html}");
    // The algorithm register lists S1–S7, with S6's live figures and the commands for the rest.
    let reg = mulighetsrom(dir.path(), &["oversight", "register", "--out", "r"]);
    assert_eq!(reg.status.code(), Some(0), "{}", stderr(&reg));
    let register: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/register.json")).unwrap())
            .unwrap();
    let entries = register["entries"].as_array().unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]);
    let s6 = &entries[5];
    assert_eq!(
        s6["measurements"][0]["measurement"]["people_affected"],
        assessed
    );
    assert_eq!(s6["measurements"][0]["stale"], false);
    assert!(s6["fria"]["required"].as_bool().unwrap());
    assert!(entries[6]["missing_measurements"][0]
        .as_str()
        .unwrap()
        .contains("oversight audit S7"));
    let html = std::fs::read_to_string(dir.path().join("r/register.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"nb\">"));
    assert!(html.contains("FRIA (AI Act art. 27)"));
}

#[test]
fn screening_simulate_compares_the_workflows_and_records_s4s_measurement() {
    let dir = tempfile::tempdir().unwrap();
    let empty = mulighetsrom(dir.path(), &["screening", "simulate"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("is empty"), "{}", stderr(&empty));
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "1103", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    let out = mulighetsrom(
        dir.path(),
        &["screening", "simulate", "--replicates", "5", "--out", "sim"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for label in [
        "Uavhengig dobbeltlesing / independent double reading",
        "KI-triage",
        "Autonom utelukking / autonomous rule-out",
        "scores 1–5 negative, 6–10 double read",
        "Larsen et al., Eur Radiol 2022",
    ] {
        assert!(text.contains(label), "{label}: {text}");
    }
    for f in ["report.txt", "report.json", "chart.svg"] {
        assert!(dir.path().join("sim").join(f).exists(), "{f}");
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("sim/report.json")).unwrap())
            .unwrap();
    let workflows = report["workflows"].as_array().unwrap();
    assert_eq!(workflows.len(), 6);
    assert_eq!(workflows[0]["workflow"], "double");
    let figure = |i: usize, key: &str| workflows[i]["figures"][key]["mean"].as_f64().unwrap();
    let recall = figure(0, "recall_pct");
    assert!((2.7..=3.8).contains(&recall), "baseline recall {recall}");
    let detection = figure(0, "detection_per_1000");
    assert!(
        (4.5..=7.5).contains(&detection),
        "baseline detection {detection}"
    );
    // Triage at score 10 single-reads scores 1–9 (≈ 90 % of exams): ≈ 45 % of reads saved.
    assert_eq!(workflows[1]["workflow"], "triage");
    let saved = figure(1, "reads_saved_pct");
    assert!((43.0..=47.0).contains(&saved), "triage saved {saved}");
    let invited = report["invited"].as_u64().unwrap();
    assert!(invited > 1000, "{invited}");
    let svg = std::fs::read_to_string(dir.path().join("sim/chart.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("<title") && svg.trim_end().ends_with("</svg>")
    );
    assert_eq!(
        svg.matches("<circle").count(),
        12,
        "six points and six legend marks"
    );

    // The run is S4's latest measurement, from the registers it read.
    let measurement: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("data/measurements/S4.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(measurement["service"], "S4");
    assert_eq!(measurement["people_affected"].as_u64(), Some(invited));
    assert!(measurement["data_version"]
        .as_str()
        .unwrap()
        .starts_with("store-"));
    let keys: Vec<&str> = measurement["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    for key in [
        "detection_per_1000",
        "recall_pct",
        "interval_per_1000",
        "reads_saved_pct",
    ] {
        assert!(keys.contains(&key), "{key}: {keys:?}");
    }

    // One workflow with its own threshold; bad thresholds are refused with a clear message.
    let one = mulighetsrom(
        dir.path(),
        &[
            "screening",
            "simulate",
            "--workflow",
            "rule-out",
            "--threshold",
            "rate:0.5",
            "--replicates",
            "2",
            "--out",
            "one",
        ],
    );
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("one/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["workflows"].as_array().unwrap().len(), 2);
    assert_eq!(report["measured_workflow"], "rule-out");
    let saved = report["workflows"][1]["figures"]["reads_saved_pct"]["mean"]
        .as_f64()
        .unwrap();
    assert!((saved - 50.0).abs() < 0.1, "{saved}");
    for (threshold, message) in [
        ("score:0", "outside the AI score scale 1–10"),
        ("score:11", "outside the AI score scale 1–10"),
        ("rate:1.5", "strictly between 0 and 1"),
        ("half", "score:N"),
    ] {
        let bad = mulighetsrom(
            dir.path(),
            &[
                "screening",
                "simulate",
                "--workflow",
                "triage",
                "--threshold",
                threshold,
            ],
        );
        assert_eq!(bad.status.code(), Some(2), "{threshold}");
        assert!(stderr(&bad).contains(message), "{}", stderr(&bad));
    }
}

#[test]
fn prevention_campaign_needs_consents_respects_them_and_flags_sludge() {
    let dir = tempfile::tempdir().unwrap();
    // Kvinnherad, about 13 000 residents: some 1 600 women aged 50–69.
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "4617", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    let campaign = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "prevention",
            "campaign",
            "--target",
            "all-invited",
            "--seed",
            "7",
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        mulighetsrom(dir.path(), &args)
    };
    // S5 reads on consent: without any, nobody is delivered, and the error says what to do.
    let none = campaign("c0", &["--variants", "sms"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("prevention consent --simulate"),
        "{}",
        stderr(&none)
    );

    let consent = mulighetsrom(
        dir.path(),
        &[
            "prevention",
            "consent",
            "--simulate",
            "0.6",
            "--withdraw",
            "0.1",
            "--seed",
            "7",
        ],
    );
    assert_eq!(consent.status.code(), Some(0), "{}", stderr(&consent));
    assert!(stdout(&consent).contains("SYNTETISKE SAMTYKKER"));

    let run = campaign(
        "c1",
        &["--variants", "sms,prebooked,confirm", "--simulate-results"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let report = std::fs::read_to_string(dir.path().join("c1/report.txt")).unwrap();
    for needle in [
        "ALVORLIG/SERIOUS] Sludge (confirm)",
        "Kerrison et al., Br J Cancer 2015",
        "Goossens et al.",
        "SIMULERT",
        "Newcombe",
        "seed 7",
    ] {
        assert!(report.contains(needle), "{needle}: {report}");
    }
    // Those who withdrew are counted in the consent register and were never delivered.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("c1/report.json")).unwrap())
            .unwrap();
    let withdrawn = json["consent_register"]["withdrawn"].as_u64().unwrap();
    let valid = json["consent_register"]["valid"].as_u64().unwrap();
    assert!(withdrawn > 0 && valid > withdrawn, "{json}");
    assert_eq!(json["delivered_by_access_layer"].as_u64(), Some(valid));
    let csv = std::fs::read_to_string(dir.path().join("c1/allocation.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("pseudonym,stratum,arm,phone_on_record,phone_simulated,reached,attended_simulated")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows.len() as u64,
        valid,
        "every consenting woman allocated once"
    );
    assert!(
        rows.iter().all(|r| r
            .split(',')
            .all(|f| !(f.len() == 11 && f.bytes().all(|b| b.is_ascii_digit())))),
        "no national identity numbers in the allocation"
    );
    assert!(std::fs::read_to_string(dir.path().join("c1/chart.svg"))
        .unwrap()
        .contains("<title"));
    let measurement: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("data/measurements/S5.json")).unwrap(),
    )
    .unwrap();
    let figures = measurement["figures"].as_array().unwrap();
    let confirm = figures
        .iter()
        .find(|f| f["key"] == "uplift_itt_confirm")
        .expect("the sludge arm's uplift is recorded");
    assert!(confirm["ci95"].is_array());
    assert!(measurement["people_affected"].as_u64().unwrap() > 0);

    // The same seed gives the same allocation.
    let again = campaign(
        "c2",
        &["--variants", "sms,prebooked,confirm", "--simulate-results"],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        csv,
        std::fs::read_to_string(dir.path().join("c2/allocation.csv")).unwrap()
    );

    // No control group is allowed but flagged; unknown variants and bad shares are refused.
    let bare = campaign("c3", &["--variants", "sms", "--no-control"]);
    assert_eq!(bare.status.code(), Some(0), "{}", stderr(&bare));
    assert!(
        stdout(&bare).contains("NoControlGroup"),
        "{}",
        stdout(&bare)
    );
    let unknown = campaign("c4", &["--variants", "sms,fax"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown message variant \"fax\""),
        "{}",
        stderr(&unknown)
    );
    let share = campaign("c5", &["--control-share", "1.5"]);
    assert_eq!(share.status.code(), Some(2));
    assert!(
        stderr(&share).contains("control share"),
        "{}",
        stderr(&share)
    );
}

/// Issue #5's done-when: after every service has run once, one command generates the algorithm
/// register listing S1–S7, each with live figures measured on the stored registers.
#[test]
fn the_algorithm_register_has_live_figures_for_every_service() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = mulighetsrom(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        out
    };
    run(&["generate", "--municipality", "1103", "--seed", "7"]);
    run(&[
        "kindergarten",
        "decide",
        "--municipality",
        "1103",
        "--month",
        "2024-03",
    ]);
    run(&[
        "kindergarten",
        "compare-s2",
        "--municipality",
        "1103",
        "--month",
        "2024-03",
    ]);
    // A rota that is not yet legal after the time limit exits 1 but is a measured run too.
    let rota = mulighetsrom(
        dir.path(),
        &["roster", "plan", "--municipality", "1103", "--seconds", "2"],
    );
    assert!(
        matches!(rota.status.code(), Some(0 | 1)),
        "{}",
        stderr(&rota)
    );
    run(&["screening", "simulate", "--replicates", "2"]);
    run(&["screening", "evaluate-model", "--folds", "5"]);
    run(&["prevention", "consent", "--simulate", "0.6", "--seed", "7"]);
    run(&[
        "prevention",
        "campaign",
        "--variants",
        "sms,prebooked",
        "--seed",
        "7",
        "--simulate-results",
    ]);
    run(&["risk", "followup"]);
    run(&["oversight", "audit", "S7"]);
    run(&["oversight", "audit", "S6"]);
    run(&["oversight", "audit", "S4"]);
    let out = run(&["oversight", "register", "--out", "r"]);
    assert!(!stdout(&out).contains("missing"), "{}", stdout(&out));
    let register: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/register.json")).unwrap())
            .unwrap();
    let entries = register["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 7);
    let version = std::fs::read_to_string(dir.path().join("data/CURRENT")).unwrap();
    for e in entries {
        let id = e["id"].as_str().unwrap();
        let measured = e["measurements"].as_array().unwrap();
        assert!(!measured.is_empty(), "{id} has no measurement");
        for m in measured {
            assert_eq!(m["stale"], false, "{id}");
            assert!(
                !m["measurement"]["figures"].as_array().unwrap().is_empty(),
                "{id}"
            );
            if let Some(v) = m["measurement"]["data_version"].as_str() {
                assert!(v.starts_with(version.trim()), "{id}: {v} vs {version}");
            }
        }
        assert!(
            e["missing_measurements"].as_array().unwrap().is_empty(),
            "{id}"
        );
    }
    // S4 and S7 have model cards; S4's from the real Wisconsin data.
    assert!(entries[3]["model_card"]["training_data"]
        .as_str()
        .unwrap()
        .contains("Wisconsin"));
    assert!(entries[6]["model_card"].is_object());
}

/// `demo --no-serve`: one command generates a municipality, runs every service once and records
/// every service's figures; a rerun finds the population and runs the services on it again.
#[test]
fn demo_runs_every_service_once_on_a_fresh_store() {
    let dir = tempfile::tempdir().unwrap();
    let out = mulighetsrom(
        dir.path(),
        &["demo", "--municipality", "1103", "--no-serve"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("✓ [1/13] Registre / registers: generate"),
        "{text}"
    );
    assert!(text.contains("✓ [13/13] Algoritmeregisteret"), "{text}");
    for id in ["S1", "S2", "S3", "S4", "S5", "S6", "S7"] {
        assert!(
            dir.path()
                .join(format!("data/measurements/{id}.json"))
                .exists(),
            "{id}"
        );
    }
    assert!(dir
        .path()
        .join("data/demo/algorithm-register/register.html")
        .exists());
    // A second run uses the stored population (remembered municipality): no generation, and
    // the synthetic consents are already there.
    let again = mulighetsrom(dir.path(), &["demo", "--no-serve"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).contains("✓ [11/11]"), "{}", stdout(&again));
}

/// A population the demo did not make: it asks which municipality, adds synthetic S5 consents,
/// and a service that cannot run on a small municipality is reported while the others run.
#[test]
fn demo_on_a_small_foreign_population_reports_what_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "4611", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    let unnamed = mulighetsrom(dir.path(), &["demo", "--no-serve"]);
    assert_eq!(unnamed.status.code(), Some(2));
    assert!(
        stderr(&unnamed).contains("--municipality K"),
        "{}",
        stderr(&unnamed)
    );
    let out = mulighetsrom(
        dir.path(),
        &["demo", "--municipality", "4611", "--no-serve"],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("✓ [1/12] S5: syntetiske samtykker"), "{text}");
    assert!(text.contains("✓ [7/12] S5: kampanje"), "{text}");
    assert!(text.contains("could not run on this population"), "{text}");
    assert!(text.contains("✓ [12/12] Algoritmeregisteret"), "{text}");
}

/// The staff pages have no login of their own: `serve --staff-pages` refuses any address that is
/// not a loopback address, before it opens anything.
#[test]
fn serve_refuses_staff_pages_on_a_public_address() {
    let dir = tempfile::tempdir().unwrap();
    let gen = mulighetsrom(
        dir.path(),
        &["generate", "--municipality", "4611", "--seed", "7"],
    );
    assert_eq!(gen.status.code(), Some(0), "{}", stderr(&gen));
    let out = mulighetsrom(
        dir.path(),
        &["serve", "--staff-pages", "--addr", "0.0.0.0:0"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("only allowed on a loopback address"),
        "{}",
        stderr(&out)
    );
}
