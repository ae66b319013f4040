//! Searching practice: full-text search over title, summary and body, ranked by relevance
//! with a highlighted snippet, combined with filters and orderings.
//!
//! - Every statement is restricted by `practice_condition`: a search never returns, counts
//!   or highlights what the caller may not read.
//! - Words are taken from the user's text (letters and digits; everything else separates
//!   words; stop words left out) and quoted, so no text is ever read as FTS5 or `tsquery`
//!   syntax; all words must match, each in any of its forms (`crate::words`: the other
//!   members of its family, its other spelling), the last as a prefix when it has three
//!   or more letters and the text does not end with a space. Text without any word finds
//!   nothing; text over `SEARCH_MAX_CHARS` characters is `BAD_USER_INPUT`.
//! - SQLite ranks with FTS5's `bm25` (title weighted 10, summary 4, body 1); PostgreSQL
//!   with `ts_rank` over the weighted `tsvector` (title A, summary B, body C).
//! - A page costs a bounded number of statements whatever its size: the caller's access
//!   scope, the page, then (only when asked for) the snippets of the page and the count.
//! - Relevance ranks at most the `RELEVANCE_WINDOW` most recently published matches: a
//!   word found in half of a million items cannot be ranked within a request's budget,
//!   while the newest matches come straight off the publication-time index. A query that
//!   matches fewer items (most do) ranks them all.
//! - Cursors: keyset cursors (sort key and id) for `NEWEST`, `MOST_ENDORSED` and
//!   `MOST_ADAPTED`; an offset for `RELEVANCE` (the position in the ranked list), since a
//!   rank is not a stable key: a relevance page may shift if items are published or edited
//!   between requests.

use async_graphql::connection::{Connection, ConnectionNameType, Edge, EdgeNameType};
use async_graphql::{Context, Enum, ID, InputObject, Object, OutputType, SimpleObject};
use chrono::{DateTime, Utc};
use entity::enums::{
    KeyStage, PracticeKind, PracticeStatus, PracticeVisibility, SchoolPhase, Subject,
};
use entity::{practice, practice_author};
use sea_orm::sea_query::{
    Alias, Asterisk, Condition, Expr, ExprTrait, Func, JoinType, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, Order, QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait, Select,
};
use tokio::sync::OnceCell;
use trellis_macros::connections;

use super::Practice;
use super::keys::{any_key, enum_key};
use crate::alliances::in_alliance;
use crate::auth::policy::practice::practice_condition;
use crate::errors::{ApiError, ApiResult};
use crate::graphql::context::search_db;
use crate::graphql::filters::{any_of, node_is};
use crate::graphql::ids::{NodeKind, filter_key};
use crate::graphql::pagination::{Cursor, OrderDirection, PageArgs, Rows};
use crate::sync::{checked_since, cursor_time, time_text};
use crate::themes::tagged_with_any;
use crate::validation::search_length;
use crate::words;

/// Words beyond this many are ignored.
const QUERY_MAX_WORDS: usize = 16;
/// Relevance ranks the newest this many matches (see the module's documentation).
pub const RELEVANCE_WINDOW: u64 = 1_000;
/// `totalCount` stops counting here (`totalCountIsCapped` then says so): past a thousand,
/// "1,000+" tells a reader as much as an exact figure, and counting a common word's tens
/// of thousands of matches cost most of a search's time.
pub const COUNT_CAP: u64 = 1_000;
/// Where a highlighted match starts and ends in a snippet, as the database writes them:
/// private-use characters, replaced by `<mark>` and `</mark>` once the text is escaped.
const MARK_START: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// Narrows a practice search. All given conditions must hold; a list matches an item
/// holding any of its values.
#[derive(InputObject, Default)]
pub struct PracticeFilter {
    /// Of any of these kinds.
    pub kinds: Option<Vec<PracticeKind>>,
    /// Tagged with any of these themes.
    pub theme_ids: Option<Vec<ID>>,
    /// Suited to any of these school phases.
    pub phases: Option<Vec<SchoolPhase>>,
    /// About any of these subjects.
    pub subjects: Option<Vec<Subject>>,
    /// Suited to any of these key stages.
    pub key_stages: Option<Vec<KeyStage>>,
    /// From this school.
    pub school_id: Option<ID>,
    /// Shared with this alliance.
    pub alliance_id: Option<ID>,
    /// Shared with any of these audiences.
    pub visibilities: Option<Vec<PracticeVisibility>>,
    /// With (`true`) or without (`false`) evidence of impact.
    pub has_evidence_of_impact: Option<bool>,
    /// Default: `PUBLISHED` only, or every status with `mine: true`. What the caller may
    /// read still decides: drafts are read only by their authors.
    pub statuses: Option<Vec<PracticeStatus>>,
    /// Only practice the caller is an author of (signed-in callers).
    pub mine: Option<bool>,
    /// Only adaptations of this practice (one the caller reads).
    pub adaptations_of: Option<ID>,
}

/// What a practice search is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum PracticeOrderField {
    /// Best match first (with `DESC`). Without `query`, `NEWEST` is used instead. Its
    /// cursors are positions in the ranked list.
    Relevance,
    /// Latest published first (with `DESC`), then latest created for unpublished items.
    Newest,
    /// Most endorsements first (with `DESC`).
    MostEndorsed,
    /// Most published adaptations first (with `DESC`).
    MostAdapted,
}

/// Ordering of a practice search. Default: `RELEVANCE` with a query, `NEWEST` without;
/// direction `DESC` (best, newest, most first); ties broken by id in the same direction.
#[derive(Debug, Clone, Copy, InputObject)]
pub struct PracticeOrder {
    /// What to order by.
    pub field: PracticeOrderField,
    /// `DESC` (the default) puts the best, newest or most first; `ASC` the reverse.
    #[graphql(default_with = "OrderDirection::Desc")]
    pub direction: OrderDirection,
}

/// A search hit's extra fields, beside `node` and `cursor`.
#[derive(SimpleObject)]
pub struct PracticeHitFields {
    /// An excerpt of the best-matching part of the title, summary or body, HTML-escaped,
    /// each matching word wrapped in `<mark>` and `</mark>` and cuts shown as `…`; the
    /// Markdown is not rendered. `null` without a query.
    pub snippet: Option<String>,
    /// How well the item matches the query: higher is better; comparable only within one
    /// search (the scale differs between databases). `null` without a query.
    pub relevance: Option<f64>,
}

/// The connection's extra fields.
pub struct PracticeSearchInfo {
    count: Option<Counter>,
    total: OnceCell<u64>,
}

struct Counter {
    db: DatabaseConnection,
    statement: SelectStatement,
}

impl PracticeSearchInfo {
    async fn counted(&self) -> ApiResult<u64> {
        let Some(counter) = &self.count else {
            return Ok(0);
        };
        Ok(*self
            .total
            .get_or_try_init(|| async {
                let row = counter.db.query_one(&counter.statement).await?;
                let count: i64 = match row {
                    Some(row) => row.try_get_by_index(0)?,
                    None => 0,
                };
                Ok::<u64, ApiError>(u64::try_from(count).unwrap_or(0))
            })
            .await?)
    }
}

#[Object]
impl PracticeSearchInfo {
    /// How many items match, counted up to 1,000 (see `totalCountIsCapped`).
    async fn total_count(&self) -> async_graphql::Result<i64> {
        Ok(Ord::min(self.counted().await?, COUNT_CAP) as i64)
    }
    /// Whether more items match than `totalCount` says (it stops counting at 1,000).
    async fn total_count_is_capped(&self) -> async_graphql::Result<bool> {
        Ok(self.counted().await? > COUNT_CAP)
    }
}

pub struct SearchConnectionName;
impl ConnectionNameType for SearchConnectionName {
    fn type_name<T: OutputType>() -> String {
        "PracticeSearchConnection".into()
    }
}

pub struct SearchEdgeName;
impl EdgeNameType for SearchEdgeName {
    fn type_name<T: OutputType>() -> String {
        "PracticeSearchEdge".into()
    }
}

pub type PracticeSearchConnection = Connection<
    Cursor,
    Practice,
    PracticeSearchInfo,
    PracticeHitFields,
    SearchConnectionName,
    SearchEdgeName,
>;

#[derive(Default)]
pub struct PracticeSearchQuery;

#[connections]
#[Object]
impl PracticeSearchQuery {
    /// Finds practice the caller reads (only public practice without signing in): by
    /// words in the title, summary and body (`query`; every word must match, in any of
    /// its forms: "fluent" also finds "fluency" and "fluently"; the last word also as a
    /// prefix; very common words such as "the" are left out; at most 200 characters),
    /// narrowed by `filter`. Without `query` it lists practice, newest first. A `query`
    /// without any letter or digit, or of only very common words, finds nothing. Each
    /// hit carries a highlighted `snippet` and its `relevance`.
    async fn practices(
        &self,
        ctx: &Context<'_>,
        args: PageArgs,
        #[graphql(
            desc = "Words to find in the title, summary and body; at most 200 characters. Without it, practice is listed newest first."
        )]
        query: Option<String>,
        #[graphql(
            desc = "Conditions every practice found must meet: all given ones hold, and a list matches an item with any of its values."
        )]
        filter: Option<PracticeFilter>,
        #[graphql(
            desc = "The order of the results. Default: `RELEVANCE` with a `query`, `NEWEST` without."
        )]
        order_by: Option<PracticeOrder>,
        #[graphql(
            desc = "Only what changed after this time (the `syncedAt` of `sync`), oldest change first; not with `orderBy`. See `sync`."
        )]
        updated_since: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<PracticeSearchConnection> {
        let since = match updated_since {
            Some(since) => Some(checked_since(ctx, since, order_by.is_some(), true).await?),
            None => None,
        };
        Ok(search(ctx, args, query, filter, order_by, since).await?)
    }
}

/// The search text as safe terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    /// The words searched for: lower case, stop words left out.
    pub words: Vec<String>,
    /// Whether the last word also matches as a prefix.
    pub prefix: bool,
}

impl Terms {
    /// Words of `text`: runs of letters and digits, lower-cased, without stop words.
    /// `Ok(None)` when there is none; `BAD_USER_INPUT` when the text is too long.
    pub fn parse(text: &str) -> ApiResult<Option<Self>> {
        search_length("query", text)?;
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .filter(|word| !words::is_stop_word(word))
            .take(QUERY_MAX_WORDS)
            .collect();
        let Some(last) = words.last() else {
            return Ok(None);
        };
        // A word still being typed: the text ends in it, and no word was left out.
        let prefix = last.chars().count() >= 3
            && text.chars().last().is_some_and(char::is_alphanumeric)
            && text.to_lowercase().ends_with(last.as_str());
        Ok(Some(Self { words, prefix }))
    }

    /// Each word with the other forms it matches (`words::other_forms`), the last
    /// word's own form marked when it is a prefix: `(form, is_prefix)`.
    fn alternatives(&self) -> impl Iterator<Item = Vec<(String, bool)>> + '_ {
        let last = self.words.len() - 1;
        self.words.iter().enumerate().map(move |(i, word)| {
            let mut forms = vec![(word.clone(), i == last && self.prefix)];
            forms.extend(
                words::other_forms(word)
                    .into_iter()
                    .map(|form| (form, false)),
            );
            forms
        })
    }

    /// An FTS5 query: each word quoted (so never read as syntax), all required; a word
    /// with other forms is a group of alternatives, `"reading" AND ("fluency" OR "fluent")`.
    pub fn fts5(&self) -> String {
        self.alternatives()
            .map(|forms| {
                let quoted: Vec<String> = forms
                    .iter()
                    .map(|(form, prefix)| {
                        let star = if *prefix { "*" } else { "" };
                        format!("\"{}\"{star}", form.replace('"', ""))
                    })
                    .collect();
                group(quoted, " OR ")
            })
            .collect::<Vec<_>>()
            // Explicit: FTS5 reads juxtaposition as AND between phrases only.
            .join(" AND ")
    }

    /// A `to_tsquery` text: words (letters and digits only) joined by `&`, a word with
    /// other forms a group of alternatives, `('fluency' | 'fluent')`.
    pub fn tsquery(&self) -> String {
        self.alternatives()
            .map(|forms| {
                let quoted: Vec<String> = forms
                    .iter()
                    .map(|(form, prefix)| {
                        let form: String = form.chars().filter(|c| c.is_alphanumeric()).collect();
                        let star = if *prefix { ":*" } else { "" };
                        format!("'{form}'{star}")
                    })
                    .collect();
                group(quoted, " | ")
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// One term, or several in parentheses joined by `operator`.
fn group(terms: Vec<String>, operator: &str) -> String {
    if terms.len() == 1 {
        terms.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", terms.join(operator))
    }
}

/// The text search of one backend.
struct TextSearch {
    backend: DbBackend,
    terms: Terms,
}

const FTS: &str = "practice_fts";

impl TextSearch {
    fn matches(&self) -> SimpleExpr {
        match self.backend {
            DbBackend::Postgres => Expr::cust_with_values(
                "\"practice\".\"search_vector\" @@ to_tsquery('english', $1)",
                [self.terms.tsquery()],
            ),
            _ => Expr::cust_with_values("\"practice_fts\" MATCH ?", [self.terms.fts5()]),
        }
    }

    fn relevance(&self) -> SimpleExpr {
        match self.backend {
            DbBackend::Postgres => Expr::cust_with_values(
                "ts_rank(\"practice\".\"search_vector\", to_tsquery('english', $1))::float8",
                [self.terms.tsquery()],
            ),
            _ => Expr::cust("-bm25(\"practice_fts\", 10.0, 4.0, 1.0)"),
        }
    }

    /// Joins the FTS5 table (SQLite) and keeps matching rows.
    fn apply(&self, select: &mut SelectStatement) {
        if self.backend != DbBackend::Postgres {
            select.join(
                JoinType::InnerJoin,
                Alias::new(FTS),
                Expr::col((Alias::new(FTS), Alias::new("rowid")))
                    .equals((practice::Entity, practice::Column::Id)),
            );
        }
        select.and_where(self.matches());
    }

    /// The rows whose ids `window` selects, with their relevance. SQLite's `bm25` needs
    /// the match in the same statement; PostgreSQL ranks the rows without it, so that it
    /// never visits the other matches.
    fn ranked(&self, window: SelectStatement) -> Select<practice::Entity> {
        let mut select = practice::Entity::find().filter(practice::Column::Id.in_subquery(window));
        if self.backend != DbBackend::Postgres {
            self.apply(QueryTrait::query(&mut select));
        }
        select.expr_as(self.relevance(), "relevance")
    }

    /// Highlighted excerpts of `ids`, by id.
    async fn snippets(
        &self,
        db: &DatabaseConnection,
        ids: Vec<i32>,
    ) -> Result<Vec<(i32, String)>, DbErr> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let start = MARK_START.to_string();
        let end = MARK_END.to_string();
        let statement = match self.backend {
            DbBackend::Postgres => Query::select()
                .column(practice::Column::Id)
                .expr_as(
                    Expr::cust_with_values(
                        "ts_headline('english', \"title\" || ' — ' || \"summary\" || ' — ' || \
                         \"body_markdown\", to_tsquery('english', $1), $2)",
                        [
                            self.terms.tsquery(),
                            format!(
                                "StartSel=\"{start}\", StopSel=\"{end}\", MaxWords=30, \
                                 MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""
                            ),
                        ],
                    ),
                    Alias::new("snippet"),
                )
                .from(practice::Entity)
                .and_where(practice::Column::Id.is_in(ids))
                .to_owned(),
            _ => Query::select()
                .expr_as(Expr::cust("rowid"), Alias::new("id"))
                .expr_as(
                    Expr::cust_with_values(
                        "snippet(\"practice_fts\", -1, ?, ?, '…', 24)",
                        [start, end],
                    ),
                    Alias::new("snippet"),
                )
                .from(Alias::new(FTS))
                .and_where(self.matches())
                .and_where(Expr::cust("rowid").is_in(ids))
                .to_owned(),
        };
        let rows = db.query_all(&statement).await?;
        rows.iter()
            .map(|row| {
                let id: i32 = row.try_get("", "id")?;
                let snippet: Option<String> = row.try_get("", "snippet")?;
                Ok((id, html_snippet(&snippet.unwrap_or_default())))
            })
            .collect()
    }
}

/// Escapes a snippet's text for HTML, then turns the database's markers into `<mark>`.
pub fn html_snippet(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            MARK_START => out.push_str("<mark>"),
            MARK_END => out.push_str("</mark>"),
            c => out.push(c),
        }
    }
    out
}

/// A row of the page with its relevance.
struct Hit {
    model: practice::Model,
    relevance: Option<f64>,
}

impl FromQueryResult for Hit {
    fn from_query_result(row: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        Ok(Self {
            model: practice::Model::from_query_result(row, pre)?,
            relevance: row.try_get::<Option<f64>>(pre, "relevance").ok().flatten(),
        })
    }
}

/// The sort key of a keyset order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Time,
    Endorsements,
    Adaptations,
    /// Time of the last change, for delta sync.
    Changed,
}

/// How the page is ordered.
#[derive(Clone, Copy)]
enum Sorting<'a> {
    Relevance(&'a TextSearch),
    Keyset(Key),
}

impl Key {
    fn tag(self) -> &'static str {
        match self {
            Key::Time => "t",
            Key::Endorsements => "e",
            Key::Adaptations => "a",
            Key::Changed => "u",
        }
    }

    /// The key's value in a cursor, typed for comparison; `None` unless written exactly as
    /// `cursor` writes it (`e+5` is not `e5`).
    fn value(self, text: &str) -> Option<SimpleExpr> {
        let rest = text.strip_prefix(self.tag())?;
        match self {
            Key::Time | Key::Changed => cursor_time(rest).map(Expr::val),
            _ => rest
                .parse::<i32>()
                .ok()
                .filter(|count| count.to_string() == rest)
                .map(Expr::val),
        }
    }

    fn cursor(self, row: &practice::Model) -> Cursor {
        let value = match self {
            Key::Time => time_text(row.published_at.unwrap_or(row.created_at)),
            Key::Endorsements => row.endorsement_count.to_string(),
            Key::Adaptations => row.adaptation_count.to_string(),
            Key::Changed => time_text(row.updated_at),
        };
        Cursor {
            id: row.id,
            key: Some(format!("{}{value}", self.tag())),
        }
    }
}

fn relevance_cursor(position: u64) -> Cursor {
    Cursor {
        id: i32::try_from(position).unwrap_or(i32::MAX),
        key: Some("r".into()),
    }
}

fn invalid_cursor() -> ApiError {
    ApiError::BadUserInput("invalid cursor (cursors belong to one ordering)".into())
}

async fn search(
    ctx: &Context<'_>,
    args: PageArgs,
    query: Option<String>,
    filter: Option<PracticeFilter>,
    order_by: Option<PracticeOrder>,
    updated_since: Option<DateTime<Utc>>,
) -> ApiResult<PracticeSearchConnection> {
    let request = args.validate()?;
    let db = search_db(ctx);
    let backend = db.get_database_backend();
    let text = match query.as_deref().map(Terms::parse).transpose()? {
        // A query without any word finds nothing.
        Some(None) => return Ok(empty_page()),
        Some(Some(terms)) => Some(TextSearch { backend, terms }),
        None => None,
    };
    let reader = super::reader(ctx).await?;
    let filter = filter.unwrap_or_default();

    let mut condition = Condition::all().add(practice_condition(reader.as_deref()));
    let mine = filter.mine == Some(true);
    if mine {
        let Some(access) = &reader else {
            return Err(ApiError::Unauthenticated);
        };
        condition = condition.add(
            practice::Column::Id.in_subquery(
                Query::select()
                    .column(practice_author::Column::PracticeId)
                    .from(practice_author::Entity)
                    .and_where(practice_author::Column::PersonId.eq(access.person_id))
                    .to_owned(),
            ),
        );
    }
    let statuses = match filter.statuses {
        Some(statuses) => Some(statuses),
        None if mine => None,
        None => Some(vec![PracticeStatus::Published]),
    };
    // Published and archived items always have a publication time; others may not.
    let only_published = statuses.as_ref().is_some_and(|statuses| {
        statuses
            .iter()
            .all(|s| matches!(s, PracticeStatus::Published | PracticeStatus::Archived))
    });
    if let Some(statuses) = statuses {
        condition = condition.add(practice::Column::Status.is_in(statuses));
    }
    condition = condition
        .add_option(any_of(practice::Column::Kind, &filter.kinds))
        .add_option(tagged_with_any(
            reader.as_deref(),
            practice::Column::ThemeKeys,
            &filter.theme_ids,
        ));
    if let Some(phases) = filter.phases {
        let keys = phases.into_iter().map(enum_key).collect();
        condition = condition.add(any_key(practice::Column::PhaseKeys, keys));
    }
    if let Some(subjects) = filter.subjects {
        let keys = subjects.into_iter().map(enum_key).collect();
        condition = condition.add(any_key(practice::Column::SubjectKeys, keys));
    }
    if let Some(stages) = filter.key_stages {
        let keys = stages.into_iter().map(enum_key).collect();
        condition = condition.add(any_key(practice::Column::KeyStageKeys, keys));
    }
    condition = condition
        .add_option(node_is(
            practice::Column::SchoolId,
            &filter.school_id,
            NodeKind::School,
        ))
        .add_option(in_alliance(
            reader.as_deref(),
            practice::Column::AllianceId,
            &filter.alliance_id,
        ))
        .add_option(any_of(practice::Column::Visibility, &filter.visibilities));
    if let Some(wanted) = filter.has_evidence_of_impact {
        let has_evidence = has_text(backend, practice::Column::EvidenceOfImpact);
        condition = condition.add(if wanted {
            has_evidence
        } else {
            has_evidence.not()
        });
    }
    if let Some(origin) = &filter.adaptations_of {
        // Only of an origin the caller reads: the list never reveals one they may not.
        let origin = Query::select()
            .column(practice::Column::Id)
            .from(practice::Entity)
            .and_where(practice::Column::Id.eq(filter_key(origin, NodeKind::Practice)))
            .cond_where(practice_condition(reader.as_deref()))
            .to_owned();
        condition = condition.add(practice::Column::AdaptedFromId.in_subquery(origin));
    }

    if let Some(since) = updated_since {
        condition = condition.add(practice::Column::UpdatedAt.gt(since));
    }

    // Relevance without a query is newest first; a delta is oldest change first.
    let field = order_by.map_or(PracticeOrderField::Relevance, |o| o.field);
    let descending =
        updated_since.is_none() && order_by.is_none_or(|o| o.direction == OrderDirection::Desc);
    let sorting = match (field, &text) {
        _ if updated_since.is_some() => Sorting::Keyset(Key::Changed),
        (PracticeOrderField::Relevance, Some(text)) => Sorting::Relevance(text),
        (PracticeOrderField::Relevance, None) | (PracticeOrderField::Newest, _) => {
            Sorting::Keyset(Key::Time)
        }
        (PracticeOrderField::MostEndorsed, _) => Sorting::Keyset(Key::Endorsements),
        (PracticeOrderField::MostAdapted, _) => Sorting::Keyset(Key::Adaptations),
    };

    // The rows that match, for the count.
    let matching = |select: Select<practice::Entity>| -> Select<practice::Entity> {
        let mut select = select.filter(condition.clone());
        if let Some(text) = &text {
            text.apply(QueryTrait::query(&mut select));
        }
        select
    };
    // The same rows, for the ordered statements (the page, the relevance window).
    let base = |select: Select<practice::Entity>| -> Select<practice::Entity> {
        let select = matching(select);
        if only_published {
            // Always true here, but it lets PostgreSQL start a newest-first scan of the
            // (published_at, id) index past the unpublished rows (NULLs sort first going
            // backward): 13,000 rows skipped on 100,000 items otherwise. Left out of the
            // count, where it made PostgreSQL read every published row through that
            // index instead of asking the text index which rows match.
            select.filter(practice::Column::PublishedAt.is_not_null())
        } else {
            select
        }
    };
    let counting = matching(practice::Entity::find())
        .select_only()
        .column(practice::Column::Id)
        .limit(COUNT_CAP + 1)
        .into_query();
    let count_statement = Query::select()
        .expr(Func::count(Expr::col(Asterisk)))
        .from_subquery(counting, Alias::new("hits"))
        .to_owned();
    let info = PracticeSearchInfo {
        count: Some(Counter {
            db: db.clone(),
            statement: count_statement,
        }),
        total: OnceCell::new(),
    };

    let newest = time_key(only_published);
    let (hits, has_previous, has_next, cursors) = match sorting {
        Sorting::Relevance(text) => {
            let window = base(practice::Entity::find())
                .select_only()
                .column(practice::Column::Id)
                .order_by(newest, Order::Desc)
                .order_by(practice::Column::Id, Order::Desc)
                .limit(RELEVANCE_WINDOW)
                .into_query();
            let relevance_order = if descending { Order::Desc } else { Order::Asc };
            let position = |cursor: &Option<(i32, Option<String>)>| -> ApiResult<Option<u64>> {
                cursor
                    .as_ref()
                    .map(|(n, key)| {
                        if key.as_deref() == Some("r") && *n >= 1 {
                            Ok(*n as u64)
                        } else {
                            Err(invalid_cursor())
                        }
                    })
                    .transpose()
            };
            let lower = position(&request.after)?.unwrap_or(0);
            // Rows at positions lower+1 ..= upper (1-based).
            let upper = match position(&request.before)? {
                Some(before) => Some(before - 1),
                None if request.backward => Some(Ord::min(info.counted().await?, RELEVANCE_WINDOW)),
                None => None,
            };
            // Forward: from `lower`, one row more than the page when the range allows,
            // to learn whether another page follows.
            let room = upper.map_or(u64::MAX, |upper| upper.saturating_sub(lower));
            let (offset, limit) = if request.backward {
                let upper = Ord::max(upper.unwrap_or(lower), lower);
                let offset = Ord::max(upper.saturating_sub(request.size), lower);
                (offset, upper - offset)
            } else if room > request.size {
                (lower, request.size + 1)
            } else {
                (lower, room)
            };
            let select = text
                .ranked(window)
                .order_by(Expr::col(Alias::new("relevance")), relevance_order.clone())
                .order_by(practice::Column::Id, relevance_order)
                .offset(offset)
                .limit(limit);
            let mut fetched: Vec<Hit> = select.into_model::<Hit>().all(db).await?;
            let (has_previous, has_next) = if request.backward {
                (offset > 0, request.before.is_some())
            } else if room > request.size {
                let more = fetched.len() as u64 > request.size;
                fetched.truncate(request.size as usize);
                (lower > 0, more)
            } else {
                (lower > 0, request.before.is_some())
            };
            let cursors = (0..fetched.len())
                .map(|i| relevance_cursor(offset + i as u64 + 1))
                .collect::<Vec<_>>();
            (fetched, has_previous, has_next, cursors)
        }
        Sorting::Keyset(key) => {
            let sort_expr: SimpleExpr = match key {
                Key::Time => newest,
                Key::Endorsements => {
                    Expr::col((practice::Entity, practice::Column::EndorsementCount))
                }
                Key::Adaptations => {
                    Expr::col((practice::Entity, practice::Column::AdaptationCount))
                }
                Key::Changed => Expr::col((practice::Entity, practice::Column::UpdatedAt)),
            };
            let beyond = |cursor: &(i32, Option<String>), down: bool| -> ApiResult<SimpleExpr> {
                let value = cursor
                    .1
                    .as_deref()
                    .and_then(|text| key.value(text))
                    .ok_or_else(invalid_cursor)?;
                let row = Expr::tuple([
                    sort_expr.clone(),
                    Expr::col((practice::Entity, practice::Column::Id)),
                ]);
                let at = Expr::tuple([value, Expr::val(cursor.0)]);
                Ok(if down { row.lt(at) } else { row.gt(at) })
            };
            let mut select = base(practice::Entity::find());
            if let Some(text) = &text {
                // Shown beside each hit, though not the order.
                select = select.expr_as(text.relevance(), "relevance");
            }
            if let Some(after) = &request.after {
                select = select.filter(beyond(after, descending)?);
            }
            if let Some(before) = &request.before {
                select = select.filter(beyond(before, !descending)?);
            }
            let fetch_descending = descending != request.backward;
            let order = if fetch_descending {
                Order::Desc
            } else {
                Order::Asc
            };
            let fetched: Vec<Hit> = select
                .order_by(sort_expr, order.clone())
                .order_by(practice::Column::Id, order)
                .limit(request.size + 1)
                .into_model::<Hit>()
                .all(db)
                .await?;
            let rows = Rows::from_fetched(fetched, &request);
            let cursors = rows.rows.iter().map(|hit| key.cursor(&hit.model)).collect();
            (rows.rows, rows.has_previous, rows.has_next, cursors)
        }
    };

    // Snippets only when asked for: one statement for the whole page.
    let wants_snippet = ctx.look_ahead().field("edges").field("snippet").exists();
    let snippets = match (&text, wants_snippet) {
        (Some(text), true) => {
            text.snippets(db, hits.iter().map(|hit| hit.model.id).collect())
                .await?
        }
        _ => Vec::new(),
    };

    let mut page = PracticeSearchConnection::with_additional_fields(has_previous, has_next, info);
    page.edges
        .extend(hits.into_iter().zip(cursors).map(|(hit, cursor)| {
            let snippet = snippets
                .iter()
                .find(|(id, _)| *id == hit.model.id)
                .map(|(_, snippet)| snippet.clone());
            Edge::with_additional_fields(
                cursor,
                Practice(hit.model),
                PracticeHitFields {
                    snippet,
                    relevance: hit.relevance,
                },
            )
        }));
    Ok(page)
}

/// Whether a text column holds any text (false for `NULL`). On PostgreSQL by its stored
/// length, which is read without fetching the text: long texts live in the TOAST table
/// (see the practice search storage migration), and comparing each with '' would fetch
/// it from there for every row the filter tests.
fn has_text(backend: DbBackend, column: practice::Column) -> Condition {
    let column = Expr::col((practice::Entity, column));
    let non_empty = match backend {
        DbBackend::Postgres => {
            Expr::expr(Func::cust(Alias::new("octet_length")).arg(column.clone())).gt(0)
        }
        _ => column.clone().ne(""),
    };
    Condition::all().add(column.is_not_null()).add(non_empty)
}

/// Publication time, or creation time for items not yet published.
fn time_key(only_published: bool) -> SimpleExpr {
    let published = Expr::col((practice::Entity, practice::Column::PublishedAt));
    if only_published {
        published
    } else {
        Func::coalesce([
            published,
            Expr::col((practice::Entity, practice::Column::CreatedAt)),
        ])
        .into()
    }
}

fn empty_page() -> PracticeSearchConnection {
    PracticeSearchConnection::with_additional_fields(
        false,
        false,
        PracticeSearchInfo {
            count: None,
            total: OnceCell::new(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_punctuation_dropped() {
        let terms = Terms::parse("Retrieval \"practice\" AND (NEAR* OR -x)")
            .unwrap()
            .unwrap();
        // "and" and "or" are stop words; "practice" also matches "practise".
        assert_eq!(terms.words, ["retrieval", "practice", "near", "x"]);
        assert_eq!(
            terms.fts5(),
            "\"retrieval\" AND (\"practice\" OR \"practise\") AND \"near\" AND \"x\""
        );
        let terms = Terms::parse("phonics feedb").unwrap().unwrap();
        assert_eq!(terms.fts5(), "\"phonics\" AND \"feedb\"*");
        assert_eq!(terms.tsquery(), "'phonics' & 'feedb':*");
        assert!(!Terms::parse("phonics ").unwrap().unwrap().prefix);
        assert_eq!(Terms::parse(" !?.,;:'\"()*- ").unwrap(), None);
        assert_eq!(Terms::parse("").unwrap(), None);
        assert_eq!(Terms::parse("the and of").unwrap(), None);
        assert!(Terms::parse(&"a".repeat(201)).is_err());
    }

    #[test]
    fn a_word_with_other_forms_matches_any_of_them() {
        let terms = Terms::parse("reading fluency").unwrap().unwrap();
        assert_eq!(
            terms.fts5(),
            "\"reading\" AND (\"fluency\"* OR \"fluent\" OR \"fluently\")"
        );
        assert_eq!(
            terms.tsquery(),
            "'reading' & ('fluency':* | 'fluent' | 'fluently')"
        );
    }

    #[test]
    fn snippets_are_escaped_and_marked() {
        assert_eq!(
            html_snippet("a <b> & \u{E000}phonics\u{E001}"),
            "a &lt;b&gt; &amp; <mark>phonics</mark>"
        );
    }
}
