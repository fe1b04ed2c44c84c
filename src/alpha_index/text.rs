//! Text rules of the Alphabetic Index: folding (case and accents), the words a lookup
//! compares (with simple plural stripping), and splitting a run of nonessential modifiers
//! ("(-astasia) (hysterical)") into its parenthesised groups and the essential text that the
//! source files sometimes put among them.

/// Lower-cases, strips Latin accents and folds runs of whitespace to one space.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.chars() {
        if ch.is_whitespace() {
            pending_space = !folded.is_empty();
            continue;
        }
        if pending_space {
            folded.push(' ');
            pending_space = false;
        }
        push_folded(&mut folded, ch);
    }
    folded
}

fn push_folded(out: &mut String, ch: char) {
    if ch.is_ascii() {
        out.push(ch.to_ascii_lowercase());
        return;
    }
    let base = match ch {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ß' => {
            out.push_str("ss");
            return;
        }
        other => {
            out.extend(other.to_lowercase());
            return;
        }
    };
    out.push(base);
}

/// Collapses runs of whitespace to one space and trims.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words a lookup compares: folded, split on anything that is not a letter or digit, each
/// with a simple plural ending removed ("fractures" → "fracture", "injuries" → "injury").
pub fn lookup_words(text: &str) -> Vec<String> {
    fold(text).split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(strip_plural).collect()
}

/// Removes a simple English plural ending; words of three letters or fewer, and words ending
/// in "ss", "us" or "is", are kept as they are.
pub fn strip_plural(word: &str) -> String {
    if word.len() > 4 && word.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    let keep = word.len() <= 3 || !word.ends_with('s') || ["ss", "us", "is"].iter().any(|end| word.ends_with(end));
    if keep {
        return word.to_string();
    }
    word[..word.len() - 1].to_string()
}

/// Whether the query word `query` matches the index word `word`: the whole word, or (for query
/// words of three characters or more) a prefix of it.
pub fn word_matches(query: &str, word: &str) -> bool {
    if query.len() >= 3 {
        word.starts_with(query)
    } else {
        word == query
    }
}

/// A run of nonessential modifiers split apart: each parenthesised group as written (inner
/// whitespace collapsed), and the text outside the groups, which is essential title text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// The groups, e.g. `["(-astasia)", "(hysterical)"]`.
    pub groups: Vec<String>,
    /// Text found between or after the groups (`NEC` in `(-Reilly) anomaly (granulation) NEC`
    /// gives "anomaly NEC"), whitespace collapsed; empty when there is none.
    pub essential: String,
}

/// Splits `text` into parenthesised groups and the essential text among them. A group starts
/// with a `(` at the start of the text or after whitespace and runs to its matching `)` (or to
/// the end of the text when it is never closed); a `(` glued to a word, as in `cigarette(s)`,
/// stays in the essential text.
pub fn split_modifiers(text: &str) -> Modifiers {
    let mut modifiers = Modifiers::default();
    let mut essential = String::new();
    let mut group = String::new();
    let mut depth = 0usize;
    let mut previous: Option<char> = None;
    for ch in text.chars() {
        if depth > 0 {
            group.push(ch);
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                modifiers.groups.push(collapse_whitespace(&group));
                group.clear();
                essential.push(' ');
            }
        } else if ch == '(' && previous.is_none_or(char::is_whitespace) {
            depth = 1;
            group.push(ch);
        } else {
            essential.push(ch);
        }
        previous = Some(ch);
    }
    if !group.is_empty() {
        modifiers.groups.push(collapse_whitespace(&group));
    }
    modifiers.essential = collapse_whitespace(&essential).replace(" ,", ",");
    modifiers
}

/// Appends a piece of essential title text to a term: with a space between them unless the
/// piece starts with punctuation or a hyphen ("Achromat" + ", achromatopsia", "Legg" +
/// "-Perthes disease").
pub fn append_essential(term: &mut String, piece: &str) {
    let piece = piece.trim();
    if piece.is_empty() {
        return;
    }
    let glued = piece.starts_with([',', ';', ':', '.', ')', '-']);
    if !term.is_empty() && !glued {
        term.push(' ');
    }
    term.push_str(piece);
}

/// Removes every parenthesised group, glued to a word or not, from a reference text:
/// "Complication(s), transfusion" → "Complication, transfusion".
pub fn without_parentheses(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut depth = 0usize;
    for ch in text.chars() {
        match ch {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => kept.push(ch),
            _ => {}
        }
    }
    kept
}

/// The comma-separated parts of a reference or term, for matching one against the other:
/// parentheses removed, folded, each word without a plural ending, empty parts dropped.
/// "Arteriosclerosis, coronary (artery)," → `["arteriosclerosis", "coronary"]`,
/// "Complications, vaccination" → `["complication", "vaccination"]`.
pub fn reference_parts(text: &str) -> Vec<String> {
    fold(&without_parentheses(text))
        .split(',')
        .map(|part| part.split_whitespace().map(strip_plural).collect::<Vec<_>>().join(" "))
        .filter(|part| !part.is_empty())
        .collect()
}

/// The matching key of a term or reference: its [`reference_parts`] joined with ", ".
pub fn reference_key(text: &str) -> String {
    reference_parts(text).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_spaces() {
        assert_eq!(fold("  Chédiak-Higashi   Syndrome "), "chediak-higashi syndrome");
        assert_eq!(fold("Albers-Schönberg"), "albers-schonberg");
        assert_eq!(fold("Müllerian"), "mullerian");
    }

    #[test]
    fn lookup_words_split_and_strip_plurals() {
        assert_eq!(lookup_words("Fractures, femur's NECK"), ["fracture", "femur", "s", "neck"]);
        assert_eq!(lookup_words("injuries self-harm"), ["injury", "self", "harm"]);
        assert_eq!(lookup_words("abscess sinus arthritis gas"), ["abscess", "sinus", "arthritis", "gas"]);
        assert!(word_matches("hypertens", "hypertension"));
        assert!(!word_matches("ty", "type"));
        assert!(word_matches("2", "2"));
    }

    #[test]
    fn splits_modifier_groups_and_essential_text() {
        let plain = split_modifiers("(-astasia) (hysterical)");
        assert_eq!(plain.groups, ["(-astasia)", "(hysterical)"]);
        assert_eq!(plain.essential, "");

        let mixed = split_modifiers("(-Reilly) anomaly or syndrome  (leukocyte granulation)");
        assert_eq!(mixed.groups, ["(-Reilly)", "(leukocyte granulation)"]);
        assert_eq!(mixed.essential, "anomaly or syndrome");

        let nested = split_modifiers("(s) (and nipple(s)) (acquired)");
        assert_eq!(nested.groups, ["(s)", "(and nipple(s))", "(acquired)"]);

        let glued = split_modifiers("(s) or cigarette(s)");
        assert_eq!(glued.groups, ["(s)"]);
        assert_eq!(glued.essential, "or cigarette(s)");

        let comma = split_modifiers("(ism), achromatopsia (acquired)");
        assert_eq!(comma.essential, ", achromatopsia");
        let mut term = "Achromat".to_string();
        append_essential(&mut term, &comma.essential);
        assert_eq!(term, "Achromat, achromatopsia");
        let mut legg = "Legg".to_string();
        append_essential(&mut legg, &split_modifiers("(-Calvé)-Perthes disease").essential);
        assert_eq!(legg, "Legg-Perthes disease");

        let unclosed = split_modifiers("(Hantavirus) (cardio)-pulmonary syndrome)");
        assert_eq!(unclosed.groups, ["(Hantavirus)", "(cardio)"]);
        assert_eq!(unclosed.essential, "-pulmonary syndrome)");
        assert_eq!(split_modifiers("(never closed").groups, ["(never closed"]);
    }

    #[test]
    fn strips_parentheses_from_references() {
        assert_eq!(without_parentheses("Complication(s), transfusion"), "Complication, transfusion");
        assert_eq!(without_parentheses("Abortion (complete) (spontaneous)"), "Abortion  ");
        assert_eq!(without_parentheses("a (b (c)) d)"), "a  d)");
        assert_eq!(reference_parts("Arteriosclerosis, coronary (artery),"), ["arteriosclerosis", "coronary"]);
        assert_eq!(reference_key("Loss (of), pregnancies,  Recurrent"), "loss, pregnancy, recurrent");
        assert_eq!(reference_key("Complication(s), by site"), reference_key("Complications, by sites"));
    }
}
