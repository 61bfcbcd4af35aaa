//! Files attached to packets, kept by their digest: stored as they arrive
//! (before or after their packet), read by a packet that names them, and
//! let go when no packet names them a day after they came.

use super::{Store, StoreError};

impl Store {
    /// Keeps a file (its digest, type and bytes, checked by the caller);
    /// `false` when it was kept already.
    pub async fn put_file(
        &self,
        sha256: &str,
        media_type: &str,
        bytes: &[u8],
        now: &str,
    ) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let done = sqlx::query(
                "INSERT INTO attachments (sha256, media_type, size, bytes, stored_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(sha256)
            .bind(media_type)
            .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
            .bind(bytes)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Which of `digests` are kept.
    pub async fn kept_files(&self, digests: &[String]) -> Result<Vec<String>, StoreError> {
        let mut kept = Vec::new();
        on_pool!(self, pool => {
            for sha256 in digests {
                let found: Option<(String,)> =
                    sqlx::query_as("SELECT sha256 FROM attachments WHERE sha256 = $1")
                        .bind(sha256)
                        .fetch_optional(pool)
                        .await?;
                kept.extend(found.map(|(s,)| s));
            }
        });
        Ok(kept)
    }

    /// The file `sha256` of stored packet `packet_id`: its type and bytes;
    /// none when the packet does not name it or is not stored.
    pub async fn packet_file(
        &self,
        packet_id: &str,
        sha256: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        on_pool!(self, pool => Ok(sqlx::query_as(
            "SELECT a.media_type, a.bytes FROM packet_attachments pa
             JOIN attachments a ON a.sha256 = pa.sha256
             WHERE pa.packet_id = $1 AND pa.sha256 = $2",
        )
        .bind(packet_id)
        .bind(sha256)
        .fetch_optional(pool)
        .await?))
    }

    /// The bytes of the files no stored packet names yet.
    pub async fn waiting_file_bytes(&self) -> Result<i64, StoreError> {
        on_pool!(self, pool => {
            let (bytes,): (i64,) = sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM attachments WHERE NOT named",
            )
            .fetch_one(pool)
            .await?;
            Ok(bytes)
        })
    }

    /// Lets go the files no packet names that came before `before`; how
    /// many.
    pub async fn forget_unnamed_files(&self, before: &str) -> Result<u64, StoreError> {
        on_pool!(self, pool => {
            let done = sqlx::query("DELETE FROM attachments WHERE NOT named AND stored_at < $1")
            .bind(before)
            .execute(pool)
            .await?;
            Ok(done.rows_affected())
        })
    }
}
