//! "Which code should I return?": a decision guide for API authors, as a
//! tree of questions in `data/guide.toml` whose answers lead to another
//! question or to an HTTP status code with the reason for it. The data is
//! validated like the rest: every step reachable, no dead ends, no cycles,
//! every outcome a real code.

use super::{Catalog, Entry, Protocol};
use crate::text::prose_problems;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The id of the first question.
pub const START: &str = "start";

/// One question of the guide.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuideStep {
    /// Unique; the last part of the step's URL (lowercase letters, digits, dashes).
    pub id: String,
    pub question: String,
    /// A sentence that helps answering, when the question needs one.
    #[serde(default)]
    pub hint: String,
    #[serde(rename = "answer")]
    pub answers: Vec<GuideAnswer>,
}

/// One answer: either the next question or an HTTP code with the reason.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GuideAnswer {
    pub label: String,
    /// The id of the next step.
    #[serde(default)]
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub next: Option<String>,
    /// The HTTP code (catalog id) this answer ends at.
    #[serde(default)]
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub code: Option<String>,
    /// Why that code fits (with `code`).
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGuide {
    pub step: Vec<GuideStep>,
}

/// Where an answer leads.
#[derive(Clone, Copy, Debug)]
pub enum Destination<'a> {
    Step(&'a GuideStep),
    Outcome(&'a Entry),
}

impl Catalog {
    /// Every step of the guide, the first question first.
    pub fn guide(&self) -> &[GuideStep] {
        &self.notes.get().guide
    }

    /// The step with this id.
    pub fn guide_step(&self, id: &str) -> Option<&GuideStep> {
        self.notes.get().guide.iter().find(|s| s.id == id)
    }

    /// Where `answer` leads, if its target exists.
    pub fn guide_destination(&self, answer: &GuideAnswer) -> Option<Destination<'_>> {
        match (&answer.next, &answer.code) {
            (Some(next), None) => self.guide_step(next).map(Destination::Step),
            (None, Some(code)) => self.get(Protocol::Http, code).map(Destination::Outcome),
            _ => None,
        }
    }

    /// Every (step, answer) pair that ends at a code, in data order.
    pub fn guide_outcomes(&self) -> Vec<(&GuideStep, &GuideAnswer)> {
        self.notes
            .get()
            .guide
            .iter()
            .flat_map(|s| s.answers.iter().map(move |a| (s, a)))
            .filter(|(_, a)| a.code.is_some())
            .collect()
    }
}

/// The guide's rules: unique well-formed ids, the first step present, every
/// answer leading to exactly one existing step or HTTP code (with a reason),
/// every step reachable from the first, and no cycle.
pub(crate) fn validate(catalog: &Catalog, problems: &mut Vec<String>) {
    problems.extend(problems_of(catalog.guide(), catalog));
}

/// Everything wrong with a guide written as `data/guide.toml` is, checked
/// against the codes of `catalog`: the same rules the build applies, for
/// trying out a guide before it replaces the shipped one.
pub fn check(toml_text: &str, catalog: &Catalog) -> Vec<String> {
    match toml::from_str::<RawGuide>(toml_text) {
        Ok(raw) => problems_of(&raw.step, catalog),
        Err(e) => vec![format!("guide: {e}")],
    }
}

fn problems_of(steps: &[GuideStep], catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    if steps.is_empty() {
        problems.push("guide: there are no steps".to_string());
        return problems;
    }
    let step = |id: &str| steps.iter().find(|s| s.id == id);
    let mut ids = HashSet::new();
    for s in steps {
        let at = format!("guide step {}", s.id);
        if !ids.insert(s.id.as_str()) {
            problems.push(format!("{at}: the id is used twice"));
        }
        if s.id.is_empty()
            || !s
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            problems.push(format!(
                "{at}: the id must be lowercase letters, digits and dashes"
            ));
        }
        for p in prose_problems(&s.question) {
            problems.push(format!("{at}: question {p}"));
        }
        if s.answers.len() < 2 {
            problems.push(format!("{at}: a question needs at least two answers"));
        }
        let mut codes = HashSet::new();
        for a in &s.answers {
            let at = format!("{at}, answer {:?}", a.label);
            for p in prose_problems(&a.label) {
                problems.push(format!("{at}: label {p}"));
            }
            match (&a.next, &a.code) {
                (Some(next), None) => {
                    if step(next).is_none() {
                        problems.push(format!("{at}: there is no step {next:?}"));
                    }
                    if !a.reason.is_empty() {
                        problems.push(format!(
                            "{at}: only an answer that ends at a code has a reason"
                        ));
                    }
                }
                (None, Some(code)) => {
                    if catalog.get(Protocol::Http, code).is_none() {
                        problems.push(format!("{at}: HTTP has no code {code:?}"));
                    }
                    if !codes.insert(code.as_str()) {
                        problems.push(format!("{at}: the step ends at {code} twice"));
                    }
                    for p in prose_problems(&a.reason) {
                        problems.push(format!("{at}: reason {p}"));
                    }
                }
                _ => problems.push(format!("{at}: give either next or code")),
            }
        }
    }
    if step(START).is_none() {
        problems.push(format!("guide: there is no first step {START:?}"));
        return problems;
    }
    // Depth-first from the start: a step met again on the current path is a
    // cycle; a step never met is unreachable.
    let edges: HashMap<&str, Vec<&str>> = steps
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                s.answers.iter().filter_map(|a| a.next.as_deref()).collect(),
            )
        })
        .collect();
    let mut done: HashSet<&str> = HashSet::new();
    let mut path: Vec<&str> = Vec::new();
    fn visit<'a>(
        id: &'a str,
        edges: &HashMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut HashSet<&'a str>,
        problems: &mut Vec<String>,
    ) {
        if path.contains(&id) {
            problems.push(format!(
                "guide: a cycle through {} → {id}",
                path.join(" → ")
            ));
            return;
        }
        if !done.insert(id) {
            return;
        }
        path.push(id);
        for next in edges.get(id).into_iter().flatten() {
            visit(next, edges, path, done, problems);
        }
        path.pop();
    }
    visit(START, &edges, &mut path, &mut done, &mut problems);
    for s in steps {
        if !done.contains(s.id.as_str()) {
            problems.push(format!("guide step {}: no answer leads here", s.id));
        }
    }
    problems
}
