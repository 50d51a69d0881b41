use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

use crate::api::{my_workspaces, NewWorkspace};
use crate::auth::use_auth;

/// Your workspaces, and a new one.
#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let auth = use_auth();
    let t = text();
    let create = ServerAction::<NewWorkspace>::new();
    let workspaces = Resource::new(move || create.version().get(), |_| my_workspaces());
    view! {
        <Title text=t.title/>
        <Transition fallback=|| ()>
            {move || auth.user.get().map(|u| matches!(u, Ok(None)).then(|| view! { <Redirect path="/signin"/> }))}
        </Transition>
        <section class="panel" aria-labelledby="ws-title">
            <h1 id="ws-title">{t.heading}</h1>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
                {move || workspaces.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted" data-testid="no-workspaces">{t.empty}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="ws-list">
                            {list.into_iter().map(|w| view! {
                                <li>
                                    <A href=format!("/w/{}", w.id) attr:class="ws-link">{w.name}</A>
                                    <span class="badge">{crate::i18n::role_label(w.role)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
            <ActionForm action=create attr:class="form form--inline">
                <label class="field">
                    <span>{t.new_workspace}</span>
                    <input type="text" name="name" required=true placeholder=t.placeholder/>
                </label>
                <button class="button button--primary" type="submit">{t.create}</button>
            </ActionForm>
            <p class="form-error" role="alert">{move || create.value().get().and_then(Result::err).map(|e| e.message)}</p>
        </section>
    }
}

crate::i18n::strings! {
    /// This module's words, one table per language (see `crate::i18n`).
    struct Text {
        title: &'static str,
        heading: &'static str,
        loading: &'static str,
        empty: &'static str,
        new_workspace: &'static str,
        placeholder: &'static str,
        create: &'static str,
    }
    static EN, DE;
    fn text();
}

static EN: Text = Text {
    title: "Workspaces",
    heading: "Your workspaces",
    loading: "Loading…",
    empty: "No workspaces yet: create the first one below.",
    new_workspace: "New workspace",
    placeholder: "e.g. Website relaunch",
    create: "Create",
};

#[cfg(not(feature = "hydrate"))]
static DE: Text = Text {
    title: "Workspaces",
    heading: "Deine Workspaces",
    loading: "Wird geladen…",
    empty: "Noch keine Workspaces: Erstelle unten den ersten.",
    new_workspace: "Neuer Workspace",
    placeholder: "z. B. Website-Relaunch",
    create: "Erstellen",
};
