//! The list (table) view: filters and sort live in the URL (a plain GET form, so it works
//! before hydration and links can be shared), pages load on demand, and filters can be saved.

use domain::task::{Priority, TaskQuery, TaskView};
use domain::workspace::{Column, MemberView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::dates::{day_of, day_to_due, day_to_start};
use super::{load_error, member_name, use_ws};
use crate::api::{delete_filter, fetch_task_page, members, save_filter, saved_filters};

const FIELDS: [&str; 8] = [
    "status",
    "priority",
    "assignee",
    "label",
    "q",
    "due_after",
    "due_before",
    "sort",
];

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[component]
pub fn ListView() -> impl IntoView {
    let ctx = use_ws();
    let tx = text();
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    // The filters as a query string, in a fixed order (what a saved filter stores).
    let filter_string = Memo::new(move |_| {
        FIELDS
            .iter()
            .filter_map(|k| get(k).map(|v| format!("{k}={}", encode(&v))))
            .collect::<Vec<_>>()
            .join("&")
    });
    let task_query = move || TaskQuery {
        status: get("status"),
        priority: get("priority"),
        assignee: get("assignee"),
        label: get("label"),
        q: get("q"),
        due_after: get("due_after").and_then(|d| day_to_start(&d)),
        due_before: get("due_before").and_then(|d| day_to_due(&d)),
        sort: get("sort"),
        cursor: None,
        limit: Some(50),
    };
    let first = Resource::new_blocking(
        move || {
            (
                ctx.id.get(),
                task_query(),
                ctx.changed.get(),
                ctx.remote.get(),
            )
        },
        |(id, q, _, _)| fetch_task_page(id, q),
    );
    let people = Resource::new_blocking(move || ctx.id.get(), members);
    let extra = RwSignal::new(Vec::<TaskView>::new());
    let next = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(p)) = first.get() {
            extra.set(Vec::new());
            next.set(p.next_cursor);
        }
    });
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        let mut q = task_query();
        q.cursor = Some(cursor);
        let id = ctx.id.get_untracked();
        leptos::task::spawn_local(async move {
            match fetch_task_page(id, q).await {
                Ok(p) => {
                    extra.update(|e| e.extend(p.items));
                    next.set(p.next_cursor);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };

    view! {
        <div class="list-layout">
            <Transition fallback=|| ()>
                {move || {
                    // Read every resource before deciding anything, so the transition waits for
                    // all of them on the server too (an early return would hide one from it).
                    let (ws, people) = (ctx.workspace.get(), people.get());
                    let ws = ws.and_then(Result::ok)?;
                    let people = people?.unwrap_or_default();
                    Some(view! { <FilterForm columns=ws.columns people=people get=Callback::new(move |k: String| get(&k).unwrap_or_default())/> })
                }}
            </Transition>
            <SavedFilters current=filter_string/>
        </div>
        <p class="form-error" role="alert">{move || error.get()}</p>
        <Transition fallback=move || view! { <p class="muted">{tx.loading}</p> }>
            {move || {
                let columns = ctx.workspace.get().and_then(Result::ok).map(|w| w.columns).unwrap_or_default();
                let people = people.get().and_then(Result::ok).unwrap_or_default();
                first.get().map(|r| match r {
                    Ok(page) if page.items.is_empty() => view! {
                        <section class="empty-state"><h2>{tx.no_match}</h2><p class="muted">{tx.no_match_hint}</p></section>
                    }.into_any(),
                    Ok(page) => {
                        let columns = StoredValue::new(columns);
                        let people = StoredValue::new(people);
                        let base = filter_string.get();
                        let base = StoredValue::new(base);
                        view! {
                            <table class="task-table" data-testid="task-table">
                                <caption class="sr-only">{tx.tasks}</caption>
                                <thead><tr><th scope="col">{tx.title}</th><th scope="col">{tx.status}</th><th scope="col">{tx.priority}</th><th scope="col">{tx.assignees}</th><th scope="col">{tx.labels}</th><th scope="col">{tx.due}</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|t| view! { <Row t=t columns=columns people=people base=base/> }).collect_view()}
                                    {move || extra.get().into_iter().map(|t| view! { <Row t=t columns=columns people=people base=base/> }).collect_view()}
                                </tbody>
                            </table>
                            {move || next.get().is_some().then(|| view! {
                                <button type="button" class="button button--ghost" on:click=load_more>{tx.load_more}</button>
                            })}
                        }.into_any()
                    }
                    Err(e) => load_error(e),
                })
            }}
        </Transition>
    }
}

#[component]
fn Row(
    t: TaskView,
    columns: StoredValue<Vec<Column>>,
    people: StoredValue<Vec<MemberView>>,
    base: StoredValue<String>,
) -> impl IntoView {
    let status = columns.with_value(|c| {
        c.iter()
            .find(|c| c.key == t.status)
            .map_or_else(|| t.status.clone(), |c| c.name.clone())
    });
    let names = people.with_value(|p| {
        t.assignee_ids
            .iter()
            .map(|a| member_name(p, a))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let href = base.with_value(|b| {
        if b.is_empty() {
            format!("?task={}", t.id)
        } else {
            format!("?{b}&task={}", t.id)
        }
    });
    view! {
        <tr>
            <td><a href=href>{t.title.clone()}</a></td>
            <td>{status}</td>
            <td><span class=format!("prio prio--{}", t.priority.as_str())>{crate::i18n::priority_label(t.priority)}</span></td>
            <td>{names}</td>
            <td>{t.labels.iter().map(|l| view! { <span class="label">{l.clone()}</span> }).collect_view()}</td>
            <td>{t.due_at.as_deref().map(|d| crate::i18n::short_date(d, 0)).unwrap_or_default()}</td>
        </tr>
    }
}

#[component]
fn FilterForm(
    columns: Vec<Column>,
    people: Vec<MemberView>,
    get: Callback<String, String>,
) -> impl IntoView {
    let tx = text();
    let v = move |k: &str| get.run(k.to_owned());
    let date = move |k: &str| {
        let raw = v(k);
        day_of(&raw).map(str::to_owned).unwrap_or(raw)
    };
    view! {
        <form class="filters" method="get" aria-label=tx.filter_tasks>
            <label class="field"><span>{tx.text}</span><input type="search" name="q" value=v("q") placeholder=tx.text_placeholder/></label>
            <div class="field"><label for="lf-status">{tx.status}</label>
                <select id="lf-status" name="status">
                    <option value="">{tx.any}</option>
                    {columns.into_iter().map(|c| { let sel = v("status") == c.key; view! { <option value=c.key.clone() selected=sel>{c.name}</option> } }).collect_view()}
                </select>
            </div>
            <div class="field"><label for="lf-priority">{tx.priority}</label>
                <select id="lf-priority" name="priority">
                    <option value="">{tx.any}</option>
                    {[Priority::Urgent, Priority::High, Priority::Medium, Priority::Low].into_iter().map(|p| view! { <option value=p.as_str() selected=v("priority") == p.as_str()>{crate::i18n::priority_label(p)}</option> }).collect_view()}
                </select>
            </div>
            <div class="field"><label for="lf-assignee">{tx.assignee}</label>
                <select id="lf-assignee" name="assignee">
                    <option value="">{tx.anyone}</option>
                    {people.into_iter().map(|m| { let sel = v("assignee") == m.user_id; view! { <option value=m.user_id.clone() selected=sel>{m.name}</option> } }).collect_view()}
                </select>
            </div>
            <label class="field"><span>{tx.label}</span><input type="text" name="label" value=v("label")/></label>
            <label class="field"><span>{tx.due_after}</span><input type="date" name="due_after" value=date("due_after")/></label>
            <label class="field"><span>{tx.due_before}</span><input type="date" name="due_before" value=date("due_before")/></label>
            <div class="field"><label for="lf-sort">{tx.sort}</label>
                <select id="lf-sort" name="sort">
                    {[("position", tx.sort_position), ("due_at", tx.sort_due), ("priority", tx.priority), ("updated_at", tx.sort_updated), ("created_at", tx.sort_newest)]
                        .into_iter().map(|(k, l)| view! { <option value=k selected=v("sort") == k>{l}</option> }).collect_view()}
                </select>
            </div>
            <div class="filters__actions">
                <button type="submit" class="button button--primary">{tx.apply}</button>
                <a class="button button--ghost" href="?">{tx.clear}</a>
            </div>
        </form>
    }
}

#[component]
fn SavedFilters(current: Memo<String>) -> impl IntoView {
    let ctx = use_ws();
    let tx = text();
    let version = RwSignal::new(0u32);
    let list = Resource::new_blocking(
        move || (ctx.id.get(), version.get()),
        |(id, _)| saved_filters(id),
    );
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, n, q) = (
            ctx.id.get_untracked(),
            name.get_untracked(),
            current.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            match save_filter(id, n, q).await {
                Ok(_) => {
                    name.set(String::new());
                    error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(
                    e.fields
                        .and_then(|f| {
                            f.into_iter()
                                .next()
                                .map(|(k, v)| crate::i18n::fill(tx.field_error, &[&k, &v]))
                        })
                        .unwrap_or(e.message),
                )),
            }
        });
    };
    view! {
        <aside class="saved-filters" aria-labelledby="saved-title">
            <h2 id="saved-title">{tx.saved_filters}</h2>
            <Transition fallback=|| ()>
                {move || list.get().map(|r| match r {
                    Ok(items) if items.is_empty() => view! { <p class="muted small">{tx.saved_none}</p> }.into_any(),
                    Ok(items) => view! {
                        <ul>
                            {items.into_iter().map(|f| {
                                let fid = f.id.clone();
                                let delete_label = crate::i18n::fill(tx.delete_saved, &[&f.name]);
                                view! {
                                    <li><a href=format!("?{}", f.query)>{f.name.clone()}</a>
                                        <button type="button" class="icon-button" aria-label=delete_label on:click=move |_| {
                                            let (id, fid) = (ctx.id.get_untracked(), fid.clone());
                                            leptos::task::spawn_local(async move {
                                                match delete_filter(id, fid).await {
                                                    Ok(()) => version.update(|v| *v += 1),
                                                    Err(e) => error.set(Some(e.message)),
                                                }
                                            });
                                        }>"✕"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error">{e.message}</p> }.into_any(),
                })}
            </Transition>
            <form class="saved-filters__new" on:submit=save>
                <label class="sr-only" for="filter-name">{tx.filter_name}</label>
                <input id="filter-name" type="text" placeholder=tx.filter_name_placeholder maxlength="60" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit" class="button button--ghost button--small">{tx.save}</button>
            </form>
            <p class="form-error" role="alert">{move || error.get()}</p>
        </aside>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        loading: &'static str,
        no_match: &'static str,
        no_match_hint: &'static str,
        tasks: &'static str,
        title: &'static str,
        status: &'static str,
        priority: &'static str,
        assignees: &'static str,
        labels: &'static str,
        due: &'static str,
        load_more: &'static str,
        filter_tasks: &'static str,
        text: &'static str,
        text_placeholder: &'static str,
        any: &'static str,
        assignee: &'static str,
        anyone: &'static str,
        label: &'static str,
        due_after: &'static str,
        due_before: &'static str,
        sort: &'static str,
        sort_position: &'static str,
        sort_due: &'static str,
        sort_updated: &'static str,
        sort_newest: &'static str,
        apply: &'static str,
        clear: &'static str,
        /// (field, the server's message about it)
        field_error: &'static str,
        saved_filters: &'static str,
        saved_none: &'static str,
        delete_saved: &'static str,
        filter_name: &'static str,
        filter_name_placeholder: &'static str,
        save: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    loading: "Loading tasks…",
    no_match: "No tasks match",
    no_match_hint: "Change or clear the filters above.",
    tasks: "Tasks",
    title: "Title",
    status: "Status",
    priority: "Priority",
    assignees: "Assignees",
    labels: "Labels",
    due: "Due",
    load_more: "Load more",
    filter_tasks: "Filter tasks",
    text: "Text",
    text_placeholder: "In title or description",
    any: "Any",
    assignee: "Assignee",
    anyone: "Anyone",
    label: "Label",
    due_after: "Due after",
    due_before: "Due before",
    sort: "Sort",
    sort_position: "Board order",
    sort_due: "Due date",
    sort_updated: "Recently updated",
    sort_newest: "Newest",
    apply: "Apply",
    clear: "Clear",
    field_error: "The {0} {1}.",
    saved_filters: "Saved filters",
    saved_none: "None yet: filter the list, then save it here.",
    delete_saved: "Delete the saved filter {0}",
    filter_name: "Name for the current filter",
    filter_name_placeholder: "Name this filter…",
    save: "Save",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    loading: "Aufgaben werden geladen…",
    no_match: "Keine passenden Aufgaben",
    no_match_hint: "Ändere die Filter oben oder setze sie zurück.",
    tasks: "Aufgaben",
    title: "Titel",
    status: "Status",
    priority: "Priorität",
    assignees: "Zuständig",
    labels: "Labels",
    due: "Fällig",
    load_more: "Mehr laden",
    filter_tasks: "Aufgaben filtern",
    text: "Text",
    text_placeholder: "In Titel oder Beschreibung",
    any: "Alle",
    assignee: "Zuständig",
    anyone: "Alle",
    label: "Label",
    due_after: "Fällig nach",
    due_before: "Fällig vor",
    sort: "Sortierung",
    sort_position: "Board-Reihenfolge",
    sort_due: "Fälligkeitsdatum",
    sort_updated: "Zuletzt geändert",
    sort_newest: "Neueste zuerst",
    apply: "Anwenden",
    clear: "Zurücksetzen",
    field_error: "{0}: {1}.",
    saved_filters: "Gespeicherte Filter",
    saved_none: "Noch keine: Filtere die Liste und speichere den Filter dann hier.",
    delete_saved: "Gespeicherten Filter {0} löschen",
    filter_name: "Name für den aktuellen Filter",
    filter_name_placeholder: "Filter benennen…",
    save: "Speichern",
};
