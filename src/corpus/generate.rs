//! A generated corpus for measuring at scale (`glossa gen-corpus`): documents built from the
//! seed's own sentences, reshuffled, in both formats, with footnote markers and actor names,
//! so imports, pages and memory can be measured at 10,000 documents without shipping data.

/// The seed commentary the sentences come from.
const SEED: &str = include_str!("../../corpus/russia-north-korea-chinese-views.txt");

/// Names and aliases worked into the text, so the matcher has work to do.
const NAMES: &[&str] = &[
    "Moscow",
    "Pyongyang",
    "Beijing",
    "Washington",
    "Seoul",
    "Tokyo",
    "Kyiv",
    "the Kremlin",
    "NATO",
    "the UN",
    "ASEAN",
    "the European Union",
    "Xi Jinping",
    "Vladimir Putin",
    "Kim Jong Un",
    "Sino-Russian",
    "the West",
];

/// A small deterministic generator (xorshift), so the same seed gives the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The seed's sentences without their footnote numbers.
fn sentences() -> Vec<String> {
    let (detected, _) =
        super::super::domain::footnotes::detect_markers(&SEED.lines().collect::<Vec<_>>());
    detected
        .iter()
        .flat_map(|d| {
            d.text
                .split_inclusive(". ")
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|s| s.len() > 20)
        .collect()
}

/// `count` documents as `(file name, contents)`, every fourth one in Markdown.
pub fn generate(count: usize, seed: u64) -> Vec<(String, String)> {
    let sentences = sentences();
    let mut rng = Rng(seed.max(1));
    (0..count)
        .map(|i| {
            let paragraphs = 3 + rng.below(28);
            let markdown = i % 4 == 3;
            let mut footnote = 0;
            let mut body = Vec::with_capacity(paragraphs);
            for _ in 0..paragraphs {
                let mut paragraph = String::new();
                for _ in 0..2 + rng.below(5) {
                    let mut sentence = sentences[rng.below(sentences.len())].clone();
                    if rng.below(3) == 0 {
                        sentence = format!("{} {}", NAMES[rng.below(NAMES.len())], sentence.trim_end_matches('.').to_owned() + ".");
                    }
                    if sentence.ends_with('.') && rng.below(3) == 0 {
                        footnote += 1;
                        sentence.push_str(&if markdown { format!("[^{footnote}]") } else { footnote.to_string() });
                    }
                    paragraph.push_str(&sentence);
                    paragraph.push(' ');
                }
                body.push(paragraph.trim_end().to_owned());
            }
            if markdown {
                let notes: String = (1..=footnote).map(|n| format!("[^{n}]: Reference {n} of document {i}.\n")).collect();
                let text = format!(
                    "+++\ntitle = \"Generated commentary {i}\"\nauthor = \"Generator\"\npublished = 2025-01-{:02}\n+++\n\n{}\n\n{notes}",
                    1 + i % 28,
                    body.join("\n\n")
                );
                (format!("generated-{i:05}.md"), text)
            } else {
                (format!("generated-{i:05}.txt"), body.join("\n") + "\n")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::formats::{parse_md, parse_txt};

    #[test]
    fn generated_documents_parse_with_their_markers_in_sequence() {
        let docs = generate(8, 42);
        assert_eq!(docs, generate(8, 42), "deterministic");
        for (name, text) in &docs {
            let parsed = if name.ends_with(".md") {
                parse_md(text).unwrap()
            } else {
                parse_txt(text, Default::default())
            };
            assert!(parsed.blocks.len() >= 3, "{name}");
            let numbers: Vec<u32> = parsed
                .blocks
                .iter()
                .flat_map(|b| b.footnote_refs.iter().map(|r| r.number))
                .collect();
            assert_eq!(
                numbers,
                (1..=numbers.len() as u32).collect::<Vec<_>>(),
                "{name}"
            );
        }
    }
}
