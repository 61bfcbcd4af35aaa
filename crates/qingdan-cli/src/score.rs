//! `qingdan score`: score a responses file and print the sheet.

use std::path::Path;

use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
use qingdan_core::period::Period;
use qingdan_core::score::{ItemStatus, ScoreSheet};
use qingdan_core::{Lang, Responses, Template, score};

use crate::output::{errln, out, outln};
use crate::{Failure, read_text};

/// Scores `responses` against `template` and prints a table or JSON.
pub fn run(
    template: &Path,
    responses: &Path,
    period: Option<&str>,
    json: bool,
    lang: Lang,
) -> Result<(), Failure> {
    let template = crate::load_template(template)?;
    let responses_text = read_text(responses)?;
    let responses = Responses::parse(&template, &responses_text).map_err(|errors| {
        for e in &errors.0 {
            errln!("{}: {e}", responses.display());
        }
        Failure::Invalid
    })?;
    let period = match period {
        Some(text) => Some(Period::parse(text).ok_or_else(|| {
            anyhow::anyhow!("--period {text:?} is not a period (2026, 2026-H2, 2026-Q3, 2026-10)")
        })?),
        None if template.fixes_due_dates() => {
            return Err(anyhow::anyhow!(
                "this checklist fixes due dates from the period assessed: give --period (e.g. 2026)"
            )
            .into());
        }
        None => None,
    };
    let sheet = score(&template, &responses, period.as_ref());
    if json {
        let text = serde_json::to_string_pretty(&sheet).map_err(anyhow::Error::from)?;
        outln!("{text}");
    } else {
        out!("{}", render(&template, &sheet, lang));
    }
    Ok(())
}

/// The sheet as a table with section subtotals, then totals, grade,
/// vetoes and completeness.
pub fn render(template: &Template, sheet: &ScoreSheet, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let doc = template.doc();
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_header(if zh {
        ["项目", "内容", "得分", "满分", "理由"]
    } else {
        ["Item", "Title", "Score", "Max", "Reason"]
    });
    let mut items = sheet.items.iter().peekable();
    for (s, section) in doc.sections.iter().enumerate() {
        let figure = sheet.sections[s].figure(template);
        let title = section.title.get(lang);
        let (title, value) = match (figure.bonus, zh) {
            (false, _) => (title.to_owned(), figure.value.to_string()),
            (true, true) => (format!("{title}（加分）"), format!("+{}", figure.value)),
            (true, false) => (format!("{title} (bonus)"), format!("+{}", figure.value)),
        };
        table.add_row(vec![
            Cell::new(&section.id),
            Cell::new(title),
            Cell::new(value).set_alignment(CellAlignment::Right),
            Cell::new(figure.max).set_alignment(CellAlignment::Right),
            Cell::new(""),
        ]);
        for item in &section.items {
            let Some(result) = items.next_if(|r| r.id == item.id) else {
                continue;
            };
            let (score, max) = match result.status {
                ItemStatus::Hidden | ItemStatus::NotApplicable | ItemStatus::Evidence => {
                    ("—".into(), "—".into())
                }
                ItemStatus::Bonus => (format!("+{}", result.score), "—".into()),
                ItemStatus::VetoClear | ItemStatus::VetoTriggered => ("—".into(), "—".into()),
                ItemStatus::Unanswered if !item.rule.is_scored() => ("—".into(), "—".into()),
                ItemStatus::Scored | ItemStatus::Unanswered => {
                    (result.score.to_string(), result.max.to_string())
                }
            };
            table.add_row(vec![
                Cell::new(format!("  {}", item.id)),
                Cell::new(item.title.get(lang)),
                Cell::new(score).set_alignment(CellAlignment::Right),
                Cell::new(max).set_alignment(CellAlignment::Right),
                Cell::new(result.reason_text(template, lang)),
            ]);
        }
    }
    let mut out = format!(
        "{} ({} v{})\n{table}\n",
        doc.title.get(lang),
        doc.id,
        doc.version
    );
    let percentage = sheet.percentage.map_or("—".into(), |p| format!("{p}%"));
    let grade = sheet
        .grade_label(template, lang)
        .unwrap_or_else(|| "—".to_owned());
    if zh {
        out += &format!(
            "合计 {} / {}（基本分 {}，加分 {}），得分率 {percentage}，等次：{grade}\n",
            sheet.total, sheet.max, sheet.base, sheet.bonus
        );
    } else {
        out += &format!(
            "Total {} / {} (base {}, bonus {}), {percentage}, grade: {grade}\n",
            sheet.total, sheet.max, sheet.base, sheet.bonus
        );
    }
    if !sheet.vetoes.is_empty() {
        let ids: Vec<&str> = sheet.vetoes.iter().map(|v| v.item.as_str()).collect();
        out += &if zh {
            format!("一票否决：{}\n", ids.join("、"))
        } else {
            format!("Vetoes: {}\n", ids.join(", "))
        };
    }
    let c = &sheet.completeness;
    out += &match (zh, c.is_complete()) {
        (true, true) => format!("完整度：必答项 {}/{} 已作答\n", c.answered, c.required),
        (true, false) => format!(
            "完整度：必答项 {}/{} 已作答，未答：{}\n",
            c.answered,
            c.required,
            c.missing.join("、")
        ),
        (false, true) => format!(
            "Complete: {}/{} required items answered\n",
            c.answered, c.required
        ),
        (false, false) => format!(
            "Incomplete: {}/{} required items answered; missing: {}\n",
            c.answered,
            c.required,
            c.missing.join(", ")
        ),
    };
    if !c.unexplained.is_empty() {
        out += &if zh {
            format!(
                "须填写说明（失分、否决或不适用的原因）才能签字：{}\n",
                c.unexplained.join("、")
            )
        } else {
            format!(
                "To explain (lost points, a veto or N/A) before signing: {}\n",
                c.unexplained.join(", ")
            )
        };
    }
    out
}
