//! The ranking: order and shared ranks, 末位, the latest packet of a unit,
//! and section columns that add up to the total.

use qingdan_core::packet::PacketKind;
use qingdan_report::{Entry, Ranking, ranking};

use crate::{entry, own, template};

const CHENGGUAN: (&str, &str) = ("510001", "城关镇");
const BAIYI: (&str, &str) = ("510002", "白驿镇");
const LINGJIANG: (&str, &str) = ("510003", "陵江镇");
const YUNTAI: (&str, &str) = ("510004", "云台镇");
const LONGSHAN: (&str, &str) = ("510005", "龙山镇");

/// Five towns' self-assessments for 2026 (100, 96, 96, 94 with a veto, 88
/// with a bonus), an older packet of 白驿镇, and packets the ranking must
/// leave out: an inspection, and a self-assessment of another period.
fn towns() -> Vec<Entry> {
    let mut superseded = entry(
        "baiyi-old",
        PacketKind::SelfAssessment,
        BAIYI,
        "2026-01-10T08:00:00Z",
        &[("3.1", r#""not_done""#), ("3.4", "2")],
    );
    // Received before the newer packet, though it says it was made later:
    // the order the intake received them is what counts, never a date the
    // signer wrote.
    superseded.created_at = "2026-12-31T23:59:59Z".to_owned();
    let mut last_year = own("chengguan-2025", CHENGGUAN, &[("1.1", r#""not_done""#)]);
    last_year.period = "2025".to_owned();
    vec![
        own("chengguan", CHENGGUAN, &[]),
        superseded,
        own("baiyi", BAIYI, &[("1.1", r#""not_done""#)]),
        own("lingjiang", LINGJIANG, &[("1.3", r#""not_done""#)]),
        own(
            "yuntai",
            YUNTAI,
            &[("3.4", "1"), ("1.3", r#""partial""#), ("9.1", "true")],
        ),
        own(
            "longshan",
            LONGSHAN,
            &[
                ("1.1", r#""not_done""#),
                ("2.1", r#""not_done""#),
                ("3.1", r#""not_done""#),
                ("8.1", "2"),
            ],
        ),
        entry(
            "longshan-inspected",
            PacketKind::Inspection,
            LONGSHAN,
            "2026-04-01T08:00:00Z",
            &[],
        ),
        last_year,
    ]
}

fn rank(entries: &[Entry]) -> Ranking {
    ranking(&template(), "2026", PacketKind::SelfAssessment, entries).unwrap()
}

#[test]
fn units_are_ranked_by_total_and_equal_totals_share_a_rank() {
    let ranking = rank(&towns());
    let rows: Vec<(usize, &str, String)> = ranking
        .rows
        .iter()
        .map(|r| (r.rank, r.unit_name.as_str(), r.total.to_string()))
        .collect();
    assert_eq!(
        rows,
        [
            (1, "城关镇", "100.00".to_owned()),
            (2, "白驿镇", "96.00".to_owned()),
            (2, "陵江镇", "96.00".to_owned()),
            (4, "云台镇", "94.00".to_owned()),
            (5, "龙山镇", "88.00".to_owned()),
        ]
    );
    assert_eq!(ranking.rows[0].grade.as_deref(), Some("优秀"));
    assert_eq!(ranking.rows[4].grade.as_deref(), Some("良好"));
    assert_eq!(ranking.rows[4].percentage.unwrap().to_string(), "88.00");
}

#[test]
fn the_lowest_unit_and_a_unit_failed_by_a_veto_are_last_placed() {
    let ranking = rank(&towns());
    let last: Vec<&str> = ranking
        .rows
        .iter()
        .filter(|r| r.last_place)
        .map(|r| r.unit_name.as_str())
        .collect();
    assert_eq!(last, ["云台镇", "龙山镇"]);
    let yuntai = &ranking.rows[3];
    assert_eq!(yuntai.vetoes, ["9.1"]);
    assert!(yuntai.failed_by_veto);
    assert_eq!(yuntai.grade.as_deref(), Some("不合格"));
    assert!(!ranking.rows[4].failed_by_veto);
}

#[test]
fn units_tied_at_the_bottom_are_all_last_but_a_field_of_equals_has_no_last() {
    let tied = [
        own("a", CHENGGUAN, &[]),
        own("b", BAIYI, &[("3.4", "1")]),
        own("c", LINGJIANG, &[("1.1", r#""not_done""#)]),
    ];
    let ranking = rank(&tied);
    let flags: Vec<(usize, bool)> = ranking
        .rows
        .iter()
        .map(|r| (r.rank, r.last_place))
        .collect();
    assert_eq!(flags, [(1, false), (2, true), (2, true)]);

    let equals = [own("a", CHENGGUAN, &[]), own("b", BAIYI, &[])];
    assert!(
        rank(&equals)
            .rows
            .iter()
            .all(|r| r.rank == 1 && !r.last_place)
    );
    let alone = rank(&equals[..1]);
    assert!(!alone.rows[0].last_place);
}

#[test]
fn only_the_latest_packet_of_a_unit_counts_in_any_order() {
    let mut entries = towns();
    let forward = rank(&entries);
    entries.reverse();
    let backward = rank(&entries);
    assert_eq!(forward, backward);
    let baiyi = forward
        .rows
        .iter()
        .find(|r| r.unit_code == BAIYI.0)
        .unwrap();
    assert_eq!(baiyi.packet_id, "baiyi");
    assert_eq!(baiyi.total.to_string(), "96.00");
    let chengguan = &forward.rows[0];
    assert_eq!(
        chengguan.packet_id, "chengguan",
        "the 2025 packet is left out"
    );
}

#[test]
fn the_ranking_of_inspections_holds_only_inspections() {
    let ranking = ranking(&template(), "2026", PacketKind::Inspection, &towns()).unwrap();
    let packets: Vec<&str> = ranking.rows.iter().map(|r| r.packet_id.as_str()).collect();
    assert_eq!(packets, ["longshan-inspected"]);
}

#[test]
fn section_columns_carry_the_titles_and_add_up_to_the_total() {
    let ranking = rank(&towns());
    let titles: Vec<&str> = ranking
        .sections
        .iter()
        .map(|s| s.title.zh.as_str())
        .collect();
    assert_eq!(
        titles,
        [
            "纪律检查",
            "组织协调",
            "案件查办",
            "执纪监督",
            "教育预防",
            "分析研判",
            "追究问责",
            "加分项",
            "一票否决"
        ]
    );
    for row in &ranking.rows {
        assert_eq!(row.sections.len(), titles.len());
        let sum: qingdan_core::Fixed = row.sections.iter().copied().sum();
        assert_eq!(sum, row.total, "{}", row.unit_name);
    }
    let longshan = &ranking.rows[4];
    let shown: Vec<String> = longshan.sections.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        shown,
        [
            "8.00", "12.00", "14.00", "16.00", "12.00", "12.00", "12.00", "2.00", "0.00"
        ]
    );
}
