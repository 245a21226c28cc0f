//! Responses that depend only on the data are rendered once and kept with
//! their ETag and compressed variants, so a hot path does no template or
//! compression work: it picks bytes and writes them.

use axum::body::Body;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::sync::{Arc, OnceLock};

/// One response body in every encoding we serve.
#[derive(Debug)]
pub struct Rendered {
    pub content_type: &'static str,
    pub cache_control: &'static str,
    pub identity: Bytes,
    /// Compressed on the first request that asks for it, then kept.
    gzip: OnceLock<Bytes>,
    br: OnceLock<Bytes>,
    pub etag: HeaderValue,
}

pub const PAGE_CACHE: &str = "public, max-age=3600";

/// Compression levels: the same for served responses and for the export's
/// .gz and .br files. Brotli 6 is within a few per cent of 11 on these pages
/// at a tenth of the time, which matters when the export compresses 80,000.
const GZIP_LEVEL: u32 = 6;
const BROTLI_QUALITY: i32 = 6;
pub const ASSET_CACHE: &str = "public, max-age=86400";

impl Rendered {
    pub fn new(
        content_type: &'static str,
        cache_control: &'static str,
        body: impl Into<Bytes>,
    ) -> Rendered {
        let identity: Bytes = body.into();
        let mut hasher = std::hash::DefaultHasher::new();
        identity.hash(&mut hasher);
        let etag = HeaderValue::from_str(&format!(
            "\"{:016x}-{:x}\"",
            hasher.finish(),
            identity.len()
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""));
        Rendered {
            content_type,
            cache_control,
            gzip: OnceLock::new(),
            br: OnceLock::new(),
            identity,
            etag,
        }
    }

    pub fn gzip(&self) -> Bytes {
        self.gzip.get_or_init(|| gzip(&self.identity)).clone()
    }

    pub fn br(&self) -> Bytes {
        self.br.get_or_init(|| brotli(&self.identity)).clone()
    }

    /// The response for one request: 304 when the client has it, otherwise
    /// the best encoding the client accepts.
    pub fn respond(self: &Arc<Self>, request: &HeaderMap) -> Response {
        let vary = HeaderValue::from_static("accept-encoding");
        if etag_matches(request, &self.etag) {
            return (
                StatusCode::NOT_MODIFIED,
                [
                    (header::ETAG, self.etag.clone()),
                    (header::VARY, vary),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static(self.cache_control),
                    ),
                ],
            )
                .into_response();
        }
        let (body, encoding) = match preferred_encoding(request) {
            Encoding::Brotli => (self.br(), Some("br")),
            Encoding::Gzip => (self.gzip(), Some("gzip")),
            Encoding::Identity => (self.identity.clone(), None),
        };
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::VARY, vary);
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        if let Some(e) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        response
    }
}

fn gzip(data: &[u8]) -> Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(GZIP_LEVEL));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().map(Bytes::from).unwrap_or_default()
}

fn brotli(data: &[u8]) -> Bytes {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        ..Default::default()
    };
    let mut input = data;
    match brotli::BrotliCompress(&mut input, &mut out, &params) {
        Ok(_) => Bytes::from(out),
        Err(_) => Bytes::new(),
    }
}

fn etag_matches(request: &HeaderMap, etag: &HeaderValue) -> bool {
    let Some(inm) = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let ours = etag.to_str().unwrap_or_default();
    inm.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t == ours || t.strip_prefix("W/") == Some(ours))
}

#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
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

/// A bounded map from path to rendered response, filled on first request.
pub struct ResponseCache {
    inner: quick_cache::sync::Cache<String, Arc<Rendered>>,
}

impl ResponseCache {
    pub fn new(capacity: usize) -> ResponseCache {
        ResponseCache {
            inner: quick_cache::sync::Cache::new(capacity),
        }
    }

    /// The cached response stored under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Arc<Rendered>> {
        self.inner.get(key)
    }

    /// The cached response for `key`, rendering it with `render` when absent.
    /// Errors are not cached: they are cheap and may depend on the request.
    pub fn get_or_render<E>(
        &self,
        key: &str,
        render: impl FnOnce() -> Result<Rendered, E>,
    ) -> Result<Arc<Rendered>, E> {
        if let Some(hit) = self.inner.get(key) {
            return Ok(hit);
        }
        let rendered = Arc::new(render()?);
        self.inner.insert(key.to_string(), rendered.clone());
        Ok(rendered)
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
        let r = Rendered::new("text/plain", PAGE_CACHE, "hello hello hello hello");
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.gzip()[..]), &mut out)
            .unwrap();
        assert_eq!(out, "hello hello hello hello");
        let mut br = Vec::new();
        brotli::BrotliDecompress(&mut &r.br()[..], &mut br).unwrap();
        assert_eq!(br, b"hello hello hello hello");
    }
}
