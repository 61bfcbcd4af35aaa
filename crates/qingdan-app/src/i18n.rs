//! Every string the app shows, in Chinese (the default) and English.
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
        }
    };
}

catalog! {
    AppName => "清单 · 责任清单自查与考核", "Qingdan · responsibility checklists";
    Loading => "加载中…", "Loading…";
    Home => "首页", "Home";
    OpenPacket => "查验数据包", "Check a packet";
    Settings => "设置", "Settings";
    Checklists => "责任清单", "Checklists";
    Bundled => "内置", "bundled";
    Imported => "导入", "imported";
    Items => "{n} 项", "{n} items";
    ImportChecklist => "导入清单文件（JSON 或 Excel 工作簿）", "Import a checklist (JSON, or an Excel workbook)";
    ImportedChecklist => "已导入清单：{name}", "Imported checklist: {name}";
    ImportFailed => "清单有误，未导入：", "The checklist has errors and was not imported:";
    MyAssessments => "我的评估", "My assessments";
    NoAssessments => "还没有评估。选择上面的清单开始。", "No assessments yet. Choose a checklist above to start.";
    DeviceOnly => "{n} 份评估只保存在本设备上，请及时导出备份。", "{n} assessments exist only on this device: export a backup.";
    ExportAll => "导出全部备份", "Export a backup of all";
    FirstRunNoKey => "本设备还没有签名密钥：签名前，请先在“设置”中新建签名密钥，再用注册码绑定汇总服务器。", "This device has no signing key yet: before signing, create one in Settings, then enroll it with the intake using a one-time code.";
    FirstRunNotEnrolled => "本设备尚未绑定汇总服务器，签好的数据包无法上传：请在“设置”中用注册码绑定。", "This device is not enrolled with an intake, so signed packets cannot be uploaded: enroll in Settings with a one-time code.";
    GoToSettings => "前往设置", "Go to Settings";
    StatusDraft => "草稿", "Draft";
    StatusSigned => "已签名", "Signed";
    StatusExported => "已导出", "Exported";
    StatusCol => "状态", "Status";
    LastChange => "最后修改", "Last change";
    Score => "得分", "Score";
    NewAssessment => "新建评估", "New assessment";
    Checklist => "清单", "Checklist";
    UnitCode => "单位代码", "Unit code";
    UnitName => "单位名称", "Unit name";
    Period => "考核期间", "Period";
    PeriodOfKind => "本清单按{kind}填报，如 {e}", "Filled per {kind}, e.g. {e}";
    Kind => "类型", "Kind";
    KindSelf => "自查自评", "Self-assessment";
    KindInspection => "检查考核", "Inspection";
    Start => "开始填写", "Start";
    NeedUnit => "请填写单位代码和单位名称。", "Enter the unit's code and name.";
    UnitNotAtIntake => "汇总服务器未登记单位代码 {code}：请核对单位代码。", "The intake has no unit with code {code}: check the code.";
    EnrolledUnit => "单位（本设备已绑定）", "Unit (enrolled on this device)";
    NotEnrolledUnit => "本设备的签名密钥未绑定单位 {code}：只能为已绑定的单位填报，否则签名后会被汇总服务器拒绝。", "No key on this device is enrolled for unit {code}: assessments are made for the enrolled units, or the intake refuses them once signed.";
    WrongPeriodKind => "本清单按{kind}填报，“{p}”不是{kind}期间，例如 {e}。", "This checklist is filled per {kind}; {p} is not such a period (e.g. {e}).";
    PerYear => "年度", "year";
    PerHalfYear => "半年", "half-year";
    PerQuarter => "季度", "quarter";
    PerMonth => "月度", "month";
    Facts => "单位和考核期间", "Unit and period";
    FactsCorrect => "更正", "Correct";
    FactsCorrected => "已更正单位和考核期间。", "Unit and period corrected.";
    FactsNotEnrolled => "本评估的单位（{code}）不是本设备已绑定的单位，签名后会被汇总服务器拒绝：请在下方更正单位。", "This assessment's unit ({code}) is not one this device is enrolled for, so the intake would refuse it: correct the unit below.";
    CorrectDraft => "改为草稿并更正", "Correct as a draft";
    CorrectDraftHint => "所有答案都会保留；更正后请重新签名，再上传。", "Every answer is kept; once corrected, sign again and upload.";
    SubjectName => "被考核人姓名", "Name of the person assessed";
    SubjectPost => "被考核人职务", "Their post";
    SubjectHint => "这份清单考核个人（如班子成员的“一岗双责”），被考核人本人须签字。", "This checklist assesses one person (e.g. a leadership member's dual duty), who signs it.";
    NeedSubject => "请填写被考核人的姓名和职务。", "Enter the name and post of the person assessed.";
    SubjectMustSign => "被考核人 {name} 本人须作为签字人之一签字。", "{name}, the person assessed, must be one of the signers.";
    NeedExplain => "有 {n} 项须填写说明（失分、否决或不适用的原因）才能签名：{items}", "{n} items need a note explaining lost points, a veto or N/A before signing: {items}";
    ExplainWhy => "须说明原因", "Explain why";
    DueFixed => "期限 {d}（清单规定）", "Due {d} (set by the checklist)";
    BadPeriod => "考核期间格式不对：{p}", "Not a period: {p}";
    NotFound => "找不到这份评估（可能已在其他设备上）。", "This assessment is not on this device.";
    UnknownTemplate => "本设备没有这份评估所用的清单 {t}。", "This device does not have the checklist {t} this assessment uses.";
    Saved => "已保存", "Saved";
    Saving => "保存中…", "Saving…";
    SaveFailed => "未能保存，请稍后再试。", "Not saved: {e}";
    QuotaFull => "存储空间已满，答案未能保存。请导出备份并清理旧评估。", "Storage is full: the answer was not saved. Export a backup and remove old assessments.";
    Total => "总分", "Total";
    Grade => "等次", "Grade";
    Completeness => "已答 {a} / {r} 项必答", "{a} of {r} required items answered";
    Missing => "尚未回答的必答项：", "Required items not yet answered:";
    Indicator => "指标", "Indicator";
    Standard => "评分标准", "Scoring standard";
    Points => "{p} 分", "{p} pts";
    Done => "已完成", "Done";
    Partial => "部分完成", "Partly done";
    NotDone => "未完成", "Not done";
    NotApplicable => "不适用", "N/A";
    VetoYes => "存在（否决）", "Yes (veto)";
    VetoNo => "不存在", "No";
    Count => "数量", "Count";
    DueDate => "截止日期", "Due date";
    FromDate => "起算日期", "Counted from";
    DoneDate => "完成日期", "Done on";
    Note => "佐证说明", "Evidence note";
    OverallNote => "总体说明", "Overall note";
    OverallNoteHint => "对整份评估的说明（选填），签名时写入数据包。", "A note on the assessment as a whole (optional), signed into the packet.";
    Findings => "发现问题", "Problems found";
    AddFinding => "＋ 记录问题", "+ Record a problem";
    RemoveFinding => "删除", "Remove";
    Files => "附件", "Files";
    TakePhoto => "拍照", "Take a photo";
    AddFile => "添加照片/文件", "Add a photo or file";
    Attaching => "正在保存附件…", "Keeping the file…";
    FileNotAllowed => "“{name}”不能附上：只能附上照片（JPEG、PNG、WebP）或 PDF 文件。", "{name} cannot be attached: only photos (JPEG, PNG, WebP) and PDF files can.";
    FileTooLarge => "“{name}”有 {size}，每个附件最多 {max}。", "{name} is {size}; a file may have at most {max}.";
    FilesTooLarge => "附件合计不能超过 {max}，“{name}”未附上。", "All files together may have at most {max}: {name} was not attached.";
    PhotoUnreadable => "照片“{name}”无法打开（{e}）。", "The photo {name} does not open ({e}).";
    FilesQuotaFull => "存储空间已满，文件未能保存。请导出备份并清理旧评估。", "Storage is full: the file was not kept. Export a backup and remove old assessments.";
    FileNotHere => "附件“{name}”不在本设备上。", "The file {name} is not on this device.";
    RemoveFile => "移除", "Remove";
    CloseViewer => "关闭", "Close";
    BundleFileChanged => "附件“{name}”（第 {item} 项）与签名时不一致：文件已被改动或缺失，此数据包不可信。", "The file {name} (item {item}) is not the one signed: it was changed or is missing. This packet cannot be trusted.";
    BundleUnreadable => "不是有效的数据包：{e}", "Not a valid packet: {e}";
    BundleFilesChecked => "附件 {n} 个，均与签名一致", "{n} files, each the one signed";
    FindingProblem => "问题描述", "Problem";
    FindingDeadline => "整改期限", "Deadline";
    FindingResponsible => "整改责任人", "Responsible";
    Rectification => "整改反馈", "Rectification";
    RectificationHint => "逐条说明整改情况。已整改的填写完成日期；未答复的问题不写入数据包。", "Say what was done about each problem. Give the date for those put right; unanswered problems are left out of the packet.";
    RectifyStart => "整改反馈", "Answer these problems";
    RectificationOf => "答复检查数据包 {id}", "Answering inspection packet {id}";
    NotAnswered => "暂不答复", "Not now";
    StatusInProgress => "整改中", "In progress";
    StatusDone => "已整改", "Done";
    Action => "整改措施", "What was done";
    CompletedOn => "完成日期", "Completed on";
    Answered => "已答复 {a} / {n} 条", "{a} of {n} answered";
    Required => "必答", "required";
    NotACount => "请输入 0 或正整数。", "Enter a whole number from 0.";
    NotANumber => "请输入数字（最多两位小数）。", "Enter a number (at most two decimals).";
    NotADate => "日期格式应为 YYYY-MM-DD。", "A date is written YYYY-MM-DD.";
    MissingDue => "请先填写截止（起算）日期。", "Enter the due (or start) date first.";
    Review => "评分表", "Score sheet";
    Sign => "签字背书", "Sign";
    Fill => "填写", "Fill";
    Print => "打印", "Print";
    Vetoes => "否决项", "Vetoes";
    NoVetoes => "无否决项。", "No vetoes.";
    Item => "项目", "Item";
    Reason => "说明", "Reason";
    Answer => "作答", "Answer";
    BonusFigure => "+{v}（加分）", "+{v} (bonus)";
    SignedElectronically => "已电子签名", "Signed electronically";
    NotSignedYet => "未签名", "Not signed";
    SignHere => "签字：＿＿＿＿＿＿＿＿", "Signature: ________________";
    DateHere => "日期：＿＿＿＿年＿＿月＿＿日", "Date: ______________";
    Section => "大项", "Section";
    Figures => "已公布的民主测评结果", "Published evaluation results";
    FigureLine => "{n}（{p}）：满意度 {s}%，有效票 {b} 张", "{n} ({p}): {s}% satisfied, {b} ballots";
    TalkDue => "约谈", "talk due";
    Locked => "已签名，不能修改。修改将生成新的草稿并清除签名。", "Signed and locked. Editing makes a new draft and drops the signatures.";
    EditNewDraft => "修改（生成新草稿）", "Edit (new draft)";
    KeysOnDevice => "本设备上的签名密钥", "Signing keys on this device";
    NoKeys => "本设备还没有签名密钥。", "No signing keys on this device.";
    NewKey => "新建签名密钥", "New signing key";
    Name => "姓名", "Name";
    Role => "角色", "Role";
    Pin => "PIN 码（至少 8 位，不用连号、重复或常用号码）", "PIN (at least 8 characters; no run, repeat or common one)";
    PinConfirm => "再次输入 PIN 码", "PIN again";
    CreateKey => "生成密钥", "Create key";
    Creating => "正在生成（约需 1 秒）…", "Creating (about a second)…";
    PinMismatch => "两次输入的 PIN 码不一致。", "The PINs differ.";
    PinTooShort => "PIN 码至少 8 位。", "The PIN needs at least 8 characters.";
    PinGuessable => "PIN 码太容易猜到（连号、重复或常用号码），请换一个。", "This PIN is easy to guess (a run, a repeat or a common one): choose another.";
    NeedName => "请填写姓名。", "Enter the name.";
    NeedRole => "请选择角色。", "Choose the role.";
    ChooseRole => "请选择", "Choose";
    KeyCreated => "已生成 {name} 的密钥。", "Key for {name} created.";
    Fingerprint => "指纹", "Fingerprint";
    ExportKey => "导出密钥（加密）", "Export key (encrypted)";
    ImportKey => "导入密钥文件", "Import a key file";
    KeyImported => "已导入 {name} 的密钥。", "Imported the key of {name}.";
    BadKeyFile => "不是密钥文件，或文件已损坏。", "Not a key file: {e}";
    Signers => "签字人", "Signers";
    ChooseKey => "选择密钥", "Choose a key";
    NoKeyForRole => "本设备没有该角色的密钥，请先新建或导入。", "No key for this role on this device: create or import one.";
    Prepare => "确定签字人", "Fix the signers";
    NeedComplete => "还有 {n} 项必答未回答，不能签名。", "{n} required items are unanswered: it cannot be signed yet.";
    FindingsUnfinished => "有 {n} 条问题未填写完整（问题描述、整改期限、整改责任人），不能签名。", "{n} problems are not filled in (problem, deadline, responsible person): it cannot be signed yet.";
    NothingAnswered => "尚未答复任何问题，不能签名。", "No problem is answered yet: it cannot be signed.";
    AnswersUnfinished => "有 {n} 条答复未填写完整（整改措施；已整改的须填完成日期），不能签名。", "{n} answers are not filled in (what was done; the date for those done): it cannot be signed yet.";
    NeedAllSigners => "请为每个角色选择密钥。", "Choose a key for every role.";
    SameKeyTwice => "{name} 的密钥被选了两次：每人只签一次。", "{name}'s key is chosen twice: each person signs once.";
    AddSigner => "添加{role}", "Add another {role}";
    RemoveSigner => "移除", "Remove";
    StillToSign => "待签字：{names}", "Still to sign: {names}";
    Revoked => "已吊销", "revoked";
    AllUnits => "所有单位", "every unit";
    RevokedCannotSign => "该密钥已被受理端吊销，不能再签字。", "The intake has revoked this key: it can no longer sign.";
    SignWithPin => "输入 PIN 码签名", "Sign with PIN";
    SignButton => "签名", "Sign";
    SignedBy => "{name} 已签名", "Signed by {name}";
    WrongPin => "PIN 码错误，未签名。", "Wrong PIN: nothing was signed.";
    WrongPinOf => "{name} 的 PIN 码不对，未签名。", "Wrong PIN for {name}: nothing was signed.";
    AllSigned => "全部签字人已签名，评估已锁定。", "Every signer has signed; the assessment is locked.";
    ExportPacket => "导出数据包", "Export the packet";
    Exported => "已导出：{f}", "Exported: {f}";
    OpenPacketHint => "打开一个 .qingdan.json 数据包文件或带附件的 .qingdan.zip 数据包，查验签名、附件和评分。", "Open a .qingdan.json packet, or a .qingdan.zip packet with its files, to check its signatures, files and score.";
    PacketValid => "签名均有效，评分已按清单重算，与数据包一致。签字人的身份见下。", "Every signature is sound and the score, recomputed with the checklist, matches. Who the signers are: see below.";
    PacketSignaturesOnly => "签名均有效；本设备没有该清单，评分未重算。签字人的身份见下。", "Every signature is sound; this device does not have the checklist, so the score was not recomputed. Who the signers are: see below.";
    SignerEnrolled => "密钥已在汇总服务器登记为该单位的签字人", "key enrolled at the intake for this unit";
    SignerRevoked => "密钥已被汇总服务器吊销（{at}）", "key revoked by the intake ({at})";
    SignerNotEnrolled => "密钥未在汇总服务器登记：签名本身有效，但不能证明由本人签署", "key not enrolled at the intake: the signature is sound, but nothing shows who made the key";
    SignerUnverified => "未核实：本设备未绑定汇总服务器或无法连接，不能确认密钥属于本人", "not verified: this device is enrolled with no intake or cannot reach it, so the key's owner is not confirmed";
    PacketInvalid => "数据包无效：", "The packet is not valid:";
    PacketIncomplete => "（未完成：{n} 项必答未回答）", "(incomplete: {n} required items unanswered)";
    TemplateMissing => "（本设备没有该清单，未重新评分）", "(checklist not on this device: not re-scored)";
    Language => "语言", "Language";
    IntakeUrl => "汇总服务器地址", "Intake URL";
    Storage => "存储", "Storage";
    Persistent => "持久存储：已获准（浏览器不会自动清除）", "Persistent: granted (the browser will not evict it)";
    PersistUnsupported => "持久存储：此浏览器不支持（如 iPad 上的浏览器），空间紧张或长期未打开时数据可能被清除，请常导出备份", "Persistent storage: this browser has none (as on an iPad); data may be evicted under pressure or after long disuse: export backups";
    NotPersistent => "持久存储：未获准（空间紧张时浏览器可能清除数据，请常导出备份）", "Persistent: not granted (the browser may evict data under pressure: export backups)";
    Used => "已用 {u}，配额 {q}", "{u} used of {q}";
    Unit => "单位", "Unit";
    Error => "出错了：{e}", "Something went wrong: {e}";
    Sync => "同步", "Sync";
    Waiting => "{n} 个数据包待上传", "{n} packets waiting to upload";
    Upload => "上传", "Upload";
    UploadQueued => "待上传", "Waiting to upload";
    UploadSending => "上传中", "Uploading";
    UploadReceived => "已接收", "Received";
    UploadRejected => "被拒绝", "Rejected";
    LastAttempt => "上次尝试失败，稍后自动重试。", "Last attempt failed: {e}";
    Syncing => "正在同步…", "Syncing…";
    SyncNothing => "已同步：没有待上传的数据包。", "Synced: nothing waiting to upload.";
    SyncSent => "已上传 {n} 个数据包，汇总服务器已接收。", "{n} packets uploaded and received.";
    SyncRejected => "{n} 个数据包被汇总服务器拒绝，原因见各评估的上传状态。", "{n} packets refused by the intake: see each assessment's upload status.";
    SyncFailed => "{n} 个数据包未能上传，稍后自动重试。", "{n} packets could not be uploaded ({e}); they will be tried again.";
    SyncOffline => "未同步：本设备没有联网，联网后自动上传。", "Not synced: this device is offline; packets go up once it is online.";
    SyncNotEnrolled => "未同步：本设备尚未绑定汇总服务器（见“设置”）。", "Not synced: this device is not enrolled with an intake (see Settings).";
    NotEnrolledYet => "本设备尚未绑定汇总服务器，数据包会一直留在待上传队列中。", "This device is not enrolled with an intake yet: packets stay in the outbox.";
    RetryUpload => "重新上传", "Upload again";
    Receipt => "接收回执", "Receipt";
    ReceiptTime => "接收时间", "Received at";
    ReceiptDigest => "数据包摘要（SHA-256）", "Packet digest (SHA-256)";
    IntakeSection => "汇总服务器", "Intake";
    EnrollCode => "一次性注册码", "One-time enrollment code";
    EnrollKey => "要绑定的签名密钥", "Signing key to enroll";
    EnrollButton => "绑定", "Enroll";
    Enrolling => "正在绑定…", "Enrolling…";
    EnrolledAs => "已绑定：{name}（{role}），单位 {unit}", "Enrolled: {name} ({role}) for {unit}";
    NeedIntakeUrl => "请填写服务器地址，以 https:// 开头（只有本机上的汇总服务器可用 http://127.0.0.1）。", "Enter the intake's address, starting with https:// (only an intake on this machine may use http://127.0.0.1).";
    NeedCode => "请填写注册码。", "Enter the enrollment code.";
    NeedKeyFirst => "请先在上方新建或导入签名密钥。", "Create or import a signing key above first.";
    CannotReach => "无法连接服务器，请检查网络和地址。", "Cannot reach the intake: {e}";
    IntakeRefused => "服务器拒绝：{e}", "The intake refused: {e}";
    IntakeOddAnswer => "服务器的答复无法识别，未绑定。", "The intake's answer is not understood: {e}";
    OtherIntake => "此服务器的公钥（{offered}）与本设备已绑定的（{pinned}）不同，未绑定。如确要换服务器，请先解除绑定。", "This intake's key ({offered}) is not the one this device pinned ({pinned}); nothing was enrolled. To change intakes, forget this one first.";
    OtherRole => "注册码用于“{code}”，所选密钥是“{key}”。", "The code is for a {code} key, the key chosen is a {key} key.";
    PinnedIntake => "已绑定服务器", "Enrolled with";
    IntakeKey => "服务器公钥指纹", "Intake key fingerprint";
    EnrolledKeys => "已绑定的密钥", "Enrolled keys";
    ForgetIntake => "解除绑定", "Forget this intake";
    ForgetPin => "解除绑定须输入本设备上一把已绑定密钥的 PIN 码", "Forgetting it needs the PIN of a key on this device enrolled there";
    ForgetNeedsPin => "PIN 码不对，仍绑定此服务器。", "Wrong PIN: the intake is still pinned.";
    TemplatesAdded => "已从服务器取得清单：{list}", "Checklists taken from the intake: {list}";
    TemplatesFailed => "未能从服务器更新清单，下次同步时再试。", "Could not update checklists from the intake: {e}";
    StoreUnavailable => "无法打开本设备上的数据库（浏览器可能处于隐私模式，或禁用了网站存储）。", "The database on this device cannot be opened: {e}";
    InsecurePage => "本页（{origin}）不是安全连接，浏览器不允许在此生成或使用签名密钥。请用 https:// 地址打开本系统（怎样信任本单位证书，见该地址的 /install 页）。", "This page ({origin}) is not a secure connection, so the browser allows no signing keys here. Open the app at its https:// address (its /install page tells how to trust the office certificate).";
    BrowserCrypto => "浏览器未能完成加密运算（页面须通过 HTTPS 或本机地址打开）。", "The browser's cryptography failed: {e}";
    DownloadFailed => "未能下载文件。", "The download failed: {e}";
    Original => "原文", "Original";
    AnswerRefused => "这个答案不符合本项的要求。", "This answer does not fit the item.";
    PacketWhy => "{what}（{at}）", "{what} ({at})";
    PacketNotText => "不是数据包：文件不是 UTF-8 文本。", "Not a packet: the file is not UTF-8 text.";
    PacketShape => "数据包格式有误", "The packet is malformed";
    PacketBadSignature => "签名无效：签名后内容被改动，或所签的不是这份内容", "A signature does not verify";
    PacketUnsigned => "尚未签名", "Not signed yet";
    PacketSignerKey => "签字人或签名有误", "A signer or signature is wrong";
    PacketRoles => "签字人的角色不符合这类数据包的要求。", "The signers' roles do not fit this kind of packet.";
    PacketNotAdmitted => "签名密钥未获汇总服务器认可。", "A signing key is not accepted by the intake.";
    PacketFutureDate => "数据包中的日期晚于接收日期。", "A date in the packet is after it arrived.";
    PacketInspection => "与所答复的检查数据包不符", "It does not match the inspection it answers";
    PacketTemplate => "数据包所用清单与本设备上的不一致", "The packet's checklist differs from this device's";
    PacketResponses => "答案与清单不符。", "The answers do not fit the checklist.";
    PacketSubject => "被考核人信息有误。", "The person assessed is not given right.";
    PacketScore => "数据包中的评分与按答案重新计算的结果不一致", "The packet's score differs from the answers' score";
    RejectUnit => "汇总服务器未登记该单位（{code}）。如单位代码填错，请点“改为草稿并更正”，更正单位后重新签名上传，已填答案都会保留；如单位无误，请联系汇总服务器管理员登记该单位后重新上传。", "The unit is not registered at the intake ({code}). If the unit code is wrong, choose “Correct as a draft”, correct the unit, then sign and upload again: every answer is kept. If it is right, ask the intake's administrator to register the unit, then upload again.";
    RejectTooManySigners => "数据包的签字人或签名超过 16 个，汇总服务器不予接收（{code}）。", "The packet has more than 16 signers or signatures, more than the intake takes ({code}).";
    PacketTooManySigners => "签字人或签名超过 16 个", "More than 16 signers or signatures";
    RejectMalformed => "汇总服务器无法读取所发送的内容（{code}）。", "The intake could not read what was sent ({code}).";
    RejectUnauthorized => "管理令牌无效或已过期（{code}）。", "The admin token is not valid or has expired ({code}).";
    RejectNotFound => "汇总服务器上没有所请求的内容（{code}）。", "The intake has nothing at that address ({code}).";
    RejectConflict => "汇总服务器已存有同一编号的另一份数据包（{code}）。", "The intake holds another packet with this id ({code}).";
    RejectFilesMissing => "汇总服务器尚未收到数据包所附的文件（{code}）。", "The intake has not received the packet's files yet ({code}).";
    RejectRoles => "签字人的角色与数据包或注册码不符（{code}）。", "The signers' roles do not fit the packet or the code ({code}).";
    RejectKind => "汇总服务器不接收这一类型的数据包（{code}）。", "The intake does not take this kind of packet ({code}).";
    RejectUnexplained => "有须说明原因的项目未填写说明（{code}）。", "An item that needs an explanation has none ({code}).";
    RejectSubject => "被考核人填写有误或未本人签字（{code}）。", "The person assessed is wrong or did not sign ({code}).";
    RejectFuture => "数据包的时间晚于汇总服务器的时间，请核对本设备的时钟（{code}）。", "The packet's time is after the intake's clock: check this device's clock ({code}).";
    RejectRateLimited => "请求过于频繁，请稍后再试（{code}）。", "Too many requests: try again later ({code}).";
    RejectInternal => "汇总服务器出错，已记录，请稍后再试（{code}）。", "The intake failed and logged it: try again later ({code}).";
    RejectUnavailable => "汇总服务器的数据库暂不可用，未保存，请稍后再发送（{code}）。", "The intake's database is unavailable; nothing was stored: send again later ({code}).";
    RejectKey => "签名密钥未在汇总服务器登记为该单位的签字人（{code}）。请在“设置”中用该单位的注册码绑定密钥后重新上传；如单位填错，请点“改为草稿并更正”。", "A signing key is not enrolled for this unit ({code}). Enroll the key in Settings with a code for this unit, then upload again; if the unit is wrong, choose “Correct as a draft”.";
    RejectRevoked => "签名密钥已被吊销（{code}）。", "A signing key was revoked ({code}).";
    RejectCode => "注册码无效、已过期或已用过（{code}）。", "The enrollment code is not valid or was used ({code}).";
    RejectSignature => "签名无效（{code}）。", "A signature does not verify ({code}).";
    RejectTemplate => "汇总服务器没有这份清单，或版本不一致（{code}）。", "The intake does not have this checklist ({code}).";
    RejectInspection => "与所答复的检查数据包不符（{code}）。", "It does not match the inspection it answers ({code}).";
    RejectScore => "答案或评分未通过汇总服务器的核对（{code}）。", "The answers or score did not check out ({code}).";
    RejectTooLarge => "数据包过大（{code}）。", "The packet is too large ({code}).";
    RejectReceipt => "汇总服务器的回执未通过核验（{code}）。", "The intake's receipt does not verify ({code}).";
    RejectMissing => "本设备上已找不到这个数据包（{code}）。", "The packet is no longer on this device ({code}).";
    RejectOther => "汇总服务器拒收（{code}）。", "The intake refused it ({code}).";
    TplJson => "不是有效的清单 JSON，或字段类型不对", "not valid checklist JSON";
    TplFormat => "格式 {f} 不是 qingdan.template/1", "format {f} is not qingdan.template/1";
    TplBadId => "编号 {id} 不合规则（1 至 64 个字母、数字、“.”“_”或“-”）", "id {id} is not valid";
    TplDuplicate => "编号重复", "duplicate id";
    TplNoItems => "没有项目", "has no items";
    TplNoBands => "至少需要一个等次", "needs at least one grade band";
    TplEmptyBand => "下限 {min} 须低于上限 {max}", "min {min} must be below max {max}";
    TplBandRange => "范围 {min} 至 {max} 超出 0 至 100", "covers {min} to {max}, outside 0 to 100";
    TplBandOverlap => "与等次 {other} 在 {from} 至 {to} 重叠", "overlaps band {other} between {from} and {to}";
    TplBandGap => "{from} 至 {to} 没有等次覆盖", "no band covers {from} to {to}";
    TplUnknownBand => "等次 {band} 不存在", "band {band} does not exist";
    TplNoSuchItem => "引用的项目 {item} 不存在", "item {item} does not exist";
    TplTooFewOptions => "选项至少须有两个", "a choice needs at least two options";
    TplOther => "内容有误（原文见下）", "not valid";
    WorkbookCell => "工作簿 {f} 的单元格 {cell} 有误", "Workbook {f}: cell {cell} is wrong";
    WorkbookBad => "工作簿 {f} 未能读取", "Workbook {f} could not be read";
    NotText => "{f}：不是 UTF-8 文本（第 {n} 字节无效）", "{f}: not UTF-8 text (invalid byte at offset {n})";
    Unreadable => "{f}：未能读取文件", "{f}: the file could not be read: {e}";
}

/// `text` with each `{name}` replaced by its value.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The language named `code` (`zh` or `en`).
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
