//! [`ClientError`]: what went wrong in a call of [`Client`](super::Client), with the
//! server's status and problem details when it answered.

use std::error::Error as StdError;
use std::fmt;

use actix_web::http::{Method, StatusCode};

/// The kinds of [`ClientError`].
///
/// # Examples
///
/// ```
/// use etag_actix::client::ErrorKind;
///
/// assert_ne!(ErrorKind::Status, ErrorKind::LostRaces);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL could not be used (not a valid URI, no scheme or host).
    InvalidUrl,
    /// Connecting, sending or receiving failed (refused, reset, timed out, malformed
    /// response): there is no status.
    Transport,
    /// The server answered with a status that is not a success (`404`, `428`, a `412` for a
    /// create-only or single write...); [`ClientError::status`] tells which and
    /// [`ClientError::detail`] what its problem details said.
    Status,
    /// A read-modify-write was refused with `412 Precondition Failed` on every attempt: the
    /// resource kept changing between the read and the write; see
    /// [`ClientError::lost_races`].
    LostRaces,
    /// The response body was larger than the client's limit.
    BodyTooLarge,
    /// The response body could not be decoded as the expected JSON type.
    BadBody,
    /// The request body could not be serialized as JSON.
    Encode,
    /// A conditional write was asked for, but the representation read carries no strong
    /// entity-tag (none, or a weak one, which `If-Match` never matches); nothing was sent.
    Unprotected,
}

/// An error from [`Client`](super::Client): its [`kind`](Self::kind), the request it
/// concerns, and, when the server answered, its status and the `title` and `detail` of its
/// `application/problem+json` body (RFC 9457).
///
/// It is `Send + Sync + 'static`, so it goes into `Box<dyn Error + Send + Sync>` and
/// `anyhow`; transport errors keep awc's message (awc's own error is not `Send`).
///
/// # Examples
///
/// ```
/// use etag_actix::client::{Client, ErrorKind};
///
/// # actix_web::rt::System::new().block_on(async {
/// let client = Client::new(awc::Client::default());
/// let err = client.get::<serde_json::Value>("no scheme, no host").await.unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidUrl);
/// assert_eq!(err.status(), None);
/// assert!(err.to_string().starts_with("GET no scheme, no host: invalid URL"));
/// # });
/// ```
pub struct ClientError {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    method: Method,
    url: String,
    status: Option<StatusCode>,
    title: Option<String>,
    detail: Option<String>,
    races: u32,
    limit: usize,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl ClientError {
    pub(crate) fn new(kind: ErrorKind, method: &Method, url: &str) -> Self {
        ClientError {
            inner: Box::new(Inner {
                kind,
                method: method.clone(),
                url: url.to_owned(),
                status: None,
                title: None,
                detail: None,
                races: 0,
                limit: 0,
                source: None,
            }),
        }
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_problem(mut self, title: Option<String>, detail: Option<String>) -> Self {
        self.inner.title = title;
        self.inner.detail = detail;
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn with_races(mut self, races: u32) -> Self {
        self.inner.races = races;
        self
    }

    pub(crate) fn with_limit(mut self, limit: usize) -> Self {
        self.inner.limit = limit;
        self
    }

    /// What kind of failure this is.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::{Client, ErrorKind};
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// // Nothing listens on port 1 of the loopback address.
    /// let client = Client::new(awc::Client::default());
    /// let err = client.get::<serde_json::Value>("http://127.0.0.1:1/").await.unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Transport);
    /// # });
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The status of the response the error comes from, when there was one: the error
    /// status itself for [`ErrorKind::Status`], `412` for [`ErrorKind::LostRaces`], the
    /// status whose body failed for [`ErrorKind::BadBody`] and [`ErrorKind::BodyTooLarge`].
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let client = Client::new(awc::Client::default());
    /// let err = client.get::<serde_json::Value>("http://127.0.0.1:1/").await.unwrap_err();
    /// assert_eq!(err.status(), None);
    /// # });
    /// ```
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The `detail` member of the server's `application/problem+json` (or JSON) error body,
    /// when it had one.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let client = Client::new(awc::Client::default());
    /// let err = client.get::<serde_json::Value>("http://127.0.0.1:1/").await.unwrap_err();
    /// assert_eq!(err.detail(), None);
    /// # });
    /// ```
    pub fn detail(&self) -> Option<&str> {
        self.inner.detail.as_deref()
    }

    /// The `title` member of the server's problem details, when it had one.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let client = Client::new(awc::Client::default());
    /// let err = client.get::<serde_json::Value>("http://127.0.0.1:1/").await.unwrap_err();
    /// assert_eq!(err.title(), None);
    /// # });
    /// ```
    pub fn title(&self) -> Option<&str> {
        self.inner.title.as_deref()
    }

    /// For [`ErrorKind::LostRaces`]: how many writes were refused with `412` before the
    /// client gave up.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let client = Client::new(awc::Client::default());
    /// let err = client.get::<serde_json::Value>("http://127.0.0.1:1/").await.unwrap_err();
    /// assert_eq!(err.lost_races(), None);
    /// # });
    /// ```
    pub fn lost_races(&self) -> Option<u32> {
        (self.inner.kind == ErrorKind::LostRaces).then_some(self.inner.races)
    }

    /// The method of the request the error concerns.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let client = Client::new(awc::Client::default());
    /// let err = client.get::<serde_json::Value>("http://127.0.0.1:1/").await.unwrap_err();
    /// assert_eq!(err.method(), "GET");
    /// # });
    /// ```
    pub fn method(&self) -> &Method {
        &self.inner.method
    }

    /// The URL of the request the error concerns, as given.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let client = Client::new(awc::Client::default());
    /// let err = client.get::<serde_json::Value>("http://127.0.0.1:1/x").await.unwrap_err();
    /// assert_eq!(err.url(), "http://127.0.0.1:1/x");
    /// # });
    /// ```
    pub fn url(&self) -> &str {
        &self.inner.url
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        write!(f, "{} {}: ", inner.method, inner.url)?;
        match inner.kind {
            ErrorKind::InvalidUrl => f.write_str("invalid URL")?,
            ErrorKind::Transport => f.write_str("request failed")?,
            ErrorKind::Status => match inner.status {
                Some(status) => write!(f, "{status}")?,
                None => f.write_str("error status")?,
            },
            ErrorKind::LostRaces => write!(
                f,
                "gave up after {} lost races: the resource changed between every read and write \
                 (412 Precondition Failed each time)",
                inner.races
            )?,
            ErrorKind::BodyTooLarge => write!(
                f,
                "response body larger than the limit of {} bytes",
                inner.limit
            )?,
            ErrorKind::BadBody => f.write_str("undecodable response body")?,
            ErrorKind::Encode => f.write_str("request body could not be serialized")?,
            ErrorKind::Unprotected => f.write_str(
                "the representation has no strong ETag, so the write cannot carry If-Match; \
                 nothing was sent",
            )?,
        }
        if let Some(detail) = &inner.detail {
            write!(f, ": {detail}")?;
        } else if let Some(source) = &inner.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut debug = f.debug_struct("ClientError");
        debug
            .field("kind", &inner.kind)
            .field("method", &inner.method)
            .field("url", &inner.url);
        if let Some(status) = inner.status {
            debug.field("status", &status);
        }
        if let Some(detail) = &inner.detail {
            debug.field("detail", detail);
        }
        if inner.kind == ErrorKind::LostRaces {
            debug.field("races", &inner.races);
        }
        if let Some(source) = &inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl StdError for ClientError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.inner.source {
            Some(source) => Some(&**source),
            None => None,
        }
    }
}

/// An error known only by its message (awc's errors are not `Send`).
#[derive(Debug)]
pub(crate) struct Message(pub(crate) String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Message {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_send_sync_static_and_small() {
        fn assert_error<E: StdError + Send + Sync + 'static>() {}
        assert_error::<ClientError>();
        assert_eq!(
            std::mem::size_of::<ClientError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn display_names_the_request_the_status_and_the_detail() {
        let err = ClientError::new(ErrorKind::Status, &Method::GET, "http://svc/products/9")
            .with_status(StatusCode::NOT_FOUND)
            .with_problem(Some("Not Found".into()), Some("no product 9".into()));
        assert_eq!(
            err.to_string(),
            "GET http://svc/products/9: 404 Not Found: no product 9"
        );
        assert_eq!(err.lost_races(), None);

        let err = ClientError::new(ErrorKind::LostRaces, &Method::PATCH, "http://svc/a")
            .with_status(StatusCode::PRECONDITION_FAILED)
            .with_races(3);
        assert_eq!(err.lost_races(), Some(3));
        assert!(
            err.to_string()
                .starts_with("PATCH http://svc/a: gave up after 3 lost races")
        );

        let err = ClientError::new(ErrorKind::Transport, &Method::GET, "http://svc/a")
            .with_source(Message("connection refused".into()));
        assert_eq!(
            err.to_string(),
            "GET http://svc/a: request failed: connection refused"
        );
        assert_eq!(
            err.source().map(ToString::to_string).as_deref(),
            Some("connection refused")
        );
    }
}
