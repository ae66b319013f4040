//! The portfolio: one view of a person's professional learning across every school they
//! have worked at, and the selection they prepare for a performance-management
//! conversation. Both are only ever the person's own (`viewer.portfolio`,
//! `viewer.performanceReviewSelection`): nobody else, no admin, reads them.
//!
//! The portfolio's entries are snapshots (names, titles, dates) read from the person's
//! own history, so they follow the person when they change school, even where they no
//! longer see the community or the school's practice: schools with dates (every staff
//! role, ended ones too), communities, enquiries, practice shared and adapted,
//! endorsements received, support given and received, events attended, and the
//! observations and reflections they chose to include (`selectRecord`).
//!
//! Coaching (as coach and as coachee, `coaching`): each relationship, its cycles and, as
//! coachee, the action steps agreed, in the portfolio and in both exports. The review
//! selection holds what the person chose, and of coaching only the `APPRAISAL` coaching
//! they received (made for that conversation): never developmental coaching, nor what
//! they gave as coach (their coachee's appraisal); a chosen reflection's cycle only when
//! it is of that coaching.
//!
//! Leadership the person was invited to and accepted (`leadership/`) is
//! `PortfolioSection::Leadership`, read by `leadership::entries` (one statement).
//!
//! Exports, as fields of the portfolio (the bearer token of the request is the person's):
//! `json` (every section, as data) and `markdown` (a readable document; the person's own
//! text is escaped, so no HTML in it is live when the document is rendered).

mod coaching;
mod export;
mod leadership;
mod load;

use async_graphql::{Context, Enum, Json, Object, Result, SimpleObject};
use chrono::NaiveDate;
use entity::{observation, reflection};

use crate::errors::ApiError;
use crate::graphql::context::access;
use crate::observations::Observation;
use crate::reflections::Reflection;

/// Most entries of each section (the newest are kept).
pub const SECTION_MAX: u64 = 500;

/// A part of the portfolio.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PortfolioSection {
    /// A school worked at, with the role and dates.
    School,
    /// A community taken part in.
    Community,
    /// An enquiry of one's own.
    Enquiry,
    /// Practice shared (published).
    PracticeShared,
    /// Practice adapted from another's.
    PracticeAdapted,
    /// An endorsement of one's practice by another school.
    EndorsementReceived,
    /// Support given to another school.
    SupportGiven,
    /// Support one's school received while one worked there.
    SupportReceived,
    /// An event attended.
    EventAttended,
    /// A coaching relationship, as coach or coachee.
    Coaching,
    /// A cycle of a coaching relationship (listed after its relationship).
    CoachingCycle,
    /// An action step agreed as coachee (listed after its relationship).
    CoachingActionStep,
    /// Leadership the person was invited to and accepted (`viewer.leadershipRecord`).
    Leadership,
}

impl PortfolioSection {
    /// The section it is listed in: a coaching relationship's cycles and action steps in
    /// `COACHING`, after the relationship; every other in its own.
    pub fn listed_in(self) -> Self {
        match self {
            Self::CoachingCycle | Self::CoachingActionStep => Self::Coaching,
            other => other,
        }
    }
}

/// One entry of a portfolio: a snapshot of something the person did, kept as it was.
#[derive(SimpleObject, Clone, Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortfolioEntry {
    /// Which part of the portfolio it belongs to.
    pub section: PortfolioSection,
    /// What it was: a school's, community's or event's name, a practice's title, an
    /// enquiry's question, a support arrangement's focus.
    pub title: String,
    /// More about it: the role, the stage, the outcome, the other school; `null` when
    /// nothing more.
    pub detail: Option<String>,
    /// The school it happened at or for, by name; `null` when none.
    pub school_name: Option<String>,
    /// When it began (or happened).
    pub from: Option<NaiveDate>,
    /// When it ended; `null` while it goes on, or for a single day.
    pub until: Option<NaiveDate>,
}

/// What `load` reads for a portfolio or a review selection.
pub struct PortfolioData {
    pub person_name: String,
    pub entries: Vec<PortfolioEntry>,
    pub observations: Vec<observation::Model>,
    pub reflections: Vec<reflection::Model>,
}

/// A person's professional learning, theirs alone.
pub struct Portfolio(pub PortfolioData);

/// The caller's own portfolio: `FORBIDDEN` for a service account.
pub async fn viewer_portfolio(ctx: &Context<'_>) -> Result<Portfolio> {
    let access = access(ctx).await?;
    if access.service_account.is_some() {
        return Err(ApiError::Forbidden("a portfolio belongs to a person").into());
    }
    Ok(Portfolio(
        load::portfolio(
            crate::graphql::context::db(ctx),
            &access,
            load::Selection::Portfolio,
        )
        .await?,
    ))
}

/// The caller's own performance-review selection: `FORBIDDEN` for a service account.
pub async fn viewer_review_selection(ctx: &Context<'_>) -> Result<PerformanceReviewSelection> {
    let access = access(ctx).await?;
    if access.service_account.is_some() {
        return Err(ApiError::Forbidden("a review selection belongs to a person").into());
    }
    Ok(PerformanceReviewSelection(
        load::portfolio(
            crate::graphql::context::db(ctx),
            &access,
            load::Selection::Review,
        )
        .await?,
    ))
}

impl PortfolioData {
    /// The entries listed in `section`, in order.
    fn section(&self, section: PortfolioSection) -> Vec<PortfolioEntry> {
        self.entries
            .iter()
            .filter(|entry| entry.section.listed_in() == section)
            .cloned()
            .collect()
    }

    /// The observations chosen for it, as the API shows them.
    fn observations(&self) -> Vec<Observation> {
        self.observations.iter().cloned().map(Observation).collect()
    }

    /// The reflections chosen for it, as the API shows them.
    fn reflections(&self) -> Vec<Reflection> {
        self.reflections.iter().cloned().map(Reflection).collect()
    }
}

impl Portfolio {
    fn section(&self, section: PortfolioSection) -> Vec<PortfolioEntry> {
        self.0.section(section)
    }
}

/// A person's record of their professional learning across every school they have
/// worked at. Only ever their own.
#[Object]
impl Portfolio {
    /// Every school they have worked at, with role and dates (newest first).
    async fn schools(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::School)
    }
    /// Communities they took part in.
    async fn communities(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::Community)
    }
    /// Their own enquiries.
    async fn enquiries(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::Enquiry)
    }
    /// Practice they shared (published or archived after publication).
    async fn practice_shared(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::PracticeShared)
    }
    /// Practice they adapted from another's.
    async fn practice_adapted(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::PracticeAdapted)
    }
    /// Endorsements of their practice by other schools.
    async fn endorsements_received(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::EndorsementReceived)
    }
    /// Support they gave to other schools.
    async fn support_given(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::SupportGiven)
    }
    /// Support their school received while they worked there.
    async fn support_received(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::SupportReceived)
    }
    /// Events they attended.
    async fn events_attended(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::EventAttended)
    }
    /// Coaching as coach or coachee: each relationship (`COACHING`: the focus; the other
    /// person, theme, status and purpose; the other's school; from, and until it ended),
    /// followed by its cycles (`COACHING_CYCLE`: focus, outcome) and, where they were
    /// coached, the action steps agreed (`COACHING_ACTION_STEP`: the step; the technique,
    /// check-back date, done or overdue).
    async fn coaching(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::Coaching)
    }
    /// Leadership they were invited to and accepted: what, the kind of leading, from
    /// when, and until when once marked done.
    async fn leadership(&self) -> Vec<PortfolioEntry> {
        self.section(PortfolioSection::Leadership)
    }
    /// Observations of their teaching they chose to include (`selectRecord`).
    async fn observations(&self) -> Vec<Observation> {
        self.0.observations()
    }
    /// Reflections they chose to include (`selectRecord`).
    async fn reflections(&self) -> Vec<Reflection> {
        self.0.reflections()
    }
    /// The whole portfolio as JSON, to keep or to take elsewhere (an open format: each
    /// section's entries, and the included observations and reflections in full).
    async fn json(&self) -> Json<serde_json::Value> {
        Json(export::json(&self.0, "portfolio"))
    }
    /// The whole portfolio as a readable Markdown document. The person's own text is
    /// escaped (`<`, `>`, `&`), so nothing in it renders as HTML.
    async fn markdown(&self) -> String {
        export::markdown(&self.0, "Professional learning portfolio")
    }
}

/// What a person chose (`selectRecord` with `inReviewSelection`) to bring to a
/// performance-management conversation, and their appraisal coaching: made by them,
/// exported by them. No developmental record is ever in it.
pub struct PerformanceReviewSelection(pub PortfolioData);

/// What a person chose to bring to a performance-management conversation.
#[Object]
impl PerformanceReviewSelection {
    /// The `APPRAISAL` coaching they received (made for this conversation), as in the
    /// portfolio's `coaching`; never developmental coaching, nor coaching they gave.
    async fn coaching(&self) -> Vec<PortfolioEntry> {
        self.0.section(PortfolioSection::Coaching)
    }
    /// The observations they chose.
    async fn observations(&self) -> Vec<Observation> {
        self.0.observations()
    }
    /// The reflections they chose; a reflection's `coachingCycle` only when it is of the
    /// coaching above (`null` otherwise).
    async fn reflections(&self) -> Vec<Reflection> {
        self.0.reflections()
    }
    /// The selection as JSON.
    async fn json(&self) -> Json<serde_json::Value> {
        Json(export::json(&self.0, "performanceReviewSelection"))
    }
    /// The selection as a readable Markdown document (their text escaped).
    async fn markdown(&self) -> String {
        export::markdown(
            &self.0,
            "Selection for a performance-management conversation",
        )
    }
}
