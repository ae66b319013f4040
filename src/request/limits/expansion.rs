//! How much work a document asks for once its fragments are expanded.
//!
//! A fragment may spread another twice, that one the next twice, and so on: 25 such
//! fragments in 1 KB of text make 2^24 selections, and everything that walks the
//! document with fragments expanded (validation's complexity and depth, execution)
//! would take seconds of CPU that no timeout can interrupt. So the expanded size is
//! counted first, once per fragment and without recursing through spreads, in time
//! linear in the document's length.

use std::collections::HashMap;

use async_graphql::Name;
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The selections (fields, fragment spreads and inline fragments) of all the document's
/// operations with every spread replaced by its fragment, counted up to `cap` (a larger
/// count answers `cap`). A spread of a fragment that does not exist, or of one being
/// expanded (a cycle, which validation refuses), adds nothing.
pub fn expanded_selections(document: &ExecutableDocument, cap: usize) -> usize {
    let mut sizes = FragmentSizes {
        document,
        cap,
        sizes: HashMap::new(),
    };
    document
        .operations
        .iter()
        .map(|(_, operation)| sizes.of_set(&operation.node.selection_set.node))
        .fold(0, |total, size| total.saturating_add(size).min(cap))
}

struct FragmentSizes<'a> {
    document: &'a ExecutableDocument,
    cap: usize,
    /// Expanded size of each fragment; `None` while it is being worked out.
    sizes: HashMap<&'a Name, Option<usize>>,
}

impl<'a> FragmentSizes<'a> {
    /// The expanded size of a selection set.
    fn of_set(&mut self, set: &'a SelectionSet) -> usize {
        let written = Written::of(set);
        for name in &written.spreads {
            self.work_out(name);
        }
        self.total(&written)
    }

    fn total(&self, written: &Written<'a>) -> usize {
        written
            .spreads
            .iter()
            .map(|name| self.sizes.get(name).copied().flatten().unwrap_or(0))
            .fold(written.selections, |total, size| {
                total.saturating_add(size).min(self.cap)
            })
    }

    /// Works out the size of `name` and of every fragment it reaches, depth first with
    /// an explicit stack: a chain of thousands of fragments must not recurse.
    fn work_out(&mut self, name: &'a Name) {
        let mut stack = vec![(name, None::<Written<'a>>)];
        while let Some((name, written)) = stack.pop() {
            match written {
                Some(written) => {
                    let size = self.total(&written);
                    self.sizes.insert(name, Some(size));
                }
                None => {
                    if self.sizes.contains_key(name) {
                        continue;
                    }
                    let Some(fragment) = self.document.fragments.get(name) else {
                        self.sizes.insert(name, Some(0));
                        continue;
                    };
                    self.sizes.insert(name, None);
                    let written = Written::of(&fragment.node.selection_set.node);
                    let next: Vec<&'a Name> = written
                        .spreads
                        .iter()
                        .copied()
                        .filter(|spread| !self.sizes.contains_key(spread))
                        .collect();
                    stack.push((name, Some(written)));
                    stack.extend(next.into_iter().map(|spread| (spread, None)));
                }
            }
        }
    }
}

/// What a selection set holds as written: how many selections at every level inside it,
/// and the fragments it spreads (once per spread).
struct Written<'a> {
    selections: usize,
    spreads: Vec<&'a Name>,
}

impl<'a> Written<'a> {
    /// Recurses once per level of the text's nesting, which is bounded before parsing.
    fn of(set: &'a SelectionSet) -> Self {
        let mut written = Written {
            selections: 0,
            spreads: Vec::new(),
        };
        written.add(set);
        written
    }

    fn add(&mut self, set: &'a SelectionSet) {
        for selection in &set.items {
            self.selections += 1;
            match &selection.node {
                Selection::Field(field) => self.add(&field.node.selection_set.node),
                Selection::InlineFragment(inline) => self.add(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    self.spreads.push(&spread.node.fragment_name.node);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(query: &str) -> usize {
        let document = async_graphql::parser::parse_query(query).unwrap();
        expanded_selections(&document, usize::MAX)
    }

    /// `{ ...F0 }` where each of `links` fragments spreads the next twice, and the last
    /// selects one field.
    fn doubling(links: usize) -> String {
        let mut query = String::from("{ ...F0 }");
        for i in 0..links {
            query += &format!(" fragment F{i} on Query {{ ...F{n} ...F{n} }}", n = i + 1);
        }
        query + &format!(" fragment F{links} on Query {{ __typename }}")
    }

    #[test]
    fn counts_fields_spreads_and_inline_fragments_as_expanded() {
        assert_eq!(expanded("{ a b { c } }"), 3);
        assert_eq!(expanded("{ a { ...F } } fragment F on A { b c }"), 4);
        assert_eq!(expanded("{ ... on Q { a } }"), 2);
        assert_eq!(expanded("{ ...F ...F } fragment F on Q { a { b } }"), 6);
        assert_eq!(expanded("query A { a } query B { b c }"), 3);
    }

    #[test]
    fn counts_a_doubling_chain_without_expanding_it() {
        // 1 spread at the top, then 2 + 4 + ... + 2^n spreads, and 2^n fields.
        assert_eq!(expanded(&doubling(3)), 1 + 2 + 4 + 8 + 8);
        assert_eq!(expanded(&doubling(70)), usize::MAX, "saturates");
        let document = async_graphql::parser::parse_query(doubling(70)).unwrap();
        assert_eq!(expanded_selections(&document, 5_000), 5_000, "capped");
    }

    #[test]
    fn leaves_cycles_and_unknown_fragments_to_validation() {
        assert_eq!(expanded("{ ...F } fragment F on Q { a ...F }"), 2 + 1);
        assert_eq!(expanded("{ ...Missing }"), 1);
    }

    #[test]
    fn follows_a_long_chain_without_recursing() {
        let mut query = String::from("{ ...F0 }");
        for i in 0..20_000 {
            query += &format!(" fragment F{i} on Q {{ ...F{} }}", i + 1);
        }
        query += " fragment F20000 on Q { a }";
        assert_eq!(expanded(&query), 20_002);
    }
}
