//! Typed settings, read once at start-up: defaults, then an optional TOML file, then `TM_*`
//! environment variables (the environment wins). Only this module reads the environment.
//!
//! A missing or malformed value stops the process with a message naming the variable.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use service::{DatabaseSettings, RedisSettings, Secret, ServicesSettings};

/// Everything the process needs, parsed and checked.
#[derive(Clone, Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub public_url: String,
    pub database: DatabaseSettings,
    pub redis: Option<RedisSettings>,
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub drain_seconds: u64,
    /// Pacing of the background job queue.
    pub jobs: service::jobs::JobSettings,
    /// TM_WEBHOOK_ALLOW_PRIVATE.
    pub webhooks_allow_private: bool,
    /// `None` until [`Settings::resolve_secret_key`] ran when not given explicitly.
    pub secret_key: Option<Secret>,
    pub instance_id: String,
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    pub max_body_bytes: usize,
    /// Whether TM_PUBLIC_URL was given; when not, it follows the bound address (port 0 in tests).
    pub public_url_explicit: bool,
    pub previous_secret_key: Option<Secret>,
    pub hash_concurrency: usize,
    /// A header set by the trusted proxy in front (`x-real-ip`, `fly-client-ip`) naming the client.
    pub client_ip_header: Option<String>,
    /// A separate listener serving only `/metrics` (`TM_METRICS_LISTEN`); then `TM_LISTEN`
    /// does not serve it. For platforms whose public proxy fronts the app's port (fly.io).
    pub metrics_listen: Option<SocketAddr>,
    /// Where cargo-leptos put the compiled site (`LEPTOS_SITE_ROOT`).
    pub site_root: String,
    /// The folder of wasm/js/css inside the site root (`LEPTOS_SITE_PKG_DIR`).
    pub site_pkg_dir: String,
    /// `LEPTOS_ENV=PROD` turns off development helpers in the rendered pages.
    pub leptos_prod: bool,
    pub attachments: service::attachments::AttachmentSettings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// One documented setting: the single source for `--help`, the file loader and typo detection.
pub struct SettingDoc {
    pub name: &'static str,
    pub default: &'static str,
    pub help: &'static str,
}

pub const SETTINGS: &[SettingDoc] = &[
    SettingDoc { name: "TM_LISTEN", default: "127.0.0.1:3000", help: "host:port to listen on (port 0 picks a free port)" },
    SettingDoc { name: "TM_METRICS_LISTEN", default: "(none: /metrics on TM_LISTEN)", help: "host:port of a separate listener that serves only /metrics; TM_LISTEN then answers 404 there (fly.io: keeps metrics off the public port)" },
    SettingDoc { name: "TM_PUBLIC_URL", default: "http://<TM_LISTEN>", help: "the URL users reach the app at; https turns on Secure cookies and requires TM_SECRET_KEY" },
    SettingDoc { name: "TM_DATA_DIR", default: "./data", help: "directory for the embedded database, the development secret key and the mail outbox" },
    SettingDoc { name: "TM_DATABASE_URL", default: "surrealkv://<TM_DATA_DIR>/db", help: "surrealkv://<dir> (embedded, kept), mem:// (tests), or ws://host:port (a SurrealDB server)" },
    SettingDoc { name: "TM_DATABASE_NS", default: "taskmanager", help: "SurrealDB namespace (defined when missing)" },
    SettingDoc { name: "TM_DATABASE_DB", default: "main", help: "SurrealDB database (defined when missing)" },
    SettingDoc { name: "TM_DATABASE_USER", default: "(none)", help: "root user for a SurrealDB server; required with ws://" },
    SettingDoc { name: "TM_DATABASE_PASS", default: "(none)", help: "password of TM_DATABASE_USER; required with ws://" },
    SettingDoc { name: "TM_REDIS_URL", default: "(unset: no Redis)", help: "redis://host:port; shared fan-out, rate limits and caches between instances" },
    SettingDoc { name: "TM_REDIS_KEY_PREFIX", default: "tm:", help: "prefix of every Redis key this deployment writes" },
    SettingDoc { name: "TM_LOG_FORMAT", default: "pretty", help: "pretty (development) or json (production: one JSON object per line)" },
    SettingDoc { name: "TM_LOG", default: "info,surrealdb=warn,surrealkv=warn", help: "log filter, e.g. info or info,service=debug" },
    SettingDoc { name: "TM_DRAIN_SECONDS", default: "10", help: "on SIGTERM, how long in-flight requests may take to finish" },
    SettingDoc { name: "TM_JOB_LEASE_MS", default: "30000", help: "how long a worker's claim on a background job holds before another instance may take it over" },
    SettingDoc { name: "TM_WEBHOOK_ALLOW_PRIVATE", default: "false", help: "let webhooks reach loopback and private addresses and plain http:// (development and tests only: SSRF)" },
    SettingDoc { name: "TM_JOB_POLL_MS", default: "1000", help: "how often an idle worker looks for due background jobs (an enqueue on the same instance wakes it at once)" },
    SettingDoc { name: "TM_JOB_RETRY_BASE_MS", default: "5000", help: "delay before a failed job's first retry; each later retry doubles it (with jitter), up to an hour" },
    SettingDoc { name: "TM_SECRET_KEY", default: "(generated in TM_DATA_DIR)", help: "at least 32 characters; signs tokens; required when TM_PUBLIC_URL is https" },
    SettingDoc { name: "TM_SECRET_KEY_PREVIOUS", default: "(none)", help: "the key before the last rotation: tokens it signed stay valid until they expire" },
    SettingDoc { name: "TM_HASH_CONCURRENCY", default: "(CPU count)", help: "password hashes computed at once (each takes 19 MiB); more wait in line" },
    SettingDoc { name: "TM_CLIENT_IP_HEADER", default: "(unset: the peer address)", help: "header a trusted proxy sets to the client address, e.g. x-real-ip or fly-client-ip" },
    SettingDoc { name: "TM_INSTANCE_ID", default: "(the hostname)", help: "this instance's name in logs, metrics and events" },
    SettingDoc { name: "TM_SMTP_URL", default: "(unset: mail goes to TM_DATA_DIR/outbox/)", help: "smtp://host:port or smtps://user:pass@host:port" },
    SettingDoc { name: "TM_MAIL_FROM", default: "Task Manager <no-reply@localhost>", help: "sender of outgoing mail" },
    SettingDoc { name: "TM_MAX_BODY_BYTES", default: "1048576", help: "largest JSON request body accepted (413 beyond)" },
    SettingDoc { name: "TM_ATTACHMENTS_URL", default: "<TM_DATA_DIR>/attachments", help: "where attachment files go: a directory, or s3://bucket/prefix for S3-compatible storage" },
    SettingDoc { name: "TM_MAX_ATTACHMENT_BYTES", default: "10485760", help: "largest attachment accepted (413 beyond)" },
    SettingDoc { name: "TM_S3_ENDPOINT", default: "(AWS)", help: "endpoint of S3-compatible storage, e.g. http://127.0.0.1:9000" },
    SettingDoc { name: "TM_S3_REGION", default: "us-east-1", help: "region of the S3 bucket" },
    SettingDoc { name: "TM_S3_ACCESS_KEY_ID", default: "(none)", help: "access key for the S3 bucket" },
    SettingDoc { name: "TM_S3_SECRET_ACCESS_KEY", default: "(none)", help: "secret key for the S3 bucket" },
    SettingDoc { name: "LEPTOS_SITE_ROOT", default: "target/site", help: "the compiled site (wasm, js, css, public files) as cargo-leptos builds it" },
    SettingDoc { name: "LEPTOS_SITE_PKG_DIR", default: "pkg", help: "folder of the wasm bundle inside LEPTOS_SITE_ROOT" },
    SettingDoc { name: "LEPTOS_ENV", default: "DEV", help: "DEV or PROD" },
    SettingDoc { name: "TM_CONFIG_FILE", default: "(none)", help: "a TOML file of these settings, keys in lower case without TM_ (listen = \"...\"); the environment wins" },
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {why} (value {value:?}, from {origin})")]
    Invalid {
        name: String,
        value: String,
        origin: String,
        why: String,
    },
    #[error("{name} is required: {why}")]
    Missing { name: String, why: String },
    #[error("config file {path}: {why}")]
    File { path: String, why: String },
}

/// Raw values with where each came from, before parsing.
struct Raw {
    values: BTreeMap<String, (String, String)>,
}

impl Raw {
    fn get(&self, name: &str) -> Option<(&str, &str)> {
        self.values
            .get(name)
            .map(|(v, s)| (v.as_str(), s.as_str()))
            .filter(|(v, _)| !v.is_empty())
    }

    fn parse<T>(
        &self,
        name: &str,
        default: T,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some((value, source)) => parse(value).map_err(|why| ConfigError::Invalid {
                name: name.to_owned(),
                value: if is_secret(name) {
                    "[redacted]".into()
                } else {
                    value.to_owned()
                },
                origin: source.to_owned(),
                why,
            }),
        }
    }

    fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(|(v, _)| v.to_owned())
    }
}

fn is_secret(name: &str) -> bool {
    matches!(
        name,
        "TM_DATABASE_PASS"
            | "TM_SECRET_KEY"
            | "TM_SECRET_KEY_PREVIOUS"
            | "TM_SMTP_URL"
            | "TM_REDIS_URL"
            | "TM_S3_SECRET_ACCESS_KEY"
    )
}

impl Settings {
    /// Reads the process environment (and the file it names, or `config_file` when given).
    pub fn from_env(config_file: Option<&Path>) -> Result<Self, ConfigError> {
        // cargo-leptos sets many LEPTOS_* variables; only the documented ones are ours to read.
        let env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| {
                k.starts_with("TM_")
                    || (k.starts_with("LEPTOS_") && SETTINGS.iter().any(|s| s.name == k))
            })
            .collect();
        Self::from_sources(env, config_file)
    }

    /// Builds settings from explicit `TM_*` pairs (tests use this; no global state is touched).
    pub fn from_sources(
        env: impl IntoIterator<Item = (String, String)>,
        config_file: Option<&Path>,
    ) -> Result<Self, ConfigError> {
        let env: BTreeMap<String, String> = env.into_iter().collect();
        let mut raw = Raw {
            values: BTreeMap::new(),
        };

        let file = config_file.map(Path::to_path_buf).or_else(|| {
            env.get("TM_CONFIG_FILE")
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        });
        if let Some(path) = file {
            for (name, value) in read_file(&path)? {
                raw.values
                    .insert(name, (value, format!("config file {}", path.display())));
            }
        }
        for (name, value) in env {
            if !SETTINGS.iter().any(|s| s.name == name) {
                return Err(ConfigError::Invalid {
                    name: name.clone(),
                    value,
                    origin: "environment".into(),
                    why: "unknown setting (see taskmanager --help)".into(),
                });
            }
            raw.values.insert(name, (value, "environment".into()));
        }
        Self::parse(&raw)
    }

    fn parse(raw: &Raw) -> Result<Self, ConfigError> {
        let default_listen = SocketAddr::from(([127, 0, 0, 1], 3000));
        let listen = raw.parse("TM_LISTEN", default_listen, |v| {
            v.parse::<SocketAddr>().map_err(|_| {
                "expected host:port with a numeric IP, e.g. 127.0.0.1:3000 or 0.0.0.0:8080".into()
            })
        })?;
        let public_url = raw.parse("TM_PUBLIC_URL", format!("http://{listen}"), |v| {
            let v = v.trim_end_matches('/');
            if (v.starts_with("http://") || v.starts_with("https://")) && v.len() > "https://".len()
            {
                Ok(v.to_owned())
            } else {
                Err("expected an absolute http:// or https:// URL".into())
            }
        })?;
        let data_dir = raw.parse("TM_DATA_DIR", PathBuf::from("./data"), |v| {
            Ok(PathBuf::from(v))
        })?;
        let default_db = format!("surrealkv://{}", data_dir.join("db").display());
        let database_url = raw.parse("TM_DATABASE_URL", default_db, |v| {
            const SCHEMES: [&str; 6] = [
                "surrealkv://",
                "mem://",
                "ws://",
                "wss://",
                "http://",
                "https://",
            ];
            if SCHEMES.iter().any(|s| v.starts_with(s)) {
                Ok(v.to_owned())
            } else {
                Err("expected surrealkv://<dir>, mem:// or ws://host:port".into())
            }
        })?;
        let ident = |v: &str| {
            if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                Ok(v.to_owned())
            } else {
                Err("letters, digits and _ only".to_owned())
            }
        };
        let namespace = raw.parse("TM_DATABASE_NS", "taskmanager".to_owned(), ident)?;
        let database_name = raw.parse("TM_DATABASE_DB", "main".to_owned(), ident)?;
        let database = DatabaseSettings {
            url: database_url,
            namespace,
            database: database_name,
            username: raw.string("TM_DATABASE_USER"),
            password: raw.string("TM_DATABASE_PASS").map(Secret::new),
        };
        if database.is_remote() && (database.username.is_none() || database.password.is_none()) {
            return Err(ConfigError::Missing {
                name: "TM_DATABASE_USER and TM_DATABASE_PASS".into(),
                why: "a SurrealDB server URL needs credentials".into(),
            });
        }

        let key_prefix = raw.parse(
            "TM_REDIS_KEY_PREFIX",
            "tm:".to_owned(),
            |v| Ok(v.to_owned()),
        )?;
        let redis = raw
            .parse("TM_REDIS_URL", None, |v| {
                if v.starts_with("redis://")
                    || v.starts_with("rediss://")
                    || v.starts_with("unix://")
                {
                    Ok(Some(v.to_owned()))
                } else {
                    Err("expected redis://host:port".into())
                }
            })?
            .map(|url| RedisSettings {
                url: Secret::new(url),
                key_prefix,
            });

        let log_format = raw.parse("TM_LOG_FORMAT", LogFormat::Pretty, |v| match v {
            "pretty" => Ok(LogFormat::Pretty),
            "json" => Ok(LogFormat::Json),
            _ => Err("expected pretty or json".into()),
        })?;
        let log_filter = raw.parse(
            "TM_LOG",
            "info,surrealdb=warn,surrealkv=warn".to_owned(),
            |v| {
                tracing_subscriber::EnvFilter::try_new(v)
                    .map(|_| v.to_owned())
                    .map_err(|e| format!("not a log filter: {e}"))
            },
        )?;
        let drain_seconds = raw.parse("TM_DRAIN_SECONDS", 10, |v| {
            v.parse::<u64>()
                .ok()
                .filter(|n| *n <= 3600)
                .ok_or_else(|| "expected whole seconds from 0 to 3600".into())
        })?;
        let millis = |name: &str, default: u64| {
            raw.parse(name, Duration::from_millis(default), |v| {
                v.parse::<u64>()
                    .ok()
                    .filter(|n| (10..=86_400_000).contains(n))
                    .map(Duration::from_millis)
                    .ok_or_else(|| "expected milliseconds from 10 to 86400000".into())
            })
        };
        let jobs = service::jobs::JobSettings {
            lease: millis("TM_JOB_LEASE_MS", 30_000)?,
            backoff_base: millis("TM_JOB_RETRY_BASE_MS", 5_000)?,
            poll: millis("TM_JOB_POLL_MS", 1_000)?,
            ..Default::default()
        };
        let webhooks_allow_private = raw.parse("TM_WEBHOOK_ALLOW_PRIVATE", false, |v| match v {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err("expected true or false".into()),
        })?;
        let public_url_explicit = raw.get("TM_PUBLIC_URL").is_some();
        let https = public_url.starts_with("https://");
        let secret_key = raw.parse("TM_SECRET_KEY", None, |v| {
            if v.chars().count() >= 32 {
                Ok(Some(Secret::new(v)))
            } else {
                Err("must be at least 32 characters".into())
            }
        })?;
        if https && secret_key.is_none() {
            return Err(ConfigError::Missing {
                name: "TM_SECRET_KEY".into(),
                why: "TM_PUBLIC_URL is https, so a fixed secret shared by all instances is needed"
                    .into(),
            });
        }
        let instance_id = raw.parse("TM_INSTANCE_ID", hostname(), |v| {
            if v.len() <= 128 && v.chars().all(|c| c.is_ascii_graphic()) {
                Ok(v.to_owned())
            } else {
                Err("up to 128 visible ASCII characters".into())
            }
        })?;
        let smtp_url = raw.parse("TM_SMTP_URL", None, |v| {
            if !(v.starts_with("smtp://") || v.starts_with("smtps://")) {
                return Err("expected smtp://host:port or smtps://user:pass@host:port".into());
            }
            // The transport itself checks the rest (host, port, tls option) now, not at the first mail.
            service::mail::Mailer::check_smtp_url(v).map(|()| Some(Secret::new(v)))
        })?;
        let mail_from = raw.parse(
            "TM_MAIL_FROM",
            "Task Manager <no-reply@localhost>".to_owned(),
            |v| {
                if v.contains('@') {
                    Ok(v.to_owned())
                } else {
                    Err("expected an address such as Team <team@example.com>".into())
                }
            },
        )?;
        let max_body_bytes = raw.parse("TM_MAX_BODY_BYTES", 1024 * 1024, |v| {
            v.parse::<usize>()
                .ok()
                .filter(|n| (1024..=64 * 1024 * 1024).contains(n))
                .ok_or_else(|| "expected a byte count from 1024 to 67108864".into())
        })?;

        let previous_secret_key = raw.parse("TM_SECRET_KEY_PREVIOUS", None, |v| {
            if v.chars().count() >= 32 {
                Ok(Some(Secret::new(v)))
            } else {
                Err("must be at least 32 characters".into())
            }
        })?;
        let cpus = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let hash_concurrency = raw.parse("TM_HASH_CONCURRENCY", cpus, |v| {
            v.parse::<usize>()
                .ok()
                .filter(|n| (1..=256).contains(n))
                .ok_or_else(|| "expected a whole number from 1 to 256".into())
        })?;
        let client_ip_header = raw.parse("TM_CLIENT_IP_HEADER", None, |v| {
            axum::http::HeaderName::from_bytes(v.to_ascii_lowercase().as_bytes())
                .map(|h| Some(h.as_str().to_owned()))
                .map_err(|_| "not a header name".into())
        })?;
        let metrics_listen = raw.parse("TM_METRICS_LISTEN", None, |v| {
            v.parse::<SocketAddr>()
                .map(Some)
                .map_err(|_| "expected host:port with a numeric IP, e.g. 0.0.0.0:9091".into())
        })?;
        if let Some(m) = metrics_listen.filter(|m| m.port() != 0 && *m == listen) {
            return Err(ConfigError::Invalid {
                name: "TM_METRICS_LISTEN".into(),
                value: m.to_string(),
                origin: "settings".into(),
                why: "must differ from TM_LISTEN".into(),
            });
        }
        let site_root = raw.parse("LEPTOS_SITE_ROOT", "target/site".to_owned(), |v| {
            Ok(v.to_owned())
        })?;
        let site_pkg_dir =
            raw.parse(
                "LEPTOS_SITE_PKG_DIR",
                "pkg".to_owned(),
                |v| Ok(v.to_owned()),
            )?;
        let leptos_prod = raw.parse("LEPTOS_ENV", false, |v| {
            match v.to_ascii_uppercase().as_str() {
                "PROD" | "PRODUCTION" => Ok(true),
                "DEV" | "DEVELOPMENT" => Ok(false),
                _ => Err("expected DEV or PROD".into()),
            }
        })?;

        let max_attachment_bytes = raw.parse("TM_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024, |v| {
            v.parse::<u64>()
                .ok()
                .filter(|n| (1024..=5 * 1024 * 1024 * 1024).contains(n))
                .ok_or_else(|| "expected a byte count from 1024 to 5 GiB".into())
        })?;
        let default_attachments = data_dir.join("attachments").display().to_string();
        let storage = raw.parse("TM_ATTACHMENTS_URL", None, |v| {
            if let Some(rest) = v.strip_prefix("s3://") {
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err("expected s3://bucket or s3://bucket/prefix".into());
                }
                Ok(Some((
                    bucket.to_owned(),
                    prefix.trim_matches('/').to_owned(),
                )))
            } else if v.contains("://") {
                Err("expected a directory or s3://bucket/prefix".into())
            } else {
                Ok(None)
            }
        })?;
        let storage = match storage {
            Some((bucket, prefix)) => service::attachments::StorageSettings::S3 {
                bucket,
                prefix,
                endpoint: raw.parse("TM_S3_ENDPOINT", None, |v| {
                    if v.starts_with("http://") || v.starts_with("https://") {
                        Ok(Some(v.trim_end_matches('/').to_owned()))
                    } else {
                        Err("expected an http:// or https:// URL".into())
                    }
                })?,
                region: raw.parse("TM_S3_REGION", "us-east-1".to_owned(), |v| Ok(v.to_owned()))?,
                access_key_id: raw.string("TM_S3_ACCESS_KEY_ID"),
                secret_access_key: raw.string("TM_S3_SECRET_ACCESS_KEY").map(Secret::new),
            },
            None => service::attachments::StorageSettings::Local(PathBuf::from(
                raw.string("TM_ATTACHMENTS_URL")
                    .unwrap_or(default_attachments),
            )),
        };
        let attachments = service::attachments::AttachmentSettings {
            storage,
            max_bytes: max_attachment_bytes,
        };

        Ok(Self {
            attachments,
            public_url_explicit,
            previous_secret_key,
            hash_concurrency,
            client_ip_header,
            metrics_listen,
            site_root,
            site_pkg_dir,
            leptos_prod,
            listen,
            public_url,
            database,
            redis,
            data_dir,
            log_format,
            log_filter,
            drain_seconds,
            jobs,
            webhooks_allow_private,
            secret_key,
            instance_id,
            smtp_url,
            mail_from,
            max_body_bytes,
        })
    }

    /// Without `TM_SECRET_KEY` (plain-http development only), reads the key kept in the data
    /// directory, generating it the first time, so sessions survive restarts.
    pub fn resolve_secret_key(&mut self) -> std::io::Result<()> {
        if self.secret_key.is_some() {
            return Ok(());
        }
        let path = self.data_dir.join("secret_key");
        let key = match std::fs::read_to_string(&path) {
            Ok(s) if s.trim().len() >= 32 => s.trim().to_owned(),
            Ok(_) | Err(_) => {
                use rand::RngCore;
                std::fs::create_dir_all(&self.data_dir)?;
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                let key = hex::encode(bytes);
                write_private(&path, &key)?;
                key
            }
        };
        self.secret_key = Some(Secret::new(key));
        Ok(())
    }

    /// What the service layer needs. Call after [`Settings::resolve_secret_key`].
    pub fn services(&self, version: &str) -> ServicesSettings {
        ServicesSettings {
            database: self.database.clone(),
            redis: self.redis.clone(),
            instance_id: self.instance_id.clone(),
            version: version.to_owned(),
            secret_key: self
                .secret_key
                .clone()
                .unwrap_or_else(|| Secret::new(String::new())),
            previous_secret_key: self.previous_secret_key.clone(),
            hash_concurrency: self.hash_concurrency,
            public_url: self.public_url.clone(),
            outbox_dir: self.data_dir.join("outbox"),
            mail_from: self.mail_from.clone(),
            smtp_url: self.smtp_url.clone(),
            attachments: self.attachments.clone(),
            jobs: self.jobs.clone(),
            webhooks_allow_private: self.webhooks_allow_private,
        }
    }

    /// `scheme://host[:port]` of the public URL: what browsers send as `Origin`.
    pub fn public_origin(&self) -> String {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        match self.public_url[after_scheme..].find('/') {
            Some(slash) => self.public_url[..after_scheme + slash].to_owned(),
            None => self.public_url.clone(),
        }
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

fn read_file(path: &Path) -> Result<Vec<(String, String)>, ConfigError> {
    let err = |why: String| ConfigError::File {
        path: path.display().to_string(),
        why,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| err(e.to_string()))?;
    let mut out = Vec::new();
    for (key, value) in table {
        let name = format!("TM_{}", key.to_ascii_uppercase());
        if name == "TM_CONFIG_FILE" || !SETTINGS.iter().any(|s| s.name == name) {
            return Err(err(format!("unknown key {key:?} (see taskmanager --help)")));
        }
        let value = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(err(format!(
                    "{key}: expected a string or a number, got {}",
                    other.type_str()
                )))
            }
        };
        out.push((name, value));
    }
    Ok(out)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "taskmanager".to_owned())
}

/// The `--help` text, generated from [`SETTINGS`].
pub fn help_text() -> String {
    let mut out = String::from(
        "taskmanager — real-time team task manager\n\n\
         USAGE:\n    taskmanager [serve|migrate] [--config FILE]\n    taskmanager jobs [status|dead|retry ID|discard ID] [--config FILE]\n    taskmanager openapi\n    taskmanager healthcheck\n    taskmanager --help | --version\n\n\
         COMMANDS:\n    serve      run the server (default)\n    migrate    apply database migrations and exit\n    \
         jobs       the background job queue: counts by kind and state, dead letters (with their last\n               error), retry or discard one\n    \
         openapi    print the OpenAPI 3.1 document of the REST API (JSON) and exit\n    \
         healthcheck  exit 0 if the server on TM_LISTEN's port is ready, else 1 (for HEALTHCHECK)\n\n\
         SETTINGS (environment variables; a --config TOML file may set them too, the environment wins):\n",
    );
    for s in SETTINGS {
        out.push_str(&format!(
            "    {:<20} {}\n    {:<20} default: {}\n",
            s.name, s.help, "", s.default
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_give_the_embedded_single_machine_setup() {
        let s = Settings::from_sources(env(&[]), None).unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert!(s.database.url.starts_with("surrealkv://"));
        assert!(s.database.url.ends_with("data/db"));
        assert!(s.redis.is_none());
        assert_eq!(s.drain_seconds, 10);
        assert_eq!(s.log_format, LogFormat::Pretty);
    }

    #[test]
    fn malformed_values_name_the_variable() {
        let err = Settings::from_sources(env(&[("TM_LISTEN", "nope")]), None).unwrap_err();
        assert!(err.to_string().starts_with("TM_LISTEN:"), "{err}");
        let err = Settings::from_sources(env(&[("TM_DRAIN_SECONDS", "-1")]), None).unwrap_err();
        assert!(err.to_string().starts_with("TM_DRAIN_SECONDS:"), "{err}");
        let err =
            Settings::from_sources(env(&[("TM_REDIS_URL", "localhost:6379")]), None).unwrap_err();
        assert!(err.to_string().starts_with("TM_REDIS_URL:"), "{err}");
    }

    #[test]
    fn typos_are_caught() {
        let err = Settings::from_sources(env(&[("TM_LISTN", "127.0.0.1:1")]), None).unwrap_err();
        assert!(err.to_string().contains("TM_LISTN"), "{err}");
    }

    #[test]
    fn https_requires_a_secret_key_and_secrets_stay_hidden() {
        let err =
            Settings::from_sources(env(&[("TM_PUBLIC_URL", "https://tasks.example.com")]), None)
                .unwrap_err();
        assert!(err.to_string().contains("TM_SECRET_KEY"), "{err}");
        let err = Settings::from_sources(env(&[("TM_SECRET_KEY", "short-and-secret")]), None)
            .unwrap_err();
        assert!(!err.to_string().contains("short-and-secret"), "{err}");
        let ok = Settings::from_sources(
            env(&[
                ("TM_PUBLIC_URL", "https://tasks.example.com/"),
                ("TM_SECRET_KEY", "0123456789abcdef0123456789abcdef"),
            ]),
            None,
        )
        .unwrap();
        assert!(ok.is_https());
        assert_eq!(ok.public_url, "https://tasks.example.com");
    }

    #[test]
    fn server_mode_needs_credentials() {
        let err = Settings::from_sources(env(&[("TM_DATABASE_URL", "ws://127.0.0.1:8000")]), None)
            .unwrap_err();
        assert!(err.to_string().contains("TM_DATABASE_USER"), "{err}");
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let dir = std::env::temp_dir().join(format!("tm-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("tm.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:4000\"\ndrain_seconds = 3\n").unwrap();
        let s =
            Settings::from_sources(env(&[("TM_LISTEN", "127.0.0.1:5000")]), Some(&file)).unwrap();
        assert_eq!(s.listen.port(), 5000);
        assert_eq!(s.drain_seconds, 3);

        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        let err = Settings::from_sources(env(&[]), Some(&file)).unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
    }

    #[test]
    fn the_development_key_is_generated_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("tm-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut s =
            Settings::from_sources(env(&[("TM_DATA_DIR", dir.to_str().unwrap())]), None).unwrap();
        s.resolve_secret_key().unwrap();
        let first = s.secret_key.clone().unwrap();
        let mut again =
            Settings::from_sources(env(&[("TM_DATA_DIR", dir.to_str().unwrap())]), None).unwrap();
        again.resolve_secret_key().unwrap();
        assert_eq!(again.secret_key.unwrap(), first);
        assert_eq!(first.expose().len(), 64);
    }

    #[test]
    fn help_lists_every_setting() {
        let help = help_text();
        for s in SETTINGS {
            assert!(help.contains(s.name));
        }
    }
}
