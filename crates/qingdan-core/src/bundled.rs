//! The responsibility lists that ship with Qingdan, derived from the source
//! documents (责任清单 of the "two responsibilities"). They are compiled in,
//! so the browser app has them with no network.

/// A bundled checklist.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// The template id.
    pub id: &'static str,
    /// The file name under `crates/qingdan-core/templates/`.
    pub file: &'static str,
    /// The template JSON.
    pub json: &'static str,
}

macro_rules! bundle {
    ($($id:literal),* $(,)?) => {
        &[$(Bundled { id: $id, file: concat!($id, ".json"), json: include_str!(concat!("../templates/", $id, ".json")) }),*]
    };
}

/// Every bundled checklist.
pub const ALL: &[Bundled] = bundle![
    "zhuti-zeren-dangwei",
    "diyi-zerenren",
    "yigang-shuangze",
    "jiandu-zeren",
    "jiancha-kaohe",
    "lianzheng-fengxian"
];

/// The bundled checklist with this id.
pub fn find(id: &str) -> Option<&'static Bundled> {
    ALL.iter().find(|b| b.id == id)
}
