//! The `glossa` binary: parse the command line, set up logging, run.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Import analysis allocates many small, short-lived values on several threads at once, where
/// glibc's allocator spent a sixth of the analysis time in its locks and free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    limit_malloc_arenas();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("glossa: cannot start its runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// glibc gives each thread that allocates its own arena, up to eight per core, and keeps what
/// is freed there. sqlx runs every SQLite connection on a thread of its own, so a server grew
/// by ~20 MB of arenas holding little; two arenas serve its one or two busy threads.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread
    // exists, and an unsupported value is refused with 0, which changes nothing.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

async fn run() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("glossa=info,tower_http=warn")),
        )
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, never into a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    glossa::cli::run(glossa::cli::Cli::parse()).await
}
