//! Reports come from what the intake kept of each packet when it arrived
//! (its summary, each unit's latest, the findings), never from the packets
//! again: on both databases, over a few thousand generated packets —
//! varied answers, corrected self-assessments that supersede earlier ones,
//! inspections with findings, rectifications — every report equals the
//! report computed from the stored packets themselves, as reports were
//! before. A refused packet, and a batch rolled back, leave no summary.

use qingdan_core::findings::{Finding, Rectification, RectificationStatus};
use qingdan_core::keys::encode_public_key;
use qingdan_core::packet::{self, Packet, PacketKind, RectificationMeta, Unit};
use qingdan_core::{Responses, Template};
use qingdan_intake::{
    FindingsQuery, Format, Intake, NewPacket, PacketFilter, ReportKind, ReportQuery, Store,
    build_findings, build_report,
};

use crate::support::{Db, World, fixtures, on_both, world};
use qingdan_intake::accounts::Actor;

on_both!(
    reports_from_summaries_equal_reports_from_the_packets,
    a_refused_packet_and_a_rolled_back_batch_leave_no_summary,
    batches_from_two_intakes_crossing_ids_on_one_unit_all_commit,
    the_ranking_under_a_unit_is_its_units_ranked_among_themselves,
);

/// Units generated: with their packets, a few thousand in all.
const UNITS: usize = 600;
const AS_OF: &str = "2027-02-15";
const PERIOD: &str = "2026";

/// A small deterministic generator (SplitMix64), so that a failure
/// reproduces.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The world's answers, varied by `seed`: other answers of each kind, an
/// item left unanswered, 不适用 where allowed, the veto now and then.
fn varied(w: &World, seed: u64) -> Responses {
    let mut dice = Dice(seed);
    let mut answers = serde_json::to_value(&w.responses).unwrap();
    let map = answers.as_object_mut().unwrap();
    for (n, (_, item)) in w.template.items().enumerate() {
        let id = item.id.clone();
        let answer = match n % 7 {
            _ if n == 93 => serde_json::json!(dice.below(8) == 0),
            0 => serde_json::json!(["done", "partial", "not_done"][dice.below(3) as usize]),
            1 | 2 => serde_json::json!(dice.below(6)),
            3 => {
                let done = ["2026-01-20", "2026-02-10"][dice.below(2) as usize];
                serde_json::json!({"due": "2026-01-31", "done": done})
            }
            4 => serde_json::json!(dice.below(5)),
            5 => serde_json::json!(1 + dice.below(5)),
            _ => serde_json::json!(dice.below(3)),
        };
        if dice.below(20) == 0 {
            map.remove(&id);
        } else if n == 5 && dice.below(4) == 0 {
            map.insert(id, serde_json::json!({"na": true}));
        } else {
            map.insert(id, serde_json::json!({"answer": answer}));
        }
    }
    Responses::parse(&w.template, &answers.to_string()).unwrap_or_else(|_| w.responses.clone())
}

/// A packet id (a UUID) for unit `i`'s packet of `tag`, number `n`.
fn id(tag: u32, i: usize, n: u64) -> String {
    format!("{tag:08x}-0000-4000-8000-{:012x}", i as u64 * 10 + n)
}

fn unit(i: usize) -> Unit {
    Unit {
        code: format!("5108{i:05}"),
        name: format!("第{i}乡镇党委"),
    }
}

/// Registers the units, their keys, and sends every unit's packets.
async fn generate(w: &World) -> usize {
    let mut sent = 0;
    let mut dice = Dice(7);
    for i in 0..UNITS {
        let Unit { code, name } = unit(i);
        w.intake
            .add_unit(&code, &name, "2026-11-23T08:00:00.000Z")
            .await
            .unwrap();
        for ((key, role), person) in w
            .keys
            .iter()
            .zip(["principal", "supervisory"])
            .zip(crate::support::SIGNER_NAMES)
        {
            let public = encode_public_key(&key.verifying_key());
            w.intake
                .enroll(&code, role, &public, person, "2026-11-23T08:00:00.000Z")
                .await
                .unwrap();
        }
    }
    // Received a second apart, in the order sent: a corrected packet is
    // received after the one it corrects.
    let clock = std::cell::Cell::new(0i64);
    let submit = async |bytes: Vec<u8>| {
        clock.set(clock.get() + 1);
        let at = chrono::DateTime::parse_from_rfc3339("2027-01-05T00:00:00Z")
            .unwrap()
            .to_utc()
            + chrono::Duration::seconds(clock.get());
        w.intake.submit(bytes, at).await.unwrap();
    };
    for i in 0..UNITS {
        let seed = (i as u64) * 4;
        // A self-assessment, corrected by a second one for some units.
        for n in 0..=u64::from(i % 3 == 0) {
            submit(w.packet_answering(&id(1, i, n), &varied(w, seed + n), |m| {
                m.unit = unit(i);
            }))
            .await;
            sent += 1;
        }
        // An inspection for most, with findings for half of them.
        if i % 5 == 4 {
            continue;
        }
        let findings: Vec<Finding> = (0..(i % 2) * (1 + dice.below(2) as usize))
            .map(|f| Finding {
                id: format!("{}", f + 1),
                item: format!("{}.1", f + 1),
                problem: "台账不全".into(),
                deadline: ["2027-01-31", "2027-03-31"][dice.below(2) as usize].into(),
                responsible: "王五".into(),
            })
            .collect();
        let bytes = w.inspection(&id(2, i, 0), &varied(w, seed + 2), |m| {
            m.unit = unit(i);
            m.findings = findings.clone();
        });
        let inspection = Packet::parse(&bytes).unwrap();
        submit(bytes).await;
        sent += 1;
        // Rectifications: one answer, and for some a later word on it.
        for (n, status) in [
            (0, RectificationStatus::InProgress),
            (1, RectificationStatus::Done),
        ] {
            if findings.is_empty() || (n == 0 && i % 4 != 1) || (n == 1 && i % 3 == 0) {
                continue;
            }
            let meta = RectificationMeta {
                id: id(3, i, n),
                created_at: "2026-12-20T02:00:00Z".into(),
                signers: vec![
                    fixtures::signer("principal", "张三", &w.keys[0]),
                    fixtures::signer("supervisory", "李四", &w.keys[1]),
                ],
                generator: None,
            };
            let answer = Rectification {
                finding: "1".into(),
                status,
                action: "已补齐台账".into(),
                completed_on: (status == RectificationStatus::Done).then(|| "2026-12-28".into()),
            };
            let mut p =
                packet::new_rectification(inspection.payload(), meta, vec![answer]).unwrap();
            for key in &w.keys {
                p.sign(key).unwrap();
            }
            submit(packet::to_file_text(&p).into_bytes()).await;
            sent += 1;
        }
    }
    sent
}

/// Every stored packet as reports once read them: parsed again from its
/// bytes.
pub(crate) async fn entries_from_packets(intake: &Intake) -> Vec<qingdan_report::Entry> {
    let store = intake.store();
    let mut entries = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .packets_after(&PacketFilter::default(), after.as_ref(), 500)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(qingdan_intake::PacketCursor {
            received_at: last.received_at.clone(),
            id: last.id.clone(),
        });
        for info in page {
            let bytes = store.packet_bytes(&info.id).await.unwrap().unwrap();
            let packet = Packet::parse(&bytes).unwrap();
            let p = packet.payload();
            entries.push(qingdan_report::Entry {
                packet_id: p.id.clone(),
                kind: p.kind,
                unit_name: store.unit_name(&info.unit_code).await.unwrap().unwrap(),
                unit_code: info.unit_code,
                subject: p.subject.clone(),
                template_id: p.template.id.clone(),
                template_version: p.template.version,
                period: p.period.clone(),
                created_at: info.created_at,
                received_at: info.received_at,
                sheet: packet.sheet().cloned(),
                findings: p.findings.clone(),
                rectifications: p.rectifications.clone(),
                refers_to: p.refers_to.clone(),
                signers: p.signers.iter().map(|s| s.name.clone()).collect(),
            });
        }
    }
    entries
}

/// The reports of `template` in `period` computed from the packets, as JSON
/// the way the intake writes it.
pub(crate) fn expected(
    template: &Template,
    period: &str,
    entries: &[qingdan_report::Entry],
) -> Vec<(String, Vec<u8>)> {
    let as_of = qingdan_core::findings::parse_date(AS_OF).unwrap();
    let title = |_: &str, _: u32, item: &str| template.item(item).map(|i| i.title.zh.clone());
    // The findings beside a report are those of its checklist and period.
    let scoped: Vec<qingdan_report::Entry> = entries
        .iter()
        .filter(|e| {
            (
                e.template_id.as_str(),
                e.template_version,
                e.period.as_str(),
            ) == (template.id(), template.version(), period)
        })
        .cloned()
        .collect();
    let findings = qingdan_report::findings(&scoped, as_of, title);
    let json = |report: &dyn erased::Json| report.pretty();
    let mut reports = Vec::new();
    for kind in [PacketKind::SelfAssessment, PacketKind::Inspection] {
        let ranking = qingdan_report::ranking(template, period, kind, &scoped).unwrap();
        reports.push((
            format!("ranking {kind:?}"),
            // No evaluation: no one due a talk.
            json(&ranking.with_findings(&findings.tally()).with_talks(&[])),
        ));
        let indicators = qingdan_report::indicators(template, period, kind, &scoped).unwrap();
        reports.push((
            format!("indicators {kind:?}"),
            json(&indicators.with_findings(&findings.tally()).with_talks(0)),
        ));
    }
    let gap = qingdan_report::gap(template, period, &scoped).unwrap();
    reports.push(("gap".into(), json(&gap.with_findings(&findings.tally()))));
    reports
}

/// Every finding of every checklist, computed from the packets, each item
/// named by its own checklist (`templates`).
pub(crate) fn expected_findings(
    entries: &[qingdan_report::Entry],
    templates: &std::collections::HashMap<(String, u32), Template>,
) -> Vec<u8> {
    let as_of = qingdan_core::findings::parse_date(AS_OF).unwrap();
    let title = |id: &str, version: u32, item: &str| {
        let template = templates.get(&(id.to_owned(), version))?;
        template.item(item).map(|i| i.title.zh.clone())
    };
    serde_json::to_vec_pretty(&qingdan_report::findings(entries, as_of, title)).unwrap()
}

/// The same, as the intake serves it.
pub(crate) async fn served_findings(intake: &Intake) -> Vec<u8> {
    let query = FindingsQuery {
        unit: None,
        as_of: Some(AS_OF.into()),
        format: Format::Json,
        page: None,
        per_page: None,
    };
    build_findings(intake, &query)
        .await
        .unwrap()
        .into_bytes()
        .await
        .unwrap()
}

mod erased {
    /// A report as the intake writes its JSON.
    pub trait Json {
        fn pretty(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn pretty(&self) -> Vec<u8> {
            serde_json::to_vec_pretty(self).unwrap()
        }
    }
}

/// The same reports from the intake, as its API serves them.
pub(crate) async fn served(
    intake: &Intake,
    template: &Template,
    period: &str,
) -> Vec<(String, Vec<u8>)> {
    let query = |kind| ReportQuery {
        template: template.id().to_owned(),
        version: Some(template.version()),
        period: period.into(),
        kind: Some(kind),
        as_of: Some(AS_OF.into()),
        format: Format::Json,
        page: None,
        per_page: None,
        under: None,
    };
    let mut reports = Vec::new();
    for kind in [PacketKind::SelfAssessment, PacketKind::Inspection] {
        for (name, report) in [
            ("ranking", ReportKind::Ranking),
            ("indicators", ReportKind::Indicators),
        ] {
            let built = build_report(intake, report, &query(kind)).await.unwrap();
            reports.push((
                format!("{name} {kind:?}"),
                built.into_bytes().await.unwrap(),
            ));
        }
    }
    let gap = build_report(intake, ReportKind::Gap, &query(PacketKind::Inspection))
        .await
        .unwrap();
    reports.push(("gap".into(), gap.into_bytes().await.unwrap()));
    reports
}

pub(crate) fn assert_same(expected: &[(String, Vec<u8>)], served: &[(String, Vec<u8>)]) {
    for ((name, want), (_, got)) in expected.iter().zip(served) {
        assert!(
            want == got,
            "{name}: the report from the summaries differs from the one from the packets\nfrom the packets: {}\nfrom the summaries: {}",
            String::from_utf8_lossy(&want[..want.len().min(3000)]),
            String::from_utf8_lossy(&got[..got.len().min(3000)]),
        );
    }
    assert_eq!(expected.len(), served.len());
}

async fn reports_from_summaries_equal_reports_from_the_packets(db: Db) {
    let w = world(db).await;
    let sent = generate(&w).await;
    assert!(sent > 1500, "{sent} packets");
    let entries = entries_from_packets(&w.intake).await;
    assert_eq!(entries.len(), sent);
    let mut want = expected(&w.template, PERIOD, &entries);
    let templates = [(
        (w.template.id().to_owned(), w.template.version()),
        w.template.clone(),
    )]
    .into();
    want.push(("findings".into(), expected_findings(&entries, &templates)));
    // Not a report of nothing: units ranked, findings open and closed.
    let ranking: serde_json::Value = serde_json::from_slice(&want[2].1).unwrap();
    assert_eq!(ranking["rows"].as_array().unwrap().len(), UNITS - UNITS / 5);
    let findings: serde_json::Value = serde_json::from_slice(&want[5].1).unwrap();
    let states: std::collections::BTreeSet<String> = findings["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(states.len() >= 2, "findings in several states: {states:?}");
    let served_all = async |intake: &Intake| {
        let mut reports = served(intake, &w.template, PERIOD).await;
        reports.push(("findings".into(), served_findings(intake).await));
        reports
    };
    assert_same(&want, &served_all(&w.intake).await);
    for kind in [PacketKind::SelfAssessment, PacketKind::Inspection] {
        assert_downloads_equal(&w, &entries, kind).await;
        let full: serde_json::Value = serde_json::from_slice(
            &want
                .iter()
                .find(|(name, _)| *name == format!("ranking {kind:?}"))
                .unwrap()
                .1,
        )
        .unwrap();
        for per_page in [7, 250] {
            let paged =
                paged_rows(&w.intake, &w.template, ReportKind::Ranking, kind, per_page).await;
            let full = full["rows"].as_array().unwrap();
            assert_eq!(paged.len(), full.len(), "{kind:?}, {per_page} a page");
            if let Some((n, (a, b))) = paged
                .iter()
                .zip(full)
                .enumerate()
                .find(|(_, (a, b))| a != b)
            {
                panic!(
                    "{kind:?}, {per_page} a page: row {n} of the pages is not the ranking's:\n{a}\n{b}"
                );
            }
        }
    }

    // The gap, paged and downloaded: its rows in the order the database
    // sorts them are those of the gap computed from the packets.
    assert_gap_downloads_equal(&w, &entries).await;
    let full: serde_json::Value =
        serde_json::from_slice(&want.iter().find(|(name, _)| name == "gap").unwrap().1).unwrap();
    let full = full["rows"].as_array().unwrap();
    assert!(full.len() > 256, "a gap of several stretches");
    for per_page in [7, 100] {
        let paged = paged_rows(
            &w.intake,
            &w.template,
            ReportKind::Gap,
            PacketKind::Inspection,
            per_page,
        )
        .await;
        assert_eq!(paged.len(), full.len(), "gap, {per_page} a page");
        if let Some((n, (a, b))) = paged
            .iter()
            .zip(full)
            .enumerate()
            .find(|(_, (a, b))| a != b)
        {
            panic!("gap, {per_page} a page: row {n} of the pages is not the gap's:\n{a}\n{b}");
        }
    }

    // The indicators' workbook: its findings sheet is written a stretch of
    // units at a time.
    let findings = packets_findings(&w, &entries);
    let indicators =
        qingdan_report::indicators(&w.template, PERIOD, PacketKind::Inspection, &entries)
            .unwrap()
            .with_findings(&findings.tally())
            .with_talks(0);
    assert_files_equal(
        &w,
        ReportKind::Indicators,
        (Some(PacketKind::Inspection), None),
        &indicators,
        &findings,
        "the indicators",
    )
    .await;

    // The findings, paged by unit and downloaded a stretch of units at a
    // time: the same units and rows as computed from the packets.
    assert!(
        findings.units.len() > 128,
        "findings of several stretches: {} units",
        findings.units.len()
    );
    let whole: serde_json::Value =
        serde_json::from_slice(&want.iter().find(|(name, _)| name == "findings").unwrap().1)
            .unwrap();
    for per_page in [7, 100] {
        let (units, rows) = findings_pages(&w.intake, None, per_page).await;
        assert!(
            units == *whole["units"].as_array().unwrap(),
            "findings, {per_page} units a page: the units differ"
        );
        assert!(
            rows == *whole["rows"].as_array().unwrap(),
            "findings, {per_page} units a page: the rows differ"
        );
    }
    let one = &findings.units[findings.units.len() / 2].unit_code;
    let (units, rows) = findings_pages(&w.intake, Some(one), 5).await;
    assert_eq!(units.len(), 1);
    assert_eq!(units[0]["unit_code"], one.as_str());
    let theirs = findings.rows.iter().filter(|r| &r.unit_code == one).count();
    assert!(
        theirs > 0 && rows.len() == theirs,
        "{one}: {} rows of {theirs}",
        rows.len()
    );
    let download = async |format| {
        let query = FindingsQuery {
            unit: None,
            as_of: Some(AS_OF.into()),
            format,
            page: None,
            per_page: None,
        };
        build_findings(&w.intake, &query)
            .await
            .unwrap()
            .into_bytes()
            .await
            .unwrap()
    };
    {
        use qingdan_report::Report as _;
        assert!(
            download(Format::Csv).await == findings.table().to_csv().into_bytes(),
            "the findings' CSV written a stretch of units at a time differs"
        );
        let book = qingdan_report::titled_workbook(&[findings.table()]).unwrap();
        let sheet = "xl/worksheets/sheet1.xml";
        assert!(
            xlsx_part(&book, sheet) == xlsx_part(&download(Format::Xlsx).await, sheet),
            "the findings' workbook written a stretch of units at a time differs"
        );
    }

    // Summaries lost (a database from before they were kept): the intake
    // makes them again when it opens, and the reports are the same.
    let url = w.database.to_string();
    w.intake.shutdown().await;
    w.intake.store().close().await;
    forget_summaries(&url).await;
    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.summary_counts().await.unwrap(), (0, 0));
    let reopened = Intake::open(store, "2026-12-01T00:00:00.000Z")
        .await
        .unwrap();
    assert_same(&want, &served_all(&reopened).await);
    reopened.shutdown().await;
    reopened.store().close().await;
}

/// The gap's CSV and XLSX, read in the database's order a stretch at a
/// time, are those of the gap computed from the packets.
async fn assert_gap_downloads_equal(w: &World, entries: &[qingdan_report::Entry]) {
    let findings = packets_findings(w, entries);
    let gap = qingdan_report::gap(&w.template, PERIOD, entries)
        .unwrap()
        .with_findings(&findings.tally());
    assert_files_equal(w, ReportKind::Gap, (None, None), &gap, &findings, "the gap").await;
}

/// The ranking's CSV and XLSX, written a stretch of rows at a time, are
/// those of the ranking computed from the packets: the same CSV, and the
/// same sheets (ranking and findings) in the workbook.
async fn assert_downloads_equal(w: &World, entries: &[qingdan_report::Entry], kind: PacketKind) {
    let findings = packets_findings(w, entries);
    let ranking = qingdan_report::ranking(&w.template, PERIOD, kind, entries)
        .unwrap()
        .with_findings(&findings.tally())
        .with_talks(&[]);
    // The download reads 128 rows at a time in test builds: some rank is
    // shared across the end of one stretch and the start of the next, so
    // the rank carried over is what this compares.
    assert!(
        ranking
            .rows
            .chunks(128)
            .zip(ranking.rows.chunks(128).skip(1))
            .any(|(before, after)| before.last().map(|r| r.rank) == after.first().map(|r| r.rank)),
        "{kind:?}: no tie across stretches to test"
    );
    let what = format!("{kind:?}");
    assert_files_equal(
        w,
        ReportKind::Ranking,
        (Some(kind), None),
        &ranking,
        &findings,
        &what,
    )
    .await;
}

/// The findings of the packets themselves, as the reports judge them.
fn packets_findings(w: &World, entries: &[qingdan_report::Entry]) -> qingdan_report::Findings {
    let as_of = qingdan_core::findings::parse_date(AS_OF).unwrap();
    qingdan_report::findings(entries, as_of, |_, _, item| {
        w.template.item(item).map(|i| i.title.zh.clone())
    })
}

/// A report's CSV and XLSX downloads, written a stretch at a time, are
/// `want`'s: the same CSV, and the same sheets (the report and its
/// findings) in the workbook.
async fn assert_files_equal(
    w: &World,
    report: ReportKind,
    (kind, under): (Option<PacketKind>, Option<&str>),
    want: &impl qingdan_report::Report,
    findings: &qingdan_report::Findings,
    what: &str,
) {
    use qingdan_report::Report as _;
    let download = async |format| {
        let query = ReportQuery {
            template: w.template.id().to_owned(),
            version: Some(w.template.version()),
            period: PERIOD.into(),
            kind,
            as_of: Some(AS_OF.into()),
            format,
            page: None,
            per_page: None,
            under: under.map(str::to_owned),
        };
        build_report(&w.intake, report, &query)
            .await
            .unwrap()
            .into_bytes()
            .await
            .unwrap()
    };
    assert!(
        download(Format::Csv).await == want.table().to_csv().into_bytes(),
        "{what}: the CSV written a stretch at a time differs"
    );
    let book = qingdan_report::titled_workbook(&[want.table(), findings.table()]).unwrap();
    let got = download(Format::Xlsx).await;
    for sheet in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
        assert!(
            xlsx_part(&book, sheet) == xlsx_part(&got, sheet),
            "{what}: {sheet} of the workbook written a stretch at a time differs"
        );
    }
}

/// A part of an XLSX file, as text.
pub(crate) fn xlsx_text(xlsx: &[u8], name: &str) -> String {
    xlsx_part(xlsx, name)
}

fn xlsx_part(xlsx: &[u8], name: &str) -> String {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Every row of the ranking, read a page of `per_page` at a time as the
/// API gives it; each page says how many rows and pages there are.
async fn paged_rows(
    intake: &Intake,
    template: &Template,
    report: ReportKind,
    kind: PacketKind,
    per_page: u64,
) -> Vec<serde_json::Value> {
    paged_rows_under(intake, template, (report, kind), per_page, None).await
}

/// The same, of the units under `under` only when given.
async fn paged_rows_under(
    intake: &Intake,
    template: &Template,
    (report, kind): (ReportKind, PacketKind),
    per_page: u64,
    under: Option<&str>,
) -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let query = ReportQuery {
            template: template.id().to_owned(),
            version: Some(template.version()),
            period: PERIOD.into(),
            kind: Some(kind),
            as_of: Some(AS_OF.into()),
            format: Format::Json,
            page: Some(page),
            per_page: Some(per_page),
            under: under.map(str::to_owned),
        };
        let built = build_report(intake, report, &query).await.unwrap();
        let answer: serde_json::Value =
            serde_json::from_slice(&built.into_bytes().await.unwrap()).unwrap();
        let these = answer["rows"].as_array().unwrap();
        assert!(these.len() as u64 <= per_page);
        rows.extend(these.iter().cloned());
        let total = answer["total_rows"].as_u64().unwrap();
        assert_eq!(answer["pages"].as_u64().unwrap(), total.div_ceil(per_page));
        if page >= answer["pages"].as_u64().unwrap() {
            assert_eq!(rows.len() as u64, total);
            return rows;
        }
        page += 1;
    }
}

/// Empties the summary tables, as a database made before them has them.
async fn forget_summaries(url: &str) {
    let statements = [
        "DELETE FROM latest_packets",
        "DELETE FROM packet_summaries",
        "DELETE FROM packet_findings",
    ];
    if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        for sql in statements {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        for sql in statements {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
    }
}

async fn a_refused_packet_and_a_rolled_back_batch_leave_no_summary(db: Db) {
    let w = world(db).await;
    let store = w.intake.store();
    // A packet whose signature does not verify is refused: nothing kept.
    let mut tampered = w.packet(&crate::support::new_id());
    let at = tampered.windows(4).position(|b| b == b"note").unwrap();
    tampered[at] = b'N';
    assert!(w.intake.submit(tampered, chrono::Utc::now()).await.is_err());
    assert_eq!(store.summary_counts().await.unwrap(), (0, 0));

    // A batch that fails half-way (its second packet's summary names no
    // stored packet) is rolled back whole: the first packet and its
    // summary are gone with it.
    let good = w.packet("b0000000-0000-4000-8000-000000000001");
    let received = chrono::Utc::now();
    w.intake.submit(good.clone(), received).await.unwrap();
    assert_eq!(store.summary_counts().await.unwrap(), (1, 0));
    let row = |id: &str, summary_of: &str| {
        let mut row = bare_packet(&w, id, summary_of, None);
        if let Some(summary) = &mut row.summary {
            summary.findings = Some((None, "[]".into(), "[]".into()));
        }
        row
    };
    let batch = [
        row("rolled-back-1", "rolled-back-1"),
        row("rolled-back-2", "no-such-packet"),
    ];
    assert!(store.store_batch(&batch).await.is_err());
    assert_eq!(store.packet_bytes("rolled-back-1").await.unwrap(), None);
    assert_eq!(store.summary_counts().await.unwrap(), (1, 0));
}

/// A row of `packets` for `id` (its bytes no packet) with a summary of
/// packet `summary_of` of the unit, with `sheet` when given.
fn bare_packet(
    w: &World,
    id: &str,
    summary_of: &str,
    sheet: Option<qingdan_report::Summary>,
) -> NewPacket {
    NewPacket {
        id: id.into(),
        sha256: "0".repeat(64),
        kind: "self-assessment".into(),
        unit_code: crate::support::UNIT.into(),
        period: PERIOD.into(),
        template_id: w.template.id().into(),
        template_version: i64::from(w.template.version()),
        created_at: "2026-11-23T08:30:00Z".into(),
        received_at: "2026-11-24T08:30:00.000Z".into(),
        total: "1.00".into(),
        grade: "合格".into(),
        vetoes: 0,
        refers_to: None,
        bytes: b"{}".to_vec(),
        receipt: "{}".into(),
        summary: Some(qingdan_intake::PacketSummary {
            packet_id: summary_of.into(),
            template_id: w.template.id().into(),
            template_version: i64::from(w.template.version()),
            period: PERIOD.into(),
            kind: "self-assessment".into(),
            unit_code: crate::support::UNIT.into(),
            subject_name: String::new(),
            subject_post: String::new(),
            received_at: "2026-11-24T08:30:00.000Z".into(),
            created_at: "2026-11-23T08:30:00Z".into(),
            sheet,
            signers: Vec::new(),
            findings: None,
        }),
        files: Vec::new(),
    }
}

/// Two intakes on one database write batches at once: the same packets
/// arrive at both in opposite orders (an outbox re-sending to another
/// server), each packet making the same unit's latest row its own. No
/// batch is refused (a deadlock would refuse one whole, and every packet
/// in it would get an error), and each packet is created exactly once.
async fn batches_from_two_intakes_crossing_ids_on_one_unit_all_commit(db: Db) {
    let w = world(db).await;
    let (a, b) = (
        Store::connect(&w.database).await.unwrap(),
        Store::connect(&w.database).await.unwrap(),
    );
    let sheet = qingdan_report::Summary {
        total: qingdan_core::Fixed::from_int(90),
        max: qingdan_core::Fixed::from_int(100),
        percentage: Some(qingdan_core::Fixed::from_int(90)),
        grade: None,
        failed_by_veto: false,
        vetoes: Vec::new(),
        sections: Vec::new(),
        items: Vec::new(),
    };
    let mut created = 0;
    for round in 0..100 {
        let batch: Vec<NewPacket> = (0..4)
            .map(|i| {
                let id = format!("crossing-{round:03}-{i}");
                bare_packet(&w, &id, &id, Some(sheet.clone()))
            })
            .collect();
        let reversed: Vec<NewPacket> = batch.iter().rev().cloned().collect();
        let (one, other) = tokio::join!(a.store_batch(&batch), b.store_batch(&reversed));
        for outcomes in [one, other] {
            let outcomes = outcomes.unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(outcomes.len(), 4);
            created += outcomes
                .iter()
                .filter(|o| matches!(o, qingdan_intake::Stored::Created(_)))
                .count();
        }
    }
    assert_eq!(created, 400, "each packet created once");
    assert_eq!(a.packet_count().await.unwrap(), 400);
    a.close().await;
    b.close().await;
}

/// The findings' units and rows, read a page of `per_page` units at a time
/// as the API gives them; each page says how many units and pages there
/// are.
async fn findings_pages(
    intake: &Intake,
    unit: Option<&str>,
    per_page: u64,
) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let (mut units, mut rows) = (Vec::new(), Vec::new());
    let mut page = 1;
    loop {
        let query = FindingsQuery {
            unit: unit.map(str::to_owned),
            as_of: Some(AS_OF.into()),
            format: Format::Json,
            page: Some(page),
            per_page: Some(per_page),
        };
        let built = build_findings(intake, &query).await.unwrap();
        let answer: serde_json::Value =
            serde_json::from_slice(&built.into_bytes().await.unwrap()).unwrap();
        let these = answer["units"].as_array().unwrap();
        assert!(these.len() as u64 <= per_page);
        units.extend(these.iter().cloned());
        rows.extend(answer["rows"].as_array().unwrap().iter().cloned());
        let total = answer["total_units"].as_u64().unwrap();
        assert_eq!(answer["pages"].as_u64().unwrap(), total.div_ceil(per_page));
        if page >= answer["pages"].as_u64().unwrap() {
            assert_eq!(units.len() as u64, total);
            return (units, rows);
        }
        page += 1;
    }
}

/// A county (unit 0) over some townships (units 1, 5, 9, …), each over a
/// village office (units 2, 6, 10, …): the ranking under the county, paged
/// and whole, in JSON, CSV and XLSX, is the ranking of those units alone
/// computed from their packets (ranks and 末位 among themselves); the
/// ranking under a township is its one office's; a unit nobody registered,
/// or another report, is refused.
async fn the_ranking_under_a_unit_is_its_units_ranked_among_themselves(db: Db) {
    let w = world(db).await;
    generate(&w).await;
    let county = unit(0).code;
    let mut below = std::collections::BTreeSet::new();
    for i in (1..UNITS).filter(|i| i % 4 == 1) {
        let (township, office) = (unit(i), unit(i + 1));
        for (u, parent) in [(&township, &county), (&office, &township.code)] {
            w.intake
                .edit_unit(
                    &u.code,
                    &u.name,
                    Some(parent),
                    &Actor::Cli,
                    chrono::Utc::now(),
                )
                .await
                .unwrap();
            below.insert(u.code.clone());
        }
    }
    // The groups a ranking can be read for: the county and its townships.
    let (parents, count) = w.intake.units_page(1, 1000, true).await.unwrap();
    let parents: Vec<String> = parents.into_iter().map(|u| u.code).collect();
    let mut want_parents: Vec<String> = std::iter::once(county.clone())
        .chain((1..UNITS).filter(|i| i % 4 == 1).map(|i| unit(i).code))
        .collect();
    want_parents.sort();
    assert_eq!(
        (parents, count as usize),
        (want_parents.clone(), want_parents.len())
    );
    let entries: Vec<qingdan_report::Entry> = entries_from_packets(&w.intake)
        .await
        .into_iter()
        .filter(|e| below.contains(&e.unit_code))
        .collect();
    let findings = packets_findings(&w, &entries);
    let query = |kind, format, page| ReportQuery {
        template: w.template.id().to_owned(),
        version: Some(w.template.version()),
        period: PERIOD.into(),
        kind: Some(kind),
        as_of: Some(AS_OF.into()),
        format,
        page,
        per_page: None,
        under: Some(county.clone()),
    };
    for kind in [PacketKind::SelfAssessment, PacketKind::Inspection] {
        let want = qingdan_report::ranking(&w.template, PERIOD, kind, &entries)
            .unwrap()
            .with_findings(&findings.tally())
            .with_talks(&[]);
        assert!(
            want.rows.len() > 100,
            "{kind:?}: {} units under the county",
            want.rows.len()
        );
        assert!(
            want.rows.iter().all(|r| below.contains(&r.unit_code)),
            "only the county's units"
        );
        let whole = build_report(
            &w.intake,
            ReportKind::Ranking,
            &query(kind, Format::Json, None),
        )
        .await
        .unwrap();
        assert!(
            whole.file_name.contains(&format!("under-{county}")),
            "{}",
            whole.file_name
        );
        let whole: serde_json::Value =
            serde_json::from_slice(&whole.into_bytes().await.unwrap()).unwrap();
        let want_json: serde_json::Value = serde_json::to_value(&want).unwrap();
        assert_eq!(
            whole, want_json,
            "{kind:?}: the whole ranking under the county"
        );
        let paged = paged_rows_under(
            &w.intake,
            &w.template,
            (ReportKind::Ranking, kind),
            7,
            Some(&county),
        )
        .await;
        assert_eq!(
            &paged,
            want_json["rows"].as_array().unwrap(),
            "{kind:?}: the ranking under the county, 7 a page"
        );
        let first = build_report(
            &w.intake,
            ReportKind::Ranking,
            &query(kind, Format::Json, Some(1)),
        )
        .await
        .unwrap();
        let first: serde_json::Value =
            serde_json::from_slice(&first.into_bytes().await.unwrap()).unwrap();
        assert_eq!(first["under"], county.as_str());
        assert_eq!(first["total_rows"], want.rows.len());
        assert_files_equal(
            &w,
            ReportKind::Ranking,
            (Some(kind), Some(&county)),
            &want,
            &findings,
            &format!("{kind:?} under the county"),
        )
        .await;
    }
    // Under a township: its one office.
    let township = unit(1).code;
    let rows = paged_rows_under(
        &w.intake,
        &w.template,
        (ReportKind::Ranking, PacketKind::SelfAssessment),
        7,
        Some(&township),
    )
    .await;
    let units: Vec<&str> = rows
        .iter()
        .map(|r| r["unit_code"].as_str().unwrap())
        .collect();
    assert_eq!(units, [unit(2).code.as_str()]);
    assert_eq!(rows[0]["rank"], 1);

    let refused = |report, under: &str| {
        let mut q = query(PacketKind::Inspection, Format::Json, Some(1));
        q.under = Some(under.to_owned());
        let intake = &w.intake;
        async move {
            build_report(intake, report, &q)
                .await
                .err()
                .map(|e| e.to_string())
        }
    };
    let unknown = refused(ReportKind::Ranking, "999999").await.unwrap();
    assert!(
        unknown.contains("999999") && unknown.contains("not registered"),
        "{unknown}"
    );
    let gap = refused(ReportKind::Gap, &county).await.unwrap();
    assert!(gap.starts_with("under:"), "{gap}");
}
