//! The console's people and its tracker, over the API on SQLite and
//! PostgreSQL: administrators sign in with a password and a session
//! cookie that sign-out and idleness end; wrong passwords are refused and
//! slowed; a one-time password must be changed before anything else; a
//! page of another site cannot act on a session; every action is
//! recorded; a round's tracker says which units have submitted, were
//! refused, or have not (overdue once the deadline has passed).

use std::time::Duration;

use axum::http::{Method, StatusCode, header};
use qingdan_intake::Config;
use qingdan_intake::accounts::Actor;

use crate::support::{Answer, Db, UNIT, World, new_id, on_both, world_with};

on_both!(
    a_session_works_until_sign_out_or_idleness_and_nothing_works_without_one,
    wrong_passwords_are_refused_then_slowed_and_a_one_time_password_must_be_changed,
    the_tracker_says_who_submitted_who_was_refused_and_who_is_overdue,
    a_sheet_of_slips_holds_one_working_code_and_qr_code_a_unit_and_role,
    a_checklist_workbook_is_published_or_refused_by_its_cells,
    a_withdrawn_code_enrolls_nothing_and_a_used_one_cannot_be_withdrawn,
);

const PASSWORD: &str = "correct horse battery staple";

async fn console_world(db: Db, idle: Duration) -> World {
    let w = world_with(
        db,
        Config {
            rate_limit: None,
            session_idle: idle,
            ..Config::default()
        },
    )
    .await;
    w.intake
        .add_admin("zhang", PASSWORD, false, &Actor::Cli, chrono::Utc::now())
        .await
        .unwrap();
    w
}

/// Sends a request with these headers (no bearer token).
async fn send(
    w: &World,
    method: Method,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Answer {
    send_to(&w.router, method, path, body, headers).await
}

/// The same, to `router` (as sent to the intake at `intake.test`).
async fn send_to(
    router: &axum::Router,
    method: Method,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let mut all = vec![("host", "intake.test")];
    all.extend_from_slice(headers);
    crate::support::request_with(router, method, path, body.as_bytes().to_vec(), &all).await
}

/// Signs in; answers the `Cookie` header that carries the session.
async fn sign_in(w: &World, name: &str, password: &str) -> Result<String, Answer> {
    sign_in_to(&w.router, name, password).await
}

/// The same, through `router`.
async fn sign_in_to(router: &axum::Router, name: &str, password: &str) -> Result<String, Answer> {
    let body = serde_json::json!({"name": name, "password": password}).to_string();
    let answer = send_to(router, Method::POST, "/api/v1/session", &body, &[]).await;
    if answer.status != StatusCode::OK {
        return Err(answer);
    }
    let set = answer.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(part), "the cookie is {part}: {set}");
    }
    assert!(!set.contains("Secure"), "no Secure over plain HTTP: {set}");
    Ok(set.split(';').next().unwrap().to_owned())
}

async fn a_session_works_until_sign_out_or_idleness_and_nothing_works_without_one(db: Db) {
    let w = console_world(db, Duration::from_secs(2)).await;
    // Without a session (or token), every console endpoint is 401.
    for path in [
        "/api/v1/session",
        "/api/v1/packets",
        "/api/v1/rounds",
        "/api/v1/audit",
        "/api/v1/admins",
        "/api/v1/findings",
    ] {
        let answer = send(&w, Method::GET, path, "", &[]).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(answer.problem_code(), "unauthorized");
        let forged = send(
            &w,
            Method::GET,
            path,
            "",
            &[("cookie", "qingdan_session=qs_forged")],
        )
        .await;
        assert_eq!(
            forged.status,
            StatusCode::UNAUTHORIZED,
            "{path} with a forged cookie"
        );
    }

    let cookie = sign_in(&w, "zhang", PASSWORD).await.unwrap();
    let me = send(
        &w,
        Method::GET,
        "/api/v1/session",
        "",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["name"], "zhang");
    let listed = send(
        &w,
        Method::GET,
        "/api/v1/packets",
        "",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());

    // A page of another site cannot act on the session.
    let unit = serde_json::json!({"code": "510824-201", "name": "某某乡党委"}).to_string();
    let foreign = send(
        &w,
        Method::POST,
        "/api/v1/units",
        &unit,
        &[("cookie", &cookie), ("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(
        foreign.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        foreign.text()
    );
    let own = send(
        &w,
        Method::POST,
        "/api/v1/units",
        &unit,
        &[("cookie", &cookie), ("origin", "http://intake.test")],
    )
    .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.text());

    // Signed out: the same cookie never works again.
    let out = send(
        &w,
        Method::DELETE,
        "/api/v1/session",
        "",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        out.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = send(
        &w,
        Method::GET,
        "/api/v1/packets",
        "",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);

    // Idle past the timeout (2 s here): ended.
    let cookie = sign_in(&w, "zhang", PASSWORD).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2300)).await;
    let idle = send(
        &w,
        Method::GET,
        "/api/v1/packets",
        "",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(idle.status, StatusCode::UNAUTHORIZED, "{}", idle.text());
    let again = send(
        &w,
        Method::GET,
        "/api/v1/session",
        "",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);

    // What was done is listed, by whom.
    let cookie = sign_in(&w, "zhang", PASSWORD).await.unwrap();
    let audit = send(&w, Method::GET, "/api/v1/audit", "", &[("cookie", &cookie)]).await;
    assert_eq!(audit.status, StatusCode::OK);
    let entries = audit.json()["entries"].as_array().unwrap().clone();
    let done: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for want in [
        ("cli", "admin.add", "zhang"),
        ("zhang", "session.start", ""),
        ("zhang", "unit.add", "510824-201"),
        ("zhang", "session.end", ""),
    ] {
        assert!(
            done.iter()
                .any(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()) == want),
            "{want:?} is not in the record: {done:?}"
        );
    }
    assert_eq!(entries[0]["action"], "session.start", "newest first");
}

async fn wrong_passwords_are_refused_then_slowed_and_a_one_time_password_must_be_changed(db: Db) {
    let w = console_world(db, Duration::from_secs(1800)).await;
    // A wrong password and an unknown name get the same answer.
    let wrong = sign_in(&w, "zhang", "not the password at all")
        .await
        .unwrap_err();
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let nobody = sign_in(&w, "nobody", PASSWORD).await.unwrap_err();
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["detail"], nobody.json()["detail"]);
    // Five attempts at once, then one every 20 s: the right password too
    // waits its turn.
    let mut limited = None;
    for _ in 0..6 {
        match sign_in(&w, "zhang", "guess guess guess guess").await {
            Err(answer) if answer.status == StatusCode::TOO_MANY_REQUESTS => {
                limited = Some(answer);
                break;
            }
            Err(answer) => assert_eq!(answer.status, StatusCode::UNAUTHORIZED),
            Ok(_) => panic!("a wrong password signed in"),
        }
    }
    let limited = limited.expect("guessing is slowed");
    assert_eq!(limited.problem_code(), "rate-limited");
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(
        sign_in(&w, "zhang", PASSWORD).await.unwrap_err().status,
        StatusCode::TOO_MANY_REQUESTS
    );

    // The first administrator's one-time password: it works only to
    // choose a new one, and a weak one is refused. (A server restarted:
    // its counts of attempts start again.)
    let router = crate::support::router(w.intake.clone());
    let send = |method: Method, path: &'static str, body: String, cookie: String| {
        let router = router.clone();
        async move { send_to(&router, method, path, &body, &[("cookie", &cookie)]).await }
    };
    let password = w.intake.first_admin(chrono::Utc::now()).await.unwrap();
    assert!(password.is_none(), "an administrator exists: no first one");
    w.intake
        .add_admin(
            "li",
            "river stone maple lantern",
            true,
            &Actor::Cli,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let cookie = sign_in_to(&router, "li", "river stone maple lantern")
        .await
        .unwrap();
    let me = send(
        Method::GET,
        "/api/v1/session",
        String::new(),
        cookie.clone(),
    )
    .await;
    assert_eq!(me.json()["must_change"], true);
    let blocked = send(
        Method::GET,
        "/api/v1/packets",
        String::new(),
        cookie.clone(),
    )
    .await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    assert_eq!(blocked.problem_code(), "password-change");
    let change = |current: &str, new: &str| {
        serde_json::json!({"current": current, "password": new}).to_string()
    };
    let path = "/api/v1/session/password";
    let weak = send(
        Method::POST,
        path,
        change("river stone maple lantern", "password1234"),
        cookie.clone(),
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.problem_code(), "weak-password");
    let not_theirs = send(
        Method::POST,
        path,
        change("a wrong current password", "violet harbor copper meadow"),
        cookie.clone(),
    )
    .await;
    assert_eq!(not_theirs.status, StatusCode::UNPROCESSABLE_ENTITY);
    let changed = send(
        Method::POST,
        path,
        change("river stone maple lantern", "violet harbor copper meadow"),
        cookie.clone(),
    )
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text());
    let now_allowed = send(Method::GET, "/api/v1/packets", String::new(), cookie).await;
    assert_eq!(now_allowed.status, StatusCode::OK);
    // The old password no longer signs in.
    assert_eq!(
        sign_in_to(&router, "li", "river stone maple lantern")
            .await
            .unwrap_err()
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn the_tracker_says_who_submitted_who_was_refused_and_who_is_overdue(db: Db) {
    let w = console_world(db, Duration::from_secs(1800)).await;
    for (code, name) in [("510824-102", "乙镇党委"), ("510824-103", "丙镇党委")] {
        w.intake
            .add_unit(code, name, "2026-11-23T08:00:00.000Z")
            .await
            .unwrap();
    }
    let token = format!("Bearer {}", w.token);
    let auth = [("authorization", token.as_str())];
    let round = serde_json::json!({
        "template": w.template.id(),
        "period": "2026",
        "kind": "self-assessment",
        "deadline": "2027-01-15",
    })
    .to_string();
    let made = send(&w, Method::POST, "/api/v1/rounds", &round, &auth).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let id = made.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(made.json()["units"], 3, "every registered unit");

    // A bad round is refused, saying what.
    let bad = serde_json::json!({
        "template": w.template.id(), "period": "2026", "kind": "self-assessment",
        "deadline": "2027-02-30", "units": ["510824-999"],
    })
    .to_string();
    let refused = send(&w, Method::POST, "/api/v1/rounds", &bad, &auth).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("deadline"), "{}", refused.text());

    // Unit 101 submits; 102's packet is refused (its principal signed
    let sent = new_id();
    assert_eq!(
        w.post_packet(w.packet(&sent)).await.status,
        StatusCode::CREATED
    );
    // The console opens it with its receipt.
    let opened = send(
        &w,
        Method::GET,
        &format!("/api/v1/packets/{sent}/receipt"),
        "",
        &auth,
    )
    .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.text());
    let opened = opened.json();
    assert_eq!(opened["payload"]["unit"]["code"], UNIT);
    assert_eq!(opened["payload"]["signers"][0]["name"], "张三");
    let receipt =
        qingdan_core::receipt::verify(&opened["receipt"].to_string(), Some(w.intake.public_key()))
            .unwrap();
    receipt
        .check_for(&sent, opened["sha256"].as_str().unwrap())
        .unwrap();
    // A packet for 103 from keys not enrolled there is refused, but
    // anyone can send one: it does not mark 103 refused.
    let stranger = w.packet_with(&new_id(), |m| {
        m.unit.code = "510824-103".into();
        m.unit.name = "丙镇党委".into();
    });
    assert_eq!(w.post_packet(stranger).await.status, StatusCode::FORBIDDEN);
    for ((key, role), name) in w
        .keys
        .iter()
        .zip(["principal", "supervisory"])
        .zip(crate::support::SIGNER_NAMES)
    {
        let public = qingdan_core::keys::encode_public_key(&key.verifying_key());
        w.intake
            .enroll(
                "510824-102",
                role,
                &public,
                name,
                "2026-11-23T08:00:00.000Z",
            )
            .await
            .unwrap();
    }
    let other_name = w.packet_with(&new_id(), |m| {
        m.unit.code = "510824-102".into();
        m.unit.name = "乙镇党委".into();
        m.signers[0].name = "王二".into();
    });
    let answer = w.post_packet(other_name).await;
    assert!(answer.status.is_client_error(), "{}", answer.text());

    let status = |as_of: &'static str| {
        let path = format!("/api/v1/rounds/{id}/status?as_of={as_of}");
        let w = &w;
        async move {
            let answer = send(
                w,
                Method::GET,
                &path,
                "",
                &[("authorization", &format!("Bearer {}", w.token))],
            )
            .await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
            answer.json()
        }
    };
    let before = status("2027-01-15").await;
    let by_code = |tracked: &serde_json::Value, code: &str| {
        tracked["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == code)
            .cloned()
            .unwrap()
    };
    let submitted = by_code(&before, UNIT);
    assert_eq!(submitted["status"], "submitted");
    assert!(submitted["received_at"].is_string());
    assert!(submitted["total"].is_string(), "{submitted}");
    let other = by_code(&before, "510824-102");
    assert_eq!(other["status"], "refused", "{other}");
    assert_eq!(other["refused_code"], "signer-name");
    assert_eq!(by_code(&before, "510824-103")["status"], "missing");
    assert_eq!(
        before["counts"],
        serde_json::json!({"units": 3, "submitted": 1, "refused": 1, "missing": 1, "overdue": 0})
    );
    // The day after the deadline, who has sent nothing is overdue.
    let after = status("2027-01-16").await;
    assert_eq!(by_code(&after, "510824-103")["status"], "overdue");
    assert_eq!(after["counts"]["overdue"], 1);
    assert_eq!(after["counts"]["missing"], 0);

    // Filtered and paged; the XLSX has every unit.
    let only = send(
        &w,
        Method::GET,
        &format!("/api/v1/rounds/{id}/status?as_of=2027-01-16&status=overdue"),
        "",
        &auth,
    )
    .await
    .json();
    assert_eq!(only["units"].as_array().unwrap().len(), 1);
    assert_eq!(only["total_units"], 1);
    let xlsx = send(
        &w,
        Method::GET,
        &format!("/api/v1/rounds/{id}/status?as_of=2027-01-16&format=xlsx"),
        "",
        &auth,
    )
    .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let sheet = crate::summaries::xlsx_text(&xlsx.body, "xl/worksheets/sheet1.xml");
    for word in ["已提交", "被拒绝", "逾期未提交", "510824-103"] {
        assert!(sheet.contains(word), "{word} in the XLSX");
    }
    let missing = send(&w, Method::GET, "/api/v1/rounds/no-such/status", "", &auth).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn a_sheet_of_slips_holds_one_working_code_and_qr_code_a_unit_and_role(db: Db) {
    let w = console_world(db, Duration::from_secs(1800)).await;
    w.intake
        .add_unit("510824-102", "乙镇党委", "2026-11-23T08:00:00.000Z")
        .await
        .unwrap();
    let path = "/api/v1/enrollment-codes/sheet";
    let ask = |roles: &[&str]| {
        serde_json::json!({"units": [UNIT, "510824-102"], "roles": roles}).to_string()
    };
    let nobody = send(&w, Method::POST, path, &ask(&["principal"]), &[]).await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    let token = format!("Bearer {}", w.token);
    let auth = [("authorization", token.as_str())];
    let codes = async || {
        w.intake
            .store()
            .codes_after(None, 1000)
            .await
            .unwrap()
            .len()
    };
    // A pair that cannot be (a unit's role for every unit, `*`): refused
    // before any code is issued, the good pairs' neither.
    let bad = serde_json::json!({"units": [UNIT, "*"], "roles": ["principal"]}).to_string();
    let bad = send(&w, Method::POST, path, &bad, &auth).await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bad.text()
    );
    assert_eq!(codes().await, 0, "no code issued");

    let sheet = send(
        &w,
        Method::POST,
        path,
        &ask(&["principal", "supervisory"]),
        &auth,
    )
    .await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.text());
    assert_eq!(sheet.headers[header::CACHE_CONTROL], "no-store");
    let html = sheet.text();
    let slips: Vec<&str> = html.split("data-testid=\"slip\"").skip(1).collect();
    assert_eq!(slips.len(), 4, "one slip a unit and role");
    assert_eq!(codes().await, 4);
    for slip in &slips {
        assert!(slip.contains("<svg"), "a QR code on every slip");
    }
    let attr = |slip: &str, name: &str| -> String {
        let start = slip.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        slip[start..start + slip[start..].find('"').unwrap()].to_owned()
    };
    let first = slips[0];
    let code = attr(first, "data-code");
    assert_eq!(attr(first, "data-unit"), UNIT);
    assert_eq!(attr(first, "data-role"), "principal");
    assert_eq!(
        attr(first, "data-link"),
        format!("http://intake.test/#/enroll/{code}")
    );
    assert!(first.contains("主要负责人") && first.contains("某某镇党委"));
    // The code on the slip enrolls a key, once.
    let key = qingdan_core::keys::encode_public_key(
        &qingdan_core::keys::SigningKey::from_bytes(&[9; 32]).verifying_key(),
    );
    let redeem =
        serde_json::json!({"code": code, "public_key": key, "name": "王二", "role": "principal"})
            .to_string();
    let enrolled = send(&w, Method::POST, "/api/v1/enrollments", &redeem, &[]).await;
    assert_eq!(enrolled.status, StatusCode::CREATED, "{}", enrolled.text());
    assert_eq!(enrolled.json()["unit"]["code"], UNIT);
    let again = send(&w, Method::POST, "/api/v1/enrollments", &redeem, &[]).await;
    assert_eq!(again.problem_code(), "code-invalid");

    // The keys: who, for which unit and role, by which code (none for a
    // key an administrator enrolled), and the fingerprint people compare.
    let keys = send(&w, Method::GET, "/api/v1/keys", "", &auth)
        .await
        .json();
    let keys = keys["keys"].as_array().unwrap();
    let by_slip = keys
        .iter()
        .find(|k| k["public_key"] == key.as_str())
        .unwrap();
    assert_eq!(by_slip["name"], "王二");
    assert_eq!(
        (by_slip["unit"].as_str(), by_slip["role"].as_str()),
        (Some(UNIT), Some("principal"))
    );
    assert_eq!(by_slip["code"]["code_id"].as_str().unwrap().len(), 12);
    assert_eq!(by_slip["fingerprint"].as_str().unwrap().len(), 19);
    let by_admin = keys.iter().find(|k| k["name"] == "张三").unwrap();
    assert!(by_admin["code"].is_null());
    assert_eq!(
        send(&w, Method::GET, "/api/v1/keys", "", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_checklist_workbook_is_published_or_refused_by_its_cells(db: Db) {
    let w = console_world(db, Duration::from_secs(1800)).await;
    let token = format!("Bearer {}", w.token);
    let auth = [("authorization", token.as_str())];
    let mut doc = w.template.doc().clone();
    doc.id = "from-sheet".into();
    let book = qingdan_sheet::write(&doc).unwrap();
    let import = |bytes: Vec<u8>| {
        let (router, token) = (w.router.clone(), token.clone());
        async move {
            let auth = [("authorization", token.as_str())];
            let path = "/api/v1/templates/import";
            crate::support::request_with(&router, Method::POST, path, bytes, &auth).await
        }
    };
    let published = import(book.clone()).await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{}",
        published.text()
    );
    assert_eq!(published.json()["id"], "from-sheet");
    let listed = send(&w, Method::GET, "/api/v1/templates", "", &[]).await;
    assert!(listed.text().contains("from-sheet"));
    // The same workbook again: published already.
    assert_eq!(import(book).await.status, StatusCode::OK);
    // Not a workbook: refused, saying so.
    let refused = import(b"not a workbook".to_vec()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with("workbook:"),
        "{}",
        refused.text()
    );
    let nobody = crate::support::request_with(
        &w.router,
        Method::POST,
        "/api/v1/templates/import",
        Vec::new(),
        &[],
    )
    .await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
    let audit = send(&w, Method::GET, "/api/v1/audit", "", &auth)
        .await
        .text();
    assert!(
        audit.contains("template.publish") && audit.contains("from-sheet v"),
        "{audit}"
    );
}

async fn a_withdrawn_code_enrolls_nothing_and_a_used_one_cannot_be_withdrawn(db: Db) {
    let w = console_world(db, Duration::from_secs(1800)).await;
    let token = format!("Bearer {}", w.token);
    let auth = [("authorization", token.as_str())];
    let issue = async || {
        let body = serde_json::json!({"unit": UNIT, "role": "principal"}).to_string();
        let issued = send(&w, Method::POST, "/api/v1/enrollment-codes", &body, &auth).await;
        assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text());
        issued.json()["code"].as_str().unwrap().to_owned()
    };
    let (kept, withdrawn) = (issue().await, issue().await);
    let listed = send(&w, Method::GET, "/api/v1/enrollment-codes", "", &auth)
        .await
        .json();
    assert_eq!(listed["total_codes"], 2);
    let codes = listed["codes"].as_array().unwrap();
    assert!(
        codes
            .iter()
            .all(|c| c["status"] == "unused" && c["unit"] == UNIT)
    );
    assert!(
        !listed.to_string().contains(&kept) && !listed.to_string().contains(&withdrawn),
        "the list never shows a code"
    );
    // Which id is which code's: its hash's start.
    let id_of = |code: &str| qingdan_intake::secrets::code_hash(code)[..12].to_owned();
    assert!(
        codes
            .iter()
            .any(|c| c["code_id"] == id_of(&withdrawn).as_str())
    );
    let key = |seed: u8| {
        qingdan_core::keys::encode_public_key(
            &qingdan_core::keys::SigningKey::from_bytes(&[seed; 32]).verifying_key(),
        )
    };
    let redeem = |code: &str, seed: u8| {
        serde_json::json!({"code": code, "public_key": key(seed), "name": "王二", "role": "principal"})
            .to_string()
    };

    let path = format!("/api/v1/enrollment-codes/{}", id_of(&withdrawn));
    assert_eq!(
        send(&w, Method::DELETE, &path, "", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let gone = send(&w, Method::DELETE, &path, "", &auth).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text());
    let refused = send(
        &w,
        Method::POST,
        "/api/v1/enrollments",
        &redeem(&withdrawn, 3),
        &[],
    )
    .await;
    assert_eq!(
        refused.problem_code(),
        "code-invalid",
        "a withdrawn code enrolls nothing"
    );
    let again = send(&w, Method::DELETE, &path, "", &auth).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let odd = send(&w, Method::DELETE, "/api/v1/enrollment-codes/zz", "", &auth).await;
    assert_eq!(odd.status, StatusCode::NOT_FOUND);

    // A used code stays, and says why.
    let used = send(
        &w,
        Method::POST,
        "/api/v1/enrollments",
        &redeem(&kept, 4),
        &[],
    )
    .await;
    assert_eq!(used.status, StatusCode::CREATED, "{}", used.text());
    let path = format!("/api/v1/enrollment-codes/{}", id_of(&kept));
    let refused = send(&w, Method::DELETE, &path, "", &auth).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text());
    let listed = send(&w, Method::GET, "/api/v1/enrollment-codes", "", &auth)
        .await
        .json();
    assert_eq!(listed["total_codes"], 1);
    assert_eq!(listed["codes"][0]["status"], "redeemed");
    let audit = w.intake.store().audit_log(None, 50).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "code.withdraw" && e.detail == id_of(&withdrawn)),
        "the withdrawal is recorded"
    );
}
