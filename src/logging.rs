//! The server's log: on stderr (stdout carries what a command prints, such as the schema),
//! as text for a person at a terminal or as JSON lines for a log collector.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

/// What `RUST_LOG` is when unset (a macro, for `HELP` to quote it). async-graphql opens an
/// INFO span for every field and every DataLoader call; with them enabled a nested list
/// spends a third of its CPU time on spans (BENCHMARKS.md). Its errors reach the log
/// through Trellis's own error handling.
macro_rules! default_filter {
    () => {
        "info,sqlx=warn,async_graphql=warn"
    };
}

/// The end of `trellis --help`.
pub const HELP: &str = concat!(
    "Logging:
  The log goes to stderr, as text on a terminal and as JSON lines otherwise (--log-format).
  RUST_LOG chooses what is logged, by level and by module; unset, it is
  `",
    default_filter!(),
    "`. For example RUST_LOG=debug logs more, and
  RUST_LOG=warn only warnings and errors. Lines logged while serving a request carry its
  request_id, which the client also gets in the x-request-id response header."
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Text when stderr is a terminal, JSON otherwise.
    Auto,
    /// One line of text per event, coloured on a terminal.
    Text,
    /// One JSON object per line.
    Json,
}

/// Installs the log for the whole process. Every line written while a request is served
/// names the request's spans with their fields, among them `request_id` (also sent as the
/// `x-request-id` response header): in text as `HTTP request{... request_id=...}`, in JSON
/// in the `spans` list.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter!()));
    let terminal = std::io::stderr().is_terminal();
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = match format {
        LogFormat::Auto => !terminal,
        LogFormat::Text => false,
        LogFormat::Json => true,
    };
    if json {
        log.json()
            .with_ansi(false)
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .init();
    } else {
        // Colour codes only for a terminal, and never when NO_COLOR asks for none
        // (https://no-color.org): in a file or a journal they are noise.
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        log.with_ansi(terminal && !no_color).init();
    }
}
