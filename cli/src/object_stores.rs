//! Where the local platform keeps its objects: the store a URL names (`s3://...` for Spaces), or
//! by default a folder under the data directory (`objects/backups`, `objects/archive`), for both
//! `todo serve` and the commands that read what it wrote (`todo backup`, `todo replay`).

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use todo_objects::{FileStore, ObjectStore};

/// The object store `url` names, else the folder `DATA_DIR/objects/{folder}`.
///
/// # Errors
/// A URL that names no store, or a folder that cannot be created.
pub(crate) async fn open(url: Option<&str>, data_dir: &Path, folder: &str) -> anyhow::Result<Arc<dyn ObjectStore>> {
    match url {
        Some(url) => todo_objects::connect(url)
            .await
            .with_context(|| format!("Failed to open the object store for {folder}")),
        None => {
            let path = std::path::absolute(data_dir.join("objects").join(folder))
                .context("Failed to find the data directory")?;
            let store = FileStore::open(&path).with_context(|| format!("Failed to open {}", path.display()))?;
            Ok(Arc::new(store))
        }
    }
}
