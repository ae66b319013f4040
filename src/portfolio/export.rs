//! The portfolio's and the review selection's exports: JSON (data) and Markdown (a
//! readable document). In Markdown, the person's own text is escaped (`&`, `<`, `>` as
//! HTML entities; `\`, `[`, `]`, `(`, `)`, `!` with a backslash), so that nothing in it is
//! live HTML, a link or an image wherever the document is rendered.

use std::fmt::Write;

use super::{PortfolioData, PortfolioSection as Section};
use crate::graphql::ids::NodeKind;

/// Text for a Markdown document: HTML's special characters escaped, and the characters
/// of links and images (`[x](url)`, `![](url)`) made literal; lines kept.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '[' | ']' | '(' | ')' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn purpose(value: entity::enums::RecordPurpose) -> &'static str {
    match value {
        entity::enums::RecordPurpose::Developmental => "developmental",
        entity::enums::RecordPurpose::Appraisal => "appraisal",
    }
}

/// The export as JSON: `{ "kind", "person", "entries": [...], "observations": [...],
/// "reflections": [...] }`.
pub fn json(data: &PortfolioData, kind: &str) -> serde_json::Value {
    serde_json::json!({
        "kind": kind,
        "person": data.person_name,
        "entries": data.entries,
        "observations": data.observations.iter().map(|o| serde_json::json!({
            "id": NodeKind::Observation.id(o.id).to_string(),
            "observedOn": o.observed_on,
            "purpose": o.purpose,
            "focus": o.focus,
            "wentWell": o.went_well,
            "questionsForDialogue": o.questions_for_dialogue,
            "agreedNextSteps": o.agreed_next_steps,
            "teacherResponse": o.teacher_response,
        })).collect::<Vec<_>>(),
        "reflections": data.reflections.iter().map(|r| serde_json::json!({
            "id": NodeKind::Reflection.id(r.id).to_string(),
            "writtenOn": r.written_on,
            "purpose": r.purpose,
            "title": r.title,
            "bodyMarkdown": r.body_markdown,
            "coachingCycle": r.coaching_cycle_id.map(|id| NodeKind::CoachingCycle.id(id).to_string()),
        })).collect::<Vec<_>>(),
    })
}

const SECTIONS: [(Section, &str); 11] = [
    (Section::School, "Schools"),
    (Section::Community, "Communities"),
    (Section::Enquiry, "Enquiries"),
    (Section::PracticeShared, "Practice shared"),
    (Section::PracticeAdapted, "Practice adapted"),
    (Section::EndorsementReceived, "Endorsements received"),
    (Section::SupportGiven, "Support given"),
    (Section::SupportReceived, "Support received"),
    (Section::EventAttended, "Events attended"),
    (Section::Coaching, "Coaching"),
    (Section::Leadership, "Leadership"),
];

/// The export as a Markdown document.
pub fn markdown(data: &PortfolioData, heading: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {heading}\n\n{}\n", escaped(&data.person_name));
    for (section, title) in SECTIONS {
        let entries: Vec<_> = data
            .entries
            .iter()
            .filter(|e| e.section.listed_in() == section)
            .collect();
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n");
        for e in entries {
            // A relationship's cycles and action steps under it.
            let indent = if e.section == section { "" } else { "  " };
            let mut line = format!("{indent}- **{}**", escaped(&e.title));
            if let Some(detail) = &e.detail {
                let _ = write!(line, ": {}", escaped(detail));
            }
            if let Some(school) = &e.school_name {
                let _ = write!(line, " ({})", escaped(school));
            }
            match (e.from, e.until) {
                (Some(from), Some(until)) => {
                    let _ = write!(line, ", {from} to {until}");
                }
                (Some(from), None) => {
                    let _ = write!(line, ", from {from}");
                }
                _ => {}
            }
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
    if !data.observations.is_empty() {
        let _ = writeln!(out, "## Observations\n");
        for o in &data.observations {
            let _ = writeln!(
                out,
                "### {} ({})\n\n**Focus:** {}\n\n**What went well:** {}\n\n**Questions for dialogue:** {}\n\n**Agreed next steps:** {}\n",
                o.observed_on,
                purpose(o.purpose),
                escaped(&o.focus),
                escaped(&o.went_well),
                escaped(&o.questions_for_dialogue),
                escaped(&o.agreed_next_steps),
            );
            if let Some(response) = &o.teacher_response {
                let _ = writeln!(out, "**My response:** {}\n", escaped(response));
            }
        }
    }
    if !data.reflections.is_empty() {
        let _ = writeln!(out, "## Reflections\n");
        for r in &data.reflections {
            let _ = writeln!(
                out,
                "### {}: {} ({})\n\n{}\n",
                r.written_on,
                escaped(&r.title),
                purpose(r.purpose),
                escaped(&r.body_markdown),
            );
        }
    }
    out
}
