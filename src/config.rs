//! Where glossa keeps its data and where it listens: flags with environment fallbacks.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::store::{DatabaseUrl, PoolSettings};

/// Settings shared by every subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// SQLite database file; created if missing [default: glossa.db]. --database-url says
    /// the same with `sqlite://PATH`.
    #[arg(long, env = "GLOSSA_DB", global = true)]
    pub db: Option<PathBuf>,
    /// Where the data lives: `postgres://USER@HOST/DB` for PostgreSQL, `sqlite://PATH` or a
    /// file path for SQLite. Without it or --db: DATABASE_URL, then glossa.db.
    #[arg(long, env = "GLOSSA_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// PostgreSQL connections per instance.
    #[arg(long, env = "GLOSSA_POOL_SIZE", default_value_t = 16, global = true)]
    pub pool_size: u32,
    /// Seconds a PostgreSQL statement may run before it is cancelled.
    #[arg(
        long,
        env = "GLOSSA_STATEMENT_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    pub statement_timeout: u64,
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
    /// A reverse proxy (IP address) whose `X-Forwarded-For` names the client, for
    /// per-address limits; repeat the flag, or separate with commas, for several.
    #[arg(
        long = "trusted-proxy",
        env = "GLOSSA_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Seconds a shared cache (a reverse proxy, a CDN) may keep what anonymous readers get,
    /// sent as `Cache-Control: public, max-age=SECONDS`; 0 keeps every response private.
    /// Responses to signed-in analysts are always private.
    #[arg(
        long,
        env = "GLOSSA_PUBLIC_CACHE",
        default_value_t = 0,
        value_parser = clap::value_parser!(u32).range(0..=31_536_000),
        global = true
    )]
    pub public_cache: u32,
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
    /// The database to use: --database-url or --db (or their GLOSSA_ variables; giving both
    /// is refused), else `DATABASE_URL`, which other programs set too and so never overrides
    /// what glossa was told, else `glossa.db`.
    pub fn database(&self) -> Result<DatabaseUrl, String> {
        let url = self
            .database_url
            .as_deref()
            .filter(|u| !u.trim().is_empty());
        match (url, &self.db) {
            (Some(_), Some(db)) => Err(format!(
                "both --database-url (or GLOSSA_DATABASE_URL) and --db (or GLOSSA_DB, here {}) are given; keep one",
                db.display()
            )),
            (Some(url), None) => DatabaseUrl::parse(url),
            (None, Some(db)) => Ok(DatabaseUrl::Sqlite(db.clone())),
            (None, None) => match std::env::var("DATABASE_URL") {
                Ok(url) if !url.trim().is_empty() => DatabaseUrl::parse(&url),
                _ => Ok(DatabaseUrl::Sqlite(PathBuf::from("glossa.db"))),
            },
        }
    }

    /// PostgreSQL pool settings.
    pub fn pool_settings(&self) -> PoolSettings {
        PoolSettings {
            max_connections: self.pool_size.max(2),
            statement_timeout: std::time::Duration::from_secs(self.statement_timeout.max(1)),
        }
    }

    /// The public base URL, without a trailing slash.
    pub fn public_base_url(&self, bound: SocketAddr) -> String {
        self.base_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}"))
            .trim_end_matches('/')
            .to_owned()
    }
}
