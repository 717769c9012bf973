//! Test harness: a temp corpus, a temp database, the real router.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use glossa::corpus::import::{ImportReport, import_corpus};
use glossa::http::{AppState, router};
use glossa::store::{DatabaseUrl, PoolSettings, Store};
use http_body_util::BodyExt;
use indicatif::ProgressBar;
use scraper::{ElementRef, Html, Selector};
use tower::ServiceExt;

/// The repository's own corpus directory.
pub fn repo_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The public base URL the test router builds IRIs from.
pub const BASE_URL: &str = "http://glossa.test";

/// The seed document's slug.
pub const SEED: &str = "russia-north-korea-chinese-views";

pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub router: Router,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl TestApp {
    /// A corpus holding the repository's gazetteer and seed, plus `extra` files.
    pub async fn with_seed_and(extra: &[(&str, &str)]) -> TestApp {
        let app = TestApp::empty().await;
        for name in [
            "actors.toml",
            "russia-north-korea-chinese-views.txt",
            "russia-north-korea-chinese-views.toml",
        ] {
            std::fs::copy(repo_corpus().join(name), app.corpus().join(name)).unwrap();
        }
        app.write_files(extra);
        app.import().await;
        app
    }

    /// A corpus with only the repository's gazetteer and `files`.
    pub async fn with_files(files: &[(&str, &str)]) -> TestApp {
        let app = TestApp::empty().await;
        std::fs::copy(
            repo_corpus().join("actors.toml"),
            app.corpus().join("actors.toml"),
        )
        .unwrap();
        app.write_files(files);
        app.import().await;
        app
    }

    async fn empty() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("corpus")).unwrap();
        let store = open_store(&dir.path().join("glossa.db")).await;
        let state =
            AppState::new(store.clone(), BASE_URL, false).with_corpus(&dir.path().join("corpus"));
        let router = router(state);
        TestApp { dir, store, router }
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn write_files(&self, files: &[(&str, &str)]) {
        for (name, text) in files {
            std::fs::write(self.corpus().join(name), text).unwrap();
        }
    }

    pub async fn import(&self) -> ImportReport {
        import_corpus(&self.store, &self.corpus(), &ProgressBar::hidden())
            .await
            .unwrap()
    }

    /// Posts a form as a signed-in analyst.
    pub async fn post_form(&self, uri: &str, token: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.request(request).await
    }

    /// Adds an analyst and returns their token.
    pub async fn add_analyst(&self, name: &str) -> String {
        let token = glossa::http::auth::new_secret().unwrap();
        self.store
            .create_analyst(name, &glossa::http::auth::hash_secret(&token))
            .await
            .unwrap();
        token
    }

    /// Opens a browser session (the cookie `glossa_session=SESSION`) for the analyst holding
    /// `token`, valid for centuries.
    pub async fn open_session(&self, token: &str, session: &str) {
        let analyst = self
            .store
            .analyst_by_token(&glossa::http::auth::hash_secret(token))
            .await
            .unwrap()
            .unwrap();
        self.store
            .create_session(
                analyst.id,
                &glossa::http::auth::hash_secret(session),
                glossa::store::Timestamp::parse("2999-01-01T00:00:00Z").unwrap(),
            )
            .await
            .unwrap();
    }

    /// Sends `body` as JSON-LD with a bearer token and extra headers.
    pub async fn send(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<&serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if body.is_some() {
            request = request.header("content-type", "application/ld+json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        self.request(request.body(body).unwrap()).await
    }

    pub async fn get(&self, uri: &str) -> Page {
        self.request(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    pub async fn request(&self, request: Request<Body>) -> Page {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }
}

/// Every element matching `css`.
pub fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e}"));
    html.select(&selector).collect()
}

/// The text content of an element.
pub fn text(element: &ElementRef<'_>) -> String {
    element.text().collect()
}

/// Asserts that the parsed page holds no active content: no script elements, no event
/// handler attributes, no links or sources with a script or data scheme.
pub fn assert_inert(html: &Html) {
    // Our own script file, and JSON data blocks, which browsers never run, are allowed.
    let scripts: Vec<_> = select(html, "script")
        .into_iter()
        .filter(|s| {
            let own = s
                .value()
                .attr("src")
                .is_some_and(|src| src.starts_with("/static/"));
            let data = s.value().attr("type") == Some("application/ld+json");
            !own && !data
        })
        .collect();
    assert!(
        scripts.is_empty(),
        "page has a script: {:.300}",
        scripts[0].html()
    );
    for element in select(html, "*") {
        for (name, value) in element.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "event handler {name}={value:?} on <{}>",
                element.value().name()
            );
            if matches!(
                name,
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) {
                let lower = value.trim().to_ascii_lowercase();
                assert!(
                    !lower.starts_with("javascript:")
                        && !lower.starts_with("data:")
                        && !lower.starts_with("vbscript:"),
                    "dangerous {name}={value:?}"
                );
            }
        }
    }
    // The sign-out form, the export's own head (its CSP and stylesheet) and the mention
    // strip's picture are ours; a payload's SVG would be any other.
    for tag in [
        "iframe",
        "object",
        "embed",
        "base",
        "main form",
        "body style",
        "body meta",
        "svg:not(.strip-svg, .timeline-svg)",
        ".strip-svg svg",
        ".strip-svg foreignObject",
        "math",
    ] {
        assert!(select(html, tag).is_empty(), "page contains <{tag}>");
    }
    let metas = select(html, "head meta[http-equiv]");
    assert!(
        metas
            .iter()
            .all(|m| m.value().attr("http-equiv") == Some("Content-Security-Policy"))
    );
}

/// The database a test names by a path in its temp dir: that file on SQLite; on PostgreSQL a
/// fresh database of the test's own, the same one each time the path is given.
pub fn database_url(db: &Path) -> String {
    crate::backend::database_url(db)
}

/// Opens the database a test names by `db`, as the server would.
pub async fn open_store(db: &Path) -> Store {
    let url = DatabaseUrl::parse(&database_url(db)).unwrap();
    Store::connect(&url, PoolSettings::default()).await.unwrap()
}

/// A copy of the repository's corpus in `dir`.
pub fn copy_corpus(dir: &Path) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for entry in std::fs::read_dir(repo_corpus()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
    }
    corpus
}

/// Runs a command that must succeed; its standard output.
pub fn run_ok(command: &mut std::process::Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Adds an analyst with the real binary; their token.
pub fn cli_add_analyst(db: &Path, corpus: &Path, name: &str) -> String {
    let stdout = run_ok(glossa_command(db, corpus).args(["analyst", "add", name]));
    let token = stdout.lines().last().unwrap().trim().to_owned();
    assert_eq!(token.len(), 64, "a 256-bit hex token: {stdout}");
    token
}

/// The real `glossa` binary with a database and a corpus.
pub fn glossa_command(db: &std::path::Path, corpus: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_glossa"));
    command
        .arg("--database-url")
        .arg(database_url(db))
        .arg("--corpus")
        .arg(corpus);
    command
}

/// A running `glossa serve`, killed (SIGKILL) when dropped.
pub struct RunningServer {
    child: std::process::Child,
    /// `127.0.0.1:PORT`
    pub host: String,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `glossa serve` on a free port with `extra` flags and waits until it listens.
pub fn start_server(
    db: &std::path::Path,
    corpus: &std::path::Path,
    extra: &[&str],
) -> RunningServer {
    start_server_on(&database_url(db), corpus, extra)
}

/// [`start_server`] on a database given by its URL.
pub fn start_server_on(url: &str, corpus: &std::path::Path, extra: &[&str]) -> RunningServer {
    use std::io::BufRead;
    let mut server = RunningServer {
        child: std::process::Command::new(env!("CARGO_BIN_EXE_glossa"))
            .args(["--database-url", url, "--corpus"])
            .arg(corpus)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "glossa=info")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
        host: String::new(),
    };
    let stderr = server.child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    loop {
        let line = lines
            .next()
            .expect("the server exited before listening")
            .unwrap();
        if let Some(at) = line.find("serving http://") {
            server.host = line[at + "serving http://".len()..]
                .trim()
                .trim_end_matches('/')
                .to_owned();
            std::thread::spawn(move || lines.for_each(drop));
            return server;
        }
    }
}

/// One HTTP/1.1 request on a fresh connection to a running server; `None` when the
/// connection failed before a complete answer.
pub fn http_request(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String)> {
    http_exchange(host, method, path, headers, body).map(|(status, _, body)| (status, body))
}

/// [`http_request`], with the response's head (status line and headers) too.
pub fn http_exchange(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, String)> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(host).ok()?;
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(15)))
        .ok()?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.get(9..12)?.parse().ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    Some((status, head.to_owned(), body.to_owned()))
}

/// nginx, from Debian's `nginx-light`; `None` (the test is skipped) when it is missing, unless
/// `GLOSSA_REQUIRE_TOOLS=1` makes that a failure.
pub fn nginx_or_skip() -> Option<PathBuf> {
    let found = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var("GLOSSA_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "GLOSSA_REQUIRE_TOOLS=1 but nginx is missing (apt-get install nginx-light)"
        );
        eprintln!("skipped: this test needs nginx (apt-get install nginx-light)");
    }
    found
}

/// A running nginx, stopped when dropped.
pub struct RunningNginx(std::process::Child);

impl Drop for RunningNginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `nginx` in the foreground with the configuration `config` and the prefix `dir`,
/// and waits until `front` (`127.0.0.1:PORT`) takes connections.
pub fn start_nginx(nginx: &Path, config: &Path, dir: &Path, front: &str) -> RunningNginx {
    let proxy = RunningNginx(
        std::process::Command::new(nginx)
            .arg("-c")
            .arg(config)
            .args(["-p", &dir.display().to_string()])
            .args(["-g", "daemon off; master_process off;"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(front).is_err() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "nginx did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    proxy
}
