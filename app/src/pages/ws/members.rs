//! Members and roles: owners invite existing accounts by email, change roles (making someone
//! else owner is how ownership moves) and remove people; anyone may leave. The service refuses
//! to leave a workspace without an owner, and the page says so.

use domain::workspace::{MemberView, Role};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{load_error, use_ws};
use crate::api::{invite_member, members, remove_member, set_member_role};
use crate::auth::use_auth;

/// Every role, lowest first; `Text::role_descriptions` describes them in this order.
const ROLES: [Role; 4] = [Role::Viewer, Role::Commenter, Role::Editor, Role::Owner];

#[component]
pub fn MembersView() -> impl IntoView {
    let t = text();
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
                    notice.set(Some(crate::i18n::fill(
                        t.joined,
                        &[&m.name, &crate::i18n::role_label(m.role)],
                    )));
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(
                    e.fields
                        .and_then(|f| {
                            f.get("email")
                                .map(|w| crate::i18n::fill(t.email_error, &[&w.as_str()]))
                        })
                        .unwrap_or(e.message),
                )),
            }
        });
    };

    view! {
        <section class="panel members" aria-labelledby="members-title">
            <h2 id="members-title">{t.members}</h2>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <p class="form-ok" role="status">{move || notice.get()}</p>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
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
                    <h2 id="invite-title">{t.invite_title}</h2>
                    <p class="muted">{t.invite_hint}</p>
                    <form class="form form--inline" on:submit=invite>
                        <label class="field"><span>{t.email}</span>
                            <input type="email" required=true autocomplete="off" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                        </label>
                        <div class="field"><label for="invite-role">{t.role}</label>
                            <select id="invite-role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                                {ROLES.into_iter().zip(t.role_descriptions).map(|(r, l)| view! { <option value=r.as_str() selected=r == Role::Editor>{l}</option> }).collect_view()}
                            </select>
                        </div>
                        <button class="button button--primary" type="submit">{t.add_member}</button>
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
    let t = text();
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
                    notice.set(Some(crate::i18n::fill(
                        t.role_changed,
                        &[&m.name, &crate::i18n::role_label(m.role)],
                    )));
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
                t.leave_question
            } else {
                t.remove_question
            };
            if !window().confirm_with_message(question).unwrap_or(false) {
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
                <strong>{m.name.clone()}{is_me.then_some(t.you)}</strong>
                <span class="muted">{m.email.clone()}</span>
            </div>
            {if manage {
                view! {
                    <label class="sr-only" for=format!("role-{}", m.user_id)>{crate::i18n::fill(t.role_of, &[&name])}</label>
                    <select id=format!("role-{}", m.user_id) on:change=change>
                        {ROLES.into_iter().map(|r| view! { <option value=r.as_str() selected=r == m.role>{crate::i18n::role_label(r)}</option> }).collect_view()}
                    </select>
                }.into_any()
            } else {
                view! { <span class="badge">{crate::i18n::role_label(m.role)}</span> }.into_any()
            }}
            {(manage || is_me).then(|| view! {
                <button type="button" class="button button--ghost button--small" on:click=remove>{if is_me { t.leave } else { t.remove }}</button>
            })}
        </li>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        /// What each role may do, in the order of `ROLES`.
        role_descriptions: [&'static str; 4],
        /// {0} name, {1} role
        joined: &'static str,
        /// {0} the server's reason the email was refused.
        email_error: &'static str,
        members: &'static str,
        loading: &'static str,
        invite_title: &'static str,
        invite_hint: &'static str,
        email: &'static str,
        role: &'static str,
        add_member: &'static str,
        /// {0} name, {1} role
        role_changed: &'static str,
        /// Confirmations are asked in the browser only.
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        leave_question: &'static str,
        #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
        remove_question: &'static str,
        you: &'static str,
        /// {0} the member's name
        role_of: &'static str,
        leave: &'static str,
        remove: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    role_descriptions: [
        "Viewer — reads",
        "Commenter — reads and comments",
        "Editor — also creates and changes tasks",
        "Owner — also manages members, columns and the workspace",
    ],
    joined: "{0} joined as {1}.",
    email_error: "That email {0}.",
    members: "Members",
    loading: "Loading members…",
    invite_title: "Invite someone",
    invite_hint: "They need an account here first; they see the workspace as soon as you add them.",
    email: "Email",
    role: "Role",
    add_member: "Add member",
    role_changed: "{0} is now {1}.",
    leave_question: "Leave this workspace?",
    remove_question: "Remove this member?",
    you: " (you)",
    role_of: "Role of {0}",
    leave: "Leave",
    remove: "Remove",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    role_descriptions: [
        "Leser – liest",
        "Kommentator – liest und kommentiert",
        "Bearbeiter – erstellt und ändert auch Aufgaben",
        "Inhaber – verwaltet auch Mitglieder, Spalten und den Workspace",
    ],
    joined: "{0} wurde als {1} hinzugefügt.",
    email_error: "E-Mail-Adresse: {0}.",
    members: "Mitglieder",
    loading: "Mitglieder werden geladen…",
    invite_title: "Jemanden einladen",
    invite_hint: "Die Person braucht hier zuerst ein Konto; sie sieht den Workspace, sobald du sie hinzufügst.",
    email: "E-Mail",
    role: "Rolle",
    add_member: "Mitglied hinzufügen",
    role_changed: "{0} ist jetzt {1}.",
    leave_question: "Diesen Workspace verlassen?",
    remove_question: "Dieses Mitglied entfernen?",
    you: " (du)",
    role_of: "Rolle von {0}",
    leave: "Verlassen",
    remove: "Entfernen",
};
