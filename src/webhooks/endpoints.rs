//! Registering, changing, rotating the secret of and deleting endpoints, and redelivering
//! an event. Only a service account with the `webhooks:manage` scope does these, for its
//! own tenant (school or alliance).

use async_graphql::{Context, ID, InputObject};
use chrono::Utc;
use entity::enums::{WebhookDeliveryStatus, WebhookEventType};
use entity::{webhook_delivery, webhook_endpoint, webhook_event};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, EntityTrait, ModelTrait, QueryFilter, Set,
};
use secrecy::ExposeSecret;
use trellis_macros::mutations;
use url::{Host, Url};

use super::addresses;
use super::signing::new_secret;
use super::{WebhookEndpoint, WebhookEndpointWithSecret};
use crate::audit::AuditEntry;
use crate::auth::policy::webhooks::tenant_of;
use crate::auth::policy::{Access, Tenant};
use crate::db::{begin_write, lock_row};
use crate::errors::{ApiError, MutationResult, UserError};
use crate::graphql::context::{access, db, services};
use crate::graphql::ids::{NodeKind, decode_as};
use crate::graphql::versioned::{Change, InsertFirst};
use crate::payload;
use crate::validation;

/// Longest endpoint URL accepted.
const URL_MAX: usize = 2000;

/// A new endpoint.
#[derive(InputObject)]
pub struct RegisterWebhookEndpointInput {
    /// Where to post events: an `https` URL (at most 2000 characters).
    pub url: String,
    /// The event types to receive (at least one).
    pub event_types: Vec<WebhookEventType>,
    /// What the endpoint is for (at most 200 characters).
    pub description: Option<String>,
}

/// Changes to an endpoint: only the fields given change.
#[derive(InputObject)]
pub struct UpdateWebhookEndpointInput {
    /// The endpoint to change.
    pub endpoint_id: ID,
    /// The `version` the change was made from (see `WebhookEndpoint.version`).
    pub expected_version: i32,
    /// A new URL, as for registering.
    pub url: Option<String>,
    /// Replaces the event types received (at least one).
    pub event_types: Option<Vec<WebhookEventType>>,
    /// An empty text clears it.
    pub description: Option<String>,
    /// `true` enables a disabled endpoint again (its failures are forgotten); `false`
    /// stops deliveries to it.
    pub enabled: Option<bool>,
}

/// The endpoint whose signing secret to replace.
#[derive(InputObject)]
pub struct RotateWebhookEndpointSecretInput {
    /// The endpoint; deliveries from now on are signed with the new secret.
    pub endpoint_id: ID,
}

/// The endpoint to delete.
#[derive(InputObject)]
pub struct DeleteWebhookEndpointInput {
    /// The endpoint; its delivery log goes with it.
    pub endpoint_id: ID,
}

/// An event to deliver to an endpoint again.
#[derive(InputObject)]
pub struct RedeliverWebhookEventInput {
    /// The endpoint to deliver to; it must be enabled.
    pub endpoint_id: ID,
    /// The event's id (`evt_...`), as in its delivery log.
    pub event_id: String,
}

payload!(RegisterWebhookEndpointPayload {
    registered: WebhookEndpointWithSecret
});
payload!(UpdateWebhookEndpointPayload {
    endpoint: WebhookEndpoint
});
payload!(RotateWebhookEndpointSecretPayload {
    rotated: WebhookEndpointWithSecret
});
payload!(DeleteWebhookEndpointPayload {
    deleted_endpoint_id: ID
});
payload!(RedeliverWebhookEventPayload {
    endpoint: WebhookEndpoint
});

#[derive(Default)]
pub struct WebhookMutation;

mutations! {
    impl WebhookMutation {
        /// Registers an endpoint to receive events of the service account's school or
        /// alliance; the answer holds its signing secret, shown this once. Service accounts
        /// with the `webhooks:manage` scope may.
        fn register_webhook_endpoint { register(ctx, input).await }

        /// Changes an endpoint's URL, event types or description, or enables or disables it.
        fn update_webhook_endpoint { update(ctx, input).await }

        /// Replaces an endpoint's signing secret; the answer holds the new one, shown this
        /// once. Deliveries from now on are signed with it.
        fn rotate_webhook_endpoint_secret { rotate(ctx, input).await }

        /// Deletes an endpoint and its delivery log; nothing more is delivered to it.
        fn delete_webhook_endpoint { delete(ctx, input).await }

        /// Delivers an event to an endpoint again, now, whatever became of it before; it is
        /// retried as a new delivery would be.
        fn redeliver_webhook_event { redeliver(ctx, input).await }
    }
}

/// The service account calling and the tenant it manages webhooks for.
fn manager(access: &Access) -> MutationResult<(i32, Tenant)> {
    access.webhook_manager().ok_or_else(|| {
        ApiError::Forbidden(
            "only a service account with the webhooks:manage scope manages webhooks",
        )
        .into()
    })
}

/// An endpoint URL: `https`, or `http` to 127.0.0.1 or localhost when the server allows it
/// (`--webhook-allow-http-localhost`). No user name or password in it, and no address of
/// the server's own networks (`addresses::internal`) nor `localhost`: a registered URL
/// must not make the server post into its own network. A host name's addresses are
/// checked when it is resolved for each delivery (`addresses::PublicResolver`).
pub fn endpoint_url(
    field: &str,
    text: &str,
    allow_http_localhost: bool,
) -> Result<String, UserError> {
    let text = validation::required(field, text, URL_MAX)?;
    let url = Url::parse(&text).map_err(|_| {
        UserError::invalid(
            field,
            "must be an absolute URL, such as https://example.org/hooks",
        )
    })?;
    let local = matches!(url.host(), Some(Host::Domain("localhost")))
        || matches!(url.host(), Some(Host::Ipv4(ip)) if ip.is_loopback());
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if allow_http_localhost && local => {}
        _ => return Err(UserError::invalid(field, "must be an https URL")),
    }
    let internal = local
        || match url.host() {
            Some(Host::Ipv4(ip)) => addresses::internal(ip.into()),
            Some(Host::Ipv6(ip)) => addresses::internal(ip.into()),
            _ => false,
        };
    if internal && !(allow_http_localhost && local) {
        return Err(UserError::invalid(
            field,
            "must not be an address of a private network",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UserError::invalid(
            field,
            "must not hold a user name or password",
        ));
    }
    Ok(url.to_string())
}

/// The event types given, each once; at least one.
fn event_types(values: &[WebhookEventType]) -> Result<serde_json::Value, UserError> {
    let mut types: Vec<WebhookEventType> = Vec::new();
    for value in values {
        if !types.contains(value) {
            types.push(*value);
        }
    }
    if types.is_empty() {
        return Err(UserError::invalid(
            "eventTypes",
            "choose at least one event type",
        ));
    }
    Ok(serde_json::json!(types))
}

/// Records a change to an endpoint in its tenant's audit log (never its secret).
async fn audit(
    conn: &impl sea_orm::ConnectionTrait,
    access: &Access,
    action: &str,
    endpoint: &webhook_endpoint::Model,
) -> Result<(), sea_orm::DbErr> {
    AuditEntry::by_caller(access, action, NodeKind::WebhookEndpoint.id(endpoint.id))
        .school(endpoint.school_id)
        .alliance(endpoint.alliance_id)
        .details(serde_json::json!({
            "url": endpoint.url,
            "eventTypes": super::subscribed(endpoint)
                .into_iter()
                .map(|event_type| event_type.to_value())
                .collect::<Vec<_>>(),
            "enabled": endpoint.enabled,
        }))
        .record(conn)
        .await
}

/// The endpoint `id` names, if it belongs to the caller's tenant.
async fn own_endpoint(
    conn: &impl sea_orm::ConnectionTrait,
    tenant: Tenant,
    id: &ID,
) -> MutationResult<webhook_endpoint::Model> {
    let not_found = || UserError::not_found("endpointId");
    let key = decode_as(id, NodeKind::WebhookEndpoint).ok_or_else(not_found)?;
    Ok(webhook_endpoint::Entity::find_by_id(key)
        .one(conn)
        .await?
        .filter(|endpoint| tenant_of(endpoint) == Some(tenant))
        .ok_or_else(not_found)?)
}

async fn register(
    ctx: &Context<'_>,
    input: RegisterWebhookEndpointInput,
) -> MutationResult<WebhookEndpointWithSecret> {
    let access = access(ctx).await?;
    let (service_account, tenant) = manager(&access)?;
    let url = endpoint_url(
        "url",
        &input.url,
        services(ctx).webhook_allow_http_localhost,
    )?;
    let event_types = event_types(&input.event_types)?;
    let description = validation::optional("description", input.description.as_deref(), 200)?;
    let secret = new_secret();
    let now = Utc::now();
    let (school_id, alliance_id) = match tenant {
        Tenant::School(school) => (Some(school), None),
        Tenant::Alliance(alliance) => (None, Some(alliance)),
    };
    let txn = begin_write(db(ctx)).await?;
    let endpoint = webhook_endpoint::ActiveModel {
        service_account_id: Set(service_account),
        school_id: Set(school_id),
        alliance_id: Set(alliance_id),
        url: Set(url),
        description: Set(description),
        signing_secret: Set(secret.expose_secret().to_owned()),
        event_types: Set(event_types),
        enabled: Set(true),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        failing_since: Set(None),
        ..Default::default()
    }
    .insert_first(&txn, now)
    .await?;
    audit(&txn, &access, "webhook_endpoint.registered", &endpoint).await?;
    txn.commit().await?;
    Ok(WebhookEndpointWithSecret {
        endpoint: WebhookEndpoint(endpoint),
        signing_secret: secret.expose_secret().to_owned(),
    })
}

async fn update(
    ctx: &Context<'_>,
    input: UpdateWebhookEndpointInput,
) -> MutationResult<WebhookEndpoint> {
    let access = access(ctx).await?;
    let (_, tenant) = manager(&access)?;
    let txn = begin_write(db(ctx)).await?;
    let current = own_endpoint(&txn, tenant, &input.endpoint_id).await?;
    let now = Utc::now();
    let mut change = Change::edit(&current, now);
    if let Some(url) = &input.url {
        change.url = Set(endpoint_url(
            "url",
            url,
            services(ctx).webhook_allow_http_localhost,
        )?);
    }
    if let Some(types) = &input.event_types {
        change.event_types = Set(event_types(types)?);
    }
    if input.description.is_some() {
        change.description = Set(validation::optional(
            "description",
            input.description.as_deref(),
            200,
        )?);
    }
    match input.enabled {
        Some(true) => {
            change.enabled = Set(true);
            change.disabled_at = Set(None);
            change.disabled_reason = Set(None);
            change.failing_since = Set(None);
        }
        Some(false) if current.enabled => {
            change.enabled = Set(false);
            change.disabled_at = Set(Some(now));
            change.disabled_reason = Set(Some("disabled by its owner".into()));
        }
        _ => {}
    }
    let endpoint = change.save(&txn, input.expected_version).await?;
    audit(&txn, &access, "webhook_endpoint.updated", &endpoint).await?;
    txn.commit().await?;
    Ok(WebhookEndpoint(endpoint))
}

async fn rotate(
    ctx: &Context<'_>,
    input: RotateWebhookEndpointSecretInput,
) -> MutationResult<WebhookEndpointWithSecret> {
    let access = access(ctx).await?;
    let (_, tenant) = manager(&access)?;
    let txn = begin_write(db(ctx)).await?;
    let current = own_endpoint(&txn, tenant, &input.endpoint_id).await?;
    let secret = new_secret();
    let mut change = Change::edit(&current, Utc::now());
    change.signing_secret = Set(secret.expose_secret().to_owned());
    let endpoint = change.save_as_read(&txn).await?;
    audit(&txn, &access, "webhook_endpoint.secret_rotated", &endpoint).await?;
    txn.commit().await?;
    Ok(WebhookEndpointWithSecret {
        endpoint: WebhookEndpoint(endpoint),
        signing_secret: secret.expose_secret().to_owned(),
    })
}

async fn delete(ctx: &Context<'_>, input: DeleteWebhookEndpointInput) -> MutationResult<ID> {
    let access = access(ctx).await?;
    let (_, tenant) = manager(&access)?;
    let txn = begin_write(db(ctx)).await?;
    let endpoint = own_endpoint(&txn, tenant, &input.endpoint_id).await?;
    let id = NodeKind::WebhookEndpoint.id(endpoint.id);
    audit(&txn, &access, "webhook_endpoint.deleted", &endpoint).await?;
    endpoint.delete(&txn).await?;
    txn.commit().await?;
    Ok(id)
}

async fn redeliver(
    ctx: &Context<'_>,
    input: RedeliverWebhookEventInput,
) -> MutationResult<WebhookEndpoint> {
    let access = access(ctx).await?;
    let (_, tenant) = manager(&access)?;
    let event_id = validation::required("eventId", &input.event_id, 40)?;
    let txn = begin_write(db(ctx)).await?;
    let endpoint = own_endpoint(&txn, tenant, &input.endpoint_id).await?;
    if !endpoint.enabled {
        return Err(UserError::invalid_state(
            "endpointId",
            "the endpoint is disabled: enable it first",
        )
        .into());
    }
    let not_found = || UserError::not_found("eventId");
    let event = webhook_event::Entity::find()
        .filter(webhook_event::Column::PublicId.eq(event_id))
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    // Held until the delivery is queued again: the outbox's pruning skips an event being
    // redelivered, and a redelivery waits for a pruning that holds it (then finds nothing).
    lock_row::<webhook_event::Entity>(&txn, webhook_event::Column::Id, event.id).await?;
    let delivery = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::EventId.eq(event.id))
        .filter(webhook_delivery::Column::EndpointId.eq(endpoint.id))
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    let now = Utc::now();
    let mut change: webhook_delivery::ActiveModel = delivery.into();
    change.status = Set(WebhookDeliveryStatus::Pending);
    change.next_attempt_at = Set(Some(now));
    change.queued_at = Set(now);
    change.updated_at = Set(now);
    change.update(&txn).await?;
    txn.commit().await?;
    Ok(WebhookEndpoint(endpoint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_https_or_local_http_when_allowed() {
        let ok = |url: &str, allow: bool| endpoint_url("url", url, allow).is_ok();
        assert!(ok("https://mis.example.org/hooks/trellis", false));
        assert!(ok("https://mis.example.org:8443/hooks?tenant=1", false));
        assert!(!ok("http://mis.example.org/hooks", false));
        assert!(!ok("http://mis.example.org/hooks", true));
        assert!(!ok("http://127.0.0.1:9000/hooks", false));
        assert!(ok("http://127.0.0.1:9000/hooks", true));
        assert!(ok("http://localhost:9000/hooks", true));
        assert!(!ok("http://localhost.example.org/hooks", true));
        assert!(!ok("ftp://mis.example.org/hooks", true));
        assert!(!ok("mis.example.org/hooks", false));
        assert!(!ok("https://user:pass@mis.example.org/hooks", false));
        assert!(!ok("https://10.1.2.3/hooks", false));
        assert!(!ok("https://192.168.0.10/hooks", true));
        assert!(!ok("https://169.254.169.254/latest", false));
        assert!(!ok("https://127.0.0.1/hooks", false));
        assert!(!ok("https://[::1]/hooks", false));
        assert!(!ok("https://[::ffff:127.0.0.1]/hooks", false));
        assert!(!ok("https://[::ffff:a9fe:a9fe]/latest", false));
        assert!(!ok("https://100.64.0.1/hooks", false));
        assert!(!ok("https://0.0.0.0/hooks", false));
        assert!(!ok("https://localhost/hooks", false));
        assert!(!ok("https://LOCALHOST:8443/hooks", false));
        assert!(ok("https://localhost:8443/hooks", true));
        assert!(ok("https://127.0.0.1:9443/hooks", true));
        assert!(ok("https://203.0.113.7/hooks", false));
        assert!(!ok("", false));
        assert!(!ok(
            &format!("https://mis.example.org/{}", "a".repeat(2000)),
            false
        ));
    }
}
