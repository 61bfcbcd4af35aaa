//! Pure, natively tested: what the intake's answers mean to the person at
//! the console, in their language. A refusal is worded by its `code`
//! (every code of [`ProblemCode`] has its message, or this does not
//! compile); in English the intake's own detail follows.

use qingdan_core::ProblemCode;

use crate::api::{ApiError, Problem, UnitStatus};
use crate::i18n::{self, Lang, T};

/// Something to say: a message of the catalog, one with its values, or an
/// error of the API, worded when shown (so a language switch rewords it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A message as it is.
    Plain(T),
    /// A message with its placeholders' values.
    Filled(T, Vec<(&'static str, String)>),
    /// What went wrong with a request.
    Api(ApiError),
    /// Why a sign-in was refused.
    SignIn(ApiError),
    /// Why a new password was refused.
    Password(ApiError),
    /// Why a file was refused, with every problem the intake found in it
    /// by its place (a cell, a JSON path), in every language.
    File(ApiError),
}

impl Message {
    /// The message in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Message::Plain(t) => t.get(lang).to_owned(),
            Message::Filled(t, values) => {
                let values: Vec<(&str, &str)> =
                    values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                i18n::fill(t.get(lang), &values)
            }
            Message::Api(e) => api_error(lang, e),
            Message::SignIn(e) => sign_in_refusal(lang, e),
            Message::Password(e) => password_refusal(lang, e),
            Message::File(e) => file_refusal(lang, e),
        }
    }

    /// The intake's code of the refusal it says, if it says one (the
    /// notice's `data-code`).
    pub fn code(&self) -> Option<&str> {
        match self {
            Message::Api(ApiError::Refused(p))
            | Message::SignIn(ApiError::Refused(p))
            | Message::Password(ApiError::Refused(p))
            | Message::File(ApiError::Refused(p)) => Some(&p.code),
            _ => None,
        }
    }
}

/// Why a sign-in was refused: a wrong name or password (the intake says
/// the same for both), too many attempts (with the wait), or another
/// failure.
pub fn sign_in_refusal(lang: Lang, e: &ApiError) -> String {
    match e {
        ApiError::Refused(p) if p.code == "unauthorized" || p.status == 401 => {
            T::WrongPassword.get(lang).to_owned()
        }
        ApiError::Refused(p) if p.code == "rate-limited" || p.status == 429 => {
            match p.retry_after {
                Some(s) => i18n::fill(T::TooManyAttempts.get(lang), &[("s", &s.to_string())]),
                None => T::TooManyAttemptsLater.get(lang).to_owned(),
            }
        }
        other => api_error(lang, other),
    }
}

/// Why a new password was refused: too easy to guess, or the current one
/// wrong (422 `invalid`).
pub fn password_refusal(lang: Lang, e: &ApiError) -> String {
    match e {
        ApiError::Refused(p) if p.code == "weak-password" => T::WeakPassword.get(lang).to_owned(),
        ApiError::Refused(p) if p.code == "invalid" => T::CurrentWrong.get(lang).to_owned(),
        other => api_error(lang, other),
    }
}

/// A request's failure in `lang`.
pub fn api_error(lang: Lang, e: &ApiError) -> String {
    match e {
        ApiError::Unreachable(why) => i18n::fill(T::Unreachable.get(lang), &[("e", why)]),
        ApiError::SignedOut => T::SessionEnded.get(lang).to_owned(),
        ApiError::MustChange => T::MustChange.get(lang).to_owned(),
        ApiError::Unreadable(status) => {
            i18n::fill(T::Unreadable.get(lang), &[("status", &status.to_string())])
        }
        ApiError::Refused(p) => problem(lang, p),
    }
}

/// Why a file was refused: the refusal, then (in Chinese too) the
/// intake's list of problems, each by its place, a line each.
pub fn file_refusal(lang: Lang, e: &ApiError) -> String {
    let said = api_error(lang, e);
    match e {
        ApiError::Refused(p) if lang == Lang::Zh && !p.detail.is_empty() => {
            format!("{said}\n{}", p.detail)
        }
        _ => said,
    }
}

/// A refusal in `lang`, by its code.
pub fn problem(lang: Lang, p: &Problem) -> String {
    let code = if p.code.is_empty() {
        format!("HTTP {}", p.status)
    } else {
        p.code.clone()
    };
    let key = ProblemCode::parse(&p.code).map_or(T::ProblemOther, problem_message);
    let text = i18n::fill(key.get(lang), &[("code", &code)]);
    match lang {
        Lang::En if !p.detail.is_empty() => format!("{text} {}", p.detail),
        _ => text,
    }
}

/// The catalog's message for each of the intake's codes.
fn problem_message(code: ProblemCode) -> T {
    use ProblemCode as C;
    match code {
        C::Malformed | C::TooLarge => T::ProblemMalformed,
        C::Unauthorized | C::PasswordChange => T::ProblemUnauthorized,
        C::NotFound => T::ProblemNotFound,
        C::RateLimited => T::ProblemRateLimited,
        C::Internal => T::ProblemInternal,
        C::Unavailable => T::ProblemUnavailable,
        C::WeakPassword => T::WeakPassword,
        C::Invalid
        | C::Conflict
        | C::AttachmentsMissing
        | C::BallotSpent
        | C::EvaluationClosed
        | C::Roles
        | C::Kind
        | C::UnknownTemplate
        | C::TemplateDigest
        | C::Responses
        | C::ScoreMismatch
        | C::ScoreFormat
        | C::Unexplained
        | C::Subject
        | C::SubjectNotSigner
        | C::CreatedInFuture
        | C::CompletedInFuture
        | C::UnknownInspection
        | C::OtherInspection
        | C::UnknownFinding
        | C::TooManySigners
        | C::BadSignature => T::ProblemInvalid,
        C::UnitNotRegistered
        | C::KeyNotEnrolled
        | C::KeyAllUnits
        | C::InspectedUnitKey
        | C::KeyRevoked
        | C::SignerName
        | C::CodeInvalid => T::ProblemOther,
    }
}

/// Why a unit's packet was refused, as the tracker's 拒绝原因 says it:
/// the reason by its code, then (in English) the intake's words.
pub fn refused_reason(lang: Lang, code: &str, detail: &str) -> String {
    use ProblemCode as C;
    let key = match ProblemCode::parse(code) {
        Some(C::UnitNotRegistered) => T::RefusedUnit,
        Some(C::KeyNotEnrolled | C::KeyAllUnits | C::InspectedUnitKey | C::SignerName) => {
            T::RefusedKey
        }
        Some(C::KeyRevoked) => T::RefusedRevoked,
        Some(C::BadSignature | C::TooManySigners) => T::RefusedSignature,
        Some(C::UnknownTemplate | C::TemplateDigest) => T::RefusedTemplate,
        Some(C::Responses | C::ScoreMismatch | C::ScoreFormat | C::Invalid) => T::RefusedScore,
        Some(C::Kind | C::Roles) => T::RefusedKind,
        Some(C::Unexplained) => T::RefusedExplain,
        Some(C::Subject | C::SubjectNotSigner) => T::RefusedSubject,
        Some(C::CreatedInFuture | C::CompletedInFuture) => T::RefusedFuture,
        Some(C::UnknownInspection | C::OtherInspection | C::UnknownFinding) => T::RefusedInspection,
        _ => T::RefusedOther,
    };
    let text = format!("{}（{code}）", key.get(lang));
    match lang {
        Lang::En if !detail.is_empty() => format!("{} ({code}): {detail}", key.get(lang)),
        _ => text,
    }
}

/// A unit's status as the office reads it.
pub fn status_label(status: UnitStatus) -> T {
    match status {
        UnitStatus::Missing => T::StatusMissing,
        UnitStatus::Submitted => T::StatusSubmitted,
        UnitStatus::Refused => T::StatusRefused,
        UnitStatus::Overdue => T::StatusOverdue,
    }
}

/// A round's kind (`self-assessment`, `inspection`) in `lang`; the code
/// itself for another.
pub fn kind_label(lang: Lang, kind: &str) -> String {
    match kind {
        "self-assessment" => T::KindSelf.get(lang).to_owned(),
        "inspection" => T::KindInspection.get(lang).to_owned(),
        other => other.to_owned(),
    }
}

/// A signer's role (`principal`) in `lang`; the role itself for one the
/// console does not know.
pub fn role_label(lang: Lang, role: &str) -> String {
    let key = match role {
        "principal" => T::RolePrincipal,
        "supervisory" => T::RoleSupervisory,
        "inspector" => T::RoleInspector,
        other => return other.to_owned(),
    };
    key.get(lang).to_owned()
}

/// A unit's code as listed, `*` (an inspector's key or code) in words.
pub fn unit_label(lang: Lang, unit: &str) -> String {
    if unit == "*" {
        T::AllUnitsMark.get(lang).to_owned()
    } else {
        unit.to_owned()
    }
}

/// An enrollment code's status (`unused`) in `lang`.
pub fn code_status_label(lang: Lang, status: &str) -> String {
    let key = match status {
        "unused" => T::CodeUnused,
        "redeemed" => T::CodeRedeemed,
        "expired" => T::CodeExpired,
        other => return other.to_owned(),
    };
    key.get(lang).to_owned()
}

/// A recorded action (`round.create`) in `lang`; the action itself for
/// one the console does not know.
pub fn action_label(lang: Lang, action: &str) -> String {
    let key = match action {
        "round.create" => T::ActRoundCreate,
        "session.start" => T::ActSessionStart,
        "session.end" => T::ActSessionEnd,
        "admin.password" => T::ActPassword,
        "admin.add" => T::ActAdminAdd,
        "unit.add" => T::ActUnitAdd,
        "unit.edit" => T::ActUnitEdit,
        "unit.import" => T::ActUnitImport,
        "template.publish" => T::ActTemplatePublish,
        "code.issue" => T::ActCodeIssue,
        "code.sheet" => T::ActCodeSheet,
        "code.withdraw" => T::ActCodeWithdraw,
        "key.enroll" => T::ActKeyEnroll,
        "key.revoke" => T::ActKeyRevoke,
        other => return other.to_owned(),
    };
    key.get(lang).to_owned()
}

/// Who did it: an administrator's name as it is, `cli` and `token:<id>`
/// in words.
pub fn actor_label(lang: Lang, actor: &str) -> String {
    if actor == "cli" {
        return T::ActorCli.get(lang).to_owned();
    }
    match actor.strip_prefix("token:") {
        Some(id) => i18n::fill(T::ActorToken.get(lang), &[("id", id)]),
        None => actor.to_owned(),
    }
}

/// A field of the new-round form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundField {
    /// The checklist.
    Template,
    /// The period.
    Period,
    /// The kind.
    Kind,
    /// The deadline.
    Deadline,
    /// The units.
    Units,
}

impl RoundField {
    /// Its name in `data-field`.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundField::Template => "template",
            RoundField::Period => "period",
            RoundField::Kind => "kind",
            RoundField::Deadline => "deadline",
            RoundField::Units => "units",
        }
    }
}

/// The intake's 422 `invalid` to a new round: its detail starts with the
/// field (`deadline: "x" is not a day YYYY-MM-DD`); the field and what to
/// say of it. `None` for another refusal.
pub fn round_refusal(e: &ApiError) -> Option<(RoundField, Message)> {
    let ApiError::Refused(p) = e else { return None };
    if p.code != "invalid" {
        return None;
    }
    let (field, rest) = p.detail.split_once(':')?;
    let said = match field.trim() {
        "template" => (
            RoundField::Template,
            Message::Plain(T::ChecklistNotPublished),
        ),
        "period" => (RoundField::Period, Message::Plain(T::PeriodTooLong)),
        "kind" => (RoundField::Kind, Message::Plain(T::KindNotCollected)),
        "deadline" => (RoundField::Deadline, Message::Plain(T::BadDeadline)),
        "units" => match rest.trim().strip_prefix("not registered:") {
            Some(codes) => (
                RoundField::Units,
                Message::Filled(
                    T::UnitsNotRegistered,
                    vec![("codes", codes.trim().to_owned())],
                ),
            ),
            None => (RoundField::Units, Message::Plain(T::NoUnitsRegistered)),
        },
        _ => return None,
    };
    Some(said)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(status: u16, code: &str, detail: &str) -> ApiError {
        ApiError::Refused(Problem {
            status,
            code: code.into(),
            detail: detail.into(),
            retry_after: None,
        })
    }

    /// Three ASCII words in a row: English left in a Chinese message.
    fn has_english_run(text: &str) -> bool {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 1)
            .count()
            >= 3
    }

    #[test]
    fn every_code_of_the_intake_is_said_in_chinese_without_the_intakes_english() {
        for &code in ProblemCode::ALL {
            let p = Problem {
                status: 422,
                code: code.as_str().into(),
                detail: "template: x v1 is not published".into(),
                retry_after: None,
            };
            let zh = problem(Lang::Zh, &p);
            assert!(!zh.contains("published"), "{}: {zh}", code.as_str());
            let en = problem(Lang::En, &p);
            assert!(en.ends_with("is not published"), "{en}");
            let reason = refused_reason(Lang::Zh, code.as_str(), "signer 张三: key not enrolled");
            // The code is named as it is; nothing else is English.
            let words = reason.replace(code.as_str(), "");
            assert!(
                reason.contains(code.as_str()) && !has_english_run(&words),
                "{reason}"
            );
        }
    }

    #[test]
    fn a_new_rounds_refusal_names_its_field() {
        let said = round_refusal(&refused(
            422,
            "invalid",
            "units: not registered: 510824-109, 510824-110",
        ));
        assert_eq!(
            said.map(|(f, m)| (f, m.text(Lang::Zh))),
            Some((
                RoundField::Units,
                "以下单位未登记：510824-109, 510824-110".into()
            ))
        );
        let said = round_refusal(&refused(
            422,
            "invalid",
            "deadline: \"x\" is not a day YYYY-MM-DD",
        ));
        assert_eq!(said.map(|(f, _)| f), Some(RoundField::Deadline));
        assert_eq!(
            round_refusal(&refused(500, "internal", "deadline: x")),
            None
        );
    }

    #[test]
    fn a_refused_sign_in_is_said_by_its_code_in_either_language() {
        let wrong = Message::SignIn(refused(401, "unauthorized", "wrong name or password"));
        assert_eq!(wrong.text(Lang::Zh), "用户名或密码错误。");
        assert_eq!(wrong.text(Lang::En), "Wrong name or password.");
        assert_eq!(wrong.code(), Some("unauthorized"));
        let ApiError::Refused(mut p) = refused(429, "rate-limited", "") else {
            unreachable!()
        };
        p.retry_after = Some(20);
        let wait = Message::SignIn(ApiError::Refused(p));
        assert_eq!(wait.text(Lang::Zh), "尝试次数过多，请 20 秒后再试。");
        let weak = Message::Password(refused(422, "weak-password", "too common"));
        assert_eq!(weak.text(Lang::Zh), T::WeakPassword.get(Lang::Zh));
        let current = Message::Password(refused(422, "invalid", "the current password is wrong"));
        assert_eq!(current.text(Lang::En), T::CurrentWrong.get(Lang::En));
    }

    #[test]
    fn the_ends_of_a_session_are_said_as_such() {
        assert_eq!(
            api_error(Lang::Zh, &ApiError::SignedOut),
            T::SessionEnded.get(Lang::Zh)
        );
        let unreachable = api_error(Lang::Zh, &ApiError::Unreachable("Failed to fetch".into()));
        assert!(unreachable.contains("Failed to fetch"), "{unreachable}");
    }

    #[test]
    fn actions_and_actors_are_worded_and_unknown_ones_kept() {
        assert_eq!(action_label(Lang::Zh, "round.create"), "创建考核批次");
        assert_eq!(action_label(Lang::Zh, "something.new"), "something.new");
        assert_eq!(actor_label(Lang::Zh, "cli"), "命令行");
        assert_eq!(actor_label(Lang::En, "token:3"), "token 3");
        assert_eq!(actor_label(Lang::Zh, "zhang"), "zhang");
        assert_eq!(kind_label(Lang::Zh, "inspection"), "检查考核");
    }
}
