import { action, details, highlight, p, quote, strong, type LocaleCatalog } from './content.ts';
import type { OrgRole, ReviewKind, TicketStatus } from './model.ts';

// French typography puts a no-break space before : ; ? ! and inside « »; the strings use U+00A0 there.

const ROLE: Record<OrgRole, string> = {
  site_admin: 'Administrateur de site',
  buyer: 'Acheteur',
  shopper: 'Shopper',
  finance: 'Finance',
  report_viewer: 'Lecteur de rapports',
};

const STATUS: Record<TicketStatus, string> = {
  review: 'En examen',
  ready_to_ship: 'Prêt pour l’envoi',
  ready_to_bill: 'Prêt pour la facturation',
  billed: 'Facturé',
  queued: 'En file d’attente',
};

const STATUS_MEANING: Record<TicketStatus, string> = {
  review: 'Nous vérifions les informations de votre demande.',
  ready_to_ship: 'Nous avons examiné votre demande et expédierons l’appareil d’ici quelques jours.',
  ready_to_bill:
    'Les appareils ont été expédiés. La facture sera établie conformément à votre accord et vous sera envoyée par e-mail.',
  billed: 'La facture a été payée ; cette demande est donc clôturée.',
  queued:
    'Nous recevons actuellement un grand nombre de demandes ; la vôtre est en file d’attente et sera traitée dès que possible.',
};

const KIND: Record<ReviewKind, string> = {
  organization: 'Nouvelle organisation',
  upgrade: 'Passage à l’accès Entreprise',
  reactivation: 'Réactivation de compte',
};

/** Follows "votre": every form is feminine ("demande"), so the sentences around it agree. */
const REQUEST: Record<ReviewKind, string> = {
  organization: 'demande d’enregistrement de votre organisation',
  upgrade: 'demande de passage de votre compte à l’accès Entreprise',
  reactivation: 'demande de réactivation de votre compte',
};

const hello = (name: string) => `Bonjour ${name},`;
// French keeps 0 and 1 singular.
const plural = (n: number, one: string, many: string) => `${n} ${n < 2 ? one : many}`;

export const fr = {
  locale: 'fr',
  intlLocale: 'fr-FR',
  linkHint: 'Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :',
  colon: ' : ',
  signOff: ['Cordialement,', 'L’équipe Support Portal'],
  footer: 'Vous recevez cet e-mail en raison de votre compte Support Portal.',
  templates: {
    signup_code: (d) => ({
      subject: 'Votre code de vérification Support Portal',
      heading: 'Vérifiez votre adresse e-mail',
      greeting: hello(d.name),
      blocks: [
        p('Saisissez ce code pour vérifier votre adresse e-mail et finaliser la création de votre compte Support Portal :'),
        highlight('Code de vérification', d.code),
        p(`Ce code expire dans ${plural(d.expiresInMinutes, 'minute', 'minutes')} et ne peut être utilisé qu’une seule fois. Ne le communiquez à personne : notre équipe ne vous le demandera jamais.`),
        p('Si vous ne vous êtes pas inscrit à Support Portal, vous pouvez ignorer cet e-mail. Sans ce code, l’adresse e-mail reste non vérifiée.'),
      ],
    }),

    account_exists: (d) => ({
      subject: 'Vous avez déjà un compte Support Portal',
      heading: 'Vous avez déjà un compte',
      greeting: hello(d.name),
      blocks: [
        p('Quelqu’un vient d’essayer de s’inscrire à Support Portal avec cette adresse e-mail. Un compte existe déjà pour cette adresse ; aucun nouveau compte n’a donc été créé.'),
        p('Pour continuer, connectez-vous avec votre mot de passe actuel. Si vous l’avez oublié, vous pouvez le réinitialiser depuis la page de connexion.'),
        action('Se connecter', d.signInUrl),
        action('Réinitialiser le mot de passe', d.resetPasswordUrl),
        p('S’il s’agit d’une erreur de votre part, ou si vous n’avez pas tenté de vous inscrire, vous pouvez ignorer cet e-mail. Votre compte n’a pas été modifié.'),
      ],
    }),

    org_joined: (d) => ({
      subject: `Votre compte est désormais rattaché à ${d.orgName}`,
      heading: `Bienvenue chez ${d.orgName}`,
      greeting: hello(d.name),
      blocks: [
        p('Votre compte Support Portal est désormais rattaché à l’organisation ', strong(d.orgName), '. Vous pouvez vous connecter et utiliser les fonctionnalités disponibles pour votre organisation.'),
        details(['Organisation', d.orgName], ['Rôle', ROLE[d.role]], ['Groupe d’accès', d.accessGroup]),
        action('Accéder à Support Portal', d.url),
        p('Si vous pensez qu’il s’agit d’une erreur, contactez l’administrateur de site de votre organisation ou notre équipe de support.'),
      ],
    }),

    review_received: (d, f) => ({
      subject: `Nous avons bien reçu votre demande ${d.reference}`,
      heading: 'Votre demande est en cours d’examen',
      greeting: hello(d.name),
      blocks: [
        p(`Merci ! Nous avons bien reçu votre ${REQUEST[d.kind]}. Un membre de notre équipe examine manuellement chaque demande de ce type.`),
        p(
          d.kind === 'upgrade' ? 'La validation prend généralement 24 à 48 heures.' : 'L’examen prend généralement 1 à 2 jours ouvrés.',
          ' Vous pouvez vous attendre à une réponse d’ici le ',
          strong(f.date(d.expectedBy)),
          '.',
        ),
        details(['Référence', d.reference]),
        p('Nous vous enverrons un e-mail dès qu’une décision aura été prise. Nous pourrons vous contacter si nous avons besoin d’informations complémentaires.'),
      ],
    }),

    review_request_staff: (d, f) => ({
      subject: `Nouvelle demande à examiner : ${d.reference} (${KIND[d.kind]})`,
      heading: 'Une nouvelle demande attend votre examen',
      greeting: 'Bonjour,',
      blocks: [
        p('Une nouvelle demande attend une décision de l’équipe de vérification.'),
        details(
          ['Référence', d.reference],
          ['Type', KIND[d.kind]],
          ['Demandeur', d.applicantEmail],
          ['Organisation', d.orgName],
          d.ageHours !== undefined && ['En attente depuis', plural(Math.floor(d.ageHours), 'heure', 'heures')],
          ['À traiter avant le', f.dateTime(d.dueBy)],
        ),
        action('Ouvrir la demande', d.url),
        p('Les demandes sans décision au bout de 14 jours expirent, et le demandeur doit alors les soumettre à nouveau.'),
      ],
    }),

    review_reminder_staff: (d, f) => ({
      subject: `Examen en retard : ${d.reference}`,
      heading: 'Une demande attend toujours une décision',
      greeting: 'Bonjour,',
      blocks: [
        p('Cette demande aurait dû être traitée avant le ', strong(f.dateTime(d.dueBy)), ' et attend toujours une décision.'),
        details(['Référence', d.reference], ['Type', KIND[d.kind]], ['Demandeur', d.applicantEmail]),
        action('Ouvrir la demande', d.url),
        p('Merci de l’approuver ou de la refuser dès que possible. Les demandes sans décision au bout de 14 jours expirent, et le demandeur doit alors les soumettre à nouveau.'),
      ],
    }),

    review_approved: (d) => ({
      subject:
        d.kind === 'organization'
          ? `L’organisation ${d.orgName} est prête sur Support Portal`
          : d.kind === 'upgrade'
            ? 'Votre accès Entreprise est activé'
            : 'Votre compte a été réactivé',
      heading: 'Votre demande a été approuvée',
      greeting: hello(d.name),
      blocks: [
        p(`Bonne nouvelle : nous avons approuvé votre ${REQUEST[d.kind]} (référence ${d.reference}).`),
        d.kind === 'organization' &&
          p('Nous avons créé le profil de ', strong(d.orgName), ' et vous en êtes l’administrateur de site. Vous pouvez désormais utiliser toutes les fonctionnalités de support de votre organisation et inviter vos collègues.'),
        d.kind === 'upgrade' &&
          p('Votre compte dispose désormais de l’accès Entreprise pour ', strong(d.orgName), '. Reconnectez-vous pour voir toutes les fonctionnalités de votre organisation.'),
        d.kind === 'reactivation' &&
          p('Votre compte rattaché à ', strong(d.orgName), ' est de nouveau actif. Vous pouvez vous connecter avec votre mot de passe habituel.'),
        action('Se connecter', d.url),
      ],
    }),

    review_rejected: (d) => ({
      subject: `Votre demande ${d.reference} n’a pas été approuvée`,
      heading: 'Votre demande n’a pas été approuvée',
      greeting: hello(d.name),
      blocks: [
        p(`Nous avons examiné votre ${REQUEST[d.kind]} (référence ${d.reference}) et ne pouvons malheureusement pas l’approuver. Voici le motif indiqué par notre équipe :`),
        quote(d.reason),
        p(
          d.kind === 'organization'
            ? 'Votre compte conserve son accès actuel. Vous pouvez corriger les informations et soumettre à nouveau votre organisation.'
            : d.kind === 'upgrade'
              ? 'Votre compte conserve son accès actuel. Vous pouvez envoyer une nouvelle demande avec les informations manquantes.'
              : 'Votre compte reste annulé.',
          ' Pour toute question, contactez notre équipe de support en indiquant la référence.',
        ),
      ],
    }),

    review_expired: (d) => ({
      subject: `Votre demande ${d.reference} a expiré`,
      heading: 'Votre demande a expiré',
      greeting: hello(d.name),
      blocks: [
        p(`Nous n’avons pas pu statuer sur votre ${REQUEST[d.kind]} (référence ${d.reference}) dans un délai de 14 jours ; elle a donc expiré. Veuillez nous excuser pour ce désagrément.`),
        p('Merci de soumettre à nouveau votre demande ; votre compte conserve son accès actuel en attendant.'),
        action('Soumettre à nouveau', d.url),
      ],
    }),

    upgrade_requested: (d) => ({
      subject: `Demande de service ${d.serviceRequestNumber} reçue`,
      heading: 'Nous avons bien reçu votre demande de service',
      greeting: hello(d.name),
      blocks: [
        p('Merci pour votre demande de passage de votre compte à l’accès Entreprise.'),
        highlight('Votre numéro de demande de service', d.serviceRequestNumber),
        p('Notre service client va valider les paramètres de votre compte, ce qui prend généralement 24 à 48 heures. Nous pourrons vous poser des questions complémentaires si nous avons besoin de plus d’informations.'),
        p('Merci d’indiquer ce numéro chaque fois que vous nous contactez au sujet de cette demande.'),
      ],
    }),

    org_invite: (d) => ({
      subject: `${d.inviterName} vous invite à rejoindre ${d.orgName}`,
      heading: `Rejoignez ${d.orgName} sur Support Portal`,
      greeting: 'Bonjour,',
      blocks: [
        p(strong(d.inviterName), ' vous invite à rejoindre l’organisation ', strong(d.orgName), ' sur Support Portal.'),
        details(['Organisation', d.orgName], ['Rôle', ROLE[d.role]]),
        action('Accepter l’invitation', d.signupUrl),
        d.expiresInDays !== undefined && p(`Cette invitation expire dans ${plural(d.expiresInDays, 'jour', 'jours')}.`),
        p('Si vous n’attendiez pas cette invitation, vous pouvez ignorer cet e-mail.'),
      ],
      footer: `Vous recevez cet e-mail parce que ${d.inviterName} vous a envoyé une invitation pour Support Portal.`,
    }),

    ticket_status_changed: (d) => ({
      subject: `${d.reference} : nouveau statut « ${STATUS[d.toStatus]} »`,
      heading: `Mise à jour du statut de ${d.reference}`,
      greeting: hello(d.name),
      blocks: [
        p('Le statut de votre demande ', strong(d.reference), ' est passé de ', strong(STATUS[d.fromStatus]), ' à ', strong(STATUS[d.toStatus]), '.'),
        p(STATUS_MEANING[d.toStatus]),
        d.note !== undefined && p('Remarque de notre équipe :'),
        d.note !== undefined && quote(d.note),
        action('Voir la demande', d.url),
      ],
    }),

    ticket_comment: (d) => ({
      subject:
        d.authorRole === 'staff' ? `Nouvelle réponse du support sur ${d.reference}` : `Nouveau commentaire du demandeur sur ${d.reference}`,
      heading: `Nouveau commentaire sur ${d.reference}`,
      greeting: hello(d.name),
      blocks: [
        p(d.authorRole === 'staff' ? 'Notre équipe de support' : 'Le demandeur', ' a ajouté un commentaire à la demande ', strong(d.reference), ' :'),
        quote(d.excerpt),
        p('Pour lire l’échange complet ou répondre, ouvrez la demande dans Support Portal.'),
        action('Voir la demande', d.url),
      ],
    }),

    invoice_issued: (d, f) => ({
      subject: `Facture ${d.invoiceNumber} pour ${d.orgName}`,
      heading: 'Une nouvelle facture est disponible',
      greeting: hello(d.name),
      blocks: [
        p('Une nouvelle facture a été émise pour ', strong(d.orgName), '.'),
        details(['Numéro de facture', d.invoiceNumber], ['Montant dû', d.total], ['Date d’échéance', f.date(d.dueDate)]),
        action('Voir la facture', d.url),
        p('Vous pouvez consulter, télécharger et imprimer toutes vos factures dans la rubrique Factures de Support Portal. Pour toute question sur cette facture, contactez-nous.'),
      ],
    }),

    account_cancelled: (d) => ({
      subject: 'Votre compte Support Portal a été annulé',
      heading: 'Votre compte a été annulé',
      greeting: hello(d.name),
      blocks: [
        p('Comme vous l’avez demandé, votre compte Support Portal a été annulé.'),
        p('Vous avez changé d’avis ? Connectez-vous pour le réactiver : un compte d’essai gratuit est réactivé immédiatement avec votre mot de passe ; pour un compte payant, vous pouvez envoyer une demande de réactivation et notre équipe de support vous contactera.'),
        p('Si vous n’avez pas annulé votre compte, contactez immédiatement notre équipe de support.'),
      ],
    }),

    reactivation_requested: (d) => ({
      subject: `Demande de réactivation ${d.reference} reçue`,
      heading: 'Nous avons bien reçu votre demande de réactivation',
      greeting: hello(d.name),
      blocks: [
        p('Nous avons bien reçu votre demande de réactivation de votre compte Support Portal.'),
        details(['Référence', d.reference]),
        p('Notre équipe de support vous contactera pour finaliser la réactivation. Merci d’indiquer la référence chaque fois que vous nous contactez à ce sujet.'),
      ],
    }),
  },
} satisfies LocaleCatalog;
