-- Who may sign what: a key revoked signs nothing received after
-- revoked_at (a revocation is of the key, whatever it was enrolled for);
-- signers' enrollments are looked up by key.
CREATE TABLE key_revocations (
    public_key TEXT PRIMARY KEY,
    revoked_at TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX unit_keys_public_key ON unit_keys (public_key);

-- Admin tokens may expire, and may be revoked.
ALTER TABLE admin_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE admin_tokens ADD COLUMN revoked_at TEXT;
CREATE INDEX admin_tokens_label ON admin_tokens (label);
