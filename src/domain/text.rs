//! Offsets into text.
//!
//! glossa counts every offset in **Unicode code points** (Rust `char`s), as the W3C Web
//! Annotation model requires for `TextPositionSelector`. Rust strings are indexed by UTF-8
//! bytes and JavaScript strings by UTF-16 units, so each boundary converts exactly once.

/// Number of code points in `text`.
pub fn cp_len(text: &str) -> usize {
    text.chars().count()
}

/// Converts ascending byte offsets (each on a char boundary) into code point offsets in one
/// pass over the text.
pub fn byte_to_cp_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(byte_offsets.len());
    let mut chars = text.char_indices().peekable();
    let mut cp = 0;
    for &target in byte_offsets {
        while let Some(&(byte, _)) = chars.peek() {
            if byte >= target {
                break;
            }
            chars.next();
            cp += 1;
        }
        out.push(cp);
    }
    out
}

/// Byte offset of every code point, plus one entry for the end of the text, so that
/// `index[cp]` is the byte where code point `cp` starts.
pub fn cp_byte_index(text: &str) -> Vec<usize> {
    let mut index: Vec<usize> = text.char_indices().map(|(byte, _)| byte).collect();
    index.push(text.len());
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_count_astral_characters_once() {
        assert_eq!(cp_len("a🇺🇦é"), 4);
        assert_eq!(cp_len(""), 0);
    }

    #[test]
    fn byte_offsets_convert_to_code_points() {
        let text = "€1 🙂x";
        // € is 3 bytes, 🙂 is 4 bytes.
        assert_eq!(
            byte_to_cp_offsets(text, &[0, 3, 4, 5, 9, 10]),
            vec![0, 1, 2, 3, 4, 5]
        );
    }

    #[test]
    fn byte_index_ends_with_the_text_length() {
        assert_eq!(cp_byte_index("a€b"), vec![0, 1, 4, 5]);
    }
}
