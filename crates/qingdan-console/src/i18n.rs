//! Every string the console shows, in Chinese (the default) and English.
//! Placeholders such as `{n}` are filled with [`fill`].

pub use qingdan_core::Lang;

macro_rules! catalog {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// A message of the catalog.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum T { $($key),* }

        impl T {
            /// The message in `lang`.
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::Zh) => $zh, (T::$key, Lang::En) => $en,)*
                }
            }

            /// Every message, for the tests.
            #[cfg(test)]
            pub const ALL: &'static [T] = &[$(T::$key),*];
        }
    };
}

catalog! {
    Brand => "清单 · 考核管理", "Qingdan · office console";
    Loading => "加载中…", "Loading…";
    SignInTitle => "管理员登录", "Administrator sign-in";
    Name => "用户名", "Name";
    Password => "密码", "Password";
    SignIn => "登录", "Sign in";
    SignOut => "退出登录", "Sign out";
    SignedInAs => "当前用户：{name}", "Signed in as {name}";
    NeedNamePassword => "请填写用户名和密码。", "Enter your name and password.";
    WrongPassword => "用户名或密码错误。", "Wrong name or password.";
    TooManyAttempts => "尝试次数过多，请 {s} 秒后再试。", "Too many attempts: try again in {s} seconds.";
    TooManyAttemptsLater => "尝试次数过多，请稍后再试。", "Too many attempts: try again later.";
    SessionEnded => "会话已结束（长时间未操作或已在别处退出），请重新登录。", "Your session has ended (unused too long, or signed out elsewhere): sign in again.";
    SignedOut => "已退出登录。", "Signed out.";
    ChangePassword => "修改密码", "Change password";
    MustChange => "您使用的是一次性密码：请先设置自己的密码，然后才能继续。", "You signed in with a one-time password: choose your own before going on.";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    ConfirmPassword => "再次输入新密码", "New password again";
    PasswordRule => "至少 12 个字符，不能是常见密码、单词、姓名或简单规律。", "At least 12 characters; not a common password, a word, a name or a pattern.";
    NeedCurrent => "请填写当前密码。", "Enter the current password.";
    PasswordShort => "新密码至少须有 12 个字符。", "The new password needs at least 12 characters.";
    PasswordsDiffer => "两次输入的新密码不一致。", "The two new passwords differ.";
    WeakPassword => "新密码太容易被猜到：请换一个更长、更无规律的密码。", "The new password is too easy to guess: choose a longer, less regular one.";
    CurrentWrong => "当前密码不正确。", "The current password is wrong.";
    PasswordChanged => "密码已修改。", "Password changed.";
    Rounds => "考核批次", "Rounds";
    AuditLog => "操作记录", "Audit log";
    Print => "打印", "Print";
    NewRound => "新建考核批次", "New round";
    Checklist => "清单", "Checklist";
    ChecklistVersion => "{title}（{id} 第 {v} 版）", "{title} ({id} v{v})";
    Period => "考核期间", "Period";
    PeriodHint => "如 2026、2026-H2、2026-Q3", "e.g. 2026, 2026-H2, 2026-Q3";
    Kind => "类型", "Kind";
    KindSelf => "自查自评", "Self-assessment";
    KindInspection => "检查考核", "Inspection";
    Deadline => "截止日期", "Deadline";
    Units => "覆盖单位", "Units";
    AllUnits => "全部已登记单位", "Every registered unit";
    Create => "创建", "Create";
    Created => "已创建考核批次：{what}", "Round created: {what}";
    NoChecklists => "汇总服务器还没有发布清单，无法创建考核批次。", "The intake has published no checklist: no round can be made.";
    NoRounds => "还没有考核批次。", "No rounds yet.";
    CreatedAt => "创建时间", "Created";
    UnitCount => "单位数", "Units";
    Track => "跟踪", "Track";
    NeedChecklist => "请选择清单。", "Choose a checklist.";
    NeedPeriod => "请填写考核期间。", "Enter the period.";
    PeriodTooLong => "考核期间最多 32 个字符。", "The period has at most 32 characters.";
    NeedDeadline => "请填写截止日期。", "Enter the deadline.";
    BadDeadline => "截止日期应为 YYYY-MM-DD 格式的日期。", "The deadline is a day, YYYY-MM-DD.";
    ChecklistNotPublished => "所选清单未在汇总服务器发布。", "The checklist chosen is not published at the intake.";
    UnitsNotRegistered => "以下单位未登记：{codes}", "Not registered: {codes}";
    NoUnitsRegistered => "汇总服务器还没有登记任何单位，考核批次无单位可覆盖。", "No unit is registered at the intake for the round to cover.";
    KindNotCollected => "考核批次只收自查自评或检查考核。", "A round collects self-assessments or inspections.";
    Tracker => "跟踪", "Tracker";
    RoundTitle => "{checklist} 第 {v} 版 · {period} · {kind}", "{checklist} v{v} · {period} · {kind}";
    DeadlineIs => "截止日期 {d}", "Deadline {d}";
    PastDeadline => "已过截止日期", "The deadline has passed";
    AsOf => "截至日期", "As of";
    UnitsTotal => "单位总数", "Units";
    StatusMissing => "未提交", "Not submitted";
    StatusSubmitted => "已提交", "Submitted";
    StatusRefused => "被拒绝", "Refused";
    StatusOverdue => "逾期未提交", "Overdue";
    FilterAll => "全部", "All";
    UnitCode => "单位代码", "Unit code";
    UnitName => "单位名称", "Unit name";
    Status => "状态", "Status";
    Received => "提交时间", "Received";
    Total => "总分", "Total";
    Grade => "等级", "Grade";
    RefusedWhy => "拒绝原因", "Why refused";
    PageOf => "第 {p} / {n} 页（共 {u} 个单位）", "Page {p} of {n} ({u} units)";
    Previous => "上一页", "Previous";
    Next => "下一页", "Next";
    DownloadXlsx => "下载 Excel（全部单位）", "Download Excel (every unit)";
    NoUnitsShown => "没有处于这一状态的单位。", "No unit stands so.";
    NoSuchRound => "没有这个考核批次。", "There is no such round.";
    BackToRounds => "返回考核批次", "Back to the rounds";
    At => "时间", "When";
    Actor => "操作人", "Who";
    Action => "操作", "What";
    Detail => "对象", "Of what";
    More => "加载更多", "More";
    NoAudit => "还没有操作记录。", "Nothing recorded yet.";
    ActRoundCreate => "创建考核批次", "Made a round";
    ActSessionStart => "登录", "Signed in";
    ActSessionEnd => "退出登录", "Signed out";
    ActPassword => "修改密码", "Changed password";
    ActAdminAdd => "添加管理员", "Added an administrator";
    ActUnitAdd => "登记单位", "Registered a unit";
    ActUnitEdit => "修改单位", "Changed a unit";
    ActUnitImport => "导入单位", "Imported units";
    ActTemplatePublish => "发布清单", "Published a checklist";
    ActCodeIssue => "发放注册码", "Issued an enrollment code";
    ActKeyEnroll => "登记签名密钥", "Enrolled a key";
    ActKeyRevoke => "吊销签名密钥", "Revoked a key";
    ActorCli => "命令行", "command line";
    ActorToken => "令牌 {id}", "token {id}";
    Unreachable => "无法连接汇总服务器：{e}", "The intake cannot be reached: {e}";
    Unreadable => "汇总服务器的答复无法读取（HTTP {status}）。", "The intake's answer could not be read (HTTP {status}).";
    ProblemMalformed => "请求格式有误（{code}）。", "The request was not understood ({code}).";
    ProblemUnauthorized => "未登录或无权操作（{code}）。", "Not signed in, or not allowed ({code}).";
    ProblemNotFound => "要找的内容不存在（{code}）。", "Not found ({code}).";
    ProblemInvalid => "内容有误（{code}）。", "Not valid ({code}).";
    ProblemRateLimited => "请求过于频繁，请稍后再试（{code}）。", "Too many requests: try again later ({code}).";
    ProblemInternal => "汇总服务器内部出错，已记录日志（{code}）。", "The intake failed; it logged why ({code}).";
    ProblemUnavailable => "汇总服务器的数据库暂不可用（{code}）。", "The intake's database is unavailable ({code}).";
    ProblemOther => "汇总服务器拒绝了请求（{code}）。", "The intake refused the request ({code}).";
    RefusedUnit => "单位未登记", "unit not registered";
    RefusedKey => "签名密钥未登记于本单位或签名人姓名不符", "a key not enrolled for the unit, or a signer's name not their key's";
    RefusedRevoked => "签名密钥已吊销", "a revoked key";
    RefusedSignature => "签名无效", "a signature that does not verify";
    RefusedTemplate => "清单未发布或与发布的不一致", "a checklist not published, or not the one published";
    RefusedScore => "答案或得分与清单不符", "answers or score that do not fit the checklist";
    RefusedKind => "类型或签字人角色不符", "a kind or signer roles that do not fit";
    RefusedExplain => "失分、否决或不适用项缺少说明", "lost points, a veto or N/A without a note";
    RefusedSubject => "被考核人缺失或未签字", "the person assessed missing or not signing";
    RefusedFuture => "日期晚于汇总服务器接收时间", "a date after the intake received it";
    RefusedInspection => "整改反馈与检查数据包不符", "a rectification that does not fit its inspection";
    RefusedOther => "数据包被拒绝", "refused";
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The language named `code` (`zh` or `en`; Chinese for anything else).
pub fn lang_from_code(code: &str) -> Lang {
    if code == "en" { Lang::En } else { Lang::Zh }
}

/// The code of `lang`.
pub fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// The other language (the switch's).
pub fn other(lang: Lang) -> Lang {
    match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_the_same_placeholders_in_both_languages() {
        let names = |text: &str| {
            let mut found: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            found.sort();
            found
        };
        for &t in T::ALL {
            assert_eq!(names(t.get(Lang::Zh)), names(t.get(Lang::En)), "{t:?}");
        }
    }

    #[test]
    fn the_language_is_chinese_unless_english_is_chosen() {
        assert_eq!(lang_from_code("en"), Lang::En);
        assert_eq!(lang_from_code("zh"), Lang::Zh);
        assert_eq!(lang_from_code(""), Lang::Zh);
        assert_eq!(lang_from_code(lang_code(other(Lang::Zh))), Lang::En);
    }
}
