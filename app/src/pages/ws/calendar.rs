//! A month of due dates. `?month=YYYY-MM` (default: this month); a plain table, so it reads well
//! to screen readers and renders without JavaScript.

use domain::task::{TaskQuery, TaskView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::dates::{day_of, days_in_month, next_month, parse_day, prev_month, weekday};
use super::{load_error, use_ws};
use crate::api::fetch_task_page;

/// Cards listed per day before "+N more".
const PER_DAY: usize = 3;

async fn month_tasks(ws: String, y: i32, m: u32) -> Result<Vec<TaskView>, domain::ApiError> {
    let last = days_in_month(y, m);
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let q = TaskQuery {
            due_after: Some(format!("{y:04}-{m:02}-01T00:00:00Z")),
            due_before: Some(format!("{y:04}-{m:02}-{last:02}T23:59:59.999Z")),
            sort: Some("due_at".into()),
            cursor,
            limit: Some(100),
            ..Default::default()
        };
        let page = fetch_task_page(ws.clone(), q).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) if out.len() < 1000 => cursor = Some(c),
            _ => return Ok(out),
        }
    }
}

#[component]
pub fn CalendarView() -> impl IntoView {
    let ctx = use_ws();
    let query = use_query_map();
    let month = Memo::new(move |_| {
        let today = ctx.today.get().and_then(Result::ok).unwrap_or_default();
        let from_query = query
            .read()
            .get("month")
            .and_then(|m| parse_day(&format!("{m}-01")))
            .map(|(y, m, _)| (y, m));
        from_query
            .or_else(|| parse_day(&today).map(|(y, m, _)| (y, m)))
            .unwrap_or((2026, 1))
    });
    let tasks = Resource::new_blocking(
        move || {
            (
                ctx.id.get(),
                month.get(),
                ctx.changed.get(),
                ctx.remote.get(),
            )
        },
        |(id, (y, m), _, _)| month_tasks(id, y, m),
    );

    let t = text();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
            {move || {
                let (y, m) = month.get();
                let today = ctx.today.get().and_then(Result::ok).unwrap_or_default();
                tasks.get().map(|r| match r {
                    Ok(list) => view! { <Month y=y m=m tasks=list today=today/> }.into_any(),
                    Err(e) => load_error(e),
                })
            }}
        </Transition>
    }
}

#[component]
fn Month(y: i32, m: u32, tasks: Vec<TaskView>, today: String) -> impl IntoView {
    let (py, pm) = prev_month(y, m);
    let (ny, nm) = next_month(y, m);
    let first = weekday(y, m, 1) as usize;
    let days = days_in_month(y, m) as usize;
    let weeks = (first + days).div_ceil(7);
    let on = |d: usize| -> Vec<TaskView> {
        let key = format!("{y:04}-{m:02}-{d:02}");
        tasks
            .iter()
            .filter(|t| t.due_at.as_deref().and_then(day_of) == Some(key.as_str()))
            .cloned()
            .collect()
    };
    let t = text();
    let title = format!("{} {y}", crate::i18n::month_name(m));
    view! {
        <section class="calendar" aria-labelledby="cal-title">
            <div class="calendar__head">
                <a class="button button--ghost" href=format!("?month={py:04}-{pm:02}") aria-label={crate::i18n::fill(t.previous, &[&crate::i18n::month_name(pm), &py])}>"‹"</a>
                <h2 id="cal-title">{title.clone()}</h2>
                <a class="button button--ghost" href=format!("?month={ny:04}-{nm:02}") aria-label={crate::i18n::fill(t.next, &[&crate::i18n::month_name(nm), &ny])}>"›"</a>
                <span class="muted">{crate::i18n::fill(t.due_this_month, &[&tasks.len()])}</span>
            </div>
            <table class="calendar__grid" data-testid="calendar">
                <caption class="sr-only">{crate::i18n::fill(t.tasks_due_in, &[&title])}</caption>
                <thead><tr>
                    {t.weekdays.iter().enumerate().map(|(i, &d)| view! {
                        <th scope="col"><abbr title=d>{crate::i18n::weekday_short(i)}</abbr></th>
                    }).collect_view()}
                </tr></thead>
                <tbody>
                    {(0..weeks).map(|w| view! {
                        <tr>
                            {(0..7).map(|c| {
                                let cell = w * 7 + c;
                                if cell < first || cell >= first + days {
                                    return view! { <td class="calendar__blank"></td> }.into_any();
                                }
                                let d = cell - first + 1;
                                let date = format!("{y:04}-{m:02}-{d:02}");
                                let is_today = date == today;
                                let due = on(d);
                                let extra = due.len().saturating_sub(PER_DAY);
                                view! {
                                    <td class:calendar__today=is_today aria-current=is_today.then_some("date")>
                                        <span class="calendar__day">{d}</span>
                                        <ul>
                                            {due.into_iter().take(PER_DAY).map(|t| view! {
                                                <li><a class=format!("cal-task prio-edge--{}", t.priority.as_str()) class:cal-task--done=t.completed_at.is_some()
                                                    href=format!("?month={y:04}-{m:02}&task={}", t.id)>{t.title}</a></li>
                                            }).collect_view()}
                                        </ul>
                                        {(extra > 0).then(|| view! { <span class="muted small">{crate::i18n::fill(t.more, &[&extra])}</span> })}
                                    </td>
                                }.into_any()
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        loading: &'static str,
        /// {0} month name, {1} year of the previous month.
        previous: &'static str,
        /// {0} month name, {1} year of the next month.
        next: &'static str,
        /// {0} the number of tasks.
        due_this_month: &'static str,
        /// {0} "November 2026" → the table's caption.
        tasks_due_in: &'static str,
        /// Monday first; the full names (the header shows `crate::i18n::weekday_short`).
        weekdays: [&'static str; 7],
        /// {0} cards of a day not listed.
        more: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    loading: "Loading the calendar…",
    previous: "Previous month, {0} {1}",
    next: "Next month, {0} {1}",
    due_this_month: "{0} due this month",
    tasks_due_in: "Tasks due in {0}",
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    more: "+{0} more",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    loading: "Kalender wird geladen…",
    previous: "Vorheriger Monat, {0} {1}",
    next: "Nächster Monat, {0} {1}",
    due_this_month: "{0} diesen Monat fällig",
    tasks_due_in: "Im {0} fällige Aufgaben",
    weekdays: [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ],
    more: "+{0} weitere",
};
