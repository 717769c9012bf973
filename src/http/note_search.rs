//! `GET /api/annotations?…`: notes across the corpus as one W3C `AnnotationCollection`, with
//! Hypothesis's search parameters, so a client written for its API finds its way.
//!
//! | parameter | meaning |
//! |---|---|
//! | `user` | the author (`alice`, `acct:alice@…` or the analyst's IRI) |
//! | `tag` | a tag; repeat it for notes with all of them |
//! | `any` | glossa's search language over body, tags and quote (filters too) |
//! | `text` | words in the body |
//! | `quote` | words in the quote |
//! | `uri` (or `url`) | the document: its IRI, its path or its slug |
//! | `sort` | `updated` (default), `created` or `relevance` |
//! | `order` | `desc` (default) or `asc` |
//! | `limit` | notes per page, 1–200 (default 20) |
//! | `page` | which `AnnotationPage`, from 0; without it, the collection with its first page |

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::Response;

use super::AppState;
use super::annotations::ld_text_response;
use super::auth::Viewer;
use super::pages::url_encode;
use crate::domain::annotation::{Note, PageInfo, found_collection_jsonld, found_page_jsonld};
use crate::domain::search::SearchQuery;
use crate::error::AppError;
use crate::store::annotations::NoteFilter;
use crate::store::search::{NoteOrder, NoteSearch};

/// Notes per page unless `limit` says otherwise.
const DEFAULT_LIMIT: i64 = 20;
/// Most notes one page may hold.
const MAX_LIMIT: i64 = 200;
const PARAMETERS: &str = "user, tag, any, text, quote, uri, url, sort, order, limit, page";

fn bad(message: impl Into<String>) -> AppError {
    AppError::client(StatusCode::BAD_REQUEST, "bad_query", message)
}

/// The request, checked.
struct Request {
    search: NoteSearch,
    limit: i64,
    page: Option<i64>,
    /// The parameters that define the collection (all but `page`), for its IRIs.
    defining: Vec<(String, String)>,
}

/// Words for `text` or `quote`: the search language without filters.
fn words_only(name: &str, value: &str) -> Result<SearchQuery, AppError> {
    let query = SearchQuery::parse(value).map_err(|e| bad(format!("{name}: {}", e.0)))?;
    if query.filters != Default::default() {
        return Err(bad(format!(
            "{name} takes words only; put filters such as tag: in `any`."
        )));
    }
    Ok(query)
}

/// The document a `uri` names: its IRI, a path to it, or its slug.
fn document_of(uri: &str, base: &str) -> String {
    let path = uri.strip_prefix(base).unwrap_or(uri);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.trim_start_matches('/')
        .strip_prefix("documents/")
        .unwrap_or(path.trim_start_matches('/'))
        .trim_end_matches('/')
        .to_owned()
}

/// The analyst a `user` names.
fn analyst_of(user: &str, base: &str) -> String {
    let user = user
        .strip_prefix(&format!("{base}/analysts/"))
        .unwrap_or(user);
    let user = user.strip_prefix("acct:").unwrap_or(user);
    user.split('@').next().unwrap_or(user).to_owned()
}

fn parse_request(raw: Option<&str>, base: &str) -> Result<Request, AppError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut query = SearchQuery::default();
    let mut search = NoteSearch::default();
    let mut limit = DEFAULT_LIMIT;
    let mut page = None;
    let mut sort = "updated".to_owned();
    let mut order = "desc".to_owned();
    let mut seen: Vec<&str> = Vec::new();
    for (name, value) in &pairs {
        if name != "tag" {
            if seen.contains(&name.as_str()) {
                return Err(bad(format!("{name} may be given once (only tag repeats).")));
            }
            seen.push(name);
        }
        let filter = |q: &mut SearchQuery, field: &str, value: &str| {
            q.filters
                .add(field, value)
                .map_err(|e| bad(format!("{name}: {}", e.0)))
        };
        match name.as_str() {
            "user" => filter(&mut query, "author", &analyst_of(value, base))?,
            "tag" => filter(&mut query, "tag", value)?,
            "uri" | "url" => filter(&mut query, "doc", &document_of(value, base))?,
            "any" => {
                let any = SearchQuery::parse(value).map_err(|e| bad(format!("any: {}", e.0)))?;
                query.groups.extend(any.groups);
                query.excluded.extend(any.excluded);
                query.filters.merge(any.filters);
            }
            "text" => search.in_body = Some(words_only(name, value)?),
            "quote" => search.in_quote = Some(words_only(name, value)?),
            "sort" => sort = value.clone(),
            "order" => order = value.clone(),
            "limit" => {
                limit = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_LIMIT).contains(n))
                    .ok_or_else(|| {
                        bad(format!(
                            "limit must be a whole number from 1 to {MAX_LIMIT}."
                        ))
                    })?;
            }
            "page" => {
                page = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|n: &i64| *n >= 0)
                        .ok_or_else(|| bad("page must be a page number: 0, 1, 2 …"))?,
                );
            }
            other => {
                return Err(bad(format!(
                    "There is no parameter {other:?}; the parameters are {PARAMETERS}."
                )));
            }
        }
    }
    let newest_first = match order.as_str() {
        "desc" => true,
        "asc" => false,
        other => {
            return Err(bad(format!(
                "order {other:?} is not known; use desc or asc."
            )));
        }
    };
    search.order = match sort.as_str() {
        "updated" => NoteOrder::Modified { newest_first },
        "created" => NoteOrder::Created { newest_first },
        "relevance" => NoteOrder::Relevance,
        other => {
            return Err(bad(format!(
                "sort {other:?} is not known; use updated, created or relevance."
            )));
        }
    };
    search.query = query;
    let defining = pairs.into_iter().filter(|(k, _)| k != "page").collect();
    Ok(Request {
        search,
        limit,
        page,
        defining,
    })
}

/// The collection's IRI: this path with the parameters that define it, in the order given.
fn collection_iri(base: &str, defining: &[(String, String)]) -> String {
    let query: Vec<String> = defining
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect();
    if query.is_empty() {
        format!("{base}/api/annotations")
    } else {
        format!("{base}/api/annotations?{}", query.join("&"))
    }
}

fn page_iri(collection: &str, page: i64) -> String {
    let joiner = if collection.contains('?') { '&' } else { '?' };
    format!("{collection}{joiner}page={page}")
}

/// `GET /api/annotations?…`: the notes the viewer may see that match, across documents.
#[utoipa::path(get, path = "/api/annotations", tag = "annotations",
    params(
        ("user" = Option<String>, Query, description = "The author: a name, acct:NAME@… or the analyst's IRI"),
        ("tag" = Option<Vec<String>>, Query, description = "A tag; repeat for notes with all of them"),
        ("any" = Option<String>, Query, description = "glossa's search language over body, tags and quote"),
        ("text" = Option<String>, Query, description = "Words in the body"),
        ("quote" = Option<String>, Query, description = "Words in the quote"),
        ("uri" = Option<String>, Query, description = "The document: its IRI, path or slug (also `url`)"),
        ("sort" = Option<String>, Query, description = "updated (default), created or relevance"),
        ("order" = Option<String>, Query, description = "desc (default) or asc"),
        ("limit" = Option<i64>, Query, description = "Notes per page, 1–200 (default 20)"),
        ("page" = Option<i64>, Query, description = "AnnotationPage number from 0; without it, the collection with its first page"),
    ),
    responses((status = 200, description = "An AnnotationCollection with its first page, or an AnnotationPage", body = Object, content_type = "application/ld+json"),
              (status = 400, description = "A parameter is wrong; the message names it", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "The page is past the end", body = super::openapi::ErrorEnvelope)))]
pub async fn find_annotations(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    state.check_reader(&viewer)?;
    let base = state.iris.base();
    let request = parse_request(raw.as_deref(), base)?;
    let filter = NoteFilter::for_viewer(viewer.analyst_id());
    let number = request.page.unwrap_or(0);
    let found = state
        .store
        .search_notes(
            &request.search,
            filter,
            number.saturating_mul(request.limit),
            request.limit,
        )
        .await?;
    let total = found.total;
    let last = (total - 1).max(0) / request.limit;
    if request.page.is_some() && number > last {
        return Err(AppError::NotFound(format!(
            "Page {number} is past the end: pages count from 0, and the last is page {last} ({} of {} notes).",
            crate::domain::wording::counted(u64::try_from(last + 1).unwrap_or(1), "page"),
            request.limit
        )));
    }
    let notes: Vec<Note> = found.hits.into_iter().map(|hit| hit.note).collect();
    let collection = collection_iri(base, &request.defining);
    let info = PageInfo {
        id: page_iri(&collection, number),
        start_index: number * request.limit,
        total,
        next: (number < last).then(|| page_iri(&collection, number + 1)),
        prev: (number > 0).then(|| page_iri(&collection, number - 1)),
    };
    let body = match request.page {
        Some(_) => serde_json::to_string(&found_page_jsonld(
            &notes,
            &state.iris,
            collection.clone(),
            info,
            true,
        )),
        None => {
            let first = (total > 0)
                .then(|| found_page_jsonld(&notes, &state.iris, collection.clone(), info, false));
            serde_json::to_string(&found_collection_jsonld(
                &state.iris,
                collection.clone(),
                "Notes found".to_owned(),
                total,
                first,
                (total > 0).then(|| page_iri(&collection, last)),
            ))
        }
    }
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(super::cache::cacheable(ld_text_response(
        StatusCode::OK,
        body,
        &[(header::CONTENT_LOCATION, collection)],
    )))
}

#[cfg(test)]
mod tests {
    use super::{analyst_of, document_of, parse_request};

    const BASE: &str = "http://glossa.test";

    #[test]
    fn documents_are_named_by_iri_path_or_slug() {
        for uri in [
            "http://glossa.test/documents/seed",
            "/documents/seed",
            "seed",
            "http://glossa.test/documents/seed#p3",
            "/documents/seed/",
        ] {
            assert_eq!(document_of(uri, BASE), "seed", "{uri}");
        }
    }

    #[test]
    fn users_are_named_as_hypothesis_or_glossa_names_them() {
        for user in [
            "alice",
            "acct:alice@glossa.test",
            "http://glossa.test/analysts/alice",
        ] {
            assert_eq!(analyst_of(user, BASE), "alice", "{user}");
        }
    }

    #[test]
    fn tags_repeat_and_other_parameters_do_not() {
        let r = parse_request(Some("tag=a&tag=b%20c&user=bob"), BASE)
            .ok()
            .unwrap();
        assert_eq!(r.search.query.filters.tags, vec!["a", "b c"]);
        assert_eq!(r.search.query.filters.authors, vec!["bob"]);
        assert!(parse_request(Some("user=a&user=b"), BASE).is_err());
        assert!(parse_request(Some("tags=a"), BASE).is_err());
        assert!(parse_request(Some("limit=201"), BASE).is_err());
        assert!(parse_request(Some("text=tag:x"), BASE).is_err());
        assert!(parse_request(Some("sort=id"), BASE).is_err());
    }
}
