//! Where a store is, parsed from its URL: `file://PATH` or `s3://BUCKET[/PREFIX][?endpoint=URL&region=R&path_style=true]`.

use std::path::PathBuf;

use crate::ObjectStoreError;

/// A parsed object store URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A local folder.
    File(PathBuf),
    /// A bucket on an S3 API.
    S3(S3Location),
}

/// A bucket, the prefix every key goes under, and how to reach the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Empty, or ends with `/`.
    pub prefix: String,
    /// `None`: AWS's own endpoint for the region.
    pub endpoint: Option<String>,
    pub region: String,
    /// `bucket` in the path (`http://host/bucket/key`), as local S3 servers need, rather than in
    /// the host name (`https://bucket.host/key`), as Spaces prefers.
    pub path_style: bool,
}

impl Location {
    /// Parses an object store URL.
    ///
    /// # Errors
    /// Anything but `file://` with a path or `s3://` with a valid bucket name; unknown query
    /// parameters (a typo must not silently fall back to a default).
    pub fn parse(url: &str) -> Result<Self, ObjectStoreError> {
        let bad = |reason: &str| ObjectStoreError::BadUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let parsed = url::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
        match parsed.scheme() {
            "file" => {
                let path = parsed
                    .to_file_path()
                    .map_err(|()| bad("file:// needs an absolute path, e.g. file:///var/lib/todo/objects"))?;
                Ok(Self::File(path))
            }
            "s3" => {
                let bucket = parsed.host_str().unwrap_or_default().to_owned();
                let valid = (3..=63).contains(&bucket.len())
                    && bucket
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
                    && !bucket.starts_with(['-', '.'])
                    && !bucket.ends_with(['-', '.']);
                if !valid {
                    return Err(bad("the bucket must be 3-63 lowercase letters, digits, '-' or '.'"));
                }
                let mut prefix = parsed.path().trim_matches('/').to_owned();
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                let (mut endpoint, mut region, mut path_style) = (None, None, None);
                for (name, value) in parsed.query_pairs() {
                    match name.as_ref() {
                        "endpoint" => endpoint = Some(value.trim_end_matches('/').to_owned()),
                        "region" => region = Some(value.into_owned()),
                        "path_style" => {
                            path_style = Some(match value.as_ref() {
                                "true" => true,
                                "false" => false,
                                _ => return Err(bad("path_style must be true or false")),
                            });
                        }
                        other => {
                            return Err(bad(&format!(
                                "unknown parameter '{other}' (known: endpoint, region, path_style)"
                            )));
                        }
                    }
                }
                if let Some(endpoint) = &endpoint
                    && !(endpoint.starts_with("https://") || endpoint.starts_with("http://"))
                {
                    return Err(bad("endpoint must be an http:// or https:// URL"));
                }
                // Spaces and AWS take virtual-host addressing; a plain-HTTP endpoint is a local
                // server, which usually only understands paths.
                let local = endpoint.as_deref().is_some_and(|e| e.starts_with("http://"));
                Ok(Self::S3(S3Location {
                    bucket,
                    prefix,
                    endpoint,
                    region: region.unwrap_or_else(|| "us-east-1".to_owned()),
                    path_style: path_style.unwrap_or(local),
                }))
            }
            other => Err(bad(&format!("unknown scheme '{other}' (s3:// or file://)"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_url_with_prefix_endpoint_and_region() {
        let location = Location::parse(
            "s3://todo-prod-archive/events?endpoint=https%3A%2F%2Ffra1.digitaloceanspaces.com&region=fra1",
        )
        .expect("parses");
        assert_eq!(
            location,
            Location::S3(S3Location {
                bucket: "todo-prod-archive".into(),
                prefix: "events/".into(),
                endpoint: Some("https://fra1.digitaloceanspaces.com".into()),
                region: "fra1".into(),
                path_style: false,
            })
        );
    }

    #[test]
    fn a_local_server_gets_path_style_and_the_default_region() {
        let Location::S3(s3) = Location::parse("s3://backups?endpoint=http://127.0.0.1:19000/").expect("parses") else {
            panic!("not s3")
        };
        assert!(s3.path_style);
        assert_eq!(s3.region, "us-east-1");
        assert_eq!(s3.prefix, "");
        assert_eq!(s3.endpoint.as_deref(), Some("http://127.0.0.1:19000"));
    }

    #[test]
    fn a_folder() {
        assert_eq!(
            Location::parse("file:///var/lib/todo/objects").expect("parses"),
            Location::File(PathBuf::from("/var/lib/todo/objects"))
        );
    }

    #[test]
    fn mistakes_are_named() {
        for (url, says) in [
            ("s3://Bad_Bucket", "bucket must be"),
            ("s3://ok-bucket?endpiont=http://x", "unknown parameter 'endpiont'"),
            ("s3://ok-bucket?path_style=yes", "path_style must be"),
            (
                "s3://ok-bucket?endpoint=fra1.digitaloceanspaces.com",
                "http:// or https://",
            ),
            ("gs://bucket", "unknown scheme 'gs'"),
            ("file://relative/path", "absolute path"),
        ] {
            let error = Location::parse(url).expect_err(url).to_string();
            assert!(error.contains(says), "{url}: {error}");
        }
    }
}
