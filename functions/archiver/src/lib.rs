//! The archiver: every event of every topic, kept once in the object store (DigitalOcean Spaces
//! in the cluster, a folder under `todo serve`'s data directory), so that events outlive the
//! broker's retention and a restored database can be brought forward by replaying them
//! (`todo replay`).
//!
//! Events are kept as gzip JSON lines of structured CloudEvents, an object per batch of one
//! partition, keyed by topic, day, partition and offset range ([`layout`]); each day has an index
//! of its objects with their counts and checksums. See [`archive`] for how each event is held
//! exactly once when the consumer stops in the middle of a batch.

pub mod archive;
pub mod codec;
mod consumer;
pub mod function;
pub mod layout;
pub mod model;

pub use archive::{Archive, ArchiveError, Batch, Written};
pub use consumer::{ArchiverError, BatchSettings, GROUP, PARTITION_KEY, archive, archive_until_shutdown};
pub use function::{FUNCTION, start};
pub use model::{ArchivedObject, DayIndex, Position};
