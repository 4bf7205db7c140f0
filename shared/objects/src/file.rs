//! The folder store of the embedded mode: each object is a file under the root, named by its key
//! (`a/b/c` is `ROOT/a/b/c`), and its SHA-256 a small file under `ROOT/.sha256/`. A put writes both
//! to temporary files in `ROOT/.tmp/` and renames them into place, the checksum first: an object
//! appears only once its bytes are complete, and one whose checksum exists without its bytes is
//! not there yet. Puts, deletes and reads of one key take turns (a lock per key, striped), so a
//! reader never pairs one put's checksum with another's bytes; one process owns a folder.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;

use crate::{ListedObject, ObjectInfo, ObjectStore, ObjectStoreError, check_key, sha256_hex, verified};

const CHECKSUMS: &str = ".sha256";
const TEMPORARY: &str = ".tmp";

/// How many locks the keys share.
const STRIPES: usize = 64;

/// Objects in a local folder.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
    locks: std::sync::Arc<[tokio::sync::Mutex<()>; STRIPES]>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ObjectStoreError + '_ {
    move |source| ObjectStoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

impl FileStore {
    /// A store in `root`, created if missing.
    ///
    /// # Errors
    /// When the folder cannot be created.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, ObjectStoreError> {
        let root = root.into();
        for folder in [root.join(CHECKSUMS), root.join(TEMPORARY)] {
            std::fs::create_dir_all(&folder).map_err(io(&folder))?;
        }
        Ok(Self {
            root,
            locks: std::sync::Arc::new(std::array::from_fn(|_| tokio::sync::Mutex::new(()))),
        })
    }

    /// The lock that `key`'s writers and readers take turns on.
    async fn lock(&self, key: &str) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut hasher);
        let stripe = usize::try_from(hasher.finish() % STRIPES as u64).unwrap_or_default();
        self.locks[stripe].lock().await
    }

    fn data_path(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    fn checksum_path(&self, key: &str) -> PathBuf {
        self.root.join(CHECKSUMS).join(key)
    }

    /// Writes `bytes` to a new temporary file, flushed to disk, and moves it to `target`.
    async fn write_atomically(&self, target: &Path, bytes: &[u8]) -> Result<(), ObjectStoreError> {
        use tokio::io::AsyncWriteExt;
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(io(parent))?;
        }
        let temporary = self
            .root
            .join(TEMPORARY)
            .join(format!("{}-{}", std::process::id(), unique()));
        let mut file = tokio::fs::File::create(&temporary).await.map_err(io(&temporary))?;
        file.write_all(bytes).await.map_err(io(&temporary))?;
        file.sync_all().await.map_err(io(&temporary))?;
        drop(file);
        if let Err(error) = tokio::fs::rename(&temporary, target).await {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(io(target)(error));
        }
        Ok(())
    }

    async fn info(&self, key: &str) -> Result<Option<ObjectInfo>, ObjectStoreError> {
        let data = self.data_path(key);
        let checksum = self.checksum_path(key);
        let metadata = match tokio::fs::metadata(&data).await {
            Ok(metadata) if metadata.is_file() => metadata,
            Ok(_) => return Ok(None),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io(&data)(error)),
        };
        let sha256 = match tokio::fs::read_to_string(&checksum).await {
            Ok(sha256) => sha256.trim().to_owned(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io(&checksum)(error)),
        };
        Ok(Some(ObjectInfo {
            key: key.to_owned(),
            size: metadata.len(),
            sha256,
        }))
    }
}

/// A name no other put of this process uses.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[async_trait]
impl ObjectStore for FileStore {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<ObjectInfo, ObjectStoreError> {
        check_key(key)?;
        let sha256 = sha256_hex(&bytes);
        let _turn = self.lock(key).await;
        // The checksum first: until the bytes are renamed into place, the object is not there.
        self.write_atomically(&self.checksum_path(key), sha256.as_bytes())
            .await?;
        self.write_atomically(&self.data_path(key), &bytes).await?;
        Ok(ObjectInfo::written(key, &bytes, sha256))
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, ObjectStoreError> {
        check_key(key)?;
        let _turn = self.lock(key).await;
        let Some(info) = self.info(key).await? else {
            return Ok(None);
        };
        let path = self.data_path(key);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io(&path)(error)),
        };
        verified(key, Bytes::from(bytes), Some(info.sha256)).map(Some)
    }

    async fn head(&self, key: &str) -> Result<Option<ObjectInfo>, ObjectStoreError> {
        check_key(key)?;
        let _turn = self.lock(key).await;
        self.info(key).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ListedObject>, ObjectStoreError> {
        let mut found = Vec::new();
        let mut folders = vec![self.root.clone()];
        while let Some(folder) = folders.pop() {
            let mut entries = tokio::fs::read_dir(&folder).await.map_err(io(&folder))?;
            while let Some(entry) = entries.next_entry().await.map_err(io(&folder))? {
                let path = entry.path();
                let Ok(relative) = path.strip_prefix(&self.root) else {
                    continue;
                };
                let key = relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
                if key == CHECKSUMS || key == TEMPORARY {
                    continue;
                }
                let kind = entry.file_type().await.map_err(io(&path))?;
                if kind.is_dir() {
                    // Only descend where keys with the prefix can be.
                    let folder_key = format!("{key}/");
                    if folder_key.starts_with(prefix) || prefix.starts_with(&folder_key) {
                        folders.push(path);
                    }
                } else if kind.is_file() && key.starts_with(prefix) {
                    // Bytes without their checksum are not there (see the module documentation).
                    let checksum = self.checksum_path(&key);
                    if tokio::fs::try_exists(&checksum).await.map_err(io(&checksum))? {
                        let size = entry.metadata().await.map_err(io(&path))?.len();
                        found.push(ListedObject { key, size });
                    }
                }
            }
        }
        found.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(found)
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        check_key(key)?;
        let _turn = self.lock(key).await;
        for path in [self.data_path(key), self.checksum_path(key)] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(io(&path)(error)),
            }
        }
        Ok(())
    }

    fn describe(&self) -> String {
        format!("file://{}", self.root.display())
    }
}
