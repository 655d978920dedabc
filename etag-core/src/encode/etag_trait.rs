//! The [`ETag`] trait (a resource's validators) and [`ModificationTime`] (field types that
//! can feed `Last-Modified`), with their impls for `std` types.

use std::rc::Rc;
use std::sync::Arc;
use std::time::SystemTime;

use super::{EncodeTag, TagEncoder};
use crate::entity_tag::EntityTag;

/// A resource with an entity tag, and perhaps a modification time: its validators.
///
/// `#[derive(ETag)]` implements it from the model's fields (see the
/// [tag encoding](crate::encode)). Implement it by hand when the tag comes from elsewhere,
/// for example a version column or a hash stored with the row.
///
/// References and smart pointers forward to the value they point to. A slice or `Vec` of
/// encodable values is a collection resource: its tag is the tag of the encoding of the
/// whole sequence (the count, then each element's stream), so adding, removing, reordering
/// or changing any element changes it. It is strong unless an element is of a weak type
/// (`#[etag(weak)]`, see [`TagEncoder::mark_weak`]): a list of weak summaries is weak, an
/// empty one (`[]`, determined to the byte) strong. A collection has no modification time:
/// the newest element's time would not move when an element is deleted.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, SystemTime};
///
/// use etag_core::{ETag, EntityTag, TagEncoder};
///
/// struct Row {
///     id: u64,
///     version: u64,
///     updated: SystemTime,
/// }
///
/// impl ETag for Row {
///     fn etag(&self) -> EntityTag {
///         let mut enc = TagEncoder::new();
///         enc.field("id", &self.id);
///         enc.field("version", &self.version);
///         enc.finish()
///     }
///
///     fn last_modified(&self) -> Option<SystemTime> {
///         Some(self.updated)
///     }
/// }
///
/// let updated = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let row = Row { id: 1, version: 4, updated };
/// let tag = row.etag();
/// // Smart pointers forward to the value.
/// let shared = std::sync::Arc::new(row);
/// assert_eq!(shared.etag(), tag);
/// assert_eq!(shared.last_modified(), Some(updated));
///
/// // A collection of encodable values is tagged as a whole.
/// let versions = vec![4u64, 5, 6];
/// assert_eq!(versions.etag(), versions.as_slice().etag());
/// assert_ne!(versions.etag(), [4u64, 6, 5].etag());
///
/// // The same tag, written by hand.
/// let mut enc = TagEncoder::new();
/// enc.encode(&versions);
/// assert_eq!(enc.finish(), versions.etag());
/// ```
pub trait ETag {
    /// The current entity tag.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::ETag;
    ///
    /// let tag = vec!["a".to_string()].etag();
    /// assert!(!tag.is_weak());
    /// assert_eq!(tag.opaque().len(), 27);
    /// ```
    fn etag(&self) -> EntityTag;

    /// The current modification time, for `Last-Modified`; `None` (the default) when the
    /// resource has none.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::ETag;
    ///
    /// assert_eq!(vec![1u8].last_modified(), None);
    /// ```
    fn last_modified(&self) -> Option<SystemTime> {
        None
    }
}

macro_rules! etag_forward {
    ($($ty:ty),*) => {$(
        impl<T: ETag + ?Sized> ETag for $ty {
            #[inline]
            fn etag(&self) -> EntityTag {
                (**self).etag()
            }

            #[inline]
            fn last_modified(&self) -> Option<SystemTime> {
                (**self).last_modified()
            }
        }
    )*};
}

etag_forward!(&T, Box<T>, Rc<T>, Arc<T>);

impl<T: EncodeTag> ETag for [T] {
    fn etag(&self) -> EntityTag {
        let mut enc = TagEncoder::new();
        self.encode_tag(&mut enc);
        enc.finish()
    }
}

impl<T: EncodeTag> ETag for Vec<T> {
    fn etag(&self) -> EntityTag {
        self.as_slice().etag()
    }
}

/// A field type that can feed `Last-Modified` through `#[etag(last_modified)]`.
///
/// Implemented for `SystemTime`, `Option` of any implementing type (`None`: no modification
/// time), references and smart pointers, and, behind features, `chrono::DateTime<Tz>`,
/// `time::OffsetDateTime` and `time::UtcDateTime`. Date-times without an offset
/// (`NaiveDateTime`, `PrimitiveDateTime`) are not instants and so do not implement it.
/// A time the platform's `SystemTime` cannot represent gives `None`; nothing panics.
///
/// # Examples
///
/// ```
/// use std::time::SystemTime;
///
/// use etag_core::ModificationTime;
///
/// let now = SystemTime::now();
/// assert_eq!(now.modification_time(), Some(now));
/// assert_eq!(Some(now).modification_time(), Some(now));
/// assert_eq!(None::<SystemTime>.modification_time(), None);
/// ```
pub trait ModificationTime {
    /// The time, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// use etag_core::ModificationTime;
    ///
    /// let before_epoch = SystemTime::UNIX_EPOCH - Duration::from_secs(60);
    /// assert_eq!(before_epoch.modification_time(), Some(before_epoch));
    /// ```
    fn modification_time(&self) -> Option<SystemTime>;
}

impl ModificationTime for SystemTime {
    #[inline]
    fn modification_time(&self) -> Option<SystemTime> {
        Some(*self)
    }
}

impl<T: ModificationTime> ModificationTime for Option<T> {
    #[inline]
    fn modification_time(&self) -> Option<SystemTime> {
        self.as_ref().and_then(T::modification_time)
    }
}

macro_rules! modification_time_forward {
    ($($ty:ty),*) => {$(
        impl<T: ModificationTime + ?Sized> ModificationTime for $ty {
            #[inline]
            fn modification_time(&self) -> Option<SystemTime> {
                (**self).modification_time()
            }
        }
    )*};
}

modification_time_forward!(&T, Box<T>, Rc<T>, Arc<T>);
