//! What the errors of the core, the store, the vault and the intake mean to
//! the user, in the chosen language. In Chinese every message is the
//! catalog's (`crate::i18n`), naming only ids, codes and places as they
//! are; in English the precise English wording of the part that failed is
//! kept. Pure, natively tested.

use qingdan_core::template::{Location, PeriodKind, Problem, TemplateError};
use qingdan_core::{PacketError, ProblemCode};

use crate::facts::FactsError;
use crate::i18n::{self, Lang, T};
use crate::state::home::ImportProblem;
use crate::store::StoreError;
use crate::sync::{Rejection, SyncReport};
use crate::vault::VaultError;

/// The roles a key may have: the code, and its name in Chinese and English.
pub const ROLES: [(&str, &str, &str); 4] = [
    ("principal", "主要负责人", "principal"),
    ("supervisory", "纪检监察负责人", "supervisory"),
    ("member", "班子成员", "leadership member"),
    ("inspector", "考核组成员", "inspector"),
];

/// The name of `role` (the code itself for a role the app does not know).
pub fn role_label(role: &str, lang: Lang) -> String {
    match ROLES.iter().find(|(r, _, _)| *r == role) {
        Some((_, _, en)) if lang == Lang::En => (*en).into(),
        Some((_, zh, _)) => (*zh).into(),
        None => role.into(),
    }
}

/// A store error as the user should read it.
pub fn store_error(lang: Lang, e: &StoreError) -> String {
    match e {
        StoreError::Quota => T::QuotaFull.get(lang).to_owned(),
        StoreError::Unavailable(m) | StoreError::Failed(m) => {
            i18n::fill(T::SaveFailed.get(lang), &[("e", m)])
        }
    }
}

/// Why the app could not start: the store would not open.
pub fn boot_error(lang: Lang, e: &StoreError) -> String {
    let detail = match e {
        StoreError::Quota => "quota",
        StoreError::Unavailable(m) | StoreError::Failed(m) => m,
    };
    i18n::fill(T::StoreUnavailable.get(lang), &[("e", detail)])
}

/// What a vault error means to the user.
pub fn vault_error(lang: Lang, e: &VaultError) -> String {
    match e {
        VaultError::WrongPin => T::WrongPin.get(lang).into(),
        VaultError::PinTooShort => T::PinTooShort.get(lang).into(),
        VaultError::BadKeyFile(m) => i18n::fill(T::BadKeyFile.get(lang), &[("e", m)]),
        VaultError::Browser(m) => i18n::fill(T::BrowserCrypto.get(lang), &[("e", m)]),
        VaultError::Insecure(origin) => {
            i18n::fill(T::InsecurePage.get(lang), &[("origin", origin)])
        }
    }
}

/// The items still to explain before signing.
pub fn need_explain(lang: Lang, items: &[String]) -> String {
    i18n::fill(
        T::NeedExplain.get(lang),
        &[
            ("n", &items.len().to_string()),
            ("items", &items.join("、")),
        ],
    )
}

/// Why the core refuses a packet (making, signing or checking it).
pub fn packet_error(lang: Lang, e: &PacketError) -> String {
    use PacketError as E;
    let who = |role: &str, name: &str| format!("{} {name}", role_label(role, lang));
    match e {
        // The rules a signer can act on, in either language.
        E::SubjectNotSigner { name, .. } => {
            return i18n::fill(T::SubjectMustSign.get(lang), &[("name", name)]);
        }
        E::Unexplained(items) => return need_explain(lang, items),
        _ if lang == Lang::En => return e.to_string(),
        _ => {}
    }
    let (key, at): (T, String) = match e {
        E::NotUtf8(_) => (T::PacketNotText, String::new()),
        E::Json { at, .. }
        | E::Shape { at, .. }
        | E::Field { at, .. }
        | E::ScoreFormat { at, .. }
        | E::Float(at) => (T::PacketShape, at.clone()),
        E::UnknownFormat(found) => (T::PacketShape, found.clone()),
        E::TooManySigners { at, .. } => (T::PacketTooManySigners, (*at).to_owned()),
        E::BadSignature { role, name } => (T::PacketBadSignature, who(role, name)),
        E::MissingSignature { role, name } => (T::PacketUnsigned, who(role, name)),
        E::SignerKey { role, name, .. }
        | E::DuplicateSigner { role, name, .. }
        | E::DuplicateSignature { role, name, .. } => (T::PacketSignerKey, who(role, name)),
        E::SignatureEncoding { index, .. } | E::UnlistedSignature { index, .. } => {
            (T::PacketSignerKey, format!("signatures[{index}]"))
        }
        E::Roles(_) | E::KindNotServed { .. } | E::RoleForKind { .. } => {
            (T::PacketRoles, String::new())
        }
        E::KeyRevoked { .. }
        | E::KeyNotEnrolled { .. }
        | E::AllUnitsKey { .. }
        | E::InspectedUnitKey { .. }
        | E::SignerName { .. } => (T::PacketNotAdmitted, String::new()),
        E::CreatedInFuture { .. } | E::CompletedInFuture { .. } => {
            (T::PacketFutureDate, String::new())
        }
        E::UnknownInspection(id) => (T::PacketInspection, id.clone()),
        E::OtherInspection { inspection, .. } | E::UnknownFinding { inspection, .. } => {
            (T::PacketInspection, inspection.clone())
        }
        E::OtherTemplate { packet, .. } => (T::PacketTemplate, packet.clone()),
        E::TemplateDigest { .. } => (T::PacketTemplate, String::new()),
        E::Responses(_) => (T::PacketResponses, String::new()),
        E::SubjectMissing(_) | E::SubjectOnUnitList(_) => (T::PacketSubject, String::new()),
        E::ScoreMismatch { at, .. } => (T::PacketScore, format!("score{at}")),
        E::SubjectNotSigner { .. } | E::Unexplained(_) => unreachable!("answered above"),
    };
    let text = T::PacketWhy.get(lang);
    let what = key.get(lang);
    if at.is_empty() {
        what.to_owned()
    } else {
        i18n::fill(text, &[("what", what), ("at", &at)])
    }
}

/// The intake's refusal (of a packet or an enrollment), by its code.
///
/// The message is the catalog's, in `lang`; in English the intake's own
/// detail (which is English) follows it.
pub fn rejection(lang: Lang, r: &Rejection) -> String {
    let key = match r.code.as_str() {
        "bad-receipt" => T::RejectReceipt,
        "missing" => T::RejectMissing,
        code => ProblemCode::parse(code).map_or(T::RejectOther, refusal),
    };
    let text = i18n::fill(key.get(lang), &[("code", &r.code)]);
    match lang {
        Lang::En if !r.detail.is_empty() => format!("{text} {}", r.detail),
        _ => text,
    }
}

/// The catalog's message for each of the intake's codes: a new code does
/// not compile until it has one.
fn refusal(code: ProblemCode) -> T {
    use ProblemCode as C;
    match code {
        C::Malformed => T::RejectMalformed,
        // The console's sign-in codes: the field app never signs in.
        C::Unauthorized | C::WeakPassword | C::PasswordChange => T::RejectUnauthorized,
        C::UnitNotRegistered => T::RejectUnit,
        C::KeyNotEnrolled | C::KeyAllUnits | C::InspectedUnitKey | C::SignerName => T::RejectKey,
        C::KeyRevoked => T::RejectRevoked,
        C::CodeInvalid => T::RejectCode,
        C::NotFound => T::RejectNotFound,
        // 民主测评's codes: ballots are not cast from the field app.
        C::Conflict | C::BallotSpent | C::EvaluationClosed => T::RejectConflict,
        C::AttachmentsMissing => T::RejectFilesMissing,
        C::Roles => T::RejectRoles,
        C::TooLarge => T::RejectTooLarge,
        C::BadSignature => T::RejectSignature,
        C::TooManySigners => T::RejectTooManySigners,
        C::Kind => T::RejectKind,
        C::UnknownTemplate | C::TemplateDigest => T::RejectTemplate,
        C::Responses | C::ScoreMismatch | C::ScoreFormat | C::Invalid => T::RejectScore,
        C::Unexplained => T::RejectUnexplained,
        C::Subject | C::SubjectNotSigner => T::RejectSubject,
        C::CreatedInFuture | C::CompletedInFuture => T::RejectFuture,
        C::UnknownInspection | C::OtherInspection | C::UnknownFinding => T::RejectInspection,
        C::RateLimited => T::RejectRateLimited,
        C::Internal => T::RejectInternal,
        C::Unavailable => T::RejectUnavailable,
    }
}

/// How often a checklist is filled, as a sentence names it (年度, 季度).
pub fn period_kind(lang: Lang, kind: PeriodKind) -> &'static str {
    match kind {
        PeriodKind::Annual => T::PerYear,
        PeriodKind::HalfYear => T::PerHalfYear,
        PeriodKind::Quarterly => T::PerQuarter,
        PeriodKind::Monthly => T::PerMonth,
    }
    .get(lang)
}

/// Why a unit and period cannot be an assessment's; `example` is a period
/// of the right kind.
pub fn facts_error(lang: Lang, e: &FactsError, example: &str) -> String {
    match e {
        FactsError::NoUnit => T::NeedUnit.get(lang).to_owned(),
        FactsError::NotEnrolled(code) => {
            i18n::fill(T::NotEnrolledUnit.get(lang), &[("code", code)])
        }
        FactsError::BadPeriod(p) => i18n::fill(T::BadPeriod.get(lang), &[("p", p)]),
        FactsError::WrongKind { period, kind } => i18n::fill(
            T::WrongPeriodKind.get(lang),
            &[
                ("kind", period_kind(lang, *kind)),
                ("p", period),
                ("e", example),
            ],
        ),
    }
}

/// What went wrong talking to the intake (a network failure, a refusal or
/// an answer not understood), for a message that has `{e}`.
pub fn transient(lang: Lang, key: T, detail: &str) -> String {
    i18n::fill(key.get(lang), &[("e", detail)])
}

/// Why `name`'s key did not sign: a wrong PIN names whose it was.
pub fn sign_refused(lang: Lang, name: &str, e: &VaultError) -> String {
    match e {
        VaultError::WrongPin => i18n::fill(T::WrongPinOf.get(lang), &[("name", name)]),
        e => vault_error(lang, e),
    }
}

/// What a sync by hand came to, in one line.
pub fn sync_report(lang: Lang, report: &SyncReport) -> String {
    let count =
        |key: T, n: usize, e: &str| i18n::fill(key.get(lang), &[("n", &n.to_string()), ("e", e)]);
    match report {
        SyncReport::Busy => T::Syncing.get(lang).into(),
        SyncReport::NotEnrolled => T::SyncNotEnrolled.get(lang).into(),
        SyncReport::Offline => T::SyncOffline.get(lang).into(),
        SyncReport::Done {
            sent: 0,
            rejected: 0,
            failed: 0,
            ..
        } => T::SyncNothing.get(lang).into(),
        SyncReport::Done {
            sent,
            rejected,
            failed,
            error,
        } => [
            (T::SyncSent, *sent),
            (T::SyncRejected, *rejected),
            (T::SyncFailed, *failed),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(key, n)| count(key, n, error.as_deref().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "" } else { " " }),
    }
}

/// Where in a checklist a problem is, in Chinese.
fn location_zh(at: &Location) -> String {
    match at {
        Location::Template => "清单".into(),
        Location::Json(path) => format!("位置 {path}"),
        Location::Item { id, path } if path.is_empty() => format!("第 {id} 项"),
        Location::Item { id, path } => format!("第 {id} 项（{path}）"),
        Location::Section(id) => format!("大项 {id}"),
        Location::Band(id) => format!("等次 {id}"),
        Location::Signer(role) => format!("签字角色 {role}"),
    }
}

/// What is wrong, in Chinese, when the catalog says it exactly.
fn problem_zh(problem: &Problem) -> Option<String> {
    let fill = |key: T, values: &[(&str, &str)]| i18n::fill(key.get(Lang::Zh), values);
    Some(match problem {
        Problem::Json(_) => fill(T::TplJson, &[]),
        Problem::UnknownFormat(found) => fill(T::TplFormat, &[("f", found)]),
        Problem::BadId(id) => fill(T::TplBadId, &[("id", id)]),
        Problem::DuplicateItem { .. } | Problem::DuplicateSection | Problem::DuplicateBand => {
            fill(T::TplDuplicate, &[])
        }
        Problem::NoItems => fill(T::TplNoItems, &[]),
        Problem::NoBands => fill(T::TplNoBands, &[]),
        Problem::EmptyBand { min, max } => fill(T::TplEmptyBand, &[("min", min), ("max", max)]),
        Problem::BandOutOfRange { min, max } => {
            fill(T::TplBandRange, &[("min", min), ("max", max)])
        }
        Problem::BandOverlap { other, from, to } => fill(
            T::TplBandOverlap,
            &[("other", other), ("from", from), ("to", to)],
        ),
        Problem::BandGap { from, to } => fill(T::TplBandGap, &[("from", from), ("to", to)]),
        Problem::UnknownBand(band) => fill(T::TplUnknownBand, &[("band", band)]),
        Problem::ConditionTargetMissing(item) => fill(T::TplNoSuchItem, &[("item", item)]),
        Problem::TooFewOptions => fill(T::TplTooFewOptions, &[]),
        _ => return None,
    })
}

/// One problem of a checklist that was refused.
pub fn template_problem(lang: Lang, e: &TemplateError) -> ImportProblem {
    if lang == Lang::En {
        return ImportProblem {
            text: e.to_string(),
            detail: None,
        };
    }
    let at = location_zh(&e.at);
    match problem_zh(&e.problem) {
        Some(what) => ImportProblem {
            text: format!("{at}：{what}"),
            detail: None,
        },
        None => ImportProblem {
            text: format!("{at}：{}", T::TplOther.get(lang)),
            detail: Some(e.to_string()),
        },
    }
}

/// A problem of a checklist's form, as the reader module words it with its
/// item and JSON path (`item 1.2 (sections[0].items[1].rule.points): …`).
pub fn placed_problem(lang: Lang, line: &str) -> ImportProblem {
    if lang == Lang::En {
        return ImportProblem {
            text: line.to_owned(),
            detail: None,
        };
    }
    ImportProblem {
        text: T::TplJson.get(lang).to_owned(),
        detail: Some(line.to_owned()),
    }
}

/// One problem the spreadsheet reader found in workbook `file` (its line
/// names the file, the sheet and the cell: `f.xlsx: Items!F3: …`).
pub fn workbook_problem(lang: Lang, file: &str, line: &str) -> ImportProblem {
    let text = format!("{file}: {line}");
    if lang == Lang::En {
        return ImportProblem { text, detail: None };
    }
    let cell = line
        .split(": ")
        .next()
        .filter(|place| place.contains('!') && !place.contains(' '));
    let summary = match cell {
        Some(cell) => i18n::fill(T::WorkbookCell.get(lang), &[("f", file), ("cell", cell)]),
        None => i18n::fill(T::WorkbookBad.get(lang), &[("f", file)]),
    };
    ImportProblem {
        text: summary,
        detail: Some(text),
    }
}

/// A chosen file that is not UTF-8 text.
pub fn not_text(lang: Lang, file: &str, offset: usize) -> ImportProblem {
    ImportProblem {
        text: i18n::fill(
            T::NotText.get(lang),
            &[("f", file), ("n", &offset.to_string())],
        ),
        detail: None,
    }
}

/// A chosen file that could not be read at all.
pub fn unreadable(lang: Lang, file: &str, why: &str) -> ImportProblem {
    ImportProblem {
        text: i18n::fill(T::Unreadable.get(lang), &[("f", file), ("e", why)]),
        detail: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qingdan_core::Template;

    #[test]
    fn every_refusal_code_of_the_intake_is_said_in_chinese_and_in_english() {
        let generic = T::RejectOther.get(Lang::Zh);
        for &code in ProblemCode::ALL {
            let refused = Rejection {
                status: 422,
                code: code.as_str().into(),
                detail: "payload.unit.code: unit \"X\" is not registered at this intake".into(),
            };
            let zh = rejection(Lang::Zh, &refused);
            assert!(!has_english_run(&zh), "{}: {zh}", code.as_str());
            assert!(zh.contains(code.as_str()), "{}: {zh}", code.as_str());
            assert_ne!(
                i18n::fill(generic, &[("code", code.as_str())]),
                zh,
                "{} has no message of its own",
                code.as_str()
            );
            let en = rejection(Lang::En, &refused);
            assert!(
                en.starts_with(
                    refusal(code)
                        .get(Lang::En)
                        .split('{')
                        .next()
                        .unwrap_or_default()
                ),
                "{en}"
            );
        }
    }

    /// Three English words in a row: text the Chinese catalog never shows.
    fn has_english_run(text: &str) -> bool {
        let mut run = 0;
        for word in text.split(|c: char| c.is_whitespace()) {
            let english = word.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || ",.;:()'\"".contains(c));
            run = if english { run + 1 } else { 0 };
            if run >= 3 {
                return true;
            }
        }
        false
    }

    #[test]
    fn a_checklist_with_a_gap_between_bands_is_refused_in_chinese_naming_the_band() {
        let text = include_str!("../../../tests/data/templates/invalid/band-gap.json");
        let errors = Template::parse(text).expect_err("refused");
        let problems: Vec<ImportProblem> = errors
            .0
            .iter()
            .map(|e| template_problem(Lang::Zh, e))
            .collect();
        assert!(!problems.is_empty());
        for p in &problems {
            assert!(!has_english_run(&p.text), "{}", p.text);
        }
        assert!(
            problems
                .iter()
                .any(|p| p.text.contains("pass") && p.text.contains("60.00"))
        );
    }

    #[test]
    fn a_workbook_problem_names_its_cell_and_keeps_the_reader_words_folded() {
        let p = workbook_problem(
            Lang::Zh,
            "a.xlsx",
            "Items!F3: points \"四点五\" is not a number",
        );
        assert!(p.text.contains("Items!F3"), "{}", p.text);
        assert!(!has_english_run(&p.text));
        assert_eq!(
            p.detail.as_deref(),
            Some("a.xlsx: Items!F3: points \"四点五\" is not a number")
        );
        let en = workbook_problem(Lang::En, "a.xlsx", "Items!F3: bad");
        assert_eq!(en.text, "a.xlsx: Items!F3: bad");
    }

    #[test]
    fn a_refused_packet_is_worded_by_its_code() {
        let r = Rejection {
            status: 403,
            code: "unit-not-registered".into(),
            detail: "unit 510824-103 is not registered at this intake".into(),
        };
        let zh = rejection(Lang::Zh, &r);
        assert!(!has_english_run(&zh), "{zh}");
        let en = rejection(Lang::En, &r);
        assert!(en.starts_with("The unit is not registered"), "{en}");
        assert!(en.ends_with(&r.detail), "{en}");
        let other = Rejection {
            code: "something-new".into(),
            ..r
        };
        assert!(rejection(Lang::Zh, &other).contains("something-new"));
    }

    #[test]
    fn a_bad_signature_names_the_signer_in_chinese() {
        let e = PacketError::BadSignature {
            role: "principal".into(),
            name: "张三".into(),
        };
        let zh = packet_error(Lang::Zh, &e);
        assert!(zh.contains("签名") && zh.contains("张三"), "{zh}");
        assert!(!has_english_run(&zh), "{zh}");
        assert_eq!(packet_error(Lang::En, &e), e.to_string());
    }

    #[test]
    fn browser_and_store_failures_say_nothing_in_english_in_the_chinese_ui() {
        let store = store_error(
            Lang::Zh,
            &StoreError::Failed("The transaction was aborted".into()),
        );
        assert!(!has_english_run(&store), "{store}");
        let vault = vault_error(
            Lang::Zh,
            &VaultError::Browser("crypto is not defined here".into()),
        );
        assert!(!has_english_run(&vault), "{vault}");
        let boot = boot_error(
            Lang::Zh,
            &StoreError::Unavailable("IndexedDB is not available".into()),
        );
        assert!(!has_english_run(&boot), "{boot}");
        // In English the browser's words help.
        assert!(
            vault_error(Lang::En, &VaultError::Browser("crypto gone".into()))
                .contains("crypto gone")
        );
    }

    #[test]
    fn a_wrong_pin_names_the_signer() {
        let zh = sign_refused(Lang::Zh, "李清廉", &VaultError::WrongPin);
        assert_eq!(zh, "李清廉 的 PIN 码不对，未签名。");
        assert!(sign_refused(Lang::En, "Li", &VaultError::WrongPin).contains("Li"));
        assert_eq!(
            sign_refused(Lang::Zh, "李清廉", &VaultError::PinTooShort),
            T::PinTooShort.get(Lang::Zh)
        );
    }

    #[test]
    fn a_sync_by_hand_says_what_it_came_to_in_the_users_language() {
        let done = |sent, rejected, failed| SyncReport::Done {
            sent,
            rejected,
            failed,
            error: (failed > 0).then(|| "HTTP 503: the intake is busy".to_owned()),
        };
        assert_eq!(
            sync_report(Lang::Zh, &done(0, 0, 0)),
            T::SyncNothing.get(Lang::Zh)
        );
        assert_eq!(
            sync_report(Lang::Zh, &done(2, 0, 0)),
            "已上传 2 个数据包，汇总服务器已接收。"
        );
        let mixed = sync_report(Lang::Zh, &done(1, 1, 1));
        assert!(
            mixed.contains("已上传 1 个")
                && mixed.contains("1 个数据包被")
                && mixed.contains("未能上传")
        );
        assert!(!has_english_run(&mixed), "{mixed}");
        assert!(sync_report(Lang::En, &done(0, 0, 1)).contains("the intake is busy"));
        for report in [
            SyncReport::Busy,
            SyncReport::Offline,
            SyncReport::NotEnrolled,
        ] {
            assert!(!has_english_run(&sync_report(Lang::Zh, &report)));
        }
    }
}
