//! Document slugs: the only names that reach URLs and file names.

use std::fmt;

/// A validated slug matching `^[a-z0-9][a-z0-9-]{0,79}$`.
///
/// Because a `Slug` cannot hold `/`, `.`, `%` or NUL, nothing built from one can point
/// outside the corpus or the export name it is used for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

/// Why a string is not a slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a valid slug: use 1 to 80 lowercase ASCII letters, digits and hyphens, starting with a letter or digit"
)]
pub struct InvalidSlug(pub String);

impl Slug {
    /// Longest slug accepted.
    pub const MAX_LEN: usize = 80;

    /// Parses a slug, rejecting anything outside the allow-list.
    pub fn parse(candidate: &str) -> Result<Slug, InvalidSlug> {
        let bytes = candidate.as_bytes();
        let allowed = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        let valid = !bytes.is_empty()
            && bytes.len() <= Self::MAX_LEN
            && allowed(&bytes[0])
            && bytes.iter().all(|b| allowed(b) || *b == b'-');
        if valid {
            Ok(Slug(candidate.to_owned()))
        } else {
            let shown: String = candidate.chars().take(100).collect();
            Err(InvalidSlug(shown.escape_debug().to_string()))
        }
    }

    /// The slug most like `text`: accents dropped ("Antónió" → "antonio"), anything else
    /// that is not a letter or digit a hyphen, cut to the longest slug; `None` when nothing
    /// of `text` is ASCII.
    pub fn suggest(text: &str) -> Option<Slug> {
        use unicode_normalization::UnicodeNormalization;
        let mut slug = String::new();
        for c in text
            .nfkd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.truncate(Self::MAX_LEN);
        Slug::parse(slug.trim_end_matches('-')).ok()
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_slug_from_a_name() {
        let suggest = |t: &str| Slug::suggest(t).map(|s| s.0);
        assert_eq!(suggest("Kim Jong Un").as_deref(), Some("kim-jong-un"));
        assert_eq!(
            suggest("António Guterres").as_deref(),
            Some("antonio-guterres")
        );
        assert_eq!(suggest("  O’Neill & Co. ").as_deref(), Some("o-neill-co"));
        assert_eq!(suggest("Пхеньян"), None);
    }

    #[test]
    fn accepts_lowercase_words_digits_and_hyphens() {
        for ok in [
            "a",
            "0",
            "russia-north-korea-chinese-views",
            "2024-review",
            &"a".repeat(80),
        ] {
            assert!(Slug::parse(ok).is_ok(), "{ok} should be a slug");
        }
    }

    #[test]
    fn rejects_traversal_case_and_length() {
        for bad in [
            "",
            "-a",
            "A",
            "a_b",
            "a.b",
            "../etc",
            "..%2F",
            "a\0b",
            "a/b",
            "é",
            "a b",
            &"a".repeat(81),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
