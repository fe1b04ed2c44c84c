//! The built-in client's commands for notes: `codify suggest FILE|-` (SuggestCodes on a
//! server), and the in-process evaluations `codify eval-suggest DIR` (CodiEsp layout) and
//! `codify eval-negation FILE` (NegEx test-kit layout).

use std::io::Read;
use std::path::PathBuf;

use clap::Args;

use super::{connect, status_text, ClientArgs};
use crate::grpc::proto;

/// `codify suggest`.
#[derive(Debug, Clone, Args)]
pub struct SuggestArgs {
    /// The note: a file, or `-` for standard input.
    pub file: String,
    /// Date of service (YYYY-MM-DD); today when omitted.
    #[arg(long, default_value = "")]
    pub dos: String,
    /// Most suggestions.
    #[arg(long, default_value_t = 20)]
    pub max: i32,
    /// Also show the mentions that are not codable (negated, possible, family...).
    #[arg(long)]
    pub all: bool,
    /// Code systems to suggest from, comma-separated: icd10cm, icd10pcs, cpt, hcpcs (ICD-10-CM
    /// when omitted).
    #[arg(long, value_delimiter = ',')]
    pub systems: Vec<String>,
    /// Server.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// `codify eval-suggest`.
#[derive(Debug, Clone, Args)]
pub struct EvalSuggestArgs {
    /// A split in the CodiEsp layout (`text_files_en/`, `{split}D.tsv`), e.g. data/codiesp/dev.
    pub dir: PathBuf,
    /// Release manifest to load.
    #[arg(long, env = "CODIFY_RELEASES", default_value = "data/releases.json")]
    pub releases: PathBuf,
    /// Date whose ICD-10-CM release codes the notes.
    #[arg(long, default_value = "2026-06-01")]
    pub as_of: String,
}

/// `codify eval-negation`.
#[derive(Debug, Clone, Args)]
pub struct EvalNegationArgs {
    /// Annotations in the NegEx test-kit layout (`number<TAB>phrase<TAB>sentence<TAB>Negated|Affirmed`).
    #[arg(default_value = "data/negex/negex-annotations-dev.tsv")]
    pub file: PathBuf,
}

/// Sends a note to SuggestCodes and prints the suggestions with their evidence.
pub async fn suggest(args: SuggestArgs) -> Result<(), String> {
    let mut text = String::new();
    if args.file == "-" {
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        text = std::fs::read_to_string(&args.file).map_err(|e| format!("cannot read {}: {e}", args.file))?;
    }
    let systems = args
        .systems
        .iter()
        .map(|name| {
            let system: crate::codes::CodeSystem = name.parse().map_err(|e| format!("--systems: {e}"))?;
            Ok(crate::grpc::convert::system(system))
        })
        .collect::<Result<Vec<i32>, String>>()?;
    let mut client = connect(&args.client).await?;
    let request = proto::SuggestCodesRequest {
        text,
        systems,
        date_of_service: args.dos,
        max_suggestions: args.max,
        include_uncodable: args.all,
    };
    let response = client.suggest_codes(request).await.map_err(status_text)?.into_inner();
    for suggestion in &response.suggestions {
        let Some(code) = &suggestion.code else { continue };
        println!("{:<9} {:.2}  {}", code.code, suggestion.score, code.title);
        if !code.billable && code.system == proto::CodeSystem::Icd10pcs as i32 {
            println!("          partial code");
        }
        println!("          {}", describe(suggestion.assertion, &suggestion.section, &suggestion.triggers));
        let evidence: Vec<String> =
            suggestion.evidence.iter().map(|e| format!("\"{}\" [{}..{}]", e.text, e.start, e.end)).collect();
        println!("          evidence: {}", evidence.join(", "));
        if !suggestion.query_hint.is_empty() {
            println!("          {}", suggestion.query_hint);
        }
    }
    if response.suggestions.is_empty() {
        println!("no codes suggested");
    }
    for mention in &response.mentions {
        let Some(code) = &mention.code else { continue };
        let words: Vec<&str> = mention.evidence.iter().map(|e| e.text.as_str()).collect();
        println!(
            "not coded: {:<9} \"{}\" — {}",
            code.code,
            words.join(" "),
            describe(mention.assertion, &mention.section, &mention.triggers)
        );
    }
    Ok(())
}

fn describe(assertion: i32, section: &str, triggers: &[proto::Evidence]) -> String {
    let name = proto::Assertion::try_from(assertion)
        .map(|a| a.as_str_name().trim_start_matches("ASSERTION_").to_ascii_lowercase())
        .unwrap_or_else(|_| "unknown".to_string());
    let mut text = name;
    if !triggers.is_empty() {
        let words: Vec<String> = triggers.iter().map(|t| format!("\"{}\"", t.text)).collect();
        text.push_str(&format!(" (by {})", words.join(", ")));
    }
    if !section.is_empty() {
        text.push_str(&format!(", in {section}"));
    }
    text
}

/// Scores the suggester on a CodiEsp split, in-process.
pub fn eval_suggest(args: EvalSuggestArgs) -> Result<(), String> {
    let as_of = crate::codes::Date::parse(&args.as_of).map_err(|e| e.to_string())?;
    let engine = crate::engine::Engine::load(&args.releases, None).map_err(|e| e.to_string())?;
    let suggester = engine.suggester(as_of).ok_or_else(|| format!("no ICD-10-CM release is in force on {as_of}"))?;
    let documents = crate::suggest::codiesp::read_split(&args.dir).map_err(|e| e.to_string())?;
    let report = crate::suggest::codiesp::evaluate_documents(&documents, suggester);
    println!("{report}");
    // The service's path: assertion applied (negated, possible, hypothetical and a relative's
    // mentions not coded; history only as history codes).
    let asserted = crate::suggest::codiesp::evaluate_ranked(&documents, |text| {
        let coding = crate::notes::code_note(suggester, text, crate::suggest::codiesp::MAX_RANKED, false);
        coding.suggestions.into_iter().map(|suggestion| suggestion.code).collect()
    });
    println!("with assertion (as SuggestCodes answers): MAP {:.3}", asserted.map);
    if let Some(at) = asserted.at.iter().find(|at| at.k == 10) {
        println!("with assertion: P/R/F1 @10 {:.3} / {:.3} / {:.3}", at.precision, at.recall, at.f1);
    }
    Ok(())
}

/// Scores negation on a NegEx-layout file.
pub fn eval_negation(args: EvalNegationArgs) -> Result<(), String> {
    let report = crate::text::evaluate_negation(&args.file).map_err(|e| e.to_string())?;
    println!("{report}");
    Ok(())
}
