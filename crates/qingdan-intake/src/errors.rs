//! Why the intake refused or failed, in its own terms: one enum per kind
//! of request, each variant with its stable [`ProblemCode`] and its detail
//! (`Display`). What HTTP status each is answered with is `api`'s business.
//!
//! `Unavailable` and `Internal` are the intake's own failures, not the
//! request's: their text is for the log (and the command line), never for
//! a client.

use qingdan_core::ProblemCode;
use qingdan_core::packet::PacketError;

use crate::store::StoreError;

/// Why a packet was not received.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The core refuses the packet (shape, signatures, roles, re-score,
    /// signers' enrollments …).
    #[error(transparent)]
    Rejected(#[from] PacketError),
    /// The packet's unit is not registered here.
    #[error("payload.unit.code: unit {0:?} is not registered at this intake")]
    UnitNotRegistered(String),
    /// A signer's key is enrolled nowhere for the packet's unit.
    #[error(
        "payload.signers[{index}] ({role} {name}): this key is not enrolled at this intake for unit {unit:?}"
    )]
    KeyNotEnrolled {
        /// The signer's index.
        index: usize,
        /// The signer's role.
        role: String,
        /// The signer's name.
        name: String,
        /// The packet's unit.
        unit: String,
    },
    /// The packet's template is not published here.
    #[error("payload.template: {id} v{version} is not published at this intake")]
    UnknownTemplate {
        /// Template id.
        id: String,
        /// Version.
        version: u32,
    },
    /// Another packet is stored under this id.
    #[error(
        "payload.id: another packet with id {id} is stored (SHA-256 {existing}); this one's SHA-256 is {sha256}. A changed packet needs a new id"
    )]
    Conflict {
        /// The packet id.
        id: String,
        /// The stored packet's SHA-256.
        existing: String,
        /// This packet's SHA-256.
        sha256: String,
    },
    /// Files the packet names are not stored yet (each: where it is named,
    /// and its digest); nothing was stored.
    #[error(
        "files not received yet, send them first (PUT /api/v1/packets/{{id}}/attachments/{{sha256}}): {}",
        .0.iter().map(|(at, sha)| format!("{at} {sha}")).collect::<Vec<_>>().join("; ")
    )]
    AttachmentsMissing(Vec<(String, String)>),
    /// The files the packet names are past this intake's limits.
    #[error("{at}: {message}")]
    FilesTooLarge {
        /// Where (`payload.attachments[2].size`).
        at: String,
        /// What.
        message: String,
    },
    /// The store cannot be used now; nothing was stored.
    #[error("the intake's database is unavailable: {0}")]
    Unavailable(String),
    /// A failure of the intake's own.
    #[error("{0}")]
    Internal(String),
}

impl SubmitError {
    /// The stable code.
    pub fn code(&self) -> ProblemCode {
        match self {
            SubmitError::Rejected(e) => packet_code(e),
            SubmitError::UnitNotRegistered(_) => ProblemCode::UnitNotRegistered,
            SubmitError::KeyNotEnrolled { .. } => ProblemCode::KeyNotEnrolled,
            SubmitError::UnknownTemplate { .. } => ProblemCode::UnknownTemplate,
            SubmitError::Conflict { .. } => ProblemCode::Conflict,
            SubmitError::AttachmentsMissing(_) => ProblemCode::AttachmentsMissing,
            SubmitError::FilesTooLarge { .. } => ProblemCode::TooLarge,
            SubmitError::Unavailable(_) => ProblemCode::Unavailable,
            SubmitError::Internal(_) => ProblemCode::Internal,
        }
    }
}

impl From<StoreError> for SubmitError {
    fn from(e: StoreError) -> SubmitError {
        SubmitError::Unavailable(e.to_string())
    }
}

/// Why an admin's or a device's request about units, keys, enrollment
/// codes or admin tokens was refused.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Something given is not acceptable; the detail names the field.
    #[error("{0}")]
    Invalid(String),
    /// The unit is not registered.
    #[error("unit {0:?} is not registered")]
    UnitNotRegistered(String),
    /// The key was revoked, and is never enrolled again.
    #[error("public_key: this key was revoked at {0}; enroll a new key")]
    KeyRevoked(String),
    /// The enrollment code is unknown, used already, or expired.
    #[error("code: this enrollment code is unknown, used already, or expired")]
    CodeInvalid,
    /// No enrollment code has this id.
    #[error("no enrollment code has the id {0:?}")]
    NoSuchCode(String),
    /// The enrollment code was redeemed: its key is revoked instead.
    #[error("the enrollment code {0:?} was used already; revoke the key it enrolled instead")]
    CodeUsed(String),
    /// The enrollment code is for another role; it stays unused.
    #[error("role: this code enrolls a {issued} key, not a {asked} key; the code is still unused")]
    OtherRole {
        /// The role the code was issued for.
        issued: String,
        /// The role asked for.
        asked: String,
    },
    /// No admin token, or one that does not work (now); no session, or
    /// a wrong name or password.
    #[error("{0}")]
    Unauthorized(String),
    /// A password too short or too easy to guess; the detail says which.
    #[error("{0}")]
    WeakPassword(String),
    /// The store cannot be used now.
    #[error("the intake's database is unavailable: {0}")]
    Unavailable(String),
    /// A failure of the intake's own.
    #[error("{0}")]
    Internal(String),
}

impl AdminError {
    /// The stable code.
    pub fn code(&self) -> ProblemCode {
        match self {
            AdminError::Invalid(_) => ProblemCode::Invalid,
            AdminError::UnitNotRegistered(_) => ProblemCode::NotFound,
            AdminError::KeyRevoked(_) => ProblemCode::KeyRevoked,
            AdminError::CodeInvalid => ProblemCode::CodeInvalid,
            AdminError::NoSuchCode(_) => ProblemCode::NotFound,
            AdminError::CodeUsed(_) => ProblemCode::Conflict,
            AdminError::OtherRole { .. } => ProblemCode::Roles,
            AdminError::Unauthorized(_) => ProblemCode::Unauthorized,
            AdminError::WeakPassword(_) => ProblemCode::WeakPassword,
            AdminError::Unavailable(_) => ProblemCode::Unavailable,
            AdminError::Internal(_) => ProblemCode::Internal,
        }
    }
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> AdminError {
        AdminError::Unavailable(e.to_string())
    }
}

/// Why a 民主测评 request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum EvaluationError {
    /// The evaluation (or a ballot's answers) is not valid: where and what.
    #[error("{0}")]
    Invalid(String),
    /// No evaluation has this id.
    #[error("no evaluation {0:?}")]
    NotFound(String),
    /// An evaluation with this id exists.
    #[error("an evaluation {0:?} exists already")]
    Exists(String),
    /// Its slips were made already: their codes are never shown again.
    #[error("the slips of evaluation {0:?} were made already; their codes are not kept")]
    SlipsMade(String),
    /// Its result is not published: it is not closed.
    #[error("evaluation {0:?} is not closed: its result is published when it is")]
    NotClosed(String),
    /// It takes no ballot now.
    #[error("{0}")]
    Closed(String),
    /// No slip of it has this code.
    #[error("code: no slip of this evaluation has this code")]
    CodeUnknown,
    /// This slip's ballot was cast already.
    #[error("code: this slip's ballot was cast already")]
    Spent,
    /// The store cannot be used now.
    #[error("the intake's database is unavailable: {0}")]
    Unavailable(String),
    /// A failure of the intake's own.
    #[error("{0}")]
    Internal(String),
}

impl EvaluationError {
    /// The stable code.
    pub fn code(&self) -> ProblemCode {
        match self {
            EvaluationError::Invalid(_) => ProblemCode::Invalid,
            // No result yet: there is none to give.
            EvaluationError::NotFound(_) | EvaluationError::NotClosed(_) => ProblemCode::NotFound,
            EvaluationError::Exists(_) | EvaluationError::SlipsMade(_) => ProblemCode::Conflict,
            EvaluationError::Closed(_) => ProblemCode::EvaluationClosed,
            EvaluationError::CodeUnknown => ProblemCode::CodeInvalid,
            EvaluationError::Spent => ProblemCode::BallotSpent,
            EvaluationError::Unavailable(_) => ProblemCode::Unavailable,
            EvaluationError::Internal(_) => ProblemCode::Internal,
        }
    }
}

impl From<StoreError> for EvaluationError {
    fn from(e: StoreError) -> EvaluationError {
        EvaluationError::Unavailable(e.to_string())
    }
}

impl From<AdminError> for EvaluationError {
    fn from(e: AdminError) -> EvaluationError {
        match e {
            AdminError::Internal(why) => EvaluationError::Internal(why),
            e => EvaluationError::Unavailable(e.to_string()),
        }
    }
}

/// Why a file was not stored.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The address names no digest.
    #[error("{0:?} is not a SHA-256 (64 lower-case hex digits)")]
    BadAddress(String),
    /// More bytes than a file may have.
    #[error("more than {0} bytes; a file may have at most that")]
    TooLarge(u64),
    /// The bytes are not the file the address names.
    #[error("the body's SHA-256 is {actual}, not {named} as the address says")]
    Digest {
        /// The body's.
        actual: String,
        /// The address's.
        named: String,
    },
    /// Not a photo or a PDF.
    #[error("not a JPEG, PNG or WebP photo, nor a PDF")]
    Type,
    /// No such file of that packet.
    #[error("packet {packet} has no stored file {sha256}")]
    NotFound {
        /// The packet.
        packet: String,
        /// The file's digest.
        sha256: String,
    },
    /// Files waiting for their packets hold as much as the intake keeps.
    #[error(
        "the files waiting for their packets at this intake hold {0} bytes already: send packets whose files are here, then try again"
    )]
    Busy(u64),
    /// The store cannot be used now; nothing was stored.
    #[error("the intake's database is unavailable: {0}")]
    Unavailable(String),
}

impl FileError {
    /// The stable code.
    pub fn code(&self) -> ProblemCode {
        match self {
            FileError::BadAddress(_) | FileError::NotFound { .. } => ProblemCode::NotFound,
            FileError::TooLarge(_) => ProblemCode::TooLarge,
            FileError::Digest { .. } | FileError::Type => ProblemCode::Invalid,
            FileError::Busy(_) | FileError::Unavailable(_) => ProblemCode::Unavailable,
        }
    }
}

impl From<StoreError> for FileError {
    fn from(e: StoreError) -> FileError {
        FileError::Unavailable(e.to_string())
    }
}

/// Why a template was not published.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The template is not valid; every problem, with its location.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
    /// This id and version are already published with other content.
    #[error(
        "{id} v{version} is already published with digest {existing}; publish changes as a new version"
    )]
    Conflict {
        /// Template id.
        id: String,
        /// Version.
        version: u32,
        /// The digest published.
        existing: String,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PublishError {
    /// The stable code.
    pub fn code(&self) -> ProblemCode {
        match self {
            PublishError::Invalid(_) => ProblemCode::Invalid,
            PublishError::Conflict { .. } => ProblemCode::Conflict,
            PublishError::Store(_) => ProblemCode::Unavailable,
        }
    }
}

/// Why a report was not made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// No such template (or version) is published.
    #[error("template: {0} is not published at this intake")]
    NotPublished(String),
    /// `as_of` is not a date.
    #[error("as_of: {0:?} is not a date (YYYY-MM-DD)")]
    BadDate(String),
    /// A parameter that cannot be; the detail names it.
    #[error("{0}")]
    Invalid(String),
    /// The store cannot be used now.
    #[error("the intake's database is unavailable: {0}")]
    Unavailable(String),
    /// A failure of the intake's own (a stored packet it cannot read, a
    /// report it cannot write).
    #[error("{0}")]
    Internal(String),
}

impl ReportError {
    /// The stable code.
    pub fn code(&self) -> ProblemCode {
        match self {
            ReportError::NotPublished(_) => ProblemCode::NotFound,
            ReportError::BadDate(_) => ProblemCode::Malformed,
            ReportError::Invalid(_) => ProblemCode::Invalid,
            ReportError::Unavailable(_) => ProblemCode::Unavailable,
            ReportError::Internal(_) => ProblemCode::Internal,
        }
    }
}

impl From<StoreError> for ReportError {
    fn from(e: StoreError) -> ReportError {
        ReportError::Unavailable(e.to_string())
    }
}

/// The stable code of a packet the core refuses.
pub fn packet_code(error: &PacketError) -> ProblemCode {
    use PacketError as E;
    match error {
        E::NotUtf8(_)
        | E::Json { .. }
        | E::Shape { .. }
        | E::UnknownFormat(_)
        | E::Float(_)
        | E::Field { .. } => ProblemCode::Malformed,
        E::SignerKey { .. }
        | E::DuplicateSigner { .. }
        | E::SignatureEncoding { .. }
        | E::UnlistedSignature { .. }
        | E::DuplicateSignature { .. }
        | E::BadSignature { .. }
        | E::MissingSignature { .. } => ProblemCode::BadSignature,
        E::Roles(_) | E::RoleForKind { .. } => ProblemCode::Roles,
        E::TooManySigners { .. } => ProblemCode::TooManySigners,
        E::KindNotServed { .. } => ProblemCode::Kind,
        E::ScoreFormat { .. } => ProblemCode::ScoreFormat,
        E::OtherTemplate { .. } | E::TemplateDigest { .. } => ProblemCode::TemplateDigest,
        E::Responses(_) => ProblemCode::Responses,
        E::ScoreMismatch { .. } => ProblemCode::ScoreMismatch,
        E::Unexplained(_) => ProblemCode::Unexplained,
        E::SubjectMissing(_) | E::SubjectOnUnitList(_) => ProblemCode::Subject,
        E::SubjectNotSigner { .. } => ProblemCode::SubjectNotSigner,
        E::KeyRevoked { .. } => ProblemCode::KeyRevoked,
        E::KeyNotEnrolled { .. } => ProblemCode::KeyNotEnrolled,
        E::AllUnitsKey { .. } => ProblemCode::KeyAllUnits,
        E::InspectedUnitKey { .. } => ProblemCode::InspectedUnitKey,
        E::SignerName { .. } => ProblemCode::SignerName,
        E::CreatedInFuture { .. } => ProblemCode::CreatedInFuture,
        E::CompletedInFuture { .. } => ProblemCode::CompletedInFuture,
        E::UnknownInspection(_) => ProblemCode::UnknownInspection,
        E::OtherInspection { .. } => ProblemCode::OtherInspection,
        E::UnknownFinding { .. } => ProblemCode::UnknownFinding,
    }
}
