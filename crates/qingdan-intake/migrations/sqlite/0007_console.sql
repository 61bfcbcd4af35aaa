-- The console's people and what they did: administrators sign in with a
-- password (an Argon2id hash; must_change when it was given to them, as
-- the first one is), a session is a random token kept hashed and ends
-- when idle; every administrative action is recorded (actor: the
-- administrator's name, token:<id> for a script's bearer token, or cli).
CREATE TABLE admins (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    must_change INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);

CREATE TABLE admin_sessions (
    hash TEXT PRIMARY KEY,
    admin TEXT NOT NULL REFERENCES admins (name),
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);

-- Units form a hierarchy (a county's townships and departments) that
-- reports can group by.
ALTER TABLE units ADD COLUMN parent_code TEXT;
CREATE INDEX units_parent ON units (parent_code, code);

-- An assessment round (考核批次): a checklist, a period, a kind, a
-- deadline (the last day, YYYY-MM-DD) and the units it covers.
CREATE TABLE rounds (
    id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    deadline TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE round_units (
    round_id TEXT NOT NULL REFERENCES rounds (id),
    unit_code TEXT NOT NULL,
    PRIMARY KEY (round_id, unit_code)
);

-- The latest refusal of a unit's packet for a checklist, period and kind:
-- the tracker shows its reason until a packet is accepted. One row each,
-- so a flood of refused packets takes no room.
CREATE TABLE refusals (
    template_id TEXT NOT NULL,
    template_version INTEGER NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    at TEXT NOT NULL,
    code TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (template_id, template_version, period, kind, unit_code)
);
