//! Scalars of Trellis's own. (`DateTime`, `Date` and `ID` come from async-graphql,
//! named and written as `vendor/async-graphql/TRELLIS.md` says.)

use std::ops::Deref;

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

/// A link, as the API reads and writes it (the `URL` scalar).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Url(pub String);

#[Scalar(name = "URL", specified_by_url = "https://url.spec.whatwg.org/#urls")]
/// A link: an absolute URL as the WHATWG URL Standard writes it
/// (`https://example.org/path`). A mutation checks the links it is given and answers an
/// `INVALID` user error for one it does not accept; an empty string removes an optional
/// link where the input says so.
impl ScalarType for Url {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(text) => Ok(Self(text)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// The link's text, so that an `Option<Url>` reads as an `Option<&str>` (`as_deref`).
impl Deref for Url {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl Url {
    /// A stored link, as the API answers it.
    pub fn of(stored: Option<&str>) -> Option<Self> {
        stored.map(|text| Self(text.to_owned()))
    }
}
