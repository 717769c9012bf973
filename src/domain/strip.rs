//! The mention strip: where in a document each of its actors is named. Paragraphs run along
//! the x axis, the document's actors (in the legend's order, most named first) down the y
//! axis, and a mark sits wherever a paragraph names an actor, larger the more often it does —
//! so the picture reads without its colours. Drawn as SVG on the server; the same numbers go
//! into a table for readers who do not see it.

use super::actors::Mention;
use super::article::LegendEntry;

/// Width of the actor names' column, in SVG units.
pub const LABEL_WIDTH: usize = 150;
/// Height of one actor's row.
pub const ROW_HEIGHT: usize = 24;
/// Height of the paragraph numbers' band at the top.
pub const HEADER_HEIGHT: usize = 24;

/// One actor's row: how often each paragraph names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripRow {
    /// Actor id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Palette slot.
    pub tone: u8,
    /// Mentions in each paragraph, in order.
    pub counts: Vec<usize>,
}

/// A mark: an actor named in a paragraph, placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripMark {
    /// Paragraph number, from 1.
    pub paragraph: usize,
    /// Mentions there.
    pub count: usize,
    /// Centre, in SVG units.
    pub x: usize,
    pub y: usize,
    /// Radius: 3, 5 or 7 for one, two, three or more mentions.
    pub r: usize,
}

/// The strip of a document, laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strip {
    /// Paragraphs in the document.
    pub paragraphs: usize,
    /// One row per actor named.
    pub rows: Vec<StripRow>,
    /// Width of one paragraph's column.
    pub cell: usize,
    /// The SVG's size.
    pub width: usize,
    pub height: usize,
}

impl Strip {
    /// The marks of row `i` (by reference, as templates pass it).
    pub fn marks(&self, i: &usize) -> Vec<StripMark> {
        let i = *i;
        let Some(row) = self.rows.get(i) else {
            return Vec::new();
        };
        row.counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(p, count)| StripMark {
                paragraph: p + 1,
                count: *count,
                x: LABEL_WIDTH + p * self.cell + self.cell / 2,
                y: HEADER_HEIGHT + i * ROW_HEIGHT + ROW_HEIGHT / 2,
                r: match count {
                    1 => 3,
                    2 => 5,
                    _ => 7,
                },
            })
            .collect()
    }

    /// The y of row `i`'s baseline for its label.
    pub fn label_y(&self, i: &usize) -> usize {
        HEADER_HEIGHT + *i * ROW_HEIGHT + ROW_HEIGHT / 2 + 4
    }

    /// Paragraph numbers shown along the top: every one when they fit, else every fifth.
    pub fn ticks(&self) -> Vec<(usize, usize)> {
        let step = if self.cell >= 16 { 1 } else { 5 };
        (1..=self.paragraphs)
            .filter(|n| step == 1 || *n == 1 || n % step == 0)
            .map(|n| (n, LABEL_WIDTH + (n - 1) * self.cell + self.cell / 2))
            .collect()
    }
}

/// The strip of a document whose paragraphs name `mentions` (one list per paragraph), with a
/// row for each actor of `legend` that it names.
pub fn mention_strip(legend: &[LegendEntry], mentions: &[Vec<Mention>]) -> Strip {
    let paragraphs = mentions.len();
    let rows: Vec<StripRow> = legend
        .iter()
        .map(|entry| StripRow {
            id: entry.id.clone(),
            name: entry.name.clone(),
            tone: entry.tone,
            counts: mentions
                .iter()
                .map(|found| found.iter().filter(|m| m.actor_id == entry.id).count())
                .collect(),
        })
        .filter(|row| row.counts.iter().any(|c| *c > 0))
        .collect();
    // Paragraph columns shrink to fit a long document into about 720 units, never below 6.
    let cell = (720 / paragraphs.max(1)).clamp(6, 28);
    Strip {
        paragraphs,
        cell,
        width: LABEL_WIDTH + paragraphs * cell + 8,
        height: HEADER_HEIGHT + rows.len() * ROW_HEIGHT + 4,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::actors::ActorKind;

    fn mention(actor: &str) -> Mention {
        Mention {
            start: 0,
            end: 1,
            actor_id: actor.into(),
            matched: actor.into(),
        }
    }

    fn entry(id: &str) -> LegendEntry {
        LegendEntry {
            id: id.into(),
            name: id.into(),
            kind: ActorKind::State,
            tone: 1,
            mentions: 0,
            description: None,
        }
    }

    #[test]
    fn a_mark_for_each_paragraph_and_actor_named_sized_by_count() {
        let mentions = vec![
            vec![mention("RUS"), mention("RUS"), mention("PRK")],
            vec![],
            vec![mention("PRK"), mention("PRK"), mention("PRK")],
        ];
        let strip = mention_strip(&[entry("RUS"), entry("PRK"), entry("USA")], &mentions);
        assert_eq!(
            strip.rows.len(),
            2,
            "an actor the document never names has no row"
        );
        let russia = strip.marks(&0);
        assert_eq!(russia.len(), 1);
        assert_eq!(
            (russia[0].paragraph, russia[0].count, russia[0].r),
            (1, 2, 5)
        );
        let korea: Vec<(usize, usize)> =
            strip.marks(&1).iter().map(|m| (m.paragraph, m.r)).collect();
        assert_eq!(korea, vec![(1, 3), (3, 7)]);
        assert_eq!(strip.ticks().len(), 3);
    }
}
