//! Ranking codes for what a person types: an exact code first, then code
//! prefixes and classes (`40`, `4xx`), then names (phrases, older names and
//! aliases, library constants), then words of phrases, aliases and
//! summaries, with typo correction ("did you mean") when nothing matches as
//! typed and a partial match (most words) as the last resort.
//!
//! The web search page, the JSON API and the command line all call
//! [`index`]`().search(..)`. The work per query is bounded: the query is cut to
//! [`MAX_QUERY_CHARS`] characters and [`MAX_QUERY_WORDS`] words, each word
//! touches only its own postings in precomputed token tables, and typo
//! candidates come from a deletion index rather than a scan of the
//! vocabulary.

mod tables;
mod typo;

use crate::catalog::{Catalog, Entry, Protocol, Status};
use serde::Serialize;
use std::cmp::Reverse;
use std::sync::OnceLock;
use tables::{Bits, Exact, Item, Tables, folded, words};
use typo::TypoIndex;

/// Queries longer than this many characters are cut: no status code needs
/// more, and it keeps hostile input cheap.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words of a query are searched; later words are dropped
/// (the outcome's `query` shows what was searched).
pub const MAX_QUERY_WORDS: usize = 12;
/// Results returned when no limit is given.
pub const DEFAULT_LIMIT: usize = 10;
/// The largest limit honoured; larger ones are clamped.
pub const MAX_LIMIT: usize = 100;

/// Why a result matched, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
// Library constant names (`http.StatusTeapot`) match as `Alias`.
pub enum MatchKind {
    Code,
    CodePrefix,
    Class,
    Phrase,
    Alias,
    Words,
    Summary,
    Fuzzy,
}

impl MatchKind {
    /// Why a result matched, in words a results list can show after
    /// "Matched:".
    pub fn reason(self) -> &'static str {
        match self {
            MatchKind::Code => "the code",
            MatchKind::CodePrefix => "the start of the code",
            MatchKind::Class => "the class",
            MatchKind::Phrase => "the name",
            MatchKind::Alias => "an older name, a common name or a library constant",
            MatchKind::Words => "words of the name and its common names",
            MatchKind::Summary => "words of the one-line summary",
            MatchKind::Fuzzy => "most of the words",
        }
    }
}

/// What a query that is exactly a code names: one entry, or a code that
/// several vendors share (`420`), whose page lists every meaning.
#[derive(Clone, Copy, Debug)]
pub enum ExactCode<'a> {
    One(&'a Entry),
    Shared(Protocol, &'a str),
}

/// The code a query names exactly, if it names one: a code or id (`404`,
/// `444-nginx`, `5.7.1`, `X.7.1`), optionally after a protocol name (`smtp
/// 5.7.1`) or filtered to `protocol`; `dns ede 18` names Extended DNS
/// Error 18. A bare number means HTTP when HTTP has it, as everywhere.
/// Names and words are not exact codes: they are searched.
pub fn exact<'a>(
    catalog: &'a Catalog,
    protocol: Option<Protocol>,
    query: &'a str,
) -> Option<ExactCode<'a>> {
    let q = query.trim();
    let (named, rest) = match q.split_once(char::is_whitespace) {
        Some((first, rest)) => match Protocol::from_slug(&first.to_ascii_lowercase()) {
            Some(p) => (Some(p), rest.trim()),
            None => (None, q),
        },
        None => (None, q),
    };
    let protocol = match (protocol, named) {
        (Some(a), Some(b)) if a != b => return None,
        (a, b) => a.or(b),
    };
    let ede = rest
        .strip_prefix("ede ")
        .or_else(|| rest.strip_prefix("EDE "))
        .map(str::trim);
    if let Some(n) = ede {
        if protocol.is_some_and(|p| p != Protocol::Dns) || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return catalog
            .protocol(Protocol::Dns)?
            .entries
            .iter()
            .find(|e| e.kind == Some(crate::catalog::Kind::Ede) && e.code == n)
            .map(ExactCode::One);
    }
    if let Some(e) = code_with_phrase(catalog, protocol, rest) {
        return Some(ExactCode::One(e));
    }
    let code_like = !rest.is_empty()
        && rest.len() <= 16
        && rest.chars().any(|c| c.is_ascii_digit())
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !code_like {
        return None;
    }
    let found = catalog.lookup(protocol, rest).entries;
    let first = *found.first()?;
    let same = |e: &Entry| e.code.eq_ignore_ascii_case(rest) || e.id.eq_ignore_ascii_case(rest);
    if !found.iter().all(|e| same(e)) {
        return None;
    }
    Some(if found.len() == 1 {
        ExactCode::One(first)
    } else {
        ExactCode::Shared(first.protocol, rest)
    })
}

/// A code followed by its own phrase, as a status line or a log writes it
/// (`404 Not Found`, `HTTP/1.1 407 Proxy Authentication Required`, `SIP/2.0
/// 486 Busy Here`), names that code: the words must be the entry's phrase
/// (or the name it is known by), in any case and spacing.
fn code_with_phrase<'a>(
    catalog: &'a Catalog,
    protocol: Option<Protocol>,
    rest: &str,
) -> Option<&'a Entry> {
    let (first, tail) = rest.split_once(char::is_whitespace)?;
    let (protocol, code, phrase) = match first.to_ascii_uppercase() {
        v if v.starts_with("HTTP/") => {
            let (code, phrase) = tail.trim().split_once(char::is_whitespace)?;
            (Some(Protocol::Http), code, phrase)
        }
        v if v.starts_with("SIP/") => {
            let (code, phrase) = tail.trim().split_once(char::is_whitespace)?;
            (Some(Protocol::Sip), code, phrase)
        }
        _ => (protocol, first, tail),
    };
    if !code.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let words = |text: &str| {
        text.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    let wanted = words(phrase);
    let found = catalog.lookup(protocol, code).entries;
    let mut named = found.into_iter().filter(|e| {
        words(&e.phrase) == wanted || e.known_as.as_deref().is_some_and(|k| words(k) == wanted)
    });
    let one = named.next()?;
    named.next().is_none().then_some(one)
}

/// One ranked result.
#[derive(Clone, Debug, Serialize)]
pub struct Hit<'a> {
    pub entry: &'a Entry,
    /// Higher is better; comparable only within one search.
    pub score: u32,
    pub matched: MatchKind,
}

/// The result of one search.
#[derive(Clone, Debug, Serialize)]
pub struct SearchOutcome<'a> {
    /// The query as it was understood (lowercased, whitespace collapsed, cut
    /// to [`MAX_QUERY_CHARS`] characters and [`MAX_QUERY_WORDS`] words).
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    /// The corrected query that produced the results, when the typed one found nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// How many codes matched before the limit was applied.
    pub total: usize,
    pub results: Vec<Hit<'a>>,
}

/// Words that say "this is a status code" without narrowing it down:
/// `error 404` and `404 status code` are searched as `404`, and partial
/// matches do not count them.
const FILLERS: &[&str] = &[
    "error", "code", "status", "response", "reply", "what", "is", "does", "mean", "means",
    "meaning", "the", "a",
];

/// The prepared search structures over one catalog. Build it once (see
/// [`index`]); a search then allocates only for its own words and results.
pub struct SearchIndex<'a> {
    catalog: &'a Catalog,
    tables: Tables<'a>,
    /// Built on the first query that needs a correction.
    typos: OnceLock<TypoIndex>,
}

/// Which entries one query word matches, by field.
struct WordBits {
    /// A phrase word equals or starts with it.
    phrase: Bits,
    /// A phrase word equals it.
    phrase_exact: Bits,
    /// A phrase or alias word equals or starts with it.
    text: Bits,
    /// As `text`, or a summary word equals it.
    any: Bits,
}

impl<'a> SearchIndex<'a> {
    /// Prepares the token tables for `catalog` (the typo index follows
    /// lazily, on the first query that needs it).
    pub fn new(catalog: &'a Catalog) -> SearchIndex<'a> {
        SearchIndex {
            catalog,
            tables: Tables::new(catalog),
            typos: OnceLock::new(),
        }
    }

    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    /// Ranks the catalog for `query` and returns at most `limit` results
    /// (clamped to 1..=[`MAX_LIMIT`]). Never fails: nonsense finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> SearchOutcome<'a> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let normalized = normalize(query);
        // A name that starts with a protocol's name ("websocket upgrade") is
        // a name, not a protocol filter.
        let (protocol, rest) = if self.tables.exact.contains_key(&folded(&normalized)) {
            (None, normalized.clone())
        } else {
            split_protocol(&normalized)
        };
        let mut outcome = SearchOutcome {
            query: normalized.clone(),
            protocol,
            did_you_mean: None,
            total: 0,
            results: Vec::new(),
        };
        let mut hits = self.rank(protocol, &rest);
        // A code with its own phrase ("404 not found") names that code:
        // it comes first, before codes whose other words match.
        if let Some(e) = code_with_phrase(self.catalog, protocol, &rest) {
            let top = hits.first().map_or(0, |h| h.score).saturating_add(1);
            hits.retain(|h| !std::ptr::eq(h.entry, e));
            hits.insert(
                0,
                Hit {
                    entry: e,
                    score: top,
                    matched: MatchKind::Code,
                },
            );
        }
        let corrected = if hits.is_empty() {
            self.correct(&rest)
        } else {
            None
        };
        if let Some(c) = &corrected {
            hits = self.rank(protocol, c);
        }
        if hits.is_empty() {
            // Most of the words, corrected where that helped.
            hits = self.partial(protocol, corrected.as_deref().unwrap_or(&rest));
        }
        if !hits.is_empty()
            && let Some(c) = corrected
        {
            outcome.did_you_mean = Some(match protocol {
                Some(p) => format!("{} {c}", p.slug()),
                None => c,
            });
        }
        // `5.7.1` is the registered X.7.1 read in class 5: show that code.
        if let Some(variant) = self.enhanced_variant(protocol, &rest) {
            for h in hits.iter_mut() {
                if h.matched == MatchKind::Code
                    && variant.base_id.as_deref() == Some(h.entry.id.as_str())
                {
                    h.entry = variant;
                }
            }
        }
        outcome.total = hits.len();
        hits.truncate(limit);
        outcome.results = hits;
        outcome
    }

    /// The SMTP enhanced code read in a class that `query` is (`5.7.1`).
    fn enhanced_variant(&self, protocol: Option<Protocol>, query: &str) -> Option<&'a Entry> {
        if protocol.is_some_and(|p| p != Protocol::Smtp) {
            return None;
        }
        let q = query.trim();
        if !q.starts_with(['2', '4', '5']) || q.split('.').count() != 3 {
            return None;
        }
        self.catalog
            .get(Protocol::Smtp, q)
            .filter(|e| e.base_id.is_some())
    }

    fn in_scope(&self, protocol: Option<Protocol>, i: usize) -> bool {
        protocol.is_none_or(|p| self.tables.items[i].entry.protocol == p)
    }

    /// Scores every entry that matches all of the query's words (or its
    /// code), best first.
    fn rank(&self, protocol: Option<Protocol>, query: &str) -> Vec<Hit<'a>> {
        let items = &self.tables.items;
        let all_tokens: Vec<String> = words(query).collect();
        if all_tokens.is_empty() {
            // A bare protocol name lists that protocol.
            let Some(p) = protocol else {
                return Vec::new();
            };
            let mut hits: Vec<(usize, u32, MatchKind)> = (0..items.len())
                .filter(|&i| items[i].entry.protocol == p)
                .map(|i| (i, 100, MatchKind::Class))
                .collect();
            return self.finish(&mut hits);
        }
        let tokens = distinct(&all_tokens);
        let trimmed = query.trim();
        let mut best: Vec<Option<(u32, MatchKind)>> = vec![None; items.len()];
        let mut raise = |i: usize, score: u32, kind: MatchKind| {
            if best[i].is_none_or(|(s, _)| s < score) {
                best[i] = Some((score, kind));
            }
        };

        // Codes, prefixes and classes: the whole query, or its one code-like
        // word when the others only say "error" or "status code".
        let mut code_like = self.code_scan(protocol, trimmed, &mut raise);
        if !code_like && all_tokens.len() > 1 {
            let (codes, other): (Vec<&String>, Vec<&String>) = all_tokens
                .iter()
                .partition(|t| t.chars().any(|c| c.is_ascii_digit()));
            if codes.len() == 1 && other.iter().all(|t| FILLERS.contains(&t.as_str())) {
                code_like = self.code_scan(protocol, codes[0], &mut raise);
            }
        }
        let text_penalty = if code_like { 300 } else { 0 };

        // Whole names.
        let folded_query = all_tokens.join(" ");
        for (key, literal) in [(trimmed, true), (folded_query.as_str(), false)] {
            for &(i, kind) in self.tables.exact.get(key).into_iter().flatten() {
                let i = usize::from(i);
                if !self.in_scope(protocol, i) {
                    continue;
                }
                // HTTP is the default protocol (a bare number means HTTP), so
                // a name HTTP gives a code, its current phrase or a former or
                // common one, ranks first; elsewhere the registered phrase
                // ranks before an alias. Typed character for character
                // (`NOT_FOUND`, `Request-URI Too Long`) adds 4: enough to
                // order two names of one rank, never enough to lift another
                // protocol's alias over a registered phrase.
                let alias = if items[i].entry.protocol == Protocol::Http {
                    955
                } else {
                    945
                };
                let (score, matched): (u32, MatchKind) = match (kind, literal) {
                    (Exact::LiteralPhrase, true) => (954, MatchKind::Phrase),
                    (Exact::LiteralAlias, true) => (alias + 4, MatchKind::Alias),
                    (Exact::Phrase, false) => (950, MatchKind::Phrase),
                    (Exact::Alias, false) => (alias, MatchKind::Alias),
                    (Exact::Constant, false) => (940, MatchKind::Alias),
                    _ => continue,
                };
                raise(i, score.saturating_sub(text_penalty), matched);
            }
        }

        // Words.
        let bits: Vec<WordBits> = tokens.iter().map(|t| self.word_bits(t)).collect();
        let mut all_phrase = Bits::full(items.len());
        let mut all_text = Bits::full(items.len());
        let mut all_any = Bits::full(items.len());
        for b in &bits {
            all_phrase.and(&b.phrase);
            all_text.and(&b.text);
            all_any.and(&b.any);
        }
        for i in all_any.iter() {
            if !self.in_scope(protocol, i) {
                continue;
            }
            let item = &items[i];
            let (score, kind) = if all_phrase.has(i) {
                let exact = bits.iter().filter(|b| b.phrase_exact.has(i)).count() as u32;
                let coverage = (tokens.len() as u32 * 20 / item.phrase_words).min(20);
                let contiguous = if item.phrase_folded.starts_with(&folded_query) {
                    25
                } else if item.phrase_folded.contains(&folded_query) {
                    15
                } else {
                    0
                };
                (600 + exact * 10 + coverage + contiguous, MatchKind::Phrase)
            } else if all_text.has(i) {
                if item
                    .aliases
                    .iter()
                    .any(|a| contains_words(a, &folded_query))
                {
                    (560, MatchKind::Alias)
                } else {
                    (500 + alias_coverage(item, &tokens), MatchKind::Words)
                }
            } else {
                (300, MatchKind::Summary)
            };
            raise(i, score.saturating_sub(text_penalty), kind);
        }

        let mut hits: Vec<(usize, u32, MatchKind)> = best
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.map(|(s, k)| (i, s, k)))
            .collect();
        self.finish(&mut hits)
    }

    /// Sorts scored positions (best score, then official before unofficial,
    /// then protocol and code order) into hits.
    fn finish(&self, hits: &mut [(usize, u32, MatchKind)]) -> Vec<Hit<'a>> {
        let items = &self.tables.items;
        hits.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then(items[a.0].unofficial.cmp(&items[b.0].unofficial))
                .then(items[a.0].order.cmp(&items[b.0].order))
        });
        hits.iter()
            .map(|&(i, score, matched)| Hit {
                entry: items[i].entry,
                score,
                matched,
            })
            .collect()
    }

    /// Scores codes written as numbers, prefixes, classes (`4xx`, `5yz`)
    /// and SMTP enhanced codes with their class digit (`5.7.1` finds
    /// `X.7.1`). Returns whether anything matched.
    fn code_scan(
        &self,
        protocol: Option<Protocol>,
        q: &str,
        raise: &mut impl FnMut(usize, u32, MatchKind),
    ) -> bool {
        if q.is_empty()
            || !q
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return false;
        }
        let numeric = q.chars().all(|c| c.is_ascii_digit() || c == '.');
        let enhanced_rest = q
            .strip_prefix(['2', '4', '5'])
            .filter(|rest| rest.starts_with('.'));
        let mut any = false;
        for (i, item) in self.tables.items.iter().enumerate() {
            if !self.in_scope(protocol, i) {
                continue;
            }
            let penalty = if item.unofficial { 10 } else { 0 };
            let found = if item.code == q || item.id == q {
                Some((1000 - penalty, MatchKind::Code))
            } else if enhanced_rest.is_some_and(|rest| item.code.strip_prefix('x') == Some(rest)) {
                Some((1000, MatchKind::Code))
            } else if numeric && item.code.starts_with(q) {
                let gap = (item.code.len() - q.len()).min(20) as u32;
                Some((800 - gap * 10 - penalty, MatchKind::CodePrefix))
            } else if item.class.as_deref() == Some(q) {
                Some((700 - penalty, MatchKind::Class))
            } else {
                None
            };
            if let Some((score, kind)) = found {
                raise(i, score, kind);
                any = true;
            }
        }
        any
    }

    /// The entries one query word matches, by field. Words of two or more
    /// characters also match as the start of a longer word.
    fn word_bits(&self, token: &str) -> WordBits {
        let n = self.tables.items.len();
        let mut b = WordBits {
            phrase: Bits::empty(n),
            phrase_exact: Bits::empty(n),
            text: Bits::empty(n),
            any: Bits::empty(n),
        };
        // A word with a digit is part of a code: `5.7.1` is not the start
        // of `5.7.10`.
        let prefix = token.chars().count() >= 2 && !token.chars().any(|c| c.is_ascii_digit());
        let range = self
            .tables
            .text_words
            .range::<str, _>((std::ops::Bound::Included(token), std::ops::Bound::Unbounded))
            .take_while(|(w, _)| w.starts_with(token));
        for (w, postings) in range {
            let exact = w == token;
            if !exact && !prefix {
                break;
            }
            for p in postings {
                let i = usize::from(p.item);
                b.text.set(i);
                if p.in_phrase {
                    b.phrase.set(i);
                    if exact {
                        b.phrase_exact.set(i);
                    }
                }
            }
        }
        b.any = b.text.clone();
        for &i in self.tables.summary_words.get(token).into_iter().flatten() {
            b.any.set(usize::from(i));
        }
        b
    }

    /// Replaces each unknown word by the closest known one, preferring words
    /// that occur together with the rest of the query, or splits a word
    /// typed without its space (`ratelimited`). A word that occurs anywhere
    /// in the catalog is real and is left alone, so a correction never
    /// trades one meaning for another.
    fn correct(&self, query: &str) -> Option<String> {
        let tokens: Vec<String> = words(query).take(MAX_QUERY_WORDS).collect();
        if tokens.is_empty()
            || tokens
                .iter()
                .all(|t| t.chars().all(|c| c.is_ascii_digit() || c == '.'))
        {
            return None;
        }
        let n = self.tables.items.len();
        // What the words that do match have in common.
        let mut context = Bits::full(n);
        let mut unknown = Vec::with_capacity(tokens.len());
        for t in &tokens {
            let b = self.word_bits(t);
            let correctable = !b.any.is_empty()
                || t.chars().count() < 3
                || !t.chars().all(char::is_alphabetic)
                || self.tables.knows(t)
                || t.chars().count() > self.tables.longest_word + 2;
            unknown.push(!correctable);
            if !b.any.is_empty() {
                let mut narrowed = context.clone();
                narrowed.and(&b.any);
                if !narrowed.is_empty() {
                    context = narrowed;
                }
            }
        }
        if !unknown.iter().any(|u| *u) {
            return None;
        }
        let typos = self.typos.get_or_init(|| TypoIndex::new(&self.tables));
        let mut changed = false;
        let mut corrected = Vec::with_capacity(tokens.len());
        for (t, is_unknown) in tokens.iter().zip(unknown) {
            if !is_unknown {
                corrected.push(t.clone());
                continue;
            }
            if let Some((left, right)) = self.split_joined(t) {
                changed = true;
                corrected.push(format!("{left} {right}"));
                continue;
            }
            // Sharing entries with the other words first, then the nearest,
            // then the most shared, then the most common.
            let best = typos
                .candidates(t)
                .into_iter()
                .min_by_key(|&(w, distance)| {
                    let with = self.word_items(w);
                    let total = with.count();
                    let mut shared = with;
                    shared.and(&context);
                    let together = shared.count();
                    (together == 0, distance, Reverse(together), Reverse(total))
                });
            match best {
                Some((w, _)) => {
                    changed = true;
                    let mut shared = self.word_items(w);
                    shared.and(&context);
                    if !shared.is_empty() {
                        context = shared;
                    }
                    corrected.push(w.to_string());
                }
                None => corrected.push(t.clone()),
            }
        }
        changed.then(|| corrected.join(" "))
    }

    /// The entries whose phrase or aliases contain `word` whole.
    fn word_items(&self, word: &str) -> Bits {
        let mut b = Bits::empty(self.tables.items.len());
        for p in self.tables.text_words.get(word).into_iter().flatten() {
            b.set(usize::from(p.item));
        }
        b
    }

    /// `ratelimited` → (`rate`, `limited`) when both halves are phrase or
    /// alias words of three letters or more.
    fn split_joined<'t>(&self, token: &'t str) -> Option<(&'t str, &'t str)> {
        if token.len() < 6 || !token.is_ascii() {
            return None;
        }
        (3..=token.len() - 3)
            .map(|k| token.split_at(k))
            .find(|(l, r)| {
                self.tables.text_words.contains_key(*l) && self.tables.text_words.contains_key(*r)
            })
    }

    /// The last resort for long or partly unknown queries: entries matching
    /// most of the words that carry meaning (at least half, at least one).
    fn partial(&self, protocol: Option<Protocol>, query: &str) -> Vec<Hit<'a>> {
        let all: Vec<String> = words(query).collect();
        let tokens: Vec<String> = distinct(&all)
            .into_iter()
            .filter(|t| !FILLERS.contains(&t.as_str()))
            .collect();
        if tokens.is_empty() {
            return Vec::new();
        }
        let n = self.tables.items.len();
        let mut counts = vec![0u32; n];
        for t in &tokens {
            for i in self.word_bits(t).any.iter() {
                counts[i] += 1;
            }
        }
        let needed = (tokens.len() as u32).div_ceil(2).max(1);
        let mut hits: Vec<(usize, u32, MatchKind)> = counts
            .iter()
            .enumerate()
            .filter(|&(i, &c)| c >= needed && self.in_scope(protocol, i))
            .map(|(i, &c)| (i, 100 + c * 100 / tokens.len() as u32, MatchKind::Fuzzy))
            .collect();
        self.finish(&mut hits)
    }
}

/// Whether `words` (folded text) holds `part` as whole words, or, when
/// `part` has no digit, as the start of a word (`rate lim` in `rate
/// limited`); a code is never found inside a longer one.
fn contains_words(words: &str, part: &str) -> bool {
    if !part.chars().any(|c| c.is_ascii_digit()) {
        return words.contains(part);
    }
    words.match_indices(part).any(|(i, _)| {
        let before = words[..i].chars().next_back();
        let after = words[i + part.len()..].chars().next();
        before.is_none_or(|c| c == ' ') && after.is_none_or(|c| c == ' ')
    })
}

/// The query's words without repeats, in order, at most [`MAX_QUERY_WORDS`].
fn distinct(tokens: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tokens {
        if !out.contains(t) {
            out.push(t.clone());
            if out.len() == MAX_QUERY_WORDS {
                break;
            }
        }
    }
    out
}

/// How much of its best-matching alias the query covers, 0 to 20: breaks
/// ties between entries that all have the query's words somewhere.
fn alias_coverage(item: &Item, tokens: &[String]) -> u32 {
    item.aliases
        .iter()
        .map(|a| {
            let words: Vec<&str> = a.split(' ').collect();
            let hit = words
                .iter()
                .filter(|w| tokens.iter().any(|t| w.starts_with(t.as_str())))
                .count();
            (hit * 20 / words.len().max(1)) as u32
        })
        .max()
        .unwrap_or(0)
}

/// Lowercases, collapses whitespace and cuts to the length and word limits.
fn normalize(query: &str) -> String {
    let cut: String = query.chars().take(MAX_QUERY_CHARS).collect();
    cut.split_whitespace()
        .take(MAX_QUERY_WORDS)
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// "smtp 5.7.1" -> (SMTP, "5.7.1"); a query that does not start with a
/// protocol name is searched in every protocol.
fn split_protocol(query: &str) -> (Option<Protocol>, String) {
    if let Some((first, rest)) = query.split_once(' ')
        && let Some(p) = Protocol::from_slug(first)
    {
        return (Some(p), rest.to_string());
    }
    if let Some(p) = Protocol::from_slug(query) {
        return (Some(p), String::new());
    }
    (None, query.to_string())
}

/// The JSON shape of a search: results as short entry references.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SearchJson<'a> {
    pub query: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<Protocol>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<&'a str>,
    pub total: usize,
    pub results: Vec<JsonHit<'a>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct JsonHit<'a> {
    pub score: u32,
    pub matched: MatchKind,
    /// `matched` in words ("the code", "an older name, ...").
    pub why: &'static str,
    /// The code as lists show it: `code`, or `EDE 18` for an Extended DNS
    /// Error, which shares its numbers with the RCODEs.
    pub display_code: String,
    /// The site path of the code's page, where a web surface answers
    /// (`/http/407`); absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html_url: Option<String>,
    #[serde(flatten)]
    pub entry: crate::catalog::EntryRef<'a>,
}

impl<'a> From<&'a SearchOutcome<'a>> for SearchJson<'a> {
    fn from(o: &'a SearchOutcome<'a>) -> SearchJson<'a> {
        SearchJson {
            query: &o.query,
            protocol: o.protocol,
            did_you_mean: o.did_you_mean.as_deref(),
            total: o.total,
            results: o
                .results
                .iter()
                .map(|h| JsonHit {
                    score: h.score,
                    matched: h.matched,
                    why: h.matched.reason(),
                    display_code: h.entry.display_code(),
                    html_url: None,
                    entry: h.entry.into(),
                })
                .collect(),
        }
    }
}

static INDEX: OnceLock<SearchIndex<'static>> = OnceLock::new();

/// The search index over the embedded catalog, built on first use.
pub fn index() -> &'static SearchIndex<'static> {
    INDEX.get_or_init(|| SearchIndex::new(crate::catalog::catalog()))
}

/// Codes to suggest when a lookup finds nothing: the nearest codes by number
/// for numeric input, the best search results for words.
pub fn suggestions<'a>(
    index: &SearchIndex<'a>,
    protocol: Option<Protocol>,
    input: &str,
) -> Vec<&'a Entry> {
    let trimmed: String = input.trim().chars().take(MAX_QUERY_CHARS).collect();
    if let Ok(n) = trimmed.parse::<u64>() {
        let mut near: Vec<&Entry> = index
            .catalog()
            .entries()
            .filter(|e| protocol.is_none_or(|p| p == e.protocol) && e.status != Status::Unofficial)
            .filter(|e| e.code.len() == trimmed.len())
            .collect();
        // Same class first (299 suggests 2xx codes), then by distance.
        near.sort_by_key(|e| {
            let other_class = e.code.chars().next() != trimmed.chars().next();
            (
                other_class,
                e.code
                    .parse::<u64>()
                    .map(|c| c.abs_diff(n))
                    .unwrap_or(u64::MAX),
            )
        });
        near.truncate(3);
        return near;
    }
    let query = match protocol {
        Some(p) => format!("{} {trimmed}", p.slug()),
        None => trimmed,
    };
    index
        .search(&query, 3)
        .results
        .into_iter()
        .map(|h| h.entry)
        .collect()
}
