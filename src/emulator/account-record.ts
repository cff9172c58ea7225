import { randomBytes } from 'node:crypto';
import { emptyMetadata } from './customer-record.ts';

/**
 * Capability names the emulator accepts on create (`capabilities[<name>][requested]`): those of the `stripe`
 * package's `Stripe.Account.Capabilities` (23.1.0), so a name Stripe would refuse is refused here too.
 */
export const CAPABILITY_NAMES: readonly string[] = [
  'acss_debit_payments', 'affirm_payments', 'afterpay_clearpay_payments', 'alma_payments', 'amazon_pay_payments',
  'app_distribution', 'au_becs_debit_payments', 'bacs_debit_payments', 'bancontact_payments', 'bank_transfer_payments',
  'billie_payments', 'bizum_payments', 'blik_payments', 'blik_recurring_payments', 'boleto_payments', 'card_issuing',
  'card_payments', 'cartes_bancaires_payments', 'cashapp_payments', 'crypto_payments', 'eps_payments', 'fpx_payments',
  'gb_bank_transfer_payments', 'giropay_payments', 'grabpay_payments', 'ideal_payments', 'india_international_payments',
  'jcb_payments', 'jp_bank_transfer_payments', 'kakao_pay_payments', 'klarna_payments', 'konbini_payments',
  'kr_card_payments', 'legacy_payments', 'link_payments', 'mb_way_payments', 'mobilepay_payments', 'multibanco_payments',
  'mx_bank_transfer_payments', 'naver_pay_payments', 'nz_bank_account_becs_debit_payments', 'oxxo_payments',
  'p24_payments', 'pay_by_bank_payments', 'payco_payments', 'paynow_payments', 'paypay_payments', 'payto_payments',
  'pix_payments', 'promptpay_payments', 'revolut_pay_payments', 'samsung_pay_payments', 'satispay_payments',
  'scalapay_payments', 'sepa_bank_transfer_payments', 'sepa_debit_payments', 'sequra_payments', 'sofort_payments',
  'sunbit_payments', 'swish_payments', 'tax_reporting_us_1099_k', 'tax_reporting_us_1099_misc', 'transfers', 'treasury',
  'twint_payments', 'upi_payments', 'us_bank_account_ach_payments', 'us_bank_transfer_payments', 'wero_payments',
  'zip_payments',
];

/** The status of one capability, as `Stripe.Account.capabilities.<name>` carries it. */
export type CapabilityStatus = 'active' | 'inactive' | 'pending';

/** A connected account as the emulator stores it: the fields of `Stripe.Account` the exports read. */
export interface AccountRecord {
  id: string;
  type: 'custom' | 'express' | 'standard' | 'none';
  controllerType: 'account' | 'application';
  email: string | null;
  country: string;
  defaultCurrency: string;
  businessType: string | null;
  businessProfile: { name: string | null; url: string | null; mcc: string | null };
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  requirements: { disabledReason: string | null; currentlyDue: string[] };
  /** Null-prototype: capability names come from the caller. */
  capabilities: Record<string, CapabilityStatus>;
  metadata: Record<string, string>;
  created: number;
  /** Creation order, the tiebreak inside one `created` second (lists walk (created, seq) backwards). */
  seq: number;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `acct_` + 16 random alphanumerics, the shape of Stripe's account ids. */
export function newAccountId(): string {
  let out = '';
  while (out.length < 16) {
    for (const byte of randomBytes(32)) {
      // 248 = 4 × 62: bytes above it would bias the first letters.
      if (byte < 248 && out.length < 16) out += ALPHANUMERIC.charAt(byte % 62);
    }
  }
  return `acct_${out}`;
}

/** Currency Stripe picks for an account of a country when none is given (the few the tests use; usd otherwise). */
const CURRENCY_OF: Readonly<Record<string, string>> = { US: 'usd', GB: 'gbp', FR: 'eur', DE: 'eur', IE: 'eur', CA: 'cad', AU: 'aud', JP: 'jpy' };

/** A fresh account with Stripe's defaults: nothing submitted, nothing enabled, its capabilities inactive. */
export function defaultAccount(meta: { id: string; created: number; seq: number; country?: string | undefined }): AccountRecord {
  const country = meta.country ?? 'US';
  return {
    id: meta.id,
    type: 'custom',
    controllerType: 'application',
    email: null,
    country,
    defaultCurrency: CURRENCY_OF[country] ?? 'usd',
    businessType: null,
    businessProfile: { name: null, url: null, mcc: null },
    chargesEnabled: false,
    payoutsEnabled: false,
    detailsSubmitted: false,
    requirements: { disabledReason: 'requirements.past_due', currentlyDue: ['external_account', 'tos_acceptance.date', 'tos_acceptance.ip'] },
    capabilities: Object.create(null) as Record<string, CapabilityStatus>,
    metadata: emptyMetadata(),
    created: meta.created,
    seq: meta.seq,
  };
}

/** The JSON of an account, shaped as `Stripe.Account` (the fields the emulator keeps, the rest null or absent). */
export function accountJson(a: AccountRecord): Record<string, unknown> {
  return {
    id: a.id,
    object: 'account',
    business_profile: { ...a.businessProfile, support_email: null, support_phone: null, support_url: null, support_address: null },
    business_type: a.businessType,
    capabilities: { ...a.capabilities },
    charges_enabled: a.chargesEnabled,
    controller: { type: a.controllerType, is_controller: a.controllerType === 'application' },
    country: a.country,
    created: a.created,
    default_currency: a.defaultCurrency,
    details_submitted: a.detailsSubmitted,
    email: a.email,
    metadata: { ...a.metadata },
    payouts_enabled: a.payoutsEnabled,
    requirements: {
      alternatives: [],
      current_deadline: null,
      currently_due: [...a.requirements.currentlyDue],
      disabled_reason: a.requirements.disabledReason,
      errors: [],
      eventually_due: [...a.requirements.currentlyDue],
      past_due: [...a.requirements.currentlyDue],
      pending_verification: [],
    },
    type: a.type,
  };
}
