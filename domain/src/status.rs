//! Health and status reports: what `/api/v1/health*` answer and what the UI's status badge shows.

use serde::{Deserialize, Serialize};

/// The state of one dependency check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Ok,
    /// Not configured (Redis on a single machine).
    Disabled,
    /// Configured but failing or too slow.
    Error,
}

/// `GET /api/v1/health`: the process answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Liveness {
    /// Always `ok`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^ok$", example = "ok"))]
    pub status: String,
    /// The server's version.
    pub version: String,
}

/// The checks behind readiness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadinessChecks {
    pub database: CheckState,
    /// `disabled` when no Redis is configured.
    pub redis: CheckState,
    /// True while the instance drains for shutdown.
    pub draining: bool,
}

/// `GET /api/v1/health/ready`: may this instance take traffic?
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    /// `ready` or `not_ready`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^(ready|not_ready)$", example = "ready")
    )]
    pub status: String,
    pub checks: ReadinessChecks,
}

impl Readiness {
    pub fn from_checks(checks: ReadinessChecks) -> Self {
        let ready = checks.database == CheckState::Ok
            && checks.redis != CheckState::Error
            && !checks.draining;
        Self {
            status: if ready { "ready" } else { "not_ready" }.to_owned(),
            checks,
        }
    }

    pub fn is_ready(&self) -> bool {
        self.status == "ready"
    }
}

/// What the UI shows about the service it talks to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStatus {
    pub version: String,
    pub instance_id: String,
    pub readiness: Readiness,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(database: CheckState, redis: CheckState, draining: bool) -> ReadinessChecks {
        ReadinessChecks {
            database,
            redis,
            draining,
        }
    }

    #[test]
    fn ready_only_when_everything_configured_is_ok_and_not_draining() {
        use CheckState::*;
        assert!(Readiness::from_checks(checks(Ok, Disabled, false)).is_ready());
        assert!(Readiness::from_checks(checks(Ok, Ok, false)).is_ready());
        assert!(!Readiness::from_checks(checks(Ok, Error, false)).is_ready());
        assert!(!Readiness::from_checks(checks(Error, Disabled, false)).is_ready());
        assert!(!Readiness::from_checks(checks(Ok, Ok, true)).is_ready());
    }

    #[test]
    fn serialises_as_the_contract_says() {
        let r = Readiness::from_checks(checks(CheckState::Ok, CheckState::Disabled, false));
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"status":"ready","checks":{"database":"ok","redis":"disabled","draining":false}})
        );
    }
}
