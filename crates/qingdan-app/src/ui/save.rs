//! Where the saving of an assessment stands, as the fill and
//! rectification screens show it.

use yew::prelude::*;

use super::use_ctx;
use crate::i18n::T;
use crate::state::fill::SaveState;

/// Whose saving.
#[derive(Properties, PartialEq)]
pub struct SaveProps {
    /// Where it stands.
    pub state: SaveState,
}

/// 已保存, 保存中 or why it failed.
#[function_component]
pub fn SaveStatus(props: &SaveProps) -> Html {
    let ctx = use_ctx();
    let (state, text) = match &props.state {
        SaveState::Saved => ("saved", ctx.t(T::Saved).to_owned()),
        SaveState::Saving => ("saving", ctx.t(T::Saving).to_owned()),
        SaveState::Failed(m) => ("error", m.clone()),
    };
    html! {
        <span class={classes!("save", state)} data-testid="save-status" data-state={state} role="status">{ text }</span>
    }
}
