//! 签名密钥: who is enrolled for which unit and role (the enrolled name,
//! the fingerprint, when, by which code), with revocation; and the
//! enrollment codes issued, an unused one withdrawn.

use yew::prelude::*;

use super::{Col, input_text, list_table, notice_view};
use crate::client;
use crate::ctx::use_ctx;
use crate::hooks::{change, use_listing};
use crate::i18n::{self, T};
use crate::messages::{self, Message};
use crate::registry::{self, Code, CodesPage, Key, KeysPage as Page};
use crate::state::Notice;
use crate::state::listing::ListingAction;
use crate::time;

/// The keys page.
#[function_component]
pub fn KeysPage() -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    // Where the page of keys starts: after this key (the first page when none).
    let after = use_state(|| None::<Key>);
    let codes_page = use_state(|| 1u64);
    let keys = use_listing::<Page>(&ctx, registry::keys_url(after.as_ref()));
    let codes = use_listing::<CodesPage>(&ctx, registry::codes_url(*codes_page));
    let revoking = use_state(|| None::<String>);
    let reason = use_node_ref();

    let revoke = {
        let (keys, ctx, revoking, reason) =
            (keys.clone(), ctx.clone(), revoking.clone(), reason.clone());
        Callback::from(move |(public_key, name): (String, String)| {
            let why = input_text(&reason).trim().to_owned();
            if why.is_empty() {
                return keys.dispatch(ListingAction::Refused(Message::Plain(T::NeedReason)));
            }
            revoking.set(None);
            change(
                &keys,
                &ctx,
                async move { client::revoke_key(&public_key, &why).await },
                move |()| Message::Filled(T::KeyRevoked, vec![("name", name)]),
                Message::Api,
            );
        })
    };
    let withdraw = {
        let (codes, ctx) = (codes.clone(), ctx.clone());
        Callback::from(move |id: String| {
            let said = id.clone();
            change(
                &codes,
                &ctx,
                async move { client::withdraw_code(&id).await },
                move |()| Message::Filled(T::CodeWithdrawn, vec![("id", said)]),
                Message::Api,
            );
        })
    };

    let failed = keys.failed.clone().or_else(|| codes.failed.clone());
    if let Some(e) = failed {
        return html! {
            <main data-testid="keys-page" data-ready="false">
                <h1>{ t(T::KeysTitle) }</h1>
                { notice_view(&Notice::Error(Message::Api(e)), ctx.lang, "keys-error") }
            </main>
        };
    }
    let (Some(key_page), Some(code_page)) = (&keys.data, &codes.data) else {
        return html! { <main data-testid="keys-page" data-ready="false">{ t(T::Loading) }</main> };
    };

    let key_row = |k: &Key| -> Html {
        let status = match &k.revoked_at {
            Some(at) => html! {
                <span class="bad" data-testid="key-revoked">
                    { i18n::fill(t(T::Revoked), &[("at", &time::local(at))]) }
                </span>
            },
            None if revoking.as_deref() == Some(k.public_key.as_str()) => {
                let confirm = {
                    let (revoke, key, name) =
                        (revoke.clone(), k.public_key.clone(), k.name.clone());
                    Callback::from(move |e: SubmitEvent| {
                        e.prevent_default();
                        revoke.emit((key.clone(), name.clone()));
                    })
                };
                let cancel = {
                    let revoking = revoking.clone();
                    Callback::from(move |_: MouseEvent| revoking.set(None))
                };
                html! {
                    <form class="inline" onsubmit={confirm} data-testid="revoke-form">
                        <input ref={reason.clone()} type="text" placeholder={t(T::RevokeReason)}
                               aria-label={t(T::RevokeReason)} data-testid="revoke-reason" />
                        <button type="submit" class="danger" disabled={keys.busy}
                                data-testid="revoke-confirm">{ t(T::Revoke) }</button>
                        <button type="button" class="link" onclick={cancel}>{ t(T::Cancel) }</button>
                    </form>
                }
            }
            None => {
                let ask = {
                    let (revoking, key) = (revoking.clone(), k.public_key.clone());
                    Callback::from(move |_: MouseEvent| revoking.set(Some(key.clone())))
                };
                html! {
                    <button type="button" class="link no-print" onclick={ask}
                            data-testid="key-revoke">{ t(T::Revoke) }</button>
                }
            }
        };
        html! {
            <tr data-testid="key-row" data-unit={k.unit.clone()} data-role={k.role.clone()}
                data-key={k.public_key.clone()} data-revoked={k.revoked_at.is_some().to_string()}>
                <td class="mono">{ messages::unit_label(ctx.lang, &k.unit) }</td>
                <td>{ messages::role_label(ctx.lang, &k.role) }</td>
                <td data-testid="key-name">{ &k.name }</td>
                <td class="mono" data-testid="key-fingerprint">{ &k.fingerprint }</td>
                <td class="num">{ time::local(&k.enrolled_at) }</td>
                <td class="mono">
                    { k.code.as_ref().map_or_else(|| t(T::ByAdmin).to_owned(), |c| c.code_id.clone()) }
                </td>
                <td>{ status }</td>
            </tr>
        }
    };
    let code_row = |c: &Code| -> Html {
        let action = (c.status == "unused").then(|| {
            let (withdraw, id) = (withdraw.clone(), c.code_id.clone());
            let click = Callback::from(move |_: MouseEvent| withdraw.emit(id.clone()));
            html! {
                <button type="button" class="link no-print" onclick={click} disabled={codes.busy}
                        data-testid="code-withdraw">{ t(T::Withdraw) }</button>
            }
        });
        html! {
            <tr data-testid="code-row" data-code-id={c.code_id.clone()} data-status={c.status.clone()}>
                <td class="mono">{ &c.code_id }</td>
                <td class="mono">{ messages::unit_label(ctx.lang, &c.unit) }</td>
                <td>{ messages::role_label(ctx.lang, &c.role) }</td>
                <td>{ messages::code_status_label(ctx.lang, &c.status) }</td>
                <td class="num">{ time::local(&c.created_at) }</td>
                <td class="num">{ time::local(&c.expires_at) }</td>
                <td>{ action }</td>
            </tr>
        }
    };
    let first_keys = {
        let after = after.clone();
        Callback::from(move |_: MouseEvent| after.set(None))
    };
    let next_keys = {
        let (after, last) = (after.clone(), key_page.keys.last().cloned());
        Callback::from(move |_: MouseEvent| after.set(last.clone()))
    };
    let codes_to = |page: u64| {
        let codes_page = codes_page.clone();
        Callback::from(move |_: MouseEvent| codes_page.set(page))
    };
    html! {
        <main data-testid="keys-page" data-ready={(!keys.busy && !codes.busy).to_string()}>
            <h1>{ t(T::KeysTitle) }</h1>
            <p class="muted no-print">{ t(T::KeysHint) }</p>
            { notice_view(&keys.notice, ctx.lang, "keys-notice") }
            if key_page.keys.is_empty() && after.is_none() {
                <p class="muted" data-testid="no-keys">{ t(T::NoKeys) }</p>
            } else {
                { list_table(ctx.lang, "keys-table", &[Col::Head(T::UnitCode), Col::Head(T::Role), Col::Head(T::Signer), Col::Head(T::Fingerprint), Col::Head(T::EnrolledAt), Col::Head(T::ByCode), Col::Blank], key_page.keys.iter().map(key_row)) }
                <nav class="pager no-print">
                    if after.is_some() {
                        <button type="button" class="link" onclick={first_keys}>{ t(T::Previous) }</button>
                    }
                    if key_page.more {
                        <button type="button" class="link" onclick={next_keys}
                                data-testid="keys-next">{ t(T::Next) }</button>
                    }
                </nav>
            }
            <h2>{ t(T::CodesTitle) }</h2>
            <p class="muted no-print">{ t(T::CodesHint) }</p>
            { notice_view(&codes.notice, ctx.lang, "codes-notice") }
            if code_page.codes.is_empty() {
                <p class="muted" data-testid="no-codes">{ t(T::NoCodes) }</p>
            } else {
                { list_table(ctx.lang, "codes-table", &[Col::Head(T::CodeId), Col::Head(T::UnitCode), Col::Head(T::Role), Col::Head(T::Status), Col::Head(T::IssuedAt), Col::Head(T::ExpiresAt), Col::Blank], code_page.codes.iter().map(code_row)) }
                <nav class="pager no-print">
                    if code_page.page > 1 {
                        <button type="button" class="link" onclick={codes_to(code_page.page - 1)}>{ t(T::Previous) }</button>
                    }
                    if code_page.page < code_page.pages {
                        <button type="button" class="link" onclick={codes_to(code_page.page + 1)}
                                data-testid="codes-next">{ t(T::Next) }</button>
                    }
                </nav>
            }
        </main>
    }
}
