//! The pages' state as Yew means it: each a [`yew::Reducible`] whose
//! actions are plain data and whose `reduce` is pure, so the rules (who is
//! signed in, what a new round needs, how pages of the audit log add up)
//! are tested natively. The hooks in [`crate::hooks`] make the requests
//! and dispatch their outcomes.

pub mod audit;
pub mod listing;
pub mod packet;
pub mod reports;
pub mod rounds;
pub mod session;
pub mod slips;
pub mod tracker;

use crate::messages::Message;

/// A notice line: an error, or a confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Notice {
    /// Nothing to say.
    #[default]
    None,
    /// Something went through.
    Ok(Message),
    /// Something went wrong.
    Error(Message),
}
