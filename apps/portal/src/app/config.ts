/**
 * Runtime configuration: `config.json` next to `index.html`, written by whoever serves the portal
 * (the portal server writes it from its options), so one build works behind any deployment.
 */

/** Where the portal finds the services. */
export interface PortalConfig {
  /** Base URL of the CA API (`''`: this origin, the API at `/v1`). */
  caBaseUrl: string;
  /** Base URL of the status service (default `/status`, proxied by the portal server). */
  statusBaseUrl: string;
  /**
   * Where NCALayer listens (default `wss://127.0.0.1:13579`, where the real one does; an emulator
   * may run elsewhere, e.g. `ws://127.0.0.1:13580` with `--no-tls`); `''` never asks for it.
   */
  ncalayerUrl: string;
}

/** Used when `config.json` is absent or unreadable. */
export const DEFAULT_CONFIG: PortalConfig = {
  caBaseUrl: '',
  statusBaseUrl: '/status',
  ncalayerUrl: 'wss://127.0.0.1:13579',
};

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** A `ws://` or `wss://` URL (or `''`: off); anything else falls back. */
function wsUrl(value: unknown, fallback: string): string {
  if (value === '') return '';
  return typeof value === 'string' && /^wss?:\/\/[^\s/]+(\/\S*)?$/.test(value) ? value : fallback;
}

/** Loads `config.json` (relative to the page), falling back to {@link DEFAULT_CONFIG}. */
export async function loadConfig(): Promise<PortalConfig> {
  try {
    const res = await fetch(new URL('config.json', document.baseURI).href, { cache: 'no-store' });
    if (!res.ok) return DEFAULT_CONFIG;
    const raw = (await res.json()) as Record<string, unknown>;
    return {
      caBaseUrl: text(raw.caBaseUrl, DEFAULT_CONFIG.caBaseUrl),
      statusBaseUrl: text(raw.statusBaseUrl, DEFAULT_CONFIG.statusBaseUrl),
      ncalayerUrl: wsUrl(raw.ncalayerUrl, DEFAULT_CONFIG.ncalayerUrl),
    };
  } catch {
    return DEFAULT_CONFIG;
  }
}
