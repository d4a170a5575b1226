// Child process for the durability tests: writes through the store and prints `ACK <id>` on stdout the
// moment each write resolves, until the parent kills it or `count` courses are written; it never closes
// the store, so whatever the parent finds afterwards came back through WAL replay.
// Run: node --conditions=source --import tsx crash-writer.fixture.ts <database file> [count]
import { openDuckDbCatalogStore } from '../src/store/duckdb-catalog-store.js';
import { probedSource } from './probed-source.js';

const file = process.argv[2];
if (!file) throw new Error('usage: crash-writer.fixture.ts <database file> [count]');
const count = Number(process.argv[3] ?? 100_000);
const store = await openDuckDbCatalogStore({ path: file });
await store.createCourse({ id: 'crs_base', title: 'Base', description: '' });
const { item, job } = await store.createItemWithJob(
  {
    id: 'itm_base',
    courseId: 'crs_base',
    kind: 'video',
    title: 'Lecture',
    sourceFile: 'uploads/a.mp4',
    sourceBytes: 1234,
    sourceInfo: probedSource({ container: 'mp4' }),
    durationSeconds: 10,
  },
  { id: 'job_base', itemId: 'itm_base', maxAttempts: 3 },
);
process.stdout.write(`ACK ${item.id} ${job.id}\n`);
const claimed = await store.claimNextJob();
process.stdout.write(`ACK ${claimed?.id ?? 'none'}\n`);
// Stdout is synchronous for pipes on Linux, so the parent sees an ACK only after its write resolved.
for (let i = 0; i < count; i += 1) {
  const course = await store.createCourse({ id: `crs_${i}`, title: `Course ${i}`, description: '' });
  process.stdout.write(`ACK ${course.id}\n`);
}
process.exit(0);
