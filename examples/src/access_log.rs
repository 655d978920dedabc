//! One log line per request: time, method, path, status, duration.

use std::fmt;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use chrono::{DateTime, SecondsFormat, Utc};

/// Where request log lines go: stderr for the binary, a buffer in tests.
///
/// # Examples
///
/// ```
/// use std::sync::{Arc, Mutex};
/// use etag_examples::AccessLog;
///
/// let lines = Arc::new(Mutex::new(Vec::new()));
/// let sink = Arc::clone(&lines);
/// let log = AccessLog::new(move |line| sink.lock().unwrap().push(line.to_owned()));
/// log.write("GET /products 200 0.4ms");
/// assert_eq!(lines.lock().unwrap().len(), 1);
/// ```
#[derive(Clone)]
pub struct AccessLog {
    sink: Arc<dyn Fn(&str) + Send + Sync>,
}

impl fmt::Debug for AccessLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessLog").finish_non_exhaustive()
    }
}

impl AccessLog {
    /// A log that hands every line to `sink`.
    ///
    /// # Examples
    ///
    /// ```
    /// let quiet = etag_examples::AccessLog::new(|_| {});
    /// quiet.write("dropped");
    /// ```
    pub fn new(sink: impl Fn(&str) + Send + Sync + 'static) -> Self {
        AccessLog {
            sink: Arc::new(sink),
        }
    }

    /// A log that prints every line to stderr.
    ///
    /// # Examples
    ///
    /// ```
    /// etag_examples::AccessLog::stderr().write("hello from the docs");
    /// ```
    pub fn stderr() -> Self {
        AccessLog::new(|line| eprintln!("{line}"))
    }

    /// Writes one line.
    ///
    /// # Examples
    ///
    /// ```
    /// etag_examples::AccessLog::stderr().write("listening");
    /// ```
    pub fn write(&self, line: &str) {
        (self.sink)(line);
    }

    /// Runs the request through `service` and logs
    /// `<time> <method> <path> <status> <duration>ms` when the response is ready, followed
    /// by `error: <cause>` for a 5xx.
    pub(crate) fn around<S, B>(
        &self,
        req: ServiceRequest,
        service: &S,
    ) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + use<S, B>
    where
        S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    {
        let started = Instant::now();
        let method = req.method().clone();
        let target = req
            .uri()
            .path_and_query()
            .map_or_else(|| req.path().to_owned(), |pq| pq.as_str().to_owned());
        let log = self.clone();
        let response = service.call(req);
        async move {
            let result = response.await;
            let (status, error) = match &result {
                Ok(res) => (res.status(), res.response().error()),
                Err(err) => (err.as_response_error().status_code(), Some(err)),
            };
            let now: DateTime<Utc> = SystemTime::now().into();
            let mut line = format!(
                "{} {method} {target} {} {:.1}ms",
                now.to_rfc3339_opts(SecondsFormat::Millis, true),
                status.as_u16(),
                started.elapsed().as_secs_f64() * 1000.0,
            );
            // A server error's cause goes to the log, not to the client.
            if let Some(err) = error.filter(|_| status.is_server_error()) {
                line.push_str(&format!(" error: {err}"));
            }
            log.write(&line);
            result
        }
    }
}
