//! Single sign-on with Microsoft Entra ID and Google: signing in with a provider's ID
//! token, the organisations (tenants, hosted domains) schools register for it, and the
//! accounts linked to each person. Tokens are checked in `auth::identity`; who may do
//! what is in `auth::policy::identity`.

pub mod links;
pub mod registrations;
pub mod sign_in;

pub use links::LinkedIdentity;
pub use registrations::SchoolIdentityProvider;

// The domain's mutations, merged into the schema's `Mutation` (`schema`).
#[derive(async_graphql::MergedObject, Default)]
pub struct IdentityMutations(
    sign_in::IdentitySignInMutation,
    registrations::RegistrationMutation,
    links::LinkMutation,
);
