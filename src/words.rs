//! Word forms a teacher expects to find each other, the same on both databases.
//!
//! Each database stems the words of practice itself (SQLite's FTS5 with the Porter
//! stemmer, PostgreSQL with Snowball's English stemmer, "Porter2"), which joins the
//! inflections of a word: assess, assessing, assessment; question, questioning;
//! differentiate, differentiation. No suffix stemmer joins derivational families (fluent,
//! fluency), irregular forms (teach, taught) or British and American spellings (organise,
//! organize; behaviour, behavior). So Trellis adds, for each word of a search, the other
//! forms of its family ([`FAMILIES`]) and its other spelling, and each database stems every
//! form with its own stemmer; a word matches when any of its forms does. Words too common
//! to search for ([`STOP_WORDS`], PostgreSQL's English list) are left out on both
//! databases, so every remaining word must match on either.
//!
//! Support suggestions compare words through [`key`]: the same stemmer and families.

use std::collections::HashMap;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

/// PostgreSQL's English stop words (Snowball's list): too common to search for.
#[rustfmt::skip]
pub const STOP_WORDS: [&str; 127] = [
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
    "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers",
    "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves",
    "what", "which", "who", "whom", "this", "that", "these", "those", "am", "is", "are",
    "was", "were", "be", "been", "being", "have", "has", "had", "having", "do", "does",
    "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as", "until",
    "while", "of", "at", "by", "for", "with", "about", "against", "between", "into",
    "through", "during", "before", "after", "above", "below", "to", "from", "up", "down",
    "in", "out", "on", "off", "over", "under", "again", "further", "then", "once", "here",
    "there", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more",
    "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so",
    "than", "too", "very", "s", "t", "can", "will", "just", "don", "should", "now",
];

/// Families of words that mean the same to a teacher searching, which no suffix stemmer
/// joins. Inflections need not be listed (each form is stemmed: "fluencies" is found as
/// "fluency"); other spellings are, as "-ise"/"-ize" is respelt only for words of no
/// family (see [`other_spelling`]).
pub const FAMILIES: &[&[&str]] = &[
    &["fluent", "fluency", "fluently"],
    &["accurate", "accuracy", "accurately"],
    &["literate", "literacy"],
    &["numerate", "numeracy"],
    &["comprehend", "comprehension"],
    &["explain", "explanation", "explanatory"],
    &["intervene", "intervention"],
    &["analyse", "analyze", "analysis", "analytical"],
    &[
        "behaviour",
        "behavior",
        "behavioural",
        "behavioral",
        "behave",
    ],
    &["practice", "practise"],
    &["maths", "math", "mathematics", "mathematical"],
    &["child", "children"],
    &["curriculum", "curricula", "curricular"],
    &["write", "writing", "wrote", "written"],
    &["teach", "teaching", "taught"],
    &["learn", "learning", "learnt"],
    &["speak", "speaking", "spoke", "spoken"],
    &["programme", "program"],
    &["centre", "center"],
    &["judgement", "judgment"],
    &["colour", "color"],
];

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Each family member's stem, to its family's index in [`FAMILIES`].
static FAMILY_OF: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    FAMILIES
        .iter()
        .enumerate()
        .flat_map(|(n, family)| family.iter().map(move |word| (stem(word), n)))
        .collect()
});

/// The stem of a lower-case word, its "-ize" spelling read as "-ise".
fn stem(word: &str) -> String {
    let british = respell(word, &[("iz", "is"), ("yz", "ys")]);
    STEMMER
        .stem(british.as_deref().unwrap_or(word))
        .into_owned()
}

pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word)
}

/// A word's "-ise" spelling for its "-ize" one, and the other way round ("organise",
/// "organize"; "analysing", "analyzing").
pub fn other_spelling(word: &str) -> Option<String> {
    respell(
        word,
        &[("is", "iz"), ("iz", "is"), ("ys", "yz"), ("yz", "ys")],
    )
}

/// `word` with the first `(from, to)` swapped just before a verb or noun ending, for words
/// long enough that the ending is a suffix ("organ-is-e", not "pr-iz-e").
fn respell(word: &str, swaps: &[(&str, &str)]) -> Option<String> {
    const ENDINGS: [&str; 9] = [
        "e", "es", "ed", "ing", "er", "ers", "ation", "ations", "ational",
    ];
    for ending in ENDINGS {
        let Some(base) = word.strip_suffix(ending) else {
            continue;
        };
        for (from, to) in swaps {
            if let Some(root) = base.strip_suffix(from)
                && root.chars().count() >= 3
            {
                return Some(format!("{root}{to}{ending}"));
            }
        }
    }
    None
}

/// The forms a search for `word` (lower case) also finds: the other members of its
/// family, or else its other spelling. `word` itself is not repeated.
pub fn other_forms(word: &str) -> Vec<String> {
    let mut forms: Vec<String> = match FAMILY_OF.get(&stem(word)) {
        Some(family) => FAMILIES[*family]
            .iter()
            .map(|member| (*member).to_owned())
            .collect(),
        None => other_spelling(word).into_iter().collect(),
    };
    forms.retain(|form| form != word);
    forms.sort();
    forms
}

/// What a word (lower case) is compared by: its family's first member's stem, or its own
/// stem. "Fluency" and "fluently" have the key of "fluent"; "questioning" that of
/// "question"; "organize" that of "organise".
pub fn key(word: &str) -> String {
    let stem = stem(word);
    match FAMILY_OF.get(&stem) {
        Some(family) => self::stem(FAMILIES[*family][0]),
        None => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_join_what_stemming_does_not() {
        for family in FAMILIES {
            for word in *family {
                assert_eq!(key(word), key(family[0]), "{word} in {family:?}");
                assert!(!is_stop_word(word), "{word}");
            }
        }
        for (a, b) in [
            ("fluencies", "fluent"),
            ("assessing", "assessment"),
            ("differentiate", "differentiation"),
            ("questioning", "question"),
            ("organize", "organisation"),
            ("analyzing", "analyses"),
            ("taught", "teaching"),
        ] {
            assert_eq!(key(a), key(b), "{a} and {b}");
        }
        assert_ne!(key("fluent"), key("flute"));
        assert_ne!(key("teacher"), key("teach"));
    }

    #[test]
    fn no_two_families_share_a_stem() {
        let stems: usize = FAMILIES.iter().map(|family| family.len()).sum();
        assert_eq!(FAMILY_OF.len(), stems - duplicated_stems());
        fn duplicated_stems() -> usize {
            // Members of one family may share a stem (maths, math); never two families.
            FAMILIES
                .iter()
                .map(|family| {
                    let mut stems: Vec<String> = family.iter().map(|w| stem(w)).collect();
                    let all = stems.len();
                    stems.sort();
                    stems.dedup();
                    all - stems.len()
                })
                .sum()
        }
    }

    #[test]
    fn other_forms_of_a_search_word() {
        assert_eq!(other_forms("fluency"), ["fluent", "fluently"]);
        assert_eq!(other_forms("organise"), ["organize"]);
        assert_eq!(other_forms("prioritizing"), ["prioritising"]);
        assert_eq!(
            other_forms("analysed"),
            ["analyse", "analysis", "analytical", "analyze"]
        );
        assert!(other_forms("retrieval").is_empty());
        // Too short for the ending to be a suffix.
        assert_eq!(other_spelling("size"), None);
        assert_eq!(other_spelling("prize"), None);
    }
}
