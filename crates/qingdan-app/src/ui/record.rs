//! The paper record Review prints: each item's answer in words, a
//! section's figure (the core's one rule, bonus sections marked), the
//! facts of the assessment, the signers each with a line to sign and date
//! (签字背书), and the signed packet's digest with the intake's receipt.

use std::collections::BTreeMap;

use qingdan_core::packet::PacketKind;
use qingdan_core::sheet::SectionFigure;
use qingdan_core::template::Item;
use qingdan_core::{Rule, Template, Text, canonical};
use yew::prelude::*;

use super::Ctx;
use crate::i18n::{self, Lang, T};
use crate::messages::role_label;
use crate::model::{self, Assessment, ItemInput, Status};
use crate::sync::PacketStatus;
use crate::time;

/// A section's figure in words: `12.00 / 12.00`, or `+1.00（加分）` for a
/// bonus section.
pub fn figure_text(lang: Lang, figure: &SectionFigure) -> String {
    if figure.bonus {
        i18n::fill(
            T::BonusFigure.get(lang),
            &[("v", &figure.value.to_string())],
        )
    } else {
        format!("{} / {}", figure.value, figure.max)
    }
}

/// What `label: value` looks like in `lang`.
fn labelled(lang: Lang, label: T, value: &str) -> String {
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    format!("{}{colon}{value}", label.get(lang))
}

/// The answer given to `item`, in words ("" when there is none).
pub fn answer_text(lang: Lang, item: &Item, input: Option<&ItemInput>) -> String {
    let Some(input) = input else {
        return String::new();
    };
    let t = |k: T| k.get(lang).to_owned();
    if input.na {
        return t(T::NotApplicable);
    }
    let with_unit = |unit: &Option<Text>| match unit {
        Some(u) if !input.value.is_empty() => format!("{} {}", input.value, u.get(lang)),
        _ => input.value.clone(),
    };
    let choice = input.choice.as_deref().unwrap_or_default();
    match &item.rule {
        Rule::Check { .. } => match choice {
            "done" => t(T::Done),
            "partial" => t(T::Partial),
            "not_done" => t(T::NotDone),
            _ => String::new(),
        },
        Rule::Choice { options } => options
            .iter()
            .find(|o| o.id == choice)
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_default(),
        Rule::Scale { .. } => choice.to_owned(),
        Rule::Veto { .. } => match choice {
            "yes" => t(T::VetoYes),
            "no" => t(T::VetoNo),
            _ => String::new(),
        },
        Rule::Count { unit, .. }
        | Rule::Deduction { unit, .. }
        | Rule::Bonus { unit, .. }
        | Rule::Number { unit } => with_unit(unit),
        Rule::Text {} | Rule::Date {} => input.value.clone(),
        Rule::Deadline {
            within_days, due, ..
        } => {
            let mut parts = Vec::new();
            if due.is_none() && !input.due.is_empty() {
                let from = if within_days.is_some() {
                    T::FromDate
                } else {
                    T::DueDate
                };
                parts.push(labelled(lang, from, &input.due));
            }
            if !input.done.is_empty() {
                parts.push(labelled(lang, T::DoneDate, &input.done));
            } else if choice == "not_done" {
                parts.push(t(T::NotDone));
            }
            parts.join(if lang == Lang::Zh { "；" } else { "; " })
        }
    }
}

/// The kind in words.
pub fn kind_text(lang: Lang, kind: PacketKind) -> &'static str {
    match kind {
        PacketKind::SelfAssessment => T::KindSelf.get(lang),
        PacketKind::Inspection => T::KindInspection.get(lang),
        PacketKind::Rectification => T::Rectification.get(lang),
    }
}

/// Whom, when, what and on which checklist (its id and version).
pub fn facts(lang: Lang, template: &Template, a: &Assessment) -> Html {
    let t = |k: T| k.get(lang);
    let checklist = format!(
        "{}（{} v{}）",
        template.doc().title.get(lang),
        template.id(),
        template.version()
    );
    html! {
        <dl class="facts" data-testid="record-facts">
            <dt>{ t(T::Unit) }</dt><dd>{ a.assessed() }{ "（" }{ &a.unit.code }{ "）" }</dd>
            <dt>{ t(T::Period) }</dt><dd>{ &a.period }</dd>
            <dt>{ t(T::Kind) }</dt><dd>{ kind_text(lang, a.kind) }</dd>
            <dt>{ t(T::Checklist) }</dt><dd>{ checklist }</dd>
        </dl>
    }
}

/// The note on the assessment as a whole, when there is one.
pub fn overall_note(lang: Lang, a: &Assessment) -> Html {
    if a.note.trim().is_empty() {
        return html! {};
    }
    html! {
        <section class="overall">
            <h2>{ T::OverallNote.get(lang) }</h2>
            <p class="given" data-testid="overall-note">{ a.note.trim() }</p>
        </section>
    }
}

/// 签字背书: each signer's role and name (the places still open when none
/// is chosen yet), whether they signed electronically, and a line each to
/// sign and date by hand.
pub fn signatures(lang: Lang, template: &Template, a: &Assessment) -> Html {
    let t = |k: T| k.get(lang);
    let roles = template.signer_roles(a.kind);
    let title = |role: &str| {
        roles
            .iter()
            .find(|r| r.role == role)
            .map(|r| r.title.get(lang).to_owned())
            .unwrap_or_else(|| role_label(role, lang))
    };
    let people: Vec<(String, String, bool)> = if a.signers.is_empty() {
        model::signer_places(template, a, &BTreeMap::new())
            .into_iter()
            .flat_map(|(_, places)| places)
            .map(|p| (p.role, String::new(), false))
            .collect()
    } else {
        a.signers
            .iter()
            .map(|s| (s.role.clone(), s.signer.name.clone(), s.signed))
            .collect()
    };
    let rows = people.into_iter().map(|(role, name, signed)| {
        html! {
            <tr data-testid={format!("record-signer-{role}")}>
                <td>{ title(&role) }</td>
                <td>{ name }</td>
                <td>{ t(if signed { T::SignedElectronically } else { T::NotSignedYet }) }</td>
                <td class="sign-line">{ t(T::SignHere) }</td>
                <td class="sign-line">{ t(T::DateHere) }</td>
            </tr>
        }
    });
    html! {
        <section class="signatures">
            <h2>{ t(T::Sign) }</h2>
            <table class="sheet">
                <thead><tr><th>{ t(T::Role) }</th><th>{ t(T::Name) }</th><th>{ t(T::StatusCol) }</th><th colspan="2"></th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}

/// The signed packet's SHA-256 and, once the intake has it, the receipt's
/// time in local time (nothing before the packet is signed).
pub fn packet_facts(ctx: &Ctx, a: &Assessment) -> Html {
    let Some(text) = a.packet.as_deref().filter(|_| a.status != Status::Draft) else {
        return html! {};
    };
    let t = |k: T| ctx.t(k);
    let received = match ctx.outbox.status_of(&a.id) {
        Some((_, PacketStatus::Received(receipt))) => Some(time::local(&receipt.received_at)),
        _ => None,
    };
    html! {
        <dl class="facts" data-testid="record-packet">
            <dt>{ t(T::ReceiptDigest) }</dt>
            <dd class="mono" data-testid="record-sha256">{ canonical::sha256_hex_bytes(text.as_bytes()) }</dd>
            if let Some(at) = received {
                <dt>{ t(T::ReceiptTime) }</dt>
                <dd data-testid="record-received">{ at }</dd>
            }
        </dl>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingdan_core::{Fixed, bundled};

    fn item(template: &Template, id: &str) -> Item {
        template.item(id).unwrap().clone()
    }

    #[test]
    fn answers_read_as_words_and_a_text_answer_as_written() {
        let t = Template::parse(bundled::find("jiandu-zeren").unwrap().json()).unwrap();
        let given = |choice: Option<&str>, value: &str| ItemInput {
            choice: choice.map(String::from),
            value: value.into(),
            ..ItemInput::default()
        };
        let zh = Lang::Zh;
        assert_eq!(
            answer_text(zh, &item(&t, "1.1"), Some(&given(Some("done"), ""))),
            "已完成"
        );
        assert_eq!(
            answer_text(Lang::En, &item(&t, "8.1"), Some(&given(None, "2"))),
            "2 items"
        );
        let text = "存在问题：谈话记录不全。整改措施：补齐记录。";
        assert_eq!(
            answer_text(zh, &item(&t, "9.2"), Some(&given(None, text))),
            text
        );
        assert_eq!(
            answer_text(zh, &item(&t, "9.1"), Some(&given(Some("no"), ""))),
            "不存在"
        );
        let na = ItemInput {
            na: true,
            ..ItemInput::default()
        };
        assert_eq!(answer_text(zh, &item(&t, "1.1"), Some(&na)), "不适用");
        assert_eq!(answer_text(zh, &item(&t, "1.1"), None), "");
    }

    #[test]
    fn a_bonus_section_reads_as_a_bonus() {
        let figure = |bonus| SectionFigure {
            value: Fixed::from_int(1),
            max: Fixed::ZERO,
            bonus,
        };
        assert_eq!(figure_text(Lang::Zh, &figure(true)), "+1.00（加分）");
        assert_eq!(figure_text(Lang::En, &figure(true)), "+1.00 (bonus)");
        assert_eq!(figure_text(Lang::Zh, &figure(false)), "1.00 / 0.00");
    }
}
