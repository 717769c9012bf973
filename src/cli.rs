//! The `glossa` command line: `serve` (the default) and `import`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::corpus::import::{ImportReport, import_corpus};
use crate::domain::slug::Slug;
use crate::http::auth::{hash_secret, new_secret};
use crate::http::{AppState, serve};
use crate::store::Store;

/// glossa: an annotated reader for geopolitical commentary.
#[derive(Debug, Parser)]
#[command(name = "glossa", version, about)]
pub struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import the corpus if it changed, then serve the reader (the default).
    Serve,
    /// Import new and changed corpus documents into the database, then exit.
    Import,
    /// Manage analysts: the people who write notes.
    Analyst {
        #[command(subcommand)]
        action: AnalystAction,
    },
}

#[derive(Debug, Subcommand)]
enum AnalystAction {
    /// Add an analyst and print their secret token (shown only this once).
    Add {
        /// Lowercase letters, digits and hyphens, e.g. `alice`.
        name: String,
    },
    /// List analysts, with their note counts and whether they are revoked.
    List,
    /// Revoke an analyst's token and end their sessions; their notes stay.
    Revoke {
        /// The analyst's name.
        name: String,
    },
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => run_serve(&cli.config).await,
        Command::Import => run_import(&cli.config).await,
        Command::Analyst { action } => run_analyst(&cli.config, action).await,
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("glossa: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn open_store(config: &Config) -> Result<Store, String> {
    Store::open(&config.db)
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", config.db.display()))
}

async fn import(config: &Config, store: &Store) -> Result<ImportReport, String> {
    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let report = import_corpus(store, &config.corpus, &progress)
        .await
        .map_err(|e| e.to_string())?;
    for warning in &report.warnings {
        tracing::warn!("{warning}");
    }
    for problem in &report.problems {
        tracing::error!("not imported: {problem}");
    }
    Ok(report)
}

async fn run_import(config: &Config) -> Result<ExitCode, String> {
    let store = open_store(config).await?;
    let report = import(config, &store).await?;
    println!("import: {report}");
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn run_serve(config: &Config) -> Result<ExitCode, String> {
    let store = open_store(config).await?;
    if config.corpus.is_dir() {
        let report = import(config, &store).await?;
        tracing::info!("import: {report}");
    } else {
        tracing::warn!(corpus = %config.corpus.display(), "corpus directory not found; serving what the database holds");
    }
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!("glossa is serving http://{addr}/");
    let state = AppState::new(store, &config.public_base_url(addr), config.require_sign_in);
    serve(listener, state)
        .await
        .map_err(|e| format!("server failed: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

async fn run_analyst(config: &Config, action: AnalystAction) -> Result<ExitCode, String> {
    let store = open_store(config).await?;
    match action {
        AnalystAction::Add { name } => {
            let name = Slug::parse(&name)
                .map_err(|_| format!("{name:?} is not a valid analyst name: use lowercase letters, digits and hyphens"))?;
            let token = new_secret().map_err(|e| e.to_string())?;
            store
                .create_analyst(name.as_str(), &hash_secret(&token))
                .await
                .map_err(|e| e.to_string())?;
            println!("Added analyst {name}. Their token (shown only now; keep it secret):");
            println!("{token}");
        }
        AnalystAction::List => {
            let analysts = store.list_analysts().await.map_err(|e| e.to_string())?;
            if analysts.is_empty() {
                println!("No analysts yet. Add one with: glossa analyst add NAME");
            }
            for a in analysts {
                let status = a
                    .revoked_at
                    .map_or("active".to_owned(), |at| format!("revoked {at}"));
                println!(
                    "{}\t{} notes\tadded {}\t{status}",
                    a.name, a.notes, a.created_at
                );
            }
        }
        AnalystAction::Revoke { name } => {
            if !store
                .revoke_analyst(&name)
                .await
                .map_err(|e| e.to_string())?
            {
                return Err(format!(
                    "no active analyst is named {name:?} (see: glossa analyst list)"
                ));
            }
            println!(
                "Revoked {name}: their token no longer works and their sessions ended. Their notes stay."
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
