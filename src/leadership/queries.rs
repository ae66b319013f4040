//! The viewer's invitations to lead (`viewer.leadershipInvitations`), received and sent,
//! their leadership record (`viewer.leadershipRecord`), and an alliance's invitations
//! (`Alliance.leadershipInvitations`), which its CPD leads coordinate.

use async_graphql::{Context, Enum, InputObject, Result};
use entity::enums::LeadershipStatus;
use entity::leadership_invitation;
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{LeadershipInvitation, RECORD};
use crate::graphql::context::{access, db};
use crate::graphql::nested::{ChildList, child_page};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};

/// How the viewer stands to an invitation to lead.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum LeadershipInvitationDirection {
    /// The viewer was invited.
    Received,
    /// The viewer invited.
    Sent,
}

/// Narrows the viewer's invitations to lead. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct LeadershipInvitationFilter {
    /// Only those received, or only those sent.
    pub direction: Option<LeadershipInvitationDirection>,
    /// Only those in any of these statuses.
    pub statuses: Option<Vec<LeadershipStatus>>,
}

/// The viewer's invitations to lead, oldest first: received and sent. None for a service
/// account.
pub async fn viewer_invitations(
    ctx: &Context<'_>,
    args: PageArgs,
    filter: Option<LeadershipInvitationFilter>,
) -> Result<Page<LeadershipInvitation>> {
    use leadership_invitation::Column;
    let access = access(ctx).await?;
    let filter = filter.unwrap_or_default();
    let received = Column::PersonId.eq(access.person_id);
    let sent = Column::InvitedById.eq(access.person_id);
    let own = match filter.direction {
        Some(LeadershipInvitationDirection::Received) => Condition::all().add(received),
        Some(LeadershipInvitationDirection::Sent) => Condition::all().add(sent),
        None => Condition::any().add(received).add(sent),
    };
    let mut condition = Condition::all()
        .add(access.leadership_invitation_condition())
        .add(own);
    if let Some(statuses) = filter.statuses {
        condition = condition.add(Column::Status.is_in(statuses));
    }
    let select = leadership_invitation::Entity::find().filter(condition);
    Ok(oldest_first_page(db(ctx), select, &args).await?)
}

/// The viewer's leadership record, oldest first: what they accepted to lead, done or not.
/// Only ever their own; none for a service account.
pub async fn viewer_record(
    ctx: &Context<'_>,
    args: PageArgs,
) -> Result<Page<LeadershipInvitation>> {
    use leadership_invitation::Column;
    let access = access(ctx).await?;
    let select = leadership_invitation::Entity::find()
        .filter(access.leadership_invitation_condition())
        .filter(Column::PersonId.eq(access.person_id))
        .filter(Column::Status.is_in(RECORD));
    Ok(oldest_first_page(db(ctx), select, &args).await?)
}

/// The invitations to lead made in the alliance `alliance_id` that the caller sees, oldest
/// first, in any of `statuses` if given: all of them for its admins and CPD leads, who
/// coordinate who leads what; for anyone else only those they sent or received.
pub async fn alliance_invitations(
    ctx: &Context<'_>,
    alliance_id: i32,
    args: PageArgs,
    statuses: Option<Vec<LeadershipStatus>>,
) -> Result<Page<LeadershipInvitation>> {
    use leadership_invitation::Column;
    let access = access(ctx).await?;
    let mut condition = Condition::all().add(access.leadership_invitation_condition());
    if let Some(statuses) = statuses {
        condition = condition.add(Column::Status.is_in(statuses));
    }
    let list =
        ChildList::<leadership_invitation::Entity>::new(alliance_id, Column::AllianceId, condition);
    Ok(child_page(ctx, list, &args).await?)
}
