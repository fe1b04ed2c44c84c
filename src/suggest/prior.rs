//! A prior over codes learned from coded notes: of the notes in which the suggester found a
//! code, how many were coded with it. Words that name a code are not always what coders code
//! ("anomaly", "history", "examination" are rarely the diagnosis; "pain", "fever", "edema"
//! usually are), and the prior says so per code, backing off to the code's category and then to
//! all codes when a code was seen rarely: p = (gold + k·p_category) / (found + k).
//!
//! The prior shipped in `data/suggest/codiesp-prior.tsv` is learned on the CodiEsp train split
//! only (CC BY 4.0; see `data/suggest/README.md`) and written by
//! `cargo test --release --test suggest_codiesp -- --ignored write_codiesp_prior`.

use std::collections::HashMap;
use std::fmt::Write as _;

/// The prior shipped with the crate (learned on CodiEsp train).
const SHIPPED: &str = include_str!("../../data/suggest/codiesp-prior.tsv");

/// Counts per code: notes in which it was found, and of those, notes coded with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Notes in which the suggester found the code.
    pub found: u32,
    /// Of those, notes whose gold codes hold it.
    pub gold: u32,
}

/// How strongly the prior reweighs the suggester's scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PriorWeights {
    /// Pseudo-count of the back-off (category, then all codes).
    pub smoothing: f32,
    /// A suggestion's score becomes `score^exponent × p`.
    pub exponent: f32,
}

impl Default for PriorWeights {
    fn default() -> Self {
        PriorWeights { smoothing: 2.0, exponent: 0.5 }
    }
}

/// A learned prior; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct Prior {
    codes: HashMap<String, Counts>,
    categories: HashMap<String, Counts>,
    all: Counts,
    /// How strongly it reweighs scores.
    pub weights: PriorWeights,
}

impl Prior {
    /// The prior shipped with the crate, learned on CodiEsp train.
    pub fn shipped() -> Prior {
        Prior::parse(SHIPPED)
    }

    /// Reads `code<TAB>found<TAB>gold` lines (`#` comments and malformed lines skipped).
    pub fn parse(text: &str) -> Prior {
        let mut prior = Prior::default();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut columns = line.split('\t');
            let (Some(code), Some(found), Some(gold)) = (columns.next(), columns.next(), columns.next()) else {
                continue;
            };
            let (Ok(found), Ok(gold)) = (found.trim().parse::<u32>(), gold.trim().parse::<u32>()) else { continue };
            prior.add_counts(code.trim(), Counts { found, gold: gold.min(found) });
        }
        prior
    }

    /// Counts one note in which `code` (dotted) was found; `gold` says whether it was coded.
    pub fn add(&mut self, code: &str, gold: bool) {
        self.add_counts(code, Counts { found: 1, gold: u32::from(gold) });
    }

    fn add_counts(&mut self, code: &str, counts: Counts) {
        if code.is_empty() {
            return;
        }
        for slot in [
            self.codes.entry(code.to_string()).or_default(),
            self.categories.entry(category(code).to_string()).or_default(),
            &mut self.all,
        ] {
            slot.found += counts.found;
            slot.gold += counts.gold;
        }
    }

    /// The counts of a code.
    pub fn counts(&self, code: &str) -> Counts {
        self.codes.get(code).copied().unwrap_or_default()
    }

    /// Number of codes counted.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The smoothed probability that a found code is coded.
    pub fn probability(&self, code: &str) -> f32 {
        let k = self.weights.smoothing.max(0.0);
        let smoothed = |counts: Counts, back_off: f32| (counts.gold as f32 + k * back_off) / (counts.found as f32 + k);
        let base = if self.all.found == 0 { 0.5 } else { self.all.gold as f32 / self.all.found as f32 };
        let within = self.categories.get(category(code)).map_or(base, |counts| smoothed(*counts, base));
        self.codes.get(code).map_or(within, |counts| smoothed(*counts, within)).clamp(0.0, 1.0)
    }

    /// A suggestion's score reweighed by the prior, in [0, 1].
    pub fn reweigh(&self, code: &str, score: f32) -> f32 {
        (score.clamp(0.0, 1.0).powf(self.weights.exponent.max(0.0)) * self.probability(code)).clamp(0.0, 1.0)
    }

    /// The prior as `code<TAB>found<TAB>gold` lines sorted by code, after `header` (each of
    /// its lines made a `#` comment).
    pub fn to_tsv(&self, header: &str) -> String {
        let mut text = String::new();
        for line in header.lines() {
            let _ = writeln!(text, "# {line}");
        }
        let mut codes: Vec<(&String, &Counts)> = self.codes.iter().collect();
        codes.sort_by(|a, b| a.0.cmp(b.0));
        for (code, counts) in codes {
            let _ = writeln!(text, "{code}\t{}\t{}", counts.found, counts.gold);
        }
        text
    }
}

/// The three-character category of a dotted code.
fn category(code: &str) -> &str {
    code.get(..3).unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_to_the_category_and_round_trips() {
        let mut prior = Prior::default();
        for gold in [true, true, true, false] {
            prior.add("R52", gold);
        }
        for _ in 0..4 {
            prior.add("Q89.9", false);
        }
        prior.add("Q89.7", true);
        assert!(prior.probability("R52") > 0.6);
        assert!(prior.probability("Q89.9") < 0.2);
        // Unseen: the category's rate, then all codes'.
        assert!(prior.probability("Q89.8") < prior.probability("Q89.7"));
        assert!((prior.probability("A00.0") - 4.0 / 9.0).abs() < 1e-6);
        let text = prior.to_tsv("learned on a test\nsecond line");
        assert!(text.starts_with("# learned on a test\n# second line\nQ89.7\t1\t1\nQ89.9\t4\t0\nR52\t4\t3\n"));
        let read = Prior::parse(&text);
        assert_eq!(read.counts("R52"), Counts { found: 4, gold: 3 });
        assert_eq!(read.probability("Q89.8"), prior.probability("Q89.8"));
        assert!(Prior::shipped().len() > 100);
    }
}
