import type { CustomerGateway } from '../../src/stripe/customer-gateway.ts';
import type { SliceState } from './slice-plan.ts';
import type { PageSink } from './slice-runner.ts';

/**
 * A search export: Stripe search has no created cursor, so there is nothing to slice; pages are read one after the
 * other with `page`/`next_page` through the search budget. The single slice's `cursor` holds the next page token,
 * so a resumed export goes on from the last committed page.
 */
export async function runSearchPages(opts: {
  slice: SliceState;
  query: string;
  gateway: CustomerGateway;
  sink: PageSink;
  signal?: AbortSignal;
}): Promise<SliceState> {
  let slice = opts.slice;
  while (!slice.done) {
    opts.signal?.throwIfAborted();
    const page = await opts.gateway.searchPage(opts.query, slice.cursor ?? undefined, opts.signal);
    const bytes = await opts.sink.write(slice.id, page.data);
    const last = page.data[page.data.length - 1];
    slice = {
      ...slice,
      pages: slice.pages + 1,
      customers: slice.customers + page.data.length,
      bytes: slice.bytes + bytes,
      cursor: page.next_page ?? null,
      lastCreated: last?.created ?? slice.lastCreated,
      done: !page.has_more || !page.next_page,
    };
    await opts.sink.checkpoint([slice], { customers: page.data.length, pages: 1, bytes });
  }
  return slice;
}
