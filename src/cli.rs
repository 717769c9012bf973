//! The `glossa` command line: `serve` (the default) and `import`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use std::path::PathBuf;

use crate::config::Config;
use crate::corpus::import::{ImportReport, import_corpus};
use crate::digest::{DigestFormat, DigestTitle, found_notes, write_digest};
use crate::domain::annotation::Iris;
use crate::domain::annotation::to_jsonld;
use crate::domain::search::SearchQuery;
use crate::domain::slug::Slug;
use crate::domain::wording::counted;
use crate::export::{ExportScope, Judgements, export_html, file_name};
use crate::http::auth::{hash_secret, new_secret};
use crate::http::limits::Limits;
use crate::http::server::{ConnectionLimits, serve};
use crate::http::{AppState, router};
use crate::interchange::import_notes_file;
use crate::store::annotations::NoteFilter;
use crate::store::search::NoteOrder;
use crate::store::{DatabaseUrl, Store, Table};

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
    /// Apply the database's pending migrations, say which it is at, then exit (for rolling
    /// deployments: migrate once, then start the new servers).
    Migrate,
    /// Write a document with its notes as one self-contained annotated HTML file.
    Export {
        /// The document's slug.
        slug: String,
        /// Output file (default: SLUG-annotated-VISIBILITY.html; `-` for standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Which notes: `public` (public notes only); `team` (public and team notes, what every
        /// analyst may read; nobody's private notes); `mine` (those, and --analyst's private
        /// notes), as the page's download offers.
        #[arg(long, value_enum, default_value_t = ExportVisibility::Team)]
        visibility: ExportVisibility,
        /// The analyst whose view to export.
        #[arg(long)]
        analyst: Option<String>,
        /// List each note's revisions under it.
        #[arg(long)]
        history: bool,
    },
    /// Write a generated corpus (the seed's sentences reshuffled) for measuring at scale.
    GenCorpus {
        /// How many documents.
        #[arg(long, default_value_t = 1000)]
        docs: usize,
        /// Directory to write them to (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Seed of the generator: the same seed gives the same corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Move notes between databases.
    Notes {
        #[command(subcommand)]
        action: NotesAction,
    },
    /// Copy a whole database into another, empty one (SQLite to PostgreSQL or back), then
    /// check the copy: row counts of every table and every note's JSON-LD.
    Copy {
        /// The database to copy from (a URL or an SQLite path).
        #[arg(long)]
        from: String,
        /// The empty database to copy into; migrated first.
        #[arg(long)]
        to: String,
    },
    /// Look into the actors: `glossa actors unknown` lists the names no alias covers.
    Actors {
        #[command(subcommand)]
        action: ActorsAction,
    },
    /// Manage analysts: the people who write notes.
    Analyst {
        #[command(subcommand)]
        action: AnalystAction,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportVisibility {
    Public,
    Team,
    Mine,
}

#[derive(Debug, Subcommand)]
enum ActorsAction {
    /// The capitalised names in the corpus that no alias covers, most used first, with a
    /// sentence using each (import first to see the corpus as it is now).
    Unknown {
        /// How many names.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum NotesFormat {
    Csv,
    Md,
    Jsonld,
}

#[derive(Debug, Subcommand)]
enum NotesAction {
    /// Write notes as a digest: CSV (one row per note), Markdown (grouped by document and
    /// paragraph) or JSON-LD (a W3C AnnotationCollection that `notes import` reads back).
    Export {
        /// csv, md or jsonld.
        #[arg(long, value_enum)]
        format: NotesFormat,
        /// Only this document's notes.
        #[arg(long)]
        document: Option<String>,
        /// Only the notes this search finds, in the search language of /notes
        /// (`tag:sanctions credibility:1-3 author:alice …`).
        #[arg(long, default_value = "")]
        query: String,
        /// Which notes: public, team (default: public and team notes), or mine (those, and
        /// --analyst's private notes).
        #[arg(long, value_enum, default_value_t = ExportVisibility::Team)]
        visibility: ExportVisibility,
        /// The analyst whose view to write, for --visibility mine.
        #[arg(long)]
        analyst: Option<String>,
        /// Start the CSV with a UTF-8 byte order mark, for spreadsheet programs.
        #[arg(long)]
        bom: bool,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Restore notes from an exported HTML file or a W3C AnnotationCollection (JSON-LD):
    /// all or none; notes already present are left alone.
    Import {
        /// The file to read.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AnalystAction {
    /// Add an analyst and print their secret token (shown only this once).
    Add {
        /// Lowercase letters, digits and hyphens, e.g. `alice`.
        name: String,
        /// May archive and restore any document, not only those they added.
        #[arg(long)]
        admin: bool,
    },
    /// List analysts, with their note counts and whether they are revoked.
    List,
    /// Revoke an analyst's token and end their sessions; their notes stay.
    Revoke {
        /// The analyst's name.
        name: String,
    },
}

impl Cli {
    /// Whether this command runs the server (the default), not a task that exits.
    pub fn serves(&self) -> bool {
        matches!(self.command, None | Some(Command::Serve))
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => run_serve(&cli.config).await,
        Command::Import => run_import(&cli.config).await,
        Command::Migrate => run_migrate(&cli.config).await,
        Command::Analyst { action } => run_analyst(&cli.config, action).await,
        Command::Actors {
            action: ActorsAction::Unknown { limit },
        } => run_unknown_names(&cli.config, limit).await,
        Command::Copy { from, to } => run_copy(&cli.config, &from, &to).await,
        Command::GenCorpus { docs, out, seed } => gen_corpus(docs, &out, seed),
        Command::Notes {
            action: NotesAction::Import { file },
        } => run_notes_import(&cli.config, &file).await,
        Command::Notes {
            action:
                NotesAction::Export {
                    format,
                    document,
                    query,
                    visibility,
                    analyst,
                    bom,
                    out,
                },
        } => {
            let format = match format {
                NotesFormat::Csv => DigestFormat::Csv { bom },
                NotesFormat::Md => DigestFormat::Markdown,
                NotesFormat::Jsonld => DigestFormat::JsonLd,
            };
            let choice = DigestChoice {
                document: document.as_deref(),
                query: &query,
                visibility,
                analyst: analyst.as_deref(),
            };
            run_notes_export(&cli.config, format, choice, out).await
        }
        Command::Export {
            slug,
            out,
            visibility,
            analyst,
            history,
        } => {
            let choice = ExportChoice {
                visibility,
                analyst: analyst.as_deref(),
                history,
            };
            run_export(&cli.config, &slug, out, choice).await
        }
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
    let url = config.database()?;
    let store = Store::connect(&url, config.pool_settings())
        .await
        .map_err(|e| format!("cannot open the database {}: {e}", url.redacted()))?;
    tracing::debug!(database = %url.redacted(), backend = store.backend_name(), "database open");
    Ok(store)
}

async fn run_migrate(config: &Config) -> Result<ExitCode, String> {
    let store = open_store(config).await?;
    let version = store.schema_version().await.map_err(|e| e.to_string())?;
    println!(
        "migrate: {} ({}) is at schema version {version} ({} migrations known)",
        config.database()?.redacted(),
        store.backend_name(),
        store.known_migrations()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
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
    // On PostgreSQL one instance imports at a time; the next finds the work done.
    let lock = store.import_lock().await.map_err(|e| e.to_string())?;
    let report = import_corpus(store, &config.corpus, &progress)
        .await
        .map_err(|e| e.to_string())?;
    drop(lock);
    for warning in &report.warnings {
        tracing::warn!("{warning}");
    }
    for problem in &report.problems {
        // Each problem says what was left out (a document, a sidecar) and why.
        tracing::error!("skipped: {problem}");
    }
    Ok(report)
}

async fn run_import(config: &Config) -> Result<ExitCode, String> {
    let store = open_store(config).await?;
    let report = import(config, &store).await?;
    store.close().await;
    println!("import: {report}");
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn run_serve(config: &Config) -> Result<ExitCode, String> {
    let store = open_store(config).await?;
    if !store.is_writable() {
        tracing::warn!("not importing the corpus: the database is read-only");
    } else if config.corpus.is_dir() {
        let report = import(config, &store).await?;
        tracing::info!("import: {report}");
    } else {
        tracing::warn!(corpus = %config.corpus.display(), "corpus directory not found; serving what the database holds");
    }
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(database = %config.database()?.redacted(), backend = store.backend_name(), "database ready");
    tracing::info!("glossa is serving http://{addr}/");
    let state = AppState::new(
        store.clone(),
        &config.public_base_url(addr),
        config.require_sign_in,
    )
    .with_limits(Limits::new(config.writes_per_minute))
    .with_trusted_proxies(&config.trusted_proxies)
    .with_public_cache(config.public_cache);
    let state = if store.is_writable() && config.corpus.is_dir() {
        state.with_corpus(&config.corpus)
    } else {
        state
    };
    // Other processes (`glossa import`, other instances) write too; their changes reach
    // cached pages at once on PostgreSQL and within a quarter of a second on SQLite.
    let watched = store.clone();
    tokio::spawn(async move { watched.watch_changes().await });
    let limits = ConnectionLimits {
        header_timeout: std::time::Duration::from_secs(config.header_timeout.max(1)),
        max_connections: config.max_connections.max(1),
    };
    let reads = crate::http::cache::AnonymousReads::new(&state);
    serve(listener, router(state), reads, limits)
        .await
        .map_err(|e| format!("server failed: {e}"))?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn run_unknown_names(config: &Config, limit: i64) -> Result<ExitCode, String> {
    if limit < 1 {
        return Err("--limit must be at least 1".to_owned());
    }
    // A report reads a corpus already imported: a mistyped path must not answer "0 names"
    // from a database it has just created.
    if let crate::store::DatabaseUrl::Sqlite(path) = config.database()?
        && !path.exists()
    {
        return Err(format!(
            "there is no database at {}; import the corpus first (glossa import) or give --db",
            path.display()
        ));
    }
    let store = open_store(config).await?;
    let found = store
        .unknown_names(0, limit)
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    println!(
        "{} no alias covers{}",
        crate::domain::wording::counted(u64::try_from(found.total).unwrap_or(0), "name"),
        if found.total > limit {
            format!("; the {limit} most used:")
        } else {
            ":".to_owned()
        }
    );
    println!("{:>6} {:>5}  name", "uses", "docs");
    for name in found.names {
        println!("{:>6} {:>5}  {}", name.count, name.documents, name.text);
        if let Some(example) = name.examples.first() {
            let sentence: String = example
                .text
                .chars()
                .skip(example.sentence.start)
                .take(example.sentence.len())
                .collect();
            let shown: String = sentence.chars().take(110).collect();
            let cut = if shown.len() < sentence.len() {
                "…"
            } else {
                ""
            };
            println!(
                "{:>14}{} ¶{}: {shown}{cut}",
                "", example.slug, example.paragraph
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_analyst(config: &Config, action: AnalystAction) -> Result<ExitCode, String> {
    let store = open_store(config).await?;
    match action {
        AnalystAction::Add { name, admin } => {
            let name = Slug::parse(&name)
                .map_err(|_| format!("{name:?} is not a valid analyst name: use lowercase letters, digits and hyphens"))?;
            let token = new_secret().map_err(|e| e.to_string())?;
            store
                .create_analyst(name.as_str(), &hash_secret(&token))
                .await
                .map_err(|e| e.to_string())?;
            if admin {
                store
                    .set_admin(name.as_str(), true)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            let role = if admin {
                ", an admin (may archive any document)"
            } else {
                ""
            };
            println!("Added analyst {name}{role}. Their token (shown only now; keep it secret):");
            println!("{token}");
        }
        AnalystAction::List => {
            let analysts = store.list_analysts().await.map_err(|e| e.to_string())?;
            if analysts.is_empty() {
                println!("No analysts yet. Add one with: glossa analyst add NAME");
            }
            for a in analysts {
                let status = a.revoked_at.map_or("active".to_owned(), |at| {
                    format!("revoked {}", at.rfc3339())
                });
                println!(
                    "{}\t{} notes\tadded {}\t{status}",
                    a.name,
                    a.notes,
                    a.created_at.rfc3339()
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
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Which notes `notes export` writes.
struct DigestChoice<'a> {
    document: Option<&'a str>,
    query: &'a str,
    visibility: ExportVisibility,
    analyst: Option<&'a str>,
}

async fn analyst_id(store: &Store, analyst: Option<&str>) -> Result<Option<i64>, String> {
    match analyst {
        Some(name) => Ok(Some(
            store
                .analyst_by_name(name)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no analyst is named {name:?} (see: glossa analyst list)"))?
                .id,
        )),
        None => Ok(None),
    }
}

fn export_scope(visibility: ExportVisibility) -> ExportScope {
    match visibility {
        ExportVisibility::Public => ExportScope::Public,
        ExportVisibility::Team => ExportScope::Team,
        ExportVisibility::Mine => ExportScope::Mine,
    }
}

async fn run_notes_export(
    config: &Config,
    format: DigestFormat,
    choice: DigestChoice<'_>,
    out: Option<PathBuf>,
) -> Result<ExitCode, String> {
    let mut query = if choice.query.trim().is_empty() {
        SearchQuery::default()
    } else {
        SearchQuery::parse(choice.query).map_err(|e| format!("--query: {}", e.0))?
    };
    let store = open_store(config).await?;
    let heading = match choice.document {
        Some(slug) => {
            let doc = store
                .load_document(slug)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| {
                    format!("no document has the slug {slug:?} (import the corpus first)")
                })?;
            query.filters.documents = vec![doc.slug];
            format!("Notes on {}", doc.title)
        }
        None if choice.query.trim().is_empty() => "Notes".to_owned(),
        None => format!("Notes matching “{}”", choice.query.trim()),
    };
    let scope = export_scope(choice.visibility);
    let filter = scope
        .filter(analyst_id(&store, choice.analyst).await?)
        .ok_or("--visibility mine needs --analyst NAME")?;
    let notes = found_notes(
        &store,
        &query,
        NoteOrder::Created { newest_first: true },
        filter,
    )
    .await
    .map_err(|e| e.to_string())?;
    let iris = Iris::new(&config.public_base_url(config.addr));
    let title = DigestTitle {
        about: format!(
            "From {} · {} · {}.",
            iris.base(),
            counted(notes.len() as u64, "note"),
            scope.describe(choice.analyst)
        ),
        collection: format!("{}/notes", iris.base()),
        heading,
    };
    let text = write_digest(&notes, format, &iris, &title).map_err(|e| e.to_string())?;
    match out {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::write(&path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            eprintln!("Wrote {} ({} notes).", path.display(), notes.len());
        }
        _ => print!("{text}"),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Which notes `export` writes, and whether with their histories.
struct ExportChoice<'a> {
    visibility: ExportVisibility,
    analyst: Option<&'a str>,
    history: bool,
}

async fn run_export(
    config: &Config,
    slug: &str,
    out: Option<PathBuf>,
    choice: ExportChoice<'_>,
) -> Result<ExitCode, String> {
    let ExportChoice {
        visibility,
        analyst,
        history,
    } = choice;
    let store = open_store(config).await?;
    let doc = store
        .load_document(slug)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no document has the slug {slug:?} (import the corpus first)"))?;
    let analyst_id = analyst_id(&store, analyst).await?;
    let scope = export_scope(visibility);
    let filter = scope
        .filter(analyst_id)
        .ok_or("--visibility mine needs --analyst NAME")?;
    let notes = store
        .list_notes(doc.id, filter, 0, i64::MAX)
        .await
        .map_err(|e| e.to_string())?;
    let ghosts = store
        .thread_ghosts(doc.id, &notes, filter)
        .await
        .map_err(|e| e.to_string())?;
    let claims = store
        .document_claims(&doc.slug)
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    let corrections = store
        .document_corrections(doc.id)
        .await
        .map(|stored| crate::store::voices::correction_entries(&stored))
        .map_err(|e| e.to_string())?;
    let grading = store
        .document_grading(doc.id)
        .await
        .map_err(|e| e.to_string())?;
    let histories = if history {
        Some(
            store
                .document_histories(doc.id)
                .await
                .map_err(|e| e.to_string())?,
        )
    } else {
        None
    };
    let iris = Iris::new(&config.public_base_url(config.addr));
    let html = export_html(
        &doc,
        &notes,
        &crate::store::voices::voices_of(&claims),
        Judgements {
            corrections: &corrections,
            grading: &grading,
            histories: histories.as_ref(),
            ghosts: &ghosts,
        },
        &iris,
        time::OffsetDateTime::now_utc(),
        &scope.describe(analyst),
    )
    .map_err(|e| e.to_string())?;
    let out = out.unwrap_or_else(|| PathBuf::from(file_name(&doc.slug, scope)));
    if out.as_os_str() == "-" {
        print!("{html}");
    } else {
        std::fs::write(&out, html).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        eprintln!("Wrote {} ({} notes).", out.display(), notes.len());
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_notes_import(config: &Config, file: &std::path::Path) -> Result<ExitCode, String> {
    let store = open_store(config).await?;
    let done = import_notes_file(&store, file).await;
    store.close().await;
    let done = done?;
    println!(
        "notes import: {} added, {} already present, {} orphaned, {} new analysts (without a token)",
        done.restored.added, done.restored.unchanged, done.orphans, done.restored.new_analysts
    );
    Ok(ExitCode::SUCCESS)
}

async fn run_copy(config: &Config, from: &str, to: &str) -> Result<ExitCode, String> {
    let (from, to) = (DatabaseUrl::parse(from)?, DatabaseUrl::parse(to)?);
    if from == to {
        return Err(format!(
            "--from and --to are the same database ({}); copy into another one",
            to.redacted()
        ));
    }
    if let DatabaseUrl::Sqlite(path) = &from
        && !path.exists()
    {
        return Err(format!("there is no SQLite database at {}", path.display()));
    }
    let open = |url: &DatabaseUrl| {
        let url = url.clone();
        async move {
            Store::connect(&url, config.pool_settings())
                .await
                .map_err(|e| format!("cannot open {}: {e}", url.redacted()))
        }
    };
    let source = open(&from).await?;
    if source
        .count_rows(Table::Documents)
        .await
        .map_err(|e| e.to_string())?
        == 0
    {
        return Err(format!(
            "{} holds no documents: nothing to copy",
            from.redacted()
        ));
    }
    let target = open(&to).await?;
    let report = source
        .copy_into(&target)
        .await
        .map_err(|e| format!("copy failed, nothing was written: {e}"))?;
    for (table, rows) in &report.rows {
        println!("copy: {table}: {rows} rows");
    }
    let iris = Iris::new(&config.public_base_url(config.addr));
    let checked = verify_copy(&source, &target, &iris).await.map_err(|e| {
        format!(
            "the copy was written but does not match the source: {e}. Do not use {}; drop and recreate it before copying again",
            to.redacted()
        )
    })?;
    println!("copy: checked {checked} notes' JSON-LD and every table's row count: identical");
    source.close().await;
    target.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Compares the row counts of every table and the JSON-LD of every note; returns how many
/// notes were compared.
async fn verify_copy(source: &Store, target: &Store, iris: &Iris) -> Result<usize, String> {
    for table in Table::ALL {
        let (a, b) = (
            source.count_rows(table).await.map_err(|e| e.to_string())?,
            target.count_rows(table).await.map_err(|e| e.to_string())?,
        );
        if a != b {
            return Err(format!(
                "{}: {a} rows in the source, {b} in the copy",
                table.name()
            ));
        }
    }
    let mut compared = 0;
    for summary in source.list_documents().await.map_err(|e| e.to_string())? {
        let mut notes = Vec::new();
        for store in [source, target] {
            let doc = store
                .load_document(&summary.slug)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("document {} is missing from the copy", summary.slug))?;
            let listed = store
                .list_notes(doc.id, NoteFilter::Everyone, 0, i64::MAX)
                .await
                .map_err(|e| e.to_string())?;
            let rendered: Result<Vec<serde_json::Value>, _> = listed
                .iter()
                .map(|note| serde_json::to_value(to_jsonld(note, iris)))
                .collect();
            notes.push(rendered.map_err(|e| e.to_string())?);
        }
        if notes[0] != notes[1] {
            return Err(format!("the notes on {} differ in the copy", summary.slug));
        }
        compared += notes[0].len();
    }
    Ok(compared)
}

fn gen_corpus(docs: usize, out: &std::path::Path, seed: u64) -> Result<ExitCode, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let gazetteer = out.join(crate::corpus::GAZETTEER_FILE);
    std::fs::write(&gazetteer, include_str!("../corpus/actors.toml"))
        .map_err(|e| format!("cannot write {}: {e}", gazetteer.display()))?;
    let mut bytes = 0;
    for (name, text) in crate::corpus::generate::generate(docs, seed) {
        bytes += text.len();
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "gen-corpus: {docs} documents, {:.1} MB, in {}",
        bytes as f64 / 1e6,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
