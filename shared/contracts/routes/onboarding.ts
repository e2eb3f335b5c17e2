import * as z from 'zod/mini';
import { CountryCode, Email, Locale, OrgId, OrgRole, Password, PersonName, Phone, PostalAddress, shakable } from '../common.ts';
import { text, withMeta } from '../common.ts';
import { defineRoute } from '../route.ts';

const VerificationPending = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({ status: z.literal('verification_pending'), message: text(1024) }), { id: 'VerificationPending', description: 'The same answer for every address: it never says whether an account exists.' }));

export const signUp = /* @__PURE__ */ shakable(() => defineRoute({
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
    body: withMeta(z.strictObject({ email: Email, password: Password, name: PersonName, locale: Locale, phone: z.optional(Phone) }), { id: 'SignUpRequest' }),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && { 202: { description: 'A code is on its way, if the address can be used.', schema: VerificationPending } },
  lambda: { uses: ['table:write', 'outbox'] },
}));

export const resendSignupCode = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'resendSignupCode',
  method: 'POST',
  path: '/signup/resend',
  handler: 'onboarding/resend-signup-code',
  summary: 'Send a new signup code (the previous one stops working)',
  tags: ['Onboarding'],
  auth: { kind: 'public' },
  request: { body: withMeta(z.strictObject({ email: Email }), { id: 'ResendSignupCodeRequest' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 202: { description: 'A new code is on its way, if a signup is pending for the address.', schema: VerificationPending } },
  lambda: { uses: ['table:write', 'outbox'] },
}));

export const verifySignupCode = /* @__PURE__ */ shakable(() => defineRoute({
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
    body: withMeta(z.strictObject({ email: Email, code: z.string().check(z.regex(/^\d{6}$/, '6 digits')) }), { id: 'VerifySignupCodeRequest' }),
  },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    200: {
      description: 'The email is verified; sign in with Cognito.',
      schema: withMeta(z.strictObject({ status: z.literal('verified'), tier: z.enum(['basic', 'limited', 'enterprise', 'partner']) }), { id: 'SignupVerified' }),
    },
  },
  lambda: { uses: ['table:write', 'outbox', 'users'], dataFiles: ['email-domain-lists'] },
}));

const OrgRef = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({ orgId: text(44), orgName: text(120) }), { id: 'OrgRef' }));

const RegistrationOutcome = /* @__PURE__ */ shakable(() => withMeta(z.discriminatedUnion('status', [
    z.strictObject({
      status: z.literal('joined'),
      organization: z.strictObject({ orgId: text(44), orgName: text(120), role: OrgRole, accessGroup: text(64) }),
    }),
    z.strictObject({ status: z.literal('choose_organization'), candidates: z.array(OrgRef).check(z.maxLength(50)) }),
    z.strictObject({ status: z.literal('organization_unknown') }),
  ]), {
    id: 'RegistrationOutcome',
    description: '`joined`: attached to the one org owning your domain. `choose_organization`: pick one with chooseOrganization. `organization_unknown`: submit it for review.',
  }));

export const RegistrationDetails = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    relationship: withMeta(z.enum(['customer_employee', 'partner_employee', 'prospective_partner']), {
      description: 'Employee of an organization that bought enterprise products, employee of a partner, or wanting to become a partner.',
    }),
    company: z.string().check(z.trim(), z.minLength(1), z.maxLength(120)),
    jobTitle: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
    phone: Phone,
    country: CountryCode,
    siteAddress: PostalAddress,
  }), { id: 'RegistrationDetails' }));

export const submitRegistration = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'submitRegistration',
  method: 'POST',
  path: '/onboarding/registration',
  handler: 'onboarding/submit-registration',
  summary: 'Say who you are and register your business details (ON-3, ON-4)',
  description:
    'Matches your verified email domain (a subdomain matches its parent; the longest registered suffix wins) to the organizations owning it. ' +
    'Free-mail and disposable addresses cannot get company access (403). 409 `account_busy` when your name or email changed three times while joining (retry).',
  tags: ['Onboarding'],
  auth: { kind: 'user' },
  request: { body: RegistrationDetails },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'What happened to the account.', schema: RegistrationOutcome } },
  errors: { 409: '`account_busy`: your name or email changed three times while joining; retry.' },
  lambda: { uses: ['table:write', 'outbox'] },
}));

export const chooseOrganization = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'chooseOrganization',
  method: 'POST',
  path: '/onboarding/organization-choice',
  handler: 'onboarding/choose-organization',
  summary: 'Pick your organization among those sharing your email domain (ON-4)',
  description: '409 `account_busy` when your name or email changed three times while joining (retry).',
  tags: ['Onboarding'],
  auth: { kind: 'user' },
  request: { body: withMeta(z.strictObject({ orgId: OrgId }), { id: 'ChooseOrganizationRequest' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'Attached to the chosen organization.', schema: RegistrationOutcome } },
  errors: { 409: '`account_busy`: your name or email changed three times while joining; retry.' },
  lambda: { uses: ['table:write', 'outbox'] },
}));

export const OnboardingStatus = /* @__PURE__ */ shakable(() => withMeta(z.strictObject({
    step: z.enum(['register', 'choose_organization', 'submit_organization', 'pending_review', 'complete', 'basic_only']),
    tier: z.enum(['basic', 'limited', 'enterprise', 'partner']),
    emailVerified: z.boolean(),
    registration: z.optional(z.extend(RegistrationDetails, { submittedAt: text(40) })),
    candidates: z.optional(z.array(OrgRef).check(z.maxLength(50))),
    pendingReview: z.optional(z.strictObject({ reviewId: text(30), reference: text(8), kind: z.enum(['organization', 'upgrade', 'reactivation']), expectedBy: text(40) })),
  }), { id: 'OnboardingStatus' }));

export const getOnboardingStatus = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'getOnboardingStatus',
  method: 'GET',
  path: '/onboarding/status',
  handler: 'onboarding/get-onboarding-status',
  summary: 'Where the account stands in onboarding, and what to do next',
  tags: ['Onboarding'],
  auth: { kind: 'user', allowUnverified: true },
  request: {},
  responses: PORTAL_RESPONSE_SCHEMAS && { 200: { description: 'The current step.', schema: OnboardingStatus } },
}));



export const requestPasswordReset = /* @__PURE__ */ shakable(() => defineRoute({
  operationId: 'requestPasswordReset',
  method: 'POST',
  path: '/password/forgot',
  handler: 'onboarding/request-password-reset',
  summary: 'Start a password reset (Cognito ForgotPassword), without revealing whether the account exists',
  description:
    'Cognito sends the reset code to the address if an account exists; the answer is the same either way. ' +
    'Confirm with Cognito ConfirmForgotPassword (code + new password) from the front end. Rate-limited like signup codes.',
  tags: ['Onboarding'],
  auth: { kind: 'public' },
  request: { body: withMeta(z.strictObject({ email: Email }), { id: 'PasswordResetRequest' }) },
  responses: PORTAL_RESPONSE_SCHEMAS && {
    202: {
      description: 'A reset code is on its way, if the address has an account.',
      schema: withMeta(z.strictObject({ status: z.literal('reset_requested'), message: text(1024) }), { id: 'PasswordResetRequested' }),
    },
  },
  lambda: { uses: ['table:write', 'users'] },
}));

export const onboardingRoutes = [signUp, resendSignupCode, verifySignupCode, submitRegistration, chooseOrganization, getOnboardingStatus, requestPasswordReset] as const;
