-- Placeholder: version 21 is reserved for the social-needs migration on main
-- (issue #7, points 1-3). It keeps the numbering contiguous on the
-- transitions branch; delete this file when merging, keeping main's 0021.
SELECT 1;
