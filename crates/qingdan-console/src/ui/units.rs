//! 单位: the registered units a page at a time; a workbook imported (all
//! or none, errors by cell); a unit added or its name and parent changed;
//! and slips of enrollment codes printed for the units chosen.

use yew::prelude::*;

use super::{input_text, notice_view};
use crate::client;
use crate::ctx::use_ctx;
use crate::hooks::{change, make_slips, use_listing, use_slips};
use crate::i18n::{self, T};
use crate::messages::{self, Message};
use crate::registry::{self, ROLES, Unit, UnitsPage as Page};
use crate::route::Route;
use crate::state::Notice;
use crate::state::listing::ListingAction;
use crate::state::slips::SlipsAction;
use crate::time;

/// The file chosen in the `<input type=file>` that `node` refers to.
pub fn chosen_file(node: &NodeRef) -> Option<web_sys::File> {
    node.cast::<web_sys::HtmlInputElement>()
        .and_then(|i| i.files())
        .and_then(|files| files.get(0))
}

/// Whether the checkbox that fired `e` is now checked.
fn checked(e: &Event) -> bool {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .is_some_and(|i| i.checked())
}

/// What the units page is given.
#[derive(Properties, PartialEq)]
pub struct UnitsProps {
    /// The page of units, from 1.
    pub page: u64,
}

/// The units page.
#[function_component]
pub fn UnitsPage(props: &UnitsProps) -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let state = use_listing::<Page>(&ctx, registry::units_url(props.page));
    let slips = use_slips();
    let editing = use_state(|| None::<String>);
    let (file, code, name, edit_name, edit_parent) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );

    let import = {
        let (state, ctx, file) = (state.clone(), ctx.clone(), file.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(chosen) = chosen_file(&file) else {
                return state.dispatch(ListingAction::Refused(Message::Plain(T::NeedFile)));
            };
            let send = async move { client::import_units(&chosen).await };
            let done = |done: crate::registry::Imported| {
                Message::Filled(
                    T::UnitsImported,
                    vec![
                        ("n", done.units.to_string()),
                        ("added", done.added.to_string()),
                        ("updated", done.updated.to_string()),
                    ],
                )
            };
            change(&state, &ctx, send, done, Message::File);
        })
    };
    let add = {
        let (state, ctx, code, name) = (state.clone(), ctx.clone(), code.clone(), name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (c, n) = (
                input_text(&code).trim().to_owned(),
                input_text(&name).trim().to_owned(),
            );
            if c.is_empty() || n.is_empty() {
                return state.dispatch(ListingAction::Refused(Message::Plain(T::NeedCodeName)));
            }
            let said = c.clone();
            change(
                &state,
                &ctx,
                async move { client::add_unit(&c, &n).await },
                move |()| Message::Filled(T::UnitAdded, vec![("code", said)]),
                Message::Api,
            );
        })
    };
    let save = {
        let (state, ctx, editing) = (state.clone(), ctx.clone(), editing.clone());
        let (edit_name, edit_parent) = (edit_name.clone(), edit_parent.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(code) = (*editing).clone() else {
                return;
            };
            let name = input_text(&edit_name).trim().to_owned();
            let parent = input_text(&edit_parent).trim().to_owned();
            if name.is_empty() {
                return state.dispatch(ListingAction::Refused(Message::Plain(T::NeedCodeName)));
            }
            editing.set(None);
            let said = code.clone();
            change(
                &state,
                &ctx,
                async move { client::edit_unit(&code, &name, &parent).await },
                move |()| Message::Filled(T::UnitSaved, vec![("code", said)]),
                Message::Api,
            );
        })
    };
    let make = {
        let (slips, ctx) = (slips.clone(), ctx.clone());
        Callback::from(move |_: MouseEvent| {
            let units: Vec<String> = slips.units.iter().cloned().collect();
            let roles: Vec<String> = slips.roles.iter().cloned().collect();
            match registry::sheet_requests(&units, &roles) {
                Some(asks) => make_slips(&slips, &ctx, asks),
                None => slips.dispatch(SlipsAction::Failed(Message::Plain(T::NeedRole))),
            }
        })
    };

    if let Some(e) = &state.failed {
        return html! {
            <main data-testid="units-page" data-ready="false">
                <h1>{ t(T::UnitsTitle) }</h1>
                { notice_view(&Notice::Error(Message::Api(e.clone())), ctx.lang, "units-error") }
            </main>
        };
    }
    let Some(page) = &state.data else {
        return html! { <main data-testid="units-page" data-ready="false">{ t(T::Loading) }</main> };
    };
    let page_codes: Vec<String> = page.units.iter().map(|u| u.code.clone()).collect();
    let all_chosen = !page_codes.is_empty() && page_codes.iter().all(|c| slips.units.contains(c));
    let choose_page = {
        let (slips, codes) = (slips.clone(), page_codes.clone());
        Callback::from(move |e: Event| {
            slips.dispatch(SlipsAction::Units(codes.clone(), checked(&e)))
        })
    };
    let row = |u: &Unit| -> Html {
        let choose = {
            let (slips, code) = (slips.clone(), u.code.clone());
            Callback::from(move |e: Event| {
                slips.dispatch(SlipsAction::Unit(code.clone(), checked(&e)))
            })
        };
        let chosen = slips.units.contains(&u.code);
        if editing.as_deref() == Some(u.code.as_str()) {
            let cancel = {
                let editing = editing.clone();
                Callback::from(move |_: MouseEvent| editing.set(None))
            };
            return html! {
                <tr data-testid="unit-row" data-code={u.code.clone()} class="editing">
                    <td></td>
                    <td class="mono">{ &u.code }</td>
                    <td colspan="3">
                        <form class="inline" onsubmit={save.clone()} data-testid="unit-edit-form">
                            <input ref={edit_name.clone()} type="text" value={u.name.clone()}
                                   aria-label={t(T::UnitName)} data-testid="unit-edit-name" />
                            <input ref={edit_parent.clone()} type="text"
                                   value={u.parent_code.clone().unwrap_or_default()}
                                   placeholder={t(T::ParentCode)} aria-label={t(T::ParentCode)}
                                   data-testid="unit-edit-parent" />
                            <button type="submit" class="primary" disabled={state.busy}
                                    data-testid="unit-save">{ t(T::Save) }</button>
                            <button type="button" class="link" onclick={cancel}>{ t(T::Cancel) }</button>
                        </form>
                    </td>
                </tr>
            };
        }
        let edit = {
            let (editing, code) = (editing.clone(), u.code.clone());
            Callback::from(move |_: MouseEvent| editing.set(Some(code.clone())))
        };
        html! {
            <tr data-testid="unit-row" data-code={u.code.clone()}>
                <td class="no-print">
                    <input type="checkbox" checked={chosen} onchange={choose}
                           aria-label={t(T::ChooseUnit)} data-testid="unit-choose" />
                </td>
                <td class="mono">{ &u.code }</td>
                <td data-testid="unit-name">{ &u.name }</td>
                <td class="mono">{ u.parent_code.clone().unwrap_or_default() }</td>
                <td class="num">{ time::local(&u.created_at) }</td>
                <td class="no-print">
                    <button type="button" class="link" onclick={edit} data-testid="unit-edit">{ t(T::Edit) }</button>
                </td>
            </tr>
        }
    };
    let role_box = |role: &'static str| -> Html {
        let on = {
            let slips = slips.clone();
            Callback::from(move |e: Event| {
                slips.dispatch(SlipsAction::Role(role.to_owned(), checked(&e)))
            })
        };
        html! {
            <label class="check">
                <input type="checkbox" checked={slips.roles.contains(role)} onchange={on}
                       data-testid={format!("slip-role-{role}")} />
                { messages::role_label(ctx.lang, role) }
            </label>
        }
    };
    let sheets = slips.sheets.iter().map(|s| {
        let n = s.slips.to_string();
        html! {
            <p class="sheet">
                <a href={s.url.clone()} target="_blank" rel="noopener" data-testid="slip-sheet"
                   data-slips={n.clone()}>{ i18n::fill(t(T::OpenSheet), &[("n", &n)]) }</a>
                { " · " }
                <a href={s.url.clone()} download="qingdan-slips.html">{ t(T::SaveSheet) }</a>
            </p>
        }
    });
    let chosen_line = if slips.units.is_empty() {
        t(T::NoUnitChosen).to_owned()
    } else {
        i18n::fill(t(T::ChosenUnits), &[("n", &slips.units.len().to_string())])
    };
    let pager = pager(ctx.lang, page);
    html! {
        <main data-testid="units-page" data-ready={(!state.busy).to_string()}>
            <h1>{ t(T::UnitsTitle) }</h1>
            <div class="columns no-print">
                <section>
                    <h2>{ t(T::ImportUnits) }</h2>
                    <p class="muted">{ t(T::ImportUnitsHint) }</p>
                    <form class="form" onsubmit={import} data-testid="units-import-form">
                        <input ref={file} type="file"
                               accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                               data-testid="units-file" />
                        <button type="submit" class="primary" disabled={state.busy}
                                data-testid="units-import">{ t(T::Import) }</button>
                    </form>
                </section>
                <section>
                    <h2>{ t(T::AddUnit) }</h2>
                    <form class="form" onsubmit={add} data-testid="unit-add-form">
                        <label>{ t(T::UnitCode) }<input ref={code} type="text" data-testid="unit-code" /></label>
                        <label>{ t(T::UnitName) }<input ref={name} type="text" data-testid="unit-name-input" /></label>
                        <button type="submit" disabled={state.busy} data-testid="unit-add">{ t(T::Add) }</button>
                    </form>
                </section>
            </div>
            <div class="notice-line">{ notice_view(&state.notice, ctx.lang, "units-notice") }</div>
            <section class="no-print" data-testid="slips-section">
                <h2>{ t(T::Slips) }</h2>
                <p class="muted">{ t(T::SlipsHint) }</p>
                <p class="roles">{ for ROLES.iter().map(|r| role_box(r)) }</p>
                <p data-testid="slips-chosen">{ chosen_line }</p>
                <p>
                    <button type="button" class="primary" onclick={make} disabled={slips.busy}
                            data-testid="make-slips">{ t(T::MakeSlips) }</button>
                </p>
                { for sheets }
                { notice_view(&slips.notice, ctx.lang, "slips-notice") }
            </section>
            if page.units.is_empty() {
                <p class="muted" data-testid="no-units">{ t(T::NoUnits) }</p>
            } else {
                <p class="muted" data-testid="units-total" data-total={page.total_units.to_string()}>
                    { i18n::fill(t(T::UnitsInAll), &[("n", &page.total_units.to_string())]) }
                </p>
                <table class="list" data-testid="units-table">
                    <thead>
                        <tr>
                            <th class="no-print">
                                <input type="checkbox" checked={all_chosen} onchange={choose_page}
                                       aria-label={t(T::ChoosePage)} title={t(T::ChoosePage)}
                                       data-testid="units-choose-page" />
                            </th>
                            <th>{ t(T::UnitCode) }</th>
                            <th>{ t(T::UnitName) }</th>
                            <th>{ t(T::ParentCode) }</th>
                            <th>{ t(T::RegisteredAt) }</th>
                            <th class="no-print"></th>
                        </tr>
                    </thead>
                    <tbody>{ for page.units.iter().map(row) }</tbody>
                </table>
                { pager }
            }
        </main>
    }
}

/// Links to the previous and next pages of units.
fn pager(lang: i18n::Lang, page: &Page) -> Html {
    if page.pages <= 1 {
        return html! {};
    }
    let t = |k: T| k.get(lang);
    let at = i18n::fill(
        t(T::PageN),
        &[
            ("page", &page.page.to_string()),
            ("pages", &page.pages.to_string()),
        ],
    );
    html! {
        <nav class="pager no-print">
            if page.page > 1 {
                <a href={Route::Units(page.page - 1).href()} data-testid="units-previous">{ t(T::Previous) }</a>
            }
            <span>{ at }</span>
            if page.page < page.pages {
                <a href={Route::Units(page.page + 1).href()} data-testid="units-next">{ t(T::Next) }</a>
            }
        </nav>
    }
}
