//! What awaits the viewer's decision, across domains, newest first: practice submitted for
//! review at the schools they lead, requests to join the communities they run, and
//! alliances' invitations of the schools they lead.
//!
//! Each kind comes from one source (`sources.rs`): a statement selecting what waits for
//! the viewer, as the policy of the deciding mutation allows. The sources are combined in
//! one statement (`UNION ALL`) and paged by keyset over (since, kind, id); the subjects
//! then load through the request's DataLoaders, one batch per kind. So a page costs the
//! same statements whatever the number of rows. To add a kind (bookings awaiting a
//! school's release, say): a variant of `AwaitingApprovalKind` and of
//! `AwaitingApprovalSubject`, its source function in `sources::SOURCES`, and its arm in
//! `subject_of`.

pub mod sources;

use async_graphql::{Context, Enum, Object, Union};
use chrono::{DateTime, SecondsFormat, Utc};
use entity::{alliance_membership, community_member};
use futures_util::future::try_join_all;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::alliances::AllianceMembership;
use crate::auth::policy::Access;
use crate::communities::CommunityMembership;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::{access, db, load};
use crate::graphql::pagination::{
    Cursor, CursorKey, Page, PageArgs, PageRequest, Rows, TotalCount,
};
use crate::practice::{Practice, visible_practice};
use sources::{KIND, SINCE, SOURCES, SUBJECT_ID};

/// What kind of decision something awaits.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum AwaitingApprovalKind {
    /// Practice submitted for review at a school the viewer leads: approve it
    /// (`approvePractice`) or send it back (`sendPracticeBack`).
    PracticeReview,
    /// A request to join a community the viewer runs: approve it
    /// (`approveCommunityMembership`) or decline it (`declineCommunityMembership`).
    CommunityJoinRequest,
    /// An alliance's invitation of a school the viewer leads: accept it
    /// (`acceptAllianceInvitation`) or decline it (`declineAllianceInvitation`).
    AllianceInvitation,
}

impl AwaitingApprovalKind {
    const ALL: [Self; 3] = [
        Self::PracticeReview,
        Self::CommunityJoinRequest,
        Self::AllianceInvitation,
    ];

    /// How the kind is written in statements and cursors.
    pub fn code(self) -> &'static str {
        match self {
            Self::PracticeReview => "PRACTICE_REVIEW",
            Self::CommunityJoinRequest => "COMMUNITY_JOIN_REQUEST",
            Self::AllianceInvitation => "ALLIANCE_INVITATION",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }

    fn needed(self) -> &'static str {
        match self {
            Self::PracticeReview => "Approve this practice for sharing, or send it back",
            Self::CommunityJoinRequest => "Approve or decline this request to join",
            Self::AllianceInvitation => "Accept or decline this invitation for your school",
        }
    }
}

/// What awaits a decision.
#[derive(Union)]
pub enum AwaitingApprovalSubject {
    Practice(Box<Practice>),
    CommunityMembership(CommunityMembership),
    AllianceMembership(AllianceMembership),
}

/// Something waiting for the viewer's decision.
pub struct AwaitingApproval {
    kind: AwaitingApprovalKind,
    since: DateTime<Utc>,
    subject: AwaitingApprovalSubject,
}

/// Something waiting for the viewer's decision: what kind of decision, since when, what
/// is needed, and the object to decide on.
#[Object]
impl AwaitingApproval {
    /// What kind of decision it awaits.
    async fn kind(&self) -> AwaitingApprovalKind {
        self.kind
    }
    /// What the viewer is asked to do, in words.
    async fn needed(&self) -> &'static str {
        self.kind.needed()
    }
    /// Since when it waits: the practice was submitted, the request made, the invitation
    /// sent.
    async fn since(&self) -> DateTime<Utc> {
        self.since
    }
    /// What awaits the decision.
    async fn subject(&self) -> &AwaitingApprovalSubject {
        &self.subject
    }
}

/// Where a row stands in the list, which is ordered by (since, kind, subject id).
struct Position {
    since: DateTime<Utc>,
    kind: AwaitingApprovalKind,
    id: i32,
}

impl Position {
    fn cursor(&self) -> Cursor {
        Cursor {
            id: self.id,
            key: Some(format!(
                "{}|{}",
                self.since.to_rfc3339_opts(SecondsFormat::Nanos, true),
                self.kind.code()
            )),
        }
    }

    fn read((id, key): &CursorKey) -> ApiResult<Self> {
        let invalid = || ApiError::BadUserInput("invalid cursor".into());
        let (since, kind) = key
            .as_deref()
            .and_then(|key| key.split_once('|'))
            .ok_or_else(invalid)?;
        Ok(Self {
            since: DateTime::parse_from_rfc3339(since)
                .map_err(|_| invalid())?
                .with_timezone(&Utc),
            kind: AwaitingApprovalKind::from_code(kind).ok_or_else(invalid)?,
            id: *id,
        })
    }

    /// Rows strictly after this one, in a list in `order`.
    fn beyond(&self, order: Order) -> Expr {
        let row = Expr::tuple([
            Expr::col(Alias::new(SINCE)),
            Expr::col(Alias::new(KIND)),
            Expr::col(Alias::new(SUBJECT_ID)),
        ]);
        let at = Expr::tuple([
            Expr::val(self.since),
            Expr::val(self.kind.code()),
            Expr::val(self.id),
        ]);
        match order {
            Order::Desc => row.lt(at),
            _ => row.gt(at),
        }
    }
}

/// Everything waiting for the viewer, from every source that concerns them; `None` when
/// none does.
fn everything_waiting(access: &Access) -> Option<SelectStatement> {
    // A service account decides nothing.
    if access.service_account.is_some() {
        return None;
    }
    let mut selects = SOURCES.iter().filter_map(|source| source(access));
    let mut all = selects.next()?;
    for select in selects {
        all.union(sea_orm::sea_query::UnionType::All, select);
    }
    Some(all)
}

fn from_everything(all: SelectStatement) -> SelectStatement {
    Query::select()
        .from_subquery(all, Alias::new("awaiting"))
        .to_owned()
}

async fn count(db: DatabaseConnection, all: SelectStatement) -> ApiResult<u64> {
    let statement = from_everything(all)
        .expr(Func::count(Expr::col(Asterisk)))
        .to_owned();
    let row = db.query_one(&statement).await?;
    let count: i64 = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(count as u64)
}

/// The subject of a waiting row, if the viewer (still) sees it.
async fn subject_of(
    ctx: &Context<'_>,
    access: &Access,
    position: &Position,
) -> ApiResult<Option<AwaitingApprovalSubject>> {
    use AwaitingApprovalSubject as Subject;
    Ok(match position.kind {
        AwaitingApprovalKind::PracticeReview => visible_practice(ctx, position.id)
            .await?
            .map(|practice| Subject::Practice(Box::new(practice))),
        AwaitingApprovalKind::CommunityJoinRequest => {
            load::<community_member::Entity>(ctx, position.id)
                .await?
                .map(|row| Subject::CommunityMembership(CommunityMembership(row)))
        }
        AwaitingApprovalKind::AllianceInvitation => {
            load::<alliance_membership::Entity>(ctx, position.id)
                .await?
                .filter(|row| access.sees_alliance(row.alliance_id))
                .map(|row| Subject::AllianceMembership(AllianceMembership(row)))
        }
    })
}

/// One page of everything waiting, with each row's subject; rows whose subject was
/// answered or hidden between the two statements are left out.
async fn rows_of(
    ctx: &Context<'_>,
    access: &Access,
    all: SelectStatement,
    request: &PageRequest,
) -> ApiResult<Rows<(Position, AwaitingApprovalSubject)>> {
    let mut page = from_everything(all);
    page.columns([Alias::new(KIND), Alias::new(SUBJECT_ID), Alias::new(SINCE)]);
    if let Some(after) = &request.after {
        page.and_where(Position::read(after)?.beyond(Order::Desc));
    }
    if let Some(before) = &request.before {
        page.and_where(Position::read(before)?.beyond(Order::Asc));
    }
    let order = if request.backward {
        Order::Asc
    } else {
        Order::Desc
    };
    for column in [SINCE, KIND, SUBJECT_ID] {
        page.order_by(Alias::new(column), order.clone());
    }
    page.limit(request.size + 1);
    let mut positions = Vec::new();
    for row in db(ctx).query_all(&page).await? {
        let kind: String = row.try_get_by_index(0)?;
        positions.push(Position {
            kind: AwaitingApprovalKind::from_code(&kind)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown kind {kind}")))?,
            id: row.try_get_by_index(1)?,
            since: row.try_get_by_index(2)?,
        });
    }
    let found = Rows::from_fetched(positions, request);
    let subjects = try_join_all(
        found
            .rows
            .iter()
            .map(|position| subject_of(ctx, access, position)),
    )
    .await?;
    Ok(Rows {
        rows: found
            .rows
            .into_iter()
            .zip(subjects)
            .filter_map(|(position, subject)| subject.map(|subject| (position, subject)))
            .collect(),
        has_previous: found.has_previous,
        has_next: found.has_next,
    })
}

/// A page of what awaits the viewer's decision, newest first.
pub async fn awaiting(ctx: &Context<'_>, args: PageArgs) -> ApiResult<Page<AwaitingApproval>> {
    let access = access(ctx).await?;
    let request = args.validate()?;
    let (rows, total) = match everything_waiting(&access) {
        Some(all) => {
            let rows = rows_of(ctx, &access, all.clone(), &request).await?;
            let db = db(ctx).clone();
            (
                rows,
                TotalCount::new(move || count(db.clone(), all.clone())),
            )
        }
        None => (
            Rows {
                rows: Vec::new(),
                has_previous: false,
                has_next: false,
            },
            TotalCount::new(|| async { Ok(0) }),
        ),
    };
    Ok(rows.into_page(
        |(position, _)| position.cursor(),
        |(position, subject)| AwaitingApproval {
            kind: position.kind,
            since: position.since,
            subject,
        },
        total,
    ))
}
