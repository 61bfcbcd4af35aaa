-- Findings are read a stretch of units at a time (the unit index, whose
-- other columns are the checklist and period): an index by checklist and
-- period alone would be chosen for a stretch instead and read every
-- finding of the checklist for each stretch.
DROP INDEX packet_findings_report;
