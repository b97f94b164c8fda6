// Asked once when the API answers 401: the token is kept in this browser's localStorage.
import { useState } from 'react';
import { useAuth } from '../app/auth';

export function TokenPrompt() {
  const { tokenRequired, submitToken } = useAuth();
  const [value, setValue] = useState('');
  if (!tokenRequired) return null;
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        onSubmit={(e) => {
          e.preventDefault();
          submitToken(value);
        }}
      >
        <h2>API token required</h2>
        <p>
          This agent has <code>opa.api.token</code> set. Enter the token to continue; it is stored in this
          browser only.
        </p>
        <input
          autoFocus
          type="password"
          aria-label="API token"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="token"
        />
        <button type="submit" className="primary" disabled={!value.trim()}>
          Save token
        </button>
      </form>
    </div>
  );
}
