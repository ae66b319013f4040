//! The sources of what awaits a decision: one function per kind, each a statement that
//! selects, for the viewer, the rows waiting for them as `(kind, subject_id, since)`, or
//! `None` when the viewer decides nothing of that kind. Each follows the policy of the
//! mutations that decide it: whoever may decide sees what waits.

use entity::enums::{CommunityMembershipStatus, MembershipStatus, PracticeAction, PracticeStatus};
use entity::{alliance_membership, community_member, practice, practice_event};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Alias, Condition, Expr, ExprTrait, Func, Query, SelectStatement};

use super::AwaitingApprovalKind;
use crate::auth::policy::Access;

/// A source: what of its kind waits for a viewer's decision.
pub type Source = fn(&Access) -> Option<SelectStatement>;

/// Every source, combined into the viewer's one list.
pub const SOURCES: &[Source] = &[practice_in_review, requests_to_join, alliance_invitations];

/// The columns every source selects, in this order.
pub const KIND: &str = "kind";
pub const SUBJECT_ID: &str = "subject_id";
pub const SINCE: &str = "since";

/// A statement selecting `(kind, subject_id, since)` from `table`, where `condition` holds.
fn waiting(
    kind: AwaitingApprovalKind,
    table: impl sea_orm::sea_query::IntoTableRef,
    (subject_id, since): (Expr, Expr),
    condition: Condition,
) -> SelectStatement {
    Query::select()
        .expr_as(Expr::val(kind.code()), Alias::new(KIND))
        .expr_as(subject_id, Alias::new(SUBJECT_ID))
        .expr_as(since, Alias::new(SINCE))
        .from(table)
        .cond_where(condition)
        .to_owned()
}

/// Practice in review at the schools the viewer leads (its approvers), since it was last
/// submitted.
fn practice_in_review(access: &Access) -> Option<SelectStatement> {
    let schools = access.led_schools();
    if schools.is_empty() {
        return None;
    }
    let submitted = Query::select()
        .expr(Func::max(Expr::col((
            practice_event::Entity,
            practice_event::Column::CreatedAt,
        ))))
        .from(practice_event::Entity)
        .and_where(
            Expr::col((practice_event::Entity, practice_event::Column::PracticeId))
                .equals((practice::Entity, practice::Column::Id)),
        )
        .and_where(practice_event::Column::Action.eq(PracticeAction::SubmittedForReview))
        .to_owned();
    let since = Func::coalesce([
        Expr::from(submitted),
        Expr::col((practice::Entity, practice::Column::UpdatedAt)),
    ]);
    Some(waiting(
        AwaitingApprovalKind::PracticeReview,
        practice::Entity,
        (
            Expr::col((practice::Entity, practice::Column::Id)),
            since.into(),
        ),
        Condition::all()
            .add(practice::Column::Status.eq(PracticeStatus::InReview))
            .add(practice::Column::SchoolId.is_in(schools)),
    ))
}

/// Requests to join the communities the viewer runs (facilitates, or administers the
/// alliance of), since they were made.
fn requests_to_join(access: &Access) -> Option<SelectStatement> {
    if access.facilitated_communities().is_empty() && access.administered_alliances().is_empty() {
        return None;
    }
    Some(waiting(
        AwaitingApprovalKind::CommunityJoinRequest,
        community_member::Entity,
        (
            Expr::col((community_member::Entity, community_member::Column::Id)),
            Expr::col((
                community_member::Entity,
                community_member::Column::CreatedAt,
            )),
        ),
        Condition::all()
            .add(community_member::Column::Status.eq(CommunityMembershipStatus::Requested))
            .add(access.run_by_role_condition(community_member::Column::CommunityId)),
    ))
}

/// Alliances' invitations of the schools the viewer leads, since they were sent.
fn alliance_invitations(access: &Access) -> Option<SelectStatement> {
    let schools = access.led_schools();
    if schools.is_empty() {
        return None;
    }
    Some(waiting(
        AwaitingApprovalKind::AllianceInvitation,
        alliance_membership::Entity,
        (
            Expr::col((alliance_membership::Entity, alliance_membership::Column::Id)),
            Expr::col((
                alliance_membership::Entity,
                alliance_membership::Column::InvitedAt,
            )),
        ),
        Condition::all()
            .add(alliance_membership::Column::Status.eq(MembershipStatus::Invited))
            .add(alliance_membership::Column::SchoolId.is_in(schools)),
    ))
}
