//! Conversions between [`EntityTag`] and actix-web's
//! [`http::header::EntityTag`](actix_web::http::header::EntityTag).

use actix_web::http::header::EntityTag as ActixEntityTag;
use etag_core::{EntityTag, ParseError};

/// Conversions between this crate's [`EntityTag`] and actix-web's typed-header
/// [`EntityTag`](ActixEntityTag).
///
/// Both types belong to other crates, so Rust's coherence rules do not allow `From` impls
/// between them here; this extension trait stands in for them. Both accept the same
/// characters (`etagc`), so conversion to actix's type never fails; the other way checks the
/// opaque part again and fails only on a tag actix-web itself would not build.
///
/// # Examples
///
/// ```
/// use actix_web::http::header;
/// use etag_actix::{EntityTag, EntityTagExt};
///
/// let ours = EntityTag::weak("v1")?;
/// let theirs: header::EntityTag = ours.to_actix();
/// assert_eq!(theirs, header::EntityTag::new_weak("v1".to_owned()));
/// assert_eq!(EntityTag::from_actix(&theirs)?, ours);
/// # Ok::<(), etag_actix::ParseError>(())
/// ```
pub trait EntityTagExt: Sized {
    /// The same tag as actix-web's typed header value.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{EntityTag, EntityTagExt};
    ///
    /// assert_eq!(EntityTag::strong("a,b")?.to_actix().tag(), "a,b");
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    fn to_actix(&self) -> ActixEntityTag;

    /// The same tag from actix-web's typed header value.
    ///
    /// # Errors
    ///
    /// When the opaque part holds a character outside `etagc`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::header;
    /// use etag_actix::{EntityTag, EntityTagExt};
    ///
    /// let tag = EntityTag::from_actix(&header::EntityTag::new_strong("x".to_owned()))?;
    /// assert_eq!(tag.to_string(), "\"x\"");
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    fn from_actix(tag: &ActixEntityTag) -> Result<Self, ParseError>;
}

impl EntityTagExt for EntityTag {
    fn to_actix(&self) -> ActixEntityTag {
        // Our opaque part holds only `etagc` characters, which is exactly what actix checks.
        ActixEntityTag::new(self.is_weak(), self.opaque().to_owned())
    }

    fn from_actix(tag: &ActixEntityTag) -> Result<Self, ParseError> {
        EntityTag::new(tag.weak, tag.tag())
    }
}
