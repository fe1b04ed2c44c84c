//! Claim rules: the data and checks a claim is edited against, starting with the CMS
//! Medicare Code Editor (MCE). Rule sets are data with a version, loaded by
//! [`loaders`](crate::loaders) like a code-set release; the checks are pure functions that
//! name the rule and the data row behind every finding. Knows nothing of gRPC.

pub mod claim;
pub mod code_refs;
pub mod code_table;
pub mod edits;
pub mod flag;
pub mod hcc;
pub mod mce;
pub mod ncci;
pub mod tabular;

pub use code_table::{CodeTable, CodeTableBuilder, EntryError, MceEntry};
pub use edits::{check_diagnosis, check_procedure, DiagnosisPosition, FindingKind, MceFinding, Patient, Sex};
pub use flag::Flag;
pub use mce::{AgeRange, DischargeStatus, MceRules};
