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
    /// Public base URL that annotation IRIs are built from (default: http:// + --addr).
    /// Never taken from a request's Host header.
    #[arg(long, env = "GLOSSA_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Require sign-in to read documents and notes, not only to write.
    #[arg(long, env = "GLOSSA_REQUIRE_SIGN_IN", global = true)]
    pub require_sign_in: bool,
    /// Seconds a connection has to send its first byte and each request's headers.
    #[arg(
        long,
        env = "GLOSSA_HEADER_TIMEOUT",
        default_value_t = 10,
        global = true
    )]
    pub header_timeout: u64,
    /// Note creations, edits and deletions each analyst may make per minute.
    #[arg(long, env = "GLOSSA_WRITES_PER_MINUTE", default_value_t = crate::http::limits::DEFAULT_WRITES_PER_MINUTE, global = true)]
    pub writes_per_minute: u32,
    /// Most connections open at once.
    #[arg(
        long,
        env = "GLOSSA_MAX_CONNECTIONS",
        default_value_t = 1024,
        global = true
    )]
    pub max_connections: usize,
}

impl Config {
    /// The public base URL, without a trailing slash.
    pub fn public_base_url(&self, bound: SocketAddr) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
            .trim_end_matches('/')
            .to_owned()
    }
}
