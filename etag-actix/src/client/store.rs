//! [`TagStore`]: the representations a client holds with their tags, bounded by entries and
//! bytes, least recently used first out. Plain data: no HTTP client, no I/O.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use actix_web::web::Bytes;
use etag_core::EntityTag;

use super::headers::{HeaderSource, StoredHeaders};
use super::policy::{self, NotStored, VaryKey};

/// The bounds of a [`TagStore`]: at most this many entries and this many bytes.
///
/// An entry's bytes are those of its key (the URL), its body, and the names and values of
/// its stored header fields and `Vary` key; the store's own bookkeeping is not counted.
/// Defaults: 1,000 entries, 16 MiB.
///
/// # Examples
///
/// ```
/// use etag_actix::client::StoreLimits;
///
/// let limits = StoreLimits::default().max_entries(100).max_bytes(1 << 20);
/// assert_eq!((limits.entries(), limits.bytes()), (100, 1 << 20));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoreLimits {
    entries: usize,
    bytes: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            entries: 1_000,
            bytes: 16 << 20,
        }
    }
}

impl StoreLimits {
    /// At most `entries` entries (0: store nothing).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoreLimits;
    ///
    /// assert_eq!(StoreLimits::default().max_entries(0).entries(), 0);
    /// ```
    #[must_use]
    pub fn max_entries(mut self, entries: usize) -> Self {
        self.entries = entries;
        self
    }

    /// At most `bytes` bytes in all entries together; a larger single entry is not stored.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoreLimits;
    ///
    /// assert_eq!(StoreLimits::default().max_bytes(4096).bytes(), 4096);
    /// ```
    #[must_use]
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.bytes = bytes;
        self
    }

    /// The entry limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoreLimits;
    ///
    /// assert_eq!(StoreLimits::default().entries(), 1_000);
    /// ```
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// The byte limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoreLimits;
    ///
    /// assert_eq!(StoreLimits::default().bytes(), 16 << 20);
    /// ```
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// A stored `200` response: its tag, the header fields kept, the `Vary` key it was selected
/// by, and its body as received.
///
/// # Examples
///
/// ```
/// use etag_actix::client::TagStore;
///
/// let mut store = TagStore::default();
/// let response = [("ETag", "\"v1\""), ("Content-Type", "application/json")];
/// store.store("http://svc/a", &[][..] as &[(&str, &str)], 200, &response[..], "{}".into())?;
/// let stored = store.get("http://svc/a").ok_or("not stored")?;
/// assert_eq!(stored.tag().to_string(), "\"v1\"");
/// assert_eq!(stored.headers().get("content-type"), Some(&b"application/json"[..]));
/// assert_eq!(&stored.body()[..], b"{}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    tag: EntityTag,
    headers: StoredHeaders,
    vary: VaryKey,
    body: Bytes,
    size: usize,
}

impl StoredResponse {
    fn new(key: &str, tag: EntityTag, headers: StoredHeaders, vary: VaryKey, body: Bytes) -> Self {
        let size = key.len() + body.len() + headers.byte_size() + vary.byte_size();
        StoredResponse {
            tag,
            headers,
            vary,
            body,
            size,
        }
    }

    /// The entity-tag the response carried (sent back as `If-None-Match`).
    ///
    /// # Examples
    ///
    /// ```
    /// # use etag_actix::client::TagStore;
    /// # let mut store = TagStore::default();
    /// # store.store("k", &[][..] as &[(&str, &str)], 200, &[("ETag", "W/\"v1\"")][..], "{}".into())?;
    /// let stored = store.get("k").ok_or("not stored")?;
    /// assert!(stored.tag().is_weak());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tag(&self) -> &EntityTag {
        &self.tag
    }

    /// The header fields kept (see [`StoredHeaders`]), as updated by later `304`s.
    ///
    /// # Examples
    ///
    /// ```
    /// # use etag_actix::client::TagStore;
    /// # let mut store = TagStore::default();
    /// # store.store("k", &[][..] as &[(&str, &str)], 200, &[("ETag", "\"v1\"")][..], "{}".into())?;
    /// let stored = store.get("k").ok_or("not stored")?;
    /// assert_eq!(stored.headers().get("etag"), Some(&b"\"v1\""[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn headers(&self) -> &StoredHeaders {
        &self.headers
    }

    /// The request header values this response was selected by.
    ///
    /// # Examples
    ///
    /// ```
    /// # use etag_actix::client::TagStore;
    /// # let mut store = TagStore::default();
    /// # store.store("k", &[("Accept", "a/b")][..], 200, &[("ETag", "\"v1\""), ("Vary", "Accept")][..], "{}".into())?;
    /// let stored = store.get("k").ok_or("not stored")?;
    /// assert!(stored.vary().matches(&[("Accept", "a/b")][..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vary(&self) -> &VaryKey {
        &self.vary
    }

    /// The body as received.
    ///
    /// # Examples
    ///
    /// ```
    /// # use etag_actix::client::TagStore;
    /// # let mut store = TagStore::default();
    /// # store.store("k", &[][..] as &[(&str, &str)], 200, &[("ETag", "\"v1\"")][..], "[1]".into())?;
    /// let stored = store.get("k").ok_or("not stored")?;
    /// assert_eq!(&stored.body()[..], b"[1]");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The bytes the entry counts towards the store's limit (see [`StoreLimits`]).
    ///
    /// # Examples
    ///
    /// ```
    /// # use etag_actix::client::TagStore;
    /// # let mut store = TagStore::default();
    /// store.store("k", &[][..] as &[(&str, &str)], 200, &[("ETag", "\"v1\"")][..], "[1]".into())?;
    /// // key + body + "etag" + "\"v1\""
    /// assert_eq!(store.get("k").map(|s| s.size()), Some(1 + 3 + 4 + 4));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn size(&self) -> usize {
        self.size
    }
}

/// What to send to revalidate a held representation, and the representation itself: a
/// snapshot taken when the request is made, so a `304` can be answered from it even if
/// another request replaced the entry meanwhile.
///
/// # Examples
///
/// ```
/// use etag_actix::client::TagStore;
///
/// let mut store = TagStore::default();
/// let none: &[(&str, &str)] = &[];
/// let response = [("ETag", "\"v1\""), ("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT")];
/// store.store("k", none, 200, &response[..], "{}".into())?;
/// let held = store.lookup("k", none).ok_or("nothing held")?;
/// assert_eq!(held.if_none_match(), "\"v1\"");
/// assert_eq!(held.if_modified_since(), Some(&b"Sun, 06 Nov 1994 08:49:37 GMT"[..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Revalidation {
    response: Arc<StoredResponse>,
}

impl Revalidation {
    /// The value to send as `If-None-Match`: the held tag.
    ///
    /// # Examples
    ///
    /// ```
    /// # use etag_actix::client::TagStore;
    /// # let mut store = TagStore::default();
    /// # let none: &[(&str, &str)] = &[];
    /// # store.store("k", none, 200, &[("ETag", "W/\"v1\"")][..], "{}".into())?;
    /// let held = store.lookup("k", none).ok_or("nothing held")?;
    /// assert_eq!(held.if_none_match(), "W/\"v1\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn if_none_match(&self) -> String {
        self.response.tag.to_string()
    }

    /// The value to send as `If-Modified-Since`: the held `Last-Modified`, if any (RFC 9111
    /// §4.3.1; a server ignores it when `If-None-Match` is present, an older cache may not).
    ///
    /// # Examples
    ///
    /// ```
    /// # use etag_actix::client::TagStore;
    /// # let mut store = TagStore::default();
    /// # let none: &[(&str, &str)] = &[];
    /// # store.store("k", none, 200, &[("ETag", "\"v1\"")][..], "{}".into())?;
    /// let held = store.lookup("k", none).ok_or("nothing held")?;
    /// assert_eq!(held.if_modified_since(), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn if_modified_since(&self) -> Option<&[u8]> {
        self.response.headers.get("last-modified")
    }

    /// The held response.
    ///
    /// # Examples
    ///
    /// ```
    /// # use etag_actix::client::TagStore;
    /// # let mut store = TagStore::default();
    /// # let none: &[(&str, &str)] = &[];
    /// # store.store("k", none, 200, &[("ETag", "\"v1\"")][..], "{}".into())?;
    /// let held = store.lookup("k", none).ok_or("nothing held")?;
    /// assert_eq!(&held.response().body()[..], b"{}");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn response(&self) -> &StoredResponse {
        &self.response
    }
}

/// A `304` that does not stand for the held representation: its `ETag` names another one
/// (RFC 9111 §4.3.4). The entry is dropped; fetch the resource again without a condition.
///
/// # Examples
///
/// ```
/// use etag_actix::client::{NotSelected, TagStore};
///
/// let mut store = TagStore::default();
/// let none: &[(&str, &str)] = &[];
/// store.store("k", none, 200, &[("ETag", "\"v1\"")][..], "{}".into())?;
/// let held = store.lookup("k", none).ok_or("nothing held")?;
/// let stray = [("ETag", "\"v2\"")];
/// assert_eq!(store.not_modified("k", &held, none, &stray[..]), Err(NotSelected));
/// assert!(store.get("k").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotSelected;

impl std::fmt::Display for NotSelected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the 304 response's ETag does not match the held representation")
    }
}

impl std::error::Error for NotSelected {}

/// The representations a client holds, keyed by URL, with their tags: what to store, what
/// to send to revalidate, what a `304` changes, and what to evict, as plain data and
/// functions (in the spirit of `http-cache-semantics`' `CachePolicy`), so any HTTP client
/// can drive it. [`Client`](super::Client) is its awc adapter.
///
/// - [`store`](Self::store) keeps a `200` when [`storability`](super::storability) allows
///   it, with the request values its `Vary` names; any other answer drops what was held.
/// - [`lookup`](Self::lookup) gives what to send (`If-None-Match`, `If-Modified-Since`)
///   when the request matches the stored `Vary` key, and counts as a use.
/// - [`not_modified`](Self::not_modified) applies a `304` (RFC 9111 §4.3.4): checks that it
///   stands for the held response, replaces the stored header fields it carries, and
///   drops the entry when the updated response may no longer be stored.
/// - One response is kept per URL. Eviction is least recently used first, after each
///   insertion, until both [`StoreLimits`] hold.
///
/// Entries are shared with [`Revalidation`] snapshots through `Arc`, so the store is `Send`
/// and `Sync` and can sit in a `Mutex` for a multi-threaded client.
///
/// # Examples
///
/// ```
/// use etag_actix::client::{StoreLimits, TagStore};
///
/// let mut store = TagStore::new(StoreLimits::default().max_entries(2));
/// let request = [("Accept", "application/json")];
/// for (url, tag) in [("/a", "\"1\""), ("/b", "\"2\""), ("/c", "\"3\"")] {
///     store.store(url, &request[..], 200, &[("ETag", tag)][..], "{}".into())?;
/// }
/// // "/a" was the least recently used: evicted.
/// assert!(store.get("/a").is_none());
/// assert_eq!(store.len(), 2);
///
/// // Revalidate "/b", and the server says 304.
/// let held = store.lookup("/b", &request[..]).ok_or("nothing held")?;
/// assert_eq!(held.if_none_match(), "\"2\"");
/// let body = store.not_modified("/b", &held, &request[..], &[("ETag", "\"2\"")][..])?;
/// assert_eq!(&body[..], b"{}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct TagStore {
    limits: StoreLimits,
    entries: HashMap<Box<str>, Slot>,
    /// Use order: tick of last use -> key. The first entry is the least recently used.
    order: BTreeMap<u64, Box<str>>,
    tick: u64,
    bytes: usize,
    evictions: u64,
}

#[derive(Debug)]
struct Slot {
    response: Arc<StoredResponse>,
    tick: u64,
}

impl TagStore {
    /// An empty store with these limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::{StoreLimits, TagStore};
    ///
    /// let store = TagStore::new(StoreLimits::default().max_bytes(1 << 20));
    /// assert!(store.is_empty());
    /// assert_eq!(store.limits().bytes(), 1 << 20);
    /// ```
    pub fn new(limits: StoreLimits) -> Self {
        TagStore {
            limits,
            ..TagStore::default()
        }
    }

    /// The store's limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::{StoreLimits, TagStore};
    ///
    /// assert_eq!(TagStore::default().limits(), StoreLimits::default());
    /// ```
    pub fn limits(&self) -> StoreLimits {
        self.limits
    }

    /// How many entries are held.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// assert_eq!(TagStore::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// assert!(TagStore::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes held, as counted against [`StoreLimits::bytes`].
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// let mut store = TagStore::default();
    /// let none: &[(&str, &str)] = &[];
    /// store.store("/k", none, 200, &[("ETag", "\"v1\"")][..], "[1]".into())?;
    /// assert_eq!(store.bytes(), 2 + 3 + 4 + 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// How many entries were evicted to keep within the limits, since the store was made.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::{StoreLimits, TagStore};
    ///
    /// let mut store = TagStore::new(StoreLimits::default().max_entries(1));
    /// let none: &[(&str, &str)] = &[];
    /// store.store("/a", none, 200, &[("ETag", "\"1\"")][..], "{}".into())?;
    /// store.store("/b", none, 200, &[("ETag", "\"2\"")][..], "{}".into())?;
    /// assert_eq!(store.evictions(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// The response held for `key`, whatever its `Vary` key; not counted as a use.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// assert!(TagStore::default().get("/nothing").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&StoredResponse> {
        self.entries.get(key).map(|slot| &*slot.response)
    }

    /// The URLs held, least recently used first.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// let mut store = TagStore::default();
    /// let none: &[(&str, &str)] = &[];
    /// store.store("/a", none, 200, &[("ETag", "\"1\"")][..], "{}".into())?;
    /// store.store("/b", none, 200, &[("ETag", "\"2\"")][..], "{}".into())?;
    /// let _ = store.lookup("/a", none);
    /// assert_eq!(store.keys().collect::<Vec<_>>(), ["/b", "/a"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.order.values().map(|key| &**key)
    }

    /// What to send to revalidate the response held for `key`, when `request` (the header
    /// fields of the request about to be sent, without the conditional ones) matches its
    /// `Vary` key; marks the entry as just used. `None` when nothing usable is held: send
    /// the request without conditions.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// let mut store = TagStore::default();
    /// let french = [("Accept-Language", "fr")];
    /// let response = [("ETag", "\"fr1\""), ("Vary", "Accept-Language")];
    /// store.store("/page", &french[..], 200, &response[..], "{}".into())?;
    /// assert!(store.lookup("/page", &french[..]).is_some());
    /// assert!(store.lookup("/page", &[("Accept-Language", "de")][..]).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn lookup(
        &mut self,
        key: &str,
        request: &(impl HeaderSource + ?Sized),
    ) -> Option<Revalidation> {
        let slot = self.entries.get_mut(key)?;
        if !slot.response.vary.matches(request) {
            return None;
        }
        self.tick += 1;
        let key = self.order.remove(&slot.tick).unwrap_or_else(|| key.into());
        slot.tick = self.tick;
        self.order.insert(self.tick, key);
        Some(Revalidation {
            response: Arc::clone(&slot.response),
        })
    }

    /// Takes the response to a `GET` of `key`: a `200` that may be stored (see
    /// [`storability`](super::storability), within the limits, and for a `request` that does
    /// not say `Cache-Control: no-store` itself) replaces what was held,
    /// with the values of `request`'s header fields that its `Vary` names; anything else
    /// only drops what was held, which no longer is the current representation. Evicts
    /// least recently used entries until the limits hold again.
    ///
    /// # Errors
    ///
    /// [`NotStored`] says why the response was not stored.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::{NotStored, TagStore};
    ///
    /// let mut store = TagStore::default();
    /// let none: &[(&str, &str)] = &[];
    /// store.store("/a", none, 200, &[("ETag", "\"1\"")][..], "{}".into())?;
    /// let no_store = [("ETag", "\"2\""), ("Cache-Control", "no-store")];
    /// assert_eq!(store.store("/a", none, 200, &no_store[..], "{}".into()), Err(NotStored::NoStore));
    /// assert!(store.get("/a").is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn store(
        &mut self,
        key: &str,
        request: &(impl HeaderSource + ?Sized),
        status: u16,
        response: &(impl HeaderSource + ?Sized),
        body: Bytes,
    ) -> Result<(), NotStored> {
        self.remove(key);
        // A request that says `no-store` forbids storing its response (RFC 9111 §5.2.1.5).
        if policy::has_no_store(request) {
            return Err(NotStored::NoStore);
        }
        let tag = policy::storability(status, response)?;
        let stored = StoredResponse::new(
            key,
            tag,
            StoredHeaders::from_response(response),
            VaryKey::new(request, response),
            body,
        );
        self.insert(key, stored)
    }

    /// Applies a `304 Not Modified` that answered the revalidation `held` of `key` (RFC 9111
    /// §4.3.4), and returns the held body, which the `304` says is still current.
    ///
    /// The header fields the `304` carries replace the stored ones (except those never
    /// stored, see [`StoredHeaders`]), and its `Vary` is applied to `request` again. If the
    /// entry was replaced since `held` was taken, the newer entry is left alone. If the
    /// updated response may no longer be stored (the `304` says `no-store`, or `Vary: *`),
    /// the entry is dropped; the body is still returned, the `304` stood for it.
    ///
    /// # Errors
    ///
    /// [`NotSelected`] when the `304`'s `ETag` names another representation than `held`'s;
    /// the entry is then dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// let mut store = TagStore::default();
    /// let none: &[(&str, &str)] = &[];
    /// let ok = [("ETag", "\"v1\""), ("Cache-Control", "no-cache"), ("X-Version", "1")];
    /// store.store("/a", none, 200, &ok[..], "{}".into())?;
    /// let held = store.lookup("/a", none).ok_or("nothing held")?;
    /// let not_modified = [("ETag", "\"v1\""), ("X-Version", "2")];
    /// let body = store.not_modified("/a", &held, none, &not_modified[..])?;
    /// assert_eq!(&body[..], b"{}");
    /// let stored = store.get("/a").ok_or("dropped")?;
    /// assert_eq!(stored.headers().get("x-version"), Some(&b"2"[..]));
    /// assert_eq!(stored.headers().get("cache-control"), Some(&b"no-cache"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn not_modified(
        &mut self,
        key: &str,
        held: &Revalidation,
        request: &(impl HeaderSource + ?Sized),
        response: &(impl HeaderSource + ?Sized),
    ) -> Result<Bytes, NotSelected> {
        let current = self
            .entries
            .get(key)
            .is_some_and(|slot| Arc::ptr_eq(&slot.response, &held.response));
        if !policy::selects(response, &held.response.tag) {
            if current {
                self.remove(key);
            }
            return Err(NotSelected);
        }
        let body = held.response.body.clone();
        // Most 304s repeat what is stored (within the same second, even `Date`): then the
        // entry stays as it is, and nothing is allocated.
        if current && !held.response.headers.unchanged_by(response) {
            let headers = held.response.headers.updated_by(response);
            let updated = policy::storability(200, &headers).map(|tag| {
                let vary = VaryKey::new(request, &headers);
                StoredResponse::new(key, tag, headers, vary, body.clone())
            });
            self.remove(key);
            if let Ok(updated) = updated {
                // Not stored when it outgrew the limits: the 304 still stood for the body.
                let _ = self.insert(key, updated);
            }
        }
        Ok(body)
    }

    /// Drops the entry for `key`; returns whether there was one.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// let mut store = TagStore::default();
    /// let none: &[(&str, &str)] = &[];
    /// store.store("/a", none, 200, &[("ETag", "\"1\"")][..], "{}".into())?;
    /// assert!(store.remove("/a"));
    /// assert!(!store.remove("/a"));
    /// assert_eq!(store.bytes(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove(&mut self, key: &str) -> bool {
        match self.entries.remove(key) {
            Some(slot) => {
                self.order.remove(&slot.tick);
                self.bytes -= slot.response.size;
                true
            }
            None => false,
        }
    }

    /// Drops the entry for `key` only if it holds the representation tagged `tag` (strong
    /// comparison): after a `412` to `If-Match: tag`, that one is stale, while an entry
    /// another request stored meanwhile may be current. Returns whether it was dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::EntityTag;
    /// use etag_actix::client::TagStore;
    ///
    /// let mut store = TagStore::default();
    /// let none: &[(&str, &str)] = &[];
    /// store.store("/a", none, 200, &[("ETag", "\"2\"")][..], "{}".into())?;
    /// assert!(!store.remove_tagged("/a", &EntityTag::strong("1")?));
    /// assert!(store.remove_tagged("/a", &EntityTag::strong("2")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remove_tagged(&mut self, key: &str, tag: &EntityTag) -> bool {
        let holds = self
            .entries
            .get(key)
            .is_some_and(|slot| slot.response.tag.strong_eq(tag));
        holds && self.remove(key)
    }

    /// Drops every entry.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::TagStore;
    ///
    /// let mut store = TagStore::default();
    /// let none: &[(&str, &str)] = &[];
    /// store.store("/a", none, 200, &[("ETag", "\"1\"")][..], "{}".into())?;
    /// store.clear();
    /// assert!(store.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.bytes = 0;
    }

    /// Inserts an entry for a key that holds none, then evicts until the limits hold.
    fn insert(&mut self, key: &str, response: StoredResponse) -> Result<(), NotStored> {
        if self.limits.entries == 0 {
            return Err(NotStored::Disabled);
        }
        if response.size > self.limits.bytes {
            return Err(NotStored::TooLarge {
                size: response.size,
                limit: self.limits.bytes,
            });
        }
        self.tick += 1;
        self.bytes += response.size;
        self.order.insert(self.tick, key.into());
        self.entries.insert(
            key.into(),
            Slot {
                response: Arc::new(response),
                tick: self.tick,
            },
        );
        // The new entry is the most recently used and fits alone, so it is never evicted.
        while self.entries.len() > self.limits.entries || self.bytes > self.limits.bytes {
            let Some((_, oldest)) = self.order.pop_first() else {
                break;
            };
            if let Some(slot) = self.entries.remove(&oldest) {
                self.bytes -= slot.response.size;
                self.evictions += 1;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: &[(&str, &str)] = &[];

    fn ok(tag: &str) -> [(&'static str, String); 1] {
        [("ETag", format!("\"{tag}\""))]
    }

    fn body(len: usize) -> Bytes {
        Bytes::from(vec![b'x'; len])
    }

    /// The bytes an entry stored with `ok(tag)` counts.
    fn size(key: &str, tag: &str, body: usize) -> usize {
        key.len() + body + "etag".len() + tag.len() + 2
    }

    #[test]
    fn byte_accounting_follows_inserts_replacements_removals_and_304s() {
        let mut store = TagStore::default();
        assert_eq!(store.store("/a", NONE, 200, &ok("1")[..], body(10)), Ok(()));
        assert_eq!(store.bytes(), size("/a", "1", 10));
        assert_eq!(
            store.store("/bb", NONE, 200, &ok("22")[..], body(5)),
            Ok(())
        );
        assert_eq!(store.bytes(), size("/a", "1", 10) + size("/bb", "22", 5));
        // Replacing an entry counts only the new one.
        assert_eq!(
            store.store("/a", NONE, 200, &ok("333")[..], body(1)),
            Ok(())
        );
        assert_eq!(store.bytes(), size("/a", "333", 1) + size("/bb", "22", 5));
        // A 304 adding a field counts it.
        let held = store.lookup("/bb", NONE).unwrap_or_else(|| unreachable!());
        let not_modified = [("ETag", "\"22\""), ("X-Extra", "abc")];
        assert!(
            store
                .not_modified("/bb", &held, NONE, &not_modified[..])
                .is_ok()
        );
        assert_eq!(
            store.bytes(),
            size("/a", "333", 1) + size("/bb", "22", 5) + "x-extra".len() + 3
        );
        assert!(store.remove("/a"));
        assert_eq!(store.bytes(), size("/bb", "22", 5) + "x-extra".len() + 3);
        // A response that is not stored drops what was held.
        assert_eq!(
            store.store("/bb", NONE, 404, &ok("22")[..], body(5)),
            Err(NotStored::Status(404))
        );
        assert_eq!((store.len(), store.bytes()), (0, 0));
    }

    #[test]
    fn eviction_is_least_recently_used_first_by_entries() {
        let mut store = TagStore::new(StoreLimits::default().max_entries(3));
        for key in ["/1", "/2", "/3"] {
            assert!(store.store(key, NONE, 200, &ok("t")[..], body(1)).is_ok());
        }
        // Using /1 makes /2 the least recently used.
        assert!(store.lookup("/1", NONE).is_some());
        assert!(store.store("/4", NONE, 200, &ok("t")[..], body(1)).is_ok());
        assert_eq!(store.keys().collect::<Vec<_>>(), ["/3", "/1", "/4"]);
        // Replacing /3 makes it the most recently used.
        assert!(store.store("/3", NONE, 200, &ok("u")[..], body(1)).is_ok());
        assert!(store.store("/5", NONE, 200, &ok("t")[..], body(1)).is_ok());
        assert_eq!(store.keys().collect::<Vec<_>>(), ["/4", "/3", "/5"]);
        assert_eq!(store.evictions(), 2);
        // A lookup that does not match Vary is no use.
        let vary = [("ETag", "\"v\""), ("Vary", "Accept")];
        assert!(
            store
                .store("/6", &[("Accept", "a")][..], 200, &vary[..], body(1))
                .is_ok()
        );
        assert!(store.lookup("/3", NONE).is_some());
        assert!(store.lookup("/6", &[("Accept", "b")][..]).is_none());
        assert!(store.store("/7", NONE, 200, &ok("t")[..], body(1)).is_ok());
        // /5 went; /6 stayed before /3, which the matching lookup moved last.
        assert_eq!(store.keys().collect::<Vec<_>>(), ["/6", "/3", "/7"]);
    }

    #[test]
    fn eviction_by_bytes_removes_as_many_old_entries_as_needed() {
        let one = size("/1", "t", 100);
        let mut store = TagStore::new(StoreLimits::default().max_bytes(3 * one));
        for key in ["/1", "/2", "/3"] {
            assert!(store.store(key, NONE, 200, &ok("t")[..], body(100)).is_ok());
        }
        assert_eq!(store.bytes(), 3 * one);
        // An entry as big as two others evicts the two least recently used.
        assert!(store.lookup("/1", NONE).is_some());
        assert!(
            store
                .store("/4", NONE, 200, &ok("t")[..], body(100 + one))
                .is_ok()
        );
        assert_eq!(store.keys().collect::<Vec<_>>(), ["/1", "/4"]);
        assert_eq!(store.bytes(), 3 * one);
        assert!(store.bytes() <= store.limits().bytes());
        // An entry larger than the whole limit is not stored and evicts nothing.
        assert_eq!(
            store.store("/5", NONE, 200, &ok("t")[..], body(3 * one)),
            Err(NotStored::TooLarge {
                size: size("/5", "t", 3 * one),
                limit: 3 * one
            })
        );
        assert_eq!(store.keys().collect::<Vec<_>>(), ["/1", "/4"]);
    }

    #[test]
    fn no_entries_allowed_stores_nothing() {
        let mut store = TagStore::new(StoreLimits::default().max_entries(0));
        assert_eq!(
            store.store("/1", NONE, 200, &ok("t")[..], body(1)),
            Err(NotStored::Disabled)
        );
        assert!(store.is_empty());
    }

    #[test]
    fn no_store_and_vary_star_are_not_kept() {
        let mut store = TagStore::default();
        let no_store = [("ETag", "\"a\""), ("Cache-Control", "no-store")];
        assert_eq!(
            store.store("/a", NONE, 200, &no_store[..], body(1)),
            Err(NotStored::NoStore)
        );
        let any = [("ETag", "\"a\""), ("Vary", "*")];
        assert_eq!(
            store.store("/a", NONE, 200, &any[..], body(1)),
            Err(NotStored::VaryAny)
        );
        assert!(store.is_empty());
        assert!(store.lookup("/a", NONE).is_none());
    }

    #[test]
    fn a_request_saying_no_store_forbids_storing_its_response() {
        let mut store = TagStore::default();
        let request = [("Cache-Control", "no-store")];
        assert_eq!(
            store.store("/a", &request[..], 200, &ok("a")[..], body(1)),
            Err(NotStored::NoStore)
        );
        assert!(store.is_empty());
    }

    #[test]
    fn lookup_honours_vary_with_the_request_the_response_was_stored_for() {
        let mut store = TagStore::default();
        let json = [("Accept", "application/json")];
        let response = [("ETag", "\"a\""), ("Vary", "Accept")];
        assert!(
            store
                .store("/a", &json[..], 200, &response[..], body(1))
                .is_ok()
        );
        assert!(store.lookup("/a", &json[..]).is_some());
        assert!(store.lookup("/a", &[("Accept", "text/html")][..]).is_none());
        assert!(store.lookup("/a", NONE).is_none());
        // A mismatch does not drop the entry.
        assert!(store.get("/a").is_some());
    }

    #[test]
    fn a_304_updates_headers_and_a_304_saying_no_store_drops_the_entry() {
        let mut store = TagStore::default();
        let response = [
            ("ETag", "\"a\""),
            ("Cache-Control", "no-cache"),
            ("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"),
            ("Content-Type", "application/json"),
        ];
        assert!(store.store("/a", NONE, 200, &response[..], body(3)).is_ok());
        let held = store.lookup("/a", NONE).unwrap_or_else(|| unreachable!());
        let not_modified = [
            ("ETag", "\"a\""),
            ("Last-Modified", "Mon, 07 Nov 1994 08:49:37 GMT"),
            ("Content-Length", "0"),
        ];
        assert_eq!(
            store.not_modified("/a", &held, NONE, &not_modified[..]),
            Ok(body(3))
        );
        let stored = store.get("/a").unwrap_or_else(|| unreachable!());
        assert_eq!(
            stored.headers().get("last-modified"),
            Some(&b"Mon, 07 Nov 1994 08:49:37 GMT"[..])
        );
        assert_eq!(stored.headers().get("content-length"), None);
        assert_eq!(
            stored.headers().get("cache-control"),
            Some(&b"no-cache"[..])
        );
        assert_eq!(
            stored.headers().get("content-type"),
            Some(&b"application/json"[..])
        );
        // The next revalidation sends the updated date.
        let held = store.lookup("/a", NONE).unwrap_or_else(|| unreachable!());
        assert_eq!(
            held.if_modified_since(),
            Some(&b"Mon, 07 Nov 1994 08:49:37 GMT"[..])
        );

        let no_store = [("Cache-Control", "no-store")];
        assert_eq!(
            store.not_modified("/a", &held, NONE, &no_store[..]),
            Ok(body(3))
        );
        assert!(store.is_empty());
        assert_eq!(store.bytes(), 0);
    }

    #[test]
    fn a_304_that_repeats_the_stored_fields_leaves_the_entry_as_it_is() {
        let mut store = TagStore::default();
        let response = [("ETag", "\"a\""), ("Cache-Control", "no-cache")];
        assert!(store.store("/a", NONE, 200, &response[..], body(3)).is_ok());
        let held = store.lookup("/a", NONE).unwrap_or_else(|| unreachable!());
        let bytes = store.bytes();
        assert_eq!(
            store.not_modified("/a", &held, NONE, &response[..]),
            Ok(body(3))
        );
        let again = store.lookup("/a", NONE).unwrap_or_else(|| unreachable!());
        assert!(Arc::ptr_eq(&held.response, &again.response));
        assert_eq!(store.bytes(), bytes);
    }

    #[test]
    fn a_304_can_bring_a_new_vary() {
        let mut store = TagStore::default();
        let request = [("Accept-Language", "fr")];
        assert!(
            store
                .store("/a", &request[..], 200, &ok("a")[..], body(1))
                .is_ok()
        );
        let held = store.lookup("/a", NONE).unwrap_or_else(|| unreachable!());
        let not_modified = [("ETag", "\"a\""), ("Vary", "Accept-Language")];
        assert!(
            store
                .not_modified("/a", &held, &request[..], &not_modified[..])
                .is_ok()
        );
        assert!(store.lookup("/a", &request[..]).is_some());
        assert!(store.lookup("/a", NONE).is_none());
    }

    #[test]
    fn a_304_for_a_replaced_entry_answers_from_the_snapshot_and_leaves_the_new_entry() {
        let mut store = TagStore::default();
        assert!(store.store("/a", NONE, 200, &ok("1")[..], body(1)).is_ok());
        let held = store.lookup("/a", NONE).unwrap_or_else(|| unreachable!());
        // Another request stored a newer representation meanwhile.
        assert!(store.store("/a", NONE, 200, &ok("2")[..], body(2)).is_ok());
        let not_modified = [("ETag", "\"1\""), ("X-New", "y")];
        assert_eq!(
            store.not_modified("/a", &held, NONE, &not_modified[..]),
            Ok(body(1))
        );
        let stored = store.get("/a").unwrap_or_else(|| unreachable!());
        assert_eq!(stored.tag().to_string(), "\"2\"");
        assert_eq!(stored.headers().get("x-new"), None);
    }

    #[test]
    fn a_304_naming_another_tag_is_refused_and_drops_the_entry() {
        let mut store = TagStore::default();
        assert!(store.store("/a", NONE, 200, &ok("1")[..], body(1)).is_ok());
        let held = store.lookup("/a", NONE).unwrap_or_else(|| unreachable!());
        assert_eq!(
            store.not_modified("/a", &held, NONE, &ok("2")[..]),
            Err(NotSelected)
        );
        assert!(store.is_empty());
    }

    #[test]
    fn the_store_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<TagStore>();
        assert_send_sync::<Revalidation>();
    }
}
