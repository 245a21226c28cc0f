//! Ranking codes for what a person types: an exact code first, then code
//! prefixes and classes (`40`, `4xx`), then phrases and aliases ("too many",
//! "proxy auth"), then fuzzy matches, with typo correction ("did you mean")
//! when nothing matches as typed.

use crate::catalog::{Catalog, Entry, Protocol, Status};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Queries longer than this are cut: no status code needs more, and it keeps
/// hostile input cheap.
pub const MAX_QUERY_CHARS: usize = 200;
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;

/// Why a result matched, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
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

#[derive(Clone, Debug, Serialize)]
pub struct Hit<'a> {
    pub entry: &'a Entry,
    pub score: u32,
    pub matched: MatchKind,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchOutcome<'a> {
    /// The query as it was understood (trimmed, lowercased, cut to length).
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

/// Per-entry words prepared once, so a search does no allocation per entry.
pub struct SearchIndex<'a> {
    catalog: &'a Catalog,
    items: Vec<Item<'a>>,
    vocabulary: BTreeSet<String>,
}

struct Item<'a> {
    entry: &'a Entry,
    phrase: String,
    phrase_words: Vec<String>,
    aliases: Vec<String>,
    alias_words: Vec<String>,
    summary_words: Vec<String>,
    name_slug: String,
    haystack: String,
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '.')
        .map(|w| w.trim_matches('.').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

impl<'a> SearchIndex<'a> {
    pub fn new(catalog: &'a Catalog) -> SearchIndex<'a> {
        let mut vocabulary = BTreeSet::new();
        let items: Vec<Item> = catalog
            .entries()
            .map(|e| {
                let phrase_words = words(&e.phrase);
                let aliases: Vec<String> = e.aliases.iter().map(|a| a.to_lowercase()).collect();
                let alias_words: Vec<String> = aliases.iter().flat_map(|a| words(a)).collect();
                for w in phrase_words.iter().chain(&alias_words) {
                    if w.len() >= 3 && w.chars().all(char::is_alphabetic) {
                        vocabulary.insert(w.clone());
                    }
                }
                Item {
                    entry: e,
                    phrase: e.phrase.to_lowercase(),
                    haystack: format!("{} {}", e.phrase, aliases.join(" ")),
                    phrase_words,
                    aliases,
                    alias_words,
                    summary_words: words(&e.summary),
                    name_slug: e.name_slug(),
                }
            })
            .collect();
        SearchIndex {
            catalog,
            items,
            vocabulary,
        }
    }

    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    pub fn search(&self, query: &str, limit: usize) -> SearchOutcome<'a> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let normalized = normalize(query);
        let (protocol, rest) = split_protocol(&normalized);
        let mut outcome = SearchOutcome {
            query: normalized.clone(),
            protocol,
            did_you_mean: None,
            total: 0,
            results: Vec::new(),
        };
        let mut hits = self.rank(protocol, &rest);
        let weak = |hits: &[Hit]| hits.iter().all(|h| h.matched == MatchKind::Fuzzy);
        if weak(&hits)
            && let Some(corrected) = self.correct(&rest)
        {
            let better = self.rank(protocol, &corrected);
            if !better.is_empty() && !weak(&better) {
                hits = better;
                outcome.did_you_mean = Some(match protocol {
                    Some(p) => format!("{} {corrected}", p.slug()),
                    None => corrected,
                });
            }
        }
        outcome.total = hits.len();
        hits.truncate(limit);
        outcome.results = hits;
        outcome
    }

    fn rank(&self, protocol: Option<Protocol>, query: &str) -> Vec<Hit<'a>> {
        let tokens = words(query);
        let mut hits: Vec<Hit> = Vec::new();
        if tokens.is_empty() {
            // A bare protocol name lists that protocol.
            if let Some(p) = protocol {
                hits = self
                    .items
                    .iter()
                    .filter(|i| i.entry.protocol == p)
                    .map(|i| Hit {
                        entry: i.entry,
                        score: 100,
                        matched: MatchKind::Class,
                    })
                    .collect();
            }
            return hits;
        }
        let trimmed = query.trim();
        let query_slug = trimmed.replace(' ', "-");
        let in_scope = |item: &&Item| protocol.is_none_or(|p| p == item.entry.protocol);
        for item in self.items.iter().filter(in_scope) {
            if let Some((score, matched)) = code_score(item.entry, trimmed)
                .or_else(|| text_score(item, trimmed, &query_slug, &tokens))
            {
                hits.push(Hit {
                    entry: item.entry,
                    score,
                    matched,
                });
            }
        }
        // Fuzzy matching is the fallback for words that match nothing as
        // typed; it is the costly pass, so it runs only then.
        if hits.is_empty() && query.len() >= 3 && query.chars().any(char::is_alphabetic) {
            let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
            let mut matcher = Matcher::new(Config::DEFAULT);
            let mut buf = Vec::new();
            for item in self.items.iter().filter(in_scope) {
                if let Some(s) =
                    pattern.score(Utf32Str::new(&item.haystack, &mut buf), &mut matcher)
                {
                    // Scattered subsequences score low; keep only tight ones.
                    let per_char = s / query.len().max(1) as u32;
                    if per_char >= 12 {
                        hits.push(Hit {
                            entry: item.entry,
                            score: 100 + s.min(199),
                            matched: MatchKind::Fuzzy,
                        });
                    }
                }
            }
        }
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(
                    (a.entry.status == Status::Unofficial)
                        .cmp(&(b.entry.status == Status::Unofficial)),
                )
                .then(a.entry.protocol.cmp(&b.entry.protocol))
                .then(code_order(a.entry).cmp(&code_order(b.entry)))
        });
        hits
    }

    /// Replaces each unknown word by the closest known one, if any is close.
    fn correct(&self, query: &str) -> Option<String> {
        let tokens = words(query);
        if tokens.is_empty()
            || tokens
                .iter()
                .all(|t| t.chars().all(|c| c.is_ascii_digit() || c == '.'))
        {
            return None;
        }
        let mut changed = false;
        let corrected: Vec<String> = tokens
            .into_iter()
            .map(|t| {
                if t.len() < 3
                    || self.vocabulary.contains(&t)
                    || !t.chars().all(char::is_alphabetic)
                {
                    return t;
                }
                let allowed = if t.len() <= 5 { 1 } else { 2 };
                let best = self
                    .vocabulary
                    .iter()
                    .filter(|w| w.len().abs_diff(t.len()) <= allowed)
                    .map(|w| (strsim::damerau_levenshtein(&t, w), w))
                    .filter(|(d, _)| *d <= allowed)
                    .min_by_key(|(d, w)| (*d, w.len().abs_diff(t.len())));
                match best {
                    Some((_, w)) => {
                        changed = true;
                        w.clone()
                    }
                    None => t,
                }
            })
            .collect();
        changed.then(|| corrected.join(" "))
    }
}

/// Sorts numeric codes by number and others by text.
fn code_order(e: &Entry) -> (u64, String) {
    (e.code.parse::<u64>().unwrap_or(u64::MAX), e.code.clone())
}

fn normalize(query: &str) -> String {
    let cut: String = query.chars().take(MAX_QUERY_CHARS).collect();
    cut.split_whitespace()
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

/// Scores codes written as numbers, prefixes, classes (`4xx`, `5yz`) and
/// SMTP enhanced codes with their class digit (`5.7.1` finds `X.7.1`).
fn code_score(e: &Entry, q: &str) -> Option<(u32, MatchKind)> {
    if q.is_empty()
        || !q
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return None;
    }
    let code = e.code.to_ascii_lowercase();
    let id = e.id.to_ascii_lowercase();
    let unofficial_penalty = if e.status == Status::Unofficial {
        10
    } else {
        0
    };
    if code == q || id == q {
        return Some((1000 - unofficial_penalty, MatchKind::Code));
    }
    if let Some(rest) = q.strip_prefix(['2', '4', '5'])
        && rest.starts_with('.')
        && code == format!("x{rest}")
    {
        return Some((1000, MatchKind::Code));
    }
    if q.chars().all(|c| c.is_ascii_digit() || c == '.') && code.starts_with(q) {
        let gap = (code.len() - q.len()) as u32;
        return Some((800 - gap * 10 - unofficial_penalty, MatchKind::CodePrefix));
    }
    if let Some(class) = &e.class
        && class.key == q
    {
        return Some((700 - unofficial_penalty, MatchKind::Class));
    }
    None
}

fn has_word(words: &[String], token: &str, prefix: bool) -> bool {
    words
        .iter()
        .any(|w| w == token || (prefix && token.len() >= 2 && w.starts_with(token)))
}

fn text_score(item: &Item, q: &str, q_slug: &str, tokens: &[String]) -> Option<(u32, MatchKind)> {
    if item.phrase == q || item.name_slug == q_slug {
        return Some((950, MatchKind::Phrase));
    }
    if item.aliases.iter().any(|a| a == q) {
        return Some((920, MatchKind::Alias));
    }
    if tokens.iter().all(|t| has_word(&item.phrase_words, t, true)) {
        let exact = tokens
            .iter()
            .filter(|t| item.phrase_words.contains(t))
            .count() as u32;
        let coverage = (tokens.len() * 20 / item.phrase_words.len().max(1)) as u32;
        return Some((600 + exact * 10 + coverage, MatchKind::Phrase));
    }
    if item.aliases.iter().any(|a| a.contains(q)) {
        return Some((560, MatchKind::Alias));
    }
    if tokens
        .iter()
        .all(|t| has_word(&item.phrase_words, t, true) || has_word(&item.alias_words, t, true))
    {
        return Some((500, MatchKind::Words));
    }
    if tokens.iter().all(|t| {
        has_word(&item.phrase_words, t, true)
            || has_word(&item.alias_words, t, true)
            || has_word(&item.summary_words, t, false)
    }) {
        return Some((300, MatchKind::Summary));
    }
    None
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
