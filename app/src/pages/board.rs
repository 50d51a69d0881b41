use domain::task::TaskView;
use domain::workspace::Column;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::{board, AddCard, MoveCard};

/// The kanban board of a workspace. Cards move by drag and drop, or from the keyboard with the
/// buttons on each card (left/right between columns, up/down within one).
#[component]
pub fn BoardPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let add = ServerAction::<AddCard>::new();
    let mover = ServerAction::<MoveCard>::new();
    let data = Resource::new(
        move || (id(), add.version().get(), mover.version().get()),
        |(id, _, _)| board(id),
    );
    let dragging = RwSignal::new(None::<String>);

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the board…"</p> }>
            {move || data.get().map(|r| match r {
                Ok((ws, tasks)) => {
                    let can_edit = ws.role.can_edit_tasks();
                    let columns = ws.columns.clone();
                    view! {
                        <Title text=ws.name.clone()/>
                        <div class="board-head">
                            <h1>{ws.name.clone()}</h1>
                            <span class="badge">{ws.role.as_str()}</span>
                        </div>
                        <p class="form-error" role="alert">{move || mover.value().get().and_then(Result::err).map(|e| e.message)}</p>
                        <div class="board" data-testid="board">
                            {columns.iter().enumerate().map(|(ci, col)| {
                                let cards: Vec<TaskView> = tasks.iter().filter(|t| t.status == col.key).cloned().collect();
                                view! {
                                    <BoardColumn
                                        workspace_id=ws.id.clone()
                                        column=col.clone()
                                        left=ci.checked_sub(1).and_then(|i| columns.get(i)).map(|c| c.key.clone())
                                        right=columns.get(ci + 1).map(|c| c.key.clone())
                                        cards=cards
                                        can_edit=can_edit
                                        add=add
                                        mover=mover
                                        dragging=dragging
                                    />
                                }
                                .into_any()
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
                Err(e) => view! {
                    <section class="not-found">
                        <h1>"This board is not available"</h1>
                        <p>{e.message}</p>
                        <a class="button button--primary" href="/workspaces">"Your workspaces"</a>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn BoardColumn(
    workspace_id: String,
    column: Column,
    left: Option<String>,
    right: Option<String>,
    cards: Vec<TaskView>,
    can_edit: bool,
    add: ServerAction<AddCard>,
    mover: ServerAction<MoveCard>,
    dragging: RwSignal<Option<String>>,
) -> impl IntoView {
    let key = column.key.clone();
    let heading_id = format!("col-{}", column.key);
    let labelled_by = heading_id.clone();
    let count = cards.len();
    let ids: Vec<String> = cards.iter().map(|c| c.id.clone()).collect();
    let drop_key = key.clone();
    let title = RwSignal::new(String::new());
    let add_key = key.clone();
    let add_ws = workspace_id.clone();

    view! {
        <section class="column" aria-labelledby=labelled_by data-testid=format!("column-{}", column.key)
            on:dragover=move |ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                if let Some(task_id) = dragging.get_untracked() {
                    mover.dispatch(MoveCard { task_id, status: drop_key.clone(), before_id: None, after_id: None });
                    dragging.set(None);
                }
            }>
            <h2 id=heading_id>{column.name.clone()} <span class="count">{count}</span></h2>
            <ol class="cards">
                {cards.into_iter().enumerate().map(|(i, card)| {
                    let above = i.checked_sub(1).and_then(|j| ids.get(j)).cloned();
                    let above2 = i.checked_sub(2).and_then(|j| ids.get(j)).cloned();
                    let below = ids.get(i + 1).cloned();
                    let below2 = ids.get(i + 2).cloned();
                    let id = card.id.clone();
                    let key = key.clone();
                    let (l, r) = (left.clone(), right.clone());
                    let title = card.title.clone();
                    let drag_id = id.clone();
                    let drop_before = id.clone();
                    let drop_key = key.clone();
                    let move_to = move |status: String, before_id: Option<String>, after_id: Option<String>| {
                        let task_id = id.clone();
                        move |_| { mover.dispatch(MoveCard { task_id: task_id.clone(), status: status.clone(), before_id: before_id.clone(), after_id: after_id.clone() }); }
                    };
                    view! {
                        <li class="card task-card" draggable=if can_edit { "true" } else { "false" } data-testid="card"
                            on:dragstart=move |_| dragging.set(Some(drag_id.clone()))
                            on:drop=move |ev| {
                                ev.prevent_default();
                                ev.stop_propagation();
                                if let Some(task_id) = dragging.get_untracked().filter(|t| *t != drop_before) {
                                    mover.dispatch(MoveCard { task_id, status: drop_key.clone(), before_id: Some(drop_before.clone()), after_id: None });
                                    dragging.set(None);
                                }
                            }>
                            <p class="task-card__title">{title.clone()}</p>
                            <span class=format!("prio prio--{}", card.priority.as_str())>{card.priority.as_str()}</span>
                            {can_edit.then(|| view! {
                                <div class="card-moves" role="group" aria-label=format!("Move {title}")>
                                    {l.clone().map(|l| view! { <button type="button" class="icon-button" aria-label=format!("Move {title} to the previous column") on:click=move_to(l.clone(), None, None)>"←"</button> })}
                                    {above.clone().map(|a| view! { <button type="button" class="icon-button" aria-label=format!("Move {title} up") on:click=move_to(key.clone(), Some(a.clone()), above2.clone())>"↑"</button> })}
                                    {below.clone().map(|b| view! { <button type="button" class="icon-button" aria-label=format!("Move {title} down") on:click=move_to(key.clone(), below2.clone(), Some(b.clone()))>"↓"</button> })}
                                    {r.clone().map(|r| view! { <button type="button" class="icon-button" aria-label=format!("Move {title} to the next column") on:click=move_to(r.clone(), None, None)>"→"</button> })}
                                </div>
                            })}
                        </li>
                    }
                    .into_any()
                }).collect_view()}
            </ol>
            {can_edit.then(|| view! {
                <form class="add-card" on:submit=move |ev| {
                    ev.prevent_default();
                    let t = title.get_untracked();
                    if !t.trim().is_empty() {
                        add.dispatch(AddCard { workspace_id: add_ws.clone(), status: add_key.clone(), title: t });
                        title.set(String::new());
                    }
                }>
                    <label class="sr-only" for=format!("add-{}", column.key)>{format!("New card in {}", column.name)}</label>
                    <input id=format!("add-{}", column.key) type="text" placeholder="Add a card…"
                        prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev))/>
                </form>
            })}
        </section>
    }
}
