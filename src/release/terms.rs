//! Academic terms in England, in one place.
//!
//! A simplification, on purpose: every school's year is cut into the same three spans, so
//! that the figures of every school of an alliance line up.
//! - autumn: 1 September to 31 December;
//! - spring: 1 January to 31 March;
//! - summer: 1 April to 31 August.
//!
//! The academic year starts on 1 September and is named by the calendar year it starts in
//! (2026 for 2026–27). Real term dates differ by school and local authority (half terms,
//! Easter, training days); the ledger does not follow them. A day belongs to the span its
//! date falls in, in England (`Europe/London`): a term starts at midnight there, which in
//! British Summer Time is 23:00 UTC the day before.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// Where the terms are cut: the schools' own clock.
const SCHOOLS: Tz = Tz::Europe__London;

/// One of the three terms of an academic year.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum AcademicTerm {
    /// 1 September to 31 December.
    Autumn,
    /// 1 January to 31 March.
    Spring,
    /// 1 April to 31 August.
    Summer,
}

/// A span of days, from `from` up to (not including) `until`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// A term of an academic year, or the whole year (`term: None`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Term {
    /// The calendar year the academic year starts in.
    pub year: i32,
    pub term: Option<AcademicTerm>,
}

fn day(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).expect("the first of a month")
}

impl Term {
    /// The term a day falls in.
    pub fn containing(date: NaiveDate) -> Self {
        let (year, term) = match date.month() {
            9..=12 => (date.year(), AcademicTerm::Autumn),
            1..=3 => (date.year() - 1, AcademicTerm::Spring),
            _ => (date.year() - 1, AcademicTerm::Summer),
        };
        Self {
            year,
            term: Some(term),
        }
    }

    /// The term an instant falls in, by its date in England.
    pub fn at(instant: DateTime<Utc>) -> Self {
        Self::containing(instant.with_timezone(&SCHOOLS).date_naive())
    }

    /// The term under way now.
    pub fn current() -> Self {
        Self::at(Utc::now())
    }

    /// The days it spans.
    pub fn period(self) -> Period {
        let y = self.year;
        let (from, until) = match self.term {
            None => (day(y, 9), day(y + 1, 9)),
            Some(AcademicTerm::Autumn) => (day(y, 9), day(y + 1, 1)),
            Some(AcademicTerm::Spring) => (day(y + 1, 1), day(y + 1, 4)),
            Some(AcademicTerm::Summer) => (day(y + 1, 4), day(y + 1, 9)),
        };
        Period { from, until }
    }
}

impl Period {
    /// Its first instant and the first instant after it: midnight in England.
    pub fn instants(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |date: NaiveDate| {
            let midnight = date.and_hms_opt(0, 0, 0).expect("midnight");
            // British clocks change at 01:00 and 02:00, never at midnight: one instant.
            SCHOOLS
                .from_local_datetime(&midnight)
                .single()
                .expect("midnight in England is one instant")
                .to_utc()
        };
        (at(self.from), at(self.until))
    }

    /// Whether an instant falls in it.
    pub fn holds(self, at: DateTime<Utc>) -> bool {
        let (from, until) = self.instants();
        from <= at && at < until
    }

    /// The last day it holds.
    pub fn last_day(self) -> NaiveDate {
        self.until.pred_opt().expect("a day before")
    }

    /// The smallest span holding both.
    pub fn union(self, other: Period) -> Period {
        Period {
            from: self.from.min(other.from),
            until: self.until.max(other.until),
        }
    }
}

/// The earliest and latest academic years the API accepts.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn each_day_falls_in_the_term_of_its_academic_year() {
        let cases = [
            ("2026-09-01", 2026, AcademicTerm::Autumn),
            ("2026-12-31", 2026, AcademicTerm::Autumn),
            ("2027-01-01", 2026, AcademicTerm::Spring),
            ("2027-03-31", 2026, AcademicTerm::Spring),
            ("2027-04-01", 2026, AcademicTerm::Summer),
            ("2027-08-31", 2026, AcademicTerm::Summer),
            ("2027-09-01", 2027, AcademicTerm::Autumn),
            ("2028-02-29", 2027, AcademicTerm::Spring),
        ];
        for (text, year, term) in cases {
            assert_eq!(
                Term::containing(date(text)),
                Term {
                    year,
                    term: Some(term)
                },
                "{text}"
            );
        }
    }

    #[test]
    fn terms_tile_the_academic_year_without_gaps_or_overlaps() {
        let year = Term {
            year: 2026,
            term: None,
        }
        .period();
        assert_eq!(
            (year.from, year.until),
            (date("2026-09-01"), date("2027-09-01"))
        );
        let terms = [
            AcademicTerm::Autumn,
            AcademicTerm::Spring,
            AcademicTerm::Summer,
        ]
        .map(|term| {
            Term {
                year: 2026,
                term: Some(term),
            }
            .period()
        });
        assert_eq!(terms[0].from, year.from);
        assert_eq!(terms[0].until, terms[1].from);
        assert_eq!(terms[1].until, terms[2].from);
        assert_eq!(terms[2].until, year.until);
        assert_eq!(terms[0].last_day(), date("2026-12-31"));
        assert_eq!(terms[2].last_day(), date("2027-08-31"));
        for period in terms {
            assert_eq!(
                Term::containing(period.from).period(),
                period,
                "a term's first day is in it"
            );
            assert_eq!(Term::containing(period.last_day()).period(), period);
        }
    }

    #[test]
    fn an_instant_belongs_to_the_span_of_its_date_in_england() {
        let autumn = Term {
            year: 2026,
            term: Some(AcademicTerm::Autumn),
        }
        .period();
        let at = |text: &str| DateTime::parse_from_rfc3339(text).unwrap().to_utc();
        // 1 September is in British Summer Time: the term starts at 23:00 UTC the day before.
        assert!(autumn.holds(at("2026-08-31T23:00:00Z")));
        assert!(autumn.holds(at("2026-09-01T00:30:00+01:00")));
        assert!(!autumn.holds(at("2026-08-31T22:59:59Z")));
        // 1 January is in Greenwich Mean Time: midnight there is midnight UTC.
        assert!(autumn.holds(at("2026-12-31T23:59:59Z")));
        assert!(!autumn.holds(at("2027-01-01T00:00:00Z")));
        // Each instant's term is the term whose span holds it.
        for text in [
            "2026-08-31T22:59:59Z",
            "2026-08-31T23:00:00Z",
            "2027-03-31T22:59:59Z",
            "2027-03-31T23:00:00Z",
            "2026-12-31T23:59:59Z",
            "2027-01-01T00:00:00Z",
        ] {
            let instant = at(text);
            assert!(Term::at(instant).period().holds(instant), "{text}");
        }
        assert_eq!(
            Term::at(at("2027-03-31T23:30:00Z")).term,
            Some(AcademicTerm::Summer),
            "00:30 on 1 April in England is the summer term"
        );
    }
}
