//! The service layer's error: what went wrong, in terms the adapters can map to `ApiError`.
//!
//! Internal causes keep their source chain for the log; the client only ever sees the code and a
//! safe message (see [`Error::to_api`]).

use std::collections::BTreeMap;

use domain::{ApiError, ErrorCode};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A client mistake with a stable code and a message safe to show.
    #[error("{0}")]
    Client(ApiError),
    /// Too many requests: 429 with `Retry-After`.
    #[error("rate limited; retry after {retry_after_secs}s")]
    RateLimited { retry_after_secs: u64 },
    /// A dependency (database, Redis) is unreachable or too slow: 503.
    #[error("{what} is unavailable: {source}")]
    Unavailable {
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database answered with an error we did not expect: 500.
    #[error("database error: {0}")]
    Database(#[from] surrealdb::Error),
    /// A change's statements aborted it with `THROW 'tm:<reason>'`; the caller turns the
    /// reason into a client error (left unconverted it is our fault: 500).
    #[error("change aborted: {0}")]
    Aborted(String),
    /// Anything else that is our fault: 500.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn client(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Client(ApiError::new(code, message))
    }

    pub fn validation(fields: BTreeMap<String, String>) -> Self {
        Self::Client(ApiError::validation(fields))
    }

    pub fn not_found(what: &str) -> Self {
        Self::client(ErrorCode::NotFound, format!("{what} not found."))
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Client(e) => e.code,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unavailable { .. } => ErrorCode::Unavailable,
            Self::Database(_) | Self::Aborted(_) | Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Whether this is our fault (worth an error log line) rather than the caller's.
    pub fn is_server_fault(&self) -> bool {
        matches!(self.code(), ErrorCode::Internal | ErrorCode::Unavailable)
    }

    /// What the client may see. Causes of server faults stay in the log.
    pub fn to_api(&self) -> ApiError {
        match self {
            Self::Client(e) => e.clone(),
            Self::RateLimited { retry_after_secs } => ApiError::new(
                ErrorCode::RateLimited,
                format!("Too many attempts. Try again in {retry_after_secs} seconds."),
            ),
            Self::Unavailable { what, .. } => ApiError::new(
                ErrorCode::Unavailable,
                format!("The {what} is temporarily unavailable. Please retry shortly."),
            ),
            Self::Database(_) | Self::Aborted(_) | Self::Internal(_) => ApiError::internal(),
        }
    }

    /// Seconds to put in `Retry-After`, for errors that have one.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            Self::Unavailable { .. } => Some(5),
            _ => None,
        }
    }

    /// The error with its whole source chain, for the one log line it gets.
    pub fn chain(&self) -> String {
        chain_of(self)
    }
}

/// Any error with its whole source chain, `outer: cause: root cause`.
pub fn chain_of(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_faults_hide_their_cause() {
        let e = Error::Internal("disk on fire at /var/lib/x".into());
        let api = e.to_api();
        assert_eq!(api.code, ErrorCode::Internal);
        assert!(!api.message.contains("disk"));
        assert!(e.is_server_fault());
    }

    #[test]
    fn client_errors_pass_through() {
        let e = Error::not_found("Task");
        assert_eq!(e.code(), ErrorCode::NotFound);
        assert_eq!(e.to_api().message, "Task not found.");
        assert!(!e.is_server_fault());
    }
}
