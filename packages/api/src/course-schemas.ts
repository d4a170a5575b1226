import { z } from 'zod';
import { ItemContentSchema, PublicItemSchema } from './item-schemas.js';

/** A course: a titled, ordered collection of items. */
export const CourseSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  /** On the public home page's catalog; otherwise reachable only by its link. */
  listed: z.boolean(),
  createdAt: z.string(),
});
/** A course. */
export type Course = z.infer<typeof CourseSchema>;

/** `POST /api/courses` (201): the new course. */
export const CourseResponseSchema = z.object({ course: CourseSchema });
/** One course. */
export type CourseResponse = z.infer<typeof CourseResponseSchema>;

/** `GET /api/courses` (admin): every course, newest first. */
export const CourseListResponseSchema = z.object({ courses: z.array(CourseSchema) });
/** Every course. */
export type CourseListResponse = z.infer<typeof CourseListResponseSchema>;

/** An item as a course page lists it (for everyone, admins too): nothing about files, probes or failures. */
export const CourseItemSchema = PublicItemSchema.extend({
  /** Documents and modules, once published; null for videos. */
  content: ItemContentSchema.nullable(),
});
/** A listed item. */
export type CourseItem = z.infer<typeof CourseItemSchema>;

/** `GET /api/courses/:id` (public): the course and its items in upload order. */
export const CourseWithItemsResponseSchema = z.object({
  course: CourseSchema,
  items: z.array(CourseItemSchema),
});
/** A course with its items. */
export type CourseWithItemsResponse = z.infer<typeof CourseWithItemsResponseSchema>;

/** One course of the public catalog: its first items (`itemCount` says how many it has in all). */
export const CatalogCourseSchema = CourseWithItemsResponseSchema.extend({ itemCount: z.number().int() });
/** A catalog entry. */
export type CatalogCourse = z.infer<typeof CatalogCourseSchema>;

/** `GET /api/catalog` (public): the listed courses, newest first, each with its first items. */
export const CatalogResponseSchema = z.object({ courses: z.array(CatalogCourseSchema) });
/** The public catalog. */
export type CatalogResponse = z.infer<typeof CatalogResponseSchema>;
