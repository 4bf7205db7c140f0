//! What can go wrong with an object store, in words an operator can act on.

/// An object store's failure.
#[derive(Debug, thiserror::Error)]
pub enum ObjectStoreError {
    /// The URL is not one this crate understands.
    #[error("object store URL '{url}': {reason}")]
    BadUrl { url: String, reason: String },
    /// A key that is empty, absolute, has `..` or `//`, or control characters.
    #[error("object key '{0}' is not allowed (empty, absolute, with '..', '//', '\\\\' or control characters)")]
    InvalidKey(String),
    /// The bucket does not exist (or the endpoint has none of that name).
    #[error("bucket '{bucket}' does not exist at {endpoint}")]
    MissingBucket { bucket: String, endpoint: String },
    /// The server refused the credentials (unknown key, wrong secret) or their permissions.
    #[error("{endpoint} refused the credentials: {detail} (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")]
    Credentials { endpoint: String, detail: String },
    /// S3 credentials are not in the environment.
    #[error("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")]
    NoCredentials,
    /// The object's bytes do not match the SHA-256 recorded when it was written.
    #[error("object '{key}' is corrupt: its SHA-256 is {found}, {expected} was written")]
    Corrupt {
        key: String,
        expected: String,
        found: String,
    },
    /// The store could not be reached or answered with an error not listed above.
    #[error("{endpoint}: {detail}")]
    Remote { endpoint: String, detail: String },
    /// The local folder could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}
