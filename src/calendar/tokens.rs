//! Feed tokens: 256 random bits behind a prefix that secret scanners recognise. The URL
//! is the only credential a calendar client has, so only the token's SHA-256 is kept, and
//! the token is shown once, when it is made.

use entity::calendar_feed;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::auth::tokens::{digest, new_secret_token};

const PREFIX: &str = "trellis_cal_";

/// Longer than any token made: a longer path is refused before anything is read.
pub const TOKEN_MAX: usize = 100;

/// A new token, and what is stored of it.
pub fn new_token() -> (String, String) {
    let token = format!("{PREFIX}{}", new_secret_token());
    let hash = digest(&token);
    (token, hash)
}

/// The feed whose token this is, unless it was revoked.
pub async fn feed_by_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<calendar_feed::Model>, DbErr> {
    calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(digest(token)))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .one(db)
        .await
}

/// The URL a calendar client subscribes to.
pub fn feed_url(public_url: &str, token: &str) -> String {
    format!("{}/calendar/{token}.ics", public_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_only_hashed() {
        let (token, hash) = new_token();
        let (other, _) = new_token();
        assert!(token.starts_with(PREFIX) && token.len() > 50 && token.len() <= TOKEN_MAX);
        assert_ne!(token, other);
        assert_eq!(hash, digest(&token));
        assert!(!hash.contains(&token[PREFIX.len()..]));
        assert_eq!(
            feed_url("https://trellis.example/", "t"),
            "https://trellis.example/calendar/t.ics"
        );
    }
}
