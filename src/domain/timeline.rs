//! An actor's timeline: how often the corpus names it, month by month of the documents'
//! publication, with the documents that state no date apart at the end. Drawn as SVG bars on
//! the server; the same numbers go into a table.

/// Height of the bars' area, in SVG units.
pub const PLOT_HEIGHT: usize = 120;
/// Left margin, for the scale.
pub const LEFT: usize = 40;
/// Bottom band, for the period labels.
pub const BOTTOM: usize = 36;

/// Mentions in one period (a month as `YYYY-MM`, a year when only the year is known, or none
/// for undated documents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `YYYY-MM`, `YYYY`, or `None` for documents without a date.
    pub label: Option<String>,
    /// Mentions.
    pub mentions: i64,
    /// Documents naming the actor.
    pub documents: i64,
}

/// A bar, placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    /// What it counts ("2024-06", "undated").
    pub label: String,
    pub mentions: i64,
    pub documents: i64,
    pub x: usize,
    pub y: usize,
    pub width: usize,
    pub height: usize,
    /// Whether its label is written under it (every one when they fit, else some).
    pub labelled: bool,
    /// Whether it counts undated documents (drawn apart, pale with a dashed outline).
    pub undated: bool,
}

/// The timeline, laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub bars: Vec<Bar>,
    /// The most mentions in a period (the scale's top).
    pub max: i64,
    pub width: usize,
    pub height: usize,
}

impl Timeline {
    /// How many bars count dated documents.
    pub fn dated(&self) -> usize {
        self.bars.iter().filter(|b| !b.undated).count()
    }

    /// Whether the last bar counts documents without a date.
    pub fn has_undated(&self) -> bool {
        self.bars.iter().any(|b| b.undated)
    }
}

/// Lays out `periods` (dated ones in order, undated last) as bars.
pub fn timeline(periods: &[Period]) -> Timeline {
    let max = periods.iter().map(|p| p.mentions).max().unwrap_or(0).max(1);
    let count = periods.len().max(1);
    let slot = (720 / count).clamp(6, 48);
    let gap_before_undated = slot / 2;
    let every = (40 / slot).max(1);
    let mut bars = Vec::with_capacity(periods.len());
    let mut x = LEFT + 4;
    for (i, p) in periods.iter().enumerate() {
        let undated = p.label.is_none();
        if undated && i > 0 {
            x += gap_before_undated;
        }
        let height = usize::try_from(p.mentions * PLOT_HEIGHT as i64 / max)
            .unwrap_or(0)
            .max(1);
        bars.push(Bar {
            label: p.label.clone().unwrap_or_else(|| "undated".to_owned()),
            mentions: p.mentions,
            documents: p.documents,
            x,
            y: 8 + PLOT_HEIGHT - height,
            width: slot.saturating_sub(2).max(2),
            height,
            labelled: undated || i % every == 0,
            undated,
        });
        x += slot;
    }
    Timeline {
        bars,
        max,
        width: x + 8,
        height: 8 + PLOT_HEIGHT + BOTTOM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(label: Option<&str>, mentions: i64) -> Period {
        Period {
            label: label.map(str::to_owned),
            mentions,
            documents: 1,
        }
    }

    #[test]
    fn bars_scale_to_the_busiest_period_and_undated_documents_stand_apart() {
        let t = timeline(&[
            period(Some("2024-06"), 10),
            period(Some("2024-07"), 5),
            period(None, 2),
        ]);
        assert_eq!(t.max, 10);
        assert_eq!(t.bars[0].height, PLOT_HEIGHT);
        assert_eq!(t.bars[1].height, PLOT_HEIGHT / 2);
        assert!(t.bars[2].undated && t.bars[2].label == "undated");
        assert!(
            t.bars[2].x - t.bars[1].x > t.bars[1].x - t.bars[0].x,
            "a gap before undated"
        );
        assert!(timeline(&[]).bars.is_empty());
    }
}
