//! The co-occurrence matrix: actors down and across, each cell shaded by the number of
//! sentences that name both actors and carrying that number, so the picture reads without its
//! shades. Drawn as SVG on the server; the same numbers go into a table.

use super::cooccurrence::Pair;

/// Actors a matrix shows at most: beyond a dozen the cells get too small to read.
pub const MOST_ACTORS: usize = 12;
/// Width of the row labels' column, in SVG units.
pub const LABEL_WIDTH: usize = 150;
/// Side of one cell.
pub const CELL: usize = 38;

/// An actor the matrix may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixActor {
    /// Actor id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Palette slot.
    pub tone: u8,
}

/// A cell of the matrix, placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The row's actor (index into [`Matrix::actors`]).
    pub row: usize,
    /// The column's actor.
    pub column: usize,
    /// Sentences naming both.
    pub sentences: usize,
    /// Paragraphs naming both.
    pub paragraphs: usize,
    /// Shade from 1 (fewest) to 4 (most), relative to the strongest pair.
    pub shade: u8,
    /// Top-left corner, in SVG units.
    pub x: usize,
    pub y: usize,
}

/// The matrix of the strongest pairs, laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    /// The actors shown, in row (and column) order.
    pub actors: Vec<MatrixActor>,
    /// Non-empty cells, both halves of the square.
    pub cells: Vec<Cell>,
    /// Actors named with another that did not fit.
    pub left_out: usize,
    /// The most sentences any shown pair shares.
    pub max: usize,
    /// Height of the band of slanted column labels, enough for the longest name.
    pub header: usize,
    /// The SVG's size.
    pub width: usize,
    pub height: usize,
}

impl Matrix {
    /// The cell at `row`, `column`, if the two are named together.
    pub fn cell(&self, row: &usize, column: &usize) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.row == *row && c.column == *column)
    }

    /// The y of row `i`'s label baseline.
    pub fn label_y(&self, i: &usize) -> usize {
        self.header + *i * CELL + CELL / 2 + 4
    }

    /// The top-left corner of the square at `row`, `column`.
    pub fn corner(&self, row: &usize, column: &usize) -> (usize, usize) {
        (LABEL_WIDTH + *column * CELL, self.header + *row * CELL)
    }

    /// The x of column `i`'s centre.
    pub fn column_x(&self, i: &usize) -> usize {
        LABEL_WIDTH + *i * CELL + CELL / 2
    }

    /// The strongest pairs, in order, for the picture's description.
    pub fn strongest(&self, n: usize) -> Vec<(&str, &str, usize)> {
        let mut upper: Vec<&Cell> = self.cells.iter().filter(|c| c.row < c.column).collect();
        upper.sort_by(|a, b| b.sentences.cmp(&a.sentences).then(a.row.cmp(&b.row)));
        upper
            .into_iter()
            .take(n)
            .map(|c| {
                (
                    self.actors[c.row].name.as_str(),
                    self.actors[c.column].name.as_str(),
                    c.sentences,
                )
            })
            .collect()
    }
}

/// The matrix of `pairs` among `actors` (in the order to prefer them when there are too many):
/// the actors taking part in the most shared sentences, at most [`MOST_ACTORS`], kept in
/// `actors`' order. Pairs naming an actor not in `actors` are left out.
pub fn matrix(actors: &[MatrixActor], pairs: &[Pair]) -> Matrix {
    let weight = |id: &str| -> usize {
        pairs
            .iter()
            .filter(|p| p.sentences > 0 && (p.a == id || p.b == id))
            .map(|p| p.sentences)
            .sum()
    };
    let mut ranked: Vec<(usize, usize)> = actors
        .iter()
        .enumerate()
        .map(|(i, a)| (i, weight(&a.id)))
        .filter(|(_, w)| *w > 0)
        .collect();
    let named_together = ranked.len();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(MOST_ACTORS);
    ranked.sort_by_key(|(i, _)| *i);
    let shown: Vec<MatrixActor> = ranked.iter().map(|(i, _)| actors[*i].clone()).collect();
    let index = |id: &str| shown.iter().position(|a| a.id == id);
    let placed: Vec<(usize, usize, &Pair)> = pairs
        .iter()
        .filter(|p| p.sentences > 0)
        .filter_map(|p| Some((index(&p.a)?, index(&p.b)?, p)))
        .collect();
    let max = placed
        .iter()
        .map(|(_, _, p)| p.sentences)
        .max()
        .unwrap_or(0);
    // A name slanted at 45° rises and runs about five units a letter at 12px.
    let longest = shown
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(0);
    let header = longest * 5 + 16;
    let mut cells = Vec::new();
    for (i, j, pair) in placed {
        for (row, column) in [(i, j), (j, i)] {
            cells.push(Cell {
                row,
                column,
                sentences: pair.sentences,
                paragraphs: pair.paragraphs,
                shade: shade(pair.sentences, max),
                x: LABEL_WIDTH + column * CELL,
                y: header + row * CELL,
            });
        }
    }
    cells.sort_by_key(|c| (c.row, c.column));
    Matrix {
        width: LABEL_WIDTH + shown.len() * CELL + longest * 5,
        height: header + shown.len() * CELL + 4,
        header,
        left_out: named_together - shown.len(),
        actors: shown,
        cells,
        max,
    }
}

/// Four shades, the darkest for the strongest pair: a quarter of the maximum or less is the
/// lightest.
fn shade(count: usize, max: usize) -> u8 {
    if max == 0 {
        return 1;
    }
    let quarters = (count * 4).div_ceil(max);
    u8::try_from(quarters.clamp(1, 4)).unwrap_or(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: &str) -> MatrixActor {
        MatrixActor {
            id: id.into(),
            name: id.into(),
            tone: 1,
        }
    }

    fn pair(a: &str, b: &str, sentences: usize) -> Pair {
        Pair {
            a: a.into(),
            b: b.into(),
            sentences,
            paragraphs: sentences,
        }
    }

    #[test]
    fn cells_mirror_across_the_diagonal_and_shade_by_strength() {
        let m = matrix(
            &[actor("RUS"), actor("PRK"), actor("CHN"), actor("USA")],
            &[
                pair("PRK", "RUS", 8),
                pair("CHN", "RUS", 2),
                pair("CHN", "PRK", 0),
            ],
        );
        let ids: Vec<&str> = m.actors.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            ["RUS", "PRK", "CHN"],
            "an actor named with no one is left out"
        );
        assert_eq!(m.max, 8);
        let korea_russia = m.cell(&1, &0).unwrap();
        assert_eq!((korea_russia.sentences, korea_russia.shade), (8, 4));
        assert_eq!(m.cell(&0, &1).unwrap().sentences, 8);
        assert_eq!(m.cell(&0, &2).unwrap().shade, 1);
        assert!(
            m.cell(&1, &2).is_none(),
            "a pair with no shared sentence is empty"
        );
        assert!(m.cell(&0, &0).is_none());
        assert_eq!(m.strongest(1), [("RUS", "PRK", 8)]);
        assert_eq!(m.left_out, 0);
    }

    #[test]
    fn only_the_most_connected_actors_fit() {
        let actors: Vec<MatrixActor> = (0..20).map(|i| actor(&format!("A{i:02}"))).collect();
        let pairs: Vec<Pair> = (1..20)
            .map(|i| pair("A00", &format!("A{i:02}"), i))
            .collect();
        let m = matrix(&actors, &pairs);
        assert_eq!(m.actors.len(), MOST_ACTORS);
        assert_eq!(m.left_out, 20 - MOST_ACTORS);
        assert_eq!(m.actors[0].id, "A00");
        assert_eq!(
            m.actors.last().unwrap().id,
            "A19",
            "kept in the given order"
        );
        assert!(!m.actors.iter().any(|a| a.id == "A01"), "the weakest go");
    }
}
