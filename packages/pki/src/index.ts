/**
 * `@kzpki/pki`: X.509, CSR, PKCS#12, CRL and OCSP for the NCA RK PKI.
 *
 * @packageDocumentation
 */
export * from './certificate.js';
export * from './crypto-provider.js';
export * from './encoding.js';
export * from './errors.js';
export * from './profile.js';
export * from './signing.js';

// --- profiles, subjects, inspection, chains
// --- end profiles

// --- keys, CSRs, issuance
// --- end keys

// --- PKCS#12
// --- end PKCS#12

// --- CRL and OCSP
// --- end CRL and OCSP
