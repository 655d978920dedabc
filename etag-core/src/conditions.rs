//! The RFC 9110 §13.2.2 evaluator; the rules are documented on [`Conditions`].

use std::time::SystemTime;

use crate::date::{http_date_seconds, unix_seconds};
use crate::entity_tag::{EntityTag, EntityTagRef};
use crate::header::{BadHeader, Header};
use crate::list::{Scan, scan, walk};
use crate::method::Method;

/// The conditional headers of a request, as raw lines. An empty slice means "absent".
///
/// Give every line of a header, in order, as received (raw bytes: `obs-text` is legal in
/// entity-tags). Lines of `If-Match` and `If-None-Match` are joined into one list; a date
/// header or `If-Range` on more than one line is invalid.
///
/// [`evaluate`](Self::evaluate) takes these lines, the [`Method`] and the current
/// [`Validators`] (or `None` when there is no current representation) and returns an
/// [`Outcome`], following RFC 9110 §13.2.2. It never allocates and never panics, whatever
/// the bytes.
///
/// # Evaluation
///
/// Two checks come first:
///
/// - `OPTIONS`, `CONNECT` and `TRACE`: every precondition is ignored, even a malformed one
///   (RFC 9110 §13.2.1). All other methods, known or not, are evaluated; an unknown method
///   is treated like an unsafe one.
/// - Malformed headers, before anything else is decided: a malformed `If-Match` (any
///   evaluated method) or a malformed `If-None-Match` on a method other than GET/HEAD is a
///   `400 Bad Request` naming the header and the problem ([`Conditions::validate`] does
///   just this check). A malformed `If-None-Match` on GET/HEAD is ignored.
///
/// Then the steps of RFC 9110 §13.2.2:
///
/// 1. `If-Match` present: true when it is `*` and a current representation exists, or when a
///    listed tag *strongly* matches the current one. False: `412` ([`Header::IfMatch`]).
/// 2. Else `If-Unmodified-Since` present, a valid date, and the resource has a modification
///    time: modified after that date: `412` ([`Header::IfUnmodifiedSince`]).
/// 3. `If-None-Match` present and valid: false when it is `*` and a current representation
///    exists, or when a listed tag *weakly* matches the current one. False: `304 Not
///    Modified` for GET and HEAD, `412` ([`Header::IfNoneMatch`]) for every other method.
/// 4. Else (no `If-None-Match` at all, not even a malformed one), GET/HEAD only:
///    `If-Modified-Since` a valid date, and the resource has a modification time not after
///    that date: `304`.
/// 5. GET with `Range`: without `If-Range` the range applies; with it, the range applies
///    when `If-Range` names the current tag (strong comparison; a weak tag never matches)
///    or exactly the current modification time, in whole seconds. Otherwise the full
///    representation is sent ([`RangeDecision::Full`]). `Range` on any other method, HEAD
///    included, is [`RangeDecision::NotRequested`] (RFC 9110 §14.2), and `If-Range`
///    without `Range` is ignored.
/// 6. Perform the method: [`Outcome::Proceed`].
///
/// # Dates
///
/// All three HTTP-date forms are accepted (see [`parse_http_date`](crate::parse_http_date)),
/// and so are dates before 1970, which that function rejects: `If-Unmodified-Since: Sat, 01
/// Jan 1966 00:00:00 GMT` is a valid date that a resource modified since fails. Dates are
/// compared in whole seconds: the resource's modification time is truncated to the second
/// it falls in, which is what its `Last-Modified` header shows. A date header sent on more
/// than one line, or that is not a valid HTTP-date, is ignored. A date is also ignored when
/// the resource has no modification time or no current representation.
///
/// # Where RFC 9110 leaves room, this evaluator chooses
///
/// - **No current representation** (`current` is `None`): pass `None` only when the method
///   would succeed without preconditions (a `PUT` that creates); when the answer would be a
///   404 anyway, preconditions do not apply (§13.2.1) and you need not evaluate. Then
///   `If-Match` (even `*`) is false, `If-None-Match` is true, and dates are ignored.
/// - **Empty lists**: a header that is present but holds no element (`If-Match:` or
///   `If-Match: , ,`) is a valid, empty list (§5.6.1). It matches nothing: `If-Match` fails
///   (refusing a write is the safe side), `If-None-Match` passes. It still counts as present:
///   it disables `If-Unmodified-Since` or `If-Modified-Since`.
/// - **A resource without an entity tag**: `If-Match: *` is true, a list is false;
///   `If-None-Match: *` is false, a list is true.
/// - **400 before 412**: a malformed header is reported even when another condition would
///   fail. `If-Match` is reported before `If-None-Match`.
/// - **If-Range**: a malformed value, several lines, or a list count as "does not match"
///   (full 200, never 400). A date matches only when it equals the modification time to the
///   second; the evaluator treats that time as a strong validator (§8.8.2.2), so do not
///   give one that can change twice within a second without the tag changing.
/// - **412 is final**: §13.2.2 lets a server answer 2xx instead of 412 when it can tell
///   that the same change was already made; the evaluator cannot know that, the caller may.
/// - **Dates in the future** are not treated specially (RFC 9110 dropped that rule).
///
/// # Examples
///
/// ```
/// use etag_core::{Conditions, EntityTag, Method, Outcome, RangeDecision, Validators};
///
/// let current = EntityTag::strong("v2")?;
/// let validators = Validators { etag: Some(&current), last_modified: None };
///
/// // A cache revalidates: 304.
/// let get = Conditions { if_none_match: &[b"\"v1\", \"v2\""], ..Conditions::default() };
/// assert_eq!(get.evaluate(Method::Get, Some(validators)), Outcome::NotModified);
///
/// // A stale write: 412.
/// let put = Conditions { if_match: &[b"\"v1\""], ..Conditions::default() };
/// assert!(matches!(put.evaluate(Method::Put, Some(validators)), Outcome::PreconditionFailed(_)));
///
/// // A fresh one: go ahead.
/// let put = Conditions { if_match: &[b"\"v2\""], ..Conditions::default() };
/// assert_eq!(
///     put.evaluate(Method::Put, Some(validators)),
///     Outcome::Proceed(RangeDecision::NotRequested)
/// );
/// # Ok::<(), etag_core::ParseError>(())
/// ```
///
/// A request with two `If-None-Match` lines:
///
/// ```
/// use etag_core::{Conditions, Method, Outcome};
///
/// let lines: &[&[u8]] = &[b"\"a\"", b"W/\"b\""];
/// let conditions = Conditions { if_none_match: lines, ..Conditions::default() };
/// assert!(conditions.validate(Method::Get).is_ok());
/// assert!(!conditions.has_write_precondition());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Conditions<'a> {
    /// `If-Match` lines.
    pub if_match: &'a [&'a [u8]],
    /// `If-None-Match` lines.
    pub if_none_match: &'a [&'a [u8]],
    /// `If-Modified-Since` lines.
    pub if_modified_since: &'a [&'a [u8]],
    /// `If-Unmodified-Since` lines.
    pub if_unmodified_since: &'a [&'a [u8]],
    /// `If-Range` lines.
    pub if_range: &'a [&'a [u8]],
    /// Whether the request has a `Range` header.
    pub range: bool,
}

/// The current state's validators.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
/// use etag_core::{EntityTag, Validators};
///
/// let tag = EntityTag::strong("v7")?;
/// let current = Validators { etag: Some(&tag), last_modified: Some(SystemTime::now()) };
/// assert!(current.etag.is_some());
/// # Ok::<(), etag_core::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Validators<'a> {
    /// The current entity tag, if the resource has one.
    pub etag: Option<&'a EntityTag>,
    /// The current modification time, if the resource has one.
    pub last_modified: Option<SystemTime>,
}

/// What to do with the request.
///
/// # Examples
///
/// ```
/// use etag_core::{Conditions, Header, Method, Outcome};
///
/// let conditions = Conditions { if_match: &[b"*"], ..Conditions::default() };
/// // No current representation: `If-Match: *` is false.
/// assert_eq!(
///     conditions.evaluate(Method::Put, None),
///     Outcome::PreconditionFailed(Header::IfMatch)
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Perform the method.
    Proceed(RangeDecision),
    /// `304 Not Modified`.
    NotModified,
    /// `412 Precondition Failed`, because of this header.
    PreconditionFailed(Header),
    /// `400 Bad Request`.
    BadRequest(BadHeader),
}

/// Whether a `Range` request still applies.
///
/// # Examples
///
/// ```
/// use etag_core::{Conditions, EntityTag, Method, Outcome, RangeDecision, Validators};
///
/// let tag = EntityTag::strong("v1")?;
/// let current = Some(Validators { etag: Some(&tag), last_modified: None });
/// let conditions = Conditions { if_range: &[b"\"v0\""], range: true, ..Conditions::default() };
/// assert_eq!(
///     conditions.evaluate(Method::Get, current),
///     Outcome::Proceed(RangeDecision::Full)
/// );
/// # Ok::<(), etag_core::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeDecision {
    /// No `Range` header, or a method other than GET.
    NotRequested,
    /// Serve the requested range.
    Apply,
    /// `If-Range` did not match: ignore `Range` and send the full representation.
    Full,
}

/// The condition that protects a write (RFC 6585 §3), strongest first; see
/// [`Conditions::write_guard`] for the rule.
///
/// # Examples
///
/// ```
/// use etag_core::{Conditions, WriteGuard};
///
/// let c = Conditions { if_none_match: &[b"*"], ..Conditions::default() };
/// assert_eq!(c.write_guard(), Some(WriteGuard::CreateOnly));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WriteGuard {
    /// `If-Match`: the write applies only to the state the client holds.
    Tags,
    /// `If-None-Match: *`: the write creates the resource only if it does not exist.
    CreateOnly,
    /// A valid `If-Unmodified-Since`: the write applies only if the resource was not
    /// modified since that date.
    Date,
}

impl Conditions<'_> {
    /// Evaluates the conditions against the current state (`None`: no current representation).
    ///
    /// See [`Conditions`] for the steps and the rules. Never allocates and never panics.
    /// Only a date in the obsolete RFC 850 form reads the system clock (for its century).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use etag_core::{Conditions, EntityTag, Method, Outcome, Validators};
    ///
    /// let tag = EntityTag::weak("v1")?;
    /// let current = Some(Validators {
    ///     etag: Some(&tag),
    ///     last_modified: Some(UNIX_EPOCH + Duration::from_millis(784_111_777_250)),
    /// });
    ///
    /// let by_tag = Conditions { if_none_match: &[b"\"v1\""], ..Conditions::default() };
    /// assert_eq!(by_tag.evaluate(Method::Head, current), Outcome::NotModified);
    ///
    /// let by_date = Conditions {
    ///     if_modified_since: &[b"Sun, 06 Nov 1994 08:49:37 GMT"],
    ///     ..Conditions::default()
    /// };
    /// assert_eq!(by_date.evaluate(Method::Get, current), Outcome::NotModified);
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    #[inline]
    pub fn evaluate(&self, method: Method, current: Option<Validators<'_>>) -> Outcome {
        // `If-None-Match: *` alone against an existing resource ("do I still hold it?", and
        // "create only if absent" for writes): false whatever follows, so steps 4 and 5 are
        // never reached and the answer is known without the steps below. Kept small so
        // that it inlines; every other request takes the full evaluation.
        if let [b"*"] = self.if_none_match
            && self.if_match.is_empty()
            && self.if_unmodified_since.is_empty()
            && current.is_some()
            && method.evaluates_preconditions()
        {
            return if method.is_get_or_head() {
                Outcome::NotModified
            } else {
                Outcome::PreconditionFailed(Header::IfNoneMatch)
            };
        }
        self.evaluate_steps(method, current)
    }

    /// [`evaluate`](Self::evaluate): every check and step.
    #[inline(never)]
    fn evaluate_steps(&self, method: Method, current: Option<Validators<'_>>) -> Outcome {
        if !method.evaluates_preconditions() {
            return Outcome::Proceed(RangeDecision::NotRequested);
        }
        let current_tag = current.and_then(|v| v.etag).map(EntityTag::as_ref);
        let if_match = match self.scan_if_match(current_tag) {
            Ok(scan) => scan,
            Err(bad) => return Outcome::BadRequest(bad),
        };
        let if_none_match = match self.scan_if_none_match(method, current_tag) {
            Ok(scan) => scan,
            Err(bad) => return Outcome::BadRequest(bad),
        };
        let exists = current.is_some();
        let modified = || current.and_then(|v| v.last_modified).map(unix_seconds);

        // Step 1: If-Match.
        if let Some(list) = if_match {
            if !(list.matched || (list.any && exists)) {
                return Outcome::PreconditionFailed(Header::IfMatch);
            }
        // Step 2: If-Unmodified-Since.
        } else if !self.if_unmodified_since.is_empty()
            && let Some(modified) = modified()
            && let Some(since) = single_date(self.if_unmodified_since)
            && modified > since
        {
            return Outcome::PreconditionFailed(Header::IfUnmodifiedSince);
        }

        // Step 3: If-None-Match.
        if let Some(list) = if_none_match {
            if list.matched || (list.any && exists) {
                return if method.is_get_or_head() {
                    Outcome::NotModified
                } else {
                    Outcome::PreconditionFailed(Header::IfNoneMatch)
                };
            }
        // Step 4: If-Modified-Since, when If-None-Match is absent (not merely malformed).
        } else if self.if_none_match.is_empty()
            && !self.if_modified_since.is_empty()
            && method.is_get_or_head()
            && let Some(modified) = modified()
            && let Some(since) = single_date(self.if_modified_since)
            && modified <= since
        {
            return Outcome::NotModified;
        }

        // Step 5: Range and If-Range.
        if method == Method::Get && self.range {
            return Outcome::Proceed(self.if_range(current_tag, modified()));
        }
        Outcome::Proceed(RangeDecision::NotRequested)
    }

    /// Checks only for the malformed headers that make `evaluate` answer `400 Bad Request`.
    ///
    /// A framework can call this while extracting the headers, to answer 400 before the
    /// handler runs; [`evaluate`](Self::evaluate) reports exactly the same errors.
    ///
    /// # Errors
    ///
    /// Returns the malformed header (`If-Match` first) and why: a malformed `If-Match` for
    /// any method, or a malformed `If-None-Match` for a method other than GET and HEAD.
    /// `OPTIONS`, `CONNECT` and `TRACE` never fail.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{Conditions, Header, Method};
    ///
    /// let conditions = Conditions { if_none_match: &[b"w/\"x\""], ..Conditions::default() };
    /// assert!(conditions.validate(Method::Get).is_ok()); // ignored on GET
    /// let bad = conditions.validate(Method::Put).unwrap_err();
    /// assert_eq!(bad.header(), Header::IfNoneMatch);
    /// assert!(conditions.validate(Method::Options).is_ok());
    /// ```
    pub fn validate(&self, method: Method) -> Result<(), BadHeader> {
        if method.evaluates_preconditions() {
            self.scan_if_match(None)?;
            self.scan_if_none_match(method, None)?;
        }
        Ok(())
    }

    /// The condition of the request that protects a write, strongest first; `None` when it
    /// has none. The one rule for `428 Precondition Required` (RFC 6585 §3):
    ///
    /// 1. `If-Match` present, whatever its value: [`WriteGuard::Tags`] (a malformed one is
    ///    a `400` from [`evaluate`](Self::evaluate) before this matters);
    /// 2. else `If-None-Match` that is exactly `*` ("create only if absent"):
    ///    [`WriteGuard::CreateOnly`]; a list of tags does not protect a write, and a
    ///    malformed value protects nothing;
    /// 3. else `If-Unmodified-Since` on exactly one line holding a valid HTTP-date, in any
    ///    of the three forms and of any year the evaluator reads (dates before 1970
    ///    included, which [`parse_http_date`](crate::parse_http_date) rejects):
    ///    [`WriteGuard::Date`]. An invalid date, which evaluation ignores, protects nothing.
    ///
    /// `If-Modified-Since` and `If-Range` never protect a write. Never allocates.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{Conditions, WriteGuard};
    ///
    /// assert_eq!(Conditions::default().write_guard(), None);
    ///
    /// let tags = Conditions { if_match: &[b"\"v1\""], ..Conditions::default() };
    /// assert_eq!(tags.write_guard(), Some(WriteGuard::Tags));
    ///
    /// let create = Conditions { if_none_match: &[b"*"], ..Conditions::default() };
    /// assert_eq!(create.write_guard(), Some(WriteGuard::CreateOnly));
    ///
    /// let dated = Conditions {
    ///     if_unmodified_since: &[b"Sat, 01 Jan 1966 00:00:00 GMT"],
    ///     ..Conditions::default()
    /// };
    /// assert_eq!(dated.write_guard(), Some(WriteGuard::Date));
    ///
    /// let garbage = Conditions { if_unmodified_since: &[b"yesterday"], ..Conditions::default() };
    /// assert_eq!(garbage.write_guard(), None);
    /// ```
    pub fn write_guard(&self) -> Option<WriteGuard> {
        if !self.if_match.is_empty() {
            return Some(WriteGuard::Tags);
        }
        if !self.if_none_match.is_empty()
            && scan(self.if_none_match, None, false, false).is_ok_and(|list| list.any)
        {
            return Some(WriteGuard::CreateOnly);
        }
        single_date(self.if_unmodified_since).map(|_| WriteGuard::Date)
    }

    /// Whether the request carries a precondition that protects a write: whether
    /// [`write_guard`](Self::write_guard) finds one. A server that requires conditional
    /// writes answers `428 Precondition Required` when this is false (RFC 6585 §3).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::Conditions;
    ///
    /// assert!(!Conditions::default().has_write_precondition());
    /// let conditions = Conditions { if_match: &[b"*"], ..Conditions::default() };
    /// assert!(conditions.has_write_precondition());
    /// let create = Conditions { if_none_match: &[b"*"], ..Conditions::default() };
    /// assert!(create.has_write_precondition());
    ///
    /// let dated = Conditions {
    ///     if_unmodified_since: &[b"Sun, 06 Nov 1994 08:49:37 GMT"],
    ///     ..Conditions::default()
    /// };
    /// assert!(dated.has_write_precondition());
    /// let garbage = Conditions { if_unmodified_since: &[b"yesterday"], ..Conditions::default() };
    /// assert!(!garbage.has_write_precondition());
    /// ```
    pub fn has_write_precondition(&self) -> bool {
        self.write_guard().is_some()
    }

    /// Whether the request carries a precondition that protects a write against `current`
    /// (`None`: the resource has no current representation): the rule for `428
    /// Precondition Required` (RFC 6585 §3) once existence is known, the one a server that
    /// requires conditional writes applies after loading the resource.
    ///
    /// The same as [`has_write_precondition`](Self::has_write_precondition), except that
    /// `If-Unmodified-Since` as the only guard ([`WriteGuard::Date`]) protects nothing when
    /// there is no modification time to compare it with (no representation, or one without
    /// `last_modified`): the evaluation would ignore it and let the write through
    /// unchecked. `If-Match` and `If-None-Match: *` protect a write whatever exists.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use etag_core::{Conditions, EntityTag, Validators};
    ///
    /// let dated = Conditions {
    ///     if_unmodified_since: &[b"Sun, 06 Nov 1994 08:49:37 GMT"],
    ///     ..Conditions::default()
    /// };
    /// let tag = EntityTag::strong("v1")?;
    /// let with_time = Validators { etag: Some(&tag), last_modified: Some(SystemTime::now()) };
    /// let without_time = Validators { etag: Some(&tag), last_modified: None };
    /// assert!(dated.protects_write(Some(with_time)));
    /// assert!(!dated.protects_write(Some(without_time)));
    /// assert!(!dated.protects_write(None));
    ///
    /// let tags = Conditions { if_match: &[b"\"v1\""], ..Conditions::default() };
    /// assert!(tags.protects_write(None)); // evaluated: 412, never unchecked
    /// assert!(!Conditions::default().protects_write(Some(with_time)));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn protects_write(&self, current: Option<Validators<'_>>) -> bool {
        match self.write_guard() {
            None => false,
            Some(WriteGuard::Date) => current.is_some_and(|v| v.last_modified.is_some()),
            Some(WriteGuard::Tags | WriteGuard::CreateOnly) => true,
        }
    }

    /// `If-Match`: absent, or validated and compared (strongly) with the current tag.
    #[inline]
    fn scan_if_match(&self, current: Option<EntityTagRef<'_>>) -> Result<Option<Scan>, BadHeader> {
        if self.if_match.is_empty() {
            return Ok(None);
        }
        walk(self.if_match, current, true, false)
            .map(Some)
            .map_err(|e| BadHeader::new(Header::IfMatch, e))
    }

    /// `If-None-Match`: absent or ignored (malformed on GET/HEAD), or validated and compared
    /// (weakly) with the current tag.
    #[inline]
    fn scan_if_none_match(
        &self,
        method: Method,
        current: Option<EntityTagRef<'_>>,
    ) -> Result<Option<Scan>, BadHeader> {
        if self.if_none_match.is_empty() {
            return Ok(None);
        }
        match scan(self.if_none_match, current, false, false) {
            Ok(list) => Ok(Some(list)),
            Err(_) if method.is_get_or_head() => Ok(None),
            Err(e) => Err(BadHeader::new(Header::IfNoneMatch, e)),
        }
    }

    /// Step 5, for a GET with `Range`: whether `If-Range` (if any) lets the range apply.
    fn if_range(
        &self,
        current_tag: Option<EntityTagRef<'_>>,
        modified: Option<i128>,
    ) -> RangeDecision {
        let matches = match self.if_range {
            [] => true,
            [line] => match EntityTagRef::parse(line) {
                // A weak tag never strongly matches.
                Ok(tag) => current_tag.is_some_and(|current| tag.strong_eq(current)),
                Err(_) => modified.is_some_and(|m| date_seconds(line) == Some(m)),
            },
            _ => false,
        };
        if matches {
            RangeDecision::Apply
        } else {
            RangeDecision::Full
        }
    }
}

/// The date of a header given on exactly one line, in whole seconds; `None` if invalid.
fn single_date(lines: &[&[u8]]) -> Option<i128> {
    match lines {
        [line] => date_seconds(line),
        _ => None,
    }
}

/// The date of one line in whole seconds, dates before 1970 included; `None` if invalid.
fn date_seconds(line: &[u8]) -> Option<i128> {
    http_date_seconds(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_agrees_with_evaluate_on_ignored_methods() {
        let conditions = Conditions {
            if_match: &[b"bad"],
            if_none_match: &[b"bad"],
            ..Conditions::default()
        };
        for method in [Method::Options, Method::Connect, Method::Trace] {
            assert!(conditions.validate(method).is_ok());
            assert_eq!(
                conditions.evaluate(method, None),
                Outcome::Proceed(RangeDecision::NotRequested)
            );
        }
    }

    /// The inlined answer for `If-None-Match: *` agrees with the full evaluation, with every
    /// other header present or not, for every method and state.
    #[test]
    fn star_shortcut_agrees_with_the_steps() {
        let tag = EntityTag::strong("v1").unwrap();
        let date: &[u8] = b"Sun, 06 Nov 1994 08:49:37 GMT";
        let times = [None, Some(SystemTime::UNIX_EPOCH)];
        let lines: [&[&[u8]]; 3] = [&[], &[b"*"], &[date]];
        let inm: [&[&[u8]]; 5] = [&[b"*"], &[b" * "], &[b"*", b"*"], &[b"\"v1\""], &[]];
        let methods = [
            Method::Get,
            Method::Head,
            Method::Put,
            Method::Delete,
            Method::Options,
            Method::Trace,
            Method::Other,
        ];
        for if_none_match in inm {
            for if_match in [&[][..], &[&b"\"v1\""[..]][..], &[&b"x"[..]][..]] {
                for if_unmodified_since in lines {
                    for if_modified_since in lines {
                        for range in [false, true] {
                            let c = Conditions {
                                if_match,
                                if_none_match,
                                if_modified_since,
                                if_unmodified_since,
                                if_range: &[],
                                range,
                            };
                            for method in methods {
                                for etag in [None, Some(&tag)] {
                                    for last_modified in times {
                                        let current = Some(Validators {
                                            etag,
                                            last_modified,
                                        });
                                        assert_eq!(
                                            c.evaluate(method, current),
                                            c.evaluate_steps(method, current),
                                            "{c:?} {method:?} {current:?}"
                                        );
                                    }
                                }
                                assert_eq!(
                                    c.evaluate(method, None),
                                    c.evaluate_steps(method, None)
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn bad_header_source_is_the_parse_error() {
        use std::error::Error as _;
        let conditions = Conditions {
            if_match: &[b"\"a b\""],
            ..Conditions::default()
        };
        let bad = conditions.validate(Method::Put).unwrap_err();
        assert_eq!(
            bad.source().map(|s| s.to_string()),
            Some(bad.error().to_string())
        );
        assert_eq!(
            bad.to_string(),
            "If-Match: character not allowed inside an entity-tag (byte 0x20)"
        );
    }
}
