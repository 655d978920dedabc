//! JSON Merge Patch (RFC 7396), the body of `PATCH /products/{id}`.

use serde_json::{Map, Value};

/// The media type of a merge patch document (RFC 7396 §3): `PATCH /products/{id}` accepts
/// only this one, and names it in `Accept-Patch` when refusing another with `415`.
///
/// # Examples
///
/// ```
/// use etag_examples::merge_patch::MERGE_PATCH_JSON;
///
/// let header: actix_web::http::header::HeaderValue = MERGE_PATCH_JSON.parse().unwrap();
/// assert_eq!(header, "application/merge-patch+json");
/// ```
pub const MERGE_PATCH_JSON: &str = "application/merge-patch+json";

/// Applies `patch` to `target` as RFC 7396 §2 defines it.
///
/// An object patch merges member by member (`null` removes a member, objects merge
/// recursively); any other patch value replaces the target whole.
///
/// # Examples
///
/// ```
/// use etag_examples::merge_patch::apply;
/// use serde_json::json;
///
/// let mut doc = json!({"name": "Mug", "stock": 3, "tags": {"a": 1, "b": 2}});
/// apply(&mut doc, &json!({"stock": 4, "tags": {"a": null}}));
/// assert_eq!(doc, json!({"name": "Mug", "stock": 4, "tags": {"b": 2}}));
/// ```
pub fn apply(target: &mut Value, patch: &Value) {
    let Value::Object(members) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(doc) = target {
        for (name, value) in members {
            if value.is_null() {
                doc.remove(name);
            } else {
                apply(doc.entry(name.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::apply;
    use serde_json::{Value, json};

    /// The examples of RFC 7396 Appendix A, as (original, patch, result).
    #[test]
    fn rfc_7396_appendix_a() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), Value::Null, Value::Null),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (original, patch, expected) in cases {
            let mut doc = original.clone();
            apply(&mut doc, &patch);
            assert_eq!(doc, expected, "{original} patched with {patch}");
        }
    }
}
