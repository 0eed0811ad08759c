//! `mulighetsrom validate-id`: check identity and organisation numbers.

use crate::Outcome;
use identity::{CheckDigitRule, NationalId, OrgNumber, SyntheticMarker};

/// Arguments of `validate-id`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Numbers to check: 11 digits for persons (fødselsnummer, D-, H-, FH-number), 9 digits for
    /// organisations. Exit code 1 if any is invalid.
    #[arg(required = true, value_name = "NUMBER")]
    numbers: Vec<String>,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut all_valid = true;
    for raw in &args.numbers {
        let digits = raw.trim();
        if digits.len() == 9 {
            match OrgNumber::parse(digits) {
                Ok(o) => println!("{digits}: valid organisasjonsnummer {o}"),
                Err(e) => {
                    all_valid = false;
                    println!("{digits}: invalid organisasjonsnummer: {e}");
                }
            }
            continue;
        }
        match NationalId::parse(digits) {
            Ok(id) => {
                let mut facts = vec![format!("{}", id.kind())];
                match id.synthetic() {
                    SyntheticMarker::Tenor => {
                        facts.push("synthetic test number (month + 80)".into())
                    }
                    SyntheticMarker::NavDolly => {
                        facts.push("possibly a NAV/Dolly test number (month + 40)".into())
                    }
                    SyntheticMarker::None => {}
                }
                match id.check_digit_rule() {
                    CheckDigitRule::Classic => facts.push("classic check digits".into()),
                    CheckDigitRule::Rule2032 { remainder } => facts.push(format!(
                        "first check digit under the 2032 rule (remainder {remainder}): sex and century are not encoded"
                    )),
                }
                if let Some(d) = id.encoded_birth_date() {
                    facts.push(format!("born {d}"));
                }
                if let Some(s) = id.encoded_sex() {
                    facts.push(format!("{s}"));
                }
                println!("{digits}: valid, {}", facts.join(", "));
            }
            Err(e) => {
                all_valid = false;
                println!("{digits}: invalid: {e}");
            }
        }
    }
    Ok(if all_valid {
        Outcome::Success
    } else {
        Outcome::Invalid
    })
}
