//! One pass over the matches of a query group: keeps only the documents in scope (a
//! release in force, in force on the day) that no earlier group matched, counts them, and
//! keeps the best few by rank key. Documents an earlier group took are marked in [`Taken`],
//! so groups exclude each other without evaluating the earlier groups' queries again.
//!
//! The fast-field columns every pass reads are opened once per segment when the index is
//! opened ([`SegmentColumns`]); opening them per query cost more than the matching itself.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, ColumnIndex};
use tantivy::index::SegmentId;
use tantivy::query::Weight;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use super::index_terms::generality_for;
use super::query::MatchScore;
use super::schema::span_contains;
use super::writer::split_entry_ref;

/// Sort key, best highest: tier, the query is an Alphabetic Index path of the code, fewer
/// words outside the title, generality of the condition (a main term's code; below the top
/// tier also a subterm's that is the code's title: [`generality_for`]), shorter title,
/// title starts with a query word, preference (a category's billable default, other billable
/// codes, later encounters, headers), code order, entry ref.
pub type RankKey = (u8, u8, i64, u64, i64, u8, u8, i64, u64);

/// The tier of whole-word matches of the full title, a phrase or an Index path.
const TOP_TIER: u8 = 3;

/// How a group's documents are ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking {
    /// Code matches: shorter code first, then code order; the score is not used.
    Code,
    /// Text matches ranked by tier from the decoded score.
    Text,
    /// Typo-tolerant or relaxed matches: all in the lowest tier.
    Loose,
}

/// What every result must belong to: a release in force, and its own dates.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Releases searched.
    pub releases: Vec<u32>,
    /// Day (since the epoch) the documents must be in force on.
    pub as_of_day: i32,
}

/// The fast-field columns of one segment that ranking and scoping read.
#[derive(Clone)]
pub struct SegmentColumns {
    segment: SegmentId,
    /// Releases with documents in the segment, ascending.
    releases: Vec<u32>,
    entry_ref: Column<u64>,
    in_force_span: Column<u64>,
    title_length: Column<u64>,
    code_order: Column<u64>,
    code_length: Column<u64>,
    preference: Column<u64>,
    generality: Column<u64>,
}

impl SegmentColumns {
    /// Opens the columns of a segment.
    pub fn open(segment: &SegmentReader) -> tantivy::Result<SegmentColumns> {
        let fast = segment.fast_fields();
        let entry_ref = fast.u64("entry_ref")?;
        let mut releases: Vec<u32> = entry_ref.values.iter().map(|reference| split_entry_ref(reference).0).collect();
        releases.sort_unstable();
        releases.dedup();
        Ok(SegmentColumns {
            segment: segment.segment_id(),
            releases,
            entry_ref,
            in_force_span: fast.u64("in_force_span")?,
            title_length: fast.u64("title_length")?,
            code_order: fast.u64("code_order")?,
            code_length: fast.u64("code_length")?,
            preference: fast.u64("preference")?,
            generality: fast.u64("generality")?,
        })
    }

    /// The columns of each segment of a searcher, in segment order.
    pub fn open_all(searcher: &tantivy::Searcher) -> tantivy::Result<Vec<SegmentColumns>> {
        searcher.segment_readers().iter().map(SegmentColumns::open).collect()
    }

    /// The value of `doc` in a column (0 when it has none). Every document has a value in
    /// these columns, so the values are read straight, without the column index's lookup.
    fn read(column: &Column<u64>, doc: DocId) -> u64 {
        match column.index {
            ColumnIndex::Full => column.values.get_val(doc),
            _ => column.first(doc).unwrap_or(0),
        }
    }
}

/// Documents matched by the groups run so far: one bit per document, per segment.
#[derive(Debug, Clone, Default)]
pub struct Taken {
    segments: Vec<Vec<u64>>,
}

impl Taken {
    fn segment(&self, ordinal: SegmentOrdinal, max_doc: DocId) -> Vec<u64> {
        match self.segments.get(ordinal as usize) {
            Some(bits) if !bits.is_empty() => bits.clone(),
            _ => vec![0; (max_doc as usize).div_ceil(64)],
        }
    }

    fn absorb(&mut self, ordinal: SegmentOrdinal, bits: Vec<u64>) {
        if bits.is_empty() {
            return;
        }
        let index = ordinal as usize;
        if self.segments.len() <= index {
            self.segments.resize_with(index + 1, Vec::new);
        }
        self.segments[index] = bits;
    }
}

/// What one group pass found: the in-scope matches no earlier group took, the best keys,
/// and the documents taken so far.
#[derive(Debug)]
pub struct GroupFruit {
    /// Matches in scope, earlier groups' excluded.
    pub count: usize,
    /// The best keys, best first.
    pub keys: Vec<RankKey>,
    /// Documents taken by this group and the earlier ones.
    pub taken: Taken,
}

/// Counts the in-scope matches of a group and keeps the best `keep` rank keys.
pub struct RankCollector<'a> {
    /// Columns opened with the index, by segment ordinal.
    pub columns: &'a [SegmentColumns],
    /// Releases and day in scope.
    pub scope: &'a Scope,
    /// How the group ranks.
    pub ranking: Ranking,
    /// Best keys to keep (0: count only).
    pub keep: usize,
    /// Documents earlier groups matched.
    pub taken: &'a Taken,
}

impl Collector for RankCollector<'_> {
    type Fruit = GroupFruit;
    type Child = RankSegmentCollector;

    fn for_segment(&self, ordinal: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<RankSegmentCollector> {
        let columns = match self.columns.get(ordinal as usize) {
            Some(columns) if columns.segment == segment.segment_id() => columns.clone(),
            _ => SegmentColumns::open(segment)?,
        };
        let every_release = columns.releases.iter().all(|release| self.scope.releases.contains(release));
        Ok(RankSegmentCollector {
            ordinal,
            taken: self.taken.segment(ordinal, segment.max_doc()),
            columns,
            releases: self.scope.releases.clone(),
            every_release,
            day: self.scope.as_of_day,
            ranking: self.ranking,
            keep: self.keep,
            count: 0,
            best: BinaryHeap::with_capacity(self.keep + 1),
        })
    }

    /// Runs the query on a segment only when the segment holds a release in scope.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ordinal: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFruit> {
        let in_scope =
            |columns: &SegmentColumns| columns.releases.iter().any(|release| self.scope.releases.contains(release));
        // A segment of other releases is skipped before its bits and columns are set up.
        if self
            .columns
            .get(ordinal as usize)
            .is_some_and(|columns| columns.segment == segment.segment_id() && !in_scope(columns))
        {
            return Ok(SegmentFruit { ordinal, count: 0, keys: Vec::new(), taken: Vec::new() });
        }
        let mut collector = self.for_segment(ordinal, segment)?;
        if !in_scope(&collector.columns) {
            return Ok(collector.harvest());
        }
        let alive = segment.alive_bitset();
        let is_alive = |doc: DocId| alive.is_none_or(|alive| alive.is_alive(doc));
        if self.requires_scoring() {
            weight.for_each(segment, &mut |doc, score| {
                if is_alive(doc) {
                    collector.collect(doc, score);
                }
            })?;
        } else {
            weight.for_each_no_score(segment, &mut |docs| {
                for &doc in docs.iter().filter(|&&doc| is_alive(doc)) {
                    collector.collect(doc, 0.0);
                }
            })?;
        }
        Ok(collector.harvest())
    }

    fn requires_scoring(&self) -> bool {
        self.keep > 0 && self.ranking != Ranking::Code
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<GroupFruit> {
        let mut merged = GroupFruit { count: 0, keys: Vec::new(), taken: self.taken.clone() };
        for fruit in fruits {
            merged.count += fruit.count;
            merged.keys.extend(fruit.keys);
            merged.taken.absorb(fruit.ordinal, fruit.taken);
        }
        merged.keys.sort_unstable_by(|a, b| b.cmp(a));
        merged.keys.truncate(self.keep);
        Ok(merged)
    }
}

/// What one segment's pass found.
pub struct SegmentFruit {
    ordinal: SegmentOrdinal,
    count: usize,
    keys: Vec<RankKey>,
    taken: Vec<u64>,
}

/// [`RankCollector`] on one segment.
pub struct RankSegmentCollector {
    ordinal: SegmentOrdinal,
    /// One bit per document of the segment: matched by this group or an earlier one.
    taken: Vec<u64>,
    columns: SegmentColumns,
    releases: Vec<u32>,
    /// Every release with documents in the segment is searched.
    every_release: bool,
    day: i32,
    ranking: Ranking,
    keep: usize,
    count: usize,
    /// The best keys so far, worst on top.
    best: BinaryHeap<Reverse<RankKey>>,
}

impl RankSegmentCollector {
    /// Whether a document is in scope: in force on the day, and (unless every release of
    /// the segment is searched) of a release searched.
    fn in_scope(&self, doc: DocId) -> bool {
        let in_release = self.every_release
            || self.releases.contains(&split_entry_ref(SegmentColumns::read(&self.columns.entry_ref, doc)).0);
        in_release && span_contains(SegmentColumns::read(&self.columns.in_force_span, doc), self.day)
    }

    /// The parts of a text match's key read from its score and title length: enough to
    /// tell, when the list is full, whether it can rank above the worst key kept.
    fn text_rank(&self, doc: DocId, score: Score) -> TextRank {
        let matched = MatchScore::decode(score);
        let length = SegmentColumns::read(&self.columns.title_length, doc) as i64;
        let tier = match (self.ranking, matched.near_words, matched.elsewhere_words) {
            (Ranking::Loose, _, _) => 0,
            _ if matched.phrase || matched.index => TOP_TIER,
            (_, 0, 0) if length == matched.content_words => TOP_TIER,
            (_, 0, 0) => 2,
            (_, _, 0) => 1,
            _ => 0,
        };
        let index = u8::from(matched.index && self.ranking != Ranking::Loose);
        TextRank { first: (tier, index, -matched.elsewhere_words), length, head: matched.head }
    }

    /// Whether a text match's key ranks below `worst`, reading its columns only as far as
    /// the comparison needs (most matches of a long list are out at the first parts); false
    /// when it ranks above, or when only code order and entry could tell.
    fn ranks_below(&self, doc: DocId, text: &TextRank, worst: &RankKey) -> bool {
        let read = |column: &Column<u64>| SegmentColumns::read(column, doc);
        let worst_first = (worst.0, worst.1, worst.2);
        if text.first != worst_first {
            return text.first < worst_first;
        }
        let generality = generality_for(read(&self.columns.generality), text.first.0 == TOP_TIER);
        if generality != worst.3 {
            return generality < worst.3;
        }
        let rest = (-text.length, u8::from(text.head));
        if rest != (worst.4, worst.5) {
            return rest < (worst.4, worst.5);
        }
        (read(&self.columns.preference) as u8) < worst.6
    }

    /// The whole key: a code match's, or a text match's from its [`TextRank`].
    fn key(&self, doc: DocId, text: Option<TextRank>) -> RankKey {
        let read = |column: &Column<u64>| SegmentColumns::read(column, doc);
        let order = -(read(&self.columns.code_order).min(i64::MAX as u64) as i64);
        let reference = read(&self.columns.entry_ref);
        let preference = read(&self.columns.preference) as u8;
        let Some(TextRank { first: (tier, index, elsewhere), length, head }) = text else {
            return (0, 0, 0, 0, -(read(&self.columns.code_length) as i64), 0, preference, order, reference);
        };
        let generality = generality_for(read(&self.columns.generality), tier == TOP_TIER);
        (tier, index, elsewhere, generality, -length, u8::from(head), preference, order, reference)
    }
}

/// What a text match's score and title length tell of its key.
struct TextRank {
    /// Tier, Index path, words found only elsewhere (negated): the key's first parts.
    first: (u8, u8, i64),
    /// Title length.
    length: i64,
    /// A query word is the title's first.
    head: bool,
}

impl SegmentCollector for RankSegmentCollector {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let (word, bit) = (doc as usize / 64, 1u64 << (doc % 64));
        match self.taken.get(word) {
            Some(bits) if *bits & bit == 0 => {}
            _ => return,
        }
        if !self.in_scope(doc) {
            return;
        }
        self.taken[word] |= bit;
        self.count += 1;
        if self.keep == 0 {
            return;
        }
        let text = (self.ranking != Ranking::Code).then(|| self.text_rank(doc, score));
        // A full list: a text match whose key ranks below the worst kept is out, told from
        // as few of its parts as it takes.
        if let (Some(text), Some(Reverse(worst))) = (&text, self.best.peek()) {
            if self.best.len() >= self.keep && self.ranks_below(doc, text, worst) {
                return;
            }
        }
        let key = self.key(doc, text);
        if self.best.len() < self.keep {
            self.best.push(Reverse(key));
        } else if self.best.peek().is_some_and(|Reverse(worst)| key > *worst) {
            self.best.pop();
            self.best.push(Reverse(key));
        }
    }

    fn harvest(self) -> SegmentFruit {
        SegmentFruit {
            ordinal: self.ordinal,
            count: self.count,
            keys: self.best.into_iter().map(|Reverse(key)| key).collect(),
            taken: self.taken,
        }
    }
}
