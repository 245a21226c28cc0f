//! "Which code should I return?": the decision guide for API authors as
//! pages. Every question has its own URL (`/guide/`, `/guide/client-error`)
//! and its answers are plain links, so it works without JavaScript; an
//! answer that ends at a code leads to a page of its own
//! (`/guide/client-error/404`) with the reason and the code it is most
//! confused with.

use super::AppState;
use super::cache::Cacheable;
use super::error::{WebError, shorten};
use super::routes;
use super::views::{Crumbs, Head, compare_href, entry_href, html, tone};
use crate::catalog::{Catalog, Destination, GuideStep, catalog, guide::START};
use crate::compare;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use std::sync::Arc;

/// One answer as a link: to the next question or to the outcome page.
pub struct AnswerLink {
    pub href: String,
    pub label: String,
    /// "404 Not Found" when the answer ends at a code.
    pub code: String,
}

/// A question of the guide with its answers as links.
#[derive(Template)]
#[template(path = "guide.html")]
pub struct GuidePage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub question: String,
    pub hint: String,
    pub answers: Vec<AnswerLink>,
    /// The questions answered to get here: (question, href).
    pub trail: Vec<(String, String)>,
    pub start: String,
}

/// Where an answer ends: the code, why, and what it is confused with.
#[derive(Template)]
#[template(path = "guide_outcome.html")]
pub struct GuideOutcomePage {
    pub head: Head,
    pub crumbs: Crumbs,
    pub question: String,
    pub answer: String,
    pub code: String,
    pub phrase: String,
    pub tone: String,
    pub href: String,
    pub summary: String,
    pub reason: String,
    /// (label, href of the code, href of the comparison, why they are confused)
    pub confused: Option<(String, String, String, String)>,
    pub back: String,
    pub start: String,
}

/// The steps that lead from the first question to `id`, first first (the
/// guide is a tree checked to have no cycle, so the first parent found is
/// the only way in).
fn trail<'a>(catalog: &'a Catalog, id: &str) -> Vec<&'a GuideStep> {
    let mut out = Vec::new();
    let mut current = id.to_string();
    while current != START {
        let Some(parent) = catalog.guide().iter().find(|s| {
            s.answers
                .iter()
                .any(|a| a.next.as_deref() == Some(&current))
        }) else {
            break;
        };
        out.push(parent);
        current = parent.id.clone();
        if out.len() > catalog.guide().len() {
            break;
        }
    }
    out.reverse();
    out
}

fn step_page(state: &AppState, id: &str) -> Result<Response, WebError> {
    let catalog = catalog();
    let Some(step) = catalog.guide_step(id) else {
        return Err(WebError::not_found(format!(
            "The guide has no question “{}”.",
            shorten(id)
        )));
    };
    let canonical = routes::guide_step(&step.id);
    let answers = step
        .answers
        .iter()
        .filter_map(|a| match catalog.guide_destination(a)? {
            Destination::Step(next) => Some(AnswerLink {
                href: routes::guide_step(&next.id),
                label: a.label.clone(),
                code: String::new(),
            }),
            Destination::Outcome(e) => Some(AnswerLink {
                href: routes::guide_outcome(&step.id, &e.id),
                label: a.label.clone(),
                code: e.title(),
            }),
        })
        .collect();
    let mut head = Head::new(
        catalog,
        &state.base_url,
        &canonical,
        format!("Which code should I return? {} — statusatlas", step.question),
        "A decision guide for API authors: answer a few questions and get the HTTP status code to return, with the reason and the code it is most confused with.".into(),
    );
    head.section = "guide";
    let mut crumbs: Crumbs = vec![("Home".into(), routes::Home.to_string())];
    if step.id == START {
        crumbs.push(("Which code should I return?".into(), String::new()));
    } else {
        crumbs.push((
            "Which code should I return?".into(),
            routes::Guide.to_string(),
        ));
        crumbs.push((step.question.clone(), String::new()));
    }
    let page = GuidePage {
        head,
        crumbs,
        question: step.question.clone(),
        hint: step.hint.clone(),
        answers,
        trail: trail(catalog, &step.id)
            .into_iter()
            .map(|s| (s.question.clone(), routes::guide_step(&s.id)))
            .collect(),
        start: routes::Guide.to_string(),
    };
    Ok(Cacheable::mark(canonical, html(&page)?))
}

/// `/guide/`: the first question.
pub async fn guide_start(
    _: routes::Guide,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    step_page(&state, START)
}

/// `/guide/{step}`: any later question (the first one's URL is `/guide/`).
pub async fn guide_step(
    path: routes::GuideStep,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    if path.step == START {
        return Ok(super::moved_permanently(&routes::Guide.to_string()));
    }
    step_page(&state, &path.step)
}

/// `/guide/{step}/{code}`: where an answer of `step` ends.
pub async fn guide_outcome(
    path: routes::GuideOutcome,
    State(state): State<Arc<AppState>>,
) -> Result<Response, WebError> {
    let catalog = catalog();
    let found = catalog.guide_step(&path.step).and_then(|s| {
        s.answers
            .iter()
            .find(|a| a.code.as_deref() == Some(path.code.as_str()))
            .map(|a| (s, a))
    });
    let Some((step, answer)) = found else {
        return Err(WebError::not_found(format!(
            "No answer of the guide's question “{}” ends at “{}”.",
            shorten(&path.step),
            shorten(&path.code)
        )));
    };
    let Some(Destination::Outcome(e)) = catalog.guide_destination(answer) else {
        return Err(WebError::not_found("That answer leads to no code."));
    };
    let canonical = routes::guide_outcome(&step.id, &e.id);
    let mut head = Head::new(
        catalog,
        &state.base_url,
        &canonical,
        format!(
            "Return {} {} — which code should I return? — statusatlas",
            e.code, e.phrase
        ),
        answer.reason.clone(),
    );
    head.section = "guide";
    let page = GuideOutcomePage {
        head,
        crumbs: vec![
            ("Home".into(), routes::Home.to_string()),
            (
                "Which code should I return?".into(),
                routes::Guide.to_string(),
            ),
            (step.question.clone(), routes::guide_step(&step.id)),
            (e.code.clone(), String::new()),
        ],
        question: step.question.clone(),
        answer: answer.label.clone(),
        code: e.code.clone(),
        phrase: e.phrase.clone(),
        tone: tone(e),
        href: entry_href(e),
        summary: e.summary.clone(),
        reason: answer.reason.clone(),
        confused: compare::confusions(catalog, e).into_iter().next().map(|c| {
            (
                format!("{} {}", c.other.code, c.other.phrase),
                entry_href(c.other),
                compare_href(e, c.other),
                c.reason,
            )
        }),
        back: routes::guide_step(&step.id),
        start: routes::Guide.to_string(),
    };
    Ok(Cacheable::mark(canonical, html(&page)?))
}
