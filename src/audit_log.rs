//! Reading the audit log: a school's leaders read what concerns their school, an
//! alliance's admins and CPD leads what concerns their alliance, newest first; each entry
//! only where the reader may read the object it is about (`auth::policy::audit`).

use async_graphql::{Context, ID, InputObject, Json, Object, Result};
use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use trellis_macros::{connections, fields};

use crate::auth::policy::audit::reads_practice_comment;
use crate::graphql::context::{access, db};
use crate::graphql::ids::{NodeKind, filter_key};
use crate::graphql::pagination::{Page, PageArgs, Sort, id_cursor, root_page};
use crate::people::Person;
use crate::validation::search_text;

crate::wraps! {
    /// One recorded change of access or of shared content.
    AuditEvent(audit_event::Model),
}

/// One recorded change of access or of shared content: who did what to which object, and
/// when. The log is append-only. An entry is read by the leaders of the school and the
/// admins and CPD leads of the alliance it concerns (and platform admins), where they may
/// read the object it is about.
#[fields(
    /// What happened, such as `practice.approved` or `alliance_membership.accepted`.
    action: &str,
    /// Who made the change, if the caller may see them.
    actor: Person = person(actor_id),
    /// When the change was made.
    created_at: DateTime<Utc>,
)]
#[Object]
impl AuditEvent {
    /// Global id of the object changed.
    async fn subject_id(&self) -> ID {
        ID(self.0.subject.clone())
    }
    /// Details of the change, as recorded (never secrets). The comment of a practice's
    /// step (a send-back comment, a take-down reason) only for its authors and approvers,
    /// as in `Practice.history`.
    async fn details(&self, ctx: &Context<'_>) -> Result<Json<serde_json::Value>> {
        let mut details = self.0.details.clone();
        if let (Some("Practice"), Some(practice)) =
            (self.0.subject_kind.as_deref(), self.0.subject_key)
        {
            let access = access(ctx).await?;
            let is_author = crate::practice::is_author_of(ctx, practice, access.person_id).await?;
            if !reads_practice_comment(&access, self.0.school_id, is_author)
                && let Some(fields) = details.as_object_mut()
            {
                fields.remove("comment");
            }
        }
        Ok(Json(details))
    }
}

/// Narrows the audit log. All given conditions must hold.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// Only entries concerning this school.
    pub school_id: Option<ID>,
    /// Only entries concerning this alliance.
    pub alliance_id: Option<ID>,
    /// Only actions starting with this, such as `practice.` (at most 200 characters).
    pub action_prefix: Option<String>,
    /// Only changes to this object.
    pub subject_id: Option<ID>,
}

#[derive(Default)]
pub struct AuditQuery;

#[connections]
#[Object]
impl AuditQuery {
    /// The audit log, newest first: entries of schools the caller leads (head, senior
    /// leader, school CPD lead) and of alliances they administer.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(desc = "Narrows the log.")] filter: Option<AuditEventFilter>,
    ) -> Result<Page<AuditEvent>> {
        let access = access(ctx).await?;
        let filter = filter.unwrap_or_default();
        let mut select = audit_event::Entity::find().filter(access.audit_condition());
        if let Some(id) = &filter.school_id {
            let key = filter_key(id, NodeKind::School);
            select = select.filter(audit_event::Column::SchoolId.eq(key));
        }
        if let Some(id) = &filter.alliance_id {
            let key = filter_key(id, NodeKind::Alliance);
            select = select.filter(audit_event::Column::AllianceId.eq(key));
        }
        if let Some(prefix) = search_text("filter.actionPrefix", filter.action_prefix.as_deref())? {
            select = select.filter(audit_event::Column::Action.starts_with(prefix));
        }
        if let Some(subject) = &filter.subject_id {
            select = select.filter(audit_event::Column::Subject.eq(subject.as_str()));
        }
        let newest_first = Sort {
            column: None,
            descending: true,
        };
        Ok(root_page(
            db(ctx),
            select,
            audit_event::Column::Id,
            newest_first,
            &args,
            |row: &audit_event::Model| id_cursor(row.id),
        )
        .await?)
    }
}
