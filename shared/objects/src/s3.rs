//! The S3 store: a bucket (and a prefix in it) on any S3 API, DigitalOcean Spaces in the cluster,
//! through `aws-sdk-s3`. Each object carries the SHA-256 of its bytes as user metadata
//! (`x-amz-meta-sha256`), checked on every read: the SDK's own CRC checksums are asked for only
//! where the API requires them, because S3-compatible services differ in which they accept.
//! Objects above [`MULTIPART_THRESHOLD`] go up in parts, and a failed upload is aborted, so a
//! reader never sees part of an object.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{BehaviorVersion, Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use bytes::Bytes;

use crate::{ListedObject, ObjectInfo, ObjectStore, ObjectStoreError, S3Location, check_key, sha256_hex, verified};

/// Objects larger than this are uploaded in parts of [`PART_SIZE`].
pub const MULTIPART_THRESHOLD: usize = 16 * 1024 * 1024;
/// The size of each part of a multipart upload (S3's minimum is 5 MiB).
pub const PART_SIZE: usize = 8 * 1024 * 1024;
/// The user metadata key of the object's SHA-256.
const SHA256: &str = "sha256";

/// An access key and its secret.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
        }
    }

    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    ///
    /// # Errors
    /// When either is missing or empty.
    pub fn from_env() -> Result<Self, ObjectStoreError> {
        let read = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        match (read("AWS_ACCESS_KEY_ID"), read("AWS_SECRET_ACCESS_KEY")) {
            (Some(id), Some(secret)) => Ok(Self::new(id, secret)),
            _ => Err(ObjectStoreError::NoCredentials),
        }
    }
}

/// A bucket on an S3 API.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: aws_sdk_s3::Client,
    location: S3Location,
}

impl S3Store {
    /// A store for `location`; nothing is sent until the first request.
    pub fn new(location: S3Location, credentials: Credentials) -> Self {
        let credentials = aws_sdk_s3::config::Credentials::new(
            credentials.access_key_id,
            credentials.secret_access_key,
            None,
            None,
            "todo-objects",
        );
        let mut config = aws_sdk_s3::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(location.region.clone()))
            .credentials_provider(credentials)
            .force_path_style(location.path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(5))
                    .operation_attempt_timeout(Duration::from_secs(120))
                    .build(),
            );
        if let Some(endpoint) = &location.endpoint {
            config = config.endpoint_url(endpoint);
        }
        Self {
            client: aws_sdk_s3::Client::from_conf(config.build()),
            location,
        }
    }

    fn endpoint(&self) -> String {
        self.location.endpoint.clone().unwrap_or_else(|| "AWS S3".to_owned())
    }

    fn full_key(&self, key: &str) -> String {
        format!("{}{key}", self.location.prefix)
    }

    /// An SDK error in the crate's words.
    fn error<E>(&self, error: SdkError<E, HttpResponse>) -> ObjectStoreError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let endpoint = self.endpoint();
        let code = error.code().unwrap_or_default().to_owned();
        let status = error.raw_response().map(|response| response.status().as_u16());
        match code.as_str() {
            "NoSuchBucket" => ObjectStoreError::MissingBucket {
                bucket: self.location.bucket.clone(),
                endpoint,
            },
            "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "AccessDenied" | "InvalidToken" | "ExpiredToken" => {
                ObjectStoreError::Credentials {
                    endpoint,
                    detail: error.message().unwrap_or(&code).to_owned(),
                }
            }
            // A HEAD has no body, so no code: its status says what happened.
            _ if status == Some(403) => ObjectStoreError::Credentials {
                endpoint,
                detail: "access denied (403)".to_owned(),
            },
            _ => ObjectStoreError::Remote {
                endpoint,
                detail: DisplayErrorContext(&error).to_string(),
            },
        }
    }

    async fn put_in_parts(&self, key: &str, bytes: &Bytes, sha256: &str) -> Result<(), ObjectStoreError> {
        let full_key = self.full_key(key);
        let upload = self
            .client
            .create_multipart_upload()
            .bucket(&self.location.bucket)
            .key(&full_key)
            .metadata(SHA256, sha256)
            .send()
            .await
            .map_err(|e| self.error(e))?;
        let Some(upload_id) = upload.upload_id() else {
            return Err(ObjectStoreError::Remote {
                endpoint: self.endpoint(),
                detail: "CreateMultipartUpload returned no upload id".to_owned(),
            });
        };
        let result = self.upload_parts(&full_key, upload_id, bytes).await;
        if result.is_err() {
            // Nothing of a failed upload may stay: the parts are invisible, but they cost storage.
            let aborted = self
                .client
                .abort_multipart_upload()
                .bucket(&self.location.bucket)
                .key(&full_key)
                .upload_id(upload_id)
                .send()
                .await;
            if let Err(error) = aborted {
                tracing::warn!(key, error = %DisplayErrorContext(&error), "cannot abort a failed multipart upload");
            }
        }
        result
    }

    async fn upload_parts(&self, full_key: &str, upload_id: &str, bytes: &Bytes) -> Result<(), ObjectStoreError> {
        let mut parts = Vec::new();
        for (index, start) in (0..bytes.len()).step_by(PART_SIZE).enumerate() {
            let number = i32::try_from(index + 1).unwrap_or(i32::MAX);
            let end = (start + PART_SIZE).min(bytes.len());
            let part = self
                .client
                .upload_part()
                .bucket(&self.location.bucket)
                .key(full_key)
                .upload_id(upload_id)
                .part_number(number)
                .body(ByteStream::from(bytes.slice(start..end)))
                .send()
                .await
                .map_err(|e| self.error(e))?;
            parts.push(
                CompletedPart::builder()
                    .set_e_tag(part.e_tag().map(str::to_owned))
                    .part_number(number)
                    .build(),
            );
        }
        self.client
            .complete_multipart_upload()
            .bucket(&self.location.bucket)
            .key(full_key)
            .upload_id(upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }
}

#[async_trait]
impl ObjectStore for S3Store {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<ObjectInfo, ObjectStoreError> {
        check_key(key)?;
        let sha256 = sha256_hex(&bytes);
        if bytes.len() > MULTIPART_THRESHOLD {
            self.put_in_parts(key, &bytes, &sha256).await?;
        } else {
            self.client
                .put_object()
                .bucket(&self.location.bucket)
                .key(self.full_key(key))
                .metadata(SHA256, &sha256)
                .body(ByteStream::from(bytes.clone()))
                .send()
                .await
                .map_err(|e| self.error(e))?;
        }
        Ok(ObjectInfo::written(key, &bytes, sha256))
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, ObjectStoreError> {
        check_key(key)?;
        let output = match self
            .client
            .get_object()
            .bucket(&self.location.bucket)
            .key(self.full_key(key))
            .send()
            .await
        {
            Ok(output) => output,
            Err(error) if error.as_service_error().is_some_and(|e| e.is_no_such_key()) => return Ok(None),
            Err(error) => return Err(self.error(error)),
        };
        let expected = output.metadata().and_then(|m| m.get(SHA256)).cloned();
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|e| ObjectStoreError::Remote {
                endpoint: self.endpoint(),
                detail: format!("reading '{key}': {e}"),
            })?
            .into_bytes();
        verified(key, bytes, expected).map(Some)
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, ObjectStoreError> {
        check_key(key)?;
        match self
            .client
            .head_object()
            .bucket(&self.location.bucket)
            .key(self.full_key(key))
            .send()
            .await
        {
            Ok(output) => Ok(Some(ObjectInfo {
                key: key.to_owned(),
                size: output.content_length().unwrap_or_default().max(0).unsigned_abs(),
                sha256: output
                    .metadata()
                    .and_then(|m| m.get(SHA256))
                    .cloned()
                    .unwrap_or_default(),
            })),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(error) => Err(self.error(error)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ListedObject>, ObjectStoreError> {
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.location.bucket)
            .prefix(self.full_key(prefix))
            .into_paginator()
            .send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| self.error(e))?;
            for object in page.contents() {
                let Some(key) = object.key().and_then(|k| k.strip_prefix(&self.location.prefix)) else {
                    continue;
                };
                found.push(ListedObject {
                    key: key.to_owned(),
                    size: object.size().unwrap_or_default().max(0).unsigned_abs(),
                });
            }
        }
        found.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(found)
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        check_key(key)?;
        self.client
            .delete_object()
            .bucket(&self.location.bucket)
            .key(self.full_key(key))
            .send()
            .await
            .map_err(|e| self.error(e))?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!(
            "s3://{}/{} at {}",
            self.location.bucket,
            self.location.prefix,
            self.endpoint()
        )
    }
}
