//! Document metadata in TOML: Markdown front matter and `.txt` sidecars share these keys.

use serde::Deserialize;

use crate::domain::document::Metadata;
use crate::domain::grades::Reliability;
use crate::domain::markdown::is_safe_link;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetadata {
    title: Option<String>,
    author: Option<String>,
    published: Option<toml::Value>,
    source: Option<String>,
    outlet: Option<String>,
    reliability: Option<String>,
    language: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

/// Parses metadata TOML, naming the key to fix when something is wrong.
pub fn parse_metadata(toml_text: &str) -> Result<Metadata, String> {
    let raw: RawMetadata = toml::from_str(toml_text).map_err(|e| e.message().to_owned())?;
    let published = raw.published.map(parse_date).transpose()?;
    if let Some(source) = &raw.source
        && (!is_safe_link(source) || source.starts_with("mailto:"))
    {
        return Err(format!(
            "`source` must be an http or https URL, not {source:?}"
        ));
    }
    let reliability = raw
        .reliability
        .map(|letter| {
            Reliability::parse(&letter).ok_or_else(|| {
                format!(
                    "`reliability` must be an Admiralty letter from A (completely reliable) to F (reliability cannot be judged), not {letter:?}"
                )
            })
        })
        .transpose()?;
    let blank = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    Ok(Metadata {
        title: blank(raw.title),
        author: blank(raw.author),
        outlet: blank(raw.outlet),
        reliability,
        published,
        source: raw.source,
        language: blank(raw.language),
        tags: raw
            .tags
            .into_iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect(),
    })
}

/// Accepts a TOML date (`published = 2024-06-19`) or the same as a string.
fn parse_date(value: toml::Value) -> Result<String, String> {
    let text = match value {
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::String(s) => s,
        other => {
            return Err(format!(
                "`published` must be a date such as 2024-06-19, not {other}"
            ));
        }
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date_part = text.get(..10).unwrap_or(&text);
    time::Date::parse(date_part, &format)
        .map(|_| date_part.to_owned())
        .map_err(|_| format!("`published` must be a date such as 2024-06-19, not {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key() {
        let meta = parse_metadata(
            "title = \"T\"\nauthor = \"A\"\npublished = 2024-06-19\nsource = \"https://e.org/a\"\nlanguage = \"en\"\ntags = [\"korea\", \" \"]",
        )
        .unwrap();
        assert_eq!(meta.title.as_deref(), Some("T"));
        assert_eq!(meta.published.as_deref(), Some("2024-06-19"));
        assert_eq!(meta.tags, vec!["korea".to_string()]);
        let graded =
            parse_metadata("author = \"A\"\noutlet = \" Carnegie \"\nreliability = \"b\"").unwrap();
        assert_eq!(graded.outlet.as_deref(), Some("Carnegie"));
        assert_eq!(graded.source_name(), Some("Carnegie"));
        assert_eq!(graded.reliability, Reliability::parse("B"));
    }

    #[test]
    fn errors_name_the_key_to_fix() {
        for (toml, key) in [
            ("titel = \"x\"", "titel"),
            ("published = \"June 2024\"", "published"),
            ("published = 2024", "published"),
            ("source = \"javascript:alert(1)\"", "source"),
            ("tags = \"one\"", "sequence"),
            ("reliability = \"B2\"", "reliability"),
        ] {
            let err = parse_metadata(toml).unwrap_err();
            assert!(err.contains(key), "{err:?} should name {key}");
        }
    }
}
