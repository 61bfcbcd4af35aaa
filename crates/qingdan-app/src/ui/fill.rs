//! Fill / score: every item with the widget its kind needs, scored live,
//! each answer saved in its own IndexedDB transaction as it is given.
//!
//! Clicks and date picks are written at once; typing is written 250 ms
//! after the last keystroke, and at once when the page is hidden. The
//! write that completes the form (no required item left) is strict. The
//! status says 已保存 only after the transaction's `complete` event.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use qingdan_core::findings::{Finding, Rectification};
use qingdan_core::packet::PacketKind;
use qingdan_core::period::Period;
use qingdan_core::score::{ItemScore, ItemStatus, ScoreSheet};
use qingdan_core::template::Item;
use qingdan_core::{Rule, Template, score};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::{Ctx, Route, use_ctx};
use crate::i18n::{self, Lang, T};
use crate::model::{self, Assessment, InputProblem, ItemInput, Status};
use crate::store::{ASSESSMENTS, Durability};
use crate::web;

/// How long typing waits before it is written.
const TYPING_DEBOUNCE_MS: u32 = 250;

/// Which assessment.
#[derive(Properties, PartialEq)]
pub struct IdProps {
    /// The assessment's id.
    pub id: AttrValue,
}

/// Where the last write stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    /// Written and complete.
    Saved,
    /// A write is pending or under way.
    Saving,
    /// The last write failed; the message says why.
    Failed(String),
}

/// How an edit should be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// A click or a pick: write now.
    Now,
    /// A keystroke: write after the debounce.
    Typing,
}

/// The state the screen edits; kept outside Yew's state so that quick
/// edits never overwrite each other.
#[derive(Default)]
struct Working {
    assessment: Option<Assessment>,
    template: Option<Rc<Template>>,
    /// The number of the latest write; only its outcome sets the status.
    seq: Cell<u64>,
    pending: RefCell<Option<Timeout>>,
}

/// An assessment with its checklist, or why it could not be loaded.
pub type Loaded = Result<(Assessment, Rc<Template>), String>;

/// Loads an assessment and its checklist.
pub async fn load(ctx: &Ctx, id: &str) -> Loaded {
    let assessment = ctx
        .store
        .assessment(id)
        .await
        .map_err(|e| ctx.store_error(&e))?
        .ok_or_else(|| ctx.t(T::NotFound).to_owned())?;
    let template = ctx
        .template(&assessment.template_id, assessment.template_version)
        .ok_or_else(|| {
            let key = assessment.template_key();
            i18n::fill(ctx.t(T::UnknownTemplate), &[("t", &key)])
        })?;
    Ok((assessment, template))
}

/// The fill screen.
#[function_component]
pub fn Fill(props: &IdProps) -> Html {
    let ctx = use_ctx();
    let working = use_mut_ref(Working::default);
    let failure = use_state(|| None::<String>);
    let save_state = use_state(|| SaveState::Saved);
    let redraw = use_force_update();

    {
        let working = working.clone();
        let failure = failure.clone();
        let redraw = redraw.clone();
        let ctx = ctx.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.to_string();
            wasm_bindgen_futures::spawn_local(async move {
                match load(&ctx, &id).await {
                    Ok((a, t)) => {
                        let mut w = working.borrow_mut();
                        w.assessment = Some(a);
                        w.template = Some(t);
                    }
                    Err(e) => failure.set(Some(e)),
                }
                redraw.force_update();
            });
        });
    }
    // Typing not yet written is written when the page is hidden or left.
    {
        let working = working.clone();
        let ctx = ctx.clone();
        let save_state = save_state.clone();
        use_effect_with((), move |_| {
            let flush = move || {
                let timer = working.borrow().pending.borrow_mut().take();
                if let Some(timer) = timer {
                    timer.cancel();
                    write(&ctx, &working, &save_state, web::clock_ms());
                }
            };
            let flush = Rc::new(flush);
            let f1 = flush.clone();
            let hide = EventListener::new(&gloo::utils::window(), "pagehide", move |_| f1());
            let f2 = flush.clone();
            let hidden =
                EventListener::new(&gloo::utils::document(), "visibilitychange", move |_| {
                    if gloo::utils::document().hidden() {
                        f2();
                    }
                });
            move || {
                flush();
                drop((hide, hidden));
            }
        });
    }

    let t = |k: T| ctx.t(k);
    if let Some(e) = &*failure {
        return html! { <main data-testid="app-ready"><p class="notice error" role="alert">{ e }</p></main> };
    }
    let w = working.borrow();
    let (Some(assessment), Some(template)) = (w.assessment.clone(), w.template.clone()) else {
        return html! { <main data-testid="app-loading">{ t(T::Loading) }</main> };
    };
    drop(w);

    let (responses, problems) = model::to_responses(&template, &assessment.inputs);
    // The period fixes the due dates the checklist sets.
    let period = Period::parse(&assessment.period);
    let period = period.as_ref();
    let sheet = score(&template, &responses, period);
    let locked = assessment.is_locked();

    let on_change = {
        let working = working.clone();
        let ctx = ctx.clone();
        let save_state = save_state.clone();
        let redraw = redraw.clone();
        Callback::from(move |(change, edit): (Change, Edit)| {
            let started = web::clock_ms();
            {
                let mut w = working.borrow_mut();
                let Some(a) = w.assessment.as_mut() else {
                    return;
                };
                if a.is_locked() {
                    return;
                }
                // A prepared but unsigned packet no longer matches the answers.
                a.packet = None;
                a.signers.clear();
                change.apply(a);
                a.updated_at = web::now();
            }
            save_state.set(SaveState::Saving);
            redraw.force_update();
            let w = working.borrow();
            if let Some(old) = w.pending.borrow_mut().take() {
                old.cancel();
            }
            match edit {
                Edit::Now => write(&ctx, &working, &save_state, started),
                Edit::Typing => {
                    let (ctx, working2, save_state) =
                        (ctx.clone(), working.clone(), save_state.clone());
                    let timer = Timeout::new(TYPING_DEBOUNCE_MS, move || {
                        working2.borrow().pending.borrow_mut().take();
                        write(&ctx, &working2, &save_state, web::clock_ms());
                    });
                    *w.pending.borrow_mut() = Some(timer);
                }
            }
        })
    };
    let reopen = {
        let working = working.clone();
        let ctx = ctx.clone();
        let save_state = save_state.clone();
        let redraw = redraw.clone();
        Callback::from(move |_| {
            if let Some(a) = working.borrow_mut().assessment.as_mut() {
                a.reopen();
                a.updated_at = web::now();
            }
            save_state.set(SaveState::Saving);
            redraw.force_update();
            write(&ctx, &working, &save_state, web::clock_ms());
        })
    };

    let on_input: OnChange = on_change.reform(|(id, input, edit)| (Change::Input(id, input), edit));
    let inspection = assessment.kind == PacketKind::Inspection;
    if assessment.kind == PacketKind::Rectification {
        return html! {
            <main class="fill" data-testid="app-ready">
                { super::findings::rectification_view(&ctx, &template, &assessment, &save_state, &on_change) }
                if locked {
                    <div class="locked" role="status">
                        <span>{ t(T::Locked) }</span>
                        <button onclick={reopen} data-testid="edit-new-draft">{ t(T::EditNewDraft) }</button>
                    </div>
                }
                <nav class="actions no-print">
                    <a class="button primary" href={Route::Sign(assessment.id.clone()).href()} data-testid="go-sign">{ t(T::Sign) }</a>
                </nav>
            </main>
        };
    }
    let sections = template.doc().sections.iter().zip(&sheet.sections).map(|(section, sub)| {
        let items = section.items.iter().filter_map(|item| {
            let item_score = sheet.items.iter().find(|s| s.id == item.id)?;
            if item_score.status == ItemStatus::Hidden {
                return None;
            }
            let input = assessment.inputs.get(&item.id).cloned().unwrap_or_default();
            let findings = inspection.then(|| {
                super::findings::item_findings(ctx.lang, &item.id, &assessment.findings, locked, &on_change)
            });
            let reason = item_score.reason_text(&template, ctx.lang);
            let needs_note = sheet.completeness.unexplained.contains(&item.id);
            // A due date the checklist fixes, shown before it is answered.
            let due = match &item.rule {
                Rule::Deadline { due: Some(due), .. } => period.and_then(|p| p.due(due)).map(|d| {
                    i18n::fill(ctx.t(T::DueFixed), &[("d", &d.to_string())])
                }),
                _ => None,
            };
            let said = Said { score: item_score, problem: problems.get(&item.id), reason, needs_note, due };
            Some(item_view(ctx.lang, item, said, input, locked, &on_input, findings))
        });
        html! {
            <details class="section" open=true>
                <summary>
                    <span class="title">{ section.title.get(ctx.lang) }</span>
                    <span class="sub num">{ sub.score.to_string() }{ " / " }{ sub.max.to_string() }</span>
                </summary>
                { for items }
            </details>
        }
    });
    html! {
        <main class="fill" data-testid="app-ready">
            <div class="head">
                <h1>{ template.doc().title.get(ctx.lang) }</h1>
                <p class="muted" data-testid="assessed">{ assessment.assessed() }{ " · " }{ &assessment.period }{ " · " }
                    { t(if inspection { T::KindInspection } else { T::KindSelf }) }</p>
            </div>
            { summary(&ctx, &template, &assessment, &sheet, &save_state) }
            if locked {
                <div class="locked" role="status">
                    <span>{ t(T::Locked) }</span>
                    <button onclick={reopen} data-testid="edit-new-draft">{ t(T::EditNewDraft) }</button>
                </div>
            }
            { for sections }
            <nav class="actions no-print">
                <a class="button" href={Route::Review(assessment.id.clone()).href()} data-testid="go-review">{ t(T::Review) }</a>
                <a class="button primary" href={Route::Sign(assessment.id.clone()).href()} data-testid="go-sign">{ t(T::Sign) }</a>
            </nav>
        </main>
    }
}

/// Writes the working assessment, strictly when it completes the form.
fn write(
    ctx: &Ctx,
    working: &Rc<RefCell<Working>>,
    save_state: &UseStateHandle<SaveState>,
    started: f64,
) {
    let w = working.borrow();
    let (Some(record), Some(template)) = (w.assessment.clone(), w.template.clone()) else {
        return;
    };
    let seq = w.seq.get() + 1;
    w.seq.set(seq);
    drop(w);
    let durability = if model::sheet_of(&template, &record)
        .completeness
        .is_complete()
    {
        Durability::Strict
    } else {
        Durability::Default
    };
    let (ctx, working, save_state) = (ctx.clone(), working.clone(), save_state.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let result = ctx.store.put(ASSESSMENTS, &record, durability).await;
        web::record_save_ms(web::clock_ms() - started);
        if working.borrow().seq.get() != seq {
            return;
        }
        save_state.set(match result {
            Ok(()) => SaveState::Saved,
            Err(e) => SaveState::Failed(ctx.store_error(&e)),
        });
    });
}

/// Where the last write stands: 已保存, 保存中 or why it failed.
pub(super) fn save_status(ctx: &Ctx, save: &SaveState) -> Html {
    let (state, text) = match save {
        SaveState::Saved => ("saved", ctx.t(T::Saved).to_owned()),
        SaveState::Saving => ("saving", ctx.t(T::Saving).to_owned()),
        SaveState::Failed(m) => ("error", m.clone()),
    };
    html! {
        <span class={classes!("save", state)} data-testid="save-status" data-state={state} role="status">{ text }</span>
    }
}

fn summary(
    ctx: &Ctx,
    template: &Template,
    a: &Assessment,
    sheet: &ScoreSheet,
    save: &SaveState,
) -> Html {
    let t = |k: T| ctx.t(k);
    let c = &sheet.completeness;
    let progress = format!("{}/{}", c.answered, c.required.max(1));
    let missing = c.missing.iter().map(|id| {
        let target = format!("item-{id}");
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            if let Some(el) = gloo::utils::document().get_element_by_id(&target) {
                el.scroll_into_view();
            }
        });
        html! { <a href="" {onclick} data-testid={format!("missing-{id}")}>{ id }</a> }
    });
    html! {
        <aside class="summary" aria-live="polite">
            <div class="score">
                <span class="label">{ t(T::Total) }</span>
                <span class="total num" data-testid="total-score">{ sheet.total.to_string() }</span>
                <span class="muted">{ " / " }{ sheet.max.to_string() }</span>
                <span class="grade" data-testid="grade">
                    { sheet.grade_label(template, ctx.lang).unwrap_or_default() }
                </span>
            </div>
            <div class="progress" data-testid="completeness">
                <progress max={c.required.max(1).to_string()} value={c.answered.to_string()} title={progress}></progress>
                <span>{ i18n::fill(t(T::Completeness), &[("a", &c.answered.to_string()), ("r", &c.required.to_string())]) }</span>
            </div>
            { save_status(ctx, save) }
            if !c.missing.is_empty() && a.status == Status::Draft {
                <details class="missing">
                    <summary>{ t(T::Missing) }{ c.missing.len() }</summary>
                    <p>{ for missing }</p>
                </details>
            }
        </aside>
    }
}

fn problem_text(lang: Lang, p: &InputProblem) -> String {
    match p {
        InputProblem::NotACount => T::NotACount.get(lang).into(),
        InputProblem::NotANumber => T::NotANumber.get(lang).into(),
        InputProblem::NotADate => T::NotADate.get(lang).into(),
        InputProblem::MissingDue => T::MissingDue.get(lang).into(),
        InputProblem::Refused(m) => m.clone(),
    }
}

type OnChange = Callback<(String, ItemInput, Edit)>;

/// An edit of the assessment.
#[derive(Debug, Clone)]
pub enum Change {
    /// An item's inputs.
    Input(String, ItemInput),
    /// A finding added or changed (by id).
    Finding(Finding),
    /// A finding removed (by id).
    RemoveFinding(String),
    /// What was done about a finding (by finding id); `None` takes it back.
    Rectification(String, Option<Rectification>),
}

impl Change {
    fn apply(self, a: &mut Assessment) {
        match self {
            Change::Input(id, input) => {
                a.inputs.insert(id, input);
            }
            Change::Finding(finding) => match a.findings.iter_mut().find(|f| f.id == finding.id) {
                Some(kept) => *kept = finding,
                None => a.findings.push(finding),
            },
            Change::RemoveFinding(id) => a.findings.retain(|f| f.id != id),
            Change::Rectification(id, Some(r)) => {
                a.rectifications.insert(id, r);
            }
            Change::Rectification(id, None) => {
                a.rectifications.remove(&id);
            }
        }
    }
}

/// The callback every edit goes through.
pub type OnEdit = Callback<(Change, Edit)>;

/// What the sheet and the input checks say about one item.
struct Said<'a> {
    score: &'a ItemScore,
    problem: Option<&'a InputProblem>,
    /// The reason for its score, in the user's language.
    reason: String,
    /// Whether it still wants its note (`explain`).
    needs_note: bool,
    /// The due date the checklist fixes, in words.
    due: Option<String>,
}

/// An item's card: its widget for `input`, what scoring and the input
/// checks say about it (`said`), and the findings recorded on it.
fn item_view(
    lang: Lang,
    item: &Item,
    said: Said<'_>,
    input: ItemInput,
    locked: bool,
    on_change: &OnChange,
    findings: Option<Html>,
) -> Html {
    let t = |k: T| k.get(lang);
    let Said {
        score: item_score,
        problem,
        reason,
        needs_note,
        due,
    } = said;
    let id = item.id.clone();
    let na = input.na;
    let choose = |value: String, label: String, pressed: bool| {
        let (id, input, cb) = (id.clone(), input.clone(), on_change.clone());
        let answer = value.clone();
        let onclick = Callback::from(move |_| {
            let mut next = input.clone();
            next.choice = Some(value.clone());
            next.na = false;
            cb.emit((id.clone(), next, Edit::Now));
        });
        html! {
            <button type="button" class="choice" aria-pressed={(pressed && !na).to_string()}
                disabled={locked} data-answer={answer} {onclick}>{ label }</button>
        }
    };
    let pressed = |v: &str| input.choice.as_deref() == Some(v);
    let field = |name: &'static str, kind: &'static str, value: String, edit: Edit| {
        let (id, input, cb) = (id.clone(), input.clone(), on_change.clone());
        let set = move |text: String| {
            let mut next = input.clone();
            match name {
                "due" | "from" => next.due = text,
                "done" => next.done = text,
                _ => next.value = text,
            }
            if !text_is_empty(&next) {
                next.na = false;
            }
            cb.emit((id.clone(), next, edit));
        };
        let set = Rc::new(set);
        let s1 = set.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if edit == Edit::Typing {
                s1(el.value());
            }
        });
        let onchange = Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if edit == Edit::Now {
                set(el.value());
            }
        });
        let inputmode = if kind == "text" && name == "count" {
            "numeric"
        } else {
            ""
        };
        html! {
            <input type={kind} inputmode={inputmode} value={value} disabled={locked || na}
                data-field={name} {oninput} {onchange} />
        }
    };
    let widget = match &item.rule {
        Rule::Check { partial, .. } => html! {
            <div class="choices">
                { choose("done".into(), t(T::Done).into(), pressed("done")) }
                if partial.is_some() { { choose("partial".into(), t(T::Partial).into(), pressed("partial")) } }
                { choose("not_done".into(), t(T::NotDone).into(), pressed("not_done")) }
            </div>
        },
        Rule::Choice { options } => html! {
            <div class="choices">
                { for options.iter().map(|o| choose(o.id.clone(), format!("{} ({})", o.label.get(lang), o.points), pressed(&o.id))) }
            </div>
        },
        Rule::Scale { min, max, .. } => html! {
            <div class="choices scale">
                { for (*min..=*max).map(|n| choose(n.to_string(), n.to_string(), pressed(&n.to_string()))) }
            </div>
        },
        Rule::Veto { .. } => html! {
            <div class="choices">
                { choose("yes".into(), t(T::VetoYes).into(), pressed("yes")) }
                { choose("no".into(), t(T::VetoNo).into(), pressed("no")) }
            </div>
        },
        Rule::Count { unit, .. } | Rule::Deduction { unit, .. } | Rule::Bonus { unit, .. } => {
            html! {
                <label class="field">{ t(T::Count) }
                    { field("count", "text", input.value.clone(), Edit::Typing) }
                    { unit.as_ref().map(|u| u.get(lang).to_owned()).unwrap_or_default() }
                </label>
            }
        }
        // The checklist fixes the due date: only when it was done, or that
        // it was not.
        Rule::Deadline { due: Some(_), .. } => html! {
            <div class="dates">
                if let Some(due) = &due {
                    <span class="muted" data-testid="due-fixed">{ due }</span>
                }
                <label class="field">{ t(T::DoneDate) }{ field("done", "date", input.done.clone(), Edit::Now) }</label>
                <div class="choices">{ choose("not_done".into(), t(T::NotDone).into(), input.done.is_empty() && pressed("not_done")) }</div>
            </div>
        },
        Rule::Deadline { within_days, .. } => {
            let (name, label) = if within_days.is_some() {
                ("from", T::FromDate)
            } else {
                ("due", T::DueDate)
            };
            html! {
                <div class="dates">
                    <label class="field">{ t(label) }{ field(name, "date", input.due.clone(), Edit::Now) }</label>
                    <label class="field">{ t(T::DoneDate) }{ field("done", "date", input.done.clone(), Edit::Now) }</label>
                </div>
            }
        }
        Rule::Text {} => {
            let (id, input2, cb) = (id.clone(), input.clone(), on_change.clone());
            let oninput = Callback::from(move |e: InputEvent| {
                let el: HtmlTextAreaElement = e.target_unchecked_into();
                let mut next = input2.clone();
                next.value = el.value();
                cb.emit((id.clone(), next, Edit::Typing));
            });
            html! { <textarea data-field="text" value={input.value.clone()} disabled={locked || na} {oninput} /> }
        }
        Rule::Number { unit } => html! {
            <label class="field">
                { field("number", "text", input.value.clone(), Edit::Typing) }
                { unit.as_ref().map(|u| u.get(lang).to_owned()).unwrap_or_default() }
            </label>
        },
        Rule::Date {} => {
            html! { <label class="field">{ field("date", "date", input.value.clone(), Edit::Now) }</label> }
        }
    };
    let na_button = item.na_allowed.then(|| {
        let (id, input, cb) = (id.clone(), input.clone(), on_change.clone());
        let onclick = Callback::from(move |_| {
            let mut next = input.clone();
            next.na = !next.na;
            cb.emit((id.clone(), next, Edit::Now));
        });
        html! {
            <button type="button" class="choice na" aria-pressed={na.to_string()} disabled={locked}
                data-answer="na" {onclick}>{ t(T::NotApplicable) }</button>
        }
    });
    let note = {
        let (id, input2, cb) = (id.clone(), input.clone(), on_change.clone());
        let oninput = Callback::from(move |e: InputEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            let mut next = input2.clone();
            next.note = el.value();
            cb.emit((id.clone(), next, Edit::Typing));
        });
        html! {
            <label class={classes!("note", needs_note.then_some("needs-note"))}>{ t(T::Note) }
                if needs_note {
                    <strong class="problem" data-testid="needs-note">{ " " }{ t(T::ExplainWhy) }</strong>
                }
                <textarea data-field="note" rows="1" value={input.note.clone()} disabled={locked} {oninput} />
            </label>
        }
    };
    let max = item.rule.max_points();
    html! {
        <article class={classes!("item", status_class(item_score.status))} id={format!("item-{}", item.id)} data-item-id={item.id.clone()}>
            <header>
                <span class="id">{ &item.id }</span>
                <h3>{ item.title.get(lang) }</h3>
                <span class="points num">
                    if item.rule.is_scored() {
                        { item_score.score.to_string() }{ " / " }{ i18n::fill(t(T::Points), &[("p", &max.to_string())]) }
                    }
                </span>
            </header>
            if let Some(indicator) = &item.indicator {
                <p class="indicator"><b>{ t(T::Indicator) }{ "：" }</b>{ indicator.get(lang) }</p>
            }
            if let Some(standard) = &item.standard {
                <p class="standard"><b>{ t(T::Standard) }{ "：" }</b>{ standard.get(lang) }</p>
            }
            <div class="answer">
                { widget }
                { for na_button }
            </div>
            if let Some(p) = problem {
                <p class="problem" role="alert">{ problem_text(lang, p) }</p>
            }
            <p class="reason muted">{ reason }</p>
            { note }
            { for findings }
        </article>
    }
}

fn text_is_empty(input: &ItemInput) -> bool {
    input.value.is_empty() && input.due.is_empty() && input.done.is_empty()
}

/// A CSS class for an item's status.
fn status_class(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Unanswered => "unanswered",
        ItemStatus::NotApplicable => "na",
        ItemStatus::VetoTriggered => "vetoed",
        _ => "answered",
    }
}
