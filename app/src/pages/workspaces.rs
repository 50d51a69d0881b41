use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

use crate::api::{my_workspaces, NewWorkspace};
use crate::auth::use_auth;

/// Your workspaces, and a new one.
#[component]
pub fn WorkspacesPage() -> impl IntoView {
    let auth = use_auth();
    let create = ServerAction::<NewWorkspace>::new();
    let workspaces = Resource::new(move || create.version().get(), |_| my_workspaces());
    view! {
        <Title text="Workspaces"/>
        <Transition fallback=|| ()>
            {move || auth.user.get().map(|u| matches!(u, Ok(None)).then(|| view! { <Redirect path="/signin"/> }))}
        </Transition>
        <section class="panel" aria-labelledby="ws-title">
            <h1 id="ws-title">"Your workspaces"</h1>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || workspaces.get().map(|r| match r {
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted" data-testid="no-workspaces">"No workspaces yet: create the first one below."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="ws-list">
                            {list.into_iter().map(|w| view! {
                                <li>
                                    <A href=format!("/w/{}", w.id) attr:class="ws-link">{w.name}</A>
                                    <span class="badge">{w.role.as_str()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
            <ActionForm action=create attr:class="form form--inline">
                <label class="field">
                    <span>"New workspace"</span>
                    <input type="text" name="name" required=true placeholder="e.g. Website relaunch"/>
                </label>
                <button class="button button--primary" type="submit">"Create"</button>
            </ActionForm>
            <p class="form-error" role="alert">{move || create.value().get().and_then(Result::err).map(|e| e.message)}</p>
        </section>
    }
}
