//! The catalog of status codes: the data files in `data/`, validated and
//! prebuilt by the build script, and read into a process-wide value on first
//! use.
//!
//! Why a prebuilt form: parsing ~850 KB of TOML and checking it against the
//! registries took about 20 ms of CPU in every process, nearly all of a
//! command-line lookup. `build.rs` compiles these same modules (with
//! `#[path]`), runs [`load_embedded`] on the data files, fails the build
//! listing every problem, and writes the validated catalog with postcard, a
//! compact serde format, one part per protocol plus the notes and a table of
//! three-digit numbers. Measured on the whole process (`perf stat`, release
//! build): a lookup that decoded the whole catalog cost 4.7 ms of CPU
//! against 20.9 ms with TOML, mostly allocation and page faults for 1.2 MB
//! of entries; decoding only the parts a lookup touches brings it to 3.2 ms,
//! where printing the version costs 1.5 ms. Generated Rust statics would
//! cost nothing at run time, but they need `&'static str` and slices in
//! place of the `String`s and `Vec`s that the rest of the program and the
//! TOML loader use, and a megabyte of generated literals to type-check on
//! every library build; rkyv's zero-copy form needs archived types
//! throughout. Postcard keeps the types, adds one small crate, and the build
//! script runs in about 0.6 s. The loader and the validation stay library
//! functions that the tests also run.
//!
//! The modules here are compiled twice: into the library, where the build
//! script sets the `prebuilt_catalog` cfg, and into the build script, without
//! it. Everything that only the library needs (OpenAPI schemas, the JSON
//! shape that leaves out absent fields, the decoded static) is behind that
//! cfg, so the build script's serialisation writes every field, as postcard
//! requires.
//!
//! Domain code only: nothing here knows about HTTP serving or terminals.

pub mod constants;
pub mod guide;
pub mod headers;
mod load;
mod model;
pub mod protocol;
pub mod reference;
mod registry;
mod validate;

pub use crate::text::article_for;
pub use constants::{ConstantName, Constants, Ecosystem};
pub use guide::{Destination, GuideAnswer, GuideStep};
pub use headers::HeaderField;
pub use load::{
    CatalogError, EMBEDDED, EMBEDDED_LIBRARIES, load_embedded, load_from_sources,
    load_with_glossary,
};
pub use model::{Entry, Example, Fix, Member, Pair, Retry, Sender, Situation, Status};
pub use protocol::{Class, ClassDef, Kind, Outcome, Protocol};
pub use reference::SpecRef;
pub use registry::grpc_http_mapping as registry_grpc_http_mapping;

use serde::{Deserialize, Serialize};

/// Every protocol's entries plus the curated comparison notes.
///
/// The prebuilt catalog is kept in parts (one per protocol, the notes, and
/// each protocol's three-digit numbers), each decoded on first use: a
/// command-line lookup of HTTP 407 decodes HTTP, the protocols that also
/// have a 407, gRPC for its mapping and the notes, and nothing else.
#[derive(Debug)]
pub struct Catalog {
    /// In display order.
    protocols: Vec<(Protocol, Part<ProtocolCodes>)>,
    notes: Part<Notes>,
    /// Per protocol, its registered three-digit codes as numbers, sorted:
    /// which protocols to look into for "the same number elsewhere".
    numbers: Part<Vec<(Protocol, Vec<u16>)>>,
}

/// The curated notes and the library list: everything but the entries.
#[derive(Debug, Serialize, Deserialize)]
struct Notes {
    pairs: Vec<Pair>,
    situations: Vec<Situation>,
    ecosystems: Vec<Ecosystem>,
    /// The header glossary (`data/headers.toml`), by name.
    headers: Vec<HeaderField>,
    /// The decision guide (`data/guide.toml`), in data order.
    guide: Vec<GuideStep>,
}

/// One part of the catalog: given whole by the TOML loader, or decoded from
/// its prebuilt postcard bytes on first use.
struct Part<T> {
    value: std::sync::OnceLock<T>,
    encoded: &'static [u8],
}

impl<T: serde::de::DeserializeOwned> Part<T> {
    fn ready(value: T) -> Part<T> {
        Part {
            value: std::sync::OnceLock::from(value),
            encoded: &[],
        }
    }

    #[cfg_attr(not(prebuilt_catalog), allow(dead_code))]
    fn encoded(encoded: &'static [u8]) -> Part<T> {
        Part {
            value: std::sync::OnceLock::new(),
            encoded,
        }
    }

    /// The value, decoded now if this is its first use.
    ///
    /// # Panics
    ///
    /// If the prebuilt bytes do not decode. `build.rs` decodes every part
    /// it writes with these same types before the library is compiled, so
    /// this cannot happen in a binary built from one source tree.
    fn get(&self) -> &T {
        self.value
            .get_or_init(|| match postcard::from_bytes(self.encoded) {
                Ok(v) => v,
                Err(e) => panic!("a prebuilt catalog part does not decode: {e}"),
            })
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Part<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.value.get() {
            Some(v) => v.fmt(f),
            None => write!(f, "<{} bytes, not decoded yet>", self.encoded.len()),
        }
    }
}

/// The registered (not unofficial) three-digit codes of one protocol, as
/// sorted numbers.
fn three_digit_numbers(codes: &ProtocolCodes) -> Vec<u16> {
    let mut out: Vec<u16> = codes
        .entries
        .iter()
        .filter(|e| e.status != Status::Unofficial && is_three_digits(&e.code))
        .filter_map(|e| e.code.parse().ok())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn is_three_digits(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())
}

/// The entries of one protocol in data-file order, with an index by id.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProtocolCodes {
    pub protocol: Protocol,
    pub entries: Vec<Entry>,
    /// Entries derived from the data rather than written in it: SMTP enhanced
    /// codes read in each class (5.7.1 from X.7.1). Not listed, not compared
    /// pairwise; reachable by id.
    pub variants: Vec<Entry>,
    /// Positions in `entries`, sorted by id, for binary search.
    by_id: Vec<u16>,
    /// Positions in `variants`, sorted by id.
    variant_by_id: Vec<u16>,
}

/// The positions of `entries` sorted by id.
fn id_index(entries: &[Entry]) -> Vec<u16> {
    let mut index: Vec<u16> = (0..entries.len())
        .map(|i| u16::try_from(i).unwrap_or(u16::MAX))
        .collect();
    index.sort_by(|&a, &b| entries[usize::from(a)].id.cmp(&entries[usize::from(b)].id));
    index
}

/// The entry with this id, through an index made by [`id_index`].
fn find_by_id<'a>(entries: &'a [Entry], index: &[u16], id: &str) -> Option<&'a Entry> {
    let at = index
        .binary_search_by(|&i| entries[usize::from(i)].id.as_str().cmp(id))
        .ok()?;
    Some(&entries[usize::from(index[at])])
}

impl ProtocolCodes {
    fn new(protocol: Protocol, entries: Vec<Entry>) -> ProtocolCodes {
        let by_id = id_index(&entries);
        let classes: Vec<&Entry> = entries
            .iter()
            .filter(|e| e.kind == Some(Kind::EnhancedClass))
            .collect();
        let variants: Vec<Entry> = entries
            .iter()
            .filter(|e| e.kind == Some(Kind::Enhanced))
            .flat_map(|e| classes.iter().map(move |c| e.in_enhanced_class(c)))
            .collect();
        let variant_by_id = id_index(&variants);
        ProtocolCodes {
            protocol,
            entries,
            variants,
            by_id,
            variant_by_id,
        }
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        find_by_id(&self.entries, &self.by_id, id)
            .or_else(|| find_by_id(&self.variants, &self.variant_by_id, id))
    }

    /// The classes the listed entries fall into, in key order (`1xx` ...
    /// `5xx`), each with its number of entries; empty for protocols
    /// without classes.
    pub fn classes(&self) -> Vec<(&Class, usize)> {
        let mut out: Vec<(&Class, usize)> = Vec::new();
        for c in self.entries.iter().filter_map(|e| e.class.as_ref()) {
            match out.iter_mut().find(|(k, _)| k.key == c.key) {
                Some((_, n)) => *n += 1,
                None => out.push((c, 1)),
            }
        }
        out.sort_by(|a, b| a.0.key.cmp(&b.0.key));
        out
    }

    /// The class with this key (`4xx`), if an entry falls into it.
    pub fn class(&self, key: &str) -> Option<&Class> {
        self.entries
            .iter()
            .filter_map(|e| e.class.as_ref())
            .find(|c| c.key == key)
    }
}

impl Catalog {
    fn new(
        protocols: Vec<ProtocolCodes>,
        pairs: Vec<Pair>,
        situations: Vec<Situation>,
        ecosystems: Vec<Ecosystem>,
        mut headers: Vec<HeaderField>,
        guide: Vec<GuideStep>,
    ) -> Catalog {
        headers.sort_by(|a, b| a.slug.cmp(&b.slug));
        let numbers = protocols
            .iter()
            .map(|p| (p.protocol, three_digit_numbers(p)))
            .collect();
        Catalog {
            protocols: protocols
                .into_iter()
                .map(|p| (p.protocol, Part::ready(p)))
                .collect(),
            notes: Part::ready(Notes {
                pairs,
                situations,
                ecosystems,
                headers,
                guide,
            }),
            numbers: Part::ready(numbers),
        }
    }

    /// The parts as build.rs writes them: (file name, postcard bytes), each
    /// checked to decode again. Only compiled into the build script, whose
    /// serialisation writes every field (see the module documentation).
    #[cfg(not(prebuilt_catalog))]
    pub(crate) fn encode_parts(&self) -> Result<Vec<(String, Vec<u8>)>, postcard::Error> {
        fn part<T: Serialize + serde::de::DeserializeOwned>(
            name: String,
            value: &T,
        ) -> Result<(String, Vec<u8>), postcard::Error> {
            let bytes = postcard::to_allocvec(value)?;
            postcard::from_bytes::<T>(&bytes)?;
            Ok((name, bytes))
        }
        let mut out = Vec::new();
        for (protocol, codes) in &self.protocols {
            out.push(part(format!("{}.postcard", protocol.slug()), codes.get())?);
        }
        out.push(part("notes.postcard".to_string(), self.notes.get())?);
        out.push(part("numbers.postcard".to_string(), self.numbers.get())?);
        Ok(out)
    }

    /// Every library that names codes, in display order within each
    /// protocol, from `data/libraries.toml`.
    pub fn ecosystems(&self) -> &[Ecosystem] {
        &self.notes.get().ecosystems
    }

    pub fn situations(&self) -> &[Situation] {
        &self.notes.get().situations
    }

    pub fn situation(&self, slug: &str) -> Option<&Situation> {
        self.situations().iter().find(|s| s.slug == slug)
    }

    /// The situations an entry (or, for 5.7.1, its registered X.7.1) belongs to.
    pub fn situations_of(&self, entry: &Entry) -> Vec<&Situation> {
        let id = entry.base_id.as_deref().unwrap_or(&entry.id);
        self.situations()
            .iter()
            .filter(|s| {
                s.members
                    .iter()
                    .any(|m| m.protocol == entry.protocol && m.id == id)
            })
            .collect()
    }

    /// The protocols that have data, in display order.
    pub fn protocols(&self) -> impl Iterator<Item = &ProtocolCodes> {
        self.protocols.iter().map(|(_, part)| part.get())
    }

    pub fn protocol(&self, protocol: Protocol) -> Option<&ProtocolCodes> {
        self.protocols
            .iter()
            .find(|(p, _)| *p == protocol)
            .map(|(_, part)| part.get())
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.protocols().flat_map(|p| p.entries.iter())
    }

    /// The entry with this exact id (`407`, `444-nginx`, `X.1.1` ...).
    pub fn get(&self, protocol: Protocol, id: &str) -> Option<&Entry> {
        self.protocol(protocol)?.get(id)
    }

    /// What a person may type for one code: an id, a code that several vendor
    /// meanings share (`420`), a symbolic name (`not-found`, `nxdomain`).
    /// Registered meanings come before vendor ones.
    pub fn resolve(&self, protocol: Protocol, input: &str) -> Vec<&Entry> {
        let Some(codes) = self.protocol(protocol) else {
            return Vec::new();
        };
        let wanted = input.trim();
        if wanted.is_empty() || wanted.len() > 64 {
            return Vec::new();
        }
        if let Some(e) = codes
            .get(wanted)
            .or_else(|| codes.get(&wanted.to_ascii_uppercase()))
        {
            return vec![e];
        }
        let folded = fold_name(wanted);
        let mut found: Vec<&Entry> = codes
            .entries
            .iter()
            .filter(|e| {
                e.id.eq_ignore_ascii_case(wanted)
                    || e.code.eq_ignore_ascii_case(wanted)
                    || folds_to(&e.phrase, &folded)
            })
            .collect();
        found.sort_by_key(|e| e.status == Status::Unofficial);
        // DNS "3" is the RCODE, not Extended DNS Error 3: one kind per answer.
        if let Some(kind) = found.first().map(|e| e.kind) {
            found.retain(|e| e.kind == kind);
        }
        found
    }

    /// Resolves what a person typed, in one protocol or, without one, in HTTP
    /// first and then the other protocols in order. `also` lists the other
    /// protocols' codes with the same number ("also: SIP 404").
    pub fn lookup(&self, protocol: Option<Protocol>, input: &str) -> Lookup<'_> {
        let order: Vec<Protocol> = match protocol {
            Some(p) => vec![p],
            None => Protocol::ALL.to_vec(),
        };
        let mut entries = Vec::new();
        for p in order {
            entries = self.resolve(p, input);
            if !entries.is_empty() {
                break;
            }
        }
        let also = match entries.first() {
            Some(first) => self.same_number_elsewhere(first),
            None => Vec::new(),
        };
        Lookup { entries, also }
    }

    pub fn pairs(&self) -> &[Pair] {
        &self.notes.get().pairs
    }

    /// The curated note for two entries, in either order.
    pub fn pair(&self, a: &Entry, b: &Entry) -> Option<&Pair> {
        self.pairs().iter().find(|p| {
            p.protocol == a.protocol
                && a.protocol == b.protocol
                && ((p.a == a.id && p.b == b.id) || (p.a == b.id && p.b == a.id))
        })
    }

    /// Entries of other protocols that carry the same three-digit number
    /// (HTTP 404 and SIP 404; SMTP 250 and FTP 250).
    pub fn same_number_elsewhere<'a>(&'a self, entry: &'a Entry) -> Vec<&'a Entry> {
        if !is_three_digits(&entry.code) {
            return Vec::new();
        }
        let Ok(number) = entry.code.parse::<u16>() else {
            return Vec::new();
        };
        // Only the protocols that have the number are looked into (and
        // decoded).
        self.numbers
            .get()
            .iter()
            .filter(|(p, numbers)| *p != entry.protocol && numbers.binary_search(&number).is_ok())
            .filter_map(|(p, _)| self.protocol(*p))
            .flat_map(|codes| codes.entries.iter())
            .filter(|e| {
                e.code == entry.code && e.status != Status::Unofficial && is_three_digits(&e.code)
            })
            .collect()
    }
}

/// The answer to a lookup: the meanings found and the same number elsewhere.
#[derive(Debug)]
pub struct Lookup<'a> {
    pub entries: Vec<&'a Entry>,
    pub also: Vec<&'a Entry>,
}

/// A short reference to an entry, for lists and search results.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
pub struct EntryRef<'a> {
    pub protocol: Protocol,
    pub id: &'a str,
    pub code: &'a str,
    pub phrase: &'a str,
    pub status: Status,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub vendor: Option<&'a str>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub class: Option<&'a Class>,
    pub summary: &'a str,
}

impl<'a> From<&'a Entry> for EntryRef<'a> {
    fn from(e: &'a Entry) -> EntryRef<'a> {
        EntryRef {
            protocol: e.protocol,
            id: &e.id,
            code: &e.code,
            phrase: &e.phrase,
            status: e.status,
            vendor: e.vendor.as_deref(),
            class: e.class.as_ref(),
            summary: &e.summary,
        }
    }
}

/// `NOT_FOUND`, `Not Found`, `not-found` all fold to `not-found`.
pub fn fold_name(s: &str) -> String {
    folded_chars(s).collect()
}

/// The characters of [`fold_name`]`(s)`, produced without allocating:
/// letters and digits lowercased, each run of anything else between them one
/// `-`, nothing before the first or after the last.
fn folded_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    let mut dash = false;
    let mut started = false;
    s.chars().flat_map(move |c| {
        let mut out = [None, None];
        if c.is_ascii_alphanumeric() {
            if dash {
                out[0] = Some('-');
            }
            out[1] = Some(c.to_ascii_lowercase());
            dash = false;
            started = true;
        } else if started {
            dash = true;
        }
        out.into_iter().flatten()
    })
}

/// Whether `name` folds to `folded` (already folded), compared character
/// by character: a lookup by name tries every entry's phrase, and this
/// allocates nothing and stops at the first difference.
fn folds_to(name: &str, folded: &str) -> bool {
    folded_chars(name).eq(folded.chars())
}

/// The catalog parts that `build.rs` validated and wrote with postcard.
#[cfg(prebuilt_catalog)]
mod prebuilt {
    use super::Protocol;

    macro_rules! part {
        ($name:literal) => {
            include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".postcard"))
        };
    }

    pub(super) static PROTOCOLS: [(Protocol, &[u8]); 7] = [
        (Protocol::Http, part!("http")),
        (Protocol::Smtp, part!("smtp")),
        (Protocol::Grpc, part!("grpc")),
        (Protocol::Websocket, part!("websocket")),
        (Protocol::Ftp, part!("ftp")),
        (Protocol::Sip, part!("sip")),
        (Protocol::Dns, part!("dns")),
    ];
    pub(super) static NOTES: &[u8] = part!("notes");
    pub(super) static NUMBERS: &[u8] = part!("numbers");
}

#[cfg(prebuilt_catalog)]
static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();

/// The catalog that `build.rs` validated, with every part still encoded:
/// each is decoded when first used. Costs nothing until then.
#[cfg(prebuilt_catalog)]
pub fn load_prebuilt() -> Catalog {
    Catalog {
        protocols: prebuilt::PROTOCOLS
            .iter()
            .map(|&(p, bytes)| (p, Part::encoded(bytes)))
            .collect(),
        notes: Part::encoded(prebuilt::NOTES),
        numbers: Part::encoded(prebuilt::NUMBERS),
    }
}

/// The embedded catalog. The data was validated when the binary was built
/// (the build fails on invalid data), so this is always `Ok`; it keeps the
/// shape programs use to report a catalog error at start-up.
#[cfg(prebuilt_catalog)]
pub fn try_catalog() -> Result<&'static Catalog, CatalogError> {
    Ok(catalog())
}

/// The embedded catalog, whose parts are decoded as they are first used.
#[cfg(prebuilt_catalog)]
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(load_prebuilt)
}

#[cfg(test)]
mod tests {
    use super::{fold_name, folds_to};

    #[test]
    fn names_fold_to_lowercase_words_joined_by_dashes() {
        assert_eq!(fold_name("NOT_FOUND"), "not-found");
        assert_eq!(fold_name("  Not  Found!! "), "not-found");
        assert_eq!(fold_name("Request-URI Too Long"), "request-uri-too-long");
        assert_eq!(fold_name("(Unused)"), "unused");
        assert_eq!(fold_name("--"), "");
        assert_eq!(fold_name(""), "");
    }

    #[test]
    fn folds_to_agrees_with_fold_name() {
        let names = [
            "NOT_FOUND",
            "Not Found",
            "not-found",
            "Not Foundx",
            "Not",
            "",
            "--a--",
            "A",
        ];
        for name in names {
            for other in names {
                let folded = fold_name(other);
                assert_eq!(
                    folds_to(name, &folded),
                    fold_name(name) == folded,
                    "{name:?} / {other:?}"
                );
            }
        }
    }
}
