//! Facets as links: each value of a facet narrows the search by adding its filter to the
//! query text, and an active one is a link that takes the filter away again. The query text
//! stays the one thing a search is, so a narrowed search can be bookmarked, edited by hand
//! and shared.

use crate::domain::search::SearchQuery;
use crate::store::search::FacetValue;

use super::pages::url_encode;

/// One value of a facet, as a link.
pub struct FacetLink {
    pub label: String,
    pub count: i64,
    /// The search narrowed by this value, or widened again when it is active.
    pub url: String,
    /// Whether the search is already narrowed by it.
    pub active: bool,
}

/// A facet as shown: its heading and its values.
pub struct FacetGroup {
    pub title: &'static str,
    /// What its counts count ("passages", "notes").
    pub counts: &'static str,
    pub values: Vec<FacetLink>,
}

/// A filter written as a person would type it: `field:value`, quoted when the value has
/// spaces or characters of the search language; `None` when it cannot be written (a value
/// with a double quote).
pub fn filter_token(field: &str, value: &str) -> Option<String> {
    if value.contains('"') || value.is_empty() {
        return None;
    }
    let plain = value
        .chars()
        .all(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '*'));
    Some(if plain {
        format!("{field}:{value}")
    } else {
        format!("{field}:\"{value}\"")
    })
}

/// `query` without the filter tokens given (each removed once, as a whole token).
fn without(query: &str, tokens: &[String]) -> String {
    let mut rest = query.to_owned();
    for token in tokens {
        let spaced = format!(" {rest} ");
        if let Some(at) = spaced.find(&format!(" {token} ")) {
            let mut out = spaced.clone();
            out.replace_range(at..at + token.len() + 1, "");
            rest = out.trim().to_owned();
        }
    }
    rest.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds facet links for the page at `path` (`/search`, `/notes`).
pub struct FacetLinks<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub query: &'a SearchQuery,
}

impl FacetLinks<'_> {
    fn url(&self, text: &str) -> String {
        if text.is_empty() {
            self.path.to_owned()
        } else {
            format!("{}?q={}", self.path, url_encode(text))
        }
    }

    /// Links for values that each add `field:value`; `active` says whether the query has it.
    pub fn group(
        &self,
        title: &'static str,
        counts: &'static str,
        field: &str,
        values: Vec<FacetValue>,
        active: impl Fn(&str) -> bool,
    ) -> FacetGroup {
        let values = values
            .into_iter()
            .filter_map(|v| {
                let token = filter_token(field, &v.value)?;
                Some(self.link(v, &[token], &active))
            })
            .collect();
        FacetGroup {
            title,
            counts,
            values,
        }
    }

    /// Years: each adds `after:YEAR before:YEAR+1`.
    pub fn years(&self, counts: &'static str, values: Vec<FacetValue>) -> FacetGroup {
        let filters = &self.query.filters;
        let values = values
            .into_iter()
            .filter_map(|v| {
                let next = v.value.parse::<u32>().ok()? + 1;
                let tokens = [format!("after:{}", v.value), format!("before:{next}")];
                let active = filters.after.as_deref() == Some(v.value.as_str())
                    && filters.before.as_deref() == Some(next.to_string().as_str());
                Some(self.link(v, &tokens, |_: &str| active))
            })
            .collect();
        FacetGroup {
            title: "Years",
            counts,
            values,
        }
    }

    fn link(
        &self,
        value: FacetValue,
        tokens: &[String],
        active: impl Fn(&str) -> bool,
    ) -> FacetLink {
        let active = active(&value.value);
        let text = if active {
            without(self.text, tokens)
        } else {
            format!("{} {}", self.text.trim(), tokens.join(" "))
                .trim()
                .to_owned()
        };
        FacetLink {
            url: self.url(&text),
            label: value.label,
            count: value.count,
            active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{filter_token, without};

    #[test]
    fn filters_are_written_as_typed() {
        assert_eq!(
            filter_token("tag", "sanctions").as_deref(),
            Some("tag:sanctions")
        );
        assert_eq!(
            filter_token("tag", "foreign policy").as_deref(),
            Some("tag:\"foreign policy\"")
        );
        assert_eq!(filter_token("tag", "say \"no\""), None);
    }

    #[test]
    fn an_active_filter_is_taken_away_whole() {
        let tokens = ["tag:sanctions".to_owned()];
        assert_eq!(without("Moscow tag:sanctions", &tokens), "Moscow");
        assert_eq!(
            without("tag:sanctionsx tag:sanctions", &tokens),
            "tag:sanctionsx"
        );
        assert_eq!(without("tag:sanctions", &tokens), "");
    }
}
