/**
 * The services every screen talks to (CA API, status service) and what the CA says about itself
 * (dev mode shows the simulated helpers), shared through a context.
 */
import { type ComponentChildren, createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { CaApi } from './api/ca-api.js';
import type { StatusApi } from './api/status-api.js';
import type { Health } from './api/types.js';

/** What the screens use. */
export interface Services {
  ca: CaApi;
  status: StatusApi;
  /** Where NCALayer is looked for (`''`: never). */
  ncalayerUrl: string;
  /** `undefined` until `/v1/health` answered (or when it failed). */
  health?: Health;
}

const ServicesContext = createContext<Services | undefined>(undefined);

/** Provides the services. */
export function ServicesProvider(props: { value: Services; children: ComponentChildren }) {
  return <ServicesContext.Provider value={props.value}>{props.children}</ServicesContext.Provider>;
}

/** The services (inside {@link ServicesProvider}). */
export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices() outside ServicesProvider');
  return s;
}
