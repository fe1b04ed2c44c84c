//! Runs every fuzz entry point (`codify::fuzz_targets`, the bodies of the cargo-fuzz targets in
//! `fuzz/`) over its seed files and a fixed set of mutations of them: truncations, byte flips,
//! deleted, repeated and inserted ranges. Seeds must be accepted (so the mutations start from
//! real input); no input may panic. Deterministic, so a failure names a reproducible input.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use codify::fuzz_targets::{Target, TARGETS};

/// Mutations tried per seed.
const MUTATIONS_PER_SEED: usize = 150;

/// xorshift64*: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\t",
    b"\n",
    b"\r\n",
    b"<",
    b"\"",
    b"&amp;",
    b"]]>",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"99999999999999999999",
    b"-1",
    b"(",
    b"*",
    b"~",
    b" AND ",
];

fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..=rng.below(3) {
        let len = data.len();
        match rng.below(6) {
            0 => data.truncate(rng.below(len + 1)),
            1 if len > 0 => {
                let at = rng.below(len);
                data[at] ^= 1 << rng.below(8);
            }
            2 if len > 0 => {
                let from = rng.below(len);
                let to = (from + 1 + rng.below(64)).min(len);
                data.drain(from..to);
            }
            3 if len > 0 => {
                let from = rng.below(len);
                let to = (from + 1 + rng.below(256)).min(len);
                let copy = data[from..to].to_vec();
                let at = rng.below(data.len() + 1);
                data.splice(at..at, copy);
            }
            4 => {
                let at = rng.below(len + 1);
                let insert = INTERESTING[rng.below(INTERESTING.len())];
                data.splice(at..at, insert.iter().copied());
            }
            _ if len > 0 => {
                let at = rng.below(len);
                data[at] = rng.next() as u8;
            }
            _ => data.push(rng.next() as u8),
        }
    }
    data
}

fn seeds(name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(name);
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("seed directory").map(|entry| entry.expect("entry").path()).collect();
    files.sort();
    files.into_iter().map(|path| (path.clone(), std::fs::read(&path).expect("seed"))).collect()
}

fn replay(name: &str, target: Target) {
    let seeds = seeds(name);
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ name.len() as u64);
    let mut accepted_mutations = 0usize;
    for (path, seed) in &seeds {
        assert!(target(seed), "{name}: seed {} is not accepted", path.display());
        for round in 0..MUTATIONS_PER_SEED {
            let input = mutate(seed, &mut rng);
            let outcome = std::panic::catch_unwind(|| target(&input));
            match outcome {
                Ok(accepted) => accepted_mutations += usize::from(accepted),
                Err(_) => panic!(
                    "{name}: mutation {round} of {} panicked; input ({} bytes, lossy): {:?}",
                    path.display(),
                    input.len(),
                    String::from_utf8_lossy(&input[..input.len().min(400)])
                ),
            }
        }
    }
    eprintln!("{name}: {} seeds, {accepted_mutations} of their mutations accepted", seeds.len());
}

#[test]
fn every_target_has_seeds_and_a_replay() {
    for (name, _) in TARGETS {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets").join(format!("{name}.rs"));
        assert!(dir.exists(), "no cargo-fuzz target for {name}");
    }
}

macro_rules! replay_tests {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(
            #[test]
            fn $test() {
                let target = TARGETS.iter().find(|(name, _)| *name == $name).map(|(_, target)| *target).expect("target");
                replay($name, target);
            }
        )*
    };
}

replay_tests! {
    icd10cm_order_survives_mutations => "load_icd10cm_order",
    icd10cm_tabular_survives_mutations => "load_icd10cm_tabular",
    icd10cm_index_csv_survives_mutations => "load_icd10cm_index_csv",
    icd10cm_index_xml_survives_mutations => "load_icd10cm_index_xml",
    icd10pcs_tables_survive_mutations => "load_icd10pcs_tables",
    icd10pcs_index_survives_mutations => "load_icd10pcs_index",
    icd10pcs_definitions_survive_mutations => "load_icd10pcs_definitions",
    hcpcs_fixed_survives_mutations => "load_hcpcs_fixed",
    hcpcs_xlsx_survives_mutations => "load_hcpcs_xlsx",
    cpt_ama_survives_mutations => "load_cpt_ama",
    cpt_hierarchy_survives_mutations => "load_cpt_hierarchy",
    synonyms_survive_mutations => "load_synonyms",
    manifest_survives_mutations => "load_manifest",
    ncci_ptp_survives_mutations => "load_ncci_ptp",
    ncci_mue_survives_mutations => "load_ncci_mue",
    ncci_aoc_survives_mutations => "load_ncci_aoc",
    hcc_survives_mutations => "load_hcc",
    mce_survives_mutations => "load_mce",
    search_survives_mutations => "search",
}
