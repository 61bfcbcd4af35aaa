//! One item's card on the fill screen: the widget its kind needs, what
//! scoring and the input checks say about it, its note, and (on an
//! inspection) its findings.

use std::rc::Rc;

use qingdan_core::Rule;
use qingdan_core::score::{ItemScore, ItemStatus};
use qingdan_core::template::Item;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{self, Lang, T};
use crate::model::{InputProblem, ItemInput};
use crate::state::fill::Edit;

fn problem_text(lang: Lang, p: &InputProblem) -> String {
    match p {
        InputProblem::NotACount => T::NotACount.get(lang).into(),
        InputProblem::NotANumber => T::NotANumber.get(lang).into(),
        InputProblem::NotADate => T::NotADate.get(lang).into(),
        InputProblem::MissingDue => T::MissingDue.get(lang).into(),
        // The core's own words are English: in Chinese, the catalog's.
        InputProblem::Refused(m) if lang == Lang::En => m.clone(),
        InputProblem::Refused(_) => T::AnswerRefused.get(lang).into(),
    }
}

/// The callback an item's inputs go through.
pub type OnChange = Callback<(String, ItemInput, Edit)>;

/// What the sheet and the input checks say about one item.
pub struct Said<'a> {
    /// Its score.
    pub score: &'a ItemScore,
    /// Why its input is not (yet) an answer.
    pub problem: Option<&'a InputProblem>,
    /// The reason for its score, in the user's language.
    pub reason: String,
    /// Whether it still wants its note (`explain`).
    pub needs_note: bool,
    /// The due date the checklist fixes, in words.
    pub due: Option<String>,
}

/// An item's card: its widget for `input`, what scoring and the input
/// checks say about it (`said`), its files, and the findings recorded on
/// it.
#[allow(clippy::too_many_arguments)]
pub fn item_view(
    lang: Lang,
    item: &Item,
    said: Said<'_>,
    input: ItemInput,
    locked: bool,
    on_change: &OnChange,
    files: Html,
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
            { files }
            { for findings }
        </article>
    }
}

fn text_is_empty(input: &ItemInput) -> bool {
    input.value.is_empty() && input.due.is_empty() && input.done.is_empty()
}

/// A CSS class for an item's status.
pub fn status_class(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Unanswered => "unanswered",
        ItemStatus::NotApplicable => "na",
        ItemStatus::VetoTriggered => "vetoed",
        _ => "answered",
    }
}
