//! Shared practice is about teaching, never about identifiable pupils. Text shared beyond
//! the school is refused when it holds a unique pupil number or what looks like a date of
//! birth; any reader can report a published practice as identifying a pupil, which takes
//! it down at once (from all but its authors and approvers) until an approver restores it.

use std::sync::LazyLock;
use trellis_macros::mutations;

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{PracticeAction, PracticeStatus};
use entity::practice;
use regex::Regex;
use sea_orm::Set;

use super::Practice;
use super::lifecycle::{record, require_approver};
use super::readable_practice;
use crate::db::begin_write;
use crate::errors::{MutationResult, UserError, UserErrorCode};
use crate::graphql::context::{access, db};
use crate::graphql::versioned::Change;
use crate::payload;
use crate::validation;

/// A unique pupil number: a letter and twelve digits.
static UPN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[a-z][0-9]{12}\b").expect("UPN pattern"));

/// A date of birth: a birth marker ("DOB", "date of birth", "born", "birthday") followed
/// closely by a date, numeric (12/03/2015) or written (12 March 2015, March 12th).
static DATE_OF_BIRTH: LazyLock<Regex> = LazyLock::new(|| {
    let month = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*";
    let date = format!(
        r"(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{month}|{month}\s+\d{{1,2}}(?:st|nd|rd|th)?)"
    );
    Regex::new(&format!(
        r"(?i)\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday)\W{{0,3}}(?:\w+\W+){{0,3}}?{date}"
    ))
    .expect("date of birth pattern")
});

/// Why a text seems to identify a pupil, if it does.
pub fn identifies_pupil(text: &str) -> Option<&'static str> {
    if UPN.is_match(text) {
        Some("contains what looks like a unique pupil number")
    } else if DATE_OF_BIRTH.is_match(text) {
        Some("contains what looks like a date of birth")
    } else {
        None
    }
}

/// Refuses to share beyond the school a practice whose text identifies a pupil, naming
/// the field at fault.
pub fn check_shareable(practice: &practice::Model) -> MutationResult<()> {
    let fields = [
        ("title", Some(practice.title.as_str())),
        ("summary", Some(practice.summary.as_str())),
        ("bodyMarkdown", Some(practice.body_markdown.as_str())),
        ("evidenceOfImpact", practice.evidence_of_impact.as_deref()),
        ("adaptationChanges", practice.adaptation_changes.as_deref()),
        ("outcome", practice.outcome.as_deref()),
    ];
    let errors: Vec<UserError> = fields
        .into_iter()
        .filter_map(|(field, text)| {
            identifies_pupil(text?).map(|why| {
                UserError::new(
                    field,
                    UserErrorCode::IdentifiesPupil,
                    format!("{why}; shared practice must not identify pupils"),
                )
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(crate::errors::MutationError::User(errors))
    }
}

/// A report that a published practice identifies a pupil.
#[derive(InputObject)]
pub struct ReportPracticeInput {
    /// The published practice to report: one the caller reads.
    pub practice_id: ID,
    /// What identifies a pupil, for the approvers who review it.
    pub reason: String,
}

/// Putting a reported practice back for its readers after review.
#[derive(InputObject)]
pub struct RestorePracticeInput {
    /// The practice taken down by a report.
    pub practice_id: ID,
    /// What was checked or changed.
    pub comment: Option<String>,
}

payload!(ReportPracticePayload { practice: Practice });
payload!(RestorePracticePayload { practice: Practice });

#[derive(Default)]
pub struct SafeguardingMutation;

mutations! {
    impl SafeguardingMutation {
        /// Reports a published practice as identifying a pupil. It is taken down at once:
        /// only its authors and approvers read it until an approver restores it. Any
        /// signed-in reader may report.
        fn report_practice { report(ctx, input).await }

        /// Puts a reported practice back for its readers, after review. Its school's head,
        /// senior leaders and school CPD lead may. Refused while its text still seems to
        /// identify a pupil.
        fn restore_practice { restore(ctx, input).await }
    }
}

async fn report(ctx: &Context<'_>, input: ReportPracticeInput) -> MutationResult<Practice> {
    let access = access(ctx).await?;
    let reason = validation::required("reason", &input.reason, 2000)?;
    let txn = begin_write(db(ctx)).await?;
    let found = readable_practice(&txn, &access, &input.practice_id, "practiceId").await?;
    if !matches!(
        found.status,
        PracticeStatus::Published | PracticeStatus::Archived
    ) {
        return Err(
            UserError::invalid_state("practiceId", "only shared practice is reported").into(),
        );
    }
    if found.taken_down_at.is_some() {
        return Err(UserError::invalid_state("practiceId", "already taken down for review").into());
    }
    crate::sync::tombstones::practice_leaves(&txn, found.id).await?;
    // Not an edit by its authors: its time of last edit stays.
    let mut change = Change::new(&found);
    change.taken_down_at = Set(Some(Utc::now()));
    change.taken_down_by_id = Set(Some(access.person_id));
    change.taken_down_reason = Set(Some(reason.clone()));
    let updated = change.save_as_read(&txn).await?;
    record(
        &txn,
        &access,
        &updated,
        PracticeAction::Reported,
        Some(found.status),
        Some(reason),
    )
    .await?;
    super::counts::refresh_origin(&txn, &updated).await?;
    txn.commit().await?;
    Ok(Practice(updated))
}

async fn restore(ctx: &Context<'_>, input: RestorePracticeInput) -> MutationResult<Practice> {
    let access = access(ctx).await?;
    let comment = validation::optional("comment", input.comment.as_deref(), 2000)?;
    let txn = begin_write(db(ctx)).await?;
    let found = readable_practice(&txn, &access, &input.practice_id, "practiceId").await?;
    require_approver(&access, &found)?;
    if found.taken_down_at.is_none() {
        return Err(UserError::invalid_state("practiceId", "it is not taken down").into());
    }
    if found.visibility.beyond_school() {
        check_shareable(&found)?;
    }
    super::adaptation::check_within_origin(&txn, &found, "practiceId").await?;
    // Back for its readers: a change they see, so delta sync carries it.
    let mut change = Change::edit(&found, Utc::now());
    change.taken_down_at = Set(None);
    change.taken_down_by_id = Set(None);
    change.taken_down_reason = Set(None);
    let updated = change.save_as_read(&txn).await?;
    crate::sync::adaptations_changed(&txn, updated.id).await?;
    record(
        &txn,
        &access,
        &updated,
        PracticeAction::Restored,
        Some(found.status),
        comment,
    )
    .await?;
    super::counts::refresh_origin(&txn, &updated).await?;
    txn.commit().await?;
    Ok(Practice(updated))
}

#[cfg(test)]
mod tests {
    use super::identifies_pupil;

    #[test]
    fn finds_unique_pupil_numbers() {
        assert!(identifies_pupil("Pupil A123456789012 made progress").is_some());
        assert!(identifies_pupil("upn: k999999999999.").is_some());
        // Twelve digits need the letter; thirteen digits are not a UPN; a year is not.
        assert!(identifies_pupil("Order 123456789012 arrived").is_none());
        assert!(identifies_pupil("A1234567890123 is too long").is_none());
        assert!(identifies_pupil("In 2024, 30 pupils in Year 6").is_none());
    }

    #[test]
    fn finds_dates_of_birth() {
        for text in [
            "DOB 12/03/2015",
            "d.o.b.: 1/9/15",
            "her date of birth is 3rd of May",
            "born on 12 March 2016 in Leeds",
            "birthday: 2015-04-01",
            "He was born March 4th",
        ] {
            assert!(identifies_pupil(text).is_some(), "{text}");
        }
        for text in [
            "We met on 12/03/2025 to plan",
            "The idea was born out of a staff meeting",
            "Year 5 pupils, born readers, loved it",
        ] {
            assert!(identifies_pupil(text).is_none(), "{text}");
        }
    }
}
