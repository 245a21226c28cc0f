//! Extractors that resolve what a path names: a protocol, a code, or a pair
//! of codes, rejecting with the right error and suggestions. Every route that
//! names a code or a comparison, on every surface, resolves it here once.

use super::error::{WebError, shorten};
use super::routes::{self, Surface};
use crate::catalog::{Entry, Protocol, catalog};
use crate::compare;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The protocol a path names, exactly as its slug, among those with data.
pub fn protocol_of(slug: &str) -> Result<Protocol, WebError> {
    Protocol::from_slug(slug)
        .filter(|p| p.slug() == slug && catalog().protocol(*p).is_some())
        .ok_or_else(|| {
            let known: Vec<&str> = catalog().protocols().map(|p| p.protocol.slug()).collect();
            WebError::not_found(format!(
                "There is no protocol called “{}”; known protocols: {}.",
                shorten(slug),
                known.join(", ")
            ))
        })
}

/// A typed path that names one code of one protocol.
pub trait CodePath {
    /// (protocol slug, code as written).
    fn parts(&self) -> (&str, &str);

    /// Every meaning of the code, the first one shown (vendors may share a code).
    fn resolve(&self) -> Result<Vec<&'static Entry>, WebError> {
        let (protocol, code) = self.parts();
        let p = protocol_of(protocol)?;
        let found = catalog().resolve(p, code);
        if found.is_empty() {
            return Err(unknown_code(Some(p), code));
        }
        Ok(found)
    }
}

macro_rules! code_paths {
    ($($t:ty),*) => {$(
        impl CodePath for $t {
            fn parts(&self) -> (&str, &str) {
                (&self.protocol, &self.code)
            }
        }
    )*};
}
code_paths!(
    routes::CodePage,
    routes::ApiCode,
    routes::EmbedCode,
    routes::FragmentCode
);

impl CodePath for routes::EdePage {
    fn parts(&self) -> (&str, &str) {
        (&self.protocol, &self.code)
    }

    fn resolve(&self) -> Result<Vec<&'static Entry>, WebError> {
        let p = protocol_of(&self.protocol)?;
        (p == Protocol::Dns)
            .then(|| catalog().get(p, &format!("ede-{}", self.code)))
            .flatten()
            .map(|e| vec![e])
            .ok_or_else(|| {
                WebError::not_found(format!(
                    "There is no Extended DNS Error “{}”.",
                    shorten(&self.code)
                ))
            })
    }
}

/// A code a path names, resolved: the path as requested and every meaning.
pub struct Code<P> {
    pub path: P,
    pub entry: &'static Entry,
    /// Every meaning of the code; the first is `entry`.
    pub meanings: Vec<&'static Entry>,
}

impl<S, P> FromRequestParts<S> for Code<P>
where
    S: Send + Sync,
    P: CodePath + FromRequestParts<S, Rejection = WebError> + Send,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        let path = P::from_request_parts(parts, state).await?;
        let meanings = path.resolve()?;
        Ok(Code {
            entry: meanings[0],
            meanings,
            path,
        })
    }
}

/// A typed path that names two codes: `101-vs-407`, or across protocols
/// `14-vs-http` and `503`.
pub trait PairPath: std::fmt::Display {
    /// The surface the path belongs to: where its canonical URL points.
    const SURFACE: Surface;
    /// (protocol slug, `a-vs-b` or `a-vs-protocol`, second code across protocols).
    fn parts(&self) -> (&str, &str, Option<&str>);
}

macro_rules! pair_paths {
    ($($t:ty => $s:expr, $cross:tt);* $(;)?) => {$(
        impl PairPath for $t {
            const SURFACE: Surface = $s;
            fn parts(&self) -> (&str, &str, Option<&str>) {
                pair_paths!(@parts self $cross)
            }
        }
    )*};
    (@parts $self:ident same) => { (&$self.protocol, &$self.pair, None) };
    (@parts $self:ident cross) => { (&$self.protocol, &$self.pair, Some(&$self.code)) };
}
pair_paths!(
    routes::ComparePage => Surface::Page, same;
    routes::CompareCrossPage => Surface::Page, cross;
    routes::ApiCompare => Surface::Api, same;
    routes::ApiCompareCross => Surface::Api, cross;
    routes::EmbedCompare => Surface::Iframe, same;
    routes::EmbedCompareCross => Surface::Iframe, cross;
    routes::FragmentCompare => Surface::Fragment, same;
    routes::FragmentCompareCross => Surface::Fragment, cross;
);

/// Two codes a path names, in canonical order.
pub struct Pair {
    pub a: &'static Entry,
    pub b: &'static Entry,
    /// Whether the path was asked for in the canonical order.
    pub canonical: bool,
}

impl Pair {
    /// Resolves the parts of a comparison path; `surface` is where the
    /// canonical URL and the suggestions point.
    pub fn resolve(
        surface: Surface,
        requested: &str,
        protocol: &str,
        pair: &str,
        code: Option<&str>,
    ) -> Result<Pair, WebError> {
        let (a, rest) = split_pair(pair).ok_or_else(|| not_a_comparison(pair))?;
        let (pb, b) = match code {
            None => (protocol, rest),
            Some(code) => (rest, code),
        };
        let (pa, pb) = (protocol_of(protocol)?, protocol_of(pb)?);
        let catalog = catalog();
        let ea = *catalog
            .resolve(pa, a)
            .first()
            .ok_or_else(|| unknown_code(Some(pa), a))?;
        let eb = *catalog
            .resolve(pb, b)
            .first()
            .ok_or_else(|| unknown_code(Some(pb), b))?;
        let suggest = match surface {
            Surface::Api => Surface::Api,
            _ => Surface::Page,
        };
        if let Err(why) = compare::compare(catalog, ea, eb) {
            let mut e = WebError::not_found(match why {
                compare::CompareError::SameCode => format!(
                    "{} compared with itself is the same code; pick a second, different code.",
                    ea.label()
                ),
                compare::CompareError::NoMapping => format!(
                    "{} and {} are not mapped onto each other, so there is no comparison of the two.",
                    ea.label(),
                    eb.label()
                ),
            });
            e.suggestions = ea
                .related
                .iter()
                .filter_map(|id| catalog.get(pa, id))
                .map(|r| super::error::Suggestion {
                    href: routes::comparison_on(suggest, ea, r),
                    label: compare::pair_label(ea, r),
                    text: compare::pair_reason(catalog, ea, r),
                })
                .collect();
            return Err(e);
        }
        let (first, second) = compare::canonical_order(ea, eb);
        Ok(Pair {
            a: first,
            b: second,
            canonical: routes::comparison_on(surface, first, second) == requested,
        })
    }

    /// The canonical URL of this pair on `surface`.
    pub fn canonical_on(&self, surface: Surface) -> String {
        routes::comparison_on(surface, self.a, self.b)
    }
}

/// A comparison a typed path names, resolved.
pub struct Compared<P>(pub Pair, pub std::marker::PhantomData<P>);

impl<S, P> FromRequestParts<S> for Compared<P>
where
    S: Send + Sync,
    P: PairPath + FromRequestParts<S, Rejection = WebError> + Send,
{
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        let path = P::from_request_parts(parts, state).await?;
        let (protocol, pair, code) = path.parts();
        let pair = Pair::resolve(P::SURFACE, &path.to_string(), protocol, pair, code)?;
        Ok(Compared(pair, std::marker::PhantomData))
    }
}

/// Splits "101-vs-407" into its two codes.
pub fn split_pair(pair: &str) -> Option<(&str, &str)> {
    let (a, b) = pair.split_once("-vs-")?;
    (!a.is_empty() && !b.is_empty()).then_some((a, b))
}

fn not_a_comparison(pair: &str) -> WebError {
    WebError::not_found(format!(
        "“{}” is not a comparison: write two codes as 101-vs-407.",
        shorten(pair)
    ))
}

/// A typed query string (serde), rejected with a 400 in the group's format
/// that names the parameter (`?limit= is not valid: ...`).
/// Bytes that are not UTF-8 are decoded lossily and a repeated key keeps its
/// last value, as a form handler would.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        let raw = parts.uri.query().unwrap_or("");
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for (k, v) in form_urlencoded::parse(raw.as_bytes()).into_owned() {
            match seen.get(&k) {
                Some(&i) => pairs[i] = (k, v),
                None => {
                    seen.insert(k.clone(), pairs.len());
                    pairs.push((k, v));
                }
            }
        }
        let clean = serde_html_form::to_string(&pairs).unwrap_or_default();
        let parsed = form_urlencoded::parse(clean.as_bytes());
        serde_path_to_error::deserialize(serde_html_form::Deserializer::new(parsed))
            .map(Query)
            .map_err(|e| {
                let field = e.path().to_string();
                WebError::bad_request(if field.is_empty() || field == "." {
                    format!("The query is not valid: {}.", e.inner())
                } else {
                    format!("?{field}= is not valid: {}.", e.inner())
                })
            })
    }
}

/// An unknown code, with the nearest codes as suggestions.
pub fn unknown_code(protocol: Option<Protocol>, input: &str) -> WebError {
    let shown = shorten(input);
    let message = match protocol {
        Some(p) => format!("There is no {} {} “{shown}”.", p.name(), p.code_noun()),
        None => format!("Nothing is known as “{shown}”."),
    };
    let mut e = WebError::not_found(message);
    e.suggestions = crate::search::suggestions(crate::search::index(), protocol, input)
        .into_iter()
        .map(|s| {
            let l = super::views::entry_link(s);
            super::error::Suggestion {
                href: l.href,
                label: format!("{} {}", s.protocol.name(), l.label),
                text: l.text,
            }
        })
        .collect();
    e
}
