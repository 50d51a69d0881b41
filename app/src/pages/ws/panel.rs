//! The task panel: every field of a task, its checklist, comments, activity and attachments.
//! Opened by `?task=<id>` over any workspace view, so it has a URL and renders on the server.
//! Saving sends the version the panel loaded; when someone else saved first the panel says so
//! and offers to reload their version or overwrite it with these edits.

use domain::task::{
    AttachmentView, ChecklistItem, Priority, Recurrence, TaskDetail, UpdateTaskRequest,
};
use domain::workspace::MemberView;
use domain::ErrorCode;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use super::dates::{day_of, day_to_due, day_to_start};
use super::{load_error, member_name, use_ws};
use crate::api::{
    fetch_task_detail, post_comment, preview_markdown, remove_attachment, remove_task, save_task,
    SaveTask,
};
use crate::offline;

#[component]
pub fn TaskPanel(task_id: String) -> impl IntoView {
    let tx = text();
    let reload = RwSignal::new(0u32);
    let id = task_id.clone();
    let detail =
        Resource::new_blocking(move || reload.get(), move |_| fetch_task_detail(id.clone()));
    let location = use_location();
    let close_href = move || location.pathname.get();
    let navigate = use_navigate();
    let close = move || navigate(&location.pathname.get_untracked(), Default::default());
    let close_key = close.clone();
    let dialog = NodeRef::<leptos::html::Div>::new();
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => close_key(),
        "Tab" => keep_tab_inside(&ev, dialog),
        _ => {}
    };
    // A modal dialog takes focus when it opens (browser only: effects do not run on the
    // server) and gives it back to its card when it closes. Escape, the ✕ link, the backdrop
    // and Back all close it by leaving `?task=`, which disposes of this component.
    Effect::new(move |_| focus_panel());
    on_cleanup(move || focus_card(task_id));

    view! {
        <a class="panel-backdrop" href=close_href tabindex="-1" aria-hidden="true"></a>
        // A div: <aside> may not take role=dialog. tabindex=-1 lets the panel itself hold
        // focus while the task loads.
        <div class="task-panel" role="dialog" aria-modal="true" aria-labelledby="task-panel-title" tabindex="-1" data-testid="task-panel"
            node_ref=dialog on:keydown=on_key>
            <a class="panel-close icon-button" href=close_href aria-label=tx.close>"✕"</a>
            <Transition fallback=move || view! { <p class="muted">{tx.loading}</p> }>
                {move || detail.get().map(|r| match r {
                    Ok(d) => view! { <TaskEditor detail=d reload=reload/> }.into_any(),
                    Err(e) => load_error(e),
                })}
            </Transition>
        </div>
    }
}

/// Moves focus into the open panel: to the task's title, or to the panel itself while the task
/// loads. Focus the person already put in the panel stays where it is.
fn focus_panel() {
    #[cfg(feature = "hydrate")]
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        let doc = document();
        let Some(panel) = doc.query_selector(".task-panel").ok().flatten() else {
            return;
        };
        let working_in_it = doc
            .active_element()
            .is_some_and(|a| a != panel && a.closest(".task-panel").ok().flatten().is_some());
        if working_in_it {
            return;
        }
        let target = doc.get_element_by_id("task-panel-title").unwrap_or(panel);
        if let Ok(el) = target.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    });
}

/// Gives focus back to the card the panel was opened from once the panel is gone, unless the
/// person has already moved on to another control (a click elsewhere, say). Only the board has
/// cards; from other views there is nothing to go back to.
fn focus_card(task_id: String) {
    crate::focus::restore_later(format!("card-{task_id}"), None);
}

/// Keeps Tab inside the open panel (it is modal): past its last control focus wraps to the
/// first, and Shift+Tab from the first (or from the panel itself) to the last.
fn keep_tab_inside(ev: &leptos::ev::KeyboardEvent, dialog: NodeRef<leptos::html::Div>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(panel) = dialog.get_untracked() else {
            return;
        };
        let panel: &web_sys::Element = &panel;
        let (Some(first), Some(last)) = (tab_stop(panel, true), tab_stop(panel, false)) else {
            return;
        };
        let active = document().active_element();
        let on = |e: &web_sys::Element| active.as_ref() == Some(e);
        let to = if ev.shift_key() {
            (on(&first) || on(panel)).then_some(last)
        } else {
            on(&last).then_some(first)
        };
        if let Some(el) = to.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            ev.prevent_default();
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, dialog);
}

/// What Tab stops at inside the panel.
#[cfg(feature = "hydrate")]
const TAB_STOPS: &str = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/// The first (or last) Tab stop inside `root`, in document order, skipping what is not laid
/// out (hidden inputs, collapsed parts), which the browser skips too. A walk rather than
/// `querySelectorAll`, so no `NodeList` binding is needed.
#[cfg(feature = "hydrate")]
fn tab_stop(root: &web_sys::Element, first: bool) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    let stops = |e: &web_sys::Element| {
        e.matches(TAB_STOPS).unwrap_or(false)
            && e.dyn_ref::<web_sys::HtmlElement>()
                .is_none_or(|h| h.offset_width() > 0 || h.offset_height() > 0)
    };
    let mut child = if first {
        root.first_element_child()
    } else {
        root.last_element_child()
    };
    while let Some(c) = child {
        // In document order an element comes before its descendants: first in a forward
        // walk, last in a backward one.
        if first && stops(&c) {
            return Some(c);
        }
        if let Some(inner) = tab_stop(&c, first) {
            return Some(inner);
        }
        if !first && stops(&c) {
            return Some(c);
        }
        child = if first {
            c.next_element_sibling()
        } else {
            c.previous_element_sibling()
        };
    }
    None
}

fn recurrence_parts(r: Option<&Recurrence>) -> (&'static str, String, Vec<u8>) {
    match r {
        None => ("none", "2".into(), vec![]),
        Some(Recurrence::Daily) => ("daily", "2".into(), vec![]),
        Some(Recurrence::Monthly) => ("monthly", "2".into(), vec![]),
        Some(Recurrence::Weekly { weekdays }) => ("weekly", "2".into(), weekdays.clone()),
        Some(Recurrence::EveryNDays { n }) => ("every_n_days", n.to_string(), vec![]),
    }
}

#[component]
fn TaskEditor(detail: TaskDetail, reload: RwSignal<u32>) -> impl IntoView {
    let ctx = use_ws();
    let tx = text();
    // The title exists once the task has loaded: focus moves on to it from the panel.
    Effect::new(move |_| focus_panel());
    let t = detail.task.clone();
    let can_edit = detail.workspace.role.can_edit_tasks();
    let can_comment = detail.workspace.role.can_comment();
    let task_id = StoredValue::new(t.id.clone());
    let members = StoredValue::new(detail.members.clone());

    let title = RwSignal::new(t.title.clone());
    let description = RwSignal::new(t.description.clone());
    let status = RwSignal::new(t.status.clone());
    let priority = RwSignal::new(t.priority.as_str().to_owned());
    let labels = RwSignal::new(t.labels.join(", "));
    let assignees = RwSignal::new(t.assignee_ids.clone());
    let due = RwSignal::new(
        t.due_at
            .as_deref()
            .and_then(day_of)
            .unwrap_or("")
            .to_owned(),
    );
    let start = RwSignal::new(
        t.start_at
            .as_deref()
            .and_then(day_of)
            .unwrap_or("")
            .to_owned(),
    );
    let checklist = RwSignal::new(t.checklist.clone());
    let (kind, every, days) = recurrence_parts(t.recurrence.as_ref());
    let rec_kind = RwSignal::new(kind.to_owned());
    let rec_n = RwSignal::new(every);
    let rec_days = RwSignal::new(days);
    let version = RwSignal::new(t.version);
    let saving = RwSignal::new(false);
    let message = RwSignal::new(None::<(bool, String)>);
    let conflict = RwSignal::new(false);
    let preview = RwSignal::new(false);
    let preview_html = RwSignal::new(t.description_html.clone());

    let patch = move |v: i64| -> UpdateTaskRequest {
        let rec = match rec_kind.get_untracked().as_str() {
            "daily" => Some(Recurrence::Daily),
            "monthly" => Some(Recurrence::Monthly),
            "weekly" => Some(Recurrence::Weekly {
                weekdays: rec_days.get_untracked(),
            }),
            "every_n_days" => Some(Recurrence::EveryNDays {
                n: rec_n.get_untracked().trim().parse().unwrap_or(0),
            }),
            _ => None,
        };
        UpdateTaskRequest {
            version: v,
            title: Some(title.get_untracked()),
            description: Some(description.get_untracked()),
            status: Some(status.get_untracked()),
            priority: Priority::parse(&priority.get_untracked()),
            labels: Some(
                labels
                    .get_untracked()
                    .split(',')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
            assignee_ids: Some(assignees.get_untracked()),
            due_at: Some(day_to_due(&due.get_untracked())),
            start_at: Some(day_to_start(&start.get_untracked())),
            checklist: Some(checklist.get_untracked()),
            recurrence: Some(rec),
        }
    };

    let save = move |v: i64| {
        saving.set(true);
        message.set(None);
        let body = patch(v);
        leptos::task::spawn_local(async move {
            let call = SaveTask {
                task_id: task_id.get_value(),
                patch: body,
            };
            match save_task(call.task_id.clone(), call.patch.clone()).await {
                Ok(task) => {
                    version.set(task.version);
                    conflict.set(false);
                    message.set(Some((true, tx.saved.into())));
                    ctx.bump();
                }
                // Offline: the edit waits in this device's queue (a conflict then is shown by
                // the sync status, with the choice to apply it anyway).
                Err(e)
                    if offline::unreachable(&e)
                        && offline::queue(
                            &call,
                            crate::i18n::fill(
                                tx.queued_edit,
                                &[&call.patch.title.clone().unwrap_or_default()],
                            ),
                            &call.task_id,
                            "edit",
                        ) =>
                {
                    message.set(Some((true, tx.saved_offline.into())));
                }
                Err(e) if e.code == ErrorCode::VersionConflict => conflict.set(true),
                Err(e) => {
                    let detail = e
                        .fields
                        .map(|f| {
                            f.into_iter()
                                .map(|(k, v)| format!("{k} {v}"))
                                .collect::<Vec<_>>()
                                .join("; ")
                        })
                        .filter(|s| !s.is_empty())
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default();
                    message.set(Some((false, format!("{}{detail}", e.message))));
                }
            }
            saving.set(false);
        });
    };
    let overwrite = move |_| {
        saving.set(true);
        leptos::task::spawn_local(async move {
            match fetch_task_detail(task_id.get_value()).await {
                Ok(latest) => save(latest.task.version),
                Err(e) => {
                    message.set(Some((false, e.message)));
                    saving.set(false);
                }
            }
        });
    };
    let navigate = use_navigate();
    let delete = move |_| {
        #[cfg(feature = "hydrate")]
        if !window()
            .confirm_with_message(tx.confirm_delete)
            .unwrap_or(false)
        {
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match remove_task(task_id.get_value()).await {
                Ok(()) => {
                    ctx.bump();
                    navigate(
                        &format!("/w/{}", ctx.id.get_untracked()),
                        Default::default(),
                    );
                }
                Err(e) => message.set(Some((false, e.message))),
            }
        });
    };

    let columns = detail.workspace.columns.clone();
    let new_check = RwSignal::new(String::new());
    let created_at = t.created_at.clone();
    let created_by = member_name(&detail.members, &t.created_by);

    view! {
        <form class="task-form" on:submit=move |ev| {
            ev.prevent_default();
            // Ignored while saving: the button says so with aria-disabled (see below).
            if !saving.get_untracked() { save(version.get_untracked()); }
        }>
            <label class="sr-only" for="task-panel-title">{tx.title}</label>
            <input id="task-panel-title" class="task-form__title" type="text" required=true maxlength="200"
                value=t.title.clone() prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) readonly=!can_edit/>
            <p class="muted task-form__meta">{move || crate::i18n::fill(tx.created, &[&crate::i18n::local_day(&created_at, &crate::i18n::time_zone()), &created_by])}</p>

            {move || conflict.get().then(|| view! {
                <div class="conflict" role="alert" data-testid="conflict">
                    <p><strong>{tx.conflict}</strong></p>
                    <p>{tx.conflict_hint}</p>
                    <div class="conflict__actions">
                        <button type="button" class="button button--ghost" on:click=move |_| reload.update(|v| *v += 1)>{tx.reload_theirs}</button>
                        <button type="button" class="button button--primary" on:click=overwrite>{tx.overwrite}</button>
                    </div>
                </div>
            })}

            <div class="task-grid">
                <div class="field"><label for="tp-status">{tx.status}</label>
                    <select id="tp-status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev)) disabled=!can_edit>
                        {columns.iter().map(|c| view! { <option value=c.key.clone() selected=c.key == t.status>{c.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field"><label for="tp-priority">{tx.priority}</label>
                    <select id="tp-priority" prop:value=move || priority.get() on:change=move |ev| priority.set(event_target_value(&ev)) disabled=!can_edit>
                        {[Priority::Low, Priority::Medium, Priority::High, Priority::Urgent].into_iter().map(|p| view! { <option value=p.as_str() selected=p == t.priority>{crate::i18n::priority_label(p)}</option> }).collect_view()}
                    </select>
                </div>
                <label class="field"><span>{tx.start}</span>
                    <input type="date" value=start.get_untracked() prop:value=move || start.get() on:input=move |ev| start.set(event_target_value(&ev)) readonly=!can_edit/>
                </label>
                <label class="field"><span>{tx.due}</span>
                    <input type="date" value=due.get_untracked() prop:value=move || due.get() on:input=move |ev| due.set(event_target_value(&ev)) readonly=!can_edit/>
                </label>
                <label class="field task-grid__wide"><span>{tx.labels}</span>
                    <input type="text" placeholder=tx.labels_placeholder value=labels.get_untracked() prop:value=move || labels.get() on:input=move |ev| labels.set(event_target_value(&ev)) readonly=!can_edit/>
                </label>
                <div class="field"><label for="tp-repeats">{tx.repeats}</label>
                    <select id="tp-repeats" prop:value=move || rec_kind.get() on:change=move |ev| rec_kind.set(event_target_value(&ev)) disabled=!can_edit>
                        {[("none", tx.never), ("daily", tx.daily), ("weekly", tx.weekly), ("monthly", tx.monthly), ("every_n_days", tx.every_n_days)]
                            .into_iter().map(|(v, l)| view! { <option value=v selected=v == kind>{l}</option> }).collect_view()}
                    </select>
                </div>
                {move || match rec_kind.get().as_str() {
                    "every_n_days" => view! {
                        <label class="field"><span>{tx.every_days}</span>
                            <input type="number" min="1" max="365" prop:value=move || rec_n.get() on:input=move |ev| rec_n.set(event_target_value(&ev))/>
                        </label>
                    }.into_any(),
                    "weekly" => view! {
                        <fieldset class="field weekdays"><legend>{tx.on_days}</legend>
                            {(0..7usize).map(|i| {
                                let day = (i + 1) as u8;
                                let d = crate::i18n::weekday_short(i);
                                view! { <label class="checkbox"><input type="checkbox" prop:checked=move || rec_days.get().contains(&day)
                                    on:change=move |ev| { let on = event_target_checked(&ev); rec_days.update(|ds| { ds.retain(|x| *x != day); if on { ds.push(day); ds.sort_unstable(); } }); }/>{d}</label> }
                            }).collect_view()}
                        </fieldset>
                    }.into_any(),
                    _ => ().into_any(),
                }}
            </div>

            <fieldset class="field assignees"><legend>{tx.assignees}</legend>
                {members.get_value().into_iter().map(|m: MemberView| {
                    let uid = m.user_id.clone();
                    let uid2 = uid.clone();
                    view! { <label class="checkbox"><input type="checkbox" disabled=!can_edit checked=assignees.get_untracked().contains(&uid) prop:checked=move || assignees.get().contains(&uid)
                        on:change=move |ev| { let on = event_target_checked(&ev); let u = uid2.clone(); assignees.update(|a| { a.retain(|x| *x != u); if on { a.push(u); } }); }/>{m.name}</label> }
                }).collect_view()}
            </fieldset>

            <div class="field">
                <div class="field__row"><label for="task-description">{tx.description}</label>
                    <button type="button" class="link-button" on:click=move |_| {
                        if !preview.get_untracked() {
                            let text = description.get_untracked();
                            leptos::task::spawn_local(async move {
                                match preview_markdown(text).await {
                                    Ok(html) => preview_html.set(html),
                                    Err(e) => message.set(Some((false, e.message))),
                                }
                            });
                        }
                        preview.update(|p| *p = !*p);
                    }>{move || if preview.get() { tx.edit } else { tx.preview }}</button>
                </div>
                {move || if preview.get() {
                    view! { <div class="markdown markdown--preview" inner_html=move || preview_html.get()></div> }.into_any()
                } else {
                    view! { <textarea id="task-description" rows="6" placeholder=tx.description_placeholder prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev)) readonly=!can_edit>{description.get_untracked()}</textarea> }.into_any()
                }}
            </div>

            <fieldset class="field checklist"><legend>{move || {
                let c = checklist.get();
                crate::i18n::fill(tx.checklist, &[&c.iter().filter(|i| i.done).count(), &c.len()])
            }}</legend>
                <ul>
                    {move || checklist.get().into_iter().enumerate().map(|(i, item)| { let remove_label = crate::i18n::fill(tx.remove, &[&item.text]); view! {
                        <li>
                            <label class="checkbox"><input type="checkbox" checked=item.done disabled=!can_edit
                                on:change=move |ev| { let on = event_target_checked(&ev); checklist.update(|c| if let Some(x) = c.get_mut(i) { x.done = on; }); }/>
                                <span class:done=item.done>{item.text.clone()}</span></label>
                            {can_edit.then(|| view! { <button type="button" class="icon-button" aria-label=remove_label on:click=move |_| checklist.update(|c| { if i < c.len() { c.remove(i); } })>"✕"</button> })}
                        </li>
                    } }).collect_view()}
                </ul>
                {can_edit.then(|| view! {
                    <div class="checklist__add">
                        <label class="sr-only" for="new-check">{tx.new_item}</label>
                        <input id="new-check" type="text" placeholder=tx.new_item_placeholder prop:value=move || new_check.get() on:input=move |ev| new_check.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" {
                                ev.prevent_default();
                                let text = new_check.get_untracked();
                                if !text.trim().is_empty() { checklist.update(|c| c.push(ChecklistItem { id: String::new(), text: text.trim().to_owned(), done: false })); new_check.set(String::new()); }
                            }/>
                    </div>
                })}
            </fieldset>

            <p class=move || if message.get().is_some_and(|m| m.0) { "form-ok" } else { "form-error" } role="status">{move || message.get().map(|m| m.1)}</p>
            {can_edit.then(|| view! {
                <div class="task-form__actions">
                    // aria-disabled, not disabled: a disabled button drops keyboard focus to
                    // the page while the task saves.
                    <button type="submit" class="button button--primary" aria-disabled=move || saving.get().then_some("true") data-testid="save-task">{move || if saving.get() { tx.saving } else { tx.save_changes }}</button>
                    <button type="button" class="button button--danger" on:click=delete>{tx.delete_task}</button>
                </div>
            })}
        </form>

        <Attachments task_id=t.id.clone() initial=detail.attachments.clone() can_edit=can_edit/>
        <Comments task_id=t.id.clone() initial=detail.comments.clone() members=detail.members.clone() can_comment=can_comment/>

        <section class="activity" aria-labelledby="activity-title">
            <h3 id="activity-title">{tx.activity}</h3>
            <ol>
                {detail.activity.iter().rev().map(|a| {
                    let at = a.at.clone();
                    view! {
                        <li><span class="activity__who">{member_name(&detail.members, &a.actor_id)}</span>" "{activity_phrase(tx, &a.kind)}
                            <time class="muted" datetime=a.at.clone()>{move || format!(" · {}", crate::i18n::date_time(&at, &crate::i18n::time_zone()))}</time></li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Comments(
    task_id: String,
    initial: Vec<domain::task::CommentView>,
    members: Vec<MemberView>,
    can_comment: bool,
) -> impl IntoView {
    let tx = text();
    let comments = RwSignal::new(initial);
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let members = StoredValue::new(members);
    let task_id = StoredValue::new(task_id);
    // Others' comments on this task appear as they are written.
    let live = super::use_ws().live;
    let me = crate::auth::use_auth().current().map(|u| u.id);
    let seen = StoredValue::new(
        live.events
            .with_untracked(|l| l.back().map_or(0, |(s, _)| *s)),
    );
    Effect::new(move |_| {
        let mut last = seen.get_value();
        let news = live.unseen(&mut last).into_iter().any(|e| {
            e.kind == "comment.created"
                && e.data.get("id").and_then(|v| v.as_str()) == Some(task_id.get_value().as_str())
                && me.as_deref() != Some(e.actor_id.as_str())
        });
        seen.set_value(last);
        if news {
            leptos::task::spawn_local(async move {
                if let Ok(detail) = fetch_task_detail(task_id.get_value()).await {
                    comments.set(detail.comments);
                }
            });
        }
    });
    view! {
        <section class="comments" aria-labelledby="comments-title" aria-live="polite" aria-relevant="additions">
            <h3 id="comments-title">{move || crate::i18n::fill(tx.comments, &[&comments.get().len()])}</h3>
            <ol>
                {move || comments.get().into_iter().map(|c| {
                    let created_at = c.created_at.clone();
                    view! {
                        <li class="comment">
                            <p class="comment__head"><strong>{members.with_value(|m| member_name(m, &c.author_id))}</strong>
                                <time class="muted" datetime=c.created_at.clone()>{move || format!(" · {}", crate::i18n::date_time(&created_at, &crate::i18n::time_zone()))}</time></p>
                            <div class="markdown" inner_html=c.body_html.clone()></div>
                        </li>
                    }
                }).collect_view()}
            </ol>
            {can_comment.then(|| view! {
                <form class="comment-form" on:submit=move |ev| {
                    ev.prevent_default();
                    let text = body.get_untracked();
                    if text.trim().is_empty() || busy.get_untracked() { return; }
                    busy.set(true);
                    leptos::task::spawn_local(async move {
                        match post_comment(task_id.get_value(), text).await {
                            Ok(c) => { comments.update(|l| l.push(c)); body.set(String::new()); error.set(None); }
                            Err(e) => error.set(Some(e.message)),
                        }
                        busy.set(false);
                    });
                }>
                    <label class="sr-only" for="new-comment">{tx.write_comment}</label>
                    <textarea id="new-comment" rows="3" placeholder=tx.comment_placeholder prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                    <p class="form-error" role="alert">{move || error.get()}</p>
                    // aria-disabled, not disabled (which drops keyboard focus); the submit
                    // handler ignores it while busy.
                    <button type="submit" class="button button--primary" aria-disabled=move || busy.get().then_some("true")>{tx.comment}</button>
                </form>
            })}
        </section>
    }
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// A file size as the language writes it: "1.5 KB" / "1,5 KB".
fn file_size(t: &Text, bytes: u64) -> String {
    let size = human_size(bytes);
    if t.decimal_comma {
        size.replace('.', ",")
    } else {
        size
    }
}

/// What an activity entry's kind reads as after the person's name: the table's phrase, else
/// the kind itself with `.` and `_` as spaces ("task moved").
fn activity_phrase(t: &Text, kind: &str) -> String {
    t.activity_kinds
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or_else(
            || kind.replace(['.', '_'], " "),
            |(_, phrase)| (*phrase).to_owned(),
        )
}

#[component]
fn Attachments(task_id: String, initial: Vec<AttachmentView>, can_edit: bool) -> impl IntoView {
    let tx = text();
    let files = RwSignal::new(initial);
    let progress = RwSignal::new(None::<u8>);
    let error = RwSignal::new(None::<String>);
    let task_id = StoredValue::new(task_id);
    #[cfg(not(feature = "hydrate"))]
    let _ = task_id;
    let input = NodeRef::<leptos::html::Input>::new();
    let finished = Callback::new(move |r: Result<AttachmentView, String>| {
        progress.set(None);
        match r {
            Ok(a) => {
                files.update(|f| f.push(a));
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let on_pick = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(file) = input.get().and_then(|i| i.files()).and_then(|l| l.get(0)) {
            error.set(None);
            progress.set(Some(0));
            upload_with_progress(&task_id.get_value(), &file, progress, finished);
            if let Some(i) = input.get() {
                i.set_value("");
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (input, finished);
    };
    view! {
        <section class="attachments" aria-labelledby="files-title">
            <h3 id="files-title">{tx.attachments}</h3>
            <ul>
                {move || files.get().into_iter().map(|f| {
                    let id = f.id.clone();
                    let remove_label = crate::i18n::fill(tx.remove, &[&f.filename]);
                    view! {
                        <li class="file">
                            {f.is_inline_image().then(|| view! { <img class="file__thumb" src=format!("/api/v1/attachments/{}", f.id) alt="" loading="lazy" width="40" height="40"/> })}
                            <a href=format!("/api/v1/attachments/{}", f.id) download=f.filename.clone()>{f.filename.clone()}</a>
                            <span class="muted">{format!(" · {} · {}", file_size(tx, f.size), f.content_type)}</span>
                            {can_edit.then(|| view! {
                                <button type="button" class="icon-button" aria-label=remove_label on:click=move |_| {
                                    let id = id.clone();
                                    leptos::task::spawn_local(async move {
                                        match remove_attachment(id.clone()).await {
                                            Ok(()) => files.update(|l| l.retain(|x| x.id != id)),
                                            Err(e) => error.set(Some(e.message)),
                                        }
                                    });
                                }>"✕"</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || progress.get().map(|p| view! {
                <div class="upload-progress"><progress max="100" value=p aria-label=tx.upload_progress></progress><span>{format!("{p}%")}</span></div>
            })}
            <p class="form-error" role="alert">{move || error.get()}</p>
            {can_edit.then(|| view! {
                <label class="button button--ghost file-pick">
                    {tx.attach_file}
                    <input type="file" class="sr-only" node_ref=input on:change=on_pick data-testid="attach-input"/>
                </label>
                <p class="muted small">{tx.attach_hint}</p>
            })}
        </section>
    }
}

/// Uploads with `XMLHttpRequest`, the one browser API that reports upload progress.
#[cfg(feature = "hydrate")]
fn upload_with_progress(
    task_id: &str,
    file: &web_sys::File,
    progress: RwSignal<Option<u8>>,
    done: Callback<Result<AttachmentView, String>>,
) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let tx = text();
    let failed = |what: &str| done.run(Err(crate::i18n::fill(tx.upload_not_started, &[&what])));
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        return failed(tx.no_xhr);
    };
    let Ok(form) = web_sys::FormData::new() else {
        return failed(tx.no_form_data);
    };
    if form
        .append_with_blob_and_filename("file", file, &file.name())
        .is_err()
        || xhr
            .open_with_async(
                "POST",
                &format!("/api/v1/tasks/{task_id}/attachments"),
                true,
            )
            .is_err()
    {
        return failed(tx.not_prepared);
    }
    if let Ok(upload) = xhr.upload() {
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress.set(Some(((e.loaded() / e.total()) * 100.0).min(100.0) as u8));
                }
            });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    let req = xhr.clone();
    let on_load = Closure::<dyn FnMut()>::new(move || {
        let status = req.status().unwrap_or(0);
        let text = req.response_text().ok().flatten().unwrap_or_default();
        if status == 201 {
            done.run(
                serde_json::from_str::<AttachmentView>(&text)
                    .map_err(|_| tx.answer_not_understood.to_owned()),
            );
        } else {
            let message = serde_json::from_str::<domain::ErrorBody>(&text)
                .map(|b| b.error.message)
                .unwrap_or_else(|_| crate::i18n::fill(tx.upload_failed_http, &[&status]));
            done.run(Err(message));
        }
    });
    xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
    on_load.forget();
    let on_error = Closure::<dyn FnMut()>::new(move || {
        done.run(Err(tx.connection_lost.to_owned()));
    });
    xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    if xhr.send_with_opt_form_data(Some(&form)).is_err() {
        done.run(Err(tx.not_sent.to_owned()));
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        close: &'static str,
        loading: &'static str,
        saved: &'static str,
        /// The offline queue's label for a task edit (task title).
        queued_edit: &'static str,
        saved_offline: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        confirm_delete: &'static str,
        title: &'static str,
        /// (day, person)
        created: &'static str,
        conflict: &'static str,
        conflict_hint: &'static str,
        reload_theirs: &'static str,
        overwrite: &'static str,
        status: &'static str,
        priority: &'static str,
        start: &'static str,
        due: &'static str,
        labels: &'static str,
        labels_placeholder: &'static str,
        repeats: &'static str,
        never: &'static str,
        daily: &'static str,
        weekly: &'static str,
        monthly: &'static str,
        every_n_days: &'static str,
        every_days: &'static str,
        on_days: &'static str,
        assignees: &'static str,
        description: &'static str,
        edit: &'static str,
        preview: &'static str,
        description_placeholder: &'static str,
        /// (done, total)
        checklist: &'static str,
        /// The remove button of a checklist item or a file (its text or name).
        remove: &'static str,
        new_item: &'static str,
        new_item_placeholder: &'static str,
        saving: &'static str,
        save_changes: &'static str,
        delete_task: &'static str,
        activity: &'static str,
        /// What an activity entry's kind (`task.created`, …) reads as after the person's name:
        /// (kind, phrase); a kind not listed reads as itself with `.` and `_` as spaces
        /// (see `activity_phrase`).
        activity_kinds: &'static [(&'static str, &'static str)],
        /// (number of comments)
        comments: &'static str,
        write_comment: &'static str,
        comment_placeholder: &'static str,
        comment: &'static str,
        attachments: &'static str,
        /// File sizes with a decimal comma ("1,5 KB") instead of a point (see `file_size`).
        decimal_comma: bool,
        upload_progress: &'static str,
        attach_file: &'static str,
        attach_hint: &'static str,
        /// (what went wrong: one of `no_xhr`, `no_form_data`, `not_prepared`)
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        upload_not_started: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        no_xhr: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        no_form_data: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        not_prepared: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        answer_not_understood: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        upload_failed_http: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        connection_lost: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        not_sent: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    close: "Close the task panel",
    loading: "Loading the task…",
    saved: "Saved.",
    queued_edit: "Edit “{0}”",
    saved_offline: "Saved on this device: it syncs when you are back online.",
    confirm_delete: "Delete this task, its comments and its files?",
    title: "Title",
    created: "Created {0} by {1}",
    conflict: "Someone else changed this task while you were editing.",
    conflict_hint:
        "Reload to see their version (your edits here are dropped), or overwrite it with yours.",
    reload_theirs: "Reload their version",
    overwrite: "Overwrite with mine",
    status: "Status",
    priority: "Priority",
    start: "Start",
    due: "Due",
    labels: "Labels",
    labels_placeholder: "bug, frontend",
    repeats: "Repeats",
    never: "Never",
    daily: "Daily",
    weekly: "Weekly",
    monthly: "Monthly",
    every_n_days: "Every N days",
    every_days: "Every (days)",
    on_days: "On",
    assignees: "Assignees",
    description: "Description",
    edit: "Edit",
    preview: "Preview",
    description_placeholder: "Markdown: **bold**, lists, links…",
    checklist: "Checklist {0}/{1}",
    remove: "Remove {0}",
    new_item: "New checklist item",
    new_item_placeholder: "Add an item…",
    saving: "Saving…",
    save_changes: "Save changes",
    delete_task: "Delete task",
    activity: "Activity",
    activity_kinds: &[],
    comments: "Comments ({0})",
    write_comment: "Write a comment",
    comment_placeholder: "Write a comment (Markdown)…",
    comment: "Comment",
    attachments: "Attachments",
    decimal_comma: false,
    upload_progress: "Upload progress",
    attach_file: "Attach a file…",
    attach_hint: "Up to 10 MB. Images show inline; other files download.",
    upload_not_started: "The upload could not start ({0}).",
    no_xhr: "no XMLHttpRequest",
    no_form_data: "no FormData",
    not_prepared: "the request could not be prepared",
    answer_not_understood: "The server's answer was not understood.",
    upload_failed_http: "The upload failed (HTTP {0}).",
    connection_lost: "The upload failed: the connection was lost.",
    not_sent: "The upload could not be sent.",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    close: "Aufgabe schließen",
    loading: "Aufgabe wird geladen…",
    saved: "Gespeichert.",
    queued_edit: "„{0}“ bearbeiten",
    saved_offline: "Auf diesem Gerät gespeichert – wird synchronisiert, sobald du wieder online bist.",
    confirm_delete: "Diese Aufgabe mit allen Kommentaren und Dateien löschen?",
    title: "Titel",
    created: "Erstellt am {0} von {1}",
    conflict: "Jemand anderes hat diese Aufgabe geändert, während du sie bearbeitet hast.",
    conflict_hint: "Lade neu, um die andere Version zu sehen (deine Änderungen hier gehen verloren), oder überschreibe sie mit deiner.",
    reload_theirs: "Andere Version laden",
    overwrite: "Mit meiner überschreiben",
    status: "Status",
    priority: "Priorität",
    start: "Beginn",
    due: "Fällig",
    labels: "Labels",
    labels_placeholder: "bug, frontend",
    repeats: "Wiederholen",
    never: "Nie",
    daily: "Täglich",
    weekly: "Wöchentlich",
    monthly: "Monatlich",
    every_n_days: "Alle N Tage",
    every_days: "Alle (Tage)",
    on_days: "An",
    assignees: "Zuständig",
    description: "Beschreibung",
    edit: "Bearbeiten",
    preview: "Vorschau",
    description_placeholder: "Markdown: **fett**, Listen, Links…",
    checklist: "Checkliste {0}/{1}",
    remove: "{0} entfernen",
    new_item: "Neuer Checklisteneintrag",
    new_item_placeholder: "Eintrag hinzufügen…",
    saving: "Wird gespeichert…",
    save_changes: "Änderungen speichern",
    delete_task: "Aufgabe löschen",
    activity: "Aktivität",
    activity_kinds: &[
        ("task.created", "hat die Aufgabe erstellt"),
        ("task.updated", "hat die Aufgabe geändert"),
        ("task.moved", "hat die Aufgabe verschoben"),
        ("task.deleted", "hat die Aufgabe gelöscht"),
        ("comment.created", "hat einen Kommentar geschrieben"),
        ("attachment.added", "hat einen Anhang hinzugefügt"),
        ("attachment.removed", "hat einen Anhang entfernt"),
    ],
    comments: "Kommentare ({0})",
    write_comment: "Kommentar schreiben",
    comment_placeholder: "Kommentar schreiben (Markdown)…",
    comment: "Kommentieren",
    attachments: "Anhänge",
    decimal_comma: true,
    upload_progress: "Upload-Fortschritt",
    attach_file: "Datei anhängen…",
    attach_hint: "Bis zu 10 MB. Bilder werden direkt angezeigt, andere Dateien heruntergeladen.",
    upload_not_started: "Der Upload konnte nicht starten ({0}).",
    no_xhr: "kein XMLHttpRequest",
    no_form_data: "keine FormData",
    not_prepared: "die Anfrage konnte nicht vorbereitet werden",
    answer_not_understood: "Die Antwort des Servers wurde nicht verstanden.",
    upload_failed_http: "Der Upload ist fehlgeschlagen (HTTP {0}).",
    connection_lost: "Der Upload ist fehlgeschlagen: Die Verbindung wurde unterbrochen.",
    not_sent: "Der Upload konnte nicht gesendet werden.",
};
