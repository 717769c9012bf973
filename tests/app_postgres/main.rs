//! The integration suite again, on PostgreSQL: the same test files as `tests/app`, each test
//! with a fresh database of its own on a throwaway server (`initdb` into a temp dir, started
//! on a free port, stopped when this binary exits), or on `GLOSSA_TEST_DATABASE_URL`. Only
//! what is SQLite's alone (its PRAGMAs, its file on a full or read-only disk, its command-line
//! flags) stays in `tests/app`; `multi.rs` adds what needs several instances.

#[path = "../app/actors.rs"]
mod actors;
#[path = "../app/annotations.rs"]
mod annotations;
#[path = "../app/api.rs"]
mod api;
mod backend;
#[path = "../app/browser.rs"]
mod browser;
#[path = "../app/caching.rs"]
mod caching;
#[path = "../app/digests.rs"]
mod digests;
#[path = "../app/durability.rs"]
mod durability;
#[path = "../app/export.rs"]
mod export;
#[path = "../app/grades.rs"]
mod grades;
#[path = "../app/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../app/history.rs"]
mod history;
#[path = "../app/hostile.rs"]
mod hostile;
#[path = "../app/import.rs"]
mod import;
#[path = "../app/intake.rs"]
mod intake;
mod multi;
#[path = "../app/pages.rs"]
mod pages;
#[path = "../app/payloads.rs"]
mod payloads;
#[path = "../app/reading.rs"]
mod reading;
#[path = "../app/reanchor.rs"]
mod reanchor;
#[path = "../app/search.rs"]
mod search;
#[path = "../app/session.rs"]
mod session;
#[path = "../app/threads.rs"]
mod threads;
#[path = "../app/validity.rs"]
mod validity;
#[path = "../app/voices.rs"]
mod voices;
#[path = "../app/w3c.rs"]
mod w3c;
#[path = "../app/workspace.rs"]
mod workspace;
