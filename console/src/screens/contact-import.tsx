import { useRef, useState } from 'preact/hooks';

import { contactsApi } from '../api/endpoints';
import type { ImportResult } from '../api/models';
import { ErrorAlert } from '../components/feedback';
import { useAction } from '../hooks';

/** CSV import with the server's per-line report: what was created, updated, and each rejected line with its reason. */
export function ContactImport({ onImported }: { onImported: () => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [defaultCountry, setDefaultCountry] = useState('');
  const [result, setResult] = useState<{ fileName: string; report: ImportResult }>();

  const upload = useAction(async () => {
    const file = fileInput.current?.files?.[0];
    if (!file) throw new Error('Choose a CSV file first.');
    setResult(undefined);
    const report = await contactsApi.importCsv(file, defaultCountry.trim().toUpperCase() || undefined);
    setResult({ fileName: file.name, report });
    onImported();
  });

  return (
    <form
      class="card"
      aria-labelledby="import-title"
      onSubmit={(event) => {
        event.preventDefault();
        void upload.run();
      }}
    >
      <h2 id="import-title">Import from CSV</h2>
      <p class="help" id="import-help">
        A header row first: <code>phone</code> (required), <code>name</code>, <code>firstName</code>,{' '}
        <code>lastName</code>, <code>tags</code> (separated by <code>;</code>) and any other column as an
        attribute. Existing numbers are updated.
      </p>
      <div class="field">
        <label for="import-file">CSV file</label>
        <input
          id="import-file"
          ref={fileInput}
          type="file"
          accept=".csv,text/csv"
          required
          aria-describedby="import-help"
        />
      </div>
      <div class="field">
        <label for="import-country">Country for numbers without a country code (optional)</label>
        <input
          id="import-country"
          maxLength={2}
          placeholder="US"
          autocomplete="off"
          value={defaultCountry}
          onInput={(event) => setDefaultCountry(event.currentTarget.value)}
        />
      </div>
      <button type="submit" disabled={upload.busy}>
        {upload.busy ? 'Importing…' : 'Import'}
      </button>
      <ErrorAlert error={upload.error} context="Import failed" />
      <div aria-live="polite">
        {result ? <ImportReport fileName={result.fileName} report={result.report} /> : null}
      </div>
    </form>
  );
}

function ImportReport({ fileName, report }: { fileName: string; report: ImportResult }) {
  const rejected = report.rejectedCount ?? report.rejected.length;
  return (
    <section class="import-report" aria-labelledby="import-report-title">
      <h3 id="import-report-title">Imported {fileName}</h3>
      <ul class="import-counts">
        <li>
          <strong>{report.imported}</strong> new {report.imported === 1 ? 'contact' : 'contacts'}
        </li>
        <li>
          <strong>{report.updated}</strong> updated
        </li>
        <li>
          <strong>{rejected}</strong> {rejected === 1 ? 'line' : 'lines'} rejected
        </li>
      </ul>
      {report.rejected.length > 0 ? (
        <div class="table-wrap" role="region" aria-label="Rejected lines" tabIndex={0}>
          <table>
            <caption>
              Rejected lines
              {rejected > report.rejected.length ? ` (the first ${report.rejected.length})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {report.rejected.map((rejection) => (
                <tr key={rejection.line}>
                  <td>{rejection.line}</td>
                  <td>{rejection.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
