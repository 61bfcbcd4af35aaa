//! The intake's problem codes: the stable `code` of each refusal it sends
//! (`application/problem+json`). The intake can only send a code listed
//! here, and the app must say each one in its user's language: both match
//! on [`ProblemCode`], so a new code does not compile until every side
//! handles it.
//!
//! Codes are facts of the protocol: once released, a code keeps its
//! spelling and meaning. An app that meets a code it does not know (from a
//! newer intake) shows a general refusal with the code.

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal,)*) => {
        /// A refusal's stable code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ProblemCode {
            $($(#[$doc])* $name,)*
        }

        impl ProblemCode {
            /// Every code, in the order listed.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$name,)*];

            /// The code as sent: `unit-not-registered`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ProblemCode::$name => $code,)*
                }
            }

            /// The code sent as `code`, if it is one of these.
            pub fn parse(code: &str) -> Option<ProblemCode> {
                match code {
                    $($code => Some(ProblemCode::$name),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    /// The request could not be read (400).
    Malformed = "malformed",
    /// An admin request without a working admin token (401).
    Unauthorized = "unauthorized",
    /// The packet's unit is not registered at this intake (403).
    UnitNotRegistered = "unit-not-registered",
    /// A signer's key is not enrolled for the packet's unit (403).
    KeyNotEnrolled = "key-not-enrolled",
    /// A unit's signer used a key enrolled for all units (403).
    KeyAllUnits = "key-all-units",
    /// An inspector's key is enrolled for the unit it inspects (403).
    InspectedUnitKey = "inspected-unit-key",
    /// A signer's key was revoked before the packet was signed (403).
    KeyRevoked = "key-revoked",
    /// A signer's name is not the name their key was enrolled under (403).
    SignerName = "signer-name",
    /// An enrollment code that is unknown, used or expired (403).
    CodeInvalid = "code-invalid",
    /// Nothing at this address (404).
    NotFound = "not-found",
    /// Another packet with this id is stored (409).
    Conflict = "conflict",
    /// Files the packet names are not stored yet: send them first (409).
    AttachmentsMissing = "attachments-missing",
    /// This slip's ballot was cast already (409).
    BallotSpent = "ballot-spent",
    /// The evaluation takes no ballot now: not open yet, past its window,
    /// or closed (409).
    EvaluationClosed = "evaluation-closed",
    /// The signers' roles do not fit the packet, or the enrollment code is
    /// for another role (409, 422).
    Roles = "roles",
    /// The body is larger than the intake takes (413).
    TooLarge = "too-large",
    /// More signers or signatures than a packet may carry (422).
    TooManySigners = "too-many-signers",
    /// A signature does not verify, or one is missing (422).
    BadSignature = "bad-signature",
    /// The intake does not take this kind of packet here (422).
    Kind = "kind",
    /// A score not written as the format requires (422).
    ScoreFormat = "score-format",
    /// The checklist is not published at this intake (422).
    UnknownTemplate = "unknown-template",
    /// The checklist differs from the one published under its id (422).
    TemplateDigest = "template-digest",
    /// The answers do not fit the checklist (422).
    Responses = "responses",
    /// The packet's score is not the score of its answers (422).
    ScoreMismatch = "score-mismatch",
    /// An answer that needs an explanation has none (422).
    Unexplained = "unexplained",
    /// The person assessed is missing, or named on a list about the unit
    /// (422).
    Subject = "subject",
    /// The person assessed did not sign their own packet (422).
    SubjectNotSigner = "subject-not-signer",
    /// Made after the intake's clock (422).
    CreatedInFuture = "created-in-future",
    /// A rectification completed after the intake's clock (422).
    CompletedInFuture = "completed-in-future",
    /// A rectification answers an inspection the intake does not hold
    /// (422).
    UnknownInspection = "unknown-inspection",
    /// A rectification answers another unit's or person's inspection (422).
    OtherInspection = "other-inspection",
    /// A rectification answers a finding its inspection does not have
    /// (422).
    UnknownFinding = "unknown-finding",
    /// A checklist or request that is well-formed but not valid (422).
    Invalid = "invalid",
    /// Too many requests from this address (429).
    RateLimited = "rate-limited",
    /// A password too short or too easy to guess (422).
    WeakPassword = "weak-password",
    /// An administrator must change their password before anything else
    /// (403).
    PasswordChange = "password-change",
    /// The intake failed; it logged why (500).
    Internal = "internal",
    /// The intake's database is unavailable (503).
    Unavailable = "unavailable",
}

#[cfg(test)]
mod tests {
    use super::ProblemCode;

    #[test]
    fn every_code_reads_back_as_itself_and_no_two_are_spelled_alike() {
        let mut seen = std::collections::BTreeSet::new();
        for &code in ProblemCode::ALL {
            assert_eq!(ProblemCode::parse(code.as_str()), Some(code));
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
        }
        assert_eq!(ProblemCode::parse("no-such-code"), None);
    }
}
