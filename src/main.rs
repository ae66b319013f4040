//! The `trellis` command: serve, migrate, export the schema, create an admin.

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use trellis::config::{DatabaseConfig, ServerConfig};
use trellis::http::metrics::Metrics;
use trellis::logging::LogFormat;

/// mimalloc rather than glibc's malloc: answering a GraphQL request allocates and frees
/// many small values on several threads, and glibc's malloc and free took about a fifth
/// of the server's CPU time on the nested-list benchmark.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "trellis",
    version,
    about = "GraphQL backend for networks of schools",
    after_help = trellis::logging::HELP
)]
struct Cli {
    /// How the log is written, on stderr: `text` for a person, `json` (one object per line)
    /// for a log collector, `auto` for text on a terminal and JSON otherwise. RUST_LOG
    /// chooses what is logged.
    #[arg(
        long,
        global = true,
        env = "TRELLIS_LOG_FORMAT",
        value_enum,
        default_value = "auto"
    )]
    log_format: LogFormat,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (migrating the database first, unless --no-migrate).
    Serve(Box<ServerConfig>),
    /// Apply pending database migrations.
    Migrate(DatabaseConfig),
    /// Print the GraphQL schema (SDL), as `schema.graphql` holds it.
    ExportSchema,
    /// Create a platform admin, or make an existing person one. The password comes from
    /// TRELLIS_ADMIN_PASSWORD or a prompt.
    CreateAdmin {
        /// Email address the admin signs in with. A person who already has this address
        /// becomes a platform admin, keeps their name and gets the new password.
        #[arg(long)]
        email: String,
        /// Given (first) name of a new admin.
        #[arg(long, default_value = "Platform")]
        given_name: String,
        /// Family name (surname) of a new admin.
        #[arg(long, default_value = "Admin")]
        family_name: String,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Import schools from a GIAS extract, or staff from OneRoster files (README: "Importing
    /// from GIAS and OneRoster"). Prints what changed, and the rows not imported.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Fill an empty database (migrating it first) with generated schools, alliances and
    /// people, for benchmarks and trials. Prints the accounts to sign in with.
    Seed {
        /// small: 2 alliances, 10 schools; alliance: 12 alliances, 60 schools, about 600
        /// people; national: 24,000 schools, 1,000 alliances, about 500,000 people.
        #[arg(long, value_enum, default_value = "small")]
        profile: trellis::seed::generated::Profile,
        /// Seed of the random generator: the same seed gives the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Practice items to generate (default: 40, 400 or 2,000 by profile); 100000 for
        /// the search benchmark.
        #[arg(long)]
        practice: Option<usize>,
        #[command(flatten)]
        database: DatabaseConfig,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Schools from a Get Information About Schools establishment extract (the CSV GIAS
    /// publishes, such as `edubasealldata20261207.csv`), matched by URN.
    Gias {
        /// The extract's CSV file.
        file: PathBuf,
        /// Report what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        database: DatabaseConfig,
    },
    /// Staff from a OneRoster 1.2 CSV export: `manifest.csv`, `orgs.csv`, `users.csv` and
    /// `roles.csv`, matched by `sourcedId` (schools by the URN in an org's `identifier`).
    Oneroster {
        /// A folder holding the export's files, or a zip of them.
        path: PathBuf,
        /// Report what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// The name of the system the export comes from, under which its `sourcedId`s are
        /// kept (default: the manifest's `source.systemCode`, else `source.systemName`).
        #[arg(long)]
        source: Option<String>,
        #[command(flatten)]
        database: DatabaseConfig,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    trellis::logging::init(cli.log_format);
    match cli.command {
        Command::Serve(config) => serve(*config).await,
        Command::Migrate(database) => {
            trellis::open_database(&database, &Metrics::new()).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::ExportSchema => {
            print!("{}", trellis::schema::sdl());
            Ok(())
        }
        Command::CreateAdmin {
            email,
            given_name,
            family_name,
            database,
        } => {
            let password = match std::env::var("TRELLIS_ADMIN_PASSWORD") {
                Ok(password) => password,
                Err(_) => rpassword::prompt_password("Password for the new admin: ")?,
            };
            let db = trellis::open_database(&database, &Metrics::new()).await?;
            trellis::people::admin::create_admin(&db, &email, &given_name, &family_name, &password)
                .await?;
            println!("{email} is a platform admin");
            Ok(())
        }
        Command::Import { what } => import(what).await,
        Command::Seed {
            profile,
            seed,
            practice,
            database,
        } => {
            let db = trellis::open_database(&database, &Metrics::new()).await?;
            let summary = trellis::seed::generated::seed(&db, profile, seed).await?;
            println!("seeded profile {} (seed {seed}): {summary}", profile.name());
            let started = std::time::Instant::now();
            let items = practice.unwrap_or_else(|| profile.practice_items());
            let written =
                trellis::seed::generated::practice::seed_practice(&db, items, seed).await?;
            println!(
                "practice: {} items ({} adaptations), {} endorsements in {:.1} s",
                written.practices,
                written.adaptations,
                written.endorsements,
                started.elapsed().as_secs_f64()
            );
            let profiles = trellis::seed::generated::expertise::seed_expertise(&db, seed).await?;
            println!(
                "expertise: {} needs, {} strengths, {} offering to coach",
                profiles.needs, profiles.strengths, profiles.coaches
            );
            let visits =
                trellis::seed::generated::observations::seed_observations(&db, seed).await?;
            println!(
                "observations: {} developmental, {} appraisal",
                visits.developmental, visits.appraisal
            );
            println!(
                "accounts (password \"{}\"): {} (platform admin), {} (CPD lead of the first {} alliances); every generated person has the same password",
                trellis::seed::generated::BENCH_PASSWORD,
                trellis::seed::generated::BENCH_ADMIN_EMAIL,
                trellis::seed::generated::BENCH_CPD_LEAD_EMAIL,
                trellis::seed::generated::BENCH_LEAD_ALLIANCES,
            );
            Ok(())
        }
    }
}

async fn import(what: ImportCommand) -> anyhow::Result<()> {
    use trellis::imports::{InputFile, gias, oneroster};
    let report = match what {
        ImportCommand::Gias {
            file,
            dry_run,
            database,
        } => {
            let file = InputFile::open(&file)?;
            let db = trellis::open_database(&database, &Metrics::new()).await?;
            let options = gias::Options {
                dry_run,
                max_rows: None,
            };
            gias::import(&db, file, options).await?
        }
        ImportCommand::Oneroster {
            path,
            dry_run,
            source,
            database,
        } => {
            let export = oneroster::files::Export::open(&path)?;
            let db = trellis::open_database(&database, &Metrics::new()).await?;
            let options = oneroster::Options {
                dry_run,
                source,
                ..Default::default()
            };
            oneroster::import(&db, export, options).await?
        }
    };
    print!("{report}");
    Ok(())
}

async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    let secret = trellis::signing_secret(&config)?;
    let metrics = Metrics::new();
    let db =
        trellis::open_database_migrating(&config.database, &metrics, !config.cluster.no_migrate)
            .await?;
    if config.demo {
        trellis::seed::demo::load(&db)
            .await
            .context("could not load the demo data")?;
    }
    let mailer = trellis::mailer(&config)?;
    let listener = TcpListener::bind(&config.bind)
        .with_context(|| format!("could not listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    let metrics_listener = config
        .metrics_bind
        .as_ref()
        .map(|bind| {
            TcpListener::bind(bind)
                .with_context(|| format!("could not listen on {bind} for metrics"))
        })
        .transpose()?;
    let search_db = trellis::open_search_pool(&config.database, &db, &metrics).await?;
    let state = trellis::app_state(&config, db, search_db, metrics, &secret, mailer);
    if let Some(metrics_listener) = &metrics_listener {
        println!(
            "Prometheus metrics at http://{}/metrics",
            metrics_listener.local_addr()?
        );
    }
    println!(
        "Trellis is serving GraphQL at http://{address}/graphql (open it in a browser for GraphiQL)"
    );
    if config.demo {
        trellis::seed::demo::print_accounts();
    }
    let notifier = state.services.notifier.clone();
    let webhooks = state.webhooks.clone();
    trellis::http::serve(state, listener, metrics_listener)?.await?;
    // Attempts under way end (within their timeout); what is left is delivered by the
    // next server to start, from the database.
    webhooks.stop().await;
    // Emails of the last requests get a moment to go before the process ends.
    if tokio::time::timeout(SHUTDOWN_MAIL_WAIT, notifier.settled())
        .await
        .is_err()
    {
        tracing::warn!("stopped with emails still queued");
    }
    Ok(())
}

/// How long a stopping server waits for queued emails.
const SHUTDOWN_MAIL_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::Cli;

    /// Every flag of every command, as `--help` lists them, each with its explanation.
    #[test]
    fn every_flag_has_help() {
        fn missing(command: &clap::Command, path: &str, found: &mut Vec<String>) {
            for arg in command.get_arguments() {
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    found.push(format!("{path} --{}", arg.get_id()));
                }
            }
            for sub in command.get_subcommands() {
                missing(sub, &format!("{path} {}", sub.get_name()), found);
            }
        }
        let mut command = Cli::command();
        command.build();
        let mut found = Vec::new();
        missing(&command, "trellis", &mut found);
        assert!(found.is_empty(), "flags without help: {found:?}");
    }
}
