/**
 * Entry point: reads `config.json`, asks the CA about its modes (dev mode shows the simulated
 * helpers, test mode admits the NCA test identifiers), and renders the portal.
 */
import { render } from 'preact';
import { CaApi } from './api/ca-api.js';
import { StatusApi } from './api/status-api.js';
import { App } from './app.js';
import { loadConfig } from './config.js';
import { type Services, ServicesProvider } from './services.js';
import './styles.css';

async function main(): Promise<void> {
  const config = await loadConfig();
  const ca = new CaApi(config.caBaseUrl);
  const services: Services = {
    ca,
    status: new StatusApi(config.statusBaseUrl),
    ncalayerUrl: config.ncalayerUrl,
  };
  try {
    services.health = await ca.health();
  } catch {
    // The screens report the CA being unreachable when they call it.
  }
  const root = document.getElementById('app');
  if (!root) return;
  render(
    <ServicesProvider value={services}>
      <App />
    </ServicesProvider>,
    root,
  );
}

void main();
