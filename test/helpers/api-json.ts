import { z } from 'zod';

// A test reads an answer through one of these parses rather than a cast, so an answer of another shape fails the test
// with zod naming the missing field instead of passing `undefined` along.

/** The answer of every refused request (src/http/middleware/error-handler.ts). */
const API_ERROR = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
/** A list answer: records with an id, the rest of each read by the test. */
const API_LIST = z.object({ data: z.array(z.looseObject({ id: z.string() })) });
/** One record: an id, the rest read by the test. */
const API_RECORD = z.looseObject({ id: z.string() });

/** The `error` of a refusal. */
export const apiError = (body: unknown) => API_ERROR.parse(body).error;
/** The records of a list answer. */
export const apiList = (body: unknown) => API_LIST.parse(body).data;
/** A record answer. */
export const apiRecord = (body: unknown) => API_RECORD.parse(body);
