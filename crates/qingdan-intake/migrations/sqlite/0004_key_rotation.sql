-- The intake's keys before its key was last rotated (`qingdan intake
-- rotate-key`). Only the public key is kept, so that receipts it signed stay
-- verifiable; the seed is gone. Each row's rotation is signed by that key
-- and names its successor: a device that pinned it follows the chain.
CREATE TABLE intake_key_history (
    public_key TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    retired_at TEXT NOT NULL,
    rotation TEXT NOT NULL
);
