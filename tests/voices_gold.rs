//! The voices gold set (`tests/voices/`): precision and recall of the attribution rules on
//! every sentence of three hand-labelled documents, explicit and carried voices apart, and
//! the claims made on sentences that report no one. Fails below the floors the voices issue
//! sets; `bash scripts/voices-score.sh` prints the table.

use std::collections::BTreeMap;
use std::path::Path;

use glossa::corpus::formats::parse_txt;
use glossa::domain::actors::Gazetteer;
use glossa::domain::document::{AnalysedDocument, Metadata};
use serde::Deserialize;

#[derive(Deserialize)]
struct Gold {
    document: String,
    #[serde(default)]
    claim: Vec<GoldClaim>,
}

#[derive(Deserialize)]
struct GoldClaim {
    paragraph: usize,
    sentence: String,
    actor: String,
    official: bool,
    attribution: String,
}

/// Counts for one kind of attribution.
#[derive(Default, Clone, Copy)]
struct Tally {
    predicted: usize,
    gold: usize,
    right: usize,
}

impl Tally {
    fn precision(self) -> f64 {
        if self.predicted == 0 {
            1.0
        } else {
            self.right as f64 / self.predicted as f64
        }
    }
    fn recall(self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.right as f64 / self.gold as f64
        }
    }
}

/// A predicted or gold voice of a sentence: (explicit?, actor, official).
type Said = (bool, String, bool);

struct Scored {
    explicit: Tally,
    carried: Tally,
    invented: Vec<String>,
    misses: Vec<String>,
}

fn score(dir: &Path, repo: &Path) -> BTreeMap<String, Scored> {
    let gazetteer =
        Gazetteer::parse(&std::fs::read_to_string(repo.join("corpus/actors.toml")).unwrap())
            .unwrap();
    let mut out = BTreeMap::new();
    let mut golds: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".gold.toml"))
        .collect();
    golds.sort();
    for path in golds {
        let gold: Gold = toml::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text_path = [
            dir.join(&gold.document),
            repo.join("corpus").join(&gold.document),
        ]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{} names a missing document", path.display()));
        let text = std::fs::read_to_string(&text_path).unwrap();
        let analysed = AnalysedDocument::analyse(parse_txt(&text, Metadata::default()), &gazetteer);
        let voices = analysed.voices(&gazetteer);

        // Every sentence, keyed by paragraph and text, with what the rules and the gold say.
        let mut predicted: BTreeMap<(usize, String), Said> = BTreeMap::new();
        for claim in &voices.claims {
            let block: Vec<char> = analysed.parsed.blocks[claim.paragraph]
                .text
                .chars()
                .collect();
            let sentence: String = block[claim.sentence.clone()].iter().collect();
            let voice = voices.voice(&claim.voice).unwrap();
            predicted.insert(
                (claim.paragraph + 1, sentence),
                (
                    !claim.attribution.is_carried(),
                    voice.actor.clone().unwrap_or_else(|| "none".into()),
                    voice.official,
                ),
            );
        }
        let mut scored = Scored {
            explicit: Tally::default(),
            carried: Tally::default(),
            invented: Vec::new(),
            misses: Vec::new(),
        };
        let mut labelled = Vec::new();
        for g in &gold.claim {
            let key = predicted
                .keys()
                .find(|(p, s)| *p == g.paragraph && s.starts_with(&g.sentence))
                .cloned();
            let explicit = g.attribution == "explicit";
            let tally = if explicit {
                &mut scored.explicit
            } else {
                &mut scored.carried
            };
            tally.gold += 1;
            let expected: Said = (explicit, g.actor.clone(), g.official);
            match key.as_ref().and_then(|k| predicted.get(k)) {
                Some(said) if *said == expected => tally.right += 1,
                said => scored.misses.push(format!(
                    "¶{} “{}”: expected {:?}, got {:?}",
                    g.paragraph, g.sentence, expected, said
                )),
            }
            if let Some(k) = key {
                labelled.push(k);
            }
        }
        for (key, said) in &predicted {
            if said.0 {
                scored.explicit.predicted += 1;
            } else {
                scored.carried.predicted += 1;
            }
            if !labelled.contains(key) {
                scored
                    .invented
                    .push(format!("¶{} “{}”: {:?}", key.0, key.1, said));
            }
        }
        out.insert(gold.document.clone(), scored);
    }
    out
}

#[test]
fn attribution_meets_its_floors_on_the_gold_set() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scored = score(&repo.join("tests/voices"), repo);
    assert!(scored.len() >= 3, "three documents at least");
    let mut explicit = Tally::default();
    let mut carried = Tally::default();
    let mut invented = 0;
    println!("| document | explicit P | explicit R | carried P | carried R | invented |");
    println!("|---|---|---|---|---|---|");
    for (document, s) in &scored {
        println!(
            "| {document} | {:.2} ({}/{}) | {:.2} ({}/{}) | {:.2} ({}/{}) | {:.2} ({}/{}) | {} |",
            s.explicit.precision(),
            s.explicit.right,
            s.explicit.predicted,
            s.explicit.recall(),
            s.explicit.right,
            s.explicit.gold,
            s.carried.precision(),
            s.carried.right,
            s.carried.predicted,
            s.carried.recall(),
            s.carried.right,
            s.carried.gold,
            s.invented.len()
        );
        for line in s.misses.iter().chain(&s.invented) {
            println!("    {line}");
        }
        for (all, one) in [(&mut explicit, s.explicit), (&mut carried, s.carried)] {
            all.predicted += one.predicted;
            all.gold += one.gold;
            all.right += one.right;
        }
        invented += s.invented.len();
    }
    println!(
        "| all | {:.2} | {:.2} | {:.2} | {:.2} | {invented} |",
        explicit.precision(),
        explicit.recall(),
        carried.precision(),
        carried.recall()
    );
    assert!(
        explicit.precision() >= 0.9,
        "explicit precision {:.2} < 0.90",
        explicit.precision()
    );
    assert!(
        explicit.recall() >= 0.85,
        "explicit recall {:.2} < 0.85",
        explicit.recall()
    );
    assert_eq!(invented, 0, "claims on sentences that report no one");
}
