-- One active membership per patient and user, enforced by the database so that
-- concurrent assignments cannot both succeed on any backend.
CREATE UNIQUE INDEX care_team_active_member ON care_team_members (patient_id, user_id)
  WHERE removed_at IS NULL;
