//! The console's administrators: passwords (Argon2id hashes; a minimum
//! length, and never one of the most common passwords), sessions that end
//! when idle or at sign-out, and the record of every administrative
//! action (who, what, when).
//!
//! Scripts keep their bearer tokens (`qingdan admin token`); a person
//! signs in to the console with a name and password and gets a session.

use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

use crate::errors::AdminError;
use crate::intake::Intake;
use crate::secrets;
use crate::store::{AdminInfo, AuditEntry};

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The longest password taken (hashing is work: a megabyte password is
/// refused before any is done).
pub const MAX_PASSWORD_BYTES: usize = 256;

/// The longest administrator name.
pub const MAX_NAME_CHARS: usize = 64;

/// A session token's prefix (`qs_` + 32 random bytes).
const SESSION_PREFIX: &str = "qs_";

/// Who did something, as the record names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An administrator signed in to the console.
    Admin(String),
    /// A script's bearer token, by its id.
    Token(String),
    /// The command line, on the intake's machine.
    Cli,
}

impl Actor {
    /// As recorded: the name, `token:<id>` or `cli`.
    pub fn recorded(&self) -> String {
        match self {
            Actor::Admin(name) => name.clone(),
            Actor::Token(id) => format!("token:{id}"),
            Actor::Cli => "cli".into(),
        }
    }
}

/// A session just started: its token (given to the browser once, as a
/// cookie) and whose it is.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The token.
    pub token: String,
    /// The administrator.
    pub name: String,
    /// They must change their password before anything else.
    pub must_change: bool,
}

/// A session in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The administrator.
    pub name: String,
    /// They must change their password before anything else.
    pub must_change: bool,
    /// The token's hash (how the store knows it).
    pub hash: String,
}

/// Why a password is not taken, if it is not: too short, too long, or
/// among the most common (or made of the name).
pub fn password_problem(name: &str, password: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(format!(
            "password: at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Some(format!("password: at most {MAX_PASSWORD_BYTES} bytes"));
    }
    // zxcvbn knows the 30,000 most common passwords, words, names, dates,
    // keyboard walks and repeats; 3 of 4 is "safely unguessable".
    let strength = zxcvbn::zxcvbn(password, &[name, "qingdan", "清单"]);
    if u8::from(strength.score()) < 3 {
        return Some(
            "password: too easy to guess (a common password, a word, a name, a date or a pattern); \
             use a longer phrase of unrelated words"
                .into(),
        );
    }
    None
}

fn hash_password(password: &str) -> Result<String, AdminError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AdminError::Internal(format!("password hashing: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash no password matches, verified against when the name is unknown
/// so that a wrong name takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let mut noise = [0u8; 32];
        let _ = getrandom::fill(&mut noise);
        hash_password(&qingdan_core::keys::encode(&noise)).unwrap_or_default()
    })
}

fn valid_name(name: &str) -> Result<(), AdminError> {
    let chars = name.chars().count();
    if chars == 0
        || chars > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
        || name != name.trim()
    {
        return Err(AdminError::Invalid(format!(
            "name: 1 to {MAX_NAME_CHARS} characters, no spaces at either end"
        )));
    }
    Ok(())
}

impl Intake {
    /// Adds an administrator with `password` (refused when weak); with
    /// `must_change` they choose their own at first sign-in.
    pub async fn add_admin(
        &self,
        name: &str,
        password: &str,
        must_change: bool,
        actor: &Actor,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AdminError> {
        valid_name(name)?;
        if let Some(problem) = password_problem(name, password) {
            return Err(AdminError::WeakPassword(problem));
        }
        let hash = blocking_hash(password.to_owned()).await?;
        let at = crate::rfc3339(now);
        if !self
            .store()
            .add_admin(name, &hash, must_change, &at)
            .await?
        {
            return Err(AdminError::Invalid(format!(
                "name: an administrator {name:?} exists already"
            )));
        }
        self.record(actor, "admin.add", name, now).await
    }

    /// Makes the first administrator, `admin`, with a random one-time
    /// password that must be changed at first sign-in, and answers it;
    /// none when there is an administrator already.
    pub async fn first_admin(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<String>, AdminError> {
        if !self.store().admins().await?.is_empty() {
            return Ok(None);
        }
        let (code, _) = secrets::new_enrollment_code()
            .map_err(|e| AdminError::Internal(format!("no random numbers: {e}")))?;
        let (more, _) = secrets::new_enrollment_code()
            .map_err(|e| AdminError::Internal(format!("no random numbers: {e}")))?;
        let password = format!("{code}-{more}");
        let hash = blocking_hash(password.clone()).await?;
        let at = crate::rfc3339(now);
        if !self.store().add_admin("admin", &hash, true, &at).await? {
            return Ok(None);
        }
        self.record(
            &Actor::Cli,
            "admin.add",
            "admin (first, one-time password)",
            now,
        )
        .await?;
        Ok(Some(password))
    }

    /// Signs an administrator in: a new session, or `Unauthorized` with
    /// the same words whether the name or the password was wrong (and
    /// after the same work).
    pub async fn sign_in(
        &self,
        name: &str,
        password: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<NewSession, AdminError> {
        let wrong = || AdminError::Unauthorized("wrong name or password".into());
        if password.len() > MAX_PASSWORD_BYTES {
            return Err(wrong());
        }
        let admin = self.store().admin(name).await?;
        let hash = admin
            .as_ref()
            .map_or_else(|| decoy_hash().to_owned(), |a| a.password_hash.clone());
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || password_matches(&password, &hash))
            .await
            .map_err(|e| AdminError::Internal(e.to_string()))?;
        let Some(AdminInfo {
            name, must_change, ..
        }) = admin.filter(|_| matches)
        else {
            tracing::warn!(target: "qingdan::security", name, "sign-in refused");
            return Err(wrong());
        };
        let (token, hash) = new_session_token()?;
        self.store()
            .add_session(&hash, &name, &crate::rfc3339(now))
            .await?;
        tracing::info!(target: "qingdan::security", name, "signed in");
        self.record(&Actor::Admin(name.clone()), "session.start", "", now)
            .await?;
        Ok(NewSession {
            token,
            name,
            must_change,
        })
    }

    /// The session of `token` if it works now: known, and used within
    /// `idle` (then it counts as used now). A session idle longer is
    /// ended.
    pub async fn session(
        &self,
        token: &str,
        idle: Duration,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Session, AdminError> {
        let hash = secrets::hash(token);
        let ended = || {
            AdminError::Unauthorized(
                "not signed in, or the session has ended: sign in again".into(),
            )
        };
        let row = self.store().session(&hash).await?.ok_or_else(ended)?;
        let idle_before =
            crate::rfc3339(now - chrono::Duration::from_std(idle).unwrap_or_default());
        if row.last_seen < idle_before {
            self.store().end_session(&hash, &idle_before).await?;
            return Err(ended());
        }
        // One write a minute at most per session, not one per request.
        let recent = crate::rfc3339(now - chrono::Duration::seconds(60));
        if row.last_seen < recent {
            self.store()
                .touch_session(&hash, &crate::rfc3339(now))
                .await?;
        }
        Ok(Session {
            name: row.admin,
            must_change: row.must_change,
            hash,
        })
    }

    /// Ends a session (and any left idle past `idle`).
    pub async fn sign_out(
        &self,
        session: &Session,
        idle: Duration,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AdminError> {
        let idle_before =
            crate::rfc3339(now - chrono::Duration::from_std(idle).unwrap_or_default());
        self.store()
            .end_session(&session.hash, &idle_before)
            .await?;
        self.record(&Actor::Admin(session.name.clone()), "session.end", "", now)
            .await
    }

    /// Changes a signed-in administrator's password: the current one must
    /// be given, the new one must be strong. Their other sessions end.
    pub async fn change_password(
        &self,
        session: &Session,
        current: &str,
        new: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AdminError> {
        let admin = self
            .store()
            .admin(&session.name)
            .await?
            .ok_or_else(|| AdminError::Unauthorized("no such administrator".into()))?;
        let (given, hash) = (current.to_owned(), admin.password_hash.clone());
        let matches = current.len() <= MAX_PASSWORD_BYTES
            && tokio::task::spawn_blocking(move || password_matches(&given, &hash))
                .await
                .map_err(|e| AdminError::Internal(e.to_string()))?;
        if !matches {
            return Err(AdminError::Invalid(
                "current: this is not your password".into(),
            ));
        }
        if current == new {
            return Err(AdminError::WeakPassword(
                "password: choose a new password, not the one you have".into(),
            ));
        }
        if let Some(problem) = password_problem(&session.name, new) {
            return Err(AdminError::WeakPassword(problem));
        }
        let hash = blocking_hash(new.to_owned()).await?;
        self.store()
            .set_password(
                &session.name,
                &hash,
                false,
                Some(&session.hash),
                &crate::rfc3339(now),
            )
            .await?;
        self.record(
            &Actor::Admin(session.name.clone()),
            "admin.password",
            "",
            now,
        )
        .await
    }

    /// Every administrator.
    pub async fn admins(&self) -> Result<Vec<AdminInfo>, AdminError> {
        Ok(self.store().admins().await?)
    }

    /// Records an administrative action.
    pub async fn record(
        &self,
        actor: &Actor,
        action: &str,
        detail: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AdminError> {
        self.store()
            .record(&crate::rfc3339(now), &actor.recorded(), action, detail)
            .await?;
        Ok(())
    }

    /// Up to `limit` recorded actions before number `before`, newest first.
    pub async fn audit_log(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, AdminError> {
        Ok(self.store().audit_log(before, limit).await?)
    }
}

/// Hashes on a blocking thread: Argon2id is tens of milliseconds of work.
async fn blocking_hash(password: String) -> Result<String, AdminError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AdminError::Internal(e.to_string()))?
}

fn new_session_token() -> Result<(String, String), AdminError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| AdminError::Internal(format!("no random numbers: {e}")))?;
    let token = format!("{SESSION_PREFIX}{}", qingdan_core::keys::encode(&bytes));
    let hash = secrets::hash(&token);
    Ok((token, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_common_and_name_made_passwords_are_refused_and_a_phrase_is_taken() {
        for weak in [
            "password",
            "password1234",
            "123456789012",
            "qwertyuiopasdf",
            "iloveyou1234!",
        ] {
            assert!(
                password_problem("admin", weak).is_some(),
                "{weak} was taken"
            );
        }
        assert!(password_problem("zhangsan", "zhangsan2026!").is_some());
        assert!(password_problem("admin", "correct horse battery staple").is_none());
        assert!(password_problem("admin", "山高水长-清风明月-2026").is_none());
        assert!(password_problem("admin", &"x".repeat(MAX_PASSWORD_BYTES + 1)).is_some());
    }

    #[test]
    fn a_hash_matches_its_password_only() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches("correct horse battery staple", &hash));
        assert!(!password_matches("correct horse battery stapler", &hash));
        assert!(!password_matches(
            "correct horse battery staple",
            decoy_hash()
        ));
        assert!(!password_matches("x", "not a hash"));
    }
}
