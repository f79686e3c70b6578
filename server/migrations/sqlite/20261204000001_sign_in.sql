-- Signing in through the council's identity provider, and the second step for local accounts
-- (issue 24). How an account signs in: 'password' (local) or 'oidc' (the provider's subject,
-- namespaced by issuer, in oidc_subject). A break-glass account may sign in with its
-- password even when local accounts are switched off.
ALTER TABLE staff_users ADD COLUMN sign_in_method TEXT NOT NULL DEFAULT 'password'
    CHECK (sign_in_method IN ('password', 'oidc'));
ALTER TABLE staff_users ADD COLUMN oidc_subject TEXT;
ALTER TABLE staff_users ADD COLUMN break_glass INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_users ADD COLUMN last_sign_in_at TEXT;
-- RFC 6238: the shared secret (base32) once enrolment is confirmed, and the last time step
-- a code was accepted for, so that no code is accepted twice.
ALTER TABLE staff_users ADD COLUMN totp_secret TEXT;
ALTER TABLE staff_users ADD COLUMN totp_last_step INTEGER;
CREATE UNIQUE INDEX staff_users_by_oidc_subject ON staff_users (oidc_subject);

-- One-time recovery codes, kept only as SHA-256 of the code (each is 50 random bits, so a
-- slow hash adds nothing); used_at set when one is spent.
CREATE TABLE staff_recovery_codes (
    username  TEXT NOT NULL REFERENCES staff_users (username) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (username, code_hash)
);
