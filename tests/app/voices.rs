//! Voices: whose view each sentence gives, as the API serves them.

use axum::http::StatusCode;

use crate::helpers::{SEED, TestApp};

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
