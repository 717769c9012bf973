use super::*;
use crate::domain::sentences;

fn gazetteer() -> Gazetteer {
    Gazetteer::parse(include_str!("../../../corpus/actors.toml")).expect("the corpus gazetteer")
}

/// For each claim: the sentence's first words, the voice label, its actor, whether it is
/// official, and how it was found.
fn claims(paragraphs: &[&str]) -> Vec<(String, String, Option<String>, bool, &'static str)> {
    let gazetteer = gazetteer();
    let analysed: Vec<(Vec<Range<usize>>, Vec<Mention>)> = paragraphs
        .iter()
        .map(|text| (sentences::split(text), gazetteer.find_mentions(text)))
        .collect();
    let input: Vec<Paragraph<'_>> = paragraphs
        .iter()
        .zip(&analysed)
        .map(|(text, (sentences, mentions))| Paragraph {
            text,
            sentences,
            mentions,
        })
        .collect();
    let found = attribute(&input, &gazetteer);
    found
        .claims
        .iter()
        .map(|claim| {
            let voice = found
                .voice(&claim.voice)
                .expect("every claim's voice is listed");
            let text: String = paragraphs[claim.paragraph]
                .chars()
                .skip(claim.sentence.start)
                .take(claim.sentence.len())
                .collect();
            let opening: Vec<&str> = text.split_whitespace().take(3).collect();
            (
                opening.join(" "),
                voice.label.clone(),
                voice.actor.clone(),
                voice.official,
                claim.attribution.as_str(),
            )
        })
        .collect()
}

fn one(text: &str) -> Option<(String, Option<String>, bool, &'static str)> {
    let mut found = claims(&[text]);
    assert!(found.len() <= 1, "{text}: {found:?}");
    found
        .pop()
        .map(|(_, label, actor, official, how)| (label, actor, official, how))
}

fn voice(
    label: &str,
    actor: Option<&str>,
    official: bool,
    how: &'static str,
) -> Option<(String, Option<String>, bool, &'static str)> {
    Some((label.to_owned(), actor.map(str::to_owned), official, how))
}

#[test]
fn explicit_cues_name_their_voice() {
    let cases = [
        (
            "Commentators in the West have speculated that the ties have irked Beijing.",
            voice("Western commentators", Some("WEST"), false, "explicit"),
        ),
        (
            "Chinese observers contend that hostility with the West has created common interests.",
            voice("Chinese observers", Some("CHN"), false, "explicit"),
        ),
        (
            "The Chinese Foreign Ministry has however refrained from expressing disapproval, asserting it to be a sovereign right.",
            voice("Chinese Foreign Ministry", Some("CHN"), true, "explicit"),
        ),
        (
            "Even so, Chinese commentators feel, this cooperation is constrained.",
            voice("Chinese commentators", Some("CHN"), false, "explicit"),
        ),
        (
            "Moscow has hinted that Russia will abide by the UN sanctions.",
            voice("Russia", Some("RUS"), true, "explicit"),
        ),
        (
            "President Vladimir Putin in a public address in September 2024 observed that relations have some restrictions.",
            voice("Vladimir Putin", Some("RUS"), true, "explicit"),
        ),
        (
            "Similarly, while acknowledging that the signing indicates an upgrade, analysts in Chinese media emphasise the limitations.",
            voice("Chinese analysts", Some("CHN"), false, "explicit"),
        ),
        (
            "According to Seoul's defence ministry, the launch failed.",
            voice("Seoul's defence ministry", Some("KOR"), true, "explicit"),
        ),
        (
            "Tokyo lodged a formal protest, calling the manoeuvre “dangerous and unprofessional”.",
            voice("Japan", Some("JPN"), true, "explicit"),
        ),
        (
            "Commentators on Chinese social media went further, with some calling for a boycott.",
            voice("Chinese commentators", Some("CHN"), false, "explicit"),
        ),
        (
            "According to Park Min-jun, a researcher at the Asan Institute in Seoul, each flare-up tests allies.",
            voice("South Korean researchers", Some("KOR"), false, "explicit"),
        ),
        (
            "“We will not back down,” said a spokesman for the Japanese government.",
            voice(
                "Spokesman for the Japanese government",
                Some("JPN"),
                true,
                "explicit",
            ),
        ),
        (
            "“The talks are over,” Pyongyang said on Tuesday.",
            voice("North Korea", Some("PRK"), true, "explicit"),
        ),
        (
            "Critics in Washington warn that the deal rewards aggression.",
            voice("American critics", Some("USA"), false, "explicit"),
        ),
        (
            "Former Japanese officials argue that the base should move.",
            voice("Former Japanese officials", Some("JPN"), false, "explicit"),
        ),
        (
            "In Beijing's view, the sanctions have failed.",
            voice("China", Some("CHN"), true, "explicit"),
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(one(text), expected, "{text}");
    }
}

#[test]
fn sentences_that_report_no_one_make_no_claim() {
    for text in [
        "Beijing has not commented on the treaty.",
        "The Chinese Foreign Ministry declined to comment.",
        "Pyongyang and Moscow have committed to mutual assistance.",
        "Russia claims the territory as its own.",
        "Putin met Kim in Pyongyang and signed the treaty.",
        "It is noteworthy that Russia played a supporting role.",
        "For Moscow, strained ties with Western powers have hindered the economy.",
        "While Beijing’s official response has been muted, the ties grow.",
        "The security threat perceived from the US military presence has been a factor.",
        "Member states of the UN report annually.",
        "We argue that the partnership is limited.",
        "The two countries perceive it as convenient to resist the West.",
        "Analysts were not surprised by the notes of the meeting.",
        "The report notes the ministry's budget.",
        "Moscow did not say whether it would respond.",
        "Officials could say more next week.",
        "The armed forces held drills, setting off alarms in Seoul.",
        "Trade rose sharply, with some exports doubling.",
        "Officials held talks in Beijing on Tuesday.",
    ] {
        assert_eq!(one(text), None, "{text}");
    }
}

#[test]
fn bare_groups_take_the_nearest_qualified_group() {
    let found = claims(&[
        "Discussions in Chinese media offer a glimpse of interpretation by analysts. Analysts posit that the ties are driven by the situation.",
    ]);
    assert_eq!(
        found,
        [(
            "Analysts posit that".to_owned(),
            "Chinese analysts".to_owned(),
            Some("CHN".to_owned()),
            false,
            "explicit"
        )]
    );
    let unqualified = claims(&["Analysts posit that the ties are driven by the situation."]);
    assert_eq!(unqualified[0].1, "Analysts");
    assert_eq!(unqualified[0].2, None);
}

#[test]
fn voices_carry_by_pronoun_agentless_cue_and_continuation() {
    let found = claims(&[
        "Chinese observers contend that hostility has created common interests. The two countries perceive it as convenient to resist. According to them, it is almost natural that they band together.",
        "Chinese analysts argue that the relationship is likely to change. Russia’s ability to intervene could be limited. Further, Russia’s interests are largely based in Europe. Also, it is noted that the cooperation remains limited.",
    ]);
    let hows: Vec<(&str, &str)> = found
        .iter()
        .map(|(opening, _, _, _, how)| (opening.as_str(), *how))
        .collect();
    assert_eq!(
        hows,
        [
            ("Chinese observers contend", "explicit"),
            ("The two countries", "implicit"),
            ("According to them,", "pronoun"),
            ("Chinese analysts argue", "explicit"),
            ("Russia’s ability to", "implicit"),
            ("Further, Russia’s interests", "implicit"),
            ("Also, it is", "agentless"),
        ]
    );
    assert!(found[..3].iter().all(|c| c.1 == "Chinese observers"));
    assert!(found[3..].iter().all(|c| c.1 == "Chinese analysts"));
}

#[test]
fn carrying_stops_at_a_turn_the_author_or_a_new_paragraph() {
    let found = claims(&[
        "As observers note, the threat has been a factor. It is noteworthy that Russia played a supporting role. However, there are concerns whether Moscow is trying to carve out a position.",
        "It is also argued that the ties will grow.",
    ]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "Observers");
}

#[test]
fn claims_record_code_point_spans() {
    let text = "Ще. Chinese analysts argue that Russia’s role is limited.";
    let gazetteer = gazetteer();
    let sentences = sentences::split(text);
    let mentions = gazetteer.find_mentions(text);
    let found = attribute(
        &[Paragraph {
            text,
            sentences: &sentences,
            mentions: &mentions,
        }],
        &gazetteer,
    );
    let claim = &found.claims[0];
    let chars: Vec<char> = text.chars().collect();
    let read = |span: &Span| chars[span.start..span.end].iter().collect::<String>();
    let cue = claim.cue.as_ref().expect("a cue");
    let source = claim.source.as_ref().expect("a source");
    assert_eq!((read(cue), cue.text.as_str()), ("argue".into(), "argue"));
    assert_eq!(read(source), "Chinese analysts");
    assert_eq!(claim.sentence, 4..chars.len());
    assert_eq!(claim.rule, "subject");
}

#[test]
fn appositives_asides_state_outlets_and_possessive_pronouns() {
    let who = |paragraphs: &[&str]| -> Vec<(Option<String>, bool, &'static str)> {
        claims(paragraphs)
            .into_iter()
            .map(|(_, _, actor, official, how)| (actor, official, how))
            .collect()
    };
    let official = |actor: &str| (Some(actor.to_owned()), true, "explicit");
    assert_eq!(
        who(&["“We will respond,” said Yoshimasa Hayashi, Japan’s chief cabinet secretary."]),
        [official("JPN")]
    );
    assert_eq!(
        who(&[
            "Pyongyang fired a missile on Monday. According to the state news agency KCNA, the test succeeded."
        ]),
        [official("PRK")]
    );
    assert_eq!(
        who(&[
            "The Chinese Foreign Ministry spokesperson, Lin Jian, told reporters that the drills were provocative."
        ]),
        [official("CHN")]
    );
    assert_eq!(
        who(&["A senior French official said the talks would resume."]),
        [official("FRA")]
    );
    assert_eq!(
        who(&[
            "Critics in Washington argue that the plan will fail. In their view, the cost is too high."
        ]),
        [
            (Some("USA".to_owned()), false, "explicit"),
            (Some("USA".to_owned()), false, "pronoun")
        ]
    );
}
