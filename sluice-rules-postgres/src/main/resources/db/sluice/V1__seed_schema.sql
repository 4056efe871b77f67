-- The schema of the design notes (seed 004, section 8), unchanged.
CREATE TABLE rate_limit_rules (
    rule_id UUID PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    match_path VARCHAR(200),
    match_method VARCHAR(10),
    match_headers JSONB,
    priority INT DEFAULT 0,  -- Higher = checked first
    enabled BOOLEAN DEFAULT true,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE rate_limit_configs (
    config_id UUID PRIMARY KEY,
    rule_id UUID REFERENCES rate_limit_rules(rule_id),
    window_seconds INT NOT NULL,
    max_requests INT NOT NULL,
    burst_size INT  -- For token bucket
);

CREATE INDEX idx_rules_enabled ON rate_limit_rules(enabled, priority DESC);
