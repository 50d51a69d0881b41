use domain::{CheckState, SystemStatus};
use leptos::prelude::*;

use crate::api::fetch_system_status;

/// Live service status, fetched from the browser through the `system_status` server function.
/// The server renders the "checking" state; the hydrated page asks and can ask again.
#[component]
pub fn StatusPanel() -> impl IntoView {
    let status = LocalResource::new(fetch_system_status);
    let t = text();

    view! {
        <section class="status-panel" aria-labelledby="status-title">
            <div class="status-panel__head">
                <h2 id="status-title">{t.title}</h2>
                <button
                    class="button button--ghost"
                    type="button"
                    data-testid="status-refresh"
                    on:click=move |_| status.refetch()
                >
                    {t.check_again}
                </button>
            </div>
            <div aria-live="polite" data-testid="status-body">
                <Suspense fallback=move || view! { <p class="status status--pending">{t.checking}</p> }>
                    {move || status.get().map(|result| match result {
                        Ok(s) => view! { <StatusReport status=s/> }.into_any(),
                        Err(e) => view! {
                            <p class="status status--error" data-testid="status-error">
                                {t.unreachable} {e.message}
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
    let t = text();
    let ready = status.readiness.is_ready();
    let checks = status.readiness.checks.clone();
    view! {
        <p class=if ready { "status status--ok" } else { "status status--error" } data-testid="status-summary">
            {if ready { t.operational } else { t.degraded }}
        </p>
        <dl class="status-grid">
            <dt>{t.database}</dt><dd data-testid="status-database">{label(checks.database, t)}</dd>
            <dt>{t.cache}</dt><dd data-testid="status-redis">{label(checks.redis, t)}</dd>
            <dt>{t.version}</dt><dd data-testid="status-version">{status.version}</dd>
            <dt>{t.instance}</dt><dd>{status.instance_id}</dd>
        </dl>
    }
}

fn label(state: CheckState, t: &'static Text) -> &'static str {
    match state {
        CheckState::Ok => t.ok,
        CheckState::Disabled => t.not_used,
        CheckState::Error => t.failing,
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        title: &'static str,
        check_again: &'static str,
        checking: &'static str,
        /// Before the error's own message.
        unreachable: &'static str,
        operational: &'static str,
        degraded: &'static str,
        database: &'static str,
        cache: &'static str,
        version: &'static str,
        instance: &'static str,
        ok: &'static str,
        not_used: &'static str,
        failing: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    title: "Service status",
    check_again: "Check again",
    checking: "Checking…",
    unreachable: "Could not reach the service: ",
    operational: "All systems operational",
    degraded: "Degraded service",
    database: "Database",
    cache: "Cache",
    version: "Version",
    instance: "Instance",
    ok: "ok",
    not_used: "not used (single machine)",
    failing: "failing",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    title: "Dienststatus",
    check_again: "Erneut prüfen",
    checking: "Wird geprüft…",
    unreachable: "Der Dienst ist nicht erreichbar: ",
    operational: "Alle Systeme betriebsbereit",
    degraded: "Eingeschränkter Betrieb",
    database: "Datenbank",
    cache: "Cache",
    version: "Version",
    instance: "Instanz",
    ok: "ok",
    not_used: "nicht verwendet (einzelner Rechner)",
    failing: "gestört",
};
