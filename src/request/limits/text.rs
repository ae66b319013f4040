//! Bounds checked on a request's text and variables before anything parses or walks them.
//!
//! The GraphQL parser, value coercion and validation all recurse once per level of
//! nesting, and enough levels overflow a worker's stack, which aborts the whole process.
//! So nesting is measured here without recursion, before any of them runs.

use async_graphql::Value;

/// Whether brackets nest deeper than `limit` in a GraphQL document's text: `{ }` for
/// selection sets and input objects, `[ ]` for lists and list types, `( )` for arguments
/// and variable definitions. Strings, block strings and comments are skipped, so a brace
/// inside a string does not count. Stops at the first level past the limit.
pub fn nests_deeper_than(text: &str, limit: usize) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        at = match bytes[at] {
            b'#' => skip_comment(bytes, at),
            b'"' if bytes[at..].starts_with(b"\"\"\"") => skip_block_string(bytes, at + 3),
            b'"' => skip_string(bytes, at + 1),
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
                at + 1
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                at + 1
            }
            _ => at + 1,
        };
    }
    false
}

/// Past a comment, which runs to the end of its line.
fn skip_comment(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&byte| byte == b'\n' || byte == b'\r')
        .map_or(bytes.len(), |offset| from + offset)
}

/// Past a string that started before `from`: to its closing quote, or to the end of the
/// line for one left open (which the parser then refuses).
fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            b'\n' | b'\r' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Past a block string that started before `from`, whose only escape is `\"""`.
fn skip_block_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        if bytes[at..].starts_with(b"\\\"\"\"") {
            at += 4;
        } else if bytes[at..].starts_with(b"\"\"\"") {
            return at + 3;
        } else {
            at += 1;
        }
    }
    bytes.len()
}

/// Whether a variable's value nests lists and objects deeper than `limit` (a scalar is
/// level 0). Walks with its own stack rather than recursion.
pub fn value_nests_deeper_than(value: &Value, limit: usize) -> bool {
    let mut pending = vec![(value, 0usize)];
    while let Some((value, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::List(items) => Box::new(items.iter()),
            Value::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        if depth + 1 > limit {
            return true;
        }
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_of_every_kind_to_the_limit() {
        assert!(!nests_deeper_than("{ a }", 1));
        assert!(nests_deeper_than("{ a { b } }", 1));
        assert!(!nests_deeper_than("{ a(x: [{ y: 1 }]) }", 4));
        assert!(nests_deeper_than("{ a(x: [{ y: 1 }]) }", 3));
        assert!(
            !nests_deeper_than("{ a } { b } { c }", 1),
            "siblings do not add up"
        );
    }

    #[test]
    fn skips_brackets_in_strings_and_comments() {
        assert!(!nests_deeper_than(r#"{ a(s: "{{{[[[(((") }"#, 2));
        assert!(!nests_deeper_than(r#"{ a(s: "\"{{{") }"#, 2));
        assert!(!nests_deeper_than(
            "{ a(s: \"\"\"{{{ \\\"\"\" {{{\"\"\") }",
            2
        ));
        assert!(!nests_deeper_than("{ a # {{{{{\n }", 1));
        // An unterminated string ends at its line, so what follows still counts.
        assert!(nests_deeper_than("{ a(s: \"open\n{{{ ", 2));
    }

    #[test]
    fn measures_variables_without_recursing() {
        let mut deep = Value::from(1);
        for _ in 0..1_000 {
            deep = Value::List(vec![deep]);
        }
        assert!(value_nests_deeper_than(&deep, 32));
        let shallow = async_graphql::value!({ "a": [1, { "b": [2] }] });
        assert!(!value_nests_deeper_than(&shallow, 4));
        assert!(value_nests_deeper_than(&shallow, 3));
        assert!(!value_nests_deeper_than(&Value::from("text"), 0));
    }
}
