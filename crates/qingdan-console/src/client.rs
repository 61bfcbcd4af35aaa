//! Each call the console makes to the intake, as an async function that
//! answers a value or an [`ApiError`]. On a session's requests a 401 is
//! the session's end and a 403 `password-change` the one-time password
//! ([`ApiError::in_session`]); a sign-in's own 401 is a wrong password.

use crate::api::{
    self, ApiError, AuditPage, BASE, Checklist, ChecklistWords, Credentials, NewPassword, NewRound,
    Round, Session, Tracker, TrackerQuery,
};
use crate::net::{request, upload};
use crate::registry;

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

/// `GET url` of a session, read as a `V`.
pub async fn read<V: serde::de::DeserializeOwned>(url: &str) -> Result<V, ApiError> {
    get(url).await
}

/// Registers a unit.
pub async fn add_unit(code: &str, name: &str) -> Result<(), ApiError> {
    let body = json(&registry::NewUnit { code, name });
    let reply = request("POST", &format!("{BASE}/units"), Some(&body)).await?;
    api::read_empty(&reply).map_err(ApiError::in_session)
}

/// A unit's new name and parent (empty: none).
pub async fn edit_unit(code: &str, name: &str, parent_code: &str) -> Result<(), ApiError> {
    let body = json(&registry::UnitEdit { name, parent_code });
    let reply = request("PUT", &registry::unit_url(code), Some(&body)).await?;
    api::read_empty(&reply).map_err(ApiError::in_session)
}

/// Registers the units of a workbook: all, or none (422 names each cell).
pub async fn import_units(file: &web_sys::File) -> Result<registry::Imported, ApiError> {
    let reply = upload(&format!("{BASE}/units/import"), file, XLSX).await?;
    api::read(&reply).map_err(ApiError::in_session)
}

/// The type of a workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A sheet of slips, as the HTML page the intake makes, and how many slips
/// it holds.
pub async fn slip_sheet(ask: &registry::SheetRequest) -> Result<(String, usize), ApiError> {
    let reply = request(
        "POST",
        &format!("{BASE}/enrollment-codes/sheet"),
        Some(&json(ask)),
    )
    .await?;
    api::read_empty(&reply).map_err(ApiError::in_session)?;
    let slips = reply.body.matches("data-testid=\"slip\"").count();
    Ok((reply.body, slips))
}

/// Withdraws an unused enrollment code.
pub async fn withdraw_code(code_id: &str) -> Result<(), ApiError> {
    let reply = request("DELETE", &registry::code_url(code_id), None).await?;
    api::read_empty(&reply).map_err(ApiError::in_session)
}

/// Revokes a key, for `reason`.
pub async fn revoke_key(public_key: &str, reason: &str) -> Result<(), ApiError> {
    let body = json(&registry::Revocation { public_key, reason });
    let reply = request("POST", &format!("{BASE}/revocations"), Some(&body)).await?;
    api::read_empty(&reply).map_err(ApiError::in_session)
}

/// Publishes a checklist file (JSON, or a workbook); answers its id and
/// version. A refusal names each problem by its place.
pub async fn publish_checklist(file: &web_sys::File) -> Result<(String, u32), ApiError> {
    #[derive(serde::Deserialize)]
    struct Done {
        id: String,
        version: u32,
    }
    let (url, content_type) = registry::publish_target(&file.name());
    let reply = upload(&url, file, content_type).await?;
    let done: Done = api::read(&reply).map_err(ApiError::in_session)?;
    Ok((done.id, done.version))
}

/// A page of the audit log, before entry `before` (the newest when none).
pub async fn audit(before: Option<i64>) -> Result<AuditPage, ApiError> {
    get(&api::audit_url(before)).await
}

/// The report `query` names (its checklist and period filled in), a page
/// of it where it is paged.
pub async fn report(
    query: &crate::state::reports::ReportsQuery,
) -> Result<crate::state::reports::Report, ApiError> {
    use crate::api_reports::{Format, report_url};
    use crate::state::reports::{Report, Tab};
    let Some(url) = report_url(query, Format::Json) else {
        return Err(ApiError::Unreadable(0));
    };
    Ok(match query.tab {
        Tab::Ranking => Report::Ranking(get(&url).await?),
        Tab::Indicators => Report::Indicators(get(&url).await?),
        Tab::Gap => Report::Gap(get(&url).await?),
        Tab::Findings => Report::Findings(get(&url).await?),
    })
}

/// A stored packet as its score sheet (404 `not-found`: no such packet).
pub async fn packet_sheet(id: &str) -> Result<crate::api_reports::PacketSheet, ApiError> {
    get(&crate::api_reports::sheet_url(id)).await
}

/// Makes an evaluation (民主测评) from its JSON file; answers its id. A
/// refusal names each problem by its path.
pub async fn create_evaluation(file: &web_sys::File) -> Result<String, ApiError> {
    #[derive(serde::Deserialize)]
    struct Made {
        id: String,
    }
    let url = format!("{BASE}/evaluations");
    let reply = upload(&url, file, "application/json").await?;
    let made: Made = api::read(&reply).map_err(ApiError::in_session)?;
    Ok(made.id)
}

/// Makes an evaluation's slips, once, as the sheet to print (its QR codes
/// open the ballot page at `base`); the HTML and how many slips it holds.
pub async fn ballot_sheet(id: &str, base: &str) -> Result<(String, usize), ApiError> {
    let rest = format!(
        "/slips?format=html&base={}",
        String::from(js_sys::encode_uri_component(base))
    );
    let reply = request("POST", &registry::evaluation_url(id, &rest), None).await?;
    api::read_empty(&reply).map_err(ApiError::in_session)?;
    let slips = reply.body.matches("data-testid=\"ballot-slip\"").count();
    Ok((reply.body, slips))
}

/// Closes an evaluation: no ballot is taken after.
pub async fn close_evaluation(id: &str) -> Result<(), ApiError> {
    let reply = request("POST", &registry::evaluation_url(id, "/close"), None).await?;
    api::read_empty(&reply).map_err(ApiError::in_session)
}

/// Each person's figure in an evaluation's published result, by the names
/// its evaluation gives.
pub async fn evaluation_figures(id: &str) -> Result<Vec<registry::PersonFigure>, ApiError> {
    let doc: serde_json::Value = get(&registry::evaluation_url(id, "")).await?;
    let result: serde_json::Value = get(&registry::evaluation_url(id, "/result")).await?;
    let name = |person: &str| {
        doc["subjects"]
            .as_array()
            .and_then(|all| all.iter().find(|s| s["id"] == person))
            .map_or_else(
                || person.to_owned(),
                |s| {
                    format!(
                        "{}（{}）",
                        s["name"].as_str().unwrap_or(person),
                        s["post"].as_str().unwrap_or("")
                    )
                },
            )
    };
    let people = result["payload"]["tally"]["subjects"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Ok(people
        .iter()
        .map(|p| {
            let id = p["subject"].as_str().unwrap_or_default().to_owned();
            registry::PersonFigure {
                name: name(&id),
                id,
                satisfaction: p["satisfaction"].as_str().map(str::to_owned),
                talk_due: p["talk_due"].as_bool().unwrap_or(false),
            }
        })
        .collect())
}
