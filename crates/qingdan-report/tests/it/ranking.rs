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
fn units_are_ranked_by_percentage_and_equal_scores_share_a_rank() {
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

/// Each item a unit may mark 不适用, marked so by one unit and answered at
/// its worst by another that is otherwise the same: the first never ranks
/// below the second. Ranked by total they would tie; the N/A item leaves
/// the first unit's maximum, so its percentage is higher.
#[test]
fn not_applicable_never_lowers_a_rank_against_an_otherwise_equal_unit() {
    let template = template();
    let worst = |item: &qingdan_core::template::Item| match item.rule {
        qingdan_core::Rule::Check { .. } => r#""not_done""#,
        qingdan_core::Rule::Deadline { .. } => r#"{"due": "2026-01-31", "done": null}"#,
        qingdan_core::Rule::Count { .. } => "0",
        ref other => panic!("item {}: no worst answer for {other:?}", item.id),
    };
    let mut seen = 0;
    for (_, item) in template
        .items()
        .filter(|(_, i)| i.na_allowed && i.rule.is_scored())
    {
        seen += 1;
        let id = item.id.as_str();
        let entries = [
            own(
                "answered",
                CHENGGUAN,
                &[("1.1", r#""not_done""#), (id, worst(item))],
            ),
            own("na", BAIYI, &[("1.1", r#""not_done""#), (id, "na")]),
        ];
        let ranking = rank(&entries);
        let row = |packet: &str| ranking.rows.iter().find(|r| r.packet_id == packet).unwrap();
        let (na, answered) = (row("na"), row("answered"));
        assert_eq!(na.total, answered.total, "item {id}: the same points");
        assert!(na.max < answered.max, "item {id}: N/A leaves the maximum");
        assert!(
            na.rank < answered.rank,
            "item {id}: N/A ranks {} behind the worst answer's {}",
            na.rank,
            answered.rank
        );
    }
    assert!(seen >= 3, "the list has items that may be 不适用");
}

/// The issue's figures: 79.75 of 88 (90.63 %) ranks above 85 of 100.
#[test]
fn a_lower_total_out_of_a_smaller_maximum_ranks_above_when_its_percentage_is_higher() {
    let mut small = own("small", CHENGGUAN, &[]);
    let mut large = own("large", BAIYI, &[]);
    let set = |entry: &mut Entry, total: &str, max: &str| {
        let sheet = entry.sheet.as_mut().unwrap();
        sheet.total = total.parse().unwrap();
        sheet.max = max.parse().unwrap();
        sheet.percentage = sheet.total.percent_of(sheet.max);
    };
    set(&mut small, "79.75", "88");
    set(&mut large, "85", "100");
    let ranking = rank(&[large, small]);
    let order: Vec<(&str, String)> = ranking
        .rows
        .iter()
        .map(|r| (r.packet_id.as_str(), r.percentage.unwrap().to_string()))
        .collect();
    assert_eq!(
        order,
        [("small", "90.63".to_owned()), ("large", "85.00".to_owned())]
    );
}

/// Equal percentages are ordered by total and do not share a rank unless
/// the totals are equal too.
#[test]
fn equal_percentages_are_ordered_by_total() {
    let mut a = own("a", CHENGGUAN, &[]);
    let mut b = own("b", BAIYI, &[]);
    for (entry, total, max) in [(&mut a, "45", "50"), (&mut b, "90", "100")] {
        let sheet = entry.sheet.as_mut().unwrap();
        sheet.total = total.parse().unwrap();
        sheet.max = max.parse().unwrap();
        sheet.percentage = sheet.total.percent_of(sheet.max);
    }
    let ranking = rank(&[a, b]);
    let order: Vec<(usize, &str)> = ranking
        .rows
        .iter()
        .map(|r| (r.rank, r.packet_id.as_str()))
        .collect();
    assert_eq!(order, [(1, "b"), (2, "a")]);
}

/// On a list about a person, two members of one unit are two rows, each
/// from their own latest packet; a member's older packet is superseded
/// only by their own newer one.
#[test]
fn two_members_of_one_unit_rank_separately() {
    use qingdan_core::packet::Subject;
    let member = |packet: &str, name: &str, at: &str, changes: &[(&str, &str)]| {
        let mut e = entry(packet, PacketKind::SelfAssessment, CHENGGUAN, at, changes);
        e.subject = Some(Subject {
            name: name.to_owned(),
            post: "党委委员".to_owned(),
        });
        e
    };
    let entries = [
        member(
            "wang-old",
            "王五",
            "2026-02-01T08:00:00Z",
            &[("1.1", r#""not_done""#)],
        ),
        member(
            "zhao",
            "赵六",
            "2026-03-01T08:00:00Z",
            &[("1.3", r#""not_done""#)],
        ),
        member("wang", "王五", "2026-04-01T08:00:00Z", &[]),
    ];
    let ranking = rank(&entries);
    let rows: Vec<(usize, &str, &str)> = ranking
        .rows
        .iter()
        .map(|r| {
            (
                r.rank,
                r.subject.as_ref().unwrap().name.as_str(),
                r.packet_id.as_str(),
            )
        })
        .collect();
    assert_eq!(rows, [(1, "王五", "wang"), (2, "赵六", "zhao")]);
}
