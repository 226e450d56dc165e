import { render } from 'preact';

function App() {
  return <button type="button" onClick={async () => { const p = await import('@kzpki/pki'); console.log(await p.generateKeyPair('RSA-2048')); }}>x</button>;
}
render(<App />, document.getElementById('app') as HTMLElement);
