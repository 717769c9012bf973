//! The `glossa` command line: `serve` (the default) and `import`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
use crate::corpus::import::{ImportReport, import_corpus};
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
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => run_serve(&cli.config).await,
        Command::Import => run_import(&cli.config).await,
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
    serve(listener, AppState { store })
        .await
        .map_err(|e| format!("server failed: {e}"))?;
    Ok(ExitCode::SUCCESS)
}
