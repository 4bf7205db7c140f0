//! Object storage for what must outlive the databases and the broker: database backups and the
//! event archive (issue 16). One [`ObjectStore`] trait with two implementations, chosen by URL
//! ([`connect`]):
//!
//! - `s3://bucket/prefix?endpoint=https://fra1.digitaloceanspaces.com&region=fra1` — any S3 API
//!   (DigitalOcean Spaces in the cluster, a local S3 server in tests), through `aws-sdk-s3`;
//! - `file:///var/lib/todo/objects` — a folder, for the embedded `todo serve`.
//!
//! Both keep the same contract, checked by one conformance suite (`tests/conformance`): an object
//! is visible whole or not at all (a folder writes a temporary file and renames it; S3 shows a
//! multipart upload only when it completes), every object carries the SHA-256 of its bytes and a
//! read that does not match it is an error, and errors say what is wrong (a missing bucket, refused
//! credentials) rather than a status code.

mod error;
mod file;
mod location;
mod s3;

use async_trait::async_trait;
use bytes::Bytes;

pub use error::ObjectStoreError;
pub use file::FileStore;
pub use location::{Location, S3Location};
pub use s3::{Credentials, MULTIPART_THRESHOLD, PART_SIZE, S3Store};

/// An object's key (relative to the store's prefix), size and the SHA-256 of its bytes (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    pub sha256: String,
}

impl ObjectInfo {
    /// What a put of `bytes` under `key` wrote.
    pub(crate) fn written(key: &str, bytes: &[u8], sha256: String) -> Self {
        Self {
            key: key.to_owned(),
            size: bytes.len() as u64,
            sha256,
        }
    }
}

/// `bytes` if their SHA-256 is the one recorded when they were written (`None`: none was).
pub(crate) fn verified(key: &str, bytes: Bytes, recorded: Option<String>) -> Result<Bytes, ObjectStoreError> {
    let found = sha256_hex(&bytes);
    match recorded {
        Some(expected) if expected == found => Ok(bytes),
        expected => Err(ObjectStoreError::Corrupt {
            key: key.to_owned(),
            expected: expected.unwrap_or_else(|| "(no checksum recorded)".to_owned()),
            found,
        }),
    }
}

/// An object as a listing shows it: its key and size (the checksum costs a request per object on
/// S3; [`ObjectStore::head`] gives it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    pub key: String,
    pub size: u64,
}

/// A store of immutable, named blobs.
#[async_trait]
pub trait ObjectStore: Send + Sync + std::fmt::Debug {
    /// Writes `bytes` under `key`, replacing what was there, whole or not at all.
    async fn put(&self, key: &str, bytes: Bytes) -> Result<ObjectInfo, ObjectStoreError>;
    /// The object's bytes, checked against its SHA-256; `None` when there is no such object.
    async fn get(&self, key: &str) -> Result<Option<Bytes>, ObjectStoreError>;
    /// The object's size and checksum without its bytes; `None` when there is no such object.
    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, ObjectStoreError>;
    /// Every object whose key starts with `prefix`, sorted by key.
    async fn list(&self, prefix: &str) -> Result<Vec<ListedObject>, ObjectStoreError>;
    /// Removes the object; removing a missing one is not an error.
    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError>;
    /// Where the store is, for messages (no credentials).
    fn describe(&self) -> String;
}

/// The store a URL names (see the module documentation). S3 credentials come from
/// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
///
/// # Errors
/// A URL that is neither `s3://` nor `file://`, or an S3 URL without credentials in the
/// environment.
pub async fn connect(url: &str) -> Result<std::sync::Arc<dyn ObjectStore>, ObjectStoreError> {
    match Location::parse(url)? {
        Location::File(path) => Ok(std::sync::Arc::new(FileStore::open(path)?)),
        Location::S3(location) => {
            let credentials = s3::Credentials::from_env()?;
            Ok(std::sync::Arc::new(S3Store::new(location, credentials)))
        }
    }
}

/// The SHA-256 of `bytes`, in lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

/// Refuses keys that could escape the store's prefix or folder, or that S3 and a folder would
/// treat differently.
pub(crate) fn check_key(key: &str) -> Result<(), ObjectStoreError> {
    let bad = key.is_empty()
        || key.starts_with('/')
        || key.ends_with('/')
        || key.contains("//")
        || key.contains('\\')
        || key.split('/').any(|part| part == "." || part == "..")
        || key.chars().any(char::is_control)
        || key.len() > 900;
    if bad {
        return Err(ObjectStoreError::InvalidKey(key.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside_the_store() {
        for good in [
            "a",
            "archive/task-events/2026-12-03/p0-00000000000000000000-00000000000000000099.jsonl.gz",
        ] {
            assert!(check_key(good).is_ok(), "{good}");
        }
        for bad in ["", "/a", "a/", "a//b", "../a", "a/../b", "a/./b", "a\\b", "a\nb"] {
            assert!(
                matches!(check_key(bad), Err(ObjectStoreError::InvalidKey(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
