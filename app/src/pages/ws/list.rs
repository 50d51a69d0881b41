//! The list (table) view: filters and sort live in the URL (a plain GET form, so it works
//! before hydration and links can be shared), pages load on demand, and filters can be saved.

use domain::task::{TaskQuery, TaskView};
use domain::workspace::{Column, MemberView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::dates::{day_of, day_to_due, day_to_start, short_date};
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
        <Transition fallback=|| view! { <p class="muted">"Loading tasks…"</p> }>
            {move || {
                let columns = ctx.workspace.get().and_then(Result::ok).map(|w| w.columns).unwrap_or_default();
                let people = people.get().and_then(Result::ok).unwrap_or_default();
                first.get().map(|r| match r {
                    Ok(page) if page.items.is_empty() => view! {
                        <section class="empty-state"><h2>"No tasks match"</h2><p class="muted">"Change or clear the filters above."</p></section>
                    }.into_any(),
                    Ok(page) => {
                        let columns = StoredValue::new(columns);
                        let people = StoredValue::new(people);
                        let base = filter_string.get();
                        let base = StoredValue::new(base);
                        view! {
                            <table class="task-table" data-testid="task-table">
                                <caption class="sr-only">"Tasks"</caption>
                                <thead><tr><th scope="col">"Title"</th><th scope="col">"Status"</th><th scope="col">"Priority"</th><th scope="col">"Assignees"</th><th scope="col">"Labels"</th><th scope="col">"Due"</th></tr></thead>
                                <tbody>
                                    {page.items.into_iter().map(|t| view! { <Row t=t columns=columns people=people base=base/> }).collect_view()}
                                    {move || extra.get().into_iter().map(|t| view! { <Row t=t columns=columns people=people base=base/> }).collect_view()}
                                </tbody>
                            </table>
                            {move || next.get().is_some().then(|| view! {
                                <button type="button" class="button button--ghost" on:click=load_more>"Load more"</button>
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
            <td><span class=format!("prio prio--{}", t.priority.as_str())>{t.priority.as_str()}</span></td>
            <td>{names}</td>
            <td>{t.labels.iter().map(|l| view! { <span class="label">{l.clone()}</span> }).collect_view()}</td>
            <td>{t.due_at.as_deref().map(|d| short_date(d, 0)).unwrap_or_default()}</td>
        </tr>
    }
}

#[component]
fn FilterForm(
    columns: Vec<Column>,
    people: Vec<MemberView>,
    get: Callback<String, String>,
) -> impl IntoView {
    let v = move |k: &str| get.run(k.to_owned());
    let date = move |k: &str| {
        let raw = v(k);
        day_of(&raw).map(str::to_owned).unwrap_or(raw)
    };
    view! {
        <form class="filters" method="get" aria-label="Filter tasks">
            <label class="field"><span>"Text"</span><input type="search" name="q" value=v("q") placeholder="In title or description"/></label>
            <div class="field"><label for="lf-status">"Status"</label>
                <select id="lf-status" name="status">
                    <option value="">"Any"</option>
                    {columns.into_iter().map(|c| { let sel = v("status") == c.key; view! { <option value=c.key.clone() selected=sel>{c.name}</option> } }).collect_view()}
                </select>
            </div>
            <div class="field"><label for="lf-priority">"Priority"</label>
                <select id="lf-priority" name="priority">
                    <option value="">"Any"</option>
                    {["urgent", "high", "medium", "low"].into_iter().map(|p| view! { <option value=p selected=v("priority") == p>{p}</option> }).collect_view()}
                </select>
            </div>
            <div class="field"><label for="lf-assignee">"Assignee"</label>
                <select id="lf-assignee" name="assignee">
                    <option value="">"Anyone"</option>
                    {people.into_iter().map(|m| { let sel = v("assignee") == m.user_id; view! { <option value=m.user_id.clone() selected=sel>{m.name}</option> } }).collect_view()}
                </select>
            </div>
            <label class="field"><span>"Label"</span><input type="text" name="label" value=v("label")/></label>
            <label class="field"><span>"Due after"</span><input type="date" name="due_after" value=date("due_after")/></label>
            <label class="field"><span>"Due before"</span><input type="date" name="due_before" value=date("due_before")/></label>
            <div class="field"><label for="lf-sort">"Sort"</label>
                <select id="lf-sort" name="sort">
                    {[("position", "Board order"), ("due_at", "Due date"), ("priority", "Priority"), ("updated_at", "Recently updated"), ("created_at", "Newest")]
                        .into_iter().map(|(k, l)| view! { <option value=k selected=v("sort") == k>{l}</option> }).collect_view()}
                </select>
            </div>
            <div class="filters__actions">
                <button type="submit" class="button button--primary">"Apply"</button>
                <a class="button button--ghost" href="?">"Clear"</a>
            </div>
        </form>
    }
}

#[component]
fn SavedFilters(current: Memo<String>) -> impl IntoView {
    let ctx = use_ws();
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
                        .and_then(|f| f.into_iter().next().map(|(k, v)| format!("The {k} {v}.")))
                        .unwrap_or(e.message),
                )),
            }
        });
    };
    view! {
        <aside class="saved-filters" aria-labelledby="saved-title">
            <h2 id="saved-title">"Saved filters"</h2>
            <Transition fallback=|| ()>
                {move || list.get().map(|r| match r {
                    Ok(items) if items.is_empty() => view! { <p class="muted small">"None yet: filter the list, then save it here."</p> }.into_any(),
                    Ok(items) => view! {
                        <ul>
                            {items.into_iter().map(|f| {
                                let fid = f.id.clone();
                                view! {
                                    <li><a href=format!("?{}", f.query)>{f.name.clone()}</a>
                                        <button type="button" class="icon-button" aria-label=format!("Delete the saved filter {}", f.name) on:click=move |_| {
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
                <label class="sr-only" for="filter-name">"Name for the current filter"</label>
                <input id="filter-name" type="text" placeholder="Name this filter…" maxlength="60" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit" class="button button--ghost button--small">"Save"</button>
            </form>
            <p class="form-error" role="alert">{move || error.get()}</p>
        </aside>
    }
}
