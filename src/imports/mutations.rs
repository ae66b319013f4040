//! The import mutations: a file sent as a GraphQL multipart upload, imported as the
//! command line would, within the server's limits (`--max-upload-bytes`,
//! `--max-import-rows`).

use async_graphql::{Context, InputObject, Upload};
use trellis_macros::mutations;

use super::input::{FileProblem, InputFile};
use super::oneroster::files::Export;
use super::report::ImportReport;
use super::{gias, oneroster};
use crate::auth::policy::allowed;
use crate::auth::policy::imports::ImportScope;
use crate::errors::{ApiError, MutationResult, UserError};
use crate::graphql::context::{access, db, services};
use crate::payload;

/// A Get Information About Schools extract to import.
#[derive(InputObject)]
pub struct ImportGiasExtractInput {
    /// The establishment extract's CSV file as GIAS publishes it (Windows-1252, such as
    /// `edubasealldata20261207.csv`), sent as a multipart upload.
    pub file: Upload,
    /// Report what would change, and change nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// A OneRoster 1.2 CSV export to import staff from.
#[derive(InputObject)]
pub struct ImportOneRosterExportInput {
    /// A zip of the export's files (`manifest.csv`, `orgs.csv`, `users.csv`, `roles.csv`;
    /// others are ignored), sent as a multipart upload.
    pub file: Upload,
    /// Report what would change, and change nothing.
    #[graphql(default)]
    pub dry_run: bool,
    /// The name of the system the export comes from, under which its `sourcedId`s are
    /// kept (at most 100 characters; default: the manifest's `source.systemCode`, else
    /// `source.systemName`). Use the same name every time.
    pub source_system: Option<String>,
}

payload!(ImportGiasExtractPayload {
    report: ImportReport
});
payload!(ImportOneRosterExportPayload {
    report: ImportReport
});

#[derive(Default)]
pub struct ImportMutation;

mutations! {
    impl ImportMutation {
        /// Imports schools from a Get Information About Schools extract: new URNs are added,
        /// known ones updated, closed schools marked closed (never deleted). Platform admins
        /// may. The report lists the rows that could not be imported; a file that cannot be
        /// read whole (missing columns, the wrong encoding, an overlong line, too many rows)
        /// changes nothing and is reported in `userErrors`. Rows are written a thousand at a
        /// time: should the database fail part-way, import the file again.
        fn import_gias_extract { import_gias(ctx, input).await }

        /// Imports staff from a OneRoster 1.2 CSV export: people by `sourcedId` (linked by
        /// email when already known), and their roles at schools found by the URN in an
        /// org's `identifier`. The leaders of a school, the admins of its alliances, service
        /// accounts with `people:write` (for their tenant's schools) and platform admins may,
        /// for the schools they manage; rows for other schools are reported and skipped.
        fn import_one_roster_export { import_one_roster(ctx, input).await }
    }
}

/// The uploaded file, as an import reads it.
fn uploaded(ctx: &Context<'_>, file: &Upload) -> MutationResult<InputFile> {
    let upload = file
        .value(ctx)
        .map_err(|_| UserError::invalid("file", "send the file as a multipart upload"))?;
    Ok(InputFile::new(upload.filename, upload.content))
}

/// A file that could not be read whole, as the user error it is.
fn refused(problem: FileProblem) -> UserError {
    UserError::invalid("file", problem.to_string())
}

async fn import_gias(
    ctx: &Context<'_>,
    input: ImportGiasExtractInput,
) -> MutationResult<ImportReport> {
    let access = access(ctx).await?;
    allowed(
        access.imports_gias(),
        "only platform admins import the GIAS register",
    )?;
    let file = uploaded(ctx, &input.file)?;
    let options = gias::Options {
        dry_run: input.dry_run,
        max_rows: Some(services(ctx).max_import_rows),
    };
    gias::import(db(ctx), file, options)
        .await
        .map_err(|problem| refused(problem).into())
}

async fn import_one_roster(
    ctx: &Context<'_>,
    input: ImportOneRosterExportInput,
) -> MutationResult<ImportReport> {
    let access = access(ctx).await?;
    let scope = access.staff_import_scope().ok_or(ApiError::Forbidden(
        "only the leaders of a school, its alliances' admins and platform admins import its staff",
    ))?;
    let source = crate::validation::optional("sourceSystem", input.source_system.as_deref(), 100)?;
    let file = uploaded(ctx, &input.file)?;
    let name = file.name.clone();
    let export = tokio::task::spawn_blocking(move || Export::unzip(&name, file.into_file()))
        .await
        .map_err(ApiError::internal)?
        .map_err(refused)?;
    let options = oneroster::Options {
        dry_run: input.dry_run,
        max_rows: Some(services(ctx).max_import_rows),
        source,
        schools: match scope {
            ImportScope::Any => None,
            ImportScope::Schools(schools) => Some(schools),
        },
        actor: Some(access.actor()),
        service_account: access.service_account_id(),
    };
    oneroster::import(db(ctx), export, options)
        .await
        .map_err(|problem| refused(problem).into())
}
