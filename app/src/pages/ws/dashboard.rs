//! The workspace in numbers: counts by status and priority, overdue, the caller's open tasks, and
//! completions over 30 days, drawn as SVG by these components (each chart also has a text
//! equivalent for screen readers).

use domain::task::{Priority, WorkspaceStats};
use domain::workspace::{ColumnCategory, WorkspaceView};
use leptos::prelude::*;

use super::{load_error, use_ws};
use crate::api::fetch_stats;

#[component]
pub fn DashboardView() -> impl IntoView {
    let ctx = use_ws();
    let stats = Resource::new_blocking(
        move || (ctx.id.get(), ctx.changed.get(), ctx.remote.get()),
        |(id, _, _)| fetch_stats(id),
    );
    let t = text();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t.counting}</p> }>
            {move || {
                let (ws, stats) = (ctx.workspace.get(), stats.get());
                let ws = ws.and_then(Result::ok)?;
                Some(stats?.map_or_else(load_error, |s| view! { <Dashboard ws=ws stats=s/> }.into_any()))
            }}
        </Transition>
    }
}

#[component]
fn Dashboard(ws: WorkspaceView, stats: WorkspaceStats) -> impl IntoView {
    let t = text();
    let total: u64 = stats.by_status.values().sum();
    let done: u64 = ws
        .columns
        .iter()
        .filter(|c| c.category == ColumnCategory::Done)
        .map(|c| stats.by_status.get(&c.key).copied().unwrap_or(0))
        .sum();
    let completed_30: u64 = stats.completed_per_day.iter().map(|d| d.count).sum();
    let status_bars: Vec<(String, u64, &'static str)> = ws
        .columns
        .iter()
        .map(|c| {
            let class = match c.category {
                ColumnCategory::Todo => "bar--todo",
                ColumnCategory::InProgress => "bar--doing",
                ColumnCategory::Done => "bar--done",
            };
            (
                c.name.clone(),
                stats.by_status.get(&c.key).copied().unwrap_or(0),
                class,
            )
        })
        .collect();
    let prio_bars: Vec<(String, u64, &'static str)> = [
        (Priority::Urgent, "bar--urgent"),
        (Priority::High, "bar--high"),
        (Priority::Medium, "bar--medium"),
        (Priority::Low, "bar--low"),
    ]
    .into_iter()
    .map(|(p, class)| {
        (
            crate::i18n::priority_label(p).to_owned(),
            stats.by_priority.get(p.as_str()).copied().unwrap_or(0),
            class,
        )
    })
    .collect();
    view! {
        <div class="stats-tiles" data-testid="dashboard">
            <Tile label=t.open_tasks value={total - done}/>
            <Tile label=t.overdue value=stats.overdue warn={stats.overdue > 0}/>
            <Tile label=t.mine_open value=stats.my_open/>
            <Tile label=t.completed_30 value=completed_30/>
        </div>
        <div class="charts">
            <section class="panel chart" aria-labelledby="by-status"><h2 id="by-status">{t.by_status}</h2><Bars bars=status_bars/></section>
            <section class="panel chart" aria-labelledby="by-prio"><h2 id="by-prio">{t.by_priority}</h2><Bars bars=prio_bars/></section>
            <section class="panel chart chart--wide" aria-labelledby="per-day"><h2 id="per-day">{t.per_day}</h2>
                <Columns days=stats.completed_per_day.iter().map(|d| (d.date.clone(), d.count)).collect()/>
            </section>
        </div>
    }
}

#[component]
fn Tile(label: &'static str, value: u64, #[prop(optional)] warn: bool) -> impl IntoView {
    view! {
        <div class="tile" class:tile--warn=warn>
            <span class="tile__value">{value}</span>
            <span class="tile__label">{label}</span>
        </div>
    }
}

/// Horizontal bars, one per row, scaled to the largest.
#[component]
fn Bars(bars: Vec<(String, u64, &'static str)>) -> impl IntoView {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let row = 30.0;
    let height = row * bars.len() as f64;
    let summary = bars
        .iter()
        .map(|(l, n, _)| format!("{l}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <svg class="bars" viewBox=format!("0 0 400 {height}") role="img" aria-label=summary preserveAspectRatio="xMinYMin meet">
            {bars.into_iter().enumerate().map(|(i, (label, n, class))| {
                let y = i as f64 * row;
                let w = (n as f64 / max) * 250.0;
                view! {
                    <g>
                        <text x="0" y=y + 19.0 class="bars__label">{label.clone()}</text>
                        <rect x="110" y=y + 6.0 width=w.max(2.0) height="18" rx="4" class=format!("bar {class}")><title>{format!("{label}: {n}")}</title></rect>
                        <text x=116.0 + w y=y + 19.0 class="bars__value">{n}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// One column per day, oldest left.
#[component]
fn Columns(days: Vec<(String, u64)>) -> impl IntoView {
    let max = days.iter().map(|d| d.1).max().unwrap_or(0).max(1) as f64;
    let n = days.len().max(1) as f64;
    let slot = 1000.0 / n;
    let total: u64 = days.iter().map(|d| d.1).sum();
    let t = text();
    let label = crate::i18n::fill(
        crate::i18n::plural(total, t.completed_in_one, t.completed_in_other),
        &[&total, &days.len()],
    );
    let first = days.first().map(|d| d.0.clone()).unwrap_or_default();
    let last = days.last().map(|d| d.0.clone()).unwrap_or_default();
    view! {
        <svg class="columns" viewBox="0 0 1000 170" role="img" aria-label=label>
            <line x1="0" y1="140" x2="1000" y2="140" class="axis"/>
            {days.into_iter().enumerate().map(|(i, (date, count))| {
                let h = (count as f64 / max) * 120.0;
                view! {
                    <rect x=i as f64 * slot + 2.0 y=140.0 - h width=(slot - 4.0).max(1.0) height=h.max(0.5) rx="2" class="bar bar--done">
                        <title>{format!("{date}: {count}")}</title>
                    </rect>
                }
            }).collect_view()}
            <text x="0" y="162" class="bars__label">{first}</text>
            <text x="1000" y="162" text-anchor="end" class="bars__label">{last}</text>
        </svg>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        counting: &'static str,
        open_tasks: &'static str,
        overdue: &'static str,
        mine_open: &'static str,
        completed_30: &'static str,
        by_status: &'static str,
        by_priority: &'static str,
        per_day: &'static str,
        /// {0} tasks completed, {1} days → the per-day chart's text equivalent.
        completed_in_one: &'static str,
        completed_in_other: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    counting: "Counting…",
    open_tasks: "Open tasks",
    overdue: "Overdue",
    mine_open: "Assigned to me, open",
    completed_30: "Completed, last 30 days",
    by_status: "By status",
    by_priority: "By priority",
    per_day: "Completed per day",
    // English says "tasks" for one as well (unchanged wording).
    completed_in_one: "{0} tasks completed in the last {1} days",
    completed_in_other: "{0} tasks completed in the last {1} days",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    counting: "Wird gezählt…",
    open_tasks: "Offene Aufgaben",
    overdue: "Überfällig",
    mine_open: "Mir zugewiesen, offen",
    completed_30: "Erledigt, letzte 30 Tage",
    by_status: "Nach Status",
    by_priority: "Nach Priorität",
    per_day: "Erledigt pro Tag",
    completed_in_one: "1 Aufgabe in den letzten {1} Tagen erledigt",
    completed_in_other: "{0} Aufgaben in den letzten {1} Tagen erledigt",
};
