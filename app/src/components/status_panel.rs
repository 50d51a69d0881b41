use domain::{CheckState, SystemStatus};
use leptos::prelude::*;

use crate::api::fetch_system_status;

/// Live service status, fetched from the browser through the `system_status` server function.
/// The server renders the "checking" state; the hydrated page asks and can ask again.
#[component]
pub fn StatusPanel() -> impl IntoView {
    let status = LocalResource::new(fetch_system_status);

    view! {
        <section class="status-panel" aria-labelledby="status-title">
            <div class="status-panel__head">
                <h2 id="status-title">"Service status"</h2>
                <button
                    class="button button--ghost"
                    type="button"
                    data-testid="status-refresh"
                    on:click=move |_| status.refetch()
                >
                    "Check again"
                </button>
            </div>
            <div aria-live="polite" data-testid="status-body">
                <Suspense fallback=|| view! { <p class="status status--pending">"Checking…"</p> }>
                    {move || status.get().map(|result| match result {
                        Ok(s) => view! { <StatusReport status=s/> }.into_any(),
                        Err(e) => view! {
                            <p class="status status--error" data-testid="status-error">
                                "Could not reach the service: " {e.message}
                            </p>
                        }.into_any(),
                    })}
                </Suspense>
            </div>
        </section>
    }
}

#[component]
fn StatusReport(status: SystemStatus) -> impl IntoView {
    let ready = status.readiness.is_ready();
    let checks = status.readiness.checks.clone();
    view! {
        <p class=if ready { "status status--ok" } else { "status status--error" } data-testid="status-summary">
            {if ready { "All systems operational" } else { "Degraded service" }}
        </p>
        <dl class="status-grid">
            <dt>"Database"</dt><dd data-testid="status-database">{label(checks.database)}</dd>
            <dt>"Cache"</dt><dd data-testid="status-redis">{label(checks.redis)}</dd>
            <dt>"Version"</dt><dd data-testid="status-version">{status.version}</dd>
            <dt>"Instance"</dt><dd>{status.instance_id}</dd>
        </dl>
    }
}

fn label(state: CheckState) -> &'static str {
    match state {
        CheckState::Ok => "ok",
        CheckState::Disabled => "not used (single machine)",
        CheckState::Error => "failing",
    }
}
