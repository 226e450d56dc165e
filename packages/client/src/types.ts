/**
 * Names for the schemas of the two APIs, so callers need not spell `components['schemas'][...]`.
 * All are generated from `openapi/*.yaml` and change with the specs.
 */
import type { components as CaComponents } from './generated/ca.js';
import type { components as StatusComponents } from './generated/status.js';

/** Every schema of the CA API. */
export type CaSchemas = CaComponents['schemas'];
/** Every schema of the status service. */
export type StatusSchemas = StatusComponents['schemas'];

/** An application as its applicant sees it. */
export type Application = CaSchemas['Application'];
/** Status of an application (`otp-sent` … `installed`). */
export type ApplicationStatus = CaSchemas['ApplicationStatus'];
/** A template name as the CA API spells it. */
export type CaTemplateName = CaSchemas['TemplateName'];
/** A certificate issued for an application (PEM and base64 DER). */
export type IssuedCertificateData = CaSchemas['IssuedCertificate'];
/** The one GOST R 34.10-2015 certificate of a legal entity's key (`CertificateBundle.gostCertificates`). */
export type IssuedGostCertificateData = CaSchemas['IssuedGostCertificate'];
/** A CA certificate (root, issuing CA, OCSP responder). */
export type CaCertificateData = CaSchemas['CaCertificate'];
/** The end-entity certificates of an application and the CA chain. */
export type CertificateBundle = CaSchemas['CertificateBundle'];
/** An application waiting for a first manager's decision. */
export type PendingApplication = CaSchemas['PendingApplication'];
/** A recorded approval or rejection. */
export type DecisionResult = CaSchemas['DecisionResult'];
/** A certificate as the cabinet lists it, with its status. */
export type CertificateRecord = CaSchemas['CertificateRecord'];
/** RFC 5280 revocation reason accepted by the CA. */
export type RevocationReason = CaSchemas['RevocationReason'];
/** The holder of a cabinet session, read from their AUTH certificate. */
export type SessionHolder = CaSchemas['Holder'];
/** Document data recognised by (simulated) Digital ID. */
export type RecognizedDocument = CaSchemas['RecognizedDocument'];
/** The user agreement. */
export type Agreement = CaSchemas['Agreement'];
/** A message of the dev SMS outbox. */
export type SmsMessage = CaSchemas['SmsMessage'];
/** Health and modes of the CA. */
export type CaHealth = CaSchemas['Health'];
/** The "check application status" view. */
export type ApplicationStatusView = CaSchemas['ApplicationStatusView'];
/** Result of the status service's key check. */
export type KeyCheckResult = StatusSchemas['KeyCheckResult'];
