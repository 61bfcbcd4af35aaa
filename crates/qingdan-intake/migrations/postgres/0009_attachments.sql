-- Files attached to packets, kept by the SHA-256 of their bytes: a file
-- sent twice, or named by two packets, is kept once. A file may arrive
-- before its packet; a packet is stored only once every file it names is
-- here, and then names them in packet_attachments (in its transaction),
-- so that a file a stored packet names is never removed.
CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    stored_at TEXT NOT NULL,
    -- Whether a stored packet names it (set in that packet's transaction).
    named BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE packet_attachments (
    packet_id TEXT NOT NULL REFERENCES packets (id),
    sha256 TEXT NOT NULL REFERENCES attachments (sha256),
    PRIMARY KEY (packet_id, sha256)
);

CREATE INDEX packet_attachments_file ON packet_attachments (sha256);
-- The files waiting for their packets: how many bytes they hold (bounded),
-- and which are let go after a day.
CREATE INDEX attachments_waiting ON attachments (stored_at, size) WHERE NOT named;
