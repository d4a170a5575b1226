import type { Migration } from '../migrations.js';

// Whether a course is on the public home page's catalog. Courses existing before it stay link-only (false): a
// course's id was its only access control until now, so none becomes listed without an instructor saying so.
export const migration0004CourseListing: Migration = {
  version: 4,
  name: 'course-listing',
  sql: `ALTER TABLE courses ADD COLUMN listed BOOLEAN DEFAULT false`,
};
