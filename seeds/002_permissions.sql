-- Default permissions and which role has them, for every branch of the example (users, documents); safe to run again.
-- migrate:dialect postgres
INSERT INTO permissions (name, description) VALUES
  ('user:create', 'Create users'), ('user:read', 'Read users'), ('user:update', 'Update users'), ('user:delete', 'Delete users'),
  ('role:assign', 'Assign roles'), ('settings:read', 'Read settings'), ('settings:update', 'Update settings'),
  ('document:create', 'Create documents'), ('document:read', 'Read documents'), ('document:update', 'Update documents'), ('document:delete', 'Delete documents')
ON CONFLICT (name) DO NOTHING;
INSERT INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r CROSS JOIN permissions p
WHERE r.name = 'admin'
   OR (r.name = 'user' AND p.name IN ('user:read', 'user:update', 'settings:read', 'document:create', 'document:read', 'document:update'))
   OR (r.name = 'viewer' AND p.name IN ('user:read', 'settings:read', 'document:read'))
ON CONFLICT DO NOTHING;
-- migrate:dialect mysql
INSERT IGNORE INTO permissions (name, description) VALUES
  ('user:create', 'Create users'), ('user:read', 'Read users'), ('user:update', 'Update users'), ('user:delete', 'Delete users'),
  ('role:assign', 'Assign roles'), ('settings:read', 'Read settings'), ('settings:update', 'Update settings'),
  ('document:create', 'Create documents'), ('document:read', 'Read documents'), ('document:update', 'Update documents'), ('document:delete', 'Delete documents');
INSERT IGNORE INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r CROSS JOIN permissions p
WHERE r.name = 'admin'
   OR (r.name = 'user' AND p.name IN ('user:read', 'user:update', 'settings:read', 'document:create', 'document:read', 'document:update'))
   OR (r.name = 'viewer' AND p.name IN ('user:read', 'settings:read', 'document:read'));
-- migrate:dialect sqlite
INSERT OR IGNORE INTO permissions (name, description) VALUES
  ('user:create', 'Create users'), ('user:read', 'Read users'), ('user:update', 'Update users'), ('user:delete', 'Delete users'),
  ('role:assign', 'Assign roles'), ('settings:read', 'Read settings'), ('settings:update', 'Update settings'),
  ('document:create', 'Create documents'), ('document:read', 'Read documents'), ('document:update', 'Update documents'), ('document:delete', 'Delete documents');
INSERT OR IGNORE INTO role_permissions (role_id, permission_id)
SELECT r.id, p.id FROM roles r CROSS JOIN permissions p
WHERE r.name = 'admin'
   OR (r.name = 'user' AND p.name IN ('user:read', 'user:update', 'settings:read', 'document:create', 'document:read', 'document:update'))
   OR (r.name = 'viewer' AND p.name IN ('user:read', 'settings:read', 'document:read'));
-- migrate:end
