import { z } from 'zod';

/** What body-parser and http-errors put on the errors they throw: the HTTP status they mean and, for body-parser, a type. */
const httpErrorFieldsSchema = z.object({
  status: z.number(),
  type: z.string().optional(),
  message: z.string().optional(),
});

/** The HTTP fields of a thrown value. */
export type HttpErrorFields = z.infer<typeof httpErrorFieldsSchema>;

/** The status, type and message of an error that carries an HTTP status; undefined for anything else. */
export function httpErrorFields(err: unknown): HttpErrorFields | undefined {
  const parsed = httpErrorFieldsSchema.safeParse(err);
  return parsed.success ? parsed.data : undefined;
}
