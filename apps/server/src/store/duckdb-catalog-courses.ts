import {
  StoreError,
  type CatalogStore,
  type Course,
  type CoursePatch,
  type NewCourse,
} from './catalog-store.js';
import { COURSE_COLUMNS, courseFromRow } from './duckdb-catalog-rows.js';
import { renamedConflict, type Stamp } from './duckdb-catalog-sql.js';
import type { SqlSession } from './duckdb-database.js';

/** The catalog store's course operations. */
export type CourseOperations = Pick<
  CatalogStore,
  'createCourse' | 'listCourses' | 'listListedCourses' | 'getCourse' | 'updateCourse' | 'deleteCourse'
>;

/** The course operations of the embedded catalog store, on its database. */
export function duckDbCourseOperations(db: SqlSession, stamp: Stamp): CourseOperations {
  return {
    async createCourse(course: NewCourse): Promise<Course> {
      try {
        const rows = await db.all(
          `INSERT INTO courses (id, title, description, listed, created_at) VALUES ($1, $2, $3, $4, $5) ` +
            `RETURNING ${COURSE_COLUMNS}`,
          [course.id, course.title, course.description, course.listed ?? false, stamp()],
        );
        return courseFromRow(rows[0]!);
      } catch (err) {
        throw renamedConflict(err, `course ${course.id} already exists`);
      }
    },

    async listCourses() {
      const rows = await db.all(`SELECT ${COURSE_COLUMNS} FROM courses ORDER BY created_at DESC, seq DESC`);
      return rows.map(courseFromRow);
    },

    async listListedCourses(limit) {
      const rows = await db.all(
        `SELECT ${COURSE_COLUMNS} FROM courses WHERE listed ORDER BY created_at DESC, seq DESC LIMIT $1`,
        [limit],
      );
      return rows.map(courseFromRow);
    },

    async getCourse(id) {
      const rows = await db.all(`SELECT ${COURSE_COLUMNS} FROM courses WHERE id = $1`, [id]);
      return rows[0] ? courseFromRow(rows[0]) : null;
    },

    async updateCourse(id: string, patch: CoursePatch) {
      const rows = await db.all(
        `UPDATE courses SET title = COALESCE($2, title), description = COALESCE($3, description), ` +
          `listed = COALESCE($4, listed) WHERE id = $1 RETURNING ${COURSE_COLUMNS}`,
        [id, patch.title ?? null, patch.description ?? null, patch.listed ?? null],
      );
      return rows[0] ? courseFromRow(rows[0]) : null;
    },

    async deleteCourse(id: string) {
      // The check and the delete in one statement: an item added meanwhile keeps its course.
      const rows = await db.all(
        `DELETE FROM courses WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM items WHERE course_id = $1) RETURNING id`,
        [id],
      );
      if (rows.length > 0) return true;
      const left = await db.all('SELECT count(*) AS n FROM items WHERE course_id = $1', [id]);
      if (Number(left[0]?.n ?? 0) > 0) throw new StoreError('conflict', `course ${id} still has items`);
      return false;
    },
  };
}
