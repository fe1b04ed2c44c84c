//! The tantivy schema: what each indexed document (one code of one release) carries.

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STRING};

use super::analyzer::{ANALYZER_NAME, FOLDING_ANALYZER_NAME, PREFIX_LIST_ANALYZER_NAME};

/// Handles to every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// `release id << 32 | entry index`: the way back to the catalog entry.
    pub entry_ref: Field,
    /// Code system ordinal.
    pub system: Field,
    /// Release id.
    pub release: Field,
    /// Normalised code, untokenised.
    pub code: Field,
    /// Long title, stemmed.
    pub title: Field,
    /// Long title, folded but not stemmed (for word-prefix matching).
    pub title_words: Field,
    /// Every other text (short title, descriptors, inclusion terms), stemmed.
    pub other_text: Field,
    /// Every other text, folded but not stemmed.
    pub other_words: Field,
    /// Every prefix (1 to 15 characters) of every title word, for word-prefix matching.
    pub title_prefixes: Field,
    /// Every prefix of every word of the other texts.
    pub other_prefixes: Field,
    /// 1 when billable.
    pub billable: Field,
    /// CPT category ordinal (0 for other systems).
    pub cpt_category: Field,
    /// First word of the title, as stem and as folded word (untokenised).
    pub title_head: Field,
    /// Whole texts as phrases (folded words joined by spaces), also without their
    /// nonessential parts: parenthesised words, "NOS", a trailing ", unspecified ..." or
    /// "without complications".
    pub phrases: Field,
    /// Ids of every hierarchy node and code above the code, and the code itself.
    pub ancestors: Field,
    /// The days the code's own dates allow, packed by [`pack_in_force_span`].
    pub in_force_span: Field,
    /// Number of non-qualifier words in the title.
    pub title_length: Field,
    /// Global code order (system, then code).
    pub code_order: Field,
    /// Number of characters of the code (code-prefix results list shorter codes first).
    pub code_length: Field,
    /// Preference among equal matches: 3 the billable default of its category, 2 another
    /// billable code, 1 a later encounter (7th character other than A), 0 a header.
    pub preference: Field,
    /// Order-free keys of the ICD-10-CM Alphabetic Index paths leading to the code (see
    /// `index_terms`): a query whose words are one of them names the code the Index gives.
    pub index_keys: Field,
    /// How general the condition is when an Index main term names the code (entries under
    /// the main term; 0 otherwise).
    pub generality: Field,
}

/// Builds the schema and its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text_indexing =
        TextFieldIndexing::default().set_tokenizer(ANALYZER_NAME).set_index_option(IndexRecordOption::Basic);
    let text_options = TextOptions::default().set_indexing_options(text_indexing);
    let word_indexing =
        TextFieldIndexing::default().set_tokenizer(FOLDING_ANALYZER_NAME).set_index_option(IndexRecordOption::Basic);
    let word_options = TextOptions::default().set_indexing_options(word_indexing);
    let prefix_indexing = TextFieldIndexing::default()
        .set_tokenizer(PREFIX_LIST_ANALYZER_NAME)
        .set_index_option(IndexRecordOption::Basic);
    let prefix_options = TextOptions::default().set_indexing_options(prefix_indexing);
    let fields = Fields {
        entry_ref: builder.add_u64_field("entry_ref", FAST),
        system: builder.add_u64_field("system", INDEXED),
        release: builder.add_u64_field("release", FAST),
        code: builder.add_text_field("code", STRING),
        title: builder.add_text_field("title", text_options.clone()),
        title_words: builder.add_text_field("title_words", word_options.clone()),
        other_text: builder.add_text_field("other_text", text_options),
        other_words: builder.add_text_field("other_words", word_options.clone()),
        title_prefixes: builder.add_text_field("title_prefixes", prefix_options.clone()),
        other_prefixes: builder.add_text_field("other_prefixes", prefix_options),
        billable: builder.add_u64_field("billable", INDEXED | FAST),
        cpt_category: builder.add_u64_field("cpt_category", INDEXED),
        title_head: builder.add_text_field("title_head", STRING),
        phrases: builder.add_text_field("phrases", STRING),
        ancestors: builder.add_text_field("ancestors", STRING),
        in_force_span: builder.add_u64_field("in_force_span", FAST),
        title_length: builder.add_u64_field("title_length", FAST),
        code_order: builder.add_u64_field("code_order", FAST),
        code_length: builder.add_u64_field("code_length", FAST),
        preference: builder.add_u64_field("preference", FAST),
        index_keys: builder.add_text_field("index_keys", STRING),
        generality: builder.add_u64_field("generality", FAST),
    };
    (builder.build(), fields)
}

/// Index ordinal of a CPT category (0 = none).
pub fn cpt_category_ordinal(category: Option<crate::codes::CptCategory>) -> u64 {
    use crate::codes::CptCategory;
    match category {
        None => 0,
        Some(CptCategory::CategoryI) => 1,
        Some(CptCategory::CategoryII) => 2,
        Some(CptCategory::CategoryIII) => 3,
        Some(CptCategory::Pla) => 4,
        Some(CptCategory::Modifier) => 5,
    }
}

/// Packs a code's first and last day (days since the epoch; `None` = unbounded) into one
/// value: first day in the high 32 bits, last day in the low 32 bits, offset to be unsigned.
pub fn pack_in_force_span(first: Option<i32>, last: Option<i32>) -> u64 {
    let first = first.map_or(0, |day| (i64::from(day) + (1 << 31)) as u64);
    let last = last.map_or(u64::from(u32::MAX), |day| (i64::from(day) + (1 << 31)) as u64);
    (first << 32) | last
}

/// Whether a packed span contains `day`.
pub fn span_contains(span: u64, day: i32) -> bool {
    let day = (i64::from(day) + (1 << 31)) as u64;
    (span >> 32) <= day && day <= (span & u64::from(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_contain_their_days_only() {
        let span = pack_in_force_span(Some(100), Some(200));
        assert!(span_contains(span, 100) && span_contains(span, 200) && span_contains(span, 150));
        assert!(!span_contains(span, 99) && !span_contains(span, 201));
        let open = pack_in_force_span(None, None);
        assert!(span_contains(open, -20_000) && span_contains(open, 60_000));
        let ended = pack_in_force_span(None, Some(-5));
        assert!(span_contains(ended, -6) && !span_contains(ended, 0));
    }
}
