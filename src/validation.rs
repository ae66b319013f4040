//! Checks of user input that many mutations share. Each failure names the input field.

use crate::graphql::errors::UserError;

/// A required piece of text: trimmed, not empty, at most `max` characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, UserError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(UserError::invalid(field, "must not be blank"));
    }
    bounded(field, value, max)
}

/// Optional text: trimmed, blank meaning absent, at most `max` characters.
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, UserError> {
    match value.map(str::trim).filter(|value| !value.is_empty()) {
        Some(value) => bounded(field, value, max).map(Some),
        None => Ok(None),
    }
}

fn bounded(field: &str, value: &str, max: usize) -> Result<String, UserError> {
    if value.chars().count() > max {
        Err(UserError::invalid(
            field,
            format!("must be at most {max} characters"),
        ))
    } else {
        Ok(value.to_owned())
    }
}

/// An email address, lower-cased so that uniqueness ignores case.
pub fn email(field: &str, value: &str) -> Result<String, UserError> {
    let value = required(field, value, 254)?.to_lowercase();
    match value.parse::<lettre::Address>() {
        Ok(_) => Ok(value),
        Err(_) => Err(UserError::invalid(field, "is not an email address")),
    }
}

/// A URN of Get Information About Schools: six digits (or seven, for newer ones).
pub fn urn(field: &str, value: Option<&str>) -> Result<Option<String>, UserError> {
    let Some(value) = optional(field, value, 12)? else {
        return Ok(None);
    };
    if (6..=7).contains(&value.len()) && value.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(value))
    } else {
        Err(UserError::invalid(field, "a URN is six or seven digits"))
    }
}

/// A UK postcode, upper-cased with one space before the inward code.
pub fn postcode(field: &str, value: Option<&str>) -> Result<Option<String>, UserError> {
    let Some(value) = optional(field, value, 10)? else {
        return Ok(None);
    };
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let valid = (5..=7).contains(&compact.len())
        && compact.chars().all(|c| c.is_ascii_alphanumeric())
        && compact.starts_with(|c: char| c.is_ascii_alphabetic());
    if !valid {
        return Err(UserError::invalid(field, "is not a UK postcode"));
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    Ok(Some(format!("{outward} {inward}")))
}

/// A list of short labels (subjects, areas of expertise): each trimmed and bounded,
/// duplicates dropped.
pub fn labels(field: &str, values: &[String]) -> Result<Vec<String>, UserError> {
    if values.len() > 30 {
        return Err(UserError::invalid(field, "at most 30 entries"));
    }
    let mut out: Vec<String> = Vec::new();
    for value in values {
        let value = required(field, value, 100)?;
        if !out.contains(&value) {
            out.push(value);
        }
    }
    Ok(out)
}

/// The day something ends: today unless given, not before it started, and not in the
/// future (anything with an end date is no longer current, so a future one would end it
/// at once).
pub fn end_date(
    field: &str,
    ends_on: Option<chrono::NaiveDate>,
    starts_on: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, UserError> {
    let today = chrono::Utc::now().date_naive();
    let ends_on = ends_on.unwrap_or(today);
    if ends_on < starts_on {
        return Err(UserError::invalid(field, "cannot be before the start"));
    }
    if ends_on > today {
        return Err(UserError::invalid(
            field,
            "cannot be in the future; end it on the day",
        ));
    }
    Ok(ends_on)
}

/// The day something happened (evidence observed, say): not after today anywhere on
/// earth, so that a date someone gives as today is never refused for their time zone.
pub fn happened_on(field: &str, day: chrono::NaiveDate) -> Result<chrono::NaiveDate, UserError> {
    // The last time zone to reach a date is UTC+14.
    let latest_today = (chrono::Utc::now() + chrono::Duration::hours(14)).date_naive();
    if day > latest_today {
        return Err(UserError::invalid(
            field,
            "cannot be in the future: record what has happened",
        ));
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_that_happened_is_today_at_the_latest() {
        let today = chrono::Utc::now().date_naive();
        assert_eq!(happened_on("observedOn", today).unwrap(), today);
        let yesterday = today - chrono::Duration::days(1);
        assert_eq!(happened_on("observedOn", yesterday).unwrap(), yesterday);
        // Somewhere it may already be tomorrow; the day after is the future everywhere.
        assert!(happened_on("observedOn", today + chrono::Duration::days(2)).is_err());
    }

    #[test]
    fn trims_and_bounds_text() {
        assert_eq!(required("name", "  Oak  ", 10).unwrap(), "Oak");
        assert!(required("name", "   ", 10).is_err());
        assert!(required("name", "abcdefghijk", 10).is_err());
        assert_eq!(optional("vision", Some("  "), 10).unwrap(), None);
    }

    #[test]
    fn reads_emails_urns_and_postcodes() {
        assert_eq!(email("email", " Jo@School.ORG ").unwrap(), "jo@school.org");
        assert!(email("email", "not-an-email").is_err());
        assert_eq!(
            urn("urn", Some("100000")).unwrap().as_deref(),
            Some("100000")
        );
        assert!(urn("urn", Some("12ab56")).is_err());
        assert_eq!(
            postcode("postcode", Some("sw1a1aa")).unwrap().as_deref(),
            Some("SW1A 1AA")
        );
        assert!(postcode("postcode", Some("12345")).is_err());
    }
}
