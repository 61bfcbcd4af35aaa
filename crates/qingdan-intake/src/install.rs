//! `/install` and `/ca.pem`: how a device comes to trust the office
//! authority, in Chinese (English with `?lang=en`), with the app's address
//! as a QR code; served over HTTPS and, before a device trusts anything,
//! over plain HTTP too.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::tls::{Tls, origin};

/// What the page shows.
#[derive(Debug)]
pub struct Install {
    tls: Tls,
}

impl Install {
    /// The page for an intake served with `tls`.
    pub fn new(tls: Tls) -> Arc<Install> {
        Arc::new(Install { tls })
    }

    /// `https://NAME:PORT/` for each name devices use.
    pub fn addresses(&self) -> Vec<String> {
        self.tls
            .names
            .iter()
            .map(|name| origin(name, self.tls.port) + "/")
            .collect()
    }
}

/// The page's one style block; its hash is in the Content-Security-Policy
/// (`headers.rs`), as the other pages' are.
pub const STYLE: &str = "<style>body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;line-height:1.6;color:#1b1f24}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem}.qr{display:flex;gap:1.5rem;flex-wrap:wrap}.qr figure{margin:0;text-align:center}.qr svg{width:180px;height:180px}code{word-break:break-all;background:#f2f4f7;padding:0 .25rem}a.button{display:inline-block;padding:.6rem 1rem;background:#0b5cad;color:#fff;border-radius:.3rem;text-decoration:none;font-size:1.05rem}nav{float:right}</style>";

/// `?lang=en`.
#[derive(Debug, serde::Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// `GET /install`.
pub async fn page(
    State(install): State<Arc<Install>>,
    Query(query): Query<LangQuery>,
) -> Html<String> {
    let en = query.lang.as_deref() == Some("en");
    Html(render(&install, en))
}

/// `GET /ca.pem`: the office authority's certificate, with a name and type
/// that Windows, Android and iPadOS open as a certificate to install.
pub async fn ca_pem(State(install): State<Arc<Install>>) -> Response {
    match &install.tls.authority {
        Some(authority) => (
            [
                (header::CONTENT_TYPE, "application/x-x509-ca-cert"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"qingdan-office-ca.crt\"",
                ),
            ],
            authority.pem.clone(),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "this intake serves the office's own certificate: there is no office authority to install\n",
        )
            .into_response(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The QR code of `text` as inline SVG (no XML declaration: it sits in HTML).
pub(crate) fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(180, 180)
                .quiet_zone(true)
                .build();
            match svg.find("<svg") {
                Some(start) => svg[start..].to_owned(),
                None => svg,
            }
        }
        // An address too long for a QR code: the link still shows.
        Err(_) => String::new(),
    }
}

fn render(install: &Install, en: bool) -> String {
    let t = |zh: &'static str, english: &'static str| if en { english } else { zh };
    let mut qr = String::new();
    for address in install.addresses() {
        let address = escape(&address);
        qr.push_str(&format!(
            "<figure>{}<figcaption><a href=\"{address}\">{address}</a></figcaption></figure>",
            qr_svg(&address)
        ));
    }
    let steps = match &install.tls.authority {
        Some(authority) => format!(
            "<h2>{h1}</h2><p><a class=\"button\" href=\"/ca.pem\" download=\"qingdan-office-ca.crt\" data-testid=\"ca-download\">{dl}</a></p>\
             <p>{fp_intro}<br><code data-testid=\"ca-fingerprint\">{fp}</code></p>\
             <h2>Windows</h2><ol>{win}</ol>\
             <h2>Android</h2><ol>{android}</ol>\
             <h2>iPadOS / iOS</h2><ol>{ios}</ol>\
             <h2>{chromium_h}</h2><ol>{chromium}</ol>",
            h1 = t(
                "第一步：下载本单位的证书",
                "Step 1: download the office certificate"
            ),
            dl = t(
                "下载证书 qingdan-office-ca.crt",
                "Download qingdan-office-ca.crt"
            ),
            fp_intro = t(
                "安装前请核对证书指纹（SHA-256），应与管理员打印或告知的一致：",
                "Before installing, check its fingerprint (SHA-256) against the one the administrator printed or told you:"
            ),
            fp = escape(&authority.fingerprint),
            win = t(
                "<li>双击下载的 qingdan-office-ca.crt，点“安装证书”。</li><li>选“本地计算机”（或“当前用户”），下一步。</li><li>选“将所有的证书都放入下列存储”，浏览，选“受信任的根证书颁发机构”，确定，下一步，完成。</li><li>关闭并重新打开浏览器。</li>",
                "<li>Double-click the downloaded qingdan-office-ca.crt and choose Install Certificate.</li><li>Choose Local Machine (or Current User), Next.</li><li>Choose “Place all certificates in the following store”, Browse, pick Trusted Root Certification Authorities, OK, Next, Finish.</li><li>Close the browser and open it again.</li>"
            ),
            android = t(
                "<li>打开“设置” → “安全”（或“安全和隐私” → “更多安全设置”） → “加密与凭据” → “安装证书” → “CA 证书”。</li><li>提示风险时选“仍然安装”，选择下载的 qingdan-office-ca.crt。</li><li>各品牌手机菜单名称略有不同，可在设置中搜索“CA 证书”。</li>",
                "<li>Open Settings → Security (or Security &amp; privacy → More security settings) → Encryption &amp; credentials → Install a certificate → CA certificate.</li><li>Choose Install anyway, then the downloaded qingdan-office-ca.crt.</li><li>Menu names differ between brands; search Settings for “CA certificate”.</li>"
            ),
            ios = t(
                "<li>用 Safari 打开本页，点上面的“下载证书”，选“允许”。</li><li>打开“设置” → “已下载描述文件” → “安装”，输入设备密码。</li><li>再打开“设置” → “通用” → “关于本机” → “证书信任设置”，打开对本证书的完全信任。</li>",
                "<li>Open this page in Safari, tap Download above, then Allow.</li><li>Open Settings → Profile Downloaded → Install, and enter the passcode.</li><li>Then Settings → General → About → Certificate Trust Settings: turn on full trust for this certificate.</li>"
            ),
            chromium_h = t(
                "Chrome、Edge、360 等浏览器（自带证书列表时）",
                "Chrome, Edge and other Chromium-based browsers (when they keep their own list)"
            ),
            chromium = t(
                "<li>打开浏览器“设置” → “隐私和安全” → “安全” → “管理证书”。</li><li>在“授权机构”（或“受信任的根证书颁发机构”）中点“导入”，选择 qingdan-office-ca.crt。</li><li>勾选“信任该证书，以标识网站”，确定。</li>",
                "<li>Open the browser's Settings → Privacy and security → Security → Manage certificates.</li><li>Under Authorities (or Trusted Root Certification Authorities) choose Import and pick qingdan-office-ca.crt.</li><li>Tick “Trust this certificate for identifying websites”, OK.</li>"
            ),
        ),
        None => format!(
            "<p>{}</p>",
            t(
                "本系统使用本单位自己的证书。如果浏览器提示证书不受信任，请联系本单位信息化人员。",
                "This intake serves the office's own certificate. If a browser says it is not trusted, ask the office's IT staff."
            )
        ),
    };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{title}</title>{style}</head><body>\
         <nav><a href=\"{switch_href}\" data-testid=\"install-lang\">{switch}</a></nav><h1>{title}</h1>\
         <p>{why}</p><div class=\"qr\">{qr}</div>{steps}\
         <h2>{last_h}</h2><p>{last}</p></body></html>",
        lang = if en { "en" } else { "zh-CN" },
        title = t("在本设备上使用清单考核系统", "Use Qingdan on this device"),
        style = STYLE,
        switch_href = if en { "/install" } else { "/install?lang=en" },
        switch = if en { "中文" } else { "English" },
        why = t(
            "浏览器只在安全连接（HTTPS）下允许生成签名密钥和离线使用。本系统在单位内网使用单位自己的证书，每台设备需先信任一次该证书。扫描下面的二维码或输入地址打开系统：",
            "Browsers make signing keys and work offline only over a secure connection (HTTPS). On the office network this intake uses the office's own certificate, which each device trusts once. Scan a QR code below, or type the address, to open the app:"
        ),
        last_h = t("最后", "Then"),
        last = t(
            "用上面的地址打开系统。首次打开后，系统可在无网络时使用。",
            "Open the address above. After the first visit the app works with no network."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_code_is_inline_svg() {
        let svg = qr_svg("https://qingdan.test:8443/");
        assert!(svg.starts_with("<svg"), "{svg:.60}");
        assert!(svg.contains("<path") || svg.contains("<rect"), "{svg:.200}");
    }
}
