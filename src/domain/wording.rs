//! How numbers read on a page: "1 footnote", "20 footnotes", never "1 footnotes".

/// `n` and the noun, singular for one and plural otherwise (an `s`, or `es` after a
/// hissing sound: "matches", "boxes").
pub fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| noun.ends_with(end))
    {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(counted(0, "note"), "0 notes");
        assert_eq!(counted(1, "footnote"), "1 footnote");
        assert_eq!(counted(20, "paragraph"), "20 paragraphs");
        assert_eq!(counted(3, "match"), "3 matches");
        assert_eq!(counted(1, "match"), "1 match");
    }
}
