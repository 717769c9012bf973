//! The integration suite on SQLite: the real router over a real SQLite file in a temp dir.
//! `tests/app_postgres` runs the same files on a throwaway PostgreSQL.

mod actors;
mod annotations;
mod api;
mod backend;
mod browser;
mod caching;
mod cli;
mod digests;
mod durability;
mod export;
mod grades;
mod helpers;
mod history;
mod hostile;
mod import;
mod intake;
mod pages;
mod payloads;
mod reading;
mod reanchor;
mod search;
mod session;
mod storage;
mod threads;
mod validity;
mod voices;
mod w3c;
mod workspace;
