//! Members and roles: owners invite existing accounts by email, change roles (making someone
//! else owner is how ownership moves) and remove people; anyone may leave. The service refuses
//! to leave a workspace without an owner, and the page says so.

use domain::workspace::{MemberView, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{load_error, use_ws};
use crate::api::{invite_member, members, remove_member, set_member_role};
use crate::auth::use_auth;

const ROLES: [(Role, &str); 4] = [
    (Role::Viewer, "Viewer — reads"),
    (Role::Commenter, "Commenter — reads and comments"),
    (Role::Editor, "Editor — also creates and changes tasks"),
    (
        Role::Owner,
        "Owner — also manages members, columns and the workspace",
    ),
];

#[component]
pub fn MembersView() -> impl IntoView {
    let ctx = use_ws();
    let auth = use_auth();
    let version = RwSignal::new(0u32);
    let list = Resource::new_blocking(move || (ctx.id.get(), version.get()), |(id, _)| members(id));
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("editor".to_owned());
    let navigate = use_navigate();

    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = Role::parse(&role.get_untracked()).unwrap_or(Role::Viewer);
        let (id, e) = (ctx.id.get_untracked(), email.get_untracked());
        leptos::task::spawn_local(async move {
            match invite_member(id, e, r).await {
                Ok(m) => {
                    email.set(String::new());
                    error.set(None);
                    notice.set(Some(format!("{} joined as {}.", m.name, m.role.as_str())));
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(
                    e.fields
                        .and_then(|f| f.get("email").map(|w| format!("That email {w}.")))
                        .unwrap_or(e.message),
                )),
            }
        });
    };

    view! {
        <section class="panel members" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <p class="form-ok" role="status">{move || notice.get()}</p>
            <Transition fallback=|| view! { <p class="muted">"Loading members…"</p> }>
                {move || {
                    let me = auth.current().map(|u| u.id).unwrap_or_default();
                    let my_role = ctx.workspace.get().and_then(Result::ok).map(|w| w.role);
                    let manage = my_role.is_some_and(Role::can_manage);
                    let navigate = navigate.clone();
                    list.get().map(|r| match r {
                        Ok(people) => view! {
                            <ul class="member-list" data-testid="members">
                                {people.into_iter().map(|m| view! { <MemberRow m=m.clone() me=me.clone() manage=manage version=version error=error notice=notice navigate=navigate.clone()/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => load_error(e),
                    })
                }}
            </Transition>
        </section>
        <Transition fallback=|| ()>
            {move || ctx.workspace.get().and_then(Result::ok).filter(|w| w.role.can_manage()).map(|_| view! {
                <section class="panel" aria-labelledby="invite-title">
                    <h2 id="invite-title">"Invite someone"</h2>
                    <p class="muted">"They need an account here first; they see the workspace as soon as you add them."</p>
                    <form class="form form--inline" on:submit=invite>
                        <label class="field"><span>"Email"</span>
                            <input type="email" required=true autocomplete="off" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                        </label>
                        <div class="field"><label for="invite-role">"Role"</label>
                            <select id="invite-role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                                {ROLES.into_iter().map(|(r, l)| view! { <option value=r.as_str() selected=r == Role::Editor>{l}</option> }).collect_view()}
                            </select>
                        </div>
                        <button class="button button--primary" type="submit">"Add member"</button>
                    </form>
                </section>
            })}
        </Transition>
    }
}

#[component]
fn MemberRow(
    m: MemberView,
    me: String,
    manage: bool,
    version: RwSignal<u32>,
    error: RwSignal<Option<String>>,
    notice: RwSignal<Option<String>>,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + Clone + 'static,
) -> impl IntoView {
    let ctx = use_ws();
    let is_me = m.user_id == me;
    let uid = StoredValue::new(m.user_id.clone());
    let name = m.name.clone();
    let change = move |ev: leptos::ev::Event| {
        let Some(r) = Role::parse(&event_target_value(&ev)) else {
            return;
        };
        let id = ctx.id.get_untracked();
        leptos::task::spawn_local(async move {
            match set_member_role(id, uid.get_value(), r).await {
                Ok(m) => {
                    error.set(None);
                    notice.set(Some(format!("{} is now {}.", m.name, m.role.as_str())));
                    version.update(|v| *v += 1);
                    ctx.bump();
                }
                Err(e) => {
                    error.set(Some(e.message));
                    version.update(|v| *v += 1);
                }
            }
        });
    };
    let remove = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let question = if is_me {
                "Leave this workspace?".to_owned()
            } else {
                "Remove this member?".to_owned()
            };
            if !window().confirm_with_message(&question).unwrap_or(false) {
                return;
            }
        }
        let id = ctx.id.get_untracked();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match remove_member(id, uid.get_value()).await {
                Ok(()) if is_me => navigate("/workspaces", Default::default()),
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <li class="member">
            <span class="avatar avatar--lg" aria-hidden="true">{super::initials(&m.name)}</span>
            <div class="member__who">
                <strong>{m.name.clone()}{is_me.then_some(" (you)")}</strong>
                <span class="muted">{m.email.clone()}</span>
            </div>
            {if manage {
                view! {
                    <label class="sr-only" for=format!("role-{}", m.user_id)>{format!("Role of {name}")}</label>
                    <select id=format!("role-{}", m.user_id) on:change=change>
                        {ROLES.into_iter().map(|(r, _)| view! { <option value=r.as_str() selected=r == m.role>{r.as_str()}</option> }).collect_view()}
                    </select>
                }.into_any()
            } else {
                view! { <span class="badge">{m.role.as_str()}</span> }.into_any()
            }}
            {(manage || is_me).then(|| view! {
                <button type="button" class="button button--ghost button--small" on:click=remove>{if is_me { "Leave" } else { "Remove" }}</button>
            })}
        </li>
    }
}
