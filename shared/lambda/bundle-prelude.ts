// Injected by esbuild at the top of every Lambda bundle (infra/bundling.ts, `inject`), so it runs
// before any module builds a schema.
//
// zod v4 compiles a fast parser (`new Function`) the first time each object schema parses, and
// decides whether to at schema construction. A function parses a handful of values per request,
// so the compile cost is never paid back: on the cold path it was 3–10 ms of the first request
// (bench/README.md, cold-start), against a few microseconds more per parse without it. The local
// runtime and the tests keep zod's default; results are the same either way.
import * as z from 'zod';

z.config({ jitless: true });
