//! People, their roles at schools and in alliances, invitations, and signing in.

pub mod accounts;
pub mod admin;
pub mod employment;
pub mod invitation_upkeep;
pub mod invitations;
mod node;
pub mod places;
pub mod queries;
pub mod sessions;
pub mod staff_roles;
pub mod types;

pub use places::{
    member_school, member_schools, person_in_staff_role, person_of, staff_member_now,
    visible_person, works_at_now,
};
pub use types::{AllianceRole, Invitation, Person, StaffRole};

// The domain's mutations, merged into the schema's `Mutation` (`schema`).
#[derive(async_graphql::MergedObject, Default)]
pub struct PeopleMutations(
    sessions::SessionMutation,
    invitations::InvitationMutation,
    invitation_upkeep::InvitationUpkeepMutation,
    accounts::AccountMutation,
    staff_roles::StaffRoleMutation,
);
