//! Token tables built once from the catalog, so that a query touches only the
//! words it names instead of every entry: postings per word (phrase and alias
//! words in a sorted map for prefix ranges, summary words in a hash map for
//! exact hits), whole names for exact matches, and per-entry fields folded to
//! lowercase ahead of time.

use crate::catalog::{Catalog, Entry, Status};
use std::collections::{BTreeMap, HashMap};

/// Splits text into lowercase search words: letters and digits, keeping dots
/// inside a word so that `5.7.1` and `next.js` stay whole.
pub(crate) fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric() && c != '.')
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Text folded the way queries are: its words joined by single spaces, so
/// `Request-URI Too Long`, `request uri too long` and `REQUEST_URI_TOO_LONG`
/// are the same key.
pub(crate) fn folded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in words(s) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
    }
    out
}

/// A fixed-size set of entry positions.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Bits(Vec<u64>);

impl Bits {
    pub(crate) fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    pub(crate) fn full(n: usize) -> Bits {
        let mut b = Bits::empty(n);
        for i in 0..n {
            b.set(i);
        }
        b
    }

    pub(crate) fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub(crate) fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    pub(crate) fn and(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub(crate) fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The positions in the set, in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(k * 64 + bit)
            })
        })
    }
}

/// Where a word occurs in one entry.
#[derive(Clone, Copy)]
pub(crate) struct Posting {
    pub(crate) item: u16,
    pub(crate) in_phrase: bool,
}

/// How a whole query can equal something an entry is called.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Exact {
    /// The registered phrase, character for character (`NOT_FOUND`).
    LiteralPhrase,
    /// The phrase, folded (`multi status` for `Multi-Status`).
    Phrase,
    /// One of the entry's aliases, character for character.
    LiteralAlias,
    /// One of the entry's aliases, folded (older names, common symptoms).
    Alias,
    /// A library constant naming the code (`http.StatusTeapot`, `TooManyRequests`).
    Constant,
}

/// One entry with its fields prepared for matching.
pub(crate) struct Item<'a> {
    pub(crate) entry: &'a Entry,
    pub(crate) code: String,
    pub(crate) id: String,
    pub(crate) class: Option<String>,
    pub(crate) unofficial: bool,
    /// Rank in (protocol, numeric code, code) order: the tie-breaker.
    pub(crate) order: u32,
    pub(crate) phrase_words: u32,
    /// The phrase folded, for "the query is a run of the phrase's words".
    pub(crate) phrase_folded: String,
    /// Aliases folded, for "the query is part of an alias".
    pub(crate) aliases: Vec<String>,
}

/// Everything a query is matched against, derived from the catalog alone.
pub(crate) struct Tables<'a> {
    pub(crate) items: Vec<Item<'a>>,
    /// Phrase and alias words, sorted so a prefix is one range.
    pub(crate) text_words: BTreeMap<String, Vec<Posting>>,
    /// Summary words, matched only whole.
    pub(crate) summary_words: HashMap<String, Vec<u16>>,
    /// Folded phrases, aliases and constants, and literal lowercase phrases.
    pub(crate) exact: HashMap<String, Vec<(u16, Exact)>>,
    /// The longest phrase or alias word, in characters.
    pub(crate) longest_word: usize,
}

impl<'a> Tables<'a> {
    pub(crate) fn new(catalog: &'a Catalog) -> Tables<'a> {
        let entries: Vec<&Entry> = catalog.entries().collect();
        assert!(
            entries.len() <= usize::from(u16::MAX),
            "entry positions are stored as u16"
        );
        let mut sorted: Vec<usize> = (0..entries.len()).collect();
        sorted.sort_by_cached_key(|&i| {
            let e = entries[i];
            (
                e.protocol,
                e.code.parse::<u64>().unwrap_or(u64::MAX),
                e.code.clone(),
            )
        });
        let mut order = vec![0u32; entries.len()];
        for (rank, &i) in sorted.iter().enumerate() {
            order[i] = rank as u32;
        }

        let mut text_words: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        let mut summary_words: HashMap<String, Vec<u16>> = HashMap::new();
        let mut exact: HashMap<String, Vec<(u16, Exact)>> = HashMap::new();
        let mut add_exact = |key: String, item: u16, kind: Exact| {
            if key.is_empty() {
                return;
            }
            let list = exact.entry(key).or_default();
            if !list.iter().any(|(i, k)| *i == item && *k == kind) {
                list.push((item, kind));
            }
        };
        let mut items = Vec::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            let n = i as u16;
            let mut add_word = |w: String, in_phrase: bool| {
                let list = match text_words.get_mut(w.as_str()) {
                    Some(list) => list,
                    None => text_words.entry(w).or_default(),
                };
                match list.last_mut() {
                    Some(p) if p.item == n => p.in_phrase |= in_phrase,
                    _ => list.push(Posting { item: n, in_phrase }),
                }
            };
            let phrase_words: Vec<String> = words(&e.phrase).collect();
            for w in &phrase_words {
                add_word(w.clone(), true);
            }
            for a in &e.aliases {
                for w in words(a) {
                    add_word(w, false);
                }
            }
            for w in words(&e.summary) {
                let list = match summary_words.get_mut(w.as_str()) {
                    Some(list) => list,
                    None => summary_words.entry(w).or_default(),
                };
                if list.last() != Some(&n) {
                    list.push(n);
                }
            }
            add_exact(e.phrase.trim().to_lowercase(), n, Exact::LiteralPhrase);
            add_exact(folded(&e.phrase), n, Exact::Phrase);
            let aliases: Vec<String> = e.aliases.iter().map(|a| folded(a)).collect();
            for a in &aliases {
                add_exact(a.clone(), n, Exact::Alias);
            }
            for a in &e.aliases {
                add_exact(a.trim().to_lowercase(), n, Exact::LiteralAlias);
            }
            for constant in e.constants.values() {
                add_exact(folded(constant), n, Exact::Constant);
                // The name without its namespace: `StatusTeapot`, `NOT_FOUND`.
                let tail = constant
                    .rsplit(['.', ':'])
                    .next()
                    .unwrap_or(constant)
                    .trim_start_matches(':');
                add_exact(folded(tail), n, Exact::Constant);
            }
            items.push(Item {
                entry: e,
                code: e.code.to_ascii_lowercase(),
                id: e.id.to_ascii_lowercase(),
                class: e.class.as_ref().map(|c| c.key.to_ascii_lowercase()),
                unofficial: e.status == Status::Unofficial,
                order: order[i],
                phrase_words: phrase_words.len().max(1) as u32,
                phrase_folded: phrase_words.join(" "),
                aliases,
            });
        }
        let longest_word = text_words
            .keys()
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        Tables {
            items,
            text_words,
            summary_words,
            exact,
            longest_word,
        }
    }

    /// Whether `word` occurs anywhere in the catalog's phrases, aliases or
    /// summaries: such a word is real and is never "corrected".
    pub(crate) fn knows(&self, word: &str) -> bool {
        self.text_words.contains_key(word) || self.summary_words.contains_key(word)
    }
}
