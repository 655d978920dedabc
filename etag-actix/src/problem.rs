//! [`Problem`]: an RFC 9457 problem details response, the one renderer of every error body
//! this crate writes (and that applications can use for their own errors).

use std::borrow::Cow;
use std::fmt;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue, TryIntoHeaderPair};
use actix_web::{HttpResponse, ResponseError};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::config::ErrorFormat;

/// The media type of a problem details document (RFC 9457 §3).
///
/// # Examples
///
/// ```
/// assert_eq!(etag_actix::PROBLEM_JSON, "application/problem+json");
/// ```
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error response whose body is a problem details document (RFC 9457):
/// `{"type", "title", "status", "detail", ...extension members}` as
/// `application/problem+json`, or `Title: detail` as plain text ([`ErrorFormat`]).
///
/// [`PreconditionError`](crate::PreconditionError) renders its 400, 412, 428 and 503
/// through it, so an application that renders its own errors (404, 422, 500...) with
/// `Problem` sends one format throughout. `type` defaults to `about:blank` and `title` to
/// the status's reason phrase, as RFC 9457 §4.2.1 wants for `about:blank`.
///
/// # Examples
///
/// ```
/// use actix_web::{ResponseError, http::StatusCode};
/// use etag_actix::Problem;
///
/// let problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "`stock` must not be negative")
///     .extension("errors", vec!["`stock` must not be negative"]);
/// let res = problem.error_response();
/// assert_eq!(res.status(), 422);
/// assert_eq!(res.headers().get("content-type").unwrap(), "application/problem+json");
/// assert_eq!(
///     problem.to_json(),
///     r#"{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"`stock` must not be negative","errors":["`stock` must not be negative"]}"#
/// );
/// ```
#[derive(Clone, Debug)]
pub struct Problem {
    status: StatusCode,
    type_uri: Cow<'static, str>,
    title: Option<Cow<'static, str>>,
    detail: Cow<'static, str>,
    extensions: Vec<(Cow<'static, str>, serde_json::Value)>,
    headers: HeaderMap,
    format: ErrorFormat,
}

impl Problem {
    /// A problem with this status and `detail` (the human-readable explanation of this
    /// occurrence), `type` `about:blank` and the status's reason phrase as `title`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// let problem = Problem::new(StatusCode::NOT_FOUND, "there is no product with id `9`");
    /// assert_eq!(problem.title(), "Not Found");
    /// assert_eq!(problem.type_uri(), "about:blank");
    /// ```
    pub fn new(status: StatusCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Problem {
            status,
            type_uri: Cow::Borrowed("about:blank"),
            title: None,
            detail: detail.into(),
            extensions: Vec::new(),
            headers: HeaderMap::new(),
            format: ErrorFormat::ProblemJson,
        }
    }

    /// Sets `type`: a URI that identifies the problem type (default `about:blank`).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// let problem = Problem::new(StatusCode::CONFLICT, "taken")
    ///     .with_type("https://example.com/problems/taken");
    /// assert_eq!(problem.type_uri(), "https://example.com/problems/taken");
    /// ```
    #[must_use]
    pub fn with_type(mut self, uri: impl Into<Cow<'static, str>>) -> Self {
        self.type_uri = uri.into();
        self
    }

    /// Sets `title`: a short summary of the problem type (default: the reason phrase).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// let problem = Problem::new(StatusCode::CONFLICT, "taken").with_title("Name taken");
    /// assert_eq!(problem.title(), "Name taken");
    /// ```
    #[must_use]
    pub fn with_title(mut self, title: impl Into<Cow<'static, str>>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Adds an extension member (RFC 9457 §3.2), written after the standard members. A
    /// member named like a standard one (`type`, `title`, `status`, `detail`) is ignored:
    /// those are set with their own methods.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// let problem = Problem::new(StatusCode::BAD_REQUEST, "bad").extension("field", "name");
    /// assert!(problem.to_json().ends_with(r#","field":"name"}"#));
    /// ```
    #[must_use]
    pub fn extension(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        let name = name.into();
        if !matches!(&*name, "type" | "title" | "status" | "detail") {
            self.extensions.push((name, value.into()));
        }
        self
    }

    /// Adds a response header (e.g. `Allow`, `Accept-Patch`); an invalid one is skipped.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{ResponseError, http::StatusCode};
    /// use etag_actix::Problem;
    ///
    /// let problem = Problem::new(StatusCode::METHOD_NOT_ALLOWED, "use GET")
    ///     .insert_header(("allow", "GET, HEAD"));
    /// assert_eq!(problem.error_response().headers().get("allow").unwrap(), "GET, HEAD");
    /// ```
    #[must_use]
    pub fn insert_header(mut self, header: impl TryIntoHeaderPair) -> Self {
        if let Ok((name, value)) = header.try_into_pair() {
            self.headers.insert(name, value);
        }
        self
    }

    /// Adds `Retry-After: seconds` (RFC 9110 §10.2.3): for a `503 Service Unavailable` or a
    /// `429 Too Many Requests`, how long the client should wait before it tries again.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{ResponseError, http::StatusCode};
    /// use etag_actix::Problem;
    ///
    /// let res = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "the database is unreachable")
    ///     .retry_after(2)
    ///     .error_response();
    /// assert_eq!(res.headers().get("retry-after").unwrap(), "2");
    /// ```
    #[must_use]
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.headers
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        self
    }

    /// Writes the body as `format` says (default: problem+json).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{ResponseError, http::StatusCode};
    /// use etag_actix::{ErrorFormat, Problem};
    ///
    /// let res = Problem::new(StatusCode::NOT_FOUND, "no such product")
    ///     .with_format(ErrorFormat::PlainText)
    ///     .error_response();
    /// assert_eq!(res.headers().get("content-type").unwrap(), "text/plain; charset=utf-8");
    /// ```
    #[must_use]
    pub fn with_format(mut self, format: ErrorFormat) -> Self {
        self.format = format;
        self
    }

    /// The status of the response.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// assert_eq!(Problem::new(StatusCode::GONE, "gone").status(), StatusCode::GONE);
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `type` member.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// assert_eq!(Problem::new(StatusCode::GONE, "gone").type_uri(), "about:blank");
    /// ```
    pub fn type_uri(&self) -> &str {
        &self.type_uri
    }

    /// The `title` member: the one set, else the status's reason phrase.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// assert_eq!(Problem::new(StatusCode::GONE, "gone").title(), "Gone");
    /// ```
    pub fn title(&self) -> &str {
        match &self.title {
            Some(title) => title,
            None => self.status.canonical_reason().unwrap_or("Error"),
        }
    }

    /// The `detail` member.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// assert_eq!(Problem::new(StatusCode::GONE, "gone").detail(), "gone");
    /// ```
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The problem+json document.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::Problem;
    ///
    /// assert_eq!(
    ///     Problem::new(StatusCode::GONE, "gone").to_json(),
    ///     r#"{"type":"about:blank","title":"Gone","status":410,"detail":"gone"}"#
    /// );
    /// ```
    pub fn to_json(&self) -> String {
        // Serializing strings, numbers and JSON values into a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The response: status, the headers added, `Content-Type` and the body.
    fn response(&self) -> HttpResponse<BoxBody> {
        let mut res = HttpResponse::new(self.status);
        let headers = res.headers_mut();
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        let (content_type, body) = match self.format {
            ErrorFormat::ProblemJson => (PROBLEM_JSON, self.to_json()),
            ErrorFormat::PlainText => (
                "text/plain; charset=utf-8",
                format!("{}: {}", self.title(), self.detail),
            ),
        };
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        res.set_body(BoxBody::new(body))
    }
}

impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4 + self.extensions.len()))?;
        map.serialize_entry("type", &self.type_uri)?;
        map.serialize_entry("title", self.title())?;
        map.serialize_entry("status", &self.status.as_u16())?;
        map.serialize_entry("detail", &self.detail)?;
        for (name, value) in &self.extensions {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

impl fmt::Display for Problem {
    /// The `detail`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for Problem {}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        self.response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_members_cannot_be_overridden_by_extensions() {
        let problem = Problem::new(StatusCode::BAD_REQUEST, "bad")
            .extension("status", 200)
            .extension("detail", "other");
        assert_eq!(
            problem.to_json(),
            r#"{"type":"about:blank","title":"Bad Request","status":400,"detail":"bad"}"#
        );
    }

    #[test]
    fn plain_text_is_title_and_detail() {
        let res = Problem::new(StatusCode::NOT_FOUND, "nothing here")
            .with_format(ErrorFormat::PlainText)
            .error_response();
        let body = actix_web::rt::System::new()
            .block_on(actix_web::body::to_bytes(res.into_body()))
            .unwrap_or_default();
        assert_eq!(&body[..], b"Not Found: nothing here");
    }

    #[test]
    fn an_unknown_status_has_a_title() {
        let status = StatusCode::from_u16(599).unwrap_or(StatusCode::IM_A_TEAPOT);
        assert_eq!(Problem::new(status, "x").title(), "Error");
    }
}
