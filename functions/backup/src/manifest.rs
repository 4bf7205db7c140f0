//! A backup's manifest: what it holds (tables, columns, row counts), where its parts are and their
//! SHA-256, the schema versions it needs, and how far the event history it includes reaches (the
//! replay starts after its newest event). It is written after every part, so a backup without a
//! manifest is an interrupted one and is never listed or restored; and it carries a checksum over
//! its own canonical JSON, so an edited or damaged manifest is refused rather than trusted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Digest;

use crate::{BACKUPS_PREFIX, Engine, Error, Result};

/// The version of the manifest's layout this crate writes and reads.
pub const MANIFEST_FORMAT: u32 = 1;

/// Everything a restore and a replay need to know about one backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout's version ([`MANIFEST_FORMAT`]).
    pub format: u32,
    /// `YYYYMMDDTHHMMSSZ-xxxx`: the snapshot's time and 4 random hex digits.
    pub id: String,
    /// The time of the snapshot (PostgreSQL: `now()` in its transaction; SQLite: just before the
    /// copy began).
    pub created_at: DateTime<Utc>,
    /// The database it came from, and can be restored into.
    pub engine: Engine,
    /// The versions in `_sqlx_migrations`: a restore needs a platform at exactly these.
    pub schema_versions: Vec<i64>,
    /// Every table copied, by name.
    pub tables: Vec<TableInfo>,
    /// The objects holding the data.
    pub parts: Vec<Part>,
    /// The newest outbox event included (none when the outbox was empty).
    pub newest_event: Option<NewestEvent>,
    /// The newest outbox id already published to the bus (none when nothing was).
    pub newest_published_outbox_id: Option<i64>,
    /// How long the relay keeps published outbox rows (`OUTBOX_RETENTION_HOURS` when the backup
    /// was taken): events older than this may be missing from the backup's outbox.
    pub outbox_retention_hours: u64,
    /// SHA-256 (hex) of the manifest's canonical JSON without this field.
    pub checksum: String,
}

/// One table of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableInfo {
    /// Its name.
    pub name: String,
    /// The columns copied (PostgreSQL: all but generated ones), in copy order.
    pub columns: Vec<String>,
    /// The rows copied.
    pub rows: u64,
}

/// One object of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// Its key in the store.
    pub key: String,
    /// Its size (compressed).
    pub bytes: u64,
    /// The SHA-256 of its bytes, hex.
    pub sha256: String,
}

/// The newest event of the outbox at the time of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewestEvent {
    /// Its CloudEvents id.
    pub event_id: String,
    /// When it was written to the outbox.
    pub created_at: DateTime<Utc>,
}

/// A new backup id for a snapshot taken at `at`: `20261203T061500Z-3fa2`. Ids sort by time.
#[must_use]
pub fn backup_id(at: DateTime<Utc>) -> String {
    format!("{}-{:04x}", at.format("%Y%m%dT%H%M%SZ"), rand::random::<u16>())
}

/// The time an id was made at, when it is one of ours.
pub(crate) fn id_time(id: &str) -> Option<DateTime<Utc>> {
    let (time, suffix) = id.split_once('-')?;
    if suffix.len() != 4 || !suffix.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    chrono::NaiveDateTime::parse_from_str(time, "%Y%m%dT%H%M%SZ")
        .ok()
        .map(|t| t.and_utc())
}

/// Whether `id` can be a backup id: it goes into object keys, so nothing but `[0-9A-Za-z-]`.
pub(crate) fn check_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::Config(format!(
            "'{id}' is not a backup id (like 20261203T061500Z-3fa2; `todo backups list` shows them)"
        )));
    }
    Ok(())
}

/// `backups/{id}/manifest.json`.
#[must_use]
pub fn manifest_key(id: &str) -> String {
    format!("{BACKUPS_PREFIX}{id}/manifest.json")
}

/// `backups/{id}/{name}`: `{table}.copy.gz` on PostgreSQL, `database.sqlite.gz` on SQLite.
#[must_use]
pub fn part_key(id: &str, name: &str) -> String {
    format!("{BACKUPS_PREFIX}{id}/{name}")
}

/// The file name of a PostgreSQL table's part.
pub(crate) fn table_part(table: &str) -> String {
    format!("{table}.copy.gz")
}

/// The file name of a SQLite backup's one part.
pub(crate) const SQLITE_PART: &str = "database.sqlite.gz";

impl Manifest {
    /// The manifest with its checksum computed (whatever `checksum` held before).
    pub(crate) fn sealed(mut self) -> Self {
        self.checksum = String::new();
        let value = serde_json::to_value(&self).unwrap_or(Value::Null);
        self.checksum = checksum_of(value);
        self
    }

    /// The manifest as stored: pretty JSON, for people reading the bucket.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads a stored manifest and checks its checksum and format.
    ///
    /// # Errors
    /// `Corrupt` when it is not a manifest, its checksum does not match, or it is of an unknown format.
    pub fn from_bytes(id: &str, bytes: &[u8]) -> Result<Self> {
        let corrupt = |reason: String| Error::Corrupt {
            id: id.to_owned(),
            reason,
        };
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| corrupt(format!("its manifest is not JSON ({e})")))?;
        let recorded = value
            .get("checksum")
            .and_then(Value::as_str)
            .ok_or_else(|| corrupt("its manifest has no checksum".to_owned()))?
            .to_owned();
        let found = checksum_of(value.clone());
        if found != recorded {
            return Err(corrupt(format!(
                "its manifest's checksum is {found}, {recorded} was written"
            )));
        }
        let manifest: Self =
            serde_json::from_value(value).map_err(|e| corrupt(format!("its manifest cannot be read ({e})")))?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(corrupt(format!(
                "its manifest has format {}, this version reads {MANIFEST_FORMAT}",
                manifest.format
            )));
        }
        if manifest.id != id {
            return Err(corrupt(format!("its manifest is the one of backup '{}'", manifest.id)));
        }
        Ok(manifest)
    }

    /// The part called `name` (see [`part_key`]).
    pub(crate) fn part(&self, name: &str) -> Result<&Part> {
        let key = part_key(&self.id, name);
        self.parts.iter().find(|p| p.key == key).ok_or_else(|| Error::Corrupt {
            id: self.id.clone(),
            reason: format!("its manifest lists no part {key}"),
        })
    }

    /// Rows in every table.
    #[must_use]
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// Bytes of every part.
    #[must_use]
    pub fn total_bytes(&self) -> u64 {
        self.parts.iter().map(|p| p.bytes).sum()
    }
}

/// SHA-256 of `value`'s canonical JSON without its `checksum` field.
fn checksum_of(mut value: Value) -> String {
    if let Value::Object(map) = &mut value {
        map.remove("checksum");
    }
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    format!("{:x}", sha2::Sha256::digest(canonical.as_bytes()))
}

/// Compact JSON with every object's keys sorted, whatever order the map keeps them in (so the
/// checksum does not depend on serde_json's `preserve_order` feature or on pretty-printing).
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, value)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Manifest {
        let at = "2026-12-03T06:15:00.123456Z".parse().unwrap();
        Manifest {
            format: MANIFEST_FORMAT,
            id: "20261203T061500Z-3fa2".into(),
            created_at: at,
            engine: Engine::Postgres,
            schema_versions: vec![1, 2, 3],
            tables: vec![TableInfo {
                name: "tasks".into(),
                columns: vec!["id".into(), "title".into()],
                rows: 2,
            }],
            parts: vec![Part {
                key: part_key("20261203T061500Z-3fa2", "tasks.copy.gz"),
                bytes: 40,
                sha256: "00".repeat(32),
            }],
            newest_event: Some(NewestEvent {
                event_id: "e1".into(),
                created_at: at,
            }),
            newest_published_outbox_id: Some(7),
            outbox_retention_hours: 168,
            checksum: String::new(),
        }
        .sealed()
    }

    #[test]
    fn a_sealed_manifest_reads_back_and_any_edit_is_refused() {
        let manifest = example();
        let bytes = manifest.to_bytes();
        assert_eq!(Manifest::from_bytes(&manifest.id, &bytes).unwrap(), manifest);

        let edited = String::from_utf8(bytes).unwrap().replace("\"rows\": 2", "\"rows\": 3");
        let error = Manifest::from_bytes(&manifest.id, edited.as_bytes()).unwrap_err();
        assert!(matches!(error, Error::Corrupt { .. }), "{error}");
        assert!(error.to_string().contains("checksum"), "{error}");
    }

    #[test]
    fn the_checksum_ignores_key_order_and_whitespace() {
        let manifest = example();
        let compact = serde_json::to_vec(&manifest).unwrap();
        assert!(Manifest::from_bytes(&manifest.id, &compact).is_ok());
        let mut a = serde_json::Map::new();
        a.insert("b".into(), Value::from(1));
        a.insert("a".into(), Value::from("x"));
        let mut b = serde_json::Map::new();
        b.insert("a".into(), Value::from("x"));
        b.insert("b".into(), Value::from(1));
        assert_eq!(checksum_of(Value::Object(a)), checksum_of(Value::Object(b)));
    }

    #[test]
    fn ids_carry_their_time_and_only_safe_characters() {
        let at: DateTime<Utc> = "2026-12-03T06:15:09Z".parse().unwrap();
        let id = backup_id(at);
        assert!(id.starts_with("20261203T061509Z-") && id.len() == 21, "{id}");
        assert_eq!(id_time(&id), Some(at));
        assert!(check_id(&id).is_ok());
        assert_eq!(id_time("not-an-id"), None);
        assert!(check_id("../etc").is_err());
        assert!(check_id("").is_err());
    }
}
