-- The intake's tables. Times are RFC 3339 UTC text; they sort as text.
CREATE TABLE intake_key (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seed BYTEA NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE admin_tokens (
    hash TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE templates (
    id TEXT NOT NULL,
    version BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE units (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- unit_code '*' enrolls a key for every unit (an inspector's).
CREATE TABLE unit_keys (
    unit_code TEXT NOT NULL,
    role TEXT NOT NULL,
    public_key TEXT NOT NULL,
    name TEXT NOT NULL,
    enrolled_at TEXT NOT NULL,
    PRIMARY KEY (unit_code, role, public_key)
);

CREATE TABLE enrollment_codes (
    hash TEXT PRIMARY KEY,
    unit_code TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    redeemed_at TEXT,
    public_key TEXT
);

CREATE TABLE packets (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    period TEXT NOT NULL,
    template_id TEXT NOT NULL,
    template_version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    total TEXT NOT NULL,
    grade TEXT NOT NULL,
    vetoes BIGINT NOT NULL,
    refers_to TEXT,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    receipt TEXT NOT NULL
);
CREATE INDEX packets_report ON packets (template_id, template_version, period, kind);
CREATE INDEX packets_unit ON packets (unit_code, period);
CREATE INDEX packets_received ON packets (received_at, id);
-- Packets are mostly distinct JSON: store them uncompressed, out of line.
ALTER TABLE packets ALTER COLUMN bytes SET STORAGE EXTERNAL;
