//! The hashing sink of [`TagEncoder`](super::TagEncoder): SHA-1 behind a staging buffer.
//!
//! A tag stream is mostly small writes (8-byte lengths and numbers, short names). Copying
//! each into a fixed buffer and hashing 512 bytes (8 blocks) at a time costs a few
//! instructions per write, where handing every write to the hasher would cost a call and its
//! own bookkeeping each time. On a ~10 KB model, the time spent outside SHA-1's compression
//! function was about a third of that with a 128-byte stage; a larger stage makes every
//! encoder bigger to create and gains little more.

use sha1::digest::Output;
use sha1::{Digest as _, Sha1};

/// Staging buffer size: a multiple of SHA-1's 64-byte block.
const STAGE: usize = 512;

/// SHA-1 over everything written, with the most recent bytes staged in `stage[..staged]`.
#[derive(Clone)]
pub(super) struct HashSink {
    hasher: Sha1,
    stage: [u8; STAGE],
    staged: usize,
}

impl HashSink {
    pub(super) fn new() -> Self {
        Self {
            hasher: Sha1::new(),
            stage: [0; STAGE],
            staged: 0,
        }
    }

    #[inline(always)]
    pub(super) fn write(&mut self, bytes: &[u8]) {
        let start = self.staged;
        let end = start.wrapping_add(bytes.len());
        match self.stage.get_mut(start..end) {
            Some(room) => {
                room.copy_from_slice(bytes);
                self.staged = end;
            }
            None => self.write_past_stage(bytes),
        }
    }

    /// Fills the stage, hashes it, then hashes long input directly or stages a short rest.
    #[inline(never)]
    fn write_past_stage(&mut self, bytes: &[u8]) {
        let room = STAGE.saturating_sub(self.staged);
        let (head, rest) = bytes.split_at(room.min(bytes.len()));
        // `bytes` did not fit, so `head` fills the stage exactly.
        let end = self.staged.saturating_add(head.len());
        if let Some(tail) = self.stage.get_mut(self.staged..end) {
            tail.copy_from_slice(head);
        }
        self.hasher.update(self.stage.as_slice());
        self.staged = 0;
        if rest.len() >= STAGE {
            self.hasher.update(rest);
        } else if let Some(room) = self.stage.get_mut(..rest.len()) {
            room.copy_from_slice(rest);
            self.staged = rest.len();
        }
    }

    /// The digest of everything written. Works in place (the sink is large, and moving it
    /// would cost more than hashing a short stream); the sink is left reset.
    pub(super) fn finalize(&mut self) -> Output<Sha1> {
        if let Some(staged) = self.stage.get(..self.staged) {
            self.hasher.update(staged);
        }
        self.staged = 0;
        self.hasher.finalize_reset()
    }
}
