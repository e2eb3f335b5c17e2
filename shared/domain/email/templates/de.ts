import { action, details, highlight, p, quote, strong, type LocaleCatalog } from './content.ts';
import type { OrgRole, ReviewKind, TicketStatus } from './model.ts';

// Formal "Sie" throughout. The product name stays unchanged, so compounds such as
// "Support-Portal-Konto" are avoided in favour of "Konto bei Support Portal".

const ROLE: Record<OrgRole, string> = {
  site_admin: 'Site-Administrator',
  buyer: 'Einkäufer',
  shopper: 'Shopper',
  finance: 'Finanzen',
  report_viewer: 'Berichtsleser',
};

const STATUS: Record<TicketStatus, string> = {
  review: 'In Prüfung',
  ready_to_ship: 'Versandbereit',
  ready_to_bill: 'Bereit zur Abrechnung',
  billed: 'Abgerechnet',
  queued: 'In der Warteschlange',
};

const STATUS_MEANING: Record<TicketStatus, string> = {
  review: 'Wir prüfen die Angaben zu Ihrer Anfrage.',
  ready_to_ship: 'Wir haben Ihre Anfrage geprüft und versenden das Gerät in den nächsten Tagen.',
  ready_to_bill:
    'Die Geräte wurden versandt. Die Rechnung wird gemäß Ihrer Vereinbarung erstellt und Ihnen per E-Mail zugesandt.',
  billed: 'Die Rechnung wurde bezahlt, damit ist diese Anfrage abgeschlossen.',
  queued:
    'Derzeit erhalten wir sehr viele Anfragen. Ihre Anfrage befindet sich in der Warteschlange und wird so schnell wie möglich bearbeitet.',
};

const KIND: Record<ReviewKind, string> = {
  organization: 'Neue Organisation',
  upgrade: 'Upgrade auf Enterprise-Zugang',
  reactivation: 'Reaktivierung eines Kontos',
};

/** Follows "Ihre" in nominative or accusative only ("Anfrage" is feminine). */
const REQUEST: Record<ReviewKind, string> = {
  organization: 'Anfrage zur Registrierung Ihrer Organisation',
  upgrade: 'Anfrage auf Enterprise-Zugang für Ihr Konto',
  reactivation: 'Anfrage zur Reaktivierung Ihres Kontos',
};

const hello = (name: string) => `Guten Tag ${name},`;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const de = {
  locale: 'de',
  intlLocale: 'de-DE',
  linkHint: 'Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:',
  colon: ': ',
  signOff: ['Mit freundlichen Grüßen', 'Ihr Team von Support Portal'],
  footer: 'Sie erhalten diese E-Mail aufgrund Ihres Kontos bei Support Portal.',
  templates: {
    signup_code: (d) => ({
      subject: 'Ihr Bestätigungscode für Support Portal',
      heading: 'Bestätigen Sie Ihre E-Mail-Adresse',
      greeting: hello(d.name),
      blocks: [
        p('Geben Sie diesen Code ein, um Ihre E-Mail-Adresse zu bestätigen und die Erstellung Ihres Kontos bei Support Portal abzuschließen:'),
        highlight('Bestätigungscode', d.code),
        p(`Der Code läuft in ${plural(d.expiresInMinutes, 'Minute', 'Minuten')} ab und kann nur einmal verwendet werden. Geben Sie ihn niemals weiter: Unser Team wird Sie nie danach fragen.`),
        p('Wenn Sie sich nicht bei Support Portal registriert haben, können Sie diese E-Mail ignorieren. Ohne diesen Code bleibt die E-Mail-Adresse unbestätigt.'),
      ],
    }),

    account_exists: (d) => ({
      subject: 'Sie haben bereits ein Konto bei Support Portal',
      heading: 'Sie haben bereits ein Konto',
      greeting: hello(d.name),
      blocks: [
        p('Soeben hat jemand versucht, sich mit dieser E-Mail-Adresse bei Support Portal zu registrieren. Für diese Adresse besteht bereits ein Konto, daher wurde kein neues Konto angelegt.'),
        p('Melden Sie sich einfach mit Ihrem bisherigen Passwort an. Falls Sie es vergessen haben, können Sie es auf der Anmeldeseite zurücksetzen.'),
        action('Anmelden', d.signInUrl),
        action('Passwort zurücksetzen', d.resetPasswordUrl),
        p('Wenn Sie das versehentlich selbst waren oder sich nicht registrieren wollten, können Sie diese E-Mail ignorieren. Ihr Konto wurde nicht verändert.'),
      ],
    }),

    org_joined: (d) => ({
      subject: `Ihr Konto ist jetzt mit ${d.orgName} verknüpft`,
      heading: `Willkommen bei ${d.orgName}`,
      greeting: hello(d.name),
      blocks: [
        p('Ihr Konto bei Support Portal ist jetzt der Organisation ', strong(d.orgName), ' zugeordnet. Sie können sich anmelden und die Funktionen nutzen, die Ihrer Organisation zur Verfügung stehen.'),
        details(['Organisation', d.orgName], ['Rolle', ROLE[d.role]], ['Zugriffsgruppe', d.accessGroup]),
        action('Zu Support Portal', d.url),
        p('Falls Sie dies für einen Fehler halten, wenden Sie sich an den Site-Administrator Ihrer Organisation oder an unser Support-Team.'),
      ],
    }),

    review_received: (d, f) => ({
      subject: `Wir haben Ihre Anfrage ${d.reference} erhalten`,
      heading: 'Ihre Anfrage wird geprüft',
      greeting: hello(d.name),
      blocks: [
        p(`Vielen Dank, wir haben Ihre ${REQUEST[d.kind]} erhalten. Jede Anfrage dieser Art wird von unserem Team manuell geprüft.`),
        p(
          d.kind === 'upgrade' ? 'Die Validierung dauert in der Regel 24 bis 48 Stunden.' : 'Die Prüfung dauert in der Regel 1 bis 2 Werktage.',
          ' Sie erhalten voraussichtlich bis zum ',
          strong(f.date(d.expectedBy)),
          ' eine Antwort.',
        ),
        details(['Referenz', d.reference]),
        p('Sobald eine Entscheidung gefallen ist, informieren wir Sie per E-Mail. Falls wir weitere Informationen benötigen, kontaktieren wir Sie.'),
      ],
    }),

    review_request_staff: (d, f) => ({
      subject: `Neue Prüfung ausstehend: ${d.reference} (${KIND[d.kind]})`,
      heading: 'Eine neue Prüfung wartet',
      greeting: 'Guten Tag,',
      blocks: [
        p('Eine neue Anfrage wartet auf eine Entscheidung des Prüfteams.'),
        details(
          ['Referenz', d.reference],
          ['Art', KIND[d.kind]],
          ['Antragsteller', d.applicantEmail],
          ['Organisation', d.orgName],
          d.ageHours !== undefined && ['Wartet seit', plural(Math.floor(d.ageHours), 'Stunde', 'Stunden')],
          ['Entscheiden bis', f.dateTime(d.dueBy)],
        ),
        action('Prüfung öffnen', d.url),
        p('Anfragen, über die nicht innerhalb von 14 Tagen entschieden wird, verfallen, und der Antragsteller muss sie erneut einreichen.'),
      ],
    }),

    review_reminder_staff: (d, f) => ({
      subject: `Überfällige Prüfung: ${d.reference}`,
      heading: 'Eine Prüfung ist überfällig',
      greeting: 'Guten Tag,',
      blocks: [
        p('Über diese Anfrage hätte bis zum ', strong(f.dateTime(d.dueBy)), ' entschieden werden müssen, sie wartet aber noch immer.'),
        details(['Referenz', d.reference], ['Art', KIND[d.kind]], ['Antragsteller', d.applicantEmail]),
        action('Prüfung öffnen', d.url),
        p('Bitte genehmigen oder lehnen Sie sie so bald wie möglich ab. Anfragen, über die nicht innerhalb von 14 Tagen entschieden wird, verfallen, und der Antragsteller muss sie erneut einreichen.'),
      ],
    }),

    review_approved: (d) => ({
      subject:
        d.kind === 'organization'
          ? `${d.orgName} ist jetzt bei Support Portal eingerichtet`
          : d.kind === 'upgrade'
            ? 'Ihr Enterprise-Zugang ist aktiv'
            : 'Ihr Konto wurde reaktiviert',
      heading: 'Ihre Anfrage wurde genehmigt',
      greeting: hello(d.name),
      blocks: [
        p(`Gute Nachrichten: Wir haben Ihre ${REQUEST[d.kind]} (Referenz ${d.reference}) genehmigt.`),
        d.kind === 'organization' &&
          p('Wir haben das Profil von ', strong(d.orgName), ' angelegt und Sie als Site-Administrator eingetragen. Sie können jetzt alle Support-Funktionen Ihrer Organisation nutzen und Ihre Kolleginnen und Kollegen einladen.'),
        d.kind === 'upgrade' &&
          p('Ihr Konto hat jetzt Enterprise-Zugang für ', strong(d.orgName), '. Melden Sie sich erneut an, um alle Funktionen Ihrer Organisation zu sehen.'),
        d.kind === 'reactivation' &&
          p('Ihr Konto für ', strong(d.orgName), ' ist wieder aktiv. Sie können sich mit Ihrem gewohnten Passwort anmelden.'),
        action('Anmelden', d.url),
      ],
    }),

    review_rejected: (d) => ({
      subject: `Ihre Anfrage ${d.reference} wurde nicht genehmigt`,
      heading: 'Ihre Anfrage wurde nicht genehmigt',
      greeting: hello(d.name),
      blocks: [
        p(`Wir haben Ihre ${REQUEST[d.kind]} (Referenz ${d.reference}) geprüft und können sie leider nicht genehmigen. Unser Team hat folgenden Grund angegeben:`),
        quote(d.reason),
        p(
          d.kind === 'organization'
            ? 'Ihr Konto behält seinen bisherigen Zugang. Sie können die Angaben korrigieren und Ihre Organisation erneut einreichen.'
            : d.kind === 'upgrade'
              ? 'Ihr Konto behält seinen bisherigen Zugang. Sie können eine neue Anfrage mit den fehlenden Angaben senden.'
              : 'Ihr Konto bleibt gekündigt.',
          ' Bei Fragen wenden Sie sich bitte unter Angabe der Referenz an unser Support-Team.',
        ),
      ],
    }),

    review_expired: (d) => ({
      subject: `Ihre Anfrage ${d.reference} ist abgelaufen`,
      heading: 'Ihre Anfrage ist abgelaufen',
      greeting: hello(d.name),
      blocks: [
        p(`Über Ihre ${REQUEST[d.kind]} (Referenz ${d.reference}) konnte nicht innerhalb von 14 Tagen entschieden werden, daher ist sie abgelaufen. Bitte entschuldigen Sie die Unannehmlichkeiten.`),
        p('Bitte reichen Sie Ihre Anfrage erneut ein. Ihr Konto behält bis dahin seinen bisherigen Zugang.'),
        action('Erneut einreichen', d.url),
      ],
    }),

    upgrade_requested: (d) => ({
      subject: `Serviceanfrage ${d.serviceRequestNumber} eingegangen`,
      heading: 'Wir haben Ihre Serviceanfrage erhalten',
      greeting: hello(d.name),
      blocks: [
        p('Vielen Dank für Ihre Anfrage, Ihr Konto auf Enterprise-Zugang umzustellen.'),
        highlight('Nummer Ihrer Serviceanfrage', d.serviceRequestNumber),
        p('Unser Kundenservice prüft nun Ihre Kontoeinstellungen. Das dauert in der Regel 24 bis 48 Stunden. Falls wir weitere Informationen benötigen, melden wir uns mit Rückfragen bei Ihnen.'),
        p('Bitte geben Sie diese Nummer an, wenn Sie uns zu dieser Anfrage kontaktieren.'),
      ],
    }),

    org_invite: (d) => ({
      subject: `${d.inviterName} hat Sie zu ${d.orgName} eingeladen`,
      heading: `Einladung zu ${d.orgName} bei Support Portal`,
      greeting: 'Guten Tag,',
      blocks: [
        p(strong(d.inviterName), ' hat Sie eingeladen, der Organisation ', strong(d.orgName), ' bei Support Portal beizutreten.'),
        details(['Organisation', d.orgName], ['Rolle', ROLE[d.role]]),
        action('Einladung annehmen', d.signupUrl),
        d.expiresInDays !== undefined && p(`Diese Einladung läuft in ${plural(d.expiresInDays, 'Tag', 'Tagen')} ab.`),
        p('Wenn Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail ignorieren.'),
      ],
      footer: `Sie erhalten diese E-Mail, weil ${d.inviterName} Sie zu Support Portal eingeladen hat.`,
    }),

    ticket_status_changed: (d) => ({
      subject: `${d.reference}: neuer Status „${STATUS[d.toStatus]}“`,
      heading: `Statusänderung für ${d.reference}`,
      greeting: hello(d.name),
      blocks: [
        p('Der Status Ihrer Anfrage ', strong(d.reference), ' hat sich von ', strong(STATUS[d.fromStatus]), ' auf ', strong(STATUS[d.toStatus]), ' geändert.'),
        p(STATUS_MEANING[d.toStatus]),
        d.note !== undefined && p('Hinweis unseres Teams:'),
        d.note !== undefined && quote(d.note),
        action('Anfrage ansehen', d.url),
      ],
    }),

    ticket_comment: (d) => ({
      subject:
        d.authorRole === 'staff'
          ? `Neue Antwort des Supports zu ${d.reference}`
          : `Neuer Kommentar der anfragenden Person zu ${d.reference}`,
      heading: `Neuer Kommentar zu ${d.reference}`,
      greeting: hello(d.name),
      blocks: [
        p(d.authorRole === 'staff' ? 'Unser Support-Team' : 'Die anfragende Person', ' hat einen Kommentar zur Anfrage ', strong(d.reference), ' hinzugefügt:'),
        quote(d.excerpt),
        p('Um den gesamten Verlauf zu lesen oder zu antworten, öffnen Sie die Anfrage in Support Portal.'),
        action('Anfrage ansehen', d.url),
      ],
    }),

    invoice_issued: (d, f) => ({
      subject: `Rechnung ${d.invoiceNumber} für ${d.orgName}`,
      heading: 'Eine neue Rechnung ist verfügbar',
      greeting: hello(d.name),
      blocks: [
        p('Für ', strong(d.orgName), ' wurde eine neue Rechnung ausgestellt.'),
        details(['Rechnungsnummer', d.invoiceNumber], ['Fälliger Betrag', d.total], ['Fälligkeitsdatum', f.date(d.dueDate)]),
        action('Rechnung ansehen', d.url),
        p('Alle Ihre Rechnungen können Sie in Support Portal unter „Rechnungen“ ansehen, herunterladen und drucken. Bei Fragen zu dieser Rechnung wenden Sie sich bitte an uns.'),
      ],
    }),

    account_cancelled: (d) => ({
      subject: 'Ihr Konto bei Support Portal wurde gekündigt',
      heading: 'Ihr Konto wurde gekündigt',
      greeting: hello(d.name),
      blocks: [
        p('Wie von Ihnen gewünscht, wurde Ihr Konto bei Support Portal gekündigt.'),
        p('Sie haben es sich anders überlegt? Melden Sie sich an, um es zu reaktivieren: Ein kostenloses Testkonto wird sofort mit Ihrem Passwort reaktiviert; für ein kostenpflichtiges Konto können Sie eine Reaktivierungsanfrage senden, und unser Support-Team meldet sich bei Ihnen.'),
        p('Wenn Sie Ihr Konto nicht gekündigt haben, wenden Sie sich bitte umgehend an unser Support-Team.'),
      ],
    }),

    reactivation_requested: (d) => ({
      subject: `Reaktivierungsanfrage ${d.reference} eingegangen`,
      heading: 'Wir haben Ihre Reaktivierungsanfrage erhalten',
      greeting: hello(d.name),
      blocks: [
        p('Wir haben Ihre Anfrage zur Reaktivierung Ihres Kontos bei Support Portal erhalten.'),
        details(['Referenz', d.reference]),
        p('Unser Support-Team wird sich bei Ihnen melden, um die Reaktivierung abzuschließen. Bitte geben Sie die Referenz an, wenn Sie uns dazu kontaktieren.'),
      ],
    }),
  },
} satisfies LocaleCatalog;
