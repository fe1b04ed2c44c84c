//! The loaded state the service answers from: the catalog of releases and its index.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::alpha_index::IndexReleases;
use crate::claims::claim::ClaimRules;
use crate::codes::{Catalog, CodeSystem, Date, Release, ReleaseId};
use crate::index::{indexed_first, CodeIndex, IndexError, SearchCache, SearchPage, SearchRequest, Synonyms};
use crate::loaders::manifest::Manifest;
use crate::loaders::LoadError;
use crate::notes::Suggesters;

/// Longest a search waits for the releases indexed after start-up (indexing them takes a
/// few seconds; a caller's own deadline usually ends the wait first).
pub const INDEX_WAIT_LIMIT: Duration = Duration::from_secs(60);

/// Why the engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A release file (or the manifest) was refused.
    #[error("release load failed: {0}")]
    Load(#[from] LoadError),
    /// The index could not be built or opened.
    #[error(transparent)]
    Index(#[from] IndexError),
    /// The releases loaded, but a check of them refused them (see [`Engine::load_checked`]).
    #[error("{0}")]
    Refused(String),
}

/// Catalog and index, built together.
#[derive(Debug)]
pub struct Engine {
    /// Every loaded release.
    pub catalog: Catalog,
    /// The full-text index over the catalog.
    pub index: CodeIndex,
    /// The Alphabetic Index releases.
    pub alpha_indexes: IndexReleases,
    /// The claim rule sets.
    pub claim_rules: ClaimRules,
    /// Time taken to load the releases.
    pub load_time: Duration,
    /// Time taken to build or open the index.
    pub index_time: Duration,
    /// Recent search pages (empty and off unless set with [`Engine::with_search_cache`]).
    pub search_cache: SearchCache,
    /// Code suggesters for notes, one per ICD-10-CM release, built on first use: start-up and
    /// resident memory do not pay for them unless notes are sent.
    pub suggesters: Suggesters,
}

impl Engine {
    /// Loads the releases of a manifest and builds (or opens) the index. Blocking.
    pub fn load(manifest_path: &Path, index_dir: Option<&PathBuf>) -> Result<Engine, EngineError> {
        Engine::load_checked(manifest_path, index_dir, |_| Ok(()))
    }

    /// [`Engine::load`], with `check` run on the loaded catalog before it is indexed; its
    /// refusal (a reason) stops the build.
    pub fn load_checked(
        manifest_path: &Path,
        index_dir: Option<&PathBuf>,
        check: impl FnOnce(&Catalog) -> Result<(), String>,
    ) -> Result<Engine, EngineError> {
        let engine = Engine::build(manifest_path, index_dir, check, |_| true, false);
        crate::memory::release_freed();
        engine
    }

    /// [`Engine::load`] for start-up: the index holds at first only the releases in force on
    /// `today` or later (with `index_dir`, every release), so that the service answers
    /// sooner; [`Engine::complete_index`] adds the releases that ended before it. Until
    /// then a search dated in one of those waits (see [`Engine::wait_for_index`]). Blocking.
    pub fn load_current_first(
        manifest_path: &Path,
        index_dir: Option<&PathBuf>,
        today: Date,
    ) -> Result<Engine, EngineError> {
        let first = |release: &Release| indexed_first(release, today);
        let engine = Engine::build(manifest_path, index_dir, |_| Ok(()), first, true);
        if engine.as_ref().map_or(true, |engine| engine.index.is_final()) {
            crate::memory::release_freed();
        }
        engine
    }

    /// Indexes the releases [`Engine::load_current_first`] left out; searches dated in them
    /// are answered from then on. Blocking.
    pub fn complete_index(&self) -> Result<(), IndexError> {
        if self.index.is_final() {
            return Ok(());
        }
        let completed = self.index.complete(&self.catalog, &self.alpha_indexes);
        // Pages cached meanwhile were answered with the words of fewer releases for spelling.
        self.search_cache.clear();
        crate::memory::release_freed();
        completed
    }

    /// Waits until the index holds the releases `request` searches (at once when it does),
    /// for at most [`INDEX_WAIT_LIMIT`]: [`IndexError::NotYetIndexed`] after that.
    pub async fn wait_for_index(&self, request: &SearchRequest) -> Result<(), IndexError> {
        let needed: Vec<ReleaseId> = request.releases(&self.catalog);
        if self.index.has_releases(&needed) {
            return Ok(());
        }
        tokio::time::timeout(INDEX_WAIT_LIMIT, self.index.wait_complete()).await.map_err(|_| IndexError::NotYetIndexed)
    }

    fn build(
        manifest_path: &Path,
        index_dir: Option<&PathBuf>,
        check: impl FnOnce(&Catalog) -> Result<(), String>,
        indexed_first: impl Fn(&Release) -> bool + Sync,
        split: bool,
    ) -> Result<Engine, EngineError> {
        let started = Instant::now();
        let manifest = Manifest::read(manifest_path)?;
        let synonyms = match &manifest.synonyms {
            Some(path) => Synonyms::load(path)?,
            None => Synonyms::default(),
        };
        let (catalog, alpha_indexes, claim_rules) = std::thread::scope(|scope| {
            let indexes = scope.spawn(|| manifest.load_indexes());
            let rules = scope.spawn(|| manifest.load_rules());
            let catalog = manifest.load_catalog();
            let indexes =
                indexes.join().unwrap_or_else(|_| Err(LoadError::file(&manifest.path, "index loader panicked")));
            let rules = rules.join().unwrap_or_else(|_| Err(LoadError::file(&manifest.path, "rule loader panicked")));
            (catalog, indexes, rules)
        });
        let (catalog, alpha_indexes, claim_rules) = (catalog?, alpha_indexes?, claim_rules?);
        check(&catalog).map_err(EngineError::Refused)?;
        let claim_rules = claim_rules.with_tabular_notes(&catalog);
        let load_time = started.elapsed();
        let index_started = Instant::now();
        let index = CodeIndex::build_part(
            &catalog,
            &alpha_indexes,
            synonyms,
            index_dir.map(PathBuf::as_path),
            indexed_first,
            split,
        )?;
        let index_time = index_started.elapsed();
        let suggesters = Suggesters::new(&catalog);
        Ok(Engine {
            catalog,
            index,
            alpha_indexes,
            claim_rules,
            load_time,
            index_time,
            search_cache: SearchCache::default(),
            suggesters,
        })
    }

    /// The same engine, caching up to `entries` search pages (0: none).
    pub fn with_search_cache(self, entries: usize) -> Engine {
        Engine { search_cache: SearchCache::new(entries), ..self }
    }

    /// A search page from the cache, when it holds one.
    pub fn cached_search(&self, request: &SearchRequest) -> Option<Arc<SearchPage>> {
        self.search_cache.get(request)
    }

    /// What building a note suggester needs beside the release.
    fn suggester_inputs(&self) -> crate::notes::SuggesterInputs<'_> {
        crate::notes::SuggesterInputs { indexes: &self.alpha_indexes, synonyms: self.index.synonyms() }
    }

    /// The ICD-10-CM suggester for notes dated `date` (the release in force then), built now
    /// if it was not yet (blocking); `None` when no ICD-10-CM release is in force.
    pub fn suggester(&self, date: Date) -> Option<&crate::suggest::Suggester> {
        let release = self.catalog.release_in_force(CodeSystem::Icd10Cm, date)?;
        self.suggesters.diagnoses(release, self.suggester_inputs())
    }

    /// The codes of `systems` that `text` supports on `date` (see [`crate::notes::code_note_in`]),
    /// with the release of each system that coded it; `Err(system)` names a system without a
    /// release in force. Blocking.
    pub fn code_note(
        &self,
        date: Date,
        systems: &[CodeSystem],
        text: &str,
        max_suggestions: usize,
        include_uncodable: bool,
    ) -> Result<(Vec<&crate::codes::Release>, crate::notes::NoteCoding), CodeSystem> {
        let mut releases = Vec::with_capacity(systems.len());
        let mut suggesters = Vec::with_capacity(systems.len());
        for &system in systems {
            let release = self.catalog.release_in_force(system, date).ok_or(system)?;
            let suggester = self.suggesters.get(release, self.suggester_inputs()).ok_or(system)?;
            releases.push(release);
            suggesters.push((system, suggester));
        }
        let analysis = crate::text::analyze(text);
        let note = crate::notes::Note { text, analysis: &analysis, max: max_suggestions, include_uncodable };
        Ok((releases, crate::notes::code_note_in(&note, &suggesters)))
    }

    /// Builds the suggesters of `systems` for notes dated `date` ahead of the first note
    /// (blocking).
    pub fn warm_suggesters(&self, systems: &[CodeSystem], date: Date) {
        self.suggesters.warm(&self.catalog, self.suggester_inputs(), systems, date);
    }

    /// Runs a search on the index (blocking) and caches the page.
    pub fn search(&self, request: &SearchRequest) -> Result<Arc<SearchPage>, IndexError> {
        let page = Arc::new(self.index.search(&self.catalog, request)?);
        self.search_cache.insert(request.clone(), page.clone());
        Ok(page)
    }
}
