//! backup against real services: PostgreSQL (todo-testing), SQLite files, a folder store and the
//! S3 server of `scripts/s3.sh` (s3s-fs at 127.0.0.1:19000, bucket `todo-test`, a fresh prefix
//! per test). Without PostgreSQL or the S3 server these tests fail, never skip.

mod helpers;
mod listing;
mod refusals;
mod roundtrip;
