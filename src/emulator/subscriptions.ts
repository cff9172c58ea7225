import { randomBytes } from 'node:crypto';
import type { CustomerRecord } from './customer-record.ts';

/** The part of a Stripe subscription the emulator keeps: enough for `expand[]=subscriptions` to show one. */
export interface SubscriptionRecord {
  id: string;
  object: 'subscription';
  customer: string;
  status: 'active';
  created: number;
}

/*
 * Held beside the records rather than in them: a million seeded customers keep their compact fixed shape (see
 * makeRecord), and a reset that drops the records drops their subscriptions with them.
 */
const byRecord = new WeakMap<CustomerRecord, SubscriptionRecord[]>();

/** Gives a live customer one more active subscription (the admin route tests use to make a customer deletion keeps). */
export function addSubscription(record: CustomerRecord, nowMs: number): SubscriptionRecord {
  const subscription: SubscriptionRecord = {
    id: `sub_${randomBytes(10).toString('hex')}`,
    object: 'subscription',
    customer: record.id,
    status: 'active',
    created: Math.floor(nowMs / 1000),
  };
  byRecord.set(record, [...(byRecord.get(record) ?? []), subscription]);
  return subscription;
}

/** `subscriptions` as Stripe includes it on request: a list object, empty for most customers. */
export function subscriptionList(record: CustomerRecord): unknown {
  const data = byRecord.get(record) ?? [];
  return { object: 'list', data, has_more: false, total_count: data.length, url: `/v1/customers/${record.id}/subscriptions` };
}
