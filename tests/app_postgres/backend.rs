//! A throwaway PostgreSQL for the tests: `initdb` into a temp dir (as the `postgres` user
//! when running as root, since `initdb` refuses root), the server on a free local port, and a
//! watchdog that stops it and deletes the directory when this test binary exits, however it
//! exits. `GLOSSA_TEST_DATABASE_URL` (a superuser URL) uses a running server instead.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The backend's name, as glossa says it.
pub const NAME: &str = "postgres";

/// The backend's migrations.
pub static MIGRATOR: &sqlx::migrate::Migrator = &glossa::store::postgres::MIGRATOR;

/// A PostgreSQL server for tests.
pub struct PgServer {
    /// `postgres://postgres@127.0.0.1:PORT`, without a database.
    base: String,
    /// Where initdb put the cluster; `None` for `GLOSSA_TEST_DATABASE_URL`.
    data: Option<PathBuf>,
    /// The directory holding the cluster, its socket and its log.
    dir: PathBuf,
    port: u16,
    bin: PathBuf,
    /// Its stdin is the watchdog's lifeline: closed when this process ends.
    _watchdog: Option<Mutex<Child>>,
}

static SHARED: OnceLock<Option<PgServer>> = OnceLock::new();
static DATABASES: OnceLock<Mutex<HashMap<PathBuf, String>>> = OnceLock::new();

/// A fresh database on the shared server for each path a test names.
pub fn database_url(db: &Path) -> String {
    let server = shared();
    let mut known = DATABASES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(url) = known.get(db) {
        return url.clone();
    }
    let url = server.create_database();
    known.insert(db.to_owned(), url.clone());
    url
}

/// The server every test of this binary shares (fsync off: its durability is PostgreSQL's
/// business, and these tests are about glossa's).
pub fn shared() -> &'static PgServer {
    SHARED
        .get_or_init(|| match std::env::var("GLOSSA_TEST_DATABASE_URL") {
            Ok(url) => Some(PgServer::external(&url)),
            Err(_) => PgServer::start(false),
        })
        .as_ref()
        .unwrap_or_else(|| missing())
}

fn missing() -> ! {
    let why = "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin \
               or on PATH; install Debian's postgresql package or set GLOSSA_TEST_DATABASE_URL";
    if std::env::var("GLOSSA_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("GLOSSA_REQUIRE_TOOLS=1: {why}");
    }
    // Once, straight to stderr (the harness captures eprintln!, and exit would drop it); any
    // other test that gets here meanwhile waits on the Once until the process is gone.
    static SKIP: std::sync::Once = std::sync::Once::new();
    SKIP.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: the PostgreSQL suite (tests/app_postgres): {why}"
        );
        // Every test here needs the server: end this binary as passed-with-skip.
        std::process::exit(0)
    });
    unreachable!("the skip ended the process")
}

fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).or_else(|| {
        let out = Command::new("pg_config").arg("--bindir").output().ok()?;
        let bin = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
        bin.join("initdb").exists().then_some(bin)
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"))
}

impl PgServer {
    fn external(url: &str) -> PgServer {
        let base = url
            .rsplit_once('/')
            .map_or(url, |(base, _)| base)
            .to_owned();
        PgServer {
            base,
            data: None,
            dir: std::env::temp_dir(),
            port: 0,
            bin: PathBuf::new(),
            _watchdog: None,
        }
    }

    /// Starts a new cluster; `None` when PostgreSQL is not installed.
    pub fn start(fsync: bool) -> Option<PgServer> {
        let bin = bin_dir()?;
        let dir = tempfile::Builder::new()
            .prefix("glossa-pg-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let data = dir.join("data");
        if is_root() {
            let owned = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .expect("chown");
            assert!(owned.success(), "cannot give {} to postgres", dir.display());
        }
        let init = as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .expect("initdb runs");
        assert!(
            init.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let server = PgServer {
            base: format!("postgres://postgres@127.0.0.1:{port}"),
            data: Some(data),
            dir,
            port,
            bin,
            _watchdog: None,
        };
        server.run_pg_ctl(fsync);
        let mut server = server;
        server._watchdog = Some(Mutex::new(server.watchdog()));
        Some(server)
    }

    fn pg_ctl(&self) -> Command {
        let mut command = as_postgres(&self.bin.join("pg_ctl"));
        command
            .arg("-D")
            .arg(self.data.as_ref().expect("a cluster of our own"));
        command
    }

    fn run_pg_ctl(&self, fsync: bool) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync={}",
            self.port,
            self.dir.display(),
            if fsync { "on" } else { "off" }
        );
        let started = self
            .pg_ctl()
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()
            .expect("pg_ctl runs");
        assert!(
            started.status.success(),
            "PostgreSQL did not start: {}{}",
            String::from_utf8_lossy(&started.stderr),
            std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
        );
    }

    /// A shell that waits for its stdin to close (this process ended), then stops the
    /// server and removes its directory. It ignores Ctrl-C so it can clean up after one.
    fn watchdog(&self) -> Child {
        let stop = format!(
            "trap '' INT TERM; cat >/dev/null; {} -m immediate stop >/dev/null 2>&1; rm -rf '{}'",
            shell_words(&self.pg_ctl()),
            self.dir.display()
        );
        Command::new("sh")
            .args(["-c", &stop])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("watchdog")
    }

    /// Stops the server (fast shutdown: connections are cut, committed work is kept).
    pub fn stop(&self) {
        let stopped = self
            .pg_ctl()
            .args(["-m", "fast", "-w", "stop"])
            .output()
            .expect("pg_ctl");
        assert!(
            stopped.status.success(),
            "{}",
            String::from_utf8_lossy(&stopped.stderr)
        );
    }

    /// Starts it again after [`PgServer::stop`].
    pub fn start_again(&self) {
        self.run_pg_ctl(true);
    }

    /// A new, empty database; its URL.
    pub fn create_database(&self) -> String {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let name = format!(
            "glossa_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let out = Command::new(self.psql())
                .arg(format!("{}/postgres", self.base))
                .args([
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    &format!("create database {name}"),
                ])
                .stdin(Stdio::null())
                .output()
                .expect("psql runs");
            if out.status.success() {
                return format!("{}/{name}", self.base);
            }
            assert!(
                Instant::now() < deadline,
                "cannot create a test database: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs SQL through psql on the database at `url`, as the superuser.
    pub fn run_sql(&self, url: &str, sql: &str) {
        let out = Command::new(self.psql())
            .arg(url)
            .args(["-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
            .stdin(Stdio::null())
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn psql(&self) -> PathBuf {
        let ours = self.bin.join("psql");
        if ours.exists() {
            ours
        } else {
            PathBuf::from("psql")
        }
    }
}

/// The program as the `postgres` user when this process is root.
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn shell_words(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|word| format!("'{}'", word.to_string_lossy().replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if let Some(watchdog) = self._watchdog.take() {
            let mut child = watchdog.into_inner().unwrap_or_else(|e| e.into_inner());
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}
