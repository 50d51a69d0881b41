//! Durable background jobs, kept in SurrealDB.
//!
//! Why our own queue rather than a crate (apalis and its storages were read): a job must be
//! written in the same transaction as the change that causes it — no mail for a change that
//! rolled back, no change without its mail — and only a queue in our database can join that
//! transaction. Redis never holds the only copy of a job: a `FLUSHALL` loses none.
//!
//! - A job is a `job` row: kind, JSON payload, state (`ready` → `running` → `done`, or back to
//!   `ready` with a later `run_at` after a failure, or `dead` after its last attempt), attempts,
//!   `run_at` (scheduled jobs are jobs whose `run_at` is later), and the lease of the worker
//!   running it.
//! - Idempotency: the job's record id is its key when the caller gives one (`job:⟨key⟩`), and
//!   enqueueing an existing key does nothing. Handlers make a second run harmless (the outbox
//!   writes a file named after the job; SMTP carries the job id as `Message-ID`).
//! - Every instance runs a worker: it claims due jobs (ready and due, or running with a lapsed
//!   lease — their worker died) in one conditional UPDATE, so two instances never run the same
//!   attempt; it extends the lease while a job runs, and records the outcome only while it still
//!   holds the lease. A job whose worker is killed runs again on another after its lease.
//! - Retries back off exponentially with jitter; after `max_attempts` the job is dead, with its
//!   last error, until an operator retries or discards it (`taskmanager jobs`).
//! - Per-kind concurrency limits hold within an instance.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use surrealdb::types::SurrealValue;
use tokio::sync::{Notify, Semaphore};

use crate::error::Result;
use crate::services::{Inner, Services};
use crate::store::DbQuery;

/// The kinds of job, with their limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    pub name: &'static str,
    /// Jobs of this kind running at once in one instance.
    pub concurrency: usize,
    pub max_attempts: i64,
}

pub mod kinds {
    use super::Kind;

    /// One mail (verification, password reset, invitation, reminder, digest).
    pub const EMAIL: Kind = Kind {
        name: "email",
        concurrency: 4,
        max_attempts: 8,
    };

    /// One webhook delivery (a signed POST of one event).
    pub const WEBHOOK: Kind = Kind {
        name: "webhook",
        concurrency: 8,
        max_attempts: 8,
    };

    /// A due-date reminder for one assignee: a notification, and a mail if they want one.
    pub const REMINDER: Kind = Kind {
        name: "reminder",
        concurrency: 4,
        max_attempts: 8,
    };

    /// One user's daily digest: the mail, and the next day's digest.
    pub const DIGEST: Kind = Kind {
        name: "digest",
        concurrency: 2,
        max_attempts: 5,
    };

    pub const ALL: &[Kind] = &[EMAIL, WEBHOOK, REMINDER, DIGEST];
}

/// How the queue paces itself. Tests shorten every interval.
#[derive(Clone, Debug)]
pub struct JobSettings {
    /// How long a claim holds before another worker may take the job over.
    pub lease: Duration,
    /// The first retry's delay; each later one doubles it (plus up to 50 % jitter).
    pub backoff_base: Duration,
    /// The longest delay between attempts.
    pub backoff_max: Duration,
    /// How often an idle worker looks for due jobs (a local enqueue wakes it at once).
    pub poll: Duration,
    /// Finished jobs are deleted after this long.
    pub keep_done: Duration,
    /// Whether this process runs a worker (`taskmanager migrate` and `jobs` do not).
    pub workers: bool,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(3600),
            poll: Duration::from_secs(1),
            keep_done: Duration::from_secs(7 * 24 * 3600),
            workers: true,
        }
    }
}

/// A job to enqueue.
#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: Kind,
    pub payload: serde_json::Value,
    /// Enqueueing a key that exists does nothing (the key is the job's id).
    pub key: Option<String>,
    /// Not before this time (a scheduled job); `None`: now.
    pub run_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What the job is about (`task:ID`, `user:ID`), so a change can cancel its scheduled jobs.
    pub subject: Option<String>,
}

impl NewJob {
    pub fn now(kind: Kind, payload: serde_json::Value) -> Self {
        Self {
            kind,
            payload,
            key: None,
            run_at: None,
            subject: None,
        }
    }

    /// The statement that enqueues this job inside a transaction, with parameters named after
    /// `n` (so one transaction can enqueue several). Bind them with [`NewJob::bind`].
    pub(crate) fn statement(n: usize) -> String {
        format!(
            "IF !record::exists(type::record('job', $job{n}_id)) {{ \
               CREATE type::record('job', $job{n}_id) SET kind = $job{n}_kind, payload = $job{n}_payload, \
               state = 'ready', attempts = 0, max_attempts = $job{n}_max, subject = $job{n}_subject, \
               run_at = IF $job{n}_at = NONE {{ time::now() }} ELSE {{ <datetime> $job{n}_at }} \
             }};"
        )
    }

    pub(crate) fn bind<'a>(&self, n: usize, query: DbQuery<'a>) -> DbQuery<'a> {
        let id = self
            .key
            .clone()
            .unwrap_or_else(|| format!("{:032x}", rand::random::<u128>()));
        query
            .bind((format!("job{n}_id"), id))
            .bind((format!("job{n}_kind"), self.kind.name.to_owned()))
            .bind((format!("job{n}_payload"), self.payload.to_string()))
            .bind((format!("job{n}_max"), self.kind.max_attempts))
            .bind((format!("job{n}_subject"), self.subject.clone()))
            .bind((
                format!("job{n}_at"),
                self.run_at
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            ))
    }
}

/// A claimed job, as a handler sees it.
#[derive(Clone, Debug, Deserialize, SurrealValue)]
pub struct Job {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub created_at: String,
}

/// A job as the operators' view lists it.
#[derive(Clone, Debug, Serialize, Deserialize, SurrealValue)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_at: String,
    pub last_error: Option<String>,
    pub created_at: String,
    pub subject: Option<String>,
}

/// Counts by kind and state, for `taskmanager jobs` and the metrics.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct QueueCounts {
    /// (kind, state) → jobs.
    pub by_kind_state: std::collections::BTreeMap<(String, String), i64>,
}

impl QueueCounts {
    pub fn get(&self, kind: &str, state: &str) -> i64 {
        self.by_kind_state
            .get(&(kind.to_owned(), state.to_owned()))
            .copied()
            .unwrap_or(0)
    }
}

/// The per-process side of the queue: wake-ups, limits, pacing.
pub(crate) struct Queue {
    pub(crate) settings: JobSettings,
    wake: Arc<Notify>,
    limits: HashMap<&'static str, Arc<Semaphore>>,
    /// This process as a job's lease holder (instance ids may be shared by processes).
    worker: String,
}

impl Queue {
    pub(crate) fn new(settings: JobSettings, instance_id: &str) -> Self {
        Self {
            settings,
            wake: Arc::new(Notify::new()),
            worker: format!("{instance_id}/{:08x}", rand::random::<u32>()),
            limits: kinds::ALL
                .iter()
                .map(|k| (k.name, Arc::new(Semaphore::new(k.concurrency))))
                .collect(),
        }
    }

    /// A job was enqueued here: look now rather than at the next poll.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The delay before attempt `attempts + 1`: base × 2^(attempts − 1), capped, plus up to 50 %.
pub fn backoff(settings: &JobSettings, attempts: i64) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let delay = settings
        .backoff_base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(settings.backoff_max);
    let jitter = delay.mul_f64(rand::random::<f64>() * 0.5);
    delay + jitter
}

const CLAIM_BATCH: usize = 16;

impl Services {
    /// Enqueues jobs on their own (when there is no change to join). Prefer
    /// [`NewJob::statement`] inside the change's transaction.
    pub async fn enqueue(&self, jobs: &[NewJob]) -> Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        let mut text = String::from("BEGIN TRANSACTION;\n");
        for n in 0..jobs.len() {
            text.push_str(&NewJob::statement(n));
            text.push('\n');
        }
        text.push_str("COMMIT TRANSACTION;");
        let mut query = self.database().client().query(text);
        for (n, job) in jobs.iter().enumerate() {
            query = job.bind(n, query);
        }
        query.await?.check()?;
        self.jobs_queue().wake();
        Ok(())
    }

    /// Claims due jobs for this instance: up to `limit` of each `(kind, limit)`, in one
    /// transaction (one round trip per poll, not one per kind: the idle worker's polls were
    /// 4 write transactions a second per instance, competing with every change).
    /// Returns the claimed jobs per kind, in `wants`' order.
    async fn claim(&self, wants: &[(&str, usize)]) -> Result<Vec<Vec<Job>>> {
        if wants.is_empty() {
            return Ok(Vec::new());
        }
        let lease_ms =
            i64::try_from(self.jobs_queue().settings.lease.as_millis()).unwrap_or(30_000);
        // Each kind's due jobs come from two index range scans on `job_due` (kind, state,
        // run_at): one `OR` over both states made SurrealDB 3.3.5 union bitmap scans of every
        // job of the kind, done ones included — 7–18 ms per kind with 20,000 finished jobs,
        // against 0.4–0.6 ms.
        let mut text = String::from("BEGIN TRANSACTION; LET $now = time::now();");
        for n in 0..wants.len() {
            text.push_str(&format!(
                "LET $due{n} = array::slice(array::concat(\
                   (SELECT VALUE id FROM job WHERE kind = $kind{n} AND state = 'running' AND lease_until < $now LIMIT $limit{n}), \
                   (SELECT VALUE id FROM job WHERE kind = $kind{n} AND state = 'ready' AND run_at <= $now ORDER BY run_at LIMIT $limit{n})\
                 ), 0, $limit{n});\
                 UPDATE $due{n} SET state = 'running', worker = $worker, attempts += 1, \
                   lease_until = $now + <duration> string::concat(<string> $lease_ms, 'ms') \
                   WHERE (state = 'ready' AND run_at <= $now) OR (state = 'running' AND lease_until < $now) \
                   RETURN record::id(id) AS id, kind, payload, attempts, max_attempts, <string> created_at AS created_at;"
            ));
        }
        text.push_str("COMMIT TRANSACTION;");
        let mut query = self
            .database()
            .client()
            .query(text)
            .bind(("worker", self.worker_id()))
            .bind(("lease_ms", lease_ms));
        for (n, (kind, limit)) in wants.iter().enumerate() {
            query = query
                .bind((format!("kind{n}"), (*kind).to_owned()))
                .bind((format!("limit{n}"), *limit as i64));
        }
        let mut res = query.await?;
        let errors = res.take_errors();
        if let Some((_, e)) = errors.into_iter().next() {
            return Err(e.into());
        }
        // BEGIN, LET $now, then a LET and an UPDATE per kind, then COMMIT.
        let mut claimed = Vec::with_capacity(wants.len());
        for n in 0..wants.len() {
            claimed.push(res.take(3 + 2 * n)?);
        }
        Ok(claimed)
    }

    /// Extends a running job's lease; false when this worker lost it.
    async fn extend_lease(&self, id: &str) -> Result<bool> {
        let lease_ms =
            i64::try_from(self.jobs_queue().settings.lease.as_millis()).unwrap_or(30_000);
        let mut res = self
            .database()
            .client()
            .query(
                "UPDATE type::record('job', $id) SET lease_until = time::now() + <duration> string::concat(<string> $lease_ms, 'ms') \
                 WHERE state = 'running' AND worker = $worker RETURN VALUE record::id(id)",
            )
            .bind(("id", id.to_owned()))
            .bind(("worker", self.worker_id()))
            .bind(("lease_ms", lease_ms))
            .await?
            .check()?;
        let held: Vec<String> = res.take(0)?;
        Ok(!held.is_empty())
    }

    /// Records how an attempt ended, if this worker still holds the job. Returns the state the
    /// job is now in (`None`: the lease was lost and someone else owns the job).
    async fn settle(
        &self,
        job: &Job,
        outcome: &std::result::Result<(), String>,
    ) -> Result<Option<String>> {
        let (state, delay_ms, error) = match outcome {
            Ok(()) => ("done", 0, None),
            Err(e) if job.attempts >= job.max_attempts => ("dead", 0, Some(e.clone())),
            Err(e) => {
                let delay = backoff(&self.jobs_queue().settings, job.attempts);
                (
                    "ready",
                    i64::try_from(delay.as_millis()).unwrap_or(i64::MAX),
                    Some(e.clone()),
                )
            }
        };
        let mut res = self
            .database()
            .client()
            .query(
                "UPDATE type::record('job', $id) SET state = $state, lease_until = NONE, \
                   last_error = $error, \
                   payload = IF $state = 'done' { '' } ELSE { payload }, \
                   run_at = IF $state = 'ready' { time::now() + <duration> string::concat(<string> $delay_ms, 'ms') } ELSE { run_at }, \
                   finished_at = IF $state = 'ready' { NONE } ELSE { time::now() } \
                 WHERE state = 'running' AND worker = $worker RETURN VALUE state",
            )
            .bind(("id", job.id.clone()))
            .bind(("state", state))
            .bind(("delay_ms", delay_ms))
            .bind(("error", error))
            .bind(("worker", self.worker_id()))
            .await?
            .check()?;
        let states: Vec<String> = res.take(0)?;
        Ok(states.into_iter().next())
    }

    /// Jobs by kind and state (`ready` counts only due ones; `scheduled` the later ones).
    pub async fn job_counts(&self) -> Result<QueueCounts> {
        self.count_jobs(true).await
    }

    /// Counts by kind and state, finished (`done`) jobs left out: what the metrics sweep reads
    /// every 5 s on every instance. It reads the open states through the `job_finished` index
    /// (state first); grouping the whole table read every finished job kept for a week
    /// (97 ms with 20,000 of them, against 1.1 ms).
    async fn open_job_counts(&self) -> Result<QueueCounts> {
        self.count_jobs(false).await
    }

    async fn count_jobs(&self, with_done: bool) -> Result<QueueCounts> {
        #[derive(SurrealValue)]
        struct Count {
            kind: String,
            state: String,
            n: i64,
        }
        // One statement either way: a job moving from `running` to `done` between two
        // statements would be counted twice or not at all.
        let filter = if with_done {
            ""
        } else {
            "WHERE state IN ['ready', 'running', 'dead']"
        };
        let mut res = self
            .database()
            .client()
            // A ready job not due yet (a reminder next week) is `scheduled`, not backlog.
            .query(format!(
                "SELECT kind, IF state = 'ready' AND run_at > time::now() {{ 'scheduled' }} ELSE {{ state }} AS state, \
                 count() AS n FROM job {filter} GROUP BY kind, state"
            ))
            .await?
            .check()?;
        let rows: Vec<Count> = res.take(0)?;
        Ok(QueueCounts {
            by_kind_state: rows.into_iter().map(|r| ((r.kind, r.state), r.n)).collect(),
        })
    }

    /// Jobs in a state (`dead`, `ready`, …), oldest first, at most `limit`.
    pub async fn jobs_in_state(&self, state: &str, limit: usize) -> Result<Vec<JobRow>> {
        let mut res = self
            .database()
            .client()
            .query(
                "SELECT record::id(id) AS id, kind, state, attempts, max_attempts, <string> run_at AS run_at, \
                 last_error, <string> created_at AS created_at, subject FROM job WHERE state = $state \
                 ORDER BY created_at LIMIT $limit",
            )
            .bind(("state", state.to_owned()))
            .bind(("limit", limit as i64))
            .await?
            .check()?;
        Ok(res.take(0)?)
    }

    /// Puts a dead job back in the queue with fresh attempts. False when no dead job has `id`.
    pub async fn retry_job(&self, id: &str) -> Result<bool> {
        let mut res = self
            .database()
            .client()
            .query(
                "UPDATE type::record('job', $id) SET state = 'ready', attempts = 0, run_at = time::now(), \
                 finished_at = NONE WHERE state = 'dead' RETURN VALUE record::id(id)",
            )
            .bind(("id", id.to_owned()))
            .await?
            .check()?;
        let ids: Vec<String> = res.take(0)?;
        self.jobs_queue().wake();
        Ok(!ids.is_empty())
    }

    /// Makes a waiting (scheduled or backing-off) job due now. False when no ready job has `id`.
    pub async fn run_job_now(&self, id: &str) -> Result<bool> {
        let mut res = self
            .database()
            .client()
            .query(
                "UPDATE type::record('job', $id) SET run_at = time::now() WHERE state = 'ready' \
                 RETURN VALUE record::id(id)",
            )
            .bind(("id", id.to_owned()))
            .await?
            .check()?;
        let ids: Vec<String> = res.take(0)?;
        self.jobs_queue().wake();
        Ok(!ids.is_empty())
    }

    /// Deletes a dead job. False when no dead job has `id`.
    pub async fn discard_job(&self, id: &str) -> Result<bool> {
        let mut res = self
            .database()
            .client()
            .query("DELETE type::record('job', $id) WHERE state = 'dead' RETURN BEFORE")
            .bind(("id", id.to_owned()))
            .await?
            .check()?;
        let gone: Vec<serde_json::Value> = res.take(0)?;
        Ok(!gone.is_empty())
    }

    fn worker_id(&self) -> String {
        self.jobs_queue().worker.clone()
    }

    /// Runs one job's handler.
    async fn run(&self, job: &Job) -> std::result::Result<(), String> {
        match job.kind.as_str() {
            "email" => {
                let message: crate::mail::Message =
                    serde_json::from_str(&job.payload).map_err(|e| format!("bad payload: {e}"))?;
                self.mailer()
                    .deliver(&job.created_at, &job.id, &message)
                    .await
            }
            "webhook" => self.deliver_webhook(&job.id, &job.payload).await,
            "reminder" => self.run_reminder(&job.id, &job.payload).await,
            "digest" => self.run_digest(&job.id, &job.payload).await,
            other => Err(format!("no handler for job kind {other:?}")),
        }
    }

    /// Claims what is due of every kind and runs it, each job in its own task holding its
    /// kind's permit. Returns how many jobs were started.
    async fn work_once(&self) -> Result<usize> {
        let mut started = 0;
        let mut wants = Vec::new();
        let mut limits = Vec::new();
        for kind in kinds::ALL {
            let Some(limit) = self.jobs_queue().limits.get(kind.name).cloned() else {
                continue;
            };
            let free = limit.available_permits().min(CLAIM_BATCH);
            if free > 0 {
                wants.push((kind.name, free));
                limits.push(limit);
            }
        }
        let claimed = self.claim(&wants).await?;
        for (jobs, limit) in claimed.into_iter().zip(limits) {
            for job in jobs {
                let Ok(permit) = limit.clone().try_acquire_owned() else {
                    break;
                };
                started += 1;
                let services = self.clone();
                tokio::spawn(async move {
                    services.attempt(job).await;
                    drop(permit);
                });
            }
        }
        Ok(started)
    }

    /// One attempt: runs the handler while keeping the lease, then records the outcome.
    async fn attempt(&self, job: Job) {
        let metrics = self.metrics().clone();
        let started = Instant::now();
        let heartbeat = self.jobs_queue().settings.lease / 3;
        let run = self.run(&job);
        tokio::pin!(run);
        let outcome = loop {
            tokio::select! {
                outcome = &mut run => break outcome,
                _ = tokio::time::sleep(heartbeat) => match self.extend_lease(&job.id).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(job = %job.id, kind = %job.kind, "job: lease lost; another worker has it");
                        return;
                    }
                    Err(e) => tracing::warn!(job = %job.id, error = %e.chain(), "job: could not extend the lease"),
                },
            }
        };
        metrics
            .job_duration
            .with_label_values(&[job.kind.as_str()])
            .observe(started.elapsed().as_secs_f64());
        if let Err(e) = &outcome {
            metrics
                .jobs_failed
                .with_label_values(&[job.kind.as_str()])
                .inc();
            tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %e, "job attempt failed");
        }
        match self.settle(&job, &outcome).await {
            Ok(Some(state)) if state == "dead" => {
                metrics
                    .jobs_dead_letter
                    .with_label_values(&[job.kind.as_str()])
                    .inc();
                tracing::error!(job = %job.id, kind = %job.kind, attempts = job.attempts, error = outcome.err().unwrap_or_default(), "job dead-lettered after its last attempt");
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                tracing::warn!(job = %job.id, "job: finished after its lease was taken over")
            }
            Err(e) => {
                tracing::error!(job = %job.id, error = %e.chain(), "job: could not record the outcome (it runs again after its lease)")
            }
        }
    }

    /// Samples queue depth and dead letters into the metrics, and deletes old finished jobs.
    async fn sweep_jobs(&self) -> Result<()> {
        let counts = self.open_job_counts().await?;
        let metrics = self.metrics();
        for kind in kinds::ALL {
            metrics
                .jobs_queue_depth
                .with_label_values(&[kind.name])
                .set(counts.get(kind.name, "ready"));
            metrics
                .jobs_dead_letters
                .with_label_values(&[kind.name])
                .set(counts.get(kind.name, "dead"));
        }
        let keep_ms =
            i64::try_from(self.jobs_queue().settings.keep_done.as_millis()).unwrap_or(i64::MAX);
        self.database()
            .client()
            .query(
                // The cutoff is worked out first: SurrealDB 3.3.5 only plans an index range on
                // job_finished when the bound is a value or a parameter, and scans the whole
                // job table when it is an expression over a bound value (43 ms for 1,000 jobs,
                // every 5 s on every instance, against 1 ms).
                "LET $cutoff = time::now() - <duration> string::concat(<string> $keep_ms, 'ms');\
                 DELETE job WHERE state = 'done' AND finished_at < $cutoff;",
            )
            .bind(("keep_ms", keep_ms))
            .await?
            .check()?;
        Ok(())
    }
}

/// Starts this instance's worker (every instance runs one).
pub(crate) fn spawn(services: &Services) {
    services
        .metrics()
        .declare_job_kinds(&kinds::ALL.iter().map(|k| k.name).collect::<Vec<_>>());
    if services.jobs_queue().settings.workers {
        tokio::spawn(worker_loop(Arc::downgrade(services.inner())));
    }
}

async fn worker_loop(weak: Weak<Inner>) {
    let mut last_sweep: Option<Instant> = None;
    let mut failures: u32 = 0;
    loop {
        let pause = {
            let Some(services) = Services::upgrade(&weak) else {
                return;
            };
            if services.lifecycle().is_draining() {
                // Running attempts finish (or their lease lapses); nothing new starts here.
                return;
            }
            if last_sweep.is_none_or(|t| t.elapsed() >= Duration::from_secs(5)) {
                if let Err(e) = services.sweep_jobs().await {
                    tracing::warn!(error = %e.chain(), "jobs: sweep failed");
                }
                last_sweep = Some(Instant::now());
            }
            let poll = services.jobs_queue().settings.poll;
            match services.work_once().await {
                Ok(started) => {
                    failures = 0;
                    if started > 0 {
                        continue;
                    }
                    poll
                }
                Err(e) => {
                    failures += 1;
                    if failures == 1 || failures.is_multiple_of(30) {
                        tracing::warn!(error = %e.chain(), failures, "jobs: claiming failed; retrying");
                    }
                    poll.max(Duration::from_millis(500))
                }
            }
        };
        // Wait for the poll interval or a local enqueue, without keeping Services alive.
        let Some(services) = Services::upgrade(&weak) else {
            return;
        };
        let queue_wake = services.jobs_queue().wake.clone();
        drop(services);
        tokio::select! {
            _ = queue_wake.notified() => {}
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::mail::Message;

    fn quick() -> JobSettings {
        JobSettings {
            lease: Duration::from_millis(400),
            backoff_base: Duration::from_millis(10),
            backoff_max: Duration::from_millis(200),
            poll: Duration::from_millis(20),
            keep_done: Duration::from_secs(3600),
            workers: true,
        }
    }

    fn mail(to: &str) -> Message {
        Message {
            to: to.into(),
            subject: "Hello".into(),
            body: "Hi".into(),
            html: None,
            kind: "greeting".into(),
        }
    }

    async fn until<F, Fut>(what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let start = Instant::now();
        while !check().await {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out: {what}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn mails(dir: &std::path::Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".eml"))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Services whose worker does not run: the test calls the queue's parts itself.
    async fn without_worker() -> Services {
        crate::services::test_services(
            JobSettings {
                workers: false,
                ..quick()
            },
            None,
        )
        .await
    }

    fn scratch() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("tm-jobs-{:08x}", rand::random::<u32>()))
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_its_cap() {
        let s = JobSettings {
            backoff_base: Duration::from_secs(5),
            backoff_max: Duration::from_secs(60),
            ..JobSettings::default()
        };
        for (attempts, base) in [(1, 5), (2, 10), (3, 20), (4, 40), (5, 60), (40, 60)] {
            let d = backoff(&s, attempts);
            let base = Duration::from_secs(base);
            assert!(
                d >= base && d <= base.mul_f64(1.5),
                "attempt {attempts}: {d:?}"
            );
        }
    }

    #[tokio::test]
    async fn a_job_exists_only_if_its_transaction_commits_and_then_is_delivered_once() {
        let outbox = scratch();
        let s = crate::services::test_services(quick(), Some(outbox.clone())).await;
        let job = mail("rolled@back.test").job();
        let query = s.database().client().query(format!(
            "BEGIN TRANSACTION; {} THROW 'tm:changed my mind'; COMMIT TRANSACTION;",
            NewJob::statement(0)
        ));
        let res = job.bind(0, query).await;
        assert!(res.is_err() || res.unwrap().check().is_err());
        assert_eq!(s.job_counts().await.unwrap(), QueueCounts::default());

        s.enqueue(&[mail("kept@commit.test").job()]).await.unwrap();
        until("the mail is delivered", || async {
            s.job_counts().await.unwrap().get("email", "done") == 1
        })
        .await;
        let delivered = mails(&outbox);
        assert_eq!(delivered.len(), 1, "{delivered:?}");
        let text = std::fs::read_to_string(outbox.join(&delivered[0])).unwrap();
        assert!(text.contains("To: kept@commit.test"), "{text}");
        assert!(text.contains("Message-ID: <"), "{text}");
        // A delivered job keeps no payload (a mail may carry a sign-in link).
        let mut res = s
            .database()
            .client()
            .query("SELECT VALUE payload FROM job")
            .await
            .unwrap();
        let payloads: Vec<String> = res.take(0).unwrap();
        assert_eq!(payloads, vec![String::new()]);
    }

    #[tokio::test]
    async fn a_key_enqueues_a_job_once() {
        let s = crate::services::test_services(quick(), None).await;
        let mut job = mail("once@example.test").job();
        job.key = Some("reminder:task1:2026-12-01".into());
        job.run_at = Some(chrono::Utc::now() + chrono::Duration::hours(1));
        s.enqueue(std::slice::from_ref(&job)).await.unwrap();
        s.enqueue(std::slice::from_ref(&job)).await.unwrap();
        let counts = s.job_counts().await.unwrap();
        // Scheduled for later: counted apart from the due backlog, and not run yet.
        assert_eq!(counts.get("email", "scheduled"), 1, "{counts:?}");
        assert_eq!(counts.get("email", "ready"), 0, "{counts:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(s.job_counts().await.unwrap().get("email", "scheduled"), 1);
    }

    #[tokio::test]
    async fn a_failing_job_backs_off_then_is_dead_lettered_and_an_operator_retry_delivers_it() {
        let dir = scratch();
        std::fs::create_dir_all(&dir).unwrap();
        // The outbox path is a file: every delivery fails, like an SMTP server refusing mail.
        let outbox = dir.join("outbox");
        std::fs::write(&outbox, "not a directory").unwrap();
        let s = crate::services::test_services(quick(), Some(outbox.clone())).await;
        s.enqueue(&[mail("later@example.test").job()])
            .await
            .unwrap();
        until("the job is dead-lettered", || async {
            s.job_counts().await.unwrap().get("email", "dead") == 1
        })
        .await;
        let dead = s.jobs_in_state("dead", 10).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].attempts, kinds::EMAIL.max_attempts);
        assert!(
            dead[0].last_error.as_deref().unwrap_or("").len() > 3,
            "{dead:?}"
        );
        let metrics = s.metrics().render();
        for series in [
            format!(
                "taskmanager_jobs_failed_total{{kind=\"email\"}} {}",
                kinds::EMAIL.max_attempts
            ),
            "taskmanager_jobs_dead_letter_total{kind=\"email\"} 1".to_owned(),
        ] {
            assert!(metrics.contains(&series), "missing {series} in\n{metrics}");
        }

        // The cause is fixed; the operator retries: delivered once.
        std::fs::remove_file(&outbox).unwrap();
        assert!(s.retry_job(&dead[0].id).await.unwrap());
        assert!(
            !s.retry_job(&dead[0].id).await.unwrap(),
            "only dead jobs are retried"
        );
        until("the retried job is delivered", || async {
            s.job_counts().await.unwrap().get("email", "done") == 1
        })
        .await;
        assert_eq!(mails(&outbox).len(), 1);
    }

    #[tokio::test]
    async fn the_sweep_deletes_finished_jobs_older_than_kept_and_nothing_else() {
        // No worker: the sweep is called directly and nothing else touches the jobs.
        let s = without_worker().await;
        s.database()
            .client()
            .query(
                "CREATE job:old_done SET kind = 'email', payload = '{}', state = 'done', attempts = 1, max_attempts = 8, \
                   run_at = time::now() - 2h, finished_at = time::now() - 2h;\
                 CREATE job:new_done SET kind = 'email', payload = '{}', state = 'done', attempts = 1, max_attempts = 8, \
                   run_at = time::now() - 30m, finished_at = time::now() - 30m;\
                 CREATE job:old_dead SET kind = 'email', payload = '{}', state = 'dead', attempts = 8, max_attempts = 8, \
                   run_at = time::now() - 2h, finished_at = time::now() - 2h;\
                 CREATE job:later SET kind = 'email', payload = '{}', state = 'ready', attempts = 0, max_attempts = 8, \
                   run_at = time::now() + 1d;",
            )
            .await
            .unwrap()
            .check()
            .unwrap();
        s.sweep_jobs().await.unwrap();
        let mut res = s
            .database()
            .client()
            .query("SELECT VALUE record::id(id) FROM job ORDER BY id")
            .await
            .unwrap();
        let left: Vec<String> = res.take(0).unwrap();
        // Kept for an hour (`quick`): only the finished job from two hours ago goes; a dead
        // letter waits for an operator whatever its age.
        assert_eq!(left, ["later", "new_done", "old_dead"]);
    }

    #[tokio::test]
    async fn one_claim_takes_due_jobs_of_each_kind_up_to_its_limit_and_nothing_else() {
        // No worker: the claim is called directly and nothing else touches the jobs.
        let s = without_worker().await;
        let job = |id: &str, kind: &str, state: &str, extra: &str| {
            format!(
                "CREATE job:{id} SET kind = '{kind}', payload = '{{}}', state = '{state}', attempts = 0, \
                 max_attempts = 8, {extra};"
            )
        };
        let text = [
            job("e1", "email", "ready", "run_at = time::now() - 3m"),
            job("e2", "email", "ready", "run_at = time::now() - 2m"),
            job("e3", "email", "ready", "run_at = time::now() - 1m"),
            job("e_later", "email", "ready", "run_at = time::now() + 1d"),
            job(
                "e_done",
                "email",
                "done",
                "run_at = time::now() - 1h, finished_at = time::now() - 1h",
            ),
            job(
                "e_held",
                "email",
                "running",
                "run_at = time::now() - 1h, worker = 'other/0', lease_until = time::now() + 1h",
            ),
            job(
                "w_lapsed",
                "webhook",
                "running",
                "run_at = time::now() - 1h, worker = 'ghost/0', lease_until = time::now() - 1s",
            ),
            job(
                "w_dead",
                "webhook",
                "dead",
                "run_at = time::now() - 1h, finished_at = time::now() - 1h",
            ),
            job("r1", "reminder", "ready", "run_at = time::now() - 1m"),
        ]
        .concat();
        s.database()
            .client()
            .query(text)
            .await
            .unwrap()
            .check()
            .unwrap();

        let claimed = s
            .claim(&[("email", 2), ("webhook", 16), ("reminder", 16)])
            .await
            .unwrap();
        let ids = |jobs: &[Job]| jobs.iter().map(|j| j.id.clone()).collect::<Vec<_>>();
        // The oldest due first, up to the limit; not the scheduled, finished or held ones.
        assert_eq!(ids(&claimed[0]), ["e1", "e2"]);
        // A lapsed lease is taken over (a second attempt); a dead letter is left alone.
        assert_eq!(ids(&claimed[1]), ["w_lapsed"]);
        assert_eq!(claimed[1][0].attempts, 1);
        assert_eq!(ids(&claimed[2]), ["r1"]);
        // Claimed jobs are held: the next claim finds only what is left.
        let again = s.claim(&[("email", 16), ("webhook", 16)]).await.unwrap();
        assert_eq!(ids(&again[0]), ["e3"]);
        assert!(again[1].is_empty(), "{:?}", ids(&again[1]));

        // The metrics' counts leave finished jobs out; the operator's include them.
        let open = s.open_job_counts().await.unwrap();
        assert_eq!(open.get("email", "done"), 0, "{open:?}");
        assert_eq!(open.get("email", "running"), 4, "{open:?}");
        assert_eq!(open.get("email", "scheduled"), 1, "{open:?}");
        assert_eq!(open.get("webhook", "dead"), 1, "{open:?}");
        let all = s.job_counts().await.unwrap();
        assert_eq!(all.get("email", "done"), 1, "{all:?}");
        assert_eq!(
            all.by_kind_state
                .iter()
                .filter(|(k, _)| k.1 != "done")
                .count(),
            open.by_kind_state.len(),
            "{all:?}"
        );
    }

    #[tokio::test]
    async fn a_job_whose_worker_died_is_taken_over_after_its_lease_and_runs_once() {
        let outbox = scratch();
        let s = crate::services::test_services(quick(), Some(outbox.clone())).await;
        // Claimed by a worker that died mid-job: its lease ran out a moment ago.
        s.database()
            .client()
            .query(
                "CREATE job:orphan SET kind = 'email', payload = $payload, state = 'running', attempts = 1, \
                 max_attempts = 8, run_at = time::now() - 1m, worker = 'ghost/0', lease_until = time::now() - 1s",
            )
            .bind((
                "payload",
                serde_json::to_string(&mail("orphan@example.test")).unwrap(),
            ))
            .await
            .unwrap()
            .check()
            .unwrap();
        until("the orphan is delivered", || async {
            s.job_counts().await.unwrap().get("email", "done") == 1
        })
        .await;
        assert_eq!(mails(&outbox).len(), 1);
        let mut res = s
            .database()
            .client()
            .query("SELECT VALUE attempts FROM job:orphan")
            .await
            .unwrap();
        let attempts: Vec<i64> = res.take(0).unwrap();
        assert_eq!(attempts, vec![2]);
    }
}
