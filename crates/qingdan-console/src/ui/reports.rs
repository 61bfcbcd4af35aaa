//! 报表: the ranking, the items most failed, the gap between the units'
//! own scores and the inspectors', and the inspections' findings — each a
//! tab with its chart, its table a page at a time, and the whole as an
//! Excel workbook with the same filters; the ranking of every unit or of
//! the units under one (a county's). The tab, checklist, period, kind,
//! the units ranked and the page are in the URL ([`ReportsQuery`]). Scores are shown exactly as
//! the intake gives them; the charts are SVG drawn here from
//! [`crate::chart`]'s geometry.

use yew::prelude::*;

use super::{Col, list_table, notice_view};
use crate::api::{ApiError, Checklist};
use crate::api_reports::{
    self, FindingCounts, FindingsPage, Format, GapPage, Indicators, RankingPage,
};
use crate::chart::{self, Bar, Geometry};
use crate::ctx::{Ctx, use_ctx};
use crate::hooks::use_listing;
use crate::hooks_reports::use_reports;
use crate::i18n::{self, T};
use crate::messages::{self, Message};
use crate::registry::{self, UnitsPage};
use crate::route::{self, Route};
use crate::state::Notice;
use crate::state::reports::{Kind, Report, ReportsQuery, Tab};

/// The choice of the units ranked: every unit, or those under one of the
/// units that have units under them.
fn under_chooser(
    ctx: &Ctx,
    parents: Option<&UnitsPage>,
    chosen: Option<&str>,
    on_change: Callback<Event>,
) -> Html {
    let parents = parents.map(|p| p.units.as_slice()).unwrap_or_default();
    if parents.is_empty() && chosen.is_none() {
        return html! {};
    }
    let options = parents.iter().map(|u| {
        let label = i18n::fill(ctx.t(T::RepUnderUnit), &[("name", &u.name), ("code", &u.code)]);
        html! { <option value={u.code.clone()} selected={chosen == Some(u.code.as_str())}>{ label }</option> }
    });
    html! {
        <label>{ ctx.t(T::RepUnder) }
            <select onchange={on_change} data-testid="report-under">
                <option value="" selected={chosen.is_none()}>{ ctx.t(T::RepEveryUnit) }</option>
                { for options }
            </select>
        </label>
    }
}

/// What the reports page is given.
#[derive(Properties, PartialEq)]
pub struct ReportsProps {
    /// The hash after `#/reports` (`/ranking?…`).
    pub rest: String,
}

/// Indicators drawn in the chart: the most often failed.
const CHART_INDICATORS: usize = 20;

/// The reports page.
#[function_component]
pub fn ReportsPage(props: &ReportsProps) -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let asked = ReportsQuery::parse(&props.rest);
    let (state, query) = use_reports(&ctx, &asked);
    let ready = state.ready(query.as_ref());
    let shown = query.clone().unwrap_or_else(|| asked.clone());
    let go = {
        let shown = shown.clone();
        move |change: &dyn Fn(&mut ReportsQuery)| {
            let mut next = shown.clone();
            change(&mut next);
            route::go(&Route::Reports(next.rest()));
        }
    };
    let on_checklist = {
        let go = go.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            let (id, version) = value.rsplit_once('@').unwrap_or((&value, ""));
            go(&|q: &mut ReportsQuery| {
                q.template = Some(id.to_owned());
                q.version = version.parse().ok();
                q.page = 1;
            });
        })
    };
    let on_period = {
        let go = go.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let period = input.value().trim().to_owned();
            go(&|q: &mut ReportsQuery| {
                q.period = (!period.is_empty()).then(|| period.clone());
                q.page = 1;
            });
        })
    };
    let on_kind = {
        let go = go.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let kind = Kind::parse(&select.value()).unwrap_or_default();
            go(&|q: &mut ReportsQuery| {
                q.kind = kind;
                q.page = 1;
            });
        })
    };
    let on_under = {
        let go = go.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let under = select.value();
            go(&|q: &mut ReportsQuery| {
                q.under = (!under.is_empty()).then(|| under.clone());
                q.page = 1;
            });
        })
    };
    // The units with units under them: a ranking can be of one's units.
    let parents = use_listing::<UnitsPage>(&ctx, registry::parents_url());
    let to_page = |page: u64| {
        let go = go.clone();
        Callback::from(move |_: MouseEvent| go(&|q: &mut ReportsQuery| q.page = page))
    };

    let tabs = Tab::ALL.into_iter().map(|tab| {
        let href = format!(
            "#/reports{}",
            ReportsQuery {
                tab,
                page: 1,
                ..shown.clone()
            }
            .rest()
        );
        let chosen = tab == shown.tab;
        html! {
            <a {href} role="tab" class={classes!("tab", chosen.then_some("chosen"))}
               aria-selected={chosen.to_string()} data-testid={format!("tab-{}", tab.as_str())}>
                { t(tab_label(tab)) }
            </a>
        }
    });
    let checklists = state.checklists.clone().unwrap_or_default();
    let controls = html! {
        <div class="controls no-print" data-testid="report-controls">
            if shown.tab.scoped() {
                { checklist_chooser(&ctx, &checklists, &shown, on_checklist) }
                <label>{ t(T::Period) }
                    <input type="text" value={shown.period.clone().unwrap_or_default()}
                           placeholder={t(T::PeriodHint)} onchange={on_period} data-testid="report-period" />
                </label>
            }
            if shown.tab.of_kind() {
                <label>{ t(T::Kind) }
                    <select onchange={on_kind} data-testid="report-kind">
                        { for [Kind::Inspection, Kind::SelfAssessment].into_iter().map(|k| html! {
                            <option value={k.as_str()} selected={k == shown.kind}>
                                { messages::kind_label(ctx.lang, k.as_str()) }
                            </option>
                        }) }
                    </select>
                </label>
            }
            if shown.tab == Tab::Ranking {
                { under_chooser(&ctx, parents.data.as_ref(), shown.under.as_deref(), on_under) }
            }
            if let Some(href) = query.as_ref().and_then(|q| api_reports::report_url(q, Format::Xlsx)) {
                <a class="button" {href} download="" data-testid="report-xlsx">{ t(T::RepDownloadXlsx) }</a>
            }
        </div>
    };
    let problem = match &state.error {
        // A checklist or version named in the URL that is not published.
        Some(ApiError::Refused(p)) if p.status == 404 => {
            html! { <p class="notice error" role="alert" data-testid="reports-error">{ t(T::RepNotPublished) }</p> }
        }
        Some(e) => notice_view(
            &Notice::Error(Message::Api(e.clone())),
            ctx.lang,
            "reports-error",
        ),
        None => html! {},
    };
    let report = query.as_ref().and_then(|q| state.for_query(q));
    let body = match report {
        Some(Report::Ranking(page)) => ranking(&ctx, page),
        Some(Report::Indicators(report)) => indicators(&ctx, report),
        Some(Report::Gap(page)) => gap(&ctx, page),
        Some(Report::Findings(page)) => findings(&ctx, page),
        None if state.checklists.as_ref().is_some_and(Vec::is_empty) && shown.tab.scoped() => {
            html! { <p class="muted" data-testid="reports-no-checklists">{ t(T::RepNoChecklists) }</p> }
        }
        None => html! { <p class="muted">{ t(T::Loading) }</p> },
    };
    let pager = report.filter(|r| !matches!(r, Report::Indicators(_))).map(|r| {
        let (page, pages) = r.paging();
        let rows = match r {
            Report::Ranking(p) => p.total_rows,
            Report::Gap(p) => p.total_rows,
            Report::Findings(p) => p.total_units,
            Report::Indicators(_) => 0,
        };
        html! {
            <div class="pager no-print" data-testid="report-pager">
                <button type="button" disabled={page <= 1} onclick={to_page(page.saturating_sub(1))}
                        data-testid="report-previous">{ t(T::Previous) }</button>
                <span data-testid="report-page" data-page={page.to_string()} data-pages={pages.to_string()}>
                    { i18n::fill(t(T::RepPageOf), &[
                        ("p", &page.to_string()),
                        ("n", &pages.max(1).to_string()),
                        ("r", &rows.to_string()),
                    ]) }
                </span>
                <button type="button" disabled={page >= pages} onclick={to_page(page + 1)}
                        data-testid="report-next">{ t(T::Next) }</button>
            </div>
        }
    });
    html! {
        <main class="reports" data-testid="reports-page" data-ready={ready.to_string()}
              data-tab={shown.tab.as_str()}>
            <h1>{ t(T::RepTitle) }</h1>
            <nav class="tabs no-print" role="tablist" data-testid="report-tabs">{ for tabs }</nav>
            { controls }
            { problem }
            { body }
            { pager }
        </main>
    }
}

/// The tab's name.
fn tab_label(tab: Tab) -> T {
    match tab {
        Tab::Ranking => T::RepRanking,
        Tab::Indicators => T::RepIndicators,
        Tab::Gap => T::RepGap,
        Tab::Findings => T::RepFindings,
    }
}

/// The checklist chooser: every published checklist and version.
fn checklist_chooser(
    ctx: &Ctx,
    checklists: &[Checklist],
    shown: &ReportsQuery,
    on_change: Callback<Event>,
) -> Html {
    let chosen = (shown.template.clone(), shown.version);
    let options = checklists.iter().map(|c| {
        let value = format!("{}@{}", c.id, c.version);
        let selected = chosen == (Some(c.id.clone()), Some(c.version));
        let text = i18n::fill(
            ctx.t(T::ChecklistVersion),
            &[
                ("title", &c.title),
                ("id", &c.id),
                ("v", &c.version.to_string()),
            ],
        );
        html! { <option {value} {selected}>{ text }</option> }
    });
    html! {
        <label>{ ctx.t(T::Checklist) }
            <select onchange={on_change} data-testid="report-template">{ for options }</select>
        </label>
    }
}

/// What a report is over: `监督责任清单 第 2 版 · 2026 · 检查考核`.
fn heading(ctx: &Ctx, title: &str, version: u32, period: &str, kind: Option<&str>) -> Html {
    let mut text = i18n::fill(
        ctx.t(T::RepOver),
        &[
            ("checklist", title),
            ("v", &version.to_string()),
            ("period", period),
        ],
    );
    if let Some(kind) = kind {
        text.push_str(" · ");
        text.push_str(&messages::kind_label(ctx.lang, kind));
    }
    html! { <h2 data-testid="report-heading">{ text }</h2> }
}

/// A percentage as shown (`87.50%`), or a dash.
fn percent(value: Option<&str>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v}%"))
}

/// A `<rect>` for `bar`, carrying the value it draws.
fn rect(bar: &Bar, class: &'static str, testid: &'static str, key: &str, value: &str) -> Html {
    html! {
        <rect class={class} x={bar.x.to_string()} y={bar.y.to_string()}
              width={bar.width.to_string()} height={bar.height.to_string()}
              data-testid={testid} data-key={key.to_owned()} data-value={value.to_owned()} />
    }
}

/// A chart's frame: the labels on the left, the axis, and its bars.
fn chart_frame(
    testid: &'static str,
    label: String,
    geometry: &Geometry,
    names: &[String],
    bars: Html,
) -> Html {
    let height = geometry.height(names.len());
    let labels = names.iter().enumerate().map(|(i, name)| {
        html! {
            <text class="label" x={(geometry.label - 8).to_string()} y={geometry.middle(i).to_string()}
                  text-anchor="end" dominant-baseline="middle">{ name }</text>
        }
    });
    html! {
        <svg class="chart" data-testid={testid} role="img" aria-label={label}
             viewBox={format!("0 0 {} {}", geometry.width, height.max(1))}
             width={geometry.width.to_string()} height={height.max(1).to_string()}>
            { for labels }
            <line class="axis" x1={geometry.label.to_string()} x2={geometry.label.to_string()}
                  y1="0" y2={height.to_string()} />
            { bars }
        </svg>
    }
}

/// The value written past a bar's end.
fn value_text(bar: &Bar, geometry: &Geometry, index: usize, text: String) -> Html {
    html! {
        <text class="value" x={bar.end().to_string()} y={geometry.middle(index).to_string()}
              dominant-baseline="middle">{ text }</text>
    }
}

/// 排名: the chart of the page's percentages and the table.
fn ranking(ctx: &Ctx, page: &RankingPage) -> Html {
    let t = |k: T| ctx.t(k);
    let head = heading(
        ctx,
        &page.template.title,
        page.template.version,
        &page.period,
        Some(&page.kind),
    );
    if page.rows.is_empty() {
        return html! {
            <>
                { head }
                <p class="muted" data-testid="report-empty">{ t(T::RepNoPackets) }</p>
            </>
        };
    }
    let geometry = Geometry::DEFAULT;
    let values: Vec<Option<i64>> = page
        .rows
        .iter()
        .map(|r| r.percentage.as_deref().and_then(chart::hundredths))
        .collect();
    let scale = chart::scale(values.iter().flatten().copied());
    let names: Vec<String> = page.rows.iter().map(unit_label).collect();
    let bars = chart::bars(&values, scale, &geometry)
        .into_iter()
        .zip(&page.rows)
        .enumerate()
        .filter_map(|(i, (bar, row))| {
            let bar = bar?;
            let value = row.percentage.clone().unwrap_or_default();
            Some(html! {
                <>
                    { rect(&bar, "chart-bar", "chart-bar", &row.unit_code, &value) }
                    { value_text(&bar, &geometry, i, format!("{}（{}%）", row.total, value)) }
                </>
            })
        });
    let chart = chart_frame(
        "ranking-chart",
        t(T::RepChartPercentage).to_owned(),
        &geometry,
        &names,
        html! { { for bars } },
    );
    let rows = page.rows.iter().map(|row| {
        html! {
            <tr data-testid="ranking-row" data-unit={row.unit_code.clone()} data-rank={row.rank.to_string()}
                data-total={row.total.clone()} data-percentage={row.percentage.clone()}
                data-packet={row.packet_id.clone()}>
                <td class="num" data-col="rank">{ row.rank }</td>
                <td class="num" data-col="code">{ &row.unit_code }</td>
                <td data-col="name">{ unit_label(row) }</td>
                <td class="num" data-col="total">{ &row.total }</td>
                <td class="num" data-col="max">{ &row.max }</td>
                <td class="num" data-col="percentage">{ percent(row.percentage.as_deref()) }</td>
                <td data-col="grade">{ row.grade.clone().unwrap_or_default() }</td>
                <td data-col="last-place">
                    if row.last_place { <strong class="late">{ t(T::RepLastPlace) }</strong> }
                </td>
                <td class="num" data-col="findings">{ counts_text(row.findings) }</td>
                <td data-col="talks">
                    { for row.talks.iter().map(|talk| html! {
                        <strong class="late" data-testid="talk" data-name={talk.name.clone()}
                            data-satisfaction={talk.satisfaction.clone()} title={talk.evaluation.clone()}>
                            { format!("{}（{}，{}%）", talk.name, talk.post, talk.satisfaction.as_deref().unwrap_or("—")) }
                        </strong>
                    }) }
                </td>
                <td class="no-print">
                    <a href={Route::Packet(row.packet_id.clone()).href()} data-testid="packet-link">
                        { t(T::RepOpenPacket) }
                    </a>
                </td>
            </tr>
        }
    });
    html! {
        <>
            { head }
            { chart }
            { list_table(ctx.lang, "ranking-table", &[Col::Head(T::RepRank), Col::Head(T::UnitCode), Col::Head(T::UnitName), Col::Head(T::Total), Col::Head(T::RepMax), Col::Head(T::RepPercentage), Col::Head(T::Grade), Col::Head(T::RepLastPlace), Col::Head(T::RepFindingCounts), Col::Head(T::RepTalks), Col::Actions], rows) }
        </>
    }
}

/// A row's unit, and its person on a checklist about one.
fn unit_label(row: &api_reports::RankingRow) -> String {
    match &row.subject {
        Some(s) => format!("{}（{}）", row.unit_name, s.name),
        None => row.unit_name.clone(),
    }
}

/// `open / overdue / closed`, or nothing.
fn counts_text(counts: Option<FindingCounts>) -> String {
    counts.map_or_else(String::new, |c| {
        format!("{} / {} / {}", c.open, c.overdue, c.closed)
    })
}

/// 指标: the items most failed, charted, and every item in the table.
fn indicators(ctx: &Ctx, report: &Indicators) -> Html {
    let t = |k: T| ctx.t(k);
    let head = html! {
        <>
            { heading(ctx, &report.template.title, report.template.version, &report.period, Some(&report.kind)) }
            <p class="facts" data-testid="indicators-units" data-units={report.units.to_string()}>
                { i18n::fill(t(T::RepUnitsCounted), &[("n", &report.units.to_string())]) }
            </p>
            if let Some(n) = report.talks_due.filter(|n| *n > 0) {
                <p class="facts late" data-testid="indicators-talks" data-talks={n.to_string()}>
                    { i18n::fill(t(T::RepTalksDue), &[("n", &n.to_string())]) }
                </p>
            }
        </>
    };
    if report.units == 0 {
        return html! {
            <>
                { head }
                <p class="muted" data-testid="report-empty">{ t(T::RepNoPackets) }</p>
            </>
        };
    }
    let geometry = Geometry::DEFAULT;
    let charted: Vec<_> = report.rows.iter().take(CHART_INDICATORS).collect();
    let values: Vec<Option<i64>> = charted
        .iter()
        .map(|r| r.failure_rate.as_deref().and_then(chart::hundredths))
        .collect();
    let scale = chart::scale(values.iter().flatten().copied());
    let names: Vec<String> = charted
        .iter()
        .map(|r| format!("{} {}", r.item, r.title))
        .collect();
    let bars = chart::bars(&values, scale, &geometry)
        .into_iter()
        .zip(&charted)
        .enumerate()
        .filter_map(|(i, (bar, row))| {
            let bar = bar?;
            let value = row.failure_rate.clone().unwrap_or_default();
            Some(html! {
                <>
                    { rect(&bar, "chart-bar failed", "chart-bar", &row.item, &value) }
                    { value_text(&bar, &geometry, i, format!("{value}%（{}/{}）", row.failed, row.applicable)) }
                </>
            })
        });
    let chart = chart_frame(
        "indicators-chart",
        t(T::RepChartFailure).to_owned(),
        &geometry,
        &names,
        html! { { for bars } },
    );
    let rows = report.rows.iter().map(|row| {
        html! {
            <tr data-testid="indicator-row" data-item={row.item.clone()}
                data-failed={row.failed.to_string()} data-failure-rate={row.failure_rate.clone()}>
                <td class="num" data-col="item">{ &row.item }</td>
                <td data-col="section">{ &row.section }</td>
                <td data-col="title">{ &row.title }</td>
                <td class="num" data-col="applicable">{ row.applicable }</td>
                <td class="num" data-col="failed">{ row.failed }</td>
                <td class="num" data-col="failure-rate">{ percent(row.failure_rate.as_deref()) }</td>
                <td class="num" data-col="findings">{ row.findings.map(|n| n.to_string()).unwrap_or_default() }</td>
            </tr>
        }
    });
    html! {
        <>
            { head }
            { chart }
            { list_table(ctx.lang, "indicators-table", &[Col::Head(T::RepItem), Col::Head(T::RepSection), Col::Head(T::RepItemTitle), Col::Head(T::RepApplicable), Col::Head(T::RepFailed), Col::Head(T::RepFailureRate), Col::Head(T::RepFindingsOnItem)], rows) }
        </>
    }
}

/// 差距: each unit's own percentage above the inspectors', and the table.
fn gap(ctx: &Ctx, page: &GapPage) -> Html {
    let t = |k: T| ctx.t(k);
    let head = heading(
        ctx,
        &page.template.title,
        page.template.version,
        &page.period,
        None,
    );
    if page.rows.is_empty() {
        return html! {
            <>
                { head }
                <p class="muted" data-testid="report-empty">{ t(T::RepNoPackets) }</p>
            </>
        };
    }
    let geometry = Geometry::DEFAULT;
    let values: Vec<(Option<i64>, Option<i64>)> = page
        .rows
        .iter()
        .map(|r| {
            let read = |v: &Option<String>| v.as_deref().and_then(chart::hundredths);
            (read(&r.self_percentage), read(&r.inspection_percentage))
        })
        .collect();
    let scale = chart::scale(values.iter().flat_map(|(a, b)| [*a, *b]).flatten());
    let names: Vec<String> = page
        .rows
        .iter()
        .map(|r| match &r.subject {
            Some(s) => format!("{}（{}）", r.unit_name, s.name),
            None => r.unit_name.clone(),
        })
        .collect();
    let bars = chart::pairs(&values, scale, &geometry)
        .into_iter()
        .zip(&page.rows)
        .map(|((own, inspected), row)| {
            let own = own.map(|b| {
                rect(
                    &b,
                    "chart-bar own",
                    "chart-bar-self",
                    &row.unit_code,
                    row.self_percentage.as_deref().unwrap_or_default(),
                )
            });
            let inspected = inspected.map(|b| {
                rect(
                    &b,
                    "chart-bar inspected",
                    "chart-bar-inspection",
                    &row.unit_code,
                    row.inspection_percentage.as_deref().unwrap_or_default(),
                )
            });
            html! { <>{ own }{ inspected }</> }
        });
    let chart = chart_frame(
        "gap-chart",
        t(T::RepChartGap).to_owned(),
        &geometry,
        &names,
        html! { { for bars } },
    );
    let link = |packet: &Option<String>, value: &Option<String>| match (packet, value) {
        (Some(id), Some(v)) => html! {
            <a href={Route::Packet(id.clone()).href()} data-testid="packet-link">{ v }</a>
        },
        (_, v) => html! { { v.clone().unwrap_or_else(|| "—".into()) } },
    };
    let rows = page.rows.iter().map(|row| {
        html! {
            <tr data-testid="gap-row" data-unit={row.unit_code.clone()}
                data-self={row.self_assessment.clone()} data-inspection={row.inspection.clone()}
                data-difference={row.difference.clone()}>
                <td class="num" data-col="code">{ &row.unit_code }</td>
                <td data-col="name">{ &row.unit_name }</td>
                <td class="num" data-col="self">{ link(&row.self_assessment_packet, &row.self_assessment) }</td>
                <td class="num" data-col="inspection">{ link(&row.inspection_packet, &row.inspection) }</td>
                <td class="num" data-col="difference">{ row.difference.clone().unwrap_or_else(|| "—".into()) }</td>
                <td class="num" data-col="self-percentage">{ percent(row.self_percentage.as_deref()) }</td>
                <td class="num" data-col="inspection-percentage">{ percent(row.inspection_percentage.as_deref()) }</td>
            </tr>
        }
    });
    html! {
        <>
            { head }
            <p class="legend">
                <span class="swatch own"></span>{ t(T::RepSelfPercentage) }
                <span class="swatch inspected"></span>{ t(T::RepInspectionPercentage) }
            </p>
            { chart }
            { list_table(ctx.lang, "gap-table", &[Col::Head(T::UnitCode), Col::Head(T::UnitName), Col::Head(T::RepSelfTotal), Col::Head(T::RepInspectionTotal), Col::Head(T::RepDifference), Col::Head(T::RepSelfPercentage), Col::Head(T::RepInspectionPercentage)], rows) }
        </>
    }
}

/// A finding's state in words.
fn state_label(state: &str) -> T {
    match state {
        "open" => T::RepOpen,
        "overdue" => T::RepOverdue,
        _ => T::RepClosed,
    }
}

/// 问题整改: the counts by state over the page's units, and each finding.
fn findings(ctx: &Ctx, page: &FindingsPage) -> Html {
    let t = |k: T| ctx.t(k);
    let counts = page.counts();
    let count = |testid: &'static str, label: T, n: u64, class: &'static str| {
        html! {
            <div class={classes!("count", class)} data-testid={testid} data-count={n.to_string()}>
                <span class="label">{ t(label) }</span>
                <strong class="num">{ n }</strong>
            </div>
        }
    };
    let rows = page.rows.iter().map(|row| {
        let item = match &row.item_title {
            Some(title) => format!("{} {title}", row.item),
            None => row.item.clone(),
        };
        html! {
            <tr data-testid="finding-row" data-unit={row.unit_code.clone()} data-state={row.state.clone()}
                data-inspection={row.inspection_id.clone()} data-finding={row.finding_id.clone()}>
                <td data-col="unit">{ &row.unit_name }{ "（" }{ &row.unit_code }{ "）" }</td>
                <td data-col="item">{ item }</td>
                <td data-col="problem">{ &row.problem }</td>
                <td data-col="responsible">{ &row.responsible }</td>
                <td class="num" data-col="deadline">{ &row.deadline }</td>
                <td data-col="state"><span class={classes!("status", row.state.clone())}>{ t(state_label(&row.state)) }</span></td>
                <td data-col="action">{ row.action.clone().unwrap_or_default() }</td>
                <td class="num" data-col="completed">{ row.completed_on.clone().unwrap_or_default() }</td>
                <td class="no-print">
                    <a href={Route::Packet(row.inspection_id.clone()).href()} data-testid="packet-link">
                        { t(T::RepOpenPacket) }
                    </a>
                </td>
            </tr>
        }
    });
    html! {
        <>
            <h2 data-testid="report-heading">{ i18n::fill(t(T::RepFindingsAsOf), &[("d", &page.as_of)]) }</h2>
            <div class="counts" data-testid="findings-counts">
                { count("findings-open", T::RepOpen, counts.open, "open") }
                { count("findings-overdue", T::RepOverdue, counts.overdue, "overdue") }
                { count("findings-closed", T::RepClosed, counts.closed, "closed") }
            </div>
            if page.rows.is_empty() {
                <p class="muted" data-testid="report-empty">{ t(T::RepNoFindings) }</p>
            } else {
                { list_table(ctx.lang, "findings-table", &[Col::Head(T::UnitName), Col::Head(T::RepItem), Col::Head(T::RepProblem), Col::Head(T::RepResponsible), Col::Head(T::RepDeadline), Col::Head(T::Status), Col::Head(T::RepAction), Col::Head(T::RepCompletedOn), Col::Actions], rows) }
            }
        </>
    }
}
