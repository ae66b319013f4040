//! Automatic persisted queries (Apollo's protocol, version 1): a client sends a query's
//! sha256 hash, and its text only when the server does not know the hash yet.
//!
//! Done before execution rather than as async-graphql's `ApolloPersistedQueries`
//! extension: any schema extension puts every field of every answer through its
//! `resolve` hook. The protocol and its errors are the extension's.
//!
//! The same cache also keeps the parsed documents of queries sent as plain text: clients
//! send the same few operations over and over (parsing was 3% of the work of answering
//! the benchmark's nested list). Only texts up to `KEPT_TEXT_BYTES` are kept, whichever
//! way they come, so that what anyone can make the cache hold stays bounded (1,024
//! documents of at most 8 KiB of text); a longer persisted query still runs, and its
//! client sends the text again next time, as the protocol provides.

use async_graphql::extensions::apollo_persisted_queries::{CacheStorage, LruCacheStorage};
use async_graphql::parser::Error as ParseError;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError, ServerResult};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::errors::{code, refusal};

/// Parsed documents known by hash, the most recently used first.
#[derive(Clone)]
pub struct PersistedQueries(LruCacheStorage);

#[derive(Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

/// How many documents are kept.
const CAPACITY: usize = 1024;

/// The longest query text whose document is kept: real operations are far shorter, and
/// the bound keeps what a caller can make the cache hold.
const KEPT_TEXT_BYTES: usize = 8 * 1024;

impl Default for PersistedQueries {
    fn default() -> Self {
        Self(LruCacheStorage::new(CAPACITY))
    }
}

impl PersistedQueries {
    /// Supplies the document of a request that names a persisted query by hash (or
    /// remembers it, when the request also carries the text). Other requests pass as
    /// they are.
    pub async fn apply(&self, mut request: Request) -> ServerResult<Request> {
        let Some(value) = request.extensions.remove("persistedQuery") else {
            self.reuse_parsed(&mut request).await;
            return Ok(request);
        };
        let persisted: PersistedQuery = async_graphql::from_value(value).map_err(|_| {
            ServerError::new("Invalid \"PersistedQuery\" extension configuration.", None)
        })?;
        if persisted.version != 1 {
            return Err(ServerError::new(
                format!(
                    "Only the \"PersistedQuery\" extension of version \"1\" is supported, and the current version is \"{}\".",
                    persisted.version
                ),
                None,
            ));
        }
        if request.query.is_empty() {
            let document = self.0.get(persisted.sha256_hash).await.ok_or_else(|| {
                refusal(
                    code::PERSISTED_QUERY_NOT_FOUND,
                    "PersistedQueryNotFound".into(),
                )
            })?;
            request.set_parsed_query(document);
            return Ok(request);
        }
        let hash = hash_of(&request.query);
        if persisted.sha256_hash != hash {
            return Err(ServerError::new("provided sha does not match query", None));
        }
        let document = self.parse_keeping(hash, &request.query).await?;
        request.query = String::new();
        request.set_parsed_query(document);
        Ok(request)
    }

    /// Gives a plain-text request the document parsed when the same text came before,
    /// or parses it and keeps the document. Text that does not parse is left for the
    /// executor to refuse with its usual error.
    async fn reuse_parsed(&self, request: &mut Request) {
        if request.query.len() > KEPT_TEXT_BYTES {
            return;
        }
        let hash = hash_of(&request.query);
        if let Some(document) = self.0.get(hash.clone()).await {
            request.set_parsed_query(document);
        } else if let Ok(document) = self.parse_keeping(hash, &request.query).await {
            request.set_parsed_query(document);
        }
    }

    /// Parses `text` and keeps its document under `hash`, unless the text is longer than
    /// the cache keeps: this applies the bound however the text came (`reuse_parsed` also
    /// skips long texts before hashing them, only to save the hash and look-up).
    async fn parse_keeping(
        &self,
        hash: String,
        text: &str,
    ) -> Result<ExecutableDocument, ParseError> {
        let document = async_graphql::parser::parse_query(text)?;
        if text.len() <= KEPT_TEXT_BYTES {
            self.0.set(hash, document.clone()).await;
        }
        Ok(document)
    }
}

/// The key of a query's text: its sha256, in hex, as persisted queries name it.
fn hash_of(query: &str) -> String {
    format!("{:x}", Sha256::digest(query.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::value;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        request.extensions.insert(
            "persistedQuery".to_owned(),
            value!({ "version": 1, "sha256Hash": hash }),
        );
        request
    }

    #[tokio::test]
    async fn remembers_a_query_by_its_hash() {
        let queries = PersistedQueries::default();
        let hash = "854174ebed716fe24fd6659c30290aecd9bc1d17dc4f47939a1848a1b8ed3c6b";
        let unknown = queries.apply(with_hash("", hash)).await.unwrap_err();
        assert_eq!(unknown.message, "PersistedQueryNotFound");
        let wrong = queries.apply(with_hash("{ other }", hash)).await;
        assert!(wrong.is_err());
        let mut first = queries.apply(with_hash("{ value }", hash)).await.unwrap();
        assert!(first.parsed_query().is_ok());
        let mut again = queries.apply(with_hash("", hash)).await.unwrap();
        assert!(again.parsed_query().is_ok());
        let plain = queries.apply(Request::new("{ value }")).await.unwrap();
        assert_eq!(plain.query, "{ value }");
    }

    #[tokio::test]
    async fn runs_a_long_persisted_query_without_keeping_it() {
        let queries = PersistedQueries::default();
        let long = format!("{{ value }}{}", " ".repeat(KEPT_TEXT_BYTES));
        let hash = hash_of(&long);
        let mut sent = queries.apply(with_hash(&long, &hash)).await.unwrap();
        assert!(sent.parsed_query().is_ok(), "it runs");
        let unknown = queries.apply(with_hash("", &hash)).await.unwrap_err();
        assert_eq!(unknown.message, "PersistedQueryNotFound", "it is not kept");
    }

    #[tokio::test]
    async fn keeps_the_document_of_a_query_sent_as_text_unless_it_does_not_parse_or_is_long() {
        let queries = PersistedQueries::default();
        let text = "{ alliances { totalCount } }";
        queries.apply(Request::new(text)).await.unwrap();
        // Kept under the hash a persisted query would name it by.
        let mut by_hash = queries.apply(with_hash("", &hash_of(text))).await.unwrap();
        assert!(by_hash.parsed_query().is_ok());

        let broken = "{ alliances { ";
        let left = queries.apply(Request::new(broken)).await.unwrap();
        assert_eq!(left.query, broken);
        let unknown = queries.apply(with_hash("", &hash_of(broken))).await;
        assert_eq!(unknown.unwrap_err().message, "PersistedQueryNotFound");

        let long = format!(
            "{{ alliances {{ totalCount }} }}{}",
            " ".repeat(KEPT_TEXT_BYTES)
        );
        queries.apply(Request::new(long.clone())).await.unwrap();
        let unknown = queries.apply(with_hash("", &hash_of(&long))).await;
        assert_eq!(unknown.unwrap_err().message, "PersistedQueryNotFound");
    }
}
