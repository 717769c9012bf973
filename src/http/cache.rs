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
    /// One lock per page being rendered: when a write expires a page that many readers
    /// want, one of them renders it and the others wait for that copy instead of all
    /// rendering (and querying the database) at once.
    rendering: Mutex<HashMap<PageKey, std::sync::Arc<tokio::sync::Mutex<()>>>>,
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

    /// The page for `path` and `viewer` at `generation`, rendered by `render` if it is not
    /// cached; concurrent callers for the same page share one rendering.
    pub async fn get_or_render<F, Fut, E>(
        &self,
        path: &str,
        viewer: Option<i64>,
        generation: i64,
        render: F,
    ) -> Result<CachedPage, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<String, E>>,
    {
        if let Some(page) = self.get(path, viewer, generation) {
            return Ok(page);
        }
        let key = (path.to_owned(), viewer);
        let turn = {
            let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
            if rendering.len() >= CAPACITY {
                rendering.retain(|_, lock| std::sync::Arc::strong_count(lock) > 1);
            }
            rendering.entry(key).or_default().clone()
        };
        let _turn = turn.lock().await;
        if let Some(page) = self.get(path, viewer, generation) {
            return Ok(page);
        }
        Ok(self.put(path, viewer, generation, render().await?))
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

    #[tokio::test]
    async fn readers_arriving_together_share_one_rendering() {
        let cache = std::sync::Arc::new(PageCache::default());
        let renders = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let readers: Vec<_> = (0..32)
            .map(|_| {
                let (cache, renders) = (cache.clone(), renders.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_render("/d", None, 3, || async {
                            renders.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                            Ok::<_, ()>("page".to_owned())
                        })
                        .await
                })
            })
            .collect();
        for reader in readers {
            assert_eq!(reader.await.unwrap().unwrap().body, "page");
        }
        assert_eq!(renders.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
