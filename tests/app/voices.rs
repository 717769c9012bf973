//! Voices: whose view each sentence gives, as the API serves them.

use axum::http::StatusCode;

use crate::helpers::{SEED, TestApp, select, text};

/// The characters `start..end` of `text`, counted in code points.
fn slice(text: &str, start: i64, end: i64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

#[tokio::test]
async fn the_seed_names_its_official_and_unofficial_voices_with_their_sentences() {
    let app = TestApp::with_seed_and(&[]).await;
    let answer = app.get(&format!("/api/documents/{SEED}/voices")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let json = answer.json();
    let voices = json["voices"].as_array().unwrap();
    let find = |label: &str| {
        voices
            .iter()
            .find(|v| v["label"] == label)
            .unwrap_or_else(|| panic!("no voice {label}: {json}"))
    };
    for (label, actor, official) in [
        ("Chinese Foreign Ministry", "CHN", true),
        ("Chinese analysts", "CHN", false),
        ("Chinese observers", "CHN", false),
        ("Chinese commentators", "CHN", false),
        ("Western commentators", "WEST", false),
        ("Russia", "RUS", true),
        ("Vladimir Putin", "RUS", true),
    ] {
        let voice = find(label);
        assert_eq!(voice["actor"], actor, "{label}");
        assert_eq!(voice["official"], official, "{label}");
        assert!(!voice["claims"].as_array().unwrap().is_empty());
    }

    // Offsets are code points of the paragraph's text, as everywhere else: the sentence, cue
    // and source read what the document says.
    let document = app.get(&format!("/api/documents/{SEED}")).await.json();
    let paragraph = |n: i64| {
        document["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["number"] == n)
            .map(|p| p["text"].as_str().unwrap().to_owned())
            .unwrap_or_else(|| panic!("no paragraph {n}"))
    };
    let putin = &find("Vladimir Putin")["claims"][0];
    let text = paragraph(putin["paragraph"].as_i64().unwrap());
    let sentence = slice(
        &text,
        putin["start"].as_i64().unwrap(),
        putin["end"].as_i64().unwrap(),
    );
    assert!(
        sentence.starts_with("President Vladimir Putin in a public address"),
        "{sentence}"
    );
    assert_eq!(putin["attribution"], "explicit");
    assert_eq!(putin["source"]["text"], "President Vladimir Putin");
    assert_eq!(
        slice(
            &text,
            putin["cue"]["start"].as_i64().unwrap(),
            putin["cue"]["end"].as_i64().unwrap()
        ),
        putin["cue"]["text"].as_str().unwrap()
    );
    let carried: Vec<&str> = voices
        .iter()
        .flat_map(|v| v["claims"].as_array().unwrap())
        .map(|c| c["attribution"].as_str().unwrap())
        .filter(|a| *a != "explicit")
        .collect();
    for how in ["pronoun", "agentless", "implicit"] {
        assert!(carried.contains(&how), "{how} missing: {carried:?}");
    }
    // The author's own sentences give no voice.
    let noteworthy = voices
        .iter()
        .flat_map(|v| v["claims"].as_array().unwrap())
        .any(|c| {
            let text = paragraph(c["paragraph"].as_i64().unwrap());
            slice(
                &text,
                c["start"].as_i64().unwrap(),
                c["end"].as_i64().unwrap(),
            )
            .starts_with("It is noteworthy")
        });
    assert!(!noteworthy);

    let missing = app.get("/api/documents/no-such-document/voices").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn each_voice_has_a_page_and_actors_list_their_voices() {
    let app = TestApp::with_seed_and(&[]).await;
    let index = app.get("/voices").await;
    assert_eq!(index.status, StatusCode::OK);
    let html = index.html();
    let official: Vec<String> = select(&html, "#voices-Official + table tbody th")
        .iter()
        .map(text)
        .collect();
    assert!(
        official.contains(&"Chinese Foreign Ministry".to_owned()),
        "{official:?}"
    );
    assert!(
        official.contains(&"Vladimir Putin".to_owned()),
        "{official:?}"
    );
    let unofficial: Vec<String> = select(&html, "#voices-Unofficial + table tbody th")
        .iter()
        .map(text)
        .collect();
    assert!(
        unofficial.contains(&"Chinese analysts".to_owned()),
        "{unofficial:?}"
    );

    // A voice's page: its sentences by document, who speaks and the cue marked, each a link
    // to its paragraph.
    let page = app.get("/voices/chn-foreign-ministry").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.html();
    let marked: Vec<String> = select(
        &html,
        ".voice-sentence .voice-source, .voice-sentence .voice-cue",
    )
    .iter()
    .map(text)
    .collect();
    assert_eq!(marked, ["The Chinese Foreign Ministry", "asserting"]);
    let link = select(&html, ".voice-sentence a")[0]
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(link, format!("/documents/{SEED}#p2"));
    assert!(text(&select(&html, ".byline")[0]).contains("official"));
    let carried = app.get("/voices/chn-analysts").await.html();
    assert!(
        select(&carried, ".voice-sentence .tag-chip")
            .iter()
            .any(|chip| text(chip).contains("carried")),
        "carried sentences say so"
    );
    assert_eq!(
        app.get("/voices/nobody-at-all").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/voices/chn-analysts?page=9").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/voices/chn-analysts?page=x").await.status,
        StatusCode::BAD_REQUEST
    );

    // China's dossier tells its officials from its analysts.
    let dossier = app.get("/api/actors/CHN").await.json();
    let voices: Vec<(String, bool)> = dossier["voices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_owned(),
                v["official"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        voices.contains(&("chn-foreign-ministry".to_owned(), true)),
        "{voices:?}"
    );
    assert!(
        voices.contains(&("chn-analysts".to_owned(), false)),
        "{voices:?}"
    );
    let page = app.get("/actors/CHN").await.html();
    assert!(
        select(&page, "#voices-title + p + ul a")
            .iter()
            .any(|a| a.value().attr("href") == Some("/voices/chn-analysts"))
    );
}

#[tokio::test]
async fn search_finds_what_a_voice_says_and_official_or_unofficial_views() {
    let app = TestApp::with_seed_and(&[]).await;
    let search = |q: &str| {
        let q = q.replace(' ', "+");
        let app = &app;
        async move { app.get(&format!("/api/search?q={q}")).await }
    };
    let ministry = search("voice:chn-foreign-ministry").await;
    assert_eq!(ministry.status, StatusCode::OK, "{}", ministry.body);
    let json = ministry.json();
    let paragraphs: Vec<i64> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["paragraph"].as_i64().unwrap())
        .collect();
    assert_eq!(paragraphs, [2], "{json}");
    let official = search("official:yes").await.json();
    let unofficial = search("official:no").await.json();
    let count = |j: &serde_json::Value| j["hits"].as_array().unwrap().len();
    assert!(count(&official) >= 2 && count(&unofficial) > count(&official));
    // With words, the voice narrows the passages (paragraphs) they are found in.
    let putin = search("sanctions voice:vladimir-putin").await.json();
    assert_eq!(putin["hits"][0]["paragraph"], 8, "{putin}");
    let west = search("sanctions voice:west-commentators").await.json();
    assert_eq!(count(&west), 0, "{west}");
    let bad = search("official:maybe").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("official: takes yes or no")
    );
    let nobody = app.get("/search?q=voice:nobody").await;
    assert!(
        nobody
            .body
            .contains("No sentence gives the view of a voice “nobody”"),
        "{}",
        nobody.body
    );
}

#[tokio::test]
async fn a_document_opened_from_a_filtered_search_marks_only_the_paragraphs_found() {
    let app = TestApp::with_seed_and(&[]).await;
    let found = app
        .get("/api/search?q=Moscow+voice:chn-analysts")
        .await
        .json();
    let mut listed: Vec<i64> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["paragraph"].as_i64().unwrap())
        .collect();
    listed.sort_unstable();
    let page = app
        .get(&format!("/documents/{SEED}?q=Moscow+voice:chn-analysts"))
        .await
        .html();
    let mut marked: Vec<i64> = select(&page, ".text p.block")
        .iter()
        .filter(|p| !select_in(p, "mark.search-hit").is_empty())
        .map(|p| p.value().attr("id").unwrap()[1..].parse().unwrap())
        .collect();
    marked.dedup();
    assert_eq!(marked, listed);
    // One standing at a time; ids in other cases find the voice's page; a person's dossier
    // lists the voice they speak in.
    let twice = app.get("/api/search?q=official:yes+official:no").await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    let upper = app.get("/voices/CHN-Analysts").await;
    assert_eq!(upper.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(upper.header("location"), "/voices/chn-analysts");
    let putin = app.get("/api/actors/vladimir-putin").await.json();
    assert_eq!(putin["voices"][0]["id"], "vladimir-putin", "{putin}");
}

fn select_in<'a>(element: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    element
        .select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

const MEMO: &str = "\
Pyongyang and Moscow have rapidly expanded their cooperation in trade.
Commentators in the West have speculated that the ties irked Beijing.
Chinese observers speculate that the partnership is a slogan. They note that trade is small.
Trade between the two rose sharply in 2024.
";

fn target(quote: &str) -> serde_json::Value {
    serde_json::json!({
        "source": format!("{}/documents/memo", crate::helpers::BASE_URL),
        "selector": {"type": "TextQuoteSelector", "exact": quote}
    })
}

const CORRECTIONS: &str = "/api/documents/memo/voices/corrections";

/// Each voice of the memo with its claims' paragraphs and attributions.
async fn memo_voices(app: &TestApp) -> serde_json::Value {
    let answer = app.get("/api/documents/memo/voices").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.json()
}

fn voice_by_label<'a>(json: &'a serde_json::Value, label: &str) -> Option<&'a serde_json::Value> {
    json["voices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["label"] == label)
}

#[tokio::test]
async fn analysts_confirm_reassign_add_and_remove_attributions_and_they_survive_a_reimport() {
    let app = TestApp::with_files(&[("memo.txt", MEMO)]).await;
    let alice = app.add_analyst("alice").await;
    let before = memo_voices(&app).await;
    let observers = voice_by_label(&before, "Chinese observers").expect("rules find the observers");
    let observers_id = observers["id"].as_str().unwrap().to_owned();
    let western_id = voice_by_label(&before, "Western commentators").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let western_search = format!("/search?q=voice:{western_id}");
    assert!(
        app.get(&western_search)
            .await
            .body
            .contains("irked Beijing")
    );
    assert_eq!(observers["claims"].as_array().unwrap().len(), 2, "{before}");

    let post = |body: serde_json::Value| {
        let app = &app;
        let alice = alice.clone();
        async move {
            app.send("POST", CORRECTIONS, Some(&alice), Some(&body), &[])
                .await
        }
    };
    // Reassign: the Western commentators' sentence is given to the Chinese observers.
    let reassigned = post(serde_json::json!({
        "target": target("the ties irked"),
        "voice": {"id": observers_id}
    }))
    .await;
    assert_eq!(
        reassigned.status,
        StatusCode::CREATED,
        "{}",
        reassigned.body
    );
    let ld = reassigned.json();
    assert_eq!(ld["motivation"], "classifying");
    assert_eq!(ld["outcome"], "reassigned");
    assert_eq!(ld["ruleVoice"], "Western commentators");
    assert_eq!(ld["creator"]["name"], "alice");
    assert_eq!(
        ld["target"]["selector"][0]["exact"],
        "Commentators in the West have speculated that the ties irked Beijing.",
        "the whole sentence is the target"
    );
    assert_eq!(
        reassigned.header("location"),
        ld["id"].as_str().unwrap(),
        "Location names the correction"
    );
    // Remove: "They note …" reports no one.
    let removed =
        post(serde_json::json!({"target": target("trade is small"), "voice": null})).await;
    assert_eq!(removed.status, StatusCode::CREATED, "{}", removed.body);
    assert_eq!(removed.json()["outcome"], "removed");
    // Add: a sentence the rules give no one is given a new, official voice.
    let added = post(serde_json::json!({
        "target": target("rose sharply"),
        "voice": {"label": "  KCNA ", "official": true, "actor": "prk"}
    }))
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.json()["outcome"], "added");
    // Confirm: the observers' own sentence.
    let confirmed = post(serde_json::json!({
        "target": target("partnership is a slogan"),
        "voice": {"id": observers_id}
    }))
    .await;
    assert_eq!(
        confirmed.json()["outcome"],
        "confirmed",
        "{}",
        confirmed.body
    );

    let check = |json: &serde_json::Value| {
        assert!(
            voice_by_label(json, "Western commentators").is_none(),
            "the reassigned voice no longer speaks: {json}"
        );
        let observers = voice_by_label(json, "Chinese observers").unwrap();
        let claims = observers["claims"].as_array().unwrap();
        let outcomes: Vec<(&str, &str)> = claims
            .iter()
            .map(|c| {
                (
                    c["attribution"].as_str().unwrap(),
                    c["correction"]["outcome"].as_str().unwrap_or("none"),
                )
            })
            .collect();
        assert_eq!(
            outcomes,
            vec![("analyst", "reassigned"), ("explicit", "confirmed")],
            "{json}"
        );
        assert_eq!(claims[0]["correction"]["by"], "alice");
        let kcna = voice_by_label(json, "KCNA").expect("the typed voice speaks");
        assert_eq!(kcna["id"], "kcna");
        assert_eq!(kcna["official"], true);
        assert_eq!(kcna["actor"], "PRK");
        let listed: Vec<&str> = json["corrections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["outcome"].as_str().unwrap())
            .collect();
        assert_eq!(listed, vec!["confirmed", "added", "removed", "reassigned"]);
    };
    check(&memo_voices(&app).await);

    // The page shows the corrections with who made them, and the corrected sentences.
    let html = app.get("/documents/memo").await.html();
    let list: Vec<String> = select(&html, ".voice-corrections li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(list.len(), 4, "{list:?}");
    assert!(list.iter().all(|l| l.contains("alice")), "{list:?}");
    assert!(
        list.iter().any(|l| l.contains("said no one speaks here")),
        "{list:?}"
    );
    let titles: Vec<String> = select(&html, ".voice-claim")
        .iter()
        .filter_map(|e| e.value().attr("title").map(str::to_owned))
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.contains("reassigned by alice (the rules said Western commentators)")),
        "{titles:?}"
    );
    let voice_page = app.get("/voices/kcna").await;
    assert_eq!(voice_page.status, StatusCode::OK);
    assert!(voice_page.body.contains("rose sharply"));
    assert!(
        voice_page
            .body
            .contains("given by alice (the rules found no voice)")
    );
    // Search, the actor's dossier and the export follow the corrections too.
    let found = app.get("/search?q=voice:kcna").await;
    assert!(found.body.contains("rose sharply"), "{}", found.body);
    let gone = app.get(&western_search).await;
    assert!(!gone.body.contains("irked Beijing"), "{}", gone.body);
    let dossier = app.get("/api/actors/PRK").await.json();
    assert!(
        dossier["voices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == "kcna"),
        "{dossier}"
    );
    let export = app.get("/documents/memo/export.html").await.body;
    assert!(export.contains("Corrected by analysts") && export.contains("data-voice=\"kcna\""));

    // A new version of the text: each correction follows its sentence.
    app.write_files(&[(
        "memo.txt",
        &format!("A new opening paragraph says nothing of anyone.\n{MEMO}"),
    )]);
    assert_eq!(app.import().await.updated, 1);
    let after = memo_voices(&app).await;
    check(&after);
    let statuses: Vec<&str> = after["corrections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["anchorStatus"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["moved"; 4]);

    // Taking the reassignment back gives the sentence to the rules' voice again.
    let id = ld["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let path = format!("{CORRECTIONS}/{id}");
    assert_eq!(app.get(&path).await.json()["anchorStatus"], "moved");
    let deleted = app.send("DELETE", &path, Some(&alice), None, &[]).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
    assert!(voice_by_label(&memo_voices(&app).await, "Western commentators").is_some());
    assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND);
    let again = app.send("DELETE", &path, Some(&alice), None, &[]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_newer_correction_of_a_sentence_holds_the_older_is_kept_and_bad_ones_say_what_to_fix() {
    let app = TestApp::with_files(&[("memo.txt", MEMO)]).await;
    let alice = app.add_analyst("alice").await;
    let bob = app.add_analyst("bob").await;
    for (token, voice) in [
        (&alice, serde_json::json!(null)),
        (
            &bob,
            serde_json::json!({"label": "Chinese observers.", "official": false}),
        ),
    ] {
        let body = serde_json::json!({"target": target("irked Beijing"), "voice": voice});
        let page = app
            .send("POST", CORRECTIONS, Some(token), Some(&body), &[])
            .await;
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    }
    let json = memo_voices(&app).await;
    let corrections = json["corrections"].as_array().unwrap();
    let made: Vec<(&str, &str)> = corrections
        .iter()
        .map(|c| {
            (
                c["creator"]["name"].as_str().unwrap(),
                c["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        made,
        vec![("bob", "reassigned"), ("alice", "overruled")],
        "{json}"
    );
    assert_eq!(
        corrections[0]["voice"]["label"], "Chinese observers",
        "a typed label the corpus knows is that voice"
    );
    // Each Undo button tells what will stand once it is pressed.
    let page = app
        .send("GET", "/documents/memo", Some(&alice), None, &[])
        .await
        .html();
    let undone: Vec<String> = select(&page, "button.correction-undo")
        .iter()
        .filter_map(|b| b.value().attr("data-undone").map(str::to_owned))
        .collect();
    assert_eq!(
        undone,
        vec![
            "Correction undone: alice’s earlier correction holds again, and the sentence gives no one’s view.",
            "Correction undone; a newer correction of the sentence still holds, so the page reads as before.",
        ],
    );
    // Bob's correction taken back, Alice's holds again.
    let id = corrections[0]["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let undone = app
        .send(
            "DELETE",
            &format!("{CORRECTIONS}/{id}"),
            Some(&alice),
            None,
            &[],
        )
        .await;
    assert_eq!(undone.status, StatusCode::NO_CONTENT);
    let json = memo_voices(&app).await;
    assert_eq!(json["corrections"][0]["outcome"], "removed", "{json}");
    assert!(voice_by_label(&json, "Western commentators").is_none());

    // A typed label whose id is another voice's gets an id of its own.
    let body = serde_json::json!({"target": target("rose sharply"), "voice": {"label": "CHN observers", "official": false}});
    let own = app
        .send("POST", CORRECTIONS, Some(&alice), Some(&body), &[])
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
    let ids: Vec<String> = memo_voices(&app).await["voices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&"chn-observers-2".to_owned()), "{ids:?}");

    let cases = [
        (
            serde_json::json!({"target": target("irked"), "voice": {"id": "nobody-at-all"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "voice.id",
        ),
        (
            serde_json::json!({"target": target("irked")}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "`voice`",
        ),
        (
            serde_json::json!({"target": target("irked"), "voice": {"label": "X"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "voice.official",
        ),
        (
            serde_json::json!({"target": target("irked"), "voice": {"label": "X", "official": true, "actor": "atlantis"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "voice.actor",
        ),
        (
            serde_json::json!({"target": target("not in the memo"), "voice": null}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "TextQuoteSelector",
        ),
        (
            serde_json::json!({"target": format!("{}/documents/memo", crate::helpers::BASE_URL), "voice": null}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "one sentence",
        ),
    ];
    for (body, status, says) in cases {
        let page = app
            .send("POST", CORRECTIONS, Some(&alice), Some(&body), &[])
            .await;
        assert_eq!(page.status, status, "{body}: {}", page.body);
        let message = page.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains(says), "{body}: {message}");
    }
    let body = serde_json::json!({"target": target("irked"), "voice": null});
    let anonymous = app.send("POST", CORRECTIONS, None, Some(&body), &[]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let missing = app
        .send(
            "POST",
            "/api/documents/no-such/voices/corrections",
            Some(&alice),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(
        memo_voices(&app).await["corrections"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "bad input changes nothing"
    );
}

#[tokio::test]
async fn sentences_carried_on_from_a_reassigned_one_follow_it() {
    let app = TestApp::with_files(&[("memo.txt", MEMO)]).await;
    let alice = app.add_analyst("alice").await;
    let before = memo_voices(&app).await;
    let western = voice_by_label(&before, "Western commentators").unwrap()["id"].clone();
    let body =
        serde_json::json!({"target": target("partnership is a slogan"), "voice": {"id": western}});
    let page = app
        .send("POST", CORRECTIONS, Some(&alice), Some(&body), &[])
        .await;
    assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
    let after = memo_voices(&app).await;
    assert!(
        voice_by_label(&after, "Chinese observers").is_none(),
        "{after}"
    );
    let claims = voice_by_label(&after, "Western commentators").unwrap()["claims"]
        .as_array()
        .unwrap()
        .clone();
    let how: Vec<(&str, bool)> = claims
        .iter()
        .map(|c| {
            (
                c["attribution"].as_str().unwrap(),
                c["rule"]
                    .as_str()
                    .unwrap()
                    .contains("from a sentence an analyst reassigned"),
            )
        })
        .collect();
    assert_eq!(
        how,
        vec![("explicit", false), ("analyst", false), ("pronoun", true)],
        "{after}"
    );
    // Taken back, the rules' voices return to both.
    let id = page.json()["id"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    app.send(
        "DELETE",
        &format!("{CORRECTIONS}/{id}"),
        Some(&alice),
        None,
        &[],
    )
    .await;
    let restored = memo_voices(&app).await;
    assert_eq!(
        voice_by_label(&restored, "Chinese observers").unwrap()["claims"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
