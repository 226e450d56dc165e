/**
 * Whether NCALayer runs on this computer, asked once per page load (the NCA pages check it
 * before key operations): `checking`, then `present` (with the version it announced) or `absent`.
 */
import { useEffect, useState } from 'preact/hooks';
import { detectNcaLayer } from '../crypto/ncalayer.js';
import { useServices } from '../services.js';

/** What the page knows about NCALayer. */
export type NcaLayerState =
  | { state: 'checking' }
  | { state: 'absent' }
  | { state: 'present'; version: string };

const asked = new Map<string, Promise<NcaLayerState>>();

function ask(url: string): Promise<NcaLayerState> {
  let p = asked.get(url);
  if (!p) {
    p = detectNcaLayer(url).then((r) =>
      r ? { state: 'present' as const, version: r.version } : { state: 'absent' as const },
    );
    asked.set(url, p);
  }
  return p;
}

/** NCALayer's state for the configured address. */
export function useNcaLayer(): NcaLayerState {
  const { ncalayerUrl } = useServices();
  const [state, setState] = useState<NcaLayerState>(
    ncalayerUrl === '' ? { state: 'absent' } : { state: 'checking' },
  );
  useEffect(() => {
    if (ncalayerUrl === '') return;
    let live = true;
    void ask(ncalayerUrl).then((s) => {
      if (live) setState(s);
    });
    return () => {
      live = false;
    };
  }, [ncalayerUrl]);
  return state;
}
