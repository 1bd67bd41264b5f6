-- FutureMigrationTest: what release N+1 applies while nodes of N still run (expand only: docs/upgrades.md rule 4)
ALTER TABLE customer_order ADD COLUMN upgrade_probe_note VARCHAR(100);
ALTER TABLE customer_order ADD COLUMN upgrade_probe_flag BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE payment ADD COLUMN upgrade_probe_note VARCHAR(100);
ALTER TABLE card_key ADD COLUMN upgrade_probe_note VARCHAR(100);
CREATE TABLE upgrade_probe (id BIGINT PRIMARY KEY, note VARCHAR(100));
