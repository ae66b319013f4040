//! Who reads and steers enquiries.
//!
//! - A personal enquiry is read by its owner and the alliance's admins and CPD leads; a
//!   community's like any shared contribution in the community (see `communities`), and
//!   so is its evidence.
//! - Its owner and the community's facilitators (and the alliance's admins and CPD
//!   leads) steer an enquiry: change it, move its stage.
//! - Evidence is added to a personal enquiry by its owner, to a community's by any
//!   active member.

use entity::{community, enquiry};
use sea_orm::ColumnTrait;
use sea_orm::sea_query::Condition;

use super::Access;
use crate::auth::scopes::Scope;

impl Access {
    /// Restricts a query on enquiries to those the caller reads: a personal enquiry by its
    /// owner and the alliance's admins; a community's like any shared contribution.
    pub fn enquiry_condition(&self) -> Condition {
        use entity::enquiry::Column;
        self.rows_seen(Scope::CommunitiesRead, || {
            Condition::any()
                .add(
                    Condition::all().add(Column::CommunityId.is_null()).add(
                        Condition::any()
                            .add(Column::OwnerId.eq(self.person_id))
                            .add(Column::AllianceId.is_in(self.administered_alliances())),
                    ),
                )
                .add(Condition::all().add(Column::CommunityId.is_not_null()).add(
                    self.shared_condition(
                        Column::CommunityId,
                        Column::OwnerId,
                        Column::OwnerSchoolId,
                    ),
                ))
        })
    }

    /// Restricts evidence of enquiries the caller reads: all of a personal enquiry's, and
    /// in a community what its consent and kind allow.
    pub fn evidence_condition(&self) -> Condition {
        use entity::enquiry_evidence::Column;
        if !self.reads(Scope::CommunitiesRead) {
            return Condition::any();
        }
        Condition::any()
            .add(Column::CommunityId.is_null())
            .add(self.shared_condition(
                Column::CommunityId,
                Column::AuthorId,
                Column::AuthorSchoolId,
            ))
    }

    /// Whether the caller steers an enquiry (changes it, moves its stage): its owner, and
    /// those who run its community.
    pub fn steers_enquiry(
        &self,
        enquiry: &enquiry::Model,
        community: Option<&community::Model>,
    ) -> bool {
        enquiry.owner_id == self.person_id
            || self.platform_admin
            || community.is_some_and(|c| self.runs_community(c))
    }

    /// Whether the caller adds evidence to a personal enquiry: its owner only (to a
    /// community's, those who `contributes_to` the community).
    pub fn adds_evidence_to_personal_enquiry(&self, enquiry: &enquiry::Model) -> bool {
        enquiry.owner_id == self.person_id
    }
}
