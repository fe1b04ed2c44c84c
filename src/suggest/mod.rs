//! Suggesting ICD-10-CM codes from clinical documentation: every code mention in a note (with
//! the byte spans of the words that matched) and the codes ranked best first.
//!
//! Stages, each in its own file: the note is split into sentences and content words, stems
//! mapped to vocabulary ids ([`tokens`]); synonyms and abbreviations give each sentence a
//! second reading ([`Suggester::mentions`]); the longest phrases of tabular titles and
//! inclusion terms are found ([`phrases`]); Alphabetic Index main terms lead down the index to
//! the deepest path whose subterms all appear nearby ([`walk`]); a category to complete becomes
//! a billable code and what the note lacks is named ([`complete`]); mentions are merged into
//! ranked suggestions ([`rank`]). Built once per ICD-10-CM release; knows nothing of gRPC.
//! Notes are patient data: nothing here logs them.

mod codes;
pub mod codiesp;
mod complete;
pub mod descriptors;
mod phrases;
pub mod prior;
pub mod procedures;
mod rank;
mod terms;
mod tokens;
mod walk;

use std::ops::Range;

use crate::alpha_index::{AlphaIndex, EntryId};
use crate::codes::{DescriptorKind, Release};
use crate::index::analyzer::{phrase_keys, WordSplitter};
use crate::index::Synonyms;

use codes::CodeTable;
use complete::TitleWords;
use phrases::PhraseTrie;
pub use prior::{Prior, PriorWeights};
use terms::{CodeRef, IndexTerms};
use tokens::{content_tokens, intern_words, is_stop_word, sentences, Token, Vocabulary};
use walk::Walk;

/// Words on each side of a main term in which its subterms are looked for.
const WINDOW: usize = 6;

/// Strength of a main term's own code beside a deeper path, relative to the main term alone.
const MAIN_TERM_WEIGHT: f32 = 0.6;

/// Where a mention was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MentionSource {
    /// A tabular title, word for word (nonessential parts aside).
    Title,
    /// A tabular inclusion term.
    InclusionTerm,
    /// A path of the Alphabetic Index.
    Index,
    /// A title, inclusion term or index path reached through a synonym or abbreviation.
    Synonym,
}

/// What the documentation lacks for a more specific code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lack {
    /// Right, left or bilateral.
    Laterality,
    /// The type (of diabetes, of a fracture...).
    Type,
    /// Acute or chronic.
    Acuity,
    /// The encounter (initial, subsequent, sequela) for a 7th character.
    Encounter,
    /// The site or part.
    Site,
    /// How the site was reached (ICD-10-PCS: open, percutaneous, endoscopic...).
    Approach,
    /// The device left in place (ICD-10-PCS).
    Device,
    /// The qualifier (ICD-10-PCS: diagnostic, cemented...).
    Qualifier,
    /// The root operation (ICD-10-PCS: excision or resection...).
    Operation,
    /// Something else the code's title leaves unspecified.
    Other(String),
}

/// One code mention in a note.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// The code, dotted, a billable code of the release.
    pub code: String,
    /// Byte offset where the mention starts.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// Byte ranges of the words that matched, in text order.
    pub evidence: Vec<Range<usize>>,
    /// Where it was found.
    pub source: MentionSource,
    /// How strongly the words support the code, in (0, 1].
    pub strength: f32,
    /// What the documentation lacks for a more specific code.
    pub lacks: Vec<Lack>,
    /// The main term's own code, beside a deeper index path read from the same words: it does
    /// not give way to that path's code.
    pub main_term: bool,
}

/// One suggested code.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The code, dotted.
    pub code: String,
    /// Score in [0, 1]; higher is better.
    pub score: f32,
    /// Indexes of the mentions that support it.
    pub mentions: Vec<usize>,
    /// What the documentation lacks (of its strongest mention).
    pub lacks: Vec<Lack>,
}

/// Which sources the suggester uses (all by default; the others are for ablation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuggestOptions {
    /// Tabular titles.
    pub titles: bool,
    /// Tabular inclusion terms.
    pub inclusion_terms: bool,
    /// The Alphabetic Index.
    pub index: bool,
    /// Synonyms and abbreviations.
    pub synonyms: bool,
    /// The prior learned on CodiEsp train ([`Prior::shipped`]) reweighs the ranking.
    pub prior: bool,
    /// A main term's own sign or symptom code is found beside the deeper index path it leads
    /// to (ranking lets it give way to that path's code when both are codable).
    pub main_term_codes: bool,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            titles: true,
            inclusion_terms: true,
            index: true,
            synonyms: true,
            prior: true,
            main_term_codes: true,
        }
    }
}

/// A phrase of the tabular: the code (position in the code table) and its source.
type TitleTarget = (u32, MentionSource);

/// Finds code mentions in notes and ranks them, for one ICD-10-CM release.
#[derive(Debug)]
pub struct Suggester {
    options: SuggestOptions,
    vocabulary: Vocabulary,
    codes: CodeTable,
    /// Per code position: the stem ids of its title.
    title_ids: Vec<Vec<u32>>,
    titles: PhraseTrie<TitleTarget>,
    index: Option<IndexTerms>,
    synonym_terms: PhraseTrie<u32>,
    expansions: Vec<Vec<u32>>,
    /// Ids of the words that name an encounter ("initial", "subsequent", "sequela").
    encounter_ids: Vec<u32>,
    /// The prior that reweighs the ranking, if any.
    prior: Option<Prior>,
}

impl TitleWords for Suggester {
    fn title_ids(&self, at: u32) -> &[u32] {
        self.title_ids.get(at as usize).map_or(&[], Vec::as_slice)
    }
}

impl Suggester {
    /// Builds the suggester for an ICD-10-CM release, its Alphabetic Index and the synonyms.
    pub fn build(release: &Release, index: Option<&AlphaIndex>, synonyms: Option<&Synonyms>) -> Suggester {
        Suggester::build_with(release, index, synonyms, SuggestOptions::default())
    }

    /// [`Suggester::build`] with some sources switched off.
    pub fn build_with(
        release: &Release,
        index: Option<&AlphaIndex>,
        synonyms: Option<&Synonyms>,
        options: SuggestOptions,
    ) -> Suggester {
        let mut splitter = WordSplitter::default();
        let mut vocabulary = Vocabulary::default();
        let codes = CodeTable::build(release);
        let mut title_ids = Vec::with_capacity(codes.count());
        let mut titles = PhraseTrie::default();
        for at in 0..codes.count() as u32 {
            let Some(entry) = codes.get(at).and_then(|info| release.entry(&info.code)) else {
                title_ids.push(Vec::new());
                continue;
            };
            title_ids.push(intern_words(&mut vocabulary, &splitter.words(&entry.title)));
            let inclusions = entry.descriptors.iter().filter(|d| d.kind == DescriptorKind::InclusionTerm);
            // Of the 7th characters of an injury, only the initial encounter is read from its
            // title; the others are the same words with a later encounter.
            let later_encounter = codes.get(at).is_some_and(|info| {
                info.flags & codes::flags::ENCOUNTER != 0 && info.code.len() == 7 && !info.code.ends_with('A')
            });
            if later_encounter {
                continue;
            }
            let texts = std::iter::once((entry.title.as_str(), MentionSource::Title))
                .chain(inclusions.map(|d| (d.text.as_str(), MentionSource::InclusionTerm)));
            for (text, source) in texts {
                for key in phrase_keys(&mut splitter, text) {
                    let ids = intern_words(&mut vocabulary, &splitter.words(&key));
                    titles.insert(&ids, (at, source));
                }
            }
        }
        let index = index.map(|index| IndexTerms::build(index, &codes, &mut splitter, &mut vocabulary));
        let mut synonym_terms = PhraseTrie::default();
        let mut expansions = Vec::new();
        for (term, expansion) in synonyms.into_iter().flat_map(Synonyms::entries) {
            let term: Vec<u32> =
                term.iter().filter(|stem| !is_stop_word(stem)).map(|stem| vocabulary.intern(stem)).collect();
            let expanded = intern_words(&mut vocabulary, expansion);
            if term.is_empty() || expanded.is_empty() {
                continue;
            }
            synonym_terms.insert(&term, expansions.len() as u32);
            expansions.push(expanded);
        }
        let encounter_ids = ["initial", "subsequent", "sequela", "sequelae"]
            .iter()
            .filter_map(|word| vocabulary.get(&splitter.stem(word)))
            .collect();
        vocabulary.finish();
        let prior = options.prior.then(Prior::shipped);
        Suggester {
            options,
            vocabulary,
            codes,
            title_ids,
            titles,
            index,
            synonym_terms,
            expansions,
            encounter_ids,
            prior,
        }
    }

    /// Every code mention found in the text, in text order.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let mut splitter = WordSplitter::default();
        let mut found = Vec::new();
        for sentence in sentences(text) {
            let tokens = content_tokens(&mut splitter, &self.vocabulary, text, sentence);
            if tokens.is_empty() {
                continue;
            }
            self.find_in(&tokens, &vec![false; tokens.len()], &mut found);
            if self.options.synonyms {
                if let Some((variant, from_synonym)) = self.synonym_reading(&tokens) {
                    self.find_in(&variant, &from_synonym, &mut found);
                }
            }
        }
        found.sort_by(|a, b| {
            (a.start, a.end, &a.code, a.source)
                .cmp(&(b.start, b.end, &b.code, b.source))
                .then(b.strength.total_cmp(&a.strength))
        });
        found.dedup_by(|later, kept| {
            let same = later.code == kept.code && later.evidence == kept.evidence;
            // A main term's own code read as a title too still stands beside the deeper path.
            kept.main_term |= same && later.main_term;
            same
        });
        found
    }

    /// Mentions → suggestions ranked best first; `keep(i)` says whether `mentions[i]` counts.
    pub fn rank(&self, mentions: &[Mention], keep: impl Fn(usize) -> bool, max: usize) -> Vec<Suggestion> {
        rank::rank(Some(&self.codes), mentions, keep, max, self.prior.as_ref())
    }

    /// [`Suggester::rank`] without the prior (what a prior is learned from).
    pub fn rank_unweighted(&self, mentions: &[Mention], keep: impl Fn(usize) -> bool, max: usize) -> Vec<Suggestion> {
        rank::rank(Some(&self.codes), mentions, keep, max, None)
    }

    /// The prior that reweighs the ranking, if any.
    pub fn prior(&self) -> Option<&Prior> {
        self.prior.as_ref()
    }

    /// Replaces the prior (`None`: rank by the words alone).
    pub fn set_prior(&mut self, prior: Option<Prior>) {
        self.prior = prior;
    }

    /// Number of stems the suggester knows, phrase trie nodes and index entries prepared (for
    /// memory estimates).
    pub fn sizes(&self) -> (usize, usize, usize) {
        let index_entries = self.index.as_ref().map_or(0, |index| index.terms.len());
        (self.vocabulary.count(), self.titles.nodes(), index_entries)
    }

    /// The sentence with each synonym or abbreviation replaced by its expansion (the
    /// expansion's words span the replaced words); `None` when it has none.
    fn synonym_reading(&self, tokens: &[Token]) -> Option<(Vec<Token>, Vec<bool>)> {
        let mut variant = Vec::with_capacity(tokens.len() + 4);
        let mut from_synonym = Vec::with_capacity(tokens.len() + 4);
        let mut at = 0;
        let mut replaced = false;
        while at < tokens.len() {
            let found = self.synonym_terms.longest(tokens[at..].iter().map(|token| token.id));
            let Some((length, targets)) = found else {
                variant.push(tokens[at]);
                from_synonym.push(false);
                at += 1;
                continue;
            };
            let (from, to) = (tokens[at].from, tokens[at + length - 1].to);
            let expansion = targets.first().and_then(|index| self.expansions.get(*index as usize));
            for &id in expansion.into_iter().flatten() {
                variant.push(Token { id: Some(id), from, to });
                from_synonym.push(true);
            }
            replaced = true;
            at += length;
        }
        replaced.then_some((variant, from_synonym))
    }

    /// Adds the mentions of one reading of a sentence.
    fn find_in(&self, tokens: &[Token], from_synonym: &[bool], found: &mut Vec<Mention>) {
        let sentence_ids: Vec<u32> = tokens.iter().filter_map(|token| token.id).collect();
        let encounter_named = sentence_ids.iter().any(|id| self.encounter_ids.contains(id));
        let synonym_in = |range: Range<usize>| from_synonym[range].iter().any(|flag| *flag);
        for start in 0..tokens.len() {
            if self.options.titles || self.options.inclusion_terms {
                let phrase = self.titles.longest(tokens[start..].iter().map(|token| token.id));
                if let Some((length, targets)) = phrase {
                    for &(at, source) in targets {
                        let wanted = match source {
                            MentionSource::InclusionTerm => self.options.inclusion_terms,
                            _ => self.options.titles,
                        };
                        if !wanted {
                            continue;
                        }
                        let via_synonym = synonym_in(start..start + length);
                        let source = if via_synonym { MentionSource::Synonym } else { source };
                        let strength = phrase_strength(length, source);
                        let evidence = evidence_of(&tokens[start..start + length]);
                        let lacks = complete::lacks(&self.codes, at, false, encounter_named);
                        let mention = self.mention(at, evidence, source, strength, lacks);
                        let strength = mention.strength * chapter_weight(&mention.code, length);
                        found.push(Mention { strength, ..mention });
                    }
                }
            }
            if self.options.index {
                self.walk_from(tokens, start, &sentence_ids, encounter_named, &synonym_in, found);
            }
        }
    }

    /// Adds the index mention whose main term starts at `tokens[start]`, if any, and the main
    /// term's own code when it is a sign or symptom and the walk went deeper (at a lower
    /// strength; it stands only when the deeper path's code is not codable).
    fn walk_from(
        &self,
        tokens: &[Token],
        start: usize,
        sentence_ids: &[u32],
        encounter_named: bool,
        synonym_in: &dyn Fn(Range<usize>) -> bool,
        found: &mut Vec<Mention>,
    ) {
        let Some(index) = self.index.as_ref() else { return };
        let low = start.saturating_sub(WINDOW);
        for (length, mains) in index.main_terms.all(tokens[start..].iter().map(|token| token.id)) {
            let high = (start + length + WINDOW).min(tokens.len()).min(low + 64);
            let window = &tokens[low..high];
            let anchor = start - low;
            let own: u64 = (anchor..anchor + length).fold(0, |bits, at| bits | (1 << at));
            let walk = Walk { terms: index, window, anchor };
            let mut best: Option<(walk::Reached, EntryId)> = None;
            for &main in mains {
                if let Some(reached) = walk.below_main(main, own) {
                    if best.as_ref().is_none_or(|(current, _)| reached.beats(current)) {
                        best = Some((reached, main));
                    }
                }
            }
            let Some((reached, main)) = best else { continue };
            let Some(at) = self.code_at(&reached.code, sentence_ids) else { return };
            let completed = matches!(reached.code, CodeRef::Prefix(_));
            let used: Vec<Token> =
                window.iter().enumerate().filter(|(at, _)| reached.used & (1 << at) != 0).map(|(_, t)| *t).collect();
            let via_synonym =
                (0..window.len()).any(|at| reached.used & (1 << at) != 0 && synonym_in(low + at..low + at + 1));
            let source = if via_synonym { MentionSource::Synonym } else { MentionSource::Index };
            let strength = index_strength(reached.used.count_ones() as usize, reached.distance, source);
            let lacks = complete::lacks(&self.codes, at, completed, encounter_named);
            let mention = self.mention(at, evidence_of(&used), source, strength, lacks);
            found.push(Mention { strength: mention.strength * chapter_weight(&mention.code, used.len()), ..mention });
            if !self.options.main_term_codes || reached.entry == main {
                return;
            }
            // Only a sign or symptom (chapter R), of another category than the path's code:
            // "diabetes" (E11.9) beside "diabetes with ..." (E11.22) is a combination coded once.
            let main_code = index.terms.get(main).and_then(|term| term.code.as_ref());
            let symptom = |code: &CodeRef| match code {
                CodeRef::Billable(at) => self.codes.get(*at).is_some_and(|info| info.code.starts_with('R')),
                CodeRef::Prefix(prefix) => prefix.starts_with('R'),
            };
            let Some(main_code) = main_code.filter(|code| symptom(code)) else { return };
            let Some(main_at) = self.code_at(main_code, sentence_ids) else { return };
            let category = |at: u32| self.codes.get(at).and_then(|info| info.code.get(..3));
            if category(main_at) == category(at) {
                return;
            }
            let words = &tokens[start..start + length];
            let source = if synonym_in(start..start + length) { MentionSource::Synonym } else { MentionSource::Index };
            let strength = index_strength(length, 0, source) * MAIN_TERM_WEIGHT;
            let completed = matches!(main_code, CodeRef::Prefix(_));
            let lacks = complete::lacks(&self.codes, main_at, completed, encounter_named);
            let mention = self.mention(main_at, evidence_of(words), source, strength, lacks);
            let strength = mention.strength * chapter_weight(&mention.code, length);
            found.push(Mention { strength, main_term: true, ..mention });
            return;
        }
    }

    /// The code position an index code leads to (a prefix completed from the sentence).
    fn code_at(&self, code: &CodeRef, sentence_ids: &[u32]) -> Option<u32> {
        match code {
            CodeRef::Billable(at) => Some(*at),
            CodeRef::Prefix(prefix) => complete::complete(&self.codes, self, prefix, sentence_ids),
        }
    }

    fn mention(
        &self,
        at: u32,
        evidence: Vec<Range<usize>>,
        source: MentionSource,
        strength: f32,
        lacks: Vec<Lack>,
    ) -> Mention {
        let start = evidence.first().map_or(0, |range| range.start);
        let end = evidence.iter().map(|range| range.end).max().unwrap_or(start);
        Mention { code: self.codes.display(at), start, end, evidence, source, strength, lacks, main_term: false }
    }
}

/// Mentions of a system without tabular notes or prior (ICD-10-PCS, CPT, HCPCS) ranked as
/// [`Suggester::rank`] ranks them.
pub fn rank_plain(mentions: &[Mention], keep: impl Fn(usize) -> bool, max: usize) -> Vec<Suggestion> {
    rank::rank(None, mentions, keep, max, None)
}

/// The byte ranges of tokens, sorted, each once (a synonym's words share one range).
fn evidence_of(tokens: &[Token]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = tokens.iter().map(|token| token.from..token.to).collect();
    ranges.sort_by_key(|range| (range.start, range.end));
    ranges.dedup();
    ranges
}

/// Strength of a tabular phrase of `words` content words.
fn phrase_strength(words: usize, source: MentionSource) -> f32 {
    let base = 0.35 + 0.15 * words.min(4) as f32;
    match source {
        MentionSource::InclusionTerm => base - 0.05,
        MentionSource::Synonym => base * 0.9,
        _ => base,
    }
}

/// A weight for codes a single word rarely documents: factors influencing health status and
/// contact with services (Z), external causes (V-Y). A lone "examination", "follow-up" or
/// "observation" in a note is about the visit, not a diagnosis to code.
fn chapter_weight(code: &str, words: usize) -> f32 {
    let outside_diagnoses = code.starts_with(['Z', 'V', 'W', 'X', 'Y']);
    match (outside_diagnoses, words) {
        (true, 0..=1) => 0.2,
        (true, _) => 0.6,
        _ => 1.0,
    }
}

/// Strength of an index path that used `words` words at a summed `distance` from the main term.
fn index_strength(words: usize, distance: usize, source: MentionSource) -> f32 {
    let base = 0.3 + 0.15 * words.min(4) as f32 - (0.02 * distance as f32).min(0.2);
    let base = if source == MentionSource::Synonym { base * 0.9 } else { base };
    base.clamp(0.05, 1.0)
}

#[cfg(test)]
mod tests;
