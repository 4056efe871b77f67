-- What Sluice's rule model adds to the seed schema.
-- rate_limit_rules.name holds the rule id of the API and is unique.
CREATE UNIQUE INDEX idx_rules_name ON rate_limit_rules(name);
-- A rule may match several methods ("GET,POST").
ALTER TABLE rate_limit_rules ALTER COLUMN match_method TYPE VARCHAR(200);
ALTER TABLE rate_limit_rules ADD COLUMN shadow BOOLEAN NOT NULL DEFAULT false;
-- Order of the set (ties of priority keep it).
ALTER TABLE rate_limit_rules ADD COLUMN position INT NOT NULL DEFAULT 0;

-- Counts up to 2^53 - 1; windows of any whole number of microseconds (window_seconds keeps the
-- whole seconds for readers of the seed schema; window_micros, when set, is authoritative).
ALTER TABLE rate_limit_configs ALTER COLUMN max_requests TYPE BIGINT;
ALTER TABLE rate_limit_configs ALTER COLUMN burst_size TYPE BIGINT;
ALTER TABLE rate_limit_configs ADD COLUMN window_micros BIGINT;
ALTER TABLE rate_limit_configs ADD COLUMN algorithm VARCHAR(32) NOT NULL
    DEFAULT 'sliding-window-counter';
ALTER TABLE rate_limit_configs ADD COLUMN scope VARCHAR(16) NOT NULL DEFAULT 'client';
ALTER TABLE rate_limit_configs ADD COLUMN position INT NOT NULL DEFAULT 0;
CREATE INDEX idx_configs_rule ON rate_limit_configs(rule_id);

-- One row: bumped by every change, polled by every instance. After editing the tables by hand,
-- run UPDATE rate_limit_ruleset SET version = version + 1 so that instances reload.
CREATE TABLE rate_limit_ruleset (
    id INT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO rate_limit_ruleset (id, version, updated_at) VALUES (1, 0, now());
