//! [`Method`]: the request method, as far as conditional requests care.

/// The request method, as far as conditional requests care.
///
/// # Examples
///
/// ```
/// use etag_core::Method;
///
/// assert_eq!(Method::from_bytes(b"PUT"), Method::Put);
/// assert!(!Method::Put.is_safe());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `OPTIONS` (preconditions are ignored)
    Options,
    /// `CONNECT` (preconditions are ignored)
    Connect,
    /// `TRACE` (preconditions are ignored)
    Trace,
    /// Any other method (treated as unsafe).
    Other,
}

impl Method {
    /// The method named by `name` (case-sensitive, as RFC 9110 §9.1 says).
    ///
    /// Names this enum does not list, including `get` in lowercase, are [`Method::Other`].
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::Method;
    ///
    /// assert_eq!(Method::from_bytes(b"GET"), Method::Get);
    /// assert_eq!(Method::from_bytes(b"get"), Method::Other);
    /// assert_eq!(Method::from_bytes(b"PROPFIND"), Method::Other);
    /// ```
    pub fn from_bytes(name: &[u8]) -> Self {
        match name {
            b"GET" => Self::Get,
            b"HEAD" => Self::Head,
            b"POST" => Self::Post,
            b"PUT" => Self::Put,
            b"PATCH" => Self::Patch,
            b"DELETE" => Self::Delete,
            b"OPTIONS" => Self::Options,
            b"CONNECT" => Self::Connect,
            b"TRACE" => Self::Trace,
            _ => Self::Other,
        }
    }

    /// Whether the method is `GET` or `HEAD`, the methods that get `304 Not Modified`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::Method;
    ///
    /// assert!(Method::Head.is_get_or_head());
    /// assert!(!Method::Options.is_get_or_head());
    /// ```
    pub const fn is_get_or_head(self) -> bool {
        matches!(self, Self::Get | Self::Head)
    }

    /// Whether the method is safe (RFC 9110 §9.2.1): `GET`, `HEAD`, `OPTIONS` or `TRACE`.
    ///
    /// Unknown methods are not safe. Useful to decide which requests need `If-Match`
    /// (`428 Precondition Required`).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::Method;
    ///
    /// assert!(Method::Trace.is_safe());
    /// assert!(!Method::Patch.is_safe());
    /// assert!(!Method::Other.is_safe());
    /// ```
    pub const fn is_safe(self) -> bool {
        matches!(self, Self::Get | Self::Head | Self::Options | Self::Trace)
    }

    /// Whether preconditions apply to the method: every method but `OPTIONS`, `CONNECT` and
    /// `TRACE` (RFC 9110 §13.2.1).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::Method;
    ///
    /// assert!(Method::Delete.evaluates_preconditions());
    /// assert!(!Method::Connect.evaluates_preconditions());
    /// ```
    pub const fn evaluates_preconditions(self) -> bool {
        !matches!(self, Self::Options | Self::Connect | Self::Trace)
    }
}
