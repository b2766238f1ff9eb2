-- Default roles; safe to run again (existing rows are kept).
-- migrate:dialect postgres
INSERT INTO roles (name, description) VALUES
  ('admin', 'Full access'),
  ('user', 'Regular user'),
  ('viewer', 'Read-only access')
ON CONFLICT (name) DO NOTHING;
-- migrate:dialect mysql
INSERT IGNORE INTO roles (name, description) VALUES
  ('admin', 'Full access'),
  ('user', 'Regular user'),
  ('viewer', 'Read-only access');
-- migrate:dialect sqlite
INSERT OR IGNORE INTO roles (name, description) VALUES
  ('admin', 'Full access'),
  ('user', 'Regular user'),
  ('viewer', 'Read-only access');
-- migrate:end
