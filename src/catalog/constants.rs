//! The names libraries give status codes, and the library versions each name
//! holds in.
//!
//! A library renames a constant now and then (Spring's `PAYLOAD_TOO_LARGE`
//! became `CONTENT_TOO_LARGE`; Rack's `:unprocessable_entity` became
//! `:unprocessable_content` in 3.1), so a name without a version is only half
//! a fact. The ecosystems and the versions our data covers are defined in
//! `data/libraries.toml`; each code's `[code.constants]` table gives, per
//! ecosystem, either one name that holds across that whole range or a list of
//! names with their own ranges.

use super::protocol::Protocol;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A library that names the codes of one protocol, as `data/libraries.toml`
/// defines it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Ecosystem {
    pub protocol: Protocol,
    /// The key used in `[code.constants]` tables (`spring`), unique within
    /// the protocol.
    pub key: String,
    /// Short display label: "Spring HttpStatus".
    pub label: String,
    /// The library or framework: "Spring Framework".
    pub library: String,
    /// The fully qualified type or module holding the names.
    pub symbol: String,
    /// Where the library comes from: registry and package name
    /// ("Maven org.springframework:spring-web").
    pub package: String,
    /// The oldest release our data was read from (a dotted version);
    /// absent when releases could not be read one by one.
    #[serde(default)]
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub since: Option<String>,
    /// The newest release our data was read from (a dotted version).
    #[serde(default)]
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub through: Option<String>,
    /// The library's own documentation or source of the names.
    pub link: String,
}

impl Ecosystem {
    /// "5.3 – 7.0": the releases our data covers; empty when unknown.
    pub fn versions(&self) -> String {
        match (&self.since, &self.through) {
            (Some(s), Some(t)) if s == t => s.clone(),
            (Some(s), Some(t)) => format!("{s} – {t}"),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEcosystems {
    pub ecosystem: Vec<Ecosystem>,
}

/// One name with its versions, as a data file writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConstantName {
    name: String,
    since: Option<String>,
    until: Option<String>,
    removed: Option<String>,
    deprecated: Option<String>,
}

/// One name a library gives a code, with the library versions it holds in.
/// Versions are dotted numbers as the library numbers its releases.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
pub struct ConstantName {
    /// The name as code writes it: `HttpStatus.CONTENT_TOO_LARGE`.
    pub name: String,
    /// The first release that has the name; absent when every covered
    /// release has it.
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub since: Option<String>,
    /// The last release (or release line, `6.2`) that has the name; absent
    /// when the newest covered release still has it.
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub until: Option<String>,
    /// The first release without the name; given exactly when `until` is.
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub removed: Option<String>,
    /// The first release that marks the name deprecated.
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub deprecated: Option<String>,
    /// The range and marks in words ("≤ 6.2, removed in 7.0"); empty when
    /// the name holds unmarked across the covered releases. Derived, never
    /// written in the data files.
    pub note: String,
}

impl ConstantName {
    fn plain(name: String) -> ConstantName {
        ConstantName {
            name,
            since: None,
            until: None,
            removed: None,
            deprecated: None,
            note: String::new(),
        }
    }

    /// The versions the name holds in, in words: "≥ 7.0", "≤ 6.2",
    /// "6.0.5 – 6.2", or empty when it holds across the covered range.
    pub fn range(&self) -> String {
        match (&self.since, &self.until) {
            (Some(s), Some(u)) => format!("{s} – {u}"),
            (Some(s), None) => format!("≥ {s}"),
            (None, Some(u)) => format!("≤ {u}"),
            (None, None) => String::new(),
        }
    }

    /// The range with its marks: "≤ 6.2, removed in 7.0" or
    /// "deprecated in 7.0"; empty when there is nothing to say. A name
    /// deprecated in `covered_since`, the oldest covered release, is
    /// "deprecated": it was so before the range began.
    pub fn describe(&self, covered_since: Option<&str>) -> String {
        let mut parts = Vec::new();
        let range = self.range();
        if !range.is_empty() {
            parts.push(range);
        }
        if let Some(d) = &self.deprecated {
            if Some(d.as_str()) == covered_since {
                parts.push("deprecated".to_string());
            } else {
                parts.push(format!("deprecated in {d}"));
            }
        }
        if let Some(r) = &self.removed {
            parts.push(format!("removed in {r}"));
        }
        parts.join(", ")
    }

    /// Whether the name exists in release `version` ("2.2.22", "3.11.2"):
    /// `since` ≤ version, and version within the `until` line.
    pub fn holds_in(&self, version: &str) -> bool {
        let Some(v) = parse_version(version) else {
            return false;
        };
        let after_since = self
            .since
            .as_deref()
            .and_then(parse_version)
            .is_none_or(|s| compare(&v, &s) != Ordering::Less);
        let before_until = self
            .until
            .as_deref()
            .and_then(parse_version)
            .is_none_or(|u| {
                let prefix: Vec<u64> = v.iter().copied().take(u.len()).collect();
                compare(&prefix, &u) != Ordering::Greater
            });
        after_since && before_until
    }

    /// Whether the name is marked deprecated in release `version`.
    pub fn deprecated_in(&self, version: &str) -> bool {
        match (
            parse_version(version),
            self.deprecated.as_deref().and_then(parse_version),
        ) {
            (Some(v), Some(d)) => compare(&v, &d) != Ordering::Less,
            _ => false,
        }
    }

    /// "CONTENT_TOO_LARGE (≥ 6.1)" or just the name.
    pub fn display(&self) -> String {
        if self.note.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.note)
        }
    }
}

/// A constant as a data file writes it: one name for the whole covered
/// range, or a list of names with their ranges.
#[derive(Debug)]
pub(crate) enum RawConstant {
    Name(String),
    Names(Vec<RawConstantName>),
}

/// By hand rather than `untagged`, so that a wrong field inside a list is
/// reported as such instead of "did not match any variant".
impl<'de> Deserialize<'de> for RawConstant {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawConstant;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a name, or a list of { name, since?, until?, removed?, deprecated? }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawConstant, E> {
                Ok(RawConstant::Name(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawConstant, A::Error> {
                let mut names = Vec::new();
                while let Some(n) = seq.next_element::<RawConstantName>()? {
                    names.push(n);
                }
                Ok(RawConstant::Names(names))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl RawConstant {
    pub(crate) fn into_names(self) -> Vec<ConstantName> {
        match self {
            RawConstant::Name(n) => vec![ConstantName::plain(n)],
            RawConstant::Names(list) => list
                .into_iter()
                .map(|r| ConstantName {
                    name: r.name,
                    since: r.since,
                    until: r.until,
                    removed: r.removed,
                    deprecated: r.deprecated,
                    note: String::new(),
                })
                .collect(),
        }
    }
}

/// The names one library gives one code: the current name first, then older
/// or newer names with their ranges.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
pub struct Constants {
    /// The ecosystem key (`spring`), as in the simple `constants` field.
    pub ecosystem: String,
    /// "Spring HttpStatus".
    pub label: String,
    /// "Spring Framework".
    pub library: String,
    /// The releases our data covers: "5.3 – 7.0".
    pub versions: String,
    /// Current name first.
    pub names: Vec<ConstantName>,
}

impl Constants {
    /// The name to use with the newest covered release.
    pub fn current(&self) -> &ConstantName {
        &self.names[0]
    }

    /// "CONTENT_TOO_LARGE · PAYLOAD_TOO_LARGE (deprecated in 7.0)": every
    /// name with its note, current first.
    pub fn summary(&self) -> String {
        self.names
            .iter()
            .map(ConstantName::display)
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// A dotted release number as numbers; `None` unless every part is a number.
pub fn parse_version(text: &str) -> Option<Vec<u64>> {
    if text.is_empty() {
        return None;
    }
    text.split('.').map(|p| p.parse().ok()).collect()
}

/// Orders two versions part by part; missing parts count as 0.
pub fn compare(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| *o != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

/// What is wrong with one ecosystem's names for one code, if anything:
/// empty or spaced names, repeats, versions that are not dotted numbers or
/// out of order, `until` without `removed` (or the reverse), and a first
/// name that is not the one to use with the newest release.
pub(crate) fn problems(eco: &Ecosystem, names: &[ConstantName]) -> Vec<String> {
    let mut out = Vec::new();
    let key = &eco.key;
    if names.is_empty() {
        out.push(format!("constants for {key} list no name"));
        return out;
    }
    let range = match (&eco.since, &eco.through) {
        (None, None) => None,
        (Some(s), Some(t)) => match (parse_version(s), parse_version(t)) {
            (Some(low), Some(high)) if compare(&low, &high) != Ordering::Greater => {
                Some((low, high))
            }
            _ => {
                out.push(format!(
                    "ecosystem {key}: since and through must be ordered dotted versions"
                ));
                return out;
            }
        },
        _ => {
            out.push(format!("ecosystem {key}: since and through go together"));
            return out;
        }
    };
    for (i, n) in names.iter().enumerate() {
        if n.name.trim().is_empty() || n.name.contains(char::is_whitespace) {
            out.push(format!(
                "constant for {key} must be one token: {:?}",
                n.name
            ));
        }
        if names[..i].iter().any(|m| m.name == n.name) {
            out.push(format!("constant {} for {key} is listed twice", n.name));
        }
        let mut versions = Vec::new();
        for (field, value) in [
            ("since", &n.since),
            ("until", &n.until),
            ("removed", &n.removed),
            ("deprecated", &n.deprecated),
        ] {
            if let Some(v) = value {
                match parse_version(v) {
                    Some(p) => {
                        let Some((low, high)) = &range else {
                            out.push(format!(
                                "{key} {}: {field} needs the ecosystem's covered releases",
                                n.name
                            ));
                            continue;
                        };
                        if compare(&p, low) == Ordering::Less
                            || compare(&p, high) == Ordering::Greater
                        {
                            out.push(format!(
                                "{key} {}: {field} {v} is outside the covered releases {}",
                                n.name,
                                eco.versions()
                            ));
                        }
                        versions.push((field, p));
                    }
                    None => out.push(format!(
                        "{key} {}: {field} {v:?} is not a dotted version",
                        n.name
                    )),
                }
            }
        }
        if n.until.is_some() != n.removed.is_some() {
            out.push(format!("{key} {}: until and removed go together", n.name));
        }
        let get = |f: &str| {
            versions
                .iter()
                .find(|(k, _)| *k == f)
                .map(|(_, v)| v.clone())
        };
        let ordered = [
            ("since", "until"),
            ("until", "removed"),
            ("since", "deprecated"),
            ("since", "removed"),
        ];
        for (a, b) in ordered {
            if let (Some(x), Some(y)) = (get(a), get(b)) {
                let bad = match (a, b) {
                    ("until", "removed") | ("since", "removed") => {
                        compare(&x, &y) != Ordering::Less
                    }
                    _ => compare(&x, &y) == Ordering::Greater,
                };
                if bad {
                    out.push(format!("{key} {}: {a} must come before {b}", n.name));
                }
            }
        }
    }
    if let Some(through) = &eco.through {
        let newest_ok = |n: &ConstantName| n.holds_in(through) && !n.deprecated_in(through);
        if !newest_ok(&names[0]) && names.iter().any(newest_ok) {
            out.push(format!(
                "constants for {key}: the first name must be the one to use with {through}"
            ));
        }
    }
    out
}

/// The ecosystems of one protocol, in display order.
pub fn ecosystems_of(all: &[Ecosystem], protocol: Protocol) -> impl Iterator<Item = &Ecosystem> {
    all.iter().filter(move |e| e.protocol == protocol)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(since: Option<&str>, until: Option<&str>) -> ConstantName {
        ConstantName {
            name: "X".into(),
            since: since.map(Into::into),
            until: until.map(Into::into),
            removed: None,
            deprecated: None,
            note: String::new(),
        }
    }

    #[test]
    fn holds_in_reads_since_and_until_lines() {
        let n = name(Some("6.0.5"), Some("6.2"));
        assert!(!n.holds_in("6.0.4"));
        assert!(n.holds_in("6.0.5"));
        assert!(n.holds_in("6.2.19"));
        assert!(!n.holds_in("7.0.0"));
        assert!(!n.holds_in("not a version"));
        assert!(name(None, None).holds_in("1"));
    }

    #[test]
    fn notes_read_like_prose() {
        let mut n = name(None, Some("6.2"));
        n.removed = Some("7.0".into());
        n.deprecated = Some("5.3".into());
        assert_eq!(n.describe(Some("5.3")), "≤ 6.2, deprecated, removed in 7.0");
        n.note = n.describe(Some("5.3"));
        assert_eq!(n.display(), "X (≤ 6.2, deprecated, removed in 7.0)");
        let mut d = name(Some("6.1"), None);
        d.deprecated = Some("7.0".into());
        assert_eq!(d.describe(Some("5.3")), "≥ 6.1, deprecated in 7.0");
        assert!(d.deprecated_in("7.0.1") && !d.deprecated_in("6.2"));
    }
}
