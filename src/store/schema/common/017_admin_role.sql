-- Gatehouse schema, version 17: the admin role of members (issue 22, the
-- console). users.is_admin = 1: the member may be granted the scope
-- gatehouse:admin by the built-in client gatehouse-console, and the admin
-- API takes such a token while the role lasts (checked at every request).
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
