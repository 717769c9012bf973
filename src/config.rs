//! Where glossa keeps its data and where it listens: flags with environment fallbacks.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Settings shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// SQLite database file; created if missing.
    #[arg(long, env = "GLOSSA_DB", default_value = "glossa.db", global = true)]
    pub db: PathBuf,
    /// Corpus directory of .md and .txt documents plus actors.toml.
    #[arg(long, env = "GLOSSA_CORPUS", default_value = "corpus", global = true)]
    pub corpus: PathBuf,
    /// Address to listen on.
    #[arg(
        long,
        env = "GLOSSA_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub addr: SocketAddr,
}
