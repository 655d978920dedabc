//! [`Clock`]: where conditional requests read the time.

use core::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// Where the responders, the extractor and the middlewares read the current time: to judge
/// whether a modification time is a validator yet (its second must have passed) and to
/// write `Date`. The system clock by default; a test sets one it controls with
/// [`PreconditionConfig::clock`](crate::PreconditionConfig::clock), so that what it asserts
/// about "the current second" never depends on where a second boundary falls.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use etag_actix::Clock;
///
/// let then = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// assert_eq!(Clock::fixed(then).now(), then);
/// assert!(Clock::system().now() > then);
/// ```
#[derive(Clone, Default)]
pub struct Clock(Source);

#[derive(Clone, Default)]
enum Source {
    #[default]
    System,
    Custom(Arc<dyn Fn() -> SystemTime + Send + Sync>),
}

impl Clock {
    /// The system clock ([`SystemTime::now`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::Clock;
    ///
    /// assert_eq!(Clock::system(), Clock::default());
    /// ```
    pub const fn system() -> Self {
        Clock(Source::System)
    }

    /// A clock that always reads `at`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use etag_actix::Clock;
    ///
    /// assert_eq!(Clock::fixed(SystemTime::UNIX_EPOCH).now(), SystemTime::UNIX_EPOCH);
    /// ```
    pub fn fixed(at: SystemTime) -> Self {
        Clock::from_fn(move || at)
    }

    /// A clock that reads `now()`: say, a time a test moves forward.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use std::time::{Duration, SystemTime};
    /// use etag_actix::Clock;
    ///
    /// let time = Arc::new(Mutex::new(SystemTime::UNIX_EPOCH));
    /// let clock = Clock::from_fn({
    ///     let time = Arc::clone(&time);
    ///     move || *time.lock().unwrap()
    /// });
    /// *time.lock().unwrap() += Duration::from_secs(1);
    /// assert_eq!(clock.now(), SystemTime::UNIX_EPOCH + Duration::from_secs(1));
    /// ```
    pub fn from_fn(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        Clock(Source::Custom(Arc::new(now)))
    }

    /// The current time on this clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::Clock;
    ///
    /// let _now = Clock::system().now();
    /// ```
    pub fn now(&self) -> SystemTime {
        match &self.0 {
            Source::System => SystemTime::now(),
            Source::Custom(now) => now(),
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Source::System => f.write_str("Clock::system()"),
            Source::Custom(_) => f.write_str("Clock::from_fn(..)"),
        }
    }
}

/// Two clocks are equal when both are the system clock or both are the same function.
impl PartialEq for Clock {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Source::System, Source::System) => true,
            (Source::Custom(a), Source::Custom(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Eq for Clock {}
