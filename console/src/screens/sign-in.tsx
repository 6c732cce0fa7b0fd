import { useState } from 'preact/hooks';

import { ApiError } from '../api/errors';
import { session } from '../api/session';
import { ErrorAlert } from '../components/feedback';
import { PageHeading } from '../components/page-heading';

export function SignIn({ notice }: { notice?: string }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await session.signIn(email.trim(), password);
    } catch (caught) {
      setError(caught);
      if (caught instanceof ApiError && caught.status === 401) setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <form
        class="card"
        onSubmit={(event) => void submit(event)}
        aria-describedby={notice ? 'sign-in-notice' : undefined}
      >
        <p class="brand">Switchboard</p>
        <PageHeading title="Sign in" />
        {notice && !error ? (
          <p id="sign-in-notice" class="alert alert-info" role="status">
            {notice}
          </p>
        ) : null}
        <ErrorAlert error={error} />
        <div class="field">
          <label for="sign-in-email">Email</label>
          <input
            id="sign-in-email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="sign-in-password">Password</label>
          <input
            id="sign-in-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
