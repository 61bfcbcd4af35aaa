//! Inspection findings (发现问题) and the unit's rectification (整改反馈):
//! an inspector records problems on items while scoring, each with a
//! deadline and the person responsible; the unit answers each in a
//! rectification, which is signed and sent like any packet.

use std::rc::Rc;

use qingdan_core::Template;
use qingdan_core::findings::{Finding, Rectification, RectificationStatus};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::save::SaveStatus;
use super::use_ctx;
use crate::i18n::{self, Lang, T};
use crate::model::{self, Assessment};
use crate::state::fill::{Change, Edit, OnEdit, SaveState};

/// The findings recorded on one item, each with its files (`files` of a
/// finding id), editable while the inspection is a draft, and a button to
/// record another.
pub fn item_findings(
    lang: Lang,
    item: &str,
    all: &[Finding],
    locked: bool,
    on_edit: &OnEdit,
    files: &dyn Fn(&str) -> Html,
) -> Html {
    let t = |k: T| k.get(lang);
    let rows = all.iter().filter(|f| f.item == item).map(|finding| {
        // One field of the finding changed to `text`.
        let set = |field: &'static str, edit: Edit| {
            let (finding, cb) = (finding.clone(), on_edit.clone());
            Rc::new(move |text: String| {
                let mut next = finding.clone();
                match field {
                    "problem" => next.problem = text,
                    "deadline" => next.deadline = text,
                    _ => next.responsible = text,
                }
                cb.emit((Change::Finding(next), edit));
            })
        };
        let problem = set("problem", Edit::Typing);
        let on_problem = Callback::from(move |e: InputEvent| {
            problem(e.target_unchecked_into::<HtmlTextAreaElement>().value());
        });
        let deadline = set("deadline", Edit::Now);
        let on_deadline = Callback::from(move |e: Event| {
            deadline(e.target_unchecked_into::<HtmlInputElement>().value());
        });
        let responsible = set("responsible", Edit::Typing);
        let on_responsible = Callback::from(move |e: InputEvent| {
            responsible(e.target_unchecked_into::<HtmlInputElement>().value());
        });
        let remove = {
            let (id, cb) = (finding.id.clone(), on_edit.clone());
            Callback::from(move |_| cb.emit((Change::RemoveFinding(id.clone()), Edit::Now)))
        };
        html! {
            <li class="finding" data-testid={format!("finding-{}-{}", item, finding.id)} data-finding-id={finding.id.clone()}>
                <label>{ t(T::FindingProblem) }
                    <textarea data-field="problem" rows="2" value={finding.problem.clone()} disabled={locked} oninput={on_problem} />
                </label>
                <label>{ t(T::FindingDeadline) }
                    <input type="date" data-field="deadline" value={finding.deadline.clone()} disabled={locked} onchange={on_deadline} />
                </label>
                <label>{ t(T::FindingResponsible) }
                    <input type="text" data-field="responsible" value={finding.responsible.clone()} disabled={locked} oninput={on_responsible} />
                </label>
                { files(&finding.id) }
                if !locked {
                    <button type="button" class="link" onclick={remove} data-testid={format!("remove-finding-{}", finding.id)}>{ t(T::RemoveFinding) }</button>
                }
            </li>
        }
    });
    let add = {
        let (item, all, cb) = (item.to_owned(), all.to_vec(), on_edit.clone());
        Callback::from(move |_| {
            let finding = Finding {
                id: model::next_finding_id(&all),
                item: item.clone(),
                problem: String::new(),
                deadline: String::new(),
                responsible: String::new(),
            };
            cb.emit((Change::Finding(finding), Edit::Now));
        })
    };
    let count = all.iter().filter(|f| f.item == item).count();
    html! {
        <div class="findings" data-testid={format!("findings-{item}")}>
            if count > 0 {
                <h4>{ t(T::Findings) }{ format!("（{count}）") }</h4>
                <ol>{ for rows }</ol>
            }
            if !locked {
                <button type="button" class="link" onclick={add} data-testid={format!("add-finding-{item}")}>{ t(T::AddFinding) }</button>
            }
        </div>
    }
}

/// A finding as the unit reads it: the item, the problem, the deadline and
/// who is responsible.
pub fn finding_text(lang: Lang, template: Option<&Template>, finding: &Finding) -> Html {
    let t = |k: T| k.get(lang);
    let title = template
        .and_then(|t| t.item(&finding.item))
        .map(|i| i.title.get(lang).to_owned())
        .unwrap_or_default();
    html! {
        <>
            <p class="finding-item"><span class="id">{ &finding.item }</span>{ " " }{ title }</p>
            <p class="finding-problem">{ &finding.problem }</p>
            <p class="muted">
                { t(T::FindingDeadline) }{ "：" }<span data-field="deadline">{ &finding.deadline }</span>
                { " · " }{ t(T::FindingResponsible) }{ "：" }{ &finding.responsible }
            </p>
        </>
    }
}

/// The rectification being answered.
#[derive(Properties)]
pub struct RectificationProps {
    /// The inspection's checklist.
    pub template: Rc<Template>,
    /// The rectification.
    pub assessment: Assessment,
    /// Where its saving stands.
    pub save: SaveState,
    /// The callback every edit goes through.
    pub on_edit: OnEdit,
}

impl PartialEq for RectificationProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.template, &other.template)
            && self.assessment == other.assessment
            && self.save == other.save
            && self.on_edit == other.on_edit
    }
}

/// The rectification screen: each of the inspection's findings with what
/// the unit did about it.
#[function_component]
pub fn RectificationView(props: &RectificationProps) -> Html {
    let ctx = use_ctx();
    let (template, a, on_edit) = (&*props.template, &props.assessment, &props.on_edit);
    let lang = ctx.lang;
    let t = |k: T| k.get(lang);
    let locked = a.is_locked();
    let inspection_id = model::inspection_id(a).unwrap_or_default();
    let rows = a.findings.iter().map(|finding| {
        let answer = a.rectifications.get(&finding.id);
        let status = answer.map(|r| r.status);
        // A callback that takes an input's value into the answer (a new
        // one, in progress, when there is none yet); `None` takes it back.
        let answer_with = |update: fn(Rectification, &str) -> Option<Rectification>, edit: Edit| {
            let (id, answer, cb) = (finding.id.clone(), answer.cloned(), on_edit.clone());
            move |value: String| {
                let current = answer.clone().unwrap_or_else(|| Rectification {
                    finding: id.clone(),
                    status: RectificationStatus::InProgress,
                    action: String::new(),
                    completed_on: None,
                });
                cb.emit((Change::Rectification(id.clone(), update(current, &value)), edit));
            }
        };
        let set_status = answer_with(
            |mut r, value| {
                r.status = match value {
                    "done" => RectificationStatus::Done,
                    "in-progress" => RectificationStatus::InProgress,
                    _ => return None,
                };
                if r.status == RectificationStatus::InProgress {
                    r.completed_on = None;
                }
                Some(r)
            },
            Edit::Now,
        );
        let on_status = Callback::from(move |e: Event| {
            set_status(e.target_unchecked_into::<HtmlSelectElement>().value());
        });
        let set_action = answer_with(
            |mut r, value| {
                r.action = value.to_owned();
                Some(r)
            },
            Edit::Typing,
        );
        let on_action = Callback::from(move |e: InputEvent| {
            set_action(e.target_unchecked_into::<HtmlTextAreaElement>().value());
        });
        let set_date = answer_with(
            |mut r, value| {
                r.completed_on = (!value.is_empty()).then(|| value.to_owned());
                Some(r)
            },
            Edit::Now,
        );
        let on_date = Callback::from(move |e: Event| {
            set_date(e.target_unchecked_into::<HtmlInputElement>().value());
        });
        let value = match status {
            None => "",
            Some(RectificationStatus::InProgress) => "in-progress",
            Some(RectificationStatus::Done) => "done",
        };
        html! {
            <li class="finding" data-testid={format!("rectify-{}", finding.id)} data-state={value.to_owned()}>
                { finding_text(lang, Some(template), finding) }
                <div class="answer">
                    <select data-field="status" disabled={locked} onchange={on_status}>
                        <option value="" selected={value.is_empty()}>{ t(T::NotAnswered) }</option>
                        <option value="in-progress" selected={value == "in-progress"}>{ t(T::StatusInProgress) }</option>
                        <option value="done" selected={value == "done"}>{ t(T::StatusDone) }</option>
                    </select>
                    <label>{ t(T::CompletedOn) }
                        <input type="date" data-field="completed_on" disabled={locked || status != Some(RectificationStatus::Done)}
                            value={answer.and_then(|r| r.completed_on.clone()).unwrap_or_default()} onchange={on_date} />
                    </label>
                </div>
                <label class="note">{ t(T::Action) }
                    <textarea data-field="action" rows="2" disabled={locked}
                        value={answer.map(|r| r.action.clone()).unwrap_or_default()} oninput={on_action} />
                </label>
            </li>
        }
    });
    let answered = a.rectifications.len().to_string();
    let total = a.findings.len().to_string();
    html! {
        <>
            <div class="head">
                <h1>{ t(T::Rectification) }{ " · " }{ template.doc().title.get(lang) }</h1>
                <p class="muted">{ &a.unit.name }{ " · " }{ &a.period }{ " · " }
                    { i18n::fill(t(T::RectificationOf), &[("id", &inspection_id)]) }</p>
            </div>
            <aside class="summary" aria-live="polite">
                <span data-testid="rectification-progress" data-answered={answered.clone()} data-total={total.clone()}>{ i18n::fill(t(T::Answered), &[("a", &answered), ("n", &total)]) }</span>
                <SaveStatus state={props.save.clone()} />
            </aside>
            <p class="muted">{ t(T::RectificationHint) }</p>
            <ol class="findings rectification">{ for rows }</ol>
        </>
    }
}

/// The findings as a table for the score sheet and its print: each with its
/// item, deadline and person responsible, and in a rectification what was
/// done.
pub fn findings_table(lang: Lang, template: &Template, a: &Assessment) -> Html {
    let t = |k: T| k.get(lang);
    let rectification = a.kind == qingdan_core::packet::PacketKind::Rectification;
    let rows = a.findings.iter().map(|f| {
        let title = template
            .item(&f.item)
            .map(|i| i.title.get(lang).to_owned())
            .unwrap_or_default();
        let answer = a.rectifications.get(&f.id);
        let status = answer.map(|r| match r.status {
            RectificationStatus::Done => t(T::StatusDone),
            RectificationStatus::InProgress => t(T::StatusInProgress),
        });
        html! {
            <tr data-testid={format!("review-finding-{}", f.id)}>
                <td>{ &f.id }</td>
                <td>{ &f.item }{ " " }{ title }</td>
                <td>{ &f.problem }</td>
                <td>{ &f.deadline }</td>
                <td>{ &f.responsible }</td>
                if rectification {
                    <td>{ status.unwrap_or(t(T::NotAnswered)) }</td>
                    <td>{ answer.map(|r| r.action.clone()).unwrap_or_default() }
                        { answer.and_then(|r| r.completed_on.as_ref()).map(|d| format!("（{d}）")).unwrap_or_default() }</td>
                }
            </tr>
        }
    });
    html! {
        <section class="findings-sheet">
            <h2>{ t(T::Findings) }</h2>
            <table class="sheet" data-testid="review-findings">
                <thead><tr>
                    <th>{ "#" }</th><th>{ t(T::Item) }</th><th>{ t(T::FindingProblem) }</th>
                    <th>{ t(T::FindingDeadline) }</th><th>{ t(T::FindingResponsible) }</th>
                    if rectification { <th>{ t(T::Rectification) }</th><th>{ t(T::Action) }</th> }
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}
