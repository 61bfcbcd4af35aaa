//! The screens' places in the URL's hash.

/// A screen's place, parsed from the URL's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `#/`
    Home,
    /// `#/new/<template>`
    New(String),
    /// `#/a/<id>`
    Fill(String),
    /// `#/a/<id>/review`
    Review(String),
    /// `#/a/<id>/sign`
    Sign(String),
    /// `#/open`
    Open,
    /// `#/settings`
    Settings,
    /// `#/enroll/<code>`: Settings with an enrollment code filled in (the
    /// link of a printed slip's QR code, on the intake that serves the app).
    Enroll(String),
}

impl Route {
    /// The route of `hash` (`#/a/…`); home for anything unknown.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let decode = |s: &str| {
            js_sys::decode_uri_component(s)
                .map(String::from)
                .unwrap_or_else(|_| s.to_owned())
        };
        match parts.as_slice() {
            ["new", t] => Route::New(decode(t)),
            ["a", id] => Route::Fill(decode(id)),
            ["a", id, "review"] => Route::Review(decode(id)),
            ["a", id, "sign"] => Route::Sign(decode(id)),
            ["open"] => Route::Open,
            ["settings"] => Route::Settings,
            ["enroll", code] => Route::Enroll(decode(code)),
            _ => Route::Home,
        }
    }

    /// The hash that names this route.
    pub fn href(&self) -> String {
        let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
        match self {
            Route::Home => "#/".into(),
            Route::New(t) => format!("#/new/{}", enc(t)),
            Route::Fill(id) => format!("#/a/{}", enc(id)),
            Route::Review(id) => format!("#/a/{}/review", enc(id)),
            Route::Sign(id) => format!("#/a/{}/sign", enc(id)),
            Route::Open => "#/open".into(),
            Route::Settings => "#/settings".into(),
            Route::Enroll(code) => format!("#/enroll/{}", enc(code)),
        }
    }
}

/// Goes to `route`.
pub fn go(route: &Route) {
    let _ = gloo::utils::window().location().set_hash(&route.href());
}

/// The route the page's URL names now.
pub fn current() -> Route {
    Route::parse(&gloo::utils::window().location().hash().unwrap_or_default())
}
