//! The entry log: the full bytes of every entry that still has a body, appended to one file.
//!
//! Why not in sled: sled is log-structured, so an overwritten value lingers on disk until
//! its segment happens to be reused. A retraction must really erase a body, so bodies live
//! here, where erasing means overwriting the bytes with zeros in place and syncing.
//! sled holds only headers and indexes, and for each entry the (offset, length) of its
//! bytes here. Every commit that appended records the log's new end in sled, in the same
//! transaction; on open, bytes past it (a crash between append and commit) are cut off.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Where an entry's full bytes are in the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub offset: u64,
    pub len: u32,
}

pub(crate) struct EntryLog {
    file: File,
    path: PathBuf,
    /// End of the file: where the next append goes. Only the store's writer appends.
    end: AtomicU64,
}

impl EntryLog {
    pub fn open(path: &Path) -> io::Result<Self> {
        use std::os::unix::fs::OpenOptionsExt;
        // Bodies may hold what a municipality later withdraws: readable by the owner only.
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        let end = file.metadata()?.len();
        Ok(Self {
            file,
            path: path.to_owned(),
            end: AtomicU64::new(end),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends all `chunks` in one write and syncs; returns where each one went.
    pub fn append(&self, chunks: &[&[u8]]) -> io::Result<Vec<Span>> {
        let start = self.end.load(Ordering::Acquire);
        let total: usize = chunks.iter().map(|c| c.len()).sum();
        let mut buf = Vec::with_capacity(total);
        let mut spans = Vec::with_capacity(chunks.len());
        for c in chunks {
            spans.push(Span {
                offset: start + buf.len() as u64,
                len: u32::try_from(c.len()).map_err(|_| io::Error::other("entry too large"))?,
            });
            buf.extend_from_slice(c);
        }
        self.file.write_all_at(&buf, start)?;
        self.file.sync_data()?;
        self.end.store(start + total as u64, Ordering::Release);
        Ok(spans)
    }

    pub fn read(&self, span: Span) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; span.len as usize];
        self.file.read_exact_at(&mut buf, span.offset)?;
        Ok(buf)
    }

    /// [`EntryLog::read`], failing as the store does: naming this log's file.
    pub(crate) fn read_stored(&self, span: Span) -> Result<Vec<u8>, crate::StoreError> {
        self.read(span).map_err(|e| crate::StoreError::Log {
            path: self.path().to_owned(),
            reason: e.to_string(),
        })
    }

    /// Overwrites the spans with zeros and syncs: the bytes are gone from the disk file.
    pub fn erase(&self, spans: &[Span]) -> io::Result<()> {
        if spans.is_empty() {
            return Ok(());
        }
        for s in spans {
            self.file
                .write_all_at(&vec![0u8; s.len as usize], s.offset)?;
        }
        self.file.sync_data()
    }

    /// Cuts the file back to `len` and syncs: bytes appended after the last commit that
    /// referenced any (a crash between append and commit) are gone, so no copy of a body
    /// survives that a later retraction would not find.
    pub fn truncate_to(&self, len: u64) -> io::Result<()> {
        if self.end.load(Ordering::Acquire) <= len {
            return Ok(());
        }
        self.file.set_len(len)?;
        self.file.sync_all()?;
        self.end.store(len, Ordering::Release);
        Ok(())
    }

    pub fn len_on_disk(&self) -> u64 {
        self.end.load(Ordering::Acquire)
    }
}

/// An `entries` tree value: `span offset (8) ‖ span length (4) ‖ header-only entry bytes`.
/// With a span, the entry's full bytes are in the log and the header-only part is empty;
/// length 0 means no body is held (a tombstone, or a header whose body never came), and
/// the header-only bytes follow.
pub(crate) fn encode_record(span: Option<Span>, header_only: &[u8]) -> Vec<u8> {
    let span = span.unwrap_or(Span { offset: 0, len: 0 });
    let mut v = Vec::with_capacity(12 + header_only.len());
    v.extend_from_slice(&span.offset.to_be_bytes());
    v.extend_from_slice(&span.len.to_be_bytes());
    v.extend_from_slice(header_only);
    v
}

pub(crate) fn decode_record(value: &[u8]) -> Option<(Option<Span>, &[u8])> {
    let offset = u64::from_be_bytes(value.get(0..8)?.try_into().ok()?);
    let len = u32::from_be_bytes(value.get(8..12)?.try_into().ok()?);
    let span = (len > 0).then_some(Span { offset, len });
    Some((span, &value[12..]))
}

/// A key in the `erasures` tree: a span to zero, recorded in the same transaction that
/// drops the reference to it, so a crash before the zeroing is finished on the next open.
pub(crate) fn erasure_key(span: Span) -> Vec<u8> {
    let mut k = span.offset.to_be_bytes().to_vec();
    k.extend_from_slice(&span.len.to_be_bytes());
    k
}

pub(crate) fn decode_erasure_key(key: &[u8]) -> Option<Span> {
    Some(Span {
        offset: u64::from_be_bytes(key.get(0..8)?.try_into().ok()?),
        len: u32::from_be_bytes(key.get(8..12)?.try_into().ok()?),
    })
}
