//! Lists of observations: the viewer's (`viewer.observations`), the appraisal view of a
//! school (`appraisalObservations`, `APPRAISAL` records only), and counts of activity
//! (`observationActivity`).

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::enums::RecordPurpose;
use entity::{observation, record_share};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::connections;

use super::Observation;
use super::activity::{ObservationActivity, ObservationActivityFilter, activity};
use crate::graphql::context::{access, db};
use crate::graphql::filters::any_of;
use crate::graphql::ids::{NodeKind, filter_key};
use crate::graphql::pagination::{Page, PageArgs, oldest_first_page};

/// How the viewer stands to an observation.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ObservationRelation {
    /// The viewer's teaching was observed (they own the record).
    Teacher,
    /// The viewer observed.
    Observer,
    /// The teacher shares it with the viewer.
    SharedWithViewer,
}

/// Narrows the viewer's observations. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct ObservationFilter {
    /// Only those the viewer stands to in any of these ways.
    pub relations: Option<Vec<ObservationRelation>>,
    /// Only those of these purposes.
    pub purposes: Option<Vec<RecordPurpose>>,
}

/// The observations the viewer sees, oldest first: of their teaching, made by them, and
/// shared with them; nothing else, whatever the caller's role.
pub async fn viewer_observations(
    ctx: &Context<'_>,
    args: PageArgs,
    filter: Option<ObservationFilter>,
) -> Result<Page<Observation>> {
    let access = access(ctx).await?;
    let filter = filter.unwrap_or_default();
    let mut condition = Condition::all().add(access.observation_condition());
    if let Some(relations) = &filter.relations {
        let shared = Query::select()
            .column(record_share::Column::ObservationId)
            .from(record_share::Entity)
            .cond_where(access.holding_shares_to_caller())
            .and_where(record_share::Column::ObservationId.is_not_null())
            .to_owned();
        let mut any = Condition::any();
        for relation in relations {
            any = any.add(match relation {
                ObservationRelation::Teacher => observation::Column::TeacherId.eq(access.person_id),
                ObservationRelation::Observer => {
                    observation::Column::ObserverId.eq(access.person_id)
                }
                ObservationRelation::SharedWithViewer => {
                    observation::Column::Id.in_subquery(shared.clone())
                }
            });
        }
        condition = condition.add(any);
    }
    let condition = condition.add_option(any_of(observation::Column::Purpose, &filter.purposes));
    let select = observation::Entity::find().filter(condition);
    Ok(oldest_first_page(db(ctx), select, &args).await?)
}

#[derive(Default)]
pub struct ObservationQuery;

#[connections]
#[Object]
impl ObservationQuery {
    /// The appraisal view of a school, oldest first, for the school's own leaders
    /// (headteacher, senior leaders, school CPD lead): its `APPRAISAL` observations of
    /// teachers who still work there that the leader already sees: observed by them, or
    /// shared with them by the teacher. Purpose never widens who sees a record. A
    /// `DEVELOPMENTAL` observation never appears here; to anyone else (a service account
    /// too) the list is empty.
    async fn appraisal_observations(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "The school (a `School` id).")] school_id: ID,
    ) -> Result<Page<Observation>> {
        let access = access(ctx).await?;
        let key = filter_key(&school_id, NodeKind::School);
        let select = observation::Entity::find()
            .filter(access.appraisal_view_of_observations())
            .filter(observation::Column::SchoolId.eq(key));
        Ok(oldest_first_page(db(ctx), select, &args).await?)
    }

    /// Counts of observation activity, by school, term (newest first) and theme (the
    /// row with no theme counts them all): for a school's leaders, and the admins and CPD
    /// leads of an alliance it is active in. Activity only, never content; a count under
    /// five is `null` with `suppressed: true`. Schools the caller may not count are left
    /// out.
    async fn observation_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Which schools and term to count; without it, every school the caller may count."
        )]
        filter: Option<ObservationActivityFilter>,
    ) -> Result<Vec<ObservationActivity>> {
        activity(ctx, filter.unwrap_or_default()).await
    }
}
