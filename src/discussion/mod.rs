//! Discussion: threads and replies in Markdown, hosted by a community (its discussion), a
//! practice (its comments), or whatever a domain declares a host in `host.rs`. Authors
//! edit (with a version check) and delete their own posts (a placeholder stays);
//! moderators pin threads and hide posts with a reason.

pub mod host;
pub mod mutations;
mod node;
pub mod types;

pub use types::{DiscussionReply, DiscussionThread, host_threads};
