//! `qingdan serve` as an office runs it: HTTPS with an office certificate
//! authority it makes (checked with curl, which trusts only what it is
//! given), or with the office's own certificate; plain HTTP sent on to
//! HTTPS; and its settings from a file, variables and flags.

use std::process::{Command, Stdio};

use crate::intake::{Server, scratch};
use crate::{qingdan, text};

const NAME: &str = "qingdan.test";

/// `curl ARGS URL` against a server on 127.0.0.1 reached as `NAME`:
/// (exit code, body).
fn curl(url: &str, args: &[&str]) -> (i32, String) {
    let port = url.rsplit(':').next().unwrap().trim_end_matches('/');
    let out = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "20"])
        .args(["--resolve", &format!("{NAME}:{port}:127.0.0.1")])
        .args(args)
        .arg(format!("https://{NAME}:{port}/healthz"))
        .stdin(Stdio::null())
        .output()
        .expect("curl runs (apt-get install curl)");
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout) + &text(&out.stderr),
    )
}

/// `qingdan serve` on `db` with `options`, which must refuse to start:
/// its stderr.
fn refused(db: &str, options: &[&str]) -> String {
    let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--database", db];
    args.extend(options);
    let out = qingdan(&args);
    assert!(!out.status.success(), "{options:?} started");
    text(&out.stderr)
}

/// `https://127.0.0.1:PORT` → the port.
fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

#[test]
fn tls_auto_serves_https_that_curl_trusts_only_with_the_office_authority() {
    let (dir, db, _removed) = scratch();
    crate::intake::ok_on(&db, &["template", "publish", "--bundled", "--create"]);
    let server = Server::start_with(&db, &["--tls", "auto", "--hostname", NAME]);
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );
    let ca = dir.join("tls/ca.pem");

    let (code, body) = curl(&server.url, &["--cacert", ca.to_str().unwrap()]);
    assert_eq!((code, body.as_str()), (0, "ok\n"));
    let (code, body) = curl(&server.url, &[]);
    assert_eq!(
        code, 60,
        "without the office authority curl refuses: {body}"
    );

    // Only the intake's owner reads the authority's key.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join("tls/ca.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The authority vouches for the intake's name and nothing else.
    let shown = Command::new("openssl")
        .args(["x509", "-noout", "-text", "-in"])
        .arg(&ca)
        .output()
        .unwrap();
    let shown = text(&shown.stdout);
    let constraints = shown
        .split("Name Constraints")
        .nth(1)
        .expect("name constraints");
    assert!(constraints.contains(&format!("DNS:{NAME}")), "{shown}");
    assert!(shown.contains("CA:TRUE, pathlen:0"), "{shown}");

    // Plain HTTP on the HTTPS port is sent on; /install and /ca.pem are
    // read over it before a device trusts anything.
    let port = port_of(&server.url);
    let plain = |path: &str| {
        ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .max_redirects(0)
                .http_status_as_error(false)
                .build(),
        )
        .get(&format!("http://127.0.0.1:{port}{path}"))
        .header("host", &format!("{NAME}:{port}"))
        .call()
        .unwrap()
    };
    let moved = plain("/api/v1/intake?x=1");
    assert_eq!(moved.status().as_u16(), 307);
    assert_eq!(
        moved.headers().get("location").unwrap().to_str().unwrap(),
        format!("https://{NAME}:{port}/api/v1/intake?x=1")
    );
    let mut ca_pem = plain("/ca.pem");
    assert_eq!(ca_pem.status().as_u16(), 200);
    assert_eq!(
        ca_pem.body_mut().read_to_string().unwrap(),
        std::fs::read_to_string(&ca).unwrap()
    );
    drop(server);

    // The authority is made once: a restart keeps it, so devices keep
    // trusting the intake.
    let before = std::fs::read(&ca).unwrap();
    let again = Server::start_with(&db, &["--tls", "auto", "--hostname", NAME]);
    assert_eq!(std::fs::read(&ca).unwrap(), before);
    assert_eq!(curl(&again.url, &["--cacert", ca.to_str().unwrap()]).0, 0);
    drop(again);

    // A name the authority was not made for is refused at start, saying why.
    let err = refused(&db, &["--tls", "auto", "--hostname", "other.test"]);
    assert!(
        err.contains("other.test") && err.contains(NAME) && err.contains("/install"),
        "{err}"
    );
}

#[test]
fn the_offices_own_certificate_is_served_as_given() {
    let (dir, db, _removed) = scratch();
    crate::intake::ok_on(&db, &["template", "publish", "--bundled", "--create"]);
    let (cert, key) = (dir.join("office.pem"), dir.join("office.key"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "30",
        ])
        .args([
            "-subj",
            &format!("/CN={NAME}"),
            "-addext",
            &format!("subjectAltName=DNS:{NAME}"),
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", text(&made.stderr));
    let server = Server::start_with(
        &db,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
            "--hostname",
            NAME,
        ],
    );
    assert_eq!(
        curl(&server.url, &["--cacert", cert.to_str().unwrap()]),
        (0, "ok\n".to_owned())
    );
    assert!(!dir.join("tls").exists(), "no office authority is made");
    drop(server);

    // A key that is not the certificate's is refused at start.
    let other = dir.join("other.key");
    let made = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
        ])
        .arg(&other)
        .output()
        .unwrap();
    assert!(made.status.success());
    let err = refused(
        &db,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            other.to_str().unwrap(),
        ],
    );
    assert!(err.contains("does not belong to"), "{err}");
    // Settings that contradict each other are refused, saying which.
    let err = refused(
        &db,
        &[
            "--tls",
            "auto",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("--tls auto makes its own certificate"),
        "{err}"
    );
    let err = refused(&db, &["--http-port", "0"]);
    assert!(
        err.contains("--http-port") && err.contains("--tls auto"),
        "{err}"
    );
    let err = refused(&db, &["--tls", "auto"]);
    assert!(err.contains("--hostname"), "{err}");
}

/// `max_packet_bytes` of `GET /api/v1/intake` of a server started with
/// `args` and `envs` (no --database: it may come from the file).
fn max_packet_bytes(args: &[&str], envs: &[(&str, &str)]) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qingdan"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .envs(envs.iter().copied())
        .env_remove("QINGDAN_DATABASE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    let body = ureq::get(&format!("{url}/api/v1/intake"))
        .call()
        .map(|mut r| r.body_mut().read_to_string().unwrap());
    child.kill().unwrap();
    child.wait().unwrap();
    let info: serde_json::Value = serde_json::from_str(&body.unwrap()).unwrap();
    info["max_packet_bytes"].as_u64().unwrap()
}

#[test]
fn settings_come_from_the_file_under_variables_under_flags() {
    let (dir, db, _removed) = scratch();
    crate::intake::ok_on(&db, &["template", "publish", "--bundled", "--create"]);
    let file = dir.join("qingdan.toml");
    std::fs::write(
        &file,
        format!("# the office's settings\ndatabase = \"{db}\"\nmax-packet-bytes = 100000\nrate-limit = 0\n"),
    )
    .unwrap();
    let config = file.to_str().unwrap();
    assert_eq!(max_packet_bytes(&["--config", config], &[]), 100_000);
    assert_eq!(
        max_packet_bytes(
            &[],
            &[
                ("QINGDAN_CONFIG", config),
                ("QINGDAN_MAX_PACKET_BYTES", "200000")
            ]
        ),
        200_000
    );
    assert_eq!(
        max_packet_bytes(
            &["--config", config, "--max-packet-bytes", "300000"],
            &[("QINGDAN_MAX_PACKET_BYTES", "200000")]
        ),
        300_000
    );

    // A misspelt key is an error that names the file, the key and its line.
    std::fs::write(&file, "max-packet-bytes = 1000\nrate_limit = 5\n").unwrap();
    let out = qingdan(&["serve", "--config", config]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("qingdan.toml") && err.contains("rate_limit") && err.contains("line 2"),
        "{err}"
    );
}

/// README's table of settings: `| --flag | QINGDAN_VAR | key | default | … |`.
fn readme_settings() -> Vec<(String, String, String)> {
    let readme = std::fs::read_to_string(crate::repo().join("README.md")).unwrap();
    let table = readme
        .split("<!-- settings -->")
        .nth(1)
        .expect("README has a <!-- settings --> table");
    table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|row| {
            let cells: Vec<String> = row
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect();
            (cells[1].clone(), cells[2].clone(), cells[3].clone())
        })
        .collect()
}

#[test]
fn readmes_table_of_settings_is_serves_flags_variables_and_keys() {
    let help = text(&qingdan(&["serve", "--help"]).stdout);
    let mut flags: Vec<String> = help
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--"))
        .map(|l| format!("--{}", l.split([' ', '<']).next().unwrap()))
        .filter(|f| f != "--help" && f != "--create")
        .collect();
    flags.sort();
    let rows = readme_settings();
    let mut documented: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    documented.sort();
    assert_eq!(
        documented, flags,
        "README's settings table and `qingdan serve --help`"
    );
    for (flag, var, key) in &rows {
        let name = flag.trim_start_matches("--");
        assert_eq!(
            var,
            &format!("QINGDAN_{}", name.to_uppercase().replace('-', "_"))
        );
        assert!(
            help.contains(&format!("[env: {var}")),
            "{var} is not in --help"
        );
        if flag == "--config" {
            assert_eq!(key, "—");
        } else {
            assert_eq!(key, name, "the file's key for {flag}");
        }
    }
}
