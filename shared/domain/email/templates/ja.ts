import { action, details, highlight, p, quote, strong, type LocaleCatalog } from './content.ts';
import type { OrgRole, ReviewKind, TicketStatus } from './model.ts';

// Polite business register (です・ます, 謙譲語 for our own actions). Organization names go in 「」
// so that a Latin-script name reads cleanly inside Japanese text without extra spacing rules.

const ROLE: Record<OrgRole, string> = {
  site_admin: 'サイト管理者',
  buyer: '購買担当者',
  shopper: 'ショッパー',
  finance: '経理担当者',
  report_viewer: 'レポート閲覧者',
};

const STATUS: Record<TicketStatus, string> = {
  review: '審査中',
  ready_to_ship: '出荷準備完了',
  ready_to_bill: '請求準備完了',
  billed: '請求済み',
  queued: '順番待ち',
};

const STATUS_MEANING: Record<TicketStatus, string> = {
  review: 'リクエストの内容を確認しております。',
  ready_to_ship: 'リクエストの確認が完了しました。数日以内にデバイスを発送いたします。',
  ready_to_bill: 'デバイスを発送いたしました。ご契約に従って請求書を発行し、メールでお送りします。',
  billed: 'お支払いが確認されたため、このリクエストは完了となりました。',
  queued: '現在、リクエストが大変混み合っております。お客様のリクエストは順番待ちとなっており、できるだけ早く対応いたします。',
};

const KIND: Record<ReviewKind, string> = {
  organization: '新規組織',
  upgrade: 'エンタープライズ アクセスへのアップグレード',
  reactivation: 'アカウントの再有効化',
};

const REQUEST: Record<ReviewKind, string> = {
  organization: '組織登録のお申し込み',
  upgrade: 'エンタープライズ アクセスへのアップグレードのお申し込み',
  reactivation: 'アカウント再有効化のお申し込み',
};

const hello = (name: string) => `${name} 様`;

export const ja = {
  locale: 'ja',
  intlLocale: 'ja-JP',
  linkHint: 'ボタンが機能しない場合は、次のアドレスをブラウザーにコピーしてください。',
  colon: '：',
  signOff: ['今後とも Support Portal をよろしくお願いいたします。', 'Support Portal チーム'],
  footer: 'このメールは、お客様の Support Portal アカウントに関するお知らせとしてお送りしています。',
  templates: {
    signup_code: (d) => ({
      subject: 'Support Portal 確認コードのお知らせ',
      heading: 'メールアドレスの確認',
      greeting: hello(d.name),
      blocks: [
        p('Support Portal アカウントの作成を完了するには、次の確認コードを入力してメールアドレスを確認してください。'),
        highlight('確認コード', d.code),
        p(`このコードは${d.expiresInMinutes}分後に有効期限が切れ、一度のみ使用できます。コードは他の人に教えないでください。当社の担当者がコードをお尋ねすることはありません。`),
        p('Support Portal に登録した覚えがない場合は、このメールを無視してください。このコードが入力されない限り、メールアドレスは確認済みになりません。'),
      ],
    }),

    account_exists: (d) => ({
      subject: 'Support Portal アカウントはすでに登録されています',
      heading: 'すでにアカウントをお持ちです',
      greeting: hello(d.name),
      blocks: [
        p('このメールアドレスで Support Portal への新規登録が試みられました。このアドレスのアカウントはすでに存在するため、新しいアカウントは作成されていません。'),
        p('引き続きご利用いただくには、現在のパスワードでサインインしてください。パスワードをお忘れの場合は、サインイン ページからリセットできます。'),
        action('サインイン', d.signInUrl),
        action('パスワードをリセット', d.resetPasswordUrl),
        p('お客様ご自身の操作ミスによるものである場合や、登録を試みた覚えがない場合は、このメールを無視してください。アカウントに変更はありません。'),
      ],
    }),

    org_joined: (d) => ({
      subject: `アカウントが「${d.orgName}」に関連付けられました`,
      heading: `「${d.orgName}」へようこそ`,
      greeting: hello(d.name),
      blocks: [
        p('お客様の Support Portal アカウントが組織「', strong(d.orgName), '」に関連付けられました。サインインすると、組織で利用できる機能をご利用いただけます。'),
        details(['組織', d.orgName], ['ロール', ROLE[d.role]], ['アクセス グループ', d.accessGroup]),
        action('Support Portal を開く', d.url),
        p('お心当たりがない場合は、組織のサイト管理者または当社サポート チームまでお問い合わせください。'),
      ],
    }),

    review_received: (d, f) => ({
      subject: `お申し込み（${d.reference}）を受け付けました`,
      heading: 'お申し込みを審査しております',
      greeting: hello(d.name),
      blocks: [
        p(`${REQUEST[d.kind]}を受け付けました。この種類のお申し込みは、すべて担当者が手作業で審査しております。`),
        p(
          d.kind === 'upgrade' ? '確認には通常24～48時間かかります。' : '審査には通常1～2営業日かかります。',
          '回答は',
          strong(f.date(d.expectedBy)),
          'までにお送りする予定です。',
        ),
        details(['受付番号', d.reference]),
        p('審査結果が出しだい、メールでお知らせいたします。追加の情報が必要な場合は、ご連絡することがあります。'),
      ],
    }),

    review_request_staff: (d, f) => ({
      subject: `新しい審査依頼：${d.reference}（${KIND[d.kind]}）`,
      heading: '新しい審査依頼があります',
      greeting: 'ご担当者様',
      blocks: [
        p('新しいお申し込みが審査チームの判断を待っています。'),
        details(
          ['受付番号', d.reference],
          ['種類', KIND[d.kind]],
          ['申請者', d.applicantEmail],
          ['組織', d.orgName],
          d.ageHours !== undefined && ['待機時間', `${Math.floor(d.ageHours)}時間`],
          ['判断期限', f.dateTime(d.dueBy)],
        ),
        action('審査を開く', d.url),
        p('14日以内に判断されなかったお申し込みは失効し、申請者は再度申請する必要があります。'),
      ],
    }),

    review_reminder_staff: (d, f) => ({
      subject: `審査期限超過：${d.reference}`,
      heading: '審査の期限を過ぎています',
      greeting: 'ご担当者様',
      blocks: [
        p('このお申し込みは判断期限（', strong(f.dateTime(d.dueBy)), '）を過ぎましたが、まだ判断されていません。'),
        details(['受付番号', d.reference], ['種類', KIND[d.kind]], ['申請者', d.applicantEmail]),
        action('審査を開く', d.url),
        p('できるだけ早く承認または却下してください。14日以内に判断されなかったお申し込みは失効し、申請者は再度申請する必要があります。'),
      ],
    }),

    review_approved: (d) => ({
      subject:
        d.kind === 'organization'
          ? `「${d.orgName}」の設定が完了しました`
          : d.kind === 'upgrade'
            ? 'エンタープライズ アクセスが有効になりました'
            : 'アカウントが再有効化されました',
      heading: 'お申し込みが承認されました',
      greeting: hello(d.name),
      blocks: [
        p(`${REQUEST[d.kind]}（受付番号：${d.reference}）を承認いたしました。`),
        d.kind === 'organization' &&
          p('「', strong(d.orgName), '」のプロファイルを作成し、お客様をサイト管理者に設定しました。組織のすべてのサポート機能をご利用いただけるほか、同僚の方を招待することもできます。'),
        d.kind === 'upgrade' &&
          p('お客様のアカウントで「', strong(d.orgName), '」のエンタープライズ アクセスをご利用いただけるようになりました。組織のすべての機能を表示するには、もう一度サインインしてください。'),
        d.kind === 'reactivation' &&
          p('「', strong(d.orgName), '」のアカウントが再び有効になりました。いつものパスワードでサインインできます。'),
        action('サインイン', d.url),
      ],
    }),

    review_rejected: (d) => ({
      subject: `お申し込み（${d.reference}）は承認されませんでした`,
      heading: 'お申し込みは承認されませんでした',
      greeting: hello(d.name),
      blocks: [
        p(`${REQUEST[d.kind]}（受付番号：${d.reference}）を審査いたしましたが、誠に残念ながら承認することができませんでした。担当者からの理由は次のとおりです。`),
        quote(d.reason),
        p(
          d.kind === 'organization'
            ? 'お客様のアカウントは現在のアクセス権を維持します。情報を修正のうえ、組織を再度ご申請いただけます。'
            : d.kind === 'upgrade'
              ? 'お客様のアカウントは現在のアクセス権を維持します。不足している情報を添えて、新しいお申し込みをお送りいただけます。'
              : 'お客様のアカウントは解約されたままとなります。',
          'ご不明な点がございましたら、受付番号を添えてサポート チームまでお問い合わせください。',
        ),
      ],
    }),

    review_expired: (d) => ({
      subject: `お申し込み（${d.reference}）の有効期限が切れました`,
      heading: 'お申し込みの有効期限が切れました',
      greeting: hello(d.name),
      blocks: [
        p(`${REQUEST[d.kind]}（受付番号：${d.reference}）について14日以内に判断できなかったため、お申し込みは失効しました。ご不便をおかけして申し訳ございません。`),
        p('お手数ですが、もう一度お申し込みください。それまでの間も、アカウントは現在のアクセス権を維持します。'),
        action('再度申し込む', d.url),
      ],
    }),

    upgrade_requested: (d) => ({
      subject: `サービス リクエスト ${d.serviceRequestNumber} を受け付けました`,
      heading: 'サービス リクエストを受け付けました',
      greeting: hello(d.name),
      blocks: [
        p('アカウントをエンタープライズ アクセスにアップグレードするお申し込みをいただき、ありがとうございます。'),
        highlight('サービス リクエスト番号', d.serviceRequestNumber),
        p('カスタマー サービスがお客様のアカウント設定を確認いたします。確認には通常24～48時間かかります。追加の情報が必要な場合は、確認のためにご連絡することがあります。'),
        p('このお申し込みについてお問い合わせの際は、この番号をお知らせください。'),
      ],
    }),

    org_invite: (d) => ({
      subject: `${d.inviterName} 様から「${d.orgName}」への招待が届いています`,
      heading: `「${d.orgName}」への招待`,
      blocks: [
        p(strong(d.inviterName), ' 様から、Support Portal の組織「', strong(d.orgName), '」への招待が届いています。'),
        details(['組織', d.orgName], ['ロール', ROLE[d.role]]),
        action('招待を承諾する', d.signupUrl),
        d.expiresInDays !== undefined && p(`この招待は${d.expiresInDays}日後に有効期限が切れます。`),
        p('この招待にお心当たりがない場合は、このメールを無視してください。'),
      ],
      footer: `このメールは、${d.inviterName} 様がお客様を Support Portal に招待したためお送りしています。`,
    }),

    ticket_status_changed: (d) => ({
      subject: `【${d.reference}】ステータスが「${STATUS[d.toStatus]}」に変更されました`,
      heading: `${d.reference} のステータス更新`,
      greeting: hello(d.name),
      blocks: [
        p('お客様のリクエスト ', strong(d.reference), ' のステータスが「', strong(STATUS[d.fromStatus]), '」から「', strong(STATUS[d.toStatus]), '」に変更されました。'),
        p(STATUS_MEANING[d.toStatus]),
        d.note !== undefined && p('担当者からのメモ：'),
        d.note !== undefined && quote(d.note),
        action('リクエストを表示', d.url),
      ],
    }),

    ticket_comment: (d) => ({
      subject: d.authorRole === 'staff' ? `${d.reference} にサポートから返信がありました` : `${d.reference} に依頼者からコメントがありました`,
      heading: `${d.reference} への新しいコメント`,
      greeting: hello(d.name),
      blocks: [
        p(d.authorRole === 'staff' ? 'サポート チーム' : '依頼者', 'がリクエスト ', strong(d.reference), ' にコメントを追加しました。'),
        quote(d.excerpt),
        p('やり取りの全体を確認したり返信したりするには、Support Portal でリクエストを開いてください。'),
        action('リクエストを表示', d.url),
      ],
    }),

    invoice_issued: (d, f) => ({
      subject: `請求書 ${d.invoiceNumber} を発行しました（${d.orgName}）`,
      heading: '新しい請求書が発行されました',
      greeting: hello(d.name),
      blocks: [
        p('「', strong(d.orgName), '」宛ての新しい請求書を発行いたしました。'),
        details(['請求書番号', d.invoiceNumber], ['ご請求金額', d.total], ['お支払い期限', f.date(d.dueDate)]),
        action('請求書を表示', d.url),
        p('すべての請求書は、Support Portal の「請求書」から表示、ダウンロード、印刷できます。この請求書についてご不明な点がございましたら、お問い合わせください。'),
      ],
    }),

    account_cancelled: (d) => ({
      subject: 'Support Portal アカウントの解約が完了しました',
      heading: 'アカウントを解約いたしました',
      greeting: hello(d.name),
      blocks: [
        p('ご依頼に基づき、お客様の Support Portal アカウントを解約いたしました。'),
        p('アカウントを再開したい場合は、サインインして再有効化してください。無料トライアルのアカウントは、パスワードを入力するとすぐに再有効化されます。有料アカウントの場合は、再有効化のリクエストを送信していただくと、サポート チームからご連絡いたします。'),
        p('お客様ご自身で解約していない場合は、至急サポート チームまでお問い合わせください。'),
      ],
    }),

    reactivation_requested: (d) => ({
      subject: `再有効化のリクエスト（${d.reference}）を受け付けました`,
      heading: '再有効化のリクエストを受け付けました',
      greeting: hello(d.name),
      blocks: [
        p('Support Portal アカウントの再有効化のリクエストを受け付けました。'),
        details(['受付番号', d.reference]),
        p('再有効化の手続きを完了するため、サポート チームからご連絡いたします。この件でお問い合わせの際は、受付番号をお知らせください。'),
      ],
    }),
  },
} satisfies LocaleCatalog;
