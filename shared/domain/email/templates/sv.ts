import { action, details, highlight, p, quote, strong, type LocaleCatalog } from './content.ts';
import type { OrgRole, ReviewKind, TicketStatus } from './model.ts';

const ROLE: Record<OrgRole, string> = {
  site_admin: 'Webbplatsadministratör',
  buyer: 'Inköpare',
  shopper: 'Shopper',
  finance: 'Ekonomi',
  report_viewer: 'Rapportläsare',
};

const STATUS: Record<TicketStatus, string> = {
  review: 'Under granskning',
  ready_to_ship: 'Redo att skickas',
  ready_to_bill: 'Redo att faktureras',
  billed: 'Fakturerad',
  queued: 'I kö',
};

const STATUS_MEANING: Record<TicketStatus, string> = {
  review: 'Vi kontrollerar uppgifterna i din begäran.',
  ready_to_ship: 'Vi har granskat din begäran och skickar enheten inom några dagar.',
  ready_to_bill: 'Enheterna har skickats. Fakturan utfärdas enligt ert avtal och skickas till dig via e-post.',
  billed: 'Fakturan har betalats, så den här begäran är nu avslutad.',
  queued: 'Vi tar just nu emot väldigt många förfrågningar. Din står i kö och behandlas så snart som möjligt.',
};

const KIND: Record<ReviewKind, string> = {
  organization: 'Ny organisation',
  upgrade: 'Uppgradering till Enterprise-åtkomst',
  reactivation: 'Återaktivering av konto',
};

/** Follows "din". */
const REQUEST: Record<ReviewKind, string> = {
  organization: 'begäran om att registrera din organisation',
  upgrade: 'begäran om att uppgradera ditt konto till Enterprise-åtkomst',
  reactivation: 'begäran om att återaktivera ditt konto',
};

const hello = (name: string) => `Hej ${name},`;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const sv = {
  locale: 'sv',
  intlLocale: 'sv-SE',
  linkHint: 'Om knappen inte fungerar kan du kopiera den här adressen till din webbläsare:',
  colon: ': ',
  signOff: ['Vänliga hälsningar', 'Support Portal-teamet'],
  footer: 'Du får det här mejlet eftersom du har ett konto på Support Portal.',
  templates: {
    signup_code: (d) => ({
      subject: 'Din verifieringskod för Support Portal',
      heading: 'Verifiera din e-postadress',
      greeting: hello(d.name),
      blocks: [
        p('Ange den här koden för att verifiera din e-postadress och slutföra skapandet av ditt konto på Support Portal:'),
        highlight('Verifieringskod', d.code),
        p(`Koden går ut om ${plural(d.expiresInMinutes, 'minut', 'minuter')} och kan bara användas en gång. Dela den aldrig med någon: vår personal kommer aldrig att be dig om den.`),
        p('Om du inte har registrerat dig på Support Portal kan du bortse från det här mejlet. Utan koden förblir e-postadressen overifierad.'),
      ],
    }),

    account_exists: (d) => ({
      subject: 'Du har redan ett konto på Support Portal',
      heading: 'Du har redan ett konto',
      greeting: hello(d.name),
      blocks: [
        p('Någon försökte nyss registrera sig på Support Portal med den här e-postadressen. Det finns redan ett konto för adressen, så inget nytt konto har skapats.'),
        p('Logga in med ditt befintliga lösenord för att fortsätta. Om du har glömt det kan du återställa det från inloggningssidan.'),
        action('Logga in', d.signInUrl),
        action('Återställ lösenordet', d.resetPasswordUrl),
        p('Om det var du som gjorde ett misstag, eller om du inte försökte registrera dig, kan du bortse från det här mejlet. Ditt konto har inte ändrats.'),
      ],
    }),

    org_joined: (d) => ({
      subject: `Ditt konto är nu kopplat till ${d.orgName}`,
      heading: `Välkommen till ${d.orgName}`,
      greeting: hello(d.name),
      blocks: [
        p('Ditt konto på Support Portal är nu kopplat till organisationen ', strong(d.orgName), '. Du kan logga in och använda de funktioner som är tillgängliga för din organisation.'),
        details(['Organisation', d.orgName], ['Roll', ROLE[d.role]], ['Åtkomstgrupp', d.accessGroup]),
        action('Gå till Support Portal', d.url),
        p('Om du tror att detta är fel kan du kontakta din organisations webbplatsadministratör eller vårt supportteam.'),
      ],
    }),

    review_received: (d, f) => ({
      subject: `Vi har tagit emot din begäran ${d.reference}`,
      heading: 'Din begäran granskas',
      greeting: hello(d.name),
      blocks: [
        p(`Tack! Vi har tagit emot din ${REQUEST[d.kind]}. Varje begäran av det här slaget granskas manuellt av någon i vårt team.`),
        p(
          d.kind === 'upgrade' ? 'Valideringen tar vanligtvis 24–48 timmar.' : 'Granskningen tar vanligtvis 1–2 arbetsdagar.',
          ' Du kan räkna med ett svar senast ',
          strong(f.date(d.expectedBy)),
          '.',
        ),
        details(['Referens', d.reference]),
        p('Vi mejlar dig så snart ett beslut har fattats. Vi kan komma att kontakta dig om vi behöver mer information.'),
      ],
    }),

    review_request_staff: (d, f) => ({
      subject: `Ny granskning väntar: ${d.reference} (${KIND[d.kind]})`,
      heading: 'En ny granskning väntar',
      greeting: 'Hej,',
      blocks: [
        p('En ny begäran väntar på beslut från granskningsteamet.'),
        details(
          ['Referens', d.reference],
          ['Typ', KIND[d.kind]],
          ['Sökande', d.applicantEmail],
          ['Organisation', d.orgName],
          d.ageHours !== undefined && ['Har väntat i', plural(Math.floor(d.ageHours), 'timme', 'timmar')],
          ['Beslut senast', f.dateTime(d.dueBy)],
        ),
        action('Öppna granskningen', d.url),
        p('En begäran som inte har beslutats inom 14 dagar upphör att gälla, och den sökande måste då skicka in den igen.'),
      ],
    }),

    review_reminder_staff: (d, f) => ({
      subject: `Försenad granskning: ${d.reference}`,
      heading: 'En granskning är försenad',
      greeting: 'Hej,',
      blocks: [
        p('Den här begäran skulle ha beslutats senast ', strong(f.dateTime(d.dueBy)), ' och väntar fortfarande.'),
        details(['Referens', d.reference], ['Typ', KIND[d.kind]], ['Sökande', d.applicantEmail]),
        action('Öppna granskningen', d.url),
        p('Godkänn eller avslå den så snart som möjligt. En begäran som inte har beslutats inom 14 dagar upphör att gälla, och den sökande måste då skicka in den igen.'),
      ],
    }),

    review_approved: (d) => ({
      subject:
        d.kind === 'organization'
          ? `Organisationen ${d.orgName} är nu upplagd på Support Portal`
          : d.kind === 'upgrade'
            ? 'Din Enterprise-åtkomst är aktiverad'
            : 'Ditt konto har återaktiverats',
      heading: 'Din begäran har godkänts',
      greeting: hello(d.name),
      blocks: [
        p(`Goda nyheter: vi har godkänt din ${REQUEST[d.kind]} (referens ${d.reference}).`),
        d.kind === 'organization' &&
          p('Vi har skapat en profil för ', strong(d.orgName), ' och gjort dig till dess webbplatsadministratör. Nu kan du använda alla supportfunktioner för din organisation och bjuda in dina kollegor.'),
        d.kind === 'upgrade' &&
          p('Ditt konto har nu Enterprise-åtkomst för ', strong(d.orgName), '. Logga in igen för att se alla funktioner för din organisation.'),
        d.kind === 'reactivation' &&
          p('Ditt konto för ', strong(d.orgName), ' är aktivt igen. Du kan logga in med ditt vanliga lösenord.'),
        action('Logga in', d.url),
      ],
    }),

    review_rejected: (d) => ({
      subject: `Din begäran ${d.reference} har inte godkänts`,
      heading: 'Din begäran har inte godkänts',
      greeting: hello(d.name),
      blocks: [
        p(`Vi har granskat din ${REQUEST[d.kind]} (referens ${d.reference}) och kan tyvärr inte godkänna den. Vårt team angav följande skäl:`),
        quote(d.reason),
        p(
          d.kind === 'organization'
            ? 'Ditt konto behåller sin nuvarande åtkomst. Du kan rätta uppgifterna och skicka in din organisation igen.'
            : d.kind === 'upgrade'
              ? 'Ditt konto behåller sin nuvarande åtkomst. Du kan skicka en ny begäran med de uppgifter som saknas.'
              : 'Ditt konto förblir avslutat.',
          ' Om du har frågor är du välkommen att kontakta vårt supportteam och ange referensen.',
        ),
      ],
    }),

    review_expired: (d) => ({
      subject: `Din begäran ${d.reference} har löpt ut`,
      heading: 'Din begäran har löpt ut',
      greeting: hello(d.name),
      blocks: [
        p(`Vi kunde inte fatta beslut om din ${REQUEST[d.kind]} (referens ${d.reference}) inom 14 dagar, så den har löpt ut. Vi ber om ursäkt för besväret.`),
        p('Skicka in din begäran igen. Under tiden behåller ditt konto sin nuvarande åtkomst.'),
        action('Skicka in igen', d.url),
      ],
    }),

    upgrade_requested: (d) => ({
      subject: `Tjänstebegäran ${d.serviceRequestNumber} har tagits emot`,
      heading: 'Vi har tagit emot din tjänstebegäran',
      greeting: hello(d.name),
      blocks: [
        p('Tack för din begäran om att uppgradera ditt konto till Enterprise-åtkomst.'),
        highlight('Ditt ärendenummer', d.serviceRequestNumber),
        p('Vår kundtjänst validerar nu dina kontoinställningar. Det tar vanligtvis 24–48 timmar. Vi kan komma att kontakta dig med följdfrågor om vi behöver mer information.'),
        p('Ange det här numret när du kontaktar oss om ärendet.'),
      ],
    }),

    org_invite: (d) => ({
      subject: `${d.inviterName} har bjudit in dig till ${d.orgName}`,
      heading: `Gå med i ${d.orgName} på Support Portal`,
      greeting: 'Hej,',
      blocks: [
        p(strong(d.inviterName), ' har bjudit in dig att gå med i organisationen ', strong(d.orgName), ' på Support Portal.'),
        details(['Organisation', d.orgName], ['Roll', ROLE[d.role]]),
        action('Acceptera inbjudan', d.signupUrl),
        d.expiresInDays !== undefined && p(`Inbjudan går ut om ${plural(d.expiresInDays, 'dag', 'dagar')}.`),
        p('Om du inte väntade dig den här inbjudan kan du bortse från mejlet.'),
      ],
      footer: `Du får det här mejlet eftersom ${d.inviterName} har bjudit in dig till Support Portal.`,
    }),

    ticket_status_changed: (d) => ({
      subject: `${d.reference}: ny status ”${STATUS[d.toStatus]}”`,
      heading: `Statusuppdatering för ${d.reference}`,
      greeting: hello(d.name),
      blocks: [
        p('Statusen för din begäran ', strong(d.reference), ' har ändrats från ', strong(STATUS[d.fromStatus]), ' till ', strong(STATUS[d.toStatus]), '.'),
        p(STATUS_MEANING[d.toStatus]),
        d.note !== undefined && p('Kommentar från vårt team:'),
        d.note !== undefined && quote(d.note),
        action('Visa begäran', d.url),
      ],
    }),

    ticket_comment: (d) => ({
      subject: d.authorRole === 'staff' ? `Nytt svar från supporten på ${d.reference}` : `Ny kommentar från beställaren på ${d.reference}`,
      heading: `Ny kommentar på ${d.reference}`,
      greeting: hello(d.name),
      blocks: [
        p(d.authorRole === 'staff' ? 'Vårt supportteam' : 'Beställaren', ' har lagt till en kommentar på begäran ', strong(d.reference), ':'),
        quote(d.excerpt),
        p('Öppna begäran i Support Portal för att läsa hela konversationen eller svara.'),
        action('Visa begäran', d.url),
      ],
    }),

    invoice_issued: (d, f) => ({
      subject: `Faktura ${d.invoiceNumber} för ${d.orgName}`,
      heading: 'En ny faktura finns tillgänglig',
      greeting: hello(d.name),
      blocks: [
        p('En ny faktura har utfärdats för ', strong(d.orgName), '.'),
        details(['Fakturanummer', d.invoiceNumber], ['Belopp att betala', d.total], ['Förfallodatum', f.date(d.dueDate)]),
        action('Visa fakturan', d.url),
        p('Du kan visa, ladda ned och skriva ut alla dina fakturor under Fakturor i Support Portal. Kontakta oss gärna om du har frågor om fakturan.'),
      ],
    }),

    account_cancelled: (d) => ({
      subject: 'Ditt konto på Support Portal har avslutats',
      heading: 'Ditt konto har avslutats',
      greeting: hello(d.name),
      blocks: [
        p('Ditt konto på Support Portal har avslutats enligt din begäran.'),
        p('Har du ändrat dig? Logga in för att återaktivera det: ett gratis testkonto återaktiveras direkt med ditt lösenord, och för ett betalkonto kan du skicka en begäran om återaktivering, så kontaktar vårt supportteam dig.'),
        p('Om det inte var du som avslutade kontot ska du kontakta vårt supportteam omedelbart.'),
      ],
    }),

    reactivation_requested: (d) => ({
      subject: `Vi har tagit emot din begäran om återaktivering (${d.reference})`,
      heading: 'Vi har tagit emot din begäran om återaktivering',
      greeting: hello(d.name),
      blocks: [
        p('Vi har tagit emot din begäran om att återaktivera ditt konto på Support Portal.'),
        details(['Referens', d.reference]),
        p('Vårt supportteam kontaktar dig för att slutföra återaktiveringen. Ange referensen när du kontaktar oss om ärendet.'),
      ],
    }),
  },
} satisfies LocaleCatalog;
