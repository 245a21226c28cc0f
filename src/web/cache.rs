//! The response cache, as a layer. A handler whose answer depends only on
//! the data marks it [`Cacheable`] with its canonical path; the layer keeps
//! the body with its ETag and compressed variants, answers the next GET for
//! that path before the handler runs, answers `If-None-Match` with 304, and
//! picks the encoding the client accepts. A hot path does no template or
//! compression work: it picks bytes and writes them. The cache is bounded
//! by bytes, not entries, so large documents cannot blow the budget.
//!
//! Each entry also keeps, per encoding, the complete head the router sent
//! it with (every layer's headers included), learnt from a real answer:
//! with it the server answers a plain GET for the page without the router
//! at all ([`ResponseCache::direct`]), the same bytes in the same order.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::headers::{ETag, HeaderMapExt, IfNoneMatch};
use http_body_util::BodyExt;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::{Arc, OnceLock};

/// How many bytes of rendered responses (weighed with their compressed
/// variants) stay in memory: 16 MiB, a few hundred pages, enough for every
/// page people actually visit while keeping a public instance under 64 MiB
/// of memory however many distinct comparisons a crawler asks for; the rest
/// are rendered again when asked (a comparison takes microseconds).
pub const CACHE_BYTES: u64 = 16 * 1024 * 1024;

pub const PAGE_CACHE: &str = "public, max-age=3600";
pub const ASSET_CACHE: &str = "public, max-age=86400";

/// The compression level of dynamic responses, the same as the cached
/// variants' (gzip and brotli 6).
pub const COMPRESSION_LEVEL: i32 = 6;

/// Compression levels of served responses (the export picks its own, for
/// throughput). Brotli 6 is within a few per cent of 11 on these pages at a
/// tenth of the time.
const GZIP_LEVEL: u32 = 6;
const BROTLI_QUALITY: i32 = COMPRESSION_LEVEL;

/// The marker a handler puts on a response that depends only on the data,
/// with the canonical path (and query, for variants such as a badge style)
/// it is stored under. Only a 200 answer to a GET is stored.
#[derive(Clone, Debug)]
pub struct Cacheable(pub String);

impl Cacheable {
    /// `response`, marked as cacheable under `key`.
    pub fn mark(key: String, response: impl IntoResponse) -> Response {
        let mut response = response.into_response();
        response.extensions_mut().insert(Cacheable(key));
        response
    }
}

/// One response body in every encoding we serve.
#[derive(Debug)]
pub struct Rendered {
    pub content_type: HeaderValue,
    pub cache_control: Option<HeaderValue>,
    pub identity: Bytes,
    /// Compressed on the first request that asks for it, then kept.
    gzip: OnceLock<Bytes>,
    br: OnceLock<Bytes>,
    pub etag: Option<ETag>,
    etag_value: HeaderValue,
    /// The head of a whole-router 200 answer of each variant (indexed by
    /// [`Encoding::index`]), once one went out.
    heads: [OnceLock<HeaderMap>; 3],
}

impl Rendered {
    pub fn new(
        content_type: HeaderValue,
        cache_control: Option<HeaderValue>,
        body: impl Into<Bytes>,
    ) -> Rendered {
        let identity: Bytes = body.into();
        let mut hasher = std::hash::DefaultHasher::new();
        identity.hash(&mut hasher);
        let text = format!("\"{:016x}-{:x}\"", hasher.finish(), identity.len());
        // A quoted string of hex digits is always a valid entity tag.
        let etag: Option<ETag> = text.parse().ok();
        let etag_value = HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("\"0\""));
        Rendered {
            content_type,
            cache_control,
            gzip: OnceLock::new(),
            br: OnceLock::new(),
            identity,
            etag,
            etag_value,
            heads: Default::default(),
        }
    }

    /// The body of one variant.
    fn variant(&self, encoding: Encoding) -> Bytes {
        match encoding {
            Encoding::Brotli => self.br(),
            Encoding::Gzip => self.gzip(),
            Encoding::Identity => self.identity.clone(),
        }
    }

    /// How many variants have a prebuilt head (0 to 3): those the server
    /// answers without the router.
    pub fn prebuilt_heads(&self) -> usize {
        self.heads.iter().filter(|h| h.get().is_some()).count()
    }

    pub fn gzip(&self) -> Bytes {
        self.gzip.get_or_init(|| gzip(&self.identity)).clone()
    }

    pub fn br(&self) -> Bytes {
        self.br.get_or_init(|| brotli(&self.identity)).clone()
    }

    /// Bytes this entry may come to hold: the body, room for both
    /// compressed variants, which are never larger than the body plus a
    /// small frame, and for the three prebuilt heads.
    fn weight(&self) -> u64 {
        3 * self.identity.len() as u64 + 256 + 3 * HEAD_WEIGHT
    }

    /// The response for one request: 304 when the client has it, otherwise
    /// the best encoding the client accepts.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let vary = HeaderValue::from_static("accept-encoding");
        let fresh = request
            .typed_get::<IfNoneMatch>()
            .zip(self.etag.as_ref())
            .is_some_and(|(inm, etag)| !inm.precondition_passes(etag));
        let mut response = if fresh {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            let encoding = preferred_encoding(request);
            let mut r = Response::new(Body::from(self.variant(encoding)));
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, self.content_type.clone());
            if let Some(e) = encoding.token() {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
            }
            r
        };
        let h = response.headers_mut();
        h.insert(header::ETAG, self.etag_value.clone());
        h.insert(header::VARY, vary);
        if let Some(c) = &self.cache_control {
            h.insert(header::CACHE_CONTROL, c.clone());
        }
        response
    }
}

/// Room for one prebuilt head in an entry's weight, in bytes: a dozen
/// header fields and the map around them.
const HEAD_WEIGHT: u64 = 1024;

/// The caching layer of a route group.
pub async fn layer(
    State(cache): State<Arc<ResponseCache>>,
    request: Request,
    next: Next,
) -> Response {
    if !cache.enabled {
        return next.run(request).await;
    }
    let get = request.method() == Method::GET;
    if get {
        let key = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        if let Some(hit) = cache.get(key) {
            let mut response = hit.respond(request.headers());
            if request.extensions().get::<LearnHead>().is_some()
                && response.status() == StatusCode::OK
            {
                response.extensions_mut().insert(Served {
                    encoding: preferred_encoding(request.headers()),
                    entry: hit,
                });
            }
            return response;
        }
    }
    let conditions = negotiation_headers(request.headers());
    let response = next.run(request).await;
    // A HEAD answer has no body to keep, and errors depend on the request.
    if !get || response.status() != StatusCode::OK {
        return response;
    }
    let Some(Cacheable(key)) = response.extensions().get::<Cacheable>().cloned() else {
        return response;
    };
    if let Some(hit) = cache.get(&key) {
        return hit.respond(&conditions);
    }
    let (parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return super::error::WebError::internal("could not read the rendered body")
                .into_response();
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .cloned()
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let rendered = Arc::new(Rendered::new(
        content_type,
        parts.headers.get(header::CACHE_CONTROL).cloned(),
        bytes,
    ));
    cache.insert(key, rendered.clone());
    rendered.respond(&conditions)
}

/// The request headers that pick a cached answer.
fn negotiation_headers(request: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for name in [header::IF_NONE_MATCH, header::ACCEPT_ENCODING] {
        for value in request.get_all(&name) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// `data` gzip-compressed at the level every served response uses.
pub fn gzip(data: &[u8]) -> Bytes {
    gzip_at(data, GZIP_LEVEL)
}

/// `data` gzip-compressed (RFC 1952) at `level` (0 to 9).
pub fn gzip_at(data: &[u8], level: u32) -> Bytes {
    let out = Vec::with_capacity(data.len() / 3 + 64);
    let mut enc = flate2::write::GzEncoder::new(out, flate2::Compression::new(level));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().map(Bytes::from).unwrap_or_default()
}

/// `data` brotli-compressed at the quality every served response uses.
pub fn brotli(data: &[u8]) -> Bytes {
    brotli_at(data, BROTLI_QUALITY)
}

/// `data` brotli-compressed (RFC 7932) at `quality` (0 to 11).
pub fn brotli_at(data: &[u8], quality: i32) -> Bytes {
    let mut out = Vec::with_capacity(data.len() / 4 + 64);
    let params = brotli::enc::BrotliEncoderParams {
        quality,
        // A 256 KiB window: every page fits, and the encoder's memory stays
        // a fraction of the default 4 MiB window's. (Windows sized to each
        // page are no faster, and at quality 5 and above this encoder gets
        // tens of times slower with them.)
        lgwin: 18,
        ..Default::default()
    };
    let mut input = data;
    match brotli::BrotliCompress(&mut input, &mut out, &params) {
        Ok(_) => Bytes::from(out),
        Err(_) => Bytes::new(),
    }
}

/// The encodings a stored response is sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// Where this variant's prebuilt head is kept in [`Rendered`].
    fn index(self) -> usize {
        match self {
            Encoding::Brotli => 0,
            Encoding::Gzip => 1,
            Encoding::Identity => 2,
        }
    }

    /// The Content-Encoding token (RFC 9110, Section 8.4.1), none for
    /// identity.
    fn token(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// What the server may do with a request, by [`ResponseCache::direct`].
pub enum Direct {
    /// Send this 200 answer: the head the router sent for this page and
    /// encoding, and the body.
    Answer { head: HeaderMap, body: Bytes },
    /// The page is stored but this variant's head is not known yet: send
    /// the request through the router after [`Learn::mark`], then give the
    /// answer to [`Learn::learn`].
    Learn(Learn),
}

/// A variant whose head the server learns from the router's answer.
pub struct Learn {
    entry: Arc<Rendered>,
    encoding: Encoding,
}

/// A request extension: the server learns the head of this answer.
#[derive(Clone, Copy)]
struct LearnHead;

/// A response extension: the cache layer answered from this variant.
#[derive(Clone)]
struct Served {
    entry: Arc<Rendered>,
    encoding: Encoding,
}

impl Learn {
    /// Asks the cache layer to say which entry and variant answer `request`.
    pub fn mark<B>(&self, request: &mut axum::http::Request<B>) {
        request.extensions_mut().insert(LearnHead);
    }

    /// Keeps the head of `response` for this variant, when it is a 200 the
    /// cache layer built from this very entry and variant and no layer
    /// changed its encoding or length.
    pub fn learn<B>(self, response: &axum::http::Response<B>) {
        let Some(served) = response.extensions().get::<Served>() else {
            return;
        };
        if response.status() != StatusCode::OK
            || !Arc::ptr_eq(&served.entry, &self.entry)
            || served.encoding != self.encoding
        {
            return;
        }
        let h = response.headers();
        let coded = h.get(header::CONTENT_ENCODING).map(HeaderValue::as_bytes)
            == self.encoding.token().map(str::as_bytes);
        let length = self.entry.variant(self.encoding).len();
        let sized = h
            .get(header::CONTENT_LENGTH)
            .is_none_or(|v| v.to_str().ok().and_then(|v| v.parse::<usize>().ok()) == Some(length));
        if coded && sized && !h.contains_key(header::DATE) {
            let _ = self.entry.heads[self.encoding.index()].set(h.clone());
        }
    }
}

/// Reads Accept-Encoding, honouring q=0; prefers br over gzip at equal weight.
fn preferred_encoding(request: &HeaderMap) -> Encoding {
    let Some(accept) = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return Encoding::Identity;
    };
    let mut best = (Encoding::Identity, 0.0_f32);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|v| v.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let enc = match name.as_str() {
            "br" => Encoding::Brotli,
            "gzip" | "x-gzip" => Encoding::Gzip,
            _ => continue,
        };
        let better = q > best.1 || (q == best.1 && q > 0.0 && enc == Encoding::Brotli);
        if q > 0.0 && better {
            best = (enc, q);
        }
    }
    best.0
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<Rendered>> for ByBytes {
    fn weight(&self, key: &String, value: &Arc<Rendered>) -> u64 {
        key.len() as u64 + value.weight()
    }
}

/// A map from canonical path to rendered response, bounded by bytes.
pub struct ResponseCache {
    inner: quick_cache::sync::Cache<String, Arc<Rendered>, ByBytes>,
    enabled: bool,
}

impl ResponseCache {
    /// A cache holding at most about `bytes` bytes of responses.
    pub fn new(bytes: u64) -> ResponseCache {
        // Pages average a few tens of kilobytes; the estimate only sizes the table.
        let estimated = (bytes / 16_384).max(16) as usize;
        ResponseCache {
            inner: quick_cache::sync::Cache::with_weighter(estimated, bytes, ByBytes),
            enabled: true,
        }
    }

    /// A cache that stores nothing: its layer passes every request to the
    /// handler and the handler's response through untouched. For the
    /// export, which asks for every page once.
    pub fn disabled() -> ResponseCache {
        ResponseCache {
            inner: quick_cache::sync::Cache::with_weighter(16, 0, ByBytes),
            enabled: false,
        }
    }

    /// What the server may answer to `request` without the router: a
    /// plain GET (no Origin, no condition, no body) whose target is a
    /// stored page, while requests are not logged (the router's access log
    /// would miss it). Everything else is None and goes through the router.
    pub fn direct<B>(&self, request: &axum::http::Request<B>) -> Option<Direct> {
        // Only origin-form targets: an absolute-form request is a proxy
        // request, answered by the live proxy layer (407) unless it names
        // this server, which the router works out.
        if !self.enabled
            || request.method() != Method::GET
            || request.uri().scheme().is_some()
            || request.uri().authority().is_some()
        {
            return None;
        }
        let h = request.headers();
        // A header section over the limits gets its 431 from the router.
        if super::layers::header_problem(h).is_some() {
            return None;
        }
        // The fields any layer around the cache reads: CORS, the cache's
        // own conditions, the body limit.
        if [
            header::ORIGIN,
            header::IF_NONE_MATCH,
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
        ]
        .iter()
        .any(|name| h.contains_key(name))
            || super::logging_requests()
        {
            return None;
        }
        let entry = self.inner.get(request.uri().path_and_query()?.as_str())?;
        let encoding = preferred_encoding(h);
        Some(match entry.heads[encoding.index()].get() {
            Some(head) => Direct::Answer {
                head: head.clone(),
                body: entry.variant(encoding),
            },
            None => Direct::Learn(Learn { entry, encoding }),
        })
    }

    /// The cached response stored under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Arc<Rendered>> {
        self.inner.get(key)
    }

    /// Stores `value` under `key`; an entry larger than the budget is not kept.
    pub fn insert(&self, key: String, value: Arc<Rendered>) {
        self.inner.insert(key, value);
    }

    /// The bytes the entries now held may come to.
    pub fn weight(&self) -> u64 {
        self.inner.weight()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        h
    }

    #[test]
    fn encoding_choice_honours_weights() {
        assert_eq!(preferred_encoding(&headers("gzip, br")), Encoding::Brotli);
        assert_eq!(preferred_encoding(&headers("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(
            preferred_encoding(&headers("gzip;q=0.5, br;q=0.1")),
            Encoding::Gzip
        );
        assert_eq!(preferred_encoding(&headers("identity")), Encoding::Identity);
        assert_eq!(preferred_encoding(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn compressed_variants_round_trip() {
        let r = Rendered::new(
            HeaderValue::from_static("text/plain"),
            None,
            "hello hello hello hello",
        );
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.gzip()[..]), &mut out)
            .unwrap();
        assert_eq!(out, "hello hello hello hello");
        let mut br = Vec::new();
        brotli::BrotliDecompress(&mut &r.br()[..], &mut br).unwrap();
        assert_eq!(br, b"hello hello hello hello");
    }

    #[test]
    fn the_cache_is_bounded_by_bytes() {
        let cache = ResponseCache::new(1_000_000);
        for i in 0..100 {
            let body = vec![b'x'; 20_000];
            let r = Rendered::new(HeaderValue::from_static("text/plain"), None, body);
            cache.insert(format!("page-{i}"), Arc::new(r));
        }
        assert!(cache.weight() <= 1_000_000, "{} bytes held", cache.weight());
        assert!(cache.get("page-99").is_some() || cache.get("page-98").is_some());
    }

    #[test]
    fn if_none_match_answers_304_with_the_same_etag() {
        let r = Rendered::new(HeaderValue::from_static("text/plain"), None, "body");
        let etag = r.respond(&HeaderMap::new()).headers()[header::ETAG].clone();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, etag.clone());
        let again = r.respond(&h);
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(again.headers()[header::ETAG], etag);
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert_eq!(r.respond(&h).status(), StatusCode::OK);
    }
}
