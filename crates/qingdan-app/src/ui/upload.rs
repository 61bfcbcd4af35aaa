//! The outbox on screen: the 同步 button with the number waiting, and a
//! packet's upload status with its receipt or the intake's reason.

use yew::prelude::*;

use super::{Route, go, use_ctx};
use crate::i18n::{self, T};
use crate::messages;
use crate::services;
use crate::sync::{PacketStatus, SyncReport};

/// The header's 同步 button; its badge counts the packets waiting, and
/// beside it what the last press came to.
#[function_component]
pub fn SyncButton() -> Html {
    let ctx = use_ctx();
    let waiting = ctx.outbox.waiting();
    let onclick = {
        let outbox = ctx.outbox.clone();
        Callback::from(move |_| outbox.sync_now())
    };
    let title = i18n::fill(ctx.t(T::Waiting), &[("n", &waiting.to_string())]);
    let report = ctx.outbox.report();
    let busy = report == Some(SyncReport::Busy);
    let note = report.map(|r| {
        let state = match &r {
            SyncReport::Busy => "busy",
            r if r.is_error() => "error",
            _ => "done",
        };
        let n = |n: &usize| Some(n.to_string());
        let (sent, rejected, failed) = match &r {
            SyncReport::Done {
                sent,
                rejected,
                failed,
                ..
            } => (n(sent), n(rejected), n(failed)),
            _ => (None, None, None),
        };
        html! {
            <span class={classes!("sync-note", state)} role="status" data-testid="sync-feedback" data-state={state}
                  data-sent={sent} data-rejected={rejected} data-failed={failed}>
                { messages::sync_report(ctx.lang, &r) }
            </span>
        }
    });
    html! {
        <>
            <button class="link sync" {onclick} title={title} aria-busy={busy.to_string()} data-testid="sync-button">
                { ctx.t(T::Sync) }
                <span class={classes!("badge", (waiting == 0).then_some("empty"))}
                      data-testid="outbox-badge" data-count={waiting.to_string()}>
                    { waiting }
                </span>
            </button>
            { note }
        </>
    }
}

/// The label of a status.
fn label(status: &PacketStatus) -> T {
    match status {
        PacketStatus::Queued(_) => T::UploadQueued,
        PacketStatus::Sending => T::UploadSending,
        PacketStatus::Received(_) => T::UploadReceived,
        PacketStatus::Rejected(_) => T::UploadRejected,
    }
}

/// Which assessment's packet, and how much to say.
#[derive(Properties, PartialEq)]
pub struct StatusProps {
    /// The assessment.
    pub assessment: AttrValue,
    /// With the receipt's details and a retry button (Review), or one line
    /// (Home).
    #[prop_or_default]
    pub detailed: bool,
    /// The assessment is signed, so a refusal can turn it into a draft to
    /// correct (Review).
    #[prop_or_default]
    pub locked: bool,
}

/// The upload status of an assessment's latest packet (nothing when it has
/// none).
#[function_component]
pub fn UploadStatus(props: &StatusProps) -> Html {
    let ctx = use_ctx();
    let failed = use_state(|| None::<String>);
    let Some((packet_id, status)) = ctx.outbox.status_of(&props.assessment) else {
        return html! {};
    };
    let t = |k: T| ctx.t(k);
    let chip = html! {
        <span class={classes!("status", "upload", status.as_str())}>{ t(label(&status)) }</span>
    };
    let detail = match &status {
        PacketStatus::Queued(error) => html! {
            <>
                if ctx.outbox.link().is_none() {
                    <span class="muted">{ t(T::NotEnrolledYet) }</span>
                } else if let Some(e) = error {
                    <span class="muted">{ messages::transient(ctx.lang, T::LastAttempt, e) }</span>
                }
            </>
        },
        PacketStatus::Sending => html! {},
        PacketStatus::Received(receipt) if props.detailed => html! {
            <dl class="receipt" data-testid="receipt">
                <dt>{ t(T::ReceiptTime) }</dt>
                <dd data-testid="receipt-time">{ crate::time::local(&receipt.received_at) }</dd>
                <dt>{ t(T::ReceiptDigest) }</dt>
                <dd class="mono" data-testid="receipt-sha256">{ &receipt.packet_sha256 }</dd>
            </dl>
        },
        PacketStatus::Received(receipt) => html! {
            <span class="muted" data-testid="receipt-time">{ crate::time::local(&receipt.received_at) }</span>
        },
        PacketStatus::Rejected(rejection) => {
            let retry = {
                let (outbox, id) = (ctx.outbox.clone(), packet_id.clone());
                Callback::from(move |_| {
                    let (outbox, id) = (outbox.clone(), id.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = outbox.retry(&id).await;
                    });
                })
            };
            let correct = {
                let (ctx, id) = (ctx.clone(), props.assessment.to_string());
                let failed = failed.clone();
                Callback::from(move |_| {
                    let (ctx, id, failed) = (ctx.clone(), id.clone(), failed.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        match services::correct(&ctx, &id).await {
                            Ok(()) => go(&Route::Fill(id)),
                            Err(why) => failed.set(Some(why)),
                        }
                    });
                })
            };
            html! {
                <>
                    <span class="reason" data-testid="upload-reason" data-code={rejection.code.clone()}>
                        { messages::rejection(ctx.lang, rejection) }
                    </span>
                    if props.detailed {
                        <button onclick={retry} data-testid="upload-retry">{ t(T::RetryUpload) }</button>
                        if props.locked {
                            <button class="primary" onclick={correct} data-testid="upload-correct"
                                    title={t(T::CorrectDraftHint)}>{ t(T::CorrectDraft) }</button>
                            <small class="muted">{ t(T::CorrectDraftHint) }</small>
                        }
                        if let Some(why) = &*failed {
                            <p class="notice error" role="alert">{ why }</p>
                        }
                    }
                </>
            }
        }
    };
    html! {
        <div class="upload-status" data-testid="upload-status"
             data-upload={status.as_str()} data-packet-id={packet_id}>
            { chip }{ " " }{ detail }
        </div>
    }
}
