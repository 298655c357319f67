import { render } from 'preact';
import { App } from './app';
import { tokenFromHash } from './lib/social';
import { PartnerPage } from './screens/Partner';
import './styles.css';

const root = document.getElementById('app') as HTMLElement;

if (window.location.pathname === '/partner' || window.location.pathname === '/partner/') {
  // A community organisation's referral link: <partner_url>#token=…. The
  // fragment never reaches the server; read it, then take it out of the
  // address bar (and so out of the history) before anything else runs. The
  // token then lives in the page's memory only. No session, no sign-in.
  const take = (): string | null => {
    const token = tokenFromHash(window.location.hash);
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
    return token;
  };
  const token = take();
  let listener: ((t: string) => void) | null = null;
  window.addEventListener('hashchange', () => {
    const t = take();
    if (t && listener) listener(t);
  });
  render(<PartnerPage token={token} onToken={(l) => (listener = l)} />, root);
} else {
  render(<App />, root);
}
