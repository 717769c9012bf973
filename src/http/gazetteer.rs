//! The names glossa does not know yet, and adding them: `/actors/unknown` lists capitalised
//! names no alias covers, with examples; a signed-in analyst adds one as another name of an
//! actor or as a new actor, and every document is matched again. The same as JSON at
//! `/api/actors/unknown`, `POST /api/actors` and `POST /api/actors/{id}/aliases`.

use askama::Template;
use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::actors::context;
use super::auth::Viewer;
use super::pages::{HtmlError, Layout, require_reader};
use super::search::page_number;
use crate::corpus::gazetteer_file::{AddError, Kept, rematch, save_addition};
use crate::domain::actors::{ActorKind, Addition, AdditionError};
use crate::domain::search::SnippetPart;
use crate::domain::wording::counted;
use crate::error::AppError;
use crate::store::actors::{ActorRecord, UnknownNames};

/// Names per page of the report.
const PAGE_SIZE: i64 = 50;

/// A name as the report shows it.
struct NameRow {
    text: String,
    count: i64,
    documents: i64,
    examples: Vec<Example>,
}

/// A sentence using the name.
struct Example {
    url: String,
    title: String,
    paragraph: i64,
    context: Vec<SnippetPart>,
}

#[derive(Template)]
#[template(path = "unknown.html")]
struct UnknownPage {
    layout: Layout,
    names: Vec<NameRow>,
    total: i64,
    page: i64,
    pages: i64,
    actors: Vec<ActorRecord>,
    can_add: bool,
    message: Option<String>,
    error: Option<(String, String)>,
    /// The form that was refused, so what was typed stays in it.
    submitted: Option<AddForm>,
}

impl UnknownPage {
    fn page_url(&self, page: i64) -> String {
        format!("/actors/unknown?page={page}")
    }

    fn count(n: i64, noun: &str) -> String {
        counted(u64::try_from(n).unwrap_or(0), noun)
    }

    /// The id a new actor named `name` would most likely get: a slug, as a person's is.
    fn suggested_id(name: &str) -> String {
        crate::domain::slug::Slug::suggest(name).map_or_else(String::new, |s| s.as_str().to_owned())
    }

    fn field_id(&self, index: &usize, field: &str) -> String {
        format!("n{index}-{field}")
    }

    /// The refused form for `name`, if it was the one `add_as` ("alias" or "actor").
    fn refused(&self, name: &str, add_as: &str) -> Option<&AddForm> {
        self.submitted
            .as_ref()
            .filter(|f| f.text.trim() == name && f.add_as == add_as)
    }

    /// What was typed into `field` of the refused form for `name`, or `fallback`.
    fn kept(&self, name: &str, add_as: &str, field: &str, fallback: &str) -> String {
        let Some(form) = self.refused(name, add_as) else {
            return fallback.to_owned();
        };
        let value = match field {
            "actor" => &form.actor,
            "id" => &form.id,
            "kind" => &form.kind,
            "affiliation" => &form.affiliation,
            _ => &form.role,
        };
        value.clone().unwrap_or_default()
    }

    /// Whether the refusal is about `name`, shown beside its form rather than at the top.
    fn error_for(&self, name: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(text, _)| text == name)
            .map(|(_, message)| message.as_str())
    }

    /// Whether the refusal names a name on this page.
    fn error_on_page(&self) -> bool {
        self.names.iter().any(|n| self.error_for(&n.text).is_some())
    }
}

/// `?page=N`.
#[derive(Debug, Deserialize)]
pub struct UnknownParams {
    page: Option<String>,
}

async fn unknown_view(
    state: &AppState,
    viewer: &Viewer,
    number: i64,
    message: Option<String>,
    error: Option<(String, String)>,
    submitted: Option<AddForm>,
) -> Result<UnknownPage, AppError> {
    let found: UnknownNames = state
        .store
        .unknown_names((number - 1) * PAGE_SIZE, PAGE_SIZE)
        .await?;
    let pages = (found.total + PAGE_SIZE - 1) / PAGE_SIZE;
    if number > 1 && number > pages {
        return Err(AppError::NotFound(format!(
            "There is no page {number}: the report has {}.",
            UnknownPage::count(pages.max(1), "page")
        )));
    }
    let mut actors = state.store.list_actors().await?;
    actors.sort_by(|a, b| {
        a.actor
            .name
            .to_lowercase()
            .cmp(&b.actor.name.to_lowercase())
    });
    Ok(UnknownPage {
        layout: Layout::new(viewer).at("/actors/unknown"),
        names: found
            .names
            .into_iter()
            .map(|name| NameRow {
                examples: name
                    .examples
                    .iter()
                    .map(|e| Example {
                        url: format!("/documents/{}#p{}", e.slug, e.paragraph),
                        title: e.title.clone(),
                        paragraph: e.paragraph,
                        context: context(e),
                    })
                    .collect(),
                text: name.text,
                count: name.count,
                documents: name.documents,
            })
            .collect(),
        total: found.total,
        page: number,
        pages,
        actors,
        can_add: viewer.analyst.is_some() && state.corpus.is_some(),
        message,
        error,
        submitted,
    })
}

/// `GET /actors/unknown`: the report of names no actor covers.
pub async fn unknown_page(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    Query(params): Query<UnknownParams>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    require_reader(&state, &viewer, "/actors/unknown")?;
    let number = page_number(params.page.as_deref())
        .map_err(|message| AppError::client(StatusCode::BAD_REQUEST, "bad_page", message))?;
    let page = unknown_view(&state, &viewer, number, None, None, None).await?;
    Ok(super::cache::cacheable(Html(page.render()?)))
}

/// The report's form: add `text` as another name of `actor`, or as a new actor.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AddForm {
    text: String,
    #[serde(rename = "as")]
    add_as: String,
    actor: Option<String>,
    id: Option<String>,
    kind: Option<String>,
    affiliation: Option<String>,
    role: Option<String>,
}

fn filled(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn unprocessable(code: &'static str, message: String) -> AppError {
    AppError::client(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

fn parse_kind(kind: Option<&str>) -> Result<ActorKind, AppError> {
    let kind = kind.map(str::trim).unwrap_or_default();
    ActorKind::parse(kind).ok_or_else(|| {
        unprocessable(
            "bad_kind",
            format!("kind {kind:?} is not known; use state, organisation, bloc, person or group."),
        )
    })
}

impl AddForm {
    fn addition(&self) -> Result<Addition, AppError> {
        let text = self.text.trim().to_owned();
        match self.add_as.as_str() {
            "alias" => Ok(Addition::Alias {
                actor_id: filled(self.actor.as_deref()).ok_or_else(|| {
                    unprocessable(
                        "missing_actor",
                        format!("Choose the actor that “{text}” names."),
                    )
                })?,
                alias: text,
            }),
            "actor" => Ok(Addition::Actor {
                id: filled(self.id.as_deref()).ok_or_else(|| {
                    unprocessable("missing_id", "Give the new actor an id.".to_owned())
                })?,
                kind: parse_kind(self.kind.as_deref())?,
                affiliation: filled(self.affiliation.as_deref()),
                role: filled(self.role.as_deref()),
                name: text,
                aliases: Vec::new(),
            }),
            other => Err(AppError::client(
                StatusCode::BAD_REQUEST,
                "bad_form",
                format!("as={other:?} is not known; use alias or actor."),
            )),
        }
    }
}

/// Adds a name for the signed-in analyst; the message says what changed.
async fn add_name(
    state: &AppState,
    viewer: &Viewer,
    method: &Method,
    headers: &HeaderMap,
    addition: &Addition,
) -> Result<String, AppError> {
    let analyst = super::auth::check_writer(state, viewer, method, headers, "gazetteer changes")?;
    let Some(corpus) = state.corpus.as_deref() else {
        return Err(AppError::client(
            StatusCode::CONFLICT,
            "no_corpus",
            "This instance serves no corpus directory, so it cannot re-match documents; add names where glossa runs with its corpus.",
        ));
    };
    let actors = state.store.list_actors().await?;
    let known = |id: &str| {
        actors
            .iter()
            .find(|a| a.actor.id.eq_ignore_ascii_case(id))
            .map_or_else(|| id.to_owned(), |a| a.actor.id.clone())
    };
    let addition = &match addition.clone() {
        Addition::Alias { actor_id, alias } => Addition::Alias {
            actor_id: known(&actor_id),
            alias,
        },
        Addition::Actor {
            id,
            name,
            kind,
            affiliation,
            role,
            aliases,
        } => Addition::Actor {
            affiliation: affiliation.as_deref().map(known),
            id,
            name,
            kind,
            role,
            aliases,
        },
    };
    let kept = save_addition(&state.store, corpus, addition, &analyst.name)
        .await
        .map_err(|e| match e {
            AddError::Refused(AdditionError::Clash { .. }) => {
                unprocessable("name_taken", e.to_string())
            }
            AddError::Refused(AdditionError::UnknownActor(_)) => {
                unprocessable("unknown_actor", e.to_string())
            }
            AddError::Refused(AdditionError::Invalid(_)) => {
                unprocessable("bad_gazetteer_entry", e.to_string())
            }
            AddError::NoCorpus(_) => {
                AppError::client(StatusCode::CONFLICT, "no_corpus", e.to_string())
            }
            other => AppError::Internal(other.into()),
        })?;
    let what = match addition {
        Addition::Alias { actor_id, alias } => {
            let name = actors
                .iter()
                .find(|a| a.actor.id == *actor_id)
                .map_or(actor_id.as_str(), |a| a.actor.name.as_str());
            format!("“{alias}” now names {name}")
        }
        Addition::Actor { id, name, .. } => format!("{name} is a new actor ({id})"),
    };
    let place = match kept {
        Kept::File => "actors.toml",
        Kept::Database => "the database",
    };
    // The re-match runs on its own, so a large corpus finishes it even when the answer
    // cannot wait that long.
    let store = state.store.clone();
    let dir = corpus.to_path_buf();
    let job = tokio::spawn(async move {
        let done = rematch(&store, &dir).await;
        if let Err(e) = &done {
            tracing::error!("matching the documents against the new gazetteer failed: {e}");
        }
        done
    });
    match tokio::time::timeout(REMATCH_WAIT, job).await {
        Ok(Ok(Ok(report))) => Ok(format!(
            "{what}, kept in {place}; {} matched again.",
            counted((report.added + report.updated) as u64, "document")
        )),
        Ok(Ok(Err(e))) => Err(AppError::Internal(e.into())),
        Ok(Err(e)) => Err(AppError::Internal(e.into())),
        Err(_) => Ok(format!(
            "{what}, kept in {place}; the documents are being matched again — pages change as each batch of them is done."
        )),
    }
}

/// How long an addition's answer waits for every document to be matched again.
const REMATCH_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// `POST /actors/unknown`: the report's add form. A refusal shows the report again with
/// what was typed kept in the form, and the reason beside it.
pub async fn add_name_form(
    State(state): State<AppState>,
    viewer: Result<Viewer, AppError>,
    method: Method,
    headers: HeaderMap,
    form: Result<Form<AddForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, HtmlError> {
    let viewer = viewer?;
    if viewer.analyst.is_none() {
        return Err(HtmlError::SignIn("/actors/unknown".into()));
    }
    let (form, outcome) = match form {
        Ok(Form(form)) => {
            let outcome = match form.addition() {
                Ok(addition) => add_name(&state, &viewer, &method, &headers, &addition).await,
                Err(e) => Err(e),
            };
            (form, outcome)
        }
        Err(_) => (
            AddForm::default(),
            Err(AppError::client(
                StatusCode::BAD_REQUEST,
                "bad_form",
                "The form could not be read: send it from the report's page, as a form.",
            )),
        ),
    };
    match outcome {
        Ok(message) => {
            let page = unknown_view(&state, &viewer, 1, Some(message), None, None).await?;
            Ok(super::cache::cacheable(Html(page.render()?)))
        }
        Err(AppError::Client {
            status, message, ..
        }) => {
            let error = Some((form.text.trim().to_owned(), message));
            let page = unknown_view(&state, &viewer, 1, None, error, Some(form)).await?;
            Ok((status, Html(page.render()?)).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// A name no actor covers, as JSON.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnknownNameJson {
    text: String,
    count: i64,
    documents: i64,
    /// Up to two uses: document, paragraph and the sentence's text.
    examples: Vec<ExampleJson>,
}

/// A sentence using an unknown name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExampleJson {
    document: String,
    paragraph: i64,
    sentence: String,
}

/// `GET /api/actors/unknown`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnknownJson {
    total: i64,
    offset: i64,
    limit: i64,
    names: Vec<UnknownNameJson>,
}

/// `?limit=&offset=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct UnknownApiParams {
    /// Names to return, 1–500 (default 50).
    limit: Option<i64>,
    /// Names to skip.
    offset: Option<i64>,
}

/// `GET /api/actors/unknown`: the names no actor covers, most used first.
#[utoipa::path(get, path = "/api/actors/unknown", tag = "documents", params(UnknownApiParams),
    responses((status = 200, description = "The report", body = UnknownJson),
              (status = 400, description = "Bad limit or offset", body = super::openapi::ErrorEnvelope)))]
pub async fn api_unknown(
    State(state): State<AppState>,
    viewer: Viewer,
    params: Result<Query<UnknownApiParams>, axum::extract::rejection::QueryRejection>,
) -> Result<super::cache::Cached<Json<UnknownJson>>, AppError> {
    state.check_reader(&viewer)?;
    let bad = |message: &str| AppError::client(StatusCode::BAD_REQUEST, "bad_query", message);
    let Query(params) =
        params.map_err(|_| bad("limit and offset are whole numbers, each given once."))?;
    let (limit, offset) = super::extract::page_window(params.limit, params.offset, PAGE_SIZE, 500)?;
    let found = state.store.unknown_names(offset, limit).await?;
    Ok(super::cache::Cached(Json(UnknownJson {
        total: found.total,
        offset,
        limit,
        names: found
            .names
            .into_iter()
            .map(|n| UnknownNameJson {
                examples: n
                    .examples
                    .iter()
                    .map(|e| ExampleJson {
                        document: e.slug.clone(),
                        paragraph: e.paragraph,
                        sentence: e
                            .text
                            .chars()
                            .skip(e.sentence.start)
                            .take(e.sentence.len())
                            .collect(),
                    })
                    .collect(),
                text: n.text,
                count: n.count,
                documents: n.documents,
            })
            .collect(),
    })))
}

/// `POST /api/actors`: a new actor.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewActorJson {
    id: String,
    name: String,
    /// state, organisation, bloc, person or group.
    kind: String,
    affiliation: Option<String>,
    role: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// `POST /api/actors/{id}/aliases`: another name of an actor.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAliasJson {
    alias: String,
}

/// What an addition did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AddedJson {
    message: String,
}

fn json_body<T>(
    body: Result<Json<T>, axum::extract::rejection::JsonRejection>,
    shape: &str,
) -> Result<T, AppError> {
    use axum::extract::rejection::JsonRejection;
    body.map(|Json(value)| value).map_err(|e| match e {
        JsonRejection::MissingJsonContentType(_) => AppError::client(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("Send JSON {shape} with Content-Type: application/json."),
        ),
        JsonRejection::JsonDataError(data) => AppError::client(
            StatusCode::UNPROCESSABLE_ENTITY,
            "bad_json",
            format!("Send JSON {shape}: {}", plain_serde(&data.body_text())),
        ),
        other => AppError::client(
            StatusCode::BAD_REQUEST,
            "bad_json",
            format!("Send JSON {shape}: {}", plain_serde(&other.body_text())),
        ),
    })
}

/// serde's account of a bad body without the Rust type names it mentions ("expected struct
/// NewAliasJson").
fn plain_serde(text: &str) -> String {
    let text = text
        .trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        .trim_start_matches("Failed to parse the request body as JSON: ");
    match text.find("expected struct") {
        Some(at) => format!("{}expected a JSON object", &text[..at]),
        None => text.to_owned(),
    }
}

/// `POST /api/actors`: adds an actor to the gazetteer and re-matches every document.
#[utoipa::path(post, path = "/api/actors", tag = "documents", request_body = NewActorJson,
    responses((status = 201, description = "Added; documents matched again", body = AddedJson),
              (status = 400, description = "Not JSON of that shape", body = super::openapi::ErrorEnvelope),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 409, description = "No corpus directory on this instance", body = super::openapi::ErrorEnvelope),
              (status = 422, description = "Id, kind, affiliation or a name the gazetteer refuses", body = super::openapi::ErrorEnvelope)))]
pub async fn api_add_actor(
    State(state): State<AppState>,
    viewer: Viewer,
    method: Method,
    headers: HeaderMap,
    body: Result<Json<NewActorJson>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<AddedJson>), AppError> {
    viewer.require()?;
    let new = json_body(body, "{\"id\": …, \"name\": …, \"kind\": …}")?;
    let addition = Addition::Actor {
        kind: parse_kind(Some(&new.kind))?,
        id: new.id.trim().to_owned(),
        name: new.name.trim().to_owned(),
        affiliation: filled(new.affiliation.as_deref()),
        role: filled(new.role.as_deref()),
        aliases: new.aliases.iter().map(|a| a.trim().to_owned()).collect(),
    };
    let message = add_name(&state, &viewer, &method, &headers, &addition).await?;
    Ok((StatusCode::CREATED, Json(AddedJson { message })))
}

/// `POST /api/actors/{id}/aliases`: adds a name of an actor and re-matches every document.
#[utoipa::path(post, path = "/api/actors/{id}/aliases", tag = "documents", request_body = NewAliasJson,
    params(("id" = String, Path, description = "Actor id")),
    responses((status = 201, description = "Added; documents matched again", body = AddedJson),
              (status = 400, description = "Not JSON of that shape", body = super::openapi::ErrorEnvelope),
              (status = 401, description = "Not signed in", body = super::openapi::ErrorEnvelope),
              (status = 404, description = "No such actor", body = super::openapi::ErrorEnvelope),
              (status = 409, description = "No corpus directory on this instance", body = super::openapi::ErrorEnvelope),
              (status = 422, description = "A name the gazetteer refuses or another actor's", body = super::openapi::ErrorEnvelope)))]
pub async fn api_add_alias(
    State(state): State<AppState>,
    viewer: Viewer,
    method: Method,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<NewAliasJson>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<AddedJson>), AppError> {
    viewer.require()?;
    let new = json_body(body, "{\"alias\": …}")?;
    let Some(id) = state
        .store
        .list_actors()
        .await?
        .into_iter()
        .map(|a| a.actor.id)
        .find(|known| known.eq_ignore_ascii_case(&id))
    else {
        let shown: String = id.chars().take(40).collect();
        return Err(AppError::NotFound(format!(
            "No actor has the id “{shown}”. Every actor is listed at /actors."
        )));
    };
    let addition = Addition::Alias {
        actor_id: id,
        alias: new.alias.trim().to_owned(),
    };
    let message = add_name(&state, &viewer, &method, &headers, &addition).await?;
    Ok((StatusCode::CREATED, Json(AddedJson { message })))
}
