//! Typo candidates without comparing against the whole vocabulary: a
//! symmetric deletion index. Every phrase and alias word is stored under the
//! hash of each string made from it by deleting up to two characters; a
//! misspelt word within the allowed distance shares at least one such string
//! with the word it was meant to be, so looking up the query word's own
//! deletions yields a handful of candidates, which are then checked with a
//! real edit distance. A query word costs at most `1 + len + len·(len−1)/2`
//! binary searches, and words longer than any indexed word plus two are never
//! looked up, which bounds the work for hostile input.
//!
//! The index is one open-addressing table of (hash, word) pairs rather than
//! a map of strings: building it allocates once and sorts nothing, and a hash
//! collision only adds a candidate that the distance check then drops.
//!
//! The usual alternative, a Levenshtein automaton run over an FST, builds a
//! deterministic automaton per query word; its construction time and size
//! grow quickly at distance two and with long words, which is the wrong
//! shape for a microsecond budget on arbitrary input.

use super::tables::Tables;

/// The largest edit distance ever allowed.
const MAX_DISTANCE: usize = 2;

pub(crate) struct TypoIndex {
    words: Vec<String>,
    /// (hash of a deletion variant, position in `words`), linear probing;
    /// a slot whose position is `EMPTY` ends a probe.
    slots: Vec<(u64, u32)>,
}

const EMPTY: u32 = u32::MAX;

/// The slot a hash starts probing at.
fn home(h: u64, mask: usize) -> usize {
    ((h ^ (h >> 29)) as usize) & mask
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
        // Variants per word: itself, one deletion, two deletions.
        let total: usize = words
            .iter()
            .map(|w| {
                let n = w.chars().count();
                1 + n + n * n.saturating_sub(1) / 2
            })
            .sum();
        let size = (total * 2).next_power_of_two();
        let mask = size - 1;
        let mut slots = vec![(0u64, EMPTY); size];
        let mut chars = Vec::new();
        for (i, w) in words.iter().enumerate() {
            chars.clear();
            chars.extend(w.chars());
            deletions(&chars, MAX_DISTANCE, |h| {
                let mut k = home(h, mask);
                while slots[k].1 != EMPTY {
                    k = (k + 1) & mask;
                }
                slots[k] = (h, i as u32);
            });
        }
        TypoIndex { words, slots }
    }

    /// Indexed words within the allowed distance of `token`, closest first,
    /// with their distances. `token` is a lowercase alphabetic word.
    pub(crate) fn candidates(&self, token: &str) -> Vec<(&str, usize)> {
        let chars: Vec<char> = token.chars().collect();
        let allowed = allowed_distance(chars.len());
        let mut ids = Vec::new();
        let mask = self.slots.len() - 1;
        deletions(&chars, allowed, |h| {
            let mut k = home(h, mask);
            while self.slots[k].1 != EMPTY {
                if self.slots[k].0 == h {
                    ids.push(self.slots[k].1);
                }
                k = (k + 1) & mask;
            }
        });
        ids.sort_unstable();
        ids.dedup();
        let mut found: Vec<(&str, usize)> = ids
            .into_iter()
            .map(|id| self.words[id as usize].as_str())
            .filter(|w| w.chars().count().abs_diff(chars.len()) <= allowed)
            .map(|w| (w, strsim::damerau_levenshtein(token, w)))
            .filter(|&(_, d)| d <= allowed)
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        found
    }
}

/// Calls `emit` with the hash of `word` and of every string made from it by
/// deleting up to `distance` (at most two) characters. Repeats are possible
/// (deleting either `l` of `ll`); callers deduplicate.
fn deletions(word: &[char], distance: usize, mut emit: impl FnMut(u64)) {
    let n = word.len();
    emit(hash_without(word, n, n));
    if distance >= 1 {
        for i in 0..n {
            emit(hash_without(word, i, n));
        }
    }
    if distance >= 2 {
        for i in 0..n {
            for j in i + 1..n {
                emit(hash_without(word, i, j));
            }
        }
    }
}

/// FNV-1a over the characters of `word`, skipping positions `a` and `b`
/// (pass `word.len()` to skip nothing).
fn hash_without(word: &[char], a: usize, b: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, c) in word.iter().enumerate() {
        if k == a || k == b {
            continue;
        }
        h ^= u64::from(*c as u32);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
