// The page's script: the @kzpki/ncalayer client (served by server.mjs as one bundled ES module)
// asks NCALayer for a CMS signature, and the server verifies it.
import { isNCALayerError, NCALayerClient } from '/ncalayer.js';

// wss://127.0.0.1:13579 as NCALayer listens; ?ncalayer=ws://127.0.0.1:PORT for an emulator run with --no-tls.
const url = new URLSearchParams(location.search).get('ncalayer') ?? undefined;
const ncalayer = new NCALayerClient(url ? { url } : {});
const $ = (id) => document.getElementById(id);

function show(text, kind) {
  $('status').textContent = text;
  $('status').className = kind;
}

$('sign').addEventListener('click', async () => {
  const data = $('document').value;
  const iin = $('iin').value.trim();
  const purpose = document.querySelector('input[name=purpose]:checked').value;
  const detached = $('detached').checked;
  $('result').hidden = true;
  show('Waiting for NCALayer: choose a key and type its password there…', '');
  try {
    const cms = await ncalayer.signCms({
      data,
      purpose,
      detached,
      allowTestKeys: $('test-keys').checked,
      ...(iin ? { iin } : {}),
    });
    show('Signed; the server verifies it…', '');
    const response = await fetch('/api/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cms: cms.base64, ...(detached ? { content: data } : {}) }),
    });
    const report = await response.json();
    show(
      report.valid
        ? 'The server verified the signature.'
        : `Not valid: ${report.reason} ${report.message ?? ''}`,
      report.valid ? 'ok' : 'error',
    );
    $('result').textContent = JSON.stringify(report, null, 2);
    $('result').hidden = false;
  } catch (e) {
    if (isNCALayerError(e, 'ERR_USER_CANCELLED')) show('You cancelled in NCALayer.', 'error');
    else if (isNCALayerError(e, 'ERR_NCALAYER_UNAVAILABLE'))
      show('NCALayer does not answer: start it (or npx kzpki ncalayer) and trust its certificate.', 'error');
    else if (isNCALayerError(e, 'ERR_NO_KEY')) show(`No suitable key: ${e.message}`, 'error');
    else show(`Failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
  }
});
