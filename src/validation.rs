//! Checks of user input that many mutations share. Each failure names the input field.
//!
//! Every mutation's input passes `input` before the mutation runs (the `payload!` macro's
//! `run` sees to it), so no control character reaches the database from a mutation
//! (PostgreSQL refuses NUL in text where SQLite would store it, and the two must answer
//! alike), nor a list longer than `MAX_LIST_ITEMS`. Query arguments get the same rules from
//! `graphql::arguments`.

use async_graphql::{InputType, Value};
use sea_orm::ActiveValue;

use crate::errors::{ApiError, ApiResult, UserError};

/// The first character text input may not hold, if any: a control character (Unicode
/// category Cc: U+0000 to U+001F and U+007F to U+009F) other than tab and line feed. A
/// carriage return is allowed only right before a line feed, as part of the line break
/// Windows text areas send (CRLF); text is stored as given.
pub fn forbidden_character(text: &str) -> Option<char> {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = match c {
            '\t' | '\n' => true,
            '\r' => chars.peek() == Some(&'\n'),
            c => !c.is_control(),
        };
        if !allowed {
            return Some(c);
        }
    }
    None
}

/// Why text holding `c` is refused, for clients to show.
pub fn forbidden_character_message(c: char) -> String {
    format!(
        "holds a control character (U+{:04X}); text may hold tabs and line breaks, but no \
         other control characters",
        u32::from(c)
    )
}

/// The most items any list in an input or argument holds (ids, themes, phases, statuses,
/// attendees...; some lists allow fewer). Longer lists are a mistake or an attack: each item
/// becomes a parameter of a statement, and databases take a few tens of thousands at most.
pub const MAX_LIST_ITEMS: usize = 100;

/// Why a list of `items` items is refused.
pub fn too_many_items_message(items: usize) -> String {
    format!("holds {items} items; a list takes at most {MAX_LIST_ITEMS}")
}

/// The checks every mutation's input passes before the mutation runs, however deep (a
/// list's items, nested input objects, ids): no text holding a forbidden character, no list
/// of more than `MAX_LIST_ITEMS`. One `Invalid` error for each, naming its path, such as
/// `["input", "links", "0", "url"]`.
pub fn input(input: &impl InputType) -> Result<(), Vec<UserError>> {
    fn visit(value: &Value, path: &mut Vec<String>, errors: &mut Vec<UserError>) {
        match value {
            Value::String(text) => {
                if let Some(c) = forbidden_character(text) {
                    errors.push(UserError::invalid(
                        &path.join("."),
                        forbidden_character_message(c),
                    ));
                }
            }
            Value::List(items) if items.len() > MAX_LIST_ITEMS => {
                errors.push(UserError::invalid(
                    &path.join("."),
                    too_many_items_message(items.len()),
                ));
            }
            Value::List(items) => {
                for (index, item) in items.iter().enumerate() {
                    path.push(index.to_string());
                    visit(item, path, errors);
                    path.pop();
                }
            }
            Value::Object(fields) => {
                for (name, field) in fields {
                    path.push(name.to_string());
                    visit(field, path, errors);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    // An input is a typed object: its nesting is bounded by the schema, not by the client.
    let mut errors = Vec::new();
    visit(&input.to_value(), &mut Vec::new(), &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

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

/// An edit's new value of a required text, checked as `required` checks it, set in
/// `target` when given; when not given, `target` stays as it is.
pub fn patch_required(
    target: &mut ActiveValue<String>,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<(), UserError> {
    if let Some(value) = value {
        *target = ActiveValue::Set(required(field, value, max)?);
    }
    Ok(())
}

/// An edit's new value of an optional text, checked as `optional` checks it (a blank one
/// clears it), set in `target` when given; when not given, `target` stays as it is.
pub fn patch_optional(
    target: &mut ActiveValue<Option<String>>,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<(), UserError> {
    if value.is_some() {
        *target = ActiveValue::Set(optional(field, value, max)?);
    }
    Ok(())
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

/// The longest link, in characters.
pub const LINK_MAX: usize = 2000;

/// A link (practice links, meeting addresses, evidence): an absolute `https` URL with a
/// host and without a user name or password, at most `LINK_MAX` characters, no spaces.
/// `http` too when the server allows it (`--allow-http-links`, for local testing).
/// Returned as the URL standard writes it (scheme and host lower-cased, a bare host
/// given its `/`), which is what clients read back.
pub fn link(field: &str, value: &str, allow_http: bool) -> Result<String, UserError> {
    let value = required(field, value, LINK_MAX)?;
    let refuse = |message: &str| Err(UserError::invalid(field, message));
    // The URL parser would quietly drop or percent-encode these; a link holding them is a
    // paste gone wrong.
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse("is not a link: it holds spaces or control characters");
    }
    let Ok(url) = url::Url::parse(&value) else {
        return refuse("is not a link: write the whole address, starting with https://");
    };
    let scheme_allowed = url.scheme() == "https" || (allow_http && url.scheme() == "http");
    if !scheme_allowed {
        return refuse(if allow_http {
            "must be an https or http link"
        } else {
            "must be an https link"
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return refuse("is not a link: it names no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("must not hold a user name or password");
    }
    Ok(url.into())
}

/// An optional link: blank meaning absent, otherwise as `link`.
pub fn optional_link(
    field: &str,
    value: Option<&str>,
    allow_http: bool,
) -> Result<Option<String>, UserError> {
    optional(field, value, LINK_MAX)?
        .map(|value| link(field, &value, allow_http))
        .transpose()
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

/// The longest text a search or a text filter takes, in characters. Longer ones are
/// `BAD_USER_INPUT`: no name or word is that long, and SQLite refuses a `LIKE` pattern of
/// tens of thousands of characters as too complex.
pub const SEARCH_MAX_CHARS: usize = 200;

/// Refuses a search or text filter longer than `SEARCH_MAX_CHARS`, naming its argument.
pub fn search_length(argument: &str, text: &str) -> ApiResult<()> {
    if text.chars().count() > SEARCH_MAX_CHARS {
        return Err(ApiError::BadUserInput(format!(
            "{argument} must be at most {SEARCH_MAX_CHARS} characters"
        )));
    }
    Ok(())
}

/// A search or text filter: trimmed, `None` when blank, refused past `SEARCH_MAX_CHARS`.
pub fn search_text<'a>(argument: &str, text: Option<&'a str>) -> ApiResult<Option<&'a str>> {
    match text.map(str::trim).filter(|text| !text.is_empty()) {
        Some(text) => search_length(argument, text).map(|()| Some(text)),
        None => Ok(None),
    }
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
    fn refuses_control_characters_but_tabs_and_line_breaks() {
        assert_eq!(forbidden_character("Oak\tAcademy\r\nYear 6\n"), None);
        assert_eq!(forbidden_character("é, ü, 漢字, emoji 🙂"), None);
        assert_eq!(forbidden_character("a\0b"), Some('\0'));
        assert_eq!(forbidden_character("a lone\rreturn"), Some('\r'));
        assert_eq!(forbidden_character("ends with\r"), Some('\r'));
        assert_eq!(forbidden_character("\u{1b}[31m"), Some('\u{1b}'));
        assert_eq!(forbidden_character("del\u{7f}"), Some('\u{7f}'));
        assert_eq!(forbidden_character("c1\u{85}"), Some('\u{85}'));
    }

    #[test]
    fn checks_a_whole_input_naming_each_path() {
        use async_graphql::InputObject;
        #[derive(InputObject)]
        struct Link {
            url: String,
        }
        #[derive(InputObject)]
        struct Input {
            title: String,
            note: Option<String>,
            links: Vec<Link>,
            labels: Vec<String>,
        }
        let input = |title: &str, url: &str, labels: usize| Input {
            title: title.into(),
            note: None,
            links: vec![
                Link {
                    url: "https://a.example/".into(),
                },
                Link { url: url.into() },
            ],
            labels: vec!["x".into(); labels],
        };
        assert!(super::input(&input("Fine\n", "https://b.example/", MAX_LIST_ITEMS)).is_ok());
        let errors = super::input(&input("a\0", "https://b\0", MAX_LIST_ITEMS + 1)).unwrap_err();
        let paths: Vec<Vec<String>> = errors.into_iter().map(|error| error.field).collect();
        assert_eq!(
            paths,
            [
                vec!["input", "title"],
                vec!["input", "links", "1", "url"],
                vec!["input", "labels"],
            ]
        );
    }

    #[test]
    fn reads_links() {
        let https = |value| link("url", value, false);
        assert_eq!(
            https(" https://example.org/a?b=1#c ").unwrap(),
            "https://example.org/a?b=1#c"
        );
        assert_eq!(
            https("HTTPS://Example.ORG").unwrap(),
            "https://example.org/"
        );
        for bad in [
            "http://example.org/",
            "https://exa mple.org/",
            "https://example.org/a b",
            "javascript:alert(1)",
            "ftp://example.org/",
            "https://",
            "example.org",
            "https://user:pw@example.org/",
            "https://user@example.org/",
            "",
        ] {
            assert!(https(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            link("url", "http://localhost:3000/x", true).unwrap(),
            "http://localhost:3000/x"
        );
        assert!(link("url", "ftp://localhost/", true).is_err());
        assert_eq!(optional_link("url", Some("  "), false).unwrap(), None);
        assert!(
            link(
                "url",
                &format!("https://example.org/{}", "a".repeat(LINK_MAX)),
                false
            )
            .is_err()
        );
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

    #[test]
    fn bounds_searches() {
        let longest = "x".repeat(SEARCH_MAX_CHARS);
        assert_eq!(
            search_text("search", Some(&longest)).unwrap(),
            Some(longest.as_str())
        );
        assert_eq!(search_text("search", Some("  ")).unwrap(), None);
        assert!(search_text("search", Some(&format!("{longest}x"))).is_err());
    }
}
