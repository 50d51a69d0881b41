//! The kanban board. Moves are optimistic: the card moves at once, the server is asked, and on
//! refusal the board rolls back and says why. Cards move by drag and drop, or from the keyboard
//! with each card's move buttons (focus follows the card). Columns show their first cards and
//! load more on demand, so a 5,000-task board renders what is visible.

use domain::task::{BoardData, TaskQuery, TaskView};
use domain::workspace::MemberView;
use leptos::prelude::*;

use super::dates::day_of;
use super::{initials, load_error, member_name, task_href, use_ws};
use crate::api::{
    add_card, board, fetch_task_page, move_card, AddCard as AddCardCall, MoveCard, BOARD_PAGE,
};
use crate::live::LiveEvent;
use crate::offline;

#[derive(Clone, Debug, PartialEq)]
struct ColState {
    key: String,
    name: String,
    total: u64,
    tasks: Vec<TaskView>,
    next: Option<String>,
}

/// Moves a card in local state: before `before` (the card that will be below it), else after
/// `after`, else to the end. Returns false when the card or column is not on the page.
fn apply_move(
    cols: &mut [ColState],
    id: &str,
    status: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> bool {
    if !cols.iter().any(|c| c.key == status) {
        return false;
    }
    let mut found = None;
    for c in cols.iter_mut() {
        if let Some(i) = c.tasks.iter().position(|t| t.id == id) {
            found = Some(c.tasks.remove(i));
            c.total = c.total.saturating_sub(1);
            break;
        }
    }
    let Some(mut task) = found else { return false };
    task.status = status.to_owned();
    let Some(col) = cols.iter_mut().find(|c| c.key == status) else {
        return false;
    };
    let at = match (before, after) {
        (Some(b), _) => col
            .tasks
            .iter()
            .position(|t| t.id == b)
            .unwrap_or(col.tasks.len()),
        (None, Some(a)) => col
            .tasks
            .iter()
            .position(|t| t.id == a)
            .map_or(col.tasks.len(), |i| i + 1),
        (None, None) => col.tasks.len(),
    };
    col.tasks.insert(at, task);
    col.total += 1;
    true
}

/// Puts a task where the server says it is now: out of wherever it was, into its column at
/// its position (or only counted there, when its place is beyond the loaded cards).
fn upsert_task(cols: &mut [ColState], task: TaskView, created: bool) {
    let mut was_here = false;
    for c in cols.iter_mut() {
        if let Some(i) = c.tasks.iter().position(|t| t.id == task.id) {
            c.tasks.remove(i);
            c.total = c.total.saturating_sub(1);
            was_here = true;
            break;
        }
    }
    let Some(col) = cols.iter_mut().find(|c| c.key == task.status) else {
        return;
    };
    if was_here || created {
        col.total += 1;
    }
    match col.tasks.iter().position(|t| t.position > task.position) {
        Some(at) => col.tasks.insert(at, task),
        None if col.next.is_none() => col.tasks.push(task),
        None => {} // on a page not loaded yet
    }
}

fn remove_task(cols: &mut [ColState], id: &str) {
    for c in cols.iter_mut() {
        if let Some(i) = c.tasks.iter().position(|t| t.id == id) {
            c.tasks.remove(i);
            c.total = c.total.saturating_sub(1);
            return;
        }
    }
}

/// Applies one live task event; returns what to announce when someone else made it.
fn apply_event(cols: &mut [ColState], event: &LiveEvent) -> Option<String> {
    let t = text();
    if event.kind == "task.deleted" {
        let id = event.data.get("id")?.as_str()?;
        let title = cols
            .iter()
            .flat_map(|c| c.tasks.iter())
            .find(|t| t.id == id)
            .map(|t| t.title.clone());
        remove_task(cols, id);
        return title.map(|title| crate::i18n::fill(t.deleted, &[&title]));
    }
    let task: TaskView = serde_json::from_value(event.data.clone()).ok()?;
    // Already shown at this version or a later one (our own change, answered before its
    // event arrived, or an event overtaken by a newer answer).
    let shown = cols
        .iter()
        .flat_map(|c| c.tasks.iter())
        .any(|t| t.id == task.id && t.version >= task.version);
    if shown {
        return None;
    }
    let column = cols
        .iter()
        .find(|c| c.key == task.status)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let what = match event.kind.as_str() {
        "task.created" => crate::i18n::fill(t.added_by, &[&task.title, &column]),
        "task.moved" => crate::i18n::fill(t.moved_by, &[&task.title, &column]),
        _ => crate::i18n::fill(t.changed_by, &[&task.title]),
    };
    upsert_task(cols, task, event.kind == "task.created");
    Some(what)
}

use crate::focus::focused_id;

/// Gives keyboard focus back to the control `id` (a card's move button, say) once the board
/// has re-rendered; to its card's title when that button is gone (a card moved to the last
/// column has no "move right").
fn focus_later(id: String) {
    let card = id
        .strip_prefix("mv-")
        .and_then(|rest| rest.split_once('-'))
        .map(|(_, task)| format!("card-{task}"));
    crate::focus::restore_later(id, card);
}

#[component]
pub fn BoardView() -> impl IntoView {
    let ctx = use_ws();
    let data = Resource::new_blocking(
        move || (ctx.id.get(), ctx.changed.get()),
        |(id, _)| board(id),
    );
    view! {
        <Transition fallback=|| view! { <BoardSkeleton/> }>
            {move || {
                // Cards show overdue dates against the server's today: wait for it as well.
                let (today, data) = (ctx.today.get(), data.get());
                let _today = today?;
                data
            }.map(|r| match r {
                Ok(b) => view! { <Board data=b/> }.into_any(),
                Err(e) => load_error(e),
            })}
        </Transition>
    }
}

#[component]
fn BoardSkeleton() -> impl IntoView {
    let t = text();
    view! {
        <div class="board" aria-busy="true">
            {(0..3).map(|_| view! { <section class="column column--skeleton"><div class="skeleton"></div><div class="skeleton"></div></section> }).collect_view()}
            <p class="sr-only">{t.loading}</p>
        </div>
    }
}

type MoveArgs = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

#[component]
fn Board(data: BoardData) -> impl IntoView {
    let t = text();
    let ctx = use_ws();
    let can_edit = data.workspace.role.can_edit_tasks();
    let ws_id = data.workspace.id.clone();
    let cols = RwSignal::new(
        data.workspace
            .columns
            .iter()
            .map(|c| {
                let page = data.columns.iter().find(|p| p.key == c.key);
                ColState {
                    key: c.key.clone(),
                    name: c.name.clone(),
                    total: page.map_or(0, |p| p.total),
                    tasks: page.map(|p| p.tasks.clone()).unwrap_or_default(),
                    next: page.and_then(|p| p.next_cursor.clone()),
                }
            })
            .collect::<Vec<_>>(),
    );
    let columns: Vec<(String, String)> = data
        .workspace
        .columns
        .iter()
        .map(|c| (c.key.clone(), c.name.clone()))
        .collect();
    let members = StoredValue::new(data.members);
    // New-card drafts live here, not in the add-card forms, so nothing typed depends on a form
    // outliving every re-render.
    provide_context(Drafts(RwSignal::new(std::collections::HashMap::new())));
    let error = RwSignal::new(None::<String>);
    let announce = RwSignal::new(String::new());
    let dragging = RwSignal::new(None::<String>);
    let today = Memo::new(move |_| ctx.today.get().and_then(Result::ok).unwrap_or_default());

    // Live: events after the version this data was read at are applied in place, so the board
    // never reloads (or loses focus) for someone else's change; our own come back as events
    // too and land where the optimistic update already put them.
    let live = ctx.live;
    let data_version = data.version;
    live.data_at(data_version);
    let me = crate::auth::use_auth().current().map(|u| u.id);
    let seen = StoredValue::new(0u64);
    // Cards with moves in flight: how many, and the newest server state seen for them
    // meanwhile. Their events wait for the last answer, so an older state never overrides
    // the card's optimistic place (and the card does not jump back and forth).
    let pending =
        StoredValue::new(std::collections::HashMap::<String, (u32, Option<TaskView>)>::new());
    Effect::new(move |_| {
        let mut last = seen.get_value();
        let events: Vec<LiveEvent> = live
            .unseen(&mut last)
            .into_iter()
            .filter(|e| e.version > data_version && e.kind.starts_with("task."))
            .collect();
        seen.set_value(last);
        if events.is_empty() {
            return;
        }
        let focus = focused_id();
        let mut said = Vec::new();
        let mut next = cols.get_untracked();
        for e in &events {
            if e.kind != "task.deleted" {
                let held = pending.try_update_value(|p| {
                    let id = e.data.get("id").and_then(|v| v.as_str())?;
                    let (_, newest) = p.get_mut(id)?;
                    let task: TaskView = serde_json::from_value(e.data.clone()).ok()?;
                    if newest.as_ref().is_none_or(|n| n.version < task.version) {
                        *newest = Some(task);
                    }
                    Some(())
                });
                if held.flatten().is_some() {
                    continue;
                }
            }
            if let Some(what) = apply_event(&mut next, e) {
                if me.as_deref() != Some(e.actor_id.as_str()) {
                    let who = members.with_value(|m| member_name(m, &e.actor_id));
                    said.push(format!("{who} {what}."));
                }
            }
        }
        // Our own changes usually come back exactly as the board already shows them: no
        // re-render then.
        if cols.with_untracked(|c| *c != next) {
            cols.set(next);
        }
        if !said.is_empty() {
            announce.set(said.join(" "));
        }
        if let Some(id) = focus {
            focus_later(id);
        }
    });

    let mover = Callback::new(move |(task_id, status, before, after, focus): MoveArgs| {
        let snapshot = cols.get_untracked();
        let title = snapshot
            .iter()
            .flat_map(|c| c.tasks.iter())
            .find(|t| t.id == task_id)
            .map(|t| t.title.clone())
            .unwrap_or_default();
        let column_name = snapshot
            .iter()
            .find(|c| c.key == status)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let moved = cols
            .try_update(|c| apply_move(c, &task_id, &status, before.as_deref(), after.as_deref()))
            .unwrap_or(false);
        if !moved {
            return;
        }
        // Said with the card's new place: a move within a column would otherwise repeat the
        // last announcement, and a live region whose text does not change is not read again.
        let (at, of) = cols
            .with_untracked(|c| {
                c.iter().find(|c| c.key == status).map(|col| {
                    let at = match (&before, &after) {
                        // The server puts it last, past any cards not loaded yet.
                        (None, None) => col.total,
                        _ => col
                            .tasks
                            .iter()
                            .position(|t| t.id == task_id)
                            .map_or(col.total, |i| i as u64 + 1),
                    };
                    (at, col.total)
                })
            })
            .unwrap_or_default();
        error.set(None);
        if let Some(f) = focus.clone() {
            focus_later(f);
        }
        pending.update_value(|p| p.entry(task_id.clone()).or_default().0 += 1);
        leptos::task::spawn_local(async move {
            let call = MoveCard {
                task_id: task_id.clone(),
                status,
                before_id: before,
                after_id: after,
            };
            let answer = move_card(
                call.task_id.clone(),
                call.status.clone(),
                call.before_id.clone(),
                call.after_id.clone(),
            )
            .await;
            // Offline: the move stays on the board and waits in the device's queue.
            let queued = answer.as_ref().is_err_and(|e| {
                offline::unreachable(e)
                    && offline::queue(
                        &call,
                        crate::i18n::fill(t.queue_move, &[&title, &column_name]),
                        &task_id,
                        "move",
                    )
            });
            let answer = if queued {
                Err(None)
            } else {
                answer.map_err(Some)
            };
            let failed = matches!(answer, Err(Some(_)));
            // The last answer for this card settles it: the newest state the server gave
            // (its answers and the events held meanwhile) takes the card's place.
            let settled = pending
                .try_update_value(|p| {
                    let (n, newest) = p.get_mut(&task_id)?;
                    *n = n.saturating_sub(1);
                    if let Ok(task) = &answer {
                        if newest.as_ref().is_none_or(|t| t.version < task.version) {
                            *newest = Some(task.clone());
                        }
                    }
                    if *n > 0 {
                        return None;
                    }
                    p.remove(&task_id).and_then(|(_, newest)| newest)
                })
                .flatten();
            if let Err(Some(e)) = answer {
                let _ = cols.try_set(snapshot);
                let _ = error.try_set(Some(crate::i18n::fill(t.move_failed, &[&e.message])));
            }
            let _ = announce.try_set(if failed {
                crate::i18n::fill(t.not_moved, &[&title])
            } else if queued {
                crate::i18n::fill(t.moved_offline, &[&title, &column_name, &at, &of])
            } else {
                crate::i18n::fill(t.moved, &[&title, &column_name, &at, &of])
            });
            if let Some(task) = settled {
                // Re-rendering must not take the keyboard's place away.
                let focus = focused_id();
                let mut next = cols.get_untracked();
                upsert_task(&mut next, task, false);
                if cols.with_untracked(|c| *c != next) {
                    let _ = cols.try_set(next);
                    if let Some(id) = focus {
                        focus_later(id);
                    }
                }
            }
        });
    });

    let more = Callback::new(move |key: String| {
        let Some(cursor) = cols
            .get_untracked()
            .iter()
            .find(|c| c.key == key)
            .and_then(|c| c.next.clone())
        else {
            return;
        };
        let ws = ctx.id.get_untracked();
        leptos::task::spawn_local(async move {
            let query = TaskQuery {
                status: Some(key.clone()),
                cursor: Some(cursor),
                limit: Some(BOARD_PAGE),
                ..Default::default()
            };
            match fetch_task_page(ws, query).await {
                Ok(page) => cols.update(|c| {
                    if let Some(col) = c.iter_mut().find(|c| c.key == key) {
                        for t in page.items {
                            if !col.tasks.iter().any(|x| x.id == t.id) {
                                col.tasks.push(t);
                            }
                        }
                        col.next = page.next_cursor;
                    }
                }),
                Err(e) => error.set(Some(e.message)),
            }
        });
    });

    let added = Callback::new(move |task: TaskView| {
        // Our own new card is not announced by its live event (that is for others' changes).
        let column = cols
            .with_untracked(|c| {
                c.iter()
                    .find(|c| c.key == task.status)
                    .map(|c| c.name.clone())
            })
            .unwrap_or_default();
        announce.set(crate::i18n::fill(t.added, &[&task.title, &column]));
        cols.update(|c| {
            // Its live event may have arrived first.
            if c.iter()
                .any(|col| col.tasks.iter().any(|t| t.id == task.id))
            {
                return;
            }
            if let Some(col) = c.iter_mut().find(|c| c.key == task.status) {
                col.total += 1;
                if col.next.is_none() {
                    col.tasks.push(task);
                }
            }
        });
    });

    view! {
        <p class="form-error" role="alert">{move || error.get()}</p>
        <p class="sr-only" aria-live="polite">{move || announce.get()}</p>
        {(!can_edit).then(|| view! { <p class="muted board-note">{t.read_only}</p> })}
        <Viewers live=live members=members/>
        <div class="board" data-testid="board">
            // Columns are rendered once and cards are keyed: a live change re-renders only the
            // cards it touched, so a form being typed in or a focused button stays as it is.
            {columns.iter().enumerate().map(|(ci, (key, name))| {
                let left = ci.checked_sub(1).and_then(|i| columns.get(i)).cloned();
                let right = columns.get(ci + 1).cloned();
                view! {
                    <Column ws_id=ws_id.clone() status=key.clone() name=name.clone() cols=cols left=left right=right
                        can_edit=can_edit mover=mover more=more added=added dragging=dragging members=members today=today/>
                }
            }).collect_view()}
        </div>
    }
}

/// One card as its column shows it: with the neighbours its move buttons move it past.
#[derive(Clone, PartialEq)]
struct CardRow {
    card: TaskView,
    above: Option<String>,
    above2: Option<String>,
    below: Option<String>,
    below2: Option<String>,
}

impl CardRow {
    /// Changes whenever what the card renders changes, and only then (not with its version
    /// alone: a move's answer must not re-create the card the keyboard is on).
    fn key(&self) -> (String, [Option<String>; 4], u64) {
        use std::hash::{Hash, Hasher};
        let c = &self.card;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            &c.title,
            &c.status,
            c.priority.as_str(),
            &c.labels,
            &c.due_at,
        )
            .hash(&mut h);
        (c.completed_at.is_some(), &c.assignee_ids).hash(&mut h);
        for item in &c.checklist {
            item.done.hash(&mut h);
        }
        c.checklist.len().hash(&mut h);
        (
            c.id.clone(),
            [
                self.above.clone(),
                self.above2.clone(),
                self.below.clone(),
                self.below2.clone(),
            ],
            h.finish(),
        )
    }
}

fn card_rows(col: &ColState) -> Vec<CardRow> {
    let ids: Vec<&String> = col.tasks.iter().map(|t| &t.id).collect();
    let at = |i: Option<usize>| i.and_then(|i| ids.get(i)).map(|s| (*s).clone());
    col.tasks
        .iter()
        .enumerate()
        .map(|(i, t)| CardRow {
            card: t.clone(),
            above: at(i.checked_sub(1)),
            above2: at(i.checked_sub(2)),
            below: at(Some(i + 1)),
            below2: at(Some(i + 2)),
        })
        .collect()
}

#[component]
fn Column(
    ws_id: String,
    status: String,
    name: String,
    cols: RwSignal<Vec<ColState>>,
    left: Option<(String, String)>,
    right: Option<(String, String)>,
    can_edit: bool,
    mover: Callback<MoveArgs>,
    more: Callback<String>,
    added: Callback<TaskView>,
    dragging: RwSignal<Option<String>>,
    members: StoredValue<Vec<MemberView>>,
    today: Memo<String>,
) -> impl IntoView {
    let heading_id = format!("col-{status}");
    let labelled_by = heading_id.clone();
    let drop_key = status.clone();
    let more_key = status.clone();
    // (total, shown, has more)
    let counts = {
        let status = status.clone();
        Memo::new(move |_| {
            cols.with(|c| {
                c.iter()
                    .find(|c| c.key == status)
                    .map_or((0, 0, false), |c| {
                        (c.total, c.tasks.len() as u64, c.next.is_some())
                    })
            })
        })
    };
    let rows = {
        let status = status.clone();
        Memo::new(move |_| {
            cols.with(|c| {
                c.iter()
                    .find(|c| c.key == status)
                    .map(card_rows)
                    .unwrap_or_default()
            })
        })
    };
    let over = RwSignal::new(false);
    let card_status = status.clone();
    let t = text();

    view! {
        <section class="column" class:column--over=move || over.get() aria-labelledby=labelled_by data-testid=format!("column-{status}")
            on:dragover=move |ev| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev| {
                ev.prevent_default();
                over.set(false);
                if let Some(task_id) = dragging.get_untracked() {
                    dragging.set(None);
                    mover.run((task_id, drop_key.clone(), None, None, None));
                }
            }>
            // The count in words for screen readers: aria-label is not allowed on a plain span
            // (readers would say only the number).
            <h2 id=heading_id>{name.clone()} <span class="count"><span aria-hidden="true">{move || counts.get().0}</span><span class="sr-only">{move || {
                let n = counts.get().0;
                crate::i18n::fill(crate::i18n::plural(n, t.cards_one, t.cards_other), &[&n])
            }}</span></span>
            </h2>
            {move || (counts.get().1 == 0).then(|| view! { <p class="column__empty">{if can_edit { t.empty_can_add } else { t.empty }}</p> })}
            <ol class="cards">
                <For each=move || rows.get() key=CardRow::key children=move |row: CardRow| view! {
                    <Card card=row.card status=card_status.clone() left=left.clone() right=right.clone()
                        above=row.above above2=row.above2 below=row.below below2=row.below2
                        can_edit=can_edit mover=mover dragging=dragging members=members today=today/>
                }/>
            </ol>
            {move || {
                let (total, shown, has_more) = counts.get();
                let more_key = more_key.clone();
                has_more.then(|| view! {
                    <button type="button" class="button button--ghost button--small column__more" on:click=move |_| more.run(more_key.clone())>
                        {crate::i18n::fill(t.show_more, &[&total.saturating_sub(shown)])}
                    </button>
                })
            }}
            {can_edit.then(|| view! { <AddCard ws_id=ws_id.clone() status=status.clone() name=name.clone() added=added/> })}
        </section>
    }
}

#[component]
fn Card(
    card: TaskView,
    status: String,
    left: Option<(String, String)>,
    right: Option<(String, String)>,
    above: Option<String>,
    above2: Option<String>,
    below: Option<String>,
    below2: Option<String>,
    can_edit: bool,
    mover: Callback<MoveArgs>,
    dragging: RwSignal<Option<String>>,
    members: StoredValue<Vec<MemberView>>,
    today: Memo<String>,
) -> impl IntoView {
    let t = text();
    let id = card.id.clone();
    let title = card.title.clone();
    let drag_id = id.clone();
    let drop_before = id.clone();
    let drop_key = status.clone();
    let key = status;
    let due = card.due_at.clone();
    let done = card.completed_at.is_some();
    let checklist = (!card.checklist.is_empty()).then(|| {
        let n = card.checklist.iter().filter(|c| c.done).count();
        format!("{n}/{}", card.checklist.len())
    });
    let go =
        move |dir: &'static str, status: String, before: Option<String>, after: Option<String>| {
            let task_id = id.clone();
            move |_| {
                mover.run((
                    task_id.clone(),
                    status.clone(),
                    before.clone(),
                    after.clone(),
                    Some(format!("mv-{dir}-{task_id}")),
                ));
            }
        };
    let assignees: Vec<(String, String)> = members.with_value(|m| {
        card.assignee_ids
            .iter()
            .map(|a| {
                let name = member_name(m, a);
                (initials(&name), name)
            })
            .collect()
    });

    view! {
        <li class="card task-card" class:task-card--done=done draggable=if can_edit { "true" } else { "false" } data-testid="card"
            on:dragstart=move |ev| {
                dragging.set(Some(drag_id.clone()));
                // Firefox starts a drag only when it carries data.
                #[cfg(feature = "hydrate")]
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &drag_id);
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }
            on:dragend=move |_| dragging.set(None)
            on:drop=move |ev| {
                ev.prevent_default();
                ev.stop_propagation();
                if let Some(task_id) = dragging.get_untracked().filter(|t| *t != drop_before) {
                    dragging.set(None);
                    mover.run((task_id, drop_key.clone(), Some(drop_before.clone()), None, None));
                }
            }>
            <a class="task-card__title" id=format!("card-{}", card.id) href=task_href(&card.id)>{title.clone()}</a>
            <div class="task-card__meta">
                <span class=format!("prio prio--{}", card.priority.as_str())>{crate::i18n::priority_label(card.priority)}</span>
                {card.labels.iter().take(3).map(|l| view! { <span class="label">{l.clone()}</span> }).collect_view()}
                {due.map(|d| {
                    let year = today.get_untracked().get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
                    let text = crate::i18n::short_date(&d, year);
                    let overdue = move || !done && day_of(&d).is_some_and(|day| !today.get().is_empty() && day < today.get().as_str());
                    // Said in words too, not only by its colour.
                    let in_words = overdue.clone();
                    view! { <span class="due" class:due--overdue=overdue title={t.due_date}>{text}{move || in_words().then(|| view! { <span class="sr-only">{t.overdue}</span> })}</span> }
                })}
                {checklist.map(|c| view! { <span class="checks" title={t.checklist_done}>"☑ "{c}</span> })}
                <span class="avatars">
                    {assignees.into_iter().map(|(ini, name)| view! { <span class="avatar" role="img" title=name.clone() aria-label={crate::i18n::fill(t.assigned_to, &[&name])}>{ini}</span> }).collect_view()}
                </span>
            </div>
            {can_edit.then(|| view! {
                <div class="card-moves" role="group" aria-label={crate::i18n::fill(t.move_group, &[&title])}>
                    {left.clone().map(|(l, name)| view! { <button type="button" class="icon-button" id=format!("mv-left-{}", card.id) aria-label={crate::i18n::fill(t.move_to, &[&title, &name])} on:click=go("left", l, None, None)>"←"</button> })}
                    {above.clone().map(|a| view! { <button type="button" class="icon-button" id=format!("mv-up-{}", card.id) aria-label={crate::i18n::fill(t.move_up, &[&title])} on:click=go("up", key.clone(), Some(a), above2.clone())>"↑"</button> })}
                    {below.clone().map(|b| view! { <button type="button" class="icon-button" id=format!("mv-down-{}", card.id) aria-label={crate::i18n::fill(t.move_down, &[&title])} on:click=go("down", key.clone(), below2.clone(), Some(b))>"↓"</button> })}
                    {right.clone().map(|(r, name)| view! { <button type="button" class="icon-button" id=format!("mv-right-{}", card.id) aria-label={crate::i18n::fill(t.move_to, &[&title, &name])} on:click=go("right", r, None, None)>"→"</button> })}
                </div>
            })}
        </li>
    }
}

/// New-card text per column, kept across the board's re-renders.
#[derive(Clone, Copy)]
struct Drafts(RwSignal<std::collections::HashMap<String, String>>);

#[component]
fn AddCard(
    ws_id: String,
    status: String,
    name: String,
    added: Callback<TaskView>,
) -> impl IntoView {
    // Owned copies, not this form's stored values: an answer may arrive after a live change
    // re-rendered the board and disposed of this form.
    let Drafts(drafts) = expect_context::<Drafts>();
    // Not `t`: the submit handler's `t` is the typed title.
    let words = text();
    let title = {
        let key = status.clone();
        move || drafts.with(|d| d.get(&key).cloned().unwrap_or_default())
    };
    let set_title = {
        let key = status.clone();
        move |t: String| {
            let _ = drafts.try_update(|d| {
                d.insert(key.clone(), t);
            });
        }
    };
    let draft_now = {
        let key = status.clone();
        move || drafts.with_untracked(|d| d.get(&key).cloned().unwrap_or_default())
    };
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let input_id = format!("add-{status}");
    view! {
        <form class="add-card" on:submit=move |ev| {
            ev.prevent_default();
            let t = draft_now();
            if t.trim().is_empty() || busy.get_untracked() {
                return;
            }
            busy.set(true);
            let (ws, st) = (ws_id.clone(), status.clone());
            let set_title = set_title.clone();
            let column = name.clone();
            leptos::task::spawn_local(async move {
                let call = AddCardCall { workspace_id: ws, status: st, title: t };
                match add_card(call.workspace_id.clone(), call.status.clone(), call.title.clone()).await {
                    Ok(task) => {
                        set_title(String::new());
                        let _ = error.try_set(None);
                        let _ = added.try_run(task);
                    }
                    // Offline: kept on this device; the card appears when the queue replays it.
                    Err(e) if offline::unreachable(&e)
                        && offline::queue(&call, crate::i18n::fill(words.queue_add, &[&call.title, &column]), "", "create") =>
                    {
                        set_title(String::new());
                        let _ = error.try_set(Some(crate::i18n::fill(words.offline_added, &[&call.title])));
                    }
                    Err(e) => {
                        let _ = error.try_set(Some(e.message));
                    }
                }
                let _ = busy.try_set(false);
            });
        }>
            <label class="sr-only" for=input_id.clone()>{crate::i18n::fill(words.new_card_in, &[&name])}</label>
            <input id=input_id type="text" placeholder=words.placeholder maxlength="200"
                prop:value=title on:input={
                    let set_title = set_title.clone();
                    move |ev| set_title(event_target_value(&ev))
                }
                // Read-only while the card is added, not disabled: a disabled field drops the
                // keyboard's focus, and the next card is typed right here.
                readonly=move || busy.get() aria-busy=move || busy.get().then_some("true")/>
            <p class="form-error" role="alert">{move || error.get()}</p>
        </form>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        loading: &'static str,
        read_only: &'static str,
        /// Someone else's change, after their name: {0} title / {0} title, {1} column.
        deleted: &'static str,
        added_by: &'static str,
        moved_by: &'static str,
        changed_by: &'static str,
        /// Our own changes: {0} title, {1} column, {2} position, {3} of.
        moved: &'static str,
        moved_offline: &'static str,
        not_moved: &'static str,
        move_failed: &'static str,
        added: &'static str,
        /// Offline queue labels: {0} title, {1} column.
        queue_move: &'static str,
        queue_add: &'static str,
        offline_added: &'static str,
        /// A column's count in words, for screen readers.
        cards_one: &'static str,
        cards_other: &'static str,
        empty_can_add: &'static str,
        empty: &'static str,
        show_more: &'static str,
        due_date: &'static str,
        overdue: &'static str,
        checklist_done: &'static str,
        assigned_to: &'static str,
        move_group: &'static str,
        move_to: &'static str,
        move_up: &'static str,
        move_down: &'static str,
        new_card_in: &'static str,
        placeholder: &'static str,
        also_here: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    loading: "Loading the board…",
    read_only: "You can read this board; your role does not allow changing it.",
    deleted: "deleted {0}",
    added_by: "added {0} to {1}",
    moved_by: "moved {0} to {1}",
    changed_by: "changed {0}",
    moved: "Moved {0} to {1}, position {2} of {3}.",
    moved_offline:
        "Moved {0} to {1}, position {2} of {3}. Saved on this device until you are back online.",
    not_moved: "{0} was not moved.",
    move_failed: "The card could not be moved: {0}",
    added: "Added {0} to {1}.",
    queue_move: "Move “{0}” to {1}",
    queue_add: "Add “{0}” to {1}",
    offline_added: "You are offline: “{0}” is saved on this device and added when you are back.",
    cards_one: "1 card",
    cards_other: "{0} cards",
    empty_can_add: "No cards yet. Add one below or drop one here.",
    empty: "No cards.",
    show_more: "Show more ({0} not shown)",
    due_date: "Due date",
    overdue: ", overdue",
    checklist_done: "Checklist done",
    assigned_to: "Assigned to {0}",
    move_group: "Move {0}",
    move_to: "Move {0} to {1}",
    move_up: "Move {0} up",
    move_down: "Move {0} down",
    new_card_in: "New card in {0}",
    placeholder: "Add a card…",
    also_here: "Also here: {0}",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    loading: "Board wird geladen…",
    read_only: "Du kannst dieses Board ansehen; deine Rolle erlaubt keine Änderungen.",
    deleted: "hat „{0}“ gelöscht",
    added_by: "hat „{0}“ zu {1} hinzugefügt",
    moved_by: "hat „{0}“ nach {1} verschoben",
    changed_by: "hat „{0}“ geändert",
    moved: "„{0}“ nach {1} verschoben, Position {2} von {3}.",
    moved_offline: "„{0}“ nach {1} verschoben, Position {2} von {3}. Auf diesem Gerät gespeichert, bis du wieder online bist.",
    not_moved: "„{0}“ wurde nicht verschoben.",
    move_failed: "Die Karte konnte nicht verschoben werden: {0}",
    added: "„{0}“ zu {1} hinzugefügt.",
    queue_move: "„{0}“ nach {1} verschieben",
    queue_add: "„{0}“ zu {1} hinzufügen",
    offline_added: "Du bist offline: „{0}“ ist auf diesem Gerät gespeichert und wird hinzugefügt, sobald du wieder online bist.",
    cards_one: "1 Karte",
    cards_other: "{0} Karten",
    empty_can_add: "Noch keine Karten. Füge unten eine hinzu oder zieh eine hierher.",
    empty: "Keine Karten.",
    show_more: "Mehr anzeigen ({0} ausgeblendet)",
    due_date: "Fälligkeitsdatum",
    overdue: ", überfällig",
    checklist_done: "Checkliste erledigt",
    assigned_to: "Zugewiesen an {0}",
    move_group: "„{0}“ verschieben",
    move_to: "„{0}“ nach {1} verschieben",
    move_up: "„{0}“ nach oben verschieben",
    move_down: "„{0}“ nach unten verschieben",
    new_card_in: "Neue Karte in {0}",
    placeholder: "Karte hinzufügen…",
    also_here: "Ebenfalls hier: {0}",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, status: &str) -> TaskView {
        TaskView {
            id: id.into(),
            workspace_id: "w".into(),
            title: id.into(),
            description: String::new(),
            description_html: String::new(),
            status: status.into(),
            priority: Default::default(),
            labels: vec![],
            assignee_ids: vec![],
            due_at: None,
            start_at: None,
            checklist: vec![],
            recurrence: None,
            position: "a".into(),
            version: 1,
            created_by: "u".into(),
            created_at: String::new(),
            updated_at: String::new(),
            completed_at: None,
        }
    }

    fn col(key: &str, ids: &[&str]) -> ColState {
        ColState {
            key: key.into(),
            name: key.into(),
            total: ids.len() as u64,
            tasks: ids.iter().map(|i| task(i, key)).collect(),
            next: None,
        }
    }

    fn order(cols: &[ColState]) -> Vec<Vec<String>> {
        cols.iter()
            .map(|c| c.tasks.iter().map(|t| t.id.clone()).collect())
            .collect()
    }

    #[test]
    fn local_moves_match_the_server_rules() {
        let mut cols = vec![col("todo", &["a", "b", "c"]), col("done", &["x"])];
        assert!(apply_move(&mut cols, "c", "todo", Some("a"), None));
        assert_eq!(order(&cols)[0], ["c", "a", "b"]);
        assert!(apply_move(&mut cols, "c", "todo", None, Some("b")));
        assert_eq!(order(&cols)[0], ["a", "b", "c"]);
        assert!(apply_move(&mut cols, "a", "done", None, None));
        assert_eq!(order(&cols), [vec!["b", "c"], vec!["x", "a"]]);
        assert_eq!((cols[0].total, cols[1].total), (2, 2));
        assert_eq!(cols[1].tasks[1].status, "done");
        assert!(!apply_move(&mut cols, "zzz", "done", None, None));
        assert!(!apply_move(&mut cols, "b", "nope", None, None));
    }

    fn moved(t: &TaskView) -> LiveEvent {
        LiveEvent {
            kind: "task.moved".into(),
            workspace_id: "w".into(),
            version: 9,
            actor_id: "someone".into(),
            data: serde_json::to_value(t).expect("json"),
        }
    }

    #[test]
    fn events_place_cards_by_position_and_never_go_back_in_time() {
        let mut cols = vec![col("todo", &["a", "b", "c"]), col("done", &[])];
        for (t, p) in cols[0].tasks.iter_mut().zip(["a0", "a1", "a2"]) {
            t.position = p.into();
        }
        // Someone moved c between a and b.
        let mut c = task("c", "todo");
        (c.position, c.version) = ("a05".into(), 2);
        assert!(apply_event(&mut cols, &moved(&c)).is_some());
        assert_eq!(order(&cols)[0], ["a", "c", "b"]);
        // The same state again, or an older one, changes nothing.
        assert!(apply_event(&mut cols, &moved(&c)).is_none());
        let mut old = task("c", "done");
        old.version = 1;
        assert!(apply_event(&mut cols, &moved(&old)).is_none());
        assert_eq!(order(&cols), [vec!["a", "c", "b"], vec![]]);
        // A newer one moves it to its column.
        let mut newer = task("c", "done");
        newer.version = 3;
        assert!(apply_event(&mut cols, &moved(&newer)).is_some());
        assert_eq!(order(&cols), [vec!["a", "b"], vec!["c"]]);
        assert_eq!((cols[0].total, cols[1].total), (2, 1));
    }

    #[test]
    fn card_keys_ignore_the_version_but_not_what_shows() {
        let row = |t: TaskView| CardRow {
            card: t,
            above: None,
            above2: None,
            below: Some("b".into()),
            below2: None,
        };
        let a = task("a", "todo");
        let mut bumped = a.clone();
        bumped.version = 7;
        bumped.position = "zz".into();
        assert_eq!(row(a.clone()).key(), row(bumped).key());
        let mut renamed = a.clone();
        renamed.title = "other".into();
        assert_ne!(row(a.clone()).key(), row(renamed).key());
        let mut moved_row = row(a);
        moved_row.below = None;
        assert_ne!(moved_row.key(), row(task("a", "todo")).key());
    }
}

/// Who else is looking at this workspace right now (names, from the live connection).
#[component]
fn Viewers(live: crate::live::Live, members: StoredValue<Vec<MemberView>>) -> impl IntoView {
    let t = text();
    let me = crate::auth::use_auth().current().map(|u| u.id);
    let others = move || {
        live.viewers
            .get()
            .into_iter()
            .filter(|id| me.as_deref() != Some(id.as_str()))
            .map(|id| members.with_value(|m| member_name(m, &id)))
            .collect::<Vec<_>>()
    };
    view! {
        <p class="viewers" data-testid="viewers" aria-live="polite">
            {move || {
                let names = others();
                (!names.is_empty()).then(|| view! {
                    {names.iter().map(|n| view! { <span class="avatar" title=n.clone() aria-hidden="true">{initials(n)}</span> }).collect_view()}
                    <span class="muted">{crate::i18n::fill(t.also_here, &[&names.join(", ")])}</span>
                })
            }}
        </p>
    }
}
