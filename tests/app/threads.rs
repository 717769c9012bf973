//! Threads as analysts use them: a reply to a note (W3C motivation `replying`, its target the
//! note's IRI) shown inside the note it answers, never read more widely than its thread, kept
//! readable under a "deleted note" when its parent goes; and `@name` mentions that link to the
//! analyst's notes and fill their "mentions" view — on both backends.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{BASE_URL, SEED, TestApp, select, text};

const MEMO: &str = "Officials in Seoul say Moscow hinted at closer ties with Pyongyang.\n\nA second paragraph about the Kremlin.\n";
const NOTES: &str = "/api/documents/memo/annotations/";

fn iri(id: &str) -> String {
    format!("{BASE_URL}{NOTES}{id}")
}

fn id_of(created: &Value) -> String {
    created["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

async fn post(app: &TestApp, token: &str, note: Value) -> (StatusCode, Value) {
    let page = app.send("POST", NOTES, Some(token), Some(&note), &[]).await;
    let status = page.status;
    let body = serde_json::from_str(&page.body).unwrap_or(Value::Null);
    (status, body)
}

async fn note_on_memo(app: &TestApp, token: &str, body: &str, visibility: &str) -> String {
    let (status, created) = post(
        app,
        token,
        json!({"body": {"type": "TextualBody", "value": body}, "visibility": visibility,
               "target": {"source": format!("{BASE_URL}/documents/memo"),
                          "selector": {"type": "TextQuoteSelector", "exact": "Moscow hinted"}}}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    id_of(&created)
}

async fn reply(app: &TestApp, token: &str, parent: &str, extra: Value) -> (StatusCode, Value) {
    let mut note =
        json!({"body": {"type": "TextualBody", "value": "A reply."}, "target": iri(parent)});
    for (key, value) in extra.as_object().unwrap() {
        note[key] = value.clone();
    }
    post(app, token, note).await
}

/// Replaces the note `id` with `changes` applied to what it is now.
async fn change(app: &TestApp, token: &str, id: &str, changes: Value) -> (StatusCode, Value) {
    let url = format!("{NOTES}{id}");
    let current = app.send("GET", &url, Some(token), None, &[]).await;
    let etag = current.header("etag").to_owned();
    let mut note = current.json();
    for (key, value) in changes.as_object().unwrap() {
        note[key] = value.clone();
    }
    let done = app
        .send(
            "PUT",
            &url,
            Some(token),
            Some(&note),
            &[("if-match", &etag)],
        )
        .await;
    let status = done.status;
    (
        status,
        serde_json::from_str(&done.body).unwrap_or(Value::Null),
    )
}

async fn visibility(app: &TestApp, token: &str, id: &str) -> String {
    let page = app
        .send("GET", &format!("{NOTES}{id}"), Some(token), None, &[])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.json()["visibility"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_reply_answers_a_note_and_follows_its_thread_s_readers() {
    let app = TestApp::with_files(&[("memo.txt", MEMO)]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let carol = app.add_analyst("carol").await;
    let root = note_on_memo(&app, &alice, "Moscow is overstating this.", "public").await;

    // A reply is an annotation whose target is the note's IRI, motivation replying; it is
    // read by the same people as the note it answers unless its author narrows it.
    let (status, answered) = reply(&app, &bob, &root, json!({})).await;
    assert_eq!(status, StatusCode::CREATED, "{answered}");
    assert_eq!(answered["motivation"], "replying");
    assert_eq!(answered["target"], iri(&root));
    assert_eq!(answered["visibility"], "public");
    let bobs = id_of(&answered);

    // Narrowing a reply is fine; widening past its parent is refused, naming the field.
    let (status, narrowed) = reply(&app, &carol, &bobs, json!({"visibility": "team"})).await;
    assert_eq!(status, StatusCode::CREATED, "{narrowed}");
    let carols = id_of(&narrowed);
    let (status, private) = reply(&app, &alice, &carols, json!({"visibility": "private"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let alices = id_of(&private);
    let (status, wider) = reply(&app, &alice, &carols, json!({"visibility": "public"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = wider["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("`visibility`") && message.contains("choose team or narrower"),
        "{message}"
    );
    let (status, widened) = change(&app, &alice, &alices, json!({"visibility": "public"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{widened}");
    let (status, _) = change(&app, &alice, &alices, json!({"visibility": "team"})).await;
    assert_eq!(status, StatusCode::OK);

    // A reply stays on its note, and a note cannot become a reply.
    let (status, moved) = change(&app, &carol, &carols, json!({"target": iri(&root)})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(moved["error"]["code"], "thread_changed");
    let (status, _) = change(&app, &alice, &root, json!({"target": iri(&bobs)})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // …and takes no selector: it answers the whole note.
    let (status, selected) = post(
        &app,
        &bob,
        json!({"target": {"source": iri(&root), "selector": {"type": "TextQuoteSelector", "exact": "x"}}}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        selected["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("`target.selector`")
    );

    // Narrowing a note narrows its thread, each reply by a revision in its history.
    let (status, _) = change(&app, &alice, &root, json!({"visibility": "team"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(visibility(&app, &bob, &bobs).await, "team");
    assert_eq!(visibility(&app, &carol, &carols).await, "team");
    let history = app
        .send(
            "GET",
            &format!("{NOTES}{bobs}/revisions"),
            Some(&bob),
            None,
            &[],
        )
        .await
        .json();
    let last = history["revisions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["kind"].as_str(), last["by"].as_str()),
        (Some("edited"), Some("alice"))
    );
    // An anonymous reader sees none of the thread now.
    let public = app.get("/documents/memo").await.html();
    assert!(select(&public, "article.reply").is_empty());
    assert!(select(&public, "article.note").is_empty());

    // A private note does not exist for others: replying to it says no such note.
    let secret = note_on_memo(&app, &alice, "Only mine.", "private").await;
    let (status, refused) = reply(&app, &bob, &secret, json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["code"], "reply_target_missing");
    let (status, _) = reply(&app, &bob, "0123456789abcdef0123456789abcdef", json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Alice makes her note private: Carol's reply (narrowed with it) now answers a note not
    // shared with her, and says so rather than calling it deleted.
    let (status, _) = change(&app, &alice, &root, json!({"visibility": "private"})).await;
    assert_eq!(status, StatusCode::OK);
    let page = app
        .send("GET", "/documents/memo", Some(&carol), None, &[])
        .await
        .html();
    let ghost = select(&page, "article.note.ghost > .note-ghost");
    assert_eq!(text(&ghost[0]).trim(), "A note not shared with you.");
    let labels: Vec<&str> = select(&page, "article.note.ghost article.reply")
        .iter()
        .map(|r| r.value().attr("aria-label").unwrap())
        .collect();
    assert!(
        labels.contains(&"Reply by carol to a note not shared with you"),
        "{labels:?}"
    );
    // Restoring a reply's first revision (public) brings it back no wider than its thread.
    let restored = app
        .post_form(
            &format!("/documents/memo/notes/{bobs}/history"),
            &bob,
            &[("action", "restore"), ("revision", "1")],
        )
        .await;
    assert!(
        restored.status.is_redirection() || restored.status == StatusCode::OK,
        "{}",
        restored.body
    );
    assert_eq!(visibility(&app, &bob, &bobs).await, "private");
    let history = app
        .send(
            "GET",
            &format!("{NOTES}{bobs}/revisions"),
            Some(&bob),
            None,
            &[],
        )
        .await
        .json();
    let kinds: Vec<&str> = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["created", "edited", "edited", "restored"],
        "no public state in between"
    );
}

#[tokio::test]
async fn a_thread_reads_in_the_margin_and_outlives_a_deleted_note() {
    let app = TestApp::with_files(&[("memo.txt", MEMO)]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let root = note_on_memo(&app, &alice, "Moscow is overstating this.", "team").await;
    let (_, first) = reply(
        &app,
        &bob,
        &root,
        json!({"body": {"type": "TextualBody", "value": "Seoul says so too."}}),
    )
    .await;
    let first = id_of(&first);
    let (_, second) = reply(
        &app,
        &alice,
        &first,
        json!({"body": {"type": "TextualBody", "value": "Seoul has reasons."}}),
    )
    .await;
    let second = id_of(&second);
    let (_, third) = reply(
        &app,
        &bob,
        &root,
        json!({"body": {"type": "TextualBody", "value": "Later thought."}}),
    )
    .await;
    let third = id_of(&third);

    // The thread is inside the note beside its paragraph: the first reply shown, the rest
    // behind "2 more replies", in reading order.
    let page = app
        .send("GET", "/documents/memo", Some(&bob), None, &[])
        .await
        .html();
    let margin = select(&page, ".margin[data-paragraph='1'] > article.note");
    assert_eq!(
        margin.len(),
        1,
        "replies are not notes of their own in the margin"
    );
    let replies = select(&page, "article.note .thread article.reply");
    let order: Vec<String> = replies
        .iter()
        .map(|r| r.value().attr("id").unwrap().to_owned())
        .collect();
    assert_eq!(
        order,
        [
            format!("note-{first}"),
            format!("note-{second}"),
            format!("note-{third}")
        ]
    );
    assert_eq!(
        replies[0].value().attr("aria-label"),
        Some("Reply by bob to alice")
    );
    assert_eq!(
        text(&select(&page, ".more-replies > summary")[0]),
        "2 more replies"
    );
    assert!(text(&select(&page, "article.note .note-replies")[0]).contains("3 replies"));
    assert_eq!(
        select(&page, &format!("#note-{second}"))[0]
            .value()
            .attr("class"),
        Some("reply motivation-replying indent-2")
    );
    // Anyone signed in may reply; only the author may edit.
    let first_actions = text(&select(&page, &format!("#note-{first} .note-actions"))[0]);
    assert_eq!(
        first_actions.split_whitespace().collect::<Vec<_>>(),
        ["Edit", "Delete", "Reply"]
    );
    let root_actions = text(&select(&page, &format!("#note-{root} > .note-actions"))[0]);
    assert_eq!(root_actions.trim(), "Reply");

    // Alice deletes her note: the thread stays where it was, under a placeholder, and takes no
    // new replies.
    let url = format!("{NOTES}{root}");
    let etag = app
        .send("GET", &url, Some(&alice), None, &[])
        .await
        .header("etag")
        .to_owned();
    let deleted = app
        .send("DELETE", &url, Some(&alice), None, &[("if-match", &etag)])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let page = app
        .send("GET", "/documents/memo", Some(&bob), None, &[])
        .await
        .html();
    let ghost = select(&page, ".margin[data-paragraph='1'] > article.note.ghost");
    assert_eq!(ghost.len(), 1);
    assert_eq!(
        text(&select(&page, "article.note.ghost > .note-ghost")[0]),
        "Deleted note; its replies are kept."
    );
    assert_eq!(select(&page, "article.note.ghost article.reply").len(), 3);
    assert!(select(&page, "mark.note-highlight").is_empty());
    let (status, closed) = reply(&app, &bob, &root, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(closed["error"]["code"], "parent_deleted");

    // A deleted reply in the middle leaves its own placeholder; the reply to it stays.
    let url = format!("{NOTES}{first}");
    let etag = app
        .send("GET", &url, Some(&bob), None, &[])
        .await
        .header("etag")
        .to_owned();
    app.send("DELETE", &url, Some(&bob), None, &[("if-match", &etag)])
        .await;
    let page = app
        .send("GET", "/documents/memo", Some(&alice), None, &[])
        .await
        .html();
    let labels: Vec<String> = select(&page, "article.note.ghost article.reply")
        .iter()
        .map(|r| r.value().attr("aria-label").unwrap().to_owned())
        .collect();
    assert_eq!(
        labels,
        [
            "Deleted note",
            "Reply by alice to a deleted note",
            "Reply by bob to a deleted note"
        ]
    );

    // The export keeps the thread, and its JSON-LD reads back as replies to the same notes.
    let export = app
        .send(
            "GET",
            "/documents/memo/export.html?visibility=team",
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    let html = export.html();
    let thread: Vec<String> = select(&html, ".sidenote.ghost .sn-reply")
        .iter()
        .map(|r| text(r).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(thread.len(), 3, "{thread:?}");
    assert!(
        thread[1].contains("Seoul has reasons.") && thread[1].contains("reply to a deleted note")
    );
    let collection: Value = serde_json::from_str(
        glossa::domain::annotation::embedded_collection(&export.body).unwrap(),
    )
    .unwrap();
    let items = glossa::domain::annotation::annotation_items(&collection).unwrap();
    let read: Vec<_> = items
        .iter()
        .map(|item| glossa::domain::annotation::parse_imported(item).unwrap())
        .collect();
    let second_back = read.iter().find(|n| n.id.as_str() == second).unwrap();
    assert_eq!(
        second_back.content.reply_to.as_ref().map(|p| p.as_str()),
        Some(first.as_str())
    );
    assert_eq!(second_back.slug, "memo");
}

#[tokio::test]
async fn mentions_link_to_the_analyst_and_fill_their_mentions_view() {
    let app = TestApp::with_files(&[("memo.txt", MEMO)]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let root = note_on_memo(
        &app,
        &alice,
        "@Bob, is this sourced? cc @nobody, mail bob@example.org, `@bob` in code.",
        "team",
    )
    .await;
    let (_, answer) = reply(
        &app,
        &bob,
        &root,
        json!({"body": {"type": "TextualBody", "value": "Yes, @alice: the ministry said so."}}),
    )
    .await;
    let answer = id_of(&answer);

    // The mention of an analyst is a link to their notes; other @words stay text.
    let page = app
        .send("GET", "/documents/memo", Some(&bob), None, &[])
        .await
        .html();
    let links: Vec<(String, String)> = select(&page, "a.mention")
        .iter()
        .map(|a| (text(a), a.value().attr("href").unwrap().to_owned()))
        .collect();
    assert_eq!(
        links,
        [
            ("@Bob".to_owned(), "/notes?q=author%3Abob".to_owned()),
            ("@alice".to_owned(), "/notes?q=author%3Aalice".to_owned()),
        ]
    );

    // Bob's mentions view lists the note that mentions him, and not the one he wrote.
    let mentions = app
        .send("GET", "/notes?q=mentions:bob", Some(&bob), None, &[])
        .await;
    assert_eq!(mentions.status, StatusCode::OK);
    let html = mentions.html();
    let rows = select(&html, "ol.notes-list > li.notes-row");
    assert_eq!(rows.len(), 1);
    assert!(text(&rows[0]).contains("is this sourced?"));
    let preset = select(&html, ".presets a[aria-current='page']");
    assert_eq!(text(&preset[0]), "Mentions of me");
    // The code and the e-mail address are not mentions, and an unknown name mentions no one.
    let none = app
        .send("GET", "/notes?q=mentions:nobody", Some(&bob), None, &[])
        .await
        .html();
    assert!(select(&none, "li.notes-row").is_empty());

    // /notes shows the thread: the reply under the note it answers, once.
    let all = app
        .send("GET", "/notes", Some(&alice), None, &[])
        .await
        .html();
    assert_eq!(select(&all, "ol.notes-list > li.notes-row").len(), 1);
    let nested = select(&all, "li.notes-row .notes-thread li.notes-reply");
    assert_eq!(nested.len(), 1);
    assert!(text(&nested[0]).contains("reply to alice"));
    // A filter that finds only the reply shows whom it answers.
    let only = app
        .send("GET", "/notes?q=mentions:alice", Some(&alice), None, &[])
        .await
        .html();
    let row = text(&select(&only, "ol.notes-list > li.notes-row")[0]);
    assert!(
        row.contains("reply to alice") && row.contains("the ministry said so"),
        "{row}"
    );

    // Digests carry the thread: the CSV names the note a reply answers.
    let csv = app
        .send("GET", "/documents/memo/notes.csv", Some(&alice), None, &[])
        .await;
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = header.iter().position(|h| h == "in_reply_to").unwrap();
    let id_column = header.iter().position(|h| h == "link").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let reply_row = rows
        .iter()
        .find(|r| r[id_column].ends_with(&answer))
        .unwrap();
    assert_eq!(
        &reply_row[column],
        format!("{BASE_URL}/documents/memo#note-{root}")
    );

    // Editing away the mention takes the note out of the view.
    let (status, _) = change(
        &app,
        &alice,
        &root,
        json!({"body": {"type": "TextualBody", "value": "Is this sourced?"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let after = app
        .send("GET", "/notes?q=mentions:bob", Some(&bob), None, &[])
        .await
        .html();
    assert!(select(&after, "ol.notes-list > li.notes-row").is_empty());
}

/// The scenario on the seed: the source graded F, a claim marked C3, a colleague's
/// reply and the answer; thread, grades and history in the page and the export; the note
/// found by `credibility:1-3`; digests that open cleanly; and the export restored into a
/// fresh database with its thread whole.
#[tokio::test]
async fn a_graded_claim_is_argued_over_and_the_thread_goes_everywhere_the_note_goes() {
    let app = TestApp::with_seed_and(&[]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    let notes = format!("/api/documents/{SEED}/annotations/");
    let graded = app
        .send(
            "PUT",
            &format!("/api/documents/{SEED}/reliability"),
            Some(&alice),
            Some(&json!({"reliability": "F"})),
            &[],
        )
        .await;
    assert_eq!(graded.status, StatusCode::OK, "{}", graded.body);
    let claim = json!({"motivation": "assessing", "credibility": 3, "sourceReliability": "C",
        "body": {"value": "Plausible, one source."},
        "target": {"source": format!("{BASE_URL}/documents/{SEED}"),
                   "selector": {"type": "TextQuoteSelector", "exact": "Chinese Foreign Ministry"}}});
    let created = app
        .send("POST", &notes, Some(&alice), Some(&claim), &[])
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let root_iri = created.json()["id"].as_str().unwrap().to_owned();
    let root = root_iri.rsplit('/').next().unwrap().to_owned();
    let said = |value: &str, target: &str| json!({"body": {"value": value}, "target": target});
    let bobs = app
        .send(
            "POST",
            &notes,
            Some(&bob),
            Some(&said("Two outlets say otherwise.", &root_iri)),
            &[],
        )
        .await;
    assert_eq!(bobs.status, StatusCode::CREATED, "{}", bobs.body);
    let bobs_iri = bobs.json()["id"].as_str().unwrap().to_owned();
    let answer = app
        .send(
            "POST",
            &notes,
            Some(&alice),
            Some(&said("Which outlets, @bob?", &bobs_iri)),
            &[],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let mut edited_claim = claim.clone();
    edited_claim["body"]["value"] = json!("Plausible, one source only.");
    let url = root_iri.strip_prefix(BASE_URL).unwrap().to_owned();
    let etag = created.header("etag").to_owned();
    let edited = app
        .send(
            "PUT",
            &url,
            Some(&alice),
            Some(&edited_claim),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);

    // The page: the source's grade, the badge, "edited", and the thread inside the note.
    let page = app
        .send("GET", &format!("/documents/{SEED}"), Some(&bob), None, &[])
        .await
        .html();
    assert!(text(&select(&page, ".source-grade-line")[0]).contains("F"));
    let note = format!("#note-{root}");
    assert!(text(&select(&page, &format!("{note} .grade"))[0]).starts_with("C3"));
    assert_eq!(select(&page, &format!("{note} .note-history")).len(), 1);
    let thread: Vec<String> = select(&page, &format!("{note} .thread article.reply"))
        .iter()
        .map(|r| r.value().attr("aria-label").unwrap().to_owned())
        .collect();
    assert_eq!(thread, ["Reply by bob to alice", "Reply by alice to bob"]);

    // The export, with the history: the grade, the thread and the note's revisions.
    let export = app
        .send(
            "GET",
            &format!("/documents/{SEED}/export.html?visibility=team&history=1"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(export.status, StatusCode::OK);
    let html = export.html();
    let sidenote = select(
        &html,
        &format!("aside.sidenote[data-annotation-id='{root}']"),
    );
    let words = text(&sidenote[0]);
    assert!(
        words.contains("C3") && words.contains("History (2 revisions)"),
        "{words}"
    );
    assert!(words.contains("Two outlets say otherwise.") && words.contains("Which outlets, @bob?"));
    // Mentions stay text there: the file's only links out are its citations.
    assert!(select(&html, "a.mention").is_empty());

    // Found by its credibility, with its thread under it.
    let found = app
        .send("GET", "/notes?q=credibility:1-3", Some(&bob), None, &[])
        .await
        .html();
    assert_eq!(select(&found, "ol.notes-list > li.notes-row").len(), 1);
    assert_eq!(select(&found, "li.notes-row li.notes-reply").len(), 2);

    // Digests open cleanly: every row has every column, and the thread reads in order.
    let csv = app
        .send(
            "GET",
            &format!("/documents/{SEED}/notes.csv?bom=1"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    let body = csv.body.strip_prefix('\u{feff}').unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        &glossa::domain::digest::CSV_COLUMNS[..]
    );
    assert_eq!(reader.records().map(Result::unwrap).count(), 3);
    let md = app
        .send(
            "GET",
            &format!("/documents/{SEED}/notes.md"),
            Some(&alice),
            None,
            &[],
        )
        .await
        .body;
    let (claim_at, bob_at, answer_at) = (
        md.find("**C3**").unwrap(),
        md.find("↳ **bob** replying to alice").unwrap(),
        md.find("↳ **alice** replying to bob").unwrap(),
    );
    assert!(claim_at < bob_at && bob_at < answer_at, "{md}");

    // The export restores into a fresh database, thread whole.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.html");
    std::fs::write(&file, &export.body).unwrap();
    let fresh = TestApp::with_seed_and(&[]).await;
    let restored = glossa::interchange::import_notes_file(&fresh.store, &file)
        .await
        .unwrap();
    assert_eq!(restored.restored.added, 3);
    let carol = fresh.add_analyst("carol").await;
    let page = fresh
        .send(
            "GET",
            &format!("/documents/{SEED}"),
            Some(&carol),
            None,
            &[],
        )
        .await
        .html();
    assert_eq!(
        select(&page, &format!("{note} .thread article.reply")).len(),
        2
    );
}
