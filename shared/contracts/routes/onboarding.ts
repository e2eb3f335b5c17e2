import * as z from 'zod';
import { Email, Locale, Password, PersonName, Phone } from '../common.ts';
import { defineRoute } from '../route.ts';

const VerificationPending = z
  .strictObject({ status: z.literal('verification_pending'), message: z.string() })
  .meta({ id: 'VerificationPending', description: 'The same answer for every address: it never says whether an account exists.' });

export const signUp = defineRoute({
  operationId: 'signUp',
  method: 'POST',
  path: '/signup',
  handler: 'onboarding/sign-up',
  summary: 'Sign up with a business email (ON-1)',
  description:
    'Emails a 6-digit code to the address (valid 10 minutes). An address that already has an account gets an email saying so instead; the answer is the same. ' +
    'At most 5 codes an hour and 10 a day per address, and a per-network cap (429).',
  tags: ['Onboarding'],
  auth: { kind: 'public' },
  request: {
    body: z
      .strictObject({ email: Email, password: Password, name: PersonName, locale: Locale, phone: Phone.optional() })
      .meta({ id: 'SignUpRequest' }),
  },
  responses: { 202: { description: 'A code is on its way, if the address can be used.', schema: VerificationPending } },
  lambda: { uses: ['table:write', 'outbox'] },
});

export const resendSignupCode = defineRoute({
  operationId: 'resendSignupCode',
  method: 'POST',
  path: '/signup/resend',
  handler: 'onboarding/resend-signup-code',
  summary: 'Send a new signup code (the previous one stops working)',
  tags: ['Onboarding'],
  auth: { kind: 'public' },
  request: { body: z.strictObject({ email: Email }).meta({ id: 'ResendSignupCodeRequest' }) },
  responses: { 202: { description: 'A new code is on its way, if a signup is pending for the address.', schema: VerificationPending } },
  lambda: { uses: ['table:write', 'outbox'] },
});

export const verifySignupCode = defineRoute({
  operationId: 'verifySignupCode',
  method: 'POST',
  path: '/signup/verify',
  handler: 'onboarding/verify-signup-code',
  summary: 'Validate the account with the emailed code (ON-2)',
  description:
    'A code works once, for 10 minutes, and is burnt after 5 wrong attempts. On success the account exists and can sign in (Cognito); ' +
    'a wrong, expired, used or unknown code all answer the same 400.',
  tags: ['Onboarding'],
  auth: { kind: 'public' },
  request: {
    body: z
      .strictObject({ email: Email, code: z.string().regex(/^\d{6}$/, '6 digits') })
      .meta({ id: 'VerifySignupCodeRequest' }),
  },
  responses: {
    200: {
      description: 'The email is verified; sign in with Cognito.',
      schema: z.strictObject({ status: z.literal('verified'), tier: z.enum(['basic', 'limited', 'enterprise', 'partner']) }).meta({ id: 'SignupVerified' }),
    },
  },
  lambda: { uses: ['table:write', 'outbox', 'users'], dataFiles: ['email-domain-lists'] },
});

export const onboardingRoutes = [signUp, resendSignupCode, verifySignupCode] as const;
