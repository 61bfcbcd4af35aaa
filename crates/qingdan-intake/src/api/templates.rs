//! `/templates`: the published checklists, each served with the intake's
//! signature, and the admin's publishing.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::problem::Problem;
use super::{Admin, AppState, TEMPLATE_SIGNATURE, json_text, not_found};
use crate::now;
use crate::store::Published;

/// `GET`, `POST /templates`, `POST /templates/import`,
/// `GET /templates/{id}/{version}`.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/templates", get(list).post(publish))
        .route(
            "/templates/import",
            post(import).layer(DefaultBodyLimit::max(16 * 1024 * 1024)),
        )
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

/// `POST /templates/import`: a checklist workbook (.xlsx), read as
/// `qingdan template import` reads it (every problem by its sheet and
/// cell), then published as its JSON would be.
async fn import(admin: Admin, state: State<AppState>, body: Bytes) -> Result<Response, Problem> {
    let doc = tokio::task::spawn_blocking(move || qingdan_sheet::read(&body))
        .await
        .map_err(Problem::internal)?
        .map_err(|errors| {
            crate::errors::PublishError::Invalid(errors.0.iter().map(ToString::to_string).collect())
        })?;
    let json = serde_json::to_string(&doc).map_err(Problem::internal)?;
    publish(admin, state, json).await
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
