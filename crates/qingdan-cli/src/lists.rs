//! `unit list`, `key list`, `code list` and `packet list`: what the intake
//! holds, as a table for people (times in local time) or as JSON or CSV
//! for programs (times RFC 3339 UTC). Each is read from the database a
//! page at a time and printed as it is read, so a listing of any length
//! holds one page in memory.

use anyhow::Context as _;
use qingdan_core::keys;
use qingdan_intake::{CodeInfo, KeyInfo, PacketFilter, PacketInfo, UnitInfo};
use serde::Serialize;

use crate::Failure;
use crate::intake::Database;
use crate::output::{self, errln, out, outln};

/// How many rows are read, and drawn as one table, at a time.
const PAGE: i64 = 500;

/// How a listing is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// A table, times in local time.
    Table,
    /// A JSON array of objects, times RFC 3339 UTC.
    Json,
    /// CSV (UTF-8 with a BOM, for Excel), times RFC 3339 UTC.
    Csv,
}

/// A row of a listing: its columns for a table or CSV, and itself as JSON.
trait Listed: Serialize {
    /// The column headers.
    const HEADERS: &[&str];
    /// The cells, each time written by `time`.
    fn cells(&self, time: &dyn Fn(&str) -> String) -> Vec<String>;
}

/// A listing being written, page by page.
struct Listing {
    format: ListFormat,
    headers: &'static [&'static str],
    rows: usize,
}

impl Listing {
    fn start(format: ListFormat, headers: &'static [&'static str]) -> Listing {
        match format {
            ListFormat::Json => out!("["),
            ListFormat::Csv => out!("\u{feff}{}", csv_line(headers.iter().copied())),
            ListFormat::Table => {}
        }
        Listing {
            format,
            headers,
            rows: 0,
        }
    }

    /// Writes a page; whether to read on (the page was full and the reader
    /// of the output is still there).
    fn page<T: Listed>(&mut self, page: &[T]) -> anyhow::Result<bool> {
        match self.format {
            ListFormat::Json => {
                for row in page {
                    let json = serde_json::to_string(row).context("cannot write JSON")?;
                    let comma = if self.rows == 0 { "" } else { "," };
                    out!("{comma}\n  {json}");
                    self.rows += 1;
                }
            }
            ListFormat::Csv => {
                for row in page {
                    let cells = row.cells(&|t| t.to_owned());
                    out!("{}", csv_line(cells.iter().map(String::as_str)));
                    self.rows += 1;
                }
            }
            ListFormat::Table if !page.is_empty() => {
                let mut table = comfy_table::Table::new();
                table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
                table.set_header(self.headers.iter().copied());
                for row in page {
                    table.add_row(row.cells(&output::local));
                }
                outln!("{table}");
                self.rows += page.len();
            }
            ListFormat::Table => {}
        }
        Ok(page.len() as i64 == PAGE && !output::closed())
    }

    /// Ends the listing; for a table, says when there was nothing to list.
    fn finish(self, nothing: &str) {
        match self.format {
            ListFormat::Json if self.rows == 0 => outln!("]"),
            ListFormat::Json => outln!("\n]"),
            ListFormat::Csv => {}
            ListFormat::Table if self.rows == 0 => errln!("{nothing}"),
            ListFormat::Table => errln!("{} listed", self.rows),
        }
    }
}

/// One CSV line (RFC 4180, CRLF), as the reports write theirs: a field is
/// quoted when it holds a comma, a quote or a line break, and one that
/// begins with `=`, `+`, `-` or `@` gets a leading `'` so that a
/// spreadsheet does not take it for a formula.
fn csv_line<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    let mut line = String::new();
    for (n, cell) in cells.enumerate() {
        if n > 0 {
            line.push(',');
        }
        let mut field = cell.to_owned();
        if field.starts_with(['=', '+', '-', '@']) {
            field.insert(0, '\'');
        }
        if field.contains([',', '"', '\r', '\n']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(&field);
        }
    }
    line.push_str("\r\n");
    line
}

/// A unit code as people read it: `*` is every unit.
fn unit_label(unit: &str) -> String {
    if unit == qingdan_core::trust::ALL_UNITS {
        "*（全部单位）".to_owned()
    } else {
        unit.to_owned()
    }
}

/// A key's fingerprint, or the key itself when it does not decode.
fn fingerprint(public_key: &str) -> String {
    keys::decode_public_key(public_key)
        .map(|k| keys::fingerprint(&k))
        .unwrap_or_else(|_| public_key.to_owned())
}

impl Listed for UnitInfo {
    const HEADERS: &[&str] = &["单位代码", "单位名称", "登记时间", "上级单位代码"];

    fn cells(&self, time: &dyn Fn(&str) -> String) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            time(&self.created_at),
            self.parent_code.clone().unwrap_or_default(),
        ]
    }
}

impl Listed for KeyInfo {
    const HEADERS: &[&str] = &[
        "单位",
        "角色",
        "姓名",
        "指纹",
        "公钥",
        "登记时间",
        "吊销时间",
    ];

    fn cells(&self, time: &dyn Fn(&str) -> String) -> Vec<String> {
        vec![
            unit_label(&self.unit),
            self.role.clone(),
            self.name.clone(),
            fingerprint(&self.public_key),
            self.public_key.clone(),
            time(&self.enrolled_at),
            self.revoked_at.as_deref().map(time).unwrap_or_default(),
        ]
    }
}

/// An enrollment code and where it stands now.
#[derive(Serialize)]
struct CodeRow {
    /// The code's id (the start of its hash), as `code withdraw` takes it.
    code_id: String,
    #[serde(flatten)]
    code: CodeInfo,
    /// `unused`, `redeemed` or `expired`.
    status: &'static str,
}

impl Listed for CodeRow {
    const HEADERS: &[&str] = &[
        "编号",
        "单位",
        "角色",
        "状态",
        "签发时间",
        "有效期至",
        "使用时间",
        "绑定密钥指纹",
    ];

    fn cells(&self, time: &dyn Fn(&str) -> String) -> Vec<String> {
        let c = &self.code;
        let status = match self.status {
            "redeemed" => "已使用",
            "expired" => "已过期",
            _ => "未使用",
        };
        vec![
            self.code_id.clone(),
            unit_label(&c.unit),
            c.role.clone(),
            status.to_owned(),
            time(&c.created_at),
            time(&c.expires_at),
            c.redeemed_at.as_deref().map(time).unwrap_or_default(),
            c.public_key.as_deref().map(fingerprint).unwrap_or_default(),
        ]
    }
}

impl Listed for PacketInfo {
    const HEADERS: &[&str] = &[
        "接收时间",
        "单位代码",
        "期间",
        "类型",
        "清单",
        "总分",
        "等次",
        "否决项",
        "数据包编号",
    ];

    fn cells(&self, time: &dyn Fn(&str) -> String) -> Vec<String> {
        let kind = match self.kind.as_str() {
            "self-assessment" => "自查自评",
            "inspection" => "检查考核",
            "rectification" => "整改反馈",
            other => other,
        };
        vec![
            time(&self.received_at),
            self.unit_code.clone(),
            self.period.clone(),
            kind.to_owned(),
            format!("{} v{}", self.template_id, self.template_version),
            self.total.clone(),
            self.grade.clone(),
            self.vetoes.to_string(),
            self.id.clone(),
        ]
    }
}

/// `qingdan unit list`.
pub fn units(database: &Database, format: ListFormat) -> Result<(), Failure> {
    crate::intake::with_intake(database, async |intake| {
        let store = intake.store();
        let mut listing = Listing::start(format, UnitInfo::HEADERS);
        let mut after: Option<String> = None;
        loop {
            let page = store
                .units_after(after.as_deref(), PAGE)
                .await
                .context("cannot read the units")?;
            after = page.last().map(|u| u.code.clone());
            if !listing.page(&page)? {
                break;
            }
        }
        listing.finish("no unit is registered (qingdan unit add --code … --name …)");
        Ok(())
    })
}

/// `qingdan key list`.
pub fn keys(database: &Database, format: ListFormat) -> Result<(), Failure> {
    crate::intake::with_intake(database, async |intake| {
        let store = intake.store();
        let mut listing = Listing::start(format, KeyInfo::HEADERS);
        let mut after = None;
        loop {
            let page = store
                .keys_after(after.as_ref(), PAGE)
                .await
                .context("cannot read the keys")?;
            after = page.last().map(KeyInfo::cursor);
            if !listing.page(&page)? {
                break;
            }
        }
        listing.finish("no key is enrolled (qingdan key enroll, or qingdan key code for a device)");
        Ok(())
    })
}

/// `qingdan code list`: never the codes themselves, which are shown once.
pub fn codes(database: &Database, format: ListFormat) -> Result<(), Failure> {
    let now = qingdan_intake::now();
    crate::intake::with_intake(database, async |intake| {
        let store = intake.store();
        let mut listing = Listing::start(format, CodeRow::HEADERS);
        let mut after: Option<String> = None;
        loop {
            let page = store
                .codes_after(after.as_deref(), PAGE)
                .await
                .context("cannot read the enrollment codes")?;
            after = page.last().map(|c| c.hash.clone());
            let rows: Vec<CodeRow> = page
                .into_iter()
                .map(|code| {
                    let status = if code.redeemed_at.is_some() {
                        "redeemed"
                    } else if code.expires_at <= now {
                        "expired"
                    } else {
                        "unused"
                    };
                    CodeRow {
                        code_id: code
                            .hash
                            .get(..qingdan_intake::CODE_ID_LEN)
                            .unwrap_or_default()
                            .to_owned(),
                        code,
                        status,
                    }
                })
                .collect();
            if !listing.page(&rows)? {
                break;
            }
        }
        listing.finish("no enrollment code was issued (qingdan key code --unit … --role …)");
        Ok(())
    })
}

/// `qingdan packet list`: the packets the intake holds, in the order it
/// received them.
pub fn packets(
    database: &Database,
    filter: PacketFilter,
    format: ListFormat,
) -> Result<(), Failure> {
    crate::intake::with_intake(database, async |intake| {
        let store = intake.store();
        let mut listing = Listing::start(format, PacketInfo::HEADERS);
        let mut after = None;
        loop {
            let page = store
                .packets_after(&filter, after.as_ref(), PAGE)
                .await
                .context("cannot read the packets")?;
            after = page.last().map(PacketInfo::cursor);
            if !listing.page(&page)? {
                break;
            }
        }
        listing.finish("no packet matches");
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        assert_eq!(
            csv_line(["a", "b,c", "say \"hi\"", "=1+1"].into_iter()),
            "a,\"b,c\",\"say \"\"hi\"\"\",'=1+1\r\n"
        );
    }
}
