//! Rendered pages, cached per viewer and per generation of the data.
//!
//! The store's generation moves with every write made through it, and with every write made
//! elsewhere as soon as the store hears of it (SQLite's counter is read four times a second;
//! PostgreSQL notifies every instance at commit). Each request compares it, in memory. A page is cached under its path and the viewer (anonymous or
//! an analyst id), so it holds exactly the notes that viewer may see, and it is served only
//! at the generation it was rendered at, with a strong ETag so browsers revalidate with a
//! 304.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

/// Pages kept before the cache starts afresh.
const CAPACITY: usize = 1024;

/// A rendered page and its ETag.
#[derive(Debug, Clone)]
pub struct CachedPage {
    /// The HTML.
    pub body: Bytes,
    /// Strong ETag of the body.
    pub etag: String,
}

/// A page's path and its viewer (`None` for anonymous readers).
type PageKey = (String, Option<i64>);

/// The page cache.
#[derive(Debug, Default)]
pub struct PageCache {
    pages: Mutex<HashMap<PageKey, (i64, CachedPage)>>,
}

impl PageCache {
    /// The page for `path` and `viewer`, if it was rendered at `generation`.
    pub fn get(&self, path: &str, viewer: Option<i64>, generation: i64) -> Option<CachedPage> {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let (rendered_at, page) = pages.get(&(path.to_owned(), viewer))?;
        (*rendered_at == generation).then(|| page.clone())
    }

    /// Stores a page rendered at `generation` and returns it with its ETag.
    pub fn put(
        &self,
        path: &str,
        viewer: Option<i64>,
        generation: i64,
        html: String,
    ) -> CachedPage {
        let etag = super::etag::of_bytes(html.as_bytes());
        let page = CachedPage {
            body: Bytes::from(html),
            etag,
        };
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= CAPACITY {
            pages.clear();
        }
        pages.insert((path.to_owned(), viewer), (generation, page.clone()));
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_per_viewer_and_expire_with_the_generation() {
        let cache = PageCache::default();
        cache.put("/d", None, 1, "public".into());
        cache.put("/d", Some(7), 1, "alice's".into());
        assert_eq!(cache.get("/d", None, 1).unwrap().body, "public");
        assert_eq!(cache.get("/d", Some(7), 1).unwrap().body, "alice's");
        assert!(
            cache.get("/d", Some(8), 1).is_none(),
            "another analyst never gets alice's page"
        );
        assert!(
            cache.get("/d", None, 2).is_none(),
            "a write expires every page"
        );
    }
}
