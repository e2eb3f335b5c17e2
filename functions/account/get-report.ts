import { contractRequestReportSource, invoiceReportSource, orderReportSource } from '#shared/adapters/dynamodb/repositories/account-reports.ts';
import { deskStore } from '#shared/adapters/dynamodb/repositories/desk.ts';
import { getReport } from '#shared/contracts/routes/account.ts';
import { generateReport } from '#shared/domain/account/reports.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { systemClock } from '#shared/lib/ids.ts';

const sources = { ...orderReportSource(deskStore()), ...contractRequestReportSource, ...invoiceReportSource };

const CSV = 'text/csv; charset=utf-8';

export const handler = apiHandler(getReport)(async ({ path, query, auth }) => {
  const report = await generateReport(path.kind, query, auth, { sources, clock: systemClock });
  return {
    status: 200,
    body: report.csv,
    headers: {
      'content-type': CSV,
      'content-disposition': `attachment; filename="${report.fileName}"`,
      'x-report-rows': String(report.rows),
      'x-report-truncated': String(report.truncated),
    },
  };
});
