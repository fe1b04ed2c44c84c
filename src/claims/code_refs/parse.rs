//! The grammar of one reference and of a `with` condition, as the FY2026 notes write them:
//! scopes (`E10.-`, `O10-O11`, `I01.0 -I01.9`, `M05.00 to M05.8A`, `F98.2.-F98.3`) and
//! character conditions (`.42`, `fifth character 1`, `fifth or sixth character 5`, ...).

use super::{is_category, Condition, Scope};

/// The characters of 7th characters that mean an open fracture, as the `<sevenChrDef>` of
/// S52 (the only category a note cites this way: `S52.- with open fracture 7th character`)
/// defines them: B, C (initial), E, F (routine healing), H, J (delayed), M, N (nonunion),
/// Q, R (malunion).
const OPEN_FRACTURE_SEVENTH: &str = "BCEFHJMNQR";

/// A token of a reference's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A code, undotted.
    Code(String),
    Dash,
    Dot,
    To,
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b' ' => at += 1,
            b'-' => {
                found.push(Token::Dash);
                at += 1;
            }
            b'.' => {
                found.push(Token::Dot);
                at += 1;
            }
            b't' if bytes.get(at..at + 3) == Some(b"to ".as_slice()) => {
                found.push(Token::To);
                at += 3;
            }
            _ => {
                if !bytes.get(at..at + 3).is_some_and(is_category) {
                    return None;
                }
                let mut code = String::from_utf8_lossy(&bytes[at..at + 3]).into_owned();
                at += 3;
                if bytes.get(at) == Some(&b'.') {
                    at += 1;
                    while let Some(&byte) = bytes.get(at).filter(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
                        code.push(char::from(byte));
                        at += 1;
                    }
                }
                found.push(Token::Code(code));
            }
        }
    }
    Some(found)
}

/// A code, a prefix or a range: `Code (Dot|Dash)* [(Dash|To)+ Code (Dot|Dash)*]`, where a
/// range needs a dash or `to` between its codes.
pub(super) fn parse_scope(text: &str) -> Option<Scope> {
    let found = tokens(text)?;
    let codes: Vec<(usize, &str)> = found
        .iter()
        .enumerate()
        .filter_map(|(at, token)| match token {
            Token::Code(code) => Some((at, code.as_str())),
            _ => None,
        })
        .collect();
    let only_marks = |from: usize| found[from..].iter().all(|token| matches!(token, Token::Dash | Token::Dot));
    match codes.as_slice() {
        [(0, code)] if only_marks(1) => Some(Scope::Stem((*code).into())),
        [(0, low), (second, high)] if only_marks(second + 1) => {
            let joined = found[1..*second].iter().any(|token| matches!(token, Token::Dash | Token::To));
            let length = low.len().min(high.len());
            let ordered = low.as_bytes()[..length] <= high.as_bytes()[..length];
            (joined && ordered).then(|| Scope::Range { low: (*low).into(), high: (*high).into() })
        }
        _ => None,
    }
}

/// The text after `with`: `.42`, `.51-.52`, `.62-`, `fifth character 1`, `5th character 9`,
/// `fifth-character 1`, `sixth character 1-4`, `seventh character A`, `7th character B`,
/// `fifth or sixth character 5`, `fifth or sixth character to indicate intent`, `fifth to
/// sixth characters 51`, `final characters -23`, `open fracture 7th character`.
pub(super) fn parse_condition(text: &str) -> Option<Condition> {
    let lower = text.trim().trim_end_matches('.').to_ascii_lowercase();
    if lower.starts_with('.') {
        let (low, high) = lower.trim_end_matches('-').split_once("-.").unwrap_or((&lower, &lower));
        let low = low.trim_start_matches('.').trim_end_matches('-').to_ascii_uppercase();
        let high = high.trim_start_matches('.').trim_end_matches('-').to_ascii_uppercase();
        return at_condition(3, &low, &high);
    }
    if let Some(end) = lower.strip_prefix("final characters -") {
        return is_code_chars(end).then(|| Condition::EndsWith(end.to_ascii_uppercase().into()));
    }
    if lower == "open fracture 7th character" {
        return Some(Condition::OneOf { index: 6, chars: OPEN_FRACTURE_SEVENTH.into() });
    }
    let normalized = lower.replace('-', " ").replace("characters", "character");
    let (position, spec) = normalized.split_once(" character ")?;
    let spec = spec.trim().trim_start_matches('.');
    if matches!(position, "fifth or sixth" | "fifth or six") {
        if spec == "to indicate intent" {
            return Some(Condition::Intent { low: b'1', high: b'4' });
        }
        let (low, high) = spec.split_once(' ').map_or((spec, spec), |(low, high)| (low, high.trim()));
        return match (low.as_bytes(), high.as_bytes()) {
            ([low], [high]) if low.is_ascii_digit() && high.is_ascii_digit() => {
                Some(Condition::Intent { low: *low, high: *high })
            }
            _ => None,
        };
    }
    let index = match position {
        "fifth" | "5th" | "fifth to sixth" => 4,
        "sixth" | "6th" => 5,
        "seventh" | "7th" => 6,
        _ => return None,
    };
    // "1-4" became "1 4" above.
    let (low, high) = spec.split_once(' ').map_or((spec, spec), |(low, high)| (low, high.trim()));
    at_condition(index, &low.to_ascii_uppercase(), &high.to_ascii_uppercase())
}

fn at_condition(index: u8, low: &str, high: &str) -> Option<Condition> {
    let valid = !low.is_empty() && low.len() == high.len() && is_code_chars(low) && is_code_chars(high) && low <= high;
    valid.then(|| Condition::At { index, low: low.into(), high: high.into() })
}

fn is_code_chars(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit() || byte.is_ascii_alphabetic())
}
