//! End-to-end in a real headless Chromium: the real `glossa` binary, analysts made with the
//! CLI, and `tests/e2e/notes.cjs` (playwright-core driving Debian's `/usr/bin/chromium`).
//!
//! Needs node, Chromium and playwright-core + axe-core under `$GLOSSA_TOOLS_HOME`
//! (`.ci/run` installs them). Without them the test reports a skip, unless
//! `GLOSSA_REQUIRE_TOOLS=1` makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::{cli_add_analyst, copy_corpus, start_server};

fn tools_home() -> PathBuf {
    std::env::var_os("GLOSSA_TOOLS_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/glossa-tools")
        })
}

fn browser_tools_present() -> bool {
    let chromium = std::env::var_os("CHROMIUM_PATH")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    chromium.is_file()
        && tools_home().join("node_modules/playwright-core").is_dir()
        && tools_home().join("node_modules/axe-core").is_dir()
        && Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

/// Whether the browser tools are here; without them the test is skipped, unless CI asked
/// for them.
fn browser_or_skip() -> bool {
    if browser_tools_present() {
        return true;
    }
    assert!(
        std::env::var("GLOSSA_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "Chromium, node or playwright-core/axe-core is missing but GLOSSA_REQUIRE_TOOLS=1"
    );
    eprintln!("skipped: Chromium, node or playwright-core not found (run .ci/run)");
    false
}

/// Runs the browser script `tests/e2e/{name}` with `args` and returns the JSON line it
/// prints last, failing the test with its output if it fails.
fn run_script(name: &str, args: &[&str], screenshots: Option<&Path>) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/e2e")
        .join(name);
    let mut command = Command::new("node");
    command
        .arg(script)
        .args(args)
        .env("GLOSSA_TOOLS_HOME", tools_home());
    if let Some(dir) = screenshots {
        command.env("SCREENSHOT_DIR", dir);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{name} failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap()
}

#[test]
fn analysts_take_notes_in_chromium_with_mouse_and_keyboard() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    std::fs::write(
        corpus.join("emoji-flags.txt"),
        "🇺🇦 🇷🇺 👩‍👩‍👧 Kyiv and Moscow traded accusations; 😀 Beijing watched.\nSecond paragraph.\n",
    )
    .unwrap();
    let db = dir.path().join("e2e.db");
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let bob = cli_add_analyst(&db, &corpus, "bob");
    let server = start_server(&db, &corpus, &[]);
    let url = format!("http://{}", server.host);
    let results = run_script("notes.cjs", &[&url, &alice, &bob], None);
    // 🇺🇦 (2) + space + 🇷🇺 (2) + space + 👩‍👩‍👧 (5) + space = 12 code points before "Kyiv";
    // in UTF-16 the same prefix is 20 units, so an unconverted offset would be wrong.
    assert_eq!(results["emoji"]["start"], 12);
    assert_eq!(results["emoji"]["end"], 27);
    assert_eq!(results["axe_violations"].as_array().unwrap().len(), 0);
}

/// The Voices panel from the keyboard: "Show only" one voice, then all again; sources and
/// cues underlined on demand; what a screen reader hears; axe; the export's voices.
#[test]
fn the_voices_panel_shows_only_what_one_voice_says_from_the_keyboard() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("voices.db");
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let server = start_server(&db, &corpus, &[]);
    let results = run_script(
        "voices.cjs",
        &[&format!("http://{}", server.host), &alice],
        None,
    );
    assert_eq!(results["only"]["on"], true);
}

/// Grading from the keyboard: the seed's source F, a claim C3 in an assessing note; the
/// badges tell their words on focus, and axe passes with the grades open and shown.
#[test]
fn an_analyst_grades_the_source_and_a_claim_from_the_keyboard() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("grades.db");
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let server = start_server(&db, &corpus, &[]);
    let results = run_script(
        "grades.cjs",
        &[&format!("http://{}", server.host), &alice],
        std::env::var_os("SCREENSHOT_DIR").as_deref().map(Path::new),
    );
    assert_eq!(results["badge"], "C3");
}

/// A note's history from the keyboard: "edited" in the margin, the history page, two
/// revisions compared, the first restored and back in the margin; axe, and a phone's width.
#[test]
fn an_author_restores_a_revision_of_a_note_from_the_keyboard() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("history.db");
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let server = start_server(&db, &corpus, &[]);
    let results = run_script(
        "history.cjs",
        &[&format!("http://{}", server.host), &alice],
        std::env::var_os("SCREENSHOT_DIR").as_deref().map(Path::new),
    );
    assert_eq!(results["revisions"], 3);
}

/// A commentary pasted into the browser is previewed (20 markers, 14 paragraphs), published,
/// annotated, and revised after its audit, from the keyboard.
#[test]
fn an_analyst_pastes_publishes_and_revises_a_commentary_from_the_keyboard() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("intake.db");
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let server = start_server(&db, &corpus, &[]);
    let seed = corpus.join("russia-north-korea-chinese-views.txt");
    let results = run_script(
        "intake.cjs",
        &[
            &format!("http://{}", server.host),
            &alice,
            seed.to_str().unwrap(),
        ],
        std::env::var_os("SCREENSHOT_DIR").as_deref().map(Path::new),
    );
    assert_eq!(results["paragraphs"], 14);
    assert_eq!(results["orphans"], 1);
}

/// Two analysts argue about a passage from the keyboard: a reply, an answer to it, a mention
/// that links, the thread folded after its first reply and opened by the keyboard.
#[test]
fn analysts_reply_to_each_other_in_a_thread_from_the_keyboard() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("threads.db");
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let bob = cli_add_analyst(&db, &corpus, "bob");
    let server = start_server(&db, &corpus, &[]);
    let results = run_script(
        "threads.cjs",
        &[&format!("http://{}", server.host), &alice, &bob],
        std::env::var_os("SCREENSHOT_DIR").as_deref().map(Path::new),
    );
    assert_eq!(results["depths"], serde_json::json!(["1", "2", "1"]));
}

/// Correcting who says a sentence from the keyboard: reassigned to a known voice, given to a
/// new one, said to report no one and undone; then the text changes and is imported again,
/// and the corrections hold where their sentences went.
#[test]
fn analysts_correct_who_says_a_sentence_from_the_keyboard_and_it_survives_a_reimport() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("corrections.db");
    let state = dir.path().join("corrections-state.json");
    let state = state.to_str().unwrap();
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let server = start_server(&db, &corpus, &[]);
    let base = format!("http://{}", server.host);
    let first = run_script(
        "corrections.cjs",
        &[&base, &alice, "correct", state],
        std::env::var_os("SCREENSHOT_DIR").as_deref().map(Path::new),
    );
    assert!(
        first["reassigned"]
            .as_str()
            .unwrap()
            .contains("Chinese analysts")
    );
    drop(server);
    let seed = corpus.join(format!("{}.txt", crate::helpers::SEED));
    let text = std::fs::read_to_string(&seed).unwrap();
    std::fs::write(
        &seed,
        format!("A paragraph added in a later version of the text.\n{text}"),
    )
    .unwrap();
    let server = start_server(&db, &corpus, &[]);
    let base = format!("http://{}", server.host);
    let after = run_script("corrections.cjs", &[&base, &alice, "after", state], None);
    assert_eq!(after["statuses"], serde_json::json!(["moved", "moved"]));
}

/// Searching from the header's box with the keyboard, opening a hit, and going from match
/// to match with ] and [ and the bar's buttons; axe on both pages.
#[test]
fn a_search_typed_in_the_header_leads_to_marked_matches_walked_with_brackets() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("search.db");
    let server = start_server(&db, &corpus, &[]);
    let results = run_script("search.cjs", &[&format!("http://{}", server.host)], None);
    assert!(results["position"].as_str().unwrap().starts_with("match "));
}

/// The notes workspace, tags and the page's notes filter as two analysts use them: what Alice
/// sees, tag links and facets, a typed filter, a refused and a done rename, and the margin and
/// highlights narrowed to Bob's notes; axe on every page.
#[test]
fn the_notes_workspace_narrows_notes_and_the_highlights_follow() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("workspace.db");
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let bob = cli_add_analyst(&db, &corpus, "bob");
    let server = start_server(&db, &corpus, &[]);
    let url = format!("http://{}", server.host);
    let results = run_script("workspace.cjs", &[&url, &alice, &bob], None);
    assert_eq!(results["all"], "3 notes");
    assert_eq!(results["by_bob"]["notes"], serde_json::json!(["bob"]));
}

/// Nine notes on two paragraphs (one a bare 200-character URL, one hostile) at 1440, 1024,
/// 390 and 320 px: the text keeps its flow, notes sit near their quotes, nothing widens the
/// page, and on a phone the Add note button stays clear of the selection.
#[test]
fn many_notes_never_push_the_text_apart_in_chromium() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    let db = dir.path().join("reading.db");
    let alice = cli_add_analyst(&db, &corpus, "alice");
    let server = start_server(&db, &corpus, &[]);
    let url = format!("http://{}", server.host);
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let results = run_script(
        "reading.cjs",
        &[&url, &alice],
        Some(shots.as_deref().unwrap_or(dir.path())),
    );
    for width in ["1440", "1024"] {
        let gap = results["widths"][width]["gap"].as_f64().unwrap();
        let bare = results["widths"][width]["bareGap"].as_f64().unwrap();
        assert!(gap <= 1.5 * bare, "{width}: {gap} px against {bare} px");
    }
    assert!(
        results["export_header"]
            .as_str()
            .unwrap()
            .contains("public notes only")
    );
}

#[tokio::test]
async fn the_export_opens_offline_prints_every_note_and_passes_axe() {
    if !browser_or_skip() {
        return;
    }
    let (app, alice, _) = crate::export::annotated_seed().await;
    let export = app
        .send(
            "GET",
            "/documents/russia-north-korea-chinese-views/export.html?visibility=mine",
            Some(&alice),
            None,
            &[],
        )
        .await
        .body;
    let file = app.dir.path().join("export.html");
    std::fs::write(&file, export).unwrap();
    let pdf = std::env::var_os("GLOSSA_EXPORT_PDF")
        .map_or_else(|| app.dir.path().join("export.pdf"), PathBuf::from);
    let results = run_script(
        "export.cjs",
        &[&file.to_string_lossy(), &pdf.to_string_lossy()],
        None,
    );
    assert_eq!(
        results["screen"]["count"], 11,
        "every note alice may see is a sidenote"
    );
    assert_eq!(results["print"]["count"], 11);
    assert!(results["pdf_bytes"].as_u64().unwrap() > 10_000);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}

#[test]
fn no_payload_runs_in_chromium_in_pages_or_exports() {
    if !browser_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let corpus = copy_corpus(dir.path());
    std::fs::write(
        corpus.join("payloads.md"),
        crate::payloads::hostile_markdown(),
    )
    .unwrap();
    let db = dir.path().join("xss.db");
    let token = cli_add_analyst(&db, &corpus, "mallory");
    let server = start_server(&db, &corpus, &["--base-url", "http://glossa.xss"]);
    let bearer = format!("Bearer {token}");
    let headers = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];
    for (i, payload) in crate::payloads::payloads().into_iter().enumerate() {
        let tag: String = payload
            .chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect();
        let note = serde_json::json!({"visibility": "public", "body": [{"value": payload}, {"value": tag, "purpose": "tagging"}],
            "target": {"source": "http://glossa.xss/documents/payloads", "selector": {"type": "TextPositionSelector", "start": i * 20, "end": i * 20 + 9}}});
        let path = "/api/documents/payloads/annotations/";
        let (status, body) =
            crate::helpers::http_request(&server.host, "POST", path, &headers, &note.to_string())
                .unwrap();
        assert!(
            status == 201 || status == 422,
            "payload {i}: {status} {body}"
        );
    }
    let mut targets = vec![
        format!("http://{}/", server.host),
        format!("http://{}/documents/payloads", server.host),
    ];
    for slug in ["payloads", "russia-north-korea-chinese-views"] {
        let (status, html) = crate::helpers::http_request(
            &server.host,
            "GET",
            &format!("/documents/{slug}/export.html"),
            &[],
            "",
        )
        .unwrap();
        assert_eq!(status, 200);
        let file = dir.path().join(format!("{slug}.html"));
        std::fs::write(&file, html).unwrap();
        targets.push(file.to_string_lossy().into_owned());
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/payloads.cjs");
    let out = Command::new("node")
        .arg(script)
        .args(&targets)
        .env("GLOSSA_TOOLS_HOME", tools_home())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "a payload ran:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
