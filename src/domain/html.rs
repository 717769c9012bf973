//! HTML that glossa itself built, and the escaping that keeps corpus and user text inert.
//!
//! `SafeHtml` is the only value templates print without escaping (askama's `HtmlSafe`), and it
//! can only be made in this crate: by the span renderer, by the Markdown sanitiser, or from a
//! string that went through [`escape_into`].

use std::fmt;

/// Markup produced by glossa's own renderers; printed verbatim by templates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// Wraps markup built inside the crate. Callers guarantee every piece of corpus or user
    /// text inside it was escaped or sanitised.
    pub(crate) fn from_trusted(markup: String) -> Self {
        SafeHtml(markup)
    }

    /// Escapes plain text into markup.
    pub fn escape(text: &str) -> Self {
        let mut out = String::with_capacity(text.len() + text.len() / 8);
        escape_into(&mut out, text);
        SafeHtml(out)
    }

    /// The markup as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes the value, returning the markup.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for SafeHtml {}

impl serde::Serialize for SafeHtml {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Appends `text` to `out`, escaped for use both as element content and inside a
/// double- or single-quoted attribute value.
pub fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_markup_and_attribute_quotes() {
        assert_eq!(
            SafeHtml::escape(r#"<img src=x onerror="a('b')">&"#).as_str(),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
    }

    #[test]
    fn escaping_keeps_non_ascii_text() {
        assert_eq!(SafeHtml::escape("Russia’s 🇺🇦").as_str(), "Russia’s 🇺🇦");
    }
}
