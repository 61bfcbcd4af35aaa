//! `GET /healthz` and `GET /metrics`: the intake says whether it can take
//! packets, and its counters are what was sent, on SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};

use crate::support::{Db, new_id, on_both, world};

on_both!(health_and_metrics_tell_what_was_sent);

/// The value of the metric line that starts with `series ` (name and labels).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
}

async fn health_and_metrics_tell_what_was_sent(db: Db) {
    let w = world(db).await;
    let health = w.send(Method::GET, "/healthz", vec![], false).await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.text());

    let first = w.packet(&new_id());
    for bytes in [first.clone(), w.packet(&new_id()), first] {
        let answer = w.post_packet(bytes).await;
        assert!(answer.status.is_success(), "{}", answer.text());
    }
    assert_eq!(
        w.post_packet(b"{".to_vec()).await.status,
        StatusCode::BAD_REQUEST
    );
    let elsewhere = w.packet_with(&new_id(), |m| m.unit.code = "999999-001".into());
    assert_eq!(w.post_packet(elsewhere).await.status, StatusCode::FORBIDDEN);

    let answer = w.send(Method::GET, "/metrics", vec![], false).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
    );
    let text = answer.text();
    let packets = |outcome: &str, code: &str| {
        value(
            &text,
            &format!(r#"qingdan_packets_total{{outcome="{outcome}",code="{code}"}}"#),
        )
    };
    assert_eq!(packets("accepted", ""), Some(2.0), "{text}");
    assert_eq!(packets("duplicate", ""), Some(1.0), "{text}");
    assert_eq!(packets("refused", "malformed"), Some(1.0), "{text}");
    assert_eq!(
        packets("refused", "unit-not-registered"),
        Some(1.0),
        "{text}"
    );
    // Every packet checked went through the writer once: the two stored
    // and the same bytes again, which the writer found stored.
    assert_eq!(
        value(&text, "qingdan_commit_group_packets_sum"),
        Some(3.0),
        "{text}"
    );
    assert_eq!(value(&text, "qingdan_writer_queue"), Some(0.0), "{text}");
    // The requests before this one were timed (this one is not yet).
    let timed = value(&text, "qingdan_request_duration_seconds_count").unwrap();
    assert!(timed >= 6.0, "{timed} requests timed: {text}");
    assert!(text.ends_with("# EOF\n"), "{text}");
    // Counts only: no unit, key or packet is named.
    assert!(!text.contains("510824"), "{text}");

    // Once the intake stops taking packets, it says so.
    w.intake.shutdown().await;
    let stopped = w.send(Method::GET, "/healthz", vec![], false).await;
    assert_eq!(stopped.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(stopped.problem_code(), "unavailable");
}
