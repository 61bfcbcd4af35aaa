//! Units as the console manages them: a page of them, a name or parent
//! changed, many registered at once from a workbook.

use super::{Store, StoreError, UnitInfo};

/// How a key came to be enrolled: the code it was redeemed with (its id:
/// the start of the code's hash, as `qingdan code list` shows it) and
/// when that code was issued; none for a key enrolled by an administrator.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct EnrolledBy {
    /// The code's id.
    pub code_id: String,
    /// When the code was issued.
    pub issued_at: String,
}

/// An enrollment code as the console lists it: its id (the start of its
/// hash), never the code itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct CodeListed {
    /// The code's id.
    pub code_id: String,
    /// The unit, or `*` (an inspector's, every unit).
    pub unit: String,
    /// The role the key will sign as.
    pub role: String,
    /// When it was issued.
    pub created_at: String,
    /// When it stops working.
    pub expires_at: String,
    /// When a device redeemed it, if one did.
    pub redeemed_at: Option<String>,
}

/// How many characters of a code's hash are its id.
pub const CODE_ID_LEN: usize = 12;

impl Store {
    /// Up to `limit` enrollment codes from `offset`, the latest issued
    /// first, of `unit` only when given; and how many there are.
    pub async fn codes_page(
        &self,
        unit: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<CodeListed>, i64), StoreError> {
        on_pool!(self, pool => {
            let codes = sqlx::query_as(
                "SELECT SUBSTR(hash, 1, 12) AS code_id, unit_code AS unit, role, created_at,
                        expires_at, redeemed_at
                 FROM enrollment_codes WHERE CAST($1 AS TEXT) IS NULL OR unit_code = $1
                 ORDER BY created_at DESC, hash LIMIT $2 OFFSET $3",
            )
            .bind(unit)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM enrollment_codes
                 WHERE CAST($1 AS TEXT) IS NULL OR unit_code = $1",
            )
            .bind(unit)
            .fetch_one(pool)
            .await?;
            Ok((codes, n))
        })
    }

    /// Up to `limit` of the units that have units under them, from
    /// `offset`, by code, and how many there are (the groups a ranking can
    /// be read for).
    pub async fn parents_page(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<UnitInfo>, i64), StoreError> {
        const PARENTS: &str =
            "FROM units p WHERE EXISTS (SELECT 1 FROM units c WHERE c.parent_code = p.code)";
        on_pool!(self, pool => {
            let units = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT p.code, p.name, p.created_at, p.parent_code {PARENTS}
                 ORDER BY p.code LIMIT $1 OFFSET $2"
            )))
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {PARENTS}")))
                .fetch_one(pool)
                .await?;
            Ok((units, n))
        })
    }

    /// The codes of the units under `code`: its children, theirs, and so on.
    pub async fn units_under(&self, code: &str) -> Result<Vec<String>, StoreError> {
        on_pool!(self, pool => {
            let rows: Vec<(String,)> = sqlx::query_as(
                "WITH RECURSIVE below(code) AS (
                    SELECT code FROM units WHERE parent_code = $1
                    UNION SELECT u.code FROM units u JOIN below ON u.parent_code = below.code
                 ) SELECT code FROM below ORDER BY code",
            )
            .bind(code)
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(|(c,)| c).collect())
        })
    }

    /// Withdraws the unused code whose id is `code_id`: it never enrolls a
    /// key. `Ok(None)` when no code has that id; `Ok(Some(false))` when
    /// it was redeemed already (and so stays).
    pub async fn withdraw_code(&self, code_id: &str) -> Result<Option<bool>, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let found: Vec<(Option<String>,)> = sqlx::query_as(
                "SELECT redeemed_at FROM enrollment_codes WHERE SUBSTR(hash, 1, 12) = $1",
            )
            .bind(code_id)
            .fetch_all(&mut *tx)
            .await?;
            // An id names one code; two codes sharing the start of their
            // hashes (one chance in 2^48) are not withdrawn by it.
            let [(redeemed,)] = found.as_slice() else {
                return Ok(None);
            };
            if redeemed.is_some() {
                return Ok(Some(false));
            }
            sqlx::query(
                "DELETE FROM enrollment_codes
                 WHERE SUBSTR(hash, 1, 12) = $1 AND redeemed_at IS NULL",
            )
            .bind(code_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(true))
        })
    }

    /// Up to `limit` units from `offset`, by code, and how many there are.
    pub async fn units_page(
        &self,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<UnitInfo>, i64), StoreError> {
        on_pool!(self, pool => {
            let units = sqlx::query_as(
                "SELECT code, name, created_at, parent_code FROM units
                 ORDER BY code LIMIT $1 OFFSET $2",
            )
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units").fetch_one(pool).await?;
            Ok((units, n))
        })
    }

    /// A registered unit.
    pub async fn unit_info(&self, code: &str) -> Result<Option<UnitInfo>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT code, name, created_at, parent_code FROM units WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(pool)
        .await?))
    }

    /// The code a key was enrolled with for a unit and role, if it was.
    pub async fn enrolled_by(
        &self,
        unit: &str,
        role: &str,
        public_key: &str,
    ) -> Result<Option<EnrolledBy>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT SUBSTR(hash, 1, 12) AS code_id, created_at AS issued_at FROM enrollment_codes
             WHERE public_key = $1 AND unit_code = $2 AND role = $3
             ORDER BY redeemed_at DESC LIMIT 1",
        )
        .bind(public_key)
        .bind(unit)
        .bind(role)
        .fetch_optional(pool)
        .await?))
    }

    /// Every unit that has a parent, with it: `(code, parent)`.
    pub async fn unit_parents(&self) -> Result<Vec<(String, String)>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT code, parent_code FROM units WHERE parent_code IS NOT NULL",
        )
        .fetch_all(pool)
        .await?))
    }

    /// Which of `codes` are registered.
    pub async fn registered(&self, codes: &[&str]) -> Result<Vec<String>, StoreError> {
        let mut found = Vec::new();
        on_pool!(self, pool => {
            for chunk in codes.chunks(500) {
                let marks = (1..=chunk.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
                let sql = format!("SELECT code FROM units WHERE code IN ({marks})");
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                for code in chunk {
                    query = query.bind(*code);
                }
                let rows: Vec<(String,)> = query.fetch_all(pool).await?;
                found.extend(rows.into_iter().map(|(c,)| c));
            }
            Ok(found)
        })
    }

    /// Registers or renames units and sets their parents, all in one
    /// transaction; answers how many were new.
    pub async fn put_units(
        &self,
        units: &[(String, String, Option<String>)],
        now: &str,
    ) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let (before,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units")
                .fetch_one(&mut *tx)
                .await?;
            for (code, name, parent) in units {
                sqlx::query(
                    "INSERT INTO units (code, name, created_at, parent_code) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name,
                         parent_code = excluded.parent_code",
                )
                .bind(code)
                .bind(name)
                .bind(now)
                .bind(parent)
                .execute(&mut *tx)
                .await?;
            }
            let (after,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units")
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(after - before)
        })
    }
}
