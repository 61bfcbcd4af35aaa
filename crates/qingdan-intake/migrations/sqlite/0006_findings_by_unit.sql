-- A unit's findings in one checklist and period (the ranking's page of
-- units asks for each of its units') are found by the index, never by
-- reading every finding.
DROP INDEX packet_findings_unit;
CREATE INDEX packet_findings_unit
    ON packet_findings (unit_code, template_id, template_version, period);
