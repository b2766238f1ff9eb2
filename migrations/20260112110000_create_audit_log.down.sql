-- migrate:dialect postgres
DROP TRIGGER user_roles_audit ON user_roles;
DROP FUNCTION audit_role_grant();
-- migrate:dialect default
DROP TRIGGER user_roles_audit;
-- migrate:end
DROP TABLE audit_log;
