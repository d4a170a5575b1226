// The admin-token form shown before the dashboard and the studio (and again when the server refuses the token).
import { el, withCode } from './dom-builder.js';
import './token-gate.css';

/** The mounted form. */
export interface TokenGate {
  element: HTMLElement;
  /** Shows the form, with `message` as the error line when given. */
  show(message?: string): void;
  hide(): void;
}

/** Builds the form for `page` ("the dashboard", "the studio"); `onToken` gets the trimmed token on submit. */
export function createTokenGate(onToken: (token: string) => void, page = 'the dashboard'): TokenGate {
  const input = el('input', {
    id: 'admin-token',
    name: 'token',
    type: 'password',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'token-help token-error',
  });
  const error = el('p', { id: 'token-error', class: 'error', role: 'alert', hidden: true });
  const form = el(
    'form',
    { id: 'token-form', class: 'token-form', 'aria-labelledby': 'token-title' },
    el('h2', { id: 'token-title' }, 'Admin token'),
    el(
      'p',
      { id: 'token-help', class: 'muted' },
      withCode(
        `${page[0]?.toUpperCase() ?? ''}${page.slice(1)} uses the server’s admin API.` +
          ' `npx coursecast demo` prints the token; a server keeps ' +
          'it in `<data dir>/admin-token` unless `COURSECAST_ADMIN_TOKEN` sets it. It stays in this tab only.',
      ),
    ),
    el('label', { for: 'admin-token' }, 'Token'),
    input,
    error,
    el('button', { type: 'submit', class: 'primary' }, `Open ${page}`),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (token) onToken(token);
  });
  return {
    element: form,
    show(message) {
      form.hidden = false;
      error.hidden = !message;
      error.textContent = message ?? '';
      input.value = '';
      input.focus();
    },
    hide() {
      form.hidden = true;
    },
  };
}
