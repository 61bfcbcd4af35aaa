-- Findings are listed across every inspection and rectification packet.
CREATE INDEX packets_kind ON packets (kind, unit_code);
