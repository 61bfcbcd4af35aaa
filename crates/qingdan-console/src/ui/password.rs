//! A new password: the current one, the new one twice. Forced (a one-time
//! password) it is all the console shows; the intake's refusal (too easy
//! to guess, the current one wrong) is said by its code.

use yew::prelude::*;

use super::{input_text, notice_view};
use crate::client;
use crate::ctx::use_ctx;
use crate::i18n::T;
use crate::messages::Message;
use crate::state::Notice;

/// The shortest password the intake takes.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// What the form says before asking the intake: the field that is wrong
/// and why.
pub fn check(current: &str, new: &str, again: &str) -> Result<(), (&'static str, T)> {
    if current.is_empty() {
        return Err(("current", T::NeedCurrent));
    }
    if new.chars().count() < MIN_PASSWORD_CHARS {
        return Err(("password", T::PasswordShort));
    }
    if new != again {
        return Err(("confirm", T::PasswordsDiffer));
    }
    Ok(())
}

/// Whether the password must change before anything else.
#[derive(Properties, PartialEq)]
pub struct PasswordProps {
    /// A one-time password: the console shows nothing else.
    pub forced: bool,
}

/// The password page.
#[function_component]
pub fn PasswordPage(props: &PasswordProps) -> Html {
    let ctx = use_ctx();
    let t = |k: T| ctx.t(k);
    let (current, new, again) = (use_node_ref(), use_node_ref(), use_node_ref());
    let notice = use_state(|| Notice::None);
    let busy = use_state(|| false);
    let submit = {
        let (current, new, again) = (current.clone(), new.clone(), again.clone());
        let (notice, busy, ctx) = (notice.clone(), busy.clone(), ctx.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (typed, chosen) = (input_text(&current), input_text(&new));
            if let Err((_, why)) = check(&typed, &chosen, &input_text(&again)) {
                notice.set(Notice::Error(Message::Plain(why)));
                return;
            }
            busy.set(true);
            let (notice, busy, ctx) = (notice.clone(), busy.clone(), ctx.clone());
            let fields = [current.clone(), new.clone(), again.clone()];
            wasm_bindgen_futures::spawn_local(async move {
                let answer = client::change_password(&typed, &chosen).await;
                busy.set(false);
                match answer {
                    Ok(()) => {
                        for field in &fields {
                            if let Some(input) = field.cast::<web_sys::HtmlInputElement>() {
                                input.set_value("");
                            }
                        }
                        notice.set(Notice::Ok(Message::Plain(T::PasswordChanged)));
                        ctx.password_changed.emit(());
                    }
                    Err(e) => notice.set(Notice::Error(Message::Password(ctx.check(e)))),
                }
            });
        })
    };
    html! {
        <main class="password" data-testid="password-page" data-ready="true"
              data-forced={props.forced.to_string()}>
            <h1>{ t(T::ChangePassword) }</h1>
            if props.forced {
                <p class="notice warn" data-testid="must-change">{ t(T::MustChange) }</p>
            }
            <form class="form narrow" onsubmit={submit} data-testid="password-form">
                <label>{ t(T::CurrentPassword) }
                    <input ref={current} type="password" autocomplete="current-password"
                           data-testid="password-current" />
                </label>
                <label>{ t(T::NewPassword) }
                    <input ref={new} type="password" autocomplete="new-password"
                           data-testid="password-new" />
                    <small class="muted">{ t(T::PasswordRule) }</small>
                </label>
                <label>{ t(T::ConfirmPassword) }
                    <input ref={again} type="password" autocomplete="new-password"
                           data-testid="password-confirm" />
                </label>
                <button type="submit" class="primary" disabled={*busy} data-testid="password-submit">
                    { t(T::ChangePassword) }
                </button>
                { notice_view(&notice, ctx.lang, "password-notice") }
            </form>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_is_twelve_characters_typed_twice_alike() {
        assert_eq!(check("", "x", "x"), Err(("current", T::NeedCurrent)));
        // Twelve characters, not bytes: Chinese characters count one each.
        assert_eq!(
            check(
                "old",
                "足足十二个字的中文密码呀",
                "足足十二个字的中文密码呀"
            ),
            Ok(())
        );
        assert_eq!(
            check("old", "short", "short"),
            Err(("password", T::PasswordShort))
        );
        assert_eq!(
            check("old", "a long enough one", "a long enough 1"),
            Err(("confirm", T::PasswordsDiffer))
        );
    }
}
