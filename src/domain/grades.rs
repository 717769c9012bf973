//! The Admiralty grading code (NATO STANAG 2511): how far a source can be trusted (A–F) and
//! how likely a piece of information is (1–6), judged independently and kept apart. Written
//! together as the conventional badge ("B2"), and as MISP taxonomy machine tags
//! (`admiralty-scale:source-reliability="b"`) so that other tools can read them.

use std::fmt;

/// How far a source can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reliability {
    /// Completely reliable.
    A,
    /// Usually reliable.
    B,
    /// Fairly reliable.
    C,
    /// Not usually reliable.
    D,
    /// Unreliable.
    E,
    /// Reliability cannot be judged.
    F,
}

/// How likely a piece of information is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Credibility {
    /// 1: confirmed by other sources.
    Confirmed,
    /// 2: probably true.
    Probable,
    /// 3: possibly true.
    Possible,
    /// 4: doubtful.
    Doubtful,
    /// 5: improbable.
    Improbable,
    /// 6: truth cannot be judged.
    CannotBeJudged,
}

/// Every reliability, best first.
pub const RELIABILITIES: [Reliability; 6] = [
    Reliability::A,
    Reliability::B,
    Reliability::C,
    Reliability::D,
    Reliability::E,
    Reliability::F,
];

/// Every credibility, 1 to 6.
pub const CREDIBILITIES: [Credibility; 6] = [
    Credibility::Confirmed,
    Credibility::Probable,
    Credibility::Possible,
    Credibility::Doubtful,
    Credibility::Improbable,
    Credibility::CannotBeJudged,
];

impl Reliability {
    /// "A" … "F".
    pub fn letter(self) -> &'static str {
        match self {
            Reliability::A => "A",
            Reliability::B => "B",
            Reliability::C => "C",
            Reliability::D => "D",
            Reliability::E => "E",
            Reliability::F => "F",
        }
    }

    /// The standard's words for it.
    pub fn words(self) -> &'static str {
        match self {
            Reliability::A => "Completely reliable",
            Reliability::B => "Usually reliable",
            Reliability::C => "Fairly reliable",
            Reliability::D => "Not usually reliable",
            Reliability::E => "Unreliable",
            Reliability::F => "Reliability cannot be judged",
        }
    }

    /// A letter A–F, in either case.
    pub fn parse(text: &str) -> Option<Reliability> {
        RELIABILITIES
            .into_iter()
            .find(|r| r.letter().eq_ignore_ascii_case(text.trim()))
    }
}

impl Credibility {
    /// 1 … 6.
    pub fn number(self) -> u8 {
        CREDIBILITIES
            .iter()
            .position(|c| *c == self)
            .map_or(6, |i| i as u8 + 1)
    }

    /// The standard's words for it.
    pub fn words(self) -> &'static str {
        match self {
            Credibility::Confirmed => "Confirmed by other sources",
            Credibility::Probable => "Probably true",
            Credibility::Possible => "Possibly true",
            Credibility::Doubtful => "Doubtful",
            Credibility::Improbable => "Improbable",
            Credibility::CannotBeJudged => "Truth cannot be judged",
        }
    }

    /// The grade numbered `number` (1–6).
    pub fn from_number(number: i64) -> Option<Credibility> {
        usize::try_from(number)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| CREDIBILITIES.get(i).copied())
    }

    /// A digit 1–6.
    pub fn parse(text: &str) -> Option<Credibility> {
        text.trim()
            .parse::<i64>()
            .ok()
            .and_then(Credibility::from_number)
    }
}

impl fmt::Display for Reliability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.letter())
    }
}

impl fmt::Display for Credibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.number())
    }
}

/// The grades an assessing note gives: the credibility of the passage's claim, and perhaps
/// the reliability of the passage's source. Either may be missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Grades {
    /// How far the passage's source can be trusted.
    pub reliability: Option<Reliability>,
    /// How likely the passage's claim is.
    pub credibility: Option<Credibility>,
}

impl Grades {
    /// Whether neither grade is given.
    pub fn is_empty(&self) -> bool {
        self.reliability.is_none() && self.credibility.is_none()
    }

    /// The conventional badge: "B2", or one part alone ("B", "2") when only one is judged.
    pub fn badge(&self) -> Option<String> {
        match (self.reliability, self.credibility) {
            (None, None) => None,
            (r, c) => Some(format!(
                "{}{}",
                r.map_or(String::new(), |r| r.letter().to_owned()),
                c.map_or(String::new(), |c| c.number().to_string())
            )),
        }
    }

    /// The badge in words, as a screen reader or a tooltip says it.
    pub fn words(&self) -> String {
        let source = self
            .reliability
            .map(|r| format!("source reliability {}: {}", r.letter(), r.words()));
        let claim = self
            .credibility
            .map(|c| format!("credibility {}: {}", c.number(), c.words()));
        let words = [source, claim]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
        let mut chars = words.chars();
        chars.next().map_or(String::new(), |first| {
            first.to_uppercase().chain(chars).collect()
        })
    }

    /// The MISP `admiralty-scale` machine tags for these grades.
    pub fn machine_tags(&self) -> Vec<String> {
        let source = self
            .reliability
            .map(|r| format!("{MISP_RELIABILITY}\"{}\"", r.letter().to_ascii_lowercase()));
        let claim = self
            .credibility
            .map(|c| format!("{MISP_CREDIBILITY}\"{}\"", c.number()));
        [source, claim].into_iter().flatten().collect()
    }
}

const MISP_RELIABILITY: &str = "admiralty-scale:source-reliability=";
const MISP_CREDIBILITY: &str = "admiralty-scale:information-credibility=";

/// One grade read from a MISP machine tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineTag {
    /// `admiralty-scale:source-reliability="…"`.
    Reliability(Reliability),
    /// `admiralty-scale:information-credibility="…"`.
    Credibility(Credibility),
}

/// Reads a MISP `admiralty-scale` machine tag: `None` when `tag` is not one (an ordinary tag),
/// an error when it is one with a value outside the scale.
pub fn parse_machine_tag(tag: &str) -> Option<Result<MachineTag, String>> {
    let unquote = |value: &str| value.trim().trim_matches('"').to_owned();
    if let Some(value) = tag.strip_prefix(MISP_RELIABILITY) {
        let value = unquote(value);
        return Some(
            Reliability::parse(&value)
                .map(MachineTag::Reliability)
                .ok_or_else(|| format!("source reliability {value:?} is not a letter from A to F")),
        );
    }
    if let Some(value) = tag.strip_prefix(MISP_CREDIBILITY) {
        let value = unquote(value);
        return Some(
            Credibility::parse(&value)
                .map(MachineTag::Credibility)
                .ok_or_else(|| format!("credibility {value:?} is not a number from 1 to 6")),
        );
    }
    None
}

/// A span of grades a search asks for, both ends included: `A-B`, `C`, `1-3`, `2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeRange<T> {
    /// The best grade in the span.
    pub best: T,
    /// The worst grade in the span.
    pub worst: T,
}

impl<T: Copy + Ord> GradeRange<T> {
    fn of(parse: impl Fn(&str) -> Option<T>, text: &str) -> Option<GradeRange<T>> {
        let (from, to) = text.split_once('-').unwrap_or((text, text));
        let (a, b) = (parse(from)?, parse(to)?);
        Some(GradeRange {
            best: a.min(b),
            worst: a.max(b),
        })
    }

    /// Whether `grade` is in the span.
    pub fn holds(&self, grade: T) -> bool {
        self.best <= grade && grade <= self.worst
    }
}

impl GradeRange<Reliability> {
    /// `A-B`, `c`, `B-D`; `None` when a part is not a letter from A to F.
    pub fn parse(text: &str) -> Option<GradeRange<Reliability>> {
        GradeRange::of(Reliability::parse, text)
    }
}

impl GradeRange<Credibility> {
    /// `1-3`, `2`; `None` when a part is not a number from 1 to 6.
    pub fn parse(text: &str) -> Option<GradeRange<Credibility>> {
        GradeRange::of(Credibility::parse, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_and_words_follow_the_standard() {
        let cases = [
            (
                Some("B"),
                Some(2),
                Some("B2"),
                "Source reliability B: Usually reliable; credibility 2: Probably true",
            ),
            (
                Some("f"),
                None,
                Some("F"),
                "Source reliability F: Reliability cannot be judged",
            ),
            (
                None,
                Some(6),
                Some("6"),
                "Credibility 6: Truth cannot be judged",
            ),
            (None, None, None, ""),
        ];
        for (letter, number, badge, words) in cases {
            let grades = Grades {
                reliability: letter.and_then(Reliability::parse),
                credibility: number.and_then(Credibility::from_number),
            };
            assert_eq!(grades.badge().as_deref(), badge);
            assert_eq!(grades.words(), words);
        }
        assert_eq!(Credibility::from_number(0), None);
        assert_eq!(Credibility::from_number(7), None);
        assert_eq!(Reliability::parse("G"), None);
        assert_eq!(Reliability::parse("AB"), None);
    }

    #[test]
    fn machine_tags_round_trip_and_refuse_values_off_the_scale() {
        let grades = Grades {
            reliability: Some(Reliability::C),
            credibility: Some(Credibility::Possible),
        };
        let tags = grades.machine_tags();
        assert_eq!(
            tags,
            [
                "admiralty-scale:source-reliability=\"c\"",
                "admiralty-scale:information-credibility=\"3\""
            ]
        );
        assert_eq!(
            parse_machine_tag(&tags[0]),
            Some(Ok(MachineTag::Reliability(Reliability::C)))
        );
        assert_eq!(
            parse_machine_tag(&tags[1]),
            Some(Ok(MachineTag::Credibility(Credibility::Possible)))
        );
        assert_eq!(parse_machine_tag("sanctions"), None);
        assert!(matches!(
            parse_machine_tag("admiralty-scale:source-reliability=\"g\""),
            Some(Err(_))
        ));
        assert!(matches!(
            parse_machine_tag("admiralty-scale:information-credibility=\"9\""),
            Some(Err(_))
        ));
    }

    #[test]
    fn ranges_take_either_order_and_one_grade() {
        let r = GradeRange::<Reliability>::parse("B-a").unwrap();
        assert!(r.holds(Reliability::A) && r.holds(Reliability::B) && !r.holds(Reliability::C));
        let c = GradeRange::<Credibility>::parse("3").unwrap();
        assert!(c.holds(Credibility::Possible) && !c.holds(Credibility::Probable));
        let c = GradeRange::<Credibility>::parse("1-3").unwrap();
        assert!(c.holds(Credibility::Confirmed) && !c.holds(Credibility::Doubtful));
        assert_eq!(GradeRange::<Credibility>::parse("1-9"), None);
        assert_eq!(GradeRange::<Reliability>::parse("A-"), None);
        assert_eq!(GradeRange::<Reliability>::parse(""), None);
    }
}
