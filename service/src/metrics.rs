//! The process's Prometheus metrics: the catalogue the alert rules and dashboards of
//! `deploy/` are written against (names, labels and buckets must stay in step with
//! `deploy/prometheus/testdata/exposition.txt`; `scripts/check_ops.sh` checks a live scrape).
//!
//! One registry per [`crate::Services`], so two instances in one test process keep their own
//! figures. Labels are bounded: routes are matched templates, database and Redis operations a
//! fixed set of verbs, rate-limit scopes and job kinds constants of the code.

use std::sync::Arc;
use std::time::Duration;

use prometheus::core::{AtomicU64, GenericCounter};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

/// Request durations: fine below 100 ms (where we live), and enough steps around 500 ms to
/// resolve the latency alert's p95 threshold.
pub const HTTP_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0,
];
/// Database, Redis and fan-out: round trips of a fraction of a millisecond to seconds.
const BACKEND_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
/// Realtime fan-out: fine around its 15 ms objective (issue #5).
const FANOUT_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0,
];
/// Jobs: an email or a webhook takes from milliseconds to its timeout.
const JOB_BUCKETS: &[f64] = &[0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

/// Cheap to clone: every clone records into the same registry.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

pub struct Inner {
    registry: Registry,
    /// By method, matched route template and status class (`2xx`…).
    pub http_requests: IntCounterVec,
    /// By method and matched route template.
    pub http_duration: HistogramVec,
    pub http_in_flight: IntGauge,
    pub ws_connections: IntGauge,
    /// Bytes the process allocated and has not freed (set by the binary on each scrape).
    pub heap_live_bytes: IntGauge,
    pub ws_subscriptions: IntGauge,
    pub ws_events_sent: IntCounter,
    pub ws_events_dropped: IntCounter,
    /// From the commit of a change to its event being queued on a socket.
    pub ws_fanout_lag: Histogram,
    pub jobs_queue_depth: IntGaugeVec,
    pub job_duration: HistogramVec,
    pub jobs_failed: IntCounterVec,
    pub jobs_dead_letter: IntCounterVec,
    pub jobs_dead_letters: IntGaugeVec,
    /// By operation: the statement's verb, or `transaction`.
    pub db_duration: HistogramVec,
    pub db_errors: IntCounterVec,
    /// By command.
    pub redis_duration: HistogramVec,
    pub redis_errors: IntCounterVec,
    /// By scope (`login`, `api`, …).
    pub ratelimit_rejections: IntCounterVec,
    pub ratelimit_redis_failures: IntCounter,
    pub realtime_redis_subscribes: IntCounter,
    /// By result (`hit`, `miss`).
    pub shared_cache_requests: IntCounterVec,
    pub ready: IntGauge,
    pub draining: IntGauge,
    pub memory_limit: IntGauge,
    build_info: IntGaugeVec,
}

impl std::ops::Deref for Metrics {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let r = &registry;
        let inner = Inner {
            http_requests: counter_vec(
                r,
                "taskmanager_http_requests_total",
                "HTTP requests answered, by method, matched route template and status class.",
                &["method", "route", "status"],
            ),
            http_duration: histogram_vec(
                r,
                "taskmanager_http_request_duration_seconds",
                "HTTP request duration in seconds, by method and matched route template.",
                &["method", "route"],
                HTTP_BUCKETS,
            ),
            http_in_flight: gauge(
                r,
                "taskmanager_http_requests_in_flight",
                "Requests being handled, probes excluded.",
            ),
            ws_connections: gauge(r, "taskmanager_ws_connections", "Open websockets."),
            heap_live_bytes: gauge(
                r,
                "taskmanager_heap_live_bytes",
                "Bytes allocated and not yet freed (the live heap; RSS adds what the allocator keeps).",
            ),
            ws_subscriptions: gauge(
                r,
                "taskmanager_ws_subscriptions",
                "Workspace subscriptions of the open websockets.",
            ),
            ws_events_sent: counter(
                r,
                "taskmanager_ws_events_sent_total",
                "Workspace events queued on websockets.",
            ),
            ws_events_dropped: counter(
                r,
                "taskmanager_ws_events_dropped_total",
                "Events not delivered because a socket's queue was full (the client resumes from its version).",
            ),
            ws_fanout_lag: histogram(
                r,
                "taskmanager_ws_fanout_lag_seconds",
                "From a change's commit (on any instance) to its event being queued on a socket here.",
                FANOUT_BUCKETS,
            ),
            jobs_queue_depth: gauge_vec(
                r,
                "taskmanager_jobs_queue_depth",
                "Jobs waiting to run, by kind.",
                &["kind"],
            ),
            job_duration: histogram_vec(
                r,
                "taskmanager_job_duration_seconds",
                "Job run time in seconds, by kind.",
                &["kind"],
                JOB_BUCKETS,
            ),
            jobs_failed: counter_vec(
                r,
                "taskmanager_jobs_failed_total",
                "Job attempts that failed (and will be retried or dead-lettered), by kind.",
                &["kind"],
            ),
            jobs_dead_letter: counter_vec(
                r,
                "taskmanager_jobs_dead_letter_total",
                "Jobs moved to the dead letters after their last attempt, by kind.",
                &["kind"],
            ),
            jobs_dead_letters: gauge_vec(
                r,
                "taskmanager_jobs_dead_letters",
                "Jobs in the dead letters now, by kind.",
                &["kind"],
            ),
            db_duration: histogram_vec(
                r,
                "taskmanager_db_query_duration_seconds",
                "Database round trips in seconds, by operation (first statement's verb, or transaction).",
                &["op"],
                BACKEND_BUCKETS,
            ),
            db_errors: counter_vec(
                r,
                "taskmanager_db_errors_total",
                "Database round trips that failed (connection, protocol or engine), by operation.",
                &["op"],
            ),
            redis_duration: histogram_vec(
                r,
                "taskmanager_redis_command_duration_seconds",
                "Redis commands in seconds, by command.",
                &["op"],
                BACKEND_BUCKETS,
            ),
            redis_errors: counter_vec(
                r,
                "taskmanager_redis_errors_total",
                "Redis commands that failed, by command.",
                &["op"],
            ),
            ratelimit_rejections: counter_vec(
                r,
                "taskmanager_ratelimit_rejections_total",
                "Requests refused by a rate limit, by scope.",
                &["scope"],
            ),
            ratelimit_redis_failures: counter(
                r,
                "taskmanager_ratelimit_redis_failures_total",
                "Rate-limit checks that fell back to this instance's counters because Redis failed.",
            ),
            realtime_redis_subscribes: counter(
                r,
                "taskmanager_realtime_redis_subscribes_total",
                "Subscriptions to the Redis notice channel (more than one: it was lost and made again).",
            ),
            shared_cache_requests: counter_vec(
                r,
                "taskmanager_shared_cache_requests_total",
                "Reads of the Redis-shared cache by result.",
                &["result"],
            ),
            ready: gauge(
                r,
                "taskmanager_ready",
                "1 when the instance is ready to serve (database reachable, not draining).",
            ),
            draining: gauge(
                r,
                "taskmanager_draining",
                "1 while the instance drains for shutdown.",
            ),
            memory_limit: gauge(
                r,
                "taskmanager_memory_limit_bytes",
                "The memory this process may use: its cgroup's limit, else the machine's memory.",
            ),
            build_info: gauge_vec(
                r,
                "taskmanager_build_info",
                "Build and instance of this process (always 1).",
                &["version", "git_sha", "instance"],
            ),
            registry,
        };
        // Error counters exist from the start, at zero, for every operation (a bounded set):
        // an error ratio must read 0, not "no data", before the first error.
        for result in ["hit", "miss"] {
            inner.shared_cache_requests.with_label_values(&[result]);
        }
        for op in DB_OPS.iter().chain(["transaction", "other"].iter()) {
            inner.db_errors.with_label_values(&[*op]);
        }
        for op in REDIS_OPS.iter().chain(["pipeline", "other"].iter()) {
            inner.redis_errors.with_label_values(&[*op]);
        }
        #[cfg(target_os = "linux")]
        {
            let process = prometheus::process_collector::ProcessCollector::for_self();
            if let Err(e) = inner.registry.register(Box::new(process)) {
                tracing::warn!(error = %e, "process metrics unavailable");
            }
        }
        inner.memory_limit.set(memory_limit().unwrap_or(0));
        Self(Arc::new(inner))
    }

    /// Names this build and instance in `taskmanager_build_info`.
    pub fn set_build(&self, version: &str, git_sha: &str, instance: &str) {
        self.build_info.reset();
        self.build_info
            .with_label_values(&[version, git_sha, instance])
            .set(1);
    }

    /// Declares the job kinds, so their series exist (at zero) before the first job.
    pub fn declare_job_kinds(&self, kinds: &[&str]) {
        for kind in kinds {
            self.jobs_queue_depth.with_label_values(&[*kind]);
            self.job_duration.with_label_values(&[*kind]);
            self.jobs_failed.with_label_values(&[*kind]);
            self.jobs_dead_letter.with_label_values(&[*kind]);
            self.jobs_dead_letters.with_label_values(&[*kind]);
        }
    }

    /// Records one database round trip.
    pub fn db_call(&self, op: &str, took: Duration, failed: bool) {
        self.db_duration
            .with_label_values(&[op])
            .observe(took.as_secs_f64());
        if failed {
            self.db_errors.with_label_values(&[op]).inc();
        }
    }

    /// Records one Redis command.
    pub fn redis_call(&self, op: &str, took: Duration, failed: bool) {
        self.redis_duration
            .with_label_values(&[op])
            .observe(took.as_secs_f64());
        if failed {
            self.redis_errors.with_label_values(&[op]).inc();
        }
    }

    /// The exposition in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut out = Vec::with_capacity(16 * 1024);
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "cannot encode the metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Brings a counter up to a total kept elsewhere (a monotonic count read at scrape time).
pub fn catch_up(counter: &GenericCounter<AtomicU64>, total: u64) {
    let now = counter.get();
    if total > now {
        counter.inc_by(total - now);
    }
}

/// Statement verbs that name a database operation (besides `transaction` and `other`).
const DB_OPS: &[&str] = &[
    "select", "create", "update", "upsert", "delete", "insert", "relate", "let", "if", "return",
    "define", "remove", "info", "live", "kill",
];
/// Redis commands that name an operation (besides `pipeline` and `other`).
const REDIS_OPS: &[&str] = &[
    "get",
    "set",
    "del",
    "publish",
    "evalsha",
    "eval",
    "script",
    "zadd",
    "zrem",
    "zrangebyscore",
    "zremrangebyscore",
    "expire",
    "ping",
    "incr",
    "flushall",
];

/// The verb of a SurrealQL text, for the `op` label: `transaction` when it opens one, else its
/// first keyword among a fixed set, else `other` (bounded, whatever the text).
pub fn db_op(sql: &str) -> &'static str {
    let word = sql
        .trim_start()
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    if word.eq_ignore_ascii_case("begin") {
        return "transaction";
    }
    DB_OPS
        .iter()
        .find(|v| word.eq_ignore_ascii_case(v))
        .copied()
        .unwrap_or("other")
}

/// The command name of a packed Redis command, for the `op` label (bounded).
pub fn redis_op(name: &[u8]) -> &'static str {
    REDIS_OPS
        .iter()
        .find(|c| name.eq_ignore_ascii_case(c.as_bytes()))
        .copied()
        .unwrap_or("other")
}

/// This process's memory limit in bytes: cgroup v2 `memory.max`, cgroup v1, else MemTotal.
fn memory_limit() -> Option<i64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let parse = |s: String| s.trim().parse::<i64>().ok();
    // A limit of "max" (v2) or a near-infinite number (v1) means none: use the machine's.
    let machine = read("/proc/meminfo").and_then(|m| {
        m.lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<i64>().ok())
            .map(|kib| kib * 1024)
    });
    let cgroup = read("/sys/fs/cgroup/memory.max")
        .and_then(parse)
        .or_else(|| read("/sys/fs/cgroup/memory/memory.limit_in_bytes").and_then(parse));
    match (cgroup, machine) {
        (Some(c), Some(m)) if c < m => Some(c),
        (Some(c), None) => Some(c),
        (_, m) => m,
    }
}

fn counter(r: &Registry, name: &str, help: &str) -> IntCounter {
    register(r, IntCounter::new(name, help))
}

fn counter_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    register(r, IntCounterVec::new(Opts::new(name, help), labels))
}

fn gauge(r: &Registry, name: &str, help: &str) -> IntGauge {
    register(r, IntGauge::new(name, help))
}

fn gauge_vec(r: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    register(r, IntGaugeVec::new(Opts::new(name, help), labels))
}

fn histogram(r: &Registry, name: &str, help: &str, buckets: &[f64]) -> Histogram {
    register(
        r,
        Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets.to_vec())),
    )
}

fn histogram_vec(
    r: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
    buckets: &[f64],
) -> HistogramVec {
    register(
        r,
        HistogramVec::new(
            HistogramOpts::new(name, help).buckets(buckets.to_vec()),
            labels,
        ),
    )
}

/// Every name and label set here is a constant of this file, so creating or registering a
/// metric cannot fail unless this file is wrong — which the unit tests below catch.
#[allow(clippy::expect_used)]
fn register<M>(r: &Registry, metric: prometheus::Result<M>) -> M
where
    M: prometheus::core::Collector + Clone + 'static,
{
    let metric = metric.expect("a valid metric definition");
    r.register(Box::new(metric.clone()))
        .expect("a metric name registered once");
    metric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_renders_with_its_buckets_and_zeroed_families() {
        let m = Metrics::new();
        m.set_build("1.2.3", "abc1234", "app-1");
        m.declare_job_kinds(&["email"]);
        m.http_duration
            .with_label_values(&["GET", "/api/v1/tasks/{id}"])
            .observe(0.45);
        let text = m.render();
        for needle in [
            "taskmanager_build_info{git_sha=\"abc1234\",instance=\"app-1\",version=\"1.2.3\"} 1",
            "taskmanager_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/tasks/{id}\",le=\"0.4\"} 0",
            "taskmanager_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/tasks/{id}\",le=\"0.5\"} 1",
            "taskmanager_jobs_queue_depth{kind=\"email\"} 0",
            "taskmanager_shared_cache_requests_total{result=\"miss\"} 0",
            "taskmanager_ws_connections 0",
            "taskmanager_db_errors_total{op=\"transaction\"} 0",
            "taskmanager_redis_errors_total{op=\"evalsha\"} 0",
        ] {
            assert!(text.contains(needle), "missing {needle} in\n{text}");
        }
        #[cfg(target_os = "linux")]
        assert!(text.contains("process_resident_memory_bytes"), "{text}");
        assert!(text.contains("taskmanager_memory_limit_bytes "));
        assert!(!text.contains("taskmanager_memory_limit_bytes 0\n"));
    }

    #[test]
    fn operation_labels_are_a_bounded_set() {
        assert_eq!(db_op("BEGIN TRANSACTION; UPDATE x"), "transaction");
        assert_eq!(db_op("  select * from task"), "select");
        assert_eq!(db_op("UPDATE type::record('task', $id)"), "update");
        assert_eq!(db_op("DROP EVERYTHING"), "other");
        assert_eq!(db_op(""), "other");
        assert_eq!(redis_op(b"EVALSHA"), "evalsha");
        assert_eq!(redis_op(b"ZADD"), "zadd");
        assert_eq!(redis_op(b"HSET"), "other");
    }

    #[test]
    fn a_counter_catches_up_with_a_total_and_never_goes_back() {
        let m = Metrics::new();
        catch_up(&m.ratelimit_redis_failures, 3);
        catch_up(&m.ratelimit_redis_failures, 2);
        assert_eq!(m.ratelimit_redis_failures.get(), 3);
    }
}
