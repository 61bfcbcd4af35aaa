-- What the reports need of each packet's score sheet, kept when the packet
-- is stored (in its transaction), so that a report reads one short row per
-- unit and never parses a packet again. Numbers are hundredths (Fixed);
-- grade is the band id; vetoes are item ids and signers enrolled names,
-- one a line; sections are the figures of the template's sections in
-- order, comma-separated; items one letter per template item in order
-- (k kept its points, l lost some, - did not count). Packets stored
-- before this table are summarized when the intake next opens.
CREATE TABLE packet_summaries (
    packet_id TEXT PRIMARY KEY REFERENCES packets (id),
    template_id TEXT NOT NULL,
    template_version BIGINT NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    subject_post TEXT NOT NULL,
    received_at TEXT NOT NULL,
    total BIGINT NOT NULL,
    max BIGINT NOT NULL,
    percentage BIGINT,
    grade TEXT,
    failed_by_veto BOOLEAN NOT NULL,
    vetoes TEXT NOT NULL,
    sections TEXT NOT NULL,
    items TEXT NOT NULL,
    signers TEXT NOT NULL
);

-- Each unit's (each person's of a unit) latest packet of a kind for a
-- checklist and period, by the time the intake received it (then by id):
-- the row every report starts from, kept in the same transaction as the
-- packet that replaces it.
CREATE TABLE latest_packets (
    template_id TEXT NOT NULL,
    template_version BIGINT NOT NULL,
    period TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit_code TEXT COLLATE "C" NOT NULL,
    subject_name TEXT COLLATE "C" NOT NULL,
    packet_id TEXT NOT NULL REFERENCES packets (id),
    received_at TEXT NOT NULL,
    -- The percentage in hundredths, or below any (-2^62) when nothing
    -- applicable was left: the ranking's order, never NULL.
    standing BIGINT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (template_id, template_version, period, kind, unit_code, subject_name)
);
CREATE INDEX latest_standing ON latest_packets
    (template_id, template_version, period, kind, standing DESC, total DESC, unit_code, subject_name);

-- An inspection's findings and a rectification's answers (the payload's
-- own, as JSON), kept when the packet is stored: the findings report and
-- the counts beside the ranking read these, never the packets.
CREATE TABLE packet_findings (
    packet_id TEXT PRIMARY KEY REFERENCES packets (id),
    kind TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    template_id TEXT NOT NULL,
    template_version BIGINT NOT NULL,
    period TEXT NOT NULL,
    created_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    refers_to TEXT,
    findings TEXT NOT NULL,
    rectifications TEXT NOT NULL
);
CREATE INDEX packet_findings_report ON packet_findings (template_id, template_version, period);
CREATE INDEX packet_findings_unit ON packet_findings (unit_code);
