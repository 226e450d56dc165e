/**
 * The CA chain of installed key files, offered as separate certificate files: like the NCA's, the
 * key files hold their own certificate only (issue 13), so tools that check the chain take the
 * issuing CA and root from here (or from the certificate's AIA).
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { CaCertificate } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { offerFile } from './downloads.js';

/**
 * Links to the chain's certificates (PEM, the CA's file names), issuing CA first.
 * @example
 * ```tsx
 * <CaChainLinks chain={bundle.chain} />
 * ```
 */
export function CaChainLinks(props: { chain: readonly CaCertificate[] }) {
  const i = useI18n();
  const links = useMemo(
    () => props.chain.map((c) => ({ ...c, url: offerFile(c.pem, 'application/x-pem-file') })),
    [props.chain],
  );
  useEffect(
    () => () => {
      for (const l of links) URL.revokeObjectURL(l.url);
    },
    [links],
  );
  if (links.length === 0) return null;
  return (
    <>
      <p>{i.t('done.chain')}</p>
      <ul class="files" id="ca-chain">
        {links.map((l) => (
          <li key={l.fileName}>
            <a href={l.url} download={l.fileName} data-ca={l.name} translate={false}>
              {l.fileName}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}
