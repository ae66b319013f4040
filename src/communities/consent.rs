//! A school's consent to share into cross-school communities. Withdrawing it hides, at
//! once and in every query, what the school's staff shared in communities that include
//! other schools (the policy's `consent_condition`); restoring it brings it back. Nothing
//! is deleted.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{school, sharing_consent};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TryIntoModel};
use trellis_macros::mutations;

use crate::audit::AuditEntry;
use crate::auth::policy::allowed;
use crate::db::begin_write;
use crate::errors::{ApiError, MutationResult, UserError};
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::payload;
use crate::people::{Person, visible_person};
use crate::schools::School;

/// Whether a school's staff may share into communities that include other schools.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct SharingConsent {
    /// The school whose consent this is.
    pub school: School,
    /// `false` while the school's leaders have withdrawn consent.
    pub consents: bool,
    /// When the decision last changed; `null` if it never has (consent is given by default).
    pub changed_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub changed_by_id: Option<i32>,
}

#[async_graphql::ComplexObject]
impl SharingConsent {
    /// Who last changed it, if the caller can see them.
    async fn changed_by(&self, ctx: &Context<'_>) -> Result<Option<Person>> {
        match self.changed_by_id {
            Some(id) => Ok(visible_person(ctx, id).await?),
            None => Ok(None),
        }
    }
}

fn consent_of(school: school::Model, row: Option<sharing_consent::Model>) -> SharingConsent {
    SharingConsent {
        school: School(school),
        consents: row.as_ref().is_none_or(|r| r.consents),
        changed_at: row.as_ref().map(|r| r.changed_at),
        changed_by_id: row.map(|r| r.changed_by_id),
    }
}

/// The input of `setSchoolSharingConsent`.
#[derive(InputObject)]
pub struct SetSchoolSharingConsentInput {
    /// The school deciding.
    pub school_id: ID,
    /// `true` to let the school's staff share; `false` to withdraw.
    pub consents: bool,
}

payload!(SetSchoolSharingConsentPayload {
    consent: SharingConsent
});

#[derive(Default)]
pub struct ConsentQuery;

#[Object]
impl ConsentQuery {
    /// Whether a school's staff may share into cross-school communities.
    async fn school_sharing_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The school.")] school_id: ID,
    ) -> Result<SharingConsent> {
        access(ctx).await?;
        let id = decode_as(&school_id, NodeKind::School).ok_or(ApiError::NotFound)?;
        let school = school::Entity::find_by_id(id)
            .one(db(ctx))
            .await
            .map_err(ApiError::from)?
            .ok_or(ApiError::NotFound)?;
        let row = sharing_consent::Entity::find()
            .filter(sharing_consent::Column::SchoolId.eq(id))
            .one(db(ctx))
            .await
            .map_err(ApiError::from)?;
        Ok(consent_of(school, row))
    }
}

#[derive(Default)]
pub struct ConsentMutation;

mutations! {
    impl ConsentMutation {
        /// Gives or withdraws a school's consent for its staff to share into communities that
        /// include other schools. The school's headteacher, senior leaders and CPD lead may.
        fn set_school_sharing_consent { set(ctx, input).await }
    }
}

async fn set(
    ctx: &Context<'_>,
    input: SetSchoolSharingConsentInput,
) -> MutationResult<SharingConsent> {
    let access = access(ctx).await?;
    let not_found = || UserError::not_found("schoolId");
    let id = decode_as(&input.school_id, NodeKind::School).ok_or_else(not_found)?;
    let txn = begin_write(db(ctx)).await?;
    let school = school::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    allowed(
        access.leads_school(id),
        "only the school's headteacher, senior leaders or CPD lead decide this",
    )?;
    let now = Utc::now();
    let existing = sharing_consent::Entity::find()
        .filter(sharing_consent::Column::SchoolId.eq(id))
        .one(&txn)
        .await?;
    let mut row: sharing_consent::ActiveModel = match existing {
        Some(row) => row.into(),
        None => sharing_consent::ActiveModel {
            school_id: Set(id),
            ..Default::default()
        },
    };
    row.consents = Set(input.consents);
    row.changed_by_id = Set(access.person_id);
    row.changed_at = Set(now);
    let row = row.save(&txn).await?.try_into_model()?;
    AuditEntry::by(
        access.person_id,
        if input.consents {
            "school.sharing_consent.given"
        } else {
            "school.sharing_consent.withdrawn"
        },
        NodeKind::School.id(id),
    )
    .school(Some(id))
    .details(serde_json::json!({ "consents": input.consents }))
    .record(&txn)
    .await?;
    txn.commit().await?;
    Ok(consent_of(school, Some(row)))
}
