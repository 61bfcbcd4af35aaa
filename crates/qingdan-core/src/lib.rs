//! Qingdan's core: the checklist model, responses, the scoring engine, and
//! signed packets (RFC 8785 canonical JSON, Ed25519).
//!
//! This crate is pure: no I/O, no clock, no randomness. The browser app, the
//! intake server and the CLI all call the same [`Template::parse`],
//! [`Responses::parse`] and [`score`], so a score is the same everywhere to
//! the last digit. Every number that scores is a [`Fixed`] (hundredths),
//! never a float.
//!
//! ```
//! use qingdan_core::{score, Responses, Template};
//! let template = Template::parse(qingdan_core::bundled::find("jiandu-zeren").unwrap().json()).unwrap();
//! let responses = Responses::parse(&template, r#"{"1.1": {"answer": "done"}}"#).unwrap();
//! let sheet = score(&template, &responses, None);
//! assert!(sheet.total.is_positive());
//! assert!(!sheet.completeness.is_complete());
//! ```

pub mod attachments;
pub mod bundled;
pub mod canonical;
pub mod codes;
mod error;
pub mod evaluation;
pub mod findings;
mod fixed;
pub mod json;
pub mod keys;
pub mod packet;
pub mod period;
pub mod receipt;
pub mod responses;
pub mod score;
pub mod sheet;
pub mod template;
pub mod trust;

pub use codes::ProblemCode;
pub use error::Errors;
pub use fixed::{FIXED_LIMIT, Fixed, FixedError};
pub use packet::{Packet, PacketError};
pub use responses::{Answer, CheckState, Response, Responses};
pub use score::{ScoreSheet, score};
pub use template::{Lang, Rule, Template, TemplateDoc, Text};
