use domain::{ApiError, SystemStatus};
use leptos::prelude::*;

/// What the status panel shows: version, instance and readiness of the instance that answered.
#[server(prefix = "/api/fn", endpoint = "system_status")]
pub async fn fetch_system_status() -> Result<SystemStatus, ApiError> {
    let services = crate::ssr::services()?;
    Ok(services.system_status().await)
}
