//! A bounded cache of search pages, keyed by the whole request (text, filters, date, page).
//!
//! Search-as-you-type traffic repeats itself: many users type the same first letters of the
//! same conditions. A page found once is served from memory until it ages out. Two
//! generations approximate least-recently-used eviction at O(1) per call: lookups promote
//! entries from the previous generation into the current one, and when the current one is
//! half the capacity it becomes the previous one (dropping the older). The cache belongs to
//! one loaded engine, so a reload starts with an empty one.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::search::{SearchPage, SearchRequest};

/// Search pages by request, at most `capacity` of them.
#[derive(Debug, Default)]
pub struct SearchCache {
    capacity: usize,
    generations: Mutex<Generations>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Debug, Default)]
struct Generations {
    current: HashMap<SearchRequest, Arc<SearchPage>>,
    previous: HashMap<SearchRequest, Arc<SearchPage>>,
}

impl Generations {
    fn insert(&mut self, request: SearchRequest, page: Arc<SearchPage>, capacity: usize) {
        if self.current.len() >= capacity.div_ceil(2) {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(request, page);
    }
}

impl SearchCache {
    /// A cache of at most `capacity` pages; 0 turns caching off.
    pub fn new(capacity: usize) -> SearchCache {
        SearchCache { capacity, ..SearchCache::default() }
    }

    /// Whether pages are cached at all.
    pub fn enabled(&self) -> bool {
        self.capacity > 0
    }

    /// The cached page of a request, if any.
    pub fn get(&self, request: &SearchRequest) -> Option<Arc<SearchPage>> {
        if !self.enabled() {
            return None;
        }
        let mut generations = self.lock();
        let found = match generations.current.get(request) {
            Some(page) => Some(page.clone()),
            None => generations.previous.remove_entry(request).map(|(request, page)| {
                generations.insert(request, page.clone(), self.capacity);
                page
            }),
        };
        drop(generations);
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Remembers the page of a request.
    pub fn insert(&self, request: SearchRequest, page: Arc<SearchPage>) {
        if self.enabled() {
            self.lock().insert(request, page, self.capacity);
        }
    }

    /// Forgets every page.
    pub fn clear(&self) {
        let mut generations = self.lock();
        generations.current.clear();
        generations.previous.clear();
    }

    /// Pages held now.
    pub fn len(&self) -> usize {
        let generations = self.lock();
        generations.current.len() + generations.previous.len()
    }

    /// Whether no page is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lookups answered from the cache, and lookups that were not.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    fn lock(&self) -> MutexGuard<'_, Generations> {
        // A panic while holding the lock cannot leave the maps inconsistent: keep using them.
        self.generations.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Date;

    fn request(text: &str) -> SearchRequest {
        SearchRequest::new(text, Date::from_ymd(2026, 6, 1).unwrap_or_else(Date::today_utc))
    }

    fn page(total: usize) -> Arc<SearchPage> {
        Arc::new(SearchPage { total, ..SearchPage::default() })
    }

    #[test]
    fn keeps_recent_pages_within_capacity() {
        let cache = SearchCache::new(4);
        for (index, text) in ["a", "b", "c", "d", "e", "f"].into_iter().enumerate() {
            cache.insert(request(text), page(index));
            // "a" is looked up after every insert, so it is never the oldest.
            assert_eq!(cache.get(&request("a")).map(|p| p.total), Some(0), "after {text}");
        }
        assert!(cache.len() <= 4, "{} pages held", cache.len());
        assert_eq!(cache.get(&request("b")).map(|p| p.total), None);
        assert_eq!(cache.get(&request("f")).map(|p| p.total), Some(5));
        let (hits, misses) = cache.hits_and_misses();
        assert_eq!((hits, misses), (7, 1));
    }

    #[test]
    fn keys_on_the_whole_request() {
        let cache = SearchCache::new(10);
        cache.insert(request("asthma"), page(1));
        let mut other_page = request("asthma");
        other_page.offset = 10;
        assert!(cache.get(&other_page).is_none());
        let mut other_date = request("asthma");
        other_date.as_of = Date::from_ymd(2025, 1, 1).unwrap_or_else(Date::today_utc);
        assert!(cache.get(&other_date).is_none());
        assert!(cache.get(&request("asthma")).is_some());
    }

    #[test]
    fn capacity_zero_caches_nothing() {
        let cache = SearchCache::new(0);
        cache.insert(request("asthma"), page(1));
        assert!(cache.get(&request("asthma")).is_none());
        assert!(cache.is_empty());
    }
}
