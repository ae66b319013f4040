//! Service accounts for tests: create one through the API, and exchange its credentials
//! for an access token at `/oauth/token`, as an integration would.

use serde_json::{Value, json};

use super::{TestApp, gid};

/// What a service account is bound to.
#[derive(Debug, Clone, Copy)]
pub enum Tenant {
    Alliance(i32),
    School(i32),
}

/// A service account as created: its global id and its credentials.
#[derive(Debug, Clone)]
pub struct ServiceAccount {
    pub id: String,
    pub client_id: String,
    pub client_secret: String,
}

pub const CREATE_SERVICE_ACCOUNT: &str = "mutation($alliance: ID, $school: ID, $name: String!, $scopes: [ServiceAccountScope!]!, $owner: ID) {
  createServiceAccount(input: {allianceId: $alliance, schoolId: $school, name: $name, scopes: $scopes, ownerId: $owner}) {
    credentials { clientId clientSecret serviceAccount { id name clientId scopes } }
    userErrors { field code message }
  }
}";

/// The variables of `CREATE_SERVICE_ACCOUNT` for `tenant` and `scopes` (enum names such as
/// `"PEOPLE_READ"`).
pub fn create_variables(tenant: Tenant, scopes: &[&str]) -> Value {
    let (alliance, school) = match tenant {
        Tenant::Alliance(id) => (Some(gid("Alliance", id)), None),
        Tenant::School(id) => (None, Some(gid("School", id))),
    };
    json!({ "alliance": alliance, "school": school, "name": "MIS sync", "scopes": scopes })
}

impl TestApp {
    /// Creates a service account as `token` (someone who manages the tenant's accounts);
    /// panics if that fails.
    pub async fn create_service_account(
        &self,
        token: &str,
        tenant: Tenant,
        scopes: &[&str],
    ) -> ServiceAccount {
        let data = self
            .ok(
                Some(token),
                CREATE_SERVICE_ACCOUNT,
                create_variables(tenant, scopes),
            )
            .await;
        let credentials = &data["createServiceAccount"]["credentials"];
        assert!(
            credentials.is_object(),
            "creating a service account failed: {data:#}"
        );
        ServiceAccount {
            id: credentials["serviceAccount"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            client_id: credentials["clientId"].as_str().unwrap().to_owned(),
            client_secret: credentials["clientSecret"].as_str().unwrap().to_owned(),
        }
    }

    /// Asks `/oauth/token` for a token with these form fields; returns the status and the
    /// JSON body.
    pub async fn oauth_token(
        &self,
        basic: Option<(&str, &str)>,
        form: &[(&str, &str)],
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Value) {
        let mut request = self
            .client
            .post(format!("{}/oauth/token", self.url))
            .form(form);
        if let Some((id, secret)) = basic {
            request = request.basic_auth(id, Some(secret));
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let headers = response.headers().clone();
        (status, headers, response.json().await.expect("a JSON body"))
    }

    /// An access token for `account` (all its scopes, or those `scope` names), by the
    /// client-credentials grant with the credentials in the form; panics if refused.
    pub async fn service_account_token(
        &self,
        account: &ServiceAccount,
        scope: Option<&str>,
    ) -> String {
        let mut form = vec![
            ("grant_type", "client_credentials"),
            ("client_id", account.client_id.as_str()),
            ("client_secret", account.client_secret.as_str()),
        ];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        let (status, _, body) = self.oauth_token(None, &form).await;
        assert_eq!(status, 200, "token request refused: {body:#}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// Creates a service account as `token` and returns it with an access token for all
    /// its scopes.
    pub async fn service_account_with_token(
        &self,
        token: &str,
        tenant: Tenant,
        scopes: &[&str],
    ) -> (ServiceAccount, String) {
        let account = self.create_service_account(token, tenant, scopes).await;
        let access_token = self.service_account_token(&account, None).await;
        (account, access_token)
    }
}
