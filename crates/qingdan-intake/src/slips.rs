//! Enrollment codes on paper: codes issued for many units and roles at
//! once, printed as an A4 sheet of slips, each with the unit, the role,
//! the code, its expiry and a QR code that opens the field app (served by
//! this intake) at its enrollment screen with the code filled in
//! (`<intake>/#/enroll/<code>`). The sheet is made once: the codes are
//! stored hashed and never shown again.

use crate::accounts::Actor;
use crate::errors::AdminError;
use crate::intake::Intake;
use crate::store::{CODE_ID_LEN, CodeListed};

/// The most slips one sheet may hold (the codes are issued at once).
pub const MAX_SLIPS: usize = 2000;

/// One code issued, for its slip.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Slip {
    /// The unit's code (`*`: an inspector's, every unit).
    pub unit: String,
    /// The unit's name.
    pub unit_name: String,
    /// The role the key will sign as.
    pub role: String,
    /// The one-time code.
    pub code: String,
    /// When it stops working.
    pub expires_at: String,
    /// The link its QR code holds.
    pub link: String,
}

/// The sheet's one style block (its hash is in the Content-Security-Policy):
/// slips in two columns, cut lines, no page break inside a slip.
pub const STYLE: &str = "<style>@page{size:A4;margin:10mm}body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;color:#111}h1{font-size:14pt;margin:0 0 4mm}.slips{display:grid;grid-template-columns:1fr 1fr;gap:0}.slip{border:1px dashed #888;padding:4mm;display:flex;gap:4mm;break-inside:avoid;page-break-inside:avoid}.slip svg{width:34mm;height:34mm;flex:none}.slip dl{margin:0;font-size:10.5pt;line-height:1.5}.slip dt{color:#555;float:left;clear:left;width:5.5em}.slip dd{margin:0 0 0 5.5em}.code{font:bold 13pt ui-monospace,monospace;letter-spacing:.05em}.hint{font-size:8.5pt;color:#555;margin-top:1mm}</style>";

/// A role as the office names it.
pub fn role_zh(role: &str) -> &str {
    match role {
        "principal" => "主要负责人",
        "supervisory" => "纪检监察负责人",
        "member" => "班子成员",
        "inspector" => "考核组成员",
        other => other,
    }
}

/// The printable sheet of `slips` (the page's title says how many, made
/// when, and that it is shown once).
pub fn sheet(slips: &[Slip], made_at: &str) -> String {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>登记码（{n} 张）</title>{STYLE}</head><body>\
         <h1>设备登记码 · {n} 张 · 制作于 {made}（只显示一次，请妥善保管、当面发放）</h1><div class=\"slips\">",
        n = slips.len(),
        made = esc(made_at),
    );
    for slip in slips {
        let unit = if slip.unit == "*" {
            "全部单位（考核组）".to_owned()
        } else {
            format!("{}（{}）", slip.unit_name, slip.unit)
        };
        html.push_str(&format!(
            "<section class=\"slip\" data-testid=\"slip\" data-unit=\"{u}\" data-role=\"{r}\" data-code=\"{c}\" data-link=\"{l}\">{qr}\
             <dl><dt>单位</dt><dd>{unit}</dd><dt>角色</dt><dd>{role}</dd><dt>登记码</dt><dd class=\"code\">{c}</dd>\
             <dt>有效期至</dt><dd>{exp}</dd></dl><div class=\"hint\">用平板扫码打开，在“设置”中选择本人密钥后登记；一次有效。</div></section>",
            u = esc(&slip.unit),
            r = esc(&slip.role),
            c = esc(&slip.code),
            l = esc(&slip.link),
            qr = crate::install::qr_svg(&slip.link),
            unit = esc(&unit),
            role = esc(role_zh(&slip.role)),
            exp = esc(&chrono::DateTime::parse_from_rfc3339(&slip.expires_at).map_or_else(
                |_| slip.expires_at.clone(),
                |at| crate::output_time(at.to_utc())
            )),
        ));
    }
    html.push_str("</div></body></html>");
    html
}

/// The printable sheet of an evaluation's ballot slips: each with the
/// evaluation, the rater group, the code and a QR code of `<base>/ballot.html#<id>/<code>`
/// (`base`: the intake's address as phones reach it). Made once.
pub fn ballot_sheet(
    e: &qingdan_core::evaluation::Evaluation,
    slips: &[crate::evaluations::Slip],
    base: &str,
    made_at: &str,
) -> String {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let doc = e.doc();
    let mut html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>测评票（{n} 张）</title>{STYLE}</head><body>\
         <h1>{title} · 测评票 {n} 张 · 制作于 {made}（只显示一次；随机发放，不记姓名）</h1><div class=\"slips\">",
        n = slips.len(),
        title = esc(&doc.title.zh),
        made = esc(made_at),
    );
    for slip in slips {
        let link = format!(
            "{}/ballot.html#{}/{}",
            base.trim_end_matches('/'),
            doc.id,
            slip.code
        );
        let group = doc
            .groups
            .iter()
            .find(|g| g.id == slip.group)
            .map_or(slip.group.as_str(), |g| g.title.zh.as_str());
        html.push_str(&format!(
            "<section class=\"slip\" data-testid=\"ballot-slip\" data-group=\"{g}\" data-code=\"{c}\" data-link=\"{l}\">{qr}\
             <dl><dt>测评</dt><dd>{title}</dd><dt>类别</dt><dd>{group}</dd><dt>选票码</dt><dd class=\"code\">{c}</dd></dl>\
             <div class=\"hint\">用手机扫码打开测评票，逐项评价后提交；一票一次，不记姓名。</div></section>",
            g = esc(&slip.group),
            c = esc(&slip.code),
            l = esc(&link),
            qr = crate::install::qr_svg(&link),
            title = esc(&doc.title.zh),
            group = esc(group),
        ));
    }
    html.push_str("</div></body></html>");
    html
}

impl Intake {
    /// Issues one code for each unit and role (every registered unit when
    /// `units` is empty), at most [`MAX_SLIPS`], for an intake reached at
    /// `base` (the links' address). All are checked before any is issued.
    pub async fn issue_slips(
        &self,
        units: &[String],
        roles: &[String],
        base: &str,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<Slip>, AdminError> {
        if roles.is_empty() {
            return Err(AdminError::Invalid("roles: name at least one role".into()));
        }
        let units: Vec<(String, String)> = if units.is_empty() {
            let (all, total) = self
                .store()
                .units_page(0, i64::try_from(MAX_SLIPS + 1).unwrap_or(i64::MAX))
                .await?;
            if usize::try_from(total).unwrap_or(usize::MAX) > MAX_SLIPS {
                return Err(AdminError::Invalid(format!(
                    "units: {total} units are registered; name at most {MAX_SLIPS} slips' units at once"
                )));
            }
            all.into_iter().map(|u| (u.code, u.name)).collect()
        } else {
            let mut named = Vec::new();
            for unit in units {
                if unit == "*" {
                    named.push(("*".to_owned(), String::new()));
                    continue;
                }
                let name = self
                    .store()
                    .unit_name(unit)
                    .await?
                    .ok_or_else(|| AdminError::UnitNotRegistered(unit.clone()))?;
                named.push((unit.clone(), name));
            }
            named
        };
        for (unit, _) in &units {
            for role in roles {
                crate::intake::check_role(unit, role)?;
            }
        }
        let count = units.len().saturating_mul(roles.len());
        if count > MAX_SLIPS {
            return Err(AdminError::Invalid(format!(
                "{count} slips asked for; at most {MAX_SLIPS} on one sheet"
            )));
        }
        if count == 0 {
            return Err(AdminError::Invalid(
                "units: no unit to issue codes for".into(),
            ));
        }
        let base = base.trim_end_matches('/');
        let mut slips = Vec::with_capacity(count);
        for (unit, unit_name) in &units {
            for role in roles {
                let (code, expires_at) = self.issue_code(unit, role, now).await?;
                slips.push(Slip {
                    unit: unit.clone(),
                    unit_name: unit_name.clone(),
                    role: role.clone(),
                    link: format!("{base}/#/enroll/{code}"),
                    code,
                    expires_at,
                });
            }
        }
        self.record(
            actor,
            "code.sheet",
            &format!("{} codes for {} units", slips.len(), units.len()),
            now,
        )
        .await?;
        Ok(slips)
    }

    /// A page of the enrollment codes issued (of `unit` when given), the
    /// latest first, with how many there are: ids, never the codes.
    pub async fn codes_page(
        &self,
        unit: Option<&str>,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<CodeListed>, i64), AdminError> {
        let offset = i64::try_from(page.max(1).saturating_sub(1).saturating_mul(per_page))
            .unwrap_or(i64::MAX);
        let limit = i64::try_from(per_page).unwrap_or(i64::MAX);
        Ok(self.store().codes_page(unit, offset, limit).await?)
    }

    /// Withdraws the unused enrollment code `code_id` (as listed): it
    /// never enrolls a key. A used code is refused (its key is revoked
    /// instead), as is an id no code has.
    pub async fn withdraw_code(
        &self,
        code_id: &str,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AdminError> {
        let id = code_id.trim();
        let well_formed =
            id.len() == CODE_ID_LEN && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !well_formed {
            return Err(AdminError::NoSuchCode(id.to_owned()));
        }
        match self.store().withdraw_code(id).await? {
            None => Err(AdminError::NoSuchCode(id.to_owned())),
            Some(false) => Err(AdminError::CodeUsed(id.to_owned())),
            Some(true) => self.record(actor, "code.withdraw", id, now).await,
        }
    }
}
