//! Explanation trees: every decision says which rule, which legal text, which inputs (with their
//! register provenance) and which parameter values produced it.

use crate::parameters::ParameterUse;
use crate::value::Value;
use chrono::NaiveDate;
use serde::Serialize;

/// The period an input fact describes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// An income year of a tax assessment.
    IncomeYear(i32),
    /// A calendar month (`year`, `month`).
    Month {
        /// Calendar year.
        year: i32,
        /// Month 1–12.
        month: u32,
    },
    /// A kindergarten year (barnehageår) starting 1 August of this year.
    BarnehageYear(i32),
    /// A single day (the state of the register on that date).
    Day(NaiveDate),
}

/// Where an input fact comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The register (or `case_file` for facts handed in by a caller).
    pub register: String,
    /// Which record: table and key, or the field of a case file.
    pub record: String,
    /// The period the record describes, if it is about one.
    pub period: Option<Period>,
}

impl Provenance {
    /// Provenance of a fact from a register record.
    pub fn register(register: &str, record: impl Into<String>, period: Option<Period>) -> Self {
        Provenance {
            register: register.to_string(),
            record: record.into(),
            period,
        }
    }
}

/// One input fact of a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Input {
    /// What the fact is (`household_income`).
    pub name: String,
    /// Its value.
    pub value: Value,
    /// Where it comes from; several records when it is a sum (household income of two adults).
    pub provenance: Vec<Provenance>,
}

impl Input {
    /// An input with its provenance.
    pub fn new(name: &str, value: impl Into<Value>, provenance: Vec<Provenance>) -> Input {
        Input {
            name: name.to_string(),
            value: value.into(),
            provenance,
        }
    }

    /// An input derived by another rule of the same explanation (no register provenance).
    pub fn derived(name: &str, value: impl Into<Value>) -> Input {
        Input::new(name, value, Vec::new())
    }
}

/// A node of the explanation tree: one rule applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The rule's id (`kindergarten.income_cap`).
    pub rule: String,
    /// The legal text it implements (regulation and §, with URL or ELI).
    pub legal_reference: String,
    /// A sentence saying what the rule did here, for people to read.
    pub summary: String,
    /// The facts it read.
    pub inputs: Vec<Input>,
    /// The parameter values it used.
    pub parameters_used: Vec<ParameterUse>,
    /// What it produced.
    pub result: Value,
    /// The rules it built on.
    pub children: Vec<Explanation>,
}

impl Explanation {
    /// A node without inputs, parameters or children yet.
    pub fn new(rule: &str, legal_reference: &str, result: impl Into<Value>) -> Explanation {
        Explanation {
            rule: rule.to_string(),
            legal_reference: legal_reference.to_string(),
            summary: String::new(),
            inputs: Vec::new(),
            parameters_used: Vec::new(),
            result: result.into(),
            children: Vec::new(),
        }
    }

    /// Sets the summary.
    pub fn summary(mut self, summary: impl Into<String>) -> Explanation {
        self.summary = summary.into();
        self
    }

    /// Adds an input.
    pub fn input(mut self, input: Input) -> Explanation {
        self.inputs.push(input);
        self
    }

    /// Adds a parameter use.
    pub fn parameter(mut self, used: &ParameterUse) -> Explanation {
        self.parameters_used.push(used.clone());
        self
    }

    /// Adds a child node.
    pub fn child(mut self, child: Explanation) -> Explanation {
        self.children.push(child);
        self
    }

    /// Every parameter use in this node and below, depth first.
    pub fn all_parameters(&self) -> Vec<&ParameterUse> {
        let mut out: Vec<&ParameterUse> = self.parameters_used.iter().collect();
        for child in &self.children {
            out.extend(child.all_parameters());
        }
        out
    }

    /// The first node (depth first) with this rule id.
    pub fn find(&self, rule: &str) -> Option<&Explanation> {
        if self.rule == rule {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(rule))
    }
}
