import { action, details, highlight, p, quote, strong, type LocaleCatalog } from './content.ts';
import type { OrgRole, ReviewKind, TicketStatus } from './model.ts';

const ROLE: Record<OrgRole, string> = {
  site_admin: 'Site administrator',
  buyer: 'Buyer',
  shopper: 'Shopper',
  finance: 'Finance',
  report_viewer: 'Report viewer',
};

const STATUS: Record<TicketStatus, string> = {
  review: 'Review',
  ready_to_ship: 'Ready to ship',
  ready_to_bill: 'Ready to bill',
  billed: 'Billed',
  queued: 'Queued',
};

const STATUS_MEANING: Record<TicketStatus, string> = {
  review: 'We are checking the details of your request.',
  ready_to_ship: 'We have reviewed your request and will ship the device within a few days.',
  ready_to_bill:
    'The devices have been shipped. The invoice will be issued according to your agreement and sent to you by email.',
  billed: 'The invoice has been paid, so this request is now closed.',
  queued: 'We are receiving a large number of requests; yours is in the queue and will be processed as soon as possible.',
};

const KIND: Record<ReviewKind, string> = {
  organization: 'New organization',
  upgrade: 'Upgrade to Enterprise access',
  reactivation: 'Account reactivation',
};

const REQUEST: Record<ReviewKind, string> = {
  organization: 'request to register your organization',
  upgrade: 'request to upgrade your account to Enterprise access',
  reactivation: 'request to reactivate your account',
};

const hello = (name: string) => `Hello ${name},`;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const en = {
  locale: 'en',
  intlLocale: 'en-GB',
  linkHint: 'If the button does not work, copy this address into your browser:',
  colon: ': ',
  signOff: ['Kind regards,', 'The Support Portal team'],
  footer: 'You receive this email because of your Support Portal account.',
  templates: {
    signup_code: (d) => ({
      subject: 'Your Support Portal verification code',
      heading: 'Verify your email address',
      greeting: hello(d.name),
      blocks: [
        p('Enter this code to verify your email address and finish creating your Support Portal account:'),
        highlight('Verification code', d.code),
        p(`The code expires in ${plural(d.expiresInMinutes, 'minute', 'minutes')} and can be used only once. Never share it: our team will never ask you for it.`),
        p('If you did not sign up for Support Portal, you can ignore this email. Without this code, the email address stays unverified.'),
      ],
    }),

    account_exists: (d) => ({
      subject: 'You already have a Support Portal account',
      heading: 'You already have an account',
      greeting: hello(d.name),
      blocks: [
        p('Someone just tried to sign up for Support Portal with this email address. You already have an account with it, so no new account was created.'),
        p('To continue, sign in with your existing password. If you have forgotten it, you can reset it from the sign-in page.'),
        action('Sign in', d.signInUrl),
        action('Reset your password', d.resetPasswordUrl),
        p('If it was you by mistake, or you did not try to sign up, you can ignore this email. Your account has not been changed.'),
      ],
    }),

    org_joined: (d) => ({
      subject: `Your account is now linked to ${d.orgName}`,
      heading: `Welcome to ${d.orgName}`,
      greeting: hello(d.name),
      blocks: [
        p('Your Support Portal account is now attached to the organization ', strong(d.orgName), '. You can sign in and use the features available to your organization.'),
        details(['Organization', d.orgName], ['Role', ROLE[d.role]], ['Access group', d.accessGroup]),
        action('Go to Support Portal', d.url),
        p("If you think this is a mistake, contact your organization's site administrator or our support team."),
      ],
    }),

    review_received: (d, f) => ({
      subject: `We have received your request ${d.reference}`,
      heading: 'Your request is being reviewed',
      greeting: hello(d.name),
      blocks: [
        p(`Thank you: we have received your ${REQUEST[d.kind]}. A member of our team reviews every request of this kind manually.`),
        p(
          d.kind === 'upgrade' ? 'Validation usually takes 24 to 48 hours.' : 'The review usually takes 1 to 2 business days.',
          ' You can expect an answer by ',
          strong(f.date(d.expectedBy)),
          '.',
        ),
        details(['Reference', d.reference]),
        p('We will email you as soon as a decision has been made. We may contact you if we need more information.'),
      ],
    }),

    review_request_staff: (d, f) => ({
      subject: `New review waiting: ${d.reference} (${KIND[d.kind]})`,
      heading: 'A new review is waiting',
      greeting: 'Hello,',
      blocks: [
        p('A new request is waiting for a decision by the review team.'),
        details(
          ['Reference', d.reference],
          ['Type', KIND[d.kind]],
          ['Applicant', d.applicantEmail],
          ['Organization', d.orgName],
          d.ageHours !== undefined && ['Waiting for', plural(Math.floor(d.ageHours), 'hour', 'hours')],
          ['Decide by', f.dateTime(d.dueBy)],
        ),
        action('Open the review', d.url),
        p('Requests that nobody decides within 14 days expire, and the applicant has to submit them again.'),
      ],
    }),

    review_reminder_staff: (d, f) => ({
      subject: `Overdue review: ${d.reference}`,
      heading: 'A review is overdue',
      greeting: 'Hello,',
      blocks: [
        p('This request should have been decided by ', strong(f.dateTime(d.dueBy)), ' and is still waiting.'),
        details(['Reference', d.reference], ['Type', KIND[d.kind]], ['Applicant', d.applicantEmail]),
        action('Open the review', d.url),
        p('Please approve or reject it as soon as possible. Requests that nobody decides within 14 days expire, and the applicant has to submit them again.'),
      ],
    }),

    review_approved: (d) => ({
      subject:
        d.kind === 'organization'
          ? `${d.orgName} is set up on Support Portal`
          : d.kind === 'upgrade'
            ? 'Your Enterprise access is active'
            : 'Your account has been reactivated',
      heading: 'Your request has been approved',
      greeting: hello(d.name),
      blocks: [
        p(`Good news: we have approved your ${REQUEST[d.kind]} (reference ${d.reference}).`),
        d.kind === 'organization' &&
          p('We have created the profile of ', strong(d.orgName), ' and made you its site administrator. You can now use all the support features of your organization and invite your colleagues.'),
        d.kind === 'upgrade' &&
          p('Your account now has Enterprise access for ', strong(d.orgName), '. Sign in again to see all the features of your organization.'),
        d.kind === 'reactivation' &&
          p('Your account for ', strong(d.orgName), ' is active again. You can sign in with your usual password.'),
        action('Sign in', d.url),
      ],
    }),

    review_rejected: (d) => ({
      subject: `Your request ${d.reference} was not approved`,
      heading: 'Your request was not approved',
      greeting: hello(d.name),
      blocks: [
        p(`We have reviewed your ${REQUEST[d.kind]} (reference ${d.reference}) and unfortunately cannot approve it. Our team gave this reason:`),
        quote(d.reason),
        p(
          d.kind === 'organization'
            ? 'Your account keeps its current access. You can correct the details and submit your organization again.'
            : d.kind === 'upgrade'
              ? 'Your account keeps its current access. You can send a new request with the missing details.'
              : 'Your account remains cancelled.',
          ' If you have any questions, please contact our support team and mention the reference.',
        ),
      ],
    }),

    review_expired: (d) => ({
      subject: `Your request ${d.reference} has expired`,
      heading: 'Your request has expired',
      greeting: hello(d.name),
      blocks: [
        p(`We could not decide on your ${REQUEST[d.kind]} (reference ${d.reference}) within 14 days, so it has expired. We apologize for the inconvenience.`),
        p('Please submit your request again; your account keeps its current access in the meantime.'),
        action('Submit again', d.url),
      ],
    }),

    upgrade_requested: (d) => ({
      subject: `Service request ${d.serviceRequestNumber} received`,
      heading: 'We have received your service request',
      greeting: hello(d.name),
      blocks: [
        p('Thank you for your request to upgrade your account to Enterprise access.'),
        highlight('Your service request number', d.serviceRequestNumber),
        p('Our customer service will validate your account settings. This usually takes 24 to 48 hours. We may contact you with follow-up questions if we need more information.'),
        p('Please mention this number whenever you contact us about this request.'),
      ],
    }),

    org_invite: (d) => ({
      subject: `${d.inviterName} invited you to join ${d.orgName}`,
      heading: `Join ${d.orgName} on Support Portal`,
      greeting: 'Hello,',
      blocks: [
        p(strong(d.inviterName), ' has invited you to join the organization ', strong(d.orgName), ' on Support Portal.'),
        details(['Organization', d.orgName], ['Role', ROLE[d.role]]),
        action('Accept the invitation', d.signupUrl),
        d.expiresInDays !== undefined && p(`This invitation expires in ${plural(d.expiresInDays, 'day', 'days')}.`),
        p('If you were not expecting this invitation, you can ignore this email.'),
      ],
      footer: `You receive this email because ${d.inviterName} invited you to Support Portal.`,
    }),

    ticket_status_changed: (d) => ({
      subject: `${d.reference}: status changed to ${STATUS[d.toStatus]}`,
      heading: `Status update for ${d.reference}`,
      greeting: hello(d.name),
      blocks: [
        p('The status of your request ', strong(d.reference), ' has changed from ', strong(STATUS[d.fromStatus]), ' to ', strong(STATUS[d.toStatus]), '.'),
        p(STATUS_MEANING[d.toStatus]),
        d.note !== undefined && p('Note from our team:'),
        d.note !== undefined && quote(d.note),
        action('View the request', d.url),
      ],
    }),

    ticket_comment: (d) => ({
      subject:
        d.authorRole === 'staff' ? `New reply from support on ${d.reference}` : `New comment from the requester on ${d.reference}`,
      heading: `New comment on ${d.reference}`,
      greeting: hello(d.name),
      blocks: [
        p(d.authorRole === 'staff' ? 'Our support team' : 'The requester', ' added a comment to request ', strong(d.reference), ':'),
        quote(d.excerpt),
        p('To read the whole conversation or reply, open the request in Support Portal.'),
        action('View the request', d.url),
      ],
    }),

    invoice_issued: (d, f) => ({
      subject: `Invoice ${d.invoiceNumber} for ${d.orgName}`,
      heading: 'A new invoice is available',
      greeting: hello(d.name),
      blocks: [
        p('A new invoice has been issued for ', strong(d.orgName), '.'),
        details(['Invoice number', d.invoiceNumber], ['Amount due', d.total], ['Due date', f.date(d.dueDate)]),
        action('View the invoice', d.url),
        p('You can view, download and print all your invoices under Invoices in Support Portal. If you have questions about this invoice, please contact us.'),
      ],
    }),

    account_cancelled: (d) => ({
      subject: 'Your Support Portal account has been cancelled',
      heading: 'Your account has been cancelled',
      greeting: hello(d.name),
      blocks: [
        p('As requested, your Support Portal account has been cancelled.'),
        p('Changed your mind? Sign in to reactivate it: a free-trial account is reactivated at once with your password; for a paid account you can send a reactivation request, and our support team will contact you.'),
        p('If you did not cancel your account, please contact our support team immediately.'),
      ],
    }),

    reactivation_requested: (d) => ({
      subject: `Reactivation request ${d.reference} received`,
      heading: 'We have received your reactivation request',
      greeting: hello(d.name),
      blocks: [
        p('We have received your request to reactivate your Support Portal account.'),
        details(['Reference', d.reference]),
        p('Our support team will contact you to complete the reactivation. Please mention the reference whenever you contact us about it.'),
      ],
    }),
  },
} satisfies LocaleCatalog;
