//! Typo candidates without comparing against the whole vocabulary: a
//! symmetric deletion index (every phrase and alias word with up to two
//! characters deleted, pointing back at the word). A misspelt word with up to
//! two deletions meets the index at a shared key; only those few words are
//! then checked with a real edit distance. A query word costs at most
//! `len + len·(len−1)/2` hash lookups, and words longer than any indexed word
//! plus two are skipped, which bounds the work for hostile input.
//!
//! The usual alternative, a Levenshtein automaton over an FST, builds a
//! deterministic automaton per query word; its construction time and size
//! grow quickly with distance two and long words, which is the wrong shape
//! for a microsecond budget on arbitrary input.

use super::tables::Tables;
use std::collections::{HashMap, HashSet};

/// The largest edit distance ever allowed.
const MAX_DISTANCE: usize = 2;

pub(crate) struct TypoIndex {
    words: Vec<String>,
    deletes: HashMap<String, Vec<u32>>,
}

/// The distance allowed for a word of `len` characters: one for short
/// words, two from six characters on.
pub(crate) fn allowed_distance(len: usize) -> usize {
    if len <= 5 { 1 } else { MAX_DISTANCE }
}

impl TypoIndex {
    pub(crate) fn new(tables: &Tables) -> TypoIndex {
        let words: Vec<String> = tables
            .text_words
            .keys()
            .filter(|w| w.chars().count() >= 3 && w.chars().all(char::is_alphabetic))
            .cloned()
            .collect();
        let mut deletes: HashMap<String, Vec<u32>> = HashMap::new();
        let mut variants = HashSet::new();
        for (i, w) in words.iter().enumerate() {
            variants.clear();
            deletions(w, MAX_DISTANCE, &mut variants);
            for v in variants.drain() {
                deletes.entry(v).or_default().push(i as u32);
            }
        }
        TypoIndex { words, deletes }
    }

    /// Indexed words within the allowed distance of `token`, closest first,
    /// with their distances. `token` is a lowercase alphabetic word.
    pub(crate) fn candidates(&self, token: &str) -> Vec<(&str, usize)> {
        let len = token.chars().count();
        let allowed = allowed_distance(len);
        let mut variants = HashSet::new();
        deletions(token, allowed, &mut variants);
        let mut seen = HashSet::new();
        let mut found: Vec<(&str, usize)> = Vec::new();
        for v in &variants {
            let Some(ids) = self.deletes.get(v.as_str()) else {
                continue;
            };
            for &id in ids {
                if !seen.insert(id) {
                    continue;
                }
                let w = self.words[id as usize].as_str();
                if w.chars().count().abs_diff(len) > allowed {
                    continue;
                }
                let d = strsim::damerau_levenshtein(token, w);
                if d <= allowed {
                    found.push((w, d));
                }
            }
        }
        found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        found
    }
}

/// Every string made from `word` by deleting up to `distance` characters,
/// the word itself included.
fn deletions(word: &str, distance: usize, out: &mut HashSet<String>) {
    out.insert(word.to_string());
    let mut frontier = vec![word.to_string()];
    for _ in 0..distance {
        let mut next = Vec::new();
        for w in &frontier {
            let chars: Vec<char> = w.chars().collect();
            if chars.len() <= 1 {
                continue;
            }
            for skip in 0..chars.len() {
                let v: String = chars
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, c)| *c)
                    .collect();
                if out.insert(v.clone()) {
                    next.push(v);
                }
            }
        }
        frontier = next;
    }
}
