//! Single sign-on through OpenID Connect (Microsoft Entra ID, Google).
//!
//! - `school_identity_provider`: the Entra tenants (`tid`) and Google hosted domains (`hd`)
//!   a school has registered. Several schools may register the same tenant (a trust's
//!   tenant covers its schools), so a tenant is unique per school only.
//! - `person_identity`: a person's link to an identity provider's account, by issuer and
//!   subject; each (issuer, subject) names one person, and a person has at most one
//!   account per issuer (a second one cannot be linked by email).
//! - `identity_nonce`: the nonces of ID tokens already exchanged for a session (as a
//!   digest, until the token expires), so that each token signs in once.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SchoolIdentityProvider {
    Table,
    Id,
    SchoolId,
    Provider,
    Tenant,
    RegisteredById,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PersonIdentity {
    Table,
    Id,
    PersonId,
    Provider,
    Issuer,
    Subject,
    Tenant,
    Email,
    CreatedAt,
    LastSignedInAt,
}

#[derive(DeriveIden)]
enum IdentityNonce {
    Table,
    Id,
    Digest,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum School {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

fn fk(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (impl IntoIden + 'static, impl IntoIden + 'static),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SchoolIdentityProvider::Table)
                    .col(pk_auto(SchoolIdentityProvider::Id))
                    .col(integer(SchoolIdentityProvider::SchoolId))
                    .col(string_len(SchoolIdentityProvider::Provider, 40))
                    .col(string_len(SchoolIdentityProvider::Tenant, 253))
                    .col(integer(SchoolIdentityProvider::RegisteredById))
                    .col(timestamp_with_time_zone(SchoolIdentityProvider::CreatedAt))
                    .foreign_key(&mut fk(
                        (
                            SchoolIdentityProvider::Table,
                            SchoolIdentityProvider::SchoolId,
                        ),
                        (School::Table, School::Id),
                    ))
                    .foreign_key(&mut fk(
                        (
                            SchoolIdentityProvider::Table,
                            SchoolIdentityProvider::RegisteredById,
                        ),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("school_identity_provider_unique")
                    .table(SchoolIdentityProvider::Table)
                    .col(SchoolIdentityProvider::SchoolId)
                    .col(SchoolIdentityProvider::Provider)
                    .col(SchoolIdentityProvider::Tenant)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // A sign-in looks up the schools that registered the token's tenant.
        manager
            .create_index(
                Index::create()
                    .name("school_identity_provider_tenant")
                    .table(SchoolIdentityProvider::Table)
                    .col(SchoolIdentityProvider::Provider)
                    .col(SchoolIdentityProvider::Tenant)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(PersonIdentity::Table)
                    .col(pk_auto(PersonIdentity::Id))
                    .col(integer(PersonIdentity::PersonId))
                    .col(string_len(PersonIdentity::Provider, 40))
                    .col(string_len(PersonIdentity::Issuer, 255))
                    .col(string_len(PersonIdentity::Subject, 255))
                    .col(string_len(PersonIdentity::Tenant, 253))
                    .col(string_len_null(PersonIdentity::Email, 254))
                    .col(timestamp_with_time_zone(PersonIdentity::CreatedAt))
                    .col(timestamp_with_time_zone(PersonIdentity::LastSignedInAt))
                    .foreign_key(&mut fk(
                        (PersonIdentity::Table, PersonIdentity::PersonId),
                        (Person::Table, Person::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_identity_subject")
                    .table(PersonIdentity::Table)
                    .col(PersonIdentity::Issuer)
                    .col(PersonIdentity::Subject)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("person_identity_one_per_issuer")
                    .table(PersonIdentity::Table)
                    .col(PersonIdentity::PersonId)
                    .col(PersonIdentity::Issuer)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdentityNonce::Table)
                    .col(pk_auto(IdentityNonce::Id))
                    .col(string_len_uniq(IdentityNonce::Digest, 64))
                    .col(timestamp_with_time_zone(IdentityNonce::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("identity_nonce_expires_at")
                    .table(IdentityNonce::Table)
                    .col(IdentityNonce::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdentityNonce::Table.into_iden(),
            PersonIdentity::Table.into_iden(),
            SchoolIdentityProvider::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
