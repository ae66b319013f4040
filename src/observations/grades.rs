//! The rule that keeps grades out of observations (`GRADES_NOT_RECORDED`).
//!
//! Observations are developmental: they describe what was seen and what to try next, and
//! never grade. A text *states a grade* when, read as lower-case words (letters and digits;
//! punctuation and line breaks separate words):
//!
//! 1. `grade`, `graded` or `grading` is followed (skipping `a`, `as`, `at`, `of`) by a
//!    number from 1 to 4 (Ofsted's scale: "Grade 2", "graded as 3") or by a judgement word
//!    (below);
//! 2. the words `requires improvement` (or `require improvement`) appear together:
//!    Ofsted's grade 3, a term of art that developmental feedback does not need;
//! 3. a judgement word follows `overall` at once ("Overall: outstanding"), or follows
//!    `judged`, `judgement`, `judgment`, `rated` or `rating` within three words ("judged to
//!    be good"), or follows `lesson`/`teaching` and `was`/`is` ("the lesson was
//!    inadequate", "teaching is good").
//!
//! The judgement words are Ofsted's: `outstanding`, `good`, `satisfactory`, `inadequate`.
//! Anything else passes: "outstanding questions", "a good hinge question", "pupils'
//! grades improved" are about teaching, not a verdict on the teacher.

const JUDGEMENTS: [&str; 4] = ["outstanding", "good", "satisfactory", "inadequate"];
const GRADE_WORDS: [&str; 3] = ["grade", "graded", "grading"];
const FILLERS: [&str; 4] = ["a", "as", "at", "of"];
const LEAD_INS: [&str; 5] = ["judged", "judgement", "judgment", "rated", "rating"];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of `text` that state a grade, if any (quoted in the user error).
pub fn states_a_grade(text: &str) -> Option<String> {
    let words = words(text);
    let judgement = |word: &str| JUDGEMENTS.contains(&word);
    for (i, word) in words.iter().enumerate() {
        let next = |n: usize| words.get(i + n).map(String::as_str);
        if GRADE_WORDS.contains(&word.as_str())
            && let Some(after) = words[i + 1..]
                .iter()
                .find(|w| !FILLERS.contains(&w.as_str()))
                .map(String::as_str)
            && (matches!(after, "1" | "2" | "3" | "4") || judgement(after))
        {
            return Some(format!("{word} {after}"));
        }
        if matches!(word.as_str(), "requires" | "require") && next(1) == Some("improvement") {
            return Some(format!("{word} improvement"));
        }
        if word == "overall"
            && let Some(after) = next(1).filter(|w| judgement(w))
        {
            return Some(format!("overall {after}"));
        }
        if LEAD_INS.contains(&word.as_str())
            && let Some(after) = (1..=3).filter_map(next).find(|w| judgement(w))
        {
            return Some(format!("{word} … {after}"));
        }
        if matches!(word.as_str(), "lesson" | "teaching")
            && matches!(next(1), Some("was" | "is"))
            && let Some(after) = next(2).filter(|w| judgement(w))
        {
            return Some(format!("{word} {} {after}", next(1).unwrap_or_default()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::states_a_grade;

    #[test]
    fn grades_and_overall_judgements_are_found() {
        for text in [
            "Grade 2",
            "graded as 3 overall",
            "This lesson requires improvement.",
            "Overall: outstanding",
            "judged to be good",
            "The lesson was inadequate",
            "Teaching is good.",
            "Rating: satisfactory",
        ] {
            assert!(states_a_grade(text).is_some(), "{text}");
        }
    }

    #[test]
    fn words_about_teaching_pass() {
        for text in [
            "Outstanding questions for us to talk through",
            "A good hinge question at the midpoint",
            "Pupils' grades in the mock improved",
            "The improvement in wait time was clear",
            "Grade boundaries were shared with pupils later",
        ] {
            assert!(states_a_grade(text).is_none(), "{text}");
        }
    }
}
