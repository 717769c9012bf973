//! One integration binary: the real router over a real SQLite file in a temp dir.

mod annotations;
mod api;
mod browser;
mod cli;
mod durability;
mod export;
mod helpers;
mod hostile;
mod import;
mod pages;
mod payloads;
mod reading;
mod reanchor;
mod session;
mod storage;
mod validity;
mod w3c;
