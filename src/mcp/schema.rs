//! Output schemas of the tools, from the same utoipa schemas that document
//! the JSON API: one description of each shape. utoipa writes OpenAPI 3.1
//! schemas, which are JSON Schema 2020-12; only the references need moving
//! from `#/components/schemas/` to `#/$defs/` for a stand-alone schema.

use rmcp::model::JsonObject;
use serde_json::{Map, Value};
use std::sync::Arc;

const OPENAPI_PREFIX: &str = "#/components/schemas/";
const DEFS_PREFIX: &str = "#/$defs/";

/// A stand-alone JSON Schema (2020-12) for the component `name` of the
/// OpenAPI document `doc`: that component's schema at the root, and every
/// component it refers to, directly or not, under `$defs`.
///
/// Returns `None` when the document has no such component.
pub fn standalone(doc: &utoipa::openapi::OpenApi, name: &str) -> Option<Arc<JsonObject>> {
    let value = serde_json::to_value(doc).ok()?;
    let components = value.get("components")?.get("schemas")?.as_object()?;
    let root = components.get(name)?.as_object()?.clone();
    let mut defs = Map::new();
    let mut pending: Vec<String> = Vec::new();
    collect_refs(&Value::Object(root.clone()), &mut pending);
    while let Some(next) = pending.pop() {
        if defs.contains_key(&next) {
            continue;
        }
        let Some(schema) = components.get(&next) else {
            continue;
        };
        collect_refs(schema, &mut pending);
        defs.insert(next, schema.clone());
    }
    let mut schema = root;
    if !defs.is_empty() {
        schema.insert("$defs".into(), Value::Object(defs));
    }
    let mut schema = Value::Object(schema);
    rewrite_refs(&mut schema);
    match schema {
        Value::Object(object) => Some(Arc::new(object)),
        _ => None,
    }
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref"
                    && let Some(name) = v.as_str().and_then(|r| r.strip_prefix(OPENAPI_PREFIX))
                {
                    out.push(name.to_string());
                }
                collect_refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "$ref"
                    && let Some(name) = v.as_str().and_then(|r| r.strip_prefix(OPENAPI_PREFIX))
                {
                    *v = Value::String(format!("{DEFS_PREFIX}{name}"));
                } else {
                    rewrite_refs(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_move_to_defs_and_unreferenced_components_stay_out() {
        let doc: utoipa::openapi::OpenApi = serde_json::from_value(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {
                "Outer": {"type": "object", "properties": {"inner": {"$ref": "#/components/schemas/Inner"}}},
                "Inner": {"type": "object", "properties": {"leaf": {"type": "array", "items": {"$ref": "#/components/schemas/Leaf"}}}},
                "Leaf": {"type": "string"},
                "Unused": {"type": "integer"}
            }}
        }))
        .unwrap();
        let schema = Value::Object(standalone(&doc, "Outer").unwrap().as_ref().clone());
        assert_eq!(schema["properties"]["inner"]["$ref"], "#/$defs/Inner");
        assert_eq!(
            schema["$defs"]["Inner"]["properties"]["leaf"]["items"]["$ref"],
            "#/$defs/Leaf"
        );
        assert!(schema["$defs"].get("Unused").is_none());
        assert!(standalone(&doc, "Missing").is_none());
    }
}
