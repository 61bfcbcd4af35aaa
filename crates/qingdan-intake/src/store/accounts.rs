//! The console's administrators, their sessions and the record of what was
//! done (`admins`, `admin_sessions`, `audit_log`).

use super::{Store, StoreError};

/// An administrator as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AdminInfo {
    /// The name they sign in with.
    pub name: String,
    /// Their password's Argon2id hash (PHC string).
    #[serde(skip)]
    pub password_hash: String,
    /// They must choose a new password before anything else.
    pub must_change: bool,
    /// When the account was made.
    pub created_at: String,
}

/// A session as stored: whose, and when it was last used.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    /// The administrator's name.
    pub admin: String,
    /// When a request last used it.
    pub last_seen: String,
    /// Whether the administrator must change their password.
    pub must_change: bool,
}

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    /// Its number, in the order recorded.
    pub id: i64,
    /// When.
    pub at: String,
    /// Who: an administrator's name, `token:<id>` or `cli`.
    pub actor: String,
    /// What, as a stable name (`unit.add`, `round.create`, …).
    pub action: String,
    /// Of what: ids and codes.
    pub detail: String,
}

impl Store {
    /// Adds an administrator; false when the name is taken.
    pub async fn add_admin(
        &self,
        name: &str,
        password_hash: &str,
        must_change: bool,
        now: &str,
    ) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let done = sqlx::query(
                "INSERT INTO admins (name, password_hash, must_change, created_at, password_changed_at)
                 VALUES ($1, $2, $3, $4, $4) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(password_hash)
            .bind(must_change)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// An administrator by name.
    pub async fn admin(&self, name: &str) -> Result<Option<AdminInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT name, password_hash, must_change, created_at FROM admins WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await?))
    }

    /// Every administrator, by name.
    pub async fn admins(&self) -> Result<Vec<AdminInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT name, password_hash, must_change, created_at FROM admins ORDER BY name",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Sets an administrator's password and ends their other sessions
    /// (all but `keep`, the session that changed it).
    pub async fn set_password(
        &self,
        name: &str,
        password_hash: &str,
        must_change: bool,
        keep: Option<&str>,
        now: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE admins SET password_hash = $2, must_change = $3, password_changed_at = $4
                 WHERE name = $1",
            )
            .bind(name)
            .bind(password_hash)
            .bind(must_change)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM admin_sessions WHERE admin = $1 AND hash <> $2")
                .bind(name)
                .bind(keep.unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Starts a session (stored by its token's hash).
    pub async fn add_session(&self, hash: &str, admin: &str, now: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO admin_sessions (hash, admin, created_at, last_seen) VALUES ($1, $2, $3, $3)",
            )
            .bind(hash)
            .bind(admin)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// A session by its token's hash.
    pub async fn session(&self, hash: &str) -> Result<Option<SessionRow>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT s.admin, s.last_seen, a.must_change
             FROM admin_sessions s JOIN admins a ON a.name = s.admin WHERE s.hash = $1",
        )
        .bind(hash)
        .fetch_optional(pool)
        .await?))
    }

    /// Marks a session used now.
    pub async fn touch_session(&self, hash: &str, now: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE admin_sessions SET last_seen = $2 WHERE hash = $1")
                .bind(hash)
                .bind(now)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Ends a session, and every session idle since before `idle_before`.
    pub async fn end_session(&self, hash: &str, idle_before: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM admin_sessions WHERE hash = $1 OR last_seen < $2")
                .bind(hash)
                .bind(idle_before)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Records an action.
    pub async fn record(
        &self,
        at: &str,
        actor: &str,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO audit_log (at, actor, action, detail) VALUES ($1, $2, $3, $4)")
                .bind(at)
                .bind(actor)
                .bind(action)
                .bind(detail)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Up to `limit` recorded actions before number `before` (or the
    /// latest), newest first.
    pub async fn audit_log(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT id, at, actor, action, detail FROM audit_log
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(pool)
        .await?))
    }
}
