//! The `glossa` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("glossa=info,tower_http=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    glossa::cli::run(glossa::cli::Cli::parse()).await
}
