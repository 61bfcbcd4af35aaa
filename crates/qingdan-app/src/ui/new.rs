//! New assessment: checklist, unit, period and kind.

use qingdan_core::packet::{PacketKind, Subject, Unit, is_period};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{Notice, Route, go, input_text, use_ctx};
use crate::i18n::{self, T};
use crate::model::NewAssessment;
use crate::services;

/// Which checklist to start.
#[derive(Properties, PartialEq)]
pub struct NewProps {
    /// `<id>@<version>` or `<id>`.
    pub template: AttrValue,
}

/// The new-assessment screen.
#[function_component]
pub fn New(props: &NewProps) -> Html {
    let ctx = use_ctx();
    let code = use_node_ref();
    let name = use_node_ref();
    let period = use_node_ref();
    let kind = use_node_ref();
    let subject_name = use_node_ref();
    let subject_post = use_node_ref();
    let notice = use_state(|| Notice::None);
    let t = |k: T| ctx.t(k);
    let Some(template) = ctx.template_by_key(&props.template) else {
        return html! {
            <main data-testid="app-ready">
                <p class="notice error">{ i18n::fill(t(T::UnknownTemplate), &[("t", &props.template)]) }</p>
            </main>
        };
    };
    // Only the kinds the checklist serves are offered, the first chosen.
    let kinds: Vec<(PacketKind, &str, T)> = template
        .kinds()
        .into_iter()
        .filter_map(|k| match k {
            PacketKind::SelfAssessment => Some((k, "self_assessment", T::KindSelf)),
            PacketKind::Inspection => Some((k, "inspection", T::KindInspection)),
            PacketKind::Rectification => None,
        })
        .collect();
    let this_year = js_sys::Date::new_0().get_full_year().to_string();

    let start = {
        let ctx = ctx.clone();
        let template = template.clone();
        let (code, name, period, kind) = (code.clone(), name.clone(), period.clone(), kind.clone());
        let (subject_name, subject_post) = (subject_name.clone(), subject_post.clone());
        let notice = notice.clone();
        let kinds = kinds.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| input_text(r).trim().to_owned();
            let (code, name, period) = (value(&code), value(&name), value(&period));
            let chosen = kind
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let Some(&(kind, _, _)) = kinds
                .iter()
                .find(|(_, value, _)| *value == chosen)
                .or(kinds.first())
            else {
                return;
            };
            if code.is_empty() || name.is_empty() {
                notice.set(Notice::Error(ctx.t(T::NeedUnit).into()));
                return;
            }
            let subject = if template.about_a_person() {
                let (name, post) = (value(&subject_name), value(&subject_post));
                if name.is_empty() || post.is_empty() {
                    notice.set(Notice::Error(ctx.t(T::NeedSubject).into()));
                    return;
                }
                Some(Subject { name, post })
            } else {
                None
            };
            if !is_period(&period) {
                notice.set(Notice::Error(i18n::fill(
                    ctx.t(T::BadPeriod),
                    &[("p", &period)],
                )));
                return;
            }
            let form = NewAssessment {
                unit: Unit { code, name },
                subject,
                period,
                kind,
            };
            let (ctx, template, notice) = (ctx.clone(), template.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match services::create_assessment(&ctx, &template, form).await {
                    Ok(id) => go(&Route::Fill(id)),
                    Err(why) => notice.set(Notice::Error(why)),
                }
            });
        })
    };
    html! {
        <main class="new" data-testid="app-ready">
            <h1>{ t(T::NewAssessment) }</h1>
            <p><strong>{ template.doc().title.get(ctx.lang) }</strong>{ " · v" }{ template.version() }</p>
            <form class="form" onsubmit={start}>
                <label>{ t(T::UnitCode) }<input ref={code} required=true autocomplete="off" data-testid="new-unit-code" /></label>
                <label>{ t(T::UnitName) }<input ref={name} required=true data-testid="new-unit-name" /></label>
                if template.about_a_person() {
                    <p class="muted" data-testid="subject-hint">{ t(T::SubjectHint) }</p>
                    <label>{ t(T::SubjectName) }<input ref={subject_name} required=true data-testid="new-subject-name" /></label>
                    <label>{ t(T::SubjectPost) }<input ref={subject_post} required=true data-testid="new-subject-post" /></label>
                }
                <label>{ t(T::Period) }
                    <input ref={period} value={this_year} data-testid="new-period" />
                    <small class="muted">{ t(T::PeriodHint) }</small>
                </label>
                <label>{ t(T::Kind) }
                    <select ref={kind} data-testid="new-kind">
                        { for kinds.iter().enumerate().map(|(n, (_, value, label))| html! {
                            <option value={*value} selected={n == 0}>{ t(*label) }</option>
                        }) }
                    </select>
                </label>
                { notice.view("new-notice") }
                <button type="submit" class="primary" data-testid="start-assessment">{ t(T::Start) }</button>
            </form>
        </main>
    }
}
