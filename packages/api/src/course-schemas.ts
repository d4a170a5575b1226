import { ITEM_KINDS, ITEM_STATUSES } from '@coursecast/semconv/browser';
import { z } from 'zod';
import { ItemContentSchema } from './item-schemas.js';

/** A course: a titled, ordered collection of items. */
export const CourseSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
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

/** An item as a course page lists it: nothing about files, probes or failures. */
export const CourseItemSchema = z.object({
  id: z.string(),
  courseId: z.string(),
  kind: z.enum(ITEM_KINDS),
  title: z.string(),
  status: z.enum(ITEM_STATUSES),
  durationSeconds: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
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
