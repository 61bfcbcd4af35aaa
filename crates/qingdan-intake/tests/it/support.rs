//! A fresh intake on a fresh database, a 94-item template published, one
//! unit with its two signers enrolled, an admin token; and helpers to make
//! packets and send requests.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use qingdan_core::keys::SigningKey;
use qingdan_core::packet::{self, PacketKind};
use qingdan_core::{Responses, Template};
use qingdan_intake::{AppState, Config, Intake, Store, app};
use tower::ServiceExt as _;

#[path = "../../../qingdan-core/benches/fixtures/mod.rs"]
pub mod fixtures;

pub const UNIT: &str = "510824-101";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Writes `name_sqlite` and `name_postgres` tests running `name(Db)`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(crate::support::Db::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if crate::support::postgres_url().is_some() {
                    super::$name(crate::support::Db::Postgres).await
                }
            })*
        }
    };
}
pub(crate) use on_both;

/// The PostgreSQL server to test against (`QINGDAN_TEST_POSTGRES`, set by
/// `cargo xtask test`). Without it the PostgreSQL tests say so and pass,
/// unless `QINGDAN_REQUIRE_POSTGRES` is set (as `cargo xtask test` does).
pub fn postgres_url() -> Option<String> {
    match std::env::var("QINGDAN_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) if std::env::var_os("QINGDAN_REQUIRE_POSTGRES").is_some() => {
            panic!("QINGDAN_REQUIRE_POSTGRES is set but QINGDAN_TEST_POSTGRES is not")
        }
        Err(_) => {
            eprintln!(
                "skipped: set QINGDAN_TEST_POSTGRES=postgres://… to run the PostgreSQL tests"
            );
            None
        }
    }
}

/// A database no other test uses (a new SQLite file, or a new PostgreSQL
/// database on the test server), removed when dropped: a benchmark's
/// database is hundreds of megabytes, and thousands of tests run.
pub struct TestDatabase {
    url: String,
    db: Db,
    name: String,
}

impl std::ops::Deref for TestDatabase {
    type Target = str;

    /// Its URL.
    fn deref(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self.db {
            Db::Sqlite => {
                let path = self.url.trim_start_matches("sqlite://");
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
            Db::Postgres => {
                // Dropped from a thread of its own: this may run inside the
                // test's runtime, which cannot be blocked on.
                let (Some(url), name) = (postgres_url(), self.name.clone()) else {
                    return;
                };
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("a runtime");
                    runtime.block_on(async {
                        use sqlx::Executor as _;
                        if let Ok(admin) = sqlx::PgPool::connect(&url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = admin.execute(sqlx::AssertSqlSafe(sql)).await;
                            admin.close().await;
                        }
                    });
                });
                let _ = dropped.join();
            }
        }
    }
}

/// A fresh database ([`TestDatabase`]); keep it for as long as it is used.
pub async fn fresh_database(db: Db) -> TestDatabase {
    let name = format!("qd_{}", uuid::Uuid::new_v4().simple());
    let url = match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join("qingdan-intake-tests");
            format!("sqlite://{}", dir.join(format!("{name}.db")).display())
        }
        Db::Postgres => {
            let url = postgres_url().expect("a PostgreSQL server");
            use sqlx::Executor as _;
            let admin = sqlx::PgPool::connect(&url).await.expect("the test server");
            admin
                .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .expect("a test database");
            admin.close().await;
            let (base, _) = url.rsplit_once('/').expect("a URL with a database");
            format!("{base}/{name}")
        }
    };
    TestDatabase { url, db, name }
}

/// A fresh intake with its fixtures.
pub struct World {
    pub intake: Arc<Intake>,
    pub router: Router,
    pub template: Template,
    pub template_json: String,
    pub responses: Responses,
    /// The unit's principal (张三) and supervisory (李四).
    pub keys: [SigningKey; 2],
    /// Two inspectors enrolled for every unit (王五, 赵六).
    pub inspectors: [SigningKey; 2],
    pub token: String,
    /// Last, so that the intake is dropped before its database is.
    pub database: TestDatabase,
}

pub async fn world(db: Db) -> World {
    world_with(
        db,
        Config {
            rate_limit: None,
            ..Config::default()
        },
    )
    .await
}

pub async fn world_with(db: Db, config: Config) -> World {
    let database = fresh_database(db).await;
    let store = Store::connect(&database).await.expect("the store opens");
    let intake = Arc::new(
        Intake::open(store, "2026-11-23T08:00:00.000Z")
            .await
            .unwrap(),
    );
    let (generated, responses) = fixtures::generated();
    let template_json = serde_json::to_string(generated.doc()).unwrap();
    let template = Template::parse(&template_json).unwrap();
    let responses =
        Responses::parse(&template, &serde_json::to_string(&responses).unwrap()).unwrap();
    intake
        .publish(&template_json, "2026-11-23T08:00:00.000Z")
        .await
        .unwrap();
    intake
        .add_unit(UNIT, "某某镇党委", "2026-11-23T08:00:00.000Z")
        .await
        .unwrap();
    let keys = [
        SigningKey::from_bytes(&[1; 32]),
        SigningKey::from_bytes(&[2; 32]),
    ];
    for ((key, role), name) in keys
        .iter()
        .zip(["principal", "supervisory"])
        .zip(SIGNER_NAMES)
    {
        let public = qingdan_core::keys::encode_public_key(&key.verifying_key());
        intake
            .enroll(UNIT, role, &public, name, "2026-11-23T08:00:00.000Z")
            .await
            .unwrap();
    }
    let inspectors = [
        SigningKey::from_bytes(&[3; 32]),
        SigningKey::from_bytes(&[4; 32]),
    ];
    for (key, name) in inspectors.iter().zip(INSPECTOR_NAMES) {
        let public = qingdan_core::keys::encode_public_key(&key.verifying_key());
        intake
            .enroll("*", "inspector", &public, name, "2026-11-23T08:00:00.000Z")
            .await
            .unwrap();
    }
    let (token, _) = intake
        .new_admin_token("test", None, chrono::Utc::now())
        .await
        .unwrap();
    let router = app(AppState::new(intake.clone(), config));
    World {
        intake,
        router,
        template,
        template_json,
        responses,
        keys,
        inspectors,
        token,
        database,
    }
}

/// The names the unit's keys are enrolled under: principal, supervisory.
pub const SIGNER_NAMES: [&str; 2] = ["张三", "李四"];
/// The names the inspectors' keys are enrolled under.
pub const INSPECTOR_NAMES: [&str; 2] = ["王五", "赵六"];

impl World {
    /// A signed self-assessment with this id, as file bytes.
    pub fn packet(&self, id: &str) -> Vec<u8> {
        self.packet_with(id, |_| {})
    }

    /// The same, with its metadata changed before signing.
    pub fn packet_with(&self, id: &str, change: impl FnOnce(&mut packet::PacketMeta)) -> Vec<u8> {
        self.packet_answering(id, &self.responses, change)
    }

    /// A packet with other responses.
    pub fn packet_answering(
        &self,
        id: &str,
        responses: &Responses,
        change: impl FnOnce(&mut packet::PacketMeta),
    ) -> Vec<u8> {
        let signers = vec![
            fixtures::signer("principal", SIGNER_NAMES[0], &self.keys[0]),
            fixtures::signer("supervisory", SIGNER_NAMES[1], &self.keys[1]),
        ];
        let mut meta = fixtures::meta(signers);
        meta.id = id.to_owned();
        meta.kind = PacketKind::SelfAssessment;
        change(&mut meta);
        let mut p = packet::new_packet(&self.template, responses, meta).unwrap();
        for key in &self.keys {
            p.sign(key).unwrap();
        }
        packet::to_file_text(&p).into_bytes()
    }

    /// A signed inspection by both inspectors, with these responses, its
    /// metadata changed before signing.
    pub fn inspection(
        &self,
        id: &str,
        responses: &Responses,
        change: impl FnOnce(&mut packet::PacketMeta),
    ) -> Vec<u8> {
        let signers = self
            .inspectors
            .iter()
            .zip(INSPECTOR_NAMES)
            .map(|(key, name)| fixtures::signer("inspector", name, key))
            .collect();
        let mut meta = fixtures::meta(signers);
        meta.id = id.to_owned();
        meta.kind = PacketKind::Inspection;
        change(&mut meta);
        let mut p = packet::new_packet(&self.template, responses, meta).unwrap();
        for key in &self.inspectors {
            p.sign(key).unwrap();
        }
        packet::to_file_text(&p).into_bytes()
    }

    /// Sends a request through the Router (no socket), with the admin
    /// token when `admin`.
    pub async fn send(&self, method: Method, path: &str, body: Vec<u8>, admin: bool) -> Answer {
        let token = admin.then_some(self.token.as_str());
        request(&self.router, method, path, body, token).await
    }

    /// `GET path`, as an administrator when `admin`.
    pub async fn get(&self, path: &str, admin: bool) -> Answer {
        self.send(Method::GET, path, Vec::new(), admin).await
    }

    pub async fn post_packet(&self, bytes: Vec<u8>) -> Answer {
        self.send(Method::POST, "/api/v1/packets", bytes, false)
            .await
    }
}

/// The app over `intake`, with no rate limit, as tests send to it.
pub fn router(intake: Arc<Intake>) -> Router {
    app(AppState::new(
        intake,
        Config {
            rate_limit: None,
            ..Config::default()
        },
    ))
}

/// Sends a request through `router` (no socket), with `token` as its
/// bearer token when given.
pub async fn request(
    router: &Router,
    method: Method,
    path: &str,
    body: Vec<u8>,
    token: Option<&str>,
) -> Answer {
    let bearer = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = bearer
        .iter()
        .map(|value| ("authorization", value.as_str()))
        .collect();
    request_with(router, method, path, body, &headers).await
}

/// Sends a request through `router` (no socket) with these headers.
pub async fn request_with(
    router: &Router,
    method: Method,
    path: &str,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// The problem's code, checking it is `application/problem+json`.
    pub fn problem_code(&self) -> String {
        assert_eq!(
            self.headers
                .get("content-type")
                .map(|v| v.to_str().unwrap()),
            Some("application/problem+json"),
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let json = self.json();
        assert_eq!(json["status"], self.status.as_u16());
        json["code"].as_str().unwrap().to_owned()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
