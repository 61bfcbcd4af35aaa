//! New assessment: checklist, unit, period and kind. The unit is one this
//! device's keys are enrolled for, when there are such (see
//! [`crate::facts`]); the period is of the checklist's kind.

use qingdan_core::packet::{PacketKind, Subject, Unit};
use qingdan_core::period::Period;
use qingdan_core::template::PeriodKind;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{Ctx, Notice, Route, go, input_text, use_ctx};
use crate::facts::{self, Units};
use crate::i18n::{self, T};
use crate::messages;
use crate::model::NewAssessment;
use crate::services;

/// The unit's fields, their test ids starting with `prefix`: a choice among
/// the enrolled units, or the unit's code and name.
pub(super) fn unit_fields(
    ctx: &Ctx,
    prefix: &str,
    units: &Units,
    current: Option<&Unit>,
    code: &NodeRef,
    name: &NodeRef,
) -> Html {
    let t = |k: T| ctx.t(k);
    match units {
        Units::Enrolled(list) => html! {
            <label>{ t(T::EnrolledUnit) }
                <select ref={code.clone()} data-testid={format!("{prefix}-unit")}>
                    { for list.iter().map(|u| html! {
                        <option value={u.code.clone()} selected={current.is_some_and(|c| c.code == u.code)}>
                            { format!("{}（{}）", u.name, u.code) }
                        </option>
                    }) }
                </select>
            </label>
        },
        Units::Free => {
            let (c, n) = current.map_or((String::new(), String::new()), |u| {
                (u.code.clone(), u.name.clone())
            });
            html! {
                <>
                    <label>{ t(T::UnitCode) }
                        <input ref={code.clone()} value={c} required=true autocomplete="off" data-testid={format!("{prefix}-unit-code")} />
                    </label>
                    <label>{ t(T::UnitName) }
                        <input ref={name.clone()} value={n} required=true data-testid={format!("{prefix}-unit-name")} />
                    </label>
                </>
            }
        }
    }
}

/// The unit [`unit_fields`] name now.
pub(super) fn unit_of(units: &Units, code: &NodeRef, name: &NodeRef) -> Unit {
    match units {
        Units::Enrolled(list) => {
            let chosen = code
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            list.iter()
                .find(|u| u.code == chosen)
                .cloned()
                .unwrap_or(Unit {
                    code: chosen,
                    name: String::new(),
                })
        }
        Units::Free => Unit {
            code: input_text(code).trim().to_owned(),
            name: input_text(name).trim().to_owned(),
        },
    }
}

/// A period of kind `per` that holds today, for a first value and for the
/// example an error gives.
pub(super) fn this_period(per: PeriodKind) -> String {
    let today = crate::time::today()
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default());
    Period::holding(per, today)
}

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
    let per = template.doc().period;
    let kind_now = use_state(|| kinds.first().map_or(PacketKind::SelfAssessment, |k| k.0));
    let units = Units::of(ctx.outbox.link().as_ref(), *kind_now);
    let on_kind = {
        let (kind_now, kinds) = (kind_now.clone(), kinds.clone());
        Callback::from(move |e: Event| {
            let chosen = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(&(k, _, _)) = kinds.iter().find(|(_, value, _)| *value == chosen) {
                kind_now.set(k);
            }
        })
    };

    let start = {
        let ctx = ctx.clone();
        let template = template.clone();
        let (code, name, period) = (code.clone(), name.clone(), period.clone());
        let (subject_name, subject_post) = (subject_name.clone(), subject_post.clone());
        let notice = notice.clone();
        let (units, kind) = (units.clone(), *kind_now);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| input_text(r).trim().to_owned();
            let unit = unit_of(&units, &code, &name);
            let period = value(&period);
            if let Err(why) = facts::check(&units, &unit, &period, per) {
                notice.set(Notice::Error(messages::facts_error(
                    ctx.lang,
                    &why,
                    &this_period(per),
                )));
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
            let form = NewAssessment {
                unit,
                subject,
                period,
                kind,
            };
            let (ctx, template, notice) = (ctx.clone(), template.clone(), notice.clone());
            let typed = units == Units::Free;
            wasm_bindgen_futures::spawn_local(async move {
                let mut form = form;
                if typed {
                    match services::registered_unit(&ctx, form.unit).await {
                        Ok(unit) => form.unit = unit,
                        Err(why) => return notice.set(Notice::Error(why)),
                    }
                }
                match services::create_assessment(&ctx, &template, form).await {
                    Ok(id) => go(&Route::Fill(id)),
                    Err(why) => notice.set(Notice::Error(why)),
                }
            });
        })
    };
    // The period of the checklist's kind that holds today.
    let now = this_period(per);
    html! {
        <main class="new" data-testid="app-ready">
            <h1>{ t(T::NewAssessment) }</h1>
            <p><strong>{ template.doc().title.get(ctx.lang) }</strong>{ " · v" }{ template.version() }</p>
            <form class="form" onsubmit={start}>
                <label>{ t(T::Kind) }
                    <select ref={kind} onchange={on_kind} data-testid="new-kind">
                        { for kinds.iter().map(|(k, value, label)| html! {
                            <option value={*value} selected={*k == *kind_now}>{ t(*label) }</option>
                        }) }
                    </select>
                </label>
                { unit_fields(&ctx, "new", &units, None, &code, &name) }
                if template.about_a_person() {
                    <p class="muted" data-testid="subject-hint">{ t(T::SubjectHint) }</p>
                    <label>{ t(T::SubjectName) }<input ref={subject_name} required=true data-testid="new-subject-name" /></label>
                    <label>{ t(T::SubjectPost) }<input ref={subject_post} required=true data-testid="new-subject-post" /></label>
                }
                <label>{ t(T::Period) }
                    <input ref={period} value={now.clone()} data-testid="new-period" data-per={per_name(per)} />
                    <small class="muted">{ i18n::fill(t(T::PeriodOfKind), &[("kind", messages::period_kind(ctx.lang, per)), ("e", &now)]) }</small>
                </label>
                { notice.view("new-notice") }
                <button type="submit" class="primary" data-testid="start-assessment">{ t(T::Start) }</button>
            </form>
        </main>
    }
}

/// The period kind as the template names it, for tests to read.
fn per_name(per: PeriodKind) -> &'static str {
    match per {
        PeriodKind::Annual => "annual",
        PeriodKind::HalfYear => "half_year",
        PeriodKind::Quarterly => "quarterly",
        PeriodKind::Monthly => "monthly",
    }
}

/// A draft's unit and period, to correct them.
#[derive(Properties, PartialEq)]
pub struct FactsProps {
    /// The unit now.
    pub unit: Unit,
    /// The period now.
    pub period: AttrValue,
    /// The assessment's kind.
    pub kind: PacketKind,
    /// The checklist's period kind.
    pub per: PeriodKind,
    /// Where a correction goes.
    pub on_edit: crate::state::fill::OnEdit,
}

/// The unit and period of a draft, and a form to correct them: open, with
/// a warning, when the unit is not one this device is enrolled for.
#[function_component]
pub fn FactsEditor(props: &FactsProps) -> Html {
    let ctx = use_ctx();
    let (code, name, period) = (use_node_ref(), use_node_ref(), use_node_ref());
    let notice = use_state(|| Notice::None);
    let t = |k: T| ctx.t(k);
    let units = Units::of(ctx.outbox.link().as_ref(), props.kind);
    let allowed = units.allows(&props.unit.code);
    let correct = {
        let (ctx, units, notice) = (ctx.clone(), units.clone(), notice.clone());
        let (code, name, period) = (code.clone(), name.clone(), period.clone());
        let (per, on_edit) = (props.per, props.on_edit.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let unit = unit_of(&units, &code, &name);
            let period = input_text(&period).trim().to_owned();
            match facts::check(&units, &unit, &period, per) {
                Ok(()) => {
                    on_edit.emit((
                        crate::state::fill::Change::Facts(unit, period),
                        crate::state::fill::Edit::Now,
                    ));
                    notice.set(Notice::Ok(ctx.t(T::FactsCorrected).into()));
                }
                Err(why) => {
                    notice.set(Notice::Error(messages::facts_error(
                        ctx.lang,
                        &why,
                        &this_period(per),
                    )));
                }
            }
        })
    };
    html! {
        <details class="facts no-print" open={!allowed} data-testid="facts" data-allowed={allowed.to_string()}>
            <summary>{ t(T::Facts) }</summary>
            if !allowed {
                <p class="notice error" role="alert" data-testid="facts-not-enrolled">
                    { i18n::fill(t(T::FactsNotEnrolled), &[("code", &props.unit.code)]) }
                </p>
            }
            <form class="form" onsubmit={correct}>
                { unit_fields(&ctx, "facts", &units, Some(&props.unit), &code, &name) }
                <label>{ t(T::Period) }
                    <input ref={period} value={props.period.clone()} data-testid="facts-period" />
                </label>
                { notice.view("facts-notice") }
                <button type="submit" data-testid="facts-correct">{ t(T::FactsCorrect) }</button>
            </form>
        </details>
    }
}
