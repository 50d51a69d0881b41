//! Workspace settings: name, columns (rename, reorder, add, remove — tasks of a removed column
//! move), export and import, and deleting the workspace. Changing things is for owners; anyone
//! may export what they can read.

use domain::task::ImportReport;
use domain::workspace::{Column, ColumnCategory, WorkspaceView};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{load_error, use_ws};
#[cfg(feature = "hydrate")]
use crate::api::import_file;
use crate::api::{delete_workspace, update_workspace};

fn slug(name: &str, taken: &[Column]) -> String {
    let mut base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    base.truncate(28);
    if base.is_empty() {
        base = "column".into();
    }
    let mut key = base.clone();
    let mut n = 2;
    while taken.iter().any(|c| c.key == key) {
        key = format!("{base}_{n}");
        n += 1;
    }
    key
}

#[component]
pub fn SettingsView() -> impl IntoView {
    let ctx = use_ws();
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || ctx.workspace.get().map(|r| r.map_or_else(load_error, |ws| view! { <Settings ws=ws/> }.into_any()))}
        </Transition>
    }
}

#[component]
fn Settings(ws: WorkspaceView) -> impl IntoView {
    let ctx = use_ws();
    let owner = ws.role.can_manage();
    let name = RwSignal::new(ws.name.clone());
    let columns = RwSignal::new(ws.columns.clone());
    let new_column = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let original = StoredValue::new(ws.columns.clone());
    let navigate = use_navigate();

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cols = columns.get_untracked();
        let removed: Vec<String> = original.with_value(|o| {
            o.iter()
                .filter(|c| !cols.iter().any(|n| n.key == c.key))
                .map(|c| c.name.clone())
                .collect()
        });
        #[cfg(feature = "hydrate")]
        if !removed.is_empty()
            && !window()
                .confirm_with_message(&format!(
                    "Remove {}? Their cards move to a remaining column.",
                    removed.join(", ")
                ))
                .unwrap_or(false)
        {
            return;
        }
        let _ = removed;
        let (id, n) = (ctx.id.get_untracked(), name.get_untracked());
        leptos::task::spawn_local(async move {
            match update_workspace(id, Some(n), Some(cols)).await {
                Ok(ws) => {
                    original.set_value(ws.columns.clone());
                    columns.set(ws.columns);
                    message.set(Some((true, "Saved.".into())));
                    ctx.bump();
                }
                Err(e) => message.set(Some((
                    false,
                    e.fields
                        .and_then(|f| f.into_iter().next().map(|(k, v)| format!("The {k} {v}.")))
                        .unwrap_or(e.message),
                ))),
            }
        });
    };
    let delete = move |_| {
        #[cfg(feature = "hydrate")]
        if !window()
            .confirm_with_message("Delete this workspace with all its tasks, comments and files? This cannot be undone.")
            .unwrap_or(false)
        {
            return;
        }
        let id = ctx.id.get_untracked();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match delete_workspace(id).await {
                Ok(()) => navigate("/workspaces", Default::default()),
                Err(e) => message.set(Some((false, e.message))),
            }
        });
    };

    view! {
        {owner.then(|| view! {
            <form class="panel settings" on:submit=save aria-labelledby="settings-title">
                <h2 id="settings-title">"Workspace"</h2>
                <label class="field"><span>"Name"</span>
                    <input type="text" required=true maxlength="100" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <fieldset class="columns-editor"><legend>"Columns"</legend>
                    <ol>
                        {move || {
                            let all = columns.get();
                            let n = all.len();
                            all.into_iter().enumerate().map(|(i, c)| view! {
                                <li class="column-row" data-testid="column-row">
                                    <label class="sr-only" for=format!("colname-{i}")>{format!("Name of column {}", i + 1)}</label>
                                    <input id=format!("colname-{i}") type="text" required=true maxlength="50" prop:value=c.name.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); columns.update(|cs| if let Some(x) = cs.get_mut(i) { x.name = v; }); }/>
                                    <label class="sr-only" for=format!("colcat-{i}")>{format!("Kind of column {}", i + 1)}</label>
                                    <select id=format!("colcat-{i}") on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        let cat = match v.as_str() { "in_progress" => ColumnCategory::InProgress, "done" => ColumnCategory::Done, _ => ColumnCategory::Todo };
                                        columns.update(|cs| if let Some(x) = cs.get_mut(i) { x.category = cat; });
                                    }>
                                        <option value="todo" selected=c.category == ColumnCategory::Todo>"To do"</option>
                                        <option value="in_progress" selected=c.category == ColumnCategory::InProgress>"In progress"</option>
                                        <option value="done" selected=c.category == ColumnCategory::Done>"Done"</option>
                                    </select>
                                    <button type="button" class="icon-button" aria-label=format!("Move {} earlier", c.name) disabled=i == 0 on:click=move |_| columns.update(|cs| if i > 0 { cs.swap(i, i - 1); })>"↑"</button>
                                    <button type="button" class="icon-button" aria-label=format!("Move {} later", c.name) disabled=i + 1 == n on:click=move |_| columns.update(|cs| if i + 1 < cs.len() { cs.swap(i, i + 1); })>"↓"</button>
                                    <button type="button" class="icon-button" aria-label=format!("Remove {}", c.name) disabled=n == 1 on:click=move |_| columns.update(|cs| if cs.len() > 1 { cs.remove(i); })>"✕"</button>
                                </li>
                            }).collect_view()
                        }}
                    </ol>
                    <div class="column-add">
                        <label class="sr-only" for="new-column">"New column name"</label>
                        <input id="new-column" type="text" placeholder="New column…" maxlength="50" prop:value=move || new_column.get() on:input=move |ev| new_column.set(event_target_value(&ev))/>
                        <button type="button" class="button button--ghost button--small" on:click=move |_| {
                            let n = new_column.get_untracked();
                            if n.trim().is_empty() { return; }
                            columns.update(|cs| { let key = slug(&n, cs); cs.push(Column { key, name: n.trim().to_owned(), category: ColumnCategory::Todo }); });
                            new_column.set(String::new());
                        }>"Add column"</button>
                    </div>
                    <p class="muted small">"Cards of a removed column move to the first remaining column of the same kind."</p>
                </fieldset>
                <p class=move || if message.get().is_some_and(|m| m.0) { "form-ok" } else { "form-error" } role="status">{move || message.get().map(|m| m.1)}</p>
                <button type="submit" class="button button--primary">"Save"</button>
            </form>
        })}
        <ExportImport ws_id=ws.id.clone() can_import=ws.role.can_edit_tasks()/>
        {owner.then(|| view! {
            <section class="panel danger-zone" aria-labelledby="danger-title">
                <h2 id="danger-title">"Delete workspace"</h2>
                <p class="muted">"Deletes every task, comment and file in it, for everyone."</p>
                <button type="button" class="button button--danger" on:click=delete>"Delete this workspace"</button>
            </section>
        })}
    }
}

#[component]
fn ExportImport(ws_id: String, can_import: bool) -> impl IntoView {
    let ctx = use_ws();
    let report = RwSignal::new(None::<Result<ImportReport, String>>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let run = move |dry_run: bool| {
        // One check or import at a time; the buttons stay focusable meanwhile (see below).
        if busy.get_untracked() {
            return;
        }
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = input.get().and_then(|i| i.files()).and_then(|l| l.get(0)) else {
                report.set(Some(Err("Choose a file first.".into())));
                return;
            };
            let csv = file.name().to_lowercase().ends_with(".csv");
            let id = ctx.id.get_untracked();
            busy.set(true);
            leptos::task::spawn_local(async move {
                let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(t) => t.as_string().unwrap_or_default(),
                    Err(_) => {
                        report.set(Some(Err("The file could not be read.".into())));
                        busy.set(false);
                        return;
                    }
                };
                let result = import_file(id, csv, text, dry_run)
                    .await
                    .map_err(|e| e.message);
                if matches!(&result, Ok(r) if !r.dry_run && r.rejected.is_empty()) {
                    ctx.bump();
                }
                report.set(Some(result));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (dry_run, input, ctx);
    };
    view! {
        <section class="panel" aria-labelledby="export-title">
            <h2 id="export-title">"Export"</h2>
            <p class="muted">"Everything (columns, members, tasks, comments) as JSON to import elsewhere, or the tasks as CSV for a spreadsheet."</p>
            <div class="button-row">
                <a class="button button--ghost" href=format!("/api/v1/workspaces/{ws_id}/export?format=json") download="">"Download JSON"</a>
                <a class="button button--ghost" href=format!("/api/v1/workspaces/{ws_id}/export?format=csv") download="">"Download CSV"</a>
            </div>
        </section>
        {can_import.then(|| view! {
            <section class="panel" aria-labelledby="import-title">
                <h2 id="import-title">"Import"</h2>
                <p class="muted">"A JSON export from Task Manager, or a CSV with a header row (title required; description, status, priority, labels, assignees, due_at, start_at optional). Check first: nothing is imported unless every row is valid."</p>
                <label class="field"><span>"File"</span><input type="file" accept=".json,.csv,application/json,text/csv" node_ref=input/></label>
                <div class="button-row">
                    // aria-disabled, not disabled: a disabled button drops keyboard focus to the
                    // page while the file is checked or imported.
                    <button type="button" class="button button--ghost" aria-disabled=move || busy.get().then_some("true") on:click=move |_| run(true)>"Check"</button>
                    <button type="button" class="button button--primary" aria-disabled=move || busy.get().then_some("true") on:click=move |_| run(false)>"Import"</button>
                </div>
                {move || report.get().map(|r| match r {
                    Ok(rep) if rep.rejected.is_empty() => view! {
                        <div class="form-ok" role="status">
                            {if rep.dry_run { format!("All {} rows are valid. Nothing was imported yet.", rep.imported) } else { format!("Imported {} tasks.", rep.imported) }}
                            <ul>{rep.warnings.into_iter().map(|w| view! { <li class="muted">{w}</li> }).collect_view()}</ul>
                        </div>
                    }.into_any(),
                    Ok(rep) => view! {
                        <div class="form-error" role="alert">
                            <p>{format!("{} rows have problems; nothing was imported:", rep.rejected.len())}</p>
                            <ul>{rep.rejected.into_iter().take(50).map(|row| view! {
                                <li>{format!("Row {}: {}", row.row, row.errors.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join("; "))}</li>
                            }).collect_view()}</ul>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                })}
            </section>
        })}
    }
}
