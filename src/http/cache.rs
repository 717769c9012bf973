//! Representations, cached per audience and per generation of the data, compressed once.
//!
//! The store's generation moves with every write made through it, and with every write made
//! elsewhere as soon as the store hears of it (SQLite's counter is read four times a second;
//! PostgreSQL notifies every instance at commit); each request compares it, in memory.
//!
//! A handler whose answer depends only on its URL, its viewer and the data marks the
//! response [`Cacheable`]. [`serve_cached`] keeps it under the URL and the audience (anonymous
//! readers share one copy; each analyst has their own, holding exactly the notes they may
//! see), compressed once in every coding glossa sends, with its headers and a strong ETag
//! per coding made ready, so a cached answer costs a map lookup and reference counts: no
//! database, no hashing, no copy of the body. A response made while a write landed was
//! made at the older generation and is never served after it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::encoding::{self, Coding, Effort};

/// Bytes of cached bodies kept in memory before the least recently used are dropped.
pub const DEFAULT_BUDGET: usize = 16 * 1024 * 1024;

/// URLs longer than this (path and query) are answered but not kept: no reader shares them,
/// and each would hold its length in memory.
pub const MAX_KEY: usize = 2048;

/// Marks a response that is the same for every request of its URL by the same viewer while
/// the data does not change, so it may be cached (see [`serve_cached`]).
#[derive(Debug, Clone, Copy)]
pub struct Cacheable;

/// `response`, marked [`Cacheable`].
pub fn cacheable(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response.extensions_mut().insert(Cacheable);
    response
}

/// A handler's answer, marked [`Cacheable`].
#[derive(Debug)]
pub struct Cached<T>(pub T);

impl<T: IntoResponse> IntoResponse for Cached<T> {
    fn into_response(self) -> Response {
        cacheable(self.0)
    }
}

/// Marks a response whose body is already coded for the client, or must go as it is (the
/// export file, a download kept byte for byte), so the per-request compression of uncached
/// responses leaves it alone.
#[derive(Debug, Clone, Copy)]
pub struct Precoded;

/// Whose copy a cached response is: anonymous readers share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// No session, no token (or one that no longer names anyone).
    Anonymous,
    /// A signed-in analyst, by row id.
    Analyst(i64),
}

/// Every response that depends on who asks or on the coding says so, so that no cache in
/// between hands one reader's copy to another.
const VARY_VIEWER: HeaderValue = HeaderValue::from_static("Accept-Encoding, Cookie, Authorization");
const VARY_CODING: HeaderValue = HeaderValue::from_static("Accept-Encoding");
/// Browsers may keep a reader's copy but must ask again, cheaply, with its ETag.
const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-cache");

/// Response headers the cache sets itself rather than keeping the handler's.
const REPLACED: [HeaderName; 6] = [
    header::CONTENT_LENGTH,
    header::CONTENT_ENCODING,
    header::ETAG,
    header::CACHE_CONTROL,
    header::VARY,
    header::DATE,
];

/// One coding of a representation: its body and every header of its 200 and of its 304.
#[derive(Debug)]
struct Variant {
    coding: Coding,
    body: Bytes,
    etag: HeaderValue,
    ok: HeaderMap,
    not_modified: HeaderMap,
}

/// A response ready to be served again, in every coding worth having.
#[derive(Debug)]
pub struct Representation {
    /// Identity first, then the codings that made the body smaller.
    variants: Vec<Variant>,
    codings: Vec<Coding>,
}

impl Representation {
    /// Builds the representation of `body` with the handler's `headers`: compressed with
    /// `effort`, a strong ETag per coding (the identity body's SHA-256 prefix, with the coding
    /// appended), `cache_control` and `vary` on the 200 and the 304.
    pub fn new(
        headers: &HeaderMap,
        body: Bytes,
        effort: Effort,
        cache_control: HeaderValue,
        vary: HeaderValue,
    ) -> Representation {
        let tag = super::etag::of_bytes(&body);
        let tag = tag.trim_matches('"');
        let vary = merged_vary(headers, vary);
        let mut base = headers.clone();
        for name in REPLACED {
            base.remove(name);
        }
        let mut variants = Vec::with_capacity(3);
        let mut add = |coding: Coding, body: Bytes| {
            let etag = match coding {
                Coding::Identity => format!("\"{tag}\""),
                other => format!("\"{tag}-{}\"", other.token()),
            };
            let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
            let mut not_modified = HeaderMap::with_capacity(4);
            not_modified.insert(header::ETAG, etag.clone());
            not_modified.insert(header::CACHE_CONTROL, cache_control.clone());
            not_modified.insert(header::VARY, vary.clone());
            if let Some(location) = base.get(header::CONTENT_LOCATION) {
                not_modified.insert(header::CONTENT_LOCATION, location.clone());
            }
            let mut ok = base.clone();
            ok.extend(not_modified.clone());
            if coding != Coding::Identity {
                ok.insert(
                    header::CONTENT_ENCODING,
                    HeaderValue::from_static(coding.token()),
                );
            }
            variants.push(Variant {
                coding,
                body,
                etag,
                ok,
                not_modified,
            });
        };
        for coding in [Coding::Brotli, Coding::Gzip] {
            if let Some(coded) = encoding::compress(&body, coding, effort) {
                add(coding, Bytes::from(coded));
            }
        }
        add(Coding::Identity, body);
        let codings = variants.iter().map(|v| v.coding).collect();
        Representation { variants, codings }
    }

    /// The answer to a request with `headers`: the coding it accepts, or a 304 when its
    /// `If-None-Match` names that coding's ETag.
    pub fn respond(&self, headers: &HeaderMap) -> Response {
        let accepted = encoding::accepted(headers);
        let coding = encoding::negotiate(accepted.as_deref(), &self.codings);
        let Some(variant) = self
            .variants
            .iter()
            .find(|v| v.coding == coding)
            .or_else(|| self.variants.last())
        else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let mut response = if none_match(headers, &variant.etag) {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            *response.headers_mut() = variant.not_modified.clone();
            response
        } else {
            let mut response = Response::new(Body::from(variant.body.clone()));
            *response.headers_mut() = variant.ok.clone();
            response
        };
        response.extensions_mut().insert(Precoded);
        response
    }

    /// Bytes held, for the cache's budget.
    fn size(&self) -> usize {
        self.variants.iter().map(|v| v.body.len() + 512).sum()
    }
}

/// `ours` with what the handler's `Vary` names besides (the annotation protocol's `Accept,
/// Prefer`), each field once.
fn merged_vary(headers: &HeaderMap, ours: HeaderValue) -> HeaderValue {
    let theirs: Vec<&str> = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if theirs.is_empty() {
        return ours;
    }
    let mut fields: Vec<&str> = theirs;
    let ours_text = ours.to_str().unwrap_or("");
    for field in ours_text.split(',').map(str::trim) {
        if !fields.iter().any(|f| f.eq_ignore_ascii_case(field)) {
            fields.push(field);
        }
    }
    HeaderValue::from_str(&fields.join(", ")).unwrap_or(ours)
}

/// Whether `If-None-Match` names `etag` or `*` (weak comparison, RFC 9110 §13.1.2).
fn none_match(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let etag = etag.as_bytes();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .map(|t| t.trim_ascii())
        .any(|t| t == b"*" || t.strip_prefix(b"W/").unwrap_or(t) == etag)
}

enum Slot {
    Cached(Arc<Representation>),
    /// Answered uncacheably at this generation (an error, a cookie): readers of it need not
    /// wait for one another.
    Uncacheable,
}

struct Entry {
    generation: i64,
    slot: Slot,
    last_used: AtomicU64,
}

impl Entry {
    fn size(&self, key: &str) -> usize {
        key.len()
            + 64
            + match &self.slot {
                Slot::Cached(representation) => representation.size(),
                Slot::Uncacheable => 0,
            }
    }
}

#[derive(Default)]
struct Entries {
    by_audience: HashMap<Audience, HashMap<Box<str>, Entry>>,
    bytes: usize,
}

/// What the cache holds for a URL and audience at a generation.
pub enum Lookup {
    /// A representation to serve.
    Hit(Arc<Representation>),
    /// Nothing to serve, and nothing to wait for.
    Uncacheable,
    /// Nothing yet.
    Miss,
}

/// Held by the one request making a representation; the others for it wait on it.
type Turn = Arc<tokio::sync::Mutex<()>>;

/// The cache of representations.
pub struct RepresentationCache {
    entries: Mutex<Entries>,
    /// One lock per representation being made: when a write expires a page many readers
    /// want, one of them renders it and the others wait for that copy instead of all
    /// rendering (and querying the database) at once.
    rendering: Mutex<HashMap<(Audience, Box<str>), Turn>>,
    clock: AtomicU64,
    budget: usize,
    /// `Cache-Control` of what anonymous readers get.
    anonymous_cache_control: HeaderValue,
}

impl std::fmt::Debug for RepresentationCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepresentationCache")
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl Default for RepresentationCache {
    fn default() -> Self {
        RepresentationCache::new(DEFAULT_BUDGET, 0)
    }
}

impl RepresentationCache {
    /// A cache holding up to `budget` bytes. With `public_seconds` > 0, what anonymous
    /// readers get may be kept by shared caches (a reverse proxy, a CDN) for that long.
    pub fn new(budget: usize, public_seconds: u32) -> RepresentationCache {
        let anonymous_cache_control = if public_seconds == 0 {
            PRIVATE
        } else {
            HeaderValue::from_str(&format!(
                "public, max-age={public_seconds}, stale-while-revalidate={public_seconds}"
            ))
            .unwrap_or(PRIVATE)
        };
        RepresentationCache {
            entries: Mutex::default(),
            rendering: Mutex::default(),
            clock: AtomicU64::new(0),
            budget,
            anonymous_cache_control,
        }
    }

    /// What is held for `key` (a path and query) and `audience` at `generation`.
    pub fn get(&self, audience: Audience, key: &str, generation: i64) -> Lookup {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let Some(entry) = entries
            .by_audience
            .get(&audience)
            .and_then(|urls| urls.get(key))
            .filter(|entry| entry.generation == generation)
        else {
            return Lookup::Miss;
        };
        entry.last_used.store(
            self.clock.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        match &entry.slot {
            Slot::Cached(representation) => Lookup::Hit(representation.clone()),
            Slot::Uncacheable => Lookup::Uncacheable,
        }
    }

    /// Keeps `response` (made at `generation`) for `key` and `audience` if it may be kept,
    /// and returns what to answer with.
    pub async fn keep(
        &self,
        audience: Audience,
        key: &str,
        generation: i64,
        response: Response,
        request: &HeaderMap,
    ) -> Response {
        let cacheable = response.status() == StatusCode::OK
            && response.extensions().get::<Cacheable>().is_some()
            && !response.headers().contains_key(header::SET_COOKIE)
            && !response.headers().contains_key(header::CONTENT_ENCODING);
        if !cacheable {
            self.insert(audience, key, generation, Slot::Uncacheable);
            return response;
        }
        let (parts, body) = response.into_parts();
        let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let cache_control = match audience {
            Audience::Anonymous => self.anonymous_cache_control.clone(),
            Audience::Analyst(_) => PRIVATE,
        };
        let representation = Arc::new(Representation::new(
            &parts.headers,
            body,
            Effort::Fast,
            cache_control,
            VARY_VIEWER,
        ));
        self.insert(
            audience,
            key,
            generation,
            Slot::Cached(representation.clone()),
        );
        representation.respond(request)
    }

    fn insert(&self, audience: Audience, key: &str, generation: i64, slot: Slot) {
        let entry = Entry {
            generation,
            slot,
            last_used: AtomicU64::new(self.clock.fetch_add(1, Ordering::Relaxed)),
        };
        let size = entry.size(key);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.bytes + size > self.budget {
            entries.make_room(self.budget / 4 * 3, generation);
        }
        entries.bytes += size;
        let old = entries
            .by_audience
            .entry(audience)
            .or_default()
            .insert(key.into(), entry);
        if let Some(old) = old {
            entries.bytes = entries.bytes.saturating_sub(old.size(key));
        }
    }

    /// The lock held while `key` is made for `audience`.
    fn turn(&self, audience: Audience, key: &str) -> Turn {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        rendering.entry((audience, key.into())).or_default().clone()
    }

    /// Gives back a lock from [`Self::turn`]; the last one out takes it off the map.
    fn release(&self, audience: Audience, key: &str, turn: Turn) {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        drop(turn);
        let wanted = (audience, Box::<str>::from(key));
        if rendering
            .get(&wanted)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            rendering.remove(&wanted);
        }
    }
}

impl Entries {
    /// Drops what an older generation made, then the least recently used, until `target`
    /// bytes are held.
    fn make_room(&mut self, target: usize, generation: i64) {
        let mut bytes = 0;
        for urls in self.by_audience.values_mut() {
            urls.retain(|key, entry| {
                let keep = entry.generation == generation;
                if keep {
                    bytes += entry.size(key);
                }
                keep
            });
        }
        self.by_audience.retain(|_, urls| !urls.is_empty());
        self.bytes = bytes;
        if self.bytes <= target {
            return;
        }
        let mut ages: Vec<(u64, Audience, Box<str>, usize)> = self
            .by_audience
            .iter()
            .flat_map(|(audience, urls)| {
                urls.iter().map(|(key, entry)| {
                    (
                        entry.last_used.load(Ordering::Relaxed),
                        *audience,
                        key.clone(),
                        entry.size(key),
                    )
                })
            })
            .collect();
        ages.sort_unstable_by_key(|(used, ..)| *used);
        for (_, audience, key, size) in ages {
            if self.bytes <= target {
                break;
            }
            if let Some(urls) = self.by_audience.get_mut(&audience) {
                urls.remove(&key);
            }
            self.bytes = self.bytes.saturating_sub(size);
        }
    }
}

/// Who a request is for, as far as caching goes, with the viewer left in its extensions for
/// the handler. `None` when the credentials are refused: the handler answers that.
async fn audience(state: &AppState, parts: &mut axum::http::request::Parts) -> Option<Audience> {
    let credentials = parts.headers.contains_key(header::AUTHORIZATION)
        || super::auth::session_cookie(&parts.headers).is_some();
    if !credentials {
        return Some(Audience::Anonymous);
    }
    let viewer = super::auth::resolve(parts, state).await.ok()?;
    Some(
        viewer
            .analyst
            .as_ref()
            .map_or(Audience::Anonymous, |a| Audience::Analyst(a.id)),
    )
}

/// Answers `GET` and `HEAD` from the cache when it holds the URL for this audience at the
/// current generation; otherwise lets the handler answer and keeps what it may keep.
pub async fn serve_cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method();
    let key_len = request
        .uri()
        .path_and_query()
        .map_or(1, |p| p.as_str().len());
    if (method != Method::GET && method != Method::HEAD) || key_len > MAX_KEY {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Some(audience) = audience(&state, &mut parts).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    // A cookie that names no session any more: the reader is anonymous, and is told to
    // forget it, so that a shared cache in front stops sending them past itself.
    let forgotten = audience == Audience::Anonymous
        && super::auth::session_cookie(&parts.headers).is_some()
        && !parts.headers.contains_key(header::AUTHORIZATION);
    let response = answer(&state, audience, parts, body, next).await;
    if forgotten {
        return forget_session(response);
    }
    response
}

async fn answer(
    state: &AppState,
    audience: Audience,
    mut parts: axum::http::request::Parts,
    body: Body,
    next: Next,
) -> Response {
    let generation = state.store.generation();
    let key = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    match state.cache.get(audience, &key, generation) {
        Lookup::Hit(representation) => return representation.respond(&parts.headers),
        Lookup::Uncacheable => return next.run(Request::from_parts(parts, body)).await,
        Lookup::Miss => {}
    }
    let turn = state.cache.turn(audience, &key);
    let held = turn.clone().lock_owned().await;
    let response = match state.cache.get(audience, &key, generation) {
        Lookup::Hit(representation) => representation.respond(&parts.headers),
        Lookup::Uncacheable => next.run(Request::from_parts(parts, body)).await,
        Lookup::Miss => {
            // A `HEAD` is answered as the `GET` it describes, so what is kept has its body;
            // the router drops the body of the answer to a `HEAD` on the way out.
            parts.method = Method::GET;
            let headers = parts.headers.clone();
            let response = next.run(Request::from_parts(parts, body)).await;
            state
                .cache
                .keep(audience, &key, generation, response, &headers)
                .await
        }
    };
    drop(held);
    state.cache.release(audience, &key, turn);
    response
}

/// `response`, clearing the session cookie, and so for this reader only.
fn forget_session(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, super::session::CLEARED_COOKIE);
    headers.insert(header::CACHE_CONTROL, PRIVATE);
    response
}

/// Anonymous `GET`s answered from the cache by the accept loop, before routing: a reader with
/// no token and no session cookie gets exactly what [`serve_cached`] would give them.
#[derive(Debug, Clone)]
pub struct AnonymousReads {
    cache: Arc<RepresentationCache>,
    store: crate::store::Store,
}

impl AnonymousReads {
    /// Reads from `state`'s cache, at its store's generation.
    pub fn new(state: &AppState) -> AnonymousReads {
        AnonymousReads {
            cache: state.cache.clone(),
            store: state.store.clone(),
        }
    }

    /// The cached answer to `request`, if it is an anonymous `GET` of something held at the
    /// current generation.
    pub fn answer<B>(&self, request: &axum::http::Request<B>) -> Option<Response> {
        if request.method() != Method::GET {
            return None;
        }
        let headers = request.headers();
        if headers.contains_key(header::AUTHORIZATION)
            || super::auth::session_cookie(headers).is_some()
        {
            return None;
        }
        let key = request.uri().path_and_query().map_or("/", |p| p.as_str());
        if key.len() > MAX_KEY {
            return None;
        }
        match self
            .cache
            .get(Audience::Anonymous, key, self.store.generation())
        {
            Lookup::Hit(representation) => {
                tracing::debug!(uri = %request.uri(), "answered from the cache before routing");
                Some(representation.respond(headers))
            }
            Lookup::Uncacheable | Lookup::Miss => None,
        }
    }
}

/// A static asset, compressed as well as it can be, once per process.
pub fn static_representation(content_type: &'static str, body: &'static [u8]) -> Representation {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Representation::new(
        &headers,
        Bytes::from_static(body),
        Effort::Best,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
        VARY_CODING,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> Representation {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        headers.insert(header::ETAG, HeaderValue::from_static("\"handler's\""));
        Representation::new(
            &headers,
            Bytes::from(body.to_owned()),
            Effort::Fast,
            PRIVATE,
            VARY_VIEWER,
        )
    }

    fn request(pairs: &[(HeaderName, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(name.clone(), HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn each_coding_has_its_own_strong_etag_and_a_304_names_it() {
        let representation = page(&"Moscow said Pyongyang. ".repeat(100));
        let plain = representation.respond(&request(&[]));
        let gzip = representation.respond(&request(&[(header::ACCEPT_ENCODING, "gzip")]));
        let br = representation.respond(&request(&[(header::ACCEPT_ENCODING, "gzip, br")]));
        let tag = |r: &Response| r.headers()[header::ETAG].to_str().unwrap().to_owned();
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        assert_eq!(gzip.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(br.headers()[header::CONTENT_ENCODING], "br");
        assert_ne!(tag(&plain), "\"handler's\"");
        assert!(tag(&gzip).ends_with("-gzip\"") && tag(&br).ends_with("-br\""));
        assert_eq!(gzip.headers()[header::VARY], VARY_VIEWER);

        let mut revalidate = request(&[(header::ACCEPT_ENCODING, "gzip")]);
        revalidate.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&tag(&gzip)).unwrap(),
        );
        let answer = representation.respond(&revalidate);
        assert_eq!(answer.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(answer.headers()[header::ETAG], tag(&gzip).as_str());
        revalidate.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
        assert_eq!(
            representation.respond(&revalidate).status(),
            StatusCode::OK,
            "a gzip copy does not validate the brotli one"
        );
    }

    #[test]
    fn small_bodies_are_kept_in_identity_only() {
        let representation = page("{}");
        let response = representation.respond(&request(&[(header::ACCEPT_ENCODING, "br")]));
        assert!(response.headers().get(header::CONTENT_ENCODING).is_none());
    }

    #[test]
    fn entries_are_per_audience_and_expire_with_the_generation() {
        let cache = RepresentationCache::default();
        let hit = |l: Lookup| matches!(l, Lookup::Hit(_));
        cache.insert(
            Audience::Anonymous,
            "/d",
            1,
            Slot::Cached(Arc::new(page("public"))),
        );
        assert!(hit(cache.get(Audience::Anonymous, "/d", 1)));
        assert!(!hit(cache.get(Audience::Analyst(8), "/d", 1)));
        assert!(!hit(cache.get(Audience::Anonymous, "/d", 2)));
        assert!(!hit(cache.get(Audience::Anonymous, "/d?q=x", 1)));
    }

    #[test]
    fn the_budget_drops_old_generations_then_the_least_recently_used() {
        // Bodies too small to compress: each entry holds one variant, about 780 bytes.
        let cache = RepresentationCache::new(2_500, 0);
        let body = "x".repeat(200);
        let hit = |l: Lookup| matches!(l, Lookup::Hit(_));
        let put = |key: &str, generation| {
            cache.insert(
                Audience::Anonymous,
                key,
                generation,
                Slot::Cached(Arc::new(page(&body))),
            )
        };
        put("/old", 1);
        put("/p0", 2);
        put("/p1", 2);
        put("/p2", 2);
        assert!(
            !hit(cache.get(Audience::Anonymous, "/old", 1)),
            "older generation"
        );
        assert!(hit(cache.get(Audience::Anonymous, "/p0", 2)));
        put("/p3", 2);
        assert!(
            hit(cache.get(Audience::Anonymous, "/p0", 2)),
            "used recently"
        );
        assert!(
            !hit(cache.get(Audience::Anonymous, "/p1", 2)),
            "least recently used"
        );
        assert!(hit(cache.get(Audience::Anonymous, "/p2", 2)));
        assert!(hit(cache.get(Audience::Anonymous, "/p3", 2)));
        let held = cache.entries.lock().unwrap().bytes;
        assert!(held <= 2_500, "{held}");
    }

    #[tokio::test]
    async fn a_response_that_sets_a_cookie_or_is_not_marked_is_never_kept() {
        let cache = RepresentationCache::new(DEFAULT_BUDGET, 60);
        let with_cookie = cacheable(([(header::SET_COOKIE, "s=1")], "page".repeat(100)));
        let answer = cache
            .keep(Audience::Anonymous, "/a", 1, with_cookie, &HeaderMap::new())
            .await;
        assert_eq!(answer.headers()[header::SET_COOKIE], "s=1");
        assert!(answer.headers().get(header::CACHE_CONTROL).is_none());
        assert!(matches!(
            cache.get(Audience::Anonymous, "/a", 1),
            Lookup::Uncacheable
        ));

        let unmarked = "page".repeat(100).into_response();
        cache
            .keep(Audience::Anonymous, "/b", 1, unmarked, &HeaderMap::new())
            .await;
        assert!(matches!(
            cache.get(Audience::Anonymous, "/b", 1),
            Lookup::Uncacheable
        ));

        let marked = cacheable("page".repeat(100));
        let answer = cache
            .keep(Audience::Anonymous, "/c", 1, marked, &HeaderMap::new())
            .await;
        assert!(
            answer.headers()[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .starts_with("public, max-age=60")
        );
        let answer = cache
            .keep(
                Audience::Analyst(3),
                "/c",
                1,
                cacheable("page".repeat(100)),
                &HeaderMap::new(),
            )
            .await;
        assert_eq!(answer.headers()[header::CACHE_CONTROL], PRIVATE);
    }
}
