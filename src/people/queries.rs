use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};
use entity::enums::{MembershipStatus, PersonStatus};
use entity::{
    alliance, alliance_membership, alliance_role, person, school, service_account, staff_role,
};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::places::current_staff;
use super::{AllianceRole, Person, StaffRole};
use crate::alliances::{Alliance, alliance_filter_key};
use crate::approvals::AwaitingApproval;
use crate::auth::Principal;
use crate::auth::scopes::{Scope, Scopes};
use crate::communities::CommunityMembership;
use crate::communities::queries::OwnCommunityMembershipFilter;
use crate::errors::ApiError;
use crate::graphql::context::{access, caller, db, load_many, load_required};
use crate::graphql::ids::{NodeKind, filter_key};
use crate::graphql::pagination::{
    Cursor, OrderDirection, Page, PageArgs, Sort, contains_text, root_page,
};
use crate::identity::LinkedIdentity;
use crate::notifications::inbox::{self, Notification, NotificationFilter, NotificationPreference};
use crate::schools::School;
use crate::service_accounts::ServiceAccount;
use crate::validation::search_text;

/// Narrows the list of people. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct PersonFilter {
    /// Words in the name, or in the email where the caller may read it (their own, and
    /// the people they administer); at most 200 characters.
    pub search: Option<String>,
    /// Only people who work at this school now.
    pub school_id: Option<ID>,
    /// Only people who work in this alliance now: in an alliance role, or at an active
    /// member school.
    pub alliance_id: Option<ID>,
    /// Only people in these states (default: active and disabled alike).
    pub statuses: Option<Vec<PersonStatus>>,
}

/// What a list of people is sorted by.
#[derive(async_graphql::Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum PersonOrderField {
    /// Alphabetical by family name, then creation order.
    #[default]
    FamilyName,
    /// When the account was created.
    CreatedAt,
}

/// The order of a list of people.
#[derive(InputObject, Clone, Copy, Default)]
pub struct PersonOrder {
    /// What to sort by (default: `FAMILY_NAME`).
    #[graphql(default)]
    pub field: PersonOrderField,
    /// Ascending or descending (default: `ASC`).
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Who is calling: a signed-in person, or a service account.
pub enum Viewer {
    Person(Person),
    ServiceAccount {
        account: ServiceAccount,
        scopes: Scopes,
    },
}

impl Viewer {
    fn person_or_none(&self) -> Option<&Person> {
        match self {
            Viewer::Person(person) => Some(person),
            Viewer::ServiceAccount { .. } => None,
        }
    }
}

/// Who is calling, and what they may do. For a person: their roles, the alliances they
/// administer, the schools they lead and what awaits their decision. For a service
/// account (`serviceAccount` is set): its tenant and the `scopes` of its token; the
/// person's fields are empty, and `person` is an error (`FORBIDDEN`), as a service account
/// is no person.
#[connections]
#[Object]
impl Viewer {
    /// The signed-in person; `FORBIDDEN` when the caller is a service account (ask for
    /// `serviceAccount` instead).
    async fn person(&self) -> Result<&Person> {
        self.person_or_none().ok_or_else(|| {
            ApiError::Forbidden(
                "the caller is a service account, not a person: read viewer.serviceAccount",
            )
            .into()
        })
    }
    /// The service account calling, with the alliance or school it is bound to; `null`
    /// for a person.
    async fn service_account(&self) -> Option<&ServiceAccount> {
        match self {
            Viewer::ServiceAccount { account, .. } => Some(account),
            Viewer::Person(_) => None,
        }
    }
    /// What the service account's token may do (within its tenant); `null` for a person,
    /// whose roles decide instead.
    async fn scopes(&self) -> Option<Vec<Scope>> {
        match self {
            Viewer::ServiceAccount { scopes, .. } => Some(scopes.iter().collect()),
            Viewer::Person(_) => None,
        }
    }
    /// Whether the viewer is a platform admin, who runs the platform and administers every
    /// alliance.
    async fn is_platform_admin(&self) -> bool {
        self.person_or_none()
            .is_some_and(|person| person.0.is_platform_admin)
    }
    /// The viewer's notifications, newest first: what happened that concerns them, kept
    /// whether or not it was also emailed. None for a service account.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list: only unread ones, or only read ones.")] filter: Option<
            NotificationFilter,
        >,
    ) -> Result<Page<Notification>> {
        Ok(inbox::page(ctx, args, filter).await?)
    }
    /// How many of the viewer's notifications are unread.
    async fn unread_count(&self, ctx: &Context<'_>) -> Result<u64> {
        Ok(inbox::unread_count(ctx).await?)
    }
    /// Whether each type of notification is also emailed to the viewer (every one reaches
    /// the inbox); none for a service account.
    async fn notification_preferences(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<NotificationPreference>> {
        match self.person_or_none() {
            Some(person) => Ok(inbox::preferences(db(ctx), person.0.id).await?),
            None => Ok(Vec::new()),
        }
    }
    /// Current roles at schools; none for a service account.
    async fn staff_roles(&self, ctx: &Context<'_>) -> Result<Vec<StaffRole>> {
        match self.person_or_none() {
            Some(person) => person.staff_roles(ctx, false).await,
            None => Ok(Vec::new()),
        }
    }
    /// Current roles in alliances; none for a service account.
    async fn alliance_roles(&self, ctx: &Context<'_>) -> Result<Vec<AllianceRole>> {
        match self.person_or_none() {
            Some(person) => person.alliance_roles(ctx, false).await,
            None => Ok(Vec::new()),
        }
    }
    /// Alliances the viewer administers (as admin or CPD lead); none for a service
    /// account.
    async fn administered_alliances(&self, ctx: &Context<'_>) -> Result<Vec<Alliance>> {
        if self.person_or_none().is_none() {
            return Ok(Vec::new());
        }
        let ids = access(ctx).await?.administered_alliances();
        let alliances = load_many::<alliance::Entity>(ctx, &ids).await?;
        Ok(alliances.into_iter().map(Alliance).collect())
    }
    /// Schools the viewer leads (as headteacher, senior leader or school CPD lead); none
    /// for a service account.
    async fn led_schools(&self, ctx: &Context<'_>) -> Result<Vec<School>> {
        if self.person_or_none().is_none() {
            return Ok(Vec::new());
        }
        let ids = access(ctx).await?.led_schools();
        let schools = load_many::<school::Entity>(ctx, &ids).await?;
        Ok(schools.into_iter().map(School).collect())
    }
    /// The identity providers' accounts (Microsoft Entra ID, Google) that sign the viewer
    /// in, oldest first; `unlinkIdentity` removes one. None for a service account.
    async fn linked_identities(&self, ctx: &Context<'_>) -> Result<Vec<LinkedIdentity>> {
        match self.person_or_none() {
            Some(person) => Ok(crate::identity::links::of_person(db(ctx), person.0.id).await?),
            None => Ok(Vec::new()),
        }
    }
    /// Whether the viewer may start an alliance; never a service account.
    async fn can_create_alliance(&self, ctx: &Context<'_>) -> Result<bool> {
        if self.person_or_none().is_none() {
            return Ok(false);
        }
        Ok(access(ctx).await?.may_create_alliance())
    }

    /// What awaits the viewer's decision, newest first: practice submitted for review at
    /// the schools they lead, requests to join the communities they run (as facilitator,
    /// or as the alliance's admin or CPD lead), and alliances' invitations of the schools
    /// they lead. Each says what is needed and since when.
    async fn awaiting_my_approval(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<AwaitingApproval>> {
        Ok(crate::approvals::awaiting(ctx, args).await?)
    }

    /// Events the viewer can see that have not ended, open or closed for booking, in
    /// order of their start; with `booked: true`, only those they hold a booking on
    /// (awaiting approval, confirmed or waitlisted). None for a service account.
    async fn upcoming_events(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(
            default,
            desc = "Only events the viewer is booked on (awaiting approval, confirmed or waitlisted)."
        )]
        booked: bool,
    ) -> Result<Page<crate::events::Event>> {
        crate::events::queries::upcoming(ctx, args, booked).await
    }

    /// The viewer's own event bookings, oldest first, in every state unless filtered; a
    /// waitlisted one says where it stands (`waitlistPosition`).
    async fn event_bookings(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows by status.")] filter: Option<
            crate::events::queries::OwnBookingFilter,
        >,
    ) -> Result<Page<crate::events::EventBooking>> {
        crate::events::queries::own_bookings(ctx, args, filter).await
    }

    /// Event bookings awaiting the viewer's approval, oldest first: of staff at the
    /// schools they lead (as headteacher, senior leader or school CPD lead), never their
    /// own.
    async fn bookings_awaiting_my_approval(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<crate::events::EventBooking>> {
        crate::events::queries::awaiting_my_approval(ctx, args).await
    }

    /// Observations the viewer sees, oldest first: of their teaching (theirs to share),
    /// made by them, and shared with them. None for a service account.
    async fn observations(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows by how the viewer stands to them, and by purpose.")]
        filter: Option<crate::observations::queries::ObservationFilter>,
    ) -> Result<Page<crate::observations::Observation>> {
        crate::observations::queries::viewer_observations(ctx, args, filter).await
    }

    /// Reflections the viewer sees, oldest first: their own journal, and those shared
    /// with them. None for a service account.
    async fn reflections(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(default, desc = "Only the viewer's own.")] own: bool,
    ) -> Result<Page<crate::reflections::Reflection>> {
        crate::reflections::viewer_reflections(ctx, args, own).await
    }

    /// The viewer's invitations to lead, oldest first: those they received and those they
    /// sent, in every status unless filtered. None for a service account.
    async fn leadership_invitations(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows by direction (received or sent) and by status.")] filter: Option<
            crate::leadership::queries::LeadershipInvitationFilter,
        >,
    ) -> Result<Page<crate::leadership::LeadershipInvitation>> {
        crate::leadership::queries::viewer_invitations(ctx, args, filter).await
    }

    /// The viewer's leadership record, oldest first: what they were invited to lead and
    /// accepted, done (`COMPLETED`) or not yet (`ACCEPTED`). Only ever their own; none for
    /// a service account.
    async fn leadership_record(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
    ) -> Result<Page<crate::leadership::LeadershipInvitation>> {
        crate::leadership::queries::viewer_record(ctx, args).await
    }

    /// The viewer's own portfolio: their professional learning across every school they
    /// have worked at, with exports (`json`, `markdown`). Only ever their own; `FORBIDDEN`
    /// for a service account.
    async fn portfolio(&self, ctx: &Context<'_>) -> Result<crate::portfolio::Portfolio> {
        crate::portfolio::viewer_portfolio(ctx).await
    }

    /// What the viewer chose to bring to a performance-management conversation
    /// (`selectRecord` with `inReviewSelection`), exportable by them. `FORBIDDEN` for a
    /// service account.
    async fn performance_review_selection(
        &self,
        ctx: &Context<'_>,
    ) -> Result<crate::portfolio::PerformanceReviewSelection> {
        crate::portfolio::viewer_review_selection(ctx).await
    }

    /// The viewer's own memberships of communities they can see, oldest first, in every
    /// state unless filtered: a request shows as `REQUESTED`, then `ACTIVE`, or `DECLINED`
    /// with the facilitator's `reason` and `endedAt` (asking again reopens it).
    async fn community_memberships(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows by status.")] filter: Option<OwnCommunityMembershipFilter>,
    ) -> Result<Page<CommunityMembership>> {
        Ok(crate::communities::queries::own_memberships(ctx, args, filter).await?)
    }
}

#[derive(Default)]
pub struct PeopleQuery;

#[connections]
#[Object]
impl PeopleQuery {
    /// The caller: the signed-in person, or the service account whose token is used;
    /// `UNAUTHENTICATED` without a valid access token.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        match &caller(ctx).principal {
            Principal::Person(signed_in) => {
                let person = load_required::<person::Entity>(ctx, signed_in.person_id).await?;
                Ok(Viewer::Person(Person(person)))
            }
            Principal::ServiceAccount(principal) => {
                let account = load_required::<service_account::Entity>(ctx, principal.id).await?;
                Ok(Viewer::ServiceAccount {
                    account: ServiceAccount(account),
                    scopes: principal.scopes,
                })
            }
            Principal::Anonymous => Err(ApiError::Unauthenticated.into()),
        }
    }

    /// People the caller can see: colleagues, and people of their alliances.
    async fn people(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the list.")] filter: Option<PersonFilter>,
        #[graphql(desc = "The order of the list (default: by family name, A to Z).")]
        order_by: Option<PersonOrder>,
        #[graphql(
            desc = "Only what changed after this time (the `syncedAt` of `sync`), oldest change first; not with `orderBy`. See `sync`."
        )]
        updated_since: Option<DateTime<Utc>>,
    ) -> Result<Page<Person>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let mut select = person::Entity::find().filter(access.person_condition());
        if let Some(search) = search_text("filter.search", filter.search.as_deref())? {
            // Names are read by all who see the person; an email only by those the
            // policy lets read it, so only there does the search look at it.
            select = select.filter(
                Condition::any()
                    .add(contains_text(person::Column::GivenName, search))
                    .add(contains_text(person::Column::FamilyName, search))
                    .add(
                        Condition::all()
                            .add(contains_text(person::Column::Email, search))
                            .add(access.email_condition()),
                    ),
            );
        }
        if let Some(statuses) = filter.statuses {
            select = select.filter(person::Column::Status.is_in(statuses));
        }
        if let Some(school) = filter.school_id {
            let school = filter_key(&school, NodeKind::School);
            let staff = current_staff(staff_role::Column::SchoolId.eq(school));
            select = select.filter(person::Column::Id.in_subquery(staff));
        }
        if let Some(alliance) = filter.alliance_id {
            let alliance = alliance_filter_key(Some(&access), &alliance);
            let member_schools = Query::select()
                .column(alliance_membership::Column::SchoolId)
                .from(alliance_membership::Entity)
                .and_where(alliance_membership::Column::AllianceId.eq(alliance))
                .and_where(alliance_membership::Column::Status.eq(MembershipStatus::Active))
                .to_owned();
            let school_staff =
                current_staff(staff_role::Column::SchoolId.in_subquery(member_schools));
            let role_holders = Query::select()
                .column(alliance_role::Column::PersonId)
                .from(alliance_role::Entity)
                .and_where(alliance_role::Column::AllianceId.eq(alliance))
                .and_where(alliance_role::Column::EndsOn.is_null())
                .to_owned();
            select = select.filter(
                Condition::any()
                    .add(person::Column::Id.in_subquery(school_staff))
                    .add(person::Column::Id.in_subquery(role_holders)),
            );
        }
        if let Some(since) = updated_since {
            let since = crate::sync::checked_since(ctx, since, order_by.is_some(), true).await?;
            return Ok(crate::sync::delta_page(
                db(ctx),
                select,
                (person::Column::Id, person::Column::UpdatedAt),
                since,
                &args,
                |row: &person::Model| (row.id, row.updated_at),
            )
            .await?);
        }
        let order = order_by.unwrap_or_default();
        let by_name = order.field == PersonOrderField::FamilyName;
        let sort = Sort {
            column: by_name.then_some(person::Column::FamilyName),
            descending: order.direction == OrderDirection::Desc,
        };
        root_page(
            db(ctx),
            select,
            person::Column::Id,
            sort,
            &args,
            |row: &person::Model| Cursor {
                id: row.id,
                key: by_name.then(|| row.family_name.clone()),
            },
        )
        .await
        .map_err(|error: ApiError| error.into())
    }
}
