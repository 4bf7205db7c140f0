//! A queue that lets concurrent writes share a statement or a transaction (group commit): a
//! few writer tasks each take what waits, up to a limit, and write it at once. A writer never
//! waits for company: a lone write goes at once, and batches only form while the writers are
//! busy, so they grow with the load. Both stores batch their creates with it.
//!
//! The writers run as tasks of their own, so a caller that goes away (a client that hung up)
//! cannot cancel a batch that others wait on. They stop when the queue is dropped, and start
//! again on the next write when the runtime they ran on has gone.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, oneshot};

use crate::{Error, Result};

/// A write waiting for its batch, and where its answer goes.
pub(crate) struct Waiting<T, A> {
    pub(crate) item: T,
    pub(crate) answer: oneshot::Sender<Result<A>>,
}

impl<T, A> Waiting<T, A> {
    /// Answers the write; a caller that went away is not waiting for it.
    pub(crate) fn reply(self, answer: Result<A>) {
        let _ = self.answer.send(answer);
    }
}

/// How a queue's batches are written: `writers` at once, each of at most `max_batch` writes.
pub(crate) struct Shape {
    pub(crate) writers: usize,
    pub(crate) max_batch: usize,
}

/// Writes waiting to be batched.
pub(crate) struct Batches<T, A> {
    queue: Mutex<Option<mpsc::UnboundedSender<Waiting<T, A>>>>,
}

impl<T, A> Default for Batches<T, A> {
    fn default() -> Self {
        Self {
            queue: Mutex::new(None),
        }
    }
}

impl<T, A> std::fmt::Debug for Batches<T, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batches").finish_non_exhaustive()
    }
}

impl<T: Send + 'static, A: Send + 'static> Batches<T, A> {
    /// Queues `item` and waits for its answer. `write` writes one batch and answers each of its
    /// writes; it is used when the writers (re)start.
    pub(crate) async fn submit<W, F>(&self, item: T, shape: &Shape, write: W) -> Result<A>
    where
        W: Fn(Vec<Waiting<T, A>>) -> F + Clone + Send + Sync + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        self.enqueue(Waiting { item, answer }, shape, write);
        // No answer means the writer stopped with the batch in flight (its runtime shut down):
        // whether the write was made is unknown.
        answered
            .await
            .unwrap_or(Err(Error::Database(sqlx::Error::WorkerCrashed)))
    }

    fn enqueue<W, F>(&self, waiting: Waiting<T, A>, shape: &Shape, write: W)
    where
        W: Fn(Vec<Waiting<T, A>>) -> F + Clone + Send + Sync + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let waiting = match queue.as_ref() {
            Some(sender) => match sender.send(waiting) {
                Ok(()) => return,
                Err(mpsc::error::SendError(waiting)) => waiting,
            },
            None => waiting,
        };
        let (sender, receiver) = mpsc::unbounded_channel();
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        for _ in 0..shape.writers.max(1) {
            tokio::spawn(write_batches(receiver.clone(), shape.max_batch.max(1), write.clone()));
        }
        if let Err(mpsc::error::SendError(waiting)) = sender.send(waiting) {
            waiting.reply(Err(Error::Database(sqlx::Error::WorkerCrashed)));
        }
        *queue = Some(sender);
    }
}

/// A writer: takes what waits and writes it, until the queue is dropped.
async fn write_batches<T, A, W, F>(
    queue: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Waiting<T, A>>>>,
    max_batch: usize,
    write: W,
) where
    W: Fn(Vec<Waiting<T, A>>) -> F,
    F: Future<Output = ()>,
{
    loop {
        let batch = {
            let mut queue = queue.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < max_batch {
                match queue.try_recv() {
                    Ok(waiting) => batch.push(waiting),
                    Err(_) => break,
                }
            }
            batch
        };
        write(batch).await;
    }
}

/// A batch write in progress: one answer per item, in order.
pub(crate) type Insert<'a, A> =
    std::pin::Pin<Box<dyn Future<Output = std::result::Result<Vec<A>, sqlx::Error>> + Send + 'a>>;

/// Writes a batch to `database` with `insert`, which answers each item in order, and replies to
/// every write. When the database refuses the batch, nothing of it was written: one bad write must not fail
/// the others, so each is tried alone. Any other failure (a lost connection: the outcome is
/// unknown) is every write's answer.
pub(crate) async fn write_together_or_alone<C, T, A>(
    batch: Vec<Waiting<T, A>>,
    database: &C,
    insert: impl for<'a> Fn(&'a C, &'a [&'a T]) -> Insert<'a, A>,
) {
    let items: Vec<&T> = batch.iter().map(|w| &w.item).collect();
    match insert(database, &items).await {
        Ok(answers) if answers.len() == batch.len() => {
            for (waiting, answer) in batch.into_iter().zip(answers) {
                waiting.reply(Ok(answer));
            }
        }
        Ok(answers) => {
            let error = format!("a batch of {} writes got {} answers", batch.len(), answers.len());
            for waiting in batch {
                waiting.reply(Err(Error::Corrupt(error.clone())));
            }
        }
        Err(sqlx::Error::Database(_)) if batch.len() > 1 => {
            for waiting in batch {
                let answer = insert(database, &[&waiting.item])
                    .await
                    .map_err(Error::from)
                    .and_then(|answers| {
                        answers
                            .into_iter()
                            .next()
                            .ok_or_else(|| Error::Corrupt("a write got no answer".into()))
                    });
                waiting.reply(answer);
            }
        }
        Err(error) => fail_all(batch, error),
    }
}

/// Answers every write of a failed batch with its failure: the first gets the error itself,
/// the others copies (`sqlx::Error` is not `Clone`).
fn fail_all<T, A>(batch: Vec<Waiting<T, A>>, error: sqlx::Error) {
    let copies: Vec<sqlx::Error> = batch.iter().skip(1).map(|_| copy_of(&error)).collect();
    for (waiting, error) in batch.into_iter().zip(std::iter::once(error).chain(copies)) {
        waiting.reply(Err(Error::Database(error)));
    }
}

/// The same failure for another waiter. Whether the database was unavailable (worth retrying)
/// survives the copy.
fn copy_of(error: &sqlx::Error) -> sqlx::Error {
    match error {
        sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        sqlx::Error::Io(e) => sqlx::Error::Io(std::io::Error::new(e.kind(), e.to_string())),
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: Shape = Shape {
        writers: 2,
        max_batch: 8,
    };

    /// Answers each write with the size of the batch it was written in.
    async fn sizes(batch: Vec<Waiting<u32, usize>>) {
        let size = batch.len();
        tokio::task::yield_now().await;
        for waiting in batch {
            waiting.reply(Ok(size));
        }
    }

    #[tokio::test]
    async fn a_lone_write_goes_at_once_and_concurrent_ones_share_batches() {
        let batches: Batches<u32, usize> = Batches::default();
        assert_eq!(batches.submit(1, &SHAPE, sizes).await.expect("answer"), 1);
        let answers = futures_util::future::join_all((0..40).map(|i| batches.submit(i, &SHAPE, sizes))).await;
        let sizes: Vec<usize> = answers.into_iter().map(|a| a.expect("answer")).collect();
        assert!(sizes.iter().all(|size| (1..=8).contains(size)), "{sizes:?}");
        assert!(sizes.iter().any(|size| *size > 1), "no batch formed: {sizes:?}");
    }

    #[test]
    fn writers_start_again_on_a_new_runtime() {
        let batches: Batches<u32, usize> = Batches::default();
        for _ in 0..2 {
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            assert_eq!(runtime.block_on(batches.submit(7, &SHAPE, sizes)).expect("answer"), 1);
        }
    }

    #[test]
    fn copies_keep_whether_the_database_was_unavailable() {
        let io = sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset"));
        for original in [sqlx::Error::PoolTimedOut, sqlx::Error::PoolClosed, io] {
            let copy = Error::Database(copy_of(&original));
            assert!(copy.is_unavailable(), "{original} lost its kind: {copy:?}");
        }
        assert!(!Error::Database(copy_of(&sqlx::Error::RowNotFound)).is_unavailable());
    }
}
