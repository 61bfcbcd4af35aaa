//! `/templates`: the published checklists, each served with the intake's
//! signature, and the admin's publishing.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::problem::Problem;
use super::{Admin, AppState, TEMPLATE_SIGNATURE, json_text, not_found};
use crate::now;
use crate::store::Published;

/// `GET`, `POST /templates`, `GET /templates/{id}/{version}`.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/templates", get(list).post(publish))
        .route("/templates/{id}/{version}", get(served))
}

async fn list(
    State(state): State<AppState>,
) -> Result<Json<Vec<crate::store::TemplateInfo>>, Problem> {
    Ok(Json(
        state
            .intake
            .store()
            .templates()
            .await
            .map_err(Problem::unavailable)?,
    ))
}

async fn served(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, u32)>,
) -> Result<Response, Problem> {
    match state.intake.store().template(&id, version).await {
        Ok(Some(body)) => {
            let signature = state.intake.sign_template(body.as_bytes());
            let mut response = json_text(StatusCode::OK, body);
            if let Ok(value) = HeaderValue::from_str(&signature) {
                response.headers_mut().insert(TEMPLATE_SIGNATURE, value);
            }
            Ok(response)
        }
        Ok(None) => Err(not_found(format!(
            "template {id} v{version} is not published"
        ))),
        Err(e) => Err(Problem::unavailable(e)),
    }
}

async fn publish(
    admin: Admin,
    State(state): State<AppState>,
    body: String,
) -> Result<Response, Problem> {
    match state.intake.publish(&body, &now()).await {
        Ok((done, template)) => {
            if done == Published::New {
                let detail = format!("{} v{}", template.id(), template.version());
                state
                    .intake
                    .record(
                        &admin.actor,
                        "template.publish",
                        &detail,
                        chrono::Utc::now(),
                    )
                    .await?;
            }
            let status = if done == Published::New {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let info = serde_json::json!({
                "id": template.id(), "version": template.version(), "sha256": template.sha256(),
            });
            Ok((status, Json(info)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
