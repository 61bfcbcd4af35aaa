//! Each call the console makes to the intake, as an async function that
//! answers a value or an [`ApiError`]. On a session's requests a 401 is
//! the session's end and a 403 `password-change` the one-time password
//! ([`ApiError::in_session`]); a sign-in's own 401 is a wrong password.

use crate::api::{
    self, ApiError, AuditPage, BASE, Checklist, ChecklistWords, Credentials, NewPassword, NewRound,
    Round, Session, Tracker, TrackerQuery,
};
use crate::net::request;

fn json<V: serde::Serialize>(value: &V) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `GET` of a session's `url`, read as a `V`.
async fn get<V: serde::de::DeserializeOwned>(url: &str) -> Result<V, ApiError> {
    let reply = request("GET", url, None).await?;
    api::read(&reply).map_err(ApiError::in_session)
}

/// Who is signed in; `None` when nobody is (or the session has ended).
pub async fn whoami() -> Result<Option<Session>, ApiError> {
    match get(&format!("{BASE}/session")).await {
        Ok(session) => Ok(Some(session)),
        Err(ApiError::SignedOut) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Signs in; a wrong name or password is a refusal (401 `unauthorized`).
pub async fn sign_in(name: &str, password: &str) -> Result<Session, ApiError> {
    let body = json(&Credentials { name, password });
    let reply = request("POST", &format!("{BASE}/session"), Some(&body)).await?;
    api::read(&reply)
}

/// Signs out: the session never works again.
pub async fn sign_out() -> Result<(), ApiError> {
    let reply = request("DELETE", &format!("{BASE}/session"), None).await?;
    api::read_empty(&reply).map_err(ApiError::in_session)
}

/// A new password (422 `invalid`: the current one is wrong; 422
/// `weak-password`: the new one is too easy).
pub async fn change_password(current: &str, password: &str) -> Result<(), ApiError> {
    let body = json(&NewPassword { current, password });
    let reply = request("POST", &format!("{BASE}/session/password"), Some(&body)).await?;
    api::read_empty(&reply).map_err(ApiError::in_session)
}

/// The published checklists.
pub async fn checklists() -> Result<Vec<Checklist>, ApiError> {
    get(&format!("{BASE}/templates")).await
}

/// Every round, the latest made first.
pub async fn rounds() -> Result<Vec<Round>, ApiError> {
    get(&format!("{BASE}/rounds")).await
}

/// Makes a round (422 `invalid` names the field that is wrong).
pub async fn create_round(round: &NewRound) -> Result<Round, ApiError> {
    let reply = request("POST", &format!("{BASE}/rounds"), Some(&json(round))).await?;
    api::read(&reply).map_err(ApiError::in_session)
}

/// A page of a round's tracker.
pub async fn tracker(id: &str, query: &TrackerQuery) -> Result<Tracker, ApiError> {
    get(&api::tracker_url(id, query)).await
}

/// A checklist's title and grades' names; none when it cannot be read
/// (the tracker then shows ids).
pub async fn checklist_words(id: &str, version: u32) -> ChecklistWords {
    match request("GET", &api::checklist_url(id, version), None).await {
        Ok(reply) if reply.status == 200 => ChecklistWords::of(&reply.body),
        _ => ChecklistWords::default(),
    }
}

/// A page of the audit log, before entry `before` (the newest when none).
pub async fn audit(before: Option<i64>) -> Result<AuditPage, ApiError> {
    get(&api::audit_url(before)).await
}
