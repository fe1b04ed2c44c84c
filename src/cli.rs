//! The built-in client: `codify search|get|validate|children|releases|check|index|suggest`,
//! printing plain text, and the in-process evaluations.

pub mod notes;

use std::process::ExitCode;

use clap::Args;
use tonic::transport::Channel;

use crate::codes::CodeSystem;
use crate::config::Command;
use crate::grpc::convert;
use crate::grpc::proto::code_service_client::CodeServiceClient;
use crate::grpc::proto::{self};

/// Where the server is.
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// Server address.
    #[arg(long, env = "CODIFY_ADDR", default_value = "http://127.0.0.1:50051")]
    pub addr: String,
}

/// `codify search`.
#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    /// What to search for.
    pub query: String,
    /// Restrict to a system (icd10cm, hcpcs, cpt, icd10pcs); repeatable.
    #[arg(long = "system")]
    pub systems: Vec<String>,
    /// Only billable codes.
    #[arg(long)]
    pub billable_only: bool,
    /// Date the codes must be in force on (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    pub as_of: String,
    /// Results to show.
    #[arg(long, default_value_t = 10)]
    pub page_size: i32,
    /// Server.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `codify get`.
#[derive(Debug, Clone, Args)]
pub struct GetArgs {
    /// The code, dotted or undotted.
    pub code: String,
    /// The system, when the code exists in several.
    #[arg(long)]
    pub system: Option<String>,
    /// Date to answer for (YYYY-MM-DD).
    #[arg(long, default_value = "")]
    pub as_of: String,
    /// Server.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `codify validate`.
#[derive(Debug, Clone, Args)]
pub struct ValidateArgs {
    /// Items as `system:code` or `system:code@YYYY-MM-DD`.
    #[arg(required = true)]
    pub items: Vec<String>,
    /// Server.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `codify children`.
#[derive(Debug, Clone, Args)]
pub struct ChildrenArgs {
    /// The system.
    pub system: String,
    /// Node id or code; omit for the top level.
    pub parent: Option<String>,
    /// Server.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `codify eval`.
#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// Judged query file (`query<TAB>system<TAB>expected_code<TAB>class`).
    #[arg(default_value = "data/search/eval-queries.tsv")]
    pub file: std::path::PathBuf,
    /// Release manifest to load.
    #[arg(long, env = "CODIFY_RELEASES", default_value = "data/releases.json")]
    pub releases: std::path::PathBuf,
    /// Date to search as of.
    #[arg(long, default_value = "2026-06-01")]
    pub as_of: String,
    /// Runs the set this many times (for profiling); figures come from every run.
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
}

/// Arguments of `codify index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Main term and modifiers, as a coder reads the Alphabetic Index: `fracture femur neck`.
    pub query: Vec<String>,
    /// List the subterms of this entry id (the `[id]` of an earlier answer) instead of looking up.
    #[arg(long)]
    pub children: Option<String>,
    /// Date of service (YYYY-MM-DD); today when omitted.
    #[arg(long, default_value = "")]
    pub as_of: String,
    /// Entries to show.
    #[arg(long, default_value_t = 10)]
    pub page_size: i32,
    /// Server.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Arguments of `codify check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Diagnoses in claim order (the first is the principal / first-listed one).
    pub diagnoses: Vec<String>,
    /// Claim type: professional, outpatient or inpatient.
    #[arg(long = "type", default_value = "professional")]
    pub claim_type: String,
    /// Date of service (YYYY-MM-DD).
    #[arg(long)]
    pub dos: String,
    /// Patient age in years.
    #[arg(long)]
    pub age: Option<i32>,
    /// Patient sex: female, male or unknown.
    #[arg(long)]
    pub sex: Option<String>,
    /// Service lines: `system:code[-modifier...][*units]`, e.g. `cpt:99213-25*1`.
    #[arg(long = "line")]
    pub lines: Vec<String>,
    /// ICD-10-PCS procedures (inpatient).
    #[arg(long = "procedure")]
    pub procedures: Vec<String>,
    /// Server.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Runs a client command and prints its answer.
pub async fn run(command: Command) -> ExitCode {
    match execute(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("codify: {message}");
            ExitCode::FAILURE
        }
    }
}

fn system_value(text: &str) -> Result<i32, String> {
    let system: CodeSystem = text.parse().map_err(|e: crate::codes::UnknownSystem| e.to_string())?;
    Ok(convert::system(system))
}

async fn connect(args: &ClientArgs) -> Result<CodeServiceClient<Channel>, String> {
    CodeServiceClient::connect(args.addr.clone()).await.map_err(|e| format!("cannot connect to {}: {e}", args.addr))
}

fn status_text(status: tonic::Status) -> String {
    use tonic_types::StatusExt;
    let mut text = format!("{:?}: {}", status.code(), status.message());
    if let Some(bad_request) = status.get_details_bad_request() {
        for violation in bad_request.field_violations {
            text.push_str(&format!("\n  {}: {}", violation.field, violation.description));
        }
    }
    text
}

async fn execute(command: Command) -> Result<(), String> {
    match command {
        Command::Serve(_) => Err("serve is not a client command".to_string()),
        Command::Eval(args) => {
            let as_of = crate::codes::Date::parse(&args.as_of).map_err(|e| e.to_string())?;
            let queries = crate::eval::read_queries(&args.file).map_err(|e| e.to_string())?;
            let engine = crate::engine::Engine::load(&args.releases, None).map_err(|e| e.to_string())?;
            let mut report = crate::eval::evaluate(&engine, &queries, as_of).map_err(|e| e.to_string())?;
            for _ in 1..args.repeat {
                let again = crate::eval::evaluate(&engine, &queries, as_of).map_err(|e| e.to_string())?;
                report.absorb_latencies(again);
            }
            print!("{}", report.render());
            Ok(())
        }
        Command::Search(args) => {
            let systems = args.systems.iter().map(|s| system_value(s)).collect::<Result<Vec<_>, _>>()?;
            let mut client = connect(&args.client).await?;
            let request = proto::SearchCodesRequest {
                query: args.query.clone(),
                systems,
                billable_only: args.billable_only,
                as_of: args.as_of.clone(),
                page_size: args.page_size,
                ..Default::default()
            };
            let response = client.search_codes(request).await.map_err(status_text)?.into_inner();
            println!("{} results as of {}", response.total_size, response.as_of);
            for result in response.results {
                let Some(code) = result.code else { continue };
                let billable = if code.billable { "" } else { " (header)" };
                println!("{:<8} {:<8} {}{billable}", system_label(code.system), code.code, code.title);
            }
            Ok(())
        }
        Command::Get(args) => {
            let system = args.system.as_deref().map(system_value).transpose()?.unwrap_or(0);
            let mut client = connect(&args.client).await?;
            let request = proto::GetCodeRequest { system, code: args.code.clone(), as_of: args.as_of.clone() };
            let response = client.get_code(request).await.map_err(status_text)?.into_inner();
            let code = response.code.ok_or("empty response")?;
            let summary = code.summary.clone().unwrap_or_default();
            let status = proto::CodeStatus::try_from(code.status).map_or("unknown", |s| s.as_str_name());
            println!("{} {} — {}", system_label(summary.system), summary.code, summary.title);
            println!("  status:   {status} as of {} (release {})", code.as_of, summary.release_version);
            println!("  billable: {}", summary.billable);
            if !summary.short_title.is_empty() {
                println!("  short:    {}", summary.short_title);
            }
            let path: Vec<String> = code.path.iter().map(|step| format!("{} {}", step.id, step.title)).collect();
            if !path.is_empty() {
                println!("  path:     {}", path.join(" > "));
            }
            for descriptor in &code.descriptors {
                let kind = proto::DescriptorType::try_from(descriptor.r#type).map_or("descriptor", |t| t.as_str_name());
                println!("  {kind}: {}", descriptor.text);
            }
            for note in &code.notes {
                let kind = proto::NoteType::try_from(note.r#type).map_or("note", |t| t.as_str_name());
                println!("  {kind} ({}): {}", note.source, note.text);
            }
            if !code.termination_date.is_empty() {
                println!("  last day: {}", code.termination_date);
            }
            if !code.replacements.is_empty() {
                println!("  replaced by: {}", code.replacements.join(", "));
            }
            if !code.child_codes.is_empty() {
                println!("  children: {}", code.child_codes.join(", "));
            }
            for axis in &code.pcs_axes {
                let definition =
                    if axis.definition.is_empty() { String::new() } else { format!(" — {}", axis.definition) };
                println!("  axis {} {}: {} {}{definition}", axis.position, axis.name, axis.value, axis.label);
            }
            for hcc in &code.hccs {
                println!("  hcc:      {} HCC {} {} (PY{})", hcc.model, hcc.hcc, hcc.label, hcc.payment_year);
            }
            Ok(())
        }
        Command::Validate(args) => {
            let mut items = Vec::with_capacity(args.items.len());
            for item in &args.items {
                let (system, rest) = item.split_once(':').ok_or(format!("{item:?}: use system:code[@date]"))?;
                let (code, date) = rest.split_once('@').unwrap_or((rest, ""));
                items.push(proto::ValidationItem {
                    system: system_value(system)?,
                    code: code.to_string(),
                    date_of_service: date.to_string(),
                });
            }
            let mut client = connect(&args.client).await?;
            let response =
                client.validate_codes(proto::ValidateCodesRequest { items }).await.map_err(status_text)?.into_inner();
            for (item, result) in args.items.iter().zip(response.results) {
                let verdict = if result.valid { "valid" } else { "INVALID" };
                println!("{item:<28} {verdict:<8} {}", result.message);
            }
            Ok(())
        }
        Command::Children(args) => {
            let mut client = connect(&args.client).await?;
            let request = proto::ListChildrenRequest {
                system: system_value(&args.system)?,
                parent: args.parent.clone().unwrap_or_default(),
                page_size: 1000,
                ..Default::default()
            };
            let response = client.list_children(request).await.map_err(status_text)?.into_inner();
            for child in response.children {
                let more = if child.has_children { " >" } else { "" };
                println!("{:<24} {}{more}", child.id, child.title);
            }
            Ok(())
        }
        Command::Index(args) => index(args).await,
        Command::Check(args) => check(args).await,
        Command::Suggest(args) => notes::suggest(args).await,
        Command::EvalSuggest(args) => notes::eval_suggest(args),
        Command::EvalNegation(args) => notes::eval_negation(args),
        Command::Releases(args) => {
            let mut client = connect(&args).await?;
            let response =
                client.list_releases(proto::ListReleasesRequest::default()).await.map_err(status_text)?.into_inner();
            for release in response.releases {
                let to = if release.effective_to.is_empty() { "…".to_string() } else { release.effective_to };
                println!(
                    "{:<8} {:<12} {} to {:<10} {:>6} codes ({} billable)",
                    system_label(release.system),
                    release.version,
                    release.effective_from,
                    to,
                    release.code_count,
                    release.billable_count
                );
            }
            for set in response.data_sets {
                let to = if set.effective_to.is_empty() { "…".to_string() } else { set.effective_to };
                println!(
                    "{:<8} {:<12} {} to {:<10} {:>6} entries ({})",
                    system_label(set.system),
                    set.version,
                    set.effective_from,
                    to,
                    set.entry_count,
                    set.name
                );
            }
            Ok(())
        }
    }
}

async fn check(args: CheckArgs) -> Result<(), String> {
    let claim_type = match args.claim_type.to_ascii_lowercase().as_str() {
        "professional" => proto::ClaimType::Professional,
        "outpatient" => proto::ClaimType::InstitutionalOutpatient,
        "inpatient" => proto::ClaimType::InstitutionalInpatient,
        other => return Err(format!("unknown claim type {other:?} (professional, outpatient, inpatient)")),
    };
    let sex = match args.sex.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => proto::Sex::Unspecified,
        Some("female" | "f") => proto::Sex::Female,
        Some("male" | "m") => proto::Sex::Male,
        Some(_) => proto::Sex::Unknown,
    };
    let mut lines = Vec::with_capacity(args.lines.len());
    for line in &args.lines {
        let (system, rest) = line.split_once(':').ok_or(format!("{line:?}: use system:code[-modifier][*units]"))?;
        let (code_part, units) = rest.split_once('*').unwrap_or((rest, "1"));
        let mut parts = code_part.split('-');
        let code = parts.next().unwrap_or_default().to_string();
        lines.push(proto::ServiceLine {
            system: system_value(system)?,
            code,
            modifiers: parts.map(str::to_string).collect(),
            units: units.parse().map_err(|_| format!("{line:?}: units must be a number"))?,
            ..Default::default()
        });
    }
    let request = proto::CheckClaimRequest {
        claim_type: claim_type as i32,
        date_of_service: args.dos.clone(),
        patient_age: args.age,
        patient_sex: sex as i32,
        diagnoses: args.diagnoses.clone(),
        lines,
        procedures: args.procedures.clone(),
        ..Default::default()
    };
    let mut client = connect(&args.client).await?;
    let response = client.check_claim(request).await.map_err(status_text)?.into_inner();
    let rule_sets: Vec<String> = response.rule_sets.iter().map(|r| format!("{} {}", r.name, r.version)).collect();
    println!("{} edits (rules: {})", response.edits.len(), rule_sets.join("; "));
    for unavailable in &response.rule_sets_unavailable {
        println!("  not applied: {} — {}", unavailable.name, unavailable.reason);
    }
    for edit in response.edits {
        let kind = proto::ClaimEditType::try_from(edit.r#type).map_or("?", |t| t.as_str_name());
        let severity = proto::EditSeverity::try_from(edit.severity).map_or("?", |s| s.as_str_name());
        let kind = kind.trim_start_matches("CLAIM_EDIT_TYPE_");
        let severity = severity.trim_start_matches("EDIT_SEVERITY_");
        println!("{severity:<8} {kind:<28} {:<24} {}", edit.positions.join(","), edit.message);
        if let Some(source) = edit.source {
            println!("         source: {} {} — {}", source.rule_set, source.version, source.text);
        }
    }
    for hcc in response.hccs {
        println!("HCC      {:<22} {:>4} {} ({})", hcc.model, hcc.hcc, hcc.label, hcc.diagnoses.join(", "));
    }
    Ok(())
}

async fn index(args: IndexArgs) -> Result<(), String> {
    let mut client = connect(&args.client).await?;
    let entries = match &args.children {
        Some(parent) => {
            let request = proto::ListIndexChildrenRequest {
                parent: parent.clone(),
                as_of: args.as_of.clone(),
                page_size: args.page_size,
                ..Default::default()
            };
            let response = client.list_index_children(request).await.map_err(status_text)?.into_inner();
            println!("{} entries (index {})", response.total_size, response.index_version);
            response.entries
        }
        None => {
            let request = proto::LookupIndexRequest {
                query: args.query.join(" "),
                as_of: args.as_of.clone(),
                page_size: args.page_size,
                ..Default::default()
            };
            let response = client.lookup_index(request).await.map_err(status_text)?.into_inner();
            println!(
                "{} entries (index {}, codes of ICD-10-CM {})",
                response.total_size, response.index_version, response.release_version
            );
            response.entries
        }
    };
    for entry in entries {
        let mut line = entry.path.join(" > ");
        if !entry.nonessential.is_empty() {
            line.push_str(&format!(" {}", entry.nonessential.join(" ")));
        }
        if !entry.column.is_empty() {
            line.push_str(&format!(" [{}]", entry.column));
        }
        if !entry.code.is_empty() {
            line.push_str(&format!("  {}", entry.code));
            if !entry.missing_characters.is_empty() {
                line.push_str(&format!(" (add the {})", entry.missing_characters));
            } else if !entry.code_title.is_empty() {
                line.push_str(&format!(" {}", entry.code_title));
            }
        }
        if !entry.see.is_empty() {
            line.push_str(&format!("  see {}", entry.see));
        }
        if !entry.see_also.is_empty() {
            line.push_str(&format!("  see also {}", entry.see_also));
        }
        if entry.has_children {
            line.push_str(&format!("  [{}] >", entry.id));
        }
        println!("{line}");
    }
    Ok(())
}

fn system_label(value: i32) -> &'static str {
    match proto::CodeSystem::try_from(value) {
        Ok(proto::CodeSystem::Icd10cm) => "ICD10CM",
        Ok(proto::CodeSystem::Hcpcs) => "HCPCS",
        Ok(proto::CodeSystem::Cpt) => "CPT",
        Ok(proto::CodeSystem::Icd10pcs) => "ICD10PCS",
        _ => "?",
    }
}
