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
    let t = text();
    let ctx = use_ws();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
            {move || ctx.workspace.get().map(|r| r.map_or_else(load_error, |ws| view! { <Settings ws=ws/> }.into_any()))}
        </Transition>
    }
}

#[component]
fn Settings(ws: WorkspaceView) -> impl IntoView {
    let t = text();
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
                .confirm_with_message(&crate::i18n::fill(t.remove_columns, &[&removed.join(", ")]))
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
                    message.set(Some((true, t.saved.into())));
                    ctx.bump();
                }
                Err(e) => message.set(Some((
                    false,
                    e.fields
                        .and_then(|f| {
                            f.into_iter()
                                .next()
                                .map(|(k, v)| crate::i18n::fill(t.field_error, &[&k, &v]))
                        })
                        .unwrap_or(e.message),
                ))),
            }
        });
    };
    let delete = move |_| {
        #[cfg(feature = "hydrate")]
        if !window()
            .confirm_with_message(t.delete_confirm)
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
                <h2 id="settings-title">{t.workspace}</h2>
                <label class="field"><span>{t.name}</span>
                    <input type="text" required=true maxlength="100" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <fieldset class="columns-editor"><legend>{t.columns}</legend>
                    <ol>
                        {move || {
                            let all = columns.get();
                            let n = all.len();
                            all.into_iter().enumerate().map(|(i, c)| view! {
                                <li class="column-row" data-testid="column-row">
                                    <label class="sr-only" for=format!("colname-{i}")>{crate::i18n::fill(t.column_name, &[&(i + 1)])}</label>
                                    <input id=format!("colname-{i}") type="text" required=true maxlength="50" prop:value=c.name.clone()
                                        on:change=move |ev| { let v = event_target_value(&ev); columns.update(|cs| if let Some(x) = cs.get_mut(i) { x.name = v; }); }/>
                                    <label class="sr-only" for=format!("colcat-{i}")>{crate::i18n::fill(t.column_kind, &[&(i + 1)])}</label>
                                    <select id=format!("colcat-{i}") on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        let cat = match v.as_str() { "in_progress" => ColumnCategory::InProgress, "done" => ColumnCategory::Done, _ => ColumnCategory::Todo };
                                        columns.update(|cs| if let Some(x) = cs.get_mut(i) { x.category = cat; });
                                    }>
                                        <option value="todo" selected=c.category == ColumnCategory::Todo>{t.todo}</option>
                                        <option value="in_progress" selected=c.category == ColumnCategory::InProgress>{t.in_progress}</option>
                                        <option value="done" selected=c.category == ColumnCategory::Done>{t.done}</option>
                                    </select>
                                    <button type="button" class="icon-button" aria-label=crate::i18n::fill(t.move_earlier, &[&c.name]) disabled=i == 0 on:click=move |_| columns.update(|cs| if i > 0 { cs.swap(i, i - 1); })>"↑"</button>
                                    <button type="button" class="icon-button" aria-label=crate::i18n::fill(t.move_later, &[&c.name]) disabled=i + 1 == n on:click=move |_| columns.update(|cs| if i + 1 < cs.len() { cs.swap(i, i + 1); })>"↓"</button>
                                    <button type="button" class="icon-button" aria-label=crate::i18n::fill(t.remove_column, &[&c.name]) disabled=n == 1 on:click=move |_| columns.update(|cs| if cs.len() > 1 { cs.remove(i); })>"✕"</button>
                                </li>
                            }).collect_view()
                        }}
                    </ol>
                    <div class="column-add">
                        <label class="sr-only" for="new-column">{t.new_column_name}</label>
                        <input id="new-column" type="text" placeholder=t.new_column maxlength="50" prop:value=move || new_column.get() on:input=move |ev| new_column.set(event_target_value(&ev))/>
                        <button type="button" class="button button--ghost button--small" on:click=move |_| {
                            let n = new_column.get_untracked();
                            if n.trim().is_empty() { return; }
                            columns.update(|cs| { let key = slug(&n, cs); cs.push(Column { key, name: n.trim().to_owned(), category: ColumnCategory::Todo }); });
                            new_column.set(String::new());
                        }>{t.add_column}</button>
                    </div>
                    <p class="muted small">{t.removed_hint}</p>
                </fieldset>
                <p class=move || if message.get().is_some_and(|m| m.0) { "form-ok" } else { "form-error" } role="status">{move || message.get().map(|m| m.1)}</p>
                <button type="submit" class="button button--primary">{t.save}</button>
            </form>
        })}
        <ExportImport ws_id=ws.id.clone() can_import=ws.role.can_edit_tasks()/>
        {owner.then(|| view! {
            <section class="panel danger-zone" aria-labelledby="danger-title">
                <h2 id="danger-title">{t.delete_title}</h2>
                <p class="muted">{t.delete_hint}</p>
                <button type="button" class="button button--danger" on:click=delete>{t.delete_button}</button>
            </section>
        })}
    }
}

#[component]
fn ExportImport(ws_id: String, can_import: bool) -> impl IntoView {
    let t = text();
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
                report.set(Some(Err(t.choose_file.into())));
                return;
            };
            let csv = file.name().to_lowercase().ends_with(".csv");
            let id = ctx.id.get_untracked();
            busy.set(true);
            leptos::task::spawn_local(async move {
                let text = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    Ok(v) => v.as_string().unwrap_or_default(),
                    Err(_) => {
                        report.set(Some(Err(t.unreadable.into())));
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
            <h2 id="export-title">{t.export}</h2>
            <p class="muted">{t.export_hint}</p>
            <div class="button-row">
                <a class="button button--ghost" href=format!("/api/v1/workspaces/{ws_id}/export?format=json") download="">{t.download_json}</a>
                <a class="button button--ghost" href=format!("/api/v1/workspaces/{ws_id}/export?format=csv") download="">{t.download_csv}</a>
            </div>
        </section>
        {can_import.then(|| view! {
            <section class="panel" aria-labelledby="import-title">
                <h2 id="import-title">{t.import}</h2>
                <p class="muted">{t.import_hint}</p>
                <label class="field"><span>{t.file}</span><input type="file" accept=".json,.csv,application/json,text/csv" node_ref=input/></label>
                <div class="button-row">
                    // aria-disabled, not disabled: a disabled button drops keyboard focus to the
                    // page while the file is checked or imported.
                    <button type="button" class="button button--ghost" aria-disabled=move || busy.get().then_some("true") on:click=move |_| run(true)>{t.check}</button>
                    <button type="button" class="button button--primary" aria-disabled=move || busy.get().then_some("true") on:click=move |_| run(false)>{t.import_button}</button>
                </div>
                {move || report.get().map(|r| match r {
                    Ok(rep) if rep.rejected.is_empty() => view! {
                        <div class="form-ok" role="status">
                            {if rep.dry_run {
                                crate::i18n::fill(crate::i18n::plural(rep.imported as u64, t.all_valid_one, t.all_valid_other), &[&rep.imported])
                            } else {
                                crate::i18n::fill(crate::i18n::plural(rep.imported as u64, t.imported_one, t.imported_other), &[&rep.imported])
                            }}
                            <ul>{rep.warnings.into_iter().map(|w| view! { <li class="muted">{w}</li> }).collect_view()}</ul>
                        </div>
                    }.into_any(),
                    Ok(rep) => view! {
                        <div class="form-error" role="alert">
                            <p>{crate::i18n::fill(crate::i18n::plural(rep.rejected.len() as u64, t.rows_rejected_one, t.rows_rejected_other), &[&rep.rejected.len()])}</p>
                            <ul>{rep.rejected.into_iter().take(50).map(|row| view! {
                                <li>{crate::i18n::fill(t.row_errors, &[&row.row, &row.errors.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join("; ")])}</li>
                            }).collect_view()}</ul>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e}</p> }.into_any(),
                })}
            </section>
        })}
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        loading: &'static str,
        /// The names of the columns being removed, joined with ", ". (Confirmations are asked in
        /// the browser only.)
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        remove_columns: &'static str,
        saved: &'static str,
        /// {0} the field, {1} the server's reason
        field_error: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        delete_confirm: &'static str,
        workspace: &'static str,
        name: &'static str,
        columns: &'static str,
        /// {0} the column's position, from 1
        column_name: &'static str,
        column_kind: &'static str,
        todo: &'static str,
        in_progress: &'static str,
        done: &'static str,
        /// {0} the column's name
        move_earlier: &'static str,
        move_later: &'static str,
        remove_column: &'static str,
        new_column_name: &'static str,
        new_column: &'static str,
        add_column: &'static str,
        removed_hint: &'static str,
        save: &'static str,
        delete_title: &'static str,
        delete_hint: &'static str,
        delete_button: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        choose_file: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        unreadable: &'static str,
        export: &'static str,
        export_hint: &'static str,
        download_json: &'static str,
        download_csv: &'static str,
        import: &'static str,
        import_hint: &'static str,
        file: &'static str,
        check: &'static str,
        import_button: &'static str,
        /// {0} the number of rows (English uses the plural form for one row, too)
        all_valid_one: &'static str,
        all_valid_other: &'static str,
        /// {0} the number of tasks
        imported_one: &'static str,
        imported_other: &'static str,
        /// {0} the number of rows
        rows_rejected_one: &'static str,
        rows_rejected_other: &'static str,
        /// {0} the row number, {1} its problems joined with "; "
        row_errors: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    loading: "Loading…",
    remove_columns: "Remove {0}? Their cards move to a remaining column.",
    saved: "Saved.",
    field_error: "The {0} {1}.",
    delete_confirm: "Delete this workspace with all its tasks, comments and files? This cannot be undone.",
    workspace: "Workspace",
    name: "Name",
    columns: "Columns",
    column_name: "Name of column {0}",
    column_kind: "Kind of column {0}",
    todo: "To do",
    in_progress: "In progress",
    done: "Done",
    move_earlier: "Move {0} earlier",
    move_later: "Move {0} later",
    remove_column: "Remove {0}",
    new_column_name: "New column name",
    new_column: "New column…",
    add_column: "Add column",
    removed_hint: "Cards of a removed column move to the first remaining column of the same kind.",
    save: "Save",
    delete_title: "Delete workspace",
    delete_hint: "Deletes every task, comment and file in it, for everyone.",
    delete_button: "Delete this workspace",
    choose_file: "Choose a file first.",
    unreadable: "The file could not be read.",
    export: "Export",
    export_hint: "Everything (columns, members, tasks, comments) as JSON to import elsewhere, or the tasks as CSV for a spreadsheet.",
    download_json: "Download JSON",
    download_csv: "Download CSV",
    import: "Import",
    import_hint: "A JSON export from Task Manager, or a CSV with a header row (title required; description, status, priority, labels, assignees, due_at, start_at optional). Check first: nothing is imported unless every row is valid.",
    file: "File",
    check: "Check",
    import_button: "Import",
    all_valid_one: "All {0} rows are valid. Nothing was imported yet.",
    all_valid_other: "All {0} rows are valid. Nothing was imported yet.",
    imported_one: "Imported {0} tasks.",
    imported_other: "Imported {0} tasks.",
    rows_rejected_one: "{0} rows have problems; nothing was imported:",
    rows_rejected_other: "{0} rows have problems; nothing was imported:",
    row_errors: "Row {0}: {1}",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    loading: "Wird geladen…",
    remove_columns: "{0} entfernen? Die Karten darin wandern in eine verbleibende Spalte.",
    saved: "Gespeichert.",
    field_error: "Feld „{0}“: {1}.",
    delete_confirm: "Diesen Workspace mit allen Aufgaben, Kommentaren und Dateien löschen? Das kann nicht rückgängig gemacht werden.",
    workspace: "Workspace",
    name: "Name",
    columns: "Spalten",
    column_name: "Name der Spalte {0}",
    column_kind: "Art der Spalte {0}",
    todo: "Zu erledigen",
    in_progress: "In Arbeit",
    done: "Erledigt",
    move_earlier: "Spalte {0} nach vorne verschieben",
    move_later: "Spalte {0} nach hinten verschieben",
    remove_column: "Spalte {0} entfernen",
    new_column_name: "Name der neuen Spalte",
    new_column: "Neue Spalte…",
    add_column: "Spalte hinzufügen",
    removed_hint: "Karten einer entfernten Spalte wandern in die erste verbleibende Spalte derselben Art.",
    save: "Speichern",
    delete_title: "Workspace löschen",
    delete_hint: "Löscht alle Aufgaben, Kommentare und Dateien darin – für alle.",
    delete_button: "Diesen Workspace löschen",
    choose_file: "Wähle zuerst eine Datei aus.",
    unreadable: "Die Datei konnte nicht gelesen werden.",
    export: "Export",
    export_hint: "Alles (Spalten, Mitglieder, Aufgaben, Kommentare) als JSON zum Importieren an anderer Stelle oder die Aufgaben als CSV für eine Tabellenkalkulation.",
    download_json: "JSON herunterladen",
    download_csv: "CSV herunterladen",
    import: "Import",
    import_hint: "Ein JSON-Export aus Task Manager oder eine CSV-Datei mit Kopfzeile (title erforderlich; description, status, priority, labels, assignees, due_at, start_at optional). Prüfe zuerst: Es wird nur importiert, wenn alle Zeilen gültig sind.",
    file: "Datei",
    check: "Prüfen",
    import_button: "Importieren",
    all_valid_one: "Die Zeile ist gültig. Es wurde noch nichts importiert.",
    all_valid_other: "Alle {0} Zeilen sind gültig. Es wurde noch nichts importiert.",
    imported_one: "1 Aufgabe importiert.",
    imported_other: "{0} Aufgaben importiert.",
    rows_rejected_one: "1 Zeile hat Fehler; es wurde nichts importiert:",
    rows_rejected_other: "{0} Zeilen haben Fehler; es wurde nichts importiert:",
    row_errors: "Zeile {0}: {1}",
};
