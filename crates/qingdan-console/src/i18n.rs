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
    // Units, slips, keys and checklists.
    NavUnits => "单位", "Units";
    NavKeys => "签名密钥", "Keys";
    NavChecklists => "清单", "Checklists";
    NavEvaluations => "民主测评", "Evaluations";
    EvaluationsTitle => "民主测评", "Evaluations (民主测评)";
    CreateEvaluation => "新建测评", "New evaluation";
    CreateEvaluationHint => "选择测评的 JSON 文件（qingdan.evaluation/1）：被测评人、测评维度、票别及张数、权重、开放时间和约谈线。", "Choose the evaluation's JSON file (qingdan.evaluation/1): who is evaluated, the dimensions, the rater groups with their slips and weights, the window and the threshold for a talk.";
    EvaluationMade => "已新建测评 {id}。", "Evaluation {id} made.";
    NoEvaluations => "尚无测评。", "No evaluation yet.";
    EvaluationId => "编号", "Id";
    SlipCount => "票数", "Slips";
    SlipsToMake => "尚未制作测评票", "Slips not made yet";
    BallotsCast => "进行中：已投 {n} / {of} 票", "Open: {n} of {of} ballots cast";
    EvaluationClosedAt => "已结束（{t}）", "Closed ({t})";
    MakeBallotSlips => "制作测评票", "Make the slips";
    BallotSlipsMade => "已制作 {n} 张测评票：请现在打开并打印，选票码不再显示。", "{n} slips made: open and print them now; their codes are not shown again.";
    OpenBallotSheet => "打开测评票（打印）", "Open the slips (print)";
    BallotSheetOnce => "只此一次，关闭本页后无法再打开。", "Once only: after this page closes it cannot be opened again.";
    CloseEvaluation => "结束测评", "Close";
    EvaluationClosedNow => "测评已结束，结果已签名公布。", "Closed: the result is signed and published.";
    ShowResult => "查看结果", "Result";
    ResultShown => "结果如下。", "The result is below.";
    ResultOf => "测评结果：{id}", "Result of {id}";
    Person => "被测评人", "Person";
    Satisfaction => "加权满意度", "Weighted satisfaction";
    NoBallots => "无票", "No ballots";
    TalkDue => "约谈", "Talk due (约谈)";
    NavReports => "报表", "Reports";
    UnitsTitle => "单位", "Units";
    ImportUnits => "从工作簿导入单位", "Import units from a workbook";
    ImportUnitsHint => "Excel 工作簿（.xlsx），列为：单位编码、单位名称、上级单位编码（可不填）。有一处错误则全部不导入，并指出所在单元格。", "An Excel workbook (.xlsx) with the columns 单位编码, 单位名称 and 上级单位编码 (optional). One error and nothing is imported; each error names its cell.";
    Import => "导入", "Import";
    NeedFile => "请先选择文件。", "Choose a file first.";
    UnitsImported => "已导入 {n} 个单位：新增 {added} 个，更新 {updated} 个。", "{n} units imported: {added} new, {updated} updated.";
    AddUnit => "添加单位", "Add a unit";
    ParentCode => "上级单位编码", "Parent unit code";
    Add => "添加", "Add";
    NeedCodeName => "请填写单位编码和单位名称。", "Enter the unit's code and name.";
    UnitAdded => "已添加单位 {code}。", "Unit {code} added.";
    UnitSaved => "已保存单位 {code}。", "Unit {code} saved.";
    Edit => "修改", "Edit";
    Save => "保存", "Save";
    Cancel => "取消", "Cancel";
    NoUnits => "还没有登记单位。", "No unit is registered yet.";
    RegisteredAt => "登记时间", "Registered";
    UnitsInAll => "共 {n} 个单位", "{n} units in all";
    PageN => "第 {page} / {pages} 页", "Page {page} of {pages}";
    Slips => "打印登记码", "Print enrollment slips";
    SlipsHint => "为选中的单位（未选时为全部单位）的每个角色各发放一个登记码，生成 A4 打印页：每张小条有单位、角色、登记码、有效期和二维码，扫码即可在填报端登记。登记码只显示这一次。", "Issue one code per role for each unit chosen (every unit when none is) as an A4 page of slips: unit, role, code, expiry and a QR code that opens the field app's enrollment. The codes are shown this once.";
    ChosenUnits => "已选 {n} 个单位", "{n} units chosen";
    NoUnitChosen => "未选单位：为全部单位发放", "No unit chosen: every unit";
    RolePrincipal => "主要负责人（党委书记）", "Principal (Party secretary)";
    RoleSupervisory => "纪委书记（纪检组长）", "Discipline secretary";
    RoleInspector => "考核组成员（适用于全部单位）", "Inspector (every unit)";
    NeedRole => "请至少选择一个角色。", "Choose at least one role.";
    MakeSlips => "生成登记码打印页", "Make the slips";
    OpenSheet => "打开打印页（{n} 张）", "Open the page to print ({n} slips)";
    SaveSheet => "另存为文件", "Save as a file";
    ChooseUnit => "选择", "Choose";
    ChoosePage => "选择本页全部单位", "Choose this page's units";
    KeysTitle => "签名密钥", "Signing keys";
    KeysHint => "各单位、各角色已登记的签名密钥。设备丢失或人员变动时请吊销其密钥：之后用它签名的数据包将被拒收。", "The keys enrolled for each unit and role. Revoke a key when its device is lost or its holder changes: packets it signs from then on are refused.";
    Role => "角色", "Role";
    Signer => "签字人", "Signer";
    Fingerprint => "指纹", "Fingerprint";
    EnrolledAt => "登记时间", "Enrolled";
    ByCode => "登记码编号", "Code";
    ByAdmin => "管理员登记", "By an administrator";
    Revoked => "已吊销（{at}）", "Revoked ({at})";
    Revoke => "吊销", "Revoke";
    RevokeReason => "吊销原因", "Why";
    NeedReason => "请填写吊销原因。", "Say why the key is revoked.";
    KeyRevoked => "已吊销 {name} 的密钥。", "{name}'s key revoked.";
    NoKeys => "还没有登记的签名密钥。", "No key is enrolled yet.";
    AllUnitsMark => "全部单位", "Every unit";
    CodesTitle => "已发放的登记码", "Enrollment codes issued";
    CodesHint => "登记码本身不保存，只显示编号。未使用的登记码可以撤回，撤回后不能再用于登记。", "The codes themselves are not kept: only their ids. An unused code can be withdrawn: it never enrolls a key then.";
    CodeId => "编号", "Id";
    IssuedAt => "发放时间", "Issued";
    ExpiresAt => "有效期至", "Expires";
    CodeUnused => "未使用", "Unused";
    CodeRedeemed => "已使用", "Used";
    CodeExpired => "已过期", "Expired";
    Withdraw => "撤回", "Withdraw";
    CodeWithdrawn => "已撤回登记码 {id}。", "Code {id} withdrawn.";
    NoCodes => "还没有发放登记码。", "No enrollment code was issued yet.";
    ChecklistsTitle => "清单", "Checklists";
    PublishChecklist => "发布清单", "Publish a checklist";
    PublishHint => "选择清单的 JSON 文件或 Excel 工作簿（.xlsx）。发布前会逐项校验，错误会指出位置（JSON 路径或单元格）。已发布的版本不能更改：修改后请以新版本号发布。", "Choose a checklist's JSON file or Excel workbook (.xlsx). It is checked item by item first; each error names its place (JSON path or cell). A published version never changes: publish changes as a new version.";
    Publish => "发布", "Publish";
    Published => "已发布 {id} 第 {v} 版。", "{id} v{v} published.";
    NoChecklistsYet => "还没有发布清单。", "No checklist is published yet.";
    Version => "版本", "Version";
    Title => "标题", "Title";
    PublishedAt => "发布时间", "Published";
    Digest => "摘要（SHA-256）", "Digest (SHA-256)";
    RepUnder => "范围", "Units ranked";
    RepEveryUnit => "全部单位", "Every unit";
    RepUnderUnit => "{name}（{code}）所属单位", "Under {name} ({code})";
    // (end of units, slips, keys and checklists)
    // Reports and packets.
    RepTitle => "报表", "Reports";
    RepRanking => "排名", "Ranking";
    RepIndicators => "指标失分", "Indicators";
    RepGap => "自评与检查差距", "Self vs inspection";
    RepFindings => "问题整改", "Findings";
    RepDownloadXlsx => "下载 Excel（全部）", "Download Excel (all)";
    RepNoChecklists => "汇总服务器还没有发布清单，没有报表可看。", "The intake has published no checklist: there is no report.";
    RepNotPublished => "所选清单或版本未在汇总服务器发布。", "The checklist or version chosen is not published at the intake.";
    RepOver => "{checklist} 第 {v} 版 · {period}", "{checklist} v{v} · {period}";
    RepNoPackets => "这一清单、期间和类型还没有数据包。", "No packets of this checklist, period and kind yet.";
    RepPageOf => "第 {p} / {n} 页（共 {r} 行）", "Page {p} of {n} ({r} rows)";
    RepRank => "名次", "Rank";
    RepMax => "满分", "Max";
    RepPercentage => "得分率", "Percentage";
    RepLastPlace => "末位", "Last place";
    RepTalks => "约谈（民主测评）", "Talk due (evaluation)";
    RepTalksDue => "民主测评满意度低于约谈线的共 {n} 人", "{n} persons under an evaluation's threshold: talk due";
    RepFindingCounts => "问题（未整改 / 逾期 / 已整改）", "Findings (open / overdue / closed)";
    RepOpenPacket => "查看", "Open";
    RepChartPercentage => "各单位得分率", "Each unit's percentage";
    RepChartFailure => "失分率最高的指标", "The items most often failed";
    RepChartGap => "各单位自评与检查得分率", "Each unit's self-assessed and inspected percentage";
    RepUnitsCounted => "共统计 {n} 个单位", "{n} units counted";
    RepItem => "项目编号", "Item";
    RepSection => "大项", "Section";
    RepItemTitle => "项目", "Title";
    RepApplicable => "适用单位数", "Units it applied to";
    RepFailed => "失分单位数", "Units that lost points";
    RepFailureRate => "失分率", "Failure rate";
    RepFindingsOnItem => "发现问题数", "Findings";
    RepSelfTotal => "自评总分", "Self-assessment total";
    RepInspectionTotal => "检查总分", "Inspection total";
    RepDifference => "差值（自评 − 检查）", "Difference (self − inspection)";
    RepSelfPercentage => "自评得分率", "Self-assessed percentage";
    RepInspectionPercentage => "检查得分率", "Inspected percentage";
    RepFindingsAsOf => "截至 {d} 的检查发现问题", "Findings as of {d}";
    RepOpen => "整改中（未逾期）", "Open";
    RepOverdue => "逾期未整改", "Overdue";
    RepClosed => "已整改", "Closed";
    RepNoFindings => "检查还没有发现问题。", "No inspection has found a problem.";
    RepProblem => "问题", "Problem";
    RepResponsible => "整改责任人", "Responsible";
    RepDeadline => "整改期限", "Deadline";
    RepAction => "整改措施", "Action taken";
    RepCompletedOn => "完成日期", "Completed";
    PktBack => "返回报表", "Back to the reports";
    PktNoSuch => "没有这个数据包。", "There is no such packet.";
    PktTitle => "{checklist} 第 {v} 版 · {period} · {kind}", "{checklist} v{v} · {period} · {kind}";
    PktDownload => "下载数据包原件", "Download the packet as stored";
    PktRectification => "整改反馈", "Rectification";
    PktSubject => "被考核人", "Person assessed";
    PktRefersTo => "所整改的检查", "Inspection answered";
    PktBonusFigure => "+{v}（加分）", "+{v} (bonus)";
    PktVetoes => "触发否决项：{items}", "Vetoes triggered: {items}";
    PktSections => "各大项得分", "Sections";
    PktSectionTitle => "名称", "Title";
    PktFigure => "得分", "Score";
    PktItems => "逐项评分", "Items";
    PktAnswer => "填报情况", "Answer";
    PktItemNote => "说明", "Note";
    PktReason => "计分依据", "Why";
    PktFindingId => "编号", "No.";
    PktFiles => "附件", "Files";
    PktFileName => "文件", "File";
    PktFileBytes => "大小（字节）", "Size (bytes)";
    PktRectDone => "已整改", "Done";
    PktRectInProgress => "整改中", "In progress";
    PktNote => "总体说明", "Note on the whole";
    PktSigners => "签字人", "Signers";
    PktRole => "角色", "Role";
    PktEnrolledName => "登记姓名", "Name enrolled";
    PktSignedName => "签署姓名", "Name signed";
    PktFingerprint => "密钥指纹", "Key fingerprint";
    PktNotEnrolled => "未登记", "not enrolled";
    PktRevoked => "已吊销（{at}）", "Revoked ({at})";
    PktPrincipal => "主要负责人", "Principal";
    PktSupervisory => "纪委书记（纪检组长）", "Discipline secretary";
    PktInspector => "考核组成员", "Inspector";
    PktReceipt => "接收回执", "Receipt";
    PktReceived => "汇总服务器于 {t} 接收（{n} 字节）。", "Received by the intake at {t} ({n} bytes).";
    // (end of reports and packets)
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
    ActCodeIssue => "发放登记码", "Issued an enrollment code";
    ActCodeSheet => "打印登记码", "Printed enrollment slips";
    ActCodeWithdraw => "撤回登记码", "Withdrew an enrollment code";
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
