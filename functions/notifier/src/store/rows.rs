//! The rows the store reads, generic over how an engine stores ids, times and lists of event
//! types (PostgreSQL: `UUID`, `TIMESTAMPTZ`, `TEXT[]`; SQLite: UUID text, microseconds since the
//! epoch, a JSON array), and their conversion into the model. A column that cannot be read back
//! (a bug or a hand-edited row) is `Error::Corrupt`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Error;
use crate::model::{Claim, DeliveryRecord, DeliveryStatus, Subscription};

/// A column as an engine stores it, read back as the store's `T`; `Err` says what is wrong.
pub(crate) trait Column<T> {
    fn read(self) -> Result<T, String>;
}

macro_rules! stored_as_is {
    ($($type:ty),*) => {
        $(impl Column<$type> for $type {
            fn read(self) -> Result<$type, String> {
                Ok(self)
            }
        })*
    };
}

stored_as_is!(Uuid, DateTime<Utc>, Vec<String>);

impl Column<Uuid> for String {
    fn read(self) -> Result<Uuid, String> {
        Uuid::parse_str(&self).map_err(|e| format!("id '{self}': {e}"))
    }
}

impl Column<DateTime<Utc>> for i64 {
    fn read(self) -> Result<DateTime<Utc>, String> {
        todo_db::time::from_micros(self).map_err(|e| e.to_string())
    }
}

impl Column<Vec<String>> for String {
    fn read(self) -> Result<Vec<String>, String> {
        serde_json::from_str(&self).map_err(|e| format!("event_types: {e}"))
    }
}

impl<T, S: Column<T>> Column<Option<T>> for Option<S> {
    fn read(self) -> Result<Option<T>, String> {
        self.map(Column::read).transpose()
    }
}

fn read<T>(column: impl Column<T>) -> Result<T, Error> {
    column.read().map_err(Error::Corrupt)
}

/// The columns every subscription read selects, as [`SubscriptionRow`] has them (a literal, so
/// statements built with `concat!` stay static SQL).
macro_rules! subscription_columns {
    () => {
        "id, url, event_types, description, active, disabled_reason, created_at"
    };
}
pub(crate) use subscription_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct SubscriptionRow<Id, List, Time> {
    id: Id,
    url: String,
    event_types: List,
    description: Option<String>,
    active: bool,
    disabled_reason: Option<String>,
    created_at: Time,
}

impl<Id, List, Time> TryFrom<SubscriptionRow<Id, List, Time>> for Subscription
where
    Id: Column<Uuid>,
    List: Column<Vec<String>>,
    Time: Column<DateTime<Utc>>,
{
    type Error = Error;

    fn try_from(r: SubscriptionRow<Id, List, Time>) -> Result<Self, Error> {
        let id = read(r.id)?;
        Ok(Self {
            id,
            url: r.url,
            event_types: r
                .event_types
                .read()
                .map_err(|e| Error::Corrupt(format!("subscription {id} {e}")))?,
            description: r.description,
            active: r.active,
            disabled_reason: r.disabled_reason,
            created_at: read(r.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DeliveryRow<Id, Time> {
    id: Id,
    event_id: String,
    event_type: String,
    status: String,
    attempts: i32,
    last_status_code: Option<i32>,
    last_error: Option<String>,
    next_attempt_at: Option<Time>,
    created_at: Time,
    updated_at: Time,
    completed_at: Option<Time>,
}

impl<Id: Column<Uuid>, Time: Column<DateTime<Utc>>> TryFrom<DeliveryRow<Id, Time>> for DeliveryRecord {
    type Error = Error;

    fn try_from(r: DeliveryRow<Id, Time>) -> Result<Self, Error> {
        Ok(Self {
            id: read(r.id)?,
            event_id: r.event_id,
            event_type: r.event_type,
            status: DeliveryStatus::parse(&r.status)?,
            attempts: r.attempts,
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            next_attempt_at: read(r.next_attempt_at)?,
            created_at: read(r.created_at)?,
            updated_at: read(r.updated_at)?,
            completed_at: read(r.completed_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ClaimRow<Id, Time> {
    id: Id,
    lease_token: Id,
    subscription_id: Id,
    owner_id: String,
    url: String,
    secret: String,
    active: bool,
    event_id: String,
    event_type: String,
    body: String,
    correlation_id: Option<String>,
    traceparent: Option<String>,
    attempts: i32,
    first_attempt_at: Option<Time>,
}

impl<Id: Column<Uuid>, Time: Column<DateTime<Utc>>> TryFrom<ClaimRow<Id, Time>> for Claim {
    type Error = Error;

    fn try_from(r: ClaimRow<Id, Time>) -> Result<Self, Error> {
        Ok(Self {
            delivery_id: read(r.id)?,
            lease_token: read(r.lease_token)?,
            subscription_id: read(r.subscription_id)?,
            owner_id: r.owner_id,
            url: r.url,
            secret: r.secret.into(),
            active: r.active,
            event_id: r.event_id,
            event_type: r.event_type,
            body: r.body,
            correlation_id: r.correlation_id,
            traceparent: r.traceparent,
            attempts: r.attempts,
            first_attempt_at: read(r.first_attempt_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct IdRow<Id> {
    id: Id,
}

impl<Id: Column<Uuid>> TryFrom<IdRow<Id>> for Uuid {
    type Error = Error;

    fn try_from(r: IdRow<Id>) -> Result<Self, Error> {
        read(r.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_that_cannot_be_read_back_are_corrupt_and_say_which_value() {
        let id: Result<Uuid, Error> = read("not-a-uuid".to_owned());
        assert!(
            matches!(&id, Err(Error::Corrupt(m)) if m.contains("not-a-uuid")),
            "{id:?}"
        );
        let at: Result<Option<DateTime<Utc>>, Error> = read(Some(i64::MAX));
        assert!(
            matches!(&at, Err(Error::Corrupt(m)) if m.contains(&i64::MAX.to_string())),
            "{at:?}"
        );
        let types: Result<Vec<String>, String> = "{}".to_owned().read();
        assert!(types.is_err_and(|m| m.starts_with("event_types: ")));
        assert_eq!(
            read::<Vec<String>>(r#"["task.created"]"#.to_owned()).ok(),
            Some(vec!["task.created".to_owned()])
        );
    }
}
