-- 民主测评: evaluations, their slips' codes (only as SHA-256 hashes, with
-- their group) and the ballots cast. A ballot holds its code's hash, its
-- group and its answers: no address, no user agent, no time. Read in the
-- order of the code hashes, never the order they came in.
CREATE TABLE evaluations (
    id TEXT PRIMARY KEY,
    -- The evaluation as given (qingdan.evaluation/1) and its digest.
    doc TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- When its slips' codes were made: once, and never shown again.
    slips_made_at TEXT,
    -- Ballots cast so far (each cast takes this row first, so that a close
    -- waits for the casts under way and counts every one).
    ballots_cast BIGINT NOT NULL DEFAULT 0,
    closed_at TEXT,
    -- The result, signed by the intake's key, once closed.
    result TEXT
);

CREATE TABLE evaluation_codes (
    code_sha256 TEXT PRIMARY KEY,
    evaluation_id TEXT NOT NULL REFERENCES evaluations (id),
    grp TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE evaluation_ballots (
    code_sha256 TEXT PRIMARY KEY REFERENCES evaluation_codes (code_sha256),
    evaluation_id TEXT NOT NULL REFERENCES evaluations (id),
    grp TEXT NOT NULL,
    answers TEXT NOT NULL
);

CREATE INDEX evaluation_codes_of ON evaluation_codes (evaluation_id);
CREATE INDEX evaluation_ballots_of ON evaluation_ballots (evaluation_id, code_sha256);
