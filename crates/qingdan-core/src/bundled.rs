//! The responsibility lists that ship with Qingdan, derived from the source
//! documents (责任清单 of the "two responsibilities"). They are compiled in,
//! so the browser app has them with no network.
//!
//! Every version ever released stays bundled: a draft begun on an earlier
//! version still opens, and a packet signed on it still verifies. New
//! assessments use the latest (`templates/<id>.json`); earlier versions
//! live under `templates/v<N>/`.

/// A bundled checklist.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// The template id.
    pub id: &'static str,
    /// The template version.
    pub version: u32,
    /// The file's path under `crates/qingdan-core/templates/`.
    pub file: &'static str,
    /// Where its JSON is in [`JSON`].
    index: usize,
}

impl Bundled {
    /// The template JSON. The texts are linked into a program only if it
    /// calls this.
    pub fn json(&self) -> &'static str {
        JSON[self.index]
    }
}

macro_rules! bundle {
    ($($dir:literal $version:literal [$($id:literal),* $(,)?]),* $(,)?) => {
        /// Every bundled checklist at every version, the latest versions first.
        pub static ALL: &[Bundled] = {
            let mut index = 0;
            &[$($(Bundled {
                id: $id,
                version: $version,
                file: concat!($dir, $id, ".json"),
                index: { index += 1; index - 1 },
            }),*),*]
        };
        static JSON: &[&str] = &[$($(include_str!(concat!("../templates/", $dir, $id, ".json"))),*),*];
    };
}

bundle![
    "" 2 [
        "zhuti-zeren-dangwei",
        "diyi-zerenren",
        "yigang-shuangze",
        "jiandu-zeren",
        "jiancha-kaohe",
        "lianzheng-fengxian",
    ],
    "v1/" 1 [
        "zhuti-zeren-dangwei",
        "diyi-zerenren",
        "yigang-shuangze",
        "jiandu-zeren",
        "jiancha-kaohe",
        "lianzheng-fengxian",
    ],
];

/// The latest version of every bundled checklist: what new assessments use.
pub fn latest() -> impl Iterator<Item = &'static Bundled> {
    ALL.iter()
        .filter(|b| !ALL.iter().any(|o| o.id == b.id && o.version > b.version))
}

/// The latest bundled version of the checklist with this id.
pub fn find(id: &str) -> Option<&'static Bundled> {
    latest().find(|b| b.id == id)
}

/// The bundled checklist with this id at this version.
pub fn find_version(id: &str, version: u32) -> Option<&'static Bundled> {
    ALL.iter().find(|b| b.id == id && b.version == version)
}
