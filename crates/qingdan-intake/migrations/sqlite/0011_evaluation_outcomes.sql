-- What a closed 民主测评 found for each person it evaluated, written with
-- its signed result (and drawn from it): their unit's ranking flags those
-- due a talk (约谈), and an inspector's app is offered the figure.
CREATE TABLE evaluation_outcomes (
    evaluation_id TEXT NOT NULL REFERENCES evaluations (id),
    subject_id TEXT NOT NULL,
    unit_code TEXT NOT NULL,
    name TEXT NOT NULL,
    post TEXT NOT NULL,
    -- The assessment period the evaluation names, if any.
    period TEXT,
    closed_at TEXT NOT NULL,
    -- Ballots counted.
    ballots BIGINT NOT NULL,
    -- The weighted satisfaction in percent, exact (e.g. "86.50"); none
    -- when no ballot rated them.
    satisfaction TEXT,
    talk_due BOOLEAN NOT NULL,
    PRIMARY KEY (evaluation_id, subject_id)
);

CREATE INDEX evaluation_outcomes_of_unit ON evaluation_outcomes (unit_code, period);
CREATE INDEX evaluation_outcomes_due ON evaluation_outcomes (period, talk_due);
